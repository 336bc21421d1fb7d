//! A finding as a miette diagnostic: shown inside the report source with every involved
//! cell labelled (`本年新收·自然人 = 5`), both sides and the delta in the help, and where
//! the rule is defined as a related diagnostic in the rule file.

use crate::eval::{Finding, FindingClass};
use crate::syntax::ast::Severity;
use crate::syntax::Span;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::sync::Arc;

/// A failed (or not assessable) rule on one report.
#[derive(Debug)]
pub struct FindingDiagnostic {
    /// The finding shown.
    pub finding: Finding,
    /// The report text its cells point into.
    pub report: NamedSource<Arc<str>>,
    /// Where its rule is written, shown beside it.
    pub rule: Option<RuleLocation>,
    /// PDF page of the first involved cell.
    pub page: Option<u32>,
}

/// Where a rule is written, shown beside a finding.
#[derive(Debug)]
pub struct RuleLocation {
    /// The rule file.
    pub source: NamedSource<Arc<str>>,
    /// The check that failed.
    pub span: Span,
    /// The rule's id.
    pub id: String,
}

impl FindingDiagnostic {
    /// A finding shown from its own handles: the report it cites and its rule file.
    pub fn of(finding: &Finding) -> Self {
        let rule = finding.sources.rule_file.as_ref().map(|f| RuleLocation {
            source: NamedSource::new(f.name.clone(), f.text.clone()),
            span: finding.check_span,
            id: finding.rule.clone(),
        });
        let (path, form, text) = match finding.sources.reports.first() {
            Some(r) => (r.path.as_str(), r.form.as_str(), r.text.clone()),
            None => ("", "", Arc::from("")),
        };
        let name = match form {
            "pdf" | "docx" => format!("{path}（文字版）"),
            _ => path.to_string(),
        };
        let page = (form == "pdf").then(|| finding.cells.iter().find_map(|c| c.span)).flatten().and_then(|s| pdf_page(&text, s.offset));
        FindingDiagnostic { finding: finding.clone(), report: NamedSource::new(name, text), rule, page }
    }
}

/// The page a PDF rendering offset is on: the last `—— 第 N 页 ——` line before it.
fn pdf_page(source: &str, offset: usize) -> Option<u32> {
    let before = source.get(..offset)?;
    let at = before.rfind("—— 第 ")?;
    before[at + "—— 第 ".len()..].split(' ').next()?.parse().ok()
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.finding.rule, self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let class = match self.finding.class {
            FindingClass::ReportError => "报告错误",
            FindingClass::ExtractionDoubt => "提取存疑",
            FindingClass::NotAssessable => "无法评估",
        };
        Some(Box::new(format!("{} · {}", self.finding.title, class)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let f = &self.finding;
        let mut lines = Vec::new();
        if let (Some(l), Some(r)) = (f.lhs, f.rhs) {
            use crate::eval::format::plain;
            let d = f.delta.map_or("?".into(), plain);
            lines.push(format!("左边 = {}，右边 = {}，差 Δ = {}", plain(l), plain(r), d));
        }
        if let Some(p) = self.page {
            lines.push(format!("位置：PDF 第 {p} 页"));
        }
        let unseen: Vec<String> = f.cells.iter().filter(|c| c.report == 0 && c.span.is_none()).map(|c| c.describe()).collect();
        if !unseen.is_empty() {
            lines.push(format!("报告中缺少：{}", unseen.join("、")));
        }
        // Cells of the previous year's report are not in the text shown: named with their
        // values and where they are (that report's path).
        let previous: Vec<String> = f.cells.iter().filter(|c| c.report == 1).map(|c| c.describe()).collect();
        if !previous.is_empty() {
            let path = f.sources.reports.get(1).map_or("", |r| r.path.as_str());
            lines.push(format!("上年报告（{path}）：{}", previous.join("、")));
        }
        (!lines.is_empty()).then(|| Box::new(lines.join("\n")) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.report)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // Only the report shown: a span of another report's cell points into another text.
        let labels = self.finding.cells.iter().filter(|c| c.report == 0).filter_map(|c| {
            let span = c.span?;
            Some(LabeledSpan::new(Some(c.describe()), span.offset, span.len))
        });
        Some(Box::new(labels.collect::<Vec<_>>().into_iter()))
    }
}

/// A finding as text: the finding in its report, then where its rule is written. (Not
/// as miette's "related" diagnostic, which would print an English severity word.)
pub fn render_finding(f: &Finding, color: bool) -> String {
    let d = FindingDiagnostic::of(f);
    let mut out = super::render(&d, color);
    if let Some(rule) = &d.rule {
        out.push_str(&super::render(rule, color));
    }
    out
}

impl fmt::Display for RuleLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "规则 {} 定义于此", self.id)
    }
}

impl std::error::Error for RuleLocation {}

impl Diagnostic for RuleLocation {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some("检查的条件".into()), self.span))))
    }
}
