//! Report cases of a pack: every report in `PACK/cases/` has its findings stored beside it
//! in `<name>.<ext>.snap` (the case file's name with `.snap` added, so `x.txt` and
//! `x.html` keep their own) — insta's snapshot format (a small header, then the text), so
//! `cargo test` (insta) and `gouji test` (no Rust toolchain) read and write the same files.
//! The text lists one block per finding, first line the key (rule and binding); this module
//! writes and reads that format, `compare` says how a file differs from the findings now.

use crate::eval::{Finding, FindingClass};
use crate::syntax::ast::Severity;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Files in a cases folder that are reports (everything but snapshots and notes, and the
/// previous year's report of a pair, `NAME.prev.EXT`, which is read with its case).
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("snap" | "new" | "md" | "toml")))
        .filter(|p| !is_previous(p))
        .collect();
    files.sort();
    files
}

/// `NAME.prev.EXT`: the previous year's report of the case `NAME.EXT`.
fn is_previous(p: &Path) -> bool {
    p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.ends_with(".prev"))
}

/// The previous year's report of a case, when it is a pair: `NAME.prev.*` beside
/// `NAME.EXT` (any form: `x.txt` with `x.prev.html`; the first by name if several).
pub fn previous_of(case: &Path) -> Option<PathBuf> {
    let stem = case.file_stem()?.to_str()?;
    let want = format!("{stem}.prev");
    let dir = case.parent()?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_stem().and_then(|s| s.to_str()) == Some(want.as_str()))
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("snap" | "new" | "md" | "toml")))
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The snapshot file of a case report: its name with `.snap` added (`x.txt.snap`).
pub fn snapshot_path(case: &Path) -> PathBuf {
    let mut name = case.as_os_str().to_owned();
    name.push(".snap");
    PathBuf::from(name)
}

/// The findings of one report as snapshot text: one block per finding, in output order.
pub fn findings_text(findings: &[Finding]) -> String {
    body_text(&findings.iter().map(block).collect::<Vec<_>>())
}

/// Finding blocks as snapshot text: separated by a blank line; a marker when there are none.
pub fn body_text(blocks: &[String]) -> String {
    if blocks.is_empty() {
        return "（没有结果）\n".into();
    }
    blocks.join("\n")
}

/// One finding: key line, class, message, sides, cells.
pub fn block(f: &Finding) -> String {
    let mut out = String::new();
    let binding: Vec<String> = f.binding.iter().map(|b| format!("{}={}", b.var, b.label)).collect();
    let key = format!("[{}] {}", f.rule, binding.join(" "));
    let _ = writeln!(out, "{}", key.trim_end());
    let sev = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let class = match f.class {
        FindingClass::ReportError => "报告错误",
        FindingClass::ExtractionDoubt => "提取存疑",
        FindingClass::NotAssessable => "无法评估",
        FindingClass::SetAside => "口径不同",
    };
    let _ = writeln!(out, "  {sev} · {class}");
    let _ = writeln!(out, "  {}", f.message);
    if let (Some(l), Some(r), Some(d)) = (f.lhs, f.rhs, f.delta) {
        use crate::eval::format::plain;
        let _ = writeln!(out, "  左边 {} · 右边 {} · 差 {}", plain(l), plain(r), plain(d));
    }
    for c in &f.cells {
        let v = match (&c.raw, c.state) {
            (None, _) => "（缺失）".to_string(),
            (Some(_), Some(crate::report::CellState::Blank)) => "（空白）".into(),
            (Some(raw), _) => raw.clone(),
        };
        let zero = if c.blank_as_zero { "（按 0 计）" } else { "" };
        let prev = if c.report == 1 { "上年." } else { "" };
        let _ = writeln!(out, "  {prev}{}.{}.{} = {v}{zero}", c.table, c.row, c.col);
    }
    out
}

/// Wrap text in insta's snapshot format.
pub fn to_snap(case_name: &str, text: &str) -> String {
    format!("---\nsource: gouji test\n{}\n---\n{}", expression_line(case_name), text)
}

/// The header line naming the case report.
fn expression_line(case_name: &str) -> String {
    format!("expression: \"{}\"", case_name.replace('"', "'"))
}

/// What is wrong with a snapshot's header (insta's format, as [`to_snap`] writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// The file does not start with `---`.
    Missing,
    /// Line `line` of the file (1-based) should be `expected`; `found` is what is there.
    Line { line: usize, expected: String, found: Option<String> },
}

/// A snapshot file: whether its header is right, and the text after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapFile<'a> {
    pub header: Option<HeaderProblem>,
    /// The findings text; the whole file when there is no header.
    pub body: &'a str,
}

/// Split a snapshot file into header and body, checking the header: `---`, `source: …`,
/// `expression: "<case file name>"`, `---`. Any `source` is accepted (insta writes its
/// own); the expression must name this case.
pub fn read_snap<'a>(file: &'a str, case_name: &str) -> SnapFile<'a> {
    let Some(rest) = file.strip_prefix("---\n") else {
        return SnapFile { header: Some(HeaderProblem::Missing), body: file };
    };
    // Header lines run to the closing `---`, or to the first line that is not `key: value`.
    let (mut fields, mut pos, mut closed) = (Vec::new(), 0, false);
    for line in rest.split_inclusive('\n') {
        let l = line.trim_end_matches('\n');
        if l == "---" {
            pos += line.len();
            closed = true;
            break;
        }
        if !is_field(l) {
            break;
        }
        fields.push(l);
        pos += line.len();
    }
    let at = |line: usize| file.lines().nth(line - 1).map(str::to_string);
    let problem = |line: usize, expected: String| Some(HeaderProblem::Line { line, expected, found: at(line) });
    let expression = expression_line(case_name);
    let header = if !fields.first().is_some_and(|l| l.starts_with("source: ")) {
        problem(2, "source: …".into())
    } else if fields.get(1) != Some(&expression.as_str()) {
        problem(3, expression)
    } else if fields.len() > 2 || !closed {
        problem(2 + fields.len().min(2), "---".into())
    } else {
        None
    };
    SnapFile { header, body: &rest[pos..] }
}

/// `key: value` with a lower-case key, as in insta's header.
fn is_field(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// A part of a snapshot body, between blank lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A finding block: its key line (rule and binding) and its text.
    Block { key: String, text: String },
    /// The marker of a report without findings.
    NoFindings,
    /// Anything else: text that belongs to no finding.
    Stray(String),
}

/// The parts of a snapshot body, in order.
pub fn parts(body: &str) -> Vec<Part> {
    let empty = body_text(&[]);
    body.split("\n\n")
        .map(|b| b.trim_matches('\n'))
        .filter(|b| !b.is_empty())
        .map(|b| {
            if b.starts_with('[') {
                Part::Block { key: b.lines().next().unwrap_or("").to_string(), text: format!("{b}\n") }
            } else if b == empty.trim_end() {
                Part::NoFindings
            } else {
                Part::Stray(format!("{b}\n"))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_format_round_trips() {
        let t = "[r] c=自然人\n  error · 报告错误\n";
        let file = to_snap("a.txt", t);
        assert_eq!(read_snap(&file, "a.txt"), SnapFile { header: None, body: t });
    }

    #[test]
    fn any_source_is_accepted() {
        let file = "---\nsource: tests/official_pack.rs\nexpression: \"a.txt\"\n---\nx\n";
        assert_eq!(read_snap(file, "a.txt"), SnapFile { header: None, body: "x\n" });
    }

    #[test]
    fn a_stripped_header_is_missing() {
        let s = read_snap("[r]\n  x\n", "a.txt");
        assert_eq!(s.header, Some(HeaderProblem::Missing));
        assert_eq!(s.body, "[r]\n  x\n");
    }

    #[test]
    fn an_altered_header_names_the_line() {
        let file = to_snap("b.txt", "x\n");
        let s = read_snap(&file, "a.txt");
        let want = HeaderProblem::Line { line: 3, expected: "expression: \"a.txt\"".into(), found: Some("expression: \"b.txt\"".into()) };
        assert_eq!(s.header, Some(want));
        assert_eq!(s.body, "x\n");
        let unclosed = read_snap("---\nsource: gouji test\nexpression: \"a.txt\"\n[r]\n", "a.txt");
        assert_eq!(unclosed.header, Some(HeaderProblem::Line { line: 4, expected: "---".into(), found: Some("[r]".into()) }));
        assert_eq!(unclosed.body, "[r]\n");
        let extra = read_snap("---\nsource: x\nexpression: \"a.txt\"\nassertion_line: 3\n---\n", "a.txt");
        assert_eq!(extra.header, Some(HeaderProblem::Line { line: 4, expected: "---".into(), found: Some("assertion_line: 3".into()) }));
    }

    #[test]
    fn parts_keep_stray_text() {
        let p = parts("[a] x\n  1\n\n[b]\n  2\n\nnote\n");
        assert_eq!(p.len(), 3);
        assert_eq!(p[1], Part::Block { key: "[b]".into(), text: "[b]\n  2\n".into() });
        assert_eq!(p[2], Part::Stray("note\n".into()));
        assert_eq!(parts(&body_text(&[])), vec![Part::NoFindings]);
    }
}
