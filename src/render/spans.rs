//! Spans in JSON for a report decoded from another encoding (GBK, UTF-16): every
//! `{"offset", "len"}` object gets `file_offset` and `file_len`, the same range as bytes of
//! the file, beside the offsets into the decoded text (which `span_text` names).

use crate::report::model::{Report, SpanText};
use serde_json::Value;

/// Add file offsets to every span in `value` when `report` was decoded; otherwise spans
/// already are file offsets (or index a rendering, which has none) and nothing changes.
pub fn add_file_offsets(value: &mut Value, report: &Report) {
    if matches!(report.span_text, SpanText::Decoded { .. }) {
        walk(value, report);
    }
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
                let (start, end) = (offset as usize, (offset + len) as usize);
                if let (Some(a), Some(b)) = (report.file_offset(start), report.file_offset(end)) {
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
