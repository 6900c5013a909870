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

/// The decimal digits of `n`, as `n.to_string()` spells them, written into `buf` without the
/// formatting machinery: the event writers and host names spell millions of numbers.
pub fn digits(n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let (mut n, mut i) = (n, buf.len());
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
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

/// Unicode bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). An
/// unbalanced one reverses or reorders the text after it wherever it is shown; right-to-left
/// scripts lay out correctly without them, so every output drops them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Escapes text for HTML element content and attribute values; drops bidi controls and C0/C1
/// control characters other than tab and newline.
pub fn esc_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => {}
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text so that it renders as inert text in any Markdown reader, in a paragraph or a
/// table cell: line breaks and control characters become spaces (no injected lines), bidi
/// controls are dropped, the characters that open links, images, emphasis, code and headings are
/// backslash-escaped (`[x](javascript:…)` and `![x](http://…)` stay text), and `<` and `>` become
/// entities (no raw HTML).
pub fn esc_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => out.push(' '),
            c if is_bidi_control(c) => {}
            _ => out.push(c),
        }
    }
    out
}

/// Text for a terminal: escape sequences (ESC, CSI, OSC) and other control characters become
/// spaces, and bidi controls are dropped, so scenario text cannot move the cursor, retitle the
/// window or reverse what follows.
pub fn terminal_safe(s: &str) -> String {
    s.chars().filter(|c| !is_bidi_control(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Quotes one word for a POSIX shell: left bare when it is made only of characters no shell
/// treats specially, otherwise in single quotes with each `'` written as `'\''`; the empty word is
/// `''`.
pub fn shell_quote(word: &str) -> String {
    let bare =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ',' | ':' | '=' | '+' | '@' | '%');
    if !word.is_empty() && word.chars().all(bare) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_spell_numbers_as_to_string_does() {
        let mut buf = [0u8; 20];
        for n in [0, 7, 10, 99, 100, 4_096, 1_000_000, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            assert_eq!(digits(n, &mut buf), n.to_string().as_bytes());
        }
    }

    #[test]
    fn shell_words_survive_a_posix_shell() {
        assert_eq!(shell_quote("scenarios/drill.yaml"), "scenarios/drill.yaml");
        assert_eq!(shell_quote("nations.EST.team.analysts=12"), "nations.EST.team.analysts=12");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("my drill.yaml"), "'my drill.yaml'");
        assert_eq!(shell_quote("exercise.title=It's $HOME"), "'exercise.title=It'\\''s $HOME'");
        assert_eq!(shell_quote("a;rm -rf ~"), "'a;rm -rf ~'");
        assert_eq!(shell_quote("*.yaml"), "'*.yaml'");
        assert_eq!(shell_quote("-"), "-");
        assert_eq!(shell_quote("a=[1, 2]"), "'a=[1, 2]'");
    }

    #[cfg(unix)]
    #[test]
    fn a_real_shell_reads_back_each_quoted_word() {
        let words = ["plain", "two words", "it's", "$(touch x)", "a\\b", "'", "", "tab\there", "ü*?[]{}~!#&|<>;`\""];
        let line: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("for w in {}; do printf '%s\\n' \"<$w>\"; done", line.join(" ")))
            .output()
            .unwrap();
        let back: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
        let want: Vec<String> = words.iter().map(|w| format!("<{w}>")).collect();
        assert_eq!(back, want);
    }

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

    #[test]
    fn markdown_from_scenario_text_is_inert() {
        assert_eq!(esc_md("a|b"), "a\\|b");
        assert_eq!(esc_md("![x](http://e/x.png)"), "\\!\\[x\\](http://e/x.png)");
        assert_eq!(esc_md("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(esc_md("T\r\n# <script>"), "T  \\# &lt;script&gt;");
        assert_eq!(esc_md("*bold* _it_ `code` ~~s~~"), "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~");
        assert_eq!(esc_md("evil\u{202E}txt.exe"), "eviltxt.exe");
    }

    #[test]
    fn html_and_terminal_drop_controls_and_bidi_overrides() {
        assert_eq!(esc_html("<a href='x'>\u{202E}&\x1b[31m"), "&lt;a href=&#39;x&#39;&gt;&amp;[31m");
        assert_eq!(terminal_safe("ok\x1b]0;owned\x07 \u{2066}x\u{2069}"), "ok ]0;owned  x");
        assert_eq!(terminal_safe("Estonia — مرحبا"), "Estonia — مرحبا");
    }
}
