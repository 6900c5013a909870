//! The best and worst runs of the batch report: for each key metric that varies and has a
//! direction, the run best and the run worst for the defenders, and for each such run the exact
//! `cydex run` command that replays it.

use std::collections::BTreeMap;

use super::metrics::{is_constant, labelled};
use crate::fmt::shell_quote;
use crate::report::doc::{Block, Section, Table, Text};
use crate::report::labels::Better;
use crate::results::batch::{BatchFile, BatchMeta};

/// One key metric's extremes: (value, run index) of the best and the worst run.
struct Extremes {
    label: crate::report::labels::Label,
    unit: crate::report::labels::Unit,
    best: (f64, u64),
    worst: (f64, u64),
}

/// The command that replays run `index` of the batch exactly: the scenario (left out when it is
/// the embedded default, whose name in angle brackets is no file), the seed, the run index and
/// every `--set` override, each word quoted for a POSIX shell.
pub fn replay_command(m: &BatchMeta, index: u64) -> String {
    let mut words = vec!["cydex".to_string(), "run".to_string()];
    if !(m.scenario.starts_with('<') && m.scenario.ends_with('>')) {
        words.push(shell_quote(&m.scenario));
    }
    words.extend(["--seed".to_string(), m.seed.to_string(), "--run-index".to_string(), index.to_string()]);
    for o in &m.overrides {
        words.push("--set".to_string());
        words.push(shell_quote(o));
    }
    words.join(" ")
}

/// The extremes of every key metric that is not constant and has a direction; ties go to the
/// lowest run index.
fn extremes(b: &BatchFile) -> Vec<Extremes> {
    let mut out = Vec::new();
    for (key, st, l) in labelled(b) {
        if !l.key || l.better == Better::Neither || is_constant(st) || st.n < 2 {
            continue;
        }
        let Some(shape) = b.shapes.get(key) else { continue };
        let (best, worst) =
            if l.better == Better::Lower { (shape.lowest, shape.highest) } else { (shape.highest, shape.lowest) };
        out.push(Extremes { unit: l.unit, label: l, best, worst });
    }
    out
}

/// Section 5.
pub(super) fn section(b: &BatchFile) -> Section {
    let mut s = Section::new("outliers", "Best and worst runs");
    s.push(Block::Note(Text::plain(
        "For each key metric that varies, the run with the best and the run with the worst value for the \
         defenders (ties: the lowest run index). Replay a run with its command to read its full after-action \
         report.",
    )));
    let ex = extremes(b);
    let mut t = Table::new(&["Metric", "#Best", "Best run", "#Worst", "Worst run"]);
    let mut why: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for e in &ex {
        t.row(vec![
            Text::plain(e.label.text.clone()),
            Text::plain(e.unit.value(e.best.0)),
            Text::plain(format!("run {}", e.best.1)),
            Text::plain(e.unit.value(e.worst.0)),
            Text::plain(format!("run {}", e.worst.1)),
        ]);
        why.entry(e.best.1).or_default().push(format!("best {}", e.label.in_sentence()));
        why.entry(e.worst.1).or_default().push(format!("worst {}", e.label.in_sentence()));
    }
    if ex.is_empty() {
        s.push(Block::Para(Text::plain("No key metric varied between runs.")));
        return s;
    }
    s.push(Block::Table(t));
    s.push(Block::Heading(Text::plain("Replay commands")));
    for (run, reasons) in why {
        s.push(Block::Para(Text::strong(format!("Run {run}")).then(format!(": {}.", reasons.join("; ")))));
        s.push(Block::Command(replay_command(&b.meta, run)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_commands_name_the_file_seed_index_and_quoted_overrides() {
        let m = BatchMeta {
            scenario: "my drills/drill.yaml".into(),
            overrides: vec!["nations.EST.team.analysts=12".into(), "exercise.title=It's".into()],
            ..BatchMeta::sample(20)
        };
        assert_eq!(
            replay_command(&m, 13),
            "cydex run 'my drills/drill.yaml' --seed 7 --run-index 13 --set nations.EST.team.analysts=12 \
             --set 'exercise.title=It'\\''s'"
        );
        let default = BatchMeta { scenario: "<embedded default: x.yaml>".into(), overrides: vec![], ..m };
        assert_eq!(replay_command(&default, 0), "cydex run --seed 7 --run-index 0");
    }
}
