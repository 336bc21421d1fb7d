//! Lines → blocks: paragraphs and headings as `Block::Text`, table rows as `Block::Row`.
//!
//! A *data line* ends in numbers set off from any label by a wide gap. A label-only line
//! (a wrapped label, a vertical group label's characters, a merged group cell) belongs to
//! the data line nearest to it on the same page when it lies within [`ATTACH`] em and to
//! the left of the numbers; other lines are text. Columns come from the numbers
//! themselves: within a *segment* (data lines of one page not separated by a header or a
//! heading) the numbers' left edges, centres or right edges — whichever align best — are
//! clustered, and a row missing a number gets a blank cell in that column.

use super::layout::{Line, Word};
use crate::report::import::{Block, Frag, RawRow};
use crate::report::model::{CellState, ImportDiagnostic, Level, Span};
use crate::report::value::classify;

/// Least gap (em) between a row's label and its first number.
const VALUE_GAP: f64 = 1.2;
/// Farthest (em) a label line may sit from its row's numbers (a wrapped label's third line).
const ATTACH: f64 = 2.1;
/// Anchors closer than this (em) are one column.
const COL_TOL: f64 = 0.9;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Furniture,
    Heading,
    /// Values start at this word.
    Data(usize),
    /// Label-only, attached to the data line at this index (or text when `None`).
    Label(Option<usize>),
}

/// Blocks and the importer's doubts for laid-out lines.
pub fn blocks(source: &str, lines: &[Line]) -> (Vec<Block>, Vec<ImportDiagnostic>) {
    let mut kinds: Vec<Kind> = lines.iter().map(kind).collect();
    attach(lines, &mut kinds);
    let segments = segments(lines, &kinds);
    let mut columns: Vec<Option<Columns>> = Vec::new();
    let mut blocks = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match kinds[i] {
            Kind::Furniture | Kind::Label(Some(_)) => {}
            Kind::Heading | Kind::Label(None) => {
                let span = line.span();
                blocks.push(Block::Text(Frag::new(&source[span.offset..span.end()], span)));
            }
            Kind::Data(split) => {
                let seg = segments[i];
                if columns.len() <= seg {
                    columns.resize_with(seg + 1, || None);
                }
                let cols = columns[seg].get_or_insert_with(|| Columns::of(lines, &kinds, &segments, seg));
                let labels = labels(lines, &kinds, i, split);
                let values = values(source, &line.words[split..], cols, &labels, &mut diagnostics);
                blocks.push(Block::Row(RawRow::new(labels, values)));
            }
        }
    }
    (blocks, diagnostics)
}

fn is_value(w: &Word) -> bool {
    matches!(classify(&w.text).0, CellState::Number | CellState::Marker)
}

fn joined(line: &Line) -> String {
    line.words.iter().map(|w| w.text.as_str()).collect()
}

fn kind(line: &Line) -> Kind {
    if line.furniture {
        return Kind::Furniture;
    }
    let text = joined(line);
    if crate::template::builtin().iter().any(|t| t.match_section(&text).is_some()) {
        return Kind::Heading;
    }
    let words = &line.words;
    let split = words.len() - words.iter().rev().take_while(|w| is_value(w)).count();
    let has_number = words[split..].iter().any(|w| classify(&w.text).0 == CellState::Number);
    let apart = split == 0 || split == words.len() || words[split].x0 - words[split - 1].x1 >= VALUE_GAP * words[split - 1].size;
    if has_number && apart {
        Kind::Data(split)
    } else {
        Kind::Label(None)
    }
}

/// Give each label-only line to the nearest data line it may belong to.
fn attach(lines: &[Line], kinds: &mut [Kind]) {
    let data: Vec<(usize, f64)> = kinds
        .iter()
        .enumerate()
        .filter_map(|(j, k)| match k {
            Kind::Data(split) => Some((j, lines[j].words[*split].x0)),
            _ => None,
        })
        .collect();
    for (i, line) in lines.iter().enumerate() {
        if kinds[i] != Kind::Label(None) {
            continue;
        }
        let right = line.words.last().map_or(f64::INFINITY, |w| w.x1);
        let nearest = data
            .iter()
            .filter(|(j, values_x)| lines[*j].page == line.page && right <= values_x + 1.0)
            .map(|(j, _)| (*j, line.distance(&lines[*j])))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, d)) = nearest {
            if d <= ATTACH * line.size() {
                kinds[i] = Kind::Label(Some(j));
            }
        }
    }
}

/// Segment number of every data line (others 0): a new segment at each page, heading, or
/// text line reaching into the numbers' area (a header row).
fn segments(lines: &[Line], kinds: &[Kind]) -> Vec<usize> {
    let mut out = vec![0; lines.len()];
    let (mut seg, mut page, mut left) = (0, None, f64::INFINITY);
    for (i, line) in lines.iter().enumerate() {
        match kinds[i] {
            Kind::Data(split) => {
                if page != Some(line.page) {
                    seg += 1;
                    page = Some(line.page);
                    left = f64::INFINITY;
                }
                out[i] = seg;
                left = left.min(line.words[split].x0);
            }
            Kind::Heading => page = None,
            Kind::Label(None) if line.words.iter().any(|w| w.x1 > left - 1.0) => page = None,
            _ => {}
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Anchor {
    Center,
    Left,
    Right,
}

impl Anchor {
    fn of(self, w: &Word) -> f64 {
        match self {
            Anchor::Left => w.x0,
            Anchor::Center => (w.x0 + w.x1) / 2.0,
            Anchor::Right => w.x1,
        }
    }
}

/// The value columns of a segment.
struct Columns {
    anchor: Anchor,
    at: Vec<f64>,
}

impl Columns {
    fn of(lines: &[Line], kinds: &[Kind], segments: &[usize], seg: usize) -> Columns {
        let values: Vec<&Word> = (0..lines.len())
            .filter(|i| segments[*i] == seg)
            .filter_map(|i| match kinds[i] {
                Kind::Data(split) => Some(&lines[i].words[split..]),
                _ => None,
            })
            .flatten()
            .collect();
        [Anchor::Center, Anchor::Left, Anchor::Right]
            .into_iter()
            .map(|anchor| Columns { anchor, at: cluster(values.iter().map(|w| (anchor.of(w), w.size)).collect()) })
            .min_by_key(|c| c.at.len())
            .unwrap_or(Columns { anchor: Anchor::Center, at: Vec::new() })
    }

    fn nearest(&self, w: &Word) -> Option<usize> {
        let x = self.anchor.of(w);
        (0..self.at.len()).min_by(|a, b| (self.at[*a] - x).abs().total_cmp(&(self.at[*b] - x).abs()))
    }
}

/// Cluster centres of 1-D positions: sorted, a gap wider than `COL_TOL` em starts a cluster.
fn cluster(mut xs: Vec<(f64, f64)>) -> Vec<f64> {
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<Vec<f64>> = Vec::new();
    let mut last: Option<f64> = None;
    for (x, size) in xs {
        match groups.last_mut() {
            Some(g) if last.is_some_and(|l| x - l <= COL_TOL * size) => g.push(x),
            _ => groups.push(vec![x]),
        }
        last = Some(x);
    }
    groups.iter().map(|g| g.iter().sum::<f64>() / g.len() as f64).collect()
}

/// The row's label fragments: its own label words and those of attached lines, group
/// labels (further left) first, each column top to bottom.
fn labels(lines: &[Line], kinds: &[Kind], row: usize, split: usize) -> Vec<Frag> {
    let mut words: Vec<&Word> = lines[row].words[..split].iter().collect();
    for (i, k) in kinds.iter().enumerate() {
        if *k == Kind::Label(Some(row)) {
            words.extend(&lines[i].words);
        }
    }
    words.sort_by(|a, b| ((a.x0 / 3.0).round() as i64, a.y).partial_cmp(&((b.x0 / 3.0).round() as i64, b.y)).unwrap_or(std::cmp::Ordering::Equal));
    words.into_iter().map(|w| Frag::new(w.text.clone(), w.span)).collect()
}

/// Value fragments in column order, blanks where a column has no number. When two numbers
/// fall into one column the row is kept as printed, with a diagnostic.
fn values(source: &str, words: &[Word], cols: &Columns, labels: &[Frag], diags: &mut Vec<ImportDiagnostic>) -> Vec<Frag> {
    let printed = || words.iter().map(|w| Frag::new(w.text.clone(), w.span)).collect();
    let mut slots: Vec<Option<&Word>> = vec![None; cols.at.len()];
    for w in words {
        match cols.nearest(w) {
            Some(k) if slots[k].is_none() => slots[k] = Some(w),
            _ => {
                let label: Vec<&str> = labels.iter().map(|f| f.text.as_str()).collect();
                let span = words.iter().map(|w| w.span).reduce(Span::join);
                let message = format!("表格行“{}”的数值无法按列对齐，按印刷顺序保留（提取存疑）", label.join(" "));
                diags.push(ImportDiagnostic { code: "import.pdf_columns", level: Level::Warning, message, span });
                return printed();
            }
        }
    }
    (0..slots.len())
        .map(|k| match slots[k] {
            Some(w) => Frag::new(w.text.clone(), w.span),
            None => Frag::new("", Span::new(blank_offset(source, &slots, k), 0)),
        })
        .collect()
}

/// Where a blank cell sits: in the space after the previous number, else before the next.
fn blank_offset(source: &str, slots: &[Option<&Word>], k: usize) -> usize {
    if let Some(prev) = slots[..k].iter().rev().flatten().next() {
        let end = prev.span.end();
        return if source.as_bytes().get(end) == Some(&b' ') { end + 1 } else { end };
    }
    let next = slots[k..].iter().flatten().next().map_or(0, |w| w.span.offset);
    if next > 0 && source.as_bytes().get(next - 1) == Some(&b' ') {
        next - 1
    } else {
        next
    }
}
