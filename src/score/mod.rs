//! Assessment of a run: lifecycle metrics, Locked Shields-style scores with a ledger that explains
//! every point, P/S/M/U ratings of each objective with evidence, the executed MSEL and an
//! improvement plan. Computed once from the scenario and the run's outcome, stored in
//! `results.json`, and rendered by `report` without re-running anything.

pub mod assist;
pub mod facts;
pub mod metrics;
pub mod ratings;
pub mod scoring;
pub mod techniques;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::par::join;
use crate::scenario::model::{RatingThresholds, Scenario};
use crate::sim::{EventKind, RunOutcome, RunSummary};
use facts::{Facts, Index};
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

/// Assesses a run of `scenario`, reading the compact event log once into integer-keyed indexes
/// (see [`facts`]): linear in the events, apart from sorting.
pub fn assess(scenario: &Scenario, outcome: &RunOutcome) -> Assessment {
    assess_facts(scenario, &outcome.summary, &Facts::from_stream(&outcome.events))
}

/// [`assess`] of events already keyed.
///
/// The incident index, availability and first detections come first (the rest reads them); then
/// the scores, the ratings and the per-scope reads of the log run side by side ([`crate::par`]:
/// pure functions of the same inputs, so the result does not depend on the threads).
pub fn assess_facts(scenario: &Scenario, summary: &RunSummary, f: &Facts) -> Assessment {
    let end_s = summary.duration_s;
    let n = f.len();
    // The kind table on both cores first; then the incident index beside the reads that need no
    // incident (timelines, the MSEL, coverage's event counts).
    f.index_kinds();
    let (index, ((timelines, msel), coverage_counts)) = join(
        n,
        || Index::build(f),
        || join(n, || (timelines(scenario, f), msel_rows(scenario, f)), || metrics::coverage_counts(f)),
    );
    let incidents = &index.incidents;
    let services: Vec<(String, String, f64)> = scenario
        .nations
        .iter()
        .flat_map(|n| n.services.iter().map(move |s| (s.id.clone(), n.id.clone(), s.weight)))
        .collect();
    let availability = metrics::availability(f, &services, end_s);
    let first_det = metrics::first_detection(f, incidents);
    let run = Run { scenario, summary, facts: f, index: &index, first_detection: &first_det };
    let (scores, (((exercise, lifecycle), attack_coverage), ratings)) = join(
        n,
        || scoring::score(&run, &availability),
        || {
            join(
                n,
                || {
                    join(
                        n,
                        || lifecycles(scenario, f, &index),
                        || labelled_coverage(scenario, f, coverage_counts, incidents),
                    )
                },
                || ratings::rate(&run, &availability),
            )
        },
    );
    let assistance = summary
        .assistance
        .iter()
        .map(|a| assist::timing(a, &index.incidents_of(f.nation(&a.nation)), first_det.get(&a.nation), end_s))
        .collect();
    Assessment {
        definitions: metrics::definitions(),
        exercise,
        lifecycle,
        nation_availability: nation_availability(scenario, &availability),
        data_lost_mb: summary.nations.iter().map(|n| (n.id.clone(), n.data_lost_mb)).collect(),
        attack_coverage,
        assistance,
        sharing: sharing_timings(f, &first_det),
        timelines,
        scores,
        availability,
        improvement_plan: ratings::improvement_plan(scenario, &ratings),
        ratings,
        rating_thresholds: scenario.scoring.ratings.clone(),
        msel,
    }
}

/// What the scoring and rating rules read: the scenario, the run's summary, its keyed events and
/// their indexes, and each nation's first detection.
pub struct Run<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The run's summary.
    pub summary: &'a RunSummary,
    /// The keyed events.
    pub facts: &'a Facts<'a>,
    /// Their indexes.
    pub index: &'a Index,
    /// First detection per nation id (s, event id).
    pub first_detection: &'a BTreeMap<String, (u64, u64)>,
}

/// Criticality-weighted availability per nation, from the services grouped by nation once.
fn nation_availability(scenario: &Scenario, availability: &[Availability]) -> BTreeMap<String, f64> {
    let mut by_nation: BTreeMap<&str, Vec<&Availability>> = BTreeMap::new();
    for a in availability {
        by_nation.entry(a.nation.as_str()).or_default().push(a);
    }
    scenario
        .nations
        .iter()
        .map(|n| {
            let mine = by_nation.get(n.id.as_str()).map_or(&[][..], Vec::as_slice);
            (n.id.clone(), metrics::weighted_uptime(mine.iter().copied()))
        })
        .collect()
}

/// Incidents grouped by nation, campaign and (campaign, stage), each in incident id order.
struct Groups<'i> {
    nation: Vec<Vec<&'i Incident>>,
    /// Incidents of no known nation.
    stateless: Vec<&'i Incident>,
    campaign: Vec<Vec<&'i Incident>>,
    /// Per (campaign, stage), a position in `stages`.
    stage: BTreeMap<(u32, u32), usize>,
    stages: Vec<Vec<&'i Incident>>,
}

impl<'i> Groups<'i> {
    fn of(f: &Facts, incidents: &'i [Incident]) -> Groups<'i> {
        let mut g = Groups {
            nation: vec![Vec::new(); f.names.nations.len()],
            stateless: Vec::new(),
            campaign: vec![Vec::new(); f.names.campaigns.len()],
            stage: BTreeMap::new(),
            stages: Vec::new(),
        };
        // The last (campaign, stage) and its list: runs of incidents share their stage.
        let mut last: Option<((u32, u32), usize)> = None;
        for i in incidents {
            match g.nation.get_mut(i.nation as usize) {
                Some(list) => list.push(i),
                None => g.stateless.push(i),
            }
            if let Some(list) = g.campaign.get_mut(i.campaign as usize) {
                list.push(i);
            }
            let key = (i.campaign, i.stage);
            let at = match last {
                Some((k, at)) if k == key => at,
                _ => *g.stage.entry(key).or_insert_with(|| {
                    g.stages.push(Vec::new());
                    g.stages.len() - 1
                }),
            };
            last = Some((key, at));
            g.stages[at].push(i);
        }
        g
    }

    /// The incidents of (campaign, stage).
    fn stage(&self, key: (u32, u32)) -> Option<&Vec<&'i Incident>> {
        self.stage.get(&key).map(|&at| &self.stages[at])
    }

    /// The incidents of team `team`: those of every nation it is the team of (the empty id also
    /// takes incidents of no nation), in incident id order.
    fn team(&self, f: &Facts, team: &str) -> Vec<&'i Incident> {
        let mut out: Vec<&'i Incident> = Vec::new();
        let mut lists = 0;
        for (_, list) in self.nation.iter().enumerate().filter(|(n, _)| f.names.teams[*n] == team) {
            out.extend(list);
            lists += 1;
        }
        if team.is_empty() {
            out.extend(&self.stateless);
            lists += 1;
        }
        if lists > 1 {
            out.sort_by_key(|i| i.id);
        }
        out
    }
}

/// Lifecycle metrics: the exercise's (over every incident), then per nation, per team, per
/// campaign, and per stage of a campaign that had incidents at that stage.
///
/// Every scope's incidents are some of the exercise's, so a scope that has as many holds them
/// all (one nation, one campaign …): its statistics are the exercise's, and only its dwell time
/// (from its own first compromise) is computed.
fn lifecycles(scenario: &Scenario, f: &Facts, index: &Index) -> (Lifecycle, Vec<Lifecycle>) {
    let mut lifecycle = Vec::new();
    let incidents = &index.incidents;
    let all: Vec<&Incident> = incidents.iter().collect();
    let fc = metrics::first_compromises(f);
    let exercise = metrics::lifecycle("exercise", metrics::EXERCISE_SCOPE, &all, fc.any);
    let scoped = |kind: &str, id: &str, incs: &[&Incident], first: Option<u64>| {
        if incs.len() < all.len() {
            return metrics::lifecycle(kind, id, incs, first);
        }
        let dwell_s = metrics::dwell(incs, first);
        Lifecycle { kind: kind.to_string(), id: id.to_string(), dwell_s, ..exercise.clone() }
    };
    let g = Groups::of(f, incidents);
    let none: Vec<&Incident> = Vec::new();
    let nation_ix: Vec<Option<u32>> = scenario.nations.iter().map(|n| f.nation(&n.id)).collect();
    for (n, k) in scenario.nations.iter().zip(&nation_ix) {
        let first = k.and_then(|k| fc.nation[k as usize]);
        lifecycle.push(scoped("nation", &n.id, k.and_then(|k| g.nation.get(k as usize)).unwrap_or(&none), first));
    }
    for (n, k) in scenario.nations.iter().zip(&nation_ix) {
        let first = k.and_then(|k| fc.nation[k as usize]);
        lifecycle.push(scoped("team", &n.team.id, &g.team(f, &n.team.id), first));
    }
    for c in &scenario.campaigns {
        let k = f.campaign(&c.id);
        let first = k.and_then(|k| fc.campaign[k as usize]);
        let incs = k.and_then(|k| g.campaign.get(k as usize)).unwrap_or(&none);
        lifecycle.push(scoped("campaign", &c.id, incs, first));
        for st in &c.stages {
            let incs = k.zip(f.stage(&st.id)).and_then(|key| g.stage(key)).unwrap_or(&none);
            if !incs.is_empty() {
                lifecycle.push(scoped("stage", &format!("{}/{}", c.id, st.id), incs, None));
            }
        }
    }
    (exercise, lifecycle)
}

/// Per nation with a detection: when its team first sent indicators to partners (the time to
/// share, from its first detection) and when they first arrived at one.
fn sharing_timings(f: &Facts, first_det: &BTreeMap<String, (u64, u64)>) -> Vec<SharingTiming> {
    let arrivals = metrics::first_share_arrival(f);
    let sent = metrics::first_share_decision(f);
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
fn labelled_coverage(
    scenario: &Scenario,
    f: &Facts,
    counts: Vec<Option<Coverage>>,
    incidents: &[Incident],
) -> Vec<Coverage> {
    let mut coverage = metrics::coverage_of(f, counts, incidents);
    metrics::label_coverage(&mut coverage, &techniques::labels(scenario));
    coverage
}

/// Each nation's cumulative compromised, detected, contained and recovered counts, one point per
/// time they changed.
fn timelines(scenario: &Scenario, f: &Facts) -> Vec<Timeline> {
    scenario
        .nations
        .iter()
        .map(|n| {
            let mut counts = [0u64; 4];
            let mut points: Vec<[u64; 5]> = vec![[0, 0, 0, 0, 0]];
            const LIFECYCLE: [EventKind; 4] = [
                EventKind::HostCompromised,
                EventKind::HostDetected,
                EventKind::HostContained,
                EventKind::HostRecovered,
            ];
            // Which list an event comes from is its kind: no event is read but for its time.
            let mut merged = f.of_nation_where(f.nation(&n.id), &LIFECYCLE);
            let mut clock = f.time_cursor();
            while let Some((slot, pos)) = merged.next_from() {
                let Some(time_s) = clock.time_at(pos) else { continue };
                counts[slot] += 1;
                let p = [time_s, counts[0], counts[1], counts[2], counts[3]];
                match points.last_mut() {
                    Some(last) if last[0] == time_s => *last = p,
                    _ => points.push(p),
                }
            }
            Timeline { nation: n.id.clone(), points }
        })
        .collect()
}

/// The MSEL, planned (time or trigger) against its first delivery.
fn msel_rows(scenario: &Scenario, f: &Facts) -> Vec<MselRow> {
    let mut delivered: Vec<Option<(u64, u64)>> = vec![None; f.names.injects.len()];
    for e in f.iter_kind(EventKind::InjectDelivered) {
        if let Some(d) = e.inject.and_then(|i| delivered.get_mut(i as usize)) {
            d.get_or_insert((e.time_s, e.id));
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
            let d = f.inject(&inj.id).and_then(|i| delivered[i as usize]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::RunConfig;
    use crate::testkit::synthetic;

    fn bundled(name: &str) -> Scenario {
        let path = std::path::Path::new("scenarios").join(name);
        match crate::scenario::load_file(&path) {
            Ok(l) => l.scenario,
            Err(_) => panic!("{} does not load", path.display()),
        }
    }

    /// The assessment's JSON, from the compact log; the same from rendered events.
    fn assessed(scenario: &Scenario, seed: u64, run_index: u64) -> serde_json::Value {
        let outcome = crate::sim::run(scenario, &RunConfig { seed, run_index });
        let json = |a: &dyn erased::Json| a.value();
        let from_log = json(&assess(scenario, &outcome));
        let events = outcome.events.to_vec();
        let keyed = assess_facts(scenario, &outcome.summary, &Facts::from_events(&events));
        assert_eq!(json(&keyed), from_log, "from rendered events, seed {seed} run {run_index}");
        from_log
    }

    /// SHA-256 of a JSON value's text.
    fn digest(v: &serde_json::Value) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(v.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The cases of `testdata/assessments.sha256`: the bundled scenarios (every rule has something
    /// to read in them) over several seeds and runs, the default drill, and small virus outbreaks
    /// (many hosts per nation, re-infections).
    fn cases() -> Vec<(String, Scenario, u64, u64)> {
        let mut out = Vec::new();
        for name in ["alliance-exercise.yaml", "ransomware-drill.yaml", "supply-chain.yaml"] {
            let s = bundled(name);
            for seed in [crate::sim::DEFAULT_SEED, 1, 2, 3, 17, 123_456] {
                for run in [0, 5] {
                    out.push((format!("{name} seed {seed} run {run}"), s.clone(), seed, run));
                }
            }
        }
        let default =
            crate::cli::load_default().map(|l| l.scenario).unwrap_or_else(|_| bundled("ransomware-drill.yaml"));
        out.push(("default seed 7 run 3".to_string(), default, 7, 3));
        for n in [8u32, 20, 50, 119] {
            for seed in [1u64, 2, 99] {
                let g = synthetic::random_graph(n, 3, seed);
                let v = synthetic::mesa_virus(n, 12);
                let s = synthetic::virus_on_network(&g, &v, seed);
                for run in [0, 3] {
                    out.push((format!("virus n {n} seed {seed} run {run}"), s.clone(), seed, run));
                }
            }
        }
        out
    }

    /// Every case assesses to the JSON recorded in `testdata/assessments.sha256`, which the
    /// quadratic implementation this one replaced wrote (issue 16): a change of any value, in any
    /// rule, breaks it. When an assessment output changes on purpose, rewrite the file with
    /// `CYDEX_BLESS=1 cargo test --lib score::tests::assessments_match_the_recorded_digests` and
    /// say so in the commit.
    #[test]
    fn assessments_match_the_recorded_digests() {
        let path = std::path::Path::new("src/score/testdata/assessments.sha256");
        let got: Vec<String> = cases()
            .into_iter()
            .map(|(name, s, seed, run)| format!("{}  {name}", digest(&assessed(&s, seed, run))))
            .collect();
        if std::env::var_os("CYDEX_BLESS").is_some() {
            std::fs::write(path, got.join("\n") + "\n").expect("write the digests");
            return;
        }
        let want = std::fs::read_to_string(path).expect("src/score/testdata/assessments.sha256");
        let want: Vec<&str> = want.lines().collect();
        assert_eq!(want.len(), got.len(), "cases changed: bless the digests");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(*w, g.as_str());
        }
    }

    /// The values of an assessment without its presentation: the ledger summed per (subject,
    /// category, rule) into its number of applications and points, and the objectives without the
    /// event ids they cite. Recorded in `testdata/assessment-values.sha256` before the ledger was
    /// aggregated (one entry per host became one entry per reason, with a count): reshaping the
    /// ledger or sampling what it cites must leave this unchanged.
    fn values(mut v: serde_json::Value) -> serde_json::Value {
        use serde_json::{Value, json};
        let mut sums: BTreeMap<(String, String, String), (u64, i64)> = BTreeMap::new();
        let ledger = v["scores"]["ledger"].take();
        for e in ledger.as_array().into_iter().flatten() {
            let key = ["subject", "category", "rule"].map(|k| e[k].as_str().unwrap_or("").to_string());
            let s = sums.entry((key[0].clone(), key[1].clone(), key[2].clone())).or_insert((0, 0));
            s.0 += e.get("count").and_then(Value::as_u64).unwrap_or(1);
            s.1 += e["milli"].as_i64().unwrap_or(i64::MIN);
        }
        v["scores"]["ledger"] = sums.into_iter().map(|((s, c, r), (n, m))| json!([s, c, r, n, m])).collect();
        for r in v["ratings"].as_array_mut().into_iter().flatten() {
            if let Some(o) = r.as_object_mut() {
                o.retain(|k, _| !k.starts_with("evidence"));
            }
        }
        v
    }

    /// Every case's [`values`] digest is the one recorded in `testdata/assessment-values.sha256`.
    /// Bless with `CYDEX_BLESS=1` only when a score, rating or metric changes on purpose.
    #[test]
    fn assessment_values_match_the_recorded_digests() {
        let path = std::path::Path::new("src/score/testdata/assessment-values.sha256");
        let got: Vec<String> = cases()
            .into_iter()
            .map(|(name, s, seed, run)| format!("{}  {name}", digest(&values(assessed(&s, seed, run)))))
            .collect();
        if std::env::var_os("CYDEX_BLESS").is_some() {
            std::fs::write(path, got.join("\n") + "\n").expect("write the digests");
            return;
        }
        let want = std::fs::read_to_string(path).expect("src/score/testdata/assessment-values.sha256");
        let want: Vec<&str> = want.lines().collect();
        assert_eq!(want.len(), got.len(), "cases changed: bless the digests");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(*w, g.as_str());
        }
    }

    mod erased {
        /// Anything serialisable, as a JSON value.
        pub trait Json {
            fn value(&self) -> serde_json::Value;
        }
        impl<T: serde::Serialize> Json for T {
            fn value(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
            }
        }
    }
}
