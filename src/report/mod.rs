//! The report stage: a source file becomes one canonical [`model::Report`].
//!
//! bytes → `import::read` (per form) → `RawDocument` → `assemble` (template matching)
//! → `Report` (cells with raw text, state, value, unit and span).

// The stages inside (importers per form, the assembler, metadata and value reading):
// public for their tests, not part of the API.
#[doc(hidden)]
pub mod assemble;
#[doc(hidden)]
pub mod import;
#[doc(hidden)]
pub mod meta;
pub mod model;
#[doc(hidden)]
pub mod value;

pub use import::pdf::panic_is_caught as pdf_panic_is_caught;
pub use import::{Form, ImportError};
pub use model::{Cell, CellState, Report, Span, Table};

use crate::template::TemplateSet;

/// Read a report from bytes with the embedded templates. `form` overrides detection.
pub fn read(path: &str, bytes: &[u8], form: Option<Form>) -> Result<Report, ImportError> {
    read_with(path, bytes, form, TemplateSet::builtin())
}

/// Read a report from bytes with the templates of `set` (a pack's tables included).
pub fn read_with(path: &str, bytes: &[u8], form: Option<Form>, set: &TemplateSet) -> Result<Report, ImportError> {
    let (form, doc) = import::read(path, bytes, form)?;
    assemble::assemble(path, form.name(), doc, set)
}

/// Read a report file from disk with the embedded templates.
pub fn read_file(path: &str, form: Option<Form>) -> Result<Report, ImportError> {
    read_file_with(path, form, TemplateSet::builtin())
}

/// Read a report file from disk with the templates of `set`.
pub fn read_file_with(path: &str, form: Option<Form>, set: &TemplateSet) -> Result<Report, ImportError> {
    let why = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
        _ => e.to_string(),
    };
    let bytes = std::fs::read(path).map_err(|e| ImportError::Io { path: path.into(), why: why(e) })?;
    read_with(path, &bytes, form, set)
}
