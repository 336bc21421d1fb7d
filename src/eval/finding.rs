//! Findings: what a rule says about a report, with every involved cell.

use crate::check::ir::RuleFile;
use crate::report::model::{CellState, Span as ReportSpan};
use crate::syntax::ast::Severity;
use crate::syntax::Span;
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Arc;

/// What kind of statement a finding makes (kept apart from its severity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingClass {
    /// Cells read with certainty and an identity fails.
    ReportError,
    /// Unsure what the source says.
    ExtractionDoubt,
    /// A cell the rule needs is missing, blank (under `blank skip`) or unreadable.
    NotAssessable,
}

/// One cell a finding involves.
#[derive(Debug, Clone, Serialize)]
pub struct FindingCell {
    pub table: String,
    pub row: String,
    pub col: String,
    pub row_label: String,
    pub col_label: String,
    /// `None` when the report has no such cell.
    pub raw: Option<String>,
    pub state: Option<CellState>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub value: Option<Decimal>,
    pub span: Option<ReportSpan>,
    /// This blank (or placeholder) was counted as 0.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blank_as_zero: bool,
    /// Which of the finding's reports the cell is in (0: the report checked).
    #[serde(skip)]
    pub report: usize,
}

impl FindingCell {
    /// `（七）总计·商业企业`
    pub fn name(&self) -> String {
        if self.row_label.is_empty() {
            self.col_label.clone()
        } else {
            format!("{}·{}", self.row_label, self.col_label)
        }
    }

    /// `（七）总计·商业企业 = 5` / `= 空白` / `缺失`
    pub fn describe(&self) -> String {
        let v = match (&self.raw, self.state) {
            (None, _) => "缺失".to_string(),
            (Some(_), Some(CellState::Blank)) if self.blank_as_zero => "空白（按 0 计）".into(),
            (Some(_), Some(CellState::Blank)) => "空白".into(),
            (Some(r), _) => r.clone(),
        };
        format!("{} = {}", self.name(), v)
    }
}

/// A quantifier variable's value where the finding arose (`c = 自然人`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BindingOut {
    pub var: String,
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable across re-runs: rule id + report identity + binding, not offsets or values.
    pub id: String,
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub class: FindingClass,
    pub message: String,
    pub binding: Vec<BindingOut>,
    pub cells: Vec<FindingCell>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub lhs: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub rhs: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub delta: Option<Decimal>,
    /// Index of the pack (in the checker's list) the rule comes from.
    #[serde(skip)]
    pub pack: usize,
    /// Where the rule and the failing check are written.
    #[serde(skip)]
    pub rule_span: Span,
    #[serde(skip)]
    pub check_span: Span,
    /// The texts a finding is shown in: its rule file and the reports it cites.
    #[serde(skip)]
    pub sources: Sources,
}

/// Handles to what a finding cites, so it can be rendered on its own (no pack, no
/// checker at hand) and can cite cells of more than one report.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The rule file (absent for rules built in code).
    pub rule_file: Option<Arc<RuleFile>>,
    /// The reports, the checked one first; [`FindingCell::report`] indexes this.
    pub reports: Vec<ReportText>,
}

/// A report as a finding shows it: its path, form and the text its spans point into.
#[derive(Debug, Clone)]
pub struct ReportText {
    pub path: String,
    pub form: String,
    pub text: Arc<str>,
}

/// FNV-1a, 64 bit: a fingerprint that does not change between runs or builds.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}
