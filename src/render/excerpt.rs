//! Excerpts of a report's text with labelled spans, for people: only the lines that hold a
//! labelled span (a gap between them is shown as `⋮`), each cut to a window around its
//! spans with `…` where text was left out, so a line of thousands of characters (a PDF
//! rendering, a pipe line, any text) shows as one screen line.

use crate::report::model::Span;
use std::fmt::Write;
use unicode_width::UnicodeWidthChar;

/// Display columns a shown line may take (its text, without the gutter).
pub const MAX_LINE_WIDTH: usize = 100;

/// Columns of context kept on each side of the spans of a cut line.
const CONTEXT: usize = 20;

/// A span of the text and what to say under it.
#[derive(Clone, Debug)]
pub struct Mark {
    /// Where, in the text.
    pub span: Span,
    /// The words under it (`（一）予以公开·自然人 = 72`).
    pub label: String,
}

/// One line of the text that holds marks.
struct Line<'t> {
    number: usize,
    text: &'t str,
    /// Byte offset of the line in the text.
    start: usize,
    /// Marks on the line as byte ranges inside it, with their labels.
    marks: Vec<(usize, usize, String)>,
}

/// 1-based line numbers of sorted offsets, counted in one pass over the text.
fn lines_of(text: &str, offsets: impl Iterator<Item = usize>) -> Vec<usize> {
    let bytes = text.as_bytes();
    let (mut at, mut line) = (0usize, 1usize);
    offsets
        .map(|o| {
            let o = o.min(bytes.len());
            if o > at {
                line += memchr::memchr_iter(b'\n', &bytes[at..o]).count();
                at = o;
            }
            line
        })
        .collect()
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    lines_of(text, std::iter::once(offset))[0]
}

/// Write the excerpt of `text` named `name` with `marks` (which need not be sorted; marks
/// outside the text are left out). Nothing is written when no mark is inside the text.
pub fn write(out: &mut String, name: &str, text: &str, marks: &[Mark]) {
    let mut marks: Vec<&Mark> =
        marks.iter().filter(|m| m.span.end() <= text.len() && text.is_char_boundary(m.span.offset) && text.is_char_boundary(m.span.end())).collect();
    if marks.is_empty() {
        return;
    }
    marks.sort_by_key(|m| (m.span.offset, m.span.len));
    let numbers = lines_of(text, marks.iter().map(|m| m.span.offset));
    let mut lines: Vec<Line<'_>> = Vec::new();
    for (m, number) in marks.iter().zip(numbers) {
        if lines.last().is_none_or(|l| l.number != number) {
            let start = text[..m.span.offset].rfind('\n').map_or(0, |i| i + 1);
            let end = text[m.span.offset..].find('\n').map_or(text.len(), |i| m.span.offset + i);
            lines.push(Line { number, text: text[start..end].trim_end_matches('\r'), start, marks: Vec::new() });
        }
        let line = lines.last_mut().expect("just pushed");
        let a = m.span.offset - line.start;
        // A span running past its line is shown to the line's end.
        let b = (m.span.end() - line.start).min(line.text.len()).max(a.min(line.text.len()));
        let a = a.min(b);
        match line.marks.iter_mut().find(|(x, y, _)| (*x, *y) == (a, b)) {
            Some(same) => {
                same.2.push('；');
                same.2.push_str(&m.label);
            }
            None => line.marks.push((a, b, m.label.clone())),
        }
    }
    let gutter = lines.last().map_or(1, |l| l.number.to_string().len());
    // A space before the numbers, as miette draws the rule excerpts beside.
    let pad = " ".repeat(gutter + 1);
    let _ = writeln!(out, "{pad} ╭─[{name}:{}]", lines[0].number);
    let mut previous: Option<usize> = None;
    for line in &lines {
        if previous.is_some_and(|p| line.number > p + 1) {
            let _ = writeln!(out, "{pad} ⋮");
        }
        previous = Some(line.number);
        let (shown, cols) = window(line.text, &line.marks);
        let _ = writeln!(out, " {:>gutter$} │ {shown}", line.number);
        // Underlines, then one line per label, the rightmost first (as miette draws them).
        let mut under = String::new();
        let mut at = 0;
        for &(c0, w) in &cols {
            if c0 < at {
                continue;
            }
            under.push_str(&" ".repeat(c0 - at));
            if w == 0 {
                under.push('▲');
                at = c0 + 1;
            } else {
                under.push('┬');
                under.push_str(&"─".repeat(w - 1));
                at = c0 + w;
            }
        }
        let _ = writeln!(out, "{pad} · {}", under.trim_end());
        for i in (0..cols.len()).rev() {
            let mut row = String::new();
            let mut at = 0;
            for &(c0, _) in &cols[..i] {
                if c0 >= at {
                    row.push_str(&" ".repeat(c0 - at));
                    row.push('│');
                    at = c0 + 1;
                }
            }
            let c0 = cols[i].0.max(at);
            row.push_str(&" ".repeat(c0 - at));
            row.push_str("╰── ");
            row.push_str(&line.marks[i].2);
            let _ = writeln!(out, "{pad} · {row}");
        }
    }
    let _ = writeln!(out, "{pad} ╰────");
}

/// Display width of a character as shown (tabs and control characters as one space).
fn width(c: char) -> usize {
    if c.is_control() {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// The line as shown — whole when it fits, else windows around its marks joined by `…` —
/// and each mark's display column and width in it.
fn window(text: &str, marks: &[(usize, usize, String)]) -> (String, Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Display column before each character, and the total at the end.
    let mut col = Vec::with_capacity(chars.len() + 1);
    let mut w = 0;
    for &(_, c) in &chars {
        col.push(w);
        w += width(c);
    }
    col.push(w);
    let index = |byte: usize| chars.partition_point(|(b, _)| *b < byte);
    let ranges: Vec<(usize, usize)> = marks.iter().map(|(a, b, _)| (index(*a), index(*b))).collect();
    let n = chars.len();
    // Windows of characters [start, end) to show, in order, not overlapping.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    if w <= MAX_LINE_WIDTH {
        windows.push((0, n));
    } else {
        let budget = MAX_LINE_WIDTH.saturating_sub(2 * CONTEXT + 2).max(1);
        let mut group: Option<(usize, usize)> = None;
        let mut groups = Vec::new();
        for &(a, b) in &ranges {
            group = match group {
                Some((ga, gb)) if col[b.max(gb)] - col[ga] <= budget => Some((ga, gb.max(b))),
                Some(g) => {
                    groups.push(g);
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        groups.extend(group);
        for (a, b) in groups {
            let lo = col[a].saturating_sub(CONTEXT);
            let hi = col[b] + CONTEXT;
            let start = col.partition_point(|&c| c < lo).min(a);
            let end = (col.partition_point(|&c| c <= hi).saturating_sub(1)).clamp(b, n);
            match windows.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => windows.push((start, end)),
            }
        }
    }
    let mut shown = String::new();
    let mut shown_col = 0;
    // Display column of each character index shown (those left out map to nothing).
    let mut at_col: Vec<Option<usize>> = vec![None; n + 1];
    for (k, &(start, end)) in windows.iter().enumerate() {
        if start > 0 || k > 0 {
            shown.push('…');
            shown_col += 1;
        }
        for i in start..end {
            at_col[i] = Some(shown_col);
            let c = chars[i].1;
            shown.push(if c.is_control() { ' ' } else { c });
            shown_col += width(c);
        }
        at_col[end] = Some(shown_col);
    }
    if windows.last().is_some_and(|&(_, end)| end < n) {
        shown.push('…');
    }
    let cols = ranges.iter().map(|&(a, b)| {
        let c0 = at_col[a].unwrap_or(0);
        let c1 = at_col[b].unwrap_or(c0);
        (c0, c1.saturating_sub(c0))
    });
    (shown, cols.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn mark(text: &str, needle: &str, label: &str) -> Mark {
        let at = text.find(needle).expect("in the text");
        Mark { span: Span::new(at, needle.len()), label: label.into() }
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_labels() {
        let text = "标题\n（一）予以公开 | 72 | 0 | 71\n其他\n";
        let mut out = String::new();
        write(&mut out, "x.html", text, &[mark(text, "72", "自然人 = 72"), mark(text, "71", "总计 = 71")]);
        assert!(out.contains("2 │ （一）予以公开 | 72 | 0 | 71"), "{out}");
        assert!(out.contains("╰── 总计 = 71") && out.contains("╰── 自然人 = 72"), "{out}");
        assert!(!out.contains("标题") && !out.contains('…'), "{out}");
        // The label of the leftmost mark sits under its number.
        let under = out.lines().find(|l| l.contains("╰── 自然人")).expect("a label line");
        let row = out.lines().find(|l| l.contains("72 |")).expect("the row");
        let col = |s: &str, pat: &str| s[..s.find(pat).expect("there")].width();
        assert_eq!(col(under, "╰"), col(row, "72"));
    }

    #[test]
    fn long_lines_are_cut_around_the_marks() {
        let text = format!("{}目标 42 在此{}\n", "甲".repeat(5000), "乙".repeat(5000));
        let mut out = String::new();
        write(&mut out, "x.txt", &text, &[mark(&text, "42", "单元格 = 42")]);
        assert!(out.lines().all(|l| l.width() < MAX_LINE_WIDTH + 20), "{out}");
        assert!(out.contains("…") && out.contains("目标 42 在此"), "{out}");
    }

    #[test]
    fn far_apart_marks_on_one_line_get_a_window_each() {
        let text = format!("A 1 {} B 2 {} C 3", "x".repeat(3000), "y".repeat(3000));
        let mut out = String::new();
        let marks = [mark(&text, "1", "一"), mark(&text, "2", "二"), mark(&text, "3", "三")];
        write(&mut out, "x.txt", &text, &marks);
        assert!(out.lines().all(|l| l.width() < MAX_LINE_WIDTH * 2), "{out}");
        assert!(out.contains("A 1") && out.contains("B 2") && out.contains("C 3"), "{out}");
        assert!(out.contains("╰── 一") && out.contains("╰── 二") && out.contains("╰── 三"), "{out}");
    }

    #[test]
    fn gaps_between_lines_are_marked() {
        let text = "5 |\n|\n|\n|\n6 |\n";
        let mut out = String::new();
        write(&mut out, "x.txt", text, &[mark(text, "5", "五"), mark(text, "6", "六")]);
        assert!(out.contains(" ⋮"), "{out}");
        assert!(out.contains("1 │ 5 |") && out.contains("5 │ 6 |"), "{out}");
    }
}
