//! PDF text layer (DOMAIN.md 5.4). pdf-extract shows every glyph with its position
//! (`glyphs`); glyphs become lines and words and a text rendering, page by page
//! (`layout`); lines become paragraphs and table rows with their columns (`rows`).
//!
//! A PDF without a usable text layer — no glyphs, glyphs no font can map to Unicode, or
//! text without a single Chinese character (fonts without ToUnicode give mojibake) — is
//! [`ImportError::NoText`], never garbage. pdf-extract panics on odd input: every call
//! into it runs under `catch_unwind`, and a panic is a [`ImportError::Corrupt`].

mod glyphs;
mod layout;
mod placement;
mod prescan;
mod repair;
mod rows;
mod xobjects;

use super::{Form, ImportError, RawDocument};
use crate::report::model::{ImportDiagnostic, Level, SpanText};
use glyphs::Collector;
use pdf_extract::{Document, Object};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Stack of the thread a PDF is read on. pdf-extract recurses once per nested form
/// XObject (bounded by [`xobjects::MAX_DEPTH`] beforehand) and lopdf's parser once per
/// nested array or dictionary; a stack overflow aborts the process, so they get room to
/// spare (address space only: untouched pages cost nothing).
const STACK_BYTES: usize = 256 << 20;

pub fn read(path: &str, bytes: &[u8]) -> Result<RawDocument, ImportError> {
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new().name("gouji-pdf".into()).stack_size(STACK_BYTES).spawn_scoped(scope, || read_here(path, bytes));
        match reader {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had (out of memory or threads): read on this one.
            Err(_) => read_here(path, bytes),
        }
    })
}

fn read_here(path: &str, bytes: &[u8]) -> Result<RawDocument, ImportError> {
    prescan::check(bytes).map_err(|why| ImportError::Corrupt { path: path.into(), form: Form::Pdf, why })?;
    let (mut doc, rebuilt) = load(path, bytes)?;
    guarded(path, || xobjects::check(&doc).map_err(|r| r.why()))?;
    guarded(path, || {
        placement::place_forms(&mut doc);
        Ok(())
    })?;
    let mut over = None;
    let collected = guarded(path, || {
        let mut out = Collector::default();
        let result = pdf_extract::output_doc(&doc, &mut out);
        over = out.over;
        result.map(|_| out).map_err(|e| e.to_string())
    });
    if let Some((what, limit)) = over {
        return Err(ImportError::Limit { path: path.into(), form: Form::Pdf, what, limit });
    }
    let collected = collected?;
    check_text(path, &doc, &collected)?;
    let layout = layout::lay_out(&collected.pages, &collected.glyphs);
    let (blocks, mut diagnostics) = rows::blocks(&layout.source, &layout.lines);
    if rebuilt {
        let message = "文件的交叉引用表（xref）已损坏，已按文件中的对象重建；文件可能不完整（如下载被截断），读出的内容可能缺页".to_string();
        diagnostics.insert(0, ImportDiagnostic { code: "import.pdf_xref_rebuilt", level: Level::Warning, message, span: None });
    }
    Ok(RawDocument { source: layout.source, blocks, diagnostics, span_text: SpanText::Rendering, file_map: None })
}

thread_local! {
    /// Set while a pdf-extract call runs under `catch_unwind` on this thread.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a panic now is a pdf-extract panic that will be caught and reported as an
/// import error (a panic hook can stay quiet about it).
pub fn panic_is_caught() -> bool {
    GUARDED.with(|g| g.get())
}

/// `catch_unwind` with the thread marked as guarded.
pub(crate) fn caught<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    let before = GUARDED.with(|g| g.replace(true));
    let out = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(before));
    out
}

/// Run a pdf-extract/lopdf call, turning its errors and panics into `Corrupt`.
fn guarded<T>(path: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, ImportError> {
    let corrupt = |why: String| ImportError::Corrupt { path: path.into(), form: Form::Pdf, why };
    match caught(f) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(corrupt(e)),
        Err(panic) => {
            let msg = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
            Err(corrupt(format!("PDF 解析器异常终止（{}）", msg.unwrap_or_default())))
        }
    }
}

/// Parse the file; with a broken cross-reference table, parse it again with a rebuilt one
/// (`true`: the table was rebuilt, which the report must say).
fn load(path: &str, bytes: &[u8]) -> Result<(Document, bool), ImportError> {
    let err = match guarded(path, || Document::load_mem(bytes).map_err(|e| structure_error(&e.to_string()))) {
        Ok(doc) => return Ok((doc, false)),
        Err(err) => err,
    };
    let Some(fixed) = repair::rebuild_xref(bytes) else { return Err(err) };
    guarded(path, || Document::load_mem(&fixed).map_err(|e| structure_error(&e.to_string()))).map(|doc| (doc, true)).map_err(|_| err)
}

/// lopdf's reason a file does not load, in the user's words (its own are English).
fn structure_error(lopdf: &str) -> String {
    let what = [
        ("cross reference", "交叉引用表损坏"),
        ("xref", "交叉引用表损坏"),
        ("trailer", "文件尾损坏"),
        ("header", "文件头无效"),
        ("encrypt", "文件已加密"),
        ("password", "文件已加密"),
        ("decompress", "数据流无法解压"),
        ("end of input", "文件不完整（可能下载中断）"),
    ]
    .iter()
    .find(|(k, _)| lopdf.contains(k))
    .map_or("文件结构损坏", |(_, w)| w);
    format!("PDF {what}")
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// Refuse a document whose text layer is missing or undecodable.
fn check_text(path: &str, doc: &Document, c: &Collector) -> Result<(), ImportError> {
    let chars = c.glyphs.iter().flat_map(|g| g.text.chars()).filter(|ch| !crate::report::value::is_space(*ch));
    let (total, han) = chars.fold((0usize, 0usize), |(t, h), ch| (t + 1, h + usize::from(is_han(ch))));
    let why = if total == 0 && c.undecoded == 0 {
        "页面上没有可提取的文字".to_string()
    } else if total == 0 {
        format!("{} 个字形无法映射为文字", c.undecoded)
    } else if han == 0 {
        format!("提取出的 {total} 个字符中没有汉字")
    } else {
        return Ok(());
    };
    let bare = fonts_without_map(doc);
    let why = match (bare.is_empty(), total == 0 && c.undecoded == 0) {
        (false, _) => format!("{why}；字体 {} 没有 ToUnicode 映射", bare.join("、")),
        (true, true) => format!("{why}，可能是扫描件"),
        (true, false) => why,
    };
    Err(ImportError::NoText { path: path.into(), why })
}

/// Base names of page fonts that have no ToUnicode map.
fn fonts_without_map(doc: &Document) -> Vec<String> {
    let names = caught(|| {
        let mut names: Vec<String> = Vec::new();
        for id in doc.get_pages().values() {
            for font in doc.get_page_fonts(*id).unwrap_or_default().values() {
                if font.get(b"ToUnicode").is_ok() {
                    continue;
                }
                let name = match font.get(b"BaseFont") {
                    Ok(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
                    _ => "（未命名）".into(),
                };
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    });
    names.unwrap_or_default()
}
