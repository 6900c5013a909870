//! The bundled MITRE ATT&CK Enterprise tables: tactic and technique ids, names, tactic membership and status per pinned ATT&CK version.
//!
//! The scenario validator checks every `TA####` tactic id and `T####` / `T####.###` technique id of
//! a scenario against the ATT&CK version the scenario pins (`exercise.attack_version`). Each
//! supported version is a TSV file under `src/scenario/attack/`, generated from MITRE's STIX data by
//! `scripts/gen-attack-table.py` (see that script for the source package and how to rerun it),
//! embedded with `include_str!` and parsed once on first use.
//!
//! Supported versions: [`supported_versions`]. Only 18.1 is bundled: ATT&CK v19 (April 2026)
//! renamed TA0005 to "Stealth", added TA0112 "Defense Impairment" and revoked T1562, but no
//! registry package reachable from here ships its STIX data, so no v19 table is invented.
//!
//! Revoked and deprecated entries stay in the tables with their [`Status`], so the validator can say
//! "T1002 is revoked in 18.1" rather than "unknown technique". Lookups never panic, whatever the
//! input; there is no `HashMap`: entries are a `Vec` sorted by id and searched by bisection.

use std::fmt;
use std::sync::OnceLock;

/// Bundled tables: (canonical version, TSV text). Keep sorted by version, oldest first.
const SOURCES: [(&str, &str); 1] = [("18.1", include_str!("attack/enterprise-18.1.tsv"))];

static VERSIONS: [&str; SOURCES.len()] = ["18.1"];

static CATALOGS: [OnceLock<Option<Catalog>>; SOURCES.len()] = [const { OnceLock::new() }; SOURCES.len()];

/// Queries longer than this get no edit-distance suggestions (ids are at most 9 characters).
const MAX_FUZZY_QUERY: usize = 16;

/// Largest edit distance [`Catalog::closest`] still suggests outside the query's technique family.
const MAX_SUGGEST_DISTANCE: usize = 3;

/// The ATT&CK versions with a bundled table, in canonical form (`"18.1"`).
pub fn supported_versions() -> &'static [&'static str] {
    &VERSIONS
}

/// The table for an ATT&CK Enterprise version: `"18.1"`, `"v18.1"` or `"enterprise-attack/18.1"`.
///
/// `None` when the version is not bundled (see [`supported_versions`]).
pub fn catalog(version: &str) -> Option<&'static Catalog> {
    let version = canonical_version(version);
    let index = SOURCES.iter().position(|(v, _)| *v == version)?;
    let (v, text) = SOURCES.get(index)?;
    CATALOGS.get(index)?.get_or_init(|| parse(v, text).ok()).as_ref()
}

fn canonical_version(version: &str) -> &str {
    let version = version.strip_prefix("enterprise-attack/").unwrap_or(version);
    version.strip_prefix('v').unwrap_or(version)
}

/// Whether `s` has the shape of a tactic id: `TA` and four digits (`TA0040`).
pub fn is_tactic_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6 && b.starts_with(b"TA") && b[2..].iter().all(u8::is_ascii_digit)
}

/// Whether `s` has the shape of a technique id: `T` and four digits, optionally `.` and three
/// digits for a sub-technique (`T1486`, `T1566.001`).
pub fn is_technique_id(s: &str) -> bool {
    let b = s.as_bytes();
    let parent = b.len() >= 5 && b[0] == b'T' && b[1..5].iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => parent,
        9 => parent && b[5] == b'.' && b[6..].iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The `T####` family prefix of a technique-looking string (`"T1566"` for `"T1566.009"`).
fn technique_family(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let family = b.len() >= 5 && b[0] == b'T' && b[1..5].iter().all(u8::is_ascii_digit);
    let ends = b.len() == 5 || b.get(5) == Some(&b'.');
    if family && ends { s.get(..5) } else { None }
}

/// Lifecycle state of an ATT&CK object in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Current: may be used.
    Active,
    /// Deprecated by MITRE: no longer maintained, no replacement.
    Deprecated,
    /// Revoked by MITRE: replaced by (merged into) another object.
    Revoked,
}

impl Status {
    /// The TSV spelling: `active`, `deprecated` or `revoked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Revoked => "revoked",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "deprecated" => Some(Status::Deprecated),
            "revoked" => Some(Status::Revoked),
            _ => None,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One tactic, technique or sub-technique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `TA0040`, `T1486` or `T1566.001`.
    pub id: &'static str,
    /// Display name in this version, e.g. `Data Encrypted for Impact`.
    pub name: &'static str,
    /// Shortnames of the tactics a technique belongs to, in matrix order (`["impact"]`); empty for
    /// tactics.
    pub tactics: Vec<&'static str>,
    /// Active, deprecated or revoked in this version.
    pub status: Status,
}

impl Entry {
    /// Whether this entry is a tactic (`TA####`).
    pub fn is_tactic(&self) -> bool {
        is_tactic_id(self.id)
    }

    /// Whether this entry is a sub-technique (`T####.###`).
    pub fn is_subtechnique(&self) -> bool {
        self.id.len() == 9
    }

    /// The parent technique id of a sub-technique (`T1566` for `T1566.001`).
    pub fn parent_id(&self) -> Option<&'static str> {
        if self.is_subtechnique() { self.id.get(..5) } else { None }
    }
}

/// The ATT&CK Enterprise table of one version: every tactic, technique and sub-technique, sorted by
/// id (byte order, so techniques `T…` come before tactics `TA…`).
#[derive(Debug)]
pub struct Catalog {
    version: &'static str,
    entries: Vec<Entry>,
    /// (tactic id, tactic shortname), sorted by id.
    shortnames: Vec<(&'static str, String)>,
}

impl Catalog {
    /// The canonical ATT&CK version, e.g. `"18.1"`.
    pub fn version(&self) -> &str {
        self.version
    }

    /// Every entry, sorted by id.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The tactics, sorted by id.
    pub fn tactics(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.is_tactic())
    }

    /// The entry with exactly this id (case-sensitive), whatever its status.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.binary_search_by(|e| e.id.cmp(id)).ok().and_then(|i| self.entries.get(i))
    }

    /// The shortname techniques use for a tactic: `"impact"` for `TA0040`.
    pub fn tactic_shortname(&self, tactic_id: &str) -> Option<&str> {
        self.shortnames
            .binary_search_by(|(id, _)| (*id).cmp(tactic_id))
            .ok()
            .and_then(|i| self.shortnames.get(i))
            .map(|(_, short)| short.as_str())
    }

    /// The tactic with this shortname: `TA0040` for `"impact"`.
    pub fn tactic_by_shortname(&self, shortname: &str) -> Option<&Entry> {
        let (id, _) = self.shortnames.iter().find(|(_, s)| s == shortname)?;
        self.get(id)
    }

    /// Whether the technique or sub-technique belongs to the tactic in this version. False when
    /// either id is unknown or the first is not a technique. Revoked and deprecated techniques keep
    /// the tactics MITRE last gave them; check [`Entry::status`] separately.
    pub fn technique_in_tactic(&self, technique_id: &str, tactic_id: &str) -> bool {
        let (Some(technique), Some(short)) = (self.get(technique_id), self.tactic_shortname(tactic_id)) else {
            return false;
        };
        !technique.is_tactic() && technique.tactics.contains(&short)
    }

    /// Up to `n` entries nearest to `id`, best first, for a "did you mean" hint.
    ///
    /// Ranking: an entry whose name equals the query (ignoring ASCII case, e.g. `"phishing"`)
    /// first; then entries of the query's kind (tactic for `TA…`, technique otherwise); then the
    /// query's technique family (`T1566` and its sub-techniques for `T1566.009`); then
    /// Damerau-Levenshtein distance to the id (the query upper-cased), active before deprecated and
    /// revoked, and id. Entries outside the family further than 3 edits away are left out, so
    /// garbage gets no suggestion. An exact id match comes back first.
    pub fn closest(&self, id: &str, n: usize) -> Vec<&Entry> {
        if n == 0 {
            return Vec::new();
        }
        let trimmed = id.trim();
        let query = trimmed.to_ascii_uppercase();
        let fuzzy = query.len() <= MAX_FUZZY_QUERY;
        let want_tactic = query.starts_with("TA");
        let family = technique_family(&query);
        let mut scored: Vec<_> = self
            .entries
            .iter()
            .filter_map(|e| {
                let by_name = e.name.eq_ignore_ascii_case(trimmed);
                let in_family = family.is_some() && e.id.get(..5) == family;
                let distance = if fuzzy { strsim::damerau_levenshtein(&query, e.id) } else { usize::MAX };
                if !(by_name || in_family || distance <= MAX_SUGGEST_DISTANCE) {
                    return None;
                }
                let key = (!by_name, e.is_tactic() != want_tactic, !in_family, distance, e.status);
                Some((key, e))
            })
            .collect();
        scored.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| a.id.cmp(b.id)));
        scored.into_iter().take(n).map(|(_, e)| e).collect()
    }
}

/// A tactic's shortname from its name: lower case, spaces to `-` ("Command and Control" ->
/// `command-and-control`). The generator asserts this matches the STIX `x_mitre_shortname`.
fn shortname_of(name: &str) -> String {
    name.to_ascii_lowercase().replace(' ', "-")
}

/// Parses one bundled TSV: `#` comment lines, then `id<TAB>name<TAB>tactics<TAB>status` lines.
fn parse(version: &'static str, text: &'static str) -> Result<Catalog, String> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("ATT&CK {version} table line {}", number + 1);
        let mut fields = line.split('\t');
        let (Some(id), Some(name), Some(tactics), Some(status), None) =
            (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(format!("{}: expected 4 tab-separated fields", at()));
        };
        let status = Status::parse(status).ok_or_else(|| format!("{}: bad status {status:?}", at()))?;
        let tactic = is_tactic_id(id);
        if !tactic && !is_technique_id(id) {
            return Err(format!("{}: malformed id {id:?}", at()));
        }
        if name.is_empty() {
            return Err(format!("{}: empty name", at()));
        }
        let tactics: Vec<&'static str> = if tactics.is_empty() { Vec::new() } else { tactics.split(',').collect() };
        if tactic != tactics.is_empty() {
            return Err(format!("{}: tactics column must be empty exactly for tactics", at()));
        }
        entries.push(Entry { id, name, tactics, status });
    }
    entries.sort_by(|a, b| a.id.cmp(b.id));
    if let Some(w) = entries.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(format!("ATT&CK {version} table: duplicate id {}", w[0].id));
    }
    let shortnames: Vec<(&'static str, String)> =
        entries.iter().filter(|e| e.is_tactic()).map(|e| (e.id, shortname_of(e.name))).collect();
    for e in &entries {
        if let Some(t) = e.tactics.iter().find(|t| !shortnames.iter().any(|(_, s)| s == *t)) {
            return Err(format!("ATT&CK {version} table: {} names unknown tactic {t:?}", e.id));
        }
    }
    Ok(Catalog { version, entries, shortnames })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v18() -> &'static Catalog {
        catalog("18.1").expect("18.1 is bundled")
    }

    #[test]
    fn every_supported_version_parses() {
        assert_eq!(supported_versions(), ["18.1"]);
        assert_eq!(supported_versions(), SOURCES.map(|(v, _)| v));
        for (version, text) in SOURCES {
            let parsed = parse(version, text).expect("bundled table parses");
            assert_eq!(parsed.version(), version);
            assert!(catalog(version).is_some());
        }
    }

    #[test]
    fn version_spellings() {
        for v in ["18.1", "v18.1", "enterprise-attack/18.1", "enterprise-attack/v18.1"] {
            assert_eq!(catalog(v).map(Catalog::version), Some("18.1"), "{v}");
        }
        for v in ["", "18", "18.0", "19", "19.0", "v19", "enterprise-attack/19.0", " 18.1", "V18.1x"] {
            assert!(catalog(v).is_none(), "{v}");
        }
        assert!(std::ptr::eq(v18(), catalog("v18.1").unwrap()), "parsed once");
    }

    #[test]
    fn known_ids_resolve() {
        let c = v18();
        let cases = [
            ("T1486", "Data Encrypted for Impact", &["impact"][..]),
            ("T1566.001", "Spearphishing Attachment", &["initial-access"]),
            ("T1195.002", "Compromise Software Supply Chain", &["initial-access"]),
            ("T1562.001", "Disable or Modify Tools", &["defense-evasion"]),
            ("T1070.001", "Clear Windows Event Logs", &["defense-evasion"]),
            ("TA0040", "Impact", &[]),
            ("TA0005", "Defense Evasion", &[]),
        ];
        for (id, name, tactics) in cases {
            let e = c.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!((e.id, e.name, e.tactics.as_slice()), (id, name, tactics));
            assert_eq!(e.status, Status::Active, "{id}");
        }
        let valid = c.get("T1078").unwrap();
        assert_eq!(valid.tactics, ["initial-access", "persistence", "privilege-escalation", "defense-evasion"]);
        assert_eq!(c.get("T1566.001").unwrap().parent_id(), Some("T1566"));
        assert_eq!(c.get("T1566").unwrap().parent_id(), None);
    }

    #[test]
    fn revoked_and_deprecated_are_kept() {
        let c = v18();
        assert_eq!(c.get("T1002").map(|e| (e.name, e.status)), Some(("Data Compressed", Status::Revoked)));
        assert_eq!(c.get("T1064").map(|e| (e.name, e.status)), Some(("Scripting", Status::Deprecated)));
        assert_eq!(Status::Revoked.to_string(), "revoked");
    }

    #[test]
    fn id_shapes() {
        for ok in ["TA0001", "TA0040", "TA9999"] {
            assert!(is_tactic_id(ok) && !is_technique_id(ok), "{ok}");
        }
        for ok in ["T1486", "T0000", "T1566.001", "T1195.002"] {
            assert!(is_technique_id(ok) && !is_tactic_id(ok), "{ok}");
        }
        let bad = [
            "",
            "T",
            "TA",
            "TA004",
            "TA00400",
            "ta0040",
            "TA004O",
            "T148",
            "T14860",
            "t1486",
            "T1486.",
            "T1486.1",
            "T1486.0001",
            "T1486,001",
            "T1486 ",
            " T1486",
            "T1486.00a",
            "T١٤٨٦",
            "TA٠٠٤٠",
            "T1486.٠٠١",
            "Ŧ1486",
            "1486",
            "T-1486",
        ];
        for s in bad {
            assert!(!is_tactic_id(s) && !is_technique_id(s), "{s:?}");
        }
    }

    #[test]
    fn malformed_and_unknown_ids_are_not_found() {
        let c = v18();
        for s in ["t1486", "T1486 ", "T1486.1", "ta0040", "", "T1486.0010", "Impact"] {
            assert!(c.get(s).is_none(), "{s:?}");
        }
        for s in ["T9999", "T1486.001", "T1566.999", "TA0099", "TA0112", "T1685"] {
            assert!(is_tactic_id(s) || is_technique_id(s));
            assert!(c.get(s).is_none(), "{s} is well-formed but not in 18.1");
        }
    }

    #[test]
    fn tactic_membership() {
        let c = v18();
        assert_eq!(c.tactic_shortname("TA0040"), Some("impact"));
        assert_eq!(c.tactic_shortname("TA0011"), Some("command-and-control"));
        assert_eq!(c.tactic_shortname("TA0099"), None);
        assert_eq!(c.tactic_shortname("T1486"), None);
        assert_eq!(c.tactic_by_shortname("impact").map(|e| e.id), Some("TA0040"));
        assert!(c.technique_in_tactic("T1486", "TA0040"));
        assert!(!c.technique_in_tactic("T1486", "TA0001"));
        assert!(c.technique_in_tactic("T1566.001", "TA0001"));
        assert!(c.technique_in_tactic("T1078", "TA0005"));
        assert!(c.technique_in_tactic("T1003.001", "TA0006"));
        assert!(!c.technique_in_tactic("TA0040", "TA0040"));
        assert!(!c.technique_in_tactic("T9999", "TA0040"));
        assert!(!c.technique_in_tactic("T1486", "impact"));
        assert!(!c.technique_in_tactic("", ""));
    }

    #[test]
    fn table_shape() {
        let c = v18();
        let entries = c.entries();
        assert!(entries.windows(2).all(|w| w[0].id < w[1].id), "sorted, unique");
        let tactics: Vec<_> = c.tactics().map(|t| (t.id, c.tactic_shortname(t.id).unwrap())).collect();
        assert_eq!(
            tactics,
            [
                ("TA0001", "initial-access"),
                ("TA0002", "execution"),
                ("TA0003", "persistence"),
                ("TA0004", "privilege-escalation"),
                ("TA0005", "defense-evasion"),
                ("TA0006", "credential-access"),
                ("TA0007", "discovery"),
                ("TA0008", "lateral-movement"),
                ("TA0009", "collection"),
                ("TA0010", "exfiltration"),
                ("TA0011", "command-and-control"),
                ("TA0040", "impact"),
                ("TA0042", "resource-development"),
                ("TA0043", "reconnaissance"),
            ]
        );
        let count = |f: &dyn Fn(&Entry) -> bool| entries.iter().filter(|e| f(e)).count();
        let active = |e: &Entry| e.status == Status::Active;
        assert_eq!(count(&|e| !e.is_tactic() && !e.is_subtechnique() && active(e)), 216);
        assert_eq!(count(&|e| e.is_subtechnique() && active(e)), 475);
        assert_eq!(count(&|e| e.status == Status::Revoked), 132);
        assert_eq!(count(&|e| e.status == Status::Deprecated), 12);
        assert_eq!(entries.len(), 849);
        // Every sub-technique has its parent; every tactic is used by some technique.
        for e in entries.iter().filter(|e| e.is_subtechnique()) {
            assert!(c.get(e.parent_id().unwrap()).is_some(), "{}", e.id);
        }
        for (_, short) in &tactics {
            assert!(entries.iter().any(|e| e.tactics.contains(short)), "{short}");
        }
    }

    #[test]
    fn closest_suggests() {
        let c = v18();
        let ids = |q: &str, n| c.closest(q, n).iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids("T1486", 1), ["T1486"]);
        assert_eq!(ids("T1566.01", 1), ["T1566.001"]);
        let family = ids("T1566.009", 5);
        assert_eq!(family.len(), 5);
        assert!(family.iter().all(|id| id.starts_with("T1566")), "{family:?}");
        assert_eq!(ids("t1486", 1), ["T1486"]);
        assert_eq!(ids("TA040", 1), ["TA0040"]);
        assert_eq!(ids("TA0041", 3).len(), 3);
        assert!(ids("TA0041", 3).iter().all(|id| id.starts_with("TA")));
        assert_eq!(ids("phishing", 1), ["T1566"]);
        assert_eq!(ids(" Impact ", 1), ["TA0040"]);
        assert!(ids("T1486", 0).is_empty());
        assert!(ids("completely wrong", 3).is_empty());
        assert!(ids(&"T1".repeat(10_000), 3).is_empty());
        // Active first at equal distance: T1002 (revoked) is one edit from T1001 too.
        assert_eq!(c.closest("T1000", 1)[0].status, Status::Active);
    }

    #[test]
    fn parse_rejects_bad_tables() {
        let good = "# c\nTA0040\tImpact\t\tactive\nT1486\tData Encrypted for Impact\timpact\tactive\n";
        assert_eq!(parse("x", good).map(|c| c.entries().len()), Ok(2));
        let bad = [
            "TA0040\tImpact\t\tactive\nT1486\tX\timpact\n",
            "TA0040\tImpact\t\tactive\nT1486\tX\timpact\tactive\textra\n",
            "TA0040\tImpact\t\tgone\n",
            "TA0040\tImpact\timpact\tactive\n",
            "TA0040\tImpact\t\tactive\nT1486\tX\t\tactive\n",
            "TA0040\tImpact\t\tactive\nT1486\tX\tnope\tactive\n",
            "TA0040\tImpact\t\tactive\nT148\tX\timpact\tactive\n",
            "TA0040\t\t\tactive\n",
            "TA0040\tImpact\t\tactive\nTA0040\tImpact\t\tactive\n",
        ];
        for text in bad {
            assert!(parse("x", text).is_err(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn lookups_never_panic(s in ".{0,40}", n in 0usize..20) {
            let c = v18();
            let _ = (is_tactic_id(&s), is_technique_id(&s), catalog(&s));
            let _ = (c.get(&s), c.tactic_shortname(&s), c.tactic_by_shortname(&s));
            let _ = c.technique_in_tactic(&s, &s);
            prop_assert!(c.closest(&s, n).len() <= n);
        }

        #[test]
        fn every_shaped_id_is_found_or_none(d in 0u32..10_000, sub in proptest::option::of(0u32..1000)) {
            let id = match sub {
                Some(s) => format!("T{d:04}.{s:03}"),
                None => format!("T{d:04}"),
            };
            prop_assert!(is_technique_id(&id));
            if let Some(e) = v18().get(&id) {
                prop_assert_eq!(e.id, id.as_str());
            }
        }
    }
}
