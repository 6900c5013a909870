//! Owns the Detection phase: per-tick detection draws for compromised, undetected, uncontained
//! hosts, opening an incident on the host's national team for each detection.
//!
//! * `p = sensors × detect_skill × (1 − stage.stealth) × intel`, where `detect_skill` is the
//!   team's `detect` (raised to an on-task assistance team's `detect` if higher), `stage` is the
//!   host's current stage (its last stage once the chain is done), and `intel = 2` (with `p`
//!   capped at 1) once the host's nation holds indicators for the campaign, else 1.
//! * **Tick order:** a host compromised in tick `t` is first tried in tick `t + 1`. Detection in
//!   tick `t + k` therefore has `P(k) = (1 − p)^(k−1) p`, mean time-to-detect `1/p` ticks.
//! * Only hosts in [`Hosts::undetected`] are visited (sorted by slot), so idle hosts cost nothing;
//!   a host with `p = 0` (no sensors) draws no random number and is never detected.

use bevy_ecs::prelude::{MessageWriter, Res, ResMut};
use rand::RngExt;

use super::campaigns::{CampaignBook, note_first};
use super::clock::SimClock;
use super::events::{Detected, EventKind, EventLog, Keys, TriggerSeen};
use super::response::ResponseBook;
use super::rng::DetectionRng;
use super::sharing::Intel;
use super::state::{Catalog, Hosts, flag};
use crate::scenario::model::TriggerEvent;

/// Detection probability for one host this tick (see module docs).
pub fn detection_probability(sensors: f64, detect_skill: f64, stealth: f64, has_intel: bool) -> f64 {
    let base = (sensors * detect_skill * (1.0 - stealth)).clamp(0.0, 1.0);
    if has_intel { (2.0 * base).min(1.0) } else { base }
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
        if g.sensors <= 0.0 {
            continue;
        }
        let c = st.campaign;
        let def = &cat.campaigns[c as usize];
        let s = (st.stage as usize).min(def.stages.len().saturating_sub(1));
        let stealth = def.stages.get(s).map_or(0.0, |st| st.stealth);
        let skill = response.detect_skill(&cat, g.nation);
        let p = detection_probability(g.sensors, skill, stealth, intel.holds(g.nation, c));
        if !(p > 0.0 && rng.0.random::<f64>() < p) {
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
                ..Keys::default()
            },
        );
        response.open_incident(&cat, &clock, &mut log, h, group, c, ev);
        detected_out.write(Detected { host: h, group, campaign: c, nation, event: ev });
        note_first(&mut campaigns.firsts, &mut triggers, TriggerEvent::FirstDetection, c, nation, now, ev);
    }
    hosts.undetected = undetected;
    for h in found {
        hosts.undetected.remove(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::campaigns::advance_campaigns;
    use crate::sim::testkit::*;
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

    #[test]
    fn probability_formula() {
        assert_eq!(detection_probability(0.0, 1.0, 0.0, true), 0.0);
        assert!((detection_probability(1.0, 0.2, 0.5, false) - 0.1).abs() < 1e-12);
        assert!((detection_probability(1.0, 0.2, 0.5, true) - 0.2).abs() < 1e-12);
        assert_eq!(detection_probability(1.0, 0.8, 0.0, true), 1.0);
    }
}
