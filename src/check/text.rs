//! `正文[…]` resolved: sections named by title, alias or number against the template's
//! sections, and phrases (`"收到…申请{n}件"`) compiled into [`Phrase`]s. Every mistake is a
//! pointed error with what to write instead.

use super::ir::{Phrase, TextSet};
use crate::diagnostics::rules::{RuleError, RuleErrorKind as K};
use crate::report::facts::UNITS;
use crate::syntax::ast::TextRef;
use crate::syntax::Spanned;
use crate::template::labels::{normalize, strip_ordinal};
use crate::template::Template;

/// Chinese ordinals of the six sections.
const ORDINALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// The sections and phrases of a `正文[…]`; `hole`: the loop variable its phrases must
/// name (`{n}`), when it is a `for each fact` domain.
pub fn resolve(tpl: &Template, r: &TextRef, hole: Option<&str>, errors: &mut Vec<RuleError>) -> Option<TextSet> {
    let mut sections = Vec::new();
    let mut ok = true;
    for name in &r.sections {
        match section(tpl, name) {
            Ok(all) => {
                for s in all {
                    if !sections.iter().any(|(n, _)| *n == s.0) {
                        sections.push(s);
                    }
                }
            }
            Err(e) => {
                errors.push(*e);
                ok = false;
            }
        }
    }
    let mut phrases = Vec::new();
    for p in &r.phrases {
        match phrase(p, hole) {
            Ok(ph) => phrases.push(ph),
            Err(e) => {
                errors.push(*e);
                ok = false;
            }
        }
    }
    ok.then_some(TextSet { sections, phrases, span: r.span })
}

pub(crate) fn section(tpl: &Template, name: &Spanned<String>) -> Result<Vec<(u8, String)>, Box<RuleError>> {
    let all = || tpl.sections.iter().map(|s| (s.number, s.title.clone())).collect::<Vec<_>>();
    let written = name.node.trim();
    if written == "全文" {
        return Ok(all());
    }
    // `1`, `一`, `第一部分`, `一、总体情况`, `总体情况`, an alias.
    let bare = written.trim_start_matches('第').trim_end_matches("部分");
    let number = bare.parse::<u8>().ok().or_else(|| ORDINALS.iter().position(|o| *o == bare).map(|i| i as u8 + 1));
    let norm = normalize(written);
    let core = strip_ordinal(&norm);
    let found = tpl.sections.iter().find(|s| Some(s.number) == number || s.norms.iter().any(|n| n == &norm || strip_ordinal(n) == core));
    if let Some(s) = found {
        return Ok(vec![(s.number, s.title.clone())]);
    }
    let pool: Vec<(String, String)> = tpl.sections.iter().map(|s| (s.title.clone(), normalize(&s.title))).collect();
    let suggestions = super::suggest::suggest(written, pool.iter().map(|(a, b)| (a.as_str(), b.as_str())));
    let known: Vec<String> = tpl.sections.iter().map(|s| format!("{}、{}", ORDINALS[usize::from(s.number.clamp(1, 9)) - 1], s.title)).collect();
    Err(Box::new(RuleError::new(K::UnknownSection { name: written.to_string(), suggestions, known: known.join("；") }, name.span)))
}

/// A phrase: words, `{n}` where the number stands, its unit, more words; `…` skips words.
fn phrase(p: &Spanned<String>, hole: Option<&str>) -> Result<Phrase, Box<RuleError>> {
    let err = |message: String, help: &str| Box::new(RuleError::new(K::Type { message, help: Some(help.to_string()) }, p.span));
    let text = p.node.replace("...", "…");
    let example = "例如 \"收到…申请{n}件\"：{n} 是数字，其后是单位，… 表示中间可以有别的词";
    let (Some(open), Some(close)) = (text.find('{'), text.find('}')) else {
        return Err(err(format!("短语“{}”中没有标出数字的位置", p.node), example));
    };
    if close < open || text[close + 1..].contains(['{', '}']) || text[..open].contains('}') {
        return Err(err(format!("短语“{}”只能有一个 {{…}}，标出一个数字", p.node), example));
    }
    let name = text[open + 1..close].trim();
    if let Some(var) = hole {
        if name != var && !name.is_empty() {
            return Err(err(
                format!("短语中的 {{{name}}} 不是循环变量 {var}"),
                "把短语中的数字写成循环变量的名字，例如 for each fact n in 正文[总体情况, \"收到…{n}件\"]",
            ));
        }
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let pieces = |s: &str| s.split('…').map(squeeze).filter(|p| !p.is_empty()).collect::<Vec<_>>();
    let head = squeeze(&text[..open]);
    // `行政复议…，…结果维持{n}件`: words before the last clause mark are the sentence's earlier
    // clauses'; the rest is the number's own clause.
    let (earlier, head) = match head.rfind(crate::report::facts::is_clause_mark) {
        Some(k) => (head[..k].to_string(), head[k + head[k..].chars().next().map_or(1, char::len_utf8)..].to_string()),
        None => (String::new(), head),
    };
    let tail = squeeze(&text[close + 1..]);
    let unit = UNITS.iter().find(|u| tail.starts_with(**u)).copied();
    let rest = unit.map_or(tail.as_str(), |u| &tail[u.len()..]);
    let unit = unit.map(super::ir::unit_norm);
    let out = Phrase {
        written: p.node.clone(),
        earlier: pieces(&earlier),
        before: pieces(&head),
        gap_before: head.ends_with('…'),
        unit,
        after: pieces(rest),
        gap_after: rest.starts_with('…'),
    };
    if out.before.is_empty() && out.after.is_empty() {
        return Err(err(format!("短语“{}”除了数字没有别的词语，会与每个数字相符", p.node), example));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::facts::extract;

    fn compiled(p: &str) -> Phrase {
        phrase(&Spanned::new(p.to_string(), crate::syntax::Span::default()), Some("n")).unwrap()
    }

    /// The numbers of `text` the phrase matches, as printed.
    fn hits(p: &str, text: &str) -> Vec<String> {
        let ph = compiled(p);
        extract(text, 0).into_iter().filter(|f| ph.matches(f)).map(|f| format!("{}{}", f.raw, f.unit.unwrap_or(""))).collect()
    }

    #[test]
    fn words_before_are_matched_in_the_clause() {
        let text = "全市共受理政府信息公开申请3119 件，答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复）。";
        assert_eq!(hits("受理…申请{n}件", text), ["3119件"]);
        // `申请` must touch the number without a `…`: 34 件 is 结转申请 34, but not 受理.
        assert_eq!(hits("申请{n}件", text), ["3119件", "34件"]);
        assert_eq!(hits("答复{n}件", text), ["3050件"]);
        assert_eq!(hits("{n}件顺延…下年度", text), ["103件"]);
        assert_eq!(hits("{n}件…下年度", text), ["103件"]);
        assert!(hits("{n}件下年度", text).is_empty());
    }

    #[test]
    fn a_clause_ends_at_a_comma() {
        let text = "收到申请75件，其中自然人72件、商业企业3件";
        assert_eq!(hits("收到…{n}件", text), ["75件"]);
        assert_eq!(hits("自然人{n}件", text), ["72件"]);
        assert!(hits("收到…自然人{n}件", text).is_empty());
    }

    #[test]
    fn words_before_a_comma_are_the_earlier_clauses() {
        let text = "政府信息公开行政复议351件，其中结果维持72件，结果纠正64件；政府信息公开行政诉讼46件，其中结果维持25件。";
        assert_eq!(hits("行政复议…，…结果维持{n}件", text), ["72件"]);
        assert_eq!(hits("行政复议…，…结果纠正{n}件", text), ["64件"]);
        assert_eq!(hits("行政诉讼…，…结果维持{n}件", text), ["25件"]);
        assert_eq!(hits("结果维持{n}件", text), ["72件", "25件"]);
    }

    #[test]
    fn the_unit_must_be_the_one_written() {
        assert_eq!(hits("收取…信息处理费{n}元", "全年收取信息处理费3940元，收到申请5件"), ["3940元"]);
        assert!(hits("收取…信息处理费{n}件", "全年收取信息处理费3940元").is_empty());
        // After a `…` the words are looked for in the same clause; `，` itself can be written.
        assert!(hits("{n}年…收到", "2022年，共收到申请5件").is_empty());
        assert_eq!(hits("{n}年，…收到", "2022年，共收到申请5件"), ["2022年"]);
    }

    #[test]
    fn phrase_mistakes_are_errors() {
        let bad = |p: &str| phrase(&Spanned::new(p.to_string(), crate::syntax::Span::default()), Some("n")).unwrap_err().message();
        assert!(bad("收到申请").contains("没有标出数字"));
        assert!(bad("{n}件{m}件").contains("只能有一个"));
        assert!(bad("收到{m}件").contains("不是循环变量 n"));
        assert!(bad("{n}件").contains("没有别的词语"));
    }
}
