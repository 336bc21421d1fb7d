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
    chinese(out)
}

/// miette's own English words in Chinese: `help:` (the same width as 提示：, so wrapped
/// lines stay aligned) and the severity words of related diagnostics.
fn chinese(text: String) -> String {
    const WORDS: [(&str, &str); 4] = [("help: ", "提示："), ("Advice: ", "提示："), ("Warning: ", "警告："), ("Error: ", "错误：")];
    if !WORDS.iter().any(|(en, _)| text.contains(en)) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let visible = strip_ansi(line);
        let trimmed = visible.trim_start();
        match WORDS.iter().find(|(en, _)| trimmed.starts_with(en)) {
            Some((en, zh)) => out.push_str(&line.replacen(en, zh, 1)),
            None => out.push_str(line),
        }
    }
    out
}

/// A line without its terminal colour codes.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn miettes_english_words_become_chinese() {
        let text = "  × 错\n  help: 改成这样\n        第二行\n\u{1b}[36m  help: \u{1b}[0m有颜色\nAdvice: 看这里\n  正文 help: 不动\n".to_string();
        let out = super::chinese(text);
        assert_eq!(out, "  × 错\n  提示：改成这样\n        第二行\n\u{1b}[36m  提示：\u{1b}[0m有颜色\n提示：看这里\n  正文 help: 不动\n");
    }
}
