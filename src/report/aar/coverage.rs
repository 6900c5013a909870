//! Section 7, MITRE ATT&CK coverage: per tactic, in the order of the Enterprise matrix, each
//! technique the adversary used with its name, and how often it was executed, detected, missed
//! and contained. Names and tactics come from the results, in the ATT&CK version the scenario pins.

use super::cells::{NONE, count};
use crate::fmt::pct;
use crate::report::doc::{Block, Chart, Figure, Section, Table, Text};
use crate::results::RunResults;
use crate::score::metrics::Coverage;
use crate::score::techniques::Tactic;

/// The Enterprise matrix's tactics from left to right (Navigator shortnames), the same in every
/// ATT&CK version cydex bundles: the order tactics are listed in.
const MATRIX: [&str; 14] = [
    "reconnaissance",
    "resource-development",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "impact",
];

/// Section 7.
pub fn section(r: &RunResults) -> Section {
    let cov = &r.assessment.attack_coverage;
    let mut sec = Section::new("attack", "ATT&CK coverage");
    if cov.is_empty() {
        sec.push(Block::Para(Text::plain("No ATT&CK technique was executed in this run.")));
        return sec;
    }
    let version = match r.meta.attack_version.as_str() {
        "" => String::new(),
        v => format!(" Names are those of ATT&CK Enterprise v{v}, the version the scenario pins."),
    };
    sec.push(Block::Note(Text::plain(format!(
        "Executed: successful executions (stage completions; entry compromises for the entry technique). Detected: detections of hosts at a stage using it. Missed: executions never followed by a detection (executed − detected). Contained: containments of incidents detected at that technique. A technique used under more than one tactic is listed under each, with the technique's counts.{version}"
    ))));
    sec.push(figure(cov));
    sec
}

/// Where a tactic stands in the matrix; tactics without a known shortname come last, by id.
fn rank(t: &Tactic) -> (usize, &str) {
    (MATRIX.iter().position(|s| *s == t.shortname).unwrap_or(MATRIX.len()), t.id.as_str())
}

/// The techniques under each tactic, tactics in matrix order, techniques by id; techniques with
/// no tactic at all under `None`, last.
fn by_tactic(cov: &[Coverage]) -> Vec<(Option<Tactic>, Vec<&Coverage>)> {
    let mut tactics: Vec<&Tactic> = cov.iter().flat_map(|c| &c.tactics).collect();
    tactics.sort_by(|a, b| rank(a).cmp(&rank(b)));
    tactics.dedup_by(|a, b| a.id == b.id);
    let mut out: Vec<(Option<Tactic>, Vec<&Coverage>)> = tactics
        .into_iter()
        .map(|t| (Some(t.clone()), cov.iter().filter(|c| c.tactics.iter().any(|x| x.id == t.id)).collect()))
        .collect();
    let none: Vec<&Coverage> = cov.iter().filter(|c| c.tactics.is_empty()).collect();
    if !none.is_empty() {
        out.push((None, none));
    }
    out
}

/// A tactic's name and id, as its group is headed.
fn tactic_label(t: Option<&Tactic>) -> String {
    match t {
        Some(t) if t.name.is_empty() => t.id.clone(),
        Some(t) => format!("{} ({})", t.name, t.id),
        None => "tactic not known".to_string(),
    }
}

/// One table of the techniques grouped by tactic (the tactic named on its group's first row),
/// drawn as detected and missed executions per row.
fn figure(cov: &[Coverage]) -> Block {
    let mut t = Table::new(&[
        "Tactic",
        "Technique",
        "Name",
        "#Executed",
        "#Detected",
        "#Missed",
        "#Contained",
        "#Detected / executed",
    ]);
    let mut rows = Vec::new();
    for (tactic, techniques) in by_tactic(cov) {
        for (i, c) in techniques.iter().enumerate() {
            let group = if i == 0 { Text::plain(tactic_label(tactic.as_ref())) } else { Text::default() };
            let rate = match c.executed {
                0 => NONE.to_string(),
                n => pct((c.detected as f64 / n as f64).min(1.0)),
            };
            let name = if c.name.is_empty() { NONE } else { c.name.as_str() };
            t.row(vec![
                group,
                Text::code(&c.technique),
                Text::plain(name),
                count(c.executed),
                count(c.detected),
                count(c.missed),
                count(c.contained),
                Text::plain(rate),
            ]);
            rows.push((c.technique.clone(), vec![c.detected as f64, c.missed as f64]));
        }
    }
    let full = cov.iter().map(|c| (c.detected + c.missed) as f64).fold(1.0, f64::max);
    let legend = vec![("detected".to_string(), "#1f6fb2".to_string()), ("missed".to_string(), "#c0392b".to_string())];
    Block::Figure(Figure {
        caption: "Detected and missed executions of each technique, grouped by tactic as in the table.".to_string(),
        chart: Chart::StackedBars { legend, rows, full },
        data: t,
        show_data: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tactic(id: &str, name: &str, short: &str) -> Tactic {
        Tactic { id: id.into(), name: name.into(), shortname: short.into() }
    }

    fn technique(id: &str, tactics: Vec<Tactic>) -> Coverage {
        Coverage { technique: id.into(), tactics, executed: 4, detected: 1, missed: 3, ..Coverage::default() }
    }

    #[test]
    fn tactics_follow_the_matrix_and_a_technique_shows_under_each_of_its_tactics() {
        let impact = tactic("TA0040", "Impact", "impact");
        let access = tactic("TA0001", "Initial Access", "initial-access");
        let evasion = tactic("TA0005", "Defense Evasion", "defense-evasion");
        let cov = [
            technique("T1078", vec![access.clone(), evasion.clone()]),
            technique("T1486", vec![impact.clone()]),
            technique("T9999", vec![]),
            technique("T1566.001", vec![access.clone()]),
        ];
        let groups = by_tactic(&cov);
        let shape: Vec<(Option<&str>, Vec<&str>)> = groups
            .iter()
            .map(|(t, cs)| (t.as_ref().map(|t| t.id.as_str()), cs.iter().map(|c| c.technique.as_str()).collect()))
            .collect();
        assert_eq!(
            shape,
            [
                (Some("TA0001"), vec!["T1078", "T1566.001"]),
                (Some("TA0005"), vec!["T1078"]),
                (Some("TA0040"), vec!["T1486"]),
                (None, vec!["T9999"]),
            ]
        );
        let Block::Figure(f) = figure(&cov) else { panic!("a figure") };
        let tactic_cells: Vec<&Text> = f.data.rows.iter().map(|r| &r.cells[0]).collect();
        let named = |s: &str| Text::plain(s);
        assert_eq!(
            tactic_cells,
            [
                &named("Initial Access (TA0001)"),
                &Text::default(),
                &named("Defense Evasion (TA0005)"),
                &named("Impact (TA0040)"),
                &named("tactic not known")
            ]
        );
    }
}
