//! AST → IR for one template: tables, rows, columns and variables resolved, every
//! expression given a type ([`Ty`]) and every misuse reported at its span. Collects every
//! mistake and goes on; a sub-expression that fails becomes [`Ex::Error`] (never a value),
//! and a rule with any error never compiles.

use super::funcs::{self, Param};
use super::ir::*;
use super::names::{self, Resolved, RowName};
use crate::diagnostics::rules::{RuleError, RuleErrorKind as K};
use crate::syntax::ast::{BinOp, CellRef, Domain, Expr, ExprKind, Quant, Selector, Stmt, TextRef};
use crate::syntax::{Span, Spanned};
use crate::template::{TableDef, Template};
use rust_decimal::Decimal;

/// What a variable holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum VarKind {
    Value(Ty),
    Col,
    Row,
    Cell,
    /// A number of the prose (`for each fact`).
    Fact,
}

/// A name of the rule resolved in this template: where it is written and what it named
/// (a row, group or column key), to tell names that mean different things in different
/// templates.
#[derive(Debug, Clone, PartialEq)]
pub struct NameUse {
    pub span: Span,
    /// As written in the rule.
    pub written: String,
    pub key: String,
    pub printed: String,
    /// Named by its key or its whole printed label (not a short form).
    pub exact: bool,
}

pub struct Resolver<'t> {
    tpl: &'t Template,
    /// The previous report's template, for a rule that reads it (`上年.…`).
    prev_tpl: Option<&'t Template>,
    /// Resolving the target of a `上年.`: names are the previous template's.
    in_prev: bool,
    /// Per slot: the keys a loop variable is bound to (to map them into the previous
    /// template).
    slot_keys: Vec<Vec<Key>>,
    /// Per top-level op: the tables it reads in the previous report.
    pub op_prev_tables: Vec<Vec<String>>,
    stmt_prev_tables: Vec<String>,
    scopes: Vec<Vec<(String, usize, VarKind)>>,
    /// Names by slot, in declaration order (same across templates).
    pub slots: Vec<String>,
    /// Per slot: the table a loop variable ranges over.
    slot_tables: Vec<Option<String>>,
    /// Per slot: a `let` value (a loop variable holds a row, column or cell).
    pub value_slots: Vec<bool>,
    /// The ids of the pack's templates (what `template` may be compared with).
    template_ids: &'t [String],
    pub errors: Vec<RuleError>,
    /// Every label resolved, for the comparison across templates.
    pub names: Vec<NameUse>,
    /// The first table the rule names.
    pub first_table: Option<String>,
    /// Per top-level op: the first table it names (its template picks the variant).
    pub op_tables: Vec<Option<String>>,
    stmt_table: Option<String>,
}

/// A resolved expression and its type.
type Typed = (Ex, Ty);

impl<'t> Resolver<'t> {
    /// A resolver for `tpl`, one template of a pack whose templates are `template_ids`.
    pub fn new(tpl: &'t Template, template_ids: &'t [String]) -> Self {
        Resolver {
            tpl,
            prev_tpl: None,
            in_prev: false,
            slot_keys: Vec::new(),
            op_prev_tables: Vec::new(),
            stmt_prev_tables: Vec::new(),
            scopes: vec![Vec::new()],
            slots: Vec::new(),
            slot_tables: Vec::new(),
            value_slots: Vec::new(),
            template_ids,
            errors: Vec::new(),
            names: Vec::new(),
            first_table: None,
            op_tables: Vec::new(),
            stmt_table: None,
        }
    }

    /// A resolver for a rule that reads the previous year's report: this report's template
    /// `tpl`, the previous one's `prev`.
    pub fn with_previous(tpl: &'t Template, prev: &'t Template, template_ids: &'t [String]) -> Self {
        Resolver { prev_tpl: Some(prev), ..Resolver::new(tpl, template_ids) }
    }

    /// The template names are resolved in: the previous report's inside `上年.`.
    fn names_tpl(&self) -> &'t Template {
        match (self.in_prev, self.prev_tpl) {
            (true, Some(p)) => p,
            _ => self.tpl,
        }
    }

    fn err(&mut self, kind: K, span: Span) {
        self.errors.push(RuleError::new(kind, span));
    }

    fn type_err(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.err(K::Type { message: message.into(), help: Some(help.into()) }, span);
    }

    fn declare(&mut self, name: &str, kind: VarKind) -> usize {
        let slot = self.slots.len();
        self.slots.push(name.to_string());
        self.slot_tables.push(None);
        self.slot_keys.push(Vec::new());
        self.value_slots.push(matches!(kind, VarKind::Value(_)));
        self.scopes.last_mut().expect("scope").push((name.to_string(), slot, kind));
        slot
    }

    fn lookup(&self, name: &str) -> Option<(usize, VarKind)> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, ..)| n == name).map(|(_, s, k)| (*s, *k))
    }

    /// The statements of a block as ops; settings (severity, message …) are read elsewhere.
    pub fn block(&mut self, stmts: &[Stmt]) -> Vec<Op> {
        let mut ops = Vec::new();
        let top = self.scopes.len() == 1;
        for stmt in stmts {
            if top {
                self.stmt_table = None;
                self.stmt_prev_tables.clear();
            }
            let before = ops.len();
            self.stmt(stmt, &mut ops);
            if top && ops.len() > before {
                self.op_tables.push(self.stmt_table.take());
                self.op_prev_tables.push(std::mem::take(&mut self.stmt_prev_tables));
            }
        }
        ops
    }

    fn stmt(&mut self, stmt: &Stmt, ops: &mut Vec<Op>) {
        match stmt {
            Stmt::Let(name, e) => {
                let (ex, ty) = self.expr(e);
                // A set of cells has no single value: reported here, not again at each use.
                let ty = match ty {
                    Ty::Cells => {
                        self.many_cells(e.span);
                        Ty::Error
                    }
                    Ty::Cell => Ty::Num,
                    Ty::Template => {
                        self.template_misuse(e.span);
                        Ty::Error
                    }
                    ty => ty,
                };
                if ["template", "格式", "year", "年度", "published", "发布日期", "deadline", "公开期限"].contains(&name.node.as_str()) {
                    let message = format!("“{}”是内置的名称（报告的格式、年度、发布日期或公开期限），不能用 let 重新定义", name.node);
                    self.type_err(name.span, message, "请换一个名称");
                }
                let slot = self.declare(name, VarKind::Value(ty));
                ops.push(Op::Let(slot, ex));
            }
            Stmt::When(e) => {
                let ex = self.condition(e, "when");
                ops.push(Op::When(ex, e.span));
            }
            Stmt::Check { expr, within, span } => {
                let ex = self.condition(expr, "check");
                let is_cmp = matches!(&expr.kind, ExprKind::Binary(op, ..) if op.is_comparison());
                if let (Some(w), false) = (within, is_cmp) {
                    self.type_err(w.span, "within 只能用于比较", "容差写在比较之后，例如 check a == b within 0.5");
                }
                ops.push(Op::Check { ex, within: within.as_ref().map(|w| w.node), span: *span });
            }
            Stmt::ForEach(fe) => {
                if let Some(at) = fe.domain_prev {
                    let message = "for each 只能遍历本年报告的表格，不能遍历上年报告".to_string();
                    self.type_err(at, message, "在本年的表格上循环，循环体里用 上年.表三[行, c] 读取上年的同一行、同一列");
                }
                let d = match &fe.domain {
                    Domain::Text(t) => return self.for_facts(fe, t, ops),
                    Domain::Cells(_) if fe.quant.node == Quant::Fact => {
                        let message = "for each fact 遍历正文中的数字，范围应是 正文[…]".to_string();
                        self.type_err(fe.domain.span(), message, "例如 for each fact n in 正文[总体情况, \"收到…申请{n}件\"]");
                        return;
                    }
                    Domain::Cells(d) => d,
                };
                let (table, items) = self.domain(fe.quant.clone(), d);
                self.scopes.push(Vec::new());
                let kind = match fe.quant.node {
                    Quant::Col => VarKind::Col,
                    Quant::Row | Quant::Block => VarKind::Row,
                    Quant::Cell | Quant::Fact => VarKind::Cell,
                };
                let slot = self.declare(&fe.var, kind);
                // The table the variable ranges over: it indexes that table only.
                self.slot_tables[slot] = table;
                self.slot_keys[slot] = items
                    .iter()
                    .filter_map(|b| match b {
                        Binding::Col { key_label, .. } | Binding::Row { key_label, .. } => Some(key_label.clone()),
                        Binding::Cell(_) => None,
                    })
                    .collect();
                let body = self.block(&fe.body);
                self.scopes.pop();
                let cells = crate::check::ir::leading_cells(&items);
                ops.push(Op::ForEach { slot, quant: fe.quant.node, items, body, cells });
            }
            _ => {}
        }
    }

    /// `for each fact n in 正文[…, "…{n}…"]`: the phrases must name the loop variable.
    fn for_facts(&mut self, fe: &crate::syntax::ast::ForEach, t: &TextRef, ops: &mut Vec<Op>) {
        if fe.quant.node != Quant::Fact {
            let message = format!("正文中的数字只能用 for each fact 遍历，不能用 for each {}", quant_word(fe.quant.node));
            self.type_err(fe.quant.span, message, "写作 for each fact n in 正文[总体情况, \"收到…申请{n}件\"]");
            return;
        }
        if t.phrases.is_empty() {
            let message = "for each fact 需要短语来指出是哪些数字".to_string();
            self.type_err(t.span, message, "在部分之后写短语，{n} 标出数字：正文[总体情况, \"收到…申请{n}件\"]");
            return;
        }
        let set = super::text::resolve(self.tpl, t, Some(&fe.var.node), &mut self.errors);
        self.scopes.push(Vec::new());
        let slot = self.declare(&fe.var, VarKind::Fact);
        let body = self.block(&fe.body);
        self.scopes.pop();
        if let Some(set) = set {
            ops.push(Op::ForFacts { slot, set, body });
        }
    }

    /// `正文[…]` in an expression: a section's prose (phrases give numbers, only for a loop).
    fn prose(&mut self, t: &TextRef) -> Typed {
        if !t.phrases.is_empty() {
            let message = "带短语的 正文[…] 是正文中的一组数字，不能直接计算或比较".to_string();
            self.type_err(t.span, message, "逐个检查这些数字：for each fact n in 正文[…, \"…{n}件\"] { check n == … }");
            return (Ex::Error, Ty::Error);
        }
        let Some(set) = super::text::resolve(self.tpl, t, None, &mut self.errors) else {
            return (Ex::Error, Ty::Error);
        };
        if set.sections.len() != 1 {
            self.type_err(t.span, "这里要一个部分的正文", "length、contains 一次只看一个部分，例如 正文[存在的主要问题及改进情况]");
            return (Ex::Error, Ty::Error);
        }
        (Ex::Prose(set), Ty::Prose)
    }

    /// The table a name means, by index in the template.
    fn table(&mut self, name: &Spanned<String>) -> Option<(usize, &'t TableDef)> {
        let tpl = self.names_tpl();
        if let Some((i, t)) = tpl.tables.iter().enumerate().find(|(_, t)| t.key == name.node || t.name == name.node) {
            if self.in_prev {
                if !self.stmt_prev_tables.contains(&t.key) {
                    self.stmt_prev_tables.push(t.key.clone());
                }
            } else {
                self.first_table.get_or_insert_with(|| t.key.clone());
                self.stmt_table.get_or_insert_with(|| t.key.clone());
            }
            self.names.push(NameUse { span: name.span, written: name.node.clone(), key: t.key.clone(), printed: t.name.clone(), exact: true });
            return Some((i, t));
        }
        let pool: Vec<(String, String)> = tpl.tables.iter().map(|t| (t.name.clone(), crate::template::labels::normalize(&t.name))).collect();
        let mut suggestions = super::suggest::suggest(name, pool.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        // `上年表三[…]`: the previous report's table, its `.` left out.
        let rest = name.node.strip_prefix("上年").or_else(|| name.node.strip_prefix("prev"));
        if let Some(t) = rest.and_then(|r| tpl.tables.iter().find(|t| t.key == r || t.name == r)) {
            suggestions = vec![format!("上年.{}", t.name)];
        }
        let names: Vec<&str> = tpl.tables.iter().map(|t| t.name.as_str()).collect();
        let keys: Vec<&str> = tpl.tables.iter().map(|t| t.key.as_str()).collect();
        let known = format!("{}（或 {}）", names.join("、"), keys.join("、"));
        self.err(K::UnknownTable { name: name.node.clone(), suggestions, known }, name.span);
        None
    }

    /// Rows named by one selector item: a row, or a group's leaves.
    fn rows_named(&mut self, def: &'t TableDef, name: &Spanned<String>) -> Option<Vec<Key>> {
        match names::row(def, name) {
            Resolved::One(RowName::Row(r), exact) => {
                self.names.push(NameUse { span: name.span, written: name.node.clone(), key: r.key.clone(), printed: r.label.clone(), exact });
                Some(vec![row_key(def, r)])
            }
            Resolved::One(RowName::Group(g), exact) => {
                self.names.push(NameUse { span: name.span, written: name.node.clone(), key: g.key.clone(), printed: g.label.clone(), exact });
                Some(def.leaves(&g.key).iter().map(|r| row_key(def, r)).collect())
            }
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
            Resolved::One(c, exact) => {
                self.names.push(NameUse { span: name.span, written: name.node.clone(), key: c.key.clone(), printed: c.label.clone(), exact });
                Some(col_key(def, c))
            }
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

    /// A row-side selector → keys, or a row variable.
    fn row_sel(&mut self, def: &'t TableDef, sel: &Selector) -> Option<Sel> {
        match sel {
            Selector::One(name) => {
                if let Some((slot, kind)) = self.lookup(name) {
                    return self.var_sel(def, slot, kind, VarKind::Row, name);
                }
                Some(Sel::Keys(self.rows_named(def, name)?))
            }
            Selector::Range(a, b) => {
                let (first, last) = (self.rows_named(def, a), self.rows_named(def, b));
                let (first, last) = (first?, last?);
                let order: Vec<Key> = def.rows().map(|(_, r)| row_key(def, r)).collect();
                let i = order.iter().position(|k| first.first().is_some_and(|f| f.0 == k.0));
                let j = order.iter().position(|k| last.last().is_some_and(|l| l.0 == k.0));
                let (Some(i), Some(j)) = (i, j) else {
                    self.type_err(a.span.join(b.span), "范围的端点不是表中的行", "范围写作 表三[第一行 .. 最后一行, 列]");
                    return None;
                };
                if i > j {
                    return self.reversed_range(a, b, "先上后下");
                }
                Some(Sel::Keys(order[i..=j].to_vec()))
            }
            Selector::List(items) => {
                let mut keys = Vec::new();
                let mut ok = true;
                for it in items {
                    match self.rows_named(def, it) {
                        Some(k) => keys.extend(k),
                        None => ok = false,
                    }
                }
                ok.then_some(Sel::Keys(keys))
            }
        }
    }

    fn col_sel(&mut self, def: &'t TableDef, sel: &Selector) -> Option<Sel> {
        match sel {
            Selector::One(name) => {
                if let Some((slot, kind)) = self.lookup(name) {
                    return self.var_sel(def, slot, kind, VarKind::Col, name);
                }
                Some(Sel::Keys(vec![self.col_named(def, name)?]))
            }
            Selector::Range(a, b) => {
                let (ka, kb) = (self.col_named(def, a), self.col_named(def, b));
                let (ka, kb) = (ka?.0, kb?.0);
                let Some(part) = def.parts.iter().find(|p| p.cols.iter().any(|c| c.key == ka) && p.cols.iter().any(|c| c.key == kb)) else {
                    let part_of = |k: &str| def.parts.iter().find(|p| p.cols.iter().any(|c| c.key == k)).and_then(|p| p.caption.clone()).unwrap_or_default();
                    let message = format!("范围跨越了{}的不同部分：“{}”在{}，“{}”在{}", def.name, a.node, part_of(&ka), b.node, part_of(&kb));
                    self.type_err(a.span.join(b.span), message, "范围只能在同一部分（同一个小表）之内；不同部分的单元格请分别引用后相加");
                    return None;
                };
                let keys: Vec<Key> = part.cols.iter().map(|c| col_key(def, c)).collect();
                let i = keys.iter().position(|k| k.0 == ka)?;
                let j = keys.iter().position(|k| k.0 == kb)?;
                if i > j {
                    return self.reversed_range(a, b, "先左后右");
                }
                Some(Sel::Keys(keys[i..=j].to_vec()))
            }
            Selector::List(items) => {
                let mut keys = Vec::new();
                let mut ok = true;
                for it in items {
                    match self.col_named(def, it) {
                        Some(k) => keys.push(k),
                        None => ok = false,
                    }
                }
                ok.then_some(Sel::Keys(keys))
            }
        }
    }

    /// `b .. a` written backwards: an error, nothing resolved.
    fn reversed_range(&mut self, a: &Spanned<String>, b: &Spanned<String>, order: &str) -> Option<Sel> {
        self.type_err(a.span.join(b.span), "范围的起点在终点之后", format!("范围按表格中的顺序书写：{order}"));
        None
    }

    fn var_sel(&mut self, def: &TableDef, slot: usize, kind: VarKind, want: VarKind, name: &Spanned<String>) -> Option<Sel> {
        if kind == want {
            // A column of 表三 is no column of 表四: a loop variable indexes its own table.
            if let Some(own) = self.slot_tables.get(slot).cloned().flatten().filter(|t| *t != def.key) {
                let own_name = self.tpl.table(&own).map_or(own.clone(), |t| t.name.clone());
                let def_name = if self.in_prev { format!("上年的{}", def.name) } else { def.name.clone() };
                let what = if want == VarKind::Row { "行" } else { "列" };
                let message = format!("“{}”是{own_name}的{what}，不能用于{def_name}", name.node);
                self.type_err(name.span, message, format!("循环变量只能用于它所遍历的表：for each … in {}", def.name));
                return None;
            }
            if self.in_prev {
                // Bound by key: the same row or column in the previous report's template.
                let map = self.slot_keys[slot]
                    .iter()
                    .map(|k| {
                        let there = if want == VarKind::Row {
                            def.row(&k.0).map(|(_, r)| row_key(def, r))
                        } else {
                            def.parts.iter().flat_map(|p| &p.cols).find(|c| c.key == k.0).map(|c| col_key(def, c))
                        };
                        (k.0.clone(), there)
                    })
                    .collect();
                return Some(Sel::Mapped(slot, map));
            }
            return Some(Sel::Var(slot));
        }
        let what = if want == VarKind::Row { "行" } else { "列" };
        let message = format!("“{}”不是{what}变量，不能放在{what}的位置", name.node);
        self.type_err(name.span, message, "表格引用写作 表三[行, 列]");
        None
    }

    /// A cell reference → a cell set, and whether it holds several cells.
    fn cells(&mut self, r: &CellRef) -> Option<(CellSet, bool)> {
        let (table_ix, def) = self.table(&r.table)?;
        let rows = match &r.row {
            Some(s) => self.row_sel(def, s),
            None => Some(Sel::Keys(def.rows().map(|(_, r)| row_key(def, r)).collect())),
        };
        let cols = match &r.col {
            Some(s) => self.col_sel(def, s),
            None => Some(Sel::Keys(all_cols(def))),
        };
        let (rows, cols) = (rows?, cols?);
        let count = |s: &Sel| match s {
            Sel::Keys(k) => k.len(),
            Sel::Var(_) | Sel::Mapped(..) => 1,
        };
        let many = count(&rows) * count(&cols) > 1;
        let ragged = def.parts.windows(2).any(|w| w[0].cols.iter().map(|c| &c.key).ne(w[1].cols.iter().map(|c| &c.key)));
        for (sel, what) in [(&rows, "行"), (&cols, "列")] {
            if let Sel::Keys(k) = sel {
                if let Some(dup) = k.iter().enumerate().find(|(i, a)| k[..*i].iter().any(|b| b.0 == a.0)).map(|(_, a)| a) {
                    let message = format!("同一{what}“{}”被引用了两次，会重复计算", dup.1);
                    self.type_err(r.span, message, "分组已包含其下各行；列表与范围中每行、每列只写一次");
                    return None;
                }
            }
        }
        // 表二's parts have other columns: a row and a column both named must meet.
        if let (true, Some(_), Some(_), Sel::Keys(rk), Sel::Keys(ck)) = (ragged, &r.row, &r.col, &rows, &cols) {
            if let Some((row, col)) = rk.iter().flat_map(|r| ck.iter().map(move |c| (r, c))).find(|(r, c)| def.cell_ix(&r.0, &c.0).is_none()) {
                let part = def.row(&row.0).and_then(|(p, _)| def.parts[p].caption.clone()).unwrap_or_default();
                let message = format!("{}的“{}”（{part}）没有“{}”列", def.name, row.1, col.1);
                let cols: Vec<&str> = def.cols_of(&row.0).iter().map(|c| c.label.as_str()).collect();
                self.type_err(r.span, message, format!("这一部分的列：{}", cols.join("、")));
                return None;
            }
        }
        let report = if self.in_prev { Which::Previous } else { Which::This };
        Some((CellSet { report, table: def.key.clone(), table_ix, ragged, rows, cols, span: r.span }, many))
    }

    /// A quantifier's table (its variable indexes that table only) and the items it
    /// ranges over.
    fn domain(&mut self, quant: Spanned<Quant>, d: &CellRef) -> (Option<String>, Vec<Binding>) {
        let Some((table_ix, def)) = self.table(&d.table) else {
            return (None, Vec::new());
        };
        (Some(def.key.clone()), self.items(quant, d, table_ix, def))
    }

    /// The items: a table (all its columns, rows, blocks or cells) or, for `col` / `row` /
    /// `block`, one selector naming columns or rows; `cell` may narrow both sides.
    fn items(&mut self, quant: Spanned<Quant>, d: &CellRef, table_ix: usize, def: &'t TableDef) -> Vec<Binding> {
        let keys = |s: Option<Sel>| match s {
            Some(Sel::Keys(k)) => Some(k),
            _ => None,
        };
        // The range of a loop is fixed by the template: a loop variable cannot be it.
        for s in [&d.row, &d.col].into_iter().flatten() {
            if let Selector::One(name) = s {
                if self.lookup(name).is_some() {
                    let message = format!("“{}”是变量，不能作为 for each 的范围", name.node);
                    self.type_err(name.span, message, "for each 的范围写表格，或表格中具体的行、列，如 表三[（三）不予公开]");
                    return Vec::new();
                }
            }
        }
        if quant.node != Quant::Cell && d.col.is_some() {
            let message = "for each col / row / block 的范围是一张表或一组列、行，不是单元格".to_string();
            self.type_err(d.span, message, "例如 for each col c in 表三，或 for each row r in 表三[（三）不予公开]；要逐个单元格请用 for each cell");
            return Vec::new();
        }
        match quant.node {
            Quant::Col => {
                let cols = match &d.row {
                    Some(s) if self.wrong_axis(def, s, &quant, "列") => Vec::new(),
                    Some(s) => keys(self.col_sel(def, s)).unwrap_or_default(),
                    None => all_cols(def),
                };
                cols.into_iter().map(|key_label| Binding::Col { table: def.key.clone(), key_label }).collect()
            }
            Quant::Row | Quant::Block => {
                if quant.node == Quant::Block && !def.flat {
                    let message = format!("{}没有“块”：for each block 只用于分块的表（表四的行政复议、直接起诉、复议后起诉）", def.name);
                    self.type_err(d.table.span, message, format!("{}请用 for each row 或 for each col", def.name));
                    return Vec::new();
                }
                let rows = match &d.row {
                    Some(s) if self.wrong_axis(def, s, &quant, "行") => Vec::new(),
                    Some(s) => keys(self.row_sel(def, s)).unwrap_or_default(),
                    None => def.rows().map(|(_, r)| row_key(def, r)).collect(),
                };
                rows.into_iter().map(|key_label| Binding::Row { table: def.key.clone(), key_label }).collect()
            }
            Quant::Fact => Vec::new(),
            Quant::Cell => {
                let rows = d.row.as_ref().and_then(|s| keys(self.row_sel(def, s)));
                let cols = d.col.as_ref().and_then(|s| keys(self.col_sel(def, s)));
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
                            table_ix,
                            ix: offset + pos,
                        }));
                    }
                }
                out
            }
        }
    }

    /// `for each col c in 表三[本年新收]`: a row where columns are iterated (or the
    /// reverse) is a misuse, said plainly rather than as an unknown column.
    fn wrong_axis(&mut self, def: &'t TableDef, s: &Selector, quant: &Spanned<Quant>, want: &str) -> bool {
        let Selector::One(name) = s else { return false };
        if self.lookup(name).is_some() {
            return false;
        }
        let other = if want == "列" {
            matches!(names::col(def, name), Resolved::Unknown(_)) && !matches!(names::row(def, name), Resolved::Unknown(_))
        } else {
            matches!(names::row(def, name), Resolved::Unknown(_)) && !matches!(names::col(def, name), Resolved::Unknown(_))
        };
        if other {
            let is = if want == "列" { "行" } else { "列" };
            let message = format!("“{}”是{}的一{is}，而 for each {} 在{want}上取值", name.node, def.name, quant_word(quant.node));
            self.type_err(name.span, message, format!("要遍历{want}，请写 for each {} … in {}，或在方括号中列出{want}", quant_word(quant.node), def.name));
        }
        other
    }

    fn many_cells(&mut self, span: Span) {
        self.type_err(span, "这里引用了多个单元格，不能直接参与计算", "多个单元格（分组、范围或列表）请用 sum(…) 求和");
    }

    /// An expression that must be a truth value (`check`, `when`, `and` …).
    fn condition(&mut self, e: &Expr, what: &str) -> Ex {
        let (ex, ty) = self.expr(e);
        match ty {
            Ty::Bool | Ty::Error => {}
            Ty::Num | Ty::Cell | Ty::Template | Ty::Date => {
                let message = format!("{what} 需要一个条件（真或假），这里是一个数值");
                self.type_err(
                    e.span,
                    message,
                    match what {
                        "check" | "when" => format!("写成比较，例如 {what} a == b 或 {what} a >= 0"),
                        "not" => "not 后面应是条件，例如 not blank(x) 或 not (a > b)".to_string(),
                        _ => format!("{what} 连接的应是条件，例如 a > 0 {what} b > 0"),
                    },
                );
                return Ex::Error;
            }
            Ty::Cells => {
                self.type_err(e.span, format!("{what} 需要一个条件，这里是多个单元格"), "例如 check sum(表三[（三）不予公开, 总计]) >= 0");
                return Ex::Error;
            }
            Ty::Text => {
                self.type_err(e.span, format!("{what} 需要一个条件，这里是一段文字"), "文字只能与文字比较，例如 template == \"2021\"");
                return Ex::Error;
            }
            Ty::Prose => {
                self.type_err(
                    e.span,
                    format!("{what} 需要一个条件，这里是一部分正文"),
                    "例如 check length(正文[存在的主要问题及改进情况]) >= 20 或 check contains(正文[其他需要报告的事项], \"信息处理费\")",
                );
                return Ex::Error;
            }
        }
        ex
    }

    /// An expression used as a number.
    fn number(&mut self, e: &Expr) -> Ex {
        let (ex, ty) = self.expr(e);
        self.as_number(ex, ty, e.span)
    }

    fn as_number(&mut self, ex: Ex, ty: Ty, span: Span) -> Ex {
        match ty {
            Ty::Num | Ty::Cell => ex,
            Ty::Error => Ex::Error,
            Ty::Cells => {
                self.many_cells(span);
                Ex::Error
            }
            Ty::Bool => {
                self.type_err(span, "这里是一个条件（真或假），不能当作数值计算", "条件只能用 and、or、not 组合；要计数请比较后分别检查");
                Ex::Error
            }
            Ty::Text => {
                self.type_err(span, "文字不能参与计算", "计算只用于数值和单元格");
                Ex::Error
            }
            Ty::Prose => {
                self.type_err(span, "正文不能参与计算", "正文的字数用 length(正文[…])；正文中的数字用 for each fact 逐个取出");
                Ex::Error
            }
            Ty::Date => {
                self.type_err(span, "日期不能参与计算", "日期只能与日期比较，例如 check 发布日期 <= 公开期限");
                Ex::Error
            }
            Ty::Template => {
                self.template_misuse(span);
                Ex::Error
            }
        }
    }

    fn template_misuse(&mut self, span: Span) {
        let ids = self.template_ids.join("、");
        self.type_err(span, "template 只能与格式编号比较是否相同", format!("例如 when template == 2021（本规则包的格式：{ids}）"));
    }

    /// `template == 2021` / `template != "2019"`: the other side a literal id of a template
    /// of the pack, the operator `==` or `!=`.
    fn template_is(&mut self, op: BinOp, other: &Expr, span: Span, previous: bool) -> Typed {
        let id = template_literal(other);
        let (Some(id), true) = (id, matches!(op, BinOp::Eq | BinOp::Ne)) else {
            self.template_misuse(span);
            return (Ex::Error, Ty::Error);
        };
        if !self.template_ids.contains(&id) {
            let ids = self.template_ids.join("、");
            self.type_err(other.span, format!("没有“{id}”这种格式"), format!("本规则包的格式：{ids}"));
            return (Ex::Error, Ty::Error);
        }
        let is = if previous { Ex::PrevTemplateIs(id) } else { Ex::TemplateIs(id) };
        (if op == BinOp::Eq { is } else { Ex::Not(Box::new(is)) }, Ty::Bool)
    }

    fn expr(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Num(n) => (Ex::Num(*n), Ty::Num),
            ExprKind::Str(s) => (Ex::Str(s.clone()), Ty::Text),
            ExprKind::Name(n) => self.name(n, e.span),
            ExprKind::Key(parts) => {
                let r =
                    CellRef { table: parts[0].clone(), row: Some(Selector::One(parts[1].clone())), col: Some(Selector::One(parts[2].clone())), span: e.span };
                self.cell_ref(&r)
            }
            ExprKind::Cell(r) => self.cell_ref(r),
            ExprKind::Text(t) => self.prose(t),
            ExprKind::Call(name, args) => self.call(name, args, e.span),
            ExprKind::Neg(x) => match self.number(x) {
                Ex::Error => (Ex::Error, Ty::Error),
                ex => (Ex::Neg(Box::new(ex)), Ty::Num),
            },
            ExprKind::Not(x) => match self.condition(x, "not") {
                Ex::Error => (Ex::Error, Ty::Error),
                ex => (Ex::Not(Box::new(ex)), Ty::Bool),
            },
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e.span),
            ExprKind::Prev(target, mark) => self.previous(target, *mark),
        }
    }

    /// `上年.<target>`: a cell reference (any form) resolved in the previous report's
    /// template, or `上年.template`; anything else is a pointed error.
    fn previous(&mut self, target: &Expr, mark: Span) -> Typed {
        if self.in_prev {
            self.type_err(mark, "“上年.”写了两次", "上年只指前一年的报告，只写一次：上年.表三[结转下年度, c]");
            return (Ex::Error, Ty::Error);
        }
        let help = "上年. 后面写单元格引用，例如 上年.表三[结转下年度, 总计] 或 上年.t3.carried_forward.total";
        match &target.kind {
            ExprKind::Cell(_) | ExprKind::Key(_) => {
                self.in_prev = true;
                let out = self.expr(target);
                self.in_prev = false;
                out
            }
            ExprKind::Prev(_, again) => {
                self.type_err(*again, "“上年.”写了两次", "上年只指前一年的报告，只写一次：上年.表三[结转下年度, c]");
                (Ex::Error, Ty::Error)
            }
            ExprKind::Name(n) if (n == "template" || n == "格式") && self.lookup(n).is_none() => (Ex::PrevTemplate, Ty::Template),
            ExprKind::Name(n) => {
                let message = match self.lookup(n) {
                    Some((_, VarKind::Value(_))) => format!("“{n}”是本规则的变量，已经是计算好的值，前面不能加“上年.”"),
                    Some(_) => format!("“{n}”是循环变量，前面不能加“上年.”"),
                    None => format!("“上年.”后面的“{n}”不是单元格引用"),
                };
                let help = match self.lookup(n) {
                    Some((_, VarKind::Col | VarKind::Row)) => format!("在上年的表格中用它：上年.表三[结转下年度, {n}]"),
                    Some((_, VarKind::Cell)) => "要读上年的单元格，请写出行和列：上年.表三[行, 列]".to_string(),
                    Some(_) => "把 上年. 写在 let 右边的单元格引用前：let p = 上年.表三[结转下年度, 总计]".to_string(),
                    None => format!("{help}；上年的格式写作 上年.template"),
                };
                self.type_err(target.span.join(mark), message, help);
                (Ex::Error, Ty::Error)
            }
            ExprKind::Call(name, _) => {
                let message = format!("“上年.”不能加在函数 {} 前面", name.node);
                self.type_err(mark.join(name.span), message, format!("把 上年. 写在参数里的单元格引用前：{}(上年.表三[…])", name.node));
                (Ex::Error, Ty::Error)
            }
            _ => {
                self.type_err(mark.join(target.span), "“上年.”后面应是单元格引用", help);
                (Ex::Error, Ty::Error)
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, span: Span) -> Typed {
        let out = match op {
            BinOp::And | BinOp::Or => {
                let word = if op == BinOp::And { "and" } else { "or" };
                let (a, b) = (self.condition(l, word), self.condition(r, word));
                (a, b, Ty::Bool)
            }
            _ if op.is_comparison() => {
                let ((a, ta), (b, tb)) = (self.expr(l), self.expr(r));
                if ta == Ty::Template || tb == Ty::Template {
                    let previous = matches!((&a, &b), (Ex::PrevTemplate, _) | (_, Ex::PrevTemplate));
                    return self.template_is(op, if ta == Ty::Template { r } else { l }, span, previous);
                }
                if ta == Ty::Error || tb == Ty::Error {
                    (Ex::Error, Ex::Error, Ty::Error)
                } else if ta == Ty::Date || tb == Ty::Date {
                    if ta != tb {
                        self.type_err(span, "日期只能与日期比较", "例如 check 发布日期 <= 公开期限");
                        (Ex::Error, Ex::Error, Ty::Error)
                    } else {
                        (a, b, Ty::Bool)
                    }
                } else if ta == Ty::Bool || tb == Ty::Bool {
                    self.type_err(span, "不能比较两个条件", "组合条件请用 and、or、not");
                    (Ex::Error, Ex::Error, Ty::Error)
                } else if matches!(ta, Ty::Text | Ty::Prose) || matches!(tb, Ty::Text | Ty::Prose) {
                    let texty = |t: Ty| matches!(t, Ty::Text | Ty::Prose);
                    if !texty(ta) || !texty(tb) {
                        self.type_err(span, "文字只能与文字比较", "数值与数值比较，文字与文字比较");
                        (Ex::Error, Ex::Error, Ty::Error)
                    } else if !matches!(op, BinOp::Eq | BinOp::Ne) {
                        self.type_err(span, "文字只能比较是否相等（== 或 !=）", "大小比较只用于数值");
                        (Ex::Error, Ex::Error, Ty::Error)
                    } else {
                        (a, b, Ty::Bool)
                    }
                } else {
                    let (a, b) = (self.as_number(a, ta, l.span), self.as_number(b, tb, r.span));
                    (a, b, Ty::Bool)
                }
            }
            _ => (self.number(l), self.number(r), Ty::Num),
        };
        match out {
            (Ex::Error, _, _) | (_, Ex::Error, _) => (Ex::Error, Ty::Error),
            (a, b, ty) => (Ex::Bin(op, Box::new(a), Box::new(b)), ty),
        }
    }

    fn cell_ref(&mut self, r: &CellRef) -> Typed {
        match self.cells(r) {
            Some((set, many)) => (Ex::Cells(set), if many { Ty::Cells } else { Ty::Cell }),
            None => (Ex::Error, Ty::Error),
        }
    }

    fn name(&mut self, n: &str, span: Span) -> Typed {
        match self.lookup(n) {
            Some((slot, VarKind::Value(ty))) => (Ex::Slot(slot), ty),
            Some((slot, VarKind::Cell)) => (Ex::CellVar(slot, span), Ty::Cell),
            Some((slot, VarKind::Fact)) => (Ex::FactVar(slot), Ty::Num),
            Some((_, kind)) => {
                let what = if kind == VarKind::Col { "一列" } else { "一行" };
                let message = format!("“{n}”代表{what}，不是一个数值");
                self.type_err(span, message, format!("引用单元格请写 表三[行, 列]，把 {n} 放在对应位置"));
                (Ex::Error, Ty::Error)
            }
            None if n == "template" || n == "格式" => (Ex::Template, Ty::Template),
            None if n == "year" || n == "年度" => (Ex::Year, Ty::Num),
            None if n == "published" || n == "发布日期" => (Ex::Published, Ty::Date),
            None if n == "deadline" || n == "公开期限" => (Ex::Deadline, Ty::Date),
            None => {
                let names: Vec<String> = self.scopes.iter().flatten().map(|(n, ..)| n.clone()).collect();
                let pool: Vec<(String, String)> = names.iter().map(|n| (n.clone(), n.clone())).collect();
                let suggestions = super::suggest::suggest(n, pool.iter().map(|(a, b)| (a.as_str(), b.as_str())));
                self.err(K::UnknownName { name: n.to_string(), suggestions }, span);
                (Ex::Error, Ty::Error)
            }
        }
    }

    fn call(&mut self, name: &Spanned<String>, args: &[Expr], span: Span) -> Typed {
        let Some(def) = funcs::lookup(&name.node) else {
            let all = funcs::names();
            let suggestions = super::suggest::suggest(name, all.iter().map(|n| (*n, *n)));
            self.err(K::UnknownFunction { name: name.node.clone(), suggestions, known: all.join("、") }, name.span);
            return (Ex::Error, Ty::Error);
        };
        let n = def.params.len();
        if args.len() < n || (!def.variadic && args.len() > n) {
            self.err(K::Arity { name: name.node.clone(), want: def.arity(), got: args.len() }, span);
            return (Ex::Error, Ty::Error);
        }
        let mut ex = Vec::with_capacity(args.len());
        let mut failed = false;
        for (i, a) in args.iter().enumerate() {
            let param = def.param(i).unwrap_or(Param::Num);
            let (e, ty) = match param {
                Param::Places => self.places(a),
                _ => self.expr(a),
            };
            let ok = match (param, ty) {
                (_, Ty::Error) => false,
                (Param::Num, Ty::Num | Ty::Cell) | (Param::NumOrCells, Ty::Num | Ty::Cell | Ty::Cells) => true,
                (Param::Cells, Ty::Cell | Ty::Cells) => true,
                (Param::Cell, Ty::Cell) => matches!(e, Ex::Cells(_) | Ex::CellVar(..)),
                (Param::Places, Ty::Num) => true,
                (Param::Prose, Ty::Prose) | (Param::Str, Ty::Text) => true,
                (Param::Value, Ty::Num | Ty::Cell | Ty::Date | Ty::Text | Ty::Prose) => true,
                (Param::Value, _) => {
                    self.type_err(a.span, format!("{} 的参数应是一个值（数值、单元格、日期或文字）", name.node), "例如 when known(发布日期)");
                    false
                }
                (Param::Prose, _) => {
                    let message = format!("{} 的参数必须是一部分正文", name.node);
                    self.type_err(a.span, message, format!("例如 {}(正文[存在的主要问题及改进情况])", def.names[0]));
                    false
                }
                (Param::Str, _) => {
                    self.type_err(a.span, format!("{} 的第二个参数必须是加引号的文字", name.node), "例如 contains(正文[其他需要报告的事项], \"信息处理费\")");
                    false
                }
                (Param::Num, _) => {
                    let _ = self.as_number(Ex::Error, ty, a.span);
                    false
                }
                (Param::Cell, Ty::Cells) => {
                    let message = format!("{} 的参数必须是一个单元格，这里是多个", name.node);
                    self.type_err(a.span, message, "要逐个检查请用 for each cell x in 表三[…] { check not blank(x) }");
                    false
                }
                (Param::Cell | Param::Cells, _) => {
                    let one = if param == Param::Cell { "一个" } else { "" };
                    let message = format!("{} 的参数必须是{one}单元格", name.node);
                    self.type_err(a.span, message, format!("例如 {}(表三[（七）总计, 自然人])", def.names[0]));
                    false
                }
                (Param::NumOrCells, _) => {
                    let _ = self.as_number(Ex::Error, ty, a.span);
                    false
                }
                (Param::Places, _) => false,
            };
            failed |= !ok;
            ex.push(e);
        }
        if failed {
            return (Ex::Error, Ty::Error);
        }
        (Ex::Call(def.func, ex, span), def.result)
    }

    /// `round`'s decimal places: an integer literal 0..=10.
    fn places(&mut self, a: &Expr) -> Typed {
        match &a.kind {
            ExprKind::Num(n) if n.fract().is_zero() && *n <= Decimal::from(10) => (Ex::Num(*n), Ty::Num),
            _ => {
                self.type_err(a.span, "小数位数应是 0 到 10 的整数", "例如 round(a / b * 100, 1) 保留一位小数");
                (Ex::Error, Ty::Error)
            }
        }
    }
}

/// A template id written as a literal: `2021` or `"2021"`.
pub fn template_literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Num(n) => Some(n.normalize().to_string()),
        ExprKind::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn quant_word(q: Quant) -> &'static str {
    match q {
        Quant::Col => "col",
        Quant::Row => "row",
        Quant::Block => "block",
        Quant::Cell => "cell",
        Quant::Fact => "fact",
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
