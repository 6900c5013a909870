//! The thin writers of the document model: Markdown, self-contained HTML (screen and print), and
//! terminal text. Each decides only how a block looks, never what it says.

pub mod html;
pub mod markdown;
pub mod svg;
pub mod text;

/// Evidence ids listed inline before the rest are counted (`#1, #2, … (+40 more)`).
pub const EVIDENCE_SHOWN: usize = 8;

/// Evidence ids as text: `#12, #40 … (+3 more)`, or `—` for none.
pub fn evidence_ids(ids: &[u64], max: usize) -> String {
    if ids.is_empty() {
        return "—".to_string();
    }
    let shown: Vec<String> = ids.iter().take(max).map(|i| format!("#{i}")).collect();
    let more = if ids.len() > max { format!(" … (+{} more)", ids.len() - max) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::doc::{Block, Card, Chart, Clock, Document, Figure, Finding, Section, Span, Table, Text};

    /// A document with one of every block, and text that needs escaping in every format.
    pub(crate) fn sample() -> Document {
        let mut s = Section::new("one", "First <section> | pipes");
        s.push(Block::Heading(Text::plain("Sub & heading")));
        s.push(Block::Para(
            Text::plain("At ").with(Span::LocalTime(5400, 120)).then(", rated ").with(Span::Rating("S".into())),
        ));
        s.push(Block::Note(Text::plain("Read this <first>.")));
        s.push(Block::List(vec![Text::code("a|b"), Text::strong("bold")]));
        let mut t = Table::new(&["nation", "#hosts"]);
        t.row(vec![Text::plain("EST"), Text::plain("12")]);
        t.anchored("ev-3".into(), vec![Text::plain("LVA"), Text::plain("0")]);
        t.total(vec![Text::plain("total"), Text::plain("12")]);
        s.push(Block::Table(t.clone()));
        s.push(Block::Cards(vec![Card {
            label: "MTTD".into(),
            value: Text::plain("2h10m"),
            detail: Text::plain("n=3"),
        }]));
        s.push(Block::Figure(Figure {
            caption: "Ratings".into(),
            chart: Chart::StackedBars {
                legend: vec![("P".into(), "#1e7b34".into()), ("U".into(), "#b03a2e".into())],
                rows: vec![("O1".into(), vec![0.75, 0.25])],
                full: 1.0,
            },
            data: t,
            show_data: false,
        }));
        s.push(Block::Findings(vec![Finding { text: Text::plain("Seen late"), evidence: (1..=10).collect() }]));
        s.push(Block::Command("cydex run x.yaml --seed 1 --run-index 4".into()));
        s.push(Block::Group(vec![Block::Para(Text::plain("inside"))]));
        Document {
            kind: "After-Action Report".into(),
            title: "Exercise \"Iron\" <Dawn>".into(),
            tlp: "TLP:AMBER".into(),
            draft: true,
            lead: Text::plain("Lead."),
            facts: vec![("Seed".into(), Text::plain("7"))],
            sections: vec![s],
            appendices: vec![Section::new("ledger", "Ledger")],
            footer: Text::plain("Generated."),
            clock: Some(Clock { startex_unix: 1_778_488_200 }),
        }
    }

    #[test]
    fn markdown_escapes_numbers_sections_and_marks_both_ends() {
        let md = markdown::write(&sample());
        assert!(md.starts_with("**TLP:AMBER**\n"), "{md}");
        assert!(md.trim_end().ends_with("**TLP:AMBER**"), "{md}");
        assert!(md.contains("## 1. First &lt;section&gt; \\| pipes"), "{md}");
        assert!(md.contains("## A. Ledger"), "{md}");
        assert!(md.contains("| nation | hosts |\n| --- | ---: |"), "{md}");
        assert!(md.contains("| **total** | **12** |"), "{md}");
        assert!(md.contains("`a\\|b`"), "{md}");
        assert!(md.contains("At T+01:30, rated **S**"), "{md}");
        assert!(md.contains("(evidence: #1, #2, #3, #4, #5, #6, #7, #8 … (+2 more))"), "{md}");
        assert!(md.contains("**Figure: Ratings**"), "{md}");
    }

    #[test]
    fn text_aligns_tables_and_marks_the_top() {
        let t = text::write(&sample(), false);
        assert!(t.starts_with("TLP:AMBER"), "{t}");
        assert!(t.contains("  nation  hosts\n  EST        12\n"), "{t}");
        assert!(t.contains("  $ cydex run x.yaml --seed 1 --run-index 4"), "{t}");
        assert!(!t.contains('\x1b'), "no colour unless asked");
        assert!(text::write(&sample(), true).contains("\x1b[1m"));
    }

    #[test]
    fn html_escapes_links_evidence_and_repeats_the_marking_in_print() {
        let h = html::write(&sample());
        assert!(h.contains("<title>Exercise &quot;Iron&quot; &lt;Dawn&gt;"), "title escaped");
        assert!(h.contains("First &lt;section&gt; | pipes"));
        assert!(h.contains("<a href=\"#ev-1\">#1</a>"), "evidence links to the timeline");
        assert!(h.contains("<tr id=\"ev-3\"><td>LVA</td>"), "an anchored row carries its id");
        assert!(h.contains("@top-center{content:\"TLP:AMBER\""), "marking on every printed page");
        assert!(h.contains("@bottom-center{content:\"TLP:AMBER\""));
        assert!(h.contains("2026-05-11 12:00 local, 10:00Z"), "wall clock beside T+");
        assert!(h.contains("<span class=\"badge r-s\">S</span>"));
        assert!(h.contains("<svg"), "figure drawn");
        assert_eq!(h.matches("<section").count(), 2);
        assert!(!h.contains("<script src"), "self-contained");
    }

    #[test]
    fn figures_in_a_row_share_a_grid_and_carry_their_numbers_into_print() {
        let mut d = sample();
        let bars = Figure {
            caption: "Shares".into(),
            chart: Chart::StackedBars {
                legend: vec![("P".into(), "#1e7b34".into()), ("S".into(), "#c9a400".into())],
                rows: vec![("O1".into(), vec![0.75, 0.25]), ("O2".into(), vec![0.97, 0.03])],
                full: 1.0,
            },
            data: Table::new(&["x"]),
            show_data: false,
        };
        let hist = Figure {
            caption: "Counts".into(),
            chart: Chart::Histogram { bins: vec![("0 … 1".into(), 17), ("1 … 2".into(), 0)] },
            data: Table::new(&["x"]),
            show_data: false,
        };
        d.sections[0].blocks = vec![Block::Figure(bars), Block::Figure(hist.clone()), Block::Para(Text::plain("x"))];
        d.sections[0].blocks.push(Block::Figure(hist));
        let h = html::write(&d);
        assert_eq!(h.matches("<div class=\"figs\">").count(), 1, "only a run of figures is a grid");
        assert!(h.contains("style=\"fill:#fff\">75%</text>"), "white on dark green");
        assert!(h.contains("style=\"fill:#000\">25%</text>"), "black on yellow");
        assert!(!h.contains(">3%</text>"), "no value on a segment too narrow for it");
        assert_eq!(h.matches("class=\"count\"").count(), 2, "a count over each non-empty bin only");
        assert!(h.contains("text-anchor=\"middle\">17</text>"));
    }

    #[test]
    fn a_command_with_backticks_keeps_its_fence() {
        let mut d = sample();
        d.sections[0].blocks = vec![Block::Command("cydex run --set 'a=```'".into())];
        assert!(markdown::write(&d).contains("````sh\ncydex run --set 'a=```'\n````\n"));
    }

    #[test]
    fn a_hostile_marking_cannot_break_out_of_the_print_css() {
        let mut d = sample();
        d.tlp = "TLP\"}</style><script>alert(1)</script>".into();
        let h = html::write(&d);
        assert!(!h.contains("<script>alert"), "{h}");
        assert!(!h.contains("TLP\"}"), "quote escaped in CSS");
    }
}
