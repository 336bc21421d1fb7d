//! `gouji test`: regression safety for rule authors. Runs a pack's rule-level cases
//! (`case` blocks inside rules) and its report cases (`PACK/cases/*` with a findings
//! snapshot beside each) and says exactly what differs.

pub mod cases;
pub mod compare;
pub mod snapshot;

use crate::eval::Finding;
use crate::pack::Pack;
use crate::report::{self, Report};
use std::path::PathBuf;

pub use cases::CaseResult;
pub use compare::Diff;

/// One report case: its findings now, and how they differ from the snapshot.
#[derive(Debug)]
pub struct ReportCase {
    /// The report checked.
    pub path: PathBuf,
    /// For a pair, the previous year's report it was checked with (`NAME.prev.EXT`).
    pub previous: Option<PathBuf>,
    pub snapshot: PathBuf,
    /// The report and its findings, or why it could not be read.
    pub outcome: Result<(Report, Vec<Finding>), report::ImportError>,
    /// No snapshot file yet (a difference, not a pass).
    pub missing: bool,
    pub diff: Diff,
}

impl ReportCase {
    pub fn ok(&self) -> bool {
        self.outcome.is_ok() && !self.missing && self.diff.is_empty()
    }
}

/// What `--accept` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Not asked for.
    No,
    /// This many snapshot files were (re)written; the others already held.
    Written(usize),
    /// Nothing was written: a rule-level case fails, so the findings cannot be trusted.
    Refused,
}

/// Everything `gouji test` found.
#[derive(Debug)]
pub struct PackTest {
    pub cases: Vec<CaseResult>,
    pub reports: Vec<ReportCase>,
    pub accept: Accept,
}

impl PackTest {
    pub fn ok(&self) -> bool {
        self.cases.iter().all(|c| c.failure.is_none()) && self.reports.iter().all(ReportCase::ok)
    }
}

/// Run every case of a pack; with `accept`, write the findings of every report case that
/// differs as its new snapshot — unless a rule-level case fails, then nothing is written.
pub fn run(pack: &Pack, accept: bool) -> std::io::Result<PackTest> {
    let cases: Vec<CaseResult> = pack.rules.iter().flat_map(cases::run).collect();
    let write = accept && cases.iter().all(|c| c.failure.is_none());
    let mut reports = Vec::new();
    let mut written = 0;
    if let Some(dir) = &pack.dir {
        let root = std::fs::canonicalize(dir).ok();
        for path in snapshot::case_files(&dir.join("cases")) {
            // A case file is the pack's own: one linked from outside is not read.
            let outside = |p: &std::path::Path| std::fs::canonicalize(p).ok().zip(root.as_ref()).is_none_or(|(real, root)| !real.starts_with(root));
            let prev = snapshot::previous_of(&path);
            if let Some(bad) = std::iter::once(&path).chain(prev.as_ref()).find(|p| outside(p)) {
                let why = "它是指向规则包目录之外的符号链接，不读取".to_string();
                let outcome = Err(report::ImportError::Io { path: bad.to_string_lossy().into_owned(), why });
                reports.push(ReportCase { snapshot: snapshot::snapshot_path(&path), path, previous: prev, outcome, missing: false, diff: Diff::default() });
                continue;
            }
            let (rc, wrote) = report_case(pack, path, write)?;
            written += usize::from(wrote);
            reports.push(rc);
        }
    }
    let accept = match (accept, write) {
        (false, _) => Accept::No,
        (true, true) => Accept::Written(written),
        (true, false) => Accept::Refused,
    };
    Ok(PackTest { cases, reports, accept })
}

/// Check one case report against its snapshot; with `write`, replace a differing snapshot.
fn report_case(pack: &Pack, path: PathBuf, write: bool) -> std::io::Result<(ReportCase, bool)> {
    let snap = snapshot::snapshot_path(&path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Read with the pack's own templates (a table the pack brings is read too); a pair
    // (`NAME.prev.EXT` beside) is checked with its previous year's report.
    let read = |p: &std::path::Path| report::read_file_with(&p.to_string_lossy(), None, &pack.templates);
    let prev_path = snapshot::previous_of(&path);
    let previous = prev_path.as_deref().map(read).transpose();
    let outcome = previous.and_then(|prev| {
        read(&path).map(|r| {
            let f = pack.evaluate(crate::eval::Context { report: &r, previous: prev.as_ref() }).findings;
            (r, f)
        })
    });
    // A snapshot that is not UTF-8 is read lossily: it then differs, it is not "missing".
    // Windows line endings (a checkout with autocrlf) and a byte-order mark (an editor
    // on Windows) leave it the same snapshot.
    let old = crate::limits::read_bounded(&snap, pack.limits.rule_file_bytes, None)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim_start_matches('\u{feff}').replace("\r\n", "\n"));
    let (missing, diff) = match (&outcome, &old) {
        (Ok((_, f)), Some(text)) => (false, compare::compare(&name, text, &f.iter().map(snapshot::block).collect::<Vec<_>>())),
        (Ok((_, f)), None) => (true, Diff { differs: true, added: (0..f.len()).collect(), ..Default::default() }),
        (Err(_), _) => (old.is_none(), Diff::default()),
    };
    if let (true, Ok((_, f))) = (write && (missing || !diff.is_empty()), &outcome) {
        std::fs::write(&snap, snapshot::to_snap(&name, &snapshot::findings_text(f)))?;
        return Ok((ReportCase { path, previous: prev_path, snapshot: snap, outcome, missing: false, diff: Diff::default() }, true));
    }
    Ok((ReportCase { path, previous: prev_path, snapshot: snap, outcome, missing, diff }, false))
}
