//! Row matches remembered per thread. The reports of a batch print the same rows under
//! the same labels, so what a row's labels name in a template table (its part caption,
//! its leaf row) is worked out once per thread and table, not once per report.
//!
//! A match is a pure function of the table definition as indexed, the row's label texts,
//! the part the rows before it were in and whether a loose match is allowed; all four
//! are the key, compared in full (the hash only finds the candidates).

use super::import::Frag;
use crate::template::TableDef;
use compact_str::CompactString;
use hashbrown::HashTable;
use std::cell::RefCell;
use std::hash::{BuildHasher, Hasher};

/// What a row's labels name in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowMatch {
    /// The part whose caption one of the labels is.
    pub caption: Option<usize>,
    /// The leaf row matched, in the part the caption (or the rows before) set.
    pub leaf: Option<Leaf>,
}

/// A matched leaf row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// Its part.
    pub part: usize,
    /// Its position in the template's row order.
    pub position: usize,
    /// Which label named it: an index into the row's labels, or their count for the
    /// labels joined.
    pub label: usize,
    /// The match score.
    pub score: u32,
}

/// Rows remembered per thread at most; past it the memo starts again.
const MAX_ENTRIES: usize = 4096;
/// A row with more labels, or a longer label, is matched without the memo (real rows have
/// one to three short labels; a hostile file must not fill memory through it).
const MAX_LABELS: usize = 4;
const MAX_LABEL_BYTES: usize = 256;

struct Entry {
    hash: u64,
    table: u64,
    part: Option<usize>,
    loose: bool,
    labels: Box<[CompactString]>,
    found: RowMatch,
}

thread_local! {
    static MEMO: RefCell<HashTable<Entry>> = const { RefCell::new(HashTable::new()) };
}

/// The match of a row with these labels in `def`, from the memo or from `compute` (then
/// remembered).
pub fn row_match(def: &TableDef, labels: &[Frag], part: Option<usize>, loose: bool, compute: impl FnOnce() -> RowMatch) -> RowMatch {
    if labels.len() > MAX_LABELS || labels.iter().any(|l| l.text.len() > MAX_LABEL_BYTES) {
        return compute();
    }
    let table = def.uid();
    let hash = hash_of(table, labels, part, loose);
    let same = |e: &Entry| {
        e.hash == hash
            && e.table == table
            && e.part == part
            && e.loose == loose
            && e.labels.len() == labels.len()
            && e.labels.iter().zip(labels).all(|(a, b)| *a == b.text)
    };
    MEMO.with(|memo| {
        // Matching never re-enters the memo; should it ever, it is merely bypassed.
        let Ok(mut memo) = memo.try_borrow_mut() else {
            return compute();
        };
        if let Some(e) = memo.find(hash, same) {
            return e.found;
        }
        let found = compute();
        if memo.len() >= MAX_ENTRIES {
            memo.clear();
        }
        let labels = labels.iter().map(|l| l.text.clone()).collect();
        memo.insert_unique(hash, Entry { hash, table, part, loose, labels, found }, |e| e.hash);
        found
    })
}

fn hash_of(table: u64, labels: &[Frag], part: Option<usize>, loose: bool) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x0067_6f75_6a69).build_hasher();
    h.write_u64(table);
    h.write_usize(part.map_or(0, |p| p + 1));
    h.write_u8(u8::from(loose));
    for l in labels {
        h.write(l.text.as_bytes());
        // Not a UTF-8 byte: labels ["ab"] and ["a", "b"] hash apart.
        h.write_u8(0xff);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Span;
    use std::cell::Cell;

    fn frags(texts: &[&str]) -> Vec<Frag> {
        texts.iter().map(|t| Frag::new(*t, Span::new(0, t.len()))).collect()
    }

    #[test]
    fn remembers_by_every_part_of_the_key() {
        let set = crate::template::TemplateSet::builtin();
        let def = set.iter().next().unwrap().tables.first().unwrap();
        let other = set.iter().next().unwrap().tables.get(1).unwrap();
        let calls = Cell::new(0);
        let one = RowMatch { caption: Some(1), leaf: None };
        let ask = |d: &TableDef, labels: &[&str], part, loose| {
            row_match(d, &frags(labels), part, loose, || {
                calls.set(calls.get() + 1);
                one
            })
        };
        assert_eq!(ask(def, &["甲", "乙"], None, true), one);
        assert_eq!(calls.get(), 1);
        assert_eq!(ask(def, &["甲", "乙"], None, true), one);
        assert_eq!(calls.get(), 1, "the same row is remembered");
        // Each differing part of the key is a new computation.
        ask(def, &["甲乙"], None, true);
        ask(def, &["甲", "乙"], Some(0), true);
        ask(def, &["甲", "乙"], None, false);
        ask(other, &["甲", "乙"], None, true);
        assert_eq!(calls.get(), 5);
        // Too many labels, or a long one: not remembered.
        ask(def, &["a", "b", "c", "d", "e"], None, true);
        ask(def, &["a", "b", "c", "d", "e"], None, true);
        let long = "长".repeat(100);
        ask(def, &[long.as_str()], None, true);
        ask(def, &[long.as_str()], None, true);
        assert_eq!(calls.get(), 9);
    }
}
