//! One report's page: its tables with the failing cells marked, its findings beside them.

use super::{esc, head, tail};
use crate::diagnostics::findings::{class_word, explaining, severity_word};
use crate::eval::{finding::Evidence, format::plain, Finding, FindingCell, FindingClass};
use crate::render::check::{Outcome, Prev};
use crate::report::model::{Cell, CellState, Report, Table};
use crate::review::MarkStatus;
use crate::syntax::ast::Severity;
use crate::template::{self, TableDef};
use std::collections::HashMap;
use std::fmt::Write;

/// A cell's element id on its page: `c-t4-review-total`.
fn cell_id(table: &str, row: &str, col: &str) -> String {
    format!("c-{table}-{row}-{col}")
}

/// A finding's element id: `f-` and its stable id (so a link to it survives a re-run).
fn finding_id(f: &Finding) -> String {
    format!("f-{}", f.id)
}

/// How a finding marks a cell of this report: the cell it is about (a comparison's first
/// cell, the side read first: a total checked against its parts; every cell of a finding
/// that lists cells), or one more cell its check read.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Involved,
    Failing,
}

/// The findings on the page: the failures and the notes on the prose (口径不同), shown in
/// full; dismissed ones (shown with `--all`) greyed and marking no cell.
fn shown(f: &Finding) -> bool {
    f.class != FindingClass::NotAssessable
}

fn marks_cells(f: &Finding) -> bool {
    f.class.is_failure() && f.review.as_ref().is_none_or(|m| m.status != MarkStatus::Dismissed)
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The page of one report checked (a file that could not be read has none).
pub fn report_page(path: &str, o: &Outcome, prev: Option<&Prev>) -> String {
    let Ok((report, eval)) = o else { return String::new() };
    let issuer = report.issuer.as_deref().unwrap_or("（发布机关未知）");
    let year = report.year.map_or("？".to_string(), |y| y.to_string());
    let title = format!("{issuer} {year} 年度报告检查结果");
    let mut out = head(&title);
    out.push_str("<body class=\"report\">\n<header>\n<nav><a href=\"index.html\">← 全部报告</a></nav>\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">文件：<span class=\"path\">{}</span>　来源形式：{}　格式：{} 年",
        esc(path),
        esc(&report.form),
        esc(report.template.as_deref().unwrap_or("？"))
    );
    if let Some(p) = prev {
        let y = p.year.map(|y| format!("（{y} 年）")).unwrap_or_default();
        let _ = write!(out, "<br>上年报告：<span class=\"path\">{}</span>{y}", esc(&p.path));
    }
    out.push_str("</p>\n");
    let listed: Vec<(usize, &Finding)> = eval.findings.iter().filter(|f| shown(f)).enumerate().map(|(i, f)| (i + 1, f)).collect();
    let count = |s: Severity| listed.iter().filter(|(_, f)| f.class.is_failure() && f.severity == s && marks_cells(f)).count();
    let na = eval.findings.iter().filter(|f| f.class == FindingClass::NotAssessable).count();
    let dismissed = eval.dismissed_count();
    let _ = writeln!(
        out,
        "<p class=\"counts\">错误 <b id=\"n-errors\">{}</b>，警告 <b>{}</b>，无法评估 {na}{}</p>",
        count(Severity::Error),
        count(Severity::Warning),
        if dismissed > 0 { format!("，已忽略 {dismissed}（复核记录）") } else { String::new() }
    );
    if !report.diagnostics.is_empty() {
        // What the importer doubted or could not place: read before trusting the tables.
        let _ = writeln!(out, "<details class=\"diagnostics\" open><summary>导入提示（{} 条）</summary>\n<ul>", report.diagnostics.len());
        for d in &report.diagnostics {
            let at = d.span.map(|sp| format!("（第 {} 行）", crate::diagnostics::line_of(&report.source, sp.offset))).unwrap_or_default();
            let _ = writeln!(out, "<li>[{}] {}{at}</li>", esc(d.code), esc(&d.message));
        }
        out.push_str("</ul>\n</details>\n");
    }
    out.push_str(concat!(
        "<p class=\"legend\"><span class=\"cell-failing error\">▲ 5</span> 错误所在的单元格　<span class=\"cell-failing warning\">△ 5</span> 警告所在的单元格",
        "　<span class=\"cell-involved\">○ 5</span> 同一检查读取的其他单元格　<sup>1</sup> 问题序号，点击查看",
        "　<span class=\"blank\">·</span> 空白　<span class=\"doubted\">存疑</span> 提取存疑、未读取</p>\n</header>\n<main class=\"layout\">\n"
    ));
    // Which findings mark which cells of this report.
    let mut marks: HashMap<String, Vec<(usize, Role, Severity)>> = HashMap::new();
    for (n, f) in listed.iter().filter(|(_, f)| marks_cells(f)) {
        // A list of cells (blank where a number belongs …) is about each of them; a
        // finding on the prose is about its sentence, read against its first cell.
        let each = f.lhs.is_none() && f.rhs.is_none() && f.evidence.is_empty();
        for (i, c) in f.cells.iter().enumerate().filter(|(_, c)| c.report == 0) {
            let role = if i == 0 || each { Role::Failing } else { Role::Involved };
            marks.entry(cell_id(&c.table, &c.row, &c.col)).or_default().push((*n, role, f.severity));
        }
    }
    out.push_str("<section class=\"tables\">\n");
    for (key, table) in &report.tables {
        let layout = table.layout.as_deref().or_else(|| template::by_id(&table.template));
        let Some(def) = layout.and_then(|t| t.table(key)) else { continue };
        table_html(&mut out, report, key, def, table, &marks, &listed);
    }
    out.push_str("</section>\n<aside class=\"findings\" id=\"findings\">\n");
    let _ = writeln!(out, "<h2>问题（{} 条）</h2>", listed.len());
    if listed.is_empty() {
        out.push_str("<p class=\"none\">没有发现问题。</p>\n");
    }
    for (n, f) in &listed {
        finding_html(&mut out, *n, f, report, prev);
    }
    let skipped: Vec<&Finding> = eval.findings.iter().filter(|f| f.class == FindingClass::NotAssessable).collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "<details class=\"skipped\"><summary>无法评估的检查（{} 项）</summary>\n<ul>", skipped.len());
        for f in skipped {
            let why = f.message.strip_prefix("无法评估：").unwrap_or(&f.message);
            let _ = writeln!(out, "<li>[{}] {}</li>", esc(&f.rule), esc(why));
        }
        out.push_str("</ul>\n</details>\n");
    }
    out.push_str("</aside>\n</main>\n");
    out.push_str(&tail());
    out
}

/// A table as an HTML table: parts one after another, group labels as rows of their own,
/// each cell with its id and, when findings are about it, their marks and links.
fn table_html(
    out: &mut String,
    report: &Report,
    key: &str,
    def: &TableDef,
    table: &Table,
    marks: &HashMap<String, Vec<(usize, Role, Severity)>>,
    listed: &[(usize, &Finding)],
) {
    let _ = writeln!(out, "<h2 id=\"t-{}\">{}　{}</h2>", esc(key), esc(&def.name), esc(&def.title));
    // The table's doubted cells, gathered once (`Report::is_doubted` scans them per cell).
    let doubted: std::collections::HashSet<(&str, &str)> =
        report.doubted.iter().filter(|d| d.table == key).flat_map(|d| d.cells.iter().map(|(r, c)| (r.as_str(), c.as_str()))).collect();
    for part in &def.parts {
        let _ = write!(
            out,
            "<table class=\"grid\" data-table=\"{}\">\n<thead><tr><th class=\"corner\">{}</th>",
            esc(key),
            esc(part.caption.as_deref().unwrap_or(""))
        );
        for c in &part.cols {
            let _ = write!(out, "<th>{}</th>", esc(&c.label));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        let mut open: Vec<&str> = Vec::new();
        for row in &part.rows {
            let chain = crate::render::parse::group_chain(def, row.group.as_deref());
            let same = open.iter().zip(&chain).take_while(|(a, b)| a == b).count();
            for (depth, g) in chain.iter().enumerate().skip(same) {
                let label = def.group(g).map_or(*g, |d| d.label.as_str());
                let _ = writeln!(out, "<tr class=\"group\"><th class=\"d{depth}\" colspan=\"{}\">{}</th></tr>", part.cols.len() + 1, esc(label));
            }
            open = chain.clone();
            let found = table.rows.get(&row.key);
            let _ = write!(out, "<tr><th class=\"d{}\">{}</th>", chain.len(), esc(&row.label));
            for c in &part.cols {
                let id = cell_id(key, &row.key, &c.key);
                let cell = found.and_then(|r| r.cells.get(&c.key));
                let doubted = doubted.contains(&(row.key.as_str(), c.key.as_str()));
                cell_html(out, &id, cell, doubted, marks.get(&id).map(Vec::as_slice).unwrap_or(&[]), listed);
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

/// A cell: its text as printed (`·` blank, `？` not in the report, `存疑` read with a
/// doubt and left unread), and, when findings are about it, its marker and their numbers.
fn cell_html(out: &mut String, id: &str, cell: Option<&Cell>, doubted: bool, marks: &[(usize, Role, Severity)], listed: &[(usize, &Finding)]) {
    let text = match cell {
        None if doubted => "<span class=\"doubted\" title=\"提取存疑：这一格的数值无法确定，未读取\">存疑</span>".to_string(),
        None => "<span class=\"missing\" title=\"报告中没有这一格\">？</span>".to_string(),
        Some(c) if doubted => format!("<span class=\"doubted\" title=\"提取存疑\">{}</span>", esc(&c.raw)),
        Some(c) if c.state == CellState::Blank => "<span class=\"blank\" title=\"空白\">·</span>".to_string(),
        Some(c) => esc(&c.raw),
    };
    let Some(&(_, role, _)) = marks.iter().max_by_key(|m| (m.1, m.2 == Severity::Error)) else {
        let _ = write!(out, "<td id=\"{}\">{text}</td>", esc(id));
        return;
    };
    let severity = if marks.iter().any(|m| m.1 == role && m.2 == Severity::Error) { Severity::Error } else { Severity::Warning };
    // A glyph beside the colour, so the page reads in grey and to a screen reader too.
    let (class, marker, said) = match (role, severity) {
        (Role::Failing, Severity::Error) => ("cell-failing error", "▲", "错误：问题所在"),
        (Role::Failing, _) => ("cell-failing warning", "△", "警告：问题所在"),
        (Role::Involved, _) => ("cell-involved", "○", "相关单元格"),
    };
    let mut refs = String::new();
    let mut nums: Vec<usize> = marks.iter().map(|m| m.0).collect();
    nums.dedup();
    for n in nums {
        let f = listed.iter().find(|(k, _)| *k == n).map(|(_, f)| *f);
        let (href, title) = f.map(|f| (finding_id(f), format!("问题 {n}：{}", f.title))).unwrap_or_default();
        let _ = write!(refs, "<a class=\"ref\" href=\"#{}\" title=\"{}\">{n}</a>", esc(&href), esc(&title));
    }
    let findings: Vec<String> = marks.iter().filter_map(|m| listed.iter().find(|(k, _)| *k == m.0)).map(|(_, f)| finding_id(f)).collect();
    let _ = write!(
        out,
        "<td id=\"{}\" class=\"{class}\" data-findings=\"{}\"><span class=\"marker\" role=\"img\" aria-label=\"{said}\">{marker}</span>{text}<sup>{refs}</sup></td>",
        esc(id),
        esc(&findings.join(" ")),
    );
}

/// A finding beside the table: its heading, message, the cells it read (each a link to
/// the cell), the previous year's cells beside this year's, the sentence it compared.
fn finding_html(out: &mut String, n: usize, f: &Finding, report: &Report, prev: Option<&Prev>) {
    let dismissed = f.review.as_ref().is_some_and(|m| m.status == MarkStatus::Dismissed);
    let class = format!("finding {}{}", severity_class(f.severity), if dismissed { " dismissed" } else { "" });
    let cells: Vec<String> = f.cells.iter().filter(|c| c.report == 0).map(|c| cell_id(&c.table, &c.row, &c.col)).collect();
    let _ = writeln!(out, "<article id=\"{}\" class=\"{class}\" data-cells=\"{}\">", esc(&finding_id(f)), esc(&cells.join(" ")));
    let mark = match &f.review {
        Some(m) => format!(" <span class=\"badge review-{}\">{}</span>", review_class(m.status), esc(m.status.word())),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<h3><span class=\"num\">问题 {n}</span> <span class=\"sev\">{}</span> · {} · {}{mark}</h3>",
        severity_word(f.severity),
        class_word(f),
        esc(&f.title)
    );
    let _ = writeln!(out, "<p class=\"message\">[{}] {}</p>", esc(&f.rule), esc(&f.message));
    let (shown, hidden) = explaining(f, false);
    let this: Vec<&&FindingCell> = shown.iter().filter(|c| c.report == 0).collect();
    let before: Vec<&FindingCell> = f.cells.iter().filter(|c| c.report == 1).collect();
    if !before.is_empty() {
        // A cross-year finding: this year's cells and the previous year's, side by side.
        let y = report.year.map_or("本年".to_string(), |y| format!("{y} 年"));
        let py = prev.and_then(|p| p.year).or(report.year.map(|y| y - 1)).map_or("上年".to_string(), |y| format!("{y} 年（上年）"));
        let _ = writeln!(out, "<table class=\"years\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody><tr><td>", esc(&y), esc(&py));
        for c in &this {
            cell_link(out, c, true);
        }
        out.push_str("</td><td>");
        for c in &before {
            cell_link(out, c, false);
        }
        out.push_str("</td></tr></tbody></table>\n");
    } else if !this.is_empty() {
        out.push_str("<ul class=\"cells\">");
        for c in &this {
            out.push_str("<li>");
            cell_link(out, c, true);
            out.push_str("</li>");
        }
        out.push_str("</ul>\n");
    }
    if hidden > 0 {
        let _ = writeln!(out, "<p class=\"note\">其余 {hidden} 项为 0</p>");
    }
    for e in &f.evidence {
        let sentence = highlighted(f, e);
        let _ = writeln!(out, "<blockquote class=\"prose\"><cite>{}</cite>“{sentence}”</blockquote>", esc(&format!("正文（{}）", e.title)));
    }
    if let (Some(l), Some(r)) = (f.lhs, f.rhs) {
        let d = f.delta.map_or("?".into(), plain);
        let _ = writeln!(out, "<p class=\"sides\">左边 {}，右边 {}，差 Δ = {d}</p>", plain(l), plain(r));
    }
    if let Some(m) = f.review.as_ref().filter(|m| m.status != MarkStatus::New) {
        let _ = writeln!(out, "<p class=\"review\">复核：{}</p>", esc(&m.describe()));
    }
    let _ = writeln!(out, "<p class=\"id\">编号 <code>{}</code></p>\n</article>", esc(&f.id));
}

/// The sentence of a number the finding compared, that number marked — where it is in
/// the report (its span), not the first look-alike (`2` in `2023年`); unmarked when the
/// sentence shown does not reach it.
fn highlighted(f: &Finding, e: &Evidence) -> String {
    let plain = esc(&e.text);
    let (Some(num), Some(sen)) = (e.span, e.sentence) else { return plain };
    let Some(src) = f.sources.reports.get(e.report).map(|r| &*r.text) else { return plain };
    // As `Evidence::text` is made: line breaks removed, the sentence trimmed.
    let clean = |a: usize, b: usize| src.get(a..b).map(|s| s.replace(['\n', '\r'], ""));
    let (Some(before), Some(number)) = (clean(sen.offset, num.offset), clean(num.offset, num.end())) else { return plain };
    let before = before.trim_start();
    let at = before.len();
    match (e.text.get(..at), e.text.get(at..at + number.len()), e.text.get(at + number.len()..)) {
        (Some(b), Some(n), Some(rest)) if b == before && n == number && !n.is_empty() => {
            format!("{}<mark>{}</mark>{}", esc(b), esc(n), esc(rest))
        }
        _ => plain,
    }
}

/// A cited cell: a link to it in the table (this year's), or its name and value (the
/// previous year's, which is not on this page).
fn cell_link(out: &mut String, c: &FindingCell, linked: bool) {
    if linked {
        let _ = write!(out, "<a class=\"cell-link\" href=\"#{}\">{}</a> ", esc(&cell_id(&c.table, &c.row, &c.col)), esc(&c.describe()));
    } else {
        let _ = write!(out, "<span class=\"cell-prev\">{}</span> ", esc(&c.describe()));
    }
}

fn review_class(s: MarkStatus) -> &'static str {
    match s {
        MarkStatus::New => "new",
        MarkStatus::Confirmed => "confirmed",
        MarkStatus::Dismissed => "dismissed",
        MarkStatus::Changed => "changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::finding::{ReportText, Sources};
    use crate::report::model::Span;
    use std::sync::Arc;

    fn evidence(source: &str, sentence: &str, number: &str, nth: usize) -> (Finding, Evidence) {
        let sen = source.find(sentence).unwrap();
        let num = sen + sentence.match_indices(number).nth(nth).unwrap().0;
        let mut f = Finding::without_cells("0".into(), "r".into(), "t".into(), Severity::Warning, FindingClass::ReportError, String::new());
        f.sources = Sources { rule_file: None, reports: vec![ReportText { path: "a".into(), form: "text".into(), text: Arc::from(source) }] };
        let e = Evidence {
            kind: "text",
            section: 2,
            title: "二".into(),
            text: sentence.replace('\n', "").trim().to_string(),
            span: Some(Span::new(num, number.len())),
            sentence: Some(Span::new(sen, sentence.len())),
            raw: Some(number.into()),
            value: None,
            report: 0,
        };
        (f, e)
    }

    #[test]
    fn the_number_compared_is_marked_not_the_first_look_alike() {
        let source = "前言。\n 2023年共收到\n申请2件，办结2件。";
        let (f, e) = evidence(source, " 2023年共收到\n申请2件，办结2件。", "2件", 1);
        assert_eq!(highlighted(&f, &e), "2023年共收到申请2件，办结<mark>2件</mark>。");
        let (f, e) = evidence(source, " 2023年共收到\n申请2件，办结2件。", "2件", 0);
        assert_eq!(highlighted(&f, &e), "2023年共收到申请<mark>2件</mark>，办结2件。");
    }

    #[test]
    fn a_sentence_cut_before_its_number_is_not_marked() {
        let source = "共收到申请2件。";
        let (f, mut e) = evidence(source, source, "2件", 0);
        e.text = "共收到申…".into();
        assert_eq!(highlighted(&f, &e), "共收到申…");
        // Spans that do not fall on character boundaries (a report read again) mark nothing.
        let (f, mut e) = evidence(source, source, "2件", 0);
        e.span = Some(Span::new(1, 2));
        assert_eq!(highlighted(&f, &e), "共收到申请2件。");
    }
}
