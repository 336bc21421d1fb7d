//! Rule-file mistakes: one kind per failure class, each pointed at its span in the rule
//! file, with what was expected or a did-you-mean.

use crate::limits::RuleLimit;
use crate::syntax::{SourceId, Span, SyntaxError, SyntaxErrorKind};
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::sync::Arc;

/// What is wrong in a rule file. Variant fields are named for what they hold: the name as
/// written, did-you-mean `suggestions`, `candidates` of an ambiguous name, and so on.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum RuleErrorKind {
    /// The text does not follow the grammar; `help` says what to type instead, if known.
    Syntax { expected: Vec<String>, found: String, help: Option<String> },
    /// A numeric literal that does not fit an exact decimal (more than 28 significant digits).
    NumberRange { text: String },
    /// `表五[…]`: no such table in any template.
    UnknownTable { name: String, suggestions: Vec<String>, known: String },
    /// `正文[总体状况, …]`: no section of the template has this title or number.
    UnknownSection { name: String, suggestions: Vec<String>, known: String },
    /// A row or group label that no template row matches.
    UnknownRow { name: String, table: String, suggestions: Vec<String> },
    /// A column label that no template column matches.
    UnknownCol { name: String, table: String, suggestions: Vec<String> },
    /// A short label that fits several rows or columns.
    Ambiguous { name: String, candidates: Vec<String> },
    /// A bare word that is no variable in scope.
    UnknownName { name: String, suggestions: Vec<String> },
    /// `foo(…)`: no such function.
    UnknownFunction { name: String, suggestions: Vec<String>, known: String },
    /// A function called with the wrong number of arguments.
    Arity { name: String, want: String, got: usize },
    /// A value used where it cannot be (a set of cells in arithmetic, a column as a number …).
    Type { message: String, help: Option<String> },
    /// `{x}` in a message names nothing the rule defines.
    MessageName { name: String },
    /// `{x:?}`: a display format that does not exist.
    MessageFormat { hole: String },
    /// A setting (severity, blank, class, message, report once) written twice.
    Repeated { what: &'static str, first_line: usize },
    /// A name that means different things in the pack's templates.
    TemplateMeaning { name: String, per_template: Vec<String> },
    /// A warning: a name exists in only some templates, so the rule applies only there.
    PartialTemplates { name: String, applies: Vec<String>, missing: Vec<String> },
    /// A warning: a rule reading the previous report names something that exists in
    /// only some pairs of templates (this report's, the previous one's), so it applies
    /// only to those pairs (`2021（上年 2019）`).
    PartialPairs { name: String, applies: Vec<String>, missing: Vec<String> },
    /// A rule that applies to no template of its pack.
    NeverApplies { why: String },
    /// Two rules with one id.
    DuplicateRule { id: String },
    /// A rule with nothing to check.
    NoCheck { id: String },
    /// An include that cannot be read, or that includes itself.
    Include { path: String, why: String },
    /// The pack's first rule file (the manifest's `entry`, or the one file given) cannot be read.
    Entry { path: String, why: String },
    /// The pack manifest is missing or malformed.
    Manifest { why: String },
    /// `--rules PATH` that is no pack: missing, or a file that is no rule file.
    PackPath { path: String, why: String },
    /// A rule-level case that names something wrong (template, expected outcome).
    Case { message: String },
    /// A pack without a single rule.
    NoRules { pack: String },
    /// The same pack given twice to one checker.
    PackTwice { pack: String, first: String },
    /// A budget of [`crate::Limits`] exceeded at this place.
    Limit { what: RuleLimit, limit: usize },
    /// A mistake in one of the pack's template files (pointed at its TOML line).
    Template { code: &'static str, message: String, help: Option<String>, label: &'static str },
}

/// A rule-file mistake at a span.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    /// What is wrong.
    pub kind: RuleErrorKind,
    /// Where, in which rule file.
    pub span: Span,
    /// A second place to point at, with its label (the `{` a missing `}` belongs to).
    pub secondary: Option<(Span, String)>,
}

impl RuleError {
    /// A mistake at a span, with no second place.
    pub fn new(kind: RuleErrorKind, span: Span) -> Self {
        RuleError { kind, span, secondary: None }
    }

    /// A warning: the pack loads, the author is told.
    pub fn is_warning(&self) -> bool {
        matches!(self.kind, RuleErrorKind::PartialTemplates { .. } | RuleErrorKind::PartialPairs { .. })
    }

    /// The stable error code (`gouji::check::unknown_row`), for tests and tooling.
    pub fn code(&self) -> &'static str {
        use RuleErrorKind::*;
        match self.kind {
            Syntax { .. } => "gouji::syntax::unexpected",
            NumberRange { .. } => "gouji::syntax::number_range",
            UnknownTable { .. } => "gouji::check::unknown_table",
            UnknownSection { .. } => "gouji::check::unknown_section",
            UnknownRow { .. } => "gouji::check::unknown_row",
            UnknownCol { .. } => "gouji::check::unknown_col",
            Ambiguous { .. } => "gouji::check::ambiguous_label",
            UnknownName { .. } => "gouji::check::unknown_name",
            UnknownFunction { .. } => "gouji::check::unknown_function",
            Arity { .. } => "gouji::check::arity",
            Type { .. } => "gouji::check::type_error",
            MessageName { .. } => "gouji::check::message_name",
            MessageFormat { .. } => "gouji::check::message_format",
            Repeated { .. } => "gouji::check::repeated_setting",
            TemplateMeaning { .. } => "gouji::check::template_meaning",
            PartialTemplates { .. } | PartialPairs { .. } => "gouji::check::partial_templates",
            NeverApplies { .. } => "gouji::check::never_applies",
            DuplicateRule { .. } => "gouji::check::duplicate_rule",
            NoCheck { .. } => "gouji::check::no_check",
            Include { .. } => "gouji::pack::include",
            Entry { .. } => "gouji::pack::entry",
            Manifest { .. } => "gouji::pack::manifest",
            PackPath { .. } => "gouji::pack::path",
            Case { .. } => "gouji::check::case",
            Template { code, .. } => code,
            NoRules { .. } => "gouji::pack::no_rules",
            PackTwice { .. } => "gouji::pack::twice",
            Limit { what, .. } => match what {
                RuleLimit::Nesting => "gouji::limit::nesting",
                RuleLimit::ExprOps => "gouji::limit::expression",
                RuleLimit::Files => "gouji::limit::files",
                RuleLimit::Rules => "gouji::limit::rules",
                RuleLimit::MessageBytes | RuleLimit::MessageHoles => "gouji::limit::message",
            },
        }
    }

    /// The one-line message.
    pub fn message(&self) -> String {
        use RuleErrorKind::*;
        match &self.kind {
            Syntax { found, .. } if found.is_empty() => "语法错误：文件意外结束".into(),
            Syntax { found, .. } => format!("语法错误：此处不应出现“{found}”"),
            NumberRange { text } => format!("数字“{text}”超出范围，无法精确表示"),
            UnknownTable { name, .. } => format!("未知的表格“{name}”"),
            UnknownSection { name, .. } => format!("报告中没有“{name}”这一部分"),
            UnknownRow { name, table, .. } => format!("{table}中没有名为“{name}”的行"),
            UnknownCol { name, table, .. } => format!("{table}中没有名为“{name}”的列"),
            Ambiguous { name, candidates } => format!("“{name}”有歧义：可指 {} 个不同的行或列", candidates.len()),
            UnknownName { name, .. } => format!("未定义的名称“{name}”"),
            UnknownFunction { name, .. } => format!("未知的函数“{name}”"),
            Arity { name, want, got } => format!("函数 {name} 需要 {want} 个参数，这里给了 {got} 个"),
            Type { message, .. } => message.clone(),
            MessageName { name } => format!("消息中的“{{{name}}}”不是本规则定义的名称"),
            MessageFormat { hole } => format!("消息中的“{{{hole}}}”格式不对"),
            Repeated { what, first_line } => format!("{what} 重复：第 {first_line} 行已经设置过"),
            TemplateMeaning { name, .. } => format!("“{name}”在不同年份的格式中指不同的行或列"),
            PartialTemplates { applies, .. } => format!("此规则只适用于 {} 年格式", applies.join("、")),
            PartialPairs { applies, .. } => format!("此规则只适用于这些格式组合：{}", applies.join("、")),
            NeverApplies { why } => format!("此规则不适用于本规则包的任何格式：{why}"),
            DuplicateRule { id } => format!("规则编号“{id}”重复"),
            NoCheck { id } => format!("规则“{id}”没有任何 check 语句"),
            Include { path, why } => format!("无法包含“{path}”：{why}"),
            Entry { path, why } => format!("无法读取规则文件“{path}”：{why}"),
            Manifest { why } => format!("规则包清单有误：{why}"),
            PackPath { path, why } => format!("规则包“{path}”{why}"),
            Case { message } => message.clone(),
            Template { message, .. } => message.clone(),
            NoRules { pack } => format!("规则包“{pack}”中没有任何规则"),
            PackTwice { pack, first } => format!("规则包“{pack}”给了两次：它与“{first}”是同一个规则包"),
            Limit { what: RuleLimit::Nesting, limit } => format!("括号嵌套超过 {limit} 层"),
            Limit { what: RuleLimit::MessageBytes, limit } => format!("消息长度超过 {limit} 字节"),
            Limit { what, limit } => format!("{}超过 {limit} 个", what.what()),
        }
    }

    /// The short label under the span.
    pub fn label(&self) -> String {
        use RuleErrorKind::*;
        match &self.kind {
            Syntax { expected, .. } if !expected.is_empty() => format!("此处应为 {}", expected.join("、")),
            Syntax { .. } => "无法解析".into(),
            NumberRange { .. } => "位数太多".into(),
            UnknownTable { .. } => "未知表格".into(),
            UnknownSection { .. } => "未知的部分".into(),
            UnknownRow { .. } => "未知的行".into(),
            UnknownCol { .. } => "未知的列".into(),
            Ambiguous { .. } => "有歧义".into(),
            UnknownName { .. } | MessageName { .. } => "未定义".into(),
            MessageFormat { .. } => "格式不对".into(),
            Repeated { .. } => "重复的设置".into(),
            TemplateMeaning { .. } => "各格式含义不同".into(),
            PartialTemplates { missing, .. } => format!("{} 年格式中没有", missing.join("、")),
            PartialPairs { missing, .. } => format!("{} 中没有", missing.join("、")),
            NeverApplies { .. } => "永远不适用".into(),
            UnknownFunction { .. } => "未知函数".into(),
            Arity { .. } => "参数个数不对".into(),
            Type { .. } => "类型不符".into(),
            DuplicateRule { .. } => "重复的编号".into(),
            NoCheck { .. } => "没有 check".into(),
            Include { .. } => "无法包含".into(),
            Entry { .. } => "入口文件".into(),
            Manifest { .. } | Case { .. } | PackPath { .. } | NoRules { .. } | PackTwice { .. } => "此处".into(),
            Template { label, .. } => label.to_string(),
            Limit { limit, .. } => format!("超出上限 {limit}"),
        }
    }

    /// A sentence of help, with did-you-mean.
    pub fn help(&self) -> Option<String> {
        use super::did_you_mean;
        use RuleErrorKind::*;
        match &self.kind {
            UnknownTable { suggestions, known, .. } => did_you_mean(suggestions).or(Some(format!("可用的表格：{known}"))),
            UnknownSection { suggestions, known, .. } => {
                let all = format!("正文的部分写标题、序号（1 到 6）或“全文”：{known}");
                Some(did_you_mean(suggestions).map_or(all.clone(), |d| format!("{d}\n{all}")))
            }
            UnknownRow { suggestions, .. } | UnknownCol { suggestions, .. } | UnknownName { suggestions, .. } => did_you_mean(suggestions),
            UnknownFunction { suggestions, known, .. } => {
                let all = format!("可用的函数：{known}");
                Some(did_you_mean(suggestions).map_or(all.clone(), |d| format!("{d}\n{all}")))
            }
            MessageFormat { .. } => Some("可用的格式：{x:%}（百分比，一位小数）、{x:.2%}、{x:.2}（两位小数）".into()),
            Repeated { what, .. } => Some(format!("每条规则只写一次 {what}；请删去其中一处")),
            TemplateMeaning { per_template, .. } => Some(format!("请写出完整的名称或规范键，使各格式指同一行或列：{}", per_template.join("；"))),
            PartialTemplates { name, applies, missing } => Some(format!(
                "{} 年格式中没有“{name}”，此规则在该格式的报告上不适用；如确为 {} 年格式的规则，请加一行 when template == {}",
                missing.join("、"),
                applies.join("、"),
                applies.first().map_or("", String::as_str)
            )),
            PartialPairs { name, missing, .. } => Some(format!(
                "格式组合 {}（本年格式，括号中为上年报告的格式）中没有“{name}”，此规则在这些报告上不适用；如确为特定格式的规则，请加 when template == … 或 when 上年.template == …",
                missing.join("、")
            )),
            Ambiguous { candidates, .. } => Some(format!("请写出更完整的名称，候选：{}", candidates.join("、"))),
            Type { help, .. } | Template { help, .. } => help.clone(),
            MessageName { .. } => Some("消息中可以使用 let 定义的名称、for each 的变量，以及 {lhs}、{rhs}、{delta}、{cells}、{count}".into()),
            NoCheck { .. } => Some("规则至少要有一条 check 语句，例如 check 表三[（七）总计, 总计] >= 0".into()),
            Syntax { help, .. } => help.clone(),
            NoRules { .. } => Some("规则包至少要有一条 rule；请检查 pack.toml 的 entry 是否指向写有规则的文件，include 是否齐全".into()),
            PackTwice { .. } => Some("每个规则包只能给一次：官方规则包已内置，不必再用 --rules 给出；同一目录也不要写两次".into()),
            Limit { what, .. } => Some(format!(
                "{}（上限是 gouji::Limits 的 {}）",
                match what {
                    RuleLimit::Nesting => "表达式太深：请用几条 let 把它拆开",
                    RuleLimit::ExprOps => "表达式太长：请用几条 let 把它拆开，或用范围与求和（sum(表三[甲 .. 乙, c])）代替逐项相加",
                    RuleLimit::Files => "请合并规则文件，或把规则分成几个规则包",
                    RuleLimit::Rules => "请把规则分成几个规则包",
                    RuleLimit::MessageBytes | RuleLimit::MessageHoles => "消息是给人读的一句话：请缩短它，只引用最要紧的几个值",
                },
                what.field()
            )),
            NumberRange { .. } => Some("数字最多 28 位有效数字（整数部分不超过 79228162514264337593543950335），小数最多 28 位".into()),
            _ => None,
        }
    }
}

impl From<SyntaxError> for RuleError {
    fn from(e: SyntaxError) -> Self {
        let kind = match e.kind {
            SyntaxErrorKind::NumberRange => RuleErrorKind::NumberRange { text: e.found },
            SyntaxErrorKind::Limit(what, limit) => RuleErrorKind::Limit { what, limit: limit as usize },
            SyntaxErrorKind::Unexpected => RuleErrorKind::Syntax { expected: e.expected, found: e.found, help: e.help },
        };
        let secondary = e.opened.map(|at| (Span::new(e.span.source, at, at + 1), "这个“{”没有闭合".to_string()));
        RuleError { kind, span: e.span, secondary }
    }
}

/// All mistakes found in a pack, with the rule files to show them in.
#[derive(Debug, Clone)]
pub struct RuleErrors {
    /// Every mistake, in file order.
    pub errors: Vec<RuleError>,
    /// File name and text, by `SourceId`.
    pub sources: Vec<(String, Arc<str>)>,
}

impl RuleErrors {
    /// One miette diagnostic per error, each with its own file.
    pub fn diagnostics(&self) -> Vec<PointedRuleError> {
        self.errors
            .iter()
            .map(|e| {
                let (name, text) = self.sources.get(e.span.source.0 as usize).cloned().unwrap_or_else(|| ("<规则>".into(), Arc::from("")));
                PointedRuleError { error: e.clone(), source: NamedSource::new(name, text) }
            })
            .collect()
    }

    /// The display name of a rule file.
    pub fn file_name(&self, id: SourceId) -> &str {
        self.sources.get(id.0 as usize).map_or("<规则>", |(n, _)| n.as_str())
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "规则文件有 {} 处错误", self.errors.len())
    }
}

impl std::error::Error for RuleErrors {}

impl Diagnostic for RuleErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("gouji::rules"))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        None
    }
}

/// One rule error with its file, ready for miette.
#[derive(Debug)]
pub struct PointedRuleError {
    /// The mistake.
    pub error: RuleError,
    /// The rule file it is in.
    pub source: NamedSource<Arc<str>>,
}

impl fmt::Display for PointedRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error.message())
    }
}

impl std::error::Error for PointedRuleError {}

impl Diagnostic for PointedRuleError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.error.code()))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.error.is_warning() { miette::Severity::Warning } else { miette::Severity::Error })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.help().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // No text to point into (a rule file that could not be read, a missing manifest).
        if self.source.inner().is_empty() {
            return None;
        }
        let label = LabeledSpan::new_with_span(Some(self.error.label()), self.error.span);
        let second = self.error.secondary.as_ref().map(|(s, l)| LabeledSpan::new_with_span(Some(l.clone()), *s));
        Some(Box::new(std::iter::once(label).chain(second)))
    }
}
