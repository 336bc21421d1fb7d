//! Glyphs → lines → words, and the text rendering every span points into. A line is a run
//! of glyphs whose baselines lie within [`LINE_TOL`] of each other (table cells print their
//! numbers ~2.3 pt off the label's baseline); a word ends at a space glyph or a gap wider
//! than [`WORD_GAP`] em. Word ends come from the next glyph's origin where there is one:
//! pdf-extract's widths are unreliable. The rendering places words on a character grid by
//! their x, page after page, like `pdftotext -layout`, with a marker line per page.

use super::glyphs::{Glyph, Page};
use crate::report::model::Span;
use unicode_width::UnicodeWidthStr;

/// Baselines closer than this (points) are one line.
const LINE_TOL: f64 = 3.0;
/// A gap wider than this many em between glyphs starts a new word.
const WORD_GAP: f64 = 0.8;
/// The same glyph again within this many em is an overprint, not a second character.
const OVERPRINT: f64 = 0.3;
/// Page-number lines only count as furniture in this outer fraction of the page height.
const MARGIN: f64 = 0.12;

/// A run of glyphs without a wide gap, and where it was rendered.
#[derive(Clone, Debug)]
pub struct Word {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
    pub span: Span,
}

/// Words sharing a baseline (within tolerance), left to right.
#[derive(Clone, Debug)]
pub struct Line {
    pub page: u32,
    /// Smallest and largest baseline of its glyphs.
    pub y0: f64,
    pub y1: f64,
    pub words: Vec<Word>,
    /// A page number or running footer: rendered, never a block.
    pub furniture: bool,
}

impl Line {
    /// The rendered line from its first to its last word.
    pub fn span(&self) -> Span {
        let first = self.words.first().map_or(Span::default(), |w| w.span);
        self.words.iter().map(|w| w.span).fold(first, Span::join)
    }

    /// The largest word size (the text size of a label line).
    pub fn size(&self) -> f64 {
        self.words.iter().map(|w| w.size).fold(0.0, f64::max)
    }

    /// Vertical distance from this line to another (0 when their baselines overlap).
    pub fn distance(&self, other: &Line) -> f64 {
        (self.y0 - other.y1).max(other.y0 - self.y1).max(0.0)
    }
}

/// The rendering and its lines in reading order.
pub struct Layout {
    pub source: String,
    pub lines: Vec<Line>,
}

/// Wide (CJK, full-width) characters advance about 1 em, others about half.
fn nominal_advance(text: &str) -> f64 {
    let wide = text.chars().next().is_some_and(|c| UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str) > 1);
    if wide {
        1.0
    } else {
        0.6
    }
}

fn advance(g: &Glyph) -> f64 {
    let nominal = nominal_advance(&g.text);
    let em = if g.width > 0.0 && g.width.is_finite() { g.width.min(nominal) } else { nominal };
    em * g.size
}

fn is_blank(g: &Glyph) -> bool {
    g.text.chars().all(crate::report::value::is_space)
}

/// Group one page's glyphs into lines of words (spans not yet set).
fn page_lines(page: &Page, mut glyphs: Vec<&Glyph>) -> Vec<Line> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut groups: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match groups.last_mut() {
            Some(group) if group.last().is_some_and(|p| g.y - p.y <= LINE_TOL) => group.push(g),
            _ => groups.push(vec![g]),
        }
    }
    let mut lines: Vec<Line> = groups
        .into_iter()
        .flat_map(|mut group| {
            group.sort_by(|a, b| a.x.total_cmp(&b.x));
            streams(group)
        })
        .filter_map(|mut group| {
            dedup_overprint(&mut group);
            let y0 = group.iter().map(|g| g.y).fold(f64::INFINITY, f64::min);
            let y1 = group.iter().map(|g| g.y).fold(f64::NEG_INFINITY, f64::max);
            let words = words(&group);
            (!words.is_empty()).then_some(Line { page: page.number, y0, y1, words, furniture: false })
        })
        .collect();
    for line in &mut lines {
        line.furniture = is_furniture(line, page);
    }
    lines
}

/// Glyphs of two sizes whose boxes overlap on one baseline are two texts printed over one
/// another (a table row drawn across a heading), never one: a line with such an overlap is
/// split by size into one line per text, the larger first (a heading comes before what
/// follows it). Any other line is one text. `glyphs` are sorted by x.
fn streams(glyphs: Vec<&Glyph>) -> Vec<Vec<&Glyph>> {
    let same_size = |a: &Glyph, b: &Glyph| (a.size - b.size).abs() <= SIZE_CLASS * a.size.max(b.size);
    let mut visible = glyphs.iter().filter(|g| !is_blank(g));
    let mut prev = visible.next();
    let overlap = visible.any(|b| {
        let Some(a) = prev.replace(b) else { return false };
        !same_size(a, b) && b.x < a.x + advance(a) - STREAM_OVERLAP * advance(a).min(advance(b))
    });
    if !overlap {
        return vec![glyphs];
    }
    let mut classes: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match classes.iter_mut().find(|c| same_size(c[0], g)) {
            Some(c) => c.push(g),
            None => classes.push(vec![g]),
        }
    }
    classes.sort_by(|a, b| b[0].size.total_cmp(&a[0].size));
    classes
}

/// Sizes within this fraction of each other are one size class (see [`streams`]).
const SIZE_CLASS: f64 = 0.2;

/// How much of the narrower glyph's advance two glyphs must overlap by to be two texts.
const STREAM_OVERLAP: f64 = 0.3;

/// Drop glyphs drawn again over themselves (fake bold: the same text shown twice a
/// fraction of an em apart), which would otherwise read `重重复复`. A glyph whose font gives
/// it no width (pdf-extract then does not advance: `3511` comes out as four glyphs at one
/// origin) is followed by the next character, not by itself again: never dropped after it.
fn dedup_overprint(glyphs: &mut Vec<&Glyph>) {
    let mut kept: Vec<&Glyph> = Vec::with_capacity(glyphs.len());
    for g in glyphs.iter() {
        let near = |k: &&Glyph| k.width > 0.0 && k.text == g.text && (k.x - g.x).abs() < OVERPRINT * g.size && (k.y - g.y).abs() < OVERPRINT * g.size;
        if !kept.iter().rev().take(4).any(near) {
            kept.push(g);
        }
    }
    *glyphs = kept;
}

/// Split a line's glyphs (sorted by x) into words.
fn words(glyphs: &[&Glyph]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut open = false;
    for (i, g) in glyphs.iter().enumerate() {
        if is_blank(g) {
            open = false;
            continue;
        }
        let prev = i.checked_sub(1).map(|j| glyphs[j]).filter(|p| !is_blank(p));
        let joined = open && prev.is_some_and(|p| g.x - (p.x + advance(p)) <= WORD_GAP * p.size.max(g.size));
        match out.last_mut() {
            Some(w) if joined => {
                w.text.push_str(&g.text);
                w.x1 = g.x + advance(g);
                w.size = w.size.max(g.size);
            }
            _ => out.push(Word { text: g.text.clone(), x0: g.x, x1: g.x + advance(g), y: g.y, size: g.size, span: Span::default() }),
        }
        open = true;
    }
    out
}

/// A lone page number (`-4-`, `— 5 —`, `第 3 页`) near the top or bottom edge.
fn is_furniture(line: &Line, page: &Page) -> bool {
    let text: String = line.words.iter().map(|w| w.text.as_str()).collect();
    let core: String = text.chars().filter(|c| !"-—–－_·•第页共/ ".contains(*c)).collect();
    let numeric = !core.is_empty() && core.len() <= 8 && core.chars().all(|c| c.is_ascii_digit());
    let edge = line.y1 < page.height * MARGIN || line.y0 > page.height * (1.0 - MARGIN);
    numeric && edge
}

/// Lay out all glyphs: lines per page in reading order, rendered into one text.
pub fn lay_out(pages: &[Page], glyphs: &[Glyph]) -> Layout {
    let mut source = String::new();
    let mut lines = Vec::new();
    for page in pages {
        let on_page: Vec<&Glyph> = glyphs.iter().filter(|g| g.page == page.number).collect();
        if !source.is_empty() {
            source.push('\n');
        }
        source.push_str(&format!("—— 第 {} 页 ——\n", page.number));
        let unit = grid_unit(&on_page);
        let mut page_lines = page_lines(page, on_page);
        let left = page_lines.iter().filter_map(|l| l.words.first()).map(|w| w.x0).fold(f64::INFINITY, f64::min);
        let mut prev: Option<&Line> = None;
        for line in &mut page_lines {
            if prev.is_some_and(|p| line.y0 - p.y1 > 1.8 * line.size()) {
                source.push('\n');
            }
            render(&mut source, line, left, unit);
            prev = Some(line);
        }
        lines.append(&mut page_lines);
    }
    Layout { source, lines }
}

/// Points per grid column: half the most common glyph size on the page.
fn grid_unit(glyphs: &[&Glyph]) -> f64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for g in glyphs {
        let k = (g.size * 2.0).round() as i64;
        match counts.iter_mut().find(|c| c.0 == k) {
            Some(c) => c.1 += 1,
            None => counts.push((k, 1)),
        }
    }
    let mode = counts.iter().max_by_key(|c| c.1).map_or(20, |c| c.0);
    (mode as f64 / 4.0).max(2.0)
}

/// Append one line, words at their grid column (at least one space apart), setting spans.
fn render(source: &mut String, line: &mut Line, left: f64, unit: f64) {
    let mut col = 0usize;
    for (i, word) in line.words.iter_mut().enumerate() {
        let mut target = ((word.x0 - left) / unit).round().max(0.0) as usize;
        if i > 0 {
            target = target.max(col + 1);
        }
        source.extend(std::iter::repeat_n(' ', target - col));
        word.span = Span::new(source.len(), word.text.len());
        source.push_str(&word.text);
        col = target + word.text.width();
    }
    source.push('\n');
}
