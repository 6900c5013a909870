//! The soonest moments a scenario allows: when each campaign can start and each inject can fire at
//! the earliest, and when the interval an objective's time metric measures can open. Lower bounds
//! from the file alone (no simulation), so the validator can tell when ENDEX leaves an objective
//! no chance.
//!
//! Every bound is in seconds after STARTEX and never later than what the engine can do: the engine
//! only ever rounds times up to whole ticks, applies inject effects a tick after delivery and fires
//! a triggered inject at least one tick after its event, all of which make things later still.

use super::model::{InjectEffect, Metric, Objective, Scenario, Trigger, TriggerEvent};

/// The soonest time (s after STARTEX) each campaign can start and each inject can fire, by
/// scenario index; `None` when nothing in the scenario can make it happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earliest {
    /// Per campaign: the sooner of its `start` and the first inject that can start it.
    pub campaigns: Vec<Option<u64>>,
    /// Per inject: its `at`, or the soonest its trigger's event can happen plus the `delay`.
    pub injects: Vec<Option<u64>>,
}

/// What opens the interval an objective's time metric measures, at the soonest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opener {
    /// The start of this campaign (by scenario index).
    Campaign(usize),
    /// The first assistance request, whatever causes it.
    Request,
}

fn sooner(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        _ => a.or(b),
    }
}

impl Earliest {
    /// Computes the bounds: scheduled times first, then triggers and `start_campaign` effects
    /// relaxed until nothing moves (a shortest-path fixpoint; every step adds a delay ≥ 0).
    pub fn of(s: &Scenario) -> Earliest {
        let mut e = Earliest {
            campaigns: s.campaigns.iter().map(|c| c.start.map(|d| d.secs())).collect(),
            // The engine ignores `at` when a trigger is given too (which is an error anyway).
            injects: s.msel.iter().map(|i| if i.trigger.is_none() { i.at.map(|d| d.secs()) } else { None }).collect(),
        };
        for _ in 0..=s.campaigns.len() + s.msel.len() {
            let before = e.clone();
            e.relax(s);
            if e == before {
                break;
            }
        }
        e
    }

    fn relax(&mut self, s: &Scenario) {
        for (i, inj) in s.msel.iter().enumerate() {
            if let Some(t) = &inj.trigger {
                let fired = self.event(s, t).map(|at| at.saturating_add(t.delay.secs()));
                self.injects[i] = sooner(self.injects[i], fired);
            }
            for effect in &inj.effects {
                if let InjectEffect::StartCampaign { campaign } = effect
                    && let Some(c) = s.campaigns.iter().position(|c| &c.id == campaign)
                {
                    self.campaigns[c] = sooner(self.campaigns[c], self.injects[i]);
                }
            }
        }
    }

    /// The soonest a trigger's event can happen. An unknown campaign or inject never matches.
    fn event(&self, s: &Scenario, t: &Trigger) -> Option<u64> {
        match t.event {
            TriggerEvent::FirstCompromise | TriggerEvent::FirstDetection | TriggerEvent::Impact => match &t.campaign {
                Some(id) => s.campaigns.iter().position(|c| &c.id == id).and_then(|c| self.campaigns[c]),
                None => self.first_campaign().map(|(_, at)| at),
            },
            TriggerEvent::AssistanceRequested | TriggerEvent::AssistanceOnTask => self.first_request(s),
            TriggerEvent::InjectDelivered => {
                t.inject.as_ref().and_then(|id| s.msel.iter().position(|i| &i.id == id)).and_then(|i| self.injects[i])
            }
        }
    }

    /// The campaign that can start first (the first in file order on a tie), and when.
    pub fn first_campaign(&self) -> Option<(usize, u64)> {
        self.campaigns.iter().enumerate().filter_map(|(c, at)| at.map(|at| (c, at))).min_by_key(|&(c, at)| (at, c))
    }

    /// The soonest any assistance request can happen: a team asks only about a detected incident,
    /// so not before some campaign starts, unless a `request_assistance` inject asks sooner.
    pub fn first_request(&self, s: &Scenario) -> Option<u64> {
        let by_inject = s
            .msel
            .iter()
            .zip(&self.injects)
            .filter(|(inj, _)| inj.effects.iter().any(|e| matches!(e, InjectEffect::RequestAssistance { .. })))
            .filter_map(|(_, at)| *at)
            .min();
        sooner(self.first_campaign().map(|(_, at)| at), by_inject)
    }

    /// When the interval an objective's time metric measures can open at the soonest, and what
    /// opens it. `None` for metrics without a time target, or when nothing can open it.
    ///
    /// Detection, acknowledgement, containment and recovery times start at a compromise or
    /// detection of the objective's campaign (any campaign without one). Times to request
    /// assistance and to share indicators start at a nation's first detection, from any campaign
    /// (the rating ignores `campaign` for them). Time to assistance starts at the request.
    pub fn opens(&self, s: &Scenario, o: &Objective, metric: Metric) -> Option<(Opener, u64)> {
        let campaign = || match o.campaign.as_ref() {
            Some(id) => {
                let c = s.campaigns.iter().position(|c| &c.id == id)?;
                Some((Opener::Campaign(c), self.campaigns[c]?))
            }
            None => self.first_campaign().map(|(c, at)| (Opener::Campaign(c), at)),
        };
        match metric {
            Metric::TimeToDetect | Metric::TimeToAcknowledge | Metric::TimeToContain | Metric::TimeToRecover => {
                campaign()
            }
            Metric::TimeToRequestAssistance | Metric::TimeToShareIndicators => {
                self.first_campaign().map(|(c, at)| (Opener::Campaign(c), at))
            }
            Metric::TimeToAssistance => self.first_request(s).map(|at| (Opener::Request, at)),
            Metric::ServiceAvailability | Metric::DataLost | Metric::HostsCompromised | Metric::StoppedBeforeImpact => {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::duration::Duration;
    use crate::scenario::model::Inject;

    const H: u64 = 3600;

    fn drill() -> Scenario {
        let text = include_str!("starter.yaml");
        crate::scenario::load_bytes("starter", text.as_bytes()).map_err(|r| r.diagnostics).unwrap().scenario
    }

    fn triggered(id: &str, event: TriggerEvent, delay_h: u64) -> Inject {
        let mut inj = drill().msel[0].clone();
        inj.id = id.into();
        inj.trigger =
            Some(Trigger { event, campaign: None, nation: None, inject: None, delay: Duration::hours(delay_h) });
        inj.effects = vec![];
        inj
    }

    #[test]
    fn scheduled_and_triggered_times_chain() {
        let mut s = drill();
        // The starter: CAMP-1 at 1h; MSEL-001 2h after CAMP-1's first compromise; MSEL-002 at 6h.
        assert_eq!(Earliest::of(&s), Earliest { campaigns: vec![Some(H)], injects: vec![Some(3 * H), Some(6 * H)] });
        // A second campaign started by a chain: delivered(MSEL-001) + 4h starts it.
        let mut c2 = s.campaigns[0].clone();
        c2.id = "CAMP-2".into();
        c2.start = None;
        s.campaigns.push(c2);
        let mut chained = triggered("MSEL-003", TriggerEvent::InjectDelivered, 4);
        chained.trigger.as_mut().unwrap().inject = Some("MSEL-001".into());
        chained.effects = vec![InjectEffect::StartCampaign { campaign: "CAMP-2".into() }];
        s.msel.push(chained);
        let e = Earliest::of(&s);
        assert_eq!(e.campaigns, [Some(H), Some(7 * H)]);
        assert_eq!(e.first_campaign(), Some((0, H)));
        // Assistance: first requested when CAMP-1 can start (1h), before MSEL-002's inject (6h).
        assert_eq!(e.first_request(&s), Some(H));
    }

    #[test]
    fn cycles_and_unknown_ids_never_fire() {
        let mut s = drill();
        s.campaigns[0].start = None;
        // Two injects waiting for each other, one of them starting the campaign: nothing moves.
        let mut a = triggered("A", TriggerEvent::InjectDelivered, 1);
        a.trigger.as_mut().unwrap().inject = Some("B".into());
        a.effects = vec![InjectEffect::StartCampaign { campaign: "CAMP-1".into() }];
        let mut b = triggered("B", TriggerEvent::InjectDelivered, 1);
        b.trigger.as_mut().unwrap().inject = Some("A".into());
        let mut lost = triggered("C", TriggerEvent::FirstDetection, 0);
        lost.trigger.as_mut().unwrap().campaign = Some("NO-SUCH".into());
        s.msel = vec![a, b, lost];
        let e = Earliest::of(&s);
        assert_eq!(e, Earliest { campaigns: vec![None], injects: vec![None, None, None] });
        assert_eq!(e.first_request(&s), None);
    }

    #[test]
    fn a_request_inject_can_open_assistance_before_any_campaign() {
        let mut s = drill();
        s.campaigns[0].start = Some(Duration::hours(10));
        s.msel[0].trigger = None;
        s.msel[0].at = Some(Duration::hours(9));
        let e = Earliest::of(&s);
        assert_eq!(e.first_request(&s), Some(6 * H));
        let o = |metric: Metric| Objective { metric: Some(metric), ..s.objectives[0].clone() };
        assert_eq!(e.opens(&s, &o(Metric::TimeToAssistance), Metric::TimeToAssistance), Some((Opener::Request, 6 * H)));
        assert_eq!(e.opens(&s, &o(Metric::TimeToContain), Metric::TimeToContain), Some((Opener::Campaign(0), 10 * H)));
        assert_eq!(e.opens(&s, &o(Metric::DataLost), Metric::DataLost), None);
        let other = Objective { campaign: Some("NO-SUCH".into()), ..o(Metric::TimeToDetect) };
        assert_eq!(e.opens(&s, &other, Metric::TimeToDetect), None);
    }
}
