//! Owns `--set PATH=VALUE` scenario overrides: parsing them, applying them to a loaded scenario
//! (keys by name, list elements by `id` or numeric index), and re-validating the result.
//!
//! VALUE is parsed as a YAML scalar or flow value (`12`, `0.3`, `3d`, `true`, `[a, b]`,
//! `{ mean: 2h }`) by the scenario loader's own YAML parser (`scenario::yaml::parse`). The
//! overridden scenario is then loaded again through the same loader as a file (JSON text is YAML),
//! so a bad value gets the same message, code and hint as in a file, and nothing is parsed twice
//! in two ways.

use serde_json::Value;

use crate::scenario::Scenario;
use crate::scenario::Severity;
use crate::scenario::suggest::did_you_mean;

/// One `PATH=VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted path, e.g. `nations.EST.team.analysts`.
    pub path: String,
    /// The value as written.
    pub value: String,
}

impl Override {
    /// Parses `PATH=VALUE` (split at the first `=`).
    pub fn parse(spec: &str) -> Result<Override, String> {
        let Some((path, value)) = spec.split_once('=') else {
            return Err(format!(
                "`--set {spec}` has no `=`; write PATH=VALUE, e.g. `--set nations.EST.team.analysts=12`"
            ));
        };
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!("`--set {spec}`: `{path}` is not a path; write keys and ids separated by dots"));
        }
        Ok(Override { path: path.to_string(), value: value.to_string() })
    }

    /// `PATH=VALUE`, as recorded in output metadata.
    pub fn text(&self) -> String {
        format!("{}={}", self.path, self.value)
    }
}

/// Parses an override's VALUE as a YAML scalar or flow value; an empty VALUE is null.
pub fn parse_value(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    let tree = crate::scenario::yaml::parse(text, &crate::scenario::yaml::Limits::default())
        .map_err(|e| format!("`{text}` is not a YAML value: {}", e.message))?;
    if let Some(n) = crate::scenario::de::non_finite_number(&tree) {
        let whole = if n == text.trim() { String::new() } else { format!("`{text}`: ") };
        return Err(format!("{whole}`{n}` is not a finite number; write digits, such as `12` or `0.25`"));
    }
    crate::scenario::de::from_tree::<Value>(&tree).map_err(|p| {
        let why = p.problems.first().map_or_else(|| "it cannot be read".to_string(), |p| p.message.clone());
        format!("`{text}` is not a YAML value: {why}")
    })
}

/// Why overrides could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideError {
    /// The override at fault (`PATH=VALUE`), if one.
    pub set: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.set {
            Some(s) => write!(f, "--set {s}: {}", self.message)?,
            None => f.write_str(&self.message)?,
        }
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OverrideError {}

fn element_id(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

/// Finds the node at `path` in `root`, explaining where it went wrong if it cannot.
fn locate<'a>(root: &'a mut Value, path: &str) -> Result<&'a mut Value, (String, Option<String>)> {
    let mut node = root;
    let mut walked = String::new();
    for seg in path.split('.') {
        let here = if walked.is_empty() { "the scenario".to_string() } else { format!("`{walked}`") };
        node = match node {
            Value::Object(map) => {
                if !map.contains_key(seg) {
                    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                    let hint = did_you_mean(seg, keys.iter().copied()).map(|k| format!("did you mean `{k}`? "));
                    return Err((
                        format!("unknown key `{seg}` in {here}"),
                        Some(format!("{}keys here: {}", hint.unwrap_or_default(), keys.join(", "))),
                    ));
                }
                map.get_mut(seg).ok_or_else(|| (format!("unknown key `{seg}`"), None))?
            }
            Value::Array(items) => {
                let ids: Vec<String> = items.iter().filter_map(element_id).map(str::to_string).collect();
                let by_id = items.iter().position(|v| element_id(v) == Some(seg));
                let pos = match (by_id, seg.parse::<usize>()) {
                    (Some(p), _) => p,
                    (None, Ok(i)) if i < items.len() => i,
                    (None, Ok(i)) => {
                        return Err((
                            format!("{here} has {} elements; index {i} is out of range", items.len()),
                            Some(format!("use an id ({}) or an index below {}", ids.join(", "), items.len())),
                        ));
                    }
                    (None, Err(_)) => {
                        let hint =
                            did_you_mean(seg, ids.iter().map(String::as_str)).map(|k| format!("did you mean `{k}`? "));
                        return Err((
                            format!("no element with id `{seg}` in {here}"),
                            Some(format!(
                                "{}ids here: {}",
                                hint.unwrap_or_default(),
                                if ids.is_empty() { "(none; use a numeric index)".to_string() } else { ids.join(", ") }
                            )),
                        ));
                    }
                };
                &mut items[pos]
            }
            Value::Null => {
                return Err((
                    format!("{here} is not set in this scenario, so `{seg}` cannot be reached inside it"),
                    Some(format!("set the whole value instead, e.g. `--set {walked}={{ {seg}: … }}`")),
                ));
            }
            _ => {
                return Err((
                    format!("{here} is a single value, not a map or a list; cannot go into `{seg}`"),
                    Some(format!("set `{walked}` itself")),
                ));
            }
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(seg);
    }
    Ok(node)
}

/// Applies `overrides` in order to a copy of `scenario` and re-validates it. Errors name the
/// override at fault and what to do; validation errors are listed with their paths.
pub fn apply(scenario: &Scenario, overrides: &[Override]) -> Result<Scenario, Vec<OverrideError>> {
    if overrides.is_empty() {
        return Ok(scenario.clone());
    }
    let one = |o: Option<&Override>, message: String, help: Option<String>| {
        vec![OverrideError { set: o.map(Override::text), message, help }]
    };
    let mut root =
        serde_json::to_value(scenario).map_err(|e| one(None, format!("cannot apply overrides: {e}"), None))?;
    for o in overrides {
        let value = parse_value(&o.value).map_err(|m| one(Some(o), m, None))?;
        let slot = locate(&mut root, &o.path).map_err(|(m, h)| one(Some(o), m, h))?;
        *slot = value;
    }
    // JSON text is YAML: the overridden scenario goes through the one loader, as a file would.
    let text = serde_json::to_string(&root).map_err(|e| one(None, format!("cannot apply overrides: {e}"), None))?;
    match crate::scenario::load_bytes("--set", text.as_bytes()) {
        Ok(loaded) => Ok(loaded.scenario),
        Err(rejected) => Err(rejected
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                // Messages about a value's form already name its path; rule findings do not.
                let message = if d.path.is_empty() || d.message.contains(&format!("`{}`", d.path)) {
                    format!("after --set: {}", d.message)
                } else {
                    format!("after --set, {}: {}", d.path, d.message)
                };
                OverrideError { set: None, message, help: d.help }
            })
            .collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drill() -> Scenario {
        let text = include_str!("../scenarios/ransomware-drill.yaml");
        match crate::scenario::load_bytes("drill", text.as_bytes()) {
            Ok(l) => l.scenario,
            Err(_) => panic!("the bundled drill must load"),
        }
    }

    #[test]
    fn bundled_scenarios_survive_the_json_round_trip() {
        for text in [
            include_str!("../scenarios/ransomware-drill.yaml"),
            include_str!("../scenarios/supply-chain.yaml"),
            include_str!("../scenarios/alliance-exercise.yaml"),
        ] {
            let s = crate::scenario::load_bytes("s", text.as_bytes()).map_err(|_| ()).unwrap().scenario;
            let v = serde_json::to_value(&s).unwrap();
            let back: Scenario = serde_json::from_value(v).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn sets_by_id_and_index() {
        let s = drill();
        let o = |t: &str| Override::parse(t).unwrap();
        let nation = s.nations[0].id.clone();
        let out = apply(&s, &[o(&format!("nations.{nation}.team.analysts=12")), o("clock.duration=3d")]).unwrap();
        assert_eq!(out.nations[0].team.analysts, 12);
        assert_eq!(out.clock.duration.secs(), 3 * 86_400);
        let out = apply(&s, &[o("nations.0.team.analysts=7")]).unwrap();
        assert_eq!(out.nations[0].team.analysts, 7);
    }

    #[test]
    fn bad_paths_are_located_with_hints() {
        let s = drill();
        let nation = s.nations[0].id.clone();
        let e = apply(&s, &[Override::parse(&format!("nations.{nation}.team.analystz=3")).unwrap()]).unwrap_err();
        let text = e[0].to_string();
        assert!(text.contains("unknown key `analystz`"), "{text}");
        assert!(text.contains("did you mean `analysts`"), "{text}");
        let e = apply(&s, &[Override::parse("nations.XXX.team.analysts=3").unwrap()]).unwrap_err();
        assert!(e[0].to_string().contains("no element with id `XXX`"), "{}", e[0]);
        let e = apply(&s, &[Override::parse("clock.duration=banana").unwrap()]).unwrap_err();
        assert!(!e.is_empty());
        assert!(Override::parse("nations").is_err());
    }

    #[test]
    fn bad_values_get_the_loaders_words_and_hints() {
        let s = drill();
        let o = |t: &str| Override::parse(t).unwrap();
        let e = apply(&s, &[o("nations.0.team.analysts=six")]).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            e[0].message,
            "after --set: `nations[0].team.analysts` must be a whole number ≥ 0, not the text `six`"
        );
        assert!(!e[0].to_string().contains("u32"), "{}", e[0]);
        let e = apply(&s, &[o("clock.duration=5 days")]).unwrap_err();
        assert_eq!(e.len(), 1, "what rests on ENDEX is not reported again: {e:?}");
        assert_eq!(e[0].help.as_deref(), Some("write `5d`"), "{e:?}");
        let e = apply(&s, &[o("exercise.startex=2027-02-31T08:00:00Z")]).unwrap_err();
        assert!(e[0].message.contains("February 2027 has 28 days"), "{e:?}");
        let e = apply(&s, &[o("nations.0.team.skills.detect=1.5")]).unwrap_err();
        assert_eq!(
            e[0].message,
            "after --set, nations[0].team.skills.detect: skill `detect` must lie in [0, 1], not 1.5"
        );
        let e = apply(&s, &[o("campaigns.0.actor.kind=StateSponsored")]).unwrap_err();
        assert!(e[0].help.as_deref().unwrap().contains("did you mean `state_sponsored`?"), "{e:?}");
    }

    #[test]
    fn values_are_yaml() {
        assert_eq!(parse_value("12").unwrap(), serde_json::json!(12));
        assert_eq!(parse_value("0.5").unwrap(), serde_json::json!(0.5));
        assert_eq!(parse_value("3d").unwrap(), serde_json::json!("3d"));
        assert_eq!(parse_value("\"+02:00\"").unwrap(), serde_json::json!("+02:00"));
        assert_eq!(parse_value("[EST, LVA]").unwrap(), serde_json::json!(["EST", "LVA"]));
        assert_eq!(parse_value("{ mean: 2h }").unwrap(), serde_json::json!({ "mean": "2h" }));
        assert_eq!(parse_value("").unwrap(), Value::Null);
        assert!(parse_value("[1, 2").unwrap_err().contains("is not a YAML value"));
        // Numbers a JSON value cannot hold were read as nothing (null), which unset an optional
        // value without a word.
        for bad in [".inf", "-.inf", ".nan", "1e400", "[1, .nan]", "{ mean: -1e999 }"] {
            assert!(parse_value(bad).unwrap_err().contains("is not a finite number"), "{bad}");
        }
        assert_eq!(parse_value("'.inf'").unwrap(), serde_json::json!(".inf"), "quoted: text");
        assert_eq!(parse_value("1e300").unwrap(), serde_json::json!(1e300));
    }
}
