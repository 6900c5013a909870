//! Layout rules of the source tree, checked on the text of `src/`: which engine module may import
//! which, and how long a rule function may grow.

use std::path::{Path, PathBuf};

/// A source file's lines, numbered from 1, without its `#[cfg(test)]` items (test modules and
/// test-only imports).
fn non_test_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    non_test(&text)
}

/// [`non_test_lines`] of a text.
fn non_test(text: &str) -> Vec<(usize, String)> {
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
    let Some(first) = lines.get(start) else { return start };
    if first.trim_end().ends_with(';') {
        return start;
    }
    let close = format!("{}}}", " ".repeat(indentation(first)));
    (start..lines.len()).find(|&j| lines[j].trim_end() == close).unwrap_or(lines.len() - 1)
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
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

// ───────────────────────────── rule functions ─────────────────────────────

/// The longest a function of the engine's rules may be, in lines from its `fn` line to its
/// closing brace.
const MAX_FN_LINES: usize = 80;

/// Where the rules live, and the report builders and writers (one function per section, block
/// or chart).
const RULE_DIRS: [&str; 3] = ["src/sim", "src/score", "src/report"];

/// The name of the function a line declares, if it does (`pub`, `pub(crate)`, `const`, `unsafe`
/// … before `fn` allowed).
fn declared_fn(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(r) = rest.strip_prefix("pub") {
        rest = match r.strip_prefix('(') {
            Some(r) => r.split_once(')')?.1,
            None => r,
        }
        .trim_start();
    }
    for qualifier in ["const ", "async ", "unsafe ", "extern \"C\" "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    let name = rest.strip_prefix("fn ")?;
    Some(name.split(['(', '<']).next().unwrap_or(name).trim())
}

/// `(line, name, length)` of every function with a body among `lines`: from the `fn` line to the
/// closing brace at its indentation (or the line that opens and closes a one-line body).
fn functions(lines: &[(usize, String)]) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    for (k, (start, line)) in lines.iter().enumerate() {
        let Some(name) = declared_fn(line) else { continue };
        // The signature runs to the line that opens the body; a `;` first means no body.
        let Some(open) = (k..lines.len()).find(|&j| lines[j].1.contains('{') || lines[j].1.trim_end().ends_with(';'))
        else {
            continue;
        };
        if !lines[open].1.contains('{') {
            continue;
        }
        let braces = |l: &str| l.matches('{').count() as i64 - l.matches('}').count() as i64;
        let close = format!("{}}}", " ".repeat(indentation(line)));
        let end = if braces(&lines[open].1) == 0 {
            Some(open)
        } else {
            (open + 1..lines.len()).find(|&j| lines[j].1.trim_end() == close)
        };
        if let Some(end) = end {
            out.push((*start, name.to_string(), lines[end].0 - start + 1));
        }
    }
    out
}

/// Functions of `lines` over [`MAX_FN_LINES`], as `file:line fn name is N lines`.
fn too_long(file: &str, lines: &[(usize, String)]) -> Vec<String> {
    functions(lines)
        .into_iter()
        .filter(|(_, _, n)| *n > MAX_FN_LINES)
        .map(|(line, name, n)| format!("{file}:{line} fn {name} is {n} lines"))
        .collect()
}

/// Each function of the simulation and scoring rules and of the reports reads on about one screen: at most
/// [`MAX_FN_LINES`] lines, tests apart. A longer one is split into functions that each hold one
/// rule or one step.
#[test]
fn rule_functions_are_short() {
    let mut offending = Vec::new();
    for dir in RULE_DIRS {
        for file in rust_files(Path::new(dir)) {
            offending.extend(too_long(&file.display().to_string(), &non_test_lines(&file)));
        }
    }
    assert!(
        offending.is_empty(),
        "functions longer than {MAX_FN_LINES} lines (split them into one function per rule or step):\n{}",
        offending.join("\n")
    );
}

/// The length count of [`rule_functions_are_short`]: one-line bodies, signatures over several
/// lines, bodiless declarations, methods, and test modules left out.
#[test]
fn function_lengths_are_counted_from_fn_to_its_closing_brace() {
    let long_body = "        let x = 1;\n".repeat(MAX_FN_LINES);
    let text = format!(
        "pub fn one() -> u32 {{ 1 }}\n\
         fn two(\n    a: u32,\n) -> u32 {{\n    a\n}}\n\
         trait T {{\n    fn declared(&self);\n}}\n\
         impl S {{\n    pub(crate) fn long(&self) {{\n{long_body}    }}\n}}\n\
         #[cfg(test)]\nmod tests {{\n    fn long_test() {{\n{long_body}    }}\n}}\n"
    );
    let found: Vec<(usize, String, usize)> = functions(&non_test(&text));
    let expected = [(1, "one", 1), (2, "two", 5), (11, "long", MAX_FN_LINES + 2)];
    assert_eq!(found, expected.map(|(l, n, len)| (l, n.to_string(), len)).to_vec());
    assert_eq!(too_long("x.rs", &non_test(&text)), [format!("x.rs:11 fn long is {} lines", MAX_FN_LINES + 2)]);
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

/// The scenario model knows nothing of the engine, and the test-scenario builders
/// (`src/testkit/`) sit at scenario level: both name only `scenario` and the leaves anyone may
/// use (so tests, benches and examples share one builder without pulling the engine into the
/// model).
#[test]
fn scenario_and_testkit_import_only_the_scenario_model() {
    const ALLOWED: [&str; 3] = ["scenario", "atomic", "fmt"];
    let mut offending = Vec::new();
    for dir in ["src/scenario", "src/testkit"] {
        for file in rust_files(Path::new(dir)) {
            for (n, module) in crate_modules_used(&file) {
                if !ALLOWED.contains(&module.as_str()) {
                    offending.push(format!("{}:{n}: uses crate::{module}", file.display()));
                }
            }
        }
    }
    assert!(offending.is_empty(), "scenario/ and testkit/ may import only crate::scenario:\n{}", offending.join("\n"));
}
