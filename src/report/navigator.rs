//! The MITRE ATT&CK Navigator layer (layer format 4.5) of a run's or a batch's detection coverage:
//! `coverage.layer.json`, to open in the Navigator ("Open Existing Layer") over the ATT&CK version
//! the scenario pins. Depends only on [`RunResults`] and [`BatchFile`]: the technique names and
//! tactics are the ones stored in them.
//!
//! **Score.** Each technique the campaigns executed or were detected at gets one entry per tactic
//! it was used under. Its score is the share of its executions (successful attempts: stage
//! completions, entry compromises) that were detected, in percent: `100 × detected ÷ executed`,
//! capped at 100 and rounded to the nearest whole number (halves away from zero). Detections count
//! hosts found while at a stage using the technique, so a host can be found before its attempt
//! succeeds: the cap keeps such a technique at 100. A technique detected but never executed has no
//! score (the Navigator leaves it uncoloured) and a grey colour, explained in the legend.
//!
//! **Batches.** The score is the pooled rate over the runs: `100 × Σ detected ÷ Σ executed`, the
//! sums over every run of the batch (a run where no host reached the technique adds 0). Pooling
//! weighs each execution once, so a run with a single execution does not count as much as one
//! with thirty, and runs without executions need no rate. The comment gives the mean counts per
//! run and the number of runs.

use serde::Serialize;

use crate::results::RunResults;
use crate::results::batch::BatchFile;
use crate::score::techniques::Tactic;

/// File name of the layer in an output directory.
pub const LAYER_FILE: &str = "coverage.layer.json";
/// The Navigator layer format this module writes.
pub const LAYER_VERSION: &str = "4.5";
/// The Navigator version the layer is declared for (layer format 4.5 needs at least 4.9.0; 5.2.0
/// is the release the 4.5 specification pairs with ATT&CK 18).
pub const NAVIGATOR_VERSION: &str = "5.2.0";
/// The gradient: red (no execution detected) through yellow to green (every one detected).
pub const GRADIENT: [&str; 3] = ["#ff6666", "#ffe766", "#8ec843"];
/// The colour of a technique detected while attempted but never executed (no score).
pub const UNSCORED: &str = "#c8c8c8";

/// One technique's counts: per run, or summed over a batch's runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Technique id.
    pub technique: String,
    /// Its tactics (the Navigator shortnames are used; none known: no `tactic`, so the Navigator
    /// shows it under every tactic the technique belongs to).
    pub tactics: Vec<Tactic>,
    /// Successful executions.
    pub executed: f64,
    /// Detections of hosts at a stage using it.
    pub detected: f64,
    /// Containments of incidents detected at it.
    pub contained: f64,
}

/// The layer's score of a technique: `100 × detected ÷ executed`, capped at 100, rounded to a
/// whole number; `None` when it was never executed.
pub fn score(detected: f64, executed: f64) -> Option<u32> {
    if executed.is_nan() || executed <= 0.0 {
        return None;
    }
    Some((100.0 * (detected / executed).clamp(0.0, 1.0)).round() as u32)
}

#[derive(Serialize)]
struct Layer {
    name: String,
    versions: Versions,
    domain: &'static str,
    description: String,
    sorting: u8,
    layout: Layout,
    #[serde(rename = "hideDisabled")]
    hide_disabled: bool,
    techniques: Vec<Entry>,
    gradient: Gradient,
    #[serde(rename = "legendItems")]
    legend_items: Vec<Legend>,
    metadata: Vec<Meta>,
}

#[derive(Serialize)]
struct Versions {
    attack: String,
    navigator: &'static str,
    layer: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Layout {
    layout: &'static str,
    #[serde(rename = "showID")]
    show_id: bool,
    show_name: bool,
    expanded_subtechniques: &'static str,
}

#[derive(Serialize)]
struct Entry {
    #[serde(rename = "techniqueID")]
    technique_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tactic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<&'static str>,
    comment: String,
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Gradient {
    colors: [&'static str; 3],
    min_value: u32,
    max_value: u32,
}

#[derive(Serialize)]
struct Legend {
    label: &'static str,
    color: &'static str,
}

#[derive(Serialize)]
struct Meta {
    name: &'static str,
    value: String,
}

/// What a layer says about where it comes from.
struct Head {
    name: String,
    attack_version: String,
    description: String,
    metadata: Vec<Meta>,
}

/// The head of a layer from a run's or a batch's meta (`RunMeta`, `BatchMeta`), which record the
/// provenance a layer shows under the same names: `name`, a description that says where the
/// techniques come from (`scope`) and what the score means, and the metadata, with `extra` (the run
/// index, or the number of runs) after the seed.
fn head(meta: &impl Serialize, name: String, scope: &str, extra: Meta) -> Head {
    let v = serde_json::to_value(meta).unwrap_or_default();
    let text = |k: &str| match &v[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let sets: Vec<String> = v["overrides"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let (tlp, attack) = (marking(&text("tlp")), text("attack_version"));
    Head {
        name,
        description: format!(
            "{tlp}. ATT&CK techniques the campaigns of {} ({}) used {scope} {SCORE_TEXT} ATT&CK Enterprise {attack}.",
            text("exercise_title"),
            text("exercise_id"),
        ),
        metadata: vec![
            Meta { name: "marking", value: tlp },
            Meta { name: "exercise", value: text("exercise_id") },
            Meta { name: "scenario", value: text("scenario") },
            Meta { name: "scenario SHA-256", value: text("scenario_sha256") },
            Meta { name: "seed", value: text("seed") },
            extra,
            Meta { name: "overrides", value: overrides(&sets) },
            Meta { name: "ATT&CK version", value: attack.clone() },
            Meta { name: "engine", value: text("engine") },
        ],
        attack_version: attack,
    }
}

/// The major ATT&CK version, as the Navigator names it: `18` for `18.1`.
fn major(version: &str) -> String {
    version.split('.').next().unwrap_or(version).to_string()
}

fn build(head: Head, counts: &[Counts], comment: &dyn Fn(&Counts) -> String) -> String {
    let mut techniques = Vec::new();
    for c in counts {
        let score = score(c.detected, c.executed);
        let color = score.is_none().then_some(UNSCORED);
        let tactics: Vec<Option<String>> = if c.tactics.iter().any(|t| !t.shortname.is_empty()) {
            c.tactics.iter().filter(|t| !t.shortname.is_empty()).map(|t| Some(t.shortname.clone())).collect()
        } else {
            vec![None]
        };
        for tactic in tactics {
            techniques.push(Entry {
                technique_id: c.technique.clone(),
                tactic,
                score,
                color,
                comment: comment(c),
                enabled: true,
            });
        }
    }
    let layer = Layer {
        name: head.name,
        versions: Versions { attack: major(&head.attack_version), navigator: NAVIGATOR_VERSION, layer: LAYER_VERSION },
        domain: "enterprise-attack",
        description: head.description,
        sorting: 3,
        layout: Layout { layout: "side", show_id: true, show_name: true, expanded_subtechniques: "annotated" },
        hide_disabled: false,
        techniques,
        gradient: Gradient { colors: GRADIENT, min_value: 0, max_value: 100 },
        legend_items: vec![
            Legend { label: "0: no execution detected", color: GRADIENT[0] },
            Legend { label: "50: half the executions detected", color: GRADIENT[1] },
            Legend { label: "100: every execution detected", color: GRADIENT[2] },
            Legend { label: "no score: detected while attempted, never executed", color: UNSCORED },
        ],
        metadata: head.metadata,
    };
    let mut s = serde_json::to_string_pretty(&layer).unwrap_or_default();
    s.push('\n');
    s
}

const SCORE_TEXT: &str = "Score: the share of the technique's executions (successful attempts) that were detected, in percent, capped at 100 and rounded to a whole number; a host found while attempting a technique counts as a detection of it.";

fn marking(tlp: &str) -> String {
    if tlp.is_empty() { "TLP: not marked".to_string() } else { tlp.to_string() }
}

/// `--set` overrides as the batch report lists them, or `none`.
fn overrides(sets: &[String]) -> String {
    if sets.is_empty() { "none".to_string() } else { sets.join(", ") }
}

/// `n` things, with the noun in the plural unless `n` is 1.
fn counted(n: f64, one: &str, many: &str) -> String {
    let text = if n.fract() == 0.0 { format!("{n:.0}") } else { format!("{n:.1}") };
    format!("{text} {}", if n == 1.0 { one } else { many })
}

/// The layer of one run: each technique scored by the share of its executions detected.
pub fn run(r: &RunResults) -> String {
    let m = &r.meta;
    let counts: Vec<Counts> = r
        .assessment
        .attack_coverage
        .iter()
        .map(|c| Counts {
            technique: c.technique.clone(),
            tactics: c.tactics.clone(),
            executed: c.executed as f64,
            detected: c.detected as f64,
            contained: c.contained as f64,
        })
        .collect();
    let name = format!("{}: detection coverage (seed {}, run {})", m.exercise_title, m.seed, m.run_index);
    let head = head(m, name, "in one cydex run.", Meta { name: "run index", value: m.run_index.to_string() });
    build(head, &counts, &|c| {
        let contained = counted(c.contained, "contained", "contained");
        if c.executed == 0.0 {
            format!(
                "never executed; {} of hosts attempting it; {contained}",
                counted(c.detected, "detection", "detections")
            )
        } else if c.detected <= c.executed {
            format!("detected {:.0} of {}; {contained}", c.detected, counted(c.executed, "execution", "executions"))
        } else {
            format!(
                "{} for {} (hosts found while attempting it count too); {contained}",
                counted(c.detected, "detection", "detections"),
                counted(c.executed, "execution", "executions")
            )
        }
    })
}

/// The observation key of a technique's count in a batch's run records.
fn key(technique: &str, metric: &str) -> String {
    format!("technique.{technique}.{metric}")
}

/// The layer of a batch: each technique scored by its pooled detection rate over the runs (see
/// the module documentation); the comment gives mean counts per run.
pub fn batch(b: &BatchFile) -> String {
    let m = &b.meta;
    let n = m.runs_included;
    // Sums over the runs in run-index order, as the batch's summary holds them.
    let sum = |t: &str, metric: &str| -> f64 {
        b.shapes.get(&key(t, metric)).map_or_else(|| std::iter::empty::<f64>().sum(), |s| s.sum)
    };
    let reached = |t: &str| b.shapes.get(&key(t, "executed")).map_or(0, |s| s.positive);
    let counts: Vec<Counts> = m
        .techniques
        .iter()
        .map(|t| Counts {
            technique: t.id.clone(),
            tactics: t.tactics.clone(),
            executed: sum(&t.id, "executed"),
            detected: sum(&t.id, "detected"),
            contained: sum(&t.id, "contained"),
        })
        .filter(|c| c.executed > 0.0 || c.detected > 0.0)
        .collect();
    let shard = m.shard.map_or(String::new(), |s| format!(", shard {}/{}", s.index, s.count));
    let name = format!("{}: detection coverage ({n} runs, seed {}{shard})", m.exercise_title, m.seed);
    let scope = format!("over {n} cydex runs. Over the runs: 100 × total detected ÷ total executed (pooled).");
    let head = head(m, name, &scope, Meta { name: "runs", value: n.to_string() });
    let per_run = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
    build(head, &counts, &|c| {
        format!(
            "mean per run: {:.1} executions, {:.1} detections, {:.1} contained; executed in {} of {n} runs",
            per_run(c.executed),
            per_run(c.detected),
            per_run(c.contained),
            reached(&c.technique)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tactic(id: &str, short: &str) -> Tactic {
        Tactic { id: id.into(), name: String::new(), shortname: short.into() }
    }

    fn counts(t: &str, tactics: Vec<Tactic>, e: f64, d: f64, c: f64) -> Counts {
        Counts { technique: t.into(), tactics, executed: e, detected: d, contained: c }
    }

    fn plain_head() -> Head {
        Head {
            name: "L".into(),
            attack_version: "18.1".into(),
            description: "D".into(),
            metadata: vec![Meta { name: "seed", value: "7".into() }],
        }
    }

    #[test]
    fn scores_are_the_detected_share_of_executions_rounded_and_capped() {
        assert_eq!(score(3.0, 5.0), Some(60));
        assert_eq!(score(1.0, 3.0), Some(33));
        assert_eq!(score(2.0, 3.0), Some(67));
        assert_eq!(score(1.0, 8.0), Some(13), "12.5 rounds half away from zero");
        assert_eq!(score(0.0, 4.0), Some(0));
        assert_eq!(score(9.0, 4.0), Some(100), "capped");
        assert_eq!(score(2.0, 0.0), None, "never executed: no score");
        assert_eq!(score(0.0, f64::NAN), None);
    }

    #[test]
    fn a_layer_has_the_required_fields_and_one_entry_per_tactic() {
        let cov = [
            counts(
                "T1078",
                vec![tactic("TA0001", "initial-access"), tactic("TA0005", "defense-evasion")],
                4.0,
                1.0,
                1.0,
            ),
            counts("T1003.001", vec![tactic("TA0006", "credential-access")], 5.0, 3.0, 2.0),
            counts("T1059.001", vec![tactic("TA0002", "execution")], 0.0, 2.0, 0.0),
            counts("T1486", vec![Tactic { id: "TA0040".into(), ..Tactic::default() }], 2.0, 2.0, 0.0),
        ];
        let text = build(plain_head(), &cov, &|c| format!("{} executed", c.executed));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["name"], "L");
        assert_eq!(v["domain"], "enterprise-attack");
        assert_eq!(v["versions"], serde_json::json!({"attack": "18", "navigator": "5.2.0", "layer": "4.5"}));
        assert_eq!(v["gradient"]["minValue"], 0);
        assert_eq!(v["gradient"]["maxValue"], 100);
        assert_eq!(v["gradient"]["colors"][0], "#ff6666");
        assert_eq!(v["legendItems"].as_array().unwrap().len(), 4);
        assert_eq!(v["metadata"][0], serde_json::json!({"name": "seed", "value": "7"}));
        let t = v["techniques"].as_array().unwrap();
        let rows: Vec<(&str, Option<&str>, Option<u64>)> =
            t.iter().map(|e| (e["techniqueID"].as_str().unwrap(), e["tactic"].as_str(), e["score"].as_u64())).collect();
        assert_eq!(
            rows,
            [
                ("T1078", Some("initial-access"), Some(25)),
                ("T1078", Some("defense-evasion"), Some(25)),
                ("T1003.001", Some("credential-access"), Some(60)),
                ("T1059.001", Some("execution"), None),
                ("T1486", None, Some(100)),
            ]
        );
        assert!(t.iter().all(|e| e["enabled"] == true && e["comment"].is_string()));
        assert_eq!(t[3]["color"], UNSCORED, "unscored techniques are grey");
        assert!(t[2].get("color").is_none(), "scored techniques take the gradient's colour");
        assert_eq!(t[2]["comment"], "5 executed");
    }

    #[test]
    fn major_versions() {
        assert_eq!(major("18.1"), "18");
        assert_eq!(major("18"), "18");
        assert_eq!(major(""), "");
    }

    #[test]
    fn the_head_shows_the_provenance_of_a_run() {
        let meta = crate::results::RunMeta {
            engine: "cydex 9".into(),
            scenario: "s.yaml".into(),
            scenario_sha256: "abc".into(),
            exercise_id: "EX-1".into(),
            exercise_title: "Drill".into(),
            tlp: "TLP:AMBER".into(),
            attack_version: "18.1".into(),
            overrides: vec!["a=1".into(), "b=2".into()],
            seed: 42,
            run_index: 3,
            startex_unix: None,
            utc_offset_min: Default::default(),
        };
        let h = head(&meta, "N".into(), "in one cydex run.", Meta { name: "run index", value: "3".into() });
        let pairs: Vec<(&str, &str)> = h.metadata.iter().map(|m| (m.name, m.value.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("marking", "TLP:AMBER"),
                ("exercise", "EX-1"),
                ("scenario", "s.yaml"),
                ("scenario SHA-256", "abc"),
                ("seed", "42"),
                ("run index", "3"),
                ("overrides", "a=1, b=2"),
                ("ATT&CK version", "18.1"),
                ("engine", "cydex 9"),
            ]
        );
        assert_eq!(h.attack_version, "18.1");
        assert!(h.description.starts_with("TLP:AMBER. ATT&CK techniques the campaigns of Drill (EX-1) used in one"));
        let unmarked = crate::results::RunMeta { tlp: String::new(), overrides: vec![], ..meta };
        let h = head(&unmarked, "N".into(), "x", Meta { name: "runs", value: "1".into() });
        assert_eq!((h.metadata[0].value.as_str(), h.metadata[6].value.as_str()), ("TLP: not marked", "none"));
    }
}
