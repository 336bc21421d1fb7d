//! `gouji check` output: findings as miette diagnostics inside the report source, or as
//! JSON (stable, documented in the README).

pub use crate::diagnostics::findings::Show;
use crate::diagnostics::findings::{finding_text, rule_text, severity_word};
use crate::eval::{outcome, Evaluation, FindingClass};
use crate::report::{ImportError, Report};
use crate::syntax::ast::Severity;
use serde_json::{json, Value};
use std::fmt::Write;

/// One checked file: the report and its evaluation, or why it could not be read.
pub type Outcome = Result<(Report, Evaluation), ImportError>;

/// Human text for one report, each rule's definition shown once (under its first finding).
pub fn human(path: &str, outcome: &Outcome, color: bool) -> String {
    human_parts(path, outcome, Show { color, verbose: false }).text(&mut SeenRules::default())
}

/// Human text for one report within a run: a rule whose definition `seen` already holds
/// is not shown again; those shown are added.
pub fn human_with(path: &str, outcome: &Outcome, show: Show, seen: &mut SeenRules) -> String {
    human_parts(path, outcome, show).text(seen)
}

/// The rules whose definition a run has shown already ("规则 … 定义于此" is shown once per
/// rule per run). One per run, kept by whoever writes the reports in order.
#[derive(Debug, Default, Clone)]
pub struct SeenRules(std::collections::HashSet<String>);

impl SeenRules {
    /// Whether `id` is seen for the first time (and now is seen).
    pub fn first(&mut self, id: &str) -> bool {
        !self.0.contains(id) && self.0.insert(id.to_string())
    }

    /// Whether `id` was shown already.
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }
}

/// A report's human text rendered, with its rules' definitions kept apart, so a report
/// can be rendered on any thread and written later, in order, through the run's
/// [`SeenRules`] ([`Human::text`]).
#[derive(Debug, Default, Clone)]
pub struct Human {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    /// A rule's definition, shown where its first finding in the run is.
    Rule {
        id: String,
        text: String,
    },
}

impl Human {
    /// The text, leaving out each rule definition `seen` holds and adding those it shows.
    pub fn text(&self, seen: &mut SeenRules) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Rule { id, text } if seen.first(id) => out.push_str(text),
                Part::Rule { .. } => {}
            }
        }
        out
    }

    /// Put lines right after the report's heading line (the batch's pairing, say).
    pub fn after_heading(&mut self, lines: &[String]) {
        let Some(Part::Text(t)) = self.parts.first_mut() else { return };
        if lines.is_empty() || !t.starts_with("━━") {
            return;
        }
        let at = t.find('\n').map_or(t.len(), |i| i + 1);
        let extra: String = lines.iter().map(|l| format!("{l}\n")).collect();
        t.insert_str(at, &extra);
    }

    fn push(&mut self, text: String) {
        match self.parts.last_mut() {
            Some(Part::Text(t)) => t.push_str(&text),
            _ => self.parts.push(Part::Text(text)),
        }
    }
}

/// `2021 年格式`, or per table when the tables follow different templates
/// (`表二 2021 年格式，表三、表四 2019 年格式`: 洪泽区's reports print a 2019 表三 under a 2021 表二).
fn template_words(report: &Report) -> String {
    let mut by: Vec<(&str, Vec<&str>)> = Vec::new();
    for (key, t) in &report.tables {
        let name = match key.as_str() {
            "t2" => "表二",
            "t3" => "表三",
            "t4" => "表四",
            other => other,
        };
        match by.iter_mut().find(|(tpl, _)| *tpl == t.template) {
            Some((_, names)) => names.push(name),
            None => by.push((&t.template, vec![name])),
        }
    }
    if by.len() > 1 {
        return by.iter().map(|(tpl, names)| format!("{} {tpl} 年格式", names.join("、"))).collect::<Vec<_>>().join("，");
    }
    format!("{} 年格式", report.template.as_deref().unwrap_or("？"))
}

/// Human text for one report in parts: [`Human::text`] puts them together.
pub fn human_parts(path: &str, outcome: &Outcome, show: Show) -> Human {
    let mut h = Human::default();
    let mut out = String::new();
    let (report, eval) = match outcome {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(out, "{}", e.one_line());
            h.push(out);
            return h;
        }
    };
    let _ = writeln!(
        out,
        "━━ {path}：{} {} 年度报告（{}）",
        report.issuer.as_deref().unwrap_or("（发布机关未知）"),
        report.year.map_or("？".into(), |y| y.to_string()),
        template_words(report)
    );
    for d in &report.diagnostics {
        let _ = writeln!(out, "  导入提示 [{}] {}", d.code, d.message);
    }
    let findings = &eval.findings;
    let mut skipped = Vec::new();
    let mut rules_here: Vec<&str> = Vec::new();
    for f in findings {
        if f.class == FindingClass::NotAssessable {
            skipped.push(f);
            continue;
        }
        out.push('\n');
        out.push_str(&finding_text(f, show));
        if !rules_here.contains(&f.rule.as_str()) {
            rules_here.push(&f.rule);
            if let Some(text) = rule_text(f, show.color) {
                h.push(std::mem::take(&mut out));
                h.parts.push(Part::Rule { id: f.rule.clone(), text });
            }
        }
    }
    if !findings.is_empty() && skipped.len() < findings.len() {
        out.push('\n');
    }
    for f in &skipped {
        // The line already says 无法评估; the message's own prefix would say it twice.
        let why = f.message.strip_prefix("无法评估：").unwrap_or(&f.message);
        let _ = writeln!(out, "  无法评估 [{}] {why}", f.rule);
    }
    // Rules that did not run and said nothing: why, so "不适用 1" (or "无法评估 1": a
    // cross-year rule without the previous report) names its rule.
    // Rules on the prose whose phrases the report does not use are one line, not one each.
    let mut unmentioned: Vec<&str> = Vec::new();
    for r in eval
        .rules
        .iter()
        .filter(|r| matches!(r.outcome, outcome::Outcome::NotApplicable | outcome::Outcome::NotAssessable) && !findings.iter().any(|f| f.rule == r.id))
    {
        if r.outcome == outcome::Outcome::NotApplicable && r.reason.as_deref().is_some_and(|w| w.starts_with(crate::eval::NO_MATCH)) {
            unmentioned.push(&r.id);
            continue;
        }
        let _ = writeln!(out, "  {} [{}] {}", r.outcome.word(), r.id, r.reason.as_deref().unwrap_or(""));
    }
    if !unmentioned.is_empty() {
        // Rule ids several to a line, so the list stays within a terminal's width.
        let _ = writeln!(out, "  不适用 正文没有提到这些规则所找的数字：");
        for ids in unmentioned.chunks(6) {
            let _ = writeln!(out, "    [{}]", ids.join("、"));
        }
    }
    // Checks that hold because the importer chose the digits' split by the same identity.
    for r in eval.rules.iter().filter(|r| r.on_decoding > 0) {
        let _ = writeln!(
            out,
            "  注意 [{}] {} 项检查所读的单元格在提取时已用同一关系{}：{}，这些检查不是独立证据",
            r.id,
            r.on_decoding,
            r.decoded_for(),
            r.decoded_by_text()
        );
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s && f.counts()).count();
    let aside = findings.iter().filter(|f| f.class == FindingClass::SetAside).count();
    let aside = if aside > 0 { format!("，口径不同 {aside}") } else { String::new() };
    let dismissed = match (eval.dismissed_count(), eval.dismissed.len()) {
        (0, _) => String::new(),
        (n, 0) => format!("，已忽略 {n}"),
        (n, _) => format!("，已忽略 {n}（复核记录，--all 显示）"),
    };
    let _ = writeln!(out, "  小结：错误 {}，警告 {}，无法评估 {}{aside}{dismissed}", count(Severity::Error), count(Severity::Warning), skipped.len());
    let _ = writeln!(out, "  {}", outcome::summary(&eval.rules));
    h.push(out);
    h
}

/// Characters of a message kept on a `--format short` line.
const SHORT_MESSAGE_CHARS: usize = 160;

/// `--format short`: one line per finding, as a compiler's concise mode —
/// `path:line: 错误 t3.balance 自然人列：… 差 -1` (the line of the first cell cited in
/// the report's text; for a rendering, the rendering's line) — and one line for a report
/// that could not be read (`path: 无法读取：…`). Nothing else. Checks that could not be
/// assessed (a table missing …) are left out unless `show.verbose`.
pub fn short(path: &str, outcome: &Outcome, show: Show) -> String {
    let mut out = String::new();
    let (_, eval) = match outcome {
        Ok(x) => x,
        Err(e) => {
            let why = e.to_string();
            let why = why.strip_prefix(&format!("{path}: ")).unwrap_or(&why).to_string();
            let _ = writeln!(out, "{path}: 无法读取：{why}");
            return out;
        }
    };
    for f in eval.findings.iter().filter(|f| show.verbose || f.class.is_failure()) {
        let line = f.sources.reports.first().and_then(|r| {
            let cell = f.cells.iter().filter(|c| c.report == 0).find_map(|c| c.span);
            cell.or_else(|| f.evidence.iter().filter(|e| e.report == 0).find_map(|e| e.span)).map(|s| crate::render::excerpt::line_of(&r.text, s.offset))
        });
        let at = line.map_or(String::new(), |l| format!(":{l}"));
        let message: String = f.message.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
        let mut message = match message.char_indices().nth(SHORT_MESSAGE_CHARS) {
            Some((cut, _)) => format!("{}…", &message[..cut]),
            None => message,
        };
        // The binding, unless the message already names it.
        let binding: Vec<&str> = f.binding.iter().map(|b| b.label.as_str()).filter(|l| !message.contains(*l)).collect();
        if let Some(d) = f.delta.filter(|_| !message.contains("差")) {
            let _ = write!(message, "（差 {}）", crate::eval::format::plain(d));
        }
        let where_ = if binding.is_empty() { String::new() } else { format!(" {}", binding.join("、")) };
        let _ = writeln!(out, "{path}{at}: {} {}{where_} {message}", severity_word(f.severity), f.rule);
    }
    out
}

/// The JSON document for a batch.
pub fn json(outcomes: &[(String, Outcome)]) -> Value {
    let reports: Vec<Value> = outcomes.iter().map(|(path, o)| report_json(path, o)).collect();
    json!({ "reports": reports })
}

/// A report's previous-year counterpart in the batch, as JSON gives it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Prev {
    /// Its path.
    pub path: String,
    /// Its year.
    pub year: Option<u16>,
}

/// One entry of `reports` in the JSON document.
pub fn report_json(path: &str, o: &Outcome) -> Value {
    report_json_paired(path, o, None)
}

/// The `"prev"` of a report entry: as the batch gives it, else the previous report the
/// evaluation read (its year not known here).
fn prev_of(prev: Option<&Prev>, e: &Evaluation) -> Option<Prev> {
    prev.cloned().or_else(|| e.previous.clone().map(|path| Prev { path, year: None }))
}

/// [`report_json`] with the report's previous-year counterpart (`"prev"`; the cells marked
/// `"report": "prev"` are in it).
pub fn report_json_paired(path: &str, o: &Outcome, prev: Option<&Prev>) -> Value {
    match o {
        Ok((r, e)) => {
            let prev = prev_of(prev, e);
            let mut doc = json!({
                "path": path,
                "issuer": r.issuer,
                "year": r.year,
                "prev": prev,
                "template": r.template,
                "form": r.form,
                "span_text": r.span_text,
                "findings": e.findings,
                "rules": e.rules,
                "diagnostics": r.diagnostics,
                "errors": [],
            });
            super::spans::add_file_offsets(&mut doc, r);
            doc
        }
        Err(e) => json!({
            "path": path,
            "issuer": null,
            "year": null,
            "prev": null,
            "template": null,
            "form": null,
            "span_text": null,
            "findings": [],
            "rules": [],
            "diagnostics": [],
            "errors": [{"code": miette::Diagnostic::code(e).map(|c| c.to_string()), "message": e.to_string()}],
        }),
    }
}

/// [`report_json`] as pretty JSON text, serialized straight from the report and its
/// evaluation (no `Value` tree in between; the same text), every line after the first
/// indented `depth` levels more (its place in the batch document). A decoded report's
/// spans get their file offsets through the `Value` tree (rare: GBK and UTF-16 files).
pub fn report_json_pretty(path: &str, o: &Outcome, depth: usize) -> String {
    report_json_pretty_paired(path, o, None, depth)
}

/// [`report_json_pretty`] with the report's previous-year counterpart.
pub fn report_json_pretty_paired(path: &str, o: &Outcome, prev: Option<&Prev>, depth: usize) -> String {
    let text = match o {
        // Spans that need file offsets beside them, when there are any (a clean HTML report
        // takes the quick path).
        Ok((r, e)) if super::spans::needed(r) && !(e.findings.is_empty() && r.diagnostics.iter().all(|d| d.span.is_none())) => {
            super::json::to_string_nested(&report_json_paired(path, o, prev), depth)
        }
        Ok((r, e)) => super::json::to_string_nested(
            &Entry {
                path,
                issuer: r.issuer.as_deref(),
                year: r.year,
                prev: prev_of(prev, e).as_ref(),
                template: r.template.as_deref(),
                form: Some(&r.form),
                span_text: r.span_text,
                findings: &e.findings,
                rules: &e.rules,
                diagnostics: &r.diagnostics,
                errors: &[],
            },
            depth,
        ),
        Err(_) => super::json::to_string_nested(&report_json_paired(path, o, prev), depth),
    };
    text.unwrap_or_default()
}

/// The fields of a [`report_json`] entry of a report read, in their order.
#[derive(serde::Serialize)]
struct Entry<'a> {
    path: &'a str,
    issuer: Option<&'a str>,
    year: Option<u16>,
    prev: Option<&'a Prev>,
    template: Option<&'a str>,
    form: Option<&'a str>,
    span_text: crate::report::model::SpanText,
    findings: &'a [crate::eval::Finding],
    rules: &'a [outcome::RuleOutcome],
    diagnostics: &'a [crate::report::model::ImportDiagnostic],
    errors: &'a [Value],
}

/// Any error-severity finding (report error or doubt) in one evaluation.
pub fn has_error_in(e: &Evaluation) -> bool {
    e.findings.iter().any(|f| f.severity == Severity::Error && f.counts())
}

/// Any error-severity finding (report error or doubt) among the outcomes.
pub fn has_error(outcomes: &[(String, Outcome)]) -> bool {
    outcomes.iter().any(|(_, o)| o.as_ref().is_ok_and(|(_, e)| has_error_in(e)))
}
