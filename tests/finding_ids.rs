//! Finding ids: what a review record is keyed by, so they must stay put when the report is
//! read again (other offsets, other values) and differ between findings of one report.

mod common;

use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;

fn json(args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).arg("--format").arg("json").output().expect("run gouji");
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

/// Each report's findings: id → (rule, binding keys).
fn ids(doc: &Value) -> Vec<(String, BTreeMap<String, String>)> {
    doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let ids = r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let at: Vec<&str> = f["binding"].as_array().unwrap().iter().map(|b| b["key"].as_str().unwrap()).collect();
                    (f["id"].as_str().unwrap().to_string(), format!("{} {}", f["rule"].as_str().unwrap(), at.join(",")))
                })
                .collect();
            (r["path"].as_str().unwrap().to_string(), ids)
        })
        .collect()
}

fn assert_unique(doc: &Value) {
    for r in doc["reports"].as_array().unwrap() {
        let all: Vec<&str> = r["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
        let set: HashSet<&str> = all.iter().copied().collect();
        assert_eq!(set.len(), all.len(), "{}: two findings share an id: {all:?}", r["path"]);
        assert!(all.iter().all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())), "{all:?}");
    }
}

#[test]
fn ids_survive_reading_the_report_again_with_other_offsets_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt")).unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, &original).unwrap();
    let before = ids(&json(&["check", a.to_str().unwrap()]));
    let t4: Vec<&String> = before[0].1.keys().collect();
    assert_eq!(before[0].1.len(), 2, "{before:?}");
    // The same report re-extracted: lines added at the top (every offset moves) and the
    // failing 总计 cell's value changed (0 → 3: still wrong, other numbers).
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    // 表四 is one flat row: 行政复议 结果维持 10, 结果纠正 1, 其他结果 0, 尚未审结 0, 总计 0, ….
    let total = lines.windows(2).position(|w| w[0] == "10 |" && w[1] == "1 |").map(|i| i + 4).expect("表四's 行政复议 cells");
    assert_eq!(lines[total], "0 |", "行政复议·总计");
    lines[total] = "3 |".into();
    let moved = format!("\n\n\n{}\n", lines.join("\n"));
    std::fs::write(&a, moved).unwrap();
    let after = ids(&json(&["check", a.to_str().unwrap()]));
    assert_eq!(after[0].1.keys().collect::<Vec<_>>(), t4, "the same findings keep their ids: {after:?}");
}

#[test]
fn ids_differ_between_findings_reports_and_rules() {
    let doc = json(&["check", "examples"]);
    assert_unique(&doc);
    let all = ids(&doc);
    let every: Vec<&String> = all.iter().flat_map(|(_, m)| m.keys()).collect();
    let set: HashSet<&&String> = every.iter().collect();
    assert_eq!(set.len(), every.len(), "ids are unique across the folder's reports: {all:?}");
}

#[test]
#[ignore = "reads ../shared/corpus-raw"]
fn ids_are_unique_within_every_corpus_report() {
    let corpus = common::corpus_dir();
    let doc = json(&["check", corpus.to_str().unwrap()]);
    assert_unique(&doc);
    let findings: usize = doc["reports"].as_array().unwrap().iter().map(|r| r["findings"].as_array().unwrap().len()).sum();
    assert!(findings > 100, "the corpus has findings to tell apart: {findings}");
}

#[test]
fn reports_without_issuer_or_year_do_not_share_ids() {
    // Without the title line neither the issuer nor the year is known: the file name
    // keeps two such reports' findings apart (one review mark must not hide both).
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt")).unwrap();
    let body: String = original.lines().skip(1).map(|l| format!("{l}\n")).collect();
    for name in ["甲.txt", "乙.txt"] {
        std::fs::write(dir.path().join(name), &body).unwrap();
    }
    let doc = json(&["check", dir.path().to_str().unwrap()]);
    let reports = doc["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r["issuer"].is_null() && r["year"].is_null()), "{doc}");
    let all = ids(&doc);
    assert_eq!(all[0].1.len(), 2, "{all:?}");
    assert!(all[0].1.keys().all(|id| !all[1].1.contains_key(id)), "{all:?}");
}

#[test]
fn two_checks_over_the_same_cells_get_two_ids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pack.toml"),
        "name = \"twice\"\nversion = \"0.1.0\"\ndescription = \"同一格两次检查\"\ntemplates = [\"2021\"]\nentry = \"main.gouji\"\n",
    )
    .unwrap();
    let rule = "rule twice.same \"同一格两次检查\" {\n    severity error\n    let a = 表三[本年新收, 总计]\n    check a == 1\n    check a == 2\n    message \"本年新收总计 {a}\"\n}\n";
    std::fs::write(dir.path().join("main.gouji"), rule).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt");
    let doc = json(&["check", example.to_str().unwrap(), "--rules", dir.path().to_str().unwrap(), "--no-default-rules"]);
    let findings = doc["reports"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{doc}");
    assert_unique(&doc);
}
