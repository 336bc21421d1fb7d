//! The small embedding API: load packs once, check many reports.
//!
//! ```no_run
//! let checker = gouji::Checker::official();
//! let report = gouji::read_file("report.txt", None).unwrap();
//! for f in checker.check(&report) {
//!     println!("{} {}", f.rule, f.message);
//! }
//! ```

use crate::eval::{Context, Evaluation, Finding};
use crate::pack::Pack;
use crate::report::Report;

/// A set of compiled packs.
#[derive(Debug, Clone)]
pub struct Checker {
    /// The packs, run in this order.
    pub packs: Vec<Pack>,
}

impl Checker {
    /// The embedded official pack only.
    pub fn official() -> Checker {
        Checker {
            packs: vec![Pack::official().clone()],
        }
    }

    /// The given packs (the official one is not added).
    pub fn new(packs: Vec<Pack>) -> Checker {
        Checker { packs }
    }

    /// Findings of every pack, in pack order then rule order.
    pub fn check(&self, report: &Report) -> Vec<Finding> {
        self.evaluate(Context::of(report)).findings
    }

    /// Findings and per-rule outcomes of every pack in a context.
    pub fn evaluate(&self, cx: Context<'_>) -> Evaluation {
        let mut out = Evaluation::default();
        for (i, pack) in self.packs.iter().enumerate() {
            let mut e = pack.evaluate(cx);
            e.findings.iter_mut().for_each(|f| f.pack = i);
            out.findings.append(&mut e.findings);
            out.rules.append(&mut e.rules);
        }
        out
    }
}
