//! The what-if comparison report: one [`Document`] built from the paired differences of
//! `cydex compare`, written as the terminal text and as `report.md` and `report.html` beside
//! `compare.json`. The variant is stated once, at the top; effects are sorted by standardised size
//! (|mean change| ÷ the standard deviation of the paired changes, Cohen's d_z) with the alliance
//! score first, labelled with words and units, marked significant or not distinguishable from no
//! change, and said to be better or worse for the defenders; the unchanged ones share one line.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::report::batch::{files_hint, keyed};
use crate::report::doc::{Block, Document, Section, Span, Table, Text};
use crate::report::labels::{Better, Label, label, label_value};
use crate::report::write;
use crate::results::compare::Paired;

/// What was compared, and the paired differences.
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    /// The exercise's title.
    pub title: String,
    /// The marking: the stricter of the two scenarios'.
    pub tlp: String,
    /// Engine name and version.
    pub engine: String,
    /// Master seed of both sides.
    pub seed: u64,
    /// Paired runs.
    pub runs: u64,
    /// The base scenario as named.
    pub base: String,
    /// The variant scenario as named, when it is another file than the base.
    pub variant: Option<String>,
    /// `--set` overrides applied to both sides.
    pub common: Vec<String>,
    /// `--variant-set` overrides applied to the variant only.
    pub variant_sets: Vec<String>,
    /// Paired differences by key (variant − base).
    pub diffs: &'a BTreeMap<String, Paired>,
}

/// Where an effect is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// The 95% CI of the mean change excludes 0.
    Significant,
    /// It changed in some runs, but the CI includes 0.
    Indistinct,
    /// The same value in both runs of every pair.
    Unchanged,
}

/// One metric's effect.
#[derive(Debug, Clone)]
pub struct Effect<'a> {
    /// Observation key.
    pub key: &'a str,
    /// Its label.
    pub label: Label,
    /// The paired statistics.
    pub paired: &'a Paired,
    /// Its group.
    pub group: Group,
    /// Standardised size |mean change| ÷ SD of the changes; infinite for a change that is the same
    /// in every pair, `None` without two pairs.
    pub size: Option<f64>,
}

const ALLIANCE: &str = "alliance.score";

/// The standardised size of a paired effect.
pub fn effect_size(p: &Paired) -> Option<f64> {
    let (m, sd) = (p.diff_mean?, p.diff_sd?);
    if sd > 0.0 {
        Some(m.abs() / sd)
    } else if m != 0.0 {
        Some(f64::INFINITY)
    } else {
        Some(0.0)
    }
}

fn group(p: &Paired) -> Group {
    if p.significant {
        Group::Significant
    } else if p.diff_mean == Some(0.0) && p.diff_sd.is_none_or(|s| s == 0.0) {
        Group::Unchanged
    } else {
        Group::Indistinct
    }
}

/// Every effect in report order: significant, then indistinct, then unchanged; within a group the
/// alliance score first, then by standardised size (largest first), then in label-table order. A
/// measure observed twice (a 0/1 metric that is also an outcome: same words, same differences) is
/// listed once, under its first key.
pub fn ordered(diffs: &BTreeMap<String, Paired>) -> Vec<Effect<'_>> {
    let mut v: Vec<Effect> = Vec::new();
    for (k, p) in diffs {
        let l = match &p.outcome {
            Some((key, value)) => label_value(key, value),
            None => label(k),
        };
        let same = |q: &Paired| Paired { outcome: None, ..q.clone() } == Paired { outcome: None, ..p.clone() };
        if !v.iter().any(|e| e.label.text == l.text && same(e.paired)) {
            v.push(Effect { key: k, label: l, paired: p, group: group(p), size: effect_size(p) });
        }
    }
    v.sort_by(|a, b| {
        let size = |e: &Effect| e.size.unwrap_or(-1.0);
        a.group
            .cmp(&b.group)
            .then((b.key == ALLIANCE).cmp(&(a.key == ALLIANCE)))
            .then(size(b).partial_cmp(&size(a)).unwrap_or(Ordering::Equal))
            .then(a.label.rank.cmp(&b.label.rank))
            .then(a.key.cmp(b.key))
    });
    v
}

/// Which way a change goes for the defenders: `better`, `worse`, or `neither` for a metric that
/// has no better direction.
fn direction(e: &Effect) -> &'static str {
    let d = e.paired.diff_mean.unwrap_or(0.0);
    match (e.label.better, d > 0.0) {
        (Better::Neither, _) => "neither",
        (Better::Lower, false) | (Better::Higher, true) => "better",
        _ => "worse",
    }
}

/// The direction in words: `better for the defenders`, `worse …`, `neither better nor worse`.
fn direction_words(e: &Effect) -> String {
    match direction(e) {
        "neither" => "neither better nor worse".to_string(),
        d => format!("{d} for the defenders"),
    }
}

/// One effect in a sentence: label, means, change, CI, and what it means.
pub fn sentence(e: &Effect) -> Text {
    let (u, p) = (e.label.unit, e.paired);
    if e.group == Group::Unchanged {
        return Text::strong(e.label.text.clone())
            .then(format!(": {} on both sides, unchanged in every run.", u.opt(p.base_mean)));
    }
    let ci = if p.ci95.is_some() { format!(", 95% CI {}", u.change_ci(p.ci95)) } else { String::new() };
    let verdict = match e.group {
        Group::Significant => format!("{}, significant (95% CI excludes 0)", direction_words(e)),
        Group::Indistinct | Group::Unchanged => "not distinguishable from no change".to_string(),
    };
    Text::strong(e.label.text.clone()).then(format!(
        ": {} → {} ({}{ci}): {verdict}.",
        u.opt(p.base_mean),
        u.opt(p.variant_mean),
        u.opt_change(p.diff_mean)
    ))
}

/// The significant effects as sentences, for `compare.json`'s headlines.
pub fn headlines(diffs: &BTreeMap<String, Paired>) -> Vec<String> {
    ordered(diffs).iter().filter(|e| e.group == Group::Significant).map(|e| write::text::text(&sentence(e))).collect()
}

/// What the variant changes, said once.
fn variant_text(c: &Comparison) -> Text {
    match (&c.variant, c.variant_sets.is_empty()) {
        (Some(v), true) => {
            Text::plain("the variant scenario ").with(Span::Code(v.clone())).then(" instead of the base")
        }
        (Some(v), false) => Text::plain("the variant scenario ")
            .with(Span::Code(v.clone()))
            .then(", changed by ")
            .codes(&c.variant_sets),
        (None, false) => Text::plain("the base scenario with ").codes(&c.variant_sets),
        (None, true) => Text::plain("nothing: the scenario is compared with itself"),
    }
}

/// The stricter of two TLP markings (RED over AMBER+STRICT over AMBER over GREEN over CLEAR, the
/// old WHITE counting as CLEAR); a marked side over an unmarked one, an unknown marking over all.
pub fn stricter_tlp<'a>(a: &'a str, b: &'a str) -> &'a str {
    let rank = |t: &str| {
        let t = t.to_ascii_uppercase();
        let t = t.trim_start_matches("TLP:").trim().replace("WHITE", "CLEAR");
        ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
            .iter()
            .position(|m| t == *m)
            .map_or(if t.is_empty() { -1 } else { 5 }, |i| i as i32)
    };
    if rank(b) > rank(a) { b } else { a }
}

/// The whole comparison report.
pub fn document(c: &Comparison) -> Document {
    let effects = ordered(c.diffs);
    let mut lead = Text::plain("What differs: ");
    lead.0.extend(variant_text(c).0);
    let lead = lead.then(format!(
        ". Both sides ran the same {} seeds (common random numbers), so every change is measured run by run \
         against the same chance events.",
        c.runs
    ));
    Document {
        kind: "What-if comparison".into(),
        title: c.title.clone(),
        tlp: c.tlp.clone(),
        draft: false,
        lead,
        facts: facts(c),
        sections: vec![summary(&effects), significant_section(&effects), rest_section(&effects)],
        appendices: appendices(&effects),
        footer: Text::plain(format!("Generated by {}; compare.json holds every difference.", c.engine)),
        clock: None,
    }
}

fn facts(c: &Comparison) -> Vec<(String, Text)> {
    let common = if c.common.is_empty() { Text::plain("none") } else { Text::default().codes(&c.common) };
    vec![
        ("Base scenario".into(), Text::code(c.base.clone())),
        ("--set on both sides".into(), common),
        ("Paired runs".into(), Text::plain(format!("{} (run indices 0 to {})", c.runs, c.runs.saturating_sub(1)))),
        ("Seed".into(), Text::plain(c.seed.to_string())),
        ("Engine".into(), Text::plain(c.engine.clone())),
    ]
}

fn summary(effects: &[Effect]) -> Section {
    let mut s = Section::new("summary", "Summary");
    if let Some(e) = effects.iter().find(|e| e.key == ALLIANCE) {
        s.push(Block::Para(sentence(e)));
    }
    let count = |g: Group| effects.iter().filter(|e| e.group == g).count();
    let sig: Vec<&Effect> = effects.iter().filter(|e| e.group == Group::Significant).collect();
    let better = sig.iter().filter(|e| direction(e) == "better").count();
    let worse = sig.iter().filter(|e| direction(e) == "worse").count();
    let split = if sig.is_empty() {
        String::new()
    } else {
        format!(
            " ({better} better and {worse} worse for the defenders, {} without a direction)",
            sig.len() - better - worse
        )
    };
    s.push(Block::Para(Text::plain(format!(
        "Of {} measures, {} changed significantly{split}, {} are not distinguishable from no change, and {} did not \
         change in any run.",
        effects.len(),
        sig.len(),
        count(Group::Indistinct),
        count(Group::Unchanged)
    ))));
    s.push(Block::Note(Text::plain(
        "Effects are ordered by standardised size d = |mean change| ÷ standard deviation of the paired changes \
         (Cohen's d_z): how many run-to-run standard deviations the average change amounts to; 0.8 or more is \
         conventionally large. A change that is the same in every run has no spread and is listed first (size ∞). \
         The alliance score always leads. Shares and probabilities change in percentage points (pp).",
    )));
    s
}

const HEAD: [&str; 7] = ["Metric", "#Base", "#Variant", "#Change", "#95% CI", "For the defenders", "#Size d"];

fn size_text(e: &Effect) -> String {
    match e.size {
        Some(d) if d.is_infinite() => "∞".to_string(),
        Some(d) => format!("{d:.2}"),
        None => "—".to_string(),
    }
}

fn effect_row(e: &Effect, with_direction: bool) -> Vec<Text> {
    let (u, p) = (e.label.unit, e.paired);
    let mut row: Vec<Text> = [
        e.label.text.clone(),
        u.opt(p.base_mean),
        u.opt(p.variant_mean),
        u.opt_change(p.diff_mean),
        u.change_ci(p.ci95),
    ]
    .into_iter()
    .map(Text::plain)
    .collect();
    if with_direction {
        let d = direction(e);
        row.push(if d == "worse" { Text::strong(d) } else { Text::plain(d) });
    }
    row.push(Text::plain(size_text(e)));
    row
}

fn significant_section(effects: &[Effect]) -> Section {
    let mut s = Section::new("significant", "Significant effects (95% CI excludes 0)");
    let mut t = Table::new(&HEAD);
    for e in effects.iter().filter(|e| e.group == Group::Significant) {
        t.row(effect_row(e, true));
    }
    if t.rows.is_empty() {
        s.push(Block::Para(Text::plain("No change whose 95% CI excludes 0.")));
        return s;
    }
    s.push(Block::Note(Text::plain(
        "Base and Variant: the means of the two sides; Change: the mean paired change (variant − base) and its \
         95% CI; For the defenders: whether the change is better or worse for them, or neither for a measure \
         without a better direction; Size d: as in section 1.",
    )));
    s.push(Block::Table(t));
    s
}

fn rest_section(effects: &[Effect]) -> Section {
    let mut s = Section::new("rest", "Not distinguishable from no change");
    let mut head: Vec<&str> = HEAD.to_vec();
    head.remove(5);
    let mut t = Table::new(&head);
    for e in effects.iter().filter(|e| e.group == Group::Indistinct) {
        t.row(effect_row(e, false));
    }
    if !t.rows.is_empty() {
        s.push(Block::Note(Text::plain("These changed in some runs, but their 95% CI includes 0.")));
        s.push(Block::Table(t));
    }
    let same: Vec<String> = effects
        .iter()
        .filter(|e| e.group == Group::Unchanged)
        .map(|e| format!("{} ({})", e.label.text, e.label.unit.opt(e.paired.base_mean)))
        .collect();
    if !same.is_empty() {
        s.push(Block::Heading(Text::plain("Unchanged")));
        s.push(Block::Para(Text::plain(format!("The same in both runs of every pair: {}.", same.join("; ")))));
    }
    s
}

/// Every effect in key order, one table row each: the key, then `cells`.
fn per_key(effects: &[Effect], head: &[&str], cells: impl Fn(&Effect) -> Vec<String>) -> Table {
    let mut sorted: Vec<&Effect> = effects.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    keyed(head, sorted.into_iter().map(|e| (e.key, cells(e))))
}

/// Appendices A and B: every paired difference by raw key, split over two tables so each fits a
/// printed page.
fn appendices(effects: &[Effect]) -> Vec<Section> {
    let mut a = Section::new("raw-means", "Every paired difference by observation key: means");
    a.push(Block::Note(Text::plain(
        "n counts the run pairs where the metric exists on both sides; means are over those pairs.",
    )));
    let head = ["Key", "#n", "#Base", "#Variant", "#Change"];
    a.push(Block::Table(per_key(effects, &head, |e| {
        let (u, p) = (e.label.unit, e.paired);
        vec![p.n.to_string(), u.opt(p.base_mean), u.opt(p.variant_mean), u.opt_change(p.diff_mean)]
    })));
    let mut b = Section::new("raw-uncertainty", "Every paired difference by observation key: uncertainty");
    let head = ["Key", "#SD of the changes", "#95% CI of the change", "#Size d", "Significant"];
    b.push(Block::Table(per_key(effects, &head, |e| {
        let (u, p) = (e.label.unit, e.paired);
        let sig = if p.significant { "yes" } else { "no" };
        vec![u.opt_size(p.diff_sd), u.change_ci(p.ci95), size_text(e), sig.to_string()]
    })));
    vec![a, b]
}

/// `report.md`.
pub fn markdown(c: &Comparison) -> String {
    write::markdown::write(&document(c))
}

/// `report.html`.
pub fn html(c: &Comparison) -> String {
    write::html::write(&document(c))
}

/// The terminal text: the summary and the significant effects.
pub fn terminal(c: &Comparison, color: bool) -> String {
    let mut d = document(c).only(&["summary", "significant"]);
    d.footer =
        files_hint("the effects not distinguishable from no change, the unchanged metrics and every raw difference");
    write::text::write(&d, color)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paired(diff: f64, sd: f64, significant: bool) -> Paired {
        paired_from(10.0, diff, sd, significant)
    }

    fn paired_from(base: f64, diff: f64, sd: f64, significant: bool) -> Paired {
        Paired {
            n: 20,
            base_mean: Some(base),
            variant_mean: Some(base + diff),
            diff_mean: Some(diff),
            diff_sd: Some(sd),
            ci95: Some((diff - sd, diff + sd)),
            significant,
            outcome: None,
        }
    }

    #[test]
    fn effects_are_ordered_by_group_then_alliance_then_size() {
        let diffs: BTreeMap<String, Paired> = [
            ("nation.EST.mttd_s", paired(-600.0, 100.0, true)),      // d = 6
            ("exercise.hosts_compromised", paired(-3.0, 0.0, true)), // the same shift in every run: d = ∞
            ("alliance.score", paired(1.0, 2.0, true)),              // d = 0.5, but it leads
            ("nation.EST.score", paired(0.5, 5.0, false)),           // d = 0.1
            ("nation.LVA.score", paired(-2.0, 5.0, false)),          // d = 0.4
            ("exercise.data_lost_mb", paired(0.0, 0.0, false)),      // unchanged
            ("service.X.uptime", paired(0.01, 0.001, true)),         // d = 10
        ]
        .into_iter()
        .map(|(k, p)| (k.to_string(), p))
        .collect();
        let order: Vec<(&str, Group)> = ordered(&diffs).iter().map(|e| (e.key, e.group)).collect();
        assert_eq!(
            order,
            [
                ("alliance.score", Group::Significant),
                ("exercise.hosts_compromised", Group::Significant),
                ("service.X.uptime", Group::Significant),
                ("nation.EST.mttd_s", Group::Significant),
                ("nation.LVA.score", Group::Indistinct),
                ("nation.EST.score", Group::Indistinct),
                ("exercise.data_lost_mb", Group::Unchanged),
            ]
        );
        assert_eq!(effect_size(&diffs["exercise.hosts_compromised"]), Some(f64::INFINITY));
        assert_eq!(effect_size(&diffs["exercise.data_lost_mb"]), Some(0.0));
    }

    #[test]
    fn a_measure_observed_twice_is_listed_once() {
        let outcome =
            |value: &str, p: Paired| Paired { outcome: Some(("campaign.C.outcome".into(), value.into())), ..p };
        let diffs: BTreeMap<String, Paired> = [
            ("campaign.C.outcome=impact", outcome("impact", paired(-0.4, 0.5, true))),
            ("campaign.C.reached_impact", paired(-0.4, 0.5, true)),
            ("campaign.C.outcome=stopped", outcome("stopped", paired(0.4, 0.5, true))),
        ]
        .into_iter()
        .map(|(k, p)| (k.to_string(), p))
        .collect();
        let keys: Vec<&str> = ordered(&diffs).iter().map(|e| e.key).collect();
        assert_eq!(keys, ["campaign.C.outcome=stopped", "campaign.C.outcome=impact"]);
    }

    #[test]
    fn directions_and_significance_in_words() {
        let diffs: BTreeMap<String, Paired> = [
            ("nation.EST.mttd_s", paired_from(3600.0, -600.0, 100.0, true)),
            ("alliance.score", paired(-1.0, 0.5, true)),
            ("nation.EST.hosts_detected", paired(3.0, 1.0, true)),
            ("nation.LVA.score", paired(-2.0, 5.0, false)),
        ]
        .into_iter()
        .map(|(k, p)| (k.to_string(), p))
        .collect();
        let said: Vec<String> = ordered(&diffs).iter().map(|e| write::text::text(&sentence(e))).collect();
        assert_eq!(
            said,
            [
                "Alliance score: 10.0 → 9.0 (−1.0, 95% CI −1.5 … −0.5): worse for the defenders, significant (95% CI excludes 0).",
                "EST: mean time to detect (MTTD): 1h → 50m (−10m, 95% CI −11m … −8m): better for the defenders, significant (95% CI excludes 0).",
                "EST: hosts detected: 10 → 13 (+3, 95% CI +2 … +4): neither better nor worse, significant (95% CI excludes 0).",
                "LVA: score: 10.0 → 8.0 (−2.0, 95% CI −7.0 … +3.0): not distinguishable from no change.",
            ]
        );
        let same: BTreeMap<String, Paired> = [("exercise.data_lost_mb".to_string(), paired(0.0, 0.0, false))].into();
        let e = &ordered(&same)[0];
        assert_eq!(write::text::text(&sentence(e)), "Data lost: 10 MB on both sides, unchanged in every run.");
    }

    #[test]
    fn the_variant_is_said_once_and_the_stricter_marking_wins() {
        let diffs = BTreeMap::new();
        let c = Comparison {
            title: "T".into(),
            tlp: "TLP:GREEN".into(),
            engine: "cydex 0".into(),
            seed: 7,
            runs: 20,
            base: "a.yaml".into(),
            variant: None,
            common: vec![],
            variant_sets: vec!["x=1".into(), "y=2".into()],
            diffs: &diffs,
        };
        let say = |c: &Comparison| write::text::text(&variant_text(c));
        assert_eq!(say(&c), "the base scenario with x=1, y=2");
        let file = Comparison { variant: Some("b.yaml".into()), variant_sets: vec![], ..c.clone() };
        assert_eq!(say(&file), "the variant scenario b.yaml instead of the base");
        let both = Comparison { variant: Some("b.yaml".into()), ..c.clone() };
        assert_eq!(say(&both), "the variant scenario b.yaml, changed by x=1, y=2");
        let none = Comparison { variant_sets: vec![], ..c };
        assert_eq!(say(&none), "nothing: the scenario is compared with itself");
        assert_eq!(stricter_tlp("TLP:GREEN", "TLP:AMBER"), "TLP:AMBER");
        assert_eq!(stricter_tlp("TLP:RED", "TLP:AMBER+STRICT"), "TLP:RED");
        assert_eq!(stricter_tlp("TLP:AMBER+STRICT", "TLP:AMBER"), "TLP:AMBER+STRICT");
        assert_eq!(stricter_tlp("", "TLP:CLEAR"), "TLP:CLEAR");
        assert_eq!(stricter_tlp("TLP:CLEAR", "TLP:WHITE"), "TLP:CLEAR");
        assert_eq!(stricter_tlp("TLP:GREEN", "TLP:PURPLE"), "TLP:PURPLE");
    }
}
