//! The label table of the batch and compare reports: for every observation key pattern
//! (`nation.*.mttd_s`, `objective.*.rating=P`, …) the words a reader sees, the unit its values
//! are written in, which way is better for the defenders, and whether it is a key metric. Raw keys
//! appear only in the reports' appendices; everything else goes through [`label`].
//!
//! Patterns are dot-separated; `*` matches one segment (an id) and is quoted in the text as `{1}`,
//! `{2}`, … in order (`{2~}` writes underscores as spaces). A category value is matched after `=`
//! (`campaign.*.outcome=stopped`), `=*` matching any value. The first matching entry wins, and the
//! table's order is the order the reports list metrics in.

use crate::fmt::{span, thousands, tplus};

/// How a metric's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A length of time in seconds: `3h20m`, `45s`.
    Duration,
    /// A scenario time in seconds from STARTEX: `T+02:56`.
    Clock,
    /// A count: `104`, `12.1`.
    Count,
    /// Megabytes: `12,583 MB`.
    Megabytes,
    /// A fraction of time or weight, written as a percentage: `99.3%`; changes in points (`pp`).
    Share,
    /// The probability of an outcome (the mean of a 0/1 indicator): `45%`; changes in points.
    Probability,
    /// Score points: `88.1`.
    Points,
}

/// Which way a metric is better for the defenders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Less is better (times, hosts lost, data lost).
    Lower,
    /// More is better (scores, availability, the campaign stopped).
    Higher,
    /// Neither: a description of what happened, not a measure of how well.
    Neither,
}

/// What a key is shown as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The words (`EST: mean time to detect (MTTD)`).
    pub text: String,
    /// How values are written.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// A key metric: headlined in the batch report, with its best and worst runs.
    pub key: bool,
    /// The position of the matching entry in the table (reports list metrics in this order);
    /// keys no entry matches come last.
    pub rank: usize,
    /// The ids the pattern's `*` matched, in order (the scope a metric belongs to is the first).
    pub ids: Vec<String>,
}

use Better::{Higher, Lower, Neither};
use Unit::{Clock, Count, Duration, Megabytes, Points, Probability, Share};

/// Pattern, text, unit, better, key metric.
type Entry = (&'static str, &'static str, Unit, Better, bool);

/// The table. Key metrics first, in the order the batch report headlines them.
const TABLE: &[Entry] = &[
    ("exercise.mttd_s", "Mean time to detect (MTTD)", Duration, Lower, true),
    ("exercise.mtta_s", "Mean time to acknowledge (MTTA)", Duration, Lower, true),
    ("exercise.mttc_s", "Mean time to contain (MTTC)", Duration, Lower, true),
    ("exercise.mttr_s", "Mean time to recover (MTTR)", Duration, Lower, true),
    ("exercise.hosts_compromised", "Hosts compromised", Count, Lower, true),
    ("exercise.reinfections", "Re-infections of recovered hosts", Count, Lower, true),
    ("exercise.data_lost_mb", "Data lost", Megabytes, Lower, true),
    ("nation.*.weighted_availability", "{1}: availability of services (criticality-weighted)", Share, Higher, true),
    ("alliance.score", "Alliance score", Points, Higher, true),
    ("nation.*.score", "{1}: score", Points, Higher, true),
    ("exercise.first_compromise_s", "First compromise", Clock, Neither, false),
    ("exercise.first_detection_s", "First detection", Clock, Lower, false),
    ("nation.*.mttd_s", "{1}: mean time to detect (MTTD)", Duration, Lower, false),
    ("nation.*.mtta_s", "{1}: mean time to acknowledge (MTTA)", Duration, Lower, false),
    ("nation.*.mttc_s", "{1}: mean time to contain (MTTC)", Duration, Lower, false),
    ("nation.*.mttr_s", "{1}: mean time to recover (MTTR)", Duration, Lower, false),
    ("nation.*.dwell_s", "{1}: dwell time (first compromise to first detection)", Duration, Lower, false),
    ("nation.*.hosts_compromised", "{1}: hosts compromised", Count, Lower, false),
    ("nation.*.reinfections", "{1}: re-infections of recovered hosts", Count, Lower, false),
    ("nation.*.hosts_detected", "{1}: hosts detected", Count, Neither, false),
    ("nation.*.hosts_contained", "{1}: hosts contained", Count, Neither, false),
    ("nation.*.hosts_recovered", "{1}: hosts recovered", Count, Neither, false),
    ("nation.*.incidents_not_contained_at_endex", "{1}: incidents not contained by ENDEX", Count, Lower, false),
    ("nation.*.incidents_not_recovered_at_endex", "{1}: incidents not recovered by ENDEX", Count, Lower, false),
    ("nation.*.data_lost_mb", "{1}: data lost", Megabytes, Lower, false),
    ("nation.*.service_down_s", "{1}: service downtime", Duration, Lower, false),
    ("nation.*.first_compromise_s", "{1}: first compromise", Clock, Neither, false),
    ("nation.*.first_detection_s", "{1}: first detection", Clock, Lower, false),
    ("nation.*.score.*", "{1}: score for {2~}", Points, Higher, false),
    ("campaign.*.reached_impact", "{1} reached its impact", Probability, Lower, false),
    ("campaign.*.first_impact_s", "{1}: first impact", Clock, Higher, false),
    ("campaign.*.hosts_compromised", "{1}: hosts compromised", Count, Lower, false),
    ("campaign.*.reinfections", "{1}: re-infections of recovered hosts", Count, Lower, false),
    ("service.*.uptime", "{1}: uptime", Share, Higher, false),
    ("service.*.down_s", "{1}: downtime", Duration, Lower, false),
    ("assistance.*.*.requested_s", "{1}: assistance requested from {2}", Clock, Neither, false),
    ("assistance.*.*.request_to_on_task_s", "{1}: {2} on task after the request", Duration, Lower, false),
    ("objective.*.rating=P", "{1} rated P", Probability, Higher, false),
    ("objective.*.rating=U", "{1} rated U", Probability, Lower, false),
    ("objective.*.rating=*", "{1} rated {2}", Probability, Neither, false),
    ("objective.*.rating", "{1}: rating", Probability, Neither, false),
    ("campaign.*.outcome=stopped", "{1} stopped", Probability, Higher, false),
    ("campaign.*.outcome=impact", "{1} reached its impact", Probability, Lower, false),
    ("campaign.*.outcome=running", "{1} still running at ENDEX", Probability, Neither, false),
    ("campaign.*.outcome=not_started", "{1} never started", Probability, Neither, false),
    ("campaign.*.outcome=*", "{1} outcome {2}", Probability, Neither, false),
    ("campaign.*.outcome", "{1}: outcome", Probability, Neither, false),
    ("campaign.*.furthest_stage=none", "{1} completed no stage", Probability, Higher, false),
    ("campaign.*.furthest_stage=*", "{1} got as far as {2}", Probability, Neither, false),
    ("campaign.*.furthest_stage", "{1}: furthest stage", Probability, Neither, false),
    ("campaign.*.stopped_at_stage=none", "{1} never stopped", Probability, Lower, false),
    ("campaign.*.stopped_at_stage=*", "{1} stopped at {2}", Probability, Neither, false),
    ("campaign.*.stopped_at_stage", "{1}: stage it was stopped at", Probability, Neither, false),
    // ATT&CK technique ids; a sub-technique's id has a dot of its own (`T1566.001`).
    ("technique.*.executed", "{1}: executions", Count, Neither, false),
    ("technique.*.*.executed", "{1}.{2}: executions", Count, Neither, false),
    ("technique.*.detected", "{1}: detections", Count, Higher, false),
    ("technique.*.*.detected", "{1}.{2}: detections", Count, Higher, false),
    ("technique.*.contained", "{1}: containments", Count, Higher, false),
    ("technique.*.*.contained", "{1}.{2}: containments", Count, Higher, false),
];

/// The ids `pattern` captures from `key`, or `None` when it does not match.
fn captures(pattern: &str, k_path: &str, k_value: Option<&str>) -> Option<Vec<String>> {
    let (p_path, p_value) = split_value(pattern);
    let mut ids = Vec::new();
    let (ps, ks): (Vec<&str>, Vec<&str>) = (p_path.split('.').collect(), k_path.split('.').collect());
    if ps.len() != ks.len() {
        return None;
    }
    for (p, k) in ps.iter().zip(&ks) {
        match *p {
            "*" => ids.push((*k).to_string()),
            _ if p == k => {}
            _ => return None,
        }
    }
    match (p_value, k_value) {
        (None, None) => {}
        (Some("*"), Some(v)) => ids.push(v.to_string()),
        (Some(p), Some(v)) if p == v => {}
        _ => return None,
    }
    Some(ids)
}

/// `path=value` → (`path`, `Some(value)`); a key without `=` has no value.
fn split_value(key: &str) -> (&str, Option<&str>) {
    match key.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (key, None),
    }
}

/// `text` with `{1}`, `{2~}`, … replaced by the captured ids.
fn fill(text: &str, ids: &[String]) -> String {
    let mut out = text.to_string();
    for (i, id) in ids.iter().enumerate() {
        out = out.replace(&format!("{{{}~}}", i + 1), &id.replace('_', " "));
        out = out.replace(&format!("{{{}}}", i + 1), id);
    }
    out
}

/// The label of `key`. A key no entry matches is named from its parts (`nation.EST.new_metric_s`
/// → `EST: new metric`), its unit guessed from its suffix, with no direction; the test of this
/// module makes sure every key the engine observes has an entry.
pub fn label(key: &str) -> Label {
    lookup(key, None)
}

/// What one value of a categorical outcome is shown as (`campaign.X.outcome`, `stopped`). The
/// caller knows the key is a category; nothing is read from `=` in a key's text.
pub fn label_value(key: &str, value: &str) -> Label {
    lookup(key, Some(value))
}

fn lookup(key: &str, value: Option<&str>) -> Label {
    for (rank, (pattern, text, unit, better, key_metric)) in TABLE.iter().enumerate() {
        if let Some(ids) = captures(pattern, key, value) {
            return Label { text: fill(text, &ids), unit: *unit, better: *better, key: *key_metric, rank, ids };
        }
    }
    fallback(key, value)
}

fn fallback(path: &str, value: Option<&str>) -> Label {
    let parts: Vec<&str> = path.split('.').collect();
    let metric = parts.last().copied().unwrap_or(path);
    let ids: Vec<String> = parts.iter().skip(1).take(parts.len().saturating_sub(2)).map(|s| s.to_string()).collect();
    let (words, unit) = match (metric.strip_suffix("_s"), metric.strip_suffix("_mb")) {
        (Some(m), _) => (m, Duration),
        (None, Some(m)) => (m, Megabytes),
        _ => (metric, Count),
    };
    let mut text = words.replace('_', " ");
    if !ids.is_empty() {
        text = format!("{}: {text}", ids.join(" "));
    }
    let unit = match value {
        Some(v) => {
            text = format!("{text} = {v}");
            Probability
        }
        None => unit,
    };
    Label { text, unit, better: Neither, key: false, rank: TABLE.len(), ids }
}

impl Label {
    /// The text inside a sentence: its first letter lower-cased when the first word is an
    /// ordinary capitalised word (`Mean time to detect` → `mean time to detect`), not when it is an
    /// id or an acronym (`EST: score`, `Camp-1 stopped` unchanged).
    pub fn in_sentence(&self) -> String {
        let word = self.text.split([' ', ':']).next().unwrap_or("");
        let mut rest = word.chars().skip(1).peekable();
        if rest.peek().is_some() && rest.all(|c| c.is_lowercase() || c == '-') {
            let mut c = self.text.chars();
            c.next().map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
        } else {
            self.text.clone()
        }
    }
}

/// Whether `key` has an entry of its own in the table.
pub fn known(key: &str) -> bool {
    TABLE.iter().any(|e| captures(e.0, key, None).is_some())
}

/// Whether the table has an entry for this value of a categorical outcome.
pub fn known_value(key: &str, value: &str) -> bool {
    TABLE.iter().any(|e| captures(e.0, key, Some(value)).is_some())
}

impl Unit {
    /// A value: `3h20m`, `T+02:56`, `104`, `12,583 MB`, `99.3%`, `45%`, `88.1`.
    pub fn value(self, v: f64) -> String {
        let sign = if v < 0.0 { "−" } else { "" };
        let a = v.abs();
        match self {
            Duration => format!("{sign}{}", duration(a)),
            Clock if v < 0.0 => format!("−{}", duration(a)),
            Clock => tplus(a.round() as u64),
            Count => format!("{sign}{}", number(a)),
            Megabytes => format!("{sign}{} MB", thousands(a.round() as u64)),
            Share => format!("{sign}{:.1}%", a * 100.0),
            Probability => format!("{sign}{:.0}%", a * 100.0),
            Points => format!("{sign}{:.1}", a),
        }
    }

    /// A change, signed: `+1h05m`, `−3`, `+2.5 pp`. Times of day change by a duration, shares and
    /// probabilities by percentage points.
    pub fn change(self, d: f64) -> String {
        let sign = if d > 0.0 {
            "+"
        } else if d < 0.0 {
            "−"
        } else {
            "±"
        };
        format!("{sign}{}", self.size(d))
    }

    /// The size of a change or of a standard deviation, unsigned: `1h05m`, `2.5 pp`.
    pub fn size(self, d: f64) -> String {
        let a = d.abs();
        match self {
            Duration | Clock => duration(a),
            Share => format!("{:.1} pp", a * 100.0),
            Probability => format!("{:.0} pp", a * 100.0),
            _ => self.value(a),
        }
    }

    /// An interval of values: `2h10m … 3h05m`.
    pub fn range(self, lo: f64, hi: f64) -> String {
        format!("{} … {}", self.value(lo), self.value(hi))
    }

    /// A value that may not exist: the value, or `—`.
    pub fn opt(self, v: Option<f64>) -> String {
        v.map_or_else(|| "—".to_string(), |x| self.value(x))
    }

    /// A change that may not exist, or `—`.
    pub fn opt_change(self, d: Option<f64>) -> String {
        d.map_or_else(|| "—".to_string(), |x| self.change(x))
    }

    /// A spread (a standard deviation) that may not exist, or `—`.
    pub fn opt_size(self, d: Option<f64>) -> String {
        d.map_or_else(|| "—".to_string(), |x| self.size(x))
    }

    /// The confidence interval of a mean, or `—`. Bounds are kept inside what the quantity can
    /// be (a time, count or size is never negative, a share never beyond 0–100%), where the
    /// symmetric Student t interval of a skewed metric would step outside.
    pub fn ci(self, ci: Option<(f64, f64)>) -> String {
        let (floor, ceil) = match self {
            Duration | Clock | Count | Megabytes => (0.0, f64::INFINITY),
            Share | Probability => (0.0, 1.0),
            Points => (f64::NEG_INFINITY, f64::INFINITY),
        };
        ci.map_or_else(|| "—".to_string(), |(lo, hi)| self.range(lo.clamp(floor, ceil), hi.clamp(floor, ceil)))
    }

    /// The confidence interval of a change, or `—`: `−1h05m … +10m`.
    pub fn change_ci(self, ci: Option<(f64, f64)>) -> String {
        ci.map_or_else(|| "—".to_string(), |(lo, hi)| format!("{} … {}", self.change(lo), self.change(hi)))
    }
}

/// A non-negative number of seconds: `45s` under a minute, else `3h20m`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if s < 60 { format!("{s}s") } else { span(s) }
}

/// A non-negative count or mean count: whole numbers (and anything from 100 on) with thousands
/// separators, one decimal from 1 on, two below.
fn number(a: f64) -> String {
    if (a.fract() == 0.0 && a < 1e15) || a >= 100.0 {
        thousands(a.round() as u64)
    } else if a >= 1.0 {
        format!("{a:.1}")
    } else {
        format!("{a:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_capture_ids_and_values() {
        let l = label("nation.EST.mttd_s");
        assert_eq!(
            (l.text.as_str(), l.unit, l.better, l.key),
            ("EST: mean time to detect (MTTD)", Duration, Lower, false)
        );
        assert_eq!(l.ids, ["EST"]);
        assert_eq!(label("nation.EST.score.attack_resistance").text, "EST: score for attack resistance");
        assert_eq!(label("nation.EST.score").text, "EST: score");
        assert!(label("alliance.score").key && label("exercise.mttd_s").key);
        assert_eq!(
            label("assistance.EST.NATO-RRT.request_to_on_task_s").text,
            "EST: NATO-RRT on task after the request"
        );
        let stopped = label_value("campaign.CAMP-RW-1.outcome", "stopped");
        assert_eq!((stopped.text.as_str(), stopped.better), ("CAMP-RW-1 stopped", Higher));
        assert_eq!(label_value("objective.OBJ-2.rating", "U").better, Lower);
        let s = label_value("objective.OBJ-2.rating", "S");
        assert_eq!((s.text.as_str(), s.better, s.unit), ("OBJ-2 rated S", Neither, Probability));
        assert_eq!(label_value("campaign.C.stopped_at_stage", "lateral-smb").text, "C stopped at lateral-smb");
        assert_eq!(label_value("campaign.C.furthest_stage", "encrypt").text, "C got as far as encrypt");
        assert_eq!(label("exercise.mttd_s").in_sentence(), "mean time to detect (MTTD)");
        assert_eq!(label("nation.EST.score").in_sentence(), "EST: score");
        assert_eq!(label_value("campaign.Camp-1.outcome", "stopped").in_sentence(), "Camp-1 stopped");
        assert_eq!(label("exercise.reinfections").in_sentence(), "re-infections of recovered hosts");
        // The table's order is the reports' order.
        assert!(label("exercise.mttd_s").rank < label("exercise.mttr_s").rank);
        assert!(label("alliance.score").rank < label("nation.EST.mttd_s").rank);
    }

    #[test]
    fn technique_keys_read_with_their_ids() {
        assert_eq!(label("technique.T1566.001.executed").text, "T1566.001: executions");
        assert_eq!(label("technique.T1018.detected").text, "T1018: detections");
    }

    #[test]
    fn an_equals_sign_in_an_id_changes_nothing() {
        // A count stays a count: only the caller, who knows a key's type, makes it an outcome.
        let l = label("nation.A=B.hosts_compromised");
        assert_eq!((l.unit, l.text.as_str()), (Count, "A=B: hosts compromised"));
        assert_eq!(label_value("campaign.C=1.outcome", "stopped").text, "C=1 stopped");
    }

    #[test]
    fn unknown_keys_are_still_readable() {
        assert!(!known("nation.EST.new_thing_s"));
        let l = label("nation.EST.new_thing_s");
        assert_eq!((l.text.as_str(), l.unit, l.better, l.key), ("EST: new thing", Duration, Neither, false));
        assert_eq!(label("widgets").text, "widgets");
        assert_eq!(label_value("x.Y.kind", "z").text, "Y: kind = z");
        assert!(label("nation.EST.new_thing_s").rank > label("service.X.down_s").rank);
        // A pattern matches whole segments only.
        assert!(!known("nation.EST.mttd_s.extra") && !known("exercise.mttd"));
    }

    #[test]
    fn units_write_values_and_changes() {
        assert_eq!(Duration.value(12_000.0), "3h20m");
        assert_eq!(Duration.value(42.4), "42s");
        assert_eq!(Duration.change(-3900.0), "−1h05m");
        assert_eq!(Clock.value(10_590.0), "T+02:56");
        assert_eq!(Clock.change(600.0), "+10m");
        assert_eq!(Count.value(104.3), "104");
        assert_eq!(Count.value(12.1), "12.1");
        assert_eq!(Count.value(0.85), "0.85");
        assert_eq!(Count.value(1234.0), "1,234");
        assert_eq!(Count.change(-3.0), "−3");
        assert_eq!(Count.change(0.0), "±0");
        assert_eq!(Megabytes.value(12_582.9), "12,583 MB");
        assert_eq!(Share.value(0.993_1), "99.3%");
        assert_eq!(Share.change(0.0026), "+0.3 pp");
        assert_eq!(Probability.value(0.45), "45%");
        assert_eq!(Probability.change(-0.15), "−15 pp");
        assert_eq!(Points.value(88.147), "88.1");
        assert_eq!(Points.change(3.26), "+3.3");
        assert_eq!(Duration.opt(None), "—");
        assert_eq!(Duration.ci(Some((-60.0, 1020.0))), "0s … 17m", "a time is never negative");
        assert_eq!(Share.ci(Some((0.98, 1.01))), "98.0% … 100.0%");
        assert_eq!(Points.ci(Some((-2.0, 3.0))), "−2.0 … 3.0");
        assert_eq!(Duration.change_ci(Some((-3900.0, 600.0))), "−1h05m … +10m");
    }
}
