//! Text formatting shared by every layer: scenario times (`T+1d02:30`), spans (`3h20m`), counts
//! with thousands separators, sizes, percentages, points, and escaping for HTML and Markdown.
//! Pure functions of their arguments; a leaf module that imports nothing from the crate.

/// Formats scenario seconds as `T+1d02:30` (HSEEP "designated scenario time").
pub fn tplus(secs: u64) -> String {
    let (d, rem) = (secs / 86_400, secs % 86_400);
    let (h, m) = (rem / 3600, (rem % 3600) / 60);
    if d > 0 { format!("T+{d}d{h:02}:{m:02}") } else { format!("T+{h:02}:{m:02}") }
}

/// Formats a length of time compactly: `45m`, `3h20m`, `2d4h`.
pub fn span(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h{m:02}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

/// Thousands separators: `114,310`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Megabytes, rounded: `0 MB`, `1,250 MB`.
pub fn mb(v: f64) -> String {
    format!("{} MB", thousands(v.max(0.0).round() as u64))
}

/// Turns `-0.0` into `0.0` so fixed-precision output never prints `-0.00`.
pub fn nz(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

/// A fraction as a percentage with two decimals: `0.1234` → `12.34%`.
pub fn pct(v: f64) -> String {
    format!("{:.2}%", nz(v * 100.0))
}

/// Milli-points as signed points with three decimals: `1500` → `+1.500`.
pub fn points(milli: i64) -> String {
    format!("{:+.3}", milli as f64 / 1000.0)
}

/// A score or a category weight, to one decimal: `98.4`. Points behind it are kept in
/// thousandths ([`points`]).
pub fn score(v: f64) -> String {
    format!("{:.1}", nz(v))
}

/// A time that may not exist: `T+01:30`, or `—`.
pub fn opt_tplus(t: Option<u64>) -> String {
    t.map_or_else(|| "—".to_string(), tplus)
}

/// Escapes text for HTML element content and attribute values.
pub fn esc_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for a Markdown table cell or inline text.
pub fn esc_md(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('\n', " ").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_times() {
        assert_eq!(tplus(0), "T+00:00");
        assert_eq!(tplus(5400), "T+01:30");
        assert_eq!(tplus(86_400 + 9000), "T+1d02:30");
        assert_eq!(span(2700), "45m");
        assert_eq!(span(12_000), "3h20m");
        assert_eq!(span(7200), "2h");
        assert_eq!(span(187_200), "2d4h");
    }
}
