//! The cross-year rules on a real pair: 洪泽区 2023 and 2024 (the same issuer), read from
//! `../shared/corpus-raw` (never copied into the repo; `#[ignore]`d like the other corpus
//! tests). X1 holds there in all seven columns (0 on both sides).

mod common;

use gouji::{Checker, Context, FindingClass, Outcome};

const COLUMNS: [&str; 7] = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"];

fn pair(checker: &Checker) -> (gouji::Report, gouji::Report) {
    let read = |name: &str| checker.read_file(common::corpus_file(name).to_str().expect("path"), None).unwrap_or_else(|e| panic!("{name}: {e}"));
    (read("010_hongze-district_2024.pdf"), read("009_hongze-district_2023.pdf"))
}

#[test]
#[ignore = "reads ../shared/corpus-raw"]
fn hongze_2024_carries_over_what_2023_carried_forward() {
    let checker = Checker::official();
    assert!(checker.uses_previous());
    let (now, before) = pair(&checker);
    assert_eq!((now.year, before.year), (Some(2024), Some(2023)));
    // The same issuer, printed as 淮安市洪泽区人民政府 in 2024 and 洪泽区人民政府 in 2023.
    assert!([&now, &before].iter().all(|r| r.issuer.as_deref().is_some_and(|i| i.contains("洪泽区"))), "{:?} {:?}", now.issuer, before.issuer);
    let e = checker.evaluate(Context { report: &now, previous: Some(&before) });
    let carry = e.rules.iter().find(|r| r.id == "xyear.carry").expect("xyear.carry");
    assert_eq!((carry.outcome, carry.checked, carry.failed, carry.not_assessable), (Outcome::Passed, 7, 0, 0), "{carry:?}");
    assert!(e.findings.iter().all(|f| f.rule != "xyear.carry"), "{:?}", e.findings.iter().filter(|f| f.rule == "xyear.carry").collect::<Vec<_>>());
    // X2 on the same pair (2021-format 表二 in both): 规章 and 行政规范性文件 carry on.
    let in_force = e.rules.iter().find(|r| r.id == "xyear.in_force").expect("xyear.in_force");
    assert_eq!((in_force.outcome, in_force.checked), (Outcome::Passed, 2), "{in_force:?}");
    // X3 is for 2019-format pairs.
    let prev_items = e.rules.iter().find(|r| r.id == "xyear.prev_items").expect("xyear.prev_items");
    assert_eq!(prev_items.outcome, Outcome::NotApplicable);
    // Without the previous report the same rule is not assessable, and says why.
    let alone = checker.evaluate(Context::of(&now));
    let carry = alone.rules.iter().find(|r| r.id == "xyear.carry").expect("xyear.carry");
    assert_eq!((carry.outcome, carry.reason.as_deref()), (Outcome::NotAssessable, Some("没有上年报告")));
}

#[test]
#[ignore = "reads ../shared/corpus-raw"]
fn a_changed_carry_over_fails_at_its_column_citing_both_reports() {
    let checker = Checker::official();
    let (mut now, before) = pair(&checker);
    // 2024's 上年结转 under 科研机构 made 2 (it is 0, as 2023's 结转下年度 is).
    let row = now.tables.get_mut("t3").and_then(|t| t.rows.get_mut("carried_over")).expect("2024 表三 上年结转");
    let cell = row.cells.get_mut("research").expect("科研机构 cell");
    assert_eq!(cell.raw.as_str(), "0");
    *cell = gouji::report::value::cell_from("2", cell.span);
    let e = checker.evaluate(Context { report: &now, previous: Some(&before) });
    let carry = e.rules.iter().find(|r| r.id == "xyear.carry").expect("xyear.carry");
    assert_eq!((carry.outcome, carry.checked, carry.failed), (Outcome::Failed, 7, 1), "{carry:?}");
    let found: Vec<&gouji::Finding> = e.findings.iter().filter(|f| f.rule == "xyear.carry").collect();
    assert_eq!(found.len(), 1);
    let f = found[0];
    assert_eq!((f.class, f.binding[0].key.as_str()), (FindingClass::ReportError, "research"));
    let cited: Vec<(usize, &str, &str, Option<&str>)> = f.cells.iter().map(|c| (c.report, c.row.as_str(), c.col.as_str(), c.raw.as_deref())).collect();
    assert_eq!(cited, [(0, "carried_over", "research", Some("2")), (1, "carried_forward", "research", Some("0"))]);
    // Each cell points into its own report's text.
    assert_eq!(f.sources.reports.len(), 2);
    assert!(f.sources.reports[0].path.ends_with("010_hongze-district_2024.pdf") && f.sources.reports[1].path.ends_with("009_hongze-district_2023.pdf"));
    let prev = &f.cells[1];
    let span = prev.span.expect("the 2023 cell has a span");
    assert_eq!(&f.sources.reports[1].text[span.offset..span.offset + span.len], "0");
    assert_eq!(f.delta, Some(2.into()));
    assert!(f.message.contains("科研机构列") && f.message.contains("差 2"), "{}", f.message);
    // The other columns still pass: one finding, at that column only.
    assert!(COLUMNS.iter().all(|c| *c == "research" || !found.iter().any(|f| f.binding[0].key == *c)));
}
