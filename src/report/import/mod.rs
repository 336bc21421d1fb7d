//! Importers: one file per source form. Each turns bytes into a [`RawDocument`] — the text
//! a person will be shown (the file itself, or a rendering for PDF/DOCX) plus a stream of
//! paragraphs and table rows with spans into that text. [`crate::report::assemble`] then
//! matches rows to a template; importers know forms, not templates.

pub mod docx;
pub mod grid;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod pipe;
pub mod rendering;
pub mod text;

use super::model::{ImportDiagnostic, Span, SpanText};
use compact_str::CompactString;
use std::fmt;

/// A piece of source text and where it is. The text is stored inline when short (most
/// cells and many labels: 24 bytes), so a report's hundreds of fragments cost no allocation.
#[derive(Clone, Debug, PartialEq)]
pub struct Frag {
    pub text: CompactString,
    pub span: Span,
}

impl Frag {
    pub fn new(text: impl Into<CompactString>, span: Span) -> Self {
        Frag { text: text.into(), span }
    }
}

/// One table row as found: its label cells (group label first, when printed) and its value
/// cells in source order. A blank value cell is a `Frag` with empty text. Importers emit a
/// blank for every empty grid position they can see, so values keep their column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRow {
    /// The label cells, then the value cells: one vector, one allocation a row.
    frags: Vec<Frag>,
    labels: usize,
}

impl RawRow {
    /// A row of these labels and values.
    pub fn new(mut labels: Vec<Frag>, values: Vec<Frag>) -> Self {
        let count = labels.len();
        labels.extend(values);
        RawRow { frags: labels, labels: count }
    }

    /// A row of `frags`, the first `labels` of them its labels.
    pub fn from_frags(frags: Vec<Frag>, labels: usize) -> Self {
        RawRow { labels: labels.min(frags.len()), frags }
    }

    /// The label cells (group label first, when printed).
    pub fn labels(&self) -> &[Frag] {
        &self.frags[..self.labels]
    }

    /// The value cells in source order.
    pub fn values(&self) -> &[Frag] {
        &self.frags[self.labels..]
    }

    /// Every cell, labels first, to move their spans (see [`rendering`]).
    pub fn frags_mut(&mut self) -> &mut [Frag] {
        &mut self.frags
    }
}

/// A paragraph or line of prose, or a table row.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Text(Frag),
    Row(RawRow),
    /// A lone number amid a table but in no cell (a converter left it out of its cell, or
    /// a page number): never read into a cell; the assembler says where it is.
    Stray(Frag),
}

/// What an importer hands to the assembler.
#[derive(Clone, Debug, Default)]
pub struct RawDocument {
    /// The text every span points into.
    pub source: String,
    pub blocks: Vec<Block>,
    /// Doubts the importer itself raised (page furniture, glued runs, …).
    pub diagnostics: Vec<ImportDiagnostic>,
    /// What `source` is: the file, its decoding or a rendering.
    pub span_text: SpanText,
    /// For a rendering of a file's markup: where each fragment is in the file.
    pub file_map: Option<std::sync::Arc<super::model::FileMap>>,
}

/// The source forms `gouji` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Pipe-per-cell text: every HTML cell as `text |` on its own line.
    Pipe,
    Html,
    Docx,
    Pdf,
    Markdown,
    /// Plain text without table markup.
    Text,
}

impl Form {
    /// Every form, in the order `--form` lists them.
    pub const ALL: [Form; 6] = [Form::Pipe, Form::Html, Form::Docx, Form::Pdf, Form::Markdown, Form::Text];

    /// The form of a name (`pipe`, `html` …).
    pub fn from_name(name: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The form's name, as `--form` and JSON write it.
    pub fn name(self) -> &'static str {
        match self {
            Form::Pipe => "pipe",
            Form::Html => "html",
            Form::Docx => "docx",
            Form::Pdf => "pdf",
            Form::Markdown => "markdown",
            Form::Text => "text",
        }
    }
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ImportError {
    /// The file is empty or whitespace only.
    #[error("{path}: 文件为空")]
    #[diagnostic(code(gouji::import::empty))]
    Empty { path: String },
    /// Bytes that are neither text in a known encoding nor a supported document.
    #[error("{path}: 不是文本文件，也不是支持的文档格式（PDF、DOCX、HTML、文本）")]
    #[diagnostic(code(gouji::import::binary), help("gouji 读取管道分隔文本、HTML、Markdown、DOCX 和带文字层的 PDF"))]
    Binary { path: String },
    /// Readable, but nothing of an annual report in it.
    #[error("{path}: 未找到年度报告的章节或表格")]
    #[diagnostic(code(gouji::import::not_a_report), help("文件中既没有“二、主动公开政府信息情况”等章节标题，也没有可识别的表格行"))]
    NotAReport { path: String },
    /// A PDF with no extractable text layer (scanned, or fonts without ToUnicode).
    #[error("{path}: PDF 没有可提取的文字层（{why}）")]
    #[diagnostic(code(gouji::import::no_text), help("扫描件或字体缺少 ToUnicode 映射的 PDF 无法读取；请使用网页版或 Word 版报告"))]
    NoText { path: String, why: String },
    /// The document container itself is broken (bad zip, bad PDF structure, …).
    #[error("{path}: 无法读取 {form} 文件：{why}")]
    #[diagnostic(code(gouji::import::corrupt))]
    Corrupt { path: String, form: Form, why: String },
    /// A budget against hostile files exceeded ([`crate::limits`], report section).
    #[error("{path}: {form} 文件的{what}超过 {limit} 的上限，不像年度报告")]
    #[diagnostic(code(gouji::import::limit), help("这是防止恶意或损坏的文件耗尽时间和内存的上限，真实的年度报告远低于此"))]
    Limit { path: String, form: Form, what: &'static str, limit: u64 },
    /// A bug: the importer panicked on this file. The batch goes on with the next report.
    #[error("{path}: 内部错误，导入时程序异常终止（{why}）")]
    #[diagnostic(code(gouji::import::internal), help("这是 gouji 的缺陷，请附上该文件报告问题"))]
    Internal { path: String, why: String },
    /// The file could not be read from disk.
    #[error("{path}: 无法读取文件：{why}")]
    #[diagnostic(code(gouji::import::io))]
    Io { path: String, why: String },
}

impl ImportError {
    /// The file it is about.
    pub fn path(&self) -> &str {
        match self {
            ImportError::Empty { path }
            | ImportError::Binary { path }
            | ImportError::NotAReport { path }
            | ImportError::NoText { path, .. }
            | ImportError::Corrupt { path, .. }
            | ImportError::Limit { path, .. }
            | ImportError::Internal { path, .. }
            | ImportError::Io { path, .. } => path,
        }
    }

    /// Why, without the path (for a list that names the file beside it):
    /// `文件为空（help）`.
    pub fn reason(&self) -> String {
        let line = self.one_line();
        let line = line.strip_prefix("错误：").unwrap_or(&line);
        line.strip_prefix(self.path()).and_then(|r| r.strip_prefix(": ")).unwrap_or(line).to_string()
    }

    /// One line for people: `错误：报告.txt: 文件为空（help）`.
    pub fn one_line(&self) -> String {
        use miette::Diagnostic;
        match self.help() {
            Some(h) => format!("错误：{self}（{h}）"),
            None => format!("错误：{self}"),
        }
    }
}

/// Detect the form from the content (magic bytes, then markup).
pub fn detect(bytes: &[u8], text: Option<&str>) -> Form {
    if bytes.starts_with(b"%PDF") {
        return Form::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Form::Docx;
    }
    let Some(text) = text else { return Form::Text };
    let head = &text[..floor_char_boundary(text, 65536)];
    if has_tag(head) {
        return Form::Html;
    }
    // A markdown table needs a `|---|` line; without `---` anywhere the scan can stop as
    // soon as enough `text |` lines are seen.
    let maybe_markdown = has_dashes(head);
    let mut piped = 0;
    // Pieces between newlines, trimmed as `str::lines` and `str::trim` would leave them (an
    // empty last piece counts for nothing).
    for l in text::split_lines(head).map(str::trim) {
        if maybe_markdown && l.starts_with('|') && l.ends_with('|') && l.contains("---") {
            return Form::Markdown;
        }
        piped += usize::from(l.ends_with(" |") || l == "|");
        if piped >= 10 && !maybe_markdown {
            return Form::Pipe;
        }
    }
    if piped >= 10 {
        Form::Pipe
    } else {
        Form::Text
    }
}

/// Whether `---` occurs (a vectorised substring search).
fn has_dashes(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"---").is_some()
}

/// `<td`, `<table` or `<html` in any case, without lowering the whole text.
fn has_tag(text: &str) -> bool {
    // A vectorised scan for `<`, then a look at what follows each.
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b)
        .map(|i| &b[i + 1..])
        .any(|tail| ["td", "table", "html"].iter().any(|t| tail.len() >= t.len() && tail[..t.len()].eq_ignore_ascii_case(t.as_bytes())))
}

/// The largest char boundary ≤ `at`.
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The UTF-8 byte order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// UTF-8 text as it is, a BOM shown as three spaces: every importer trims spaces, and
/// spans stay byte offsets into the file as read (stripping the BOM put them 3 bytes early).
fn utf8_text(bytes: &[u8]) -> Option<(String, SpanText)> {
    let (bom, rest) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => ("   ", rest),
        None => ("", bytes),
    };
    let text = simdutf8::basic::from_utf8(rest).ok().filter(|s| memchr::memchr(0, s.as_bytes()).is_none())?;
    let mut out = String::with_capacity(bom.len() + text.len());
    out.push_str(bom);
    out.push_str(text);
    Some((out, SpanText::File))
}

/// Decode text bytes: UTF-8 (a BOM kept as spaces), else GB18030 (a superset of
/// GBK/GB2312) when that decodes cleanly. `None` for bytes that are neither (binary).
pub fn decode_text(bytes: &[u8]) -> Option<(String, SpanText)> {
    if let Some(s) = utf8_text(bytes) {
        return Some(s);
    }
    let (bom, bytes) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM.len(), rest),
        None => (0, bytes),
    };
    if bytes.contains(&0) {
        return None;
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.into_owned(), SpanText::Decoded { encoding: encoding_rs::GB18030.name(), bom }))
}

/// The form of a text report and its first `lines` lines (the whole text when shorter), as
/// [`read`] would decode and detect it; `None` for a binary form, HTML or an empty file.
pub fn text_head(bytes: &[u8], form: Option<Form>, lines: usize) -> Option<(Form, String)> {
    if matches!(form, Some(Form::Pdf | Form::Docx | Form::Html)) || bytes.starts_with(b"%PDF") || bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let (text, _) = match form {
        None => utf8_text(bytes)?,
        _ => decode_text(bytes)?,
    };
    let form = form.unwrap_or_else(|| detect(bytes, Some(&text)));
    if !matches!(form, Form::Pipe | Form::Text) {
        return None;
    }
    let end = memchr::memchr_iter(b'\n', text.as_bytes()).nth(lines.saturating_sub(1)).map_or(text.len(), |i| i + 1);
    let mut text = text;
    text.truncate(end);
    Some((form, text))
}

/// Read a document of a given (or detected) form into a raw document.
pub fn read(path: &str, bytes: &[u8], form: Option<Form>) -> Result<(Form, RawDocument), ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { path: path.into() });
    }
    let binary_form = form.filter(|f| matches!(f, Form::Pdf | Form::Docx));
    let detected = binary_form.unwrap_or_else(|| detect(bytes, None));
    let doc = match detected {
        Form::Pdf => pdf::read(path, bytes)?,
        Form::Docx => docx::read(path, bytes)?,
        _ => {
            // Valid UTF-8 is taken as it is; otherwise an HTML page's declared charset, then
            // GB18030 sniffing.
            let text = match form {
                Some(Form::Html) | None => utf8_text(bytes).or_else(|| html::decode(bytes)),
                _ => decode_text(bytes),
            }
            .ok_or_else(|| ImportError::Binary { path: path.into() })?;
            let (text, span_text) = text;
            let form = form.unwrap_or_else(|| detect(bytes, Some(&text)));
            let mut doc = match form {
                Form::Html => html::read(path, text)?,
                Form::Markdown => markdown::read(path, text)?,
                Form::Pipe => pipe::read(text),
                _ => text::read(text),
            };
            doc.span_text = span_text;
            if form == Form::Html {
                // Raw HTML lines are no text to show a person: cells point into a rendering.
                rendering::render(&mut doc);
            }
            return Ok((form, doc));
        }
    };
    Ok((detected, doc))
}

/// A page number as converters keep it: `— 3 —`, `-3-`, `第3页`, `第 4 页 共 6 页`, `4/6`.
pub fn is_page_footer(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !crate::report::value::is_space(*c)).collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let dashes = ['-', '—', '–', '－', '‒', '―'];
    let inner = t.trim_start_matches(dashes).trim_end_matches(dashes);
    if inner.len() < t.len() && t.starts_with(dashes) && t.ends_with(dashes) && digits(inner) {
        return true;
    }
    let page = |s: &str| s.strip_prefix('第').and_then(|s| s.strip_suffix('页')).is_some_and(digits);
    let of = |s: &str| s.strip_prefix('共').and_then(|s| s.strip_suffix('页')).is_some_and(digits);
    if page(&t) {
        return true;
    }
    if let Some(at) = t.find('共').filter(|&i| i > 0) {
        let (a, b) = t.split_at(at);
        if page(a.trim_end_matches([',', '，', '/'])) && of(b) {
            return true;
        }
    }
    matches!(t.split_once('/'), Some((a, b)) if digits(a) && digits(b))
}
