//! Situation reports of a played session (only when a team sent any), scored as Locked Shields'
//! reporting category scores them: timeliness, accuracy against the ground truth at the time,
//! and attribution on its own (the rules are in `results::reporting`).

use crate::fmt::tplus;
use crate::report::doc::{Block, Section, Table, Text};
use crate::results::RunResults;
use crate::results::reporting::{REPORT_LATE_S, REPORT_WINDOW_S};

/// The section, or none when no report was sent.
pub fn section(r: &RunResults) -> Option<Section> {
    if r.reporting.is_empty() {
        return None;
    }
    let mut sec = Section::new("reporting", "Situation reports: timeliness, accuracy, attribution");
    sec.push(Block::Para(Text::plain(format!(
        "Each report is held against the ground truth when it was sent. Timeliness is 100 within {} h of the nation's first detection, falling to 0 at {} h; hosts score 100 × (1 − |estimate − truth| / the larger); campaigns score the F1 of those named against those active; attribution scores 100 × confidence for the right actor and kind, half for the kind alone. These scores stand beside the nation's total, not in it.",
        REPORT_WINDOW_S / 3600,
        REPORT_LATE_S / 3600
    ))));
    let mut t = Table::new(&[
        "Time",
        "Nation",
        "Hosts: estimate / truth",
        "Campaigns named / active",
        "Attribution",
        "#Timeliness",
        "#Hosts",
        "#Campaigns",
        "#Attribution",
    ]);
    for x in &r.reporting {
        let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(", ") };
        let attributed =
            x.attributed.as_ref().map_or("none".to_string(), |(a, k, c)| format!("{a} ({k}, confidence {c})"));
        t.row(vec![
            Text::plain(tplus(x.tick * r.summary.tick_s)),
            Text::plain(&x.nation),
            Text::plain(format!("{} / {}", x.hosts.0, x.hosts.1)),
            Text::plain(format!("{} / {}", list(&x.campaigns.0), list(&x.campaigns.1))),
            Text::plain(attributed),
            Text::plain(format!("{:.1}", x.timeliness)),
            Text::plain(format!("{:.1}", x.host_accuracy)),
            Text::plain(format!("{:.1}", x.campaign_accuracy)),
            Text::plain(x.attribution.map_or("—".to_string(), |a| format!("{a:.1}"))),
        ]);
    }
    sec.push(Block::Table(t));
    Some(sec)
}
