//! The JSON Schema of the scenario format, for editors: generated from the model types
//! (`schemars`), with the validator's per-value rules written into it so that an editor flags what
//! `cydex validate` refuses.
//!
//! What the schema checks: keys, types and enum values; the accepted text of durations, STARTEX,
//! UTC offsets, nation codes, ids, ATT&CK ids, CSF tags and `attack_version`; numeric ranges
//! (fractions in [0, 1], `quorum` and `entry.fraction` in (0, 1], counts that must be at least 1,
//! durations that must be positive, score weights and rating thresholds); list lengths; which
//! keys are required, including those the validator requires of a value (an inject's `at` or
//! `trigger`, an objective's `metric` and `target`, a trigger's `campaign` or `inject`); the form of
//! an objective's target for its metric; the two shapes of an inject expectation (`action` with
//! `within`, or `response: manual` with `description` and `points` > 0); and the `mel_mil` alias. What only the whole scenario can
//! tell (references, uniqueness, reachability, cycles, times after ENDEX …) is left to
//! `cydex validate`. The repository commits the output as `cydex.schema.json`.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use super::duration::{DURATION_PATTERN, Duration};
use super::model::{EXPECTABLE_ACTIONS, KEY_ALIASES, Metric};

/// Ids of nations' teams, segments, host groups, services, providers, agreements, campaigns,
/// injects and objectives: non-empty, without whitespace.
pub const ID_PATTERN: &str = r"^\S+$";
/// An ATT&CK tactic id: `TA` and four digits.
pub const TACTIC_PATTERN: &str = "^TA[0-9]{4}$";
/// An ATT&CK technique id: `T` and four digits, optionally `.` and three digits.
pub const TECHNIQUE_PATTERN: &str = r"^T[0-9]{4}(\.[0-9]{3})?$";
/// A NIST CSF 2.0 category (`RS.MI`) or subcategory (`DE.AE-08`).
pub const CSF_PATTERN: &str = r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}(-[0-9]{2})?$";

/// The schema of scenario format v1 as JSON.
pub fn json_schema() -> Value {
    let mut schema = schemars::schema_for!(super::model::Scenario);
    schema.insert("$id".into(), "https://cydex.invalid/schema/scenario-v1.json".into());
    schema.insert("title".into(), "cydex scenario (format v1)".into());
    let mut value = schema.to_value();
    tighten(&mut value);
    value
}

/// The schema pretty-printed, with a final newline: what `cydex schema` prints.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// Rules that hold for every schema of the format, applied after generation:
/// * every mapping refuses unknown keys, including the parameters of enum values
///   (`{ exfiltrate: { … } }`), as the loader does;
/// * integers are bounded by the Rust type that holds them (`uint32` ≤ 4294967295 …);
/// * plain text also accepts numbers and booleans, which the loader reads as their text
///   (`title: 2027`); text with a pattern stays text.
fn tighten(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let is_object = map.get("type").and_then(Value::as_str) == Some("object");
            if is_object && map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            let bounds = match map.get("format").and_then(Value::as_str) {
                Some("uint32") => Some((Value::from(0), Value::from(u32::MAX))),
                Some("uint64") => Some((Value::from(0), Value::from(u64::MAX))),
                Some("int32") => Some((Value::from(i32::MIN), Value::from(i32::MAX))),
                _ => None,
            };
            if let Some((lo, hi)) = bounds {
                map.entry("minimum").or_insert(lo);
                map.entry("maximum").or_insert(hi);
            }
            let unconstrained = !["pattern", "enum", "const", "format"].iter().any(|k| map.contains_key(*k));
            match map.get_mut("type") {
                Some(t @ Value::String(_)) if unconstrained && t == "string" => {
                    *t = serde_json::json!(["string", "number", "boolean"]);
                }
                Some(Value::Array(types)) if unconstrained && types.iter().any(|t| t == "string") => {
                    for extra in ["number", "boolean"] {
                        if !types.iter().any(|t| t == extra) {
                            types.push(Value::from(extra));
                        }
                    }
                }
                _ => {}
            }
            map.values_mut().for_each(tighten);
        }
        Value::Array(items) => items.iter_mut().for_each(tighten),
        _ => {}
    }
}

/// A duration that must be longer than zero: a [`Duration`] with a non-zero digit.
pub struct PositiveDuration;

impl JsonSchema for PositiveDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PositiveDuration".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let duration = generator.subschema_for::<Duration>();
        json_schema!({
            "description": "A duration longer than zero.",
            "allOf": [duration, { "pattern": "[1-9]" }],
        })
    }
}

/// Nation ids: ISO 3166-1 alpha-3 codes officially assigned, or user-assigned (`AAA`–`AAZ`,
/// `QMA`–`QZZ`, `XAA`–`XZZ`, `ZZA`–`ZZZ`), exactly as `validate::is_iso_alpha3` accepts.
pub fn nation_code(_: &mut SchemaGenerator) -> Schema {
    let official = super::validate::ISO_ALPHA3.replace(' ', "|");
    let pattern = format!("^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{{2}}|ZZ[A-Z]|{official})$");
    json_schema!({ "type": "string", "pattern": pattern })
}

/// `attack_version`: a bundled ATT&CK Enterprise version, written `18.1`, `v18.1` or
/// `enterprise-attack/18.1`.
pub fn attack_version(_: &mut SchemaGenerator) -> Schema {
    let versions: Vec<String> = super::attack::supported_versions().iter().map(|v| v.replace('.', r"\.")).collect();
    let pattern = format!("^(enterprise-attack/)?v?({})$", versions.join("|"));
    // Unquoted, `18.1` is a number in YAML; the loader reads its text, so it is accepted too.
    let numbers: Vec<f64> = super::attack::supported_versions().iter().filter_map(|v| v.parse().ok()).collect();
    json_schema!({
        "anyOf": [{ "type": "string", "pattern": pattern }, { "type": "number", "enum": numbers }],
        "default": super::model::default_attack_version(),
    })
}

fn object(schema: &mut Schema) -> Option<&mut Map<String, Value>> {
    schema.as_object_mut()
}

fn push_required(schema: &mut Schema, keys: &[&str]) {
    if let Some(map) = object(schema)
        && let Value::Array(list) = map.entry("required").or_insert_with(|| Value::Array(Vec::new()))
    {
        for k in keys {
            if !list.iter().any(|v| v == k) {
                list.push(Value::from(*k));
            }
        }
    }
}

fn push_all_of(schema: &mut Schema, rule: Value) {
    if let Some(map) = object(schema)
        && let Value::Array(list) = map.entry("allOf").or_insert_with(|| Value::Array(Vec::new()))
    {
        list.push(rule);
    }
}

/// The root: each aliased key (`mel_mil` for `msel`) accepted with the same schema, never both.
pub fn scenario(schema: &mut Schema) {
    let Some(map) = object(schema) else { return };
    let Some(Value::Object(props)) = map.get_mut("properties") else { return };
    let mut added = Vec::new();
    for &(key, alias) in KEY_ALIASES {
        if let Some(mut s) = props.get(key).cloned() {
            if let Value::Object(m) = &mut s {
                m.insert(
                    "description".into(),
                    Value::from(format!("Another name for `{key}`; write one or the other.")),
                );
            }
            props.insert(alias.to_string(), s);
            added.push(serde_json::json!({ "not": { "required": [key, alias] } }));
        }
    }
    for rule in added {
        push_all_of(schema, rule);
    }
}

/// An objective: `metric` and `target` are required by the validator, and the target's form
/// depends on the metric.
pub fn objective(schema: &mut Schema) {
    push_required(schema, &["metric", "target"]);
    drop_defaults(schema, &["metric", "target"]);
    let durations: Vec<&str> =
        Metric::ALL.iter().filter(|m| m.name().starts_with("time_to_")).map(|m| m.name()).collect();
    let rule = |metrics: Value, target: Value| {
        serde_json::json!({
            "if": { "properties": { "metric": { "enum": metrics } }, "required": ["metric"] },
            "then": { "properties": { "target": target } },
        })
    };
    for r in [
        rule(serde_json::json!(durations), serde_json::json!({ "type": "string", "pattern": DURATION_PATTERN })),
        rule(
            serde_json::json!(["service_availability"]),
            serde_json::json!({ "anyOf": [
                { "type": "number", "minimum": 0, "maximum": 1 },
                { "type": "string", "pattern": AVAILABILITY_PATTERN },
            ] }),
        ),
        rule(
            serde_json::json!(["data_lost", "hosts_compromised"]),
            serde_json::json!({ "anyOf": [
                { "type": "integer", "minimum": 0, "maximum": u64::MAX },
                { "type": "string", "pattern": r"^\s*\+?[0-9]+\s*$" },
            ] }),
        ),
        rule(
            serde_json::json!(["stopped_before_impact"]),
            serde_json::json!({ "anyOf": [{ "type": "boolean" }, { "enum": ["true", "false"] }] }),
        ),
    ] {
        push_all_of(schema, r);
    }
}

/// An availability target written as text: a fraction in [0, 1] (`0.95`) or a percentage in
/// [0, 100] (`95%`), in plain decimal notation.
const AVAILABILITY_PATTERN: &str = concat!(
    r"^\s*(",
    r"0*\.[0-9]+|0+\.?|0*1(\.0*)?",
    r"|(0*100(\.0*)?|0*[0-9]{1,2}(\.[0-9]*)?|0*\.[0-9]+)\s*%",
    r")\s*$"
);

/// `key` is given and not null (`key: null` means absent to the loader).
fn given(key: &str) -> Value {
    serde_json::json!({ "required": [key], "properties": { key: { "not": { "type": "null" } } } })
}

/// Removes the `default` the generator wrote for properties the validator requires.
fn drop_defaults(schema: &mut Schema, keys: &[&str]) {
    if let Some(Value::Object(props)) = object(schema).and_then(|m| m.get_mut("properties")) {
        for k in keys {
            if let Some(Value::Object(p)) = props.get_mut(*k) {
                p.remove("default");
            }
        }
    }
}

/// An inject has exactly one of `at` and `trigger`.
pub fn inject(schema: &mut Schema) {
    drop_defaults(schema, &["at", "trigger"]);
    push_all_of(schema, serde_json::json!({ "oneOf": [given("at"), given("trigger")] }));
}

/// An expectation's `action`: one of the players' action types.
pub fn expectable_action(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "enum": EXPECTABLE_ACTIONS })
}

/// An expectation is an automatic check (`action` and `within`, `points` optional; no `response`) or a
/// manual response (`response`, `description` and `points` > 0; no `action`, `within`, `to` or
/// `campaign`).
pub fn expectation(schema: &mut Schema) {
    if let Some(Value::Object(props)) = object(schema).and_then(|m| m.get_mut("properties"))
        && let Some(Value::Object(points)) = props.get_mut("points")
    {
        points.insert("exclusiveMinimum".into(), Value::from(0));
    }
    let absent =
        |keys: &[&str]| -> Vec<Value> { keys.iter().map(|k| serde_json::json!({ "not": given(k) })).collect() };
    let mut action = vec![given("action"), given("within")];
    action.extend(absent(&["response"]));
    let mut manual = vec![given("response"), given("description"), given("points")];
    manual.extend(absent(&["action", "within", "to", "campaign"]));
    push_all_of(schema, serde_json::json!({ "oneOf": [{ "allOf": action }, { "allOf": manual }] }));
}

/// A trigger names the campaign of a campaign event and the inject of `inject_delivered`.
pub fn trigger(schema: &mut Schema) {
    let needs = |events: Value, key: &str| {
        serde_json::json!({
            "if": { "properties": { "event": { "enum": events } }, "required": ["event"] },
            "then": given(key),
        })
    };
    push_all_of(schema, needs(serde_json::json!(["first_compromise", "first_detection", "impact"]), "campaign"));
    push_all_of(schema, needs(serde_json::json!(["inject_delivered"]), "inject"));
}

/// An entry without a supply-chain `fraction` needs at least one foothold.
pub fn entry(schema: &mut Schema) {
    push_all_of(
        schema,
        serde_json::json!({
            "if": { "anyOf": [
                { "not": { "required": ["fraction"] } },
                { "properties": { "fraction": { "type": "null" } } },
            ] },
            "then": { "properties": { "footholds": { "minimum": 1 } } },
        }),
    );
}

/// A generated network: each kind requires its parameters (`random` a positive `mean_degree`,
/// `tree` a `branching` ≥ 1, `small_world` an even `neighbours` ≥ 2). What depends on the host
/// count (a degree below it) is left to the validator.
pub fn topology(schema: &mut Schema) {
    if let Some(Value::Object(props)) = object(schema).and_then(|m| m.get_mut("properties")) {
        let bound = |props: &mut Map<String, Value>, key: &str, rule: Value| {
            if let Some(Value::Object(p)) = props.get_mut(key)
                && let Value::Object(r) = rule
            {
                p.extend(r);
            }
        };
        bound(props, "mean_degree", serde_json::json!({ "exclusiveMinimum": 0 }));
        bound(props, "branching", serde_json::json!({ "minimum": 1 }));
        bound(props, "neighbours", serde_json::json!({ "minimum": 2, "multipleOf": 2 }));
    }
    for (kind, key) in [("random", "mean_degree"), ("tree", "branching"), ("small_world", "neighbours")] {
        push_all_of(
            schema,
            serde_json::json!({
                "if": { "properties": { "kind": { "const": kind } }, "required": ["kind"] },
                "then": given(key),
            }),
        );
    }
}

/// Score weights may not all be zero (omitted weights take their non-zero defaults).
pub fn weights(schema: &mut Schema) {
    let keys = ["availability", "attack_resistance", "incident_response", "reporting"];
    let zero: Map<String, Value> = keys.iter().map(|k| (k.to_string(), serde_json::json!({ "const": 0 }))).collect();
    push_all_of(schema, serde_json::json!({ "not": { "properties": zero, "required": keys } }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_deterministic_and_pretty() {
        let a = text();
        assert_eq!(a, text());
        assert!(a.ends_with("}\n"));
        let v: Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["properties"]["cydex"]["const"], 1);
        assert!(v["properties"]["mel_mil"].is_object());
    }
}
