//! Incident-handling metrics computed from a run's event log alone: dwell time, MTTD, MTTA, MTTC,
//! MTTR (R = recover), service availability, data lost, ATT&CK coverage, assistance and sharing
//! times. Pure functions, each with its exact start and end definition in [`DEFINITIONS`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::sim::{Event, EventKind};

/// A metric's name and its exact start → end definition, printed in every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// Short name, e.g. `MTTC`.
    pub name: String,
    /// Start → end, in words.
    pub definition: String,
}

/// The definitions of every time metric (engine convention; NIST SP 800-61 names the intervals
/// but does not define MTTx, and "R" is ambiguous in industry usage, so it is stated here).
pub const DEFINITIONS: [(&str, &str); 13] = [
    (
        "Dwell time",
        "first host compromised in the scope → first detection in the scope (ground truth is known in simulation)",
    ),
    ("MTTD", "mean over incidents of: the host's compromise → its detection (the incident is opened at detection)"),
    ("MTTA", "mean over incidents of: detection → an analyst takes ownership (acknowledged)"),
    ("MTTC", "mean over incidents of: detection → containment (the campaign can no longer progress from the host)"),
    ("MTTR", "R = recover. Mean over incidents of: detection → host restored clean and in service"),
    (
        "All nations",
        "the exercise-wide value: the mean over every incident of every nation (so nations with more incidents weigh more), the headline figure in every output; per-nation values are means over that nation's incidents only",
    ),
    ("n", "incidents that reached the metric's end point by ENDEX; only they are in the mean"),
    ("Not acknowledged at ENDEX", "incidents no analyst had taken by ENDEX (censored: not in MTTA)"),
    ("Not contained at ENDEX", "incidents detected but not contained by ENDEX (censored: not in MTTC)"),
    (
        "Not recovered at ENDEX",
        "incidents detected but not recovered by ENDEX (censored: not in MTTR); it includes contained hosts still being restored",
    ),
    ("Time to request assistance", "first detection in the nation → its first assistance request"),
    ("Time to assistance", "assistance request → the team is on task"),
    (
        "Time to share indicators",
        "first detection in the nation → its team sends indicators to partner nations (the decision to share; the agreement's transport latency is not counted)",
    ),
];

/// The id of the exercise-wide scope ([`DEFINITIONS`]: "All nations").
pub const EXERCISE_SCOPE: &str = "all nations";

/// What an incident censored for a metric is called in every output: the MTTA, MTTC or MTTR
/// end point it had not reached by ENDEX. MTTD has none (an incident starts at detection).
pub fn not_done_label(metric: &str) -> &'static str {
    match metric {
        "MTTA" => "not acknowledged at ENDEX",
        "MTTC" => "not contained at ENDEX",
        "MTTR" => "not recovered at ENDEX",
        _ => "not done at ENDEX",
    }
}

/// The name of the definition of the before / during comparison of an assistance deployment.
pub const ASSISTANCE_CHANGE: &str = "What the assistance changed";

/// Every definition, as records: [`DEFINITIONS`] and the assistance comparison.
pub fn definitions() -> Vec<Definition> {
    let mut out: Vec<Definition> =
        DEFINITIONS.iter().map(|(n, d)| Definition { name: n.to_string(), definition: d.to_string() }).collect();
    out.push(Definition { name: ASSISTANCE_CHANGE.to_string(), definition: super::assist::definition() });
    out
}

/// One incident (one detected host), reconstructed from the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Incident id.
    pub id: u64,
    /// Nation.
    pub nation: String,
    /// National team.
    pub team: String,
    /// Host.
    pub host: String,
    /// Campaign.
    pub campaign: String,
    /// Stage the host was at when detected.
    pub stage: String,
    /// ATT&CK technique of that stage.
    pub technique: String,
    /// Compromise time (s) and event id.
    pub compromised: (u64, u64),
    /// Detection time (s) and event id.
    pub detected: (u64, u64),
    /// Acknowledged (s, event id), if it happened before ENDEX.
    pub acknowledged: Option<(u64, u64)>,
    /// Contained (s, event id).
    pub contained: Option<(u64, u64)>,
    /// Recovered (s, event id).
    pub recovered: Option<(u64, u64)>,
}

impl Incident {
    /// Compromise → detection, seconds.
    pub fn ttd(&self) -> u64 {
        self.detected.0.saturating_sub(self.compromised.0)
    }
    /// Detection → acknowledgement.
    pub fn tta(&self) -> Option<u64> {
        self.acknowledged.map(|a| a.0.saturating_sub(self.detected.0))
    }
    /// Detection → containment.
    pub fn ttc(&self) -> Option<u64> {
        self.contained.map(|a| a.0.saturating_sub(self.detected.0))
    }
    /// Detection → recovery.
    pub fn ttr(&self) -> Option<u64> {
        self.recovered.map(|a| a.0.saturating_sub(self.detected.0))
    }
}

/// Rebuilds incidents: `incident_opened` starts one; lifecycle events carry its id; the detection
/// is its cause and the compromise is the detection's cause.
pub fn incidents(events: &[Event]) -> Vec<Incident> {
    let by_id = |id: u64| events.get((id as usize).wrapping_sub(1)).filter(|e| e.id == id);
    let mut out: BTreeMap<u64, Incident> = BTreeMap::new();
    for e in events {
        let Some(inc) = e.incident else { continue };
        match e.kind {
            EventKind::IncidentOpened => {
                let detection = e.cause.and_then(by_id);
                let compromise = detection.and_then(|d| d.cause).and_then(by_id);
                let detected = detection.map_or((e.time_s, e.id), |d| (d.time_s, d.id));
                let compromised = compromise.map_or(detected, |c| (c.time_s, c.id));
                out.insert(
                    inc,
                    Incident {
                        id: inc,
                        nation: e.nation.clone().unwrap_or_default(),
                        team: e.team.clone().unwrap_or_default(),
                        host: e.host.clone().unwrap_or_default(),
                        campaign: e.campaign.clone().unwrap_or_default(),
                        stage: detection.and_then(|d| d.stage.clone()).unwrap_or_default(),
                        technique: detection.and_then(|d| d.technique.clone()).unwrap_or_default(),
                        compromised,
                        detected,
                        acknowledged: None,
                        contained: None,
                        recovered: None,
                    },
                );
            }
            EventKind::IncidentAcknowledged | EventKind::HostContained | EventKind::HostRecovered => {
                if let Some(i) = out.get_mut(&inc) {
                    let at = Some((e.time_s, e.id));
                    match e.kind {
                        EventKind::IncidentAcknowledged => i.acknowledged = i.acknowledged.or(at),
                        EventKind::HostContained => i.contained = i.contained.or(at),
                        _ => i.recovered = i.recovered.or(at),
                    }
                }
            }
            _ => {}
        }
    }
    out.into_values().collect()
}

/// Summary statistics of one duration metric over a set of incidents. Incidents that never
/// reached the end point by ENDEX are `open` (censored) and not in the mean.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    /// Incidents that reached the end point.
    pub n: u64,
    /// Incidents that had not reached the end point by ENDEX (censored): not acknowledged, not
    /// contained or not recovered, as [`not_done_label`] names it for each metric.
    pub open: u64,
    /// Mean seconds.
    pub mean_s: Option<f64>,
    /// Median seconds.
    pub median_s: Option<u64>,
    /// Longest seconds.
    pub max_s: Option<u64>,
}

/// Statistics of `values`, with `open` censored ones.
pub fn stat(mut values: Vec<u64>, open: u64) -> Stat {
    values.sort_unstable();
    let n = values.len() as u64;
    let mean_s = (n > 0).then(|| values.iter().map(|&v| v as f64).sum::<f64>() / n as f64);
    let median_s = (n > 0).then(|| values[(values.len() - 1) / 2]);
    Stat { n, open, mean_s, median_s, max_s: values.last().copied() }
}

/// Lifecycle metrics for one scope (a nation, team, campaign or stage).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// What the scope is (`nation`, `team`, `campaign`, `stage`).
    pub kind: String,
    /// Scope id (for stages, `campaign/stage`).
    pub id: String,
    /// Incidents opened.
    pub incidents: u64,
    /// First compromise → first detection, seconds.
    pub dwell_s: Option<u64>,
    /// Compromise → detection.
    pub mttd: Stat,
    /// Detection → acknowledged.
    pub mtta: Stat,
    /// Detection → contained.
    pub mttc: Stat,
    /// Detection → recovered.
    pub mttr: Stat,
}

/// Lifecycle metrics of a group of incidents, with the scope's first compromise time.
pub fn lifecycle(kind: &str, id: &str, incs: &[&Incident], first_compromise: Option<u64>) -> Lifecycle {
    let first_detection = incs.iter().map(|i| i.detected.0).min();
    let dwell_s = match (first_compromise, first_detection) {
        (Some(c), Some(d)) => Some(d.saturating_sub(c)),
        _ => None,
    };
    let collect = |f: &dyn Fn(&Incident) -> Option<u64>| {
        let mut done = Vec::new();
        let mut open = 0;
        for i in incs {
            match f(i) {
                Some(v) => done.push(v),
                None => open += 1,
            }
        }
        stat(done, open)
    };
    Lifecycle {
        kind: kind.to_string(),
        id: id.to_string(),
        incidents: incs.len() as u64,
        dwell_s,
        mttd: collect(&|i| Some(i.ttd())),
        mtta: collect(&|i| i.tta()),
        mttc: collect(&|i| i.ttc()),
        mttr: collect(&|i| i.ttr()),
    }
}

/// First compromise time per key, from `host_compromised` events.
pub fn first_compromise_by(events: &[Event], key: impl Fn(&Event) -> Option<String>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::HostCompromised) {
        if let Some(k) = key(e) {
            out.entry(k).or_insert(e.time_s);
        }
    }
    out
}

/// ATT&CK coverage of one technique.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Technique id.
    pub technique: String,
    /// Display name in the scenario's ATT&CK version (`Parent: Sub` for a sub-technique; empty
    /// when that version's table lacks it). See [`super::techniques`].
    pub name: String,
    /// The tactics it was used under, with names and Navigator shortnames.
    pub tactics: Vec<super::techniques::Tactic>,
    /// Times it was executed successfully (stage completions; entry compromises for the entry technique).
    pub executed: u64,
    /// Detections of hosts at a stage using it.
    pub detected: u64,
    /// Executions never followed by a detection of that host at that technique.
    pub missed: u64,
    /// Containments of hosts at a stage using it.
    pub contained: u64,
}

/// Per-technique coverage: executed, detected, missed (executed − detected, never below 0) and
/// contained (the stage recorded on the containment's incident). Names and tactics are left
/// empty; [`label_coverage`] fills them in.
pub fn attack_coverage(events: &[Event], incs: &[Incident]) -> Vec<Coverage> {
    fn entry<'m>(map: &'m mut BTreeMap<String, Coverage>, t: &str) -> &'m mut Coverage {
        map.entry(t.to_string()).or_insert_with(|| Coverage { technique: t.to_string(), ..Coverage::default() })
    }
    let mut map: BTreeMap<String, Coverage> = BTreeMap::new();
    for e in events {
        let Some(t) = e.technique.as_deref() else { continue };
        match e.kind {
            EventKind::StageCompleted => entry(&mut map, t).executed += 1,
            EventKind::HostCompromised if e.stage.is_none() => entry(&mut map, t).executed += 1,
            EventKind::HostDetected => entry(&mut map, t).detected += 1,
            _ => {}
        }
    }
    for i in incs.iter().filter(|i| i.contained.is_some() && !i.technique.is_empty()) {
        entry(&mut map, &i.technique).contained += 1;
    }
    map.into_values()
        .map(|mut c| {
            c.missed = c.executed.saturating_sub(c.detected);
            c
        })
        .collect()
}

/// Fills in each technique's name and tactics from `labels` (see [`super::techniques::labels`]);
/// a technique without a label keeps its id alone.
pub fn label_coverage(coverage: &mut [Coverage], labels: &[super::techniques::Technique]) {
    for c in coverage {
        if let Some(l) = labels.iter().find(|l| l.id == c.technique) {
            c.name.clone_from(&l.name);
            c.tactics.clone_from(&l.tactics);
        }
    }
}

/// One outage: (down at s, up at s or ENDEX, down event id, up event id if it came back).
pub type Outage = (u64, u64, u64, Option<u64>);

/// A service's availability over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// Service id.
    pub service: String,
    /// Owning nation.
    pub nation: String,
    /// Criticality weight.
    pub weight: f64,
    /// Fraction of the run it was up, in [0, 1].
    pub uptime: f64,
    /// Outage intervals: (down at s, up at s or ENDEX, down event id, up event id).
    pub outages: Vec<Outage>,
}

/// Availability of each service from `service_down` / `service_up` events over `[0, end_s)`.
/// `services` gives (id, nation, weight) for every service, in scenario order.
pub fn availability(events: &[Event], services: &[(String, String, f64)], end_s: u64) -> Vec<Availability> {
    let mut open: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut outages: BTreeMap<&str, Vec<Outage>> = BTreeMap::new();
    for e in events {
        let Some(s) = e.service.as_deref() else { continue };
        match e.kind {
            EventKind::ServiceDown => {
                open.entry(s).or_insert((e.time_s, e.id));
            }
            EventKind::ServiceUp => {
                if let Some((t, id)) = open.remove(s) {
                    outages.entry(s).or_default().push((t, e.time_s, id, Some(e.id)));
                }
            }
            _ => {}
        }
    }
    for (s, (t, id)) in open {
        outages.entry(s).or_default().push((t, end_s, id, None));
    }
    services
        .iter()
        .map(|(id, nation, weight)| {
            let list = outages.remove(id.as_str()).unwrap_or_default();
            let down: u64 = list.iter().map(|o| o.1.saturating_sub(o.0)).sum();
            let uptime = if end_s == 0 { 1.0 } else { (1.0 - down as f64 / end_s as f64).clamp(0.0, 1.0) };
            Availability { service: id.clone(), nation: nation.clone(), weight: *weight, uptime, outages: list }
        })
        .collect()
}

/// Criticality-weighted uptime of a set of services (1 when there are none).
pub fn weighted_uptime<'a>(services: impl IntoIterator<Item = &'a Availability>) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for s in services {
        num += s.weight * s.uptime;
        den += s.weight;
    }
    if den > 0.0 { (num / den).clamp(0.0, 1.0) } else { 1.0 }
}

/// When each nation's indicators first reached a partner: (time s, event id), the first
/// `indicators_received` caused by one of its `indicators_shared` events (including arrivals at a
/// partner that already held them, which the engine marks `already_held`).
pub fn first_share_arrival(events: &[Event]) -> BTreeMap<String, (u64, u64)> {
    let by_id = |id: u64| events.get((id as usize).wrapping_sub(1)).filter(|e| e.id == id);
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::IndicatorsReceived) {
        let Some(share) = e.cause.and_then(by_id).filter(|s| s.kind == EventKind::IndicatorsShared) else { continue };
        if let Some(sender) = &share.nation {
            out.entry(sender.clone()).or_insert((e.time_s, e.id));
        }
    }
    out
}

/// When each nation first decided to share: (time s, event id) of its first `indicators_shared`
/// event, the moment its team sent indicators to partners. The agreement's transport latency
/// (sent → received) is not the team's doing and is not counted.
pub fn first_share_decision(events: &[Event]) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::IndicatorsShared) {
        if let Some(sender) = &e.nation {
            out.entry(sender.clone()).or_insert((e.time_s, e.id));
        }
    }
    out
}

/// Nations with at least one incident, and their first detection (s, event id).
pub fn first_detection(incs: &[Incident]) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for i in incs {
        let e = out.entry(i.nation.clone()).or_insert(i.detected);
        if i.detected < *e {
            *e = i.detected;
        }
    }
    out
}

/// Hosts per nation that suffered an impact, and the ids of those events.
pub fn impacts_by_nation(events: &[Event]) -> BTreeMap<String, Vec<u64>> {
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::ImpactApplied) {
        if let Some(n) = &e.nation {
            out.entry(n.clone()).or_default().push(e.id);
        }
    }
    out
}

/// Distinct hosts compromised per nation, with the event id of each first compromise.
pub fn compromises_by_nation(events: &[Event]) -> BTreeMap<String, Vec<u64>> {
    let mut seen = BTreeSet::new();
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::HostCompromised) {
        if let (Some(n), Some(h)) = (&e.nation, &e.host)
            && seen.insert(h.clone())
        {
            out.entry(n.clone()).or_default().push(e.id);
        }
    }
    out
}
