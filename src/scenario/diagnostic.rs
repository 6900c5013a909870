//! Diagnostics: one located, explained problem in a scenario file, and how it is rendered for
//! people (source snippet with a label, via miette) and for tools (JSON).

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan, SpanContents};
use serde::Serialize;

pub use super::validate::Severity;
use super::yaml::Pos;

/// The text of a scenario file, shared by all of its diagnostics.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Display name: the path as given, or `<embedded default>`.
    pub name: String,
    /// The text (empty when the file could not be read or decoded).
    pub text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl SourceText {
    /// Wraps `text` named `name`.
    pub fn new(name: &str, text: &str) -> SourceText {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceText { name: name.to_string(), text: Arc::from(quotable(text)), line_starts: Arc::from(starts) }
    }

    /// Byte offset of a position (1-based line, 0-based character column).
    pub fn offset(&self, p: Pos) -> usize {
        let line = (p.line as usize).saturating_sub(1).min(self.line_starts.len().saturating_sub(1));
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let rest = &self.text[start..];
        rest.char_indices().nth(p.col as usize).map(|(i, _)| start + i).unwrap_or(self.text.len()).min(self.text.len())
    }
}

/// The file's text as quoted in snippets: control characters (escape sequences, carriage returns)
/// and bidi controls are replaced by characters of the same UTF-8 length (a space, `·`, `�`), so a
/// hostile file cannot drive the terminal or reverse a line, while every byte offset and
/// character column stays where the parser put it.
fn quotable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() && c.len_utf8() == 1 => ' ',
            c if c.is_control() => '·',
            c if crate::fmt::is_bidi_control(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Words for a terminal: control and bidi characters from the file (in a key, a value, a file
/// name) never reach it; line breaks are kept.
fn safe(s: &str) -> String {
    s.lines().map(crate::fmt::terminal_safe).collect::<Vec<_>>().join("\n")
}

/// Where in the file a diagnostic points: the whole offending text, from its first character to
/// just past its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column of the first character, counted in characters (Unicode scalar values).
    pub column: u32,
    /// 1-based line of the last character.
    pub end_line: u32,
    /// 1-based column just past the last character (exclusive), in characters: a one-line span
    /// covers `column..end_column`.
    pub end_column: u32,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes of the text marked in a snippet (at most the rest of the first line).
    pub len: usize,
    /// Whether the source line is short enough to quote in a snippet.
    pub quotable: bool,
}

/// A position in a diagnostic's JSON form.
#[derive(Serialize)]
struct JsonPos {
    line: u32,
    column: u32,
}

/// Longest source line quoted in a snippet; longer lines (minified or hostile input) are not shown.
const MAX_QUOTED_LINE: usize = 400;

/// One problem found in a scenario file.
///
/// Serializes as the documented JSON of `cydex validate --format json` (docs/scenario-format.md
/// §14.3): `severity`, `code`, `message`, `hint`, `path`, `start` and `end`, the last two
/// `{ "line", "column" }` (1-based; `end` just past the last character) or `null` for a problem
/// about the file as a whole.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Short stable code, e.g. `unknown-key`.
    pub code: &'static str,
    /// One-line message.
    pub message: String,
    /// YAML path of the offending value, e.g. `nations[0].team.analysts`.
    pub path: String,
    /// Where in the file, if known.
    pub location: Option<Location>,
    /// Label under the source snippet.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
    source: Option<SourceText>,
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let start = self.location.map(|l| JsonPos { line: l.line, column: l.column });
        let end = self.location.map(|l| JsonPos { line: l.end_line, column: l.end_column });
        let mut st = ser.serialize_struct("Diagnostic", 7)?;
        st.serialize_field("severity", severity_name(self.severity))?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("hint", &self.help)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("start", &start)?;
        st.serialize_field("end", &end)?;
        st.end()
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

impl Diagnostic {
    /// A diagnostic at `span_start..span_end` of `source` (or unlocated when `at` is `None`).
    #[allow(clippy::too_many_arguments, reason = "a plain constructor for a plain record")]
    pub fn new(
        severity: Severity,
        code: &'static str,
        message: String,
        path: String,
        source: &SourceText,
        at: Option<(Pos, Pos)>,
        label: String,
        help: Option<String>,
    ) -> Diagnostic {
        let location = at.map(|(start, end)| {
            let offset = source.offset(start);
            let end_offset = source.offset(end).max(offset);
            let end = if end_offset == offset { start } else { end };
            // Mark at most the rest of the first line.
            let line_end = source.text[offset..].find('\n').map_or(source.text.len(), |i| offset + i);
            let line_start = source.text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let quotable = line_end - line_start <= MAX_QUOTED_LINE;
            Location {
                line: start.line,
                column: start.col + 1,
                end_line: end.line,
                end_column: end.col + 1,
                offset,
                len: end_offset.min(line_end) - offset,
                quotable,
            }
        });
        Diagnostic { severity, code, message, path, location, label, help, source: Some(source.clone()) }
    }

    /// A diagnostic about the file as a whole (unreadable, too large …).
    pub fn file_level(code: &'static str, name: &str, message: String, help: Option<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message,
            path: String::new(),
            location: None,
            label: String::new(),
            help,
            source: Some(SourceText::new(name, "")),
        }
    }

    /// The file name this diagnostic is about.
    pub fn file(&self) -> &str {
        self.source.as_ref().map_or("", |s| s.name.as_str())
    }

    /// `file:line:column`, or just the file.
    pub fn place(&self) -> String {
        match self.location {
            Some(l) => format!("{}:{}:{}", self.file(), l.line, l.column),
            None => self.file().to_string(),
        }
    }

    /// Renders the diagnostic for a person: a header with `file:line:column`, a source snippet with
    /// the offending text marked and labelled, and the hint.
    pub fn render(&self, color: bool) -> String {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_context_lines(1).with_links(false);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = format!("{}: {}\n", safe(&self.place()), safe(&self.message));
        }
        format!("{}[{}]: {}\n{}", severity_name(self.severity), self.code, safe(&self.place()), out)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&safe(&self.message))
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        None
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(safe(h)) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.location.filter(|l| l.quotable).map(|_| self as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let l = self.location.filter(|l| l.quotable)?;
        let label = (!self.label.is_empty()).then(|| safe(&self.label));
        Some(Box::new(std::iter::once(LabeledSpan::new(label, l.offset, l.len.max(1)))))
    }
}

impl SourceCode for Diagnostic {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let source = self.source.as_ref().ok_or(MietteError::OutOfBounds)?;
        let inner = source.text.as_ref().read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            source.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}
