//! `gouji check --format html --output DIR` on self-written reports (the bundled
//! examples): the files written, what the pages hold, that they fetch nothing. What a
//! browser shows of them is tests/html_browser.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gouji(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).output().expect("run gouji")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the example folder to change.
fn examples() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

fn pages(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn html_needs_an_output_folder_and_an_output_folder_needs_html() {
    let o = gouji(&["check", "examples", "--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format html 需要 --output 目录"), "{}", stderr(&o));
    let o = gouji(&["check", "examples", "--output", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--output 只用于 --format html"), "{}", stderr(&o));
    assert!(!Path::new("x").exists());
}

#[test]
fn pages_are_never_written_among_the_reports() {
    // The output folder is skipped by later runs; written over the reports it would hide
    // them. Their own folder, or one above it, is refused; a folder inside is fine.
    let src = examples();
    let reports = src.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt"), reports.join("a.txt")).unwrap();
    for out in [reports.clone(), src.path().to_path_buf(), reports.join(".")] {
        let o = gouji(&["check", reports.to_str().unwrap(), "--format", "html", "--output", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("包含所检查的") && stderr(&o).contains("请另选一个目录"), "{}", stderr(&o));
        assert!(!out.join("index.html").exists() && !out.join(".gouji-output").exists());
    }
    let inside = reports.join("网页");
    let o = gouji(&["check", reports.to_str().unwrap(), "--format", "html", "--output", inside.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(inside.join("index.html").is_file());
    // …and the next run still finds the report, not the pages.
    let o = gouji(&["check", reports.to_str().unwrap(), "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["reports"].as_array().unwrap().len(), 1, "{j}");
}

#[test]
fn the_examples_become_a_summary_and_a_page_per_report() {
    let src = examples();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("网页");
    let o = gouji(&["check", src.path().to_str().unwrap(), "--format", "html", "--output", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "an error finding: {}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.starts_with("网页报告：") && said.contains("index.html（3 份报告，0 个文件无法读取）"), "{said}");
    assert_eq!(pages(&dir), [".gouji-output", "0001-example-2023.txt.html", "0002-example-2024.txt.html", "0003-example.txt.html", "index.html"]);
    let index = read(dir.join("index.html"));
    assert!(index.contains("文件 3 个，检查报告 3 份：有错误 1，仅有警告 0，无问题 2，无法读取 0；与上年报告配对 1"), "{index}");
    assert!(index.contains("<a href=\"0001-example-2023.txt.html\">"), "each report links to its page");
    assert!(index.contains("data-rules=\"t4.block_total\""), "the filter's data");
    let page = read(dir.join("0001-example-2023.txt.html"));
    // The two 总计 cells of 表四 are the failing ones, each with its marker and its finding.
    for cell in ["c-t4-review-total", "c-t4-litigation_after_review-total"] {
        let at = page.find(&format!("<td id=\"{cell}\" class=\"cell-failing error\"")).unwrap_or_else(|| panic!("{cell} marked"));
        let td = &page[at..at + page[at..].find("</td>").unwrap()];
        assert!(td.contains("<span class=\"marker\" role=\"img\" aria-label=\"错误：问题所在\">▲</span>0"), "{td}");
        assert!(td.contains("<a class=\"ref\" href=\"#f-"), "{td}");
        assert!(page.contains(&format!("<a class=\"cell-link\" href=\"#{cell}\">")), "its finding links to it");
    }
    assert_eq!(page.matches("\" class=\"cell-failing").count(), 2, "no other cell failing");
    assert!(page.contains("<td id=\"c-t4-review-maintained\" class=\"cell-involved\""));
    assert!(page.contains("<h2>问题（2 条）</h2>"));
    assert!(page.contains("<p class=\"id\">编号 <code>"), "the id to dismiss it by");
    assert!(read(dir.join("0003-example.txt.html")).contains("没有发现问题。"));
    // Self-contained, printable.
    for name in pages(&dir).iter().filter(|n| n.ends_with(".html")) {
        let text = read(dir.join(name));
        for outside in ["http://", "https://", "<link", " src=", "@import", "url("] {
            assert!(!text.contains(outside), "{name} refers outside itself: {outside}");
        }
        assert!(text.contains("@page { size: A4;") && text.contains("@media print"), "{name}: a print stylesheet");
        assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{name}");
    }
    // Checking the folder again with the pages inside it: they are not read as reports.
    let inside = src.path().join("网页");
    let o = gouji(&["check", src.path().to_str().unwrap(), "--format", "html", "--output", inside.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let o = gouji(&["check", src.path().to_str().unwrap(), "--format", "short"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(".html"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = gouji(&["check", src.path().to_str().unwrap(), "--format", "html", "--output", inside.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("（3 份报告，0 个文件无法读取）"));
}

#[test]
fn a_cross_year_finding_shows_both_years_and_stale_pages_go() {
    let src = examples();
    // 2024's 上年结转: 自然人 7 → 6, 商业企业 1 → 2 (the row still sums to 8): neither is
    // what 2023 carried forward.
    let path = src.path().join("example-2024.txt");
    let text = read(path.clone());
    let lines: Vec<&str> = text.lines().collect();
    let row = lines.iter().position(|l| l.starts_with("二、上年结转政府信息公开申请数量")).unwrap();
    assert_eq!((lines[row + 1], lines[row + 2]), ("7 |", "1 |"));
    let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    changed[row + 1] = "6 |".into();
    changed[row + 2] = "2 |".into();
    std::fs::write(&path, changed.join("\n") + "\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path();
    // A page of an earlier run of a report no longer there.
    std::fs::write(dir.join(".gouji-output"), "").unwrap();
    std::fs::write(dir.join("0009-gone.txt.html"), "old").unwrap();
    std::fs::write(dir.join("mine.html"), "not ours").unwrap();
    let o = gouji(&["check", src.path().to_str().unwrap(), "--format", "html", "--output", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let names = pages(dir);
    assert!(!names.contains(&"0009-gone.txt.html".to_string()) && names.contains(&"mine.html".to_string()), "{names:?}");
    let page = read(dir.join("0002-example-2024.txt.html"));
    assert!(page.contains("上年报告：<span class=\"path\">"), "the previous year's report named");
    let at = page.find("[xyear.carry]").expect("the cross-year finding");
    let card = &page[page[..at].rfind("<article").unwrap()..at + page[at..].find("</article>").unwrap()];
    assert!(card.contains("<table class=\"years\"><thead><tr><th>2024 年</th><th>2023 年（上年）</th></tr></thead>"), "{card}");
    assert!(card.contains("<a class=\"cell-link\" href=\"#c-t3-carried_over-natural_person\">二、上年结转政府信息公开申请数量·自然人 = 6</a>"), "{card}");
    assert!(card.contains("<span class=\"cell-prev\">上年·四、结转下年度继续办理·自然人 = 7</span>"), "{card}");
    assert!(page.contains("<td id=\"c-t3-carried_over-natural_person\" class=\"cell-failing error\""), "this year's cell marked");
}

#[test]
fn markup_in_a_report_is_shown_as_text_never_run() {
    let dir = tempfile::tempdir().unwrap();
    let text = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.txt"));
    let hostile = "<img src=x onerror=alert(1)>";
    let text =
        text.replacen("规章 |\n0 |\n0 |", &format!("规章 |\n0 |\n{hostile} |"), 1).replacen("某某县人民政府", "某某县<script>alert(2)</script>人民政府", 1);
    std::fs::write(dir.path().join("x&<y>.txt"), text).unwrap();
    let out = dir.path().join("html");
    // As pipe text (by content, the tags would make it an HTML page).
    let o = gouji(&["check", dir.path().to_str().unwrap(), "--form", "pipe", "--format", "html", "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "text in a cell is a warning: {}", stderr(&o));
    let names = pages(&out);
    assert_eq!(names[1], "0001-x&_y_.txt.html", "{names:?}");
    let page = read(out.join(&names[1]));
    // A cell's text the importer could not place is said among the import notes, escaped.
    assert!(page.contains("[import.unmatched_row] 表二中无法识别的行“&lt;img src=x onerror=alert(1)&gt;”"), "{page}");
    assert!(page.contains("<h1>某某市某某县&lt;script&gt;alert(2)&lt;/script&gt;人民政府 2024 年度报告检查结果</h1>"));
    assert!(!page.contains("<img") && !page.contains("<script>alert"), "no markup of the report's");
    let index = read(out.join("index.html"));
    assert!(index.contains("<a href=\"0001-x&amp;_y_.txt.html\">") && index.contains("x&amp;&lt;y&gt;.txt</a>"), "{index}");
    assert!(!index.contains("<script>alert"));
}

/// The `<td>` of a cell on a page.
fn td<'a>(page: &'a str, cell: &str) -> &'a str {
    let at = page.find(&format!("<td id=\"{cell}\"")).unwrap_or_else(|| panic!("{cell} on the page"));
    &page[at..at + page[at..].find("</td>").unwrap()]
}

#[test]
fn warnings_and_doubts_read_apart_from_errors_without_colour() {
    // Blank cells where numbers belong (values.blank, a warning): △, not ▲.
    let src = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(fixtures.join("markdown/mouzhen_2020.md"), src.path().join("blank.md")).unwrap();
    // A row whose numbers cannot be placed (one cell short): its cells are 存疑, not ？.
    std::fs::copy(fixtures.join("pipe/2019_unmatched_rows.txt"), src.path().join("short.txt")).unwrap();
    // 表四's one flat row a cell short (a cell line dropped): all its cells are 存疑.
    let example = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt"));
    let mut lines: Vec<&str> = example.lines().collect();
    assert_eq!(lines[317], "10 |", "表四's first value");
    lines.remove(317);
    std::fs::write(src.path().join("t4.txt"), lines.join("\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = gouji(&["check", src.path().to_str().unwrap(), "--format", "html", "--output", out.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "warnings only: {}", stderr(&o));
    let names = pages(out.path());
    let page_of = |suffix: &str| read(out.path().join(names.iter().find(|n| n.ends_with(suffix)).unwrap_or_else(|| panic!("{suffix} in {names:?}"))));
    let page = page_of("-blank.md.html");
    let blank = td(&page, "c-t3-total_processed-commercial");
    assert!(blank.contains("class=\"cell-failing warning\"") && blank.contains("role=\"img\" aria-label=\"警告：问题所在\">△</span>"), "{blank}");
    assert!(blank.contains("<span class=\"blank\" title=\"空白\">·</span>"), "{blank}");
    assert!(!page.contains("▲</span>"), "no error marker on a page of warnings");
    assert!(page.contains("△ 5</span> 警告所在的单元格") && page.contains("存疑</span> 提取存疑、未读取"), "the legend says both");
    let page = page_of("-t4.txt.html");
    for cell in ["c-t4-review-maintained", "c-t4-litigation_after_review-total"] {
        assert!(td(&page, cell).contains(">存疑</span>"), "{}", td(&page, cell));
    }
    let page = page_of("-short.txt.html");
    for col in ["natural_person", "total"] {
        let cell = td(&page, &format!("c-t3-not_processed_repeat-{col}"));
        assert!(cell.contains("<span class=\"doubted\" title=\"提取存疑：这一格的数值无法确定，未读取\">存疑</span>"), "{cell}");
    }
    assert!(!td(&page, "c-t3-new_received-total").contains("存疑"), "the rows read are shown as read");
}
