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

#[test]
fn validate_json_is_machine_readable() {
    let out = stdout(cydex().args(["validate", "--format", "json", "tests/fixtures/invalid/dangling-reference.yaml"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["code"], "dangling-reference");
    assert_eq!(v["diagnostics"][0]["location"]["line"], 42);
    assert_eq!(v["diagnostics"][0]["path"], "nations[0].services[0].runs_on[0]");
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
