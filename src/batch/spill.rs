//! Owns the streaming aggregation of a batch: runs arrive in any order (from the worker threads,
//! the journals of a resumed batch, the journals of merged shards), each value is appended to a
//! chunk of fixed-size binary entries (metric, run index, value) that is sorted and spilled to a
//! temporary directory when full; at the end the chunks are read back one metric at a time, its
//! values put in run-index order, and summarised exactly as the in-memory
//! [`aggregate`](crate::results::batch::aggregate) does. Memory holds one chunk and one metric's
//! values, never every run.
//!
//! Determinism: the aggregates depend only on the set of runs added, not on their order: each
//! metric's values are sorted by run index before they are summed. A run added twice (a resumed
//! batch can read a run from two journals) counts once; twice with different values is refused.
//!
//! A spill's directory holds a lock (`owner.lock`) for as long as the spill lives. A batch killed
//! before it could remove its spill (SIGKILL, a power cut) leaves the directory behind; the next
//! spill created in the same `--out` removes every `.cydex-spill-*` directory whose lock nobody
//! holds and that is older than [`STALE_AFTER`], so shards sharing the directory keep theirs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::results::batch::{Aggregates, RunRecord};
use crate::results::compare::{Paired, paired};
use crate::results::stats::{category_counts, summarise};

/// Entries a chunk holds before it is sorted and written out (16 MiB).
pub const CHUNK_ENTRIES: usize = 1 << 20;

/// Age past which an unlocked spill directory is someone's leftover, not one being set up.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// The prefix of spill directories.
const PREFIX: &str = ".cydex-spill-";

/// The key of a run's fingerprint: one entry per run, to count runs and find a run added twice
/// with different values.
const FINGERPRINT: u32 = 0;

/// One value of one run: 16 bytes on disk, little-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: u32,
    index: u32,
    value: u64,
}

impl Entry {
    fn bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&self.key.to_le_bytes());
        b[4..8].copy_from_slice(&self.index.to_le_bytes());
        b[8..].copy_from_slice(&self.value.to_le_bytes());
        b
    }

    fn from_bytes(b: &[u8; 16]) -> Entry {
        let word = |r: std::ops::Range<usize>| b[r].iter().rev().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
        Entry { key: word(0..4) as u32, index: word(4..8) as u32, value: word(8..16) }
    }
}

/// What a key names: a numeric metric or a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fingerprint,
    Number,
    Category,
}

/// The streaming aggregation of one batch (see the module documentation).
#[derive(Debug)]
pub struct Spill {
    /// Locked while the spill lives (dropped before `dir` is removed).
    _owner: File,
    dir: tempfile::TempDir,
    keys: Vec<(Kind, String)>,
    numbers: HashMap<String, u32>,
    categories: HashMap<String, u32>,
    values: Vec<String>,
    value_ids: HashMap<String, u64>,
    chunk: Vec<Entry>,
    chunk_entries: usize,
    chunks: Vec<PathBuf>,
}

impl Spill {
    /// A spill in a new temporary directory inside `parent` (the batch's `--out`), or in the
    /// system's temporary directory; the directory is removed when the spill is dropped.
    pub fn new(parent: Option<&Path>) -> io::Result<Spill> {
        Spill::with_chunk(parent, CHUNK_ENTRIES)
    }

    /// A spill whose chunks hold `chunk_entries` entries (tests use small ones).
    pub fn with_chunk(parent: Option<&Path>, chunk_entries: usize) -> io::Result<Spill> {
        let mut b = tempfile::Builder::new();
        b.prefix(PREFIX);
        let dir = match parent {
            Some(p) => {
                remove_stale(p);
                b.tempdir_in(p)?
            }
            None => b.tempdir()?,
        };
        let owner = File::create_new(dir.path().join("owner.lock"))?;
        owner.try_lock().map_err(|e| io::Error::other(format!("cannot lock a new spill: {e}")))?;
        Ok(Spill {
            _owner: owner,
            dir,
            keys: vec![(Kind::Fingerprint, String::new())],
            numbers: HashMap::new(),
            categories: HashMap::new(),
            values: Vec::new(),
            value_ids: HashMap::new(),
            chunk: Vec::new(),
            chunk_entries: chunk_entries.max(1),
            chunks: Vec::new(),
        })
    }

    fn key(&mut self, kind: Kind, name: &str) -> u32 {
        let map = if kind == Kind::Number { &mut self.numbers } else { &mut self.categories };
        if let Some(&id) = map.get(name) {
            return id;
        }
        let id = self.keys.len() as u32;
        map.insert(name.to_string(), id);
        self.keys.push((kind, name.to_string()));
        id
    }

    fn value(&mut self, v: &str) -> u64 {
        if let Some(&id) = self.value_ids.get(v) {
            return id;
        }
        let id = self.values.len() as u64;
        self.value_ids.insert(v.to_string(), id);
        self.values.push(v.to_string());
        id
    }

    /// Adds one run (in any order).
    pub fn add(&mut self, r: &RunRecord) -> io::Result<()> {
        self.add_at(r, r.run_index)
    }

    /// Adds run `r` of one side of a comparison (side 0 the base, 1 the variant), in any order:
    /// it is spilled as run `2 × index + side`, so each key's column holds a run's two sides next
    /// to each other ([`Spill::finish_paired`]).
    pub fn add_side(&mut self, r: &RunRecord, side: Side) -> io::Result<()> {
        let index = r.run_index.checked_mul(2).ok_or_else(|| io::Error::other("run index beyond 2^32"))?;
        self.add_at(r, index + side as u64)
    }

    /// Adds run `r`'s values as those of run `index`.
    fn add_at(&mut self, r: &RunRecord, index: u64) -> io::Result<()> {
        let index = u32::try_from(index).map_err(|_| io::Error::other("run index beyond 2^32"))?;
        let mut h = std::hash::DefaultHasher::new();
        for (k, v) in &r.numbers {
            (k, v.to_bits()).hash(&mut h);
        }
        r.categories.hash(&mut h);
        // A run's entries go into one chunk, allocated once at its full size.
        let need = 1 + r.numbers.len() + r.categories.len();
        if !self.chunk.is_empty() && self.chunk.len() + need > self.chunk_entries {
            self.flush()?;
        }
        if self.chunk.capacity() == 0 {
            self.chunk.reserve_exact(self.chunk_entries.max(need));
        }
        self.chunk.push(Entry { key: FINGERPRINT, index, value: h.finish() });
        for (k, v) in &r.numbers {
            let key = self.key(Kind::Number, k);
            self.chunk.push(Entry { key, index, value: v.to_bits() });
        }
        for (k, v) in &r.categories {
            let key = self.key(Kind::Category, k);
            let value = self.value(v);
            self.chunk.push(Entry { key, index, value });
        }
        Ok(())
    }

    /// Sorts the chunk and writes it out.
    fn flush(&mut self) -> io::Result<()> {
        self.chunk.sort_unstable();
        let path = self.dir.path().join(format!("chunk-{:06}.bin", self.chunks.len()));
        let mut w = BufWriter::new(File::create(&path)?);
        for e in &self.chunk {
            w.write_all(&e.bytes())?;
        }
        w.flush()?;
        self.chunk.clear();
        self.chunks.push(path);
        release_free_memory();
        Ok(())
    }

    /// The aggregates of every run added: per-metric statistics and shapes, per-category
    /// statistics, over the runs added (each counted once); and how many runs that is. Refuses a
    /// run added twice with different values.
    pub fn finish(self) -> Result<(Aggregates, u64), String> {
        let (mut metrics, mut categories, mut shapes) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let mut total = 0u64;
        self.columns(|kind, name, values, column| {
            match kind {
                Kind::Fingerprint => total = column.len() as u64,
                Kind::Number => {
                    let xs: Vec<f64> = column.iter().map(|e| f64::from_bits(e.value)).collect();
                    let index: Vec<u64> = column.iter().map(|e| u64::from(e.index)).collect();
                    let (stats, shape) = summarise(&xs, &index, total);
                    metrics.insert(name.to_string(), stats);
                    if let Some(shape) = shape {
                        shapes.insert(name.to_string(), shape);
                    }
                }
                Kind::Category => {
                    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
                    for e in column {
                        *counts.entry(value_of(values, e.value)).or_default() += 1;
                    }
                    categories.insert(name.to_string(), category_counts(counts, total));
                }
            }
            Ok(())
        })?;
        Ok(((metrics, categories, shapes), total))
    }

    /// The paired differences (variant − base) of the two sides added with [`Spill::add_side`],
    /// exactly as [`compare`](crate::results::compare::compare) computes them from both sides held
    /// in memory: each metric over the runs where both sides have it, in run-index order, then
    /// each category's value as an indicator. Refuses a run added twice with different values.
    pub fn finish_paired(self) -> Result<BTreeMap<String, Paired>, String> {
        let (mut numbers, mut indicators) = (BTreeMap::new(), BTreeMap::new());
        self.columns(|kind, name, values, column| {
            match kind {
                Kind::Fingerprint => {}
                Kind::Number => {
                    let xs = pairs(column, |e| f64::from_bits(e.value));
                    if !xs.is_empty() {
                        numbers.insert(name.to_string(), paired(&xs));
                    }
                }
                Kind::Category => {
                    let seen: BTreeSet<u64> = column.iter().map(|e| e.value).collect();
                    for id in seen {
                        let val = value_of(values, id);
                        let xs = pairs(column, |e| f64::from(u8::from(e.value == id)));
                        if !xs.is_empty() {
                            let p = Paired { outcome: Some((name.to_string(), val.clone())), ..paired(&xs) };
                            indicators.insert((name.to_string(), val), p);
                        }
                    }
                }
            }
            Ok(())
        })?;
        // Indicators after the metrics and in (category, value) order, as the in-memory
        // comparison inserts them (a category or value holding `=` can spell a metric's key).
        for ((name, val), p) in indicators {
            numbers.insert(format!("{name}={val}"), p);
        }
        Ok(numbers)
    }

    /// Reads the runs back one key at a time, in key order, handing `each` the key's kind, name,
    /// the category values' names and its column: each run once, in run-index order. Refuses a
    /// run added twice with different values.
    fn columns(
        mut self,
        mut each: impl FnMut(Kind, &str, &[String], &[Entry]) -> Result<(), String>,
    ) -> Result<(), String> {
        self.chunk.sort_unstable();
        let mut sources: Vec<Source> = Vec::with_capacity(self.chunks.len() + 1);
        for path in &self.chunks {
            let f = File::open(path).map_err(|e| format!("cannot read back `{}`: {e}", path.display()))?;
            sources.push(Source::file(BufReader::with_capacity(1 << 14, f)));
        }
        sources.push(Source::memory(std::mem::take(&mut self.chunk)));
        for key in 0..self.keys.len() as u32 {
            let mut column = Vec::new();
            for s in &mut sources {
                s.take(key, &mut column).map_err(|e| format!("cannot read back the spilled runs: {e}"))?;
            }
            column.sort_unstable();
            let mut unique: Vec<Entry> = Vec::with_capacity(column.len());
            for e in column {
                match unique.last() {
                    Some(last) if last.index == e.index => {
                        if last.value != e.value && key == FINGERPRINT {
                            return Err(format!("run {} is saved twice with different results", e.index));
                        }
                    }
                    _ => unique.push(e),
                }
            }
            let (kind, name) = &self.keys[key as usize];
            each(*kind, name, &self.values, &unique)?;
        }
        Ok(())
    }
}

/// A side of a comparison ([`Spill::add_side`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Base = 0,
    Variant = 1,
}

/// The name of category value `id`.
fn value_of(values: &[String], id: u64) -> String {
    values.get(id as usize).cloned().unwrap_or_default()
}

/// The (base, variant) pairs of a column of both sides (run `i`'s at `2i` and `2i + 1`): the runs
/// where both sides have the key, in run-index order, each value read by `x`.
fn pairs(column: &[Entry], x: impl Fn(&Entry) -> f64) -> Vec<(f64, f64)> {
    column
        .windows(2)
        .filter(|w| w[0].index % 2 == 0 && w[1].index == w[0].index + 1)
        .map(|w| (x(&w[0]), x(&w[1])))
        .collect()
}

/// Hands the memory freed by finished runs back to the system: glibc keeps it in per-thread arenas,
/// where it fragments and the resident size creeps up with the number of runs.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free heap pages to the kernel; no live allocation moves.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A sorted chunk read back key by key.
enum Source {
    File { reader: BufReader<File>, next: Option<Entry> },
    Memory { entries: Vec<Entry>, at: usize },
}

impl Source {
    fn file(mut reader: BufReader<File>) -> Source {
        let next = read_entry(&mut reader).ok().flatten();
        Source::File { reader, next }
    }

    fn memory(entries: Vec<Entry>) -> Source {
        Source::Memory { entries, at: 0 }
    }

    /// Moves the entries of `key` (the smallest key left) into `out`.
    fn take(&mut self, key: u32, out: &mut Vec<Entry>) -> io::Result<()> {
        match self {
            Source::File { reader, next } => {
                while let Some(e) = *next {
                    if e.key != key {
                        break;
                    }
                    out.push(e);
                    *next = read_entry(reader)?;
                }
            }
            Source::Memory { entries, at } => {
                while let Some(e) = entries.get(*at).filter(|e| e.key == key) {
                    out.push(*e);
                    *at += 1;
                }
            }
        }
        Ok(())
    }
}

fn read_entry(r: &mut impl Read) -> io::Result<Option<Entry>> {
    let mut b = [0u8; 16];
    match r.read_exact(&mut b) {
        Ok(()) => Ok(Some(Entry::from_bytes(&b))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

/// Removes the spill directories in `parent` that a killed batch left behind: older than
/// [`STALE_AFTER`] and not locked by a live spill. Best effort: anything it cannot inspect or
/// remove is left alone (a planted link is never followed: only real directories are considered).
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let is_spill = entry.file_name().to_str().is_some_and(|n| n.starts_with(PREFIX));
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        let old = meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age >= STALE_AFTER);
        if !is_spill || !meta.is_dir() || !old {
            continue;
        }
        let free = match File::open(entry.path().join("owner.lock")) {
            Ok(lock) => lock.try_lock().is_ok(),
            Err(e) => e.kind() == io::ErrorKind::NotFound,
        };
        if free {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::batch::aggregate;
    use proptest::prelude::*;

    /// Sets a directory's modification time `secs` seconds back.
    fn age(dir: &Path, secs: u64) {
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
        File::open(dir).and_then(|f| f.set_modified(when)).expect("age the directory");
    }

    #[test]
    fn a_killed_batchs_spill_is_removed_and_a_live_one_kept() {
        let out = tempfile::tempdir().unwrap();
        let live = Spill::with_chunk(Some(out.path()), 4).unwrap();
        age(live.dir.path(), 3600);
        // A killed batch's spill: its lock file is there, nobody holds it.
        let dead = out.path().join(".cydex-spill-dead");
        std::fs::create_dir(&dead).unwrap();
        File::create(dead.join("owner.lock")).unwrap();
        std::fs::write(dead.join("chunk-000000.bin"), [0u8; 16]).unwrap();
        age(&dead, 3600);
        // One being set up this instant (no lock yet), and a link planted with the prefix.
        let young = out.path().join(".cydex-spill-young");
        std::fs::create_dir(&young).unwrap();
        std::os::unix::fs::symlink(&dead, out.path().join(".cydex-spill-link")).unwrap();
        let next = Spill::with_chunk(Some(out.path()), 4).unwrap();
        assert!(!dead.exists(), "the leftover is removed");
        assert!(live.dir.path().exists() && young.exists() && next.dir.path().exists());
        assert!(out.path().join(".cydex-spill-link").symlink_metadata().is_ok(), "links are left alone");
        drop((live, next));
    }

    fn record(i: u64, xs: &[(u8, f64)], cs: &[(u8, u8)]) -> RunRecord {
        RunRecord {
            run_index: i,
            numbers: xs.iter().map(|(k, v)| (format!("m{k}"), *v)).collect(),
            categories: cs.iter().map(|(k, v)| (format!("c{k}"), format!("v{v}"))).collect(),
        }
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![(-3i32..20).prop_map(f64::from), -1e6f64..1e6, Just(0.0), Just(-0.0), Just(0.1)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The streaming aggregate, with chunks small enough to spill, equals the in-memory one
        /// for runs added in any order, some of them twice.
        #[test]
        fn streaming_equals_in_memory(
            runs in prop::collection::vec(
                (prop::collection::vec((0u8..6, value()), 0..6), prop::collection::vec((0u8..3, 0u8..4), 0..3)),
                0..60,
            ),
            chunk in 1usize..50,
            order in any::<u64>(),
            again in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        ) {
            let records: Vec<RunRecord> = runs.iter().enumerate().map(|(i, (x, c))| record(i as u64, x, c)).collect();
            let mut spill = Spill::with_chunk(None, chunk).unwrap();
            let mut shuffled = records.clone();
            let n = shuffled.len();
            for i in 0..n {
                shuffled.swap(i, (order.wrapping_mul(i as u64 + 7) % n as u64) as usize);
            }
            for r in &shuffled {
                spill.add(r).unwrap();
            }
            for a in again.iter().filter(|_| n > 0) {
                spill.add(&shuffled[a.index(n)]).unwrap();
            }
            let (streamed, total) = spill.finish().unwrap();
            prop_assert_eq!(total, n as u64);
            // Byte for byte, as batch.json writes them.
            prop_assert_eq!(serde_json::to_string(&streamed).unwrap(), serde_json::to_string(&aggregate(&records)).unwrap());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The streamed comparison, with chunks small enough to spill and both sides' runs added
        /// in any order, equals the in-memory one of both sides, byte for byte as compare.json
        /// writes it; metrics missing on one side, and categories and values spelling `=`, included.
        #[test]
        fn the_streamed_comparison_equals_the_in_memory_one(
            runs in prop::collection::vec(
                (
                    prop::collection::vec((0u8..5, value()), 0..5),
                    prop::collection::vec((0u8..5, value()), 0..5),
                    prop::collection::vec((0u8..3, 0u8..3), 0..3),
                    prop::collection::vec((0u8..3, 0u8..3), 0..3),
                ),
                0..40,
            ),
            chunk in 1usize..40,
            order in any::<u64>(),
        ) {
            let sided = |i: usize, xs: &[(u8, f64)], cs: &[(u8, u8)]| {
                let mut r = record(i as u64, xs, cs);
                // Keys that spell each other: category `c0` of value `v0` and the metric `c0=v0`
                // below; category `c0` of value `v0=v1` and category `c0=v0` of value `v1`.
                let rename = |k: String, v: String| {
                    let k = if k == "c2" { "c0=v0".to_string() } else { k };
                    (k, if v == "v2" { "v0=v1".to_string() } else { v })
                };
                r.categories = r.categories.into_iter().map(|(k, v)| rename(k, v)).collect();
                if xs.first().is_some_and(|x| x.0 == 4) {
                    r.numbers.insert("c0=v0".into(), 1.0);
                }
                r
            };
            let base: Vec<RunRecord> = runs.iter().enumerate().map(|(i, (b, _, cb, _))| sided(i, b, cb)).collect();
            let variant: Vec<RunRecord> = runs.iter().enumerate().map(|(i, (_, v, _, cv))| sided(i, v, cv)).collect();
            let mut all: Vec<(Side, &RunRecord)> =
                base.iter().map(|r| (Side::Base, r)).chain(variant.iter().map(|r| (Side::Variant, r))).collect();
            let n = all.len();
            for i in 0..n {
                all.swap(i, (order.wrapping_mul(i as u64 + 3) % n as u64) as usize);
            }
            let mut spill = Spill::with_chunk(None, chunk).unwrap();
            for (side, r) in all {
                spill.add_side(r, side).unwrap();
            }
            let streamed = spill.finish_paired().unwrap();
            let held = crate::results::compare::compare(&base, &variant);
            prop_assert_eq!(serde_json::to_string(&streamed).unwrap(), serde_json::to_string(&held).unwrap());
        }
    }

    #[test]
    fn a_run_added_twice_with_different_values_is_refused() {
        let mut spill = Spill::with_chunk(None, 2).unwrap();
        spill.add(&record(3, &[(1, 2.0)], &[])).unwrap();
        spill.add(&record(3, &[(1, 2.5)], &[])).unwrap();
        assert_eq!(spill.finish().unwrap_err(), "run 3 is saved twice with different results");
    }

    #[test]
    fn entries_round_trip_through_their_bytes() {
        let e = Entry { key: 0xdead_beef, index: 77, value: (-0.5f64).to_bits() };
        assert_eq!(Entry::from_bytes(&e.bytes()), e);
    }
}
