//! Checks on the raw bytes before lopdf parses them, for requests lopdf would grant
//! blindly: an xref stream's `/W` field widths become buffer sizes (`/W [99999999999 4 1]`
//! asks for 100 GB, which aborts the process), and FlateDecode streams are inflated whole
//! (a 1.5 MB deflate bomb became gigabytes).
//!
//! The inflate check decodes every `stream … endstream` whose dictionary names
//! FlateDecode, through as many nested FlateDecode layers as its `/Filter` lists in a row,
//! counting output and keeping none of it, and stops at the budget. Other filters (LZW,
//! ASCII85) and encrypted streams are not inflated here.

use flate2::read::ZlibDecoder;
use std::io::Read;

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

/// Inflate every FlateDecode stream, counting, within [`inflate_budget`].
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
        let layers = flate_layers(dict);
        if layers == 0 || is_image(dict) {
            continue;
        }
        let end = find(&bytes[data..], b"endstream").map_or(bytes.len(), |e| data + e);
        let left = budget.saturating_sub(total);
        let n = inflated_len(&bytes[data..end], layers, left + 1);
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

/// How many FlateDecode filters the dictionary's `/Filter` starts with (`/Fl` is the
/// inline-image abbreviation lopdf also accepts).
fn flate_layers(dict: &[u8]) -> usize {
    let Some(f) = rfind(dict, b"/Filter") else { return 0 };
    let rest = trim_start(&dict[f + 7..]);
    let names: Vec<&[u8]> = if let Some(list) = rest.strip_prefix(b"[") {
        let close = list.iter().position(|&b| b == b']').unwrap_or(list.len());
        list[..close].split(|b| b.is_ascii_whitespace() || *b == b'/').filter(|n| !n.is_empty()).collect()
    } else if let Some(name) = rest.strip_prefix(b"/") {
        let len = name.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(name.len());
        vec![&name[..len]]
    } else {
        return 0;
    };
    names.iter().take_while(|n| matches!(**n, b"FlateDecode" | b"Fl")).count()
}

/// Bytes `data` inflates to through `layers` nested zlib decoders, reading at most
/// `cap`; a decoding error ends the count where it happened (lopdf then fails too).
fn inflated_len(data: &[u8], layers: usize, cap: u64) -> u64 {
    let mut reader: Box<dyn Read + '_> = Box::new(ZlibDecoder::new(data));
    for _ in 1..layers.min(16) {
        reader = Box::new(ZlibDecoder::new(reader));
    }
    let mut buf = vec![0u8; 64 << 10];
    let mut n = 0u64;
    let mut limited = reader.take(cap);
    while let Ok(k) = limited.read(&mut buf) {
        if k == 0 {
            break;
        }
        n += k as u64;
    }
    n
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
        assert_eq!(flate_layers(b"<< /Filter /FlateDecode /Length 3 >>"), 1);
        assert_eq!(flate_layers(b"<< /Filter [/FlateDecode /FlateDecode /DCTDecode] >>"), 2);
        assert_eq!(flate_layers(b"<< /Filter [ /DCTDecode ] >>"), 0);
        assert_eq!(flate_layers(b"<< /Length 3 >>"), 0);
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
