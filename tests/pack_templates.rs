//! A pack that brings its own table: `templates/dept.toml` adds 表五 to both embedded
//! templates; the pack's rule over 表五, its rule-level cases and a report case are run by
//! `gouji check`, `gouji parse` and `gouji test` — no Rust involved. A mistake in the
//! pack's template file stops the pack, pointed at its line.

mod common;

use common::gouji;
use std::path::{Path, PathBuf};
use std::process::Output;

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates").join(name)).expect("fixture")
}

const RULES: &str = r#"# 部门自有规则：表五每行合计 = 电话 + 网络。
rule t5.row_total "表五各行：合计 = 电话 + 网络" {
    severity error
    blank as zero
    for each row r in 表五 {
        check 表五[r, 合计] == 表五[r, 电话] + 表五[r, 网络]
    }
    message "{r}：合计 {lhs}，电话 + 网络 = {rhs}，差 {delta}"

    case "各行平衡" {
        others zero
        given 表五[1.政策咨询, 电话] = 12
        given 表五[1.政策咨询, 网络] = 30
        given 表五[1.政策咨询, 合计] = 42
        expect pass
    }
    case "投诉合计错" {
        others zero
        given 表五[二、投诉, 电话] = 3
        given 表五[二、投诉, 合计] = 4
        expect fail at 投诉
    }
}
"#;

/// A pack folder with the department template, its rule and one report case whose
/// 投诉 row does not add up (3 + 4 ≠ 8).
fn dept_pack(name: &str, template: &str) -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pack_templates").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).expect("dir");
    std::fs::create_dir_all(dir.join("cases")).expect("dir");
    std::fs::write(dir.join("pack.toml"), "name = \"dept\"\nentry = \"main.gouji\"\n").expect("manifest");
    std::fs::write(dir.join("templates/dept.toml"), template).expect("template");
    std::fs::write(dir.join("main.gouji"), RULES).expect("rules");
    let report = fixture("dept_2021.txt");
    let bad = report.replacen("二、投诉 |\n3 |\n4 |\n7 |", "二、投诉 |\n3 |\n4 |\n8 |", 1);
    assert_ne!(bad, report, "the fixture's 投诉 row moved");
    let case = dir.join("cases/dept-error.txt");
    std::fs::write(&case, bad).expect("case");
    (dir, case)
}

#[test]
fn check_finds_a_planted_error_in_the_packs_own_table() {
    let (dir, case) = dept_pack("check", &fixture("dept.toml"));
    let o = gouji(&["check", case.to_str().unwrap(), "--rules", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("× [t5.row_total] 二、投诉：合计 8，电话 + 网络 = 7，差 1"), "{text}");
    assert!(text.contains("二、投诉·合计 = 8"), "the cell is pointed at: {text}");
    // The official pack runs beside it on the same report, which is consistent.
    assert!(!text.contains("[t3."), "{text}");
    // The same report read without the pack has no 表五 and the pack rule is absent.
    let plain = gouji(&["check", case.to_str().unwrap()]);
    assert_eq!(plain.status.code(), Some(0), "{}", out(&plain));
    let json = gouji(&["check", case.to_str().unwrap(), "--rules", dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let f = &v["reports"][0]["findings"][0];
    assert_eq!(f["rule"], "t5.row_total");
    assert_eq!(f["cells"][0]["table"], "t5");
    assert_eq!(f["cells"][0]["row"], "complaints");
    assert_eq!(f["delta"], 1);
}

#[test]
fn parse_reads_the_packs_own_table() {
    let (dir, case) = dept_pack("parse", &fixture("dept.toml"));
    let o = gouji(&["parse", case.to_str().unwrap(), "--rules", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["tables"]["t5"]["consult_policy"]["web"]["raw"], "30");
    assert_eq!(v["tables"]["t5"]["consult_service"]["web"]["state"], "marker");
    let human = out(&gouji(&["parse", case.to_str().unwrap(), "--rules", dir.to_str().unwrap()]));
    assert!(human.contains("表五（部门自有统计"), "{human}");
}

#[test]
fn gouji_test_runs_the_cases_and_the_report_snapshot() {
    let (dir, _) = dept_pack("test", &fixture("dept.toml"));
    let pack = dir.to_str().unwrap();
    let first = gouji(&["test", pack]);
    assert_eq!(first.status.code(), Some(1), "no snapshot yet: {}", out(&first));
    assert!(out(&first).contains("规则用例：4 个通过，0 个未通过"), "2 cases × 2 templates: {}", out(&first));
    let accept = gouji(&["test", pack, "--accept"]);
    assert_eq!(accept.status.code(), Some(0), "{}", out(&accept));
    let snap = std::fs::read_to_string(dir.join("cases/dept-error.txt.snap")).expect("snapshot written");
    assert!(snap.contains("[t5.row_total] r=二、投诉"), "{snap}");
    assert!(snap.contains("t5.complaints.total = 8"), "{snap}");
    let again = gouji(&["test", pack]);
    assert_eq!(again.status.code(), Some(0), "{}", out(&again));
    assert!(out(&again).contains("报告用例：1 个一致，0 个有差异"), "{}", out(&again));
}

#[test]
fn a_mistake_in_the_packs_template_stops_the_pack_pointed_at_its_line() {
    let broken = fixture("dept.toml").replace("group = \"consult\" },\n  { key = \"complaints\"", "group = \"consul\" },\n  { key = \"complaints\"");
    assert_ne!(broken, fixture("dept.toml"));
    let (dir, case) = dept_pack("broken", &broken);
    let o = gouji(&["check", case.to_str().unwrap(), "--rules", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("gouji::template::dangling_group"), "{text}");
    assert!(text.contains("templates/dept.toml"), "{text}");
    assert!(text.contains("consul"), "the offending line is shown: {text}");
}
