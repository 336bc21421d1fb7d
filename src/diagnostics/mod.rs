//! Diagnostics: rule-file mistakes (`rules`) and report findings rendered inside the
//! report source (`findings`), plus the one miette handler setup (`render`).

pub mod cases;
pub mod findings;
pub mod rules;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// 1-based line number of a byte offset (rule files, template files, reports alike).
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// “您是否指 …？” for suggestions, or nothing when there are none.
pub fn did_you_mean(words: &[String]) -> Option<String> {
    match words {
        [] => None,
        [one] => Some(format!("您是否指“{one}”？")),
        many => Some(format!("您是否指：{}？", many.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、"))),
    }
}

/// Render a diagnostic as text: unicode, no colour unless `color`, width 100.
pub fn render(diag: &dyn Diagnostic, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, diag).is_err() {
        out = diag.to_string();
    }
    out
}
