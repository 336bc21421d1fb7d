//! Batches of reports: the files of a run (folders walked), each report's identity
//! (issuer and year, normalised and aliased), and the pairing of each report with the
//! same issuer's previous year, which cross-year rules read as `上年`.
//!
//! ```text
//! paths ──files::expand──▶ entries ──identity (per report)──▶ (issuer key, year) ──pairing──▶ previous of each
//! ```

pub mod files;
pub mod identity;
pub mod pairing;

pub use files::{expand, Entry};
pub use identity::{normalize_issuer, Aliases, Identity, IdentityFrom, Sidecar};
pub use pairing::{pair, Member, Pairs};

use crate::eval::{Finding, FindingClass};
use crate::syntax::ast::Severity;

/// The rule id of the batch's own finding: one issuer, one year, several reports.
pub const SAME_YEAR: &str = "batch.same_year";

/// The finding on each of several reports of one issuer and year: which one is the
/// report is not chosen silently.
/// `count`: how many others there are; `named`: those shown (paths, perhaps the first few).
pub fn same_year_finding(issuer: &str, year: u16, count: usize, named: &[String]) -> Finding {
    let mut f = Finding::without_cells(
        crate::eval::finding::fingerprint(&[SAME_YEAR, issuer, &year.to_string()]),
        SAME_YEAR.into(),
        "同一发布机关同一年度有多份报告".into(),
        Severity::Warning,
        FindingClass::ReportError,
        format!("{issuer} {year} 年还有 {count} 份报告：{}；请确认哪一份是正式发布的报告", named.join("、")),
    );
    // How many there are, not which paths (a folder moved or named otherwise is the same).
    f.rests_on.push(("reports".into(), "同年报告份数".into(), (count + 1).to_string()));
    f
}
