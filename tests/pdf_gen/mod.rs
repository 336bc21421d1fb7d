//! Writes small PDFs for the importer tests: one Type0 font (Identity-H, CID = index into
//! the text's characters) with an optional ToUnicode CMap and no embedded font program —
//! enough for text extraction. Text is placed glyph string by glyph string at given
//! positions, top-down coordinates on an A4 page.
#![allow(dead_code)]

use pdf_extract::{Dictionary, Document, Object, Stream, StringFormat};

/// Page height (A4, points).
pub const HEIGHT: f64 = 842.0;

/// One string shown at `x`, baseline `y` (from the top), font size `size`.
#[derive(Clone, Debug)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub text: String,
}

pub fn text(x: f64, y: f64, size: f64, text: &str) -> Text {
    Text { x, y, size, text: text.to_string() }
}

/// Half-width characters are 500 units wide, everything else 1000.
pub fn em(c: char) -> f64 {
    if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

/// Width of a string in points.
pub fn width(s: &str, size: f64) -> f64 {
    s.chars().map(em).sum::<f64>() * size
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

/// A PDF of the given pages; `to_unicode: false` leaves the font without a map.
pub fn pdf(pages: &[Vec<Text>], to_unicode: bool) -> Vec<u8> {
    pdf_with(pages, to_unicode, &[])
}

/// Like [`pdf`], with the text of the listed pages (0-based) printed turned a quarter turn
/// counter-clockwise: a landscape table on a portrait page, read with the page turned.
pub fn pdf_with(pages: &[Vec<Text>], to_unicode: bool, turned: &[usize]) -> Vec<u8> {
    let mut chars: Vec<char> = Vec::new();
    for c in pages.iter().flatten().flat_map(|t| t.text.chars()) {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    let cid = |c: char| chars.iter().position(|x| *x == c).map_or(0, |i| i + 1) as u16;
    let mut doc = Document::with_version("1.5");
    let font = font(&mut doc, &chars, to_unicode);
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let mut content = String::new();
        for t in page {
            let hex: String = t.text.chars().map(|c| format!("{:04X}", cid(c))).collect();
            let tm = if turned.contains(&n) { format!("0 1 -1 0 {:.2} {:.2}", t.y, t.x) } else { format!("1 0 0 1 {:.2} {:.2}", t.x, HEIGHT - t.y) };
            content.push_str(&format!("BT /F1 {} Tf {tm} Tm <{}> Tj ET\n", t.size, hex));
        }
        let contents = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
        let mut fonts = Dictionary::new();
        fonts.set("F1", Object::Reference(font));
        let mut resources = Dictionary::new();
        resources.set("Font", Object::Dictionary(fonts));
        let mut p = Dictionary::new();
        p.set("Type", name("Page"));
        p.set("Parent", Object::Reference(pages_id));
        p.set("MediaBox", Object::Array(vec![0.into(), 0.into(), 595.into(), (HEIGHT as i64).into()]));
        p.set("Resources", Object::Dictionary(resources));
        p.set("Contents", Object::Reference(contents));
        kids.push(Object::Reference(doc.add_object(p)));
    }
    let mut tree = Dictionary::new();
    tree.set("Type", name("Pages"));
    tree.set("Count", Object::Integer(kids.len() as i64));
    tree.set("Kids", Object::Array(kids));
    doc.objects.insert(pages_id, Object::Dictionary(tree));
    let mut catalog = Dictionary::new();
    catalog.set("Type", name("Catalog"));
    catalog.set("Pages", Object::Reference(pages_id));
    let root = doc.add_object(catalog);
    doc.trailer.set("Root", Object::Reference(root));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("writing a PDF to memory");
    out
}

/// The Type0 font object: CID i+1 is `chars[i]`.
fn font(doc: &mut Document, chars: &[char], to_unicode: bool) -> pdf_extract::ObjectId {
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", name("FontDescriptor"));
    descriptor.set("FontName", name("TestSong"));
    descriptor.set("Flags", Object::Integer(4));
    descriptor.set("FontBBox", Object::Array(vec![0.into(), (-200).into(), 1000.into(), 800.into()]));
    descriptor.set("ItalicAngle", Object::Integer(0));
    descriptor.set("Ascent", Object::Integer(800));
    descriptor.set("Descent", Object::Integer(-200));
    descriptor.set("CapHeight", Object::Integer(700));
    descriptor.set("StemV", Object::Integer(80));
    let descriptor = doc.add_object(descriptor);
    let widths: Vec<Object> = chars.iter().map(|c| Object::Integer((em(*c) * 1000.0) as i64)).collect();
    let mut info = Dictionary::new();
    info.set("Registry", Object::String(b"Adobe".to_vec(), StringFormat::Literal));
    info.set("Ordering", Object::String(b"Identity".to_vec(), StringFormat::Literal));
    info.set("Supplement", Object::Integer(0));
    let mut cid_font = Dictionary::new();
    cid_font.set("Type", name("Font"));
    cid_font.set("Subtype", name("CIDFontType2"));
    cid_font.set("BaseFont", name("TestSong"));
    cid_font.set("CIDSystemInfo", Object::Dictionary(info));
    cid_font.set("FontDescriptor", Object::Reference(descriptor));
    cid_font.set("DW", Object::Integer(1000));
    cid_font.set("W", Object::Array(vec![Object::Integer(1), Object::Array(widths)]));
    let cid_font = doc.add_object(cid_font);
    let mut font = Dictionary::new();
    font.set("Type", name("Font"));
    font.set("Subtype", name("Type0"));
    font.set("BaseFont", name("TestSong"));
    font.set("Encoding", name("Identity-H"));
    font.set("DescendantFonts", Object::Array(vec![Object::Reference(cid_font)]));
    if to_unicode {
        let cmap = doc.add_object(Stream::new(Dictionary::new(), cmap(chars).into_bytes()));
        font.set("ToUnicode", Object::Reference(cmap));
    }
    doc.add_object(font)
}

/// A ToUnicode CMap mapping CID i+1 to `chars[i]` (BMP only).
fn cmap(chars: &[char]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for (n, block) in chars.chunks(100).enumerate() {
        let start = n * 100;
        s.push_str(&format!("{} beginbfchar\n", block.len()));
        for (i, c) in block.iter().enumerate() {
            s.push_str(&format!("<{:04X}> <{:04X}>\n", start + i + 1, *c as u32));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}
