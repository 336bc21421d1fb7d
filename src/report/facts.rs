//! The narrative as facts: every number in a section's prose — Arabic (`3,119`, `1.2万`,
//! `42%`) or Chinese (`十二件`, `三百零五条`) — with its unit, where it is printed, and the
//! sentence it stands in (the words before it name what it counts). Deterministic and one
//! pass over the text; no regex.
//!
//! Chinese numerals count only with a unit after them: `一是…`, `（一）`, `第一` are not
//! quantities. Years, months and days are facts too (`2023年`), so a rule can check that the
//! report speaks of its own year.

use crate::report::model::Span;
use rust_decimal::Decimal;
use serde::Serialize;

/// A number printed in prose.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fact {
    /// The number as printed, unit excluded (`3,119`, `1.2万`, `十二`).
    pub raw: String,
    /// Its value: `1.2万` is 12000, except before `元` (`1.2万元` is 1.2 in 万元).
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
    /// The unit printed right after it (`件`, `万元`, `%`, `年` …), when one is.
    pub unit: Option<&'static str>,
    /// `5500余条`, `100多件`: about so many.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// Number and unit in the display text.
    pub span: Span,
    /// The sentence it stands in (up to `。！？；` or a paragraph's end).
    pub sentence: Span,
    /// `false` when the text was rewritten from the source (entities, markup): `span` and
    /// `sentence` then show the paragraph, not the number. Only `false` is written in JSON.
    #[serde(skip_serializing_if = "is_true")]
    pub span_exact: bool,
    /// The words before it in its clause (from the last `，、：（` of its sentence), spaces
    /// and line breaks removed, at most [`CONTEXT`] characters: what a rule's phrase is
    /// matched against (`全市共受理政府信息公开申请` before `3119件`).
    #[serde(skip)]
    pub before: String,
    /// The rest of its sentence after the unit, spaces removed, at most [`CONTEXT`]
    /// characters (`顺延到下年度答复` after `103件`).
    #[serde(skip)]
    pub after: String,
    /// The earlier clauses of its sentence, spaces removed, their last [`CONTEXT`] × 2
    /// characters (`政府信息公开行政复议351件，其中` before `结果维持72件`): where a phrase's words
    /// before a `，` are looked for.
    #[serde(skip)]
    pub earlier: String,
}

/// Characters of context a fact keeps on each side.
pub const CONTEXT: usize = 48;

/// Where a clause begins within a sentence.
pub fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | ',' | '、' | '：' | ':' | '（' | '(')
}

/// `text` without whitespace, its first (`from_end`: last) `n` characters.
fn context(text: &str, from_end: bool, n: usize) -> String {
    let kept = text.chars().filter(|c| !c.is_whitespace());
    if from_end {
        let all: Vec<char> = kept.collect();
        all[all.len().saturating_sub(n)..].iter().collect()
    } else {
        kept.take(n).collect()
    }
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A paragraph of a section's prose and where it is.
pub struct Piece<'t> {
    /// Its text.
    pub text: &'t str,
    /// The display-text offset of its first byte, when the text is a slice of it.
    pub at: Option<usize>,
    /// The fragment it came from.
    pub whole: Span,
}

/// The facts of a section's paragraphs. `wrapped`: the paragraphs are lines of a page (a
/// PDF), so a sentence or a number and its unit may run on to the next line (`行政复议 351` |
/// `件，其中…`); otherwise each paragraph ends its sentence.
pub fn of_pieces(pieces: &[Piece], wrapped: bool) -> Vec<Fact> {
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(pieces.len());
    for p in pieces {
        if !joined.is_empty() && !wrapped {
            joined.push('\n');
        }
        starts.push(joined.len());
        joined.push_str(p.text);
    }
    let locate = |x: usize| {
        let k = starts.partition_point(|&s| s <= x).saturating_sub(1);
        let p = &pieces[k];
        p.at.map(|at| at + (x - starts[k])).ok_or(p.whole)
    };
    // A span of the joined text in the display text: exact when both ends are in slices.
    let map = |s: Span| -> (Span, bool) {
        match (locate(s.offset), locate(s.end().saturating_sub(1).max(s.offset))) {
            (Ok(a), Ok(b)) => (Span::new(a, b + 1 - a), true),
            (a, b) => {
                let whole = |r: Result<usize, Span>| r.map_or_else(|w| w, |o| Span::new(o, 1));
                (whole(a).join(whole(b)), false)
            }
        }
    };
    extract(&joined, 0)
        .into_iter()
        .map(|mut f| {
            let (span, a) = map(f.span);
            let (sentence, b) = map(f.sentence);
            (f.span, f.sentence, f.span_exact) = (span, sentence.join(span), a && b);
            f
        })
        .collect()
}

/// Units recognised after a number, longest first where one begins another.
pub const UNITS: [&str; 19] = ["万元", "元", "件次", "件", "条", "个", "次", "项", "家", "人次", "人", "篇", "期", "场", "%", "％", "年", "月", "日"];

/// Facts of a text printed at `offset` of the display text, in order; at most
/// [`crate::limits::REPORT_SECTION_FACTS`].
pub fn extract(text: &str, offset: usize) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut sentence_start = 0;
    let mut sentence_end = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() && out.len() < crate::limits::REPORT_SECTION_FACTS {
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_sentence_end(c) {
            sentence_start = i + c.len_utf8();
            i += c.len_utf8();
            continue;
        }
        let found = if bytes[i].is_ascii_digit() && !after_ascii_word(text, i) { arabic(text, i) } else { chinese(text, i) };
        match found {
            Some((value, raw_end, end, unit)) => {
                let approximate = text[raw_end..end].trim_start_matches([' ', '\u{a0}', '\u{3000}']).starts_with(['余', '多']);
                // The sentence's end is found once per sentence, not once per fact (a long
                // run without punctuation would be quadratic).
                if sentence_end < end {
                    sentence_end = text[end..].find(is_sentence_end).map_or(text.len(), |k| end + k);
                }
                // A clause is looked for in the last few hundred bytes only: a sentence without
                // punctuation must not make each fact scan all of it.
                let mut from = sentence_start.max(i.saturating_sub(CONTEXT * 8));
                while !text.is_char_boundary(from) {
                    from += 1;
                }
                let sentence_before = &text[from..i];
                let (earlier, clause) = sentence_before.rfind(is_clause_mark).map_or(("", sentence_before), |k| {
                    let mark = sentence_before[k..].chars().next().map_or(1, char::len_utf8);
                    (&sentence_before[..k], &sentence_before[k + mark..])
                });
                let after_end = sentence_end.max(end);
                out.push(Fact {
                    before: context(clause, true, CONTEXT),
                    after: context(&text[end..after_end], false, CONTEXT),
                    earlier: context(earlier, true, CONTEXT * 2),
                    raw: text[i..raw_end].to_string(),
                    value,
                    unit,
                    approximate,
                    span: Span::new(offset + i, end - i),
                    sentence: Span::new(offset + sentence_start, sentence_end - sentence_start),
                    span_exact: true,
                });
                i = end;
            }
            None => {
                // Skip the whole run of digits or numerals, so `2023` is never read from `3`.
                let run = text[i..]
                    .char_indices()
                    .find(|(_, c)| !(c.is_ascii_digit() || cn_digit(*c).is_some() || cn_unit(*c).is_some()))
                    .map_or(text.len() - i, |(k, _)| k);
                i += run.max(c.len_utf8());
            }
        }
    }
    out
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | ';' | '\n')
}

/// A digit right after an ASCII letter (`GB2312`, `H5`) is part of a name.
fn after_ascii_word(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_some_and(|c| c.is_ascii_alphabetic())
}

/// `3,119`, `3119.5`, `1.2万` at `i`: value, end of the number, end with unit, unit.
fn arabic(text: &str, i: usize) -> Option<(Decimal, usize, usize, Option<&'static str>)> {
    let b = text.as_bytes();
    let mut j = i;
    let mut digits = String::new();
    while j < b.len() {
        match b[j] {
            d if d.is_ascii_digit() => digits.push(d as char),
            // A thousands separator only between digit groups of three.
            b',' if b.get(j + 1..j + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit)) && !b.get(j + 4).is_some_and(u8::is_ascii_digit) => {}
            b'.' if b.get(j + 1).is_some_and(u8::is_ascii_digit) && !digits.contains('.') => digits.push('.'),
            _ => break,
        }
        j += 1;
    }
    // `0000000000`, `05`: a code, not a quantity.
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return None;
    }
    let mut value: Decimal = digits.parse().ok()?;
    let mut raw_end = j;
    let rest = &text[j..];
    // `1.2万件` is 12,000 件; `1.2万元` stays 1.2 in 万元.
    if rest.starts_with('万') && !rest.starts_with("万元") {
        value = value.checked_mul(Decimal::from(10_000))?.normalize();
        raw_end += '万'.len_utf8();
    }
    let (unit, end) = unit_at(text, raw_end);
    Some((value, raw_end, end, unit))
}

/// `十二件`, `三百零五条`, `两千`: only with a unit after it.
fn chinese(text: &str, i: usize) -> Option<(Decimal, usize, usize, Option<&'static str>)> {
    let mut total: u64 = 0;
    let mut section: u64 = 0;
    let mut digit: Option<u64> = None;
    // `十件` is 10, but a lone `万` or `千` (`万元` in a header) is no number at all.
    let mut counted = false;
    let mut j = i;
    for c in text[i..].chars() {
        if let Some(d) = cn_digit(c) {
            digit = Some(d);
            counted = true;
        } else if let Some(u) = cn_unit(c) {
            let d = digit.take().unwrap_or(if u == 10 && section == 0 { 1 } else { 0 });
            counted |= u == 10;
            if u == 10_000 {
                total = total.checked_add(section.checked_add(d)?)?.checked_mul(u)?;
                section = 0;
            } else {
                section = section.checked_add(d.checked_mul(u)?)?;
            }
        } else {
            break;
        }
        j += c.len_utf8();
    }
    if j == i || !counted {
        return None;
    }
    let value = total.checked_add(section)?.checked_add(digit.unwrap_or(0))?;
    let (unit, end) = unit_at(text, j);
    // `一是`, `（一）`, `第一`: a numeral without a unit is not a quantity; nor is a lone
    // `万` or `十` in a word (`万一`), which the unit check also rules out.
    let unit = unit.filter(|u| !matches!(*u, "%" | "％"))?;
    let after_di = text[..i].ends_with('第');
    (!after_di).then_some((Decimal::from(value), j, end, Some(unit)))
}

fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn cn_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' => 10_000,
        _ => return None,
    })
}

/// The unit right after `at` (spaces allowed between), and where it ends.
fn unit_at(text: &str, at: usize) -> (Option<&'static str>, usize) {
    let rest = &text[at..];
    let spaced = rest.trim_start_matches([' ', '\u{a0}', '\u{3000}']);
    // `5500余条`, `100多件`: the unit after the word for "about".
    let trimmed = spaced.strip_prefix(['余', '多']).filter(|t| UNITS.iter().any(|u| t.starts_with(*u))).unwrap_or(spaced);
    let skip = rest.len() - trimmed.len();
    match UNITS.iter().find(|u| trimmed.starts_with(**u)) {
        Some(u) => (Some(*u), at + skip + u.len()),
        None => (None, at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<(String, String, Option<&'static str>)> {
        extract(text, 0).into_iter().map(|f| (f.raw, f.value.to_string(), f.unit)).collect()
    }

    fn f(raw: &str, value: &str, unit: Option<&'static str>) -> (String, String, Option<&'static str>) {
        (raw.into(), value.into(), unit)
    }

    #[test]
    fn arabic_numbers_with_units_and_separators() {
        assert_eq!(
            facts("全市共受理3,119件，答复 3050 件，收取信息处理费3940元、1.2万元；公开1.2万条信息，占42%。"),
            [
                f("3,119", "3119", Some("件")),
                f("3050", "3050", Some("件")),
                f("3940", "3940", Some("元")),
                f("1.2", "1.2", Some("万元")),
                f("1.2万", "12000", Some("条")),
                f("42", "42", Some("%"))
            ]
        );
    }

    #[test]
    fn chinese_numerals_count_only_with_a_unit() {
        assert_eq!(
            facts("一是收到申请十二件，二是办结三百零五件，其中两千条，第一件不算。"),
            [f("十二", "12", Some("件")), f("三百零五", "305", Some("件")), f("两千", "2000", Some("条"))]
        );
        assert_eq!(facts("（一）予以公开；一、总体情况"), []);
        assert_eq!(facts("共一万二千件"), [f("一万二千", "12000", Some("件"))]);
        // A header's `（万元）` is no number (it was read as 0 元); `十件` is 10.
        assert_eq!(facts("收费金额（万元）共十件"), [f("十", "10", Some("件"))]);
    }

    #[test]
    fn wrapped_lines_join_and_spans_map_back() {
        let src = "政府信息公开行政复议 351\n件，其中维持 72 件。\n网站标识码：0000000000";
        let second = src.find('件').unwrap();
        let pieces = [
            Piece { text: &src[..second - 1], at: Some(0), whole: Span::new(0, second - 1) },
            Piece { text: &src[second..], at: Some(second), whole: Span::new(second, src.len() - second) },
        ];
        let all = of_pieces(&pieces, true);
        let shown: Vec<&str> = all.iter().map(|f| &src[f.span.offset..f.span.end()]).collect();
        assert_eq!(shown, ["351\n件", "72 件"]);
        assert!(all.iter().all(|f| f.span_exact));
        assert_eq!(&src[all[0].sentence.offset..all[0].sentence.end()], "政府信息公开行政复议 351\n件，其中维持 72 件");
        // Paragraphs of other forms end their sentences: `351` has no unit then.
        let apart = of_pieces(&pieces, false);
        assert_eq!((apart[0].raw.as_str(), apart[0].unit), ("351", None));
    }

    #[test]
    fn a_fact_keeps_the_words_of_its_clause_before_and_of_its_sentence_after() {
        let all = extract("2024年，全市共受理 政府信息公开申请3119件，另有103件顺延到下年度答复。下一句", 0);
        let ctx: Vec<(&str, &str)> = all.iter().map(|f| (f.before.as_str(), f.after.as_str())).collect();
        assert_eq!(
            ctx,
            [
                ("", "，全市共受理政府信息公开申请3119件，另有103件顺延到下年度答复"),
                ("全市共受理政府信息公开申请", "，另有103件顺延到下年度答复"),
                ("另有", "顺延到下年度答复")
            ]
        );
    }

    #[test]
    fn about_so_many() {
        let all = extract("发布信息5500余条、100多件，余下3个", 0);
        let got: Vec<(&str, Option<&str>, bool)> = all.iter().map(|f| (f.raw.as_str(), f.unit, f.approximate)).collect();
        assert_eq!(got, [("5500", Some("条"), true), ("100", Some("件"), true), ("3", Some("个"), false)]);
    }

    #[test]
    fn years_are_facts_and_names_are_not_numbers() {
        assert_eq!(facts("2023年1月31日前发布GB2312编码"), [f("2023", "2023", Some("年")), f("1", "1", Some("月")), f("31", "31", Some("日"))]);
    }

    #[test]
    fn spans_and_sentences_point_into_the_text() {
        let text = "前言。本年收到申请5件；办结4件";
        let all = extract(text, 100);
        assert_eq!(all.len(), 2);
        let at = |s: Span| &text[s.offset - 100..s.end() - 100];
        assert_eq!((at(all[0].span), at(all[0].sentence)), ("5件", "本年收到申请5件"));
        assert_eq!((at(all[1].span), at(all[1].sentence)), ("4件", "办结4件"));
    }

    #[test]
    fn hostile_text_never_panics_or_overflows() {
        let long = "九".repeat(40) + "万件";
        assert!(extract(&long, 0).is_empty() || extract(&long, 0)[0].value > Decimal::ZERO);
        assert!(extract(&"9".repeat(100), 0).is_empty());
        assert_eq!(extract(&"1件，".repeat(20_000), 0).len(), crate::limits::REPORT_SECTION_FACTS);
        for s in ["", "。", "1,", "1.", "万", "十", "1,00", "，,1", "é1"] {
            extract(s, 0);
        }
    }
}
