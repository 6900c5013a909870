//! The terminal summary of a run: who was hit, when they noticed, whether help came, what it cost.
//! Aligned plain-text tables; colour only when asked for (a TTY without `NO_COLOR`).

use super::stat_text;
use crate::fmt::{mb, opt_tplus as opt_t, span, thousands, tplus};
use crate::results::RunResults;

/// A plain-text table with aligned columns; numbers right-aligned.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(header: &[&str]) -> Table {
        Table { header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders with two-space indentation and two spaces between columns.
    pub fn render(&self, color: bool) -> String {
        let n = self.header.len();
        let mut width = vec![0usize; n];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(n) {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let numeric = |i: usize| {
            i > 0
                && self
                    .rows
                    .iter()
                    .all(|r| r.get(i).is_none_or(|c| c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '-')))
        };
        let mut out = String::new();
        for (ri, r) in std::iter::once(&self.header).chain(&self.rows).enumerate() {
            let mut line = String::from("  ");
            for (i, w) in width.iter().enumerate() {
                let c = r.get(i).map_or("", String::as_str);
                let pad = w - c.chars().count();
                if numeric(i) {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                } else {
                    line.push_str(c);
                    if i + 1 < n {
                        line.push_str(&" ".repeat(pad));
                    }
                }
                if i + 1 < n {
                    line.push_str("  ");
                }
            }
            let line = line.trim_end().to_string();
            if ri == 0 && color {
                out.push_str(&format!("\x1b[2m{line}\x1b[0m\n"));
            } else {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

fn heading(text: &str, color: bool) -> String {
    if color { format!("\x1b[1m{text}\x1b[0m\n") } else { format!("{text}\n") }
}

/// Renders the terminal summary.
pub fn render(r: &RunResults, color: bool) -> String {
    let s = &r.summary;
    let m = &r.meta;
    let mut out = String::new();
    out.push_str(&heading(&format!("{} — {}", m.exercise_id, m.exercise_title), color));
    out.push_str(&format!(
        "  {} simulated ({} ticks of {}) · {} hosts · {} events · STARTEX {}\n  seed {} · run {} · {} · scenario {} (sha256 {}…)\n\n",
        span(s.duration_s),
        thousands(s.ticks_run),
        span(s.tick_s),
        thousands(s.hosts_total),
        thousands(s.events),
        s.startex,
        m.seed,
        m.run_index,
        m.tlp,
        m.scenario,
        &m.scenario_sha256.get(..12).unwrap_or(""),
    ));

    out.push_str(&heading("Campaigns", color));
    let mut t = Table::new(&[
        "campaign",
        "started",
        "outcome",
        "furthest stage",
        "hosts hit",
        "re-infected",
        "detected",
        "contained",
        "first impact",
    ]);
    for c in &s.campaigns {
        t.row(vec![
            c.id.clone(),
            opt_t(c.started_s),
            c.outcome.clone(),
            c.furthest_stage.clone().unwrap_or_else(|| "—".into()),
            thousands(c.hosts_compromised),
            thousands(c.reinfections),
            thousands(c.hosts_detected),
            thousands(c.hosts_contained),
            opt_t(c.first_impact_s),
        ]);
    }
    out.push_str(&t.render(color));

    out.push_str(&heading("\nNations", color));
    let mut t = Table::new(&[
        "nation",
        "compromised",
        "detected",
        "contained",
        "recovered",
        "first hit",
        "noticed",
        "dwell",
        "data lost",
        "services down",
    ]);
    for n in &s.nations {
        let dwell = match (n.first_compromise_s, n.first_detection_s) {
            (Some(c), Some(d)) if d >= c => span(d - c),
            (Some(_), None) => "never noticed".into(),
            _ => "—".into(),
        };
        let down = if n.service_down_s == 0 {
            "none".to_string()
        } else {
            format!("{} for {} total", n.services_down.len(), span(n.service_down_s))
        };
        t.row(vec![
            n.id.clone(),
            thousands(n.hosts_compromised),
            thousands(n.hosts_detected),
            thousands(n.hosts_contained),
            thousands(n.hosts_recovered),
            opt_t(n.first_compromise_s),
            opt_t(n.first_detection_s),
            dwell,
            mb(n.data_lost_mb),
            down,
        ]);
    }
    out.push_str(&t.render(color));

    out.push_str(&heading("\nAssistance", color));
    if s.assistance.is_empty() {
        out.push_str("  no nation asked for help\n");
    } else {
        let mut t =
            Table::new(&["nation", "provider", "why", "requested", "approved", "on task", "left", "request → on task"]);
        for a in &s.assistance {
            let lead = a.on_task_s.map_or("never arrived".into(), |o| span(o.saturating_sub(a.requested_s)));
            t.row(vec![
                a.nation.clone(),
                a.provider.clone(),
                a.reason.clone(),
                tplus(a.requested_s),
                opt_t(a.approved_s),
                opt_t(a.on_task_s),
                opt_t(a.off_task_s),
                lead,
            ]);
        }
        out.push_str(&t.render(color));
    }

    let down: Vec<&crate::sim::ServiceSummary> = s.services.iter().filter(|v| v.down_s > 0).collect();
    out.push_str(&heading("\nServices that went down", color));
    if down.is_empty() {
        out.push_str("  none\n");
    } else {
        let mut t = Table::new(&["service", "nation", "outages", "down for", "uptime", "at ENDEX"]);
        for v in down {
            t.row(vec![
                v.id.clone(),
                v.nation.clone(),
                v.outages.to_string(),
                span(v.down_s),
                format!("{:.1}%", v.uptime * 100.0),
                if v.down_at_endex { "still down".into() } else { "restored".into() },
            ]);
        }
        out.push_str(&t.render(color));
    }
    out.push_str(&format!("\n  data lost in total: {}\n", mb(s.data_lost_mb)));

    let a = &r.assessment;
    for x in &a.assistance {
        out.push_str(&format!("  {}\n", x.finding));
    }

    out.push_str(&headline(r, color));

    if !a.ratings.is_empty() {
        out.push_str(&heading("\nObjectives (P/S/M/U, engine rule)", color));
        let mut t = Table::new(&["objective", "metric", "scope", "target", "measured", "rating"]);
        for x in &a.ratings {
            t.row(vec![
                x.id.clone(),
                x.metric.clone(),
                x.scope.clone(),
                x.target.clone(),
                x.measured.clone().unwrap_or_else(|| "not observed".into()),
                x.rating.code().to_string(),
            ]);
        }
        out.push_str(&t.render(color));
    }

    let sc = &a.scores;
    let mode = if sc.ranking.is_empty() { "cooperative: no ranking" } else { "competitive: ranked" };
    out.push_str(&heading(&format!("\nScores ({mode}; every point is in the ledger)"), color));
    let mut t = Table::new(&["nation", "availability", "attack", "response", "reporting", "total"]);
    let order: Vec<&crate::score::scoring::NationScore> = if sc.ranking.is_empty() {
        sc.nations.iter().collect()
    } else {
        sc.ranking.iter().filter_map(|id| sc.nations.iter().find(|n| &n.nation == id)).collect()
    };
    for n in order {
        let c = |k: &str| format!("{:.1}", n.categories.get(k).copied().unwrap_or(0.0));
        t.row(vec![
            n.nation.clone(),
            c("availability"),
            c("attack_resistance"),
            c("incident_response"),
            c("reporting"),
            format!("{:.1}", n.total),
        ]);
    }
    out.push_str(&t.render(color));
    out.push_str(&format!("  alliance (host-weighted): {:.1}\n", sc.alliance));
    out
}

/// The exercise-wide MTTD / MTTC / MTTR, as every other output prints them.
fn headline(r: &RunResults, color: bool) -> String {
    let e = &r.assessment.exercise;
    let mut out = heading("\nIncident handling, all nations", color);
    for (name, st) in [("MTTD", &e.mttd), ("MTTC", &e.mttc), ("MTTR", &e.mttr)] {
        out.push_str(&format!("  {name}  {}\n", stat_text(st, name)));
    }
    out
}
