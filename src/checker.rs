//! The small embedding API: load packs once, read and check many reports.
//!
//! ```no_run
//! let checker = gouji::Checker::official();
//! let report = checker.read_file("report.txt", None).unwrap();
//! let eval = checker.evaluate(gouji::Context::of(&report));
//! for f in &eval.findings {
//!     println!("{} {}", f.rule, f.message);
//! }
//! ```

use crate::eval::{Context, Evaluation, Finding};
use crate::pack::Pack;
use crate::report::{self, Form, ImportError, Report};
use crate::template::{TemplateErrors, TemplateSet};
use std::sync::Arc;

/// A set of compiled packs, and the templates reports are read with (the embedded ones
/// plus every table the packs bring).
#[derive(Debug, Clone)]
pub struct Checker {
    /// The packs, run in this order.
    pub packs: Vec<Pack>,
    templates: Arc<TemplateSet>,
}

impl Checker {
    /// The embedded official pack only.
    pub fn official() -> Checker {
        let pack = Pack::official().clone();
        let templates = pack.templates.clone();
        Checker { packs: vec![pack], templates }
    }

    /// The given packs (the official one is not added). Packs that bring templates have
    /// them combined; two packs defining the same table is an error.
    pub fn new(packs: Vec<Pack>) -> Result<Checker, TemplateErrors> {
        let own: Vec<&Pack> = packs.iter().filter(|p| !p.template_files.is_empty()).collect();
        let templates = match own.as_slice() {
            [] => Arc::new(TemplateSet::builtin().clone()),
            [one] => one.templates.clone(),
            many => {
                let files: Vec<(String, String)> = many.iter().flat_map(|p| p.template_files.iter().cloned()).collect();
                Arc::new(TemplateSet::builtin().extended(&files)?)
            }
        };
        Ok(Checker { packs, templates })
    }

    /// The templates reports are read with.
    pub fn templates(&self) -> &TemplateSet {
        &self.templates
    }

    /// Read a report file with the checker's templates (`form` overrides detection).
    pub fn read_file(&self, path: &str, form: Option<Form>) -> Result<Report, ImportError> {
        report::read_file_with(path, form, &self.templates)
    }

    /// Read a report from memory with the checker's templates.
    pub fn read(&self, path: &str, bytes: &[u8], form: Option<Form>) -> Result<Report, ImportError> {
        report::read_with(path, bytes, form, &self.templates)
    }

    /// Findings of every pack, in pack order then rule order.
    pub fn check(&self, report: &Report) -> Vec<Finding> {
        self.evaluate(Context::of(report)).findings
    }

    /// Findings and per-rule outcomes of every pack in a context.
    pub fn evaluate(&self, cx: Context<'_>) -> Evaluation {
        let mut out = Evaluation::default();
        for (i, pack) in self.packs.iter().enumerate() {
            let mut e = pack.evaluate(cx);
            e.findings.iter_mut().for_each(|f| f.pack = i);
            out.findings.append(&mut e.findings);
            out.rules.append(&mut e.rules);
        }
        out
    }
}
