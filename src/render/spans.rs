//! Spans in JSON for a report whose spans do not index the file's bytes — decoded from
//! another encoding (GBK, UTF-16), or a rendering of an HTML page: every `{"offset",
//! "len"}` object gets `file_offset` and `file_len`, the same text as a byte range of the
//! file, beside the offsets into the text `span_text` names.

use crate::report::model::{Report, SpanText};
use serde_json::Value;

/// Add file offsets to every span in `value` when `report` was decoded or rendered from
/// markup; otherwise spans already are file offsets (or index a rendering of a PDF or
/// DOCX, which has none) and nothing changes.
pub fn add_file_offsets(value: &mut Value, report: &Report) {
    if needed(report) {
        walk(value, report);
    }
}

/// Whether spans of `report` need file offsets beside them in JSON.
pub fn needed(report: &Report) -> bool {
    matches!(report.span_text, SpanText::Decoded { .. }) || report.file_map.is_some()
}

fn walk(value: &mut Value, report: &Report) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, report)),
        // A cell of the previous year's report: its span is into that report's text, which
        // this report's decoding says nothing about.
        Value::Object(map) if map.get("report").is_some_and(|r| r == "prev") => {}
        Value::Object(map) => {
            let span = (map.get("offset").and_then(Value::as_u64), map.get("len").and_then(Value::as_u64));
            if let (Some(offset), Some(len), 2) = (span.0, span.1, map.len()) {
                let span = crate::report::model::Span::new(offset as usize, len as usize);
                if let Some((a, b)) = report.file_range(span) {
                    map.insert("file_offset".into(), a.into());
                    map.insert("file_len".into(), (b - a).into());
                }
                return;
            }
            map.values_mut().for_each(|v| walk(v, report));
        }
        _ => {}
    }
}
