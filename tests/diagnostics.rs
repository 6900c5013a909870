//! Snapshot tests of every promised diagnostic: one fixture per problem under
//! `tests/fixtures/invalid/`, rendered exactly as `cydex validate` prints it (without colour).

use std::path::Path;

use cydex::scenario::{Severity, load_bytes};

fn render(path: &Path) -> (String, bool) {
    let bytes = std::fs::read(path).unwrap();
    let name = format!("tests/fixtures/invalid/{}", path.file_name().unwrap().to_string_lossy());
    match load_bytes(&name, &bytes) {
        Ok(loaded) => {
            let mut out: String = loaded.warnings.iter().map(|d| d.render(false) + "\n").collect();
            out.push_str("=> valid\n");
            (out, true)
        }
        Err(rejected) => {
            let mut out: String = rejected.diagnostics.iter().map(|d| d.render(false) + "\n").collect();
            out.push_str(&format!("=> invalid: {} error(s)\n", rejected.errors()));
            (out, false)
        }
    }
}

#[test]
fn every_invalid_fixture_renders_located_diagnostics() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let (out, valid) = render(path);
        let warning_only = path.file_name().unwrap().to_string_lossy().starts_with("warning-");
        assert_eq!(valid, warning_only, "{}: {out}", path.display());
        insta::assert_snapshot!(out);
    });
}

#[test]
fn five_mistakes_give_five_located_messages_at_once() {
    let path = Path::new("tests/fixtures/invalid/five-mistakes.yaml");
    let bytes = std::fs::read(path).unwrap();
    let rejected = load_bytes("five-mistakes.yaml", &bytes).unwrap_err();
    let codes: Vec<&str> = rejected.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unknown-key", "duplicate-id", "invalid-type", "dangling-reference", "out-of-range"]);
    for d in &rejected.diagnostics {
        assert_eq!(d.severity, Severity::Error);
        assert!(d.location.is_some(), "{d:?} has no location");
        assert!(d.help.is_some() || d.code == "invalid-type", "{d:?} has no hint");
    }
}

#[test]
fn warnings_do_not_invalidate() {
    let bytes = std::fs::read("tests/fixtures/invalid/warning-no-sensors.yaml").unwrap();
    let loaded = load_bytes("w.yaml", &bytes).unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].code, "no-sensors");
}
