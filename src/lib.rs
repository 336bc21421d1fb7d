//! gouji (勾稽): a rules language and checking engine for the consistency of
//! 政府信息公开工作年度报告.
//!
//! The pipeline, one stage per module:
//!
//! ```text
//! source file ──report::import──▶ RawDocument ──report::assemble──▶ Report (cells with spans)
//!                                      ▲ templates (data: templates/*.toml)
//! ```

pub mod report;
pub mod template;

pub use report::{read, read_file, Form, ImportError, Report};
pub mod cli;
pub mod render;
