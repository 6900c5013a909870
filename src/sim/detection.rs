//! Owns the Detection phase: per-tick detection of compromised, undetected, uncontained hosts,
//! opening an incident on the host's national team for each detection.
//!
//! A host is found in one of three ways, recorded as the `host_detected` event's detail:
//! * `impact`: a visible impact (anything but exfiltration) hit it while undetected. It is found
//!   in the Detection phase of the impact's tick, with no draw, sensor or not.
//! * `sensor`: the host carries a sensor (`coverage.rs`: exactly `ceil(sensors × count)` hosts
//!   of its group do). Each tick it is found with probability
//!   `p = detect_skill × (1 − stage.stealth) × intel`, capped at 1.
//! * `indicators`: the host carries no sensor, but its nation holds the campaign's indicators;
//!   a sweep for them finds it with probability `p = detect_skill × (1 − stage.stealth)`.
//!
//! An uncovered host of a nation without the campaign's indicators is never found by a draw, and
//! draws no random number. Here `detect_skill` is the team's `detect` (raised to an on-task
//! assistance team's `detect` if higher), `stage` is the host's current stage (its last stage
//! once the chain is done), and `intel` is **2** once the host's nation holds the campaign's
//! indicators, else 1. A nation holds them from its own first detection of the campaign on
//! (so its first detection doubles the detection rate of the campaign on all its other covered
//! hosts), or from their arrival through a sharing agreement or a `share_indicators` inject
//! (`sharing.rs`).
//!
//! **Tick order:** a host compromised in tick `t` is first tried in tick `t + 1`. Detection in
//! tick `t + k` therefore has `P(k) = (1 − p)^(k−1) p`, mean time-to-detect `1/p` ticks, for a
//! constant `p`. Only hosts in [`Hosts::undetected`] are visited (sorted by slot), so idle hosts
//! cost nothing.

use bevy_ecs::prelude::{MessageWriter, Res, ResMut};
use rand::RngExt;

use super::actions::isolate;
use super::campaigns::{CampaignBook, note_first};
use super::clock::SimClock;
use super::doctrine::{DoctrineLog, Doctrines, Sighting, isolate_on_detection};
use super::events::{Detected, EventKind, EventLog, Keys, TriggerSeen};
use super::response::ResponseBook;
use super::rng::DetectionRng;
use super::sharing::Intel;
use super::state::{Catalog, Hosts, flag};
use crate::scenario::model::TriggerEvent;

/// How an undetected host can be found this tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// A visible impact hit it: found with certainty.
    Impact,
    /// It carries a sensor.
    Sensor,
    /// No sensor, but its nation holds the campaign's indicators.
    Indicators,
    /// No way to find it.
    Hidden,
}

impl Visibility {
    /// How a host with these flags, whose nation does (`intel`) or does not hold the campaign's
    /// indicators, can be found.
    pub fn of(flags: u8, intel: bool) -> Self {
        if flags & flag::IMPACT_SEEN != 0 {
            Visibility::Impact
        } else if flags & flag::SENSOR != 0 {
            Visibility::Sensor
        } else if intel {
            Visibility::Indicators
        } else {
            Visibility::Hidden
        }
    }

    /// The `host_detected` event's detail.
    pub fn name(self) -> &'static str {
        match self {
            Visibility::Impact => "impact",
            Visibility::Sensor => "sensor",
            Visibility::Indicators => "indicators",
            Visibility::Hidden => "hidden",
        }
    }
}

/// Detection probability for one host this tick (see module docs).
pub fn detection_probability(seen: Visibility, detect_skill: f64, stealth: f64, has_intel: bool) -> f64 {
    let base = (detect_skill * (1.0 - stealth)).clamp(0.0, 1.0);
    match seen {
        Visibility::Impact => 1.0,
        Visibility::Sensor if has_intel => (2.0 * base).min(1.0),
        Visibility::Sensor | Visibility::Indicators => base,
        Visibility::Hidden => 0.0,
    }
}

/// Detection phase.
#[allow(clippy::too_many_arguments, reason = "a system's parameters are its declared data access")]
pub fn detect_compromises(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    intel: Res<Intel>,
    mut hosts: ResMut<Hosts>,
    mut response: ResMut<ResponseBook>,
    mut campaigns: ResMut<CampaignBook>,
    mut rng: ResMut<DetectionRng>,
    mut log: ResMut<EventLog>,
    (doctrines, mut decisions): (Res<Doctrines>, ResMut<DoctrineLog>),
    mut detected_out: MessageWriter<Detected>,
    mut triggers: MessageWriter<TriggerSeen>,
) {
    let now = clock.tick;
    let mut found = Vec::new();
    // Taken out while the loop reads the other host arrays; members found are removed after it.
    let mut undetected = std::mem::take(&mut hosts.undetected);
    for &h in undetected.sorted() {
        let st = hosts.get(h);
        if st.compromised_tick() >= now {
            continue; // first tried on the tick after the compromise
        }
        let group = hosts.group_of(&cat, h);
        let g = &cat.hot[group as usize];
        let c = st.campaign;
        let has_intel = intel.holds(g.nation, c);
        let seen = Visibility::of(st.flags, has_intel);
        if seen == Visibility::Hidden {
            continue;
        }
        let def = &cat.campaigns[c as usize];
        let s = (st.stage as usize).min(def.stages.len().saturating_sub(1));
        let stealth = def.stages.get(s).map_or(0.0, |st| st.stealth);
        let skill = response.detect_skill(&cat, g.nation);
        let p = detection_probability(seen, skill, stealth, has_intel);
        let found_now = match seen {
            Visibility::Impact => true,
            _ => p > 0.0 && rng.0.of(g.nation).random::<f64>() < p,
        };
        if !found_now {
            continue;
        }
        // Handled while the host's records are in cache. Nothing below changes what the draws
        // of later hosts read (skills, indicators, stages), so the outcome is that of drawing
        // for every host first.
        found.push(h);
        let nation = g.nation;
        let st = hosts.get_mut(h);
        st.flags |= flag::DETECTED;
        let st = *st;
        let ev = log.emit(
            &cat,
            &clock,
            EventKind::HostDetected,
            Keys {
                host: Some(h),
                campaign: Some(c),
                stage: Some(u32::from(st.stage).min(cat.campaigns[c as usize].stages.len().saturating_sub(1) as u32)),
                cause: Some(st.compromise_event()),
                detail: Some(seen.name()),
                ..Keys::default()
            },
        );
        response.open_incident(&cat, &clock, &mut log, h, group, c, ev);
        let seen = Sighting { nation, host: h, group, campaign: c, event: ev };
        isolate_by_doctrine((&cat, &clock, &doctrines), &mut hosts, &mut log, &mut decisions, &seen);
        detected_out.write(Detected { host: h, group, campaign: c, nation, event: ev });
        note_first(&mut campaigns.firsts, &mut triggers, TriggerEvent::FirstDetection, c, nation, now, ev);
    }
    hosts.undetected = undetected;
    for h in found {
        hosts.undetected.remove(h);
    }
}

/// Doctrine `isolate_at` (`doctrine.rs`): if doctrine decides to isolate the host just seen, it
/// is isolated with the `isolate_host` mechanics (`actions.rs`), its `host_isolated` caused by the
/// detection, and the decision recorded. The host is contained, so nothing read by later hosts'
/// draws changes.
fn isolate_by_doctrine(
    (cat, clock, doctrines): (&Catalog, &SimClock, &Doctrines),
    hosts: &mut Hosts,
    log: &mut EventLog,
    decisions: &mut DoctrineLog,
    seen: &Sighting,
) {
    let doctrine = doctrines.of(seen.nation);
    let Some(action) = isolate_on_detection(&doctrine, cat, hosts, seen) else { return };
    let events = isolate((cat, clock), hosts, log, seen.host, Some(seen.event));
    decisions.record(clock.tick, seen.nation, action, events);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::campaigns::advance_campaigns;
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::system::RunSystemOnce;

    fn one_host(sensors: f64) -> bevy_ecs::world::World {
        let mut s = tiny(&[("SEG-A", "GA", 1, sensors)]);
        s.nations[0].team.skills.detect = 1.0;
        s.campaigns.push(campaign("C", &["GA"], vec![stage("never", 0.0, MIN)]));
        let mut w = world(&s);
        w.run_system_once(advance_campaigns).unwrap();
        w
    }

    #[test]
    fn first_tried_on_the_tick_after_the_compromise() {
        let mut w = one_host(1.0);
        w.run_system_once(detect_compromises).unwrap();
        assert_eq!(count(&w, EventKind::HostDetected), 0, "p = 1, but not in the compromise tick");
        at_tick(&mut w, 1);
        w.run_system_once(detect_compromises).unwrap();
        assert_eq!(count(&w, EventKind::HostDetected), 1);
        assert_eq!(count(&w, EventKind::IncidentOpened), 1);
        assert!(w.resource::<Hosts>().undetected.is_empty());
        assert_eq!(w.resource::<ResponseBook>().open_count(0), 1);
    }

    #[test]
    fn no_sensors_no_detection() {
        let mut w = one_host(0.0);
        for t in 1..50 {
            at_tick(&mut w, t);
            w.run_system_once(detect_compromises).unwrap();
        }
        assert_eq!(count(&w, EventKind::HostDetected), 0);
    }

    /// Every host of a 180-host group (sensors 0.35) compromised at STARTEX by a campaign that
    /// never progresses, with detect skill 1; `ticks` Detection phases run.
    fn covered_group(ticks: u64, seed: u64) -> bevy_ecs::world::World {
        let mut s = tiny(&[("SEG-A", "GA", 180, 0.35)]);
        s.nations[0].team.skills.detect = 1.0;
        let mut c = campaign("C", &["GA"], vec![stage("never", 0.0, MIN)]);
        c.entry.fraction = Some(1.0);
        s.campaigns.push(c);
        let mut w = crate::sim::build::build_world(&s, &crate::sim::RunConfig { seed, run_index: 0 });
        w.run_system_once(advance_campaigns).unwrap();
        for t in 1..=ticks {
            at_tick(&mut w, t);
            w.run_system_once(detect_compromises).unwrap();
        }
        w
    }

    #[test]
    fn exactly_the_covered_hosts_are_found_by_sensors() {
        for seed in [1, 2, 3] {
            let w = covered_group(5, seed);
            let hosts = w.resource::<Hosts>();
            let with_sensor: Vec<u32> = (0..180).filter(|&h| hosts.has(h, flag::SENSOR)).collect();
            assert_eq!(with_sensor.len(), 63, "ceil(0.35 × 180)");
            let found: Vec<u32> = (0..180).filter(|&h| hosts.has(h, flag::DETECTED)).collect();
            assert_eq!(found, with_sensor, "p = 1 on covered hosts, 0 elsewhere (no indicators)");
            assert_eq!(hosts.undetected.len(), 180 - 63);
        }
        let placement = |seed| {
            let w = covered_group(0, seed);
            (0..180).filter(|&h| w.resource::<Hosts>().has(h, flag::SENSOR)).collect::<Vec<u32>>()
        };
        assert_eq!(placement(1), placement(1), "a run always covers the same hosts");
        assert_ne!(placement(1), placement(2), "runs draw their own placement");
    }

    #[test]
    fn indicators_find_uncovered_hosts_and_a_visible_impact_finds_any_host() {
        let mut w = covered_group(3, 1);
        let uncovered = 180 - 63;
        assert_eq!(w.resource::<Hosts>().undetected.len(), uncovered);
        // The nation held the indicators from its own first detection on (tick 1): with
        // detect 1 and stealth 0 a sweep finds every uncovered host at its first chance.
        w.resource_mut::<Intel>().grant(0, 0);
        at_tick(&mut w, 4);
        w.run_system_once(detect_compromises).unwrap();
        assert!(w.resource::<Hosts>().undetected.is_empty());
        let details: Vec<Option<String>> =
            rendered(&w).into_iter().filter(|e| e.kind == EventKind::HostDetected).map(|e| e.detail).collect();
        assert_eq!(details.iter().filter(|d| d.as_deref() == Some("sensor")).count(), 63);
        assert_eq!(details.iter().filter(|d| d.as_deref() == Some("indicators")).count(), uncovered);

        // An impact on an uncovered host of a nation without indicators gets it found at once.
        let mut w = covered_group(0, 1);
        let h = (0..180).find(|&h| !w.resource::<Hosts>().has(h, flag::SENSOR)).unwrap();
        w.resource_mut::<Hosts>().set(h, flag::IMPACT_SEEN);
        at_tick(&mut w, 1);
        w.run_system_once(detect_compromises).unwrap();
        assert!(w.resource::<Hosts>().has(h, flag::DETECTED));
    }

    #[test]
    fn doctrine_isolates_detected_hosts_at_or_above_its_criticality() {
        use crate::scenario::model::Criticality;
        use crate::sim::doctrine::Doctrine;
        // GA (medium) and GH (high), two hosts each, all held at STARTEX and found in tick 1.
        let mut s = tiny(&[("SEG-A", "GA", 2, 1.0), ("SEG-H", "GH", 2, 1.0)]);
        s.nations[0].segments[1].host_groups[0].criticality = Criticality::High;
        s.nations[0].team.skills.detect = 1.0;
        let mut c = campaign("C", &["GA", "GH"], vec![stage("never", 0.0, MIN)]);
        c.entry.fraction = Some(1.0);
        s.campaigns.push(c);
        let run = |isolate_at| {
            let mut w = world(&s);
            w.resource_mut::<Doctrines>().0[0] = Doctrine { isolate_at, ..Doctrine::default() };
            w.run_system_once(advance_campaigns).unwrap();
            at_tick(&mut w, 1);
            w.run_system_once(detect_compromises).unwrap();
            w
        };
        let w = run(None);
        assert_eq!(count(&w, EventKind::HostDetected), 4);
        assert_eq!(count(&w, EventKind::HostIsolated), 0, "the default doctrine never isolates");
        let w = run(Some(Criticality::High));
        let ev = rendered(&w);
        let isolated: Vec<&crate::sim::Event> = ev.iter().filter(|e| e.kind == EventKind::HostIsolated).collect();
        let hosts = w.resource::<Hosts>();
        assert_eq!(isolated.len(), 2, "only GH's hosts");
        for e in isolated {
            let detection = &ev[(e.cause.unwrap() - 1) as usize];
            assert_eq!((detection.kind, &detection.host, detection.tick), (EventKind::HostDetected, &e.host, 1));
            assert_eq!(e.tick, 1, "in the detection's tick");
            let down = ev.iter().find(|d| d.kind == EventKind::HostDown && d.cause == Some(e.id)).unwrap();
            assert_eq!((down.detail.as_deref(), &down.host), (Some("isolated"), &e.host));
        }
        assert!((2..4).all(|h| hosts.is_isolated(h) && hosts.has(h, flag::CONTAINED) && hosts.has(h, flag::DOWN)));
        assert!((0..2).all(|h| !hosts.is_isolated(h) && !hosts.has(h, flag::DOWN)));
        let w = run(Some(Criticality::Medium));
        assert_eq!(count(&w, EventKind::HostIsolated), 4, "at or above: medium and high");
        assert_eq!(count(&w, EventKind::HostDown), 4);
    }

    #[test]
    fn probability_formula() {
        use Visibility::*;
        assert_eq!(detection_probability(Hidden, 1.0, 0.0, true), 0.0);
        assert_eq!(detection_probability(Impact, 0.0, 1.0, false), 1.0);
        assert!((detection_probability(Sensor, 0.2, 0.5, false) - 0.1).abs() < 1e-12);
        assert!((detection_probability(Sensor, 0.2, 0.5, true) - 0.2).abs() < 1e-12);
        assert!((detection_probability(Indicators, 0.2, 0.5, true) - 0.1).abs() < 1e-12);
        assert_eq!(detection_probability(Sensor, 0.8, 0.0, true), 1.0);
    }

    #[test]
    fn visibility_follows_impact_then_sensor_then_indicators() {
        use Visibility::*;
        assert_eq!(Visibility::of(flag::COMPROMISED, false), Hidden);
        assert_eq!(Visibility::of(flag::COMPROMISED, true), Indicators);
        assert_eq!(Visibility::of(flag::COMPROMISED | flag::SENSOR, false), Sensor);
        assert_eq!(Visibility::of(flag::COMPROMISED | flag::IMPACT_SEEN, false), Impact);
    }
}
