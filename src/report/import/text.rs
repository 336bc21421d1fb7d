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
    let mut offset = 0;
    source.split_inclusive('\n').filter_map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = crate::report::value::trim_space(raw);
        // `line` is a slice of `raw`: its start is the leading space's length.
        let lead = line.as_ptr() as usize - raw.as_ptr() as usize;
        (!line.is_empty()).then_some((start + lead, line))
    })
}
