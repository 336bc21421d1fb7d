//! `gouji test` output: failed rule-level cases pointed at the case, and per report case
//! the findings added (rendered as in `check`), removed and changed.

use crate::checker::Checker;
use crate::diagnostics::cases::CaseFailure;
use crate::diagnostics::findings::FindingDiagnostic;
use crate::diagnostics::render;
use crate::pack::Pack;
use crate::testing::{snapshot, PackTest};
use miette::NamedSource;
use std::fmt::Write;

pub fn human(pack: &Pack, result: &PackTest, color: bool) -> String {
    let mut out = String::new();
    let failed: Vec<_> = result.cases.iter().filter(|c| c.failure.is_some()).collect();
    for c in &failed {
        let Some((name, text)) = pack.source(c.span.source) else { continue };
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
    let checker = Checker::new(vec![pack.clone()]);
    for rc in &result.reports {
        let name = rc.path.display().to_string();
        let (report, findings) = match &rc.outcome {
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
        } else {
            let _ = writeln!(out, "✗ {name}：新增 {}，消失 {}，变化 {}", d.added.len(), d.removed.len(), d.changed.len());
        }
        for &i in &d.added {
            let f = &findings[i];
            let _ = writeln!(out, "  + 新增 [{}]", f.rule);
            let rule_file = checker.packs.first().and_then(|p| p.source(f.check_span.source)).map(|(n, t)| (n.as_str(), t));
            out.push_str(&render(&FindingDiagnostic::new(f, report, rule_file), color));
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
            for l in snapshot::line_diff(old, &new).lines() {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
    let bad = result.reports.iter().filter(|r| !r.ok()).count();
    let _ = writeln!(out, "报告用例：{} 个一致，{} 个有差异", result.reports.len() - bad, bad);
    out
}
