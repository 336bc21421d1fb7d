//! `gouji parse` output: the report as JSON (stable, documented in the README) or as the
//! three tables printed as tables.

use crate::report::model::{Cell, CellState, Report, Table};
use crate::template::{self, TableDef};
use serde_json::{json, Map, Value};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// The JSON document of a parsed report.
pub fn json(report: &Report) -> Value {
    let mut tables = Map::new();
    let mut templates = Map::new();
    let mut labels = Map::new();
    for (key, table) in &report.tables {
        templates.insert(key.clone(), json!(table.template));
        tables.insert(key.clone(), table_json(table));
        let rows: Map<String, Value> = table.rows.iter().map(|(k, r)| (k.to_string(), json!({"printed": r.label, "span": r.label_span}))).collect();
        labels.insert(key.clone(), Value::Object(rows));
    }
    let mut doc = json!({
        "path": report.path,
        "form": report.form,
        "span_text": report.span_text,
        "issuer": report.issuer,
        "year": report.year,
        "template": report.template,
        "table_templates": templates,
        "published": report.published,
        "title": report.title,
        "sections": report.sections,
        "tables": tables,
        "row_labels": labels,
        "diagnostics": report.diagnostics,
    });
    // Only a decoded or doubted report has these (every other report's JSON stays as it was).
    if !report.consumed.is_empty() {
        doc["consumed"] = json!(report.consumed);
    }
    if !report.doubted.is_empty() {
        doc["doubted"] = json!(report.doubted);
    }
    super::spans::add_file_offsets(&mut doc, report);
    doc
}

fn table_json(table: &Table) -> Value {
    let rows = table.rows.iter().map(|(k, row)| (k.to_string(), serde_json::to_value(&row.cells).unwrap_or(Value::Null))).collect::<Map<_, _>>();
    Value::Object(rows)
}

/// The tables as text tables, rows and columns in template order, with import diagnostics.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.title.as_deref().unwrap_or(&report.path));
    let _ = writeln!(
        out,
        "发布机关：{}　年度：{}　格式：{}　来源形式：{}",
        report.issuer.as_deref().unwrap_or("（未知）"),
        report.year.map_or("（未知）".into(), |y| y.to_string()),
        report.template.as_deref().unwrap_or("（未知）"),
        report.form
    );
    for (key, table) in &report.tables {
        let layout = table.layout.as_deref().or_else(|| template::by_id(&table.template));
        let Some(def) = layout.and_then(|t| t.table(key)) else { continue };
        let _ = writeln!(out, "\n{}（{}，{} 年格式）", def.name, def.title, table.template);
        out.push_str(&table_text(def, table));
        out.push_str(&decodings_text(table));
        out.push_str(&placements_text(table));
    }
    out.push_str(&facts_text(report));
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n导入提示：");
        for d in &report.diagnostics {
            let at = d.span.map(|sp| format!("（第 {} 行）", crate::diagnostics::line_of(&report.source, sp.offset))).unwrap_or_default();
            let _ = writeln!(out, "  [{}] {}{at}", d.code, d.message);
        }
    }
    out
}

/// How each glued run of a table was split: the run, its cells, and what decided them. A
/// run's cells are consecutive in template order and share one record, so one pass groups
/// them.
fn decodings_text(table: &Table) -> String {
    use crate::report::model::Decoding;
    use std::sync::Arc;
    let mut runs: Vec<(&str, &Arc<Decoding>, Vec<&str>)> = Vec::new();
    for row in table.rows.dense().iter().flatten() {
        let label = if row.label_span.is_some() { row.label.as_str() } else { "数据行" };
        for cell in row.cells.dense().iter().flatten() {
            let Some(d) = &cell.decoded else { continue };
            match runs.last_mut() {
                Some((_, last, cells)) if Arc::ptr_eq(last, d) => cells.push(&cell.raw),
                _ => runs.push((label, d, vec![&cell.raw])),
            }
        }
    }
    let mut out = String::new();
    if !runs.is_empty() {
        out.push_str("  拆分依据（原文数字连写）：\n");
    }
    for (label, d, cells) in runs {
        let why = if d.by.is_empty() {
            format!("按 {} 格、无前导零只有这一种拆分", d.cells)
        } else {
            let by: Vec<String> = d.by.iter().map(|u| format!("{}（{}，{}）", u.id, u.name, u.at)).collect();
            format!("按 {} 格、无前导零有 {} 种拆分，由 {} 定为这一种", d.cells, d.readings, by.join("、"))
        };
        let _ = writeln!(out, "    {label}：“{}” → {}：{why}", d.run, cells.join("|"));
    }
    out
}

/// Where each run of label-less rows was placed, and the identities that held there.
fn placements_text(table: &Table) -> String {
    use crate::report::model::Placement;
    use std::sync::Arc;
    let mut runs: Vec<(&Arc<Placement>, Vec<&str>)> = Vec::new();
    for row in table.rows.dense().iter().flatten() {
        let Some(p) = row.cells.values().find_map(|c| c.placed.as_ref()) else { continue };
        match runs.last_mut() {
            Some((last, rows)) if Arc::ptr_eq(last, p) => rows.push(&row.label),
            _ => runs.push((p, vec![&row.label])),
        }
    }
    let mut out = String::new();
    if !runs.is_empty() {
        out.push_str("  定位依据（原文行无标签）：\n");
    }
    for (p, rows) in runs {
        let by = crate::report::model::UsedIdentity::grouped(&p.by);
        let place = match (&p.after, &p.before) {
            (Some(a), Some(b)) => format!("在“{a}”与“{b}”之间"),
            (Some(a), None) => format!("在“{a}”之后"),
            (None, Some(b)) => format!("在“{b}”之前"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "    “{}”：{place}，按行序只能是这几行，放入后 {by} 成立", rows.join("”“"));
    }
    out
}

/// Characters of context shown before a fact, at most.
const FACT_CONTEXT: usize = 24;

/// The numbers of each section's prose, each with the words before it in its clause (what
/// a rule author matches a phrase against).
fn facts_text(report: &Report) -> String {
    let mut out = String::new();
    for section in report.sections.iter().filter(|s| !s.facts.is_empty()) {
        let _ = writeln!(out, "\n正文数字（{}，{} 个）：", section.title, section.facts.len());
        for f in &section.facts {
            let shown = report.text(f.span).replace(['\n', '\r'], "");
            let chars: Vec<char> = f.before.chars().collect();
            let cut: String = chars[chars.len().saturating_sub(FACT_CONTEXT)..].iter().collect();
            let more = if chars.len() > FACT_CONTEXT { "…" } else { "" };
            let about = if f.approximate { "（约数）" } else { "" };
            let _ = writeln!(out, "  {shown}{about}　← {more}{cut}");
        }
    }
    out
}

/// Blank shows as `·`, a cell missing from the source as `?`.
fn cell_text(cell: Option<&Cell>) -> &str {
    match cell {
        None => "?",
        Some(c) if c.state == CellState::Blank => "·",
        Some(c) => &c.raw,
    }
}

fn table_text(def: &TableDef, table: &Table) -> String {
    let mut out = String::new();
    for part in &def.parts {
        let mut grid: Vec<Vec<String>> = Vec::new();
        let head = std::iter::once(part.caption.clone().unwrap_or_default()).chain(part.cols.iter().map(|c| c.label.clone()));
        grid.push(head.collect());
        let mut open: Vec<&str> = Vec::new();
        for row in &part.rows {
            // Group labels (三、本年度办理结果 › （三）不予公开) as lines of their own, leaves indented.
            let chain = group_chain(def, row.group.as_deref());
            let same = open.iter().zip(&chain).take_while(|(a, b)| a == b).count();
            for (depth, g) in chain.iter().enumerate().skip(same) {
                let label = def.group(g).map_or(*g, |d| d.label.as_str());
                grid.push(vec![format!("{}{label}", "  ".repeat(depth))]);
            }
            open = chain.clone();
            let found = table.rows.get(&row.key);
            let mut line = vec![format!("{}{}", "  ".repeat(chain.len()), row.label)];
            line.extend(part.cols.iter().map(|c| cell_text(found.and_then(|r| r.cells.get(&c.key))).to_string()));
            grid.push(line);
        }
        out.push_str(&layout(&grid));
    }
    out
}

/// A row's groups, outermost first.
pub(crate) fn group_chain<'d>(def: &'d TableDef, group: Option<&'d str>) -> Vec<&'d str> {
    let mut chain = Vec::new();
    let mut g = group;
    while let Some(k) = g {
        if chain.contains(&k) {
            break;
        }
        chain.push(k);
        g = def.group(k).and_then(|d| d.parent.as_deref());
    }
    chain.reverse();
    chain
}

/// Columns padded to their widest cell (CJK counts double); numbers right-aligned.
fn layout(grid: &[Vec<String>]) -> String {
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols).map(|i| grid.iter().filter_map(|r| r.get(i)).map(|s| s.width()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in grid {
        out.push_str("  ");
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
            if i == 0 {
                let _ = write!(out, "{cell}{pad}");
            } else {
                let _ = write!(out, "  {pad}{cell}");
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}
