//! Findings a person can read, in every form: the human output and `--format short` of a
//! pipe, an HTML and a markdown finding (`tests/fixtures/render/`, self-written reports with
//! one planted error each), snapshotted; an HTML finding shows the table row as text
//! (never a `<td`), lines are cut, a sum shows its non-zero parts and counts the zeros,
//! `--verbose` shows every cell, JSON keeps every cell, and a rule's definition is shown
//! once per run. The corpus test (`#[ignore]`) breaks the real 平潭 2024 page in memory.

mod common;

use gouji::render::check::{human, human_with, short, Outcome, SeenRules, Show};
use std::path::Path;
use std::process::Command;
use unicode_width::UnicodeWidthStr;

use common::{check_bytes, check_path};

fn fixture(file: &str) -> (String, Outcome) {
    check_path(Path::new(&format!("tests/fixtures/{file}")))
}

fn findings_of(o: &Outcome) -> &[gouji::Finding] {
    &o.as_ref().expect("the report reads").1.findings
}

#[test]
fn human_snapshots() {
    insta::glob!("fixtures/render/*", |path| {
        let (name, outcome) = check_path(path);
        insta::assert_snapshot!(human(&name, &outcome, false));
    });
}

#[test]
fn short_snapshots() {
    insta::glob!("fixtures/render/*", |path| {
        let (name, outcome) = check_path(path);
        let text = short(&name, &outcome, Show::default());
        // One line per finding, nothing else.
        assert_eq!(text.lines().count(), findings_of(&outcome).len(), "{text}");
        assert!(findings_of(&outcome).iter().all(|f| f.class != gouji::FindingClass::NotAssessable));
        insta::assert_snapshot!(text);
    });
}

#[test]
fn an_html_finding_shows_the_row_as_text_not_markup() {
    let (name, outcome) = fixture("render/html_granted.html");
    let text = human(&name, &outcome, false);
    assert!(!text.contains("<td") && !text.contains("<p") && !text.contains("&nbsp;"), "{text}");
    assert!(text.lines().all(|l| l.width() <= 200), "{text}");
    // The row as text, labels then values, and the changed cell labelled.
    assert!(text.contains("三、本年度办理结果 | （一）予以公开 | 20 | 2 | 0 | 0 | 1 | 0 | 21"), "{text}");
    assert!(text.contains("╰── （一）予以公开·自然人 = 20"), "{text}");
    assert!(text.contains("html_granted.html（文字版）:29]"), "{text}");
    // JSON: spans index the rendering and keep the file's bytes beside.
    let (report, eval) = outcome.as_ref().expect("reads");
    let json = gouji::render::check::report_json(&name, &outcome);
    assert_eq!(json["span_text"]["kind"], "rendering");
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(&name)).expect("the fixture");
    let mut seen = 0;
    for (f, fj) in eval.findings.iter().zip(json["findings"].as_array().expect("findings")) {
        for (c, cj) in f.cells.iter().zip(fj["cells"].as_array().expect("cells")) {
            let Some(span) = c.span else { continue };
            assert_eq!(report.text(span), c.raw.as_deref().unwrap_or(""), "{cj}");
            let (a, len) = (cj["span"]["file_offset"].as_u64().expect("file_offset") as usize, cj["span"]["file_len"].as_u64().expect("file_len") as usize);
            assert_eq!(&bytes[a..a + len], c.raw.as_deref().unwrap_or("").as_bytes(), "{cj}");
            seen += 1;
        }
    }
    assert!(seen > 20, "{seen} cells");
}

#[test]
fn a_sum_shows_its_non_zero_parts_and_counts_the_zeros() {
    // （七）总计·自然人 40 against 21 leaves, 11 of them non-zero.
    let (name, outcome) = fixture("check/i1_total_copied.txt");
    let f = &findings_of(&outcome)[0];
    assert_eq!((f.rule.as_str(), f.cells.len()), ("t3.results_total", 22));
    let text = gouji::diagnostics::findings::finding_text(f, Show::default());
    assert!(text.contains("其余 10 项为 0"), "{text}");
    assert_eq!(text.matches("╰── ").count(), 12, "{text}");
    assert!(text.contains("（七）总计·自然人 = 40"), "{text}");
    assert!(!text.contains("·自然人 = 0"), "{text}");
    // --verbose: every cell, no count.
    let all = gouji::diagnostics::findings::finding_text(f, Show { color: false, verbose: true });
    assert!(!all.contains("其余"), "{all}");
    assert_eq!(all.matches("╰── ").count(), 22, "{all}");
    // JSON keeps every cell whatever the human output shows.
    let json = gouji::render::check::report_json(&name, &outcome);
    assert_eq!(json["findings"][0]["cells"].as_array().map(Vec::len), Some(22));
}

#[test]
fn a_zero_total_is_shown_beside_its_parts() {
    // 表四 行政复议: 10 + 1 + 0 + 0 with 总计 0 — the zero total is a side, never hidden.
    let (_, outcome) = fixture("check/i3_twice.txt");
    let f = &findings_of(&outcome)[0];
    let text = gouji::diagnostics::findings::finding_text(f, Show::default());
    assert!(text.contains("行政复议·总计 = 0") && text.contains("行政复议·结果维持 = 10"), "{text}");
    assert!(text.contains("其余 2 项为 0"), "{text}");
}

#[test]
fn a_rule_definition_is_shown_once_per_run() {
    let (name, outcome) = fixture("render/pipe_balance.txt");
    assert_eq!(findings_of(&outcome).iter().filter(|f| f.rule == "t3.balance").count(), 2);
    // Alone, a report shows it once (under the first finding of the rule).
    let one = human(&name, &outcome, false);
    assert_eq!(one.matches("规则 t3.balance 定义于此").count(), 1, "{one}");
    // In a run, the second report does not show it again.
    let mut seen = SeenRules::default();
    let first = human_with(&name, &outcome, Show::default(), &mut seen);
    let second = human_with(&name, &outcome, Show::default(), &mut seen);
    assert_eq!(first.matches("规则 t3.balance 定义于此").count(), 1, "{first}");
    assert_eq!(second.matches("定义于此").count(), 0, "{second}");
    assert!(second.contains("[t3.balance]"), "{second}");
    assert!(seen.contains("t3.balance"));
}

#[test]
fn headings_name_severity_and_class_apart() {
    let (name, outcome) = fixture("check/values_blank.txt");
    let text = human(&name, &outcome, false);
    assert!(text.contains("警告 · 报告问题 · "), "{text}");
    assert!(!text.contains("报告错误"), "a warning is not called an error: {text}");
    let (name, outcome) = fixture("render/pipe_balance.txt");
    let text = human(&name, &outcome, false);
    assert!(text.contains("错误 · 报告错误 · 表三收支平衡"), "{text}");
    for word in ["help:", "Advice", "Warning", "Error"] {
        assert!(!text.contains(word), "{word} in {text}");
    }
}

fn gouji(args: &[&str]) -> (String, i32) {
    let o = Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("runs");
    (String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr), o.status.code().unwrap_or(-1))
}

#[test]
fn the_command_line_writes_short_lines_and_shows_each_rule_once() {
    let (text, code) = gouji(&["check", "--format", "short", "tests/fixtures/render/pipe_balance.txt", "tests/fixtures/render/no-such-file.txt"]);
    assert_eq!(code, 2, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("tests/fixtures/render/pipe_balance.txt:64: 错误 t3.balance 自然人列："), "{text}");
    assert!(lines[0].ends_with("差 -1"), "{text}");
    assert!(lines[2].starts_with("tests/fixtures/render/no-such-file.txt: 无法读取："), "{text}");
    // Two reports with the same findings: the rule is shown once in the run.
    let (text, code) = gouji(&["check", "tests/fixtures/render/pipe_balance.txt", "tests/fixtures/check/o1_natural_person.txt"]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(text.matches("[t3.balance]").count(), 4, "{text}");
    assert_eq!(text.matches("规则 t3.balance 定义于此").count(), 1, "{text}");
    // Checks that could not be assessed are left out of short lines unless --verbose.
    let (quiet, _) = gouji(&["check", "--format", "short", "tests/fixtures/check/missing_t4.txt"]);
    let (verbose, _) = gouji(&["check", "--format", "short", "--verbose", "tests/fixtures/check/missing_t4.txt"]);
    assert!(!quiet.contains("无法评估"), "{quiet}");
    assert!(verbose.contains(": 提示 t4.block_total 无法评估："), "{verbose}");
    // --verbose shows every cell.
    let (quiet, _) = gouji(&["check", "tests/fixtures/check/i1_total_copied.txt"]);
    let (verbose, _) = gouji(&["check", "--verbose", "tests/fixtures/check/i1_total_copied.txt"]);
    assert!(quiet.contains("其余 10 项为 0") && !verbose.contains("其余"), "{verbose}");
    assert!(verbose.matches("╰── ").count() > quiet.matches("╰── ").count());
}

#[test]
fn rule_load_errors_say_their_advice_in_chinese() {
    let (text, code) = gouji(&["check", "--rules", "tests/rules/err-unknown-row.gouji", "tests/fixtures/render/pipe_balance.txt"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("  提示：您是否指“一、本年新收政府信息公开申请数量”？"), "{text}");
    for word in ["help:", "Advice", "Warning:", "Error:"] {
        assert!(!text.contains(word), "{word} in {text}");
    }
}

/// The real 平潭 2024 page with one 表三 number changed in memory (（一）予以公开·自然人
/// 71 → 72): the finding shows the row as text, labelled, in under 60 lines, and
/// `--format short` gives it one line.
#[test]
#[ignore]
fn corpus_pingtan_2024_html_finding_is_readable() {
    let path = common::corpus_file("html/006_pingtan_2024_page.html");
    let page = std::fs::read_to_string(&path).expect("the page");
    let clean = check_bytes("006_pingtan_2024_page.html", page.as_bytes());
    assert!(findings_of(&clean).is_empty(), "the real page passes");
    let (report, _) = clean.as_ref().expect("reads");
    let cell = report.cell("t3", "granted", "natural_person").expect("the cell");
    assert_eq!(cell.raw.as_str(), "71");
    let (a, b) = report.file_range(cell.span).expect("its place in the file");
    assert_eq!(&page[a..b], "71");
    let edited = format!("{}72{}", &page[..a], &page[b..]);
    let name = "006_pingtan_2024_page.html";
    let outcome = check_bytes(name, edited.as_bytes());
    let findings = findings_of(&outcome);
    let row = findings.iter().find(|f| f.rule == "t3.row_total").expect("the row total breaks");
    let text = gouji::diagnostics::findings::finding_text(row, Show::default()) + &gouji::diagnostics::findings::rule_text(row, false).unwrap_or_default();
    assert!(text.lines().count() < 60, "{} lines:\n{text}", text.lines().count());
    assert!(!text.contains("<td") && text.lines().all(|l| l.width() <= 200), "{text}");
    assert!(text.contains("（一）予以公开 | 72 | 0 | 0 | 0 | 0 | 0 | 71"), "{text}");
    assert!(text.contains("╰── （一）予以公开·自然人 = 72") && text.contains("╰── （一）予以公开·总计 = 71"), "{text}");
    let whole = human(name, &outcome, false);
    assert!(!whole.contains("<td") && whole.lines().all(|l| l.width() <= 200), "{whole}");
    let lines = short(name, &outcome, Show::default());
    assert_eq!(lines.lines().filter(|l| l.contains(" t3.row_total ")).count(), 1, "{lines}");
    assert_eq!(lines.lines().count(), findings.len(), "{lines}");
}
