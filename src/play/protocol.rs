//! Owns the session protocol: JSON Lines requests on a reader, exactly one JSON line in answer to
//! each on a writer (`docs/protocol.md` documents it, `docs/protocol.schema.json` is its schema).
//!
//! Requests: `hello`, `observe`, `act`, `advance`, `status`, `end`; an optional `id` is echoed.
//! Errors are responses (`"ok": false` with a code, a message and a hint) and the session goes
//! on; a refused action is not an error (`"ok": true`, its outcome says why). Only `end`, the end
//! of input, or a journal that cannot be written stops the loop.

use std::io::{BufRead, Write};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Session;
use crate::results::RunResults;
use crate::sim::EventStream;
use crate::sim::actions::{Action, Seat};

/// The protocol version: `hello` reports it; a change that breaks a client bumps it.
pub const PROTOCOL_VERSION: u32 = 1;
/// Longest request line read (longer ones are answered with `too_long` and skipped).
pub const MAX_REQUEST: usize = 256 * 1024;
/// Most ticks one `advance` runs.
pub const MAX_ADVANCE: u64 = 1_000_000;

/// One request (the `op` field selects the variant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// The session's description: protocol version, seats, action schema.
    Hello,
    /// What a seat sees now.
    Observe {
        /// `EXCON` or a nation (or team) id.
        seat: String,
    },
    /// A decision, applied at the current tick boundary.
    Act {
        /// Who acts.
        seat: String,
        /// What (see the action schema).
        action: Action,
    },
    /// Run ticks: `ticks` of them, or until something needs `until`'s attention (at most
    /// `ticks`, default 1 day of ticks).
    Advance {
        /// Ticks to run (or the most to run with `until`).
        #[serde(default)]
        ticks: Option<u64>,
        /// A seat: stop when its view gets a new incident, inject, message or finished work.
        #[serde(default)]
        until: Option<String>,
    },
    /// Where the session is.
    Status,
    /// Finish: `at: "endex"` (default) runs the rest with doctrine; `"now"` ends the exercise at
    /// this tick (an EXCON `end_exercise`, journaled).
    End {
        /// `endex` or `now`.
        #[serde(default)]
        at: Option<EndAt>,
    },
}

/// When `end` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndAt {
    /// Run to ENDEX.
    Endex,
    /// ENDEX now.
    Now,
}

/// What the session does at `end` with the results: write them (the CLI's job). Returns the files
/// written, or a message.
pub type Finish<'a> = Box<dyn FnOnce(&RunResults, &EventStream) -> Result<Vec<String>, String> + 'a>;

struct Failure {
    code: &'static str,
    message: String,
    hint: &'static str,
}

fn failure(code: &'static str, message: impl Into<String>, hint: &'static str) -> Failure {
    Failure { code, message: message.into(), hint }
}

/// How the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// `end` was answered.
    Ended,
    /// Input ended first (the journal can resume the session).
    InputClosed,
    /// The journal could not be written (the message says why).
    JournalFailed(String),
}

/// Serves requests from `input` until `end` or the end of input.
pub fn serve(
    mut session: Session,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    finish: Finish,
) -> std::io::Result<Ending> {
    let mut finish = Some(finish);
    loop {
        let line = match read_request(input)? {
            None => return Ok(Ending::InputClosed),
            Some(Err(len)) => {
                let f = failure(
                    "too_long",
                    format!("a request of {len} bytes is over the {MAX_REQUEST}-byte limit"),
                    "send one JSON object per line",
                );
                respond(output, &Value::Null, Err(f))?;
                continue;
            }
            Some(Ok(l)) => l,
        };
        if line.trim().is_empty() {
            continue;
        }
        let (id, request) = parse(&line);
        let request = match request {
            Ok(r) => r,
            Err(f) => {
                respond(output, &id, Err(f))?;
                continue;
            }
        };
        if let Request::End { at } = request {
            let (reply, ending) = end(session, at, finish.take());
            respond(output, &id, reply)?;
            return Ok(ending);
        }
        match handle(&mut session, request) {
            Ok(v) => respond(output, &id, Ok(v))?,
            Err(f) if f.code == "journal" => {
                let message = f.message.clone();
                respond(output, &id, Err(f))?;
                return Ok(Ending::JournalFailed(message));
            }
            Err(f) => respond(output, &id, Err(f))?,
        }
    }
}

/// One line, at most [`MAX_REQUEST`] bytes: `None` at the end of input, `Err(len)` for a line
/// over the limit (read to its end and dropped).
fn read_request(input: &mut dyn BufRead) -> std::io::Result<Option<Result<String, usize>>> {
    let mut buf = Vec::new();
    let mut total = 0usize;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(if total == 0 { None } else { Some(finish_line(buf, total)) });
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if buf.len() < MAX_REQUEST {
            buf.extend_from_slice(&chunk[..take.min(MAX_REQUEST + 1 - buf.len())]);
        }
        total += take;
        input.consume(take);
        if done {
            return Ok(Some(finish_line(buf, total)));
        }
    }
}

fn finish_line(buf: Vec<u8>, total: usize) -> Result<String, usize> {
    if total > MAX_REQUEST {
        return Err(total);
    }
    Ok(String::from_utf8_lossy(&buf).trim_end_matches(['\n', '\r']).to_string())
}

fn parse(line: &str) -> (Value, Result<Request, Failure>) {
    let mut value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return (Value::Null, Err(failure("bad_json", format!("not JSON: {e}"), "send one JSON object per line")));
        }
    };
    let id = value.as_object_mut().and_then(|o| o.remove("id")).unwrap_or(Value::Null);
    let request = serde_json::from_value::<Request>(value).map_err(|e| {
        failure(
            "bad_request",
            e.to_string(),
            "see docs/protocol.md: `op` is one of hello, observe, act, advance, status, end",
        )
    });
    (id, request)
}

fn respond(output: &mut dyn Write, id: &Value, reply: Result<Value, Failure>) -> std::io::Result<()> {
    let mut line = match reply {
        Ok(result) => json!({ "ok": true, "result": result }),
        Err(f) => json!({ "ok": false, "error": { "code": f.code, "message": f.message, "hint": f.hint } }),
    };
    if !id.is_null() {
        line["id"] = id.clone();
    }
    let mut text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
    text.push('\n');
    output.write_all(text.as_bytes())?;
    output.flush()
}

fn seat(session: &Session, name: &str) -> Result<Seat, Failure> {
    session.seat(name).map_err(|e| failure("unknown_seat", e.0, "`hello` lists the seats"))
}

fn journal_failed(e: std::io::Error) -> Failure {
    failure(
        "journal",
        format!("the journal could not be written: {e}"),
        "the session stops; resume it from its journal once the disk is fixed",
    )
}

fn handle(session: &mut Session, request: Request) -> Result<Value, Failure> {
    match request {
        Request::Hello => Ok(hello(session)),
        Request::Observe { seat: name } => {
            let s = seat(session, &name)?;
            let mine: Vec<_> =
                session.decisions().iter().filter(|d| s == Seat::Excon || d.seat == session.seat_name(s)).collect();
            Ok(json!({ "seat": session.seat_name(s), "view": session.view(s), "decisions": mine }))
        }
        Request::Act { seat: name, action } => {
            let s = seat(session, &name)?;
            let tick = session.tick();
            let outcome = session.act(s, action).map_err(journal_failed)?;
            Ok(json!({ "tick": tick, "outcome": outcome }))
        }
        Request::Advance { ticks, until } => advance(session, ticks, until),
        Request::Status => Ok(status(session)),
        Request::End { .. } => Err(failure("bad_request", "`end` is handled by the loop", "")),
    }
}

fn advance(session: &mut Session, ticks: Option<u64>, until: Option<String>) -> Result<Value, Failure> {
    if session.ended() {
        return Err(failure(
            "ended",
            "the exercise is at ENDEX: nothing more to run",
            "send `end` to finish and get the results",
        ));
    }
    let ticks = ticks.unwrap_or(match until {
        Some(_) => (86_400 / session.loaded().scenario.clock.tick.secs().max(1)).max(1),
        None => 1,
    });
    if ticks == 0 || ticks > MAX_ADVANCE {
        return Err(failure("bad_request", format!("`ticks` must be 1 to {MAX_ADVANCE}"), "advance in smaller steps"));
    }
    let ran = match until {
        Some(name) => {
            let s = seat(session, &name)?;
            session.advance_until(s, ticks)
        }
        None => session.advance(ticks),
    }
    .map_err(journal_failed)?;
    Ok(json!({ "ran": ran, "tick": session.tick(), "ended": session.ended() }))
}

fn hello(session: &Session) -> Value {
    let s = &session.loaded().scenario;
    let played = session.played_names();
    let mut seats = vec![json!({ "seat": "EXCON", "played": true })];
    seats
        .extend(s.nations.iter().map(|n| json!({ "seat": n.id, "team": n.team.id, "played": played.contains(&n.id) })));
    json!({
        "protocol": PROTOCOL_VERSION,
        "engine": crate::results::engine_version(),
        "scenario": session.loaded().source.name,
        "scenario_sha256": session.loaded().sha256,
        "exercise_id": s.exercise.id,
        "seed": session.header().seed,
        "run_index": session.header().run_index,
        "tick": session.tick(),
        "endex_tick": session.endex(),
        "tick_secs": s.clock.tick.secs(),
        "seats": seats,
        "action_schema": schemars::schema_for!(Action),
    })
}

fn status(session: &Session) -> Value {
    let tick_secs = session.loaded().scenario.clock.tick.secs();
    json!({
        "tick": session.tick(),
        "time_s": session.tick() * tick_secs,
        "endex_tick": session.endex(),
        "ended": session.ended(),
        "decisions": session.decisions().len(),
        "played": session.played_names(),
    })
}

fn end(mut session: Session, at: Option<EndAt>, finish: Option<Finish>) -> (Result<Value, Failure>, Ending) {
    if at == Some(EndAt::Now)
        && !session.ended()
        && let Err(e) = session.act(Seat::Excon, Action::EndExercise)
    {
        let f = journal_failed(e);
        let m = f.message.clone();
        return (Err(f), Ending::JournalFailed(m));
    }
    let (results, events) = match session.finish() {
        Ok(x) => x,
        Err(e) => {
            let f = journal_failed(e);
            let m = f.message.clone();
            return (Err(f), Ending::JournalFailed(m));
        }
    };
    let written = match finish.map(|f| f(&results, &events)) {
        Some(Err(message)) => return (Err(failure("output", message, "check the --out directory")), Ending::Ended),
        Some(Ok(files)) => files,
        None => Vec::new(),
    };
    let ratings: serde_json::Map<String, Value> =
        results.assessment.ratings.iter().map(|r| (r.id.clone(), json!(r.rating))).collect();
    let reply = json!({
        "tick": results.summary.ticks_run,
        "alliance_score": results.assessment.scores.alliance,
        "ratings": ratings,
        "decisions": results.decisions.len(),
        "written": written,
    });
    (Ok(reply), Ending::Ended)
}
