//! Names in rules → template keys. A row, group or column is named by its canonical key,
//! its printed label (any width, ordinal style or spacing), or any unambiguous short form
//! of the label. Tiers, first hit wins: key · whole label · label without ordinal ·
//! short form (the label contains the name, at least 2 chars). Several targets in the
//! first tier that hits → ambiguous, with the candidates.

use super::suggest::suggest;
use crate::template::labels::{char_len, normalize, strip_ordinal};
use crate::template::{ColDef, GroupDef, RowDef, TableDef};

/// What a row-side name stands for.
#[derive(Debug, Clone, Copy)]
pub enum RowName<'t> {
    Row(&'t RowDef),
    Group(&'t GroupDef),
}

/// The outcome of resolving a name.
#[derive(Debug)]
pub enum Resolved<T> {
    /// The target, and whether it was named exactly (by its key or a whole printed label)
    /// rather than by a short form.
    One(T, bool),
    /// Printed labels of the candidates.
    Ambiguous(Vec<String>),
    /// Did-you-mean suggestions.
    Unknown(Vec<String>),
}

struct Candidate<'a, T> {
    target: T,
    key: &'a str,
    printed: &'a str,
    norms: &'a [String],
}

fn resolve<'a, T: Copy>(name: &str, cands: &[Candidate<'a, T>]) -> Resolved<T> {
    let norm = normalize(name);
    let core = strip_ordinal(&norm);
    type Tier<'t, 'a, T> = &'t dyn Fn(&Candidate<'a, T>) -> bool;
    let tiers: [Tier<'_, 'a, T>; 4] = [&|c| c.key == name, &|c| c.norms.contains(&norm), &|c| c.norms.iter().any(|n| strip_ordinal(n) == core), &|c| {
        char_len(core) >= 2 && c.norms.iter().any(|n| n.contains(core))
    }];
    for (i, tier) in tiers.into_iter().enumerate() {
        let mut hits: Vec<&Candidate<T>> = cands.iter().filter(|c| tier(c)).collect();
        hits.dedup_by_key(|c| c.key);
        match hits.len() {
            0 => continue,
            1 => return Resolved::One(hits[0].target, i < 2),
            _ => return Resolved::Ambiguous(hits.iter().map(|c| c.printed.to_string()).collect()),
        }
    }
    let pool = cands.iter().flat_map(|c| c.norms.iter().map(move |n| (c.printed, n.as_str())));
    Resolved::Unknown(suggest(name, pool))
}

/// A row, or a group (which stands for its leaves).
pub fn row<'t>(def: &'t TableDef, name: &str) -> Resolved<RowName<'t>> {
    let mut cands: Vec<Candidate<RowName>> =
        def.rows().map(|(_, r)| Candidate { target: RowName::Row(r), key: &r.key, printed: &r.label, norms: &r.norms }).collect();
    cands.extend(def.groups.iter().map(|g| Candidate { target: RowName::Group(g), key: &g.key, printed: &g.label, norms: &g.norms }));
    resolve(name, &cands)
}

/// A column (over all parts; a key shared by parts is one column).
pub fn col<'t>(def: &'t TableDef, name: &str) -> Resolved<&'t ColDef> {
    let mut cands: Vec<Candidate<&ColDef>> = Vec::new();
    for c in def.parts.iter().flat_map(|p| &p.cols) {
        if !cands.iter().any(|k| k.key == c.key) {
            cands.push(Candidate { target: c, key: &c.key, printed: &c.label, norms: &c.norms });
        }
    }
    // A key shared by several parts may carry other labels there; accept those too.
    let extra: Vec<Candidate<&ColDef>> = def
        .parts
        .iter()
        .flat_map(|p| &p.cols)
        .filter(|c| !cands.iter().any(|k| std::ptr::eq(k.target, *c)))
        .filter_map(|c| cands.iter().find(|k| k.key == c.key).map(|k| Candidate { target: k.target, key: &c.key, printed: &c.label, norms: &c.norms }))
        .collect();
    cands.extend(extra);
    resolve(name, &cands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::by_id;

    fn t3() -> &'static TableDef {
        by_id("2021").unwrap().table("t3").unwrap()
    }

    #[test]
    fn short_forms_and_keys() {
        assert!(matches!(row(t3(), "本年新收"), Resolved::One(RowName::Row(r), _) if r.key == "new_received"));
        assert!(matches!(row(t3(), "new_received"), Resolved::One(RowName::Row(r), _) if r.key == "new_received"));
        assert!(matches!(row(t3(), "(七)总计"), Resolved::One(RowName::Row(r), _) if r.key == "total_processed"));
        assert!(matches!(row(t3(), "（三）不予公开"), Resolved::One(RowName::Group(g), _) if g.key == "denied"));
        assert!(matches!(col(t3(), "自然人"), Resolved::One(c, _) if c.key == "natural_person"));
        assert!(matches!(col(t3(), "其他"), Resolved::One(c, _) if c.key == "other_org"));
    }

    #[test]
    fn ambiguous_short_form_lists_candidates() {
        // 申请 appears in several row labels.
        let Resolved::Ambiguous(c) = row(t3(), "申请") else { panic!("ambiguous expected") };
        assert!(c.len() >= 2);
    }

    #[test]
    fn unknown_gets_suggestions() {
        let Resolved::Unknown(s) = row(t3(), "本年新收政府信息申请") else { panic!("unknown expected") };
        assert_eq!(s.first().map(String::as_str), Some("一、本年新收政府信息公开申请数量"));
    }
}
