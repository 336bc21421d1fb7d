//! Rule-level settings (severity, blank policy, class, `report once`, message) and the
//! message template. Each setting may be written once: a second one is an error pointed
//! at it, naming the line of the first (a silent "last one wins" hides mistakes).

use super::ir::MsgPart;
use crate::diagnostics::line_of;
use crate::diagnostics::rules::{RuleError, RuleErrorKind as K};
use crate::syntax::ast::{self, Stmt};
use crate::syntax::{Span, Spanned};

/// Rule-level settings, independent of the template.
pub struct Settings {
    pub severity: ast::Severity,
    /// `severity` was written (a rule reading the prose is a warning by default).
    pub severity_written: bool,
    /// `scope "全市" | …`: words marking a sentence of another scope.
    pub scope: Vec<String>,
    pub blank: ast::BlankPolicy,
    pub class: ast::Class,
    pub once: bool,
    pub message: Option<Spanned<String>>,
    pub cases: Vec<ast::Case>,
    pub has_check: bool,
}

/// Read the settings of a rule body; repeated settings are reported into `errors`.
pub fn settings(stmts: &[Stmt], text: &str, errors: &mut Vec<RuleError>) -> Settings {
    let mut s = Settings {
        severity: ast::Severity::Error,
        severity_written: false,
        scope: Vec::new(),
        blank: ast::BlankPolicy::Skip,
        class: ast::Class::Error,
        once: false,
        message: None,
        cases: Vec::new(),
        has_check: false,
    };
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    walk(stmts, &mut s, &mut seen, text, errors, 0);
    for c in &s.cases {
        case_mistakes(c, errors);
    }
    s
}

/// Mistakes a case can show without running: the same cell given twice (the last would
/// win unseen), and expectations that contradict each other.
fn case_mistakes(c: &ast::Case, errors: &mut Vec<RuleError>) {
    let written = |g: &ast::Given| {
        let sel = |s: &Option<ast::Selector>| match s {
            Some(ast::Selector::One(n)) => crate::template::labels::normalize(n),
            _ => String::new(),
        };
        match &g.target {
            ast::GivenTarget::Cell(c) => (g.previous, c.table.node.clone(), sel(&c.row), sel(&c.col)),
            ast::GivenTarget::Text(t) => {
                let names: Vec<String> = t.sections.iter().map(|s| crate::template::labels::normalize(s)).collect();
                (g.previous, "正文".into(), names.join("|"), String::new())
            }
            ast::GivenTarget::Meta(m) => (g.previous, m.node.clone(), String::new(), String::new()),
        }
    };
    for (i, g) in c.given.iter().enumerate() {
        if c.given[..i].iter().any(|o| written(o) == written(g)) {
            let message = format!("用例“{}”两次给出同一个单元格", c.name.node);
            errors.push(RuleError::new(K::Case { message }, g.target.span()));
        }
    }
    let has = |o: ast::Outcome| c.expect.iter().any(|e| e.outcome.node == o);
    let kinds = [ast::Outcome::Pass, ast::Outcome::Fail, ast::Outcome::Skip].into_iter().filter(|o| has(*o)).count();
    if kinds > 1 {
        let message = format!("用例“{}”的预期互相矛盾（pass、fail、skip 只能选一种）", c.name.node);
        errors.push(RuleError::new(K::Case { message }, c.expect.last().map_or(c.name.span, |e| e.span)));
    }
}

fn walk(stmts: &[Stmt], s: &mut Settings, seen: &mut Vec<(&'static str, Span)>, text: &str, errors: &mut Vec<RuleError>, depth: usize) {
    for st in stmts {
        // Settings and cases are the rule's, not a loop's: written inside one they look
        // as if they applied to it alone.
        let inner = |what: &str, span: Span, errors: &mut Vec<RuleError>| {
            if depth > 0 {
                let message = format!("{what} 是整条规则的设置，应写在规则的最外层，不能写在 for each 里");
                errors.push(RuleError::new(K::Type { message, help: Some("把它移到 for each 的大括号之外".into()) }, span));
            }
        };
        let (what, span) = match st {
            Stmt::Severity(v) => {
                s.severity = v.node;
                s.severity_written = true;
                ("severity", v.span)
            }
            Stmt::Blank(v) => {
                s.blank = v.node;
                ("blank", v.span)
            }
            Stmt::Class(v) => {
                s.class = v.node;
                ("class", v.span)
            }
            Stmt::Scope(words, span) => {
                s.scope = words.iter().map(|w| w.node.clone()).filter(|w| !w.trim().is_empty()).collect();
                if s.scope.len() < words.len() {
                    let message = "scope 的词语不能是空的".to_string();
                    errors.push(RuleError::new(K::Type { message, help: Some("例如 scope \"全市\" | \"备案\"".into()) }, *span));
                }
                ("scope", *span)
            }
            Stmt::ReportOnce(span) => {
                s.once = true;
                ("report once", *span)
            }
            Stmt::Message(m) => {
                s.message = Some(m.clone());
                ("message", m.span)
            }
            Stmt::Case(c) => {
                inner("case", c.name.span, errors);
                s.cases.push(c.clone());
                continue;
            }
            Stmt::Check { .. } => {
                s.has_check = true;
                continue;
            }
            Stmt::ForEach(fe) => {
                walk(&fe.body, s, seen, text, errors, depth + 1);
                continue;
            }
            _ => continue,
        };
        inner(what, span, errors);
        match seen.iter().find(|(w, _)| *w == what) {
            Some((_, first)) => {
                let line = line_of(text, first.start);
                errors.push(RuleError::new(K::Repeated { what, first_line: line }, span));
            }
            None => seen.push((what, span)),
        }
    }
}

/// `{name}` holes of a message, resolved against the rule's variable names. A hole may
/// ask for a display format: `{r:%}` (a ratio as a percentage, one decimal), `{x:.2}`
/// (two decimals).
pub fn message(msg: &Spanned<String>, slots: &[String], errors: &mut Vec<RuleError>) -> Vec<MsgPart> {
    let mut parts = Vec::new();
    let text = &msg.node;
    let mut rest = text.as_str();
    let mut offset = msg.span.start;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(MsgPart::Text(rest[..open].to_string()));
        }
        let hole = rest[open + 1..open + close].trim();
        let span = Span::new(msg.span.source, offset + open, offset + open + close + 1);
        let (name, format) = match hole.split_once([':', '：']) {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (hole, None),
        };
        let format = match format.map(parse_format) {
            None => Some(super::ir::NumFormat::Plain),
            Some(Some(f)) => Some(f),
            Some(None) => {
                errors.push(RuleError::new(K::MessageFormat { hole: hole.to_string() }, span));
                None
            }
        };
        let part = match name {
            "lhs" | "左边" => Some(MsgPart::Lhs),
            "rhs" | "右边" => Some(MsgPart::Rhs),
            "delta" | "差额" => Some(MsgPart::Delta),
            "cells" | "单元格" => Some(MsgPart::Cells),
            "count" | "个数" => Some(MsgPart::Count),
            _ => slots.iter().rposition(|s| s == name).map(MsgPart::Slot),
        };
        match (part, format) {
            (Some(MsgPart::Slot(i)), Some(f)) if f != super::ir::NumFormat::Plain => parts.push(MsgPart::Formatted(i, f)),
            (Some(p @ (MsgPart::Lhs | MsgPart::Rhs | MsgPart::Delta)), Some(f)) if f != super::ir::NumFormat::Plain => {
                parts.push(MsgPart::FormattedSide(Box::new(p), f))
            }
            // Cells and counts are not numbers to format.
            (Some(MsgPart::Cells | MsgPart::Count), Some(f)) if f != super::ir::NumFormat::Plain => {
                errors.push(RuleError::new(K::MessageFormat { hole: hole.to_string() }, span))
            }
            (Some(p), Some(_)) => parts.push(p),
            (Some(_), None) => {}
            (None, _) => errors.push(RuleError::new(K::MessageName { name: name.to_string() }, span)),
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(MsgPart::Text(rest.to_string()));
    }
    parts
}

fn parse_format(f: &str) -> Option<super::ir::NumFormat> {
    use super::ir::NumFormat;
    if f == "%" {
        return Some(NumFormat::Percent(1));
    }
    if let Some(n) = f.strip_suffix('%').and_then(|d| d.strip_prefix('.')) {
        return n.parse().ok().filter(|n| *n <= 10).map(NumFormat::Percent);
    }
    f.strip_prefix('.').and_then(|n| n.parse().ok()).filter(|n| *n <= 10).map(NumFormat::Places)
}
