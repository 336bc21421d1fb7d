//! Source positions for a parsed HTML tree. html5ever gives none, so the original text
//! is scanned lightly (tags, comments, raw-text elements) into text runs and cell tags,
//! and each text node of the tree is located in those runs in document order, allowing
//! for character references (`&nbsp;`, `&#12288;`) and CR LF. A node that cannot be
//! located within a bounded look-ahead gets no position (the caller reports it).

use crate::report::value::is_space;

/// How many text runs past the cursor a node may start (bounds work on odd input).
const LOOKAHEAD_RUNS: usize = 4096;

/// Elements whose content is not markup; the tree importer skips them too.
const RAW_TEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];
/// Elements whose content is text (entities decoded) but not markup.
const RCDATA: &[&str] = &["title", "textarea"];

/// Elements with no end tag or an optional one: they do not deepen the nesting estimate.
const FLAT: &[&str] = &[
    "p", "li", "td", "th", "tr", "option", "optgroup", "dt", "dd", "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body", "br", "img",
    "meta", "link", "input", "hr", "col", "area", "base", "embed", "param", "source", "track", "wbr",
];

/// Named references decoded even without `;` (the legacy ones a report may use).
const LEGACY: &[&str] = &["nbsp", "amp", "lt", "gt", "quot", "copy", "reg", "middot", "times", "deg", "yen", "sect", "para", "laquo", "raquo"];

/// A located text node: the byte range of its first to last non-space character, and
/// whether that range reads exactly as the node's trimmed text (no references, no CR,
/// no tags in between).
#[derive(Clone, Copy, Debug)]
pub struct Located {
    pub start: usize,
    pub end: usize,
    pub exact: bool,
}

/// The scanned source: text runs and `<td>`/`<th>` start tags, in source order.
pub struct RawText<'s> {
    src: &'s str,
    runs: Vec<(usize, usize)>,
    /// End offsets of `<td …>` / `<th …>` start tags.
    cells: Vec<usize>,
    depth: usize,
    run: usize,
    pos: usize,
}

impl<'s> RawText<'s> {
    pub fn scan(src: &'s str) -> Self {
        let (runs, cells, depth) = scan(src);
        RawText { src, runs, cells, depth, run: 0, pos: 0 }
    }

    /// The deepest element nesting the tags suggest (unclosed start tags that need an end).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The cursor: the end of the last located text.
    pub fn cursor(&self) -> usize {
        self.pos
    }

    /// The end of the next cell start tag at or after the cursor; moves the cursor there.
    pub fn enter_cell(&mut self) -> usize {
        let i = self.cells.partition_point(|&end| end <= self.pos);
        let Some(&end) = self.cells.get(i) else { return self.pos };
        self.pos = end;
        self.run = self.runs.partition_point(|&(_, e)| e <= end);
        end
    }

    /// Locate a text node (not whitespace-only) at or after the cursor.
    pub fn locate(&mut self, text: &str) -> Option<Located> {
        let stop = (self.run + LOOKAHEAD_RUNS).min(self.runs.len());
        for run in self.run..stop {
            let start = self.runs[run].0.max(self.pos);
            if start >= self.runs[run].1 {
                continue;
            }
            if let Some((loc, end_run, end)) = self.try_at(text, run, start) {
                self.run = end_run;
                self.pos = end;
                return Some(loc);
            }
        }
        None
    }

    /// Match `text` against the runs from `run`/`pos`; it must end at a run's end.
    fn try_at(&self, text: &str, mut run: usize, mut pos: usize) -> Option<(Located, usize, usize)> {
        let src = self.src;
        let trimmed = text.trim_matches(is_space);
        let mut first: Option<usize> = None;
        let mut last_end = pos;
        let chars = text.char_indices();
        if src[pos..].starts_with('\n') && !text.starts_with('\n') {
            pos += 1; // the newline html5ever drops after <pre>/<textarea>
        }
        for (i, tc) in chars {
            if pos >= self.runs[run].1 {
                run += 1;
                pos = self.runs.get(run)?.0;
            }
            let rest = &src[pos..];
            let rc = rest.chars().next()?;
            let start = pos;
            if rc == '&' && !text[i..].starts_with(reference_text(rest).unwrap_or("&")) {
                pos += reference_text(rest)?.len();
            } else if rc == '\r' && tc == '\n' {
                pos += if rest.starts_with("\r\n") { 2 } else { 1 };
            } else if rc == tc || tc == '\u{fffd}' {
                pos += rc.len_utf8();
            } else {
                return None;
            }
            if !is_space(tc) {
                first.get_or_insert(start);
                last_end = pos;
            }
        }
        if pos != self.runs[run].1 {
            return None;
        }
        let first = first?;
        let exact = &src[first..last_end] == trimmed;
        Some((Located { start: first, end: last_end, exact }, run, pos))
    }
}

/// The text of a character reference at the start of `s` (`&nbsp;`, `&#160;`, `&nbsp`).
fn reference_text(s: &str) -> Option<&str> {
    let body = &s[1..];
    let (digits, skip) = if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
        (hex.bytes().take_while(u8::is_ascii_hexdigit).count(), 3)
    } else if let Some(dec) = body.strip_prefix('#') {
        (dec.bytes().take_while(u8::is_ascii_digit).count(), 2)
    } else {
        let name = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
        if name == 0 {
            return None;
        }
        if body[name..].starts_with(';') {
            return Some(&s[..name + 2]);
        }
        let legacy = LEGACY.iter().filter(|l| body.starts_with(**l)).map(|l| l.len()).max()?;
        return Some(&s[..legacy + 1]);
    };
    if digits == 0 {
        return None;
    }
    let end = skip + digits;
    Some(if s[end..].starts_with(';') { &s[..end + 1] } else { &s[..end] })
}

/// Text runs and cell start tags of an HTML source.
fn scan(src: &str) -> (Vec<(usize, usize)>, Vec<usize>, usize) {
    let bytes = src.as_bytes();
    let mut runs = Vec::new();
    let mut cells = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let (mut depth, mut max_depth) = (0usize, 0usize);
    let push = |runs: &mut Vec<(usize, usize)>, a: usize, b: usize| {
        if b > a {
            runs.push((a, b));
        }
    };
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let end = if src[i..].starts_with("<!--") {
            find(src, i + 4, "-->").map_or(bytes.len(), |e| e + 3)
        } else if next == b'!' || next == b'?' || (next == b'/' && !bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic)) {
            find(src, i + 1, ">").map_or(bytes.len(), |e| e + 1)
        } else if next.is_ascii_alphabetic() || next == b'/' {
            let close = next == b'/';
            let name_start = i + 1 + close as usize;
            let name_len = bytes[name_start..].iter().take_while(|b| !b.is_ascii_whitespace() && **b != b'/' && **b != b'>').count();
            let name = src[name_start..name_start + name_len].to_ascii_lowercase();
            let tag_end = tag_end(bytes, name_start + name_len);
            push(&mut runs, text_start, i);
            if !FLAT.contains(&name.as_str()) {
                depth = if close { depth.saturating_sub(1) } else { depth + 1 };
                max_depth = max_depth.max(depth);
            }
            if close {
                i = tag_end;
                text_start = i;
                continue;
            }
            if name == "td" || name == "th" {
                cells.push(tag_end);
            }
            if RAW_TEXT.contains(&name.as_str()) || RCDATA.contains(&name.as_str()) {
                let close_at = find_close(src, tag_end, &name);
                if RCDATA.contains(&name.as_str()) {
                    push(&mut runs, tag_end, close_at);
                }
                i = close_at;
                text_start = i;
                continue;
            }
            i = tag_end;
            text_start = i;
            continue;
        } else {
            i += 1;
            continue;
        };
        push(&mut runs, text_start, i);
        i = end;
        text_start = i;
    }
    push(&mut runs, text_start, bytes.len());
    (runs, cells, max_depth)
}

fn find(src: &str, from: usize, needle: &str) -> Option<usize> {
    src.get(from..)?.find(needle).map(|p| from + p)
}

/// Where `</name` starts (ASCII case-insensitive), or the end of the source.
fn find_close(src: &str, from: usize, name: &str) -> usize {
    let bytes = src.as_bytes();
    let mut i = from;
    while let Some(p) = find(src, i, "</") {
        let cand = &bytes[p + 2..];
        if cand.len() >= name.len() && cand[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return p;
        }
        i = p + 2;
    }
    bytes.len()
}

/// The offset after a tag's `>`, honouring quoted attribute values; EOF ends it.
fn tag_end(bytes: &[u8], mut i: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut after_eq = false;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'>' => return i + 1,
            None if after_eq && (b == b'"' || b == b'\'') => quote = Some(b),
            None => {}
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            after_eq = b == b'=';
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_tags_are_skipped() {
        let src = "<p title=\"a>b\">x&nbsp;&amp;<!-- 5 --><b>5</b></p><td>&#12288;</td>";
        let mut raw = RawText::scan(src);
        let loc = raw.locate("x\u{a0}&").unwrap();
        assert_eq!((&src[loc.start..loc.end], loc.exact), ("x&nbsp;&amp;", false));
        let loc = raw.locate("5").unwrap();
        assert_eq!((&src[loc.start..loc.end], loc.exact), ("5", true));
        let place = raw.enter_cell();
        assert_eq!(&src[place..place + 1], "&");
    }

    #[test]
    fn a_node_matches_whole_runs_only() {
        let src = "<td>57</td><td>5</td>";
        let mut raw = RawText::scan(src);
        let loc = raw.locate("5").unwrap();
        assert_eq!(loc.start, src.rfind('5').unwrap());
    }

    #[test]
    fn script_text_is_not_a_run() {
        let src = "<script>var a = '<td>9</td>';</script><p>9</p>";
        let mut raw = RawText::scan(src);
        assert_eq!(raw.locate("9").unwrap().start, src.rfind('9').unwrap());
    }
}
