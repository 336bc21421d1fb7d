//! The HTML findings report in a real browser: Debian's chromium, driven by
//! playwright-core (`tests/browser/drive.mjs`), loads the pages `gouji check --format html`
//! wrote and says what a person would see; these tests assert on it. Screenshots (and an A4
//! print of each page) are kept in `target/browser-artifacts/`.
//!
//! `#[ignore]`d like the corpus tests (they need chromium, `npm ci` in `tests/browser` and
//! the corpus); `.ci/run` installs what they need and runs them, and they fail loudly when
//! something is missing.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn gouji(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).output().expect("run gouji")
}

/// Where a test's screenshots are kept.
fn artifacts(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artifacts").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run the driver over a plan; its answer.
fn drive(plan: Value, dir: &Path) -> Value {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "playwright-core missing: run `npm ci --prefix tests/browser` (.ci/run does), and install chromium"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).is_file(), "chromium not found at {chromium}: `apt-get install chromium` (.ci/run does), or set CHROMIUM");
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, serde_json::to_string(&plan).unwrap()).unwrap();
    let out = Command::new("node").arg(browser.join("drive.mjs")).arg(&plan_file).output().expect("run node (needed for the browser tests)");
    assert!(out.status.success(), "driver failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the driver's JSON")
}

fn url(p: &Path) -> String {
    format!("file://{}", std::fs::canonicalize(p).unwrap().display())
}

/// The page written for a file whose name ends with `name`.
fn page_of(dir: &Path, name: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(&format!("-{name}.html")))
        .collect();
    assert_eq!(found.len(), 1, "one page for {name} in {}: {found:?}", dir.display());
    found[0].clone()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[test]
#[ignore = "needs chromium, tests/browser/node_modules and ../shared/corpus-raw"]
fn the_corpus_report_opens_in_chromium_with_009s_totals_marked() {
    let corpus = common::corpus_dir();
    let shots = artifacts("corpus");
    let html = shots.join("html");
    let o = gouji(&["check", corpus.to_str().unwrap(), "--format", "html", "--output", html.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let page = page_of(&html, "009_hongze-district_2023.pdf");
    let plan = serde_json::json!({
        "out": shots,
        "pages": [{"url": url(&page), "name": "009"}],
        "index": {"url": url(&html.join("index.html")), "filters": [["#f-rule", "t4.block_total"], ["#f-year", "2023"], ["#f-severity", "错误"]], "search": "hongze"},
    });
    let a = drive(plan, &shots);
    assert_eq!(a["fetched"], serde_json::json!([]), "the pages fetch nothing");
    let p = &a["pages"][0];
    assert_eq!(p["title"], "洪泽区人民政府 2023 年度报告检查结果");
    // The two 表四 总计 cells are the failing ones: red, marked ▲ (readable in grey), each
    // linked to its finding; the parts they were checked against are marked as involved.
    let marked = p["marked"].as_array().unwrap();
    let failing: Vec<&Value> = marked.iter().filter(|m| m["failing"] == true).collect();
    let ids: Vec<&str> = failing.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["c-t4-review-total", "c-t4-litigation_after_review-total"], "{marked:#?}");
    for m in &failing {
        assert_eq!(m["severity"], "error");
        assert_eq!(m["marker"], "▲");
        assert_eq!(m["background"], "rgb(255, 235, 238)");
        assert!(m["outline"].as_str().unwrap().starts_with("solid rgb(198, 40, 40)"), "{m}");
        assert_eq!(m["visible"], true);
        assert!(m["text"].as_str().unwrap().starts_with("▲0"), "the printed 0 with its marker: {m}");
    }
    let involved: Vec<&str> = marked.iter().filter(|m| m["failing"] == false).map(|m| m["id"].as_str().unwrap()).collect();
    assert!(involved.contains(&"c-t4-review-maintained") && involved.contains(&"c-t4-litigation_after_review-maintained"), "{involved:?}");
    // Their findings beside the table, each pointing at its cell first.
    let findings = p["findings"].as_array().unwrap();
    for (m, want) in failing.iter().zip(["行政复议", "复议后起诉"]) {
        let fid = m["findings"][0].as_str().unwrap();
        let f = findings.iter().find(|f| f["id"] == fid).expect("the finding of a marked cell is listed");
        assert!(f["heading"].as_str().unwrap().contains("错误 · 报告错误 · 表四各块"), "{f}");
        assert_eq!(f["links"][0], m["id"], "{want}: the finding links to its cell");
    }
    // Clicking a finding's cell brings the cell (off screen at the top of the page) into
    // view, outlined.
    let clicks = p["clicks"].as_array().unwrap();
    assert_eq!(clicks.len(), 2, "{clicks:#?}");
    for c in clicks {
        assert_eq!((c["before"].clone(), c["after"].clone(), c["focused"].clone()), (false.into(), true.into(), true.into()), "{c}");
    }
    assert_eq!(p["printHidden"], true, "the print stylesheet leaves the navigation out");
    // The summary: every report read, the unreadable files with their reasons, the filters.
    let ix = &a["index"];
    let all = strings(&ix["all"]);
    assert_eq!(all.len(), 17, "{all:?}");
    assert_eq!(ix["count"], "显示 17 / 17 份");
    let unreadable = strings(&ix["unreadable"]);
    assert_eq!(unreadable.len(), 4, "{unreadable:?}");
    assert!(unreadable.iter().any(|u| u.contains("README.md：未找到年度报告的章节或表格")), "{unreadable:?}");
    assert!(unreadable.iter().filter(|u| u.contains("PDF 没有可提取的文字层")).count() == 3, "{unreadable:?}");
    let by_rule = strings(&ix["filtered"]["#f-rule=t4.block_total"]);
    assert_eq!(by_rule.len(), 1, "{by_rule:?}");
    assert!(by_rule[0].ends_with("009_hongze-district_2023.pdf"));
    let by_year = strings(&ix["filtered"]["#f-year=2023"]);
    assert!(by_year.len() >= 2 && by_year.iter().all(|p| p.contains("2023")), "{by_year:?}");
    let with_errors = strings(&ix["filtered"]["#f-severity=错误"]);
    assert!(with_errors.iter().any(|p| p.ends_with("009_hongze-district_2023.pdf")) && with_errors.len() < all.len(), "{with_errors:?}");
    assert!(strings(&ix["searched"]).iter().all(|p| p.contains("hongze")));
    // Sorting by 错误: ascending then descending.
    let asc: Vec<u32> = strings(&ix["ascending"]).iter().map(|s| s.parse().unwrap()).collect();
    let desc: Vec<u32> = strings(&ix["descending"]).iter().map(|s| s.parse().unwrap()).collect();
    assert!(asc.windows(2).all(|w| w[0] <= w[1]) && desc.windows(2).all(|w| w[0] >= w[1]) && desc[0] > 0, "{asc:?} {desc:?}");
    for shot in ["009.png", "009-clicked.png", "009.pdf", "index.png", "index-filtered.png"] {
        assert!(std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000, "{shot} kept");
    }
}

#[test]
#[ignore = "needs chromium, tests/browser/node_modules and ../shared/seeds"]
fn a_planted_error_in_the_seed_is_marked_and_its_finding_links_to_it() {
    let shots = artifacts("seed");
    let seed = std::fs::read_to_string(common::seed()).unwrap();
    // 本年新收·总计 5 → 6 (the line after the row's six applicant cells).
    let lines: Vec<&str> = seed.lines().collect();
    let row = lines.iter().position(|l| l.starts_with("一、本年新收政府信息公开申请数量")).unwrap();
    assert_eq!(lines[row + 7], "5 |", "the seed's 本年新收·总计");
    let mut planted: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    planted[row + 7] = "6 |".into();
    let reports = shots.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(reports.join("seed-planted.txt"), planted.join("\n") + "\n").unwrap();
    let html = shots.join("html");
    let o = gouji(&["check", reports.to_str().unwrap(), "--format", "html", "--output", html.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let page = page_of(&html, "seed-planted.txt");
    let a = drive(serde_json::json!({"out": shots, "pages": [{"url": url(&page), "name": "seed-planted"}]}), &shots);
    let p = &a["pages"][0];
    let marked = p["marked"].as_array().unwrap();
    let cell = marked.iter().find(|m| m["id"] == "c-t3-new_received-total").expect("the planted cell is marked");
    assert_eq!((cell["failing"].clone(), cell["severity"].clone(), cell["marker"].clone()), (true.into(), "error".into(), "▲".into()), "{cell}");
    assert!(cell["text"].as_str().unwrap().starts_with("▲6"), "{cell}");
    // Its findings (the row total and the balance) link to it, and a click lands on it.
    let findings = p["findings"].as_array().unwrap();
    let row_total = findings.iter().find(|f| f["heading"].as_str().unwrap().contains("表三各行：总计 = 六类申请人之和")).expect("t3.row_total listed");
    assert_eq!(row_total["links"][0], "c-t3-new_received-total");
    assert!(strings(&cell["findings"]).contains(&row_total["id"].as_str().unwrap().to_string()), "the cell links back to it");
    let click = p["clicks"].as_array().unwrap().iter().find(|c| c["finding"] == row_total["id"]).expect("clicked");
    assert_eq!((click["after"].clone(), click["focused"].clone(), click["hash"].clone()), (true.into(), true.into(), "#c-t3-new_received-total".into()));
    // The prose rule's finding shows its sentence, the number marked.
    let prose = findings.iter().find(|f| !f["prose"].as_array().unwrap().is_empty()).expect("a finding with its sentence");
    assert!(prose["prose"][0].as_str().unwrap().contains("5件"), "{prose}");
    assert!(std::fs::metadata(shots.join("seed-planted.png")).unwrap().len() > 10_000);
}
