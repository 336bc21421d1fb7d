//! Reading one cell's text into a state, a value and a unit. The raw text is kept as
//! printed; nothing here changes a number.

use super::model::{Cell, CellState, Span};
use compact_str::CompactString;
use rust_decimal::Decimal;

/// Placeholders meaning "none / not applicable"; kept distinct from blank and 0.
const MARKERS: &[&str] = &["/", "／", "-", "－", "—", "——", "–", "--", "无", "\\", "、", "×", "空"];

/// Units that may follow a number inside a cell.
const UNITS: &[&str] = &["万元", "元", "件", "项", "个", "条", "次", "%", "％"];

/// Whitespace as reports print it: ASCII, NBSP, ideographic space, zero-width.
pub fn is_space(c: char) -> bool {
    // Unicode's White_Space (what `char::is_whitespace` tests, by table) spelled out, plus
    // the zero-width space and the BOM: a CJK char is rejected by two comparisons.
    matches!(c, '\t'..='\r' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200b}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
}

/// `text.trim_matches(is_space)`, the ASCII ends trimmed bytewise first (most text is
/// trimmed already or padded with ASCII spaces); a non-ASCII end is tested by its bytes, and
/// only a space there (U+3000, NBSP…) needs the full trim.
pub fn trim_space(text: &str) -> &str {
    let ascii_space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let b = text.as_bytes();
    // Most lines and cells need no trim: they start with a byte no space starts with (a
    // wide space's lead byte is C2, E1, E2, E3 or EF; a CJK char's is E4–E9) and end with
    // an ASCII byte that is no space (every byte of a wide space is 0x80 or above).
    if let (Some(first), Some(last)) = (b.first(), b.last()) {
        if !ascii_space(first) && !matches!(first, 0xC2 | 0xE1..=0xE3 | 0xEF) && *last < 0x80 && !ascii_space(last) {
            return text;
        }
    }
    let start = b.iter().position(|b| !ascii_space(b)).unwrap_or(b.len());
    let end = b.iter().rposition(|b| !ascii_space(b)).map_or(start, |i| i + 1);
    let text = &text[start..end];
    if starts_with_wide_space(text.as_bytes()) || ends_with_wide_space(text) {
        text.trim_matches(is_space)
    } else {
        text
    }
}

/// Whether UTF-8 text starts with a non-ASCII [`is_space`] char, told by its bytes (tested
/// against `is_space` for every char).
fn starts_with_wide_space(b: &[u8]) -> bool {
    // Most text starts with an ASCII byte: one comparison.
    b.first().is_some_and(|&x| x >= 0x80)
        && matches!(
            b,
            [0xC2, 0x85 | 0xA0, ..]
                | [0xE1, 0x9A, 0x80, ..]
                | [0xE2, 0x80, 0x80..=0x8B | 0xA8 | 0xA9 | 0xAF, ..]
                | [0xE2, 0x81, 0x9F, ..]
                | [0xE3, 0x80, 0x80, ..]
                | [0xEF, 0xBB, 0xBF, ..]
        )
}

/// Whether UTF-8 text ends with a non-ASCII [`is_space`] char. A lead byte (C2, E1…) is never
/// a continuation byte, so these suffixes are whole chars.
pub fn ends_with_wide_space(text: &str) -> bool {
    let b = text.as_bytes();
    // Most cells end with an ASCII byte: one comparison.
    b.last().is_some_and(|&x| x >= 0x80)
        && matches!(
            b,
            [.., 0xC2, 0x85 | 0xA0]
                | [.., 0xE1, 0x9A, 0x80]
                | [.., 0xE2, 0x80, 0x80..=0x8B | 0xA8 | 0xA9 | 0xAF]
                | [.., 0xE2, 0x81, 0x9F]
                | [.., 0xE3, 0x80, 0x80]
                | [.., 0xEF, 0xBB, 0xBF]
        )
}

/// Build a cell from source text whose span is `span`. The cell's span is narrowed to the
/// trimmed text; a blank cell keeps a zero-length span at the start of its place.
pub fn cell_from(text: &str, span: Span) -> Cell {
    build(text, span, |raw| CompactString::from(raw))
}

/// [`cell_from`] for text held as a `CompactString` already (a fragment's): a cell with
/// nothing to trim takes a copy of it, not its bytes one by one.
pub fn cell_from_compact(text: &CompactString, span: Span) -> Cell {
    build(text, span, |raw| if raw.len() == text.len() { text.clone() } else { raw.into() })
}

/// The cell of `text`, its raw text (the trimmed text) made by `own`.
#[inline]
fn build(text: &str, span: Span, own: impl FnOnce(&str) -> CompactString) -> Cell {
    // Most cells are a plain count: no spaces to trim (`plain_count` takes digits only), the
    // parts `classify` gives it built at once.
    if let Some(n) = plain_count(text) {
        let span = Span::new(span.offset, text.len());
        return Cell {
            raw: own(text),
            state: CellState::Number,
            value: Some(Decimal::from(n)),
            unit: None,
            note: None,
            span,
            span_exact: true,
            decoded: None,
            placed: None,
        };
    }
    let raw = trim_space(text);
    // `raw` is a slice of `text`: its start is the leading space's length (all of it, for
    // a blank cell, whose span sits after its spaces).
    let lead = if raw.is_empty() { text.len() } else { raw.as_ptr() as usize - text.as_ptr() as usize };
    let span = Span::new(span.offset + lead, raw.len());
    let (state, value, unit, note) = classify(raw);
    Cell { raw: own(raw), state, value, unit, note, span, span_exact: true, decoded: None, placed: None }
}

/// A blank cell at `offset` (for a cell the source shows as empty).
pub fn blank_at(offset: usize) -> Cell {
    cell_from("", Span::new(offset, 0))
}

type Parts = (CellState, Option<Decimal>, Option<String>, Option<String>);

/// Whether trimmed cell text reads as a value (number, placeholder or blank) rather than a
/// label: `classify(raw).0 != CellState::Text`, without building the parts. A number
/// starts with a digit or a sign, so a label is told apart by its first char; text longer
/// than any placeholder is then no value at all (most labels).
pub fn is_value_like(raw: &str) -> bool {
    let Some(&first) = raw.as_bytes().first() else { return true };
    // A first byte no number starts with: a placeholder or a label, told by its length at
    // once (most labels are longer than any placeholder).
    if !may_start_number(first) {
        return raw.len() <= MARKER_MAX_LEN && MARKERS.contains(&raw);
    }
    if plain_count(raw).is_some() {
        return true;
    }
    if point_then_no_digit(raw) {
        return false; // no number, and no marker starts with a digit
    }
    match raw.chars().next() {
        Some(c) if starts_number(c) => {
            // `classify` without building the number: only whether the text reads as one.
            // No marker starts with an ASCII digit.
            if !c.is_ascii_digit() && MARKERS.contains(&raw) {
                return true;
            }
            scan_number(raw).is_some_and(|n| number_tail_ok(&raw[n.end..]))
        }
        _ => raw.len() <= MARKER_MAX_LEN && MARKERS.contains(&raw),
    }
}

/// ASCII digits, a point, then no digit ("1.属于国家秘密", a numbered label): what
/// [`scan_number`] rejects as a trailing point, told without its scan.
fn point_then_no_digit(raw: &str) -> bool {
    let b = raw.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    // A full-width digit (`０`–`９`) would continue the number: its lead byte is EF.
    digits > 0 && b.get(digits) == Some(&b'.') && !b.get(digits + 1).is_some_and(|c| c.is_ascii_digit() || *c == 0xEF)
}

/// A char a number may start with: a digit or a sign, ASCII or full-width.
fn starts_number(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '-' | '+' | '－' | '−' | '０'..='９')
}

/// The longest placeholder, in bytes.
const MARKER_MAX_LEN: usize = {
    let (mut i, mut max) = (0, 0);
    while i < MARKERS.len() {
        if MARKERS[i].len() > max {
            max = MARKERS[i].len();
        }
        i += 1;
    }
    max
};

/// Whether trimmed cell text is made only of what numbers are printed with (digits, signs,
/// points, separators, an exponent, a percent sign) and starts like one — "1,2", "--3", "3.",
/// "1e309", a 29-digit run. Such text is a value's place in a row even when it is not a
/// number we trust: it is a doubtful cell, never a row label.
pub fn looks_numeric(raw: &str) -> bool {
    let numeric =
        |c: char| c.is_ascii_digit() || matches!(c, '０'..='９' | '+' | '-' | '－' | '−' | '.' | '．' | ',' | '，' | 'e' | 'E' | '%' | '％') || is_space(c);
    // A first byte no number starts with settles most labels without decoding a char.
    raw.as_bytes().first().is_some_and(|b| may_start_number(*b)) && raw.chars().next().is_some_and(starts_number) && raw.chars().all(numeric)
}

/// Whether a first byte may begin a number: an ASCII digit or sign, or the lead of `−`
/// (E2) or of `－`, `０`–`９` (EF).
fn may_start_number(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'-' | b'+' | 0xE2 | 0xEF)
}

/// Classify trimmed cell text.
pub fn classify(raw: &str) -> Parts {
    if raw.is_empty() {
        return (CellState::Blank, None, None, None);
    }
    if let Some(n) = plain_count(raw) {
        return (CellState::Number, Some(Decimal::from(n)), None, None);
    }
    // No marker starts with an ASCII digit: most cells skip the list.
    if !raw.starts_with(|c: char| c.is_ascii_digit()) && MARKERS.contains(&raw) {
        return (CellState::Marker, None, None, None);
    }
    match leading_number(raw) {
        Some((value, rest)) if number_tail_ok(rest) => {
            let rest = rest.trim_matches(is_space);
            if rest.is_empty() {
                (CellState::Number, Some(value), None, None)
            } else if let Some(u) = UNITS.iter().find(|u| rest == **u) {
                (CellState::Number, Some(value), Some(u.to_string()), None)
            } else {
                (CellState::Number, Some(value), None, Some(rest.to_string()))
            }
        }
        // "13575394432.52元"-like runs or digits glued to words: not a number we trust.
        _ => (CellState::Text, None, None, None),
    }
}

/// Most cells: a few ASCII digits, no leading zero — the value `leading_number` would read
/// (the same decimal, scale 0), without the general scan.
fn plain_count(raw: &str) -> Option<u64> {
    let b = raw.as_bytes();
    if b.is_empty() || b.len() > 18 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    b.iter().try_fold(0u64, |n, d| d.is_ascii_digit().then(|| n * 10 + u64::from(d - b'0')))
}

/// What may follow a number in a cell: nothing, a unit, or an annotation in brackets.
fn number_tail_ok(rest: &str) -> bool {
    let rest = rest.trim_matches(is_space);
    rest.is_empty() || UNITS.contains(&rest) || rest.starts_with(['(', '（', '[', '【'])
}

/// A leading number as scanned: sign, digits as an integer mantissa, decimal places, and
/// the byte offset just past it.
struct Scanned {
    negative: bool,
    mantissa: i128,
    scale: u32,
    end: usize,
}

/// A leading signed decimal (ASCII or full-width digits, optional thousands separators) and
/// the text after it. Leading zeros ("007") are not a number a report prints. A separator
/// (`,` or `，`) is honoured only between groups of three (`1,234`, `12,345,678.5`); any
/// other use ("1,2", "1,000,0", "12,", "1,2.5") makes the cell text, an extraction doubt,
/// never a number with the separator dropped.
fn leading_number(raw: &str) -> Option<(Decimal, &str)> {
    let n = scan_number(raw)?;
    let value = Decimal::try_from_i128_with_scale(if n.negative { -n.mantissa } else { n.mantissa }, n.scale).ok()?;
    Some((value.normalize(), &raw[n.end..]))
}

/// The checks of [`leading_number`], without building the value. At most 28 digits, so
/// the mantissa always fits a `Decimal` (below 2^96): a scan that succeeds is a number.
fn scan_number(raw: &str) -> Option<Scanned> {
    // Digits accumulate into an integer mantissa and a scale: no string, no allocation.
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let mut digits = 0u32;
    let mut first_digit = None;
    let mut negative = false;
    let mut end = 0;
    let mut dot_at: Option<usize> = None;
    // Integer digits since the last separator, and how many separators were seen.
    let mut group = 0u32;
    let mut separators = 0u32;
    let grouped = |group: u32, separators: u32| separators == 0 || group == 3;
    for (i, orig) in raw.char_indices() {
        let c = match orig {
            '０'..='９' => char::from_u32(orig as u32 - '０' as u32 + '0' as u32).unwrap_or(orig),
            '．' => '.',
            '－' | '−' => '-',
            '，' => ',',
            c => c,
        };
        match c {
            '-' | '+' if i == 0 => negative = c == '-',
            '0'..='9' => {
                let d = c as i128 - '0' as i128;
                first_digit.get_or_insert(d);
                digits += 1;
                if digits > 28 {
                    return None; // beyond any printed figure (and beyond Decimal)
                }
                // At most 28 digits: far below i128's range, no overflow check needed.
                mantissa = mantissa * 10 + d;
                if dot_at.is_some() {
                    scale += 1;
                } else {
                    group += 1;
                }
            }
            '.' if digits > 0 && dot_at.is_none() => {
                if !grouped(group, separators) {
                    return None;
                }
                dot_at = Some(i);
            }
            ',' if digits > 0 && dot_at.is_none() => {
                let first_ok = separators > 0 || group <= 3;
                if !first_ok || !grouped(group, separators) {
                    return None;
                }
                group = 0;
                separators += 1;
            }
            _ => break,
        }
        end = i + orig.len_utf8();
    }
    if digits == 0 || (dot_at.is_some() && scale == 0) {
        return None; // no digits, or a trailing dot ("3.")
    }
    if dot_at.is_none() && !grouped(group, separators) {
        return None; // a last group that is not three digits ("1,2", "12,")
    }
    // Leading zeros ("007") are not a number a report prints; "0" and "0.5" are.
    let int_digits = digits - scale;
    if first_digit == Some(0) && int_digits > 1 {
        return None;
    }
    if scale > 28 || digits > 28 {
        return None; // beyond any printed figure (and beyond Decimal)
    }
    Some(Scanned { negative, mantissa, scale, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> Parts {
        classify(s)
    }

    #[test]
    fn spaces_are_unicode_white_space_and_zero_width() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let want = c.is_whitespace() || matches!(c, '\u{a0}' | '\u{3000}' | '\u{200b}' | '\u{feff}');
            assert_eq!(is_space(c), want, "{:?}", c);
        }
    }

    #[test]
    fn trim_space_is_trim_matches_is_space() {
        for t in [
            "",
            " ",
            "  5 ",
            "\t7\r",
            "\u{3000}",
            "自然人\u{3000}",
            "\u{a0}自然人",
            "\u{3000}8\u{a0}",
            " \u{3000} 9 \u{200b}",
            "无",
            " 无 ",
            "\u{b}3\u{c}",
            "\u{2003}4",
            "a b",
        ] {
            assert_eq!(trim_space(t), t.trim_matches(is_space), "{t:?}");
            let old_lead = t.len() - t.trim_start_matches(is_space).len();
            assert_eq!(cell_from(t, Span::new(10, t.len())).span, Span::new(10 + old_lead, t.trim_matches(is_space).len()), "{t:?}");
        }
    }

    #[test]
    fn wide_spaces_are_told_by_their_bytes() {
        let mut buf = [0u8; 4];
        let mut text = String::new();
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let wide = !c.is_ascii() && is_space(c);
            let c_text = c.encode_utf8(&mut buf);
            assert_eq!((starts_with_wide_space(c_text.as_bytes()), ends_with_wide_space(c_text)), (wide, wide), "{c:?}");
            for (before, after) in [("", ""), ("a", ""), ("", "a"), ("中", "中"), (" ", "\u{3000}"), ("\u{a0}", "5")] {
                text.clear();
                text.extend([before, c.encode_utf8(&mut buf), after]);
                assert_eq!(trim_space(&text), text.trim_matches(is_space), "{text:?}");
            }
        }
    }

    #[test]
    fn a_compact_text_gives_the_cell_its_str_gives() {
        for raw in [
            "",
            " ",
            "7",
            " 193 ",
            "\u{3000}8",
            "1,234",
            "13575394432.52元",
            "一二三四五六七八九十一二三四五六七八九十",
            " 其中修订 3 件（说明文字较长，存放在堆上） ",
        ] {
            let span = Span::new(5, raw.len());
            assert_eq!(cell_from_compact(&CompactString::from(raw), span), cell_from(raw, span), "{raw:?}");
        }
    }

    #[test]
    fn plain_count_cells_are_built_as_the_general_path_builds_them() {
        for raw in ["0", "7", "193", "100000", "999999999999999999"] {
            let span = Span::new(40, raw.len());
            let (state, value, unit, note) = classify(trim_space(raw));
            let general = Cell { raw: raw.into(), state, value, unit, note, span, span_exact: true, decoded: None, placed: None };
            assert_eq!(cell_from(raw, span), general, "{raw}");
        }
    }

    #[test]
    fn number_starts_are_told_by_their_first_byte() {
        let mut buf = [0u8; 4];
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if starts_number(c) {
                assert!(may_start_number(c.encode_utf8(&mut buf).as_bytes()[0]), "{c:?}");
            }
        }
    }

    #[test]
    fn numbered_labels_are_rejected_as_the_scan_rejects_them() {
        for raw in ["1.属于国家秘密", "12.其他", "3.", "3.,", "3..5", "3.-", "3.５", "3.5", "3.5万元", "0.5", "1,234.5", "1.(一)"] {
            if point_then_no_digit(raw) {
                assert!(scan_number(raw).is_none(), "{raw}");
            }
            assert_eq!(is_value_like(raw), classify(raw).0 != CellState::Text, "{raw}");
        }
        assert!(point_then_no_digit("1.属于国家秘密") && point_then_no_digit("3.") && !point_then_no_digit("3.５"));
    }

    #[test]
    fn no_marker_starts_with_an_ascii_digit() {
        assert!(MARKERS.iter().all(|m| !m.starts_with(|c: char| c.is_ascii_digit()) && m.len() <= MARKER_MAX_LEN));
        assert_eq!(MARKER_MAX_LEN, 6);
    }

    #[test]
    fn plain_counts_read_as_the_general_scan_does() {
        for raw in ["0", "7", "193", "100000", "999999999999999999"] {
            let general = leading_number(raw).map(|(v, rest)| (v, rest.is_empty()));
            assert_eq!(plain_count(raw).map(|n| (Decimal::from(n), true)), general, "{raw}");
            assert_eq!(classify(raw).1.map(|d| d.to_string()), Some(raw.to_string()));
        }
        for raw in ["007", "00", "1000000000000000000", "1,234", "12a", "-3", "３"] {
            assert_eq!(plain_count(raw), None, "{raw}");
        }
    }

    #[test]
    fn states_stay_distinct() {
        assert_eq!(st("").0, CellState::Blank);
        assert_eq!(st("0").1, Some(Decimal::ZERO));
        assert_eq!(st("/").0, CellState::Marker);
        assert_eq!(st("无").0, CellState::Marker);
        assert_eq!(st("-").0, CellState::Marker);
    }

    #[test]
    fn numbers_units_and_signs() {
        assert_eq!(st("-3").1, Some(Decimal::from(-3)));
        let (s, v, u, _) = st("1946.6890万元");
        assert_eq!((s, v.map(|v| v.to_string()), u.as_deref()), (CellState::Number, Some("1946.689".into()), Some("万元")));
        assert_eq!(st("5949.088667").1.map(|v| v.to_string()), Some("5949.088667".into()));
        assert_eq!(st("１２").1, Some(Decimal::from(12)));
        let (_, v, _, n) = st("15（其中修订 3 件）");
        assert_eq!((v, n.as_deref()), (Some(Decimal::from(15)), Some("（其中修订 3 件）")));
    }

    #[test]
    fn doubtful_text_is_not_a_number() {
        assert_eq!(st("13575394432.52元x").0, CellState::Text);
        assert_eq!(st("007").0, CellState::Text);
        assert_eq!(st("自然人").0, CellState::Text);
    }

    #[test]
    fn thousands_separators_only_between_groups_of_three() {
        for (raw, value) in [("1,234", "1234"), ("1，234", "1234"), ("12,345,678.5", "12345678.5"), ("１,２３４件", "1234"), ("999", "999")] {
            assert_eq!(st(raw).1.map(|v| v.to_string()).as_deref(), Some(value), "{raw}");
        }
        for raw in ["1,2", "1,000,0", "12,", "1,2.5", "1234,567", "1,23", "1,2345", ",123", "1,,234", "1,234,"] {
            assert_eq!(st(raw).0, CellState::Text, "{raw}");
            assert!(!is_value_like(raw), "{raw}");
        }
    }

    #[test]
    fn value_like_agrees_with_classify() {
        for raw in [
            "",
            "5",
            "-3",
            "/",
            "无",
            "—",
            "——",
            "--",
            "-",
            "－",
            "1946.6890万元",
            "自然人",
            "其他",
            "（一）予以公开",
            "13575394432.52元x",
            "+2",
            "１２",
            "007",
            "1.属于国家秘密",
            "1,2",
            "3.",
            "5 件",
            "15（其中修订 3 件）",
        ] {
            assert_eq!(is_value_like(raw), classify(raw).0 != CellState::Text, "{raw}");
        }
    }

    #[test]
    fn number_like_text_is_told_from_labels() {
        for raw in ["1,2", "--3", "3.", "1e309", "99999999999999999999999999999", "12,", "１２", "5%"] {
            assert!(looks_numeric(raw), "{raw}");
        }
        for raw in ["1.属于国家秘密", "（一）予以公开", "自然人", "", "e5", ".5"] {
            assert!(!looks_numeric(raw), "{raw}");
        }
    }

    #[test]
    fn span_narrows_to_trimmed_text() {
        let c = cell_from("  5 ", Span::new(10, 4));
        assert_eq!((c.raw.as_str(), c.span), ("5", Span::new(12, 1)));
    }
}
