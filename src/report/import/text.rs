//! Plain text without table markup: every non-empty line is a paragraph. Reports in this
//! form yield their sections; their tables are not recognised.

use super::{Block, Frag, RawDocument};
use crate::report::model::{Span, SpanText};

pub fn read(source: String) -> RawDocument {
    let blocks = lines(&source).map(|(offset, line)| Block::Text(Frag::new(line, Span::new(offset, line.len())))).collect();
    RawDocument { source, blocks, diagnostics: Vec::new(), span_text: SpanText::File }
}

/// Non-empty lines, trimmed, with their byte offsets.
pub fn lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1).chain(std::iter::once(source.len()));
    std::iter::from_fn(move || loop {
        let end = ends.next()?;
        // Cut just past a newline (ASCII): always a char boundary.
        let raw = source.get(start..end).unwrap_or("");
        let at = start;
        start = end;
        let line = crate::report::value::trim_space(raw);
        if !line.is_empty() {
            // `line` is a slice of `raw`: its start is the leading space's length.
            return Some((at + (line.as_ptr() as usize - raw.as_ptr() as usize), line));
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_are_trimmed_non_empty_with_offsets() {
        let src = " a \n\n\u{3000}b\r\n  \nc";
        let got: Vec<(usize, &str)> = super::lines(src).collect();
        assert_eq!(got, [(1, "a"), (8, "b"), (14, "c")]);
        for (at, l) in got {
            assert_eq!(&src[at..at + l.len()], l);
        }
        assert_eq!(super::lines("x\n").collect::<Vec<_>>(), [(0, "x")]);
        assert_eq!(super::lines("").count(), 0);
    }
}
