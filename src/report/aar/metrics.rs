//! Section 5, incident-handling metrics: dwell time, MTTD, MTTA, MTTC and MTTR exercise-wide and
//! per nation, team, campaign and stage; each campaign's course; the metric definitions; and the
//! compromise → detection → containment → recovery counts over time.

use super::cells::{Detail, NONE, col, count, full, opt_span, stat_text, table, when};
use crate::report::doc::{Block, Chart, Figure, Panel, Section, Span, Table, Text, time_step};
use crate::results::RunResults;
use crate::score::metrics::Lifecycle;
use crate::sim::CampaignSummary;

/// The lifecycle series, their colours and dash patterns.
const SERIES: [(&str, &str, &str); 4] = [
    ("compromised", "#c0392b", ""),
    ("detected", "#d68910", "6 3"),
    ("contained", "#1f6fb2", "2 2"),
    ("recovered", "#1e8449", ""),
];

/// Section 5.
pub fn section(r: &RunResults) -> Section {
    let a = &r.assessment;
    let mut sec = Section::new("metrics", "Incident-handling metrics");
    sec.push(Block::Note(Text::plain(
        "Means over incidents (one incident per detected host). n counts the incidents that reached the metric's end point; the others are counted as not acknowledged, not contained or not recovered at ENDEX (censored, not in the mean). The definitions follow the tables.",
    )));
    sec.push(Block::Heading(Text::plain("All nations (the headline values) and per nation")));
    sec.push(Block::Table(headline_table(r)));
    for (kind, label) in [("team", "Per national team"), ("campaign", "Per campaign"), ("stage", "Per campaign stage")]
    {
        let rows: Vec<&Lifecycle> = a.lifecycle.iter().filter(|l| l.kind == kind).collect();
        if !rows.is_empty() {
            sec.push(Block::Heading(Text::plain(label)));
            sec.push(Block::Table(lifecycle_table(rows)));
        }
    }
    sec.push(Block::Heading(Text::plain("Campaigns")));
    sec.push(campaigns(r, Detail::Full));
    sec.push(Block::Heading(Text::plain("Metric definitions")));
    let mut t = Table::new(&["Metric", "Start → end"]);
    for d in &a.definitions {
        t.row(vec![Text::strong(&d.name), Text::plain(&d.definition)]);
    }
    sec.push(Block::Table(t));
    sec.push(Block::Heading(Text::plain("Compromise → detection → containment → recovery over time")));
    sec.push(over_time(r));
    sec
}

/// The exercise-wide row (set apart) and one row per nation: the headline metrics.
pub fn headline_table(r: &RunResults) -> Table {
    let a = &r.assessment;
    let rows = std::iter::once(&a.exercise).chain(a.lifecycle.iter().filter(|l| l.kind == "nation")).collect();
    let mut t = lifecycle_table(rows);
    if let Some(first) = t.rows.first_mut() {
        first.total = true;
    }
    t
}

fn lifecycle_table(rows: Vec<&Lifecycle>) -> Table {
    let cols = [
        col("Scope", |l: &&Lifecycle| Text::plain(&l.id)),
        col("#Incidents", |l: &&Lifecycle| count(l.incidents)),
        col("#Dwell", |l: &&Lifecycle| Text::plain(opt_span(l.dwell_s))),
        col("#MTTD", |l: &&Lifecycle| Text::plain(stat_text(&l.mttd, "MTTD"))),
        col("#MTTA", |l: &&Lifecycle| Text::plain(stat_text(&l.mtta, "MTTA"))),
        col("#MTTC", |l: &&Lifecycle| Text::plain(stat_text(&l.mttc, "MTTC"))),
        col("#MTTR", |l: &&Lifecycle| Text::plain(stat_text(&l.mttr, "MTTR"))),
    ];
    table(rows, &cols, Detail::Full)
}

/// Each campaign's course: when it started, how far it got, whom it hit.
pub fn campaigns(r: &RunResults, detail: Detail) -> Block {
    if r.summary.campaigns.is_empty() {
        return Block::Para(Text::plain("The scenario has no malicious campaign."));
    }
    type C<'a> = &'a CampaignSummary;
    let opt = |v: &Option<String>| Text::plain(v.as_deref().unwrap_or(NONE));
    let cols = [
        col("Campaign", |c: &C| Text::code(&c.id)),
        col("Started", |c: &C| when(c.started_s)),
        col("Outcome", |c: &C| outcome(c)),
        col("Furthest stage", |c: &C| opt(&c.furthest_stage)),
        col("#Compromised", |c: &C| count(c.hosts_compromised)),
        col("#Re-infections", |c: &C| count(c.reinfections)),
        col("#Detected", |c: &C| count(c.hosts_detected)),
        col("#Contained", |c: &C| count(c.hosts_contained)),
        full("#Impacts", |c: &C| count(c.impacts)),
        col("First impact", |c: &C| when(c.first_impact_s)),
    ];
    Block::Table(table(r.summary.campaigns.iter(), &cols, detail))
}

/// How a campaign ended, with the stage it was stopped at.
fn outcome(c: &CampaignSummary) -> Text {
    match &c.stopped_at_stage {
        Some(st) => Text::plain(format!("{} at {st}", c.outcome)),
        None => Text::plain(&c.outcome),
    }
}

/// Cumulative counts per nation over time, one panel per nation that had a compromised host.
fn over_time(r: &RunResults) -> Block {
    let end = r.summary.duration_s;
    let all = &r.assessment.timelines;
    let active: Vec<_> = all.iter().filter(|t| t.points.iter().any(|p| p[1] > 0)).collect();
    if active.is_empty() {
        return Block::Para(Text::plain("No host was compromised in any nation: there is no lifecycle to chart."));
    }
    let quiet = all.len() - active.len();
    let quiet = match quiet {
        0 => String::new(),
        n => format!("; {n} nation(s) had no compromised host and are not shown"),
    };
    let caption = format!(
        "Cumulative compromises (re-infections count again), detections, containments and recoveries per nation over scenario time, STARTEX to ENDEX: {} nation(s) with activity charted{quiet}.",
        active.len()
    );
    let mut data = Table::new(&["Nation", "Time", "#Compromised", "#Detected", "#Contained", "#Recovered"]);
    let step = time_step(end, 8);
    let mut panels = Vec::new();
    for tl in active {
        let at = |t: u64| tl.points.iter().take_while(|p| p[0] <= t).last().copied().unwrap_or([t, 0, 0, 0, 0]);
        for t in (step..end).step_by(step.max(1) as usize).chain([end]) {
            let p = at(t);
            let mut cells = vec![Text::plain(&tl.nation), Text(vec![Span::Time(t)])];
            cells.extend(p[1..].iter().map(|v| count(*v)));
            data.row(cells);
        }
        let last = at(end);
        let note = format!(
            "at ENDEX: {} compromises, {} detections, {} containments, {} recoveries",
            last[1], last[2], last[3], last[4]
        );
        let points = tl.points.iter().map(|p| (p[0], p[1..].to_vec())).collect();
        panels.push(Panel { title: tl.nation.clone(), note, points });
    }
    let series = SERIES.iter().map(|(n, c, d)| (n.to_string(), c.to_string(), d.to_string())).collect();
    let chart = Chart::Steps { end_s: end, series, panels };
    Block::Figure(Figure { caption, chart, data, show_data: false })
}
