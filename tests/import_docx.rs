//! DOCX importer: a report of a made-up issuer written as `word/document.xml` in a zip at
//! test time (paragraphs, `w:gridSpan`, `w:vMerge` restart/continue, U+3000 blanks, a
//! `<w:br/>` label), broken containers, and the rendering the spans point into.

use gouji::report::{CellState, Report};
use std::io::Write;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn para(text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"仿宋\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        esc(text)
    )
}

/// A cell: `text` may hold `\n` (a `<w:br/>`); `span` = gridSpan; `merge` = vMerge value.
fn tc(text: &str, span: usize, merge: Option<&str>) -> String {
    let mut pr = String::new();
    if span > 1 {
        pr += &format!("<w:gridSpan w:val=\"{span}\"/>");
    }
    match merge {
        Some("restart") => pr += "<w:vMerge w:val=\"restart\"/>",
        Some(_) => pr += "<w:vMerge/>",
        None => {}
    }
    let runs: Vec<String> = text.split('\n').map(|t| format!("<w:t>{}</w:t>", esc(t))).collect();
    format!("<w:tc><w:tcPr><w:tcW w:w=\"800\" w:type=\"dxa\"/>{pr}</w:tcPr><w:p><w:r>{}</w:r></w:p></w:tc>", runs.join("<w:br/>"))
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr><w:trPr><w:trHeight w:val=\"400\"/></w:trPr>{}</w:tr>", cells.concat())
}

fn tbl(rows: &[String]) -> String {
    format!("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>{}</w:tbl>", rows.concat())
}

fn v(x: &str) -> String {
    tc(x, 1, None)
}

fn t2() -> String {
    let cap = |c: &str| tr(&[tc(c, 4, None)]);
    tbl(&[
        cap("第二十条第（一）项"),
        tr(&[v("信息内容"), v("本年制发件数"), v("本年废止件数"), v("现行有效件数")]),
        tr(&[v("规章"), v("0"), v("0"), v("0")]),
        tr(&[v("行政规范性文件"), v("5"), v("1"), v("33")]),
        cap("第二十条第（五）项"),
        tr(&[v("信息内容"), tc("本年处理决定数量", 3, None)]),
        tr(&[v("行政许可"), tc("208", 3, None)]),
        cap("第二十条第（六）项"),
        tr(&[v("信息内容"), tc("本年处理决定数量", 3, None)]),
        tr(&[v("行政处罚"), tc("31", 3, None)]),
        tr(&[v("行政强制"), tc("\u{3000}", 3, None)]),
        cap("第二十条第（八）项"),
        tr(&[v("信息内容"), tc("本年收费金额（单位：万元）", 3, None)]),
        tr(&[v("行政事业性收费"), tc("0.52", 3, None)]),
    ])
}

const T3: &[(&str, &str, &str, [&str; 7])] = &[
    ("一、本年新收政府信息公开申请数量", "", "", ["9", "1", "0", "0", "0", "0", "10"]),
    ("二、上年结转政府信息公开申请数量", "", "", ["0", "0", "0", "0", "0", "0", "0"]),
    ("三、本年度办理结果", "（一）予以公开", "", ["4", "1", "0", "0", "0", "0", "5"]),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", ["1", "0", "0", "0", "0", "0", "1"]),
    ("", "（三）不予公开", "1.属于国家秘密", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "2.其他法律行政法规禁止公开", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "3.危及“三安全一稳定”", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "4.保护第三方合法权益", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "5.属于三类内部事务信息", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "6.属于四类过程性信息", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "7.属于行政执法案卷", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "8.属于行政查询事项", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "（四）无法提供", "1.本机关不掌握相关政府信息", ["3", "0", "0", "0", "0", "0", "3"]),
    ("", "", "2.没有现成信息需要另行制作", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "3.补正后申请内容仍不明确", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "（五）不予处理", "1.信访举报投诉类申请", ["1", "0", "0", "0", "0", "0", "1"]),
    ("", "", "2.重复申请", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "3.要求提供公开出版物", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "4.无正当理由大量反复申请", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "", "5.要求行政机关确认或重新出具已获取信息", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关\n不再处理其政府信息公开申请", ["0", "0", "0", "0", "0", "0", "0"]),
    (
        "",
        "",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ["0", "\u{3000}", "\u{3000}", "\u{3000}", "\u{3000}", "\u{3000}", "0"],
    ),
    ("", "", "3.其他", ["0", "0", "0", "0", "0", "0", "0"]),
    ("", "（七）总计", "", ["9", "1", "0", "0", "0", "0", "10"]),
    ("四、结转下年度继续办理", "", "", ["0", "0", "0", "0", "0", "0", "0"]),
];

/// 表三 as Word writes it: the note over 3×3, vertical group labels as vMerge runs.
fn t3() -> String {
    let mut rows = vec![
        tr(&[tc("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, Some("restart")), tc("申请人情况", 7, None)]),
        tr(&[tc("", 3, Some("continue")), tc("自然人", 1, Some("restart")), tc("法人或其他组织", 5, None), tc("总计", 1, Some("restart"))]),
        tr(&[
            tc("", 3, Some("continue")),
            tc("", 1, Some("continue")),
            v("商业\n企业"),
            v("科研机构"),
            v("社会公益组织"),
            v("法律服务机构"),
            v("其他"),
            tc("", 1, Some("continue")),
        ]),
    ];
    let (mut in_results, mut in_group) = (false, false);
    for (group, sub, leaf, values) in T3 {
        let mut cells = Vec::new();
        let values: Vec<String> = values.iter().map(|x| v(x)).collect();
        if !group.is_empty() && group.starts_with('三') {
            in_results = true;
            cells.push(tc(group, 1, Some("restart")));
        } else if in_results && group.is_empty() && !sub.starts_with("四") {
            cells.push(tc("", 1, Some("continue")));
        }
        if in_results && !(group.is_empty() && sub.is_empty() && leaf.is_empty()) {
            match (sub.is_empty(), leaf.is_empty()) {
                (false, true) => {
                    in_group = false;
                    cells.push(tc(sub, 2, None));
                }
                (false, false) => {
                    in_group = true;
                    cells.push(tc(sub, 1, Some("restart")));
                    cells.push(v(leaf));
                }
                (true, false) if in_group => {
                    cells.push(tc("", 1, Some("continue")));
                    cells.push(v(leaf));
                }
                _ => {}
            }
        }
        if group.starts_with('一') || group.starts_with('二') || group.starts_with('四') {
            cells.push(tc(group, 3, None));
            in_results = false;
        }
        cells.extend(values);
        rows.push(tr(&cells));
    }
    tbl(&rows)
}

fn t4() -> String {
    let five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut row2: Vec<String> = five.iter().map(|x| tc(x, 1, Some("restart"))).collect();
    row2.push(tc("未经复议直接起诉", 5, None));
    row2.push(tc("复议后起诉", 5, None));
    let mut row3: Vec<String> = (0..5).map(|_| tc("", 1, Some("continue"))).collect();
    row3.extend(five.iter().chain(five.iter()).map(|x| v(x)));
    let data = ["1", "0", "0", "1", "2", "0", "0", "0", "0", "0", "1", "0", "0", "0", "1"];
    tbl(&[tr(&[tc("行政复议", 5, None), tc("行政诉讼", 10, None)]), tr(&row2), tr(&row3), tr(&data.iter().map(|x| v(x)).collect::<Vec<_>>())])
}

fn document_xml() -> String {
    let body = [
        para("某某县某某局2024年政府信息公开工作年度报告"),
        para("一、总体情况"),
        para("2024年，某某县某某局收到政府信息公开申请10件，全部按时办结。"),
        para("二、主动公开政府信息情况"),
        t2(),
        para("三、收到和处理政府信息公开申请情况"),
        t3(),
        para("四、政府信息公开行政复议、行政诉讼情况"),
        t4(),
        para("五、存在的主要问题及改进情况"),
        para("（文字描述）"),
        para("六、其他需要报告的事项"),
        para("本年度未收取信息处理费。"),
    ];
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\"><w:body>{}<w:sectPr/></w:body></w:document>",
        body.concat()
    )
}

fn docx(files: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, text) in files {
        zip.start_file(*name, opts).expect("zip entry");
        zip.write_all(text.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

fn report() -> Report {
    let xml = document_xml();
    let bytes = docx(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", &xml)]);
    gouji::read("mouxian_2024.docx", &bytes, None).expect("docx reads")
}

fn row(r: &Report, table: &str, key: &str, cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| r.cell(table, key, c).map_or("<missing>".into(), |c| c.raw.to_string())).collect()
}

const T3_COLS: [&str; 7] = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"];

#[test]
fn every_cell_of_the_generated_report() {
    let r = report();
    assert_eq!((r.form.as_str(), r.issuer.as_deref(), r.year, r.template.as_deref()), ("docx", Some("某某县某某局"), Some(2024), Some("2021")));
    let keys: Vec<&str> = gouji::template::by_id("2021").unwrap().table("t3").unwrap().rows().map(|(_, r)| r.key.as_str()).collect();
    assert_eq!(keys.len(), T3.len());
    for (key, (.., want)) in keys.iter().zip(T3) {
        let want: Vec<String> = want.iter().map(|x| x.trim_matches('\u{3000}').to_string()).collect();
        assert_eq!(row(&r, "t3", key, &T3_COLS), want, "t3.{key}");
    }
    assert_eq!(row(&r, "t2", "normative_docs", &["issued", "repealed", "in_force"]), ["5", "1", "33"]);
    assert_eq!(row(&r, "t2", "licensing", &["decisions"]), ["208"]);
    assert_eq!(r.cell("t2", "coercion", "decisions").map(|c| c.state), Some(CellState::Blank));
    assert_eq!(row(&r, "t2", "fees", &["amount_wan"]), ["0.52"]);
    let five = ["maintained", "corrected", "other", "pending", "total"];
    assert_eq!(row(&r, "t4", "review", &five), ["1", "0", "0", "1", "2"]);
    assert_eq!(row(&r, "t4", "litigation_after_review", &five), ["1", "0", "0", "0", "1"]);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    let numbers: Vec<u8> = r.sections.iter().map(|s| s.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn spans_point_into_the_rendering() {
    let r = report();
    let mut n = 0;
    for t in r.tables.values() {
        for row in t.rows.values() {
            for c in row.cells.values() {
                assert_eq!(r.text(c.span), c.raw);
                n += 1;
            }
        }
    }
    assert_eq!(n, 10 + 175 + 15);
    assert_eq!(r.tables["t3"].rows["granted"].label, "三、本年度办理结果 （一）予以公开");
    assert_eq!(r.tables["t3"].rows["denied_law_forbidden"].label, "2.其他法律行政法规禁止公开");
}

#[test]
fn snapshots() {
    let r = report();
    insta::assert_snapshot!("mouxian_2024_rendering", &*r.source);
    insta::assert_snapshot!("mouxian_2024_human", gouji::render::parse::human(&r));
}

#[test]
fn broken_containers_are_corrupt_with_a_reason() {
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("not a zip", b"PK\x03\x04 not really a zip".to_vec(), "zip"),
        ("no document.xml", docx(&[("word/styles.xml", "<w:styles/>")]), "document.xml"),
        ("bad xml", docx(&[("word/document.xml", "<w:document><w:body><w:p></w:body>")]), "XML"),
    ];
    for (what, bytes, reason) in cases {
        match gouji::read("bad.docx", &bytes, None) {
            Err(gouji::ImportError::Corrupt { why, .. }) => assert!(why.contains(reason), "{what}: {why}"),
            other => panic!("{what}: expected Corrupt, got {:?}", other.map(|r| r.path)),
        }
    }
}

#[test]
fn deep_nesting_and_nested_tables_do_not_panic() {
    let deep = "<w:tbl><w:tr><w:tc>".repeat(50_000);
    let xml = format!("<w:document xmlns:w=\"{W}\"><w:body>{deep}<w:p><w:r><w:t>1</w:t></w:r></w:p></w:body></w:document>");
    let _ = gouji::read("deep.docx", &docx(&[("word/document.xml", &xml)]), None);
}
