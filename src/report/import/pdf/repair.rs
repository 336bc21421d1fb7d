//! A last resort for PDFs whose cross-reference table is broken (lopdf 0.42 does not
//! rebuild it): scan the bytes for `N G obj` headers and append a fresh xref section and
//! trailer, as poppler does when it "tries to reconstruct".

/// Bytes of file per object number a rebuilt table may reach: an object header and its
/// `endobj` alone take more, so a higher number (`4294967295 0 obj`) is not a real object
/// of this file, and the table (20 bytes an entry) stays within a few times the file.
const BYTES_PER_OBJECT: usize = 8;

/// The file with a rebuilt xref appended, or `None` when no objects or no catalog are found.
pub fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let cap = bytes.len() / BYTES_PER_OBJECT + 64;
    let objects: Vec<_> = object_offsets(bytes).into_iter().filter(|o| (o.0 as usize) <= cap).collect();
    let max = objects.iter().map(|o| o.0).max()? as usize;
    let root = trailer_root(bytes).or_else(|| catalog(bytes, &objects))?;
    // The last header of each number wins, as in an incrementally updated file.
    let mut entries: Vec<Option<(u16, usize)>> = vec![None; max + 1];
    for &(n, gen, at) in &objects {
        entries[n as usize] = Some((gen, at));
    }
    let mut out = bytes.to_vec();
    out.extend_from_slice(b"\n");
    let xref_at = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", max + 1);
    for entry in &entries[1..] {
        match entry {
            Some((gen, at)) => table.push_str(&format!("{at:010} {gen:05} n \n")),
            None => table.push_str("0000000000 00000 f \n"),
        }
    }
    table.push_str(&format!("trailer\n<< /Size {} /Root {} {} R >>\nstartxref\n{xref_at}\n%%EOF\n", max + 1, root.0, root.1));
    out.extend_from_slice(table.as_bytes());
    Some(out)
}

/// `(number, generation, offset)` of every `N G obj` at the start of a line.
fn object_offsets(bytes: &[u8]) -> Vec<(u32, u16, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(rel) = find(&bytes[i..], b"obj") {
        let at = i + rel;
        i = at + 3;
        if let Some((n, gen, start)) = header_before(bytes, at) {
            found.push((n, gen, start));
        }
    }
    found
}

/// Parse `N G ` right before `obj` at `at`, requiring a line start (or file start) before N.
fn header_before(bytes: &[u8], at: usize) -> Option<(u32, u16, usize)> {
    let mut j = at;
    let mut fields = Vec::new();
    for _ in 0..2 {
        while j > 0 && bytes[j - 1] == b' ' {
            j -= 1;
        }
        let end = j;
        while j > 0 && bytes[j - 1].is_ascii_digit() {
            j -= 1;
        }
        if j == end {
            return None;
        }
        fields.push(std::str::from_utf8(&bytes[j..end]).ok()?);
    }
    if j > 0 && !matches!(bytes[j - 1], b'\n' | b'\r') {
        return None;
    }
    Some((fields[1].parse().ok()?, fields[0].parse().ok()?, j))
}

/// `/Root N G R` from the last `trailer` dictionary.
fn trailer_root(bytes: &[u8]) -> Option<(u32, u16)> {
    let t = rfind(bytes, b"trailer")?;
    let r = t + find(&bytes[t..], b"/Root")? + 5;
    let text = std::str::from_utf8(bytes.get(r..(r + 24).min(bytes.len()))?).ok()?;
    let mut it = text.split_whitespace();
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The object that declares `/Type /Catalog`.
fn catalog(bytes: &[u8], objects: &[(u32, u16, usize)]) -> Option<(u32, u16)> {
    objects.iter().find_map(|&(n, gen, at)| {
        let end = find(&bytes[at..], b"endobj").map_or(bytes.len(), |e| at + e);
        let body: String = String::from_utf8_lossy(&bytes[at..end]).split_whitespace().collect();
        body.contains("/Type/Catalog").then_some((n, gen))
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absurd_object_number_is_not_a_table_entry() {
        let bytes = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n4294967295 0 obj\n<< >>\nendobj\n%%EOF\n";
        let fixed = rebuild_xref(bytes).expect("catalog found");
        let tail = String::from_utf8_lossy(&fixed[bytes.len()..]).into_owned();
        assert!(tail.contains("xref\n0 2\n"), "{tail}");
    }
}
