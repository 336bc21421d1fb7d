//! Evaluation: compiled rules × a context (the report checked, related reports such as
//! the same issuer's previous year) → findings and one outcome per rule. One verdict per
//! rule and binding: pass, fail (a finding), or not assessable. Evaluation only reads the
//! reports; it always terminates (quantifiers range over template rows and columns, no
//! loops or recursion beyond the rule's own expression depth).

mod cells;
pub mod finding;
pub(crate) mod format;
pub mod outcome;
mod prose;
#[cfg(test)]
mod tests;

use crate::check::ir::*;
use crate::limits::Limits;
use crate::report::model::{Cell, CellState, Report, UsedIdentity};
use crate::syntax::ast::{BinOp, Class};
use crate::syntax::Span;
use crate::template::{Domain, Template};
use cells::Used;
pub use finding::{BindingOut, Evidence, Finding, FindingCell, FindingClass, ReportText, Sources};
pub use outcome::{Outcome, RuleOutcome};
use rust_decimal::Decimal;

/// What a rule sees: the report checked and the reports related to it.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The report checked.
    pub report: &'a Report,
    /// The same issuer's report of the year before, when the caller has it (cross-year
    /// rules read it; without it they are not assessable).
    pub previous: Option<&'a Report>,
}

impl<'a> Context<'a> {
    /// A context of one report.
    pub fn of(report: &'a Report) -> Self {
        Context { report, previous: None }
    }
}

/// Findings and per-rule outcomes of one report.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Findings in pack order, rule order, binding order.
    pub findings: Vec<Finding>,
    /// One outcome per rule, in rule order.
    pub rules: Vec<RuleOutcome>,
    /// The path of the previous year's report of the context, when it had one (what a
    /// finding cell with `report` 1 is in).
    pub previous: Option<String>,
    /// Findings the review file dismissed (their values unchanged since): not shown, counted
    /// (`gouji::review::Reviews::apply`).
    pub dismissed: Vec<Finding>,
}

impl Evaluation {
    /// Findings the review file dismissed: those hidden and those shown (`--all`) marked so.
    pub fn dismissed_count(&self) -> usize {
        self.dismissed.len() + self.findings.iter().filter(|f| f.is_dismissed()).count()
    }
}

/// A value during evaluation; `Copy`, strings borrowed from the rules or the report.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Val<'r> {
    Num(Decimal),
    Bool(bool),
    Str(&'r str),
    /// A date as `yyyymmdd` (ordered as dates are).
    Date(u32),
    /// Not assessable: a needed cell is missing, blank (under `blank skip`) or unreadable,
    /// or the arithmetic could not be done (see `Ctx::why`).
    Absent,
}

#[derive(Clone)]
enum Slot<'r> {
    Empty,
    /// A `let` value, why it is absent (when it is), and the expression it was computed
    /// from: a failing check reads the expression again for the cells (see [`Ctx::tracing`]).
    Value(Val<'r>, Option<&'static str>, &'r Ex),
    Bound(&'r Binding),
    /// A `for each fact` variable: the number, its section, and which match of its section
    /// it is (1, 2 … — the finding's place, stable while the prose is).
    Fact(&'r crate::report::model::Section, &'r crate::report::facts::Fact, usize),
}

struct Ctx<'r> {
    report: &'r Report,
    views: cells::Views<'r>,
    rule: &'r CompiledRule,
    tpl: &'r Template,
    /// The previous report's template in the variant run (names after `上年.` are its);
    /// `tpl` for a rule that does not read the previous report.
    ptpl: &'r Template,
    /// The rule reads the previous report and the context has none: nothing was run.
    no_previous: bool,
    slots: Vec<Slot<'r>>,
    /// Cells read by the expression being evaluated, while `tracing`.
    trace: Vec<Used<'r>>,
    /// Prose read by it, while `tracing`.
    text_trace: Vec<prose::TextUse<'r>>,
    /// Record the cells read. Only a check that does not hold cites them, so a check is
    /// evaluated without, and one that does not hold is evaluated again with them; a `let`
    /// keeps its expression and is read again then. Evaluation only reads the reports and
    /// the bindings, and a `let` is visible only where the bindings it read stay as they
    /// were (its own block and the blocks inside), so the second reading meets the same
    /// cells in the same order, as if they had been recorded the first time.
    tracing: bool,
    /// A blank met under `blank finding`.
    blank_hit: bool,
    /// Why a value is absent other than its cells (division by zero, overflow).
    why: Option<&'static str>,
    findings: Vec<Finding>,
    /// Failures held back for `report once`.
    held: Vec<Finding>,
    /// Tables found missing (one not-assessable finding each).
    missing_tables: Vec<String>,
    /// A report of the context had glued digits decoded with identities: every check's
    /// cells are traced, passing or not, to tell which checks restate one.
    decoded: bool,
    /// Checks that restate an identity consumed to decode their cells, and those identities.
    on_decoding: usize,
    decoded_by: Vec<UsedIdentity>,
    /// The rule's accounting.
    checked: usize,
    failed: usize,
    not_assessable: usize,
    first_na: Option<String>,
    not_applicable: Option<String>,
    /// The texts a finding cites (the report checked, the previous year's); copied into
    /// a finding only when one is made.
    reports: &'r [ReportText],
    /// Findings the rule may still make (its own budget, or what the report has left).
    budget: usize,
    per_rule: usize,
    /// Longest rendered message, in bytes.
    rendered: usize,
    /// The budget ran out: the rule stops here.
    stopped: bool,
}

/// Why a value is absent when a sum or difference leaves the decimal range.
const OVERFLOW: &str = "数值超出可计算的范围";
/// Why a rule reading the previous report is not assessable without one.
pub const NO_PREVIOUS: &str = "没有上年报告";
/// How the reason begins when a rule's phrases match no number of the prose.
pub const NO_MATCH: &str = "正文中没有与";
/// Why a cell of the previous report bound by a loop variable cannot be read.
const NOT_IN_PREVIOUS_TEMPLATE: &str = "上年报告的格式中没有这一行或列";

/// The template a report's table follows (the report's own when the table is absent).
fn template_of<'a>(report: &'a Report, table: &str) -> &'a str {
    report.tables.get(table).map(|t| t.template.as_str()).or(report.template.as_deref()).unwrap_or("")
}

/// Evaluate compiled rules in a context, in rule order, within `limits`; `left` is how
/// many findings the report may still take (shared by the packs of one checker). A rule
/// that reaches `limits.findings_per_rule` stops with one notice; when `left` runs out,
/// one notice says so and the remaining rules are not run.
pub fn evaluate(rules: &[CompiledRule], cx: Context<'_>, limits: &Limits, left: &mut usize) -> Evaluation {
    let report = cx.report;
    let mut out = Evaluation { previous: cx.previous.map(|p| p.path.clone()), ..Evaluation::default() };
    // The texts findings point into: the report checked, then the previous year's.
    let text_of = |r: &Report| ReportText { path: r.path.clone(), form: r.form.clone(), text: r.source.clone() };
    let report_texts: Vec<ReportText> = std::iter::once(report).chain(cx.previous).map(text_of).collect();
    // Built once per report, passed from rule to rule.
    let mut views = cells::Views::new(report, cx.previous);
    // The first rule not run for the report's budget, and how many were not.
    let mut skipped: Option<(&CompiledRule, usize)> = None;
    for (n, rule) in rules.iter().enumerate() {
        let Some(first) = rule.variants.first() else {
            continue;
        };
        if *left == 0 {
            skipped.get_or_insert((rule, rules.len() - n));
            let reason = format!("本报告的发现已达上限 {} 条，此规则未检查（上限是 gouji::Limits 的 findings_per_report）", limits.findings_per_report);
            out.rules.push(RuleOutcome {
                id: rule.id.clone(),
                outcome: Outcome::NotAssessable,
                checked: 0,
                failed: 0,
                not_assessable: 0,
                on_decoding: 0,
                decoded_by: Vec::new(),
                reason: Some(reason),
            });
            continue;
        }
        let taken = std::mem::replace(&mut views, cells::Views::new(report, cx.previous));
        let mut ctx = Ctx::new(report, taken, rule, &first.template, &report_texts, limits, limits.findings_per_rule.min(*left));
        let rule_prev_table = rule.op_prev_tables.iter().flatten().next();
        for (i, table) in rule.op_tables.iter().enumerate() {
            let table = table.as_deref().unwrap_or(&rule.primary_table);
            let template = template_of(report, table);
            // A rule reading the previous report runs in the variant of both reports'
            // templates; without that report it is not assessable (where it applies).
            let prev_template = match (rule.previous, cx.previous) {
                (false, _) => None,
                (true, None) => {
                    match rule.variants.iter().find(|v| v.template.id == template) {
                        _ if rule.variants.iter().any(|v| v.template.id == template && v.ops.is_ok()) => ctx.no_previous = true,
                        Some(v) => {
                            let why = v.ops.as_ref().err().cloned().unwrap_or_default();
                            ctx.not_applicable.get_or_insert(why);
                        }
                        None if template.is_empty() => {
                            ctx.not_applicable.get_or_insert_with(|| "报告的格式无法确定".into());
                        }
                        None => {
                            ctx.not_applicable.get_or_insert_with(|| format!("本规则包不含 {template} 年格式"));
                        }
                    }
                    continue;
                }
                (true, Some(prev)) => {
                    let tables = rule.op_prev_tables.get(i).map_or(&[][..], Vec::as_slice);
                    if let Some(missing) = tables.iter().find(|t| !prev.tables.contains_key(*t)) {
                        ctx.not_assessable_prev_table(missing);
                        // A guard that cannot be decided ends the rule (as one not holding
                        // would): what it guards is not checked.
                        let guard = rule.variants.iter().filter_map(|v| v.ops.as_ref().ok()).any(|ops| matches!(ops.get(i), Some(Op::When(..))));
                        if guard {
                            break;
                        }
                        continue;
                    }
                    let at = tables.first().or(rule_prev_table).map_or(table, String::as_str);
                    Some(template_of(prev, at))
                }
            };
            // A rule whose names do not exist in this table's template does not apply.
            let op = match rule.variant_pair(template, prev_template).map(|v| (v, &v.ops)) {
                Some((v, Ok(ops))) => ops.get(i).map(|op| (v, op)),
                Some((_, Err(why))) => {
                    ctx.not_applicable.get_or_insert_with(|| why.clone());
                    None
                }
                None if template.is_empty() => {
                    ctx.not_applicable.get_or_insert_with(|| "报告的格式无法确定".into());
                    None
                }
                None if prev_template == Some("") => {
                    ctx.not_applicable.get_or_insert_with(|| "上年报告的格式无法确定".into());
                    None
                }
                None => {
                    let t = prev_template.map_or(template, |p| if rule.variant(template).is_some() { p } else { template });
                    ctx.not_applicable.get_or_insert_with(|| format!("本规则包不含 {t} 年格式"));
                    None
                }
            };
            let Some((variant, op)) = op else { continue };
            ctx.tpl = &variant.template;
            ctx.ptpl = variant.previous.as_deref().unwrap_or(&variant.template);
            if !ctx.op(op) {
                break;
            }
        }
        ctx.flush_once();
        if ctx.stopped {
            ctx.budget_notice(rules.len() - n - 1, limits.findings_per_report);
        }
        out.rules.push(ctx.outcome());
        *left = left.saturating_sub(ctx.findings.len());
        out.findings.append(&mut ctx.findings);
        views = ctx.views;
    }
    if let Some((rule, count)) = skipped {
        let shown = out.findings.len();
        let limit = limits.findings_per_report;
        let id = finding::id(&rule.id, report, &["budget"]);
        let message =
            format!("发现过多：本报告已列出 {shown} 条，达到上限 {limit} 条，其后的 {count} 条规则未检查（上限是 gouji::Limits 的 findings_per_report）");
        out.findings.push(notice(rule, id, message, Sources { rule_file: rule.file.clone(), reports: report_texts.clone() }));
    }
    finding::unique_ids(&mut out.findings);
    out
}

/// An info finding of a rule that cites no cell: a table absent, a findings budget reached.
fn notice(rule: &CompiledRule, id: String, message: String, sources: Sources) -> Finding {
    let severity = crate::syntax::ast::Severity::Info;
    let f = Finding::without_cells(id, rule.id.clone(), rule.title.clone(), severity, FindingClass::NotAssessable, message);
    Finding { rule_span: rule.span, check_span: rule.id_span, sources, ..f }
}

impl<'r> Ctx<'r> {
    /// A rule's evaluation in one report, nothing counted yet, with `budget` findings to make.
    fn new(
        report: &'r Report,
        views: cells::Views<'r>,
        rule: &'r CompiledRule,
        tpl: &'r Template,
        reports: &'r [ReportText],
        limits: &Limits,
        budget: usize,
    ) -> Self {
        let decoded = [Which::This, Which::Previous].iter().any(|w| views.report(*w).is_some_and(|r| !r.consumed.is_empty()));
        Ctx {
            report,
            views,
            rule,
            tpl,
            ptpl: tpl,
            no_previous: false,
            slots: vec![Slot::Empty; rule.slot_names.len()],
            trace: Vec::new(),
            text_trace: Vec::new(),
            tracing: false,
            blank_hit: false,
            why: None,
            findings: Vec::new(),
            held: Vec::new(),
            missing_tables: Vec::new(),
            decoded,
            on_decoding: 0,
            decoded_by: Vec::new(),
            checked: 0,
            failed: 0,
            not_assessable: 0,
            first_na: None,
            not_applicable: None,
            reports,
            budget,
            per_rule: limits.findings_per_rule,
            rendered: limits.message_rendered_bytes,
            stopped: false,
        }
    }

    fn block(&mut self, ops: &'r [Op]) {
        for op in ops {
            if !self.op(op) {
                return;
            }
        }
    }

    /// Run one op; false when a guard ends the enclosing block (or the budget the rule).
    fn op(&mut self, op: &'r Op) -> bool {
        if self.stopped {
            return false;
        }
        match op {
            Op::Let(slot, ex) => {
                self.why = None;
                let v = self.eval(ex);
                self.slots[*slot] = Slot::Value(v, self.why.take(), ex);
            }
            Op::When(ex, span) => {
                let v = self.eval(ex);
                if v != Val::Bool(true) {
                    let text = self.rule.file.as_ref().and_then(|f| f.text.get(span.start..span.end)).unwrap_or("");
                    let why = if v == Val::Absent { "适用条件无法评估" } else { "适用条件不成立" };
                    self.not_applicable.get_or_insert_with(|| format!("{why}：when {text}"));
                }
                return v == Val::Bool(true);
            }
            Op::Check { ex, within, span } => self.check(ex, *within, *span),
            Op::ForFacts { slot, set, body } => self.for_facts(*slot, set, body),
            Op::ForEach { slot, items, body, cells, .. } => {
                if let Some(table) = items.first().map(binding_table).filter(|t| !self.report.tables.contains_key(*t)) {
                    self.not_assessable_table(table);
                    return true;
                }
                match cell_predicate(body, *slot) {
                    Some(quick) => self.each_cell_quick(*slot, items, cells, body, quick),
                    None => {
                        for item in items {
                            self.bound_block(*slot, item, body);
                            if self.stopped {
                                break;
                            }
                        }
                    }
                }
                self.slots[*slot] = Slot::Empty;
            }
        }
        true
    }

    /// The body once per number of the prose the phrases match. A report with none of the
    /// sections makes the rule not assessable (one notice); no match, not applicable.
    fn for_facts(&mut self, slot: usize, set: &'r TextSet, body: &'r [Op]) {
        let (found, missing) = prose::matches(self.report, set);
        // Of several sections, those the report has are read; with none, nothing can be.
        if !missing.is_empty() && missing.len() == set.sections.len() {
            self.not_assessable_section(&missing.join("、"));
        }
        if found.is_empty() && missing.len() < set.sections.len() {
            let phrases: Vec<String> = set.phrases.iter().map(|p| format!("“{}”", p.written)).collect();
            self.not_applicable.get_or_insert_with(|| format!("{NO_MATCH}{}相符的数字", phrases.join("或")));
        }
        let mut nth = 0;
        let mut section = 0;
        for (s, f) in found {
            nth = if s.number == section { nth + 1 } else { 1 };
            section = s.number;
            self.slots[slot] = Slot::Fact(s, f, nth);
            self.block(body);
            if self.stopped {
                break;
            }
        }
        self.slots[slot] = Slot::Empty;
    }

    /// None of a loop's sections is in the report: one not-assessable notice for the rule.
    fn not_assessable_section(&mut self, name: &str) {
        self.missing_notice(format!("正文.{name}"), format!("报告中未找到{name}"));
    }

    /// Run a loop body with the loop variable bound to `item`.
    fn bound_block(&mut self, slot: usize, item: &'r Binding, body: &'r [Op]) {
        self.slots[slot] = Slot::Bound(item);
        self.block(body);
    }

    /// A `for each cell` loop whose body is one cell predicate (the value rules: hundreds
    /// of cells a report, nearly all passing): each cell is tested straight from its
    /// table's view, and only a cell that does not pass runs the body as written, which
    /// makes its finding exactly as the plain loop would. A passing check only counts.
    fn each_cell_quick(&mut self, slot: usize, items: &'r [Binding], cells: &[(usize, Domain)], body: &'r [Op], quick: CellPredicate) {
        // One loop per predicate, its test decided once for the loop rather than per cell;
        // each is `quick.passes` with the predicate a constant.
        macro_rules! scan {
            ($($f:ident),*) => {
                match (quick.func, quick.negated) {
                    $(
                        (Func::$f, false) => self.each_cell_scan(slot, items, cells, body, |c, d| CellPredicate { func: Func::$f, negated: false }.passes(c, d)),
                        (Func::$f, true) => self.each_cell_scan(slot, items, cells, body, |c, d| CellPredicate { func: Func::$f, negated: true }.passes(c, d)),
                    )*
                    _ => self.each_cell_scan(slot, items, cells, body, |c, d| quick.passes(c, d)),
                }
            };
        }
        scan!(IsBlank, IsNumber, IsMarker, IsText, Present, Doubtful, Valid)
    }

    /// [`Ctx::each_cell_quick`] with its predicate as `pass`: runs of passing cells among the
    /// loop's leading cells (see [`Op::ForEach`]) are only counted; any other item runs the
    /// body as written.
    #[inline(always)]
    fn each_cell_scan(&mut self, slot: usize, items: &'r [Binding], cells: &[(usize, Domain)], body: &'r [Op], pass: impl Fn(Option<&Cell>, Domain) -> bool) {
        let Some(Binding::Cell(first)) = items.first() else { return };
        let table_ix = first.table_ix;
        let mut next = 0;
        while next < items.len() {
            if let Some(rest) = cells.get(next..) {
                let view = self.views.view(Which::This, self.tpl, table_ix);
                let run = rest.iter().position(|&(ix, domain)| !pass(view.get(ix).copied().flatten(), domain)).unwrap_or(rest.len());
                self.checked += run;
                next += run;
            }
            let Some(item) = items.get(next) else { break };
            self.bound_block(slot, item, body);
            next += 1;
            if self.stopped {
                break;
            }
        }
    }

    fn check(&mut self, ex: &'r Ex, within: Option<Decimal>, span: Span) {
        self.checked += 1;
        // With decoded cells every check is traced (once); otherwise only one that does not
        // hold is evaluated again, recording the cells it reads (see `tracing`).
        if !self.decoded && self.verdict(ex, within).0 == Val::Bool(true) {
            return;
        }
        self.trace.clear();
        self.text_trace.clear();
        self.tracing = true;
        let (verdict, sides) = self.verdict(ex, within);
        self.tracing = false;
        let decoded_by = if self.decoded { self.restated() } else { Vec::new() };
        if !decoded_by.is_empty() {
            self.on_decoding += 1;
            for u in &decoded_by {
                if !self.decoded_by.contains(u) {
                    self.decoded_by.push(u.clone());
                }
            }
        }
        // A sentence of another scope, or an approximate number, is not judged.
        let aside = match verdict {
            Val::Bool(false) => prose::set_aside(self.report, &self.text_trace, &self.rule.scope),
            _ => None,
        };
        let class = match verdict {
            Val::Bool(true) => return,
            _ if aside.is_some() => FindingClass::SetAside,
            _ if self.blank_hit => FindingClass::ReportError,
            Val::Bool(false) if self.rule.class == Class::Doubt => FindingClass::ExtractionDoubt,
            Val::Bool(false) => FindingClass::ReportError,
            _ => FindingClass::NotAssessable,
        };
        if self.findings.len() + self.held.len() >= self.budget {
            // Counted, not made: the rule stops at its budget with one notice.
            if class.is_failure() {
                self.failed += 1;
            } else {
                self.not_assessable += 1;
            }
            self.stopped = true;
            return;
        }
        let mut finding = self.finding(class, sides, span);
        if let Some(why) = aside {
            finding.message = format!("口径不同，未作判断：{}（{why}）", finding.message);
        }
        if !decoded_by.is_empty() && class.is_failure() {
            let names: Vec<String> = decoded_by.iter().map(|u| format!("{}（{}）", u.id, u.at)).collect();
            let purposes = UsedIdentity::purposes(&decoded_by);
            finding.message.push_str(&format!("（这些单元格{purposes}时已用{}，此项不是独立证据）", names.join("、")));
            finding.decoded_by = decoded_by;
        }
        if class.is_failure() {
            self.failed += 1;
        } else {
            self.not_assessable += 1;
            self.first_na.get_or_insert_with(|| finding.message.clone());
        }
        if self.rule.once && class.is_failure() {
            self.held.push(finding);
        } else {
            self.findings.push(finding);
        }
    }

    /// The identities consumed to decode glued digits whose every cell the traced check
    /// read: the check restates them.
    fn restated(&self) -> Vec<UsedIdentity> {
        let mut out = Vec::new();
        for which in [Which::This, Which::Previous] {
            let Some(report) = self.views.report(which) else { continue };
            for c in &report.consumed {
                let read =
                    |(r, col): &(String, String)| self.trace.iter().any(|u| u.report == which && u.keys() == (c.table.as_str(), r.as_str(), col.as_str()));
                if !c.cells.is_empty() && c.cells.iter().all(read) && !out.contains(&c.identity) {
                    out.push(c.identity.clone());
                }
            }
        }
        out
    }

    /// What a check comes to, with both sides of a comparison; sets `blank_hit` and `why`.
    fn verdict(&mut self, ex: &'r Ex, within: Option<Decimal>) -> (Val<'r>, Option<(Decimal, Decimal)>) {
        self.blank_hit = false;
        self.why = None;
        match ex {
            Ex::Bin(op, l, r) if op.is_comparison() => {
                let (lv, rv) = (self.eval(l), self.eval(r));
                let sides = match (&lv, &rv) {
                    (Val::Num(a), Val::Num(b)) => Some((*a, *b)),
                    _ => None,
                };
                let v = compare(*op, &lv, &rv, within.unwrap_or_default());
                if v == Val::Absent && sides.is_some() {
                    self.why.get_or_insert(OVERFLOW);
                }
                (v, sides)
            }
            _ => (self.eval(ex), None),
        }
    }

    fn finding(&mut self, class: FindingClass, sides: Option<(Decimal, Decimal)>, span: Span) -> Finding {
        let mut used: Vec<Used<'r>> = Vec::new();
        for c in self.trace.drain(..) {
            if !used.iter().any(|k| k.same_place(&c)) {
                used.push(c);
            }
        }
        let unreadable: Vec<bool> = used.iter().map(|u| u.cell.and_then(|c| c.value).is_none() || u.doubtful(self.tpl_for(u.report))).collect();
        let doubted = |u: &Used<'r>| {
            let (t, r, c) = u.keys();
            u.cell.is_none() && self.views.report(u.report).is_some_and(|rep| rep.is_doubted(t, r, c))
        };
        let cells: Vec<FindingCell> = used.into_iter().map(|u| FindingCell { doubted: doubted(&u), ..u.to_finding_cell() }).collect();
        let evidence = prose::evidence(self.report, &std::mem::take(&mut self.text_trace));
        let binding = self.binding();
        let (lhs, rhs) = (sides.map(|s| s.0), sides.map(|s| s.1));
        let delta = sides.and_then(|(a, b)| a.checked_sub(b));
        let message = self.message(class, &cells, &unreadable, &binding, sides);
        // Where (the binding) and what (the cited cells' keys, in reading order): two
        // checks of one rule at one binding citing other cells are two findings.
        let cited: Vec<String> = cells.iter().map(|c| c.key()).collect();
        let keys: Vec<&str> = binding.iter().map(|b| b.key.as_str()).chain(cited.iter().map(String::as_str)).collect();
        Finding {
            id: self.finding_id(&keys),
            rule: self.rule.id.clone(),
            title: self.rule.title.clone(),
            severity: if class.is_failure() { self.rule.severity } else { crate::syntax::ast::Severity::Info },
            class,
            message,
            binding,
            cells,
            evidence,
            lhs,
            rhs,
            delta,
            decoded_by: Vec::new(),
            review: None,
            rests_on: Vec::new(),
            pack: 0,
            rule_span: self.rule.span,
            check_span: span,
            sources: self.sources(),
        }
    }

    /// What a finding of this rule cites.
    fn sources(&self) -> Sources {
        Sources { rule_file: self.rule.file.clone(), reports: self.reports.to_vec() }
    }

    /// The rule's outcome on this report, from its counts.
    fn outcome(&self) -> RuleOutcome {
        let (outcome, reason) = if self.failed > 0 {
            (Outcome::Failed, None)
        } else if self.not_assessable > 0 {
            (Outcome::NotAssessable, self.first_na.clone())
        } else if self.no_previous && self.not_applicable.is_none() {
            (Outcome::NotAssessable, Some(NO_PREVIOUS.into()))
        } else if self.checked > 0 && !self.missing_tables.is_empty() {
            // Checked where the tables are, not where one is missing: not fully assessed.
            let why = self.not_applicable.clone().unwrap_or_default();
            (Outcome::NotAssessable, Some(format!("部分无法评估：{why}")))
        } else if self.checked > 0 {
            (Outcome::Passed, None)
        } else {
            (Outcome::NotApplicable, Some(self.not_applicable.clone().unwrap_or_else(|| "没有可检查的内容".into())))
        };
        RuleOutcome {
            id: self.rule.id.clone(),
            outcome,
            checked: self.checked,
            failed: self.failed,
            not_assessable: self.not_assessable,
            on_decoding: self.on_decoding,
            decoded_by: self.decoded_by.clone(),
            reason,
        }
    }

    /// The stable id: rule, report identity (issuer, year), where (binding keys) and the
    /// cited cells' keys — never offsets or values, so a report read again keeps its ids.
    fn finding_id(&self, at: &[&str]) -> String {
        finding::id(&self.rule.id, self.report, at)
    }

    fn binding(&self) -> Vec<BindingOut> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Slot::Bound(b) => Some(BindingOut { var: self.rule.slot_names[i].clone(), key: b.key(), label: b.label() }),
                // A number of the prose: its section and which match there (not its offset).
                Slot::Fact(sec, f, nth) => Some(BindingOut {
                    var: self.rule.slot_names[i].clone(),
                    key: format!("text.{}.{nth}", sec.number),
                    label: format!("{}{}", f.raw, f.unit.unwrap_or("")),
                }),
                _ => None,
            })
            .collect()
    }

    fn message(&self, class: FindingClass, cells: &[FindingCell], unreadable: &[bool], binding: &[BindingOut], sides: Option<(Decimal, Decimal)>) -> String {
        let num = |d: Option<Decimal>| d.map_or("?".to_string(), format::plain);
        let mut text = match &self.rule.message {
            Some(parts) => parts
                .iter()
                .map(|p| match p {
                    MsgPart::Text(t) => t.clone(),
                    MsgPart::FormattedSide(side, f) => {
                        let v = match **side {
                            MsgPart::Lhs => sides.map(|s| s.0),
                            MsgPart::Rhs => sides.map(|s| s.1),
                            _ => sides.and_then(|s| s.0.checked_sub(s.1)),
                        };
                        v.map_or("?".to_string(), |d| format::number(d, *f))
                    }
                    MsgPart::Lhs => num(sides.map(|s| s.0)),
                    MsgPart::Rhs => num(sides.map(|s| s.1)),
                    MsgPart::Delta => num(sides.and_then(|s| s.0.checked_sub(s.1))),
                    MsgPart::Cells => cells.iter().map(FindingCell::name).collect::<Vec<_>>().join("、"),
                    MsgPart::Count => cells.len().to_string(),
                    MsgPart::Slot(i) => self.slot_text(*i, NumFormat::Plain),
                    MsgPart::Formatted(i, f) => self.slot_text(*i, *f),
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
                let mut why: Vec<String> = cells.iter().zip(unreadable).filter(|(_, u)| **u).map(|(c, _)| c.describe()).collect();
                if let Some(w) = self.why {
                    why.push(w.to_string());
                }
                if why.is_empty() {
                    // Every absent value has a cause above; this is the last word, never "（）".
                    why.push("所需的值无法得出".into());
                }
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
        if text.len() > self.rendered {
            let cut = (0..=self.rendered).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            text.truncate(cut);
            text.push('…');
        }
        text
    }

    /// The one notice of a rule stopped by a findings budget: which limit, and what was
    /// left out (the rest of this rule; with the report's budget, the rules after it).
    fn budget_notice(&mut self, rules_after: usize, per_report: usize) {
        let shown = self.findings.len();
        let title = &self.rule.title;
        let message = if self.budget < self.per_rule {
            format!("发现过多（{title}）：本报告的发现达到上限 {per_report} 条，此规则已列出 {shown} 条，其余部分未检查，其后的 {rules_after} 条规则也未检查（上限是 gouji::Limits 的 findings_per_report）")
        } else {
            format!(
                "发现过多（{title}）：已列出 {shown} 条，达到上限 {} 条，此规则的其余部分未检查（上限是 gouji::Limits 的 findings_per_rule）",
                self.per_rule
            )
        };
        let notice = notice(self.rule, self.finding_id(&["budget"]), message, self.sources());
        self.findings.push(notice);
    }

    fn slot_text(&self, i: usize, f: NumFormat) -> String {
        // A name declared in several loops has several slots: use the one bound now.
        let name = &self.rule.slot_names[i];
        let i = (0..self.slots.len()).rev().find(|&j| self.rule.slot_names[j] == *name && !matches!(self.slots[j], Slot::Empty)).unwrap_or(i);
        match self.slots.get(i) {
            Some(Slot::Value(Val::Num(d), ..)) => format::number(*d, f),
            Some(Slot::Value(Val::Bool(b), ..)) => if *b { "是" } else { "否" }.into(),
            Some(Slot::Value(Val::Str(s), ..)) => s.to_string(),
            Some(Slot::Value(Val::Date(d), ..)) => format!("{}年{}月{}日", d / 10000, d / 100 % 100, d % 100),
            Some(Slot::Value(Val::Absent, ..)) => "（无法读取）".into(),
            Some(Slot::Bound(b)) => b.label(),
            Some(Slot::Fact(_, fact, _)) => format::number(fact.value, f),
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
            if !cells.iter().any(|k| k.report == c.report && k.table == c.table && k.row == c.row && k.col == c.col) {
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

    /// The template of a report of the context.
    #[inline(always)]
    fn tpl_for(&self, which: Which) -> &'r Template {
        match which {
            Which::This => self.tpl,
            Which::Previous => self.ptpl,
        }
    }

    /// A table the previous report lacks: one not-assessable notice, and the op that needs
    /// it does not run.
    fn not_assessable_prev_table(&mut self, table: &str) {
        let name = table_name(self.ptpl, table);
        self.missing_notice(format!("上年.{table}"), format!("上年报告中未找到{name}"));
    }

    /// Something the rule needs is missing from a report (`key`, once per rule): counted as
    /// not assessable, with one notice saying `why`.
    fn missing_notice(&mut self, key: String, why: String) {
        if self.missing_tables.contains(&key) {
            return;
        }
        self.missing_tables.push(key.clone());
        self.not_assessable += 1;
        self.first_na.get_or_insert_with(|| why.clone());
        let message = format!("无法评估：{}（{why}）", self.rule.title);
        let notice = notice(self.rule, self.finding_id(&[&key]), message, self.sources());
        self.findings.push(notice);
    }

    fn not_assessable_table(&mut self, table: &str) {
        if self.missing_tables.iter().any(|t| t == table) {
            return;
        }
        self.missing_tables.push(table.to_string());
        let name = table_name(self.tpl, table);
        self.not_applicable.get_or_insert_with(|| format!("报告中未找到{name}"));
        let message = format!("无法评估：{}（报告中未找到{name}）", self.rule.title);
        let notice = notice(self.rule, self.finding_id(&[table]), message, self.sources());
        self.findings.push(notice);
    }

    /// An expression's value. The two commonest untraced reads — a `let` value, a set of
    /// cells laid out densely — are taken here, inline; the rest in [`Ctx::eval_any`].
    #[inline]
    fn eval(&mut self, ex: &'r Ex) -> Val<'r> {
        match ex {
            Ex::Slot(i) if !self.tracing => match self.slots[*i] {
                Slot::Value(v, why, _) => {
                    self.why = self.why.or(why);
                    v
                }
                _ => Val::Absent,
            },
            Ex::Cells(set) if !self.tracing && !set.ragged && set.report == Which::This => self.sum_dense(set),
            _ => self.eval_any(ex),
        }
    }

    #[inline(never)]
    fn eval_any(&mut self, ex: &'r Ex) -> Val<'r> {
        match ex {
            Ex::Num(n) => Val::Num(*n),
            Ex::Str(s) => Val::Str(s),
            Ex::Slot(i) => match self.slots[*i] {
                Slot::Value(v, why, ex) => {
                    if self.tracing {
                        self.retrace(ex);
                    }
                    self.why = self.why.or(why);
                    v
                }
                _ => Val::Absent,
            },
            Ex::Error => Val::Absent,
            Ex::CellVar(i, _) => match self.slots[*i] {
                Slot::Bound(b) => match cells::bound(b, &mut self.views, self.tpl) {
                    Some(u) => self.read(u),
                    None => Val::Absent,
                },
                _ => Val::Absent,
            },
            Ex::Cells(set) => {
                if !self.views.has(set.report) {
                    self.why = Some(NO_PREVIOUS);
                }
                if cells::unmapped(set, &self.slots) {
                    self.why = Some(NOT_IN_PREVIOUS_TEMPLATE);
                    return Val::Absent;
                }
                if !self.tracing && !set.ragged {
                    return self.sum_dense(set);
                }
                let mut total = Decimal::ZERO;
                let mut absent = false;
                let tpl = self.tpl_for(set.report);
                for mut u in cells::expand(set, &self.slots, &mut self.views, tpl) {
                    let (v, blank_hit) = u.value(self.rule.blank, tpl);
                    self.blank_hit |= blank_hit;
                    if self.tracing {
                        self.trace.push(u);
                    }
                    match v {
                        Val::Num(n) => match total.checked_add(n) {
                            Some(t) => total = t,
                            None => {
                                self.why.get_or_insert(OVERFLOW);
                                absent = true;
                            }
                        },
                        _ => absent = true,
                    }
                }
                if absent {
                    Val::Absent
                } else {
                    Val::Num(total)
                }
            }
            Ex::FactVar(i) => match self.slots[*i] {
                Slot::Fact(s, f, _) => {
                    if self.tracing {
                        self.text_trace.push(prose::TextUse::Fact(s, f));
                    }
                    Val::Num(f.value)
                }
                _ => Val::Absent,
            },
            Ex::Prose(set) => match prose::section(self.report, set) {
                Ok(s) => {
                    if self.tracing {
                        self.text_trace.push(prose::TextUse::Section(s));
                    }
                    Val::Str(&s.text)
                }
                Err(why) => {
                    self.why = Some(why);
                    Val::Absent
                }
            },
            Ex::Template => self.tpl.id.parse().map(Val::Num).unwrap_or(Val::Str(&self.tpl.id)),
            Ex::TemplateIs(id) => Val::Bool(self.tpl.id == *id),
            Ex::PrevTemplate => self.ptpl.id.parse().map(Val::Num).unwrap_or(Val::Str(&self.ptpl.id)),
            Ex::PrevTemplateIs(id) => Val::Bool(self.ptpl.id == *id),
            Ex::Year => self.report.year.map_or(Val::Absent, |y| Val::Num(y.into())),
            Ex::Published => match prose::published(self.report) {
                Ok(d) => Val::Date(d),
                Err(why) => {
                    self.why = Some(why);
                    Val::Absent
                }
            },
            Ex::Deadline => match prose::deadline(self.report) {
                Ok(d) => Val::Date(d),
                Err(why) => {
                    self.why = Some(why);
                    Val::Absent
                }
            },
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
                if *op == BinOp::Div && b == Val::Num(Decimal::ZERO) && matches!(a, Val::Num(_)) {
                    self.why = Some("除数为 0");
                    return Val::Absent;
                }
                let v = binary(*op, &a, &b);
                if v == Val::Absent && matches!((a, b), (Val::Num(_), Val::Num(_))) {
                    // A product or quotient of numbers that came out absent either left the range
                    // or lost everything to the 28-digit precision.
                    let tiny = match (op, a, b) {
                        (BinOp::Mul, Val::Num(x), Val::Num(y)) => x.checked_mul(y).is_some(),
                        (BinOp::Div, Val::Num(x), Val::Num(y)) => x.checked_div(y).is_some(),
                        _ => false,
                    };
                    self.why = Some(if tiny { "结果小于 28 位小数所能表示的精度" } else { OVERFLOW });
                }
                v
            }
        }
    }

    /// The sum of a set whose cells are numbered `row offset + column position`, untraced:
    /// what the loop over [`cells::expand`] in [`Ctx::eval`] makes of it, straight from the
    /// view, without a [`Used`] per cell.
    #[inline(never)]
    fn sum_dense(&mut self, set: &'r CellSet) -> Val<'r> {
        let (rows, cols) = cells::sides(set, &self.slots);
        let (tpl, policy) = (self.tpl_for(set.report), self.rule.blank);
        let view = self.views.view(set.report, tpl, set.table_ix);
        let mut total = Decimal::ZERO;
        let (mut absent, mut overflow, mut blank_hit) = (false, false, false);
        for Key(row, _, offset) in rows {
            for Key(col, _, pos) in cols {
                let cell = offset.checked_add(*pos).and_then(|ix| view.get(ix)).copied().flatten();
                let (v, hit, _) = cells::value_of(cell, policy, || cells::domain_at(tpl, &set.table, row, col));
                blank_hit |= hit;
                match v {
                    Val::Num(n) => match total.checked_add(n) {
                        Some(t) => total = t,
                        None => (overflow, absent) = (true, true),
                    },
                    _ => absent = true,
                }
            }
        }
        self.blank_hit |= blank_hit;
        if overflow {
            self.why.get_or_insert(OVERFLOW);
        }
        if absent {
            Val::Absent
        } else {
            Val::Num(total)
        }
    }

    /// The cells of a `let` evaluated again, for the trace only: its value and why it is
    /// absent are the slot's already, and the check's own `why` and `blank_hit` stay.
    fn retrace(&mut self, ex: &'r Ex) {
        let (why, blank_hit) = (self.why, self.blank_hit);
        let _ = self.eval(ex);
        (self.why, self.blank_hit) = (why, blank_hit);
    }

    /// Record a cell read, while tracing.
    fn traced(&mut self, u: Used<'r>) {
        if self.tracing {
            self.trace.push(u);
        }
    }

    /// Read one cell under the rule's blank policy, recording it in the trace.
    fn read(&mut self, mut u: Used<'r>) -> Val<'r> {
        let (v, blank_hit) = u.value(self.rule.blank, self.tpl_for(u.report));
        self.blank_hit |= blank_hit;
        self.traced(u);
        v
    }

    /// A predicate's argument: one cell (of a set, the first), recorded in the trace as it is.
    fn cell_arg(&mut self, ex: &'r Ex) -> Option<Used<'r>> {
        let u = match ex {
            Ex::CellVar(i, _) => match self.slots[*i] {
                Slot::Bound(b) => cells::bound(b, &mut self.views, self.tpl)?,
                _ => return None,
            },
            Ex::Cells(set) if cells::unmapped(set, &self.slots) => {
                self.why = Some(NOT_IN_PREVIOUS_TEMPLATE);
                return None;
            }
            Ex::Cells(set) => {
                let tpl = self.tpl_for(set.report);
                cells::expand(set, &self.slots, &mut self.views, tpl).next()?
            }
            _ => return None,
        };
        self.traced(u);
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
                            None => {
                                self.why.get_or_insert(OVERFLOW);
                                absent = true;
                            }
                        },
                        _ => absent = true,
                    }
                }
                if absent {
                    Val::Absent
                } else {
                    Val::Num(total)
                }
            }
            Func::Count => {
                let n = match &args[0] {
                    Ex::Cells(set) => {
                        let mut n = 0;
                        let tpl = self.tpl_for(set.report);
                        for u in cells::expand(set, &self.slots, &mut self.views, tpl) {
                            n += usize::from(u.cell.is_some());
                            if self.tracing {
                                self.trace.push(u);
                            }
                        }
                        n
                    }
                    ex => usize::from(self.cell_arg(ex).is_some_and(|u| u.cell.is_some())),
                };
                Val::Num(Decimal::from(n))
            }
            Func::Abs => match self.eval(&args[0]) {
                Val::Num(n) => Val::Num(n.abs()),
                _ => Val::Absent,
            },
            Func::Round => match (self.eval(&args[0]), &args[1]) {
                (Val::Num(n), Ex::Num(places)) => {
                    let dp = rust_decimal::prelude::ToPrimitive::to_u32(places).unwrap_or(0);
                    Val::Num(n.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
                }
                _ => Val::Absent,
            },
            Func::Length => match self.eval(&args[0]) {
                Val::Str(t) => Val::Num(Decimal::from(prose::length(t))),
                _ => Val::Absent,
            },
            Func::Contains => match (self.eval(&args[0]), self.eval(&args[1])) {
                (Val::Str(t), Val::Str(needle)) => Val::Bool(prose::contains(t, needle)),
                _ => Val::Absent,
            },
            Func::Known => {
                let v = self.eval(&args[0]);
                // Whether it can be had is the answer; why it cannot is no failure here.
                self.why = None;
                self.blank_hit = false;
                Val::Bool(v != Val::Absent)
            }
            Func::Min | Func::Max => {
                let mut best: Option<Decimal> = None;
                for a in args {
                    let Val::Num(n) = self.eval(a) else {
                        return Val::Absent;
                    };
                    best = Some(match best {
                        None => n,
                        Some(b) if f == Func::Min => b.min(n),
                        Some(b) => b.max(n),
                    });
                }
                best.map_or(Val::Absent, Val::Num)
            }
            _ => {
                let Some(u) = self.cell_arg(&args[0]) else {
                    return Val::Absent;
                };
                predicate(f, &u, self.tpl_for(u.report))
            }
        }
    }
}

/// A cell predicate (`blank(x)`, `valid(x)`, …) on one cell.
fn predicate<'r>(f: Func, u: &Used<'r>, tpl: &Template) -> Val<'r> {
    predicate_on(f, u.cell, || u.domain(tpl))
}

/// A cell predicate on a cell of a column of `domain` (looked up only when needed).
#[inline(always)]
fn predicate_on<'r>(f: Func, cell: Option<&Cell>, domain: impl Fn() -> Domain) -> Val<'r> {
    let state = cell.map(|c| c.state);
    match f {
        Func::IsBlank => Val::Bool(state == Some(CellState::Blank)),
        Func::IsNumber => Val::Bool(state == Some(CellState::Number)),
        Func::IsMarker => Val::Bool(state == Some(CellState::Marker)),
        Func::IsText => Val::Bool(state == Some(CellState::Text)),
        Func::Present => Val::Bool(cell.is_some()),
        Func::Doubtful => Val::Bool(cell.is_some_and(|c| cells::doubtful(c, &domain))),
        _ => cells::valid(cell, domain),
    }
}

/// A loop body that is one check of a cell predicate on the loop variable, possibly
/// negated: `check valid(x)`, `check not blank(x)`.
#[derive(Clone, Copy)]
struct CellPredicate {
    func: Func,
    negated: bool,
}

impl CellPredicate {
    /// Whether the check holds for a `for each cell` binding's cell, as [`Ctx::check`]
    /// would decide it: [`predicate`] on the [`Used`] that [`cells::at`] makes of it.
    #[inline(always)]
    fn passes(self, cell: Option<&Cell>, domain: Domain) -> bool {
        let v = predicate_on(self.func, cell, || domain);
        let v = match (self.negated, v) {
            (false, v) => v,
            (true, Val::Bool(b)) => Val::Bool(!b),
            (true, _) => Val::Absent,
        };
        v == Val::Bool(true)
    }
}

/// The cell predicate a loop body checks on its variable `slot`, when that is all it does.
fn cell_predicate(body: &[Op], slot: usize) -> Option<CellPredicate> {
    let [Op::Check { ex, .. }] = body else { return None };
    let (call, negated) = match ex {
        Ex::Not(inner) => (&**inner, true),
        ex => (ex, false),
    };
    let Ex::Call(func, args, _) = call else { return None };
    let is_predicate = matches!(func, Func::IsBlank | Func::IsNumber | Func::IsMarker | Func::IsText | Func::Present | Func::Doubtful | Func::Valid);
    match args.as_slice() {
        [Ex::CellVar(i, _)] if is_predicate && *i == slot => Some(CellPredicate { func: *func, negated }),
        _ => None,
    }
}

fn compare<'r>(op: BinOp, a: &Val<'r>, b: &Val<'r>, tol: Decimal) -> Val<'r> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => {
            let Some(d) = x.checked_sub(*y) else {
                return Val::Absent;
            };
            Val::Bool(match op {
                // |d| <= 0 is d == 0: no comparison of decimals for the usual exact check.
                BinOp::Eq if tol.is_zero() => d.is_zero(),
                BinOp::Ne if tol.is_zero() => !d.is_zero(),
                BinOp::Eq => d.abs() <= tol,
                BinOp::Ne => d.abs() > tol,
                // A tolerance widens equality (`==` holds within it, `!=` beyond it) and
                // loosens an order: `a < b within t` holds when a < b + t.
                BinOp::Lt => d < tol,
                BinOp::Le => d <= tol,
                BinOp::Gt => d > -tol,
                BinOp::Ge => d >= -tol,
                _ => false,
            })
        }
        (Val::Str(x), Val::Str(y)) => Val::Bool(match op {
            BinOp::Eq => x == y,
            BinOp::Ne => x != y,
            _ => false,
        }),
        (Val::Date(x), Val::Date(y)) => Val::Bool(match op {
            BinOp::Eq => x == y,
            BinOp::Ne => x != y,
            BinOp::Lt => x < y,
            BinOp::Le => x <= y,
            BinOp::Gt => x > y,
            _ => x >= y,
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
                // A product or quotient of non-zero numbers that comes out 0 has lost
                // everything to the 28-digit precision: no number rather than a wrong 0.
                BinOp::Mul => x.checked_mul(*y).filter(|r| !r.is_zero() || x.is_zero() || y.is_zero()).map_or(Val::Absent, Val::Num),
                _ => x.checked_div(*y).filter(|r| !r.is_zero() || x.is_zero()).map_or(Val::Absent, Val::Num),
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

fn table_name(tpl: &Template, key: &str) -> String {
    tpl.table(key).map_or_else(|| key.to_string(), |d| format!("{}（{}）", d.name, d.title))
}
