//! Section 10, scores: each nation's score by category (chart and table), the alliance score, the
//! rules, and the ledger summed per nation and rule; the full ledger is an appendix.

use super::cells::{Detail, col, count, full, table};
use crate::fmt::{points, score, span, thousands};
use crate::report::doc::{Block, Chart, Figure, Section, Span, Table, Text};
use crate::results::RunResults;
use crate::results::expectations::CATEGORY as EXPECTATIONS;
use crate::score::scoring::{CATEGORIES, LedgerEntry, NationScore, RULES, SAMPLE, Scores};

/// A category's name as printed.
fn label(c: &str) -> &str {
    match c {
        "availability" => "Availability",
        "attack_resistance" => "Attack resistance",
        "incident_response" => "Incident response",
        "reporting" => "Reporting",
        "expectations" => "Inject expectations",
        other => other,
    }
}

fn colour(c: &str) -> &'static str {
    match c {
        "availability" => "#1f6fb2",
        "attack_resistance" => "#7d3c98",
        "incident_response" => "#c0601a",
        "reporting" => "#138d75",
        _ => "#555555",
    }
}

fn weight(sc: &Scores, c: &str) -> f64 {
    sc.weights.get(c).copied().unwrap_or(0.0)
}

/// Section 10.
pub fn section(r: &RunResults) -> Section {
    let sc = &r.assessment.scores;
    let mut sec = Section::new("scores", "Scores");
    let weights: Vec<String> = CATEGORIES.iter().map(|c| format!("{} {}", label(c), score(weight(sc, c)))).collect();
    let mode =
        if sc.ranking.is_empty() { " (no ranking; the shared outcome is the alliance score)" } else { " (ranked)" };
    sec.push(Block::Para(
        Text::plain("Mode: ").with(Span::Strong(sc.mode.clone())).then(format!(
            "{mode}. Each nation starts with the full weight of each category ({}; total 100) and loses points by the rules below. The weights are an engine convention, not an official Locked Shields split.",
            weights.join(", ")
        )),
    ));
    sec.push(alliance(sc));
    if sc.nations.is_empty() {
        sec.push(Block::Para(Text::plain("No nation was scored.")));
    } else {
        sec.push(chart(r));
    }
    sec.push(Block::Heading(Text::plain("Scoring rules")));
    let mut t = Table::new(&["Rule", "Meaning"]);
    for (k, v) in RULES {
        t.row(vec![Text::code(k), Text::plain(v)]);
    }
    if has_expectations(sc) {
        for (k, v) in crate::results::expectations::RULES {
            t.row(vec![Text::code(k), Text::plain(v)]);
        }
    }
    sec.push(Block::Table(t));
    if has_expectations(sc) {
        sec.push(Block::Note(Text::plain(
            "Inject expectations are scored in points of their own, beside each nation's total (0–100) and never in it, so that totals stay comparable between runs with and without them. They are also evidence for the objectives their injects name (section Objectives).",
        )));
    }
    if !sc.reference_s.is_empty() {
        let refs: Vec<String> = sc.reference_s.iter().map(|(k, v)| format!("{k} {}", span(*v))).collect();
        sec.push(Block::Para(Text::plain(format!("Reference times used: {}.", refs.join(", ")))));
    }
    sec.push(Block::Heading(Text::plain("Ledger by nation and rule")));
    sec.push(Block::Note(Text::plain(
        "Every score is exactly the sum of its ledger entries (points are kept in thousandths, so the sums are exact). Applied counts how many times each rule applied (hosts, impacts, outages …). Every entry, with its arithmetic (count × points each) and the events it cites, is in the appendix Full scoring ledger.",
    )));
    sec.push(per_rule(sc));
    sec
}

fn alliance(sc: &Scores) -> Block {
    Block::Para(
        Text::plain("Alliance score (host-weighted mean of nation scores): ")
            .with(Span::Strong(score(sc.alliance)))
            .then("."),
    )
}

/// Whether any nation was judged on inject expectations.
fn has_expectations(sc: &Scores) -> bool {
    sc.nations.iter().any(|n| n.expectations.is_some())
}

/// The terminal's scores: the table and the alliance score.
pub fn brief(r: &RunResults) -> Vec<Block> {
    vec![Block::Table(nations(r, Detail::Brief)), alliance(&r.assessment.scores)]
}

/// The nations in ranking order (competitive) or scenario order (cooperative).
fn order(sc: &Scores) -> Vec<&NationScore> {
    match sc.ranking.is_empty() {
        true => sc.nations.iter().collect(),
        false => sc.ranking.iter().filter_map(|id| sc.nations.iter().find(|n| &n.nation == id)).collect(),
    }
}

/// Each nation's points per category and total (and rank, when ranked).
fn nations(r: &RunResults, detail: Detail) -> Table {
    let sc = &r.assessment.scores;
    let mut cols = vec![
        col("Nation", |n: &&NationScore| Text::plain(&n.nation)),
        full("Team", |n: &&NationScore| Text::plain(&n.team)),
    ];
    for c in CATEGORIES {
        cols.push(col(format!("#{}", label(c)), move |n: &&NationScore| {
            Text::plain(score(n.categories.get(c).copied().unwrap_or(0.0)))
        }));
    }
    cols.push(col("#Total", |n: &&NationScore| Text::strong(score(n.total))));
    if has_expectations(sc) {
        cols.push(col("#Expectations", |n: &&NationScore| {
            Text::plain(n.expectations.map_or_else(
                || "—".to_string(),
                |t| {
                    let open = if t.open > 0.0 { format!(" ({} open)", score(t.open)) } else { String::new() };
                    format!("{} of {}{open}", score(t.earned), score(t.available))
                },
            ))
        }));
    }
    if !sc.ranking.is_empty() {
        cols.push(col("#Rank", |n: &&NationScore| {
            Text::plain(
                sc.ranking.iter().position(|x| x == &n.nation).map_or_else(|| "—".to_string(), |p| (p + 1).to_string()),
            )
        }));
    }
    table(order(sc), &cols, detail)
}

/// The score breakdown: one bar per nation, one slot per category as wide as its weight.
fn chart(r: &RunResults) -> Block {
    let sc = &r.assessment.scores;
    let slots = CATEGORIES.iter().map(|c| (label(c).to_string(), colour(c).to_string(), weight(sc, c))).collect();
    let rows = order(sc)
        .iter()
        .map(|n| {
            (
                n.nation.clone(),
                CATEGORIES.iter().map(|c| n.categories.get(*c).copied().unwrap_or(0.0)).collect(),
                score(n.total),
            )
        })
        .collect();
    Block::Figure(Figure {
        caption: "Each bar is 100 points long: one slot per category, as wide as its weight. The solid part is what the nation kept, the pale part what it lost; the number is the total.".to_string(),
        chart: Chart::Slots { slots, rows },
        data: nations(r, Detail::Full),
        show_data: true,
    })
}

/// The entries of one nation under one rule.
struct RuleSum<'a> {
    subject: &'a str,
    category: &'a str,
    rule: &'a str,
    /// Applications of the rule (hosts, impacts …), summed over its entries.
    applications: u64,
    milli: i64,
    /// The first few events cited.
    events: Vec<u64>,
}

/// The ledger summed per nation and rule, in the order entries were recorded, with a total per
/// nation and a few of the events behind each rule.
fn per_rule(sc: &Scores) -> Block {
    if sc.ledger.is_empty() {
        return Block::Para(Text::plain("The ledger is empty."));
    }
    let mut sums: Vec<RuleSum<'_>> = Vec::new();
    for e in &sc.ledger {
        let i = sums.iter().position(|g| g.subject == e.subject && g.category == e.category && g.rule == e.rule);
        let i = i.unwrap_or_else(|| {
            let (subject, category, rule) = (e.subject.as_str(), &*e.category, &*e.rule);
            sums.push(RuleSum { subject, category, rule, applications: 0, milli: 0, events: Vec::new() });
            sums.len() - 1
        });
        let g = &mut sums[i];
        (g.applications, g.milli) = (g.applications + e.count, g.milli + e.milli);
        g.events.extend(e.events.iter().take(3usize.saturating_sub(g.events.len())));
    }
    let mut subjects: Vec<&str> = Vec::new();
    for g in &sums {
        if !subjects.contains(&g.subject) {
            subjects.push(g.subject);
        }
    }
    let mut t = Table::new(&["Nation", "Category", "Rule", "#Applied", "#Points", "Example events"]);
    for s in subjects {
        let mine: Vec<&RuleSum<'_>> = sums.iter().filter(|g| g.subject == s).collect();
        for g in &mine {
            let events = Text(vec![Span::Evidence(g.events.clone())]);
            t.row(vec![
                Text::plain(s),
                Text::plain(label(g.category)),
                Text::code(g.rule),
                count(g.applications),
                Text::plain(points(g.milli)),
                events,
            ]);
        }
        let (scored, beside): (Vec<&RuleSum<'_>>, _) = mine.iter().partition(|g| g.category != EXPECTATIONS);
        for (name, part) in [("total", scored), ("expectation points", beside)] {
            if part.is_empty() && name != "total" {
                continue;
            }
            let (n, sum) = part.iter().fold((0, 0), |(n, p), g| (n + g.applications, p + g.milli));
            t.total(vec![
                Text::plain(s),
                Text::default(),
                Text::plain(name),
                count(n),
                Text::plain(points(sum)),
                Text::default(),
            ]);
        }
    }
    Block::Table(t)
}

/// The appendix with every ledger entry, in the order recorded: each shows its arithmetic (count ×
/// points each = points) and the events of its first applications.
pub fn ledger(r: &RunResults) -> Section {
    let sc = &r.assessment.scores;
    let mut sec = Section::new("ledger", "Full scoring ledger");
    let applications: u64 = sc.ledger.iter().map(|e| e.count).sum();
    sec.push(Block::Note(Text::plain(format!(
        "{} entries for {} applications of the rules, in the order they were recorded; each nation's score is the sum of its entries{}, and each rule names its category. A rule applied to many hosts for the same reason at the same cost is one entry: its points are count × points each, and it cites the hosts and events of its first {SAMPLE} applications.",
        thousands(sc.ledger.len() as u64),
        thousands(applications),
        if has_expectations(sc) {
            " outside category expectations (those add up to its inject expectation points, beside the score)"
        } else {
            ""
        }
    ))));
    let cols = [
        col("#No.", |(i, _): &(usize, &LedgerEntry)| count(*i as u64 + 1)),
        col("Nation", |(_, e): &(usize, &LedgerEntry)| Text::plain(&e.subject)),
        col("Rule", |(_, e): &(usize, &LedgerEntry)| Text::code(&*e.rule)),
        col("#Count × each", |(_, e): &(usize, &LedgerEntry)| {
            Text::plain(format!("{} × {}", thousands(e.count), points(e.each_milli)))
        }),
        col("#Points", |(_, e): &(usize, &LedgerEntry)| Text::plain(points(e.milli))),
        col("Events", |(_, e): &(usize, &LedgerEntry)| cited(e)),
        col("What happened", |(_, e): &(usize, &LedgerEntry)| Text::plain(&e.note)),
    ];
    sec.push(Block::Table(table(sc.ledger.iter().enumerate(), &cols, Detail::Full)));
    sec
}

/// The events an entry cites, and how many applications they stand for when it keeps a sample.
fn cited(e: &LedgerEntry) -> Text {
    let mut t = Text(vec![Span::Evidence(e.events.clone())]);
    if e.count > SAMPLE as u64 {
        t = t.then(format!(" — of the first {SAMPLE} of {} applications", thousands(e.count)));
    }
    t
}
