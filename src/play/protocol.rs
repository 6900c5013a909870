//! Owns the session protocol: JSON Lines requests on a reader, exactly one JSON line in answer to
//! each on a writer (`docs/protocol.md` documents it, `docs/protocol.schema.json` is its schema).
//!
//! Requests: `hello`, `observe`, `act`, `advance`, `status`, `end`; an optional `id` is echoed.
//! Errors are responses (`"ok": false` with a code, a message and a hint) and the session goes
//! on; a refused action is not an error (`"ok": true`, its outcome says why). Only `end`, the end
//! of input, or a journal that cannot be written stops the loop.

use std::io::{BufRead, Write};

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Session;
use super::journal::{Header, JournalLine};
use crate::results::{Decision, RunResults};
use crate::scenario::model::Criticality;
use crate::score::ratings::Rating;
use crate::sim::EventStream;
use crate::sim::actions::{Action, Outcome, Seat};
use crate::sim::view::View;

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
    // `{}`, not a unit variant: serde lets a unit variant of an internally tagged enum take
    // unknown fields; a struct variant refuses them.
    Hello {},
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
    Status {},
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

/// One response line: a result, or an error. Keys are written in alphabetical order, at every
/// level; clients must not depend on their order.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Response {
    /// The request was carried out (a refused action is carried out: its outcome says why).
    Ok(Success),
    /// The request was not carried out; the session goes on (unless the code is `journal`).
    Err(Failure),
}

/// A successful response.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Success {
    /// Always `true`.
    #[schemars(extend("const" = true))]
    pub ok: bool,
    /// What the request returns (its shape depends on the request's `op`).
    pub result: Reply,
    /// The request's `id`, echoed (absent when the request had none, or `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
}

/// A failed request.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// Always `false`.
    #[schemars(extend("const" = false))]
    pub ok: bool,
    /// What went wrong.
    pub error: ErrorBody,
    /// The request's `id`, echoed (absent when it had none, or could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
}

/// What went wrong, and what to do about it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// A stable code a program can act on.
    pub code: ErrorCode,
    /// What went wrong, for a human.
    pub message: String,
    /// What to do about it (may be empty).
    pub hint: String,
}

/// Error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The line is not JSON.
    BadJson,
    /// JSON, but not a request: unknown `op`, unknown or missing fields, a bad value.
    BadRequest,
    /// The line is longer than `MAX_REQUEST` bytes (it was skipped).
    TooLong,
    /// The seat is neither `EXCON` nor a nation or team of the scenario.
    UnknownSeat,
    /// `advance` after ENDEX.
    Ended,
    /// The journal could not be written: the session stops after this response.
    Journal,
    /// `end` could not write the outputs into `--out`.
    Output,
}

/// The result of a successful request, by `op`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Reply {
    /// `hello`.
    Hello(Box<Hello>),
    /// `observe`.
    Observe(Box<ObserveResult>),
    /// `act`.
    Act(ActResult),
    /// `advance`.
    Advance(AdvanceResult),
    /// `status`.
    Status(StatusResult),
    /// `end`.
    End(EndResult),
}

/// `hello`: the session's description.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Hello {
    /// The protocol version (`PROTOCOL_VERSION`).
    pub protocol: u32,
    /// Engine name and version.
    pub engine: String,
    /// The scenario as named (a path, or the embedded default).
    pub scenario: String,
    /// SHA-256 of the scenario's bytes.
    pub scenario_sha256: String,
    /// The exercise id.
    pub exercise_id: String,
    /// Master seed.
    pub seed: u64,
    /// Run index.
    pub run_index: u64,
    /// The next tick to run.
    pub tick: u64,
    /// ENDEX tick (ticks in the exercise).
    pub endex_tick: u64,
    /// Scenario seconds per tick.
    pub tick_secs: u64,
    /// `EXCON` first, then every nation in scenario order.
    pub seats: Vec<SeatInfo>,
    /// Assistance providers' ids (what `request_assistance` names).
    pub providers: Vec<String>,
    /// Every host group, for policies (a host is named `GROUP-NNNN`).
    pub groups: Vec<GroupInfo>,
    /// The JSON Schema of an `act` request's `action`.
    pub action_schema: Schema,
}

/// A seat of the session.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SeatInfo {
    /// `EXCON` or a nation id.
    pub seat: String,
    /// The nation's team id (absent for EXCON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Played through the protocol (EXCON always is; other nations play their doctrine).
    pub played: bool,
}

/// A host group of the scenario.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GroupInfo {
    /// Group id.
    pub id: String,
    /// Its nation.
    pub nation: String,
    /// Its segment.
    pub segment: String,
    /// Its criticality.
    pub criticality: Criticality,
}

/// `observe`: what a seat sees.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ObserveResult {
    /// The seat (`EXCON` or the nation id).
    pub seat: String,
    /// Its view (fog of war: a team sees only what it could know).
    pub view: View,
    /// The seat's decisions so far (EXCON: everyone's).
    pub decisions: Vec<Decision>,
}

/// `act`: what became of the decision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ActResult {
    /// The tick boundary it was applied at (the next tick to run).
    pub tick: u64,
    /// Applied or refused, with a note and its events.
    pub outcome: Outcome,
}

/// `advance`: how far the session ran.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AdvanceResult {
    /// Ticks run.
    pub ran: u64,
    /// The next tick to run.
    pub tick: u64,
    /// ENDEX reached.
    pub ended: bool,
}

/// `status`: where the session is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatusResult {
    /// The next tick to run.
    pub tick: u64,
    /// Scenario seconds since STARTEX at that tick.
    pub time_s: u64,
    /// ENDEX tick.
    pub endex_tick: u64,
    /// ENDEX reached.
    pub ended: bool,
    /// Decisions taken so far (every seat).
    pub decisions: usize,
    /// Played nations.
    pub played: Vec<String>,
}

/// `end`: the exercise's results.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EndResult {
    /// Ticks run.
    pub tick: u64,
    /// The alliance score (0 to 100).
    pub alliance_score: f64,
    /// Each objective's rating by objective id.
    pub ratings: BTreeMap<String, Rating>,
    /// Decisions taken (every seat).
    pub decisions: usize,
    /// The files written (with `--out`).
    pub written: Vec<String>,
}

fn failure(code: ErrorCode, message: impl Into<String>, hint: &str) -> ErrorBody {
    ErrorBody { code, message: message.into(), hint: hint.into() }
}

/// The JSON Schema of every message of protocol version [`PROTOCOL_VERSION`]: requests,
/// responses, the action, the view, and the journal's header and lines (all in `$defs`; a message
/// is one of `Request`, `Response`, `JournalHeader`, `JournalLine`). The repository commits it as
/// `docs/protocol.schema.json` (`cydex schema --protocol` prints it).
pub fn schema() -> Value {
    let mut generator = schemars::SchemaGenerator::new(schemars::generate::SchemaSettings::draft2020_12());
    let roots = [
        generator.subschema_for::<Request>(),
        generator.subschema_for::<Response>(),
        generator.subschema_for::<Header>(),
        generator.subschema_for::<JournalLine>(),
    ];
    generator.subschema_for::<Action>();
    generator.subschema_for::<View>();
    let mut defs = generator.take_definitions(true);
    // A request may carry an `id` (any JSON value), echoed in its response.
    if let Some(variants) = defs.get_mut("Request").and_then(|r| r.get_mut("oneOf")).and_then(Value::as_array_mut) {
        for v in variants {
            if let Some(props) = v.get_mut("properties").and_then(Value::as_object_mut) {
                props.insert("id".into(), json!({ "description": "Any JSON value, echoed in the response." }));
            }
        }
    }
    if let Some(header) = defs.remove("Header") {
        defs.insert("JournalHeader".into(), header);
    }
    let roots: Vec<Value> = roots
        .into_iter()
        .map(|r| {
            let r = r.to_value();
            if r["$ref"] == "#/$defs/Header" { json!({ "$ref": "#/$defs/JournalHeader" }) } else { r }
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cydex.invalid/schema/protocol-v1.json",
        "title": "cydex session protocol (version 1)",
        "description": "Every message of `cydex play` (one JSON object per line each way: a Request in, a Response out) and of its decision journal (a JournalHeader line, then JournalLine lines). See docs/protocol.md.",
        "version": PROTOCOL_VERSION,
        "anyOf": roots,
        "$defs": defs,
    })
}

/// [`schema`] pretty-printed, with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
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
    /// `end` ran the exercise to its end but could not write the outputs (the message says why;
    /// the journal is complete: `cydex replay` writes them).
    OutputFailed(String),
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
                    ErrorCode::TooLong,
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
            Err(f) if f.code == ErrorCode::Journal => {
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

fn parse(line: &str) -> (Value, Result<Request, ErrorBody>) {
    let mut value: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return (
                Value::Null,
                Err(failure(ErrorCode::BadJson, format!("not JSON: {e}"), "send one JSON object per line")),
            );
        }
    };
    let id = value.as_object_mut().and_then(|o| o.remove("id")).unwrap_or(Value::Null);
    let request = serde_json::from_value::<Request>(value).map_err(|e| {
        failure(
            ErrorCode::BadRequest,
            e.to_string(),
            "see docs/protocol.md: `op` is one of hello, observe, act, advance, status, end",
        )
    });
    (id, request)
}

fn respond(output: &mut dyn Write, id: &Value, reply: Result<Reply, ErrorBody>) -> std::io::Result<()> {
    let id = (!id.is_null()).then(|| id.clone());
    let response = match reply {
        Ok(result) => Response::Ok(Success { ok: true, result, id }),
        Err(error) => Response::Err(Failure { ok: false, error, id }),
    };
    // Through a `Value`: its keys are sorted, so every object is written in alphabetical order.
    let value = serde_json::to_value(&response).map_err(std::io::Error::other)?;
    let mut text = serde_json::to_string(&value).map_err(std::io::Error::other)?;
    text.push('\n');
    output.write_all(text.as_bytes())?;
    output.flush()
}

fn seat(session: &Session, name: &str) -> Result<Seat, ErrorBody> {
    session.seat(name).map_err(|e| failure(ErrorCode::UnknownSeat, e.0, "`hello` lists the seats"))
}

fn journal_failed(e: std::io::Error) -> ErrorBody {
    failure(
        ErrorCode::Journal,
        format!("the journal could not be written: {e}"),
        "the session stops; resume it from its journal once the disk is fixed",
    )
}

fn handle(session: &mut Session, request: Request) -> Result<Reply, ErrorBody> {
    match request {
        Request::Hello {} => Ok(Reply::Hello(Box::new(hello(session)))),
        Request::Observe { seat: name } => {
            let s = seat(session, &name)?;
            let me = session.seat_name(s);
            let decisions = session.decisions().iter().filter(|d| s == Seat::Excon || d.seat == me).cloned().collect();
            Ok(Reply::Observe(Box::new(ObserveResult { seat: me, view: session.view(s), decisions })))
        }
        Request::Act { seat: name, action } => {
            let s = seat(session, &name)?;
            let tick = session.tick();
            let outcome = session.act(s, action).map_err(journal_failed)?;
            Ok(Reply::Act(ActResult { tick, outcome }))
        }
        Request::Advance { ticks, until } => advance(session, ticks, until),
        Request::Status {} => Ok(Reply::Status(status(session))),
        Request::End { .. } => Err(failure(ErrorCode::BadRequest, "`end` is handled by the loop", "")),
    }
}

fn advance(session: &mut Session, ticks: Option<u64>, until: Option<String>) -> Result<Reply, ErrorBody> {
    if session.ended() {
        return Err(failure(
            ErrorCode::Ended,
            "the exercise is at ENDEX: nothing more to run",
            "send `end` to finish and get the results",
        ));
    }
    let ticks = ticks.unwrap_or(match until {
        Some(_) => (86_400 / session.loaded().scenario.clock.tick.secs().max(1)).max(1),
        None => 1,
    });
    if ticks == 0 || ticks > MAX_ADVANCE {
        return Err(failure(
            ErrorCode::BadRequest,
            format!("`ticks` must be 1 to {MAX_ADVANCE}"),
            "advance in smaller steps",
        ));
    }
    let ran = match until {
        Some(name) => {
            let s = seat(session, &name)?;
            session.advance_until(s, ticks)
        }
        None => session.advance(ticks),
    }
    .map_err(journal_failed)?;
    Ok(Reply::Advance(AdvanceResult { ran, tick: session.tick(), ended: session.ended() }))
}

fn hello(session: &Session) -> Hello {
    let s = &session.loaded().scenario;
    let played = session.played_names();
    let mut seats = vec![SeatInfo { seat: "EXCON".into(), team: None, played: true }];
    seats.extend(s.nations.iter().map(|n| SeatInfo {
        seat: n.id.clone(),
        team: Some(n.team.id.clone()),
        played: played.contains(&n.id),
    }));
    Hello {
        protocol: PROTOCOL_VERSION,
        engine: crate::results::engine_version(),
        scenario: session.loaded().source.name.clone(),
        scenario_sha256: session.loaded().sha256.clone(),
        exercise_id: s.exercise.id.clone(),
        seed: session.header().seed,
        run_index: session.header().run_index,
        tick: session.tick(),
        endex_tick: session.endex(),
        tick_secs: s.clock.tick.secs(),
        seats,
        providers: s.assistance.iter().map(|p| p.id.clone()).collect(),
        groups: groups(s),
        action_schema: schemars::schema_for!(Action),
    }
}

fn groups(s: &crate::scenario::model::Scenario) -> Vec<GroupInfo> {
    let mut out = Vec::new();
    for n in &s.nations {
        for seg in &n.segments {
            out.extend(seg.host_groups.iter().map(|g| GroupInfo {
                id: g.id.clone(),
                nation: n.id.clone(),
                segment: seg.id.clone(),
                criticality: g.criticality,
            }));
        }
    }
    out
}

fn status(session: &Session) -> StatusResult {
    let tick_secs = session.loaded().scenario.clock.tick.secs();
    StatusResult {
        tick: session.tick(),
        time_s: session.tick() * tick_secs,
        endex_tick: session.endex(),
        ended: session.ended(),
        decisions: session.decisions().len(),
        played: session.played_names(),
    }
}

fn end(mut session: Session, at: Option<EndAt>, finish: Option<Finish>) -> (Result<Reply, ErrorBody>, Ending) {
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
        Some(Err(message)) => {
            let f = failure(ErrorCode::Output, message.clone(), "check the --out directory, then replay the journal");
            return (Err(f), Ending::OutputFailed(message));
        }
        Some(Ok(files)) => files,
        None => Vec::new(),
    };
    let reply = EndResult {
        tick: results.summary.ticks_run,
        alliance_score: results.assessment.scores.alliance,
        ratings: results.assessment.ratings.iter().map(|r| (r.id.clone(), r.rating)).collect(),
        decisions: results.decisions.len(),
        written,
    };
    (Ok(Reply::End(reply)), Ending::Ended)
}
