//! Hardening: input limits, output failures, and a replay of the committed fuzz corpus.
//!
//! Performance is measured, not asserted here: see `docs/hardening.md` for the release timings of
//! the limit cases.

use std::path::Path;

use assert_cmd::Command;
use cydex::scenario::{Rejected, load_bytes, load_file};

const MINIMAL: &str = include_str!("fixtures/valid/minimal.yaml");

fn rejected(name: &str, bytes: &[u8]) -> Rejected {
    match load_bytes(name, bytes) {
        Ok(_) => panic!("{name} was accepted"),
        Err(r) => r,
    }
}

/// The one error's code and message, after checking it renders.
fn only_error(r: Rejected) -> (String, String) {
    assert_eq!(r.errors(), 1, "{:#?}", r.diagnostics);
    let d = &r.diagnostics[0];
    let text = d.render(false);
    assert!(!text.is_empty());
    (d.code.to_string(), d.message.clone())
}

// ───────────────────────────── input limits ─────────────────────────────

/// A file over 16 MiB is refused by size, before it is parsed, from memory and from disk.
#[test]
fn a_file_over_16_mib_is_rejected() {
    let mut big = MINIMAL.as_bytes().to_vec();
    while big.len() <= 16 * 1024 * 1024 {
        big.extend_from_slice(b"# padding padding padding padding padding padding padding padding\n");
    }
    let (code, msg) = only_error(rejected("big.yaml", &big));
    assert_eq!(code, "too-large");
    assert!(msg.contains("byte limit"), "{msg}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, &big).unwrap();
    let r = load_file(&path).unwrap_err();
    assert_eq!(only_error(r).0, "too-large");
}

/// 20,000 levels of nesting stop at the depth limit (64) without recursing.
#[test]
fn deep_nesting_is_rejected() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let text = format!("x: {}1{}\n", open.repeat(20_000), close.repeat(20_000));
        let (code, msg) = only_error(rejected("deep.yaml", text.as_bytes()));
        assert_eq!(code, "syntax");
        assert!(msg.contains("nesting deeper than 64 levels"), "{msg}");
    }
    // Block style too.
    let text: String = (0..20_000).map(|i| format!("{}- \n", "  ".repeat(i % 200))).collect();
    assert!(load_bytes("block.yaml", text.as_bytes()).is_err());
}

/// More than 250,000 YAML nodes written in the file.
#[test]
fn too_many_nodes_are_rejected() {
    let text = format!("cydex: 1\nx: [{}]\n", "1,".repeat(300_000));
    let (code, msg) = only_error(rejected("nodes.yaml", text.as_bytes()));
    assert_eq!(code, "syntax");
    assert!(msg.contains("more than 250000 YAML nodes"), "{msg}");
}

/// An alias bomb wider than the fixture's: many aliases to one large anchor.
#[test]
fn alias_expansion_is_bounded() {
    let mut text = format!("a: &a [{}]\n", "x,".repeat(1000));
    text.push_str(&format!("b: [{}]\n", "*a,".repeat(2000)));
    let (code, msg) = only_error(rejected("aliases.yaml", text.as_bytes()));
    assert_eq!(code, "syntax");
    assert!(msg.contains("alias"), "{msg}");
}

/// Absurd counts: 10^12 hosts (and u64::MAX in several groups, which must not overflow), 10^7 ticks.
#[test]
fn absurd_counts_are_rejected() {
    let hosts = MINIMAL.replace("count: 50", "count: 1000000000000");
    let r = rejected("hosts.yaml", hosts.as_bytes());
    assert!(r.diagnostics.iter().any(|d| d.code == "too-many-hosts"), "{:#?}", r.diagnostics);

    let max = u64::MAX.to_string();
    let hosts =
        MINIMAL.replace("count: 50", &format!("count: {max}")).replace("count: 5\n", &format!("count: {max}\n"));
    let r = rejected("overflow.yaml", hosts.as_bytes());
    assert!(r.diagnostics.iter().any(|d| d.code == "too-many-hosts"), "{:#?}", r.diagnostics);

    let ticks = MINIMAL.replace("tick: 5m", "tick: 1s").replace("duration: 1d", "duration: 10000000s");
    let r = rejected("ticks.yaml", ticks.as_bytes());
    assert!(
        r.diagnostics.iter().any(|d| d.code == "too-many-ticks" && d.message.contains("10000000 ticks")),
        "{:#?}",
        r.diagnostics
    );

    // Numbers beyond u64 are a type error, not a wrap-around.
    let huge = MINIMAL.replace("count: 50", "count: 18446744073709551616");
    assert!(load_bytes("huge.yaml", huge.as_bytes()).is_err());
}

// ───────────────────────────── outputs ─────────────────────────────

fn cydex() -> Command {
    Command::cargo_bin("cydex").unwrap()
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// `--out` under a regular file (unwritable whatever the user, root included).
#[test]
fn run_out_under_a_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    let a = cydex().args(["run", "-q", "--out"]).arg(file.join("sub")).assert().code(2);
    let err = stderr_of(&a);
    assert!(err.contains("cannot create") && err.contains("plain/sub"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"x", "the file is untouched");
}

/// An output file name that is taken by a directory.
#[test]
fn run_out_with_a_directory_in_the_way_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("results.json")).unwrap();
    let a = cydex().args(["run", "-q", "--out"]).arg(dir.path()).assert().code(2);
    let err = stderr_of(&a);
    assert!(err.contains("cannot write") && err.contains("results.json"), "{err}");
}

/// A full disk: the outputs are symlinks to `/dev/full`, which is written in place (never
/// replaced) and fails with ENOSPC. `/dev/full` must still be a character device afterwards.
#[cfg(unix)]
#[test]
fn run_out_on_a_full_device_exits_2_and_keeps_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        eprintln!("skipped: no /dev/full character device here");
        return;
    }
    for name in ["events.jsonl", "results.json"] {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(full, dir.path().join(name)).unwrap();
        let a = cydex().args(["run", "-q", "--out"]).arg(dir.path()).assert().code(2);
        let err = stderr_of(&a);
        assert!(err.contains("cannot write") && err.contains(name), "{err}");
        assert!(std::fs::symlink_metadata(dir.path().join(name)).unwrap().file_type().is_symlink());
        assert!(std::fs::metadata(full).unwrap().file_type().is_char_device(), "/dev/full was replaced");
    }
    // `--out /dev/full` itself is not a directory.
    let a = cydex().args(["run", "-q", "--out", "/dev/full"]).assert().code(2);
    assert!(stderr_of(&a).contains("/dev/full"));
    assert!(std::fs::metadata(full).unwrap().file_type().is_char_device(), "/dev/full was replaced");
}

// ───────────────────────────── fuzz corpus replay ─────────────────────────────

/// Every committed fuzz input (the minimised corpus `fuzz/seeds/`, the crashers in
/// `fuzz/regressions/`) and every fixture goes through the loader as the fuzz target
/// (`fuzz/fuzz_targets/load.rs`) does: load, render every diagnostic, simulate small valid scenarios.
#[test]
fn fuzz_corpus_replays_without_panics() {
    let mut files = Vec::new();
    for dir in ["fuzz/seeds", "fuzz/regressions", "tests/fixtures/valid", "tests/fixtures/invalid"] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            files.extend(rd.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    assert!(files.len() >= 100, "the minimised fuzz corpus is committed: {} files", files.len());
    let mut loaded = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        match load_bytes("fuzz.yaml", &bytes) {
            Ok(l) => {
                loaded += 1;
                for d in &l.warnings {
                    d.render(false);
                }
                let s = &l.scenario;
                let hosts: u64 = s
                    .nations
                    .iter()
                    .flat_map(|n| &n.segments)
                    .flat_map(|g| &g.host_groups)
                    .map(|h| h.count)
                    .fold(0, u64::saturating_add);
                let ticks = s.clock.duration.secs().div_ceil(s.clock.tick.secs().max(1));
                if hosts <= 2_000 && ticks <= 2_000 {
                    let out = cydex::sim::run(s, &cydex::sim::RunConfig::default());
                    assert_eq!(out.summary.events as usize, out.events.len(), "{}", f.display());
                }
            }
            Err(r) => {
                assert!(!r.diagnostics.is_empty(), "{}: rejected without a diagnostic", f.display());
                for d in &r.diagnostics {
                    d.render(false);
                }
            }
        }
    }
    assert!(loaded >= 1, "valid inputs load");
}

/// Every committed input of the second fuzz target (`fuzz/fuzz_targets/readback.rs`: results,
/// batch files and journals read back) goes through the same function the target calls.
#[test]
fn readback_corpus_replays_without_panics() {
    let mut files = Vec::new();
    for dir in ["fuzz/readback-seeds", "fuzz/readback-regressions"] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            files.extend(rd.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    assert!(files.len() >= 4, "the readback corpus is committed: {} files", files.len());
    for f in &files {
        cydex::cli::fuzz::readback(&std::fs::read(f).unwrap());
    }
}

/// Semantic problems are capped while collected: a file with hundreds of them reports 100, then
/// one line saying how many more.
#[test]
fn semantic_problems_are_capped_with_a_count_of_the_rest() {
    let drill = std::fs::read_to_string("scenarios/ransomware-drill.yaml").unwrap();
    let anchor = "    services:\n";
    let bombs: String =
        (0..150).map(|i| format!("      - {{ id: BOMB-{i}, runs_on: [EST-GOV-DC], depends_on: [NOPE] }}\n")).collect();
    let text = drill.replacen(anchor, &format!("{anchor}{bombs}"), 1);
    let rejected = load_bytes("bomb.yaml", text.as_bytes()).map(|_| ()).unwrap_err();
    assert_eq!(rejected.diagnostics.len(), 101);
    let last = rejected.diagnostics.last().unwrap();
    assert_eq!(last.code, "too-many-problems");
    assert!(last.message.contains("more problem(s) not shown: cydex reports at most 100 per file"), "{}", last.message);
}
