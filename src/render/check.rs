//! `gouji check` output: findings as miette diagnostics inside the report source, or as
//! JSON (stable, documented in the README).

use crate::checker::Checker;
use crate::diagnostics::{findings::FindingDiagnostic, render};
use crate::eval::{Finding, FindingClass};
use crate::report::{ImportError, Report};
use crate::syntax::ast::Severity;
use serde_json::{json, Value};
use std::fmt::Write;

/// One checked file: the report and its findings, or why it could not be read.
pub type Outcome = Result<(Report, Vec<Finding>), ImportError>;

/// Human text for one report.
pub fn human(checker: &Checker, path: &str, outcome: &Outcome, color: bool) -> String {
    let mut out = String::new();
    let (report, findings) = match outcome {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(out, "{}", e.one_line());
            return out;
        }
    };
    let _ = writeln!(
        out,
        "━━ {path}：{} {} 年度报告（{} 年格式）",
        report.issuer.as_deref().unwrap_or("（发布机关未知）"),
        report.year.map_or("？".into(), |y| y.to_string()),
        report.template.as_deref().unwrap_or("？")
    );
    for d in &report.diagnostics {
        let _ = writeln!(out, "  导入提示 [{}] {}", d.code, d.message);
    }
    let mut skipped = Vec::new();
    for f in findings {
        if f.class == FindingClass::NotAssessable {
            skipped.push(f);
            continue;
        }
        let pack = checker.packs.get(f.pack);
        let rule_file = pack.and_then(|p| p.source(f.check_span.source)).map(|(n, t)| (n.as_str(), t));
        out.push_str(&render(&FindingDiagnostic::new(f, report, rule_file), color));
        out.push('\n');
    }
    for f in &skipped {
        let _ = writeln!(out, "  无法评估 [{}] {}", f.rule, f.message);
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s && f.class != FindingClass::NotAssessable).count();
    let _ = writeln!(out, "  小结：错误 {}，警告 {}，无法评估 {}", count(Severity::Error), count(Severity::Warning), skipped.len());
    out
}

/// The JSON document for a batch.
pub fn json(outcomes: &[(String, Outcome)]) -> Value {
    let reports: Vec<Value> = outcomes.iter().map(|(path, o)| report_json(path, o)).collect();
    json!({ "reports": reports })
}

/// One entry of `reports` in the JSON document.
pub fn report_json(path: &str, o: &Outcome) -> Value {
    match o {
        Ok((r, findings)) => json!({
            "path": path,
            "issuer": r.issuer,
            "year": r.year,
            "template": r.template,
            "form": r.form,
            "findings": findings,
            "diagnostics": r.diagnostics,
            "errors": [],
        }),
        Err(e) => json!({
            "path": path,
            "issuer": null,
            "year": null,
            "template": null,
            "findings": [],
            "diagnostics": [],
            "errors": [{"code": miette::Diagnostic::code(e).map(|c| c.to_string()), "message": e.to_string()}],
        }),
    }
}

/// Any error-severity finding (report error or doubt) among the outcomes.
pub fn has_error(outcomes: &[(String, Outcome)]) -> bool {
    outcomes.iter().any(|(_, o)| {
        o.as_ref().is_ok_and(|(_, f)| f.iter().any(|f| f.severity == Severity::Error && f.class != FindingClass::NotAssessable))
    })
}
