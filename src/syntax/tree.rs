//! The AST as an indented tree, one node a line, for snapshots: `tree` adds each node's byte
//! span and the source text it covers, so a snapshot shows what was parsed *and* where;
//! `outline` leaves both out, so two spellings of one rule (ASCII and full-width
//! punctuation) can be compared.

use super::ast::*;
use super::span::{Span, Spanned};
use std::fmt::Write as _;

impl File {
    /// The tree with spans and source slices; `source` is the text this file was parsed from.
    pub fn tree(&self, source: &str) -> String {
        self.print(Some(source))
    }

    /// The tree without spans.
    pub fn outline(&self) -> String {
        self.print(None)
    }

    fn print(&self, source: Option<&str>) -> String {
        let mut p = Printer { source, out: String::new(), depth: 0 };
        for inc in &self.includes {
            p.leaf(format_args!("include {:?}", inc.node), inc.span);
        }
        for rule in &self.rules {
            p.rule(rule);
        }
        p.out
    }
}

/// Longest source slice shown on a line, in chars.
const SLICE: usize = 48;

struct Printer<'a> {
    source: Option<&'a str>,
    out: String,
    depth: usize,
}

impl Printer<'_> {
    /// One line: the node, then (with a source) `start..end` and the text it spans.
    fn leaf(&mut self, head: impl std::fmt::Display, span: Span) {
        let _ = write!(self.out, "{:1$}{head}", "", self.depth * 2);
        if let Some(src) = self.source {
            let text = src.get(span.start..span.end).unwrap_or("<范围外>");
            let mut shown: String = text.chars().take(SLICE).collect::<String>().replace('\n', "⏎");
            if text.chars().count() > SLICE {
                shown.push('…');
            }
            let _ = write!(self.out, "  {}..{} `{shown}`", span.start, span.end);
        }
        self.out.push('\n');
    }

    /// A line for what has no span of its own.
    fn fact(&mut self, head: impl std::fmt::Display) {
        let _ = writeln!(self.out, "{:1$}{head}", "", self.depth * 2);
    }

    /// A line, then `body` one level deeper.
    fn node(&mut self, head: impl std::fmt::Display, span: Span, body: impl FnOnce(&mut Self)) {
        self.leaf(head, span);
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }

    fn name(&mut self, what: &str, s: &Spanned<String>) {
        self.leaf(format_args!("{what} {:?}", s.node), s.span);
    }

    fn rule(&mut self, r: &Rule) {
        self.node("rule", r.span, |p| {
            p.name("id", &r.id);
            p.name("title", &r.title);
            p.stmts(&r.body);
        });
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Severity(l) => self.leaf(format_args!("severity {:?}", l.node), l.span),
            Stmt::Blank(b) => self.leaf(format_args!("blank {:?}", b.node), b.span),
            Stmt::Class(c) => self.leaf(format_args!("class {:?}", c.node), c.span),
            Stmt::ReportOnce(span) => self.leaf("report once", *span),
            Stmt::Scope(words, span) => self.node("scope", *span, |p| {
                for w in words {
                    p.name("word", w);
                }
            }),
            Stmt::When(e) => self.node("when", e.span, |p| p.expr(e)),
            Stmt::Message(m) => self.name("message", m),
            Stmt::Let(name, e) => {
                self.fact("let");
                self.depth += 1;
                self.name("name", name);
                self.expr(e);
                self.depth -= 1;
            }
            Stmt::Check { expr, within, span } => self.node("check", *span, |p| {
                p.expr(expr);
                if let Some(w) = within {
                    p.leaf(format_args!("within {}", w.node), w.span);
                }
            }),
            Stmt::ForEach(f) => self.node(format_args!("for each {:?}", f.quant.node), f.span, |p| {
                p.leaf(format_args!("quant {:?}", f.quant.node), f.quant.span);
                p.name("var", &f.var);
                if let Some(at) = f.domain_prev {
                    p.leaf("in previous", at);
                }
                match &f.domain {
                    Domain::Cells(c) => p.node("in", c.span, |p| p.cell_ref(c)),
                    Domain::Text(t) => p.node("in text", t.span, |p| p.text_ref(t)),
                }
                p.stmts(&f.body);
            }),
            Stmt::Case(c) => self.case(c),
        }
    }

    fn case(&mut self, c: &Case) {
        self.node("case", c.span, |p| {
            p.name("name", &c.name);
            if let Some(t) = &c.template {
                p.name("template", t);
            }
            if let Some(t) = &c.previous_template {
                p.name("previous template", t);
            }
            if let Some(at) = c.no_previous {
                p.leaf("no previous", at);
            }
            p.fact(format_args!("others {}", if c.others_zero { "zero" } else { "blank" }));
            for g in &c.given {
                p.fact(if g.previous { "given previous" } else { "given" });
                p.depth += 1;
                match &g.target {
                    GivenTarget::Cell(c) => p.node("cell", c.span, |p| p.cell_ref(c)),
                    GivenTarget::Text(t) => p.node("text", t.span, |p| p.text_ref(t)),
                    GivenTarget::Meta(m) => p.name("meta", m),
                }
                p.name("raw", &g.raw);
                p.depth -= 1;
            }
            for e in &c.expect {
                p.node(format_args!("expect {:?}", e.outcome.node), e.span, |p| {
                    if let Some(at) = &e.at {
                        p.selector("at", at);
                    }
                });
            }
        });
    }

    fn cell_ref(&mut self, c: &CellRef) {
        self.name("table", &c.table);
        if let Some(r) = &c.row {
            self.selector("row", r);
        }
        if let Some(col) = &c.col {
            self.selector("col", col);
        }
    }

    fn text_ref(&mut self, t: &TextRef) {
        for s in &t.sections {
            self.name("section", s);
        }
        for ph in &t.phrases {
            self.name("phrase", ph);
        }
    }

    fn selector(&mut self, what: &str, s: &Selector) {
        match s {
            Selector::One(one) => self.name(what, one),
            Selector::Range(a, b) => self.node(format_args!("{what} range"), s.span(), |p| {
                p.name("from", a);
                p.name("to", b);
            }),
            Selector::List(items) => self.node(format_args!("{what} list"), s.span(), |p| {
                for i in items {
                    p.name("item", i);
                }
            }),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Num(n) => self.leaf(format_args!("num {n}"), e.span),
            ExprKind::Str(s) => self.leaf(format_args!("str {s:?}"), e.span),
            ExprKind::Name(n) => self.leaf(format_args!("name {n:?}"), e.span),
            ExprKind::Key(parts) => self.node("key", e.span, |p| {
                for part in parts {
                    p.name("part", part);
                }
            }),
            ExprKind::Cell(c) => self.node("cell", e.span, |p| p.cell_ref(c)),
            ExprKind::Text(t) => self.node("text", e.span, |p| p.text_ref(t)),
            ExprKind::Call(name, args) => self.node(format_args!("call {:?}", name.node), e.span, |p| {
                p.name("function", name);
                for a in args {
                    p.expr(a);
                }
            }),
            ExprKind::Neg(x) => self.node("neg", e.span, |p| p.expr(x)),
            ExprKind::Not(x) => self.node("not", e.span, |p| p.expr(x)),
            ExprKind::Binary(op, l, r) => self.node(format_args!("binary {op:?}"), e.span, |p| {
                p.expr(l);
                p.expr(r);
            }),
            ExprKind::Prev(x, mark) => self.node("previous", e.span, |p| {
                p.leaf("mark", *mark);
                p.expr(x);
            }),
        }
    }
}
