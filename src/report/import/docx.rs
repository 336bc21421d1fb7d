//! Word .docx (DOMAIN.md 5.6).
//!
//! In: the .docx bytes (a zip). Out: a text rendering of `word/document.xml` — each body
//! paragraph a line, each table row a line of cells separated by ` | ` — with paragraphs as
//! text blocks and table rows as rows whose spans point into that rendering. `w:gridSpan`
//! is a colspan; a `w:vMerge` continuation is a covered slot, so a vertical group label
//! sits on its first row only. U+3000-only template cells are blanks. The XML is read as a
//! stream (no recursion); a table inside a cell is folded into that cell's text.

use super::grid::{self, Slot};
use super::{Block, Form, Frag, ImportError, RawDocument};
use crate::limits::{REPORT_DOCX_DEPTH, REPORT_DOCX_XML_BYTES as MAX_XML};
use crate::report::model::{Span, SpanText};
use crate::report::value::is_space;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::{Cursor, Read};

const CELL_SEP: &str = " | ";

pub fn read(path: &str, bytes: &[u8]) -> Result<RawDocument, ImportError> {
    let corrupt = |why: String| ImportError::Corrupt { path: path.into(), form: Form::Docx, why };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(format!("不是有效的 zip 压缩包（{e}）")))?;
    let file = zip.by_name("word/document.xml").map_err(|_| corrupt("压缩包中没有 word/document.xml，不是 Word 文档".into()))?;
    let too_large = || ImportError::Limit { path: path.into(), form: Form::Docx, what: "word/document.xml 解压后的字节数", limit: MAX_XML };
    // The declared size first (a zip bomb says what it is), then a read that stops one
    // byte past the limit (a lying header is caught too).
    if file.size() > MAX_XML {
        return Err(too_large());
    }
    let mut raw = Vec::new();
    file.take(MAX_XML + 1).read_to_end(&mut raw).map_err(|e| corrupt(format!("无法解压 word/document.xml（{e}）")))?;
    if raw.len() as u64 > MAX_XML {
        return Err(too_large());
    }
    let xml = String::from_utf8(raw).map_err(|_| corrupt("word/document.xml 不是 UTF-8 文本".into()))?;
    parse(&xml).map_err(|e| match e {
        ParseError::Xml(e) => corrupt(format!("word/document.xml 不是有效的 XML（{e}）")),
        ParseError::Grid(e) => e.error(path, Form::Docx),
        ParseError::Depth => {
            ImportError::Limit { path: path.into(), form: Form::Docx, what: "word/document.xml 的元素嵌套层数", limit: REPORT_DOCX_DEPTH as u64 }
        }
    })
}

/// Why `document.xml` could not be rendered.
enum ParseError {
    Xml(quick_xml::Error),
    Grid(grid::TooManyCells),
    /// Nested deeper than [`REPORT_DOCX_DEPTH`].
    Depth,
}

impl From<quick_xml::Error> for ParseError {
    fn from(e: quick_xml::Error) -> Self {
        ParseError::Xml(e)
    }
}

#[derive(Default)]
struct Cell {
    lines: Vec<String>,
    colspan: usize,
    /// `w:vMerge` without `restart`: the cell continues the one above.
    covered: bool,
}

/// One table's rows; cells are slots of a row, or (for a continuation) a covered span.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<Cell>,
}

/// Builds the rendering and the blocks as the XML streams by.
#[derive(Default)]
struct Doc {
    source: String,
    blocks: Vec<Block>,
    table: Option<Table>,
    /// Tables inside a cell of `table`, still open.
    nested: usize,
    para: Option<String>,
    in_text: bool,
    /// Inside `mc:Fallback` (a duplicate of the preferred content).
    fallback: usize,
}

fn parse(xml: &str) -> Result<RawDocument, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut doc = Doc::default();
    let mut depth = 0usize;
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                depth += 1;
                if depth > REPORT_DOCX_DEPTH {
                    return Err(ParseError::Depth);
                }
                doc.start(&e, false);
            }
            Event::Empty(e) => doc.start(&e, true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                doc.end(e.local_name().as_ref())?;
            }
            Event::Text(t) if doc.in_text && doc.fallback == 0 => {
                let text = t.unescape().map_err(ParseError::Xml)?;
                doc.para.get_or_insert_with(String::new).push_str(&text);
            }
            Event::CData(t) if doc.in_text && doc.fallback == 0 => {
                doc.para.get_or_insert_with(String::new).push_str(&String::from_utf8_lossy(&t));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(RawDocument { source: doc.source, blocks: doc.blocks, diagnostics: Vec::new(), span_text: SpanText::Rendering, file_map: None })
}

fn val(e: &BytesStart) -> Option<String> {
    let attr = e.try_get_attribute("w:val").ok().flatten()?;
    attr.unescape_value().ok().map(|v| v.into_owned())
}

impl Doc {
    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        if name == b"Fallback" {
            self.fallback += usize::from(!empty);
        }
        if self.fallback > 0 {
            return;
        }
        let top = self.nested == 0;
        match name {
            b"p" if !empty => self.para = Some(self.para.take().map(|p| p + "\n").unwrap_or_default()),
            b"t" => self.in_text = !empty,
            b"tab" => self.push_text(" "),
            b"br" | b"cr" => self.push_text("\n"),
            b"tbl" if !empty => {
                if self.table.as_ref().is_some_and(|t| t.cell.is_some()) {
                    self.nested += 1;
                } else {
                    self.table = Some(Table::default());
                }
            }
            b"tr" if top && !empty => {
                if let Some(t) = self.table.as_mut() {
                    t.row = Some(Vec::new());
                }
            }
            b"gridBefore" if top => {
                let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(0usize);
                if let Some(row) = self.table.as_mut().and_then(|t| t.row.as_mut()) {
                    row.push(Cell { covered: true, colspan: n, ..Cell::default() });
                }
            }
            b"tc" if top && !empty => {
                if let Some(t) = self.table.as_mut() {
                    t.cell = Some(Cell { colspan: 1, ..Cell::default() });
                }
            }
            b"gridSpan" if top => {
                if let Some(c) = self.cell_mut() {
                    c.colspan = val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
                }
            }
            b"vMerge" if top => {
                let restart = val(e).is_some_and(|v| v == "restart");
                if let Some(c) = self.cell_mut() {
                    c.covered = !restart;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) -> Result<(), ParseError> {
        if name == b"Fallback" {
            self.fallback = self.fallback.saturating_sub(1);
            return Ok(());
        }
        if self.fallback > 0 {
            return Ok(());
        }
        match name {
            b"t" => self.in_text = false,
            b"p" => self.end_paragraph(),
            b"tbl" if self.nested > 0 => self.nested -= 1,
            b"tbl" => {
                if let Some(mut t) = self.table.take() {
                    end_row(&mut t);
                    self.render_table(t.rows).map_err(ParseError::Grid)?;
                }
            }
            b"tc" if self.nested == 0 => {
                if let Some(t) = self.table.as_mut() {
                    if let Some(c) = t.cell.take() {
                        t.row.get_or_insert_with(Vec::new).push(c);
                    }
                }
            }
            b"tr" if self.nested == 0 => {
                if let Some(t) = self.table.as_mut() {
                    end_row(t);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn cell_mut(&mut self) -> Option<&mut Cell> {
        self.table.as_mut()?.cell.as_mut()
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.para.as_mut() {
            p.push_str(s);
        }
    }

    /// A finished paragraph goes to the open cell, or becomes lines of the rendering.
    fn end_paragraph(&mut self) {
        let Some(text) = self.para.take() else { return };
        if let Some(cell) = self.cell_mut() {
            cell.lines.extend(text.split('\n').map(str::to_string));
            return;
        }
        for line in text.split('\n') {
            let line = line.trim_matches(is_space);
            if !line.is_empty() {
                let span = Span::new(self.source.len(), line.len());
                self.source.push_str(line);
                self.source.push('\n');
                self.blocks.push(Block::Text(Frag::new(line, span)));
            }
        }
    }

    /// Each row a line `a | b | c`; continuation cells print empty and stay covered slots.
    fn render_table(&mut self, rows: Vec<Vec<Cell>>) -> Result<(), grid::TooManyCells> {
        let mut slots = Vec::with_capacity(rows.len());
        for row in rows {
            let mut line_slots = Vec::with_capacity(row.len());
            for (i, cell) in row.into_iter().enumerate() {
                if i > 0 {
                    self.source.push_str(CELL_SEP);
                }
                let colspan = cell.colspan.max(1);
                if cell.covered {
                    line_slots.push(Slot::Covered { colspan });
                    continue;
                }
                let text = grid::join_lines(cell.lines.iter().map(String::as_str));
                let frag = Frag::new(text.as_str(), Span::new(self.source.len(), text.len()));
                self.source.push_str(&text);
                line_slots.push(Slot::Cell { frag, colspan, rowspan: 1 });
            }
            self.source.push('\n');
            slots.push(line_slots);
        }
        self.blocks.extend(grid::rows(slots)?.into_iter().map(Block::Row));
        Ok(())
    }
}

fn end_row(t: &mut Table) {
    if let Some(c) = t.cell.take() {
        t.row.get_or_insert_with(Vec::new).push(c);
    }
    if let Some(row) = t.row.take() {
        t.rows.push(row);
    }
}
