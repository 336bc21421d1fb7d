//! Plain text without table markup: every non-empty line is a paragraph. Reports in this
//! form yield their sections; their tables are not recognised.

use super::{Block, Frag, RawDocument};
use crate::report::model::{Span, SpanText};

pub fn read(source: String) -> RawDocument {
    let blocks = lines(&source).map(|(offset, line)| Block::Text(Frag::new(line, Span::new(offset, line.len())))).collect();
    RawDocument { source, blocks, diagnostics: Vec::new(), span_text: SpanText::File, file_map: None }
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

    // Inlined into each importer's loop: a call per short line costs as much as its search.
    #[inline]
    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.source.as_bytes();
        while self.start < bytes.len() {
            let at = self.start;
            let end = newline(&bytes[at..]).map_or(bytes.len(), |i| at + i);
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

/// The pieces of `source` between newlines, as `source.split('\n')` gives them.
pub fn split_lines(source: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(source);
    std::iter::from_fn(move || {
        let s = rest?;
        let Some(i) = newline(s.as_bytes()) else { return rest.take() };
        rest = Some(&s[i + 1..]);
        Some(&s[..i])
    })
}

/// The first `\n` in `b`, eight bytes at a time: lines are short, and a vectorised search
/// spends more on its set-up than on such a line.
#[inline]
fn newline(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let (chunks, rest) = b.as_chunks::<8>();
    for (i, chunk) in chunks.iter().enumerate() {
        // A zero byte of `x` is a newline; the lowest flagged byte is always the first one
        // (only bytes above a zero byte can be flagged falsely).
        let x = u64::from_le_bytes(*chunk) ^ NEWLINES;
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(i * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    rest.iter().position(|&c| c == b'\n').map(|i| chunks.len() * 8 + i)
}

#[cfg(test)]
mod tests {
    #[test]
    fn newline_is_found_where_memchr_finds_it() {
        let mut b = vec![b'a'; 40];
        assert_eq!(super::newline(&b), None);
        for at in 0..b.len() {
            // Bytes either side of the newline that a borrow could confuse, and newlines.
            for v in [b'a', 0, 0x0b, 0x09, 0x8a, 0xff, b'\n'] {
                b.fill(v);
                b[at] = b'\n';
                for start in 0..at.min(9) + 1 {
                    assert_eq!(super::newline(&b[start..]), memchr::memchr(b'\n', &b[start..]), "{at} {start} {v}");
                }
            }
        }
    }

    #[test]
    fn split_lines_is_split_at_newlines() {
        for src in ["", "\n", "a", "a\n", "a\r\nb", "\n\n x |\n||\n", "一、总体情况\n二、主动公开政府信息情况 |\n\u{3000}"] {
            assert_eq!(super::split_lines(src).collect::<Vec<_>>(), src.split('\n').collect::<Vec<_>>(), "{src:?}");
        }
    }

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
