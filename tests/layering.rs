//! The crate's dependency graph runs one way: scenario → sim → score → results → {report, batch, play} → serve
//! → cli, with `fmt`, `atomic` and `par` as leaves anyone may use. This test reads the sources and fails
//! when a module names a module above it (or a sibling), so the layering cannot rot silently.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module's layer. A module may name only modules of a lower layer; leaves (layer
/// 0) name no other module of the crate.
const LAYERS: &[(&str, u32)] = &[
    ("fmt", 0),
    ("atomic", 0),
    ("readback", 0),
    ("par", 0),
    ("scenario", 1),
    ("overrides", 2),
    ("testkit", 2),
    ("sim", 3),
    ("score", 4),
    ("results", 5),
    ("report", 6),
    ("batch", 6),
    ("play", 6),
    ("serve", 7),
    ("cli", 8),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

/// The source of a file without its trailing `#[cfg(test)]` module: tests may build what they need.
fn non_test(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests").map_or(text, |i| &text[..i])
}

/// Every `crate::NAME` a source names, including inside `use crate::{a, b}` groups.
fn named_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push(name);
            }
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn sources(root: &Path, dir: &Path, out: &mut BTreeMap<String, (String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap();
            let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
            let module = first.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            out.insert(rel.display().to_string(), (module, text));
        }
    }
}

#[test]
fn lower_layers_never_name_higher_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    sources(&root, &root, &mut files);
    let mut problems = Vec::new();
    for (file, (module, text)) in &files {
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer(module) else {
            problems.push(format!("src/{file}: module `{module}` has no layer in tests/layering.rs"));
            continue;
        };
        for named in named_modules(non_test(text)) {
            if named == *module {
                continue;
            }
            match layer(&named) {
                Some(l) if l < own => {}
                Some(l) => problems.push(format!(
                    "src/{file}: `{module}` (layer {own}) names `crate::{named}` (layer {l}); the graph runs scenario → sim → score → results → {{report, batch}} → cli"
                )),
                None => problems.push(format!("src/{file}: names `crate::{named}`, which has no layer")),
            }
        }
    }
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

#[test]
fn the_scenario_knows_no_bevy_the_engine_no_formats_and_reports_no_attack_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    sources(&root, &root, &mut files);
    // Renderers print the ATT&CK names stored in the results (in the scenario's pinned version);
    // none reads the ATT&CK table itself, which would pin a version of its own.
    let forbidden: &[(&str, &[&str])] = &[
        ("scenario", &["bevy_ecs"]),
        ("sim", &["serde_json", "serde_yaml", "saphyr", "clap", "yaml::"]),
        ("report", &["scenario::attack", "attack::catalog", "attack::{", "catalog("]),
    ];
    let mut problems = Vec::new();
    for (file, (module, text)) in &files {
        for (m, words) in forbidden {
            if module == m {
                for w in *words {
                    if non_test(text).contains(w) {
                        problems.push(format!("src/{file}: `{m}` must not use `{w}`"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let text = "use crate::{fmt, results::RunResults};\nlet x = crate::sim::run();";
    assert_eq!(named_modules(text), ["fmt", "results", "sim"]);
}
