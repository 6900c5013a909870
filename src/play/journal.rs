//! Owns the decision journal: its JSON Lines format, writing it (one flushed line per decision
//! or advance), and reading it back with every problem located by line.
//!
//! ```text
//! {"format":"cydex-journal","version":1,"engine":"cydex 0.1.0","scenario":"…","scenario_sha256":"…","seed":1,"run_index":0,"overrides":[],"seats":["EST"]}
//! {"tick":12,"seat":"EST","action":{"type":"isolate_host","host":"EST-GOV-WS-0003"},"outcome":{"applied":true,"events":[201,202]}}
//! {"clock":18}
//! {"end":576}
//! ```
//!
//! The header names what the run depends on; a replay refuses a journal whose scenario hash,
//! engine or (when given) seed differs, naming the difference. A decision line is a
//! [`Decision`]; `clock` lines record how far the session had run (so a resumed session starts
//! where it stopped); `end` closes a finished session. A journal cut short by a crash is read up
//! to its last whole line.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::results::{Decision, EvaluatorNote, engine_version};
use crate::scenario::Loaded;
use crate::sim::RunConfig;

/// The `format` tag of a journal.
pub const JOURNAL_FORMAT: &str = "cydex-journal";
/// The journal version this build writes and reads.
pub const JOURNAL_VERSION: u32 = 1;
/// Largest journal line read back (a decision is a few hundred bytes).
pub const MAX_LINE: usize = 64 * 1024;

/// A journal's first line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `cydex-journal`.
    pub format: String,
    /// [`JOURNAL_VERSION`].
    pub version: u32,
    /// Engine name and version.
    pub engine: String,
    /// The scenario as named when the session started (a path, or the embedded default).
    pub scenario: String,
    /// SHA-256 of the scenario's bytes.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Run index.
    pub run_index: u64,
    /// `--set` overrides applied.
    #[serde(default)]
    pub overrides: Vec<String>,
    /// Played seats (nation ids).
    pub seats: Vec<String>,
}

impl Header {
    /// The header of a session.
    pub fn new(loaded: &Loaded, overrides: &[String], config: &RunConfig, seats: Vec<String>) -> Self {
        Header {
            format: JOURNAL_FORMAT.into(),
            version: JOURNAL_VERSION,
            engine: engine_version(),
            scenario: loaded.source.name.clone(),
            scenario_sha256: loaded.sha256.clone(),
            seed: config.seed,
            run_index: config.run_index,
            overrides: overrides.to_vec(),
            seats,
        }
    }

    /// Why `loaded` (after the header's overrides) is not the scenario this journal was played
    /// on, or why this build cannot replay it.
    pub fn mismatch(&self, loaded: &Loaded) -> Option<String> {
        if self.engine != engine_version() {
            return Some(format!(
                "the journal was written by {}, this is {}: replay it with that version",
                self.engine,
                engine_version()
            ));
        }
        (self.scenario_sha256 != loaded.sha256).then(|| {
            format!(
                "the scenario differs from the journal's: its SHA-256 is {}, the journal's is {} (scenario `{}`)",
                loaded.sha256, self.scenario_sha256, self.scenario
            )
        })
    }
}

/// A line after the header.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A decision.
    Decision(Decision),
    /// An evaluator's note.
    Note(EvaluatorNote),
    /// The session ran up to this tick (the next one to run).
    Clock {
        /// Next tick.
        tick: u64,
    },
    /// The session finished at ENDEX.
    End {
        /// ENDEX tick.
        tick: u64,
    },
}

impl Line {
    /// The tick the line is stamped with.
    pub fn tick(&self) -> u64 {
        match self {
            Line::Decision(d) => d.tick,
            Line::Note(n) => n.tick,
            Line::Clock { tick } | Line::End { tick } => *tick,
        }
    }

    fn to_json(&self) -> String {
        match self {
            Line::Decision(d) => serde_json::to_string(d).unwrap_or_default(),
            Line::Note(n) => format!("{{\"note\":{}}}", serde_json::to_string(n).unwrap_or_default()),
            Line::Clock { tick } => format!("{{\"clock\":{tick}}}"),
            Line::End { tick } => format!("{{\"end\":{tick}}}"),
        }
    }

    fn parse(text: &str) -> Result<Line, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let obj = value.as_object().ok_or("not a JSON object")?;
        let tick_of =
            |k: &str| obj.get(k).and_then(serde_json::Value::as_u64).ok_or(format!("`{k}` must be a whole number"));
        if let (1, Some(note)) = (obj.len(), obj.get("note")) {
            return serde_json::from_value(note.clone())
                .map(Line::Note)
                .map_err(|e| format!("not an evaluator note: {e}"));
        }
        match (obj.len(), obj.contains_key("clock"), obj.contains_key("end")) {
            (1, true, _) => Ok(Line::Clock { tick: tick_of("clock")? }),
            (1, _, true) => Ok(Line::End { tick: tick_of("end")? }),
            _ => serde_json::from_value(value).map(Line::Decision).map_err(|e| format!("not a decision: {e}")),
        }
    }
}

/// A line after the header, as `docs/protocol.schema.json` describes it ([`Line`] reads and
/// writes it).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum JournalLine {
    /// A decision.
    Decision(Decision),
    /// The session ran up to this tick.
    Clock(ClockLine),
    /// The session finished.
    End(EndLine),
}

/// `{"clock": TICK}`: the session ran up to this tick (the next one to run).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockLine {
    /// Next tick.
    pub clock: u64,
}

/// `{"end": TICK}`: the session finished at ENDEX.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndLine {
    /// ENDEX tick.
    pub end: u64,
}

/// An open journal being written.
pub struct Journal {
    file: File,
}

impl Journal {
    /// Creates a new journal at `path` (which must not exist: never overwritten or followed
    /// through a link) and writes its header.
    pub fn create(path: &Path, header: &Header) -> io::Result<Journal> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        let mut j = Journal { file };
        j.write_raw(&serde_json::to_string(header).map_err(io::Error::other)?)?;
        Ok(j)
    }

    /// Opens an existing journal to continue it (a regular file, not a link).
    pub fn append(path: &Path) -> io::Result<Journal> {
        let meta = std::fs::symlink_metadata(path)?;
        if !meta.file_type().is_file() {
            return Err(io::Error::other(format!("`{}` is not a regular file", path.display())));
        }
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Journal { file })
    }

    /// Appends a line and flushes it to the operating system.
    pub fn write(&mut self, line: &Line) -> io::Result<()> {
        self.write_raw(&line.to_json())
    }

    fn write_raw(&mut self, text: &str) -> io::Result<()> {
        let mut buf = Vec::with_capacity(text.len() + 1);
        buf.extend_from_slice(text.as_bytes());
        buf.push(b'\n');
        self.file.write_all(&buf)?;
        self.file.flush()?;
        self.file.sync_data()
    }
}

/// A journal read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// Header.
    pub header: Header,
    /// The lines after it, with their 1-based line numbers.
    pub lines: Vec<(usize, Line)>,
    /// The file ended in a partial line (a crash mid-write): ignored.
    pub torn_tail: bool,
}

impl Read {
    /// The decisions, in order.
    pub fn decisions(&self) -> impl Iterator<Item = (usize, &Decision)> {
        self.lines.iter().filter_map(|(n, l)| match l {
            Line::Decision(d) => Some((*n, d)),
            _ => None,
        })
    }

    /// How far the session had run: the last clock, end or decision tick.
    pub fn reached(&self) -> u64 {
        self.lines.iter().map(|(_, l)| l.tick()).max().unwrap_or(0)
    }
}

/// Reads a journal's text. Every problem is reported, up to 20, each with its line number.
pub fn parse(text: &str) -> Result<Read, Vec<String>> {
    let torn_tail = !text.is_empty() && !text.ends_with('\n');
    let mut rows = text.split('\n').enumerate().map(|(i, l)| (i + 1, l)).collect::<Vec<_>>();
    if torn_tail || rows.last().is_some_and(|(_, l)| l.is_empty()) {
        rows.pop();
    }
    let mut problems = Vec::new();
    let Some(&(_, first)) = rows.first() else {
        return Err(vec!["line 1: the journal is empty (no header)".into()]);
    };
    let header = match serde_json::from_str::<Header>(first) {
        Ok(h) if h.format != JOURNAL_FORMAT => Err(format!("`format` is `{}`, not `{JOURNAL_FORMAT}`", h.format)),
        Ok(h) if h.version != JOURNAL_VERSION => {
            Err(format!("journal version {} is not supported (this build reads {JOURNAL_VERSION})", h.version))
        }
        Ok(h) => Ok(h),
        Err(e) => Err(format!("not a cydex journal header: {e}")),
    };
    let mut lines = Vec::new();
    for &(n, row) in &rows[1..] {
        if problems.len() >= 20 {
            problems.push("… further problems not listed".into());
            break;
        }
        if row.len() > MAX_LINE {
            problems.push(format!("line {n}: longer than {MAX_LINE} bytes"));
            continue;
        }
        match Line::parse(row) {
            Ok(l) => lines.push((n, l)),
            Err(e) => problems.push(format!("line {n}: {e}")),
        }
    }
    check_order(&lines, &mut problems);
    match header {
        Ok(header) if problems.is_empty() => Ok(Read { header, lines, torn_tail }),
        Ok(_) => Err(problems),
        Err(e) => {
            problems.insert(0, format!("line 1: {e}"));
            Err(problems)
        }
    }
}

/// Ticks never go back, and nothing follows `end`.
fn check_order(lines: &[(usize, Line)], problems: &mut Vec<String>) {
    let mut last = 0;
    let mut ended = false;
    for (n, l) in lines {
        let t = l.tick();
        if ended {
            problems.push(format!("line {n}: a line after `end`"));
        }
        if t < last {
            problems.push(format!("line {n}: tick {t} comes after tick {last}: a journal's ticks never go back"));
        }
        last = last.max(t);
        ended |= matches!(l, Line::End { .. });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"format":"cydex-journal","version":1,"engine":"cydex 0.1.0","scenario":"s.yaml","scenario_sha256":"ab","seed":1,"run_index":0,"overrides":[],"seats":["EST"]}"#;

    #[test]
    fn reads_back_what_it_writes() {
        let d = r#"{"tick":3,"seat":"EST","action":{"type":"isolate_host","host":"G-0001"},"outcome":{"applied":true,"events":[5]}}"#;
        let text = format!("{HEADER}\n{d}\n{{\"clock\":7}}\n{{\"end\":9}}\n");
        let read = parse(&text).unwrap();
        assert_eq!(read.lines.len(), 3);
        assert_eq!(read.reached(), 9);
        assert_eq!(read.lines[0].1.to_json(), d);
        assert!(!read.torn_tail);
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_flagged() {
        let text = format!("{HEADER}\n{{\"clock\":7}}\n{{\"tick\":8,\"se");
        let read = parse(&text).unwrap();
        assert!(read.torn_tail);
        assert_eq!(read.reached(), 7);
    }

    #[test]
    fn every_problem_is_located() {
        let text = format!(
            "{HEADER}\n{{\"clock\":7}}\nnope\n{{\"clock\":3}}\n{{\"tick\":9,\"seat\":\"EST\",\"action\":{{\"type\":\"fly\"}},\"outcome\":{{\"applied\":true}}}}\n"
        );
        let problems = parse(&text).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("line 3: not JSON"), "{problems:?}");
        assert!(problems[1].starts_with("line 5: not a decision"), "{problems:?}");
        assert!(problems[2].contains("line 4: tick 3 comes after tick 7"), "{problems:?}");
    }

    #[test]
    fn a_foreign_header_is_refused() {
        let problems = parse("{\"format\":\"x\"}\n").unwrap_err();
        assert!(problems[0].starts_with("line 1: not a cydex journal header"), "{problems:?}");
        let problems = parse("").unwrap_err();
        assert!(problems[0].contains("empty"), "{problems:?}");
    }
}
