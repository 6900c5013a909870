//! The session protocol against the real binary: one response line per request with its `id`,
//! errors that leave the session going, refusals that are not errors, every message valid
//! against the committed `docs/protocol.schema.json`, `cydex replay` and `--resume` reproducing a
//! session's outputs byte for byte, replay's refusals located, and the Python example client
//! playing a whole session.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_cydex");
/// The files `--out` gets at `end` (and `cydex replay --out`).
const OUTPUTS: &[&str] =
    &["results.json", "report.md", "report.html", "coverage.layer.json", "events.jsonl", "events.csv"];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A fresh, empty scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("protocol").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cydex ARGS` with `input` on stdin (written from a thread: the session answers while it
/// reads) and returns its output.
fn run(args: &[&str], input: String) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// A session of `requests` (one per line): its response lines, parsed, and its output.
fn session(args: &[&str], requests: &[Value]) -> (Vec<Value>, Output) {
    let input: String = requests.iter().map(|r| format!("{r}\n")).collect();
    session_raw(args, input)
}

fn session_raw(args: &[&str], input: String) -> (Vec<Value>, Output) {
    let mut argv = vec!["play"];
    argv.extend_from_slice(args);
    let out = run(&argv, input);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let lines = text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    (lines, out)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo("docs/protocol.schema.json")).unwrap()).unwrap()
}

/// A validator of the committed schema's definition `name`.
fn validator(name: &str) -> jsonschema::Validator {
    let mut s = schema();
    let o = s.as_object_mut().unwrap();
    o.remove("anyOf");
    o.insert("$ref".into(), json!(format!("#/$defs/{name}")));
    jsonschema::validator_for(&s).expect("the protocol schema is a valid JSON Schema")
}

fn assert_valid(v: &jsonschema::Validator, what: &str, instance: &Value) {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not satisfy the schema:\n{}\n{instance}", errors.join("\n"));
}

#[test]
fn the_committed_protocol_schema_is_what_cydex_prints() {
    let out = Command::new(BIN).args(["schema", "--protocol"]).output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(repo("docs/protocol.schema.json")).unwrap_or_default();
    assert!(
        committed == String::from_utf8(out.stdout).unwrap(),
        "docs/protocol.schema.json differs from what the protocol's types describe. Regenerate it with \
         `cargo run -- schema --protocol -o docs/protocol.schema.json`, check docs/protocol.md still says \
         the same, and commit both."
    );
    let s = schema();
    assert_eq!(s["version"], json!(1));
    for def in ["Request", "Response", "Action", "View", "JournalHeader", "JournalLine"] {
        assert!(s["$defs"][def].is_object(), "`$defs.{def}` is missing");
    }
}

#[test]
fn every_request_gets_exactly_one_response_in_order_with_its_id() {
    let dir = scratch("one-each");
    let journal = dir.join("journal.jsonl");
    let requests = [
        json!({"op": "hello", "id": 1}),
        json!({"op": "observe", "seat": "EST", "id": "two"}),
        json!({"op": "act", "seat": "EST", "action": {"type": "prioritise", "rule": "criticality"}, "id": 3.5}),
        json!({"op": "advance", "ticks": 12, "id": {"n": 4}}),
        json!({"op": "status", "id": [5]}),
        json!({"op": "observe", "seat": "EXCON"}),
        json!({"op": "end", "at": "now", "id": null}),
    ];
    let (lines, out) = session(&["--seat", "EST", "--journal", journal.to_str().unwrap()], &requests);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), requests.len(), "{lines:#?}");
    let response = validator("Response");
    let kinds = ["Hello", "ObserveResult", "ActResult", "AdvanceResult", "StatusResult", "ObserveResult", "EndResult"];
    for ((request, line), kind) in requests.iter().zip(&lines).zip(kinds) {
        assert_eq!(line["ok"], json!(true), "{request} → {line}");
        match &request["id"] {
            Value::Null => assert!(line.get("id").is_none(), "{line}"),
            id => assert_eq!(&line["id"], id),
        }
        assert_valid(&response, &format!("the response to {request}"), line);
        assert_valid(&validator(kind), &format!("the result of {request}"), &line["result"]);
    }
    let hello = &lines[0]["result"];
    assert_eq!(hello["protocol"], json!(1));
    assert_eq!(hello["seats"][0], json!({"seat": "EXCON", "played": true}));
    assert_eq!(hello["seats"][1]["played"], json!(true));
    assert_eq!(lines[2]["result"]["outcome"]["applied"], json!(true), "{}", lines[2]);
    assert_eq!(lines[3]["result"], json!({"ran": 12, "tick": 12, "ended": false}));
    assert_eq!(lines[4]["result"]["decisions"], json!(1));
    assert!(lines[5]["result"]["view"]["truth"].is_object(), "EXCON sees the ground truth");
    assert!(lines[1]["result"]["view"].get("truth").is_none(), "a team does not");
    assert_eq!(lines[6]["result"]["tick"], json!(12), "`end` at `now` ends at this tick");
    // The journal satisfies the schema too.
    let text = std::fs::read_to_string(&journal).unwrap();
    let mut rows = text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap());
    assert_valid(&validator("JournalHeader"), "the journal header", &rows.next().unwrap());
    let line = validator("JournalLine");
    for row in rows {
        assert_valid(&line, "a journal line", &row);
    }
}

#[test]
fn errors_are_responses_and_the_session_goes_on() {
    let long = format!("{{\"op\":\"status\",\"id\":5,\"pad\":\"{}\"}}", "x".repeat(300 * 1024));
    let input = [
        "this is not json".to_string(),
        json!({"op": "fly", "id": 2}).to_string(),
        json!({"op": "status", "extra": 1, "id": 3}).to_string(),
        json!({"op": "observe", "seat": "ATLANTIS", "id": 4}).to_string(),
        long,
        json!({"op": "status", "id": 6}).to_string(),
        json!({"op": "advance", "ticks": 100000, "id": 7}).to_string(),
        json!({"op": "advance", "id": 8}).to_string(),
        json!({"op": "status", "id": 9}).to_string(),
        json!({"op": "end", "id": 10}).to_string(),
    ]
    .map(|l| l + "\n")
    .concat();
    let (lines, out) = session_raw(&["--seat", "EST"], input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), 10, "{lines:#?}");
    let response = validator("Response");
    for line in &lines {
        assert_valid(&response, "a response", line);
    }
    let code = |i: usize| lines[i]["error"]["code"].as_str().unwrap_or("").to_string();
    assert_eq!((code(0), lines[0].get("id")), ("bad_json".into(), None));
    assert_eq!((code(1), &lines[1]["id"]), ("bad_request".into(), &json!(2)));
    assert!(lines[1]["error"]["message"].as_str().unwrap().contains("fly"), "{}", lines[1]);
    assert_eq!(code(2), "bad_request");
    assert!(lines[2]["error"]["message"].as_str().unwrap().contains("extra"), "{}", lines[2]);
    assert_eq!((code(3), &lines[3]["id"]), ("unknown_seat".into(), &json!(4)));
    assert!(lines[3]["error"]["message"].as_str().unwrap().contains("EST"), "the seats are named: {}", lines[3]);
    assert_eq!(code(4), "too_long");
    for line in &lines[..5] {
        assert_eq!(line["ok"], json!(false), "{line}");
        assert!(!line["error"]["hint"].as_str().unwrap().is_empty(), "{line}");
    }
    assert_eq!((&lines[5]["ok"], &lines[5]["id"]), (&json!(true), &json!(6)), "the session survived");
    assert_eq!(lines[6]["result"]["ended"], json!(true));
    assert_eq!((code(7), &lines[7]["id"]), ("ended".into(), &json!(8)));
    assert_eq!(lines[8]["result"]["ended"], json!(true), "{}", lines[8]);
    assert_eq!(lines[9]["ok"], json!(true), "{}", lines[9]);
}

#[test]
fn a_refused_action_is_not_an_error() {
    let requests = [
        json!({"op": "act", "seat": "EST", "action": {"type": "isolate_host", "host": "EST-GOV-WS-9999"}, "id": 1}),
        json!({"op": "act", "seat": "EST", "action": {"type": "end_exercise"}, "id": 2}),
        json!({"op": "act", "seat": "EST", "action": {"type": "request_assistance", "provider": "NATO-RRT"}, "id": 3}),
        json!({"op": "status", "id": 4}),
    ];
    let (lines, out) = session(&["--seat", "EST"], &requests);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), 4);
    for line in &lines[..2] {
        assert_eq!(line["ok"], json!(true), "{line}");
        assert_eq!(line["result"]["outcome"]["applied"], json!(false), "{line}");
        assert!(!line["result"]["outcome"]["note"].as_str().unwrap_or("").is_empty(), "{line}");
    }
    assert!(lines[1]["result"]["outcome"]["note"].as_str().unwrap().contains("EXCON"), "{}", lines[1]);
    assert_eq!(lines[2]["result"]["outcome"]["applied"], json!(true), "{}", lines[2]);
    assert_eq!(lines[3]["result"]["decisions"], json!(3), "refusals are decisions too");
}

/// A session with some decisions: the first half and the second half (ending with `end`).
fn scripted() -> (Vec<Value>, Vec<Value>) {
    let act = |seat: &str, action: Value| json!({"op": "act", "seat": seat, "action": action});
    let first = vec![
        json!({"op": "hello"}),
        json!({"op": "advance", "until": "EST"}),
        act("EST", json!({"type": "prioritise", "rule": "criticality"})),
        act("EST", json!({"type": "isolate_host", "host": "EST-GOV-SRV-0001"})),
        json!({"op": "advance", "ticks": 60}),
        act("EXCON", json!({"type": "add_inject", "to": "EST", "text": "Status report due"})),
        act("EST", json!({"type": "situation_report", "compromised": 3, "campaigns": []})),
        json!({"op": "advance", "ticks": 40}),
    ];
    let second = vec![
        act("EST", json!({"type": "request_assistance", "provider": "NATO-RRT"})),
        act("EST", json!({"type": "isolate_host", "host": "nope"})),
        json!({"op": "advance", "ticks": 100}),
        act("EXCON", json!({"type": "set_capacity", "nation": "EST", "analysts": 5})),
        json!({"op": "end"}),
    ];
    (first, second)
}

fn assert_same_outputs(a: &Path, b: &Path) {
    for f in OUTPUTS {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{}: {e}", a.join(f).display()));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|e| panic!("{}: {e}", b.join(f).display()));
        assert!(x == y, "{f} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn replay_and_resume_reproduce_a_session_byte_for_byte() {
    let dir = scratch("replay");
    let (first, second) = scripted();
    let whole: Vec<Value> = first.iter().chain(&second).cloned().collect();
    let played = dir.join("played");
    let (lines, out) = session(&["--seat", "EST", "--out", played.to_str().unwrap()], &whole);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines.len(), whole.len());
    assert!(lines.iter().all(|l| l["ok"] == json!(true)), "{lines:#?}");
    assert_eq!(lines.last().unwrap()["result"]["decisions"], json!(7));

    let replayed = dir.join("replayed");
    let journal = played.join("journal.jsonl");
    let out = run(&["replay", journal.to_str().unwrap(), "--out", replayed.to_str().unwrap(), "-q"], String::new());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same_outputs(&played, &replayed);

    // Interrupted after the first half (input closed), then resumed with the second.
    let part = dir.join("part.jsonl");
    let (_, out) = session(&["--seat", "EST", "--journal", part.to_str().unwrap()], &first);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    let resumed = dir.join("resumed");
    let (lines, out) = session(&["--resume", part.to_str().unwrap(), "--out", resumed.to_str().unwrap()], &second);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(lines.iter().all(|l| l["ok"] == json!(true)), "{lines:#?}");
    assert_same_outputs(&played, &resumed);
    assert_eq!(std::fs::read(&part).unwrap(), std::fs::read(&journal).unwrap(), "the resumed journal is the same");
}

#[test]
fn replay_refuses_a_foreign_or_damaged_journal_saying_where() {
    let dir = scratch("refusals");
    let journal = dir.join("journal.jsonl");
    let (first, _) = scripted();
    let (_, out) = session(&["--seat", "EST", "--journal", journal.to_str().unwrap()], &first);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&journal).unwrap();

    let mut header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let theirs = "0".repeat(64);
    header["scenario_sha256"] = json!(theirs);
    let foreign = dir.join("foreign.jsonl");
    let rest: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(&foreign, format!("{header}\n{rest}")).unwrap();
    let out = run(&["replay", foreign.to_str().unwrap(), "-q"], String::new());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("SHA-256") && err.contains(&theirs), "the difference is named: {err}");
    assert!(!err.contains("panicked"), "{err}");

    let mut rows: Vec<&str> = text.lines().collect();
    rows.insert(2, "{\"tick\": oops}");
    let damaged = dir.join("damaged.jsonl");
    std::fs::write(&damaged, rows.join("\n") + "\n").unwrap();
    let out = run(&["replay", damaged.to_str().unwrap(), "-q"], String::new());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 3"), "the line is named: {}", stderr(&out));
}

/// The Python to run the example with: `CYDEX_PYTHON` (CI's venv), else `python3`. `None` (with a
/// note) when there is none, outside CI; in CI a missing Python fails the test.
fn python() -> Option<String> {
    let python = std::env::var("CYDEX_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = Command::new(&python).arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(!ci, "`{python}` is not available: CI must provide it (set CYDEX_PYTHON or install python3)");
    eprintln!("note: `{python}` is not available; the Python example client was not run");
    None
}

#[test]
fn the_python_example_plays_a_whole_session() {
    let Some(python) = python() else { return };
    let dir = scratch("python");
    let out_dir = dir.join("out");
    let out = Command::new(python)
        .arg(repo("examples/protocol/play_policy.py"))
        .args(["--seat", "EST", "--seed", "1", "--out", out_dir.to_str().unwrap()])
        .env("CYDEX_BIN", BIN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the example failed:\n{stdout}\n{}", stderr(&out));
    let taken = stdout
        .lines()
        .find_map(|l| l.strip_prefix("decisions taken: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or_else(|| panic!("no decision count in:\n{stdout}"));
    assert!(taken > 0, "the policy took no decision:\n{stdout}");
    assert!(stdout.contains("alliance score: ") && stdout.contains("ratings: OBJ-1 "), "{stdout}");
    let replayed = dir.join("replayed");
    let journal = out_dir.join("journal.jsonl");
    let out = run(&["replay", journal.to_str().unwrap(), "--out", replayed.to_str().unwrap(), "-q"], String::new());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_same_outputs(&out_dir, &replayed);
}

#[test]
fn a_session_that_cannot_start_or_finish_exits_2_saying_why() {
    let dir = scratch("exits");
    let (lines, out) = session(&["--seat", "ATLANTIS"], &[json!({"op": "hello"})]);
    assert_eq!(out.status.code(), Some(2));
    assert!(lines.is_empty() && stderr(&out).contains("ATLANTIS"), "{}", stderr(&out));

    let journal = dir.join("taken.jsonl");
    std::fs::write(&journal, "").unwrap();
    let (_, out) = session(&["--seat", "EST", "--journal", journal.to_str().unwrap()], &[json!({"op": "hello"})]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("never overwritten"), "{}", stderr(&out));

    // The --out directory turns into a file mid-session: `end` answers `output` and exits 2, and
    // the journal, complete, replays.
    let out_dir = dir.join("out");
    let journal = dir.join("journal.jsonl");
    let mut child = Command::new(BIN)
        .args(["play", "--seat", "EST", "--journal", journal.to_str().unwrap(), "--out", out_dir.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    writeln!(stdin, "{}", json!({"op": "advance", "ticks": 5})).unwrap();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.contains("\"ok\":true"), "{line}");
    std::fs::remove_dir_all(&out_dir).unwrap();
    std::fs::write(&out_dir, "not a directory").unwrap();
    writeln!(stdin, "{}", json!({"op": "end", "id": 2})).unwrap();
    drop(stdin);
    line.clear();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let response: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(response["error"]["code"], json!("output"), "{response}");
    assert_eq!(response["id"], json!(2));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
    let replayed = dir.join("replayed");
    let out = run(&["replay", journal.to_str().unwrap(), "--out", replayed.to_str().unwrap(), "-q"], String::new());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(replayed.join("results.json").is_file());
}
