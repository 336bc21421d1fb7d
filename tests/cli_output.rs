//! The binary's output paths under failure: stdout to a full disk (`/dev/full`) and to a
//! pipe whose reader has gone (`gouji check dir | head`) end with exit 2, never a panic;
//! a full disk says so in one Chinese line, a closed pipe says nothing. Report paths that
//! are not UTF-8 are read like any other, and a folder stands for its files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const F: &str = "tests/fixtures/check";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gouji"));
    c.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    c
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_output").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Every command that writes a lot, human and JSON.
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["check", F],
        vec!["check", F, "--format", "json"],
        vec!["parse", "tests/fixtures/check/2019_consistent.txt"],
        vec!["parse", "tests/fixtures/check/2019_consistent.txt", "--format", "json"],
        vec!["test", "rules/official"],
    ]
}

#[cfg(unix)]
#[test]
fn a_full_disk_is_one_line_and_exit_2() {
    for args in commands() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let o = bin().args(&args).stdout(full).output().expect("run gouji");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("无法写出结果：磁盘空间已满"), "{args:?}: {err}");
        assert_eq!(err.lines().filter(|l| l.contains("无法写出结果")).count(), 1, "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly_with_exit_2() {
    for args in commands() {
        let mut child = bin().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn gouji");
        drop(child.stdout.take()); // the reader goes away before anything is written
        let o = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("无法写出结果"), "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_read_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("non_utf8");
    let name = std::ffi::OsStr::from_bytes(b"report-\xff\xfe.txt");
    let file = dir.join(name);
    std::fs::copy(format!("{F}/2019_consistent.txt"), &file).expect("copy");
    // Alone, beside a readable report, and through its folder.
    for args in [
        vec![file.clone().into_os_string()],
        vec![format!("{F}/2021_consistent.txt").into(), file.clone().into_os_string()],
        vec![dir.clone().into_os_string()],
    ] {
        let o = bin().arg("check").args(&args).args(["--format", "json"]).output().expect("run gouji");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let last = json["reports"].as_array().expect("reports").last().expect("one").clone();
        assert!(last["path"].as_str().expect("path").ends_with("report-\u{fffd}\u{fffd}.txt"), "{last}");
        assert_eq!(last["errors"], serde_json::json!([]));
    }
    let o = bin().arg("parse").arg(&file).output().expect("run gouji");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_folder_is_its_files_by_name_and_a_bad_one_is_named() {
    let dir = scratch("folder");
    std::fs::create_dir_all(dir.join("sub")).expect("sub");
    std::fs::copy(format!("{F}/2021_consistent.txt"), dir.join("b.txt")).expect("copy");
    std::fs::copy(format!("{F}/2019_consistent.txt"), dir.join("sub/a.txt")).expect("copy");
    std::fs::copy(format!("{F}/2019_consistent.txt"), dir.join("a.txt")).expect("copy");
    std::fs::write(dir.join(".hidden"), "x").expect("hidden");
    std::fs::write(dir.join("c.txt"), "").expect("empty");
    let o = bin().arg("check").arg(&dir).args(["--format", "json"]).output().expect("run gouji");
    // A file found in a folder that cannot be read is named in the summary; only a file
    // named on the command line makes the run fail (exit 2).
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON stays valid");
    let unreadable = &json["summary"]["unreadable"];
    assert_eq!(unreadable.as_array().map(Vec::len), Some(1), "{unreadable}");
    assert!(unreadable[0]["path"].as_str().is_some_and(|p| p.ends_with("c.txt")) && unreadable[0]["reason"] == "文件为空", "{unreadable}");
    // The two copies of one report are a finding on each, not a silent choice.
    assert_eq!(json["summary"]["same_year"][0]["year"], 2020, "{}", json["summary"]);
    let named = bin().arg("check").arg(dir.join("c.txt")).arg(dir.join("b.txt")).output().expect("run gouji");
    assert_eq!(named.status.code(), Some(2));
    let paths: Vec<String> = json["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["path"].as_str().unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("").to_string())
        .collect();
    assert_eq!(paths, ["a.txt", "b.txt", "c.txt", "a.txt"]);
    assert_eq!(json["reports"][2]["errors"][0]["code"], "gouji::import::empty");
}

#[test]
fn the_report_size_limit_is_raised_on_the_command_line() {
    let dir = scratch("limit");
    let big = dir.join("big.txt");
    let mut text = std::fs::read_to_string(format!("{F}/2019_consistent.txt")).expect("fixture");
    while text.len() <= 1 << 20 {
        text.push_str("\n六、其他需要报告的事项 无。");
    }
    std::fs::write(&big, &text).expect("big");
    let o = bin().arg("check").arg(&big).args(["--max-size", "1"]).output().expect("run gouji");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("文件超过 1 MiB 的读取上限（可用 --max-size 调高）"), "{err}");
    let o = bin().arg("check").arg(&big).args(["--max-size", "2"]).output().expect("run gouji");
    assert_ne!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bin().arg("check").arg(&big).args(["--max-size", "0"]).output().expect("run gouji");
    assert!(String::from_utf8_lossy(&o.stderr).contains("应为 1 到 1048576 之间的整数"), "{}", String::from_utf8_lossy(&o.stderr));
}
