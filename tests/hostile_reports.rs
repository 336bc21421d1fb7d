//! Hostile report inputs (issue 10): each must end in an error or a diagnostic, never a
//! crash, a hang or an exhausted machine. Inputs are built here, sized so that a
//! regression shows as a hang rather than a slow test.

mod pdf_gen;

use gouji::report::{import, CellState, ImportError};
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use std::io::Write;

/// A broken-xref PDF whose one header claims object number 2³²−1: the rebuilt table
/// must not run to that number (it took 13 s and 5.4 GB).
#[test]
fn absurd_object_number_in_a_broken_xref() {
    let bytes = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4294967295 0 obj\n<< >>\nendobj\nstartxref\n999\n%%EOF\n";
    let result = gouji::read("huge-number.pdf", bytes, None);
    assert!(matches!(result, Err(ImportError::Corrupt { .. } | ImportError::NoText { .. })), "{:?}", result.map(|r| r.form));
}

/// Malformed thousands separators are text (an extraction doubt), never a number.
#[test]
fn malformed_thousands_separators_are_text() {
    use gouji::report::value::classify;
    for raw in ["1,2", "1,000,0", "12,", "1,2.5"] {
        assert_eq!(classify(raw).0, CellState::Text, "{raw}");
    }
    assert_eq!(classify("12,345,678.5").1.map(|v| v.to_string()).as_deref(), Some("12345678.5"));
}

/// A UTF-8 BOM must not shift spans: every cell's span holds its raw text in the file.
#[test]
fn bom_file_spans_hold_their_raw_text() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["pipe/2021_district_gov.txt", "html/mouxian_2023.html"] {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(&std::fs::read(fixtures.join(name)).unwrap());
        let report = gouji::read(name, &bytes, None).expect("reads");
        let cells: Vec<_> =
            report.tables.values().flat_map(|t| t.rows.values()).flat_map(|r| r.cells.values()).filter(|c| c.state == CellState::Number).collect();
        assert!(!cells.is_empty(), "{name}");
        for cell in cells {
            // An HTML page's spans index its text rendering; its file range is kept beside.
            let (a, b) = report.file_range(cell.span).expect("a file range");
            assert_eq!(&bytes[a..b], cell.raw.as_bytes(), "{name}");
            assert_eq!(report.text(cell.span), cell.raw.as_str(), "{name}");
        }
    }
}

// ---------------------------------------------------------------- PDF (issue 10)

/// The `why` of a `Corrupt` import, or a panic naming what came instead.
fn corrupt_why(name: &str, bytes: &[u8]) -> String {
    match gouji::read(name, bytes, None) {
        Err(ImportError::Corrupt { why, .. }) => why,
        other => panic!("{name}: expected Corrupt, got {:?}", other.map(|r| r.form)),
    }
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn form(content: &str, resources: Option<Object>) -> Stream {
    let mut d = Dictionary::new();
    d.set("Type", name("XObject"));
    d.set("Subtype", name("Form"));
    d.set("BBox", Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]));
    if let Some(r) = resources {
        d.set("Resources", r);
    }
    Stream::new(d, content.as_bytes().to_vec())
}

fn xobjects(entries: &[(&str, ObjectId)]) -> Object {
    let mut x = Dictionary::new();
    for (n, id) in entries {
        x.set(*n, Object::Reference(*id));
    }
    let mut r = Dictionary::new();
    r.set("XObject", Object::Dictionary(x));
    Object::Dictionary(r)
}

/// A generated one-page text PDF (`pdf_gen`) changed by `edit`, which gets the document,
/// the page's resources dictionary (to add XObjects to) and appends to the page content
/// what it returns.
fn edited_pdf(text: &str, edit: impl FnOnce(&mut Document, &mut Dictionary) -> String) -> Vec<u8> {
    let bytes = pdf_gen::pdf(&[vec![pdf_gen::text(72.0, 100.0, 12.0, text)]], true);
    let mut doc = Document::load_mem(&bytes).expect("the generated PDF loads");
    let page = *doc.get_pages().values().next().expect("one page");
    let mut resources = doc.get_dictionary(page).unwrap().get(b"Resources").unwrap().as_dict().unwrap().clone();
    let extra = edit(&mut doc, &mut resources);
    let contents = doc.get_dictionary(page).unwrap().get(b"Contents").unwrap().as_reference().unwrap();
    let stream = doc.get_object_mut(contents).unwrap().as_stream_mut().unwrap();
    let mut content = stream.content.clone();
    content.extend_from_slice(extra.as_bytes());
    stream.set_content(content);
    doc.get_dictionary_mut(page).unwrap().set("Resources", Object::Dictionary(resources));
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A page drawing a chain of `n` forms, each drawing the next; with `cycle`, the last
/// draws the first.
fn form_chain(n: usize, cycle: bool) -> Vec<u8> {
    edited_pdf("表单", |doc, resources| {
        let ids: Vec<ObjectId> = (0..n).map(|_| doc.new_object_id()).collect();
        for (i, id) in ids.iter().enumerate() {
            let next = if i + 1 < n { Some(ids[i + 1]) } else { cycle.then_some(ids[0]) };
            let f = match next {
                Some(next) => form("/X Do", Some(xobjects(&[("X", next)]))),
                None => form("", None),
            };
            doc.objects.insert(*id, Object::Stream(f));
        }
        let Object::Dictionary(x) = xobjects(&[("X1", ids[0])]) else { unreachable!() };
        resources.extend(&x);
        " /X1 Do\n".into()
    })
}

/// A form that draws itself overflowed pdf-extract's stack (the process aborted).
#[test]
fn pdf_form_drawing_itself_is_refused() {
    let why = corrupt_why("self.pdf", &form_chain(1, true));
    assert!(why.contains("自我引用（循环）"), "{why}");
    let why = corrupt_why("cycle.pdf", &form_chain(5, true));
    assert!(why.contains("自我引用（循环）"), "{why}");
}

/// A chain of 10,000 nested forms overflowed the stack too.
#[test]
fn pdf_forms_nested_ten_thousand_deep_are_refused() {
    let why = corrupt_why("chain.pdf", &form_chain(10_000, false));
    assert!(why.contains("嵌套超过 32 层上限"), "{why}");
    let why = corrupt_why("chain33.pdf", &form_chain(33, false));
    assert!(why.contains("嵌套超过 32 层上限"), "{why}");
}

/// Forms within the depth limit are read, even when they share a resources dictionary
/// that lists them (drawing is what counts, not listing): the text inside is extracted.
#[test]
fn pdf_forms_within_the_limit_are_read() {
    let chain = import::read("chain32.pdf", &form_chain(32, false), None);
    assert!(!matches!(chain, Err(ImportError::Corrupt { .. })), "{:?}", chain.err());
    let bytes = edited_pdf("表单文字", |doc, resources| {
        let shared = doc.new_object_id();
        let (outer, inner) = (doc.new_object_id(), doc.new_object_id());
        let mut r = resources.clone();
        let Object::Dictionary(x) = xobjects(&[("X1", outer), ("X2", inner)]) else { unreachable!() };
        r.extend(&x);
        doc.objects.insert(shared, Object::Dictionary(r));
        doc.objects.insert(outer, Object::Stream(form("/X2 Do", Some(Object::Reference(shared)))));
        // CIDs 1..4 are 表单文字 in pdf_gen's font; the inner form inherits the resources.
        doc.objects.insert(inner, Object::Stream(form("BT /F1 12 Tf 1 0 0 1 72 500 Tm <0001000200030004> Tj ET", None)));
        resources.extend(&x);
        " /X1 Do\n".into()
    });
    let (_, doc) = import::read("shared.pdf", &bytes, None).expect("reads");
    assert_eq!(doc.source.matches("表单文字").count(), 2, "{}", doc.source);
}

/// Forms each drawing the next twice: 2^20 draws from 20 objects made pdf-extract parse
/// the last one a million times.
#[test]
fn pdf_forms_drawn_exponentially_often_are_refused() {
    let bytes = edited_pdf("表单", |doc, resources| {
        let ids: Vec<ObjectId> = (0..20).map(|_| doc.new_object_id()).collect();
        for (i, id) in ids.iter().enumerate() {
            let f = match ids.get(i + 1) {
                Some(next) => form("/X Do /X Do", Some(xobjects(&[("X", *next)]))),
                None => form("", None),
            };
            doc.objects.insert(*id, Object::Stream(f));
        }
        let Object::Dictionary(x) = xobjects(&[("X1", ids[0])]) else { unreachable!() };
        resources.extend(&x);
        " /X1 Do\n".into()
    });
    let why = corrupt_why("doubling.pdf", &bytes);
    assert!(why.contains("绘制表单对象超过 100000 次上限"), "{why}");
}

/// An xref stream whose `/W` asks for 100 GB field buffers (lopdf allocates them).
#[test]
fn pdf_absurd_xref_stream_widths_are_refused() {
    let mut b = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n".to_vec();
    let at = b.len();
    b.extend_from_slice(b"3 0 obj\n<< /Type /XRef /Size 4 /W [99999999999 4 1] /Root 1 0 R /Length 12 >>\nstream\n");
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
    let why = corrupt_why("xref-w.pdf", &b);
    assert!(why.contains("/W 字段宽度 99999999999 超过 8 字节上限"), "{why}");
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A small PDF holding `data` as a stream with `filters` is refused as a bomb.
fn assert_bomb_refused(file: &str, data: Vec<u8>, filters: Vec<Object>) {
    let bytes = edited_pdf("炸弹", |doc, resources| {
        let mut d = Dictionary::new();
        d.set("Filter", Object::Array(filters));
        let id = doc.add_object(Stream::new(d, data).with_compression(false));
        resources.set("Dummy", Object::Reference(id));
        String::new()
    });
    assert!(bytes.len() < 1 << 20, "{file}: {}", bytes.len());
    let why = corrupt_why(file, &bytes);
    assert!(why.contains("解压后超过 64 MiB 的上限（疑似解压炸弹）"), "{file}: {why}");
}

/// A page content stream inflating to 100 MiB from ~100 KB (a 1.5 MB one took 4.7 GB),
/// and one inflating to 256 MiB through two FlateDecode layers from a few KB.
#[test]
fn pdf_deflate_bombs_are_refused() {
    let spaces = vec![b' '; 100 << 20];
    let once = zlib(&spaces);
    // 256 MiB inside, compressed twice: only the inner layer is large.
    let twice = zlib(&zlib(&[spaces.as_slice(), &spaces, &spaces[..56 << 20]].concat()));
    for (file, data, filters) in [("bomb.pdf", once, vec![name("FlateDecode")]), ("bomb2.pdf", twice, vec![name("FlateDecode"), name("FlateDecode")])] {
        assert_bomb_refused(file, data, filters);
    }
}

/// An LZW stream expanding a thousandfold (lopdf decodes LZW whole, like FlateDecode), and
/// ASCII85 around FlateDecode: both counted against the same budget.
#[test]
fn pdf_lzw_and_ascii85_bombs_are_refused() {
    let zeros = vec![0u8; 100 << 20];
    let mut lzw = Vec::new();
    weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8).into_stream(&mut lzw).encode_all(&zeros[..]).status.unwrap();
    let flate = zlib(&zeros);
    let a85: Vec<u8> = flate
        .chunks(4)
        .flat_map(|c| {
            let mut g = [0u8; 4];
            g[..c.len()].copy_from_slice(c);
            let mut v = u32::from_be_bytes(g);
            let mut out = [0u8; 5];
            for slot in out.iter_mut().rev() {
                *slot = b'!' + (v % 85) as u8;
                v /= 85;
            }
            out[..c.len() + 1].to_vec()
        })
        .chain(*b"~>")
        .collect();
    for (file, data, filters) in [("lzw.pdf", lzw, vec![name("LZWDecode")]), ("a85.pdf", a85, vec![name("ASCII85Decode"), name("FlateDecode")])] {
        assert_bomb_refused(file, data, filters);
    }
}

/// The budget an import error names, when it is one.
fn limit_of(result: Result<gouji::Report, ImportError>) -> (&'static str, u64) {
    match result {
        Err(ImportError::Limit { what, limit, .. }) => (what, limit),
        other => panic!("expected ImportError::Limit, got {:?}", other.map(|r| r.path)),
    }
}

/// One table of 140,000 rows under a rowspan of 170,000 (clamped): the grid budget refuses
/// it (placing it sorted every active span per row; at 170,000 rows, 25 s, the node budget
/// refuses the page first).
#[test]
fn a_huge_rowspan_table_is_over_the_cell_budget() {
    let html = format!("<table><tr><td rowspan=170000>x</td><td>1</td></tr>{}</table>", "<tr><td>1</td></tr>".repeat(140_000));
    let (what, limit) = limit_of(gouji::read("rowspan.html", html.as_bytes(), None));
    assert!(what.contains("单元格"), "{what}");
    assert_eq!(limit, gouji::limits::REPORT_TABLE_CELLS as u64);
}

/// Many rows each with a large rowspan (a quadratic skip of covered columns before).
#[test]
fn many_large_rowspans_are_over_the_cell_budget() {
    let html = format!("<table>{}</table>", "<tr><td rowspan=65535>x</td><td>1</td></tr>".repeat(20_000));
    let (what, _) = limit_of(gouji::read("rowspans.html", html.as_bytes(), None));
    assert!(what.contains("单元格"), "{what}");
    // Absurd values are clamped, and a small table with them still reads.
    let small = "<table><tr><td rowspan=99999999 colspan=99999999>（一）予以公开</td><td>5</td></tr><tr><td>1</td></tr></table>";
    let _ = gouji::read("small.html", small.as_bytes(), None);
}

/// `<div></span>` repeated: the stray end tags do not close the divs, so the tree is
/// 300,000 deep (the old tag-count guard saw depth 1; parsing took 100 s).
#[test]
fn stray_end_tags_do_not_hide_html_depth() {
    let html = format!("<html><body>{}</body></html>", "<div></span>".repeat(300_000));
    let (what, limit) = limit_of(gouji::read("div-span.html", html.as_bytes(), None));
    assert!(what.contains("嵌套"), "{what}");
    assert_eq!(limit, gouji::limits::REPORT_HTML_DEPTH as u64);
}

/// 10,000 nested divs (inside a table cell too) are refused, not a stack overflow.
#[test]
fn deep_html_nesting_is_refused() {
    for html in ["<div>".repeat(10_000) + "x", format!("<table><tr><td>{}x{}</td></tr></table>", "<div>".repeat(10_000), "</div>".repeat(10_000))] {
        let (what, _) = limit_of(gouji::read("deep.html", html.as_bytes(), Some(gouji::Form::Html)));
        assert!(what.contains("嵌套"), "{what}");
    }
    // Just under the scan's allowance, the parsed tree is measured and refused the same.
    let html = format!("<html><body>{}</body></html>", "<span>".repeat(gouji::limits::REPORT_HTML_DEPTH + 100));
    let (what, _) = limit_of(gouji::read("spans.html", html.as_bytes(), Some(gouji::Form::Html)));
    assert!(what.contains("嵌套"), "{what}");
}

/// A Markdown row of 1,000,000 pipes is refused before its cells are built.
#[test]
fn a_markdown_row_with_a_million_cells_is_refused() {
    let md = format!("| 项目 | 数量 |\n|---|---|\n{}\n", "|".repeat(1_000_000));
    let (what, limit) = limit_of(gouji::read("wide.md", md.as_bytes(), Some(gouji::Form::Markdown)));
    assert!(what.contains("单元格"), "{what}");
    assert_eq!(limit, gouji::limits::REPORT_MARKDOWN_CELLS as u64);
}

/// A DOCX with the given `word/document.xml`, stored or deflated.
fn docx(xml: &[u8], deflate: bool) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(xml).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A zip bomb: `document.xml` inflating past 64 MiB is refused by its declared size, and
/// (declared size forged small) by a read that stops at the limit.
#[test]
fn a_docx_zip_bomb_is_refused() {
    let mut xml = b"<w:document><w:body><w:p><w:r><w:t>".to_vec();
    xml.resize((gouji::limits::REPORT_DOCX_XML_BYTES + 1024) as usize, b'a');
    let bytes = docx(&xml, true);
    assert!(bytes.len() < 1 << 20, "compresses well");
    let (what, limit) = limit_of(gouji::read("bomb.docx", &bytes, None));
    assert!(what.contains("document.xml"), "{what}");
    assert_eq!(limit, gouji::limits::REPORT_DOCX_XML_BYTES);
    // Forge the declared sizes (local header and central directory) to 1 KiB.
    let mut forged = bytes.clone();
    let size = ((xml.len() as u64) as u32).to_le_bytes();
    let mut i = 0;
    let mut patched = 0;
    while let Some(p) = forged[i..].windows(4).position(|w| w == size) {
        forged[i + p..i + p + 4].copy_from_slice(&1024u32.to_le_bytes());
        i += p + 4;
        patched += 1;
    }
    assert!(patched >= 2, "sizes found");
    assert!(gouji::read("forged.docx", &forged, None).is_err());
}

/// `document.xml` nested 10,000 deep is refused (the reader streams, so no overflow either).
#[test]
fn deep_docx_xml_is_refused() {
    let xml = format!("<w:document><w:body>{}{}</w:body></w:document>", "<w:sdt>".repeat(10_000), "</w:sdt>".repeat(10_000));
    let (what, _) = limit_of(gouji::read("deep.docx", &docx(xml.as_bytes(), true), None));
    assert!(what.contains("嵌套"), "{what}");
}

/// The fuzzer's malformed page: `<!-->` (a whole comment to the parser) hid the rest from
/// the position scan, a heading was placed past the trimmed end, and slicing the section
/// body panicked (begin > end).
#[test]
fn a_comment_the_scan_misread_does_not_panic() {
    let html = "<!--><table><tr><td>x</td></tr></table>--><p>一、总体情况</p><p>二、主动公开政府信息情况</p><td   ";
    let report = gouji::read("comment.html", html.as_bytes(), None).expect("reads");
    assert!(report.sections.iter().all(|s| s.span.end() <= html.len()));
}

/// Spans that disagree (a heading placed past the end of the text) give an empty section
/// body, never a panic in the assembler.
#[test]
fn assembler_survives_headings_past_the_end() {
    use gouji::report::import::{Block, Frag, RawDocument};
    let source = "一、总体情况\n二、主动公开政府信息情况\n   ".to_string();
    let len = source.len();
    let blocks = vec![
        Block::Text(Frag::new("一、总体情况", gouji::report::Span::new(0, 18))),
        Block::Text(Frag::new("二、主动公开政府信息情况", gouji::report::Span::new(len, 0))),
    ];
    let doc = RawDocument { source, blocks, diagnostics: Vec::new(), span_text: Default::default(), file_map: None };
    let set = gouji::template::TemplateSet::builtin();
    let _ = gouji::report::assemble::assemble("spans.html", "html", doc, set);
}

/// A few KB of distinct unclosed `<b>`s under a closed `<p>`: the parser re-opens all of
/// them before every `<div>x</div>`, millions of nodes from 30 KB (hundreds of MB before).
#[test]
fn reopened_formatting_elements_are_over_the_node_budget() {
    let opens: String = (0..500).map(|k| format!("<b id={k}>")).collect();
    let html = format!("<html><body><p>{opens}</p>{}</body></html>", "<div>x</div>".repeat(4_000));
    let (what, limit) = limit_of(gouji::read("reopen.html", html.as_bytes(), None));
    assert!(what.contains("节点"), "{what}");
    assert_eq!(limit, gouji::limits::REPORT_HTML_NODES as u64);
}

/// Stray end tags under 1,000 open formatting elements: each costs the parser a search
/// down the stack (67 s for 1.2 MB before); the scan counts the steps and refuses.
#[test]
fn stray_end_tags_under_deep_formatting_are_refused() {
    let html = format!("<html><body><i><div>{}{}</body></html>", "<b>".repeat(1_000), "</i>".repeat(300_000));
    let (what, _) = limit_of(gouji::read("stray.html", html.as_bytes(), None));
    assert!(what.contains("嵌套"), "{what}");
}

/// A page whose content decodes to 3 MiB of bare numbers: pdf-extract would hold about 125
/// times that (8 MiB took 1 GB).
#[test]
fn pdf_page_content_over_the_budget_is_refused() {
    let bytes = edited_pdf("页面", |_, _| "0 ".repeat(3 << 19));
    let why = corrupt_why("page.pdf", &bytes);
    assert!(why.contains("一页内容解压后超过 2 MiB 的上限"), "{why}");
}

/// One small content stream listed 200 times in a page's `/Contents`: pdf-extract joins
/// them all.
#[test]
fn pdf_content_stream_listed_again_and_again_is_refused() {
    let mut doc = Document::load_mem(&edited_pdf("页面", |_, _| String::new())).unwrap();
    let id = doc.add_object(Stream::new(Dictionary::new(), "0 ".repeat(8 << 10).into_bytes()));
    let page = *doc.get_pages().values().next().unwrap();
    let first = doc.get_dictionary(page).unwrap().get(b"Contents").unwrap().clone();
    let list = std::iter::once(first).chain(std::iter::repeat_n(Object::Reference(id), 200)).collect();
    doc.get_dictionary_mut(page).unwrap().set("Contents", Object::Array(list));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let why = corrupt_why("listed.pdf", &bytes);
    assert!(why.contains("一页内容解压后超过 2 MiB 的上限"), "{why}");
}

/// A 64 KiB form drawn 100 times on a page: within the draw count, over the content budget.
#[test]
fn pdf_form_drawn_often_is_counted_as_often() {
    let bytes = edited_pdf("表单", |doc, resources| {
        let id = doc.add_object(Object::Stream(form(&"0 ".repeat(32 << 10), None)));
        let Object::Dictionary(x) = xobjects(&[("X1", id)]) else { unreachable!() };
        resources.extend(&x);
        " /X1 Do".repeat(100)
    });
    let why = corrupt_why("often.pdf", &bytes);
    assert!(why.contains("一页内容解压后超过 2 MiB 的上限"), "{why}");
}

/// An image XObject is never decoded: one inflating to 100 MiB is neither counted nor read,
/// and the page's text is.
#[test]
fn pdf_images_are_not_decoded() {
    let bytes = edited_pdf("图片旁的文字", |doc, resources| {
        let mut d = Dictionary::new();
        d.set("Type", name("XObject"));
        d.set("Subtype", name("Image"));
        d.set("Filter", name("FlateDecode"));
        let id = doc.add_object(Stream::new(d, zlib(&vec![0u8; 100 << 20])).with_compression(false));
        let Object::Dictionary(x) = xobjects(&[("Im1", id)]) else { unreachable!() };
        resources.extend(&x);
        " /Im1 Do\n".into()
    });
    match gouji::read("image.pdf", &bytes, None) {
        Ok(report) => assert!(report.source.contains("图片旁的文字"), "{}", report.source),
        Err(ImportError::NotAReport { .. }) => {}
        Err(e) => panic!("the image is not a reason to refuse the file: {e:?}"),
    }
}

// ---------------------------------------------------------------- spans against the file

/// `parse --format json` of a report given as bytes: the JSON and the file's bytes.
fn parsed_json(name: &str, bytes: &[u8]) -> serde_json::Value {
    let report = gouji::read(name, bytes, None).expect("reads");
    gouji::render::parse::json(&report)
}

/// Every cell of a decoded report: JSON names the encoding, and `file_offset`/`file_len`
/// are the bytes of the file that decode to the cell's raw text.
fn assert_file_spans(json: &serde_json::Value, bytes: &[u8], encoding: &'static encoding_rs::Encoding, bom: usize) {
    if json["form"] == "html" {
        // A page's spans index its text rendering, whatever the file's encoding.
        assert_eq!(json["span_text"]["kind"], "rendering", "{}", json["span_text"]);
    } else {
        assert_eq!(json["span_text"]["kind"], "decoded", "{}", json["span_text"]);
        assert_eq!(json["span_text"]["encoding"], encoding.name());
        assert_eq!(json["span_text"]["bom"], bom);
    }
    let mut seen = 0;
    for table in json["tables"].as_object().unwrap().values() {
        for row in table.as_object().unwrap().values() {
            for cell in row.as_object().unwrap().values() {
                let raw = cell["raw"].as_str().unwrap();
                if raw.is_empty() {
                    continue;
                }
                let (at, len) = (cell["span"]["file_offset"].as_u64().unwrap() as usize, cell["span"]["file_len"].as_u64().unwrap() as usize);
                let (text, _) = encoding.decode_without_bom_handling(&bytes[at..at + len]);
                assert_eq!(text, raw, "{cell}");
                seen += 1;
            }
        }
    }
    assert!(seen > 100, "{seen} cells");
}

/// A GBK pipe report: spans index its UTF-8 decoding, and map back to the GBK bytes.
#[test]
fn gbk_spans_map_back_to_the_file() {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    assert_file_spans(&parsed_json("gbk.txt", &gbk), &gbk, encoding_rs::GB18030, 0);
}

/// A UTF-16 HTML page with a byte order mark: spans map back past the BOM.
#[test]
fn utf16_spans_map_back_to_the_file() {
    let page = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html/mouxian_2023.html")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(page.encode_utf16().flat_map(u16::to_le_bytes));
    assert_file_spans(&parsed_json("utf16.html", &bytes), &bytes, encoding_rs::UTF_16LE, 2);
}

/// UTF-8 files need no mapping: spans are file offsets, and JSON says so.
#[test]
fn utf8_spans_are_file_offsets() {
    let json = parsed_json("example.txt", include_bytes!("../examples/example.txt"));
    assert_eq!(json["span_text"]["kind"], "file");
    assert!(json["tables"]["t3"]["new_received"]["natural_person"]["span"].get("file_offset").is_none());
}

/// A number written with character entities: its span covers the markup, and the cell
/// says its span is not its text (only such cells carry `span_exact`).
#[test]
fn a_cell_whose_span_is_not_its_text_is_marked() {
    let page = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html/mouxian_2023.html")).unwrap();
    let report = gouji::read("plain.html", page.as_bytes(), None).expect("reads");
    let cells = || report.tables.values().flat_map(|t| t.rows.values()).flat_map(|r| r.cells.values());
    assert!(cells().all(|c| c.span_exact), "a clean page has only exact spans");
    let cell = report.cell("t3", "new_received", "natural_person").expect("the cell").clone();
    let digits: String = cell.raw.chars().map(|c| format!("&#{};", c as u32)).collect();
    // The page's spans index its rendering; the cell's place in the file is kept beside.
    let (at, end) = report.file_range(cell.span).expect("a file range");
    assert_eq!(&page[at..end], cell.raw.as_str());
    let edited = format!("{}{}{}", &page[..at], digits, &page[end..]);
    let report = gouji::read("entities.html", edited.as_bytes(), None).expect("reads");
    let again = report.cell("t3", "new_received", "natural_person").expect("the cell");
    assert_eq!((again.raw.as_str(), again.state), (cell.raw.as_str(), CellState::Number));
    assert!(!again.span_exact, "{again:?}");
    let json = gouji::render::parse::json(&report);
    assert_eq!(json["tables"]["t3"]["new_received"]["natural_person"]["span_exact"], false);
    assert!(json["tables"]["t3"]["new_received"]["consulting"].get("span_exact").is_none());
}

/// `check --format json` entries: the direct serialization and the `Value` tree agree, and a
/// GBK report's finding cells carry their file offsets too.
#[test]
fn check_json_spans_map_back_for_decoded_reports() {
    use gouji::render::check::{report_json, report_json_pretty};
    let checker = gouji::Checker::official();
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    for (name, bytes) in [("utf8.txt", text.as_bytes()), ("gbk.txt", &gbk[..])] {
        let report = checker.read(name, bytes, None).expect("reads");
        let e = checker.evaluate(gouji::Context::of(&report));
        assert!(!e.findings.is_empty(), "{name}: the example has a finding");
        let outcome = Ok((report, e));
        let tree = serde_json::to_string_pretty(&report_json(name, &outcome)).unwrap();
        assert_eq!(report_json_pretty(name, &outcome, 0), tree, "{name}");
        assert_eq!(report_json_pretty(name, &outcome, 2), tree.replace('\n', "\n    "), "{name}: nested in the batch");
        let json: serde_json::Value = serde_json::from_str(&tree).unwrap();
        let span = &json["findings"][0]["cells"][0]["span"];
        let (Ok((report, _)), true) = (&outcome, name == "gbk.txt") else { continue };
        let (at, len) = (span["file_offset"].as_u64().unwrap() as usize, span["file_len"].as_u64().unwrap() as usize);
        let raw = json["findings"][0]["cells"][0]["raw"].as_str().unwrap();
        assert_eq!(encoding_rs::GBK.decode_without_bom_handling(&bytes[at..at + len]).0, raw, "{}", report.path);
    }
}

/// A pair in `check --format json`: the entry names the previous report, its cells say
/// `"report": "prev"`, and only the checked report's decoding maps spans back to file bytes.
#[test]
fn check_json_of_a_pair_names_the_previous_report() {
    use gouji::render::check::{report_json, report_json_pretty};
    let checker = gouji::Checker::official();
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example-2023.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let report = checker.read("gbk.txt", &gbk, None).expect("reads");
    let mut before = checker.read("上年.txt", text.as_bytes(), None).expect("reads");
    let cell = before.tables.get_mut("t3").and_then(|t| t.rows.get_mut("carried_forward")).and_then(|r| r.cells.get_mut("total")).expect("结转下年度·总计");
    *cell = gouji::report::value::cell_from("9", cell.span);
    let e = checker.evaluate(gouji::Context { report: &report, previous: Some(&before) });
    assert_eq!(e.previous.as_deref(), Some("上年.txt"));
    let outcome = Ok((report, e));
    let tree = serde_json::to_string_pretty(&report_json("gbk.txt", &outcome)).unwrap();
    assert_eq!(report_json_pretty("gbk.txt", &outcome, 0), tree);
    let json: serde_json::Value = serde_json::from_str(&tree).unwrap();
    assert_eq!(json["prev"]["path"], "上年.txt");
    let carry =
        json["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "xyear.carry" && f["binding"][0]["key"] == "total").expect("X1 fails at 总计");
    let cells = carry["cells"].as_array().unwrap();
    assert_eq!((cells[0].get("report"), &cells[1]["report"]), (None, &serde_json::json!("prev")));
    assert!(cells[0]["span"]["file_offset"].is_u64(), "{}", cells[0]);
    assert!(cells[1]["span"].get("file_offset").is_none(), "{}", cells[1]);
    assert_eq!(cells[1]["raw"], "9");
    // A single report's entry has no `previous`.
    let alone = checker.evaluate(gouji::Context::of(&before));
    let single = report_json("上年.txt", &Ok((before, alone)));
    assert!(single.get("previous").is_none());
}

/// Text where a row's first number belongs (`规章 | 见附件 | 0 | 0 | |`) reads as more of
/// its label, and the bare pipe after the row as a last blank cell: taken so, the numbers
/// would sit one column to the left. The row is a doubt, its cells unread.
#[test]
fn text_in_a_rows_first_cell_never_shifts_its_numbers() {
    let example = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.txt")).unwrap();
    assert!(example.contains("规章 |\n0 |\n0 |\n0 |\n|\n"), "the example's 规章 row");
    let text = example.replacen("规章 |\n0 |\n0 |\n0 |\n|\n", "规章 |\n见附件 |\n4 |\n9 |\n|\n", 1);
    let report = gouji::read("first-cell-text.txt", text.as_bytes(), None).expect("reads");
    let row = report.tables["t2"].rows.get("regulations").expect("the row is found");
    assert!(row.cells.values().next().is_none(), "no cell of the row is read: {:?}", row.cells.values().map(|c| c.raw.as_str()).collect::<Vec<_>>());
    let doubt = report.diagnostics.iter().find(|d| d.code == "import.cell_count").expect("a doubt");
    assert_eq!(doubt.message, "表二的行“规章”的标签后有文字“见附件”，它可能是第一个单元格：无法确定各数值所在的列（提取存疑）");
    // A label whose text goes on over two cells still reads when its numbers fill the row.
    let text = example.replacen("规章 |\n0 |\n0 |\n0 |\n|\n", "规章 |\n（含地方性法规） |\n1 |\n2 |\n3 |\n|\n", 1);
    let report = gouji::read("two-label-cells.txt", text.as_bytes(), None).expect("reads");
    let row = report.tables["t2"].rows.get("regulations").expect("the row");
    let raw = |col: &str| row.cells.get(col).map(|c| c.raw.to_string());
    assert_eq!([raw("issued"), raw("repealed"), raw("in_force")], [Some("1".into()), Some("2".into()), Some("3".into())]);
    // …but with its last cell left blank it reads either way (label over two cells and a
    // blank, or text in the first cell): a doubt on every cell, no number placed.
    let text = example.replacen("规章 |\n0 |\n0 |\n0 |\n|\n", "规章 |\n（含地方性法规） |\n1 |\n2 |\n|\n", 1);
    let report = gouji::read("two-label-cells-blank.txt", text.as_bytes(), None).expect("reads");
    let row = report.tables["t2"].rows.get("regulations").expect("the row");
    assert!(row.cells.values().next().is_none(), "{:?}", row.cells.values().map(|c| c.raw.as_str()).collect::<Vec<_>>());
    assert!(["issued", "repealed", "in_force"].iter().all(|c| report.is_doubted("t2", "regulations", c)), "{:?}", report.doubted);
    assert!(report.diagnostics.iter().any(|d| d.code == "import.cell_count" && d.message.contains("（含地方性法规）")), "{:?}", report.diagnostics);
}
