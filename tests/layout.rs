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

/// The `crate::` modules a file's non-test code names (`crate::sim::…` → `sim`).
fn crate_modules_used(path: &Path) -> Vec<(usize, String)> {
    non_test_lines(path)
        .into_iter()
        .flat_map(|(n, l)| {
            let code = l.split("//").next().unwrap_or("").to_string();
            code.match_indices("crate::")
                .map(|(i, _)| {
                    let rest = &code[i + "crate::".len()..];
                    rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>()
                })
                .map(|m| (n, m))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The scenario model knows nothing of the engine, and the test-scenario builders
/// (`src/testkit/`) sit at scenario level: both import only `scenario` (so tests, benches and
/// examples can share one builder without pulling the engine into the model).
#[test]
fn scenario_and_testkit_import_only_the_scenario_model() {
    let mut offending = Vec::new();
    for dir in ["src/scenario", "src/testkit"] {
        for file in rust_files(Path::new(dir)) {
            for (n, module) in crate_modules_used(&file) {
                if module != "scenario" {
                    offending.push(format!("{}:{n}: uses crate::{module}", file.display()));
                }
            }
        }
    }
    assert!(offending.is_empty(), "scenario/ and testkit/ may import only crate::scenario:\n{}", offending.join("\n"));
}
