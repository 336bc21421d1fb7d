//! Rules on the prose (`正文[…]`): misuse is a load error pointed at its place; numbers of
//! the prose are compared with the table, a sentence of another scope is set aside with
//! its reason, and findings cite the sentence beside the cells. Official T-rules on real
//! reports (corpus tests, ignored without `../shared`).

mod common;

use gouji::render::check::Outcome;
use gouji::FindingClass;
use std::path::Path;

fn pack(name: &str, src: &str) -> Result<gouji::Pack, gouji::diagnostics::rules::RuleErrors> {
    let dir = std::env::temp_dir().join(format!("gouji-prose-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rules.gouji");
    std::fs::write(&path, src).unwrap();
    gouji::Pack::load(&path)
}

/// The load errors of a rule file, as (code, message, the text they point at).
fn errors(name: &str, src: &str) -> Vec<(String, String, String)> {
    let e = pack(name, src).expect_err("a load error");
    e.errors.iter().map(|e| (e.code().to_string(), e.message(), src.get(e.span.start..e.span.end).unwrap_or("").to_string())).collect()
}

fn one_error(name: &str, src: &str) -> (String, String, String) {
    let all = errors(name, src);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().unwrap()
}

#[test]
fn an_unknown_section_is_pointed_at_with_the_nearest_one() {
    let (code, message, at) = one_error("section", "rule a \"x\" { for each fact n in 正文[总体状况, \"收到…{n}件\"] { check n >= 0 } }");
    assert_eq!(code, "gouji::check::unknown_section");
    assert_eq!(at, "总体状况");
    assert_eq!(message, "报告中没有“总体状况”这一部分");
    let e = pack("section2", "rule a \"x\" { for each fact n in 正文[总体状况, \"收到…{n}件\"] { check n >= 0 } }").expect_err("error");
    let help = e.errors[0].help().unwrap_or_default();
    assert!(help.starts_with("您是否指“总体情况”？"), "{help}");
}

#[test]
fn sections_are_named_by_title_number_or_ordinal() {
    for name in ["总体情况", "一、总体情况", "1", "一", "第一部分"] {
        let src = format!("rule a \"x\" {{ for each fact n in 正文[{name}, \"收到…{{n}}件\"] {{ check n >= 0 }} }}");
        assert!(pack(&format!("sec{}", name.len()), &src).is_ok(), "{name}");
    }
}

#[test]
fn phrase_mistakes_are_load_errors_at_the_phrase() {
    let (_, message, at) = one_error("nohole", "rule a \"x\" { for each fact n in 正文[总体情况, \"收到申请\"] { check n >= 0 } }");
    assert_eq!((message.contains("没有标出数字的位置"), at.as_str()), (true, "收到申请"), "{message}");
    let (_, message, _) = one_error("hole", "rule a \"x\" { for each fact n in 正文[总体情况, \"收到{m}件\"] { check n >= 0 } }");
    assert!(message.contains("不是循环变量 n"), "{message}");
    let (_, message, _) = one_error("bare", "rule a \"x\" { for each fact n in 正文[总体情况, \"{n}件\"] { check n >= 0 } }");
    assert!(message.contains("会与每个数字相符"), "{message}");
}

#[test]
fn prose_used_as_a_number_or_cells_as_prose_is_a_type_error() {
    let (_, message, at) = one_error("arith", "rule a \"x\" { check 正文[总体情况, \"收到…{n}件\"] == 表三[本年新收, 总计] }");
    assert!(message.contains("是正文中的一组数字"), "{message}");
    assert!(at.starts_with("正文[总体情况"), "{at}");
    let (_, message, _) = one_error("len", "rule a \"x\" { check length(表三[本年新收, 总计]) > 0 }");
    assert!(message.contains("length 的参数必须是一部分正文"), "{message}");
    let (_, message, _) = one_error("sum", "rule a \"x\" { check 正文[总体情况] + 1 > 0 }");
    assert!(message.contains("正文不能参与计算"), "{message}");
    let (_, message, _) = one_error("col", "rule a \"x\" { for each col c in 正文[总体情况, \"收到…{c}件\"] { check 1 > 0 } }");
    assert!(message.contains("只能用 for each fact 遍历"), "{message}");
    let (_, message, _) = one_error("facttable", "rule a \"x\" { for each fact n in 表三 { check n > 0 } }");
    assert!(message.contains("范围应是 正文[…]"), "{message}");
    let (_, message, _) = one_error("two", "rule a \"x\" { check length(正文[总体情况 | 全文]) > 0 }");
    assert!(message.contains("要一个部分的正文"), "{message}");
}

#[test]
fn a_prose_rule_is_a_warning_unless_it_says_otherwise() {
    let report = gouji::read_file(&root().join("rules/official/cases/16-text-granted-differs-2021.txt").to_string_lossy(), None).unwrap();
    let src = "rule a \"x\" { for each fact n in 正文[总体情况, \"予以公开{n}件\"] { check n == 表三[（一）予以公开, 总计] } }\n\
               rule b \"y\" { severity error\n for each fact n in 正文[总体情况, \"予以公开{n}件\"] { check n == 表三[（一）予以公开, 总计] } }";
    let found = pack("severity", src).unwrap().check(&report);
    let got: Vec<(&str, gouji::syntax::ast::Severity)> = found.iter().map(|f| (f.rule.as_str(), f.severity)).collect();
    assert_eq!(got, [("a", gouji::syntax::ast::Severity::Warning), ("b", gouji::syntax::ast::Severity::Error)]);
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn official(rel: &str) -> (gouji::Report, gouji::Evaluation) {
    let (_, outcome): (String, Outcome) = common::check_path(&root().join(rel));
    outcome.expect("reads")
}

#[test]
fn a_narrative_that_differs_from_the_table_is_a_warning_at_the_sentence_and_the_cells() {
    let (report, e) = official("rules/official/cases/16-text-granted-differs-2021.txt");
    let f: Vec<&gouji::Finding> = e.findings.iter().filter(|f| f.rule.starts_with("text.")).collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    let f = f[0];
    assert_eq!((f.rule.as_str(), f.class, f.severity), ("text.granted", FindingClass::ReportError, gouji::syntax::ast::Severity::Warning));
    let [ev] = f.evidence.as_slice() else { panic!("one sentence cited: {:#?}", f.evidence) };
    assert_eq!((ev.kind, ev.section, ev.raw.as_deref()), ("text", 1, Some("13件")));
    assert_eq!(report.text(ev.span.unwrap()), "13件");
    assert!(report.text(ev.sentence.unwrap()).contains("其中予以公开13件"), "{}", ev.text);
    let cells: Vec<String> = f.cells.iter().map(|c| format!("{}.{}.{}={}", c.table, c.row, c.col, c.raw.as_deref().unwrap_or(""))).collect();
    assert_eq!(cells, ["t3.granted.total=10", "t3.partial_grant.total=2"]);
    // In JSON beside the cells.
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["evidence"][0]["kind"], "text");
    assert_eq!(json["evidence"][0]["section"], 1);
    assert!(json["evidence"][0]["span"]["offset"].is_u64(), "{json}");
    // The same report's other restated numbers hold: 收到 19, 办结 19, 1 件结转下年度.
    let passed = |id: &str| e.rules.iter().find(|r| r.id == id).map(|r| (r.outcome, r.checked));
    for id in ["text.received", "text.processed", "text.carried_forward"] {
        assert_eq!(passed(id), Some((gouji::Outcome::Passed, 1)), "{id}");
    }
}

#[test]
fn county_wide_filings_that_differ_from_table_four_are_set_aside_saying_why() {
    let (_, e) = official("rules/official/cases/17-text-county-wide-2021.txt");
    let f: Vec<&gouji::Finding> = e.findings.iter().filter(|f| f.rule.starts_with("text.")).collect();
    assert_eq!(f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(), ["text.review", "text.litigation"]);
    for f in &f {
        assert_eq!((f.class, f.severity), (FindingClass::SetAside, gouji::syntax::ast::Severity::Info), "{}", f.message);
        assert!(f.message.starts_with("口径不同，未作判断：") && f.message.contains("句中有“全县”"), "{}", f.message);
        assert!(f.evidence[0].text.contains("备案"), "{}", f.evidence[0].text);
    }
    // Not a failure of the report: no error, no warning, and the 本局 sentence (1 件) holds.
    assert!(e.findings.iter().all(|f| !f.class.is_failure()), "{:#?}", e.findings);
    let review = e.rules.iter().find(|r| r.id == "text.review").unwrap();
    assert_eq!((review.outcome, review.checked, review.failed), (gouji::Outcome::NotAssessable, 2, 0));
}

#[test]
fn the_deadline_is_checked_only_where_the_report_states_its_date_and_kind() {
    let outcome = |rel: &str| {
        let (_, e) = official(rel);
        let o = e.rules.into_iter().find(|r| r.id == "text.deadline").unwrap();
        (o.outcome, o.failed)
    };
    // A department's 2022 report published 2023-01-22, then 2023-02-20 (after 1月31日).
    assert_eq!(outcome("rules/official/cases/01-consistent-2021.txt"), (gouji::Outcome::Passed, 0));
    assert_eq!(outcome("rules/official/cases/18-text-all-differ-2021.txt"), (gouji::Outcome::Failed, 1));
    // A 镇人民政府: the law sets no date for it.
    assert_eq!(outcome("rules/official/cases/03-balance-fails-2021.txt"), (gouji::Outcome::NotApplicable, 0));
}

// ---------------------------------------------------------------- real reports

#[test]
#[ignore = "needs ../shared/seeds"]
fn the_seed_states_five_applications_and_the_rule_passes() {
    let (_, outcome) = common::check_path(&common::seed());
    let (_, e) = outcome.expect("seed reads");
    let received = e.rules.iter().find(|r| r.id == "text.received").unwrap();
    assert_eq!((received.outcome, received.checked, received.failed), (gouji::Outcome::Passed, 1, 0));
    assert!(e.findings.iter().all(|f| !f.rule.starts_with("text.")), "{:#?}", e.findings);
}

#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn huaian_2024_restates_its_tables_and_every_t_rule_holds() {
    let (_, outcome) = common::check_path(&common::corpus_file("008_huaian-city_2024.pdf"));
    let (r, e) = outcome.expect("008 reads");
    // 受理 3119 = 本年新收, 答复 3050 = （七）总计, 103 顺延 = 结转下年度, 行政复议 351,
    // 行政诉讼 46 = 26 + 20: each found once in the prose and holding.
    for id in ["text.received", "text.processed", "text.carried_forward", "text.review", "text.litigation"] {
        let o = e.rules.iter().find(|o| o.id == id).unwrap();
        assert_eq!((o.outcome, o.checked, o.failed), (gouji::Outcome::Passed, 1, 0), "{id}: {:?}", o.reason);
    }
    // And the parts: 复议 维持 72、纠正 64、其他 178、尚未审结 37; 诉讼 25 = 13 + 12, 5, 9, 7.
    for id in ["text.review_results", "text.litigation_results"] {
        let o = e.rules.iter().find(|o| o.id == id).unwrap();
        assert_eq!((o.outcome, o.checked, o.failed), (gouji::Outcome::Passed, 4, 0), "{id}: {:?}", o.reason);
    }
    assert!(e.findings.iter().all(|f| !f.rule.starts_with("text.")), "{:#?}", e.findings);
    // The numbers the rules read are the prose's own: 3119 stands in §1 after 受理…申请.
    let s1 = r.sections.iter().find(|s| s.number == 1).unwrap();
    let values: Vec<String> = s1.facts.iter().map(|f| f.value.to_string()).collect();
    for v in ["3119", "3050", "103", "351", "46"] {
        assert!(values.iter().any(|x| x == v), "{v} in {values:?}");
    }
    let t3 = |row: &str| r.tables["t3"].rows[row].cells.get("total").and_then(|c| c.value).unwrap().to_string();
    assert_eq!((t3("new_received"), t3("total_processed"), t3("carried_forward")), ("3119".into(), "3050".into(), "103".into()));
}
