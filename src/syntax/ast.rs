//! The syntax tree of a rule file, names unresolved. Produced by `parser`, consumed by
//! `check` (name resolution against the templates).

use super::span::{Span, Spanned};
use rust_decimal::Decimal;

/// One rule file.
#[derive(Debug, Clone)]
pub struct File {
    pub includes: Vec<Spanned<String>>,
    pub rules: Vec<Rule>,
}

/// `rule <id> "<title>" { … }`
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub body: Vec<Stmt>,
    /// The whole rule block.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// What a blank (or a placeholder such as "/") means to a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankPolicy {
    /// Count it as 0 and say so in the finding.
    Zero,
    /// The rule is not assessable where it meets one (the default).
    Skip,
    /// A blank is itself a finding.
    Finding,
}

/// What a failure of the rule means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The report is wrong (the default).
    Error,
    /// Unsure what the source says.
    Doubt,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Severity(Spanned<Severity>),
    Blank(Spanned<BlankPolicy>),
    Class(Spanned<Class>),
    ReportOnce(Span),
    /// `scope "全市" | "备案"`: words that mark a sentence as of another scope.
    Scope(Vec<Spanned<String>>, Span),
    When(Expr),
    Message(Spanned<String>),
    Let(Spanned<String>, Expr),
    Check {
        expr: Expr,
        within: Option<Spanned<Decimal>>,
        span: Span,
    },
    ForEach(ForEach),
    Case(Case),
}

/// What a quantifier ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    Col,
    Row,
    Block,
    Cell,
    /// A number of the prose (`for each fact n in 正文[…]`).
    Fact,
}

/// `for each <quant> <var> in <domain> { … }`
#[derive(Debug, Clone)]
pub struct ForEach {
    pub quant: Spanned<Quant>,
    pub var: Spanned<String>,
    pub domain: Domain,
    /// `in 上年.表三`: where the `上年.` is written (a misuse the resolver reports).
    pub domain_prev: Option<Span>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// What a `for each` ranges over.
#[derive(Debug, Clone)]
pub enum Domain {
    /// A table or some of its rows or columns.
    Cells(CellRef),
    /// The numbers of the prose a phrase matches.
    Text(TextRef),
}

impl Domain {
    pub fn span(&self) -> Span {
        match self {
            Domain::Cells(c) => c.span,
            Domain::Text(t) => t.span,
        }
    }
}

/// `正文[总体情况]` or `正文[总体情况 | 其他需要报告的事项, "收到…{n}件" | "受理…{n}件"]`.
#[derive(Debug, Clone)]
pub struct TextRef {
    /// Sections by title or number, as written.
    pub sections: Vec<Spanned<String>>,
    /// Phrases, as written (without quotes); none for a section's whole prose.
    pub phrases: Vec<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Num(Decimal),
    Str(String),
    /// A variable, or a bare word resolved later.
    Name(String),
    /// `t3.new_received.natural_person`
    Key([Spanned<String>; 3]),
    Cell(CellRef),
    /// `正文[…]`: a section's prose, or the numbers of it a phrase matches.
    Text(TextRef),
    Call(Spanned<String>, Vec<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `上年.<expr>`: the expression read in the previous year's report; the span is the
    /// `上年.` mark. Only a cell reference (or `template`) may follow.
    Prev(Box<Expr>, Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "=",
            BinOp::Ne => "≠",
            BinOp::Lt => "<",
            BinOp::Le => "≤",
            BinOp::Gt => ">",
            BinOp::Ge => "≥",
            BinOp::And => "且",
            BinOp::Or => "或",
        }
    }
    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

/// `表三[行, 列]`, `表三[行]` or just `表三` (a quantifier domain).
#[derive(Debug, Clone)]
pub struct CellRef {
    pub table: Spanned<String>,
    pub row: Option<Selector>,
    pub col: Option<Selector>,
    pub span: Span,
}

/// One side of a cell reference.
#[derive(Debug, Clone)]
pub enum Selector {
    /// A label, key or variable.
    One(Spanned<String>),
    /// `a .. b`, in template order.
    Range(Spanned<String>, Spanned<String>),
    /// `a | b | c`
    List(Vec<Spanned<String>>),
}

impl Selector {
    pub fn span(&self) -> Span {
        match self {
            Selector::One(s) => s.span,
            Selector::Range(a, b) => a.span.join(b.span),
            Selector::List(v) => v.iter().map(|s| s.span).reduce(Span::join).unwrap_or_default(),
        }
    }
}

/// A rule-level case: a few given cells and the expected outcome.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: Spanned<String>,
    pub template: Option<Spanned<String>>,
    /// `previous template 2019`: the previous year's report's template.
    pub previous_template: Option<Spanned<String>>,
    /// `no previous`: the case has no previous year's report.
    pub no_previous: Option<Span>,
    pub given: Vec<Given>,
    /// Cells not given are 0 (`others zero`) or blank (the default).
    pub others_zero: bool,
    pub expect: Vec<Expect>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Given {
    pub target: GivenTarget,
    /// `given 上年.…`: a cell of the previous year's report.
    pub previous: bool,
    /// The raw text the cell is given (`5`, `-3`, `""` for blank, `"/"`).
    pub raw: Spanned<String>,
}

/// What a `given` sets.
#[derive(Debug, Clone)]
pub enum GivenTarget {
    Cell(CellRef),
    /// `given 正文[总体情况] = "…"`: a section's prose.
    Text(TextRef),
    /// `given 发布日期 = "…"` / `given 发布机关 = "…"`: the report's stated date or issuer.
    Meta(Spanned<String>),
}

impl GivenTarget {
    pub fn span(&self) -> Span {
        match self {
            GivenTarget::Cell(c) => c.span,
            GivenTarget::Text(t) => t.span,
            GivenTarget::Meta(m) => m.span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

#[derive(Debug, Clone)]
pub struct Expect {
    pub outcome: Spanned<Outcome>,
    /// `at 自然人`: the binding (column, row or block) where it fails.
    pub at: Option<Selector>,
    pub span: Span,
}

impl Case {
    /// Whether the case has a previous year's report: it gives one of its cells or its
    /// template.
    pub fn has_previous(&self) -> bool {
        self.no_previous.is_none() && (self.previous_template.is_some() || self.given.iter().any(|g| g.previous))
    }
}
