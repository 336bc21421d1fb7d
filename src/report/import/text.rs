//! Plain text without table markup: every non-empty line is a paragraph. Reports in this
//! form yield their sections; their tables are not recognised.

use super::{Block, Frag, RawDocument};
use crate::report::model::{Span, SpanText};

pub fn read(source: String) -> RawDocument {
    let blocks = lines(&source).map(|(offset, line)| Block::Text(Frag::new(line, Span::new(offset, line.len())))).collect();
    RawDocument { source, blocks, diagnostics: Vec::new(), span_text: SpanText::File }
}

/// Non-empty lines, trimmed, with their byte offsets.
pub fn lines(source: &str) -> Lines<'_> {
    Lines { source, start: 0 }
}

/// The iterator of [`lines`]: the next line starts at `start`.
pub struct Lines<'a> {
    source: &'a str,
    start: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.source.as_bytes();
        while self.start < bytes.len() {
            let at = self.start;
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            self.start = end + 1;
            // Cut at a newline (ASCII) or the end: always char boundaries.
            let raw = &self.source[at..end];
            let line = crate::report::value::trim_space(raw);
            if !line.is_empty() {
                // `line` is a slice of `raw`: its start is the leading space's length.
                return Some((at + (line.as_ptr() as usize - raw.as_ptr() as usize), line));
            }
        }
        None
    }
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
        assert_eq!(super::lines("\n\n").count(), 0);
        assert_eq!(super::lines("\r\n a\r\n\n").collect::<Vec<_>>(), [(3, "a")]);
    }
}
