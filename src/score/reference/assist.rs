//! What an assistance team changed: containment counts, rates and MTTC before and during its
//! deployment, and one plain finding that never claims more than the numbers support.
//!
//! * **Windows.** *Before* runs from the nation's first detection until the team is on task;
//!   *during* from on task until off task (or ENDEX). Containments are counted in the window in
//!   which they happened. MTTC before / during is the mean detection → containment time of the
//!   incidents *detected* in that window (whenever they were contained), with its count `n`.
//! * **Minimum sample.** A rate ratio, and any comparison of rates or of MTTC, needs at least
//!   [`MIN_CONTAINMENTS_PER_WINDOW`] in each window; below it the counts are stated and nothing
//!   is compared.
//! * **No contradicted headline.** An improvement is claimed (with the rate ratio) only when
//!   every comparable number agrees; when the rate went up but MTTC got worse (or the reverse)
//!   the finding says both and claims nothing.

use std::cmp::Ordering;

use super::AssistanceTiming;
use super::metrics::{Incident, stat};
use crate::fmt::{span, tplus};
use crate::sim::AssistanceRecord;

/// The fewest containments (for rates) or contained incidents (for MTTC) each window needs
/// before the two windows are compared.
pub const MIN_CONTAINMENTS_PER_WINDOW: u64 = 5;

/// The definition printed with the metrics.
pub fn definition() -> String {
    format!(
        "before: the nation's first detection → the team on task; during: on task → off task or ENDEX. Rates count the containments in each window; MTTC before / during is over the incidents detected in each window (n = how many). Compared only when each window has at least {MIN_CONTAINMENTS_PER_WINDOW} (the minimum sample); an improvement is claimed only when the rate and MTTC agree"
    )
}

fn per_h(count: u64, from: Option<u64>, to: Option<u64>) -> Option<f64> {
    match (from, to) {
        (Some(f), Some(t)) if t > f => Some(((count as f64 * 3600.0 / (t - f) as f64) * 1000.0).round() / 1000.0),
        _ => None,
    }
}

/// The timings and the finding of one request, from the nation's incidents.
pub fn timing(
    a: &AssistanceRecord,
    incidents: &[Incident],
    first_detection: Option<&(u64, u64)>,
    end_s: u64,
) -> AssistanceTiming {
    let mine: Vec<&Incident> = incidents.iter().filter(|i| i.nation == a.nation).collect();
    let during = |t: u64| a.on_task_s.is_some_and(|on| t >= on && a.off_task_s.is_none_or(|off| t < off));
    let before = |t: u64| a.on_task_s.is_none_or(|on| t < on);
    let ttc_where =
        |keep: &dyn Fn(u64) -> bool| mine.iter().filter(|i| keep(i.detected.0)).filter_map(|i| i.ttc()).collect();
    let mttc_before = stat(ttc_where(&before), 0);
    let mttc_during = stat(ttc_where(&during), 0);
    let contained_in =
        |keep: &dyn Fn(u64) -> bool| mine.iter().filter(|i| i.contained.is_some_and(|c| keep(c.0))).count();
    let contained_before = contained_in(&before) as u64;
    let contained_during = contained_in(&during) as u64;
    let to_contain_during = a.on_task_s.map_or(0, |on| {
        let left = a.off_task_s.unwrap_or(end_s);
        mine.iter().filter(|i| i.detected.0 < left && i.contained.is_none_or(|c| c.0 >= on)).count() as u64
    });
    let det = first_detection.map(|d| d.0);
    let rate_before = per_h(contained_before, det, a.on_task_s);
    let rate_during = per_h(contained_during, a.on_task_s, a.off_task_s.or(Some(end_s)));
    let enough = contained_before >= MIN_CONTAINMENTS_PER_WINDOW && contained_during >= MIN_CONTAINMENTS_PER_WINDOW;
    let ratio = match (rate_before, rate_during) {
        (Some(b), Some(d)) if enough && b > 0.0 => Some((d / b * 1000.0).round() / 1000.0),
        _ => None,
    };
    let mut t = AssistanceTiming {
        nation: a.nation.clone(),
        provider: a.provider.clone(),
        reason: a.reason.clone(),
        time_to_request_s: det.map(|d| a.requested_s.saturating_sub(d)),
        time_to_on_task_s: a.on_task_s.map(|t| t.saturating_sub(a.requested_s)),
        requested_s: a.requested_s,
        approved_s: a.approved_s,
        on_task_s: a.on_task_s,
        off_task_s: a.off_task_s,
        mttc_before_s: mttc_before.mean_s,
        mttc_before_n: mttc_before.n,
        mttc_during_s: mttc_during.mean_s,
        mttc_during_n: mttc_during.n,
        contained_during,
        contained_before,
        to_contain_during,
        containment_rate_before_per_h: rate_before,
        containment_rate_during_per_h: rate_during,
        containment_rate_ratio: ratio,
        finding: String::new(),
    };
    t.finding = finding(&t);
    t
}

fn mttc(mean: Option<f64>, n: u64) -> String {
    mean.map_or_else(|| format!("— (n={n})"), |m| format!("{} (n={n})", span(m.round() as u64)))
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{x:.2}/h"))
}

/// The numbers, stated plainly: containments and rates in each window, and MTTC with its n.
pub fn facts(t: &AssistanceTiming) -> String {
    format!(
        "contained {} before it arrived ({}) and {} of {} while on task ({}); MTTC {} for incidents detected before it arrived, {} for those detected while on task",
        t.contained_before,
        rate(t.containment_rate_before_per_h),
        t.contained_during,
        t.to_contain_during,
        rate(t.containment_rate_during_per_h),
        mttc(t.mttc_before_s, t.mttc_before_n),
        mttc(t.mttc_during_s, t.mttc_during_n),
    )
}

/// The conclusion drawn from [`facts`], never claiming more than every comparable number supports.
pub fn finding(t: &AssistanceTiming) -> String {
    let who = format!("{} with {}", t.nation, t.provider);
    let Some(on) = t.on_task_s else {
        return format!("{who}: the team was never on task before ENDEX, so it changed nothing in this run.");
    };
    if t.to_contain_during == 0 {
        return format!(
            "{who}: nothing was left to contain when the team arrived at {} ({} incident(s) had been contained before it; MTTC {}), so there is nothing to compare.",
            tplus(on),
            t.contained_before,
            mttc(t.mttc_before_s, t.mttc_before_n)
        );
    }
    let min = MIN_CONTAINMENTS_PER_WINDOW;
    let rates_ok = t.contained_before >= min && t.contained_during >= min;
    let mttc_ok = t.mttc_before_n >= min && t.mttc_during_n >= min;
    let cmp = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a.total_cmp(&b));
    // Rate: higher is better; MTTC: lower is better. Each is Some(ordering of during vs before).
    let rate = cmp(t.containment_rate_during_per_h, t.containment_rate_before_per_h).filter(|_| rates_ok);
    let time = cmp(t.mttc_before_s, t.mttc_during_s).filter(|_| mttc_ok);
    let facts = facts(t);
    let verdict = match (rate, time) {
        (None, None) => format!(
            "Too few containments to compare the windows (at least {min} in each are needed), so no change is claimed."
        ),
        (Some(r), Some(m)) if r == Ordering::Greater && m != Ordering::Less => match t.containment_rate_ratio {
            Some(x) => format!("Improvement: {x:.1}× the containment rate, and MTTC did not get worse."),
            None => "Improvement: a higher containment rate, and MTTC did not get worse.".to_string(),
        },
        (Some(r), Some(m)) if r != m && r != Ordering::Equal && m != Ordering::Equal => {
            "Mixed: the containment rate and MTTC moved in opposite directions, so no improvement is claimed."
                .to_string()
        }
        (Some(Ordering::Less), _) | (_, Some(Ordering::Less)) => {
            "No improvement: containment was slower while the team was on task.".to_string()
        }
        (Some(_), None) => format!(
            "Only the rates are compared (fewer than {min} contained incidents in an MTTC window), so no improvement is claimed."
        ),
        (None, Some(_)) => format!(
            "Only MTTC is compared (fewer than {min} containments in a rate window), so no improvement is claimed."
        ),
        _ => "No clear change: the rate or MTTC did not move, so no improvement is claimed.".to_string(),
    };
    format!("{who}: {facts}. {verdict}")
}
