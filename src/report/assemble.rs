//! Raw document → canonical report. Finds the sections, gives each table row to the
//! table of its section, and matches rows and columns to every template of the set; the
//! template that explains the rows best wins, per table (real reports mix templates).
//! Layout facts (which section holds a table, the template precedence, where rows of a
//! report without headings go) come from the templates.
//! Nothing is invented: an unmatched row, a wrong cell count or a missing row is an
//! import diagnostic pointed at the source.

use super::decode;
use super::import::{Block, Frag, ImportError, RawDocument, RawRow};
use super::matches::{self, Leaf, RowMatch};
use super::meta;
use super::model::{CellState, Doubted, ImportDiagnostic, Level, Report, Row, Section, Span, Table};
use super::value::{cell_from, cell_from_compact};
use crate::template::{self, RowDef, TableDef, Target, Template, TemplateSet};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// Lowest label score accepted as a row match (see `template::labels::score`).
const MIN_SCORE: u32 = 50;

/// Table rows read at most. The three tables of a report have about 60 rows (with headers);
/// a file with thousands is not one report, and matching every row would take minutes.
const MAX_TABLE_ROWS: usize = 1000;

/// Assemble a raw document with the templates of `set`.
pub fn assemble(path: &str, form: &str, mut doc: RawDocument, set: &TemplateSet) -> Result<Report, ImportError> {
    let meta = meta::read(&doc);
    let default: &Template = set.for_year(meta.year);
    let mut diagnostics = std::mem::take(&mut doc.diagnostics);
    let Split { sections, rows: rows_by_section, strays, dropped, diagnostics: too_many_facts } = split_sections(&doc, default, form == "pdf");
    diagnostics.extend(too_many_facts);
    diagnostics.extend(missing_sections(default, &sections));
    if dropped > 0 {
        let msg = format!("表格行过多：年度报告的三张表约有 60 行，本文件有 {} 行，只读取前 {MAX_TABLE_ROWS} 行", dropped + MAX_TABLE_ROWS);
        diagnostics.push(diag("import.too_many_rows", Level::Warning, msg, None));
    }
    let mut tables = BTreeMap::new();
    let mut consumed = Vec::new();
    let mut doubted = Vec::new();
    for def in table_defs(set, default) {
        let rows = rows_for(def, default, set, &sections, &rows_by_section);
        if rows.iter().all(|r| r.values().is_empty()) {
            // No table rows: a scraped page may hold the table with its cells glued.
            if let Some(found) = glued_table(&doc.source, &sections, &def.key, default, set) {
                diagnostics.extend(found.outcome.diagnostics);
                consumed.extend(found.outcome.consumed);
                doubted.extend(found.outcome.doubted);
                tables.insert(def.key.clone(), found.table);
                continue;
            }
            // A table only other templates have is not expected in this report.
            if default.table(&def.key).is_some() {
                diagnostics.push(missing_table(def, &sections));
            }
            continue;
        }
        let mut found = best_table(&def.key, &rows, default, set);
        diagnostics.append(&mut found.diags);
        doubted.append(&mut found.doubted);
        consumed.append(&mut found.consumed);
        tables.insert(def.key.clone(), found.table);
    }
    diagnostics.extend(strays.iter().map(|(n, f)| stray(f, *n, &tables)));
    if sections.is_empty() && tables.is_empty() {
        return Err(ImportError::NotAReport { path: path.into() });
    }
    mark_inexact_spans(&mut tables, &doc.source, doc.file_map.as_deref());
    let template = default.template_from.iter().find_map(|k| tables.get(k).map(|t: &Table| t.template.clone()));
    if let (Some(t2), Some(t3)) = (tables.get("t2"), tables.get("t3")) {
        if t2.template != t3.template {
            let msg = format!("混合格式：表二按 {} 年格式，表三按 {} 年格式，按原样导入", t2.template, t3.template);
            diagnostics.push(diag("import.mixed_template", Level::Info, msg, None));
        }
    }
    let template = template.or_else(|| meta.year.map(|_| default.id.clone()));
    Ok(Report {
        path: path.into(),
        form: form.into(),
        issuer: meta.issuer,
        year: meta.year,
        template,
        published: meta.published,
        title: meta.title,
        sections,
        tables,
        diagnostics,
        consumed,
        doubted,
        source: Arc::from(doc.source),
        span_text: doc.span_text,
        file_map: doc.file_map,
    })
}

/// A table printed in its section's running text with its cells glued ([`decode::text`]),
/// under the template that explains it best (the year's default on a tie).
fn glued_table(source: &str, sections: &[Section], key: &str, default: &Template, set: &TemplateSet) -> Option<decode::text::Found> {
    let mut best: Option<decode::text::Found> = None;
    for tpl in default_first(default, set) {
        let Some(def) = tpl.table(key) else { continue };
        let Some(section) = sections.iter().find(|s| s.number == def.section) else { continue };
        let Some(mut found) = decode::text::table(source, section.span, def, &tpl.id) else { continue };
        found.table.layout = set.get(&tpl.id).cloned();
        if best.as_ref().is_none_or(|b| (found.evidence, found.score) > (b.evidence, b.score)) {
            best = Some(found);
        }
    }
    best
}

/// Blank cells named at most beside a stray number.
const LISTED_BLANKS: usize = 5;

/// A number in no cell, where it is: never moved into a cell (which one it left, if any,
/// cannot be told), but the blank cells among numbers of its section's tables are named.
fn stray(f: &Frag, section: u8, tables: &BTreeMap<String, Table>) -> ImportDiagnostic {
    let mut blanks = Vec::new();
    for (key, table) in tables {
        let Some(def) = table.layout.as_deref().and_then(|t| t.table(key)) else { continue };
        if def.section != section {
            continue;
        }
        for (_, row) in def.rows() {
            let Some(found) = table.rows.get(&row.key) else { continue };
            let numbers = found.cells.values().any(|c| c.state == CellState::Number);
            for col in def.cols_of(&row.key) {
                if numbers && found.cells.get(&col.key).is_some_and(|c| c.state == CellState::Blank) {
                    blanks.push(format!("{}“{}”·{}", def.name, row.label, col.label));
                }
            }
        }
    }
    let near = match blanks.len() {
        0 => String::new(),
        n if n > LISTED_BLANKS => format!("；有数字的行中的空白单元格有 {n} 个，如 {}", blanks[..LISTED_BLANKS].join("、")),
        _ => format!("；有数字的行中的空白单元格：{}", blanks.join("、")),
    };
    let msg = format!("表格中的数字“{}”不在任何单元格里（可能是页码，也可能是从某个单元格中漏出的数值），未读入任何单元格{near}（提取存疑）", f.text);
    diag("import.stray_number", Level::Warning, msg, Some(f.span))
}

/// Mark each cell whose span does not hold its raw text letter for letter (see
/// [`crate::report::Cell::span_exact`]); for a rendering of markup, each cell whose place
/// in the file does not (a number split over markup or written with entities).
fn mark_inexact_spans(tables: &mut BTreeMap<String, Table>, source: &str, map: Option<&crate::report::model::FileMap>) {
    for cell in tables.values_mut().flat_map(|t| t.rows.values_mut()).flat_map(|r| r.cells.values_mut()) {
        cell.span_exact = source.get(cell.span.offset..cell.span.end()) == Some(cell.raw.as_str()) && map.is_none_or(|m| m.exact(cell.span));
    }
}

/// Every table key of the set once: the default template's tables in its order, then those
/// only other templates have (an extension of another template), each with its definition.
fn table_defs<'s>(set: &'s TemplateSet, default: &'s Template) -> Vec<&'s TableDef> {
    let mut defs: Vec<&TableDef> = default.tables.iter().collect();
    for def in set.iter().flat_map(|t| &t.tables) {
        if !defs.iter().any(|d| d.key == def.key) {
            defs.push(def);
        }
    }
    defs
}

/// A table with no rows: pointed at its section when the section is there.
fn missing_table(def: &TableDef, sections: &[Section]) -> ImportDiagnostic {
    let name = format!("未找到{}（{}）", def.name, def.title);
    match sections.iter().find(|s| s.number == def.section) {
        Some(s) => {
            let msg = format!("{name}：“{}”部分中没有可识别的表格行（文本未按单元格分隔，例如数字连写，暂不能拆分成表格）", s.title);
            diag("import.missing_table", Level::Warning, msg, Some(s.span))
        }
        None if sections.is_empty() => diag("import.missing_table", Level::Info, name, None),
        None => diag("import.missing_table", Level::Warning, format!("{name}：报告中没有该表所在的部分"), None),
    }
}

/// Sections 1–6 not found, when some were: pointed at the end of the last section found.
fn missing_sections(tpl: &Template, sections: &[Section]) -> Vec<ImportDiagnostic> {
    let Some(last) = sections.last() else {
        return Vec::new();
    };
    let at = Span::new(last.span.end(), 0);
    tpl.sections
        .iter()
        .filter(|d| !sections.iter().any(|s| s.number == d.number))
        .map(|d| {
            let ord = CN_ORDINALS.get(usize::from(d.number).wrapping_sub(1)).copied().unwrap_or("");
            let msg = format!("未找到第{ord}部分“{ord}、{}”", d.title);
            diag("import.missing_section", Level::Warning, msg, Some(at))
        })
        .collect()
}

fn diag(code: &'static str, level: Level, message: String, span: Option<Span>) -> ImportDiagnostic {
    ImportDiagnostic { code, level, message, span }
}

/// Section headings found, and the rows under each section number (0 = before any).
/// Headings are whole lines; a document with fewer than two such headings (a scraped page
/// with the whole report on one line) is searched for headings inside its lines.
/// Table rows beyond the first `MAX_TABLE_ROWS` are not read (see `MAX_TABLE_ROWS`).
fn split_sections<'d>(doc: &'d RawDocument, tpl: &Template, wrapped: bool) -> Split<'d> {
    let mut heads = headings(doc, tpl, false);
    if heads.len() < 2 {
        let inline = headings(doc, tpl, true);
        if inline.len() > heads.len() {
            heads = inline;
        }
    }
    let mut rows: BTreeMap<u8, Vec<&RawRow>> = BTreeMap::new();
    let mut current = 0;
    let mut kept = 0;
    let mut strays = Vec::new();
    let mut next_head = heads.iter().peekable();
    for (i, block) in doc.blocks.iter().enumerate() {
        while let Some((_, n, _)) = next_head.next_if(|(b, ..)| *b == i) {
            current = *n;
        }
        match block {
            Block::Row(r) => {
                if kept < MAX_TABLE_ROWS {
                    rows.entry(current).or_default().push(r);
                }
                kept += 1;
            }
            Block::Stray(f) if strays.len() < MAX_TABLE_ROWS => strays.push((current, f)),
            _ => {}
        }
    }
    let end = doc.source.trim_end().len();
    let dropped = kept.saturating_sub(MAX_TABLE_ROWS);
    let mut diagnostics = Vec::new();
    let sections = heads
        .iter()
        .enumerate()
        .map(|(i, (_, n, f))| {
            let stop = heads.get(i + 1).map_or(end, |(_, _, next)| next.span.offset);
            // Checked: an importer's spans may disagree (an unlocated heading placed past
            // the end), and a bad span is an empty body, never a panic.
            let body = doc.source.get(f.span.offset..stop).unwrap_or("").trim_end();
            let next = heads.get(i + 1).map(|(b, _, f)| (*b, f));
            let (text, facts) = section_text(doc, heads[i].0, next, f, wrapped);
            if facts.len() >= crate::limits::REPORT_SECTION_FACTS {
                let ord = CN_ORDINALS.get(usize::from(*n).wrapping_sub(1)).copied().unwrap_or("");
                let msg = format!("第{ord}部分的正文数字过多，只读取前 {} 个", crate::limits::REPORT_SECTION_FACTS);
                diagnostics.push(diag("import.too_many_facts", Level::Warning, msg, Some(f.span)));
            }
            Section { number: *n, title: f.text.to_string(), text, span: Span::new(f.span.offset, body.len()), facts }
        })
        .collect();
    Split { sections, rows, strays, dropped, diagnostics }
}

/// A document cut at its section headings.
struct Split<'d> {
    sections: Vec<Section>,
    /// Table rows under each section number (0 = before any heading).
    rows: BTreeMap<u8, Vec<&'d RawRow>>,
    /// Lone numbers in no cell, with their section number.
    strays: Vec<(u8, &'d Frag)>,
    /// Table rows past [`MAX_TABLE_ROWS`], not read.
    dropped: usize,
    /// Sections with more facts than are kept.
    diagnostics: Vec<ImportDiagnostic>,
}

/// Section headings in document order as (block index, section number, heading). A section
/// number seen again (a table label like 三、本年度办理结果 never matches a title) or going
/// backwards is prose, not a heading.
fn headings(doc: &RawDocument, tpl: &Template, inline: bool) -> Vec<(usize, u8, Frag)> {
    let mut heads = Vec::new();
    let mut current = 0;
    // `{一..六}.{title}` in normal form, per section, from the template's normal forms.
    let needles: Vec<(u8, String)> = if inline {
        let ordinal = |n: u8| CN_ORDINALS.get(usize::from(n).wrapping_sub(1)).copied();
        tpl.sections
            .iter()
            .filter_map(|s| Some((s, ordinal(s.number)?)))
            .flat_map(|(s, ord)| s.norms.iter().map(move |t| (s.number, format!("{ord}.{t}"))))
            .collect()
    } else {
        Vec::new()
    };
    for (i, block) in doc.blocks.iter().enumerate() {
        let Block::Text(f) = block else { continue };
        if inline {
            for (n, head) in inline_headings(doc, f, &needles, current) {
                current = n;
                heads.push((i, n, head));
            }
        } else if f.text.len() > MAX_HEADING_LEN {
            continue;
        } else if let Some(n) = tpl.match_section(&f.text).filter(|n| *n > current) {
            current = n;
            heads.push((i, n, f.clone()));
        }
    }
    heads
}

/// Bytes of the longest line read as a whole-line heading (titles are at most ~30 chars).
const MAX_HEADING_LEN: usize = 240;

const CN_ORDINALS: [&str; 10] = template::SECTION_ORDINALS;

/// Headings printed inside a line (`…联系。一、总体情况2021年，…`): the `needles` of sections
/// after `current`, earliest first, compared in normal form (so `⾏` is `行` and `(一)` is
/// `（一）`). Only for text that is its own source slice.
fn inline_headings(doc: &RawDocument, f: &Frag, needles: &[(u8, String)], mut current: u8) -> Vec<(u8, Frag)> {
    let mut found = Vec::new();
    if doc.source.get(f.span.offset..f.span.end()) != Some(f.text.as_str()) {
        return found;
    }
    let (norm, map) = template::labels::normalize_mapped(&f.text, f.span.offset);
    let mut from = 0;
    loop {
        let hit = needles
            .iter()
            .filter(|(n, _)| *n > current)
            .filter_map(|(n, needle)| norm.get(from..)?.find(needle.as_str()).map(|at| (from + at, *n, needle.len())))
            .min_by_key(|(at, _, len)| (*at, std::cmp::Reverse(*len)));
        let Some((at, n, len)) = hit else { break };
        let (Some(first), Some(last)) = (map.get(at), map.get(at + len - 1)) else { break };
        let span = first.join(*last);
        let Some(text) = doc.source.get(span.offset..span.end()) else { break };
        found.push((n, Frag::new(text, span)));
        current = n;
        from = at + len;
    }
    found
}

/// The prose of a section and its facts: its paragraphs (not its table rows, not markup), one a line,
/// from the end of its heading to the start of the next (headings may sit inside a line).
fn section_text(doc: &RawDocument, head: usize, next: Option<(usize, &Frag)>, heading: &Frag, wrapped: bool) -> (String, Vec<super::facts::Fact>) {
    let from = heading.span.end();
    let until = next.map_or(usize::MAX, |(_, f)| f.span.offset);
    let last = next.map_or(doc.blocks.len().saturating_sub(1), |(b, _)| b);
    let mut pieces: Vec<super::facts::Piece> = Vec::new();
    for block in doc.blocks.iter().take(last + 1).skip(head) {
        let Block::Text(t) = block else { continue };
        let (a, b) = (t.span.offset, t.span.end());
        let (lo, hi) = (a.max(from), b.min(until));
        if lo >= hi {
            continue;
        }
        // A fragment whose text is its source slice can be cut; others are taken whole.
        let literal = doc.source.get(a..b) == Some(t.text.as_str());
        let piece = if literal { doc.source.get(lo..hi).unwrap_or("") } else { t.text.as_str() };
        let lead = piece.len() - piece.trim_start().len();
        let piece = piece.trim();
        if !piece.is_empty() {
            pieces.push(super::facts::Piece { text: piece, at: literal.then_some(lo + lead), whole: t.span });
        }
    }
    let text = pieces.iter().map(|p| p.text).collect::<Vec<_>>().join("\n");
    // A page number left in the prose (`-3-`) is not a fact.
    pieces.retain(|p| !super::import::is_page_footer(p.text));
    (text, super::facts::of_pieces(&pieces, wrapped))
}

/// The rows of a table: those under its section; when no section that holds a table (in
/// the default template) was found, the rows of every section that [`guess_table`] gives it.
fn rows_for<'d>(def: &TableDef, default: &Template, set: &TemplateSet, sections: &[Section], by_section: &BTreeMap<u8, Vec<&'d RawRow>>) -> Vec<&'d RawRow> {
    let holding = default.table_sections();
    if sections.iter().any(|s| holding.contains(&s.number)) {
        let rows = by_section.get(&def.section).cloned().unwrap_or_default();
        // A section may hold two tables (a pack's own beside an official one): a row the
        // other table names exactly is that table's, not an unmatched row of this one.
        let others: Vec<&TableDef> = default.tables.iter().filter(|t| t.key != def.key && t.section == def.section && !t.flat).collect();
        if others.is_empty() || def.flat {
            return rows;
        }
        let names = |t: &TableDef, r: &RawRow| r.labels().iter().any(|l| t.match_row(&l.text, None).is_some_and(|m| m.score >= 90));
        return rows.into_iter().filter(|r| names(def, r) || !others.iter().any(|o| names(o, r))).collect();
    }
    let all = by_section.values().flatten().copied();
    all.filter(|r| guess_table(r, set.for_year(None)) == def.key).collect()
}

/// Which table a row belongs to when the report has no section headings, by the newest
/// template's layout: a row with at least a flat table's cell count of values is that table
/// (the largest that fits: 表四's 15); else the first `label_tables` table with a row of one
/// of its labels (表三); else `fallback_table` (表二).
fn guess_table<'t>(row: &RawRow, tpl: &'t Template) -> &'t str {
    let flat = tpl.tables.iter().filter(|t| t.flat && t.cell_count() > 0 && row.values().len() >= t.cell_count());
    if let Some(t) = flat.max_by_key(|t| t.cell_count()) {
        return &t.key;
    }
    for def in tpl.label_tables.iter().filter_map(|k| tpl.table(k)) {
        if row.labels().iter().any(|l| def.match_row(&l.text, None).is_some_and(|m| m.score >= 90)) {
            return &def.key;
        }
    }
    &tpl.fallback_table
}

/// Assemble a table under every template; keep the one that explains the rows best,
/// the year's default on a tie.
fn best_table(key: &str, rows: &[&RawRow], default: &Template, set: &TemplateSet) -> Assembled {
    let mut best: Option<(i64, bool, Assembled)> = None;
    // Labels in normal form once per row, not once per template and scope, and only for
    // rows the match memo does not already know.
    let norms = Norms::new(rows);
    // The year's template first: when it explains every row (no diagnostic), no other
    // template can do better (ties go to the default anyway), so the others are skipped.
    for tpl in default_first(default, set) {
        let Some(def) = tpl.table(key) else { continue };
        let mut found = if def.flat { flat_table(def, &tpl.id, rows) } else { row_table(def, &tpl.id, rows, &norms) };
        found.table.layout = set.get(&tpl.id).cloned();
        let is_default = tpl.id == default.id;
        if is_default && found.diags.is_empty() {
            return found;
        }
        let better = match &best {
            None => true,
            Some((s, d, _)) => found.score > *s || (found.score == *s && is_default && !d),
        };
        if better {
            best = Some((found.score, is_default, found));
        }
    }
    best.expect("at least one template defines the table").2
}

/// The templates of the set, the year's default first.
fn default_first<'s>(default: &'s Template, set: &'s TemplateSet) -> impl Iterator<Item = &'s Template> {
    std::iter::once(default).chain(set.iter().filter(move |t| t.id != default.id))
}

/// The value frags of a row with surplus trailing blanks dropped (pipe-form remnants).
pub(crate) fn trimmed(values: &[Frag], want: usize) -> &[Frag] {
    let mut n = values.len();
    while n > want && values[n - 1].text.trim().is_empty() {
        n -= 1;
    }
    &values[..n]
}

fn row_span(row: &RawRow) -> Option<Span> {
    let spans = row.labels().iter().chain(row.values()).map(|f| f.span);
    spans.reduce(Span::join)
}

/// A table with a label column: rows matched by label, cells by position.
fn row_table(def: &TableDef, tpl: &str, rows: &[&RawRow], norms: &Norms) -> Assembled {
    let mut table = Table::new(tpl, def);
    let mut diags = Vec::new();
    let mut beside: Vec<(String, String)> = Vec::new();
    let mut orphans: Vec<decode::order::Orphan> = Vec::new();
    let mut last_at: Option<usize> = None;
    let mut beside_rows: Vec<(&str, Option<Span>)> = Vec::new();
    let mut score = 0i64;
    let mut part: Option<usize> = None;
    let mut repeats = Vec::new();
    // Cells of rows whose columns could not be told (`import.cell_count`): unread, doubted.
    let mut uncounted: Vec<(String, String)> = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let has_value = row.values().iter().any(|v| !v.text.trim().is_empty());
        // A row without values is a header or a group label, or a blank data row matched
        // exactly; only rows with values are worth a loose (truncated, typo) match.
        let found = matches::row_match(def, row.labels(), part, has_value, || match_row(def, norms.of(k), row.labels().len(), part, has_value));
        if let Some(p) = found.caption {
            part = Some(p);
        }
        let Some(Leaf { part: p, position: at, label: named_by, score: m }) = found.leaf else {
            if has_value && row.labels().is_empty() {
                // No label at all: placed by the row order, if that leaves one reading.
                orphans.push(decode::order::Orphan { row, after: last_at, before: None });
            } else if has_value {
                let text = label_text(row);
                let msg = format!("{}中无法识别的行“{}”（{} 年格式）", def.name, text, tpl);
                diags.push(diag("import.unmatched_row", Level::Warning, msg, row_span(row)));
                score -= 1;
            }
            continue;
        };
        let Some(label) = row.labels().get(named_by).or(row.labels().last()) else { continue };
        let cols = &def.parts[p].cols;
        let values = trimmed(row.values(), cols.len());
        if !has_value && (m < 90 || values.len() < cols.len()) {
            continue; // a header or a group label, not a data row
        }
        part = Some(p);
        let Some(col_keys) = def.col_keys_of(p) else { continue };
        if let Some(first) = table.rows.at(at) {
            repeats.push(repeat(first, cols, values, label, row));
            score -= 1;
            continue;
        }
        let mut out = Row::new(label_text(row), row.labels().iter().map(|f| f.span).reduce(Span::join), col_keys.clone());
        if side_by_side(row) {
            // Two tables printed side by side (a comparison of two years): the line holds
            // this row twice, and which half is this report's cannot be told.
            score -= 1;
            let printed = def.rows().nth(at).map_or("", |(_, r)| r.label.as_str());
            beside_rows.push((printed, row_span(row)));
            out.label = printed.to_string();
            beside.extend(row_cells(def, at, cols));
        } else if let Some(tail) = tail_as_cells(row, named_by, cols.len()) {
            // `规章 | 见附件 | 0 | 0 | |`: text where the first number belongs reads as more
            // label, and the bare pipe after the row as the last cell; the numbers would
            // sit one column left. Either reading fits the template, so neither is taken.
            score -= 1;
            let msg = format!("{}的行“{}”的标签后有文字“{tail}”，它可能是第一个单元格：无法确定各数值所在的列（提取存疑）", def.name, label.text);
            diags.push(diag("import.cell_count", Level::Warning, msg, row_span(row)));
            uncounted.extend(row_cells(def, at, cols));
        } else if values.len() == cols.len() {
            score += 2;
            for (j, (col, frag)) in cols.iter().zip(values).enumerate() {
                out.cells.put(j, value_cell(col, frag));
            }
        } else {
            score -= 1;
            let msg = format!(
                "{}的行“{}”有 {} 个单元格，{} 年格式应有 {} 个：无法确定各数值所在的列（提取存疑）",
                def.name,
                out.label,
                values.len(),
                tpl,
                cols.len()
            );
            diags.push(diag("import.cell_count", Level::Warning, msg, row_span(row)));
            uncounted.extend(row_cells(def, at, cols));
        }
        table.rows.put(at, out);
        last_at = Some(at);
        for o in orphans.iter_mut().rev().take_while(|o| o.before.is_none()) {
            o.before = Some(at);
        }
    }
    let placed = decode::order::place(def, &mut table, &orphans, value_cell);
    score += 2 * placed.decoded as i64 - placed.doubts as i64;
    diags.extend(placed.diagnostics);
    let mut doubted = placed.doubted;
    diags.extend(repeated_rows(def, &repeats));
    if let Some((_, span)) = beside_rows.first() {
        let labels: Vec<&str> = beside_rows.iter().map(|(l, _)| *l).collect();
        let msg = format!(
            "{}有 {} 行在同一行里出现两次、两组数值并排（两张表左右并排印在一页上，如两年对比）：无法确定哪一组属于本报告，未读取这些行的单元格（提取存疑）：{}",
            def.name,
            labels.len(),
            labels.join("；")
        );
        diags.push(diag("import.side_by_side", Level::Warning, msg, *span));
    }
    let last_found = table.rows.dense().iter().rposition(Option::is_some).unwrap_or(0);
    let missing: Vec<(usize, &str)> = def.rows().enumerate().filter(|(i, _)| table.rows.at(*i).is_none()).map(|(i, (_, r))| (i, r.label.as_str())).collect();
    if !missing.is_empty() {
        // Only holes count against a template: rows missing after the last one found are a
        // truncated table, which says nothing about its template.
        score -= missing.iter().filter(|(i, _)| *i < last_found).count() as i64;
        // Point at where the table stops: that is where the missing rows were expected.
        let span = rows.iter().rev().find_map(|r| row_span(r)).map(|s| Span::new(s.end(), 0));
        let labels: Vec<&str> = missing.iter().map(|(_, l)| *l).collect();
        let msg = format!("{}缺少 {} 行（{} 年格式）：{}", def.name, labels.len(), tpl, labels.join("；"));
        diags.push(diag("import.missing_row", Level::Warning, msg, span));
    }
    if !beside.is_empty() {
        doubted.push(Doubted { table: def.key.clone(), code: "import.side_by_side", cells: beside });
    }
    if !uncounted.is_empty() {
        doubted.push(Doubted { table: def.key.clone(), code: "import.cell_count", cells: uncounted });
    }
    Assembled { table, diags, score, doubted, consumed: placed.consumed }
}

/// The keys of a template row's cells (the row at position `at`).
fn row_cells(def: &TableDef, at: usize, cols: &[template::ColDef]) -> Vec<(String, String)> {
    let key = def.rows().nth(at).map_or(String::new(), |(_, r)| r.key.clone());
    cols.iter().map(|c| (key.clone(), c.key.clone())).collect()
}

/// A value under its column: the column's unit when the cell prints none.
fn value_cell(col: &template::ColDef, frag: &Frag) -> crate::report::Cell {
    let mut cell = cell_from_compact(&frag.text, frag.span);
    if cell.unit.is_none() && cell.value.is_some() {
        cell.unit.clone_from(&col.unit);
    }
    cell
}

/// A table, the doubts of its assembly, and how well the template explains the rows.
struct Assembled {
    table: Table,
    diags: Vec<ImportDiagnostic>,
    score: i64,
    /// Cells left unread: rows printed twice side by side, label-less rows not placed.
    doubted: Vec<Doubted>,
    /// Identities that decided where label-less rows go.
    consumed: Vec<crate::report::model::Consumed>,
}

/// A row whose label cells hold numbers followed by more label text: another row's label
/// and values printed on the same line (side-by-side tables), not one row.
fn side_by_side(row: &RawRow) -> bool {
    let labels = row.labels();
    let numeric = |f: &Frag| cell_from_compact(&f.text, f.span).value.is_some();
    let Some(last_text) = labels.iter().rposition(|f| !numeric(f) && !f.text.trim().is_empty()) else { return false };
    let numbers = labels[..last_text].iter().filter(|f| numeric(f)).count();
    // One number between two printings of the same label: a one-column row (表二's
    // 行政许可 1808595 行政许可 1573179).
    let again = || labels[..last_text].iter().any(|f| template::labels::normalize(&f.text) == template::labels::normalize(&labels[last_text].text));
    numbers >= 2 || (numbers == 1 && again())
}

/// A row printed again: where, and each cell whose text differs from the first printing
/// (`label·column：first 与 again`).
struct Repeat {
    label: String,
    span: Option<Span>,
    differences: Vec<String>,
}

fn repeat(first: &Row, cols: &[template::ColDef], values: &[Frag], label: &Frag, row: &RawRow) -> Repeat {
    let differences = cols
        .iter()
        .zip(values)
        .filter_map(|(col, frag)| {
            let again = cell_from(&frag.text, frag.span).raw;
            let before = first.cells.get(&col.key).map_or("", |c| c.raw.as_str());
            (before != again).then(|| format!("{}·{}：{} 与 {}", first.label, col.label, show(before), show(&again)))
        })
        .collect();
    Repeat { label: label.text.to_string(), span: row_span(row), differences }
}

/// A cell's text in a message; a blank one said as such.
fn show(raw: &str) -> &str {
    if raw.is_empty() {
        "空白"
    } else {
        raw
    }
}

/// Cells listed at most in one repeated-rows message.
const MAX_LISTED_DIFFERENCES: usize = 10;

/// One diagnostic for the rows of a table printed again (one row, or the whole table twice):
/// the first printing is kept, and every cell the two printings disagree on is named, so the
/// choice is never silent.
fn repeated_rows(def: &TableDef, repeats: &[Repeat]) -> Option<ImportDiagnostic> {
    let first = repeats.first()?;
    let what = match repeats.len() {
        1 => format!("{}的行“{}”重复出现", def.name, first.label),
        n => format!("{}有 {n} 行重复出现（从“{}”起，可能整张表印了两次）", def.name, first.label),
    };
    let differences: Vec<&String> = repeats.iter().flat_map(|r| &r.differences).collect();
    let msg = if differences.is_empty() {
        format!("{what}，两处数值相同，采用第一次出现的数值")
    } else {
        let listed: Vec<&str> = differences.iter().take(MAX_LISTED_DIFFERENCES).map(|d| d.as_str()).collect();
        let more = differences.len().saturating_sub(MAX_LISTED_DIFFERENCES);
        let more = if more > 0 { format!("，另有 {more} 处") } else { String::new() };
        format!("{what}，两处有 {} 个单元格不同（{}{more}），采用第一次出现的数值，请核对原文", differences.len(), listed.join("；"))
    };
    Some(diag("import.duplicate_row", Level::Warning, msg, first.span))
}

/// Text after the label that named a data row, when taking it for the row's first cells
/// (and its trailing blank for a remnant) fills the row exactly: the text, joined.
fn tail_as_cells(row: &RawRow, named_by: usize, cols: usize) -> Option<String> {
    let tail = row.labels().get(named_by + 1..).filter(|t| !t.is_empty())?;
    let values = row.values();
    let filled = values.iter().rposition(|v| !v.text.trim().is_empty()).map_or(0, |i| i + 1);
    (filled < values.len() && tail.len() + filled == cols).then(|| tail.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join(" "))
}

/// All label fragments of a row, joined as printed.
fn label_text(row: &RawRow) -> String {
    let mut text = String::with_capacity(row.labels().iter().map(|f| f.text.len() + 1).sum());
    for (i, f) in row.labels().iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&f.text);
    }
    text
}

/// What a found row's labels name in a table (its normal forms: each label, then the
/// labels joined when there are several; `count` labels): the part whose caption one of
/// them is, and the leaf row they name in the part the caption, or else `part`, sets.
fn match_row(def: &TableDef, norm: &[Rc<str>], count: usize, part: Option<usize>, loose: bool) -> RowMatch {
    let caption = norm[..count].iter().find_map(|l| def.match_caption_norm(l));
    // A label split across cells mid-word (`三、本年度办` | `理结果（一）予以公开`): the
    // joined labels without the group labels they start with name the leaf.
    let with_leaf;
    let norm = match norm.get(count).and_then(|joined| without_groups(def, joined)) {
        Some(leaf) => {
            with_leaf = norm.iter().cloned().chain(std::iter::once(leaf)).collect::<Vec<_>>();
            &with_leaf[..]
        }
        None => norm,
    };
    let leaf =
        match_leaf(def, norm, caption.or(part), loose).and_then(|(p, r, label, score)| Some(Leaf { part: p, position: def.position_of(p, r)?, label, score }));
    RowMatch { caption, leaf }
}

/// A joined label with the group labels it starts with cut off (`三本年度办理结果(一)予以公开`
/// → `(一)予以公开`), when it starts with one and something is left.
fn without_groups(def: &TableDef, joined: &str) -> Option<Rc<str>> {
    let mut rest = joined;
    while let Some(shorter) = def.groups.iter().flat_map(|g| &g.norms).find_map(|g| rest.strip_prefix(g.as_str()).filter(|r| !r.is_empty())) {
        rest = shorter;
    }
    (rest.len() < joined.len()).then(|| rest.into())
}

/// The template leaf row a found row is: each label fragment (leaf label last) and the
/// joined label are tried; a match inside the current part wins over one elsewhere.
fn match_leaf<'t>(def: &'t TableDef, norm: &[Rc<str>], part: Option<usize>, loose: bool) -> Option<(usize, &'t RowDef, usize, u32)> {
    let mut best = None;
    for scope in [part, None] {
        // Index lookups first: a hit there scores 90 or more, which no loose match (70 at
        // most) can beat, so the costly candidate scan runs only for rows no index names.
        best = best_label(def, norm, scope, false);
        if loose && best.is_none_or(|b| b.3 < 90) {
            best = best_label(def, norm, scope, true);
        }
        if best.is_some() || scope.is_none() {
            break;
        }
    }
    best
}

/// The labels of each row in normal form, worked out when first asked for.
struct Norms<'r> {
    rows: &'r [&'r RawRow],
    done: Vec<std::cell::OnceCell<Vec<Rc<str>>>>,
}

impl<'r> Norms<'r> {
    fn new(rows: &'r [&'r RawRow]) -> Self {
        Norms { rows, done: (0..rows.len()).map(|_| std::cell::OnceCell::new()).collect() }
    }

    /// Row `k`'s labels in normal form, then (when there are several) the labels joined,
    /// for labels split over cells.
    fn of(&self, k: usize) -> &[Rc<str>] {
        self.done[k].get_or_init(|| {
            let labels = self.rows[k].labels();
            let mut v: Vec<Rc<str>> = labels.iter().map(|f| template::labels::normalize_memo(&f.text)).collect();
            if v.len() > 1 {
                let joined: String = v.iter().map(|n| &**n).collect();
                v.push(joined.into());
            }
            v
        })
    }
}

/// The best leaf row any of a row's labels names (the first label on a tie): part, row,
/// label index and score.
fn best_label<'t>(def: &'t TableDef, norm: &[Rc<str>], scope: Option<usize>, loose: bool) -> Option<(usize, &'t RowDef, usize, u32)> {
    let mut best: Option<(usize, &RowDef, usize, u32)> = None;
    for (i, text) in norm.iter().enumerate() {
        let Some(m) = def.match_row_norm(text, scope, loose) else {
            continue;
        };
        let Target::Row(p, r) = m.target else {
            continue;
        };
        if m.score >= MIN_SCORE && !m.ambiguous && best.is_none_or(|b| m.score > b.3) {
            best = Some((p, r, i, m.score));
        }
    }
    best
}

/// A table whose rows all come in one source row (表四: 3 blocks × 5 values).
fn flat_table(def: &TableDef, tpl: &str, rows: &[&RawRow]) -> Assembled {
    let mut table = Table::new(tpl, def);
    let want: usize = def.parts.iter().map(|p| p.rows.len() * p.cols.len()).sum();
    let mut diags = Vec::new();
    let full: Vec<&RawRow> = rows.iter().copied().filter(|r| trimmed(r.values(), want).len() == want).collect();
    let shown = |r: &RawRow| trimmed(r.values(), want).iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join(" ");
    if let [first, again, ..] = full[..] {
        let (a, b) = (shown(first), shown(again));
        let span = row_span(again);
        if full[1..].iter().any(|r| shown(r) != a) {
            // Two years compared, or the table printed twice with other numbers: which row
            // is this report's cannot be told.
            let msg = format!(
                "{}有 {} 个完整的数据行，数值不同（“{a}”与“{b}”）：可能是两年对比或整张表印了两次，无法确定哪一行属于本报告，未读取（提取存疑）",
                def.name,
                full.len()
            );
            let doubted = vec![Doubted { table: def.key.clone(), code: "import.duplicate_table", cells: all_cells(def) }];
            let diags = vec![diag("import.duplicate_table", Level::Warning, msg, span)];
            return Assembled { table, diags, score: -1, doubted, consumed: Vec::new() };
        }
        let msg = format!("{}的数据行出现了 {} 次，数值相同，采用第一次出现的数值", def.name, full.len());
        diags.push(diag("import.duplicate_row", Level::Warning, msg, span));
    }
    let data = full.first();
    let values: Vec<&Frag> = match (data, pieces(def, rows, want)) {
        (Some(data), _) => data.values().iter().collect(),
        (None, Some((values, spans))) => {
            let msg = format!("{}分成 {} 段印出（转换工具把一张表拆成了几张），按格式顺序逐段拼合，表头不作依据", def.name, spans.len());
            diags.push(diag("import.table_pieces", Level::Info, msg, spans.into_iter().reduce(Span::join)));
            values
        }
        (None, None) => {
            let Some(r) = rows.iter().filter(|r| !r.values().is_empty()).max_by_key(|r| r.values().len()) else {
                return Assembled { table, diags: Vec::new(), score: -(want as i64), doubted: Vec::new(), consumed: Vec::new() };
            };
            let msg = format!("{}的数据行有 {} 个单元格，应有 {} 个：无法确定各数值所在的列（提取存疑）", def.name, r.values().len(), want);
            let diags = vec![diag("import.cell_count", Level::Warning, msg, row_span(r))];
            // Every cell is in doubt (which value is whose cannot be told), not missing.
            let doubted = vec![Doubted { table: def.key.clone(), code: "import.cell_count", cells: all_cells(def) }];
            return Assembled { table, diags, score: -1, doubted, consumed: Vec::new() };
        }
    };
    let mut values = values.into_iter();
    let mut at = 0;
    for (p, part) in def.parts.iter().enumerate() {
        let Some(col_keys) = def.col_keys_of(p) else { continue };
        for row in &part.rows {
            let mut out = Row::new(row.label.clone(), None, col_keys.clone());
            for (j, frag) in values.by_ref().take(part.cols.len()).enumerate() {
                out.cells.put(j, cell_from_compact(&frag.text, frag.span));
            }
            table.rows.put(at, out);
            at += 1;
        }
    }
    Assembled { table, diags, score: 2 * want as i64, doubted: Vec::new(), consumed: Vec::new() }
}

/// The keys of every cell of a table.
fn all_cells(def: &TableDef) -> Vec<(String, String)> {
    def.rows().flat_map(|(p, r)| def.parts[p].cols.iter().map(|c| (r.key.clone(), c.key.clone()))).collect()
}

/// A flat table a converter cut into several tables (表四 as three tables of five): the rows
/// with values, in order, when each holds whole blocks of the template (in its order) and
/// together all of them — the only reading their count and order leave. Their values, and
/// where each piece is.
fn pieces<'r>(def: &TableDef, rows: &[&'r RawRow], want: usize) -> Option<(Vec<&'r Frag>, Vec<Span>)> {
    let data: Vec<&RawRow> = rows.iter().copied().filter(|r| r.values().iter().any(|v| !v.text.trim().is_empty())).collect();
    if data.len() < 2 {
        return None;
    }
    let blocks: Vec<usize> = def.parts.iter().flat_map(|p| std::iter::repeat_n(p.cols.len(), p.rows.len())).collect();
    let (mut next, mut values, mut spans) = (0, Vec::with_capacity(want), Vec::new());
    for row in data {
        let piece = trimmed(row.values(), want);
        let mut n = 0;
        while n < piece.len() {
            n += blocks.get(next)?;
            next += 1;
        }
        if n != piece.len() {
            return None;
        }
        values.extend(piece);
        spans.extend(row_span(row));
    }
    (next == blocks.len()).then_some((values, spans))
}
