//! A generator of small, always-valid [`Scenario`] values for property tests.
//!
//! The scenario is built directly as a struct (no YAML). Everything is drawn from a ChaCha8
//! stream seeded by one `u64`, so a property test's strategy is just a seed
//! (`any::<u64>().prop_map(scenario_from_seed)`) and a failing case is reproduced from the seed
//! proptest prints (shrinking works on the seed only, which is enough: every seed gives a small
//! scenario).
//!
//! What it covers: 1–3 nations (user-assigned ISO codes `XAA`…), 1–3 segments each with 1–3
//! small host groups, random links with filtering, services with acyclic dependencies (a service
//! depends only on earlier services of its nation), 0–2 assistance providers with nation policies,
//! sharing agreements, 0–2 campaigns with 1–5 stages including lateral movement and impact
//! effects, scheduled and triggered injects with effects, and objectives.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{exercise, inject};
use crate::scenario::duration::Duration;
use crate::scenario::model::*;

/// (tactic, technique) pairs that agree with the bundled ATT&CK table. The last two are impact.
const STAGES: [(&str, &str); 9] = [
    ("TA0002", "T1059.001"),
    ("TA0011", "T1071.001"),
    ("TA0006", "T1003.001"),
    ("TA0007", "T1018"),
    ("TA0008", "T1021.001"),
    ("TA0008", "T1021.002"),
    ("TA0010", "T1567.002"),
    ("TA0040", "T1490"),
    ("TA0040", "T1486"),
];

const NATIONS: [&str; 3] = ["XAA", "XAB", "XAC"];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

fn unit(rng: &mut ChaCha8Rng) -> f64 {
    // Two decimals, so failing cases print readably.
    f64::from(rng.random_range(0..=100u32)) / 100.0
}

fn mins(m: u64) -> Duration {
    Duration(m * 60)
}

fn skills(rng: &mut ChaCha8Rng) -> Skills {
    Skills { detect: unit(rng), contain: unit(rng), recover: unit(rng) }
}

/// The scenario for one seed. Always valid (checked by `generator_yields_valid_scenarios`).
pub fn scenario_from_seed(seed: u64) -> Scenario {
    let rng = &mut ChaCha8Rng::seed_from_u64(seed);
    let tick_m = *pick(rng, &[1u64, 5, 10, 15]);
    let n_ticks = rng.random_range(24..=240u64);
    let duration = mins(tick_m * n_ticks);

    // ── nations, segments, host groups, services
    let n_nations = rng.random_range(1..=3usize);
    let mut nations = Vec::new();
    // (nation index, segment id, group ids)
    let mut segments: Vec<(usize, String, Vec<String>)> = Vec::new();
    let mut services: Vec<(usize, String)> = Vec::new();
    for (ni, code) in NATIONS.iter().take(n_nations).enumerate() {
        let mut segs = Vec::new();
        let mut groups_of_nation = Vec::new();
        for si in 0..rng.random_range(1..=3usize) {
            let seg_id = format!("{code}-S{si}");
            let mut groups = Vec::new();
            for gi in 0..rng.random_range(1..=3usize) {
                let id = format!("{seg_id}-G{gi}");
                groups.push(HostGroup {
                    id: id.clone(),
                    count: rng.random_range(1..=12u64),
                    role: *pick(
                        rng,
                        &[HostRole::Workstation, HostRole::Server, HostRole::DomainController, HostRole::Web],
                    ),
                    os: *pick(rng, &[OsFamily::Windows, OsFamily::Linux]),
                    criticality: *pick(
                        rng,
                        &[Criticality::Low, Criticality::Medium, Criticality::High, Criticality::Critical],
                    ),
                    sensors: 0.05 + 0.95 * unit(rng),
                    hardening: unit(rng),
                    backup_interval: if chance(rng, 0.7) { Some(mins(rng.random_range(30..=1440u64))) } else { None },
                    restore_time: mins(rng.random_range(5..=600u64)),
                    data_mb_per_hour: rng.random_range(0..=200u64),
                });
            }
            groups_of_nation.extend(groups.iter().map(|g| g.id.clone()));
            segments.push((ni, seg_id.clone(), groups.iter().map(|g| g.id.clone()).collect()));
            segs.push(Segment {
                id: seg_id,
                name: None,
                kind: *pick(
                    rng,
                    &[SegmentKind::Government, SegmentKind::Enterprise, SegmentKind::Dmz, SegmentKind::Ot],
                ),
                host_groups: groups,
                topology: None,
            });
        }
        let mut svcs: Vec<Service> = Vec::new();
        for vi in 0..rng.random_range(0..=3usize) {
            let mut runs_on = vec![pick(rng, &groups_of_nation).clone()];
            if chance(rng, 0.3) {
                let g = pick(rng, &groups_of_nation).clone();
                if !runs_on.contains(&g) {
                    runs_on.push(g);
                }
            }
            // Acyclic: only earlier services of the same nation.
            let depends_on =
                if vi > 0 && chance(rng, 0.5) { vec![svcs[rng.random_range(0..vi)].id.clone()] } else { Vec::new() };
            let id = format!("{code}-SVC{vi}");
            services.push((ni, id.clone()));
            svcs.push(Service {
                id,
                name: None,
                runs_on,
                quorum: 0.1 + 0.9 * unit(rng),
                weight: 0.5 + 3.0 * unit(rng),
                depends_on,
            });
        }
        nations.push(Nation {
            id: (*code).to_string(),
            name: None,
            utc_offset: pick(rng, &["+00:00", "+02:00", "-05:00"]).parse().unwrap(),
            team: NationalTeam {
                id: format!("T-{code}"),
                name: None,
                analysts: rng.random_range(1..=4u32),
                schedule: *pick(rng, &[WorkPattern::TwentyFourSeven, WorkPattern::OfficeHours]),
                skills: skills(rng),
                assistance_policy: AssistancePolicy::default(),
                doctrine: DoctrineDef::default(),
            },
            segments: segs,
            services: svcs,
        });
    }

    // ── links
    let mut links: Vec<Link> = Vec::new();
    let mut pairs = Vec::new();
    if segments.len() > 1 {
        for _ in 0..rng.random_range(0..=segments.len() + 1) {
            let a = rng.random_range(0..segments.len());
            let b = rng.random_range(0..segments.len());
            let key = (a.min(b), a.max(b));
            if a == b || pairs.contains(&key) {
                continue;
            }
            pairs.push(key);
            links.push(Link { between: vec![segments[a].1.clone(), segments[b].1.clone()], filtering: unit(rng) });
        }
    }

    // ── assistance providers and nation policies
    let mut assistance = Vec::new();
    for pi in 0..rng.random_range(0..=2usize) {
        let serves: Vec<String> = if chance(rng, 0.5) {
            Vec::new()
        } else {
            NATIONS.iter().take(n_nations).filter(|_| chance(rng, 0.7)).map(|c| (*c).to_string()).collect()
        };
        assistance.push(AssistanceProvider {
            id: format!("PROV-{pi}"),
            name: None,
            kind: *pick(
                rng,
                &[ProviderKind::NatoRrt, ProviderKind::EuCrrt, ProviderKind::Vcisc, ProviderKind::Bilateral],
            ),
            approval: mins(rng.random_range(0..=240u64)),
            deployment: mins(rng.random_range(1..=600u64)),
            deploy_mode: *pick(rng, &[DeployMode::Remote, DeployMode::OnSite]),
            on_task: mins(rng.random_range(30..=2880u64)),
            size: rng.random_range(1..=6u32),
            skills: skills(rng),
            max_concurrent: rng.random_range(1..=2u32),
            offers: vec![Offer::IncidentResponse],
            serves,
        });
    }
    let serves = |p: &AssistanceProvider, nation: &str| p.serves.is_empty() || p.serves.iter().any(|s| s == nation);
    for n in &mut nations {
        let providers: Vec<String> = assistance.iter().filter(|p| serves(p, &n.id)).map(|p| p.id.clone()).collect();
        if !providers.is_empty() && chance(rng, 0.8) {
            n.team.assistance_policy = AssistancePolicy {
                backlog_over: if chance(rng, 0.7) { Some(rng.random_range(1..=4u32)) } else { None },
                severity_at_least: if chance(rng, 0.5) { Some(Criticality::High) } else { None },
                providers,
            };
        }
    }

    // ── sharing
    let mut sharing = Vec::new();
    if n_nations >= 2 && chance(rng, 0.7) {
        sharing.push(SharingAgreement {
            id: "SHARE-0".into(),
            between: NATIONS.iter().take(n_nations).map(|c| (*c).to_string()).collect(),
            latency: mins(rng.random_range(1..=240u64)),
            tlp_ceiling: *pick(rng, &[Tlp::Green, Tlp::Amber, Tlp::Red]),
        });
    }

    // ── campaigns
    let mut campaigns = Vec::new();
    let mut unstarted = Vec::new();
    for ci in 0..rng.random_range(0..=2usize) {
        let (entry_nation, entry_seg, entry_groups) = segments[rng.random_range(0..segments.len())].clone();
        let mut groups = vec![pick(rng, &entry_groups).clone()];
        if entry_groups.len() > 1 && chance(rng, 0.3) {
            let g = pick(rng, &entry_groups).clone();
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        let targets = match rng.random_range(0..3u8) {
            0 => Targets::default(),
            1 => Targets { nations: vec![NATIONS[entry_nation].to_string()], ..Targets::default() },
            _ => Targets { segments: vec![entry_seg.clone()], ..Targets::default() },
        };
        let n_stages = rng.random_range(1..=5usize);
        let mut stages = Vec::new();
        for k in 0..n_stages {
            let impact = k == n_stages - 1 && chance(rng, 0.7);
            let (tactic, technique) =
                if impact { STAGES[7 + rng.random_range(0..2usize)] } else { STAGES[rng.random_range(0..7usize)] };
            let lateral = if !impact && chance(rng, 0.4) {
                Some(Lateral {
                    reach: *pick(rng, &[Reach::Segment, Reach::Linked]),
                    fanout: rng.random_range(1..=3u64),
                    repeat: chance(rng, 0.3),
                })
            } else {
                None
            };
            let effect = if impact {
                let nation_services: Vec<&String> =
                    services.iter().filter(|(n, _)| *n == entry_nation).map(|(_, s)| s).collect();
                Some(match rng.random_range(0..5u8) {
                    0 => Effect::Encrypt,
                    1 => Effect::Wipe,
                    2 => Effect::Exfiltrate { mb_per_host: rng.random_range(1..=500u64) },
                    3 if !nation_services.is_empty() => Effect::Disrupt {
                        service: (*pick(rng, &nation_services)).clone(),
                        duration: mins(rng.random_range(10..=300u64)),
                    },
                    _ => Effect::Deface,
                })
            } else {
                None
            };
            let cadence = match rng.random_range(0..3u8) {
                0 => Delay::Fixed(mins(rng.random_range(1..=120u64))),
                1 => Delay::Distribution(DelayDistribution::Exponential { mean: mins(rng.random_range(1..=120u64)) }),
                _ => {
                    let lo = rng.random_range(1..=60u64);
                    Delay::Distribution(DelayDistribution::Uniform {
                        min: mins(lo),
                        max: mins(lo + rng.random_range(0..=60u64)),
                    })
                }
            };
            stages.push(Stage {
                id: format!("s{k}"),
                tactic: tactic.into(),
                technique: technique.into(),
                probability: 0.1 + 0.9 * unit(rng),
                cadence,
                stealth: unit(rng) * 0.9,
                lateral,
                effect,
            });
        }
        let id = format!("CAMP-{ci}");
        let start = if chance(rng, 0.75) {
            Some(Duration(rng.random_range(0..duration.secs() / 2)))
        } else {
            unstarted.push(id.clone());
            None
        };
        campaigns.push(Campaign {
            id,
            name: None,
            actor: Actor {
                name: format!("OPFOR {ci}"),
                kind: *pick(rng, &[ActorKind::Criminal, ActorKind::StateSponsored, ActorKind::Hacktivist]),
                sophistication: unit(rng),
            },
            start,
            tlp: *pick(rng, &[Tlp::Green, Tlp::Amber]),
            targets,
            entry: Entry {
                technique: "T1566.001".into(),
                host_groups: groups,
                footholds: rng.random_range(1..=3u64),
                fraction: if chance(rng, 0.2) { Some(0.05 + 0.5 * unit(rng)) } else { None },
            },
            stages,
            recovery: Default::default(),
        });
    }

    // ── MSEL: scheduled injects first, then triggered ones (which may follow a scheduled one)
    let mut msel: Vec<Inject> = Vec::new();
    let n_injects = rng.random_range(0..=4usize) + unstarted.len();
    for ii in 0..n_injects {
        let id = format!("MSEL-{ii:03}");
        let mut effects = Vec::new();
        if let Some(c) = unstarted.get(ii) {
            effects.push(InjectEffect::StartCampaign { campaign: c.clone() });
        }
        for _ in 0..rng.random_range(0..=2u8) {
            let nation = rng.random_range(0..n_nations);
            match rng.random_range(0..5u8) {
                0 if !campaigns.is_empty() => effects.push(InjectEffect::ShareIndicators {
                    campaign: campaigns[rng.random_range(0..campaigns.len())].id.clone(),
                    to: vec![NATIONS[nation].to_string()],
                }),
                1 => effects.push(InjectEffect::TeamCapacity {
                    team: format!("T-{}", NATIONS[nation]),
                    analysts: rng.random_range(-2..=3i32),
                }),
                2 if !services.is_empty() => effects.push(InjectEffect::ServiceDown {
                    service: services[rng.random_range(0..services.len())].1.clone(),
                    duration: mins(rng.random_range(5..=240u64)),
                }),
                3 => {
                    if let Some(p) = assistance.iter().find(|p| serves(p, NATIONS[nation])) {
                        effects.push(InjectEffect::RequestAssistance {
                            nation: NATIONS[nation].to_string(),
                            provider: p.id.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        // Injects that start a campaign are scheduled, so the campaign always has a start.
        let scheduled = ii < unstarted.len() || msel.is_empty() || chance(rng, 0.5);
        let (at, trigger) = if scheduled {
            (Some(Duration(rng.random_range(0..duration.secs()))), None)
        } else {
            let event = match rng.random_range(0..4u8) {
                0 if !campaigns.is_empty() => TriggerEvent::FirstCompromise,
                1 if !campaigns.is_empty() => TriggerEvent::FirstDetection,
                2 if !campaigns.is_empty() => TriggerEvent::Impact,
                3 if !assistance.is_empty() => TriggerEvent::AssistanceRequested,
                _ => TriggerEvent::InjectDelivered,
            };
            let campaign =
                matches!(event, TriggerEvent::FirstCompromise | TriggerEvent::FirstDetection | TriggerEvent::Impact)
                    .then(|| campaigns[rng.random_range(0..campaigns.len())].id.clone());
            // Only earlier injects: no trigger cycles.
            let inject =
                (event == TriggerEvent::InjectDelivered).then(|| msel[rng.random_range(0..msel.len())].id.clone());
            (None, Some(Trigger { event, campaign, nation: None, inject, delay: mins(rng.random_range(0..=60u64)) }))
        };
        msel.push(Inject { at, trigger, title: format!("inject {ii}"), ..inject(&id, 0, effects) });
    }

    // ── objectives
    let mut objectives = vec![Objective {
        id: "OBJ-1".into(),
        text: "detect quickly".into(),
        capability: None,
        metric: Some(Metric::TimeToDetect),
        target: Some(Scalar("4h".into())),
        scope: "alliance".into(),
        campaign: None,
        service: None,
        pledge: vec![Pledge::I],
        csf: vec!["DE.CM".into()],
    }];
    objectives.push(Objective {
        id: "OBJ-2".into(),
        text: "few hosts lost".into(),
        capability: None,
        metric: Some(Metric::HostsCompromised),
        target: Some(Scalar(rng.random_range(0..=50u64).to_string())),
        scope: NATIONS[0].into(),
        campaign: None,
        service: None,
        pledge: Vec::new(),
        csf: Vec::new(),
    });
    if let Some((n, s)) = services.first() {
        objectives.push(Objective {
            id: "OBJ-3".into(),
            text: "keep the service up".into(),
            capability: None,
            metric: Some(Metric::ServiceAvailability),
            target: Some(Scalar("0.9".into())),
            scope: NATIONS[*n].into(),
            campaign: None,
            service: Some(s.clone()),
            pledge: Vec::new(),
            csf: Vec::new(),
        });
    }

    Scenario {
        cydex: FORMAT_VERSION,
        exercise: Exercise {
            startex: Some("2027-03-01T07:00:00Z".parse().unwrap()),
            ..exercise(&format!("GEN-{seed:016x}"), "generated")
        },
        clock: Clock { tick: mins(tick_m), duration },
        objectives,
        nations,
        links,
        assistance,
        sharing,
        campaigns,
        msel,
        scoring: Scoring::default(),
    }
}
