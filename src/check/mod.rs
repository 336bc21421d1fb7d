//! Name resolution: parsed rules → [`ir::CompiledRule`]s, each resolved against every
//! template the pack applies to. A name that exists in only some templates (政府集中采购
//! is 2019 only) makes the rule not applicable on the others; a name that exists in none
//! is an error with a did-you-mean.

pub mod ir;
pub mod names;
pub mod resolve;
pub mod suggest;

use crate::diagnostics::rules::{RuleError, RuleErrorKind as K};
use crate::syntax::{ast, SourceId};
use crate::template::Template;
use ir::CompiledRule;

/// Errors that only say a name does not exist (exactly) in this template: a label of
/// another year's layout is unknown here, or only a vague short form of other labels.
fn name_only(e: &RuleError) -> bool {
    matches!(e.kind, K::UnknownRow { .. } | K::UnknownCol { .. } | K::UnknownTable { .. } | K::Ambiguous { .. })
}

/// Resolve every rule of the parsed files against the templates.
pub fn compile(files: &[(SourceId, ast::File)], templates: &[&Template]) -> (Vec<CompiledRule>, Vec<RuleError>) {
    let mut rules: Vec<CompiledRule> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for rule in files.iter().flat_map(|(_, f)| &f.rules) {
        if seen.contains(&rule.id.node.as_str()) {
            errors.push(RuleError::new(K::DuplicateRule { id: rule.id.node.clone() }, rule.id.span));
            continue;
        }
        seen.push(&rule.id.node);
        if let Some(r) = compile_rule(rule, templates, &mut errors) {
            rules.push(r);
        }
    }
    (rules, errors)
}

fn compile_rule(rule: &ast::Rule, templates: &[&Template], errors: &mut Vec<RuleError>) -> Option<CompiledRule> {
    let s = resolve::settings(&rule.body);
    if !s.has_check {
        errors.push(RuleError::new(K::NoCheck { id: rule.id.node.clone() }, rule.id.span));
    }
    let mut variants = Vec::new();
    let mut name_errors: Vec<Vec<RuleError>> = Vec::new();
    let mut other: Vec<RuleError> = Vec::new();
    let mut slots = Vec::new();
    let mut primary = None;
    let mut op_tables = Vec::new();
    for tpl in templates {
        let mut r = resolve::Resolver::new(tpl);
        let ops = r.block(&rule.body);
        let (names, rest): (Vec<_>, Vec<_>) = r.errors.into_iter().partition(name_only);
        // One error per place: the newest template's wording wins (templates go oldest first).
        for e in rest {
            match other.iter_mut().find(|o| o.span == e.span && o.code() == e.code()) {
                Some(o) => *o = e,
                None => other.push(e),
            }
        }
        if names.is_empty() {
            if slots.is_empty() {
                slots = r.slots;
            }
            primary = primary.or(r.first_table);
            if op_tables.is_empty() {
                op_tables = r.op_tables;
            }
            variants.push((tpl.id.clone(), Some(ops)));
        } else {
            variants.push((tpl.id.clone(), None));
            name_errors.push(names);
        }
    }
    if variants.iter().all(|(_, b)| b.is_none()) {
        // The newest template with the fewest errors speaks (templates go oldest first).
        if let Some(fewest) = name_errors.into_iter().rev().min_by_key(Vec::len) {
            errors.extend(fewest);
        }
    }
    let message = s.message.as_ref().map(|m| resolve::message(m, &slots, &mut other));
    let failed = !other.is_empty();
    errors.extend(other);
    if failed || variants.iter().all(|(_, b)| b.is_none()) {
        return None;
    }
    Some(CompiledRule {
        id: rule.id.node.clone(),
        title: rule.title.node.clone(),
        severity: s.severity,
        blank: s.blank,
        class: s.class,
        once: s.once,
        message,
        span: rule.span,
        id_span: rule.id.span,
        primary_table: primary.unwrap_or_else(|| "t3".into()),
        op_tables,
        variants,
        slot_names: slots,
        cases: s.cases,
    })
}
