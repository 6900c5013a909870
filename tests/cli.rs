//! CLI tests: run the real `cydex` binary as a user would and check exit codes and output.

use assert_cmd::Command;

fn cydex() -> Command {
    let mut c = Command::cargo_bin("cydex").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn stdout(c: &mut Command) -> String {
    String::from_utf8(c.output().unwrap().stdout).unwrap()
}

#[test]
fn validate_without_arguments_checks_the_embedded_default() {
    let out = cydex().arg("validate").assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("<embedded default: scenarios/ransomware-drill.yaml>: valid"), "{out}");
    for key in ["nations", "segments", "hosts", "services", "teams", "campaigns", "injects", "objectives"] {
        assert!(out.contains(key), "summary lacks {key}: {out}");
    }
}

#[test]
fn the_summary_names_kinds_as_the_yaml_spells_them() {
    let out = stdout(cydex().args(["validate", "scenarios/supply-chain.yaml"]));
    assert!(out.contains("state_sponsored actor"), "{out}");
    assert!(out.contains("(nato_rrt)") && out.contains("(vcisc)"), "{out}");
    for rust in ["StateSponsored", "NatoRrt", "Vcisc"] {
        assert!(!out.contains(rust), "`{rust}` is a Rust name: {out}");
    }
}

#[test]
fn validate_reports_all_problems_located_and_exits_2() {
    let assert = cydex().args(["validate", "tests/fixtures/invalid/five-mistakes.yaml"]).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for (line, col) in [(20, 7), (34, 17), (35, 20), (42, 19), (56, 22)] {
        let place = format!("tests/fixtures/invalid/five-mistakes.yaml:{line}:{col}");
        assert!(err.contains(&place), "missing {place} in:\n{err}");
    }
    assert!(err.contains("did you mean `analysts`?"), "{err}");
    assert!(err.contains("did you mean `EST-GOV-WS`?"), "{err}");
    assert!(err.contains("invalid: 5 error(s)"), "{err}");
}

#[test]
fn validate_several_files_fails_if_any_is_invalid() {
    cydex()
        .args(["validate", "scenarios/ransomware-drill.yaml", "tests/fixtures/invalid/unknown-key.yaml"])
        .assert()
        .code(2);
    cydex()
        .args(["validate", "-q", "scenarios/ransomware-drill.yaml", "scenarios/supply-chain.yaml"])
        .assert()
        .success();
}

#[test]
fn warnings_fail_only_when_denied() {
    for name in ["warning-no-sensors", "warning-target-exceeds-window", "warning-never-observed"] {
        let f = format!("tests/fixtures/invalid/{name}.yaml");
        cydex().args(["validate", &f]).assert().success();
        cydex().args(["validate", "--deny-warnings", &f]).assert().code(2);
    }
}

/// `cydex validate --format json` on `files`: the exit code and the parsed report.
fn validate_json(files: &[&str]) -> (i32, serde_json::Value) {
    let out = cydex().args(["validate", "--format", "json"]).args(files).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), v)
}

#[test]
fn validate_json_of_one_file_has_the_documented_shape_with_real_spans() {
    let (code, v) = validate_json(&["tests/fixtures/invalid/dangling-reference.yaml"]);
    assert_eq!(code, 2);
    assert_eq!((v["format"].as_str(), v["version"].as_u64()), (Some("cydex-validate"), Some(1)));
    assert_eq!((v["ok"].as_bool(), v["errors"].as_u64(), v["warnings"].as_u64()), (Some(false), Some(1), Some(0)));
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "one file is still a list of files");
    let f = &files[0];
    assert_eq!(f["file"], "tests/fixtures/invalid/dangling-reference.yaml");
    assert_eq!((f["ok"].as_bool(), f["errors"].as_u64(), f["warnings"].as_u64()), (Some(false), Some(1), Some(0)));
    assert!(f["sha256"].is_null(), "an invalid file has no sha256: {f}");
    let d = &f["diagnostics"][0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["code", "end", "hint", "message", "path", "severity", "start"]);
    assert_eq!((d["severity"].as_str(), d["code"].as_str()), (Some("error"), Some("dangling-reference")));
    assert_eq!(d["message"], "unknown host group `EST-GOV-W5`");
    assert_eq!(d["hint"], "did you mean `EST-GOV-WS`? Closest host group ids: `EST-GOV-WS`");
    assert_eq!(d["path"], "nations[0].services[0].runs_on[0]");
    // Line 42 is `        runs_on: [EST-GOV-W5]`: the id runs from column 19 to just before 29.
    assert_eq!(d["start"], serde_json::json!({ "line": 42, "column": 19 }));
    assert_eq!(d["end"], serde_json::json!({ "line": 42, "column": 29 }));
}

#[test]
fn validate_json_of_two_files_has_the_same_shape_and_totals() {
    let (code, v) =
        validate_json(&["tests/fixtures/invalid/five-mistakes.yaml", "tests/fixtures/invalid/warning-no-sensors.yaml"]);
    assert_eq!(code, 2);
    assert_eq!((v["ok"].as_bool(), v["errors"].as_u64(), v["warnings"].as_u64()), (Some(false), Some(5), Some(1)));
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!((files[0]["ok"].as_bool(), files[0]["errors"].as_u64()), (Some(false), Some(5)));
    assert_eq!((files[1]["ok"].as_bool(), files[1]["warnings"].as_u64()), (Some(true), Some(1)));
    assert_eq!(files[1]["sha256"].as_str().map(str::len), Some(64));
    assert!(files[0]["run_cost"].is_null(), "an invalid file has no estimate");
    assert_eq!(files[1]["run_cost"]["within_default_budgets"], true);
    assert!(
        files[1]["run_cost"]["work"].as_u64().unwrap() > 0
            && files[1]["run_cost"]["memory_bytes"].as_u64().unwrap() > 0
    );
    assert_eq!(files[1]["diagnostics"][0]["severity"], "warning");
    // Every diagnostic of these files is located, and no end comes before its start.
    for d in files.iter().flat_map(|f| f["diagnostics"].as_array().unwrap()) {
        let (s, e) = (&d["start"], &d["end"]);
        let at = |p: &serde_json::Value| (p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap());
        assert!(at(s) < at(e), "{d}");
    }
    // All valid: ok, and the same shape again.
    let (code, v) = validate_json(&["scenarios/ransomware-drill.yaml", "scenarios/supply-chain.yaml"]);
    assert_eq!((code, v["ok"].as_bool(), v["errors"].as_u64()), (0, Some(true), Some(0)));
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    // With --deny-warnings, a file with only warnings is not ok.
    let out = cydex()
        .args(["validate", "--format", "json", "--deny-warnings", "tests/fixtures/invalid/warning-no-sensors.yaml"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (out.status.code(), v["ok"].as_bool(), v["files"][0]["ok"].as_bool()),
        (Some(2), Some(false), Some(false))
    );
}

#[test]
fn a_diagnostic_about_a_block_mapping_ends_at_its_last_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ratings.yaml");
    let minimal = std::fs::read_to_string("tests/fixtures/valid/minimal.yaml").unwrap();
    let text =
        format!("{minimal}scoring:\n  ratings:\n    some_challenges: 2\n    major_challenges: 1.5   # oops\n\n# end\n");
    std::fs::write(&path, &text).unwrap();
    let (code, v) = validate_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 2);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["path"], "scoring.ratings", "{d}");
    let first = minimal.lines().count() as u64 + 3;
    assert_eq!(d["start"], serde_json::json!({ "line": first, "column": 5 }));
    assert_eq!(d["end"], serde_json::json!({ "line": first + 1, "column": 26 }), "not the comment, not the next lines");
}

#[test]
fn a_file_level_problem_has_no_position() {
    let (code, v) = validate_json(&["does-not-exist.yaml"]);
    assert_eq!(code, 2);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["path"].as_str()), (Some("unreadable"), Some("")));
    assert!(d["start"].is_null() && d["end"].is_null(), "{d}");
}

#[test]
fn unreadable_inputs_exit_2_without_panicking() {
    for f in [
        "does-not-exist.yaml",
        "tests",
        "tests/fixtures/invalid/binary-garbage.yaml",
        "tests/fixtures/invalid/empty.yaml",
    ] {
        let a = cydex().args(["validate", f]).assert().code(2);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(err.starts_with("error["), "{f}: {err}");
        assert!(!err.contains("panicked"), "{f}: {err}");
    }
}

#[test]
fn schema_is_json_schema_of_the_format() {
    let out = stdout(cydex().arg("schema"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["$schema"].as_str().unwrap().contains("json-schema.org"));
    let props = v["properties"].as_object().unwrap();
    for key in [
        "cydex",
        "exercise",
        "clock",
        "objectives",
        "nations",
        "links",
        "assistance",
        "sharing",
        "campaigns",
        "msel",
        "scoring",
    ] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
}

#[test]
fn init_writes_a_starter_that_validates_and_never_clobbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drill.yaml");
    cydex().args(["init"]).arg(&path).assert().success();
    cydex().args(["validate", "--deny-warnings"]).arg(&path).assert().success();
    let before = std::fs::read(&path).unwrap();
    cydex().args(["init"]).arg(&path).assert().code(2);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    cydex().args(["init", "--force"]).arg(&path).assert().success();
}

#[test]
fn output_errors_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let a = cydex().args(["schema", "--output"]).arg(dir.path().join("no/such/dir/schema.json")).assert().code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("cannot write"));
    if std::path::Path::new("/dev/full").exists() {
        cydex().args(["init", "--force", "/dev/full"]).assert().code(2);
    }
}

#[test]
fn usage_errors_exit_2() {
    cydex().arg("frobnicate").assert().code(2);
    cydex().args(["validate", "--no-such-flag"]).assert().code(2);
    cydex().arg("--help").assert().success();
    cydex().arg("--version").assert().success();
}

#[test]
fn bare_run_tells_the_story_of_the_default_drill() {
    let out = stdout(cydex().arg("run"));
    for part in [
        "TLP:GREEN",
        "BALTIC-RW-DRILL-27",
        "20260105 / 0",
        "Campaigns",
        "Nations",
        "Assistance",
        "NATO-RRT",
        "Data lost",
    ] {
        assert!(out.contains(part), "summary lacks {part}:\n{out}");
    }
}

/// A bare run writes nothing, so it names no file, and says how to get the reports; with --out it
/// lists what it wrote and where to look; --quiet prints nothing.
#[test]
fn run_says_what_it_wrote_and_what_to_do_next() {
    let out = stdout(cydex().arg("run"));
    assert!(!out.contains("report.md") && !out.contains("wrote"), "a bare run wrote no report:\n{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("next: add --out DIR to write the after-action report"), "{last}");
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let out = stdout(cydex().args(["run", "--out"]).arg(&run));
    let wrote = format!(
        "wrote {}/{{results.json, report.md, report.html, coverage.layer.json, events.jsonl, events.csv}}",
        run.display()
    );
    assert!(out.contains(&wrote), "{out}");
    assert!(out.contains(&format!("next: open {}", run.join("report.html").display())), "{out}");
    for f in ["results.json", "report.md", "report.html", "coverage.layer.json", "events.jsonl", "events.csv"] {
        assert!(run.join(f).is_file(), "{f} not written");
    }
    assert_eq!(stdout(cydex().args(["run", "-q"])), "");
}

/// `run --out` writes an ATT&CK Navigator layer (format 4.5) whose scores are the share of each
/// technique's executions detected, and `report --format navigator` reproduces it byte for byte.
#[test]
fn run_writes_a_navigator_layer_that_report_reproduces() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    cydex().args(["run", "-q", "--seed", "3", "--out"]).arg(&out).assert().success();
    let layer = std::fs::read(out.join("coverage.layer.json")).unwrap();
    let again = cydex().args(["report", "--format", "navigator"]).arg(out.join("results.json")).output().unwrap();
    assert!(again.status.success());
    assert_eq!(again.stdout, layer);
    let v: serde_json::Value = serde_json::from_slice(&layer).unwrap();
    assert_eq!(v["domain"], "enterprise-attack");
    assert_eq!(v["versions"]["layer"], "4.5");
    assert_eq!(v["versions"]["attack"], "18");
    assert!(v["name"].as_str().unwrap().contains("seed 3"));
    assert!(v["metadata"].as_array().unwrap().iter().any(|m| m["name"] == "seed" && m["value"] == "3"));
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let coverage = results["assessment"]["attack_coverage"].as_array().unwrap();
    let entries = v["techniques"].as_array().unwrap();
    assert!(entries.len() >= coverage.len() && !coverage.is_empty());
    for c in coverage {
        let id = c["technique"].as_str().unwrap();
        let (e, d) = (c["executed"].as_u64().unwrap(), c["detected"].as_u64().unwrap());
        let mine: Vec<&serde_json::Value> = entries.iter().filter(|x| x["techniqueID"] == id).collect();
        assert_eq!(mine.len(), c["tactics"].as_array().unwrap().len(), "{id}: one entry per tactic");
        for x in mine {
            let expected = (e > 0).then(|| (100.0 * (d.min(e) as f64 / e as f64)).round() as u64);
            assert_eq!(x["score"].as_u64(), expected, "{id}");
            assert!(x["tactic"].as_str().is_some_and(|t| !t.is_empty()), "{id}");
            if d <= e {
                let contained = c["contained"].as_u64().unwrap();
                assert!(x["comment"].as_str().unwrap().starts_with(&format!("detected {d} of {e} execution")), "{x}");
                assert!(x["comment"].as_str().unwrap().ends_with(&format!("; {contained} contained")), "{x}");
            }
        }
    }
}

#[test]
fn run_outputs_are_byte_identical_for_the_same_seed_and_differ_for_another() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    cydex().args(["run", "-q", "--seed", "7", "--out"]).arg(&a).assert().success();
    cydex().args(["run", "-q", "--seed", "7", "--out"]).arg(&b).assert().success();
    cydex().args(["run", "-q", "--seed", "8", "--out"]).arg(&c).assert().success();
    for f in ["results.json", "events.jsonl", "events.csv"] {
        let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        assert!(!x.is_empty(), "{f} is empty");
        assert_eq!(x, y, "{f} differs between two runs with the same seed");
    }
    assert_ne!(std::fs::read(a.join("events.jsonl")).unwrap(), std::fs::read(c.join("events.jsonl")).unwrap());
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(a.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["format"], "cydex-results");
    assert_eq!(results["meta"]["seed"], 7);
    assert_eq!(results["meta"]["run_index"], 0);
    assert_eq!(results["meta"]["scenario_sha256"].as_str().unwrap().len(), 64);
    assert!(results["meta"]["engine"].as_str().unwrap().starts_with("cydex "));
}

#[test]
fn run_refuses_an_out_that_is_a_file_and_an_invalid_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let a = cydex().args(["run", "--out"]).arg(&file).assert().code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("is not a directory"));
    cydex().args(["run", "tests/fixtures/invalid/unknown-key.yaml"]).assert().code(2);
}

#[test]
fn report_re_renders_exactly_what_the_run_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    cydex().args(["run", "-q", "--out"]).arg(&out).assert().success();
    for (format, file) in [("md", "report.md"), ("json", "results.json")] {
        let again = cydex().args(["report", "--format", format]).arg(out.join("results.json")).output().unwrap();
        assert!(again.status.success());
        assert_eq!(again.stdout, std::fs::read(out.join(file)).unwrap(), "{format} differs from {file}");
    }
    let written = dir.path().join("again.md");
    cydex()
        .args(["report", "--format", "md", "--output"])
        .arg(&written)
        .arg(out.join("results.json"))
        .assert()
        .success();
    assert_eq!(std::fs::read(written).unwrap(), std::fs::read(out.join("report.md")).unwrap());
}

#[test]
fn report_refuses_files_that_are_not_cydex_results() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"format\": \"something-else\"}").unwrap();
    let a = cydex().arg("report").arg(&bogus).assert().code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("not a cydex results file"));
    cydex().args(["report", "missing.json"]).assert().code(2);
}

#[test]
fn run_writes_a_self_contained_html_report_that_report_reproduces() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    cydex().args(["run", "-q", "--out"]).arg(&out).assert().success();
    let html = std::fs::read(out.join("report.html")).unwrap();
    assert!(String::from_utf8_lossy(&html).contains("<svg"));
    let again = cydex().args(["report", "--format", "html"]).arg(out.join("results.json")).output().unwrap();
    assert_eq!(again.stdout, html);
}

/// A failed write to stdout (here a full device) exits 2 with a message, for every command that
/// prints its result, and for `--help`.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_exits_2() {
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in [
        vec!["schema"],
        vec!["run"],
        vec!["report", "docs/examples/results.json"],
        vec!["validate", "scenarios/ransomware-drill.yaml", "--format", "json"],
        vec!["--help"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex")).args(&args).stdout(full()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        if args[0] != "--help" {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("cannot write to standard output"), "{args:?}: {err}");
        }
    }
}

/// Run counts above the documented maxima are refused before any work, with exit 2.
#[test]
fn run_counts_above_the_maxima_are_refused_at_once() {
    for args in [
        vec!["compare", "scenarios/ransomware-drill.yaml", "--runs", "18446744073709551615"],
        vec!["batch", "--runs", "18446744073709551615"],
        vec!["batch", "--runs", "100000001"],
        // Was a panic (exit 101) at `end`, allocating a result per doctrine run.
        vec!["play", "--counterfactual-runs", "18446744073709551615"],
        vec!["replay", "journal.jsonl", "--counterfactual-runs", "1000001"],
        vec!["serve", "--counterfactual-runs", "18446744073709551615"],
        // Was an abort: 103 GB asked for the seats' tokens.
        vec!["serve", "--evaluators", "4294967295"],
        vec!["serve", "--evaluators", "101"],
    ] {
        let started = std::time::Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not in"), "{args:?}");
        assert!(started.elapsed().as_secs() < 5, "{args:?} took {:?}", started.elapsed());
    }
    // A huge batch sliced into a tiny shard counts its runs without visiting them.
    let t = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex"))
        .args(["batch", "--runs", "100000000", "--shard", "0/1000000000", "-q", "--out"])
        .arg(t.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The temporary files cydex stages its outputs in (`.cydex-…`) that are still in `dir`.
fn staged_leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".cydex-"))
        .collect()
}

/// Links and FIFOs planted in an output directory are refused, naming the path, and never
/// followed or blocked on; a set that cannot be written whole leaves the previous set as it was.
#[cfg(unix)]
#[test]
fn planted_links_and_fifos_in_an_output_directory_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("out");
    let cydex = || std::process::Command::new(env!("CARGO_BIN_EXE_cydex"));
    let first = cydex().args(["run", "--seed", "1", "-q", "--out"]).arg(&dir).output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    let before = std::fs::read(dir.join("results.json")).unwrap();

    let victim = t.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::remove_file(dir.join("report.md")).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("report.md")).unwrap();
    let out = cydex().args(["run", "--seed", "2", "-q", "--out"]).arg(&dir).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("report.md") && err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "the link's target is untouched");
    assert_eq!(std::fs::read(dir.join("results.json")).unwrap(), before, "the previous set stays whole");

    std::fs::remove_file(dir.join("report.md")).unwrap();
    let made = std::process::Command::new("mkfifo").arg(dir.join("report.md")).status().unwrap();
    assert!(made.success(), "mkfifo");
    let started = std::time::Instant::now();
    let out = cydex().args(["run", "--seed", "2", "-q", "--out"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed().as_secs() < 10, "a FIFO must not block the run");
    assert_eq!(std::fs::read(dir.join("results.json")).unwrap(), before);
    let leftovers = staged_leftovers(&dir);
    assert!(leftovers.is_empty(), "staged files are removed: {leftovers:?}");
}

/// Files read back (`report`'s results, `merge`'s shards, `replay`'s journal) are read only as
/// regular files: a device or a FIFO planted in a shared folder is refused at once, never read
/// without end (`/dev/zero` filled 4 GB in 5 s) or waited on for a writer.
#[cfg(target_os = "linux")]
#[test]
fn files_read_back_are_regular_files_never_read_without_end_or_waited_on() {
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("results.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success(), "mkfifo");
    let merged = t.path().join("merged");
    for input in [std::path::Path::new("/dev/zero"), fifo.as_path()] {
        for command in [vec!["report"], vec!["merge", "--out", merged.to_str().unwrap()], vec!["replay"]] {
            let out = cydex().args(&command).arg(input).timeout(std::time::Duration::from_secs(30)).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command:?} {}: {err}", input.display());
            assert!(err.contains("not a regular file"), "{command:?} {}: {err}", input.display());
        }
    }
    assert!(!merged.exists(), "nothing merged");
}

/// An output directory that cannot be created is reported before any run, for `compare` too.
#[cfg(target_os = "linux")]
#[test]
fn an_unusable_out_is_refused_before_any_work() {
    let started = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex"))
        .args(["compare", "scenarios/ransomware-drill.yaml", "--runs", "100000", "--out", "/proc/cydex-cannot-exist"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot create"));
    assert!(started.elapsed().as_secs() < 5, "refused before running: {:?}", started.elapsed());
}

/// A full or closed stderr never turns a message into a panic (exit 101).
#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_does_not_panic() {
    let t = tempfile::tempdir().unwrap();
    let bad = t.path().join("bad.yaml");
    std::fs::write(&bad, "cydex: 1\nexercise: {id: X}\n").unwrap();
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in
        [vec!["run", bad.to_str().unwrap()], vec!["run", "--set", "nope=1"], vec!["validate", bad.to_str().unwrap()]]
    {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex"))
            .args(&args)
            .stderr(full())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(out.code(), Some(2), "{args:?}");
    }
}

/// Escape sequences and bidi overrides from a scenario (in a title, in a key, in the quoted
/// source) never reach the terminal, from `validate`, `run` or `batch`.
#[test]
fn scenario_text_cannot_drive_the_terminal() {
    let t = tempfile::tempdir().unwrap();
    let drill = std::fs::read_to_string("scenarios/ransomware-drill.yaml").unwrap();
    let title = drill.lines().find(|l| l.starts_with("  title: ")).unwrap();
    let evil = drill.replacen(title, "  title: \"Evil \\e]0;pwned\\a \\u202e txt\"", 1);
    let valid = t.path().join("evil.yaml");
    std::fs::write(&valid, &evil).unwrap();
    let invalid = t.path().join("evil-key.yaml");
    std::fs::write(&invalid, "cydex: 1\nexercise:\n  id: X\n  bad\x1b[31mkey\u{202e}: 1\n").unwrap();
    let runs = [
        vec!["validate", valid.to_str().unwrap()],
        vec!["validate", invalid.to_str().unwrap()],
        vec!["run", valid.to_str().unwrap()],
        vec!["batch", valid.to_str().unwrap(), "--runs", "2"],
    ];
    for args in runs {
        let out =
            std::process::Command::new(env!("CARGO_BIN_EXE_cydex")).args(&args).env("NO_COLOR", "1").output().unwrap();
        let all = [out.stdout, out.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(!text.contains('\x1b') && !text.contains('\u{202e}') && !text.contains('\x07'), "{args:?}: {text}");
    }
}

/// Durations near `u64::MAX` are refused at validation with the limit, instead of wrapping in the
/// engine (an outage that never starts while the log says it did).
#[test]
fn durations_beyond_the_limit_are_refused_with_it() {
    let t = tempfile::tempdir().unwrap();
    let drill = std::fs::read_to_string("scenarios/ransomware-drill.yaml").unwrap();
    let huge = drill.replacen("for: 3h }", "for: 18446744073709551615s }", 1);
    assert_ne!(huge, drill);
    let path = t.path().join("huge.yaml");
    std::fs::write(&path, huge).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex")).arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("error[invalid-duration]") && err.contains("is longer than the longest"), "{err}");
    assert!(err.contains("write at most `36525d` (100 years)"), "{err}");
}

/// A log long enough that its two event files are written side by side (over 50,000 events):
/// both whole, in id order, agreeing with each other and with the results, byte-identical across
/// runs; and a link planted at one of them refuses the set without leaving the other's staged file.
#[cfg(unix)]
#[test]
fn a_long_log_writes_both_event_files_whole_and_refuses_a_planted_link() {
    let t = tempfile::tempdir().unwrap();
    let run = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cydex"))
            .args(["run", "scenarios/bench/virus-on-network.yaml", "-q", "--set", "clock.duration=25d", "--out"])
            .arg(dir)
            .output()
            .unwrap()
    };
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    for dir in [&a, &b] {
        let out = run(dir);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for f in ["events.jsonl", "events.csv", "results.json"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f}");
    }
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(a.join("results.json")).unwrap()).unwrap();
    let n = results["summary"]["events"].as_u64().unwrap();
    assert!(n > 50_000, "{n} events: too few to write side by side");
    let jsonl = std::fs::read_to_string(a.join("events.jsonl")).unwrap();
    let csv = std::fs::read_to_string(a.join("events.csv")).unwrap();
    let rows: Vec<&str> = csv.strip_suffix("\r\n").unwrap().split("\r\n").skip(1).collect();
    assert_eq!((jsonl.lines().count() as u64, rows.len() as u64), (n, n));
    for (i, (line, row)) in jsonl.lines().zip(&rows).enumerate() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = (i + 1).to_string();
        assert_eq!(e["id"].to_string(), id);
        assert_eq!(row.split(',').next(), Some(id.as_str()));
        assert_eq!(row.split(',').nth(3), e["kind"].as_str(), "event {id}");
    }

    let victim = t.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::remove_file(a.join("events.csv")).unwrap();
    std::os::unix::fs::symlink(&victim, a.join("events.csv")).unwrap();
    let out = run(&a);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("events.csv") && err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(std::fs::read(a.join("events.jsonl")).unwrap(), std::fs::read(b.join("events.jsonl")).unwrap());
    let leftovers = staged_leftovers(&a);
    assert!(leftovers.is_empty(), "the other file's staged copy is removed: {leftovers:?}");
}
