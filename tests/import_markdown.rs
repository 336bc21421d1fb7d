//! Markdown importer: converter-style pipe tables (split header rows, a page break with a
//! footer and a repeated header, `|---|` mid-table, lost vertical group labels, a label
//! split over two cells, a generic `Col1…` header) for both templates, and a row with a
//! cell missing.

mod common;

use common::{assert_rows, assert_spans_show_raw, row};
use gouji::report::{CellState, Report};
use std::path::Path;

fn fixture(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    gouji::read(&format!("tests/fixtures/markdown/{name}"), &bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn template_2021_every_cell() {
    let r = fixture("mouxian_2022.md");
    assert_eq!((r.form.as_str(), r.issuer.as_deref(), r.year), ("markdown", Some("某某县某某局"), Some(2022)));
    assert_rows(
        &r,
        "t2",
        &[("regulations", "0 0 0"), ("normative_docs", "8 2 47"), ("licensing", "512"), ("punishment", "96"), ("coercion", "4"), ("fees", "12.8")],
    );
    let zero = "0 0 0 0 0 0 0";
    assert_rows(
        &r,
        "t3",
        &[
            ("new_received", "30 2 0 0 1 0 33"),
            ("carried_over", "1 0 0 0 0 0 1"),
            ("granted", "12 1 0 0 0 0 13"),
            ("partial_grant", "5 0 0 0 0 0 5"),
            ("denied_state_secret", zero),
            ("denied_law_forbidden", zero),
            ("denied_three_safety", zero),
            ("denied_third_party", "1 0 0 0 0 0 1"),
            ("denied_internal_affairs", zero),
            ("denied_process_info", "2 0 0 0 0 0 2"),
            ("denied_enforcement_case", zero),
            ("denied_admin_query", zero),
            ("unable_no_info", "6 1 0 0 1 0 8"),
            ("unable_need_creation", "1 0 0 0 0 0 1"),
            ("unable_unclear", zero),
            ("not_processed_complaint", "1 0 0 0 0 0 1"),
            ("not_processed_repeat", zero),
            ("not_processed_publication", zero),
            ("not_processed_massive", zero),
            ("not_processed_confirm", zero),
            ("other_overdue_correction", zero),
            ("other_overdue_fee", zero),
            ("other_other", "1 0 0 0 0 0 1"),
            ("total_processed", "29 2 0 0 1 0 32"),
            ("carried_forward", "2 0 0 0 0 0 2"),
        ],
    );
    assert_rows(&r, "t4", &[("review", "1 0 0 0 1"), ("litigation_direct", "0 0 0 1 1"), ("litigation_after_review", "0 0 0 0 0")]);
    assert_eq!(assert_spans_show_raw(&r), 10 + 175 + 15);
    assert_eq!(codes(&r), ["import.generic_header"], "{:#?}", r.diagnostics);
    let numbers: Vec<u8> = r.sections.iter().map(|s| s.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn template_2019_every_cell() {
    let r = fixture("mouzhen_2020.md");
    assert_eq!((r.issuer.as_deref(), r.year, r.template.as_deref()), (Some("某某镇人民政府"), Some(2020), Some("2019")));
    assert_rows(
        &r,
        "t2",
        &[
            ("regulations", "0 0 0"),
            ("normative_docs", "2 2 15"),
            ("licensing", "12 -3 40"),
            ("other_services", "5 0 22"),
            ("punishment", "3 1 17"),
            ("coercion", "1 0 2"),
            ("fees", "2 0"),
            ("procurement", "6 125.6万元"),
        ],
    );
    let t3 = &r.tables["t3"];
    assert_eq!(t3.template, "2019");
    assert_eq!(row(&r, "t3", "total_processed"), ["5", "", "", "", "", "", "5"]);
    assert_eq!(row(&r, "t3", "other"), ["1", "0", "0", "0", "0", "0", "1"]);
    assert_eq!(t3.rows.len(), 23);
    assert_rows(&r, "t4", &[("review", "0 0 0 0 0"), ("litigation_direct", "/ / / / /"), ("litigation_after_review", "0 0 0 0 0")]);
    assert_eq!(r.cell("t4", "litigation_direct", "total").map(|c| c.state), Some(CellState::Marker));
    assert_spans_show_raw(&r);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn a_row_with_a_cell_missing_is_left_to_the_assembler() {
    let md = "三、收到和处理政府信息公开申请情况\n\n| （一）予以公开 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n|---|---|---|---|---|---|---|---|\n| （二）部分公开 | 1 | 0 | 0 | 0 | 1 |\n";
    let r = gouji::read("short.md", md.as_bytes(), Some(gouji::Form::Markdown)).expect("reads");
    assert!(codes(&r).contains(&"import.cell_count"), "{:#?}", r.diagnostics);
    assert_eq!(row(&r, "t3", "granted"), ["3", "0", "0", "0", "0", "0", "3"]);
}

/// Every cell of a damaged copy of `mouxian_2022.md`, as `table.row.col = raw` lines, that
/// differs from the clean file's (a cell missing in one of them: `<none>`).
fn differences_from_clean(r: &Report) -> Vec<String> {
    let clean = fixture("mouxian_2022.md");
    let cells = |r: &Report| -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        for (tk, t) in &r.tables {
            for (rk, row) in &t.rows {
                for (ck, c) in &row.cells {
                    out.insert(format!("{tk}.{rk}.{ck}"), c.raw.to_string());
                }
            }
        }
        out
    };
    let (a, b) = (cells(&clean), cells(r));
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let show = |v: Option<&String>| v.map_or("<none>".to_string(), |v| format!("{v:?}"));
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).map(|k| format!("{k} = {} → {}", show(a.get(k)), show(b.get(k)))).collect()
}

#[test]
fn a_group_label_split_mid_word_is_joined() {
    // `三、本年度办 | 理结果（一）予以公开` and `（三）不予 | 公开1.属于国家秘密`.
    let r = fixture("split_label.md");
    assert_eq!(differences_from_clean(&r), Vec::<String>::new());
    assert_eq!(codes(&r), ["import.generic_header"], "{:#?}", r.diagnostics);
    assert_eq!(r.tables["t3"].rows["granted"].label, "三、本年度办 理结果（一）予以公开");
}

#[test]
fn a_table_cut_into_one_table_per_row_group_reads_as_one() {
    let r = fixture("t3_per_group.md");
    assert_eq!(differences_from_clean(&r), Vec::<String>::new());
    assert_eq!(codes(&r), ["import.generic_header"], "{:#?}", r.diagnostics);
}

#[test]
fn header_rows_of_another_table_over_a_continuation_are_ignored() {
    // After the page break 表三 continues under 表二's and 表四's header rows.
    let r = fixture("t3_wrong_header.md");
    assert_eq!(differences_from_clean(&r), Vec::<String>::new());
    assert_eq!(codes(&r), ["import.generic_header"], "{:#?}", r.diagnostics);
}

#[test]
fn page_footer_rows_inside_a_table_are_skipped() {
    // `| — 3 — |`, `| 第 4 页 共 6 页 |` and a bare `| 5 |` amid 表三's rows.
    let r = fixture("footer_rows.md");
    assert_eq!(differences_from_clean(&r), Vec::<String>::new());
    assert_eq!(codes(&r), ["import.generic_header", "import.page_footer", "import.stray_number"], "{:#?}", r.diagnostics);
    let footer = &r.diagnostics[1];
    assert!(footer.message.contains("2 行页码"), "{}", footer.message);
    // A bare number may be a page number or a cell's value: it is said, never read.
    let stray = &r.diagnostics[2];
    assert!(stray.message.contains("数字“5”不在任何单元格里"), "{}", stray.message);
    assert_eq!(r.text(stray.span.expect("pointed")), "5");
}

#[test]
fn a_stray_number_is_never_moved_into_the_blank_cell_it_may_belong_to() {
    // The converter left 法律服务机构 of 1.信访举报投诉类申请 blank and put `0` after the table.
    let r = fixture("stray_number.md");
    assert_eq!(differences_from_clean(&r), ["t3.not_processed_complaint.legal_service = \"0\" → \"\""]);
    assert_eq!(r.cell("t3", "not_processed_complaint", "legal_service").map(|c| c.state), Some(CellState::Blank));
    let stray = r.diagnostics.iter().find(|d| d.code == "import.stray_number").expect("a stray-number doubt");
    assert!(stray.message.contains("表三“1.信访举报投诉类申请”·法律服务机构"), "{}", stray.message);
    assert_eq!(r.text(stray.span.expect("pointed")), "0");
}

#[test]
fn table_four_cut_into_three_tables_of_five_is_put_back_in_order() {
    for name in ["t4_three_tables.md", "t4_wrong_headers.md"] {
        // The second file heads every piece 行政复议: headers say nothing of the columns.
        let r = fixture(name);
        assert_eq!(differences_from_clean(&r), Vec::<String>::new(), "{name}");
        assert_eq!(codes(&r), ["import.table_pieces"], "{name}: {:#?}", r.diagnostics);
        assert!(r.diagnostics[0].message.contains("表四分成 3 段"), "{}", r.diagnostics[0].message);
    }
}

#[test]
fn pieces_that_do_not_make_the_whole_table_are_a_doubt() {
    let head = "四、政府信息公开行政复议、行政诉讼情况\n\n";
    let piece = |v: &str| format!("| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n| {v} |\n\n");
    // Two blocks of five: which one is missing cannot be told.
    let two = format!("{head}{}{}", piece("1 | 0 | 0 | 0 | 1"), piece("0 | 0 | 0 | 1 | 1"));
    // Five and six: not whole blocks.
    let odd = format!("{head}{}{}{}", piece("1 | 0 | 0 | 0 | 1"), piece("0 | 0 | 0 | 1 | 1 | 2"), piece("0 | 0 | 0 | 1"));
    for md in [two, odd] {
        let r = gouji::read("t4.md", md.as_bytes(), Some(gouji::Form::Markdown)).expect("reads");
        assert!(codes(&r).contains(&"import.cell_count"), "{:#?}", r.diagnostics);
        assert!(r.tables.get("t4").is_none_or(|t| t.rows.values().all(|row| row.cells.is_empty())), "{md}");
    }
}

#[test]
fn label_less_rows_are_placed_by_row_order_when_it_leaves_one_reading_and_the_identities_hold() {
    // 4.保护第三方合法权益 and 5.属于三类内部事务信息 printed with no label, between 3. and 6.
    let r = fixture("labelless.md");
    assert_eq!(differences_from_clean(&r), Vec::<String>::new());
    assert_eq!(codes(&r), ["import.generic_header", "import.placed_by_order"], "{:#?}", r.diagnostics);
    let placed = r.cell("t3", "denied_third_party", "natural_person").and_then(|c| c.placed.as_ref()).expect("a placement record");
    assert_eq!((placed.after.as_deref(), placed.before.as_deref()), (Some("3.危及“三安全一稳定”"), Some("6.属于四类过程性信息")));
    let ids: std::collections::BTreeSet<&str> = placed.by.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["I1", "I2"].into());
    assert!(placed.by.iter().all(|u| u.purpose == "确定无标签行的位置"));
    // Both rows share the record; the rows around them were read by label.
    let other = r.cell("t3", "denied_internal_affairs", "total").and_then(|c| c.placed.as_ref()).expect("placed");
    assert!(std::sync::Arc::ptr_eq(placed, other));
    assert!(r.cell("t3", "denied_process_info", "total").is_some_and(|c| c.placed.is_none()));
    // The identities that chose are consumed: 2 rows (I2) and 7 columns (I1).
    assert_eq!(r.consumed.len(), 9, "{:#?}", r.consumed);
    let (_, e) = common::check_bytes(
        "labelless.md",
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown/labelless.md")).unwrap().as_slice(),
    )
    .unwrap();
    let rule = |id: &str| e.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"));
    assert_eq!((rule("t3.row_total").on_decoding, rule("t3.results_total").on_decoding, rule("t3.balance").on_decoding), (2, 7, 0));
    assert_eq!(rule("t3.row_total").decoded_for(), "确定无标签行的位置");
}

#[test]
fn label_less_rows_the_order_cannot_place_are_a_doubt_and_unread() {
    // 3.危及“三安全一稳定” dropped and 4., 5. without labels: two rows for three places.
    let r = fixture("labelless_ambiguous.md");
    let d = r.diagnostics.iter().find(|d| d.code == "import.unlabelled_row").expect("a doubt");
    assert!(d.message.contains("该处缺 3 行"), "{}", d.message);
    for key in ["denied_three_safety", "denied_third_party", "denied_internal_affairs"] {
        assert!(r.tables["t3"].rows.get(key).is_none(), "{key} must stay unread");
        assert!(r.is_doubted("t3", key, "total"), "{key} is doubted");
    }
    let lost: Vec<String> = differences_from_clean(&r).into_iter().filter(|d| !d.ends_with("→ <none>")).collect();
    assert_eq!(lost, Vec::<String>::new(), "only cells left unread, no number changed");
    assert!(r.consumed.is_empty());
}

#[test]
fn label_less_rows_are_not_placed_where_an_identity_then_fails() {
    let clean = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown/labelless.md")).unwrap();
    // The first label-less row's total no longer equals its parts: I2 fails once placed.
    let bad = clean.replacen("|  |  |  | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "|  |  |  | 1 | 0 | 0 | 0 | 0 | 0 | 2 |", 1);
    assert_ne!(bad, clean);
    let r = gouji::read("bad.md", bad.as_bytes(), None).expect("reads");
    let d = r.diagnostics.iter().find(|d| d.code == "import.unlabelled_row").expect("a doubt");
    assert!(
        d.message.contains("放入后I2（每行的总计等于各类申请人之和）、I1（（七）总计等于各项办理结果之和）不成立（4.保护第三方合法权益、总计列）"),
        "{}",
        d.message
    );
    assert!(r.tables["t3"].rows.get("denied_third_party").is_none() && r.tables["t3"].rows.get("denied_internal_affairs").is_none());
    assert!(r.consumed.is_empty());
}

#[test]
fn table_four_printed_twice_with_other_numbers_is_a_doubt() {
    let row = |v: &str| format!("| {} |\n", v.split(' ').collect::<Vec<_>>().join(" | "));
    let head = "四、政府信息公开行政复议、行政诉讼情况\n\n";
    let (a, b) = ("1 0 0 0 1 0 0 0 1 1 0 0 0 0 0", "2 0 0 0 2 0 0 0 1 1 0 0 0 0 0");
    let twice = format!("{head}{}\n{}", row(a), row(b));
    let r = gouji::read("t4.md", twice.as_bytes(), Some(gouji::Form::Markdown)).expect("reads");
    let d = r.diagnostics.iter().find(|d| d.code == "import.duplicate_table").expect("a doubt");
    assert!(d.message.contains(&format!("“{a}”与“{b}”")), "{}", d.message);
    assert!(r.is_doubted("t4", "review", "maintained") && r.cell("t4", "review", "maintained").is_none());
    // The same numbers twice: read, and said.
    let same = format!("{head}{}\n{}", row(a), row(a));
    let r = gouji::read("t4.md", same.as_bytes(), Some(gouji::Form::Markdown)).expect("reads");
    assert!(codes(&r).contains(&"import.duplicate_row") && !codes(&r).contains(&"import.duplicate_table"), "{:#?}", r.diagnostics);
    assert_eq!(common::row(&r, "t4", "review"), ["1", "0", "0", "0", "1"]);
}

#[test]
fn snapshots() {
    let r = fixture("mouxian_2022.md");
    insta::assert_snapshot!("mouxian_2022_human", gouji::render::parse::human(&r));
    let r = fixture("mouzhen_2020.md");
    insta::assert_snapshot!("mouzhen_2020_json", serde_json::to_string_pretty(&gouji::render::parse::json(&r)).expect("JSON"));
}
