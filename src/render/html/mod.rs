//! `--format html`: a findings report for people who would rather look at the table. A
//! summary page for the run (reports × outcome, sortable and filterable; the files that
//! could not be read, with why) and a page per report: its tables as tables with the
//! template's labels, each failing cell marked in colour and with a text marker (so it
//! reads in grey and in print), linked both ways to its findings listed beside the table.
//! Every page is one self-contained file: its style and script inline, nothing fetched.

mod page;

pub use page::report_page;

use super::check::Outcome;
use super::summary::Summary;
use crate::diagnostics::findings::severity_word;
use crate::syntax::ast::Severity;
use std::fmt::Write;
use std::path::Path;

/// The style every page carries (screen and A4 print).
const STYLE: &str = include_str!("style.css");
/// The script every page carries: the summary's sort and filter, a report's links.
const SCRIPT: &str = include_str!("script.js");

/// A file the output folder carries so that checking the reports' folder again does not
/// read the pages as reports (`gouji check` leaves out folders holding it).
pub const MARKER: &str = ".gouji-output";

/// Make the output folder (and its marker). The pages an earlier run wrote there go (a
/// page of a report no longer in the folder must not be taken for this run's).
pub fn prepare(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if dir.join(MARKER).is_file() {
        for e in std::fs::read_dir(dir)?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            // `index.html` and the pages `page_name` makes: 4 or more digits, `-`, `….html`.
            let digits = name.bytes().take_while(u8::is_ascii_digit).count();
            let ours = name == "index.html" || (name.ends_with(".html") && digits >= 4 && name.as_bytes().get(digits) == Some(&b'-'));
            if ours && e.path().is_file() {
                std::fs::remove_file(e.path())?;
            }
        }
    }
    std::fs::write(dir.join(MARKER), "gouji check --format html 的输出目录\n")
}

/// The page of the `n`-th file of the run (0-based), named after the file so a person
/// finds it in the folder: `0009-009_hongze-district_2023.pdf.html` (characters a file
/// name or a link cannot hold become `_`).
pub fn page_name(n: usize, path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or("");
    let safe: String = file.chars().take(80).map(|c| if c.is_control() || "<>:\"/\\|?*#% ".contains(c) { '_' } else { c }).collect();
    format!("{:04}-{safe}.html", n + 1)
}

/// A report's line on the summary page.
#[derive(Debug, Clone, Default)]
pub struct IndexRow {
    /// The file as the run named it.
    pub path: String,
    /// Its page (`None`: it could not be read).
    pub page: Option<String>,
    /// Issuer and year as read.
    pub issuer: String,
    /// The year.
    pub year: Option<u16>,
    /// Errors not dismissed.
    pub errors: usize,
    /// Warnings not dismissed.
    pub warnings: usize,
    /// Checks that could not be assessed.
    pub not_assessable: usize,
    /// Findings the review file dismissed (hidden or shown with `--all`).
    pub dismissed: usize,
    /// Findings to review again (待复核: reviewed, their values changed since).
    pub changed: usize,
    /// Findings the review file does not know (新), in a run with one.
    pub new: usize,
    /// The failing findings' rules and severities, one entry each.
    pub findings: Vec<(String, Severity)>,
    /// Why it could not be read.
    pub unreadable: Option<String>,
}

impl IndexRow {
    /// The line of one report checked (or not read).
    pub fn of(path: &str, o: &Outcome) -> IndexRow {
        let mut row = IndexRow { path: path.to_string(), ..IndexRow::default() };
        let (report, eval) = match o {
            Ok(x) => x,
            Err(e) => {
                row.unreadable = Some(e.reason());
                return row;
            }
        };
        row.issuer = report.issuer.clone().unwrap_or_default();
        row.year = report.year;
        row.dismissed = eval.dismissed_count();
        use crate::review::MarkStatus;
        for f in &eval.findings {
            let status = f.review.as_ref().map(|m| m.status);
            if status == Some(MarkStatus::Dismissed) {
                continue;
            }
            if f.class == crate::eval::FindingClass::NotAssessable {
                row.not_assessable += 1;
            }
            if !f.class.is_failure() {
                continue;
            }
            match f.severity {
                Severity::Error => row.errors += 1,
                Severity::Warning => row.warnings += 1,
                Severity::Info => {}
            }
            row.changed += usize::from(status == Some(MarkStatus::Changed));
            row.new += usize::from(status == Some(MarkStatus::New));
            row.findings.push((f.rule.clone(), f.severity));
        }
        row
    }

    /// 有错误 / 仅有警告 / 无问题 / 无法读取
    fn outcome(&self) -> &'static str {
        match (&self.unreadable, self.errors, self.warnings) {
            (Some(_), _, _) => "无法读取",
            (None, e, _) if e > 0 => "有错误",
            (None, _, w) if w > 0 => "仅有警告",
            _ => "无问题",
        }
    }
}

/// Text for HTML: `&`, `<`, `>` and quotes escaped (for element text and attributes alike).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The head of a page, its title given.
pub(crate) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n",
        esc(title)
    )
}

/// The end of a page, with its script.
pub(crate) fn tail() -> String {
    format!("<script>\n{SCRIPT}</script>\n</body>\n</html>\n")
}

/// The summary page: the run's counts, a line per report (sortable by each column,
/// filterable by issuer, year, rule and severity), the files that could not be read.
pub fn index_page(rows: &[IndexRow], summary: &Summary) -> String {
    let mut out = head("政府信息公开工作年度报告检查结果");
    out.push_str("<body class=\"index\">\n<header>\n<h1>政府信息公开工作年度报告检查结果</h1>\n");
    let read: Vec<&IndexRow> = rows.iter().filter(|r| r.unreadable.is_none()).collect();
    let _ = writeln!(
        out,
        "<p class=\"counts\">文件 {} 个，检查报告 {} 份：有错误 {}，仅有警告 {}，无问题 {}，无法读取 {}；与上年报告配对 {}{}</p>",
        rows.len(),
        summary.checked,
        summary.with_errors,
        summary.warnings_only,
        summary.clean,
        summary.unreadable.len(),
        summary.paired,
        match summary.dismissed {
            0 => String::new(),
            n => format!("；复核记录中已忽略的问题 {n} 条未显示"),
        }
    );
    out.push_str("</header>\n<main>\n");
    // The filters: each list from what the reports hold.
    let mut issuers: Vec<&str> = read.iter().map(|r| r.issuer.as_str()).filter(|s| !s.is_empty()).collect();
    issuers.sort_unstable();
    issuers.dedup();
    let mut years: Vec<u16> = read.iter().filter_map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut rules: Vec<&str> = read.iter().flat_map(|r| r.findings.iter().map(|(id, _)| id.as_str())).collect();
    rules.sort_unstable();
    rules.dedup();
    let options = |all: &str, items: Vec<String>| {
        let mut s = format!("<option value=\"\">{all}</option>");
        for i in items {
            let _ = write!(s, "<option value=\"{0}\">{0}</option>", esc(&i));
        }
        s
    };
    let _ = writeln!(
        out,
        "<form class=\"filters\" id=\"filters\" onsubmit=\"return false\">\n<label>发布机关 <select id=\"f-issuer\">{}</select></label>\n<label>年度 <select id=\"f-year\">{}</select></label>\n<label>规则 <select id=\"f-rule\">{}</select></label>\n<label>严重程度 <select id=\"f-severity\">{}</select></label>\n<label>查找 <input id=\"f-text\" type=\"search\" placeholder=\"文件名或发布机关\"></label>\n<span id=\"f-count\" class=\"f-count\"></span>\n</form>",
        options("全部", issuers.iter().map(|s| s.to_string()).collect()),
        options("全部", years.iter().map(|y| y.to_string()).collect()),
        options("全部", rules.iter().map(|s| s.to_string()).collect()),
        options("全部", vec!["错误".into(), "警告".into(), "无问题".into()]),
    );
    out.push_str("<table class=\"reports sortable\" id=\"reports\">\n<thead><tr><th data-sort=\"text\">文件</th><th data-sort=\"text\">发布机关</th><th data-sort=\"num\">年度</th><th data-sort=\"text\">结果</th><th data-sort=\"num\">错误</th><th data-sort=\"num\">警告</th><th data-sort=\"num\">无法评估</th><th data-sort=\"num\">已忽略</th><th>未通过的规则</th></tr></thead>\n<tbody>\n");
    for r in &read {
        let mut severities: Vec<&str> = r.findings.iter().map(|(_, s)| severity_word(*s)).collect();
        if severities.is_empty() {
            severities.push("无问题");
        }
        severities.sort_unstable();
        severities.dedup();
        let mut rule_ids: Vec<&str> = r.findings.iter().map(|(id, _)| id.as_str()).collect();
        rule_ids.sort_unstable();
        rule_ids.dedup();
        let outcome = r.outcome();
        let class = match outcome {
            "有错误" => "error",
            "仅有警告" => "warning",
            _ => "clean",
        };
        let link = match &r.page {
            Some(p) => format!("<a href=\"{}\">{}</a>", esc(p), esc(&r.path)),
            None => esc(&r.path),
        };
        let review = match (r.new, r.changed) {
            (0, 0) => String::new(),
            (n, c) => {
                let parts: Vec<String> = [(n, "新"), (c, "待复核")].iter().filter(|(k, _)| *k > 0).map(|(k, w)| format!("{w} {k}")).collect();
                format!(" <span class=\"badge\">{}</span>", parts.join("，"))
            }
        };
        let _ = writeln!(
            out,
            "<tr class=\"{class}\" data-issuer=\"{}\" data-year=\"{}\" data-rules=\"{}\" data-severity=\"{}\"><td>{link}</td><td>{}</td><td>{}</td><td class=\"outcome\">{outcome}{review}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"rules\">{}</td></tr>",
            esc(&r.issuer),
            r.year.map(|y| y.to_string()).unwrap_or_default(),
            esc(&rule_ids.join(" ")),
            severities.join(" "),
            esc(&r.issuer),
            r.year.map(|y| y.to_string()).unwrap_or_default(),
            r.errors,
            r.warnings,
            r.not_assessable,
            r.dismissed,
            esc(&rule_ids.join("、")),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    let unreadable: Vec<&IndexRow> = rows.iter().filter(|r| r.unreadable.is_some()).collect();
    if !unreadable.is_empty() {
        let _ = writeln!(out, "<section class=\"unreadable\" id=\"unreadable\">\n<h2>无法读取的文件（{} 个）</h2>\n<ul>", unreadable.len());
        for r in unreadable {
            let _ = writeln!(out, "<li><span class=\"path\">{}</span>：{}</li>", esc(&r.path), esc(r.unreadable.as_deref().unwrap_or("")));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out.push_str("</main>\n");
    out.push_str(&tail());
    out
}
