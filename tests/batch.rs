//! Batch, shard/merge, resume, replay, compare and `--set` tests through the real `cydex` binary.

use std::path::Path;

use assert_cmd::Command;
use cydex::results::RunResults;
use cydex::results::batch::{BatchFile, RunRecord};
use cydex::results::observe::observe;

const DRILL: &str = "scenarios/ransomware-drill.yaml";
const RUNS: &str = "20";

fn cydex() -> Command {
    let mut c = Command::cargo_bin("cydex").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn batch(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    cydex().args(["batch", DRILL, "--runs", RUNS, "--seed", "7", "-q", "--out"]).arg(dir).args(extra).assert()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// The run journals of batch directory `dir`, sorted by name.
/// The journals under `DIR/runs/` (not the lock files beside them).
fn journals(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .map(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Every run saved in the journals of batch directory `dir`, by run index (each once).
fn saved_runs(dir: &Path) -> Vec<RunRecord> {
    let mut runs: Vec<RunRecord> = journals(dir)
        .iter()
        .flat_map(|p| read(p).lines().skip(1).map(|l| serde_json::from_str(l).unwrap()).collect::<Vec<RunRecord>>())
        .collect();
    runs.sort_by_key(|r| r.run_index);
    runs.dedup();
    runs
}

#[test]
fn batch_json_is_identical_for_any_number_of_jobs() {
    let t = tempfile::tempdir().unwrap();
    let (a, b) = (t.path().join("j1"), t.path().join("j2"));
    batch(&a, &["--jobs", "1"]).success();
    batch(&b, &["--jobs", "2"]).success();
    let one = read(&a.join("batch.json"));
    assert_eq!(one, read(&b.join("batch.json")));
    let f = BatchFile::from_json(&one).unwrap();
    assert_eq!(f.format, "cydex-batch");
    assert_eq!(f.meta.runs, 20);
    // batch.json is a summary; the runs are in the journals.
    assert!(!one.contains("\"runs\": ["), "no per-run records in batch.json");
    assert_eq!(saved_runs(&a).len(), 20);
    assert_eq!(saved_runs(&a), saved_runs(&b), "the same runs whatever --jobs");
    assert!(f.metrics.contains_key("nation.EST.hosts_compromised"));
    assert!(f.categories.contains_key("campaign.CAMP-RW-1.stopped_at_stage"));
    let m = &f.metrics["nation.EST.hosts_compromised"];
    assert_eq!(m.n + m.missing, 20);
    assert!(m.ci95.is_some());
    for report in ["report.md", "report.html"] {
        assert_eq!(read(&a.join(report)), read(&b.join(report)), "{report} depends on --jobs");
    }
    let md = read(&a.join("report.md"));
    assert!(md.contains("## 1. Executive summary") && md.contains("## 2. Key metrics"), "{md}");
    // Without --out the batch still runs and prints its summary, in words rather than raw keys.
    let out = cydex().args(["batch", DRILL, "--runs", "3", "--seed", "7"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Key metrics") && text.contains("Mean time to detect (MTTD)"), "{text}");
    assert!(!text.contains("nation.EST.dwell_s"), "{text}");
    assert!(!text.contains('\x1b'), "no colour off a terminal");
    let html = read(&a.join("report.html"));
    assert!(
        html.contains("<svg")
            && !html.contains("http://")
            && !html.contains("https://")
            && !html.contains("<script src")
    );
}

#[test]
fn batch_and_compare_write_marked_reports_whose_replay_commands_work() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("b");
    // An override a shell must quote: the report's replay command has to survive `sh -c`.
    let title = "exercise.title=Drill \"Iron\" it's";
    batch(&dir, &["--set", title]).success();
    let md = read(&dir.join("report.md"));
    let html = read(&dir.join("report.html"));
    assert!(md.starts_with("**TLP:GREEN**") && md.trim_end().ends_with("**TLP:GREEN**"), "{md}");
    assert!(html.contains("@top-center{content:\"TLP:GREEN\"") && html.contains(">TLP:GREEN</div>"));
    let cmd = md.lines().find(|l| l.starts_with("cydex run ")).expect("a replay command");
    assert!(cmd.contains("--set 'exercise.title=Drill \"Iron\" it'\\''s'"), "{cmd}");
    let f = BatchFile::from_json(&read(&dir.join("batch.json"))).unwrap();
    let index: u64 = cmd.split("--run-index ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let one = t.path().join("replayed");
    let bin = assert_cmd::cargo::cargo_bin("cydex");
    let line = format!("{} -q --out '{}'", cmd.replacen("cydex", &format!("'{}'", bin.display()), 1), one.display());
    let status = std::process::Command::new("sh").arg("-c").arg(&line).env("NO_COLOR", "1").status().unwrap();
    assert!(status.success(), "{line}");
    let results: RunResults = serde_json::from_str(&read(&one.join("results.json"))).unwrap();
    assert_eq!(results.meta.exercise_title, "Drill \"Iron\" it's");
    assert!(f.meta.runs > index);
    assert_eq!(observe(&results).numbers, saved_runs(&dir)[index as usize].numbers, "run {index} replayed exactly");

    let cmp = t.path().join("c");
    cydex()
        .args(["compare", DRILL, "--runs", "5", "--seed", "7", "-q"])
        .args(["--variant-set", "nations.EST.team.analysts=12", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    for (name, marking) in [("report.md", "**TLP:GREEN**"), ("report.html", "@bottom-center{content:\"TLP:GREEN\"")] {
        let text = read(&cmp.join(name));
        assert!(text.contains(marking) && text.contains("nations.EST.team.analysts=12"), "{name}");
    }
    assert!(cmp.join("compare.json").exists());
}

#[test]
fn merged_shards_equal_the_whole_batch() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    batch(&whole, &["--jobs", "2"]).success();
    // Shards 0 and 1 share one directory (a shared file system); shard 2 runs elsewhere.
    let shared = t.path().join("shared");
    let other = t.path().join("other");
    batch(&shared, &["--shard", "0/3"]).success();
    batch(&shared, &["--shard", "1/3", "--jobs", "1"]).success();
    batch(&other, &["--shard", "2/3"]).success();
    assert!(!shared.join("batch.json").exists(), "a shard must not write batch.json");
    let merged = t.path().join("merged");
    cydex().arg("merge").arg(&shared).arg(&other).arg("--out").arg(&merged).arg("-q").assert().success();
    assert_eq!(read(&merged.join("batch.json")), read(&whole.join("batch.json")));
    assert_eq!(read(&merged.join("coverage.layer.json")), read(&whole.join("coverage.layer.json")));
    assert!(!shared.join("coverage.layer.json").exists(), "a shard writes no layer");
    for file in ["batch.json", "report.md", "report.html"] {
        assert_eq!(read(&merged.join(file)), read(&whole.join(file)), "{file}");
    }

    // A missing shard, a duplicated one, or a shard of another batch is refused, saying why.
    let a = cydex().arg("merge").arg(&shared).arg("--out").arg(t.path().join("m2")).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("missing") && err.contains("2/3"), "{err}");
    let copy = t.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(shared.join("shard-0-of-3.json"), copy.join("shard-0-of-3.json")).unwrap();
    let a =
        cydex().arg("merge").arg(&shared).arg(&other).arg(&copy).arg("--out").arg(t.path().join("m3")).assert().code(2);
    assert!(stderr(&a).contains("in both"), "{}", stderr(&a));
    // A shard file without the journals of its runs beside it cannot be merged.
    let bare = t.path().join("bare");
    std::fs::create_dir_all(bare.join("runs")).unwrap();
    std::fs::copy(other.join("shard-2-of-3.json"), bare.join("shard-2-of-3.json")).unwrap();
    let a = cydex().arg("merge").arg(&shared).arg(&bare).arg("--out").arg(t.path().join("m5")).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("runs are missing") && err.contains("runs/"), "{err}");
    let seed8 = t.path().join("seed8");
    cydex()
        .args(["batch", DRILL, "--runs", RUNS, "--seed", "8", "-q", "--shard", "2/3", "--out"])
        .arg(&seed8)
        .assert()
        .success();
    let a = cydex().arg("merge").arg(&shared).arg(&seed8).arg("--out").arg(t.path().join("m4")).assert().code(2);
    assert!(stderr(&a).contains("seed"), "{}", stderr(&a));
}

#[test]
fn resume_after_an_interruption_gives_the_same_batch() {
    let t = tempfile::tempdir().unwrap();
    let whole = t.path().join("whole");
    batch(&whole, &[]).success();
    let expected = read(&whole.join("batch.json"));

    // Simulated interruption: some runs never finished, no batch.json was written. One worker's
    // journal lost its last runs; the other's ends the way a power loss can leave an unsynced
    // file: a line cut short, then zero bytes.
    let dir = t.path().join("resumed");
    batch(&dir, &["--jobs", "2"]).success();
    std::fs::remove_file(dir.join("batch.json")).unwrap();
    let journals = journals(&dir);
    assert!(!journals.is_empty() && journals.iter().all(|p| p.extension().unwrap() == "jsonl"), "{journals:?}");
    let lines = |p: &Path| read(p).lines().map(str::to_string).collect::<Vec<_>>();
    let first = lines(&journals[0]);
    assert!(first.len() > 3, "{first:?}");
    std::fs::write(&journals[0], first[..first.len() - 2].join("\n") + "\n").unwrap();
    if let Some(second) = journals.get(1) {
        let text = read(second);
        let cut = text.len() - text.lines().last().unwrap().len() / 2 - 1;
        let mut torn = text.as_bytes()[..cut].to_vec();
        torn.extend([0u8; 64]);
        std::fs::write(second, torn).unwrap();
    }
    batch(&dir, &["--resume", "--jobs", "2"]).success();
    assert_eq!(read(&dir.join("batch.json")), expected);

    // A line in the middle of a journal that is whole JSON but not a run is still refused, with
    // where it is.
    let text = read(&journals[0]);
    let mut broken: Vec<&str> = text.lines().collect();
    broken.insert(2, "{\"not\": \"a run\"}");
    std::fs::write(&journals[0], broken.join("\n") + "\n").unwrap();
    let a = batch(&dir, &["--resume"]).code(2);
    assert!(stderr(&a).contains("line 3 is not a saved cydex run"), "{}", stderr(&a));
    std::fs::write(&journals[0], text).unwrap();

    // A shard's saved runs are picked up by a resumed whole batch.
    let dir = t.path().join("from-shard");
    batch(&dir, &["--shard", "1/2"]).success();
    batch(&dir, &["--resume"]).success();
    assert_eq!(read(&dir.join("batch.json")), expected);

    // Resuming with another seed is refused, and leaves the previous batch's files as they were.
    let a = cydex()
        .args(["batch", DRILL, "--runs", RUNS, "--seed", "9", "-q", "--resume", "--out"])
        .arg(&dir)
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(err.contains("cannot resume") && err.contains("seed"), "{err}");
    assert_eq!(read(&dir.join("batch.json")), expected);

    // So is resuming with other overrides, named as they were typed.
    let a = batch(&dir, &["--resume", "--set", "clock.duration=2d"]).code(2);
    let err = stderr(&a);
    assert!(
        err.contains("--set overrides differ: this batch has `--set clock.duration=2d`, the saved runs have none"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes_the_batch() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("int");
    let bin = assert_cmd::cargo::cargo_bin("cydex");
    let child = std::process::Command::new(&bin)
        .args(["batch", DRILL, "--runs", "150", "--seed", "7", "--jobs", "1", "-q", "--out"])
        .arg(&dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some runs are saved (a header and three runs), then interrupt.
    let saved_lines = || journals(&dir).iter().map(|p| read(p).lines().count()).sum::<usize>();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while saved_lines() < 4 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.code() == Some(0) {
        return; // The batch finished before the signal arrived; nothing to check.
    }
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
    assert!(!dir.join("batch.json").exists(), "an interrupted batch must not leave batch.json");
    let saved = saved_lines() - journals(&dir).len();
    assert!((3..150).contains(&saved), "{saved} runs saved");
    cydex()
        .args(["batch", DRILL, "--runs", "150", "--seed", "7", "-q", "--resume", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let f = BatchFile::from_json(&read(&dir.join("batch.json"))).unwrap();
    assert_eq!(f.meta.runs_included, 150);
    assert_eq!(f.metrics["alliance.score"].n, 150);
    let runs = saved_runs(&dir);
    assert_eq!(runs.len(), 150);
    assert!(runs.iter().enumerate().all(|(i, r)| r.run_index == i as u64));
}

#[test]
fn run_replays_a_batch_member_exactly() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("b");
    batch(&dir, &["--set", "nations.EST.team.analysts=5"]).success();
    let f = BatchFile::from_json(&read(&dir.join("batch.json"))).unwrap();
    assert_eq!(f.meta.overrides, vec!["nations.EST.team.analysts=5".to_string()]);
    for i in [0u64, 13] {
        let one = t.path().join(format!("run{i}"));
        cydex()
            .args(["run", DRILL, "--seed", "7", "--run-index", &i.to_string(), "-q"])
            .args(["--set", "nations.EST.team.analysts=5", "--out"])
            .arg(&one)
            .assert()
            .success();
        let results: RunResults = serde_json::from_str(&read(&one.join("results.json"))).unwrap();
        let o = observe(&results);
        let member = &saved_runs(&dir)[i as usize];
        assert_eq!(member.run_index, i);
        assert_eq!(o.numbers, member.numbers, "run {i}");
        assert_eq!(o.categories, member.categories, "run {i}");
    }
}

/// The layer of a batch scores each technique by the pooled share of its executions detected
/// over the runs (recomputed here from batch.json), and the batch names the command that
/// replays its worst run, which reproduces that run's alliance score.
#[test]
fn batch_writes_a_navigator_layer_and_the_command_that_replays_its_worst_run() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("b");
    let a = cydex()
        .args(["batch", DRILL, "--runs", "6", "--seed", "7", "--set", "nations.EST.team.analysts=5", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(out.contains("batch.json, report.md, report.html, coverage.layer.json}"), "{out}");
    assert!(out.contains(&format!("next: open {}", dir.join("report.html").display())), "{out}");
    let f = BatchFile::from_json(&read(&dir.join("batch.json"))).unwrap();
    assert_eq!(f.meta.tlp, "TLP:GREEN");
    assert_eq!(f.meta.attack_version, "18.1");
    let lsass = f.meta.techniques.iter().find(|t| t.id == "T1003.001").unwrap();
    assert_eq!(lsass.name, "OS Credential Dumping: LSASS Memory");
    assert_eq!(lsass.tactics[0].shortname, "credential-access");

    // The worst run by alliance score, and the exact command that replays it.
    let runs = saved_runs(&dir);
    assert_eq!(runs.len() as u64, f.meta.runs);
    let (worst, score) = runs
        .iter()
        .map(|r| (r.run_index, r.numbers["alliance.score"]))
        .fold(None, |best: Option<(u64, f64)>, x| if best.is_none_or(|b| x.1 < b.1) { Some(x) } else { best })
        .unwrap();
    let line = out.lines().find(|l| l.starts_with("next: replay")).unwrap_or_else(|| panic!("{out}"));
    let command = format!("cydex run {DRILL} --seed 7 --run-index {worst} --set nations.EST.team.analysts=5");
    assert!(line.ends_with(&command) && line.contains(&format!("({score:.1})")), "{line}");
    let replay = cydex().args(command.split(' ').skip(1)).assert().success();
    let replayed = String::from_utf8_lossy(&replay.get_output().stdout).into_owned();
    assert!(
        replayed.contains(&format!("Alliance score (host-weighted mean of nation scores): {score:.1}")),
        "{replayed}"
    );

    let layer: serde_json::Value = serde_json::from_str(&read(&dir.join("coverage.layer.json"))).unwrap();
    assert_eq!(layer["versions"]["layer"], "4.5");
    assert_eq!(layer["versions"]["attack"], "18");
    let entries = layer["techniques"].as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        let id = e["techniqueID"].as_str().unwrap();
        let sum = |m: &str| -> f64 { runs.iter().filter_map(|r| r.numbers.get(&format!("technique.{id}.{m}"))).sum() };
        let (executed, detected) = (sum("executed"), sum("detected"));
        let expected = (executed > 0.0).then(|| (100.0 * (detected / executed).min(1.0)).round() as u64);
        assert_eq!(e["score"].as_u64(), expected, "{id}");
        let comment = e["comment"].as_str().unwrap();
        assert!(comment.starts_with(&format!("mean per run: {:.1} executions", executed / 6.0)), "{comment}");
        assert!(comment.ends_with("of 6 runs"), "{comment}");
    }

    // Without --out, the batch says how to keep its results.
    let a = cydex().args(["batch", DRILL, "--runs", "2", "--seed", "7"]).assert().success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(out.contains("next: add --out DIR") && out.contains("next: replay"), "{out}");
    let a = cydex().args(["batch", DRILL, "--runs", "2", "--seed", "7", "-q"]).assert().success();
    assert!(a.get_output().stdout.is_empty(), "--quiet prints nothing");
}

/// A batch file of the first format (no marking, no ATT&CK labels) is refused by its version,
/// with what to do, rather than as damaged.
#[test]
fn a_batch_of_another_format_version_is_refused_with_a_reason() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("shards");
    batch(&dir, &["--shard", "0/1"]).success();
    let shard = dir.join("shard-0-of-1.json");
    let text = read(&shard).replacen("\"format_version\": 4", "\"format_version\": 1", 1);
    std::fs::write(&shard, text).unwrap();
    let a = cydex().arg("merge").arg(&shard).arg("--out").arg(t.path().join("m")).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("batch format version 1 is not supported") && err.contains("re-run"), "{err}");
    let err = BatchFile::from_json("{\"format\": \"cydex-results\"}").unwrap_err().to_string();
    assert!(err.contains("not a cydex batch file"), "{err}");
}

#[test]
fn compare_reports_paired_differences_with_confidence_intervals() {
    let t = tempfile::tempdir().unwrap();
    let a = cydex()
        .args(["compare", DRILL, "--runs", RUNS, "--seed", "7"])
        .args(["--variant-set", "nations.EST.team.analysts=12", "--out"])
        .arg(t.path())
        .assert()
        .success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(out.contains("95% CI"), "{out}");
    assert!(out.contains("What differs: the base scenario with nations.EST.team.analysts=12"), "{out}");
    assert!(out.contains("wrote ") && t.path().join("report.md").exists() && t.path().join("report.html").exists());
    let json: serde_json::Value = serde_json::from_str(&read(&t.path().join("compare.json"))).unwrap();
    assert_eq!(json["format"], "cydex-compare");
    assert_eq!(json["variant"]["overrides"][0], "nations.EST.team.analysts=12");
    assert_eq!((&json["base"]["tlp"], &json["variant"]["tlp"]), (&"TLP:GREEN".into(), &"TLP:GREEN".into()));
    assert!(json["differences"]["nation.EST.hosts_compromised"]["ci95"].is_array());
    let first = json["headlines"][0].as_str().unwrap_or_default();
    assert!(first.starts_with("Alliance score: "), "the alliance score leads the headlines: {first}");

    // Common random numbers: a scenario compared with itself differs nowhere, exactly.
    let a = cydex().args(["compare", DRILL, DRILL, "--runs", "5", "--seed", "7"]).assert().success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(out.contains("No change whose 95% CI excludes 0."), "{out}");
}

/// Both sides of a comparison stream through a spill in `--out`: the files do not depend on
/// `--jobs`, and the spill is gone when it ends.
#[test]
fn a_comparison_is_the_same_whatever_the_jobs_and_leaves_no_spill() {
    let t = tempfile::tempdir().unwrap();
    let written: Vec<Vec<(String, String)>> = ["1", "2"]
        .iter()
        .map(|jobs| {
            let dir = t.path().join(format!("jobs{jobs}"));
            cydex()
                .args(["compare", DRILL, "--runs", "12", "--seed", "3", "--jobs", jobs, "-q"])
                .args(["--variant-set", "nations.EST.team.analysts=12", "--out"])
                .arg(&dir)
                .assert()
                .success();
            let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (e.file_name().to_string_lossy().into_owned(), read(&e.path()))
                })
                .collect();
            files.sort();
            files
        })
        .collect();
    let names: Vec<&str> = written[0].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["compare.json", "report.html", "report.md"], "nothing else, no spill left");
    assert!(written[0] == written[1], "the same bytes with --jobs 1 and --jobs 2");
}

#[test]
fn set_errors_are_located_and_helpful() {
    let a = cydex().args(["run", DRILL, "--set", "nations.EST.team.analystz=3"]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("--set nations.EST.team.analystz=3"), "{err}");
    assert!(err.contains("unknown key `analystz` in `nations.EST.team`"), "{err}");
    assert!(err.contains("did you mean `analysts`?"), "{err}");

    let a = cydex().args(["batch", DRILL, "--runs", "2", "--set", "nations.ESTT.team.analysts=3"]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("no element with id `ESTT` in `nations`") && err.contains("did you mean `EST`?"), "{err}");

    // `.inf` used to be read as nothing: an optional value was unset without a word.
    let a = cydex()
        .args(["run", "scenarios/supply-chain.yaml", "--set", "campaigns.CAMP-SC-1.entry.fraction=.inf"])
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(err.contains("`.inf` is not a finite number"), "{err}");

    let a = cydex().args(["run", DRILL, "--set", "clock.duration=banana"]).assert().code(2);
    assert!(stderr(&a).contains("duration"), "{}", stderr(&a));

    let a =
        cydex().args(["run", DRILL, "--set", "campaigns.CAMP-RW-1.stages.encrypt.probability=1.5"]).assert().code(2);
    assert!(stderr(&a).contains("after --set, campaigns[0].stages["), "{}", stderr(&a));

    let a = cydex().args(["run", DRILL, "--set", "clock.duration"]).assert().code(2);
    assert!(stderr(&a).contains("PATH=VALUE"), "{}", stderr(&a));

    cydex()
        .args(["run", DRILL, "-q", "--set", "campaigns.CAMP-RW-1.stages.encrypt.probability=0.3"])
        .args(["--set", "clock.duration=2d"])
        .assert()
        .success();
}

/// Two batches into one `--out`: the second is refused with exit 2, naming the holder, and the
/// first one's journals are left alone.
#[test]
fn a_second_batch_into_a_busy_directory_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("busy");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_cydex"))
        .args(["batch", DRILL, "--runs", "100000", "--jobs", "1", "-q", "--out"])
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = dir.join("runs/.batch.lock");
    let started = std::time::Instant::now();
    while read_or_empty(&lock).is_empty() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = batch(&dir, &[]).code(2);
    let _ = first.kill();
    let _ = first.wait();
    let err = stderr(&second);
    assert!(err.contains("another cydex batch (pid ") && err.contains(&first.id().to_string()), "{err}");
}

fn read_or_empty(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}
