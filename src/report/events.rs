//! Event-log writers: JSON Lines (one `Event` object per line, fields in declaration order) and
//! CSV (a header row plus one row per event, RFC 4180 quoting, CRLF line ends).

use std::borrow::Borrow;
use std::io::{self, Write};

use crate::sim::Event;

/// CSV columns, in `Event` field order.
pub const CSV_HEADER: [&str; 18] = [
    "id",
    "tick",
    "time_s",
    "kind",
    "nation",
    "team",
    "segment",
    "host",
    "campaign",
    "stage",
    "technique",
    "service",
    "provider",
    "inject",
    "incident",
    "cause",
    "value",
    "detail",
];

/// Writes one JSON object per line.
pub fn write_jsonl<W: Write>(events: impl IntoIterator<Item = impl Borrow<Event>>, mut w: W) -> io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut w, e.borrow()).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// Quotes a CSV field when it contains a comma, quote, CR or LF (RFC 4180), doubling quotes. A
/// field a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is
/// prefixed with `'` and quoted, as OWASP advises against CSV injection.
fn field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return format!("\"'{}\"", s.replace('"', "\"\""));
    }
    if s.contains([',', '"', '\r', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// A text field that may be absent.
fn opt<T: AsRef<str>>(v: &Option<T>) -> String {
    v.as_ref().map(|x| field(x.as_ref())).unwrap_or_default()
}

/// A number that may be absent; numbers are never quoted (a negative value is not a formula).
fn num<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Writes a header row and one row per event.
pub fn write_csv<W: Write>(events: impl IntoIterator<Item = impl Borrow<Event>>, mut w: W) -> io::Result<()> {
    w.write_all(CSV_HEADER.join(",").as_bytes())?;
    w.write_all(b"\r\n")?;
    for e in events {
        let e = e.borrow();
        let row = [
            e.id.to_string(),
            e.tick.to_string(),
            e.time_s.to_string(),
            e.kind.as_str().to_string(),
            opt(&e.nation),
            opt(&e.team),
            opt(&e.segment),
            opt(&e.host),
            opt(&e.campaign),
            opt(&e.stage),
            opt(&e.technique),
            opt(&e.service),
            opt(&e.provider),
            opt(&e.inject),
            num(&e.incident),
            num(&e.cause),
            num(&e.value),
            opt(&e.detail),
        ];
        w.write_all(row.join(",").as_bytes())?;
        w.write_all(b"\r\n")?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::EventKind;

    fn event() -> Event {
        Event {
            id: 1,
            tick: 2,
            time_s: 120,
            kind: EventKind::HostCompromised,
            nation: Some("EST".into()),
            team: Some("CERT-EE".into()),
            segment: None,
            host: Some("EST-GOV-WS-0001".into()),
            campaign: Some("CAMP, \"X\"".into()),
            stage: None,
            technique: Some("T1566.001".into()),
            service: None,
            provider: None,
            inject: None,
            incident: None,
            cause: Some(0),
            value: Some(1.5),
            detail: Some("a\nb".into()),
        }
    }

    #[test]
    fn csv_quotes_per_rfc4180() {
        let mut out = Vec::new();
        write_csv(&[event()], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next().unwrap(), CSV_HEADER.join(","));
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("1,2,120,host_compromised,EST,CERT-EE,,EST-GOV-WS-0001,\"CAMP, \"\"X\"\"\",,T1566.001,")
        );
        assert!(text.ends_with(",0,1.5,\"a\nb\"\r\n"));
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        assert_eq!(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        for bad in ["+1", "-1+cmd", "@SUM(A1)", "\tx", "\rx"] {
            assert!(field(bad).starts_with("\"'"), "{bad:?} → {}", field(bad));
        }
        assert_eq!(field("EST-WS-001"), "EST-WS-001");
        assert_eq!(num(&Some(-1.5)), "-1.5");
        let mut out = Vec::new();
        write_csv(&[Event { host: Some("=cmd|' /C calc'!A0".into()), value: Some(-2.0), ..event() }], &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(",\"'=cmd|' /C calc'!A0\","), "{text}");
        assert!(text.contains(",-2,"), "{text}");
    }

    #[test]
    fn jsonl_one_object_per_line_in_field_order() {
        let mut out = Vec::new();
        write_jsonl(&[event(), event()], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(
            text.starts_with("{\"id\":1,\"tick\":2,\"time_s\":120,\"kind\":\"host_compromised\",\"nation\":\"EST\"")
        );
        let back: Event = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(back, event());
    }
}
