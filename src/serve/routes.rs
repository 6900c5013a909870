//! The console's HTTP routes: seat pages, each seat's view as JSON, its live stream, actions,
//! EXCON's clock, evaluators' notes and the after-action report — each behind its seat check.

use std::convert::Infallible;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::{Drill, MAX_BODY, SPEEDS, SeatKind, Shared, assets};
use crate::results::NoteBody;
use crate::sim::actions::{Action, Seat as SimSeat};

/// The header state-changing requests carry their token in.
pub const TOKEN_HEADER: &str = "x-cydex-token";

/// Every route.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/", get(|| async { Html(assets::landing()) }))
        .route("/assets/console.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], assets::SCRIPT) }))
        .route("/assets/console.css", get(|| async { ([(header::CONTENT_TYPE, "text/css")], assets::STYLE) }))
        .route("/s/{token}", get(page))
        .route("/s/{token}/aar", get(aar))
        .route("/api/view/{seat}", get(view))
        .route("/api/stream/{seat}", get(stream))
        .route("/api/act/{seat}", post(act))
        .route("/api/clock", post(clock))
        .route("/api/note", post(note))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "ok": false, "error": message }))).into_response()
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Drill> {
    shared.drill.lock().unwrap_or_else(|p| p.into_inner())
}

/// The seat of a token, or the 401/403 response to return at once.
#[allow(clippy::result_large_err, reason = "a refusal is returned at once as the handler's response")]
fn seat_for(drill: &Drill, token: Option<&str>) -> Result<SeatKind, Response> {
    let token =
        token.ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "this request needs the seat's token (X-Cydex-Token)"))?;
    drill.seat_of(token).map(|s| s.kind.clone()).ok_or_else(|| refuse(StatusCode::FORBIDDEN, "unknown token"))
}

fn header_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok())
}

/// Whether `seat` may read the view named `name`: its own; EXCON and evaluators read all.
fn may_read(seat: &SeatKind, name: &str) -> bool {
    match seat {
        SeatKind::Team(n) => n == name,
        SeatKind::Excon | SeatKind::Evaluator(_) => true,
    }
}

async fn page(State(shared): State<Shared>, Path(token): Path<String>) -> Response {
    let drill = lock(&shared);
    match drill.seat_of(&token) {
        Some(seat) => Html(assets::page(&seat.kind, &seat.token)).into_response(),
        None => (StatusCode::FORBIDDEN, Html(assets::landing())).into_response(),
    }
}

async fn aar(State(shared): State<Shared>, Path(token): Path<String>) -> Response {
    let drill = lock(&shared);
    match drill.seat_of(&token).map(|s| &s.kind) {
        Some(SeatKind::Excon | SeatKind::Evaluator(_)) => {}
        Some(SeatKind::Team(_)) => return refuse(StatusCode::FORBIDDEN, "the report is for EXCON and evaluators"),
        None => return refuse(StatusCode::FORBIDDEN, "unknown token"),
    }
    let Some(path) = drill.out.as_ref().map(|d| d.join("report.html")).filter(|_| matches!(drill.ended, Some(Ok(_))))
    else {
        return refuse(StatusCode::NOT_FOUND, "the after-action report is written at ENDEX");
    };
    match crate::readback::read_text(&path, crate::readback::MAX_REPORT) {
        Ok(html) => Html(html).into_response(),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("cannot read the report: {e}")),
    }
}

async fn view(State(shared): State<Shared>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let drill = lock(&shared);
    let seat = match seat_for(&drill, header_token(&headers)) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !may_read(&seat, &name) {
        return refuse(StatusCode::FORBIDDEN, "a team sees only its own view");
    }
    axum::Json(assets::payload(&drill, &seat, &name, shared.tick_secs)).into_response()
}

#[derive(Deserialize)]
struct StreamQuery {
    token: Option<String>,
}

async fn stream(State(shared): State<Shared>, Path(name): Path<String>, Query(q): Query<StreamQuery>) -> Response {
    {
        let drill = lock(&shared);
        let seat = match seat_for(&drill, q.token.as_deref()) {
            Ok(s) => s,
            Err(r) => return r,
        };
        if !may_read(&seat, &name) {
            return refuse(StatusCode::FORBIDDEN, "a team sees only its own stream");
        }
    }
    let ticks = BroadcastStream::new(shared.changes.subscribe())
        .filter_map(|t| t.ok())
        .map(|tick| Ok::<Event, Infallible>(Event::default().event("tick").data(tick.to_string())));
    Sse::new(ticks).keep_alive(KeepAlive::default()).into_response()
}

async fn act(State(shared): State<Shared>, Path(name): Path<String>, headers: HeaderMap, body: String) -> Response {
    let reply = {
        let mut drill = lock(&shared);
        let seat = match seat_for(&drill, header_token(&headers)) {
            Ok(s) => s,
            Err(r) => return r,
        };
        if seat.name() != name || matches!(seat, SeatKind::Evaluator(_)) {
            return refuse(StatusCode::FORBIDDEN, "a seat acts only as itself; evaluators do not act");
        }
        let action: Action = match serde_json::from_str(&body) {
            Ok(a) => a,
            Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("not an action: {e}")),
        };
        let Some(session) = drill.session.as_mut() else { return refuse(StatusCode::CONFLICT, "the drill has ended") };
        let sim_seat = match session.seat(&name) {
            Ok(s) => s,
            Err(e) => return refuse(StatusCode::NOT_FOUND, &e.0),
        };
        let tick = session.tick();
        let outcome = match session.act(sim_seat, action) {
            Ok(o) => o,
            Err(e) => {
                return refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("the journal could not be written: {e}"));
            }
        };
        if sim_seat == SimSeat::Excon && session.ended() {
            drill.finish();
        }
        json!({ "ok": true, "tick": tick, "outcome": outcome })
    };
    let tick = lock(&shared).tick();
    let _ = shared.changes.send(tick);
    axum::Json(reply).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    op: String,
    #[serde(default)]
    speed: Option<f64>,
}

async fn clock(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let reply = {
        let mut drill = lock(&shared);
        match seat_for(&drill, header_token(&headers)) {
            Ok(SeatKind::Excon) => {}
            Ok(_) => return refuse(StatusCode::FORBIDDEN, "only EXCON runs the clock"),
            Err(r) => return r,
        }
        let req: ClockRequest = match serde_json::from_str(&body) {
            Ok(r) => r,
            Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("not a clock request: {e}")),
        };
        match (req.op.as_str(), req.speed) {
            ("pause", _) => drill.paused = true,
            ("resume", _) => drill.paused = drill.session.is_none(),
            ("step", _) => {
                if let Err(e) = drill.step() {
                    return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e);
                }
            }
            ("speed", Some(s)) if (SPEEDS.0..=SPEEDS.1).contains(&s) => drill.speed = s,
            ("speed", _) => return refuse(StatusCode::BAD_REQUEST, "speed is ×1 to ×3600"),
            _ => return refuse(StatusCode::BAD_REQUEST, "op is pause, resume, step or speed"),
        }
        json!({ "ok": true, "tick": drill.tick(), "paused": drill.paused, "speed": drill.speed })
    };
    let _ = shared.changes.send(reply["tick"].as_u64().unwrap_or(0));
    axum::Json(reply).into_response()
}

async fn note(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let mut drill = lock(&shared);
    let seat = match seat_for(&drill, header_token(&headers)) {
        Ok(s @ (SeatKind::Evaluator(_) | SeatKind::Excon)) => s,
        Ok(_) => return refuse(StatusCode::FORBIDDEN, "only evaluators (and EXCON, for validations) write notes"),
        Err(r) => return r,
    };
    let body: NoteBody = match serde_json::from_str(&body) {
        Ok(b) => b,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("not a note: {e}")),
    };
    if seat == SeatKind::Excon && !matches!(body, NoteBody::Validation { .. }) {
        return refuse(
            StatusCode::FORBIDDEN,
            "EXCON validates expectations; observations and overrides are the evaluators'",
        );
    }
    let Some(session) = drill.session.as_mut() else { return refuse(StatusCode::CONFLICT, "the drill has ended") };
    match session.note(&seat.name(), body) {
        Ok(Ok(())) => {
            // EXCON's and the other evaluators' pages show the notes: tell their streams.
            let _ = shared.changes.send(drill.tick());
            axum::Json(json!({ "ok": true })).into_response()
        }
        Ok(Err(why)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &why),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &format!("the journal could not be written: {e}")),
    }
}
