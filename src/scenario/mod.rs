//! Scenario files: the format's types, the YAML loader and the semantic validator. Knows nothing of bevy.
//!
//! [`load_file`] and [`load_bytes`] are the library API behind `cydex validate`: they read, parse,
//! deserialize and validate in one pass and return either a [`Loaded`] scenario (with any warnings)
//! or every [`Diagnostic`] found.

pub mod attack;
pub mod budget;
pub mod de;
pub mod diagnostic;
pub mod duration;
pub mod model;
pub mod schema;
pub(crate) mod suggest;
pub mod time;
pub(crate) mod timing;
pub mod validate;
pub mod yaml;

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

pub use diagnostic::{Diagnostic, Severity, SourceText};
pub use model::Scenario;
use yaml::{Limits, Pos};

/// A scenario that parsed and validated.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario.
    pub scenario: Scenario,
    /// Its text, for reports and later diagnostics.
    pub source: SourceText,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Warnings (the scenario is valid despite them).
    pub warnings: Vec<Diagnostic>,
}

/// A scenario that could not be read, parsed or validated: every problem found.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Errors first, then warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Rejected {
    fn one(d: Diagnostic) -> Rejected {
        Rejected { diagnostics: vec![d] }
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }
}

/// Reads and validates the scenario at `path`, never reading more than the size limit.
pub fn load_file(path: &Path) -> Result<Loaded, Rejected> {
    let name = path.display().to_string();
    let limits = Limits::default();
    let unreadable = |e: std::io::Error| {
        Rejected::one(Diagnostic::file_level(
            "unreadable",
            &name,
            format!("cannot read `{name}`: {e}"),
            Some("check the path and its permissions".to_string()),
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(Rejected::one(Diagnostic::file_level(
            "unreadable",
            &name,
            format!("`{name}` is a directory, not a scenario file"),
            Some("name a .yaml file".to_string()),
        )));
    }
    let mut bytes = Vec::new();
    file.take(limits.max_bytes as u64 + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    load_bytes(&name, &bytes)
}

/// Parses and validates scenario `bytes` named `name` (used in messages).
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Loaded, Rejected> {
    load_with_limits(name, bytes, &Limits::default())
}

/// [`load_bytes`] with explicit input limits.
pub fn load_with_limits(name: &str, bytes: &[u8], limits: &Limits) -> Result<Loaded, Rejected> {
    if bytes.len() > limits.max_bytes {
        return Err(Rejected::one(Diagnostic::file_level(
            "too-large",
            name,
            format!("`{name}` is larger than the {} byte limit for scenarios", limits.max_bytes),
            Some(
                "host groups expand `count` hosts, so even alliance-scale scenarios stay small; see README \"Limits\""
                    .into(),
            ),
        )));
    }
    let sha256 = hex(&Sha256::digest(bytes));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = String::from_utf8_lossy(&good[good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)..])
                .chars()
                .count()
                + 1;
            return Err(Rejected::one(Diagnostic::file_level(
                "not-utf8",
                name,
                format!(
                    "`{name}` is not UTF-8 text: invalid byte at line {line}, column {col} (byte {})",
                    e.valid_up_to()
                ),
                Some("save the scenario as UTF-8; is this really a YAML file?".into()),
            )));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = SourceText::new(name, text);
    let tree = match yaml::parse(text, limits) {
        Ok(t) => t,
        Err(e) => {
            let at = e.at.map(|p| (p, Pos { line: p.line, col: p.col + 1 }));
            return Err(Rejected::one(Diagnostic::new(
                Severity::Error,
                "syntax",
                e.message,
                String::new(),
                &source,
                at,
                e.label,
                e.help,
            )));
        }
    };
    let (scenario, mut diagnostics, partial) = match de::from_tree::<Scenario>(&tree) {
        Ok(s) => (s, Vec::new(), None),
        Err(partial) => {
            let diagnostics: Vec<Diagnostic> = partial
                .problems
                .iter()
                .map(|p| {
                    let span = tree.node(p.node).span;
                    let path = tree.path_of(p.node);
                    let (code, msg, label, help) = (p.code, p.message.clone(), p.label.clone(), p.help.clone());
                    Diagnostic::new(
                        Severity::Error,
                        code,
                        msg,
                        path,
                        &source,
                        Some((span.start, span.end)),
                        label,
                        help,
                    )
                })
                .collect();
            match partial.value {
                // Nothing to check further: report what was found.
                None => return Err(Rejected { diagnostics: sorted(diagnostics) }),
                Some(ref v) => (v.clone(), diagnostics, Some(partial)),
            }
        }
    };
    // Semantic checks run even on a partly broken scenario, so one pass reports everything; findings
    // about values that were replaced or left out during recovery are consequences, not news.
    for f in validate::validate(&scenario) {
        let (node, exact) = tree.locate(&written_path(&tree, &f.path), f.at_key);
        if let Some(p) = &partial {
            if f.derived {
                continue;
            }
            let mut at = Some(node);
            let mut tainted = !exact && p.filled.contains(&node);
            while let Some(n) = at {
                tainted |= p.suspect.contains(&n);
                at = tree.node(n).parent;
            }
            for other in &f.rests_on {
                let (n, found) = tree.locate(&written_path(&tree, other), false);
                tainted |= found && p.suspect.contains(&n);
            }
            if tainted {
                continue;
            }
        }
        let span = tree.node(node).span;
        let path = if exact { tree.path_of(node) } else { validate::show_path(&f.path) };
        diagnostics.push(Diagnostic::new(
            f.severity,
            f.code,
            f.message,
            path,
            &source,
            Some((span.start, span.end)),
            f.label,
            f.help,
        ));
    }
    let diagnostics = capped(sorted(diagnostics), &source);
    if partial.is_some() || diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Rejected { diagnostics });
    }
    Ok(Loaded { scenario, source, sha256, warnings: diagnostics })
}

/// `path` (in the model's key names) as written in the file: a key the file spells by its alias
/// (`mel_mil` for `msel`, [`model::KEY_ALIASES`]) is renamed so the finding points at the text.
fn written_path(tree: &yaml::Tree, path: &[yaml::Seg]) -> Vec<yaml::Seg> {
    let mut out = path.to_vec();
    for i in 0..out.len() {
        let yaml::Seg::Key(key) = &out[i] else { continue };
        let Some(&(_, alias)) = model::KEY_ALIASES.iter().find(|(k, _)| k == key) else { continue };
        let (_, found) = tree.locate(&out[..=i], false);
        let mut aliased = out[..=i].to_vec();
        aliased[i] = yaml::Seg::Key(alias.to_string());
        if !found && tree.locate(&aliased, false).1 {
            out[i] = yaml::Seg::Key(alias.to_string());
        }
    }
    out
}

/// At most [`de::MAX_PROBLEMS`] diagnostics (errors first), then one line saying how many more.
fn capped(mut d: Vec<Diagnostic>, source: &diagnostic::SourceText) -> Vec<Diagnostic> {
    if d.len() <= de::MAX_PROBLEMS {
        return d;
    }
    let rest = d.split_off(de::MAX_PROBLEMS);
    let severity = rest.iter().map(|x| x.severity).min().unwrap_or(Severity::Warning);
    d.push(Diagnostic::new(
        severity,
        "too-many-problems",
        format!("and {} more problem(s) not shown: cydex reports at most {} per file", rest.len(), de::MAX_PROBLEMS),
        String::new(),
        source,
        None,
        String::new(),
        Some("fix the problems shown, then validate again".into()),
    ));
    d
}

/// Errors before warnings; within each, in file order.
fn sorted(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    d.sort_by_key(|d| (d.severity, d.location.map_or((0, 0), |l| (l.line, l.column))));
    d
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
