//! Did-you-mean for unknown names. Similarity is counted in chars (a Chinese char is one
//! unit, not three bytes), on labels in normal form without their ordinal. A candidate is
//! offered when its normalised Levenshtein similarity is at least [`THRESHOLD`]; at most
//! three, best first. Typical hit: `本年新收政府信息申请` → `一、本年新收政府信息公开申请数量`.

use crate::template::labels::{normalize, strip_ordinal};

/// Minimum similarity (0..1) for a suggestion.
pub const THRESHOLD: f64 = 0.5;

/// The best candidates (printed labels) for an unknown name.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let norm = normalize(name);
    let want = strip_ordinal(&norm);
    let mut scored: Vec<(f64, &str)> = Vec::new();
    for (printed, norm_label) in candidates {
        let core = strip_ordinal(norm_label);
        let sim = strsim::normalized_levenshtein(want, core).max(strsim::normalized_levenshtein(&norm, norm_label));
        // A shared run of 2+ chars at the start also counts ("结转" → "结转下年度继续办理").
        let prefix = want.chars().zip(core.chars()).take_while(|(a, b)| a == b).count();
        let sim = if prefix >= 2 { sim.max(0.5 + 0.05 * prefix as f64) } else { sim };
        if sim >= THRESHOLD && !scored.iter().any(|(_, p)| *p == printed) {
            scored.push((sim, printed));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Only those close to the best: one clear hit is better than three guesses.
    let best = scored.first().map_or(0.0, |s| s.0);
    scored.into_iter().take_while(|(s, _)| *s >= best - 0.1).take(3).map(|(_, p)| p.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_full_label() {
        let full = "一、本年新收政府信息公开申请数量";
        let n = normalize(full);
        let other = "二、上年结转政府信息公开申请数量";
        let m = normalize(other);
        let s = suggest("本年新收政府信息申请", [(full, n.as_str()), (other, m.as_str())].into_iter());
        assert_eq!(s[0], full);
    }

    #[test]
    fn nothing_for_unrelated_names() {
        let n = normalize("自然人");
        assert!(suggest("行政复议", [("自然人", n.as_str())].into_iter()).is_empty());
    }
}
