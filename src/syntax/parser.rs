//! Rule text → AST. The only code that sees pest pairs. Syntax errors become
//! [`SyntaxError`]s pointed at their span, with what was expected in plain words.

use super::ast::*;
use super::errors::{code_chars, from_pest, SyntaxError};
use super::span::{SourceId, Span, Spanned};
use crate::limits::{Limits, RuleLimit};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::sync::OnceLock;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/gouji.pest"]
struct GoujiParser;

/// Parse one rule file within the default [`Limits`].
pub fn parse(source: SourceId, text: &str) -> Result<File, SyntaxError> {
    parse_with(source, text, &Limits::default())
}

/// Parse one rule file. Bracket nesting is bounded before pest sees the file
/// (`limits.rule_nesting`) and the operators of each expression before its tree is built
/// (`limits.rule_expr_ops`), so every recursive pass after this one (the tree, the
/// resolution, the evaluation, dropping the tree) goes at most that deep.
pub fn parse_with(source: SourceId, text: &str, limits: &Limits) -> Result<File, SyntaxError> {
    if let Some(deep) = too_deep(source, text, limits.rule_nesting) {
        // An earlier mistake is reported first; the text before the deep bracket nests at
        // most MAX_DEPTH levels, so pest can look at it safely.
        let at = deep.span.start;
        return Err(match GoujiParser::parse(Rule::file, &text[..at]) {
            Err(e) => {
                let e = from_pest(source, text, e);
                if text[e.span.start.min(at)..at].trim().is_empty() {
                    deep
                } else {
                    e
                }
            }
            Ok(_) => deep,
        });
    }
    let mut pairs = GoujiParser::parse(Rule::file, text).map_err(|e| from_pest(source, text, e))?;
    let file = pairs.next().expect("grammar: file");
    let b = Builder { source, bad: RefCell::new(None), limits: limits.clone() };
    let file = b.file(file);
    match b.bad.into_inner() {
        Some(e) => Err(e),
        None => Ok(file),
    }
}

/// The first bracket nested deeper than `max`, found before pest sees the file.
/// Brackets inside strings and comments do not count; an unbalanced closer never goes
/// below zero.
fn too_deep(source: SourceId, text: &str, max: usize) -> Option<SyntaxError> {
    let mut depth = 0usize;
    for (i, c) in code_chars(text) {
        match c {
            '(' | '[' | '{' | '（' | '［' => {
                depth += 1;
                if depth > max {
                    return Some(SyntaxError::limit(Span::new(source, i, i + c.len_utf8()), c.to_string(), RuleLimit::Nesting, max));
                }
            }
            ')' | ']' | '}' | '）' | '］' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::or, Assoc::Left))
            .op(Op::infix(Rule::and, Assoc::Left))
            .op(Op::prefix(Rule::not))
            .op(Op::infix(Rule::eq, Assoc::Left)
                | Op::infix(Rule::ne, Assoc::Left)
                | Op::infix(Rule::lt, Assoc::Left)
                | Op::infix(Rule::le, Assoc::Left)
                | Op::infix(Rule::gt, Assoc::Left)
                | Op::infix(Rule::ge, Assoc::Left))
            .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
            .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
            .op(Op::prefix(Rule::neg))
    })
}

struct Builder {
    source: SourceId,
    /// The first literal that does not fit an exact decimal, or the first expression over
    /// its budget: the file is refused with it.
    bad: RefCell<Option<SyntaxError>>,
    limits: Limits,
}

impl Builder {
    /// A pair's span, ending at its last token: pest keeps the whitespace and comments it
    /// skipped before an optional tail that did not match (`check a == b  # 注释`).
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let end = last_token_end(p).clamp(s.start(), s.end());
        let end = s.start() + p.as_str()[..end - s.start()].trim_end().len();
        Span::new(self.source, s.start(), end)
    }

    /// A numeric literal as an exact decimal. One that does not fit (more than 28
    /// significant digits) is recorded as the file's error; the 0 returned is never seen.
    fn decimal(&self, p: &Pair<Rule>) -> Decimal {
        Decimal::from_str_exact(p.as_str()).unwrap_or_else(|_| {
            let mut bad = self.bad.borrow_mut();
            bad.get_or_insert_with(|| SyntaxError::number_range(self.span(p), p.as_str()));
            Decimal::ZERO
        })
    }

    fn spanned(&self, p: &Pair<Rule>) -> Spanned<String> {
        Spanned::new(p.as_str().to_string(), self.span(p))
    }

    /// A string literal's content (without quotes) and its span.
    fn string(&self, p: Pair<Rule>) -> Spanned<String> {
        let inner = p.into_inner().next().expect("grammar: string_inner");
        self.spanned(&inner)
    }

    fn file(&self, file: Pair<Rule>) -> File {
        let mut out = File { includes: Vec::new(), rules: Vec::new() };
        for p in file.into_inner() {
            match p.as_rule() {
                Rule::include => out.includes.push(self.string(p.into_inner().nth(1).expect("grammar: include path"))),
                Rule::rule => out.rules.push(self.rule(p)),
                _ => {}
            }
        }
        out
    }

    fn rule(&self, p: Pair<Rule>) -> Rule_ {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let id = self.spanned(&it.next().expect("grammar: rule id"));
        let title = self.string(it.next().expect("grammar: rule title"));
        Rule_ { id, title, body: self.stmts(it), span }
    }

    fn stmts<'i>(&self, pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Vec<Stmt> {
        pairs.filter(|p| !matches!(p.as_rule(), Rule::lbrace | Rule::rbrace)).map(|p| self.stmt(p)).collect()
    }

    fn stmt(&self, p: Pair<Rule>) -> Stmt {
        let span = self.span(&p);
        let kind = p.as_rule();
        let mut it = p.into_inner().skip(1);
        match kind {
            Rule::severity => {
                let l = it.next().expect("grammar: level");
                let s = match l.as_str() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    _ => Severity::Info,
                };
                Stmt::Severity(Spanned::new(s, self.span(&l)))
            }
            Rule::blank_policy => {
                let mut q = it.next().expect("grammar: blank policy");
                if q.as_rule() == Rule::kw_as {
                    q = it.next().expect("grammar: zero");
                }
                let b = match q.as_rule() {
                    Rule::zero => BlankPolicy::Zero,
                    Rule::finding => BlankPolicy::Finding,
                    _ => BlankPolicy::Skip,
                };
                Stmt::Blank(Spanned::new(b, span))
            }
            Rule::class_stmt => {
                let c = it.next().expect("grammar: class");
                let class = if c.as_str() == "doubt" { Class::Doubt } else { Class::Error };
                Stmt::Class(Spanned::new(class, self.span(&c)))
            }
            Rule::report_once => Stmt::ReportOnce(span),
            Rule::scope_stmt => Stmt::Scope(it.filter(|p| p.as_rule() == Rule::string).map(|p| self.string(p)).collect(), span),
            Rule::when_stmt => Stmt::When(self.top_expr(it.next().expect("grammar: when expr"))),
            Rule::message => Stmt::Message(self.message(it.next().expect("grammar: message"))),
            Rule::let_stmt => {
                let name = self.spanned(&it.next().expect("grammar: let name"));
                let expr = self.top_expr(it.nth(1).expect("grammar: let expr"));
                Stmt::Let(name, expr)
            }
            Rule::check => {
                let expr = self.top_expr(it.next().expect("grammar: check expr"));
                let within = it.nth(1).map(|n| Spanned::new(self.decimal(&n), self.span(&n)));
                Stmt::Check { expr, within, span }
            }
            Rule::for_each => {
                let _each = it.next();
                let q = it.next().expect("grammar: quant");
                let quant = match q.as_str() {
                    "col" | "列" => Quant::Col,
                    "row" | "行" => Quant::Row,
                    "block" | "块" => Quant::Block,
                    "fact" | "数字" => Quant::Fact,
                    _ => Quant::Cell,
                };
                let var = self.spanned(&it.next().expect("grammar: var"));
                let mut d = it.nth(1).expect("grammar: domain");
                let mut domain_prev = None;
                // `in 上年.表三`: kept for the resolver to refuse, pointed at the `上年.`.
                while d.as_rule() == Rule::prev {
                    let mut inner = d.into_inner();
                    let mark = inner.next().expect("grammar: prev mark");
                    domain_prev.get_or_insert(self.span(&mark));
                    d = inner.next().expect("grammar: prev target");
                }
                let domain = match d.as_rule() {
                    Rule::text_ref => Domain::Text(self.text_ref(d)),
                    Rule::cell_ref => Domain::Cells(self.cell_ref(d)),
                    Rule::key_path => Domain::Cells(self.key_as_ref(&d)),
                    _ => Domain::Cells(CellRef { table: self.spanned(&d), row: None, col: None, span: self.span(&d) }),
                };
                Stmt::ForEach(ForEach { quant: Spanned::new(quant, self.span(&q)), var, domain, domain_prev, body: self.stmts(it), span })
            }
            Rule::case => Stmt::Case(self.case(it, span)),
            other => unreachable!("grammar: statement {other:?}"),
        }
    }

    fn case<'i>(&self, mut it: impl Iterator<Item = Pair<'i, Rule>>, span: Span) -> Case {
        let name = self.string(it.next().expect("grammar: case name"));
        let mut case =
            Case { name, template: None, previous_template: None, no_previous: None, given: Vec::new(), others_zero: false, expect: Vec::new(), span };
        for p in it {
            let pspan = self.span(&p);
            let kind = p.as_rule();
            let mut inner = p.into_inner().skip(1);
            match kind {
                Rule::case_template => case.template = inner.next().map(|n| self.spanned(&n)),
                Rule::case_previous => case.previous_template = inner.last().map(|n| self.spanned(&n)),
                Rule::no_previous => case.no_previous = Some(pspan),
                Rule::others => case.others_zero = inner.next().is_some_and(|z| z.as_rule() == Rule::zero),
                Rule::given => {
                    let mut target = inner.next().expect("grammar: given cell");
                    let previous = target.as_rule() == Rule::prev_given;
                    if previous {
                        target = target.into_inner().nth(1).expect("grammar: given previous cell");
                    }
                    let target = match target.as_rule() {
                        Rule::key_path => GivenTarget::Cell(self.key_as_ref(&target)),
                        Rule::text_ref => GivenTarget::Text(self.text_ref(target)),
                        Rule::given_meta => GivenTarget::Meta(self.spanned(&target)),
                        _ => GivenTarget::Cell(self.cell_ref(target)),
                    };
                    let v = inner.nth(1).expect("grammar: given value");
                    let raw = if v.as_rule() == Rule::string {
                        self.string(v)
                    } else {
                        self.decimal(&v);
                        self.spanned(&v)
                    };
                    case.given.push(Given { target, previous, raw });
                }
                Rule::expect => {
                    let o = inner.next().expect("grammar: outcome");
                    let outcome = match o.as_str() {
                        "pass" => Outcome::Pass,
                        "fail" => Outcome::Fail,
                        _ => Outcome::Skip,
                    };
                    let at = inner.nth(1).map(|s| self.selector(s));
                    case.expect.push(Expect { outcome: Spanned::new(outcome, self.span(&o)), at, span: pspan });
                }
                _ => {}
            }
        }
        case
    }

    /// `t3.new_received.natural_person` as the cell reference `t3[new_received, natural_person]`.
    fn key_as_ref(&self, p: &Pair<Rule>) -> CellRef {
        let [t, r, c] = self.key_parts(p);
        let span = self.span(p);
        CellRef { table: t, row: Some(Selector::One(r)), col: Some(Selector::One(c)), span }
    }

    fn key_parts(&self, p: &Pair<Rule>) -> [Spanned<String>; 3] {
        let base = p.as_span().start();
        let mut parts = p.as_str().splitn(3, '.').scan(base, |at, s| {
            let sp = Spanned::new(s.to_string(), Span::new(self.source, *at, *at + s.len()));
            *at += s.len() + 1;
            Some(sp)
        });
        let mut next = || parts.next().unwrap_or_else(|| Spanned::new(String::new(), Span::default()));
        [next(), next(), next()]
    }

    fn text_ref(&self, p: Pair<Rule>) -> TextRef {
        let span = self.span(&p);
        let (mut sections, mut phrases) = (Vec::new(), Vec::new());
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::section_sel => sections.extend(q.into_inner().filter(|i| i.as_rule() != Rule::list_op).map(|i| self.label_item(i))),
                Rule::string => phrases.push(self.string(q)),
                _ => {}
            }
        }
        TextRef { sections, phrases, span }
    }

    fn cell_ref(&self, p: Pair<Rule>) -> CellRef {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let table = self.spanned(&it.next().expect("grammar: table"));
        let sels: Vec<Selector> = it.filter(|p| p.as_rule() == Rule::selector).map(|s| self.selector(s)).collect();
        let mut sels = sels.into_iter();
        CellRef { table, row: sels.next(), col: sels.next(), span }
    }

    fn selector(&self, p: Pair<Rule>) -> Selector {
        let mut items = Vec::new();
        let mut range = false;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::range_op => range = true,
                Rule::list_op => {}
                Rule::label_string => items.push(self.string(q)),
                _ => items.push(self.label(&q)),
            }
        }
        match (range, items.len()) {
            (true, 2) => {
                let b = items.pop().expect("two items");
                Selector::Range(items.pop().expect("two items"), b)
            }
            (_, 1) => Selector::One(items.pop().expect("one item")),
            _ => Selector::List(items),
        }
    }

    /// A selector item: a quoted or a bare label.
    fn label_item(&self, q: Pair<Rule>) -> Spanned<String> {
        if q.as_rule() == Rule::label_string {
            self.string(q)
        } else {
            self.label(&q)
        }
    }

    /// A bare label, trimmed, its span narrowed to the trimmed text.
    fn label(&self, p: &Pair<Rule>) -> Spanned<String> {
        let raw = p.as_str();
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        let start = p.as_span().start() + lead;
        Spanned::new(text.to_string(), Span::new(self.source, start, start + text.len()))
    }

    /// A message template, its length and holes within budget.
    fn message(&self, p: Pair<Rule>) -> Spanned<String> {
        let m = self.string(p);
        let at = |i: usize| {
            let len = m.node[i..].chars().next().map_or(0, char::len_utf8);
            Span::new(self.source, m.span.start + i, m.span.start + i + len)
        };
        let over = if m.node.len() > self.limits.message_bytes {
            let i = (0..=self.limits.message_bytes).rev().find(|&i| m.node.is_char_boundary(i)).unwrap_or(0);
            Some((at(i), RuleLimit::MessageBytes, self.limits.message_bytes))
        } else {
            m.node.match_indices('{').nth(self.limits.message_holes).map(|(i, _)| (at(i), RuleLimit::MessageHoles, self.limits.message_holes))
        };
        if let Some((span, what, limit)) = over {
            let found = m.node[span.start - m.span.start..span.end - m.span.start].to_string();
            self.bad.borrow_mut().get_or_insert_with(|| SyntaxError::limit(span, found, what, limit));
        }
        m
    }

    /// A statement's expression, its operators counted (flat, without recursion) before
    /// the Pratt parser builds a tree as deep as they are many.
    fn top_expr(&self, p: Pair<Rule>) -> Expr {
        let is_op = |r: Rule| {
            matches!(
                r,
                Rule::add
                    | Rule::sub
                    | Rule::mul
                    | Rule::div
                    | Rule::eq
                    | Rule::ne
                    | Rule::le
                    | Rule::ge
                    | Rule::lt
                    | Rule::gt
                    | Rule::and
                    | Rule::or
                    | Rule::neg
                    | Rule::not
            )
        };
        if let Some(op) = p.clone().into_inner().flatten().filter(|q| is_op(q.as_rule())).nth(self.limits.rule_expr_ops) {
            let span = self.span(&op);
            self.bad.borrow_mut().get_or_insert_with(|| SyntaxError::limit(span, op.as_str().to_string(), RuleLimit::ExprOps, self.limits.rule_expr_ops));
            return Expr { kind: ExprKind::Num(Decimal::ZERO), span: self.span(&p) };
        }
        self.expr(p)
    }

    fn expr(&self, p: Pair<Rule>) -> Expr {
        self.pratt_expr(p.into_inner())
    }

    fn pratt_expr(&self, pairs: Pairs<Rule>) -> Expr {
        pratt()
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, e| {
                let span = self.span(&op).join(e.span);
                let kind = if op.as_rule() == Rule::neg { ExprKind::Neg(Box::new(e)) } else { ExprKind::Not(Box::new(e)) };
                Expr { kind, span }
            })
            .map_infix(|l, op, r| {
                let op = match op.as_rule() {
                    Rule::add => BinOp::Add,
                    Rule::sub => BinOp::Sub,
                    Rule::mul => BinOp::Mul,
                    Rule::div => BinOp::Div,
                    Rule::eq => BinOp::Eq,
                    Rule::ne => BinOp::Ne,
                    Rule::lt => BinOp::Lt,
                    Rule::le => BinOp::Le,
                    Rule::gt => BinOp::Gt,
                    Rule::ge => BinOp::Ge,
                    Rule::and => BinOp::And,
                    _ => BinOp::Or,
                };
                let span = l.span.join(r.span);
                Expr { kind: ExprKind::Binary(op, Box::new(l), Box::new(r)), span }
            })
            .parse(pairs)
    }

    fn primary(&self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::number => ExprKind::Num(self.decimal(&p)),
            Rule::string => ExprKind::Str(self.string(p).node),
            Rule::ident => ExprKind::Name(p.as_str().to_string()),
            Rule::key_path => ExprKind::Key(self.key_parts(&p)),
            Rule::cell_ref => ExprKind::Cell(self.cell_ref(p)),
            Rule::text_ref => ExprKind::Text(self.text_ref(p)),
            Rule::call => {
                let mut it = p.into_inner();
                let name = self.spanned(&it.next().expect("grammar: call name"));
                let args = it.filter(|a| a.as_rule() == Rule::expr).map(|a| self.expr(a)).collect();
                ExprKind::Call(name, args)
            }
            Rule::paren => {
                let inner = self.expr(p.into_inner().nth(1).expect("grammar: parenthesized expr"));
                return Expr { span, ..inner };
            }
            Rule::prev => {
                let mut it = p.into_inner();
                let mark = self.span(&it.next().expect("grammar: prev mark"));
                let target = self.primary(it.next().expect("grammar: prev target"));
                ExprKind::Prev(Box::new(target), mark)
            }
            other => unreachable!("grammar: primary {other:?}"),
        };
        Expr { kind, span }
    }
}

/// Where the last token inside `p` ends. A string is one token (its inner pair stops
/// before the closing quote).
fn last_token_end(p: &Pair<Rule>) -> usize {
    match p.as_rule() {
        Rule::string | Rule::label_string => p.as_span().end(),
        _ => p.clone().into_inner().last().map_or(p.as_span().end(), |q| last_token_end(&q)),
    }
}

/// `Rule` is taken by pest's generated enum.
type Rule_ = super::ast::Rule;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::SyntaxErrorKind;

    #[test]
    fn parses_a_rule_with_labels_and_keys() {
        let src = r#"
# O1
rule t3.balance "收支平衡" {
    severity error
    blank as zero
    for each col c in 表三 {
        let a = 表三[本年新收, c] + t3.carried_over.total
        check a == 表三[（七）总计, c] + 表三[结转下年度, c] within 0.5
    }
    message "{c}列：{a}"
}"#;
        let f = parse(SourceId(0), src).unwrap();
        assert_eq!(f.rules.len(), 1);
        assert_eq!(f.rules[0].id.node, "t3.balance");
        let Stmt::ForEach(fe) = &f.rules[0].body[2] else { panic!("for each expected") };
        assert_eq!(fe.body.len(), 2);
        let Stmt::Let(_, e) = &fe.body[0] else { panic!("let expected") };
        let ExprKind::Binary(BinOp::Add, l, r) = &e.kind else { panic!("add expected") };
        let ExprKind::Cell(c) = &l.kind else { panic!("cell expected") };
        let Some(Selector::One(row)) = &c.row else { panic!("row") };
        assert_eq!(&src[row.span.start..row.span.end], "本年新收");
        assert!(matches!(&r.kind, ExprKind::Key(k) if k[2].node == "total"));
    }

    #[test]
    fn precedence_and_ranges() {
        let src = "rule x \"t\" { check sum(表三[（一）予以公开 .. （七）总计, c]) == 1 + 2 * 3 and not blank(x) }";
        let f = parse(SourceId(0), src).unwrap();
        let Stmt::Check { expr, .. } = &f.rules[0].body[0] else { panic!() };
        assert!(matches!(expr.kind, ExprKind::Binary(BinOp::And, _, _)));
    }

    #[test]
    fn syntax_error_says_what_was_expected() {
        let e = parse(SourceId(0), "rule t3.x \"t\" { check 表三[本年新收, 自然人 }").unwrap_err();
        assert!(e.expected.iter().any(|w| w.contains(']')), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_an_overflow() {
        let deep = format!("rule x \"t\" {{ check {}1{} == 1 }}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse(SourceId(0), &deep).unwrap_err();
        assert_eq!(e.found, "(");
        assert_eq!(e.kind, SyntaxErrorKind::Limit(RuleLimit::Nesting, 64));
        assert_eq!(e.span.start, deep.find('(').unwrap() + 64 - 1);
        let ok = format!("rule x \"t\" {{ check {}1{} == 1 }}", "(".repeat(60), ")".repeat(60));
        assert!(parse(SourceId(0), &ok).is_ok());
        let quoted = format!("rule x \"{}\" {{ check 1 == 1 }} # {}", "(".repeat(100), "[".repeat(100));
        assert!(parse(SourceId(0), &quoted).is_ok());
        let earlier = format!("rule x \"t\" {{ chek 1 }} rule y \"t\" {{ check {}1 }}", "(".repeat(100));
        assert_eq!(parse(SourceId(0), &earlier).unwrap_err().found, "chek");
    }

    #[test]
    fn a_comment_ends_a_bare_label() {
        let src = "rule x \"t\" { check 1 == 1\n case \"c\" { expect fail at 自然人 # 注释\n expect fail at 其他 // 注释\n } }";
        let f = parse(SourceId(0), src).unwrap();
        let Stmt::Case(c) = &f.rules[0].body[1] else { panic!("case expected") };
        let labels: Vec<_> = c.expect.iter().map(|e| e.at.as_ref().map(|s| &src[s.span().start..s.span().end])).collect();
        assert_eq!(labels, [Some("自然人"), Some("其他")]);
    }

    #[test]
    fn a_literal_must_fit_an_exact_decimal() {
        let at = |src: &str| parse(SourceId(0), &format!("rule x \"t\" {{ {src} }}")).err().map(|e| (e.kind, e.found));
        assert_eq!(at("check 1 < 9999999999999999999999999999 within 0.0000000000000000000000000001"), None);
        let long = Some((SyntaxErrorKind::NumberRange, "99999999999999999999999999999999".to_string()));
        assert_eq!(at("check 1 < 99999999999999999999999999999999"), long);
        assert_eq!(at("check 1 < 2 within 99999999999999999999999999999999"), long);
        let given = "check 1 < 2 case \"c\" { given t3.x.y = -99999999999999999999999999999999 expect pass }";
        assert_eq!(at(given).map(|e| e.0), Some(SyntaxErrorKind::NumberRange));
    }
}
