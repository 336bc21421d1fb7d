//! A table in running text (a scraped page: the report on one line, every row's cells
//! glued into one digit run, tables running into headings): the template's row labels are
//! found in order, and the digits after each, up to the next label, are its run. The run of
//! a flat table (表四) is the one after its last header label. Then [`super::solve`].

use super::split::Run;
use super::{solve, Glued, Outcome};
use crate::report::import::floor_char_boundary;
use crate::report::model::{ImportDiagnostic, Level, Row, Span, Table};
use crate::template::{labels, TableDef};

/// A table found in running text: the table, what decoding said, and how well the
/// template explains the text (rows decoded count for, doubts and rows not found against).
pub struct Found {
    pub table: Table,
    pub outcome: Outcome,
    /// Labels of the template in the text: its rows found and its column headers present.
    pub evidence: usize,
    pub score: i64,
}

/// Bytes of a section read for glued rows at most (a real section is a few kilobytes).
const MAX_BODY: usize = 64 * 1024;

/// The table `def` of template `tpl` in `body` (a span of `source`); `None` when no row
/// label with digits after it is there.
pub fn table(source: &str, body: Span, def: &TableDef, tpl: &str) -> Option<Found> {
    let text = source.get(body.offset..body.end())?;
    let text = &text[..floor_char_boundary(text, MAX_BODY)];
    let (norm, map) = labels::normalize_mapped(text, body.offset);
    let mut table = Table::new(tpl, def);
    let mut glued = Vec::new();
    let mut missing = Vec::new();
    if def.flat {
        let last = def.parts.first()?.cols.last()?;
        let at = last.norms.iter().filter_map(|n| norm.rfind(n.as_str()).map(|i| i + n.len())).max()?;
        let (run, printed, span) = run_at(source, &norm, &map, at, norm.len())?;
        if run.digits() < def.cell_count() {
            return None;
        }
        for (pos, (p, r)) in def.rows().enumerate() {
            let cols = def.col_keys_of(p)?.clone();
            table.rows.put(pos, Row::new(r.label.clone(), None, cols));
        }
        glued.push(Glued { rows: (0..def.rows().count()).collect(), run, text: printed, span });
    } else {
        let found = labels_in(&norm, def);
        for (k, &(pos, start, end)) in found.iter().enumerate() {
            let stop = found.get(k + 1).map_or(norm.len(), |f| f.1);
            let Some((run, printed, span)) = run_at(source, &norm, &map, end, stop) else { continue };
            let (Some(first), Some(last)) = (map.get(start), map.get(end - 1)) else { continue };
            let label_span = first.join(*last);
            let label = source.get(label_span.offset..label_span.end()).unwrap_or("").to_string();
            let key = def.rows().nth(pos)?.1.key.clone();
            table.add_row(def, &key, label, Some(label_span));
            glued.push(Glued { rows: vec![pos], run, text: printed, span });
        }
        if glued.is_empty() {
            return None;
        }
        missing = def.rows().enumerate().filter(|(i, _)| table.rows.at(*i).is_none()).map(|(_, (_, r))| r.label.clone()).collect();
    }
    let cols = def.parts.iter().flat_map(|p| &p.cols).filter(|c| c.norms.iter().any(|n| !n.is_empty() && norm.contains(n.as_str()))).count();
    let evidence = cols + if def.flat { 0 } else { glued.len() };
    let mut outcome = solve(def, &mut table, &glued);
    let score = 2 * outcome.decoded as i64 - outcome.doubts as i64 - missing.len() as i64;
    outcome.diagnostics.insert(0, summary(def, tpl, &outcome, glued.len(), body));
    if !missing.is_empty() {
        let msg = format!("{}缺少 {} 行（{} 年格式）：{}", def.name, missing.len(), tpl, missing.join("；"));
        outcome.diagnostics.push(ImportDiagnostic { code: "import.missing_row", level: Level::Warning, message: msg, span: Some(Span::new(body.end(), 0)) });
    }
    Some(Found { table, outcome, evidence, score })
}

/// `表三的数字连写（单元格之间没有分隔）：25 行已拆分，其中 3 行由表内关系确定；2 行存疑`.
fn summary(def: &TableDef, tpl: &str, o: &Outcome, runs: usize, body: Span) -> ImportDiagnostic {
    let what = if def.flat { "数据行".to_string() } else { format!("{runs} 行") };
    let mut msg = format!("{}（{} 年格式）的数字连写，单元格之间没有分隔：{what}按每格位数、无前导零拆分", def.name, tpl);
    if !o.by_identity.is_empty() {
        msg += &format!("，其中 {} 处还用了表内关系才确定（{}）", o.by_identity.len(), o.by_identity.join("；"));
    }
    if o.doubts > 0 {
        msg += &format!("；{} 处无法确定，见下", o.doubts);
    }
    msg += "。每个拆出的单元格都记录了拆分依据";
    ImportDiagnostic { code: "import.decoded", level: Level::Info, message: msg, span: Some(Span::new(body.offset, 0)) }
}

/// The rows of `def` whose labels are in `norm`, in template order: (position, start, end)
/// of each label in `norm`. Each is searched after the one before (the earliest occurrence,
/// the longest label on a tie); a label not found leaves the row out.
fn labels_in(norm: &str, def: &TableDef) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for (pos, (_, row)) in def.rows().enumerate() {
        let rest = &norm[cursor..];
        let hit = row
            .norms
            .iter()
            .filter(|n| !n.is_empty())
            .filter_map(|n| rest.find(n.as_str()).map(|at| (at, n.len())))
            .min_by_key(|&(at, len)| (at, std::cmp::Reverse(len)));
        if let Some((at, len)) = hit {
            out.push((pos, cursor + at, cursor + at + len));
            cursor += at + len;
        }
    }
    out
}

/// The number characters of `norm` from `from` (before `stop`) as a run, with the run as
/// printed and its span; `None` when no digit is there.
fn run_at(source: &str, norm: &str, map: &[Span], from: usize, stop: usize) -> Option<(Run, String, Span)> {
    let bytes = norm.as_bytes().get(from..stop)?;
    let len = bytes.iter().take_while(|b| matches!(b, b'0'..=b'9' | b'.' | b'-')).count();
    // A point or sign after the digits is the next row's ordinal mark or text, not the run's.
    let len = bytes[..len].iter().rposition(u8::is_ascii_digit).map_or(0, |i| i + 1);
    if len == 0 {
        return None;
    }
    let run = Run { chars: bytes[..len].to_vec(), spans: map.get(from..from + len)?.to_vec() };
    let span = run.span(0, len);
    let printed = source.get(span.offset..span.end())?.to_string();
    Some((run, printed, span))
}
