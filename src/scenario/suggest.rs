//! "Did you mean" suggestions: the closest candidate to a misspelt key, value or id.

/// The candidate closest to `word`, if one is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest(word, candidates, 1).into_iter().next()
}

/// Words longer than this get no suggestion: a typo of a name is short, and comparing long words
/// costs their lengths multiplied.
const MAX_WORD: usize = 64;
/// At most this many candidates are compared, in the order given, so one search is bounded
/// whatever the file defines.
const MAX_CANDIDATES: usize = 10_000;

/// Up to `n` candidates closest to `word`, best first, keeping only plausible typos. The search
/// is bounded: see [`MAX_WORD`] and [`MAX_CANDIDATES`].
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    if word.chars().count() > MAX_WORD {
        return Vec::new();
    }
    let lower = word.to_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .take(MAX_CANDIDATES)
        .filter(|c| c.chars().count() <= MAX_WORD)
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|&(score, _)| score >= 0.8)
        .collect();
    // Highest score first; ties broken by the candidate text so the order is stable.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["analysts", "skills", "schedule", "assistance_policy"];
        assert_eq!(did_you_mean("analystz", keys), Some("analysts"));
        assert_eq!(did_you_mean("Skils", keys), Some("skills"));
        assert_eq!(did_you_mean("zzzz", keys), None);
        assert_eq!(closest("EST-GOV", ["EST-GOV1", "EST-MIL", "LVA-GOV", "EST-G0V"], 2), vec!["EST-GOV1", "EST-G0V"]);
    }

    #[test]
    fn searches_are_bounded() {
        let long = "x".repeat(MAX_WORD + 1);
        assert!(closest(&long, [long.as_str()], 1).is_empty(), "long words get no suggestion");
        let many: Vec<String> = (0..MAX_CANDIDATES + 5).map(|i| format!("id-{i}")).collect();
        let last = many.last().unwrap().clone();
        assert!(!closest(&last, many.iter().map(String::as_str), 1).contains(&last.as_str()), "past the bound");
    }
}
