//! The canonical report: metadata, six sections, and the tables `t2`, `t3`, `t4`
//! addressed by the canonical row/column keys of the template. Every cell keeps its
//! raw source text and span; the normalised value is derived alongside, never instead.

use super::slots::{Keys, Slots};
use crate::template::TableDef;
use compact_str::CompactString;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A byte range in a report's display text (`Report::source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    /// A span of `len` bytes at `offset`.
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }
    /// The offset just past the span.
    pub fn end(&self) -> usize {
        self.offset + self.len
    }
    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        let start = self.offset.min(other.offset);
        let end = self.end().max(other.end());
        Span::new(start, end - start)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.offset, s.len).into()
    }
}

/// What a cell holds. Blank, an explicit 0 and a placeholder such as "/" stay distinct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// A number (possibly with a unit or a trailing annotation).
    Number,
    /// Nothing printed (empty, whitespace, `&nbsp;`, U+3000).
    Blank,
    /// A placeholder meaning "none / not applicable": `/` `-` `—` `无` …
    Marker,
    /// Any other text where a number belongs.
    Text,
}

/// One table cell as read from the source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// The source text of the cell, trimmed, exactly as printed (stored inline when short).
    pub raw: CompactString,
    /// Number, blank, placeholder or text: blank, 0 and "/" stay distinct.
    pub state: CellState,
    /// The number, when `state` is `Number`; exact decimal, never rounded.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub value: Option<Decimal>,
    /// A unit printed in the cell (`万元`, `元`, `件`).
    pub unit: Option<String>,
    /// Text after the number that is not a unit (`（其中修订 3 件）`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where `raw` sits in the display text. For a blank cell, a zero-length span at its place.
    pub span: Span,
    /// `false` when the text under `span` is not `raw` letter for letter (a number split over
    /// markup or written with character entities): the span shows where, not what. Only
    /// `false` is written in JSON.
    #[serde(skip_serializing_if = "is_true")]
    pub span_exact: bool,
    /// How the cell was decided, when the source glued it to its neighbours (one record
    /// shared by the cells of a run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Arc<Decoding>>,
    /// Where the cell's row was placed by the template's row order, when the source printed
    /// it without a label (one record shared by the rows placed together).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placed: Option<Arc<Placement>>,
}

/// How label-less rows were placed: where they were printed, the labelled rows around them,
/// and the identities that held once they were placed (and so chose to keep them).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    /// The rows as printed.
    pub span: Span,
    /// The printed label of the labelled row before them.
    pub after: Option<String>,
    /// The printed label of the labelled row after them.
    pub before: Option<String>,
    /// The identities that held over their cells.
    pub by: Vec<UsedIdentity>,
}

/// How the cells of a glued digit run were split: the run, how many readings its form
/// allows, and the identities that chose one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decoding {
    /// The run as printed (`230 000023`).
    pub run: String,
    /// Where the run is.
    pub span: Span,
    /// How many cells it was split into.
    pub cells: usize,
    /// Readings the run has by cell count, signs, decimal points and no leading zeros alone.
    pub readings: usize,
    /// The identities that left one of them (none: the form alone did), each once.
    pub by: Vec<UsedIdentity>,
}

/// An identity used to decode (see [`crate::template::IdentityDef`]), and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UsedIdentity {
    /// `I2`.
    pub id: String,
    /// What it says.
    pub name: String,
    /// The row or column it was applied in (its printed label).
    pub at: String,
    /// What it was used for (`拆分连写数字`, `确定无标签行的位置`).
    pub purpose: &'static str,
}

impl UsedIdentity {
    /// `I1（名称：自然人列、总计列）、I2（…）`: each identity once, with every place it was
    /// used, in the order first used.
    pub fn grouped(used: &[UsedIdentity]) -> String {
        let mut ids: Vec<&UsedIdentity> = Vec::new();
        for u in used {
            if !ids.iter().any(|i| i.id == u.id) {
                ids.push(u);
            }
        }
        let group = |i: &UsedIdentity| {
            let at: Vec<&str> = used.iter().filter(|u| u.id == i.id).map(|u| u.at.as_str()).collect();
            format!("{}（{}：{}）", i.id, i.name, at.join("、"))
        };
        ids.into_iter().map(group).collect::<Vec<_>>().join("、")
    }

    /// What they were used for, each once: `拆分连写数字、确定无标签行的位置`.
    pub fn purposes(used: &[UsedIdentity]) -> String {
        let mut purposes: Vec<&str> = Vec::new();
        for u in used {
            if !purposes.contains(&u.purpose) {
                purposes.push(u.purpose);
            }
        }
        purposes.join("、")
    }
}

/// An identity instance consumed to decode a table's cells: a check of the same cells rests
/// on it and is not independent evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consumed {
    /// The table key.
    pub table: String,
    /// The identity used.
    pub identity: UsedIdentity,
    /// The cells of the equation, as (row key, column key).
    pub cells: Vec<(String, String)>,
}

/// Cells an importer could not read with certainty (a glued run with several readings or
/// none): left unread, and a rule needing one says why — an extraction doubt, not a gap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Doubted {
    /// The table key.
    pub table: String,
    /// The import diagnostic that says why (`import.glued_ambiguous`).
    pub code: &'static str,
    /// The cells, as (row key, column key).
    pub cells: Vec<(String, String)>,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// Which text a report's spans are byte offsets into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SpanText {
    /// The file's own bytes (UTF-8; a byte order mark counts as the three bytes it is).
    #[default]
    File,
    /// The file decoded from `encoding` into UTF-8; [`Report::file_offset`] maps back.
    Decoded {
        /// The encoding the file was decoded from (`GB18030`, `UTF-16LE`, …).
        encoding: &'static str,
        /// Bytes of a byte order mark before the text, in the file.
        bom: usize,
    },
    /// A text rendering of the document (PDF text layer, DOCX paragraphs and tables).
    Rendering,
}

/// One fragment of a rendering and where it is in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapEntry {
    /// Where the fragment is in the rendering.
    pub render: Span,
    /// Where it is in the file (bytes of the file once [`FileMap::new`] has mapped them).
    pub file: Span,
    /// The file holds the fragment's text letter for letter, so offsets inside it map.
    pub exact: bool,
}

/// Where a rendering's fragments are in the file it was made from (HTML): every span into
/// the rendering maps back to a byte range of the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileMap {
    /// In rendering order (the order the rendering was written in).
    entries: Vec<MapEntry>,
}

impl FileMap {
    /// The map of `entries`, whose file spans are offsets into `text`, the file as
    /// `span_text` says it was read: the file itself, or its decoding (then mapped to the
    /// file's bytes here, once, by encoding the text between consecutive offsets again).
    pub fn new(mut entries: Vec<MapEntry>, text: &str, span_text: SpanText) -> FileMap {
        if let SpanText::Decoded { encoding, bom } = span_text {
            let mut points: Vec<usize> = entries.iter().flat_map(|e| [e.file.offset, e.file.end()]).collect();
            points.sort_unstable();
            points.dedup();
            let Some(enc) = encoding_rs::Encoding::for_label(encoding.as_bytes()) else { return FileMap::default() };
            let utf16 = enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE;
            let mut bytes = Vec::with_capacity(points.len());
            let (mut at, mut total) = (0usize, bom);
            for &p in &points {
                // Offsets off the text's characters: no file offsets rather than wrong ones.
                let Some(piece) = text.get(at..p) else { return FileMap::default() };
                total += if utf16 { 2 * piece.encode_utf16().count() } else { enc.output_encoding().encode(piece).0.len() };
                bytes.push(total);
                at = p;
            }
            let to_file = |o: usize| points.binary_search(&o).ok().map(|i| bytes[i]);
            for e in &mut entries {
                let (Some(a), Some(b)) = (to_file(e.file.offset), to_file(e.file.end())) else { return FileMap::default() };
                e.exact &= b - a == e.file.len;
                e.file = Span::new(a, b - a);
            }
        }
        FileMap { entries }
    }

    /// The file byte range `(start, end)` of a span into the rendering: from the fragment
    /// the span starts in (or the next one) to the fragment it ends in (or the one before).
    /// Inside a fragment the file holds letter for letter, offsets map exactly; inside any
    /// other, the range is the whole fragment's. `None` without fragments.
    pub fn file_range(&self, span: Span) -> Option<(usize, usize)> {
        let (start, end) = (span.offset, span.end());
        // First entry not wholly before the start (a zero-length entry at the start counts).
        let i = self.entries.partition_point(|e| e.render.end() < start || (e.render.end() == start && e.render.len > 0));
        let first = self.entries.get(i)?;
        let a = if first.render.offset <= start {
            if first.exact {
                first.file.offset + (start - first.render.offset)
            } else {
                first.file.offset
            }
        } else {
            first.file.offset
        };
        if span.len == 0 && first.render.offset >= start {
            return Some((a, a));
        }
        // Last entry starting before the end.
        let j = self.entries.partition_point(|e| e.render.offset < end);
        let Some(last) = j.checked_sub(1).and_then(|j| self.entries.get(j)) else { return Some((a, a)) };
        let b = if last.render.end() >= end && last.exact { last.file.offset + (end - last.render.offset) } else { last.file.end() };
        Some((a, b.max(a)))
    }

    /// Whether the file holds the text under `span` (inside one fragment) letter for letter.
    pub fn exact(&self, span: Span) -> bool {
        let i = self.entries.partition_point(|e| e.render.end() < span.offset || (e.render.end() == span.offset && e.render.len > 0));
        self.entries.get(i).is_some_and(|e| e.exact && e.render.offset <= span.offset && span.end() <= e.render.end())
    }

    /// The rendering span of a span into the file as it was read before rendering (an
    /// importer's diagnostic): the fragment holding it, else the next one.
    pub fn to_rendering(&self, file: Span) -> Option<Span> {
        let hit =
            self.entries.iter().find(|e| e.file == file).or_else(|| self.entries.iter().find(|e| e.file.offset <= file.offset && file.end() <= e.file.end()));
        let hit = hit.or_else(|| self.entries.iter().filter(|e| e.file.offset >= file.offset).min_by_key(|e| e.file.offset))?;
        Some(hit.render)
    }
}

/// A table in the layout of its template: row key → column key → cell.
/// A row or column missing from the source is absent, never invented.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Table {
    /// The template id whose layout this table follows ("2019", "2021").
    pub template: String,
    /// Row key → row, one slot per row of the template; a row not found in the source is
    /// absent.
    pub rows: Slots<Row>,
    /// The template the table was read with (its layout: labels, order, domains).
    #[serde(skip)]
    pub layout: Option<std::sync::Arc<crate::template::Template>>,
}

/// One row of a table: its printed label as found and its cells.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    /// The label text as printed (joined fragments), for diagnostics.
    pub label: String,
    /// Where the label is printed (none for 表四, which has no label column).
    pub label_span: Option<Span>,
    /// Column key → cell, one slot per column of the row's part; a cell not found is absent.
    pub cells: Slots<Cell>,
}

impl Row {
    /// A row found in the source, its cells (laid out by `cols`) not yet placed.
    pub fn new(label: String, label_span: Option<Span>, cols: Arc<Keys>) -> Row {
        Row { label, label_span, cells: Slots::new(cols) }
    }
}

impl Table {
    /// A table with no row found yet, in the layout of `def` of template `template`.
    pub fn new(template: &str, def: &TableDef) -> Table {
        Table { template: template.to_string(), rows: Slots::new(def.row_keys().clone()), layout: None }
    }

    /// An empty row of this table's layout for the row `key` of `def` (its part's columns),
    /// placed in the table; `None` when `def` has no such row.
    pub fn add_row(&mut self, def: &TableDef, key: &str, label: String, label_span: Option<Span>) -> Option<&mut Row> {
        let at = def.row_keys().position(key)?;
        let cols = def.col_keys_of(def.part_of(at)?)?.clone();
        self.rows.put(at, Row::new(label, label_span, cols));
        self.rows.get_mut(key)
    }

    /// A cell by row and column key.
    pub fn cell(&self, row: &str, col: &str) -> Option<&Cell> {
        self.rows.get(row)?.cells.get(col)
    }
}

/// One of the six sections.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// 1..=6
    pub number: u8,
    /// The heading as printed.
    pub title: String,
    /// The body text after the heading.
    pub text: String,
    /// The heading and body in the source.
    pub span: Span,
    /// Every number of the prose ([`crate::report::facts`]), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<super::facts::Fact>,
}

/// How sure the importer is about a finding of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The source could not be read as it should be.
    Error,
    /// A doubt about what the source says.
    Warning,
    /// A structural note (a table missing, a mixed template).
    Info,
}

/// An import diagnostic: an extraction doubt or a structural note, pointed at the source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportDiagnostic {
    /// Stable code, e.g. `import.unmatched_row`.
    pub code: &'static str,
    /// How sure the importer is.
    pub level: Level,
    /// What it found, in Chinese.
    pub message: String,
    /// Where, in the report text.
    pub span: Option<Span>,
}

/// A report in the canonical model.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The path or name the report was read from.
    pub path: String,
    /// Which importer read it (`pipe`, `html`, `pdf`, …).
    pub form: String,
    /// The issuing body, as printed.
    pub issuer: Option<String>,
    /// The report year (the year reported on).
    pub year: Option<u16>,
    /// The template of the report as a whole (t3's when known, else t2's, else by year).
    pub template: Option<String>,
    /// A publication date stated in the text, as printed (ISO form when it could be read).
    pub published: Option<String>,
    /// The title, as printed.
    pub title: Option<String>,
    /// The six sections found, in order.
    pub sections: Vec<Section>,
    /// `t2`, `t3`, `t4`; a table not found is absent.
    pub tables: BTreeMap<String, Table>,
    /// What the importer doubted or noted.
    pub diagnostics: Vec<ImportDiagnostic>,
    /// Identities used to decode glued digits (see [`Consumed`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consumed: Vec<Consumed>,
    /// Cells left unread for an extraction doubt (see [`Doubted`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub doubted: Vec<Doubted>,
    /// The text every span points into: the file itself, or a text rendering (PDF, DOCX).
    #[serde(skip)]
    pub source: Arc<str>,
    /// What `source` is, so spans can be read against the file.
    pub span_text: SpanText,
    /// For a rendering made from the file's markup (HTML): where its text is in the file.
    #[serde(skip)]
    pub file_map: Option<Arc<FileMap>>,
}

impl Report {
    /// A cell by table, row and column key.
    pub fn cell(&self, table: &str, row: &str, col: &str) -> Option<&Cell> {
        self.tables.get(table)?.cell(row, col)
    }
    /// Whether the importer left this cell unread for an extraction doubt.
    pub fn is_doubted(&self, table: &str, row: &str, col: &str) -> bool {
        self.doubted.iter().any(|d| d.table == table && d.cells.iter().any(|(r, c)| r == row && c == col))
    }
    /// The source text under a span.
    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.offset..span.end()).unwrap_or("")
    }

    /// The file byte range `(start, end)` of a span: for the file and its decoding the
    /// span's own ends (see [`Report::file_offset`]), for a rendering made from the file's
    /// markup the range its fragments come from; `None` for a rendering of a PDF or DOCX.
    pub fn file_range(&self, span: Span) -> Option<(usize, usize)> {
        match self.span_text {
            SpanText::Rendering => self.file_map.as_ref()?.file_range(span),
            _ => Some((self.file_offset(span.offset)?, self.file_offset(span.end())?)),
        }
    }

    /// The byte offset in the file of a byte offset into [`Report::source`], when the source
    /// is the file or its decoding (`None` for a rendering or an offset inside a character).
    /// A decoding is mapped back by encoding the text before the offset again: exact for a
    /// file that decoded without error, which is the only kind read.
    pub fn file_offset(&self, offset: usize) -> Option<usize> {
        let prefix = self.source.get(..offset)?;
        match self.span_text {
            SpanText::File => Some(offset),
            SpanText::Rendering => None,
            SpanText::Decoded { encoding, bom } => {
                let enc = encoding_rs::Encoding::for_label(encoding.as_bytes())?;
                let units = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    2 * prefix.encode_utf16().count()
                } else {
                    enc.output_encoding().encode(prefix).0.len()
                };
                Some(bom + units)
            }
        }
    }
}
