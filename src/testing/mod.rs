//! `gouji test`: regression safety for rule authors. Runs a pack's rule-level cases
//! (`case` blocks inside rules) and its report cases (`PACK/cases/*` with a findings
//! snapshot beside each) and says exactly what differs.

pub mod cases;
pub mod snapshot;

use crate::checker::Checker;
use crate::eval::Finding;
use crate::pack::Pack;
use crate::report::{self, Report};
use std::path::PathBuf;

pub use cases::CaseResult;

/// One report case: its findings now, and how they differ from the snapshot.
#[derive(Debug)]
pub struct ReportCase {
    pub path: PathBuf,
    pub snapshot: PathBuf,
    /// The report and its findings, or why it could not be read.
    pub outcome: Result<(Report, Vec<Finding>), report::ImportError>,
    /// No snapshot file yet (a difference, not a pass).
    pub missing: bool,
    pub diff: snapshot::Diff,
}

impl ReportCase {
    pub fn ok(&self) -> bool {
        self.outcome.is_ok() && !self.missing && self.diff.is_empty()
    }
}

/// Everything `gouji test` found.
#[derive(Debug)]
pub struct PackTest {
    pub cases: Vec<CaseResult>,
    pub reports: Vec<ReportCase>,
}

impl PackTest {
    pub fn ok(&self) -> bool {
        self.cases.iter().all(|c| c.failure.is_none()) && self.reports.iter().all(ReportCase::ok)
    }
}

/// Run every case of a pack; with `accept`, write the findings of every report case as
/// its new snapshot.
pub fn run(pack: &Pack, accept: bool) -> std::io::Result<PackTest> {
    let cases = pack.rules.iter().flat_map(cases::run).collect();
    let mut reports = Vec::new();
    if let Some(dir) = &pack.dir {
        let checker = Checker::new(vec![pack.clone()]);
        for path in snapshot::case_files(&dir.join("cases")) {
            reports.push(report_case(&checker, path, accept)?);
        }
    }
    Ok(PackTest { cases, reports })
}

fn report_case(checker: &Checker, path: PathBuf, accept: bool) -> std::io::Result<ReportCase> {
    let snap = snapshot::snapshot_path(&path);
    let outcome = report::read_file(&path.to_string_lossy(), None).map(|r| {
        let f = checker.check(&r);
        (r, f)
    });
    let old = std::fs::read_to_string(&snap).ok();
    let (missing, diff) = match (&outcome, &old) {
        (Ok((_, f)), Some(text)) => (false, snapshot::diff(&snapshot::from_snap(text), f)),
        (Ok((_, f)), None) => (true, snapshot::Diff { added: (0..f.len()).collect(), ..Default::default() }),
        (Err(_), _) => (old.is_none(), snapshot::Diff::default()),
    };
    if accept {
        if let Ok((_, f)) = &outcome {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            std::fs::write(&snap, snapshot::to_snap(&name, &snapshot::findings_text(f)))?;
            return Ok(ReportCase { path, snapshot: snap, outcome, missing: false, diff: snapshot::Diff::default() });
        }
    }
    Ok(ReportCase { path, snapshot: snap, outcome, missing, diff })
}
