#!/usr/bin/env python3
"""Seeds for the docx and pdf fuzz targets, made from an HTML report fixture (standard
library only): a DOCX with the same paragraphs and tables (colspan -> w:gridSpan, rowspan ->
w:vMerge), and a small PDF with a text layer (one Type0 Identity-H font with a ToUnicode
map, rows laid out as positioned strings). Usage: seed_docs.py REPORT.html OUT_DIR"""
import html.parser
import sys
import zipfile
import zlib


class Blocks(html.parser.HTMLParser):
    """Paragraph texts and tables (rows of (text, colspan, rowspan)) in document order."""

    def __init__(self):
        super().__init__()
        self.blocks, self.text, self.cell, self.row, self.table, self.skip = [], [], None, None, None, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ([], int(a.get("colspan") or 1), int(a.get("rowspan") or 1))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(("".join(self.cell[0]).strip(), self.cell[1], self.cell[2]))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            self.blocks.append(("table", self.table))
            self.table = None
        elif tag in ("p", "h1", "h2", "div") and self.table is None:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        (self.cell[0] if self.cell is not None else self.text).append(data)

    def flush(self):
        t = "".join(self.text).strip()
        if t and self.table is None:
            self.blocks.append(("p", t))
        self.text = []


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx(blocks, out):
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = []
    for kind, b in blocks:
        if kind == "p":
            body.append(f'<w:p><w:r><w:t xml:space="preserve">{esc(b)}</w:t></w:r></w:p>')
            continue
        pending = {}  # grid column -> rows still merged below
        rows = []
        for row in b:
            cells, col, it = [], 0, iter(row)
            nxt = next(it, None)
            while nxt is not None or any(c >= col for c in pending):
                if col in pending:
                    span, left = pending[col]
                    cells.append(f'<w:tc><w:tcPr>{"<w:gridSpan w:val=%s/>" % chr(34) + str(span) + chr(34) if span > 1 else ""}<w:vMerge/></w:tcPr><w:p/></w:tc>')
                    pending[col] = (span, left - 1)
                    if left - 1 == 0:
                        del pending[col]
                    col += span
                    continue
                if nxt is None:
                    break
                text, span, rs = nxt
                pr = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                if rs > 1:
                    pr += '<w:vMerge w:val="restart"/>'
                    pending[col] = (span, rs - 1)
                cells.append(f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t>{esc(text)}</w:t></w:r></w:p></w:tc>")
                col += span
                nxt = next(it, None)
            rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
        body.append("<w:tbl>" + "".join(rows) + "</w:tbl>")
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{"".join(body)}</w:body></w:document>'
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)


def pdf(blocks, out, compress):
    lines = []  # each: list of (x, text)
    for kind, b in blocks:
        if kind == "p":
            lines.append([(40, b[:40])])
        else:
            for row in b:
                x, line = 40, []
                for text, span, _ in row:
                    line.append((x, text[:12] or ""))
                    x += 45 * span
                lines.append([c for c in line if c[1]])
    chars = []
    for line in lines:
        for _, t in line:
            for c in t:
                if c not in chars and ord(c) < 0x10000:
                    chars.append(c)
    cid = {c: i + 1 for i, c in enumerate(chars)}
    pages, per = [], 60
    for i in range(0, len(lines), per):
        content = []
        for n, line in enumerate(lines[i:i + per]):
            y = 800 - n * 13
            for x, t in line:
                hexs = "".join("%04X" % cid[c] for c in t if c in cid)
                content.append(f"BT /F1 9 Tf 1 0 0 1 {x} {y} Tm <{hexs}> Tj ET")
        pages.append("\n".join(content).encode())
    objs = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    cmap = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    for s in range(0, len(chars), 100):
        block = chars[s:s + 100]
        cmap.append(f"{len(block)} beginbfchar")
        cmap += ["<%04X> <%04X>" % (s + i + 1, ord(c)) for i, c in enumerate(block)]
        cmap.append("endbfchar")
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")

    def stream(data):
        if compress:
            data = zlib.compress(data)
            return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    objs[3] = stream("\n".join(cmap).encode())
    widths = " ".join("500" if ord(c) < 128 else "1000" for c in chars)
    objs[4] = b"<< /Type /FontDescriptor /FontName /TestSong /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"
    objs[5] = ("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSong /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
               f"/FontDescriptor 4 0 R /DW 1000 /W [1 [{widths}]] >>").encode()
    objs[6] = b"<< /Type /Font /Subtype /Type0 /BaseFont /TestSong /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 3 0 R >>"
    kids = []
    n = 7
    for content in pages:
        objs[n] = stream(content)
        objs[n + 1] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> /Contents {n} 0 R >>").encode()
        kids.append(f"{n + 1} 0 R")
        n += 2
    objs[2] = f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(kids)}] >>".encode()
    body, offsets = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"), {}
    for k in sorted(objs):
        offsets[k] = len(body)
        body += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (n)
    for k in range(1, n):
        body += b"%010d 00000 n \n" % offsets[k]
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n, xref)
    with open(out, "wb") as f:
        f.write(body)


def main():
    src, out = sys.argv[1], sys.argv[2]
    p = Blocks()
    p.feed(open(src, encoding="utf-8").read())
    p.flush()
    docx(p.blocks, f"{out}/docx/report.docx")
    pdf(p.blocks, f"{out}/pdf/report.pdf", compress=False)
    pdf(p.blocks, f"{out}/pdf/report-deflate.pdf", compress=True)
    # Just the first tables, small and quick to mutate.
    docx(p.blocks[:6], f"{out}/docx/small.docx")
    pdf(p.blocks[:6], f"{out}/pdf/small.pdf", compress=False)


main()
