//! Tests of `actions.rs`.

use super::*;

/// The action types a scenario's `expects` may name (`scenario::model::EXPECTABLE_ACTIONS`) are
/// exactly the actions a team may take, and the EXCON list exactly the others.
#[test]
fn the_scenario_lists_of_action_types_match_the_engine() {
    use crate::scenario::model::{EXCON_ACTIONS, EXPECTABLE_ACTIONS};
    // serde names every variant when refusing an unknown one.
    let err = serde_json::from_str::<Action>(r#"{"type":"no-such-action"}"#).unwrap_err().to_string();
    let listed: Vec<&str> = err.split('`').skip(3).step_by(2).collect();
    let mut ours: Vec<&str> = EXPECTABLE_ACTIONS.iter().chain(EXCON_ACTIONS).copied().collect();
    let mut engine = listed.clone();
    ours.sort_unstable();
    engine.sort_unstable();
    assert_eq!(ours, engine, "{err}");
    for name in listed {
        let fields = if name == "situation_report" { r#","estimate":{}"# } else { "" };
        let probe = serde_json::from_str::<Action>(&format!(r#"{{"type":"{name}"{fields}}}"#));
        // A probe without fields is refused for the missing ones, never for its type.
        if let Ok(a) = &probe {
            assert_eq!(a.is_excon(), EXCON_ACTIONS.contains(&name), "{name}");
        }
        let msg = probe.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!msg.contains("unknown variant"), "{name}: {msg}");
    }
    assert!(EXPECTABLE_ACTIONS.iter().all(|a| !EXCON_ACTIONS.contains(a)));
}
