//! Typed resolution: parsed rules → [`ir::CompiledRule`]s, each resolved against every
//! template of its pack. Across templates:
//!
//! - a name unknown in some templates makes the rule apply only to the others, and the
//!   author is warned at the name ("此规则只适用于 2021 年格式") — unless a leading
//!   `when template == …` already says so (then the other templates are not resolved);
//! - a name that resolves to different rows or columns in different templates, or is
//!   ambiguous in any, is an error with the candidates per template;
//! - a rule that applies to no template is an error.
//!
//! Every other mistake (types, ranges, settings) is an error wherever it occurs.

pub mod funcs;
pub mod ir;
mod listing;
pub mod names;
pub mod resolve;
pub mod settings;
pub mod suggest;
pub(crate) mod text;

use crate::diagnostics::rules::{RuleError, RuleErrorKind as K};
use crate::syntax::ast::{self, BinOp, ExprKind, Stmt};
use crate::syntax::SourceId;
use crate::template::Template;
use ir::{CompiledRule, Variant};
use resolve::NameUse;
use std::sync::Arc;

pub use listing::ir_text;

/// What compiling a pack's rules gave.
#[derive(Debug, Default)]
pub struct Compiled {
    pub rules: Vec<CompiledRule>,
    pub errors: Vec<RuleError>,
    /// Mistakes that do not stop the pack (a rule for some templates only).
    pub warnings: Vec<RuleError>,
}

/// Errors that only say a name does not exist in this template: a label of another
/// year's layout is unknown here.
fn name_only(e: &RuleError) -> bool {
    matches!(e.kind, K::UnknownRow { .. } | K::UnknownCol { .. } | K::UnknownTable { .. })
}

/// Resolve every rule of the parsed files against the templates (oldest first).
/// `texts` holds each file's text by `SourceId`.
pub fn compile(files: &[(SourceId, ast::File)], texts: &[&str], templates: &[Arc<Template>]) -> Compiled {
    let mut out = Compiled::default();
    let mut seen: Vec<&str> = Vec::new();
    let ids: Vec<String> = templates.iter().map(|t| t.id.clone()).collect();
    for rule in files.iter().flat_map(|(_, f)| &f.rules) {
        if seen.contains(&rule.id.node.as_str()) {
            out.errors.push(RuleError::new(K::DuplicateRule { id: rule.id.node.clone() }, rule.id.span));
            continue;
        }
        seen.push(&rule.id.node);
        let text = texts.get(rule.span.source.0 as usize).copied().unwrap_or("");
        if let Some(r) = compile_rule(rule, text, templates, &ids, &mut out) {
            out.errors.extend(crate::testing::cases::case_errors(&r));
            out.rules.push(r);
        }
    }
    out
}

/// A template (and, for a rule reading the previous report, that report's template) and
/// the resolver's work on a rule (`None`: excluded by the rule's guard).
type Raw<'t> = (Arc<Template>, Option<Arc<Template>>, Option<(resolve::Resolver<'t>, Vec<ir::Op>)>);

/// How a variant is named to the author: `2021`, or `2021（上年 2019）` for a pair.
fn pair_label(tpl: &Template, prev: Option<&Arc<Template>>) -> String {
    match prev {
        Some(p) => format!("{}（上年 {}）", tpl.id, p.id),
        None => tpl.id.clone(),
    }
}

/// Whether a rule reads the previous year's report anywhere (`上年.…`).
pub fn reads_previous(body: &[Stmt]) -> bool {
    fn expr(e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Prev(..) => true,
            ExprKind::Call(_, args) => args.iter().any(expr),
            ExprKind::Neg(x) | ExprKind::Not(x) => expr(x),
            ExprKind::Binary(_, a, b) => expr(a) || expr(b),
            _ => false,
        }
    }
    body.iter().any(|s| match s {
        Stmt::When(e) | Stmt::Let(_, e) => expr(e),
        Stmt::Check { expr: e, .. } => expr(e),
        Stmt::ForEach(fe) => fe.domain_prev.is_some() || reads_previous(&fe.body),
        _ => false,
    })
}

/// Whether a rule reads the prose anywhere (`正文[…]`).
pub fn reads_prose(body: &[Stmt]) -> bool {
    fn expr(e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Text(_) => true,
            ExprKind::Call(_, args) => args.iter().any(expr),
            ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::Prev(x, _) => expr(x),
            ExprKind::Binary(_, a, b) => expr(a) || expr(b),
            _ => false,
        }
    }
    body.iter().any(|s| match s {
        Stmt::When(e) | Stmt::Let(_, e) => expr(e),
        Stmt::Check { expr: e, .. } => expr(e),
        Stmt::ForEach(fe) => matches!(fe.domain, ast::Domain::Text(_)) || reads_prose(&fe.body),
        _ => false,
    })
}

/// A template's resolution of one rule.
struct Attempt {
    template: Arc<Template>,
    previous: Option<Arc<Template>>,
    /// `None`: excluded by the rule's template guard.
    result: Option<Resolved>,
}

struct Resolved {
    ops: Vec<ir::Op>,
    names: Vec<NameUse>,
    name_errors: Vec<RuleError>,
    slots: Vec<String>,
    /// Per slot: a `let` value (not a loop variable).
    values: Vec<bool>,
    first_table: Option<String>,
    op_tables: Vec<Option<String>>,
    op_prev_tables: Vec<Vec<String>>,
}

impl Attempt {
    fn label(&self) -> String {
        pair_label(&self.template, self.previous.as_ref())
    }
    fn same(&self, other: &Attempt) -> bool {
        self.label() == other.label()
    }
}

fn compile_rule(rule: &ast::Rule, text: &str, templates: &[Arc<Template>], ids: &[String], out: &mut Compiled) -> Option<CompiledRule> {
    let before = out.errors.len();
    let s = settings::settings(&rule.body, text, &mut out.errors);
    if !s.has_check {
        out.errors.push(RuleError::new(K::NoCheck { id: rule.id.node.clone() }, rule.id.span));
    }
    let previous = reads_previous(&rule.body);
    let guard = template_guard(&rule.body, false);
    let prev_guard = if previous { template_guard(&rule.body, true) } else { None };
    let mut other: Vec<RuleError> = Vec::new();
    let mut raw: Vec<Raw<'_>> = Vec::new();
    // A rule reading the previous report is resolved per pair of templates (names after
    // `上年.` in the previous report's), eagerly: templates are few.
    let pairs: Vec<(&Arc<Template>, Option<&Arc<Template>>)> = if previous {
        templates.iter().flat_map(|t| templates.iter().map(move |p| (t, Some(p)))).collect()
    } else {
        templates.iter().map(|t| (t, None)).collect()
    };
    for (tpl, prev) in pairs {
        let excluded = guard.as_ref().is_some_and(|g| !g.admits(&tpl.id)) || prev_guard.as_ref().zip(prev).is_some_and(|(g, p)| !g.admits(&p.id));
        if excluded {
            raw.push((tpl.clone(), prev.cloned(), None));
            continue;
        }
        let mut r = match prev {
            Some(p) => resolve::Resolver::with_previous(tpl, p, ids),
            None => resolve::Resolver::new(tpl, ids),
        };
        let ops = r.block(&rule.body);
        raw.push((tpl.clone(), prev.cloned(), Some((r, ops))));
    }
    // A name written in full (key or whole label) in one template but only vaguely
    // matching several rows in another is absent there, not ambiguous (`3.其他` of 2021
    // in 2019); a short form ambiguous somewhere is an error, per template.
    let exact: Vec<crate::syntax::Span> =
        raw.iter().filter_map(|(_, _, r)| r.as_ref()).flat_map(|(r, _)| r.names.iter().filter(|n| n.exact).map(|n| n.span)).collect();
    let ambiguous_somewhere: Vec<crate::syntax::Span> = raw
        .iter()
        .filter_map(|(_, _, r)| r.as_ref())
        .flat_map(|(r, _)| r.errors.iter().filter(|e| matches!(e.kind, K::Ambiguous { .. })).map(|e| e.span))
        .filter(|s| !exact.contains(s))
        .collect();
    let per_template_meaning = ambiguity_across(&raw, &ambiguous_somewhere);
    let mut attempts = Vec::new();
    // Per error of `other`: the templates it arose in.
    let mut where_: Vec<Vec<String>> = Vec::new();
    let admitted = raw.iter().filter(|(_, _, r)| r.is_some()).count();
    for (tpl, prev, r) in raw {
        let label = pair_label(&tpl, prev.as_ref());
        let Some((r, ops)) = r else {
            attempts.push(Attempt { template: tpl, previous: prev, result: None });
            continue;
        };
        let (name_errors, rest): (Vec<_>, Vec<_>) =
            r.errors.into_iter().partition(|e| name_only(e) || (matches!(e.kind, K::Ambiguous { .. }) && exact.contains(&e.span)));
        // One error per place: the newest template's wording wins (templates go oldest first).
        for e in rest {
            if per_template_meaning.iter().any(|m| m.span == e.span) {
                continue;
            }
            match other.iter_mut().position(|o| o.span == e.span && o.code() == e.code()) {
                Some(i) => {
                    other[i] = e;
                    where_[i].push(label.clone());
                }
                None => {
                    other.push(e);
                    where_.push(vec![label.clone()]);
                }
            }
        }
        let result = Resolved {
            ops,
            names: r.names,
            name_errors,
            slots: r.slots,
            values: r.value_slots,
            first_table: r.first_table,
            op_tables: r.op_tables,
            op_prev_tables: r.op_prev_tables,
        };
        attempts.push(Attempt { template: tpl, previous: prev, result: Some(result) });
    }
    // A type error of some templates only says which (（六）其他处理 is one row in 2019,
    // a group of three in 2021).
    for (e, ids) in other.iter_mut().zip(&where_) {
        if let K::Type { message, .. } = &mut e.kind {
            if ids.len() < admitted {
                message.push_str(&format!("（{} 年格式）", ids.join("、")));
            }
        }
    }
    other.extend(per_template_meaning);
    let tried: Vec<&Attempt> = attempts.iter().filter(|a| a.result.is_some()).collect();
    let ok: Vec<&Attempt> = tried.iter().copied().filter(|a| a.result.as_ref().is_some_and(|r| r.name_errors.is_empty())).collect();
    if let (Some(g), true) = (guard.as_ref().or(prev_guard.as_ref()), tried.is_empty()) {
        out.errors.push(RuleError::new(K::NeverApplies { why: format!("条件 {} 在 {} 年格式中都不成立", g.text, ids.join("、")) }, g.span));
    } else if ok.is_empty() {
        // The newest template with the fewest errors speaks (templates go oldest first).
        let fewest = tried.iter().rev().filter_map(|a| a.result.as_ref()).min_by_key(|r| r.name_errors.len());
        if let Some(r) = fewest {
            out.errors.extend(r.name_errors.iter().cloned());
        }
    } else if ok.len() < tried.len() {
        let missing: Vec<&Attempt> = tried.iter().copied().filter(|a| !ok.iter().any(|o| o.same(a))).collect();
        if let Some(first) = missing.first().and_then(|a| a.result.as_ref()).and_then(|r| r.name_errors.first()) {
            let name = names_in(first);
            let warn = if previous {
                K::PartialPairs { name, applies: ok.iter().map(|a| a.label()).collect(), missing: missing.iter().map(|a| a.label()).collect() }
            } else {
                K::PartialTemplates {
                    name,
                    applies: ok.iter().map(|a| a.template.id.clone()).collect(),
                    missing: missing.iter().map(|a| a.template.id.clone()).collect(),
                }
            };
            out.warnings.push(RuleError::new(warn, first.span));
        }
    }
    meaning_across(&ok, &mut other);
    let first_ok = ok.first().and_then(|a| a.result.as_ref());
    let slots = first_ok.map(|r| r.slots.clone()).unwrap_or_default();
    let message = s.message.as_ref().map(|m| settings::message(m, &slots, &mut other));
    // A display format is for numbers: a loop variable shows a label.
    if let (Some(parts), Some(m), Some(r)) = (&message, &s.message, first_ok) {
        if let Some(ir::MsgPart::Formatted(i, _)) =
            parts.iter().find(|p| matches!(p, ir::MsgPart::Formatted(i, _) if !r.values.get(*i).copied().unwrap_or(true)))
        {
            let hole = format!("{}:…", r.slots.get(*i).map_or("", String::as_str));
            other.push(RuleError::new(K::MessageFormat { hole }, m.span));
        }
    }
    // `report once` merges every failure: a value of one of them would be a pick.
    if let (true, Some(parts), Some(m)) = (s.once, &message, &s.message) {
        use ir::MsgPart as P;
        if parts.iter().any(|p| !matches!(p, P::Text(_) | P::Cells | P::Count)) {
            let message = "report once 把所有失败合并为一条，消息里只能用 {cells} 和 {count}".to_string();
            other.push(RuleError::new(K::Type { message, help: Some("各处的数值、变量和左右两边请去掉 report once 后分别报告".into()) }, m.span));
        }
    }
    for c in &s.cases {
        for t in [&c.template, &c.previous_template].into_iter().flatten().filter(|t| !ids.contains(&t.node)) {
            let message = format!("用例“{}”的格式“{}”不在本规则包中（{}）", c.name.node, t.node, ids.join("、"));
            other.push(RuleError::new(K::Case { message }, t.span));
        }
        other.extend(crate::testing::cases::previous_errors(c, previous));
    }
    // Guards on the template alone decide, per template, whether the rule can run at
    // all (`when template == 2019 and template == 2021` never does).
    let never = |a: &&Attempt| a.result.as_ref().is_some_and(|r| never_runs(&r.ops, &a.template.id, a.previous.as_ref().map(|p| p.id.as_str())));
    if other.is_empty() && !ok.is_empty() && ok.iter().all(never) {
        let span = first_guard(&rule.body).unwrap_or(rule.id.span);
        let ids: Vec<String> = ok.iter().map(|a| a.label()).collect();
        other.push(RuleError::new(K::NeverApplies { why: format!("适用条件在 {} 年格式中都不成立", ids.join("、")) }, span));
    }
    out.errors.append(&mut other);
    if out.errors.len() > before || ok.is_empty() {
        return None;
    }
    let op_tables = first_ok?.op_tables.clone();
    let op_prev_tables = first_ok?.op_prev_tables.clone();
    let primary = ok.iter().find_map(|a| a.result.as_ref().and_then(|r| r.first_table.clone()));
    drop((tried, ok));
    let variants = attempts
        .into_iter()
        .map(|a| {
            let excluded_by = match (&guard, &prev_guard, &a.previous) {
                (Some(g), _, _) if !g.admits(&a.template.id) => Some(g),
                (_, Some(g), Some(p)) if !g.admits(&p.id) => Some(g),
                _ => None,
            };
            let ops = match a.result {
                None => Err(format!("适用条件不成立：when {}", excluded_by.map_or(String::new(), |g| g.text.clone()))),
                Some(r) if r.name_errors.is_empty() => Ok(r.ops),
                Some(r) => {
                    let at = match &a.previous {
                        Some(p) => format!("{} 年格式（上年报告为 {} 年格式）", a.template.id, p.id),
                        None => format!("{} 年格式", a.template.id),
                    };
                    Err(format!("{at}：{}", r.name_errors.first().map(|e| e.message()).unwrap_or_default()))
                }
            };
            Variant { template: a.template, previous: a.previous, ops }
        })
        .collect();
    Some(CompiledRule {
        id: rule.id.node.clone(),
        title: rule.title.node.clone(),
        // A rule on the prose is a warning unless it says otherwise (the phrase → cell
        // mapping is never certain; DOMAIN.md §3.1).
        severity: if !s.severity_written && reads_prose(&rule.body) { ast::Severity::Warning } else { s.severity },
        blank: s.blank,
        class: s.class,
        once: s.once,
        scope: s.scope.clone(),
        message,
        span: rule.span,
        id_span: rule.id.span,
        primary_table: primary.unwrap_or_else(|| "t3".into()),
        op_tables,
        previous,
        op_prev_tables,
        variants,
        slot_names: slots,
        cases: s.cases,
        file: None,
    })
}

/// A short form ambiguous in some templates and resolved in others: one error at the
/// name with what it means in each template.
fn ambiguity_across(raw: &[Raw<'_>], spans: &[crate::syntax::Span]) -> Vec<RuleError> {
    let mut out: Vec<RuleError> = Vec::new();
    for span in spans {
        if out.iter().any(|e| e.span == *span) {
            continue;
        }
        let mut per = Vec::new();
        let mut written = String::new();
        let mut resolved_somewhere = false;
        for (tpl, prev, r) in raw {
            let Some((r, _)) = r else { continue };
            let label = pair_label(tpl, prev.as_ref());
            if let Some(n) = r.names.iter().find(|n| n.span == *span) {
                resolved_somewhere = true;
                written = n.written.clone();
                let m = meant(&label, n);
                if !per.contains(&m) {
                    per.push(m);
                }
            } else if let Some(K::Ambiguous { name, candidates }) = r.errors.iter().find(|e| e.span == *span).map(|e| &e.kind) {
                written = name.clone();
                let m = format!("{label} 年格式可指 {}", candidates.join("、"));
                if !per.contains(&m) {
                    per.push(m);
                }
            }
        }
        if resolved_somewhere {
            out.push(RuleError::new(K::TemplateMeaning { name: written, per_template: per }, *span));
        }
    }
    out
}

/// What a name means in one template, for an error listing the templates.
fn meant(id: &str, n: &NameUse) -> String {
    format!("{id} 年格式为“{}”（{}）", n.printed, n.key)
}

/// The leading guards of a body, decided on the template alone, end it before anything
/// runs.
fn never_runs(ops: &[ir::Op], id: &str, prev: Option<&str>) -> bool {
    for op in ops {
        match op {
            ir::Op::When(ex, _) => match static_truth(ex, id, prev) {
                Some(false) => return true,
                Some(true) => continue,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

/// The value of a condition that depends on the template only; `None` when it reads more.
fn static_truth(ex: &ir::Ex, id: &str, prev: Option<&str>) -> Option<bool> {
    use ir::Ex;
    match ex {
        Ex::TemplateIs(t) => Some(t == id),
        Ex::PrevTemplateIs(t) => prev.map(|p| p == t),
        Ex::Not(x) => static_truth(x, id, prev).map(|b| !b),
        Ex::Bin(ast::BinOp::And, a, b) => match (static_truth(a, id, prev), static_truth(b, id, prev)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Ex::Bin(ast::BinOp::Or, a, b) => match (static_truth(a, id, prev), static_truth(b, id, prev)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Where the rule's first `when` is written.
fn first_guard(body: &[Stmt]) -> Option<crate::syntax::Span> {
    body.iter().find_map(|s| match s {
        Stmt::When(e) => Some(e.span),
        _ => None,
    })
}

/// The name an unknown-name error is about.
fn names_in(e: &RuleError) -> String {
    match &e.kind {
        K::UnknownRow { name, .. } | K::UnknownCol { name, .. } | K::UnknownTable { name, .. } | K::Ambiguous { name, .. } => name.clone(),
        _ => String::new(),
    }
}

/// A name written once must mean the same row, group or column in every template the
/// rule applies to (`其他` is the column 其他 in one and a row elsewhere: an error).
fn meaning_across(ok: &[&Attempt], errors: &mut Vec<RuleError>) {
    let Some(first) = ok.first().and_then(|a| a.result.as_ref()) else {
        return;
    };
    for n in &first.names {
        let per: Vec<(String, &NameUse)> = ok
            .iter()
            .filter_map(|a| a.result.as_ref().map(|r| (a.label(), r)))
            .filter_map(|(id, r)| r.names.iter().find(|m| m.span == n.span).map(|m| (id, m)))
            .collect();
        if per.iter().all(|(_, m)| m.key == n.key) || errors.iter().any(|e| e.span == n.span) {
            continue;
        }
        let per_template = per.iter().map(|(id, m)| meant(id, m)).collect();
        errors.push(RuleError::new(K::TemplateMeaning { name: n.written.clone(), per_template }, n.span));
    }
}

/// A leading `when template == 2021` (or `!=`): the templates the rule is for.
struct Guard {
    equal: bool,
    id: String,
    text: String,
    span: crate::syntax::Span,
}

impl Guard {
    fn admits(&self, id: &str) -> bool {
        (self.id == id) == self.equal
    }
}

/// The rule's template guard (`previous`: the previous report's, `when 上年.template == …`).
/// Leading `when`s on templates are read past, so `when template == 2021` then `when
/// 上年.template == 2021` gives both; the first of each kind counts.
fn template_guard(body: &[Stmt], previous: bool) -> Option<Guard> {
    for st in body {
        match st {
            Stmt::Severity(_) | Stmt::Blank(_) | Stmt::Class(_) | Stmt::ReportOnce(_) | Stmt::Message(_) | Stmt::Case(_) => continue,
            Stmt::When(e) => {
                let ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), l, r) = &e.kind else {
                    return None;
                };
                let is_name = |x: &ast::Expr| matches!(&x.kind, ExprKind::Name(n) if n == "template" || n == "格式");
                let is_prev = |x: &ast::Expr| matches!(&x.kind, ExprKind::Prev(t, _) if is_name(t));
                let side = |x: &ast::Expr| {
                    if is_name(x) {
                        Some(false)
                    } else if is_prev(x) {
                        Some(true)
                    } else {
                        None
                    }
                };
                let (prev_side, other) = match (side(l), side(r)) {
                    (Some(p), _) => (p, r),
                    (None, Some(p)) => (p, l),
                    _ => return None,
                };
                let id = resolve::template_literal(other)?;
                if prev_side != previous {
                    continue;
                }
                let who = if previous { "上年.template" } else { "template" };
                let text = format!("{who} {} {id}", if *op == BinOp::Eq { "==" } else { "!=" });
                return Some(Guard { equal: *op == BinOp::Eq, id, text, span: e.span });
            }
            _ => return None,
        }
    }
    None
}
