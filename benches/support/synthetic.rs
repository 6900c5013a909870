//! Programmatic scenarios for the benchmark and the scale example (shared via `#[path]`).

#![allow(dead_code, reason = "each includer uses a subset")]

use cydex::scenario::duration::Duration;
use cydex::scenario::model::*;

const MIN: u64 = 60;
const HOUR: u64 = 3600;

fn d(s: u64) -> Duration {
    Duration(s)
}

fn group(id: String, count: u64, role: HostRole, sensors: f64) -> HostGroup {
    HostGroup {
        id,
        count,
        role,
        os: OsFamily::Windows,
        criticality: if role == HostRole::Server { Criticality::High } else { Criticality::Medium },
        sensors,
        hardening: 0.3,
        backup_interval: Some(d(24 * HOUR)),
        restore_time: d(4 * HOUR),
        data_mb_per_hour: 10,
    }
}

fn stage(id: &str, technique: &str, probability: f64, cadence: Delay) -> Stage {
    Stage {
        id: id.into(),
        tactic: "TA0002".into(),
        technique: technique.into(),
        probability,
        cadence,
        stealth: 0.3,
        lateral: None,
        effect: None,
    }
}

fn base(nations: Vec<Nation>, duration_s: u64) -> Scenario {
    Scenario {
        cydex: 1,
        exercise: Exercise {
            id: "SYNTH".into(),
            title: "synthetic".into(),
            description: String::new(),
            kind: ExerciseType::FullScale,
            mode: ExerciseMode::Cooperative,
            tlp: Tlp::Green,
            attack_version: "18.1".into(),
            startex: None,
            sponsor: None,
            poc: None,
        },
        clock: Clock { tick: d(MIN), duration: d(duration_s) },
        objectives: vec![],
        nations,
        links: vec![],
        assistance: vec![AssistanceProvider {
            id: "NATO-CRRT".into(),
            name: None,
            kind: ProviderKind::NatoRrt,
            approval: d(4 * HOUR),
            deployment: d(12 * HOUR),
            deploy_mode: DeployMode::OnSite,
            on_task: d(48 * HOUR),
            size: 6,
            skills: Skills { detect: 0.9, contain: 0.9, recover: 0.8 },
            max_concurrent: 2,
            offers: vec![],
            serves: vec![],
        }],
        sharing: vec![],
        campaigns: vec![],
        msel: vec![],
        scoring: Scoring::default(),
    }
}

fn nation(id: String, segments: Vec<Segment>) -> Nation {
    Nation {
        id: id.clone(),
        name: None,
        utc_offset: "+02:00".into(),
        team: NationalTeam {
            id: format!("CERT-{id}"),
            name: None,
            analysts: 6,
            schedule: WorkPattern::OfficeHours,
            skills: Skills { detect: 0.5, contain: 0.5, recover: 0.5 },
            assistance_policy: AssistancePolicy {
                backlog_over: Some(20),
                severity_at_least: Some(Criticality::High),
                providers: vec!["NATO-CRRT".into()],
            },
        },
        segments,
        services: vec![],
    }
}

/// A ransomware worm that spreads inside the entry segment only (`reach: segment`).
fn worm(id: &str, entry: &str, reach: Reach) -> Campaign {
    let mut spread =
        stage("spread", "T1021.002", 0.4, Delay::Distribution(DelayDistribution::Exponential { mean: d(30 * MIN) }));
    spread.lateral = Some(Lateral { reach, fanout: 2, repeat: true });
    let mut encrypt = stage("encrypt", "T1486", 0.5, Delay::Fixed(d(HOUR)));
    encrypt.effect = Some(Effect::Encrypt);
    Campaign {
        id: id.into(),
        name: None,
        actor: Actor { name: "OPFOR".into(), kind: ActorKind::Criminal, sophistication: 0.6 },
        start: Some(d(30 * MIN)),
        tlp: Tlp::Amber,
        targets: Targets { roles: vec![HostRole::Server], ..Targets::default() },
        entry: Entry { technique: "T1566.001".into(), host_groups: vec![entry.into()], footholds: 3, fraction: None },
        stages: vec![
            stage("exec", "T1204.002", 0.8, Delay::Fixed(d(10 * MIN))),
            stage(
                "cred",
                "T1003.001",
                0.5,
                Delay::Distribution(DelayDistribution::Uniform { min: d(20 * MIN), max: d(2 * HOUR) }),
            ),
            encrypt,
            spread,
        ],
    }
}

/// One nation: an active segment of `active` workstations + 20 servers where the campaign
/// plays, and `idle` hosts in unlinked segments of 10 000 that no campaign can reach.
pub fn idle_padded(active: u64, idle: u64, days: u64) -> Scenario {
    let mut segments = vec![Segment {
        id: "N0-ACT".into(),
        name: None,
        kind: SegmentKind::Government,
        host_groups: vec![
            group("N0-ACT-WS".into(), active, HostRole::Workstation, 0.01),
            group("N0-ACT-SRV".into(), 20, HostRole::Server, 0.6),
        ],
    }];
    let mut left = idle;
    let mut i = 0;
    while left > 0 {
        let n = left.min(10_000);
        segments.push(Segment {
            id: format!("N0-IDLE{i}"),
            name: None,
            kind: SegmentKind::Enterprise,
            host_groups: vec![group(format!("N0-IDLE{i}-WS"), n, HostRole::Workstation, 0.01)],
        });
        left -= n;
        i += 1;
    }
    let mut s = base(vec![nation("N0".into(), segments)], days * 24 * HOUR);
    s.nations[0].services.push(Service {
        id: "N0-PORTAL".into(),
        name: None,
        runs_on: vec!["N0-ACT-SRV".into()],
        quorum: 0.6,
        weight: 1.0,
        depends_on: vec![],
    });
    s.campaigns.push(worm("CAMP-1", "N0-ACT-WS", Reach::Segment));
    s
}

/// `nations` nations × 4 linked segments, `hosts` hosts in total, a linked-reach worm entering
/// nation 0 and an exfiltration campaign in the last nation, sharing among all: activity grows
/// with the network.
pub fn alliance(nations: usize, hosts: u64, days: u64) -> Scenario {
    let per_seg = (hosts / (nations as u64 * 4)).max(21) - 20;
    let mut ns = Vec::new();
    let mut links = Vec::new();
    for n in 0..nations {
        let segs: Vec<Segment> = (0..4)
            .map(|k| Segment {
                id: format!("N{n}-S{k}"),
                name: None,
                kind: SegmentKind::Government,
                host_groups: vec![
                    group(format!("N{n}-S{k}-WS"), per_seg, HostRole::Workstation, 0.01),
                    group(format!("N{n}-S{k}-SRV"), 20, HostRole::Server, 0.5),
                ],
            })
            .collect();
        let mut na = nation(format!("N{n}"), segs);
        na.services.push(Service {
            id: format!("N{n}-PORTAL"),
            name: None,
            runs_on: (0..4).map(|k| format!("N{n}-S{k}-SRV")).collect(),
            quorum: 0.7,
            weight: 1.0,
            depends_on: vec![],
        });
        ns.push(na);
        for k in 0..3 {
            links.push(Link { between: vec![format!("N{n}-S{k}"), format!("N{n}-S{}", k + 1)], filtering: 0.6 });
        }
        if n + 1 < nations {
            links.push(Link { between: vec![format!("N{n}-S0"), format!("N{}-S0", n + 1)], filtering: 0.9 });
        }
    }
    let mut s = base(ns, days * 24 * HOUR);
    s.links = links;
    s.sharing.push(SharingAgreement {
        id: "ALL".into(),
        between: (0..nations).map(|n| format!("N{n}")).collect(),
        latency: d(2 * HOUR),
        tlp_ceiling: Tlp::Amber,
    });
    s.campaigns.push(worm("CAMP-WORM", "N0-S0-WS", Reach::Linked));
    let last = nations - 1;
    let mut exfil = stage("exfil", "T1041", 0.3, Delay::Fixed(d(2 * HOUR)));
    exfil.effect = Some(Effect::Exfiltrate { mb_per_host: 500 });
    s.campaigns.push(Campaign {
        id: "CAMP-APT".into(),
        name: None,
        actor: Actor { name: "OPFOR APT".into(), kind: ActorKind::StateSponsored, sophistication: 0.9 },
        start: Some(d(6 * HOUR)),
        tlp: Tlp::Red,
        targets: Targets::default(),
        entry: Entry {
            technique: "T1195.002".into(),
            host_groups: vec![format!("N{last}-S1-WS")],
            footholds: 1,
            fraction: Some(0.02),
        },
        stages: vec![stage("persist", "T1547.001", 0.5, Delay::Fixed(d(HOUR))), exfil],
    });
    s
}
