//! Report metadata from the text: title, issuer, report year, publication date.

use super::import::{Block, RawDocument};
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// Title, issuer, year and publication date, as far as the text states them.
#[derive(Debug, Default)]
pub struct Meta {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<u16>,
    pub published: Option<String>,
}

const TITLE_PREFIXES: &[&str] = &["标题:", "标题：", "标题"];

/// Searchers for the words looked for in the opening lines of every report, built once:
/// `str::contains` sets a searcher up anew for each line.
static ANNUAL: LazyLock<[Finder<'static>; 2]> = LazyLock::new(|| [Finder::new("年度报告"), Finder::new("工作报告")]);
static PUBLISHED: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("发布时间"));

pub fn read(doc: &RawDocument) -> Meta {
    let texts: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text(f) => Some(f.text.as_str()),
            Block::Row(_) | Block::Stray(_) => None,
        })
        .collect();
    let at = texts.iter().take(12).position(|t| ANNUAL.iter().any(|f| f.find(t.as_bytes()).is_some()));
    let title = at.map_or(texts.first(), |i| texts.get(i)).map(|t| {
        let t = TITLE_PREFIXES.iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t);
        t.trim().to_string()
    });
    let (mut issuer, year) = title.as_deref().map(issuer_year).unwrap_or((None, None));
    if issuer.is_none() {
        issuer = at.and_then(|i| i.checked_sub(1)).and_then(|i| issuer_line(texts[i]));
    }
    let published = published(&texts);
    Meta { title, issuer, year, published }
}

/// Issuer and year as [`read`] finds them, when its first text blocks hold the title line
/// (`…年度报告`); `None` when they do not (then the title is guessed from further on, so a
/// document cut short cannot tell).
pub fn identity(doc: &RawDocument) -> Option<(Option<String>, Option<u16>)> {
    let texts = doc.blocks.iter().filter_map(|b| match b {
        Block::Text(f) => Some(f.text.as_str()),
        Block::Row(_) | Block::Stray(_) => None,
    });
    let found = texts.take(12).any(|t| ANNUAL.iter().any(|f| f.find(t.as_bytes()).is_some()));
    found.then(|| {
        let m = read(doc);
        (m.issuer, m.year)
    })
}

/// `无锡市滨湖区民政局2020年政府信息…` → (`无锡市滨湖区民政局`, 2020).
fn issuer_year(title: &str) -> (Option<String>, Option<u16>) {
    let compact: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let b = compact.as_bytes();
    // Bytewise: the digits are ASCII (so `i` is a char boundary) and `年` is three bytes.
    let is_year = |i: usize| {
        b[i..].starts_with(b"20") && b.get(i + 2..i + 4).is_some_and(|d| d.iter().all(u8::is_ascii_digit)) && b[i + 4..].starts_with("年".as_bytes())
    };
    let Some(i) = (0..b.len().saturating_sub(4)).find(|&i| is_year(i)) else {
        return (None, None);
    };
    let issuer = compact[..i].trim_end_matches(['（', '(']).trim().to_string();
    ((!issuer.is_empty()).then_some(issuer), compact[i..i + 4].parse().ok())
}

/// A title printed in two lines puts the issuer on the line above (`洪泽区人民政府` /
/// `2023 年政府信息公开工作年度报告`): a short line without digits or field names.
fn issuer_line(line: &str) -> Option<String> {
    let line = line.trim();
    let plain = !line.chars().any(|c| c.is_ascii_digit() || c == ':' || c == '：' || c == '|');
    (plain && (2..=30).contains(&line.chars().count())).then(|| line.to_string())
}

/// Who published a report, as far as its issuer's name tells (条例 第四十九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerKind {
    /// A 县级以上 government's own report (`淮安市人民政府`, `平潭综合实验区`): by 3月31日.
    Government,
    /// A department's (`滨湖区民政局`, `…人民政府办公室`): by 1月31日.
    Department,
    /// A 乡镇 or 街道's: the law sets no date for it.
    Township,
}

/// The kind of issuer a name says, or `None` when it does not tell (a name of no known form).
pub fn issuer_kind(issuer: &str) -> Option<IssuerKind> {
    let name = issuer.trim();
    let last = name.chars().last()?;
    // A township or subdistrict is no 县级以上 government.
    if name.ends_with("乡人民政府") || name.ends_with("镇人民政府") || name.contains("街道") {
        return Some(IssuerKind::Township);
    }
    if name.ends_with("人民政府") || name.ends_with("实验区") || name.ends_with("管委会") && !name.contains("局") {
        return Some(IssuerKind::Government);
    }
    const DEPARTMENT: [char; 10] = ['局', '委', '厅', '办', '室', '署', '会', '院', '处', '心'];
    if DEPARTMENT.contains(&last) {
        return Some(IssuerKind::Department);
    }
    // A place name alone (`某某县`, `某某市某某区`): the government's report.
    matches!(last, '省' | '市' | '区' | '县' | '州' | '盟' | '旗').then_some(IssuerKind::Government)
}

/// `发布时间:2021-01-29 13:17` or a closing `2021年1月29日` line, as YYYY-MM-DD.
fn published(texts: &[&str]) -> Option<String> {
    for t in texts.iter().take(12) {
        if let Some(i) = PUBLISHED.find(t.as_bytes()) {
            if let Some(d) = date(&t[i + "发布时间".len()..]) {
                return Some(d);
            }
        }
    }
    texts.iter().rev().take(4).find_map(|t| (t.chars().count() <= 16).then(|| date(t)).flatten())
}

/// The first date in a text: `2021-01-29`, `2021/1/29` or `2021年1月29日`.
pub fn date(text: &str) -> Option<String> {
    let nums: Vec<u32> = text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).take(3).filter_map(|s| s.parse().ok()).collect();
    match nums[..] {
        [y, m, d] if (2000..2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) => Some(format!("{y:04}-{m:02}-{d:02}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_and_year_from_title() {
        let (i, y) = issuer_year("无锡市滨湖区民政局2020年政府信息公开工作年度报告");
        assert_eq!((i.as_deref(), y), (Some("无锡市滨湖区民政局"), Some(2020)));
        let (i, y) = issuer_year("洪泽区人民政府 2023 年政府信息公开工作年度报告");
        assert_eq!((i.as_deref(), y), (Some("洪泽区人民政府"), Some(2023)));
    }

    #[test]
    fn issuer_from_the_line_above_a_two_line_title() {
        let doc = crate::report::import::text::read("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n一、总体情况\n".into());
        let m = read(&doc);
        assert_eq!((m.issuer.as_deref(), m.year), (Some("洪泽区人民政府"), Some(2023)));
        let doc = crate::report::import::text::read("发布时间:2021-01-29\n2020年政府信息公开工作年度报告\n".into());
        assert_eq!(read(&doc).issuer, None);
    }

    #[test]
    fn issuer_kinds_by_name() {
        use IssuerKind::*;
        let kinds: Vec<Option<IssuerKind>> =
            ["淮安市人民政府", "平潭综合实验区", "无锡市滨湖区民政局", "淮安市人民政府办公室", "某某县", "某某镇人民政府", "某某街道办事处", "某某公司"]
                .iter()
                .map(|n| issuer_kind(n))
                .collect();
        assert_eq!(kinds, [Some(Government), Some(Government), Some(Department), Some(Department), Some(Government), Some(Township), Some(Township), None]);
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(date(":2021-01-29 13:17").as_deref(), Some("2021-01-29"));
        assert_eq!(date("2021年1月29日").as_deref(), Some("2021-01-29"));
        assert_eq!(date("无。"), None);
    }
}
