//! Owns the renderings of a batch and of a comparison: the terminal tables, `report.md` (Unicode
//! block histograms) and `report.html` (one self-contained file, inline SVG bar charts, no
//! external resources, print-friendly). Depends only on [`BatchFile`] and comparison results.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fmt::{esc_html as esc, esc_md as md_escape, span};
use crate::results::batch::{BatchFile, RunRecord};
use crate::results::compare::Paired;

/// Formats a value of metric `key`: `_s` metrics as durations, uptimes as percentages.
pub fn fmt_value(key: &str, v: f64) -> String {
    let metric = key.rsplit('.').next().unwrap_or(key);
    if metric.ends_with("_s") {
        let sign = if v < 0.0 { "−" } else { "" };
        let secs = v.abs().round() as u64;
        return if secs < 60 { format!("{sign}{secs}s") } else { format!("{sign}{}", span(secs)) };
    }
    if metric == "uptime" || key.contains('=') {
        return format!("{:.1}%", v * 100.0).replace('-', "−");
    }
    let a = v.abs();
    let s = if a >= 100.0 || (v.fract() == 0.0 && a < 1e15) {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    s.replace('-', "−")
}

/// A signed difference: `+` for increases.
pub fn fmt_diff(key: &str, v: f64) -> String {
    if key.contains('=') || key.ends_with(".reached_impact") {
        // Probabilities change by percentage points.
        let s = format!("{:.1} pp", v * 100.0).replace('-', "−");
        return if v > 0.0 { format!("+{s}") } else { s };
    }
    let s = fmt_value(key, v);
    if v > 0.0 { format!("+{s}") } else { s }
}

/// A human label for a metric key: `nation.EST.dwell_s` → `EST dwell time`.
pub fn label(key: &str) -> String {
    let (key, value) = match key.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (key, None),
    };
    let parts: Vec<&str> = key.split('.').collect();
    let metric = parts.last().copied().unwrap_or(key);
    // An ATT&CK sub-technique id has a dot of its own (`technique.T1566.001.executed`).
    let join = if parts.first() == Some(&"technique") { "." } else { " → " };
    let who = if parts.len() > 2 { parts[1..parts.len() - 1].join(join) } else { String::new() };
    let name = match metric {
        "hosts_compromised" => "hosts compromised",
        "reinfections" => "re-infections",
        "hosts_detected" => "hosts detected",
        "hosts_contained" => "hosts contained",
        "hosts_recovered" => "hosts recovered",
        "data_lost_mb" => "data lost (MB)",
        "service_down_s" => "service down time",
        "first_compromise_s" => "time to first compromise",
        "first_detection_s" => "time to first detection",
        "dwell_s" => "dwell time (first compromise → first detection)",
        "reached_impact" => "P(reached impact)",
        "first_impact_s" => "time to impact",
        "uptime" => "uptime",
        "down_s" => "down time",
        "requested_s" => "time of assistance request",
        "request_to_on_task_s" => "assistance request → on task",
        "outcome" => "outcome",
        "furthest_stage" => "furthest stage",
        "stopped_at_stage" => "stopped at stage",
        "executed" => "executions",
        "detected" => "detections",
        "contained" => "containments",
        other => other,
    };
    let mut s = if who.is_empty() { name.to_string() } else { format!("{who} {name}") };
    if let Some(v) = value {
        s = format!("P({s} = {v})");
    }
    s
}

fn opt(key: &str, v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |x| fmt_value(key, x))
}

fn ci_text(key: &str, ci: Option<(f64, f64)>) -> String {
    ci.map_or_else(|| "–".to_string(), |(lo, hi)| format!("{} … {}", fmt_value(key, lo), fmt_value(key, hi)))
}

/// Lays out rows as aligned columns (first column left-aligned, the rest right-aligned).
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = w[i].saturating_sub(c.chars().count());
            if i == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    out.push_str(&line(w.iter().map(|&x| "─".repeat(x)).collect::<Vec<_>>().iter().map(String::as_str).collect()));
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn bold(s: &str, color: bool) -> String {
    if color { format!("\x1b[1m{s}\x1b[0m") } else { s.to_string() }
}

fn metric_rows(b: &BatchFile) -> Vec<Vec<String>> {
    b.metrics
        .iter()
        .map(|(k, m)| {
            vec![
                k.clone(),
                format!("{}", m.n),
                m.missing.to_string(),
                opt(k, m.mean),
                opt(k, m.sd),
                opt(k, m.p5),
                opt(k, m.p50),
                opt(k, m.p95),
                ci_text(k, m.ci95),
            ]
        })
        .collect()
}

const METRIC_HEADER: [&str; 9] = ["metric", "n", "missing", "mean", "sd", "p5", "p50", "p95", "95% CI of mean"];

fn category_rows(b: &BatchFile) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (k, c) in &b.categories {
        for (v, share) in &c.values {
            rows.push(vec![k.clone(), v.clone(), share.count.to_string(), format!("{:.1}%", share.p * 100.0)]);
        }
    }
    rows
}

fn title(b: &BatchFile) -> String {
    let m = &b.meta;
    let shard = m.shard.map_or(String::new(), |s| format!(", shard {}/{}", s.index, s.count));
    format!("{} ({}): {} runs, seed {}{shard}", m.exercise_title, m.exercise_id, m.runs_included, m.seed)
}

/// The terminal summary: distributions of every metric and category.
pub fn terminal(b: &BatchFile, color: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", bold(&title(b), color));
    if !b.meta.overrides.is_empty() {
        let _ = writeln!(s, "overrides: {}", b.meta.overrides.join(", "));
    }
    let _ = writeln!(s);
    s.push_str(&table(&METRIC_HEADER, &metric_rows(b)));
    let _ = writeln!(s);
    s.push_str(&table(&["category", "value", "runs", "share"], &category_rows(b)));
    s
}

/// Equal-width histogram of `xs`: (low edge, high edge, count) per bin.
pub fn histogram(xs: &[f64], bins: usize) -> Vec<(f64, f64, u64)> {
    let (Some(lo), Some(hi)) = (xs.iter().copied().reduce(f64::min), xs.iter().copied().reduce(f64::max)) else {
        return Vec::new();
    };
    if hi <= lo {
        return vec![(lo, hi, xs.len() as u64)];
    }
    let bins = bins.max(1);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    for &x in xs {
        let i = (((x - lo) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    counts.into_iter().enumerate().map(|(i, c)| (lo + width * i as f64, lo + width * (i + 1) as f64, c)).collect()
}

fn values_of<'a>(runs: &'a [RunRecord], key: &'a str) -> impl Iterator<Item = f64> + 'a {
    runs.iter().filter_map(move |r| r.numbers.get(key).copied())
}

const BINS: usize = 10;

/// `report.md`: the tables plus a Unicode block histogram per metric.
pub fn markdown(b: &BatchFile) -> String {
    let m = &b.meta;
    let mut s = String::new();
    let _ = writeln!(s, "# Batch report: {}\n", md_escape(&m.exercise_title));
    let _ = writeln!(s, "| | |\n| --- | --- |");
    let _ = writeln!(s, "| exercise | {} |", md_escape(&m.exercise_id));
    let _ = writeln!(s, "| scenario | `{}` (SHA-256 `{}`) |", md_escape(&m.scenario), m.scenario_sha256);
    let _ = writeln!(s, "| engine | {} |", m.engine);
    let _ = writeln!(s, "| seed | {} (run *i* uses seed {}, run index *i*) |", m.seed, m.seed);
    let _ = writeln!(s, "| runs | {} |", m.runs_included);
    if !m.overrides.is_empty() {
        let _ = writeln!(s, "| overrides | `{}` |", md_escape(&m.overrides.join("`, `")));
    }
    let _ = writeln!(s, "\nReplay any run with `cydex run {} --seed {} --run-index I`.\n", m.scenario, m.seed);
    let _ = writeln!(s, "## Metrics\n");
    let _ = writeln!(
        s,
        "`n` counts the runs where the metric exists (e.g. a dwell time needs a detection); statistics use only those.\n"
    );
    let _ = writeln!(s, "| {} |", METRIC_HEADER.join(" | "));
    let _ = writeln!(s, "|{}", " --- |".repeat(METRIC_HEADER.len()));
    for r in metric_rows(b) {
        let _ = writeln!(s, "| {} |", r.iter().map(|c| md_escape(c)).collect::<Vec<_>>().join(" | "));
    }
    let _ = writeln!(s, "\n## Outcomes\n\n| category | value | runs | share |\n| --- | --- | ---: | ---: |");
    for r in category_rows(b) {
        let _ = writeln!(s, "| {} |", r.iter().map(|c| md_escape(c)).collect::<Vec<_>>().join(" | "));
    }
    let _ = writeln!(s, "\n## Histograms\n");
    for key in b.metrics.keys() {
        let xs: Vec<f64> = values_of(&b.runs, key).collect();
        let h = histogram(&xs, BINS);
        let max = h.iter().map(|x| x.2).max().unwrap_or(0).max(1);
        let _ = writeln!(s, "### {} — {}\n\n```text", md_escape(key), md_escape(&label(key)));
        let rows: Vec<(String, u64)> =
            h.iter().map(|(lo, hi, c)| (format!("{} … {}", fmt_value(key, *lo), fmt_value(key, *hi)), *c)).collect();
        let w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        for (range, c) in rows {
            let pad = " ".repeat(w - range.chars().count());
            let _ = writeln!(s, "{range}{pad} │{} {c}", bar(c, max, 40));
        }
        let _ = writeln!(s, "```\n");
    }
    s
}

/// A Unicode block bar of `c / max` of `width` cells, with eighth-cell resolution.
fn bar(c: u64, max: u64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (c as u128 * width as u128 * 8 / max.max(1) as u128) as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    s
}

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem;color:#1b1f24}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:13px}th,td{padding:.2rem .6rem;border-bottom:1px solid #d0d7de;text-align:right}\
th:first-child,td:first-child{text-align:left}th{background:#f3f5f7}code{font-size:12px}\
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}\
figure{margin:0;border:1px solid #d0d7de;border-radius:4px;padding:.5rem;break-inside:avoid}figcaption{font-size:12px;margin-bottom:.3rem}\
svg text{font:10px sans-serif;fill:#1b1f24}.b{fill:#3a6ea5}\
@media print{body{max-width:none;margin:0;font-size:11px}figure{page-break-inside:avoid}.b{fill:#555}}";

/// An inline SVG bar chart of a histogram.
fn svg_histogram(key: &str, h: &[(f64, f64, u64)]) -> String {
    let (w, ht, left, bottom, top) = (300.0, 140.0, 28.0, 26.0, 8.0);
    let max = h.iter().map(|x| x.2).max().unwrap_or(0).max(1) as f64;
    let n = h.len().max(1) as f64;
    let bw = (w - left - 4.0) / n;
    let mut s =
        format!("<svg viewBox=\"0 0 {w} {ht}\" width=\"100%\" role=\"img\" aria-label=\"histogram of {}\">", esc(key));
    let base = ht - bottom;
    let _ = write!(s, "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#888\"/>", w - 4.0);
    let _ = write!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 3.0, top + 8.0, max as u64);
    let _ = write!(s, "<text x=\"{}\" y=\"{base}\" text-anchor=\"end\">0</text>", left - 3.0);
    for (i, (_, _, c)) in h.iter().enumerate() {
        let bh = (base - top) * (*c as f64) / max;
        let x = left + bw * i as f64;
        let _ = write!(
            s,
            "<rect class=\"b\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            x + 1.0,
            base - bh,
            (bw - 2.0).max(1.0),
            bh,
            c
        );
    }
    if let (Some(first), Some(last)) = (h.first(), h.last()) {
        let _ = write!(s, "<text x=\"{left}\" y=\"{}\">{}</text>", base + 14.0, esc(&fmt_value(key, first.0)));
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            w - 4.0,
            base + 14.0,
            esc(&fmt_value(key, last.1))
        );
    }
    s.push_str("</svg>");
    s
}

/// `report.html`: one self-contained page with the tables and an SVG histogram per metric.
pub fn html(b: &BatchFile) -> String {
    let m = &b.meta;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Batch report: {t}</title><style>{CSS}</style></head><body>\n<h1>Batch report: {t}</h1>\n",
        t = esc(&m.exercise_title)
    );
    let _ = write!(
        s,
        "<table><tr><th>exercise</th><td>{}</td></tr><tr><th>scenario</th><td><code>{}</code><br><code>{}</code></td></tr>\
<tr><th>engine</th><td>{}</td></tr><tr><th>seed</th><td>{}</td></tr><tr><th>runs</th><td>{}</td></tr>",
        esc(&m.exercise_id),
        esc(&m.scenario),
        m.scenario_sha256,
        esc(&m.engine),
        m.seed,
        m.runs_included
    );
    if !m.overrides.is_empty() {
        let _ = write!(s, "<tr><th>overrides</th><td><code>{}</code></td></tr>", esc(&m.overrides.join(", ")));
    }
    s.push_str("</table>\n<h2>Metrics</h2>\n<table><tr>");
    for h in METRIC_HEADER {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr>\n");
    for r in metric_rows(b) {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", esc(&c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str(
        "</table>\n<h2>Outcomes</h2>\n<table><tr><th>category</th><th>value</th><th>runs</th><th>share</th></tr>\n",
    );
    for r in category_rows(b) {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", esc(&c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n<h2>Histograms</h2>\n<div class=\"grid\">\n");
    for key in b.metrics.keys() {
        let xs: Vec<f64> = values_of(&b.runs, key).collect();
        let _ = writeln!(
            s,
            "<figure><figcaption><b>{}</b><br><code>{}</code> · n = {} of {}</figcaption>{}</figure>",
            esc(&label(key)),
            esc(key),
            xs.len(),
            b.runs.len(),
            svg_histogram(key, &histogram(&xs, BINS))
        );
    }
    s.push_str("</div>\n</body></html>\n");
    s
}

/// The comparison's headline lines: each significant difference, largest relative change first.
pub fn headlines(diffs: &BTreeMap<String, Paired>, variant: &str) -> Vec<String> {
    let mut sig: Vec<(&String, &Paired)> = diffs.iter().filter(|(_, p)| p.significant).collect();
    let rel = |p: &Paired| {
        let d = p.diff_mean.unwrap_or(0.0).abs();
        let b = p.base_mean.unwrap_or(0.0).abs();
        if b > 0.0 { d / b } else { d }
    };
    sig.sort_by(|a, b| rel(b.1).total_cmp(&rel(a.1)).then(a.0.cmp(b.0)));
    sig.iter()
        .map(|(k, p)| {
            let d = p.diff_mean.unwrap_or(0.0);
            let (lo, hi) = p.ci95.unwrap_or((d, d));
            format!(
                "with {variant}, {} {} (95% CI {} … {})",
                label(k),
                fmt_diff(k, d),
                fmt_diff(k, lo),
                fmt_diff(k, hi)
            )
        })
        .collect()
}

/// The terminal table of a comparison.
pub fn compare_terminal(diffs: &BTreeMap<String, Paired>, base: &str, variant: &str, runs: u64, color: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        bold(&format!("compare: {variant} − {base}, {runs} paired runs (common random numbers)"), color)
    );
    let heads = headlines(diffs, variant);
    if heads.is_empty() {
        let _ = writeln!(s, "\nno difference whose 95% CI excludes 0");
    } else {
        let _ = writeln!(s, "\nsignificant differences (95% CI excludes 0):");
        for h in heads {
            let _ = writeln!(s, "  • {h}");
        }
    }
    let _ = writeln!(s);
    let rows: Vec<Vec<String>> = diffs
        .iter()
        .map(|(k, p)| {
            let mark = if p.significant { "*" } else { "" };
            vec![
                k.clone(),
                p.n.to_string(),
                opt(k, p.base_mean),
                opt(k, p.variant_mean),
                p.diff_mean.map_or_else(|| "–".into(), |d| fmt_diff(k, d)),
                p.ci95.map_or_else(|| "–".into(), |(lo, hi)| format!("{} … {}", fmt_diff(k, lo), fmt_diff(k, hi))),
                mark.to_string(),
            ]
        })
        .collect();
    s.push_str(&table(&["metric", "n", "base", "variant", "Δ mean", "95% CI of Δ", "sig"], &rows));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_histograms() {
        assert_eq!(fmt_value("nation.EST.dwell_s", 12_000.0), "3h20m");
        assert_eq!(fmt_diff("nation.EST.dwell_s", -12_000.0), "−3h20m");
        assert_eq!(fmt_value("service.X.uptime", 0.995), "99.5%");
        assert_eq!(fmt_value("nation.EST.hosts_compromised", 12.0), "12");
        assert_eq!(label("nation.EST.dwell_s"), "EST dwell time (first compromise → first detection)");
        let h = histogram(&[0.0, 1.0, 2.0, 10.0], 10);
        assert_eq!(h.len(), 10);
        assert_eq!(h.iter().map(|x| x.2).sum::<u64>(), 4);
        assert_eq!(h[9].2, 1);
        assert_eq!(histogram(&[5.0, 5.0], 10), vec![(5.0, 5.0, 2)]);
        assert_eq!(bar(8, 8, 2), "██");
        assert_eq!(bar(1, 2, 1), "▌");
    }
}
