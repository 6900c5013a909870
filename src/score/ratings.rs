//! P/S/M/U ratings of exercise objectives, each tied to its evidence (event ids and the measured
//! value against the target), plus the strengths, areas for improvement and improvement-plan rows
//! that follow from them.
//!
//! HSEEP gives only qualitative definitions. The numeric mapping here is an engine rule
//! ([`rule_text`]), printed beside the HSEEP definitions in every report.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::facts::{Ev, NONE};
use super::metrics::{Availability, Incident, weighted_uptime};
use super::{Improvement, Run};
use crate::fmt::span;
use crate::scenario::model::{Metric, Objective, RatingThresholds, Scenario, TargetValue};
use crate::sim::{EventKind, RunSummary};

/// An HSEEP performance rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Rating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
    /// Not observed: the situation the objective measures did not arise.
    #[serde(rename = "N/A")]
    NotObserved,
}

impl Rating {
    /// The code as printed.
    pub fn code(self) -> &'static str {
        match self {
            Rating::P => "P",
            Rating::S => "S",
            Rating::M => "M",
            Rating::U => "U",
            Rating::NotObserved => "N/A",
        }
    }
}

/// HSEEP's definitions (AAR/IP template), as printed in reports.
pub const HSEEP_DEFINITIONS: [(&str, &str); 4] = [
    (
        "P — Performed without Challenges",
        "The targets and critical tasks associated with the objective were completed in a manner that achieved the objective and did not negatively impact the performance of other activities.",
    ),
    (
        "S — Performed with Some Challenges",
        "The targets and critical tasks were completed in a manner that achieved the objective and did not negatively impact other activities; however, opportunities to enhance effectiveness and/or efficiency were identified.",
    ),
    (
        "M — Performed with Major Challenges",
        "The targets and critical tasks were completed in a manner that achieved the objective, but some or all of them were not conducted in a timely or efficient manner, or negatively impacted other activities.",
    ),
    (
        "U — Unable to be Performed",
        "The targets and critical tasks were not performed in a manner that achieved the objective.",
    ),
];

/// The engine's numeric rule, in words.
pub fn rule_text(t: &RatingThresholds) -> String {
    format!(
        "cydex engine rule (a convention layered on HSEEP's qualitative definitions, not part of HSEEP): \
         ratio = measured ÷ target for lower-is-better metrics (times, data lost, hosts compromised) and \
         target ÷ measured for availability. P if ratio ≤ 1; S if ≤ {}; M if ≤ {}; U beyond that, or when \
         the task was not completed by ENDEX. N/A when the situation never arose.",
        t.some_challenges, t.major_challenges
    )
}

/// One rated objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveRating {
    /// Objective id.
    pub id: String,
    /// Objective text.
    pub text: String,
    /// HSEEP core capability.
    pub capability: String,
    /// Metric name.
    pub metric: String,
    /// Scope.
    pub scope: String,
    /// Target as written.
    pub target: String,
    /// Measured value, formatted.
    pub measured: Option<String>,
    /// Measured value, raw (seconds, fraction, MB, count, 0/1).
    pub measured_value: Option<f64>,
    /// Ratio used by the rule.
    pub ratio: Option<f64>,
    /// The rating.
    pub rating: Rating,
    /// Why this rating, in one sentence.
    pub reason: String,
    /// Event ids supporting it.
    pub evidence: Vec<u64>,
    /// The inject expectations that bear on it (of injects naming it in `objectives`), each
    /// `(id, status)`: evidence beside the rating, which stays the metric's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expectations: Vec<(String, String)>,
    /// Strengths observed.
    pub strengths: Vec<String>,
    /// Areas for improvement.
    pub improvements: Vec<String>,
    /// Pledge commitments.
    pub pledge: Vec<String>,
    /// NIST CSF tags.
    pub csf: Vec<String>,
}

/// Nations an objective's scope covers.
fn scope_nations(scenario: &Scenario, summary: &RunSummary, scope: &str) -> BTreeSet<String> {
    if scope == "alliance" {
        return scenario.nations.iter().map(|n| n.id.clone()).collect();
    }
    if let Some(n) = scenario.nations.iter().find(|n| n.id == scope || n.team.id == scope) {
        return [n.id.clone()].into();
    }
    // A provider: the nations it was on task for.
    summary
        .assistance
        .iter()
        .filter(|a| a.provider == scope && a.on_task_s.is_some())
        .map(|a| a.nation.clone())
        .collect()
}

fn ratio_rating(ratio: f64, t: &RatingThresholds) -> Rating {
    if ratio <= 1.0 {
        Rating::P
    } else if ratio <= t.some_challenges {
        Rating::S
    } else if ratio <= t.major_challenges {
        Rating::M
    } else {
        Rating::U
    }
}

struct Measure {
    rating: Rating,
    measured: Option<String>,
    value: Option<f64>,
    ratio: Option<f64>,
    reason: String,
    evidence: Vec<u64>,
    afi: Vec<String>,
}

impl Measure {
    fn na(reason: &str) -> Measure {
        Measure {
            rating: Rating::NotObserved,
            measured: None,
            value: None,
            ratio: None,
            reason: reason.into(),
            evidence: vec![],
            afi: vec![],
        }
    }
}

fn fmt_target(t: &TargetValue) -> String {
    match t {
        TargetValue::Duration(d) => format!("≤ {}", span(d.secs())),
        TargetValue::Fraction(f) => format!("≥ {:.1}%", f * 100.0),
        TargetValue::Count(c) => format!("≤ {c}"),
        TargetValue::Flag(b) => b.to_string(),
    }
}

/// Rates every objective of the scenario.
pub fn rate(run: &Run, availability: &[Availability]) -> Vec<ObjectiveRating> {
    let (scenario, summary) = (run.scenario, run.summary);
    let t = &scenario.scoring.ratings;
    let shares = super::metrics::first_share_decision(run.facts);
    scenario
        .objectives
        .iter()
        .filter_map(|o| {
            let metric = o.metric?;
            let target = metric.parse_target(o.target.as_ref()?).ok()?;
            let nations = scope_nations(scenario, summary, &o.scope);
            let scope = Scope::new(run, o, &nations);
            let m = measure(&scope, metric, &target, &shares, availability, t);
            let mut strengths = Vec::new();
            let mut improvements = m.afi.clone();
            match m.rating {
                Rating::P => strengths.push(format!(
                    "Met the target: {} against {}.",
                    m.measured.clone().unwrap_or_default(),
                    fmt_target(&target)
                )),
                Rating::S => {
                    strengths.push(format!(
                        "Objective achieved: {} against {}.",
                        m.measured.clone().unwrap_or_default(),
                        fmt_target(&target)
                    ));
                    improvements.insert(
                        0,
                        format!(
                            "Missed the target by up to {:.0}%: tighten the procedure behind it.",
                            (t.some_challenges - 1.0) * 100.0
                        ),
                    );
                }
                Rating::M => improvements.insert(
                    0,
                    format!(
                        "Achieved only with major delay: {} against {}.",
                        m.measured.clone().unwrap_or_default(),
                        fmt_target(&target)
                    ),
                ),
                Rating::U => improvements.insert(0, format!("Not achieved: {}", m.reason)),
                Rating::NotObserved => {}
            }
            Some(ObjectiveRating {
                id: o.id.clone(),
                text: o.text.clone(),
                capability: o.capability.clone().unwrap_or_else(|| default_capability(metric).to_string()),
                metric: metric.name().to_string(),
                scope: o.scope.clone(),
                target: fmt_target(&target),
                measured: m.measured,
                measured_value: m.value,
                ratio: m.ratio.map(|r| (r * 1000.0).round() / 1000.0),
                rating: m.rating,
                reason: m.reason,
                evidence: m.evidence,
                expectations: Vec::new(),
                strengths,
                improvements,
                pledge: o.pledge.iter().map(crate::scenario::model::name_of).collect(),
                csf: o.csf.clone(),
            })
        })
        .collect()
}

fn default_capability(metric: Metric) -> &'static str {
    match metric {
        Metric::TimeToDetect | Metric::TimeToAcknowledge => "Cyber incident detection and analysis",
        Metric::TimeToContain | Metric::StoppedBeforeImpact | Metric::HostsCompromised => "Cyber incident containment",
        Metric::TimeToRecover | Metric::ServiceAvailability | Metric::DataLost => "Recovery and continuity of services",
        Metric::TimeToRequestAssistance | Metric::TimeToAssistance => "Mutual assistance",
        Metric::TimeToShareIndicators => "Information sharing",
    }
}

/// What an objective measures in: the nations of its scope and, if it names one, its campaign.
struct Scope<'a> {
    run: &'a Run<'a>,
    objective: &'a Objective,
    nations: &'a BTreeSet<String>,
    /// The scope's nations' indices in the events.
    keys: Vec<u32>,
    /// The objective's campaign: `None` for any, `Some(None)` for one the run never saw.
    campaign: Option<Option<u32>>,
}

impl<'a> Scope<'a> {
    fn new(run: &'a Run<'a>, objective: &'a Objective, nations: &'a BTreeSet<String>) -> Scope<'a> {
        let keys = nations.iter().filter_map(|n| run.facts.nation(n)).collect();
        let campaign = objective.campaign.as_deref().map(|c| run.facts.campaign(c));
        Scope { run, objective, nations, keys, campaign }
    }

    /// Whether something by campaign `c` is in scope (its nation being one of the scope's).
    fn covers_campaign(&self, c: Option<u32>) -> bool {
        match self.campaign {
            None => true,
            Some(k) => k.is_some() && c == k,
        }
    }

    /// The events of a kind in scope, in id order.
    fn events(&self, kind: EventKind) -> Vec<Ev> {
        let f = self.run.facts;
        let mut pos: Vec<u32> = Vec::new();
        for &n in &self.keys {
            pos.extend(f.of_nation(Some(n), kind).iter().filter(|&&p| self.covers_campaign(f.at(p as usize).campaign)));
        }
        pos.sort_unstable();
        pos.into_iter().map(|p| f.at(p as usize)).collect()
    }

    /// The incidents in scope, in incident id order.
    fn incidents(&self) -> Vec<&'a Incident> {
        let index = self.run.index;
        let mut pos: Vec<u32> = Vec::new();
        for &n in &self.keys {
            let list = index.incidents_by_nation.get(n as usize).map_or(&[][..], Vec::as_slice);
            pos.extend(list.iter().filter(|&&k| {
                let c = index.incidents[k as usize].campaign;
                self.covers_campaign((c != NONE).then_some(c))
            }));
        }
        pos.sort_unstable();
        pos.into_iter().map(|k| &index.incidents[k as usize]).collect()
    }
}

/// Measures the objective of `scope` on `metric` against `target` in the scope's nations: one
/// rule per metric family.
fn measure(
    scope: &Scope,
    metric: Metric,
    target: &TargetValue,
    shares: &BTreeMap<String, (u64, u64)>,
    availability: &[Availability],
    t: &RatingThresholds,
) -> Measure {
    let incs = scope.incidents();
    match metric {
        Metric::TimeToDetect => time_to_detect(&incs, &scope.events(EventKind::HostCompromised), target, t),
        Metric::TimeToAcknowledge => {
            let step = Step { what: "acknowledged", time: Incident::tta, evidence: |i| i.detected.1 };
            time_after_detection(&incs, &step, target, t)
        }
        Metric::TimeToContain => {
            let step = Step { what: "contained", time: Incident::ttc, evidence: |i| i.contained.map_or(0, |c| c.1) };
            time_after_detection(&incs, &step, target, t)
        }
        Metric::TimeToRecover => {
            let step = Step { what: "recovered", time: Incident::ttr, evidence: |i| i.recovered.map_or(0, |c| c.1) };
            time_after_detection(&incs, &step, target, t)
        }
        Metric::TimeToRequestAssistance | Metric::TimeToAssistance | Metric::TimeToShareIndicators => {
            time_to_act(scope, metric, target, shares, t)
        }
        Metric::ServiceAvailability => service_availability(scope, target, availability, t),
        Metric::DataLost => {
            let lost = scope.events(EventKind::DataLost);
            // `+ 0.0`: the empty sum is −0.0.
            let mb = lost.iter().filter_map(|e| e.value).sum::<f64>() + 0.0;
            count_against(target, (mb, "MB"), lost.iter().take(10).map(|e| e.id).collect(), t)
        }
        Metric::HostsCompromised => {
            let compromises = scope.events(EventKind::HostCompromised);
            let mut hosts: Vec<u32> = compromises.iter().filter_map(|e| e.host).collect();
            hosts.sort_unstable();
            hosts.dedup();
            count_against(target, (hosts.len() as f64, "hosts"), compromises.iter().take(10).map(|e| e.id).collect(), t)
        }
        Metric::StoppedBeforeImpact => stopped_before_impact(scope, target),
    }
}

/// Time to detect: N/A without a compromise in scope, U when nothing was detected, else the
/// mean compromise → detection of the incidents (hosts never detected are an area for
/// improvement).
fn time_to_detect(incs: &[&Incident], compromises: &[Ev], target: &TargetValue, t: &RatingThresholds) -> Measure {
    let mut detected: Vec<u32> = incs.iter().map(|i| i.host).collect();
    detected.sort_unstable();
    let missed: Vec<&Ev> =
        compromises.iter().filter(|e| detected.binary_search(&e.host.unwrap_or(NONE)).is_err()).collect();
    if compromises.is_empty() {
        return Measure::na("no host in scope was compromised");
    }
    if incs.is_empty() {
        return Measure {
            rating: Rating::U,
            measured: Some("never detected".into()),
            value: None,
            ratio: None,
            reason: format!("{} compromised host(s) were never detected.", missed.len()),
            evidence: missed.iter().take(5).map(|e| e.id).collect(),
            afi: vec!["Sensor coverage or detection skill was insufficient to see the intrusion at all.".into()],
        };
    }
    let values = incs.iter().map(|i| i.ttd()).collect();
    let mut m = mean_time(target, values, &[], "detected", slowest(incs, |i| Some(i.ttd()), |i| i.detected.1), t);
    if !missed.is_empty() {
        m.afi.push(format!("{} compromised host(s) were never detected: extend sensor coverage.", missed.len()));
    }
    m
}

/// A response step timed from an incident's detection.
struct Step {
    /// The step done, as in "not {what} by ENDEX".
    what: &'static str,
    /// Detection → the step, if done.
    time: fn(&Incident) -> Option<u64>,
    /// The event to cite for the step.
    evidence: fn(&Incident) -> u64,
}

/// Time to acknowledge, contain or recover: the mean over the incidents in scope, U while any of
/// them is still waiting for the step at ENDEX.
fn time_after_detection(incs: &[&Incident], step: &Step, target: &TargetValue, t: &RatingThresholds) -> Measure {
    let open: Vec<&Incident> = incs.iter().copied().filter(|i| (step.time)(i).is_none()).collect();
    let values = incs.iter().filter_map(|i| (step.time)(i)).collect();
    mean_time(target, values, &open, step.what, slowest(incs, step.time, step.evidence), t)
}

/// The rating of a mean time against a duration target: U while incidents are `open` (not
/// `what` by ENDEX), N/A with nothing to time, else by the ratio mean ÷ target.
fn mean_time(
    target: &TargetValue,
    values: Vec<u64>,
    open: &[&Incident],
    what: &str,
    evidence: Vec<u64>,
    t: &RatingThresholds,
) -> Measure {
    let TargetValue::Duration(d) = target else { return Measure::na("target is not a duration") };
    if !open.is_empty() {
        let ev = open.iter().take(5).map(|i| i.detected.1).collect();
        return Measure {
            rating: Rating::U,
            measured: values
                .is_empty()
                .then(|| "never".to_string())
                .or_else(|| Some(format!("{} of {} not {what} by ENDEX", open.len(), open.len() + values.len()))),
            value: None,
            ratio: None,
            reason: format!("{} of {} incidents were not {what} by ENDEX.", open.len(), open.len() + values.len()),
            evidence: ev,
            afi: vec![format!(
                "{} incidents were still waiting to be {what} at ENDEX: response capacity was exceeded (see the assistance timeline).",
                open.len()
            )],
        };
    }
    if values.is_empty() {
        return Measure::na(&format!("no incident in scope needed to be {what}"));
    }
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
    let ratio = mean / d.secs().max(1) as f64;
    Measure {
        rating: ratio_rating(ratio, t),
        measured: Some(format!("mean {} over {} incident(s)", span(mean.round() as u64), values.len())),
        value: Some(mean),
        ratio: Some(ratio),
        reason: format!(
            "mean {} against a target of {} (ratio {:.2}).",
            span(mean.round() as u64),
            span(d.secs()),
            ratio
        ),
        evidence,
        afi: vec![],
    }
}

/// A nation's act after its first detection, as a time-to-act metric sees it.
enum Act {
    /// Done this many seconds after the detection (or the request), with its evidence.
    Done(u64, Vec<u64>),
    /// Called for and never done by ENDEX.
    Missing,
    /// Not called for (no request for the team to arrive on).
    NotCalledFor,
}

/// Time to request assistance, to have it on task, or to share indicators: the mean over the
/// scope's nations with a detection, U if any of them never acted by ENDEX.
fn time_to_act(
    scope: &Scope,
    metric: Metric,
    target: &TargetValue,
    shares: &BTreeMap<String, (u64, u64)>,
    t: &RatingThresholds,
) -> Measure {
    let run = scope.run;
    let first_det = run.first_detection;
    let provider = run
        .scenario
        .assistance
        .iter()
        .any(|p| p.id == scope.objective.scope)
        .then(|| run.facts.provider(&scope.objective.scope));
    let (mut values, mut evidence, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    for n in scope.nations {
        let Some(&(det_s, det_ev)) = first_det.get(n) else { continue };
        let own = run.facts.nation(n);
        let act = match metric {
            Metric::TimeToShareIndicators => {
                shares.get(n).map_or(Act::Missing, |&(t, ev)| Act::Done(t.saturating_sub(det_s), vec![det_ev, ev]))
            }
            Metric::TimeToRequestAssistance => first_request(run, own, None)
                .map_or(Act::Missing, |e| Act::Done(e.time_s.saturating_sub(det_s), vec![det_ev, e.id])),
            _ => on_task_after_request(run, own, provider),
        };
        match act {
            Act::Done(v, ev) => {
                values.push(v);
                evidence.extend(ev);
            }
            Act::Missing => missing.push((n.clone(), det_ev)),
            Act::NotCalledFor => {}
        }
    }
    let what = match metric {
        Metric::TimeToShareIndicators => "indicators sent to partners",
        Metric::TimeToRequestAssistance => "assistance requested",
        _ => "assistance on task",
    };
    act_rating(target, what, &values, evidence, &missing, t)
}

/// Nation `n`'s events of `kind`, in id order.
fn own_events<'r>(run: &'r Run, n: Option<u32>, kind: EventKind) -> impl Iterator<Item = Ev> + 'r {
    let f = run.facts;
    f.of_nation(n, kind).iter().map(move |&p| f.at(p as usize))
}

/// Nation `n`'s first assistance request (to `provider` only, if given; `Some(None)` is a
/// provider the run never saw).
fn first_request(run: &Run, n: Option<u32>, provider: Option<Option<u32>>) -> Option<Ev> {
    own_events(run, n, EventKind::AssistanceRequested).find(|e| provider.is_none_or(|p| p.is_some() && e.provider == p))
}

/// Request → on task of nation `n`'s first request (to `provider` only, if given).
fn on_task_after_request(run: &Run, n: Option<u32>, provider: Option<Option<u32>>) -> Act {
    let Some(r) = first_request(run, n, provider) else { return Act::NotCalledFor };
    own_events(run, n, EventKind::AssistanceOnTask)
        .find(|e| e.provider == r.provider)
        .map_or(Act::Missing, |e| Act::Done(e.time_s.saturating_sub(r.time_s), vec![r.id, e.id]))
}

/// The rating of the nations' acts: U if some nation never acted, N/A if none was called on to,
/// else by the ratio mean ÷ target.
fn act_rating(
    target: &TargetValue,
    what: &str,
    values: &[u64],
    evidence: Vec<u64>,
    missing: &[(String, u64)],
    t: &RatingThresholds,
) -> Measure {
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|m| m.0.as_str()).collect();
        return Measure {
            rating: Rating::U,
            measured: Some("never".into()),
            value: None,
            ratio: None,
            reason: format!("no {what} by ENDEX for {}.", names.join(", ")),
            evidence: missing.iter().map(|m| m.1).collect(),
            afi: vec![format!("No {what} for {} although incidents were detected.", names.join(", "))],
        };
    }
    if values.is_empty() {
        return Measure::na(&format!("nothing in scope called for {what}"));
    }
    let TargetValue::Duration(d) = target else { return Measure::na("target is not a duration") };
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
    let ratio = mean / d.secs().max(1) as f64;
    Measure {
        rating: ratio_rating(ratio, t),
        measured: Some(span(mean.round() as u64)),
        value: Some(mean),
        ratio: Some(ratio),
        reason: format!(
            "{} after {} against a target of {} (ratio {:.2}).",
            what,
            span(mean.round() as u64),
            span(d.secs()),
            ratio
        ),
        evidence,
        afi: vec![],
    }
}

/// Service availability: the criticality-weighted uptime of the objective's service, or of
/// every service of the scope's nations, against a fraction target (ratio target ÷ uptime).
fn service_availability(
    scope: &Scope,
    target: &TargetValue,
    availability: &[Availability],
    t: &RatingThresholds,
) -> Measure {
    let TargetValue::Fraction(f) = target else { return Measure::na("target is not a fraction") };
    let chosen: Vec<&Availability> = match &scope.objective.service {
        Some(s) => availability.iter().filter(|a| &a.service == s).collect(),
        None => availability.iter().filter(|a| scope.nations.contains(&a.nation)).collect(),
    };
    if chosen.is_empty() {
        return Measure::na("no service in scope");
    }
    let up = weighted_uptime(chosen.iter().copied());
    let evidence = chosen.iter().flat_map(|a| a.outages.iter().map(|o| o.2)).take(10).collect();
    let ratio = if up > 0.0 { f / up } else { f64::INFINITY };
    Measure {
        rating: if up <= 0.0 { Rating::U } else { ratio_rating(ratio, t) },
        measured: Some(format!("{:.2}%", up * 100.0)),
        value: Some(up),
        ratio: ratio.is_finite().then_some(ratio),
        reason: format!("criticality-weighted availability {:.2}% against a target of {:.1}%.", up * 100.0, f * 100.0),
        evidence,
        afi: chosen
            .iter()
            .filter(|a| !a.outages.is_empty())
            .map(|a| format!("{} was down {} in total.", a.service, span(a.outages.iter().map(|o| o.1 - o.0).sum())))
            .collect(),
    }
}

/// A count (MB lost, hosts compromised) against a maximum: ratio value ÷ maximum; anything
/// against a maximum of zero is U.
fn count_against(
    target: &TargetValue,
    (value, unit): (f64, &str),
    evidence: Vec<u64>,
    t: &RatingThresholds,
) -> Measure {
    let TargetValue::Count(max) = target else { return Measure::na("target is not a count") };
    let ratio = if *max == 0 { if value > 0.0 { f64::INFINITY } else { 0.0 } } else { value / *max as f64 };
    Measure {
        rating: if ratio.is_infinite() { Rating::U } else { ratio_rating(ratio, t) },
        measured: Some(format!("{} {unit}", value.round())),
        value: Some(value),
        ratio: ratio.is_finite().then_some(ratio),
        reason: format!("{} {unit} against a maximum of {max} {unit}.", value.round()),
        evidence,
        afi: vec![],
    }
}

/// Stopped before impact (target `true`): P if a campaign reached scope and no impact completed
/// there, U at the first impact; N/A when the target is `false` or no campaign reached scope.
fn stopped_before_impact(scope: &Scope, target: &TargetValue) -> Measure {
    let impacts = scope.events(EventKind::ImpactApplied);
    let compromises = scope.events(EventKind::HostCompromised);
    let wanted = matches!(target, TargetValue::Flag(true));
    if !wanted {
        return Measure::na("target is `false`: nothing to achieve");
    }
    if compromises.is_empty() {
        return Measure::na("no campaign reached scope");
    }
    if impacts.is_empty() {
        Measure {
            rating: Rating::P,
            measured: Some("stopped before impact".into()),
            value: Some(1.0),
            ratio: Some(1.0),
            reason: "no impact stage completed in scope.".into(),
            evidence: compromises.iter().take(5).map(|e| e.id).collect(),
            afi: vec![],
        }
    } else {
        Measure {
            rating: Rating::U,
            measured: Some(format!("{} impact(s)", impacts.len())),
            value: Some(0.0),
            ratio: None,
            reason: format!("the campaign reached its impact: {} impact(s), the first at {}.", impacts.len(), crate::fmt::tplus(impacts[0].time_s)),
            evidence: impacts.iter().take(10).map(|e| e.id).collect(),
            afi: vec!["Containment did not outpace the kill chain: contain earlier in the chain (credential access, lateral movement).".into()],
        }
    }
}

/// Evidence: ids of the slowest incidents (up to five) by a duration.
fn slowest(incs: &[&Incident], f: impl Fn(&Incident) -> Option<u64>, id: impl Fn(&Incident) -> u64) -> Vec<u64> {
    let mut v: Vec<(u64, u64)> = incs.iter().filter_map(|i| f(i).map(|d| (d, id(i)))).collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    v.into_iter().take(5).map(|x| x.1).collect()
}

/// Appendix A rows: one per area for improvement of every objective not rated P.
pub fn improvement_plan(scenario: &Scenario, ratings: &[ObjectiveRating]) -> Vec<Improvement> {
    let responsible = |scope: &str| -> String {
        scenario
            .nations
            .iter()
            .find(|n| n.id == scope || n.team.id == scope)
            .map(|n| n.team.name.clone().unwrap_or_else(|| n.team.id.clone()))
            .or_else(|| scenario.assistance.iter().find(|p| p.id == scope).map(|p| p.id.clone()))
            .unwrap_or_else(|| "Exercise control (EXCON) with all national teams".to_string())
    };
    let mut out = Vec::new();
    for r in ratings.iter().filter(|r| matches!(r.rating, Rating::S | Rating::M | Rating::U)) {
        for issue in &r.improvements {
            let (action, element) = corrective_action(&r.metric, issue);
            out.push(Improvement {
                objective: r.id.clone(),
                capability: r.capability.clone(),
                issue: issue.clone(),
                corrective_action: action.to_string(),
                element: element.to_string(),
                responsible: responsible(&r.scope),
            });
        }
    }
    out
}

fn corrective_action(metric: &str, issue: &str) -> (&'static str, &'static str) {
    if issue.contains("capacity") {
        return (
            "Plan surge staffing and request assistance earlier (lower the backlog threshold in the assistance policy).",
            "Organization",
        );
    }
    if issue.contains("sensor") || issue.contains("never detected") {
        return (
            "Extend EDR/NSM coverage to the segments where hosts went unseen; tune detections for the stages that were missed.",
            "Equipment",
        );
    }
    match metric {
        "time_to_detect" | "time_to_acknowledge" => {
            ("Review alert triage procedures and on-shift coverage; rehearse them in the next drill.", "Training")
        }
        "time_to_contain" | "stopped_before_impact" | "hosts_compromised" => {
            ("Pre-authorise network isolation of compromised hosts (CSF GV.RR) and rehearse it.", "Planning")
        }
        "time_to_recover" | "service_availability" | "data_lost" => {
            ("Shorten backup intervals and restore times for critical services; test restores regularly.", "Equipment")
        }
        "time_to_request_assistance" | "time_to_assistance" => {
            ("Agree assistance triggers and pre-approved request templates with NATO/EU providers.", "Planning")
        }
        "time_to_share_indicators" => {
            ("Automate indicator sharing (STIX/TAXII) under the existing agreements.", "Equipment")
        }
        _ => ("Review in the after-action meeting.", "Exercise"),
    }
}
