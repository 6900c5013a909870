//! Writes a [`Document`] as terminal text: aligned tables with numbers right-aligned, two-space
//! indentation, paragraphs wrapped at 100 columns, and colour (bold headings, dim table heads)
//! only when asked for.

use super::{EVIDENCE_SHOWN, evidence_ids};
use crate::fmt::{terminal_safe as clean, tplus};
use crate::report::doc::{Align, Block, Card, Document, Span, Table, Text};

/// Paragraphs wrap at this many columns.
const WIDTH: usize = 100;

/// Renders `d` as terminal text; `color` adds ANSI bold and dim.
pub fn write(d: &Document, color: bool) -> String {
    let mut o = String::new();
    let mut head = d.marking().to_string();
    if d.draft {
        head.push_str(" · DRAFT");
    }
    o.push_str(&head);
    o.push('\n');
    o.push_str(&heading(&d.title, color));
    if !d.lead.is_empty() {
        o.push_str(&wrap(&text(&d.lead), "  "));
    }
    if !d.facts.is_empty() {
        o.push_str(&facts(&d.facts));
    }
    for (_, s) in d.numbered() {
        o.push('\n');
        o.push_str(&heading(&s.title, color));
        blocks(&mut o, &s.blocks, color);
    }
    if !d.footer.is_empty() {
        o.push('\n');
        o.push_str(&wrap(&text(&d.footer), "  "));
    }
    o
}

/// Inline text, plain.
pub fn text(t: &Text) -> String {
    let mut o = String::new();
    for s in &t.0 {
        match s {
            Span::Plain(x) | Span::Strong(x) | Span::Code(x) | Span::Rating(x) => o.push_str(&clean(x)),
            Span::Evidence(ids) => o.push_str(&evidence_ids(ids, EVIDENCE_SHOWN)),
            Span::Time(secs) | Span::LocalTime(secs, _) => o.push_str(&tplus(*secs)),
            Span::Link { text, .. } => o.push_str(&clean(text)),
        }
    }
    o
}

fn heading(t: &str, color: bool) -> String {
    let t = clean(t);
    if color { format!("\x1b[1m{t}\x1b[0m\n") } else { format!("{t}\n") }
}

fn blocks(o: &mut String, bs: &[Block], color: bool) {
    for b in bs {
        block(o, b, color);
    }
}

fn block(o: &mut String, b: &Block, color: bool) {
    match b {
        Block::Heading(t) => o.push_str(&heading(&format!("  {}", text(t)), color)),
        Block::Para(t) | Block::Note(t) => o.push_str(&wrap(&text(t), "  ")),
        Block::List(items) => {
            for i in items {
                o.push_str(&wrap(&format!("• {}", text(i)), "    ").replacen("    •", "  •", 1));
            }
        }
        Block::Facts(kv) => o.push_str(&facts(kv)),
        Block::Table(t) => o.push_str(&aligned(t, color)),
        Block::Cards(cs) => o.push_str(&cards(cs)),
        Block::Figure(f) => {
            o.push_str(&format!("  {}\n", clean(&f.caption)));
            o.push_str(&aligned(&f.data, color));
        }
        Block::Findings(fs) => {
            for f in fs {
                let ev = if f.evidence.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", evidence_ids(&f.evidence, EVIDENCE_SHOWN))
                };
                o.push_str(&wrap(&format!("• {}{ev}", text(&f.text)), "    ").replacen("    •", "  •", 1));
            }
        }
        Block::Command(c) => o.push_str(&format!("  $ {}\n", clean(c))),
        Block::Group(inner) => blocks(o, inner, color),
    }
}

/// Words wrapped at [`WIDTH`], every line indented by `indent`.
fn wrap(s: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in s.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn facts(kv: &[(String, Text)]) -> String {
    let mut t = Table::new(&["", ""]);
    for (k, v) in kv {
        t.row(vec![Text::plain(k.clone()), v.clone()]);
    }
    headless(&t)
}

fn cards(cs: &[Card]) -> String {
    let mut t = Table::new(&["", "", ""]);
    for c in cs {
        t.row(vec![Text::plain(c.label.clone()), c.value.clone(), c.detail.clone()]);
    }
    headless(&t)
}

/// A table without its (empty) header line.
fn headless(t: &Table) -> String {
    aligned(t, false).lines().skip(1).map(|l| format!("{l}\n")).collect()
}

/// Aligned columns: two-space indentation, two spaces between columns, numeric columns
/// right-aligned, the header dimmed when `color`.
fn aligned(t: &Table, color: bool) -> String {
    let head: Vec<String> = t.columns.iter().map(|(h, _)| clean(h)).collect();
    let rows: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.iter().map(text).collect()).collect();
    let n = head.len();
    let mut width = vec![0usize; n];
    for r in std::iter::once(&head).chain(&rows) {
        for (i, c) in r.iter().enumerate().take(n) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for (ri, r) in std::iter::once(&head).chain(&rows).enumerate() {
        let mut line = String::from("  ");
        for (i, w) in width.iter().enumerate() {
            let c = r.get(i).map_or("", String::as_str);
            let pad = " ".repeat(w - c.chars().count());
            if t.columns[i].1 == Align::Right {
                line.push_str(&pad);
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&pad);
            }
            if i + 1 < n {
                line.push_str("  ");
            }
        }
        let line = line.trim_end();
        if ri == 0 && color {
            out.push_str(&format!("\x1b[2m{line}\x1b[0m\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
