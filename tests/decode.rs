//! Glued digits (DOMAIN.md §5.2): self-written scraper pages with every ambiguity kind, and
//! the seven real 平潭 pages (`#[ignore]`d, they read `../shared/corpus-raw/`). Each decoded
//! cell is asserted with its record (how many readings its form allowed, which identities
//! chose one); each undecidable run is a doubt whose cells stay unread.

mod common;

use common::{assert_rows, check_bytes, corpus_file};
use gouji::report::{CellState, Report};
use gouji::FindingClass;
use std::path::Path;

fn read(path: &Path) -> Report {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    gouji::read(&path.to_string_lossy(), &bytes, None).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> Report {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glued").join(name))
}

/// The identities that decided a cell (`["I2", "I1"]`) and its run's readings by form.
fn record(r: &Report, table: &str, row: &str, col: &str) -> (Vec<String>, usize) {
    let c = r.cell(table, row, col).unwrap_or_else(|| panic!("no {table}.{row}.{col}"));
    let d = c.decoded.as_ref().unwrap_or_else(|| panic!("{table}.{row}.{col} has no decoding record"));
    (d.by.iter().map(|u| u.id.clone()).collect(), d.readings)
}

fn diag<'r>(r: &'r Report, code: &str, has: &str) -> &'r str {
    let d = r.diagnostics.iter().find(|d| d.code == code && d.message.contains(has));
    &d.unwrap_or_else(|| panic!("no {code} saying {has:?} in {:#?}", r.diagnostics)).message
}

const T3_ZERO: &str = "0 0 0 0 0 0 0";

#[test]
fn every_kind_of_glued_run_decodes_with_its_record() {
    let r = fixture("glued_2022.txt");
    let mut want = vec![
        ("new_received", "80 1 0 0 0 3 84"),
        ("carried_over", T3_ZERO),
        ("granted", "22 0 0 0 0 3 25"),
        ("partial_grant", "5 1 0 0 0 0 6"),
        // The next row's ordinal `2.` glued on: not part of the run.
        ("unable_no_info", "30 0 0 0 0 0 30"),
        ("total_processed", "57 1 0 0 0 3 61"),
        // A stray space inside the run (`230 000023`) is no boundary.
        ("carried_forward", "23 0 0 0 0 0 23"),
    ];
    // Every other row of the 2021 表三 is all zeros.
    let t3 = gouji::template::by_id("2021").and_then(|t| t.table("t3")).expect("2021 表三");
    let named: Vec<&str> = want.iter().map(|(k, _)| *k).collect();
    let zero: Vec<&str> = t3.rows().map(|(_, r)| r.key.as_str()).filter(|k| !named.contains(k)).collect();
    assert_eq!(zero.len(), 18);
    want.extend(zero.into_iter().map(|k| (k, T3_ZERO)));
    assert_rows(&r, "t3", &want);
    // 表四 as one run of 17 digits for 15 cells: only I3 per block leaves one reading.
    assert_rows(&r, "t4", &[("review", "25 3 8 0 36"), ("litigation_direct", "3 3 0 0 6"), ("litigation_after_review", "3 0 0 0 3")]);

    // The form alone: one reading.
    assert_eq!(record(&r, "t3", "partial_grant", "total"), (vec![], 1));
    assert_eq!(record(&r, "t3", "carried_over", "natural_person"), (vec![], 1));
    // I2 within the row.
    assert_eq!(record(&r, "t3", "new_received", "commercial").0, ["I2"]);
    // 220000325 is 22|0|0|0|0|3|25 and 2|20|0|0|0|3|25 by I2; I1 (the 自然人 column's
    // （七）总计) leaves the first.
    let (by, readings) = record(&r, "t3", "granted", "natural_person");
    assert_eq!(by, ["I2", "I1"]);
    assert_eq!(readings, 7);
    assert_eq!(record(&r, "t4", "review", "total").0, ["I3"]);
    let t4 = r.cell("t4", "review", "total").and_then(|c| c.decoded.clone()).unwrap();
    assert_eq!((t4.run.as_str(), t4.cells, t4.readings), ("25380363300630003", 15, 48));

    // Each decoded cell points into its run in the source.
    for (table, row, col, raw) in [("t3", "carried_forward", "natural_person", "23"), ("t3", "granted", "total", "25"), ("t4", "review", "total", "36")] {
        let c = r.cell(table, row, col).unwrap();
        assert_eq!((c.raw.as_str(), r.text(c.span)), (raw, raw), "{table}.{row}.{col}");
    }
    let spaced = r.cell("t3", "carried_forward", "research").unwrap();
    assert_eq!(spaced.raw, "0");

    // The consumed identities are recorded where they were used.
    let used: Vec<String> = r.consumed.iter().map(|c| format!("{} {}", c.identity.id, c.identity.at)).collect();
    assert!(used.contains(&"I1 自然人列".to_string()), "{used:?}");
    assert!(used.contains(&"I2 （一）予以公开".to_string()), "{used:?}");
    assert!(!used.iter().any(|u| u.starts_with("O1")), "O1 was not needed: {used:?}");

    // 表二 has no identity: unique runs decode, others are doubts and stay unread.
    assert_rows(
        &r,
        "t2",
        &[
            ("regulations", "0 0 0"),
            ("normative_docs", "<missing> <missing> <missing>"),
            ("licensing", "10690"),
            ("punishment", "2113"),
            ("coercion", "0"),
            ("fees", "9116.36"),
        ],
    );
    assert!(diag(&r, "import.glued_ambiguous", "8855698").contains("8|855|698"));
    assert!(diag(&r, "import.decoded", "表三").contains("I1"));
}

#[test]
fn runs_no_identity_settles_are_doubts_never_numbers() {
    let r = fixture("glued_doubts_2022.txt");
    // Without （七）总计, I1 cannot choose between the two I2 readings of 予以公开.
    let msg = diag(&r, "import.glued_ambiguous", "220000325");
    assert!(msg.contains("22|0|0|0|0|3|25") && msg.contains("2|20|0|0|0|3|25"), "{msg}");
    assert!(r.tables["t3"].rows.get("granted").is_some_and(|row| row.cells.is_empty()), "undecided cells stay unread");
    // Six digits cannot fill seven cells.
    diag(&r, "import.glued_undecodable", "000000");
    assert!(r.tables["t3"].rows.get("carried_over").is_some_and(|row| row.cells.is_empty()));
    diag(&r, "import.missing_row", "（七）总计");
    // No report error rests on a cell that was not read.
    let (_, e) =
        check_bytes("glued_doubts_2022.txt", &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glued/glued_doubts_2022.txt")).unwrap())
            .unwrap();
    let errors: Vec<&str> = e
        .findings
        .iter()
        .filter(|f| f.class == FindingClass::ReportError && f.severity == gouji::syntax::ast::Severity::Error)
        .map(|f| f.rule.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_consistent_glued_report_has_no_report_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glued/glued_2022.txt");
    let (_, e) = check_bytes("glued_2022.txt", &std::fs::read(path).unwrap()).unwrap();
    let errors: Vec<String> = e
        .findings
        .iter()
        .filter(|f| f.class == FindingClass::ReportError && f.severity == gouji::syntax::ast::Severity::Error)
        .map(|f| f.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_check_on_doubted_cells_says_they_were_not_read() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glued/glued_doubts_2022.txt");
    let (r, e) = check_bytes("glued_doubts_2022.txt", &std::fs::read(path).unwrap()).unwrap();
    assert!(r.is_doubted("t3", "granted", "natural_person"));
    assert!(!r.is_doubted("t3", "new_received", "natural_person"));
    let f = e.findings.iter().find(|f| f.rule == "t3.row_total" && f.cells.iter().any(|c| c.row == "granted")).expect("t3.row_total on （一）予以公开");
    assert_eq!(f.class, FindingClass::NotAssessable);
    assert!(f.message.contains("（一）予以公开·总计 = 提取存疑（未读取）"), "{}", f.message);
    assert!(f.cells.iter().all(|c| c.doubted), "{:#?}", f.cells);
    // A cell that is merely absent is 缺失, not a doubt.
    let total = e.findings.iter().find(|f| f.rule == "t3.results_total").unwrap();
    assert!(total.message.contains("（七）总计·自然人 = 缺失"), "{}", total.message);
    assert!(total.cells.iter().any(|c| c.row == "total_processed" && !c.doubted));
}

#[test]
fn checks_on_cells_an_identity_decoded_say_they_are_not_independent() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glued/glued_2022.txt");
    let (_, e) = check_bytes("glued_2022.txt", &std::fs::read(path).unwrap()).unwrap();
    let rule = |id: &str| e.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"));
    let ids = |id: &str| rule(id).decoded_by.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
    // I2 decided five rows, so five of t3.row_total's checks restate it; I1 one column.
    assert_eq!((rule("t3.row_total").on_decoding, ids("t3.row_total")), (5, vec!["I2".to_string(); 5]));
    assert_eq!((rule("t3.results_total").on_decoding, ids("t3.results_total")), (1, vec!["I1".to_string()]));
    assert_eq!(rule("t4.block_total").on_decoding, 1);
    // t3.balance (O1) was not used to decode: its checks are independent evidence.
    assert_eq!(rule("t3.balance").on_decoding, 0);
    assert!(rule("t3.row_total").decoded_by_text().contains("I2（"));
}

// ---------------------------------------------------------------- the real 平潭 pages

const PINGTAN: [&str; 7] = [
    "001_pingtan_2019_page.txt",
    "002_pingtan_2020_page.txt",
    "003_pingtan_2021_page.txt",
    "004_pingtan_2022_page.txt",
    "005_pingtan_2023_page.txt",
    "006_pingtan_2024_page.txt",
    "007_pingtan_2025_page.txt",
];

/// DOMAIN.md's appendix: t3 总计 of 新收 · 结转 · （七）总计 · 结转下年度; t4 totals.
const TOTALS: [([i64; 4], [i64; 3]); 7] = [
    ([23, 0, 23, 0], [0, 0, 0]),
    ([21, 0, 21, 0], [0, 0, 0]),
    ([70, 0, 69, 1], [3, 12, 0]),
    ([74, 1, 75, 0], [2, 1, 0]),
    ([81, 0, 81, 0], [2, 5, 2]),
    ([218, 0, 218, 0], [7, 0, 19]),
    ([154, 0, 148, 6], [36, 6, 3]),
];

#[test]
#[ignore = "reads ../shared/corpus-raw"]
fn every_pingtan_t3_and_t4_cell_decodes_with_its_record() {
    for (file, (t3, t4)) in PINGTAN.iter().zip(TOTALS) {
        let r = read(&corpus_file(file));
        let want_t3 = if file.contains("2019") || file.contains("2020") { 161 } else { 175 };
        for (table, want) in [("t3", want_t3), ("t4", 15)] {
            let t = r.tables.get(table).unwrap_or_else(|| panic!("{file}: no {table}"));
            let cells: Vec<_> = t.rows.values().flat_map(|row| row.cells.values()).collect();
            assert_eq!(cells.len(), want, "{file}: {table} cells");
            assert!(cells.iter().all(|c| c.state == CellState::Number && c.decoded.is_some()), "{file}: {table}: every cell a decoded number");
        }
        let total = |table: &str, row: &str| r.cell(table, row, "total").and_then(|c| c.value).map(|v| v.to_string());
        let got3: Vec<_> = ["new_received", "carried_over", "total_processed", "carried_forward"].iter().map(|k| total("t3", k)).collect();
        let got4: Vec<_> = ["review", "litigation_direct", "litigation_after_review"].iter().map(|k| total("t4", k)).collect();
        assert_eq!(got3, t3.map(|v| Some(v.to_string())), "{file}: t3 totals");
        assert_eq!(got4, t4.map(|v| Some(v.to_string())), "{file}: t4 totals");
        let doubts: Vec<&str> =
            r.diagnostics.iter().filter(|d| d.code.starts_with("import.glued") && !d.message.starts_with("表二")).map(|d| d.message.as_str()).collect();
        assert!(doubts.is_empty(), "{file}: {doubts:?}");
    }
}

#[test]
#[ignore = "reads ../shared/corpus-raw"]
fn the_2024_text_page_gives_the_cells_of_its_html_twin() {
    let text = read(&corpus_file("006_pingtan_2024_page.txt"));
    let html = read(&corpus_file("html/006_pingtan_2024_page.html"));
    for table in ["t3", "t4"] {
        let values = |r: &Report| -> Vec<(String, String, String)> {
            let t = &r.tables[table];
            t.rows.iter().flat_map(|(rk, row)| row.cells.iter().map(move |(ck, c)| (rk.to_string(), ck.to_string(), c.raw.to_string()))).collect()
        };
        assert_eq!(values(&text), values(&html), "{table}");
    }
}

#[test]
#[ignore = "reads ../shared/corpus-raw"]
fn pingtan_2020_fails_results_total_by_minus_six_and_the_others_hold() {
    for file in PINGTAN {
        let path = corpus_file(file);
        let (_, e) = check_bytes(file, &std::fs::read(&path).unwrap()).unwrap();
        let errors: Vec<String> = e
            .findings
            .iter()
            .filter(|f| f.class == FindingClass::ReportError && f.severity == gouji::syntax::ast::Severity::Error)
            .map(|f| {
                format!(
                    "{} @ {} Δ {}",
                    f.rule,
                    f.binding.iter().map(|b| b.key.as_str()).collect::<Vec<_>>().join(","),
                    f.delta.map(|d| d.to_string()).unwrap_or_default()
                )
            })
            .collect();
        if file.starts_with("002") {
            assert_eq!(errors, ["t3.results_total @ natural_person Δ -6", "t3.results_total @ total Δ -6"], "{file}");
            // Decided from rows that decode without I1: nothing the rule checks consumed it.
            let r = read(&path);
            assert!(!r.consumed.iter().any(|c| c.identity.id == "I1"), "{:?}", r.consumed);
            let failed = e.findings.iter().filter(|f| f.class == FindingClass::ReportError && f.severity == gouji::syntax::ast::Severity::Error);
            assert!(failed.clone().all(|f| f.decoded_by.is_empty() && !f.message.contains("不是独立证据")), "{file}");
        } else {
            assert!(errors.is_empty(), "{file}: {errors:?}");
        }
    }
}
