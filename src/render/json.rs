//! Pretty JSON already indented for its place in a larger document: a report's entry inside
//! the batch's `"reports": [ … ]` is written at depth two in one pass, not pretty-printed
//! and then re-indented by a second copy of the text.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// serde_json's `PrettyFormatter` (two-space indent), starting `depth` levels in.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, lead: &[u8]) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        w.write_all(lead)?;
        // One write for the indent (a report's entry is at most a few levels deep).
        let mut left = 2 * self.depth;
        while left > 0 {
            let n = left.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }

    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// `]` or `}`: on a line of its own when something was in it.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w, b"\n")?;
        }
        w.write_all(bracket)
    }

    /// Before an array value or an object key: a comma after the first, a new line.
    fn item<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        self.newline(w, if first { b"\n" } else { b",\n" })
    }
}

// The methods serde_json's `PrettyFormatter` overrides, with the same output.
impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as pretty JSON whose every line after the first is indented `depth` levels (two
/// spaces each) more: `to_string_pretty(value)` with `"\n"` replaced by `"\n"` + the indent.
pub fn to_string_nested<T: Serialize + ?Sized>(value: &T, depth: usize) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested { depth, has_value: false });
    value.serialize(&mut ser)?;
    // serde_json writes only UTF-8 (strings are copied from `str`, the rest is ASCII).
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_is_pretty_reindented() {
        let v = serde_json::json!({"a": [1, {"b": [], "c": {}}, "x\ny"], "d": {"e": null}, "f": []});
        for depth in [0, 1, 2, 40] {
            let want = serde_json::to_string_pretty(&v).unwrap().replace('\n', &format!("\n{}", "  ".repeat(depth)));
            assert_eq!(to_string_nested(&v, depth).unwrap(), want);
        }
    }
}
