//! `gouji test` compares a snapshot exactly: the real binary on a copy of `rules/official`
//! (and on a tiny pack) where a snapshot is extended, truncated, reordered or stripped of
//! its header — each is a difference (exit 1), explained in words. `--accept` writes
//! nothing while a rule-level case fails.

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh copy of the official pack, one per test.
fn official_copy(test: &str) -> PathBuf {
    let dir = fresh_dir(test);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/official"), &dir);
    dir
}

fn fresh_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gouji-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `gouji test PACK [extra]`: exit code and stdout + stderr.
fn gouji_test(pack: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gouji")).arg("test").arg(pack).args(extra).env("NO_COLOR", "1").output().expect("run gouji");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code(), text)
}

fn edit(path: &Path, f: impl FnOnce(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let changed = f(&text);
    assert_ne!(text, changed, "the edit changes {}", path.display());
    std::fs::write(path, changed).unwrap();
}

fn snap(pack: &Path, case: &str) -> PathBuf {
    pack.join("cases").join(format!("{case}.txt.snap"))
}

/// Header (through the closing `---`) and the finding blocks of a snapshot file.
fn split(file: &str) -> (&str, Vec<&str>) {
    let end = file[4..].find("\n---\n").expect("header") + 4 + 5;
    let (header, body) = file.split_at(end);
    (header, body.split("\n\n").map(|b| b.trim_end_matches('\n')).collect())
}

fn join(header: &str, blocks: &[&str]) -> String {
    format!("{header}{}\n", blocks.join("\n\n"))
}

/// Exit 1, and every phrase in the output.
fn assert_differs(result: (Option<i32>, String), phrases: &[&str]) {
    let (code, text) = result;
    assert_eq!(code, Some(1), "{text}");
    for p in phrases {
        assert!(text.contains(p), "output lacks “{p}”:\n{text}");
    }
    assert!(text.contains("报告用例：17 个一致，1 个有差异"), "{text}");
}

const BALANCE: &str = "03-balance-fails-2021";
const DOMAIN: &str = "07-domain-fails-2019";

#[test]
fn an_unchanged_copy_passes() {
    let pack = official_copy("unchanged");
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("报告用例：18 个一致，0 个有差异"), "{text}");
    assert!(text.contains(&format!("✓ {}", pack.join("cases").join(format!("{DOMAIN}.txt")).display())), "{text}");
}

#[test]
fn a_line_appended_is_a_difference() {
    let pack = official_copy("appended");
    edit(&snap(&pack, BALANCE), |s| format!("{s}多出的一行\n"));
    assert_differs(gouji_test(&pack, &[]), &[&format!("{BALANCE}.txt：新增 0，消失 0，变化 1"), "~ 变化 [t3.balance] c=总计", "- 多出的一行"]);
}

#[test]
fn a_blank_line_and_text_appended_is_a_difference() {
    let pack = official_copy("fragment");
    edit(&snap(&pack, BALANCE), |s| format!("{s}\n备注：这不是一条结果\n"));
    assert_differs(
        gouji_test(&pack, &[]),
        &[
            &format!("{BALANCE}.txt：每条结果都与快照相同，但快照整体不一致"),
            "快照末尾有多余内容（1 处）",
            "整体差异（- 快照，+ 当前）",
            "- 备注：这不是一条结果",
        ],
    );
    // The same on a report without findings.
    let pack = official_copy("fragment-empty");
    edit(&snap(&pack, "01-consistent-2021"), |s| format!("{s}\n备注\n"));
    assert_differs(gouji_test(&pack, &[]), &["快照末尾有多余内容", "- 备注"]);
    // A bare trailing blank line too.
    let pack = official_copy("blank-line");
    edit(&snap(&pack, BALANCE), |s| format!("{s}\n"));
    assert_differs(gouji_test(&pack, &[]), &["快照的文字与当前结果有出入（空行、换行等）", "整体差异"]);
}

#[test]
fn a_truncated_snapshot_is_a_difference() {
    // The last finding dropped: the run has one the snapshot lacks.
    let pack = official_copy("dropped");
    edit(&snap(&pack, DOMAIN), |s| {
        let (header, blocks) = split(s);
        join(header, &blocks[..blocks.len() - 1])
    });
    assert_differs(gouji_test(&pack, &[]), &[&format!("{DOMAIN}.txt：新增 1，消失 0，变化 0"), "+ 新增 [values.domain]"]);
    // Cut in the middle of the last block.
    let pack = official_copy("cut");
    edit(&snap(&pack, DOMAIN), |s| {
        let (header, blocks) = split(s);
        let last = blocks[blocks.len() - 1];
        let cut = last.lines().take(3).collect::<Vec<_>>().join("\n");
        join(header, &[&blocks[..blocks.len() - 1], &[cut.as_str()]].concat())
    });
    assert_differs(
        gouji_test(&pack, &[]),
        &[
            &format!("{DOMAIN}.txt：新增 0，消失 0，变化 1"),
            "~ 变化 [values.domain] x=4.无正当理由大量反复申请·总计",
            "+   t3.not_processed_massive.total = -1",
        ],
    );
}

#[test]
fn swapped_findings_are_a_difference_named_as_the_order() {
    let pack = official_copy("swapped");
    let mut keys = Vec::new();
    edit(&snap(&pack, DOMAIN), |s| {
        let (header, mut blocks) = split(s);
        assert!(blocks.len() >= 2);
        blocks.swap(0, 1);
        keys = blocks.iter().map(|b| b.lines().next().unwrap().to_string()).collect();
        join(header, &blocks)
    });
    let result = gouji_test(&pack, &[]);
    // One of the two swapped findings moves: its key line is taken out and put back.
    let moved = keys[..2].iter().any(|k| result.1.contains(&format!("- {k}")) && result.1.contains(&format!("+ {k}")));
    assert!(moved, "{}", result.1);
    assert!(!result.1.contains("变化") || result.1.contains("变化 0"), "{}", result.1);
    assert_differs(result, &[&format!("{DOMAIN}.txt：每条结果都与快照相同，但快照整体不一致"), "结果顺序不同", "顺序差异（- 快照，+ 当前）"]);
}

#[test]
fn a_stripped_or_altered_header_is_a_difference() {
    let pack = official_copy("stripped");
    edit(&snap(&pack, BALANCE), |s| split(s).1.join("\n\n") + "\n");
    assert_differs(gouji_test(&pack, &[]), &["快照缺少文件头", "+ ---", "+ expression: \"03-balance-fails-2021.txt\""]);
    let pack = official_copy("altered");
    edit(&snap(&pack, BALANCE), |s| s.replace("expression: \"03-", "expression: \"3-"));
    assert_differs(gouji_test(&pack, &[]), &["快照文件头第 3 行应为 expression: \"03-balance-fails-2021.txt\"，实为 expression: \"3-balance-fails-2021.txt\""]);
}

/// A pack whose one rule, with no binding, fails twice on its case report: two findings
/// with the same key line `[dup.two]`.
fn same_key_pack(test: &str) -> PathBuf {
    let dir = fresh_dir(test);
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/first-pack/cases/district-2024.txt");
    std::fs::copy(report, dir.join("cases/district-2024.txt")).unwrap();
    std::fs::write(
        dir.join("pack.toml"),
        "name = \"dup\"\nversion = \"0.1.0\"\ndescription = \"同一键行的两条结果\"\ntemplates = [\"2019\", \"2021\"]\nentry = \"rules.gouji\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rules.gouji"),
        "rule dup.two \"两处检查\" {\n    severity warning\n    check 表三[予以公开, 自然人] == 0\n    check 表三[部分公开, 自然人] == 0\n}\n",
    )
    .unwrap();
    let (code, text) = gouji_test(&dir, &["--accept"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已写入 1 个快照"), "{text}");
    let file = std::fs::read_to_string(dir.join("cases/district-2024.txt.snap")).unwrap();
    let (_, blocks) = split(&file);
    assert_eq!(blocks.len(), 2);
    assert!(blocks.iter().all(|b| b.lines().next() == Some("[dup.two]")), "{blocks:?}");
    dir
}

#[test]
fn two_findings_with_the_same_key_line_never_collide() {
    // The first of the two vanishes: it is removed, and the second is not "changed".
    let pack = same_key_pack("same-key-removed");
    assert_eq!(gouji_test(&pack, &[]).0, Some(0));
    edit(&pack.join("rules.gouji"), |s| s.replace("    check 表三[予以公开, 自然人] == 0\n", ""));
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("district-2024.txt：新增 0，消失 1，变化 0"), "{text}");
    assert!(text.contains("-   t3.granted.natural_person = 86"), "{text}");
    assert!(!text.contains("~ 变化"), "{text}");
    // The second dropped from the snapshot: the run has one more, nothing changed.
    let pack = same_key_pack("same-key-added");
    edit(&snap(&pack, "district-2024"), |s| {
        let (header, blocks) = split(s);
        join(header, &blocks[..1])
    });
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("district-2024.txt：新增 1，消失 0，变化 0"), "{text}");
    assert!(text.contains("+ 新增 [dup.two]"), "{text}");
}

#[test]
fn accept_writes_nothing_while_a_rule_level_case_fails() {
    let pack = official_copy("accept-refused");
    edit(&pack.join("t4.gouji"), |s| s.replacen("given 表四[行政复议, 总计] = 2", "given 表四[行政复议, 总计] = 3", 1));
    edit(&snap(&pack, BALANCE), |s| format!("{s}多出的一行\n"));
    let snaps = || -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(pack.join("cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "snap"))
            .map(|p| (p.clone(), std::fs::read(&p).unwrap(), std::fs::metadata(&p).unwrap().modified().unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = snaps();
    assert_eq!(before.len(), 18);
    let (code, text) = gouji_test(&pack, &["--accept"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("1 个未通过"), "{text}");
    assert!(text.contains("没有写入任何快照：有规则用例未通过"), "{text}");
    assert!(!text.contains("已写入"), "{text}");
    assert!(snaps() == before, "a snapshot file was written");
    // With the case fixed, --accept writes the one that differs, and then all hold.
    edit(&pack.join("t4.gouji"), |s| s.replacen("given 表四[行政复议, 总计] = 3", "given 表四[行政复议, 总计] = 2", 1));
    let (code, text) = gouji_test(&pack, &["--accept"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已写入 1 个快照"), "{text}");
    assert_eq!(gouji_test(&pack, &[]).0, Some(0));
}

#[test]
fn windows_line_endings_are_the_same_snapshot() {
    // A checkout with autocrlf turns every `\n` into `\r\n`: still the same snapshot.
    let pack = official_copy("crlf");
    for entry in std::fs::read_dir(pack.join("cases")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "snap") {
            edit(&path, |s| s.replace('\n', "\r\n"));
        }
    }
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("报告用例：18 个一致，0 个有差异"), "{text}");
}

#[test]
fn a_byte_order_mark_is_the_same_snapshot() {
    let pack = official_copy("bom");
    edit(&snap(&pack, BALANCE), |s| format!("\u{feff}{s}"));
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn a_pair_case_is_checked_with_its_previous_report() {
    let pack = official_copy("pair");
    let case = pack.join("cases").join("13-xyear-consistent-2022.txt");
    let prev = pack.join("cases").join("13-xyear-consistent-2022.prev.txt");
    // Last year's 结转下年度 总计 1 → 2: this year's case now differs (a new X1 finding),
    // though the case file itself is unchanged.
    edit(&prev, |s| {
        s.replacen("四、结转下年度继续办理 |\n1 |\n0 |\n0 |\n0 |\n0 |\n0 |\n1 |", "四、结转下年度继续办理 |\n1 |\n0 |\n0 |\n0 |\n0 |\n0 |\n2 |", 1)
    });
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("13-xyear-consistent-2022.txt（上年报告 13-xyear-consistent-2022.prev.txt）：新增 1，消失 0，变化 0"), "{text}");
    assert!(text.contains("xyear.carry"), "{text}");
    // The previous report is no case of its own, and without it the case is a single report
    // again: the cross-year rules are not assessable, no finding, the snapshot holds.
    assert!(!text.contains(".prev.txt："), "{text}");
    std::fs::remove_file(&prev).unwrap();
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("✓ ") && text.contains("13-xyear-consistent-2022.txt：0 条结果，与快照一致"), "{text}");
    assert!(case.is_file());
    // An unreadable previous report makes the pair unreadable, named.
    std::fs::write(pack.join("cases").join("14-xyear-fails-2022.prev.txt"), "").unwrap();
    let (code, text) = gouji_test(&pack, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("14-xyear-fails-2022.prev.txt") && text.contains("无法读取"), "{text}");
}
