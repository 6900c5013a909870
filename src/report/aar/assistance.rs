//! Section 8, assistance: each request from detection to the team on task (table and lanes over
//! the exercise window), containment before and during the deployment, what the team changed,
//! and the providers' scores.

use super::cells::{Detail, NEVER_ON_TASK, NONE, at, col, count, full, opt_at, opt_mean, opt_span, table};
use crate::fmt::{score, span, tplus};
use crate::report::doc::{Bar, Block, Chart, Figure, Lane, Section, Table, Text};
use crate::results::RunResults;
use crate::score::AssistanceTiming;
use crate::score::metrics::ASSISTANCE_CHANGE;

/// The phases of a request, in order, with their colours.
const PHASES: [(&str, &str); 3] =
    [("awaiting approval", "#aab2bb"), ("approved, travelling", "#d68910"), ("on task", "#1e8449")];

/// Section 8.
pub fn section(r: &RunResults) -> Section {
    let a = &r.assessment;
    let mut sec = Section::new("assistance", "Assistance: timeline and what it changed");
    if a.assistance.is_empty() {
        sec.push(Block::Para(Text::plain("No nation requested assistance.")));
    } else {
        sec.push(timeline(r));
        sec.push(Block::Heading(Text::plain("Containment before and during the deployment")));
        sec.push(Block::Table(before_during(r)));
        sec.push(Block::Heading(Text::plain(ASSISTANCE_CHANGE)));
        sec.push(findings(r));
        if let Some(d) = a.definitions.iter().find(|d| d.name == ASSISTANCE_CHANGE) {
            sec.push(Block::Note(Text::plain(format!("{}: {}.", d.name, d.definition))));
        }
    }
    if !a.scores.providers.is_empty() {
        sec.push(Block::Heading(Text::plain("Provider scores")));
        let mut t = Table::new(&["Provider", "#Score", "#Incidents open while on task", "#Contained while on task"]);
        for p in &a.scores.providers {
            let total = p.total.map_or_else(|| "not deployed".to_string(), score);
            t.row(vec![
                Text::plain(&p.provider),
                Text::plain(total),
                count(p.open_while_on_task),
                count(p.contained_while_on_task),
            ]);
        }
        sec.push(Block::Table(t));
    }
    sec
}

/// The terminal's assistance section: the requests and what each changed.
pub fn brief(r: &RunResults) -> Vec<Block> {
    if r.assessment.assistance.is_empty() {
        return vec![Block::Para(Text::plain("No nation requested assistance."))];
    }
    vec![Block::Table(requests(r, Detail::Brief)), findings(r)]
}

fn findings(r: &RunResults) -> Block {
    Block::List(r.assessment.assistance.iter().map(|x| Text::plain(&x.finding)).collect())
}

/// Each request: why, and when it was requested, approved, on task and off task.
fn requests(r: &RunResults, detail: Detail) -> Table {
    type A<'a> = &'a AssistanceTiming;
    let off = |x: &A| match (x.on_task_s, x.off_task_s) {
        (Some(_), None) => Text::plain("still on task at ENDEX"),
        (_, t) => opt_at(r, &x.nation, t, NONE),
    };
    let cols = [
        col("Nation", |x: &A| Text::plain(&x.nation)),
        col("Provider", |x: &A| Text::plain(&x.provider)),
        col("Why", |x: &A| Text::plain(&x.reason)),
        full("#Detection → request", |x: &A| Text::plain(opt_span(x.time_to_request_s))),
        col("Requested", |x: &A| at(r, &x.nation, x.requested_s)),
        col("Approved", |x: &A| opt_at(r, &x.nation, x.approved_s, NONE)),
        col("On task", |x: &A| opt_at(r, &x.nation, x.on_task_s, NONE)),
        col("Off task", off),
        col("#Request → on task", |x: &A| {
            Text::plain(x.time_to_on_task_s.map_or_else(|| NEVER_ON_TASK.to_string(), span))
        }),
    ];
    table(r.assessment.assistance.iter(), &cols, detail)
}

/// The requests table, drawn as one lane per request over the exercise window.
fn timeline(r: &RunResults) -> Block {
    let end = r.summary.duration_s;
    let lanes = r
        .assessment
        .assistance
        .iter()
        .map(|x| {
            let approved = x.approved_s.unwrap_or(end);
            let on = x.on_task_s.unwrap_or(end);
            let off = if x.on_task_s.is_some() { x.off_task_s.unwrap_or(end) } else { on };
            let phases = [(x.requested_s, approved), (approved, on), (on, off)];
            let bars = phases
                .iter()
                .enumerate()
                .filter(|(_, (from, to))| to > from)
                .map(|(kind, &(from, to))| Bar {
                    from,
                    to,
                    kind,
                    title: format!("{}: {}–{}", PHASES[kind].0, tplus(from), tplus(to)),
                })
                .collect();
            Lane { label: format!("{} ← {}", x.nation, x.provider), note: String::new(), bars }
        })
        .collect();
    let legend = PHASES.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect();
    Block::Figure(Figure {
        caption: "Each lane is one request over the exercise window: grey from the request to approval, amber from approval until the team is on task, green while it is on task (to off task or ENDEX).".to_string(),
        chart: Chart::Lanes { end_s: end, legend, lanes },
        data: requests(r, Detail::Full),
        show_data: true,
    })
}

/// The nation's containment rate and MTTC in the windows before and during the deployment.
fn before_during(r: &RunResults) -> Table {
    type A<'a> = &'a AssistanceTiming;
    let rate = |v: Option<f64>| Text::plain(v.map_or_else(|| NONE.to_string(), |x| format!("{x:.2}/h")));
    let mttc = |m: Option<f64>, n: u64| Text::plain(format!("{} (n={n})", opt_mean(m)));
    let cols = [
        col("Nation", |x: &A| Text::plain(&x.nation)),
        col("Provider", |x: &A| Text::plain(&x.provider)),
        col("#Contained before", |x: &A| count(x.contained_before)),
        col("#Rate before", |x: &A| rate(x.containment_rate_before_per_h)),
        col("#Left to contain during", |x: &A| count(x.to_contain_during)),
        col("#Contained during", |x: &A| count(x.contained_during)),
        col("#Rate during", |x: &A| rate(x.containment_rate_during_per_h)),
        col("#MTTC before", |x: &A| mttc(x.mttc_before_s, x.mttc_before_n)),
        col("#MTTC during", |x: &A| mttc(x.mttc_during_s, x.mttc_during_n)),
    ];
    table(r.assessment.assistance.iter(), &cols, Detail::Full)
}
