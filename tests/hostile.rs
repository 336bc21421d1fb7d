//! The bad-input catalogue (issue 10): every hostile input — a report, a rule file, a pack,
//! an argument or an output — makes the `gouji` binary exit 1 or 2 with a clear message in
//! Chinese (or the right finding), within the wall-clock watchdog and under a memory cap.
//!
//! Each case runs the binary through `sh -c 'ulimit -v …; exec gouji …'` (1 GiB of address
//! space, which the normal binary checking a batch fits in) and kills it after
//! [`WATCHDOG`]; it asserts the exact exit code and a message class: a substring of stderr
//! or stdout. Large inputs are made here; small ones are files in `tests/hostile/`
//! (`tests/hostile/found/` holds the fuzzers' minimized crashes).

mod common;

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address space the binary may use (KiB for `ulimit -v`): 1 GiB.
const MEMORY_KIB: u64 = 1 << 20;
/// A run still going after this is killed and the case fails.
const WATCHDOG: Duration = Duration::from_secs(10);

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    fn text(&self) -> String {
        format!("{}\n{}", self.stderr, self.stdout)
    }

    fn show(&self) -> String {
        let cut = |s: &str| s.chars().take(1500).collect::<String>();
        format!("exit {:?} after {:.1?}\n--- stderr ---\n{}\n--- stdout ---\n{}", self.code, self.took, cut(&self.stderr), cut(&self.stdout))
    }
}

/// Run `gouji ARGS` from the crate root under the memory cap and the watchdog.
fn gouji(args: &[&OsStr]) -> Run {
    gouji_to(args, None)
}

/// Like [`gouji`], with stdout sent to `out` (a file such as `/dev/full`) when given.
fn gouji_to(args: &[&OsStr], out: Option<&Path>) -> Run {
    let script = format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\"");
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).arg(env!("CARGO_BIN_EXE_gouji")).args(args);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").stdin(Stdio::null()).stderr(Stdio::piped());
    match out {
        Some(path) => cmd.stdout(std::fs::OpenOptions::new().write(true).open(path).expect("open the output")),
        None => cmd.stdout(Stdio::piped()),
    };
    let start = Instant::now();
    let mut child = cmd.spawn().expect("run gouji");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for gouji") {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gouji {:?}: still running after {WATCHDOG:?}, killed", args);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    Run { code: status.code(), stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap(), took }
}

/// The exit code is `code` and the output holds one of `classes`; never a panic's text.
fn expect(run: &Run, code: i32, classes: &[&str]) {
    let text = run.text();
    assert!(!text.contains("panicked at") && !text.contains("RUST_BACKTRACE"), "a panic:\n{}", run.show());
    assert_eq!(run.code, Some(code), "exit code\n{}", run.show());
    assert!(classes.iter().any(|c| text.contains(c)), "none of {classes:?} in the output\n{}", run.show());
}

/// `expect` for a file the binary cannot use: exit 2, an `错误：` line naming it.
fn refused(run: &Run, name: &str, classes: &[&str]) {
    expect(run, 2, classes);
    assert!(run.stderr.contains("错误"), "no 错误 line\n{}", run.show());
    assert!(run.stderr.contains(name), "the message does not name {name}\n{}", run.show());
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// A fresh scratch folder for one case.
fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gouji-hostile-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile").join(name)
}

fn example() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.txt")).unwrap()
}

fn html_fixture() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html/mouxian_2023.html")).unwrap()
}

/// `check FILE` with the official pack.
fn check(path: &Path) -> Run {
    gouji(&[os("check"), path.as_os_str()])
}

/// Messages of a report the binary refuses to read (import errors, in Chinese).
const UNREADABLE: &[&str] = &["无法读取", "不是文本文件", "未找到年度报告", "文件为空", "没有可提取的文字层", "超过", "太大", "嵌套", "层"];

// ---------------------------------------------------------------- made-up documents

/// A PDF from object bodies (object n+1 is `objects[n]`), with a correct xref table and
/// `/Root 1 0 R`.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

/// Catalog, pages and one page whose content stream is object 4 and whose resources are
/// `resources`; `more` objects follow as 5, 6, ….
fn one_page_pdf(content: Vec<u8>, resources: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << {resources} >> /Contents 4 0 R >>").into_bytes(),
        content,
    ];
    objects.extend(more);
    pdf(&objects)
}

/// Deflate data (zlib-wrapped when `zlib`) that inflates to `len` zero bytes: one fixed
/// Huffman block of a literal 0 and matches of 258 at distance 1 — about 13 bits per
/// 258 bytes, made without a compressor.
fn zeros_deflate(len: u64, zlib: bool) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// `n` bits of `v`, least significant first.
        fn put(&mut self, v: u64, n: u32) {
            self.acc |= v << self.n;
            self.n += n;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code of `n` bits, most significant bit first.
        fn code(&mut self, code: u64, n: u32) {
            self.put(reversed(code, n), n);
        }
    }
    fn reversed(code: u64, n: u32) -> u64 {
        (0..n).fold(0, |r, i| r | (((code >> i) & 1) << (n - 1 - i)))
    }
    let mut b = Bits { out: Vec::new(), acc: 0, n: 0 };
    if zlib {
        b.out.extend_from_slice(&[0x78, 0x9c]);
    }
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman codes
    b.code(0x30, 8); // literal 0
    let mut left = len - 1;
    // Length 258 (code 285, 8 bits) then distance 1 (code 0, 5 bits), as one 13-bit run.
    let run = reversed(0b1100_0101, 8);
    while left >= 258 {
        b.put(run, 13);
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block
    b.put(0, 7);
    let mut out = b.out;
    if zlib {
        // Adler-32 of `len` zeros: a = 1, b = len mod 65521.
        let adler = ((len % 65521) << 16) | 1;
        out.extend_from_slice(&(adler as u32).to_be_bytes());
    }
    out
}

/// A zip archive by hand: (name, stored-or-deflated data, method, claimed size).
fn zip(entries: &[(&str, Vec<u8>, u16, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, method, size) in entries {
        let at = out.len() as u32;
        let header = |sig: u32, central_dir: bool| {
            let mut h = sig.to_le_bytes().to_vec();
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
            h.extend_from_slice(&0u32.to_le_bytes()); // crc (not checked before the end)
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&[0; 8]);
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&at.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A DOCX whose `word/document.xml` is `xml`, stored.
fn docx(xml: &str) -> Vec<u8> {
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
    zip(&[("[Content_Types].xml", types.as_bytes().to_vec(), 0, types.len() as u32), ("word/document.xml", xml.as_bytes().to_vec(), 0, xml.len() as u32)])
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The example report with 表三 本年新收 自然人 (193) printed as `value`.
fn example_with_cell(value: &str) -> String {
    let at = "一、本年新收政府信息公开申请数量 |\n193 |";
    let text = example();
    assert!(text.contains(at));
    text.replacen(at, &format!("一、本年新收政府信息公开申请数量 |\n{value} |"), 1)
}

/// `parse --format json` of a report: the cell 表三 本年新收 自然人.
fn new_received_natural_person(path: &Path) -> serde_json::Value {
    let run = gouji(&[os("parse"), path.as_os_str(), os("--format"), os("json")]);
    assert_eq!(run.code, Some(0), "parse\n{}", run.show());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("parse prints JSON");
    json["tables"]["t3"]["new_received"]["natural_person"].clone()
}

// ---------------------------------------------------------------- empty, garbage, encodings

#[test]
fn empty_file() {
    let dir = scratch("empty");
    refused(&check(&write(&dir, "empty.txt", "")), "empty.txt", &["文件为空"]);
}

#[test]
fn whitespace_only_file() {
    let dir = scratch("blank");
    refused(&check(&write(&dir, "blank.txt", " \n\t\r\n\u{3000}\n")), "blank.txt", &["文件为空", "未找到年度报告"]);
}

#[test]
fn binary_garbage() {
    let dir = scratch("garbage");
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    refused(&check(&write(&dir, "garbage.bin", bytes)), "garbage.bin", &["不是文本文件"]);
}

#[test]
fn nul_bytes_in_text() {
    let dir = scratch("nul");
    let text = example().replace("一、总体情况", "一、总体\0\0\0情况").into_bytes();
    let path = write(&dir, "nul.txt", [text, vec![0; 4096]].concat());
    refused(&check(&path), "nul.txt", &["不是文本文件"]);
}

#[test]
fn invalid_utf8_report() {
    // Text that is neither UTF-8 nor GBK (lone continuation and 0xFF bytes in a report).
    let dir = scratch("badutf8");
    let mut bytes = example().into_bytes();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap();
    for (i, b) in [0xff, 0x80, 0xfe, 0xc0, 0x80, 0xff].into_iter().enumerate() {
        bytes.insert(at + i, b);
    }
    refused(&check(&write(&dir, "bad.txt", bytes)), "bad.txt", &["不是文本文件", "编码", "UTF-8"]);
}

#[test]
fn gbk_declared_as_utf8() {
    // The HTML says charset=utf-8, its bytes are GBK: read as GBK (the report is found).
    let run = check(&hostile("gbk-declared-utf8.html"));
    expect(&run, 0, &["规则 24 条"]);
    assert!(run.stdout.contains("某某县"), "the issuer is read from the GBK bytes\n{}", run.show());
}

#[test]
fn bom_file_spans_hold_raw_text() {
    let dir = scratch("bom");
    let path = write(&dir, "bom.txt", [b"\xef\xbb\xbf".to_vec(), example().into_bytes()].concat());
    expect(&check(&path), 0, &["规则 24 条"]);
    let report = gouji::read_file(path.to_str().unwrap(), None).expect("a BOM report reads");
    assert!(common::assert_spans_show_raw(&report) > 50);
    // The JSON's spans point into the file's text the same way.
    let cell = new_received_natural_person(&path);
    assert_eq!(cell["raw"], "193");
    let at = cell["span"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(&report.source[at..at + 3], "193", "a span of the JSON holds the raw text");
}

// ---------------------------------------------------------------- truncated containers

#[test]
fn truncated_pdf() {
    let dir = scratch("trunc-pdf");
    let content = stream("", b"BT /F1 12 Tf 72 700 Td (2023) Tj ET");
    let whole = one_page_pdf(content, "/Font << /F1 5 0 R >>", vec![b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec()]);
    let path = write(&dir, "cut.pdf", &whole[..whole.len() * 3 / 5]);
    refused(&check(&path), "cut.pdf", UNREADABLE);
}

#[test]
fn truncated_docx() {
    let dir = scratch("trunc-docx");
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"{W_NS}\"><w:body>{}</w:body></w:document>",
        "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>".repeat(200)
    );
    let whole = docx(&xml);
    let path = write(&dir, "cut.docx", &whole[..whole.len() / 2]);
    refused(&check(&path), "cut.docx", UNREADABLE);
}

#[test]
fn truncated_html() {
    // Cut in the middle of 表三: what is there is read; 表三's missing rows make its
    // rules not assessable, and the report says so (never a crash, never "passed").
    let dir = scratch("trunc-html");
    let html = html_fixture();
    let at = "二、上年结转".as_bytes();
    let cut = html.windows(at.len()).position(|w| w == at).expect("表三 in the fixture");
    let path = write(&dir, "cut.html", &html[..cut]);
    expect(&check(&path), 0, &["无法评估"]);
}

#[test]
fn empty_zip_as_docx() {
    let dir = scratch("empty-zip");
    refused(&check(&write(&dir, "empty.docx", zip(&[]))), "empty.docx", UNREADABLE);
}

#[test]
fn docx_without_document_xml() {
    let dir = scratch("no-doc");
    let path = write(&dir, "nodoc.docx", zip(&[("word/styles.xml", b"<styles/>".to_vec(), 0, 9)]));
    refused(&check(&path), "nodoc.docx", UNREADABLE);
}

#[test]
fn pdf_header_only() {
    let dir = scratch("pdf-header");
    refused(&check(&write(&dir, "header.pdf", "%PDF-1.7\n")), "header.pdf", UNREADABLE);
}

#[test]
fn text_given_as_pdf() {
    let dir = scratch("as-pdf");
    let path = write(&dir, "report.txt", example());
    let run = gouji(&[os("check"), path.as_os_str(), os("--form"), os("pdf")]);
    refused(&run, "report.txt", UNREADABLE);
}

// ---------------------------------------------------------------- deep nesting

#[test]
fn html_10000_nested_divs() {
    let dir = scratch("deep-html");
    let html = format!("<html><body>{}年度报告{}</body></html>", "<div>".repeat(10_000), "</div>".repeat(10_000));
    refused(&check(&write(&dir, "deep.html", html)), "deep.html", UNREADABLE);
}

#[test]
fn markdown_10000_nested_quotes() {
    let dir = scratch("deep-quote");
    let md = format!("# 年度报告\n\n{} 引文\n", ">".repeat(10_000));
    let path = write(&dir, "deep.md", md);
    let run = gouji(&[os("check"), path.as_os_str(), os("--form"), os("markdown")]);
    refused(&run, "deep.md", UNREADABLE);
}

#[test]
fn markdown_10000_nested_lists() {
    let dir = scratch("deep-list");
    let md: String = (0..10_000).map(|i| format!("{}- 第{i}层\n", "  ".repeat(i))).collect();
    let path = write(&dir, "lists.md", format!("# 年度报告\n\n{md}"));
    let run = gouji(&[os("check"), path.as_os_str(), os("--form"), os("markdown")]);
    refused(&run, "lists.md", UNREADABLE);
}

#[test]
fn docx_10000_nested_xml() {
    let dir = scratch("deep-docx");
    let open = "<w:tbl><w:tr><w:tc>".repeat(10_000);
    let close = "</w:tc></w:tr></w:tbl>".repeat(10_000);
    let xml = format!("<?xml version=\"1.0\"?><w:document xmlns:w=\"{W_NS}\"><w:body>{open}<w:p><w:r><w:t>1</w:t></w:r></w:p>{close}</w:body></w:document>");
    refused(&check(&write(&dir, "deep.docx", docx(&xml))), "deep.docx", UNREADABLE);
}

#[test]
fn pdf_10000_nested_arrays() {
    let dir = scratch("deep-array");
    let arrays = format!("{}0{}", "[".repeat(10_000), "]".repeat(10_000));
    let path = write(&dir, "arrays.pdf", one_page_pdf(stream("", b"BT ET"), "", vec![format!("<< /Deep {arrays} >>").into_bytes()]));
    refused(&check(&path), "arrays.pdf", UNREADABLE);
}

#[test]
fn pdf_10000_nested_xobjects() {
    // Form XObject n draws n+1, 10,000 deep.
    let dir = scratch("deep-xobject");
    let n = 10_000;
    let more: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let me = 5 + i;
            let inner = if i + 1 < n { format!("/Resources << /XObject << /X {} 0 R >> >>", me + 1) } else { String::new() };
            let body: &[u8] = if i + 1 < n { b"/X Do" } else { b"BT ET" };
            stream(&format!("/Type /XObject /Subtype /Form /BBox [0 0 10 10] {inner}"), body)
        })
        .collect();
    let path = write(&dir, "xobjects.pdf", one_page_pdf(stream("", b"/X Do"), "/XObject << /X 5 0 R >>", more));
    refused(&check(&path), "xobjects.pdf", UNREADABLE);
}

#[test]
fn pdf_self_drawing_xobject() {
    let dir = scratch("self-xobject");
    let me = stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >>", b"/X Do");
    let path = write(&dir, "self.pdf", one_page_pdf(stream("", b"/X Do"), "/XObject << /X 5 0 R >>", vec![me]));
    refused(&check(&path), "self.pdf", UNREADABLE);
}

#[test]
fn rule_file_10000_nested_parentheses() {
    let dir = scratch("deep-parens");
    let rule = format!("rule deep \"深\" {{\n    check {}1{} == 1\n}}\n", "(".repeat(10_000), ")".repeat(10_000));
    let path = write(&dir, "deep.gouji", rule);
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), path.as_os_str()]);
    expect(&run, 2, &["括号嵌套", "表达式太深"]);
}

#[test]
fn template_toml_10000_nested_arrays() {
    let dir = scratch("deep-toml");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    write(&dir, "pack.toml", "name = \"深\"\n");
    write(&dir, "main.gouji", "rule r \"r\" {\n    check 表三[本年新收, 自然人] >= 0\n}\n");
    write(&dir.join("templates"), "deep.toml", format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)));
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), dir.as_os_str()]);
    expect(&run, 2, &["deep.toml"]);
}

// ---------------------------------------------------------------- numbers

#[test]
fn number_full_width_digits() {
    // Full-width digits are digits: １２ is the count 12 (and the balance then fails).
    let dir = scratch("fullwidth");
    let path = write(&dir, "report.txt", example_with_cell("１２"));
    let cell = new_received_natural_person(&path);
    assert_eq!(cell["raw"], "１２", "{cell}");
    assert_eq!(cell["state"], "number", "{cell}");
    assert_eq!(cell["value"].to_string(), "12", "{cell}");
    expect(&check(&path), 1, &["t3.balance"]);
}

#[test]
fn html_mismatched_close_tags() {
    let dir = scratch("div-span");
    let html = format!("<html><body>{}</body></html>", "<div></span>".repeat(200_000));
    refused(&check(&write(&dir, "mismatch.html", html)), "mismatch.html", UNREADABLE);
}

#[test]
fn html_unterminated_comment() {
    let dir = scratch("comment");
    let html = format!("<html><body><!-- {}", "<td>1</td>".repeat(100_000));
    refused(&check(&write(&dir, "comment.html", html)), "comment.html", UNREADABLE);
}

#[test]
fn one_long_line() {
    let dir = scratch("long-line");
    refused(&check(&write(&dir, "line.txt", "甲".repeat(4 << 20))), "line.txt", UNREADABLE);
}

#[test]
fn a_million_pipes() {
    let dir = scratch("pipes");
    refused(&check(&write(&dir, "pipes.txt", "|\n".repeat(1_000_000))), "pipes.txt", UNREADABLE);
}

#[test]
fn report_over_the_size_limit() {
    // A sparse 100 MiB file: refused by its length, not read.
    let dir = scratch("huge");
    let path = dir.join("huge.txt");
    std::fs::File::create(&path).unwrap().set_len(100 << 20).unwrap();
    refused(&check(&path), "huge.txt", &["超过", "太大", "上限"]);
}

// ---------------------------------------------------------------- hostile PDFs

#[test]
fn pdf_object_number_4294967295() {
    let body = "%PDF-1.5\n4294967295 0 obj\n<< /Type /Catalog /Pages 4294967295 0 R >>\nendobj\ntrailer\n<< /Root 4294967295 0 R /Size 4294967296 >>\n%%EOF\n";
    let dir = scratch("objnum");
    refused(&check(&write(&dir, "objnum.pdf", body)), "objnum.pdf", UNREADABLE);
}

#[test]
fn pdf_xref_stream_huge_widths() {
    let run = check(&hostile("xref-stream-widths.pdf"));
    refused(&run, "xref-stream-widths.pdf", UNREADABLE);
}

#[test]
fn docx_deflate_bomb() {
    // word/document.xml inflates to 2 GiB while its header says 10 KB.
    let dir = scratch("docx-bomb");
    let bomb = zeros_deflate(2 << 30, false);
    let path = write(&dir, "bomb.docx", zip(&[("word/document.xml", bomb, 8, 10_000)]));
    refused(&check(&path), "bomb.docx", UNREADABLE);
}

#[test]
fn pdf_page_tree_cycle() {
    let dir = scratch("pages-cycle");
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Count 2 /Kids [3 0 R] >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Count 1 /Kids [2 0 R] >>".to_vec(),
    ];
    refused(&check(&write(&dir, "cycle.pdf", pdf(&objects))), "cycle.pdf", UNREADABLE);
}

#[test]
fn pdf_length_past_the_end() {
    let dir = scratch("pdf-length");
    let mut content = b"<< /Length 999999999 >>\nstream\nBT ET\nendstream".to_vec();
    content.shrink_to_fit();
    refused(&check(&write(&dir, "length.pdf", one_page_pdf(content, "", vec![]))), "length.pdf", UNREADABLE);
}

#[test]
fn docx_entity_expansion() {
    let dir = scratch("laughs");
    let mut dtd = String::from("<!DOCTYPE w:document [<!ENTITY a0 \"一、总体情况\">");
    for i in 1..12 {
        dtd.push_str(&format!("<!ENTITY a{i} \"{}\">", format!("&a{};", i - 1).repeat(10)));
    }
    dtd.push_str("]>");
    let xml = format!("<?xml version=\"1.0\"?>{dtd}<w:document xmlns:w=\"{W_NS}\"><w:body><w:p><w:r><w:t>&a11;</w:t></w:r></w:p></w:body></w:document>");
    refused(&check(&write(&dir, "laughs.docx", docx(&xml))), "laughs.docx", UNREADABLE);
}

// ---------------------------------------------------------------- special files

#[test]
fn dev_zero_as_report() {
    refused(&check(Path::new("/dev/zero")), "/dev/zero", &["不是普通文件"]);
}

#[test]
fn fifo_as_report() {
    let dir = scratch("fifo-report");
    let fifo = dir.join("report.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&check(&fifo), "report.txt", &["不是普通文件"]);
}

#[test]
fn dev_zero_as_rule_file() {
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), os("/dev/zero")]);
    expect(&run, 2, &["不是普通文件"]);
    assert!(run.stderr.contains("zero"), "{}", run.show());
}

#[test]
fn fifo_as_rule_file() {
    let dir = scratch("fifo-rules");
    let fifo = dir.join("rules.gouji");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), fifo.as_os_str()]);
    expect(&run, 2, &["不是普通文件", "无法读取规则文件"]);
    assert!(run.stderr.contains("rules.gouji"), "{}", run.show());
}

#[test]
fn non_utf8_file_name() {
    use std::os::unix::ffi::OsStringExt;
    let dir = scratch("name");
    let path = dir.join(OsString::from_vec(b"\xff\xfe\xb1\xa8\xb8\xe6.txt".to_vec()));
    std::fs::write(&path, example()).unwrap();
    let run = check(&path);
    expect(&run, 0, &["规则 24 条"]);
}

#[test]
fn output_to_dev_full() {
    let run = gouji_to(&[os("check"), os("examples/example.txt")], Some(Path::new("/dev/full")));
    expect(&run, 2, &["无法写出", "写入"]);
}

#[test]
fn json_output_to_dev_full() {
    let run = gouji_to(&[os("parse"), os("examples/example.txt"), os("--format"), os("json")], Some(Path::new("/dev/full")));
    expect(&run, 2, &["无法写出", "写入"]);
}

// ---------------------------------------------------------------- rule files and packs

fn rules(case: &str, text: &str) -> Run {
    let dir = scratch(case);
    let path = write(&dir, "rules.gouji", text);
    gouji(&[os("check"), os("examples/example.txt"), os("--rules"), path.as_os_str()])
}

#[test]
fn include_parent_directory() {
    let dir = scratch("include-up");
    write(&dir, "x.gouji", "rule x \"x\" {\n    check 1 == 1\n}\n");
    let pack = dir.join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    write(&pack, "pack.toml", "name = \"上级\"\n");
    write(&pack, "main.gouji", "include \"../x.gouji\"\n");
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), pack.as_os_str()]);
    expect(&run, 2, &["规则包目录"]);
}

#[test]
fn include_etc_passwd() {
    let dir = scratch("include-abs");
    write(&dir, "pack.toml", "name = \"绝对\"\n");
    write(&dir, "main.gouji", "include \"/etc/passwd\"\n");
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), dir.as_os_str()]);
    expect(&run, 2, &["绝对路径"]);
    assert!(!run.text().contains("root:x:0"), "nothing of /etc/passwd is shown\n{}", run.show());
}

#[test]
fn rule_30000_prefix_not() {
    let run = rules("nots", &format!("rule nots \"非\" {{\n    check {}表三[本年新收, 自然人] > 0\n}}\n", "not ".repeat(30_000)));
    expect(&run, 2, &["表达式太深", "太长", "嵌套"]);
}

#[test]
fn rule_15000_term_sum() {
    let run = rules("terms", &format!("rule terms \"和\" {{\n    check {}1 == 1\n}}\n", "1 + ".repeat(15_000)));
    expect(&run, 2, &["表达式太长"]);
}

#[test]
fn message_100000_holes() {
    let run =
        rules("holes", &format!("rule holes \"洞\" {{\n    let x = 表三[本年新收, 自然人]\n    check x < 0\n    message \"{}\"\n}}\n", "{x}".repeat(100_000)));
    expect(&run, 2, &["占位", "消息长度"]);
}

#[test]
fn empty_rule_file() {
    let run = rules("empty-pack", "");
    expect(&run, 2, &["没有任何规则"]);
}

#[test]
fn empty_pack_directory() {
    let dir = scratch("empty-dir-pack");
    write(&dir, "pack.toml", "name = \"空\"\n");
    write(&dir, "main.gouji", "# 没有规则\n");
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), dir.as_os_str()]);
    expect(&run, 2, &["没有任何规则"]);
}

#[test]
fn official_pack_given_twice() {
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), os("rules/official"), os("--rules"), os("rules/official")]);
    expect(&run, 2, &["两次", "只能给一次"]);
}

#[test]
fn rule_file_not_utf8() {
    let dir = scratch("rules-gbk");
    let path = write(&dir, "rules.gouji", b"rule r \"\xb1\xa8\xb8\xe6\" {\n    check 1 == 1\n}\n\xff\xfe");
    let run = gouji(&[os("check"), os("examples/example.txt"), os("--rules"), path.as_os_str()]);
    expect(&run, 2, &["UTF-8"]);
}

#[test]
fn rule_unterminated_message() {
    let run = rules("unterminated", "rule r \"r\" {\n    check 表三[本年新收, 自然人] >= 0\n    message \"没有结尾\n}\n");
    expect(&run, 2, &["错误"]);
    assert!(run.text().contains("rules.gouji"), "{}", run.show());
}

// ---------------------------------------------------------------- a batch

/// An empty folder named like a report is reported, never a silent exit 0; a folder
/// linking to itself is walked once.
#[test]
fn directory_named_like_a_report() {
    let dir = scratch("dir-report");
    let fake = dir.join("report.pdf");
    std::fs::create_dir_all(&fake).unwrap();
    refused(&check(&fake), "report.pdf", &["目录"]);
}

#[test]
fn folder_linking_to_itself_is_walked_once() {
    let dir = scratch("dir-loop");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/example-2023.txt"), dir.join("a.txt")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&dir, dir.join("x")).unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("y")).unwrap();
    }
    let run = check(&dir);
    expect(&run, 1, &["a.txt"]);
    assert_eq!(run.stdout.matches("━━ ").count(), 1, "one report, read once\n{}", run.show());
}

/// Every minimized crash in `tests/hostile/found/` (`<target>-<n>.<ext>`): a report file
/// is refused or read (exit 0, 1 or 2, never a crash); a rule file or template likewise.
#[test]
fn fuzz_finds() {
    let found = hostile("found");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&found).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    files.sort();
    let mut bad = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let target = name.split('-').next().unwrap_or("");
        let run = match target {
            "rules" => {
                let dir = scratch(&format!("found-{name}"));
                let copy = write(&dir, "found.gouji", std::fs::read(path).unwrap());
                gouji(&[os("check"), os("examples/example.txt"), os("--rules"), copy.as_os_str()])
            }
            "templates" => {
                let dir = scratch(&format!("found-{name}"));
                std::fs::create_dir_all(dir.join("templates")).unwrap();
                write(&dir, "pack.toml", "name = \"模板\"\n");
                write(&dir, "main.gouji", "rule r \"r\" {\n    check 表三[本年新收, 自然人] >= 0\n}\n");
                write(&dir.join("templates"), "found.toml", std::fs::read(path).unwrap());
                gouji(&[os("check"), os("tests/fixtures/templates/dept_2021.txt"), os("--rules"), dir.as_os_str()])
            }
            "review" => {
                let dir = scratch(&format!("found-{name}"));
                let review = write(&dir, "found.toml", std::fs::read(path).unwrap());
                gouji(&[os("check"), os("examples/example.txt"), os("--review"), review.as_os_str()])
            }
            "pipe" | "html" | "docx" | "pdf" | "markdown" => gouji(&[os("check"), path.as_os_str(), os("--form"), os(target)]),
            _ => continue,
        };
        let text = run.text();
        if !matches!(run.code, Some(0..=2)) || text.contains("panicked at") {
            bad.push(format!("{name}: {}", run.show()));
        }
    }
    assert!(bad.is_empty(), "{} of {} fuzz finds still crash:\n{}", bad.len(), files.len(), bad.join("\n\n"));
}
#[test]
fn number_1e309() {
    text_not_number("1e309", "1e309");
}

#[test]
fn number_29_digit_count() {
    // Past what exact decimals hold: never wrapped or rounded into another number.
    let dir = scratch("digits29");
    let digits = "99999999999999999999999999999";
    let path = write(&dir, "report.txt", example_with_cell(digits));
    let cell = new_received_natural_person(&path);
    assert_eq!(cell["raw"], digits, "{cell}");
    assert_eq!(cell["state"], "text", "the 29-digit count is text: {cell}");
    expect(&check(&path), 0, &["[values.text]"]);
}

#[test]
fn number_comma_1_000_0() {
    text_not_number("comma1000", "1,000,0");
}

#[test]
fn number_comma_1_2() {
    text_not_number("comma12", "1,2");
}

#[test]
fn number_comma_trailing() {
    text_not_number("comma-end", "12,");
}

#[test]
fn number_double_minus() {
    text_not_number("minus", "--3");
}

#[test]
fn number_trailing_point() {
    text_not_number("point", "3.");
}

/// A number-like cell that is not a number: `parse` shows it as text with its raw text,
/// and `check` still runs (0 or 1), never taking it for a number.
fn text_not_number(case: &str, value: &str) {
    let dir = scratch(case);
    let path = write(&dir, "report.txt", example_with_cell(value));
    let cell = new_received_natural_person(&path);
    assert_eq!(cell["raw"], value, "{value}: the cell keeps its raw text: {cell}");
    assert_eq!(cell["state"], "text", "{value}: the cell is text, not a number: {cell}");
    // An extraction doubt (a warning, exit 0) and the rules on the cell not assessable.
    let run = check(&path);
    expect(&run, 0, &["[values.text]"]);
    assert!(run.stdout.contains(&format!("= {value}")) && run.stdout.contains("无法评估 3"), "{}", run.show());
}

#[test]
fn batch_with_hostile_files_and_one_good() {
    let dir = scratch("batch");
    let good = write(&dir, "good.txt", example());
    let bad = [
        write(&dir, "empty.txt", ""),
        write(&dir, "garbage.pdf", b"%PDF-1.4\n\x00\x01\x02garbage"),
        write(&dir, "deep.html", format!("{}x", "<div>".repeat(10_000))),
        write(&dir, "cut.docx", &docx("<w:document/>")[..40]),
        write(
            &dir,
            "self.pdf",
            one_page_pdf(
                stream("", b"/X Do"),
                "/XObject << /X 5 0 R >>",
                vec![stream("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X 5 0 R >> >>", b"/X Do")],
            ),
        ),
    ];
    let dirname = dir.join("a-folder.txt");
    std::fs::create_dir_all(&dirname).unwrap();
    let mut args: Vec<&OsStr> = vec![os("check")];
    args.extend(bad.iter().map(|p| p.as_os_str()));
    args.push(good.as_os_str());
    args.push(dirname.as_os_str());
    let run = gouji(&args);
    expect(&run, 2, &["错误"]);
    for name in ["empty.txt", "garbage.pdf", "deep.html", "cut.docx", "self.pdf", "a-folder.txt"] {
        assert!(run.stderr.contains(name), "{name} is named as bad\n{}", run.show());
    }
    assert!(run.stdout.contains("good.txt") && run.stdout.contains("规则 24 条：通过 13"), "the good report is still reported\n{}", run.show());
}

#[test]
fn two_tables_three_in_one_report() {
    let text = example();
    let from = text.find("三、收到和处理政府信息公开申请情况").unwrap();
    let to = text.find("四、政府信息公开行政复议").unwrap();
    // The second copy disagrees (193 → 194): which one counts must not be chosen silently.
    let second = text[from..to].replacen("一、本年新收政府信息公开申请数量 |\n193 |", "一、本年新收政府信息公开申请数量 |\n194 |", 1);
    let twice = format!("{}{}{}", &text[..to], second, &text[to..]);
    let dir = scratch("two-t3");
    let run = check(&write(&dir, "twice.txt", twice));
    // The first printing is kept, and the cell the two disagree on is named.
    expect(&run, 0, &["[import.duplicate_row] 表三有 25 行重复出现"]);
    assert!(run.stdout.contains("自然人：193 与 194"), "{}", run.show());
}

#[test]
fn html_170000_row_rowspan() {
    let dir = scratch("rowspan");
    let mut html = String::from(
        "<html><body><p>三、收到和处理政府信息公开申请情况</p><table><tr><td rowspan=\"170000\">一、本年新收政府信息公开申请数量</td><td>1</td></tr>",
    );
    for _ in 1..170_000 {
        html.push_str("<tr><td>1</td></tr>");
    }
    html.push_str("</table></body></html>");
    // Refused at the node budget, well inside the watchdog (it took 25 s).
    let run = check(&write(&dir, "rowspan.html", html));
    refused(&run, "rowspan.html", &["节点数超过 500000 的上限"]);
    assert!(run.took < Duration::from_secs(10), "{}", run.show());
}

#[test]
fn markdown_table_10000_columns() {
    let dir = scratch("wide-md");
    let row = |c: &str| format!("|{}|\n", vec![c; 10_000].join("|"));
    let md = format!("# 年度报告\n\n{}{}{}", row("甲"), row("---"), row("1"));
    let path = write(&dir, "wide.md", md);
    let run = gouji(&[os("check"), path.as_os_str(), os("--form"), os("markdown")]);
    refused(&run, "wide.md", &["单元格超过 1000 的上限"]);
}

#[test]
fn pdf_deflate_bomb() {
    // A content stream that inflates to 2 GiB of zeros from about 13 MiB.
    let dir = scratch("pdf-bomb");
    let bomb = zeros_deflate(2 << 30, true);
    let content = stream("/Filter /FlateDecode", &bomb);
    let path = write(&dir, "bomb.pdf", one_page_pdf(content, "", vec![]));
    refused(&check(&path), "bomb.pdf", UNREADABLE);
}
