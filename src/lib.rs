#![warn(missing_docs)]
//! gouji (勾稽): a rules language and checking engine for the consistency of
//! 政府信息公开工作年度报告.
//!
//! Load a pack once, read reports, check each in a context, render the findings:
//!
//! ```no_run
//! let checker = gouji::Checker::official();                   // compile once
//! let report = gouji::read_file("report.pdf", None).unwrap();  // any supported form
//! let eval = checker.evaluate(gouji::Context::of(&report));    // many reports
//! for f in &eval.findings {
//!     println!("{} {:?} {}", f.rule, f.class, f.message);
//! }
//! for r in &eval.rules {
//!     println!("{} {:?} {:?}", r.id, r.outcome, r.reason);
//! }
//! print!("{}", gouji::render::check::human("report.pdf", &Ok((report, eval)), false));
//! ```
//!
//! The pipeline, one stage per module:
//!
//! ```text
//! source bytes ──report::import──▶ RawDocument ──report::assemble──▶ Report (cells with spans)
//!                                      ▲ templates (data: templates/*.toml, and a pack's own)
//! rule text ──syntax (grammar → AST)──▶ check (typed resolution per template) ──▶ IR
//! paths ──batch (walk, identity, pairing)──▶ each report beside its issuer's previous year
//! IR × Context (report, related reports) ──eval──▶ Evaluation (findings, rule outcomes)
//!            ──diagnostics + render──▶ miette text, JSON
//! ```

pub mod batch;
mod checker;
pub mod diagnostics;
pub mod limits;
mod pack;
pub mod render;
pub mod report;
pub mod review;

// The stages inside, public only so that each can be tested alone (per-stage snapshots
// of the syntax tree and the IR, template and case tests); not part of the API.
mod check;
mod eval;
#[doc(hidden)]
pub mod syntax;
#[doc(hidden)]
pub mod template;
#[doc(hidden)]
pub mod testing;

pub use checker::Checker;
pub use eval::{BindingOut, Context, Evaluation, Evidence, Finding, FindingCell, FindingClass, Outcome, ReportText, RuleOutcome, Sources};
pub use limits::Limits;
pub use pack::{Manifest, Pack};
pub use report::{read, read_file, read_file_with, read_with, Form, ImportError, Report};
pub use template::{TemplateErrors, TemplateSet};

/// The rules language's functions as a markdown table (name, aliases, result, meaning),
/// generated from the one function registry; the rule-writing guide shows it.
pub fn function_table() -> String {
    check::funcs::markdown_table()
}
