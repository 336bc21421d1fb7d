//! Identities of a form, declared in its template: in every row a total column is the sum
//! of the others (表三's 总计, 表四's blocks), in every column a total row is the sum of a
//! group's leaves (（七）总计), and two sets of rows balance per column (the official note
//! of 表三). The decoder of glued digits uses them to choose between readings; which ones
//! it used is recorded, since those are then no longer independent evidence.

use super::TableDef;

/// One declared identity.
#[derive(Clone, Debug, PartialEq)]
pub struct IdentityDef {
    /// Short id (`I2`), as DOMAIN.md names it.
    pub id: String,
    /// What it says, for people (`每行总计等于各类申请人之和`).
    pub name: String,
    pub kind: IdentityKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IdentityKind {
    /// In every row that has the column: the column equals the sum of the row's others.
    RowTotal { col: String },
    /// In every column of the row: the row equals the sum of the group's leaves.
    ColTotal { row: String, of: String },
    /// In every column all the rows have: Σ left = Σ right.
    Balance { left: Vec<String>, right: Vec<String> },
}

/// One equation of an identity over a table's dense cells: Σ `lhs` = Σ `rhs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Index into [`TableDef::identities`].
    pub identity: usize,
    /// The row or column it is in (a row key for a row total, a column key otherwise).
    pub at: String,
    pub lhs: Vec<usize>,
    pub rhs: Vec<usize>,
}

impl Instance {
    /// Every cell of the equation.
    pub fn cells(&self) -> impl Iterator<Item = usize> + '_ {
        self.lhs.iter().chain(&self.rhs).copied()
    }
}

impl TableDef {
    /// Every equation the table's identities make, identity by identity, in template order.
    pub fn instances(&self) -> Vec<Instance> {
        let mut out = Vec::new();
        for (k, def) in self.identities.iter().enumerate() {
            match &def.kind {
                IdentityKind::RowTotal { col } => {
                    for (p, r, offset) in self.rows_with_offsets() {
                        let cols = &self.parts[p].cols;
                        let Some(t) = cols.iter().position(|c| &c.key == col) else { continue };
                        let rhs = (0..cols.len()).filter(|&j| j != t).map(|j| offset + j).collect();
                        out.push(Instance { identity: k, at: r.key.clone(), lhs: vec![offset + t], rhs });
                    }
                }
                IdentityKind::ColTotal { row, of } => {
                    let leaves: Vec<String> = self.leaves(of).into_iter().map(|r| r.key.clone()).collect();
                    for c in self.cols_of(row) {
                        let Some(total) = self.cell_ix(row, &c.key) else { continue };
                        let rhs: Option<Vec<usize>> = leaves.iter().map(|l| self.cell_ix(l, &c.key)).collect();
                        if let Some(rhs) = rhs {
                            out.push(Instance { identity: k, at: c.key.clone(), lhs: vec![total], rhs });
                        }
                    }
                }
                IdentityKind::Balance { left, right } => {
                    let Some(first) = left.first() else { continue };
                    for c in self.cols_of(first) {
                        let ix = |rows: &[String]| rows.iter().map(|r| self.cell_ix(r, &c.key)).collect::<Option<Vec<usize>>>();
                        if let (Some(lhs), Some(rhs)) = (ix(left), ix(right)) {
                            out.push(Instance { identity: k, at: c.key.clone(), lhs, rhs });
                        }
                    }
                }
            }
        }
        out
    }
}
