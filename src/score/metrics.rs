//! Incident-handling metrics computed from a run's event log alone: dwell time, MTTD, MTTA, MTTC,
//! MTTR (R = recover), service availability, data lost, ATT&CK coverage, assistance and sharing
//! times. Pure functions, each with its exact start and end definition in [`DEFINITIONS`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{Ev, Facts, NONE};
use crate::sim::EventKind;

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

/// One incident (one detected host), reconstructed from the log, with integer keys
/// ([`super::facts::Names`]; [`NONE`] when the event had none).
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Incident id.
    pub id: u64,
    /// Nation index (its team is the nation's).
    pub nation: u32,
    /// Host key.
    pub host: u32,
    /// Campaign index.
    pub campaign: u32,
    /// Stage the host was at when detected (interned stage id).
    pub stage: u32,
    /// ATT&CK technique of that stage (interned).
    pub technique: u32,
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
/// is its cause and the compromise is the detection's cause. One pass over the openings and one
/// over each lifecycle kind's events find the positions; the incidents are keyed from them last,
/// each written once. The engine's incident ids (1, 2, … at most one per event) index a table,
/// any other id a map. A step counts for the incident opened last before it (an id opened again
/// starts afresh, and a step before its opening is dropped), and the first such step of each kind
/// is kept.
pub fn incidents(f: &Facts) -> Vec<Incident> {
    let cap = f.len() as u64;
    let openings = f.positions_of(EventKind::IncidentOpened);
    let mut found: Vec<Found> = Vec::with_capacity(openings.len());
    // Per engine incident id − 1, its place + 1 in `found` (0: not opened).
    let mut slot: Vec<u32> = Vec::new();
    let mut other: BTreeMap<u64, u32> = BTreeMap::new();
    for &at in openings {
        let Some(inc) = f.incident_at(at as usize) else { continue };
        let place = if (1..=cap).contains(&inc) {
            let k = inc as usize - 1;
            if slot.len() <= k {
                slot.resize(k + 1, 0);
            }
            &mut slot[k]
        } else {
            other.entry(inc).or_insert(0)
        };
        let fresh = Found { inc, opened: at, steps: [NOT_YET; 3] };
        match *place {
            0 => {
                found.push(fresh);
                *place = found.len() as u32;
            }
            s => found[s as usize - 1] = fresh,
        }
    }
    let steps = [EventKind::IncidentAcknowledged, EventKind::HostContained, EventKind::HostRecovered];
    for (which, kind) in steps.into_iter().enumerate() {
        for &at in f.positions_of(kind) {
            let Some(inc) = f.incident_at(at as usize) else { continue };
            let place = if (1..=cap).contains(&inc) { slot.get(inc as usize - 1) } else { other.get(&inc) };
            let Some(x) = place.filter(|&&s| s > 0).map(|&s| &mut found[s as usize - 1]) else { continue };
            if x.opened < at && x.steps[which] == NOT_YET {
                x.steps[which] = at;
            }
        }
    }
    // Each kind's steps come in about the order of the openings: a time cursor per kind.
    let mut clocks = [f.time_cursor(), f.time_cursor(), f.time_cursor()];
    let mut when = |which: usize, at: u32| {
        let at = (at != NOT_YET).then_some(at as usize)?;
        Some((clocks[which].time_at(at)?, f.id_at(at)))
    };
    let mut out: Vec<Incident> = found
        .iter()
        .map(|x| Incident {
            acknowledged: when(0, x.steps[0]),
            contained: when(1, x.steps[1]),
            recovered: when(2, x.steps[2]),
            ..opened(f, &f.at(x.opened as usize), x.inc)
        })
        .collect();
    if !out.is_sorted_by_key(|i| i.id) {
        out.sort_by_key(|i| i.id);
    }
    out
}

/// An incident's positions in the log, as [`incidents`] finds them: its (last) opening and the
/// first acknowledgement, containment and recovery after it.
struct Found {
    inc: u64,
    opened: u32,
    steps: [u32; 3],
}

/// A step not (yet) found.
const NOT_YET: u32 = u32::MAX;

/// The incident an `incident_opened` event starts, from its detection and compromise causes.
fn opened(f: &Facts, e: &Ev, inc: u64) -> Incident {
    let detection = e.cause.and_then(|c| f.get(c));
    let compromise = detection.and_then(|d| d.cause).and_then(|c| Some((f.time_of(c)?, c)));
    let detected = detection.map_or((e.time_s, e.id), |d| (d.time_s, d.id));
    let compromised = compromise.unwrap_or(detected);
    Incident {
        id: inc,
        nation: e.nation.unwrap_or(NONE),
        host: e.host.unwrap_or(NONE),
        campaign: e.campaign.unwrap_or(NONE),
        stage: detection.and_then(|d| d.stage).unwrap_or(NONE),
        technique: detection.and_then(|d| d.technique).unwrap_or(NONE),
        compromised,
        detected,
        acknowledged: None,
        contained: None,
        recovered: None,
    }
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

/// Statistics of `values`, with `open` censored ones. Linear: the median is selected, not sorted
/// for, and the mean is summed in any order when every partial sum of the whole seconds is exact
/// in an `f64` (below 2⁵³), else in ascending order, as it always was.
pub fn stat(mut values: Vec<u64>, open: u64) -> Stat {
    const EXACT: u64 = 1 << 53;
    let n = values.len() as u64;
    let exact = values.iter().try_fold(0u64, |a, &v| a.checked_add(v).filter(|&s| s < EXACT)).is_some();
    if !exact {
        values.sort_unstable();
    }
    let mean_s = (n > 0).then(|| values.iter().map(|&v| v as f64).sum::<f64>() / n as f64);
    let max_s = values.iter().copied().max();
    let mid = values.len().saturating_sub(1) / 2;
    let median_s = (n > 0).then(|| *values.select_nth_unstable(mid).1);
    Stat { n, open, mean_s, median_s, max_s }
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
    let dwell_s = dwell(incs, first_compromise);
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

/// The dwell time of a scope: its first compromise → the first detection of `incs`.
pub fn dwell(incs: &[&Incident], first_compromise: Option<u64>) -> Option<u64> {
    let first_detection = incs.iter().map(|i| i.detected.0).min();
    match (first_compromise, first_detection) {
        (Some(c), Some(d)) => Some(d.saturating_sub(c)),
        _ => None,
    }
}

/// First compromise times from `host_compromised` events: of the whole run, per nation index
/// and per campaign index.
#[derive(Debug, Clone, Default)]
pub struct FirstCompromises {
    /// The run's first.
    pub any: Option<u64>,
    /// Per nation index.
    pub nation: Vec<Option<u64>>,
    /// Per campaign index.
    pub campaign: Vec<Option<u64>>,
}

/// [`FirstCompromises`], in one pass over the events.
pub fn first_compromises(f: &Facts) -> FirstCompromises {
    let mut out = FirstCompromises {
        any: None,
        nation: vec![None; f.names.nations.len()],
        campaign: vec![None; f.names.campaigns.len()],
    };
    // Once every first is known, the later compromises change nothing.
    let mut unknown = 1 + out.nation.len() + out.campaign.len();
    for e in f.iter_kind(EventKind::HostCompromised) {
        if unknown == 0 {
            break;
        }
        if out.any.is_none() {
            unknown -= 1;
        }
        out.any.get_or_insert(e.time_s);
        for first in [
            e.nation.and_then(|n| out.nation.get_mut(n as usize)),
            e.campaign.and_then(|c| out.campaign.get_mut(c as usize)),
        ]
        .into_iter()
        .flatten()
        {
            if first.is_none() {
                *first = Some(e.time_s);
                unknown -= 1;
            }
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
/// contained (the stage recorded on the containment's incident), in technique id order. Names
/// and tactics are left empty; [`label_coverage`] fills them in.
pub fn attack_coverage(f: &Facts, incs: &[Incident]) -> Vec<Coverage> {
    coverage_of(f, coverage_counts(f), incs)
}

/// The event counts of [`attack_coverage`] (executed and detected per technique index), which
/// need no incident: they can be read while the incidents are rebuilt.
pub fn coverage_counts(f: &Facts) -> Vec<Option<Coverage>> {
    let mut counts: Vec<Option<Coverage>> = vec![None; f.names.techniques.len()];
    // Counts commute: each kind's events are read on their own, for their stage and technique.
    for kind in [EventKind::StageCompleted, EventKind::HostCompromised, EventKind::HostDetected] {
        for &at in f.positions_of(kind) {
            let (stage, Some(t)) = f.stage_technique_at(at as usize) else { continue };
            match kind {
                EventKind::HostDetected => coverage_entry(&mut counts, f, t).detected += 1,
                EventKind::HostCompromised if stage.is_some() => {}
                _ => coverage_entry(&mut counts, f, t).executed += 1,
            }
        }
    }
    counts
}

/// [`attack_coverage`] from its event counts ([`coverage_counts`]) and the incidents.
pub fn coverage_of(f: &Facts, mut counts: Vec<Option<Coverage>>, incs: &[Incident]) -> Vec<Coverage> {
    for i in incs.iter().filter(|i| i.contained.is_some() && i.technique != NONE) {
        coverage_entry(&mut counts, f, i.technique).contained += 1;
    }
    counts
        .into_iter()
        .flatten()
        .map(|mut c| {
            c.missed = c.executed.saturating_sub(c.detected);
            c
        })
        .collect()
}

/// Technique `t`'s row of the coverage counts, made on first use.
fn coverage_entry<'c>(counts: &'c mut [Option<Coverage>], f: &Facts, t: u32) -> &'c mut Coverage {
    counts[t as usize]
        .get_or_insert_with(|| Coverage { technique: f.names.techniques[t as usize].clone(), ..Coverage::default() })
}

/// Fills in each technique's name and tactics from `labels` (see [`super::techniques::labels`]);
/// a technique without a label keeps its id alone.
pub fn label_coverage(coverage: &mut [Coverage], labels: &[super::techniques::Technique]) {
    let mut by_id: BTreeMap<&str, &super::techniques::Technique> = BTreeMap::new();
    for l in labels {
        by_id.entry(l.id.as_str()).or_insert(l);
    }
    for c in coverage {
        if let Some(l) = by_id.get(c.technique.as_str()) {
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
pub fn availability(f: &Facts, services: &[(String, String, f64)], end_s: u64) -> Vec<Availability> {
    let n = f.names.services.len();
    let mut open: Vec<Option<(u64, u64)>> = vec![None; n];
    let mut outages: Vec<Vec<Outage>> = vec![Vec::new(); n];
    for e in f.iter_where(|k| matches!(k, EventKind::ServiceDown | EventKind::ServiceUp)) {
        let Some(s) = e.service.map(|s| s as usize).filter(|&s| s < n) else { continue };
        match e.kind {
            EventKind::ServiceDown => {
                open[s].get_or_insert((e.time_s, e.id));
            }
            EventKind::ServiceUp => {
                if let Some((t, id)) = open[s].take() {
                    outages[s].push((t, e.time_s, id, Some(e.id)));
                }
            }
            _ => {}
        }
    }
    for (s, o) in open.into_iter().enumerate() {
        if let Some((t, id)) = o {
            outages[s].push((t, end_s, id, None));
        }
    }
    services
        .iter()
        .map(|(id, nation, weight)| {
            let list = f.service(id).map(|s| std::mem::take(&mut outages[s as usize])).unwrap_or_default();
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

/// Per nation index, a first (time s, event id), as a map by nation id.
fn first_per_nation(f: &Facts, firsts: Vec<Option<(u64, u64)>>) -> BTreeMap<String, (u64, u64)> {
    firsts.into_iter().enumerate().filter_map(|(n, x)| Some((f.names.nations[n].clone(), x?))).collect()
}

/// When each nation's indicators first reached a partner: (time s, event id), the first
/// `indicators_received` caused by one of its `indicators_shared` events (including arrivals at a
/// partner that already held them, which the engine marks `already_held`).
pub fn first_share_arrival(f: &Facts) -> BTreeMap<String, (u64, u64)> {
    let mut firsts = vec![None; f.names.nations.len()];
    for e in f.iter_kind(EventKind::IndicatorsReceived) {
        let Some(share) = e.cause.and_then(|c| f.get(c)).filter(|s| s.kind == EventKind::IndicatorsShared) else {
            continue;
        };
        if let Some(first) = share.nation.and_then(|n| firsts.get_mut(n as usize)) {
            first.get_or_insert((e.time_s, e.id));
        }
    }
    first_per_nation(f, firsts)
}

/// When each nation first decided to share: (time s, event id) of its first `indicators_shared`
/// event, the moment its team sent indicators to partners. The agreement's transport latency
/// (sent → received) is not the team's doing and is not counted.
pub fn first_share_decision(f: &Facts) -> BTreeMap<String, (u64, u64)> {
    let firsts = (0..f.names.nations.len() as u32)
        .map(|n| {
            let first = f.of_nation(Some(n), EventKind::IndicatorsShared).first();
            first.map(|&p| f.at(p as usize)).map(|e| (e.time_s, e.id))
        })
        .collect();
    first_per_nation(f, firsts)
}

/// Nations with at least one incident, and their first detection (s, event id), by nation id
/// (an incident without a nation counts under the empty id).
pub fn first_detection(f: &Facts, incs: &[Incident]) -> BTreeMap<String, (u64, u64)> {
    let mut firsts: Vec<Option<(u64, u64)>> = vec![None; f.names.nations.len() + 1];
    for i in incs {
        let k = (i.nation as usize).min(f.names.nations.len());
        let e = firsts[k].get_or_insert(i.detected);
        if i.detected < *e {
            *e = i.detected;
        }
    }
    let none = firsts.pop().flatten();
    let mut out = first_per_nation(f, firsts);
    if let Some(d) = none {
        out.insert(String::new(), d);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sim::Event;

    /// Builds events by hand: `ev(id, t, kind)` then set fields.
    pub(crate) fn ev(id: u64, time_s: u64, kind: EventKind) -> Event {
        Event {
            id,
            tick: time_s / 60,
            time_s,
            kind,
            nation: Some("EST".into()),
            team: Some("CERT-EE".into()),
            segment: Some("EST-GOV".into()),
            host: None,
            campaign: Some("C".into()),
            stage: None,
            technique: None,
            service: None,
            provider: None,
            inject: None,
            incident: None,
            cause: None,
            value: None,
            detail: None,
        }
    }

    fn host(mut e: Event, h: &str) -> Event {
        e.host = Some(h.into());
        e
    }

    /// Two hosts: A compromised at 0, detected at 600, acked 900, contained 4200, recovered 7800;
    /// B compromised at 1200 (lateral, stage `lm`), detected 4800, acked 6000, never contained.
    pub(crate) fn two_incidents() -> Vec<Event> {
        let mut v = Vec::new();
        let mut a = host(ev(1, 0, EventKind::HostCompromised), "A");
        a.technique = Some("T1566.001".into());
        v.push(a);
        let mut b = host(ev(2, 1200, EventKind::HostCompromised), "B");
        b.stage = Some("lm".into());
        b.technique = Some("T1021.002".into());
        v.push(b);
        let mut sc = host(ev(3, 1200, EventKind::StageCompleted), "A");
        sc.stage = Some("lm".into());
        sc.technique = Some("T1021.002".into());
        v.push(sc);
        let mut d = host(ev(4, 600, EventKind::HostDetected), "A");
        d.cause = Some(1);
        d.stage = Some("lm".into());
        d.technique = Some("T1021.002".into());
        v.push(d);
        let mut o = host(ev(5, 600, EventKind::IncidentOpened), "A");
        o.incident = Some(1);
        o.cause = Some(4);
        v.push(o);
        for (id, t, k) in [
            (6, 900, EventKind::IncidentAcknowledged),
            (7, 4200, EventKind::HostContained),
            (8, 7800, EventKind::HostRecovered),
        ] {
            let mut e = host(ev(id, t, k), "A");
            e.incident = Some(1);
            v.push(e);
        }
        let mut d = host(ev(9, 4800, EventKind::HostDetected), "B");
        d.cause = Some(2);
        d.stage = Some("lm".into());
        d.technique = Some("T1021.002".into());
        v.push(d);
        let mut o = host(ev(10, 4800, EventKind::IncidentOpened), "B");
        o.incident = Some(2);
        o.cause = Some(9);
        v.push(o);
        let mut a = host(ev(11, 6000, EventKind::IncidentAcknowledged), "B");
        a.incident = Some(2);
        v.push(a);
        v
    }

    #[test]
    fn incidents_are_rebuilt_from_cause_links() {
        let incs = incidents(&Facts::from_events(&two_incidents()));
        assert_eq!(incs.len(), 2);
        let a = &incs[0];
        assert_eq!((a.compromised, a.detected), ((0, 1), (600, 4)));
        assert_eq!((a.ttd(), a.tta(), a.ttc(), a.ttr()), (600, Some(300), Some(3600), Some(7200)));
        let b = &incs[1];
        assert_eq!((b.ttd(), b.tta(), b.ttc(), b.ttr()), (3600, Some(1200), None, None));
        let f = Facts::from_events(&two_incidents());
        assert_eq!(f.names.stages[b.stage as usize], "lm");
    }

    /// A step counts for the incident opened last before it: one before any opening is dropped,
    /// an id opened again starts afresh, the first of each step is kept, and an id the engine
    /// never gives (past the log's length) is kept too.
    #[test]
    fn a_step_counts_for_the_incident_opened_last_before_it() {
        let on = |id, t, kind, incident: u64, cause: Option<u64>| {
            let mut e = host(ev(id, t, kind), "A");
            (e.incident, e.cause) = ((incident > 0).then_some(incident), cause);
            e
        };
        use EventKind::*;
        let events = vec![
            on(1, 0, HostCompromised, 0, None),
            on(2, 60, HostDetected, 0, Some(1)),
            on(3, 60, HostContained, 1, None),
            on(4, 120, IncidentOpened, 1, Some(2)),
            on(5, 180, IncidentAcknowledged, 1, None),
            on(6, 240, IncidentOpened, 1, Some(2)),
            on(7, 300, IncidentAcknowledged, 1, None),
            on(8, 360, IncidentAcknowledged, 1, None),
            on(9, 400, IncidentOpened, 999, Some(2)),
            on(10, 420, HostContained, 999, None),
            on(11, 480, HostRecovered, 1, None),
        ];
        let incs = incidents(&Facts::from_events(&events));
        let got: Vec<_> = incs.iter().map(|i| (i.id, i.detected, i.acknowledged, i.contained, i.recovered)).collect();
        assert_eq!(
            got,
            vec![(1, (60, 2), Some((300, 7)), None, Some((480, 11))), (999, (60, 2), None, Some((420, 10)), None)]
        );
    }

    #[test]
    fn lifecycle_means_and_censoring() {
        let incs = incidents(&Facts::from_events(&two_incidents()));
        let refs: Vec<&Incident> = incs.iter().collect();
        let l = lifecycle("nation", "EST", &refs, Some(0));
        assert_eq!(l.dwell_s, Some(600), "first compromise 0 → first detection 600");
        assert_eq!(l.mttd.mean_s, Some(2100.0), "(600 + 3600) / 2");
        assert_eq!(l.mtta.mean_s, Some(750.0), "(300 + 1200) / 2");
        assert_eq!((l.mttc.n, l.mttc.open, l.mttc.mean_s), (1, 1, Some(3600.0)));
        assert_eq!((l.mttr.n, l.mttr.open, l.mttr.mean_s), (1, 1, Some(7200.0)));
        assert_eq!(l.mttd.median_s, Some(600));
        assert_eq!(l.mttd.max_s, Some(3600));
    }

    proptest::proptest! {
        /// The linear statistics equal the sorted ones: mean in ascending order, median and max.
        #[test]
        fn stat_matches_the_sorted_computation(values in proptest::collection::vec(0u64..10_000_000, 0..200), big in proptest::bool::ANY) {
            let values: Vec<u64> = if big { values.iter().map(|v| v << 40).collect() } else { values };
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let n = sorted.len();
            let mean = (n > 0).then(|| sorted.iter().map(|&v| v as f64).sum::<f64>() / n as f64);
            let s = stat(values, 3);
            proptest::prop_assert_eq!(s.mean_s.map(f64::to_bits), mean.map(f64::to_bits));
            proptest::prop_assert_eq!(s.median_s, (n > 0).then(|| sorted[(n - 1) / 2]));
            proptest::prop_assert_eq!((s.max_s, s.n, s.open), (sorted.last().copied(), n as u64, 3));
        }
    }

    #[test]
    fn coverage_counts_executions_detections_and_containments() {
        let events = two_incidents();
        let f = Facts::from_events(&events);
        let cov = attack_coverage(&f, &incidents(&f));
        let lm = cov.iter().find(|c| c.technique == "T1021.002").unwrap();
        // Executed: one stage completion; detected twice (both hosts at `lm`); contained once (A).
        assert_eq!((lm.executed, lm.detected, lm.missed, lm.contained), (1, 2, 0, 1));
        let entry = cov.iter().find(|c| c.technique == "T1566.001").unwrap();
        assert_eq!((entry.executed, entry.detected, entry.missed), (1, 0, 1));
    }

    #[test]
    fn availability_from_outages() {
        let mut down = ev(1, 3600, EventKind::ServiceDown);
        down.service = Some("MAIL".into());
        let mut up = ev(2, 7200, EventKind::ServiceUp);
        up.service = Some("MAIL".into());
        let mut down2 = ev(3, 36_000, EventKind::ServiceDown);
        down2.service = Some("WEB".into());
        let services = [("MAIL".to_string(), "EST".to_string(), 1.0), ("WEB".to_string(), "EST".to_string(), 3.0)];
        let a = availability(&Facts::from_events(&[down, up, down2]), &services, 72_000);
        assert_eq!(a[0].outages, vec![(3600, 7200, 1, Some(2))]);
        assert!((a[0].uptime - 0.95).abs() < 1e-12, "1 h of 20 h down");
        assert_eq!(a[1].outages, vec![(36_000, 72_000, 3, None)], "still down at ENDEX");
        assert!((a[1].uptime - 0.5).abs() < 1e-12);
        let w = weighted_uptime(&a);
        assert!((w - (0.95 + 3.0 * 0.5) / 4.0).abs() < 1e-12);
    }

    #[test]
    fn share_arrival_follows_the_share_event() {
        let mut share = ev(1, 600, EventKind::IndicatorsShared);
        share.nation = Some("EST".into());
        let mut recv = ev(2, 2400, EventKind::IndicatorsReceived);
        recv.nation = Some("LVA".into());
        recv.cause = Some(1);
        let m = first_share_arrival(&Facts::from_events(&[share.clone(), recv.clone()]));
        assert_eq!(m.get("EST"), Some(&(2400, 2)));
        assert!(!m.contains_key("LVA"));
        // LVA detects later and shares back; EST already holds the indicators, and the arrival
        // still counts.
        let mut late = ev(3, 9000, EventKind::IndicatorsShared);
        late.nation = Some("LVA".into());
        let mut back = ev(4, 10_800, EventKind::IndicatorsReceived);
        back.cause = Some(3);
        back.detail = Some("already_held".into());
        let m = first_share_arrival(&Facts::from_events(&[share, recv, late, back]));
        assert_eq!(m.get("LVA"), Some(&(10_800, 4)));
    }

    #[test]
    fn share_decision_is_when_indicators_are_sent_not_when_they_arrive() {
        let mut share = ev(1, 600, EventKind::IndicatorsShared);
        share.nation = Some("EST".into());
        let mut recv = ev(2, 7800, EventKind::IndicatorsReceived);
        recv.nation = Some("LVA".into());
        recv.cause = Some(1);
        let mut again = ev(3, 9000, EventKind::IndicatorsShared);
        again.nation = Some("EST".into());
        let f = Facts::from_events(&[share, recv, again]);
        let m = first_share_decision(&f);
        assert_eq!(m.get("EST"), Some(&(600, 1)), "the first send, however long transport takes");
        assert!(!m.contains_key("LVA"), "receiving is not sharing");
    }
}
