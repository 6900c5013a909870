//! Range checks for files read back (`results.json`, `batch.json`, shard partials, journals):
//! they are untrusted, so values no run can produce are refused on reading rather than left to
//! loop, overflow or panic in a renderer or a statistic.

use serde_json::Value;

use crate::scenario::validate::show_path;
use crate::scenario::yaml::Seg;

/// The most ticks a scenario may have (the validator's limit).
pub const MAX_TICKS: u64 = crate::scenario::validate::MAX_TICKS;

/// The largest magnitude of a metric in a batch record: far above any count or time a run can
/// produce, far below where sums over millions of runs lose finiteness.
pub const MAX_METRIC: f64 = 1e15;

/// Checks that every number under a key ending in `_s` (a time or a duration in seconds), and the
/// time of every lifecycle timeline point, is within `0 ..= end_s`. `path` names where in the
/// file, for the message.
pub fn times_within(v: &Value, path: &str, end_s: u64) -> Result<(), String> {
    walk(v, end_s).map_err(|mut bad| {
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
    })
}

/// The first value out of range: the steps to it, innermost first, and the time at fault (none
/// for a timeline's points).
struct OutOfRange<'a> {
    steps: Vec<Seg>,
    value: Option<&'a Value>,
}

impl OutOfRange<'_> {
    /// The same, one step further out.
    fn under(mut self, seg: Seg) -> Self {
        self.steps.push(seg);
        self
    }
}

fn walk(v: &Value, end_s: u64) -> Result<(), OutOfRange<'_>> {
    match v {
        Value::Object(map) => map.iter().try_for_each(|(k, x)| {
            let here = |value| OutOfRange { steps: vec![Seg::Key(k.clone())], value };
            if k.ends_with("_s") && !time_ok(x, end_s) {
                return Err(here(Some(x)));
            }
            if k == "points" && !points_ok(x, end_s) {
                return Err(here(None));
            }
            walk(x, end_s).map_err(|bad| bad.under(Seg::Key(k.clone())))
        }),
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, x)| walk(x, end_s).map_err(|bad| bad.under(Seg::Index(i))))
        }
        _ => Ok(()),
    }
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

    #[test]
    fn metrics_are_finite_and_bounded() {
        assert!(metric_ok(0.0) && metric_ok(-5.0) && metric_ok(1e15));
        assert!(!metric_ok(1e16) && !metric_ok(f64::NAN) && !metric_ok(f64::INFINITY));
    }
}
