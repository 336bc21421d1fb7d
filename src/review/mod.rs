//! Review: an office's verdicts on findings, kept in `gouji.review.toml` beside the reports.
//!
//! Each finding reviewed is a record under its stable id (rule, report identity, binding,
//! cited cells' keys): confirmed or dismissed, by whom, when, why, and the values of its
//! cells when it was reviewed. A check marks every finding against the file: 新 (not in
//! it), 已确认, 已忽略 (hidden unless asked for), or 待复核 — reviewed, but the values
//! behind it have changed since, so the verdict no longer covers it.

mod store;

pub use store::{load, update, StoreError};

use crate::eval::{Evaluation, Finding};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The review file's name, looked for beside the reports.
pub const FILE_NAME: &str = "gouji.review.toml";

/// Where a run's review file is: the folder given, or the folder of the file given.
pub fn beside(report_or_folder: &Path) -> PathBuf {
    if report_or_folder.is_dir() {
        report_or_folder.join(FILE_NAME)
    } else {
        report_or_folder.parent().map_or_else(|| PathBuf::from(FILE_NAME), |p| p.join(FILE_NAME))
    }
}

/// A run's review file: the one given, else the one beside the first report or folder
/// (beside the working folder when none is given).
pub fn file_of(given: Option<&Path>, reports: &[PathBuf]) -> PathBuf {
    match (given, reports.first()) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(r)) => beside(r),
        (None, None) => beside(Path::new(".")),
    }
}

/// A reviewer's verdict on a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// A real problem of the report.
    #[serde(rename = "确认", alias = "confirmed")]
    Confirmed,
    /// Not a problem (a false finding, or accepted with a reason).
    #[serde(rename = "忽略", alias = "dismissed")]
    Dismissed,
}

impl Status {
    /// `已确认` / `已忽略`
    pub fn word(self) -> &'static str {
        match self {
            Status::Confirmed => "已确认",
            Status::Dismissed => "已忽略",
        }
    }
}

/// One finding's review, as the file keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Confirmed or dismissed.
    pub status: Status,
    /// The finding's rule (for the reader of the file; the id decides).
    #[serde(default)]
    pub rule: String,
    /// The report it was found in, as the run named it.
    #[serde(default)]
    pub report: String,
    /// The finding's message when it was reviewed.
    #[serde(default)]
    pub message: String,
    /// Who reviewed it.
    #[serde(default)]
    pub by: String,
    /// When (`2026-12-03T20:11:05+08:00`).
    #[serde(default)]
    pub at: String,
    /// Why.
    #[serde(default)]
    pub comment: String,
    /// The cited cells' and sentences' values when it was reviewed, by key
    /// (`t4.review.total` = "0"): a later run whose values differ marks it 待复核.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

/// The review file: records by finding id, sorted (so it diffs well).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviews {
    /// The records.
    #[serde(default)]
    pub findings: BTreeMap<String, Record>,
}

/// What the review says of a finding in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkStatus {
    /// Not in the review file.
    New,
    /// Confirmed, values unchanged.
    Confirmed,
    /// Dismissed, values unchanged (hidden unless all are asked for).
    Dismissed,
    /// Reviewed, but a value behind it changed since: to be reviewed again.
    Changed,
}

impl MarkStatus {
    /// `新` / `已确认` / `已忽略` / `待复核`
    pub fn word(self) -> &'static str {
        match self {
            MarkStatus::New => "新",
            MarkStatus::Confirmed => "已确认",
            MarkStatus::Dismissed => "已忽略",
            MarkStatus::Changed => "待复核",
        }
    }
}

/// A value that changed since the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The cell's or sentence's key.
    pub key: String,
    /// The cell's or sentence's name for people (`四、行政复议·总计`).
    pub label: String,
    /// Its value when reviewed (`None`: it was not cited then).
    pub was: Option<String>,
    /// Its value now (`None`: it is not cited now).
    pub now: Option<String>,
}

/// A finding's mark in a run with a review file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// New, confirmed, dismissed or changed.
    pub status: MarkStatus,
    /// The earlier verdict (for confirmed, dismissed and changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<Status>,
    /// Who reviewed it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub by: String,
    /// When.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub at: String,
    /// Why.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// What changed since (for changed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

impl Mark {
    /// `新`, `已忽略（张三 2026-12-03：口径不同）`, `待复核（上次已忽略；… 由 0 变为 5）`
    pub fn describe(&self) -> String {
        let who: Vec<&str> = [self.by.as_str(), self.at.get(..10).unwrap_or(&self.at)].into_iter().filter(|s| !s.is_empty()).collect();
        let mut about = who.join(" ");
        if !self.comment.is_empty() {
            about = if about.is_empty() { self.comment.clone() } else { format!("{about}：{}", self.comment) };
        }
        match self.status {
            MarkStatus::New => "新".into(),
            MarkStatus::Confirmed | MarkStatus::Dismissed if about.is_empty() => self.status.word().into(),
            MarkStatus::Confirmed | MarkStatus::Dismissed => format!("{}（{about}）", self.status.word()),
            MarkStatus::Changed => {
                let was = self.was.map_or("", Status::word);
                let changes: Vec<String> = self.changes.iter().map(Change::describe).collect();
                format!("待复核（上次{was}，其后{}）", changes.join("，"))
            }
        }
    }
}

impl Change {
    /// `四、行政复议·总计 由“0”变为“5”`
    pub fn describe(&self) -> String {
        match (&self.was, &self.now) {
            (Some(w), Some(n)) => format!("{} 由“{w}”变为“{n}”", self.label),
            (None, Some(n)) => format!("{} 新引用（“{n}”）", self.label),
            (Some(w), None) => format!("{} 不再引用（原为“{w}”）", self.label),
            (None, None) => self.label.clone(),
        }
    }
}

/// A cell the report lacks, and one the importer left unread, as review values say them.
const MISSING: &str = "（缺失）";
const DOUBTED: &str = "（提取存疑）";

/// What a finding cites, by key: each cell (`t4.review.total`, its name for people, its
/// printed text — a blank cell is ""), each sentence's number (`text.1.1`: section, then
/// which cited number of it; `13件`).
fn cited(f: &Finding) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for c in &f.cells {
        let v = match &c.raw {
            Some(raw) => raw.clone(),
            None if c.doubted => DOUBTED.into(),
            None => MISSING.into(),
        };
        out.insert(c.key(), (c.name(), v));
    }
    let mut nth: BTreeMap<(usize, u8), usize> = BTreeMap::new();
    for e in &f.evidence {
        let n = nth.entry((e.report, e.section)).or_default();
        *n += 1;
        let prev = if e.report == 1 { "prev." } else { "" };
        let value = e.raw.clone().unwrap_or_else(|| e.text.clone());
        out.insert(format!("{prev}text.{}.{n}", e.section), (format!("正文（{}）", e.title), value));
    }
    for (key, label, value) in &f.rests_on {
        out.insert(key.clone(), (label.clone(), value.clone()));
    }
    // A finding citing nothing else (a rule's notice) rests on what it says.
    if out.is_empty() {
        out.insert("message".into(), ("问题说明".into(), f.message.clone()));
    }
    out
}

/// The values a finding rests on, by key (what a review record keeps).
pub fn values_of(f: &Finding) -> BTreeMap<String, String> {
    cited(f).into_iter().map(|(k, (_, v))| (k, v)).collect()
}

impl Reviews {
    /// Parse a review file's text; what is wrong in Chinese, with the line.
    pub fn parse(text: &str) -> Result<Reviews, String> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            let at = line.map(|l| format!("第 {l} 行")).unwrap_or_default();
            let msg = e.message();
            let what = if msg.starts_with("unknown field") {
                "有不认识的字段（每条可用 status、rule、report、message、by、at、comment、values）"
            } else if msg.starts_with("unknown variant") {
                "的 status 应为 \"确认\" 或 \"忽略\""
            } else if msg.starts_with("missing field") {
                "缺少 status（\"确认\" 或 \"忽略\"）"
            } else if msg.starts_with("invalid type") || msg.starts_with("wanted") {
                "的值类型不对（文字要加引号，values 下每项是文字）"
            } else {
                "格式有误（TOML：[findings.编号] 下每行 键 = 值）"
            };
            format!("{at}{what}")
        })
    }

    /// The file's text: a heading that says how to use it, then the records by id. An
    /// error (never expected) rather than an empty body, which would drop every mark.
    pub fn to_text(&self) -> Result<String, String> {
        let body = toml::to_string(self).map_err(|e| format!("无法写出复核记录：{e}"))?;
        Ok(format!("{HEADING}\n{body}"))
    }

    /// The record of a finding id, or of the one id `prefix` begins (at least 6 characters).
    pub fn find(&self, prefix: &str) -> Result<Option<(&String, &Record)>, Vec<String>> {
        if let Some((k, r)) = self.findings.get_key_value(prefix) {
            return Ok(Some((k, r)));
        }
        let hits: Vec<(&String, &Record)> = self.findings.iter().filter(|(k, _)| prefix.len() >= 6 && k.starts_with(prefix)).collect();
        match hits.len() {
            0 => Ok(None),
            1 => Ok(Some(hits[0])),
            _ => Err(hits.into_iter().map(|(k, _)| k.clone()).collect()),
        }
    }

    /// A finding's mark against this file.
    pub fn mark(&self, f: &Finding) -> Mark {
        let Some(record) = self.findings.get(&f.id) else {
            return Mark { status: MarkStatus::New, was: None, by: String::new(), at: String::new(), comment: String::new(), changes: Vec::new() };
        };
        let cited = cited(f);
        let now: BTreeMap<&String, &String> = cited.iter().map(|(k, (_, v))| (k, v)).collect();
        let label = |k: &str| cited.get(k).map_or_else(|| k.to_string(), |(l, _)| l.clone());
        let mut changes = Vec::new();
        for (k, was) in &record.values {
            match now.get(k) {
                Some(n) if *n == was => {}
                n => changes.push(Change { key: k.clone(), label: label(k), was: Some(was.clone()), now: n.map(|n| n.to_string()) }),
            }
        }
        // A record without values (written by hand) took none to compare: it stands as
        // recorded. gouji always records some (every finding rests on something).
        let recorded = !record.values.is_empty();
        for (k, n) in now.iter().filter(|(k, _)| recorded && !record.values.contains_key(k.as_str())) {
            changes.push(Change { key: k.to_string(), label: label(k), was: None, now: Some(n.to_string()) });
        }
        let status = match (changes.is_empty(), record.status) {
            (false, _) => MarkStatus::Changed,
            (true, Status::Confirmed) => MarkStatus::Confirmed,
            (true, Status::Dismissed) => MarkStatus::Dismissed,
        };
        Mark { status, was: Some(record.status), by: record.by.clone(), at: record.at.clone(), comment: record.comment.clone(), changes }
    }

    /// Mark every finding of an evaluation; dismissed ones (values unchanged) move to
    /// `eval.dismissed` unless `show_all`, where they stay, marked 已忽略.
    pub fn apply(&self, eval: &mut Evaluation, show_all: bool) {
        let mut kept = Vec::with_capacity(eval.findings.len());
        for mut f in std::mem::take(&mut eval.findings) {
            let mark = self.mark(&f);
            let hide = mark.status == MarkStatus::Dismissed && !show_all;
            f.review = Some(mark);
            if hide {
                eval.dismissed.push(f);
            } else {
                kept.push(f);
            }
        }
        eval.findings = kept;
    }

    /// A record for a finding: its values now, who, when, why.
    pub fn record(f: &Finding, report: &str, status: Status, by: &str, at: &str, comment: &str) -> Record {
        Record {
            status,
            rule: f.rule.clone(),
            report: report.to_string(),
            message: f.message.clone(),
            by: by.to_string(),
            at: at.to_string(),
            comment: comment.to_string(),
            values: values_of(f),
        }
    }
}

/// What the file says of itself, on top (rewritten each time the tool writes it).
const HEADING: &str = "# gouji 复核记录：每条问题以编号为名，status 为 \"确认\" 或 \"忽略\"。
# 由 gouji review dismiss / confirm / reset 写入，也可手工编辑；values 是复核时所引单元格的值，
# 其后检查时这些值变了，该问题标为“待复核”重新显示。";

/// Now, as the file records it: Beijing time (the offices using this tool keep it),
/// `2026-12-03T20:11:05+08:00`, from the system clock with no time-zone database.
pub fn now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64 + 8 * 3600;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+08:00", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
    }

    #[test]
    fn a_file_round_trips_and_its_mistakes_are_said() {
        let mut r = Reviews::default();
        let mut values = BTreeMap::new();
        values.insert("t4.review.total".to_string(), "0".to_string());
        r.findings.insert(
            "00aa11bb22cc33dd".into(),
            Record {
                status: Status::Dismissed,
                rule: "t4.block_total".into(),
                report: "a.txt".into(),
                message: "m".into(),
                by: "张三".into(),
                at: "2026-12-03T20:11:05+08:00".into(),
                comment: "口径不同".into(),
                values,
            },
        );
        let text = r.to_text().unwrap();
        assert!(text.contains("status = \"忽略\""), "{text}");
        assert_eq!(Reviews::parse(&text).unwrap(), r);
        assert_eq!(Reviews::parse("[findings.x]\nstatus = \"dismissed\"\n").unwrap().findings["x"].status, Status::Dismissed);
        assert_eq!(Reviews::parse("[findings.x]\nstatus = \"也许\"\n").unwrap_err(), "第 2 行的 status 应为 \"确认\" 或 \"忽略\"");
        assert_eq!(
            Reviews::parse("[findings.x]\nwho = 1\n").unwrap_err(),
            "第 2 行有不认识的字段（每条可用 status、rule、report、message、by、at、comment、values）"
        );
        assert!(Reviews::parse("[findings.x\n").unwrap_err().starts_with("第 1 行格式有误"));
        assert_eq!(r.find("00aa11").unwrap().unwrap().0, "00aa11bb22cc33dd");
        assert!(r.find("00aa1").unwrap().is_none(), "a prefix shorter than 6 is no id");
    }
}
