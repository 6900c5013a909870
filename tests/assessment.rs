//! Assessment of real runs: the ledger sums exactly to every score on every bundled scenario,
//! scores stay in range, every rating carries evidence that exists, and a hand-computed case.

use cydex::scenario::load_file;
use cydex::score::{Rating, assess, scoring::CATEGORIES};
use cydex::sim::{RunConfig, run};

fn assessed(path: &str, seed: u64) -> (cydex::sim::RunOutcome, cydex::score::Assessment) {
    let loaded = load_file(path.as_ref()).unwrap();
    let outcome = run(&loaded.scenario, &RunConfig { seed, run_index: 0 });
    let a = assess(&loaded.scenario, &outcome);
    (outcome, a)
}

#[test]
fn ledger_sums_to_the_score_on_every_bundled_scenario() {
    for path in ["scenarios/ransomware-drill.yaml", "scenarios/supply-chain.yaml", "scenarios/alliance-exercise.yaml"] {
        for seed in [1, 2] {
            let (outcome, a) = assessed(path, seed);
            let s = &a.scores;
            for n in &s.nations {
                let entries: Vec<_> = s.ledger.iter().filter(|e| e.subject == n.nation).collect();
                let total: i64 = entries.iter().map(|e| e.milli).sum();
                assert_eq!(total as f64 / 1000.0, n.total, "{path} {}: ledger {total} vs total {}", n.nation, n.total);
                assert!((0.0..=100.0).contains(&n.total), "{path} {}: {}", n.nation, n.total);
                for c in CATEGORIES {
                    let sum: i64 = entries.iter().filter(|e| e.category == c).map(|e| e.milli).sum();
                    assert_eq!(sum as f64 / 1000.0, n.categories[c], "{path} {} {c}", n.nation);
                    assert!(sum >= 0 && sum as f64 / 1000.0 <= s.weights[c] + 1e-9, "{path} {} {c} = {sum}", n.nation);
                }
            }
            let max_id = outcome.events.len() as u64;
            for e in &s.ledger {
                assert!(e.events.iter().all(|&id| id >= 1 && id <= max_id), "{path}: dangling evidence {e:?}");
            }
            for r in &a.ratings {
                assert!(r.evidence.iter().all(|&id| id >= 1 && id <= max_id), "{path}: {r:?}");
                assert!(!r.reason.is_empty());
                if r.rating != Rating::NotObserved {
                    assert!(r.measured.is_some(), "{path}: {} rated without a measurement", r.id);
                }
            }
            assert!((0.0..=100.0).contains(&s.alliance));
        }
    }
}

#[test]
fn every_objective_of_the_default_drill_is_rated() {
    let loaded = load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap();
    let (_, a) = assessed("scenarios/ransomware-drill.yaml", 20_260_105);
    assert_eq!(a.ratings.len(), loaded.scenario.objectives.len());
    assert_eq!(a.msel.len(), loaded.scenario.msel.len());
}

/// The minimal fixture: the MSEL takes EST-MAIL (the nation's only service) down for 1 h of a
/// 24 h exercise, and no campaign can reach it. Availability is 30 × (1 − 1/24) = 28.75 points.
#[test]
fn availability_score_is_hand_computable() {
    let (outcome, a) = assessed("tests/fixtures/valid/minimal.yaml", 3);
    let mail = a.availability.iter().find(|s| s.service == "EST-MAIL").unwrap();
    assert_eq!(mail.outages.len(), 1, "{:?}", mail.outages);
    let (down, up, _, _) = mail.outages[0];
    assert_eq!(up - down, 3600, "the inject's outage lasts `for: 1h`");
    let est = a.scores.nations.iter().find(|n| n.nation == "EST").unwrap();
    assert_eq!(est.categories["availability"], 28.75);
    assert!(outcome.events.iter().any(|e| e.kind == cydex::sim::EventKind::ServiceDown));
}

/// The default drill played by a perfect defence: every team at skill 1 with ample analysts
/// around the clock, full sensors, stealthless stages (so detection is certain one tick after a
/// compromise), quick restores, and a policy that asks for help at the first detection. The
/// sharing agreement's transport latency (3h) is longer than the built-in 2h sharing reference:
/// transport is not the team's doing, so it must not cost anything. No objectives, so every
/// reference is an engine default, and no MSEL. Each team must earn the full points of the
/// categories it controls: incident response and reporting.
#[test]
fn a_perfect_defence_earns_every_point_it_can_influence() {
    use cydex::scenario::duration::Duration;
    use cydex::scenario::model::{Criticality, Skills, WorkPattern};
    let mut s = load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap().scenario;
    s.objectives.clear();
    s.msel.clear();
    for n in &mut s.nations {
        n.team.analysts = 50;
        n.team.schedule = WorkPattern::TwentyFourSeven;
        n.team.skills = Skills { detect: 1.0, contain: 1.0, recover: 1.0 };
        n.team.assistance_policy.severity_at_least = Some(Criticality::Low);
        for g in n.segments.iter_mut().flat_map(|s| s.host_groups.iter_mut()) {
            g.sensors = 1.0;
            g.restore_time = Duration(1800);
        }
    }
    for st in s.campaigns.iter_mut().flat_map(|c| c.stages.iter_mut()) {
        st.stealth = 0.0;
    }
    for a in &mut s.sharing {
        a.latency = Duration(3 * 3600);
    }
    for seed in [1, 2, 3] {
        let outcome = run(&s, &RunConfig { seed, run_index: 0 });
        let a = assess(&s, &outcome);
        let sc = &a.scores;
        let mut exercised = 0;
        for n in sc.nations.iter().filter(|n| a.sharing.iter().any(|x| x.nation == n.nation)) {
            exercised += 1;
            for c in ["incident_response", "reporting"] {
                let lost: Vec<_> =
                    sc.ledger.iter().filter(|e| e.subject == n.nation && e.category == c && e.milli < 0).collect();
                assert_eq!(n.categories[c], sc.weights[c], "seed {seed} {} {c}: lost {lost:#?}", n.nation);
            }
            let share = sc.ledger.iter().find(|e| e.subject == n.nation && e.rule == "reporting.share");
            assert!(share.is_some_and(|e| e.milli == 0), "seed {seed} {}: sharing was scored at no cost", n.nation);
            let timing = a.sharing.iter().find(|x| x.nation == n.nation).unwrap();
            assert_eq!(timing.time_to_share_s, Some(0), "shared at the first detection");
            if let (Some(sent), Some(arrived)) = (timing.first_sent_s, timing.first_arrival_s) {
                assert_eq!(arrived - sent, 3 * 3600, "transport took the agreement's latency");
            }
        }
        assert!(exercised > 0, "seed {seed}: the campaign must reach someone for the test to mean anything");
    }
}
