//! The prose in evaluation: the numbers a `for each fact` ranges over, a section's text
//! for `length` / `contains`, what a finding cites of them ([`Evidence`]), and the scope
//! guard that sets aside a sentence speaking of another scope.

use super::finding::Evidence;
use crate::check::ir::TextSet;
use crate::report::facts::Fact;
use crate::report::model::{Report, Section};

/// Prose read by the check being traced.
#[derive(Debug, Clone, Copy)]
pub(super) enum TextUse<'r> {
    /// A number of a section's prose.
    Fact(&'r Section, &'r Fact),
    /// A section's whole prose.
    Section(&'r Section),
}

/// At most this many characters of a sentence or section in a finding.
const SHOWN: usize = 200;

/// The numbers of the report's prose a set's phrases match, with their sections, in
/// section then text order; and the sections of the set the report lacks.
pub(super) fn matches<'r>(report: &'r Report, set: &TextSet) -> (Vec<(&'r Section, &'r Fact)>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (number, title) in &set.sections {
        let Some(section) = report.sections.iter().find(|s| s.number == *number) else {
            missing.push(section_name(*number, title));
            continue;
        };
        for f in section.facts.iter().filter(|f| set.phrases.iter().any(|p| p.matches(f))) {
            found.push((section, f));
        }
    }
    (found, missing)
}

/// `第五部分（存在的主要问题及改进情况）`
pub(super) fn section_name(number: u8, title: &str) -> String {
    const ORDINALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let n = ORDINALS.get(usize::from(number).wrapping_sub(1)).copied().unwrap_or("?");
    format!("第{n}部分（{title}）")
}

/// The section of a set (one, checked at resolution) in the report, or why it is absent.
pub(super) fn section<'r>(report: &'r Report, set: &TextSet) -> Result<&'r Section, &'static str> {
    const MISSING: [&str; 9] = [
        "报告中未找到第一部分",
        "报告中未找到第二部分",
        "报告中未找到第三部分",
        "报告中未找到第四部分",
        "报告中未找到第五部分",
        "报告中未找到第六部分",
        "报告中未找到第七部分",
        "报告中未找到第八部分",
        "报告中未找到第九部分",
    ];
    let number = set.sections.first().map_or(0, |(n, _)| *n);
    report
        .sections
        .iter()
        .find(|s| s.number == number)
        .ok_or_else(|| MISSING.get(usize::from(number).wrapping_sub(1)).copied().unwrap_or("报告中未找到这一部分"))
}

/// Characters that count in `length`: letters, digits and ideographs.
pub(super) fn length(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// `contains`, spaces and line breaks aside (a PDF wraps lines mid-word).
pub(super) fn contains(text: &str, needle: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let needle = squeeze(needle);
    needle.is_empty() || squeeze(text).contains(&needle)
}

/// What a finding cites of the prose it read, in reading order, each once.
pub(super) fn evidence(report: &Report, used: &[TextUse<'_>]) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    for u in used {
        let e = match *u {
            TextUse::Fact(s, f) => Evidence {
                kind: "text",
                section: s.number,
                title: s.title.clone(),
                text: shorten(&report.text(f.sentence).replace(['\n', '\r'], "")),
                span: Some(f.span),
                sentence: Some(f.sentence),
                raw: Some(format!("{}{}", f.raw, f.unit.unwrap_or(""))),
                value: Some(f.value),
                report: 0,
            },
            TextUse::Section(s) => Evidence {
                kind: "text",
                section: s.number,
                title: s.title.clone(),
                text: shorten(&s.text.replace(['\n', '\r'], "")),
                span: Some(s.span),
                sentence: None,
                raw: None,
                value: None,
                report: 0,
            },
        };
        if !out.iter().any(|o| o.section == e.section && o.span == e.span) {
            out.push(e);
        }
    }
    out
}

fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Why a failing comparison with these numbers of the prose is set aside, if it is: the
/// sentence says a word of the rule's `scope` (全市, 备案 …), or the number is approximate.
pub(super) fn set_aside(report: &Report, used: &[TextUse<'_>], scope: &[String]) -> Option<String> {
    for u in used {
        let TextUse::Fact(_, f) = *u else { continue };
        let sentence = report.text(f.sentence);
        if let Some(w) = scope.iter().find(|w| contains(sentence, w)) {
            return Some(format!("句中有“{w}”，说的可能是另一统计口径（如全市、各级或备案的数字），与本机关的表格不一定相同"));
        }
        if f.approximate {
            return Some(format!("正文的“{}{}”是约数", f.raw, f.unit.unwrap_or("")));
        }
    }
    None
}

/// The publication date the report states, as `yyyymmdd`.
pub(super) fn published(report: &Report) -> Result<u32, &'static str> {
    let d = report.published.as_deref().ok_or("报告没有写明发布日期")?;
    let n: Vec<u32> = d.split('-').filter_map(|p| p.parse().ok()).collect();
    match n[..] {
        [y, m, d] => Ok(y * 10000 + m * 100 + d),
        _ => Err("报告的发布日期无法识别"),
    }
}

/// The last day the law allows (条例 第四十九条): 1月31日 of the next year for a
/// department's report, 3月31日 for a government's.
pub(super) fn deadline(report: &Report) -> Result<u32, &'static str> {
    use crate::report::meta::{issuer_kind, IssuerKind};
    let year = u32::from(report.year.ok_or("报告的年度无法确定")?);
    let issuer = report.issuer.as_deref().ok_or("报告没有写明发布机关")?;
    match issuer_kind(issuer) {
        Some(IssuerKind::Government) => Ok((year + 1) * 10000 + 331),
        Some(IssuerKind::Department) => Ok((year + 1) * 10000 + 131),
        Some(IssuerKind::Township) => Err("乡镇、街道报告的公开期限条例未作规定"),
        None => Err("无法从发布机关的名称判断是部门还是本级政府"),
    }
}
