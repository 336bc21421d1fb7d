//! Findings: what a rule says about a report, with every involved cell.

use crate::check::ir::RuleFile;
use crate::report::model::{CellState, Span as ReportSpan, UsedIdentity};
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
    /// A sentence of the prose that disagrees with the table but speaks of another scope
    /// (`scope "全市"`) or gives an approximate number: not judged, and says why.
    SetAside,
}

impl FindingClass {
    /// A statement that the report is wrong or its source unsure (not a note that the
    /// rule could not judge).
    pub fn is_failure(self) -> bool {
        matches!(self, FindingClass::ReportError | FindingClass::ExtractionDoubt)
    }
}

/// Prose a finding cites: the sentence of a number it compared, or a section it looked at.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// What is cited: `text` (the prose).
    pub kind: &'static str,
    /// The section's number (1–6).
    pub section: u8,
    /// The section's heading as printed.
    pub title: String,
    /// The sentence (or the section's prose), at most 200 characters.
    pub text: String,
    /// The number (or the section) in the report's text.
    pub span: Option<ReportSpan>,
    /// The sentence in the report's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<ReportSpan>,
    /// The number as printed with its unit (`3119件`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Its value.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option", skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// Which of the finding's reports (as [`FindingCell::report`]).
    #[serde(skip_serializing_if = "is_this_report", serialize_with = "report_name")]
    pub report: usize,
}

impl Evidence {
    /// `正文（一、总体情况）：3119件`
    pub fn describe(&self) -> String {
        match &self.raw {
            Some(raw) => format!("正文（{}）：{raw}", self.title),
            None => format!("正文（{}）", self.title),
        }
    }
}

/// One cell a finding involves.
#[derive(Debug, Clone, Serialize)]
pub struct FindingCell {
    /// Canonical keys: table (`t3`), row (`new_received`), column (`natural_person`).
    pub table: String,
    /// The row key.
    pub row: String,
    /// The column key.
    pub col: String,
    /// The template's printed labels of the row and column.
    pub row_label: String,
    /// The column's printed label.
    pub col_label: String,
    /// `None` when the report has no such cell.
    pub raw: Option<String>,
    /// Number, blank, placeholder or text (`None`: no such cell).
    pub state: Option<CellState>,
    /// The number, exact, when the cell holds one.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub value: Option<Decimal>,
    /// Where the cell is in its report's text.
    pub span: Option<ReportSpan>,
    /// This blank (or placeholder) was counted as 0.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blank_as_zero: bool,
    /// The importer left this cell unread for an extraction doubt (a glued run it could not
    /// split with certainty): not a cell the report lacks.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub doubted: bool,
    /// Which of the finding's reports the cell is in (0: the report checked, 1: the
    /// previous year's, [`Sources::reports`] indexes). In JSON `"report": "prev"` for a
    /// cell of the previous report, nothing for one of the report checked.
    #[serde(skip_serializing_if = "is_this_report", serialize_with = "report_name")]
    pub report: usize,
}

fn is_this_report(r: &usize) -> bool {
    *r == 0
}

fn report_name<S: serde::Serializer>(r: &usize, s: S) -> Result<S::Ok, S::Error> {
    match r {
        1 => s.serialize_str("prev"),
        n => s.serialize_u64(*n as u64),
    }
}

impl FindingCell {
    /// The cell's canonical place, `t4.review.total`; a cell of the previous year's report
    /// `prev.t3.carried_forward.total` (what finding ids and review records name).
    pub fn key(&self) -> String {
        let prev = if self.report == 1 { "prev." } else { "" };
        format!("{prev}{}.{}.{}", self.table, self.row, self.col)
    }

    /// `（七）总计·商业企业`; a cell of the previous year's report `上年·四、结转下年度继续办理·总计`.
    pub fn name(&self) -> String {
        let prev = if self.report == 1 { "上年·" } else { "" };
        if self.row_label.is_empty() {
            format!("{prev}{}", self.col_label)
        } else {
            format!("{prev}{}·{}", self.row_label, self.col_label)
        }
    }

    /// `（七）总计·商业企业 = 5` / `= 空白` / `缺失` / `提取存疑`
    pub fn describe(&self) -> String {
        let v = match (&self.raw, self.state) {
            (None, _) if self.doubted => "提取存疑（未读取）".to_string(),
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
    /// The variable's name in the rule.
    pub var: String,
    /// The canonical key it was bound to.
    pub key: String,
    /// Its printed label.
    pub label: String,
}

/// What a rule says about a report, with every cell it involves.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable across re-runs: rule id + report identity + binding + cited cells' keys, not
    /// offsets or values.
    pub id: String,
    /// The rule's id (`t3.balance`).
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// The rule's severity (info for not assessable).
    pub severity: Severity,
    /// Report error, extraction doubt or not assessable.
    pub class: FindingClass,
    /// The message, in Chinese, numbers printed for people.
    pub message: String,
    /// Where: the loop variables' values.
    pub binding: Vec<BindingOut>,
    /// Every cell the check read, in reading order.
    pub cells: Vec<FindingCell>,
    /// The prose it read: the sentences of the numbers it compared, sections it looked at.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Both sides of a comparison and their difference (left − right).
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub lhs: Option<Decimal>,
    /// The right side.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub rhs: Option<Decimal>,
    /// Left − right.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub delta: Option<Decimal>,
    /// Identities the importer used to decode glued digits whose every cell this check
    /// read: the check restates them, so they are no independent evidence here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decoded_by: Vec<UsedIdentity>,
    /// What the review file says of it (only in a run with one): 新, 已确认, 已忽略, 待复核.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::review::Mark>,
    /// What a finding citing no cell rests on, as (key, label, value): a review record
    /// keeps it, so the finding comes back when it changes (two reports of a year, three).
    #[serde(skip)]
    pub rests_on: Vec<(String, String, String)>,
    /// Index of the pack (in the checker's list) the rule comes from.
    #[serde(skip)]
    pub pack: usize,
    /// Where the rule and the failing check are written.
    #[serde(skip)]
    pub rule_span: Span,
    /// The check that failed.
    #[serde(skip)]
    pub check_span: Span,
    /// The texts a finding is shown in: its rule file and the reports it cites.
    #[serde(skip)]
    pub sources: Sources,
}

impl Finding {
    /// The review file dismissed it and its values have not changed since (shown only
    /// with `--all`; never counted as a problem of the report).
    pub fn is_dismissed(&self) -> bool {
        self.review.as_ref().is_some_and(|m| m.status == crate::review::MarkStatus::Dismissed)
    }

    /// A problem of the report the run reports: a failure, not dismissed.
    pub fn counts(&self) -> bool {
        self.class.is_failure() && !self.is_dismissed()
    }

    /// A finding that cites no cell (a notice of a rule, the batch's own finding): no
    /// binding, no sides; `spans` are where its rule is written (default: nowhere).
    pub(crate) fn without_cells(id: String, rule: String, title: String, severity: Severity, class: FindingClass, message: String) -> Finding {
        Finding {
            id,
            rule,
            title,
            severity,
            class,
            message,
            binding: Vec::new(),
            cells: Vec::new(),
            evidence: Vec::new(),
            lhs: None,
            rhs: None,
            delta: None,
            decoded_by: Vec::new(),
            review: None,
            rests_on: Vec::new(),
            pack: 0,
            rule_span: Span::default(),
            check_span: Span::default(),
            sources: Sources::default(),
        }
    }
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
    /// The path it was read from.
    pub path: String,
    /// The form it was read in (`pdf` findings point into a text rendering).
    pub form: String,
    /// The text its spans point into.
    pub text: Arc<str>,
}

/// A finding's id: its rule, the report's identity — issuer and year, and when either is
/// unknown its file name too, so two unnamed reports in one folder do not share ids — and
/// `at` (where, what it cites).
pub fn id(rule: &str, report: &crate::report::Report, at: &[&str]) -> String {
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    let file = (report.issuer.is_none() || report.year.is_none())
        .then(|| std::path::Path::new(&report.path).file_name().map_or_else(|| report.path.clone(), |f| f.to_string_lossy().into_owned()));
    let mut parts = vec![rule, report.issuer.as_deref().unwrap_or(""), &year];
    parts.extend(file.as_deref());
    parts.extend_from_slice(at);
    fingerprint(&parts)
}

/// Two checks of one rule that cite the same cells (two `要求` over one binding) would
/// share an id: the second and later get one of their own, by their order in the rule.
pub fn unique_ids(findings: &mut [Finding]) {
    let mut ids = std::collections::HashSet::with_capacity(findings.len());
    if findings.iter().all(|f| ids.insert(f.id.as_str())) {
        return; // the usual case: nothing copied
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::with_capacity(findings.len());
    for f in findings.iter_mut() {
        let n = seen.entry(f.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.id = fingerprint(&[&f.id, &n.to_string()]);
        }
    }
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
