//! `cydex play` (a played session over the JSON Lines protocol on stdin/stdout) and `cydex
//! replay` (a session's outputs again, byte for byte, from its journal).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use super::{DEFAULT_SCENARIO_NAME, EXIT_INVALID, EXIT_OK, fail, print_stdout};
use crate::play::journal::{self, Journal};
use crate::play::protocol::{self, Ending};
use crate::play::{Session, reapply};
use crate::sim::{DEFAULT_SEED, RunConfig};

/// Arguments of `cydex play`.
#[derive(Debug, clap::Args)]
pub struct PlayArgs {
    /// Scenario file. With none, plays the embedded default scenario.
    scenario: Option<PathBuf>,
    /// Master seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Run index (an independent random stream of the seed).
    #[arg(long, default_value_t = 0)]
    run_index: u64,
    /// A team played through the protocol (nation or team id; repeatable). Its doctrine stops
    /// deciding for it: it shares, asks for help and isolates only when told. Other teams play
    /// their doctrine; EXCON is always a seat.
    #[arg(long = "seat", value_name = "TEAM")]
    seats: Vec<String>,
    /// The decision journal to write (must not exist). Default: DIR/journal.jsonl with --out.
    #[arg(long)]
    journal: Option<PathBuf>,
    /// Continue the session a journal recorded (after a crash), exactly where it stopped;
    /// the journal is extended. Scenario, seed and seats come from the journal.
    #[arg(long, value_name = "JOURNAL", conflicts_with_all = ["journal", "seats"])]
    resume: Option<PathBuf>,
    /// At `end`, write results.json, the after-action report and the event log into this directory.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a scenario value before validation (as for `run`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Doctrine runs of the counterfactual: the report sets the session beside the same exercise
    /// played by doctrine alone on the same seed, and says where it falls among this many doctrine
    /// runs (run indices 0 to N−1). 0 leaves the counterfactual out.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_COUNTERFACTUAL_RUNS,
        value_parser = clap::value_parser!(u64).range(0..=crate::results::played::MAX_COUNTERFACTUAL_RUNS))]
    counterfactual_runs: u64,
    #[command(flatten)]
    budget: super::BudgetArgs,
}

/// Arguments of `cydex replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The session's decision journal.
    journal: PathBuf,
    /// The scenario file, when the journal's path is not where it is now (its SHA-256 must match).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Write results.json, report.md, report.html, coverage.layer.json, events.jsonl, events.csv here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
    /// Doctrine runs of the counterfactual: the report sets the session beside the same exercise
    /// played by doctrine alone on the same seed, and says where it falls among this many doctrine
    /// runs (run indices 0 to N−1); give the number the session was played with to get its
    /// outputs byte for byte. 0 leaves the counterfactual out.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_COUNTERFACTUAL_RUNS,
        value_parser = clap::value_parser!(u64).range(0..=crate::results::played::MAX_COUNTERFACTUAL_RUNS))]
    counterfactual_runs: u64,
    #[command(flatten)]
    budget: super::BudgetArgs,
}

/// Doctrine runs of the counterfactual unless told otherwise.
pub(crate) const DEFAULT_COUNTERFACTUAL_RUNS: u64 = 30;

/// Reads and parses a journal, reporting every problem.
pub(crate) fn read_journal(path: &Path) -> Result<journal::Read, u8> {
    let text = crate::readback::read_text(path, crate::readback::MAX_JOURNAL).map_err(|e| {
        fail(&format!("cannot read journal `{}`: {e}", path.display()), Some("a journal is JSON Lines"))
    })?;
    journal::parse(&text).map_err(|problems| {
        for p in &problems {
            say!("error: {}:{p}", path.display());
        }
        fail(
            &format!("`{}` is not a journal this cydex can replay ({} problem(s))", path.display(), problems.len()),
            None,
        )
    })
}

/// The session a journal describes, with its decisions re-applied.
pub(crate) fn restore_session(
    read: &journal::Read,
    scenario: Option<&PathBuf>,
    budget: &super::BudgetArgs,
) -> Result<Session, u8> {
    let h = &read.header;
    let path = scenario.cloned().or_else(|| (h.scenario != DEFAULT_SCENARIO_NAME).then(|| PathBuf::from(&h.scenario)));
    let (loaded, overrides) = super::batch::load_with_overrides(path.as_ref(), &h.overrides)?;
    if let Some(why) = h.mismatch(&loaded) {
        return Err(fail(&why, Some("give the scenario file the session was played on with --scenario")));
    }
    budget.check(&loaded)?;
    let config = RunConfig { seed: h.seed, run_index: h.run_index };
    let mut session = Session::new(loaded, overrides, config, &h.seats).map_err(|e| fail(&e.0, None))?;
    reapply(&mut session, read)
        .map_err(|e| fail(&e, Some("replay the journal with the scenario and cydex version it names")))?;
    Ok(session)
}

/// Runs `cydex play`.
pub fn play(args: PlayArgs) -> u8 {
    if let Some(dir) = &args.out
        && let Err(code) = super::prepare_dir(dir)
    {
        return code;
    }
    let session = match &args.resume {
        Some(path) => resume(path, &args),
        None => start(&args),
    };
    let Ok(mut session) = session else { return EXIT_INVALID };
    session.set_counterfactual_runs(args.counterfactual_runs);
    let out = args.out.clone();
    let finish: protocol::Finish = Box::new(move |results, events| match &out {
        Some(dir) => super::run::write_listed(dir, results, events),
        None => Ok(Vec::new()),
    });
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout().lock();
    match protocol::serve(session, &mut input as &mut dyn BufRead, &mut output as &mut dyn Write, finish) {
        Ok(Ending::Ended) => EXIT_OK,
        Ok(Ending::InputClosed) => {
            say!(
                "note: input ended before `end`: the session was not finished; continue it with `cydex play --resume JOURNAL`"
            );
            EXIT_OK
        }
        Ok(Ending::JournalFailed(m)) => {
            fail(&m, Some("continue the session from its journal with `cydex play --resume JOURNAL`"))
        }
        Ok(Ending::OutputFailed(m)) => {
            fail(&m, Some("the journal is complete: `cydex replay JOURNAL --out DIR` writes the outputs"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => fail(&format!("the session's input or output failed: {e}"), None),
    }
}

fn start(args: &PlayArgs) -> Result<Session, u8> {
    let (loaded, overrides) = super::batch::load_with_overrides(args.scenario.as_ref(), &args.set)?;
    args.budget.check(&loaded)?;
    let config = RunConfig { seed: args.seed, run_index: args.run_index };
    let mut session = Session::new(loaded, overrides, config, &args.seats).map_err(|e| fail(&e.0, None))?;
    let path = args.journal.clone().or_else(|| args.out.as_ref().map(|d| d.join("journal.jsonl")));
    match path {
        Some(p) => {
            let j = Journal::create(&p, &session.header()).map_err(|e| {
                fail(
                    &format!("cannot create journal `{}`: {e}", p.display()),
                    Some("a journal is never overwritten: name a new file, or continue it with --resume"),
                )
            })?;
            session.attach_journal(j);
        }
        None => say!("note: no journal is written (add --journal FILE or --out DIR to replay or resume this session)"),
    }
    Ok(session)
}

fn resume(path: &Path, args: &PlayArgs) -> Result<Session, u8> {
    let session = resume_journal(path, args.scenario.as_ref(), &args.budget)?;
    say!("resumed at tick {} after {} decision(s)", session.tick(), session.decisions().len());
    Ok(session)
}

/// The session a journal left off, continued and journaling onto its end (`play --resume` and
/// `serve --resume`): refused when the session has ended or the journal ends in a partial line.
pub(crate) fn resume_journal(
    path: &Path,
    scenario: Option<&PathBuf>,
    budget: &super::BudgetArgs,
) -> Result<Session, u8> {
    let read = read_journal(path)?;
    if read.lines.iter().any(|(_, l)| matches!(l, journal::Line::End { .. })) {
        return Err(fail(
            &format!("the session in `{}` has ended", path.display()),
            Some("use `cydex replay` to get its outputs again"),
        ));
    }
    if read.torn_tail {
        return Err(fail(
            &format!("`{}` ends in a partial line (a crash while writing it)", path.display()),
            Some("remove the partial last line, then resume"),
        ));
    }
    let mut session = restore_session(&read, scenario, budget)?;
    let j =
        Journal::append(path).map_err(|e| fail(&format!("cannot extend journal `{}`: {e}", path.display()), None))?;
    session.attach_journal(j);
    Ok(session)
}

/// Runs `cydex replay`.
pub fn replay(args: ReplayArgs) -> u8 {
    let Ok(read) = read_journal(&args.journal) else { return EXIT_INVALID };
    let Ok(mut session) = restore_session(&read, args.scenario.as_ref(), &args.budget) else { return EXIT_INVALID };
    session.set_counterfactual_runs(args.counterfactual_runs);
    if let Some(dir) = &args.out
        && let Err(code) = super::prepare_dir(dir)
    {
        return code;
    }
    let Ok((results, events)) = session.finish() else { return fail("the replay failed", None) };
    if let Some(dir) = &args.out
        && let Err(code) = super::run::write_outputs(dir, &results, &events)
    {
        return code;
    }
    if !args.quiet {
        let mut text = crate::report::terminal(&results, super::color_stdout());
        text.push_str(&format!("\nreplayed {} decision(s) from {}\n", results.decisions.len(), args.journal.display()));
        print_stdout(&text);
    }
    EXIT_OK
}
