//! Language semantics on the bundled example (2021) and a 2019 fixture: guards, tolerance,
//! names that exist in one template only, blank policies.

use std::path::Path;

fn pack(src: &str) -> Result<gouji::Pack, gouji::diagnostics::rules::RuleErrors> {
    let dir = std::env::temp_dir().join(format!("gouji-lang-{}-{}", std::process::id(), src.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rules.gouji");
    std::fs::write(&path, src).unwrap();
    gouji::Pack::load(&path)
}

fn report(rel: &str) -> gouji::Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    gouji::read_file(&path.to_string_lossy(), None).expect("fixture reads")
}

/// (rule, class) of every finding.
fn verdicts(src: &str, rel: &str) -> Vec<(String, gouji::FindingClass)> {
    let p = pack(src).unwrap_or_else(|e| panic!("{:?}", e.errors));
    p.check(&report(rel)).into_iter().map(|f| (f.rule, f.class)).collect()
}

const Y2021: &str = "examples/example.txt";
const Y2019: &str = "tests/fixtures/pipe/2019_water_bureau.txt";

#[test]
fn a_name_of_one_template_only_makes_the_rule_not_apply_elsewhere() {
    let src = "rule a \"2021 only\" { check 表三[3.其他, 总计] < 0 }\nrule b \"2019 only\" { check 表二[政府集中采购, 采购项目数量] < 0 }";
    assert_eq!(verdicts(src, Y2021), [("a".to_string(), gouji::FindingClass::ReportError)]);
    assert_eq!(verdicts(src, Y2019), [("b".to_string(), gouji::FindingClass::ReportError)]);
}

#[test]
fn a_name_of_no_template_is_an_error() {
    let e = pack("rule a \"x\" { check 表三[3.其他处理情形, 总计] < 0 }").expect_err("error");
    assert!(e.errors.iter().any(|e| e.code() == "gouji::check::unknown_row"), "{:?}", e.errors);
}

#[test]
fn guards_stop_the_rule_where_they_do_not_hold() {
    let src = "rule a \"x\" { when template == 2019\n check 1 > 2 }\nrule b \"y\" { when present(表二[政府集中采购, 采购项目数量])\n check 1 > 2 }";
    assert!(verdicts(src, Y2021).is_empty());
    let v = verdicts(src, Y2019);
    assert_eq!(v.len(), 2, "{v:?}");
}

#[test]
fn tolerance_is_inclusive() {
    let ok = "rule a \"x\" { check 表三[本年新收, 总计] == 表三[本年新收, 总计] + 1 within 1 }";
    assert!(verdicts(ok, Y2021).is_empty());
    let bad = "rule a \"x\" { check 表三[本年新收, 总计] == 表三[本年新收, 总计] + 1 within 0.5 }";
    assert_eq!(verdicts(bad, Y2021).len(), 1);
}

#[test]
fn blank_policies_differ() {
    // 2019_water_bureau has blank cells; under `blank skip` a check on one is not assessable,
    // under `blank as zero` it is assessed, under `blank finding` the blank is the finding.
    let r = report(Y2019);
    let blank = r.tables["t3"]
        .rows
        .iter()
        .flat_map(|(rk, row)| row.cells.iter().map(move |(ck, c)| (rk, ck, c)))
        .find(|(_, _, c)| c.state == gouji::report::CellState::Blank);
    let (row, col, _) = blank.expect("the fixture has a blank t3 cell");
    let rule = |policy: &str| format!("rule a \"x\" {{ {policy}\n check t3.{row}.{col} >= 0 }}");
    use gouji::FindingClass::*;
    assert_eq!(verdicts(&rule("blank skip"), Y2019), [("a".to_string(), NotAssessable)]);
    assert!(verdicts(&rule("blank as zero"), Y2019).is_empty());
    assert_eq!(verdicts(&rule("blank finding"), Y2019), [("a".to_string(), ReportError)]);
}

/// Load warnings of a pack: (code, message).
fn warnings(src: &str) -> Vec<(String, String)> {
    let p = pack(src).unwrap_or_else(|e| panic!("{:?}", e.errors));
    p.warnings.iter().map(|w| (w.code().to_string(), w.message())).collect()
}

#[test]
fn a_rule_for_some_templates_only_is_a_warning_at_the_name_unless_guarded() {
    let w = warnings("rule a \"2021 only\" { check 表三[3.其他, 总计] >= 0 }");
    assert_eq!(w, [("gouji::check::partial_templates".to_string(), "此规则只适用于 2021 年格式".to_string())]);
    let p = pack("rule a \"2021 only\" { check 表三[3.其他, 总计] >= 0 }").unwrap();
    let d: String = gouji::diagnostics::render(&p.warning_diagnostics()[0], false).split_whitespace().collect();
    assert!(d.contains("2019年格式中没有“3.其他”"), "{d}");
    assert!(d.contains("whentemplate==2021"), "{d}");
    // Said by the rule itself: no warning, and the 2019 variant is not even resolved.
    assert!(warnings("rule a \"2021 only\" { when template == 2021\n check 表三[3.其他, 总计] >= 0 }").is_empty());
    assert!(warnings("rule b \"2019 only\" { when template == 2019\n check 表二[政府集中采购, 采购项目数量] >= 0 }").is_empty());
}

#[test]
fn a_group_of_one_row_is_a_number_in_that_template() {
    // 2019 （六）其他处理 is one row: usable as a number in a 2019 rule.
    let src = "rule a \"x\" { when template == 2019\n check 表三[（六）其他处理, 总计] < 0 }";
    assert_eq!(verdicts(src, Y2019), [("a".to_string(), gouji::FindingClass::ReportError)]);
    // In 2021 it is a group of three rows: sum() needed, on both templates it then works.
    let both = "rule a \"x\" { check sum(表三[（六）其他处理, 总计]) < 0 }";
    assert_eq!(verdicts(both, Y2019).len(), 1);
    assert_eq!(verdicts(both, Y2021).len(), 1);
}

#[test]
fn rule_outcomes_tell_passed_from_never_ran() {
    let src = "rule a \"x\" { check 表三[本年新收, 总计] >= 0 }\nrule b \"y\" { when template == 2019\n check 1 == 2 }";
    let p = pack(src).unwrap();
    let e = p.evaluate(gouji::Context::of(&report(Y2021)));
    let got: Vec<(&str, gouji::Outcome)> = e.rules.iter().map(|r| (r.id.as_str(), r.outcome)).collect();
    assert_eq!(got, [("a", gouji::Outcome::Passed), ("b", gouji::Outcome::NotApplicable)]);
    assert!(e.rules[1].reason.as_deref().unwrap_or("").contains("template == 2019"), "{:?}", e.rules[1]);
}

#[test]
fn the_function_table_comes_from_the_registry_and_the_guide_shows_it() {
    let table = gouji::function_table();
    for f in ["sum(", "count(", "round(", "blank(", "valid("] {
        assert!(table.contains(f), "{f} missing from\n{table}");
    }
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/规则编写指南.md")).expect("guide");
    assert!(guide.contains(table.trim()), "the guide's function table differs from gouji::function_table():\n{table}");
}

#[test]
fn a_case_on_a_template_the_rule_does_not_run_on_fails() {
    let src = "rule a \"x\" { when template == 2021\n check 表三[本年新收, 总计] >= 表三[上年结转, 总计]\n case \"2019\" { template 2019\n others zero\n given 表三[上年结转, 总计] = 5\n expect pass } }";
    let p = pack(src).unwrap_or_else(|e| panic!("{:?}", e.errors));
    let r = gouji::testing::run(&p, false).unwrap();
    let why = r.cases[0].failure.clone().expect("the case must not pass");
    assert!(why.contains("规则在 2019 年格式上不适用"), "{why}");
}

#[test]
fn a_name_of_some_previous_templates_only_warns_per_pair_unless_guarded() {
    // 3.其他 is a row of 2021 only: read in the previous report, the rule applies to pairs
    // whose previous report is in the 2021 format.
    let src = "rule a \"x\" { check 表三[上年结转, 总计] >= 上年.表三[3.其他, 总计] }";
    let w = warnings(src);
    assert_eq!(w, [("gouji::check::partial_templates".to_string(), "此规则只适用于这些格式组合：2019（上年 2021）、2021（上年 2021）".to_string())]);
    let p = pack(src).unwrap();
    let d: String = gouji::diagnostics::render(&p.warning_diagnostics()[0], false).split_whitespace().collect();
    assert!(d.contains("whentemplate==…或when上年.template==…"), "{d}");
    let v = p.rules[0].variant_pair("2021", Some("2019")).expect("pair");
    assert!(v.ops.as_ref().is_err_and(|why| why.contains("上年报告为 2019 年格式")), "{:?}", v.ops.as_ref().err());
    assert!(warnings(&format!("rule a \"x\" {{ when 上年.template == 2021\n {} }}", &src[13..src.len() - 2])).is_empty());
    // No pair at all: an error, with did-you-mean from the previous templates' labels.
    let e = pack("rule a \"x\" { check 上年.表三[3.其它, 总计] >= 0 }").expect_err("no template has it");
    assert_eq!(e.errors[0].code(), "gouji::check::unknown_row");
}

#[test]
fn a_cross_year_rule_is_compiled_per_pair_and_says_it_reads_the_previous_report() {
    let p = pack("rule a \"x\" { for each col c in 表三 { check 表三[上年结转, c] == 上年.表三[结转下年度, c] } }").unwrap();
    assert!(p.uses_previous());
    let pairs: Vec<(String, Option<String>)> = p.rules[0].variants.iter().map(|v| (v.template.id.clone(), v.previous.as_ref().map(|t| t.id.clone()))).collect();
    let want: Vec<(String, Option<String>)> =
        [("2019", "2019"), ("2019", "2021"), ("2021", "2019"), ("2021", "2021")].iter().map(|(a, b)| (a.to_string(), Some(b.to_string()))).collect();
    assert_eq!(pairs, want);
    assert!(!pack("rule a \"x\" { check 表三[上年结转, 总计] >= 0 }").unwrap().uses_previous());
    assert!(gouji::Checker::official().uses_previous());
    let plain = gouji::Checker::new(vec![pack("rule a \"x\" { check 表三[上年结转, 总计] >= 0 }").unwrap()]).unwrap();
    assert!(!plain.uses_previous());
}

#[test]
fn cases_of_a_cross_year_rule_give_last_years_cells_or_none() {
    let rule = |cases: &str| {
        format!("rule x \"上年结转\" {{ blank as zero\n for each col c in 表三 {{ check 表三[上年结转, c] == 上年.表三[结转下年度, c] }}\n {cases} }}")
    };
    let failures = |cases: &str| -> Vec<String> {
        let p = pack(&rule(cases)).unwrap_or_else(|e| panic!("{:?}", e.errors));
        gouji::testing::run(&p, false).unwrap().cases.iter().filter_map(|c| c.failure.clone()).collect()
    };
    // `others zero` fills the previous report too when the case has one.
    assert!(failures("case \"a\" { template 2021\n others zero\n given 上年.表三[结转下年度, 总计] = 0\n expect pass }").is_empty());
    // Without any previous cell or template: no previous report, not assessable.
    let f = failures("case \"b\" { template 2021\n others zero\n expect pass }");
    assert!(f.len() == 1 && f[0].contains("没有上年报告"), "{f:?}");
    assert!(failures("case \"c\" { template 2021\n 没有上年\n expect skip }").is_empty());
    // A previous template of its own, and a failure where the two reports differ.
    assert!(failures("case \"d\" { template 2021\n previous template 2019\n others zero\n given 上年.表三[结转下年度, 总计] = 2\n expect fail at 总计 }")
        .is_empty());
    assert!(failures("case \"e\" { 上年格式 2019\n others zero\n given 表三[上年结转, 自然人] = 1\n expect fail at 自然人 }").is_empty());
    // A previous template that is no template of the pack is a load error.
    let e = pack(&rule("case \"f\" { template 2021\n previous template 2020\n expect pass }")).expect_err("2020 is no template");
    assert_eq!(e.errors[0].code(), "gouji::check::case");
    // A given of the previous report that is no cell of its template is a load error too.
    let e =
        pack(&rule("case \"g\" { template 2021\n previous template 2019\n given 上年.表三[3.其他, 总计] = 1\n expect pass }")).expect_err("2019 has no 3.其他");
    assert_eq!(e.errors[0].code(), "gouji::check::case");
}

#[test]
fn a_failing_pair_case_says_both_templates() {
    let src = "rule x \"上年结转\" { blank as zero\n check 表三[上年结转, 总计] == 上年.表三[结转下年度, 总计]\n case \"错\" { template 2021\n previous template 2019\n others zero\n given 上年.表三[结转下年度, 总计] = 2\n expect pass } }";
    let p = pack(src).unwrap();
    let r = gouji::testing::run(&p, false).unwrap();
    assert_eq!(r.cases.len(), 1);
    assert_eq!(r.cases[0].template, "2021 年格式，上年 2019");
    assert!(r.cases[0].failure.as_deref().is_some_and(|f| f.contains("预期通过，实际失败")), "{:?}", r.cases[0].failure);
    let shown = gouji::render::test::human(&p, &r, false);
    assert!(shown.contains("用例“错”（2021 年格式，上年 2019 年格式）未通过"), "{shown}");
}
