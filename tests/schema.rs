//! The JSON Schema agrees with the loader and the validator: the committed `cydex.schema.json` is
//! what `cydex schema` prints, every bundled scenario points at it and satisfies it, and targeted
//! good and bad inputs get the same verdict from the schema (a real JSON Schema validator) as from
//! `cydex validate`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cydex::scenario::{load_bytes, schema, yaml};
use serde_json::{Value, json};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema::json_schema()).expect("the schema is a valid JSON Schema")
}

/// A scenario's text as JSON, read by the scenario loader's own YAML parser.
fn as_json(text: &str) -> Value {
    let tree = yaml::parse(text, &yaml::Limits::default()).unwrap();
    cydex::scenario::de::from_tree::<Value>(&tree).map_err(|p| p.problems).unwrap()
}

/// Every schema violation of `text`, as `path: message`.
fn violations(v: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance = as_json(text);
    v.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn the_committed_schema_is_what_cydex_schema_prints() {
    let out = Command::cargo_bin("cydex").unwrap().arg("schema").output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(repo("cydex.schema.json")).unwrap_or_default();
    assert!(
        committed == String::from_utf8(out.stdout).unwrap(),
        "cydex.schema.json at the repository root differs from what `cydex schema` prints. \
         Regenerate it with `cargo run -- schema -o cydex.schema.json` and commit it."
    );
}

/// The bundled scenarios: everything under `scenarios/`, and the starter `cydex init` writes.
fn bundled() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/bench"] {
        for entry in std::fs::read_dir(repo(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files.push(repo("src/scenario/starter.yaml"));
    files
}

#[test]
fn every_bundled_scenario_points_at_the_committed_schema() {
    let schema = repo("cydex.schema.json").canonicalize().unwrap();
    for file in bundled() {
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(target) = text.lines().find_map(|l| l.strip_prefix("# yaml-language-server: $schema=")) else {
            // The generated benchmark inputs need not name it; the scenarios planners read do.
            assert!(file.parent().unwrap().ends_with("bench"), "{} has no yaml-language-server line", file.display());
            continue;
        };
        if file.ends_with("src/scenario/starter.yaml") {
            // Written into the planner's own folder, next to the schema they generate there.
            assert_eq!(target, "./cydex.schema.json");
            continue;
        }
        let resolved = file.parent().unwrap().join(target);
        assert_eq!(
            resolved.canonicalize().ok().as_ref(),
            Some(&schema),
            "{} points at `{target}`, which is not the repository's cydex.schema.json",
            file.display()
        );
    }
}

#[test]
fn every_bundled_scenario_satisfies_the_schema() {
    let v = validator();
    let mut files = bundled();
    files.push(repo("tests/fixtures/valid/minimal.yaml"));
    files.push(repo("tests/fixtures/valid/players.yaml"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(load_bytes("s", text.as_bytes()).is_ok(), "{} must load", file.display());
        let errors = violations(&v, &text);
        assert!(errors.is_empty(), "{}:\n{}", file.display(), errors.join("\n"));
    }
}

const MINIMAL: &str = include_str!("fixtures/valid/minimal.yaml");

/// The minimal scenario with `from` replaced by `to` (which must be there exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(MINIMAL.matches(from).count(), 1, "`{from}` must occur once in minimal.yaml");
    MINIMAL.replacen(from, to, 1)
}

/// The minimal scenario with `more` appended at the top level.
fn append(more: &str) -> String {
    format!("{MINIMAL}{more}")
}

const PROVIDER: &str = "assistance:\n  - { id: RRT, kind: nato_rrt, deployment: 4h, on_task: 1d, size: 3, \
                        skills: { detect: 0.7, contain: 0.7, recover: 0.7 } }\n";

/// Inputs `cydex validate` accepts; the schema must accept them too.
fn accepted() -> Vec<(&'static str, String)> {
    vec![
        ("the minimal scenario", MINIMAL.to_string()),
        ("probability 0", edit("probability: 0.3", "probability: 0")),
        ("probability 1", edit("probability: 0.3", "probability: 1")),
        ("quorum 1", edit("runs_on: [EST-GOV-WS]", "runs_on: [EST-GOV-WS]\n        quorum: 1")),
        (
            "supply-chain entry without footholds",
            edit("host_groups: [EST-GOV-WS] }", "host_groups: [EST-GOV-WS], footholds: 0, fraction: 1 }"),
        ),
        ("a leap day", edit("  type: drill\n", "  type: drill\n  startex: 2028-02-29T23:59:59Z\n")),
        ("offset +14:00", edit("  - id: EST\n", "  - id: EST\n    utc_offset: \"+14:00\"\n")),
        ("offset -09:30", edit("  - id: EST\n", "  - id: EST\n    utc_offset: \"-09:30\"\n")),
        (
            "a user-assigned nation code",
            MINIMAL.replace("scope: EST", "scope: XEA").replace("- id: EST\n", "- id: XEA\n"),
        ),
        ("weeks and days", edit("duration: 1d", "duration: 1w1d")),
        ("ISO durations", edit("duration: 1d", "duration: P1DT2H").replace("tick: 5m", "tick: PT5M")),
        ("a duration with spaces around it", edit("cadence: 1h", "cadence: \" 1h \"")),
        (
            "zero delay",
            edit(
                "for: 1h }",
                "for: 1h }\n  - id: MSEL-002\n    trigger: { event: impact, campaign: CAMP-1, delay: 0s }\n    title: t",
            ),
        ),
        ("mel_mil for msel", edit("\nmsel:\n", "\nmel_mil:\n")),
        ("attack_version with a v", edit("  type: drill\n", "  type: drill\n  attack_version: v18.1\n")),
        ("attack_version unquoted", edit("  type: drill\n", "  type: drill\n  attack_version: 18.1\n")),
        ("a number as a title", edit("title: Fixture drill", "title: 2027")),
        (
            "an availability percentage",
            edit("metric: time_to_contain\n    target: 4h", "metric: service_availability\n    target: 95%"),
        ),
        (
            "a host count as text",
            edit("metric: time_to_contain\n    target: 4h", "metric: hosts_compromised\n    target: \"400\""),
        ),
        (
            "stopped before impact",
            edit(
                "metric: time_to_contain\n    target: 4h",
                "metric: stopped_before_impact\n    target: true\n    campaign: CAMP-1",
            ),
        ),
        ("a provider", append(PROVIDER)),
        ("weights partly zero", append("scoring: { weights: { availability: 0, attack_resistance: 0 } }\n")),
        ("equal rating thresholds", append("scoring: { ratings: { some_challenges: 1, major_challenges: 1 } }\n")),
        ("CSF tags", edit("scope: EST", "scope: EST\n    csf: [RS.MI, DE.AE-08]")),
        ("a random network", topology("{ kind: random, mean_degree: 3.5, filtering: 0.2, seed: 7 }")),
        ("a line", topology("{ kind: line }")),
        ("a star", topology("{ kind: star }")),
        ("a binary tree", topology("{ kind: tree, branching: 2 }")),
        ("a small world", topology("{ kind: small_world, neighbours: 4, rewiring: 0.1 }")),
        ("a doctrine", doctrine("{ queue: criticality, isolate_at: high, share_on_detection: false }")),
        ("an empty doctrine", doctrine("{}")),
        ("an action expectation", expects("{ id: E1, action: hunt, by: EST, within: 2h, campaign: CAMP-1, to: EST }")),
        ("a manual expectation", expects("{ id: E1, response: manual, by: CERT-EE, description: d, points: 2.5 }")),
        ("resistance after recovery", edit("    start: 1h\n", "    start: 1h\n    recovery: { resistance: 0.5 }\n")),
    ]
}

/// The minimal scenario whose team has the doctrine `d`.
fn doctrine(d: &str) -> String {
    edit("      analysts: 3\n", &format!("      analysts: 3\n      doctrine: {d}\n"))
}

/// The minimal scenario whose inject has the one expectation `e`.
fn expects(e: &str) -> String {
    append(&format!("    expects:\n      - {e}\n"))
}

/// The minimal scenario whose segment `EST-GOV` (50 hosts) has the generated network `t`.
fn topology(t: &str) -> String {
    edit("        kind: government\n", &format!("        kind: government\n        topology: {t}\n"))
}

/// Inputs `cydex validate` refuses for a rule a single value shows; the schema must refuse them.
fn refused() -> Vec<(&'static str, String)> {
    vec![
        ("probability 1.5", edit("probability: 0.3", "probability: 1.5")),
        ("probability below 0", edit("probability: 0.3", "probability: -0.1")),
        ("stealth 2", edit("cadence: 1h", "cadence: 1h\n        stealth: 2")),
        ("sensors over 1", edit("sensors: 0.8", "sensors: 1.01")),
        ("hardening below 0", edit("sensors: 0.8", "sensors: 0.8\n            hardening: -0.5")),
        ("a skill of 2", edit("detect: 0.6", "detect: 2")),
        ("filtering over 1", edit("filtering: 0.5", "filtering: 1.5")),
        ("sophistication over 1", edit("sophistication: 0.5", "sophistication: 1.1")),
        ("quorum 0", edit("runs_on: [EST-GOV-WS]", "runs_on: [EST-GOV-WS]\n        quorum: 0")),
        ("service weight 0", edit("runs_on: [EST-GOV-WS]", "runs_on: [EST-GOV-WS]\n        weight: 0")),
        ("empty runs_on", edit("runs_on: [EST-GOV-WS]", "runs_on: []")),
        ("entry fraction 0", edit("host_groups: [EST-GOV-WS] }", "host_groups: [EST-GOV-WS], fraction: 0 }")),
        ("entry fraction 1.5", edit("host_groups: [EST-GOV-WS] }", "host_groups: [EST-GOV-WS], fraction: 1.5 }")),
        ("no footholds", edit("host_groups: [EST-GOV-WS] }", "host_groups: [EST-GOV-WS], footholds: 0 }")),
        (
            "no footholds, fraction null",
            edit("host_groups: [EST-GOV-WS] }", "host_groups: [EST-GOV-WS], footholds: 0, fraction: null }"),
        ),
        ("fanout 0", edit("lateral: { reach: linked }", "lateral: { reach: linked, fanout: 0 }")),
        ("provider size 0", append(&PROVIDER.replace("size: 3", "size: 0"))),
        ("provider max_concurrent 0", append(&PROVIDER.replace("size: 3", "size: 3, max_concurrent: 0"))),
        ("a zero deployment", append(&PROVIDER.replace("deployment: 4h", "deployment: 0s"))),
        ("analysts -1", edit("analysts: 3", "analysts: -1")),
        ("a fractional count", edit("count: 50", "count: 2.5")),
        ("format version 2", edit("cydex: 1", "cydex: 2")),
        ("an empty duration", edit("tick: 5m", "tick: \"\"")),
        ("a zero tick", edit("tick: 5m", "tick: 0s")),
        ("a zero cadence", edit("cadence: 1h", "cadence: PT0S")),
        ("a duration in words", edit("tick: 5m", "tick: 5 minutes")),
        ("a fractional duration", edit("cadence: 1h", "cadence: 1.5h")),
        ("units out of order", edit("cadence: 1h", "cadence: 30m2h")),
        ("a unit twice", edit("cadence: 1h", "cadence: 1h1h")),
        ("ISO designators out of order", edit("cadence: 1h", "cadence: PT1M1H")),
        ("nothing after T", edit("cadence: 1h", "cadence: P1DT")),
        ("only PT", edit("cadence: 1h", "cadence: PT")),
        ("a bare number as a duration", edit("cadence: 1h", "cadence: 90")),
        ("31 February", edit("  type: drill\n", "  type: drill\n  startex: \"2027-02-31T08:00:00Z\"\n")),
        ("29 February 2100", edit("  type: drill\n", "  type: drill\n  startex: \"2100-02-29T08:00:00Z\"\n")),
        ("second 60", edit("  type: drill\n", "  type: drill\n  startex: \"2026-12-31T23:59:60Z\"\n")),
        ("STARTEX without Z", edit("  type: drill\n", "  type: drill\n  startex: \"2026-01-05T08:00:00\"\n")),
        ("offset +15:00", edit("  - id: EST\n", "  - id: EST\n    utc_offset: \"+15:00\"\n")),
        ("offset +14:30", edit("  - id: EST\n", "  - id: EST\n    utc_offset: \"+14:30\"\n")),
        ("offset +2", edit("  - id: EST\n", "  - id: EST\n    utc_offset: \"+2\"\n")),
        ("a two-letter nation", MINIMAL.replace("scope: EST", "scope: EE").replace("- id: EST\n", "- id: EE\n")),
        (
            "an unassigned nation code",
            MINIMAL.replace("scope: EST", "scope: ABC").replace("- id: EST\n", "- id: ABC\n"),
        ),
        (
            "an id with a space",
            edit("- id: EST-GOV\n", "- id: EST GOV\n").replace("[EST-GOV, EST-MIL]", "[EST GOV, EST-MIL]"),
        ),
        ("a malformed tactic", edit("tactic: TA0008", "tactic: TA8")),
        ("a malformed technique", edit("technique: T1486", "technique: T1486.1")),
        ("a malformed CSF tag", edit("scope: EST", "scope: EST\n    csf: [XX.MI]")),
        ("an unbundled ATT&CK version", edit("  type: drill\n", "  type: drill\n  attack_version: \"17.0\"\n")),
        ("both at and trigger", edit("    at: 2h\n", "    at: 2h\n    trigger: { event: impact, campaign: CAMP-1 }\n")),
        ("neither at nor trigger", edit("    at: 2h\n", "")),
        ("at null", edit("    at: 2h\n", "    at: null\n")),
        ("a campaign event without a campaign", edit("    at: 2h\n", "    trigger: { event: first_detection }\n")),
        (
            "inject_delivered without an inject",
            edit("    at: 2h\n", "    trigger: { event: inject_delivered, inject: null }\n"),
        ),
        ("an objective without a metric", edit("    metric: time_to_contain\n", "")),
        ("an objective without a target", edit("    target: 4h\n", "")),
        ("a time target in words", edit("target: 4h", "target: 4 hours")),
        ("a number as a time target", edit("target: 4h", "target: 4")),
        (
            "availability 1.5",
            edit("metric: time_to_contain\n    target: 4h", "metric: service_availability\n    target: 1.5"),
        ),
        (
            "availability 120%",
            edit("metric: time_to_contain\n    target: 4h", "metric: service_availability\n    target: 120%"),
        ),
        (
            "a negative host count",
            edit("metric: time_to_contain\n    target: 4h", "metric: hosts_compromised\n    target: -1"),
        ),
        ("a link of three segments", edit("between: [EST-GOV, EST-MIL]", "between: [EST-GOV, EST-MIL, EST-GOV]")),
        ("a link from a segment to itself", edit("between: [EST-GOV, EST-MIL]", "between: [EST-GOV, EST-GOV]")),
        ("sharing with one nation", append("sharing:\n  - { id: S, between: [EST], latency: 1h }\n")),
        (
            "all weights zero",
            append(
                "scoring: { weights: { availability: 0, attack_resistance: 0, incident_response: 0, reporting: 0 } }\n",
            ),
        ),
        ("a weight below zero", append("scoring: { weights: { reporting: -1 } }\n")),
        ("some_challenges below 1", append("scoring: { ratings: { some_challenges: 0.5 } }\n")),
        ("msel and mel_mil", append("mel_mil: []\n")),
        (
            "an unknown key in an effect's parameters",
            edit("effect: encrypt", "effect: { exfiltrate: { mb_per_host: 5, extra: 1 } }"),
        ),
        ("an unknown key", edit("sensors: 0.8", "sensors: 0.8\n            sensorz: 0.8")),
        (
            "no stages",
            edit(
                "    stages:\n      - id: lateral\n        tactic: TA0008\n        technique: T1021.002\n        probability: 0.3\n        cadence: 1h\n        lateral: { reach: linked }\n      - id: encrypt\n        tactic: TA0040\n        technique: T1486\n        probability: 0.5\n        cadence: 30m\n        effect: encrypt\n",
                "    stages: []\n",
            ),
        ),
        ("an effect name with parameters missing", edit("for: 1h }", "for: 1h }\n      - start_campaign")),
        ("a Rust enum name", edit("kind: criminal", "kind: StateSponsored")),
        ("a random network without a mean degree", topology("{ kind: random }")),
        ("a random network of mean degree 0", topology("{ kind: random, mean_degree: 0 }")),
        ("a tree without branching", topology("{ kind: tree }")),
        ("a tree of branching 0", topology("{ kind: tree, branching: 0 }")),
        ("a small world of odd degree", topology("{ kind: small_world, neighbours: 3 }")),
        ("a small world without neighbours", topology("{ kind: small_world, rewiring: 0.1 }")),
        ("rewiring over 1", topology("{ kind: small_world, neighbours: 4, rewiring: 1.5 }")),
        ("network filtering over 1", topology("{ kind: line, filtering: 2 }")),
        ("an unknown shape", topology("{ kind: mesh }")),
        ("an unknown queue rule", doctrine("{ queue: lifo }")),
        ("a doctrine flag as text", doctrine("{ share_on_detection: sometimes }")),
        ("an unknown doctrine key", doctrine("{ request_help: false }")),
        ("an unknown action", expects("{ id: E1, action: panic, by: EST, within: 2h }")),
        ("an EXCON action", expects("{ id: E1, action: fire_inject, by: EST, within: 2h }")),
        ("an action without a deadline", expects("{ id: E1, action: hunt, by: EST }")),
        ("a zero deadline", expects("{ id: E1, action: hunt, by: EST, within: 0s }")),
        ("action and response", expects("{ id: E1, action: hunt, response: manual, by: EST, within: 1h }")),
        ("neither action nor response", expects("{ id: E1, by: EST, within: 1h }")),
        ("zero points", expects("{ id: E1, response: manual, by: EST, description: d, points: 0 }")),
        ("a manual response without points", expects("{ id: E1, response: manual, by: EST, description: d }")),
        (
            "a manual response with a deadline",
            expects("{ id: E1, response: manual, by: EST, description: d, points: 1, within: 1h }"),
        ),
        ("an unknown response", expects("{ id: E1, response: automatic, by: EST, description: d, points: 1 }")),
        ("resistance over 1", edit("    start: 1h\n", "    start: 1h\n    recovery: { resistance: 1.5 }\n")),
    ]
}

#[test]
fn the_schema_and_the_validator_agree_on_targeted_inputs() {
    let v = validator();
    for (what, text) in accepted() {
        if let Err(r) = load_bytes("s", text.as_bytes()) {
            panic!("`{what}` must be valid: {:#?}", r.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
        }
        let errors = violations(&v, &text);
        assert!(errors.is_empty(), "the schema refuses `{what}`, which cydex accepts:\n{}", errors.join("\n"));
    }
    for (what, text) in refused() {
        assert!(load_bytes("s", text.as_bytes()).is_err(), "`{what}` must be refused by cydex validate");
        assert!(!violations(&v, &text).is_empty(), "the schema accepts `{what}`, which cydex validate refuses");
    }
}

/// `pattern` of `$defs.name` in the schema, checked by the JSON Schema validator.
fn def_validator(name: &str) -> jsonschema::Validator {
    let mut s = schema::json_schema();
    let defs = s["$defs"].take();
    jsonschema::validator_for(&json!({ "$defs": defs, "$ref": format!("#/$defs/{name}") })).unwrap()
}

#[test]
fn the_duration_pattern_accepts_exactly_what_the_parser_accepts() {
    let v = def_validator("Duration");
    let positive = def_validator("PositiveDuration");
    let mut texts: Vec<String> = [
        "",
        " ",
        "0s",
        "90s",
        "45m",
        "2h30m",
        "1d12h",
        "3d",
        "1w",
        "1w1d1h1m1s",
        "0m",
        "007s",
        " 5m",
        "5m\t",
        "5 m",
        "5m ",
        "1h1h",
        "30m2h",
        "1s1m",
        "2x",
        "5min",
        "5M",
        "1.5h",
        "90",
        "-5m",
        "+5m",
        "m",
        "h5",
        "PT90M",
        "P1DT2H",
        "PT1H30M15S",
        "P2W",
        "P1W1D",
        "P1WT1S",
        "PT0S",
        "P0D",
        "P",
        "PT",
        "P1DT",
        "PT1M1H",
        "P1D1W",
        "P1H",
        "P1M",
        "P1Y",
        "PT0.5H",
        "pt90m",
        "PT90m",
        "P1DT2H3M4S",
        "PT1H1H",
        "P-1D",
        "\u{a0}5m",
        "5m\u{a0}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every combination of up to two compact components, in and out of order.
    for a in ["1s", "2m", "3h", "4d", "5w", "0s"] {
        for b in ["1s", "2m", "3h", "4d", "5w", ""] {
            texts.push(format!("{a}{b}"));
        }
    }
    for t in texts {
        let parsed = cydex::scenario::duration::parse_duration(&t);
        assert_eq!(v.is_valid(&json!(t)), parsed.is_ok(), "`{t}`: parser says {parsed:?}");
        let nonzero = parsed.is_ok_and(|d| d.secs() > 0);
        assert_eq!(positive.is_valid(&json!(t)), nonzero, "`{t}` as a positive duration");
    }
}

#[test]
fn the_startex_and_offset_patterns_accept_exactly_what_the_parser_accepts() {
    use cydex::scenario::time::{Startex, UtcOffset};
    let v = def_validator("Startex");
    for year in [1900, 1996, 2000, 2023, 2024, 2027, 2028, 2100, 2400] {
        for month in 0..=13 {
            for day in 0..=32 {
                let t = format!("{year:04}-{month:02}-{day:02}T12:00:00Z");
                assert_eq!(v.is_valid(&json!(t)), Startex::parse(&t).is_ok(), "{t}");
            }
        }
    }
    for time in ["00:00:00", "23:59:59", "24:00:00", "23:60:00", "23:59:60", "7:00:00"] {
        let t = format!("2026-01-05T{time}Z");
        assert_eq!(v.is_valid(&json!(t)), Startex::parse(&t).is_ok(), "{t}");
    }
    for t in ["2026-01-05T08:00:00", "2026-01-05 08:00:00Z", "2026-01-05T08:00:00+00:00", "", "x"] {
        assert!(!v.is_valid(&json!(t)) && Startex::parse(t).is_err(), "{t}");
    }
    let v = def_validator("UtcOffset");
    for sign in ['+', '-'] {
        for h in 0..=16 {
            for m in [0, 15, 30, 45, 59, 60, 99] {
                let t = format!("{sign}{h:02}:{m:02}");
                assert_eq!(v.is_valid(&json!(t)), UtcOffset::parse(&t).is_ok(), "{t}");
            }
        }
    }
    for t in ["+2", "02:00", "+0200", "UTC+2", "", "+02:00 "] {
        assert!(!v.is_valid(&json!(t)) && UtcOffset::parse(t).is_err(), "{t}");
    }
}
