//! `cydex merge`: combines shard partials (`shard-K-of-N.json`, with the journals under `runs/`
//! beside them) into the whole batch's `batch.json`, byte-identical to the batch run on one
//! machine, plus its reports.

use std::path::PathBuf;

use super::{EXIT_INVALID, EXIT_OK, fail, print_stdout};
use crate::results::batch::BatchFile;

/// Arguments of `cydex merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shard files, or directories holding shard-K-of-N.json files (each with the journals of its
    /// runs under `runs/` beside it).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Directory for batch.json, report.md, report.html and coverage.layer.json (created if needed).
    #[arg(long)]
    out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

fn shard_files(dir: &std::path::Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("`{}` holds no shard-K-of-N.json", dir.display()));
    }
    Ok(files)
}

/// Runs `cydex merge`.
pub fn run(args: Args) -> u8 {
    let mut paths = Vec::new();
    for p in &args.inputs {
        if p.is_dir() {
            match shard_files(p) {
                Ok(f) => paths.extend(f),
                Err(m) => return fail(&m, Some("run `cydex batch … --shard K/N --out DIR` first")),
            }
        } else {
            paths.push(p.clone());
        }
    }
    paths.sort();
    paths.dedup();
    let mut parts = Vec::new();
    for p in &paths {
        let name = p.display().to_string();
        let text = match crate::readback::read_text(p, crate::readback::MAX_BATCH_FILE) {
            Ok(t) => t,
            Err(e) => return fail(&format!("cannot read `{name}`: {e}"), None),
        };
        match BatchFile::from_json(&text) {
            Ok(f) => parts.push((name, f)),
            Err(m) => return fail(&format!("`{name}`: {m}"), None),
        }
    }
    if let Err(m) = crate::results::batch::merge_plan(parts.clone()) {
        return fail(&format!("cannot merge: {m}"), None);
    }
    if let Err(code) = super::prepare_dir(&args.out) {
        return code;
    }
    let merged = match crate::batch::merge::merge(parts, Some(&args.out)) {
        Ok(m) => m,
        Err(m) => return fail(&format!("cannot merge: {m}"), None),
    };
    let written = match super::batch::write_batch(&args.out, &merged) {
        Ok(w) => w,
        Err(code) => return code,
    };
    if !args.quiet {
        let mut text = crate::report::batch::terminal(&merged, super::color_stdout());
        text.push_str(&format!(
            "\nmerged {} file(s); wrote {}/{{{}}}\n",
            paths.len(),
            args.out.display(),
            written.join(", ")
        ));
        if !print_stdout(&text) {
            return EXIT_INVALID;
        }
    }
    EXIT_OK
}
