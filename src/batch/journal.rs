//! Owns the saved runs of a batch (`DIR/runs/`): one append-only journal per worker thread, so a
//! finished run costs one `write` to a file the worker already holds open, and `--resume` reads
//! back every run saved so far.
//!
//! A journal is JSON Lines: a header naming the batch it belongs to (batch format version, engine,
//! scenario SHA-256, `--set` overrides, seed, run count), then one [`RunRecord`] per line, written
//! whole in a single append. Journals are named after the slice that writes them
//! (`batch.w00.jsonl`, `shard-2-of-10.w01.jsonl`), so shards can share one directory. They are not flushed to disk run
//! by run: an interrupted process leaves whole lines, and what a power loss can leave at the end of
//! a journal (a cut line, zero bytes) counts as not done and is cut off before the journal grows
//! again. Journals are read back line by line, each run handed on as it is read, so a resume holds
//! no more than one line of them.
//!
//! A batch claims its journals with a lock (`runs/.STEM.lock`, e.g. `runs/.batch.lock`): a second
//! batch writing the same journals into the same directory is refused, naming the holder, while
//! the shards of one batch (distinct stems) still share a directory. Journals are opened without
//! following symbolic links, and a link, FIFO or device planted among them is refused, naming it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::results::batch::{BATCH_VERSION, BatchMeta, Bits, RunRecord};

/// The `format` tag of a journal's header line.
pub const JOURNAL_FORMAT: &str = "cydex-batch-journal";
/// Directory (inside the output directory) holding the journals.
pub const RUNS_DIR: &str = "runs";
const EXTENSION: &str = "jsonl";

/// The first line of a journal: which batch its runs belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`JOURNAL_FORMAT`].
    pub format: String,
    /// The batch format version ([`BATCH_VERSION`]) the saved runs' observations follow; 0 in
    /// journals written before it was recorded, which are not resumed.
    #[serde(default)]
    pub batch_version: u32,
    /// Engine name and version.
    pub engine: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// `--set` overrides.
    pub overrides: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Runs in the whole batch.
    pub runs: u64,
}

impl Header {
    /// The header of batch `meta`'s journals.
    pub fn of(meta: &BatchMeta) -> Header {
        Header {
            format: JOURNAL_FORMAT.to_string(),
            batch_version: BATCH_VERSION,
            engine: meta.engine.clone(),
            scenario_sha256: meta.scenario_sha256.clone(),
            overrides: meta.overrides.clone(),
            seed: meta.seed,
            runs: meta.runs,
        }
    }

    /// Why runs saved under this journal header cannot belong to batch `meta`, if they cannot.
    pub fn mismatch(&self, meta: &BatchMeta) -> Option<String> {
        let field = |name: &str, ours: &dyn std::fmt::Display, theirs: &dyn std::fmt::Display| {
            Some(format!("{name} differs: this batch has `{ours}`, the saved runs have `{theirs}`"))
        };
        if self.format != JOURNAL_FORMAT {
            return field("format", &JOURNAL_FORMAT, &self.format);
        }
        if self.batch_version != BATCH_VERSION {
            return field("batch format version", &BATCH_VERSION, &self.batch_version);
        }
        if self.engine != meta.engine {
            return field("engine version", &meta.engine, &self.engine);
        }
        if self.scenario_sha256 != meta.scenario_sha256 {
            return field("scenario SHA-256", &meta.scenario_sha256, &self.scenario_sha256);
        }
        if self.seed != meta.seed {
            return field("seed", &meta.seed, &self.seed);
        }
        if self.runs != meta.runs {
            return field("number of runs", &meta.runs, &self.runs);
        }
        if self.overrides != meta.overrides {
            return Some(format!(
                "--set overrides differ: this batch has {}, the saved runs have {}",
                crate::results::batch::show_overrides(&meta.overrides),
                crate::results::batch::show_overrides(&self.overrides)
            ));
        }
        None
    }
}

/// The journals of one batch (or shard) in an output directory, open for appending.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    stem: String,
    header: String,
    /// Held (locked) while the journal is open; released when it is dropped or the process ends.
    _lock: File,
    /// One slot per worker thread, opened on its first run.
    files: Vec<Mutex<Option<File>>>,
}

impl Journal {
    /// Opens the journals of batch `meta` under `out/runs/` for `workers` threads. A fresh batch
    /// (`resume` false) first removes the journals whose runs it will redo: all of them for a whole
    /// batch, its own for a shard. A resumed one reads every journal in the directory (a whole
    /// batch picks up the runs its shards saved), hands each saved run of this batch to `saved`
    /// (a run saved in two journals comes twice; the aggregation counts it once and refuses two
    /// different results) and returns the set of run indices saved. Runs of another batch are an
    /// error, naming the journal and what differs.
    pub fn open(
        out: &Path,
        meta: &BatchMeta,
        resume: bool,
        workers: usize,
        saved: &mut dyn FnMut(RunRecord) -> Result<(), String>,
    ) -> Result<(Journal, Bits), String> {
        let dir = out.join(RUNS_DIR);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        let stem = stem_of(meta);
        let header = serde_json::to_string(&Header::of(meta)).map_err(|e| e.to_string())? + "\n";
        let lock = claim(&dir, &stem)?;
        let files = (0..workers.max(1)).map(|_| Mutex::new(None)).collect();
        let journal = Journal { dir, stem, header, _lock: lock, files };
        let mut done = Bits::new(meta.runs);
        for path in journal.existing()? {
            let ours = journal.is_ours(&path);
            if !resume {
                if ours {
                    fs::remove_file(&path).map_err(|e| format!("cannot remove stale `{}`: {e}", path.display()))?;
                }
                continue;
            }
            let mut keep = |run: RunRecord| {
                if meta.shard.is_none_or(|s| s.contains(run.run_index)) {
                    done.insert(run.run_index);
                    saved(run)?;
                }
                Ok(())
            };
            let (valid_len, len) = read_file(&path, meta, &mut keep)?;
            if ours && valid_len < len {
                // A torn tail (power loss): cut it off so this batch's appends start on a new line.
                let f = no_follow(OpenOptions::new().write(true)).open(&path).map_err(|e| e.to_string())?;
                f.set_len(valid_len).map_err(|e| format!("cannot repair `{}`: {e}", path.display()))?;
            }
        }
        Ok((journal, done))
    }

    /// Saves one finished run: one append to the calling worker's journal (created with its header
    /// on the worker's first run). Call it from the batch's worker threads.
    pub fn append(&self, run: &RunRecord) -> io::Result<()> {
        let worker = rayon::current_thread_index().unwrap_or(0) % self.files.len();
        let mut slot = self.files[worker].lock().map_err(|_| io::Error::other("a worker panicked"))?;
        let mut line = String::new();
        if slot.is_none() {
            let path = self.dir.join(format!("{}.w{worker:02}.{EXTENSION}", self.stem));
            let file = no_follow(OpenOptions::new().create(true).append(true)).open(&path)?;
            if file.metadata()?.len() == 0 {
                line.push_str(&self.header);
            }
            *slot = Some(file);
        }
        line.push_str(&serde_json::to_string(run).map_err(io::Error::other)?);
        line.push('\n');
        match slot.as_mut() {
            Some(file) => file.write_all(line.as_bytes()),
            None => Err(io::Error::other("journal not open")),
        }
    }

    /// The directory holding the journals.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every journal in the directory, sorted by name.
    fn existing(&self) -> Result<Vec<PathBuf>, String> {
        let entries = fs::read_dir(&self.dir).map_err(|e| format!("cannot read `{}`: {e}", self.dir.display()))?;
        let mut paths = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == EXTENSION) {
                crate::atomic::check_target(&path).map_err(|e| e.to_string())?;
                paths.push(path);
            }
        }
        paths.sort();
        Ok(paths)
    }

    /// Whether `path` is one of this batch's (or shard's) own journals.
    fn is_ours(&self, path: &Path) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.strip_prefix(&self.stem).is_some_and(|rest| rest.starts_with(".w"))
    }
}

/// Opens without following a symbolic link at the last component (`O_NOFOLLOW`): a link planted
/// at a journal's name fails to open instead of redirecting the write.
fn no_follow(o: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    o
}

/// How many times a busy lock is tried again, 50 ms apart, before it counts as held.
const LOCK_RETRIES: u32 = 20;

/// Takes the lock of the journals named `stem` in `dir`, or says who holds it. The lock file
/// records the holder (process id and host) for that message.
fn claim(dir: &Path, stem: &str) -> Result<File, String> {
    let path = dir.join(format!(".{stem}.lock"));
    let mut file = no_follow(OpenOptions::new().read(true).write(true).create(true).truncate(false))
        .open(&path)
        .map_err(|e| format!("cannot create the lock `{}`: {e}", path.display()))?;
    // A lock can outlive its holder by an instant (a child process forked just then holds the
    // descriptor until it execs), so a busy lock is tried again briefly before it counts as held.
    let mut result = file.try_lock();
    for _ in 0..LOCK_RETRIES {
        if !matches!(result, Err(fs::TryLockError::WouldBlock)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        result = file.try_lock();
    }
    match result {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            let holder = if holder.is_empty() { "another process".to_string() } else { holder.to_string() };
            return Err(format!(
                "another cydex batch ({holder}) is writing the same runs into `{}`; wait for it to finish, or use another --out",
                dir.parent().unwrap_or(dir).display()
            ));
        }
        Err(fs::TryLockError::Error(e)) => return Err(format!("cannot lock `{}`: {e}", path.display())),
    }
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let me = format!("pid {} on {}", std::process::id(), host.trim());
    file.set_len(0)
        .and_then(|()| file.write_all(me.as_bytes()))
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(file)
}

/// The stem of batch `meta`'s journal names: `batch`, or `shard-K-of-N`.
pub fn stem_of(meta: &BatchMeta) -> String {
    match meta.shard {
        Some(s) => format!("shard-{}-of-{}", s.index, s.count),
        None => "batch".to_string(),
    }
}

/// The journals of batch `meta` (its stem's) in the journal directory `dir`, sorted by name.
pub fn journals_of(dir: &Path, meta: &BatchMeta) -> Result<Vec<PathBuf>, String> {
    let stem = stem_of(meta);
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.extension().is_some_and(|x| x == EXTENSION)
            && name.strip_prefix(&stem).is_some_and(|r| r.starts_with(".w"))
        {
            crate::atomic::check_target(&path).map_err(|e| e.to_string())?;
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Reads the journal at `path` for batch `meta`, handing each run to `on_run`. Returns the length
/// of its whole lines and of the file.
pub fn read_file(
    path: &Path,
    meta: &BatchMeta,
    on_run: &mut dyn FnMut(RunRecord) -> Result<(), String>,
) -> Result<(u64, u64), String> {
    let file = no_follow(OpenOptions::new().read(true))
        .open(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let len = file.metadata().map_err(|e| format!("cannot read `{}`: {e}", path.display()))?.len();
    let valid = read_journal(path, &mut BufReader::with_capacity(1 << 16, file), meta, on_run)?;
    Ok((valid, len))
}

/// The runs a journal's bytes hold for batch `meta`, as `--resume` reads them (the fuzz target's
/// entry point: journals read back are untrusted).
#[doc(hidden)]
pub fn parse(text: &[u8], meta: &BatchMeta) -> Result<Vec<RunRecord>, String> {
    let mut runs = Vec::new();
    read_journal(Path::new("journal"), &mut &text[..], meta, &mut |r| {
        runs.push(r);
        Ok(())
    })?;
    Ok(runs)
}

/// Parses a journal line by line: its header (checked against `meta`), then its runs, each
/// handed to `on_run`. The end of the file from the first line that is cut short or only zero
/// bytes on counts as not written; a line after such a blank one is an error. Returns the length
/// of the whole lines.
fn read_journal(
    path: &Path,
    r: &mut impl BufRead,
    meta: &BatchMeta,
    on_run: &mut dyn FnMut(RunRecord) -> Result<(), String>,
) -> Result<u64, String> {
    let mut pos = 0u64;
    let mut line_no = 0;
    let mut blank: Option<usize> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        let at = |no: usize| format!("`{}` line {no}", path.display());
        if line.iter().all(|&b| b == 0 || b.is_ascii_whitespace()) {
            blank.get_or_insert(line_no + 1);
            continue;
        }
        if let Some(no) = blank {
            return Err(format!("{} is not a saved cydex run: it is blank, and runs follow it", at(no)));
        }
        if line.last() != Some(&b'\n') {
            break; // a last line without its newline was cut short
        }
        line_no += 1;
        let text = &line[..line.len() - 1];
        if line_no == 1 {
            let header: Header = serde_json::from_slice(text)
                .map_err(|e| format!("{} is not the header of a cydex batch journal: {e}", at(line_no)))?;
            if let Some(why) = header.mismatch(meta) {
                return Err(format!("`{}` belongs to another batch: {why}", path.display()));
            }
        } else {
            let run: RunRecord =
                serde_json::from_slice(text).map_err(|e| format!("{} is not a saved cydex run: {e}", at(line_no)))?;
            if run.run_index >= meta.runs {
                let why = format!("holds run {}, but the batch has {} runs", run.run_index, meta.runs);
                return Err(format!("{} {why}", at(line_no)));
            }
            run.check(meta.runs).map_err(|e| format!("{}: {e}", at(line_no)))?;
            on_run(run)?;
        }
        pos += n as u64;
    }
    Ok(if line_no == 0 { 0 } else { pos })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::batch::Shard;
    use std::collections::BTreeMap;

    /// Opens the journals as a batch does, aggregating the saved runs; returns them in index order.
    fn open(out: &Path, m: &BatchMeta, resume: bool, workers: usize) -> Result<(Journal, Vec<RunRecord>), String> {
        let mut spill = crate::batch::spill::Spill::with_chunk(None, 3).unwrap();
        let mut runs = Vec::new();
        let (j, done) = Journal::open(out, m, resume, workers, &mut |r| {
            spill.add(&r).map_err(|e| e.to_string())?;
            runs.push(r);
            Ok(())
        })?;
        spill.finish()?;
        runs.sort_by_key(|r| r.run_index);
        runs.dedup();
        assert_eq!(done.count(), runs.len() as u64);
        Ok((j, runs))
    }

    fn meta(runs: u64, shard: Option<Shard>) -> BatchMeta {
        BatchMeta { shard, ..BatchMeta::sample(runs) }
    }

    fn record(i: u64) -> RunRecord {
        RunRecord { run_index: i, numbers: BTreeMap::from([("x".to_string(), i as f64)]), categories: BTreeMap::new() }
    }

    /// A directory whose one journal (one worker) holds `runs`: the directory, the journal's
    /// path and its text.
    fn saved_journal(m: &BatchMeta, runs: &[u64]) -> (tempfile::TempDir, PathBuf, String) {
        let t = tempfile::tempdir().unwrap();
        let (j, _) = open(t.path(), m, false, 1).unwrap();
        for &i in runs {
            j.append(&record(i)).unwrap();
        }
        let path = t.path().join(RUNS_DIR).join("batch.w00.jsonl");
        let whole = fs::read_to_string(&path).unwrap();
        (t, path, whole)
    }

    #[test]
    fn saved_runs_come_back_in_index_order() {
        let t = tempfile::tempdir().unwrap();
        let m = meta(10, None);
        let (j, saved) = open(t.path(), &m, false, 2).unwrap();
        assert!(saved.is_empty());
        for i in [3, 1, 7] {
            j.append(&record(i)).unwrap();
        }
        drop(j);
        let (_, saved) = open(t.path(), &m, true, 2).unwrap();
        assert_eq!(saved, vec![record(1), record(3), record(7)]);
        // A fresh start forgets them.
        let (_, saved) = open(t.path(), &m, false, 2).unwrap();
        assert!(saved.is_empty());
        let left: Vec<String> = fs::read_dir(t.path().join(RUNS_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, [".batch.lock"]);
    }

    #[test]
    fn a_torn_tail_is_not_a_run_and_is_cut_off_before_appending() {
        let m = meta(10, None);
        let (t, path, whole) = saved_journal(&m, &[0, 1]);
        for tail in [&whole.as_bytes()[..whole.len() - 5], &[whole.as_bytes(), &[0u8; 64]].concat()[..]] {
            let torn: Vec<u8> = tail.to_vec();
            fs::write(&path, &torn).unwrap();
            let (j, saved) = open(t.path(), &m, true, 1).unwrap();
            let expect = if torn.len() < whole.len() { vec![record(0)] } else { vec![record(0), record(1)] };
            assert_eq!(saved, expect);
            j.append(&record(5)).unwrap();
            drop(j);
            let (_, saved) = open(t.path(), &m, true, 1).unwrap();
            assert_eq!(saved.last(), Some(&record(5)), "the append after a repair is readable");
            fs::write(&path, &whole).unwrap();
        }
        // A header cut short leaves an empty journal, which gets a new header.
        fs::write(&path, &whole[..10]).unwrap();
        let (j, saved) = open(t.path(), &m, true, 1).unwrap();
        assert!(saved.is_empty());
        j.append(&record(2)).unwrap();
        drop(j);
        let (_, saved) = open(t.path(), &m, true, 1).unwrap();
        assert_eq!(saved, vec![record(2)]);
    }

    #[test]
    fn a_bad_line_in_the_middle_or_another_batch_is_refused() {
        let m = meta(10, None);
        let (t, path, whole) = saved_journal(&m, &[0]);
        fs::write(&path, format!("{whole}{{\"not\": \"a run\"}}\n")).unwrap();
        let err = open(t.path(), &m, true, 1).unwrap_err();
        assert!(err.contains("line 3 is not a saved cydex run"), "{err}");
        fs::write(&path, &whole).unwrap();
        let err = open(t.path(), &BatchMeta { seed: 8, ..m.clone() }, true, 1).unwrap_err();
        assert!(err.contains("another batch") && err.contains("seed"), "{err}");
        let err = open(t.path(), &meta(20, None), true, 1).unwrap_err();
        assert!(err.contains("number of runs"), "{err}");
        // A journal of the previous batch format (no `batch_version` in its header) is not resumed.
        let old = whole.replacen(&format!("\"batch_version\":{BATCH_VERSION},"), "", 1);
        assert_ne!(old, whole);
        fs::write(&path, &old).unwrap();
        let err = open(t.path(), &m, true, 1).unwrap_err();
        let expected =
            format!("batch format version differs: this batch has `{BATCH_VERSION}`, the saved runs have `0`");
        assert!(err.contains(&expected), "{err}");
    }

    #[test]
    fn shards_share_a_directory_and_a_whole_batch_reads_them_all() {
        let t = tempfile::tempdir().unwrap();
        let (s0, s1) = (Shard { index: 0, count: 2 }, Shard { index: 1, count: 2 });
        let (j0, _) = open(t.path(), &meta(4, Some(s0)), false, 1).unwrap();
        let (j1, _) = open(t.path(), &meta(4, Some(s1)), false, 1).unwrap();
        j0.append(&record(0)).unwrap();
        j1.append(&record(1)).unwrap();
        drop((j0, j1));
        // A fresh shard removes only its own journal.
        let (_, saved) = open(t.path(), &meta(4, Some(s0)), false, 1).unwrap();
        assert!(saved.is_empty());
        let (_, saved) = open(t.path(), &meta(4, Some(s1)), true, 1).unwrap();
        assert_eq!(saved, vec![record(1)]);
        let (_, saved) = open(t.path(), &meta(4, None), true, 1).unwrap();
        assert_eq!(saved, vec![record(1)]);
        // The same run saved twice with different results is refused.
        let (j, _) = open(t.path(), &meta(4, None), true, 1).unwrap();
        j.append(&RunRecord { numbers: BTreeMap::new(), ..record(1) }).unwrap();
        drop(j);
        let err = open(t.path(), &meta(4, None), true, 1).unwrap_err();
        assert!(err.contains("run 1 is saved twice"), "{err}");
    }

    #[test]
    fn a_second_batch_into_the_same_journals_is_refused_naming_the_holder() {
        let t = tempfile::tempdir().unwrap();
        let (held, _) = open(t.path(), &meta(4, None), false, 1).unwrap();
        let err = open(t.path(), &meta(4, None), false, 1).unwrap_err();
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        // Shards of a batch write distinct journals and do not block each other.
        assert!(open(t.path(), &meta(4, Some(Shard { index: 0, count: 2 })), false, 1).is_ok());
        drop(held);
        assert!(open(t.path(), &meta(4, None), true, 1).is_ok(), "released on drop");
    }

    #[test]
    fn a_fresh_batch_removes_only_its_own_journals() {
        let t = tempfile::tempdir().unwrap();
        let runs = t.path().join(RUNS_DIR);
        fs::create_dir_all(&runs).unwrap();
        fs::write(runs.join("notes.jsonl"), b"mine").unwrap();
        let (j, _) = open(t.path(), &meta(4, Some(Shard { index: 1, count: 2 })), false, 1).unwrap();
        j.append(&record(1)).unwrap();
        drop(j);
        open(t.path(), &meta(4, None), false, 1).unwrap();
        assert_eq!(fs::read(runs.join("notes.jsonl")).unwrap(), b"mine");
        assert!(runs.join("shard-1-of-2.w00.jsonl").exists());
    }

    #[cfg(unix)]
    #[test]
    fn links_planted_among_the_journals_are_refused_and_never_followed() {
        let t = tempfile::tempdir().unwrap();
        let runs = t.path().join(RUNS_DIR);
        fs::create_dir_all(&runs).unwrap();
        let victim = t.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        std::os::unix::fs::symlink(&victim, runs.join("batch.w00.jsonl")).unwrap();
        for resume in [false, true] {
            let err = open(t.path(), &meta(4, None), resume, 1).unwrap_err();
            assert!(err.contains("symbolic link") && err.contains("batch.w00.jsonl"), "{err}");
        }
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        // A link planted after the directory was read is not followed by the append either.
        fs::remove_file(runs.join("batch.w00.jsonl")).unwrap();
        let (j, _) = open(t.path(), &meta(4, None), false, 1).unwrap();
        std::os::unix::fs::symlink(t.path().join("absent"), runs.join("batch.w00.jsonl")).unwrap();
        assert!(j.append(&record(0)).is_err());
        assert!(!t.path().join("absent").exists(), "a dangling link's target is never created");
    }
}
