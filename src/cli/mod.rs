//! The `cydex` command line: argument parsing (clap), dispatch to one module per subcommand, and
//! the mapping of outcomes to documented exit codes.

/// `eprintln!` that never panics: a closed or full stderr (`2>&-`, `2>/dev/full`) must not turn a
/// message into a crash (exit 101). What cannot be written is dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod batch;
mod compare;
pub mod fuzz;
mod init;
mod merge;
mod play;
mod report;
mod run;
mod schema;
mod serve;
mod validate;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: invalid input (scenario, results file, arguments) or an I/O failure.
pub const EXIT_INVALID: u8 = 2;
/// Exit code: interrupted by Ctrl-C (finished batch runs are saved; see `--resume`).
pub const EXIT_INTERRUPTED: u8 = 130;

/// cydex: a cyber defence exercise engine for Allied national teams and NATO Rapid Reaction Teams.
#[derive(Debug, Parser)]
#[command(name = "cydex", version, about, long_about = None, max_term_width = 100)]
#[command(after_help = "Exit codes: 0 success; 2 invalid scenario, invalid arguments or I/O error; 130 interrupted.\n\
Docs: README.md and docs/scenario-format.md")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one seeded exercise and print what happened (the embedded default scenario if none is given).
    Run(run::Args),
    /// Re-render a saved run's results.json as an after-action report (Markdown, HTML, JSON) or an
    /// ATT&CK Navigator layer.
    Report(report::Args),
    /// Check scenario files and report every problem, located at file:line:column.
    Validate(validate::Args),
    /// Print the JSON Schema of the scenario format, for editors' YAML language servers.
    Schema(schema::Args),
    /// Write a commented starter scenario that validates.
    Init(init::Args),
    /// Run a Monte Carlo batch of seeded runs in parallel and report the distributions.
    Batch(batch::Args),
    /// Compare two scenarios (or a --variant-set variant) over paired runs with common random numbers.
    Compare(compare::Args),
    /// Merge shard partials (`cydex batch --shard K/N`) into the whole batch.
    Merge(merge::Args),
    /// Play a session: teams decide through JSON Lines requests on stdin (docs/protocol.md).
    Play(play::PlayArgs),
    /// Reproduce a played session's outputs, byte for byte, from its decision journal.
    Replay(play::ReplayArgs),
    /// Run a drill in the browser: one page per seat (EXCON, each team, evaluators), paced by the clock.
    Serve(serve::Args),
}

/// The embedded default scenario: a small national ransomware drill.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/ransomware-drill.yaml");
/// The name the embedded default scenario is shown under.
pub const DEFAULT_SCENARIO_NAME: &str = "<embedded default: scenarios/ransomware-drill.yaml>";

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let printed = e.print();
            return ExitCode::from(if e.use_stderr() || printed.is_err() { EXIT_INVALID } else { EXIT_OK });
        }
    };
    let code = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Report(a) => report::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Init(a) => init::run(a),
        Command::Batch(a) => batch::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Play(a) => play::play(a),
        Command::Replay(a) => play::replay(a),
        Command::Serve(a) => serve::run(a),
    };
    if let Some(e) = STDOUT_FAILURE.get() {
        let _ = std::io::stderr().write_all(format!("error: cannot write to standard output: {e}\n").as_bytes());
        return ExitCode::from(EXIT_INVALID);
    }
    ExitCode::from(code)
}

/// The first failed write to stdout (a full disk, `/dev/full`, a closed descriptor): the command
/// then exits 2 whatever else it did, because its output is incomplete.
static STDOUT_FAILURE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Whether to colour output written to stderr: only on a terminal, and never with `NO_COLOR`.
pub(crate) fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether to colour output written to stdout: only on a terminal, and never with `NO_COLOR`.
pub(crate) fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes to stdout, treating a closed pipe (`cydex … | head`) as success. Any other failure is
/// remembered, and the command exits 2 with a message ([`main`]).
pub(crate) fn print_stdout(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
        Err(e) => {
            let _ = STDOUT_FAILURE.set(e.to_string());
            false
        }
    }
}

/// Reports an error about the command itself (not about a scenario) and returns the exit code.
pub(crate) fn fail(message: &str, help: Option<&str>) -> u8 {
    let mut text = format!("error: {message}\n");
    if let Some(h) = help {
        text.push_str(&format!("  help: {h}\n"));
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
    EXIT_INVALID
}

/// Creates an output directory (and its parents) for `--out`, refusing a path that exists and is
/// not a directory, or a directory cydex cannot write into.
pub(crate) fn prepare_dir(dir: &std::path::Path) -> Result<(), u8> {
    if dir.exists() && !dir.is_dir() {
        return Err(fail(
            &format!("--out `{}` exists and is not a directory", dir.display()),
            Some("name a directory"),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        fail(&format!("cannot create `{}`: {e}", dir.display()), Some("check the path and its permissions"))
    })?;
    // Found out now, not after hours of runs: the directory must take new files.
    tempfile::tempfile_in(dir).map(drop).map_err(|e| {
        fail(&format!("cannot write into `{}`: {e}", dir.display()), Some("check the path and its permissions"))
    })
}

/// Loads the embedded default scenario.
pub fn load_default() -> Result<crate::scenario::Loaded, crate::scenario::Rejected> {
    crate::scenario::load_bytes(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO.as_bytes())
}

/// Where a scenario comes from: a file, or the embedded default.
pub(crate) fn load(path: Option<&PathBuf>) -> Result<crate::scenario::Loaded, crate::scenario::Rejected> {
    match path {
        Some(p) => crate::scenario::load_file(p),
        None => load_default(),
    }
}

/// `--budget KIND=LIMIT` (repeatable), on every command that simulates: the limits each run's
/// estimated work and memory must stay within (`scenario::budget`).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct BudgetArgs {
    /// Raise (or lower) a limit on each run, checked before it starts: `work=UNITS` (about a
    /// microsecond of work each; default 300000000) or `memory=SIZE` (peak, e.g. `8GiB`; default
    /// 4GiB). Repeatable. See README "Limits".
    #[arg(long = "budget", value_name = "KIND=LIMIT", value_parser = budget_word)]
    budget: Vec<String>,
}

fn budget_word(word: &str) -> Result<String, String> {
    crate::scenario::budget::Budget::default().set(word).map(|()| word.to_string())
}

impl BudgetArgs {
    /// The limits: the defaults, changed by each `--budget` word in order.
    pub(crate) fn budget(&self) -> crate::scenario::budget::Budget {
        let mut b = crate::scenario::budget::Budget::default();
        for w in &self.budget {
            // Checked by the value parser.
            let _ = b.set(w);
        }
        b
    }

    /// The runs a batch may hold at once within the memory budget: `jobs`, or fewer (at least
    /// one) when `jobs` runs of the largest of `scenarios` could exceed it, saying so on stderr.
    /// Results never depend on the number of workers.
    pub(crate) fn fit_jobs(&self, scenarios: &[&crate::scenario::Loaded], jobs: usize) -> usize {
        let per_run =
            scenarios.iter().map(|l| crate::scenario::budget::estimate(&l.scenario).memory).max().unwrap_or(1).max(1);
        let limit = self.budget().memory;
        let fit = usize::try_from(limit / per_run).unwrap_or(usize::MAX).max(1);
        if fit < jobs {
            say!(
                "note: running {fit} run(s) at a time, not {jobs}: each could need up to {} of the {} memory budget \
                 (raise it with `--budget memory={}GiB` to run them all at once)",
                crate::scenario::budget::bytes_text(per_run),
                crate::scenario::budget::bytes_text(limit),
                per_run.saturating_mul(jobs as u64).div_ceil(1 << 30)
            );
        }
        jobs.min(fit)
    }

    /// Refuses (exit 2) a scenario whose estimated run exceeds a budget, naming the budget, the
    /// estimate, the limit and the option that raises it.
    pub(crate) fn check(&self, loaded: &crate::scenario::Loaded) -> Result<(), u8> {
        let estimate = crate::scenario::budget::estimate(&loaded.scenario);
        self.budget().check(&estimate).map_err(|over| {
            let what: Vec<String> =
                over.iter().map(|o| format!("the {} budget (up to {}, limit {})", o.budget, o.estimate, o.limit)).collect();
            let raise: Vec<&str> = over.iter().map(|o| o.raise.as_str()).collect();
            fail(
                &format!(
                    "`{}` is over {}: nothing was run",
                    crate::fmt::terminal_safe(&loaded.source.name),
                    what.join(" and ")
                ),
                Some(&format!(
                    "these are upper bounds of one run, assuming every one of the {} host(s) the campaigns can reach \
                     falls, over {} tick(s); if the machine can afford it, raise the budget with `{}` (README \"Limits\")",
                    crate::fmt::thousands(estimate.hosts_at_risk),
                    crate::fmt::thousands(estimate.ticks),
                    raise.join(" ")
                )),
            )
        })
    }
}
