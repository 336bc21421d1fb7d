//! A finding as a miette diagnostic: shown inside the report source with every involved
//! cell labelled (`本年新收·自然人 = 5`), both sides and the delta in the help, and where
//! the rule is defined as a related diagnostic in the rule file.

use crate::eval::{Finding, FindingCell, FindingClass};
use crate::report::model::CellState;
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
            "pdf" | "docx" | "html" => format!("{path}（文字版）"),
            _ => path.to_string(),
        };
        let first = finding.cells.iter().find_map(|c| c.span).or_else(|| finding.evidence.iter().find_map(|e| e.span));
        let page = (form == "pdf").then_some(first).flatten().and_then(|s| pdf_page(&text, s.offset));
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
        let f = &self.finding;
        Some(Box::new(format!("{} · {} · {}", severity_word(f.severity), class_word(f), f.title)))
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
        // The prose it compared: the number in its sentence, or the section looked at.
        let prose = self.finding.evidence.iter().filter(|e| e.report == 0).filter_map(|e| {
            let span = e.span?;
            Some(LabeledSpan::new(Some(e.describe()), span.offset, span.len))
        });
        Some(Box::new(labels.chain(prose).collect::<Vec<_>>().into_iter()))
    }
}

/// How a finding is shown to people.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Show {
    /// Colour (the rule excerpt's miette rendering).
    pub color: bool,
    /// Every cell the check read, not only those that explain it.
    pub verbose: bool,
}

/// A finding as text: the finding in its report, then where its rule is written. (Not
/// as miette's "related" diagnostic, which would print an English severity word.)
pub fn render_finding(f: &Finding, color: bool) -> String {
    let mut out = finding_text(f, Show { color, verbose: false });
    out.push_str(&rule_text(f, color).unwrap_or_default());
    out
}

/// The severity as a word (错误 / 警告 / 提示).
pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
    }
}

/// The class as a word. A failed check of a warning or info rule is a problem or a note
/// about the report, not an error (报告错误 is said of error-severity findings only).
pub fn class_word(f: &Finding) -> &'static str {
    match (f.class, f.severity) {
        (FindingClass::ReportError, Severity::Error) => "报告错误",
        (FindingClass::ReportError, Severity::Warning) => "报告问题",
        (FindingClass::ReportError, Severity::Info) => "报告说明",
        (FindingClass::ExtractionDoubt, _) => "提取存疑",
        (FindingClass::NotAssessable, _) => "无法评估",
        (FindingClass::SetAside, _) => "口径不同",
    }
}

/// The cells that explain a finding, and how many explicit zeros were left out. A check
/// of up to four cells shows them all; a longer one (a sum over a row or column) shows
/// every cell that is not an explicit 0, the totals (labelled 总计) and its first cell
/// (the side read first, as in `let total = …; check total == sum(…)`), and counts the
/// zeros it leaves out.
pub fn explaining(f: &Finding, verbose: bool) -> (Vec<&FindingCell>, usize) {
    let cells = &f.cells;
    if verbose || cells.len() <= 4 {
        return (cells.iter().collect(), 0);
    }
    let zero = |c: &FindingCell| c.state == Some(CellState::Number) && c.value.is_some_and(|v| v.is_zero()) && !c.blank_as_zero;
    // A total: in the 总计 column or a 总计 row, when not every cell is (a check down the
    // 总计 column has one total, the （七）总计 row's).
    let col_total = |c: &FindingCell| c.col == "total" || c.col_label.contains("总计");
    let row_total = |c: &FindingCell| c.row_label.contains("总计");
    let (all_cols, all_rows) = (cells.iter().all(col_total), cells.iter().all(row_total));
    let total = |c: &FindingCell| (col_total(c) && !all_cols) || (row_total(c) && !all_rows);
    let mut shown = Vec::new();
    let mut hidden = 0;
    for (i, c) in cells.iter().enumerate() {
        if i == 0 || !zero(c) || total(c) {
            shown.push(c);
        } else {
            hidden += 1;
        }
    }
    (shown, hidden)
}

/// The finding without its rule: heading, message, the explaining cells in the report
/// text, both sides and the difference.
pub fn finding_text(f: &Finding, show: Show) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mark = f.review.as_ref().map_or(String::new(), |m| format!("　【{}】", m.status.word()));
    let _ = writeln!(out, "{} · {} · {}{mark}", severity_word(f.severity), class_word(f), f.title);
    let symbol = match f.severity {
        Severity::Error => "×",
        Severity::Warning => "⚠",
        Severity::Info => "☞",
    };
    let first = format!("[{}] {}", f.rule, f.message);
    for (i, line) in wrap(&first, MESSAGE_WIDTH).iter().enumerate() {
        let lead = if i == 0 { symbol } else { "│" };
        let _ = writeln!(out, "  {lead} {line}");
    }
    let (cells, hidden) = explaining(f, show.verbose);
    // One excerpt per report the cells are in, the checked one first.
    for (i, r) in f.sources.reports.iter().enumerate() {
        let (marks, astray): (Vec<crate::render::excerpt::Mark>, Vec<_>) = cells
            .iter()
            .filter(|c| c.report == i)
            .filter_map(|c| Some(crate::render::excerpt::Mark { span: c.span?, label: c.describe() }))
            // The prose compared: the number in its sentence, or the section looked at.
            .chain(f.evidence.iter().filter(|e| e.report == i).filter_map(|e| Some(crate::render::excerpt::Mark { span: e.span?, label: e.describe() })))
            .partition(|m| r.text.get(m.span.offset..m.span.offset + m.span.len).is_some());
        crate::render::excerpt::write(&mut out, &shown_name(r), &r.text, &marks);
        // A span that is not in its text (a report built in code) is named, never dropped.
        for m in astray {
            let whose = if i == 0 { "本报告" } else { "上年报告" };
            let _ = writeln!(out, "  {whose}（{}）：{}", r.path, m.label);
        }
    }
    for e in f.evidence.iter().filter(|e| e.raw.is_some()) {
        let _ = writeln!(out, "  正文原句：“{}”", e.text);
    }
    if let (Some(l), Some(r)) = (f.lhs, f.rhs) {
        use crate::eval::format::plain;
        let d = f.delta.map_or("?".into(), plain);
        let _ = writeln!(out, "  说明：左边 = {}，右边 = {}，差 Δ = {}", plain(l), plain(r), d);
    }
    if hidden > 0 {
        let _ = writeln!(out, "  说明：其余 {hidden} 项为 0（--verbose 显示全部单元格）");
    }
    let first = f.sources.reports.first().filter(|r| r.form == "pdf");
    let at = f.cells.iter().filter(|c| c.report == 0).find_map(|c| c.span).or_else(|| f.evidence.iter().filter(|e| e.report == 0).find_map(|e| e.span));
    let page = first.and_then(|r| at.and_then(|s| pdf_page(&r.text, s.offset)));
    if let Some(p) = page {
        let _ = writeln!(out, "  位置：PDF 第 {p} 页");
    }
    let unseen: Vec<String> = f.cells.iter().filter(|c| c.span.is_none()).map(|c| c.describe()).collect();
    if !unseen.is_empty() {
        let _ = writeln!(out, "  报告中缺少：{}", unseen.join("、"));
    }
    if let Some(m) = f.review.as_ref().filter(|m| m.status != crate::review::MarkStatus::New) {
        let _ = writeln!(out, "  复核：{}", m.describe());
    }
    // What `gouji review dismiss / confirm` takes.
    let _ = writeln!(out, "  编号：{}", f.id);
    out
}

/// Display columns of a finding's message line (then it goes on under `│`).
const MESSAGE_WIDTH: usize = 96;

/// Text cut into lines of at most `width` columns (its own line breaks kept), a break put
/// after a Chinese comma or 、 near the end of a line when there is one.
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0;
        for c in para.chars() {
            let cw = c.width().unwrap_or(0);
            if w + cw > width && !line.is_empty() {
                // Back to the last pause in the line's last quarter, if any.
                let cut = line.char_indices().rev().take(width / 4).find(|(_, c)| "，、；。,;".contains(*c)).map(|(i, c)| i + c.len_utf8());
                let rest = match cut {
                    Some(at) if at < line.len() => line.split_off(at),
                    _ => String::new(),
                };
                lines.push(std::mem::replace(&mut line, rest));
                w = line.chars().map(|c| c.width().unwrap_or(0)).sum();
            }
            line.push(c);
            w += cw;
        }
        lines.push(line);
    }
    lines
}

/// The name a report's text is shown under: a rendering says so.
pub fn shown_name(r: &crate::eval::ReportText) -> String {
    match r.form.as_str() {
        "pdf" | "docx" | "html" => format!("{}（文字版）", r.path),
        _ => r.path.clone(),
    }
}

/// Where the finding's rule is written, as text (`None` for a rule built in code).
pub fn rule_text(f: &Finding, color: bool) -> Option<String> {
    let file = f.sources.rule_file.as_ref()?;
    let rule = RuleLocation { source: NamedSource::new(file.name.clone(), file.text.clone()), span: f.check_span, id: f.rule.clone() };
    Some(super::render(&rule, color))
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

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn long_messages_wrap_at_a_pause_and_keep_every_character() {
        let text = format!("以下 5 个单元格为空白：{}", ["甲乙丙丁戊己庚辛壬癸·商业企业"; 12].join("、"));
        let lines = super::wrap(&text, 40);
        assert!(lines.len() > 5, "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 40), "{lines:?}");
        assert_eq!(lines.concat(), text);
        assert!(lines[..lines.len() - 1].iter().any(|l| l.ends_with('、')), "{lines:?}");
    }
}
