//! The report stage: a source file becomes one canonical [`model::Report`].
//!
//! bytes → `import::read` (per form) → `RawDocument` → `assemble` (template matching)
//! → `Report` (cells with raw text, state, value, unit and span).

// The stages inside (importers per form, the assembler, metadata and value reading):
// public for their tests, not part of the API.
#[doc(hidden)]
pub mod assemble;
#[doc(hidden)]
pub mod decode;
pub mod facts;
#[doc(hidden)]
pub mod import;
#[doc(hidden)]
pub mod matches;
#[doc(hidden)]
pub mod meta;
pub mod model;
pub mod slots;
#[doc(hidden)]
pub mod value;

pub use import::pdf::panic_is_caught as pdf_panic_is_caught;
pub use import::{Form, ImportError};
pub use model::{Cell, CellState, Report, Row, Span, Table};
pub use slots::{Keys, Slots};

use crate::template::TemplateSet;

/// Read a report from bytes with the embedded templates. `form` overrides detection.
pub fn read(path: &str, bytes: &[u8], form: Option<Form>) -> Result<Report, ImportError> {
    read_with(path, bytes, form, TemplateSet::builtin())
}

/// Read a report from bytes with the templates of `set` (a pack's tables included).
/// A panic anywhere in the import is caught and becomes [`ImportError::Internal`], so
/// one bad file never takes a batch down.
pub fn read_with(path: &str, bytes: &[u8], form: Option<Form>, set: &TemplateSet) -> Result<Report, ImportError> {
    caught_as_internal(path, || {
        let (form, doc) = import::read(path, bytes, form)?;
        assemble::assemble(path, form.name(), doc, set)
    })
}

/// Lines of a text report read for its identity before the whole is (its title is in the
/// first dozen text lines; the rest of the head is margin so no block is cut).
const IDENTITY_LINES: usize = 64;

/// What the identity pass learnt of a report: its form, the issuer and year its text
/// states, and — when the whole document had to be imported for them (PDF, DOCX, HTML, a
/// text whose head does not hold the title) — the imported document, which
/// [`assemble_with`] turns into the report without importing it again.
#[derive(Debug)]
pub struct Identified {
    /// The form it was read in.
    pub form: Form,
    /// The issuer as stated.
    pub issuer: Option<String>,
    /// The report year as stated.
    pub year: Option<u16>,
    /// The whole document, when it was imported.
    pub doc: Option<import::RawDocument>,
}

/// The form of a report and the issuer and year its text states, without matching its
/// tables (what pairing the reports of a batch needs). Errors as [`read_with`].
pub fn identify(path: &str, bytes: &[u8], form: Option<Form>) -> Result<(Form, Option<String>, Option<u16>), ImportError> {
    identify_keeping(path, bytes, form).map(|i| (i.form, i.issuer, i.year))
}

/// [`identify`], keeping the document when it was imported whole.
pub fn identify_keeping(path: &str, bytes: &[u8], form: Option<Form>) -> Result<Identified, ImportError> {
    let run = || {
        // Plain and pipe text state the title in their first lines: those are read alone
        // when they hold it (the same blocks, so the same answer as the whole file).
        if let Some((f @ (Form::Pipe | Form::Text), head)) = import::text_head(bytes, form, IDENTITY_LINES) {
            let doc = match f {
                Form::Pipe => import::pipe::read(head),
                _ => import::text::read(head),
            };
            if let Some((issuer, year)) = meta::identity(&doc) {
                return Ok(Identified { form: f, issuer, year, doc: None });
            }
        }
        let (form, doc) = import::read(path, bytes, form)?;
        let m = meta::read(&doc);
        Ok(Identified { form, issuer: m.issuer, year: m.year, doc: Some(doc) })
    };
    caught_as_internal(path, run)
}

/// The report of a document imported already ([`Identified::doc`]), with the templates of
/// `set`: what [`read_with`] gives for the same bytes.
pub fn assemble_with(path: &str, form: Form, doc: import::RawDocument, set: &TemplateSet) -> Result<Report, ImportError> {
    caught_as_internal(path, || assemble::assemble(path, form.name(), doc, set))
}

/// Run an import step; a panic in it is [`ImportError::Internal`].
fn caught_as_internal<T>(path: &str, run: impl FnOnce() -> Result<T, ImportError>) -> Result<T, ImportError> {
    import::pdf::caught(run).unwrap_or_else(|panic| {
        let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        Err(ImportError::Internal { path: path.into(), why: why.unwrap_or_default() })
    })
}

/// Read a report file from disk with the embedded templates.
pub fn read_file(path: &str, form: Option<Form>) -> Result<Report, ImportError> {
    read_file_with(path, form, TemplateSet::builtin())
}

/// Read a report file from disk with the templates of `set`.
pub fn read_file_with(path: &str, form: Option<Form>, set: &TemplateSet) -> Result<Report, ImportError> {
    let limit = crate::limits::Limits::default().report_bytes;
    let bytes = crate::limits::read_bounded(std::path::Path::new(path), limit, None).map_err(|e| ImportError::Io { path: path.into(), why: e.to_string() })?;
    read_with(path, &bytes, form, set)
}
