//! Snapshot tests of the reports of the default drill (seed fixed): the Markdown after-action
//! report and the terminal summary. A change to either shows up as a reviewable diff.

use cydex::report::{markdown, terminal};
use cydex::results::{RunMeta, RunResults};
use cydex::scenario::load_file;
use cydex::score::assess;
use cydex::sim::{DEFAULT_SEED, RunConfig, run};

fn default_results() -> RunResults {
    let loaded = load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap();
    let config = RunConfig { seed: DEFAULT_SEED, run_index: 0 };
    let outcome = run(&loaded.scenario, &config);
    let assessment = assess(&loaded.scenario, &outcome);
    let meta = RunMeta {
        // Fixed so the snapshot does not change with every release or scenario comment edit.
        engine: "cydex (snapshot)".into(),
        scenario: "scenarios/ransomware-drill.yaml".into(),
        scenario_sha256: "0".repeat(64),
        exercise_id: loaded.scenario.exercise.id.clone(),
        exercise_title: loaded.scenario.exercise.title.clone(),
        tlp: "TLP:GREEN".into(),
        overrides: Vec::new(),
        seed: config.seed,
        run_index: 0,
        startex_unix: None,
        utc_offset_min: Default::default(),
    };
    RunResults::new(meta, outcome.summary, assessment)
}

#[test]
fn markdown_report_of_the_default_drill() {
    let md = markdown::render(&default_results());
    for section in [
        "## 1. Exercise overview",
        "## 2. Executive summary",
        "## 3. Analysis of objectives",
        "## 4. Objectives in detail",
        "## 5. Incident-handling metrics",
        "## 6. ATT&CK coverage",
        "## 7. Assistance timeline",
        "## 9. Scores",
        "## Appendix A: Improvement plan",
        "## Appendix B: Executed MSEL",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    insta::assert_snapshot!(md);
}

#[test]
fn terminal_summary_of_the_default_drill() {
    insta::assert_snapshot!(terminal::render(&default_results(), false));
}

#[test]
fn results_round_trip_through_json() {
    let r = default_results();
    let back = RunResults::from_json(&r.to_json()).unwrap();
    assert_eq!(back.to_json(), r.to_json());
}

#[test]
fn foreign_or_incompatible_results_are_refused_with_a_reason() {
    let err = RunResults::from_json("{\"hello\": 1}").unwrap_err();
    assert!(err.contains("not a cydex results file"), "{err}");
    let err = RunResults::from_json("not json").unwrap_err();
    assert!(err.contains("not valid JSON"), "{err}");
    let r = default_results().to_json().replacen("\"format_version\": 2", "\"format_version\": 99", 1);
    let err = RunResults::from_json(&r).unwrap_err();
    assert!(err.contains("version 99 is not supported"), "{err}");
    let err = RunResults::from_json("{\"format\": \"cydex-results\", \"format_version\": 2}").unwrap_err();
    assert!(err.contains("damaged or incomplete"), "{err}");
    // A results file of the first format (event counts, not distinct hosts) is refused by version.
    let err = RunResults::from_json("{\"format\": \"cydex-results\", \"format_version\": 1}").unwrap_err();
    assert!(err.contains("version 1 is not supported"), "{err}");
}

/// `docs/examples/` holds what `cydex run --out` writes for the default scenario; regenerate it
/// with `scripts/gen-examples.sh` whenever this fails.
#[test]
fn docs_examples_are_current() {
    let loaded = cydex::cli::load_default().unwrap();
    let (results, _) = cydex::results::run(&loaded, &[], &RunConfig { seed: DEFAULT_SEED, run_index: 0 });
    let stale = "docs/examples/ is out of date: run scripts/gen-examples.sh";
    let current = |f: &str, text: String| std::fs::read_to_string(format!("docs/examples/{f}")).unwrap() == text;
    assert!(current("results.json", results.to_json()), "results.json: {stale}");
    assert!(current("report.md", markdown::render(&results)), "report.md: {stale}");
    assert!(current("report.html", cydex::report::html::render(&results)), "report.html: {stale}");
}

/// The "what the assistance changed" finding is computed once and every renderer prints it: for
/// each case (mixed, nothing left to contain, too small a sample, a real improvement), the
/// terminal, Markdown and HTML say the same, and only a real improvement carries a ratio.
#[test]
fn every_renderer_states_the_same_assistance_finding() {
    use cydex::report::html;
    use cydex::score::assist;
    let base = default_results();
    let drill = base.assessment.assistance[0].clone();
    let mut nothing_left = drill.clone();
    (nothing_left.contained_during, nothing_left.to_contain_during) = (0, 0);
    nothing_left.containment_rate_during_per_h = Some(0.0);
    let mut too_few = drill.clone();
    (too_few.contained_before, too_few.mttc_before_n) = (2, 2);
    let mut improved = drill.clone();
    (improved.mttc_before_s, improved.mttc_during_s) = (Some(20_000.0), Some(9_000.0));
    improved.containment_rate_ratio = Some(3.2);
    // The rate went up while MTTC got worse.
    let mut mixed = drill.clone();
    (mixed.mttc_before_s, mixed.mttc_during_s) = (Some(9_000.0), Some(20_000.0));
    (mixed.containment_rate_before_per_h, mixed.containment_rate_during_per_h) = (Some(0.4), Some(1.2));
    (mixed.contained_before, mixed.contained_during, mixed.mttc_before_n, mixed.mttc_during_n) = (7, 23, 7, 23);
    let cases = [
        (mixed, "Mixed: the containment rate and MTTC moved in opposite directions"),
        (nothing_left, "nothing was left to contain"),
        (too_few, "Too few containments to compare"),
        (improved, "Improvement: 3.2× the containment rate"),
    ];
    for (mut x, expected) in cases {
        x.finding = assist::finding(&x);
        assert!(x.finding.contains(expected), "{}", x.finding);
        assert!(x.finding.contains("(n="), "MTTC is given with its count: {}", x.finding);
        assert_eq!(x.finding.contains('×'), expected.starts_with("Improvement"), "{}", x.finding);
        let mut r = default_results();
        r.assessment.assistance = vec![x.clone()];
        let t = terminal::render(&r, false);
        let md = markdown::render(&r);
        let page = html::render(&r);
        assert!(t.contains(&x.finding), "terminal lacks: {}", x.finding);
        assert!(md.contains(&format!("- {}", x.finding.replace('|', "\\|"))), "markdown lacks: {}", x.finding);
        assert!(page.contains(&format!("<li>{}</li>", cydex::fmt::esc_html(&x.finding))), "html lacks: {}", x.finding);
        for out in [&t, &md, &page] {
            assert!(!out.contains("0.0×"), "a ratio of nothing");
        }
    }
}

/// The value after `key` up to the next space, `<` or `,` in `text`, searched from `from`.
fn value_after<'t>(text: &'t str, from: &str, key: &str) -> &'t str {
    let start = text.find(from).unwrap_or_else(|| panic!("no {from:?}"));
    let rest = &text[start..];
    let at = rest.find(key).unwrap_or_else(|| panic!("no {key:?} after {from:?}")) + key.len();
    let v = &rest[at..];
    &v[..v.find([' ', '<', ',', '\n']).unwrap_or(v.len())]
}

/// One value per metric: the headline MTTD / MTTC / MTTR printed by the terminal, the Markdown
/// and the HTML report are the exercise-wide values of results.json, and differ from a single
/// nation's when more than one nation had incidents.
#[test]
fn headline_metrics_agree_in_every_output() {
    // Seed 1 is an outbreak that spills over into LVA: incidents in both nations.
    let loaded = load_file("scenarios/ransomware-drill.yaml".as_ref()).unwrap();
    let (r, _) = cydex::results::run(&loaded, &[], &RunConfig { seed: 1, run_index: 0 });
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let t = terminal::render(&r, false);
    let md = markdown::render(&r);
    let page = cydex::report::html::render(&r);
    for (metric, key) in [("MTTD", "mttd"), ("MTTC", "mttc"), ("MTTR", "mttr")] {
        let mean = json["assessment"]["exercise"][key]["mean_s"].as_f64().expect("exercise-wide mean in results.json");
        let n = json["assessment"]["exercise"][key]["n"].as_u64().unwrap();
        let expected = cydex::fmt::span(mean.round() as u64);
        let terminal_value = value_after(&t, "Incident handling, all nations", &format!("  {metric}  "));
        let md_key = if metric == "MTTR" { "MTTR (recover) ".to_string() } else { format!("{metric} ") };
        let md_value = value_after(&md, "- **All nations:**", &md_key);
        let html_value = value_after(&page, &format!("<div class=\"k\">{metric}</div>"), "<div class=\"v\">");
        assert_eq!((terminal_value, md_value, html_value), (&*expected, &*expected, &*expected), "{metric}");
        assert!(page.contains(&format!("all nations · n={n}")), "{metric}: the HTML card gives n={n}");
    }
    let est = r.assessment.lifecycle.iter().find(|l| l.kind == "nation" && l.id == "EST").unwrap();
    assert_ne!(est.mttc.n, r.assessment.exercise.mttc.n, "the drill has incidents in more than one nation");
    // Censored incidents are named for what they lack, never a bare "open".
    assert!(md.contains("not contained at ENDEX") && md.contains("not recovered at ENDEX"));
    assert!(!md.contains(" open)") && !page.contains("Open at ENDEX") && !t.contains(" open)"));
}
