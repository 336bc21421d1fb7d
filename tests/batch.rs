//! Batches: a folder of reports in several forms with an unreadable file and a non-report
//! among them is checked whole; the summary names what could not be read; each report is
//! paired with its issuer's previous year (JSON `prev`, human `上年报告`); CSV (parsed back
//! with the csv crate) and JSON Lines carry the same findings as JSON; identities come
//! from the report, a sidecar `报告名.toml` or an alias table.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// Generated reports whose identities all hold, in pipe, markdown and HTML form; a pair of
// years keeps X1 (上年结转 = 上年的结转下年度).
#[path = "../tools/generated/mod.rs"]
#[allow(dead_code)]
mod generated;
use generated::Data;

fn gouji(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").output().expect("run gouji")
}

fn check(dir: &Path, more: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), dir.as_os_str()];
    args.extend(more.iter().map(|s| std::ffi::OsStr::new(*s)));
    gouji(&args)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("batch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("JSON: {e}\n{}", String::from_utf8_lossy(&o.stderr)))
}

fn show(o: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}\n--- stderr\n{}", o.status.code(), String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A folder: issuer 1's 2019 and 2020 (pipe), issuer 2's 2019 (markdown) and 2020 (HTML),
/// issuer 3's 2020 with a planted 表四 error (pipe, in a subfolder), a PDF that is not one,
/// a README that is no report, and files a walk leaves out.
fn region(name: &str) -> PathBuf {
    let dir = scratch(name);
    let first = Data::of(1, false, 1, 2019, None);
    std::fs::write(dir.join("甲局-2019.txt"), first.pipe()).unwrap();
    std::fs::write(dir.join("甲局-2020.txt"), Data::of(2, false, 1, 2020, Some(&first)).pipe()).unwrap();
    let second = Data::of(3, false, 2, 2019, None);
    std::fs::write(dir.join("乙局-2019.md"), second.markdown()).unwrap();
    std::fs::write(dir.join("乙局-2020.html"), Data::of(4, false, 2, 2020, Some(&second)).html()).unwrap();
    std::fs::create_dir_all(dir.join("部门")).unwrap();
    std::fs::write(dir.join("部门/丙局-2020.txt"), Data::of(5, true, 3, 2020, None).pipe()).unwrap();
    std::fs::write(dir.join("坏文件.pdf"), b"%PDF-1.4\n\x00\x01garbage").unwrap();
    std::fs::write(dir.join("README.md"), "# 说明\n\n这个文件夹放的是各部门的年度报告。\n").unwrap();
    std::fs::write(dir.join(".hidden.txt"), first.pipe()).unwrap();
    std::fs::write(dir.join("甲局-2019.txt.snap"), "x").unwrap();
    dir
}

fn report<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["reports"].as_array().expect("reports").iter().find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(name))).unwrap_or_else(|| panic!("{name} in {j}"))
}

#[test]
fn a_folder_is_checked_whole_and_summarised() {
    let dir = region("summary");
    let o = check(&dir, &["--format", "json"]);
    // 丙局's planted error: exit 1; the two unreadable files found in the folder do not end the run.
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let j = json(&o);
    let names: Vec<&str> = j["reports"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert_eq!(names, ["README.md", "乙局-2019.md", "乙局-2020.html", "坏文件.pdf", "甲局-2019.txt", "甲局-2020.txt", "丙局-2020.txt"], "sorted by path");
    let s = &j["summary"];
    assert_eq!((s["reports_checked"].as_u64(), s["with_errors"].as_u64(), s["clean"].as_u64()), (Some(5), Some(1), Some(4)), "{s}");
    let unreadable: Vec<(String, String)> = s["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["path"].as_str().unwrap().rsplit('/').next().unwrap().to_string(), u["reason"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(unreadable.len(), 2, "{unreadable:?}");
    assert!(unreadable[0].0 == "README.md" && unreadable[0].1.contains("未找到年度报告"), "{unreadable:?}");
    assert!(unreadable[1].0 == "坏文件.pdf" && unreadable[1].1.contains("PDF"), "{unreadable:?}");
    let t4 = s["rules"].as_array().unwrap().iter().find(|r| r["id"] == "t4.block_total").expect("t4.block_total counted");
    assert_eq!((t4["findings"].as_u64(), t4["failed"].as_u64(), t4["passed"].as_u64()), (Some(1), Some(1), Some(4)), "{t4}");

    // The same in human output: the summary at the end names each unreadable file with its reason.
    let o = check(&dir, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let summary = &out[out.find("━━ 汇总").unwrap_or_else(|| panic!("a summary\n{}", show(&o)))..];
    for want in [
        "检查报告 5 份",
        "有错误 1，仅有警告 0，无问题 4，无法读取 2",
        "无法读取的文件：",
        "README.md：未找到年度报告",
        "坏文件.pdf：",
        "t4.block_total：1 处",
        "与上年报告配对 2",
    ] {
        assert!(summary.contains(want), "{want:?} in\n{summary}");
    }
}

#[test]
fn each_report_is_paired_with_its_previous_year() {
    let dir = region("pairing");
    let j = json(&check(&dir, &["--format", "json"]));
    let prev = |name: &str| report(&j, name)["prev"].clone();
    assert!(prev("甲局-2020.txt")["path"].as_str().is_some_and(|p| p.ends_with("甲局-2019.txt")), "{}", prev("甲局-2020.txt"));
    assert_eq!(prev("甲局-2020.txt")["year"], 2019);
    // Across forms: the markdown 2019 is the HTML 2020's previous year.
    assert!(prev("乙局-2020.html")["path"].as_str().is_some_and(|p| p.ends_with("乙局-2019.md")));
    for alone in ["甲局-2019.txt", "乙局-2019.md", "丙局-2020.txt"] {
        assert_eq!(prev(alone), Value::Null, "{alone}");
    }
    // Which issuer lacks which year, the batch holding two.
    let missing = &j["summary"]["missing_years"];
    assert_eq!(missing, &serde_json::json!([{"issuer": "无锡市某某区第3局", "years": [2019]}]), "{missing}");
    let out = String::from_utf8_lossy(&check(&dir, &[]).stdout).into_owned();
    let block = &out[out.find("甲局-2020.txt：").unwrap()..];
    assert!(block.lines().nth(1).is_some_and(|l| l.contains("上年报告：") && l.contains("甲局-2019.txt（2019 年）")), "{block}");
    assert!(out.contains("无锡市某某区第3局：缺 2019 年"), "{out}");
}

#[test]
fn csv_and_json_lines_carry_the_findings_of_json() {
    let dir = region("csv");
    let j = json(&check(&dir, &["--format", "json"]));
    let o = check(&dir, &["--format", "csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.starts_with("\u{feff}".as_bytes()), "UTF-8 with a byte-order mark");
    let mut r = csv::Reader::from_reader(&o.stdout[3..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        ["文件", "发布机关", "年度", "规则", "标题", "严重程度", "类别", "位置", "单元格", "左边", "右边", "差", "说明", "正文", "编号", "复核"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("a CSV row")).collect();
    // One row per finding, and one per unreadable file.
    let findings: Vec<(String, String, String)> = j["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rep| {
            rep["findings"].as_array().unwrap().iter().map(move |f| {
                let delta = if f["delta"].is_null() { String::new() } else { f["delta"].to_string() };
                (rep["path"].as_str().unwrap().to_string(), f["rule"].as_str().unwrap().to_string(), delta)
            })
        })
        .collect();
    let from_csv: Vec<(String, String, String)> =
        rows.iter().filter(|r| &r[6] != "无法读取").map(|r| (r[0].to_string(), r[3].to_string(), r[11].to_string())).collect();
    assert_eq!(from_csv, findings);
    assert_eq!(rows.iter().filter(|r| &r[6] == "无法读取").count(), 2);
    let planted = rows.iter().find(|r| &r[3] == "t4.block_total").expect("the planted error");
    assert!(planted[0].ends_with("丙局-2020.txt") && &planted[1] == "无锡市某某区第3局" && &planted[2] == "2020", "{planted:?}");
    assert!(&planted[5] == "错误" && &planted[6] == "报告错误" && planted[7].contains("行政复议") && planted[8].contains("总计"), "{planted:?}");

    // JSON Lines: one report a line, the same entries.
    let o = check(&dir, &["--format", "jsonl"]);
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), 7);
    for (line, rep) in lines.iter().zip(j["reports"].as_array().unwrap()) {
        assert_eq!((&line["path"], &line["prev"], &line["findings"]), (&rep["path"], &rep["prev"], &rep["findings"]));
    }
}

#[test]
fn identities_from_sidecars_and_aliases() {
    let dir = scratch("identity");
    let first = Data::of(1, false, 1, 2019, None);
    let second = Data::of(2, false, 1, 2020, Some(&first));
    // The 2019 report's title names another issuer and year: its sidecar says what it is.
    std::fs::write(dir.join("a.txt"), first.pipe().replacen("无锡市某某区第1局2019年", "某某单位2018年", 1)).unwrap();
    std::fs::write(dir.join("a.toml"), "issuer = \"无锡市某某区第1局\"\nyear = 2019\n").unwrap();
    // The 2020 report writes the issuer another way, mapped by the folder's alias table.
    std::fs::write(dir.join("b.txt"), second.pipe().replacen("无锡市某某区第1局", "无锡市某某区第一局", 1)).unwrap();
    std::fs::write(dir.join("gouji.toml"), "[aliases]\n\"无锡市 某某区第一局（办公室）\" = \"无锡市某某区第1局\"\n").unwrap();
    let j = json(&check(&dir, &["--format", "json"]));
    assert_eq!((&report(&j, "a.txt")["issuer"], &report(&j, "a.txt")["year"]), (&Value::from("无锡市某某区第1局"), &Value::from(2019)));
    assert!(report(&j, "b.txt")["prev"]["path"].as_str().is_some_and(|p| p.ends_with("a.txt")), "{}", report(&j, "b.txt"));
    // A wrong sidecar is said, pointed at its line.
    std::fs::write(dir.join("a.toml"), "issuer = \"x\"\nyaer = 2019\n").unwrap();
    let o = check(&dir, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a.toml 第 2 行有不认识的字段"), "{}", show(&o));
}

#[test]
fn two_reports_of_a_year_are_a_finding_and_prev_pairs_one_report() {
    let dir = scratch("same-year");
    let first = Data::of(1, false, 1, 2019, None);
    std::fs::write(dir.join("a.txt"), first.pipe()).unwrap();
    std::fs::write(dir.join("a-copy.md"), first.markdown()).unwrap();
    let second = dir.join("b.txt");
    std::fs::write(&second, Data::of(2, false, 1, 2020, Some(&first)).pipe()).unwrap();
    let j = json(&check(&dir, &["--format", "json"]));
    for name in ["a.txt", "a-copy.md"] {
        let f = report(&j, name)["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "batch.same_year").cloned();
        assert!(f.as_ref().is_some_and(|f| f["severity"] == "warning" && f["message"].as_str().unwrap().contains("2019 年还有 1 份报告")), "{name}: {f:?}");
    }
    // 2020 (pipe) takes the 2019 report of its own form, and says so.
    assert!(report(&j, "b.txt")["prev"]["path"].as_str().is_some_and(|p| p.ends_with("a.txt")));
    let out = String::from_utf8_lossy(&check(&dir, &[]).stdout).into_owned();
    assert!(out.contains("配对说明：2019 年有 2 份报告，取形式相同的一份"), "{out}");

    // One report, its previous year given.
    let a = dir.join("a.txt");
    let o = gouji(&["check".as_ref(), second.as_os_str(), "--prev".as_ref(), a.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(json(&o)["reports"][0]["prev"]["path"].as_str().is_some_and(|p| p.ends_with("a.txt")));
    // --prev with a batch is a usage mistake.
    let o = gouji(&["check".as_ref(), dir.as_os_str(), "--prev".as_ref(), a.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("只能在检查一份报告时使用"), "{}", show(&o));
}

#[path = "common/mod.rs"]
mod common;

#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn the_corpus_folder_is_checked_whole_and_009_pairs_with_010() {
    let corpus = common::corpus_dir();
    let seeds = corpus.join("../seeds");
    let o = gouji(&["check".as_ref(), corpus.as_os_str(), seeds.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    // 009 has real errors: exit 1; the files that are no report are named, never the end of the run.
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let j = json(&o);
    let files = walk_count(&corpus) + walk_count(&seeds);
    assert_eq!(j["reports"].as_array().unwrap().len(), files, "every file has its entry");
    let s = &j["summary"];
    let unreadable = s["unreadable"].as_array().unwrap();
    assert_eq!(s["reports_checked"].as_u64().unwrap() as usize + unreadable.len(), files);
    for u in unreadable {
        assert!(!u["reason"].as_str().unwrap().is_empty(), "{u}");
    }
    let names: Vec<&str> = unreadable.iter().map(|u| u["path"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert!(names.contains(&"README.md") && names.iter().filter(|n| n.starts_with("S0_")).count() == 3, "{names:?}");
    // 010 (淮安市洪泽区人民政府) is paired with 009 (洪泽区人民政府), each form with its own.
    for (this, before) in [
        ("010_hongze-district_2024.pdf", "009_hongze-district_2023.pdf"),
        ("010_hongze-district_2024.pdftotext-layout.txt", "009_hongze-district_2023.pdftotext-layout.txt"),
    ] {
        let prev = &report(&j, this)["prev"];
        assert!(prev["path"].as_str().is_some_and(|p| p.ends_with(before)) && prev["year"] == 2023, "{this}: {prev}");
    }
    let o = gouji(&["check".as_ref(), corpus.as_os_str(), seeds.as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let summary = &out[out.find("━━ 汇总").expect("a summary")..];
    assert!(
        summary.contains("无法读取的文件：")
            && summary.contains("README.md：")
            && summary.contains("S0_kirogov_sample_report_2023_beijing.pdf：PDF 没有可提取的文字层"),
        "{summary}"
    );
}

/// Files under `dir`, counted by hand (no hidden ones or gouji's own there).
fn walk_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| if p.is_dir() { walk_count(&p) } else { 1 })
        .sum()
}

/// The first pass's identity (the head of a text report read alone) is the whole read's.
fn identity_matches_the_whole_read(files: &[PathBuf]) -> usize {
    let mut compared = 0;
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.to_string_lossy();
        let (Ok((_, issuer, year)), Ok(r)) = (gouji::report::identify(&name, &bytes, None), gouji::read(&name, &bytes, None)) else { continue };
        assert_eq!((issuer.as_deref(), year), (r.issuer.as_deref(), r.year), "{name}");
        compared += 1;
    }
    compared
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    gouji::batch::expand(&[dir.to_path_buf()]).into_iter().map(|e| e.path).collect()
}

#[test]
fn the_first_pass_reads_the_same_identity_as_the_whole_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = files_under(&root.join("tests/fixtures"));
    files.extend(files_under(&root.join("examples")));
    files.extend(files_under(&root.join("rules/official/cases")));
    let dir = region("identity-pass");
    files.extend(files_under(&dir));
    // A title below a long head (more lines than the first pass reads alone).
    let long = dir.join("long.txt");
    let text = Data::of(9, false, 9, 2020, None).pipe();
    std::fs::write(&long, format!("{}{text}", "说明文字\n".repeat(80))).unwrap();
    files.push(long);
    assert!(identity_matches_the_whole_read(&files) >= 30);
}

#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn the_first_pass_reads_the_same_identity_on_the_corpus() {
    let corpus = common::corpus_dir();
    let mut files = files_under(&corpus);
    files.extend(files_under(&corpus.join("../seeds")));
    assert!(identity_matches_the_whole_read(&files) >= 15);
}

/// A document the first pass imported whole (HTML, markdown, PDF) gives, assembled, the
/// report a fresh read gives: the second pass does not import it again.
fn kept_document_is_the_same_report(files: &[PathBuf]) -> usize {
    let set = gouji::TemplateSet::builtin();
    let mut kept = 0;
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.to_string_lossy();
        let Ok(found) = gouji::report::identify_keeping(&name, &bytes, None) else { continue };
        let Some(doc) = found.doc else { continue };
        let fresh = gouji::read(&name, &bytes, None).map(|r| gouji::render::parse::json(&r));
        let again = gouji::report::assemble_with(&name, found.form, doc, set).map(|r| gouji::render::parse::json(&r));
        match (fresh, again) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            (a, b) => panic!("{name}: {:?} / {:?}", a.is_ok(), b.is_ok()),
        }
        kept += 1;
    }
    kept
}

#[test]
fn a_document_imported_for_its_identity_is_not_imported_again() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = files_under(&root.join("tests/fixtures"));
    files.extend(files_under(&region("kept")));
    assert!(kept_document_is_the_same_report(&files) >= 5);
}

#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn a_kept_corpus_document_is_the_same_report() {
    let corpus = common::corpus_dir();
    assert!(kept_document_is_the_same_report(&files_under(&corpus)) >= 6);
}

#[test]
fn a_cross_year_finding_shows_the_cell_of_each_report_in_its_own_text() {
    let dir = scratch("carry");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("examples/example-2023.txt"), dir.join("区-2023.txt")).unwrap();
    // 2024's 上年结转·自然人 says 6 where 2023 carried 7 forward (新收 one more, so 表三 still balances).
    let text = std::fs::read_to_string(root.join("examples/example-2024.txt")).unwrap();
    let text = text.replacen("二、上年结转政府信息公开申请数量 |\n7 |", "二、上年结转政府信息公开申请数量 |\n6 |", 1).replacen(
        "一、本年新收政府信息公开申请数量 |\n191 |",
        "一、本年新收政府信息公开申请数量 |\n192 |",
        1,
    );
    std::fs::write(dir.join("区-2024.txt"), text).unwrap();
    let o = check(&dir, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let at = out.find("× [xyear.carry] 自然人列：本年报告的上年结转 6，上年报告的结转下年度 7，差 -1").unwrap_or_else(|| panic!("{out}"));
    let finding = &out[at..at + out[at..].find("说明：").unwrap()];
    // This year's cell in this year's file, last year's in last year's.
    assert!(finding.contains("区-2024.txt:76]") && finding.contains("二、上年结转政府信息公开申请数量·自然人 = 6"), "{finding}");
    assert!(finding.contains("区-2023.txt:288]") && finding.contains("上年·四、结转下年度继续办理·自然人 = 7"), "{finding}");
    // One line in short form; in CSV the previous year's cell is marked.
    let short = String::from_utf8_lossy(&check(&dir, &["--format", "short"]).stdout).into_owned();
    let lines: Vec<&str> = short.lines().filter(|l| l.contains("xyear.carry")).collect();
    assert_eq!(lines.len(), 1, "{short}");
    assert!(lines[0].contains("区-2024.txt:76: 错误 xyear.carry"), "{short}");
    let csv = check(&dir, &["--format", "csv"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&csv.stdout[3..]).records().map(Result::unwrap).collect();
    let carry = rows.iter().find(|r| &r[3] == "xyear.carry").expect("the carry row");
    assert!(carry[8].contains("；上年·四、结转下年度继续办理·自然人 = 7") && &carry[11] == "-1", "{carry:?}");
}
