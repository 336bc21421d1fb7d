//! Runs every example of the rule authors' guide (`docs/规则编写指南.md`), so it cannot go
//! stale:
//! - ```` ```gouji ```` blocks compile and their cases hold; with `file=PATH` the block is
//!   also exactly that file of the repo (a file of a pack directory is loaded with its pack);
//! - ```` ```gouji error=CODE ```` blocks fail with that code (`gouji::test::case_failed`:
//!   they compile and one of their cases fails);
//! - ```` ```console ```` blocks run each `$ gouji …` command from the repo root: every other
//!   line shown must appear in the output, and `（退出码 N）` must be the exit code;
//! - ```` ```text file=PATH ```` / ```` ```toml ```` blocks with `file=` equal that file.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Block {
    info: String,
    body: String,
    line: usize,
}

fn blocks() -> Vec<Block> {
    let text = std::fs::read_to_string(root().join("docs/规则编写指南.md")).expect("guide exists");
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut cur, line.strip_prefix("```")) {
            (None, Some(info)) => cur = Some(Block { info: info.trim().to_string(), body: String::new(), line: i + 1 }),
            (Some(_), Some("")) => out.push(cur.take().expect("open block")),
            (Some(b), _) => {
                b.body.push_str(line);
                b.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(cur.is_none(), "unclosed code block in the guide");
    out
}

fn attr<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace().find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

fn temp_rule_file(body: &str, n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gouji-guide-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rules.gouji");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn guide_rule_examples_compile_and_their_cases_hold() {
    let mut seen = 0;
    for (n, b) in blocks().iter().enumerate().filter(|(_, b)| b.info.split_whitespace().next() == Some("gouji")) {
        if let Some(file) = attr(&b.info, "file") {
            let real = std::fs::read_to_string(root().join(file)).expect("file named by the guide");
            assert_eq!(real, b.body, "guide line {}: block differs from {file}", b.line);
        }
        // A file of a pack directory is loaded with its pack (which may bring templates).
        let pack_dir = attr(&b.info, "file").map(|f| root().join(f)).and_then(|f| f.parent().map(Path::to_path_buf)).filter(|d| d.join("pack.toml").is_file());
        let path = pack_dir.unwrap_or_else(|| temp_rule_file(&b.body, n));
        let loaded = gouji::Pack::load(&path);
        match attr(&b.info, "error") {
            Some("gouji::test::case_failed") => {
                let pack = loaded.unwrap_or_else(|e| panic!("guide line {}: {:?}", b.line, e.errors));
                let r = gouji::testing::run(&pack, false).unwrap();
                assert!(r.cases.iter().any(|c| c.failure.is_some()), "guide line {}: a case should fail", b.line);
            }
            Some(code) => {
                let errs = loaded.err().unwrap_or_else(|| panic!("guide line {}: should not compile", b.line));
                let codes: Vec<&str> = errs.errors.iter().map(|e| e.code()).collect();
                assert!(codes.contains(&code), "guide line {}: expected {code}, got {codes:?}", b.line);
            }
            None => {
                let pack = loaded.unwrap_or_else(|e| panic!("guide line {}: {:?}", b.line, e.errors));
                let r = gouji::testing::run(&pack, false).unwrap();
                let failed: Vec<_> = r.cases.iter().filter_map(|c| c.failure.clone()).collect();
                assert!(failed.is_empty(), "guide line {}: {failed:?}", b.line);
            }
        }
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} rule examples found");
}

#[test]
fn guide_files_shown_are_the_real_files() {
    let mut seen = 0;
    for b in blocks().iter().filter(|b| !b.info.starts_with("gouji")) {
        if let Some(file) = attr(&b.info, "file") {
            let real = std::fs::read_to_string(root().join(file)).expect("file named by the guide");
            assert_eq!(real.trim_end(), b.body.trim_end(), "guide line {}: block differs from {file}", b.line);
            seen += 1;
        }
    }
    assert!(seen >= 1);
}

#[test]
fn guide_commands_give_what_the_guide_shows() {
    let mut seen = 0;
    for b in blocks().iter().filter(|b| b.info == "console") {
        let mut lines = b.body.lines();
        let cmd = lines.next().and_then(|l| l.strip_prefix("$ gouji ")).unwrap_or_else(|| panic!("guide line {}: no command", b.line));
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let out = Command::new(env!("CARGO_BIN_EXE_gouji")).args(&args).current_dir(root()).env("NO_COLOR", "1").output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        for want in lines {
            if let Some(code) = want.strip_prefix("（退出码 ").and_then(|r| r.strip_suffix('）')) {
                let code: i32 = code.parse().unwrap();
                assert_eq!(out.status.code(), Some(code), "guide line {}: `{cmd}` exit code\n{text}", b.line);
            } else if !want.trim().is_empty() {
                assert!(text.contains(want.trim()), "guide line {}: `{cmd}` output lacks “{}”\n{text}", b.line, want.trim());
            }
        }
        seen += 1;
    }
    assert!(seen >= 4, "only {seen} commands found");
    let _ = Path::new("");
}
