//! `cydex validate`: load, parse and validate scenario files; print every diagnostic and a
//! one-screen summary of each valid scenario.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::{EXIT_INVALID, EXIT_OK, color_stderr, load, print_stdout};
use crate::fmt::thousands;
use crate::scenario::model::{InjectEffect, Scenario, name_of};
use crate::scenario::{Diagnostic, Loaded, Severity};

/// The shape of `--format json`, for `--help` (documented in docs/scenario-format.md §14.3).
const JSON_HELP: &str = "\
JSON output (--format json): one object on stdout, the same shape for one file or many:
  {\"format\": \"cydex-validate\", \"version\": 1, \"ok\": BOOL, \"errors\": N, \"warnings\": N,
   \"files\": [{\"file\": NAME, \"ok\": BOOL, \"sha256\": HEX|null, \"errors\": N, \"warnings\": N,
     \"run_cost\": {\"work\": N, \"memory_bytes\": N, \"hosts_at_risk\": N, \"within_default_budgets\": BOOL}|null,
     \"diagnostics\": [{\"severity\": \"error\"|\"warning\", \"code\", \"message\", \"hint\": TEXT|null,
       \"path\", \"start\": {\"line\", \"column\"}|null, \"end\": {\"line\", \"column\"}|null}]}]}
Lines and columns are 1-based, columns count characters, and `end` is just past the last
character. `ok` is false for a file with errors (or, with --deny-warnings, warnings).";

/// Arguments of `cydex validate`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_HELP)]
pub struct Args {
    /// Scenario files to check. With none, checks the embedded default scenario.
    files: Vec<PathBuf>,
    /// Treat warnings as errors (exit 2 if any).
    #[arg(long)]
    deny_warnings: bool,
    /// Output format: `human` (diagnostics on stderr, summary on stdout) or `json` (one report on
    /// stdout; its shape is under `--help`).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print diagnostics only, no summary.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Name and version of the `--format json` report.
const JSON_FORMAT: &str = "cydex-validate";
const JSON_VERSION: u32 = 1;

/// The `--format json` report: every file checked, and the totals.
#[derive(Serialize)]
struct JsonReport {
    format: &'static str,
    version: u32,
    ok: bool,
    errors: usize,
    warnings: usize,
    files: Vec<FileReport>,
}

/// One file of the `--format json` report.
#[derive(Serialize)]
struct FileReport {
    file: String,
    ok: bool,
    sha256: Option<String>,
    errors: usize,
    warnings: usize,
    run_cost: Option<RunCost>,
    diagnostics: Vec<Diagnostic>,
}

/// The estimate of one run of a valid file (`scenario::budget`), in the JSON report.
#[derive(Serialize)]
struct RunCost {
    work: u64,
    memory_bytes: u64,
    hosts_at_risk: u64,
    within_default_budgets: bool,
}

impl RunCost {
    fn of(s: &Scenario) -> RunCost {
        let e = crate::scenario::budget::estimate(s);
        RunCost {
            work: e.work,
            memory_bytes: e.memory,
            hosts_at_risk: e.hosts_at_risk,
            within_default_budgets: crate::scenario::budget::Budget::default().check(&e).is_ok(),
        }
    }
}

/// Runs `cydex validate`.
pub fn run(args: Args) -> u8 {
    let targets: Vec<Option<&PathBuf>> =
        if args.files.is_empty() { vec![None] } else { args.files.iter().map(Some).collect() };
    let color = color_stderr();
    let mut all_ok = true;
    let mut json = Vec::new();
    for target in targets {
        let name = target.map_or(super::DEFAULT_SCENARIO_NAME.to_string(), |p| p.display().to_string());
        let (loaded, diagnostics) = match load(target) {
            Ok(l) => {
                let w = l.warnings.clone();
                (Some(l), w)
            }
            Err(r) => (None, r.diagnostics),
        };
        let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = diagnostics.len() - errors;
        let valid = loaded.is_some() && !(args.deny_warnings && warnings > 0);
        all_ok &= valid;
        match args.format {
            Format::Json => json.push(FileReport {
                file: name,
                ok: valid,
                sha256: loaded.as_ref().map(|l| l.sha256.clone()),
                errors,
                run_cost: loaded.as_ref().map(|l| RunCost::of(&l.scenario)),
                warnings,
                diagnostics,
            }),
            Format::Human => {
                let mut err = std::io::stderr().lock();
                for d in &diagnostics {
                    let _ = writeln!(err, "{}", d.render(color));
                }
                let verdict = match (&loaded, valid) {
                    (Some(_), true) => format!("{name}: valid{}", plural_warnings(warnings)),
                    (Some(_), false) => format!("{name}: invalid: {warnings} warning(s) denied by --deny-warnings"),
                    (None, _) => format!("{name}: invalid: {errors} error(s){}", plural_warnings(warnings)),
                };
                if let (Some(l), false) = (&loaded, args.quiet) {
                    print_stdout(&format!("{verdict}\n{}\n", summary(l)));
                } else if loaded.is_none() || !valid {
                    let _ = writeln!(err, "{verdict}");
                } else {
                    print_stdout(&format!("{verdict}\n"));
                }
            }
        }
    }
    if args.format == Format::Json {
        let report = JsonReport {
            format: JSON_FORMAT,
            version: JSON_VERSION,
            ok: all_ok,
            errors: json.iter().map(|f| f.errors).sum(),
            warnings: json.iter().map(|f| f.warnings).sum(),
            files: json,
        };
        print_stdout(&format!("{}\n", serde_json::to_string_pretty(&report).unwrap_or_default()));
    }
    if all_ok { EXIT_OK } else { EXIT_INVALID }
}

fn plural_warnings(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (1 warning)".to_string(),
        n => format!(" ({n} warnings)"),
    }
}

/// The one-screen summary of a valid scenario.
pub fn summary(l: &Loaded) -> String {
    let s: &Scenario = &l.scenario;
    let e = &s.exercise;
    let segments: usize = s.nations.iter().map(|n| n.segments.len()).sum();
    let groups: usize = s.nations.iter().flat_map(|n| &n.segments).map(|g| g.host_groups.len()).sum();
    let hosts: u64 = s.nations.iter().flat_map(|n| &n.segments).flat_map(|g| &g.host_groups).map(|h| h.count).sum();
    let services: usize = s.nations.iter().map(|n| n.services.len()).sum();
    let ticks = s.clock.duration.secs() / s.clock.tick.secs().max(1);
    let nation_ids: Vec<&str> = s.nations.iter().map(|n| n.id.as_str()).collect();
    let providers: Vec<String> = s.assistance.iter().map(|p| format!("{} ({})", p.id, name_of(&p.kind))).collect();
    let scheduled = s.msel.iter().filter(|i| i.at.is_some()).count();
    let started_by_inject: BTreeSet<&str> = s
        .msel
        .iter()
        .flat_map(|i| &i.effects)
        .filter_map(|e| match e {
            InjectEffect::StartCampaign { campaign } => Some(campaign.as_str()),
            _ => None,
        })
        .collect();
    let mut out = String::new();
    // Scenario text never drives the terminal (escape sequences, bidi overrides).
    let mut row = |k: &str, v: String| out.push_str(&format!("  {k:<11} {}\n", crate::fmt::terminal_safe(&v)));
    row("exercise", format!("{} \"{}\"", e.id, e.title));
    row(
        "",
        format!(
            "{} exercise, {} mode, {}, ATT&CK Enterprise {}",
            name_of(&e.kind),
            name_of(&e.mode),
            name_of(&e.tlp),
            e.attack_version
        ),
    );
    row(
        "clock",
        format!(
            "tick {} × {ticks} ticks = {}; STARTEX {}",
            s.clock.tick,
            s.clock.duration,
            e.startex.map_or_else(|| "not set (engine default)".to_string(), |t| t.to_string())
        ),
    );
    row("nations", format!("{}: {}", s.nations.len(), abbreviate(&nation_ids, 12)));
    let generated: Vec<(u64, &crate::scenario::model::Topology)> = s
        .nations
        .iter()
        .flat_map(|n| &n.segments)
        .filter_map(|g| g.topology.as_ref().map(|t| (g.host_groups.iter().map(|h| h.count).sum(), t)))
        .collect();
    let networks = if generated.is_empty() {
        String::new()
    } else {
        let links: f64 = generated.iter().map(|(hosts, t)| t.links_over(*hosts)).sum();
        format!("; {} with a generated host network, ~{} links", generated.len(), thousands(links.round() as u64))
    };
    row("segments", format!("{segments} ({} links{networks})", s.links.len()));
    row("hosts", format!("{} in {groups} host groups", thousands(hosts)));
    row("services", services.to_string());
    row(
        "teams",
        format!(
            "{} national; {} assistance provider(s){}",
            s.nations.len(),
            s.assistance.len(),
            if providers.is_empty() { String::new() } else { format!(": {}", providers.join(", ")) }
        ),
    );
    row("sharing", format!("{} agreement(s)", s.sharing.len()));
    row("campaigns", s.campaigns.len().to_string());
    for c in &s.campaigns {
        let start = match (c.start, started_by_inject.contains(c.id.as_str())) {
            (Some(t), _) => format!("starts T+{t}"),
            (None, true) => "started by inject".to_string(),
            (None, false) => "never starts".to_string(),
        };
        row("", format!("{}: {} stages, {} actor, {start}", c.id, c.stages.len(), name_of(&c.actor.kind)));
    }
    row("injects", format!("{} ({scheduled} scheduled, {} triggered)", s.msel.len(), s.msel.len() - scheduled));
    row("objectives", s.objectives.len().to_string());
    row("run cost", run_cost(s));
    row("sha256", l.sha256.clone());
    out.trim_end().to_string()
}

/// The budget line of the summary: the estimate of one run against the default limits, and the
/// option a run needs when it is over them.
fn run_cost(s: &Scenario) -> String {
    use crate::scenario::budget::{Budget, bytes_text, estimate};
    let e = estimate(s);
    let limits = Budget::default();
    let verdict = match limits.check(&e) {
        Ok(()) => "within the default budgets".to_string(),
        Err(over) => format!(
            "over the default {} budget{}: run with `{}`",
            over.iter().map(|o| o.budget).collect::<Vec<_>>().join(" and "),
            if over.len() > 1 { "s" } else { "" },
            over.iter().map(|o| o.raise.as_str()).collect::<Vec<_>>().join(" ")
        ),
    };
    format!(
        "at most {} work units and {} per run ({} host(s) at risk); {verdict} ({} units, {})",
        thousands(e.work),
        bytes_text(e.memory),
        thousands(e.hosts_at_risk),
        thousands(limits.work),
        bytes_text(limits.memory)
    )
}

fn abbreviate(items: &[&str], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{}, … (+{})", items[..max].join(", "), items.len() - max)
    }
}
