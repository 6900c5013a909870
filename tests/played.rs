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
    let share = Action::ShareIndicators { campaign: "CAMP-RW-1".into(), to: vec!["LVA".into()], tlp: None };
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
    for key in ["\"players\"", "\"decisions\"", "\"counterfactual\"", "\"effects\""] {
        assert!(!run.to_json().contains(key), "a doctrine-only results.json has {key}");
    }
    assert!(!markdown(&run).contains("Counterfactual") && !markdown(&run).contains("## 11."));
}
