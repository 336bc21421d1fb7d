//! Report templates as data. The 2019 and 2021 layouts live in `templates/*.toml`, embedded
//! in the binary by the build script (every file of the folder; a new template year is a new
//! file); a pack may bring more, and extensions that add tables to existing templates (see
//! `templates/README.md`). A template lists its sections and its tables; a table its parts
//! (stacked sub-tables), columns, rows and groups, each with the printed label and the
//! variants met in real reports. Files are validated as a whole ([`TemplateSet::extended`]):
//! every mistake is a [`TemplateError`] pointed at its TOML line.
//!
//! Importers match found labels against a template ([`TableDef::match_row`]); the rules
//! resolver names cells through the same definitions.

mod error;
mod file;
pub mod identity;
pub mod labels;
mod load;
mod set;

pub use error::{PointedTemplateError, TemplateError, TemplateErrors};
pub use set::TemplateSet;

use crate::report::slots::Keys;
pub use identity::{IdentityDef, IdentityKind, Instance};
use serde::Deserialize;
use std::sync::Arc;

/// The value domain of a column (DOMAIN.md I4).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// Integer ≥ 0.
    #[default]
    Count,
    /// Integer, may be negative (2019 本年增/减).
    Signed,
    /// Decimal ≥ 0 (amounts).
    Decimal,
}

#[derive(Clone, Debug)]
pub struct SectionDef {
    pub number: u8,
    pub title: String,
    pub aliases: Vec<String>,
    /// Title and aliases in normal form, filled at load.
    pub norms: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ColDef {
    pub key: String,
    pub label: String,
    pub aliases: Vec<String>,
    pub domain: Domain,
    /// The unit the header states for the whole column (`万元`).
    pub unit: Option<String>,
    /// Label and aliases in normal form, filled at load.
    pub norms: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct RowDef {
    pub key: String,
    pub label: String,
    pub aliases: Vec<String>,
    /// The group this row is a leaf of.
    pub group: Option<String>,
    /// Label and aliases in normal form, filled at load.
    pub norms: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct GroupDef {
    pub key: String,
    pub label: String,
    pub aliases: Vec<String>,
    pub parent: Option<String>,
    /// Label and aliases in normal form, filled at load.
    pub norms: Vec<String>,
}

/// A stacked sub-table: its caption (t2's 第二十条第（X）项), columns and rows.
#[derive(Clone, Debug)]
pub struct PartDef {
    pub caption: Option<String>,
    pub cols: Vec<ColDef>,
    pub rows: Vec<RowDef>,
}

#[derive(Clone, Debug)]
pub struct TableDef {
    /// `t2`, `t3`, `t4`.
    pub key: String,
    /// Printed short name used in rules: 表二, 表三, 表四.
    pub name: String,
    pub title: String,
    /// The section number the table is printed in.
    pub section: u8,
    /// All rows' values come in one source row, row after row (表四).
    pub flat: bool,
    pub parts: Vec<PartDef>,
    pub groups: Vec<GroupDef>,
    /// The form's own identities (the official note, what each 总计 sums), used to decode
    /// cells whose boundaries a source lost ([`identity`]).
    pub identities: Vec<IdentityDef>,
    /// Normal-form label → what carries it exactly; built at load, so most rows of a
    /// report match with one hash lookup.
    exact: LabelIndex,
    /// The same, by label without its ordinal (score 90 matches).
    cores: LabelIndex,
    /// Captions in normal form, by part.
    caption_norms: Vec<Option<String>>,
    /// Where each row's cells start in the table's dense cell numbering (rows in order,
    /// each row's part columns in order), aligned with [`TableDef::rows`]; and the count.
    row_offsets: Vec<usize>,
    cell_count: usize,
    /// The row keys in template order, and per part its column keys: the layout of a
    /// found table's dense store ([`crate::report::Table`]), shared by every report.
    row_keys: Arc<Keys>,
    col_keys: Vec<Arc<Keys>>,
    /// The part of each row, in template order.
    row_parts: Vec<usize>,
    /// Names this definition as indexed, for what is remembered of matches against it
    /// (see [`crate::report`]'s row memo): never reused, so a memo cannot mistake one
    /// definition for another that happens to live at the same address later.
    uid: u64,
}

/// Normal-form label → what carries it. Hashed with foldhash, not SipHash: the keys are
/// the template's own labels (no flooding to fear) and every table row found is a lookup.
type LabelIndex = foldhash::HashMap<String, Vec<Exact>>;

/// A row (part, index in part) or a group (index) carrying a label exactly.
#[derive(Clone, Copy, Debug)]
enum Exact {
    Row(usize, usize),
    Group(usize),
}

#[derive(Clone, Debug)]
pub struct Template {
    pub id: String,
    pub name: String,
    /// The first report year this template is the default for.
    pub first_year: u16,
    pub sections: Vec<SectionDef>,
    pub tables: Vec<TableDef>,
    /// The report's template is the template of the first of these tables it has
    /// (`template_from`; default: every table, in order).
    pub template_from: Vec<String>,
    /// A report without section headings: where a row goes that nothing else places
    /// (`fallback_table`; default: the first table that is not flat).
    pub fallback_table: String,
    /// A report without section headings: a row goes to the first of these tables that has
    /// a row of its label (`label_tables`; default: the other tables that are not flat;
    /// an extension's tables are added).
    pub label_tables: Vec<String>,
    /// First characters of a section heading: the ordinals of the sections, and brackets.
    heading_starts: Vec<char>,
}

/// What a found label matched.
#[derive(Clone, Copy, Debug)]
pub enum Target<'t> {
    Row(usize, &'t RowDef),
    Group(&'t GroupDef),
}

impl Target<'_> {
    pub fn key(&self) -> &str {
        match self {
            Target::Row(_, r) => &r.key,
            Target::Group(g) => &g.key,
        }
    }
}

/// The best match of a found label, and whether another target scored the same.
#[derive(Clone, Copy, Debug)]
pub struct Match<'t> {
    pub target: Target<'t>,
    pub score: u32,
    pub ambiguous: bool,
}

fn norms_of(label: &str, aliases: &[String]) -> Vec<String> {
    std::iter::once(label).chain(aliases.iter().map(String::as_str)).map(labels::normalize).collect()
}

/// Section ordinals as printed in headings: 一 … 十 (section numbers 1–10).
pub const SECTION_ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

impl Template {
    /// Parse and validate one full template file on its own (no extensions, no set).
    pub fn from_toml(text: &str) -> Result<Template, TemplateErrors> {
        let files = [("<模板>".to_string(), text.to_string())];
        let mut all = load::load(&[], &files)?;
        match all.pop() {
            Some(t) => Ok(Arc::unwrap_or_clone(t)),
            None => Err(TemplateErrors::default()),
        }
    }

    /// Precompute label normal forms, table indexes and heading starts (after any change).
    fn finish(&mut self) {
        self.sections.sort_by_key(|s| s.number);
        self.sections.iter_mut().for_each(|s| s.norms = norms_of(&s.title, &s.aliases));
        for table in &mut self.tables {
            for part in &mut table.parts {
                part.cols.iter_mut().for_each(|c| c.norms = norms_of(&c.label, &c.aliases));
                part.rows.iter_mut().for_each(|r| r.norms = norms_of(&r.label, &r.aliases));
            }
            table.groups.iter_mut().for_each(|g| g.norms = norms_of(&g.label, &g.aliases));
            table.index();
        }
        let max = self.sections.iter().map(|s| usize::from(s.number)).max().unwrap_or(0).min(SECTION_ORDINALS.len());
        self.heading_starts = SECTION_ORDINALS[..max].iter().filter_map(|o| o.chars().next()).chain(['(', '（']).collect();
    }

    /// Section numbers that hold a table, in order.
    pub fn table_sections(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self.tables.iter().map(|t| t.section).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl TableDef {
    fn index(&mut self) {
        let mut exact = LabelIndex::default();
        let mut cores = LabelIndex::default();
        let mut add = |n: &String, e: Exact| {
            exact.entry(n.clone()).or_default().push(e);
            let core = labels::strip_ordinal(n);
            if !core.is_empty() {
                cores.entry(core.to_string()).or_default().push(e);
            }
        };
        for (p, part) in self.parts.iter().enumerate() {
            for (i, r) in part.rows.iter().enumerate() {
                r.norms.iter().for_each(|n| add(n, Exact::Row(p, i)));
            }
        }
        for (g, group) in self.groups.iter().enumerate() {
            group.norms.iter().for_each(|n| add(n, Exact::Group(g)));
        }
        self.exact = exact;
        self.cores = cores;
        self.caption_norms = self.parts.iter().map(|p| p.caption.as_deref().map(labels::normalize)).collect();
        let mut at = 0;
        self.row_offsets = self
            .parts
            .iter()
            .flat_map(|p| p.rows.iter().map(move |_| p.cols.len()))
            .map(|n| {
                let start = at;
                at += n;
                start
            })
            .collect();
        self.cell_count = at;
        self.row_keys = Arc::new(Keys::new(self.rows().map(|(_, r)| r.key.clone()).collect()));
        self.col_keys = self.parts.iter().map(|p| Arc::new(Keys::new(p.cols.iter().map(|c| c.key.clone()).collect()))).collect();
        self.row_parts = self.rows().map(|(p, _)| p).collect();
        static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        self.uid = NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// This definition's identity as indexed (see the field).
    pub fn uid(&self) -> u64 {
        self.uid
    }

    /// The row keys, in template order (the layout of a found table's rows).
    pub fn row_keys(&self) -> &Arc<Keys> {
        &self.row_keys
    }

    /// A part's column keys, in order (the layout of its rows' cells).
    pub fn col_keys_of(&self, part: usize) -> Option<&Arc<Keys>> {
        self.col_keys.get(part)
    }

    /// The template position of a row of part `part` (by identity: no key compared).
    pub fn position_of(&self, part: usize, row: &RowDef) -> Option<usize> {
        let before: usize = self.parts.get(..part)?.iter().map(|p| p.rows.len()).sum();
        let i = self.parts[part].rows.iter().position(|r| std::ptr::eq(r, row))?;
        Some(before + i)
    }

    /// The part of the row at a template position.
    pub fn part_of(&self, row_position: usize) -> Option<usize> {
        self.row_parts.get(row_position).copied()
    }

    /// Where the row at a template position starts in the dense cell numbering.
    pub fn offset_of(&self, row_position: usize) -> Option<usize> {
        self.row_offsets.get(row_position).copied()
    }

    /// Number of cells in the dense numbering.
    pub fn cell_count(&self) -> usize {
        self.cell_count
    }

    /// Start of a row's cells in the dense numbering.
    pub fn row_offset(&self, row: &str) -> Option<usize> {
        self.rows().position(|(_, r)| r.key == row).map(|i| self.row_offsets[i])
    }

    /// A column's position within its part, when it is the same in every part that has it
    /// (always, but for 表二's parts); `None` when it varies.
    pub fn col_pos(&self, col: &str) -> Option<usize> {
        let mut pos = self.parts.iter().filter_map(|p| p.cols.iter().position(|c| c.key == col));
        let first = pos.next()?;
        pos.all(|p| p == first).then_some(first)
    }

    /// The dense number of a cell, if the row has the column.
    pub fn cell_ix(&self, row: &str, col: &str) -> Option<usize> {
        let (i, (p, _)) = self.rows().enumerate().find(|(_, (_, r))| r.key == row)?;
        let pos = self.parts[p].cols.iter().position(|c| c.key == col)?;
        Some(self.row_offsets[i] + pos)
    }

    /// Each row with its offset, in order.
    pub fn rows_with_offsets(&self) -> impl Iterator<Item = (usize, &RowDef, usize)> {
        self.rows().zip(&self.row_offsets).map(|((p, r), o)| (p, r, *o))
    }

    /// Every row with the index of its part.
    pub fn rows(&self) -> impl Iterator<Item = (usize, &RowDef)> {
        self.parts.iter().enumerate().flat_map(|(i, p)| p.rows.iter().map(move |r| (i, r)))
    }

    pub fn row(&self, key: &str) -> Option<(usize, &RowDef)> {
        self.rows().find(|(_, r)| r.key == key)
    }

    pub fn group(&self, key: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.key == key)
    }

    /// The columns of a row (its part's columns).
    pub fn cols_of(&self, row: &str) -> &[ColDef] {
        self.row(row).map_or(&[], |(p, _)| &self.parts[p].cols)
    }

    pub fn col(&self, row: &str, col: &str) -> Option<&ColDef> {
        self.cols_of(row).iter().find(|c| c.key == col)
    }

    /// Distinct column keys over all parts, in order of first appearance.
    pub fn col_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for c in self.parts.iter().flat_map(|p| &p.cols) {
            if !keys.contains(&c.key.as_str()) {
                keys.push(&c.key);
            }
        }
        keys
    }

    /// The leaf rows a group stands for, in template order (nested groups expanded). A
    /// parent chain is followed at most once around (validation rejects cycles; this only
    /// keeps an unvalidated definition from hanging).
    pub fn leaves(&self, group: &str) -> Vec<&RowDef> {
        self.rows()
            .map(|(_, r)| r)
            .filter(|r| {
                let mut g = r.group.as_deref();
                for _ in 0..=self.groups.len() {
                    let Some(k) = g else { break };
                    if k == group {
                        return true;
                    }
                    g = self.group(k).and_then(|d| d.parent.as_deref());
                }
                false
            })
            .collect()
    }

    /// Best template row or group for a found label; `part` restricts rows to one part.
    pub fn match_row(&self, found: &str, part: Option<usize>) -> Option<Match<'_>> {
        self.match_row_norm(&labels::normalize(found), part, true)
    }

    /// [`TableDef::match_row`] for a label already in normal form. Without `loose`, only
    /// matches of score 90 or more (same label, or same label without its ordinal), found
    /// by hash lookup; `loose` adds truncations and typos.
    pub fn match_row_norm(&self, norm: &str, part: Option<usize>, loose: bool) -> Option<Match<'_>> {
        // Score 100, then 90: no other candidate can score between them, so the first
        // index that hits holds the best matches.
        for (index, score) in [(&self.exact, 100), (&self.cores, 90)] {
            // Most labels hit the exact index: the ordinal is stripped only when it misses.
            let key = if score == 100 { norm } else { labels::strip_ordinal(norm) };
            if key.is_empty() {
                continue;
            }
            if let Some(top) = index.get(key).and_then(|hits| self.top_of(hits, part, score)) {
                return Some(top);
            }
        }
        if !loose {
            return None;
        }
        let rows =
            self.rows().filter(|(p, _)| part.is_none_or(|want| want == *p)).flat_map(|(p, r)| r.norms.iter().map(move |l| (Target::Row(p, r), l.as_str())));
        let groups = self.groups.iter().flat_map(|g| g.norms.iter().map(move |l| (Target::Group(g), l.as_str())));
        best(norm, rows.chain(groups))
    }

    /// The part whose caption matches a found caption (t2's 第二十条第（X）项).
    pub fn match_caption(&self, found: &str) -> Option<usize> {
        self.match_caption_norm(&labels::normalize(found))
    }

    /// The best of index hits: ambiguous when they are different rows or groups.
    fn top_of(&self, hits: &[Exact], part: Option<usize>, score: u32) -> Option<Match<'_>> {
        let mut top: Option<Match<'_>> = None;
        for hit in hits {
            let target = match *hit {
                Exact::Row(p, _) if part.is_some_and(|want| want != p) => continue,
                Exact::Row(p, i) => Target::Row(p, &self.parts[p].rows[i]),
                Exact::Group(g) => Target::Group(&self.groups[g]),
            };
            match &mut top {
                Some(m) => m.ambiguous |= m.target.key() != target.key(),
                None => top = Some(Match { target, score, ambiguous: false }),
            }
        }
        top
    }

    /// [`TableDef::match_caption`] for a label already in normal form.
    pub fn match_caption_norm(&self, norm: &str) -> Option<usize> {
        self.caption_norms.iter().position(|c| c.as_deref() == Some(norm))
    }
}

/// The best-scoring candidate. Exact scores (≥ 70) are tried first: when one hits, no
/// fuzzy score (≤ 60) can win or tie, so the similarity is computed only when none does.
fn best<'t>(norm: &str, candidates: impl Iterator<Item = (Target<'t>, &'t str)>) -> Option<Match<'t>> {
    let candidates: Vec<(Target<'t>, &'t str)> = candidates.collect();
    best_by(norm, &candidates, labels::score_exact).or_else(|| best_by(norm, &candidates, labels::score))
}

fn best_by<'t>(norm: &str, candidates: &[(Target<'t>, &'t str)], score: fn(&str, &str) -> u32) -> Option<Match<'t>> {
    let mut top: Option<Match<'t>> = None;
    for &(target, label) in candidates {
        let s = score(norm, label);
        if s == 0 {
            continue;
        }
        match &mut top {
            Some(m) if s < m.score => {}
            Some(m) if s == m.score => m.ambiguous |= m.target.key() != target.key(),
            _ => top = Some(Match { target, score: s, ambiguous: false }),
        }
    }
    top
}

impl Template {
    pub fn table(&self, key: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// The section number whose heading this line is (`三、收到和处理…情况`), if any.
    pub fn match_section(&self, line: &str) -> Option<u8> {
        // Headings carry their ordinal and are short; a long line is prose.
        if line.len() > 160 || !line.trim_start().starts_with(self.heading_starts.as_slice()) {
            return None;
        }
        // Headings are the same lines in every report: memoised.
        let norm = labels::normalize_memo(line);
        let core = labels::strip_ordinal(&norm);
        if core.len() == norm.len() {
            return None;
        }
        self.sections.iter().find(|s| s.norms.iter().any(|t| t == core)).map(|s| s.number)
    }
}

/// The embedded templates, oldest first. Parsed and validated once.
pub fn builtin() -> &'static TemplateSet {
    TemplateSet::builtin()
}

/// An embedded template by id.
pub fn by_id(id: &str) -> Option<&'static Template> {
    builtin().get(id).map(|t| &**t)
}

/// The default embedded template for a report year (the newest whose `first_year` ≤ year).
pub fn for_year(year: Option<u16>) -> &'static Template {
    builtin().for_year(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_positions_by_identity_are_the_key_positions() {
        for t in builtin().iter() {
            for def in &t.tables {
                for (p, r) in def.rows() {
                    assert_eq!(def.position_of(p, r), def.row_keys().position(&r.key), "{} {}", t.id, r.key);
                }
                let stranger = RowDef { key: "x".into(), label: "x".into(), aliases: Vec::new(), group: None, norms: Vec::new() };
                assert_eq!(def.position_of(0, &stranger), None);
            }
        }
    }

    #[test]
    fn embedded_templates_have_the_domain_shapes() {
        let t19 = by_id("2019").unwrap();
        let t21 = by_id("2021").unwrap();
        assert_eq!(t19.table("t3").unwrap().rows().count(), 23);
        assert_eq!(t21.table("t3").unwrap().rows().count(), 25);
        assert_eq!(t21.table("t3").unwrap().leaves("results").len(), 21);
        assert_eq!(t19.table("t3").unwrap().leaves("results").len(), 19);
        assert_eq!(t21.table("t4").unwrap().rows().count() * 5, 15);
    }

    #[test]
    fn leaves_stop_on_a_parent_cycle() {
        let mut t3 = by_id("2021").unwrap().table("t3").unwrap().clone();
        // results → denied → results: validation rejects this; leaves must still return.
        t3.groups.iter_mut().find(|g| g.key == "results").unwrap().parent = Some("denied".into());
        assert_eq!(t3.leaves("denied").len(), 21, "every leaf of results now reaches denied");
        assert_eq!(t3.leaves("nothing").len(), 0);
        assert_eq!(t3.leaves("results").len(), 21);
    }

    #[test]
    fn rows_match_by_label_variants() {
        let t3 = by_id("2021").unwrap().table("t3").unwrap();
        let m = t3.match_row("2.其他法律行政止公开", None).unwrap();
        assert_eq!(m.target.key(), "denied_law_forbidden");
        let m = t3.match_row("(七)总计", None).unwrap();
        assert_eq!((m.target.key(), m.score), ("total_processed", 100));
        assert_eq!(t3.match_row("（三）不予公开", None).unwrap().target.key(), "denied");
    }

    #[test]
    fn sections_need_their_ordinal() {
        let t = for_year(Some(2020));
        assert_eq!(t.id, "2019");
        assert_eq!(t.match_section("三、收到和处理政府信息公开申请情况"), Some(3));
        assert_eq!(t.match_section("收到和处理政府信息公开申请情况"), None);
        assert_eq!(t.match_section("三、本年度办理结果"), None);
    }
}
