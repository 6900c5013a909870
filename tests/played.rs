//! The reports of a played session: snapshots of the Decisions and Counterfactual sections (the
//! Markdown report and the terminal summary) for a fixed scripted session on the embedded default
//! scenario, the session's results reproduced exactly, and a session nobody played giving a
//! doctrine run's results unchanged.

use cydex::play::Session;
use cydex::report::{html, markdown, terminal};
use cydex::results::RunResults;
use cydex::sim::actions::{Action, Scope};
use cydex::sim::{DEFAULT_SEED, RunConfig};

const CONFIG: RunConfig = RunConfig { seed: DEFAULT_SEED, run_index: 0 };

/// A fixed session: EST isolates a host, hunts its workstations, cuts the link to its energy
/// segment and one that does not exist (refused), and later shares indicators with LVA; EXCON
/// sends a message. Five doctrine runs.
fn scripted() -> RunResults {
    let loaded = cydex::cli::load_default().unwrap();
    let mut s = Session::new(loaded, Vec::new(), CONFIG, &["EST".to_string()]).unwrap();
    s.set_counterfactual_runs(5);
    let est = s.seat("EST").unwrap();
    let excon = s.seat("EXCON").unwrap();
    s.advance(30).unwrap();
    s.act(est, Action::IsolateHost { host: "EST-GOV-WS-0001".into() }).unwrap();
    s.act(est, Action::Hunt { scope: Scope::Group("EST-GOV-WS".into()), campaign: None, analysts: None }).unwrap();
    s.act(est, Action::BlockLink { from: "EST-GOV".into(), to: "EST-ENERGY".into() }).unwrap();
    s.act(est, Action::BlockLink { from: "EST-GOV".into(), to: "EST-NOWHERE".into() }).unwrap();
    s.advance(40).unwrap();
    let share = Action::ShareIndicators { campaign: "CAMP-RW-1".into(), to: vec!["LVA".into()], tlp: None, via: None };
    s.act(est, share).unwrap();
    s.act(excon, Action::AddInject { to: Some("EST".into()), text: "Brief the minister by noon.".into() }).unwrap();
    let (mut r, _) = s.finish().unwrap();
    r.meta.engine = "cydex (snapshot)".into();
    r.meta.scenario_sha256 = "0".repeat(64);
    r
}

/// The text from the line starting with `from` up to (not including) the next line starting with
/// `to`, or to the end.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).unwrap_or_else(|| panic!("no `{from}` in:\n{text}"));
    let rest = &text[start..];
    let end = rest[from.len()..].find(to).map_or(rest.len(), |i| i + from.len());
    &rest[..end]
}

#[test]
fn decisions_and_counterfactual_sections_of_a_scripted_session() {
    let r = scripted();
    let md = markdown(&r);
    insta::assert_snapshot!("decisions_markdown", between(&md, "\n## 11. Decisions", "\n## 12."));
    insta::assert_snapshot!("counterfactual_markdown", between(&md, "\n## 12. Counterfactual", "\n## A."));
    let term = terminal(&r, false);
    insta::assert_snapshot!("played_terminal", between(&term, "\nDecisions\n", "\u{0}"));
    let page = html(&r);
    for id in ["id=\"decisions\"", "id=\"counterfactual\"", "better than"] {
        assert!(page.contains(id), "the HTML report lacks {id}");
    }
    let c = r.counterfactual.as_ref().unwrap();
    assert_eq!(c.runs, 5);
    assert_eq!(c.standing.iter().map(|s| s.subject.as_str()).collect::<Vec<_>>(), ["alliance", "EST"]);
}

#[test]
fn a_session_reproduces_its_results_and_counterfactual_exactly() {
    let (a, b) = (scripted(), scripted());
    assert_eq!(a.to_json(), b.to_json());
    let back = RunResults::from_json(&a.to_json()).unwrap();
    assert_eq!(back, a);
    assert!(a.decisions.iter().filter(|d| !d.outcome.applied).all(|d| d.effects.is_empty()));
    assert!(a.decisions.iter().filter(|d| d.outcome.applied).all(|d| !d.effects.is_empty()));
}

#[test]
fn a_session_nobody_played_gives_the_doctrine_run_unchanged() {
    let loaded = cydex::cli::load_default().unwrap();
    let (run, _) = cydex::results::run(&loaded, &[], &CONFIG);
    let session = Session::new(loaded, Vec::new(), CONFIG, &[]).unwrap();
    let (played, _) = session.finish().unwrap();
    assert_eq!(played.to_json(), run.to_json());
    for key in ["\"players\"", "\"decisions\"", "\"doctrine\"", "\"counterfactual\"", "\"effects\""] {
        assert!(!run.to_json().contains(key), "a doctrine-only results.json has {key}");
    }
    assert!(!markdown(&run).contains("Counterfactual") && !markdown(&run).contains("## 11."));
}

/// The players fixture's MSEL-001 (delivered at T+2h, tick 24 of 5 minutes) expects EST to isolate
/// a host within 1 h, to report within 4 h, and a manual briefing worth points.
fn fixture_session(isolate_at: Option<u64>, validate: Option<f64>) -> RunResults {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/players.yaml");
    let loaded = cydex::scenario::load_file(&path).unwrap();
    let mut s = Session::new(loaded, Vec::new(), CONFIG, &["EST".to_string()]).unwrap();
    let est = s.seat("EST").unwrap();
    if let Some(t) = isolate_at {
        s.advance(t).unwrap();
        s.act(est, Action::IsolateHost { host: "EST-GOV-WS-0001".into() }).unwrap();
    }
    if let Some(points) = validate {
        let note = cydex::results::NoteBody::Validation {
            expectation: "EXP-003".into(),
            points,
            text: "Briefed at 11:00.".into(),
        };
        s.note("EVALUATOR-1", note).unwrap().unwrap();
    }
    s.finish().unwrap().0
}

fn status(r: &RunResults, id: &str) -> String {
    r.expectations.iter().find(|e| e.id == id).map(|e| e.status.clone()).unwrap_or_default()
}

/// Each verdict is one ledger entry of category `expectations`; a nation's expectation points are
/// their sum, beside its total (which stays the sum of the four categories); the objectives the
/// inject names get the verdicts, their events, strengths and areas for improvement.
#[test]
fn inject_expectations_feed_the_ledger_and_the_objectives() {
    let r = fixture_session(Some(25), Some(4.0));
    let sc = &r.assessment.scores;
    let est = sc.nations.iter().find(|n| n.nation == "EST").unwrap();
    let mine: Vec<_> = sc.ledger.iter().filter(|e| e.subject == "EST" && e.category == "expectations").collect();
    let rules: Vec<&str> = mine.iter().map(|e| &*e.rule).collect();
    assert_eq!(rules, ["expectations.met", "expectations.missed", "expectations.validated"]);
    let sum: i64 = mine.iter().map(|e| e.milli).sum();
    assert_eq!(sum, 14_000, "10 (met, the default) + 0 (missed, of 5) + 4 (validated, of 10)");
    let t = est.expectations.expect("EST is judged on expectations");
    assert_eq!((t.earned, t.available, t.open), (14.0, 25.0, 0.0));
    let scored: i64 =
        sc.ledger.iter().filter(|e| e.subject == "EST" && e.category != "expectations").map(|e| e.milli).sum();
    assert_eq!((est.total * 1000.0).round() as i64, scored, "the total stays the sum of the four categories");
    let isolate = r.decisions.iter().find(|d| d.action.name() == "isolate_host").unwrap();
    assert!(mine[0].events.iter().any(|e| isolate.outcome.events.contains(e)), "the met entry cites the decision");
    let obj = r.assessment.ratings.iter().find(|o| o.id == "OBJ-1").unwrap();
    let verdicts: Vec<(&str, &str)> = obj.expectations.iter().map(|(i, s)| (i.as_str(), s.as_str())).collect();
    assert_eq!(verdicts, [("EXP-001", "met"), ("EXP-002", "missed"), ("EXP-003", "validated")]);
    assert!(isolate.outcome.events.iter().all(|e| obj.evidence.contains(e)), "the decision's events are evidence");
    assert!(obj.strengths.iter().any(|s| s.contains("EXP-001 met")), "{:?}", obj.strengths);
    assert!(obj.improvements.iter().any(|s| s.contains("EXP-002 missed")), "{:?}", obj.improvements);
    assert!(r.assessment.improvement_plan.iter().any(|p| p.objective == "OBJ-1" && p.issue.contains("EXP-002")));
    assert!(r.evidence.iter().any(|e| e.id == isolate.outcome.events[0]), "cited events are in the results");
    let open = fixture_session(Some(40), None);
    let t = open.assessment.scores.nations[0].expectations.unwrap();
    assert_eq!((t.earned, t.available, t.open), (0.0, 15.0, 10.0), "the unvalidated briefing is open, not lost");
}

#[test]
fn inject_expectations_are_met_missed_or_left_unvalidated() {
    let on_time = fixture_session(Some(25), Some(4.0));
    assert_eq!(status(&on_time, "EXP-001"), "met", "{:?}", on_time.expectations);
    assert_eq!(on_time.expectations[0].met_tick, Some(25));
    assert_eq!(status(&on_time, "EXP-002"), "missed", "no situation report was sent");
    assert_eq!(status(&on_time, "EXP-003"), "validated");
    assert_eq!(on_time.expectations[2].points.map(|p| p.0), Some(4.0));
    let late = fixture_session(Some(40), None);
    assert_eq!(status(&late, "EXP-001"), "missed", "tick 40 is past the deadline, tick 36");
    assert_eq!(status(&late, "EXP-003"), "unvalidated", "never silently passed or failed");
    let early = fixture_session(Some(10), None);
    assert_eq!(status(&early, "EXP-001"), "missed", "before the inject was delivered does not count");
    let loaded = cydex::scenario::load_file(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/players.yaml"),
    )
    .unwrap();
    let mut s = Session::new(loaded, Vec::new(), CONFIG, &["EST".to_string()]).unwrap();
    let too_many =
        cydex::results::NoteBody::Validation { expectation: "EXP-003".into(), points: 1e6, text: "x".into() };
    assert!(s.note("EVALUATOR-1", too_many).unwrap().is_err(), "more points than the expectation awards is refused");
    let automatic =
        cydex::results::NoteBody::Validation { expectation: "EXP-001".into(), points: 1.0, text: "x".into() };
    assert!(s.note("EVALUATOR-1", automatic).unwrap().is_err(), "an automatic expectation is not validated by hand");
}

/// A doctrine run is judged too: with `isolate_at: low`, EST's doctrine isolates each host it
/// detects, and that decision (taken within a tick, recorded by the engine) meets EXP-001 — at
/// the tick of doctrine's first isolation after the inject, marked as met by doctrine. The
/// decisions are not written to the results' `decisions`, which are the players'.
#[test]
fn a_doctrine_run_meets_expectations_with_doctrine_decisions() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/players.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    let yaml = yaml
        .replace("isolate_at: critical", "isolate_at: low")
        .replace("within: 1h", "within: 20h")
        .replace("at: 2h", "at: 1h")
        .replace("sensors: 0.5", "sensors: 1.0");
    let loaded = cydex::scenario::load_bytes("players-isolating.yaml", yaml.as_bytes()).unwrap();
    let (from, until) = (12, 12 + 20 * 12);
    let taken = cydex::sim::run(&loaded.scenario, &CONFIG).doctrine;
    let first = taken
        .iter()
        .filter(|d| d.action.name() == "isolate_host" && (from..=until).contains(&d.tick))
        .map(|d| d.tick)
        .min()
        .expect("the isolating doctrine isolates a detected host within the window");
    let (r, _) = cydex::results::run(&loaded, &[], &CONFIG);
    let e = r.expectations.iter().find(|e| e.id == "EXP-001").unwrap();
    assert_eq!((e.status.as_str(), e.met_tick, e.by_doctrine), ("met", Some(first), true));
    assert!(r.decisions.is_empty(), "doctrine's decisions judge expectations; they are not the players'");
    assert_eq!(r.doctrine.len(), taken.len(), "a scenario with expectations keeps doctrine's decisions");
    assert!(r.doctrine.iter().all(|d| d.seat == "EST" && d.outcome.applied && !d.effects.is_empty()));
    assert!(markdown(&r).contains("### EST — doctrine ("), "the Decisions section shows doctrine's timeline");
    let met = r.assessment.scores.ledger.iter().find(|l| l.rule == "expectations.met").unwrap();
    assert!(met.note.contains("met by doctrine"), "{}", met.note);
    assert!(markdown(&r).contains("met by doctrine"));
    let plain = cydex::results::run(
        &cydex::scenario::load_bytes(
            "players.yaml",
            yaml.replace("isolate_at: low", "isolate_at: critical").as_bytes(),
        )
        .unwrap(),
        &[],
        &CONFIG,
    )
    .0;
    assert_eq!(plain.expectations[0].status, "missed", "without isolations the same expectation is missed");
}
