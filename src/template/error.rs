//! Template-file mistakes, each pointed at its line in the TOML file, collected per set.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// One mistake in a template file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// `gouji::template::…`.
    pub code: &'static str,
    /// One line, in Chinese.
    pub message: String,
    pub help: Option<String>,
    /// The file's display name (`templates/2021.toml`, `pack/templates/dept.toml`).
    pub file: String,
    /// Byte range in the file's text.
    pub span: Range<usize>,
}

impl TemplateError {
    /// The short label under the span.
    pub fn label(&self) -> &'static str {
        match self.code.rsplit("::").next().unwrap_or("") {
            "syntax" => "无法解析",
            "unknown_field" => "未知字段",
            "missing_field" => "缺少字段",
            "type_error" => "类型不符",
            "duplicate_key" => "重复",
            "dangling_group" | "dangling_parent" => "未定义的分组",
            "cycle" => "循环",
            "unknown_domain" => "未知取值范围",
            "unknown_section" => "未知部分",
            "unknown_template" => "未知模板",
            "unknown_table" => "未知表格",
            "duplicate_template" | "duplicate_year" | "already_defined" => "已存在",
            "empty" => "为空",
            "empty_group" => "没有行",
            "bad_key" => "不合法的键",
            "flat_cols" => "列数不一致",
            _ => "此处",
        }
    }
}

/// Every mistake found in a set of template files, with the files to show them in.
#[derive(Debug, Clone, Default)]
pub struct TemplateErrors {
    pub errors: Vec<TemplateError>,
    /// File display name and text.
    pub sources: Vec<(String, Arc<str>)>,
}

impl TemplateErrors {
    /// One miette diagnostic per error, each with its own file.
    pub fn diagnostics(&self) -> Vec<PointedTemplateError> {
        self.errors
            .iter()
            .map(|e| {
                let text = self.sources.iter().find(|(n, _)| *n == e.file).map_or_else(|| Arc::from(""), |(_, t)| t.clone());
                PointedTemplateError { error: e.clone(), source: NamedSource::new(e.file.clone(), text) }
            })
            .collect()
    }

    /// All diagnostics rendered (see [`crate::diagnostics::render`]), one after another.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in self.diagnostics() {
            out.push_str(&crate::diagnostics::render(&d, color));
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for TemplateErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "模板文件有 {} 处错误", self.errors.len())
    }
}

impl std::error::Error for TemplateErrors {}

impl Diagnostic for TemplateErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("gouji::template"))
    }
}

/// One template error with its file, ready for miette.
#[derive(Debug)]
pub struct PointedTemplateError {
    pub error: TemplateError,
    pub source: NamedSource<Arc<str>>,
}

impl fmt::Display for PointedTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for PointedTemplateError {}

impl Diagnostic for PointedTemplateError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.error.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.source.inner().len();
        if len == 0 {
            return None;
        }
        // Clamped: a span past the end would make miette drop the whole snippet.
        let start = self.error.span.start.min(len);
        let end = self.error.span.end.clamp(start, len);
        let label = LabeledSpan::new_with_span(Some(self.error.label().to_string()), start..end);
        Some(Box::new(std::iter::once(label)))
    }
}
