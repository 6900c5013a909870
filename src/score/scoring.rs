//! Locked Shields-style scoring with a ledger: every point change names its rule and the events
//! that caused it, and each score is by definition the sum of its ledger entries.
//!
//! Points are kept in integer thousandths ("millipoints") so the ledger sums exactly. Each
//! category starts with its full weight (normalised so the four weights add up to 100) and loses
//! points by the rules in [`RULES`]. The default weights are an engine convention inside the range
//! reported for Locked Shields, not an official split (CCDCOE does not publish one).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Run;
use super::metrics::{Availability, Incident};
use crate::scenario::model::{ExerciseMode, Metric, Scenario, TargetValue};
use crate::sim::EventKind;

/// The scoring rules, as printed in reports.
pub const RULES: [(&str, &str); 10] = [
    ("availability.budget", "Each nation starts with the full availability weight."),
    (
        "availability.outage",
        "Each outage of one of the nation's services costs weight × (service weight / nation's total service weight) × (outage length / exercise length).",
    ),
    ("attack.budget", "Each nation starts with the full attack-resistance weight."),
    ("attack.compromise", "Each host of the nation compromised costs half the weight ÷ the nation's host count."),
    (
        "attack.impact",
        "Each impact (encrypt, wipe, exfiltrate, disrupt, deface) on the nation's hosts costs half the weight ÷ the nation's host count.",
    ),
    ("response.budget", "Each nation starts with the full incident-response weight."),
    (
        "response.detect / .contain / .recover",
        "Per compromised host, a third of weight ÷ hosts compromised per step. A step done within the reference time costs nothing; a later one costs its share × min(1, (time taken − reference) / reference), the whole share at twice the reference; a step never completed by ENDEX costs its whole share.",
    ),
    ("reporting.budget", "Each nation starts with the full reporting weight."),
    (
        "reporting.share / .request",
        "Half the weight for sharing indicators, half for requesting assistance, each timed from the nation's first detection to the team's own act: sending indicators to partners (the agreement's transport latency is not counted) and sending the request. Within the reference time nothing is lost; later costs the half × min(1, (time taken − reference) / reference). A nation in a sharing agreement that never sent indicators loses the whole half; a nation that never asked for help loses nothing for asking.",
    ),
    ("floor", "A category never drops below zero: a final entry restores it to zero if the rules above overshoot."),
];

/// Reference times (seconds) used when no objective sets a target for the metric. Each is raised
/// to [`BEST_CASE_MARGIN`] × the engine's fastest mean time for the step when that is longer (see
/// [`default_reference_s`]), so that a team doing the best it can always earns the full points.
pub const DEFAULT_REFERENCE_S: [(Metric, u64); 5] = [
    (Metric::TimeToDetect, 4 * 3600),
    (Metric::TimeToContain, 8 * 3600),
    (Metric::TimeToRecover, 24 * 3600),
    (Metric::TimeToShareIndicators, 2 * 3600),
    (Metric::TimeToRequestAssistance, 4 * 3600),
];

/// Score categories, in report order.
pub const CATEGORIES: [&str; 4] = ["availability", "attack_resistance", "incident_response", "reporting"];

/// One point change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Nation (or provider) scored.
    pub subject: String,
    /// Category (one of [`CATEGORIES`]: borrowed, never allocated, when the engine writes it).
    pub category: Cow<'static, str>,
    /// Rule id from [`RULES`] (borrowed when the engine writes it).
    pub rule: Cow<'static, str>,
    /// Change in thousandths of a point.
    pub milli: i64,
    /// Event ids that caused it.
    pub events: Vec<u64>,
    /// What happened, in words.
    pub note: String,
}

/// A nation's (and its national team's) score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationScore {
    /// Nation.
    pub nation: String,
    /// National team.
    pub team: String,
    /// Total, 0–100: the sum of the nation's ledger entries.
    pub total: f64,
    /// Per category.
    pub categories: BTreeMap<String, f64>,
}

/// An assistance provider's score: the share of the incident load it helped clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderScore {
    /// Provider id.
    pub provider: String,
    /// 0–100, or absent if it never deployed.
    pub total: Option<f64>,
    /// Incidents contained in served nations while it was on task.
    pub contained_while_on_task: u64,
    /// Incidents open in served nations at some point while it was on task.
    pub open_while_on_task: u64,
}

/// All scores of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// `competitive` or `cooperative`.
    pub mode: String,
    /// Normalised category weights (sum 100).
    pub weights: BTreeMap<String, f64>,
    /// Reference times used, seconds, per metric name.
    pub reference_s: BTreeMap<String, u64>,
    /// Per nation.
    pub nations: Vec<NationScore>,
    /// Per assistance provider.
    pub providers: Vec<ProviderScore>,
    /// Host-weighted mean of the nation scores: the shared outcome (both modes).
    pub alliance: f64,
    /// Nations by score, best first (competitive mode only; empty in cooperative mode).
    pub ranking: Vec<String>,
    /// Every point change.
    pub ledger: Vec<LedgerEntry>,
}

fn milli(points: f64) -> i64 {
    (points * 1000.0).round() as i64
}

/// The reference time for `metric` in `nation`: the target of the first objective on that metric
/// whose scope covers the nation, else the engine default.
pub fn reference_s(scenario: &Scenario, nation: &str, metric: Metric) -> u64 {
    let team = scenario.nations.iter().find(|n| n.id == nation).map(|n| n.team.id.as_str());
    scenario
        .objectives
        .iter()
        .filter(|o| {
            o.metric == Some(metric) && (o.scope == nation || Some(o.scope.as_str()) == team || o.scope == "alliance")
        })
        .find_map(|o| match o.target.as_ref().map(|t| metric.parse_target(t)) {
            Some(Ok(TargetValue::Duration(d))) if d.secs() > 0 => Some(d.secs()),
            _ => None,
        })
        .unwrap_or_else(|| default_reference_s(scenario, nation, metric))
}

/// A default reference is never shorter than this many times the best-case mean of the step.
pub const BEST_CASE_MARGIN: u64 = 2;

/// The engine default for `metric` in `nation`: the built-in time from [`DEFAULT_REFERENCE_S`],
/// raised to [`BEST_CASE_MARGIN`] × [`best_case_s`] when that is longer.
pub fn default_reference_s(scenario: &Scenario, nation: &str, metric: Metric) -> u64 {
    let built_in = DEFAULT_REFERENCE_S.iter().find(|(m, _)| *m == metric).map_or(3600, |(_, s)| *s);
    built_in.max(BEST_CASE_MARGIN * best_case_s(scenario, nation, metric))
}

/// The fastest mean time the engine allows for a step, at skill 1 with full sensors and a free
/// analyst, every phase rounded up to whole ticks: detection one tick after the compromise;
/// containment = triage + containment; recovery = triage + containment + eradication + the
/// nation's longest host `restore_time`. Sharing and asking for help can happen in the tick of the
/// first detection (0).
pub fn best_case_s(scenario: &Scenario, nation: &str, metric: Metric) -> u64 {
    use crate::sim::response::{CONTAIN_BASE_S, ERADICATE_BASE_S, TRIAGE_BASE_S};
    let tick = scenario.clock.tick.secs().max(1);
    let ticks = |s: f64| (s.max(1.0) as u64).div_ceil(tick) * tick;
    // Only recovery reads the host groups (a scan of every segment of the nation).
    let restore = || {
        scenario
            .nations
            .iter()
            .filter(|n| n.id == nation)
            .flat_map(|n| n.segments.iter().flat_map(|s| &s.host_groups))
            .map(|g| ticks(g.restore_time.secs() as f64))
            .max()
            .unwrap_or(tick)
    };
    let contain = ticks(TRIAGE_BASE_S) + ticks(CONTAIN_BASE_S);
    match metric {
        Metric::TimeToDetect => tick,
        Metric::TimeToContain => contain,
        Metric::TimeToRecover => contain + ticks(ERADICATE_BASE_S) + restore(),
        _ => 0,
    }
}

/// The ledger being written, and the reference times its rules used.
///
/// Each rule function writes one nation's category as one run of entries (its budget first, its
/// floor last), so the category's sum is kept as the entries are added, and recorded at the
/// floor: no rescan of the ledger.
struct Ledger {
    entries: Vec<LedgerEntry>,
    /// Reference time per `{nation}.{metric}`, seconds.
    reference_s: BTreeMap<String, u64>,
    /// The sum of the category being written.
    running: i64,
    /// Each finished category's sum, per (subject, category).
    sums: BTreeMap<(String, &'static str), i64>,
    /// The nation's first-compromised hosts (key, name), in event order: named once by the
    /// attack rule, read back by the response rule (naming a host is a cache miss or two).
    hosts: Vec<(u32, String)>,
}

impl Ledger {
    /// The reference time for `metric` in `nation` ([`reference_s`]), recorded for the report.
    fn reference(&mut self, scenario: &Scenario, nation: &str, metric: Metric) -> u64 {
        let r = reference_s(scenario, nation, metric);
        self.reference_s.insert(format!("{nation}.{}", metric.name()), r);
        r
    }

    fn add(
        &mut self,
        subject: &str,
        category: &'static str,
        rule: &'static str,
        milli: i64,
        events: Vec<u64>,
        note: String,
    ) {
        self.running += milli;
        self.entries.push(LedgerEntry {
            subject: subject.to_string(),
            category: Cow::Borrowed(category),
            rule: Cow::Borrowed(rule),
            milli,
            events,
            note,
        });
    }

    fn sum(&self, subject: &str, category: &'static str) -> i64 {
        self.sums.get(&(subject.to_string(), category)).copied().unwrap_or(0)
    }

    /// Restores a category that went below zero, and closes it.
    fn floor(&mut self, subject: &str, category: &'static str) {
        let s = self.running;
        if s < 0 {
            self.add(subject, category, "floor", -s, Vec::new(), "category floor: restored to zero".to_string());
        }
        *self.sums.entry((subject.to_string(), category)).or_insert(0) += self.running;
        self.running = 0;
    }
}

/// A step share scaled by lateness beyond the reference: nothing within it, then
/// `share × min(1, (taken − reference) / reference)`.
fn late_cost(share: f64, taken_s: u64, reference_s: u64) -> i64 {
    let reference = reference_s.max(1);
    milli(share * (taken_s.saturating_sub(reference) as f64 / reference as f64).min(1.0))
}

fn hms(s: u64) -> String {
    crate::fmt::span(s)
}

/// Scores every nation and provider.
pub fn score(run: &Run, availability: &[Availability]) -> Scores {
    let (scenario, summary) = (run.scenario, run.summary);
    let norm = normalised_weights(scenario);
    let end_s = summary.duration_s.max(1);
    let mut led = Ledger {
        entries: Vec::new(),
        reference_s: BTreeMap::new(),
        running: 0,
        sums: BTreeMap::new(),
        hosts: Vec::new(),
    };
    let hosts_in = hosts_per_nation(scenario);
    let reporting = ReportingFacts {
        partners: scenario
            .sharing
            .iter()
            .filter(|a| a.between.len() >= 2)
            .flat_map(|a| a.between.iter().map(String::as_str))
            .collect(),
        shares: super::metrics::first_share_decision(run.facts, run.index),
        first_detection: run.first_detection,
    };
    let mut by_nation: BTreeMap<&str, Vec<&Availability>> = BTreeMap::new();
    for a in availability {
        by_nation.entry(a.nation.as_str()).or_default().push(a);
    }
    for n in &scenario.nations {
        let id = n.id.as_str();
        let k = run.facts.nation(id);
        let n_hosts = hosts_in.get(id).copied().unwrap_or(0).max(1) as f64;
        let mine = by_nation.get(id).map_or(&[][..], Vec::as_slice);
        score_availability(&mut led, id, norm[0], mine, end_s);
        score_attack_resistance(&mut led, (run, id, k), norm[1], n_hosts);
        score_incident_response(&mut led, (run, id, k), norm[2]);
        score_reporting(&mut led, (run, id, k), norm[3], &reporting);
    }
    let nations = nation_scores(scenario, &led);
    let alliance = alliance_score(&nations, &hosts_in);
    let ranking = if scenario.exercise.mode == ExerciseMode::Competitive { ranking(&nations) } else { Vec::new() };
    let providers = provider_scores(run);
    let mode = match scenario.exercise.mode {
        ExerciseMode::Competitive => "competitive",
        ExerciseMode::Cooperative => "cooperative",
    };
    Scores {
        mode: mode.to_string(),
        weights: CATEGORIES.iter().zip(&norm).map(|(c, w)| (c.to_string(), (w * 1000.0).round() / 1000.0)).collect(),
        reference_s: led.reference_s,
        nations,
        providers,
        alliance: (alliance * 1000.0).round() / 1000.0,
        ranking,
        ledger: led.entries,
    }
}

/// One nation as the rules see it: the run, the nation's id and its index in the events.
type Nation<'r, 'a> = (&'r Run<'a>, &'r str, Option<u32>);

/// The category weights in [`CATEGORIES`] order, normalised to add up to 100 (25 each when the
/// scenario's add up to zero).
fn normalised_weights(scenario: &Scenario) -> [f64; 4] {
    let w = &scenario.scoring.weights;
    let raw = [w.availability, w.attack_resistance, w.incident_response, w.reporting];
    let total: f64 = raw.iter().sum();
    raw.map(|x| if total > 0.0 { x * 100.0 / total } else { 25.0 })
}

/// Hosts per nation.
fn hosts_per_nation(scenario: &Scenario) -> BTreeMap<&str, u64> {
    scenario
        .nations
        .iter()
        .map(|n| (n.id.as_str(), n.segments.iter().flat_map(|s| &s.host_groups).map(|g| g.count).sum::<u64>()))
        .collect()
}

/// Availability (`availability.*`): the full weight, less each outage of one of the nation's
/// services: weight × its share of the nation's service weight × its share of the exercise.
fn score_availability(led: &mut Ledger, id: &str, weight: f64, mine: &[&Availability], end_s: u64) {
    led.add(id, "availability", "availability.budget", milli(weight), Vec::new(), "full availability budget".into());
    let total_w: f64 = mine.iter().map(|a| a.weight).sum();
    for a in mine {
        for &(down, up, down_ev, up_ev) in &a.outages {
            let cost = weight * (a.weight / total_w) * ((up - down) as f64 / end_s as f64);
            let mut ids = vec![down_ev];
            ids.extend(up_ev);
            let note = format!(
                "{} down {} ({}–{})",
                a.service,
                hms(up - down),
                crate::fmt::tplus(down),
                crate::fmt::tplus(up)
            );
            led.add(id, "availability", "availability.outage", -milli(cost), ids, note);
        }
    }
    led.floor(id, "availability");
}

/// Attack resistance (`attack.*`): the full weight, less half the weight ÷ the nation's hosts
/// for each distinct host compromised and for each impact.
fn score_attack_resistance(led: &mut Ledger, (run, id, k): Nation, weight: f64, n_hosts: f64) {
    led.hosts.clear();
    led.add(
        id,
        "attack_resistance",
        "attack.budget",
        milli(weight),
        Vec::new(),
        "full attack-resistance budget".into(),
    );
    let (f, names) = (run.facts, &run.facts.names);
    let cost = -milli(weight / 2.0 / n_hosts);
    fn name(x: Option<u32>, list: &[String]) -> &str {
        x.and_then(|x| list.get(x as usize)).map_or("?", String::as_str)
    }
    for &pos in run.index.of_nation(k) {
        let wanted = match f.kind_at(pos as usize) {
            EventKind::HostCompromised => run.index.is_first_compromise(pos),
            kind => kind == EventKind::ImpactApplied,
        };
        if !wanted {
            continue;
        }
        let e = f.at(pos as usize);
        match e.kind {
            EventKind::HostCompromised if e.host.is_some() && run.index.is_first_compromise(pos) => {
                let h = e.host.unwrap_or(super::facts::NONE);
                let host = f.host_name(h);
                let note = format!("{host} compromised by {}", name(e.campaign, &names.campaigns));
                led.add(id, "attack_resistance", "attack.compromise", cost, vec![e.id], note);
                led.hosts.push((h, host));
            }
            EventKind::ImpactApplied => {
                let host = e.host.map_or_else(|| "?".to_string(), |h| f.host_name(h));
                let detail = f.detail(e.id);
                let note = format!(
                    "{} on {host} ({})",
                    detail.as_deref().unwrap_or("impact"),
                    name(e.technique, &names.techniques)
                );
                led.add(id, "attack_resistance", "attack.impact", cost, vec![e.id], note);
            }
            _ => {}
        }
    }
    led.floor(id, "attack_resistance");
}

/// Incident response (`response.*`): the full weight, less, for each distinct host of the
/// nation compromised, its detect, contain and recover steps ([`charge_response_steps`]).
fn score_incident_response(led: &mut Ledger, (run, id, k): Nation, weight: f64) {
    let scenario = run.scenario;
    let references =
        [Metric::TimeToDetect, Metric::TimeToContain, Metric::TimeToRecover].map(|m| led.reference(scenario, id, m));
    led.add(
        id,
        "incident_response",
        "response.budget",
        milli(weight),
        Vec::new(),
        "full incident-response budget".into(),
    );
    let f = run.facts;
    let compromised: Vec<(u64, u32)> = run
        .index
        .of_nation(k)
        .iter()
        .filter(|&&pos| run.index.is_first_compromise(pos) && f.kind_at(pos as usize) == EventKind::HostCompromised)
        .map(|&pos| f.at(pos as usize))
        .filter_map(|e| Some((e.id, e.host?)).filter(|_| e.kind == EventKind::HostCompromised))
        .collect();
    if !compromised.is_empty() {
        let share = weight / 3.0 / compromised.len() as f64;
        let spans = references.map(hms);
        let mut named = std::mem::take(&mut led.hosts).into_iter();
        for &(event, h) in &compromised {
            let incident = run.index.incident_of_host(h);
            let host = named.next().filter(|(k, _)| *k == h).map_or_else(|| f.host_name(h), |(_, name)| name);
            charge_response_steps(led, (id, &host), event, incident, share, (references, &spans));
        }
    }
    led.floor(id, "incident_response");
}

/// The detect, contain and recover steps of one compromised host, a `share` each: a step never
/// done by ENDEX costs its share, a late one [`late_cost`] against its reference.
fn charge_response_steps(
    led: &mut Ledger,
    (id, host): (&str, &str),
    compromise_event: u64,
    incident: Option<&Incident>,
    share: f64,
    ([rd, rc, rr], [sd, sc, sr]): ([u64; 3], &[String; 3]),
) {
    let Some(i) = incident else {
        for (rule, word) in
            [("response.detect", "detected"), ("response.contain", "contained"), ("response.recover", "recovered")]
        {
            let note = format!("{host} never {word}");
            led.add(id, "incident_response", rule, -milli(share), vec![compromise_event], note);
        }
        return;
    };
    let ids = vec![i.compromised.1, i.detected.1];
    let note = format!("{host} detected after {} (reference {sd})", hms(i.ttd()));
    led.add(id, "incident_response", "response.detect", -late_cost(share, i.ttd(), rd), ids, note);
    for (rule, at, reference, span, word) in
        [("response.contain", i.contained, rc, sc, "contained"), ("response.recover", i.recovered, rr, sr, "recovered")]
    {
        match at {
            Some((t, ev)) => {
                let taken = t.saturating_sub(i.detected.0);
                let note = format!("{host} {word} {} after detection (reference {span})", hms(taken));
                let cost = -late_cost(share, taken, reference);
                led.add(id, "incident_response", rule, cost, vec![i.detected.1, ev], note);
            }
            None => {
                let note = format!("{host} not {word} by ENDEX");
                led.add(id, "incident_response", rule, -milli(share), vec![i.detected.1], note);
            }
        }
    }
}

/// What the reporting rules read: the nations in a sharing agreement, and each nation's first
/// indicators sent and first detection (seconds, event id).
struct ReportingFacts<'a> {
    partners: BTreeSet<&'a str>,
    shares: BTreeMap<String, (u64, u64)>,
    first_detection: &'a BTreeMap<String, (u64, u64)>,
}

/// Reporting (`reporting.*`): the full weight; after the nation's first detection, half of it
/// for sharing indicators (only a nation with partners, the whole half if it never did) and
/// half for requesting assistance (only if it did), each [`late_cost`] against its reference.
fn score_reporting(led: &mut Ledger, (run, id, k): Nation, weight: f64, facts: &ReportingFacts) {
    let scenario = run.scenario;
    led.add(id, "reporting", "reporting.budget", milli(weight), Vec::new(), "full reporting budget".into());
    let rs = led.reference(scenario, id, Metric::TimeToShareIndicators);
    let rq = led.reference(scenario, id, Metric::TimeToRequestAssistance);
    if let Some(&(det_s, det_ev)) = facts.first_detection.get(id) {
        if facts.partners.contains(id) {
            match facts.shares.get(id) {
                Some(&(t, ev)) => {
                    let taken = t.saturating_sub(det_s);
                    let note = format!(
                        "indicators sent to partners {} after first detection (reference {})",
                        hms(taken),
                        hms(rs)
                    );
                    let cost = -late_cost(weight / 2.0, taken, rs);
                    led.add(id, "reporting", "reporting.share", cost, vec![det_ev, ev], note);
                }
                None => {
                    let note = "indicators never sent to partners".into();
                    led.add(id, "reporting", "reporting.share", -milli(weight / 2.0), vec![det_ev], note);
                }
            }
        }
        let mut own = run.index.of_nation(k).iter();
        let first = own.find(|&&p| run.facts.kind_at(p as usize) == EventKind::AssistanceRequested);
        if let Some(req) = first.map(|&p| run.facts.at(p as usize)) {
            let taken = req.time_s.saturating_sub(det_s);
            let note = format!("assistance requested {} after first detection (reference {})", hms(taken), hms(rq));
            let cost = -late_cost(weight / 2.0, taken, rq);
            led.add(id, "reporting", "reporting.request", cost, vec![det_ev, req.id], note);
        }
    }
    led.floor(id, "reporting");
}

/// Each nation's score: its ledger entries summed per category and in total.
fn nation_scores(scenario: &Scenario, led: &Ledger) -> Vec<NationScore> {
    scenario
        .nations
        .iter()
        .map(|n| {
            let categories: BTreeMap<String, f64> =
                CATEGORIES.iter().map(|c| (c.to_string(), led.sum(&n.id, c) as f64 / 1000.0)).collect();
            let total = CATEGORIES.iter().map(|c| led.sum(&n.id, c)).sum::<i64>() as f64 / 1000.0;
            NationScore { nation: n.id.clone(), team: n.team.id.clone(), total, categories }
        })
        .collect()
}

/// The host-weighted mean of the nation scores (0 without hosts).
fn alliance_score(nations: &[NationScore], hosts_in: &BTreeMap<&str, u64>) -> f64 {
    let host_total: f64 = hosts_in.values().map(|&h| h as f64).sum();
    if host_total > 0.0 {
        nations.iter().map(|s| s.total * hosts_in.get(s.nation.as_str()).copied().unwrap_or(0) as f64).sum::<f64>()
            / host_total
    } else {
        0.0
    }
}

/// Nations by total score, best first (ties by id).
fn ranking(nations: &[NationScore]) -> Vec<String> {
    let mut r: Vec<&NationScore> = nations.iter().collect();
    r.sort_by(|a, b| b.total.total_cmp(&a.total).then_with(|| a.nation.cmp(&b.nation)));
    r.into_iter().map(|s| s.nation.clone()).collect()
}

fn provider_scores(run: &Run) -> Vec<ProviderScore> {
    let (scenario, summary) = (run.scenario, run.summary);
    scenario
        .assistance
        .iter()
        .map(|p| {
            let windows: Vec<(&str, u64, u64)> = summary
                .assistance
                .iter()
                .filter(|a| a.provider == p.id)
                .filter_map(|a| {
                    a.on_task_s.map(|on| (a.nation.as_str(), on, a.off_task_s.unwrap_or(summary.duration_s)))
                })
                .collect();
            // Each incident counts against the first window of its nation.
            let mut first: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for &(n, on, off) in &windows {
                first.entry(n).or_insert((on, off));
            }
            let (mut open, mut contained) = (0, 0);
            for (n, &(on, off)) in &first {
                for i in run.index.incidents_of(run.facts.nation(n)) {
                    let end = i.contained.map_or(u64::MAX, |c| c.0);
                    if i.detected.0 < off && end >= on {
                        open += 1;
                        if i.contained.is_some_and(|c| c.0 >= on && c.0 < off) {
                            contained += 1;
                        }
                    }
                }
            }
            let total = (!windows.is_empty()).then(|| {
                if open == 0 { 100.0 } else { ((contained as f64 / open as f64) * 100_000.0).round() / 1000.0 }
            });
            ProviderScore {
                provider: p.id.clone(),
                total,
                contained_while_on_task: contained,
                open_while_on_task: open,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::duration::Duration;

    fn drill() -> Scenario {
        crate::cli::load_default().unwrap().scenario
    }

    #[test]
    fn within_the_reference_costs_nothing_and_twice_it_costs_the_whole_share() {
        assert_eq!(late_cost(6.0, 0, 3600), 0);
        assert_eq!(late_cost(6.0, 3600, 3600), 0, "on the reference: full points");
        assert_eq!(late_cost(6.0, 5400, 3600), 3000, "half-way to twice the reference: half the share");
        assert_eq!(late_cost(6.0, 7200, 3600), 6000);
        assert_eq!(late_cost(6.0, 99_999, 3600), 6000, "capped at the share");
    }

    #[test]
    fn built_in_references_apply_when_the_best_case_fits_them() {
        let s = drill();
        // LVA has no objective: every reference is the built-in default. Its slowest restore is
        // 8h, so the best-case recovery (15m + 30m + 1h + 8h = 9h45m) × 2 stays under 1d.
        assert_eq!(reference_s(&s, "LVA", Metric::TimeToRecover), 24 * 3600);
        assert_eq!(best_case_s(&s, "LVA", Metric::TimeToRecover), 9 * 3600 + 45 * 60);
        assert_eq!(reference_s(&s, "LVA", Metric::TimeToShareIndicators), 2 * 3600);
        assert_eq!(best_case_s(&s, "LVA", Metric::TimeToShareIndicators), 0, "sharing can happen at detection");
        // EST's objectives set its targets, and those win over any default.
        assert_eq!(reference_s(&s, "EST", Metric::TimeToShareIndicators), 4 * 3600);
    }

    #[test]
    fn a_default_reference_grows_to_stay_earnable() {
        let mut s = drill();
        // 6-hour ticks: nothing can be detected sooner than one tick, contained sooner than two.
        s.clock.tick = Duration(6 * 3600);
        assert_eq!(reference_s(&s, "LVA", Metric::TimeToDetect), 2 * 6 * 3600);
        assert_eq!(reference_s(&s, "LVA", Metric::TimeToContain), 2 * 12 * 3600);
        // A 2-day restore cannot be done within the built-in day.
        let mut s = drill();
        s.nations[1].segments[0].host_groups[0].restore_time = Duration(2 * 86_400);
        let best = best_case_s(&s, "LVA", Metric::TimeToRecover);
        assert_eq!(best, 15 * 60 + 30 * 60 + 3600 + 2 * 86_400);
        assert_eq!(reference_s(&s, "LVA", Metric::TimeToRecover), 2 * best);
    }
}
