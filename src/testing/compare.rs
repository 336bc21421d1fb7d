//! A snapshot compared with the findings now. The verdict is exact: the file must be what
//! `--accept` would write (header checked, body equal byte for byte, so order and number
//! of findings count). The rest of [`Diff`] only explains a difference: findings added,
//! removed or changed, the order, text that belongs to no finding, a bad header, and —
//! when no single finding differs — a line diff of the whole file.

use super::snapshot::{self, HeaderProblem, Part};
use similar::{ChangeTag, TextDiff};

/// How a snapshot file differs from the findings now.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// The file is not what `--accept` would write. Everything below explains why.
    pub differs: bool,
    /// Indexes into the new findings.
    pub added: Vec<usize>,
    /// Old blocks no longer produced.
    pub removed: Vec<String>,
    /// (old block, index of the new finding).
    pub changed: Vec<(String, usize)>,
    /// What is wrong with the header, if anything.
    pub header: Option<HeaderProblem>,
    /// Findings present in both appear in another order.
    pub reordered: bool,
    /// Parts of the snapshot that belong to no finding.
    pub stray: Vec<String>,
    /// Every stray part comes after the last finding.
    pub stray_at_end: bool,
    /// A line diff of the key lines (snapshot → now), when only the order differs.
    pub order: Vec<String>,
    /// A line diff of the whole file (snapshot → now), when no finding differs and the
    /// order alone does not explain it.
    pub text: Vec<String>,
}

impl Diff {
    /// No difference at all.
    pub fn is_empty(&self) -> bool {
        !self.differs
    }

    /// Some finding was added, removed or changed.
    pub fn blocks_differ(&self) -> bool {
        !(self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty())
    }
}

/// Compare a snapshot file of case `case_name` with the blocks of the findings now.
pub fn compare(case_name: &str, file: &str, new_blocks: &[String]) -> Diff {
    let snap = snapshot::read_snap(file, case_name);
    let expected_body = snapshot::body_text(new_blocks);
    if snap.header.is_none() && snap.body == expected_body {
        return Diff::default();
    }
    let mut d = Diff { differs: true, header: snap.header.clone(), ..Diff::default() };
    let parts = snapshot::parts(snap.body);
    let old: Vec<(&str, &str)> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Block { key, text } => Some((key.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    let last_block = parts.iter().rposition(|p| matches!(p, Part::Block { .. }));
    let mut stray_at = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if let Part::Stray(t) = p {
            d.stray.push(t.clone());
            stray_at.push(i);
        }
    }
    d.stray_at_end = stray_at.iter().all(|&i| last_block.is_none_or(|b| i > b));
    match_blocks(&old, new_blocks, &mut d);
    if d.blocks_differ() {
        return d;
    }
    // Laid out as `--accept` writes it, only in another order: the key lines say it all.
    let old_texts: Vec<String> = old.iter().map(|(_, t)| t.to_string()).collect();
    if d.reordered && d.header.is_none() && d.stray.is_empty() && snap.body == snapshot::body_text(&old_texts) {
        let old_keys: String = old.iter().map(|(k, _)| format!("{k}\n")).collect();
        let new_keys: String = new_blocks.iter().map(|b| format!("{}\n", b.lines().next().unwrap_or(""))).collect();
        d.order = line_diff(&old_keys, &new_keys, 1, false);
        return d;
    }
    // Nothing per finding explains it: show the whole file against what it should be.
    let expected = match snap.header {
        None => format!("{}{expected_body}", &file[..file.len() - snap.body.len()]),
        Some(_) => snapshot::to_snap(case_name, &expected_body),
    };
    d.text = line_diff(file, &expected, 1, true);
    d
}

/// Pair old and new blocks with the same key line: first identical ones, then the rest in
/// order (the n-th leftover with a key pairs with the n-th), so two findings with the same
/// key line never collide and a vanished one shows as removed, not as changed.
fn match_blocks(old: &[(&str, &str)], new: &[String], d: &mut Diff) {
    let key = |b: &str| b.lines().next().unwrap_or("").to_string();
    let mut taken = vec![false; old.len()];
    let mut pair: Vec<Option<usize>> = vec![None; new.len()];
    for (i, b) in new.iter().enumerate() {
        let k = key(b);
        if let Some(j) = (0..old.len()).find(|&j| !taken[j] && old[j].0 == k && same(old[j].1, b)) {
            taken[j] = true;
            pair[i] = Some(j);
        }
    }
    let unpaired: Vec<usize> = (0..new.len()).filter(|&i| pair[i].is_none()).collect();
    for i in unpaired {
        let k = key(&new[i]);
        match (0..old.len()).find(|&j| !taken[j] && old[j].0 == k) {
            Some(j) => {
                taken[j] = true;
                pair[i] = Some(j);
                d.changed.push((old[j].1.to_string(), i));
            }
            None => d.added.push(i),
        }
    }
    d.removed = old.iter().zip(&taken).filter(|(_, t)| !**t).map(|((_, b), _)| b.to_string()).collect();
    let order: Vec<usize> = pair.iter().flatten().copied().collect();
    d.reordered = order.windows(2).any(|w| w[0] > w[1]);
}

/// Two blocks are the same finding text (the blank lines around them aside).
fn same(old: &str, new: &str) -> bool {
    old.trim_matches('\n') == new.trim_matches('\n')
}

/// A unified line diff from `old` to `new`: `- ` / `+ ` / `  ` lines, `context` unchanged
/// lines around each change. Hunks start with `@@ -a,b +c,d @@` when `headers`, else are
/// separated by `  …`.
pub fn line_diff(old: &str, new: &str, context: usize, headers: bool) -> Vec<String> {
    let diff = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for (n, hunk) in diff.unified_diff().context_radius(context).iter_hunks().enumerate() {
        if headers {
            out.push(hunk.header().to_string());
        } else if n > 0 && context > 0 {
            out.push("  …".into());
        }
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                ChangeTag::Delete => "-",
                ChangeTag::Insert => "+",
                ChangeTag::Equal => " ",
            };
            out.push(format!("{sign} {}", change.to_string_lossy().trim_end_matches('\n')));
            if change.missing_newline() {
                out.push("  （上一行末尾没有换行）".into());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn file(v: &[&str]) -> String {
        snapshot::to_snap("a.txt", &snapshot::body_text(&blocks(v)))
    }

    const A: &str = "[r] c=自然人\n  error · 报告错误\n  左边 1\n";
    const B: &str = "[r] c=总计\n  error · 报告错误\n  左边 2\n";

    #[test]
    fn the_same_text_is_no_difference() {
        assert!(compare("a.txt", &file(&[A, B]), &blocks(&[A, B])).is_empty());
        assert!(compare("a.txt", &file(&[]), &[]).is_empty());
    }

    #[test]
    fn a_reordered_snapshot_differs_as_a_whole() {
        let d = compare("a.txt", &file(&[B, A]), &blocks(&[A, B]));
        assert!(d.differs && d.reordered && !d.blocks_differ() && d.text.is_empty());
        assert_eq!(d.order, vec!["+ [r] c=自然人", "  [r] c=总计", "- [r] c=自然人"]);
        // Reordered and also laid out differently: the whole file is shown.
        let loose = file(&[B, A]).replace("\n\n", "\n\n\n");
        let d = compare("a.txt", &loose, &blocks(&[A, B]));
        assert!(d.reordered && d.order.is_empty());
        assert!(d.text.iter().any(|l| l.starts_with("@@ ")), "{:?}", d.text);
    }

    #[test]
    fn trailing_text_is_stray() {
        let d = compare("a.txt", &format!("{}\nnote\n", file(&[A])), &blocks(&[A]));
        assert!(d.differs && !d.blocks_differ() && d.stray_at_end);
        assert_eq!(d.stray, vec!["note\n".to_string()]);
        assert!(d.text.contains(&"- note".to_string()), "{:?}", d.text);
        let blank = compare("a.txt", &format!("{}\n", file(&[A])), &blocks(&[A]));
        assert!(blank.differs && blank.stray.is_empty() && !blank.text.is_empty());
    }

    #[test]
    fn a_line_appended_changes_the_last_block() {
        let d = compare("a.txt", &format!("{}x\n", file(&[A, B])), &blocks(&[A, B]));
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].1, 1);
    }

    #[test]
    fn a_missing_header_is_reported_with_the_body_compared() {
        let d = compare("a.txt", &snapshot::body_text(&blocks(&[A])), &blocks(&[A]));
        assert_eq!(d.header, Some(HeaderProblem::Missing));
        assert!(!d.blocks_differ());
        assert!(d.text.contains(&"+ ---".to_string()), "{:?}", d.text);
    }

    #[test]
    fn equal_key_lines_pair_by_content_then_by_order() {
        let a2 = "[r] c=自然人\n  error · 报告错误\n  左边 9\n";
        // The first of two same-key findings vanished: removed, not changed.
        let d = compare("a.txt", &file(&[A, a2]), &blocks(&[a2]));
        assert_eq!((d.added.len(), d.changed.len()), (0, 0));
        assert_eq!(d.removed, vec![A.to_string()]);
        // One of them truly changed: paired with the leftover of the same key.
        let a3 = "[r] c=自然人\n  error · 报告错误\n  左边 7\n";
        let d = compare("a.txt", &file(&[A, a2]), &blocks(&[A, a3]));
        assert_eq!((d.added.len(), d.removed.len()), (0, 0));
        assert_eq!(d.changed, vec![(a2.to_string(), 1)]);
    }

    #[test]
    fn line_diff_is_a_real_diff() {
        let d = line_diff("a\nb\nc\n", "a\nc\nd\n", 0, false);
        assert_eq!(d, vec!["- b", "+ d"]);
        let u = line_diff("a\nb\n", "a\nb", 1, true);
        assert!(u[0].starts_with("@@ -"), "{u:?}");
        assert!(u.iter().any(|l| l.contains("没有换行")), "{u:?}");
    }
}
