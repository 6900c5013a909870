//! `cydex serve`: the drill console — a played session paced by the wall clock, one browser page
//! per seat, the after-action report at ENDEX.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::{EXIT_INVALID, EXIT_OK, fail};
use crate::play::Session;
use crate::play::journal::Journal;
use crate::serve::{Drill, SPEEDS, Shared};
use crate::sim::{DEFAULT_SEED, RunConfig};

/// Arguments of `cydex serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file. With none, serves the embedded default scenario.
    scenario: Option<PathBuf>,
    /// Master seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Run index.
    #[arg(long, default_value_t = 0)]
    run_index: u64,
    /// Address to listen on. The default is this machine only; give the exercise LAN's address
    /// (e.g. 10.0.0.5:8080) to let other machines join.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Simulated seconds per wall-clock second, 1 to 3600 (EXCON can change it).
    #[arg(long, default_value_t = 60.0)]
    speed: f64,
    /// The teams played in the browser (nation or team ids; repeatable). Default: every team.
    #[arg(long = "seat", value_name = "TEAM")]
    seats: Vec<String>,
    /// Evaluator seats, 0 to 100.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::serve::MAX_EVALUATORS)))]
    evaluators: u32,
    /// Where the journal (journal.jsonl) and, at ENDEX, the after-action report go.
    #[arg(long, default_value = "cydex-drill")]
    out: PathBuf,
    /// Continue a drill from its journal (after a crash or a stop), exactly where it stopped.
    #[arg(long, value_name = "JOURNAL", conflicts_with_all = ["seats"])]
    resume: Option<PathBuf>,
    /// Override a scenario value before validation (as for `run`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Doctrine runs of the counterfactual in the AAR (as for `play`; `cydex replay` takes the
    /// same number to reproduce the outputs). 0 leaves it out.
    #[arg(long, value_name = "N", default_value_t = super::play::DEFAULT_COUNTERFACTUAL_RUNS,
        value_parser = clap::value_parser!(u64).range(0..=crate::results::played::MAX_COUNTERFACTUAL_RUNS))]
    counterfactual_runs: u64,
    #[command(flatten)]
    budget: super::BudgetArgs,
}

fn new_session(args: &Args) -> Result<Session, u8> {
    let (loaded, overrides) = super::batch::load_with_overrides(args.scenario.as_ref(), &args.set)?;
    args.budget.check(&loaded)?;
    let seats: Vec<String> = if args.seats.is_empty() {
        loaded.scenario.nations.iter().map(|n| n.id.clone()).collect()
    } else {
        args.seats.clone()
    };
    let config = RunConfig { seed: args.seed, run_index: args.run_index };
    let mut session = Session::new(loaded, overrides, config, &seats).map_err(|e| fail(&e.0, None))?;
    let path = args.out.join("journal.jsonl");
    let j = Journal::create(&path, &session.header()).map_err(|e| {
        fail(
            &format!("cannot create the journal `{}`: {e}", path.display()),
            Some("a drill's journal is never overwritten: give another --out, or continue it with --resume"),
        )
    })?;
    session.attach_journal(j);
    Ok(session)
}

/// Runs `cydex serve`.
pub fn run(args: Args) -> u8 {
    if !(SPEEDS.0..=SPEEDS.1).contains(&args.speed) {
        return fail("--speed must be 1 to 3600", None);
    }
    if let Err(code) = super::prepare_dir(&args.out) {
        return code;
    }
    let session = match &args.resume {
        Some(p) => super::play::resume_journal(p, args.scenario.as_ref(), &args.budget),
        None => new_session(&args),
    };
    let Ok(mut session) = session else { return EXIT_INVALID };
    session.set_counterfactual_runs(args.counterfactual_runs);
    let tick_secs = session.loaded().scenario.clock.tick.secs();
    let out = args.out.clone();
    let writer: crate::serve::Writer = Box::new(move |results, events| super::run::write_listed(&out, results, events));
    let drill = match Drill::new(session, args.evaluators, args.speed, Some(args.out.clone()), writer) {
        Ok(d) => d,
        Err(e) => return fail(&format!("cannot draw the seats' tokens: {e}"), None),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the server: {e}"), None),
    };
    runtime.block_on(serve(args, drill, tick_secs))
}

async fn serve(args: Args, drill: Drill, tick_secs: u64) -> u8 {
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            return fail(
                &format!("cannot listen on {}: {e}", args.listen),
                Some("choose another --listen ADDRESS:PORT"),
            );
        }
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or(args.listen.clone());
    let mut text = format!(
        "drill console on http://{addr}/ — the clock is paused until EXCON resumes it\njoin URLs (each is a secret: give it only to that seat):\n"
    );
    for s in &drill.seats {
        text.push_str(&format!("  {:<12} http://{addr}/s/{}\n", s.kind.name(), s.token));
    }
    text.push_str(&format!(
        "journal: {}; the after-action report is written there at ENDEX\n",
        args.out.join("journal.jsonl").display()
    ));
    super::print_stdout(&text);
    let (changes, _) = tokio::sync::broadcast::channel(64);
    let shared = Shared { drill: Arc::new(Mutex::new(drill)), changes, tick_secs };
    tokio::select! {
        r = crate::serve::serve(listener, shared) => match r {
            Ok(()) => EXIT_OK,
            Err(e) => fail(&format!("the server stopped: {e}"), None),
        },
        _ = tokio::signal::ctrl_c() => {
            say!("stopped; every decision is in the journal: continue with `cydex serve --resume {}`", args.out.join("journal.jsonl").display());
            super::EXIT_INTERRUPTED
        }
    }
}
