//! Checks on the raw bytes before lopdf parses them, for requests lopdf would grant
//! blindly: an xref stream's `/W` field widths become buffer sizes (`/W [99999999999 4 1]`
//! asks for 100 GB, which aborts the process), and FlateDecode streams are inflated whole
//! (a 1.5 MB deflate bomb became gigabytes).
//!
//! The inflate check decodes every `stream … endstream` (images aside) whose `/Filter`
//! starts with the filters lopdf decodes — FlateDecode, LZWDecode (which expands a
//! thousandfold too), ASCII85Decode — through each of them in turn, every layer capped at
//! what is left of the budget, and stops at the budget. Encrypted streams are not decoded
//! here (lopdf cannot decode them either).

use flate2::read::ZlibDecoder;
use std::io::{Read, Write};

/// Widest xref stream field lopdf can use: its integers are 64-bit.
pub const MAX_XREF_FIELD: i64 = 8;

/// Bytes the FlateDecode streams of one file other than images may inflate to: 100 times
/// the file (rounded up to whole MiB), at least 64 MiB, at most 128 MiB. Real reports
/// inflate to about 5 times their size (page content and fonts; 1.9 MB for the largest in
/// the corpus); lopdf and pdf-extract inflate those streams whole and hold them, so this
/// bounds their memory too (a stream just under 2 GiB took 5.9 GB). Images are never
/// decoded for text, so they are not counted.
pub fn inflate_budget(file_bytes: usize) -> u64 {
    (file_bytes as u64).saturating_mul(100).div_ceil(1 << 20).saturating_mul(1 << 20).clamp(64 << 20, 128 << 20)
}

/// How far before a `stream` keyword (or `/XRef`) its dictionary is looked for.
const LOOK_BACK: usize = 16 << 10;

/// Why the raw bytes are refused, in the words shown to the user.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    check_xref_widths(bytes)?;
    check_inflated(bytes)
}

/// Every `/W [a b c]` of a dictionary that says `/Type /XRef`.
fn check_xref_widths(bytes: &[u8]) -> Result<(), String> {
    // Each byte is looked at a bounded number of times: the look-back stops at the last
    // match, and the next `stream` is found once for all matches before it.
    let (mut last, mut next_stream) = (0, 0);
    for at in find_all(bytes, b"/XRef") {
        // The dictionary around it: from the `obj` before to the `stream` after.
        let back = last.max(at.saturating_sub(LOOK_BACK));
        let start = rfind(&bytes[back..at], b"obj").map_or(back, |s| back + s);
        last = at;
        if next_stream < at {
            next_stream = find(&bytes[at..], b"stream").map_or(bytes.len(), |e| at + e);
        }
        let dict = &bytes[start..next_stream];
        let Some(w) = find(dict, b"/W") else { continue };
        let rest = &dict[w + 2..];
        let rest = trim_start(rest);
        let Some(rest) = rest.strip_prefix(b"[") else { continue };
        let close = rest.iter().position(|&b| b == b']').unwrap_or(rest.len());
        let text = String::from_utf8_lossy(&rest[..close]);
        for field in text.split_ascii_whitespace() {
            // A number too long for i64 is too wide as well.
            let width = field.parse::<i64>().unwrap_or(i64::MAX);
            if width > MAX_XREF_FIELD {
                return Err(format!("交叉引用流的 /W 字段宽度 {field} 超过 {MAX_XREF_FIELD} 字节上限"));
            }
        }
    }
    Ok(())
}

/// Decode every compressed stream, counting, within [`inflate_budget`].
fn check_inflated(bytes: &[u8]) -> Result<(), String> {
    let budget = inflate_budget(bytes.len());
    let mut total: u64 = 0;
    let (mut from, mut scanned) = (0, 0);
    while let Some(rel) = find(&bytes[from..], b"stream") {
        let kw = from + rel;
        from = kw + 6;
        // `endstream` also contains `stream`; a stream keyword ends its dictionary.
        if kw >= 3 && &bytes[kw - 3..kw] == b"end" {
            continue;
        }
        let mut data = kw + 6;
        if bytes.get(data) == Some(&b'\r') {
            data += 1;
        }
        if bytes.get(data) != Some(&b'\n') && bytes.get(data - 1) != Some(&b'\r') {
            continue;
        }
        if bytes.get(data) == Some(&b'\n') {
            data += 1;
        }
        let back = scanned.max(kw.saturating_sub(LOOK_BACK));
        scanned = kw;
        let dict_start = rfind(&bytes[back..kw], b"obj").map_or(back, |s| back + s);
        let dict = &bytes[dict_start..kw];
        let layers = filters(dict);
        if layers.is_empty() || is_image(dict) {
            continue;
        }
        let end = find(&bytes[data..], b"endstream").map_or(bytes.len(), |e| data + e);
        let left = budget.saturating_sub(total);
        let n = decoded_len(&bytes[data..end], &layers, left + 1);
        total = total.saturating_add(n);
        if total > budget {
            return Err(format!("压缩数据流解压后超过 {} 的上限（疑似解压炸弹）", crate::limits::human_bytes(budget)));
        }
        from = end;
    }
    Ok(())
}

/// A stream dictionary of an image XObject (`/Subtype /Image`), which text extraction
/// never decodes.
fn is_image(dict: &[u8]) -> bool {
    rfind(dict, b"/Subtype").is_some_and(|at| trim_start(&dict[at + 8..]).starts_with(b"/Image"))
}

/// A filter lopdf decodes whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    Flate,
    Lzw,
    Ascii85,
}

/// The filters a dictionary's `/Filter` starts with that lopdf decodes, in decoding order
/// (`/Fl` is the inline-image abbreviation lopdf also accepts); at most 16 layers.
fn filters(dict: &[u8]) -> Vec<Filter> {
    let Some(f) = rfind(dict, b"/Filter") else { return Vec::new() };
    let rest = trim_start(&dict[f + 7..]);
    let names: Vec<&[u8]> = if let Some(list) = rest.strip_prefix(b"[") {
        let close = list.iter().position(|&b| b == b']').unwrap_or(list.len());
        list[..close].split(|b| b.is_ascii_whitespace() || *b == b'/').filter(|n| !n.is_empty()).collect()
    } else if let Some(name) = rest.strip_prefix(b"/") {
        let len = name.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(name.len());
        vec![&name[..len]]
    } else {
        return Vec::new();
    };
    let known = |n: &[u8]| match n {
        b"FlateDecode" | b"Fl" => Some(Filter::Flate),
        b"LZWDecode" | b"LZW" => Some(Filter::Lzw),
        b"ASCII85Decode" | b"A85" => Some(Filter::Ascii85),
        _ => None,
    };
    names.iter().map_while(|n| known(n)).take(16).collect()
}

/// Bytes `data` decodes to through `layers`, each layer decoding at most `cap` bytes; a
/// decoding error ends a layer where it happened (lopdf fails or stops there too).
fn decoded_len(data: &[u8], layers: &[Filter], cap: u64) -> u64 {
    let mut input = std::borrow::Cow::Borrowed(data);
    for (i, filter) in layers.iter().enumerate() {
        let last = i + 1 == layers.len();
        let mut out = Capped { buf: Vec::new(), cap, count: 0, keep: !last };
        match filter {
            Filter::Flate => {
                let _ = std::io::copy(&mut ZlibDecoder::new(&input[..]).take(cap), &mut out);
            }
            Filter::Lzw => {
                // As lopdf reads it: most significant bit first, early change.
                let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
                let _ = decoder.into_stream(&mut out).decode_all(&input[..]).status;
            }
            Filter::Ascii85 => {
                let _ = ascii85(&input, &mut out);
            }
        }
        if last || out.count >= cap {
            return out.count;
        }
        input = std::borrow::Cow::Owned(out.buf);
    }
    input.len() as u64
}

/// A sink counting what is written, keeping it (for the next layer) only when asked, and
/// refusing past `cap` so that a decoder stops there.
struct Capped {
    buf: Vec<u8>,
    cap: u64,
    count: u64,
    keep: bool,
}

impl Write for Capped {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.count >= self.cap {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        let n = b.len().min((self.cap - self.count) as usize);
        if self.keep {
            self.buf.extend_from_slice(&b[..n]);
        }
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// ASCII85 (`<~ … ~>` framing optional, `z` for four zero bytes, whitespace ignored), as
/// PDF uses it, written to `out`; stops at `~>` or a character outside the alphabet.
fn ascii85(data: &[u8], out: &mut impl Write) -> std::io::Result<()> {
    let data = data.strip_prefix(b"<~").unwrap_or(data);
    let (mut group, mut n) = (0u64, 0);
    for &b in data {
        match b {
            b'~' => break,
            b'z' if n == 0 => out.write_all(&[0; 4])?,
            b'!'..=b'u' => {
                group = group * 85 + u64::from(b - b'!');
                n += 1;
                if n == 5 {
                    out.write_all(&(group as u32).to_be_bytes())?;
                    (group, n) = (0, 0);
                }
            }
            b if b.is_ascii_whitespace() => {}
            _ => break,
        }
    }
    if n > 1 {
        for _ in n..5 {
            group = group * 85 + 84;
        }
        out.write_all(&(group as u32).to_be_bytes()[..n - 1])?;
    }
    Ok(())
}

fn trim_start(b: &[u8]) -> &[u8] {
    let skip = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[skip..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr_find(hay, needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + memchr_find(&hay[from..], needle)?;
        from = at + needle.len();
        Some(at)
    })
}

/// First occurrence of `needle` (non-empty), scanning for its first byte.
fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let j = i + hay[i..].iter().position(|&b| b == first)?;
        if hay.get(j..j + needle.len()) == Some(needle) {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_layers() {
        use Filter::*;
        assert_eq!(filters(b"<< /Filter /FlateDecode /Length 3 >>"), [Flate]);
        assert_eq!(filters(b"<< /Filter [/FlateDecode /FlateDecode /DCTDecode] >>"), [Flate, Flate]);
        assert_eq!(filters(b"<< /Filter [/ASCII85Decode /LZWDecode] >>"), [Ascii85, Lzw]);
        assert_eq!(filters(b"<< /Filter [ /DCTDecode ] >>"), []);
        assert_eq!(filters(b"<< /Length 3 >>"), []);
    }

    #[test]
    fn layers_are_decoded_in_turn_and_capped() {
        let text = b"BT (hello) Tj ET ".repeat(1000);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&text).unwrap();
        let flate = z.finish().unwrap();
        let mut lzw = Vec::new();
        weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8).into_stream(&mut lzw).encode_all(&flate[..]).status.unwrap();
        let n = text.len() as u64;
        assert_eq!(decoded_len(&flate, &[Filter::Flate], u64::MAX), n);
        assert_eq!(decoded_len(&lzw, &[Filter::Lzw, Filter::Flate], u64::MAX), n);
        assert_eq!(decoded_len(&lzw, &[Filter::Lzw, Filter::Flate], 100), 100);
        let mut a85 = Vec::new();
        ascii85(b"<~87cURD]j7BEbo7~>", &mut a85).unwrap();
        assert_eq!(a85, b"Hello world");
        assert_eq!(decoded_len(b"zz!!", &[Filter::Ascii85], u64::MAX), 9);
    }

    #[test]
    fn images_are_not_counted() {
        assert!(is_image(b"<< /Type /XObject /Subtype /Image /Filter /FlateDecode"));
        assert!(is_image(b"<< /Subtype/Image"));
        assert!(!is_image(b"<< /Subtype /Form /Filter /FlateDecode"));
        assert!(!is_image(b"<< /Filter /FlateDecode"));
    }

    #[test]
    fn xref_widths() {
        assert!(check_xref_widths(b"3 0 obj\n<< /Type /XRef /W [1 4 1] >>\nstream\n").is_ok());
        assert!(check_xref_widths(b"3 0 obj\n<< /Type /XRef /W [99999999999 4 1] >>\nstream\n").is_err());
        assert!(check_xref_widths(b"3 0 obj\n<< /Type/XRef/W[1 999999999999999999999 1] >>\nstream\n").is_err());
        // A CID font's widths are not an xref stream's.
        assert!(check_xref_widths(b"3 0 obj\n<< /Type /Font /W [1 [500 600]] >>\nendobj\n").is_ok());
    }
}
