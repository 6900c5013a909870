//! Owns the verdicts on inject expectations (`expects:`) and what they feed: an expected action
//! is checked against the decisions, a manual response against the evaluators' validations; each
//! verdict is one entry of the scoring ledger (category `expectations`, rules [`RULES`]) and
//! evidence for the objectives its inject names. An unvalidated manual expectation stays
//! `unvalidated`, never silently passed or failed.
//!
//! * **Action:** met when the expected team (`by`) took an *applied* decision of that `type` —
//!   a player's, at a tick boundary, or one doctrine took on the team's behalf, within a tick —
//!   from the inject's delivery tick up to `delivery + ⌈within / tick⌉`, directed to `to` and
//!   about `campaign` when those are given and the action carries them (see [`matches`]); the
//!   earliest such decision meets it. Missed otherwise; `not
//!   delivered` when the inject never was.
//! * **Manual:** the latest `validation` note an evaluator or EXCON wrote for it gives its points
//!   (0 to the expectation's `points`); without one it is `unvalidated`.
//! * **Points** stand beside each nation's total (0–100), never in it
//!   ([`crate::score::scoring::ExpectationTally`]), so runs of scenarios with and without
//!   expectations keep comparable totals. The objectives' ratings stay the metric's: a verdict
//!   adds its events to their evidence, a strength (met, validated) or an area for improvement
//!   and an improvement-plan row (missed); an evaluator may override the rating.

use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use super::{Decision, EvaluatorNote, NoteBody};
use crate::scenario::model::{ExpectationCheck, Scenario};
use crate::score::scoring::{ExpectationTally, LedgerEntry};
use crate::score::{Assessment, Improvement, MselRow};
use crate::sim::actions::Action;

/// What became of one expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectationResult {
    /// Expectation id.
    pub id: String,
    /// The inject carrying it.
    pub inject: String,
    /// The nation expected to act.
    pub nation: String,
    /// What is expected, in words.
    pub description: String,
    /// `met`, `missed`, `not_delivered`, `validated` or `unvalidated`.
    pub status: String,
    /// Deadline tick (action expectations of delivered injects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_tick: Option<u64>,
    /// The tick of the decision that met it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_tick: Option<u64>,
    /// Met by a decision doctrine took on the team's behalf, not by a player.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_doctrine: bool,
    /// Points earned and the most available (met, missed, validated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<(f64, f64)>,
    /// The validator's words (manual, validated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The events behind the verdict: the inject's delivery, then those of the decision that met
    /// it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<u64>,
}

/// The nation id a `by` (team or nation id) names.
fn nation_of<'a>(s: &'a Scenario, by: &'a str) -> &'a str {
    s.nations.iter().find(|n| n.id == by || n.team.id == by).map_or(by, |n| n.id.as_str())
}

/// Whether decision `d` is the expected action. `to` and `campaign` are held against the
/// actions that carry them (`share_indicators`: both; `hunt`: the campaign, a hunt for every
/// campaign covering any); an action that carries neither meets them by its type alone.
fn matches(d: &Decision, action: &str, to: Option<&str>, campaign: Option<&str>) -> bool {
    if !d.outcome.applied || d.action.name() != action {
        return false;
    }
    match &d.action {
        Action::ShareIndicators { to: list, campaign: c, .. } => {
            to.is_none_or(|t| list.iter().any(|x| x == t)) && campaign.is_none_or(|w| c == w)
        }
        Action::Hunt { campaign: c, .. } => campaign.is_none_or(|w| c.as_deref().is_none_or(|x| x == w)),
        _ => true,
    }
}

/// Every expectation of the scenario, judged.
pub fn judge(
    s: &Scenario,
    msel: &[MselRow],
    decisions: &[Decision],
    notes: &[EvaluatorNote],
) -> Vec<ExpectationResult> {
    let tick = s.clock.tick.secs().max(1);
    let mut out = Vec::new();
    for inject in &s.msel {
        let row = msel.iter().find(|m| m.id == inject.id);
        let delivered = row.and_then(|m| m.delivered_s).map(|t| t / tick);
        let delivery_event: Vec<u64> = row.and_then(|m| m.event).into_iter().collect();
        for e in &inject.expects {
            let nation = nation_of(s, &e.by).to_string();
            let mut r = ExpectationResult {
                id: e.id.clone(),
                inject: inject.id.clone(),
                nation: nation.clone(),
                description: e.description.clone().unwrap_or_else(|| e.action.clone().unwrap_or_default()),
                status: String::new(),
                deadline_tick: None,
                met_tick: None,
                by_doctrine: false,
                points: None,
                note: None,
                events: delivery_event.clone(),
            };
            match e.check() {
                Some(ExpectationCheck::Action { action, within, to, campaign, points }) => {
                    let Some(from) = delivered else {
                        r.status = "not_delivered".into();
                        out.push(r);
                        continue;
                    };
                    let until = from + within.secs().div_ceil(tick);
                    r.deadline_tick = Some(until);
                    let hit = decisions
                        .iter()
                        .filter(|d| {
                            d.seat == nation && (from..=until).contains(&d.tick) && matches(d, action, to, campaign)
                        })
                        .min_by_key(|d| d.tick);
                    r.met_tick = hit.map(|d| d.tick);
                    r.by_doctrine = hit.is_some_and(|d| d.outcome.note.as_deref() == Some(super::BY_DOCTRINE));
                    r.events.extend(hit.iter().flat_map(|d| d.outcome.events.iter().copied()));
                    r.status = if hit.is_some() { "met" } else { "missed" }.into();
                    r.points = Some((if hit.is_some() { points } else { 0.0 }, points));
                }
                Some(ExpectationCheck::Manual { points }) => {
                    let v = notes.iter().rev().find_map(|n| match &n.note {
                        NoteBody::Validation { expectation, points, text } if expectation == &e.id => {
                            Some((*points, text.clone()))
                        }
                        _ => None,
                    });
                    r.status = if v.is_some() { "validated" } else { "unvalidated" }.into();
                    r.points = v.as_ref().map(|(p, _)| (*p, points));
                    r.note = v.map(|(_, t)| t);
                }
                None => continue,
            }
            out.push(r);
        }
    }
    out
}

/// The ledger rules of expectations, as printed in reports (beside the scoring rules).
pub const RULES: [(&str, &str); 4] = [
    (
        "expectations.met",
        "An expected action taken by the expected team within the deadline after the inject's delivery (directed to the nation and about the campaign the expectation names, when it names them) earns the expectation's points (10 unless the scenario sets `points`).",
    ),
    ("expectations.missed", "An expected action not taken within the deadline earns 0 of its points."),
    (
        "expectations.validated",
        "A manual response earns the points an evaluator or EXCON awarded it (the latest validation), from 0 to its `points`.",
    ),
    (
        "expectations.unvalidated / .not_delivered",
        "A manual response nobody validated, or any expectation of an inject never delivered, is recorded at 0 and not counted: neither passed nor failed.",
    ),
];

/// Writes each verdict into the assessment: one ledger entry (category `expectations`), each
/// nation's tally beside its total, and, for every objective its inject names, the verdict's
/// events, a strength or an area for improvement (with its improvement-plan row).
pub fn credit(s: &Scenario, a: &mut Assessment, verdicts: &[ExpectationResult]) {
    let tick = s.clock.tick.secs().max(1);
    for v in verdicts {
        let (rule, note) = ledger_line(v, tick);
        let earned = v.points.map_or(0.0, |(p, _)| p);
        let each = (earned * 1000.0).round() as i64;
        a.scores.ledger.push(LedgerEntry {
            subject: v.nation.clone(),
            category: Cow::Borrowed(CATEGORY),
            rule: Cow::Borrowed(rule),
            count: 1,
            each_milli: each,
            milli: each,
            events: v.events.clone(),
            hosts: Vec::new(),
            note,
        });
        tally(s, a, v);
        let note = &a.scores.ledger[a.scores.ledger.len() - 1].note;
        let line = format!("Expectation {note}{}", if note.ends_with('.') { "" } else { "." });
        feed_objectives(s, a, v, line);
    }
}

/// The ledger category of expectations.
pub const CATEGORY: &str = "expectations";

/// The rule a verdict applies and its note.
fn ledger_line(v: &ExpectationResult, tick: u64) -> (&'static str, String) {
    let at = |t: Option<u64>| t.map_or_else(String::new, |t| crate::fmt::tplus(t * tick));
    let (earned, of) = v.points.unwrap_or((0.0, 0.0));
    match v.status.as_str() {
        "met" => {
            let by = if v.by_doctrine { " by doctrine" } else { "" };
            let when = format!("at {} (deadline {})", at(v.met_tick), at(v.deadline_tick));
            ("expectations.met", format!("{} met{by} {when}: {}", v.id, v.description))
        }
        "missed" => (
            "expectations.missed",
            format!("{} missed (0 of {of} points): nothing by {} — {}", v.id, at(v.deadline_tick), v.description),
        ),
        "validated" => (
            "expectations.validated",
            format!("{} validated by hand: {earned} of {of} points — {}", v.id, v.description),
        ),
        "not_delivered" => {
            ("expectations.not_delivered", format!("{} not counted: inject {} was never delivered", v.id, v.inject))
        }
        _ => (
            "expectations.unvalidated",
            format!("{} not validated: neither passed nor failed — {}", v.id, v.description),
        ),
    }
}

/// Adds a verdict to its nation's tally: earned is the sum of the nation's `expectations`
/// entries (so the tally is its ledger's sum), available the points of judged expectations.
fn tally(s: &Scenario, a: &mut Assessment, v: &ExpectationResult) {
    let Some(n) = a.scores.nations.iter_mut().find(|n| n.nation == v.nation) else { return };
    let t = n.expectations.get_or_insert(ExpectationTally { earned: 0.0, available: 0.0, open: 0.0 });
    match (v.status.as_str(), v.points) {
        (_, Some((earned, of))) => {
            t.earned = ((t.earned + earned) * 1000.0).round() / 1000.0;
            t.available += of;
        }
        ("unvalidated", None) => t.open += manual_points(s, &v.id).unwrap_or(0.0),
        _ => {}
    }
}

/// The objectives an inject names, given the verdict's evidence and, as its ledger `line` says
/// it, its strength or area for improvement.
fn feed_objectives(s: &Scenario, a: &mut Assessment, v: &ExpectationResult, line: String) {
    let Some(inject) = s.msel.iter().find(|i| i.id == v.inject) else { return };
    for r in a.ratings.iter_mut().filter(|r| inject.objectives.contains(&r.id)) {
        r.expectations.push((v.id.clone(), v.status.clone()));
        for &e in &v.events {
            if !r.evidence.contains(&e) {
                r.evidence.push(e);
            }
        }
        match v.status.as_str() {
            "met" | "validated" => r.strengths.push(line.clone()),
            "missed" => {
                let issue = line.clone();
                r.improvements.push(issue.clone());
                a.improvement_plan.push(Improvement {
                    objective: r.id.clone(),
                    capability: r.capability.clone(),
                    issue,
                    corrective_action: format!(
                        "Rehearse the expected response to inject {} ({}) within its deadline and write it into the team's playbook.",
                        v.inject, v.description
                    ),
                    element: "Training".into(),
                    responsible: team_name(s, &v.nation),
                });
            }
            _ => {}
        }
    }
}

/// A nation's team, by name when it has one.
fn team_name(s: &Scenario, nation: &str) -> String {
    s.nations
        .iter()
        .find(|n| n.id == nation)
        .map_or_else(|| nation.to_string(), |n| n.team.name.clone().unwrap_or_else(|| n.team.id.clone()))
}

/// The most points a manual expectation `id` awards, or why it cannot be validated.
pub fn manual_points(s: &Scenario, id: &str) -> Result<f64, String> {
    let e = s
        .msel
        .iter()
        .flat_map(|i| &i.expects)
        .find(|e| e.id == id)
        .ok_or_else(|| format!("unknown expectation `{id}`"))?;
    match e.check() {
        Some(ExpectationCheck::Manual { points }) => Ok(points),
        _ => Err(format!("expectation `{id}` is checked automatically from the decisions, not validated by hand")),
    }
}
