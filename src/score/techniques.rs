//! ATT&CK labels of the techniques a scenario's campaigns use, in the ATT&CK version the scenario
//! pins (`exercise.attack_version`): display name and tactics (id, name, Navigator shortname).
//! Computed here, once, and stored in the results, so no renderer reads the ATT&CK table.
//!
//! Tactics of a technique: those the scenario uses it under (`TA0001` for a campaign's entry, the
//! stage's `tactic` otherwise) that the pinned table confirms, in matrix order; when none is
//! confirmed (a tactic mismatch the validator warned about), every tactic the table lists for it.
//! With no table for the pinned version, or an id the table lacks, names are empty and the tactics
//! are the ids the scenario uses, without names or shortnames.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::scenario::attack::{self, Catalog};
use crate::scenario::model::Scenario;

/// The tactic a campaign's entry technique is used under: Initial Access.
pub const ENTRY_TACTIC: &str = "TA0001";

/// One ATT&CK tactic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tactic {
    /// Tactic id, e.g. `TA0006`.
    pub id: String,
    /// Display name, e.g. `Credential Access` (empty when the pinned table lacks it).
    pub name: String,
    /// The shortname ATT&CK Navigator layers use, e.g. `credential-access` (empty when unknown).
    pub shortname: String,
}

/// One technique or sub-technique with its labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Technique {
    /// Technique id, e.g. `T1003.001`.
    pub id: String,
    /// Display name; for a sub-technique the full `Parent: Sub` name, e.g. `OS Credential
    /// Dumping: LSASS Memory` (empty when the pinned table lacks it).
    pub name: String,
    /// The tactics it is shown under (see the module documentation).
    pub tactics: Vec<Tactic>,
}

/// The pinned ATT&CK version in canonical form (`"18.1"` for `"v18.1"`), or as written when no
/// table is bundled for it.
pub fn attack_version(scenario: &Scenario) -> String {
    let v = &scenario.exercise.attack_version;
    attack::catalog(v).map_or_else(|| v.clone(), |c| c.version().to_string())
}

/// Every technique the scenario's campaigns use (entries and stages), sorted by id, with labels.
pub fn labels(scenario: &Scenario) -> Vec<Technique> {
    let mut used: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in &scenario.campaigns {
        used.entry(c.entry.technique.as_str()).or_default().insert(ENTRY_TACTIC);
        for s in &c.stages {
            used.entry(s.technique.as_str()).or_default().insert(s.tactic.as_str());
        }
    }
    let catalog = attack::catalog(&scenario.exercise.attack_version);
    used.into_iter().map(|(id, tactics)| label(catalog, id, &tactics)).collect()
}

/// The labels of technique `id` used under `used` tactic ids, from `catalog` if there is one.
pub fn label(catalog: Option<&Catalog>, id: &str, used: &BTreeSet<&str>) -> Technique {
    let bare = |ids: &BTreeSet<&str>| ids.iter().map(|t| Tactic { id: t.to_string(), ..Tactic::default() }).collect();
    let Some((cat, entry)) = catalog.and_then(|c| Some((c, c.get(id)?))) else {
        return Technique { id: id.to_string(), name: String::new(), tactics: bare(used) };
    };
    let name = match entry.parent_id().and_then(|p| cat.get(p)) {
        Some(parent) => format!("{}: {}", parent.name, entry.name),
        None => entry.name.to_string(),
    };
    let used_short: BTreeSet<&str> = used.iter().filter_map(|t| cat.tactic_shortname(t)).collect();
    let confirmed: Vec<&str> = entry.tactics.iter().copied().filter(|s| used_short.contains(s)).collect();
    let shown = if confirmed.is_empty() { entry.tactics.clone() } else { confirmed };
    let tactics = shown
        .into_iter()
        .filter_map(|short| {
            let t = cat.tactic_by_shortname(short)?;
            Some(Tactic { id: t.id.to_string(), name: t.name.to_string(), shortname: short.to_string() })
        })
        .collect();
    Technique { id: id.to_string(), name, tactics }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v18() -> Option<&'static Catalog> {
        attack::catalog("18.1")
    }

    fn set<'a>(ids: &[&'a str]) -> BTreeSet<&'a str> {
        ids.iter().copied().collect()
    }

    #[test]
    fn sub_techniques_get_the_full_name_and_the_used_tactic() {
        let t = label(v18(), "T1003.001", &set(&["TA0006"]));
        assert_eq!(t.name, "OS Credential Dumping: LSASS Memory");
        assert_eq!(
            t.tactics,
            [Tactic { id: "TA0006".into(), name: "Credential Access".into(), shortname: "credential-access".into() }]
        );
        assert_eq!(label(v18(), "T1486", &set(&["TA0040"])).name, "Data Encrypted for Impact");
    }

    #[test]
    fn a_technique_in_several_tactics_shows_those_it_was_used_under_in_matrix_order() {
        let t = label(v18(), "T1078", &set(&["TA0005", "TA0001"]));
        let ids: Vec<&str> = t.tactics.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["TA0001", "TA0005"]);
        // A mismatch (T1078 is not under Impact) falls back to every tactic the table lists.
        let t = label(v18(), "T1078", &set(&["TA0040"]));
        let shorts: Vec<&str> = t.tactics.iter().map(|t| t.shortname.as_str()).collect();
        assert_eq!(shorts, ["initial-access", "persistence", "privilege-escalation", "defense-evasion"]);
    }

    #[test]
    fn unknown_versions_and_ids_keep_the_ids_without_names() {
        for (cat, id) in [(None, "T1486"), (v18(), "T9999")] {
            let t = label(cat, id, &set(&["TA0040"]));
            assert_eq!(t.name, "");
            assert_eq!(t.tactics, [Tactic { id: "TA0040".into(), ..Tactic::default() }]);
        }
    }
}
