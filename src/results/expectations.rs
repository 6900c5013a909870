//! Owns the verdicts on inject expectations (`expects:`): an expected action is checked against
//! the decisions, a manual response against the evaluators' validations; an unvalidated manual
//! expectation stays `unvalidated`, never silently passed or failed.
//!
//! * **Action:** met when the expected team (`by`) took an *applied* decision of that `type` at a
//!   tick boundary from the inject's delivery tick up to `delivery + ⌈within / tick⌉`, directed
//!   to `to` and about `campaign` when those are given and the action carries them (see
//!   [`matches`]); the first such decision meets it. Missed otherwise; `not
//!   delivered` when the inject never was.
//! * **Manual:** the latest `validation` note an evaluator or EXCON wrote for it gives its points
//!   (0 to the expectation's `points`); without one it is `unvalidated`.

use serde::{Deserialize, Serialize};

use super::{Decision, EvaluatorNote, NoteBody};
use crate::scenario::model::{ExpectationCheck, Scenario};
use crate::score::MselRow;
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
    /// Points awarded (manual, validated) and the most available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<(f64, f64)>,
    /// The validator's words (manual, validated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
        let delivered = msel.iter().find(|m| m.id == inject.id).and_then(|m| m.delivered_s).map(|t| t / tick);
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
                points: None,
                note: None,
            };
            match e.check() {
                Some(ExpectationCheck::Action { action, within, to, campaign }) => {
                    let Some(from) = delivered else {
                        r.status = "not_delivered".into();
                        out.push(r);
                        continue;
                    };
                    let until = from + within.secs().div_ceil(tick);
                    r.deadline_tick = Some(until);
                    let hit = decisions.iter().find(|d| {
                        d.seat == nation && (from..=until).contains(&d.tick) && matches(d, action, to, campaign)
                    });
                    r.met_tick = hit.map(|d| d.tick);
                    r.status = if hit.is_some() { "met" } else { "missed" }.into();
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
