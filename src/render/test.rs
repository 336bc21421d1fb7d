//! `gouji test` output: failed rule-level cases pointed at the case, and per report case
//! what makes its snapshot differ — a bad header, another order, text that belongs to no
//! finding — then the findings added (rendered as in `check`), removed and changed, or,
//! when no finding differs, a line diff of the whole file.

use crate::diagnostics::cases::CaseFailure;
use crate::diagnostics::render;
use crate::pack::Pack;
use crate::testing::snapshot::HeaderProblem;
use crate::testing::{compare, snapshot, Accept, Diff, PackTest};
use miette::NamedSource;
use std::fmt::Write;

/// `gouji test`'s report: failed cases pointed at the rule file, then each report case.
pub fn human(pack: &Pack, result: &PackTest, color: bool) -> String {
    let mut out = String::new();
    let failed: Vec<_> = result.cases.iter().filter(|c| c.failure.is_some()).collect();
    for c in &failed {
        let Some((name, text)) = pack.source(c.span.source) else {
            continue;
        };
        let d = CaseFailure {
            rule: c.rule.clone(),
            case: c.case.clone(),
            template: c.template.clone(),
            why: c.failure.clone().unwrap_or_default(),
            source: NamedSource::new(name, text.clone()),
            span: c.span,
        };
        out.push_str(&render(&d, color));
        out.push('\n');
    }
    let _ = writeln!(out, "规则用例：{} 个通过，{} 个未通过", result.cases.len() - failed.len(), failed.len());
    for rc in &result.reports {
        let name = match &rc.previous {
            Some(p) => format!("{}（上年报告 {}）", rc.path.display(), p.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned())),
            None => rc.path.display().to_string(),
        };
        let (_, findings) = match &rc.outcome {
            Ok(x) => x,
            Err(e) => {
                let _ = writeln!(out, "✗ {name}：无法读取。{}", e.one_line());
                continue;
            }
        };
        if rc.ok() {
            let _ = writeln!(out, "✓ {name}：{} 条结果，与快照一致", findings.len());
            continue;
        }
        let d = &rc.diff;
        if rc.missing {
            let _ = writeln!(out, "✗ {name}：没有快照 {}（用 --accept 生成），当前 {} 条结果", rc.snapshot.display(), findings.len());
        } else if d.blocks_differ() {
            let _ = writeln!(out, "✗ {name}：新增 {}，消失 {}，变化 {}", d.added.len(), d.removed.len(), d.changed.len());
        } else {
            let _ = writeln!(out, "✗ {name}：每条结果都与快照相同，但快照整体不一致");
        }
        explain(&mut out, d);
        for &i in &d.added {
            let f = &findings[i];
            let _ = writeln!(out, "  + 新增 [{}]", f.rule);
            out.push_str(&crate::diagnostics::findings::render_finding(f, color));
        }
        for old in &d.removed {
            let _ = writeln!(out, "  - 消失");
            for l in old.lines() {
                let _ = writeln!(out, "  - {l}");
            }
        }
        for (old, i) in &d.changed {
            let new = snapshot::block(&findings[*i]);
            let _ = writeln!(out, "  ~ 变化 {}", new.lines().next().unwrap_or(""));
            for l in compare::line_diff(old, &new, 0, false) {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
    let bad = result.reports.iter().filter(|r| !r.ok()).count();
    let _ = writeln!(out, "报告用例：{} 个一致，{} 个有差异", result.reports.len() - bad, bad);
    match result.accept {
        Accept::No => {}
        Accept::Written(n) => {
            let _ = writeln!(out, "已写入 {n} 个快照");
        }
        Accept::Refused => {
            let _ = writeln!(out, "没有写入任何快照：有规则用例未通过，当前结果不可信；请先修正规则或用例，再用 --accept");
        }
    }
    out
}

/// Lines a long whole-file diff is cut to.
const MAX_DIFF_LINES: usize = 40;

/// Why a snapshot differs, beyond single findings.
fn explain(out: &mut String, d: &Diff) {
    match &d.header {
        None => {}
        Some(HeaderProblem::Missing) => {
            let _ = writeln!(out, "  快照缺少文件头（应为四行：---、source: …、expression: \"报告文件名\"、---）");
        }
        Some(HeaderProblem::Line { line, expected, found: Some(found) }) => {
            let _ = writeln!(out, "  快照文件头第 {line} 行应为 {expected}，实为 {found}");
        }
        Some(HeaderProblem::Line { line, expected, found: None }) => {
            let _ = writeln!(out, "  快照文件头第 {line} 行应为 {expected}，但文件到此结束");
        }
    }
    if d.reordered {
        let _ = writeln!(out, "  结果顺序不同：快照中的结果排列次序与当前不一致");
    }
    if !d.stray.is_empty() {
        let what = if d.stray_at_end { "快照末尾有多余内容" } else { "快照中有不属于任何一条结果的内容" };
        let _ = writeln!(out, "  {what}（{} 处）", d.stray.len());
        if d.text.is_empty() {
            for l in d.stray.iter().flat_map(|s| s.lines()).take(5) {
                let _ = writeln!(out, "    - {l}");
            }
        }
    }
    if d.differs && d.header.is_none() && !d.reordered && d.stray.is_empty() && !d.blocks_differ() {
        let _ = writeln!(out, "  快照的文字与当前结果有出入（空行、换行等）");
    }
    push_diff(out, "顺序差异（- 快照，+ 当前）", &d.order);
    push_diff(out, "整体差异（- 快照，+ 当前）", &d.text);
}

/// A line diff under a heading, cut short when long.
fn push_diff(out: &mut String, heading: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {heading}：");
    for l in lines.iter().take(MAX_DIFF_LINES) {
        let _ = writeln!(out, "    {l}");
    }
    if lines.len() > MAX_DIFF_LINES {
        let _ = writeln!(out, "    …（另有 {} 行未显示）", lines.len() - MAX_DIFF_LINES);
    }
}
