//! Pairing: each report with the same issuer's report of the year before, within a batch.
//!
//! Issuers are compared by their normalised, aliased name. A name that is another report's
//! name with a region in front (`淮安市洪泽区人民政府` beside `洪泽区人民政府`) is the same
//! issuer, unless the short name stands for several regions in the batch (`南京市鼓楼区…`
//! and `福州市鼓楼区…`). A year with several reports of one issuer is reported, never a
//! silent choice: the previous year's report is the one of the same form when exactly one
//! is, else there is none, and the reason says why.

use std::collections::{BTreeMap, HashMap, HashSet};

/// One report of a batch, as pairing sees it.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The normalised, aliased issuer name ([`super::Identity::key`]).
    pub key: Option<&'a str>,
    /// The report year.
    pub year: Option<u16>,
    /// The form it was read in (`pdf`, `html`, …): of two reports of the previous year,
    /// the one of the same form is the counterpart.
    pub form: &'a str,
}

/// The pairing of a batch, by member index (kept small: one batch can hold 100,000).
#[derive(Debug, Clone, Default)]
pub struct Pairs {
    /// Each member's previous-year report.
    prev: Vec<u32>,
    /// Why a member has the previous report it has, or none although its issuer has
    /// reports of other years (shown beside the pairing), for the few that have a note.
    notes: HashMap<usize, String>,
    /// Issuer-years with several reports: (issuer, year, members).
    pub same_year: Vec<(String, u16, Vec<usize>)>,
    /// When the batch holds several years of the same issuers: which issuer lacks which
    /// year, between the batch's first and last year.
    pub missing_years: Vec<(String, Vec<u16>)>,
}

/// No previous report.
const NONE: u32 = u32::MAX;

impl Pairs {
    /// A member's previous-year report.
    pub fn prev(&self, member: usize) -> Option<usize> {
        self.prev.get(member).copied().filter(|&j| j != NONE).map(|j| j as usize)
    }

    /// Why a member has the previous report it has (or has none).
    pub fn note(&self, member: usize) -> Option<&str> {
        self.notes.get(&member).map(String::as_str)
    }
}

/// Place names that can stand before an issuer's own name (`淮安市` before `洪泽区…`).
const REGION_ENDS: &[&str] = &["省", "市", "自治区", "自治州", "州", "地区", "盟"];
/// An issuer's own name starts with a place (`洪泽区人民政府`): two characters at least,
/// then one of these.
const PLACE_MARKS: &[char] = &['区', '县', '市', '旗', '镇', '乡'];

/// `long` is `short` with a region in front, and `short` names a place of its own.
fn region_prefixed(long: &str, short: &str) -> bool {
    let Some(prefix) = long.strip_suffix(short) else { return false };
    !prefix.is_empty() && REGION_ENDS.iter().any(|e| prefix.ends_with(e)) && short.chars().skip(2).take(8).any(|c| PLACE_MARKS.contains(&c))
}

/// Each key's group: the shortest key of the batch it is a region-prefixed form of, when
/// that short key is not claimed by two unrelated longer names.
fn groups<'k>(keys: &HashSet<&'k str>) -> HashMap<&'k str, &'k str> {
    let mut shortest: HashMap<&str, &str> = HashMap::new();
    for &k in keys {
        // Every proper suffix at a char boundary, longest first: the last match is the shortest.
        let found = k.char_indices().skip(1).filter_map(|(i, _)| keys.get(&k[i..]).copied()).filter(|s| region_prefixed(k, s)).last();
        if let Some(s) = found {
            shortest.insert(k, s);
        }
    }
    // A short name claimed by two longer names neither of which contains the other
    // (`南京市鼓楼区…`, `福州市鼓楼区…`) is ambiguous: nothing is merged into it.
    let mut claims: HashMap<&str, Vec<&str>> = HashMap::new();
    for (&long, &short) in &shortest {
        claims.entry(short).or_default().push(long);
    }
    let ambiguous: HashSet<&str> =
        claims.iter().filter(|(_, longs)| longs.iter().any(|a| longs.iter().any(|b| !a.ends_with(b) && !b.ends_with(a)))).map(|(s, _)| *s).collect();
    shortest.retain(|_, s| !ambiguous.contains(s));
    shortest
}

/// Pair every member with its issuer's previous year (at most `u32::MAX - 1` members).
pub fn pair(members: &[Member<'_>]) -> Pairs {
    let keys: HashSet<&str> = members.iter().filter_map(|m| m.key).collect();
    let merged = groups(&keys);
    // Issuer (its own key, or the shorter name it shares) → year → members, in batch order.
    let mut by: BTreeMap<&str, BTreeMap<u16, Vec<usize>>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        if let (Some(k), Some(y)) = (m.key, m.year) {
            let g = merged.get(k).copied().unwrap_or(k);
            by.entry(g).or_default().entry(y).or_default().push(i);
        }
    }
    let mut out = Pairs { prev: vec![NONE; members.len()], ..Pairs::default() };
    for (g, years) in &by {
        for (&y, these) in years {
            if these.len() > 1 {
                out.same_year.push((g.to_string(), y, these.clone()));
            }
            let Some(before) = y.checked_sub(1).and_then(|p| years.get(&p)) else { continue };
            for &i in these {
                let same_form: Vec<usize> = before.iter().copied().filter(|&j| members[j].form == members[i].form).collect();
                match (before.as_slice(), same_form.as_slice()) {
                    ([j], _) => out.prev[i] = *j as u32,
                    (_, [j]) => {
                        out.prev[i] = *j as u32;
                        out.notes.insert(i, format!("{} 年有 {} 份报告，取形式相同的一份", y - 1, before.len()));
                    }
                    _ => {
                        out.notes.insert(i, format!("{} 年有 {} 份报告，无法确定哪一份是上年报告，跨年度规则无法评估", y - 1, before.len()));
                    }
                }
            }
        }
    }
    // The years the batch is about: those at least half of its issuers (two at least)
    // have. An issuer lacks such a year, or a year inside its own span, that it does not have.
    let mut holders: BTreeMap<u16, usize> = BTreeMap::new();
    for ys in by.values() {
        for &y in ys.keys() {
            *holders.entry(y).or_default() += 1;
        }
    }
    let several = by.values().any(|ys| ys.len() > 1);
    let enough = by.len().div_ceil(2).max(2);
    let expected: Vec<u16> = holders.iter().filter(|(_, &n)| n >= enough).map(|(&y, _)| y).collect();
    if several && holders.len() > 1 {
        for (g, years) in &by {
            let (first, last) = (*years.keys().next().unwrap_or(&0), *years.keys().next_back().unwrap_or(&0));
            let lacks: Vec<u16> = holders.keys().copied().filter(|y| !years.contains_key(y) && (expected.contains(y) || (first..=last).contains(y))).collect();
            if !lacks.is_empty() {
                out.missing_years.push((g.to_string(), lacks));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(key: &'a str, year: u16, form: &'a str) -> Member<'a> {
        Member { key: Some(key), year: Some(year), form }
    }

    fn prevs(p: &Pairs, n: usize) -> Vec<Option<usize>> {
        (0..n).map(|i| p.prev(i)).collect()
    }

    #[test]
    fn a_region_in_front_is_the_same_issuer() {
        let p = pair(&[m("洪泽区人民政府", 2023, "pdf"), m("淮安市洪泽区人民政府", 2024, "pdf"), m("江苏省淮安市洪泽区人民政府", 2025, "pdf")]);
        assert_eq!(prevs(&p, 3), [None, Some(0), Some(1)]);
        assert!(p.same_year.is_empty() && p.missing_years.is_empty());
    }

    #[test]
    fn a_short_name_of_two_regions_is_not_merged() {
        let p = pair(&[m("鼓楼区人民政府", 2023, "pdf"), m("南京市鼓楼区人民政府", 2024, "pdf"), m("福州市鼓楼区人民政府", 2024, "pdf")]);
        assert_eq!(prevs(&p, 3), [None, None, None]);
        // A department without a place of its own is never merged into a city's.
        let p = pair(&[m("民政局", 2023, "pdf"), m("无锡市民政局", 2024, "pdf")]);
        assert_eq!(prevs(&p, 2), [None, None]);
    }

    #[test]
    fn two_reports_of_a_year_are_never_a_silent_choice() {
        let p = pair(&[m("甲区人民政府", 2023, "pdf"), m("甲区人民政府", 2023, "text"), m("甲区人民政府", 2024, "pdf"), m("甲区人民政府", 2024, "html")]);
        assert_eq!(p.same_year.len(), 2);
        assert_eq!(p.same_year[0], ("甲区人民政府".to_string(), 2023, vec![0, 1]));
        // The PDF of 2024 takes the PDF of 2023, and says why; the HTML has no counterpart.
        assert_eq!(prevs(&p, 4), [None, None, Some(0), None]);
        assert!(p.note(2).is_some_and(|n| n.contains("取形式相同")));
        assert!(p.note(3).is_some_and(|n| n.contains("无法确定")));
    }

    #[test]
    fn missing_years_when_the_batch_holds_several() {
        // 甲 has a gap; 乙 lacks the year most issuers have; 丙's single older year is not
        // the batch's, so nobody else lacks it.
        let p = pair(&[m("甲", 2022, "pdf"), m("甲", 2024, "pdf"), m("乙", 2023, "pdf"), m("乙", 2024, "pdf"), m("丁", 2023, "pdf"), m("丙", 2019, "pdf")]);
        assert_eq!(prevs(&p, 6), [None, None, None, Some(2), None, None]);
        assert_eq!(p.missing_years, [("丁".to_string(), vec![2024]), ("丙".to_string(), vec![2023, 2024]), ("甲".to_string(), vec![2023])]);
        // One year only: nothing is missing.
        assert!(pair(&[m("甲", 2022, "pdf"), m("乙", 2022, "pdf")]).missing_years.is_empty());
    }
}
