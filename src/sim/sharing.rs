//! Owns the Sharing phase: which nation holds indicators for which campaign, and their travel
//! to partner nations under sharing agreements.
//!
//! * A nation's first detection of a campaign gives it the campaign's indicators and sends them,
//!   under every agreement whose `between` lists it, to every other member, provided the
//!   campaign's `tlp` ≤ the agreement's `tlp_ceiling`. They arrive `ceil(latency / tick)` ticks
//!   later (latency 0 → the same tick). Received indicators are not forwarded again.
//! * A `share_indicators` inject hands them over directly (Injects phase).
//! * The automatic sending is doctrine (`share_on_detection`, `doctrine.rs`), which decides it as a
//!   `share_indicators` action `via: every_agreement` to every partner reached, carried out by
//!   [`share`], the mechanics of every `share_indicators` (`actions.rs`), and recorded in
//!   doctrine's log. A team that does not share on detection sends only by its own actions.
//! * Holding indicators doubles the nation's detection probability for that campaign (capped at 1)
//!   from the next Detection phase on; see `detection.rs`.

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::{MessageReader, Res, ResMut, Resource};

use super::actions::Via;
use super::clock::SimClock;
use super::doctrine::{DoctrineLog, Doctrines, Sighting, share_on_detection};
use super::events::{Detected, EventKind, EventLog, Keys};
use super::state::Catalog;
use crate::scenario::model::Tlp;

/// A compiled sharing agreement.
#[derive(Debug, Clone)]
pub struct AgreementDef {
    /// Member nations, ascending and distinct (a nation listed twice is one member).
    pub members: Vec<u32>,
    /// Latency in ticks.
    pub latency_ticks: u64,
    /// Most restrictive TLP carried.
    pub ceiling: Tlp,
}

impl AgreementDef {
    /// Whether it links nations `n` and `m`.
    pub fn links(&self, n: u32, m: u32) -> bool {
        self.has(n) && self.has(m)
    }

    /// Whether nation `n` may send under it indicators marked `tlp`: a member, the marking at
    /// most its ceiling.
    pub fn carries(&self, n: u32, tlp: Tlp) -> bool {
        tlp <= self.ceiling && self.has(n)
    }

    fn has(&self, n: u32) -> bool {
        self.members.binary_search(&n).is_ok()
    }
}

/// Indicator holdings and shipments.
#[derive(Resource, Debug, Default)]
pub struct Intel {
    /// Campaign count (row stride of `held`).
    pub n_campaigns: usize,
    /// `held[nation × n_campaigns + campaign]`.
    pub held: Vec<bool>,
    /// Agreements.
    pub agreements: Vec<AgreementDef>,
    /// (nation, campaign) pairs that have already sent their own indicators.
    pub sent: BTreeSet<(u32, u32)>,
    /// Arrivals by tick: (nation, campaign, cause event).
    pub in_flight: BTreeMap<u64, Vec<(u32, u32, u64)>>,
}

impl Intel {
    /// Empty holdings.
    pub fn new(nations: usize, campaigns: usize, agreements: Vec<AgreementDef>) -> Self {
        Intel { n_campaigns: campaigns, held: vec![false; nations * campaigns], agreements, ..Intel::default() }
    }

    /// Whether a nation holds a campaign's indicators.
    pub fn holds(&self, nation: u32, campaign: u32) -> bool {
        self.held.get(nation as usize * self.n_campaigns + campaign as usize).copied().unwrap_or(false)
    }

    /// The agreement linking `n` and `m` whose ceiling allows `tlp` with the shortest latency
    /// (the first listed among equals).
    pub fn fastest(&self, n: u32, m: u32, tlp: Tlp) -> Option<u32> {
        let linking = self.agreements.iter().enumerate().filter(|(_, a)| a.carries(n, tlp) && a.has(m));
        linking.min_by_key(|(i, a)| (a.latency_ticks, *i)).map(|(i, _)| i as u32)
    }

    /// Every nation sharing an agreement with `n` whose ceiling allows `tlp`, ascending.
    pub fn partners(&self, n: u32, tlp: Tlp) -> Vec<u32> {
        let mut out: Vec<u32> = (self.agreements.iter())
            .filter(|a| a.carries(n, tlp))
            .flat_map(|a| a.members.iter().copied().filter(|&m| m != n))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Gives a nation a campaign's indicators; true if it did not hold them yet.
    pub fn grant(&mut self, nation: u32, campaign: u32) -> bool {
        let i = nation as usize * self.n_campaigns + campaign as usize;
        match self.held.get_mut(i) {
            Some(h) if !*h => {
                *h = true;
                true
            }
            _ => false,
        }
    }
}

/// The `share_indicators` mechanics, shared by a player's action and doctrine's
/// `share_on_detection`: nation `n` sends campaign `c`'s indicators, marked `tlp`, to `to`
/// (partners each linked with `n` by an agreement allowing `tlp`, checked by the caller) per
/// `via` (`actions.rs`). Each shipment logs `indicators_shared` (caused by `cause`, value = its
/// partners, under its agreement) and arrives `latency` ticks later. Returns the events logged.
pub(crate) fn share(
    intel: &mut Intel,
    (cat, clock, log): (&Catalog, &SimClock, &mut EventLog),
    (n, c, tlp): (u32, u32, Tlp),
    to: &[u32],
    via: Via,
    cause: Option<u64>,
) -> Vec<u64> {
    let shipments: Vec<(u32, Vec<u32>)> = match via {
        Via::Fastest => to.iter().filter_map(|&m| Some((intel.fastest(n, m, tlp)?, vec![m]))).collect(),
        Via::EveryAgreement => (intel.agreements.iter().enumerate())
            .filter(|(_, a)| a.carries(n, tlp))
            .map(|(i, a)| (i as u32, a.members.iter().copied().filter(|&m| m != n && to.contains(&m)).collect()))
            .filter(|(_, partners): &(u32, Vec<u32>)| !partners.is_empty())
            .collect(),
    };
    let mut events = Vec::with_capacity(shipments.len());
    for (agreement, partners) in shipments {
        let keys = Keys {
            nation: Some(n),
            campaign: Some(c),
            cause,
            value: Some(partners.len() as f64),
            agreement: Some(agreement),
            ..Keys::default()
        };
        let ev = log.emit(cat, clock, EventKind::IndicatorsShared, keys);
        let latency = intel.agreements[agreement as usize].latency_ticks;
        intel.in_flight.entry(clock.tick + latency).or_default().extend(partners.into_iter().map(|m| (m, c, ev)));
        events.push(ev);
    }
    events
}

/// Sharing phase.
pub fn share_indicators(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    mut intel: ResMut<Intel>,
    mut log: ResMut<EventLog>,
    mut detected: MessageReader<Detected>,
    doctrines: Res<Doctrines>,
    mut decisions: ResMut<DoctrineLog>,
) {
    let now = clock.tick;
    for d in detected.read() {
        intel.grant(d.nation, d.campaign);
        let doctrine = doctrines.of(d.nation);
        if !doctrine.share_on_detection {
            continue;
        }
        let seen = Sighting { nation: d.nation, host: d.host, group: d.group, campaign: d.campaign, event: d.event };
        let sent = !intel.sent.insert((d.nation, d.campaign));
        let Some(action) = share_on_detection(&doctrine, &cat, &intel, &seen, sent) else { continue };
        let tlp = cat.campaigns[d.campaign as usize].tlp;
        let to = intel.partners(d.nation, tlp);
        let what = (d.nation, d.campaign, tlp);
        let events = share(&mut intel, (&cat, &clock, &mut log), what, &to, Via::EveryAgreement, Some(d.event));
        decisions.record(now, d.nation, action, events);
    }
    while intel.in_flight.first_key_value().is_some_and(|(&t, _)| t <= now) {
        let Some((_, arrivals)) = intel.in_flight.pop_first() else {
            break;
        };
        for (m, c, cause) in arrivals {
            // An arrival at a partner that already holds the indicators is still recorded (the
            // sender did share in time); it changes nothing in the partner's detection.
            let detail = if intel.grant(m, c) { None } else { Some("already_held") };
            log.emit(
                &cat,
                &clock,
                EventKind::IndicatorsReceived,
                Keys { nation: Some(m), campaign: Some(c), cause: Some(cause), detail, ..Keys::default() },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::duration::Duration;
    use crate::scenario::model::SharingAgreement;
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::message::Messages;
    use bevy_ecs::system::RunSystemOnce;

    /// EST with one sensed host and campaign C on it; LVA with no hosts; no agreement yet.
    fn est_and_lva() -> crate::scenario::model::Scenario {
        let mut s = tiny(&[("SEG-A", "GA", 1, 1.0)]);
        let mut lva = s.nations[0].clone();
        lva.id = "LVA".into();
        lva.team.id = "CERT-LV".into();
        lva.segments.clear();
        s.nations.push(lva);
        s.campaigns.push(campaign("C", &["GA"], vec![stage("a", 0.0, MIN)]));
        s
    }

    #[test]
    fn indicators_arrive_after_the_latency() {
        let mut s = est_and_lva();
        s.sharing.push(SharingAgreement {
            id: "B".into(),
            between: vec!["EST".into(), "LVA".into()],
            latency: Duration(2 * MIN),
            tlp_ceiling: Tlp::Amber,
        });
        let mut w = world(&s);
        w.resource_mut::<Messages<Detected>>().write(Detected { host: 0, group: 0, campaign: 0, nation: 0, event: 0 });
        w.run_system_once(share_indicators).unwrap();
        assert_eq!(kinds(&w), vec![EventKind::IndicatorsShared]);
        assert_eq!(rendered(&w)[0].detail.as_deref(), Some("B"), "the agreement");
        assert!(w.resource::<Intel>().holds(0, 0));
        at_tick(&mut w, 1);
        w.run_system_once(share_indicators).unwrap();
        assert!(!w.resource::<Intel>().holds(1, 0));
        at_tick(&mut w, 2);
        w.run_system_once(share_indicators).unwrap();
        assert!(w.resource::<Intel>().holds(1, 0));
        assert_eq!(kinds(&w), vec![EventKind::IndicatorsShared, EventKind::IndicatorsReceived]);
    }

    #[test]
    fn a_nation_listed_many_times_is_one_partner() {
        let mut s = est_and_lva();
        let mut between = vec!["LVA".to_string(); 1000];
        between.push("EST".into());
        s.sharing.push(SharingAgreement { id: "B".into(), between, latency: Duration(0), tlp_ceiling: Tlp::Amber });
        let mut w = world(&s);
        assert_eq!(w.resource::<Intel>().agreements[0].members, vec![0, 1]);
        w.resource_mut::<Messages<Detected>>().write(Detected { host: 0, group: 0, campaign: 0, nation: 0, event: 0 });
        w.run_system_once(share_indicators).unwrap();
        assert_eq!(
            kinds(&w),
            vec![EventKind::IndicatorsShared, EventKind::IndicatorsReceived],
            "one shipment, one arrival"
        );
    }

    #[test]
    fn grant_once() {
        let mut intel = Intel::new(2, 3, vec![]);
        assert!(!intel.holds(1, 2));
        assert!(intel.grant(1, 2));
        assert!(!intel.grant(1, 2));
        assert!(intel.holds(1, 2));
        assert!(!intel.holds(0, 2));
        assert!(!intel.grant(5, 0));
    }

    #[test]
    fn tlp_orders_for_ceilings() {
        assert!(Tlp::Amber <= Tlp::Amber);
        assert!(Tlp::Red > Tlp::Amber);
        assert!(Tlp::Green < Tlp::AmberStrict);
    }
}
