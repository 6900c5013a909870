//! Owns `merge`'s reading of shard partials: the checks that they make one batch
//! ([`merge_plan`]), then each partial's runs streamed from its journals (the
//! `runs/shard-K-of-N.w*.jsonl` beside the partial) into a [`Spill`], so a merged batch is
//! aggregated exactly as the whole batch is, in bounded memory.

use std::path::Path;

use super::journal::{RUNS_DIR, journals_of, read_file};
use super::spill::Spill;
use crate::results::batch::{BatchFile, Bits, merge_plan, missing_text};

/// Merges shard partials, each named by its path, into the whole batch; the spill's temporary
/// directory goes into `out`. Refuses partials of different batches, runs in two partials or in
/// none, and journals that miss runs of their partial or belong to another batch.
pub fn merge(parts: Vec<(String, BatchFile)>, out: Option<&Path>) -> Result<BatchFile, String> {
    let (parts, meta) = merge_plan(parts).map_err(|e| e.to_string())?;
    let mut spill = Spill::new(out).map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let mut seen = Bits::new(meta.runs);
    for (name, part) in &parts {
        let dir = Path::new(name).parent().unwrap_or(Path::new("")).join(RUNS_DIR);
        let journals = journals_of(&dir, &part.meta).map_err(|e| format!("the runs of `{name}`: {e}"))?;
        for journal in journals {
            read_file(&journal, &part.meta, &mut |r| {
                if part.meta.shard.is_none_or(|s| s.contains(r.run_index)) {
                    seen.insert(r.run_index);
                    spill.add(&r).map_err(|e| format!("cannot spill run {}: {e}", r.run_index))?;
                }
                Ok(())
            })?;
        }
    }
    if seen.missing_count() > 0 {
        return Err(format!(
            "{}: a shard's runs are in the journals under `runs/` beside its shard-K-of-N.json; merge the directories the shards wrote, with their `runs/`",
            missing_text(&seen.missing(), seen.missing_count(), meta.runs)
        ));
    }
    let (aggregates, _) = spill.finish()?;
    Ok(BatchFile::of(meta, aggregates))
}
