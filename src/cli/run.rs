//! `cydex run`: one seeded exercise from a scenario to its terminal summary and output files.

use std::path::{Path, PathBuf};

use super::{EXIT_OK, fail, print_stdout};
use crate::results::RunResults;
use crate::sim::{DEFAULT_SEED, RunConfig};

/// The files `cydex run --out DIR` writes, in the order they are listed.
pub const OUTPUTS: [&str; 6] =
    ["results.json", "report.md", "report.html", "coverage.layer.json", "events.jsonl", "events.csv"];

/// Arguments of `cydex run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file. With none, runs the embedded default scenario.
    scenario: Option<PathBuf>,
    /// Master seed. The default is fixed, so a bare `cydex run` is reproducible too.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Which run of a batch to reproduce (each index is an independent random stream).
    #[arg(long, default_value_t = 0)]
    run_index: u64,
    /// Write results.json, report.md, report.html, coverage.layer.json (an ATT&CK Navigator layer
    /// of detection coverage), events.jsonl and events.csv into this directory (created if needed).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a scenario value before validation, e.g. `--set nations.EST.team.analysts=12`
    /// (repeatable; list elements by id or index; VALUE is YAML).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    budget: super::BudgetArgs,
}

/// Runs `cydex run`.
pub fn run(args: Args) -> u8 {
    let (loaded, overrides) = match super::batch::load_with_overrides(args.scenario.as_ref(), &args.set) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Err(code) = args.budget.check(&loaded) {
        return code;
    }
    if let Some(dir) = &args.out
        && let Err(code) = super::prepare_dir(dir)
    {
        return code;
    }
    let config = RunConfig { seed: args.seed, run_index: args.run_index };
    let (results, events) = crate::results::run(&loaded, &overrides, &config);
    if let Some(dir) = &args.out
        && let Err(code) = write_outputs(dir, &results, &events)
    {
        return code;
    }
    if !args.quiet {
        let color = super::color_stdout();
        let mut text = crate::report::terminal(&results, color);
        match &args.out {
            Some(dir) => {
                text.push_str(&format!("\nwrote {}/{{{}}}\n", dir.display(), OUTPUTS.join(", ")));
                text.push_str(&format!(
                    "next: open {} (the after-action report: definitions, evidence, the score ledger)\n",
                    dir.join("report.html").display()
                ));
            }
            None => text.push_str(
                "\nnext: add --out DIR to write the after-action report (report.html: definitions, evidence, the score ledger) and the other outputs\n",
            ),
        }
        print_stdout(&text);
    }
    EXIT_OK
}

/// [`write_outputs`] for a session's end: the paths written, or a message (already printed).
pub(crate) fn write_listed(
    dir: &Path,
    results: &RunResults,
    events: &crate::sim::EventStream,
) -> Result<Vec<String>, String> {
    write_outputs(dir, results, events)
        .map(|()| OUTPUTS.iter().map(|f| dir.join(f).display().to_string()).collect())
        .map_err(|_| format!("cannot write the outputs into `{}`", dir.display()))
}

/// Writes the run's output set into `dir`, all or nothing: every file is staged in full before
/// any is published, so a failure halfway leaves the previous run's files whole.
pub(crate) fn write_outputs(dir: &Path, results: &RunResults, events: &crate::sim::EventStream) -> Result<(), u8> {
    use crate::report::{events as ev, navigator};
    let failed = |e: std::io::Error| {
        fail(
            &format!("cannot write into `{}`: {e}", dir.display()),
            Some("check free space and permissions; the files already there are left as they were"),
        )
    };
    let mut set = crate::atomic::OutputSet::new(dir, true);
    // The event files are each a pass over the whole log: when it is long, the JSON lines are
    // written on one core while the other writes the CSV and then the reports.
    let (jsonl, rest) = crate::par::join(
        events.len(),
        || set.stage("events.jsonl", |w| ev::write_jsonl(events, w)),
        || {
            let md = super::report::render(results, super::report::Format::Md);
            let html = super::report::render(results, super::report::Format::Html);
            Ok::<_, std::io::Error>([
                set.stage("events.csv", |w| ev::write_csv(events, w))?,
                set.stage_bytes("results.json", results.to_json().as_bytes())?,
                set.stage_bytes("report.md", md.as_bytes())?,
                set.stage_bytes("report.html", html.as_bytes())?,
                set.stage_bytes(navigator::LAYER_FILE, navigator::run(results).as_bytes())?,
            ])
        },
    );
    set.push(jsonl.map_err(failed)?);
    for staged in rest.map_err(failed)? {
        set.push(staged);
    }
    set.publish().map_err(failed)?;
    Ok(())
}
