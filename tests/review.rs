//! Review through the binary: `gouji review dismiss/confirm/reset/list` write
//! `gouji.review.toml` beside the reports, and `gouji check` marks each finding against it
//! (新 / 已确认 / 已忽略 / 待复核), hides dismissed ones unless `--all`, leaves them out of
//! the exit code and counts them in the summaries. Each test works on its own copy of
//! `examples/`, whose `example-2023.txt` has two `t4.block_total` errors.

mod common;

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Line 318 of `example-2023.txt`: 行政复议·结果维持 (10 of the 11 the 总计 0 is compared with).
const MAINTAINED_LINE: usize = 318;
/// Line 322: 行政复议·总计.
const TOTAL_LINE: usize = 322;

/// A copy of `examples/` in a fresh temporary folder (dropped with it).
struct Folder {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Folder {
    fn new() -> Folder {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("reports");
        common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"), &dir);
        Folder { _tmp: tmp, dir }
    }

    fn report(&self) -> PathBuf {
        self.dir.join("example-2023.txt")
    }

    fn review_file(&self) -> PathBuf {
        self.dir.join("gouji.review.toml")
    }

    /// `gouji check FOLDER more…`
    fn check(&self, more: &[&str]) -> Output {
        let mut args: Vec<&OsStr> = vec!["check".as_ref(), self.dir.as_os_str()];
        args.extend(more.iter().map(OsStr::new));
        gouji(&args)
    }

    /// `gouji review ACTION ID FOLDER more…`
    fn review(&self, action: &str, id: &str, more: &[&str]) -> Output {
        let mut args: Vec<&OsStr> = vec!["review".as_ref(), action.as_ref(), id.as_ref(), self.dir.as_os_str()];
        args.extend(more.iter().map(OsStr::new));
        gouji(&args)
    }

    /// The ids of example-2023's two findings: (行政复议, 复议后起诉), from `--format json`.
    fn ids(&self) -> (String, String) {
        let o = self.check(&["--format", "json", "--all"]);
        let j = json(&o);
        let report =
            j["reports"].as_array().unwrap().iter().find(|r| r["path"].as_str().is_some_and(|p| p.ends_with("example-2023.txt"))).expect("example-2023");
        let by_block = |block: &str| {
            let f = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["binding"][0]["key"] == block)
                .unwrap_or_else(|| panic!("{block} finding in {report}"));
            assert_eq!(f["rule"], "t4.block_total", "{f}");
            let id = f["id"].as_str().expect("id").to_string();
            assert!(id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()), "16 hex digits: {id}");
            id
        };
        let ids = (by_block("review"), by_block("litigation_after_review"));
        assert_ne!(ids.0, ids.1);
        ids
    }

    /// Replace line `n` (1-based) of example-2023, which must read `from` (so a changed
    /// example fails here, not in a confusing assertion later).
    fn edit_line(&self, n: usize, from: &str, to: &str) {
        let path = self.report();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[n - 1], from, "line {n} of {}", path.display());
        lines[n - 1] = to;
        std::fs::write(&path, lines.join("\n")).unwrap();
    }

    fn restore_report(&self) {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt"), self.report()).unwrap();
    }
}

fn gouji<S: AsRef<OsStr>>(args: &[S]) -> Output {
    gouji_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Run the binary in `cwd`, without colour, with no reviewer name from the environment.
fn gouji_in<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> Output {
    command(cwd, args).output().expect("run gouji")
}

fn command<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gouji"));
    c.args(args).current_dir(cwd).env("NO_COLOR", "1").env_remove("GOUJI_REVIEWER");
    c
}

fn show(o: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}\n--- stderr\n{}", o.status.code(), String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("JSON: {e}\n{}", show(o)))
}

/// Exit code `code`, and no panic.
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", show(o));
    assert!(!stderr(o).contains("panicked"), "{}", show(o));
}

/// The human output's block of the finding `id`: its header line (the one with the mark)
/// through its `  编号：id` line; `None` when it is not shown.
fn block(out: &str, id: &str) -> Option<String> {
    let lines: Vec<&str> = out.lines().collect();
    let end = lines.iter().position(|l| *l == format!("  编号：{id}"))?;
    let start = lines[..end].iter().rposition(|l| l.contains("　【")).expect("a header line with a mark before the id");
    Some(lines[start..=end].join("\n"))
}

/// The block's header line ends with the mark `【word】`.
fn assert_marked(out: &str, id: &str, word: &str) -> String {
    let b = block(out, id).unwrap_or_else(|| panic!("finding {id} shown in\n{out}"));
    let header = b.lines().next().unwrap();
    assert!(header.starts_with("错误 · "), "{header}");
    assert!(header.ends_with(&format!("　【{word}】")), "marked {word}: {header}");
    b
}

/// The review file, parsed back as plain TOML.
fn review_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse::<toml::Table>().unwrap_or_else(|e| panic!("review file is TOML: {e}\n{text}"))
}

fn records(t: &toml::Table) -> &toml::Table {
    t.get("findings").and_then(|f| f.as_table()).unwrap_or_else(|| panic!("[findings] in {t}"))
}

#[test]
fn a_dismissed_finding_is_hidden_until_its_values_change() {
    let f = Folder::new();
    let (review, litigation) = f.ids();

    let o = f.review("dismiss", &review, &["--comment", "口径不同，已与业务科室核实", "--by", "张三"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with(&format!("已忽略 {review}：[t4.block_total]")), "{}", show(&o));

    // The other error is still shown, marked new, and still fails the run.
    let o = f.check(&[]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(!out.contains(&review), "the dismissed finding is hidden:\n{out}");
    let other = assert_marked(&out, &litigation, "新");
    assert!(!other.contains("  复核："), "a new finding has no review line:\n{other}");
    assert!(out.contains("  小结：错误 1，警告 0，无法评估 0，已忽略 1（复核记录，--all 显示）"), "{out}");
    assert!(out.contains("  复核记录中已忽略的问题 1 条未显示（--all 显示）"), "{out}");
    // The review file and its lock beside the reports are not taken for reports.
    assert!(out.contains("有错误 1，仅有警告 0，无问题 2，无法读取 0"), "{out}");

    // `--all` shows it, with who dismissed it and why.
    let o = f.check(&["--all"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let b = assert_marked(&out, &review, "已忽略");
    let line = b.lines().find(|l| l.starts_with("  复核：")).unwrap_or_else(|| panic!("a 复核 line in\n{b}"));
    assert!(line.starts_with("  复核：已忽略（张三 20") && line.ends_with("：口径不同，已与业务科室核实）"), "{line}");
    assert_marked(&out, &litigation, "新");
    assert!(!out.contains("未显示（--all 显示）"), "nothing is hidden with --all:\n{out}");

    // Dismiss the other too: no error is left to show, with or without `--all`.
    assert_exit(&f.review("dismiss", &litigation, &["--comment", "同上", "--by", "张三"]), 0);
    let o = f.check(&[]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(!out.contains("编号："), "no finding shown:\n{out}");
    assert!(out.contains("  小结：错误 0，警告 0，无法评估 0，已忽略 2（复核记录，--all 显示）"), "{out}");
    assert!(out.contains("  复核记录中已忽略的问题 2 条未显示（--all 显示）"), "{out}");
    let o = f.check(&["--all"]);
    assert_exit(&o, 0);
    assert_marked(&stdout(&o), &review, "已忽略");
    assert_marked(&stdout(&o), &litigation, "已忽略");

    // 行政复议·结果维持 10 → 9: the dismissal no longer covers the finding, which is back
    // with the change named, and fails the run again; the other stays dismissed.
    f.edit_line(MAINTAINED_LINE, "10 |", "9 |");
    let o = f.check(&[]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let b = assert_marked(&out, &review, "待复核");
    assert!(b.contains("\n  复核：待复核（上次已忽略，其后行政复议·结果维持 由“10”变为“9”）\n"), "{b}");
    assert!(b.contains("之和为 10，差 -10"), "the message is today's:\n{b}");
    assert!(!out.contains(&litigation), "{out}");
    assert!(out.contains("  小结：错误 1，警告 0，无法评估 0，已忽略 1（复核记录，--all 显示）"), "{out}");
}

#[test]
fn the_review_file_is_readable_listed_and_reset() {
    let f = Folder::new();
    let (review, litigation) = f.ids();
    assert_exit(&f.review("dismiss", &review, &["--comment", "总计栏按上年口径填写", "--by", "张三"]), 0);

    // Human-readable TOML: a heading comment, then the record under its id.
    let text = std::fs::read_to_string(f.review_file()).expect("review file written beside the reports");
    assert!(text.starts_with("# gouji 复核记录"), "{text}");
    for want in [
        format!("[findings.{review}]"),
        "status = \"忽略\"".to_string(),
        "rule = \"t4.block_total\"".to_string(),
        "by = \"张三\"".to_string(),
        "comment = \"总计栏按上年口径填写\"".to_string(),
        format!("[findings.{review}.values]"),
        "\"t4.review.total\" = \"0\"".to_string(),
        "\"t4.review.maintained\" = \"10\"".to_string(),
    ] {
        assert!(text.contains(&want), "{want:?} in\n{text}");
    }
    let t = review_toml(&f.review_file());
    let recs = records(&t);
    assert_eq!(recs.keys().collect::<Vec<_>>(), [&review], "only the dismissed finding is recorded");
    let r = &recs[&review];
    assert!(r["report"].as_str().unwrap().ends_with("example-2023.txt"), "{r}");
    assert!(r["message"].as_str().unwrap().starts_with("行政复议：总计 0"), "{r}");
    let at = r["at"].as_str().unwrap();
    assert!(at.len() == 25 && at.ends_with("+08:00") && at.as_bytes()[10] == b'T', "Beijing time: {at}");
    let values: Vec<(&str, &str)> = r["values"].as_table().unwrap().iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect();
    assert_eq!(
        values,
        [("t4.review.corrected", "1"), ("t4.review.maintained", "10"), ("t4.review.other", "0"), ("t4.review.pending", "0"), ("t4.review.total", "0")]
    );

    // `list` in the folder (REPORTS default to `.`) names the record and its state now.
    let list = || {
        let o = gouji_in(&f.dir, &["review", "list"]);
        assert_exit(&o, 0);
        stdout(&o)
    };
    let out = list();
    assert!(out.starts_with("复核记录 ./gouji.review.toml：1 条\n"), "{out}");
    // The report as the dismissing run named it (here the absolute path).
    let head = format!("已忽略 {review} [t4.block_total] ");
    let line = out.lines().find(|l| l.starts_with(&head)).unwrap_or_else(|| panic!("{head:?} in\n{out}"));
    assert!(line.contains("example-2023.txt（张三 20") && line.ends_with("：总计栏按上年口径填写）"), "{line}");
    assert!(out.contains("\n  本次：仍然出现，值未变\n"), "{out}");
    assert!(out.contains("小结：复核 1 条，待复核 0，已不再出现 0；另有新问题 1 条未复核"), "{out}");
    assert!(!out.contains(&litigation), "only reviewed findings are listed:\n{out}");

    f.edit_line(MAINTAINED_LINE, "10 |", "9 |");
    let out = list();
    assert!(out.contains("\n  本次：待复核（上次已忽略，其后行政复议·结果维持 由“10”变为“9”）\n"), "{out}");
    assert!(out.contains("小结：复核 1 条，待复核 1，已不再出现 0"), "{out}");

    // 总计 10 = 9 + 1: the finding is gone from the report.
    f.edit_line(TOTAL_LINE, "0 |", "10 |");
    let out = list();
    assert!(out.contains("\n  本次：检查结果中已没有这条问题"), "{out}");
    assert!(out.contains("小结：复核 1 条，待复核 0，已不再出现 1"), "{out}");

    // `reset` takes the record out; the finding is new again.
    f.restore_report();
    let o = f.review("reset", &review, &[]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("此后检查时它标为“新”"), "{}", show(&o));
    assert!(!std::fs::read_to_string(f.review_file()).unwrap().contains(&review), "record removed");
    assert!(records(&review_toml(&f.review_file())).is_empty());
    let o = f.check(&[]);
    assert_exit(&o, 1);
    assert_marked(&stdout(&o), &review, "新");
    assert_marked(&stdout(&o), &litigation, "新");
    assert!(list().starts_with("复核记录 ./gouji.review.toml：还没有复核过的问题\n"));
}

#[test]
fn a_confirmed_finding_is_still_shown_and_still_fails() {
    let f = Folder::new();
    let (review, litigation) = f.ids();
    let o = f.review("confirm", &review, &["--comment", "属实，已通知改正", "--by", "李四"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with(&format!("已确认 {review}：")), "{}", show(&o));
    // A confirmation needs no comment.
    assert_exit(&f.review("confirm", &litigation, &["--by", "李四"]), 0);
    assert_eq!(records(&review_toml(&f.review_file()))[&review]["status"].as_str(), Some("确认"));

    let o = f.check(&[]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    let b = assert_marked(&out, &review, "已确认");
    let line = b.lines().find(|l| l.starts_with("  复核：")).unwrap_or_else(|| panic!("a 复核 line in\n{b}"));
    assert!(line.starts_with("  复核：已确认（李四 20") && line.ends_with("：属实，已通知改正）"), "{line}");
    let b = assert_marked(&out, &litigation, "已确认");
    assert!(b.lines().any(|l| l.starts_with("  复核：已确认（李四 20") && l.ends_with('）')), "{b}");
    assert!(out.contains("  小结：错误 2，警告 0，无法评估 0\n"), "confirmed findings are counted as errors, none dismissed:\n{out}");
    assert!(!out.contains("已忽略"), "{out}");
}

#[test]
fn mistakes_are_refused_clearly() {
    let f = Folder::new();
    let (review, litigation) = f.ids();

    // An id no finding has: exit 2, said, and no review file made.
    let o = f.review("dismiss", "ffffffffffffffff", &["--comment", "x"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).starts_with("错误：") && stderr(&o).contains("没有编号为 ffffffffffffffff 的问题"), "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
    assert!(!f.review_file().exists(), "no review file written");
    assert_exit(&f.review("confirm", "ffffffffffffffff", &[]), 2);
    assert!(!f.review_file().exists(), "no review file written");

    // A dismissal needs a reason.
    let o = f.review("dismiss", &review, &[]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("错误：") && stderr(&o).contains("--comment"), "{}", show(&o));
    assert!(!f.review_file().exists());
    // … a reason that says something.
    let o = f.review("dismiss", &review, &["--comment", "  "]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("忽略一条问题须写明原因"), "{}", show(&o));
    assert!(!f.review_file().exists());

    // An id's first 8 characters are enough; fewer than 6 are not.
    let o = f.review("dismiss", &review[..8], &["--comment", "误报", "--by", "张三"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains(&review), "the full id is said: {}", show(&o));
    assert_eq!(records(&review_toml(&f.review_file())).keys().collect::<Vec<_>>(), [&review], "recorded under the full id");
    assert_exit(&f.review("confirm", &litigation[..5], &[]), 2);
    let o = f.check(&[]);
    assert_exit(&o, 1);
    assert!(!stdout(&o).contains(&review), "dismissed by its prefix:\n{}", stdout(&o));
    assert_marked(&stdout(&o), &litigation, "新");

    // `reset` by prefix too; an unknown one is refused and the file left as it was.
    let before = std::fs::read_to_string(f.review_file()).unwrap();
    let o = f.review("reset", "ffffffff", &[]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("错误：") && stderr(&o).contains("没有编号为 ffffffff 的问题"), "{}", show(&o));
    assert_eq!(std::fs::read_to_string(f.review_file()).unwrap(), before);
    let o = f.review("reset", &review[..8].to_ascii_uppercase(), &[]);
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with(&format!("已撤销编号 {review} 的复核")), "the full id is said, whatever the case given: {}", show(&o));
    assert!(records(&review_toml(&f.review_file())).is_empty());
    // Ids are hex: upper case names the same finding.
    assert_exit(&f.review("confirm", &litigation.to_ascii_uppercase(), &[]), 0);
    assert!(records(&review_toml(&f.review_file())).contains_key(&litigation));

    // A malformed review file stops `check` (it would otherwise show dismissed findings as
    // new) with the line named, and a mark is not written over it.
    let bad = format!("[findings.{review}]\nstatus = 3\n");
    std::fs::write(f.review_file(), &bad).unwrap();
    for o in [f.check(&[]), f.check(&["--format", "json"])] {
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.contains("复核记录") && err.contains("gouji.review.toml 第 2 行"), "{}", show(&o));
    }
    let o = f.review("dismiss", &litigation, &["--comment", "x"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("第 2 行"), "{}", show(&o));
    assert_eq!(std::fs::read_to_string(f.review_file()).unwrap(), bad, "the bad file is left alone");

    // A review file named but absent: said on stderr, every finding 新, nothing made.
    let missing = f.dir.join("没有的复核记录.toml");
    let o = f.check(&["--review", missing.to_str().unwrap()]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("提示：复核记录") && stderr(&o).contains("不存在，所有问题标为“新”"), "{}", show(&o));
    assert_marked(&stdout(&o), &review, "新");
    assert!(!missing.exists());

    // `review` alone, or with a command it does not have, names its four.
    let o = gouji(&["review"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).starts_with("错误：缺少命令：gouji review dismiss、confirm、reset 或 list"), "{}", show(&o));
    let o = gouji(&["review", "ignore", &review]);
    assert_exit(&o, 2);
    assert!(stderr(&o).starts_with("错误：未知的命令“gouji review ignore”，可用：dismiss、confirm、reset、list"), "{}", show(&o));

    // `list` whose check cannot run says so and fails, rather than call every record gone.
    std::fs::write(f.review_file(), "").unwrap();
    assert_exit(&f.review("confirm", &litigation, &[]), 0);
    let o = gouji(&["review".as_ref(), "list".as_ref(), f.dir.as_os_str(), "--rules".as_ref(), "没有这个规则包".as_ref()]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("规则包“没有这个规则包”不存在"), "{}", show(&o));
    assert!(!stdout(&o).contains("已不再出现") && !stdout(&o).contains("已没有这条问题"), "{}", show(&o));
}

#[test]
fn a_finding_citing_no_cells_is_reviewed_against_what_it_says() {
    // Two copies of one year's report: `batch.same_year` cites no cell; its record keeps
    // how many reports the year has, and a third copy brings it back.
    let f = Folder::new();
    std::fs::copy(f.report(), f.dir.join("copy-1.txt")).unwrap();
    let j = json(&f.check(&["--format", "json"]));
    let same: Vec<String> = j["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap().iter())
        .filter(|f| f["rule"] == "batch.same_year")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(same.len(), 2, "{j}");
    assert_exit(&f.review("dismiss", &same[0], &["--comment", "同一报告的两种格式", "--by", "王五"]), 0);
    assert!(!stdout(&f.check(&[])).contains(&same[0]), "dismissed");
    std::fs::copy(f.report(), f.dir.join("copy-2.txt")).unwrap();
    let out = stdout(&f.check(&[]));
    let b = block(&out, &same[0]).unwrap_or_else(|| panic!("shown again:\n{out}"));
    assert!(b.starts_with("警告 · ") && b.lines().next().unwrap().ends_with("　【待复核】"), "{b}");
    assert!(b.contains("同年报告份数") && b.contains('2') && b.contains('3'), "what changed is named:\n{b}");
}

#[test]
fn concurrent_marks_from_many_processes_are_all_kept() {
    let f = Folder::new();
    // Two more issuers' copies of example-2023: the issuer is part of a finding's id, so
    // the folder has 6 findings with distinct ids for 6 processes to mark at once.
    let text = std::fs::read_to_string(f.report()).unwrap();
    for issuer in ["甲区", "乙区"] {
        std::fs::write(f.dir.join(format!("{issuer}-2023.txt")), text.replace("某某区", issuer)).unwrap();
    }
    let j = json(&f.check(&["--format", "json", "--all"]));
    let mut ids: Vec<String> =
        j["reports"].as_array().unwrap().iter().flat_map(|r| r["findings"].as_array().unwrap()).map(|f| f["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "{ids:?}");

    // Spawn all first, then wait: the writes overlap.
    let run_all = |jobs: &[(&str, &str, String)]| {
        let children: Vec<_> = jobs
            .iter()
            .map(|(action, id, by)| {
                let mut args: Vec<&OsStr> = vec!["review".as_ref(), action.as_ref(), id.as_ref(), f.dir.as_os_str(), "--by".as_ref(), by.as_ref()];
                args.extend(["--comment".as_ref(), OsStr::new(by.as_str())]);
                command(&f.dir, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn gouji")
            })
            .collect();
        for c in children {
            assert_exit(&c.wait_with_output().unwrap(), 0);
        }
    };
    let action = |i: usize| if i.is_multiple_of(2) { "dismiss" } else { "confirm" };
    let status_of = |action: &str| if action == "dismiss" { "忽略" } else { "确认" };

    // Each process its own id: a lost update would lose a record.
    let jobs: Vec<(&str, &str, String)> = ids.iter().enumerate().map(|(i, id)| (action(i), id.as_str(), format!("甲{i}"))).collect();
    run_all(&jobs);
    let t = review_toml(&f.review_file());
    let recs = records(&t);
    assert_eq!(recs.keys().cloned().collect::<Vec<_>>(), ids, "every mark kept");
    for (action, id, by) in &jobs {
        let r = &recs[*id];
        assert_eq!(
            (r["status"].as_str(), r["by"].as_str(), r["comment"].as_str()),
            (Some(status_of(action)), Some(by.as_str()), Some(by.as_str())),
            "{id}: {r}"
        );
        assert!(r["values"].as_table().is_some_and(|v| !v.is_empty()), "{id}: {r}");
    }

    // Then three processes on each of two ids, dismissing and confirming in turn: each
    // record is whole — one writer's status, name and comment, never a mix.
    let jobs: Vec<(&str, &str, String)> = (0..6).map(|i| (action(i / 2), ids[i % 2].as_str(), format!("乙{i}"))).collect();
    run_all(&jobs);
    let t = review_toml(&f.review_file());
    let recs = records(&t);
    assert_eq!(recs.len(), 6, "{t}");
    for id in &ids[..2] {
        let r = &recs[id];
        let by = r["by"].as_str().unwrap();
        let (action, _, _) = jobs.iter().find(|(_, i, b)| i == id && b == by).unwrap_or_else(|| panic!("{id} written by one of its writers: {r}"));
        assert_eq!((r["status"].as_str(), r["comment"].as_str()), (Some(status_of(action)), Some(by)), "{id}: {r}");
    }

    // Nothing left behind but the file and its hidden lock (no temporary files).
    let mut names: Vec<String> =
        std::fs::read_dir(&f.dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| !n.ends_with(".txt")).collect();
    names.sort();
    assert_eq!(names, [".gouji.review.toml.lock", "gouji.review.toml"]);

    // The check agrees with the file: as many hidden as it holds dismissals.
    let dismissed = recs.values().filter(|r| r["status"].as_str() == Some("忽略")).count();
    let o = f.check(&["--format", "json"]);
    assert_exit(&o, if dismissed == 6 { 0 } else { 1 });
    assert_eq!(json(&o)["summary"]["dismissed"].as_u64(), Some(dismissed as u64), "{}", show(&o));
}

#[test]
fn json_and_csv_carry_the_review() {
    let f = Folder::new();
    let (review, litigation) = f.ids();

    // Without a review file: ids, but no marks.
    let j = json(&f.check(&["--format", "json"]));
    let findings = &j["reports"][0]["findings"];
    assert_eq!(findings.as_array().unwrap().len(), 2, "{findings}");
    assert!(findings.as_array().unwrap().iter().all(|f| f.get("review").is_none() && f["id"].is_string()), "{findings}");

    assert_exit(&f.review("dismiss", &review, &["--comment", "口径不同", "--by", "张三"]), 0);
    let finding = |j: &Value, id: &str| -> Option<Value> {
        j["reports"].as_array().unwrap().iter().flat_map(|r| r["findings"].as_array().unwrap()).find(|f| f["id"] == id).cloned()
    };

    // Hidden without --all, counted in the summary.
    let o = f.check(&["--format", "json"]);
    assert_exit(&o, 1);
    let j = json(&o);
    assert!(finding(&j, &review).is_none(), "{j}");
    assert_eq!(finding(&j, &litigation).unwrap()["review"], serde_json::json!({"status": "new"}));
    assert_eq!(j["summary"]["dismissed"], 1);

    // Shown with --all, with the record's who, when and why.
    let o = f.check(&["--format", "json", "--all"]);
    assert_exit(&o, 1);
    let j = json(&o);
    let mut mark = finding(&j, &review).expect("shown with --all")["review"].clone();
    let at = mark.as_object_mut().unwrap().remove("at").expect("at");
    assert!(at.as_str().is_some_and(|a| a.ends_with("+08:00")), "{at}");
    assert_eq!(mark, serde_json::json!({"status": "dismissed", "was": "忽略", "by": "张三", "comment": "口径不同"}));
    assert_eq!(j["summary"]["dismissed"], 0, "nothing hidden with --all");

    // CSV: 编号 and 复核 last, one row a finding.
    let o = f.check(&["--format", "csv", "--all"]);
    assert_exit(&o, 1);
    let text = stdout(&o);
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[header.len() - 2..], ["编号", "复核"], "{header:?}");
    let rows: Vec<Vec<String>> = rows.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let cell = |id: &str| rows.iter().find(|r| r[r.len() - 2] == id).map(|r| r[r.len() - 1].clone()).unwrap_or_else(|| panic!("{id} in\n{text}"));
    let dismissed = cell(&review);
    assert!(dismissed.starts_with("已忽略（张三 20") && dismissed.ends_with("：口径不同）"), "{dismissed}");
    assert_eq!(cell(&litigation), "新");
    assert_eq!(rows.len(), 2, "{text}");
    // Without --all the dismissed row is left out.
    let text = stdout(&f.check(&["--format", "csv"]));
    assert!(!text.contains(&review) && text.contains(&litigation), "{text}");

    // Values changed: `changed`, with what changed from what to what.
    f.edit_line(MAINTAINED_LINE, "10 |", "9 |");
    let o = f.check(&["--format", "json"]);
    assert_exit(&o, 1);
    let mark = finding(&json(&o), &review).expect("a changed finding is shown")["review"].clone();
    assert_eq!(mark["status"], "changed", "{mark}");
    assert_eq!(mark["was"], "忽略", "{mark}");
    assert_eq!(mark["changes"], serde_json::json!([{"key": "t4.review.maintained", "label": "行政复议·结果维持", "was": "10", "now": "9"}]));
    let text = stdout(&f.check(&["--format", "csv"]));
    assert!(text.contains(&format!("{review},待复核（上次已忽略，其后行政复议·结果维持 由“10”变为“9”）")), "{text}");
}

#[test]
fn the_check_says_how_to_mark_its_findings_and_that_command_works() {
    let f = Folder::new();
    let (review, _) = f.ids();
    let out = stdout(&f.check(&[]));
    let tail: Vec<&str> = out.lines().rev().take(3).collect();
    let dir = f.dir.display().to_string();
    assert_eq!(tail[2], format!("复核这些问题（记录在 {}）：", f.review_file().display()), "{out}");
    assert_eq!(tail[1], format!("  确认：gouji review confirm 编号 {dir}"));
    assert_eq!(tail[0], format!("  忽略：gouji review dismiss 编号 {dir} --comment \"原因\""));
    // Run as said, from elsewhere: the mark lands where the next check reads it.
    let elsewhere = tempfile::tempdir().unwrap();
    let o = gouji_in(elsewhere.path(), &["review", "dismiss", &review, &dir, "--comment", "原因"]);
    assert_exit(&o, 0);
    assert!(!stdout(&f.check(&[])).contains(&review), "hidden next time");
    // With nothing left to review it is not said.
    let (_, litigation) = f.ids();
    assert_exit(&gouji_in(elsewhere.path(), &["review", "dismiss", &litigation, &dir, "--comment", "原因"]), 0);
    assert!(!stdout(&f.check(&[])).contains("复核这些问题"));
}

#[test]
fn a_record_written_by_hand_in_notepad_is_honoured() {
    // Notepad on an office PC: a UTF-8 BOM, CRLF line ends, and no values (nothing to
    // compare, so the record stands as written).
    let f = Folder::new();
    let (review, litigation) = f.ids();
    let text = format!(
        "\u{feff}# 手工记录\r\n[findings.{review}]\r\nstatus = \"忽略\"\r\ncomment = \"另表统计\"\r\n\r\n[findings.{litigation}]\r\nstatus = \"确认\"\r\n"
    );
    std::fs::write(f.review_file(), text).unwrap();
    let o = f.check(&[]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(!out.contains(&review), "dismissed by hand:\n{out}");
    assert_marked(&out, &litigation, "已确认");
}
