//! `gouji parse` on pipe-per-cell reports: JSON and human snapshots of every fixture in
//! `tests/fixtures/pipe/` and of the bundled example, spans that show exactly the raw cell
//! text, and the values the seed must give. Seed and corpus tests are `#[ignore]`d (they need
//! `../shared`); CI runs them with `-- --ignored`.

mod common;

use gouji::report::{Cell, CellState, Report};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A report read the way `gouji parse` reads it, named by its path inside the repository so
/// snapshots do not depend on where the clone lives.
fn read(path: &Path) -> Report {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    gouji::read(&name, &bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fixture(name: &str) -> Report {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipe").join(name))
}

fn example() -> Report {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.txt"))
}

/// Every fixture and the example, for the tests that go over all of them.
fn all_inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/pipe"))
        .expect("tests/fixtures/pipe")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths.push(root.join("examples/example.txt"));
    assert!(paths.len() >= 8, "expected at least seven fixtures and the example, found {}", paths.len());
    paths
}

fn cell<'r>(r: &'r Report, table: &str, row: &str, col: &str) -> &'r Cell {
    r.cell(table, row, col).unwrap_or_else(|| panic!("{}: no cell {table}.{row}.{col}", r.path))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// The value of a numeric cell (panics on a blank, marker or text cell).
fn num(r: &Report, table: &str, row: &str, col: &str) -> Decimal {
    let c = cell(r, table, row, col);
    c.value.unwrap_or_else(|| panic!("{}: {table}.{row}.{col} is {:?} {:?}, not a number", r.path, c.state, c.raw))
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

// ---------------------------------------------------------------- snapshots

/// The JSON exactly as `gouji parse --format json` prints it (numbers keep their digits:
/// serde_json's arbitrary precision does not survive insta's own JSON serializer).
fn json(report: &Report) -> String {
    serde_json::to_string_pretty(&gouji::render::parse::json(report)).expect("JSON")
}

#[test]
fn fixtures_json() {
    insta::glob!("fixtures/pipe/*.txt", |path| {
        insta::assert_snapshot!(json(&read(path)));
    });
}

#[test]
fn fixtures_human() {
    insta::glob!("fixtures/pipe/*.txt", |path| {
        insta::assert_snapshot!(gouji::render::parse::human(&read(path)));
    });
}

#[test]
fn example_json_and_human() {
    insta::glob!("../examples", "example.txt", |path| {
        let report = read(path);
        insta::assert_snapshot!("example_json", json(&report));
        insta::assert_snapshot!("example_human", gouji::render::parse::human(&report));
    });
}

// ---------------------------------------------------------------- spans

/// Every number, marker or text cell's span shows exactly its raw text; a blank cell's span
/// is empty. Nothing is rewritten between the source and the model.
#[test]
fn every_cell_span_shows_its_raw_text() {
    let mut checked = 0;
    for path in all_inputs() {
        let r = read(&path);
        for (t, table) in &r.tables {
            for (k, row) in &table.rows {
                for (c, cell) in &row.cells {
                    let at = format!("{}: {t}.{k}.{c}", r.path);
                    assert_eq!(r.text(cell.span), cell.raw, "{at}");
                    match cell.state {
                        CellState::Blank => assert_eq!((cell.span.len, cell.raw.as_str()), (0, ""), "{at}"),
                        CellState::Number => {
                            assert!(cell.value.is_some(), "{at}");
                            assert!(!cell.raw.is_empty(), "{at}");
                        }
                        CellState::Marker | CellState::Text => assert!(cell.value.is_none() && !cell.raw.is_empty(), "{at}"),
                    }
                    checked += 1;
                }
            }
        }
    }
    // 2 × 2019 complete (161 + 22 + 15), 4 × 2021 complete (175 + 10 + 15), the truncated
    // report and the one with unmatched rows contribute the rest.
    assert!(checked > 1200, "only {checked} cells checked");
}

/// The JSON carries every numeric cell's raw text next to its span.
#[test]
fn json_numbers_carry_raw_and_span() {
    let r = fixture("2021_district_gov.txt");
    let json = gouji::render::parse::json(&r);
    let c = &json["tables"]["t2"]["fees"]["amount_wan"];
    assert_eq!(c["raw"], "5949.088667");
    assert_eq!(c["value"].to_string(), "5949.088667");
    assert_eq!(c["unit"], "万元");
    let (off, len) = (c["span"]["offset"].as_u64().unwrap() as usize, c["span"]["len"].as_u64().unwrap() as usize);
    assert_eq!(&r.source[off..off + len], "5949.088667");
}

// ---------------------------------------------------------------- what each fixture shows

#[test]
fn template_2019_with_blanks_and_negative_change() {
    let r = fixture("2019_water_bureau.txt");
    assert_eq!((r.year, r.template.as_deref()), (Some(2020), Some("2019")));
    assert_eq!(r.issuer.as_deref(), Some("某某市某某区水务局"));
    assert_eq!(r.published.as_deref(), Some("2021-01-22"));
    assert_eq!(r.sections.len(), 6);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.tables["t3"].rows.len(), 23);
    assert_eq!(num(&r, "t2", "licensing", "change"), dec("-2"));
    assert_eq!(num(&r, "t2", "punishment", "change"), dec("-4"));
    let amount = cell(&r, "t2", "procurement", "amount");
    assert_eq!((amount.value, amount.unit.as_deref()), (Some(dec("386.42")), Some("万元")));
    for col in ["commercial", "research", "social_org", "legal_service", "other_org"] {
        assert_eq!(cell(&r, "t3", "carried_over", col).state, CellState::Blank, "carried_over.{col}");
    }
    assert_eq!(num(&r, "t3", "carried_over", "total"), dec("1"));
}

#[test]
fn template_2021_complete() {
    let r = fixture("2021_district_gov.txt");
    assert_eq!((r.year, r.template.as_deref()), (Some(2021), Some("2021")));
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.tables["t3"].rows.len(), 25);
    assert!(r.tables["t3"].rows.values().all(|row| row.cells.len() == 7));
    assert_eq!(num(&r, "t3", "other_overdue_correction", "natural_person"), dec("3"));
    assert_eq!(num(&r, "t3", "other_other", "total"), dec("3"));
    assert_eq!(num(&r, "t2", "normative_docs", "issued"), dec("9"));
    assert_eq!(num(&r, "t2", "licensing", "decisions"), dec("1325"));
    assert_eq!(r.tables["t2"].rows["punishment"].cells.len(), 1);
    assert_eq!(num(&r, "t4", "review", "total"), dec("8"));
}

#[test]
fn markers_blanks_and_units_stay_distinct() {
    let r = fixture("2021_town_markers.txt");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    for (row, col, raw) in [
        ("denied_state_secret", "legal_service", "-"),
        ("denied_law_forbidden", "legal_service", "/"),
        ("denied_three_safety", "legal_service", "无"),
        ("not_processed_repeat", "social_org", "—"),
    ] {
        let c = cell(&r, "t3", row, col);
        assert_eq!((c.state, c.raw.as_str(), c.value), (CellState::Marker, raw, None), "t3.{row}.{col}");
    }
    assert!(r.tables["t3"].rows.values().all(|row| row.cells["research"].state == CellState::Blank));
    assert_eq!(cell(&r, "t2", "regulations", "issued").state, CellState::Marker);
    assert_eq!(cell(&r, "t2", "licensing", "decisions").raw, "无");
    let fee = cell(&r, "t2", "fees", "amount_wan");
    assert_eq!((fee.raw.as_str(), fee.value, fee.unit.as_deref()), ("3200元", Some(dec("3200")), Some("元")));
    assert_eq!(cell(&r, "t4", "review", "total").state, CellState::Marker);
    assert_eq!(cell(&r, "t4", "litigation_after_review", "total").state, CellState::Blank);
    assert_eq!(num(&r, "t4", "litigation_after_review", "pending"), Decimal::ZERO);
}

#[test]
fn label_variants_match_their_rows() {
    let r = fixture("2021_label_variants.txt");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let t3 = &r.tables["t3"];
    assert_eq!((t3.template.as_str(), t3.rows.len()), ("2021", 25));
    assert!(t3.rows.values().all(|row| row.cells.len() == 7));
    let label = |k: &str| t3.rows[k].label.clone();
    assert!(label("denied_law_forbidden").ends_with("2、其他法律行政止公开"));
    assert!(label("partial_grant").ends_with("（二）部分公开（区分处理的，"));
    assert!(label("granted").contains("三、本年度办 理结果"));
    assert!(label("not_processed_massive").ends_with("4.无正当理由大量反复 申请"));
    assert_eq!(num(&r, "t3", "denied_law_forbidden", "total"), dec("1"));
    assert_eq!(num(&r, "t3", "new_received", "total"), dec("21"));
    assert_eq!(r.tables["t2"].template, "2021");
    assert_eq!(num(&r, "t2", "normative_docs", "in_force"), dec("2"));
    assert_eq!(r.sections.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
}

#[test]
fn mixed_report_is_imported_as_it_is_and_says_so() {
    let r = fixture("mixed_2021_t2_single_other.txt");
    assert_eq!(r.tables["t2"].template, "2021");
    assert_eq!(r.tables["t3"].template, "2019");
    assert_eq!(num(&r, "t3", "other", "total"), dec("3"));
    assert!(!r.tables["t3"].rows.contains_key("other_overdue_correction"));
    assert_eq!(codes(&r), ["import.mixed_template"]);
}

#[test]
fn truncated_report_says_what_is_missing_and_where() {
    let r = fixture("truncated_in_t3.txt");
    assert_eq!(r.tables["t3"].template, "2021", "a truncated table keeps the year's template");
    assert!(!r.tables.contains_key("t4"));
    assert_eq!(num(&r, "t3", "unable_no_info", "total"), dec("2"));
    let c = codes(&r);
    for code in ["import.missing_section", "import.cell_count", "import.missing_row", "import.missing_table"] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    assert_eq!(c.iter().filter(|c| **c == "import.missing_section").count(), 3);
    let missing = r.diagnostics.iter().find(|d| d.code == "import.missing_row").unwrap();
    assert!(missing.message.contains("缺少 11 行"), "{}", missing.message);
    assert!(missing.message.contains("（七）总计"), "{}", missing.message);
    // Pointed at where the table stops: the end of the last cell read.
    let span = missing.span.expect("missing rows are pointed");
    assert_eq!(span.offset, r.source.trim_end().trim_end_matches('|').trim_end().len());
    let partial = r.diagnostics.iter().find(|d| d.code == "import.cell_count").unwrap();
    assert!(r.text(partial.span.unwrap()).starts_with("2.没有现成信息需要另行制作"));
}

#[test]
fn planted_errors_are_kept_as_printed() {
    let r = fixture("planted_errors.txt");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    // （七）总计 is 2 above the sum of its leaves, in natural_person and total.
    let leaves: Decimal =
        gouji::template::by_id("2021").unwrap().table("t3").unwrap().leaves("results").iter().map(|l| num(&r, "t3", &l.key, "natural_person")).sum();
    assert_eq!(num(&r, "t3", "total_processed", "natural_person"), leaves + dec("2"));
    assert_eq!(num(&r, "t3", "granted", "total"), dec("10"));
    assert_eq!(num(&r, "t3", "granted", "natural_person") + num(&r, "t3", "granted", "commercial"), dec("11"));
    assert_eq!(num(&r, "t4", "review", "maintained"), dec("3"));
    assert_eq!(num(&r, "t4", "review", "total"), Decimal::ZERO);
    assert_eq!(cell(&r, "t4", "litigation_after_review", "total").state, CellState::Blank);
}

#[test]
fn unmatched_row_and_wrong_cell_count_are_pointed() {
    let r = fixture("2019_unmatched_rows.txt");
    let unmatched = r.diagnostics.iter().find(|d| d.code == "import.unmatched_row").expect("unmatched row");
    assert!(r.text(unmatched.span.unwrap()).starts_with("(八)其他情形"));
    let count = r.diagnostics.iter().find(|d| d.code == "import.cell_count").expect("cell count");
    assert!(r.text(count.span.unwrap()).starts_with("2.重复申请"));
    assert!(r.tables["t3"].rows["not_processed_repeat"].cells.is_empty(), "no cell guessed for a short row");
    assert_eq!(num(&r, "t3", "other", "total"), Decimal::ZERO, "the unknown row did not shift later rows");
}

/// The bundled example is complete and every identity of DOMAIN.md §3 holds on it.
#[test]
fn example_is_complete_and_consistent() {
    let r = example();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!((r.year, r.template.as_deref()), (Some(2024), Some("2021")));
    let t3 = gouji::template::by_id("2021").unwrap().table("t3").unwrap();
    let cols = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"];
    for col in cols {
        let n = |row: &str| num(&r, "t3", row, col);
        assert_eq!(n("new_received") + n("carried_over"), n("total_processed") + n("carried_forward"), "O1 {col}");
        let leaves: Decimal = t3.leaves("results").iter().map(|l| n(&l.key)).sum();
        assert_eq!(n("total_processed"), leaves, "I1 {col}");
    }
    for (_, row) in t3.rows() {
        let s: Decimal = cols[..6].iter().map(|c| num(&r, "t3", &row.key, c)).sum();
        assert_eq!(num(&r, "t3", &row.key, "total"), s, "I2 {}", row.key);
    }
    for b in ["review", "litigation_direct", "litigation_after_review"] {
        let parts: Decimal = ["maintained", "corrected", "other", "pending"].iter().map(|c| num(&r, "t4", b, c)).sum();
        assert_eq!(num(&r, "t4", b, "total"), parts, "I3 {b}");
    }
}

/// A scraped page with the whole report on one line still yields its sections.
#[test]
fn headings_inside_one_line_are_sections() {
    let text = "某某县2021年政府信息公开工作年度报告\n本报告包括总体情况、主动公开政府信息情况等六个部分。一、总体情况全年公开信息100条。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数1 0 3三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量1000001四、政府信息公开行政复议、行政诉讼情况000000五、存在的主要问题及改进情况无。六、其他需要报告的事项无。\n";
    let r = gouji::read("one_line.txt", text.as_bytes(), None).expect("a report");
    let numbers: Vec<u8> = r.sections.iter().map(|s| s.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    assert_eq!(r.sections[0].text, "全年公开信息100条。");
    // 表三's one glued row decodes (one reading); 表二 has no row label, 表四 too few digits.
    assert_eq!(r.tables.keys().collect::<Vec<_>>(), ["t3"]);
    assert_eq!(common::row(&r, "t3", "new_received"), ["1", "0", "0", "0", "0", "0", "1"]);
    let missing: Vec<_> = r.diagnostics.iter().filter(|d| d.code == "import.missing_table").collect();
    assert_eq!(missing.len(), 2);
    assert!(missing.iter().all(|d| d.span.is_some()), "pointed at their sections");
}

// ---------------------------------------------------------------- the seed (needs ../shared)

fn seed() -> Report {
    let path = common::seed();
    let bytes = std::fs::read(&path).expect("seed readable");
    gouji::read("seeds/000_f9533017e326e83f.txt", &bytes, None).expect("the seed is a report")
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_must_show_values() {
    let r = seed();
    assert_eq!((r.template.as_deref(), r.year), (Some("2019"), Some(2020)));
    assert_eq!(r.issuer.as_deref(), Some("无锡市滨湖区民政局"));
    assert_eq!(r.published.as_deref(), Some("2021-01-29"));
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(num(&r, "t3", "new_received", "natural_person"), dec("5"));
    assert_eq!(num(&r, "t3", "unable_no_info", "total"), dec("3"));
    assert_eq!(num(&r, "t3", "total_processed", "natural_person"), dec("5"));
    assert_eq!(num(&r, "t3", "total_processed", "total"), dec("5"));
    for col in ["commercial", "research", "social_org", "legal_service", "other_org"] {
        let c = cell(&r, "t3", "total_processed", col);
        assert_eq!((c.state, c.value, c.span.len), (CellState::Blank, None, 0), "t3.total_processed.{col} is blank, not 0");
    }
    assert_eq!(num(&r, "t4", "review", "other"), dec("1"));
    assert_eq!(num(&r, "t4", "review", "total"), dec("1"));
    assert_eq!(num(&r, "t2", "punishment", "change"), dec("-3"));
    let p = cell(&r, "t2", "procurement", "amount");
    assert_eq!((p.raw.as_str(), p.value, p.unit.as_deref()), ("1946.6890万元", Some(dec("1946.689")), Some("万元")));
    let cells = |t: &str| r.tables[t].rows.values().map(|row| row.cells.len()).sum::<usize>();
    assert_eq!((cells("t2"), cells("t3"), cells("t4")), (22, 161, 15));
    for (t, table) in &r.tables {
        for (k, row) in &table.rows {
            for (c, cell) in &row.cells {
                assert_eq!(r.text(cell.span), cell.raw, "{t}.{k}.{c}");
            }
        }
    }
}

#[test]
#[ignore = "needs ../shared/seeds"]
fn seed_json() {
    insta::assert_snapshot!(json(&seed()));
}

// ---------------------------------------------------------------- the corpus (needs ../shared)

/// The glued-digit 平潭 pages: the six sections and all three tables, decoded from their
/// glued runs (cells and values: tests/decode.rs), and no table said missing.
#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn pingtan_pages_give_sections_and_all_three_tables() {
    let dir = common::corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("_pingtan_") && n.ends_with("_page.txt"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    for (name, year) in names.iter().zip(2019u16..) {
        let r = read(&common::corpus_file(name));
        assert_eq!(r.year, Some(year), "{name}");
        assert_eq!(r.issuer.as_deref(), Some("平潭综合实验区"), "{name}");
        assert_eq!(r.sections.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6], "{name}");
        assert_eq!(r.tables.keys().collect::<Vec<_>>(), ["t2", "t3", "t4"], "{name}");
        assert!(!r.diagnostics.iter().any(|d| d.code == "import.missing_table"), "{name}: {:?}", r.diagnostics);
        assert!(r.diagnostics.iter().filter(|d| d.code == "import.decoded").count() == 3, "{name}");
    }
}

/// `pdftotext -layout` renderings read as plain text: sections and metadata, no panic.
#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn pdftotext_renderings_give_sections_and_issuer() {
    for (name, issuer, year) in [
        ("008_huaian-city_2024.pdftotext-layout.txt", "淮安市人民政府", 2024),
        ("009_hongze-district_2023.pdftotext-layout.txt", "洪泽区人民政府", 2023),
        ("010_hongze-district_2024.pdftotext-layout.txt", "淮安市洪泽区人民政府", 2024),
    ] {
        let r = read(&common::corpus_file(name));
        assert_eq!((r.issuer.as_deref(), r.year), (Some(issuer), Some(year)), "{name}");
        assert_eq!(r.sections.len(), 6, "{name}");
    }
}
