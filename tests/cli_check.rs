//! `gouji check` as a user runs it: exit codes (0 no error finding, 1 an error finding,
//! 2 could not run), extra packs with `--rules` (a directory with `pack.toml` or a single
//! `.gouji` file), `--no-default-rules`, the JSON document's fields, and a batch that goes
//! on past an unreadable report. The seed must-shows are `#[ignore]`d (they need `../shared`).

mod common;

use common::gouji;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const F: &str = "tests/fixtures/check";

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

fn fixture(name: &str) -> String {
    format!("{F}/{name}")
}

/// A scratch directory of its own per test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_check").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// One rule that fails on every fixture (行政复议 总计 is 4 there), at `severity`.
fn extra_rule(severity: &str) -> String {
    format!(
        "# 附加规则：行政复议不多于 3 件（只为测试）。\n\
         rule extra.review \"行政复议不多于 3 件\" {{\n    severity {severity}\n    check 表四[行政复议, 总计] <= 3\n}}\n"
    )
}

fn rules_of(json: &Value) -> Vec<String> {
    json["reports"][0]["findings"].as_array().expect("findings").iter().map(|f| f["rule"].as_str().unwrap_or("").to_string()).collect()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("JSON: {e}\n{}", stdout(o)))
}

// ---------------------------------------------------------------- exit codes

#[test]
fn a_consistent_report_exits_0() {
    let o = gouji(&["check", &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("小结：错误 0，警告 0，无法评估 0"), "{}", stdout(&o));
}

#[test]
fn warnings_alone_exit_0() {
    let o = gouji(&["check", &fixture("values_blank.txt")]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("⚠ [values.blank]"), "{}", stdout(&o));
}

#[test]
fn an_error_finding_exits_1() {
    let o = gouji(&["check", &fixture("o1_natural_person.txt")]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("× [t3.balance] 自然人列"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn a_rule_naming_an_unknown_row_exits_2_with_a_suggestion() {
    let o = gouji(&["check", "--rules", "tests/rules/err-unknown-row.gouji", &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("gouji::check::unknown_row"), "{err}");
    assert!(err.contains("表三中没有名为“本年新收政府信息申请”的行"), "{err}");
    assert!(err.contains("您是否指“一、本年新收政府信息公开申请数量”？"), "{err}");
    assert!(err.contains("err-unknown-row.gouji:4:18"), "pointed at line 4, column 18: {err}");
    assert!(stdout(&o).is_empty(), "no report is checked with a broken pack");
}

#[test]
fn no_rules_at_all_exits_2() {
    let o = gouji(&["check", "--no-default-rules", &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("没有可运行的规则"), "{}", stderr(&o));
}

#[test]
fn an_unreadable_report_does_not_stop_the_batch() {
    let o = gouji(&["check", &fixture("i3_twice.txt"), "tests/fixtures/check/no_such_report.txt", &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 2, "a report that could not be read means exit 2");
    let out = stdout(&o);
    assert!(out.contains("i3_twice.txt") && out.contains("[t4.block_total]"), "{out}");
    assert!(out.contains("2021_consistent.txt"), "the report after the unreadable one: {out}");
    assert!(stderr(&o).contains("no_such_report.txt"), "{}", stderr(&o));
}

#[test]
fn an_unreadable_report_in_json_has_errors_and_the_others_findings() {
    let o = gouji(&["check", "--format", "json", "tests/fixtures/check/no_such_report.txt", &fixture("i3_twice.txt")]);
    assert_eq!(code(&o), 2);
    let j = json_of(&o);
    let reports = j["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["path"], "tests/fixtures/check/no_such_report.txt");
    assert!(!reports[0]["errors"].as_array().expect("errors").is_empty());
    assert!(reports[0]["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    // Two 表四 totals, and the prose's 行政复议 and 行政诉讼 that disagree with them.
    assert_eq!(reports[1]["findings"].as_array().expect("findings").len(), 4);
}

// ---------------------------------------------------------------- packs

#[test]
fn rules_adds_a_pack_directory() {
    let dir = scratch("pack_dir");
    std::fs::write(dir.join("pack.toml"), "name = \"extra\"\nversion = \"0.1.0\"\ntemplates = [\"2021\"]\n").expect("manifest");
    std::fs::write(dir.join("main.gouji"), "include \"review.gouji\"\n").expect("entry");
    std::fs::write(dir.join("review.gouji"), extra_rule("error")).expect("rules");
    let dir = dir.to_str().expect("path");
    let o = gouji(&["check", "--format", "json", "--rules", dir, &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(rules_of(&json_of(&o)), ["extra.review"]);
    // The pack is for 2021 only: on a 2019 report the rule does not apply.
    let o = gouji(&["check", "--format", "json", "--rules", dir, &fixture("2019_consistent.txt")]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(rules_of(&json_of(&o)).is_empty());
}

#[test]
fn rules_adds_a_single_file_after_the_official_pack() {
    let dir = scratch("single_file");
    let file = dir.join("extra.gouji");
    std::fs::write(&file, extra_rule("warning")).expect("rule file");
    let o = gouji(&["check", "--format", "json", "--rules", file.to_str().expect("path"), &fixture("o1_natural_person.txt")]);
    assert_eq!(code(&o), 1, "the official error still counts");
    assert_eq!(rules_of(&json_of(&o)), ["t3.balance", "t3.balance", "extra.review"]);
    let j = json_of(&o);
    assert_eq!(j["reports"][0]["findings"][2]["severity"], "warning");
}

#[test]
fn no_default_rules_runs_only_the_given_pack() {
    let dir = scratch("no_default");
    let file = dir.join("extra.gouji");
    std::fs::write(&file, extra_rule("warning")).expect("rule file");
    let o = gouji(&["check", "--no-default-rules", "--format", "json", "--rules", file.to_str().expect("path"), &fixture("o1_natural_person.txt")]);
    assert_eq!(code(&o), 0, "only a warning without the official pack");
    assert_eq!(rules_of(&json_of(&o)), ["extra.review"]);
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_has_the_documented_fields() {
    let o = gouji(&["check", "--format", "json", &fixture("o1_natural_person.txt"), &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 1);
    let j = json_of(&o);
    let r = &j["reports"][0];
    assert_eq!(r["path"], "tests/fixtures/check/o1_natural_person.txt");
    assert_eq!(r["issuer"], "某某市青松区交通运输局");
    assert_eq!(r["year"], 2021);
    assert_eq!(r["template"], "2021");
    assert_eq!(r["errors"], Value::Array(vec![]));
    let f = &r["findings"][0];
    assert_eq!(f["rule"], "t3.balance");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["class"], "report_error");
    assert!(f["message"].as_str().is_some_and(|m| m.starts_with("自然人列：")));
    assert!(f["id"].as_str().is_some_and(|id| id.len() == 16));
    assert_eq!((f["lhs"].as_i64(), f["rhs"].as_i64(), f["delta"].as_i64()), (Some(42), Some(43), Some(-1)));
    assert_eq!(f["binding"][0]["key"], "natural_person");
    let cells = f["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 4);
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("o1_natural_person.txt"))).expect("fixture");
    for c in cells {
        for key in ["table", "row", "col", "raw", "value", "span"] {
            assert!(!c[key].is_null(), "cell field {key}: {c}");
        }
        let (at, len) = (c["span"]["offset"].as_u64().expect("offset") as usize, c["span"]["len"].as_u64().expect("len") as usize);
        assert_eq!(&source[at..at + len], c["raw"].as_str().expect("raw"), "span points at the raw text");
    }
    assert_eq!(cells[3]["row"], "carried_forward");
    assert_eq!(cells[3]["raw"], "5");
    assert_eq!(j["reports"][1]["findings"], Value::Array(vec![]));
}

// ---------------------------------------------------------------- the seed (needs ../shared)

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_exits_0_with_a_blank_warning_naming_the_cells() {
    let seed = common::seed();
    let o = gouji(&["check", seed.to_str().expect("path")]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("⚠ [values.blank]"), "{out}");
    for col in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"] {
        assert!(out.contains(&format!("（七）总计·{col} = 空白")), "{col}: {out}");
    }
    assert!(!out.contains('×'), "no error finding: {out}");
    assert!(out.contains("小结：错误 0，警告 1"), "{out}");
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_with_6_in_total_processed_exits_1() {
    let text = std::fs::read_to_string(common::seed()).expect("seed");
    let edited = text.replacen("(七)总计 |\n5 |\n", "(七)总计 |\n6 |\n", 1);
    assert_ne!(edited, text);
    let file = scratch("seed_edit").join("seed_6.txt");
    std::fs::write(&file, edited).expect("edited seed");
    let o = gouji(&["check", file.to_str().expect("path")]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("× [t3.balance] 自然人列：本年新收 5 + 上年结转 0 = 5，而（七）总计 6 + 结转下年度 0 = 6，差 -1"), "{out}");
    assert!(out.contains("× [t3.results_total] 自然人列：（七）总计 6，而各项办理结果之和为 5，差 1"), "{out}");
    assert!(out.contains("seed_6.txt:288:1]") || out.contains(" 288 │ 6 |"), "points at line 288: {out}");
    assert!(out.contains("（七）总计·自然人 = 6"), "{out}");
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_with_an_unknown_row_rule_exits_2() {
    let seed = common::seed();
    let o = gouji(&["check", "--rules", "tests/rules/err-unknown-row.gouji", seed.to_str().expect("path")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("您是否指“一、本年新收政府信息公开申请数量”？"), "{}", stderr(&o));
}

// ---------------------------------------------------------------- rule accounting

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_prints_rule_counts_and_json_has_per_rule_outcomes() {
    let seed = common::seed();
    let path = seed.to_str().expect("path");
    let out = stdout(&gouji(&["check", path]));
    // The three cross-year rules: no previous report given (2019 format: in_force is for 2021).
    // Of the fourteen prose rules, 收到 (`收到依申请公开信息5件` = 本年新收 5), §5 and the
    // publication date (2021-01-29) pass; two are for the 2021 format and nine find no
    // number they look for.
    assert!(out.contains("规则 24 条：通过 9，未通过 1，无法评估 2，不适用 12"), "{out}");
    let json = json_of(&gouji(&["check", path, "--format", "json"]));
    let rules = json["reports"][0]["rules"].as_array().expect("rules");
    let outcome = |id: &str| rules.iter().find(|r| r["id"] == id).map(|r| r["outcome"].as_str().unwrap_or("").to_string());
    assert_eq!(outcome("t3.balance").as_deref(), Some("passed"));
    assert_eq!(outcome("values.blank").as_deref(), Some("failed"));
    let balance = rules.iter().find(|r| r["id"] == "t3.balance").expect("t3.balance");
    assert_eq!(balance["checked"], 7, "one check per column of 表三");
    assert_eq!(balance["failed"], 0);
    let received = rules.iter().find(|r| r["id"] == "text.received").expect("text.received");
    assert_eq!((received["outcome"].as_str(), received["checked"].as_u64()), (Some("passed"), Some(1)), "{received}");
}

#[test]
fn json_rules_have_outcome_counts_and_reasons() {
    let o = gouji(&["check", &fixture("missing_t4.txt"), "--format", "json"]);
    let json = json_of(&o);
    let rules = json["reports"][0]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 24, "{rules:#?}");
    for r in rules {
        let outcome = r["outcome"].as_str().expect("outcome");
        assert!(["passed", "failed", "not_assessable", "not_applicable"].contains(&outcome), "{r}");
        for field in ["id", "checked", "failed", "not_assessable"] {
            assert!(!r[field].is_null(), "{field} in {r}");
        }
        assert_eq!(r["reason"].is_string(), outcome == "not_assessable" || outcome == "not_applicable", "{r}");
    }
    let t4 = rules.iter().find(|r| r["id"] == "t4.block_total").expect("t4 rule");
    assert_eq!(t4["outcome"], "not_applicable");
    assert!(t4["reason"].as_str().unwrap_or("").contains("表四"), "{t4}");
    // A cross-year rule without the previous report: not assessable, and it says why.
    let carry = rules.iter().find(|r| r["id"] == "xyear.carry").expect("xyear.carry");
    assert_eq!(carry["outcome"], "not_assessable");
    assert_eq!(carry["reason"], "没有上年报告");
    // And the prose rules whose phrases this report's prose does not use.
    let never = serde_json::json!([
        "t4.block_total",
        "xyear.prev_items",
        "text.received",
        "text.applicants",
        "text.granted",
        "text.review",
        "text.litigation",
        "text.review_results",
        "text.litigation_results",
        "text.normative_docs",
        "text.year"
    ]);
    assert_eq!(json["rules_never_applied"], never);
}

#[test]
fn a_batch_names_the_rules_that_applied_to_no_report() {
    let dir = scratch("never");
    let rules = dir.join("only2019.gouji");
    std::fs::write(&rules, "rule x.only2019 \"只查 2019 年格式\" {\n    when template == 2019\n    check 表三[本年新收, 总计] >= 0\n}\n").expect("rules");
    let a = fixture("2021_consistent.txt");
    let b = fixture("o1_natural_person.txt");
    let o = gouji(&["check", &a, &b, "--rules", rules.to_str().expect("path")]);
    let out = stdout(&o);
    assert!(out.contains("以下规则在这 2 份报告中都不适用："), "{out}");
    assert!(out.contains("x.only2019：适用条件不成立：when template == 2019"), "{out}");
    // x.only2019, xyear.prev_items (for 2019-format pairs) and the prose rules whose phrases
    // neither report's prose uses.
    assert!(out.contains("text.granted：正文中没有与“予以公开及部分公开{n}件”"), "{out}");
    assert!(out.contains("x.only2019               通过 0，未通过 0，无法评估 0，不适用 2"), "{out}");
    // With a 2019 report in the batch, the rule applied somewhere: not named.
    let c = fixture("2019_consistent.txt");
    let out = stdout(&gouji(&["check", &a, &c, "--rules", rules.to_str().expect("path")]));
    assert!(!out.contains("x.only2019："), "{out}");
}

#[test]
fn a_rule_for_one_template_warns_at_load_and_still_runs() {
    let dir = scratch("partial");
    let rules = dir.join("partial.gouji");
    std::fs::write(&rules, "rule x.other \"3.其他\" {\n    check 表三[3.其他, 总计] >= 0\n}\n").expect("rules");
    let o = gouji(&["check", &fixture("2021_consistent.txt"), "--rules", rules.to_str().expect("path")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("此规则只适用于 2021 年格式"), "{}", stderr(&o));
}

#[test]
fn the_readme_example_shows_a_real_finding() {
    // README's first command: the bundled example carries 洪泽区 2023's real 表四 error
    // (行政复议 10 + 1 + 0 + 0 with 总计 0; 复议后起诉 5 with 总计 0).
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    assert!(readme.contains("cargo run --release -- check examples/ "), "README's main command changed");
    let o = gouji(&["check", "examples/"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    // A folder: two years of one issuer, paired, and a third report; the summary at the end.
    assert!(
        out.contains("━━ examples/example-2024.txt：某某市某某区人民政府 2024 年度报告（2021 年格式）\n  上年报告：examples/example-2023.txt（2023 年）"),
        "{out}"
    );
    assert!(out.contains("━━ 汇总：文件 3 个，检查报告 3 份\n  有错误 1，仅有警告 0，无问题 2，无法读取 0；与上年报告配对 1"), "{out}");
    assert!(out.contains("× [t4.block_total] 行政复议：总计 0，而结果维持、结果纠正、其他结果、尚未审结之和为 11，差 -11"), "{out}");
    assert!(out.contains("× [t4.block_total] 复议后起诉：总计 0"), "{out}");
    assert!(out.contains("规则 24 条：通过 12，未通过 1，无法评估 2，不适用 9"), "{out}");
    assert!(out.contains("无法评估 [xyear.carry] 没有上年报告"), "{out}");
    // The pair: every cross-year rule for its template holds.
    let pair = &out[out.find("━━ examples/example-2024.txt").unwrap()..out.find("━━ examples/example.txt").unwrap()];
    assert!(pair.contains("规则 24 条：通过 15，未通过 0，无法评估 0，不适用 9"), "{pair}");
}

// ---------------------------------------------------------------- packs given wrongly

#[test]
fn the_same_rule_id_in_two_packs_is_refused() {
    // The official pack given again: every finding would be doubled under one "stable" id.
    let o = gouji(&["check", &fixture("2021_consistent.txt"), "--rules", "rules/official"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("规则包“rules/official”给了两次：它与“内置的official规则包”是同一个规则包"), "{}", stderr(&o));
}

#[test]
fn a_pack_path_that_is_no_pack_is_said_plainly() {
    let o = gouji(&["check", &fixture("2021_consistent.txt"), "--rules", "no/such/pack"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("规则包“no/such/pack”不存在"), "{}", stderr(&o));
    let o = gouji(&["test", &fixture("2021_consistent.txt")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("既不是规则文件（.gouji），也不是规则包目录"), "{}", stderr(&o));
}

#[test]
fn a_misspelled_manifest_field_is_pointed_at() {
    let dir = scratch("manifest");
    std::fs::write(dir.join("pack.toml"), "name = \"x\"\ntempaltes = [\"2021\"]\n").expect("manifest");
    std::fs::write(dir.join("main.gouji"), "rule x.a \"a\" { check 1 == 1 }\n").expect("rules");
    let o = gouji(&["check", &fixture("2021_consistent.txt"), "--rules", dir.to_str().expect("path")]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("未知的字段“tempaltes”"), "{err}");
    assert!(err.contains("2 │ tempaltes"), "pointed at its line: {err}");
}

#[test]
fn a_rule_that_did_not_run_says_why_in_human_output() {
    let dir = scratch("why_na");
    let rules = dir.join("r.gouji");
    std::fs::write(&rules, "rule x.only2019 \"只查 2019\" {\n    when template == 2019\n    check 表三[本年新收, 总计] >= 0\n}\n").expect("rules");
    let out = stdout(&gouji(&["check", &fixture("2021_consistent.txt"), "--rules", rules.to_str().expect("path")]));
    assert!(out.contains("不适用 [x.only2019] 适用条件不成立：when template == 2019"), "{out}");
}

#[test]
fn a_pack_bringing_a_new_year_warns_that_other_packs_do_not_cover_it() {
    let dir = scratch("year2030");
    std::fs::create_dir_all(dir.join("templates")).expect("dir");
    std::fs::write(dir.join("pack.toml"), "name = \"y\"\n").expect("manifest");
    std::fs::write(dir.join("main.gouji"), "rule y.a \"a\" { check 1 == 1 }\n").expect("rules");
    let t2021 = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/2021.toml")).expect("template");
    let t2030 = t2021.replacen("id = \"2021\"", "id = \"2030\"", 1).replacen("first_year = 2021", "first_year = 2030", 1);
    std::fs::write(dir.join("templates/y2030.toml"), t2030).expect("template");
    let o = gouji(&["check", &fixture("2021_consistent.txt"), "--rules", dir.to_str().expect("path")]);
    assert!(stderr(&o).contains("提示：规则包 official 不含 2030 年格式"), "{}", stderr(&o));
}
