//! The assessment as it was before the indexed rewrite (`score::facts`): quadratic in places and
//! reading rendered events, kept unchanged as the test oracle the indexed assessment must match
//! byte for byte. Test-only.
//!
//! Assessment of a run: lifecycle metrics, Locked Shields-style scores with a ledger that explains
//! every point, P/S/M/U ratings of each objective with evidence, the executed MSEL and an
//! improvement plan. Computed once from the scenario and the run's outcome, stored in
//! `results.json`, and rendered by `report` without re-running anything.

#![allow(dead_code, unused_imports, reason = "a test oracle: only `assess` is called")]

pub mod assist;
pub mod metrics;
pub mod ratings;
pub mod scoring;
use crate::score::techniques;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scenario::model::{RatingThresholds, Scenario};
use crate::sim::{Event, EventKind, RunOutcome};
use metrics::{Availability, Coverage, Definition, Incident, Lifecycle};
pub use ratings::{ObjectiveRating, Rating};
pub use scoring::{LedgerEntry, Scores};

/// Everything the evaluators read, computed from one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Exact start → end definition of every time metric.
    pub definitions: Vec<Definition>,
    /// The exercise-wide lifecycle metrics (kind `exercise`): means over every incident of every
    /// nation. The one source of the headline MTTD / MTTC / MTTR in every output.
    pub exercise: Lifecycle,
    /// Lifecycle metrics per nation, team, campaign and stage.
    pub lifecycle: Vec<Lifecycle>,
    /// Service availability.
    pub availability: Vec<Availability>,
    /// Criticality-weighted availability per nation.
    pub nation_availability: BTreeMap<String, f64>,
    /// Data lost per nation, MB.
    pub data_lost_mb: BTreeMap<String, f64>,
    /// ATT&CK coverage per technique, with names and tactics in the scenario's ATT&CK version.
    pub attack_coverage: Vec<Coverage>,
    /// Per nation: first detection → first request, and request → on task, seconds.
    pub assistance: Vec<AssistanceTiming>,
    /// Per nation: first detection → the team first sends indicators to partners, seconds.
    pub sharing: Vec<SharingTiming>,
    /// Compromise → detection → containment → recovery counts over time, per nation.
    pub timelines: Vec<Timeline>,
    /// Scores and the ledger.
    pub scores: Scores,
    /// P/S/M/U ratings of the objectives.
    pub ratings: Vec<ObjectiveRating>,
    /// The thresholds the rating rule used (the scenario's `scoring.ratings`).
    pub rating_thresholds: RatingThresholds,
    /// The MSEL, planned against actual.
    pub msel: Vec<MselRow>,
    /// Appendix A: corrective actions for every area for improvement.
    pub improvement_plan: Vec<Improvement>,
}

/// Assistance timings of one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistanceTiming {
    /// Requesting nation.
    pub nation: String,
    /// Provider.
    pub provider: String,
    /// Why it was requested (policy, inject).
    pub reason: String,
    /// First detection in the nation → request, seconds (absent when nothing was detected first).
    pub time_to_request_s: Option<u64>,
    /// Request → on task, seconds (absent if it never arrived).
    pub time_to_on_task_s: Option<u64>,
    /// Requested, approved, on task, off task (scenario seconds).
    pub requested_s: u64,
    /// Approval time.
    pub approved_s: Option<u64>,
    /// On task time.
    pub on_task_s: Option<u64>,
    /// Off task time.
    pub off_task_s: Option<u64>,
    /// MTTC of the nation's incidents detected before the team was on task (whenever they were
    /// contained), seconds.
    pub mttc_before_s: Option<f64>,
    /// How many incidents `mttc_before_s` is the mean of.
    pub mttc_before_n: u64,
    /// MTTC of the nation's incidents detected while the team was on task, seconds.
    pub mttc_during_s: Option<f64>,
    /// How many incidents `mttc_during_s` is the mean of.
    pub mttc_during_n: u64,
    /// Incidents the nation contained while the team was on task.
    pub contained_during: u64,
    /// Incidents the nation contained between its first detection and the team's arrival.
    pub contained_before: u64,
    /// Incidents there were to contain while the team was on task: not contained when it
    /// arrived, and detected before it left.
    pub to_contain_during: u64,
    /// Containments per hour before the team arrived (first detection → on task).
    pub containment_rate_before_per_h: Option<f64>,
    /// Containments per hour while the team was on task.
    pub containment_rate_during_per_h: Option<f64>,
    /// Rate during ÷ rate before; absent unless both windows reach the minimum sample
    /// ([`assist::MIN_CONTAINMENTS_PER_WINDOW`]).
    pub containment_rate_ratio: Option<f64>,
    /// What the team changed, in one or two plain sentences, printed by every report.
    pub finding: String,
}

/// Indicator sharing timing of one nation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharingTiming {
    /// Nation.
    pub nation: String,
    /// First detection, seconds.
    pub first_detection_s: u64,
    /// When the team first sent indicators to partners, seconds (absent if it never did).
    pub first_sent_s: Option<u64>,
    /// First arrival at a partner, seconds (absent if nothing reached a partner by ENDEX). The
    /// agreement's transport latency, for information: it is not part of the time to share.
    pub first_arrival_s: Option<u64>,
    /// Time to share: first detection → first sent, seconds (the team's decision to share).
    pub time_to_share_s: Option<u64>,
}

/// Cumulative lifecycle counts of one nation over time (a step function).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Nation.
    pub nation: String,
    /// Points `[t_s, compromised, detected, contained, recovered]` at each change.
    pub points: Vec<[u64; 5]>,
}

/// One MSEL inject, planned against actual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MselRow {
    /// Inject id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Planned: `T+…` or the trigger.
    pub planned: String,
    /// Delivered at, seconds (absent if never delivered).
    pub delivered_s: Option<u64>,
    /// `delivered` or `not delivered`.
    pub status: String,
    /// Recipient.
    pub to: String,
    /// Expected player action.
    pub expected_action: String,
    /// Objectives it exercises.
    pub objectives: Vec<String>,
    /// Event id of the delivery.
    pub event: Option<u64>,
}

/// One row of the improvement plan (HSEEP AAR/IP Appendix A).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Improvement {
    /// Objective it comes from.
    pub objective: String,
    /// Core capability.
    pub capability: String,
    /// The area for improvement.
    pub issue: String,
    /// Recommended corrective action.
    pub corrective_action: String,
    /// POETE capability element: Planning, Organization, Equipment, Training, Exercise.
    pub element: String,
    /// Primary responsible organisation.
    pub responsible: String,
}

/// Assesses a run of `scenario`.
pub fn assess(scenario: &Scenario, outcome: &RunOutcome) -> Assessment {
    let events = &outcome.events.to_vec();
    let summary = &outcome.summary;
    let end_s = summary.duration_s;
    let incidents = metrics::incidents(events);
    let (exercise, lifecycle) = lifecycles(scenario, events, &incidents);
    let services: Vec<(String, String, f64)> = scenario
        .nations
        .iter()
        .flat_map(|n| n.services.iter().map(move |s| (s.id.clone(), n.id.clone(), s.weight)))
        .collect();
    let availability = metrics::availability(events, &services, end_s);
    let nation_availability = scenario
        .nations
        .iter()
        .map(|n| (n.id.clone(), metrics::weighted_uptime(availability.iter().filter(|a| a.nation == n.id))))
        .collect();
    let data_lost_mb = summary.nations.iter().map(|n| (n.id.clone(), n.data_lost_mb)).collect();
    let first_det = metrics::first_detection(&incidents);
    let assistance =
        summary.assistance.iter().map(|a| assist::timing(a, &incidents, first_det.get(&a.nation), end_s)).collect();
    let ratings = ratings::rate(scenario, summary, events, &incidents, &availability);
    Assessment {
        definitions: metrics::definitions(),
        exercise,
        lifecycle,
        nation_availability,
        data_lost_mb,
        attack_coverage: labelled_coverage(scenario, events, &incidents),
        assistance,
        sharing: sharing_timings(events, &first_det),
        timelines: timelines(scenario, events),
        scores: scoring::score(scenario, summary, events, &incidents, &availability),
        availability,
        improvement_plan: ratings::improvement_plan(scenario, &ratings),
        ratings,
        rating_thresholds: scenario.scoring.ratings.clone(),
        msel: msel_rows(scenario, events),
    }
}

/// Lifecycle metrics: the exercise's (over every incident), then per nation, per team, per
/// campaign, and per stage of a campaign that had incidents at that stage.
fn lifecycles(scenario: &Scenario, events: &[Event], incidents: &[Incident]) -> (Lifecycle, Vec<Lifecycle>) {
    let mut lifecycle = Vec::new();
    let all: Vec<&Incident> = incidents.iter().collect();
    let first_compromise = metrics::first_compromise_by(events, |_| Some(String::new())).into_values().next();
    let exercise = metrics::lifecycle("exercise", metrics::EXERCISE_SCOPE, &all, first_compromise);
    let nations_fc = metrics::first_compromise_by(events, |e| e.nation.clone());
    let campaigns_fc = metrics::first_compromise_by(events, |e| e.campaign.clone());
    let of = |keep: &dyn Fn(&Incident) -> bool| -> Vec<&Incident> { incidents.iter().filter(|i| keep(i)).collect() };
    for n in &scenario.nations {
        lifecycle.push(metrics::lifecycle("nation", &n.id, &of(&|i| i.nation == n.id), nations_fc.get(&n.id).copied()));
    }
    for n in &scenario.nations {
        let first = nations_fc.get(&n.id).copied();
        lifecycle.push(metrics::lifecycle("team", &n.team.id, &of(&|i| i.team == n.team.id), first));
    }
    for c in &scenario.campaigns {
        let first = campaigns_fc.get(&c.id).copied();
        lifecycle.push(metrics::lifecycle("campaign", &c.id, &of(&|i| i.campaign == c.id), first));
        for st in &c.stages {
            let incs = of(&|i| i.campaign == c.id && i.stage == st.id);
            if !incs.is_empty() {
                lifecycle.push(metrics::lifecycle("stage", &format!("{}/{}", c.id, st.id), &incs, None));
            }
        }
    }
    (exercise, lifecycle)
}

/// Per nation with a detection: when its team first sent indicators to partners (the time to
/// share, from its first detection) and when they first arrived at one.
fn sharing_timings(events: &[Event], first_det: &BTreeMap<String, (u64, u64)>) -> Vec<SharingTiming> {
    let arrivals = metrics::first_share_arrival(events);
    let sent = metrics::first_share_decision(events);
    first_det
        .iter()
        .map(|(n, d)| {
            let first_sent_s = sent.get(n).map(|a| a.0);
            SharingTiming {
                nation: n.clone(),
                first_detection_s: d.0,
                first_sent_s,
                first_arrival_s: arrivals.get(n).map(|a| a.0),
                time_to_share_s: first_sent_s.map(|a| a.saturating_sub(d.0)),
            }
        })
        .collect()
}

/// Per-technique coverage labelled with names and tactics from the scenario's ATT&CK version.
fn labelled_coverage(scenario: &Scenario, events: &[Event], incidents: &[Incident]) -> Vec<Coverage> {
    let mut coverage = metrics::attack_coverage(events, incidents);
    metrics::label_coverage(&mut coverage, &techniques::labels(scenario));
    coverage
}

/// Each nation's cumulative compromised, detected, contained and recovered counts, one point per
/// time they changed.
fn timelines(scenario: &Scenario, events: &[Event]) -> Vec<Timeline> {
    scenario
        .nations
        .iter()
        .map(|n| {
            let mut counts = [0u64; 4];
            let mut points: Vec<[u64; 5]> = vec![[0, 0, 0, 0, 0]];
            for e in events.iter().filter(|e| e.nation.as_deref() == Some(n.id.as_str())) {
                let slot = match e.kind {
                    EventKind::HostCompromised => 0,
                    EventKind::HostDetected => 1,
                    EventKind::HostContained => 2,
                    EventKind::HostRecovered => 3,
                    _ => continue,
                };
                counts[slot] += 1;
                let p = [e.time_s, counts[0], counts[1], counts[2], counts[3]];
                match points.last_mut() {
                    Some(last) if last[0] == e.time_s => *last = p,
                    _ => points.push(p),
                }
            }
            Timeline { nation: n.id.clone(), points }
        })
        .collect()
}

/// The MSEL, planned (time or trigger) against its first delivery.
fn msel_rows(scenario: &Scenario, events: &[Event]) -> Vec<MselRow> {
    let mut delivered: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::InjectDelivered) {
        if let Some(i) = e.inject.as_deref() {
            delivered.entry(i).or_insert((e.time_s, e.id));
        }
    }
    scenario
        .msel
        .iter()
        .map(|inj| {
            let planned = match (&inj.at, &inj.trigger) {
                (Some(at), _) => crate::fmt::tplus(at.secs()),
                (None, Some(t)) => {
                    let what = crate::scenario::model::name_of(&t.event);
                    let subject = t.campaign.as_deref().or(t.inject.as_deref()).or(t.nation.as_deref()).unwrap_or("");
                    let delay = if t.delay.secs() > 0 { format!(" + {}", t.delay) } else { String::new() };
                    format!("on {what} {subject}{delay}").trim().to_string()
                }
                (None, None) => "—".to_string(),
            };
            let d = delivered.get(inj.id.as_str()).copied();
            MselRow {
                id: inj.id.clone(),
                title: inj.title.clone(),
                planned,
                delivered_s: d.map(|x| x.0),
                status: if d.is_some() { "delivered".into() } else { "not delivered".into() },
                to: inj.to.clone().unwrap_or_default(),
                expected_action: inj.expected_action.clone().unwrap_or_default(),
                objectives: inj.objectives.clone(),
                event: d.map(|x| x.1),
            }
        })
        .collect()
}
