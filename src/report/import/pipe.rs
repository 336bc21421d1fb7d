//! Pipe-per-cell text (DOMAIN.md 5.1): flattened HTML with every cell as `text |` on its
//! own line. `||`, `||||` are colspan/rowspan remnants and end a row; a bare `|` is an
//! empty cell (or a remnant — only the template's cell count tells, so the assembler drops
//! surplus trailing blanks). Lines without a pipe are prose and headings.

use super::text::lines;
use super::{Block, Frag, RawDocument, RawRow};
use crate::report::model::{Span, SpanText};
use crate::report::value::ends_with_wide_space;

enum Token<'a> {
    Cell(&'a str, Span),
    Empty(Span),
    Separator,
}

fn token(offset: usize, line: &str) -> Option<Token<'_>> {
    let b = line.as_bytes();
    if b.last() != Some(&b'|') {
        return None;
    }
    // Pipes and ASCII spaces bytewise; a non-ASCII space (U+3000 before a pipe) by its bytes.
    let end = b.iter().rposition(|b| !matches!(b, b'|' | b'\t'..=b'\r' | b' ')).map_or(0, |i| i + 1);
    let content = &line[..end];
    let content = if ends_with_wide_space(content) { content.trim_end_matches(|c: char| c == '|' || crate::report::value::is_space(c)) } else { content };
    if content.is_empty() {
        // A pipe byte is a pipe char in UTF-8.
        let pipes = b.iter().filter(|b| **b == b'|').count();
        return Some(if pipes == 1 { Token::Empty(Span::new(offset, 0)) } else { Token::Separator });
    }
    Some(Token::Cell(content, Span::new(offset, content.len())))
}

/// A cell's text reads as a value (number, unit, placeholder), not as a label. Text made of
/// number characters that is no number we trust ("1,2", "--3") still holds a value's place
/// once a row has begun: a doubtful cell of that row, not the label of a new one.
fn is_value(text: &str, row_has_labels: bool) -> bool {
    use crate::report::value::{is_value_like, looks_numeric};
    is_value_like(text) || (row_has_labels && looks_numeric(text))
}

/// The row being read. Its cells gather in a vector kept for the whole file (labels
/// first: a label after values starts a new row), and a finished row takes them in an
/// exactly sized vector: one allocation a row, no regrowth.
#[derive(Default)]
struct OpenRow {
    open: bool,
    frags: Vec<Frag>,
    labels: usize,
}

impl OpenRow {
    fn has_labels(&self) -> bool {
        self.labels > 0
    }

    fn has_values(&self) -> bool {
        self.frags.len() > self.labels
    }

    /// A label; the caller flushes a row that has values first.
    fn label(&mut self, frag: Frag) {
        debug_assert!(!self.has_values());
        self.open = true;
        self.frags.push(frag);
        self.labels += 1;
    }

    fn value(&mut self, frag: Frag) {
        self.open = true;
        self.frags.push(frag);
    }

    fn flush(&mut self, blocks: &mut Vec<Block>) {
        if std::mem::take(&mut self.open) {
            let mut frags = Vec::with_capacity(self.frags.len());
            frags.append(&mut self.frags);
            blocks.push(Block::Row(RawRow::from_frags(frags, std::mem::take(&mut self.labels))));
        }
    }
}

pub fn read(source: String) -> RawDocument {
    // At most one block a line, and a row spans several: room for half the lines (of some
    // 14 bytes in this form) spares the vector its regrowth.
    let mut blocks = Vec::with_capacity(source.len() / 28 + 1);
    let mut row = OpenRow::default();
    for (offset, line) in lines(&source) {
        match token(offset, line) {
            None => {
                row.flush(&mut blocks);
                blocks.push(Block::Text(Frag::new(line, Span::new(offset, line.len()))));
            }
            Some(Token::Separator) => row.flush(&mut blocks),
            Some(Token::Empty(span)) => {
                if row.open {
                    row.value(Frag::new("", span));
                }
            }
            Some(Token::Cell(text, span)) => {
                let frag = Frag::new(text, span);
                if is_value(text, row.has_labels()) {
                    row.value(frag);
                } else {
                    if row.has_values() {
                        row.flush(&mut blocks);
                    }
                    row.label(frag);
                }
            }
        }
    }
    row.flush(&mut blocks);
    RawDocument { source, blocks, diagnostics: Vec::new(), span_text: SpanText::File, file_map: None }
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
                Block::Text(_) | Block::Stray(_) => None,
            })
            .collect()
    }

    #[test]
    fn blank_cells_are_bare_pipes_and_separators_end_rows() {
        let r = rows("(七)总计 |\n5 |\n|\n|\n5 |\n||\n四、结转 |\n0 |\n");
        assert_eq!(r.len(), 2);
        let texts: Vec<_> = r[0].values().iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["5", "", "", "5"]);
        assert_eq!(r[1].labels()[0].text, "四、结转");
    }

    #[test]
    fn group_labels_stay_with_their_first_leaf() {
        let r = rows("三、本年度办理结果 |\n(一)予以公开 |\n1 |\n0 |\n");
        assert_eq!(r[0].labels().len(), 2);
        assert_eq!(r[0].values().len(), 2);
    }

    #[test]
    fn number_like_text_stays_a_cell_of_its_row() {
        let r = rows("一、本年新收 |\n1,2 |\n--3 |\n5 |\n");
        assert_eq!(r.len(), 1);
        let texts: Vec<_> = r[0].values().iter().map(|f| f.text.as_str()).collect();
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
        let s = r.values()[0].span;
        assert_eq!(&src[s.offset..s.end()], "-3");
    }
}
