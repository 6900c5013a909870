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

const MINIMAL: &str = include_str!("fixtures/valid/minimal.yaml");

/// The minimal scenario with `line` added to the `exercise` mapping.
fn with_exercise_line(line: &str) -> String {
    MINIMAL.replacen("  type: drill\n", &format!("  type: drill\n  {line}\n"), 1)
}

#[test]
fn impossible_startex_is_refused_at_load_located_with_a_hint() {
    for (startex, says, hint) in [
        ("2027-02-31T08:00:00Z", "February 2027 has 28 days", "days of February 2027 run from 01 to 28"),
        ("2026-12-31T23:59:60Z", "has second 60", "leap seconds are not used"),
    ] {
        let text = with_exercise_line(&format!("startex: \"{startex}\""));
        let rejected = load_bytes("s.yaml", text.as_bytes()).unwrap_err();
        assert_eq!(rejected.diagnostics.len(), 1, "{:#?}", rejected.diagnostics);
        let d = &rejected.diagnostics[0];
        assert_eq!((d.code, d.path.as_str()), ("invalid-datetime", "exercise.startex"));
        assert!(d.message.contains(says), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains(hint), "{:?}", d.help);
        let at = d.location.unwrap();
        assert_eq!((at.line, at.column), (7, 12), "the value on the line after `type: drill`");
    }
}

#[test]
fn a_real_leap_day_is_accepted_and_reaches_the_model_parsed() {
    let text = with_exercise_line("startex: 2028-02-29T06:30:00Z");
    let loaded = load_bytes("s.yaml", text.as_bytes()).unwrap();
    let startex = loaded.scenario.exercise.startex.unwrap();
    assert_eq!(startex.to_string(), "2028-02-29T06:30:00Z");
    // 2028-03-01T00:00:00Z is 1,835,481,600 s after the epoch; the leap day starts a day earlier.
    assert_eq!(startex.unix(), 1_835_481_600 - 86_400 + 6 * 3600 + 30 * 60);
}

#[test]
fn findings_about_the_mel_mil_alias_point_at_what_was_written() {
    assert!(MINIMAL.contains("\nmsel:\n  - id: MSEL-001\n    at: 2h\n"));
    let text = MINIMAL.replace("\nmsel:\n  - id: MSEL-001\n    at: 2h\n", "\nmel_mil:\n  - id: MSEL-001\n");
    let rejected = load_bytes("s.yaml", text.as_bytes()).unwrap_err();
    assert_eq!(rejected.diagnostics.len(), 1, "{:#?}", rejected.diagnostics);
    let d = &rejected.diagnostics[0];
    assert_eq!((d.code, d.path.as_str()), ("inject-without-time", "mel_mil[0].id"), "{d:#?}");
    let line = text.lines().position(|l| l == "  - id: MSEL-001").unwrap() + 1;
    assert_eq!(d.location.map(|l| (l.line, l.column)), Some((line as u32, 9)));
    // Both spellings at once: the second is refused where it is written, the first still read.
    let text = format!("{MINIMAL}mel_mil: []\n");
    let rejected = load_bytes("s.yaml", text.as_bytes()).unwrap_err();
    assert_eq!(rejected.diagnostics.len(), 1, "{:#?}", rejected.diagnostics);
    let d = &rejected.diagnostics[0];
    assert_eq!((d.code, d.path.as_str()), ("duplicate-key", "mel_mil"), "{d:#?}");
    let msel = MINIMAL.lines().position(|l| l == "msel:").unwrap() + 1;
    assert_eq!(d.message, format!("`mel_mil` is another name for `msel`, which is already given on line {msel}"));
    assert_eq!(d.location.map(|l| (l.line, l.column)), Some((MINIMAL.lines().count() as u32 + 1, 1)));
}
