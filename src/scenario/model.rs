//! The scenario format v1: the serde/schemars types a planner writes in YAML, key by key.
//!
//! These types are the single source of truth for the format: the loader deserializes into them,
//! `cydex schema` derives the JSON Schema from them, and `docs/scenario-format.md` documents them.
//! Rules the type system cannot express (ids resolve, probabilities lie in [0, 1], the entry can
//! reach a target …) live in `validate.rs`. Every struct denies unknown keys; enums that carry data
//! are externally tagged (`- encrypt: {}`), never internally tagged, so every error stays located.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::Duration;
use super::schema::{CSF_PATTERN, ID_PATTERN, PositiveDuration, TACTIC_PATTERN, TECHNIQUE_PATTERN};
use super::time::{Startex, UtcOffset};

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Keys that may also be written under another name: (key, alias). Both spellings are accepted;
/// writing both in one mapping is an error.
pub const KEY_ALIASES: &[(&str, &str)] = &[("msel", "mel_mil")];

/// A whole exercise scenario: the root of a cydex YAML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::scenario)]
pub struct Scenario {
    /// Format version. Must be `1`.
    #[schemars(extend("const" = 1))]
    pub cydex: u32,
    /// What the exercise is: id, title, HSEEP type, mode, TLP, pinned ATT&CK version, STARTEX.
    pub exercise: Exercise,
    /// The simulation clock: tick length and exercise duration.
    pub clock: Clock,
    /// SMART objectives the evaluators rate P/S/M/U.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// Participating nations, each with its national team and networks. At least one.
    #[schemars(length(min = 1))]
    pub nations: Vec<Nation>,
    /// Links between segments, within a nation or across borders.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Assistance providers: NATO Cyber Rapid Reaction Teams, EU CRRTs, VCISC-style remote support.
    #[serde(default)]
    pub assistance: Vec<AssistanceProvider>,
    /// Information-sharing agreements between nations.
    #[serde(default)]
    pub sharing: Vec<SharingAgreement>,
    /// Malicious campaigns injected into the exercise (the OPFOR plan).
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// The Master Scenario Events List (NATO: MEL/MIL): scheduled and triggered injects.
    #[serde(default, alias = "mel_mil")]
    pub msel: Vec<Inject>,
    /// Score category weights and the thresholds behind P/S/M/U ratings.
    #[serde(default)]
    pub scoring: Scoring,
}

// ───────────────────────────── exercise & clock ─────────────────────────────

/// The exercise overview (HSEEP "Exercise Overview" table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Short stable identifier, e.g. `BALTIC-RW-DRILL-26`.
    pub id: String,
    /// Human title shown on reports.
    pub title: String,
    /// Two or three sentences: the scenario and its impacts.
    #[serde(default)]
    pub description: String,
    /// HSEEP exercise type.
    #[serde(rename = "type")]
    pub kind: ExerciseType,
    /// `competitive` (Locked Shields-like league table) or `cooperative` (Cyber Coalition-like).
    #[serde(default)]
    pub mode: ExerciseMode,
    /// Traffic Light Protocol 2.0 marking of the scenario and its reports.
    #[serde(default)]
    pub tlp: Tlp,
    /// Pinned MITRE ATT&CK Enterprise version the stage ids are checked against.
    #[serde(default = "default_attack_version")]
    #[schemars(schema_with = "super::schema::attack_version")]
    pub attack_version: String,
    /// STARTEX as a UTC datetime, `YYYY-MM-DDTHH:MM:SSZ`. Drives office hours and report timestamps.
    /// Parsed when the scenario is loaded: an impossible date or time is refused there.
    #[serde(default)]
    pub startex: Option<Startex>,
    /// Sponsoring organisation.
    #[serde(default)]
    pub sponsor: Option<String>,
    /// Exercise point of contact.
    #[serde(default)]
    pub poc: Option<String>,
}

/// The ATT&CK version a scenario pins when it names none.
pub fn default_attack_version() -> String {
    "18.1".to_string()
}

/// The seven HSEEP exercise types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseType {
    /// Discussion-based: orient participants.
    Seminar,
    /// Discussion-based: build a product.
    Workshop,
    /// Discussion-based: tabletop exercise (TTX).
    Tabletop,
    /// Discussion-based: decision-making game.
    Game,
    /// Operations-based: test a single function.
    Drill,
    /// Operations-based: command and coordination centres play, the rest is simulated.
    Functional,
    /// Operations-based: full-scale exercise (FSE).
    FullScale,
}

/// How results are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseMode {
    /// National teams are ranked (Locked Shields-like).
    Competitive,
    /// No ranking; shared outcomes are scored (Cyber Coalition-like).
    #[default]
    Cooperative,
}

/// Traffic Light Protocol 2.0 labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema)]
pub enum Tlp {
    /// Disclosure is not limited.
    #[serde(rename = "TLP:CLEAR")]
    Clear,
    /// Limited to the community.
    #[default]
    #[serde(rename = "TLP:GREEN")]
    Green,
    /// Limited to participants' organisations and their clients.
    #[serde(rename = "TLP:AMBER")]
    Amber,
    /// Limited to participants' organisations only.
    #[serde(rename = "TLP:AMBER+STRICT")]
    AmberStrict,
    /// For the eyes and ears of individual recipients only.
    #[serde(rename = "TLP:RED")]
    Red,
}

/// The simulation clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// Length of one tick, e.g. `1m`. Every cadence and latency is rounded up to whole ticks.
    #[schemars(with = "PositiveDuration")]
    pub tick: Duration,
    /// Exercise length from STARTEX to ENDEX, e.g. `3d`.
    #[schemars(with = "PositiveDuration")]
    pub duration: Duration,
}

// ───────────────────────────── objectives ─────────────────────────────

/// A SMART exercise objective, judged on one metric against one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::objective)]
pub struct Objective {
    /// Unique id, e.g. `OBJ-1`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// The objective as written in the exercise plan.
    pub text: String,
    /// HSEEP core capability the objective maps to.
    #[serde(default)]
    pub capability: Option<String>,
    /// The metric the objective is judged on. Required: an objective without one cannot be rated.
    #[serde(default)]
    #[schemars(with = "Metric")]
    pub metric: Option<Metric>,
    /// The target value: a duration for time metrics (`4h`), a fraction for availability (`0.95` or
    /// `95%`), megabytes for data lost, a count for host counts.
    #[serde(default)]
    #[schemars(with = "Scalar")]
    pub target: Option<Scalar>,
    /// Who is judged: a nation id, a team id, an assistance provider id, or `alliance` (everyone).
    pub scope: String,
    /// Restricts the metric to one campaign.
    #[serde(default)]
    pub campaign: Option<String>,
    /// The service an availability objective is about.
    #[serde(default)]
    pub service: Option<String>,
    /// Cyber Defence Pledge commitments served (I–VII).
    #[serde(default)]
    pub pledge: Vec<Pledge>,
    /// NIST CSF 2.0 categories, e.g. `RS.MI`, `DE.CM`.
    #[serde(default)]
    #[schemars(inner(regex(pattern = CSF_PATTERN)))]
    pub csf: Vec<String>,
}

/// The metrics an objective can be judged on. Time metrics are means over incidents in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean time from compromise to detection (MTTD). Target: a duration; lower is better.
    TimeToDetect,
    /// Mean time from detection to an analyst taking the incident (MTTA). Target: a duration.
    TimeToAcknowledge,
    /// Mean time from detection to containment (MTTC). Target: a duration.
    TimeToContain,
    /// Mean time from detection to recovery, R = recover (MTTR). Target: a duration.
    TimeToRecover,
    /// Time from first detection to the assistance request. Target: a duration.
    TimeToRequestAssistance,
    /// Time from the assistance request until a team is on task. Target: a duration.
    TimeToAssistance,
    /// Time from first detection to the team sending indicators to partners (its decision to
    /// share; the agreement's transport latency is not counted). Target: a duration.
    TimeToShareIndicators,
    /// Criticality-weighted service availability over the exercise. Target: a fraction; higher is better.
    ServiceAvailability,
    /// Data lost (exfiltrated or destroyed), in MB. Target: a maximum.
    DataLost,
    /// Hosts compromised. Target: a maximum count.
    HostsCompromised,
    /// Whether campaigns were stopped before their impact stage. Target: `true`.
    StoppedBeforeImpact,
}

/// The Cyber Defence Pledge (2016) commitments, by roman numeral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum Pledge {
    /// Capabilities.
    I,
    /// Resources.
    II,
    /// Stakeholder interaction.
    III,
    /// Threat understanding and information sharing.
    IV,
    /// Skills and awareness.
    V,
    /// Education, training and exercising.
    VI,
    /// Implementation.
    VII,
}

/// A YAML scalar kept as text (a number, a string, a boolean), interpreted by the validator in the
/// context that gives it meaning (e.g. an objective target depends on its metric).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(transparent)]
pub struct Scalar(#[schemars(with = "ScalarSchema")] pub String);

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "schema shape only")]
enum ScalarSchema {
    S(String),
    N(f64),
    B(bool),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, a duration or a boolean")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

// ───────────────────────────── nations, teams, networks ─────────────────────────────

/// A participating nation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nation {
    /// ISO 3166-1 alpha-3 code, e.g. `EST`.
    #[schemars(schema_with = "super::schema::nation_code")]
    pub id: String,
    /// Display name, e.g. `Estonia`.
    #[serde(default)]
    pub name: Option<String>,
    /// Local time offset from UTC, `+HH:MM` or `-HH:MM`, for office hours.
    #[serde(default)]
    pub utc_offset: UtcOffset,
    /// The national team (CSIRT / CERT) that handles incidents.
    pub team: NationalTeam,
    /// The nation's network segments.
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// Services users depend on, running on this nation's host groups.
    #[serde(default)]
    pub services: Vec<Service>,
}

/// A national incident-response team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalTeam {
    /// Unique team id, e.g. `CERT-EE`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Analysts on shift. Each works one incident at a time.
    pub analysts: u32,
    /// Working pattern.
    #[serde(default)]
    pub schedule: WorkPattern,
    /// Skill levels in [0, 1].
    pub skills: Skills,
    /// When the nation asks for outside help.
    #[serde(default)]
    pub assistance_policy: AssistancePolicy,
    /// The team's standing decisions when no player takes them. Omitted: the engine's behaviour
    /// before players (every default below).
    #[serde(default, skip_serializing_if = "DoctrineDef::is_default")]
    pub doctrine: DoctrineDef,
}

/// A team's doctrine: the decisions it takes on its own. Every default is the engine's behaviour
/// before players, so a scenario without `doctrine` runs exactly as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctrineDef {
    /// The order in which analysts take queued incidents.
    #[serde(default)]
    pub queue: QueueOrder,
    /// Isolate a detected host at once when its group is at least this critical. None: never
    /// isolates on its own.
    #[serde(default)]
    pub isolate_at: Option<Criticality>,
    /// On its first detection of a campaign, send the indicators under every sharing agreement.
    #[serde(default = "yes")]
    pub share_on_detection: bool,
    /// Ask for help on its own under `assistance_policy`. `false`: only an inject or a player asks.
    #[serde(default = "yes")]
    pub request_assistance: bool,
    /// How a host is brought back when no mode is given.
    #[serde(default)]
    pub restore: RestoreChoice,
}

fn yes() -> bool {
    true
}

impl Default for DoctrineDef {
    fn default() -> Self {
        DoctrineDef {
            queue: QueueOrder::Fifo,
            isolate_at: None,
            share_on_detection: true,
            request_assistance: true,
            restore: RestoreChoice::Backup,
        }
    }
}

impl DoctrineDef {
    /// Whether this is the default doctrine (the engine's behaviour before players).
    pub fn is_default(&self) -> bool {
        *self == DoctrineDef::default()
    }
}

/// The order of a team's incident queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    /// First in, first out (detection order).
    #[default]
    Fifo,
    /// Highest criticality of the host's group first, then first in.
    Criticality,
    /// By campaign (scenario order), then first in.
    Campaign,
}

/// How a host is brought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RestoreChoice {
    /// From the last backup, in the group's `restore_time`; data written since that backup is lost.
    #[default]
    Backup,
    /// Rebuilt clean and the data migrated: three times the `restore_time`, nothing lost.
    Rebuild,
}

/// When a team works at full capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkPattern {
    /// Staffed around the clock.
    #[default]
    #[serde(rename = "24x7")]
    TwentyFourSeven,
    /// Staffed 08:00–17:00 local time, Monday to Friday; one on-call analyst otherwise.
    OfficeHours,
}

/// Skill levels, each in [0, 1]. Higher skill detects more and finishes work sooner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skills {
    /// Detection and analysis.
    #[schemars(range(min = 0, max = 1))]
    pub detect: f64,
    /// Containment and eradication.
    #[schemars(range(min = 0, max = 1))]
    pub contain: f64,
    /// Recovery and restoration.
    #[schemars(range(min = 0, max = 1))]
    pub recover: f64,
}

/// The nation's policy for requesting assistance. With no condition set, it never asks on its own
/// (an inject can still make it ask).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssistancePolicy {
    /// Ask when more than this many incidents are open at once.
    #[serde(default)]
    pub backlog_over: Option<u32>,
    /// Ask when an incident on a host of at least this criticality is detected.
    #[serde(default)]
    pub severity_at_least: Option<Criticality>,
    /// Providers to ask, in order of preference.
    #[serde(default)]
    pub providers: Vec<String>,
}

/// A network segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Unique segment id, e.g. `EST-GOV`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// What the segment is.
    pub kind: SegmentKind,
    /// Groups of identical hosts.
    #[serde(default)]
    pub host_groups: Vec<HostGroup>,
    /// Links the segment's hosts to each other one by one, in a generated graph (random, line,
    /// star, tree, small world), instead of leaving them all mutually reachable: lateral
    /// movement inside the segment then follows the graph only. Absent: every host of the segment
    /// reaches every other.
    #[serde(default)]
    pub topology: Option<Topology>,
}

/// A generated host-level network over the hosts of one segment (its host groups' hosts, in
/// order: host 0 is the first group's first host). The graph is drawn from a ChaCha8 stream seeded
/// from `seed` and the segment id only, never from the run seed: the same file always gives the
/// same network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::topology)]
pub struct Topology {
    /// The shape of the graph.
    pub kind: TopologyKind,
    /// `random` only: the expected number of links per host (Erdős–Rényi G(n, p) with
    /// p = mean_degree / (n − 1)); above 0 and at most n − 1.
    #[serde(default)]
    pub mean_degree: Option<f64>,
    /// `tree` only: children per host (host i's parent is host (i − 1) / branching); at least 1.
    #[serde(default)]
    pub branching: Option<u64>,
    /// `small_world` only: links per host on the ring lattice before rewiring (Watts–Strogatz k);
    /// even, at least 2 and below the host count.
    #[serde(default)]
    pub neighbours: Option<u64>,
    /// `small_world` only: the probability that each lattice link is rewired to a random host
    /// (Watts–Strogatz p), in [0, 1].
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub rewiring: Option<f64>,
    /// Filtering of every generated link, in [0, 1]: a lateral pick across it is stopped with
    /// this probability (as a segment link's `filtering`).
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub filtering: f64,
    /// Seed of the graph (with the segment id). Change it to draw another network of the same
    /// shape; the run seed never changes the network.
    #[serde(default)]
    pub seed: u64,
}

/// Shapes of generated host networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopologyKind {
    /// Erdős–Rényi random graph with a given `mean_degree`.
    Random,
    /// A chain: host i linked to host i + 1.
    Line,
    /// Every host linked to host 0 (the hub).
    Star,
    /// A rooted tree with `branching` children per host, filled breadth first.
    Tree,
    /// Watts–Strogatz: a ring lattice of `neighbours` links per host, each rewired with
    /// probability `rewiring`.
    SmallWorld,
}

impl TopologyKind {
    /// The name as written in the format.
    pub fn name(self) -> &'static str {
        match self {
            TopologyKind::Random => "random",
            TopologyKind::Line => "line",
            TopologyKind::Star => "star",
            TopologyKind::Tree => "tree",
            TopologyKind::SmallWorld => "small_world",
        }
    }
}

impl Topology {
    /// A network of shape `kind` with no shape parameter set, no filtering and seed 0: the start
    /// of a topology built in code (set the shape's parameter before validating it).
    pub fn bare(kind: TopologyKind) -> Topology {
        Topology { kind, mean_degree: None, branching: None, neighbours: None, rewiring: None, filtering: 0.0, seed: 0 }
    }

    /// The number of distinct links the graph has over `hosts` hosts (for `random`, the
    /// expected number), before `small_world`'s rewiring merges duplicates: what the validator
    /// bounds.
    pub fn links_over(&self, hosts: u64) -> f64 {
        let n = hosts as f64;
        match self.kind {
            TopologyKind::Random => n * self.mean_degree.unwrap_or(0.0).max(0.0) / 2.0,
            TopologyKind::Line | TopologyKind::Star | TopologyKind::Tree => hosts.saturating_sub(1) as f64,
            TopologyKind::SmallWorld => n * (self.neighbours.unwrap_or(0) / 2) as f64,
        }
    }
}

/// Kinds of segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// Government offices and ministries.
    Government,
    /// Military command and support networks.
    Military,
    /// Deployable networks of forces on operations.
    Deployable,
    /// Energy, water, health, transport operators.
    CriticalInfrastructure,
    /// Networks that connect a nation to NATO systems.
    NatoInterface,
    /// Industrial control systems.
    Ot,
    /// Internet-facing services.
    Dmz,
    /// Corporate / office IT.
    Enterprise,
    /// A software or service vendor (supply-chain source).
    Vendor,
    /// Cloud tenancy.
    Cloud,
}

/// A group of `count` identical hosts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostGroup {
    /// Unique host-group id, e.g. `EST-GOV-WS`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Number of hosts.
    pub count: u64,
    /// What the hosts do.
    pub role: HostRole,
    /// Operating-system family.
    pub os: OsFamily,
    /// Business criticality.
    #[serde(default)]
    pub criticality: Criticality,
    /// Fraction of hosts covered by sensors (EDR / NSM), in [0, 1]. 0 means nothing can be detected.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub sensors: f64,
    /// Hardening in [0, 1]: scales down every attack stage's success probability.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub hardening: f64,
    /// Time between backups. Absent means no backups: wiped data cannot be restored.
    #[serde(default)]
    #[schemars(with = "Option<PositiveDuration>")]
    pub backup_interval: Option<Duration>,
    /// Time to restore one host from backup (or rebuild it).
    #[serde(default = "default_restore")]
    #[schemars(with = "PositiveDuration")]
    pub restore_time: Duration,
    /// Megabytes of new data each host writes per hour (lost on wipe since the last backup).
    #[serde(default)]
    pub data_mb_per_hour: u64,
}

fn default_restore() -> Duration {
    Duration::hours(4)
}

/// Host roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HostRole {
    /// End-user workstation.
    Workstation,
    /// General server.
    Server,
    /// Active Directory domain controller.
    DomainController,
    /// Mail server.
    Mail,
    /// Web server.
    Web,
    /// Database server.
    Database,
    /// File server.
    FileServer,
    /// Industrial control system / SCADA.
    Ics,
    /// Network device (router, switch, firewall).
    Network,
    /// Build or update server (supply-chain source).
    BuildServer,
    /// Mobile device.
    Mobile,
}

/// Operating-system families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OsFamily {
    /// Microsoft Windows.
    Windows,
    /// Linux.
    Linux,
    /// Apple macOS.
    Macos,
    /// Network operating system (IOS, JunOS …).
    NetworkOs,
    /// Embedded / real-time OS (PLC, RTU).
    Embedded,
    /// Mobile OS.
    Mobile,
}

/// Business criticality, ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Loss is an inconvenience.
    Low,
    /// Loss hurts one organisation.
    #[default]
    Medium,
    /// Loss hurts a national function.
    High,
    /// Loss endangers life or national security.
    Critical,
}

/// A service users depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Unique service id, e.g. `EST-XROAD`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Host groups the service runs on (any nation's).
    #[schemars(length(min = 1))]
    pub runs_on: Vec<String>,
    /// Fraction of its hosts that must be up for the service to be up, in (0, 1].
    #[serde(default = "default_quorum")]
    #[schemars(range(max = 1), extend("exclusiveMinimum" = 0))]
    pub quorum: f64,
    /// Criticality weight in the availability score (> 0).
    #[serde(default = "default_weight")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub weight: f64,
    /// Services this one needs; when any is down, this one is down too.
    #[serde(default)]
    pub depends_on: Vec<String>,
}

fn default_quorum() -> f64 {
    0.5
}

fn default_weight() -> f64 {
    1.0
}

/// A link between two segments, carrying lateral movement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The two segment ids it joins. Links are bidirectional.
    #[schemars(length(equal = 2), extend("uniqueItems" = true))]
    pub between: Vec<String>,
    /// How strongly the link filters lateral movement, in [0, 1]: 0 open, 1 blocks everything.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub filtering: f64,
}

// ───────────────────────────── assistance & sharing ─────────────────────────────

/// An assistance provider: a team that can be requested to help a nation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssistanceProvider {
    /// Unique id, e.g. `NATO-CRRT`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Which scheme the provider belongs to.
    pub kind: ProviderKind,
    /// Time from request to approval. A scenario parameter: NATO's real figures are not public.
    #[serde(default)]
    pub approval: Duration,
    /// Time from approval until the team is on task.
    #[schemars(with = "PositiveDuration")]
    pub deployment: Duration,
    /// `remote` or `on_site` deployment.
    #[serde(default)]
    pub deploy_mode: DeployMode,
    /// How long the team stays on task once deployed.
    #[schemars(with = "PositiveDuration")]
    pub on_task: Duration,
    /// Experts in the team; each adds one analyst of capacity while on task.
    #[schemars(range(min = 1))]
    pub size: u32,
    /// The team's skills, in [0, 1].
    pub skills: Skills,
    /// Deployments it can run at once.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub max_concurrent: u32,
    /// Remote services offered (VCISC-style).
    #[serde(default)]
    pub offers: Vec<Offer>,
    /// Nations it serves. Empty means every nation.
    #[serde(default)]
    pub serves: Vec<String>,
}

fn one() -> u32 {
    1
}

/// Assistance schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// NATO Cyber Rapid Reaction Team (NCIRC): 24/7 standby, approval-gated.
    NatoRrt,
    /// EU PESCO Cyber Rapid Response Team.
    EuCrrt,
    /// NATO Virtual Cyber Incident Support Capability: remote, national-asset based.
    Vcisc,
    /// A bilateral arrangement with another nation.
    Bilateral,
}

/// Deployment modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeployMode {
    /// Works remotely.
    #[default]
    Remote,
    /// Travels to the requesting nation.
    OnSite,
}

/// Remote support offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    /// Malware analysis.
    MalwareAnalysis,
    /// Cyber threat intelligence.
    ThreatIntelligence,
    /// Digital forensics.
    Forensics,
    /// Hands-on incident response.
    IncidentResponse,
}

/// An information-sharing agreement among nations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingAgreement {
    /// Unique id, e.g. `BALTIC-CTI`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Nation ids that share with each other (every pair, both ways). At least two distinct.
    #[schemars(length(min = 2))]
    pub between: Vec<String>,
    /// Time for indicators to reach the partners.
    pub latency: Duration,
    /// The most restrictive TLP that may be shared under the agreement.
    #[serde(default = "amber")]
    pub tlp_ceiling: Tlp,
}

fn amber() -> Tlp {
    Tlp::Amber
}

// ───────────────────────────── campaigns ─────────────────────────────

/// A malicious campaign by a fictional actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Unique id, e.g. `CAMP-RW-1`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The fictional actor behind it.
    pub actor: Actor,
    /// Scenario time (from STARTEX) when it starts. Absent: only an inject's `start_campaign` starts it.
    #[serde(default)]
    pub start: Option<Duration>,
    /// TLP of the campaign's indicators; sharing agreements with a lower ceiling cannot carry them.
    #[serde(default = "amber")]
    pub tlp: Tlp,
    /// Which hosts the campaign is after: its impact stage only applies to these.
    pub targets: Targets,
    /// Where and how it gets in.
    pub entry: Entry,
    /// The kill chain each compromised host goes through, in order.
    #[schemars(length(min = 1))]
    pub stages: Vec<Stage>,
    /// What a host recovered from this campaign keeps (resistance to re-infection).
    #[serde(default)]
    pub recovery: Recovery,
}

/// What recovering from a campaign leaves on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    /// Probability in [0, 1] that a host, when its incident's recovery completes, becomes
    /// resistant to this campaign for the rest of the run: no lateral move of the campaign
    /// lands on it again (Mesa's `gain_resistance_chance`). 0 (the default): recovered hosts
    /// can be re-infected.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub resistance: f64,
}

/// A fictional threat actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Fictional name, e.g. `OPFOR CRIMSON OTTER`.
    pub name: String,
    /// Kind of actor.
    pub kind: ActorKind,
    /// Sophistication in [0, 1]: raises success against hardened hosts.
    #[schemars(range(min = 0, max = 1))]
    pub sophistication: f64,
}

/// Kinds of actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A state's own services.
    State,
    /// A group sponsored by a state.
    StateSponsored,
    /// A proxy acting for a state with deniability.
    Proxy,
    /// Financially motivated criminals.
    Criminal,
    /// Ideologically motivated activists.
    Hacktivist,
    /// Terrorist organisation.
    Terrorist,
}

/// Target selection: a host is a target when it matches every list that is given.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Nation ids.
    #[serde(default)]
    pub nations: Vec<String>,
    /// Segment ids.
    #[serde(default)]
    pub segments: Vec<String>,
    /// Segment kinds.
    #[serde(default)]
    pub segment_kinds: Vec<SegmentKind>,
    /// Host roles.
    #[serde(default)]
    pub roles: Vec<HostRole>,
    /// Minimum criticality.
    #[serde(default)]
    pub criticality_at_least: Option<Criticality>,
}

/// The campaign's entry point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::entry)]
pub struct Entry {
    /// Initial-access technique, e.g. `T1566.001` or `T1195.002`.
    #[schemars(regex(pattern = TECHNIQUE_PATTERN))]
    pub technique: String,
    /// Host groups the entry lands in.
    #[schemars(length(min = 1))]
    pub host_groups: Vec<String>,
    /// Hosts compromised at start, spread over `host_groups` in order (ignored if `fraction` is set).
    #[serde(default = "one_u64")]
    pub footholds: u64,
    /// Supply-chain entry: this fraction of every listed group's hosts is compromised at once.
    #[serde(default)]
    #[schemars(range(max = 1), extend("exclusiveMinimum" = 0))]
    pub fraction: Option<f64>,
}

fn one_u64() -> u64 {
    1
}

/// One step of the kill chain, attempted by each foothold at its cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Short name, unique within the campaign, e.g. `cred-dump`.
    pub id: String,
    /// ATT&CK tactic id, e.g. `TA0006`.
    #[schemars(regex(pattern = TACTIC_PATTERN))]
    pub tactic: String,
    /// ATT&CK technique id, e.g. `T1003.001`.
    #[schemars(regex(pattern = TECHNIQUE_PATTERN))]
    pub technique: String,
    /// Chance that one attempt succeeds, in [0, 1], before hardening and sophistication.
    #[schemars(range(min = 0, max = 1))]
    pub probability: f64,
    /// Time between attempts.
    pub cadence: Delay,
    /// Stealth in [0, 1]: scales down the chance of detecting a host at this stage.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub stealth: f64,
    /// Lateral movement: on success, also compromise neighbouring hosts.
    #[serde(default)]
    pub lateral: Option<Lateral>,
    /// Impact effect applied when a target host completes this stage.
    #[serde(default)]
    pub effect: Option<Effect>,
}

/// A delay between attempts: a fixed duration (`2h`), or a distribution
/// (`{ exponential: { mean: 2h } }`, `{ uniform: { min: 1h, max: 3h } }`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Delay {
    /// Always this long.
    Fixed(#[schemars(with = "PositiveDuration")] Duration),
    /// A distribution.
    Distribution(DelayDistribution),
}

impl<'de> Deserialize<'de> for Delay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Delay;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a duration such as `2h`, or `{ exponential: { mean: 2h } }` or `{ uniform: { min: 1h, max: 3h } }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Delay, E> {
                super::duration::parse_duration(v).map(Delay::Fixed).map_err(|e| e.to_serde())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Delay, A::Error> {
                DelayDistribution::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Delay::Distribution)
            }
        }
        d.deserialize_any(V)
    }
}

/// Delay distributions (whole ticks after rounding).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DelayDistribution {
    /// Uniform between `min` and `max` inclusive.
    Uniform {
        /// Shortest delay.
        #[schemars(with = "PositiveDuration")]
        min: Duration,
        /// Longest delay.
        #[schemars(with = "PositiveDuration")]
        max: Duration,
    },
    /// Exponential (memoryless) with this mean.
    Exponential {
        /// Mean delay.
        #[schemars(with = "PositiveDuration")]
        mean: Duration,
    },
}

/// Lateral-movement behaviour of a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lateral {
    /// How far it reaches: the host's own segment, or also across links.
    #[serde(default)]
    pub reach: Reach,
    /// New hosts compromised per successful attempt.
    #[serde(default = "one_u64")]
    #[schemars(range(min = 1))]
    pub fanout: u64,
    /// Keep spreading after success (worm-like) instead of moving on to the next stage. The host
    /// logs `stage_completed` for its first success only; later spreads appear as the
    /// `host_compromised` events they cause.
    #[serde(default)]
    pub repeat: bool,
}

/// How far lateral movement reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Only hosts in the same segment.
    Segment,
    /// Same segment, plus linked segments (scaled by each link's filtering).
    #[default]
    Linked,
}

/// Impact effects. A bare name for effects without parameters (`effect: encrypt`), a one-key map
/// otherwise (`effect: { exfiltrate: { mb_per_host: 500 } }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Ransomware: the host is down until restored.
    Encrypt,
    /// Wiper: the host is down; restoring from backup loses data written since the last backup.
    Wipe,
    /// Exfiltration: adds to the data-loss counter.
    Exfiltrate {
        /// Megabytes stolen per host.
        mb_per_host: u64,
    },
    /// Disruption of a named service for a time.
    Disrupt {
        /// Service id.
        service: String,
        /// Outage length.
        #[serde(rename = "for")]
        #[schemars(with = "PositiveDuration")]
        duration: Duration,
    },
    /// Defacement: reputational impact, no outage.
    Deface,
}

// ───────────────────────────── MSEL ─────────────────────────────

/// One MSEL (MEL/MIL) inject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::inject)]
pub struct Inject {
    /// Unique id, e.g. `MSEL-001`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// Scheduled scenario time (T+ from STARTEX). Give `at` or `trigger`, not both.
    #[serde(default)]
    #[schemars(with = "Duration")]
    pub at: Option<Duration>,
    /// Fires when an exercise event happens.
    #[serde(default)]
    #[schemars(with = "Trigger")]
    pub trigger: Option<Trigger>,
    /// Originator: a team id or a simulated role such as `SIMCELL:national_media`.
    #[serde(default)]
    pub from: Option<String>,
    /// Recipient: a nation id, a national team id (`nations[].team.id`), or `all`. Checked.
    #[serde(default)]
    pub to: Option<String>,
    /// Inject type.
    #[serde(rename = "type", default)]
    pub kind: InjectType,
    /// Delivery method.
    #[serde(default)]
    pub delivery: Delivery,
    /// Short title.
    pub title: String,
    /// Full inject text.
    #[serde(default)]
    pub text: String,
    /// What the players are expected to do.
    #[serde(default)]
    pub expected_action: Option<String>,
    /// Objectives the inject exercises.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// What the inject does to the simulation.
    #[serde(default)]
    pub effects: Vec<InjectEffect>,
    /// What the players are expected to do once the inject is delivered, for scoring.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expects: Vec<Expectation>,
}

/// The decisions an expectation can name (`action:`): the players' actions, by their `type`. The
/// engine's own list is `sim::actions::Action`; `tests/engine.rs` keeps the two in step. EXCON
/// actions (`fire_inject`, `disable_inject`, `add_inject`, `set_capacity`, `end_exercise`) are not
/// players'.
pub const EXPECTABLE_ACTIONS: &[&str] = &[
    "prioritise",
    "isolate_host",
    "block_link",
    "reconnect_link",
    "isolate_segment",
    "reconnect_segment",
    "hunt",
    "restore_host",
    "request_assistance",
    "release_assistance",
    "share_indicators",
    "situation_report",
    "take_service_offline",
    "bring_service_online",
    "answer_inject",
];

/// The actions only exercise control takes (named in hints: they cannot be expected of a team).
pub const EXCON_ACTIONS: &[&str] = &["fire_inject", "disable_inject", "add_inject", "set_capacity", "end_exercise"];

/// One thing the players are expected to do after an inject is delivered. Two shapes, told apart
/// by their first key:
/// * `action:` a decision of that type taken by `by` within `within` of delivery, checked
///   automatically against the decision journal (optionally towards `to`, about `campaign`);
/// * `response: manual`: a response an evaluator validates by hand, worth `points`.
// The keys of both shapes are read into one struct, so that every error stays located; the
// validator refuses keys that do not belong to the shape, and `Expectation::check` gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::expectation)]
pub struct Expectation {
    /// Unique id across the scenario, e.g. `EXP-001`.
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// The decision expected, by its `type` (an automatic check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "super::schema::expectable_action")]
    pub action: Option<String>,
    /// `manual`: an evaluator validates the response by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseCheck>,
    /// Who is expected to act: a national team id or a nation id (the nation's team).
    pub by: String,
    /// The deadline after delivery (automatic checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "PositiveDuration")]
    pub within: Option<Duration>,
    /// The nation the action is directed to, e.g. the partner indicators are shared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The campaign the action is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// What is expected, in words (required for a manual response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Points the expectation is worth (> 0): required for a manual response (the most an
    /// evaluator awards), optional for an action ([`DEFAULT_ACTION_POINTS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
}

/// How a response is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCheck {
    /// By an evaluator, by hand.
    Manual,
}

/// What an action expectation is worth when it names no `points`.
pub const DEFAULT_ACTION_POINTS: f64 = 10.0;

/// The shape of an [`Expectation`], as the validator guarantees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpectationCheck<'a> {
    /// A decision of type `action` by `by` within `within` of delivery, checked from the journal.
    Action {
        /// The action's `type` (one of [`EXPECTABLE_ACTIONS`]).
        action: &'a str,
        /// Deadline after delivery.
        within: Duration,
        /// The nation it is directed to, if named.
        to: Option<&'a str>,
        /// The campaign it is about, if named.
        campaign: Option<&'a str>,
        /// Points for meeting it.
        points: f64,
    },
    /// A response an evaluator scores by hand.
    Manual {
        /// Points for it.
        points: f64,
    },
}

impl Expectation {
    /// The expectation's shape; `None` for one the validator refuses (neither or both of `action`
    /// and `response`, or a required key of the shape missing).
    pub fn check(&self) -> Option<ExpectationCheck<'_>> {
        match (&self.action, self.response, self.within, self.points) {
            (Some(action), None, Some(within), points) => Some(ExpectationCheck::Action {
                action,
                within,
                to: self.to.as_deref(),
                campaign: self.campaign.as_deref(),
                points: points.unwrap_or(DEFAULT_ACTION_POINTS),
            }),
            (None, Some(ResponseCheck::Manual), None, Some(points))
                if self.description.is_some() && self.to.is_none() && self.campaign.is_none() =>
            {
                Some(ExpectationCheck::Manual { points })
            }
            _ => None,
        }
    }
}

/// An exercise event that fires a triggered inject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::trigger)]
pub struct Trigger {
    /// The event. (Not spelt `on`: YAML 1.1 tools read `on` as a boolean.)
    pub event: TriggerEvent,
    /// The campaign the event concerns (campaign events).
    #[serde(default)]
    pub campaign: Option<String>,
    /// Only count events in this nation.
    #[serde(default)]
    pub nation: Option<String>,
    /// The inject whose delivery fires this one (`inject_delivered`).
    #[serde(default)]
    pub inject: Option<String>,
    /// Delay after the event.
    #[serde(default)]
    pub delay: Duration,
}

/// Events that can fire an inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    /// The campaign's first host is compromised.
    FirstCompromise,
    /// The campaign is first detected.
    FirstDetection,
    /// The campaign first applies its impact.
    Impact,
    /// A nation requests assistance.
    AssistanceRequested,
    /// An assistance team is on task.
    AssistanceOnTask,
    /// Another inject was delivered.
    InjectDelivered,
}

/// HSEEP / MSEL inject types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InjectType {
    /// Something happens.
    #[default]
    Event,
    /// Information for the players.
    Information,
    /// A media report.
    Media,
    /// Social-media activity.
    SocialMedia,
    /// A request to the players.
    Request,
    /// A technical artefact (log, alert, sample).
    Technical,
    /// Held in reserve to steer play.
    Contingency,
}

/// Delivery methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Email.
    Email,
    /// Phone call.
    Phone,
    /// Ticket.
    Ticket,
    /// Chat.
    Chat,
    /// Paper handout.
    Handout,
    /// Spoken by a controller.
    Verbal,
    /// A SIEM alert.
    SiemAlert,
    /// Applied directly to the simulation.
    #[default]
    SimEvent,
}

/// What an inject does to the simulation. Written as a one-key map, e.g.
/// `- service_down: { service: EST-MAIL, for: 2h }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InjectEffect {
    /// Hand a campaign's indicators to nations (as if shared by a partner).
    ShareIndicators {
        /// Campaign id.
        campaign: String,
        /// Nation ids that receive them.
        to: Vec<String>,
    },
    /// Change a national team's analysts on shift (positive or negative).
    TeamCapacity {
        /// Team id.
        team: String,
        /// Change in analysts.
        analysts: i32,
    },
    /// Start a campaign now.
    StartCampaign {
        /// Campaign id.
        campaign: String,
    },
    /// Take a service down.
    ServiceDown {
        /// Service id.
        service: String,
        /// Outage length.
        #[serde(rename = "for")]
        #[schemars(with = "PositiveDuration")]
        duration: Duration,
    },
    /// Make a nation request assistance now.
    RequestAssistance {
        /// Requesting nation id.
        nation: String,
        /// Provider id.
        provider: String,
    },
}

// ───────────────────────────── scoring ─────────────────────────────

/// Scoring configuration: Locked Shields-style categories and the P/S/M/U rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Category weights (relative; normalised to 100).
    #[serde(default)]
    pub weights: Weights,
    /// Thresholds behind P/S/M/U ratings.
    #[serde(default)]
    pub ratings: RatingThresholds,
}

/// Category weights. The defaults are an engine convention, not an official Locked Shields split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = super::schema::weights)]
pub struct Weights {
    /// Service availability (technical defence).
    #[serde(default = "w30")]
    #[schemars(range(min = 0))]
    pub availability: f64,
    /// Resistance to attack stages (technical defence; red successes cost points).
    #[serde(default = "w30")]
    #[schemars(range(min = 0))]
    pub attack_resistance: f64,
    /// Incident response timeliness: detect, contain, recover.
    #[serde(default = "w25")]
    #[schemars(range(min = 0))]
    pub incident_response: f64,
    /// Reporting and cooperation: sharing indicators and timely assistance requests.
    #[serde(default = "w15")]
    #[schemars(range(min = 0))]
    pub reporting: f64,
}

fn w30() -> f64 {
    30.0
}
fn w25() -> f64 {
    25.0
}
fn w15() -> f64 {
    15.0
}

impl Default for Weights {
    fn default() -> Self {
        Weights { availability: 30.0, attack_resistance: 30.0, incident_response: 25.0, reporting: 15.0 }
    }
}

/// The engine rule mapping a measured value to P/S/M/U, as a ratio to the target. For
/// lower-is-better metrics the ratio is measured / target; for higher-is-better it is target / measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingThresholds {
    /// Up to this ratio (and above 1): S, performed with some challenges.
    #[serde(default = "r15")]
    #[schemars(range(min = 1))]
    pub some_challenges: f64,
    /// Up to this ratio (and above `some_challenges`): M, major challenges. Beyond it, or never
    /// achieved by ENDEX: U.
    #[serde(default = "r30")]
    #[schemars(range(min = 1))]
    pub major_challenges: f64,
}

fn r15() -> f64 {
    1.5
}
fn r30() -> f64 {
    3.0
}

impl Default for RatingThresholds {
    fn default() -> Self {
        RatingThresholds { some_challenges: 1.5, major_challenges: 3.0 }
    }
}

// ───────────────────────────── interpreted values ─────────────────────────────

/// An objective's target, interpreted according to its metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetValue {
    /// At most this long (time metrics).
    Duration(Duration),
    /// At least this fraction, in [0, 1] (availability).
    Fraction(f64),
    /// At most this many (megabytes, hosts).
    Count(u64),
    /// This must hold (stopped before impact).
    Flag(bool),
}

impl Metric {
    /// Every metric, in documentation order.
    pub const ALL: [Metric; 11] = [
        Metric::TimeToDetect,
        Metric::TimeToAcknowledge,
        Metric::TimeToContain,
        Metric::TimeToRecover,
        Metric::TimeToRequestAssistance,
        Metric::TimeToAssistance,
        Metric::TimeToShareIndicators,
        Metric::ServiceAvailability,
        Metric::DataLost,
        Metric::HostsCompromised,
        Metric::StoppedBeforeImpact,
    ];

    /// The YAML name of the metric.
    pub fn name(self) -> &'static str {
        match self {
            Metric::TimeToDetect => "time_to_detect",
            Metric::TimeToAcknowledge => "time_to_acknowledge",
            Metric::TimeToContain => "time_to_contain",
            Metric::TimeToRecover => "time_to_recover",
            Metric::TimeToRequestAssistance => "time_to_request_assistance",
            Metric::TimeToAssistance => "time_to_assistance",
            Metric::TimeToShareIndicators => "time_to_share_indicators",
            Metric::ServiceAvailability => "service_availability",
            Metric::DataLost => "data_lost",
            Metric::HostsCompromised => "hosts_compromised",
            Metric::StoppedBeforeImpact => "stopped_before_impact",
        }
    }

    /// Interprets a target written for this metric, or says what was expected: (message, hint).
    pub fn parse_target(self, target: &Scalar) -> Result<TargetValue, (String, Option<String>)> {
        let text = target.0.trim();
        match self {
            Metric::ServiceAvailability => {
                let (number, scale) = match text.strip_suffix('%') {
                    Some(p) => (p.trim(), 100.0),
                    None => (text, 1.0),
                };
                match number.parse::<f64>() {
                    Ok(v) if (0.0..=1.0).contains(&(v / scale)) => Ok(TargetValue::Fraction(v / scale)),
                    _ => Err((
                        format!("`{text}` is not an availability target"),
                        Some("write a fraction in [0, 1] such as `0.95`, or a percentage such as `\"95%\"`".into()),
                    )),
                }
            }
            Metric::DataLost | Metric::HostsCompromised => text.parse::<u64>().map(TargetValue::Count).map_err(|_| {
                let unit = if self == Metric::DataLost { "megabytes" } else { "hosts" };
                (format!("`{text}` is not a {} target", self.name()), Some(format!("write a whole number of {unit}")))
            }),
            Metric::StoppedBeforeImpact => match text {
                "true" => Ok(TargetValue::Flag(true)),
                "false" => Ok(TargetValue::Flag(false)),
                _ => Err((format!("`{text}` is not a stopped_before_impact target"), Some("write `true`".into()))),
            },
            _ => super::duration::parse_duration(text)
                .map(TargetValue::Duration)
                .map_err(|e| (format!("{} needs a duration target: {}", self.name(), e.message), Some(e.hint))),
        }
    }
}

/// The name a value is written with in scenario files: `name_of(&Tlp::Amber)` is `TLP:AMBER`,
/// `name_of(&ExerciseType::FullScale)` is `full_scale`. Empty for values that are not plain names.
pub fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Parts per billion of a fraction as written: the fraction rounded to 9 decimal places, clamped
/// to [0, 1]. Every decimal a planner writes with up to 9 places is recovered exactly (`0.28` is
/// stored as 0.28000000000000002665 but is 280,000,000 parts per billion), so rules built on it
/// do not inherit binary floating-point error.
pub fn fraction_ppb(fraction: f64) -> u64 {
    if fraction.is_nan() || fraction <= 0.0 {
        0
    } else if fraction >= 1.0 {
        PPB
    } else {
        (fraction * PPB as f64).round() as u64
    }
}

/// One, in parts per billion.
pub const PPB: u64 = 1_000_000_000;

/// `ceil(fraction × count)` in exact arithmetic on [`fraction_ppb`]: the number of hosts "a
/// fraction of a group" means (supply-chain entry, sensor coverage) and the hosts a service
/// needs up (`quorum`). `ceil(0.28 × 25)` is 7, not the 8 that `f64` arithmetic gives.
pub fn ceil_fraction_of(fraction: f64, count: u64) -> u64 {
    let n = u128::from(fraction_ppb(fraction)) * u128::from(count);
    n.div_ceil(u128::from(PPB)) as u64
}

#[cfg(test)]
mod fraction_tests {
    use super::*;

    #[test]
    fn every_two_decimal_fraction_of_every_count_up_to_200_is_exact() {
        for hundredths in 0..=100u64 {
            let fraction = hundredths as f64 / 100.0;
            // The same value a YAML `0.28` parses to.
            let written: f64 = format!("{fraction}").parse().unwrap();
            for count in 0..=200u64 {
                let exact = (hundredths * count).div_ceil(100);
                assert_eq!(ceil_fraction_of(written, count), exact, "{written} × {count}");
            }
        }
    }

    #[test]
    fn the_float_trap_is_gone() {
        assert_eq!((0.28f64 * 25.0).ceil() as u64, 8, "what f64 arithmetic gives");
        assert_eq!(ceil_fraction_of(0.28, 25), 7);
        assert_eq!(ceil_fraction_of(0.7, 10), 7);
        assert_eq!(ceil_fraction_of(1e-12, 10), 0, "below a part per billion is zero");
        assert_eq!(ceil_fraction_of(0.000_000_001, 10), 1);
        assert_eq!(ceil_fraction_of(1.5, 10), 10);
        assert_eq!(ceil_fraction_of(-0.5, 10), 0);
        assert_eq!(ceil_fraction_of(f64::NAN, 10), 0);
        assert_eq!(ceil_fraction_of(1.0, u64::from(u32::MAX)), u64::from(u32::MAX));
    }
}
