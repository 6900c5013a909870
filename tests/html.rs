//! The HTML after-action report: well formed, self-contained (nothing from the network), every
//! chart present, every evidence link followable, hostile scenario text escaped, byte-identical
//! across renders, and graceful on empty and alliance-sized results.

use std::sync::OnceLock;

use cydex::report::html;
use cydex::results::RunResults;
use cydex::scenario::load_file;
use cydex::sim::{DEFAULT_SEED, RunConfig};

const DRILL: &str = "scenarios/ransomware-drill.yaml";

fn drill() -> &'static RunResults {
    static R: OnceLock<RunResults> = OnceLock::new();
    R.get_or_init(|| {
        let loaded = load_file(DRILL.as_ref()).unwrap();
        // Seed 1 is an outbreak: U ratings, an improvement plan, the RRT on task (the default seed is contained).
        cydex::results::run(&loaded, &[], &RunConfig { seed: 1, run_index: 0 }).0
    })
}

const VOID: [&str; 9] = ["area", "base", "br", "col", "hr", "img", "input", "meta", "wbr"];

/// Checks that every non-void element is closed, in order, and that every `&` in text starts an
/// entity. `<style>` and `<script>` bodies are raw text. Returns the element names opened, in order.
fn check_well_formed(doc: &str) -> Result<Vec<String>, String> {
    let b = doc.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut i = 0;
    let line = |at: usize| doc[..at].matches('\n').count() + 1;
    while i < b.len() {
        match b[i] {
            b'<' => {
                let rest = &doc[i..];
                if rest.starts_with("<!--") {
                    i += rest.find("-->").ok_or("unclosed comment")? + 3;
                    continue;
                }
                if rest.starts_with("<!") {
                    i += rest.find('>').ok_or("unclosed doctype")? + 1;
                    continue;
                }
                let end = rest.find('>').ok_or_else(|| format!("unclosed tag at line {}", line(i)))?;
                let tag = &rest[1..end];
                if tag.contains('<') {
                    return Err(format!("`<` inside a tag at line {}: {tag}", line(i)));
                }
                if let Some(name) = tag.strip_prefix('/') {
                    let name = name.trim();
                    match stack.pop() {
                        Some(open) if open == name => {}
                        other => return Err(format!("line {}: </{name}> closes {other:?}", line(i))),
                    }
                    i += end + 1;
                    continue;
                }
                let name: String =
                    tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>();
                if name.is_empty() {
                    return Err(format!("bare `<` at line {}", line(i)));
                }
                if !tag.matches('"').count().is_multiple_of(2) {
                    return Err(format!("unbalanced quotes in <{name}> at line {}", line(i)));
                }
                seen.push(name.clone());
                i += end + 1;
                if tag.ends_with('/') || VOID.contains(&name.as_str()) {
                    continue;
                }
                if name == "style" || name == "script" {
                    let close = format!("</{name}>");
                    i += doc[i..].find(&close).ok_or_else(|| format!("unclosed <{name}>"))? + close.len();
                    continue;
                }
                stack.push(name);
            }
            b'&' => {
                let rest = &doc[i..];
                let semi = rest.find(';').filter(|&s| s <= 8).ok_or_else(|| format!("bare & at line {}", line(i)))?;
                let ent = &rest[1..semi];
                let ok = ent.starts_with('#') && ent[1..].chars().all(|c| c.is_ascii_digit())
                    || ent.chars().all(|c| c.is_ascii_alphabetic());
                if !ok || ent.is_empty() {
                    return Err(format!("bad entity &{ent}; at line {}", line(i)));
                }
                i += semi + 1;
            }
            _ => i += 1,
        }
    }
    if stack.is_empty() { Ok(seen) } else { Err(format!("unclosed at end: {stack:?}")) }
}

#[test]
fn the_checker_catches_broken_markup() {
    assert!(check_well_formed("<p><b>x</p></b>").is_err());
    assert!(check_well_formed("<div><p>x</p>").is_err());
    assert!(check_well_formed("<p>a & b</p>").is_err());
    assert!(check_well_formed("<p>a &amp; b<br></p>").is_ok());
    assert!(check_well_formed("<svg><rect x=\"1\"/></svg>").is_ok());
}

#[test]
fn report_is_well_formed_html() {
    let doc = html(drill());
    assert!(doc.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(doc.ends_with("</html>\n"));
    let tags = check_well_formed(&doc).unwrap_or_else(|e| panic!("{e}"));
    for t in ["html", "head", "body", "main", "table", "details", "summary", "svg"] {
        assert!(tags.iter().any(|x| x == t), "no <{t}>");
    }
}

#[test]
fn report_has_every_chart() {
    let doc = html(drill());
    assert!(doc.contains("aria-label=\"EST: at ENDEX:"), "the lifecycle panel of EST");
    assert!(doc.contains("role=\"img\" aria-label=\"Service outages over the exercise"), "availability lanes");
    assert!(doc.contains("role=\"img\" aria-label=\"Each lane is one request"), "assistance lanes");
    assert!(doc.contains("<svg class=\"chart chart-slots\""), "score breakdown");
    assert!(doc.contains("<svg class=\"chart chart-bars\""), "ATT&CK coverage");
    assert!(doc.contains("class=\"bar-1\""), "the drill's mail outage is drawn");
    for series in ["compromised", "detected", "contained", "recovered"] {
        assert!(doc.contains(&format!("class=\"series-{series}\"")), "{series} line");
    }
}

/// Every evidence link (`#ev-N`) lands on its row of the embedded event timeline, in the default
/// run and in the outbreak.
#[test]
fn every_evidence_link_has_its_anchor() {
    let loaded = load_file(DRILL.as_ref()).unwrap();
    let default = cydex::results::run(&loaded, &[], &RunConfig { seed: DEFAULT_SEED, run_index: 0 }).0;
    for r in [&default, drill()] {
        let doc = html(r);
        let mut links = 0;
        for (i, _) in doc.match_indices("href=\"#ev-") {
            let id: String = doc[i + 10..].chars().take_while(char::is_ascii_digit).collect();
            assert!(doc.contains(&format!("<tr id=\"ev-{id}\">")), "#ev-{id} links nowhere");
            links += 1;
        }
        assert!(links > 50, "only {links} evidence links");
        let rows = doc.matches("<tr id=\"ev-").count();
        assert_eq!(rows, r.evidence.len(), "one timeline row per cited event");
    }
}

#[test]
fn report_has_the_aar_sections() {
    let r = drill();
    let doc = html(r);
    for needle in [
        "After-Action Report / Improvement Plan",
        "DRAFT — generated by cydex",
        "class=\"tlp tlp-green\"",
        "Executive summary",
        "Performed without Challenges",
        "cydex engine rule",
        "Areas for improvement",
        "MTTC",
        "ATT&amp;CK coverage",
        "Assistance: timeline and what it changed",
        "Ledger by nation and rule",
        "Appendix C. Full scoring ledger",
        "Appendix D. Event timeline",
        "Primary responsible organization",
        "Executed MSEL",
        r.meta.scenario_sha256.as_str(),
    ] {
        assert!(doc.contains(needle), "missing {needle:?}");
    }
    for o in &r.assessment.ratings {
        assert!(doc.contains(&format!(" {}: ", o.id)), "objective {} has no analysis block", o.id);
    }
    assert!(doc.contains("@media print"));
}

#[test]
fn report_loads_nothing_from_the_network() {
    let doc = html(drill());
    let lower = doc.to_ascii_lowercase();
    for bad in ["http://", "https://", "src=", "@import", "url(", "<link", "<img", "<iframe", "@font-face", "//cdn"] {
        assert!(!lower.contains(bad), "found {bad:?}");
    }
    for (i, _) in lower.match_indices("href=\"") {
        assert!(lower[i + 6..].starts_with('#'), "non-local link at {i}: {}", &doc[i..i + 40]);
    }
}

#[test]
fn report_escapes_hostile_scenario_text() {
    let mut r = drill().clone();
    r.meta.exercise_title = "<script>alert('x')</script> & \"quoted\"".to_string();
    r.meta.tlp = "TLP:RED\"><script>".to_string();
    r.summary.campaigns[0].name = "<img src=x onerror=alert(1)>".to_string();
    if let Some(o) = r.assessment.ratings.first_mut() {
        o.text = "</td></tr></table><b>".to_string();
    }
    r.assessment.timelines[0].nation = "<g onload=x>".to_string();
    let doc = html(&r);
    assert!(!doc.contains("<script>alert"), "title not escaped");
    assert!(doc.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"));
    assert!(!doc.contains("<img"), "campaign name not escaped");
    assert!(!doc.contains("<g onload"), "nation id not escaped in the chart");
    assert!(doc.contains("class=\"tlp tlp-red\""));
    check_well_formed(&doc).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn report_is_byte_identical_across_renders() {
    let r = drill();
    let a = html(r);
    let b = html(&r.clone());
    assert!(a == b, "two renders differ");
    let back: RunResults = serde_json::from_str(&r.to_json()).unwrap();
    assert!(html(&back) == a, "render after a results.json round trip differs");
}

#[test]
fn report_handles_empty_results() {
    let mut r = drill().clone();
    let a = &mut r.assessment;
    a.ratings.clear();
    a.improvement_plan.clear();
    a.assistance.clear();
    a.sharing.clear();
    a.msel.clear();
    a.attack_coverage.clear();
    a.lifecycle.clear();
    a.scores.ledger.clear();
    a.scores.providers.clear();
    for t in &mut a.timelines {
        t.points.truncate(1);
    }
    for s in &mut a.availability {
        s.outages.clear();
    }
    r.summary.assistance.clear();
    r.summary.first_compromise_s = None;
    r.summary.first_detection_s = None;
    let doc = html(&r);
    check_well_formed(&doc).unwrap_or_else(|e| panic!("{e}"));
    let services = format!("0 of {} service(s) went down", r.assessment.availability.len());
    for needle in [
        "defines no rated objectives",
        "No host was compromised in any nation",
        services.as_str(),
        "No nation requested assistance",
        "No area for improvement",
        "no MSEL injects",
        "The ledger is empty",
        "not requested",
    ] {
        assert!(doc.contains(needle), "missing {needle:?}");
    }
    assert!(!doc.contains("chart-steps") && !doc.contains("chart-lanes"));

    // Nothing at all: no nations, no services.
    let mut bare = r.clone();
    bare.summary.nations.clear();
    bare.summary.services.clear();
    bare.summary.campaigns.clear();
    bare.assessment.timelines.clear();
    bare.assessment.availability.clear();
    bare.assessment.nation_availability.clear();
    bare.assessment.scores.nations.clear();
    bare.summary.duration_s = 0;
    bare.meta.tlp = String::new();
    let doc = html(&bare);
    check_well_formed(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.contains("No nation was scored"));
}

#[test]
fn report_scales_to_thirty_two_nations() {
    let mut r = drill().clone();
    let base_tl = r.assessment.timelines[0].clone();
    let base_score = r.assessment.scores.nations[0].clone();
    r.assessment.timelines.clear();
    r.assessment.scores.nations.clear();
    for i in 0..32 {
        let id = format!("N{i:02}");
        let mut t = base_tl.clone();
        t.nation = id.clone();
        if i % 4 == 3 {
            t.points.truncate(1);
        }
        r.assessment.timelines.push(t);
        let mut s = base_score.clone();
        s.nation = id;
        r.assessment.scores.nations.push(s);
    }
    let doc = html(&r);
    check_well_formed(&doc).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.matches("class=\"chart chart-steps\"").count(), 24);
    assert!(doc.contains("8 nation(s) had no compromised host and are not shown"));
    assert!(doc.contains(">N31</text>"), "the score chart has a bar for every nation");
}

/// Writes `target/html-demo.html` to look at. With `CYDEX_HTML_RESULTS=a/results.json,b/results.json`
/// it also renders each results file to `report.html` beside it.
#[test]
fn writes_the_demo_report() {
    let doc = html(drill());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("html-demo.html"), &doc).unwrap();
    if let Ok(list) = std::env::var("CYDEX_HTML_RESULTS") {
        for path in list.split(',').filter(|p| !p.is_empty()) {
            let text = std::fs::read_to_string(path).unwrap();
            let r: RunResults = serde_json::from_str(&text).unwrap();
            let out = std::path::Path::new(path).with_file_name("report.html");
            let doc = html(&r);
            check_well_formed(&doc).unwrap_or_else(|e| panic!("{path}: {e}"));
            std::fs::write(out, doc).unwrap();
        }
    }
}

#[test]
fn tlp_banner_is_coloured_per_tlp_2() {
    let mut r = drill().clone();
    for (tlp, class) in [
        ("TLP:CLEAR", "tlp-clear"),
        ("TLP:GREEN", "tlp-green"),
        ("TLP:AMBER", "tlp-amber"),
        ("TLP:AMBER+STRICT", "tlp-amber"),
        ("TLP:RED", "tlp-red"),
        ("", "tlp-unknown"),
    ] {
        r.meta.tlp = tlp.to_string();
        let doc = html(&r);
        assert_eq!(doc.matches(&format!("class=\"tlp {class}\"")).count(), 2, "{tlp}: banner at top and bottom");
    }
}
