//! Evaluation: compiled rules × one report → findings. One verdict per rule and binding:
//! pass, fail (a finding), or not assessable. Evaluation only reads the report; it always
//! terminates (quantifiers range over template rows and columns, no loops or recursion
//! beyond the rule's own expression depth).

mod cells;
pub mod finding;

use crate::check::ir::*;
use crate::report::model::{CellState, Report};
use cells::Used;
use crate::syntax::ast::{BinOp, Class};
use crate::syntax::Span;
pub use finding::{BindingOut, Finding, FindingCell, FindingClass};
use rust_decimal::Decimal;

/// A value during evaluation; `Copy`, strings borrowed from the rules or the report.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Val<'r> {
    Num(Decimal),
    Bool(bool),
    Str(&'r str),
    /// Not assessable: a needed cell is missing, blank (under `blank skip`) or unreadable.
    Absent,
}

#[derive(Clone)]
enum Slot<'r> {
    Empty,
    /// A `let` value and the cells it was computed from.
    Value(Val<'r>, Vec<Used<'r>>),
    Bound(&'r Binding),
}

struct Ctx<'r> {
    report: &'r Report,
    views: cells::Views<'r>,
    rule: &'r CompiledRule,
    template: &'r str,
    slots: Vec<Slot<'r>>,
    /// Cells read by the expression being evaluated.
    trace: Vec<Used<'r>>,
    /// A blank met under `blank finding`.
    blank_hit: bool,
    findings: Vec<Finding>,
    /// Failures held back for `report once`.
    held: Vec<Finding>,
    /// Tables found missing (one not-assessable finding each).
    missing_tables: Vec<String>,
}

/// Evaluate compiled rules against a report, in rule order.
pub fn evaluate(rules: &[CompiledRule], report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    // Built once per report, passed from rule to rule.
    let mut views = cells::Views::new(report);
    for rule in rules {
        let mut ctx = Ctx {
            report,
            views: std::mem::replace(&mut views, cells::Views::new(report)),
            rule,
            template: "",
            slots: vec![Slot::Empty; rule.slot_names.len()],
            trace: Vec::new(),
            blank_hit: false,
            findings: Vec::new(),
            held: Vec::new(),
            missing_tables: Vec::new(),
        };
        for (i, table) in rule.op_tables.iter().enumerate() {
            let table = table.as_deref().unwrap_or(&rule.primary_table);
            let template = report.tables.get(table).map(|t| t.template.as_str()).or(report.template.as_deref()).unwrap_or("");
            // A rule whose names do not exist in this table's template does not apply.
            let Some(op) = rule.body_for(template).and_then(|b| b.get(i)) else { continue };
            ctx.template = template;
            if !ctx.op(op) {
                break;
            }
        }
        ctx.flush_once();
        out.append(&mut ctx.findings);
        views = ctx.views;
    }
    out
}

impl<'r> Ctx<'r> {
    fn block(&mut self, ops: &'r [Op]) {
        for op in ops {
            if !self.op(op) {
                return;
            }
        }
    }

    /// Run one op; false when a guard ends the enclosing block.
    fn op(&mut self, op: &'r Op) -> bool {
        match op {
            Op::Let(slot, ex) => {
                self.trace.clear();
                let v = self.eval(ex);
                self.slots[*slot] = Slot::Value(v, std::mem::take(&mut self.trace));
            }
            Op::When(ex) => {
                self.trace.clear();
                return self.eval(ex) == Val::Bool(true);
            }
            Op::Check { ex, within, span } => self.check(ex, *within, *span),
            Op::ForEach { slot, items, body, .. } => {
                if let Some(table) = items.first().map(binding_table).filter(|t| !self.report.tables.contains_key(*t)) {
                    self.not_assessable_table(table);
                    return true;
                }
                for item in items {
                    self.slots[*slot] = Slot::Bound(item);
                    self.block(body);
                }
                self.slots[*slot] = Slot::Empty;
            }
        }
        true
    }

    fn check(&mut self, ex: &'r Ex, within: Option<Decimal>, span: Span) {
        self.trace.clear();
        self.blank_hit = false;
        let (verdict, sides) = match ex {
            Ex::Bin(op, l, r) if op.is_comparison() => {
                let (lv, rv) = (self.eval(l), self.eval(r));
                let sides = match (&lv, &rv) {
                    (Val::Num(a), Val::Num(b)) => Some((*a, *b)),
                    _ => None,
                };
                (compare(*op, &lv, &rv, within.unwrap_or_default()), sides)
            }
            _ => (self.eval(ex), None),
        };
        let class = match verdict {
            Val::Bool(true) => return,
            _ if self.blank_hit => FindingClass::ReportError,
            Val::Bool(false) if self.rule.class == Class::Doubt => FindingClass::ExtractionDoubt,
            Val::Bool(false) => FindingClass::ReportError,
            _ => FindingClass::NotAssessable,
        };
        let finding = self.finding(class, sides, span);
        if self.rule.once && class != FindingClass::NotAssessable {
            self.held.push(finding);
        } else {
            self.findings.push(finding);
        }
    }

    fn finding(&mut self, class: FindingClass, sides: Option<(Decimal, Decimal)>, span: Span) -> Finding {
        let mut used: Vec<Used<'r>> = Vec::new();
        for c in self.trace.drain(..) {
            if !used.iter().any(|k| k.same_place(&c)) {
                used.push(c);
            }
        }
        let unreadable: Vec<bool> = used.iter().map(|u| u.cell.and_then(|c| c.value).is_none() || u.doubtful(self.template)).collect();
        let cells: Vec<FindingCell> = used.into_iter().map(Used::to_finding_cell).collect();
        let binding = self.binding();
        let (lhs, rhs) = (sides.map(|s| s.0), sides.map(|s| s.1));
        let delta = sides.and_then(|(a, b)| a.checked_sub(b));
        let message = self.message(class, &cells, &unreadable, &binding, sides);
        let keys: Vec<&str> = binding.iter().map(|b| b.key.as_str()).collect();
        Finding {
            id: self.finding_id(&keys),
            rule: self.rule.id.clone(),
            title: self.rule.title.clone(),
            severity: if class == FindingClass::NotAssessable { crate::syntax::ast::Severity::Info } else { self.rule.severity },
            class,
            message,
            binding,
            cells,
            lhs,
            rhs,
            delta,
            pack: 0,
            rule_span: self.rule.span,
            check_span: span,
        }
    }

    /// The stable id: rule, report identity (issuer, year) and where (binding keys).
    fn finding_id(&self, at: &[&str]) -> String {
        let year = self.report.year.map(|y| y.to_string()).unwrap_or_default();
        let mut parts = vec![self.rule.id.as_str(), self.report.issuer.as_deref().unwrap_or(""), &year];
        parts.extend_from_slice(at);
        finding::fingerprint(&parts)
    }

    fn binding(&self) -> Vec<BindingOut> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Slot::Bound(b) => Some(BindingOut { var: self.rule.slot_names[i].clone(), key: b.key(), label: b.label() }),
                _ => None,
            })
            .collect()
    }

    fn message(&self, class: FindingClass, cells: &[FindingCell], unreadable: &[bool], binding: &[BindingOut], sides: Option<(Decimal, Decimal)>) -> String {
        let num = |d: Option<Decimal>| d.map_or("?".to_string(), |d| d.normalize().to_string());
        let mut text = match &self.rule.message {
            Some(parts) => parts
                .iter()
                .map(|p| match p {
                    MsgPart::Text(t) => t.clone(),
                    MsgPart::Lhs => num(sides.map(|s| s.0)),
                    MsgPart::Rhs => num(sides.map(|s| s.1)),
                    MsgPart::Delta => num(sides.and_then(|s| s.0.checked_sub(s.1))),
                    MsgPart::Cells => cells.iter().map(FindingCell::name).collect::<Vec<_>>().join("、"),
                    MsgPart::Count => cells.len().to_string(),
                    MsgPart::Slot(i) => self.slot_text(*i),
                })
                .collect(),
            None => {
                let at = binding.iter().map(|b| b.label.clone()).collect::<Vec<_>>().join("、");
                let at = if at.is_empty() { String::new() } else { format!("（{at}）") };
                match sides {
                    Some((a, b)) => format!("{}{at}：左边 {}，右边 {}，差 {}", self.rule.title, num(Some(a)), num(Some(b)), num(a.checked_sub(b))),
                    None => format!("{}{at}", self.rule.title),
                }
            }
        };
        match class {
            FindingClass::NotAssessable => {
                let why: Vec<String> =
                    cells.iter().zip(unreadable).filter(|(_, u)| **u).map(|(c, _)| c.describe()).collect();
                text = format!("无法评估：{}（{}）", self.rule.title, why.join("，"));
                if !binding.is_empty() {
                    let at: Vec<String> = binding.iter().map(|b| b.label.clone()).collect();
                    text = format!("{}，位置：{}", text, at.join("、"));
                }
            }
            _ => {
                let zeros: Vec<String> = cells.iter().filter(|c| c.blank_as_zero).map(FindingCell::name).collect();
                if !zeros.is_empty() {
                    text.push_str(&format!("（空白按 0 计：{}）", zeros.join("、")));
                }
            }
        }
        text
    }

    fn slot_text(&self, i: usize) -> String {
        // A name declared in several loops has several slots: use the one bound now.
        let name = &self.rule.slot_names[i];
        let i = (0..self.slots.len())
            .rev()
            .find(|&j| self.rule.slot_names[j] == *name && !matches!(self.slots[j], Slot::Empty))
            .unwrap_or(i);
        match self.slots.get(i) {
            Some(Slot::Value(Val::Num(d), _)) => d.normalize().to_string(),
            Some(Slot::Value(Val::Bool(b), _)) => if *b { "是" } else { "否" }.into(),
            Some(Slot::Value(Val::Str(s), _)) => s.to_string(),
            Some(Slot::Value(Val::Absent, _)) => "（无法读取）".into(),
            Some(Slot::Bound(b)) => b.label(),
            _ => String::new(),
        }
    }

    /// Merge the held failures of a `report once` rule into one finding.
    fn flush_once(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        let mut first = held[0].clone();
        let mut cells: Vec<FindingCell> = Vec::new();
        for c in held.iter().flat_map(|f| f.cells.iter().cloned()) {
            if !cells.iter().any(|k| k.table == c.table && k.row == c.row && k.col == c.col) {
                cells.push(c);
            }
        }
        first.id = self.finding_id(&[]);
        first.binding.clear();
        first.cells = cells;
        first.message = match &self.rule.message {
            Some(_) => self.message(first.class, &first.cells, &[], &[], None),
            None => format!("{}：{} 处", self.rule.title, held.len()),
        };
        first.lhs = None;
        first.rhs = None;
        first.delta = None;
        self.findings.push(first);
    }

    fn not_assessable_table(&mut self, table: &str) {
        if self.missing_tables.iter().any(|t| t == table) {
            return;
        }
        self.missing_tables.push(table.to_string());
        self.findings.push(Finding {
            id: self.finding_id(&[table]),
            rule: self.rule.id.clone(),
            title: self.rule.title.clone(),
            severity: crate::syntax::ast::Severity::Info,
            class: FindingClass::NotAssessable,
            message: format!("无法评估：{}（报告中未找到{}）", self.rule.title, table_name(table)),
            binding: Vec::new(),
            cells: Vec::new(),
            lhs: None,
            rhs: None,
            delta: None,
            pack: 0,
            rule_span: self.rule.span,
            check_span: self.rule.id_span,
        });
    }

    fn eval(&mut self, ex: &'r Ex) -> Val<'r> {
        match ex {
            Ex::Num(n) => Val::Num(*n),
            Ex::Str(s) => Val::Str(s),
            Ex::Slot(i) => match &self.slots[*i] {
                Slot::Value(v, cells) => {
                    let v = *v;
                    self.trace.extend_from_slice(cells);
                    v
                }
                _ => Val::Absent,
            },
            Ex::CellVar(i, _) => match self.slots[*i] {
                Slot::Bound(b) => match cells::bound(b, &mut self.views, self.template) {
                    Some(u) => self.read(u),
                    None => Val::Absent,
                },
                _ => Val::Absent,
            },
            Ex::Cells(set) => {
                let start = self.trace.len();
                cells::expand(set, &self.slots, &mut self.views, self.template, &mut self.trace);
                let mut total = Decimal::ZERO;
                let mut absent = false;
                for i in start..self.trace.len() {
                    let mut u = self.trace[i];
                    let (v, blank_hit) = u.value(self.rule.blank, self.template);
                    self.blank_hit |= blank_hit;
                    self.trace[i] = u;
                    match v {
                        Val::Num(n) => match total.checked_add(n) {
                            Some(t) => total = t,
                            None => absent = true,
                        },
                        _ => absent = true,
                    }
                }
                if absent { Val::Absent } else { Val::Num(total) }
            }
            Ex::Template => self.template.parse().map(Val::Num).unwrap_or(Val::Str(self.template)),
            Ex::Year => self.report.year.map_or(Val::Absent, |y| Val::Num(y.into())),
            Ex::Call(f, args, _) => self.call(*f, args),
            Ex::Neg(x) => match self.eval(x) {
                Val::Num(n) => Val::Num(-n),
                _ => Val::Absent,
            },
            Ex::Not(x) => match self.eval(x) {
                Val::Bool(b) => Val::Bool(!b),
                _ => Val::Absent,
            },
            Ex::Bin(op, l, r) => {
                let (a, b) = (self.eval(l), self.eval(r));
                binary(*op, &a, &b)
            }
        }
    }

    /// Read one cell under the rule's blank policy, recording it in the trace.
    fn read(&mut self, mut u: Used<'r>) -> Val<'r> {
        let (v, blank_hit) = u.value(self.rule.blank, self.template);
        self.blank_hit |= blank_hit;
        self.trace.push(u);
        v
    }

    /// A predicate's argument: one cell, recorded in the trace as it is.
    fn cell_arg(&mut self, ex: &'r Ex) -> Option<Used<'r>> {
        let u = match ex {
            Ex::CellVar(i, _) => match self.slots[*i] {
                Slot::Bound(b) => cells::bound(b, &mut self.views, self.template)?,
                _ => return None,
            },
            Ex::Cells(set) => {
                let mut one = Vec::with_capacity(1);
                cells::expand(set, &self.slots, &mut self.views, self.template, &mut one);
                *one.first()?
            }
            _ => return None,
        };
        self.trace.push(u);
        Some(u)
    }

    fn call(&mut self, f: Func, args: &'r [Ex]) -> Val<'r> {
        match f {
            Func::Sum => {
                let mut total = Decimal::ZERO;
                let mut absent = false;
                for a in args {
                    match self.eval(a) {
                        Val::Num(n) => match total.checked_add(n) {
                            Some(t) => total = t,
                            None => absent = true,
                        },
                        _ => absent = true,
                    }
                }
                if absent { Val::Absent } else { Val::Num(total) }
            }
            Func::Abs => match self.eval(&args[0]) {
                Val::Num(n) => Val::Num(n.abs()),
                _ => Val::Absent,
            },
            Func::Min | Func::Max => {
                let mut best: Option<Decimal> = None;
                for a in args {
                    let Val::Num(n) = self.eval(a) else { return Val::Absent };
                    best = Some(match best {
                        None => n,
                        Some(b) if f == Func::Min => b.min(n),
                        Some(b) => b.max(n),
                    });
                }
                best.map_or(Val::Absent, Val::Num)
            }
            _ => {
                let Some(u) = self.cell_arg(&args[0]) else { return Val::Absent };
                let state = u.cell.map(|c| c.state);
                match f {
                    Func::IsBlank => Val::Bool(state == Some(CellState::Blank)),
                    Func::IsNumber => Val::Bool(state == Some(CellState::Number)),
                    Func::IsMarker => Val::Bool(state == Some(CellState::Marker)),
                    Func::IsText => Val::Bool(state == Some(CellState::Text)),
                    Func::Present => Val::Bool(u.cell.is_some()),
                    Func::Doubtful => Val::Bool(u.doubtful(self.template)),
                    _ => u.valid(self.template),
                }
            }
        }
    }
}

fn compare<'r>(op: BinOp, a: &Val<'r>, b: &Val<'r>, tol: Decimal) -> Val<'r> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => {
            let Some(d) = x.checked_sub(*y) else { return Val::Absent };
            Val::Bool(match op {
                BinOp::Eq => d.abs() <= tol,
                BinOp::Ne => d.abs() > tol,
                BinOp::Lt => d < -tol,
                BinOp::Le => d <= tol,
                BinOp::Gt => d > tol,
                BinOp::Ge => d >= -tol,
                _ => false,
            })
        }
        (Val::Str(x), Val::Str(y)) => Val::Bool(match op {
            BinOp::Eq => x == y,
            BinOp::Ne => x != y,
            _ => false,
        }),
        _ => Val::Absent,
    }
}

fn binary<'r>(op: BinOp, a: &Val<'r>, b: &Val<'r>) -> Val<'r> {
    match op {
        BinOp::And => match (a, b) {
            (Val::Bool(false), _) | (_, Val::Bool(false)) => Val::Bool(false),
            (Val::Bool(true), Val::Bool(true)) => Val::Bool(true),
            _ => Val::Absent,
        },
        BinOp::Or => match (a, b) {
            (Val::Bool(true), _) | (_, Val::Bool(true)) => Val::Bool(true),
            (Val::Bool(false), Val::Bool(false)) => Val::Bool(false),
            _ => Val::Absent,
        },
        op if op.is_comparison() => compare(op, a, b, Decimal::ZERO),
        _ => match (a, b) {
            (Val::Num(x), Val::Num(y)) => match op {
                BinOp::Add => x.checked_add(*y).map_or(Val::Absent, Val::Num),
                BinOp::Sub => x.checked_sub(*y).map_or(Val::Absent, Val::Num),
                BinOp::Mul => x.checked_mul(*y).map_or(Val::Absent, Val::Num),
                _ => x.checked_div(*y).map_or(Val::Absent, Val::Num),
            },
            _ => Val::Absent,
        },
    }
}

/// The table a quantifier item belongs to — only cells carry it; columns and rows are
/// looked up through their ForEach's table, which `op_tables` records.
fn binding_table(b: &Binding) -> &str {
    match b {
        Binding::Cell(a) => &a.table,
        Binding::Col { table, .. } | Binding::Row { table, .. } => table,
    }
}

fn table_name(key: &str) -> String {
    crate::template::builtin()
        .iter()
        .find_map(|t| t.table(key))
        .map_or_else(|| key.to_string(), |d| format!("{}（{}）", d.name, d.title))
}
