//! Markdown tables as produced by PDF-to-markdown converters (DOMAIN.md 5.5).
//! Not yet implemented: read as plain text (sections only).

use super::RawDocument;

pub fn read(source: String) -> RawDocument {
    super::text::read(source)
}
