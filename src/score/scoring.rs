//! Locked Shields-style scoring with a ledger: every point change names its rule and the events
//! that caused it, and each score is by definition the sum of its ledger entries.
//!
//! Points are kept in integer thousandths ("millipoints") so the ledger sums exactly. Each
//! category starts with its full weight (normalised so the four weights add up to 100) and loses
//! points by the rules in [`RULES`]. The default weights are an engine convention inside the range
//! reported for Locked Shields, not an official split (CCDCOE does not publish one).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::Run;
use super::facts::Facts;
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
/// [`reference_s`] and [`best_case_s`]), so that a team doing the best it can always earns the full points.
pub const DEFAULT_REFERENCE_S: [(Metric, u64); 5] = [
    (Metric::TimeToDetect, 4 * 3600),
    (Metric::TimeToContain, 8 * 3600),
    (Metric::TimeToRecover, 24 * 3600),
    (Metric::TimeToShareIndicators, 2 * 3600),
    (Metric::TimeToRequestAssistance, 4 * 3600),
];

/// Score categories, in report order.
pub const CATEGORIES: [&str; 4] = ["availability", "attack_resistance", "incident_response", "reporting"];

/// How many applications of a rule an aggregated ledger entry keeps as its sample: the hosts
/// and the event ids of its first applications, in event order.
pub const SAMPLE: usize = 10;

/// One point change: a rule applied `count` times for the same reason at the same cost, so that
/// `milli = count × each_milli` (a budget, a floor, an outage or a nation's report is one
/// application). Per-host rules are gathered into one entry per reason and cost, and keep only a
/// sample of the hosts and events behind them ([`SAMPLE`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Nation (or provider) scored.
    pub subject: String,
    /// Category (one of [`CATEGORIES`]: borrowed, never allocated, when the engine writes it).
    pub category: Cow<'static, str>,
    /// Rule id from [`RULES`] (borrowed when the engine writes it).
    pub rule: Cow<'static, str>,
    /// How many times the rule applied for this reason (hosts, impacts …).
    pub count: u64,
    /// Change per application, in thousandths of a point.
    pub each_milli: i64,
    /// Change in thousandths of a point: `count × each_milli`.
    pub milli: i64,
    /// Event ids of the first [`SAMPLE`] applications, in id order (all of them when `count` is
    /// at most [`SAMPLE`]).
    pub events: Vec<u64>,
    /// Hosts of the first [`SAMPLE`] applications, in event order (per-host rules only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
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
    /// Inject expectations (`expects:`) judged for the nation: points beside the total, never in
    /// it (absent when the scenario expects nothing of the nation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expectations: Option<ExpectationTally>,
}

/// A nation's inject expectations in points: `earned` is the sum of its `expectations` ledger
/// entries, out of `available` (the expectations judged: met, missed or validated); `open` is
/// what manual expectations nobody validated would be worth, neither earned nor lost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpectationTally {
    /// Points earned.
    pub earned: f64,
    /// Points of the expectations judged.
    pub available: f64,
    /// Points of manual expectations not validated.
    pub open: f64,
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
    reference_given(scenario, nation, metric, || longest_restore_s(scenario, nation))
}

/// [`reference_s`], given how to get the nation's longest host-group `restore_time`.
fn reference_given(scenario: &Scenario, nation: &str, metric: Metric, restore_s: impl FnOnce() -> u64) -> u64 {
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
        .unwrap_or_else(|| default_reference_s(scenario, metric, restore_s))
}

/// A default reference is never shorter than this many times the best-case mean of the step.
pub const BEST_CASE_MARGIN: u64 = 2;

/// The engine default for `metric` in a nation whose longest host-group `restore_time` `restore_s`
/// gives: the built-in time from [`DEFAULT_REFERENCE_S`], raised to [`BEST_CASE_MARGIN`] ×
/// [`best_case_s`] when that is longer.
fn default_reference_s(scenario: &Scenario, metric: Metric, restore_s: impl FnOnce() -> u64) -> u64 {
    let built_in = DEFAULT_REFERENCE_S.iter().find(|(m, _)| *m == metric).map_or(3600, |(_, s)| *s);
    built_in.max(BEST_CASE_MARGIN * best_case_given(scenario, metric, restore_s))
}

/// The fastest mean time the engine allows for a step, at skill 1 with full sensors and a free
/// analyst, every phase rounded up to whole ticks: detection one tick after the compromise;
/// containment = triage + containment; recovery = triage + containment + eradication + the
/// nation's longest host `restore_time`. Sharing and asking for help can happen in the tick of the
/// first detection (0).
pub fn best_case_s(scenario: &Scenario, nation: &str, metric: Metric) -> u64 {
    best_case_given(scenario, metric, || longest_restore_s(scenario, nation))
}

/// [`best_case_s`], given how to get the nation's longest host-group `restore_time` (read only
/// for recovery). Rounding up to whole ticks keeps the order of times, so the longest restore
/// rounded is the longest of the rounded restores.
fn best_case_given(scenario: &Scenario, metric: Metric, restore_s: impl FnOnce() -> u64) -> u64 {
    use crate::sim::response::{CONTAIN_BASE_S, ERADICATE_BASE_S, TRIAGE_BASE_S};
    let tick = scenario.clock.tick.secs().max(1);
    let ticks = |s: f64| (s.max(1.0) as u64).div_ceil(tick) * tick;
    let contain = ticks(TRIAGE_BASE_S) + ticks(CONTAIN_BASE_S);
    match metric {
        Metric::TimeToDetect => tick,
        Metric::TimeToContain => contain,
        Metric::TimeToRecover => contain + ticks(ERADICATE_BASE_S) + ticks(restore_s() as f64),
        _ => 0,
    }
}

/// The longest `restore_time` (s) of a nation's host groups, 0 if it has none (a walk over every
/// segment of the nation).
fn longest_restore_s(scenario: &Scenario, nation: &str) -> u64 {
    scenario.nations.iter().find(|n| n.id == nation).map_or(0, |n| size_of(n).longest_restore_s)
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
    let sizes = nation_sizes(scenario);
    let mut led = Ledger {
        entries: Vec::new(),
        reference_s: BTreeMap::new(),
        longest_restore_s: sizes.iter().map(|(&n, s)| (n.to_string(), s.longest_restore_s)).collect(),
        running: 0,
        sums: BTreeMap::new(),
    };
    let hosts_in: BTreeMap<&str, u64> = sizes.iter().map(|(&n, s)| (n, s.hosts)).collect();
    let reporting = ReportingFacts {
        partners: scenario
            .sharing
            .iter()
            .filter(|a| a.between.len() >= 2)
            .flat_map(|a| a.between.iter().map(String::as_str))
            .collect(),
        shares: super::metrics::first_share_decision(run.facts),
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

/// A nation's hosts and its longest host-group `restore_time`.
#[derive(Debug, Clone, Copy)]
struct NationSize {
    hosts: u64,
    longest_restore_s: u64,
}

/// Every nation's [`NationSize`], in one walk over the scenario's host groups (a generated world
/// has one per host: the rules read the walk, not the groups).
fn nation_sizes(scenario: &Scenario) -> BTreeMap<&str, NationSize> {
    scenario.nations.iter().map(|n| (n.id.as_str(), size_of(n))).collect()
}

/// A nation's [`NationSize`], walking its host groups.
fn size_of(n: &crate::scenario::model::Nation) -> NationSize {
    n.segments.iter().flat_map(|s| &s.host_groups).fold(NationSize { hosts: 0, longest_restore_s: 0 }, |a, g| {
        NationSize { hosts: a.hosts + g.count, longest_restore_s: a.longest_restore_s.max(g.restore_time.secs()) }
    })
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

/// The ledger being written, and the reference times its rules used.
///
/// Each rule function writes one nation's category as one run of entries (its budget first, its
/// floor last), so the category's sum is kept as the entries are added, and recorded at the
/// floor: no rescan of the ledger.
struct Ledger {
    entries: Vec<LedgerEntry>,
    /// Reference time per `{nation}.{metric}`, seconds.
    reference_s: BTreeMap<String, u64>,
    /// Each nation's longest host-group `restore_time`, seconds (what recovery references read).
    longest_restore_s: BTreeMap<String, u64>,
    /// The sum of the category being written.
    running: i64,
    /// Each finished category's sum, per (subject, category).
    sums: BTreeMap<(String, &'static str), i64>,
}

impl Ledger {
    /// The reference time for `metric` in `nation` ([`reference_s`]), recorded for the report.
    fn reference(&mut self, scenario: &Scenario, nation: &str, metric: Metric) -> u64 {
        let restore = self.longest_restore_s.get(nation).copied().unwrap_or(0);
        let r = reference_given(scenario, nation, metric, || restore);
        self.reference_s.insert(format!("{nation}.{}", metric.name()), r);
        r
    }

    /// One application of a rule.
    fn add(
        &mut self,
        subject: &str,
        category: &'static str,
        rule: &'static str,
        milli: i64,
        events: Vec<u64>,
        note: String,
    ) {
        self.add_many(subject, (category, rule), (1, milli), (events, Vec::new()), note);
    }

    /// `count` applications of a rule at `each` thousandths, with a sample of their events and hosts.
    fn add_many(
        &mut self,
        subject: &str,
        (category, rule): (&'static str, &'static str),
        (count, each): (u64, i64),
        (events, hosts): (Vec<u64>, Vec<String>),
        note: String,
    ) {
        let milli = count as i64 * each;
        self.running += milli;
        self.entries.push(LedgerEntry {
            subject: subject.to_string(),
            category: Cow::Borrowed(category),
            rule: Cow::Borrowed(rule),
            count,
            each_milli: each,
            milli,
            events,
            hosts,
            note,
        });
    }

    /// Writes `groups`, ordered by `rank` (then first application), each noted by `note` with the
    /// names of its sampled hosts.
    fn add_groups<K>(
        &mut self,
        (subject, category): (&str, &'static str),
        groups: Groups<K>,
        f: &Facts,
        rank: impl Fn(&K) -> (usize, &'static str),
        note: impl Fn(&K, &Group, &[String]) -> String,
    ) {
        let mut list = groups.list;
        list.sort_by_key(|(k, _)| rank(k).0);
        for (k, g) in list {
            let hosts: Vec<String> = g.hosts.iter().map(|&h| f.host_name(h)).collect();
            let mut events = g.events.clone();
            events.sort_unstable();
            events.dedup();
            let note = note(&k, &g, &hosts);
            self.add_many(subject, (category, rank(&k).1), (g.count, g.each), (events, hosts), note);
        }
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

/// Applications of one rule for one reason at one cost, gathered before their entry is written.
struct Group {
    /// Cost of each, thousandths.
    each: i64,
    count: u64,
    /// Events of the first [`SAMPLE`] applications.
    events: Vec<u64>,
    /// Host keys of the first [`SAMPLE`] applications.
    hosts: Vec<u32>,
    /// Shortest and longest time taken, seconds (the response rules).
    taken: (u64, u64),
}

/// A multiplicative hash for the small keys of [`Groups`]: SipHash would cost more than the rest
/// of a host's step.
#[derive(Default)]
struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// [`Group`]s by key (which includes the cost), in order of first application.
struct Groups<K> {
    at: HashMap<K, usize, BuildHasherDefault<Mix>>,
    list: Vec<(K, Group)>,
    /// The groups of the last few distinct keys added to, checked before the map: most hosts
    /// share their step's outcome with the host before them.
    recent: [usize; 4],
}

impl<K: Hash + Eq + Clone> Groups<K> {
    fn new() -> Self {
        Groups { at: HashMap::default(), list: Vec::new(), recent: [usize::MAX; 4] }
    }

    /// One more application under `key`, costing `each`.
    fn add(&mut self, key: K, each: i64, events: &[u64], host: Option<u32>, taken: u64) {
        let hit = self.recent.iter().copied().find(|&i| self.list.get(i).is_some_and(|(k, _)| *k == key));
        let i = hit.unwrap_or_else(|| {
            let i = match self.at.get(&key) {
                Some(&i) => i,
                None => {
                    let g = Group { each, count: 0, events: Vec::new(), hosts: Vec::new(), taken: (taken, taken) };
                    self.at.insert(key.clone(), self.list.len());
                    self.list.push((key, g));
                    self.list.len() - 1
                }
            };
            self.recent.rotate_right(1);
            self.recent[0] = i;
            i
        });
        let g = &mut self.list[i].1;
        g.count += 1;
        if g.count as usize <= SAMPLE {
            g.events.extend_from_slice(events);
            g.hosts.extend(host);
        }
        g.taken = (g.taken.0.min(taken), g.taken.1.max(taken));
    }
}

/// The sampled hosts of a group in words: all of them up to three, else the first three and how
/// many more.
fn some_hosts(hosts: &[String], count: u64) -> String {
    let shown = hosts.len().min(3);
    let mut s = hosts[..shown].join(", ");
    if count > shown as u64 {
        s.push_str(&format!(" and {} more", crate::fmt::thousands(count - shown as u64)));
    }
    s
}

/// `n` things, with thousands separators: `1 host`, `42,000 hosts`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", crate::fmt::thousands(n), if n == 1 { one } else { many })
}

/// A time taken, or the range of times taken by a group.
fn taken_words((lo, hi): (u64, u64)) -> String {
    if lo == hi { hms(lo) } else { format!("{}–{}", hms(lo), hms(hi)) }
}

/// Who a group is about: its one host, or how many hosts.
fn who(g: &Group, hosts: &[String]) -> String {
    match g.count {
        1 => hosts.first().map_or("?", String::as_str).to_string(),
        n => counted(n, "host", "hosts"),
    }
}

/// The sampled hosts after a colon, for a group of more than one.
fn which(g: &Group, hosts: &[String]) -> String {
    if g.count > 1 && !hosts.is_empty() { format!(": {}", some_hosts(hosts, g.count)) } else { String::new() }
}

/// Why the attack rules charge a nation: a host's first compromise (by campaign) or an impact
/// (its effect and technique).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Harm {
    Compromised(Option<u32>),
    Impact(Option<String>, Option<u32>),
}

/// Attack resistance (`attack.*`): the full weight, less half the weight ÷ the nation's hosts
/// for each distinct host compromised and for each impact, one entry per campaign and per kind
/// of impact.
fn score_attack_resistance(led: &mut Ledger, (run, id, k): Nation, weight: f64, n_hosts: f64) {
    let category = "attack_resistance";
    led.add(id, category, "attack.budget", milli(weight), Vec::new(), "full attack-resistance budget".into());
    let (f, names) = (run.facts, &run.facts.names);
    let cost = -milli(weight / 2.0 / n_hosts);
    fn name(x: Option<u32>, list: &[String]) -> &str {
        x.and_then(|x| list.get(x as usize)).map_or("?", String::as_str)
    }
    // The compromises, then the impacts: the entries are ordered by rule, compromises first,
    // and within a rule by first application, which each kind's events in id order give.
    let mut groups = Groups::new();
    for &(pos, h) in f.first_compromises_of(k) {
        let e = f.at(pos as usize);
        groups.add(Harm::Compromised(e.campaign), cost, &[e.id], Some(h), 0);
    }
    for &pos in f.of_nation(k, EventKind::ImpactApplied) {
        let e = f.at(pos as usize);
        groups.add(Harm::Impact(f.detail(e.id), e.technique), cost, &[e.id], e.host, 0);
    }
    let rank = |h: &Harm| match h {
        Harm::Compromised(_) => (0, "attack.compromise"),
        Harm::Impact(..) => (1, "attack.impact"),
    };
    led.add_groups((id, category), groups, f, rank, |h, g, hosts| match h {
        Harm::Compromised(c) => {
            format!("{} compromised by {}{}", who(g, hosts), name(*c, &names.campaigns), which(g, hosts))
        }
        Harm::Impact(d, t) => {
            let (effect, technique) = (d.as_deref().unwrap_or("impact"), name(*t, &names.techniques));
            match g.count {
                1 => format!("{effect} on {} ({technique})", hosts.first().map_or("?", String::as_str)),
                n => {
                    format!("{} ({technique}) on {}", counted(n, effect, &format!("× {effect}")), some_hosts(hosts, n))
                }
            }
        }
    });
    led.floor(id, category);
}

/// What became of one step of one compromised host.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Outcome {
    /// The host was never detected (no incident): every step costs its share.
    Never,
    /// Done after some time, charged by lateness.
    Took,
    /// Detected, but this step not done by ENDEX.
    NotByEndex,
}

/// The response steps, as rules and words.
const STEPS: [(&str, &str); 3] =
    [("response.detect", "detected"), ("response.contain", "contained"), ("response.recover", "recovered")];

/// Incident response (`response.*`): the full weight, less, for each distinct host of the
/// nation compromised, its detect, contain and recover steps ([`charge_response_steps`]), one
/// entry per step, outcome and cost.
fn score_incident_response(led: &mut Ledger, (run, id, k): Nation, weight: f64) {
    let scenario = run.scenario;
    let references =
        [Metric::TimeToDetect, Metric::TimeToContain, Metric::TimeToRecover].map(|m| led.reference(scenario, id, m));
    let category = "incident_response";
    led.add(id, category, "response.budget", milli(weight), Vec::new(), "full incident-response budget".into());
    let f = run.facts;
    let compromised = f.first_compromises_of(k);
    if !compromised.is_empty() {
        let share = weight / 3.0 / compromised.len() as f64;
        let mut groups = Groups::new();
        for &(pos, h) in compromised {
            let event = f.id_at(pos as usize);
            charge_response_steps(&mut groups, (event, h), run.index.incident_of_host(h), share, references);
        }
        let spans = references.map(hms);
        led.add_groups(
            (id, category),
            groups,
            f,
            |&(s, ..)| (s, STEPS[s].0),
            |&(s, outcome, _), g, hosts| {
                let (word, reference) = (STEPS[s].1, &spans[s]);
                let (who, which) = (who(g, hosts), which(g, hosts));
                match outcome {
                    Outcome::Never => format!("{who} never {word}{which}"),
                    Outcome::NotByEndex => format!("{who} not {word} by ENDEX{which}"),
                    Outcome::Took if s == 0 => {
                        format!("{who} detected after {} (reference {reference}){which}", taken_words(g.taken))
                    }
                    Outcome::Took => {
                        format!("{who} {word} {} after detection (reference {reference}){which}", taken_words(g.taken))
                    }
                }
            },
        );
    }
    led.floor(id, category);
}

/// The detect, contain and recover steps of one compromised host, a `share` each: a step never
/// done by ENDEX costs its share, a late one [`late_cost`] against its reference.
fn charge_response_steps(
    groups: &mut Groups<(usize, Outcome, i64)>,
    (compromise_event, h): (u64, u32),
    incident: Option<&Incident>,
    share: f64,
    [rd, rc, rr]: [u64; 3],
) {
    let whole = -milli(share);
    let Some(i) = incident else {
        for s in 0..3 {
            groups.add((s, Outcome::Never, whole), whole, &[compromise_event], Some(h), 0);
        }
        return;
    };
    let cost = -late_cost(share, i.ttd(), rd);
    groups.add((0, Outcome::Took, cost), cost, &[i.compromised.1, i.detected.1], Some(h), i.ttd());
    for (s, at, reference) in [(1, i.contained, rc), (2, i.recovered, rr)] {
        match at {
            Some((t, ev)) => {
                let taken = t.saturating_sub(i.detected.0);
                let cost = -late_cost(share, taken, reference);
                groups.add((s, Outcome::Took, cost), cost, &[i.detected.1, ev], Some(h), taken);
            }
            None => groups.add((s, Outcome::NotByEndex, whole), whole, &[i.detected.1], Some(h), 0),
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
        let first = run.facts.of_nation(k, EventKind::AssistanceRequested).first();
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
            NationScore { nation: n.id.clone(), team: n.team.id.clone(), total, categories, expectations: None }
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
    fn per_host_lines_are_gathered_into_entries_that_show_their_arithmetic() {
        use crate::testkit::synthetic;
        let g = synthetic::random_graph(119, 3, 2);
        let s = synthetic::virus_on_network(&g, &synthetic::mesa_virus(119, 12), 2);
        let outcome = crate::sim::run(&s, &crate::sim::RunConfig { seed: 2, run_index: 0 });
        let compromised = outcome.summary.nations.iter().map(|n| n.hosts_compromised).sum::<u64>();
        let a = crate::score::assess(&s, &outcome);
        let ledger = &a.scores.ledger;
        for e in ledger {
            assert_eq!(e.milli, e.count as i64 * e.each_milli, "{e:?}");
            assert!(e.hosts.len() <= SAMPLE && e.events.len() <= 2 * SAMPLE, "{e:?}");
            assert!(e.events.windows(2).all(|w| w[0] < w[1]), "cited in id order, once: {e:?}");
        }
        let applied = |rule: &str| ledger.iter().filter(|e| e.rule == rule).map(|e| e.count).sum::<u64>();
        assert!(compromised > SAMPLE as u64, "the outbreak must reach more hosts than a sample");
        assert_eq!(applied("attack.compromise"), compromised);
        for step in ["response.detect", "response.contain", "response.recover"] {
            assert_eq!(applied(step), compromised, "{step}: one application per compromised host");
        }
        assert!(ledger.len() < 40, "one entry per reason and cost, not per host: {}", ledger.len());
        let big = ledger.iter().find(|e| e.rule == "attack.compromise").unwrap();
        assert!(big.note.starts_with(&format!("{} hosts compromised by ", big.count)), "{}", big.note);
        assert!(big.note.ends_with(&format!("and {} more", big.count - 3)), "{}", big.note);
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
