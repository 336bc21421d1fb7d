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

use crate::diagnostics::rules::{RuleError, RuleErrorKind, RuleErrors};
use crate::eval::{Context, Evaluation, Finding};
use crate::limits::Limits;
use crate::pack::Pack;
use crate::report::{self, Form, ImportError, Report};
use crate::template::TemplateSet;
use std::path::Path;
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
    /// them combined; two packs defining the same table, or a rule id, is an error (a
    /// finding's rule and stable id would no longer say which rule it is).
    pub fn new(packs: Vec<Pack>) -> Result<Checker, RuleErrors> {
        // The same pack twice (the official one given again with --rules, one folder named
        // twice) would double every finding under one stable id.
        let shown = |p: &Pack| p.dir.as_ref().map_or_else(|| format!("内置的{}规则包", p.manifest.name), |d| d.display().to_string());
        for (i, pack) in packs.iter().enumerate() {
            if let Some(first) = packs[..i].iter().find(|p| p.same_pack(pack)) {
                let kind = RuleErrorKind::PackTwice { pack: shown(pack), first: shown(first) };
                return Err(RuleErrors { errors: vec![RuleError::new(kind, Default::default())], sources: vec![(shown(pack), Arc::from(""))] });
            }
        }
        for (i, pack) in packs.iter().enumerate() {
            let dups: Vec<RuleError> = pack
                .rules
                .iter()
                .filter(|r| packs[..i].iter().any(|p| p.rules.iter().any(|o| o.id == r.id)))
                .map(|r| RuleError::new(RuleErrorKind::DuplicateRule { id: r.id.clone() }, r.id_span))
                .collect();
            if !dups.is_empty() {
                return Err(RuleErrors { errors: dups, sources: pack.sources.clone() });
            }
        }
        let own: Vec<&Pack> = packs.iter().filter(|p| !p.template_files.is_empty()).collect();
        let templates = match own.as_slice() {
            [] => crate::pack::builtin_set().clone(),
            [one] => one.templates.clone(),
            many => {
                let files: Vec<(String, String)> = many.iter().flat_map(|p| p.template_files.iter().cloned()).collect();
                match TemplateSet::builtin().extended(&files) {
                    Ok(set) => Arc::new(set),
                    Err(te) => {
                        let (errors, sources) = crate::pack::template_errors(te, 0);
                        return Err(RuleErrors { errors, sources });
                    }
                }
            }
        };
        Ok(Checker { packs, templates })
    }

    /// Template ids the checker reads that a pack's rules do not cover (a pack bringing a
    /// new year leaves the others' rules unrun on it): (pack name, ids).
    pub fn uncovered(&self) -> Vec<(String, Vec<String>)> {
        self.packs
            .iter()
            .filter_map(|p| {
                let covered: Vec<&str> = p.rules.first().map(|r| r.variants.iter().map(|v| v.template.id.as_str()).collect()).unwrap_or_default();
                // Only years a pack brought: a pack written for 2021 alone says so itself.
                let builtin: Vec<&str> = TemplateSet::builtin().ids().collect();
                let missing: Vec<String> = self.templates.ids().filter(|id| !covered.contains(id) && !builtin.contains(id)).map(str::to_string).collect();
                (!missing.is_empty() && !p.rules.is_empty()).then(|| (p.manifest.name.clone(), missing))
            })
            .collect()
    }

    /// Whether any rule of any pack reads the previous year's report (`上年.…`, the
    /// official `xyear.*` rules do). Cheap (a flag per rule, set at load): a batch can skip
    /// pairing reports by issuer and year when no rule reads the pair. Pass the pair as
    /// `Context { report, previous: Some(&last_year) }`.
    pub fn uses_previous(&self) -> bool {
        self.packs.iter().any(Pack::uses_previous)
    }

    /// The templates reports are read with.
    pub fn templates(&self) -> &TemplateSet {
        &self.templates
    }

    /// Read a report file with the checker's templates (`form` overrides detection).
    pub fn read_file(&self, path: &str, form: Option<Form>) -> Result<Report, ImportError> {
        report::read_file_with(path, form, &self.templates)
    }

    /// Read a report file at any path (not only UTF-8 ones) with the checker's templates,
    /// within `limits` (`raise` names the option that raises the byte limit, for the
    /// message). The report's `path` is the path shown lossily.
    pub fn read_path(&self, path: &Path, form: Option<Form>, limits: &Limits, raise: Option<&'static str>) -> Result<Report, ImportError> {
        let name = path.to_string_lossy();
        let bytes =
            crate::limits::read_bounded(path, limits.report_bytes, raise).map_err(|e| ImportError::Io { path: name.to_string(), why: e.to_string() })?;
        report::read_with(&name, &bytes, form, &self.templates)
    }

    /// The form of a report file and the issuer and year it states, within `limits`,
    /// without reading its tables: the first pass of a batch, for pairing (with the
    /// document when it had to be imported whole).
    pub fn identify_path(&self, path: &Path, form: Option<Form>, limits: &Limits, raise: Option<&'static str>) -> Result<report::Identified, ImportError> {
        let name = path.to_string_lossy();
        let bytes =
            crate::limits::read_bounded(path, limits.report_bytes, raise).map_err(|e| ImportError::Io { path: name.to_string(), why: e.to_string() })?;
        report::identify_keeping(&name, &bytes, form)
    }

    /// The report of a document the identity pass imported ([`report::Identified::doc`]),
    /// with the checker's templates; the same report [`Checker::read_path`] gives.
    pub fn assemble(&self, path: &Path, form: Form, doc: report::import::RawDocument) -> Result<Report, ImportError> {
        report::assemble_with(&path.to_string_lossy(), form, doc, &self.templates)
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
        let mut out = Evaluation { previous: cx.previous.map(|p| p.path.clone()), ..Evaluation::default() };
        let mut left = self.packs.first().map_or(0, |p| p.limits.findings_per_report);
        for (i, pack) in self.packs.iter().enumerate() {
            let mut e = crate::eval::evaluate(&pack.rules, cx, &pack.limits, &mut left);
            e.findings.iter_mut().for_each(|f| f.pack = i);
            out.findings.append(&mut e.findings);
            out.rules.append(&mut e.rules);
        }
        out
    }
}
