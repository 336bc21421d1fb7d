//! The `gouji` binary on input that is not a good report: empty, binary, not a report,
//! missing, GBK-encoded, huge. Errors exit 2 with a clear message and never a panic;
//! reports exit 0; `--format json` prints valid JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A fresh directory under the system temp dir for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gouji-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn gouji(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).output().expect("run gouji")
}

fn parse(path: &Path, json: bool) -> Output {
    let path = path.to_str().expect("utf-8 path");
    if json {
        gouji(&["parse", path, "--format", "json"])
    } else {
        gouji(&["parse", path])
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code 2, no panic, and the message names the file and says `expected`.
fn assert_clear_error(out: &Output, file: &str, expected: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(file), "the message names the file: {err}");
    assert!(err.contains(expected), "expected “{expected}” in: {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout for an error");
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipe").join(name)
}

#[test]
fn empty_file() {
    let dir = temp_dir("empty");
    for (name, bytes) in [("empty.txt", &b""[..]), ("spaces.txt", &b"  \n\n\t \r\n"[..])] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_clear_error(&parse(&path, false), name, "文件为空");
        assert_clear_error(&parse(&path, true), name, "文件为空");
    }
}

#[test]
fn binary_file() {
    let dir = temp_dir("binary");
    let path = dir.join("noise.bin");
    // Deterministic pseudo-random bytes with NULs in them.
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..65536)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 97 == 0 {
                0
            } else {
                (x >> 24) as u8
            }
        })
        .collect();
    std::fs::write(&path, bytes).unwrap();
    assert_clear_error(&parse(&path, false), "noise.bin", "不是文本文件");
}

#[test]
fn text_that_is_not_a_report() {
    let dir = temp_dir("not-report");
    let path = dir.join("notes.txt");
    std::fs::write(&path, "周一开会讨论食堂菜单。\n周二整理档案室。\n周三无事。\n").unwrap();
    assert_clear_error(&parse(&path, false), "notes.txt", "未找到年度报告的章节或表格");
}

#[test]
fn missing_path() {
    let dir = temp_dir("missing");
    let path = dir.join("no-such-report.txt");
    assert_clear_error(&parse(&path, false), "no-such-report.txt", "无法读取文件");
}

#[test]
fn no_arguments_is_a_usage_error() {
    let out = gouji(&["parse"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn report_exits_0_and_json_is_valid() {
    let out = parse(&fixture("2021_district_gov.txt"), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["year"], 2021);
    assert_eq!(json["tables"]["t3"]["new_received"]["total"]["raw"], "147");
    let human = parse(&fixture("2021_district_gov.txt"), false);
    assert_eq!(human.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&human.stdout).contains("表三（收到和处理政府信息公开申请情况，2021 年格式）"));
}

#[test]
fn incomplete_report_exits_0_with_diagnostics() {
    let out = parse(&fixture("truncated_in_t3.txt"), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let codes: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"import.missing_row") && codes.contains(&"import.missing_table"), "{codes:?}");
}

/// The same report in GBK reads to the same cells and metadata as in UTF-8.
#[test]
fn gbk_encoded_report() {
    let dir = temp_dir("gbk");
    let utf8 = std::fs::read_to_string(fixture("2019_water_bureau.txt")).unwrap();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&utf8);
    assert!(!lossy, "fixture is GBK-encodable");
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let path = dir.join("gbk.txt");
    std::fs::write(&path, &gbk).unwrap();
    let out = parse(&path, true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let gbk_json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let utf8_json: serde_json::Value = serde_json::from_slice(&parse(&fixture("2019_water_bureau.txt"), true).stdout).unwrap();
    assert_eq!(gbk_json["issuer"], "某某市某某区水务局");
    assert_eq!(gbk_json["year"], 2020);
    assert_eq!(gbk_json["form"], "pipe");
    assert_eq!(gbk_json["tables"]["t2"]["licensing"]["change"]["raw"], "-2");
    // Spans point into the decoded text, so only the values are compared.
    let raws = |j: &serde_json::Value| -> Vec<String> {
        let mut v = Vec::new();
        for (t, table) in j["tables"].as_object().unwrap() {
            for (r, row) in table.as_object().unwrap() {
                for (c, cell) in row.as_object().unwrap() {
                    v.push(format!("{t}.{r}.{c}={}", cell["raw"]));
                }
            }
        }
        v
    };
    assert_eq!(raws(&gbk_json), raws(&utf8_json));
    assert_eq!(raws(&gbk_json).len(), 161 + 22 + 15);
}

/// About 50 MB of pipe lines and prose: finishes in seconds, no panic, says it read only part.
#[test]
fn huge_file_finishes_without_panic() {
    let dir = temp_dir("huge");
    let path = dir.join("huge.txt");
    let block = "第二十条第(一)项 |\n12 |\n|\n这是一行用来撑大文件的说明文字。\n".repeat(1000);
    let mut text = String::with_capacity(50 << 20);
    text.push_str("某某县某某局2021年政府信息公开工作年度报告\n");
    while text.len() < 50 << 20 {
        text.push_str(&block);
    }
    std::fs::write(&path, &text).unwrap();
    let start = Instant::now();
    let out = parse(&path, true);
    let took = start.elapsed();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let codes: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"import.too_many_rows"), "{codes:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Words of clap's own English that must never reach a user.
const ENGLISH: &[&str] =
    &["Usage", "Options", "Commands", "Arguments", "Print help", "error:", "For more information", "possible values", "default:", "[OPTIONS]", "<REPORTS>"];

fn all_output(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn help_is_in_chinese() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["test", "--help"],
        &["parse", "--help"],
        &["help"],
        &["help", "check"],
        &["review", "--help"],
        &["review", "dismiss", "--help"],
        &["review", "list", "--help"],
    ] {
        let o = gouji(args);
        let text = all_output(&o);
        for word in ENGLISH {
            assert!(!text.contains(word), "{args:?}: “{word}” in\n{text}");
        }
        assert_eq!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(text.contains("用法："), "{args:?}: {text}");
    }
    assert!(all_output(&gouji(&["check", "--help"]))
        .contains("输出格式：human（默认，供人阅读）、json、jsonl（每行一份报告）、csv（每行一个问题，供电子表格）、short（每条结果一行：文件:行: 级别 规则 说明）或 html（网页报告，写入 --output 目录）"));
    assert!(all_output(&gouji(&["check", "--help"])).contains("--verbose"));
    assert!(all_output(&gouji(&["parse", "--help"])).contains("输出格式：human（默认，供人阅读）或 json"));
}

#[test]
fn command_line_mistakes_are_said_in_chinese_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&[], "缺少命令：check、review、test 或 parse"),
        (&["review", "dismiss", "0123456789abcdef"], "缺少参数：--comment <原因>"),
        (&["check"], "缺少参数：<报告>"),
        (&["frob"], "未知的命令“frob”"),
        (&["check", "x.txt", "--bogus"], "未知的选项“--bogus”"),
        (&["check", "x.txt", "--format", "xml"], "的值“xml”无效，可用：human、json"),
        (&["parse", "x.txt", "--form", "zzz"], "未知的来源形式“zzz”"),
        (&["parse", "a.txt", "b.txt"], "多余的参数“b.txt”"),
        (&["check", "x.txt", "--format"], "--format <格式> 缺少值"),
    ];
    for (args, want) in cases {
        let o = gouji(args);
        let text = all_output(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains(want), "{args:?}: wanted “{want}” in\n{text}");
        for word in ENGLISH {
            assert!(!text.contains(word), "{args:?}: “{word}” in\n{text}");
        }
    }
}
