//! HTML reports (DOMAIN.md 5.3): a published page, site chrome and all.
//!
//! In: the page text (decoded by [`decode`]: BOM, `<meta charset>`, then sniffing). Out:
//! paragraphs and headings as text blocks, data tables as rows. The page is parsed with
//! html5ever (via scraper); `rawpos` locates each text node in the original file, so
//! spans point into the HTML a person has. A data table is one without a table inside
//! it; a table holding tables is page layout and is read as flowing text. Rowspan and
//! colspan are resolved by `grid`: a merged cell is one cell on its first row only.

mod rawpos;

use super::grid::{self, Slot};
use super::{Block, Frag, ImportError, RawDocument};
use crate::limits::{REPORT_HTML_DEPTH, REPORT_HTML_NODES};
use crate::report::model::{CellState, ImportDiagnostic, Level, Span, SpanText};
use crate::report::value::{classify, is_space};
use ego_tree::iter::Edge;
use encoding_rs::Encoding;
use rawpos::RawText;
use scraper::{Html, Node};
use std::collections::HashSet;

/// Elements whose content is never report text.
const SKIP: &[&str] = &["script", "style", "noscript", "template", "xmp", "iframe", "noembed", "noframes", "plaintext", "object"];

/// Elements that end a paragraph (in a cell: that start a new line of the label).
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "caption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "form",
    "center",
    "address",
    "figure",
    "figcaption",
    "title",
    "hr",
    "body",
    "head",
    "html",
    "option",
    "fieldset",
    "legend",
    "details",
    "summary",
];

/// Decode HTML bytes: a BOM, else the `<meta>` charset, else UTF-8 when valid, else
/// GB18030 (a superset of GBK/GB2312). `None` when nothing decodes cleanly.
pub fn decode(bytes: &[u8]) -> Option<(String, SpanText)> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let text = enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
        return Some((text, SpanText::Decoded { encoding: enc.name(), bom }));
    }
    let Some(enc) = declared_charset(bytes) else { return super::decode_text(bytes) };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        // Mislabelled pages exist; a clean sniff beats a damaged decode.
        if let Some(sniffed) = super::decode_text(bytes) {
            return Some(sniffed);
        }
    }
    Some((text.into_owned(), SpanText::Decoded { encoding: enc.name(), bom: 0 }))
}

/// The charset a `<meta charset=…>` or `<meta http-equiv … content="…charset=…">` in the
/// first 4 KB declares. UTF-16 labels in a meta mean UTF-8 (as browsers read them).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    let mut at = 0;
    while let Some(p) = find(&head[at..], b"<meta") {
        let tag_start = at + p;
        let tag_end = find(&head[tag_start..], b">").map_or(head.len(), |e| tag_start + e);
        let tag = &head[tag_start..tag_end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.trim_ascii_start().strip_prefix(b"=").unwrap_or(&[]).trim_ascii_start();
            let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
            let len = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(b)).count();
            if let Some(enc) = Encoding::for_label(&rest[..len]) {
                let utf16 = enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE;
                return Some(if utf16 { encoding_rs::UTF_8 } else { enc });
            }
        }
        at = tag_end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Read a decoded HTML page.
pub fn read(path: &str, source: String) -> Result<RawDocument, ImportError> {
    let too_deep = || ImportError::Limit { path: path.into(), form: super::Form::Html, what: "标签嵌套层数", limit: REPORT_HTML_DEPTH as u64 };
    // The parser's scope checks walk its stack of open elements, so a page whose tags
    // suggest far more than the limit is refused before parsing (the scan over-counts
    // sloppy markup, hence the allowance); the tree itself is measured after.
    let raw = RawText::scan(&source, 2 * REPORT_HTML_DEPTH);
    if raw.too_deep() {
        return Err(too_deep());
    }
    let html = parse(&source).ok_or_else(|| ImportError::Limit {
        path: path.into(),
        form: super::Form::Html,
        what: "解析后的节点数",
        limit: REPORT_HTML_NODES as u64,
    })?;
    if tree_depth(&html) > REPORT_HTML_DEPTH {
        return Err(too_deep());
    }
    let layout = layout_tables(&html);
    let mut walker = Walker::new(raw, layout);
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => walker.open(node.id(), node.value()),
            Edge::Close(node) => walker.close(node.id(), node.value()),
        }
        if let Some(e) = walker.over_budget {
            return Err(e.error(path, super::Form::Html));
        }
    }
    let (blocks, diagnostics) = walker.finish();
    Ok(RawDocument { source, blocks, diagnostics, span_text: SpanText::File, file_map: None })
}

/// Parse the page in pieces, `None` once the tree passes [`REPORT_HTML_NODES`] (the tree
/// can grow far faster than the input, see there). The tokenizer is streaming, so the
/// pieces parse as the whole would.
fn parse(source: &str) -> Option<Html> {
    use html5ever::tendril::TendrilSink;
    const PIECE: usize = 4 << 10;
    let mut parser = html5ever::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), Default::default());
    let mut at = 0;
    while at < source.len() {
        let end = super::floor_char_boundary(source, at + PIECE); // > at: a char is at most 4 bytes
        parser.process(source[at..end].into());
        at = end;
        if parser.tokenizer.sink.sink.0.borrow().tree.values().len() > REPORT_HTML_NODES {
            return None;
        }
    }
    let html = parser.finish();
    (html.tree.values().len() <= REPORT_HTML_NODES).then_some(html)
}

/// The deepest element nesting of the parsed tree, walked without recursion.
fn tree_depth(html: &Html) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(n) if n.value().is_element() => {
                depth += 1;
                max = max.max(depth);
            }
            Edge::Close(n) if n.value().is_element() => depth -= 1,
            _ => {}
        }
    }
    max
}

/// Tables that contain another table: page layout, read as flowing text.
fn layout_tables(html: &Html) -> HashSet<ego_tree::NodeId> {
    let mut open: Vec<ego_tree::NodeId> = Vec::new();
    let mut layout = HashSet::new();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(n) if is_elem(n.value(), "table") => {
                if let Some(outer) = open.last() {
                    layout.insert(*outer);
                }
                open.push(n.id());
            }
            Edge::Close(n) if is_elem(n.value(), "table") => {
                open.pop();
            }
            _ => {}
        }
    }
    layout
}

fn is_elem(node: &Node, name: &str) -> bool {
    node.as_element().is_some_and(|e| e.name() == name)
}

/// Text gathered for one paragraph or cell: lines (split at block elements) of inline
/// text, plus where its located text starts and ends.
#[derive(Default)]
struct Pieces {
    lines: Vec<String>,
    start: Option<usize>,
    end: usize,
    /// Located non-space text nodes, and whether each read exactly as in the source.
    nodes: usize,
    exact: bool,
    unlocated: bool,
}

impl Pieces {
    fn push(&mut self, text: &str, loc: Option<rawpos::Located>) {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines.last_mut().expect("just ensured").push_str(text);
        match loc {
            Some(l) => {
                self.start.get_or_insert(l.start);
                self.end = l.end;
                self.exact = if self.nodes == 0 { l.exact } else { false };
                self.nodes += 1;
            }
            None if !text.chars().all(is_space) => self.unlocated = true,
            None => {}
        }
    }

    fn line_break(&mut self) {
        self.lines.push(String::new());
    }

    fn text(&self) -> String {
        grid::join_lines(self.lines.iter().map(String::as_str))
    }

    fn span(&self, fallback: usize) -> Span {
        match self.start {
            Some(s) => Span::new(s, self.end - s),
            None => Span::new(fallback, 0),
        }
    }
}

struct Cell {
    pieces: Pieces,
    colspan: usize,
    rowspan: usize,
    place: usize,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Slot>>,
    row: Option<Vec<Slot>>,
    cell: Option<Cell>,
}

/// Turns the tree's open/close events into blocks.
struct Walker<'s> {
    raw: RawText<'s>,
    layout: HashSet<ego_tree::NodeId>,
    skip: Option<ego_tree::NodeId>,
    table: Option<(ego_tree::NodeId, Table)>,
    para: Pieces,
    blocks: Vec<Block>,
    unlocated: Vec<Option<Span>>,
    inexact_numbers: Vec<Span>,
    /// A table past the grid budget: the import stops with an error.
    over_budget: Option<grid::TooManyCells>,
}

impl<'s> Walker<'s> {
    fn new(raw: RawText<'s>, layout: HashSet<ego_tree::NodeId>) -> Self {
        Walker {
            raw,
            layout,
            skip: None,
            table: None,
            para: Pieces::default(),
            blocks: Vec::new(),
            unlocated: Vec::new(),
            inexact_numbers: Vec::new(),
            over_budget: None,
        }
    }

    fn open(&mut self, id: ego_tree::NodeId, node: &Node) {
        if self.skip.is_some() {
            return;
        }
        match node {
            Node::Text(t) => self.text(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    self.skip = Some(id);
                } else if name == "table" && self.table.is_none() && !self.layout.contains(&id) {
                    self.flush_para();
                    self.table = Some((id, Table::default()));
                } else if let Some((_, table)) = self.table.as_mut() {
                    match name {
                        "tr" => {
                            Self::end_row(table, &mut self.unlocated, &mut self.inexact_numbers);
                            table.row = Some(Vec::new());
                        }
                        "td" | "th" => {
                            let colspan = span_attr(e.attr("colspan"), 1);
                            let rowspan = span_attr(e.attr("rowspan"), 1);
                            let place = self.raw.enter_cell();
                            table.cell = Some(Cell { pieces: Pieces::default(), colspan, rowspan, place });
                        }
                        _ if BLOCK.contains(&name) => match table.cell.as_mut() {
                            Some(cell) => cell.pieces.line_break(),
                            None => self.flush_para(),
                        },
                        _ => {}
                    }
                } else if BLOCK.contains(&name) {
                    self.flush_para();
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, id: ego_tree::NodeId, node: &Node) {
        if self.skip == Some(id) {
            self.skip = None;
            return;
        }
        let Node::Element(e) = node else { return };
        if self.skip.is_some() {
            return;
        }
        let name = e.name();
        match self.table.as_mut() {
            Some((tid, _)) if *tid == id => {
                let (_, mut table) = self.table.take().expect("matched above");
                Self::end_row(&mut table, &mut self.unlocated, &mut self.inexact_numbers);
                self.flush_para();
                match grid::rows(table.rows) {
                    Ok(rows) => self.blocks.extend(rows.into_iter().map(Block::Row)),
                    Err(e) => self.over_budget = Some(e),
                }
            }
            Some((_, table)) => match name {
                "td" | "th" => Self::end_cell(table, &mut self.unlocated, &mut self.inexact_numbers),
                "tr" => Self::end_row(table, &mut self.unlocated, &mut self.inexact_numbers),
                "caption" => self.flush_para(),
                _ if BLOCK.contains(&name) => {
                    if let Some(cell) = table.cell.as_mut() {
                        cell.pieces.line_break();
                    }
                }
                _ => {}
            },
            None if BLOCK.contains(&name) => self.flush_para(),
            None => {}
        }
    }

    fn text(&mut self, text: &str) {
        let loc = if text.chars().all(is_space) { None } else { self.raw.locate(text) };
        let in_table = self.table.is_some();
        let target = match self.table.as_mut().and_then(|(_, t)| t.cell.as_mut()) {
            Some(cell) => &mut cell.pieces,
            None if in_table && loc.is_none() => return, // whitespace between cells
            None => &mut self.para,
        };
        target.push(text, loc);
    }

    fn flush_para(&mut self) {
        let para = std::mem::take(&mut self.para);
        let text = para.text();
        if text.is_empty() {
            return;
        }
        let span = para.span(self.raw.cursor());
        if para.unlocated {
            self.unlocated.push(para.start.map(|_| span));
        }
        self.blocks.push(Block::Text(Frag::new(text, span)));
    }

    fn end_cell(table: &mut Table, unlocated: &mut Vec<Option<Span>>, inexact: &mut Vec<Span>) {
        let Some(cell) = table.cell.take() else { return };
        let text = cell.pieces.text();
        let span = cell.pieces.span(cell.place);
        if cell.pieces.unlocated {
            unlocated.push(cell.pieces.start.map(|_| span));
        }
        let is_number = classify(&text).0 == CellState::Number;
        if is_number && !(cell.pieces.nodes == 1 && cell.pieces.exact) {
            inexact.push(span);
        }
        let frag = Frag::new(text, span);
        table.row.get_or_insert_with(Vec::new).push(Slot::Cell { frag, colspan: cell.colspan, rowspan: cell.rowspan });
    }

    fn end_row(table: &mut Table, unlocated: &mut Vec<Option<Span>>, inexact: &mut Vec<Span>) {
        Self::end_cell(table, unlocated, inexact);
        if let Some(row) = table.row.take() {
            table.rows.push(row);
        }
    }

    fn finish(mut self) -> (Vec<Block>, Vec<ImportDiagnostic>) {
        self.flush_para();
        let mut diagnostics = Vec::new();
        if !self.unlocated.is_empty() {
            let msg = format!("有 {} 段文字未能在 HTML 源文件中定位，其位置指向附近", self.unlocated.len());
            let span = self.unlocated.iter().flatten().next().copied();
            diagnostics.push(ImportDiagnostic { code: "import.html_position", level: Level::Warning, message: msg, span });
        }
        if let Some(first) = self.inexact_numbers.first() {
            let msg = format!("有 {} 个数字单元格由多段标记拼成（或含字符实体），其位置覆盖整段源码，不是逐字相同", self.inexact_numbers.len());
            diagnostics.push(ImportDiagnostic { code: "import.html_split_number", level: Level::Info, message: msg, span: Some(*first) });
        }
        (self.blocks, diagnostics)
    }
}

/// A `colspan`/`rowspan` value: leading digits, else the default (0 stays 0 for rowspan).
fn span_attr(value: Option<&str>, default: usize) -> usize {
    let Some(v) = value else { return default };
    let digits: String = v.trim().chars().take_while(char::is_ascii_digit).take(6).collect();
    digits.parse().unwrap_or(default)
}
