//! Event-log writers: JSON Lines (one `Event` object per line, fields in declaration order) and
//! CSV (a header row plus one row per event, RFC 4180 quoting, CRLF line ends).

use std::io::{self, Write};

use crate::sim::{Event, EventRef, EventStream};

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

/// Events to write: a run's log, borrowed one event at a time, or events already rendered.
pub trait EventSource {
    /// Calls `f` on every event in id order, stopping at its first error.
    fn try_each(&self, f: &mut dyn FnMut(&EventRef<'_>) -> io::Result<()>) -> io::Result<()>;
}

impl EventSource for EventStream {
    fn try_each(&self, f: &mut dyn FnMut(&EventRef<'_>) -> io::Result<()>) -> io::Result<()> {
        self.try_for_each(f)
    }
}

impl EventSource for [Event] {
    fn try_each(&self, f: &mut dyn FnMut(&EventRef<'_>) -> io::Result<()>) -> io::Result<()> {
        self.iter().try_for_each(|e| f(&e.borrowed()))
    }
}

/// Writes one JSON object per line: what `serde_json` writes for an [`Event`] (a test holds
/// them equal), with the keys written as they are rather than escaped anew for every event.
pub fn write_jsonl<W: Write>(events: &(impl EventSource + ?Sized), mut w: W) -> io::Result<()> {
    events.try_each(&mut |e| put_json_row(&mut w, e))?;
    w.flush()
}

/// Writes one event's JSON object, newline included.
fn put_json_row<W: Write>(w: &mut W, e: &EventRef<'_>) -> io::Result<()> {
    for (key, n) in [(&b"{\"id\":"[..], e.id), (b",\"tick\":", e.tick), (b",\"time_s\":", e.time_s)] {
        w.write_all(key)?;
        put_u64(w, n)?;
    }
    w.write_all(b",\"kind\":")?;
    // The kind's name and the value (`null` when not finite) exactly as `serde_json` writes them.
    serde_json::to_writer(&mut *w, &e.kind).map_err(io::Error::other)?;
    let texts = [
        (&b",\"nation\":"[..], e.nation),
        (b",\"team\":", e.team),
        (b",\"segment\":", e.segment),
        (b",\"host\":", e.host),
        (b",\"campaign\":", e.campaign),
        (b",\"stage\":", e.stage),
        (b",\"technique\":", e.technique),
        (b",\"service\":", e.service),
        (b",\"provider\":", e.provider),
        (b",\"inject\":", e.inject),
    ];
    for (key, v) in texts {
        w.write_all(key)?;
        put_json_str(w, v)?;
    }
    for (key, v) in [(&b",\"incident\":"[..], e.incident), (b",\"cause\":", e.cause)] {
        w.write_all(key)?;
        match v {
            Some(n) => put_u64(w, n)?,
            None => w.write_all(b"null")?,
        }
    }
    w.write_all(b",\"value\":")?;
    serde_json::to_writer(&mut *w, &e.value).map_err(io::Error::other)?;
    w.write_all(b",\"detail\":")?;
    put_json_str(w, e.detail)?;
    w.write_all(b"}\n")
}

/// A JSON string or `null`. A string with nothing to escape (no control character, quote or
/// backslash: every id and host name) is written as it is; any other goes through `serde_json`.
fn put_json_str<W: Write>(w: &mut W, v: Option<&str>) -> io::Result<()> {
    match v {
        None => w.write_all(b"null"),
        Some(s) if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') => {
            w.write_all(b"\"")?;
            w.write_all(s.as_bytes())?;
            w.write_all(b"\"")
        }
        Some(s) => serde_json::to_writer(w, s).map_err(io::Error::other),
    }
}

/// Writes `s` as a CSV field: quoted when it contains a comma, quote, CR or LF (RFC 4180), quotes
/// doubled. A field a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
/// CR) is prefixed with `'` and quoted, as OWASP advises against CSV injection.
fn put_field<W: Write>(w: &mut W, s: &str) -> io::Result<()> {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !formula && !s.contains([',', '"', '\r', '\n']) {
        return w.write_all(s.as_bytes());
    }
    w.write_all(if formula { b"\"'" } else { b"\"" })?;
    for (i, part) in s.split('"').enumerate() {
        if i > 0 {
            w.write_all(b"\"\"")?;
        }
        w.write_all(part.as_bytes())?;
    }
    w.write_all(b"\"")
}

/// A number as `to_string` spells it.
fn put_u64<W: Write>(w: &mut W, n: u64) -> io::Result<()> {
    w.write_all(crate::fmt::digits(n, &mut [0; 20]))
}

/// A value that may be absent; numbers are never quoted (a negative value is not a formula).
fn put_num<W: Write>(w: &mut W, v: Option<f64>) -> io::Result<()> {
    match v {
        Some(v) => write!(w, "{v}"),
        None => Ok(()),
    }
}

/// Writes one event's CSV row, CRLF included.
fn put_row<W: Write>(w: &mut W, e: &EventRef<'_>) -> io::Result<()> {
    for n in [e.id, e.tick, e.time_s] {
        put_u64(w, n)?;
        w.write_all(b",")?;
    }
    w.write_all(e.kind.as_str().as_bytes())?;
    let texts = [e.nation, e.team, e.segment, e.host, e.campaign, e.stage, e.technique];
    for t in texts.into_iter().chain([e.service, e.provider, e.inject]) {
        w.write_all(b",")?;
        t.map_or(Ok(()), |t| put_field(w, t))?;
    }
    for n in [e.incident, e.cause] {
        w.write_all(b",")?;
        n.map_or(Ok(()), |n| put_u64(w, n))?;
    }
    w.write_all(b",")?;
    put_num(w, e.value)?;
    w.write_all(b",")?;
    e.detail.map_or(Ok(()), |t| put_field(w, t))?;
    w.write_all(b"\r\n")
}

/// Writes a header row and one row per event.
pub fn write_csv<W: Write>(events: &(impl EventSource + ?Sized), mut w: W) -> io::Result<()> {
    w.write_all(CSV_HEADER.join(",").as_bytes())?;
    w.write_all(b"\r\n")?;
    events.try_each(&mut |e| put_row(&mut w, e))?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::EventKind;
    use proptest::prelude::*;

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
        write_csv([event()].as_slice(), &mut out).unwrap();
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
        let field = |s: &str| {
            let mut out = Vec::new();
            put_field(&mut out, s).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        for bad in ["+1", "-1+cmd", "@SUM(A1)", "\tx", "\rx"] {
            assert!(field(bad).starts_with("\"'"), "{bad:?} → {}", field(bad));
        }
        assert_eq!(field("EST-WS-001"), "EST-WS-001");
        let mut out = Vec::new();
        put_num(&mut out, Some(-1.5)).unwrap();
        assert_eq!(out, b"-1.5");
        let mut out = Vec::new();
        write_csv(
            [Event { host: Some("=cmd|' /C calc'!A0".into()), value: Some(-2.0), ..event() }].as_slice(),
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(",\"'=cmd|' /C calc'!A0\","), "{text}");
        assert!(text.contains(",-2,"), "{text}");
    }

    #[test]
    fn jsonl_one_object_per_line_in_field_order() {
        let mut out = Vec::new();
        write_jsonl([event(), event()].as_slice(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(
            text.starts_with("{\"id\":1,\"tick\":2,\"time_s\":120,\"kind\":\"host_compromised\",\"nation\":\"EST\"")
        );
        let back: Event = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(back, event());
    }

    /// The writers as they were before they streamed borrowed events (every field an owned
    /// `String`, each row joined): the oracle the streaming writers must match byte for byte.
    mod oracle {
        use super::*;

        fn field(s: &str) -> String {
            if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                return format!("\"'{}\"", s.replace('"', "\"\""));
            }
            if s.contains([',', '"', '\r', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
        }

        fn opt(v: &Option<String>) -> String {
            v.as_ref().map(|x| field(x)).unwrap_or_default()
        }

        fn num<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(ToString::to_string).unwrap_or_default()
        }

        pub fn csv_row(e: &Event) -> String {
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
            row.join(",") + "\r\n"
        }
    }

    fn text() -> impl Strategy<Value = Option<String>> {
        // Plain ids and the characters the writers treat specially, unicode and control ones too.
        proptest::option::of(prop_oneof![
            "[A-Z0-9-]{1,12}",
            "[=+@,\"\\\\\r\n\t a-zé\u{1}\u{1f}\u{7f}-]{0,10}",
            ".{0,8}"
        ])
    }

    proptest::proptest! {
        #[test]
        fn the_streaming_writers_match_the_owned_event_writers_byte_for_byte(
            (id, tick, value) in (1u64..u64::MAX, 0u64..1_000_000, proptest::option::of(prop_oneof![-1e12f64..1e12, Just(f64::NAN), Just(f64::INFINITY), Just(-0.0)])),
            (nation, host, campaign, detail) in (text(), text(), text(), text()),
            (incident, cause) in (proptest::option::of(0u64..u64::MAX), proptest::option::of(0u64..10)),
        ) {
            let e = Event { id, tick, time_s: tick * 60, nation, host, campaign, detail, incident, cause, value, ..event() };
            let mut csv = Vec::new();
            put_row(&mut csv, &e.borrowed()).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(csv).unwrap(), oracle::csv_row(&e));
            let mut jsonl = Vec::new();
            write_jsonl([e.clone()].as_slice(), &mut jsonl).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(jsonl).unwrap(), serde_json::to_string(&e).unwrap() + "\n");
        }
    }
}
