//! Inline SVG drawings of the document model's charts, for the HTML writer: stacked bars,
//! histograms, step lines over time, lanes over time and slotted bars. Each is drawn at a fixed
//! viewBox and scales down to the page; every label is escaped, every shape titled with its value.

use std::fmt::Write;

use crate::fmt::{esc_html as esc, nz, score, tplus};
use crate::report::doc::{Chart, Lane, Panel, time_step};

/// Grid lines and axis text.
const GRID: &str = "#e3e7ec";
/// Plot frames.
const FRAME: &str = "#8a949e";

/// Draws `chart` (captioned `caption`, its accessible name) as HTML with inline SVG.
pub fn draw(o: &mut String, caption: &str, chart: &Chart) {
    match chart {
        Chart::StackedBars { legend, rows, full } => stacked_bars(o, caption, legend, rows, *full),
        Chart::Histogram { bins } => histogram(o, caption, bins),
        Chart::Steps { end_s, series, panels } => steps(o, *end_s, series, panels),
        Chart::Lanes { end_s, legend, lanes } => lanes_chart(o, caption, *end_s, legend, lanes),
        Chart::Slots { slots, rows } => slotted(o, caption, slots, rows),
    }
}

fn open(o: &mut String, class: &str, w: f64, h: f64, label: &str) {
    let _ = writeln!(
        o,
        "<svg class=\"chart {class}\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"{}\">",
        esc(label)
    );
}

/// A legend above a plot: a swatch and a name per entry, from `x` along the top line.
fn legend_row(o: &mut String, x: f64, entries: &[(String, String)]) {
    let mut lx = x;
    for (name, colour) in entries {
        let _ = writeln!(
            o,
            "<rect x=\"{lx:.1}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"16\" font-size=\"11\">{}</text>",
            esc(colour),
            lx + 16.0,
            esc(name)
        );
        lx += 30.0 + name.chars().count() as f64 * 6.5;
    }
}

/// Width of a label column that fits the longest of `labels` at 11 px.
fn label_width(labels: impl Iterator<Item = usize>) -> f64 {
    (labels.max().unwrap_or(0) as f64 * 6.6 + 12.0).clamp(60.0, 240.0)
}

/// A label right-aligned left of `x`, centred on a row at `y` of height `h`.
fn row_label(o: &mut String, x: f64, y: f64, h: f64, label: &str) {
    let _ = writeln!(
        o,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
        x - 6.0,
        y + h / 2.0 + 4.0,
        esc(label)
    );
}

/// Horizontal stacked bars with a legend; each segment titled with its value.
fn stacked_bars(o: &mut String, caption: &str, legend: &[(String, String)], rows: &[(String, Vec<f64>)], full: f64) {
    let label_w = label_width(rows.iter().map(|r| r.0.chars().count())).max(100.0);
    let (pw, row_h, top) = (520.0, 22.0, 30.0);
    let h = top + row_h * rows.len() as f64 + 8.0;
    open(o, "chart-bars", label_w + pw + 10.0, h, caption);
    legend_row(o, label_w, legend);
    let scale = pw / if full > 0.0 { full } else { 1.0 };
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        row_label(o, label_w, y, row_h, label);
        let mut x = label_w;
        for (v, (name, colour)) in values.iter().zip(legend) {
            let w = (v.max(0.0) * scale).min(label_w + pw - x);
            let _ = writeln!(
                o,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                esc(colour),
                esc(name),
                nz(*v)
            );
            // The value written on a segment wide enough to hold it, so a printed page (where
            // the data table is not shown) keeps the numbers.
            if w >= 34.0 {
                let shown = if full == 1.0 { format!("{:.0}%", v * 100.0) } else { format!("{:.1}", nz(*v)) };
                let _ = writeln!(
                    o,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" style=\"fill:{}\">{shown}</text>",
                    x + w / 2.0,
                    y + row_h / 2.0 + 3.5,
                    ink_on(colour)
                );
            }
            x += w;
        }
    }
    o.push_str("</svg>\n");
}

/// Black or white, whichever reads better on the CSS colour `bg` (`#rrggbb`; white otherwise).
fn ink_on(bg: &str) -> &'static str {
    let hex = bg.strip_prefix('#').filter(|h| h.len() == 6);
    let channel =
        |i: usize| hex.and_then(|h| u8::from_str_radix(&h[i..i + 2], 16).ok()).map_or(0.0, |c| f64::from(c) / 255.0);
    let luma = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    if luma > 0.5 { "#000" } else { "#fff" }
}

/// Vertical bars, one per bin, labelled below with the bin's range and above with its count.
fn histogram(o: &mut String, caption: &str, bins: &[(String, u64)]) {
    let (w, h, left, bottom, top) = (520.0, 180.0, 30.0, 40.0, 10.0);
    let max = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let bw = (w - left) / bins.len().max(1) as f64;
    open(o, "chart-histogram", w, h, caption);
    let _ = writeln!(o, "<text x=\"2\" y=\"{:.1}\" font-size=\"10\">{max:.0}</text>", top + 8.0);
    let _ = writeln!(o, "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{w}\" y2=\"{0:.1}\" stroke=\"#8a939c\"/>", h - bottom);
    for (i, (label, c)) in bins.iter().enumerate() {
        let bh = (h - top - bottom) * *c as f64 / max;
        let x = left + bw * i as f64;
        if *c > 0 {
            let _ = writeln!(
                o,
                "<text class=\"count\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{c}</text>",
                x + bw / 2.0,
                h - bottom - bh - 2.0
            );
        }
        let _ = writeln!(
            o,
            "<rect class=\"b\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#3a6ea5\"><title>{}: {c}</title></rect>",
            x + 1.0,
            h - bottom - bh,
            (bw - 2.0).max(1.0),
            esc(label)
        );
        if i % 2 == 0 {
            let _ = writeln!(
                o,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                h - bottom + 12.0 + 10.0 * (i % 4 / 2) as f64,
                esc(label.split(" … ").next().unwrap_or(label))
            );
        }
    }
    o.push_str("</svg>\n");
}

/// Vertical grid lines with T+ labels under a plot from `x0` to `x0 + w`, spanning `y_top..y_bottom`.
fn time_axis(o: &mut String, end: u64, x0: f64, w: f64, y_top: f64, y_bottom: f64) {
    // About 75 px per label (`T+1d06:00` at 10 px).
    let step = time_step(end, (w / 75.0) as u64);
    let mut t = 0;
    while t <= end {
        let x = x0 + w * t as f64 / end.max(1) as f64;
        let _ = writeln!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{y_top:.1}\" x2=\"{x:.1}\" y2=\"{y_bottom:.1}\" stroke=\"{GRID}\" stroke-width=\"1\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            y_bottom + 13.0,
            tplus(t)
        );
        t += step;
    }
}

/// A round upper bound for a count axis.
fn nice_max(v: u64) -> u64 {
    let v = v.max(1);
    let mut mag = 1;
    while mag * 10 < v {
        mag *= 10;
    }
    [1, 2, 5, 10].iter().map(|f| f * mag).find(|m| *m >= v).unwrap_or(10 * mag)
}

fn dash(pattern: &str) -> String {
    if pattern.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{}\"", esc(pattern)) }
}

/// Small multiples of step lines: a legend, then one panel per subject in a grid.
fn steps(o: &mut String, end: u64, series: &[(String, String, String)], panels: &[Panel]) {
    o.push_str("<div class=\"legend\">");
    for (name, colour, pattern) in series {
        let _ = write!(
            o,
            "<span><svg class=\"key\" width=\"28\" height=\"10\" viewBox=\"0 0 28 10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"{}\" stroke-width=\"2.5\"{}/></svg> {}</span>",
            esc(colour),
            dash(pattern),
            esc(name)
        );
    }
    o.push_str("</div>\n<div class=\"charts\">\n");
    for p in panels {
        panel(o, end.max(1), series, p);
    }
    o.push_str("</div>\n");
}

/// One panel of step lines: title and note on top, time along x, counts up y. Compact, so that
/// two side by side on a printed page still read at 7 pt.
fn panel(o: &mut String, end: u64, series: &[(String, String, String)], p: &Panel) {
    let (x0, y0, pw, ph) = (40.0, 42.0, 370.0, 135.0);
    let max = p.points.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or(0);
    let ymax = nice_max(max);
    let sx = |t: u64| x0 + pw * (t.min(end) as f64) / end as f64;
    let sy = |v: u64| y0 + ph - ph * v as f64 / ymax as f64;
    open(o, "chart-steps", 440.0, 212.0, &format!("{}: {}", p.title, p.note));
    let _ = writeln!(o, "<text x=\"{x0:.1}\" y=\"15\" font-size=\"13\" font-weight=\"700\">{}</text>", esc(&p.title));
    // A note too long for the panel is squeezed to fit (about 5.4 px a character at 10 px).
    let fit = if p.note.chars().count() as f64 * 5.4 > pw {
        format!(" textLength=\"{pw:.0}\" lengthAdjust=\"spacingAndGlyphs\"")
    } else {
        String::new()
    };
    let _ = writeln!(o, "<text x=\"{x0:.1}\" y=\"31\" font-size=\"10\"{fit}>{}</text>", esc(&p.note));
    time_axis(o, end, x0, pw, y0, y0 + ph);
    let ticks: Vec<u64> = if ymax >= 2 && ymax.is_multiple_of(2) { vec![0, ymax / 2, ymax] } else { vec![0, ymax] };
    for v in ticks {
        let y = sy(v);
        let _ = writeln!(
            o,
            "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\" stroke-width=\"1\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{v}</text>",
            x0 + pw,
            x0 - 4.0,
            y + 3.5
        );
    }
    let _ = writeln!(
        o,
        "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{pw:.1}\" height=\"{ph:.1}\" fill=\"none\" stroke=\"{FRAME}\" stroke-width=\"1\"/>"
    );
    for (k, (name, colour, pattern)) in series.iter().enumerate() {
        let mut d = format!("M{:.1} {:.1}", sx(0), sy(0));
        let mut prev = 0;
        for (t, values) in &p.points {
            let v = values.get(k).copied().unwrap_or(0);
            if v != prev {
                let _ = write!(d, " H{:.1} V{:.1}", sx(*t), sy(v));
                prev = v;
            }
        }
        let _ = write!(d, " H{:.1}", sx(end));
        let _ = writeln!(
            o,
            "<path class=\"series-{}\" d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\"{}/>",
            esc(name),
            esc(colour),
            dash(pattern)
        );
    }
    o.push_str("</svg>\n");
}

/// One lane per subject over the exercise window, bars coloured by kind, a note at the right.
fn lanes_chart(o: &mut String, caption: &str, end: u64, legend: &[(String, String)], lanes: &[Lane]) {
    let end = end.max(1);
    let x0 = label_width(lanes.iter().map(|l| l.label.chars().count()));
    let (pw, row_h, y0) = (700.0, 26.0, 30.0);
    let bottom = y0 + row_h * lanes.len() as f64;
    open(o, "chart-lanes", x0 + pw + 70.0, bottom + 22.0, caption);
    legend_row(o, x0, legend);
    time_axis(o, end, x0, pw, y0, bottom);
    let sx = |t: u64| x0 + pw * t.min(end) as f64 / end as f64;
    for (i, lane) in lanes.iter().enumerate() {
        let (y, bh) = (y0 + row_h * i as f64 + 4.0, row_h - 8.0);
        row_label(o, x0, y, bh, &lane.label);
        let _ = writeln!(
            o,
            "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{pw:.1}\" height=\"{bh:.1}\" fill=\"none\" stroke=\"{GRID}\" stroke-width=\"0.5\"/>"
        );
        for b in &lane.bars {
            let colour = legend.get(b.kind).map_or("#555555", |l| l.1.as_str());
            let _ = writeln!(
                o,
                "<rect class=\"bar-{}\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{}\"><title>{}</title></rect>",
                b.kind,
                sx(b.from),
                (sx(b.to) - sx(b.from)).max(1.5),
                esc(colour),
                esc(&b.title)
            );
        }
        if !lane.note.is_empty() {
            let _ = writeln!(
                o,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
                x0 + pw + 6.0,
                y + bh / 2.0 + 4.0,
                esc(&lane.note)
            );
        }
    }
    o.push_str("</svg>\n");
}

/// Bars of fixed slots, each filled as far as the row's value; a scale along the top.
fn slotted(o: &mut String, caption: &str, slots: &[(String, String, f64)], rows: &[(String, Vec<f64>, String)]) {
    let x0 = label_width(rows.iter().map(|r| r.0.chars().count()));
    let (pw, row_h, y0) = (640.0, 22.0, 34.0);
    let full: f64 = slots.iter().map(|s| s.2.max(0.0)).sum::<f64>().max(1e-9);
    let scale = pw / full;
    let bottom = y0 + row_h * rows.len() as f64;
    open(o, "chart-slots", x0 + pw + 70.0, bottom + 26.0, caption);
    let legend: Vec<(String, String)> =
        slots.iter().map(|(name, colour, size)| (format!("{name} ({})", score(*size)), colour.clone())).collect();
    legend_row(o, x0, &legend);
    for v in [0u32, 25, 50, 75, 100] {
        let x = x0 + pw * f64::from(v) / 100.0;
        let _ = writeln!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{GRID}\" stroke-width=\"1\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{:.0}</text>",
            y0 - 4.0,
            bottom + 13.0,
            full * f64::from(v) / 100.0
        );
    }
    for (i, (label, values, end_label)) in rows.iter().enumerate() {
        let (y, bh) = (y0 + row_h * i as f64 + 3.0, row_h - 6.0);
        row_label(o, x0, y, bh, label);
        let mut x = x0;
        for ((name, colour, size), v) in slots.iter().zip(values) {
            let (c, size) = (esc(colour), size.max(0.0));
            let kept = v.clamp(0.0, size);
            let _ = writeln!(
                o,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{c}\" fill-opacity=\"0.15\" stroke=\"{c}\" stroke-width=\"0.6\"/><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{c}\"><title>{}: {} of {}</title></rect>",
                size * scale,
                kept * scale,
                esc(name),
                score(*v),
                score(size)
            );
            x += size * scale;
        }
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"700\">{}</text>",
            x0 + pw + 6.0,
            y + bh / 2.0 + 4.0,
            esc(end_label)
        );
    }
    o.push_str("</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::doc::Bar;

    #[test]
    fn count_axes_end_on_round_numbers() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(28), 50);
        assert_eq!(nice_max(200), 200);
        assert_eq!(nice_max(201), 500);
    }

    #[test]
    fn lanes_title_each_bar_and_escape_labels() {
        let lane = Lane {
            label: "<svc>".into(),
            note: "93.75%".into(),
            bars: vec![Bar { from: 3600, to: 7200, kind: 1, title: "down T+01:00–T+02:00".into() }],
        };
        let mut o = String::new();
        let legend = [("up".to_string(), "#0f0".to_string()), ("down".to_string(), "#f00".to_string())];
        lanes_chart(&mut o, "Outages", 86_400, &legend, &[lane]);
        assert!(o.contains("class=\"bar-1\""), "{o}");
        assert!(o.contains("<title>down T+01:00–T+02:00</title>"), "{o}");
        assert!(o.contains("&lt;svc&gt;") && !o.contains("<svc>"), "{o}");
        assert!(o.contains(">T+12:00</text>"), "time axis: {o}");
    }

    #[test]
    fn slots_fill_no_further_than_their_size() {
        let mut o = String::new();
        let slots = [("A".to_string(), "#111".to_string(), 30.0), ("B".to_string(), "#222".to_string(), 70.0)];
        slotted(&mut o, "Scores", &slots, &[("EST".into(), vec![40.0, 35.0], "75.0".into())]);
        // 640 px for 100 points: slot A is 192 px and is filled no further, even at 40 of 30.
        assert!(o.contains("width=\"192.0\" height=\"16.0\" fill=\"#111\"><title>A: 40.0 of 30.0"), "{o}");
        assert!(o.contains("width=\"224.0\" height=\"16.0\" fill=\"#222\"><title>B: 35.0 of 70.0"), "{o}");
    }
}
