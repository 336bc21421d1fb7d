//! `--format csv`: one row per finding, for spreadsheets. UTF-8 with a byte-order mark
//! so a spreadsheet on Windows shows the Chinese right; quoting by the csv crate.

use super::check::Outcome;
use crate::diagnostics::findings::{class_word, severity_word};
use crate::eval::Finding;

/// The byte-order mark the file starts with.
pub const BOM: &str = "\u{feff}";

/// The header row: path, issuer, year, rule, title, severity, class, binding, cells,
/// lhs, rhs, delta, message, the prose cited (a sentence, for rules on the prose), the
/// finding's id (what `gouji review` takes) and its review mark (in a run with a review file).
pub const HEADER: [&str; COLUMNS] =
    ["文件", "发布机关", "年度", "规则", "标题", "严重程度", "类别", "位置", "单元格", "左边", "右边", "差", "说明", "正文", "编号", "复核"];

/// Columns of a row.
pub const COLUMNS: usize = 16;

/// The rows of one report: a row per finding, or one row saying why the file could not
/// be read. `extra` findings (the batch's own, such as two reports of one year) follow.
pub fn rows(path: &str, o: &Outcome, extra: &[Finding]) -> Vec<[String; COLUMNS]> {
    let (report, eval) = match o {
        Ok(x) => x,
        Err(e) => {
            let mut row: [String; COLUMNS] = Default::default();
            row[0] = path.to_string();
            row[6] = "无法读取".into();
            row[12] = e.to_string();
            return vec![row];
        }
    };
    let issuer = report.issuer.clone().unwrap_or_default();
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    let num = |d: Option<rust_decimal::Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    eval.findings
        .iter()
        .chain(extra)
        .map(|f| {
            let binding: Vec<String> = f.binding.iter().map(|b| format!("{}={}", b.var, b.label)).collect();
            // A previous year's cell names itself 上年·….
            let cells: Vec<String> = f.cells.iter().map(|c| c.describe()).collect();
            let prose: Vec<String> = f.evidence.iter().map(|e| format!("{}「{}」", e.describe(), e.text)).collect();
            [
                path.to_string(),
                issuer.clone(),
                year.clone(),
                f.rule.clone(),
                f.title.clone(),
                severity_word(f.severity).into(),
                class_word(f).into(),
                binding.join("，"),
                cells.join("；"),
                num(f.lhs),
                num(f.rhs),
                num(f.delta),
                f.message.clone(),
                prose.join("；"),
                f.id.clone(),
                f.review.as_ref().map(|m| m.describe()).unwrap_or_default(),
            ]
        })
        .collect()
}

/// Rows as CSV text (no header), for a writer that puts the batch together.
pub fn to_text(rows: &[[String; COLUMNS]]) -> String {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for r in rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The header line as CSV text, after the byte-order mark.
pub fn header_text() -> String {
    format!("{BOM}{}", to_text(&[HEADER.map(String::from)]))
}
