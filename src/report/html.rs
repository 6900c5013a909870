//! The HTML after-action report (`report.html`): one self-contained file shaped like an HSEEP
//! After-Action Report / Improvement Plan (AAR/IP), with inline CSS and hand-written inline SVG
//! charts. It loads nothing from the network, needs no JavaScript (a one-line `beforeprint` hook
//! opens the collapsed ledger when printing), escapes every string that comes from the results,
//! and is deterministic: the same results give byte-identical HTML.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fmt::{esc_html as esc, nz, opt_tplus as opt_t, pct, span, thousands, tplus};
use crate::results::RunResults;
use crate::score::metrics::{ASSISTANCE_CHANGE, not_done_label};
use crate::score::ratings::{HSEEP_DEFINITIONS, Rating, rule_text};
use crate::score::scoring::{CATEGORIES, RULES};

fn opt_span(t: Option<u64>) -> String {
    t.map_or_else(|| "—".to_string(), span)
}

fn opt_fspan(t: Option<f64>) -> String {
    t.map_or_else(|| "—".to_string(), |v| span(v.round() as u64))
}

fn mb(v: f64) -> String {
    format!("{:.1} MB", nz(v))
}

fn category_label(c: &str) -> &str {
    match c {
        "availability" => "Availability",
        "attack_resistance" => "Attack resistance",
        "incident_response" => "Incident response",
        "reporting" => "Reporting",
        other => other,
    }
}

fn category_colour(c: &str) -> &'static str {
    match c {
        "availability" => "#1f6fb2",
        "attack_resistance" => "#7d3c98",
        "incident_response" => "#c0601a",
        "reporting" => "#138d75",
        _ => "#555555",
    }
}

fn rating_class(r: Rating) -> &'static str {
    match r {
        Rating::P => "r-p",
        Rating::S => "r-s",
        Rating::M => "r-m",
        Rating::U => "r-u",
        Rating::NotObserved => "r-na",
    }
}

fn badge(r: Rating) -> String {
    format!("<span class=\"badge {}\">{}</span>", rating_class(r), esc(r.code()))
}

fn evidence(ids: &[u64]) -> String {
    if ids.is_empty() {
        return "—".to_string();
    }
    let list: Vec<String> = ids.iter().map(|i| format!("#{i}")).collect();
    format!("<span class=\"ev\">{}</span>", list.join(", "))
}

/// The TLP 2.0 colour class for a marking like `TLP:AMBER+STRICT`.
fn tlp_class(tlp: &str) -> &'static str {
    let t = tlp.to_ascii_uppercase();
    if t.contains("RED") {
        "tlp-red"
    } else if t.contains("AMBER") {
        "tlp-amber"
    } else if t.contains("GREEN") {
        "tlp-green"
    } else if t.contains("CLEAR") || t.contains("WHITE") {
        "tlp-clear"
    } else {
        "tlp-unknown"
    }
}

const CSS: &str = r#"
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.45;color:#1b1f24;background:#f4f5f7}
main{max-width:1240px;margin:0 auto;padding:0 1.5rem 3rem;background:#fff}
h1{font-size:2rem;margin:.2rem 0 .3rem}
h2{font-size:1.45rem;margin:2.2rem 0 .8rem;padding-bottom:.25rem;border-bottom:2px solid #1b3a5c;color:#1b3a5c}
h3{font-size:1.12rem;margin:1.5rem 0 .5rem;color:#1b3a5c}
h4{font-size:1rem;margin:1rem 0 .3rem}
p,li{max-width:80ch}
small,.muted{color:#5b6570}
.tlp{font-weight:700;letter-spacing:.08em;text-align:center;padding:.3rem;background:#000;font-size:.95rem;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.tlp-red{color:#ff2b2b}.tlp-amber{color:#ffc000}.tlp-green{color:#33ff00}.tlp-clear{color:#fff}.tlp-unknown{color:#ddd}
.tlp .sw{display:inline-block;width:.8em;height:.8em;margin-right:.5em;border:.4em solid currentColor;vertical-align:-.1em}
.tlp-red .sw{border-color:#ff2b2b}.tlp-amber .sw{border-color:#ffc000}.tlp-green .sw{border-color:#33ff00}.tlp-clear .sw{border-color:#fff;outline:1px solid #000}
.watermark{position:fixed;top:40%;left:0;right:0;text-align:center;font-size:9rem;font-weight:800;color:rgba(160,160,160,.12);transform:rotate(-28deg);pointer-events:none;z-index:0;user-select:none}
.cover{padding:2rem 0 1rem;border-bottom:1px solid #d6dbe1;position:relative;z-index:1}
.doctype{text-transform:uppercase;letter-spacing:.12em;font-size:.85rem;color:#5b6570;margin:0}
.draft{display:inline-block;border:2px solid #b03a2e;color:#b03a2e;font-weight:700;padding:.1rem .6rem;margin:.4rem 0;letter-spacing:.05em}
nav.toc{columns:2;font-size:.95rem;margin:1rem 0}
nav.toc a{color:#1b3a5c}
.scroll{overflow-x:auto;margin:.5rem 0 1rem;max-width:100%}
table{border-collapse:collapse;font-size:.88rem;min-width:50%}
th,td{border:1px solid #d6dbe1;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.sub td{background:#f7f8fa;font-weight:600}
table.kv th{width:14rem}
.mono,.ev{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82rem}
.mono{overflow-wrap:anywhere}
.nw,table.compact td{white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.6rem;margin:1rem 0}
.card{border:1px solid #d6dbe1;border-left:4px solid #1b3a5c;padding:.5rem .7rem;border-radius:3px}
.card .k{font-size:.78rem;text-transform:uppercase;letter-spacing:.05em;color:#5b6570}
.card .v{font-size:1.15rem;font-weight:700}
.card .d{font-size:.82rem;color:#5b6570}
.badge{display:inline-block;min-width:2.2em;text-align:center;font-weight:700;border:2px solid;border-radius:3px;padding:0 .3em}
.r-p{color:#1e7b34;border-color:#1e7b34}.r-s{color:#8a6d00;border-color:#c9a400}.r-m{color:#b35900;border-color:#d9822b}.r-u{color:#b03a2e;border-color:#b03a2e}.r-na{color:#5b6570;border-color:#aab2bb}
.obj{border:1px solid #d6dbe1;border-radius:4px;padding:.2rem 1rem .6rem;margin:1rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:.8rem}
figure{margin:.6rem 0;break-inside:avoid;page-break-inside:avoid}
figcaption{font-size:.85rem;color:#5b6570}
svg.bar,svg.key{display:inline-block;vertical-align:middle}
svg{max-width:100%;height:auto;display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg text{fill:#1b1f24}
.legend{display:flex;flex-wrap:wrap;gap:1rem;font-size:.85rem;margin:.3rem 0}
details{border:1px solid #d6dbe1;border-radius:4px;padding:.4rem .8rem;margin:.8rem 0}
summary{cursor:pointer;font-weight:600}
footer{margin-top:2rem;font-size:.82rem;color:#5b6570;border-top:1px solid #d6dbe1;padding-top:.6rem}
@media (max-width:700px){nav.toc{columns:1}.charts{grid-template-columns:1fr}}
@media print{
 @page{margin:14mm 12mm}
 html{font-size:11pt}
 body{background:#fff}
 main{max-width:none;padding:0}
 nav.toc{display:none}
 .tlp{background:#fff;color:#000;border:2px solid #000}
 .watermark{color:rgba(120,120,120,.15)}
 section.major{break-before:page;page-break-before:always}
 h2,h3,h4{break-after:avoid;page-break-after:avoid}
 tr,figure,svg,.card,.obj{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 .scroll{overflow:visible}
 th{background:none;border-bottom:2px solid #000}
 tr.sub td{background:none}
 .charts{grid-template-columns:1fr 1fr}
 h3.newpage{break-before:page;page-break-before:always}
 details{border:none;padding:0}
 details>summary{list-style:none}
 a{color:inherit;text-decoration:none}
}
"#;

/// A table under construction: header cells, then rows of already-escaped HTML cells.
struct Table {
    class: &'static str,
    head: Vec<(String, bool)>,
    rows: Vec<String>,
}

impl Table {
    /// Headings; a heading starting with `#` is a numeric (right-aligned) column.
    fn new(head: &[&str]) -> Table {
        Table {
            class: "",
            head: head.iter().map(|h| (h.trim_start_matches('#').to_string(), h.starts_with('#'))).collect(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: &[String]) {
        self.row_class("", cells);
    }

    fn row_class(&mut self, class: &str, cells: &[String]) {
        let mut s = if class.is_empty() { "<tr>".to_string() } else { format!("<tr class=\"{class}\">") };
        for (i, c) in cells.iter().enumerate() {
            let numeric = self.head.get(i).is_some_and(|h| h.1);
            if numeric {
                let _ = write!(s, "<td class=\"n\">{c}</td>");
            } else {
                let _ = write!(s, "<td>{c}</td>");
            }
        }
        s.push_str("</tr>\n");
        self.rows.push(s);
    }

    fn render(&self, out: &mut String) {
        let class = if self.class.is_empty() { String::new() } else { format!(" class=\"{}\"", self.class) };
        let _ = write!(out, "<div class=\"scroll\"><table{class}>\n<thead><tr>");
        for (h, numeric) in &self.head {
            if *numeric {
                let _ = write!(out, "<th class=\"n\">{}</th>", esc(h));
            } else {
                let _ = write!(out, "<th>{}</th>", esc(h));
            }
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str(r);
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// Renders the report.
pub fn render(r: &RunResults) -> String {
    let mut o = String::with_capacity(256 * 1024);
    let m = &r.meta;
    let title = if m.exercise_title.is_empty() { m.exercise_id.as_str() } else { m.exercise_title.as_str() };
    let tlp = if m.tlp.is_empty() { "TLP: not marked" } else { m.tlp.as_str() };
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str("<meta name=\"generator\" content=\"cydex\">\n");
    let _ = writeln!(o, "<title>{} — After-Action Report (DRAFT)</title>", esc(title));
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    let tlp_banner =
        format!("<div class=\"tlp {}\" role=\"note\"><span class=\"sw\"></span>{}</div>\n", tlp_class(tlp), esc(tlp));
    o.push_str(&tlp_banner);
    o.push_str("<div class=\"watermark\" aria-hidden=\"true\">DRAFT</div>\n<main>\n");

    cover(&mut o, r, title);
    executive_summary(&mut o, r);
    objectives(&mut o, r);
    metrics(&mut o, r);
    availability(&mut o, r);
    coverage(&mut o, r);
    assistance(&mut o, r);
    scores(&mut o, r);
    improvement_plan(&mut o, r);
    msel(&mut o, r);

    let _ = writeln!(
        o,
        "<footer>DRAFT — generated by cydex from the results of one seeded run. {} · scenario <span class=\"mono\">{}</span> · sha256 <span class=\"mono\">{}</span> · seed {} · run {}. Scenario times are given as T+ from STARTEX ({}).</footer>",
        esc(&m.engine),
        esc(&m.scenario),
        esc(&m.scenario_sha256),
        m.seed,
        m.run_index,
        esc(&r.summary.startex)
    );
    o.push_str("</main>\n");
    o.push_str(&tlp_banner);
    // Progressive enhancement only: open the collapsed ledger when printing.
    o.push_str("<script>window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});</script>\n");
    o.push_str("</body>\n</html>\n");
    o
}

fn section(o: &mut String, id: &str, title: &str) {
    let _ = writeln!(o, "<section class=\"major\" id=\"{id}\">\n<h2>{}</h2>", esc(title));
}

fn cover(o: &mut String, r: &RunResults, title: &str) {
    let m = &r.meta;
    let s = &r.summary;
    o.push_str("<header class=\"cover\">\n<p class=\"doctype\">After-Action Report / Improvement Plan (AAR/IP)</p>\n");
    let _ = writeln!(o, "<h1>{}</h1>", esc(title));
    let _ = writeln!(o, "<p class=\"muted\">Exercise <span class=\"mono\">{}</span></p>", esc(&m.exercise_id));
    o.push_str("<p><span class=\"draft\">DRAFT — generated by cydex</span></p>\n");
    o.push_str("<p class=\"muted\">This draft is generated from simulated exercise results. Evaluators should review every rating, strength and area for improvement before the after-action meeting. Event ids (#n) refer to <span class=\"mono\">events.jsonl</span> of the same run.</p>\n");
    let mut t = Table::new(&["Item", "Value"]);
    t.class = "kv";
    let rows: Vec<(&str, String)> = vec![
        ("Exercise", esc(title)),
        ("Exercise id", format!("<span class=\"mono\">{}</span>", esc(&m.exercise_id))),
        ("Marking", esc(&m.tlp)),
        ("Scenario", format!("<span class=\"mono\">{}</span>", esc(&m.scenario))),
        ("Scenario SHA-256", format!("<span class=\"mono\">{}</span>", esc(&m.scenario_sha256))),
        ("Seed", m.seed.to_string()),
        ("Run index", m.run_index.to_string()),
        ("Engine", esc(&m.engine)),
        ("STARTEX", esc(&s.startex)),
        ("Duration", format!("{} ({} ticks of {} s)", span(s.duration_s), thousands(s.ticks_run), s.tick_s)),
        ("Hosts", thousands(s.hosts_total)),
        (
            "Nations / campaigns / services",
            format!("{} / {} / {}", s.nations.len(), s.campaigns.len(), s.services.len()),
        ),
        ("Events logged", thousands(s.events)),
        ("Scoring mode", esc(&r.assessment.scores.mode)),
    ];
    for (k, v) in rows {
        t.row(&[esc(k), v]);
    }
    t.render(o);
    o.push_str("</header>\n<nav class=\"toc\" aria-label=\"Contents\">\n<ol>\n");
    for (id, name) in [
        ("summary", "Executive summary"),
        ("objectives", "Objectives and ratings"),
        ("analysis", "Analysis of capabilities"),
        ("metrics", "Incident-handling metrics"),
        ("availability", "Service availability"),
        ("attack", "ATT&CK coverage"),
        ("assistance", "Assistance: what the Rapid Reaction Team changed"),
        ("scores", "Scores and ledger"),
        ("appendix-a", "Appendix A: Improvement plan"),
        ("appendix-b", "Appendix B: Executed MSEL"),
    ] {
        let _ = writeln!(o, "<li><a href=\"#{id}\">{}</a></li>", esc(name));
    }
    o.push_str("</ol>\n</nav>\n");
}

/// The headline card of one exercise-wide duration metric (`MTTD`, `MTTC`, `MTTR`).
fn metric_card(o: &mut String, metric: &str, st: &crate::score::metrics::Stat) {
    let detail = match st.open {
        0 => format!("all nations · n={}", st.n),
        open => format!("all nations · n={} · {open} {}", st.n, not_done_label(metric)),
    };
    card(o, metric, &opt_fspan(st.mean_s), &detail);
}

fn card(o: &mut String, key: &str, value: &str, detail: &str) {
    let _ = writeln!(
        o,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{value}</div><div class=\"d\">{detail}</div></div>",
        esc(key)
    );
}

fn executive_summary(o: &mut String, r: &RunResults) {
    let s = &r.summary;
    let a = &r.assessment;
    section(o, "summary", "Executive summary");
    o.push_str("<div class=\"cards\">\n");
    let count = |x: Rating| a.ratings.iter().filter(|o| o.rating == x).count();
    let ratings = if a.ratings.is_empty() {
        "none".to_string()
    } else {
        format!("{}P · {}S · {}M · {}U", count(Rating::P), count(Rating::S), count(Rating::M), count(Rating::U))
    };
    let na = count(Rating::NotObserved);
    card(
        o,
        "Objectives",
        &ratings,
        &format!(
            "{} objective(s) rated{}",
            a.ratings.len(),
            if na > 0 { format!(", {na} not observed") } else { String::new() }
        ),
    );
    card(o, "First compromise", &opt_t(s.first_compromise_s), "anywhere in the exercise");
    let dwell = match (s.first_compromise_s, s.first_detection_s) {
        (Some(c), Some(d)) => span(d.saturating_sub(c)),
        (Some(_), None) => "never detected".to_string(),
        _ => "—".to_string(),
    };
    card(o, "Dwell time", &esc(&dwell), &format!("first detection {}", opt_t(s.first_detection_s)));
    metric_card(o, "MTTD", &a.exercise.mttd);
    metric_card(o, "MTTC", &a.exercise.mttc);
    metric_card(o, "MTTR", &a.exercise.mttr);
    let down: Vec<&crate::score::metrics::Availability> =
        a.availability.iter().filter(|x| !x.outages.is_empty()).collect();
    let down_s: u64 = down.iter().flat_map(|x| x.outages.iter()).map(|o| o.1.saturating_sub(o.0)).sum();
    card(
        o,
        "Services down",
        &format!("{} of {}", down.len(), a.availability.len()),
        &format!("{} of down-time in total", span(down_s)),
    );
    card(o, "Data lost", &mb(s.data_lost_mb), "exfiltrated or destroyed");
    let compromised: u64 = s.nations.iter().map(|n| n.hosts_compromised).sum();
    card(o, "Hosts compromised", &thousands(compromised), &format!("of {} in the exercise", thousands(s.hosts_total)));
    let (help, detail) = match s.assistance.iter().filter(|x| x.on_task_s.is_some()).min_by_key(|x| x.on_task_s) {
        Some(x) => (
            format!("on task {}", opt_t(x.on_task_s)),
            format!("{} for {}, requested {}", esc(&x.provider), esc(&x.nation), tplus(x.requested_s)),
        ),
        None if s.assistance.is_empty() => ("not requested".to_string(), "no assistance request".to_string()),
        None => ("never arrived".to_string(), format!("{} request(s), none on task by ENDEX", s.assistance.len())),
    };
    card(o, "Assistance", &help, &detail);
    card(o, "Alliance score", &format!("{:.1}", a.scores.alliance), "host-weighted mean of nation scores (0–100)");
    o.push_str("</div>\n");

    // Narrative.
    o.push_str("<h3>What happened</h3>\n<ul>\n");
    if s.campaigns.is_empty() {
        o.push_str("<li>The scenario has no malicious campaign.</li>\n");
    }
    for c in &s.campaigns {
        let outcome = match c.outcome.as_str() {
            "impact" => format!("reached its impact at {} ({} impact(s))", opt_t(c.first_impact_s), c.impacts),
            "stopped" => format!(
                "was stopped before impact{}",
                c.stopped_at_stage
                    .as_ref()
                    .map(|s| format!(" at stage <span class=\"mono\">{}</span>", esc(s)))
                    .unwrap_or_default()
            ),
            "running" => "was still running at ENDEX without reaching its impact".to_string(),
            _ => "never started".to_string(),
        };
        let _ = writeln!(
            o,
            "<li><strong>{}</strong> <span class=\"mono\">({})</span> {}; {}, {} detected, {} contained; furthest stage {} of {}.</li>",
            esc(&c.name),
            esc(&c.id),
            outcome,
            super::hosts_hit(c.hosts_compromised, c.reinfections),
            c.hosts_detected,
            c.hosts_contained,
            c.furthest_stage_index.map_or(0, |i| i + 1),
            c.stages
        );
    }
    if s.assistance.is_empty() {
        o.push_str("<li>No nation requested assistance.</li>\n");
    }
    for x in &s.assistance {
        let arrived = match x.on_task_s {
            Some(t) => format!("on task {} ({} after the request)", tplus(t), span(t.saturating_sub(x.requested_s))),
            None => "never on task by ENDEX".to_string(),
        };
        let _ = writeln!(
            o,
            "<li>{} requested <strong>{}</strong> at {} ({}); {}.</li>",
            esc(&x.nation),
            esc(&x.provider),
            tplus(x.requested_s),
            esc(&x.reason),
            arrived
        );
    }
    o.push_str("</ul>\n");
    let mut t = Table::new(&[
        "Nation",
        "Team",
        "#Compromised",
        "#Detected",
        "#Contained",
        "#Recovered",
        "#Not contained at ENDEX",
        "#Not recovered at ENDEX",
        "First compromise",
        "First detection",
        "#Data lost",
        "#Availability",
    ]);
    t.class = "compact";
    for n in &s.nations {
        t.row(&[
            esc(&n.id),
            esc(&n.team),
            thousands(n.hosts_compromised),
            thousands(n.hosts_detected),
            thousands(n.hosts_contained),
            thousands(n.hosts_recovered),
            not_done(a, &n.id, |l| l.mttc.open),
            not_done(a, &n.id, |l| l.mttr.open),
            opt_t(n.first_compromise_s),
            opt_t(n.first_detection_s),
            mb(n.data_lost_mb),
            a.nation_availability.get(&n.id).map_or_else(|| "—".to_string(), |v| pct(*v)),
        ]);
    }
    o.push_str("<h3>Nations at a glance</h3>\n");
    t.render(o);
    o.push_str("</section>\n");
}

fn objectives(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    section(o, "objectives", "Objectives and ratings");
    if a.ratings.is_empty() {
        o.push_str(
            "<p>The scenario defines no rated objectives (objectives need a metric and a target to be rated).</p>\n",
        );
    } else {
        let mut t = Table::new(&[
            "Objective",
            "Core capability",
            "Scope",
            "Metric",
            "Target",
            "Measured",
            "#Ratio",
            "Rating",
            "Why",
            "Evidence (event ids)",
        ]);
        for x in &a.ratings {
            t.row(&[
                format!("<strong>{}</strong><br>{}", esc(&x.id), esc(&x.text)),
                esc(&x.capability),
                esc(&x.scope),
                esc(&x.metric.replace('_', " ")),
                esc(&x.target),
                x.measured.as_deref().map_or_else(|| "—".to_string(), esc),
                x.ratio.map_or_else(|| "—".to_string(), |v| format!("{:.2}", nz(v))),
                badge(x.rating),
                esc(&x.reason),
                evidence(&x.evidence),
            ]);
        }
        t.render(o);
    }
    o.push_str("<h3>Rating definitions</h3>\n");
    let mut t = Table::new(&["Rating", "HSEEP definition"]);
    for (k, d) in HSEEP_DEFINITIONS {
        t.row(&[format!("<strong>{}</strong>", esc(k)), esc(d)]);
    }
    t.row(&[
        "<strong>N/A — Not observed</strong>".to_string(),
        "cydex: the situation the objective measures did not arise in this run.".to_string(),
    ]);
    t.render(o);
    // The thresholds the ratings actually used (the scenario's `scoring.ratings`).
    let rule = rule_text(&r.assessment.rating_thresholds);
    let _ = writeln!(o, "<p><strong>Engine rule.</strong> {}</p>", esc(&rule));
    o.push_str("</section>\n");

    section(o, "analysis", "Analysis of capabilities");
    if a.ratings.is_empty() {
        o.push_str("<p>No objective was rated, so no strengths or areas for improvement were derived.</p>\n");
    }
    for x in &a.ratings {
        let _ = writeln!(
            o,
            "<div class=\"obj\">\n<h3>{} {}: {}</h3>\n<p>{}</p>",
            badge(x.rating),
            esc(&x.id),
            esc(&x.capability),
            esc(&x.text)
        );
        let _ = writeln!(
            o,
            "<p class=\"muted\">Scope {} · metric <span class=\"mono\">{}</span> · target {} · measured {}. {}</p>",
            esc(&x.scope),
            esc(&x.metric),
            esc(&x.target),
            x.measured.as_deref().map_or_else(|| "—".to_string(), esc),
            esc(&x.reason)
        );
        o.push_str("<h4>Strengths</h4>\n");
        list(o, &x.strengths, "None recorded.");
        o.push_str("<h4>Areas for improvement</h4>\n");
        list(o, &x.improvements, "None recorded.");
        let mut tags = Vec::new();
        if !x.csf.is_empty() {
            tags.push(format!("NIST CSF {}", esc(&x.csf.join(", "))));
        }
        if !x.pledge.is_empty() {
            tags.push(format!("Cyber Defence Pledge {}", esc(&x.pledge.join(", "))));
        }
        let _ = writeln!(
            o,
            "<p><small>Evidence: {}{}</small></p>\n</div>",
            evidence(&x.evidence),
            if tags.is_empty() { String::new() } else { format!(" · {}", tags.join(" · ")) }
        );
    }
    o.push_str("</section>\n");
}

fn list(o: &mut String, items: &[String], empty: &str) {
    if items.is_empty() {
        let _ = writeln!(o, "<p class=\"muted\">{}</p>", esc(empty));
        return;
    }
    o.push_str("<ul>\n");
    for i in items {
        let _ = writeln!(o, "<li>{}</li>", esc(i));
    }
    o.push_str("</ul>\n");
}

/// A nation's count of incidents censored for one metric, from its lifecycle row.
fn not_done(
    a: &crate::score::Assessment,
    nation: &str,
    f: impl Fn(&crate::score::metrics::Lifecycle) -> u64,
) -> String {
    a.lifecycle
        .iter()
        .find(|l| l.kind == "nation" && l.id == nation)
        .map_or_else(|| "0".to_string(), |l| thousands(f(l)))
}

fn stat_cell(s: &crate::score::metrics::Stat, metric: &str) -> String {
    let open = if s.open > 0 { format!(" · {} {}", s.open, not_done_label(metric)) } else { String::new() };
    format!("{}<br><small>n={}{open}</small>", opt_fspan(s.mean_s), s.n)
}

fn metrics(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    section(o, "metrics", "Incident-handling metrics");
    o.push_str("<p>Means over incidents (one incident per detected host). <em>n</em> counts incidents that reached the end point; the others are counted as not acknowledged, not contained or not recovered at ENDEX (censored, not in the mean).</p>\n");
    for (kind, label) in [
        ("exercise", "All nations (the headline values)"),
        ("nation", "Per nation"),
        ("team", "Per national team"),
        ("campaign", "Per campaign"),
        ("stage", "Per campaign stage"),
    ] {
        let rows: Vec<_> = std::iter::once(&a.exercise).chain(&a.lifecycle).filter(|l| l.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(o, "<h3>{label}</h3>");
        let mut t = Table::new(&["Scope", "#Incidents", "#Dwell", "#MTTD", "#MTTA", "#MTTC", "#MTTR"]);
        t.class = "compact";
        for l in rows {
            t.row(&[
                format!("<span class=\"mono\">{}</span>", esc(&l.id)),
                thousands(l.incidents),
                opt_span(l.dwell_s),
                stat_cell(&l.mttd, "MTTD"),
                stat_cell(&l.mtta, "MTTA"),
                stat_cell(&l.mttc, "MTTC"),
                stat_cell(&l.mttr, "MTTR"),
            ]);
        }
        t.render(o);
    }
    o.push_str("<h3>Metric definitions</h3>\n");
    let mut t = Table::new(&["Metric", "Start → end"]);
    for d in &a.definitions {
        t.row(&[format!("<strong>{}</strong>", esc(&d.name)), esc(&d.definition)]);
    }
    t.render(o);

    o.push_str("<h3 class=\"newpage\">Compromise → detection → containment → recovery over time</h3>\n");
    timeline_charts(o, r);
    o.push_str("</section>\n");
}

const SERIES: [(&str, &str, &str); 4] = [
    ("compromised", "#c0392b", ""),
    ("detected", "#d68910", "6 3"),
    ("contained", "#1f6fb2", "2 2"),
    ("recovered", "#1e8449", ""),
];

/// A tick step (seconds) giving at most `max_ticks` intervals over `end` seconds.
fn time_step(end: u64, max_ticks: u64) -> u64 {
    const STEPS: [u64; 11] = [900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000];
    STEPS.iter().copied().find(|s| end / s <= max_ticks.max(1)).unwrap_or(end.max(1))
}

/// A round upper bound for a count axis.
fn nice_max(v: u64) -> u64 {
    let v = v.max(1);
    let mut mag = 1;
    while mag * 10 < v {
        mag *= 10;
    }
    for f in [1, 2, 5, 10] {
        if f * mag >= v {
            return f * mag;
        }
    }
    10 * mag
}

/// Vertical grid lines and T+ labels under a plot from `x0` to `x0 + w`, at `y_top..y_bottom`.
fn time_axis(o: &mut String, end: u64, x0: f64, w: f64, y_top: f64, y_bottom: f64) {
    // About 75 px per label (`T+1d06:00` at 10 px).
    let step = time_step(end, (w / 75.0) as u64);
    let mut t = 0;
    while t <= end {
        let x = x0 + w * t as f64 / end.max(1) as f64;
        let _ = writeln!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{y_top:.1}\" x2=\"{x:.1}\" y2=\"{y_bottom:.1}\" stroke=\"#e3e7ec\" stroke-width=\"1\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            y_bottom + 13.0,
            tplus(t)
        );
        t += step;
    }
}

fn timeline_charts(o: &mut String, r: &RunResults) {
    let end = r.summary.duration_s.max(1);
    let active: Vec<_> = r.assessment.timelines.iter().filter(|t| t.points.iter().any(|p| p[1] > 0)).collect();
    let quiet = r.assessment.timelines.len() - active.len();
    if active.is_empty() {
        o.push_str("<p>No host was compromised in any nation: there is no lifecycle to chart.</p>\n");
        return;
    }
    o.push_str("<div class=\"legend\">");
    for (name, colour, dash) in SERIES {
        let dash_attr = if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") };
        let _ = write!(
            o,
            "<span><svg class=\"key\" width=\"28\" height=\"10\" viewBox=\"0 0 28 10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash_attr}/></svg> {name}</span>"
        );
    }
    o.push_str("</div>\n");
    let _ = writeln!(
        o,
        "<p class=\"muted\">Cumulative host counts per nation over scenario time (T+ from STARTEX). {} nation(s) with activity are charted{}.</p>",
        active.len(),
        if quiet > 0 {
            format!("; {quiet} nation(s) had no compromised host and are not shown")
        } else {
            String::new()
        }
    );
    o.push_str("<div class=\"charts\">\n");
    let (w, h) = (540.0, 220.0);
    let (x0, y0, pw, ph) = (44.0, 30.0, 460.0, 150.0);
    for tl in active {
        let max = tl.points.iter().map(|p| p[1].max(p[2]).max(p[3]).max(p[4])).max().unwrap_or(0);
        let ymax = nice_max(max);
        let sx = |t: u64| x0 + pw * (t.min(end) as f64) / end as f64;
        let sy = |v: u64| y0 + ph - ph * v as f64 / ymax as f64;
        let last = tl.points.last().copied().unwrap_or([0; 5]);
        let _ = writeln!(
            o,
            "<figure><svg class=\"chart chart-timeline\" id=\"timeline-{}\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"Lifecycle timeline of {}\">",
            esc(&tl.nation),
            esc(&tl.nation)
        );
        let _ =
            writeln!(o, "<text x=\"{x0:.1}\" y=\"16\" font-size=\"13\" font-weight=\"700\">{}</text>", esc(&tl.nation));
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"16\" font-size=\"10\" text-anchor=\"end\">at ENDEX: {} compromised · {} detected · {} contained · {} recovered</text>",
            x0 + pw,
            last[1],
            last[2],
            last[3],
            last[4]
        );
        time_axis(o, end, x0, pw, y0, y0 + ph);
        let ticks: Vec<u64> = if ymax >= 2 && ymax.is_multiple_of(2) { vec![0, ymax / 2, ymax] } else { vec![0, ymax] };
        for v in ticks {
            let y = sy(v);
            let _ = writeln!(
                o,
                "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e3e7ec\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{v}</text>",
                x0 + pw,
                x0 - 4.0,
                y + 3.5
            );
        }
        let _ = writeln!(
            o,
            "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{pw:.1}\" height=\"{ph:.1}\" fill=\"none\" stroke=\"#8a949e\" stroke-width=\"1\"/>"
        );
        for (k, (name, colour, dash)) in SERIES.iter().enumerate() {
            let mut d = format!("M{:.1} {:.1}", sx(0), sy(0));
            let mut prev = 0;
            for p in &tl.points {
                let v = p[k + 1];
                if v != prev {
                    let _ = write!(d, " H{:.1} V{:.1}", sx(p[0]), sy(v));
                    prev = v;
                }
            }
            let _ = write!(d, " H{:.1}", sx(end));
            let dash_attr = if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") };
            let _ = writeln!(
                o,
                "<path class=\"series-{name}\" d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\"{dash_attr}/>"
            );
        }
        o.push_str("</svg></figure>\n");
    }
    o.push_str("</div>\n");
}

fn availability(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    let end = r.summary.duration_s.max(1);
    section(o, "availability", "Service availability");
    let down: Vec<_> = a.availability.iter().filter(|x| !x.outages.is_empty()).collect();
    let _ = writeln!(
        o,
        "<p>{} of {} service(s) went down at least once. Each band is one service over the exercise window (STARTEX to ENDEX, {}); red marks when it was down.</p>",
        down.len(),
        a.availability.len(),
        span(r.summary.duration_s)
    );
    if !down.is_empty() {
        let (label_w, pw, row_h) = (190.0, 700.0, 26.0);
        let x0 = label_w;
        let y0 = 12.0;
        let h = y0 + row_h * down.len() as f64 + 30.0;
        let w = x0 + pw + 70.0;
        let _ = writeln!(
            o,
            "<figure><svg class=\"chart chart-availability\" id=\"availability-chart\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"Service outages over the exercise\">"
        );
        let bottom = y0 + row_h * down.len() as f64;
        time_axis(o, end, x0, pw, y0, bottom);
        for (i, s) in down.iter().enumerate() {
            let y = y0 + row_h * i as f64 + 4.0;
            let bh = row_h - 8.0;
            let _ = writeln!(
                o,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{} <tspan fill=\"#5b6570\">({})</tspan></text>",
                x0 - 6.0,
                y + bh / 2.0 + 4.0,
                esc(&s.service),
                esc(&s.nation)
            );
            let _ = writeln!(
                o,
                "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{pw:.1}\" height=\"{bh:.1}\" fill=\"#d5ecd9\" stroke=\"#8a949e\" stroke-width=\"0.5\"/>"
            );
            for &(d, u, ev, _) in &s.outages {
                let xa = x0 + pw * d.min(end) as f64 / end as f64;
                let xb = x0 + pw * u.min(end) as f64 / end as f64;
                let _ = writeln!(
                    o,
                    "<rect class=\"outage\" x=\"{xa:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#c0392b\"><title>{} down {}–{} ({}), event #{ev}</title></rect>",
                    (xb - xa).max(1.5),
                    esc(&s.service),
                    tplus(d),
                    tplus(u),
                    span(u.saturating_sub(d))
                );
            }
            let _ = writeln!(
                o,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
                x0 + pw + 6.0,
                y + bh / 2.0 + 4.0,
                pct(s.uptime)
            );
        }
        o.push_str("</svg>");
        o.push_str("<figcaption>Green: up. Red: down (hover an outage for its times and event id). Right: fraction of the run the service was up.</figcaption></figure>\n");
        let mut t = Table::new(&["Service", "Nation", "#Weight", "Down", "Up again", "#Length", "Events"]);
        for s in &down {
            for &(d, u, ev, up_ev) in &s.outages {
                t.row(&[
                    format!("<span class=\"mono\">{}</span>", esc(&s.service)),
                    esc(&s.nation),
                    format!("{:.1}", s.weight),
                    tplus(d),
                    if up_ev.is_some() { tplus(u) } else { "still down at ENDEX".to_string() },
                    span(u.saturating_sub(d)),
                    evidence(&std::iter::once(ev).chain(up_ev).collect::<Vec<_>>()),
                ]);
            }
        }
        t.render(o);
    }
    o.push_str("<h3>Criticality-weighted availability and data lost per nation</h3>\n");
    let mut t = Table::new(&["Nation", "#Weighted availability", "#Services", "#Services down", "#Data lost"]);
    t.class = "compact";
    for (n, v) in &a.nation_availability {
        let services = a.availability.iter().filter(|s| &s.nation == n).count();
        let down = a.availability.iter().filter(|s| &s.nation == n && !s.outages.is_empty()).count();
        t.row(&[
            esc(n),
            pct(*v),
            services.to_string(),
            down.to_string(),
            mb(a.data_lost_mb.get(n).copied().unwrap_or(0.0)),
        ]);
    }
    t.render(o);
    o.push_str("</section>\n");
}

fn coverage(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    section(o, "attack", "MITRE ATT&CK coverage");
    if a.attack_coverage.is_empty() {
        o.push_str("<p>No ATT&amp;CK technique was executed in this run.</p>\n</section>\n");
        return;
    }
    o.push_str("<p><em>Executed</em>: successful executions (stage completions; entry compromises for the entry technique). <em>Detected</em>: detections of hosts at a stage using it. <em>Missed</em>: executions never followed by a detection. <em>Contained</em>: containments of incidents detected at that technique.</p>\n");
    let mut t = Table::new(&["Technique", "#Executed", "#Detected", "#Missed", "#Contained", "Detected / executed"]);
    t.class = "compact";
    for c in &a.attack_coverage {
        let rate = if c.executed > 0 { (c.detected as f64 / c.executed as f64).min(1.0) } else { 0.0 };
        let bar = format!(
            "<svg class=\"bar\" width=\"100\" height=\"10\" viewBox=\"0 0 100 10\" aria-hidden=\"true\"><rect x=\"0\" y=\"0\" width=\"100\" height=\"10\" fill=\"#eef1f5\"/><rect x=\"0\" y=\"0\" width=\"{:.1}\" height=\"10\" fill=\"#1f6fb2\"/></svg> {}",
            rate * 100.0,
            if c.executed > 0 { format!("{:.0}%", rate * 100.0) } else { "—".to_string() }
        );
        t.row(&[
            format!("<span class=\"mono\">{}</span>", esc(&c.technique)),
            thousands(c.executed),
            thousands(c.detected),
            thousands(c.missed),
            thousands(c.contained),
            bar,
        ]);
    }
    t.render(o);
    o.push_str("</section>\n");
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{x:.2}/h"))
}

fn assistance(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    section(o, "assistance", "Assistance: what the Rapid Reaction Team changed");
    if a.assistance.is_empty() {
        o.push_str(
            "<p>No nation requested assistance from a Rapid Reaction Team or any other provider in this run.</p>\n",
        );
    } else {
        let mut t = Table::new(&[
            "Nation",
            "Provider",
            "Reason",
            "#Detection → request",
            "Requested",
            "Approved",
            "On task",
            "Off task",
            "#Request → on task",
        ]);
        t.class = "compact";
        for x in &a.assistance {
            t.row(&[
                esc(&x.nation),
                esc(&x.provider),
                esc(&x.reason),
                opt_span(x.time_to_request_s),
                tplus(x.requested_s),
                opt_t(x.approved_s),
                opt_t(x.on_task_s),
                if x.on_task_s.is_some() && x.off_task_s.is_none() {
                    "still on task at ENDEX".to_string()
                } else {
                    opt_t(x.off_task_s)
                },
                opt_span(x.time_to_on_task_s),
            ]);
        }
        t.render(o);
        assistance_chart(o, r);
        o.push_str("<h3>Containment before and during the deployment</h3>\n");
        let mut t = Table::new(&[
            "Nation",
            "Provider",
            "#Contained before",
            "#Rate before",
            "#Left to contain during",
            "#Contained during",
            "#Rate during",
            "#MTTC before (n)",
            "#MTTC during (n)",
        ]);
        t.class = "compact";
        for x in &a.assistance {
            t.row(&[
                esc(&x.nation),
                esc(&x.provider),
                thousands(x.contained_before),
                rate(x.containment_rate_before_per_h),
                thousands(x.to_contain_during),
                thousands(x.contained_during),
                rate(x.containment_rate_during_per_h),
                format!("{} (n={})", opt_fspan(x.mttc_before_s), x.mttc_before_n),
                format!("{} (n={})", opt_fspan(x.mttc_during_s), x.mttc_during_n),
            ]);
        }
        t.render(o);
        o.push_str("<ul>\n");
        for x in &a.assistance {
            let _ = writeln!(o, "<li>{}</li>", esc(&x.finding));
        }
        o.push_str("</ul>\n");
        if let Some(d) = a.definitions.iter().find(|d| d.name == ASSISTANCE_CHANGE) {
            let _ = writeln!(o, "<p class=\"muted\">{}: {}.</p>", esc(&d.name), esc(&d.definition));
        }
    }
    if !a.scores.providers.is_empty() {
        o.push_str("<h3>Provider scores</h3>\n");
        let mut t = Table::new(&["Provider", "#Score", "#Incidents open while on task", "#Contained while on task"]);
        for p in &a.scores.providers {
            t.row(&[
                esc(&p.provider),
                p.total.map_or_else(|| "not deployed".to_string(), |v| format!("{v:.1}")),
                thousands(p.open_while_on_task),
                thousands(p.contained_while_on_task),
            ]);
        }
        t.render(o);
    }
    o.push_str("<h3>Information sharing</h3>\n");
    if a.sharing.is_empty() {
        o.push_str("<p>No nation detected anything, so there was nothing to share.</p>\n");
    } else {
        let mut t = Table::new(&[
            "Nation",
            "First detection",
            "Indicators sent",
            "First reached a partner",
            "#Time to share (detection → sent)",
        ]);
        for x in &a.sharing {
            t.row(&[
                esc(&x.nation),
                tplus(x.first_detection_s),
                x.first_sent_s.map_or_else(|| "never".to_string(), tplus),
                x.first_arrival_s.map_or_else(|| "not by ENDEX".to_string(), tplus),
                opt_span(x.time_to_share_s),
            ]);
        }
        t.render(o);
        o.push_str("<p class=\"muted\">Time to share runs from the nation's first detection to its team sending indicators; the agreement's transport latency (sent → reached) is not the team's doing and is not counted.</p>\n");
    }
    o.push_str("</section>\n");
}

/// One lane per request over the exercise window: requested → approved → on task → off task.
fn assistance_chart(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    let end = r.summary.duration_s.max(1);
    let (x0, pw, row_h, y0) = (150.0, 700.0, 26.0, 30.0);
    let h = y0 + row_h * a.assistance.len() as f64 + 30.0;
    let w = x0 + pw + 30.0;
    let sx = |t: u64| x0 + pw * t.min(end) as f64 / end as f64;
    let _ = writeln!(
        o,
        "<figure><svg class=\"chart chart-assistance\" id=\"assistance-chart\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"Assistance timeline\">"
    );
    let phases = [("awaiting approval", "#aab2bb"), ("approved, travelling", "#d68910"), ("on task", "#1e8449")];
    let mut lx = x0;
    for (name, colour) in phases {
        let _ = writeln!(
            o,
            "<rect x=\"{lx:.1}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"16\" font-size=\"11\">{name}</text>",
            lx + 16.0
        );
        lx += 40.0 + name.len() as f64 * 6.0;
    }
    let bottom = y0 + row_h * a.assistance.len() as f64;
    time_axis(o, end, x0, pw, y0, bottom);
    for (i, x) in a.assistance.iter().enumerate() {
        let y = y0 + row_h * i as f64 + 4.0;
        let bh = row_h - 8.0;
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{} ← {}</text>",
            x0 - 6.0,
            y + bh / 2.0 + 4.0,
            esc(&x.nation),
            esc(&x.provider)
        );
        let _ = writeln!(
            o,
            "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{pw:.1}\" height=\"{bh:.1}\" fill=\"none\" stroke=\"#d6dbe1\" stroke-width=\"0.5\"/>"
        );
        let approved = x.approved_s.unwrap_or(end);
        let on = x.on_task_s.unwrap_or(end);
        let off = x.off_task_s.unwrap_or(end);
        let spans = [
            (x.requested_s, approved, phases[0]),
            (approved, on, phases[1]),
            (on, if x.on_task_s.is_some() { off } else { on }, phases[2]),
        ];
        for (from, to, (name, colour)) in spans {
            if to > from {
                let _ = writeln!(
                    o,
                    "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{colour}\"><title>{name}: {}–{}</title></rect>",
                    sx(from),
                    (sx(to) - sx(from)).max(1.0),
                    tplus(from),
                    tplus(to)
                );
            }
        }
    }
    o.push_str("</svg><figcaption>Each lane is one request over the exercise window: grey from the request to approval, amber from approval until the team is on task, green while it is on task (to off task or ENDEX).</figcaption></figure>\n");
}

/// Points with three decimals and no sign for positives (the markdown ledger signs them).
fn points(milli: i64) -> String {
    format!("{:.3}", milli as f64 / 1000.0)
}

fn scores(o: &mut String, r: &RunResults) {
    let sc = &r.assessment.scores;
    section(o, "scores", "Scores and ledger");
    let weights: Vec<String> = CATEGORIES
        .iter()
        .map(|c| format!("{} {:.1}", category_label(c), sc.weights.get(*c).copied().unwrap_or(0.0)))
        .collect();
    let _ = writeln!(
        o,
        "<p>Mode: <strong>{}</strong>. Each nation starts with the full weight of each category (weights: {}; total 100) and loses points by the rules below. Alliance score (host-weighted mean): <strong>{:.3}</strong>.</p>",
        esc(&sc.mode),
        esc(&weights.join(", ")),
        sc.alliance
    );
    if sc.nations.is_empty() {
        o.push_str("<p>No nation was scored.</p>\n");
    } else {
        score_chart(o, r);
        let mut head = vec!["Nation".to_string(), "Team".to_string()];
        head.extend(CATEGORIES.iter().map(|c| format!("#{}", category_label(c))));
        head.push("#Total".to_string());
        if !sc.ranking.is_empty() {
            head.push("#Rank".to_string());
        }
        let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
        let mut t = Table::new(&head_refs);
        t.class = "compact";
        for n in &sc.nations {
            let mut row = vec![esc(&n.nation), esc(&n.team)];
            for c in CATEGORIES {
                row.push(format!(
                    "{:.3} <small>/ {:.1}</small>",
                    n.categories.get(c).copied().unwrap_or(0.0),
                    sc.weights.get(c).copied().unwrap_or(0.0)
                ));
            }
            row.push(format!("<strong>{:.3}</strong>", n.total));
            if !sc.ranking.is_empty() {
                row.push(
                    sc.ranking
                        .iter()
                        .position(|x| x == &n.nation)
                        .map_or_else(|| "—".to_string(), |p| (p + 1).to_string()),
                );
            }
            t.row(&row);
        }
        t.render(o);
    }

    o.push_str("<h3>Scoring rules</h3>\n");
    let mut t = Table::new(&["Rule", "Meaning"]);
    for (k, v) in RULES {
        t.row(&[format!("<span class=\"mono\">{}</span>", esc(k)), esc(v)]);
    }
    t.render(o);

    o.push_str("<h3>Ledger by nation and rule</h3>\n<p>Every score is the sum of its ledger entries (points kept in thousandths, so the sums are exact).</p>\n");
    // Group by subject (in first-seen order) then by (category, rule) in first-seen order.
    let mut subjects: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<(&str, &str, i64, usize)>> = BTreeMap::new();
    for e in &sc.ledger {
        if !subjects.contains(&e.subject.as_str()) {
            subjects.push(&e.subject);
        }
        let g = groups.entry(&e.subject).or_default();
        match g.iter_mut().find(|x| x.0 == e.category && x.1 == e.rule) {
            Some(x) => {
                x.2 += e.milli;
                x.3 += 1;
            }
            None => g.push((&e.category, &e.rule, e.milli, 1)),
        }
    }
    if subjects.is_empty() {
        o.push_str("<p>The ledger is empty.</p>\n");
    } else {
        let mut t = Table::new(&["Nation", "Category", "Rule", "#Entries", "#Points"]);
        t.class = "compact";
        for s in &subjects {
            let g = &groups[s];
            let total: i64 = g.iter().map(|x| x.2).sum();
            for (c, rule, milli, n) in g {
                t.row(&[
                    esc(s),
                    esc(category_label(c)),
                    format!("<span class=\"mono\">{}</span>", esc(rule)),
                    n.to_string(),
                    points(*milli),
                ]);
            }
            t.row_class("sub", &[esc(s), String::new(), "total".to_string(), String::new(), points(total)]);
        }
        t.render(o);
        let _ = writeln!(
            o,
            "<details>\n<summary>Full ledger: {} entries (expand; opened automatically when printing with scripts enabled)</summary>",
            sc.ledger.len()
        );
        let mut t = Table::new(&["#No.", "Nation", "Category", "Rule", "#Points", "Events", "Note"]);
        for (i, e) in sc.ledger.iter().enumerate() {
            t.row(&[
                (i + 1).to_string(),
                esc(&e.subject),
                esc(category_label(&e.category)),
                format!("<span class=\"mono\">{}</span>", esc(&e.rule)),
                points(e.milli),
                evidence(&e.events),
                esc(&e.note),
            ]);
        }
        t.render(o);
        o.push_str("</details>\n");
    }
    o.push_str("</section>\n");
}

fn score_chart(o: &mut String, r: &RunResults) {
    let sc = &r.assessment.scores;
    let (label_w, pw, row_h) = (90.0, 640.0, 22.0);
    let x0 = label_w;
    let y0 = 34.0;
    let h = y0 + row_h * sc.nations.len() as f64 + 26.0;
    let w = x0 + pw + 70.0;
    let full: f64 = CATEGORIES.iter().map(|c| sc.weights.get(*c).copied().unwrap_or(0.0)).sum::<f64>().max(1e-9);
    let scale = pw / full;
    let _ = writeln!(
        o,
        "<figure><svg class=\"chart chart-scores\" id=\"score-chart\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"Score breakdown per nation\">"
    );
    // Legend.
    let mut lx = x0;
    for c in CATEGORIES {
        let label = format!("{} ({:.1})", category_label(c), sc.weights.get(c).copied().unwrap_or(0.0));
        let _ = writeln!(
            o,
            "<rect x=\"{lx:.1}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"18\" font-size=\"11\">{}</text>",
            category_colour(c),
            lx + 16.0,
            esc(&label)
        );
        lx += 30.0 + label.chars().count() as f64 * 6.2;
    }
    let bottom = y0 + row_h * sc.nations.len() as f64;
    for v in [0u32, 25, 50, 75, 100] {
        let x = x0 + pw * f64::from(v) / 100.0;
        let _ = writeln!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#e3e7ec\" stroke-width=\"1\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{:.0}</text>",
            y0 - 4.0,
            bottom + 13.0,
            full * f64::from(v) / 100.0
        );
    }
    for (i, n) in sc.nations.iter().enumerate() {
        let y = y0 + row_h * i as f64 + 3.0;
        let bh = row_h - 6.0;
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + bh / 2.0 + 4.0,
            esc(&n.nation)
        );
        let mut x = x0;
        for c in CATEGORIES {
            let wgt = sc.weights.get(c).copied().unwrap_or(0.0);
            let got = n.categories.get(c).copied().unwrap_or(0.0).clamp(0.0, wgt);
            let colour = category_colour(c);
            let _ = writeln!(
                o,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"{colour}\" stroke-width=\"0.6\"/><rect class=\"seg-{c}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{colour}\"><title>{}: {} of {:.1}</title></rect>",
                wgt * scale,
                got * scale,
                esc(category_label(c)),
                format_args!("{got:.3}"),
                wgt
            );
            x += wgt * scale;
        }
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"700\">{:.1}</text>",
            x0 + pw + 6.0,
            y + bh / 2.0 + 4.0,
            n.total
        );
    }
    o.push_str("</svg><figcaption>Each bar is 100 points long: one slot per category, as wide as its weight. The solid part is what the nation kept; the pale part is what it lost. The number is the total.</figcaption></figure>\n");
}

fn improvement_plan(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    section(o, "appendix-a", "Appendix A: Improvement plan");
    o.push_str("<p>One row per area for improvement of every objective not rated P. Corrective actions are engine suggestions for the after-action meeting to confirm, assign and date.</p>\n");
    if a.improvement_plan.is_empty() {
        o.push_str("<p>No area for improvement was identified.</p>\n</section>\n");
        return;
    }
    let mut t = Table::new(&[
        "Objective",
        "Core Capability",
        "Issue / Area for Improvement",
        "Corrective Action",
        "Capability Element",
        "Primary Responsible Organization",
        "Organization POC",
        "Start Date",
        "Completion Date",
    ]);
    for x in &a.improvement_plan {
        t.row(&[
            esc(&x.objective),
            esc(&x.capability),
            esc(&x.issue),
            esc(&x.corrective_action),
            esc(&x.element),
            esc(&x.responsible),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    t.render(o);
    o.push_str("</section>\n");
}

fn msel(o: &mut String, r: &RunResults) {
    let a = &r.assessment;
    section(o, "appendix-b", "Appendix B: Executed MSEL");
    if a.msel.is_empty() {
        o.push_str("<p>The scenario has no MSEL injects.</p>\n</section>\n");
        return;
    }
    let delivered = a.msel.iter().filter(|m| m.delivered_s.is_some()).count();
    let _ = writeln!(o, "<p>{delivered} of {} inject(s) delivered.</p>", a.msel.len());
    let mut t = Table::new(&[
        "Inject",
        "Title",
        "Planned",
        "Delivered",
        "Status",
        "To",
        "Expected player action",
        "Objectives",
        "Event",
    ]);
    for m in &a.msel {
        t.row(&[
            format!("<span class=\"mono\">{}</span>", esc(&m.id)),
            esc(&m.title),
            esc(&m.planned),
            opt_t(m.delivered_s),
            esc(&m.status),
            esc(&m.to),
            esc(&m.expected_action),
            esc(&m.objectives.join(", ")),
            m.event.map_or_else(|| "—".to_string(), |e| evidence(&[e])),
        ]);
    }
    t.render(o);
    o.push_str("</section>\n");
}
