//! `cydex serve` over HTTP: the real binary on a free port, driven as the browsers would drive it —
//! seat isolation, actions seen by EXCON, the clock, body limits, resume after a crash, replay,
//! escaping and where the pages load from.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{Server, wait_for};

const ISOLATE: &str = r#"{"type":"isolate_host","host":"EST-GOV-WS-0003"}"#;

fn start(args: &[&str]) -> (tempfile::TempDir, Server) {
    let t = tempfile::tempdir().unwrap();
    let server = Server::start(args, &t.path().join("out"));
    (t, server)
}

#[test]
fn join_urls_name_every_seat() {
    let (_t, s) = start(&["--seed", "3", "--evaluators", "2"]);
    let names: Vec<&str> = s.seats.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["EXCON", "EST", "LVA", "EVALUATOR-1", "EVALUATOR-2"]);
    for (_, token) in &s.seats {
        assert_eq!(token.len(), 32, "{token}");
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    }
    let mut tokens: Vec<&str> = s.seats.iter().map(|(_, t)| t.as_str()).collect();
    tokens.sort_unstable();
    tokens.dedup();
    assert_eq!(tokens.len(), s.seats.len(), "tokens are distinct");
}

#[test]
fn a_team_token_reaches_only_its_own_seat() {
    let (_t, s) = start(&["--seed", "3"]);
    let est = s.token("EST");
    // Its own view, stream and page: allowed (the controls of the refusals below).
    assert_eq!(s.get("/api/view/EST", Some(est)).0, 200);
    assert_eq!(s.get(&format!("/api/stream/EST?token={est}"), None).0, 200);
    assert_eq!(s.get(&format!("/s/{est}"), None).0, 200);
    // Another team's and EXCON's.
    for other in ["LVA", "EXCON", "EVALUATOR-1"] {
        assert_eq!(s.get(&format!("/api/view/{other}"), Some(est)).0, 403, "view {other}");
        assert_eq!(s.get(&format!("/api/stream/{other}?token={est}"), None).0, 403, "stream {other}");
        assert_eq!(s.post(&format!("/api/act/{other}"), Some(est), ISOLATE).0, 403, "act as {other}");
    }
    let (status, body) = s.post("/api/clock", Some(est), r#"{"op":"step"}"#);
    assert_eq!(status, 403, "{body}");
    let obs = r#"{"kind":"observation","objective":"OBJ-1","finding":"strength","text":"x"}"#;
    assert_eq!(s.post("/api/note", Some(est), obs).0, 403);
    assert_eq!(s.post("/api/note", Some(s.token("EXCON")), obs).0, 403, "EXCON does not write notes");
    assert_eq!(s.get(&format!("/s/{est}/aar"), None).0, 403);
    // Evaluators read everything and act as nobody.
    let ev = s.token("EVALUATOR-1");
    assert_eq!(s.get("/api/view/LVA", Some(ev)).0, 200);
    assert_eq!(s.post("/api/act/EVALUATOR-1", Some(ev), r#"{"type":"end_exercise"}"#).0, 403);
    assert_eq!(s.post("/api/act/EST", Some(ev), ISOLATE).0, 403);
    assert_eq!(s.post("/api/clock", Some(ev), r#"{"op":"step"}"#).0, 403);
    // An unknown token.
    let bad = "0123456789abcdef0123456789abcdef";
    assert_eq!(s.get("/api/view/EST", Some(bad)).0, 403);
    assert_eq!(s.get(&format!("/api/stream/EST?token={bad}"), None).0, 403);
    assert_eq!(s.post("/api/act/EST", Some(bad), ISOLATE).0, 403);
    assert_eq!(s.post("/api/clock", Some(bad), r#"{"op":"step"}"#).0, 403);
    assert_eq!(s.post("/api/note", Some(bad), obs).0, 403);
    assert_eq!(s.get(&format!("/s/{bad}"), None).0, 403);
    assert_eq!(s.get(&format!("/s/{bad}/aar"), None).0, 403);
    // No token at all.
    assert_eq!(s.get("/api/view/EST", None).0, 401);
    assert_eq!(s.get("/api/stream/EST", None).0, 401);
    assert_eq!(s.post("/api/act/EST", None, ISOLATE).0, 401);
    assert_eq!(s.post("/api/clock", None, r#"{"op":"step"}"#).0, 401);
    assert_eq!(s.post("/api/note", None, obs).0, 401);
    // Nothing of that changed the drill.
    let v = s.view("EXCON", "EXCON");
    assert_eq!(v["tick"], 0);
    assert_eq!(v["decisions"], serde_json::json!([]));
    // A team's own view holds no ground truth and no other team.
    let own = s.view("EST", "EST");
    assert!(own["view"]["truth"].is_null(), "{own}");
    assert_eq!(own["view"]["teams"].as_array().unwrap().len(), 1);
    assert!(own["notes"].is_null() && own["objectives"].is_null());
}

#[test]
fn a_teams_action_shows_in_excons_view() {
    let (_t, s) = start(&["--seed", "3"]);
    let reply = s.act("EST", ISOLATE);
    assert_eq!(reply["tick"], 0);
    let v = s.view("EXCON", "EXCON");
    let decisions = v["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 1, "{v}");
    assert_eq!(decisions[0]["seat"], "EST");
    assert_eq!(decisions[0]["action"]["type"], "isolate_host");
    assert_eq!(decisions[0]["action"]["host"], "EST-GOV-WS-0003");
    let est = v["view"]["teams"].as_array().unwrap().iter().find(|t| t["nation"] == "EST").unwrap();
    let host = est["hosts"].as_array().unwrap().iter().find(|h| h["host"] == "EST-GOV-WS-0003");
    assert_eq!(host.map(|h| &h["isolated"]), Some(&Value::Bool(true)), "{est}");
    // The other team sees neither the decision nor the host.
    let lva = s.view("LVA", "LVA");
    assert_eq!(lva["decisions"], serde_json::json!([]));
    assert!(!lva.to_string().contains("EST-GOV-WS-0003"), "{lva}");
}

#[test]
fn the_clock_pauses_resumes_and_steps() {
    // Five-minute ticks at ×3600: a tick every 83 ms while running.
    let (_t, s) = start(&["--seed", "3", "--speed", "3600"]);
    let v = s.view("EXCON", "EXCON");
    assert_eq!((v["tick"].as_u64(), v["paused"].as_bool()), (Some(0), Some(true)), "starts paused");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(s.tick(), 0, "the clock moved while paused");
    s.clock(r#"{"op":"resume"}"#);
    wait_for(20, "the clock to move after resume", || (s.tick() >= 3).then_some(()));
    let paused = s.clock(r#"{"op":"pause"}"#);
    assert_eq!(paused["paused"], true);
    let at = paused["tick"].as_u64().unwrap();
    assert!(at >= 3);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(s.tick(), at, "the clock moved after pause");
    let stepped = s.clock(r#"{"op":"step"}"#);
    assert_eq!(stepped["tick"].as_u64(), Some(at + 1), "{stepped}");
    assert_eq!(stepped["paused"], true, "step leaves the clock paused");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.tick(), at + 1, "step moves exactly one tick");
    let sped = s.clock(r#"{"op":"speed","speed":10}"#);
    assert_eq!(sped["speed"], 10.0);
    assert_eq!(s.post("/api/clock", Some(s.token("EXCON")), r#"{"op":"speed","speed":9999}"#).0, 400);
    assert_eq!(s.post("/api/clock", Some(s.token("EXCON")), r#"{"op":"rewind"}"#).0, 400);
}

#[test]
fn bodies_over_64_kib_are_refused_with_413() {
    let (_t, s) = start(&["--seed", "3"]);
    let big = format!(r#"{{"type":"add_inject","text":"{}"}}"#, "x".repeat(64 * 1024 + 1));
    assert_eq!(s.post("/api/act/EXCON", Some(s.token("EXCON")), &big).0, 413);
    assert_eq!(s.post("/api/clock", Some(s.token("EXCON")), &big).0, 413);
    assert_eq!(s.post("/api/note", Some(s.token("EVALUATOR-1")), &big).0, 413);
    // Just under the limit is read (and is an ordinary action).
    let fits = format!(r#"{{"type":"add_inject","text":"{}"}}"#, "x".repeat(60 * 1024));
    assert_eq!(s.post("/api/act/EXCON", Some(s.token("EXCON")), &fits).0, 200);
    assert_eq!(s.view("EXCON", "EXCON")["decisions"].as_array().unwrap().len(), 1);
}

/// The same decisions on a drill: isolate, two steps, a hunt, an evaluator's note.
fn play_opening(s: &Server) {
    s.act("EST", ISOLATE);
    s.clock(r#"{"op":"step"}"#);
    s.clock(r#"{"op":"step"}"#);
    s.act("LVA", r#"{"type":"hunt","scope":{"segment":"LVA-GOV"}}"#);
    let (status, body) = s.post(
        "/api/note",
        Some(s.token("EVALUATOR-1")),
        r#"{"kind":"observation","objective":"OBJ-1","finding":"strength","text":"quick isolation"}"#,
    );
    assert_eq!(status, 200, "{body}");
    s.clock(r#"{"op":"step"}"#);
}

#[test]
fn a_killed_drill_resumes_where_it_stopped() {
    let t = tempfile::tempdir().unwrap();
    let mut crashed = Server::start(&["--seed", "11"], &t.path().join("a"));
    let twin = Server::start(&["--seed", "11"], &t.path().join("twin"));
    play_opening(&crashed);
    play_opening(&twin);
    let before = crashed.view("EXCON", "EXCON");
    crashed.child.kill().unwrap(); // SIGKILL: no chance to flush anything more
    crashed.child.wait().unwrap();
    let journal = t.path().join("a/journal.jsonl");
    let resumed = Server::start(&["--resume", journal.to_str().unwrap()], &t.path().join("a2"));
    let after = resumed.view("EXCON", "EXCON");
    assert_eq!(after["tick"], before["tick"], "same tick");
    assert_eq!(after["tick"], 3);
    assert_eq!(after["decisions"], before["decisions"], "same decisions");
    assert_eq!(after["notes"], before["notes"], "same notes");
    assert_eq!(after["view"], twin.view("EXCON", "EXCON")["view"], "same world as the uninterrupted twin");
    // Both go on the same way and end; the results are identical.
    for s in [&resumed, &twin] {
        s.act("EST", r#"{"type":"restore_host","host":"EST-GOV-WS-0003"}"#);
        s.clock(r#"{"op":"step"}"#);
    }
    let a = resumed.end();
    let b = twin.end();
    assert!(a == b, "results.json of the resumed drill differs from its uninterrupted twin");
    assert!(String::from_utf8_lossy(&a).contains("quick isolation"), "the note survived the crash");
}

#[test]
fn replay_of_the_journal_reproduces_the_results() {
    let (t, s) = start(&["--seed", "5", "--evaluators", "1"]);
    play_opening(&s);
    s.act("EXCON", r#"{"type":"add_inject","text":"Press enquiry"}"#);
    s.clock(r#"{"op":"step"}"#);
    let results = s.end();
    for f in ["results.json", "report.md", "report.html"] {
        assert!(s.out.join(f).exists(), "{f} not written at ENDEX");
    }
    let aar = s.get(&format!("/s/{}/aar", s.token("EXCON")), None);
    assert_eq!(aar.0, 200);
    assert!(aar.1.contains("<html") || aar.1.contains("<!doctype"), "the AAR is the HTML report");
    assert_eq!(s.get(&format!("/s/{}/aar", s.token("EVALUATOR-1")), None).0, 200);
    assert_eq!(s.get(&format!("/s/{}/aar", s.token("EST")), None).0, 403);
    let d2 = t.path().join("replayed");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cydex"))
        .arg("replay")
        .arg(s.out.join("journal.jsonl"))
        .arg("--out")
        .arg(&d2)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(d2.join("results.json")).unwrap() == results, "replay differs from the drill");
    for f in ["report.md", "report.html"] {
        assert!(std::fs::read(d2.join(f)).unwrap() == std::fs::read(s.out.join(f)).unwrap(), "{f} differs");
    }
}

/// Every `src=` and `href=` value in `html`.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["src=\"", "href=\"", "src='", "href='"] {
        let quote = attr.chars().last().unwrap();
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            found.push(rest[..rest.find(quote).unwrap_or(rest.len())].to_string());
        }
    }
    found
}

#[test]
fn pages_load_nothing_from_elsewhere_and_escape_scenario_text() {
    let evil = "<script>alert(1)</script>";
    let set = format!("msel.0.title={evil}");
    let (_t, s) = start(&["--seed", "3", "--set", &set]);
    s.clock(r#"{"op":"step"}"#); // delivers MSEL-001 to the teams
    for (seat, token) in &s.seats {
        let (status, html) = s.get(&format!("/s/{token}"), None);
        assert_eq!(status, 200);
        assert!(!html.contains("http:") && !html.contains("https:"), "{seat}'s page names a URL: {html}");
        let l = links(&html);
        assert!(!l.is_empty());
        for link in l {
            assert!(link.starts_with('/') && !link.starts_with("//"), "{seat}'s page links to `{link}`");
        }
        assert!(!html.contains(evil) && !html.contains("alert(1)"), "{html}");
    }
    for asset in ["/assets/console.js", "/assets/console.css"] {
        let (status, body) = s.get(asset, None);
        assert_eq!(status, 200);
        assert!(!body.contains("http:") && !body.contains("https:") && !body.contains("@import"), "{asset}");
    }
    // The scenario text reaches the team as JSON (rendered with textContent), never as a page.
    let r = support::agent().get(s.url("/api/view/EST")).header("X-Cydex-Token", s.token("EST")).call().unwrap();
    let ctype = r.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let v: Value = serde_json::from_str(&r.into_body().read_to_string().unwrap()).unwrap();
    let titles: Vec<&str> = v["injects"].as_array().unwrap().iter().filter_map(|i| i["title"].as_str()).collect();
    assert!(titles.contains(&evil), "the inject reached the team as data: {v}");
    // Refusals are JSON too.
    let r = support::agent().get(s.url("/api/view/LVA")).header("X-Cydex-Token", s.token("EST")).call().unwrap();
    assert!(r.headers().get("content-type").unwrap().to_str().unwrap().starts_with("application/json"));
    let results = s.end();
    let (_, aar) = s.get(&format!("/s/{}/aar", s.token("EXCON")), None);
    assert!(!aar.contains(evil), "the AAR carries the raw tag");
    assert!(String::from_utf8_lossy(&results).contains("alert(1)"), "the title is in the results");
}

#[test]
fn the_console_script_never_writes_html() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/serve/console.js")).unwrap();
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
        assert!(!js.contains(sink), "console.js uses `{sink}`: write text with textContent or text nodes");
    }
    assert!(js.contains("createElement"), "the script builds its DOM with createElement");
}

#[test]
fn tokens_never_reach_the_terminal_beyond_the_join_list() {
    let (_t, mut s) = start(&["--seed", "3"]);
    play_opening(&s);
    s.post("/api/act/EST", Some("not-a-token"), ISOLATE);
    s.get(&format!("/api/stream/EST?token={}", s.token("EST")), None);
    s.get(&format!("/s/{}", s.token("LVA")), None);
    s.end();
    s.child.kill().unwrap();
    s.child.wait().unwrap();
    let stdout = std::fs::read_to_string(&s.stdout).unwrap();
    let stderr = std::fs::read_to_string(&s.stderr).unwrap();
    let list_end = stdout.find("journal:").expect("the join list ends with the journal line");
    for (seat, token) in &s.seats {
        assert_eq!(stdout.matches(token.as_str()).count(), 1, "{seat}'s token printed more than once:\n{stdout}");
        assert!(!stdout[list_end..].contains(token.as_str()), "{seat}'s token after the join list");
        assert!(!stderr.contains(token.as_str()), "{seat}'s token on stderr:\n{stderr}");
    }
    for f in ["journal.jsonl", "results.json", "report.md", "report.html"] {
        let text = std::fs::read_to_string(s.out.join(f)).unwrap();
        for (seat, token) in &s.seats {
            assert!(!text.contains(token.as_str()), "{seat}'s token in {f}");
        }
    }
}

/// EXCON and the evaluators see doctrine's decisions for the teams nobody plays, beside the
/// players'; the played team does not. On the default seed EST's doctrine shares indicators at
/// T+02:15 (tick 27).
#[test]
fn excon_sees_doctrines_decisions_for_teams_nobody_plays() {
    let (_t, s) = start(&["--seat", "LVA", "--speed", "3600"]);
    s.clock(r#"{"op":"resume"}"#);
    let by_doctrine = |v: &Value| {
        v["decisions"].as_array().unwrap().iter().find(|d| d["outcome"]["note"] == "taken by doctrine").cloned()
    };
    let d = wait_for(40, "doctrine's first decision in EXCON's timeline", || by_doctrine(&s.view("EXCON", "EXCON")));
    s.clock(r#"{"op":"pause"}"#);
    assert_eq!((d["seat"].as_str(), d["action"]["type"].as_str()), (Some("EST"), Some("share_indicators")), "{d}");
    assert!(by_doctrine(&s.view("EVALUATOR-1", "EVALUATOR-1")).is_some(), "evaluators read everything");
    assert!(by_doctrine(&s.view("LVA", "LVA")).is_none(), "a team sees only its own decisions");
}

/// EXCON validates only manual responses: an action expectation worth points (EXP-002 of the
/// players fixture, 5 points) is checked from the decisions, never offered for validation.
#[test]
fn only_manual_expectations_are_offered_for_validation() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/valid/players.yaml");
    let (_t, s) = start(&[fixture]);
    let v = s.view("EXCON", "EXCON");
    let ids: Vec<&str> = v["manual_expectations"].as_array().unwrap().iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids, ["EXP-003"], "{v}");
}

/// `serve --resume` refuses what `play --resume` refuses: a journal whose session has ended, and
/// one that ends in a partial line (a crash mid-write; appending after it would corrupt it).
#[test]
fn a_drill_does_not_resume_an_ended_or_torn_journal() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let t = tempfile::tempdir().unwrap();
    let journal = t.path().join("journal.jsonl");
    let mut play = Command::new(env!("CARGO_BIN_EXE_cydex"))
        .args(["play", "--seat", "EST", "--journal", journal.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    play.stdin
        .take()
        .unwrap()
        .write_all(b"{\"op\":\"advance\",\"ticks\":2,\"id\":1}\n{\"op\":\"end\",\"id\":2}\n")
        .unwrap();
    assert!(play.wait().unwrap().success());
    let text = std::fs::read_to_string(&journal).unwrap();
    let torn = t.path().join("torn.jsonl");
    let open: String = text.lines().filter(|l| !l.contains("\"end\"")).collect::<Vec<_>>().join("\n");
    std::fs::write(&torn, &open[..open.len() - 5]).unwrap();
    for (file, why) in [(&journal, "has ended"), (&torn, "ends in a partial line")] {
        let out = Command::new(env!("CARGO_BIN_EXE_cydex"))
            .args(["serve", "--resume", file.to_str().unwrap(), "--out", t.path().join("out").to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(why), "{err}");
    }
}
