//! Section 6, service availability: when each service was down (a lane per service over the
//! exercise window), each outage with its events, and the criticality-weighted availability and
//! data lost per nation.

use super::cells::{Detail, at, col, count, table};
use crate::fmt::{mb, pct, span, tplus};
use crate::report::doc::{Bar, Block, Chart, Figure, Lane, Section, Span, Table, Text};
use crate::results::RunResults;
use crate::score::metrics::Availability;

/// Section 6.
pub fn section(r: &RunResults) -> Section {
    let a = &r.assessment;
    let mut sec = Section::new("availability", "Service availability");
    let down = a.availability.iter().filter(|x| !x.outages.is_empty()).count();
    sec.push(Block::Para(Text::plain(format!(
        "{down} of {} service(s) went down at least once. Each lane is one service over the exercise window (STARTEX to ENDEX, {}); red marks when it was down.",
        a.availability.len(),
        span(r.summary.duration_s)
    ))));
    if down > 0 {
        sec.push(outage_chart(r));
        sec.push(Block::Heading(Text::plain("Outages")));
        sec.push(Block::Table(outages(r)));
    }
    sec.push(Block::Heading(Text::plain("Criticality-weighted availability and data lost per nation")));
    let mut t = Table::new(&["Nation", "#Weighted availability", "#Services", "#Services down", "#Data lost"]);
    for (n, v) in &a.nation_availability {
        let of_nation = || a.availability.iter().filter(|s| &s.nation == n);
        t.row(vec![
            Text::plain(n),
            Text::plain(pct(*v)),
            count(of_nation().count() as u64),
            count(of_nation().filter(|s| !s.outages.is_empty()).count() as u64),
            Text::plain(mb(a.data_lost_mb.get(n).copied().unwrap_or(0.0))),
        ]);
    }
    sec.push(Block::Table(t));
    sec
}

fn down_s(s: &Availability) -> u64 {
    s.outages.iter().map(|o| o.1.saturating_sub(o.0)).sum()
}

/// The services that went down: how often, for how long, and whether they were back by ENDEX.
pub fn services(r: &RunResults) -> Block {
    let down: Vec<&Availability> = r.assessment.availability.iter().filter(|x| !x.outages.is_empty()).collect();
    if down.is_empty() {
        return Block::Para(Text::plain("No service went down."));
    }
    Block::Table(services_table(&down))
}

fn services_table(down: &[&Availability]) -> Table {
    type A<'a> = &'a Availability;
    let at_endex = |s: &A| match s.outages.last() {
        Some(o) if o.3.is_none() => "still down",
        _ => "restored",
    };
    let cols = [
        col("Service", |s: &A| Text::code(&s.service)),
        col("Nation", |s: &A| Text::plain(&s.nation)),
        col("#Weight", |s: &A| Text::plain(format!("{:.1}", s.weight))),
        col("#Outages", |s: &A| count(s.outages.len() as u64)),
        col("#Down for", |s: &A| Text::plain(span(down_s(s)))),
        col("#Uptime", |s: &A| Text::plain(pct(s.uptime))),
        col("At ENDEX", |s: &A| Text::plain(at_endex(s))),
    ];
    table(down.iter().copied(), &cols, Detail::Full)
}

fn outage_chart(r: &RunResults) -> Block {
    let down: Vec<&Availability> = r.assessment.availability.iter().filter(|x| !x.outages.is_empty()).collect();
    let end = r.summary.duration_s;
    let lanes = down
        .iter()
        .map(|s| {
            let up =
                Bar { from: 0, to: end, kind: 0, title: format!("{}: up {} of the run", s.service, pct(s.uptime)) };
            let outages = s.outages.iter().map(|&(d, u, ev, _)| Bar {
                from: d,
                to: u,
                kind: 1,
                title: format!(
                    "{} down {}–{} ({}), event #{ev}",
                    s.service,
                    tplus(d),
                    tplus(u),
                    span(u.saturating_sub(d))
                ),
            });
            let bars = std::iter::once(up).chain(outages).collect();
            Lane { label: format!("{} ({})", s.service, s.nation), note: pct(s.uptime), bars }
        })
        .collect();
    let legend = vec![("up".to_string(), "#a9d8b2".to_string()), ("down".to_string(), "#c0392b".to_string())];
    Block::Figure(Figure {
        caption: "Service outages over the exercise, one lane per service that went down: green up, red down; right, the fraction of the run it was up.".to_string(),
        chart: Chart::Lanes { end_s: end, legend, lanes },
        data: services_table(&down),
        show_data: true,
    })
}

/// Each outage: when it began and ended, in the owning nation's day, with its events.
fn outages(r: &RunResults) -> Table {
    let mut t = Table::new(&["Service", "Nation", "Down", "Up again", "#Length", "Events"]);
    for s in r.assessment.availability.iter().filter(|x| !x.outages.is_empty()) {
        for &(d, u, ev, up_ev) in &s.outages {
            let up = match up_ev {
                Some(_) => at(r, &s.nation, u),
                None => Text::plain("still down at ENDEX"),
            };
            let ids = std::iter::once(ev).chain(up_ev).collect();
            t.row(vec![
                Text::code(&s.service),
                Text::plain(&s.nation),
                at(r, &s.nation, d),
                up,
                Text::plain(span(u.saturating_sub(d))),
                Text(vec![Span::Evidence(ids)]),
            ]);
        }
    }
    t
}
