//! `cydex batch`: a Monte Carlo batch of seeded runs on a thread pool, with a progress bar, Ctrl-C
//! handling, `--resume`, `--shard K/N` partials, `batch.json` and the batch reports. Also owns the
//! helpers the batch-like commands share: `--set` loading, the progress bar and the Ctrl-C flag.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::{EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, color_stderr, fail, load, print_stdout};
use crate::batch;
use crate::batch::journal::Journal;
use crate::batch::spill::Spill;
use crate::fmt::span;
use crate::overrides::{Override, apply};
use crate::results::batch::{BatchFile, BatchMeta, Bits, RunRecord, Shard};
use crate::scenario::Loaded;
use crate::sim::DEFAULT_SEED;

/// Arguments of `cydex batch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file. With none, uses the embedded default scenario.
    scenario: Option<PathBuf>,
    /// Number of runs; run i uses (seed, run index i).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::results::batch::MAX_RUNS))]
    runs: u64,
    /// Master seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Worker threads (default: the available parallelism). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..1025))]
    jobs: Option<u64>,
    /// Write batch.json, report.md, report.html, coverage.layer.json (an ATT&CK Navigator layer of
    /// mean detection coverage) and runs/ into this directory (created if needed).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Continue an interrupted batch from the runs saved in the journals under --out DIR/runs/.
    #[arg(long, requires = "out")]
    resume: bool,
    /// Run only the slice K/N (run indices i with i % N == K) and write DIR/shard-K-of-N.json;
    /// combine the slices with `cydex merge`.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Override a scenario value before validation, e.g. `--set nations.EST.team.analysts=12`
    /// (repeatable; list elements by id or index; VALUE is YAML).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// No progress bar and no table.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    budget: super::BudgetArgs,
}

/// Loads a scenario and applies `--set` overrides, reporting problems. Returns the scenario and
/// the overrides as recorded in outputs.
pub(crate) fn load_with_overrides(path: Option<&PathBuf>, sets: &[String]) -> Result<(Loaded, Vec<String>), u8> {
    let mut loaded = match load(path) {
        Ok(l) => l,
        Err(rejected) => {
            let color = color_stderr();
            for d in &rejected.diagnostics {
                say!("{}", d.render(color));
            }
            say!("the scenario is invalid ({} error(s)); fix it, then run again", rejected.errors());
            return Err(EXIT_INVALID);
        }
    };
    let mut parsed = Vec::new();
    for s in sets {
        match Override::parse(s) {
            Ok(o) => parsed.push(o),
            Err(m) => return Err(fail(&m, None)),
        }
    }
    match apply(&loaded.scenario, &parsed) {
        Ok(s) => loaded.scenario = s,
        Err(errors) => {
            for e in &errors {
                say!("error: {e}");
            }
            say!("the overrides were refused ({} error(s)); nothing was run", errors.len());
            return Err(EXIT_INVALID);
        }
    }
    Ok((loaded, parsed.iter().map(Override::text).collect()))
}

/// The progress bar of batch-like commands: runs done, the rate and the ETA on stderr; hidden when
/// stderr is not a terminal or with `--quiet`. `done` runs (loaded from journals on `--resume`)
/// start the bar without counting toward the rate, which is measured over the runs this process
/// finishes, from the bar's start. The bar is also where the Ctrl-C message goes (see
/// [`stop_flag`]).
pub(crate) fn progress_bar(total: u64, done: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        pb.set_position(done);
        return pb;
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_position(done);
    let fresh = move |state: &ProgressState| (state.pos().saturating_sub(done), state.elapsed().as_secs_f64());
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {rate}  ETA {left}")
        .map(|s| {
            s.with_key("rate", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let (runs, secs) = fresh(state);
                let _ = w.write_str(&rate_text(runs, secs));
            })
            .with_key("left", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let (runs, secs) = fresh(state);
                let remaining = state.len().unwrap_or(0).saturating_sub(state.pos());
                let _ = w.write_str(&eta_text(remaining, runs, secs));
            })
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.enable_steady_tick(Duration::from_millis(200));
    pb
}

/// The rate of `runs` finished in `secs`: `12.3 runs/s`, or `4.2 s/run` below one a second; `–`
/// before the first.
pub(crate) fn rate_text(runs: u64, secs: f64) -> String {
    if runs == 0 || secs.is_nan() || secs <= 0.0 {
        return "– runs/s".to_string();
    }
    let rate = runs as f64 / secs;
    if rate >= 1.0 { format!("{rate:.1} runs/s") } else { format!("{:.1} s/run", 1.0 / rate) }
}

/// The time left for `remaining` runs at the rate of `runs` finished in `secs`: `45s`, `3h20m`;
/// `–` before the first run finishes.
pub(crate) fn eta_text(remaining: u64, runs: u64, secs: f64) -> String {
    if runs == 0 || secs.is_nan() || secs < 0.0 {
        return "–".to_string();
    }
    let left = (remaining as f64 * secs / runs as f64).round() as u64;
    if left < 60 { format!("{left}s") } else { span(left) }
}

static STOP: AtomicBool = AtomicBool::new(false);

/// The progress bar the Ctrl-C message is printed above, if one is shown.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// The flag Ctrl-C sets. The first Ctrl-C stops scheduling new runs (runs in flight finish and are
/// saved); a second one exits at once with code 130 (saved runs are complete files). The message
/// is printed on a line of its own above `pb` when the bar is shown, so the bar never leaves it
/// mid-line or draws over it.
pub(crate) fn stop_flag(pb: &ProgressBar) -> &'static AtomicBool {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if let Ok(mut bar) = BAR.lock() {
        *bar = (!pb.is_hidden()).then(|| pb.clone());
    }
    INSTALLED.get_or_init(|| {
        let _ = ctrlc::set_handler(|| {
            if STOP.swap(true, Ordering::SeqCst) {
                std::process::exit(i32::from(EXIT_INTERRUPTED));
            }
            let message = "interrupted: finishing the runs in flight (Ctrl-C again to quit now)";
            match BAR.lock().ok().and_then(|b| b.clone()) {
                Some(pb) => pb.println(message),
                None => say!("\n{message}"),
            }
        });
    });
    &STOP
}

/// Ends the progress bar before a final message on stderr, so the message starts on a line of
/// its own: the bar is cleared (it leaves the cursor at the end of its line) and forgotten by the
/// Ctrl-C handler.
pub(crate) fn end_bar(pb: &ProgressBar) {
    pb.finish_and_clear();
    if let Ok(mut bar) = BAR.lock() {
        *bar = None;
    }
}

/// What a whole batch writes into its output directory (besides `runs/`), as listed.
const WHOLE_BATCH_OUTPUTS: [&str; 4] = ["batch.json", "report.md", "report.html", "coverage.layer.json"];

/// Writes `batch.json` (or the shard file) and, for a whole batch, `report.md`, `report.html` and
/// the ATT&CK Navigator layer `coverage.layer.json`.
pub(crate) fn write_batch(dir: &Path, file: &BatchFile) -> Result<Vec<String>, u8> {
    let failed = |e: std::io::Error| {
        fail(
            &format!("cannot write into `{}`: {e}", dir.display()),
            Some("check free space and permissions; the files already there are left as they were"),
        )
    };
    // All or nothing: every file is staged in full before any is published.
    let mut set = crate::atomic::OutputSet::new(dir, true);
    let mut written = Vec::new();
    match file.meta.shard {
        Some(s) => {
            set.add_bytes(&s.file_name(), file.to_json().as_bytes()).map_err(failed)?;
            written.push(s.file_name());
        }
        None => {
            set.add_bytes("report.md", crate::report::batch::markdown(file).as_bytes()).map_err(failed)?;
            set.add_bytes("report.html", crate::report::batch::html(file).as_bytes()).map_err(failed)?;
            let layer = crate::report::navigator::batch(file);
            set.add_bytes(crate::report::navigator::LAYER_FILE, layer.as_bytes()).map_err(failed)?;
            set.add_bytes(crate::results::batch::BATCH_FILE, file.to_json().as_bytes()).map_err(failed)?;
            written.extend(WHOLE_BATCH_OUTPUTS.iter().map(|f| f.to_string()));
        }
    }
    set.publish().map_err(failed)?;
    Ok(written)
}

/// The default number of worker threads.
pub(crate) fn default_jobs(jobs: Option<u64>) -> usize {
    jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, usize::from), |j| j as usize)
}

/// Runs `cydex batch`.
pub fn run(args: Args) -> u8 {
    let (loaded, overrides) = match load_with_overrides(args.scenario.as_ref(), &args.set) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Err(code) = args.budget.check(&loaded) {
        return code;
    }
    let meta = BatchMeta::new(&loaded, &overrides, args.seed, args.runs, args.shard);
    let jobs = args.budget.fit_jobs(&[&loaded], default_jobs(args.jobs));
    if let Some(dir) = &args.out
        && let Err(code) = super::prepare_dir(dir)
    {
        return code;
    }
    // Runs are aggregated as they are saved, in bounded memory; none is kept.
    let spill = match Spill::new(args.out.as_deref()) {
        Ok(s) => Mutex::new(s),
        Err(e) => {
            return fail(
                &format!("cannot create a temporary directory: {e}"),
                Some("check free space and permissions"),
            );
        }
    };
    let add = |r: &RunRecord| -> Result<(), String> {
        let mut s = spill.lock().map_err(|_| "a worker panicked".to_string())?;
        s.add(r).map_err(|e| format!("cannot spill run {} to a temporary file: {e}", r.run_index))
    };
    let (journal, done) = match &args.out {
        // The previous batch's files stay until this batch publishes its own set, all together; an
        // interrupted or failed batch leaves them as they were (each records its own provenance).
        Some(dir) => match Journal::open(dir, &meta, args.resume, jobs, &mut |r| add(&r)) {
            Ok((j, done)) => (Some(j), done),
            Err(m) if args.resume => {
                return fail(
                    &format!("cannot resume: {m}"),
                    Some(
                        "resume with the same scenario file, --seed, --runs, --set and cydex version, or start afresh without --resume",
                    ),
                );
            }
            Err(m) => return fail(&m, Some("check the path and its permissions")),
        },
        None => (None, Bits::new(meta.runs)),
    };
    let indices = meta.indices();
    let todo: Vec<u64> = indices.iter().copied().filter(|&i| !done.contains(i)).collect();
    let pb = progress_bar(indices.len() as u64, done.count(), args.quiet);
    let stop = stop_flag(&pb);
    let on_done = |r: &RunRecord| -> Result<(), String> {
        if let Some(j) = &journal {
            j.append(r).map_err(|e| format!("cannot save run {} under `{}`: {e}", r.run_index, j.dir().display()))?;
        }
        add(r)?;
        pb.inc(1);
        Ok(())
    };
    let fresh = match batch::execute(&loaded, args.seed, &todo, jobs, stop, &on_done) {
        Ok(n) => n,
        Err(m) => {
            end_bar(&pb);
            return fail(&m, Some("check free space and permissions; then continue with --resume"));
        }
    };
    let finished = done.count() + fresh;
    if finished < indices.len() as u64 {
        end_bar(&pb);
        let hint = match &journal {
            Some(j) => format!(
                "{finished} of {} runs are saved under `{}`; continue with the same command plus --resume",
                indices.len(),
                j.dir().display()
            ),
            None => format!("{finished} of {} runs finished; nothing was saved (no --out)", indices.len()),
        };
        say!("interrupted: no batch.json written\n  help: {hint}");
        return EXIT_INTERRUPTED;
    }
    end_bar(&pb);
    drop(indices);
    let aggregates = match spill.into_inner().map_err(|_| "a worker panicked".to_string()).and_then(Spill::finish) {
        Ok((a, _)) => a,
        Err(m) if args.resume => return fail(&format!("cannot resume: {m}"), Some("start afresh without --resume")),
        Err(m) => return fail(&m, Some("check free space and permissions")),
    };
    let file = BatchFile::of(meta, aggregates);
    let mut written = Vec::new();
    if let Some(dir) = &args.out {
        match write_batch(dir, &file) {
            Ok(w) => written = w,
            Err(code) => return code,
        }
    }
    if !args.quiet {
        let mut text = crate::report::batch::terminal(&file, super::color_stdout());
        if let Some(dir) = &args.out {
            text.push_str(&format!("\nwrote {}/{{{}}}\n", dir.display(), written.join(", ")));
        }
        text.push_str(&next_steps(&args, &file));
        if !print_stdout(&text) {
            return EXIT_INVALID;
        }
    }
    EXIT_OK
}

/// The lines that say what to do after a batch: where to look (or `--out DIR` to keep it), and the
/// exact command that replays the run with the lowest alliance score.
fn next_steps(args: &Args, file: &BatchFile) -> String {
    let mut out = String::new();
    match (&args.out, args.shard) {
        (Some(dir), Some(_)) => out.push_str(&format!(
            "next: when every shard is done, cydex merge {} --out DIR\n",
            crate::fmt::shell_quote(&dir.display().to_string())
        )),
        (Some(dir), None) => out.push_str(&format!("next: open {}\n", dir.join("report.html").display())),
        (None, _) => out.push_str(
            "next: add --out DIR to write batch.json, the batch report (report.html, report.md) and an ATT&CK Navigator layer\n",
        ),
    }
    if let Some((run, score)) = file.lowest("alliance.score") {
        out.push_str(&format!(
            "next: replay the run with the lowest alliance score ({score:.1}): {}\n",
            crate::report::batch::replay_command(&file.meta, run)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_times_left_are_short_and_sane() {
        assert_eq!(rate_text(0, 3.0), "– runs/s");
        assert_eq!(rate_text(5, 0.0), "– runs/s");
        assert_eq!(rate_text(37, 3.0), "12.3 runs/s");
        assert_eq!(rate_text(1, 4.2), "4.2 s/run");
        assert_eq!(eta_text(100, 0, 5.0), "–");
        assert_eq!(eta_text(10, 5, 10.0), "20s");
        assert_eq!(eta_text(600, 10, 20.0), "20m");
        assert_eq!(eta_text(0, 10, 20.0), "0s");
    }
}
