//! "Did you mean" suggestions: the closest candidate to a misspelt key, value or id.

/// The candidate closest to `word`, if one is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest(word, candidates, 1).into_iter().next()
}

/// Up to `n` candidates closest to `word`, best first, keeping only plausible typos.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let lower = word.to_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
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
}
