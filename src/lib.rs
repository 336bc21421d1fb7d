//! gouji (勾稽): a rules language and checking engine for the consistency of
//! 政府信息公开工作年度报告.
//!
//! The pipeline, one stage per module:
//!
//! ```text
//! source file ──report::import──▶ RawDocument ──report::assemble──▶ Report (cells with spans)
//!                                      ▲ templates (data: templates/*.toml)
//! ```

pub mod check;
pub mod checker;
pub mod diagnostics;
pub mod eval;
pub mod pack;
pub mod report;
pub mod syntax;
pub mod template;
pub mod testing;

pub use checker::Checker;
pub use eval::{Finding, FindingClass};
pub use pack::Pack;
pub use report::{read, read_file, read_file_with, read_with, Form, ImportError, Report};
pub mod cli;
pub mod render;
