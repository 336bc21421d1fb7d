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
    let blank = r.tables["t3"].rows.iter().flat_map(|(rk, row)| row.cells.iter().map(move |(ck, c)| (rk, ck, c))).find(|(_, _, c)| c.state == gouji::report::CellState::Blank);
    let (row, col, _) = blank.expect("the fixture has a blank t3 cell");
    let rule = |policy: &str| format!("rule a \"x\" {{ {policy}\n check t3.{row}.{col} >= 0 }}");
    use gouji::FindingClass::*;
    assert_eq!(verdicts(&rule("blank skip"), Y2019), [("a".to_string(), NotAssessable)]);
    assert!(verdicts(&rule("blank as zero"), Y2019).is_empty());
    assert_eq!(verdicts(&rule("blank finding"), Y2019), [("a".to_string(), ReportError)]);
}
