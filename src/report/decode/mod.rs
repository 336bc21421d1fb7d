//! Cells whose boundaries a source lost (a scraper gluing every cell of a row into one
//! digit run, DOMAIN.md §5.2), decoded with what is certain first: the cell count and the
//! form of a number ([`split`]), then each row's own identities, then the table's — the
//! identities the template declares ([`crate::template::identity`]). Every decoded cell
//! records what decided it; an identity that decided cells is recorded as consumed, so a
//! check of the same cells does not pass it off as evidence. Several readings left, or
//! none: an extraction doubt, and the cells stay unread. Never a silent pick.
//!
//! Beside the importers, not inside one: [`text`] finds the runs in running text; any
//! importer whose rows lost boundaries can hand its runs to [`solve`].

pub mod order;
pub mod split;
#[cfg(test)]
mod tests;
pub mod text;

use crate::report::model::{Cell, CellState, Consumed, Decoding, Doubted, ImportDiagnostic, Level, Span, Table, UsedIdentity};
use crate::template::{Domain, Instance, TableDef};
use split::{Budget, Reading, Run};
use std::sync::Arc;

/// One run of glued cells: the cells of `rows` (consecutive template positions), in order.
#[derive(Clone, Debug)]
pub struct Glued {
    pub rows: Vec<usize>,
    pub run: Run,
    /// The run as printed, and where.
    pub text: String,
    pub span: Span,
}

/// Work allowed for one table's readings (a real table takes a few thousand steps).
const BUDGET: u64 = 2_000_000;

/// Combinations of ambiguous rows' readings looked at, at most, for the table identities.
const MAX_COMBINATIONS: usize = 100_000;

/// Readings listed in a doubt, at most.
const LISTED: usize = 4;

/// What decoding a table's runs came to.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<ImportDiagnostic>,
    pub consumed: Vec<Consumed>,
    /// The cells of the runs left undecided.
    pub doubted: Vec<Doubted>,
    /// Runs decoded to one reading.
    pub decoded: usize,
    /// Runs left undecided.
    pub doubts: usize,
    /// Runs an identity decided: `（一）予以公开：I2`.
    pub by_identity: Vec<String>,
}

/// Where a dense cell is: in a run (its index, the cell's place in the run), or not.
#[derive(Clone, Copy)]
enum Place {
    Run(usize, usize),
    Fixed,
}

struct State<'a> {
    def: &'a TableDef,
    glued: &'a [Glued],
    readings: Vec<Vec<Reading>>,
    /// Readings by form alone, per run.
    by_form: Vec<usize>,
    /// The identities that narrowed each run's readings (instance indices).
    used: Vec<Vec<usize>>,
    place: Vec<Place>,
    /// Values of the cells read with certainty (not in a run).
    fixed: Vec<Option<rust_decimal::Decimal>>,
}

/// Decode `glued` into `table` (rows already added for each run's rows, labels set).
pub fn solve(def: &TableDef, table: &mut Table, glued: &[Glued]) -> Outcome {
    let mut out = Outcome::default();
    let instances = def.instances();
    let mut place = vec![Place::Fixed; def.cell_count()];
    let fixed = dense_values(def, table);
    let mut budget = Budget(BUDGET);
    let mut st = State { def, glued, readings: Vec::new(), by_form: Vec::new(), used: vec![Vec::new(); glued.len()], place: Vec::new(), fixed };
    let mut failed: Vec<Option<String>> = vec![None; glued.len()];
    for (g, run) in glued.iter().enumerate() {
        let cells = cells_of(def, &run.rows);
        for (k, &ix) in cells.iter().enumerate() {
            if let Some(p) = place.get_mut(ix) {
                *p = Place::Run(g, k);
            }
        }
        let domains: Vec<Domain> = run.rows.iter().flat_map(|&r| cols_of(def, r).iter().map(|c| c.domain)).collect();
        let found = split::readings(&run.run, &domains, &mut budget).unwrap_or_else(|_| {
            failed[g] = Some("数字过长，拆分方式太多".into());
            Vec::new()
        });
        if found.is_empty() && failed[g].is_none() {
            failed[g] = Some(format!("{} 位数字无法拆分成 {} 个单元格", run.run.digits(), domains.len()));
        }
        st.by_form.push(found.len());
        st.readings.push(found);
    }
    st.place = place;
    // The row's own identities: instances whose cells all lie in one run.
    // (A reading is only dropped for another that holds: narrowing never leaves none.)
    for g in 0..glued.len() {
        for (i, inst) in instances.iter().enumerate() {
            if st.readings[g].len() > 1 && inst.cells().all(|ix| matches!(st.place[ix], Place::Run(h, _) if h == g)) {
                narrow(&mut st, g, i, inst);
            }
        }
    }
    table_identities(&mut st, &instances);
    for (g, run) in glued.iter().enumerate() {
        match st.readings[g].as_slice() {
            [one] => {
                write(&st, table, g, one, &instances);
                out.decoded += 1;
                if !st.used[g].is_empty() {
                    let mut ids: Vec<&str> = st.used[g].iter().map(|&i| def.identities[instances[i].identity].id.as_str()).collect();
                    ids.dedup();
                    out.by_identity.push(format!("{}：{}", rows_label(def, &run.rows), ids.join("、")));
                }
            }
            [] => {
                let why = failed[g].take().unwrap_or_else(|| format!("没有一种拆分满足{}", used_names(def, &instances, &st.used[g])));
                let msg = format!("{}{}的数字“{}”无法拆分：{}（提取存疑，未读取这些单元格）", def.name, rows_named(def, &run.rows), run.text, why);
                out.diagnostics.push(diag("import.glued_undecodable", msg, run.span));
                out.doubted.push(doubted(def, "import.glued_undecodable", &run.rows));
                out.doubts += 1;
            }
            many => {
                let shown: Vec<String> = many.iter().take(LISTED).map(|r| r.show(&run.run)).collect();
                let more = if many.len() > LISTED { format!("等 {} 种", many.len()) } else { format!("共 {} 种", many.len()) };
                let tried = if st.used[g].is_empty() { String::new() } else { format!("（已用{}）", used_names(def, &instances, &st.used[g])) };
                let msg = format!(
                    "{}{}的数字“{}”有多种拆分：{}，{more}，无法确定{tried}（提取存疑，未读取这些单元格）",
                    def.name,
                    rows_named(def, &run.rows),
                    run.text,
                    shown.join("；")
                );
                out.diagnostics.push(diag("import.glued_ambiguous", msg, run.span));
                out.doubted.push(doubted(def, "import.glued_ambiguous", &run.rows));
                out.doubts += 1;
            }
        }
    }
    let mut used: Vec<usize> = st.used.iter().flatten().copied().collect();
    used.sort_unstable();
    used.dedup();
    out.consumed = used.iter().map(|&i| consumed(def, &instances[i])).collect();
    out
}

/// Keep the readings of run `g` under which `inst` holds, when that tells them apart.
fn narrow(st: &mut State, g: usize, i: usize, inst: &Instance) {
    let holds: Vec<Option<bool>> = st.readings[g].iter().map(|r| eval(st, inst, &|h| (h == g).then_some(r))).collect();
    if keep_holding(&mut st.readings[g], &holds) {
        st.used[g].push(i);
    }
}

/// Keep the items where an identity holds, when its truth is known for each and differs
/// between them (otherwise it tells nothing and nothing is kept or dropped); whether it did.
fn keep_holding<T>(items: &mut Vec<T>, holds: &[Option<bool>]) -> bool {
    if holds.iter().any(Option::is_none) || holds.iter().all(|h| *h == holds[0]) {
        return false;
    }
    let mut k = 0;
    items.retain(|_| {
        k += 1;
        holds[k - 1] == Some(true)
    });
    true
}

/// The identities that span several runs (or a run and read cells): over every combination
/// of the readings left, each identity whose truth differs between them keeps those where it
/// holds. A run whose reading is then the same in every combination left is decided.
fn table_identities(st: &mut State, instances: &[Instance]) {
    let ambiguous: Vec<usize> = (0..st.glued.len()).filter(|&g| st.readings[g].len() > 1).collect();
    if ambiguous.is_empty() {
        return;
    }
    let total = ambiguous.iter().try_fold(1usize, |n, &g| n.checked_mul(st.readings[g].len()).filter(|&n| n <= MAX_COMBINATIONS));
    let Some(total) = total else { return };
    let mut combos: Vec<Vec<usize>> = (0..total)
        .map(|mut n| {
            ambiguous
                .iter()
                .map(|&g| {
                    let k = n % st.readings[g].len();
                    n /= st.readings[g].len();
                    k
                })
                .collect()
        })
        .collect();
    let mut used: Vec<usize> = Vec::new();
    for (i, inst) in instances.iter().enumerate() {
        let touches = inst.cells().any(|ix| matches!(st.place[ix], Place::Run(g, _) if ambiguous.contains(&g)));
        if !touches || combos.is_empty() {
            continue;
        }
        let holds: Vec<Option<bool>> = combos
            .iter()
            .map(|c| {
                eval(st, inst, &|h| match ambiguous.iter().position(|&g| g == h) {
                    Some(a) => st.readings[h].get(c[a]),
                    None => st.readings[h].first().filter(|_| st.readings[h].len() == 1),
                })
            })
            .collect();
        if keep_holding(&mut combos, &holds) {
            used.push(i);
        }
    }
    if used.is_empty() {
        return;
    }
    for (a, &g) in ambiguous.iter().enumerate() {
        let mine: Vec<usize> = used.iter().copied().filter(|&i| instances[i].cells().any(|ix| matches!(st.place[ix], Place::Run(h, _) if h == g))).collect();
        let picks: Vec<usize> = {
            let mut p: Vec<usize> = combos.iter().map(|c| c[a]).collect();
            p.sort_unstable();
            p.dedup();
            p
        };
        if picks.len() < st.readings[g].len() {
            st.used[g].extend(mine);
            let keep: Vec<Reading> = picks.iter().map(|&k| st.readings[g][k].clone()).collect();
            st.readings[g] = keep;
        }
    }
}

/// Whether `inst` holds with run `h`'s reading given by `reading` (`None`: a cell is not a
/// number, or a run has no reading given).
fn eval<'r>(st: &State, inst: &Instance, reading: &dyn Fn(usize) -> Option<&'r Reading>) -> Option<bool> {
    let value = |ix: usize| match st.place.get(ix)? {
        Place::Run(h, k) => reading(*h).and_then(|r| r.values.get(*k).copied()),
        Place::Fixed => st.fixed.get(ix).copied().flatten(),
    };
    let sum = |cells: &[usize]| cells.iter().try_fold(rust_decimal::Decimal::ZERO, |s, &ix| Some(s + value(ix)?));
    Some(sum(&inst.lhs)? == sum(&inst.rhs)?)
}

/// Write run `g`'s one reading into its rows' cells, with the record of how it was decided.
fn write(st: &State, table: &mut Table, g: usize, reading: &Reading, instances: &[Instance]) {
    let run = &st.glued[g];
    let by = st.used[g].iter().map(|&i| used_identity(st.def, &instances[i], PURPOSE)).collect();
    let record = Arc::new(Decoding { run: run.text.clone(), span: run.span, cells: reading.ends.len(), readings: st.by_form[g], by });
    let mut k = 0;
    for &pos in &run.rows {
        let cols = cols_of(st.def, pos);
        let Some(row) = table.rows.at_mut(pos) else {
            k += cols.len();
            continue;
        };
        for (j, col) in cols.iter().enumerate() {
            let (a, b) = reading.cut(k);
            k += 1;
            let value = reading.values.get(k - 1).copied();
            let cell = Cell {
                raw: run.run.text(a, b).into(),
                state: CellState::Number,
                value,
                unit: col.unit.clone(),
                note: None,
                span: run.run.span(a, b),
                span_exact: true,
                decoded: Some(record.clone()),
                placed: None,
            };
            row.cells.put(j, cell);
        }
    }
}

/// The numbers of a table's cells in the dense numbering (`None`: no number there).
fn dense_values(def: &TableDef, table: &Table) -> Vec<Option<rust_decimal::Decimal>> {
    let mut values = vec![None; def.cell_count()];
    for (p, r, offset) in def.rows_with_offsets() {
        for (j, c) in def.parts[p].cols.iter().enumerate() {
            values[offset + j] = table.cell(&r.key, &c.key).filter(|c| c.state == CellState::Number).and_then(|c| c.value);
        }
    }
    values
}

fn diag(code: &'static str, message: String, span: Span) -> ImportDiagnostic {
    ImportDiagnostic { code, level: Level::Warning, message, span: Some(span) }
}

/// The dense cells of consecutive rows.
fn cells_of(def: &TableDef, rows: &[usize]) -> Vec<usize> {
    rows.iter().flat_map(|&r| def.offset_of(r).map(|o| (o..o + cols_of(def, r).len()).collect::<Vec<_>>()).unwrap_or_default()).collect()
}

fn cols_of(def: &TableDef, pos: usize) -> &[crate::template::ColDef] {
    def.part_of(pos).map_or(&[], |p| &def.parts[p].cols)
}

/// `（一）予以公开`, or `数据行` for a flat table's run of all rows.
fn rows_label(def: &TableDef, rows: &[usize]) -> String {
    if def.flat {
        return "数据行".into();
    }
    let labels: Vec<&str> = rows.iter().filter_map(|&r| def.rows().nth(r).map(|(_, d)| d.label.as_str())).collect();
    labels.join("、")
}

/// `的行“（一）予以公开”`, or `的数据行`.
fn rows_named(def: &TableDef, rows: &[usize]) -> String {
    if def.flat {
        return "的数据行".into();
    }
    format!("的行“{}”", rows_label(def, rows))
}

/// The row or column label an instance is at.
fn at_label(def: &TableDef, inst: &Instance) -> String {
    if let Some((_, r)) = def.row(&inst.at) {
        return r.label.clone();
    }
    def.parts.iter().flat_map(|p| &p.cols).find(|c| c.key == inst.at).map_or_else(|| inst.at.clone(), |c| format!("{}列", c.label))
}

/// What splitting glued digits records as an identity's use.
const PURPOSE: &str = "拆分连写数字";

fn used_identity(def: &TableDef, inst: &Instance, purpose: &'static str) -> UsedIdentity {
    let d = &def.identities[inst.identity];
    UsedIdentity { id: d.id.clone(), name: d.name.clone(), at: at_label(def, inst), purpose }
}

/// `I2（每行的总计等于各类申请人之和）`, each identity once.
fn used_names(def: &TableDef, instances: &[Instance], used: &[usize]) -> String {
    let mut ids: Vec<usize> = used.iter().map(|&i| instances[i].identity).collect();
    ids.dedup();
    if ids.is_empty() {
        return "本表的关系".into();
    }
    ids.iter().map(|&k| format!("{}（{}）", def.identities[k].id, def.identities[k].name)).collect::<Vec<_>>().join("、")
}

fn consumed(def: &TableDef, inst: &Instance) -> Consumed {
    Consumed { table: def.key.clone(), identity: used_identity(def, inst, PURPOSE), cells: inst.cells().filter_map(|ix| keys_at(def, ix)).collect() }
}

fn doubted(def: &TableDef, code: &'static str, rows: &[usize]) -> Doubted {
    Doubted { table: def.key.clone(), code, cells: cells_of(def, rows).into_iter().filter_map(|ix| keys_at(def, ix)).collect() }
}

/// The (row key, column key) of a dense cell.
fn keys_at(def: &TableDef, ix: usize) -> Option<(String, String)> {
    let (p, r, o) = def.rows_with_offsets().filter(|(_, _, o)| *o <= ix).last()?;
    Some((r.key.clone(), def.parts[p].cols.get(ix - o)?.key.clone()))
}
