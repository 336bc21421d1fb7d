//! Printed labels as real reports print them: half/full width, `1.` vs `1、`, spaces and
//! line breaks inside labels, padding, known typos. Labels are compared in a normal form;
//! diagnostics always show the raw label.

use compact_str::CompactString;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use unicode_normalization::UnicodeNormalization;

/// Normal form of a label: NFKC (full-width → ASCII punctuation), every kind of space
/// removed, `、` and `．` unified to `.`, quotes unified.
pub fn normalize(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    // Most labels are ASCII, CJK ideographs and CJK punctuation, which NFKC leaves alone
    // or maps as `fold` does; only other text goes through the full normalisation (started
    // over at the first char that needs it, so the common case is one pass).
    for c in label.chars() {
        if !nfkc_stable(c) {
            out.clear();
            label.nfkc().for_each(|c| push_normal(&mut out, c));
            return out;
        }
        push_normal(&mut out, fold_width(c));
    }
    out
}

/// Chars whose NFKC form `fold_width` gives directly.
fn nfkc_stable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\n' | '\r' | '\t' | '\u{3000}'..='\u{3035}' | '\u{3037}' | '\u{303b}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff5e}' | '“' | '”' | '‘' | '’' | '\u{a0}')
}

/// [`normalize`] of running text printed at `offset`, char by char, with where each byte of
/// the result comes from (the source char it was made from): to find labels inside a line
/// and point at what follows them.
pub fn normalize_mapped(text: &str, offset: usize) -> (String, Vec<crate::report::model::Span>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if nfkc_stable(c) {
            push_normal(&mut out, fold_width(c));
        } else {
            std::iter::once(c).nfkc().for_each(|n| push_normal(&mut out, n));
        }
        map.resize(out.len(), crate::report::model::Span::new(offset + i, c.len_utf8()));
    }
    (out, map)
}

/// Full-width ASCII forms (U+FF01–FF5E) to ASCII, as NFKC does; U+3000 to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' | '\u{a0}' => ' ',
        c => c,
    }
}

/// Labels longer than this are not memoised (a hostile file's kilobyte "label").
const MEMO_LABEL_BYTES: usize = 256;

/// Labels memoised per thread at most; past it the memo starts over (bounded memory).
const MEMO_LABELS: usize = 4096;

/// [`normalize`] of a table row's label or a heading, memoised per thread: the reports of a
/// batch print the same few hundred labels, so each is normalised once per thread, not once
/// per report. Shared, so a hit costs no copy.
pub fn normalize_memo(label: &str) -> Rc<str> {
    thread_local! {
        static MEMO: RefCell<foldhash::HashMap<CompactString, Rc<str>>> = RefCell::default();
    }
    if label.len() > MEMO_LABEL_BYTES {
        return normalize(label).into();
    }
    MEMO.with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return normalize(label).into();
        };
        if let Some(norm) = memo.get(label) {
            return norm.clone();
        }
        let norm: Rc<str> = normalize(label).into();
        if memo.len() >= MEMO_LABELS {
            memo.clear();
        }
        memo.insert(label.into(), norm.clone());
        norm
    })
}

/// [`normalize`], borrowing the label when it is already in normal form (most labels are:
/// the allocation and the char-by-char copy are spared).
pub fn normalize_cow(label: &str) -> Cow<'_, str> {
    if label.chars().all(|c| nfkc_stable(c) && fold_width(c) == c && normal_char(c) == Some(c)) {
        Cow::Borrowed(label)
    } else {
        Cow::Owned(normalize(label))
    }
}

fn push_normal(out: &mut String, c: char) {
    if let Some(c) = normal_char(c) {
        out.push(c);
    }
}

/// A (width-folded) char in normal form; `None` for spaces, which are dropped.
fn normal_char(c: char) -> Option<char> {
    Some(match c {
        c if crate::report::value::is_space(c) => return None,
        '、' | '．' | '。' => '.',
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' => '"',
        '：' => ':',
        '〔' | '［' | '【' => '[',
        '〕' | '］' | '】' => ']',
        c => c,
    })
}

/// Digits of an ordinal: 一…十 or ASCII.
fn is_ordinal_digit(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十') || c.is_ascii_digit()
}

/// The label without its leading ordinal (`一.`, `(一)`, `1.`, `(1)`), in normal form.
pub fn strip_ordinal(norm: &str) -> &str {
    let s = norm;
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let inner = &rest[..close];
            if !inner.is_empty() && inner.chars().all(is_ordinal_digit) {
                return rest[close + 1..].trim_start_matches('.');
            }
        }
        return s;
    }
    let ord_len: usize = s.chars().take_while(|c| is_ordinal_digit(*c)).map(char::len_utf8).sum();
    if ord_len > 0 && s[ord_len..].starts_with('.') {
        return &s[ord_len + 1..];
    }
    s
}

/// Number of chars (not bytes) in a string.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// How well a found label matches a template label, both in normal form (0 = not at all).
/// 100 exact · 90 same text, other or no ordinal · 70 one is a truncation of the other
/// (at least 3 chars: `本年新` for 本年新制作数量) · 50–60 one or two typos (similarity ≥ 0.8).
pub fn score(found: &str, want: &str) -> u32 {
    match score_exact(found, want) {
        0 => score_fuzzy(found, want),
        s => s,
    }
}

/// The scores of 70 and above, without the (costly) similarity: a candidate that scores
/// here always beats every fuzzy one, so callers try these first.
pub fn score_exact(found: &str, want: &str) -> u32 {
    if found == want {
        return 100;
    }
    let (f, w) = (strip_ordinal(found), strip_ordinal(want));
    if f.is_empty() || w.is_empty() {
        return 0;
    }
    if f == w {
        return 90;
    }
    if (w.starts_with(f) || f.starts_with(w)) && char_len(f) >= 3 && char_len(w) >= 3 {
        return 70;
    }
    0
}

/// The typo scores (50–60) of a pair that [`score_exact`] gives 0.
fn score_fuzzy(found: &str, want: &str) -> u32 {
    let (f, w) = (strip_ordinal(found), strip_ordinal(want));
    let (fl, wl) = (char_len(f), char_len(w));
    // The distance is at least the length difference: skip pairs that cannot reach 0.8.
    if 1.0 - (fl.abs_diff(wl) as f64) / (fl.max(wl) as f64) < 0.8 {
        return 0;
    }
    if fl >= 4 && wl >= 4 {
        let sim = strsim::normalized_levenshtein(f, w);
        if sim >= 0.8 {
            return 50 + ((sim - 0.8) * 50.0) as u32;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form_unifies_variants() {
        assert_eq!(normalize("（一）予以公开"), normalize("(一)予以公开"));
        assert_eq!(normalize("1、重复申请"), normalize("1.重复申请"));
        assert_eq!(normalize("三 、本 年 度办\n理 结果"), normalize("三、本年度办理结果"));
        assert_eq!(normalize("商业\u{a0}企业\u{3000}"), "商业企业");
    }

    #[test]
    fn fast_path_agrees_with_nfkc() {
        for label in
            ["（一）予以公开", "１、重复申请", "三 、本 年 度办\n理 结果", "第二十条第（一）项", "本年收费金额（单位：万元）", "ｱｲ２Ｂ", "“三安全一稳定”"]
        {
            let slow: String = {
                let mut out = String::new();
                label.nfkc().for_each(|c| push_normal(&mut out, c));
                out
            };
            assert_eq!(normalize(label), slow, "{label}");
        }
    }

    #[test]
    fn borrowed_normal_form_is_the_normal_form() {
        for label in ["(一)予以公开", "（一）予以公开", "1、重复申请", "规章", "本 年", "“三安全一稳定”", "ｱｲ２Ｂ", "第二十条第(一)项"]
        {
            let cow = normalize_cow(label);
            assert_eq!(cow, normalize(label), "{label}");
            assert_eq!(matches!(cow, Cow::Borrowed(_)), normalize(label) == label, "{label}");
        }
    }

    #[test]
    fn memoised_normal_form_is_the_normal_form() {
        let long = "很长的标签".repeat(30);
        for label in ["(一)予以公开", "（一）予以公开", "1、重复申请", "本 年", "ｱｲ２Ｂ", "", long.as_str()] {
            assert_eq!(*normalize_memo(label), normalize(label), "{label}");
            assert_eq!(*normalize_memo(label), normalize(label), "{label}: from the memo");
        }
        for i in 0..MEMO_LABELS + 10 {
            let label = format!("（{i}）标签");
            assert_eq!(*normalize_memo(&label), normalize(&label), "past the memo's bound");
        }
    }

    #[test]
    fn ordinals_are_stripped() {
        assert_eq!(strip_ordinal(&normalize("（三）不予公开")), "不予公开");
        assert_eq!(strip_ordinal(&normalize("一、本年新收")), "本年新收");
        assert_eq!(strip_ordinal(&normalize("12.其他")), "其他");
        assert_eq!(strip_ordinal(&normalize("自然人")), "自然人");
    }

    #[test]
    fn scores_rank_variants() {
        let n = |s| normalize(s);
        assert_eq!(score(&n("(七)总计"), &n("（七）总计")), 100);
        assert_eq!(score(&n("本年新"), &n("本年新制作数量")), 70);
        assert!(score(&n("4.保护第三方合法权利"), &n("4.保护第三方合法权益")) >= 50);
        assert_eq!(score(&n("自然人"), &n("总计")), 0);
    }
}
