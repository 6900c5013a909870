//! The console's embedded front end (one script, one style sheet, a page shell per seat) and the
//! JSON each seat's page reads: its view, its decisions, and the scenario text it may see.

use serde_json::{Value, json};

use super::{Drill, SeatKind};
use crate::results::Decision;
use crate::sim::actions::Seat as SimSeat;

/// The page script: renders the view and the forms; writes scenario text only as text nodes.
pub const SCRIPT: &str = include_str!("console.js");
/// The style sheet.
pub const STYLE: &str = include_str!("console.css");

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The page at `/`: how to join.
pub fn landing() -> String {
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cydex drill console</title>\
     <link rel=\"stylesheet\" href=\"/assets/console.css\"></head><body><main><h1>cydex drill console</h1>\
     <p>Open the join URL of your seat, as printed by <code>cydex serve</code>.</p></main></body></html>"
        .to_string()
}

/// The shell of a seat's page: the script reads the token and the seat from its meta tags.
pub fn page(kind: &SeatKind, token: &str) -> String {
    let (k, name) = match kind {
        SeatKind::Excon => ("excon", "EXCON".to_string()),
        SeatKind::Team(n) => ("team", n.clone()),
        SeatKind::Evaluator(_) => ("evaluator", kind.name()),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta name=\"cydex-token\" content=\"{}\"><meta name=\"cydex-seat\" content=\"{}\"><meta name=\"cydex-kind\" content=\"{}\">\
         <title>cydex — {}</title><link rel=\"stylesheet\" href=\"/assets/console.css\"></head>\
         <body><header id=\"bar\"></header><main id=\"app\"><p>Loading…</p></main>\
         <script src=\"/assets/console.js\"></script></body></html>",
        escape(token),
        escape(&name),
        k,
        escape(&name)
    )
}

/// An expectation in words, for the inbox.
fn expected(e: &crate::scenario::model::Expectation) -> String {
    let what = e.description.clone().unwrap_or_else(|| e.action.clone().unwrap_or_default());
    match (&e.action, e.within) {
        (Some(a), Some(w)) => format!("{what} (expected: `{a}` by {} within {})", e.by, crate::fmt::span(w.secs())),
        _ => format!("{what} (a response EXCON scores)"),
    }
}

fn kind_name(seat: &SeatKind) -> &'static str {
    match seat {
        SeatKind::Excon => "excon",
        SeatKind::Team(_) => "team",
        SeatKind::Evaluator(_) => "evaluator",
    }
}

/// What `seat` reads when it asks for the view `name` (checked by the caller).
pub fn payload(drill: &Drill, seat: &SeatKind, name: &str, tick_secs: u64) -> Value {
    let ended = match &drill.ended {
        Some(Ok(files)) => json!({ "written": files }),
        Some(Err(e)) => json!({ "error": e }),
        None => Value::Null,
    };
    let mut out = json!({
        "seat": name,
        "kind": kind_name(seat),
        "tick": drill.tick(),
        "tick_secs": tick_secs,
        "paused": drill.paused,
        "speed": drill.speed,
        "ended": ended,
        "headline": drill.headline,
    });
    let Some(session) = &drill.session else { return out };
    let reads_all = !matches!(seat, SeatKind::Team(_));
    let sim_seat = session.seat(name).unwrap_or(SimSeat::Excon);
    let s = &session.loaded().scenario;
    out["endex_tick"] = json!(session.endex());
    let view = session.view(sim_seat);
    // A team reads the text of the injects delivered to it, never the MSEL still to come.
    let delivered: Vec<&str> = view.teams.iter().flat_map(|t| t.inbox.iter().map(|i| i.inject.as_str())).collect();
    let visible = |id: &str| reads_all || delivered.contains(&id);
    let injects: Vec<Value> = s
        .msel
        .iter()
        .filter(|i| visible(&i.id))
        .map(|i| {
            // What the inject expects of its recipients, in words: a team sees what to answer.
            let expects: Vec<String> = i.expects.iter().map(expected).collect();
            json!({ "id": i.id, "title": i.title, "text": i.text, "to": i.to, "at_s": i.at.map(|d| d.secs()), "expects": expects })
        })
        .collect();
    out["injects"] = json!(injects);
    out["view"] = json!(view);
    let mut decisions: Vec<Decision> =
        session.decisions().iter().filter(|d| reads_all || d.seat == name).cloned().collect();
    if reads_all {
        // EXCON and the evaluators see doctrine's decisions for the teams nobody plays too.
        decisions.extend(session.doctrine_decisions());
        decisions.sort_by_key(|d| d.tick);
    }
    out["decisions"] = json!(decisions);
    if reads_all {
        out["notes"] = json!(session.notes());
        let manual =
            s.msel.iter().flat_map(|i| i.expects.iter().map(move |e| (i, e))).filter(|(_, e)| e.response.is_some());
        out["manual_expectations"] = json!(manual
            .map(|(i, e)| json!({ "id": e.id, "inject": i.id, "by": e.by, "description": e.description, "points": e.points }))
            .collect::<Vec<_>>());
        out["objectives"] = json!(
            s.objectives
                .iter()
                .map(|o| json!({ "id": o.id, "text": o.text, "capability": o.capability }))
                .collect::<Vec<_>>()
        );
    }
    out["nations"] = json!(s.nations.iter().map(|n| n.id.clone()).collect::<Vec<_>>());
    out["providers"] = json!(s.assistance.iter().map(|p| p.id.clone()).collect::<Vec<_>>());
    out
}
