//! Syntax errors: pest's failure → a [`SyntaxError`] in the words a rule author knows, with
//! help for what a Chinese input method produces (a full-width sign where an ASCII one is
//! meant), for a `{` left open, and a did-you-mean for a misspelled keyword chosen among the
//! keywords valid at that place.

use super::parser::Rule;
use super::span::{SourceId, Span};
use crate::diagnostics::did_you_mean;
use crate::limits::RuleLimit;

/// A rule file that does not follow the grammar, or a literal that cannot be represented.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    /// What the parser expected, in words (`“]”`, `规则`, `表达式` …).
    pub expected: Vec<String>,
    /// What it found instead.
    pub found: String,
    /// A sentence of help: which character to type, which `{` is open, did-you-mean.
    pub help: Option<String>,
    /// Byte offset of the `{` left open, when the file ended (or a new rule began) inside
    /// its block; in the same file as `span`.
    pub opened: Option<usize>,
    pub kind: SyntaxErrorKind,
}

/// What kind of syntax error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// A token where the grammar allows none.
    Unexpected,
    /// A numeric literal that does not fit an exact decimal (`found` is the literal).
    NumberRange,
    /// A budget of [`crate::Limits`] exceeded here (`found` is the token), with its value.
    Limit(RuleLimit, u32),
}

impl SyntaxError {
    /// A literal with more digits than an exact decimal holds.
    pub(super) fn number_range(span: Span, text: &str) -> Self {
        SyntaxError { span, expected: Vec::new(), found: text.to_string(), help: None, opened: None, kind: SyntaxErrorKind::NumberRange }
    }
}

impl SyntaxError {
    /// A budget exceeded at `span`.
    pub(super) fn limit(span: Span, found: String, what: RuleLimit, limit: usize) -> Self {
        SyntaxError {
            span,
            expected: Vec::new(),
            found,
            help: None,
            opened: None,
            kind: SyntaxErrorKind::Limit(what, u32::try_from(limit).unwrap_or(u32::MAX)),
        }
    }
}

/// Rebuild pest's error over the whole file.
pub(super) fn from_pest(source: SourceId, text: &str, e: pest::error::Error<Rule>) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // At the end of the file, point just after the last token: a span past the final
    // newline lies on no line, and the diagnostic would show no label.
    let pos = if text[pos..].trim().is_empty() { pos.min(text.trim_end().len()) } else { pos };
    let found: String = text[pos..].chars().take_while(|c| !c.is_whitespace()).take(12).collect();
    let len = found.len().max(usize::from(pos < text.len()).min(text[pos..].chars().next().map_or(0, char::len_utf8)));
    let positives = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let mut expected: Vec<String> = positives.iter().filter_map(|r| describe(*r)).map(str::to_string).collect();
    expected.sort();
    expected.dedup();
    let open = open_brace(text, pos).filter(|_| positives.contains(&Rule::rbrace));
    // A `{` is left open when the file ends, or a new rule or include begins, inside its block.
    let new_top = matches!(first_word(&found), "rule" | "include");
    let opened = open.filter(|_| found.is_empty() || new_top);
    let help = opened
        .map(|at| unclosed_help(text, at))
        .or_else(|| found.chars().next().and_then(sign_help))
        .or_else(|| did_you_mean(&keyword_like(&found, &pool(&positives))));
    SyntaxError { span: Span::new(source, pos, pos + len), expected, found, help, opened, kind: SyntaxErrorKind::Unexpected }
}

/// Tokens and rules in the words a rule author knows.
fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::EOI => "文件结尾",
        Rule::include | Rule::kw_include => "include",
        Rule::rule | Rule::kw_rule => "rule",
        Rule::rule_id => "规则编号（如 t3.balance）",
        Rule::string | Rule::string_inner | Rule::string_inner_cn | Rule::label_string => "带引号的文字",
        Rule::ident => "名称",
        Rule::number | Rule::signed_number => "数字",
        Rule::lbrace => "“{”",
        Rule::rbrace => "“}”",
        Rule::lbracket => "“[”",
        Rule::rbracket => "“]”",
        Rule::lparen => "“(”",
        Rule::rparen => "“)”",
        Rule::comma => "“,”",
        Rule::assign => "“=”",
        Rule::level => "error、warning 或 info",
        Rule::zero | Rule::skip | Rule::finding | Rule::kw_as => "as zero、skip 或 finding",
        Rule::class_name => "error 或 doubt",
        Rule::kw_once => "once",
        Rule::kw_each => "each",
        Rule::quant => "col、row、block 或 cell",
        Rule::kw_in => "in",
        Rule::outcome => "pass、fail 或 skip",
        Rule::blank_word => "zero 或 blank",
        Rule::severity
        | Rule::blank_policy
        | Rule::class_stmt
        | Rule::report_once
        | Rule::when_stmt
        | Rule::message
        | Rule::let_stmt
        | Rule::check
        | Rule::for_each
        | Rule::case => "语句（severity、blank、when、let、check、for each、message、case）",
        Rule::case_template | Rule::given | Rule::others | Rule::expect => "template、given、others 或 expect",
        Rule::case_previous | Rule::no_previous => "previous template 或 no previous",
        Rule::prev | Rule::prev_mark => "表达式",
        Rule::expr | Rule::primary | Rule::paren | Rule::call | Rule::cell_ref | Rule::key_path | Rule::neg | Rule::not => "表达式",
        Rule::add | Rule::sub | Rule::mul | Rule::div | Rule::eq | Rule::ne | Rule::le | Rule::ge | Rule::lt | Rule::gt | Rule::and | Rule::or => "运算符",
        Rule::selector | Rule::label => "行或列的名称",
        Rule::range_op | Rule::list_op => "“..” 或 “|”",
        Rule::kw_within => "within",
        _ => return None,
    })
}

/// The keywords that would have been accepted where pest stopped.
fn pool(positives: &[Rule]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in positives {
        let words: &[&str] = match r {
            Rule::file | Rule::EOI => &["rule", "include"],
            Rule::kw_rule => &["rule"],
            Rule::kw_include => &["include"],
            Rule::kw_severity => &["severity"],
            Rule::kw_blank => &["blank"],
            Rule::kw_as => &["as"],
            Rule::kw_when => &["when"],
            Rule::kw_message => &["message"],
            Rule::kw_let => &["let"],
            Rule::kw_check => &["check"],
            Rule::kw_within => &["within"],
            Rule::kw_for => &["for"],
            Rule::kw_each => &["each"],
            Rule::kw_in => &["in"],
            Rule::kw_report => &["report"],
            Rule::kw_once => &["once"],
            Rule::kw_class => &["class"],
            Rule::kw_and => &["and"],
            Rule::kw_or => &["or"],
            Rule::kw_not => &["not"],
            Rule::kw_case => &["case"],
            Rule::kw_given => &["given"],
            Rule::kw_others => &["others"],
            Rule::kw_expect => &["expect"],
            Rule::kw_template => &["template"],
            Rule::kw_at => &["at"],
            Rule::kw_previous => &["previous"],
            Rule::kw_no => &["no"],
            Rule::level => &["error", "warning", "info"],
            Rule::zero => &["zero"],
            Rule::skip => &["skip"],
            Rule::finding => &["finding"],
            Rule::blank_word => &["blank"],
            Rule::class_name => &["error", "doubt"],
            Rule::quant => &["col", "row", "block", "cell"],
            Rule::outcome => &["pass", "fail", "skip"],
            _ => &[],
        };
        for w in words {
            if !out.contains(w) {
                out.push(w);
            }
        }
    }
    out
}

/// Keywords of `pool` a misspelled word is close to (`chek` → `check`, `colum` → `col`):
/// at most two edits (a swap of two letters is one), fewer than the keyword's length; the
/// closest ones only. A word that is itself a keyword gets none.
pub fn keyword_like(found: &str, pool: &[&str]) -> Vec<String> {
    let word = first_word(found);
    if word.len() < 3 || pool.contains(&word) {
        return Vec::new();
    }
    let scored: Vec<(usize, &str)> = pool.iter().map(|k| (strsim::osa_distance(k, word), *k)).filter(|(d, k)| *d <= 2 && *d < k.len()).collect();
    let best = scored.iter().map(|s| s.0).min().unwrap_or(0);
    scored.into_iter().filter(|s| s.0 == best).map(|s| s.1.to_string()).collect()
}

fn first_word(found: &str) -> &str {
    let end = found.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(found.len());
    &found[..end]
}

/// Help for a sign an input method produces where the grammar has no place for it. The
/// full-width signs the grammar accepts (`，［］（）“”`) get none: where they fail, their
/// ASCII twin would fail too.
fn sign_help(c: char) -> Option<String> {
    let (name, ascii) = match c {
        '：' | ':' => return Some(format!("此处不需要冒号“{c}”，请删除")),
        '；' | ';' => return Some(format!("语句之间不需要分号“{c}”，换行即可，请删除")),
        '‘' | '’' | '\'' => return Some("文字请用双引号括起：\"…\" 或 “…”".into()),
        '、' => ("顿号", ','),
        '。' => ("句号", '.'),
        '．' => ("全角句点", '.'),
        '｛' => ("全角花括号", '{'),
        '｝' => ("全角花括号", '}'),
        '＝' => ("全角等号", '='),
        '＋' => ("全角加号", '+'),
        '－' => ("全角减号", '-'),
        '＊' => ("全角星号", '*'),
        '／' => ("全角斜杠", '/'),
        '＜' => ("全角小于号", '<'),
        '＞' => ("全角大于号", '>'),
        '！' => ("全角感叹号", '!'),
        '｜' => ("全角竖线", '|'),
        '＂' => ("全角引号", '"'),
        '０'..='９' => ("全角数字", char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or('0')),
        _ => return None,
    };
    Some(format!("请把{name}“{c}”改为半角“{ascii}”"))
}

fn unclosed_help(text: &str, at: usize) -> String {
    let line = crate::diagnostics::line_of(text, at);
    format!("第 {line} 行的“{{”没有对应的“}}”，请补上“}}”")
}

/// The innermost `{` still open at `pos`.
fn open_brace(text: &str, pos: usize) -> Option<usize> {
    let mut stack = Vec::new();
    for (i, c) in code_chars(&text[..pos.min(text.len())]) {
        match c {
            '{' => stack.push(i),
            '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// The characters of `text` outside strings (`"…"`, `“…”`) and comments (`#`, `//`), with
/// their byte offsets. A string ends at its line's end if unterminated.
pub(super) fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (i, c) = chars.next()?;
        let close = match c {
            '"' => '"',
            '“' => '”',
            '#' => '\n',
            '/' if chars.peek().is_some_and(|&(_, c)| c == '/') => '\n',
            _ => return Some((i, c)),
        };
        while chars.next_if(|&(_, c)| c != close && c != '\n').is_some() {}
        if close != '\n' {
            chars.next_if(|&(_, c)| c == close);
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse;
    use crate::syntax::SourceId;

    fn help(src: &str) -> String {
        let e = parse(SourceId(0), src).unwrap_err();
        e.help.clone().unwrap_or_else(|| format!("<none> {e:?}"))
    }

    #[test]
    fn did_you_mean_in_every_keyword_place() {
        assert_eq!(help("rulle t3.x \"t\" { check 1 == 1 }"), "您是否指“rule”？");
        assert_eq!(help("rule t3.x \"t\" { severity eror\n check 1 == 1 }"), "您是否指“error”？");
        assert_eq!(help("rule t3.x \"t\" { blank as zeor\n check 1 == 1 }"), "您是否指“zero”？");
        assert_eq!(help("rule t3.x \"t\" { for each colum c in 表三 { check 1 == 1 } }"), "您是否指“col”？");
        assert_eq!(help("rule t3.x \"t\" { check 1 == 1\n case \"c\" { expect pas } }"), "您是否指“pass”？");
        assert_eq!(help("rule t3.x \"t\" { check 1 == 1\n case \"c\" { givn 表三[a, b] = 1 } }"), "您是否指“given”？");
        assert_eq!(help("rule t3.x \"t\" { chek 1 == 1 }"), "您是否指“check”？");
        assert_eq!(help("rule t3.x \"t\" { check 1 == 1 withn 2 }"), "您是否指“within”？");
    }

    #[test]
    fn unclosed_brace_names_its_line() {
        let src = "rule a \"t\" {\n  check 1 == 1\nrule b \"t\" {\n  check 1 == 1\n}\n";
        let e = parse(SourceId(0), src).unwrap_err();
        assert_eq!(e.opened, Some(11));
        assert!(e.help.unwrap().starts_with("第 1 行的“{”"));
        let e = parse(SourceId(0), "rule a \"t\" {\n  for each col c in 表三 {\n    check 1 == 1\n  }\n").unwrap_err();
        assert!(e.help.unwrap().starts_with("第 1 行的“{”"));
    }

    #[test]
    fn signs_without_a_place_say_what_to_type() {
        assert_eq!(help("rule a \"t\" { severity：error }"), "此处不需要冒号“：”，请删除");
        assert_eq!(help("rule a \"t\" { severity error；\n check 1 == 1 }"), "语句之间不需要分号“；”，换行即可，请删除");
        assert_eq!(help("rule a \"t\" { check 1 ＝ 1 }"), "请把全角等号“＝”改为半角“=”");
        assert_eq!(help("rule a \"t\" { message ‘x’ }"), "文字请用双引号括起：\"…\" 或 “…”");
    }
}
