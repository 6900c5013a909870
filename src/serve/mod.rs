//! Owns the drill console: a web server (axum on tokio) that paces a played [`Session`] with the
//! wall clock and gives each seat — EXCON, every national team, evaluators — its own page, live
//! updates and forms, behind an unguessable per-seat token.
//!
//! * **Security.** A token designates one seat. A team's token reads only its own view and acts
//!   only as itself: another team's or EXCON's views, streams and actions answer 403. EXCON and
//!   evaluators read every view; evaluators change nothing in the simulation. State-changing
//!   requests carry the token in the `X-Cydex-Token` header (never a cookie, so a page elsewhere
//!   cannot forge them); the live stream, a GET, takes it in the query. Requests over
//!   [`MAX_BODY`] bytes are refused. No request is logged, so no token is. Every asset is
//!   embedded; the pages fetch nothing from elsewhere and escape all scenario text.
//! * **Time.** The clock advances one tick every `tick / speed` of wall time while running.
//!   Decisions take effect at the next tick boundary and are journaled with that tick, so pausing
//!   and pacing never change outcomes; `cydex replay` of the journal reproduces the drill.
//! * **End.** At ENDEX, or when EXCON ends the drill, the session finishes and the after-action
//!   report is written to `--out`; EXCON's and evaluators' pages link to it.

mod assets;
mod routes;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::play::Session;
use crate::results::RunResults;
use crate::sim::EventStream;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;
/// Slowest and fastest clock: ×1 to ×3600.
pub const SPEEDS: (f64, f64) = (1.0, 3600.0);

/// The most evaluator seats a drill may have (`serve --evaluators`): each is a token and a page.
pub const MAX_EVALUATORS: u32 = 100;

/// A seat of the drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatKind {
    /// The white cell.
    Excon,
    /// A national team (nation id).
    Team(String),
    /// An evaluator (1-based number).
    Evaluator(u32),
}

impl SeatKind {
    /// The seat's name in URLs and the journal: `EXCON`, the nation id, `EVALUATOR-k`.
    pub fn name(&self) -> String {
        match self {
            SeatKind::Excon => "EXCON".into(),
            SeatKind::Team(n) => n.clone(),
            SeatKind::Evaluator(k) => format!("EVALUATOR-{k}"),
        }
    }
}

/// One seat and its token.
#[derive(Debug, Clone)]
pub struct Seat {
    /// Who.
    pub kind: SeatKind,
    /// Its secret (32 hex digits from the operating system's generator).
    pub token: String,
}

/// What writes the results at the end (the CLI's output writer).
pub type Writer = Box<dyn Fn(&RunResults, &EventStream) -> Result<Vec<String>, String> + Send + Sync>;

/// The drill's state, behind one lock.
pub struct Drill {
    /// The session (None once finished).
    pub session: Option<Session>,
    /// Seats.
    pub seats: Vec<Seat>,
    /// Clock paused.
    pub paused: bool,
    /// Ticks per `tick` of wall time.
    pub speed: f64,
    /// After the end: the files written, or why not.
    pub ended: Option<Result<Vec<String>, String>>,
    /// The tick the drill ended at.
    pub end_tick: u64,
    /// After the end: the headline every seat sees (scores, ratings), for the hot wash.
    pub headline: Option<serde_json::Value>,
    /// The directory the AAR is written to.
    pub out: Option<PathBuf>,
    /// Writes the outputs.
    writer: Writer,
}

/// The shared state of the server.
#[derive(Clone)]
pub struct Shared {
    /// The drill.
    pub drill: Arc<Mutex<Drill>>,
    /// Ticks (and other changes) announced to the streams: the session's tick.
    pub changes: broadcast::Sender<u64>,
    /// Length of a tick in simulated seconds.
    pub tick_secs: u64,
}

/// Random tokens from the operating system (never from the seeded simulation streams).
pub fn new_token() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Drill {
    /// A drill over `session`, with EXCON, every played team and `evaluators` evaluator seats.
    pub fn new(
        session: Session,
        evaluators: u32,
        speed: f64,
        out: Option<PathBuf>,
        writer: Writer,
    ) -> std::io::Result<Drill> {
        let mut kinds = vec![SeatKind::Excon];
        kinds.extend(session.played_names().into_iter().map(SeatKind::Team));
        kinds.extend((1..=evaluators).map(SeatKind::Evaluator));
        let seats =
            kinds.into_iter().map(|kind| Ok(Seat { kind, token: new_token()? })).collect::<std::io::Result<_>>()?;
        Ok(Drill {
            session: Some(session),
            seats,
            paused: true,
            speed,
            ended: None,
            end_tick: 0,
            headline: None,
            out,
            writer,
        })
    }

    /// The seat a token designates.
    pub fn seat_of(&self, token: &str) -> Option<&Seat> {
        // Compared in full whatever the position of the first difference.
        self.seats.iter().find(|s| constant_time_eq(s.token.as_bytes(), token.as_bytes()))
    }

    /// Runs one tick if the session is live; finishes it at ENDEX. Returns the tick after.
    pub fn step(&mut self) -> Result<u64, String> {
        let Some(session) = self.session.as_mut() else { return Ok(self.end_tick) };
        session.advance(1).map_err(|e| format!("the journal could not be written: {e}"))?;
        if session.ended() {
            self.finish();
        }
        Ok(self.tick())
    }

    /// The current tick.
    pub fn tick(&self) -> u64 {
        self.session.as_ref().map_or(self.end_tick, Session::tick)
    }

    /// Finishes the session and writes the outputs.
    pub fn finish(&mut self) {
        let Some(session) = self.session.take() else { return };
        self.end_tick = session.tick();
        self.ended = Some(match session.finish() {
            Ok((results, events)) => {
                self.headline = Some(headline(&results));
                (self.writer)(&results, &events)
            }
            Err(e) => Err(format!("the journal could not be written: {e}")),
        });
        self.paused = true;
    }
}

/// The end-of-drill figures the pages show: the alliance and nation scores, and each objective's
/// rating (the engine's, and an evaluator's override when there is one).
fn headline(r: &RunResults) -> serde_json::Value {
    let overrides: std::collections::BTreeMap<&str, String> = r
        .evaluation
        .iter()
        .filter_map(|n| match &n.note {
            crate::results::NoteBody::Override { objective, rating, .. } => {
                Some((objective.as_str(), rating.code().to_string()))
            }
            _ => None,
        })
        .collect();
    let ratings: Vec<serde_json::Value> = r
        .assessment
        .ratings
        .iter()
        .map(|x| serde_json::json!({ "objective": x.id, "text": x.text, "engine": x.rating.code(), "evaluator": overrides.get(x.id.as_str()) }))
        .collect();
    let nations: Vec<serde_json::Value> = r
        .assessment
        .scores
        .nations
        .iter()
        .map(|n| serde_json::json!({ "nation": n.nation, "score": n.total }))
        .collect();
    serde_json::json!({ "alliance_score": r.assessment.scores.alliance, "nations": nations, "ratings": ratings, "decisions": r.decisions.len() })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Serves the drill on `listener` until the process is stopped: the clock task and the routes.
pub async fn serve(listener: tokio::net::TcpListener, shared: Shared) -> std::io::Result<()> {
    let clock = shared.clone();
    tokio::spawn(async move { run_clock(clock).await });
    let app = routes::router(shared);
    axum::serve(listener, app).await
}

/// The wall-clock pacing: one tick every `tick_secs / speed` seconds while running.
async fn run_clock(shared: Shared) {
    loop {
        let (wait, running) = {
            let d = shared.drill.lock().unwrap_or_else(|p| p.into_inner());
            let speed = d.speed.clamp(SPEEDS.0, SPEEDS.1);
            (std::time::Duration::from_secs_f64(shared.tick_secs as f64 / speed), !d.paused && d.session.is_some())
        };
        tokio::time::sleep(if running { wait } else { std::time::Duration::from_millis(50) }).await;
        if !running {
            continue;
        }
        let tick = {
            let mut d = shared.drill.lock().unwrap_or_else(|p| p.into_inner());
            if d.paused {
                continue;
            }
            match d.step() {
                Ok(t) => t,
                Err(e) => {
                    d.paused = true;
                    eprintln!(
                        "error: {e}; the drill is paused (resume it from its journal with `cydex serve --resume`)"
                    );
                    continue;
                }
            }
        };
        let _ = shared.changes.send(tick);
    }
}
