//! Section 2, the executive summary: the headline figures (exercise-wide), what happened, the
//! strengths and top areas for improvement, and each nation at a glance.

use super::cells::{Detail, NEVER_ON_TASK, NONE, col, count, full, hosts_hit, local, opt_at, stat_parts, table};
use crate::fmt::{mb, pct, score, span, thousands};
use crate::report::doc::{Block, Card, Finding, Section, Span, Table, Text};
use crate::results::RunResults;
use crate::score::Rating;
use crate::sim::NationSummary;

/// Section 2.
pub fn section(r: &RunResults) -> Section {
    let mut sec = Section::new("summary", "Executive summary");
    sec.push(Block::Cards(cards(r)));
    sec.push(Block::Note(Text::plain(
        "Headline times are exercise-wide: means over every incident of every nation. Per-nation values are in the incident-handling metrics.",
    )));
    sec.push(Block::Heading(Text::plain("What happened")));
    sec.push(Block::List(what_happened(r)));
    sec.push(Block::Heading(Text::plain("Strengths")));
    sec.push(Block::Findings(top(r, |x| x == Rating::P, |x| &x.strengths)));
    sec.push(Block::Heading(Text::plain("Top areas for improvement")));
    sec.push(Block::Findings(top(r, |x| matches!(x, Rating::S | Rating::M | Rating::U), |x| &x.improvements)));
    sec.push(Block::Heading(Text::plain("Nations at a glance")));
    sec.push(Block::Table(nations(r, Detail::Full)));
    sec
}

/// The headline figures, exercise-wide.
pub fn cards(r: &RunResults) -> Vec<Card> {
    let (s, a) = (&r.summary, &r.assessment);
    let card = |label: &str, value: Text, detail: Text| Card { label: label.to_string(), value, detail };
    let mut out = vec![objectives_card(r)];
    out.push(card(
        "First compromise",
        super::cells::when(s.first_compromise_s),
        Text::plain("anywhere in the exercise"),
    ));
    let dwell = match (a.exercise.dwell_s, s.first_compromise_s) {
        (Some(d), _) => span(d),
        (None, Some(_)) => "never detected".to_string(),
        (None, None) => NONE.to_string(),
    };
    out.push(card(
        "Dwell time",
        Text::plain(dwell),
        Text::plain("first detection ").with(when_span(s.first_detection_s)),
    ));
    let e = &a.exercise;
    for (metric, st) in [("MTTD", &e.mttd), ("MTTA", &e.mtta), ("MTTC", &e.mttc), ("MTTR", &e.mttr)] {
        let (value, n) = stat_parts(st, metric);
        out.push(card(metric, Text::plain(value), Text::plain(n)));
    }
    let hit: u64 = s.nations.iter().map(|n| n.hosts_compromised).sum();
    let again: u64 = s.nations.iter().map(|n| n.reinfections).sum();
    let of = format!(
        "of {} in the exercise; {} re-infection(s) of recovered hosts",
        thousands(s.hosts_total),
        thousands(again)
    );
    out.push(card("Hosts compromised", Text::plain(thousands(hit)), Text::plain(of)));
    let down: Vec<_> = a.availability.iter().filter(|x| !x.outages.is_empty()).collect();
    let down_s: u64 = down.iter().flat_map(|x| &x.outages).map(|o| o.1.saturating_sub(o.0)).sum();
    let services = format!("{} of {}", down.len(), a.availability.len());
    out.push(card(
        "Services down",
        Text::plain(services),
        Text::plain(format!("{} of down-time in total", span(down_s))),
    ));
    out.push(card("Data lost", Text::plain(mb(s.data_lost_mb)), Text::plain("exfiltrated or destroyed")));
    out.push(assistance_card(r));
    let alliance = Text::plain(score(a.scores.alliance));
    out.push(card("Alliance score", alliance, Text::plain("host-weighted mean of nation scores (0–100)")));
    out
}

fn when_span(t: Option<u64>) -> Span {
    t.map_or_else(|| Span::Plain(NONE.to_string()), Span::Time)
}

fn objectives_card(r: &RunResults) -> Card {
    let ratings = &r.assessment.ratings;
    let n = |x: Rating| ratings.iter().filter(|o| o.rating == x).count();
    let value = match ratings.is_empty() {
        true => "none".to_string(),
        false => format!("{}P · {}S · {}M · {}U", n(Rating::P), n(Rating::S), n(Rating::M), n(Rating::U)),
    };
    let na = n(Rating::NotObserved);
    let not_seen = if na > 0 { format!(", {na} not observed") } else { String::new() };
    let detail = Text::plain(format!("{} objective(s) rated{not_seen}", ratings.len()));
    Card { label: "Objectives".into(), value: Text::plain(value), detail }
}

/// The first team on task anywhere, or why none was.
fn assistance_card(r: &RunResults) -> Card {
    let all = &r.assessment.assistance;
    let first = all.iter().filter(|x| x.on_task_s.is_some()).min_by_key(|x| x.on_task_s);
    let (value, detail) = match first {
        Some(x) => (
            Text::plain("on task ").with(local(r, &x.nation, x.on_task_s.unwrap_or(0))),
            Text::plain(format!("{} for {}, requested ", x.provider, x.nation)).with(local(
                r,
                &x.nation,
                x.requested_s,
            )),
        ),
        None if all.is_empty() => (Text::plain("not requested"), Text::plain("no assistance request")),
        None => (Text::plain(NEVER_ON_TASK), Text::plain(format!("{} request(s)", all.len()))),
    };
    Card { label: "Assistance".into(), value, detail }
}

/// The story in a few lines: each campaign, each assistance request, the impact.
fn what_happened(r: &RunResults) -> Vec<Text> {
    let (s, a) = (&r.summary, &r.assessment);
    let mut out = Vec::new();
    if s.campaigns.is_empty() {
        out.push(Text::plain("The scenario has no malicious campaign."));
    }
    for c in &s.campaigns {
        let outcome = match c.outcome.as_str() {
            "impact" => Text::plain("reached its impact at ")
                .with(when_span(c.first_impact_s))
                .then(format!(" ({} impact(s))", c.impacts)),
            "stopped" => match &c.stopped_at_stage {
                Some(st) => Text::plain("was stopped before impact at stage ").with(Span::Code(st.clone())),
                None => Text::plain("was stopped before impact"),
            },
            "running" => Text::plain("was still running at ENDEX without reaching its impact"),
            _ => Text::plain("never started"),
        };
        let mut t = Text::strong(&c.name).then(" (").with(Span::Code(c.id.clone())).then(") ");
        t.0.extend(outcome.0);
        let stage = c.furthest_stage_index.map_or(0, |i| i + 1);
        let hosts = hosts_hit(c.hosts_compromised, c.reinfections);
        t = t.then(format!(
            "; {hosts}, {} detected, {} contained; furthest stage {stage} of {}.",
            c.hosts_detected, c.hosts_contained, c.stages
        ));
        out.push(t);
    }
    if a.assistance.is_empty() {
        out.push(Text::plain("No nation requested assistance."));
    }
    for x in &a.assistance {
        let arrived = match (x.on_task_s, x.time_to_on_task_s) {
            (Some(t), Some(d)) => Text::plain("; on task at ")
                .with(local(r, &x.nation, t))
                .then(format!(" ({} after the request).", span(d))),
            _ => Text::plain(format!("; {NEVER_ON_TASK}.")),
        };
        let mut t = Text::plain(format!("{} requested ", x.nation)).with(Span::Strong(x.provider.clone()));
        t = t.then(" at ").with(local(r, &x.nation, x.requested_s)).then(format!(" ({})", x.reason));
        t.0.extend(arrived.0);
        out.push(t);
    }
    let down: Vec<String> = a
        .availability
        .iter()
        .filter(|v| !v.outages.is_empty())
        .map(|v| format!("{} ({})", v.service, span(v.outages.iter().map(|o| o.1.saturating_sub(o.0)).sum())))
        .collect();
    let down = if down.is_empty() { "none".to_string() } else { down.join(", ") };
    out.push(Text::plain(format!("Impact: {} of data lost; services down: {down}.", mb(s.data_lost_mb))));
    out
}

/// Up to three strengths (or areas for improvement) of objectives whose rating `pick` selects,
/// each with its objective's evidence.
fn top(
    r: &RunResults,
    pick: impl Fn(Rating) -> bool,
    items: impl Fn(&crate::score::ObjectiveRating) -> &Vec<String>,
) -> Vec<Finding> {
    let found: Vec<Finding> = r
        .assessment
        .ratings
        .iter()
        .filter(|x| pick(x.rating))
        .flat_map(|x| {
            items(x)
                .iter()
                .map(move |s| Finding { text: Text::code(&x.id).then(": ").then(s), evidence: x.evidence.clone() })
        })
        .take(3)
        .collect();
    if found.is_empty() {
        return vec![Finding { text: Text::plain("None observed."), evidence: Vec::new() }];
    }
    found
}

/// Each nation's hosts, first compromise and detection, data lost and availability.
pub fn nations(r: &RunResults, detail: Detail) -> Table {
    let a = &r.assessment;
    let availability =
        |id: &str| Text::plain(a.nation_availability.get(id).map_or_else(|| NONE.to_string(), |v| pct(*v)));
    let cols = [
        col("Nation", |n: &&NationSummary| Text::plain(&n.id)),
        col("#Compromised", |n: &&NationSummary| count(n.hosts_compromised)),
        col("#Re-infections", |n: &&NationSummary| count(n.reinfections)),
        col("#Detected", |n: &&NationSummary| count(n.hosts_detected)),
        col("#Contained", |n: &&NationSummary| count(n.hosts_contained)),
        col("#Recovered", |n: &&NationSummary| count(n.hosts_recovered)),
        col("First compromise", |n: &&NationSummary| opt_at(r, &n.id, n.first_compromise_s, NONE)),
        full("First detection", |n: &&NationSummary| opt_at(r, &n.id, n.first_detection_s, NONE)),
        col("#Data lost", |n: &&NationSummary| Text::plain(mb(n.data_lost_mb))),
        col("#Availability", |n: &&NationSummary| availability(&n.id)),
    ];
    table(r.summary.nations.iter(), &cols, detail)
}
