//! Source positions for a parsed HTML tree. html5ever gives none, so the original text
//! is scanned lightly (tags, comments, raw-text elements) into text runs and cell tags,
//! and each text node of the tree is located in those runs in document order, allowing
//! for character references (`&nbsp;`, `&#12288;`) and CR LF. A node that cannot be
//! located within a bounded look-ahead gets no position (the caller reports it).

use crate::limits::REPORT_HTML_END_TAG_STEPS;
use crate::report::value::is_space;

/// How many text runs past the cursor a node may start (bounds work on odd input).
const LOOKAHEAD_RUNS: usize = 4096;

/// Elements whose content is not markup; the tree importer skips them too.
const RAW_TEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];
/// Elements whose content is text (entities decoded) but not markup.
const RCDATA: &[&str] = &["title", "textarea"];

/// Elements with no end tag or an optional one the nesting estimate does not follow: they
/// do not deepen it (table parts and `p` are followed, see [`Nesting`]).
const FLAT: &[&str] = &[
    "li", "option", "optgroup", "dt", "dd", "colgroup", "caption", "html", "head", "body", "br", "img", "meta", "link", "input", "hr", "col", "area", "base",
    "embed", "param", "source", "track", "wbr",
];

/// The parser's "special" elements: an end tag for an element below one of them is ignored.
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "base",
    "basefont",
    "bgsound",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "img",
    "input",
    "keygen",
    "li",
    "link",
    "listing",
    "main",
    "marquee",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "param",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "source",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "wbr",
    "xmp",
];

/// Where an open `p` stops being closable by a new `<p>` (the parser's button scope).
const P_SCOPE: &[&str] = &["table", "td", "th", "caption", "html", "button", "object", "marquee", "applet", "template"];

/// A cheap model of the parser's stack of open elements, to estimate the tree's depth
/// before parsing: end tags pop to their element unless a special element is above it (as
/// the parser does), table parts close the cell / row they imply, `<p>` closes an open
/// `p`. It errs towards deeper (misnested formatting end tags are not adopted). Each step
/// costs at most the stack's height, which the caller bounds; names absent from the stack
/// cost nothing.
#[derive(Default)]
struct Nesting {
    stack: Vec<String>,
    open: std::collections::HashMap<String, usize>,
    /// Stack positions of special elements, lowest first.
    specials: Vec<usize>,
    /// Elements the parser's end-tag searches step over (its cost, see [`REPORT_HTML_END_TAG_STEPS`]).
    steps: usize,
}

impl Nesting {
    fn has(&self, name: &str) -> bool {
        self.open.get(name).is_some_and(|n| *n > 0)
    }

    fn push(&mut self, name: String) {
        if SPECIAL.contains(&name.as_str()) {
            self.specials.push(self.stack.len());
        }
        *self.open.entry(name.clone()).or_default() += 1;
        self.stack.push(name);
    }

    fn pop(&mut self) {
        if let Some(top) = self.stack.pop() {
            if let Some(n) = self.open.get_mut(&top) {
                *n -= 1;
            }
            if self.specials.last() == Some(&self.stack.len()) {
                self.specials.pop();
            }
        }
    }

    /// Pop until the top is one of `stop` (kept).
    fn pop_until(&mut self, stop: &[&str]) {
        while self.stack.last().is_some_and(|t| !stop.contains(&t.as_str())) {
            self.pop();
        }
    }

    /// Pop through the topmost `name`, when no element of `barrier` is above it.
    fn close(&mut self, name: &str, barrier: &dyn Fn(&str) -> bool) {
        if !self.has(name) {
            return;
        }
        let Some(at) = self.stack.iter().rposition(|t| t == name || barrier(t)) else { return };
        self.steps += self.stack.len() - at;
        if self.stack[at] == name {
            while self.stack.len() > at {
                self.pop();
            }
        }
    }

    fn start(&mut self, name: String) {
        if self.has("table") {
            match name.as_str() {
                "td" | "th" => self.pop_until(&["tr", "tbody", "thead", "tfoot", "table"]),
                "tr" => self.pop_until(&["tbody", "thead", "tfoot", "table"]),
                "tbody" | "thead" | "tfoot" => self.pop_until(&["table"]),
                _ => {}
            }
        } else if matches!(name.as_str(), "td" | "th" | "tr" | "tbody" | "thead" | "tfoot") {
            return; // ignored by the parser outside a table
        }
        if name == "p" {
            self.close("p", &|t| P_SCOPE.contains(&t));
        }
        self.push(name);
    }

    fn end(&mut self, name: &str) {
        if !self.has(name) {
            // The parser still searches down to the topmost special element.
            self.steps += self.stack.len() - self.specials.last().map_or(0, |i| i + 1);
            return;
        }
        self.close(name, &|t| SPECIAL.contains(&t));
    }
}

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
    too_deep: bool,
    run: usize,
    pos: usize,
}

impl<'s> RawText<'s> {
    /// Scan `src`; the scan stops early when the tags suggest nesting deeper than
    /// `max_depth` (see [`RawText::too_deep`]).
    pub fn scan(src: &'s str, max_depth: usize) -> Self {
        let (runs, cells, too_deep) = scan(src, max_depth);
        RawText { src, runs, cells, too_deep, run: 0, pos: 0 }
    }

    /// Whether the tags suggest element nesting deeper than the scan's `max_depth`, or end
    /// tags the parser would search for past [`REPORT_HTML_END_TAG_STEPS`] elements.
    pub fn too_deep(&self) -> bool {
        self.too_deep
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

/// Text runs and cell start tags of an HTML source, and whether the estimated nesting
/// passed `max_depth` (the scan stops there).
fn scan(src: &str, max_depth: usize) -> (Vec<(usize, usize)>, Vec<usize>, bool) {
    let bytes = src.as_bytes();
    let mut runs = Vec::new();
    let mut cells = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let mut nesting = Nesting::default();
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
            comment_end(src, i)
        } else if next == b'!' || next == b'?' || (next == b'/' && !bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic)) {
            find(src, i + 1, ">").map_or(bytes.len(), |e| e + 1)
        } else if next.is_ascii_alphabetic() || next == b'/' {
            let close = next == b'/';
            let name_start = i + 1 + close as usize;
            let name_len = bytes[name_start..].iter().take_while(|b| !b.is_ascii_whitespace() && **b != b'/' && **b != b'>').count();
            let name = src[name_start..name_start + name_len].to_ascii_lowercase();
            let tag_end = tag_end(bytes, name_start + name_len);
            push(&mut runs, text_start, i);
            let raw_text = RAW_TEXT.contains(&name.as_str()) || RCDATA.contains(&name.as_str());
            if close {
                nesting.end(&name);
                if nesting.steps > REPORT_HTML_END_TAG_STEPS {
                    return (runs, cells, true);
                }
            } else if !FLAT.contains(&name.as_str()) && !raw_text {
                nesting.start(name.clone());
                if nesting.stack.len() > max_depth {
                    return (runs, cells, true);
                }
            }
            if close {
                i = tag_end;
                text_start = i;
                continue;
            }
            if name == "td" || name == "th" {
                cells.push(tag_end);
            }
            if raw_text {
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
    (runs, cells, false)
}

/// The end of a comment starting at `at` (`<!--`), as the parser ends it: `<!-->` and
/// `<!--->` are whole comments, and `--!>` closes one like `-->`; EOF ends it.
fn comment_end(src: &str, at: usize) -> usize {
    let rest = &src[at..];
    if rest.starts_with("<!-->") {
        return at + 5;
    }
    if rest.starts_with("<!--->") {
        return at + 6;
    }
    let mut from = at + 4;
    while let Some(dash) = find(src, from, "--") {
        let after = &src[dash + 2..];
        if after.starts_with('>') {
            return dash + 3;
        }
        if after.starts_with("!>") {
            return dash + 4;
        }
        from = dash + 1;
    }
    src.len()
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
        let mut raw = RawText::scan(src, 512);
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
        let mut raw = RawText::scan(src, 512);
        let loc = raw.locate("5").unwrap();
        assert_eq!(loc.start, src.rfind('5').unwrap());
    }

    #[test]
    fn script_text_is_not_a_run() {
        let src = "<script>var a = '<td>9</td>';</script><p>9</p>";
        let mut raw = RawText::scan(src, 512);
        assert_eq!(raw.locate("9").unwrap().start, src.rfind('9').unwrap());
    }

    #[test]
    fn the_nesting_estimate_follows_the_parser() {
        let deep = |src: &str, max| RawText::scan(src, max).too_deep();
        // `</span>` under a `<div>` is ignored, so the divs stay open.
        assert!(deep(&"<div></span>".repeat(100), 50));
        // Closed elements, unclosed ones in cells or paragraphs do not add up.
        assert!(!deep(&"<div><span>x</div>".repeat(100), 5));
        assert!(!deep(&format!("<table>{}</table>", "<tr><td><font>1<td><b>2</td>".repeat(100)), 5));
        assert!(!deep(&"<p><span>x</p>".repeat(100), 5));
        assert!(!deep(&"<p><span>x".repeat(100), 5));
    }
}
