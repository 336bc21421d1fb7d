//! Evaluation semantics on hand-built reports: three-valued `and` / `or` / `not`, each
//! blank policy, division by zero, and the rule accounting.

use super::{Context, FindingClass, Outcome};
use crate::pack::Pack;
use crate::report::model::{Report, Span, Table};
use crate::report::value::cell_from;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A 2021 report whose 表三 has only the given cells (`row`, `col`, raw text).
fn report(cells: &[(&str, &str, &str)]) -> Report {
    report_in("2021", cells)
}

/// A report of template `tpl` whose 表三 has only the given cells.
fn report_in(tpl: &str, cells: &[(&str, &str, &str)]) -> Report {
    let def = crate::template::by_id(tpl).and_then(|t| t.table("t3")).expect("template has 表三");
    let mut t3 = Table::new(tpl, def);
    for (row, col, raw) in cells {
        if !t3.rows.contains_key(row) {
            t3.add_row(def, row, row.to_string(), None).unwrap_or_else(|| panic!("2021 表三 has no row {row}"));
        }
        let r = t3.rows.get_mut(row).expect("added");
        assert!(r.cells.insert(col, cell_from(raw, Span::new(0, raw.len()))).is_ok(), "2021 表三 has no column {col}");
    }
    Report {
        path: "测试".into(),
        form: "case".into(),
        issuer: Some("测试".into()),
        year: Some(2021),
        template: Some(tpl.into()),
        published: None,
        title: None,
        sections: Vec::new(),
        tables: BTreeMap::from([("t3".to_string(), t3)]),
        diagnostics: Vec::new(),
        consumed: Vec::new(),
        doubted: Vec::new(),
        source: Arc::from(""),
        span_text: crate::report::model::SpanText::Rendering,
        file_map: None,
    }
}

/// Class of each finding and outcome of each rule, for `rules` on `report`.
fn run(rules: &str, r: &Report) -> (Vec<FindingClass>, Vec<Outcome>) {
    let pack = Pack::from_text("t.gouji", rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
    let e = pack.evaluate(Context::of(r));
    (e.findings.iter().map(|f| f.class).collect(), e.rules.iter().map(|o| o.outcome).collect())
}

/// `check <expr>` under `blank skip`, where 自然人 of 本年新收 is blank (unknown).
fn verdict(expr: &str) -> Vec<FindingClass> {
    let r = report(&[("new_received", "natural_person", ""), ("new_received", "total", "3")]);
    run(&format!("rule a \"x\" {{ check {expr} }}"), &r).0
}

const UNKNOWN: &str = "(表三[本年新收, 自然人] == 1)";
const TRUE: &str = "(表三[本年新收, 总计] == 3)";
const FALSE: &str = "(表三[本年新收, 总计] == 4)";

#[test]
fn and_or_not_are_three_valued() {
    use FindingClass::*;
    let na: Vec<FindingClass> = vec![NotAssessable];
    let fail: Vec<FindingClass> = vec![ReportError];
    assert_eq!(verdict(&format!("{UNKNOWN} and {FALSE}")), fail, "false and unknown = false");
    assert_eq!(verdict(&format!("{FALSE} and {UNKNOWN}")), fail);
    assert_eq!(verdict(&format!("{UNKNOWN} and {TRUE}")), na, "true and unknown = unknown");
    assert!(verdict(&format!("{UNKNOWN} or {TRUE}")).is_empty(), "true or unknown = true");
    assert_eq!(verdict(&format!("{UNKNOWN} or {FALSE}")), na, "false or unknown = unknown");
    assert_eq!(verdict(&format!("not {UNKNOWN}")), na, "not unknown = unknown");
    assert_eq!(verdict(&format!("not {TRUE}")), fail);
    assert!(verdict(&format!("not {FALSE}")).is_empty());
}

#[test]
fn each_blank_policy() {
    use FindingClass::*;
    let r = report(&[("new_received", "natural_person", ""), ("new_received", "total", "0")]);
    let rule = |policy: &str| format!("rule a \"x\" {{ {policy}\n check 表三[本年新收, 自然人] == 表三[本年新收, 总计] }}");
    assert_eq!(run(&rule("blank skip"), &r).0, [NotAssessable]);
    assert_eq!(run(&rule(""), &r).0, [NotAssessable], "skip is the default");
    assert!(run(&rule("blank as zero"), &r).0.is_empty(), "blank counted as 0 equals 0");
    assert_eq!(run(&rule("blank finding"), &r).0, [ReportError]);
    // A placeholder is treated as a blank; a text is never a number under any policy.
    let marker = report(&[("new_received", "natural_person", "/"), ("new_received", "total", "0")]);
    assert!(run(&rule("blank as zero"), &marker).0.is_empty());
    let text = report(&[("new_received", "natural_person", "见附件"), ("new_received", "total", "0")]);
    assert_eq!(run(&rule("blank as zero"), &text).0, [NotAssessable]);
}

#[test]
fn a_blank_counted_as_zero_is_said() {
    let r = report(&[("new_received", "natural_person", ""), ("new_received", "total", "5")]);
    let pack = Pack::from_text("t.gouji", "rule a \"x\" { blank as zero\n check 表三[本年新收, 自然人] == 表三[本年新收, 总计] }").unwrap();
    let f = &pack.check(&r)[0];
    assert!(f.cells[0].blank_as_zero);
    assert!(f.message.contains("空白按 0 计"), "{}", f.message);
}

#[test]
fn division_by_zero_is_not_assessable_and_says_why() {
    let r = report(&[("new_received", "total", "5"), ("carried_over", "total", "0")]);
    let pack = Pack::from_text("t.gouji", "rule a \"x\" { check 表三[本年新收, 总计] / 表三[上年结转, 总计] < 1 }").unwrap();
    let e = pack.evaluate(Context::of(&r));
    assert_eq!(e.findings.len(), 1);
    assert_eq!(e.findings[0].class, FindingClass::NotAssessable);
    assert!(e.findings[0].message.contains("除数为 0"), "{}", e.findings[0].message);
    assert_eq!(e.rules[0].outcome, Outcome::NotAssessable);
    assert!(e.rules[0].reason.as_deref().unwrap_or("").contains("除数为 0"));
}

#[test]
fn every_rule_has_an_outcome() {
    let r = report(&[("new_received", "total", "5")]);
    let rules = r#"
rule pass "p" { check 表三[本年新收, 总计] == 5 }
rule fail "f" { severity info
 check 表三[本年新收, 总计] == 6 }
rule skip "s" { check 表三[上年结转, 总计] == 0 }
rule guard "g" { when 表三[本年新收, 总计] > 10
 check 1 == 2 }
rule t2019 "y" { when template == 2019
 check 1 == 2 }
rule t4 "b" { for each block b in 表四 { check 表四[b, 总计] >= 0 } }
"#;
    let pack = Pack::from_text("t.gouji", rules).unwrap();
    let e = pack.evaluate(Context::of(&r));
    let got: Vec<(&str, Outcome, usize, usize)> = e.rules.iter().map(|o| (o.id.as_str(), o.outcome, o.checked, o.failed)).collect();
    use Outcome::*;
    assert_eq!(
        got,
        [
            ("pass", Passed, 1, 0),
            ("fail", Failed, 1, 1),
            ("skip", NotAssessable, 1, 0),
            ("guard", NotApplicable, 0, 0),
            ("t2019", NotApplicable, 0, 0),
            ("t4", NotApplicable, 0, 0)
        ]
    );
    let reason = |i: usize| e.rules[i].reason.clone().unwrap_or_default();
    assert!(reason(3).contains("适用条件不成立"), "{}", reason(3));
    assert!(reason(4).contains("template == 2019"), "{}", reason(4));
    assert!(reason(5).contains("表四"), "{}", reason(5));
    assert_eq!(super::outcome::summary(&e.rules), "规则 6 条：通过 1，未通过 1，无法评估 1，不适用 3");
}

#[test]
fn messages_print_numbers_for_people() {
    let r = report(&[("new_received", "total", "1"), ("carried_over", "total", "7")]);
    let rules = "rule a \"x\" { let r = 表三[本年新收, 总计] / 表三[上年结转, 总计]\n check r > 1\n message \"比例 {r:%}，原值 {r}\" }";
    let f = &Pack::from_text("t.gouji", rules).unwrap().check(&r)[0];
    assert_eq!(f.message, "比例 14.3%，原值 约 0.1429");
}

#[test]
fn round_and_count() {
    let r = report(&[("new_received", "total", "2"), ("new_received", "natural_person", "")]);
    let rules = "rule a \"x\" { check round(表三[本年新收, 总计] / 3, 2) == 0.67 }\nrule b \"y\" { check count(表三[本年新收, 自然人 .. 总计]) == 2 }";
    let (f, o) = run(rules, &r);
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(o, [Outcome::Passed, Outcome::Passed]);
}

/// Point every cell reference of `let` statements at the previous year's report: what the
/// resolver will do for `上年.表三[…]` (the cross-year issue adds only the grammar).
fn lets_read_previous(ops: &mut [crate::check::ir::Op]) {
    use crate::check::ir::{Ex, Op, Which};
    fn ex(e: &mut Ex) {
        match e {
            Ex::Cells(set) => set.report = Which::Previous,
            Ex::Call(_, args, _) => args.iter_mut().for_each(ex),
            Ex::Neg(x) | Ex::Not(x) => ex(x),
            Ex::Bin(_, a, b) => {
                ex(a);
                ex(b);
            }
            _ => {}
        }
    }
    for op in ops {
        match op {
            Op::Let(_, e) => ex(e),
            Op::ForEach { body, .. } => lets_read_previous(body),
            _ => {}
        }
    }
}

#[test]
fn a_finding_can_cite_cells_of_two_reports() {
    let this = report(&[("carried_over", "total", "1")]);
    let mut before = report(&[("carried_forward", "total", "2")]);
    before.path = "上年".into();
    before.source = Arc::from("上年报告全文");
    let rules = "rule x1 \"上年结转\" { let prev = 表三[结转下年度, 总计]\n check 表三[上年结转, 总计] == prev }";
    let mut pack = Pack::from_text("t.gouji", rules).unwrap();
    for v in &mut pack.rules[0].variants {
        lets_read_previous(v.ops.as_mut().unwrap());
    }
    // With last year's report: 1 ≠ 2, one finding citing a cell of each report.
    let e = pack.evaluate(Context { report: &this, previous: Some(&before) });
    let f = &e.findings[0];
    assert_eq!(f.class, FindingClass::ReportError);
    let cited: Vec<(usize, &str)> = f.cells.iter().map(|c| (c.report, c.row.as_str())).collect();
    assert_eq!(cited, [(0, "carried_over"), (1, "carried_forward")]);
    assert_eq!(f.sources.reports.len(), 2);
    assert_eq!(&*f.sources.reports[1].text, "上年报告全文");
    // Without it: not assessable, and the finding says why.
    let e = pack.evaluate(Context::of(&this));
    assert_eq!(e.findings[0].class, FindingClass::NotAssessable);
    assert!(e.findings[0].message.contains("没有上年报告"), "{}", e.findings[0].message);
}

#[test]
fn a_tolerance_always_loosens() {
    let r = report(&[("new_received", "total", "5")]);
    let holds = |cmp: &str| run(&format!("rule a \"x\" {{ check 表三[本年新收, 总计] {cmp} }}"), &r).0.is_empty();
    // Without a tolerance, and with one: never stricter.
    for (cmp, plain, loose) in [
        ("< 5", false, true),
        ("> 5", false, true),
        ("< 6", true, true),
        ("<= 4", false, true),
        (">= 6", false, true),
        ("== 6", false, true),
        ("!= 6", true, false),
    ] {
        assert_eq!(holds(cmp), plain, "{cmp}");
        assert_eq!(holds(&format!("{cmp} within 1")), loose, "{cmp} within 1");
    }
}

#[test]
fn template_is_compared_with_an_id_number_or_text() {
    let r = report(&[("new_received", "total", "5")]);
    let rules = "rule a \"x\" { when template == \"2021\"\n check 1 == 2 }\nrule b \"y\" { when template != 2021\n check 1 == 2 }";
    let (f, o) = run(rules, &r);
    assert_eq!(f, [FindingClass::ReportError], "rule a applies to the 2021 report");
    assert_eq!(o, [Outcome::Failed, Outcome::NotApplicable]);
}

#[test]
fn both_sides_take_a_display_format_too() {
    let r = report(&[("new_received", "total", "1"), ("carried_over", "total", "7")]);
    let rules = "rule a \"x\" { check 表三[本年新收, 总计] / 表三[上年结转, 总计] > 0.5\n message \"比例 {lhs:%}，应超过 {rhs:%}，差 {delta:.2}\" }";
    let f = &Pack::from_text("t.gouji", rules).unwrap().check(&r)[0];
    assert_eq!(f.message, "比例 14.3%，应超过 50.0%，差 -0.36");
    let bad = Pack::from_text("t.gouji", "rule a \"x\" { check 1 == 1\n message \"{count:%}\" }").expect_err("a count is no number to format");
    assert_eq!(bad.errors[0].code(), "gouji::check::message_format");
}

#[test]
fn precision_lost_is_no_number_not_zero() {
    let r = report(&[("new_received", "total", "5")]);
    let (f, _) = run("rule a \"x\" { check 0.0000000000000000000000000001 / 3 >= 0 }", &r);
    assert_eq!(f, [FindingClass::NotAssessable], "1e-28 / 3 is not 0");
    let (f, _) = run("rule a \"x\" { check 0.00000000000001 * 0.00000000000001 * 0.01 >= 0 }", &r);
    assert_eq!(f, [FindingClass::NotAssessable]);
    let (f, _) = run("rule a \"x\" { check 0 / 3 == 0 and 0 * 5 == 0 }", &r);
    assert!(f.is_empty(), "a true zero stays zero");
}

/// Findings (as JSON: everything but spans and sources) and outcomes of `rules` on `r`.
fn shown(rules: &str, r: &Report) -> (Vec<String>, Vec<String>) {
    let pack = Pack::from_text("t.gouji", rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
    let e = pack.evaluate(Context::of(r));
    let findings = e.findings.iter().map(|f| serde_json::to_string(f).expect("serialisable")).collect();
    (findings, e.rules.iter().map(|o| serde_json::to_string(o).expect("serialisable")).collect())
}

/// A 2021 表三 with every kind of cell: numbers, a negative, a fraction, a blank, a
/// placeholder, text, money units, and cells missing.
fn mixed_report() -> Report {
    report(&[
        ("new_received", "natural_person", "5"),
        ("new_received", "commercial", "-2"),
        ("new_received", "research", "1.5"),
        ("new_received", "social_org", ""),
        ("new_received", "legal_service", "/"),
        ("new_received", "other_org", "见附件"),
        ("new_received", "total", "13575394432.52元"),
        ("carried_over", "natural_person", "3万元"),
        ("carried_over", "total", "0"),
        ("granted", "natural_person", "2"),
        ("granted", "total", "4"),
        ("total_processed", "natural_person", "8"),
        ("total_processed", "commercial", ""),
        ("total_processed", "total", "4"),
        ("carried_forward", "natural_person", "0"),
    ])
}

#[test]
fn the_quick_cell_loop_decides_as_the_plain_one() {
    let r = mixed_report();
    for pred in [
        "valid(x)",
        "not valid(x)",
        "not doubtful(x)",
        "doubtful(x)",
        "not blank(x)",
        "blank(x)",
        "number(x)",
        "not number(x)",
        "marker(x)",
        "not marker(x)",
        "text(x)",
        "not text(x)",
        "present(x)",
        "not present(x)",
    ] {
        for once in ["", "report once\n"] {
            // A guard in the body keeps the loop off the quick path.
            let quick = format!("rule q \"单元格\" {{ {once}for each cell x in 表三 {{ check {pred} }} }}");
            let plain = format!("rule q \"单元格\" {{ {once}for each cell x in 表三 {{ when 1 == 1\n check {pred} }} }}");
            let got = shown(&quick, &r);
            assert!(!got.1.is_empty());
            assert_eq!(got, shown(&plain, &r), "{pred} {once}");
        }
    }
}

#[test]
fn a_failing_check_cites_the_cells_of_its_lets_as_if_written_inline() {
    let r = mixed_report();
    // Not `blank finding`: there a blank read by a `let` leaves its value absent, while one
    // read by the check itself makes a finding, so the two spellings differ by design.
    for blank in ["blank as zero", "blank skip"] {
        for (lets, inline) in [
            (
                "for each col c in 表三 { let a = 表三[本年新收, c]\n let b = 表三[上年结转, c]\n let t = 表三[（七）总计, c]\n let d = 表三[结转下年度, c]\n check a + b == t + d }",
                "for each col c in 表三 { check 表三[本年新收, c] + 表三[上年结转, c] == 表三[（七）总计, c] + 表三[结转下年度, c] }",
            ),
            (
                "for each col c in 表三 { let total = 表三[（七）总计, c]\n let parts = sum(表三[本年度办理结果, c])\n check total == parts }",
                "for each col c in 表三 { check 表三[（七）总计, c] == sum(表三[本年度办理结果, c]) }",
            ),
            (
                "for each row r in 表三 { let parts = sum(表三[r, 自然人 .. 其他])\n let s = parts + 表三[r, 总计]\n check s >= 表三[r, 总计] * 2 }",
                "for each row r in 表三 { check sum(表三[r, 自然人 .. 其他]) + 表三[r, 总计] >= 表三[r, 总计] * 2 }",
            ),
            (
                "for each col c in 表三 { let a = 表三[本年新收, c]\n for each row r in 表三 { let n = count(表三[r, 自然人 .. 总计])\n check a + n <= 表三[r, c] + 6 } }",
                "for each col c in 表三 { for each row r in 表三 { check 表三[本年新收, c] + count(表三[r, 自然人 .. 总计]) <= 表三[r, c] + 6 } }",
            ),
            (
                "let a = 表三[本年新收, 自然人] / 表三[结转下年度, 自然人]\n let b = a + 表三[本年新收, 总计]\n check b == 1\n check a == 1",
                "check 表三[本年新收, 自然人] / 表三[结转下年度, 自然人] + 表三[本年新收, 总计] == 1\n check 表三[本年新收, 自然人] / 表三[结转下年度, 自然人] == 1",
            ),
        ] {
            for once in ["", "report once\n"] {
                let rule = |body: &str| format!("rule s \"和\" {{ {blank}\n{once}{body} }}");
                let got = shown(&rule(lets), &r);
                assert!(got.0.len() > 1, "{lets}: {:?}", got.0);
                assert_eq!(got, shown(&rule(inline), &r), "{blank} {once}{lets}");
            }
        }
    }
}

#[test]
fn exact_comparisons_decide_as_the_tolerant_ones() {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let nums = ["0", "-0", "0.0", "1", "1.0", "-1", "2.50", "2.5", "79228162514264337593543950335", "-79228162514264337593543950335"];
    for a in nums.map(|n| Decimal::from_str(n).unwrap()) {
        for b in nums.map(|n| Decimal::from_str(n).unwrap()) {
            for op in [crate::syntax::ast::BinOp::Eq, crate::syntax::ast::BinOp::Ne] {
                let general = match a.checked_sub(b) {
                    None => super::Val::Absent,
                    Some(d) if op == crate::syntax::ast::BinOp::Eq => super::Val::Bool(d.abs() <= Decimal::ZERO),
                    Some(d) => super::Val::Bool(d.abs() > Decimal::ZERO),
                };
                assert_eq!(super::compare(op, &super::Val::Num(a), &super::Val::Num(b), Decimal::ZERO), general, "{a} {op:?} {b}");
            }
        }
        assert_eq!(super::cells::non_negative(a), a >= Decimal::ZERO, "{a}");
    }
}

/// Every `let` of a rule that reads cells, evaluated by the inline reading of a set laid
/// out densely (`Ctx::eval` → `Ctx::sum_dense`) and by the general one (`Ctx::eval_any`,
/// cell by cell through `cells::expand`): the same value, cause of absence and blank met,
/// under each blank policy, from this year's report and from a previous one not at hand.
#[test]
fn a_dense_set_reads_as_the_general_reading() {
    use super::{cells, Ctx, Slot};
    use crate::check::ir::{Ex, Op};
    let mut r = mixed_report();
    // A money unit in a count column: its domain is looked up by keys.
    let t3 = r.tables.get_mut("t3").expect("表三");
    let row = t3.rows.get_mut("granted").expect("granted");
    assert!(row.cells.insert("commercial", cell_from("5元", Span::new(0, 3))).is_ok());
    // The previous year's report: every kind of cell again, in the 2019 format.
    let mut before = report_in("2019", &[]);
    for (row, col, raw) in [
        ("new_received", "natural_person", "5"),
        ("new_received", "research", "1.5"),
        ("new_received", "social_org", ""),
        ("new_received", "legal_service", "/"),
        ("new_received", "other_org", "见附件"),
        ("new_received", "total", "3万元"),
        ("granted", "natural_person", "2"),
        ("other", "natural_person", "1"),
        ("other", "total", ""),
        ("total_processed", "natural_person", "3"),
    ] {
        let def = crate::template::by_id("2019").and_then(|t| t.table("t3")).expect("2019 has 表三");
        let t3 = before.tables.get_mut("t3").expect("表三");
        if !t3.rows.contains_key(row) {
            t3.add_row(def, row, row.to_string(), None).expect("2019 row");
        }
        assert!(t3.rows.get_mut(row).expect("added").cells.insert(col, cell_from(raw, Span::new(0, raw.len()))).is_ok());
    }
    let limits = crate::limits::Limits::default();
    let texts = [];
    let mut compared = 0;
    for policy in ["", "blank as zero\n", "blank finding\n", "blank skip\n"] {
        // This year's report; a previous one not at hand; the previous one at hand, in the
        // 2019 format (rows renumbered), named with `上年.` as a rule author writes it.
        for previous in ["none", "absent", "2019"] {
            let p = if previous == "2019" { "上年." } else { "" };
            let rules = format!(
                "rule q \"和\" {{ {policy}for each col c in 表三 {{ let a = {p}表三[本年新收, c]\n let b = sum({p}表三[本年度办理结果, c])\n check a == b }}\n for each row x in 表三 {{ let s = sum({p}表三[x, 自然人 .. 其他])\n let t = {p}表三[x, 总计]\n check s == t }} }}"
            );
            let mut pack = Pack::from_text("t.gouji", &rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
            if previous == "absent" {
                for v in &mut pack.rules[0].variants {
                    lets_read_previous(v.ops.as_mut().unwrap());
                }
            }
            let rule = &pack.rules[0];
            let variant = if previous == "2019" { rule.variant_pair("2021", Some("2019")) } else { rule.variant("2021") }.expect("2021");
            let views = cells::Views::new(&r, (previous == "2019").then_some(&before));
            let mut ctx = Ctx::new(&r, views, rule, &variant.template, &texts, &limits, limits.findings_per_rule);
            ctx.ptpl = variant.previous.as_deref().unwrap_or(&variant.template);
            for op in variant.ops.as_ref().expect("compiles") {
                let Op::ForEach { slot, items, body, .. } = op else { continue };
                for item in items {
                    ctx.slots[*slot] = Slot::Bound(item);
                    for op in body {
                        let Op::Let(_, ex) = op else { continue };
                        // `sum(set)` reads its set through `eval`; a lone set is read by it.
                        let set = match ex {
                            Ex::Call(_, args, _) => &args[0],
                            ex => ex,
                        };
                        assert!(matches!(set, Ex::Cells(s) if !s.ragged && (s.report == crate::check::ir::Which::Previous) == (previous != "none")));
                        // The general reading goes cell by cell: `eval_any` untraced would take
                        // the dense sum too, so it is read as a failing check reads it.
                        let mut read = |general: bool| {
                            (ctx.why, ctx.blank_hit, ctx.tracing) = (None, false, general);
                            let v = if general { ctx.eval_any(set) } else { ctx.eval(set) };
                            ctx.tracing = false;
                            ctx.trace.clear();
                            (v, ctx.why, ctx.blank_hit)
                        };
                        let (fast, general) = (read(false), read(true));
                        assert_eq!(fast, general, "{policy} previous={previous} {item:?}");
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 300, "{compared}");
}

/// A 2020 report (2019 format) whose 表三 has the given cells: the previous year of a 2021 one.
fn report_2020(cells: &[(&str, &str, &str)]) -> Report {
    let mut r = report_in("2019", cells);
    r.year = Some(2020);
    r.path = "上年".into();
    r.source = Arc::from("上年报告全文");
    r
}

/// The seven cells of a 表三 row, in column order.
fn row(key: &'static str, raw: [&'static str; 7]) -> Vec<(&'static str, &'static str, &'static str)> {
    ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"].into_iter().zip(raw).map(|(c, r)| (key, c, r)).collect()
}

const CARRY: &str = "rule x1 \"上年结转\" { blank as zero\n for each col c in 表三 { let now = 表三[上年结转, c]\n let before = 上年.表三[结转下年度, c]\n check now == before } }";

#[test]
fn a_cross_year_rule_reads_the_previous_report_in_its_own_template() {
    // 2019's 结转下年度 is row 23 of 23, 2021's row 25 of 25: the same key, other cell numbers.
    let this = report(&row("carried_over", ["2", "0", "0", "", "0", "0", "3"]));
    let before = report_2020(&row("carried_forward", ["2", "0", "", "0", "0", "0", "4"]));
    let pack = Pack::from_text("t.gouji", CARRY).unwrap_or_else(|e| panic!("{:?}", e.errors));
    assert!(pack.uses_previous());
    let e = pack.evaluate(Context { report: &this, previous: Some(&before) });
    // Blank as zero on both sides: five columns 0 = 0, 自然人 2 = 2, 总计 3 ≠ 4.
    assert_eq!((e.rules[0].outcome, e.rules[0].checked, e.rules[0].failed), (Outcome::Failed, 7, 1));
    let f = &e.findings[0];
    assert_eq!(f.binding[0].key, "total");
    let cited: Vec<(usize, &str, Option<&str>)> = f.cells.iter().map(|c| (c.report, c.row.as_str(), c.raw.as_deref())).collect();
    assert_eq!(cited, [(0, "carried_over", Some("3")), (1, "carried_forward", Some("4"))]);
    assert_eq!((f.lhs, f.rhs), (Some(3.into()), Some(4.into())));
    // Both reports' texts are at hand for the renderer, each under its own path.
    assert_eq!(f.sources.reports.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["测试", "上年"]);
    assert_eq!(&*f.sources.reports[1].text, "上年报告全文");
    // JSON names the previous report's cell, and only that one.
    let json = serde_json::to_value(f).expect("serialisable");
    assert_eq!(json["cells"][0].get("report"), None);
    assert_eq!(json["cells"][1]["report"], "prev");
    // Shown in this report's text, the previous report's cell is named with its path, not
    // underlined at its offset in the wrong text.
    let shown = crate::render::check::human("测试", &Ok((this.clone(), e.clone())), false);
    assert!(shown.contains("上年报告（上年）：上年·四、结转下年度继续办理·总计 = 4"), "{shown}");
    // The same pair the other way round (a 2019-format report after a 2021 one) reads too.
    let (mut this19, mut before21) =
        (report_2020(&row("carried_over", ["1", "0", "0", "0", "0", "0", "1"])), report(&row("carried_forward", ["1", "0", "0", "0", "0", "0", "1"])));
    (this19.path, before21.path) = ("本年".into(), "上年".into());
    let e = pack.evaluate(Context { report: &this19, previous: Some(&before21) });
    assert_eq!((e.rules[0].outcome, e.rules[0].checked), (Outcome::Passed, 7), "{:?}", e.findings);
}

#[test]
fn without_the_previous_report_a_cross_year_rule_is_not_assessable() {
    let this = report(&[("carried_over", "total", "3")]);
    let pack = Pack::from_text("t.gouji", CARRY).unwrap();
    let e = pack.evaluate(Context::of(&this));
    assert!(e.findings.is_empty(), "{:?}", e.findings);
    assert_eq!((e.rules[0].outcome, e.rules[0].checked), (Outcome::NotAssessable, 0));
    assert_eq!(e.rules[0].reason.as_deref(), Some("没有上年报告"));
    // A rule that does not apply to the report's template says so, previous or not.
    let only2019 = Pack::from_text("t.gouji", "rule y \"x\" { when template == 2019\n check 上年.表三[结转下年度, 总计] >= 0 }").unwrap();
    let e = only2019.evaluate(Context::of(&this));
    assert_eq!(e.rules[0].outcome, Outcome::NotApplicable);
    assert!(e.rules[0].reason.as_deref().unwrap_or("").contains("template == 2019"), "{:?}", e.rules[0].reason);
}

#[test]
fn a_table_missing_from_the_previous_report_is_named() {
    let this = report(&[("carried_over", "total", "3")]);
    let mut before = report_2020(&[]);
    before.tables.clear();
    let pack = Pack::from_text("t.gouji", CARRY).unwrap();
    let e = pack.evaluate(Context { report: &this, previous: Some(&before) });
    assert_eq!(e.findings.len(), 1);
    assert_eq!(e.findings[0].class, FindingClass::NotAssessable);
    assert!(e.findings[0].message.contains("上年报告中未找到表三"), "{}", e.findings[0].message);
    assert_eq!(e.rules[0].outcome, Outcome::NotAssessable);
    assert!(e.rules[0].reason.as_deref().unwrap_or("").starts_with("上年报告中未找到表三"), "{:?}", e.rules[0].reason);
}

#[test]
fn a_row_the_previous_template_lacks_is_not_assessable_never_zero() {
    // 2021's 3.其他 is no row of 2019 (there （六）其他处理 is one row): its binding cannot
    // be read in a 2019-format previous report, under any blank policy.
    let this = report(&[("other_other", "total", "0"), ("granted", "total", "1")]);
    let before = report_2020(&[("granted", "total", "1")]);
    let rules =
        "rule y \"逐行不少于上年\" { blank as zero\n for each row r in 表三[（六）其他处理 | 予以公开] { check 表三[r, 总计] >= sum(上年.表三[r, 总计]) } }";
    let pack = Pack::from_text("t.gouji", rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
    let e = pack.evaluate(Context { report: &this, previous: Some(&before) });
    let na: Vec<&str> = e.findings.iter().filter(|f| f.class == FindingClass::NotAssessable).map(|f| f.binding[0].key.as_str()).collect();
    assert_eq!(na, ["other_overdue_correction", "other_overdue_fee", "other_other"], "{:?}", e.findings);
    assert!(e.findings[0].message.contains("上年报告的格式中没有这一行或列"), "{}", e.findings[0].message);
    assert!(e.findings.iter().all(|f| f.class == FindingClass::NotAssessable), "予以公开 1 >= 1 holds");
    assert_eq!((e.rules[0].checked, e.rules[0].failed, e.rules[0].not_assessable), (4, 0, 3));
}

#[test]
fn a_quick_cell_loop_and_a_dense_sum_stay_right_beside_previous_cells() {
    // values-style quick loops over this report, and a dense sum of the previous one in
    // another template: the same findings as the plain spellings.
    let this = mixed_report();
    let before = report_2020(&[("carried_forward", "natural_person", "7"), ("carried_forward", "total", "")]);
    let both = |rules: &str| {
        let pack = Pack::from_text("t.gouji", rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
        let e = pack.evaluate(Context { report: &this, previous: Some(&before) });
        let f: Vec<String> = e.findings.iter().map(|f| serde_json::to_string(f).expect("serialisable")).collect();
        (f, e.rules.iter().map(|o| serde_json::to_string(o).expect("serialisable")).collect::<Vec<_>>())
    };
    for policy in ["", "blank as zero\n", "blank finding\n"] {
        let quick = format!("rule q \"x\" {{ {policy}for each cell x in 表三 {{ check valid(x) }}\n for each col c in 表三 {{ check sum(上年.表三[结转下年度 .. 结转下年度, c]) >= 表三[上年结转, c] }} }}");
        let plain = format!("rule q \"x\" {{ {policy}for each cell x in 表三 {{ when 1 == 1\n check valid(x) }}\n for each col c in 表三 {{ when 1 == 1\n check 上年.表三[结转下年度, c] >= 表三[上年结转, c] }} }}");
        let got = both(&quick);
        assert!(got.0.iter().any(|f| f.contains("\"report\":\"prev\"")), "{policy}: {:?}", got.0);
        assert_eq!(got, both(&plain), "{policy}");
    }
}

#[test]
fn a_guard_on_a_table_the_previous_report_lacks_stops_the_rule() {
    // The guard cannot be decided without last year's 表三: what it guards is not checked
    // (it would fail: 3 ≠ 4), the rule is not assessable and says why.
    let this = report(&[("carried_over", "total", "3")]);
    let mut before = report_2020(&[]);
    before.tables.clear();
    let rules = "rule g \"x\" { when 上年.表三[结转下年度, 总计] >= 0\n check 表三[上年结转, 总计] == 4 }";
    let pack = Pack::from_text("t.gouji", rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
    let e = pack.evaluate(Context { report: &this, previous: Some(&before) });
    assert_eq!(e.findings.iter().map(|f| f.class).collect::<Vec<_>>(), [FindingClass::NotAssessable]);
    assert_eq!((e.rules[0].outcome, e.rules[0].checked), (Outcome::NotAssessable, 0));
    // With last year's 表三 the guard holds and the check fails.
    let e = pack.evaluate(Context { report: &this, previous: Some(&report_2020(&[("carried_forward", "total", "1")])) });
    assert_eq!(e.rules[0].outcome, Outcome::Failed);
}
