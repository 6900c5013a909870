//! `cydex compare`: a what-if comparison of two scenarios (or one scenario and a `--variant-set`
//! variant of it) over paired runs with common random numbers, reporting each metric's mean
//! difference (variant − base) with its 95% CI and flagging those whose CI excludes 0.

use std::path::PathBuf;

use serde::Serialize;

use super::batch::{default_jobs, end_bar, load_with_overrides, progress_bar, stop_flag};
use super::{EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, fail, print_stdout};
use crate::batch;
use crate::batch::spill::{Side as RunSide, Spill};
use crate::report::compare::{self as compare_report, Comparison, stricter_tlp};
use crate::results::batch::RunRecord;
use crate::results::compare::Paired;
use crate::results::engine_version;
use crate::scenario::model::name_of;
use crate::sim::DEFAULT_SEED;

/// Arguments of `cydex compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The base scenario.
    base: PathBuf,
    /// The variant scenario (default: the base again, changed with --variant-set).
    variant: Option<PathBuf>,
    /// Number of paired runs; run i of both uses (seed, run index i).
    #[arg(long, value_parser = clap::value_parser!(u64).range(2..=crate::results::batch::MAX_COMPARE_RUNS))]
    runs: u64,
    /// Master seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Worker threads (default: the available parallelism). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..1025))]
    jobs: Option<u64>,
    /// Override a value in both scenarios (repeatable), e.g. `--set clock.duration=2d`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Override a value in the variant only (repeatable), e.g.
    /// `--variant-set nations.EST.team.analysts=12`.
    #[arg(long = "variant-set", value_name = "PATH=VALUE")]
    variant_set: Vec<String>,
    /// Write compare.json, report.md and report.html into this directory (created if needed).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar and no table.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    budget: super::BudgetArgs,
}

#[derive(Serialize)]
struct Side {
    scenario: String,
    scenario_sha256: String,
    tlp: String,
    overrides: Vec<String>,
}

#[derive(Serialize)]
struct CompareFile<'a> {
    format: &'static str,
    format_version: u32,
    engine: String,
    seed: u64,
    runs: u64,
    base: Side,
    variant: Side,
    headlines: Vec<String>,
    differences: &'a std::collections::BTreeMap<String, Paired>,
}

/// Runs `cydex compare`.
pub fn run(args: Args) -> u8 {
    let (base, base_sets) = match load_with_overrides(Some(&args.base), &args.set) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let variant_path = args.variant.clone().unwrap_or_else(|| args.base.clone());
    let mut sets = args.set.clone();
    sets.extend(args.variant_set.iter().cloned());
    let (variant, variant_sets) = match load_with_overrides(Some(&variant_path), &sets) {
        Ok(x) => x,
        Err(code) => return code,
    };
    for side in [&base, &variant] {
        if let Err(code) = args.budget.check(side) {
            return code;
        }
    }
    if args.variant.is_none() && args.variant_set.is_empty() {
        say!("note: no VARIANT and no --variant-set: comparing the scenario with itself");
    }
    if let Some(dir) = &args.out
        && let Err(code) = super::prepare_dir(dir)
    {
        return code;
    }
    let indices: Vec<u64> = (0..args.runs).collect();
    let jobs = args.budget.fit_jobs(&[&base, &variant], default_jobs(args.jobs));
    // Both sides go to a spill as they finish, so memory does not grow with the runs; the paired
    // differences are read back one metric at a time, in run-index order.
    let spill = match Spill::new(args.out.as_deref()) {
        Ok(s) => std::sync::Mutex::new(s),
        Err(e) => return fail(&format!("cannot create a temporary directory: {e}"), None),
    };
    let pb = progress_bar(2 * args.runs, 0, args.quiet);
    let stop = stop_flag(&pb);
    for (loaded, side) in [(&base, RunSide::Base), (&variant, RunSide::Variant)] {
        let tick = |r: &RunRecord| -> Result<(), String> {
            let mut spill = spill.lock().map_err(|_| "a worker panicked".to_string())?;
            spill.add_side(r, side).map_err(|e| format!("cannot spill a finished run: {e}"))?;
            pb.inc(1);
            Ok(())
        };
        match batch::execute(loaded, args.seed, &indices, jobs, stop, &tick) {
            Ok(n) if n == indices.len() as u64 => {}
            Ok(_) => {
                end_bar(&pb);
                say!("interrupted: no comparison written");
                return EXIT_INTERRUPTED;
            }
            Err(m) => {
                end_bar(&pb);
                return fail(&m, None);
            }
        }
    }
    end_bar(&pb);
    let spill = spill.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let diffs = match spill.finish_paired() {
        Ok(d) => d,
        Err(m) => return fail(&m, None),
    };
    let report = Comparison {
        title: base.scenario.exercise.title.clone(),
        tlp: stricter_tlp(&name_of(&base.scenario.exercise.tlp), &name_of(&variant.scenario.exercise.tlp)).to_string(),
        engine: engine_version(),
        seed: args.seed,
        runs: args.runs,
        base: base.source.name.clone(),
        variant: args.variant.as_ref().map(|_| variant.source.name.clone()),
        common: base_sets.clone(),
        variant_sets: args.variant_set.clone(),
        diffs: &diffs,
    };
    if let Some(dir) = &args.out {
        let file = CompareFile {
            format: "cydex-compare",
            format_version: 1,
            engine: engine_version(),
            seed: args.seed,
            runs: args.runs,
            base: Side {
                scenario: base.source.name.clone(),
                scenario_sha256: base.sha256.clone(),
                tlp: crate::scenario::model::name_of(&base.scenario.exercise.tlp),
                overrides: base_sets,
            },
            variant: Side {
                scenario: variant.source.name.clone(),
                scenario_sha256: variant.sha256.clone(),
                tlp: crate::scenario::model::name_of(&variant.scenario.exercise.tlp),
                overrides: variant_sets,
            },
            headlines: compare_report::headlines(&diffs),
            differences: &diffs,
        };
        let mut json = serde_json::to_string_pretty(&file).unwrap_or_default();
        json.push('\n');
        // The reports first: compare.json appears last, when everything else is in place.
        let outputs = [
            ("report.md", compare_report::markdown(&report)),
            ("report.html", compare_report::html(&report)),
            ("compare.json", json),
        ];
        let mut set = crate::atomic::OutputSet::new(dir, true);
        let staged = outputs.iter().try_for_each(|(name, text)| set.add_bytes(name, text.as_bytes()));
        if let Err(e) = staged.and_then(|()| set.publish().map(drop)) {
            return fail(
                &format!("cannot write into `{}`: {e}", dir.display()),
                Some("check free space and permissions; the files already there are left as they were"),
            );
        }
    }
    if !args.quiet {
        let mut text = compare_report::terminal(&report, super::color_stdout());
        if let Some(dir) = &args.out {
            text.push_str(&format!("\nwrote {}/{{report.md, report.html, compare.json}}\n", dir.display()));
        }
        if !print_stdout(&text) {
            return EXIT_INVALID;
        }
    }
    EXIT_OK
}
