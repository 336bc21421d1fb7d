//! Report cases of a pack: every report in `PACK/cases/` has its findings stored beside it
//! in `<name>.snap` — insta's snapshot format (a small header, then the text), so
//! `cargo test` (insta) and `gouji test` (no Rust toolchain) read and write the same files.
//! The text lists one block per finding, keyed by its first line (rule and binding), so a
//! diff says which findings were added, removed or changed.

use crate::eval::{Finding, FindingClass};
use crate::syntax::ast::Severity;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Files in a cases folder that are reports (everything but snapshots and notes).
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("snap" | "new" | "md" | "toml")))
        .collect();
    files.sort();
    files
}

/// The snapshot file of a case report.
pub fn snapshot_path(case: &Path) -> PathBuf {
    case.with_extension("snap")
}

/// The findings of one report as snapshot text: one block per finding, in output order.
pub fn findings_text(findings: &[Finding]) -> String {
    let blocks: Vec<String> = findings.iter().map(block).collect();
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
    };
    let _ = writeln!(out, "  {sev} · {class}");
    let _ = writeln!(out, "  {}", f.message);
    if let (Some(l), Some(r), Some(d)) = (f.lhs, f.rhs, f.delta) {
        let _ = writeln!(out, "  左边 {} · 右边 {} · 差 {}", l.normalize(), r.normalize(), d.normalize());
    }
    for c in &f.cells {
        let v = match (&c.raw, c.state) {
            (None, _) => "（缺失）".to_string(),
            (Some(_), Some(crate::report::CellState::Blank)) => "（空白）".into(),
            (Some(raw), _) => raw.clone(),
        };
        let zero = if c.blank_as_zero { "（按 0 计）" } else { "" };
        let _ = writeln!(out, "  {}.{}.{} = {v}{zero}", c.table, c.row, c.col);
    }
    out
}

/// Wrap text in insta's snapshot format.
pub fn to_snap(case_name: &str, text: &str) -> String {
    format!("---\nsource: gouji test\nexpression: \"{}\"\n---\n{}", case_name.replace('"', "'"), text)
}

/// The text of a snapshot file (after insta's header).
pub fn from_snap(file: &str) -> String {
    let body = file.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n").map(|(_, b)| b));
    body.unwrap_or(file).to_string()
}

/// Blocks of a snapshot text, by key line.
fn blocks(text: &str) -> Vec<(String, String)> {
    text.split("\n\n")
        .map(|b| b.trim_matches('\n'))
        .filter(|b| b.starts_with('['))
        .map(|b| (b.lines().next().unwrap_or("").to_string(), format!("{b}\n")))
        .collect()
}

/// How a report's findings differ from its snapshot.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// Indexes into the new findings.
    pub added: Vec<usize>,
    /// Old blocks no longer produced.
    pub removed: Vec<String>,
    /// (old block, index of the new finding).
    pub changed: Vec<(String, usize)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compare findings with a stored snapshot text.
pub fn diff(old_text: &str, findings: &[Finding]) -> Diff {
    let old = blocks(old_text);
    let new: Vec<(String, String)> = findings.iter().map(|f| {
        let b = block(f);
        (b.lines().next().unwrap_or("").to_string(), b)
    }).collect();
    let mut d = Diff::default();
    for (i, (key, text)) in new.iter().enumerate() {
        match old.iter().find(|(k, _)| k == key) {
            None => d.added.push(i),
            Some((_, o)) if o.trim_end() != text.trim_end() => d.changed.push((o.clone(), i)),
            Some(_) => {}
        }
    }
    for (key, text) in &old {
        if !new.iter().any(|(k, _)| k == key) {
            d.removed.push(text.clone());
        }
    }
    d
}

/// A line diff of two blocks: `- old` / `+ new` for lines that differ.
pub fn line_diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut out = String::new();
    for l in &a {
        if !b.contains(l) {
            let _ = writeln!(out, "- {l}");
        }
    }
    for l in &b {
        if !a.contains(l) {
            let _ = writeln!(out, "+ {l}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_format_round_trips() {
        let t = "[r] c=自然人\n  error · 报告错误\n";
        assert_eq!(from_snap(&to_snap("a.txt", t)), t);
    }

    #[test]
    fn blocks_are_keyed_by_first_line() {
        let b = blocks("[a] x\n  1\n\n[b]\n  2\n");
        assert_eq!(b.len(), 2);
        assert_eq!(b[1].0, "[b]");
    }
}
