//! Reading cells during evaluation. A read is recorded as a [`Used`] — references into the
//! compiled rule and the report, no allocation — and becomes a [`FindingCell`] only when a
//! finding is made, so a passing check costs no strings.

use super::{FindingCell, Slot, Val};
use crate::check::ir::{Binding, CellAddr, CellSet, Key, Sel, Which, NO_POS};
use crate::report::model::{Cell, CellState, Report, Row, Table};
use crate::syntax::ast::BlankPolicy;
use crate::template::{Domain, TableDef, Template};
use rust_decimal::Decimal;

/// Where a read cell is, as references into the compiled rule (small to copy).
#[derive(Clone, Copy, Debug)]
pub(super) enum Place<'r> {
    /// A `for each cell` binding.
    Addr(&'r CellAddr),
    /// A cell of a set: table, row key, column key.
    Keys(&'r str, &'r Key, &'r Key),
}

/// One cell read by an expression.
#[derive(Clone, Copy, Debug)]
pub(super) struct Used<'r> {
    pub place: Place<'r>,
    /// Which report of the context the cell is in.
    pub report: Which,
    pub cell: Option<&'r Cell>,
    /// The column's domain, when the rule knew it (a `for each cell` binding).
    pub domain: Option<Domain>,
    pub blank_as_zero: bool,
}

impl<'r> Used<'r> {
    /// Table, row and column keys.
    pub fn keys(&self) -> (&'r str, &'r str, &'r str) {
        match self.place {
            Place::Addr(a) => (&a.table, &a.row, &a.col),
            Place::Keys(t, r, c) => (t, &r.0, &c.0),
        }
    }

    /// Row and column labels.
    fn labels(&self) -> (&'r str, &'r str) {
        match self.place {
            Place::Addr(a) => (&a.row_label, &a.col_label),
            Place::Keys(_, r, c) => (&r.1, &c.1),
        }
    }

    pub fn same_place(&self, other: &Used) -> bool {
        self.report == other.report && self.keys() == other.keys()
    }

    pub fn to_finding_cell(self) -> FindingCell {
        let (table, row, col) = self.keys();
        let (row_label, col_label) = self.labels();
        FindingCell {
            table: table.into(),
            row: row.into(),
            col: col.into(),
            row_label: row_label.into(),
            col_label: col_label.into(),
            raw: self.cell.map(|c| c.raw.to_string()),
            state: self.cell.map(|c| c.state),
            value: self.cell.and_then(|c| c.value),
            span: self.cell.map(|c| c.span),
            blank_as_zero: self.blank_as_zero,
            doubted: false,
            report: self.report.index(),
        }
    }

    /// The column's domain, from the binding or the template.
    pub fn domain(&self, tpl: &Template) -> Domain {
        self.domain.unwrap_or_else(|| {
            let (table, row, col) = self.keys();
            domain_at(tpl, table, row, col)
        })
    }

    /// See [`doubtful`].
    #[inline]
    pub fn doubtful(&self, tpl: &Template) -> bool {
        self.cell.is_some_and(|c| doubtful(c, || self.domain(tpl)))
    }

    /// The cell as a value under a blank policy; marks a blank counted as 0.
    /// Returns the value and whether a blank was met under `blank finding`.
    #[inline(always)]
    pub fn value(&mut self, policy: BlankPolicy, tpl: &Template) -> (Val<'r>, bool) {
        let (v, blank_hit, as_zero) = value_of(self.cell, policy, || self.domain(tpl));
        self.blank_as_zero |= as_zero;
        (v, blank_hit)
    }
}

/// The domain of a column of a template's table, by keys (the default when it has none).
pub(super) fn domain_at(tpl: &Template, table: &str, row: &str, col: &str) -> Domain {
    tpl.table(table).and_then(|d| d.col(row, col)).map(|c| c.domain).unwrap_or_default()
}

/// A cell as a value under a blank policy, its column's domain looked up only when needed:
/// the value, whether a blank was met under `blank finding`, whether a blank counts as 0.
#[inline(always)]
pub(super) fn value_of<'r>(cell: Option<&Cell>, policy: BlankPolicy, domain: impl FnOnce() -> Domain) -> (Val<'r>, bool, bool) {
    match cell {
        Some(c) if c.state == CellState::Number && !doubtful(c, domain) => (c.value.map_or(Val::Absent, Val::Num), false, false),
        Some(c) if matches!(c.state, CellState::Blank | CellState::Marker) => match policy {
            BlankPolicy::Zero => (Val::Num(Decimal::ZERO), false, true),
            BlankPolicy::Finding => (Val::Absent, true, false),
            BlankPolicy::Skip => (Val::Absent, false, false),
        },
        _ => (Val::Absent, false, false),
    }
}

/// Unsure what the source says: text where a number belongs, or a money unit in a
/// count column (`13575394432.52元`: a count and an amount glued together). The column's
/// domain is looked up only for a money unit.
#[inline]
pub(super) fn doubtful(cell: &Cell, domain: impl FnOnce() -> Domain) -> bool {
    let money = cell.unit.as_deref().is_some_and(|u| u.ends_with('元'));
    cell.state == CellState::Text || (money && domain() != Domain::Decimal)
}

/// The number fits its column's domain; blanks and placeholders are not this rule's
/// business (see `values.blank`), unreadable text is not assessable.
#[inline(always)]
pub(super) fn valid<'r>(cell: Option<&Cell>, domain: impl Fn() -> Domain) -> Val<'r> {
    let Some(cell) = cell else {
        return Val::Absent;
    };
    if doubtful(cell, &domain) {
        return Val::Absent;
    }
    match cell.state {
        CellState::Blank | CellState::Marker => Val::Bool(true),
        CellState::Text => Val::Absent,
        CellState::Number => {
            let v = cell.value.unwrap_or_default();
            Val::Bool(match domain() {
                Domain::Count => is_integer(v) && non_negative(v),
                Domain::Signed => is_integer(v),
                Domain::Decimal => non_negative(v),
            })
        }
    }
}

/// `v >= 0` from the sign bit, without a comparison of decimals (-0 is 0).
pub(super) fn non_negative(v: Decimal) -> bool {
    !v.is_sign_negative() || v.is_zero()
}

/// Whether a number is whole; a number printed without decimals (scale 0, most cells)
/// is, without computing its fraction.
fn is_integer(v: Decimal) -> bool {
    v.scale() == 0 || v.fract().is_zero()
}

/// The report's tables laid out in a template's dense cell numbering, built once per
/// report, template and table: every cell read during evaluation is an array index.
pub(super) struct Views<'r> {
    /// The context's reports by [`Which::index`]; the previous year's may be absent.
    reports: [Option<&'r Report>; 2],
    built: Vec<(Which, *const Template, usize, Vec<Option<&'r Cell>>)>,
    /// The index in `built` of the view used last.
    last: usize,
}

impl<'r> Views<'r> {
    pub fn new(report: &'r Report, previous: Option<&'r Report>) -> Self {
        Views { reports: [Some(report), previous], built: Vec::new(), last: 0 }
    }

    /// Report `which` of the context, when it has it.
    pub fn report(&self, which: Which) -> Option<&'r Report> {
        self.reports[which.index()]
    }

    /// Whether the context has this report.
    pub fn has(&self, which: Which) -> bool {
        self.report(which).is_some()
    }

    /// The cells of table `ix` of `tpl`, as report `which` has them (all missing when the
    /// context lacks that report).
    #[inline(always)]
    pub fn view(&mut self, which: Which, tpl: &'r Template, ix: usize) -> &[Option<&'r Cell>] {
        // Reads come in runs from one table: the view used last is looked at first, inline;
        // finding or building another is out of line.
        let last = self.built.get(self.last).is_some_and(|(w, t, i, _)| *w == which && std::ptr::eq(*t, tpl) && *i == ix);
        if !last {
            self.last = self.find_or_build(which, tpl, ix);
        }
        &self.built[self.last].3
    }

    /// The index in `built` of a view, built now when it is not there yet.
    #[cold]
    #[inline(never)]
    fn find_or_build(&mut self, which: Which, tpl: &'r Template, ix: usize) -> usize {
        let is = |(w, t, i, _): &(Which, *const Template, usize, _)| *w == which && std::ptr::eq(*t, tpl) && *i == ix;
        if let Some(i) = self.built.iter().position(is) {
            return i;
        }
        let mut cells = Vec::new();
        if let Some(def) = tpl.tables.get(ix) {
            cells = vec![None; def.cell_count()];
            if let Some(found) = self.reports[which.index()].and_then(|r| r.tables.get(&def.key)) {
                lay_out(def, found, &mut cells);
            }
        }
        self.built.push((which, tpl, ix, cells));
        self.built.len() - 1
    }
}

/// Place the cells of a found table at their dense numbers. A table read with this very
/// layout (the usual case) is copied slot by slot; one read with another template's layout
/// is placed key by key.
fn lay_out<'r>(def: &TableDef, found: &'r Table, cells: &mut [Option<&'r Cell>]) {
    if found.rows.keyed_by(def.row_keys()) {
        for (at, row) in found.rows.dense().iter().enumerate() {
            let (Some(row), Some(offset), Some(part)) = (row, def.offset_of(at), def.part_of(at)) else { continue };
            if !def.col_keys_of(part).is_some_and(|k| row.cells.keyed_by(k)) {
                place_by_key(def, at, row, cells);
                continue;
            }
            for (pos, cell) in row.cells.dense().iter().enumerate() {
                if let Some(slot) = cells.get_mut(offset + pos) {
                    *slot = cell.as_ref();
                }
            }
        }
        return;
    }
    for (at, (_, r)) in def.rows().enumerate() {
        if let Some(row) = found.rows.get(&r.key) {
            place_by_key(def, at, row, cells);
        }
    }
}

/// Place one row's cells by column key, for the row at template position `at`.
fn place_by_key<'r>(def: &TableDef, at: usize, row: &'r Row, cells: &mut [Option<&'r Cell>]) {
    let (Some(offset), Some(part)) = (def.offset_of(at), def.part_of(at)) else { return };
    for (pos, col) in def.parts[part].cols.iter().enumerate() {
        if let Some(slot) = cells.get_mut(offset + pos) {
            *slot = row.cells.get(&col.key);
        }
    }
}

/// One side of a cell set under the current bindings (empty for a variable bound to a key
/// the previous template lacks: see [`unmapped`]).
fn side<'r>(sel: &'r Sel, slots: &[Slot<'r>]) -> &'r [Key] {
    match sel {
        Sel::Keys(k) => k,
        Sel::Var(i) => match slots.get(*i) {
            Some(Slot::Bound(Binding::Col { key_label, .. } | Binding::Row { key_label, .. })) => std::slice::from_ref(key_label),
            _ => &[],
        },
        Sel::Mapped(i, map) => match mapped(map, slots.get(*i)) {
            Some(Some(k)) => std::slice::from_ref(k),
            _ => &[],
        },
    }
}

/// The previous template's key for a variable's current binding: `None` when unbound,
/// `Some(None)` when that template has no such row or column.
#[inline]
fn mapped<'r>(map: &'r [(String, Option<Key>)], slot: Option<&Slot<'r>>) -> Option<Option<&'r Key>> {
    let Some(Slot::Bound(Binding::Col { key_label, .. } | Binding::Row { key_label, .. })) = slot else { return None };
    map.iter().find(|(k, _)| *k == key_label.0).map(|(_, to)| to.as_ref())
}

/// A set of the previous report whose loop variable is bound to a row or column its
/// template lacks: no cell to read (never an empty set summed to 0).
#[inline]
pub(super) fn unmapped(set: &CellSet, slots: &[Slot<'_>]) -> bool {
    let one = |sel: &Sel| match sel {
        Sel::Mapped(i, map) => !matches!(mapped(map, slots.get(*i)), Some(Some(_))),
        _ => false,
    };
    one(&set.rows) || one(&set.cols)
}

/// The row and column keys of a set under the current bindings.
#[inline]
pub(super) fn sides<'r>(set: &'r CellSet, slots: &[Slot<'r>]) -> (&'r [Key], &'r [Key]) {
    (side(&set.rows, slots), side(&set.cols, slots))
}

/// The cells of a set under the current bindings, read from the report, in order.
#[inline]
pub(super) fn expand<'r, 'v>(set: &'r CellSet, slots: &[Slot<'r>], views: &'v mut Views<'r>, tpl: &'r Template) -> Expansion<'r, 'v> {
    let (rows, cols) = sides(set, slots);
    // 表二's parts have different columns: there the cell number is looked up by keys.
    let def = if set.ragged { tpl.tables.get(set.table_ix) } else { None };
    let view = views.view(set.report, tpl, set.table_ix);
    Expansion { set, rows, cols, def, view, row: 0, col: 0 }
}

/// The cells of a set, row by row (see [`expand`]).
pub(super) struct Expansion<'r, 'v> {
    set: &'r CellSet,
    rows: &'r [Key],
    cols: &'r [Key],
    def: Option<&'r TableDef>,
    view: &'v [Option<&'r Cell>],
    /// The next cell's row and column, as positions in `rows` and `cols`.
    row: usize,
    col: usize,
}

impl<'r> Iterator for Expansion<'r, '_> {
    type Item = Used<'r>;

    #[inline(always)]
    fn next(&mut self) -> Option<Used<'r>> {
        loop {
            let rk @ Key(r, _, offset) = self.rows.get(self.row)?;
            let Some(ck @ Key(c, _, pos)) = self.cols.get(self.col) else {
                (self.row, self.col) = (self.row + 1, 0);
                continue;
            };
            self.col += 1;
            let ix = match self.def {
                Some(d) => match d.cell_ix(r, c) {
                    Some(ix) => ix,
                    // A column absent from a row's part is no cell at all (in a set), or a
                    // missing one (named alone).
                    None if self.cols.len() > 1 => continue,
                    None => NO_POS,
                },
                None => offset.checked_add(*pos).unwrap_or(NO_POS),
            };
            let set = self.set;
            return Some(Used {
                place: Place::Keys(&set.table, rk, ck),
                report: set.report,
                cell: self.view.get(ix).copied().flatten(),
                domain: None,
                blank_as_zero: false,
            });
        }
    }
}

/// A `for each cell` binding read as a cell.
pub(super) fn bound<'r>(b: &'r Binding, views: &mut Views<'r>, tpl: &'r Template) -> Option<Used<'r>> {
    let Binding::Cell(a) = b else { return None };
    Some(at(a, views.view(Which::This, tpl, a.table_ix)))
}

/// The cell at a `for each cell` address, read from the view of its table.
pub(super) fn at<'r>(a: &'r CellAddr, view: &[Option<&'r Cell>]) -> Used<'r> {
    Used { place: Place::Addr(a), report: Which::This, cell: cell_at(a, view), domain: Some(a.domain), blank_as_zero: false }
}

/// The report's cell at a `for each cell` address (`None`: the report has none there).
#[inline]
pub(super) fn cell_at<'r>(a: &CellAddr, view: &[Option<&'r Cell>]) -> Option<&'r Cell> {
    view.get(a.ix).copied().flatten()
}
