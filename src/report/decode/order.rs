//! Number rows a converter printed without any label (DOMAIN.md §5.5), placed by the
//! template's row order — only where that order leaves one reading, and only when the
//! table's identities then hold over the placed cells. Those identities decided the
//! placement, so they are recorded as consumed. Anything else is a doubt: the rows stay
//! unread and the positions they might fill are listed.

use super::{at_label, dense_values, diag, keys_at, used_names, Outcome};
use crate::report::assemble::trimmed;
use crate::report::import::{Frag, RawRow};
use crate::report::model::{Cell, CellState, Consumed, Doubted, ImportDiagnostic, Level, Placement, Row, Span, Table, UsedIdentity};
use crate::template::{ColDef, Instance, TableDef};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a placed cell's identity use is recorded as.
pub const PURPOSE: &str = "确定无标签行的位置";

/// A row with values and no label, with the template positions of the labelled rows read
/// before and after it in the source.
pub struct Orphan<'r> {
    pub row: &'r RawRow,
    pub after: Option<usize>,
    pub before: Option<usize>,
}

/// A run of orphans between the same two labelled rows, and where it may go.
struct Gap<'o, 'r> {
    orphans: Vec<&'o Orphan<'r>>,
    after: Option<usize>,
    before: Option<usize>,
    /// Positions between the two labelled rows that no row filled.
    free: Vec<usize>,
}

/// Place `orphans` into `table` where the order leaves one reading and the identities hold;
/// `cell` makes a cell of a value under its column.
pub fn place(def: &TableDef, table: &mut Table, orphans: &[Orphan], cell: impl Fn(&ColDef, &Frag) -> Cell) -> Outcome {
    let mut out = Outcome::default();
    if orphans.is_empty() {
        return out;
    }
    let gaps = gaps(def, table, orphans);
    let instances = def.instances();
    // Gaps whose count and cell counts leave one reading, with their rows made.
    let mut tentative: Vec<(usize, Vec<(usize, Row)>)> = Vec::new();
    for (g, gap) in gaps.iter().enumerate() {
        match unique(def, gap) {
            Ok(()) => tentative.push((g, gap.orphans.iter().zip(&gap.free).filter_map(|(o, &pos)| Some((pos, row_of(def, pos, o, &cell)?))).collect())),
            Err(why) => doubt(def, gap, &why, &mut out),
        }
    }
    // A gap is kept only when every identity over its cells holds with the cells read and
    // the gaps kept; dropping one may fail another that leaned on it, so until none drops.
    let touching = |rows: &[(usize, Row)]| -> Vec<usize> {
        let cells: Vec<usize> = rows.iter().flat_map(|(p, _)| cells_at(def, *p)).collect();
        (0..instances.len()).filter(|&i| instances[i].cells().any(|ix| cells.contains(&ix))).collect()
    };
    loop {
        let mut values = dense_values(def, table);
        for (pos, row) in tentative.iter().flat_map(|(_, rows)| rows) {
            for (ix, c) in cells_at(def, *pos).zip(row.cells.dense()) {
                values[ix] = c.as_ref().filter(|c| c.state == CellState::Number).and_then(|c| c.value);
            }
        }
        let Some(k) = tentative.iter().position(|(_, rows)| {
            let t = touching(rows);
            t.is_empty() || t.iter().any(|&i| holds(&instances[i], &values) != Some(true))
        }) else {
            break;
        };
        let (g, rows) = tentative.remove(k);
        let t = touching(&rows);
        let why = if t.is_empty() {
            "本表没有可以核对这一位置的关系".to_string()
        } else {
            let said = |want: Option<bool>, what: &str| {
                let these: Vec<usize> = t.iter().copied().filter(|&i| holds(&instances[i], &values) == want).collect();
                let at: Vec<String> = these.iter().take(3).map(|&i| at_label(def, &instances[i])).collect();
                (!these.is_empty()).then(|| format!("{}{what}（{}）", used_names(def, &instances, &these), at.join("、")))
            };
            let parts: Vec<String> = [said(Some(false), "不成立"), said(None, "无法核对")].into_iter().flatten().collect();
            format!("放入后{}，无法确定是报告本身有误还是位置不对", parts.join("；"))
        };
        doubt(def, &gaps[g], &why, &mut out);
    }
    for (g, rows) in tentative {
        let gap = &gaps[g];
        let t = touching(&rows);
        let record = Arc::new(Placement {
            span: span_of(gap),
            after: label_at(def, gap.after),
            before: label_at(def, gap.before),
            by: t.iter().map(|&i| used(def, &instances[i])).collect(),
        });
        let labels: Vec<String> = rows.iter().filter_map(|(p, _)| label_at(def, Some(*p))).map(|l| format!("“{l}”")).collect();
        let n = rows.len();
        for (pos, mut row) in rows {
            for c in row.cells.values_mut() {
                c.placed = Some(record.clone());
            }
            table.rows.put(pos, row);
        }
        for &i in &t {
            let c = Consumed {
                table: def.key.clone(),
                identity: used(def, &instances[i]),
                cells: instances[i].cells().filter_map(|ix| keys_at(def, ix)).collect(),
            };
            out.consumed.push(c);
        }
        let mut ids: Vec<&str> = t.iter().map(|&i| def.identities[instances[i].identity].id.as_str()).collect();
        ids.dedup();
        let msg = format!(
            "{}有 {n} 行没有标签（{}），按格式的行序只能是{}，放入后{}成立：这些关系在这些单元格上不再是独立证据",
            def.name,
            between(def, gap),
            labels.join(""),
            ids.join("、")
        );
        out.diagnostics.push(ImportDiagnostic { code: "import.placed_by_order", level: Level::Info, message: msg, span: Some(span_of(gap)) });
        out.decoded += n;
    }
    out
}

/// Orphans grouped by the labelled rows around them, with the free positions between.
fn gaps<'o, 'r>(def: &TableDef, table: &Table, orphans: &'o [Orphan<'r>]) -> Vec<Gap<'o, 'r>> {
    let n = def.rows().count();
    let mut gaps: Vec<Gap> = Vec::new();
    for o in orphans {
        match gaps.last_mut() {
            Some(g) if g.after == o.after && g.before == o.before => g.orphans.push(o),
            _ => {
                let lo = o.after.map_or(0, |a| a + 1);
                let hi = o.before.unwrap_or(n);
                let free = (lo..hi.max(lo)).filter(|&p| table.rows.at(p).is_none()).collect();
                gaps.push(Gap { orphans: vec![o], after: o.after, before: o.before, free });
            }
        }
    }
    gaps
}

/// Whether a gap's rows have one reading by order and cell count; why not, when not.
fn unique(def: &TableDef, gap: &Gap) -> Result<(), String> {
    if let (Some(a), Some(b)) = (gap.after, gap.before) {
        if a >= b {
            return Err("前后两行的顺序与格式不同".into());
        }
    }
    if gap.free.len() != gap.orphans.len() {
        let rows: Vec<String> = gap.free.iter().filter_map(|&p| label_at(def, Some(p))).map(|l| format!("“{l}”")).collect();
        if rows.is_empty() {
            return Err("该处没有缺少的行，无处可放".into());
        }
        return Err(format!("该处缺 {} 行（{}），行数不符，无法确定各属哪一行", rows.len(), rows.join("")));
    }
    for (o, &pos) in gap.orphans.iter().zip(&gap.free) {
        let want = def.part_of(pos).map_or(0, |p| def.parts[p].cols.len());
        let n = trimmed(o.row.values(), want).len();
        if n != want {
            return Err(format!("有一行 {n} 个单元格，“{}”应有 {want} 个", label_at(def, Some(pos)).unwrap_or_default()));
        }
    }
    Ok(())
}

/// The row an orphan makes at template position `pos`.
fn row_of(def: &TableDef, pos: usize, o: &Orphan, cell: &impl Fn(&ColDef, &Frag) -> Cell) -> Option<Row> {
    let p = def.part_of(pos)?;
    let mut row = Row::new(label_at(def, Some(pos)).unwrap_or_default(), None, def.col_keys_of(p)?.clone());
    for (j, (col, frag)) in def.parts[p].cols.iter().zip(o.row.values()).enumerate() {
        row.cells.put(j, cell(col, frag));
    }
    Some(row)
}

/// A doubt for a gap: its rows unread, the positions they might fill doubted.
fn doubt(def: &TableDef, gap: &Gap, why: &str, out: &mut Outcome) {
    let msg = format!("{}有 {} 行没有标签（{}）：{}，未读取这些行（提取存疑）", def.name, gap.orphans.len(), between(def, gap), why);
    out.diagnostics.push(diag("import.unlabelled_row", msg, span_of(gap)));
    let cells: Vec<(String, String)> = gap.free.iter().flat_map(|&p| cells_at(def, p)).filter_map(|ix| keys_at(def, ix)).collect();
    if !cells.is_empty() {
        out.doubted.push(Doubted { table: def.key.clone(), code: "import.unlabelled_row", cells });
    }
    out.doubts += 1;
}

/// `在“3.危及…”之后、“6.属于…”之前`.
fn between(def: &TableDef, gap: &Gap) -> String {
    match (label_at(def, gap.after), label_at(def, gap.before)) {
        (Some(a), Some(b)) => format!("在“{a}”之后、“{b}”之前"),
        (Some(a), None) => format!("在“{a}”之后"),
        (None, Some(b)) => format!("在“{b}”之前"),
        (None, None) => "表中没有可识别的行".into(),
    }
}

fn label_at(def: &TableDef, pos: Option<usize>) -> Option<String> {
    pos.and_then(|p| def.rows().nth(p)).map(|(_, r)| r.label.clone())
}

fn span_of(gap: &Gap) -> Span {
    gap.orphans.iter().flat_map(|o| o.row.labels().iter().chain(o.row.values()).map(|f| f.span)).reduce(Span::join).unwrap_or_default()
}

/// The dense cells of the row at `pos`.
fn cells_at(def: &TableDef, pos: usize) -> std::ops::Range<usize> {
    let n = def.part_of(pos).map_or(0, |p| def.parts[p].cols.len());
    def.offset_of(pos).map_or(0..0, |o| o..o + n)
}

fn holds(inst: &Instance, values: &[Option<Decimal>]) -> Option<bool> {
    let sum = |cells: &[usize]| cells.iter().try_fold(Decimal::ZERO, |s, &ix| Some(s + (*values.get(ix)?)?));
    Some(sum(&inst.lhs)? == sum(&inst.rhs)?)
}

fn used(def: &TableDef, inst: &Instance) -> UsedIdentity {
    super::used_identity(def, inst, PURPOSE)
}
