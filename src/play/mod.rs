//! Owns played sessions: a seeded run whose teams are played by programs or humans, advanced
//! tick by tick, with every decision journaled so the session replays, and resumes, exactly.
//!
//! A [`Session`] wraps a [`Simulation`]. Played seats start from [`Doctrine::manual`]; the other
//! teams play their doctrine. A decision is applied at the current tick boundary, before the next
//! tick runs, and stamped with that tick (never a wall-clock time): pacing and pauses change
//! nothing. The journal (`journal.rs`) gets one line per decision and per advance, flushed at
//! once. `protocol.rs` speaks the JSON Lines session protocol (`cydex play`) over any reader and
//! writer. Sits beside `report` and `batch`: above `results`, below the CLI.

pub mod journal;
pub mod protocol;

use crate::results::{Decision, EvaluatorNote, RunResults};
use crate::scenario::Loaded;
use crate::sim::actions::{Action, Outcome, Seat};
use crate::sim::doctrine::Doctrine;
use crate::sim::view::View;
use crate::sim::{EventStream, RunConfig, Simulation};
use journal::{Header, Journal, Line};

/// A played session.
pub struct Session {
    loaded: Loaded,
    overrides: Vec<String>,
    config: RunConfig,
    sim: Simulation,
    /// Played nations (indices), ascending.
    played: Vec<u32>,
    decisions: Vec<Decision>,
    notes: Vec<EvaluatorNote>,
    journal: Option<Journal>,
    /// Doctrine runs of the counterfactual (none: no counterfactual).
    counterfactual_runs: Option<u64>,
}

/// A seat name that is neither `EXCON` nor a nation or team of the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSeat(pub String);

impl std::fmt::Display for UnknownSeat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Session {
    /// Starts a session at tick 0. `played` are seat names (nation or team ids).
    pub fn new(
        loaded: Loaded,
        overrides: Vec<String>,
        config: RunConfig,
        played: &[String],
    ) -> Result<Self, UnknownSeat> {
        let mut sim = Simulation::new(&loaded.scenario, &config);
        let mut nations = Vec::new();
        for name in played {
            match seat_of(&loaded, name)? {
                Seat::Team(n) => nations.push(n),
                Seat::Excon => return Err(UnknownSeat("EXCON is always available; `--seat` names teams".into())),
            }
        }
        nations.sort_unstable();
        nations.dedup();
        for &n in &nations {
            sim.set_doctrine(n, Doctrine::manual());
        }
        Ok(Session {
            loaded,
            overrides,
            config,
            sim,
            played: nations,
            decisions: Vec::new(),
            notes: Vec::new(),
            journal: None,
            counterfactual_runs: None,
        })
    }

    /// Journals every decision and advance from now on into `journal` (its header is written
    /// first by the caller: [`Session::header`]).
    pub fn attach_journal(&mut self, journal: Journal) {
        self.journal = Some(journal);
    }

    /// At [`Session::finish`], also play the same exercise by doctrine alone, on this seed and
    /// over `runs` run indices, and set the outcome beside the played one (`counterfactual` in the
    /// results). 0 disables it (as does never calling this).
    pub fn set_counterfactual_runs(&mut self, runs: u64) {
        self.counterfactual_runs = (runs > 0).then_some(runs);
    }

    /// The journal header for this session.
    pub fn header(&self) -> Header {
        Header::new(&self.loaded, &self.overrides, &self.config, self.played_names())
    }

    /// Played seats' nation ids.
    pub fn played_names(&self) -> Vec<String> {
        self.played.iter().map(|&n| self.loaded.scenario.nations[n as usize].id.clone()).collect()
    }

    /// The scenario.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The seat a name designates.
    pub fn seat(&self, name: &str) -> Result<Seat, UnknownSeat> {
        seat_of(&self.loaded, name)
    }

    /// The display name of a seat (`EXCON` or the nation id).
    pub fn seat_name(&self, seat: Seat) -> String {
        match seat {
            Seat::Excon => "EXCON".into(),
            Seat::Team(n) => self.loaded.scenario.nations[n as usize].id.clone(),
        }
    }

    /// The next tick to run.
    pub fn tick(&self) -> u64 {
        self.sim.tick()
    }

    /// ENDEX tick.
    pub fn endex(&self) -> u64 {
        self.sim.n_ticks()
    }

    /// Whether ENDEX was reached.
    pub fn ended(&self) -> bool {
        self.sim.ended()
    }

    /// Decisions so far.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The decisions doctrine has taken so far for the teams nobody plays, as decisions of their
    /// seats (`results::doctrine_decisions`).
    pub fn doctrine_decisions(&self) -> Vec<Decision> {
        crate::results::doctrine_decisions(&self.loaded.scenario, self.sim.doctrine_decisions())
    }

    /// Applies a decision now and journals it (flushed). A journal write failure is returned
    /// after the decision was applied: the caller must stop the session.
    pub fn act(&mut self, seat: Seat, action: Action) -> Result<Outcome, std::io::Error> {
        let tick = self.sim.tick();
        let outcome = self.sim.act(seat, &action);
        let d = Decision { tick, seat: self.seat_name(seat), action, outcome: outcome.clone(), effects: Vec::new() };
        if let Some(j) = &mut self.journal {
            j.write(&Line::Decision(d.clone()))?;
        }
        self.decisions.push(d);
        Ok(outcome)
    }

    /// Keeps an evaluator's note (stamped with the current tick) and journals it; `Ok(Err(why))`
    /// when the note is refused.
    pub fn note(
        &mut self,
        evaluator: &str,
        note: crate::results::NoteBody,
    ) -> Result<Result<(), String>, std::io::Error> {
        let n = EvaluatorNote { tick: self.sim.tick(), evaluator: evaluator.to_string(), note };
        if let Some(why) = n.problem(&self.loaded.scenario) {
            return Ok(Err(why));
        }
        if let Some(j) = &mut self.journal {
            j.write(&Line::Note(n.clone()))?;
        }
        self.notes.push(n);
        Ok(Ok(()))
    }

    /// Evaluators' notes so far.
    pub fn notes(&self) -> &[EvaluatorNote] {
        &self.notes
    }

    /// Runs up to `ticks` ticks (fewer at ENDEX); returns how many ran.
    pub fn advance(&mut self, ticks: u64) -> Result<u64, std::io::Error> {
        let mut ran = 0;
        while ran < ticks && self.sim.step() {
            ran += 1;
        }
        self.note_clock(ran)?;
        Ok(ran)
    }

    /// Runs ticks until `seat`'s view changes in what needs its attention (a new incident, inject,
    /// message or finished work), ENDEX, or `max` ticks; returns how many ran.
    pub fn advance_until(&mut self, seat: Seat, max: u64) -> Result<u64, std::io::Error> {
        let before = attention(&self.sim.view(seat));
        let mut ran = 0;
        while ran < max && self.sim.step() {
            ran += 1;
            if attention(&self.sim.view(seat)) != before {
                break;
            }
        }
        self.note_clock(ran)?;
        Ok(ran)
    }

    fn note_clock(&mut self, ran: u64) -> Result<(), std::io::Error> {
        match &mut self.journal {
            Some(j) if ran > 0 => j.write(&Line::Clock { tick: self.sim.tick() }),
            _ => Ok(()),
        }
    }

    /// What `seat` sees now.
    pub fn view(&self, seat: Seat) -> View {
        self.sim.view(seat)
    }

    /// Runs the rest of the exercise (doctrine plays on; played seats decide nothing more) and
    /// returns the results, with the decisions and what each changed, the counterfactual when
    /// asked for ([`Session::set_counterfactual_runs`]), and the event log.
    pub fn finish(mut self) -> Result<(RunResults, EventStream), std::io::Error> {
        while self.sim.step() {}
        if let Some(j) = &mut self.journal {
            j.write(&Line::End { tick: self.sim.tick() })?;
        }
        let played = self.played_names();
        let outcome = self.sim.run_to_end();
        let doctrine = crate::results::doctrine_decisions(&self.loaded.scenario, &outcome.doctrine);
        let (mut results, events) = crate::results::from_outcome(&self.loaded, &self.overrides, &self.config, outcome);
        results.players = played;
        results.decisions = self.decisions;
        results.evaluation = self.notes;
        results.reporting = crate::results::reporting::score(&self.loaded.scenario, &results.decisions, &events);
        crate::results::settle_expectations(&mut results, &self.loaded.scenario, &doctrine, &events);
        crate::results::played::collect_effects(&mut results.decisions, &events);
        if !results.players.is_empty() || crate::results::expects_anything(&self.loaded.scenario) {
            crate::results::keep_doctrine(&mut results, doctrine, &events);
        }
        if let Some(n) = self.counterfactual_runs {
            results.counterfactual =
                crate::results::played::counterfactual(&self.loaded, &self.overrides, &self.config, &results, n);
        }
        Ok((results, events))
    }
}

/// What makes `advance until` stop: the counts a seat's attention follows.
fn attention(v: &View) -> Vec<(usize, usize, usize, usize)> {
    v.teams.iter().map(|t| (t.incidents.len(), t.inbox.len(), t.messages.len(), t.work.len())).collect()
}

/// The seat a name designates: `EXCON` (any case), a nation id or a team id.
fn seat_of(loaded: &Loaded, name: &str) -> Result<Seat, UnknownSeat> {
    if name.eq_ignore_ascii_case("excon") {
        return Ok(Seat::Excon);
    }
    let nations = &loaded.scenario.nations;
    match nations.iter().position(|n| n.id == name || n.team.id == name) {
        Some(i) => Ok(Seat::Team(i as u32)),
        None => {
            let ids: Vec<&str> = nations.iter().map(|n| n.id.as_str()).collect();
            Err(UnknownSeat(format!("unknown seat `{name}`: seats are EXCON and the nations {}", ids.join(", "))))
        }
    }
}

/// Re-applies a journal's decisions to a fresh session, each at its tick, checking that each has
/// the outcome the journal recorded, then runs on to the tick the journal had reached. The
/// session must not have a journal attached yet (nothing is written twice).
pub fn reapply(session: &mut Session, read: &journal::Read) -> Result<(), String> {
    for (line, l) in &read.lines {
        let d = match l {
            Line::Decision(d) => d,
            Line::Note(n) => {
                session.advance(n.tick.saturating_sub(session.tick())).map_err(|e| e.to_string())?;
                session
                    .note(&n.evaluator, n.note.clone())
                    .map_err(|e| e.to_string())?
                    .map_err(|e| format!("line {line}: {e}"))?;
                continue;
            }
            Line::Clock { .. } | Line::End { .. } => continue,
        };
        if d.tick < session.tick() {
            return Err(format!("line {line}: tick {} is before the session's tick {}", d.tick, session.tick()));
        }
        session.advance(d.tick - session.tick()).map_err(|e| e.to_string())?;
        if session.tick() != d.tick {
            return Err(format!("line {line}: tick {} is after ENDEX (tick {})", d.tick, session.endex()));
        }
        let seat = session.seat(&d.seat).map_err(|e| format!("line {line}: {e}"))?;
        let outcome = session.act(seat, d.action.clone()).map_err(|e| e.to_string())?;
        if outcome != d.outcome {
            return Err(format!(
                "line {line}: the replayed `{}` has a different outcome ({}) from the journal's ({}): the journal does not belong to this scenario, seed and engine, or it was edited",
                d.action.name(),
                serde_json::to_string(&outcome).unwrap_or_default(),
                serde_json::to_string(&d.outcome).unwrap_or_default()
            ));
        }
    }
    let reached = read.reached().min(session.endex());
    session.advance(reached.saturating_sub(session.tick())).map_err(|e| e.to_string())?;
    Ok(())
}
