//! Markdown tables as produced by PDF-to-markdown converters (DOMAIN.md 5.5).
//!
//! In: the file text. Out: non-table lines as text blocks (heading `#`s and `**` stripped
//! from the span, so the text stays a slice of the file), pipe-table lines as rows. Runs of
//! pipe lines form a table; `|---|` separator lines anywhere (page breaks repeat them) are
//! skipped without ending it. Converters' header fragments and generic headers become
//! label-only rows the assembler ignores; empty cells in label columns (a lost vertical
//! label) are dropped by `grid`, empty cells in value columns stay blank values. A row
//! with the wrong cell count is left for the assembler to flag.

use super::grid::{self, Slot};
use super::text::lines;
use super::{is_page_footer, Block, Form, Frag, ImportError, RawDocument};
use crate::limits::REPORT_MARKDOWN_CELLS;
use crate::report::model::{ImportDiagnostic, Level, Span, SpanText};
use crate::report::value::is_space;

pub fn read(path: &str, source: String) -> Result<RawDocument, ImportError> {
    let mut blocks = Vec::new();
    let mut table: Vec<Vec<Slot>> = Vec::new();
    let mut generic = 0;
    let mut footers = 0;
    // A lone-number line right after table rows is a stray, not prose.
    let mut after_table = false;
    let flush = |table: &mut Vec<Vec<Slot>>, blocks: &mut Vec<Block>| -> Result<(), ImportError> {
        if !table.is_empty() {
            let rows = grid::rows(std::mem::take(table)).map_err(|e| e.error(path, Form::Markdown))?;
            blocks.extend(rows.into_iter().map(Block::Row));
        }
        Ok(())
    };
    for (offset, line) in lines(&source) {
        if !line.starts_with('|') {
            let in_table = !table.is_empty();
            flush(&mut table, &mut blocks)?;
            let (text, span) = strip_markup(line, offset);
            if text.is_empty() {
                continue;
            }
            let stray = (in_table || after_table) && lone_number(text);
            after_table = stray;
            blocks.push(if stray { Block::Stray(Frag::new(text, span)) } else { Block::Text(Frag::new(text, span)) });
            continue;
        }
        after_table = false;
        if line.bytes().filter(|b| *b == b'|').count() > REPORT_MARKDOWN_CELLS + 1 {
            return Err(ImportError::Limit { path: path.into(), form: Form::Markdown, what: "表格一行的单元格", limit: REPORT_MARKDOWN_CELLS as u64 });
        }
        let cells = cells(line, offset);
        if cells.iter().all(|(t, _)| is_separator(t)) {
            // The row above a separator is a header: a converter's generic one says nothing.
            if table.last().is_some_and(|r| is_generic_header(r)) {
                table.pop();
                generic += 1;
            }
            continue;
        }
        let mut filled = cells.iter().filter(|(t, _)| !t.is_empty());
        if let (Some((only, span)), None) = (filled.next(), filled.next()) {
            // One cell filled in a table row: a page footer a converter kept in the
            // table, or — in a table wider than a label and a value — a number out of
            // its cell: neither is read as a row.
            if is_page_footer(only) {
                footers += 1;
                continue;
            }
            let width = table.iter().map(Vec::len).max().unwrap_or(0).max(cells.len());
            if width > 2 && lone_number(only) {
                blocks.push(Block::Stray(Frag::new(*only, *span)));
                continue;
            }
        }
        let row = cells.into_iter().map(|(text, span)| Slot::Cell { frag: Frag::new(label_text(text), span), colspan: 1, rowspan: 1 }).collect();
        table.push(row);
    }
    flush(&mut table, &mut blocks)?;
    let mut diagnostics = Vec::new();
    if generic > 0 {
        let message = format!("忽略了 {generic} 行转换工具生成的通用表头（Col1、1、2…）");
        diagnostics.push(ImportDiagnostic { code: "import.generic_header", level: Level::Info, message, span: None });
    }
    if footers > 0 {
        let message = format!("跳过了表格中的 {footers} 行页码（如“第 4 页 共 6 页”“— 3 —”）");
        diagnostics.push(ImportDiagnostic { code: "import.page_footer", level: Level::Info, message, span: None });
    }
    Ok(RawDocument { source, blocks, diagnostics, span_text: SpanText::File, file_map: None })
}

/// A header row a converter made up: `Col1 | Col2`, `Column 1`, `0 | 1 | 2`, `1 | 2 | 3`.
fn is_generic_header(row: &[Slot]) -> bool {
    let texts: Vec<&str> = row
        .iter()
        .filter_map(|s| match s {
            Slot::Cell { frag, .. } if !frag.text.is_empty() => Some(frag.text.as_str()),
            _ => None,
        })
        .collect();
    let index = |t: &str| {
        let lower = t.to_ascii_lowercase();
        let digits = lower.trim_start_matches("column").trim_start_matches("col").trim_start_matches(['_', ' ']);
        digits.parse::<usize>().ok()
    };
    let numbers: Vec<usize> = texts.iter().filter_map(|t| index(t)).collect();
    numbers.len() >= 2 && numbers.len() == texts.len() && numbers.windows(2).all(|w| w[1] == w[0] + 1)
}

/// A number alone (`3`, `12.5`), as a cell's value would be printed.
fn lone_number(text: &str) -> bool {
    crate::report::value::classify(text).0 == crate::report::model::CellState::Number
}

/// The cells of a pipe line, trimmed, with spans (a blank cell: zero-length, after its pipe).
fn cells(line: &str, offset: usize) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut start = 1; // after the leading pipe
    let bytes = line.as_bytes();
    let mut i = 1;
    while i <= bytes.len() {
        let end_of_cell = i == bytes.len() || (bytes[i] == b'|' && bytes[i - 1] != b'\\');
        if end_of_cell {
            let raw = &line[start..i];
            let lead = raw.len() - raw.trim_start_matches(is_space).len();
            let text = raw.trim_matches(is_space);
            if !(i == bytes.len() && raw.trim_matches(is_space).is_empty()) {
                out.push((text, Span::new(offset + start + lead, text.len())));
            }
            start = i + 1;
        }
        i += 1;
    }
    out
}

/// `---`, `:---`, `:---:` (an empty cell is not a separator).
fn is_separator(cell: &str) -> bool {
    let inner = cell.trim_start_matches(':').trim_end_matches(':');
    !inner.is_empty() && inner.bytes().all(|b| b == b'-')
}

/// A label cell's text with converters' `<br>` joins removed (values never contain them).
fn label_text(text: &str) -> String {
    if !text.contains("<br") {
        return text.to_string();
    }
    ["<br/>", "<br />", "<br>"].iter().fold(text.to_string(), |t, br| t.replace(br, ""))
}

/// A prose line without heading marks or bold markers around it; the span shrinks to match.
fn strip_markup(line: &str, offset: usize) -> (&str, Span) {
    let mut start = line.len() - line.trim_start_matches('#').len();
    let mut end = line.len();
    let inner = line[start..].trim_start_matches(is_space);
    start = line.len() - inner.len();
    for mark in ["**", "__"] {
        let s = &line[start..end];
        if s.len() > 2 * mark.len() && s.starts_with(mark) && s.ends_with(mark) {
            start += mark.len();
            end -= mark.len();
        }
    }
    let s = &line[start..end];
    let lead = s.len() - s.trim_start_matches(is_space).len();
    let text = s.trim_matches(is_space);
    (text, Span::new(offset + start + lead, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(src: &str) -> Vec<super::super::RawRow> {
        read("t.md", src.to_string()).unwrap().blocks.into_iter().filter_map(|b| if let Block::Row(r) = b { Some(r) } else { None }).collect()
    }

    #[test]
    fn cells_keep_spans_and_blanks() {
        let src = "| 规章 | 0 |  | 12 |\n";
        let c = cells(src.trim_end(), 0);
        let texts: Vec<&str> = c.iter().map(|(t, _)| *t).collect();
        assert_eq!(texts, ["规章", "0", "", "12"]);
        for (t, s) in &c {
            assert_eq!(&src[s.offset..s.end()], *t);
        }
    }

    #[test]
    fn separators_mid_table_do_not_split_it() {
        let r = rows("| a | b |\n|---|---|\n| 规章 | 1 |\n| :--- | ---: |\n|  | 2 |\n");
        assert_eq!(r.len(), 3);
        assert_eq!(r[2].values().len(), 1);
    }

    #[test]
    fn generic_headers_are_dropped() {
        let doc = read("t.md", "| Col1 | Col2 |\n|---|---|\n| 1 | 2 |\n| 0 | 1 |\n| --- | --- |\n| 5 | 6 |\n".to_string()).unwrap();
        let n = doc.blocks.iter().filter(|b| matches!(b, Block::Row(_))).count();
        assert_eq!((n, doc.diagnostics.len()), (2, 1));
    }

    #[test]
    fn page_footers_are_told_from_numbers() {
        for t in ["— 3 —", "-3-", "- 12 -", "第3页", "第 4 页 共 6 页", "第4页，共6页", "4/6"] {
            assert!(is_page_footer(t), "{t}");
        }
        for t in ["3", "-3", "3-", "第三页", "共6页", "4/", "— —", "行政复议"] {
            assert!(!is_page_footer(t), "{t}");
        }
    }

    #[test]
    fn a_lone_number_in_a_table_is_a_stray_not_a_row() {
        let doc = read("t.md", "| （一）予以公开 | 3 | 0 |\n|  | 7 |  |\n| 第 2 页 |\n\n5\n\n6\n\n完毕\n\n8\n".to_string()).unwrap();
        let kinds: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Row(r) => format!("row {}", r.values().len()),
                Block::Stray(f) => format!("stray {}", f.text),
                Block::Text(f) => format!("text {}", f.text),
            })
            .collect();
        // `5` and `6` come right after the table; `8` is prose after prose.
        assert_eq!(kinds, ["stray 7", "row 2", "stray 5", "stray 6", "text 完毕", "text 8"]);
        assert_eq!(doc.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), ["import.page_footer"]);
    }

    #[test]
    fn headings_lose_their_marks() {
        let doc = read("t.md", "## **三、收到和处理政府信息公开申请情况**\n".to_string()).unwrap();
        let Block::Text(f) = &doc.blocks[0] else { panic!("text expected") };
        assert_eq!(f.text, "三、收到和处理政府信息公开申请情况");
        assert_eq!(&doc.source[f.span.offset..f.span.end()], f.text);
    }
}
