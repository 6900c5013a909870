//! Owns the Services phase: service availability from host health, quorum, forced outages and
//! dependencies, recomputed only when something changed.
//!
//! A service is **up** iff (a) no forced outage (inject `service_down`, impact `disrupt`, its
//! team taking it offline, a dependency across a link its team cut: `actions.rs`) is in force, (b) at least `ceil(quorum × hosts)` of its hosts (the union of its `runs_on` groups,
//! computed exactly: [`ceil_fraction_of`]) are up, and
//! (c) every `depends_on` service is up. Services are evaluated in a topological order computed at
//! build time; members of a dependency cycle (which validation forbids) are evaluated last and
//! count as down. Down-host counts per group are maintained incrementally by whoever takes a host
//! down or up ([`Hosts::set_down`]), so this phase does no work in a tick where no host changed
//! health and no outage started or ended. Down-time is accumulated from transitions.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Res, ResMut, Resource};

use super::clock::SimClock;
use super::events::{EventKind, EventLog, Keys};
use super::state::{Catalog, Hosts};
#[cfg(doc)]
use crate::scenario::model::ceil_fraction_of;

/// A compiled service.
#[derive(Debug, Clone)]
pub struct ServiceDef {
    /// Nation index (of the declaring nation).
    pub nation: u32,
    /// Host groups it runs on.
    pub groups: Vec<u32>,
    /// Hosts in those groups.
    pub total_hosts: u64,
    /// Hosts that must be up: `ceil(quorum × total_hosts)`, exact.
    pub needed: u64,
    /// Availability weight.
    pub weight: f64,
    /// Services it depends on.
    pub deps: Vec<u32>,
}

/// Service definitions and their running state.
#[derive(Resource, Debug, Default)]
pub struct ServiceBook {
    /// Definitions (scenario order).
    pub defs: Vec<ServiceDef>,
    /// Evaluation order: dependencies first; cycle members last.
    pub order: Vec<u32>,
    /// Member of a dependency cycle.
    pub cyclic: Vec<bool>,
    /// Currently up.
    pub up: Vec<bool>,
    /// Forced outage in force until this tick (exclusive).
    pub forced_until: Vec<u64>,
    /// Event that forced the outage.
    pub forced_cause: Vec<Option<u64>>,
    /// Tick the current outage started.
    pub down_since: Vec<Option<u64>>,
    /// Ticks spent down in closed outages.
    pub down_ticks: Vec<u64>,
    /// Up→down transitions.
    pub outages: Vec<u32>,
    /// Ticks at which forced outages end.
    pub ends: BTreeMap<u64, Vec<u32>>,
    /// Something changed that may flip a status.
    pub dirty: bool,
    /// Per service: a dependency it reaches across a link a team cut (`actions.rs`): down.
    pub severed: Vec<bool>,
    /// Per service: taken offline by its team (`actions.rs`): down until brought back.
    pub offline: Vec<bool>,
}

impl ServiceBook {
    /// Builds the book, computing the topological order.
    pub fn new(defs: Vec<ServiceDef>) -> Self {
        let n = defs.len();
        // Kahn's algorithm, smallest index first for determinism.
        let mut indeg: Vec<usize> = defs.iter().map(|d| d.deps.len()).collect();
        let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, d) in defs.iter().enumerate() {
            for &dep in &d.deps {
                dependents[dep as usize].push(i as u32);
            }
        }
        let mut ready: std::collections::BTreeSet<u32> = (0..n as u32).filter(|&i| indeg[i as usize] == 0).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &j in &dependents[i as usize] {
                indeg[j as usize] -= 1;
                if indeg[j as usize] == 0 {
                    ready.insert(j);
                }
            }
        }
        let mut cyclic = vec![false; n];
        for (i, c) in cyclic.iter_mut().enumerate() {
            if !order.contains(&(i as u32)) {
                *c = true;
            }
        }
        order.extend((0..n as u32).filter(|&i| cyclic[i as usize]));
        ServiceBook {
            order,
            cyclic,
            up: vec![true; n],
            forced_until: vec![0; n],
            forced_cause: vec![None; n],
            down_since: vec![None; n],
            down_ticks: vec![0; n],
            outages: vec![0; n],
            ends: BTreeMap::new(),
            dirty: true,
            severed: vec![false; n],
            offline: vec![false; n],
            defs,
        }
    }

    /// Forces a service down from `now` until `until` (exclusive); overlapping outages extend.
    pub fn force_down(&mut self, svc: u32, now: u64, until: u64, cause: u64) {
        let i = svc as usize;
        if i >= self.defs.len() || until <= now {
            return;
        }
        if until > self.forced_until[i] {
            self.forced_until[i] = until;
            self.forced_cause[i] = Some(cause);
            self.ends.entry(until).or_default().push(svc);
        }
        self.dirty = true;
    }

    /// Whether the host-health condition of a service holds.
    fn quorum_met(&self, svc: usize, hosts: &Hosts) -> bool {
        let d = &self.defs[svc];
        if d.total_hosts == 0 {
            return true;
        }
        let down: u64 = d.groups.iter().map(|&g| u64::from(hosts.group_down[g as usize])).sum();
        let up = d.total_hosts - down.min(d.total_hosts);
        up >= d.needed
    }

    /// Total down ticks including an outage still open at `end_tick`.
    pub fn down_ticks_at(&self, svc: usize, end_tick: u64) -> u64 {
        self.down_ticks[svc] + self.down_since[svc].map_or(0, |s| end_tick.saturating_sub(s))
    }
}

/// Services phase: recompute availability if host health changed or an outage began or ended.
pub fn update_services(
    clock: Res<SimClock>,
    cat: Res<Catalog>,
    mut hosts: ResMut<Hosts>,
    mut book: ResMut<ServiceBook>,
    mut log: ResMut<EventLog>,
) {
    let now = clock.tick;
    while book.ends.first_key_value().is_some_and(|(&t, _)| t <= now) {
        book.ends.pop_first();
        book.dirty = true;
    }
    if !book.dirty && !hosts.health_dirty {
        return;
    }
    book.dirty = false;
    hosts.health_dirty = false;
    let order = book.order.clone();
    for svc in order {
        let i = svc as usize;
        let forced = book.forced_until[i] > now;
        let up = !book.cyclic[i]
            && !forced
            && !book.severed[i]
            && !book.offline[i]
            && book.quorum_met(i, &hosts)
            && book.defs[i].deps.iter().all(|&d| book.up[d as usize]);
        if up == book.up[i] {
            continue;
        }
        book.up[i] = up;
        let nation = book.defs[i].nation;
        if up {
            if let Some(since) = book.down_since[i].take() {
                book.down_ticks[i] += now - since;
            }
            log.emit(
                &cat,
                &clock,
                EventKind::ServiceUp,
                Keys { nation: Some(nation), service: Some(svc), ..Keys::default() },
            );
        } else {
            book.down_since[i] = Some(now);
            book.outages[i] += 1;
            let cause = if forced { book.forced_cause[i] } else { None };
            let detail = if book.cyclic[i] {
                "dependency_cycle"
            } else if forced {
                "forced_outage"
            } else if !book.quorum_met(i, &hosts) {
                "below_quorum"
            } else {
                "dependency_down"
            };
            log.emit(
                &cat,
                &clock,
                EventKind::ServiceDown,
                Keys { nation: Some(nation), service: Some(svc), cause, detail: Some(detail), ..Keys::default() },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::Service;
    use crate::scenario::model::ceil_fraction_of;
    use crate::sim::testkit::*;
    use crate::testkit::*;
    use bevy_ecs::system::RunSystemOnce;

    fn svc(id: &str, runs_on: &str, quorum: f64, deps: &[&str]) -> Service {
        Service {
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            ..service(id, vec![runs_on.into()], quorum)
        }
    }

    #[test]
    fn host_down_cascades_through_dependencies_and_back() {
        let mut s = tiny(&[("SEG-A", "GA", 2, 0.0), ("SEG-B", "GB", 2, 0.0)]);
        s.nations[0].services = vec![svc("WEB", "GB", 0.5, &["DB"]), svc("DB", "GA", 1.0, &[])];
        let mut w = world(&s);
        w.run_system_once(update_services).unwrap();
        assert!(kinds(&w).is_empty(), "everything starts up");
        let cat = w.resource::<Catalog>().clone();
        w.resource_mut::<Hosts>().set_down(&cat, 0, true);
        at_tick(&mut w, 3);
        w.run_system_once(update_services).unwrap();
        assert_eq!(kinds(&w), vec![EventKind::ServiceDown, EventKind::ServiceDown]);
        assert_eq!(w.resource::<ServiceBook>().up, vec![false, false]);
        w.resource_mut::<Hosts>().set_down(&cat, 0, false);
        at_tick(&mut w, 5);
        w.run_system_once(update_services).unwrap();
        let book = w.resource::<ServiceBook>();
        assert_eq!(book.up, vec![true, true]);
        assert_eq!(book.down_ticks, vec![2, 2]);
    }

    #[test]
    fn forced_outage_ends_on_time() {
        let mut s = tiny(&[("SEG-A", "GA", 2, 0.0)]);
        s.nations[0].services = vec![svc("DB", "GA", 0.5, &[])];
        let mut w = world(&s);
        w.resource_mut::<ServiceBook>().force_down(0, 0, 3, 1);
        for t in 0..4 {
            at_tick(&mut w, t);
            w.run_system_once(update_services).unwrap();
        }
        assert_eq!(kinds(&w), vec![EventKind::ServiceDown, EventKind::ServiceUp]);
        assert_eq!(w.resource::<EventLog>().at(1).unwrap().tick(), 3);
    }

    fn def(deps: Vec<u32>) -> ServiceDef {
        ServiceDef { nation: 0, groups: vec![0], total_hosts: 4, needed: 2, weight: 1.0, deps }
    }

    #[test]
    fn topological_order_and_cycles() {
        let book = ServiceBook::new(vec![def(vec![1]), def(vec![]), def(vec![3]), def(vec![2])]);
        assert_eq!(book.order, vec![1, 0, 2, 3]);
        assert_eq!(book.cyclic, vec![false, false, true, true]);
    }

    #[test]
    fn quorum_counts_down_hosts() {
        let book = ServiceBook::new(vec![def(vec![])]);
        let mut hosts = Hosts::new(0, [], 1);
        hosts.group_down[0] = 2;
        assert!(book.quorum_met(0, &hosts));
        hosts.group_down[0] = 3;
        assert!(!book.quorum_met(0, &hosts));
    }

    #[test]
    fn exactly_the_quorum_up_is_up_for_every_two_decimal_quorum() {
        // 0.07 × 100 = 7.000000000000001 in f64: seven hosts up out of 100 used to be "below".
        for hundredths in 0..=100u64 {
            let quorum: f64 = format!("{}", hundredths as f64 / 100.0).parse().unwrap();
            for total in 1..=200u64 {
                let needed = ceil_fraction_of(quorum, total);
                assert_eq!(needed, (hundredths * total).div_ceil(100), "{quorum} × {total}");
                let book = ServiceBook::new(vec![ServiceDef { total_hosts: total, needed, ..def(vec![]) }]);
                let mut hosts = Hosts::new(0, [], 1);
                hosts.group_down[0] = (total - needed) as u32;
                assert!(book.quorum_met(0, &hosts), "{quorum} of {total}: exactly {needed} up");
                if needed > 0 {
                    hosts.group_down[0] += 1;
                    assert!(!book.quorum_met(0, &hosts), "{quorum} of {total}: one fewer than {needed}");
                }
            }
        }
    }

    #[test]
    fn forced_outage_extends() {
        let mut book = ServiceBook::new(vec![def(vec![])]);
        book.force_down(0, 0, 5, 1);
        book.force_down(0, 1, 3, 2);
        assert_eq!(book.forced_until[0], 5);
        assert_eq!(book.forced_cause[0], Some(1));
    }
}
