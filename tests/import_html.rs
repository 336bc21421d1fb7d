//! HTML importer: a hand-written page of a made-up issuer (layout table, rowspan/colspan,
//! `&nbsp;` blanks, `<br>` labels, chrome, a script holding `<td>`), the same page as GBK,
//! odd and hostile inputs, and (`#[ignore]`d) the real 平潭 2024 page and the HTML inside
//! the synthetic S1 TypeScript test.

mod common;

use common::{assert_rows, assert_spans_show_raw};
use gouji::report::Report;
use std::path::Path;

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str, bytes: &[u8]) -> Report {
    gouji::read(name, bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const MOUXIAN_T2: &[(&str, &str)] =
    &[("regulations", "0 0 0"), ("normative_docs", "12 3 85"), ("licensing", "1326"), ("punishment", "248"), ("coercion", "17"), ("fees", "36.5421")];

const MOUXIAN_T3: &[(&str, &str)] = &[
    ("new_received", "46 5 0 1 2 0 54"),
    ("carried_over", "3 0 0 0 0 0 3"),
    ("granted", "18 2 0 0 1 0 21"),
    ("partial_grant", "6 1 0 0 0 0 7"),
    ("denied_state_secret", "0 0 0 0 0 0 0"),
    ("denied_law_forbidden", "1 0 0 0 0 0 1"),
    ("denied_three_safety", "0 0 0 0 0 0 0"),
    ("denied_third_party", "2 0 0 0 0 0 2"),
    ("denied_internal_affairs", "1 0 0 0 0 0 1"),
    ("denied_process_info", "0 0 0 0 0 0 0"),
    ("denied_enforcement_case", "0 0 0 0 0 0 0"),
    ("denied_admin_query", "1 0 0 0 0 0 1"),
    ("unable_no_info", "9 1 0 1 0 0 11"),
    ("unable_need_creation", "2 0 0 0 0 0 2"),
    ("unable_unclear", "1 0 0 0 0 0 1"),
    ("not_processed_complaint", "2 0 0 0 0 0 2"),
    ("not_processed_repeat", "1 0 0 0 0 0 1"),
    ("not_processed_publication", "0 0 0 0 0 0 0"),
    ("not_processed_massive", "0 0 0 0 0 0 0"),
    ("not_processed_confirm", "0 0 0 0 0 0 0"),
    ("other_overdue_correction", "1 0 0 0 0 0 1"),
    ("other_overdue_fee", "0 _ _ _ _ _ 0"),
    ("other_other", "0 0 0 0 0 0 0"),
    ("total_processed", "45 4 0 1 1 0 51"),
    ("carried_forward", "4 1 0 0 1 0 6"),
];

const MOUXIAN_T4: &[(&str, &str)] = &[("review", "2 1 0 1 4"), ("litigation_direct", "1 0 0 1 2"), ("litigation_after_review", "0 0 0 0 0")];

fn assert_mouxian(r: &Report) {
    assert_eq!(r.form, "html");
    assert_eq!((r.issuer.as_deref(), r.year), (Some("某某县某某局"), Some(2023)));
    assert_rows(r, "t2", MOUXIAN_T2);
    assert_rows(r, "t3", MOUXIAN_T3);
    assert_rows(r, "t4", MOUXIAN_T4);
    let numbers: Vec<u8> = r.sections.iter().map(|s| s.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn hand_written_page_every_cell() {
    let r = read("mouxian_2023.html", &fixture_bytes("mouxian_2023.html"));
    assert_mouxian(&r);
    assert_eq!(assert_spans_show_raw(&r), 10 + 175 + 15);
}

#[test]
fn group_labels_from_rowspan_are_not_repeated_and_br_labels_join() {
    let r = read("mouxian_2023.html", &fixture_bytes("mouxian_2023.html"));
    let t3 = &r.tables["t3"];
    assert_eq!(t3.rows["granted"].label, "三、本年度办理结果 （一）予以公开");
    assert_eq!(t3.rows["partial_grant"].label, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
    assert_eq!(t3.rows["other_overdue_correction"].label, "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
    assert_eq!(t3.rows["denied_law_forbidden"].label, "2.其他法律行政法规禁止公开");
}

#[test]
fn gbk_page_reads_like_the_utf8_one() {
    let utf8 = String::from_utf8(fixture_bytes("mouxian_2023.html")).expect("fixture is UTF-8");
    for meta in [r#"<meta http-equiv="Content-Type" content="text/html; charset=gbk">"#, r#"<meta charset='gb2312'>"#, ""] {
        let page = utf8.replace(r#"<meta charset="utf-8">"#, meta);
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&page);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "GBK bytes must not be valid UTF-8");
        assert_eq!(gouji::report::import::html::decode(&bytes).map(|(text, _)| text).as_deref(), Some(page.as_str()));
        let r = read("mouxian_2023_gbk.html", &bytes);
        assert_mouxian(&r);
        assert_spans_show_raw(&r);
    }
}

#[test]
fn declared_charset_wins_over_sniffing() {
    let page = "<html><head><meta charset=\"windows-1252\"></head><body><p>caf\u{e9}</p></body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(page);
    assert_eq!(gouji::report::import::html::decode(&bytes).map(|(text, _)| text).as_deref(), Some(page));
    let bom = [b"\xEF\xBB\xBF".as_slice(), "<p>一</p>".as_bytes()].concat();
    assert_eq!(gouji::report::import::html::decode(&bom).map(|(text, _)| text).as_deref(), Some("<p>一</p>"));
}

/// `gouji parse` JSON without the section bodies (for HTML those are page source).
fn json_without_bodies(r: &Report) -> String {
    let mut v = gouji::render::parse::json(r);
    for s in v["sections"].as_array_mut().into_iter().flatten() {
        s.as_object_mut().map(|o| o.remove("text"));
    }
    serde_json::to_string_pretty(&v).expect("JSON")
}

#[test]
fn snapshots() {
    let r = read("tests/fixtures/html/mouxian_2023.html", &fixture_bytes("mouxian_2023.html"));
    insta::assert_snapshot!("mouxian_2023_json", json_without_bodies(&r));
    insta::assert_snapshot!("mouxian_2023_human", gouji::render::parse::human(&r));
}

#[test]
fn hostile_inputs_do_not_panic() {
    let deep_div = "<div>".repeat(200_000) + "二、主动公开政府信息情况";
    let deep_table = "<table><tr><td>".repeat(5_000) + "1";
    let spans = "<table><tr><td rowspan=99999999 colspan=99999999>x</td><td rowspan=0>1</td></tr>".repeat(2_000) + "</table>";
    let refs = "<p>&#xFFFFFFFF; &#0; &bogus; &nbsp &amp &#x; \r\n\0 <td>&nbsp;</p><table><td>&</table>";
    let unclosed = "<html><body><p>三、收到和处理政府信息公开申请情况<table><tr><td>（一）予以公开<td>5<td";
    for input in [deep_div.as_str(), &deep_table, &spans, refs, unclosed, "<", "<!--", "<td"] {
        let _ = gouji::read("hostile.html", input.as_bytes(), Some(gouji::Form::Html));
    }
    let err = gouji::read("deep.html", deep_div.as_bytes(), Some(gouji::Form::Html)).expect_err("too deep");
    assert!(matches!(err, gouji::ImportError::Limit { .. }), "{err}");
}

#[test]
fn tables_in_layout_cells_and_foster_parented_text() {
    let page = "<table><tr><td>某某县某某局2022年政府信息公开工作年度报告</td></tr><tr><td>\
        <p>四、政府信息公开行政复议、行政诉讼情况</p><table>stray<tr>\
        <td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>\
        <td>0</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td></tr></table></td></tr></table>";
    let r = read("layout.html", page.as_bytes());
    assert_rows(&r, "t4", &[("review", "1 0 0 0 1"), ("litigation_direct", "0 0 0 0 0"), ("litigation_after_review", "0 0 0 0 _")]);
    assert_spans_show_raw(&r);
}

// ---------------------------------------------------------------- corpus (`-- --ignored`)

#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn pingtan_2024_page_every_cell() {
    let path = common::corpus_file("html/006_pingtan_2024_page.html");
    let r = read("006_pingtan_2024_page.html", &std::fs::read(&path).expect("corpus file"));
    assert_eq!((r.issuer.as_deref(), r.year, r.template.as_deref()), (Some("平潭综合实验区"), Some(2024), Some("2021")));
    assert_rows(
        &r,
        "t2",
        &[("regulations", "0 0 0"), ("normative_docs", "62 33 440"), ("licensing", "4529"), ("punishment", "1100"), ("coercion", "65"), ("fees", "18651.06")],
    );
    let zero = "0 0 0 0 0 0 0";
    assert_rows(
        &r,
        "t3",
        &[
            ("new_received", "217 1 0 0 0 0 218"),
            ("carried_over", zero),
            ("granted", "71 0 0 0 0 0 71"),
            ("partial_grant", "29 0 0 0 0 0 29"),
            ("denied_state_secret", "4 0 0 0 0 0 4"),
            ("denied_law_forbidden", zero),
            ("denied_three_safety", zero),
            ("denied_third_party", "3 0 0 0 0 0 3"),
            ("denied_internal_affairs", "32 0 0 0 0 0 32"),
            ("denied_process_info", zero),
            ("denied_enforcement_case", zero),
            ("denied_admin_query", zero),
            ("unable_no_info", "75 0 0 0 0 0 75"),
            ("unable_need_creation", zero),
            ("unable_unclear", zero),
            ("not_processed_complaint", zero),
            ("not_processed_repeat", "1 0 0 0 0 0 1"),
            ("not_processed_publication", zero),
            ("not_processed_massive", zero),
            ("not_processed_confirm", zero),
            ("other_overdue_correction", "1 0 0 0 0 0 1"),
            ("other_overdue_fee", zero),
            ("other_other", "1 1 0 0 0 0 2"),
            ("total_processed", "217 1 0 0 0 0 218"),
            ("carried_forward", zero),
        ],
    );
    assert_rows(&r, "t4", &[("review", "2 1 3 1 7"), ("litigation_direct", "0 0 0 0 0"), ("litigation_after_review", "13 2 4 0 19")]);
    assert_eq!(assert_spans_show_raw(&r), 200);
    let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.is_empty(), "{:#?}", r.diagnostics);
    let numbers: Vec<u8> = r.sections.iter().map(|s| s.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

/// The HTML report inside the S1 TypeScript test (a template literal), saved as a page.
#[test]
#[ignore = "needs ../shared/corpus-raw"]
fn synthetic_s1_html_every_cell() {
    let dir = common::corpus_dir().join("synthetic");
    let ts = std::fs::read_dir(&dir)
        .expect("synthetic dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("S1_")) && p.extension().is_some_and(|x| x == "ts"))
        .expect("S1_*.ts in corpus-raw/synthetic");
    let ts = std::fs::read_to_string(&ts).expect("S1 text");
    let start = ts.find("SAMPLE_HTML = `").expect("SAMPLE_HTML literal") + "SAMPLE_HTML = `".len();
    let html = &ts[start..start + ts[start..].find('`').expect("closing backtick")];
    let path = std::env::temp_dir().join(format!("gouji-s1-{}.html", std::process::id()));
    std::fs::write(&path, html).expect("temp file");
    let r = gouji::read_file(&path.to_string_lossy(), None);
    let _ = std::fs::remove_file(&path);
    let r = r.expect("S1 reads");
    assert_eq!((r.form.as_str(), r.year, r.issuer.as_deref()), ("html", Some(2025), Some("测试市")));
    assert_rows(
        &r,
        "t2",
        &[
            ("regulations", "3 5 74"),
            ("normative_docs", "564 984 4185"),
            ("licensing", "11398889"),
            ("punishment", "6937489"),
            ("coercion", "166105"),
            ("fees", "316441"),
        ],
    );
    assert_rows(
        &r,
        "t3",
        &[
            ("new_received", "13612 252 0 45 128 32 14069"),
            ("carried_over", "535 6 0 1 18 0 560"),
            ("granted", "5345 129 0 41 19 14 5548"),
            ("partial_grant", "2120 39 0 1 6 2 2168"),
            ("denied_state_secret", "13 0 0 0 0 0 13"),
            ("denied_law_forbidden", "30 0 0 0 0 0 30"),
            ("denied_three_safety", "11 0 0 0 0 0 11"),
            ("denied_third_party", "49 2 0 0 0 0 51"),
            ("denied_internal_affairs", "103 1 0 0 0 0 104"),
            ("denied_process_info", "84 1 0 0 0 0 85"),
            ("denied_enforcement_case", "282 4 0 0 0 0 286"),
            ("denied_admin_query", "147 0 0 0 1 2 150"),
            ("unable_no_info", "3075 50 0 0 89 8 3222"),
            ("unable_need_creation", "177 3 0 0 0 0 180"),
            ("unable_unclear", "19 0 0 0 0 0 19"),
            ("not_processed_complaint", "199 1 0 0 3 0 203"),
            ("not_processed_repeat", "147 1 0 0 0 0 148"),
            ("not_processed_publication", "0 0 0 0 0 0 0"),
            ("not_processed_massive", "100 1 0 0 0 0 101"),
            ("not_processed_confirm", "5 0 0 0 0 0 5"),
            ("other_overdue_correction", "315 3 0 0 0 0 318"),
            ("other_overdue_fee", "202 0 0 1 0 0 203"),
            ("other_other", "941 17 0 1 3 3 965"),
            ("total_processed", "13364 252 0 44 121 29 13810"),
            ("carried_forward", "783 6 0 2 25 3 819"),
        ],
    );
    assert_rows(&r, "t4", &[("review", "376 97 196 121 790"), ("litigation_direct", "16 1 12 27 56"), ("litigation_after_review", "74 1 30 51 156")]);
    assert_eq!(assert_spans_show_raw(&r), 200);
    // Its §5 heading "五、存在问题及改进情况" is a known variant of the template title.
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    assert_eq!(r.sections.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
}
