//! `gouji review`: mark findings confirmed or dismissed, take a mark back, list the marks.
//! Marking checks the reports first, so a record keeps the values the finding rests on.

use super::args::{MarkArgs, ReviewAction, RunArgs};
use super::check::{self, Collected};
use super::say;
use gouji::review::{MarkStatus, Reviews, Status};
use std::path::PathBuf;
use std::process::ExitCode;

macro_rules! sayln {
    ($($t:tt)*) => { say(format_args!("{}\n", format_args!($($t)*))) };
}

pub fn run(action: ReviewAction) -> std::io::Result<ExitCode> {
    match action {
        ReviewAction::Dismiss { mark, comment } => set(mark, Status::Dismissed, &comment),
        ReviewAction::Confirm { mark, comment } => set(mark, Status::Confirmed, &comment),
        ReviewAction::Reset { id, reports, review } => reset(&id.trim().to_ascii_lowercase(), &reports_or_here(reports), review),
        ReviewAction::List { run } => list(run),
    }
}

fn reports_or_here(reports: Vec<PathBuf>) -> Vec<PathBuf> {
    if reports.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        reports
    }
}

/// The review file: the one given, else `gouji.review.toml` beside the reports.
fn review_path(given: Option<PathBuf>, reports: &[PathBuf]) -> PathBuf {
    gouji::review::file_of(given.as_deref(), reports)
}

/// Every finding of the reports (dismissed ones too), each marked against `review`; `None`
/// when the check could not run (it said why).
fn findings(run: &RunArgs, reports: &[PathBuf], review: &std::path::Path) -> std::io::Result<Option<Vec<Collected>>> {
    let (code, found) = check::run_with(check::Opts {
        reports: reports.to_vec(),
        rules: run.rules.clone(),
        no_default: run.no_default_rules,
        format: super::args::CheckFormat::Short,
        form: None,
        limits: gouji::Limits::default(),
        prev: None,
        aliases: run.aliases.clone(),
        issuer: None,
        year: None,
        quiet: true,
        verbose: false,
        output: None,
        review: Some(review.to_path_buf()),
        all: true,
        collect: true,
    })?;
    Ok(if code == ExitCode::from(2) && found.is_empty() { None } else { Some(found) })
}

/// Who is reviewing: `--by`, else the login name.
fn reviewer(by: Option<String>) -> String {
    by.or_else(|| ["GOUJI_REVIEWER", "USER", "USERNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))).unwrap_or_default()
}

fn set(mark: MarkArgs, status: Status, comment: &str) -> std::io::Result<ExitCode> {
    let MarkArgs { id, run, by } = mark;
    let id = id.trim().to_ascii_lowercase();
    let comment = comment.trim();
    if status == Status::Dismissed && comment.is_empty() {
        sayln!("错误：忽略一条问题须写明原因：--comment \"原因\"");
        return Ok(ExitCode::from(2));
    }
    let reports = reports_or_here(run.reports.clone());
    let path = review_path(run.review.clone(), &reports);
    if let Err(why) = gouji::review::load(&path) {
        sayln!("错误：{why}");
        return Ok(ExitCode::from(2));
    }
    let Some(found) = findings(&run, &reports, &path)? else { return Ok(ExitCode::from(2)) };
    let mut hits: Vec<&Collected> = found.iter().filter(|(_, f)| f.id == id || (id.len() >= 6 && f.id.starts_with(&id))).collect();
    // One finding can come twice (a report named twice); several ids are a real ambiguity.
    hits.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    hits.dedup_by(|a, b| a.1.id == b.1.id);
    let where_ = reports.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join("、");
    let (report, finding) = match hits.as_slice() {
        [] => {
            sayln!("错误：{where_} 的检查结果中没有编号为 {id} 的问题（gouji check 的结果中每条问题都有编号）");
            return Ok(ExitCode::from(2));
        }
        [one] => (&one.0, &one.1),
        many => {
            let ids: Vec<&str> = many.iter().map(|(_, f)| f.id.as_str()).collect();
            sayln!("错误：编号 {id} 不唯一，可能是：{}", ids.join("、"));
            return Ok(ExitCode::from(2));
        }
    };
    let (by, at) = (reviewer(by), gouji::review::now());
    let record = Reviews::record(finding, report, status, &by, &at, comment);
    let fid = finding.id.clone();
    if let Err(e) = gouji::review::update(&path, |r| {
        r.findings.insert(fid.clone(), record.clone());
        Ok(())
    }) {
        sayln!("错误：{e}");
        return Ok(ExitCode::from(2));
    }
    let after = match status {
        Status::Dismissed => "此后检查不再显示它，除非它所依据的值有变化",
        Status::Confirmed => "此后检查仍显示它，标为已确认",
    };
    super::write_all(format!("{} {fid}：[{}] {report}：{}\n  记录于 {}；{after}\n", status.word(), finding.rule, finding.message, path.display()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn reset(id: &str, reports: &[PathBuf], review: Option<PathBuf>) -> std::io::Result<ExitCode> {
    let path = review_path(review, reports);
    let removed = std::sync::Mutex::new(String::new());
    let result = gouji::review::update(&path, |r| {
        let key = match r.find(id) {
            Ok(Some((k, _))) => k.clone(),
            Ok(None) => return Err(format!("复核记录 {} 中没有编号为 {id} 的问题", path.display())),
            Err(ids) => return Err(format!("编号 {id} 不唯一，可能是：{}", ids.join("、"))),
        };
        r.findings.remove(&key);
        *removed.lock().unwrap_or_else(|e| e.into_inner()) = key;
        Ok(())
    });
    match result {
        Ok(_) => {
            let key = removed.into_inner().unwrap_or_else(|e| e.into_inner());
            super::write_all(format!("已撤销编号 {key} 的复核（记录于 {}）；此后检查时它标为“新”\n", path.display()).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            sayln!("错误：{e}");
            Ok(ExitCode::from(2))
        }
    }
}

fn list(run: RunArgs) -> std::io::Result<ExitCode> {
    let reports = reports_or_here(run.reports.clone());
    let path = review_path(run.review.clone(), &reports);
    let reviews = match gouji::review::load(&path) {
        Ok(r) => r,
        Err(e) => {
            sayln!("错误：{e}");
            return Ok(ExitCode::from(2));
        }
    };
    // Without a check, every record would read as gone: say the check failed instead.
    let Some(found) = findings(&run, &reports, &path)? else { return Ok(ExitCode::from(2)) };
    let mut out = String::new();
    use std::fmt::Write;
    if reviews.findings.is_empty() {
        let _ = writeln!(out, "复核记录 {}：还没有复核过的问题", path.display());
    } else {
        let _ = writeln!(out, "复核记录 {}：{} 条", path.display(), reviews.findings.len());
    }
    let mut records: Vec<(&String, &gouji::review::Record)> = reviews.findings.iter().collect();
    records.sort_by(|a, b| (&a.1.report, &a.1.rule, a.0).cmp(&(&b.1.report, &b.1.rule, b.0)));
    let (mut changed, mut absent) = (0, 0);
    for (id, r) in records {
        let who: Vec<&str> = [r.by.as_str(), r.at.get(..10).unwrap_or(&r.at)].into_iter().filter(|s| !s.is_empty()).collect();
        let rule = if r.rule.is_empty() { String::new() } else { format!(" [{}]", r.rule) };
        let mut about = who.join(" ");
        if !r.comment.is_empty() {
            about = if about.is_empty() { r.comment.clone() } else { format!("{about}：{}", r.comment) };
        }
        let about = if about.is_empty() { about } else { format!("（{about}）") };
        let _ = writeln!(out, "\n{} {id}{rule} {}{about}", r.status.word(), r.report);
        if !r.message.is_empty() {
            let _ = writeln!(out, "  {}", r.message);
        }
        let now = found.iter().find(|(_, f)| &f.id == id).and_then(|(_, f)| f.review.as_ref());
        let state = match now.map(|m| m.status) {
            Some(MarkStatus::Changed) => {
                changed += 1;
                format!("本次：{}", now.map(|m| m.describe()).unwrap_or_default())
            }
            Some(_) => "本次：仍然出现，值未变".to_string(),
            None => {
                absent += 1;
                "本次：检查结果中已没有这条问题（报告已改正，或不在所查的报告中）".to_string()
            }
        };
        let _ = writeln!(out, "  {state}");
    }
    let new = found.iter().filter(|(_, f)| f.review.as_ref().is_some_and(|m| m.status == MarkStatus::New) && f.class.is_failure()).count();
    let _ = writeln!(out, "\n小结：复核 {} 条，待复核 {changed}，已不再出现 {absent}；另有新问题 {new} 条未复核", reviews.findings.len());
    super::write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
