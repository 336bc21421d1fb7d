//! Rule accounting: for every report × rule one outcome, so "passed" is told from "never
//! ran". Counted during evaluation, no second pass.

use crate::report::model::UsedIdentity;
use serde::Serialize;

/// What a rule came to on one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check it made held.
    Passed,
    /// At least one check failed (whatever the severity).
    Failed,
    /// No check failed, but some could not be assessed (a cell missing, blank, unreadable;
    /// a division by zero).
    NotAssessable,
    /// Nothing was checked: a guard did not hold, the report's template is not covered,
    /// or the table is absent.
    NotApplicable,
}

impl Outcome {
    /// The word shown to people.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Passed => "通过",
            Outcome::Failed => "未通过",
            Outcome::NotAssessable => "无法评估",
            Outcome::NotApplicable => "不适用",
        }
    }
}

/// One rule on one report.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    /// The rule's id.
    pub id: String,
    /// What it came to.
    pub outcome: Outcome,
    /// Checks evaluated (each binding of each `check`).
    pub checked: usize,
    /// Checks that failed.
    pub failed: usize,
    /// Checks that could not be assessed.
    pub not_assessable: usize,
    /// Checks that restate an identity the importer used to decode their cells (glued
    /// digits): they hold by that decoding, not as independent evidence.
    #[serde(skip_serializing_if = "is_zero")]
    pub on_decoding: usize,
    /// Those identities, each instance once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decoded_by: Vec<UsedIdentity>,
    /// Why, for `not_assessable` and `not_applicable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Counts of a set of outcomes: `规则 7 条：通过 5，未通过 1，无法评估 1，不适用 0`.
pub fn summary(rules: &[RuleOutcome]) -> String {
    let n = |o: Outcome| rules.iter().filter(|r| r.outcome == o).count();
    format!(
        "规则 {} 条：通过 {}，未通过 {}，无法评估 {}，不适用 {}",
        rules.len(),
        n(Outcome::Passed),
        n(Outcome::Failed),
        n(Outcome::NotAssessable),
        n(Outcome::NotApplicable)
    )
}

impl RuleOutcome {
    /// What the identities of [`Self::decoded_by`] decided: `拆分连写数字`, `确定无标签行的位置`.
    pub fn decoded_for(&self) -> String {
        UsedIdentity::purposes(&self.decoded_by)
    }

    /// `I1（本年度办理结果等于各项之和：自然人列、总计列）`: the identities its checks
    /// restate, grouped by identity; empty when none.
    pub fn decoded_by_text(&self) -> String {
        UsedIdentity::grouped(&self.decoded_by)
    }
}
