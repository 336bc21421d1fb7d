//! The resolved form of a rule, for one template: every name is a table, row or column
//! key or a variable slot. Built once per pack load; evaluated against many reports.

use crate::syntax::ast::{BinOp, BlankPolicy, Class, Quant, Severity};
use crate::syntax::Span;
use crate::template::{Domain, Template};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A rule resolved against every template it applies to.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub blank: BlankPolicy,
    pub class: Class,
    /// All failures in one finding.
    pub once: bool,
    /// `scope "全市" | …`: a failing comparison with a number whose sentence says one of
    /// these is set aside (an info saying why), not a failure.
    pub scope: Vec<String>,
    pub message: Option<Vec<MsgPart>>,
    /// The whole rule in its file, and its id.
    pub span: Span,
    pub id_span: Span,
    /// The table the rule is about (the first one it names).
    pub primary_table: String,
    /// Per top-level op: the table it is about; that table's template in the report picks
    /// which variant the op is evaluated from (mixed reports have per-table templates).
    pub op_tables: Vec<Option<String>>,
    /// Whether the rule reads the previous year's report (`上年.…`): then its variants are
    /// per pair of templates (this report's, the previous one's).
    pub previous: bool,
    /// Per top-level op: the tables it reads in the previous year's report (the first one's
    /// template there picks the variant; each must be in that report).
    pub op_prev_tables: Vec<Vec<String>>,
    /// Per template of the pack: the resolved body, or why the rule does not apply there.
    pub variants: Vec<Variant>,
    /// Variable names by slot (for messages and bindings).
    pub slot_names: Vec<String>,
    /// Rule-level cases, kept for `gouji test`.
    pub cases: Vec<crate::syntax::ast::Case>,
    /// The rule file, so a finding can be shown without the pack at hand.
    pub file: Option<Arc<RuleFile>>,
}

/// A rule file's display name and text.
#[derive(Debug)]
pub struct RuleFile {
    pub name: String,
    pub text: Arc<str>,
}

/// A rule resolved against one template: the template itself (its tables are what the
/// ops' indices point into) and the body, or why the rule does not apply there.
#[derive(Debug, Clone)]
pub struct Variant {
    pub template: Arc<Template>,
    /// For a rule that reads the previous year's report: that report's template, which
    /// the names after `上年.` were resolved in.
    pub previous: Option<Arc<Template>>,
    pub ops: Result<Vec<Op>, String>,
}

impl CompiledRule {
    /// The variant for a template id.
    pub fn variant(&self, template: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.template.id == template)
    }

    /// The variant for this report's template and the previous report's (`None` for a
    /// rule that does not read the previous report).
    pub fn variant_pair(&self, template: &str, previous: Option<&str>) -> Option<&Variant> {
        self.variants.iter().find(|v| v.template.id == template && v.previous.as_ref().map(|p| p.id.as_str()) == previous)
    }

    /// The templates the rule applies to (for a rule reading the previous report: with
    /// some previous template), each once.
    pub fn applies_to(&self) -> impl Iterator<Item = &Arc<Template>> {
        self.variants
            .iter()
            .enumerate()
            .filter(|(_, v)| v.ops.is_ok())
            .filter(|(i, v)| !self.variants[..*i].iter().any(|w| w.ops.is_ok() && w.template.id == v.template.id))
            .map(|(_, v)| &v.template)
    }
}

/// A message template: text and `{name}` holes.
#[derive(Debug, Clone, PartialEq)]
pub enum MsgPart {
    Text(String),
    Slot(usize),
    Lhs,
    Rhs,
    Delta,
    /// The involved cells, listed.
    Cells,
    /// How many cells are involved.
    Count,
    /// A variable shown in a display format (`{r:%}`, `{x:.2}`).
    Formatted(usize, NumFormat),
    /// `{lhs}`, `{rhs}` or `{delta}` in a display format.
    FormattedSide(Box<MsgPart>, NumFormat),
}

/// How a number is shown in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFormat {
    /// As it is (computed values with many decimals are rounded for display, marked 约).
    Plain,
    /// A ratio as a percentage with this many decimals: 0.1428 → `14.3%`.
    Percent(u32),
    /// Rounded to this many decimals.
    Places(u32),
}

#[derive(Debug, Clone)]
pub enum Op {
    Let(usize, Ex),
    /// A guard: when false (or not assessable), the rest of the block does not apply.
    /// The span says which guard, for the rule's accounting.
    When(Ex, Span),
    Check {
        ex: Ex,
        within: Option<Decimal>,
        span: Span,
    },
    /// `for each fact n in 正文[…]`: the body once per number of the prose a phrase matches,
    /// found per report.
    ForFacts {
        slot: usize,
        set: TextSet,
        body: Vec<Op>,
    },
    ForEach {
        slot: usize,
        quant: Quant,
        items: Vec<Binding>,
        body: Vec<Op>,
        /// The leading items that are cells of the first item's table, as (dense cell
        /// number, domain): a loop testing one predicate per cell reads these, not the
        /// bindings (see `eval::Ctx::each_cell_quick`).
        cells: Vec<(usize, Domain)>,
    },
}

/// The leading cells of a loop's items that are in the first item's table (see
/// [`Op::ForEach`]).
pub fn leading_cells(items: &[Binding]) -> Vec<(usize, Domain)> {
    let Some(Binding::Cell(first)) = items.first() else { return Vec::new() };
    items
        .iter()
        .map_while(|b| match b {
            Binding::Cell(a) if a.table_ix == first.table_ix => Some((a.ix, a.domain)),
            _ => None,
        })
        .collect()
}

/// What a quantifier variable stands for in one iteration.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    /// A column (`col`) of a table.
    Col { table: String, key_label: Key },
    /// A row (`row`) or 表四 block (`block`).
    Row { table: String, key_label: Key },
    /// One cell (`cell`).
    Cell(CellAddr),
}

impl Binding {
    pub fn key(&self) -> String {
        match self {
            Binding::Col { key_label, .. } | Binding::Row { key_label, .. } => key_label.0.clone(),
            Binding::Cell(a) => format!("{}.{}.{}", a.table, a.row, a.col),
        }
    }
    pub fn label(&self) -> String {
        match self {
            Binding::Col { key_label, .. } | Binding::Row { key_label, .. } => key_label.1.clone(),
            Binding::Cell(a) => format!("{}·{}", a.row_label, a.col_label),
        }
    }
}

/// A row or column key, its printed label, and its place in the template's dense cell
/// numbering: a row's offset, or a column's position in its part ([`NO_POS`] when it
/// varies between parts).
#[derive(Debug, Clone, PartialEq)]
pub struct Key(pub String, pub String, pub usize);

impl Key {
    /// Key and printed label, for IR listings.
    pub fn show(&self) -> String {
        format!("{}「{}」", self.0, self.1)
    }
}

/// A column position that differs between parts (表二).
pub const NO_POS: usize = usize::MAX;

/// A fixed cell of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct CellAddr {
    pub table: String,
    pub row: String,
    pub col: String,
    pub row_label: String,
    pub col_label: String,
    pub domain: Domain,
    /// The table's index in its template, and the cell's dense number in the table.
    pub table_ix: usize,
    pub ix: usize,
}

/// One side of a resolved cell reference.
#[derive(Debug, Clone)]
pub enum Sel {
    /// Fixed keys with their printed labels (one, or a group / range / list).
    Keys(Vec<Key>),
    /// A quantifier variable.
    Var(usize),
    /// A quantifier variable of this report's template used in the previous report's:
    /// per key it can be bound to, the same row or column in the previous template
    /// (`None`: that template has no such row or column).
    Mapped(usize, Vec<(String, Option<Key>)>),
}

/// Resolved `正文[…]`: sections of the template and, for numbers, the phrases.
#[derive(Debug, Clone)]
pub struct TextSet {
    /// Section numbers and their printed titles.
    pub sections: Vec<(u8, String)>,
    /// None: the sections' prose; some: the numbers any of them matches.
    pub phrases: Vec<Phrase>,
    pub span: Span,
}

/// A phrase `"收到…申请{n}件"` compiled: the words before the number (matched against its
/// clause), its unit, and the words after (matched against the rest of its sentence).
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    /// As written.
    pub written: String,
    /// Pieces before a `，` of the phrase (`行政复议…，…结果维持{n}件`): looked for, in order, in
    /// the earlier clauses of the number's sentence.
    pub earlier: Vec<String>,
    /// Pieces before `{n}` in its clause, separated by `…` in the phrase, whitespace removed.
    pub before: Vec<String>,
    /// A `…` right before `{n}`: the last piece need not touch the number.
    pub gap_before: bool,
    /// The unit written right after `{n}` (one of the fact units), if any.
    pub unit: Option<&'static str>,
    /// Pieces after the unit.
    pub after: Vec<String>,
    /// A `…` right after the unit: the first piece need not follow it at once.
    pub gap_after: bool,
}

impl Phrase {
    /// Whether a fact is one this phrase names.
    pub fn matches(&self, f: &crate::report::facts::Fact) -> bool {
        if self.unit.is_some_and(|u| f.unit.map(unit_norm) != Some(u)) {
            return false;
        }
        // Earlier clauses: each piece after the one before it.
        let mut rest: &str = &f.earlier;
        for piece in &self.earlier {
            match rest.find(piece.as_str()) {
                Some(k) => rest = &rest[k + piece.len()..],
                None => return false,
            }
        }
        // Before: pieces from the last, each found before the previous one.
        let mut rest: &str = &f.before;
        for (i, piece) in self.before.iter().enumerate().rev() {
            let last = i + 1 == self.before.len();
            let at = if last && !self.gap_before { rest.ends_with(piece.as_str()).then(|| rest.len() - piece.len()) } else { rest.rfind(piece.as_str()) };
            match at {
                Some(k) => rest = &rest[..k],
                None => return false,
            }
        }
        // After: what follows the unit printed. Words written right after `{n}` that are no
        // unit (`{n}名`) follow a number printed without one.
        if self.unit.is_none() && !self.after.is_empty() && !self.gap_after && f.unit.is_some() {
            return false;
        }
        let mut rest: &str = &f.after;
        for (i, piece) in self.after.iter().enumerate() {
            // After a `…` a piece is looked for in the same clause only: `{n}件…下年度` must
            // not reach a later clause's `顺延到下年度`.
            let clause = rest.find(crate::report::facts::is_clause_mark).map_or(rest, |k| &rest[..k]);
            let at = if i == 0 && !self.gap_after { rest.starts_with(piece.as_str()).then_some(0) } else { clause.find(piece.as_str()) };
            match at {
                Some(k) => rest = &rest[k + piece.len()..],
                None => return false,
            }
        }
        true
    }
}

/// `％` is `%`.
pub fn unit_norm(u: &'static str) -> &'static str {
    if u == "％" {
        "%"
    } else {
        u
    }
}

/// A resolved cell reference: one cell, or a set for `sum`.
#[derive(Debug, Clone)]
pub struct CellSet {
    /// Which report of the context the cells are read from.
    pub report: Which,
    pub table: String,
    /// The table's index in its template (the variant's).
    pub table_ix: usize,
    /// The table's parts have different columns (表二): not every row has every column.
    pub ragged: bool,
    pub rows: Sel,
    pub cols: Sel,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Sum,
    /// Cells of a set the report has.
    Count,
    Abs,
    Min,
    Max,
    /// `round(x, n)`: half away from zero, to n decimal places (n a literal).
    Round,
    /// Cell predicates: look at the cell's state, not its value.
    IsBlank,
    IsNumber,
    IsMarker,
    IsText,
    Present,
    /// Text where a number belongs, or a unit that does not fit the column.
    Doubtful,
    /// Characters of a section's prose (letters, digits, ideographs; no spaces or
    /// punctuation).
    Length,
    /// A section's prose contains a text (spaces and line breaks aside).
    Contains,
    /// A value can be had (the report states its date, a cell holds a number …).
    Known,
    /// The number fits its column's domain (count / signed / decimal).
    Valid,
}

/// A report of the evaluation context. Rules name cells of the report checked; a
/// cross-year reference (`上年.表三[…]`) resolves to [`Which::Previous`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Which {
    /// The report checked.
    #[default]
    This,
    /// The same issuer's report of the year before.
    Previous,
}

impl Which {
    /// Index into the context's reports (and a finding's `sources.reports`).
    pub fn index(self) -> usize {
        match self {
            Which::This => 0,
            Which::Previous => 1,
        }
    }
}

/// The type of an expression, decided at resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A truth value (comparisons, predicates, `and` / `or` / `not`).
    Bool,
    /// A number.
    Num,
    /// One cell (read as a number).
    Cell,
    /// Several cells (a group, range or list): only for `sum`, `count`.
    Cells,
    /// Text (a string literal).
    Text,
    /// A section's prose (`正文[第五部分]`): for `length`, `contains`.
    Prose,
    /// The template id: compared with a number or a text.
    Template,
    /// A date (`发布日期`, `公开期限`): compared only with a date.
    Date,
    /// A sub-expression that did not resolve; its error is already reported.
    Error,
}

#[derive(Debug, Clone)]
pub enum Ex {
    /// A sub-expression that did not resolve (its error is reported; a rule holding one
    /// never compiles).
    Error,
    Num(Decimal),
    Str(String),
    /// A `let` variable.
    Slot(usize),
    /// A `for each cell` variable, read as a cell.
    CellVar(usize, Span),
    Cells(CellSet),
    /// A section's prose.
    Prose(TextSet),
    /// A `for each fact` variable: the number.
    FactVar(usize),
    Template,
    /// `template == id`, decided per template variant.
    TemplateIs(String),
    /// `上年.template`: the previous report's template (only compared with an id).
    PrevTemplate,
    /// `上年.template == id`, decided per variant.
    PrevTemplateIs(String),
    Year,
    /// `发布日期`: the publication date the report states.
    Published,
    /// `公开期限`: the last day the law allows for publishing it (第四十九条: 1月31日 for a
    /// department's report, 3月31日 for a government's), by the issuer's name.
    Deadline,
    Call(Func, Vec<Ex>, Span),
    Neg(Box<Ex>),
    Not(Box<Ex>),
    Bin(BinOp, Box<Ex>, Box<Ex>),
}
