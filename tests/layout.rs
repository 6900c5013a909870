//! Layout rules of the source tree, checked on the text of `src/`: which engine module may import
//! which, and how long a rule function may grow.

use std::path::Path;

/// A source file's lines, without its `#[cfg(test)]` items (test modules and test-only imports).
fn non_test_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            i = end_of_item(&lines, i + 1) + 1;
            continue;
        }
        out.push((i + 1, lines[i].to_string()));
        i += 1;
    }
    out
}

/// The index of the last line of the item starting at line `start`: the line itself when it ends
/// with `;`, else its closing brace at the item's indentation.
fn end_of_item(lines: &[&str], start: usize) -> usize {
    let indent = indentation(lines[start]);
    if lines[start].trim_end().ends_with(';') {
        return start;
    }
    let close = format!("{}}}", " ".repeat(indent));
    (start..lines.len()).find(|&j| lines[j].trim_end() == close).unwrap_or(lines.len() - 1)
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

// ───────────────────────────── module dependencies ─────────────────────────────

/// The engine's data layout (`sim/state.rs`) does not know the event log (`sim/events.rs`): the
/// log renders names from the catalog, so the dependency runs events → state only. What both
/// need (the absent index, 32-bit narrowing) lives in the leaf `sim/ids.rs`.
#[test]
fn sim_state_does_not_import_the_event_log() {
    let offending: Vec<String> = non_test_lines(Path::new("src/sim/state.rs"))
        .into_iter()
        .filter(|(_, l)| {
            let code = l.split("//").next().unwrap_or("");
            code.contains("events::") || code.contains("sim::events")
        })
        .map(|(n, l)| format!("src/sim/state.rs:{n}: {}", l.trim()))
        .collect();
    assert!(offending.is_empty(), "state.rs must not depend on events.rs:\n{}", offending.join("\n"));
}

/// `sim/ids.rs` is a leaf: it imports nothing of the engine.
#[test]
fn sim_ids_is_a_leaf() {
    let offending: Vec<String> = non_test_lines(Path::new("src/sim/ids.rs"))
        .into_iter()
        .filter(|(_, l)| l.trim_start().starts_with("use ") && (l.contains("super::") || l.contains("crate::")))
        .map(|(n, l)| format!("src/sim/ids.rs:{n}: {}", l.trim()))
        .collect();
    assert!(offending.is_empty(), "ids.rs must stay a leaf:\n{}", offending.join("\n"));
}
