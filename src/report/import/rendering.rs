//! A text rendering of a document read from markup (HTML): what a person recognises of
//! the page — one line per paragraph, one line per table row with its cells separated by
//! ` | ` (labels, then values) — and a map from every fragment's place in the rendering
//! back to its place in the file, so JSON can keep the file's own offsets.
//!
//! The rendering is built from the importer's blocks before assembly, so the assembler
//! reads exactly the fragments it read before (same texts, same order); only spans move.

use super::{Block, Frag, RawDocument};
use crate::report::model::{FileMap, MapEntry, Span, SpanText};

/// Between the cells of a row in the rendering.
pub const CELL_SEPARATOR: &str = " | ";

/// Replace `doc.source` by a text rendering of its blocks, moving every fragment's span
/// (and the importer's diagnostics' spans) into the rendering, and record where each
/// fragment is in the file (`doc.file_map`). `doc.span_text` says what the old source was
/// (the file, or its decoding); it becomes [`SpanText::Rendering`].
pub fn render(doc: &mut RawDocument) {
    let mut out = String::with_capacity(doc.source.len() / 4);
    let mut entries: Vec<MapEntry> = Vec::new();
    let old = std::mem::take(&mut doc.source);
    let place = |frag: &mut Frag, out: &mut String, entries: &mut Vec<MapEntry>| {
        let file = frag.span;
        let exact = old.get(file.offset..file.end()) == Some(frag.text.as_str());
        // A fragment's text on one line of the rendering (labels joined over `<br>` keep
        // their spaces; a stray line break would split the row).
        let start = out.len();
        if frag.text.contains(['\n', '\r']) {
            out.extend(frag.text.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }));
        } else {
            out.push_str(&frag.text);
        }
        let len = out.len() - start;
        frag.span = Span::new(start, len);
        entries.push(MapEntry { render: frag.span, file, exact: exact && len == file.len });
    };
    for block in &mut doc.blocks {
        match block {
            Block::Text(f) | Block::Stray(f) => place(f, &mut out, &mut entries),
            Block::Row(row) => {
                for (i, f) in row.frags_mut().iter_mut().enumerate() {
                    if i > 0 {
                        out.push_str(CELL_SEPARATOR);
                    }
                    place(f, &mut out, &mut entries);
                }
            }
        }
        out.push('\n');
    }
    let map = FileMap::new(entries, &old, doc.span_text);
    for d in &mut doc.diagnostics {
        d.span = d.span.and_then(|s| map.to_rendering(s));
    }
    doc.source = out;
    doc.span_text = SpanText::Rendering;
    doc.file_map = Some(std::sync::Arc::new(map));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::import::RawRow;

    #[test]
    fn rows_become_lines_and_spans_map_back() {
        let source = "<p>标题</p><td>（一）予以公开</td><td>7</td><td></td>".to_string();
        let title = Frag::new("标题", Span::new(3, 6));
        let label = Frag::new("（一）予以公开", Span::new(17, 21));
        let seven = Frag::new("7", Span::new(47, 1));
        let blank = Frag::new("", Span::new(57, 0));
        let mut doc = RawDocument {
            source: source.clone(),
            blocks: vec![Block::Text(title), Block::Row(RawRow::new(vec![label], vec![seven, blank]))],
            ..Default::default()
        };
        assert_eq!(&source[47..48], "7");
        render(&mut doc);
        assert_eq!(doc.source, "标题\n（一）予以公开 | 7 | \n");
        let Block::Row(row) = &doc.blocks[1] else { panic!("a row") };
        let seven = &row.values()[0];
        assert_eq!(&doc.source[seven.span.offset..seven.span.end()], "7");
        let map = doc.file_map.as_ref().expect("a map");
        assert_eq!(map.file_range(seven.span), Some((47, 48)));
        assert_eq!(map.file_range(row.values()[1].span), Some((57, 57)));
        // A span over several fragments maps to the file range from the first to the last.
        assert_eq!(map.file_range(Span::new(0, doc.source.len() - 1)), Some((3, 48)));
        assert_eq!(doc.span_text, SpanText::Rendering);
    }
}
