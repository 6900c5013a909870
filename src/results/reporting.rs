//! Owns the scoring of situation reports (Locked Shields' reporting category): each report a
//! team sent is scored on timeliness and on accuracy against the ground truth at the moment it
//! was sent, with its attribution scored on its own. Played sessions only; the scores stand
//! beside the nation's total, not in it, so a played run stays comparable with doctrine runs
//! (which send no reports).
//!
//! Ground truth at a report sent at tick boundary `t`: the hosts of the nation compromised by the
//! end of tick `t − 1` and not restored since, and the campaigns holding them. Each part scores
//! 0–100:
//! * **timeliness:** 100 for a report within [`REPORT_WINDOW_S`] of the nation's first
//!   detection (or before any), falling linearly to 0 at [`REPORT_LATE_S`];
//! * **hosts:** `100 × (1 − |estimate − truth| / max(estimate, truth, 1))`;
//! * **campaigns:** the F1 score of the campaigns named against those active (100 when both are
//!   empty);
//! * **attribution** (when given): `100 × confidence` when the actor's name and kind match an
//!   active campaign's actor (names compared without case, punctuation, parenthesised remarks or
//!   the `OPFOR` label, and one may be part of the other: `Crimson Otter` names `OPFOR CRIMSON
//!   OTTER (fictional)`), `50 × confidence` when only the kind does, 0
//!   otherwise — a confident wrong attribution scores nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Decision;
use crate::scenario::model::Scenario;
use crate::sim::actions::Action;
use crate::sim::{EventKind, EventStream};

/// A report within this long after the nation's first detection is fully timely.
pub const REPORT_WINDOW_S: u64 = 3600;
/// A report this long after it scores no timeliness.
pub const REPORT_LATE_S: u64 = 12 * 3600;

/// One situation report, scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportScore {
    /// Tick boundary it was sent at.
    pub tick: u64,
    /// Reporting nation.
    pub nation: String,
    /// Hosts it estimated compromised, and the truth.
    pub hosts: (u32, u64),
    /// Campaigns it named, and those active.
    pub campaigns: (Vec<String>, Vec<String>),
    /// Its attribution (actor, kind, confidence), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed: Option<(String, String, f64)>,
    /// Scores, 0–100.
    pub timeliness: f64,
    /// Host-count accuracy.
    pub host_accuracy: f64,
    /// Campaign accuracy (F1).
    pub campaign_accuracy: f64,
    /// Attribution score, when attributed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<f64>,
}

/// The truth a report is held against: per nation, compromised hosts → campaign.
#[derive(Default)]
struct Truth {
    compromised: BTreeMap<String, BTreeMap<String, String>>,
    first_detection: BTreeMap<String, u64>,
}

impl Truth {
    fn apply(&mut self, e: &crate::sim::Event) {
        let (Some(nation), Some(host)) = (&e.nation, &e.host) else { return };
        match e.kind {
            EventKind::HostCompromised => {
                let c = e.campaign.clone().unwrap_or_default();
                self.compromised.entry(nation.clone()).or_default().insert(host.clone(), c);
            }
            EventKind::HostRecovered | EventKind::HostRestored => {
                self.compromised.entry(nation.clone()).or_default().remove(host);
            }
            EventKind::HostDetected => {
                self.first_detection.entry(nation.clone()).or_insert(e.time_s);
            }
            _ => {}
        }
    }
}

/// Every applied situation report among `decisions`, scored against the event log.
pub fn score(s: &Scenario, decisions: &[Decision], events: &EventStream) -> Vec<ReportScore> {
    let reports: Vec<&Decision> =
        decisions.iter().filter(|d| d.outcome.applied && matches!(d.action, Action::SituationReport(_))).collect();
    if reports.is_empty() {
        return Vec::new();
    }
    let tick_s = s.clock.tick.secs().max(1);
    let mut truth = Truth::default();
    let mut all = events.iter().peekable();
    let mut out = Vec::new();
    for d in reports {
        while let Some(e) = all.next_if(|e| e.tick < d.tick) {
            truth.apply(&e);
        }
        if let Action::SituationReport(r) = &d.action {
            out.push(one(s, &truth, d, r, tick_s));
        }
    }
    out
}

fn one(s: &Scenario, truth: &Truth, d: &Decision, r: &crate::sim::desk::Sitrep, tick_s: u64) -> ReportScore {
    let held = truth.compromised.get(&d.seat);
    let actual = held.map_or(0, |m| m.len() as u64);
    let active: BTreeSet<String> = held.map(|m| m.values().cloned().collect()).unwrap_or_default();
    let named: BTreeSet<String> = r.campaigns.iter().cloned().collect();
    let sent = d.tick * tick_s;
    let delay = truth.first_detection.get(&d.seat).map_or(0, |&f| sent.saturating_sub(f));
    let timeliness = if delay <= REPORT_WINDOW_S {
        100.0
    } else {
        100.0 * (1.0 - (delay - REPORT_WINDOW_S) as f64 / (REPORT_LATE_S - REPORT_WINDOW_S) as f64).max(0.0)
    };
    let est = u64::from(r.compromised);
    let host_accuracy = 100.0 * (1.0 - est.abs_diff(actual) as f64 / est.max(actual).max(1) as f64);
    let hits = named.intersection(&active).count() as f64;
    let campaign_accuracy = if named.is_empty() && active.is_empty() {
        100.0
    } else {
        100.0 * 2.0 * hits / (named.len() + active.len()) as f64
    };
    let actors: Vec<&crate::scenario::model::Actor> =
        s.campaigns.iter().filter(|c| active.contains(&c.id)).map(|c| &c.actor).collect();
    let attribution = r.attribution.as_ref().map(|a| {
        let kind = actors.iter().any(|x| x.kind == a.kind);
        let both = actors.iter().any(|x| x.kind == a.kind && same_actor(&a.actor, &x.name));
        100.0
            * a.confidence
            * if both {
                1.0
            } else if kind {
                0.5
            } else {
                0.0
            }
    });
    ReportScore {
        tick: d.tick,
        nation: d.seat.clone(),
        hosts: (r.compromised, actual),
        campaigns: (named.into_iter().collect(), active.into_iter().collect()),
        attributed: r
            .attribution
            .as_ref()
            .map(|a| (a.actor.clone(), crate::scenario::model::name_of(&a.kind), a.confidence)),
        timeliness: round1(timeliness),
        host_accuracy: round1(host_accuracy),
        campaign_accuracy: round1(campaign_accuracy),
        attribution: attribution.map(round1),
    }
}

/// A name reduced for comparison: lower case, no parenthesised remark, no `opfor`, words of
/// letters and digits only.
fn reduced(name: &str) -> String {
    let mut depth = 0u32;
    let kept: String = name
        .chars()
        .filter(|&c| {
            depth = match c {
                '(' => depth + 1,
                ')' => depth.saturating_sub(1),
                _ => depth,
            };
            depth == 0 && c != ')'
        })
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' })
        .collect();
    kept.split_whitespace().filter(|w| *w != "opfor").collect::<Vec<_>>().join(" ")
}

/// Whether a reported actor name names the scenario's actor.
fn same_actor(reported: &str, actual: &str) -> bool {
    let (r, a) = (reduced(reported), reduced(actual));
    r.len() >= 4 && (r == a || a.contains(&r) || r.contains(&a))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Decision;
    use crate::scenario::model::ActorKind;
    use crate::sim::actions::Outcome;
    use crate::sim::desk::{Attribution, Sitrep};

    fn report(tick: u64, compromised: u32, campaigns: &[&str], attribution: Option<Attribution>) -> (Decision, Sitrep) {
        let r = Sitrep { compromised, campaigns: campaigns.iter().map(|c| c.to_string()).collect(), attribution };
        let d = Decision {
            tick,
            seat: "EST".into(),
            action: Action::SituationReport(r.clone()),
            outcome: Outcome { applied: true, note: None, events: vec![] },
            effects: vec![],
        };
        (d, r)
    }

    #[test]
    fn each_part_scores_as_documented() {
        let s = crate::cli::load_default().unwrap().scenario;
        let mut truth = Truth::default();
        let held: BTreeMap<String, String> = (1..=8).map(|i| (format!("H{i}"), "CAMP-RW-1".to_string())).collect();
        truth.compromised.insert("EST".into(), held);
        truth.first_detection.insert("EST".into(), 0);
        let actor = s.campaigns[0].actor.clone();
        assert!(same_actor("Crimson Otter", "OPFOR CRIMSON OTTER (fictional)"));
        assert!(!same_actor("fictional", "OPFOR CRIMSON OTTER (fictional)"), "a remark is not a name");
        let right = Attribution { actor: actor.name.to_lowercase(), kind: actor.kind, confidence: 0.8 };
        // 300 s ticks: tick 12 is 1 h after the first detection (fully timely); tick 78 is 6.5 h.
        let (d, r) = report(12, 6, &["CAMP-RW-1"], Some(right));
        let x = one(&s, &truth, &d, &r, 300);
        assert_eq!(
            (x.timeliness, x.host_accuracy, x.campaign_accuracy, x.attribution),
            (100.0, 75.0, 100.0, Some(80.0))
        );
        let wrong_name = Attribution { actor: "someone else".into(), kind: actor.kind, confidence: 1.0 };
        let (d, r) = report(78, 10, &["CAMP-RW-1", "CAMP-X"], Some(wrong_name));
        let x = one(&s, &truth, &d, &r, 300);
        assert_eq!(x.timeliness, 50.0, "halfway between 1 h and 12 h");
        assert_eq!(x.host_accuracy, 80.0);
        assert_eq!(x.campaign_accuracy, 66.7, "F1 of one hit among two named and one active");
        assert_eq!(x.attribution, Some(50.0), "the kind only");
        let other = if actor.kind == ActorKind::State { ActorKind::Criminal } else { ActorKind::State };
        let (d, r) = report(300, 0, &[], Some(Attribution { actor: actor.name.clone(), kind: other, confidence: 1.0 }));
        let x = one(&s, &truth, &d, &r, 300);
        assert_eq!((x.timeliness, x.host_accuracy, x.campaign_accuracy, x.attribution), (0.0, 0.0, 0.0, Some(0.0)));
    }
}
