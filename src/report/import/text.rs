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
        let line = raw.trim_start_matches(crate::report::value::is_space);
        let lead = raw.len() - line.len();
        let line = line.trim_end_matches(crate::report::value::is_space);
        (!line.is_empty()).then_some((start + lead, line))
    })
}
