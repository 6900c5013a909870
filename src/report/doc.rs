//! The report document model: every report (a run's AAR/IP, a batch, a comparison) is built once
//! as data — sections of headings, paragraphs, tables, figures and findings with evidence ids —
//! and thin writers (`super::write::{markdown, html, text}`) render it.
//! A value and its wording are decided here, so they cannot differ between formats.

/// A piece of inline text with its role; writers choose how each role looks.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    /// Plain words.
    Plain(String),
    /// Emphasised words (a verdict, a total).
    Strong(String),
    /// An identifier, a command or a file name, shown verbatim.
    Code(String),
    /// A P/S/M/U (or N/A) rating code, shown as a badge.
    Rating(String),
    /// Event ids that support a statement; the HTML links each to the embedded event timeline.
    Evidence(Vec<u64>),
    /// A scenario time in seconds from STARTEX, shown as T+ with UTC beside it when the
    /// document has a [`Clock`].
    Time(u64),
    /// A scenario time in a nation's day: T+ with that nation's local time and UTC beside it when
    /// the document has a [`Clock`]; the offset from UTC is in minutes.
    LocalTime(u64, i32),
    /// A link to another section of the same document (`#id`), or to a file beside it.
    Link {
        /// The words shown.
        text: String,
        /// `#section-id` or a relative file name.
        href: String,
    },
}

/// A run of inline spans: a sentence, a cell, a label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub Vec<Span>);

impl Text {
    /// Plain text.
    pub fn plain(s: impl Into<String>) -> Text {
        Text(vec![Span::Plain(s.into())])
    }

    /// Verbatim text (an id, a command).
    pub fn code(s: impl Into<String>) -> Text {
        Text(vec![Span::Code(s.into())])
    }

    /// Emphasised text.
    pub fn strong(s: impl Into<String>) -> Text {
        Text(vec![Span::Strong(s.into())])
    }

    /// A scenario time.
    pub fn time(secs: u64) -> Text {
        Text(vec![Span::Time(secs)])
    }

    /// Appends plain words.
    pub fn then(mut self, s: impl Into<String>) -> Text {
        self.0.push(Span::Plain(s.into()));
        self
    }

    /// Appends a span.
    pub fn with(mut self, span: Span) -> Text {
        self.0.push(span);
        self
    }

    /// Appends identifiers as verbatim spans separated by commas (`a=1`, `b=2`).
    pub fn codes(mut self, items: &[String]) -> Text {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(Span::Plain(", ".into()));
            }
            self.0.push(Span::Code(item.clone()));
        }
        self
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|s| match s {
            Span::Plain(t) | Span::Strong(t) | Span::Code(t) | Span::Rating(t) => t.is_empty(),
            Span::Evidence(ids) => ids.is_empty(),
            Span::Time(_) | Span::LocalTime(..) | Span::Link { .. } => false,
        })
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::plain(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::plain(s)
    }
}

/// How a table column aligns: words left, numbers right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Words.
    Left,
    /// Numbers, durations, times.
    Right,
}

/// A table: headed columns and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column headings and alignment.
    pub columns: Vec<(String, Align)>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Row>,
}

/// One table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Cells, one per column.
    pub cells: Vec<Text>,
    /// A subtotal or total row, set apart.
    pub total: bool,
    /// An anchor id other parts of the document link to (`ev-12` for event 12 in the timeline).
    pub anchor: Option<String>,
}

impl Table {
    /// A table with these headings; a heading starting with `#` is a numeric (right-aligned)
    /// column, and the `#` is not shown.
    pub fn new(headings: &[&str]) -> Table {
        let columns = headings
            .iter()
            .map(|h| match h.strip_prefix('#') {
                Some(rest) => (rest.to_string(), Align::Right),
                None => (h.to_string(), Align::Left),
            })
            .collect();
        Table { columns, rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Text>) {
        self.rows.push(Row { cells, total: false, anchor: None });
    }

    /// Adds a total row.
    pub fn total(&mut self, cells: Vec<Text>) {
        self.rows.push(Row { cells, total: true, anchor: None });
    }

    /// Adds a row that links can point to as `#anchor`.
    pub fn anchored(&mut self, anchor: String, cells: Vec<Text>) {
        self.rows.push(Row { cells, total: false, anchor: Some(anchor) });
    }
}

/// A headline figure: a label, a value and a line of detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// What is measured (`MTTD`).
    pub label: String,
    /// The value (`2h10m`).
    pub value: Text,
    /// What the value rests on (`n=47, 3 never detected`).
    pub detail: Text,
}

/// A chart. The numbers behind it are always in the figure's data table too, so the text writers
/// print the table and lose nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Horizontal stacked bars: each row is split into segments (shares or points) drawn in the
    /// legend's colours; `full` is the length of a whole bar (1.0 for shares).
    StackedBars {
        /// Segment names and their colours (CSS colours).
        legend: Vec<(String, String)>,
        /// Row label and one value per legend entry.
        rows: Vec<(String, Vec<f64>)>,
        /// The value of a whole bar.
        full: f64,
    },
    /// A histogram: bins (label of the range, count).
    Histogram {
        /// Bin ranges as labels, and counts.
        bins: Vec<(String, u64)>,
    },
    /// Cumulative counts over scenario time as step lines, one small panel per subject (a
    /// nation), all on the same time axis from STARTEX to `end_s`.
    Steps {
        /// Scenario seconds at ENDEX: the right end of every time axis.
        end_s: u64,
        /// The series: name, CSS colour, SVG dash pattern (empty for solid).
        series: Vec<(String, String, String)>,
        /// The panels.
        panels: Vec<Panel>,
    },
    /// One lane per subject over scenario time (STARTEX to `end_s`), each lane a row of bars
    /// coloured by the legend: a service's outages, an assistance request's phases.
    Lanes {
        /// Scenario seconds at ENDEX.
        end_s: u64,
        /// Bar kinds: name and CSS colour.
        legend: Vec<(String, String)>,
        /// The lanes, top to bottom.
        lanes: Vec<Lane>,
    },
    /// One bar per row, split into fixed slots (each as long as its share of the whole); each
    /// slot is filled as far as the row's value for it: what a nation kept of each score category.
    Slots {
        /// Slot names, CSS colours and sizes.
        slots: Vec<(String, String, f64)>,
        /// Row label, one value per slot (at most the slot's size), and the label at the bar's end.
        rows: Vec<(String, Vec<f64>, String)>,
    },
}

/// One panel of a [`Chart::Steps`].
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The subject (a nation).
    pub title: String,
    /// A line beside the title (the counts at ENDEX).
    pub note: String,
    /// Points `(t_s, one value per series)` at each change, in time order.
    pub points: Vec<(u64, Vec<u64>)>,
}

/// One lane of a [`Chart::Lanes`].
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The subject, left of the lane.
    pub label: String,
    /// A value right of the lane (an uptime), or empty.
    pub note: String,
    /// Bars, drawn in order (later over earlier).
    pub bars: Vec<Bar>,
}

/// One bar of a [`Lane`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Start, scenario seconds.
    pub from: u64,
    /// End, scenario seconds.
    pub to: u64,
    /// Index into the chart's legend.
    pub kind: usize,
    /// What the bar stands for, in words (shown on hover).
    pub title: String,
}

/// A figure: a caption, a chart, and the data table behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What the figure shows; also its accessible name.
    pub caption: String,
    /// The picture.
    pub chart: Chart,
    /// The numbers.
    pub data: Table,
    /// The data table is one of the section's own tables, read in every format. Otherwise it is
    /// only the chart's numbers: the HTML keeps it behind a disclosure on screen and leaves it out
    /// in print, where the chart stands for it.
    pub show_data: bool,
}

/// A finding: a statement, the rating it supports if any, and the events it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The statement.
    pub text: Text,
    /// Event ids of the evidence.
    pub evidence: Vec<u64>,
}

/// A block of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A sub-heading inside a section.
    Heading(Text),
    /// A paragraph.
    Para(Text),
    /// A muted remark: how to read what follows, a caveat.
    Note(Text),
    /// A bulleted list.
    List(Vec<Text>),
    /// Label–value pairs (provenance, an objective's facts).
    Facts(Vec<(String, Text)>),
    /// A table.
    Table(Table),
    /// Headline figures.
    Cards(Vec<Card>),
    /// A chart with its data.
    Figure(Figure),
    /// Findings with their evidence.
    Findings(Vec<Finding>),
    /// A command the reader can run, verbatim.
    Command(String),
    /// A framed group (one objective, one case).
    Group(Vec<Block>),
}

/// A numbered section (or a lettered appendix).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor id, unique in the document.
    pub id: String,
    /// Title, without its number.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

impl Section {
    /// An empty section.
    pub fn new(id: &str, title: &str) -> Section {
        Section { id: id.to_string(), title: title.to_string(), blocks: Vec::new() }
    }

    /// Appends a block.
    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }
}

/// Scenario clock: how to turn T+ seconds into wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// STARTEX in seconds since the Unix epoch, UTC.
    pub startex_unix: i64,
}

/// A round step for a time axis or for sampling a run: the smallest of 15 min, 30 min, 1 h, 2 h,
/// 3 h, 6 h, 12 h, 1 d, 2 d, 1 w, 30 d that cuts `end_s` into at most `max_steps` steps.
pub fn time_step(end_s: u64, max_steps: u64) -> u64 {
    const STEPS: [u64; 11] = [900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000];
    STEPS.iter().copied().find(|s| end_s / s <= max_steps.max(1)).unwrap_or(end_s.max(1))
}

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The kind of document (`After-Action Report / Improvement Plan (AAR/IP)`).
    pub kind: String,
    /// The title (the exercise's).
    pub title: String,
    /// The TLP marking, e.g. `TLP:AMBER`; printed at the top and bottom of every page.
    pub tlp: String,
    /// Marked DRAFT (machine-generated; evaluators review before release).
    pub draft: bool,
    /// A paragraph under the title: what this document is and how to read it.
    pub lead: Text,
    /// Provenance shown on the cover.
    pub facts: Vec<(String, Text)>,
    /// Numbered sections.
    pub sections: Vec<Section>,
    /// Lettered appendices (printed after the body; the full ledger, raw keys, the timeline).
    pub appendices: Vec<Section>,
    /// The closing line: generator, provenance.
    pub footer: Text,
    /// Converts scenario times to wall-clock times, when known.
    pub clock: Option<Clock>,
}

impl Document {
    /// The marking as printed: the TLP label, or a plain warning when the scenario has none.
    pub fn marking(&self) -> &str {
        if self.tlp.trim().is_empty() { "TLP: not marked" } else { self.tlp.as_str() }
    }

    /// The same document cut down to the sections whose ids are in `keep`, without appendices:
    /// the terminal summary of a report whose whole form is written to files.
    pub fn only(mut self, keep: &[&str]) -> Document {
        self.sections.retain(|s| keep.contains(&s.id.as_str()));
        self.appendices.clear();
        self
    }

    /// Each section with its printed number (`1`, `2`, … then `A`, `B`, …).
    pub fn numbered(&self) -> impl Iterator<Item = (String, &Section)> {
        let body = self.sections.iter().enumerate().map(|(i, s)| ((i + 1).to_string(), s));
        let appx = self.appendices.iter().enumerate().map(|(i, s)| (appendix_letter(i), s));
        body.chain(appx)
    }
}

/// `A`, `B`, … `Z`, `AA`, …
fn appendix_letter(i: usize) -> String {
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            return s;
        }
        n = n / 26 - 1;
    }
}

/// Civil date and time of `unix` seconds (UTC), as `YYYY-MM-DD HH:MM`.
pub fn civil(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

impl Clock {
    /// Wall-clock time of a scenario time in a zone `utc_offset_min` minutes from UTC:
    /// `2026-05-04 09:30 local, 07:30Z`, the UTC date repeated only when it differs from the
    /// local date; just `2026-05-04 07:30Z` for UTC itself.
    pub fn wall(&self, secs: u64, utc_offset_min: i32) -> String {
        let utc = self.startex_unix.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX / 2));
        let local = civil(utc.saturating_add(i64::from(utc_offset_min) * 60));
        let utc = civil(utc);
        if utc_offset_min == 0 {
            return format!("{utc}Z");
        }
        let utc_shown = if utc[..10] == local[..10] { &utc[11..] } else { utc.as_str() };
        format!("{local} local, {utc_shown}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_by_hand() {
        assert_eq!(civil(0), "1970-01-01 00:00");
        assert_eq!(civil(951_782_400), "2000-02-29 00:00");
        assert_eq!(civil(1_778_488_200), "2026-05-11 08:30");
        assert_eq!(civil(-86_400), "1969-12-31 00:00");
    }

    #[test]
    fn wall_clock_shows_local_and_utc() {
        let c = Clock { startex_unix: 1_778_488_200 };
        assert_eq!(c.wall(0, 120), "2026-05-11 10:30 local, 08:30Z");
        assert_eq!(c.wall(15 * 3600, 120), "2026-05-12 01:30 local, 2026-05-11 23:30Z");
        assert_eq!(c.wall(60, 0), "2026-05-11 08:31Z");
        assert_eq!(c.wall(0, -300), "2026-05-11 03:30 local, 08:30Z");
    }

    #[test]
    fn sections_are_numbered_and_appendices_lettered() {
        assert_eq!(appendix_letter(0), "A");
        assert_eq!(appendix_letter(25), "Z");
        assert_eq!(appendix_letter(26), "AA");
        let mut d = Document {
            kind: String::new(),
            title: String::new(),
            tlp: " ".into(),
            draft: false,
            lead: Text::default(),
            facts: vec![],
            sections: vec![Section::new("a", "One"), Section::new("b", "Two")],
            appendices: vec![Section::new("c", "Ledger")],
            footer: Text::default(),
            clock: None,
        };
        let nums: Vec<String> = d.numbered().map(|(n, _)| n).collect();
        assert_eq!(nums, ["1", "2", "A"]);
        let brief = d.clone().only(&["b"]);
        assert_eq!(brief.numbered().map(|(n, s)| format!("{n} {}", s.id)).collect::<Vec<_>>(), ["1 b"]);
        assert_eq!(d.marking(), "TLP: not marked");
        d.tlp = "TLP:AMBER".into();
        assert_eq!(d.marking(), "TLP:AMBER");
    }

    #[test]
    fn time_steps_are_round_and_few() {
        assert_eq!(time_step(2 * 86_400, 8), 21_600);
        assert_eq!(time_step(3600, 8), 900);
        assert_eq!(time_step(0, 0), 900);
        assert_eq!(time_step(400 * 86_400, 4), 400 * 86_400, "longer than any round step");
    }

    #[test]
    fn codes_are_comma_separated() {
        let t = Text::plain("with ").codes(&["a=1".into(), "b=2".into()]);
        assert_eq!(t.0.len(), 4);
        assert_eq!(t.0[3], Span::Code("b=2".into()));
        assert_eq!(t.0[2], Span::Plain(", ".into()));
    }

    #[test]
    fn text_emptiness() {
        assert!(Text::default().is_empty());
        assert!(Text::plain("").is_empty());
        assert!(!Text::time(0).is_empty());
        assert!(!Text::plain("x").with(Span::Evidence(vec![])).is_empty());
    }
}
