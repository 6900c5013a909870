//! The decisions of a run (when the results keep any, or judge inject expectations): for each
//! seat — played by a person or a program, or by doctrine for the teams nobody played — a
//! timeline of its decisions — when, what with which parameters, applied or refused and why, and
//! what each changed (the events it caused, as the results keep them) — then a few totals.

use super::cells::{at, count};
use crate::report::doc::{Block, Section, Text};
use crate::results::played::Effect;
use crate::results::{Decision, RunResults};
use crate::sim::EventKind;
use crate::sim::actions::{Action, Answer, Scope};

/// How many hosts (or services, nations) a change names before `+N more`.
const NAMED: usize = 4;

/// One seat's part of the section: its decisions, and the expectations of the injects it answered.
struct Seat<'a> {
    seat: String,
    /// Doctrine decided for it (nobody played it).
    by_doctrine: bool,
    decisions: Vec<&'a Decision>,
    /// Its inject expectations (`expects:`) and what became of them, one line each.
    expectations: Vec<Text>,
}

/// What a seat's decisions did, counted.
#[derive(Default)]
struct Tally {
    decisions: u64,
    applied: u64,
    isolated: u64,
    hunts: u64,
    found: u64,
    links_cut: u64,
    shared: u64,
}

/// The section, or none when nobody decided anything.
pub fn section(r: &RunResults) -> Option<Section> {
    if r.decisions.is_empty() && r.expectations.is_empty() && r.doctrine.is_empty() {
        return None;
    }
    let mut sec = Section::new("decisions", "Decisions: what the players, doctrine and EXCON did");
    let by_doctrine = if r.doctrine.is_empty() {
        String::new()
    } else {
        " Doctrine's decisions for the teams nobody played were taken within the tick shown, in the phase that carries them out."
            .to_string()
    };
    sec.push(Block::Para(Text::plain(format!(
        "Seats played: {}. Each decision took effect at the tick boundary shown; what it changed lists the events it logged and those they caused.{by_doctrine}",
        played(r)
    ))));
    let seats = seats(r);
    for s in &seats {
        let who = if s.by_doctrine { " — doctrine" } else { "" };
        sec.push(Block::Heading(Text::plain(format!("{}{who} ({} decision(s))", s.seat, s.decisions.len()))));
        sec.push(Block::Table(timeline(r, s)));
        if !s.expectations.is_empty() {
            sec.push(Block::Heading(Text::plain(format!("{}: inject expectations", s.seat))));
            sec.push(Block::List(s.expectations.clone()));
        }
    }
    sec.push(Block::Heading(Text::plain("Totals")));
    sec.push(Block::Table(totals(&seats)));
    Some(sec)
}

/// The terminal's one line, or none when nobody decided anything.
pub fn brief(r: &RunResults) -> Option<Vec<Block>> {
    if r.decisions.is_empty() {
        return None;
    }
    let t = tally(r.decisions.iter());
    Some(vec![Block::Para(Text::plain(format!(
        "{} decision(s) ({}): {} applied, {} refused; {} host(s) isolated; {} hunt(s) found {} host(s); {} link(s) cut; indicators shared {} time(s).",
        t.decisions,
        played(r),
        t.applied,
        t.decisions - t.applied,
        t.isolated,
        t.hunts,
        t.found,
        t.links_cut,
        t.shared
    )))])
}

fn played(r: &RunResults) -> String {
    if r.players.is_empty() { "EXCON only".to_string() } else { format!("{} and EXCON", r.players.join(", ")) }
}

/// The seats that decided: played nations in the results' order, other nations, EXCON last.
fn seats(r: &RunResults) -> Vec<Seat<'_>> {
    let mut names: Vec<&str> = r.players.iter().map(String::as_str).collect();
    for d in &r.decisions {
        if d.seat != "EXCON" && !names.contains(&d.seat.as_str()) {
            names.push(&d.seat);
        }
    }
    for e in &r.expectations {
        if !names.contains(&e.nation.as_str()) {
            names.push(&e.nation);
        }
    }
    for d in &r.doctrine {
        if !names.contains(&d.seat.as_str()) {
            names.push(&d.seat);
        }
    }
    names.push("EXCON");
    names
        .into_iter()
        .map(|n| {
            let by_doctrine = !r.players.iter().any(|p| p == n) && r.doctrine.iter().any(|d| d.seat == n);
            let own = if by_doctrine { &r.doctrine } else { &r.decisions };
            Seat {
                seat: n.to_string(),
                by_doctrine,
                decisions: own.iter().filter(|d| d.seat == n).collect(),
                expectations: r.expectations.iter().filter(|e| e.nation == n).map(|e| expectation(r, e)).collect(),
            }
        })
        .filter(|s| !s.decisions.is_empty() || !s.expectations.is_empty())
        .collect()
}

/// One expectation's line: id, what, and its verdict in words.
fn expectation(r: &RunResults, e: &crate::results::expectations::ExpectationResult) -> Text {
    let verdict = match (e.status.as_str(), e.met_tick, e.deadline_tick, e.points) {
        ("met", Some(t), _, _) => {
            format!("met{} at {}", if e.by_doctrine { " by doctrine" } else { "" }, crate::fmt::tplus(t * tick_secs(r)))
        }
        ("missed", _, Some(d), _) => format!("missed: nothing by {}", crate::fmt::tplus(d * tick_secs(r))),
        ("validated", _, _, Some((p, of))) => format!(
            "validated by hand: {p} of {of} point(s){}",
            e.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default()
        ),
        ("unvalidated", ..) => {
            "not validated: no evaluator or EXCON scored this response (neither passed nor failed)".to_string()
        }
        ("not_delivered", ..) => format!("not applicable: inject {} was never delivered", e.inject),
        (other, ..) => other.to_string(),
    };
    Text::strong(format!("{} ({})", e.id, e.inject)).then(format!(": {} — {verdict}", e.description))
}

fn tick_secs(r: &RunResults) -> u64 {
    r.summary.tick_s.max(1)
}

fn timeline(r: &RunResults, s: &Seat<'_>) -> crate::report::doc::Table {
    decision_table(r, s.decisions.iter().copied())
}

/// Decisions as a table: time, decision, outcome, what it changed.
pub(super) fn decision_table<'a>(
    r: &RunResults,
    decisions: impl Iterator<Item = &'a Decision>,
) -> crate::report::doc::Table {
    let mut t = crate::report::doc::Table::new(&["Time", "Decision", "Outcome", "What it changed"]);
    for d in decisions {
        let outcome = match (d.outcome.applied, &d.outcome.note) {
            (true, None) => Text::plain("applied"),
            (true, Some(n)) => Text::plain(format!("applied: {n}")),
            (false, n) => Text::strong("refused").then(format!(": {}", n.as_deref().unwrap_or("no reason given"))),
        };
        t.row(vec![
            at(r, &d.seat, d.tick * r.summary.tick_s),
            describe(&d.action),
            outcome,
            changes(&d.effects, &d.seat),
        ]);
    }
    t
}

fn totals(seats: &[Seat<'_>]) -> crate::report::doc::Table {
    let mut t = crate::report::doc::Table::new(&[
        "Seat",
        "#Decisions",
        "#Applied",
        "#Refused",
        "#Hosts isolated",
        "#Hunts",
        "#Hosts found by hunts",
        "#Links cut",
        "#Indicator shares",
    ]);
    let row = |name: &str, x: &Tally| {
        let n = [x.decisions, x.applied, x.decisions - x.applied, x.isolated, x.hunts, x.found, x.links_cut, x.shared];
        std::iter::once(Text::plain(name)).chain(n.into_iter().map(count)).collect::<Vec<_>>()
    };
    for s in seats {
        let name = if s.by_doctrine { format!("{} (doctrine)", s.seat) } else { s.seat.clone() };
        t.row(row(&name, &tally(s.decisions.iter().copied())));
    }
    if seats.len() > 1 {
        t.total(row("All", &tally(seats.iter().flat_map(|s| s.decisions.iter().copied()))));
    }
    t
}

fn tally<'a>(decisions: impl Iterator<Item = &'a Decision>) -> Tally {
    let mut t = Tally::default();
    for d in decisions {
        t.decisions += 1;
        t.applied += u64::from(d.outcome.applied);
        t.hunts += u64::from(d.outcome.applied && matches!(d.action, Action::Hunt { .. }));
        for e in &d.effects {
            match e.kind {
                EventKind::HostIsolated => t.isolated += 1,
                EventKind::HostDetected if e.detail.as_deref() == Some("hunt") => t.found += 1,
                EventKind::LinkBlocked => t.links_cut += 1,
                EventKind::IndicatorsShared => t.shared += 1,
                _ => {}
            }
        }
    }
    t
}

/// The events a decision caused, consecutive ones of a kind together: `host detected (hunt):
/// EST-GOV-WS-0037, EST-GOV-WS-0068`; `—` when it changed nothing. A nation is named only when it
/// is not the deciding seat's (a partner that received indicators).
fn changes(effects: &[Effect], seat: &str) -> Text {
    let mut groups: Vec<(&Effect, Vec<&str>)> = Vec::new();
    for e in effects {
        let what =
            e.host.as_deref().or(e.service.as_deref()).or(e.nation.as_deref().filter(|n| *n != seat)).unwrap_or("");
        match groups.last_mut() {
            Some((first, names)) if first.kind == e.kind && first.detail == e.detail => names.push(what),
            _ => groups.push((e, vec![what])),
        }
    }
    if groups.is_empty() {
        return Text::plain(super::cells::NONE);
    }
    let words: Vec<String> = groups
        .iter()
        .map(|(e, names)| {
            let detail = e.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            let mut shown: Vec<&str> = names.iter().copied().filter(|n| !n.is_empty()).take(NAMED).collect();
            shown.dedup();
            let more = names.len().saturating_sub(NAMED);
            let more = if more > 0 { format!(" +{more} more") } else { String::new() };
            let times = if names.len() > 1 { format!(" ×{}", names.len()) } else { String::new() };
            let on = if shown.is_empty() { String::new() } else { format!(": {}", shown.join(", ")) };
            format!("{}{detail}{times}{on}{more}", e.kind.as_str().replace('_', " "))
        })
        .collect();
    Text::plain(words.join("; "))
}

/// An action with its parameters, in words.
fn describe(a: &Action) -> Text {
    match a {
        Action::Prioritise { incidents, rule } => {
            let ids: Vec<String> = incidents.iter().map(u64::to_string).collect();
            let first = if ids.is_empty() { String::new() } else { format!(" incidents {} first", ids.join(", ")) };
            let rule = rule.map(|r| format!("; queue rule {}", r.name())).unwrap_or_default();
            Text::plain(format!("Prioritise{first}{rule}"))
        }
        Action::IsolateHost { host } => Text::plain("Isolate host ").with(code(host)),
        Action::BlockLink { from, to } => link("Cut the link ", from, to),
        Action::ReconnectLink { from, to } => link("Reconnect the link ", from, to),
        Action::IsolateSegment { segment } => Text::plain("Isolate segment ").with(code(segment)),
        Action::ReconnectSegment { segment } => Text::plain("Reconnect segment ").with(code(segment)),
        Action::Hunt { scope, campaign, analysts } => {
            let (what, id) = match scope {
                Scope::Group(g) => ("group ", g),
                Scope::Segment(s) => ("segment ", s),
            };
            let mut t = Text::plain(format!("Hunt {what}")).with(code(id));
            if let Some(c) = campaign {
                t = t.then(" for ").with(code(c));
            }
            t.then(format!(" with {} analyst(s)", analysts.unwrap_or(1)))
        }
        Action::RestoreHost { host, mode } => {
            let how = mode.map(|m| format!(" ({})", m.name())).unwrap_or_default();
            Text::plain("Restore host ").with(code(host)).then(how)
        }
        Action::RequestAssistance { provider } => Text::plain("Request assistance from ").with(code(provider)),
        Action::ReleaseAssistance { provider } => Text::plain("Release assistance from ").with(code(provider)),
        Action::ShareIndicators { campaign, to, tlp, .. } => {
            let t = Text::plain("Share indicators of ").with(code(campaign)).then(" with ").codes(to);
            let tlp = tlp.as_ref().map(|t| format!(" at {}", crate::scenario::model::name_of(t))).unwrap_or_default();
            t.then(tlp)
        }
        other => describe_more(other),
    }
}

/// [`describe`], continued: reports, services, injects and EXCON's actions.
fn describe_more(a: &Action) -> Text {
    match a {
        Action::SituationReport(s) => {
            let mut t = Text::plain(format!("Situation report: {} host(s) believed compromised", s.compromised));
            if !s.campaigns.is_empty() {
                t = t.then("; campaigns ").codes(&s.campaigns);
            }
            match &s.attribution {
                Some(x) => t.then(format!("; attributed to {} ({:.0}% confidence)", x.actor, x.confidence * 100.0)),
                None => t,
            }
        }
        Action::TakeServiceOffline { service } => Text::plain("Take service ").with(code(service)).then(" offline"),
        Action::BringServiceOnline { service } => Text::plain("Bring service ").with(code(service)).then(" online"),
        Action::AnswerInject { inject, answer } => {
            let t = Text::plain("Answer inject ").with(code(inject)).then(": ");
            match answer {
                Answer::Acknowledged => t.then("acknowledged"),
                Answer::Choice(c) => t.then("choice ").with(code(c)),
                Answer::Text(x) => t.then(format!("“{x}”")),
            }
        }
        Action::FireInject { inject } => Text::plain("Fire inject ").with(code(inject)).then(" now"),
        Action::DisableInject { inject } => Text::plain("Disable inject ").with(code(inject)),
        Action::AddInject { to, text } => {
            let to = to.as_deref().unwrap_or("every team");
            Text::plain(format!("Message to {to}: “{text}”"))
        }
        Action::SetCapacity { nation, analysts } => {
            Text::plain(format!("Set {nation}'s analysts on shift to {analysts}"))
        }
        Action::EndExercise => Text::plain("End the exercise now (ENDEX)"),
        other => Text::code(other.name()),
    }
}

fn code(s: &str) -> crate::report::doc::Span {
    crate::report::doc::Span::Code(s.to_string())
}

fn link(verb: &str, from: &str, to: &str) -> Text {
    Text::plain(verb).with(code(from)).then(" ↔ ").with(code(to))
}
