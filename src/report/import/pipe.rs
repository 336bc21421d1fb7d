//! Pipe-per-cell text (DOMAIN.md 5.1): flattened HTML with every cell as `text |` on its
//! own line. `||`, `||||` are colspan/rowspan remnants and end a row; a bare `|` is an
//! empty cell (or a remnant — only the template's cell count tells, so the assembler drops
//! surplus trailing blanks). Lines without a pipe are prose and headings.

use super::text::lines;
use super::{Block, Frag, RawDocument, RawRow};
use crate::report::model::{Span, SpanText};

enum Token<'a> {
    Cell(&'a str, Span),
    Empty(Span),
    Separator,
}

fn token(offset: usize, line: &str) -> Option<Token<'_>> {
    if !line.ends_with('|') {
        return None;
    }
    // Pipes and ASCII spaces bytewise; a non-ASCII end (U+3000 before a pipe) by char.
    let end = line.bytes().rposition(|b| !matches!(b, b'|' | b'\t'..=b'\r' | b' ')).map_or(0, |i| i + 1);
    let content = &line[..end];
    let content = if content.as_bytes().last().is_some_and(|b| !b.is_ascii()) {
        content.trim_end_matches(|c: char| c == '|' || crate::report::value::is_space(c))
    } else {
        content
    };
    if content.is_empty() {
        let pipes = line.chars().filter(|c| *c == '|').count();
        return Some(if pipes == 1 { Token::Empty(Span::new(offset, 0)) } else { Token::Separator });
    }
    Some(Token::Cell(content, Span::new(offset, content.len())))
}

/// A cell's text reads as a value (number, unit, placeholder), not as a label. Text made of
/// number characters that is no number we trust ("1,2", "--3") still holds a value's place
/// once a row has begun: a doubtful cell of that row, not the label of a new one.
fn is_value(text: &str, row: Option<&RawRow>) -> bool {
    use crate::report::value::{is_value_like, looks_numeric};
    is_value_like(text) || (row.is_some_and(|r| !r.labels.is_empty()) && looks_numeric(text))
}

/// Value cells a row is given room for at once (表三 has 9 columns, 表二 at most 4).
const ROW_VALUES: usize = 9;

pub fn read(source: String) -> RawDocument {
    // At most one block a line, and a row spans several: room for half the lines (of some
    // 14 bytes in this form) spares the vector its regrowth.
    let mut blocks = Vec::with_capacity(source.len() / 28 + 1);
    let new_row = || RawRow { labels: Vec::with_capacity(2), values: Vec::with_capacity(ROW_VALUES) };
    let mut row: Option<RawRow> = None;
    let flush = |row: &mut Option<RawRow>, blocks: &mut Vec<Block>| {
        if let Some(r) = row.take() {
            blocks.push(Block::Row(r));
        }
    };
    for (offset, line) in lines(&source) {
        match token(offset, line) {
            None => {
                flush(&mut row, &mut blocks);
                blocks.push(Block::Text(Frag::new(line, Span::new(offset, line.len()))));
            }
            Some(Token::Separator) => flush(&mut row, &mut blocks),
            Some(Token::Empty(span)) => {
                if let Some(r) = row.as_mut() {
                    r.values.push(Frag::new("", span));
                }
            }
            Some(Token::Cell(text, span)) => {
                let frag = Frag::new(text, span);
                if is_value(text, row.as_ref()) {
                    row.get_or_insert_with(new_row).values.push(frag);
                } else {
                    if row.as_ref().is_some_and(|r| !r.values.is_empty()) {
                        flush(&mut row, &mut blocks);
                    }
                    row.get_or_insert_with(new_row).labels.push(frag);
                }
            }
        }
    }
    flush(&mut row, &mut blocks);
    RawDocument { source, blocks, diagnostics: Vec::new(), span_text: SpanText::File }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(src: &str) -> Vec<RawRow> {
        read(src.to_string())
            .blocks
            .into_iter()
            .filter_map(|b| match b {
                Block::Row(r) => Some(r),
                Block::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn blank_cells_are_bare_pipes_and_separators_end_rows() {
        let r = rows("(七)总计 |\n5 |\n|\n|\n5 |\n||\n四、结转 |\n0 |\n");
        assert_eq!(r.len(), 2);
        let texts: Vec<_> = r[0].values.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["5", "", "", "5"]);
        assert_eq!(r[1].labels[0].text, "四、结转");
    }

    #[test]
    fn group_labels_stay_with_their_first_leaf() {
        let r = rows("三、本年度办理结果 |\n(一)予以公开 |\n1 |\n0 |\n");
        assert_eq!(r[0].labels.len(), 2);
        assert_eq!(r[0].values.len(), 2);
    }

    #[test]
    fn number_like_text_stays_a_cell_of_its_row() {
        let r = rows("一、本年新收 |\n1,2 |\n--3 |\n5 |\n");
        assert_eq!(r.len(), 1);
        let texts: Vec<_> = r[0].values.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["1,2", "--3", "5"]);
    }

    #[test]
    fn cell_text_ends_before_pipes_and_spaces_of_any_kind() {
        for (line, want) in [("5 |", "5"), ("5|", "5"), ("5 \u{3000}|", "5"), ("无\u{3000} | |", "无"), ("自然人 |", "自然人"), ("a | b |", "a | b")] {
            let Some(Token::Cell(text, span)) = token(0, line) else { panic!("{line:?}: a cell") };
            assert_eq!((text, span.len), (want, want.len()), "{line:?}");
        }
        assert!(matches!(token(0, "|"), Some(Token::Empty(_))));
        assert!(matches!(token(0, "\u{3000}|"), Some(Token::Empty(_))));
        assert!(matches!(token(0, "||"), Some(Token::Separator)));
    }

    #[test]
    fn spans_point_at_the_cell_text() {
        let src = "规章 |\n-3 |\n";
        let doc = read(src.to_string());
        let Block::Row(r) = &doc.blocks[0] else { panic!("row expected") };
        let s = r.values[0].span;
        assert_eq!(&src[s.offset..s.end()], "-3");
    }
}
