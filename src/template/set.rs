//! The templates one run knows: the embedded ones, plus those a pack brings.

use super::{load, Template, TemplateErrors};
use std::sync::{Arc, OnceLock};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// An ordered set of validated templates, oldest first (by `first_year`, all distinct).
/// Never empty: every set starts from the embedded templates.
#[derive(Clone, Debug)]
pub struct TemplateSet {
    templates: Vec<Arc<Template>>,
}

impl TemplateSet {
    /// The embedded templates (every `templates/*.toml`), parsed and validated once.
    pub fn builtin() -> &'static TemplateSet {
        static CELL: OnceLock<TemplateSet> = OnceLock::new();
        CELL.get_or_init(|| {
            let files: Vec<(String, String)> = EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
            match load::load(&[], &files) {
                Ok(templates) if !templates.is_empty() => TemplateSet { templates },
                // Embedded data, checked by the test suite: a broken build, not bad input.
                Ok(_) => panic!("内置模板为空"),
                Err(e) => panic!("内置模板有误：\n{}", e.render(false)),
            }
        })
    }

    /// This set with more template files added: full templates (a new year) and extensions
    /// (tables added to templates of this set or of `files`). `files` are (display name,
    /// text) pairs; extensions apply in the order given. Every mistake in every file is
    /// collected; on any, nothing is added.
    pub fn extended(&self, files: &[(String, String)]) -> Result<TemplateSet, TemplateErrors> {
        if files.is_empty() {
            return Ok(self.clone());
        }
        Ok(TemplateSet { templates: load::load(&self.templates, files)? })
    }

    /// A template by id.
    pub fn get(&self, id: &str) -> Option<&Arc<Template>> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// The default template for a report year: the newest whose `first_year` ≤ year (no
    /// year: the newest); the oldest when the year is before them all.
    pub fn for_year(&self, year: Option<u16>) -> &Arc<Template> {
        let year = year.unwrap_or(u16::MAX);
        self.templates.iter().rev().find(|t| t.first_year <= year).unwrap_or(&self.templates[0])
    }

    /// The templates, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.templates.iter().map(|t| &**t)
    }

    /// The templates as shared handles, oldest first.
    pub fn arcs(&self) -> &[Arc<Template>] {
        &self.templates
    }

    /// Template ids, oldest first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|t| t.id.as_str())
    }

    /// Number of templates.
    pub fn len(&self) -> usize {
        self.templates.len()
    }

    /// Always false (a set holds at least the embedded templates); for clippy's `len` rule.
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }
}
