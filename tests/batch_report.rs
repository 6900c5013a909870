//! Snapshot and content tests of the batch and compare reports for a small deterministic batch of
//! the default drill (20 runs, seed 7; the variant adds analysts to Estonia's team): Markdown and
//! terminal text as reviewable snapshots, the HTML by targeted assertions.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use cydex::batch::run_one;
use cydex::report::compare::{self, Comparison};
use cydex::report::{batch as batch_report, labels};
use cydex::results::batch::{BatchFile, BatchMeta, RunRecord};
use cydex::results::compare::{Paired, compare as paired};
use cydex::scenario::{Loaded, load_file};

const DRILL: &str = "scenarios/ransomware-drill.yaml";
const SEED: u64 = 7;
const RUNS: u64 = 20;
const VARIANT: &str = "nations.EST.team.analysts=12";

fn runs(loaded: &Loaded) -> Vec<RunRecord> {
    (0..RUNS).map(|i| run_one(loaded, SEED, i)).collect()
}

/// The batch, with the engine and hash fixed so the snapshots do not change with every release
/// or scenario comment edit.
fn batch() -> &'static BatchFile {
    static B: OnceLock<BatchFile> = OnceLock::new();
    B.get_or_init(|| {
        let loaded = load_file(DRILL.as_ref()).unwrap();
        let mut meta = BatchMeta::new(&loaded, &[], SEED, RUNS, None);
        meta.engine = "cydex (snapshot)".into();
        meta.scenario_sha256 = "0".repeat(64);
        BatchFile::build(meta, runs(&loaded))
    })
}

fn diffs() -> &'static BTreeMap<String, Paired> {
    static D: OnceLock<BTreeMap<String, Paired>> = OnceLock::new();
    D.get_or_init(|| {
        let base = load_file(DRILL.as_ref()).unwrap();
        let mut variant = load_file(DRILL.as_ref()).unwrap();
        let o = cydex::overrides::Override::parse(VARIANT).unwrap();
        variant.scenario = cydex::overrides::apply(&variant.scenario, &[o]).unwrap();
        paired(&runs(&base), &runs(&variant))
    })
}

fn comparison() -> Comparison<'static> {
    Comparison {
        title: batch().meta.exercise_title.clone(),
        tlp: batch().meta.tlp.clone(),
        engine: "cydex (snapshot)".into(),
        seed: SEED,
        runs: RUNS,
        base: DRILL.into(),
        variant: None,
        common: vec![],
        variant_sets: vec![VARIANT.into()],
        diffs: diffs(),
    }
}

/// Every raw key of the batch: numbers, categories, and compare's `KEY=VALUE` indicators.
fn raw_keys() -> Vec<String> {
    let b = batch();
    let mut keys: Vec<String> = b.metrics.keys().chain(b.categories.keys()).cloned().collect();
    keys.extend(diffs().keys().cloned());
    keys
}

/// Fails when a raw key appears in `text` before `appendix`, the start of the appendices.
fn raw_keys_only_after(text: &str, appendix: &str) {
    let start = text.find(appendix).unwrap_or_else(|| panic!("no `{appendix}` in the report"));
    for k in raw_keys() {
        if let Some(at) = text.find(&k) {
            assert!(at > start, "raw key `{k}` printed outside the appendix: …{}…", &text[at.saturating_sub(80)..at]);
        }
    }
}

#[test]
fn batch_report_markdown() {
    let md = batch_report::markdown(batch());
    assert!(md.starts_with("**TLP:GREEN**") && md.trim_end().ends_with("**TLP:GREEN**"));
    raw_keys_only_after(&md, "## A. Every metric by observation key");
    assert!(md.contains("Constant in all 20 runs: "), "constants collapse into one line");
    insta::assert_snapshot!(md);
}

#[test]
fn batch_report_terminal() {
    let text = batch_report::terminal(batch(), false);
    for k in raw_keys() {
        assert!(!text.contains(&k), "raw key `{k}` in the terminal summary");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn batch_report_html() {
    let b = batch();
    let h = batch_report::html(b);
    assert!(h.contains("<div class=\"tlp tlp-green\" role=\"note\"><span class=\"sw\"></span>TLP:GREEN</div>"));
    assert!(h.contains("@top-center{content:\"TLP:GREEN\"") && h.contains("@bottom-center{content:\"TLP:GREEN\""));
    // The ratings as stacked bars in the rating colours, each objective a row.
    let bars = h.find("aria-label=\"Probability of each rating, per objective").expect("stacked bar chart");
    let svg = &h[bars..bars + h[bars..].find("</svg>").unwrap()];
    for colour in ["#1e7b34", "#c9a400", "#d9822b", "#b03a2e"] {
        assert!(svg.contains(&format!("fill=\"{colour}\"")), "{colour}");
    }
    assert_eq!(svg.matches(">OBJ-").count(), b.meta.objectives.len());
    // Replay commands for the best and worst runs, copyable as they are.
    assert!(h.contains("<pre class=\"cmd\"><code>cydex run scenarios/ransomware-drill.yaml --seed 7 --run-index "));
    raw_keys_only_after(&h, "id=\"raw-means\"");
    // A histogram only where values spread: none for a constant key metric.
    let lva = &b.metrics["nation.LVA.weighted_availability"];
    assert!(batch_report::is_constant(lva));
    assert!(!h.contains("aria-label=\"LVA: availability of services (criticality-weighted): runs per range"));
    assert!(h.contains("aria-label=\"Mean time to recover (MTTR): runs per range (n = 20)\""));
    assert!(!h.contains("http://") && !h.contains("https://") && !h.contains("<script src"), "self-contained");
}

#[test]
fn every_observed_key_has_a_label() {
    let b = batch();
    let mut unknown: Vec<String> = b.metrics.keys().filter(|k| !labels::known(k)).cloned().collect();
    for (k, c) in &b.categories {
        unknown.extend(c.values.keys().filter(|v| !labels::known_value(k, v)).map(|v| format!("{k}={v}")));
    }
    for (k, p) in diffs() {
        let known = match &p.outcome {
            Some((key, value)) => labels::known_value(key, value),
            None => labels::known(k),
        };
        if !known {
            unknown.push(k.clone());
        }
    }
    assert!(unknown.is_empty(), "add these to the label table in src/report/labels.rs: {unknown:?}");
}

#[test]
fn compare_report_markdown() {
    let md = compare::markdown(&comparison());
    assert_eq!(md.matches(VARIANT).count(), 1, "the variant is stated once");
    let significant = md.find("## 2. Significant effects").unwrap();
    assert!(md[significant..].find("| Alliance score |").is_some_and(|at| at < 600), "the alliance score first");
    raw_keys_only_after(&md, "## A. Every paired difference by observation key");
    insta::assert_snapshot!(md);
}

#[test]
fn compare_report_terminal() {
    let text = compare::terminal(&comparison(), false);
    assert!(text.starts_with("TLP:GREEN\n"));
    insta::assert_snapshot!(text);
}

#[test]
fn compare_report_html() {
    let h = compare::html(&comparison());
    assert!(h.contains("<div class=\"tlp tlp-green\"") && h.contains("@bottom-center{content:\"TLP:GREEN\""));
    assert_eq!(h.matches(VARIANT).count(), 1, "the variant is stated once");
    assert!(h.contains("better for the defenders, significant (95% CI excludes 0)"));
    raw_keys_only_after(&h, "id=\"raw-means\"");
}
