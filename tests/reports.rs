//! The reports of a run: snapshots of the Markdown after-action report, the terminal summary and
//! the ATT&CK Navigator layer of the default drill (seed fixed), and checks that every headline
//! value reads the same in the terminal, the Markdown, the HTML and results.json.

use cydex::fmt::{mb, pct, score, span, thousands};
use cydex::report::{html, markdown, terminal};
use cydex::results::RunResults;
use cydex::scenario::load_file;
use cydex::sim::{DEFAULT_SEED, RunConfig};
use serde_json::Value;

/// A run of a bundled scenario, with its provenance pinned so snapshots do not change with every
/// release or scenario comment edit.
fn results_of(path: &str, seed: u64) -> RunResults {
    let loaded = load_file(path.as_ref()).unwrap();
    let (mut r, _) = cydex::results::run(&loaded, &[], &RunConfig { seed, run_index: 0 });
    r.meta.engine = "cydex (snapshot)".into();
    r.meta.scenario = path.into();
    r.meta.scenario_sha256 = "0".repeat(64);
    r
}

fn default_results() -> RunResults {
    results_of("scenarios/ransomware-drill.yaml", DEFAULT_SEED)
}

#[test]
fn markdown_report_of_the_default_drill() {
    let md = markdown(&default_results());
    for section in [
        "## 1. Exercise overview",
        "## 2. Executive summary",
        "## 3. Objectives and ratings",
        "## 4. Analysis of capabilities",
        "## 5. Incident-handling metrics",
        "## 6. Service availability",
        "## 7. ATT&CK coverage",
        "## 8. Assistance: timeline and what it changed",
        "## 9. Information sharing",
        "## 10. Scores",
        "## A. Improvement plan",
        "## B. Executed MSEL (planned against actual)",
        "## C. Full scoring ledger",
        "## D. Event timeline",
        "## E. Glossary",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    insta::assert_snapshot!(md);
}

#[test]
fn terminal_summary_of_the_default_drill() {
    insta::assert_snapshot!(terminal(&default_results(), false));
}

#[test]
fn navigator_layer_of_the_default_drill() {
    insta::assert_snapshot!(cydex::report::navigator::run(&default_results()));
}

#[test]
fn results_round_trip_through_json() {
    let r = default_results();
    let back = RunResults::from_json(&r.to_json()).unwrap();
    assert_eq!(back.to_json(), r.to_json());
}

#[test]
fn results_record_the_clock_and_the_cited_events() {
    let r = default_results();
    // The drill's STARTEX is 2027-03-01T07:00:00Z; Estonia and Latvia are at UTC+02:00.
    assert_eq!(r.meta.startex_unix, Some(1_803_884_400));
    assert_eq!(r.meta.utc_offset_min.get("EST"), Some(&120));
    assert_eq!(r.meta.utc_offset_min.len(), r.summary.nations.len());
    let cited = cydex::results::evidence::cited_ids(&r.assessment);
    let kept: Vec<u64> = r.evidence.iter().map(|e| e.id).collect();
    assert_eq!(kept, cited.into_iter().collect::<Vec<_>>(), "every cited event, in id order");
    let outage = &r.assessment.availability.iter().find(|a| !a.outages.is_empty()).unwrap().outages[0];
    let down = r.evidence.iter().find(|e| e.id == outage.2).unwrap();
    assert_eq!((down.kind.as_str(), down.time_s), ("service_down", outage.0));
    // Results written before these fields existed still load, without a clock or evidence.
    let mut old: Value = serde_json::from_str(&r.to_json()).unwrap();
    for (obj, key) in [("meta", "startex_unix"), ("meta", "utc_offset_min")] {
        old[obj].as_object_mut().unwrap().remove(key);
    }
    old.as_object_mut().unwrap().remove("evidence");
    let old = RunResults::from_json(&old.to_string()).unwrap();
    assert_eq!((old.meta.startex_unix, old.evidence.len()), (None, 0));
    assert!(html(&old).contains("These results list no cited events"));
}

#[test]
fn foreign_or_incompatible_results_are_refused_with_a_reason() {
    let err = RunResults::from_json("{\"hello\": 1}").unwrap_err().to_string();
    assert!(err.contains("not a cydex results file"), "{err}");
    let err = RunResults::from_json("not json").unwrap_err().to_string();
    assert!(err.contains("not valid JSON"), "{err}");
    let r = default_results().to_json().replacen("\"format_version\": 4", "\"format_version\": 99", 1);
    let err = RunResults::from_json(&r).unwrap_err().to_string();
    assert!(err.contains("version 99 is not supported"), "{err}");
    let err = RunResults::from_json("{\"format\": \"cydex-results\", \"format_version\": 4}").unwrap_err().to_string();
    assert!(err.contains("damaged or incomplete") && err.contains("line 1 column"), "located: {err}");
    // Not an object, or a repeated key: read as a JSON value to say what is wrong, never a panic.
    let err = RunResults::from_json("[\"cydex-results\", 4]").unwrap_err().to_string();
    assert!(err.contains("not a cydex results file"), "{err}");
    let twice = "{\"format\": \"cydex-batch\", \"format\": \"cydex-results\", \"format_version\": 4}";
    let err = RunResults::from_json(twice).unwrap_err().to_string();
    assert!(err.contains("damaged or incomplete"), "{err}");
    // A results file of the third format (one ledger line per host, every cited event) is
    // refused by version.
    let old = default_results().to_json().replacen("\"format_version\": 4", "\"format_version\": 3", 1);
    let err = RunResults::from_json(&old).unwrap_err().to_string();
    assert!(err.contains("version 3 is not supported") && err.contains("re-run the scenario"), "{err}");
    // A results file of the second format (no ATT&CK names or version) is refused by version.
    let old = default_results().to_json().replacen("\"format_version\": 4", "\"format_version\": 2", 1);
    let err = RunResults::from_json(&old).unwrap_err().to_string();
    assert!(err.contains("version 2 is not supported") && err.contains("re-run the scenario"), "{err}");
    // A results file of the first format (event counts, not distinct hosts) is refused by version.
    let err = RunResults::from_json("{\"format\": \"cydex-results\", \"format_version\": 1}").unwrap_err().to_string();
    assert!(err.contains("version 1 is not supported"), "{err}");
    // Tampered values no run can produce are refused on reading, naming the field.
    let r = default_results();
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v["summary"]["duration_s"] = serde_json::json!(u64::MAX);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("more than the") && err.contains("ticks"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v["assessment"]["timelines"][0]["points"][0][0] = serde_json::json!(u64::MAX);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("points") && err.contains("outside the exercise"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v["assessment"]["scores"]["weights"]["availability"] = serde_json::json!(-30.0);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("score weight `availability` is -30"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v["meta"]["startex_unix"] = serde_json::json!(i64::MAX);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("`meta.startex_unix`") && err.contains("year 0 to 9999"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v["meta"]["utc_offset_min"]["EST"] = serde_json::json!(900);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("UTC offset of EST is 900 minutes"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v["evidence"][0]["time_s"] = serde_json::json!(u64::MAX);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("evidence[0].time_s") && err.contains("outside the exercise"), "{err}");
    // A ledger entry whose points are not its count × its points each.
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let e = v["assessment"]["scores"]["ledger"].as_array_mut().unwrap().iter_mut().find(|e| e["count"] != 1).unwrap();
    e["count"] = serde_json::json!(e["count"].as_u64().unwrap() + 1);
    let err = RunResults::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("ledger entry") && err.contains("thousandths"), "{err}");
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
    assert!(current("report.md", markdown(&results)), "report.md: {stale}");
    assert!(current("report.html", html(&results)), "report.html: {stale}");
    let layer = cydex::report::navigator::run(&results);
    assert!(current("coverage.layer.json", layer), "coverage.layer.json: {stale}");
}

/// Whitespace folded, so a sentence the terminal wrapped reads as one line again.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The "what the assistance changed" finding is computed once and every renderer prints it: for
/// each case (mixed, nothing left to contain, too small a sample, a real improvement), the
/// terminal, Markdown and HTML say the same, and only a real improvement carries a ratio.
#[test]
fn every_renderer_states_the_same_assistance_finding() {
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
        let t = terminal(&r, false);
        let md = markdown(&r);
        let page = html(&r);
        assert!(folded(&t).contains(&format!("• {}", x.finding)), "terminal lacks: {}", x.finding);
        assert!(md.contains(&format!("- {}", x.finding.replace('|', "\\|"))), "markdown lacks: {}", x.finding);
        assert!(page.contains(&format!("<li>{}</li>", cydex::fmt::esc_html(&x.finding))), "html lacks: {}", x.finding);
        for out in [&t, &md, &page] {
            assert!(!out.contains("0.0×"), "a ratio of nothing");
        }
    }
}

// ───────────────────────── the same value in every output ─────────────────────────

/// The three text outputs as tables: rows of cells, without markup.
struct Outputs {
    terminal: Vec<Vec<String>>,
    markdown: Vec<Vec<String>>,
    html: Vec<Vec<String>>,
}

/// Terminal rows: indented lines, cells apart by two or more spaces.
fn terminal_rows(t: &str) -> Vec<Vec<String>> {
    let cells = |l: &str| l.trim().split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
    t.lines().filter(|l| l.starts_with("  ")).map(cells).collect()
}

/// Markdown rows: pipe-table lines, cells without emphasis or code marks.
fn markdown_rows(md: &str) -> Vec<Vec<String>> {
    let clean = |c: &str| c.trim().replace("\\|", "|").replace(['*', '`'], "");
    md.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
        .map(|l| {
            l.trim_matches('|')
                .replace("\\|", "\u{1}")
                .split(" | ")
                .map(|c| clean(&c.replace('\u{1}', "\\|")))
                .collect()
        })
        .collect()
}

/// Text of an HTML fragment: tags dropped, entities decoded, white space folded.
fn html_text(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    folded(&out.replace("&amp;", "&"))
}

/// HTML rows: each table row's cells, and each headline card as (label, value, detail).
fn html_rows(page: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in page.lines() {
        if line.starts_with("<tr") || line.starts_with("<thead><tr>") {
            let cells = line.split("</td>").flat_map(|c| c.split("</th>")).map(html_text).filter(|c| !c.is_empty());
            rows.push(cells.collect());
        } else if line.starts_with("<div class=\"card\">") {
            rows.push(line.split("</div>").map(html_text).filter(|c| !c.is_empty()).collect());
        }
    }
    rows
}

impl Outputs {
    fn of(r: &RunResults) -> Outputs {
        Outputs {
            terminal: terminal_rows(&terminal(r, false)),
            markdown: markdown_rows(&markdown(r)),
            html: html_rows(&html(r)),
        }
    }

    /// In every output, the cell under `column` of the first table headed by `first` that has
    /// that column, in the first row keyed `key`.
    fn cell(&self, first: &str, column: &str, key: &str) -> [String; 3] {
        [("terminal", &self.terminal), ("markdown", &self.markdown), ("html", &self.html)].map(|(name, rows)| {
            let head = rows.iter().position(|r| r.first().is_some_and(|c| c == first) && r.iter().any(|c| c == column));
            let head = head.unwrap_or_else(|| panic!("{name}: no table headed {first} with a {column} column"));
            let col = rows[head].iter().position(|c| c == column).unwrap();
            let row = rows[head + 1..].iter().find(|r| r.first().is_some_and(|c| c == key));
            let row = row.unwrap_or_else(|| panic!("{name}: no row {key} under {first}/{column}"));
            row.get(col).cloned().unwrap_or_else(|| panic!("{name}: row {key} has no cell {col}: {row:?}"))
        })
    }

    /// A headline card's value and detail in every output.
    fn card(&self, label: &str) -> [(String, String); 3] {
        [("terminal", &self.terminal), ("markdown", &self.markdown), ("html", &self.html)].map(|(name, rows)| {
            let row = rows.iter().find(|r| r.len() == 3 && r[0] == label);
            let row = row.unwrap_or_else(|| panic!("{name}: no headline card {label}"));
            (row[1].clone(), row[2].clone())
        })
    }
}

/// A duration statistic of results.json as every output prints it, from the JSON numbers.
fn stat(v: &Value, metric: &str) -> String {
    let (n, open) = (v["n"].as_u64().unwrap(), v["open"].as_u64().unwrap());
    let censored = match metric {
        "mtta" => "not acknowledged at ENDEX",
        "mttc" => "not contained at ENDEX",
        _ => "not recovered at ENDEX",
    };
    let count = if open == 0 { format!("n={n}") } else { format!("n={n}, {open} {censored}") };
    match v["mean_s"].as_f64() {
        Some(mean) => format!("{} ({count})", span(mean.round() as u64)),
        None if open == 0 => "—".to_string(),
        None => format!("none yet ({count})"),
    }
}

/// Every headline value — MTTD, MTTA, MTTC and MTTR exercise-wide and per nation, hosts
/// compromised, re-infections, data lost, availability, the nation and alliance scores and each
/// objective's rating — is derived here from results.json with the `fmt` helpers, and read back
/// from the terminal summary, report.md and report.html, in the same table cell or headline card.
fn check_one_value_per_metric(r: &RunResults) {
    let json: Value = serde_json::from_str(&r.to_json()).unwrap();
    let out = Outputs::of(r);
    let (a, s) = (&json["assessment"], &json["summary"]);
    let all = |v: String| [v.clone(), v.clone(), v];
    let scopes = std::iter::once(&a["exercise"])
        .chain(a["lifecycle"].as_array().unwrap().iter().filter(|l| l["kind"] == "nation"));
    for l in scopes {
        let id = l["id"].as_str().unwrap();
        for (key, column) in [("mttd", "MTTD"), ("mtta", "MTTA"), ("mttc", "MTTC"), ("mttr", "MTTR")] {
            assert_eq!(out.cell("Scope", column, id), all(stat(&l[key], key)), "{column} of {id}");
        }
    }
    let e = &a["exercise"];
    for (key, label) in [("mttd", "MTTD"), ("mtta", "MTTA"), ("mttc", "MTTC"), ("mttr", "MTTR")] {
        let value = e[key]["mean_s"].as_f64().map_or("—".to_string(), |m| span(m.round() as u64));
        assert!(out.card(label).iter().all(|(v, _)| *v == value), "{label} card: {:?} ≠ {value}", out.card(label));
    }
    let nations = s["nations"].as_array().unwrap();
    let sum = |k: &str| nations.iter().map(|n| n[k].as_u64().unwrap()).sum::<u64>();
    let again = format!("{} re-infection(s) of recovered hosts", thousands(sum("reinfections")));
    for (value, detail) in out.card("Hosts compromised") {
        assert_eq!(value, thousands(sum("hosts_compromised")));
        assert!(detail.contains(&again), "{detail} lacks {again}");
    }
    assert!(out.card("Data lost").iter().all(|(v, _)| *v == mb(s["data_lost_mb"].as_f64().unwrap())));
    assert!(out.card("Alliance score").iter().all(|(v, _)| *v == score(a["scores"]["alliance"].as_f64().unwrap())));
    for n in nations {
        let id = n["id"].as_str().unwrap();
        assert_eq!(
            out.cell("Nation", "Compromised", id),
            all(thousands(n["hosts_compromised"].as_u64().unwrap())),
            "{id}"
        );
        assert_eq!(
            out.cell("Nation", "Re-infections", id),
            all(thousands(n["reinfections"].as_u64().unwrap())),
            "{id}"
        );
        assert_eq!(out.cell("Nation", "Data lost", id), all(mb(n["data_lost_mb"].as_f64().unwrap())), "{id}");
        let weighted = a["nation_availability"][id].as_f64().unwrap();
        assert_eq!(out.cell("Nation", "Availability", id), all(pct(weighted)), "{id} availability");
    }
    for n in a["scores"]["nations"].as_array().unwrap() {
        let id = n["nation"].as_str().unwrap();
        assert_eq!(out.cell("Nation", "Total", id), all(score(n["total"].as_f64().unwrap())), "{id} score");
    }
    for o in a["ratings"].as_array().unwrap() {
        let id = o["id"].as_str().unwrap();
        assert_eq!(out.cell("Objective", "Rating", id), all(o["rating"].as_str().unwrap().to_string()), "{id}");
    }
}

/// The drill's outbreak (seed 1) has incidents in two nations, censored incidents and U ratings;
/// the supply-chain scenario has seven nations. One value per metric in each.
#[test]
fn headline_metrics_agree_in_every_output() {
    let outbreak = results_of("scenarios/ransomware-drill.yaml", 1);
    let est = outbreak.assessment.lifecycle.iter().find(|l| l.kind == "nation" && l.id == "EST").unwrap();
    assert_ne!(est.mttc.n, outbreak.assessment.exercise.mttc.n, "the outbreak reaches more than one nation");
    assert!(outbreak.assessment.exercise.mttr.open > 0, "and leaves incidents not recovered at ENDEX");
    check_one_value_per_metric(&outbreak);
    check_one_value_per_metric(&results_of("scenarios/supply-chain.yaml", DEFAULT_SEED));
    // Censored incidents are named for what they lack, never a bare "open".
    let (t, md, page) = (terminal(&outbreak, false), markdown(&outbreak), html(&outbreak));
    assert!(md.contains("not contained at ENDEX") && md.contains("not recovered at ENDEX"));
    assert!(!md.contains(" open)") && !page.contains("Open at ENDEX") && !t.contains(" open)"));
}

#[test]
fn the_checker_reads_cells_under_their_heading() {
    let t = "  Scope        MTTD  MTTC\n  all nations  1h (n=2)  —\n  EST    3h  2h\n";
    let md = "| Nation | Total |\n| --- | ---: |\n| **EST** | `9\\|8` |\n";
    assert_eq!(terminal_rows(t)[1], ["all nations", "1h (n=2)", "—"]);
    assert_eq!(markdown_rows(md)[1], ["EST", "9|8"]);
    let h = "<thead><tr><th>Nation</th><th class=\"n\">Total</th></tr></thead>\n<tr><td>EST</td><td><strong>98.4</strong> <small>x &amp; y</small></td></tr>\n";
    assert_eq!(html_rows(h)[1], ["EST", "98.4 x & y"]);
}
