//! A serde `Deserializer` over the located YAML tree that recovers from errors, so one pass over a
//! scenario reports every unknown key, wrong type and bad value — each at its own line and column.
//!
//! How recovery works: unknown keys are checked against the struct's field list before serde sees
//! the mapping, so they never abort deserialization. Any other error aborts the attempt; the node it
//! came from is recorded, added to a skip set, and the whole tree is deserialized again with that
//! node left out. A required key that was left out makes its mapping fail with "missing field",
//! which is recognised as a consequence (not reported) and climbs one level, until the attempt
//! succeeds or the root is reached. Each attempt adds one node to the skip set, so it terminates.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use super::model::KEY_ALIASES;
use super::suggest::did_you_mean;
use super::yaml::{NodeId, NodeKind, Tree};

/// Most problems reported from one file.
pub const MAX_PROBLEMS: usize = 100;

/// Most node visits spent on error recovery (attempts × nodes).
const WORK_BUDGET: usize = 20_000_000;

/// A problem found while turning the tree into model types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Short stable code, e.g. `unknown-key`.
    pub code: &'static str,
    /// The node it is about.
    pub node: NodeId,
    /// Point at the node's key rather than its value.
    pub at_key: bool,
    /// One-line message.
    pub message: String,
    /// Label under the source snippet.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// What recovery left behind when a scenario had problems: the best-effort value (bad values
/// replaced by neutral placeholders or left out), the problems, and which nodes are not to be trusted,
/// so that semantic validation can run on the partial value without reporting consequences twice.
#[derive(Debug)]
pub struct Partial<T> {
    /// The value, if any attempt got that far.
    pub value: Option<T>,
    /// Every problem found.
    pub problems: Vec<Problem>,
    /// Nodes whose value was replaced or dropped.
    pub suspect: BTreeSet<NodeId>,
    /// Mappings into which placeholder values were inserted for missing keys.
    pub filled: BTreeSet<NodeId>,
}

/// The first plain scalar of `tree` that reads as a number outside the finite ones (`.inf`,
/// `.nan`, `1e400`), which a JSON value cannot hold: `--set` refuses it rather than read it as
/// nothing.
pub fn non_finite_number(tree: &Tree) -> Option<&str> {
    (0..tree.len() as NodeId).find_map(|id| match &tree.node(id).kind {
        NodeKind::Scalar { text, quoted } => match resolve(text, *quoted) {
            Plain::Float(f) if !f.is_finite() => Some(text.as_str()),
            _ => None,
        },
        _ => None,
    })
}

/// Deserializes `T` from `tree`, reporting every problem found (up to [`MAX_PROBLEMS`]).
pub fn from_tree<T: DeserializeOwned>(tree: &Tree) -> Result<T, Partial<T>> {
    let mut soft = BTreeSet::new();
    let mut hard = BTreeSet::new();
    let mut missing: BTreeSet<(NodeId, &'static str)> = BTreeSet::new();
    let mut problems: Vec<Problem> = Vec::new();
    let push = |problems: &mut Vec<Problem>, p: Problem| {
        if !problems.iter().any(|q| q.node == p.node && q.message == p.message) {
            problems.push(p);
        }
    };
    let mut value = None;
    // Each attempt walks the whole tree; bound the total work so a huge file full of errors still
    // answers quickly (the first problems are reported, which is what a planner fixes first).
    let attempts = (WORK_BUDGET / tree.len().max(1)).clamp(16, MAX_PROBLEMS * 8);
    for _ in 0..attempts {
        let state = State { tree, soft: &soft, hard: &hard, missing: &missing, found: RefCell::new(Vec::new()) };
        let result = T::deserialize(NodeDe { st: &state, id: tree.root(), key: false });
        for p in state.found.take() {
            push(&mut problems, p);
        }
        match result {
            Ok(v) if problems.is_empty() => return Ok(v),
            Ok(v) => {
                value = Some(v);
                break;
            }
            Err(e) => {
                let (node, at_key) = e.origin.unwrap_or((tree.root(), false));
                let missing_field = match e.kind {
                    Kind::MissingField(name) => Some(name),
                    _ => None,
                };
                if !e.cascade {
                    push(&mut problems, e.into_problem(tree, node, at_key));
                }
                if problems.len() >= MAX_PROBLEMS {
                    break;
                }
                // A missing key gets a placeholder on the next attempt.
                if let Some(name) = missing_field
                    && missing.insert((node, name))
                {
                    continue;
                }
                // A bad key (an unknown enum variant written as a map key) poisons its mapping.
                let poison = if at_key { tree.node(node).parent.unwrap_or(tree.root()) } else { node };
                if poison == tree.root() {
                    break;
                }
                // First replace the value by a placeholder; if even that fails, leave it out.
                if !soft.insert(poison) && !hard.insert(poison) {
                    break;
                }
            }
        }
    }
    if problems.is_empty() {
        problems.push(Problem {
            code: "invalid",
            node: tree.root(),
            at_key: false,
            message: "the scenario could not be read".to_string(),
            label: "here".to_string(),
            help: None,
        });
    }
    let filled = missing.iter().map(|&(n, _)| n).collect();
    Err(Partial { value, problems, suspect: soft.union(&hard).copied().collect(), filled })
}

struct State<'t> {
    tree: &'t Tree,
    /// Values replaced by a neutral placeholder.
    soft: &'t BTreeSet<NodeId>,
    /// Values left out entirely.
    hard: &'t BTreeSet<NodeId>,
    /// (mapping, key) pairs that were missing and get a placeholder.
    missing: &'t BTreeSet<(NodeId, &'static str)>,
    /// Problems that did not abort the attempt (unknown keys).
    found: RefCell<Vec<Problem>>,
}

/// The error type threaded through serde. Carries where it came from.
#[derive(Debug)]
pub struct Error {
    kind: Kind,
    origin: Option<(NodeId, bool)>,
    cascade: bool,
}

#[derive(Debug)]
enum Kind {
    Custom(String),
    /// A value of the wrong type (`invalid_type`) or out of the type's range (`invalid_value`),
    /// both already in words: what was written and what was expected.
    Mismatch {
        code: &'static str,
        found: String,
        expected: String,
        hint: Option<String>,
    },
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
}

/// Separates the parts of a [`coded_message`].
const SEP: char = '\u{1f}';

/// Codes a value's own deserializer may give its errors (see [`coded_message`]).
const CODES: &[&str] =
    &["invalid-duration", "invalid-datetime", "invalid-utc-offset", "invalid-value", "invalid-type", "duplicate-key"];

/// A custom serde error message that carries its own diagnostic code and hint through serde's
/// text-only `Error::custom`. The model's hand-written value types (durations, STARTEX, UTC
/// offsets) use it so that their refusals reach the planner with a stable code and a separate
/// "help:" line. `code` must be one of [`CODES`]; the loader splits the parts again.
pub fn coded_message(code: &'static str, message: &str, hint: Option<&str>) -> String {
    format!("{message}{SEP}{code}{SEP}{}", hint.unwrap_or(""))
}

/// The (code, message, hint) of a [`coded_message`]; plain messages have neither code nor hint.
fn decode(msg: &str) -> (Option<&'static str>, &str, Option<String>) {
    let mut parts = msg.splitn(3, SEP);
    let message = parts.next().unwrap_or("");
    let code = parts.next().and_then(|c| CODES.iter().copied().find(|k| *k == c));
    let hint = parts.next().filter(|h| !h.is_empty()).map(str::to_string);
    (code, message, hint)
}

/// What serde's name of an expected type means to a planner, and how to write such a value.
fn expected_words(expected: &str) -> (&'static str, Option<&'static str>) {
    let whole = Some("write digits only, such as `3`: no quotes, units or decimal point");
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => ("a whole number ≥ 0", whole),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => ("a whole number", whole),
        "f32" | "f64" => ("a number", Some("write a decimal number such as `0.25`: no quotes, no % sign")),
        "a string" | "a borrowed string" | "a string or bytes" | "a char" => {
            ("text", Some("write text; quote it (`\"…\"`) if YAML reads it as something else"))
        }
        "a boolean" => ("`true` or `false`", None),
        "a sequence" => ("a list", Some("write a list as `[a, b]`, or as one `- item` per line")),
        "a map" => ("a mapping", Some("write `key: value` pairs, indented under this key, or `{ key: value }`")),
        "unit" => ("nothing", None),
        e if e.starts_with("struct ") || e.starts_with("struct variant ") => {
            ("a mapping", Some("write `key: value` pairs, indented under this key, or `{ key: value }`"))
        }
        _ => ("", None),
    }
}

/// A written value, as a planner would describe it.
fn found_words(u: de::Unexpected<'_>) -> String {
    use de::Unexpected as U;
    match u {
        U::Bool(b) => format!("`{b}`"),
        U::Unsigned(n) => format!("the number `{n}`"),
        U::Signed(n) => format!("the number `{n}`"),
        // Far from 1, in scientific notation: `1e300`, not three hundred digits.
        U::Float(f) if f != 0.0 && !(1e-6..1e16).contains(&f.abs()) => format!("the number `{f:e}`"),
        U::Float(f) => format!("the number `{f}`"),
        U::Char(c) => format!("the text `{c}`"),
        U::Str("") => "empty text".to_string(),
        U::Str(s) => format!("the text `{s}`"),
        U::Bytes(_) => "bytes".to_string(),
        U::Unit | U::Option => "nothing (an empty value)".to_string(),
        U::Seq => "a list".to_string(),
        U::Map => "a mapping".to_string(),
        U::NewtypeStruct | U::NewtypeVariant | U::TupleVariant | U::StructVariant | U::UnitVariant | U::Enum => {
            "a value of another kind".to_string()
        }
        U::Other(o) => o.to_string(),
    }
}

/// A mismatch error in words. `expected` is serde's description of the expected type, which is
/// either a Rust type name (translated) or, for the model's own types, already a phrase.
fn mismatch(code: &'static str, found: de::Unexpected<'_>, expected: &dyn de::Expected) -> Error {
    let exp = expected.to_string();
    let (words, hint) = expected_words(&exp);
    let mut hint = hint.map(str::to_string);
    if code == "invalid-value" {
        let max = match exp.as_str() {
            "u8" => Some(u64::from(u8::MAX)),
            "u16" => Some(u64::from(u16::MAX)),
            "u32" => Some(u64::from(u32::MAX)),
            _ => None,
        };
        let range = match exp.as_str() {
            "i8" => Some((i64::from(i8::MIN), i64::from(i8::MAX))),
            "i16" => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
            "i32" => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            _ => None,
        };
        hint = match (found, max, range) {
            (de::Unexpected::Signed(n), _, _) if n < 0 && words == "a whole number ≥ 0" => {
                Some("write 0 or more".to_string())
            }
            (_, Some(max), _) => Some(format!("the largest allowed here is {max}")),
            (_, _, Some((lo, hi))) => Some(format!("write a whole number from {lo} to {hi}")),
            _ => hint,
        };
    }
    let expected = if words.is_empty() { exp } else { words.to_string() };
    Error { kind: Kind::Mismatch { code, found: found_words(found), expected, hint }, origin: None, cascade: false }
}

impl Error {
    fn tag(mut self, id: NodeId, key: bool) -> Self {
        if self.origin.is_none() {
            self.origin = Some((id, key));
        }
        self
    }

    fn into_problem(self, tree: &Tree, node: NodeId, at_key: bool) -> Problem {
        let path = tree.path_of(node);
        let place = if path.is_empty() { "the top level".to_string() } else { format!("`{path}`") };
        match self.kind {
            Kind::UnknownVariant { variant, expected } => Problem {
                code: "unknown-value",
                node,
                at_key,
                message: format!("`{variant}` is not a valid value for {place}"),
                label: "not one of the allowed values".to_string(),
                help: Some(hint_one_of(&variant, expected)),
            },
            Kind::MissingField(field) => Problem {
                code: "missing-key",
                node: mapping_handle(tree, node),
                at_key: true,
                message: format!("{place} is missing the required key `{field}`"),
                label: format!("`{field}` is required in this mapping"),
                help: Some(format!("add `{field}: …`; see docs/scenario-format.md for its type")),
            },
            Kind::UnknownField { field, expected } => unknown_key(node, &field, &place, expected),
            Kind::Mismatch { code, found, expected, hint } => Problem {
                code,
                node,
                at_key,
                message: format!("{place} must be {expected}, not {found}"),
                label: format!("not {expected}"),
                help: hint,
            },
            Kind::Custom(msg) => {
                let (code, message, help) = decode(&msg);
                Problem {
                    code: code.unwrap_or("invalid-value"),
                    node,
                    at_key,
                    message: format!("{place}: {message}"),
                    label: "here".to_string(),
                    help,
                }
            }
        }
    }
}

/// The node to point at for a whole mapping: its key in the parent mapping (`team:`), or, for a
/// list item, its first key.
fn mapping_handle(tree: &Tree, map: NodeId) -> NodeId {
    if let Some(parent) = tree.node(map).parent
        && let NodeKind::Map(entries) = &tree.node(parent).kind
        && let Some(&(k, _)) = entries.iter().find(|&&(_, v)| v == map)
    {
        return k;
    }
    match &tree.node(map).kind {
        NodeKind::Map(entries) => entries.first().map_or(map, |&(k, _)| k),
        _ => map,
    }
}

fn unknown_key(node: NodeId, field: &str, place: &str, expected: &[&str]) -> Problem {
    let allowed = expected.join(", ");
    let help = match did_you_mean(field, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? Keys allowed here: {allowed}"),
        None => format!("keys allowed here: {allowed}"),
    };
    Problem {
        code: "unknown-key",
        node,
        at_key: true,
        message: format!("unknown key `{field}` in {place}"),
        label: "not a key here".to_string(),
        help: Some(help),
    }
}

fn hint_one_of(value: &str, expected: &[&str]) -> String {
    let all = expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
    match did_you_mean(value, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? Expected one of: {all}"),
        None => format!("expected one of: {all}"),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Custom(m) => f.write_str(decode(m).1),
            Kind::Mismatch { found, expected, .. } => write!(f, "expected {expected}, not {found}"),
            Kind::UnknownVariant { variant, .. } => write!(f, "unknown variant `{variant}`"),
            Kind::MissingField(name) => write!(f, "missing field `{name}`"),
            Kind::UnknownField { field, .. } => write!(f, "unknown field `{field}`"),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error { kind: Kind::Custom(msg.to_string()), origin: None, cascade: false }
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error { kind: Kind::UnknownVariant { variant: variant.to_string(), expected }, origin: None, cascade: false }
    }
    fn missing_field(field: &'static str) -> Self {
        Error { kind: Kind::MissingField(field), origin: None, cascade: false }
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error { kind: Kind::UnknownField { field: field.to_string(), expected }, origin: None, cascade: false }
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        mismatch("invalid-type", unexp, exp)
    }
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        mismatch("invalid-value", unexp, exp)
    }
    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        de::Error::custom(format!("expected {exp}, found {len} entries"))
    }
    fn duplicate_field(field: &'static str) -> Self {
        let spellings: Vec<String> = std::iter::once(field)
            .chain(KEY_ALIASES.iter().filter(|(k, _)| *k == field).map(|(_, a)| *a))
            .map(|k| format!("`{k}`"))
            .collect();
        let message = format!("`{field}` is given twice, as {}", spellings.join(" and "));
        let hint = "these spellings name the same list: keep one of them and move every entry into it";
        de::Error::custom(coded_message("duplicate-key", &message, Some(hint)))
    }
}

/// YAML 1.2 core-schema resolution of a plain scalar.
enum Plain<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(&'a str),
}

fn resolve(text: &str, quoted: bool) -> Plain<'_> {
    if quoted {
        return Plain::Str(text);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Plain::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Plain::Float(f64::NAN),
        _ => {}
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit())
        && let Ok(v) = text.parse::<i128>()
    {
        return Plain::Int(v);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(v) = i128::from_str_radix(hex, 16)
    {
        return Plain::Int(v);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(v) = i128::from_str_radix(oct, 8)
    {
        return Plain::Int(v);
    }
    let looks_float = body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && !body.starts_with(['e', 'E']);
    if looks_float && let Ok(v) = text.parse::<f64>() {
        return Plain::Float(v);
    }
    Plain::Str(text)
}

#[derive(Clone, Copy)]
struct NodeDe<'s, 't> {
    st: &'s State<'t>,
    id: NodeId,
    key: bool,
}

impl<'s, 't> NodeDe<'s, 't> {
    fn kind(&self) -> &'t NodeKind {
        &self.st.tree.node(self.id).kind
    }

    fn child(&self, id: NodeId, key: bool) -> NodeDe<'s, 't> {
        NodeDe { st: self.st, id, key }
    }

    fn any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.kind() {
            NodeKind::Scalar { text, quoted } => match resolve(text, *quoted) {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Int(i) => match (u64::try_from(i), i64::try_from(i)) {
                    (Ok(u), _) => visitor.visit_u64(u),
                    (_, Ok(s)) => visitor.visit_i64(s),
                    _ => Err(de::Error::custom(format!("the number `{text}` is too large"))),
                },
                Plain::Float(f) => visitor.visit_f64(f),
                Plain::Str(s) => visitor.visit_str(s),
            },
            NodeKind::Seq(items) => {
                let items: Vec<NodeId> =
                    items.iter().copied().filter(|i| !self.st.hard.contains(i) && !self.st.soft.contains(i)).collect();
                visitor.visit_seq(SeqDe { de: self, items: items.into_iter() })
            }
            NodeKind::Map(entries) => {
                let entries: Vec<Entry> = entries
                    .iter()
                    .filter(|(_, v)| !self.st.hard.contains(v))
                    .map(|&(k, v)| Entry { key: Key::Node(k), value: self.value_source(v) })
                    .collect();
                visitor.visit_map(MapDe { de: self, entries: entries.into_iter(), value: None })
            }
        }
    }

    fn value_source(&self, v: NodeId) -> Value {
        if self.st.soft.contains(&v) { Value::Placeholder(v) } else { Value::Node(v) }
    }

    fn is_null(&self) -> bool {
        matches!(self.kind(), NodeKind::Scalar { text, quoted } if matches!(resolve(text, *quoted), Plain::Null))
    }
}

macro_rules! forward_to_any {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let (id, key) = (self.id, self.key);
            self.any(visitor).map_err(|e| e.tag(id, key))
        })*
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'_, '_> {
    type Error = Error;

    forward_to_any! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_seq deserialize_map deserialize_unit
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (id, key) = (self.id, self.key);
        match self.kind() {
            NodeKind::Scalar { text, .. } if !self.is_null() => visitor.visit_str(text),
            _ => self.any(visitor),
        }
        .map_err(|e| e.tag(id, key))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (id, key) = (self.id, self.key);
        if self.is_null() { visitor.visit_none() } else { visitor.visit_some(self) }.map_err(|e| e.tag(id, key))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        let (id, key) = (self.id, self.key);
        visitor.visit_newtype_struct(self).map_err(|e| e.tag(id, key))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (id, key) = (self.id, self.key);
        let NodeKind::Map(entries) = self.kind() else {
            let found = match self.kind() {
                NodeKind::Seq(_) => "a list".to_string(),
                NodeKind::Scalar { text, .. } if self.is_null() && text.is_empty() => "nothing".to_string(),
                NodeKind::Scalar { text, .. } => format!("`{text}`"),
                NodeKind::Map(_) => "a mapping".to_string(),
            };
            let keys = fields.iter().take(6).copied().collect::<Vec<_>>().join(", ");
            let more = if fields.len() > 6 { ", …" } else { "" };
            let msg = format!("expected a mapping with keys such as {keys}{more}; found {found}");
            let hint = if id == self.st.tree.root() {
                "a scenario is a mapping of top-level keys (`cydex: 1`, `exercise: …`); `cydex init` writes a starter"
            } else {
                "write `key: value` pairs, indented under this key, or `{ key: value }`"
            };
            let msg = coded_message("invalid-type", &msg, Some(hint));
            return Err(Error { kind: Kind::Custom(msg), origin: Some((id, key)), cascade: false });
        };
        let tree = self.st.tree;
        let mut kept = Vec::with_capacity(entries.len());
        // Keys whose absence is a consequence of a problem already reported.
        let mut explained: Vec<&str> = Vec::new();
        for (i, &(k, v)) in entries.iter().enumerate() {
            let name = tree.scalar(k).unwrap_or("");
            let twin = KEY_ALIASES.iter().find_map(|&(key, alias)| match name {
                n if n == key => Some(alias),
                n if n == alias => Some(key),
                _ => None,
            });
            if let Some(twin) = twin
                && let Some(&(first, _)) = entries[..i].iter().find(|&&(k2, _)| tree.scalar(k2) == Some(twin))
            {
                let line = tree.node(first).span.start.line;
                let mut found = self.st.found.borrow_mut();
                if found.len() < MAX_PROBLEMS {
                    found.push(Problem {
                        code: "duplicate-key",
                        node: k,
                        at_key: true,
                        message: format!(
                            "`{name}` is another name for `{twin}`, which is already given on line {line}"
                        ),
                        label: format!("second spelling of `{twin}`"),
                        help: Some("keep one of the two keys and move every entry into it".to_string()),
                    });
                }
                continue;
            }
            if !fields.contains(&name) {
                if let Some(s) = did_you_mean(name, fields.iter().copied()) {
                    explained.push(s);
                }
                let mut found = self.st.found.borrow_mut();
                if found.len() < MAX_PROBLEMS {
                    let place = match tree.path_of(id) {
                        p if p.is_empty() => "the top level".to_string(),
                        p => format!("`{p}`"),
                    };
                    found.push(unknown_key(k, name, &place, fields));
                }
            } else if self.st.hard.contains(&v) {
                explained.push(name);
            } else {
                kept.push(Entry { key: Key::Node(k), value: self.value_source(v) });
            }
        }
        for &(map, name) in self.st.missing.range((id, "")..) {
            if map != id {
                break;
            }
            if let Some(&field) = fields.iter().find(|f| **f == name) {
                kept.push(Entry { key: Key::Name(field), value: Value::Placeholder(id) });
            }
        }
        visitor.visit_map(MapDe { de: self, entries: kept.into_iter(), value: None }).map_err(|mut e| {
            if e.origin.is_none()
                && let Kind::MissingField(name) = e.kind
            {
                e.cascade = explained.contains(&name);
            }
            e.tag(id, key)
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (id, key) = (self.id, self.key);
        match self.kind() {
            NodeKind::Scalar { .. } if !self.is_null() => {
                visitor.visit_enum(EnumDe { de: self, variant: self, value: None })
            }
            NodeKind::Map(entries) if entries.len() == 1 => {
                let (k, v) = entries[0];
                visitor.visit_enum(EnumDe { de: self, variant: self.child(k, true), value: Some(self.child(v, false)) })
            }
            other => {
                let found = match other {
                    NodeKind::Seq(_) => "a list".to_string(),
                    NodeKind::Map(e) => format!("a mapping with {} keys", e.len()),
                    NodeKind::Scalar { .. } => "nothing (an empty value)".to_string(),
                };
                let names = variants.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
                let (what, hint) = if DATA_ENUMS.contains(&name) {
                    (
                        "a name, or a one-key mapping for a value that takes parameters",
                        format!("write one of {names}; one that takes parameters as `{{ name: {{ … }} }}`"),
                    )
                } else {
                    ("one name", format!("write one of {names}"))
                };
                Err(de::Error::custom(coded_message(
                    "invalid-type",
                    &format!("expected {what}, found {found}"),
                    Some(&hint),
                )))
            }
        }
        .map_err(|e| e.tag(id, key))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The model's enums with variants that take parameters (written as one-key mappings).
const DATA_ENUMS: &[&str] = &["Effect", "InjectEffect", "DelayDistribution"];

struct SeqDe<'s, 't> {
    de: NodeDe<'s, 't>,
    items: std::vec::IntoIter<NodeId>,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            None => Ok(None),
            Some(id) => seed.deserialize(self.de.child(id, false)).map(Some),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

#[derive(Clone, Copy)]
enum Key {
    Node(NodeId),
    Name(&'static str),
}

#[derive(Clone, Copy)]
enum Value {
    Node(NodeId),
    /// A neutral value standing in for the given (bad or missing) node.
    Placeholder(NodeId),
}

struct Entry {
    key: Key,
    value: Value,
}

struct MapDe<'s, 't> {
    de: NodeDe<'s, 't>,
    entries: std::vec::IntoIter<Entry>,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for MapDe<'_, '_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            None => Ok(None),
            Some(Entry { key, value }) => {
                self.value = Some(value);
                match key {
                    Key::Node(k) => seed.deserialize(self.de.child(k, true)).map(Some).map_err(|e| e.tag(k, true)),
                    Key::Name(name) => seed
                        .deserialize(name.into_deserializer())
                        .map(Some)
                        .map_err(|e: Error| e.tag(self.de.id, false)),
                }
            }
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take().unwrap_or(Value::Placeholder(self.de.id)) {
            Value::Node(v) => seed.deserialize(self.de.child(v, false)).map_err(|e| e.tag(v, false)),
            Value::Placeholder(v) => seed.deserialize(Placeholder).map_err(|mut e| {
                // A placeholder that does not fit is a consequence of a problem already reported.
                e.cascade = true;
                e.tag(v, false)
            }),
        }
    }
}

/// A neutral value of whatever type is asked for: zero, empty, none, the first variant. Stands in
/// for a bad or missing value so that the rest of the scenario can still be checked.
#[derive(Clone, Copy)]
struct Placeholder;

macro_rules! placeholder_as {
    ($($name:ident => $visit:ident($v:expr)),* $(,)?) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.$visit($v)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Placeholder {
    type Error = Error;

    placeholder_as! {
        deserialize_bool => visit_bool(false),
        deserialize_i8 => visit_i8(0), deserialize_i16 => visit_i16(0), deserialize_i32 => visit_i32(0),
        deserialize_i64 => visit_i64(0), deserialize_u8 => visit_u8(0), deserialize_u16 => visit_u16(0),
        deserialize_u32 => visit_u32(0), deserialize_u64 => visit_u64(0), deserialize_f32 => visit_f32(0.0),
        deserialize_f64 => visit_f64(0.0), deserialize_char => visit_char('?'), deserialize_str => visit_str(""),
        deserialize_string => visit_str(""), deserialize_identifier => visit_str(""), deserialize_bytes => visit_bytes(&[]),
        deserialize_byte_buf => visit_bytes(&[]),
    }

    /// Only the model's hand-written scalar types (durations, delays, free scalars, UTC offsets)
    /// ask for "any"; most accept the text `0s`, and one that does not is left out instead.
    /// Findings about the placeholder are filtered out by the loader.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str("0s")
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_none()
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(de::value::SeqDeserializer::new(std::iter::empty::<Placeholder>()))
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(de::value::MapDeserializer::new(std::iter::empty::<(Placeholder, Placeholder)>()))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(de::value::MapDeserializer::new(fields.iter().map(|f| (*f, self))))
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let first = variants.first().copied().unwrap_or("");
        visitor.visit_enum(PlaceholderEnum(first, self))
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

impl<'de> IntoDeserializer<'de, Error> for Placeholder {
    type Deserializer = Placeholder;
    fn into_deserializer(self) -> Placeholder {
        self
    }
}

struct PlaceholderEnum(&'static str, Placeholder);

impl<'de> de::EnumAccess<'de> for PlaceholderEnum {
    type Error = Error;
    type Variant = Placeholder;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Placeholder), Error> {
        let v = seed.deserialize(self.0.into_deserializer())?;
        Ok((v, self.1))
    }
}

impl<'de> de::VariantAccess<'de> for Placeholder {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

struct EnumDe<'s, 't> {
    de: NodeDe<'s, 't>,
    variant: NodeDe<'s, 't>,
    value: Option<NodeDe<'s, 't>>,
}

impl<'de, 's, 't> de::EnumAccess<'de> for EnumDe<'s, 't> {
    type Error = Error;
    type Variant = VariantDe<'s, 't>;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant), Error> {
        let variant = self.variant;
        let name = self.de.st.tree.scalar(variant.id).unwrap_or("");
        let v = seed.deserialize(name.into_deserializer()).map_err(|e: Error| e.tag(variant.id, variant.key))?;
        Ok((v, VariantDe { owner: self.de, name, value: self.value }))
    }
}

struct VariantDe<'s, 't> {
    owner: NodeDe<'s, 't>,
    /// The variant's name as written.
    name: &'t str,
    value: Option<NodeDe<'s, 't>>,
}

impl VariantDe<'_, '_> {
    fn need_value(&self) -> Result<(), Error> {
        if self.value.is_none() {
            let name = self.name;
            return Err(de::Error::custom(coded_message(
                "invalid-type",
                &format!("`{name}` takes parameters"),
                Some(&format!("write it as a one-key mapping: `{{ {name}: {{ … }} }}`")),
            )));
        }
        Ok(())
    }
}

impl<'de> de::VariantAccess<'de> for VariantDe<'_, '_> {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None => Ok(()),
            Some(v) if v.is_null() => Ok(()),
            Some(v) if matches!(v.kind(), NodeKind::Map(e) if e.is_empty()) => Ok(()),
            Some(v) => Err(de::Error::custom(coded_message(
                "invalid-type",
                &format!("`{}` takes no parameters", self.name),
                Some(&format!("write just its name: `{}`", self.name)),
            )))
            .map_err(|e: Error| e.tag(v.id, false)),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.need_value().map_err(|e| e.tag(self.owner.id, false))?;
        let v = self.value.unwrap_or(self.owner);
        seed.deserialize(v)
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.need_value().map_err(|e| e.tag(self.owner.id, false))?;
        let v = self.value.unwrap_or(self.owner);
        de::Deserializer::deserialize_tuple(v, len, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.need_value().map_err(|e| e.tag(self.owner.id, false))?;
        let v = self.value.unwrap_or(self.owner);
        de::Deserializer::deserialize_struct(v, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::scenario::yaml::{Limits, parse};

    #[test]
    fn numbers_far_from_one_are_named_in_scientific_notation() {
        let words = |f: f64| found_words(de::Unexpected::Float(f));
        assert_eq!(words(0.25), "the number `0.25`");
        assert_eq!(words(1.5e15), "the number `1500000000000000`");
        assert_eq!(words(1e300), "the number `1e300`");
        assert_eq!(words(-2.5e-9), "the number `-2.5e-9`");
        assert_eq!(words(0.0), "the number `0`");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Team {
        id: String,
        analysts: u32,
        #[serde(default)]
        skill: f64,
        #[serde(default)]
        delta: i32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Root {
        teams: Vec<Team>,
        #[serde(default)]
        level: Option<Level>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Level {
        Low,
        High,
        Custom { value: u32 },
    }

    fn load(s: &str) -> (Tree, Result<Root, Vec<Problem>>) {
        let tree = parse(s, &Limits::default()).unwrap();
        let r = from_tree::<Root>(&tree).map_err(|p| p.problems);
        (tree, r)
    }

    #[test]
    fn reads_valid_input() {
        let (_, r) = load("teams:\n  - id: 123\n    analysts: 4\n    skill: 0.5\nlevel: { custom: { value: 3 } }\n");
        let r = r.unwrap();
        assert_eq!(r.teams[0].id, "123");
        assert_eq!(r.level, Some(Level::Custom { value: 3 }));
        let (_, r) = load("teams: []\nlevel: high\n");
        assert_eq!(r.unwrap().level, Some(Level::High));
    }

    #[test]
    fn reports_every_problem_in_one_pass() {
        let text = "teams:\n  - id: A\n    analystz: 4\n  - id: B\n    analysts: six\n  - id: C\n    analysts: 2\n    skill: high\nlevel: hgh\nextra: 1\n";
        let (tree, r) = load(text);
        let problems = r.unwrap_err();
        let lines: Vec<(u32, &str)> = problems.iter().map(|p| (tree.node(p.node).span.start.line, p.code)).collect();
        assert!(lines.contains(&(3, "unknown-key")), "{problems:#?}");
        assert!(lines.contains(&(5, "invalid-type")), "{problems:#?}");
        assert!(lines.contains(&(8, "invalid-type")), "{problems:#?}");
        assert!(lines.contains(&(9, "unknown-value")), "{problems:#?}");
        assert!(lines.contains(&(10, "unknown-key")), "{problems:#?}");
        // The missing `analysts` of team A is explained by the typo, so it is not reported twice.
        assert!(!problems.iter().any(|p| p.code == "missing-key"), "{problems:#?}");
        assert_eq!(problems.len(), 5, "{problems:#?}");
        let typo = problems.iter().find(|p| p.message.contains("analystz")).unwrap();
        assert!(typo.help.as_deref().unwrap().contains("did you mean `analysts`"));
        let level = problems.iter().find(|p| p.code == "unknown-value").unwrap();
        assert!(level.help.as_deref().unwrap().contains("did you mean `high`"));
    }

    #[test]
    fn genuinely_missing_key_is_reported_once() {
        let (tree, r) = load("teams:\n  - id: A\n  - id: B\n    analysts: 1\n");
        let problems = r.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].code, "missing-key");
        assert_eq!(tree.node(problems[0].node).span.start.line, 2);
    }

    #[test]
    fn skipped_required_value_does_not_cascade() {
        let (_, r) = load("teams:\n  - id: B\n    analysts: -1\n");
        let problems = r.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].message.contains("teams[0].analysts"));
    }

    #[test]
    fn wrong_shape_is_located() {
        let (tree, r) = load("teams: {id: A}\n");
        let p = r.unwrap_err();
        assert_eq!(tree.node(p[0].node).span.start.line, 1);
        assert_eq!(p[0].message, "`teams` must be a list, not a mapping", "{p:#?}");
        assert!(p[0].help.as_deref().unwrap().contains("`- item`"), "{p:#?}");
    }

    /// The message and hint of the one problem in `text`.
    fn one_problem(text: &str) -> (String, Option<String>) {
        let (_, r) = load(text);
        let p = r.unwrap_err();
        assert_eq!(p.len(), 1, "{p:#?}");
        (p[0].message.clone(), p[0].help.clone())
    }

    #[test]
    fn type_errors_speak_the_planners_language() {
        let (m, h) = one_problem("teams:\n  - id: A\n    analysts: six\n");
        assert_eq!(m, "`teams[0].analysts` must be a whole number ≥ 0, not the text `six`");
        assert!(h.unwrap().starts_with("write digits only"));
        let (m, h) = one_problem("teams:\n  - id: A\n    analysts: -1\n");
        assert_eq!(m, "`teams[0].analysts` must be a whole number ≥ 0, not the number `-1`");
        assert_eq!(h.as_deref(), Some("write 0 or more"));
        let (m, h) = one_problem("teams:\n  - id: A\n    analysts: 5000000000\n");
        assert_eq!(m, "`teams[0].analysts` must be a whole number ≥ 0, not the number `5000000000`");
        assert_eq!(h.as_deref(), Some("the largest allowed here is 4294967295"));
        let (m, h) = one_problem("teams:\n  - id: A\n    analysts: 1\n    delta: 3000000000\n");
        assert_eq!(m, "`teams[0].delta` must be a whole number, not the number `3000000000`");
        assert_eq!(h.as_deref(), Some("write a whole number from -2147483648 to 2147483647"));
        let (m, _) = one_problem("teams:\n  - id: A\n    analysts: 2.5\n");
        assert_eq!(m, "`teams[0].analysts` must be a whole number ≥ 0, not the number `2.5`");
        let (m, _) = one_problem("teams:\n  - id: A\n    analysts: 1\n    skill: high\n");
        assert_eq!(m, "`teams[0].skill` must be a number, not the text `high`");
        let (m, _) = one_problem("teams:\n  - id: [A]\n    analysts: 1\n");
        assert_eq!(m, "`teams[0].id` must be text, not a list");
        let (m, _) = one_problem("teams:\n  - 3\n");
        assert_eq!(m, "`teams[0]`: expected a mapping with keys such as id, analysts, skill, delta; found `3`");
        for (p, _) in [one_problem("teams: []\nlevel: [low]\n"), one_problem("teams: []\nlevel: {a: 1, b: 2}\n")] {
            assert!(!p.contains("Level") && !p.contains("struct") && !p.contains("u32"), "{p}");
        }
    }

    #[test]
    fn enum_shapes_are_explained_with_the_yaml_names() {
        let (m, h) = one_problem("teams: []\nlevel: [low]\n");
        assert_eq!(m, "`level`: expected one name, found a list");
        assert_eq!(h.as_deref(), Some("write one of `low`, `high`, `custom`"));
        let (m, h) = one_problem("teams: []\nlevel: custom\n");
        assert_eq!(m, "`level`: `custom` takes parameters");
        assert_eq!(h.as_deref(), Some("write it as a one-key mapping: `{ custom: { … } }`"));
        let (m, h) = one_problem("teams: []\nlevel: { low: { value: 1 } }\n");
        assert_eq!(m, "`level.low`: `low` takes no parameters");
        assert_eq!(h.as_deref(), Some("write just its name: `low`"));
    }

    #[test]
    fn coded_messages_carry_their_code_and_hint() {
        let m = coded_message("invalid-duration", "`5 minutes` is not a duration", Some("write `5m`"));
        assert_eq!(decode(&m), (Some("invalid-duration"), "`5 minutes` is not a duration", Some("write `5m`".into())));
        assert_eq!(decode("plain"), (None, "plain", None));
        let unknown = format!("text{SEP}no-such-code{SEP}");
        assert_eq!(decode(&unknown), (None, "text", None));
    }

    #[test]
    fn scalars_resolve_like_yaml_core() {
        assert!(matches!(resolve("12", false), Plain::Int(12)));
        assert!(matches!(resolve("-3", false), Plain::Int(-3)));
        assert!(matches!(resolve("0.5", false), Plain::Float(_)));
        assert!(matches!(resolve("1e3", false), Plain::Float(_)));
        assert!(matches!(resolve("12", true), Plain::Str("12")));
        assert!(matches!(resolve("~", false), Plain::Null));
        assert!(matches!(resolve("True", false), Plain::Bool(true)));
        assert!(matches!(resolve("2h30m", false), Plain::Str(_)));
        assert!(matches!(resolve("e5", false), Plain::Str(_)));
        assert!(matches!(resolve("+02:00", false), Plain::Str(_)));
    }
}
