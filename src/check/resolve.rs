//! AST → IR for one template: tables, rows, columns and variables resolved, types checked.
//! Collects every mistake and goes on.

use super::ir::*;
use super::names::{self, Resolved, RowName};
use crate::diagnostics::rules::{RuleError, RuleErrorKind as K};
use crate::syntax::ast::{self, CellRef, Expr, ExprKind, Quant, Selector, Stmt};
use crate::syntax::{Span, Spanned};
use crate::template::{TableDef, Template};

/// What a variable holds.
#[derive(Debug, Clone, PartialEq)]
enum VarKind {
    Value,
    Col,
    Row,
    Cell,
}

pub struct Resolver<'t> {
    tpl: &'t Template,
    scopes: Vec<Vec<(String, usize, VarKind)>>,
    /// Names by slot, in declaration order (same across templates).
    pub slots: Vec<String>,
    pub errors: Vec<RuleError>,
    /// The first table the rule names.
    pub first_table: Option<String>,
    /// Per top-level op: the first table it names (its template picks the variant).
    pub op_tables: Vec<Option<String>>,
    stmt_table: Option<String>,
}

const FUNCS: &[(&str, Func)] = &[
    ("sum", Func::Sum),
    ("合计", Func::Sum),
    ("abs", Func::Abs),
    ("min", Func::Min),
    ("max", Func::Max),
    ("blank", Func::IsBlank),
    ("空白", Func::IsBlank),
    ("number", Func::IsNumber),
    ("marker", Func::IsMarker),
    ("text", Func::IsText),
    ("present", Func::Present),
    ("doubtful", Func::Doubtful),
    ("存疑", Func::Doubtful),
    ("valid", Func::Valid),
];

impl<'t> Resolver<'t> {
    pub fn new(tpl: &'t Template) -> Self {
        Resolver { tpl, scopes: vec![Vec::new()], slots: Vec::new(), errors: Vec::new(), first_table: None, op_tables: Vec::new(), stmt_table: None }
    }

    fn err(&mut self, kind: K, span: Span) {
        self.errors.push(RuleError::new(kind, span));
    }

    fn declare(&mut self, name: &str, kind: VarKind) -> usize {
        let slot = self.slots.len();
        self.slots.push(name.to_string());
        self.scopes.last_mut().expect("scope").push((name.to_string(), slot, kind));
        slot
    }

    fn lookup(&self, name: &str) -> Option<(usize, VarKind)> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, ..)| n == name).map(|(_, s, k)| (*s, k.clone()))
    }

    /// The statements of a block as ops; settings (severity, message …) are read elsewhere.
    pub fn block(&mut self, stmts: &[Stmt]) -> Vec<Op> {
        let mut ops = Vec::new();
        let top = self.scopes.len() == 1;
        for stmt in stmts {
            if top {
                self.stmt_table = None;
            }
            let before = ops.len();
            self.stmt(stmt, &mut ops);
            if top && ops.len() > before {
                self.op_tables.push(self.stmt_table.take());
            }
        }
        ops
    }

    fn stmt(&mut self, stmt: &Stmt, ops: &mut Vec<Op>) {
        {
            match stmt {
                Stmt::Let(name, e) => {
                    let ex = self.value(e);
                    let slot = self.declare(name, VarKind::Value);
                    ops.push(Op::Let(slot, ex));
                }
                Stmt::When(e) => ops.push(Op::When(self.value(e))),
                Stmt::Check { expr, within, span } => {
                    let ex = self.value(expr);
                    ops.push(Op::Check { ex, within: within.as_ref().map(|w| w.node), span: *span });
                }
                Stmt::ForEach(fe) => {
                    let items = self.domain(fe.quant.node, &fe.domain);
                    self.scopes.push(Vec::new());
                    let kind = match fe.quant.node {
                        Quant::Col => VarKind::Col,
                        Quant::Row | Quant::Block => VarKind::Row,
                        Quant::Cell => VarKind::Cell,
                    };
                    let slot = self.declare(&fe.var, kind);
                    let body = self.block(&fe.body);
                    self.scopes.pop();
                    ops.push(Op::ForEach { slot, quant: fe.quant.node, items, body });
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, name: &Spanned<String>) -> Option<&'t TableDef> {
        let tpl = self.tpl;
        if let Some(t) = tpl.tables.iter().find(|t| t.key == name.node || t.name == name.node) {
            self.first_table.get_or_insert_with(|| t.key.clone());
            self.stmt_table.get_or_insert_with(|| t.key.clone());
            return Some(t);
        }
        let pool: Vec<(String, String)> = tpl.tables.iter().map(|t| (t.name.clone(), crate::template::labels::normalize(&t.name))).collect();
        let suggestions = super::suggest::suggest(name, pool.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        self.err(K::UnknownTable { name: name.node.clone(), suggestions }, name.span);
        None
    }

    /// Rows named by one selector item: a row, or a group's leaves.
    fn rows_named(&mut self, def: &'t TableDef, name: &Spanned<String>) -> Option<(Vec<Key>, bool)> {
        match names::row(def, name) {
            Resolved::One(RowName::Row(r)) => Some((vec![row_key(def, r)], false)),
            Resolved::One(RowName::Group(g)) => Some((def.leaves(&g.key).iter().map(|r| row_key(def, r)).collect(), true)),
            Resolved::Ambiguous(candidates) => {
                self.err(K::Ambiguous { name: name.node.clone(), candidates }, name.span);
                None
            }
            Resolved::Unknown(suggestions) => {
                self.err(K::UnknownRow { name: name.node.clone(), table: def.name.clone(), suggestions }, name.span);
                None
            }
        }
    }

    fn col_named(&mut self, def: &'t TableDef, name: &Spanned<String>) -> Option<Key> {
        match names::col(def, name) {
            Resolved::One(c) => Some(col_key(def, c)),
            Resolved::Ambiguous(candidates) => {
                self.err(K::Ambiguous { name: name.node.clone(), candidates }, name.span);
                None
            }
            Resolved::Unknown(suggestions) => {
                self.err(K::UnknownCol { name: name.node.clone(), table: def.name.clone(), suggestions }, name.span);
                None
            }
        }
    }

    /// A row-side selector → keys (and whether it is a set), or a row variable.
    fn row_sel(&mut self, def: &'t TableDef, sel: &Selector) -> Option<(Sel, bool)> {
        match sel {
            Selector::One(name) => {
                if let Some((slot, kind)) = self.lookup(name) {
                    return self.var_sel(slot, kind, VarKind::Row, name);
                }
                let (keys, set) = self.rows_named(def, name)?;
                Some((Sel::Keys(keys), set))
            }
            Selector::Range(a, b) => {
                let (first, _) = self.rows_named(def, a)?;
                let (last, _) = self.rows_named(def, b)?;
                let order: Vec<Key> = def.rows().map(|(_, r)| row_key(def, r)).collect();
                let i = order.iter().position(|k| k.0 == first[0].0)?;
                let j = order.iter().position(|k| Some(&k.0) == last.last().map(|l| &l.0))?;
                if i > j {
                    return self.reversed_range(a, b, "先上后下");
                }
                Some((Sel::Keys(order[i..=j].to_vec()), true))
            }
            Selector::List(items) => {
                let mut keys = Vec::new();
                for it in items {
                    keys.extend(self.rows_named(def, it)?.0);
                }
                Some((Sel::Keys(keys), true))
            }
        }
    }

    fn col_sel(&mut self, def: &'t TableDef, sel: &Selector) -> Option<(Sel, bool)> {
        match sel {
            Selector::One(name) => {
                if let Some((slot, kind)) = self.lookup(name) {
                    return self.var_sel(slot, kind, VarKind::Col, name);
                }
                Some((Sel::Keys(vec![self.col_named(def, name)?]), false))
            }
            Selector::Range(a, b) => {
                let ka = self.col_named(def, a)?.0;
                let kb = self.col_named(def, b)?.0;
                let part = def.parts.iter().find(|p| p.cols.iter().any(|c| c.key == ka) && p.cols.iter().any(|c| c.key == kb))?;
                let keys: Vec<Key> = part.cols.iter().map(|c| col_key(def, c)).collect();
                let i = keys.iter().position(|k| k.0 == ka)?;
                let j = keys.iter().position(|k| k.0 == kb)?;
                if i > j {
                    return self.reversed_range(a, b, "先左后右");
                }
                Some((Sel::Keys(keys[i..=j].to_vec()), true))
            }
            Selector::List(items) => {
                let mut keys = Vec::new();
                for it in items {
                    keys.push(self.col_named(def, it)?);
                }
                Some((Sel::Keys(keys), true))
            }
        }
    }

    /// `b .. a` written backwards: an error, nothing resolved.
    fn reversed_range(&mut self, a: &Spanned<String>, b: &Spanned<String>, order: &str) -> Option<(Sel, bool)> {
        let help = Some(format!("范围按表格中的顺序书写：{order}"));
        self.err(K::Type { message: "范围的起点在终点之后".into(), help }, a.span.join(b.span));
        None
    }

    fn var_sel(&mut self, slot: usize, kind: VarKind, want: VarKind, name: &Spanned<String>) -> Option<(Sel, bool)> {
        if kind == want {
            return Some((Sel::Var(slot), false));
        }
        let what = if want == VarKind::Row { "行" } else { "列" };
        let message = format!("“{}”不是{what}变量，不能放在{what}的位置", name.node);
        self.err(K::Type { message, help: Some("表格引用写作 表三[行, 列]".into()) }, name.span);
        None
    }

    /// A cell reference → a cell set, and whether it may hold several cells.
    fn cells(&mut self, r: &CellRef) -> Option<(CellSet, bool)> {
        let def = self.table(&r.table)?;
        let (rows, rset) = match &r.row {
            Some(s) => self.row_sel(def, s)?,
            None => (Sel::Keys(def.rows().map(|(_, r)| row_key(def, r)).collect()), true),
        };
        let (cols, cset) = match &r.col {
            Some(s) => self.col_sel(def, s)?,
            None => (Sel::Keys(all_cols(def)), true),
        };
        let ragged = def.parts.windows(2).any(|w| w[0].cols.iter().map(|c| &c.key).ne(w[1].cols.iter().map(|c| &c.key)));
        Some((CellSet { table: def.key.clone(), ragged, rows, cols, span: r.span }, rset || cset))
    }

    /// The items a quantifier ranges over.
    fn domain(&mut self, quant: Quant, d: &CellRef) -> Vec<Binding> {
        let Some(def) = self.table(&d.table) else { return Vec::new() };
        let keys = |s: Option<(Sel, bool)>| match s {
            Some((Sel::Keys(k), _)) => Some(k),
            _ => None,
        };
        match quant {
            Quant::Col => {
                let cols = match &d.row {
                    Some(s) => keys(self.col_sel(def, s)).unwrap_or_default(),
                    None => all_cols(def),
                };
                cols.into_iter().map(|key_label| Binding::Col { table: def.key.clone(), key_label }).collect()
            }
            Quant::Row | Quant::Block => {
                let rows = match &d.row {
                    Some(s) => keys(self.row_sel(def, s)).unwrap_or_default(),
                    None => def.rows().map(|(_, r)| row_key(def, r)).collect(),
                };
                rows.into_iter().map(|key_label| Binding::Row { table: def.key.clone(), key_label }).collect()
            }
            Quant::Cell => {
                let rows = match &d.row {
                    Some(s) => keys(self.row_sel(def, s)),
                    None => None,
                };
                let cols = match &d.col {
                    Some(s) => keys(self.col_sel(def, s)),
                    None => None,
                };
                let mut out = Vec::new();
                for (p, r, offset) in def.rows_with_offsets() {
                    if rows.as_ref().is_some_and(|rs| !rs.iter().any(|k| k.0 == r.key)) {
                        continue;
                    }
                    for (pos, c) in def.parts[p].cols.iter().enumerate() {
                        if cols.as_ref().is_some_and(|cs| !cs.iter().any(|k| k.0 == c.key)) {
                            continue;
                        }
                        out.push(Binding::Cell(CellAddr {
                            table: def.key.clone(),
                            row: r.key.clone(),
                            col: c.key.clone(),
                            row_label: r.label.clone(),
                            col_label: c.label.clone(),
                            domain: c.domain,
                            ix: offset + pos,
                        }));
                    }
                }
                out
            }
        }
    }

    /// An expression used as a value: a set of cells is only allowed inside `sum`.
    fn value(&mut self, e: &Expr) -> Ex {
        self.expr(e, false)
    }

    fn expr(&mut self, e: &Expr, in_sum: bool) -> Ex {
        match &e.kind {
            ExprKind::Num(n) => Ex::Num(*n),
            ExprKind::Str(s) => Ex::Str(s.clone()),
            ExprKind::Name(n) => self.name(n, e.span),
            ExprKind::Key(parts) => {
                let r = CellRef {
                    table: parts[0].clone(),
                    row: Some(Selector::One(parts[1].clone())),
                    col: Some(Selector::One(parts[2].clone())),
                    span: e.span,
                };
                self.cell_value(&r, in_sum)
            }
            ExprKind::Cell(r) => self.cell_value(r, in_sum),
            ExprKind::Call(name, args) => self.call(name, args, e.span),
            ExprKind::Neg(x) => Ex::Neg(Box::new(self.value(x))),
            ExprKind::Not(x) => Ex::Not(Box::new(self.value(x))),
            ExprKind::Binary(op, l, r) => Ex::Bin(*op, Box::new(self.value(l)), Box::new(self.value(r))),
        }
    }

    fn cell_value(&mut self, r: &CellRef, in_sum: bool) -> Ex {
        let Some((set, many)) = self.cells(r) else { return Ex::Num(Default::default()) };
        if many && !in_sum {
            let message = "这里引用了多个单元格，不能直接参与计算".to_string();
            let help = Some("多个单元格（分组、范围或列表）请用 sum(…) 求和".into());
            self.err(K::Type { message, help }, r.span);
        }
        Ex::Cells(set)
    }

    fn name(&mut self, n: &str, span: Span) -> Ex {
        match self.lookup(n) {
            Some((slot, VarKind::Value)) => Ex::Slot(slot),
            Some((slot, VarKind::Cell)) => Ex::CellVar(slot, span),
            Some((_, kind)) => {
                let what = if kind == VarKind::Col { "一列" } else { "一行" };
                let message = format!("“{n}”代表{what}，不是一个数值");
                self.err(K::Type { message, help: Some(format!("引用单元格请写 表三[行, 列]，把 {n} 放在对应位置")) }, span);
                Ex::Num(Default::default())
            }
            None if n == "template" || n == "格式" => Ex::Template,
            None if n == "year" || n == "年度" => Ex::Year,
            None => {
                let names: Vec<String> = self.scopes.iter().flatten().map(|(n, ..)| n.clone()).collect();
                let pool: Vec<(String, String)> = names.iter().map(|n| (n.clone(), n.clone())).collect();
                let suggestions = super::suggest::suggest(n, pool.iter().map(|(a, b)| (a.as_str(), b.as_str())));
                self.err(K::UnknownName { name: n.to_string(), suggestions }, span);
                Ex::Num(Default::default())
            }
        }
    }

    fn call(&mut self, name: &Spanned<String>, args: &[Expr], span: Span) -> Ex {
        let Some(&(_, func)) = FUNCS.iter().find(|(n, _)| *n == name.node) else {
            let pool: Vec<(&str, &str)> = FUNCS.iter().map(|(n, _)| (*n, *n)).collect();
            let suggestions = super::suggest::suggest(name, pool.into_iter());
            self.err(K::UnknownFunction { name: name.node.clone(), suggestions }, name.span);
            return Ex::Num(Default::default());
        };
        let (min, max, want) = match func {
            Func::Sum => (1, usize::MAX, "至少 1"),
            Func::Min | Func::Max => (1, usize::MAX, "至少 1"),
            _ => (1, 1, "1"),
        };
        if args.len() < min || args.len() > max {
            self.err(K::Arity { name: name.node.clone(), want, got: args.len() }, span);
            return Ex::Num(Default::default());
        }
        let cell_pred = matches!(func, Func::IsBlank | Func::IsNumber | Func::IsMarker | Func::IsText | Func::Present | Func::Valid | Func::Doubtful);
        let before = self.errors.len();
        let ex: Vec<Ex> = args.iter().map(|a| self.expr(a, func == Func::Sum || cell_pred)).collect();
        // An argument that did not resolve has its own error; no type error on top.
        if cell_pred && self.errors.len() == before && !matches!(ex[0], Ex::Cells(_) | Ex::CellVar(..)) {
            let message = format!("{} 的参数必须是一个单元格", name.node);
            self.err(K::Type { message, help: Some("例如 blank(表三[（七）总计, 自然人])".into()) }, args[0].span);
        }
        Ex::Call(func, ex, span)
    }
}

fn all_cols(def: &TableDef) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::new();
    for c in def.parts.iter().flat_map(|p| &p.cols) {
        if !out.iter().any(|k| k.0 == c.key) {
            out.push(col_key(def, c));
        }
    }
    out
}

fn row_key(def: &TableDef, r: &crate::template::RowDef) -> Key {
    Key(r.key.clone(), r.label.clone(), def.row_offset(&r.key).unwrap_or(NO_POS))
}

fn col_key(def: &TableDef, c: &crate::template::ColDef) -> Key {
    Key(c.key.clone(), c.label.clone(), def.col_pos(&c.key).unwrap_or(NO_POS))
}

/// Rule-level settings, independent of the template.
pub struct Settings {
    pub severity: ast::Severity,
    pub blank: ast::BlankPolicy,
    pub class: ast::Class,
    pub once: bool,
    pub message: Option<Spanned<String>>,
    pub cases: Vec<ast::Case>,
    pub has_check: bool,
}

pub fn settings(stmts: &[Stmt]) -> Settings {
    let mut s = Settings {
        severity: ast::Severity::Error,
        blank: ast::BlankPolicy::Skip,
        class: ast::Class::Error,
        once: false,
        message: None,
        cases: Vec::new(),
        has_check: false,
    };
    fn walk(stmts: &[Stmt], s: &mut Settings) {
        for st in stmts {
            match st {
                Stmt::Severity(v) => s.severity = v.node,
                Stmt::Blank(v) => s.blank = v.node,
                Stmt::Class(v) => s.class = v.node,
                Stmt::ReportOnce(_) => s.once = true,
                Stmt::Message(m) => s.message = Some(m.clone()),
                Stmt::Case(c) => s.cases.push(c.clone()),
                Stmt::Check { .. } => s.has_check = true,
                Stmt::ForEach(fe) => walk(&fe.body, s),
                _ => {}
            }
        }
    }
    walk(stmts, &mut s);
    s
}

/// `{name}` holes of a message, resolved against the rule's variable names.
pub fn message(msg: &Spanned<String>, slots: &[String], errors: &mut Vec<RuleError>) -> Vec<MsgPart> {
    let mut parts = Vec::new();
    let text = &msg.node;
    let mut rest = text.as_str();
    let mut offset = msg.span.start;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        if open > 0 {
            parts.push(MsgPart::Text(rest[..open].to_string()));
        }
        let name = rest[open + 1..open + close].trim();
        let part = match name {
            "lhs" | "左边" => Some(MsgPart::Lhs),
            "rhs" | "右边" => Some(MsgPart::Rhs),
            "delta" | "差额" => Some(MsgPart::Delta),
            "cells" | "单元格" => Some(MsgPart::Cells),
            "count" | "个数" => Some(MsgPart::Count),
            _ => slots.iter().rposition(|s| s == name).map(MsgPart::Slot),
        };
        match part {
            Some(p) => parts.push(p),
            None => {
                let span = Span::new(msg.span.source, offset + open, offset + open + close + 1);
                errors.push(RuleError::new(K::MessageName { name: name.to_string() }, span));
            }
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(MsgPart::Text(rest.to_string()));
    }
    parts
}
