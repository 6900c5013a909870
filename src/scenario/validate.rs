//! Semantic validation of a deserialized scenario: every rule the types cannot express, all checked
//! in one pass, each problem tied to the YAML path of the offending value.
//!
//! Errors make a scenario invalid. Warnings do not, unless the caller denies them. Nothing here
//! knows about YAML text or spans: problems carry a path (`nations[0].team.analysts`) that the loader
//! turns into `file:line:column`.

use std::collections::{BTreeMap, BTreeSet};

use super::attack;
use super::duration::Duration;
use super::model::*;
use super::suggest::closest;
use super::timing::{Earliest, Opener};
use super::yaml::Seg;

/// Largest total host count a scenario may declare.
pub const MAX_TOTAL_HOSTS: u64 = 10_000_000;
/// The most links all generated host networks (`topology`) may have together: each costs 8 bytes
/// of adjacency, so the cap bounds them to about 400 MB.
pub const MAX_TOPOLOGY_LINKS: u64 = 50_000_000;
/// Most ticks an exercise may run (duration / tick).
pub const MAX_TICKS: u64 = 5_000_000;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The scenario is invalid.
    Error,
    /// Suspicious but runnable.
    Warning,
}

/// One finding of the validator.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Short stable code, e.g. `dangling-reference`.
    pub code: &'static str,
    /// Where: the path of the offending value.
    pub path: Vec<Seg>,
    /// Point at the key rather than the value.
    pub at_key: bool,
    /// A whole-scenario check (reachability, host totals …) whose verdict depends on values
    /// elsewhere; meaningless while other values failed to parse.
    pub derived: bool,
    /// Other values the verdict rests on: if one of them failed to parse (and was replaced or
    /// left out), the finding is a consequence of that problem and is not reported.
    pub rests_on: Vec<Vec<Seg>>,
    /// One-line message.
    pub message: String,
    /// Label under the source snippet.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// Codes of whole-scenario checks (see [`Finding::derived`]).
const DERIVED: &[&str] = &[
    "no-targets",
    "unreachable-targets",
    "empty-nation",
    "no-sensors",
    "too-many-hosts",
    "never-starts",
    "never-observed",
    "target-exceeds-window",
];

/// Builds a YAML path from keys and indices: `path!["nations", 0, "id"]`.
macro_rules! path {
    ($($seg:expr),* $(,)?) => { vec![$(Seg::from($seg)),*] };
}

impl From<&str> for Seg {
    fn from(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// Renders a path as `nations[0].team.analysts`.
pub fn show_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn with(path: &[Seg], more: impl Into<Seg>) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(more.into());
    p
}

/// A key of an expectation and whether it is given.
type KeyGiven = (&'static str, bool);

/// Ids of one kind, with the path where each was defined.
#[derive(Default)]
struct Ids {
    kind: &'static str,
    defined: BTreeMap<String, Vec<Seg>>,
}

impl Ids {
    fn new(kind: &'static str) -> Self {
        Ids { kind, defined: BTreeMap::new() }
    }
    fn contains(&self, id: &str) -> bool {
        self.defined.contains_key(id)
    }
}

struct Check<'a> {
    s: &'a Scenario,
    out: Vec<Finding>,
    nations: Ids,
    teams: Ids,
    segments: Ids,
    groups: Ids,
    services: Ids,
    providers: Ids,
    campaigns: Ids,
    injects: Ids,
    objectives: Ids,
    sharing: Ids,
    expectations: Ids,
    /// Host-group id → (nation index, segment index, group index).
    group_at: BTreeMap<&'a str, (usize, usize, usize)>,
    /// Segment id → (nation index, segment index).
    segment_at: BTreeMap<&'a str, (usize, usize)>,
    /// Every link names two known segments (reachability is only meaningful then).
    links_ok: bool,
    /// Findings past [`MAX_FINDINGS`], counted, not kept: errors, warnings.
    dropped: (usize, usize),
    /// Links of the generated host networks seen so far (expected, for `random`).
    topology_links: f64,
}

/// The most findings kept while validating: a small file can hold a million problems (990
/// services each depending on a 1,000-element list), and keeping and rendering them all would take
/// minutes and gigabytes. Loading reports at most [`super::de::MAX_PROBLEMS`] of them anyway; this
/// margin leaves room for those it filters out as consequences of others.
pub const MAX_FINDINGS: usize = 4 * super::de::MAX_PROBLEMS;

/// Validates a scenario, returning every finding, errors first then warnings, each group in
/// document order.
pub fn validate(s: &Scenario) -> Vec<Finding> {
    let mut c = Check {
        s,
        out: Vec::new(),
        nations: Ids::new("nation"),
        teams: Ids::new("team"),
        segments: Ids::new("segment"),
        groups: Ids::new("host group"),
        services: Ids::new("service"),
        providers: Ids::new("assistance provider"),
        campaigns: Ids::new("campaign"),
        injects: Ids::new("inject"),
        objectives: Ids::new("objective"),
        sharing: Ids::new("sharing agreement"),
        expectations: Ids::new("expectation"),
        group_at: BTreeMap::new(),
        segment_at: BTreeMap::new(),
        links_ok: true,
        dropped: (0, 0),
        topology_links: 0.0,
    };
    c.collect_ids();
    c.exercise();
    c.clock();
    c.nations();
    c.services();
    c.links();
    c.assistance();
    c.sharing_agreements();
    c.campaigns();
    c.msel();
    c.objectives();
    c.objective_windows();
    c.scoring();
    let (errors, warnings) = c.dropped;
    let mut out = c.out;
    for (n, severity, what) in [(errors, Severity::Error, "error"), (warnings, Severity::Warning, "warning")] {
        if n > 0 {
            out.push(Finding {
                severity,
                code: "too-many-problems",
                path: Vec::new(),
                at_key: false,
                derived: false,
                rests_on: Vec::new(),
                message: format!("{n} more {what}(s) not shown: validation keeps at most {MAX_FINDINGS} findings"),
                label: String::new(),
                help: Some("fix the problems shown, then validate again".into()),
            });
        }
    }
    out.sort_by_key(|f| f.severity);
    out
}

impl<'a> Check<'a> {
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        path: Vec<Seg>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        if self.out.len() >= MAX_FINDINGS {
            match severity {
                Severity::Error => self.dropped.0 += 1,
                Severity::Warning => self.dropped.1 += 1,
            }
            return;
        }
        let derived = DERIVED.contains(&code);
        // A time outside the window is only news if ENDEX itself was read.
        let rests_on = if code == "outside-window" { vec![path!["clock", "duration"]] } else { Vec::new() };
        self.out.push(Finding {
            severity,
            code,
            path,
            at_key: false,
            derived,
            rests_on,
            message,
            label: label.to_string(),
            help,
        });
    }

    /// Records what the finding just pushed rests on (see [`Finding::rests_on`]).
    fn rests_on(&mut self, paths: Vec<Vec<Seg>>) {
        if let Some(f) = self.out.last_mut() {
            f.rests_on = paths;
        }
    }

    fn error(&mut self, code: &'static str, path: Vec<Seg>, message: String, label: &str, help: Option<String>) {
        self.push(Severity::Error, code, path, message, label, help);
    }

    fn warn(&mut self, code: &'static str, path: Vec<Seg>, message: String, label: &str, help: Option<String>) {
        self.push(Severity::Warning, code, path, message, label, help);
    }

    // ───────────── ids ─────────────

    fn define(&mut self, which: fn(&mut Self) -> &mut Ids, id: &str, path: Vec<Seg>) {
        if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
            let kind = which(self).kind;
            self.error(
                "invalid-id",
                path.clone(),
                format!("{kind} id `{id}` is empty or contains whitespace"),
                "not a usable id",
                Some("ids are single words such as `EST-GOV` or `OBJ-1`".to_string()),
            );
        }
        let ids = which(self);
        let kind = ids.kind;
        if let Some(first) = ids.defined.get(id) {
            let first = show_path(first);
            self.error(
                "duplicate-id",
                path,
                format!("duplicate {kind} id `{id}`"),
                "defined a second time here",
                Some(format!("`{id}` is first defined at `{first}`; {kind} ids must be unique")),
            );
        } else {
            ids.defined.insert(id.to_string(), path);
        }
    }

    fn collect_ids(&mut self) {
        let s = self.s;
        for (n, nation) in s.nations.iter().enumerate() {
            self.define(|c| &mut c.nations, &nation.id, path!["nations", n, "id"]);
            self.define(|c| &mut c.teams, &nation.team.id, path!["nations", n, "team", "id"]);
            for (g, seg) in nation.segments.iter().enumerate() {
                self.define(|c| &mut c.segments, &seg.id, path!["nations", n, "segments", g, "id"]);
                self.segment_at.entry(&seg.id).or_insert((n, g));
                for (h, group) in seg.host_groups.iter().enumerate() {
                    self.define(
                        |c| &mut c.groups,
                        &group.id,
                        path!["nations", n, "segments", g, "host_groups", h, "id"],
                    );
                    self.group_at.entry(&group.id).or_insert((n, g, h));
                }
            }
            for (v, svc) in nation.services.iter().enumerate() {
                self.define(|c| &mut c.services, &svc.id, path!["nations", n, "services", v, "id"]);
            }
        }
        for (i, p) in s.assistance.iter().enumerate() {
            self.define(|c| &mut c.providers, &p.id, path!["assistance", i, "id"]);
        }
        for (i, a) in s.sharing.iter().enumerate() {
            self.define(|c| &mut c.sharing, &a.id, path!["sharing", i, "id"]);
        }
        for (i, camp) in s.campaigns.iter().enumerate() {
            self.define(|c| &mut c.campaigns, &camp.id, path!["campaigns", i, "id"]);
        }
        for (i, inj) in s.msel.iter().enumerate() {
            self.define(|c| &mut c.injects, &inj.id, path!["msel", i, "id"]);
            for (j, e) in inj.expects.iter().enumerate() {
                self.define(|c| &mut c.expectations, &e.id, path!["msel", i, "expects", j, "id"]);
            }
        }
        for (i, o) in s.objectives.iter().enumerate() {
            self.define(|c| &mut c.objectives, &o.id, path!["objectives", i, "id"]);
        }
        // Nations, teams and providers share one namespace: an objective's scope names any of them.
        let mut seen: BTreeMap<&str, &'static str> = BTreeMap::new();
        let mut clashes = Vec::new();
        for ids in [&self.nations, &self.teams, &self.providers] {
            for (id, path) in &ids.defined {
                match seen.get(id.as_str()) {
                    Some(other) => clashes.push((id.clone(), path.clone(), *other, ids.kind)),
                    None => {
                        seen.insert(id, ids.kind);
                    }
                }
            }
        }
        for (id, path, first, second) in clashes {
            self.error(
                "duplicate-id",
                path,
                format!("`{id}` is used both as a {first} id and a {second} id"),
                "ambiguous id",
                Some("objective scopes name nations, teams and providers alike, so their ids must differ".to_string()),
            );
        }
    }

    /// Checks a reference to an id of one kind.
    fn reference(&mut self, which: fn(&Self) -> &Ids, id: &str, path: Vec<Seg>) -> bool {
        if which(self).contains(id) {
            return true;
        }
        if self.out.len() >= MAX_FINDINGS {
            // Past the cap the finding is only counted: no suggestion search, no message.
            self.dropped.0 += 1;
            return false;
        }
        let ids = which(self);
        let kind = ids.kind;
        let near = closest(id, ids.defined.keys().map(String::as_str), 3);
        let help = if near.is_empty() {
            let all: Vec<&str> = ids.defined.keys().map(String::as_str).take(12).collect();
            if all.is_empty() {
                format!("the scenario defines no {kind}s")
            } else {
                format!("defined {kind} ids: {}", all.join(", "))
            }
        } else {
            format!(
                "did you mean `{}`? Closest {kind} ids: {}",
                near[0],
                near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            )
        };
        self.error(
            "dangling-reference",
            path,
            format!("unknown {kind} `{id}`"),
            &format!("no {kind} has this id"),
            Some(help),
        );
        false
    }

    fn fraction(&mut self, v: f64, path: Vec<Seg>, what: &str) {
        if !(0.0..=1.0).contains(&v) {
            self.error(
                "out-of-range",
                path,
                format!("{what} must lie in [0, 1], not {v}"),
                "outside [0, 1]",
                Some("probabilities and fractions are written as decimals: 0.25 means 25%".to_string()),
            );
        }
    }

    fn positive(&mut self, d: Duration, path: Vec<Seg>, what: &str) {
        if d.secs() == 0 {
            self.error(
                "non-positive-duration",
                path,
                format!("{what} must be longer than zero"),
                "zero duration",
                Some("write a positive duration such as `30m` or `PT30M`".to_string()),
            );
        }
    }

    fn skills(&mut self, k: &Skills, path: &[Seg]) {
        self.fraction(k.detect, with(path, "detect"), "skill `detect`");
        self.fraction(k.contain, with(path, "contain"), "skill `contain`");
        self.fraction(k.recover, with(path, "recover"), "skill `recover`");
    }

    // ───────────── sections ─────────────

    fn exercise(&mut self) {
        let s = self.s;
        if s.cydex != FORMAT_VERSION {
            self.error(
                "unsupported-version",
                path!["cydex"],
                format!("format version {} is not supported by this cydex", s.cydex),
                "unsupported",
                Some(format!("this build reads format version {FORMAT_VERSION}: write `cydex: {FORMAT_VERSION}`")),
            );
        }
        if attack::catalog(&s.exercise.attack_version).is_none() {
            self.error(
                "unknown-attack-version",
                path!["exercise", "attack_version"],
                format!("ATT&CK version `{}` is not bundled with this cydex", s.exercise.attack_version),
                "no table for this version",
                Some(format!("bundled versions: {}", attack::supported_versions().join(", "))),
            );
        }
    }

    fn clock(&mut self) {
        let clock = &self.s.clock;
        self.positive(clock.tick, path!["clock", "tick"], "the tick");
        self.positive(clock.duration, path!["clock", "duration"], "the exercise duration");
        if clock.tick.secs() > 0 && clock.duration.secs() > 0 {
            if !clock.duration.secs().is_multiple_of(clock.tick.secs()) {
                self.error(
                    "duration-not-whole-ticks",
                    path!["clock", "duration"],
                    format!("the exercise duration {} is not a whole number of {} ticks", clock.duration, clock.tick),
                    "not a multiple of the tick",
                    Some("make the duration a multiple of the tick".to_string()),
                );
            }
            let ticks = clock.duration.secs() / clock.tick.secs();
            if ticks > MAX_TICKS {
                self.error(
                    "too-many-ticks",
                    path!["clock", "tick"],
                    format!("{ticks} ticks is more than the limit of {MAX_TICKS}"),
                    "tick too short for this duration",
                    Some("use a longer tick; see README \"Limits\"".to_string()),
                );
            }
        }
    }

    fn nations(&mut self) {
        let s = self.s;
        if s.nations.is_empty() {
            self.error("no-nations", path!["nations"], "the scenario has no nations".into(), "empty", None);
        }
        let mut total: u64 = 0;
        for (n, nation) in s.nations.iter().enumerate() {
            let np = path!["nations", n];
            if !is_iso_alpha3(&nation.id) {
                self.error(
                    "invalid-nation-code",
                    with(&np, "id"),
                    format!("`{}` is not an ISO 3166-1 alpha-3 country code", nation.id),
                    "not an alpha-3 code",
                    Some("use the three-letter code, e.g. `EST` for Estonia; fictional nations use the user-assigned codes XAA–XZZ".to_string()),
                );
            }
            let tp = with(&np, "team");
            if nation.team.analysts == 0 {
                self.warn(
                    "no-analysts",
                    with(&tp, "analysts"),
                    format!("team `{}` has no analysts on shift: its incidents are never handled", nation.team.id),
                    "zero analysts",
                    None,
                );
            }
            self.skills(&nation.team.skills, &with(&tp, "skills"));
            let policy = &nation.team.assistance_policy;
            for (i, p) in policy.providers.iter().enumerate() {
                if self.reference(|c| &c.providers, p, path!["nations", n, "team", "assistance_policy", "providers", i])
                    && let Some(prov) = s.assistance.iter().find(|a| &a.id == p)
                    && !prov.serves.is_empty()
                    && !prov.serves.contains(&nation.id)
                {
                    self.warn(
                        "provider-does-not-serve",
                        path!["nations", n, "team", "assistance_policy", "providers", i],
                        format!("provider `{p}` does not serve `{}`", nation.id),
                        "never answers this nation",
                        Some(format!("add `{}` to `serves` of `{p}`, or remove it here", nation.id)),
                    );
                }
            }
            let asks = policy.backlog_over.is_some() || policy.severity_at_least.is_some();
            if asks && policy.providers.is_empty() {
                self.warn(
                    "policy-without-providers",
                    with(&tp, "assistance_policy"),
                    format!("`{}` would ask for assistance but names no provider", nation.id),
                    "no providers",
                    Some("list providers under `providers:` in order of preference".to_string()),
                );
            }
            let mut hosts: u64 = 0;
            let mut sensors = false;
            for (g, seg) in nation.segments.iter().enumerate() {
                if let Some(t) = &seg.topology {
                    let seg_hosts = seg.host_groups.iter().fold(0u64, |a, h| a.saturating_add(h.count));
                    self.topology(t, seg_hosts, path!["nations", n, "segments", g, "topology"]);
                    self.topology_links += t.links_over(seg_hosts);
                }
                for (h, group) in seg.host_groups.iter().enumerate() {
                    let gp = path!["nations", n, "segments", g, "host_groups", h];
                    hosts = hosts.saturating_add(group.count);
                    sensors |= group.sensors > 0.0 && group.count > 0;
                    if group.count == 0 {
                        self.warn(
                            "empty-host-group",
                            with(&gp, "count"),
                            format!("host group `{}` has no hosts", group.id),
                            "zero",
                            None,
                        );
                    }
                    self.fraction(group.sensors, with(&gp, "sensors"), "sensor coverage");
                    self.fraction(group.hardening, with(&gp, "hardening"), "hardening");
                    if let Some(b) = group.backup_interval {
                        self.positive(b, with(&gp, "backup_interval"), "the backup interval");
                    }
                    self.positive(group.restore_time, with(&gp, "restore_time"), "the restore time");
                }
            }
            if hosts == 0 {
                self.error(
                    "empty-nation",
                    with(&np, if nation.segments.is_empty() { "id" } else { "segments" }),
                    format!("nation `{}` has no hosts", nation.id),
                    "nothing to defend",
                    Some("give it at least one segment with a host group whose `count` is above zero".to_string()),
                );
            } else if !sensors {
                self.warn(
                    "no-sensors",
                    with(&np, "id"),
                    format!(
                        "nation `{}` has no sensors anywhere: only a visible impact can get a compromise detected",
                        nation.id
                    ),
                    "blind nation",
                    Some("set `sensors:` (EDR/NSM coverage, 0–1) on some host groups".to_string()),
                );
            }
            total = total.saturating_add(hosts);
        }
        if self.topology_links > MAX_TOPOLOGY_LINKS as f64 {
            self.error(
                "too-many-links",
                path!["nations"],
                format!(
                    "the generated host networks have {:.0} links together; the limit is {MAX_TOPOLOGY_LINKS}",
                    self.topology_links
                ),
                "too many generated links",
                Some(
                    "lower `mean_degree` or `neighbours`, or the host counts of segments with a `topology`".to_string(),
                ),
            );
        }
        if total > MAX_TOTAL_HOSTS {
            self.error(
                "too-many-hosts",
                path!["nations"],
                format!("the scenario declares {total} hosts; the limit is {MAX_TOTAL_HOSTS}"),
                "too many hosts",
                Some("reduce host-group counts; see README \"Limits\"".to_string()),
            );
        }
    }

    /// A segment's generated network over its `hosts` hosts: the parameters its kind needs, in
    /// range, and none it does not use.
    fn topology(&mut self, t: &Topology, hosts: u64, tp: Vec<Seg>) {
        let kind = t.kind.name();
        let needs = |this: &mut Self, key: &str, given: bool, example: &str| {
            if !given {
                this.error(
                    "missing-topology-parameter",
                    with(&tp, "kind"),
                    format!("a `{kind}` topology needs `{key}`"),
                    "incomplete topology",
                    Some(format!("add `{key}: {example}` beside `kind: {kind}`")),
                );
            }
        };
        let unused = [
            ("mean_degree", t.mean_degree.is_some(), t.kind == TopologyKind::Random),
            ("branching", t.branching.is_some(), t.kind == TopologyKind::Tree),
            ("neighbours", t.neighbours.is_some(), t.kind == TopologyKind::SmallWorld),
            ("rewiring", t.rewiring.is_some(), t.kind == TopologyKind::SmallWorld),
        ];
        for (key, given, used) in unused {
            if given && !used {
                self.warn(
                    "unused-topology-parameter",
                    with(&tp, key),
                    format!("`{key}` has no effect on a `{kind}` topology"),
                    "ignored",
                    Some(format!("remove it, or change `kind` to the shape that uses `{key}`")),
                );
            }
        }
        let max_degree = hosts.saturating_sub(1);
        match t.kind {
            TopologyKind::Random => {
                needs(self, "mean_degree", t.mean_degree.is_some(), "4");
                if let Some(d) = t.mean_degree
                    && !(d > 0.0 && d <= max_degree.max(1) as f64)
                {
                    self.error(
                        "out-of-range",
                        with(&tp, "mean_degree"),
                        format!("mean_degree must lie in (0, {}] for {hosts} hosts, not {d}", max_degree.max(1)),
                        "outside the possible degrees",
                        Some("a host has at most one link to each other host of its segment".to_string()),
                    );
                }
            }
            TopologyKind::Tree => {
                needs(self, "branching", t.branching.is_some(), "2");
                if t.branching == Some(0) {
                    self.error(
                        "out-of-range",
                        with(&tp, "branching"),
                        "branching must be at least 1".into(),
                        "zero",
                        Some("`branching: 1` is a line, `2` a binary tree".to_string()),
                    );
                }
            }
            TopologyKind::SmallWorld => {
                needs(self, "neighbours", t.neighbours.is_some(), "4");
                if let Some(k) = t.neighbours
                    && (k < 2 || k % 2 == 1 || k >= hosts.max(3))
                {
                    self.error(
                        "out-of-range",
                        with(&tp, "neighbours"),
                        format!("neighbours must be even, at least 2 and below the host count ({hosts}), not {k}"),
                        "not an even lattice degree",
                        Some("each host links to neighbours / 2 hosts on each side of the ring".to_string()),
                    );
                }
                if let Some(p) = t.rewiring {
                    self.fraction(p, with(&tp, "rewiring"), "rewiring");
                }
            }
            TopologyKind::Line | TopologyKind::Star => {}
        }
        self.fraction(t.filtering, with(&tp, "filtering"), "topology filtering");
        if hosts < 2 {
            self.warn(
                "topology-without-links",
                with(&tp, "kind"),
                format!("the segment has {hosts} host(s): its `{kind}` network has no links"),
                "nothing to link",
                Some("a generated network links the hosts of the segment's host groups; give them counts".to_string()),
            );
        }
    }

    fn services(&mut self) {
        let s = self.s;
        let mut deps: BTreeMap<&str, (Vec<&str>, Vec<Seg>)> = BTreeMap::new();
        for (n, nation) in s.nations.iter().enumerate() {
            for (v, svc) in nation.services.iter().enumerate() {
                let sp = path!["nations", n, "services", v];
                if svc.runs_on.is_empty() {
                    self.error(
                        "service-without-hosts",
                        with(&sp, "runs_on"),
                        format!("service `{}` runs on no host group", svc.id),
                        "empty",
                        Some("list the host groups it runs on".to_string()),
                    );
                }
                for (i, g) in svc.runs_on.iter().enumerate() {
                    self.reference(|c| &c.groups, g, path!["nations", n, "services", v, "runs_on", i]);
                }
                if !(svc.quorum > 0.0 && svc.quorum <= 1.0) {
                    self.error(
                        "out-of-range",
                        with(&sp, "quorum"),
                        format!("quorum must lie in (0, 1], not {}", svc.quorum),
                        "outside (0, 1]",
                        Some("quorum is the fraction of its hosts that must be up, e.g. 0.5".to_string()),
                    );
                }
                if !(svc.weight.is_finite() && svc.weight > 0.0) {
                    self.error(
                        "out-of-range",
                        with(&sp, "weight"),
                        format!("weight must be above zero, not {}", svc.weight),
                        "not positive",
                        None,
                    );
                }
                for (i, d) in svc.depends_on.iter().enumerate() {
                    let dp = path!["nations", n, "services", v, "depends_on", i];
                    if d == &svc.id {
                        self.error(
                            "dependency-cycle",
                            dp,
                            format!("service `{d}` depends on itself"),
                            "self-dependency",
                            None,
                        );
                    } else {
                        self.reference(|c| &c.services, d, dp);
                    }
                }
                deps.entry(&svc.id)
                    .or_insert((svc.depends_on.iter().map(String::as_str).collect(), with(&sp, "depends_on")));
            }
        }
        // Cycle detection: depth-first, in id order so the reported cycle is stable.
        let mut state: BTreeMap<&str, u8> = BTreeMap::new();
        let mut reported = BTreeSet::new();
        for &start in deps.keys() {
            let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
            if state.get(start).copied().unwrap_or(0) != 0 {
                continue;
            }
            state.insert(start, 1);
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let children = deps.get(node).map(|d| d.0.as_slice()).unwrap_or(&[]);
                if *next < children.len() {
                    let child = children[*next];
                    *next += 1;
                    match state.get(child).copied().unwrap_or(0) {
                        0 if deps.contains_key(child) => {
                            state.insert(child, 1);
                            stack.push((child, 0));
                        }
                        1 if child != node => {
                            let pos = stack.iter().position(|&(n, _)| n == child).unwrap_or(0);
                            let mut cycle: Vec<&str> = stack[pos..].iter().map(|&(n, _)| n).collect();
                            cycle.push(child);
                            let key: BTreeSet<&str> = cycle.iter().copied().collect();
                            if reported.insert(key) {
                                let path = deps.get(node).map(|d| d.1.clone()).unwrap_or_default();
                                self.error(
                                    "dependency-cycle",
                                    path,
                                    format!("service dependency cycle: {}", cycle.join(" → ")),
                                    "closes the cycle",
                                    Some("a service cannot depend on itself, even indirectly; break one of these dependencies".to_string()),
                                );
                            }
                        }
                        _ => {}
                    }
                } else {
                    state.insert(node, 2);
                    stack.pop();
                }
            }
        }
    }

    fn links(&mut self) {
        let s = self.s;
        let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (i, link) in s.links.iter().enumerate() {
            let lp = path!["links", i];
            if link.between.len() != 2 {
                self.error(
                    "link-arity",
                    with(&lp, "between"),
                    format!("a link joins exactly two segments, not {}", link.between.len()),
                    "needs two segment ids",
                    Some("write `between: [SEG-A, SEG-B]`".to_string()),
                );
            }
            let mut ok = true;
            for (j, seg) in link.between.iter().enumerate() {
                ok &= self.reference(|c| &c.segments, seg, path!["links", i, "between", j]);
                self.links_ok &= ok;
            }
            self.fraction(link.filtering, with(&lp, "filtering"), "link filtering");
            if ok && link.between.len() == 2 {
                let (a, b) = (&link.between[0], &link.between[1]);
                if a == b {
                    self.error(
                        "self-link",
                        with(&lp, "between"),
                        format!("link joins `{a}` to itself"),
                        "same segment twice",
                        None,
                    );
                }
                let key = if a <= b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
                if let Some(first) = pairs.get(&key) {
                    self.warn(
                        "duplicate-link",
                        with(&lp, "between"),
                        format!("`{a}` and `{b}` are already linked by links[{first}]"),
                        "second link",
                        Some("keep one link per pair of segments".to_string()),
                    );
                } else {
                    pairs.insert(key, i);
                }
            }
        }
    }

    fn assistance(&mut self) {
        let s = self.s;
        for (i, p) in s.assistance.iter().enumerate() {
            let pp = path!["assistance", i];
            self.positive(p.deployment, with(&pp, "deployment"), "the deployment latency");
            self.positive(p.on_task, with(&pp, "on_task"), "the time on task");
            if p.size == 0 {
                self.error(
                    "out-of-range",
                    with(&pp, "size"),
                    format!("provider `{}` has no experts", p.id),
                    "zero",
                    None,
                );
            }
            if p.max_concurrent == 0 {
                self.error(
                    "out-of-range",
                    with(&pp, "max_concurrent"),
                    format!("provider `{}` can never deploy (max_concurrent is 0)", p.id),
                    "zero",
                    None,
                );
            }
            self.skills(&p.skills, &with(&pp, "skills"));
            for (j, n) in p.serves.iter().enumerate() {
                self.reference(|c| &c.nations, n, path!["assistance", i, "serves", j]);
            }
        }
    }

    fn sharing_agreements(&mut self) {
        let s = self.s;
        for (i, a) in s.sharing.iter().enumerate() {
            let unique: BTreeSet<&String> = a.between.iter().collect();
            if unique.len() < 2 {
                self.error(
                    "sharing-arity",
                    path!["sharing", i, "between"],
                    format!("sharing agreement `{}` needs at least two distinct nations", a.id),
                    "fewer than two nations",
                    None,
                );
            }
            for (j, n) in a.between.iter().enumerate() {
                self.reference(|c| &c.nations, n, path!["sharing", i, "between", j]);
            }
        }
    }

    fn campaigns(&mut self) {
        let s = self.s;
        let catalog = attack::catalog(&s.exercise.attack_version);
        let started_by_inject: BTreeSet<&str> = s
            .msel
            .iter()
            .flat_map(|i| &i.effects)
            .filter_map(|e| match e {
                InjectEffect::StartCampaign { campaign } => Some(campaign.as_str()),
                _ => None,
            })
            .collect();
        for (i, camp) in s.campaigns.iter().enumerate() {
            let cp = path!["campaigns", i];
            self.fraction(camp.recovery.resistance, path!["campaigns", i, "recovery", "resistance"], "resistance");
            self.fraction(
                camp.actor.sophistication,
                path!["campaigns", i, "actor", "sophistication"],
                "sophistication",
            );
            match camp.start {
                Some(t) if t > s.clock.duration => self.error(
                    "outside-window",
                    with(&cp, "start"),
                    format!(
                        "campaign `{}` starts at T+{t}, after ENDEX (clock.duration {})",
                        camp.id, s.clock.duration
                    ),
                    "after the end of the exercise",
                    Some("start it within the exercise window".to_string()),
                ),
                None if !started_by_inject.contains(camp.id.as_str()) => self.warn(
                    "never-starts",
                    with(&cp, "id"),
                    format!("campaign `{}` has no `start` and no inject starts it", camp.id),
                    "never starts",
                    Some(
                        "give it `start: 2h`, or add an inject effect `- start_campaign: { campaign: … }`".to_string(),
                    ),
                ),
                _ => {}
            }
            // Entry.
            let ep = with(&cp, "entry");
            self.technique(catalog, &camp.entry.technique, Some("TA0001"), with(&ep, "technique"));
            if camp.entry.host_groups.is_empty() {
                self.error(
                    "empty-entry",
                    with(&ep, "host_groups"),
                    format!("campaign `{}` has no entry host group", camp.id),
                    "empty",
                    None,
                );
            }
            let mut entry_ok = true;
            for (j, g) in camp.entry.host_groups.iter().enumerate() {
                entry_ok &= self.reference(|c| &c.groups, g, path!["campaigns", i, "entry", "host_groups", j]);
            }
            if camp.entry.footholds == 0 && camp.entry.fraction.is_none() {
                self.error(
                    "out-of-range",
                    with(&ep, "footholds"),
                    "an entry needs at least one foothold".into(),
                    "zero",
                    None,
                );
            }
            if let Some(f) = camp.entry.fraction
                && !(f > 0.0 && f <= 1.0)
            {
                self.error(
                    "out-of-range",
                    with(&ep, "fraction"),
                    format!("entry fraction must lie in (0, 1], not {f}"),
                    "outside (0, 1]",
                    None,
                );
            }
            // Targets.
            let tp = with(&cp, "targets");
            let mut targets_ok = true;
            for (j, n) in camp.targets.nations.iter().enumerate() {
                targets_ok &= self.reference(|c| &c.nations, n, path!["campaigns", i, "targets", "nations", j]);
            }
            for (j, g) in camp.targets.segments.iter().enumerate() {
                targets_ok &= self.reference(|c| &c.segments, g, path!["campaigns", i, "targets", "segments", j]);
            }
            // Stages.
            if camp.stages.is_empty() {
                self.error(
                    "no-stages",
                    with(&cp, "stages"),
                    format!("campaign `{}` has no stages", camp.id),
                    "empty",
                    None,
                );
            }
            let mut stage_ids: BTreeMap<&str, usize> = BTreeMap::new();
            for (k, st) in camp.stages.iter().enumerate() {
                let sp = path!["campaigns", i, "stages", k];
                if let Some(first) = stage_ids.insert(&st.id, k) {
                    self.error(
                        "duplicate-id",
                        with(&sp, "id"),
                        format!("duplicate stage id `{}` in campaign `{}`", st.id, camp.id),
                        "defined a second time here",
                        Some(format!("first defined at `campaigns[{i}].stages[{first}].id`")),
                    );
                }
                if !attack::is_tactic_id(&st.tactic) {
                    self.error(
                        "malformed-attack-id",
                        with(&sp, "tactic"),
                        format!("`{}` is not an ATT&CK tactic id", st.tactic),
                        "expected TA followed by four digits",
                        Some("tactic ids look like `TA0040` (Impact)".to_string()),
                    );
                } else if let Some(cat) = catalog
                    && cat.get(&st.tactic).is_none()
                {
                    self.warn(
                        "unknown-attack-id",
                        with(&sp, "tactic"),
                        format!("tactic `{}` is not in ATT&CK Enterprise {}", st.tactic, cat.version()),
                        "unknown tactic",
                        None,
                    );
                }
                let tactic = attack::is_tactic_id(&st.tactic).then_some(st.tactic.as_str());
                self.technique(catalog, &st.technique, tactic, with(&sp, "technique"));
                self.fraction(st.probability, with(&sp, "probability"), "stage probability");
                self.fraction(st.stealth, with(&sp, "stealth"), "stealth");
                self.delay(&st.cadence, with(&sp, "cadence"));
                if let Some(l) = &st.lateral
                    && l.fanout == 0
                {
                    self.error(
                        "out-of-range",
                        path!["campaigns", i, "stages", k, "lateral", "fanout"],
                        "fanout must be at least 1".into(),
                        "zero",
                        None,
                    );
                }
                if let Some(effect) = &st.effect {
                    if st.tactic != "TA0040" && st.tactic != "TA0010" {
                        self.warn(
                            "effect-outside-impact",
                            with(&sp, "effect"),
                            format!(
                                "stage `{}` has an impact effect but its tactic is {} rather than TA0040 (Impact)",
                                st.id, st.tactic
                            ),
                            "effect on a non-impact stage",
                            None,
                        );
                    }
                    match effect {
                        Effect::Disrupt { service, duration } => {
                            self.reference(
                                |c| &c.services,
                                service,
                                path!["campaigns", i, "stages", k, "effect", "disrupt", "service"],
                            );
                            self.positive(
                                *duration,
                                path!["campaigns", i, "stages", k, "effect", "disrupt", "for"],
                                "the disruption",
                            );
                        }
                        Effect::Exfiltrate { mb_per_host: 0 } => self.warn(
                            "zero-effect",
                            path!["campaigns", i, "stages", k, "effect", "exfiltrate", "mb_per_host"],
                            "exfiltration of 0 MB per host has no effect".into(),
                            "zero",
                            None,
                        ),
                        _ => {}
                    }
                }
            }
            if entry_ok && targets_ok && self.links_ok {
                self.reachability(i, camp, &tp);
            }
        }
    }

    fn technique(&mut self, catalog: Option<&attack::Catalog>, id: &str, tactic: Option<&str>, path: Vec<Seg>) {
        if !attack::is_technique_id(id) {
            self.error(
                "malformed-attack-id",
                path,
                format!("`{id}` is not an ATT&CK technique id"),
                "expected T followed by four digits",
                Some("technique ids look like `T1486` or, for a sub-technique, `T1566.001`".to_string()),
            );
            return;
        }
        let Some(cat) = catalog else { return };
        match cat.get(id) {
            None => {
                let near: Vec<String> = cat.closest(id, 3).iter().map(|e| format!("`{}` {}", e.id, e.name)).collect();
                self.warn(
                    "unknown-attack-id",
                    path,
                    format!("technique `{id}` is not in ATT&CK Enterprise {}", cat.version()),
                    "unknown technique",
                    (!near.is_empty()).then(|| format!("closest known: {}", near.join(", "))),
                );
            }
            Some(e) if e.status != attack::Status::Active => {
                let status = if e.status == attack::Status::Revoked { "revoked" } else { "deprecated" };
                self.warn(
                    "retired-attack-id",
                    path,
                    format!("technique `{id}` ({}) is {status} in ATT&CK Enterprise {}", e.name, cat.version()),
                    status,
                    Some("use its replacement from the pinned ATT&CK version".to_string()),
                );
            }
            Some(e) => {
                if let Some(t) = tactic
                    && cat.get(t).is_some()
                    && !cat.technique_in_tactic(id, t)
                {
                    let name = cat.get(t).map(|x| x.name).unwrap_or("");
                    self.warn(
                        "technique-tactic-mismatch",
                        path,
                        format!("technique `{id}` ({}) is not listed under tactic `{t}` ({name})", e.name),
                        "tactic mismatch",
                        Some(format!("`{id}` belongs to: {}", e.tactics.join(", "))),
                    );
                }
            }
        }
    }

    fn delay(&mut self, d: &Delay, path: Vec<Seg>) {
        match d {
            Delay::Fixed(t) => self.positive(*t, path, "the cadence"),
            Delay::Distribution(DelayDistribution::Exponential { mean }) => {
                self.positive(*mean, with(&with(&path, "exponential"), "mean"), "the mean cadence");
            }
            Delay::Distribution(DelayDistribution::Uniform { min, max }) => {
                let up = with(&path, "uniform");
                self.positive(*min, with(&up, "min"), "the shortest cadence");
                if max < min {
                    self.error(
                        "out-of-range",
                        with(&up, "max"),
                        format!("max {max} is shorter than min {min}"),
                        "max < min",
                        None,
                    );
                }
            }
        }
    }

    /// Segment adjacency through links that do not block everything (filtering < 1), both ways.
    fn open_links(&self) -> BTreeMap<(usize, usize), Vec<(usize, usize)>> {
        let mut adjacency: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
        for link in self.s.links.iter().filter(|l| l.between.len() == 2 && l.filtering < 1.0) {
            let (Some(&a), Some(&b)) =
                (self.segment_at.get(link.between[0].as_str()), self.segment_at.get(link.between[1].as_str()))
            else {
                continue;
            };
            adjacency.entry(a).or_default().push(b);
            adjacency.entry(b).or_default().push(a);
        }
        adjacency
    }

    /// Can the entry reach at least one target host through links and lateral movement?
    fn reachability(&mut self, i: usize, camp: &Campaign, targets_path: &[Seg]) {
        let s = self.s;
        let reach = camp
            .stages
            .iter()
            .filter_map(|st| st.lateral.as_ref())
            .map(|l| l.reach)
            .max_by_key(|r| matches!(r, Reach::Linked));
        let mut reachable: BTreeSet<(usize, usize)> = camp
            .entry
            .host_groups
            .iter()
            .filter_map(|g| self.group_at.get(g.as_str()).map(|&(n, sg, _)| (n, sg)))
            .collect();
        if reach == Some(Reach::Linked) {
            let adjacency = self.open_links();
            let mut frontier: Vec<(usize, usize)> = reachable.iter().copied().collect();
            while let Some(at) = frontier.pop() {
                for &to in adjacency.get(&at).map(Vec::as_slice).unwrap_or(&[]) {
                    if reachable.insert(to) {
                        frontier.push(to);
                    }
                }
            }
        }
        let any_target_host = s.nations.iter().enumerate().any(|(n, nation)| {
            nation.segments.iter().enumerate().any(|(g, seg)| {
                seg.host_groups.iter().any(|h| {
                    h.count > 0
                        && is_target(&camp.targets, nation, seg, h)
                        && (reachable.contains(&(n, g)) || camp.entry.host_groups.contains(&h.id))
                })
            })
        });
        if any_target_host {
            return;
        }
        let matches_anywhere = s.nations.iter().any(|nation| {
            nation
                .segments
                .iter()
                .any(|seg| seg.host_groups.iter().any(|h| h.count > 0 && is_target(&camp.targets, nation, seg, h)))
        });
        if !matches_anywhere {
            self.error(
                "no-targets",
                targets_path.to_vec(),
                format!("campaign `{}`'s targets match no host in the scenario", camp.id),
                "matches nothing",
                Some("loosen `targets` (nations, segments, segment_kinds, roles, criticality_at_least)".to_string()),
            );
            return;
        }
        let entry: Vec<&str> = camp.entry.host_groups.iter().map(String::as_str).collect();
        let why = match reach {
            None => "no stage moves laterally, so only the entry host groups can be hit",
            Some(Reach::Segment) => "lateral movement is limited to the entry segments (`reach: segment`)",
            Some(Reach::Linked) => "no chain of links with filtering below 1 joins the entry to a target",
        };
        self.error(
            "unreachable-targets",
            path!["campaigns", i, "entry", "host_groups"],
            format!("campaign `{}`'s entry cannot reach any of its targets", camp.id),
            "no path from here to a target",
            Some(format!(
                "entry host groups: {}; {why}. Add a link, a lateral stage, or change the targets",
                entry.join(", ")
            )),
        );
    }

    fn msel(&mut self) {
        let s = self.s;
        for (i, inj) in s.msel.iter().enumerate() {
            let ip = path!["msel", i];
            match (&inj.at, &inj.trigger) {
                (None, None) => {
                    self.error(
                        "inject-without-time",
                        with(&ip, "id"),
                        format!("inject `{}` has neither `at` nor `trigger`", inj.id),
                        "never fires",
                        Some("give it a scheduled time (`at: 2h`) or a trigger (`trigger: { event: first_detection, campaign: … }`)".to_string()),
                    );
                    self.rests_on(vec![with(&ip, "at"), with(&ip, "trigger")]);
                }
                (Some(_), Some(_)) => self.error(
                    "inject-time-and-trigger",
                    with(&ip, "trigger"),
                    format!("inject `{}` has both `at` and `trigger`", inj.id),
                    "choose one",
                    Some("keep `at` for a scheduled inject, or `trigger` for a triggered one".to_string()),
                ),
                _ => {}
            }
            if let Some(at) = inj.at
                && at > s.clock.duration
            {
                self.error(
                    "outside-window",
                    with(&ip, "at"),
                    format!(
                        "inject `{}` at T+{at} is outside the exercise window (ENDEX at T+{})",
                        inj.id, s.clock.duration
                    ),
                    "after ENDEX",
                    Some("schedule it within `clock.duration`".to_string()),
                );
            }
            if let Some(t) = &inj.trigger {
                let tp = with(&ip, "trigger");
                let campaign_event = matches!(
                    t.event,
                    TriggerEvent::FirstCompromise | TriggerEvent::FirstDetection | TriggerEvent::Impact
                );
                match &t.campaign {
                    Some(c) => {
                        self.reference(|x| &x.campaigns, c, with(&tp, "campaign"));
                    }
                    None if campaign_event => self.error(
                        "trigger-needs-campaign",
                        with(&tp, "event"),
                        format!("trigger `{}` needs the campaign it watches", name_of(&t.event)),
                        "which campaign?",
                        Some("add `campaign: <campaign id>` to the trigger".to_string()),
                    ),
                    None => {}
                }
                if let Some(n) = &t.nation {
                    self.reference(|x| &x.nations, n, with(&tp, "nation"));
                }
                match &t.inject {
                    Some(other) if self.reference(|x| &x.injects, other, with(&tp, "inject")) && other == &inj.id => {
                        self.error(
                            "trigger-cycle",
                            with(&tp, "inject"),
                            format!("inject `{}` triggers on itself", inj.id),
                            "self-trigger",
                            None,
                        );
                    }
                    Some(_) => {}
                    None if t.event == TriggerEvent::InjectDelivered => self.error(
                        "trigger-needs-inject",
                        with(&tp, "event"),
                        "trigger `inject_delivered` needs the inject it follows".into(),
                        "which inject?",
                        Some("add `inject: <inject id>` to the trigger".to_string()),
                    ),
                    None => {}
                }
            }
            if let Some(to) = &inj.to {
                self.recipient(i, to);
            }
            for (j, o) in inj.objectives.iter().enumerate() {
                self.reference(|x| &x.objectives, o, path!["msel", i, "objectives", j]);
            }
            for (j, e) in inj.expects.iter().enumerate() {
                self.expectation(e, path!["msel", i, "expects", j]);
            }
            for (j, e) in inj.effects.iter().enumerate() {
                let ep = path!["msel", i, "effects", j];
                match e {
                    InjectEffect::ShareIndicators { campaign, to } => {
                        let p = with(&ep, "share_indicators");
                        self.reference(|x| &x.campaigns, campaign, with(&p, "campaign"));
                        for (k, n) in to.iter().enumerate() {
                            self.reference(|x| &x.nations, n, with(&with(&p, "to"), k));
                        }
                    }
                    InjectEffect::TeamCapacity { team, .. } => {
                        self.reference(|x| &x.teams, team, with(&with(&ep, "team_capacity"), "team"));
                    }
                    InjectEffect::StartCampaign { campaign } => {
                        self.reference(|x| &x.campaigns, campaign, with(&with(&ep, "start_campaign"), "campaign"));
                    }
                    InjectEffect::ServiceDown { service, duration } => {
                        let p = with(&ep, "service_down");
                        self.reference(|x| &x.services, service, with(&p, "service"));
                        self.positive(*duration, with(&p, "for"), "the outage");
                    }
                    InjectEffect::RequestAssistance { nation, provider } => {
                        let p = with(&ep, "request_assistance");
                        self.reference(|x| &x.nations, nation, with(&p, "nation"));
                        self.reference(|x| &x.providers, provider, with(&p, "provider"));
                    }
                }
            }
        }
    }

    /// One expectation of an inject: its shape (`action` or `response`, with the keys that shape
    /// takes), who acts, and what it names.
    fn expectation(&mut self, e: &Expectation, ep: Vec<Seg>) {
        self.expectation_shape(e, &ep);
        if !(self.teams.contains(&e.by) || self.nations.contains(&e.by)) {
            let valid = self.teams.defined.keys().chain(self.nations.defined.keys()).map(String::as_str);
            let near = closest(&e.by, valid.clone(), 3);
            let rule = "`by` names a national team id or a nation id";
            let help = if self.providers.contains(&e.by) {
                format!("`{}` is an assistance provider, which takes no decisions of its own; {rule}", e.by)
            } else if let Some(first) = near.first() {
                format!("did you mean `{first}`? {rule}")
            } else {
                format!("{rule}; defined team and nation ids: {}", valid.take(12).collect::<Vec<_>>().join(", "))
            };
            self.error(
                "dangling-reference",
                with(&ep, "by"),
                format!("unknown team or nation `{}`", e.by),
                "no team or nation has this id",
                Some(help),
            );
        }
        if let Some(a) = &e.action
            && !EXPECTABLE_ACTIONS.contains(&a.as_str())
        {
            let all = EXPECTABLE_ACTIONS.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
            let help = if EXCON_ACTIONS.contains(&a.as_str()) {
                format!("`{a}` is an exercise-control action, not a team's; players' actions: {all}")
            } else if let Some(near) = closest(a, EXPECTABLE_ACTIONS.iter().copied(), 1).first() {
                format!("did you mean `{near}`? Players' actions: {all}")
            } else {
                format!("players' actions: {all}")
            };
            self.error(
                "unknown-value",
                with(&ep, "action"),
                format!("`{a}` is not an action a team can take"),
                "not a player's action",
                Some(help),
            );
        }
        if let Some(w) = e.within {
            self.positive(w, with(&ep, "within"), "the deadline `within`");
        }
        if let Some(to) = &e.to {
            self.reference(|x| &x.nations, to, with(&ep, "to"));
        }
        if let Some(c) = &e.campaign {
            self.reference(|x| &x.campaigns, c, with(&ep, "campaign"));
        }
        if let Some(p) = e.points
            && !(p > 0.0 && p.is_finite())
        {
            self.error(
                "out-of-range",
                with(&ep, "points"),
                format!("an expectation must be worth more than 0 points, not {p}"),
                "not > 0",
                Some("write the points it is worth, such as `10`".to_string()),
            );
        }
    }

    /// An expectation has exactly one of `action` and `response`, the keys its shape needs, and
    /// none of the other shape's.
    fn expectation_shape(&mut self, e: &Expectation, ep: &[Seg]) {
        let shapes = "`action: <type>` with `within` and optional `points` (checked from the decisions), or \
                      `response: manual` with `description` and `points` (checked by an evaluator)";
        let (needs, refuses): (&[KeyGiven], &[KeyGiven]) = match (&e.action, &e.response) {
            (None, None) | (Some(_), Some(_)) => {
                let both = e.action.is_some();
                self.error(
                    "expectation-kind",
                    with(ep, if both { "response" } else { "id" }),
                    format!(
                        "expectation `{}` has {} `action` and `response`",
                        e.id,
                        if both { "both" } else { "neither" }
                    ),
                    if both { "choose one" } else { "what is expected?" },
                    Some(format!("an expectation is either {shapes}")),
                );
                self.rests_on(vec![with(ep, "action"), with(ep, "response")]);
                return;
            }
            (Some(_), None) => (&[("within", e.within.is_some())], &[]),
            (None, Some(_)) => (
                &[("description", e.description.is_some()), ("points", e.points.is_some())],
                &[("within", e.within.is_some()), ("to", e.to.is_some()), ("campaign", e.campaign.is_some())],
            ),
        };
        let kind = if e.action.is_some() { "an `action` expectation" } else { "a `response: manual` expectation" };
        for &(key, given) in needs {
            if !given {
                self.error(
                    "missing-key",
                    with(ep, "id"),
                    format!("expectation `{}` is missing `{key}`, which {kind} needs", e.id),
                    &format!("add `{key}`"),
                    Some(format!("an expectation is either {shapes}")),
                );
                self.rests_on(vec![with(ep, key)]);
            }
        }
        for &(key, given) in refuses {
            if given {
                self.error(
                    "expectation-key",
                    with(ep, key),
                    format!("`{key}` does not apply to {kind}"),
                    "not for this kind of expectation",
                    Some(format!("remove `{key}`; an expectation is either {shapes}")),
                );
            }
        }
    }

    /// An inject's `to`: what the engine can deliver to, i.e. a nation id, a national team id (both
    /// resolve to the nation) or `all`. Assistance providers receive no injects.
    fn recipient(&mut self, i: usize, to: &str) {
        if to == "all" || self.nations.contains(to) || self.teams.contains(to) {
            return;
        }
        let valid = self.nations.defined.keys().chain(self.teams.defined.keys()).map(String::as_str);
        let near = closest(to, valid.clone().chain(["all"]), 3);
        let rule = "a recipient is a nation id, a national team id, or `all`";
        let help = if self.providers.contains(to) {
            format!("`{to}` is an assistance provider, which receives no injects; {rule}")
        } else if let Some(first) = near.first() {
            let list = near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            format!("did you mean `{first}`? Closest recipients: {list}; {rule}")
        } else {
            let all: Vec<&str> = valid.take(12).collect();
            format!("{rule}; defined nation and team ids: {}", all.join(", "))
        };
        self.error(
            "dangling-reference",
            path!["msel", i, "to"],
            format!("unknown inject recipient `{to}`"),
            "no nation or national team has this id",
            Some(help),
        );
    }

    fn objectives(&mut self) {
        let s = self.s;
        for (i, o) in s.objectives.iter().enumerate() {
            let op = path!["objectives", i];
            let known = o.scope == "alliance"
                || self.nations.contains(&o.scope)
                || self.teams.contains(&o.scope)
                || self.providers.contains(&o.scope);
            if !known {
                let all =
                    self.nations.defined.keys().chain(self.teams.defined.keys()).chain(self.providers.defined.keys());
                let near = closest(&o.scope, all.map(String::as_str).chain(["alliance"]), 3);
                let help = match near.first() {
                    Some(n) => format!("did you mean `{n}`? A scope is a nation, team or provider id, or `alliance`"),
                    None => "a scope is a nation, team or provider id, or `alliance`".to_string(),
                };
                self.error(
                    "dangling-reference",
                    with(&op, "scope"),
                    format!("unknown scope `{}`", o.scope),
                    "no nation, team or provider has this id",
                    Some(help),
                );
            }
            if let Some(c) = &o.campaign {
                self.reference(|x| &x.campaigns, c, with(&op, "campaign"));
            }
            if let Some(v) = &o.service {
                self.reference(|x| &x.services, v, with(&op, "service"));
            }
            match (o.metric, &o.target) {
                (None, _) => {
                    let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
                    self.error(
                        "unmeasurable-objective",
                        with(&op, "id"),
                        format!("objective `{}` has no measurable metric", o.id),
                        "cannot be rated",
                        Some(format!("add `metric:` and `target:`; metrics: {}", names.join(", "))),
                    );
                }
                (Some(m), None) => self.error(
                    "objective-without-target",
                    with(&op, "metric"),
                    format!("objective `{}` has a metric but no target", o.id),
                    "measured against what?",
                    Some(format!("add `target:` for `{}`", m.name())),
                ),
                (Some(m), Some(t)) => {
                    if let Err((why, hint)) = m.parse_target(t) {
                        self.error(
                            "invalid-target",
                            with(&op, "target"),
                            format!("objective `{}`: {why}", o.id),
                            "wrong kind of target",
                            hint,
                        );
                    }
                }
            }
            for (j, tag) in o.csf.iter().enumerate() {
                if !is_csf_tag(tag) {
                    self.error(
                        "invalid-csf-tag",
                        path!["objectives", i, "csf", j],
                        format!("`{tag}` is not a NIST CSF 2.0 category or subcategory"),
                        "not a CSF id",
                        Some("write a category such as `RS.MI` or a subcategory such as `DE.AE-08`".to_string()),
                    );
                }
            }
        }
    }

    /// Objectives the clock gives no chance (docs §18.3): nothing they measure can happen before
    /// ENDEX, or a time target is longer than the time left once the measured interval can open.
    /// Only certain cases: every bound is the soonest the scenario allows.
    fn objective_windows(&mut self) {
        let s = self.s;
        let earliest = Earliest::of(s);
        for (i, o) in s.objectives.iter().enumerate() {
            let tied = o.campaign.as_ref().and_then(|id| s.campaigns.iter().position(|c| &c.id == id));
            let timed = o.metric.filter(|m| {
                o.target.as_ref().is_some_and(|t| matches!(m.parse_target(t), Ok(TargetValue::Duration(_))))
            });
            let opens = match timed {
                Some(m) => earliest.opens(s, o, m),
                None => tied.and_then(|c| Some((Opener::Campaign(c), earliest.campaigns[c]?))),
            };
            let Some((opener, at)) = opens else { continue };
            let own = matches!(opener, Opener::Campaign(c) if tied == Some(c));
            let what = match opener {
                Opener::Campaign(c) if own => format!("campaign `{}` can start", s.campaigns[c].id),
                Opener::Campaign(c) => format!("any campaign can start (`{}`)", s.campaigns[c].id),
                Opener::Request => "assistance can be requested".to_string(),
            };
            let sooner = match opener {
                Opener::Campaign(c) => format!("start `{}` earlier", s.campaigns[c].id),
                Opener::Request => "make an assistance request possible earlier".to_string(),
            };
            if at >= s.clock.duration.secs() {
                let field = if own { "campaign" } else { "metric" };
                self.warn(
                    "never-observed",
                    path!["objectives", i, field],
                    format!(
                        "objective `{}` can never be observed: the soonest {what} is T+{}, and ENDEX is at T+{}",
                        o.id,
                        Duration(at),
                        s.clock.duration
                    ),
                    "nothing to measure before ENDEX",
                    Some(format!("it will always be rated N/A: {sooner} or extend `clock.duration`")),
                );
            } else {
                self.target_window(i, o, at, &what, &sooner);
            }
        }
    }

    /// A time target longer than the time from `at`, the soonest the measured interval can open, to
    /// ENDEX: every measured value then stays below the target, so the rating can only be P, U or
    /// N/A, and ENDEX, not the target, decides between them.
    fn target_window(&mut self, i: usize, o: &Objective, at: u64, what: &str, sooner: &str) {
        let clock = &self.s.clock;
        let (Some(metric), Some(target)) = (o.metric, &o.target) else { return };
        let Ok(TargetValue::Duration(target)) = metric.parse_target(target) else { return };
        let left = clock.duration.secs().saturating_sub(at);
        if target.secs() <= left {
            return;
        }
        let tick = clock.tick.secs().max(1);
        let needed = Duration(at.saturating_add(target.secs()).div_ceil(tick).saturating_mul(tick));
        self.warn(
            "target-exceeds-window",
            path!["objectives", i, "target"],
            format!(
                "objective `{}` targets {} ≤ {target}, but only {} remain from T+{}, the soonest {what}, to ENDEX at T+{}",
                o.id,
                metric.name(),
                Duration(left),
                Duration(at),
                clock.duration
            ),
            "longer than the time left",
            Some(format!(
                "what is not done by ENDEX is censored, not measured against the target, so this objective can only \
                 rate P, U or N/A (docs §18.3); extend `clock.duration` to at least {needed}, {sooner}, or shorten the \
                 target to {} or less",
                Duration(left)
            )),
        );
    }

    fn scoring(&mut self) {
        let w = &self.s.scoring.weights;
        let all = [
            ("availability", w.availability),
            ("attack_resistance", w.attack_resistance),
            ("incident_response", w.incident_response),
            ("reporting", w.reporting),
        ];
        for (name, v) in all {
            if !(v.is_finite() && v >= 0.0) {
                self.error(
                    "out-of-range",
                    path!["scoring", "weights", name],
                    format!("weight `{name}` must be zero or more, not {v}"),
                    "negative",
                    None,
                );
            }
        }
        if all.iter().map(|a| a.1).sum::<f64>() <= 0.0 {
            self.error(
                "out-of-range",
                path!["scoring", "weights"],
                "the score weights add up to zero".into(),
                "nothing scores",
                None,
            );
        }
        let r = &self.s.scoring.ratings;
        if !(r.some_challenges >= 1.0 && r.major_challenges >= r.some_challenges && r.major_challenges.is_finite()) {
            self.error(
                "out-of-range",
                path!["scoring", "ratings"],
                format!(
                    "rating thresholds must satisfy 1 ≤ some_challenges ≤ major_challenges (got {} and {})",
                    r.some_challenges, r.major_challenges
                ),
                "inconsistent thresholds",
                None,
            );
        }
    }
}

/// Whether a host group in a segment of a nation is one of a campaign's targets.
pub fn is_target(t: &Targets, nation: &Nation, seg: &Segment, group: &HostGroup) -> bool {
    (t.nations.is_empty() || t.nations.contains(&nation.id))
        && (t.segments.is_empty() || t.segments.contains(&seg.id))
        && (t.segment_kinds.is_empty() || t.segment_kinds.contains(&seg.kind))
        && (t.roles.is_empty() || t.roles.contains(&group.role))
        && t.criticality_at_least.is_none_or(|c| group.criticality >= c)
}

fn is_csf_tag(tag: &str) -> bool {
    let (cat, sub) = match tag.split_once('-') {
        Some((c, n)) => (c, Some(n)),
        None => (tag, None),
    };
    let Some((func, code)) = cat.split_once('.') else { return false };
    ["GV", "ID", "PR", "DE", "RS", "RC"].contains(&func)
        && code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && sub.is_none_or(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// ISO 3166-1 alpha-3 codes officially assigned, plus the user-assigned ranges AAA–AAZ, QMA–QZZ,
/// XAA–XZZ and ZZA–ZZZ (fictional exercise nations, Kosovo's XKX).
pub fn is_iso_alpha3(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let user_assigned = (b[0] == b'A' && b[1] == b'A')
        || (b[0] == b'Q' && b[1] >= b'M')
        || b[0] == b'X'
        || (b[0] == b'Z' && b[1] == b'Z');
    user_assigned || ISO_ALPHA3.split(' ').any(|c| c == code)
}

/// ISO 3166-1 alpha-3 codes officially assigned, space-separated.
pub const ISO_ALPHA3: &str = "ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE";

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter template, which validates without findings.
    fn starter() -> Scenario {
        let text = include_str!("starter.yaml");
        let loaded = crate::scenario::load_bytes("starter", text.as_bytes()).map_err(|r| r.diagnostics).unwrap();
        assert!(loaded.warnings.is_empty());
        loaded.scenario
    }

    #[test]
    fn findings_are_capped_while_collected_and_the_rest_counted() {
        let mut s = starter();
        let runs_on = s.nations[0].services[0].runs_on.clone();
        for i in 0..MAX_FINDINGS + 50 {
            s.nations[0].services.push(Service {
                id: format!("BOMB-{i}"),
                name: None,
                runs_on: runs_on.clone(),
                quorum: 1.0,
                weight: 1.0,
                depends_on: vec!["NOPE".into()],
            });
        }
        let found = validate(&s);
        assert_eq!(found.len(), MAX_FINDINGS + 1);
        let last = found.iter().find(|f| f.code == "too-many-problems").unwrap();
        assert!(last.message.starts_with("50 more error(s) not shown"), "{}", last.message);
    }

    /// (code, path, help) of every finding of one severity.
    fn findings(s: &Scenario, severity: Severity) -> Vec<(&'static str, String, String)> {
        validate(s)
            .into_iter()
            .filter(|f| f.severity == severity)
            .map(|f| (f.code, show_path(&f.path), f.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn inject_recipients_are_nations_national_teams_or_all() {
        let mut s = starter();
        for ok in ["all", "LTU", "CERT-LT"] {
            s.msel[0].to = Some(ok.into());
            assert_eq!(findings(&s, Severity::Error), [], "{ok}");
        }
        let mut rejected = |to: &str| {
            s.msel[1].to = Some(to.into());
            let mut f = findings(&s, Severity::Error);
            assert_eq!(f.len(), 1, "{to}: {f:?}");
            let (code, path, help) = f.remove(0);
            assert_eq!((code, path.as_str()), ("dangling-reference", "msel[1].to"));
            help
        };
        assert!(rejected("CERT-LTU").starts_with("did you mean `CERT-LT`?"));
        assert!(rejected("ALL").starts_with("did you mean `all`?"));
        assert!(rejected("NATO-RRT").contains("`NATO-RRT` is an assistance provider"));
        assert_eq!(
            rejected("no-such-team"),
            "a recipient is a nation id, a national team id, or `all`; defined nation and team ids: LTU, CERT-LT"
        );
    }

    #[test]
    fn generated_networks_are_checked_against_their_segment() {
        let topo = Topology::bare;
        let with_topology = |t: Topology, count: u64| {
            let mut s = starter();
            for (i, g) in s.nations[0].segments[0].host_groups.iter_mut().enumerate() {
                g.count = if i == 0 { count } else { 0 };
            }
            s.nations[0].segments[0].topology = Some(t);
            s
        };
        let errors = |s: &Scenario| {
            findings(s, Severity::Error).into_iter().map(|(c, p, _)| format!("{c} {p}")).collect::<Vec<_>>()
        };
        let at = "nations[0].segments[0].topology";
        let random = |d| Topology { mean_degree: Some(d), ..topo(TopologyKind::Random) };
        assert_eq!(errors(&with_topology(random(9.0), 10)), Vec::<String>::new());
        assert_eq!(errors(&with_topology(random(9.5), 10)), [format!("out-of-range {at}.mean_degree")]);
        assert_eq!(
            errors(&with_topology(topo(TopologyKind::Random), 10)),
            [format!("missing-topology-parameter {at}.kind")]
        );
        let ring = |k| Topology { neighbours: Some(k), ..topo(TopologyKind::SmallWorld) };
        assert_eq!(errors(&with_topology(ring(10), 10)), [format!("out-of-range {at}.neighbours")]);
        assert_eq!(errors(&with_topology(ring(8), 10)), Vec::<String>::new());
        // A parameter the shape does not use, and a network over one host, are warnings.
        let w = warnings(&with_topology(Topology { branching: Some(2), ..topo(TopologyKind::Line) }, 1));
        let codes: Vec<(&str, &str)> = w.iter().map(|(c, p, _, _)| (*c, p.as_str())).collect();
        assert!(codes.contains(&("unused-topology-parameter", &format!("{at}.branching"))), "{codes:?}");
        assert!(codes.contains(&("topology-without-links", &format!("{at}.kind"))), "{codes:?}");
        // Generated links count against a budget of their own.
        let dense = with_topology(random(200.0), 1_000_000);
        assert!(errors(&dense).contains(&"too-many-links nations".to_string()), "{:?}", errors(&dense));
        let mut s = starter();
        s.campaigns[0].recovery.resistance = 1.5;
        assert_eq!(errors(&s), ["out-of-range campaigns[0].recovery.resistance"]);
    }

    /// (code, path, message, help) of every warning.
    fn warnings(s: &Scenario) -> Vec<(&'static str, String, String, String)> {
        validate(s)
            .into_iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| (f.code, show_path(&f.path), f.message, f.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_time_target_longer_than_the_time_left_warns() {
        let mut s = starter();
        // OBJ-1: time_to_detect ≤ 4h on CAMP-1; ENDEX at T+1d. Exactly 4h left is still a fair chance.
        s.campaigns[0].start = Some(Duration::hours(20));
        assert_eq!(warnings(&s), []);
        s.campaigns[0].start = Some(Duration::hours(22));
        let w = warnings(&s);
        assert_eq!(w.len(), 1, "{w:#?}");
        let (code, path, message, help) = &w[0];
        assert_eq!((*code, path.as_str()), ("target-exceeds-window", "objectives[0].target"));
        assert_eq!(
            message,
            "objective `OBJ-1` targets time_to_detect ≤ 4h, but only 2h remain from T+22h, the soonest campaign \
             `CAMP-1` can start, to ENDEX at T+1d"
        );
        assert!(help.contains("can only rate P, U or N/A"), "{help}");
        assert!(
            help.ends_with(
                "extend `clock.duration` to at least 1d2h, start `CAMP-1` earlier, or shorten the target to 2h or less"
            ),
            "{help}"
        );
    }

    #[test]
    fn a_campaign_that_cannot_start_before_endex_leaves_its_objectives_unobserved() {
        let mut s = starter();
        s.objectives[1].metric = Some(Metric::StoppedBeforeImpact);
        s.objectives[1].target = Some(Scalar("true".into()));
        s.objectives[1].campaign = Some("CAMP-1".into());
        // Starting at ENDEX is allowed, but the last tick begins before it: the campaign never runs.
        s.campaigns[0].start = Some(s.clock.duration);
        let w = warnings(&s);
        let got: Vec<(&str, &str)> = w.iter().map(|f| (f.0, f.1.as_str())).collect();
        assert_eq!(
            got,
            [("never-observed", "objectives[0].campaign"), ("never-observed", "objectives[1].campaign")],
            "{w:#?}"
        );
        assert_eq!(
            w[0].2,
            "objective `OBJ-1` can never be observed: the soonest campaign `CAMP-1` can start is T+1d, and ENDEX is at T+1d"
        );
        assert_eq!(w[0].3, "it will always be rated N/A: start `CAMP-1` earlier or extend `clock.duration`");
        // Started only by an inject that fires too late: the same.
        s.campaigns[0].start = None;
        s.msel[1].at = Some(Duration::hours(23));
        s.msel[1].effects.push(InjectEffect::StartCampaign { campaign: "CAMP-1".into() });
        assert_eq!(warnings(&s).iter().map(|f| f.0).collect::<Vec<_>>(), ["target-exceeds-window"]);
        s.msel[1].at = Some(s.clock.duration);
        assert_eq!(warnings(&s).iter().map(|f| f.0).collect::<Vec<_>>(), ["never-observed", "never-observed"]);
    }

    #[test]
    fn nation_level_times_open_at_the_first_campaign_or_request() {
        let mut s = starter();
        s.campaigns[0].start = Some(Duration::hours(21));
        let mut o = s.objectives[0].clone();
        (o.id, o.campaign, o.scope) = ("OBJ-3".into(), None, "LTU".into());
        o.metric = Some(Metric::TimeToShareIndicators);
        o.target = Some(Scalar("2h".into()));
        s.objectives = vec![o.clone()];
        assert_eq!(warnings(&s), []);
        s.objectives[0].target = Some(Scalar("4h".into()));
        let w = warnings(&s);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].2.contains("only 3h remain from T+21h, the soonest any campaign can start (`CAMP-1`)"));
        // Time to assistance opens at the first request: MSEL-002 asks at T+6h, before the campaign.
        s.objectives[0].metric = Some(Metric::TimeToAssistance);
        s.objectives[0].target = Some(Scalar("1d".into()));
        let w = warnings(&s);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].2.contains("only 18h remain from T+6h, the soonest assistance can be requested"), "{w:#?}");
        assert!(w[0].3.contains("make an assistance request possible earlier"));
        s.objectives[0].target = Some(Scalar("18h".into()));
        assert_eq!(warnings(&s), []);
    }

    #[test]
    fn codes_and_tags() {
        assert!(is_iso_alpha3("EST") && is_iso_alpha3("USA") && is_iso_alpha3("XKX") && is_iso_alpha3("XBR"));
        assert!(!is_iso_alpha3("EE") && !is_iso_alpha3("ESTONIA") && !is_iso_alpha3("ABC") && !is_iso_alpha3("est"));
        assert_eq!(ISO_ALPHA3.split(' ').count(), 249);
        assert!(
            is_csf_tag("RS.MI")
                && is_csf_tag("DE.AE-08")
                && !is_csf_tag("RS")
                && !is_csf_tag("XX.MI")
                && !is_csf_tag("RS.MI-8")
        );
    }
}
