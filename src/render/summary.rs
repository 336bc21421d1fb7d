//! The summary of a batch: gathered as the reports stream by (memory: one entry per rule
//! and per unreadable file, whatever the batch size), printed at the end of human output
//! and given in JSON.

use crate::batch::Pairs;
use crate::eval::{Evaluation, Outcome};
use crate::syntax::ast::Severity;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write;

/// Counts of a batch.
#[derive(Debug, Default)]
pub struct Summary {
    /// Reports read and checked.
    pub checked: usize,
    /// Reports with an error-severity finding (report error or doubt).
    pub with_errors: usize,
    /// Reports with warnings and no error.
    pub warnings_only: usize,
    /// Reports with neither.
    pub clean: usize,
    /// Reports paired with their previous year.
    pub paired: usize,
    /// Findings the review file dismissed (values unchanged), not shown.
    pub dismissed: usize,
    /// Files that could not be read, with the reason, in batch order.
    pub unreadable: Vec<(String, String)>,
    /// Per rule in first-seen order: id, failing findings (errors, warnings, doubts — not
    /// the not-assessable notes), and reports by outcome (passed, failed, not assessable,
    /// not applicable), and the first reason it did not apply.
    rules: Vec<RuleCounts>,
    index: HashMap<String, usize>,
    /// Issuer-years with several reports, and issuers lacking years (from the pairing).
    same_year: Vec<(String, u16, usize, Vec<String>)>,
    missing_years: Vec<(String, Vec<u16>)>,
}

#[derive(Debug, Default)]
struct RuleCounts {
    id: String,
    findings: usize,
    outcomes: [usize; 4],
    why_not: Option<String>,
}

fn slot(o: Outcome) -> usize {
    match o {
        Outcome::Passed => 0,
        Outcome::Failed => 1,
        Outcome::NotAssessable => 2,
        Outcome::NotApplicable => 3,
    }
}

impl Summary {
    /// Count one report checked.
    pub fn add(&mut self, e: &Evaluation, paired: bool) {
        self.checked += 1;
        self.paired += usize::from(paired);
        self.dismissed += e.dismissed.len();
        let counted = |s: Severity| e.findings.iter().any(|f| f.severity == s && f.counts());
        match (counted(Severity::Error), counted(Severity::Warning)) {
            (true, _) => self.with_errors += 1,
            (false, true) => self.warnings_only += 1,
            _ => self.clean += 1,
        }
        for r in &e.rules {
            let i = self.rule(&r.id);
            let c = &mut self.rules[i];
            c.outcomes[slot(r.outcome)] += 1;
            if r.outcome == Outcome::NotApplicable && c.why_not.is_none() {
                c.why_not = r.reason.clone();
            }
        }
        for f in e.findings.iter().filter(|f| f.counts()) {
            let i = self.rule(&f.rule);
            self.rules[i].findings += 1;
        }
    }

    /// A file that could not be read.
    pub fn add_unreadable(&mut self, path: &str, why: &str) {
        self.unreadable.push((path.to_string(), why.to_string()));
    }

    /// What the pairing found about the batch's issuers and years; `path` names members.
    pub fn set_pairing(&mut self, pairs: &Pairs, path: impl Fn(usize) -> String) {
        // The first few paths of each (a folder of copies must not fill the summary).
        self.same_year = pairs.same_year.iter().map(|(g, y, ms)| (g.clone(), *y, ms.len(), ms.iter().take(10).map(|&m| path(m)).collect())).collect();
        self.missing_years = pairs.missing_years.clone();
    }

    fn rule(&mut self, id: &str) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        self.rules.push(RuleCounts { id: id.to_string(), ..RuleCounts::default() });
        self.index.insert(id.to_string(), self.rules.len() - 1);
        self.rules.len() - 1
    }

    /// The rules that applied to none of the reports, with the first reason.
    pub fn never_applied(&self) -> Vec<(&str, &str)> {
        self.rules
            .iter()
            .filter(|c| c.outcomes[3] > 0 && c.outcomes[..3].iter().all(|&n| n == 0))
            .map(|c| (c.id.as_str(), c.why_not.as_deref().unwrap_or("")))
            .collect()
    }

    /// The summary for people, at the end of a batch's human output.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let total = self.checked + self.unreadable.len();
        let _ = writeln!(out, "━━ 汇总：文件 {total} 个，检查报告 {} 份", self.checked);
        let _ = writeln!(
            out,
            "  有错误 {}，仅有警告 {}，无问题 {}，无法读取 {}；与上年报告配对 {}",
            self.with_errors,
            self.warnings_only,
            self.clean,
            self.unreadable.len(),
            self.paired
        );
        if self.dismissed > 0 {
            let _ = writeln!(out, "  复核记录中已忽略的问题 {} 条未显示（--all 显示）", self.dismissed);
        }
        if !self.unreadable.is_empty() {
            let _ = writeln!(out, "  无法读取的文件：");
            for (path, why) in &self.unreadable {
                let _ = writeln!(out, "    {path}：{why}");
            }
        }
        let with_findings: Vec<&RuleCounts> = self.rules.iter().filter(|c| c.findings > 0).collect();
        if !with_findings.is_empty() {
            let _ = writeln!(out, "  各规则的问题数：");
            for c in with_findings {
                let _ = writeln!(out, "    {}：{} 处", c.id, c.findings);
            }
        }
        if !self.rules.is_empty() {
            let _ = writeln!(out, "  各规则的结果（报告份数）：");
            let width = self.rules.iter().map(|c| c.id.len()).max().unwrap_or(0);
            // The batch's own findings (two reports of a year) come from no rule.
            for c in self.rules.iter().filter(|c| c.outcomes.iter().any(|&n| n > 0)) {
                let [p, f, na, nap] = c.outcomes;
                let _ = writeln!(out, "    {:width$}  通过 {p}，未通过 {f}，无法评估 {na}，不适用 {nap}", c.id);
            }
        }
        if !self.same_year.is_empty() {
            let _ = writeln!(out, "  同一发布机关同一年度有多份报告：");
            for (g, y, n, paths) in &self.same_year {
                let more = if *n > paths.len() { format!(" 等（共 {n} 份）") } else { String::new() };
                let _ = writeln!(out, "    {g} {y} 年：{}{more}", paths.join("、"));
            }
        }
        if !self.missing_years.is_empty() {
            let _ = writeln!(out, "  缺少年度报告：");
            for (g, years) in &self.missing_years {
                let ys: Vec<String> = years.iter().map(|y| format!("{y} 年")).collect();
                let _ = writeln!(out, "    {g}：缺 {}", ys.join("、"));
            }
        }
        out
    }

    /// The summary in JSON, the batch document's `"summary"`.
    pub fn json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|c| {
                let [passed, failed, na, nap] = c.outcomes;
                json!({"id": c.id, "findings": c.findings, "passed": passed, "failed": failed, "not_assessable": na, "not_applicable": nap})
            })
            .collect();
        json!({
            "reports_checked": self.checked,
            "with_errors": self.with_errors,
            "warnings_only": self.warnings_only,
            "clean": self.clean,
            "paired": self.paired,
            "dismissed": self.dismissed,
            "unreadable": self.unreadable.iter().map(|(p, w)| json!({"path": p, "reason": w})).collect::<Vec<_>>(),
            "rules": rules,
            "same_year": self.same_year.iter().map(|(g, y, n, ps)| json!({"issuer": g, "year": y, "count": n, "paths": ps})).collect::<Vec<_>>(),
            "missing_years": self.missing_years.iter().map(|(g, ys)| json!({"issuer": g, "years": ys})).collect::<Vec<_>>(),
        })
    }
}
