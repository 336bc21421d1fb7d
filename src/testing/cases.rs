//! Rule-level cases: a few given cells, the rest 0 or blank, and the expected outcome of
//! one rule (`expect pass`, `expect fail at 自然人`, `expect skip`). A case without
//! `template` runs on every template the rule applies to.

use crate::check::ir::CompiledRule;
use crate::check::names::{self, Resolved, RowName};
use crate::diagnostics::rules::{RuleError, RuleErrorKind};
use crate::eval::{self, Finding};
use crate::report::model::{Report, Section, Span as RSpan, Table};
use crate::report::value::cell_from;
use crate::syntax::ast::{Case, CellRef, GivenTarget, Outcome, Selector, TextRef};
use crate::syntax::Span;
use crate::template::{labels, Template};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

/// The result of one case on one template.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub rule: String,
    pub case: String,
    /// Where it ran: the template id (`2021`), or for a pair `2021 年格式，上年 2019`.
    pub template: String,
    /// `None` when every expectation held; else what went wrong, in words.
    pub failure: Option<String>,
    /// Where to point: the expectation that failed, or the given that could not be read.
    pub span: Span,
}

/// Run every case of a rule.
pub fn run(rule: &CompiledRule) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for case in &rule.cases {
        let templates: Vec<&Template> = match &case.template {
            Some(t) => match rule.variants.iter().find(|v| v.template.id == t.node) {
                Some(v) => vec![&*v.template],
                None => {
                    let known: Vec<&str> = rule.applies_to().map(|t| t.id.as_str()).collect();
                    out.push(result(rule, case, t, Some(format!("未知的模板“{}”（本规则包的格式：{}）", t.node, known.join("、"))), t.span));
                    continue;
                }
            },
            // A case for a pair: the templates where the rule applies with the case's
            // previous template.
            None if rule.previous && case.has_previous() => rule
                .applies_to()
                .filter(|t| {
                    rule.variant_pair(&t.id, Some(case.previous_template.as_ref().map_or(t.id.as_str(), |p| p.node.as_str()))).is_some_and(|v| v.ops.is_ok())
                })
                .map(|t| &**t)
                .collect(),
            None => rule.applies_to().map(|t| &**t).collect(),
        };
        for tpl in templates {
            out.push(run_one(rule, case, tpl));
        }
    }
    out
}

/// Mistakes in a case's previous year's report: one given to a rule that does not read
/// it, or one declared and denied (`no previous`) at once.
pub(crate) fn previous_errors(case: &Case, reads_previous: bool) -> Vec<RuleError> {
    let mut out = Vec::new();
    let declared: Vec<Span> =
        case.given.iter().filter(|g| g.previous).map(|g| g.target.span()).chain(case.previous_template.as_ref().map(|t| t.span)).collect();
    if let Some(at) = declared.first().filter(|_| !reads_previous) {
        let message = format!("用例“{}”给出了上年报告，但此规则不读取上年报告（没有“上年.”）", case.name.node);
        out.push(RuleError::new(RuleErrorKind::Case { message }, *at));
    }
    if let (Some(no), Some(_)) = (case.no_previous, declared.first()) {
        let message = format!("用例“{}”写了 no previous，又给出了上年报告的单元格或格式", case.name.node);
        out.push(RuleError::new(RuleErrorKind::Case { message }, no));
    }
    if let Some(no) = case.no_previous.filter(|_| !reads_previous) {
        let message = format!("用例“{}”写了 no previous，但此规则不读取上年报告", case.name.node);
        out.push(RuleError::new(RuleErrorKind::Case { message }, no));
    }
    out
}

/// The mistakes in a rule's cases that no run is needed to see (a given cell that is no
/// cell of a template the case runs on): load errors, for `check` as for `test`.
pub(crate) fn case_errors(rule: &CompiledRule) -> Vec<RuleError> {
    let mut out: Vec<RuleError> = Vec::new();
    for case in &rule.cases {
        let templates: Vec<&Template> = match &case.template {
            Some(t) => rule.variants.iter().filter(|v| v.template.id == t.node).map(|v| &*v.template).collect(),
            None => rule.applies_to().map(|t| &**t).collect(),
        };
        for tpl in &templates {
            let prev = previous_template(rule, case, tpl);
            for g in &case.given {
                let tpl = if g.previous { prev.unwrap_or(tpl) } else { tpl };
                if let Err((why, span)) = given_place(&g.target, tpl) {
                    if !out.iter().any(|e| e.span == span) {
                        let message = format!("用例“{}”：{why}", case.name.node);
                        out.push(RuleError::new(RuleErrorKind::Case { message }, span));
                    }
                }
            }
        }
        // `expect fail at X`: X must name a row, column or block somewhere the case runs.
        for e in &case.expect {
            let Some(at) = &e.at else { continue };
            for name in sel_names(at) {
                if !templates.is_empty() && !templates.iter().any(|t| names_place(t, &name)) {
                    let message = format!("用例“{}”：expect fail at 中的“{name}”不是任何行、列或块的名称", case.name.node);
                    out.push(RuleError::new(RuleErrorKind::Case { message }, at.span()));
                }
            }
        }
    }
    out
}

/// Whether a name written after `expect fail at` can name a place in a template.
fn names_place(tpl: &Template, name: &str) -> bool {
    if name.contains(['.', '·', '[', '［']) {
        return true; // a cell key or a cell name
    }
    let mut labels: Vec<(&str, &str)> = Vec::new();
    for def in &tpl.tables {
        labels.push((&def.key, &def.name));
        for part in &def.parts {
            labels.extend(
                part.cols
                    .iter()
                    .flat_map(|c| std::iter::once((c.key.as_str(), c.label.as_str())).chain(c.aliases.iter().map(|a| (c.key.as_str(), a.as_str())))),
            );
            labels.extend(
                part.rows
                    .iter()
                    .flat_map(|r| std::iter::once((r.key.as_str(), r.label.as_str())).chain(r.aliases.iter().map(|a| (r.key.as_str(), a.as_str())))),
            );
            labels.extend(part.caption.as_deref().map(|c| ("", c)));
        }
        labels.extend(
            def.groups.iter().flat_map(|g| std::iter::once((g.key.as_str(), g.label.as_str())).chain(g.aliases.iter().map(|a| (g.key.as_str(), a.as_str())))),
        );
    }
    labels.iter().any(|(k, l)| matches_place(name, &(k.to_string(), l.to_string())))
}

/// The template of a case's previous year's report when the case has one: the one it
/// names, else its own.
fn previous_template<'a>(rule: &'a CompiledRule, case: &Case, tpl: &'a Template) -> Option<&'a Template> {
    if !case.has_previous() {
        return None;
    }
    match &case.previous_template {
        Some(p) => rule.variants.iter().find_map(|v| v.previous.as_deref().filter(|t| t.id == p.node)),
        None => Some(tpl),
    }
}

fn result(rule: &CompiledRule, case: &Case, tpl: &str, failure: Option<String>, span: Span) -> CaseResult {
    CaseResult { rule: rule.id.clone(), case: case.name.node.clone(), template: tpl.to_string(), failure, span }
}

fn run_one(rule: &CompiledRule, case: &Case, tpl: &Template) -> CaseResult {
    // Where the case ran, in words: `2021`, or `2021 年格式，上年 2019` for a pair.
    let at = match previous_template(rule, case, tpl) {
        Some(p) => format!("{} 年格式，上年 {}", tpl.id, p.id),
        None => tpl.id.clone(),
    };
    let report = match build_report(case, tpl, false) {
        Ok(r) => r,
        Err((why, span)) => return result(rule, case, &at, Some(why), span),
    };
    let previous = match previous_template(rule, case, tpl).map(|p| build_report(case, p, true)) {
        None => None,
        Some(Ok(mut r)) => {
            r.year = report.year.map(|y| y - 1);
            Some(r)
        }
        Some(Err((why, span))) => return result(rule, case, &at, Some(why), span),
    };
    let limits = crate::Limits::default();
    let cx = eval::Context { report: &report, previous: previous.as_ref() };
    let e = eval::evaluate(std::slice::from_ref(rule), cx, &limits, &mut limits.findings_per_report.clone());
    // A rule that did not run proves nothing: no expectation holds on it.
    if let (Some(o), Some(first)) = (e.rules.first().filter(|o| o.outcome == eval::Outcome::NotApplicable), case.expect.first()) {
        let why = format!("规则在 {} 年格式上不适用（{}）", tpl.id, o.reason.clone().unwrap_or_default());
        return result(rule, case, &at, Some(why), first.span);
    }
    let findings = e.findings;
    // Not assessable as a whole (no previous report) says so in the outcome, not a finding.
    let whole = e.rules.first().filter(|o| o.outcome == eval::Outcome::NotAssessable && o.not_assessable == 0).and_then(|o| o.reason.clone());
    for expect in &case.expect {
        if let Some(why) = unmet(expect.outcome.node, expect.at.as_ref(), &case.expect, &findings, whole.as_deref()) {
            return result(rule, case, &at, Some(why), expect.span);
        }
    }
    if case.expect.is_empty() {
        return result(rule, case, &at, Some("用例没有 expect 语句".into()), case.name.span);
    }
    result(rule, case, &at, None, case.span)
}

/// A report of the template with every cell 0 or blank, and the given cells (of the
/// previous year's report, with `previous`).
fn build_report(case: &Case, tpl: &Template, previous: bool) -> Result<Report, (String, Span)> {
    let filler = if case.others_zero { "0" } else { "" };
    let mut tables = BTreeMap::new();
    for def in &tpl.tables {
        let mut table = Table::new(&tpl.id, def);
        for (_, r) in def.rows() {
            let Some(row) = table.add_row(def, &r.key, r.label.clone(), None) else { continue };
            for c in def.cols_of(&r.key) {
                let _ = row.cells.insert(&c.key, cell_from(filler, RSpan::new(0, 0)));
            }
        }
        tables.insert(def.key.clone(), table);
    }
    // The given cells and prose, written out as the report's text so findings can point
    // at them.
    let mut source = String::new();
    let mut sections: Vec<Section> = Vec::new();
    let (mut published, mut issuer) = (None, Some("用例".to_string()));
    for g in case.given.iter().filter(|g| g.previous == previous) {
        let cell = match &g.target {
            GivenTarget::Cell(c) => c,
            GivenTarget::Meta(m) if matches!(m.node.as_str(), "发布日期" | "published") => {
                let date = crate::report::meta::date(&g.raw.node).ok_or_else(|| (format!("“{}”不是日期，请写作 2022-01-31", g.raw.node), g.raw.span))?;
                published = Some(date);
                continue;
            }
            GivenTarget::Meta(_) => {
                issuer = Some(g.raw.node.clone());
                continue;
            }
            GivenTarget::Text(t) => {
                for (number, title) in given_sections(t, tpl)? {
                    let line = format!("正文·{title} = ");
                    let at = source.len() + line.len();
                    let _ = writeln!(source, "{line}{}", g.raw.node);
                    let text = g.raw.node.clone();
                    let facts = crate::report::facts::extract(&text, at);
                    sections.retain(|s| s.number != number);
                    sections.push(Section { number, title, text, span: RSpan::new(at, g.raw.node.len()), facts });
                }
                continue;
            }
        };
        let (t, r, c) = given_cell(cell, tpl)?;
        let line = format!("{}·{}·{} = ", t, r, c);
        let at = source.len() + line.len();
        let _ = writeln!(source, "{line}{}", g.raw.node);
        let cell = cell_from(&g.raw.node, RSpan::new(at, g.raw.node.len()));
        if let Some(slot) = tables.get_mut(&t).and_then(|tb: &mut Table| tb.rows.get_mut(&r)).and_then(|row| row.cells.get_mut(&c)) {
            *slot = cell;
        }
    }
    Ok(Report {
        path: if previous { format!("用例的上年报告（{} 年格式）", tpl.id) } else { format!("用例（{} 年格式）", tpl.id) },
        form: "case".into(),
        issuer,
        year: Some(tpl.first_year),
        template: Some(tpl.id.clone()),
        published,
        title: None,
        sections: {
            sections.sort_by_key(|s| s.number);
            sections
        },
        tables,
        diagnostics: Vec::new(),
        consumed: Vec::new(),
        doubted: Vec::new(),
        source: Arc::from(source),
        span_text: crate::report::model::SpanText::Rendering,
        file_map: None,
    })
}

/// Whether a given names a cell or section of the template (why not, where).
fn given_place(g: &GivenTarget, tpl: &Template) -> Result<(), (String, Span)> {
    match g {
        GivenTarget::Cell(c) => given_cell(c, tpl).map(|_| ()),
        GivenTarget::Text(t) => given_sections(t, tpl).map(|_| ()),
        GivenTarget::Meta(_) => Ok(()),
    }
}

/// The sections a `given 正文[…]` sets: one or more by title or number, no phrase.
fn given_sections(t: &TextRef, tpl: &Template) -> Result<Vec<(u8, String)>, (String, Span)> {
    if let Some(p) = t.phrases.first() {
        return Err(("given 正文[…] 给出一部分的正文，不写短语：given 正文[总体情况] = \"……\"".to_string(), p.span));
    }
    let mut out = Vec::new();
    for name in &t.sections {
        let found = crate::check::text::section(tpl, name).map_err(|e| (e.message(), name.span))?;
        out.extend(found);
    }
    Ok(out)
}

/// A given's cell reference → (table, row, column) keys of the template.
fn given_cell(r: &CellRef, tpl: &Template) -> Result<(String, String, String), (String, Span)> {
    let def =
        tpl.tables.iter().find(|t| t.key == r.table.node || t.name == r.table.node).ok_or_else(|| (format!("未知的表格“{}”", r.table.node), r.table.span))?;
    let one = |s: &Option<Selector>| match s {
        Some(Selector::One(n)) => Ok(n.clone()),
        _ => Err(("given 需要写出一个单元格：表三[行, 列]".to_string(), r.span)),
    };
    let (rn, cn) = (one(&r.row)?, one(&r.col)?);
    let row = match names::row(def, &rn) {
        Resolved::One(RowName::Row(row), _) => row.key.clone(),
        Resolved::One(RowName::Group(g), _) => return Err((format!("“{}”是分组，请写出其中的一行", g.label), rn.span)),
        Resolved::Ambiguous(c) => return Err((format!("“{}”有歧义：{}", rn.node, c.join("、")), rn.span)),
        Resolved::Unknown(_) => return Err((format!("{} 年格式的{}中没有“{}”这一行", tpl.id, def.name, rn.node), rn.span)),
    };
    let col = match names::col(def, &cn) {
        Resolved::One(c, _) => c.key.clone(),
        Resolved::Ambiguous(c) => return Err((format!("“{}”有歧义：{}", cn.node, c.join("、")), cn.span)),
        Resolved::Unknown(_) => return Err((format!("{}中没有“{}”这一列", def.name, cn.node), cn.span)),
    };
    if def.col(&row, &col).is_none() {
        return Err((format!("{}的“{}”行没有“{}”列", def.name, rn.node, cn.node), r.span));
    }
    Ok((def.key.clone(), row, col))
}

/// Where a finding arose, in words: its binding, or (for `report once`) its cells.
fn places(f: &Finding) -> Vec<(String, String)> {
    if f.binding.is_empty() {
        f.cells.iter().map(|c| (format!("{}.{}", c.row, c.col), c.name())).collect()
    } else {
        f.binding.iter().map(|b| (b.key.clone(), b.label.clone())).collect()
    }
}

fn matches_place(sel: &str, (key, label): &(String, String)) -> bool {
    let n = labels::normalize(sel);
    let l = labels::normalize(label);
    key == sel || l == n || labels::strip_ordinal(&l) == labels::strip_ordinal(&n) || (n.chars().count() >= 2 && l.contains(&n))
}

fn sel_names(sel: &Selector) -> Vec<String> {
    match sel {
        Selector::One(s) => vec![s.node.clone()],
        Selector::Range(a, b) => vec![a.node.clone(), b.node.clone()],
        Selector::List(v) => v.iter().map(|s| s.node.clone()).collect(),
    }
}

/// Why an expectation does not hold, or `None`.
/// `whole`: why the rule was not assessable as a whole, when it was (no previous report).
fn unmet(outcome: Outcome, at: Option<&Selector>, all: &[crate::syntax::ast::Expect], findings: &[Finding], whole: Option<&str>) -> Option<String> {
    let fails: Vec<&Finding> = findings.iter().filter(|f| f.class.is_failure()).collect();
    let skips: Vec<&Finding> = findings.iter().filter(|f| !f.class.is_failure()).collect();
    let show = |fs: &[&Finding]| fs.iter().map(|f| f.message.clone()).chain(whole.map(str::to_string)).collect::<Vec<_>>().join("；");
    let skipped = !skips.is_empty() || whole.is_some();
    match outcome {
        Outcome::Pass if !fails.is_empty() => Some(format!("预期通过，实际失败：{}", show(&fails))),
        Outcome::Pass if skipped => Some(format!("预期通过，实际无法评估：{}", show(&skips))),
        Outcome::Skip if !fails.is_empty() => Some(format!("预期无法评估，实际失败：{}", show(&fails))),
        Outcome::Skip if !skipped => Some("预期无法评估，实际通过".into()),
        Outcome::Fail if fails.is_empty() && skipped => Some(format!("预期失败，实际无法评估：{}", show(&skips))),
        Outcome::Fail if fails.is_empty() => Some("预期失败，实际通过".into()),
        Outcome::Fail => {
            let at = at?;
            for name in sel_names(at) {
                if !fails.iter().any(|f| places(f).iter().any(|p| matches_place(&name, p))) {
                    let got: Vec<String> = fails.iter().flat_map(|f| places(f)).map(|p| p.1).collect();
                    return Some(format!("预期在“{name}”失败，实际失败位置：{}", got.join("、")));
                }
            }
            // Failures nowhere named by any `expect fail at` are unexpected too.
            let named: Vec<String> = all.iter().filter(|e| e.outcome.node == Outcome::Fail).filter_map(|e| e.at.as_ref()).flat_map(sel_names).collect();
            let extra: Vec<String> = fails.iter().flat_map(|f| places(f)).filter(|p| !named.iter().any(|n| matches_place(n, p))).map(|p| p.1).collect();
            (!extra.is_empty()).then(|| format!("还在预期之外的位置失败：{}", extra.join("、")))
        }
        _ => None,
    }
}
