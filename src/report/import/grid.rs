//! Merged-cell tables → raw rows, shared by the HTML, DOCX and Markdown importers.
//!
//! In: a table as rows of [`Slot`]s in source order (a merged cell appears once, with its
//! spans; DOCX `vMerge` continuations appear as covered slots). Out: one [`RawRow`] per
//! source row holding only the cells that *start* in that row, so a vertical group label
//! sits on its first row only and a colspan value is one value.
//!
//! Which cells are labels: the leading text cells of a row. Which blanks are values: those
//! at or right of the first value column of the table (the leftmost grid column holding a
//! row's first value), so a blank label column (a lost vertical label) does not shift
//! values, while a blank data cell keeps its column.

use super::{Frag, RawRow};
use crate::report::model::CellState;
use crate::report::value::classify;

use crate::limits::{REPORT_COLSPAN, REPORT_ROWSPAN, REPORT_TABLE_CELLS};

/// A table whose grid (rows × columns, spans included) exceeds [`REPORT_TABLE_CELLS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooManyCells;

impl TooManyCells {
    /// The import error for a file of `form` at `path`.
    pub fn error(self, path: &str, form: super::Form) -> super::ImportError {
        super::ImportError::Limit {
            path: path.into(), form, what: "一个表格的单元格（行数×列数，含合并单元格）", limit: REPORT_TABLE_CELLS as u64
        }
    }
}

/// One position in a source row.
#[derive(Clone, Debug)]
pub enum Slot {
    /// A cell starting here; `rowspan` 0 means "to the end of the table" (HTML).
    Cell { frag: Frag, colspan: usize, rowspan: usize },
    /// Columns covered by a merged cell from a row above (DOCX `vMerge` continue).
    Covered { colspan: usize },
}

/// A cell with its grid column.
#[derive(Clone, Debug)]
struct Placed {
    col: usize,
    frag: Frag,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Blank,
    /// A number or a placeholder.
    Value,
    Text,
}

fn kind(text: &str) -> Kind {
    match classify(text.trim_matches(crate::report::value::is_space)).0 {
        CellState::Blank => Kind::Blank,
        CellState::Text => Kind::Text,
        CellState::Number | CellState::Marker => Kind::Value,
    }
}

/// Give every cell its grid column, honouring spans from rows above. Linear in the grid
/// area: `covered[c]` is the first row column `c` is free again, and the area (each
/// cell's colspan × rowspan) is counted against [`REPORT_TABLE_CELLS`] before it is walked.
fn place(rows: Vec<Vec<Slot>>) -> Result<Vec<Vec<Placed>>, TooManyCells> {
    let n = rows.len();
    let mut covered: Vec<usize> = Vec::new();
    let mut area = 0usize;
    let mut out = Vec::with_capacity(n);
    for (r, row) in rows.into_iter().enumerate() {
        let mut col = 0;
        let mut placed = Vec::with_capacity(row.len());
        for slot in row {
            // Skip columns held by rowspans from above (each skip is grid area counted).
            while covered.get(col).is_some_and(|&free| free > r) {
                col += 1;
            }
            let (span, down) = match &slot {
                Slot::Cell { colspan, rowspan, .. } => {
                    let rows_left = n - r;
                    let down = if *rowspan == 0 { rows_left } else { (*rowspan).min(REPORT_ROWSPAN).min(rows_left) };
                    ((*colspan).clamp(1, REPORT_COLSPAN), down.max(1))
                }
                Slot::Covered { colspan } => ((*colspan).clamp(1, REPORT_COLSPAN), 1),
            };
            area = area.saturating_add(span * down);
            if area > REPORT_TABLE_CELLS {
                return Err(TooManyCells);
            }
            if let Slot::Cell { frag, .. } = slot {
                if down > 1 {
                    if covered.len() < col + span {
                        covered.resize(col + span, 0);
                    }
                    for free in &mut covered[col..col + span] {
                        *free = (*free).max(r + down);
                    }
                }
                let kind = kind(&frag.text);
                placed.push(Placed { col, frag, kind });
            }
            col += span;
        }
        out.push(placed);
    }
    Ok(out)
}

/// The leftmost grid column where a row with a number has its first value.
fn first_value_col(rows: &[Vec<Placed>]) -> usize {
    let has_number = |row: &Vec<Placed>| row.iter().any(|c| c.kind == Kind::Value && classify(c.frag.text.trim()).0 == CellState::Number);
    rows.iter().filter(|row| has_number(row)).filter_map(|row| row.iter().find(|c| c.kind == Kind::Value).map(|c| c.col)).min().unwrap_or(0)
}

/// Split one placed row into labels and values.
fn raw_row(row: Vec<Placed>, value_col: usize) -> RawRow {
    let first_value = row.iter().position(|c| c.kind == Kind::Value).unwrap_or(row.len());
    let lead_end = row[..first_value].iter().rposition(|c| c.kind == Kind::Text).map_or(0, |i| i + 1);
    // Labels all come before the values (`i < lead_end`), as a row keeps them.
    let mut frags = Vec::with_capacity(row.len());
    let mut labels = 0;
    for (i, cell) in row.into_iter().enumerate() {
        if i < lead_end {
            if cell.kind == Kind::Text {
                frags.push(cell.frag);
                labels += 1;
            }
        } else if cell.kind != Kind::Blank || cell.col >= value_col {
            frags.push(cell.frag);
        }
    }
    RawRow::from_frags(frags, labels)
}

/// Lines of one cell or paragraph, trimmed and joined: no space between two CJK
/// characters (a label broken by `<br>`/`<p>` reads as one), one space otherwise.
pub fn join_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines.map(|l| l.trim_matches(crate::report::value::is_space)).filter(|l| !l.is_empty()) {
        let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
        let cjk_join = wide(out.chars().last()) && wide(line.chars().next());
        if !out.is_empty() && !cjk_join {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A table's rows as raw rows; rows with nothing in them are dropped. A grid larger than
/// [`REPORT_TABLE_CELLS`] is refused.
pub fn rows(slots: Vec<Vec<Slot>>) -> Result<Vec<RawRow>, TooManyCells> {
    let placed = place(slots)?;
    let value_col = first_value_col(&placed);
    Ok(placed.into_iter().map(|row| raw_row(row, value_col)).filter(|r| !r.labels().is_empty() || !r.values().is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::Span;

    fn cell(text: &str, colspan: usize, rowspan: usize) -> Slot {
        Slot::Cell { frag: Frag::new(text, Span::default()), colspan, rowspan }
    }

    fn rows(slots: Vec<Vec<Slot>>) -> Vec<RawRow> {
        super::rows(slots).expect("within budget")
    }

    fn texts(frags: &[Frag]) -> Vec<&str> {
        frags.iter().map(|f| f.text.as_str()).collect()
    }

    #[test]
    fn group_label_only_on_its_first_row() {
        let rows = rows(vec![
            vec![cell("（三）不予公开", 1, 2), cell("1.属于国家秘密", 1, 1), cell("4", 1, 1), cell("", 1, 1)],
            vec![cell("2.其他法律行政法规禁止公开", 1, 1), cell("0", 1, 1), cell("", 1, 1)],
        ]);
        assert_eq!(texts(rows[0].labels()), ["（三）不予公开", "1.属于国家秘密"]);
        assert_eq!(texts(rows[1].labels()), ["2.其他法律行政法规禁止公开"]);
        assert_eq!(texts(rows[1].values()), ["0", ""]);
    }

    #[test]
    fn blank_label_columns_are_not_values() {
        let rows = rows(vec![
            vec![cell("（七）总计", 1, 1), cell("5", 1, 1), cell("", 1, 1)],
            vec![cell("", 1, 1), cell("3", 1, 1), cell("1", 1, 1)],
            vec![cell("", 2, 1), cell("商业企业", 1, 1)],
        ]);
        assert_eq!(texts(rows[1].values()), ["3", "1"]);
        assert!(rows[2].values().is_empty());
    }

    #[test]
    fn covered_slots_keep_columns() {
        let rows = rows(vec![vec![cell("a", 1, 1), cell("1", 1, 1)], vec![Slot::Covered { colspan: 1 }, cell("", 1, 1)]]);
        assert_eq!(texts(rows[1].values()), [""]);
    }

    #[test]
    fn huge_spans_do_not_explode() {
        let rows = rows(vec![vec![cell("x", usize::MAX, usize::MAX), cell("1", 1, 0)]; 3]);
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn the_grid_area_is_budgeted() {
        let tall = vec![vec![cell("x", 1, 0), cell("1", 1, 1)]; REPORT_TABLE_CELLS / 2 + 1];
        assert_eq!(super::rows(tall), Err(TooManyCells));
        let many = vec![vec![cell("x", 1, 2), cell("1", 1, 1)]; 1_000];
        assert_eq!(super::rows(many).map(|r| r.len()), Ok(1_000));
    }
}
