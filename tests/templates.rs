//! Templates as a validated set. Malformed template files: every `tests/templates/err-*.toml`
//! is added to the embedded set and must fail with the error codes its `# expect:` header
//! names, in order (so a change of class fails the test, not only a change of wording); its
//! rendered diagnostics (no colour) are snapshotted with the file as the description.
//! Then: the embedded set itself, a cycle that must not hang, and an extension (表五) read
//! from a report.

use gouji::report::CellState;
use gouji::template::{TemplateErrors, TemplateSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// The codes a file's `# expect: a, b` header names, in order.
fn expected_codes(text: &str) -> Vec<String> {
    let line = text.lines().find_map(|l| l.trim().strip_prefix("# expect:"));
    let line = line.unwrap_or_else(|| panic!("template file without an `# expect:` header"));
    line.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect()
}

/// Add one file to the embedded set; it must fail.
fn extend_failing(name: &str, text: &str) -> TemplateErrors {
    match TemplateSet::builtin().extended(&[(name.to_string(), text.to_string())]) {
        Ok(set) => panic!("{name}: loaded ({:?}), expected errors", set.ids().collect::<Vec<_>>()),
        Err(e) => {
            assert!(!e.errors.is_empty(), "{name}: an Err without errors");
            e
        }
    }
}

#[test]
fn malformed_template_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    insta::glob!("templates/err-*.toml", |path| {
        seen += 1;
        let text = std::fs::read_to_string(path).expect("template file");
        let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
        let errs = extend_failing(&name, &text);
        let rendered = errs.render(false);
        let mut got: Vec<&str> = errs.errors.iter().map(|e| e.code).collect();
        got.dedup();
        assert_eq!(got, expected_codes(&text), "{name}: error codes\n{rendered}");
        for e in &errs.errors {
            assert_eq!(e.file, name, "{name}: error in another file");
            assert!(e.span.end <= text.len() && e.span.start <= e.span.end, "{name}: span {:?} out of the file", e.span);
        }
        assert!(!rendered.contains(env!("CARGO_MANIFEST_DIR")), "absolute path in output");
        insta::with_settings!({ description => text.trim_end(), omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    });
    assert!(seen >= 12, "expected at least 12 malformed template files, found {seen}");
}

/// Every semantic mistake points at its own line (the line the key or value is on).
#[test]
fn errors_point_at_their_lines() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates/err-many.toml")).unwrap();
    let errs = extend_failing("err-many.toml", &text);
    let line_of = |code: &str| {
        let e = errs.errors.iter().find(|e| e.code == code).unwrap_or_else(|| panic!("no {code}"));
        text[..e.span.start].matches('\n').count() + 1
    };
    let line_with = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_eq!(line_of("gouji::template::unknown_domain"), line_with("domain = \"number\""));
    assert_eq!(line_of("gouji::template::dangling_parent"), line_with("parent = \"contact\""));
    assert_eq!(line_of("gouji::template::dangling_group"), line_with("group = \"call\""));
    assert_eq!(line_of("gouji::template::duplicate_key"), line_with("2.网络"));
    assert_eq!(line_of("gouji::template::unknown_section"), line_with("section = 8"));
    assert_eq!(line_of("gouji::template::empty"), line_with("rows = []"));
}

#[test]
fn the_embedded_set_loads_with_ids_2019_and_2021() {
    let set = TemplateSet::builtin();
    assert_eq!(set.ids().collect::<Vec<_>>(), ["2019", "2021"]);
    assert_eq!(set.for_year(Some(2020)).id, "2019");
    assert_eq!(set.for_year(Some(2024)).id, "2021");
    assert_eq!(set.for_year(None).id, "2021");
    assert_eq!(set.for_year(Some(2010)).id, "2019", "before every template: the oldest");
    let t21 = set.get("2021").unwrap();
    assert_eq!(t21.template_from, ["t3", "t2", "t4"]);
    assert_eq!((t21.fallback_table.as_str(), t21.label_tables.as_slice()), ("t2", &["t3".to_string()][..]));
    assert_eq!(t21.table_sections(), [2, 3, 4]);
    // The free functions are the embedded set.
    assert!(std::ptr::eq(gouji::template::for_year(Some(2021)), &**t21));
    assert!(set.extended(&[]).is_ok());
}

/// A ring of 3000 groups and a chain of 3000 more: the cycle is one error, found fast.
#[test]
fn a_parent_cycle_is_an_error_quickly() {
    let mut text = String::from("extends = [\"2021\"]\n[[tables]]\nkey = \"t5\"\nname = \"表五\"\ntitle = \"t\"\nsection = 6\n");
    let n = 3000;
    for i in 0..n {
        text.push_str(&format!("[[tables.groups]]\nkey = \"r{i}\"\nlabel = \"环{i}\"\nparent = \"r{}\"\n", (i + 1) % n));
    }
    for i in 0..n {
        let parent = if i + 1 < n { format!("\nparent = \"c{}\"", i + 1) } else { String::new() };
        text.push_str(&format!("[[tables.groups]]\nkey = \"c{i}\"\nlabel = \"链{i}\"{parent}\n"));
    }
    text.push_str("[[tables.parts]]\ncols = [{ key = \"n\", label = \"件数\" }]\nrows = [{ key = \"x\", label = \"甲\", group = \"c0\" }]\n");
    let start = Instant::now();
    let errs = extend_failing("ring.toml", &text);
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
    let codes: Vec<&str> = errs.errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["gouji::template::cycle"]);
    assert!(errs.errors[0].message.contains("r0 → r1 → r2"), "{}", errs.errors[0].message);
}

fn dept_set() -> TemplateSet {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
    let text = std::fs::read_to_string(dir.join("dept.toml")).unwrap();
    match TemplateSet::builtin().extended(&[("pack/templates/dept.toml".into(), text)]) {
        Ok(set) => set,
        Err(e) => panic!("{}", e.render(false)),
    }
}

#[test]
fn an_extension_adds_a_table_and_keeps_the_ids() {
    let set = dept_set();
    assert_eq!(set.ids().collect::<Vec<_>>(), ["2019", "2021"]);
    for id in ["2019", "2021"] {
        let t5 = set.get(id).unwrap().table("t5").unwrap_or_else(|| panic!("{id}: no t5"));
        assert_eq!((t5.name.as_str(), t5.section, t5.cell_count()), ("表五", 7, 9));
        assert_eq!(t5.leaves("consult").iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["consult_policy", "consult_service"]);
        assert_eq!(t5.cell_ix("complaints", "web"), Some(7));
        assert!(set.get(id).unwrap().match_section("七、部门自有统计").is_some());
        assert_eq!(set.get(id).unwrap().label_tables, ["t3", "t5"]);
    }
    // The embedded set is untouched.
    assert!(gouji::template::by_id("2021").unwrap().table("t5").is_none());
    assert_eq!(gouji::template::by_id("2021").unwrap().match_section("七、部门自有统计"), None);
}

#[test]
fn a_report_with_the_extension_table_is_read_with_the_set() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates/dept_2021.txt");
    let path = path.to_str().unwrap();
    let set = dept_set();
    let report = gouji::read_file_with(path, None, &set).expect("report");
    assert_eq!(report.template.as_deref(), Some("2021"));
    let t5 = report.tables.get("t5").expect("t5 read");
    assert_eq!(t5.template, "2021");
    let want = [("consult_policy", ["12", "30", "42"]), ("consult_service", ["5", "/", "5"]), ("complaints", ["3", "4", "7"])];
    for (row, cells) in want {
        let r = &t5.rows[row];
        for (col, raw) in ["phone", "web", "total"].iter().zip(cells) {
            let cell = &r.cells[*col];
            assert_eq!(cell.raw, raw, "t5.{row}.{col}");
            assert_eq!(&report.source[cell.span.offset..cell.span.end()], raw, "t5.{row}.{col}: span");
        }
    }
    assert_eq!(t5.rows["consult_policy"].cells["web"].value, Some(30.into()));
    assert_eq!(t5.rows["consult_service"].cells["web"].state, CellState::Marker);
    let label = t5.rows["complaints"].label_span.unwrap();
    assert_eq!(&report.source[label.offset..label.end()], "二、投诉");
    assert!(report.sections.iter().any(|s| s.number == 7 && s.title == "七、部门自有统计"));
    let t5_diags: Vec<_> = report.diagnostics.iter().filter(|d| d.message.contains("表五")).collect();
    assert!(t5_diags.is_empty(), "{t5_diags:?}");

    // The other tables read as with the embedded set; that set does not see 表五.
    let plain = gouji::read_file(path, None).expect("report");
    assert!(!plain.tables.contains_key("t5"));
    for key in ["t2", "t3", "t4"] {
        assert_eq!(serde_json::to_string(&plain.tables[key]).unwrap(), serde_json::to_string(&report.tables[key]).unwrap(), "{key}");
    }
}

/// A report of a template the extension does not cover gets no “表五 missing” warning.
#[test]
fn a_table_only_other_templates_have_is_not_missing() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates/dept.toml")).unwrap();
    let text = text.replace("extends = [\"2019\", \"2021\"]", "extends = [\"2021\"]");
    let set = TemplateSet::builtin().extended(&[("dept.toml".into(), text)]).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipe/2019_water_bureau.txt");
    let with = gouji::read_file_with(path.to_str().unwrap(), None, &set).unwrap();
    let plain = gouji::read_file(path.to_str().unwrap(), None).unwrap();
    assert_eq!(with.template.as_deref(), Some("2019"));
    assert_eq!(format!("{:?}", with.diagnostics), format!("{:?}", plain.diagnostics));
}

/// A pack's full template (a new format year) joins the set in year order.
#[test]
fn a_new_template_year_joins_the_set() {
    let text = r#"
id = "2030"
name = "2030 年格式"
first_year = 2030
[[sections]]
number = 2
title = "主动公开政府信息情况"
[[tables]]
key = "t2"
name = "表二"
title = "主动公开政府信息情况"
section = 2
[[tables.parts]]
cols = [{ key = "issued", label = "本年制发件数" }]
rows = [{ key = "regulations", label = "规章" }]
"#;
    let set = TemplateSet::builtin().extended(&[("pack/templates/2030.toml".into(), text.into())]).unwrap();
    assert_eq!(set.ids().collect::<Vec<_>>(), ["2019", "2021", "2030"]);
    assert_eq!(set.for_year(Some(2029)).id, "2021");
    let t = set.for_year(Some(2031));
    assert_eq!((t.id.as_str(), t.template_from.as_slice(), t.fallback_table.as_str()), ("2030", &["t2".to_string()][..], "t2"));
    assert!(t.label_tables.is_empty(), "defaults: the tables that are not flat, but the fallback");
    assert_eq!(gouji::template::Template::from_toml(text).unwrap().id, "2030");
}

/// Without section headings, rows are placed by the template's layout fields: an
/// extension's table joins `label_tables`, so 表五's rows are found by their labels.
#[test]
fn headingless_rows_go_by_the_layout_fields() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates/dept_2021.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let heading = |l: &str| !l.ends_with('|') && ["一、", "二、", "三、", "四、", "五、", "六、", "七、"].iter().any(|o| l.starts_with(o));
    let headingless: String = text.lines().filter(|l| !heading(l)).map(|l| format!("{l}\n")).collect();
    let report = gouji::read_with("headingless.txt", headingless.as_bytes(), None, &dept_set()).expect("report");
    assert!(report.sections.is_empty());
    let t5 = report.tables.get("t5").expect("t5 by its labels");
    assert_eq!(t5.rows.keys().collect::<Vec<_>>(), ["complaints", "consult_policy", "consult_service"]);
    assert_eq!(t5.rows["complaints"].cells["total"].raw, "7");
    assert_eq!(report.tables["t4"].rows["review"].cells.len(), 5, "the 15-value row is 表四");
    assert!(report.tables["t3"].rows.contains_key("granted") && report.tables["t2"].rows.contains_key("regulations"));
}

/// A pack's table printed inside an official table's section (表五 in 二、 after 表二):
/// each table keeps its own rows, and neither reports the other's as unmatched.
#[test]
fn two_tables_in_one_section_keep_their_own_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
    let ext = std::fs::read_to_string(dir.join("dept.toml")).unwrap();
    // 表五 in section 2 instead of a section 7 of its own.
    let ext = ext.replace("[[sections]]\nnumber = 7\ntitle = \"部门自有统计\"\n", "").replace("section = 7", "section = 2");
    let set = TemplateSet::builtin().extended(&[("pack/templates/dept.toml".into(), ext)]).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let report = std::fs::read_to_string(dir.join("dept_2021.txt")).unwrap();
    let (before, t5) = report.split_once("七、部门自有统计\n").expect("the fixture's 表五 section");
    let t5 = t5.split_once("某某市某某区人民政府办公室").map_or(t5, |(t, _)| t);
    let moved = before.replacen("三、收到和处理政府信息公开申请情况", &format!("{t5}三、收到和处理政府信息公开申请情况"), 1);
    assert_ne!(moved, before, "the fixture's section 三 heading moved");
    let r = gouji::read_with("shared_section.txt", moved.as_bytes(), None, &set).expect("report");
    let raw = |t: &str, row: &str, col: &str| r.cell(t, row, col).map(|c| c.raw.to_string()).unwrap_or_else(|| panic!("{t}.{row}.{col} missing"));
    assert_eq!([raw("t5", "consult_policy", "phone"), raw("t5", "consult_policy", "web"), raw("t5", "consult_policy", "total")], ["12", "30", "42"]);
    assert_eq!(raw("t5", "complaints", "total"), "7");
    assert!(r.tables["t2"].rows.contains_key("regulations"), "表二 keeps its rows");
    assert!(!r.tables["t2"].rows.contains_key("consult_policy"));
    let unmatched: Vec<&str> = r.diagnostics.iter().filter(|d| d.code == "import.unmatched_row").map(|d| d.message.as_str()).collect();
    assert!(unmatched.is_empty(), "{unmatched:#?}");
}
