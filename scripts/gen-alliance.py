#!/usr/bin/env python3
"""Generate scenarios/alliance-exercise.yaml, the alliance-scale cydex scenario.

The alliance exercise is a Cyber Coalition-style (full_scale, cooperative) scenario: 32 NATO
Allies, over 100,000 hosts, five concurrent OPFOR campaigns, more than 20 MSEL injects. Written
by hand, its nation blocks would be hundreds of near-identical lines. This script builds them
from a small table of nations and size tiers, so that a planner edits one table row instead.

Usage (from the repository root; standard library only, Python 3.9+):

    python3 scripts/gen-alliance.py              # rewrites scenarios/alliance-exercise.yaml
    python3 scripts/gen-alliance.py --stdout     # prints the YAML instead
    cydex validate scenarios/alliance-exercise.yaml
    python3 scripts/gen-alliance.py --idle-x10   # rewrites scenarios/bench/alliance-idle-x10.yaml

`--idle-x10` writes the benchmark variant of goal G5 of BENCHMARKS.md instead: the same exercise plus
10x its host count of idle workstations, in new unlinked `enterprise` segments of at most 10,000
hosts dealt round-robin over the 32 nations (the layout of `synthetic::add_idle_hosts` in
src/testkit/synthetic.rs, so the in-process and whole-process figures measure one scenario).
No campaign enters these segments and no link reaches them.

The output is deterministic: the same script always writes the same bytes, with no randomness
and no timestamps. Commit the regenerated YAML together with any change to this script. Do
not edit the YAML by hand; edit the tables below and regenerate.

What to edit:
  * NATIONS: one row per Ally: ISO 3166-1 alpha-3 code, name, UTC offset at STARTEX (late
    November, so winter time), size tier, size multiplier.
  * TIERS: host counts, sensor coverage, hardening and team size per tier.
  * CAMPAIGNS, MSEL, OBJECTIVES, ASSISTANCE, SHARING: written out below as YAML text with
    comments, because they tell the storyline and are not repetitive.

All actors and events are fictional. Team, host and service figures are invented scenario
parameters, not real national capabilities. Assistance latencies are scenario parameters:
NATO's real RRT figures are not public.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "scenarios" / "alliance-exercise.yaml"
OUT_IDLE = Path(__file__).resolve().parent.parent / "scenarios" / "bench" / "alliance-idle-x10.yaml"

# `--idle-x10`: idle hosts added = IDLE_FACTOR x the exercise's hosts, at most IDLE_CHUNK a segment.
IDLE_FACTOR = 10
IDLE_CHUNK = 10_000

# ───────────────────────────── nations ─────────────────────────────
# (iso3, name, utc_offset at STARTEX, tier, multiplier)
NATIONS = [
    ("ALB", "Albania", "+01:00", "S", 1.0),
    ("BEL", "Belgium", "+01:00", "M", 1.1),
    ("BGR", "Bulgaria", "+02:00", "M", 0.9),
    ("CAN", "Canada", "-05:00", "L", 0.9),
    ("HRV", "Croatia", "+01:00", "M", 0.8),
    ("CZE", "Czechia", "+01:00", "M", 1.1),
    ("DNK", "Denmark", "+01:00", "M", 1.0),
    ("EST", "Estonia", "+02:00", "M", 0.8),
    ("FIN", "Finland", "+02:00", "M", 1.0),
    ("FRA", "France", "+01:00", "L", 1.1),
    ("DEU", "Germany", "+01:00", "L", 1.2),
    ("GRC", "Greece", "+02:00", "M", 1.0),
    ("HUN", "Hungary", "+01:00", "M", 1.0),
    ("ISL", "Iceland", "+00:00", "S", 0.8),
    ("ITA", "Italy", "+01:00", "L", 1.1),
    ("LVA", "Latvia", "+02:00", "M", 0.8),
    ("LTU", "Lithuania", "+02:00", "M", 0.8),
    ("LUX", "Luxembourg", "+01:00", "S", 1.0),
    ("MNE", "Montenegro", "+01:00", "S", 0.9),
    ("NLD", "Netherlands", "+01:00", "M", 1.3),
    ("MKD", "North Macedonia", "+01:00", "S", 1.0),
    ("NOR", "Norway", "+01:00", "M", 1.0),
    ("POL", "Poland", "+01:00", "L", 1.0),
    ("PRT", "Portugal", "+00:00", "M", 1.0),
    ("ROU", "Romania", "+02:00", "M", 1.2),
    ("SVK", "Slovakia", "+01:00", "M", 0.8),
    ("SVN", "Slovenia", "+01:00", "M", 0.7),
    ("ESP", "Spain", "+01:00", "L", 1.0),
    ("SWE", "Sweden", "+01:00", "M", 1.1),
    ("TUR", "Türkiye", "+03:00", "L", 1.0),
    ("GBR", "United Kingdom", "+00:00", "L", 1.2),
    ("USA", "United States", "-05:00", "L", 1.5),
]

# Members of the EU PESCO Cyber Rapid Response Teams project (participants, not observers).
EU_CRRT_MEMBERS = ["BEL", "HRV", "DNK", "EST", "LTU", "NLD", "POL", "ROU", "SVN"]
EU_MEMBERS = {
    "BEL", "BGR", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ITA", "LVA",
    "LTU", "LUX", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
}

# ───────────────────────────── size tiers ─────────────────────────────
# Host counts per group (before the nation's multiplier), sensor coverage and hardening for
# workstations (servers get more), team size and skills.
TIERS = {
    "L": dict(gov_ws=3500, gov_srv=220, gov_dc=8, gov_mail=10, mil_ws=1600, mil_srv=120, ni_gw=12,
              ni_term=200, dmz_web=30, ci_ws=650, ci_srv=50, ot_hmi=20, ot_plc=160,
              sens=0.5, hard=0.55, analysts=10, skills=(0.72, 0.68, 0.65), schedule="24x7"),
    "M": dict(gov_ws=1400, gov_srv=90, gov_dc=4, gov_mail=4, mil_ws=600, mil_srv=50, ni_gw=6,
              ni_term=80, dmz_web=12, ci_ws=280, ci_srv=24, ot_hmi=10, ot_plc=60,
              sens=0.45, hard=0.5, analysts=5, skills=(0.65, 0.6, 0.6), schedule="24x7"),
    "S": dict(gov_ws=350, gov_srv=25, gov_dc=2, gov_mail=2, mil_ws=120, mil_srv=10, ni_gw=3,
              ni_term=20, dmz_web=4, ci_ws=60, ci_srv=6, ot_hmi=4, ot_plc=16,
              sens=0.3, hard=0.4, analysts=2, skills=(0.55, 0.5, 0.5), schedule="office_hours"),
}

# Cross-border links between critical-infrastructure segments: electricity TSO data exchange
# between neighbours (market coupling, balancing). Heavily filtered.
GRID_NEIGHBOURS = [
    ("EST", "LVA"), ("LVA", "LTU"), ("LTU", "POL"), ("POL", "DEU"), ("DEU", "NLD"), ("NLD", "BEL"),
    ("BEL", "FRA"), ("FRA", "ESP"), ("ESP", "PRT"), ("FRA", "ITA"), ("ITA", "SVN"), ("SVN", "HRV"),
    ("HRV", "HUN"), ("HUN", "ROU"), ("ROU", "BGR"), ("BGR", "GRC"), ("GRC", "TUR"), ("NOR", "SWE"),
    ("SWE", "FIN"), ("FIN", "EST"), ("DNK", "DEU"), ("DNK", "SWE"), ("CZE", "DEU"), ("CZE", "SVK"),
    ("SVK", "HUN"), ("POL", "CZE"), ("ALB", "MNE"), ("MNE", "HRV"), ("MKD", "BGR"), ("MKD", "ALB"),
    ("GBR", "FRA"), ("LUX", "BEL"), ("CAN", "USA"), ("ITA", "GRC"), ("SVK", "POL"), ("GBR", "NLD"),
]


def q(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def n(x: float) -> str:
    """A probability-like number, printed short."""
    return f"{round(x, 3):g}"


def count(base: int, mult: float) -> int:
    return max(1, round(base * mult))


def idle_segments(iso: str, chunks: list[tuple[int, int]]) -> list[str]:
    """YAML lines of `--idle-x10` segments: (global chunk index, host count) per segment."""
    L = []
    for k, cnt in chunks:
        sid = f"{iso}-BENCH-IDLE{k}"
        L.append(f"      - id: {sid}")
        L.append("        kind: enterprise")
        L.append("        host_groups:")
        L.append(f"          - {{ id: {sid}-WS, count: {cnt}, role: workstation, os: windows, criticality: medium, "
                 "sensors: 0.3, hardening: 0.3, backup_interval: 1d, restore_time: 4h, data_mb_per_hour: 10 }")
    return L


def nation_block(i: int, iso: str, name: str, off: str, tier: str, mult: float,
                 idle: list[tuple[int, int]] = ()) -> tuple[str, int]:
    t = TIERS[tier]
    # A small, deterministic per-nation variation so the 32 nations are not clones.
    jitter = ((i * 7) % 5 - 2) * 0.02
    ws_s, ws_h = t["sens"] + jitter, t["hard"] + jitter
    srv_s, srv_h = min(0.9, ws_s + 0.3), min(0.85, ws_h + 0.1)
    det, con, rec = (min(0.9, s + jitter) for s in t["skills"])
    c = {k: count(v, mult) for k, v in t.items() if isinstance(v, int) and k != "analysts"}
    analysts = max(2, round(t["analysts"] * mult))
    total = sum(c.values())
    team = f"NCSIRT-{iso}"
    if tier == "L":
        policy = "{ backlog_over: 15, providers: [VCISC] }"
    elif tier == "M":
        provs = (["EU-CRRT"] if iso in EU_CRRT_MEMBERS else []) + ["NATO-RRT", "VCISC"]
        policy = f"{{ backlog_over: 6, severity_at_least: critical, providers: [{', '.join(provs)}] }}"
    else:
        policy = "{ backlog_over: 3, severity_at_least: high, providers: [NATO-RRT, BILAT-USA] }"
    L = []
    a = L.append
    a(f"  # ── {name} (tier {tier}, {total:,} hosts) ──")
    a(f"  - id: {iso}")
    a(f"    name: {q(name)}")
    a(f"    utc_offset: \"{off}\"")
    a("    team:")
    a(f"      id: {team}")
    a(f"      name: {q(f'{name} national CSIRT (fictional figures)')}")
    a(f"      analysts: {analysts}")
    a(f"      schedule: {t['schedule']}")
    a(f"      skills: {{ detect: {n(det)}, contain: {n(con)}, recover: {n(rec)} }}")
    a(f"      assistance_policy: {policy}")
    a("    segments:")

    def hg(gid, cnt, role, os_, crit, sens, hard, extra=""):
        return (f"          - {{ id: {iso}-{gid}, count: {cnt}, role: {role}, os: {os_}, "
                f"criticality: {crit}, sensors: {n(sens)}, hardening: {n(hard)}{extra} }}")

    a(f"      - id: {iso}-GOV")
    a("        kind: government")
    a("        host_groups:")
    a(hg("GOV-WS", c["gov_ws"], "workstation", "windows", "medium", ws_s, ws_h, ", backup_interval: 1d, restore_time: 3h, data_mb_per_hour: 10"))
    a(hg("GOV-SRV", c["gov_srv"], "file_server", "windows", "high", srv_s, srv_h, ", backup_interval: 12h, restore_time: 6h, data_mb_per_hour: 200"))
    a(hg("GOV-DC", c["gov_dc"], "domain_controller", "windows", "critical", 0.95, min(0.85, srv_h + 0.1), ", backup_interval: 1d, restore_time: 8h"))
    a(hg("GOV-MAIL", c["gov_mail"], "mail", "windows", "high", srv_s, srv_h, ", backup_interval: 1d, restore_time: 6h, data_mb_per_hour: 100"))
    a(f"      - id: {iso}-MIL")
    a("        kind: military")
    a("        host_groups:")
    a(hg("MIL-WS", c["mil_ws"], "workstation", "windows", "medium", min(0.9, ws_s + 0.1), min(0.85, ws_h + 0.1), ", backup_interval: 1d, restore_time: 3h"))
    a(hg("MIL-SRV", c["mil_srv"], "server", "linux", "high", srv_s, min(0.85, srv_h + 0.05), ", backup_interval: 12h, restore_time: 6h, data_mb_per_hour: 150"))
    a(f"      - id: {iso}-NI")
    a("        kind: nato_interface")
    a("        host_groups:")
    # NATO-interface gateways sit behind VPN appliances with little EDR coverage (0.6).
    a(hg("NI-GW", c["ni_gw"], "server", "linux", "critical", 0.6, 0.8, ", backup_interval: 6h, restore_time: 4h"))
    a(hg("NI-TERM", c["ni_term"], "workstation", "windows", "high", min(0.9, ws_s + 0.1), min(0.85, ws_h + 0.1), ", backup_interval: 1d, restore_time: 2h"))
    a(f"      - id: {iso}-DMZ")
    a("        kind: dmz")
    a("        host_groups:")
    a(hg("DMZ-WEB", c["dmz_web"], "web", "linux", "high", srv_s, ws_h, ", backup_interval: 1d, restore_time: 2h"))
    a(f"      - id: {iso}-CI")
    a(f"        name: {q(f'{name}: electricity operator office IT (fictional)')}")
    a("        kind: critical_infrastructure")
    a("        host_groups:")
    a(hg("CI-WS", c["ci_ws"], "workstation", "windows", "medium", max(0.1, ws_s - 0.15), max(0.2, ws_h - 0.1), ", backup_interval: 1d, restore_time: 4h"))
    a(hg("CI-SRV", c["ci_srv"], "server", "windows", "high", max(0.3, srv_s - 0.15), max(0.3, srv_h - 0.1), ", backup_interval: 1d, restore_time: 8h, data_mb_per_hour: 100"))
    a(f"      - id: {iso}-OT")
    a(f"        name: {q(f'{name}: electricity operator SCADA (fictional)')}")
    a("        kind: ot")
    a("        host_groups:")
    a(hg("OT-HMI", c["ot_hmi"], "ics", "windows", "critical", 0.5, 0.6, ", restore_time: 12h"))
    a(hg("OT-PLC", c["ot_plc"], "ics", "embedded", "critical", 0.3, 0.5, ", restore_time: 1d"))
    L.extend(idle_segments(iso, list(idle)))
    a("    services:")
    a(f"      - {{ id: {iso}-AD, name: \"Government directory\", runs_on: [{iso}-GOV-DC], quorum: 0.5, weight: 2 }}")
    a(f"      - {{ id: {iso}-MAIL, name: \"Government mail\", runs_on: [{iso}-GOV-MAIL], depends_on: [{iso}-AD] }}")
    a(f"      - {{ id: {iso}-PORTAL, name: \"Citizen e-services portal\", runs_on: [{iso}-DMZ-WEB], quorum: 0.5, weight: 2, depends_on: [{iso}-AD] }}")
    a(f"      - {{ id: {iso}-NI-MSG, name: \"NATO-interface messaging gateway\", runs_on: [{iso}-NI-GW], weight: 3 }}")
    a(f"      - {{ id: {iso}-MIL-C2, name: \"Military C2 support services\", runs_on: [{iso}-MIL-SRV], weight: 3 }}")
    a(f"      - {{ id: {iso}-CI-OPS, name: \"Electricity operator business systems (fictional)\", runs_on: [{iso}-CI-SRV], weight: 2 }}")
    a(f"      - {{ id: {iso}-GRID, name: \"Grid dispatch (SCADA) (fictional)\", runs_on: [{iso}-OT-HMI], weight: 4 }}")
    return "\n".join(L), total


HEADER = """\
# ══════════════════════════════════════════════════════════════════════════════
#  STEADFAST LATTICE 27: alliance-scale cyber defence exercise
# ══════════════════════════════════════════════════════════════════════════════
#
# GENERATED FILE: do not edit by hand. Regenerate with
#     python3 scripts/gen-alliance.py
# after editing the tables in that script (see its docstring), then validate with
#     cydex validate scenarios/alliance-exercise.yaml
#
# STORYLINE (fictional). In the last week of November, during a period of tension, three
# fictional adversaries act at once against the Alliance:
#   * OPFOR AMBER HERON (fictional, state-sponsored) exploits VPN appliances in front of
#     several Allies' NATO-interface gateways, tunnels out, dumps the directory and
#     exfiltrates military and NATO-interface documents (espionage; impact = data lost).
#   * OPFOR CRIMSON OTTER (fictional, criminal) phishes electricity operators in seven
#     nations and spreads ransomware through their office IT. It sometimes reaches
#     neighbours over TSO data-exchange links, and OT is at risk behind a filtered boundary.
#   * OPFOR VELVET MAGPIE (fictional, hacktivist) defaces government portals across the
#     eastern flank and Western Balkans, then floods the Polish and Lithuanian e-services
#     portals (DDoS).
# 32 national CSIRTs are the Training Audience. NATO's Cyber Rapid Reaction Teams, the EU
# PESCO Cyber Rapid Response Team, the NATO Virtual Cyber Incident Support Capability (VCISC)
# and one bilateral arrangement are available on request. An alliance-wide MISP community
# and several regional agreements carry indicators at different speeds and TLP ceilings.
#
# All actors, operators and events are fictional. The nations are real NATO Allies,
# identified by ISO 3166-1 alpha-3 code. Team sizes, skills and host counts are invented
# scenario parameters, not national capabilities.
#
# HSEEP TYPE: full-scale exercise (FSE), cooperative mode (Cyber Coalition-like): no league
# table. Shared outcomes, information sharing and procedure adherence are scored.
# Vocabulary: EXCON (the White Cell) runs the MEL/MIL (the HSEEP MSEL), the SIMCELL plays
# media, operators, vendors and governments, and OPFOR (Red) is the campaigns section.
#
# HOW TO RUN
#   cydex validate scenarios/alliance-exercise.yaml
#   cydex run scenarios/alliance-exercise.yaml   # simulate it (`cydex run --help` for seeds)
#
# SIZE: {nations} nations, {segments} segments, {groups} host groups, {hosts:,} hosts,
# {services} services, {links} links, {campaigns} campaigns, {injects} MSEL injects,
# {objectives} objectives.
#
# TUNING. Each campaign family should plausibly reach its impact: AMBER HERON and CRIMSON
# OTTER are races between fast, quiet kill chains and the national CSIRTs (roughly a coin
# toss each), VELVET MAGPIE's defacements and floods land most of the time.
# MEASURED with the engine over seeds 1–20 (`cydex run scenarios/alliance-exercise.yaml
# --seed N`, release build, about 0.01 s of CPU a run):
#   * AMBER HERON (CAMP-ESP) exfiltrates in 9 of 20 seeds (45%; 22 of 40, 55%, over seeds
#     21–60), 1–2 hosts (3 in one seed of 21–60), first exfiltration T+10h45m to T+25h15m
#     (median T+14h30m); otherwise stopped at exfil, collect-shares or lateral. 8–10 hosts
#     compromised.
#   * CRIMSON OTTER (CAMP-RW) encrypts electricity-operator hosts in 6 of 20 seeds (30%; 19
#     of 40, 48%, over seeds 21–60), first encryption T+30h to T+32h45m (median T+32h15m),
#     1–7 hosts; otherwise stopped between lateral movement and encryption, most often just
#     before encrypting (11 of the 14). 9–37 distinct hosts compromised (median 20; one
#     re-infection in one seed). No outbreak runs away in seeds 1–60: the worst case is 38
#     distinct hosts (seed 38) and 7 encrypted (seed 13, also the most events: 2,153).
#   * VELVET MAGPIE: defacements in 20 of 20 seeds (40 of 40 over seeds 21–60; 1–7 portals,
#     from T+8h). The Polish flood (started by MSEL-004 at T+8h) and the Lithuanian flood
#     (T+2d) disrupt their portals in every seed, in the first tick or two of the campaign
#     (the third tick for LTU in 2 seeds; in seeds 21–60 the third tick once each).
#   * 19–20 nations hit; 6–8 assistance requests per seed (median 7): MNE, ALB and MKD ask
#     the NATO RRT or the US bilateral team on the severity rule (MNE again through MSEL-021
#     at T+4d in 13 of 20 seeds), EST and ROU on severity too, one getting the EU CRRT and
#     the other VCISC (the NATO RRT in 2 seeds), NOR VCISC (the NATO RRT in 4 seeds), and
#     LTU asks VCISC on backlog in 3 seeds when the ransomware outbreak reaches it (NLD in 3
#     of 40 over seeds 21–60; BEL never).
#   * ratings: OBJ-1, OBJ-2, OBJ-3, OBJ-5, OBJ-6, OBJ-8, OBJ-9 and OBJ-11 P in every seed
#     (OBJ-1 S in 2 and OBJ-9 S in 1 of seeds 21–60); OBJ-4 P 19 / U 1 (1 of 37 incidents
#     not recovered by ENDEX); OBJ-9 holds with up to 8 GB stolen (12 GB over seeds 21–60);
#     OBJ-10 P 14 / U 6 (U whenever CRIMSON OTTER encrypts); OBJ-7 U in every seed (LTU asks
#     for help in only 3 seeds of 20, after 1d4h to 1d13h against a 6h target). OBJ-2 holds
#     because sharing is timed from a nation's first detection to its decision to send,
#     which is immediate.
#   * events: median 1,904 a run (1,788–2,153; 1,780–2,132 over seeds 21–60).
#
# Engine semantics the parameters are tuned against (see docs/scenario-format.md §18.2 and
# the module docs in src/sim/*.rs):
#   sensors are coverage: exactly ceil(sensors × count) hosts of a group carry a sensor
#   per-attempt success   = probability × (1 − hardening × (1 − sophistication))
#   lateral pick lands    = probability × (1 − filtering, if across a link)
#                           × (1 − hardening_victim × (1 − sophistication))
#   per-tick detection    = detect × (1 − stage stealth) × intel on a covered host, intel = 2
#                           once the nation holds the campaign's indicators (from its own
#                           first detection, a partner or an inject); first tried the tick
#                           after compromise (with 15-minute ticks, stealth 0.6 on a covered
#                           host is found within about an hour). An uncovered host is found
#                           only by a visible impact or by an indicator sweep at
#                           detect × (1 − stealth).
#   containment stops one host; incidents queue on the team, one per analyst
#   host counts are distinct hosts; re-infections are counted apart
#
# yaml-language-server: $schema=../cydex.schema.json

cydex: 1

exercise:
  id: STEADFAST-LATTICE-27
  title: "Steadfast Lattice 2027: alliance cyber defence exercise (fictional)"
  description: >-
    A fictional state-sponsored actor steals NATO-interface and military documents, a
    criminal group encrypts electricity operators in seven Allies, and hacktivists deface and
    flood government portals. 32 national CSIRTs detect, contain and recover, share
    indicators across the Alliance and request NATO, EU and VCISC assistance.
  type: full_scale
  mode: cooperative
  tlp: "TLP:GREEN"
  attack_version: "18.1"
  startex: "2027-11-29T07:00:00Z"   # Monday 08:00 CET
  sponsor: "cydex example scenarios (fictional sponsor)"
  poc: "EXCON exercise director (fictional), excon@cydex.invalid"

clock:
  tick: 15m          # coarse enough for 100,000+ hosts over five days (480 ticks)
  duration: 5d       # ENDEX Saturday 07:00 UTC
"""

OBJECTIVES = """
# ──────────────────────────────────────────────────────────────────────────────
#  OBJECTIVES: SMART; scope is a nation id, team id, provider id or `alliance`
# ──────────────────────────────────────────────────────────────────────────────
objectives:
  - id: OBJ-1
    text: "Allies detect the AMBER HERON intrusion within 12 hours of each compromise (mean)."
    capability: "Cybersecurity: detection and analysis"
    metric: time_to_detect
    target: 12h
    scope: alliance
    campaign: CAMP-ESP
    pledge: [I, IV]
    csf: [DE.CM, DE.AE]
  - id: OBJ-2
    text: "Indicators of every campaign reach partner nations within 4 hours of first detection."
    capability: "Intelligence and information sharing"
    metric: time_to_share_indicators
    target: 4h
    scope: alliance
    pledge: [IV]
    csf: [RS.CO]
  - id: OBJ-3
    text: "Ransomware incidents at electricity operators are contained within 12 hours of detection."
    capability: "Cybersecurity: containment"
    metric: time_to_contain
    target: 12h
    scope: alliance
    campaign: CAMP-RW
    pledge: [VI]
    csf: [RS.MI, RS.MA]
  - id: OBJ-4
    text: "Encrypted electricity-operator systems are restored within 24 hours of detection."
    capability: "Cybersecurity: recovery"
    metric: time_to_recover
    target: 24h
    scope: alliance
    campaign: CAMP-RW
    pledge: [VII]
    csf: [RC.RP]
  - id: OBJ-5
    text: "Criticality-weighted availability of all services across the Alliance stays at or above 97%."
    capability: "Operational coordination: continuity of essential services"
    metric: service_availability
    target: 0.97
    scope: alliance
    pledge: [I, VII]
    csf: [RC.RP, PR.IR]
  - id: OBJ-6
    text: "Romania keeps its electricity operator's business systems available at least 90% of the exercise."
    capability: "Critical infrastructure: continuity"
    metric: service_availability
    target: "90%"
    scope: ROU
    service: ROU-CI-OPS
    pledge: [VII]
    csf: [RC.RP]
  - id: OBJ-7
    text: "Lithuania requests assistance within 6 hours of first detecting an incident."
    capability: "Operational coordination: escalation and mutual assistance"
    metric: time_to_request_assistance
    target: 6h
    scope: LTU
    pledge: [III]
    csf: [GV.RR, RS.CO]
  - id: OBJ-8
    text: "The EU CRRT is on task within 72 hours of a request (the project's published response goal)."
    capability: "Operational coordination: mutual assistance"
    metric: time_to_assistance
    target: 72h
    scope: EU-CRRT
    pledge: [III]
    csf: [RS.CO]
  - id: OBJ-9
    text: "Less than 10 GB of data is exfiltrated by AMBER HERON by ENDEX."
    capability: "Cybersecurity: protection of sensitive information"
    metric: data_lost
    target: 10000                # megabytes
    scope: alliance
    campaign: CAMP-ESP
    pledge: [I, IV]
    csf: [RS.MI, PR.DS]
  - id: OBJ-10
    text: "The ransomware campaign is stopped before it encrypts electricity operator systems."
    capability: "Cybersecurity: containment"
    metric: stopped_before_impact
    target: true
    scope: alliance
    campaign: CAMP-RW
    pledge: [VI]
    csf: [RS.MI]
  - id: OBJ-11
    text: "Fewer than 1,500 hosts are compromised across all campaigns by ENDEX."
    capability: "Cybersecurity: containment"
    metric: hosts_compromised
    target: 1500
    scope: alliance
    pledge: [VI]
    csf: [RS.MI, DE.CM]
"""

ASSISTANCE = """
# ──────────────────────────────────────────────────────────────────────────────
#  ASSISTANCE: every latency is a SCENARIO PARAMETER
# ──────────────────────────────────────────────────────────────────────────────
# NATO's RRT approval and deployment figures are not public. The EU CRRT's 72-hour response
# goal is public, but its internal split is not. VCISC depends on volunteering Allies.
assistance:
  - id: NATO-RRT
    name: "NATO Cyber Rapid Reaction Teams (NCIRC)"
    kind: nato_rrt
    approval: 6h
    deployment: 12h
    deploy_mode: on_site
    on_task: 3d
    size: 6
    skills: { detect: 0.8, contain: 0.85, recover: 0.7 }
    max_concurrent: 2
    offers: [incident_response, forensics, malware_analysis]
  - id: EU-CRRT
    name: "EU PESCO Cyber Rapid Response Team (rotation on standby)"
    kind: eu_crrt
    approval: 12h
    deployment: 1d12h          # within the project's published 72-hour response goal
    deploy_mode: on_site
    on_task: 3d
    size: 8
    skills: { detect: 0.75, contain: 0.8, recover: 0.7 }
    max_concurrent: 1
    offers: [incident_response, forensics]
    serves: [{eu_crrt}]
  - id: VCISC
    name: "NATO Virtual Cyber Incident Support Capability"
    kind: vcisc
    approval: 2h
    deployment: 4h
    deploy_mode: remote
    on_task: 2d
    size: 5
    skills: { detect: 0.8, contain: 0.6, recover: 0.5 }
    max_concurrent: 4
    offers: [malware_analysis, threat_intelligence, forensics]
  - id: BILAT-USA
    name: "Bilateral support from the United States (fictional arrangement)"
    kind: bilateral
    approval: 1d
    deployment: 1d
    deploy_mode: on_site
    on_task: 3d
    size: 4
    skills: { detect: 0.8, contain: 0.8, recover: 0.65 }
    max_concurrent: 2
    offers: [incident_response, threat_intelligence]
    serves: [ALB, ISL, LUX, MNE, MKD]
"""

SHARING = """
# ──────────────────────────────────────────────────────────────────────────────
#  SHARING: one alliance-wide community plus regional agreements
# ──────────────────────────────────────────────────────────────────────────────
# Campaign TLPs: AMBER HERON and CRIMSON OTTER indicators are TLP:AMBER; VELVET MAGPIE's
# are TLP:CLEAR. An agreement carries a campaign's indicators only if the campaign's TLP
# is no more restrictive than the agreement's ceiling. The EU CSIRTs Network channel below
# (ceiling GREEN) therefore carries only the hacktivist indicators.
sharing:
  - id: NATO-MISP
    between: [{all}]
    latency: 6h                 # alliance-wide, vetted by the NCIRC coordination centre
    tlp_ceiling: "TLP:AMBER"
  - id: EU-CSIRTS-NETWORK
    between: [{eu}]
    latency: 4h
    tlp_ceiling: "TLP:GREEN"
  - id: BALTIC-CTI
    between: [EST, LVA, LTU]
    latency: 1h
    tlp_ceiling: "TLP:AMBER+STRICT"
  - id: NORDIC-CTI
    between: [DNK, FIN, ISL, NOR, SWE]
    latency: 2h
    tlp_ceiling: "TLP:AMBER+STRICT"
  - id: EASTERN-FLANK
    between: [BGR, CZE, EST, HUN, LVA, LTU, POL, ROU, SVK]
    latency: 3h
    tlp_ceiling: "TLP:AMBER"
  - id: ATLANTIC
    between: [CAN, GBR, USA]
    latency: 1h
    tlp_ceiling: "TLP:RED"
  - id: WESTERN-BALKANS
    between: [ALB, HRV, MNE, MKD, SVN]
    latency: 4h
    tlp_ceiling: "TLP:AMBER"
"""

CAMPAIGNS = """
# ──────────────────────────────────────────────────────────────────────────────
#  CAMPAIGNS: the OPFOR plan (five concurrent campaigns, three actors)
# ──────────────────────────────────────────────────────────────────────────────
campaigns:
  # 1. State-sponsored espionage against NATO-interface and military networks.
  # The footholds are NATO-interface gateways (sensors 0.6, teams detect 0.65–0.75), so a
  # stage at stealth 0.9 would be found within a few hours. A careful state actor stays in
  # the 0.93–0.99 band and moves fast once in (hours per stage, not days): with 8 footholds
  # that makes exfiltration about a coin toss.
  - id: CAMP-ESP
    name: "Operation SILENT ORCHARD (fictional)"
    actor: { name: "OPFOR AMBER HERON (fictional)", kind: state_sponsored, sophistication: 0.8 }
    start: 3h
    tlp: "TLP:AMBER"
    targets:
      segment_kinds: [nato_interface, military, government]
      criticality_at_least: high          # servers, mail, DCs, gateways: where the documents are
    entry:
      technique: T1133                    # External Remote Services (VPN appliances)
      host_groups: [USA-NI-GW, GBR-NI-GW, DEU-NI-GW, POL-NI-GW, NOR-NI-GW, EST-NI-GW, ROU-NI-GW, TUR-NI-GW]
      footholds: 8                        # one per listed group
    stages:
      - { id: tunnel, tactic: TA0011, technique: T1572, probability: 0.7, cadence: 1h, stealth: 0.99 }            # Protocol Tunneling
      - { id: account-discovery, tactic: TA0007, technique: T1087.002, probability: 0.7, cadence: 1h, stealth: 0.97 }  # Domain Account
      - { id: dcsync, tactic: TA0006, technique: T1003.006, probability: 0.5, cadence: { exponential: { mean: 2h } }, stealth: 0.95 }  # DCSync
      - id: lateral
        tactic: TA0008
        technique: T1021.001              # Remote Desktop Protocol with stolen credentials
        probability: 0.4
        cadence: { exponential: { mean: 2h } }
        stealth: 0.93
        lateral: { reach: linked, fanout: 1 }
      - { id: collect-shares, tactic: TA0009, technique: T1039, probability: 0.6, cadence: 2h, stealth: 0.95 }    # Data from Network Shared Drive
      - id: exfil
        tactic: TA0010
        technique: T1048.002              # Exfiltration Over Asymmetric Encrypted Non-C2 Protocol
        probability: 0.5
        cadence: { uniform: { min: 1h, max: 4h } }
        stealth: 0.93
        effect: { exfiltrate: { mb_per_host: 4000 } }  # a gateway's or file server's document store

  # 2. Criminal ransomware against electricity operators' office IT.
  # A modern affiliate: quiet loader and persistence (0.9), then noisier credential dumping
  # and lateral movement (0.75–0.8) on a fast cadence, so each foothold reaches encryption
  # within about a day unless its operator's CSIRT finds and contains it first. RDP with
  # fanout 2 inside the segment makes the outbreak grow faster than a small team can
  # contain it once it gets going.
  - id: CAMP-RW
    name: "Operation BLACKOUT LEDGER (fictional)"
    actor: { name: "OPFOR CRIMSON OTTER (fictional)", kind: criminal, sophistication: 0.55 }
    start: 1d
    tlp: "TLP:AMBER"
    targets:
      segment_kinds: [critical_infrastructure]
    entry:
      technique: T1566.001                # Spearphishing Attachment
      host_groups: [LTU-CI-WS, POL-CI-WS, ROU-CI-WS, DEU-CI-WS, ITA-CI-WS, NLD-CI-WS, CAN-CI-WS]
      footholds: 7
    stages:
      - { id: loader, tactic: TA0002, technique: T1059.001, probability: 0.8, cadence: 15m, stealth: 0.9 }      # PowerShell
      - { id: persist, tactic: TA0003, technique: T1053.005, probability: 0.8, cadence: 30m, stealth: 0.9 }      # Scheduled Task
      - { id: cred-dump, tactic: TA0006, technique: T1003.001, probability: 0.5, cadence: { exponential: { mean: 1h } }, stealth: 0.8 }  # LSASS Memory
      - id: lateral-rdp
        tactic: TA0008
        technique: T1021.001              # Remote Desktop Protocol
        probability: 0.4
        cadence: { exponential: { mean: 1h } }
        stealth: 0.8
        lateral: { reach: segment, fanout: 2 }
      - id: lateral-smb
        tactic: TA0008
        technique: T1021.002              # SMB/Windows Admin Shares: may cross to neighbours and OT
        probability: 0.35
        cadence: { exponential: { mean: 1h } }
        stealth: 0.75
        lateral: { reach: linked, fanout: 1 }
      - { id: disable-av, tactic: TA0005, technique: T1562.001, probability: 0.7, cadence: 30m, stealth: 0.7 }     # Disable or Modify Tools
      - { id: inhibit-recovery, tactic: TA0040, technique: T1490, probability: 0.7, cadence: 30m, stealth: 0.6 }  # Inhibit System Recovery
      - { id: encrypt, tactic: TA0040, technique: T1486, probability: 0.7, cadence: { uniform: { min: 30m, max: 2h } }, stealth: 0.5, effect: encrypt }

  # 3. Hacktivist defacement of government portals (eastern flank and Western Balkans).
  - id: CAMP-HKT-DEFACE
    name: "#OpLattice defacements (fictional)"
    actor: { name: "OPFOR VELVET MAGPIE (fictional)", kind: hacktivist, sophistication: 0.3 }
    start: 6h
    tlp: "TLP:CLEAR"
    targets:
      segment_kinds: [dmz]
    entry:
      technique: T1190                    # Exploit Public-Facing Application (unpatched CMS)
      host_groups: [EST-DMZ-WEB, LVA-DMZ-WEB, LTU-DMZ-WEB, POL-DMZ-WEB, CZE-DMZ-WEB, ROU-DMZ-WEB, FIN-DMZ-WEB, MNE-DMZ-WEB, ALB-DMZ-WEB, MKD-DMZ-WEB, GBR-DMZ-WEB, FRA-DMZ-WEB]
      footholds: 12
    stages:
      - { id: web-shell, tactic: TA0003, technique: T1505.003, probability: 0.6, cadence: 1h, stealth: 0.6 }     # Web Shell
      - { id: deface, tactic: TA0040, technique: T1491.002, probability: 0.8, cadence: 1h, stealth: 0.0, effect: deface }  # External Defacement

  # 4–5. Hacktivist DDoS. cydex models a flood as a campaign whose footholds are the
  # targeted front ends (the botnet is outside the modelled networks). Its impact stage
  # disrupts the named service for a time. Detecting and containing a front-end host does
  # not stop traffic that comes from outside, so the flood is fast (probability 0.9 every
  # 15-minute tick: it lands in the first tick or two) and its "host" has little to find
  # (stealth 0.5: no implant, only load).
  - id: CAMP-HKT-DDOS-POL
    name: "#OpLattice flood on Polish e-services (fictional)"
    actor: { name: "OPFOR VELVET MAGPIE (fictional)", kind: hacktivist, sophistication: 0.3 }
    # No `start`: MSEL-004 (the group's announcement) starts it.
    tlp: "TLP:CLEAR"
    targets: { segments: [POL-DMZ] }
    entry: { technique: T1190, host_groups: [POL-DMZ-WEB], footholds: 3 }
    stages:
      - id: flood
        tactic: TA0040
        technique: T1498.001              # Network Denial of Service: Direct Network Flood
        probability: 0.9
        cadence: 15m
        stealth: 0.5                      # no implant to find: the load comes from outside
        effect: { disrupt: { service: POL-PORTAL, for: 6h } }
  - id: CAMP-HKT-DDOS-LTU
    name: "#OpLattice flood on Lithuanian e-services (fictional)"
    actor: { name: "OPFOR VELVET MAGPIE (fictional)", kind: hacktivist, sophistication: 0.3 }
    start: 2d
    tlp: "TLP:CLEAR"
    targets: { segments: [LTU-DMZ] }
    entry: { technique: T1190, host_groups: [LTU-DMZ-WEB], footholds: 2 }
    stages:
      - id: flood
        tactic: TA0040
        technique: T1499.002              # Endpoint Denial of Service: Service Exhaustion Flood
        probability: 0.9
        cadence: 15m
        stealth: 0.5                      # as above
        effect: { disrupt: { service: LTU-PORTAL, for: 4h } }
"""

MSEL = """
# ──────────────────────────────────────────────────────────────────────────────
#  MSEL (NATO MEL/MIL): scheduled (`at`) and triggered (`trigger`) injects
# ──────────────────────────────────────────────────────────────────────────────
msel:
  - id: MSEL-001
    at: 0s
    from: "EXCON:director"
    to: all
    type: information
    delivery: handout
    title: "STARTEX: situation brief and rules of play"
    text: "Period of tension. National CSIRTs operate normally; NATO-MISP and regional channels are live."
    expected_action: "Confirm national points of contact to EXCON."
  - id: MSEL-002
    at: 2h
    from: "SIMCELL:nato_intelligence"
    to: all
    type: information
    delivery: email
    title: "Threat assessment: heightened hacktivist and state activity expected"
    text: "Open sources announce #OpLattice; intelligence warns of VPN appliance exploitation."
    expected_action: "Review exposure of VPN appliances and public portals; raise monitoring."
  - id: MSEL-003
    trigger: { event: first_compromise, campaign: CAMP-ESP, delay: 10h }
    from: "SIMCELL:nsm_sensor"
    to: NCSIRT-EST
    type: technical
    delivery: siem_alert
    title: "NSM alert: long-lived encrypted tunnel from the NATO-interface VPN appliance"
    text: "Low-confidence alert: an SSH-over-HTTPS tunnel from the VPN appliance to a hosting provider."
    expected_action: "Triage; check appliance integrity; report to NCIRC if confirmed."
    objectives: [OBJ-1]
  - id: MSEL-004
    at: 8h
    from: "SIMCELL:social_media"
    to: all
    type: social_media
    delivery: chat
    title: "VELVET MAGPIE announces a flood on Polish e-services"
    text: "The group posts a target list and a start time on its channel."
    expected_action: "Coordinate DDoS mitigation with upstream providers; prepare public messaging."
    effects:
      - start_campaign: { campaign: CAMP-HKT-DDOS-POL }
  - id: MSEL-005
    trigger: { event: impact, campaign: CAMP-HKT-DEFACE, delay: 30m }
    from: "SIMCELL:national_media"
    to: all
    type: media
    delivery: phone
    title: "Media inquiries about defaced ministry websites"
    text: "Journalists in several nations ask about defaced government sites showing anti-NATO slogans."
    expected_action: "Restore the sites; issue a coordinated holding statement."
  - id: MSEL-006
    trigger: { event: first_detection, campaign: CAMP-ESP, delay: 1h }
    from: "SIMCELL:ncirc_cc"
    to: all
    type: request
    delivery: email
    title: "NCIRC asks all Allies for situation reports on VPN appliance compromise"
    text: "One Ally reports a compromised VPN appliance in front of its NATO-interface gateway."
    expected_action: "Hunt nationally; report within 4 hours; share indicators on NATO-MISP."
    objectives: [OBJ-2]
  - id: MSEL-007
    at: 20h
    from: "SIMCELL:energy_isac"
    to: all
    type: information
    delivery: email
    title: "Energy ISAC warns of phishing against electricity operators"
    text: "Lures impersonate the regulator's winter-readiness survey."
    expected_action: "Pass the warning to national operators; check mail filtering."
  - id: MSEL-008
    trigger: { event: first_detection, campaign: CAMP-RW, delay: 30m }
    from: "SIMCELL:operator_soc"
    to: all
    type: technical
    delivery: siem_alert
    title: "Operator SOC: LSASS access and PsExec on office servers"
    text: "An operator's EDR flags credential dumping followed by service creation over SMB."
    expected_action: "Declare an incident; isolate affected segments; protect the IT/OT boundary."
    objectives: [OBJ-3]
  - id: MSEL-009
    trigger: { event: impact, campaign: CAMP-RW, delay: 15m }
    from: "SIMCELL:operator_helpdesk"
    to: all
    type: technical
    delivery: ticket
    title: "Ransom note at an electricity operator"
    text: "Billing and customer systems encrypted; the note threatens to publish grid data."
    expected_action: "Activate recovery; inform the regulator; consider requesting assistance."
    objectives: [OBJ-4, OBJ-10]
  - id: MSEL-010
    trigger: { event: impact, campaign: CAMP-RW, delay: 2h }
    from: "SIMCELL:operator_romania"
    to: ROU
    type: event
    delivery: phone
    title: "Romanian operator switches grid dispatch to manual operation"
    text: "As a precaution the operator disconnects SCADA from office IT for 4 hours."
    expected_action: "Support the operator; coordinate with the TSO and the regulator."
    objectives: [OBJ-6]
    effects:
      - service_down: { service: ROU-GRID, for: 4h }
  - id: MSEL-011
    trigger: { event: assistance_requested }
    from: "SIMCELL:nato_hq"
    to: all
    type: information
    delivery: email
    title: "First assistance request of the exercise received"
    text: "The request is routed for approval; providers confirm readiness."
    expected_action: "Requesting nation prepares a liaison, access and a SITREP for the team."
  - id: MSEL-012
    trigger: { event: assistance_on_task, nation: LTU }
    from: "SIMCELL:assistance_team"
    to: NCSIRT-LTU
    type: information
    delivery: verbal
    title: "Assistance team on task in Lithuania"
    text: "The team lead asks for EDR console access, network diagrams and a local liaison."
    expected_action: "Integrate the team; agree containment priorities."
    objectives: [OBJ-7]
  - id: MSEL-013
    at: 1d12h
    from: "SIMCELL:government_romania"
    to: ROU
    type: event
    delivery: phone
    title: "Romanian government requests the EU Cyber Rapid Response Team"
    text: "The government activates the PESCO CRRT for the energy sector."
    expected_action: "Send the request through the PESCO channel with a SITREP."
    objectives: [OBJ-8]
    effects:
      - request_assistance: { nation: ROU, provider: EU-CRRT }
  - id: MSEL-014
    at: 2d
    from: "EXCON:director"
    to: NCSIRT-POL
    type: event
    delivery: verbal
    title: "Poland mobilises cyber reservists"
    text: "Three reservist analysts join the national CSIRT for the rest of the exercise."
    expected_action: "Integrate the reservists into shifts."
    effects:
      - team_capacity: { team: NCSIRT-POL, analysts: 3 }
  - id: MSEL-015
    at: 2d6h
    from: "SIMCELL:ncirc_cc"
    to: all
    type: contingency
    delivery: email
    title: "CONTINGENCY: joint advisory on AMBER HERON"
    text: >-
      Held in reserve to steer play: if the espionage campaign is not yet widely detected,
      NCIRC publishes a joint advisory with indicators. In simulation it always fires.
    expected_action: "Sweep for the indicators in every national network."
    objectives: [OBJ-1, OBJ-9]
    effects:
      - share_indicators: { campaign: CAMP-ESP, to: [{all}] }
  - id: MSEL-016
    at: 2d12h
    from: "EXCON:director"
    to: all
    type: contingency
    delivery: email
    title: "CONTINGENCY: ransomware indicators from a law-enforcement takedown"
    text: "Police seize a CRIMSON OTTER server and share its indicators with targeted nations."
    expected_action: "Hunt for the indicators at national electricity operators."
    objectives: [OBJ-3]
    effects:
      - share_indicators: { campaign: CAMP-RW, to: [LTU, POL, ROU, DEU, ITA, NLD, CAN] }
  - id: MSEL-017
    at: 3d
    from: "SIMCELL:social_media"
    to: all
    type: social_media
    delivery: chat
    title: "Disinformation: claims of nationwide blackouts"
    text: "Fabricated screenshots claim blackouts in three Baltic capitals."
    expected_action: "Coordinate fact-based public messaging with national StratCom."
  - id: MSEL-018
    trigger: { event: inject_delivered, inject: MSEL-017, delay: 2h }
    from: "SIMCELL:international_media"
    to: all
    type: media
    delivery: phone
    title: "International media ask NATO to confirm a cyber attack on power grids"
    text: "A wire service asks for comment within the hour."
    expected_action: "Agree a line to take with NATO PDD; do not disclose TLP:AMBER details."
  - id: MSEL-019
    at: 3d6h
    from: "EXCON:director"
    to: NCSIRT-EST
    type: event
    delivery: verbal
    title: "Fatigue: an Estonian analyst is stood down"
    text: "After three days of high tempo one analyst is sent home."
    expected_action: "Re-plan shifts; consider VCISC or CRRT support."
    effects:
      - team_capacity: { team: NCSIRT-EST, analysts: -1 }
  - id: MSEL-020
    at: 3d12h
    from: "SIMCELL:nato_ncia"
    to: DEU
    type: event
    delivery: email
    title: "Emergency re-keying of the German NATO-interface gateway"
    text: "After the espionage findings, the gateway is re-keyed and offline for 3 hours."
    expected_action: "Arrange alternative NATO communications during the outage."
    effects:
      - service_down: { service: DEU-NI-MSG, for: 3h }
  - id: MSEL-021
    at: 4d
    from: "SIMCELL:government_montenegro"
    to: MNE
    type: event
    delivery: phone
    title: "Montenegro requests the NATO RRT"
    text: "With a small team stretched by defacements, the government requests NATO support."
    expected_action: "Send the request with a SITREP and points of contact."
    effects:
      - request_assistance: { nation: MNE, provider: NATO-RRT }
  - id: MSEL-022
    at: 4d12h
    from: "SIMCELL:north_atlantic_council"
    to: all
    type: request
    delivery: email
    title: "Strategic decision: national positions on attribution requested"
    text: "The Council asks Allies for national assessments on attributing the campaigns."
    expected_action: "Provide an assessment with confidence levels through national channels."
  - id: MSEL-023
    at: 4d23h
    from: "EXCON:director"
    to: all
    type: information
    delivery: email
    title: "ENDEX in one hour: final SITREPs"
    text: "Record open incidents, restoration status and lessons identified for the AAR."
    expected_action: "Submit final SITREPs to EXCON."
"""

IDLE_BANNER = """\
# ══════════════════════════════════════════════════════════════════════════════
#  BENCHMARK VARIANT: the alliance exercise with {factor}x its hosts added as idle hosts
# ══════════════════════════════════════════════════════════════════════════════
#
# GENERATED FILE: do not edit by hand. Regenerate with
#     python3 scripts/gen-alliance.py --idle-x10
# This is scenarios/alliance-exercise.yaml (below, unchanged) plus {idle:,} idle workstations
# ({factor} x {total:,}) in {segments} new `enterprise` segments <N>-BENCH-IDLE<k> of at most
# {chunk:,} hosts, segment k in nation k mod 32, the layout of `synthetic::add_idle_hosts`. No
# link reaches them and no campaign enters them, so they stay idle for the whole run. It is the
# whole-process half of goal G5 of BENCHMARKS.md (idle hosts cost next to nothing):
#     hyperfine -N 'cydex run scenarios/alliance-exercise.yaml -q' \\
#                  'cydex run scenarios/bench/alliance-idle-x10.yaml -q'
#
"""

SCORING = """
# ──────────────────────────────────────────────────────────────────────────────
#  SCORING: cooperative mode, so no league table
# ──────────────────────────────────────────────────────────────────────────────
# Weights are relative (normalised to 100) and an ENGINE CONVENTION, not an official Locked
# Shields split. Reporting weighs more here because Cyber Coalition-style exercises centre on
# information sharing. The P/S/M/U thresholds are an engine rule on top of HSEEP's
# qualitative definitions.
scoring:
  weights: { availability: 25, attack_resistance: 25, incident_response: 25, reporting: 25 }
  ratings: { some_challenges: 1.5, major_challenges: 3.0 }
"""


def idle_chunks(total: int) -> list[list[tuple[int, int]]]:
    """Per nation, the `--idle-x10` segments (global index, count): IDLE_FACTOR x `total` hosts
    in segments of at most IDLE_CHUNK, segment k going to nation k mod 32."""
    per_nation: list[list[tuple[int, int]]] = [[] for _ in NATIONS]
    left, k = IDLE_FACTOR * total, 0
    while left > 0:
        cnt = min(left, IDLE_CHUNK)
        per_nation[k % len(NATIONS)].append((k, cnt))
        left -= cnt
        k += 1
    return per_nation


def build(idle: bool = False) -> str:
    isos = [row[0] for row in NATIONS]
    all_list = ", ".join(isos)
    eu_list = ", ".join(i for i in isos if i in EU_MEMBERS)
    total = sum(nation_block(i, *row)[1] for i, row in enumerate(NATIONS))
    chunks = idle_chunks(total) if idle else [[] for _ in NATIONS]
    blocks = [nation_block(i, *row, idle=chunks[i])[0] for i, row in enumerate(NATIONS)]
    n_idle = sum(len(c) for c in chunks)
    idle_hosts = sum(cnt for c in chunks for _, cnt in c)
    nations = (
        "\n# ──────────────────────────────────────────────────────────────────────────────\n"
        "#  NATIONS: 32 Allies, generated from the NATIONS and TIERS tables\n"
        "# ──────────────────────────────────────────────────────────────────────────────\n"
        "# Each nation has the same layout; the tier (L, M, S) and a multiplier set the sizes:\n"
        "#   <N>-GOV  government: workstations, file servers, domain controllers, mail\n"
        "#   <N>-MIL  military support network: workstations, servers\n"
        "#   <N>-NI   NATO-interface segment: gateway servers, terminals\n"
        "#   <N>-DMZ  internet-facing e-services (hacktivist targets)\n"
        "#   <N>-CI   electricity operator office IT (ransomware target)\n"
        "#   <N>-OT   electricity operator SCADA: HMIs (Windows) and PLCs (embedded)\n"
        "# Tier S nations have small, office-hours teams and ask for help early (NATO RRT or the\n"
        "# bilateral arrangement). Tier M nations ask at a moderate backlog or on a critical\n"
        "# host (EU CRRT first if they take part in the PESCO project). Tier L nations only\n"
        "# ask VCISC, at a large backlog.\n"
        "nations:\n" + "\n\n".join(blocks) + "\n"
    )
    # links
    L = [
        "",
        "# ──────────────────────────────────────────────────────────────────────────────",
        "#  LINKS",
        "# ──────────────────────────────────────────────────────────────────────────────",
        "# National links (per nation): DMZ–GOV 0.6, NI–GOV 0.7, NI–MIL 0.8, GOV–MIL 0.9,",
        "# GOV–CI 0.9 (regulator reporting), CI–OT 0.95 (IT/OT boundary).",
        "# Cross-border: the NATO interface network is a star through the Belgian NI segment",
        "# (NATO HQ and SHAPE are in Belgium), filtering 0.9. Neighbouring electricity operators",
        "# exchange TSO data over links with filtering 0.95.",
        "links:",
    ]
    for iso in isos:
        L.append(f"  # {iso}")
        for a_, b_, f in (("DMZ", "GOV", 0.6), ("NI", "GOV", 0.7), ("NI", "MIL", 0.8),
                          ("GOV", "MIL", 0.9), ("GOV", "CI", 0.9), ("CI", "OT", 0.95)):
            L.append(f"  - {{ between: [{iso}-{a_}, {iso}-{b_}], filtering: {f} }}")
    L.append("  # NATO interface network (star through BEL-NI)")
    for iso in isos:
        if iso != "BEL":
            L.append(f"  - {{ between: [BEL-NI, {iso}-NI], filtering: 0.9 }}")
    L.append("  # cross-border electricity data exchange between neighbours")
    for a_, b_ in GRID_NEIGHBOURS:
        L.append(f"  - {{ between: [{a_}-CI, {b_}-CI], filtering: 0.95 }}")
    links = "\n".join(L) + "\n"
    n_links = sum(1 for x in L if x.startswith("  - "))

    sharing = SHARING.replace("{all}", all_list).replace("{eu}", eu_list)
    assistance = ASSISTANCE.replace("{eu_crrt}", ", ".join(EU_CRRT_MEMBERS))
    msel = MSEL.replace("{all}", all_list)
    header = HEADER.format(
        nations=len(NATIONS), segments=6 * len(NATIONS) + n_idle, groups=13 * len(NATIONS) + n_idle,
        hosts=total + idle_hosts,
        services=7 * len(NATIONS), links=n_links, campaigns=CAMPAIGNS.count("\n  - id: CAMP-"),
        injects=msel.count("\n  - id: MSEL-"), objectives=OBJECTIVES.count("\n  - id: OBJ-"),
    )
    if idle:
        # One directory deeper: the schema at the repository root is two levels up.
        header = header.replace("$schema=../cydex.schema.json", "$schema=../../cydex.schema.json")
        header = IDLE_BANNER.format(idle=idle_hosts, factor=IDLE_FACTOR, total=total, segments=n_idle,
                                    chunk=IDLE_CHUNK) + header
    return header + OBJECTIVES + nations + links + assistance + sharing + CAMPAIGNS + msel + SCORING


def main() -> None:
    idle = "--idle-x10" in sys.argv[1:]
    text = build(idle)
    out = OUT_IDLE if idle else OUT
    if "--stdout" in sys.argv[1:]:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
