//! Template files as written: every field the format knows (unknown ones are errors), with
//! the byte span of each value that validation may have to point at. `load` checks these
//! and turns them into [`super::Template`]s. The format is described in `templates/README.md`.

use serde::Deserialize;
use toml::Spanned;

/// One file: a full template (`id`, `name`, `first_year`, …) or an extension (`extends`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileDef {
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub first_year: Option<Spanned<u16>>,
    /// An extension: the ids of the templates that gain this file's sections and tables.
    pub extends: Option<Spanned<Vec<Spanned<String>>>>,
    /// Layout facts of a full template (see `templates/README.md`).
    pub template_from: Option<Spanned<Vec<Spanned<String>>>>,
    pub fallback_table: Option<Spanned<String>>,
    pub label_tables: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub sections: Vec<SectionFile>,
    #[serde(default)]
    pub tables: Vec<TableFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SectionFile {
    pub number: Spanned<u8>,
    pub title: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableFile {
    pub key: Spanned<String>,
    pub name: String,
    pub title: String,
    pub section: Spanned<u8>,
    #[serde(default)]
    pub flat: bool,
    #[serde(default)]
    pub parts: Vec<PartFile>,
    #[serde(default)]
    pub groups: Vec<GroupFile>,
    #[serde(default)]
    pub identities: Vec<IdentityFile>,
}

/// An identity of the form itself: exactly one of `total_col`, `total_row` (with `of`),
/// `left` (with `right`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentityFile {
    pub id: Spanned<String>,
    pub name: String,
    pub total_col: Option<Spanned<String>>,
    pub total_row: Option<Spanned<String>>,
    pub of: Option<Spanned<String>>,
    pub left: Option<Spanned<Vec<Spanned<String>>>>,
    pub right: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartFile {
    pub caption: Option<String>,
    pub cols: Spanned<Vec<ColFile>>,
    pub rows: Spanned<Vec<RowFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ColFile {
    pub key: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Read as text so that an unknown domain is one collected error, not a parse stop.
    pub domain: Option<Spanned<String>>,
    pub unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RowFile {
    pub key: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub group: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupFile {
    pub key: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub parent: Option<Spanned<String>>,
}
