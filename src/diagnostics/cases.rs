//! A rule-level case that did not hold, pointed at the case in the rule file.

use crate::syntax::Span;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::sync::Arc;

/// `case "…"` whose expectation failed (or whose given cells cannot be read).
#[derive(Debug)]
pub struct CaseFailure {
    /// The rule's id.
    pub rule: String,
    /// The case's name.
    pub case: String,
    /// The template the case ran on.
    pub template: String,
    /// What went wrong, in words.
    pub why: String,
    /// The rule file.
    pub source: NamedSource<Arc<str>>,
    /// The expectation (or given) to point at.
    pub span: Span,
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "规则 {} 的用例“{}”（{} 年格式）未通过", self.rule, self.case, self.template)
    }
}

impl std::error::Error for CaseFailure {}

impl Diagnostic for CaseFailure {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("gouji::test::case_failed"))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some(self.why.clone()), self.span))))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("修改规则或用例，直到 expect 与实际结果一致"))
    }
}
