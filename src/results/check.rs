//! Range checks for files read back (`results.json`, `batch.json`, shard partials, journals):
//! they are untrusted, so values no run can produce are refused on reading rather than left to
//! loop, overflow or panic in a renderer or a statistic.

use serde::{Serialize, ser};
use serde_json::Value;

use crate::scenario::validate::show_path;
use crate::scenario::yaml::Seg;

/// The most ticks a scenario may have (the validator's limit).
pub const MAX_TICKS: u64 = crate::scenario::validate::MAX_TICKS;

/// The largest magnitude of a metric in a batch record: far above any count or time a run can
/// produce, far below where sums over millions of runs lose finiteness.
pub const MAX_METRIC: f64 = 1e15;

/// Checks that every number under a key ending in `_s` (a time or a duration in seconds), and the
/// time of every lifecycle timeline point, is within `0 ..= end_s`, in `x` as it serializes to
/// JSON: the same keys and values as a [`Value`] of it, without building one (the 100k-host run's
/// results were a 250 MB tree; see [`Walk`]). `path` names where in the file, for the message.
/// When several values are out of range, the first written is named (a [`Value`]'s keys are in
/// alphabetical order, a struct's in field order).
pub fn times_within<T: Serialize + ?Sized>(x: &T, path: &str, end_s: u64) -> Result<(), String> {
    x.serialize(Walk { end_s }).map_err(|fault| match fault {
        Fault::Serde(message) => message,
        Fault::Out(mut bad) => {
            // The path is spelt only for the message: a large file has millions of nodes.
            if !path.is_empty() {
                bad.steps.push(Seg::Key(path.to_string()));
            }
            bad.steps.reverse();
            let here = show_path(&bad.steps);
            match bad.value {
                Some(x) => format!("`{here}` is {x}, outside the exercise's {end_s} s"),
                None => format!("`{here}` has a point outside the exercise's {end_s} s"),
            }
        }
    })
}

/// The first value out of range: the steps to it, innermost first, and the time at fault (none
/// for a timeline's points).
#[derive(Debug)]
struct OutOfRange {
    steps: Vec<Seg>,
    value: Option<Value>,
}

/// Why a walk stopped: a value out of range, or the value would not serialize (as
/// `serde_json::to_value` would have said).
#[derive(Debug)]
enum Fault {
    Out(OutOfRange),
    Serde(String),
}

impl Fault {
    /// The same, one step further out.
    fn under(self, seg: Seg) -> Self {
        match self {
            Fault::Out(mut bad) => {
                bad.steps.push(seg);
                Fault::Out(bad)
            }
            other => other,
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Out(bad) => write!(f, "out of range at {}", show_path(&bad.steps)),
            Fault::Serde(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Fault {}

impl ser::Error for Fault {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        Fault::Serde(message.to_string())
    }
}

/// A serializer that writes nothing: it walks a value as `serde_json` would write it, objects'
/// entries through [`entry`], and stops at the first time out of range. Scalars outside an entry
/// are never checked, as in a walk over a [`Value`]; an entry's value under a time key or
/// `points` is made a [`Value`] (a number, a pair, a timeline's points) to be judged.
#[derive(Clone, Copy)]
struct Walk {
    end_s: u64,
}

/// One entry of an object (a struct's field, a map's entry, an enum's variant with data): the
/// checks of its key, then the walk into its value.
fn entry<T: Serialize + ?Sized>(end_s: u64, key: &str, value: &T) -> Result<(), Fault> {
    let here = |value| Fault::Out(OutOfRange { steps: vec![Seg::Key(key.to_string())], value });
    if key.ends_with("_s") || key == "points" {
        let v = serde_json::to_value(value).map_err(|e| Fault::Serde(e.to_string()))?;
        if key.ends_with("_s") && !time_ok(&v, end_s) {
            return Err(here(Some(v)));
        }
        if key == "points" && !points_ok(&v, end_s) {
            return Err(here(None));
        }
    }
    value.serialize(Walk { end_s }).map_err(|bad| bad.under(Seg::Key(key.to_string())))
}

/// A map's key as a JSON object's key, as `serde_json::to_value` spells it.
fn key_text<K: Serialize + ?Sized>(key: &K) -> Result<String, Fault> {
    match serde_json::to_value(key).map_err(|e| Fault::Serde(e.to_string()))? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Fault::Serde("key must be a string".to_string())),
    }
}

/// A sequence being walked: the next item's index.
struct Items {
    end_s: u64,
    next: usize,
}

impl Items {
    fn finish(self) -> Result<(), Fault> {
        Ok(())
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Fault> {
        let i = self.next;
        self.next += 1;
        value.serialize(Walk { end_s: self.end_s }).map_err(|bad| bad.under(Seg::Index(i)))
    }
}

/// An object being walked, with a map's key waiting for its value; `outer` is the variant an
/// enum's struct variant is wrapped in.
struct Entries {
    end_s: u64,
    key: Option<String>,
    outer: Option<&'static str>,
}

impl Entries {
    fn finish(self) -> Result<(), Fault> {
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Fault> {
        entry(self.end_s, key, value).map_err(|bad| match self.outer {
            Some(variant) => bad.under(Seg::Key(variant.to_string())),
            None => bad,
        })
    }
}

/// A sequence that an enum's tuple variant is wrapped in (`{"variant": [...]}`). Under a variant
/// named as a time key or `points`, the items are kept as values to judge the whole array as an
/// entry's value first, as a walk over a [`Value`] would.
struct VariantItems {
    items: Items,
    variant: &'static str,
    kept: Option<Vec<Value>>,
}

impl VariantItems {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Fault> {
        if let Some(kept) = &mut self.kept {
            kept.push(serde_json::to_value(value).map_err(|e| Fault::Serde(e.to_string()))?);
            return Ok(());
        }
        let variant = self.variant;
        self.items.item(value).map_err(|bad| bad.under(Seg::Key(variant.to_string())))
    }

    fn finish(self) -> Result<(), Fault> {
        match self.kept {
            Some(items) => entry(self.items.end_s, self.variant, &Value::Array(items)),
            None => Ok(()),
        }
    }
}

/// Serializer methods that take a scalar and do nothing with it.
macro_rules! ignore {
    ($($method:ident: $t:ty),* $(,)?) => {
        $(fn $method(self, _: $t) -> Result<(), Fault> {
            Ok(())
        })*
    };
}

/// serde's compound-serializer traits, each element or field handed to the walker's `item` or
/// `field` (with its key) and the end to its `finish`.
macro_rules! forward {
    ($($tr:ident for $ty:ty: $method:ident $(($key:ident))?;)*) => {
        $(impl ser::$tr for $ty {
            type Ok = ();
            type Error = Fault;
            forward!(@method $method $(($key))?);
            fn end(self) -> Result<(), Fault> {
                self.finish()
            }
        })*
    };
    (@method $method:ident) => {
        fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Fault> {
            self.item(value)
        }
    };
    (@method $method:ident ($key:ident)) => {
        fn $method<T: Serialize + ?Sized>(&mut self, $key: &'static str, value: &T) -> Result<(), Fault> {
            self.field($key, value)
        }
    };
}

impl ser::Serializer for Walk {
    type Ok = ();
    type Error = Fault;
    type SerializeSeq = Items;
    type SerializeTuple = Items;
    type SerializeTupleStruct = Items;
    type SerializeTupleVariant = VariantItems;
    type SerializeMap = Entries;
    type SerializeStruct = Entries;
    type SerializeStructVariant = Entries;

    // Scalars outside an entry are not checked.
    ignore! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_u128: u128, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8]
    }
    fn serialize_none(self) -> Result<(), Fault> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Fault> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Fault> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Fault> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Fault> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Fault> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Fault> {
        entry(self.end_s, variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Items, Fault> {
        Ok(Items { end_s: self.end_s, next: 0 })
    }
    fn serialize_tuple(self, len: usize) -> Result<Items, Fault> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Items, Fault> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<VariantItems, Fault> {
        let kept = (variant.ends_with("_s") || variant == "points").then(Vec::new);
        Ok(VariantItems { items: Items { end_s: self.end_s, next: 0 }, variant, kept })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Entries, Fault> {
        Ok(Entries { end_s: self.end_s, key: None, outer: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Entries, Fault> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Entries, Fault> {
        Ok(Entries { end_s: self.end_s, key: None, outer: Some(variant) })
    }
}

forward! {
    SerializeSeq for Items: serialize_element;
    SerializeTuple for Items: serialize_element;
    SerializeTupleStruct for Items: serialize_field;
    SerializeTupleVariant for VariantItems: serialize_field;
}

impl ser::SerializeMap for Entries {
    type Ok = ();
    type Error = Fault;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Fault> {
        self.key = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Fault> {
        let key = self.key.take().ok_or_else(|| Fault::Serde("a map's value came before its key".to_string()))?;
        self.field(&key, value)
    }
    fn end(self) -> Result<(), Fault> {
        self.finish()
    }
}

forward! {
    SerializeStruct for Entries: serialize_field(key);
    SerializeStructVariant for Entries: serialize_field(key);
}

/// A time: absent, or a number in `0 ..= end_s`.
fn time_ok(x: &Value, end_s: u64) -> bool {
    match x {
        Value::Null => true,
        Value::Number(n) => n.as_f64().is_some_and(|f| f.is_finite() && f >= 0.0 && f <= end_s as f64),
        // A pair of times, such as a confidence interval.
        Value::Array(items) => items.iter().all(|i| time_ok(i, end_s)),
        Value::Object(_) | Value::Bool(_) | Value::String(_) => true,
    }
}

/// Timeline points are `[time, …counts]`: the time must lie within the exercise.
fn points_ok(x: &Value, end_s: u64) -> bool {
    match x {
        Value::Array(points) => points.iter().all(|p| match p {
            Value::Array(fields) => fields.first().is_none_or(|t| t.as_u64().is_some_and(|t| t <= end_s)),
            _ => true,
        }),
        _ => true,
    }
}

/// Checks a batch record's metric value.
pub fn metric_ok(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAX_METRIC
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn times_outside_the_exercise_are_named() {
        let v: Value =
            serde_json::json!({"a": {"first_s": 10, "mean_s": 5.5, "ci_s": [1, 2]}, "t": [{"points": [[3, 1, 2]]}]});
        assert!(times_within(&v, "", 10).is_ok());
        let err = times_within(&v, "", 9).unwrap_err();
        assert!(err.contains("`a.first_s` is 10"), "{err}");
        let bad: Value = serde_json::json!({"t": [{"points": [[18446744073709551615u64, 1]]}]});
        assert!(times_within(&bad, "", 100).unwrap_err().contains("t[0].points"));
        let neg: Value = serde_json::json!({"x_s": -1});
        assert!(times_within(&neg, "", 100).is_err());
        // The whole path, spelt as before paths were built only for the message.
        let deep: Value = serde_json::json!([{"a": [{}, {"b": {"ci_s": [1, 200]}}]}]);
        assert_eq!(
            times_within(&deep, "", 100).unwrap_err(),
            "`[0].a[1].b.ci_s` is [1,200], outside the exercise's 100 s"
        );
        assert!(times_within(&deep, "file", 100).unwrap_err().starts_with("`file[0].a[1].b.ci_s`"));
    }

    /// The rule as it was stated over a JSON value (the check before it walked the results'
    /// serialization): the oracle the walk must agree with, message for message.
    fn over_a_value(v: &Value, end_s: u64) -> Result<(), String> {
        fn first(v: &Value, end_s: u64) -> Option<(Vec<Seg>, Option<&Value>)> {
            fn inner(mut steps: Vec<Seg>, x: Option<&Value>, seg: Seg) -> (Vec<Seg>, Option<&Value>) {
                steps.push(seg);
                (steps, x)
            }
            match v {
                Value::Object(map) => map.iter().find_map(|(k, x)| {
                    let key = Seg::Key(k.clone());
                    if k.ends_with("_s") && !time_ok(x, end_s) {
                        Some((vec![key], Some(x)))
                    } else if k == "points" && !points_ok(x, end_s) {
                        Some((vec![key], None))
                    } else {
                        first(x, end_s).map(|(steps, x)| inner(steps, x, key))
                    }
                }),
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .find_map(|(i, x)| first(x, end_s).map(|(steps, x)| inner(steps, x, Seg::Index(i)))),
                _ => None,
            }
        }
        match first(v, end_s) {
            None => Ok(()),
            Some((mut steps, x)) => {
                steps.reverse();
                let here = show_path(&steps);
                Err(match x {
                    Some(x) => format!("`{here}` is {x}, outside the exercise's {end_s} s"),
                    None => format!("`{here}` has a point outside the exercise's {end_s} s"),
                })
            }
        }
    }

    /// Every shape serde gives a typed value: what the results hold (structs, options, maps with
    /// number keys, sequences) and the enum shapes `serde_json` wraps in an object.
    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u64),
        Tuple(i64, u64),
        #[serde(rename = "pair_s")]
        TimedTuple(f64, f64),
        #[serde(rename = "points")]
        Points(Vec<u64>, Vec<i64>),
        Struct {
            at_s: u64,
            points: Vec<Vec<u64>>,
        },
    }

    #[derive(Serialize)]
    struct Record {
        first_s: Option<u64>,
        mean_s: f64,
        ci_s: (f64, f64),
        by_key: BTreeMap<u32, Shape>,
        shapes: Vec<Shape>,
        inner: Option<Box<Record>>,
    }

    fn record(t: u64, shapes: Vec<Shape>) -> Record {
        Record {
            first_s: Some(t),
            mean_s: 1.0,
            ci_s: (0.0, 2.0),
            by_key: BTreeMap::from([(7, Shape::Newtype(t)), (3, Shape::Unit)]),
            shapes,
            inner: None,
        }
    }

    #[test]
    fn typed_values_are_judged_as_their_json_would_be() {
        let shapes = |t: u64, p: i64| {
            vec![
                Shape::Unit,
                Shape::Tuple(-5, t),
                Shape::TimedTuple(1.0, t as f64),
                Shape::Points(vec![t], vec![p]),
                Shape::Struct { at_s: t, points: vec![vec![t, 1], vec![]] },
            ]
        };
        let cases = [
            (record(10, shapes(10, 1)), 10),
            (record(11, shapes(10, 1)), 10),
            (record(10, shapes(11, 1)), 10),
            (record(10, shapes(10, -1)), 10),
            (Record { inner: Some(Box::new(record(12, shapes(10, 1)))), ..record(10, shapes(10, 1)) }, 10),
            (Record { mean_s: f64::NAN, ..record(10, vec![Shape::Struct { at_s: 10, points: vec![vec![11]] }]) }, 10),
        ];
        for (r, end_s) in &cases {
            let oracle = over_a_value(&serde_json::to_value(r).unwrap(), *end_s);
            assert_eq!(times_within(r, "", *end_s), oracle);
        }
        assert!(times_within(&cases[0].0, "", 10).is_ok());
        assert!(cases[1..].iter().all(|(r, end_s)| times_within(r, "", *end_s).is_err()));
        assert_eq!(times_within(&cases[1].0, "", 10).unwrap_err(), "`first_s` is 11, outside the exercise's 10 s");
        let nested = times_within(&cases[4].0, "r", 10).unwrap_err();
        assert_eq!(nested, "`r.inner.first_s` is 12, outside the exercise's 10 s");
        let variant = times_within(&cases[5].0, "", 10).unwrap_err();
        assert_eq!(variant, "`shapes[0].Struct.points` has a point outside the exercise's 10 s");
        // Of several faults, the first in the file's order is named (a JSON value's keys were
        // read in alphabetical order).
        let two = Record { ci_s: (0.0, 11.0), ..record(11, Vec::new()) };
        assert_eq!(times_within(&two, "", 10).unwrap_err(), "`first_s` is 11, outside the exercise's 10 s");
    }

    fn json(depth: u32) -> impl Strategy<Value = Value> {
        let number = prop_oneof![
            (0u64..30).prop_map(Value::from),
            (-5i64..30).prop_map(Value::from),
            prop_oneof![-2.0f64..30.0, Just(1e300)].prop_map(Value::from),
        ];
        // A timeline's points: [time, …counts] rows.
        let row = proptest::collection::vec(number.clone(), 0..3).prop_map(Value::Array);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number,
            "[a-z]{0,3}".prop_map(Value::from),
            proptest::collection::vec(row, 0..3).prop_map(Value::Array),
        ];
        let key = prop_oneof![Just("a"), Just("b_s"), Just("points"), Just("t_s"), Just("x")].prop_map(String::from);
        leaf.prop_recursive(depth, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// On any JSON value, the walk over its serialization says what the rule over the value
        /// says, with the same message.
        #[test]
        fn the_walk_agrees_with_the_rule_over_a_value(v in json(5), end_s in 0u64..30) {
            proptest::prop_assert_eq!(times_within(&v, "", end_s), over_a_value(&v, end_s));
        }
    }

    #[test]
    fn metrics_are_finite_and_bounded() {
        assert!(metric_ok(0.0) && metric_ok(-5.0) && metric_ok(1e15));
        assert!(!metric_ok(1e16) && !metric_ok(f64::NAN) && !metric_ok(f64::INFINITY));
    }
}
