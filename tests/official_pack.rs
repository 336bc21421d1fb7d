//! The official pack tested both ways: every rule-level case holds, and every report in
//! `rules/official/cases/` gives the findings stored beside it — through insta, reading
//! the same `.snap` files `gouji test rules/official` reads.

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};

fn pack_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/official")
}

#[test]
fn rule_level_cases_hold_on_both_templates() {
    let pack = gouji::Pack::load(&pack_dir()).expect("official pack compiles");
    let result = gouji::testing::run(&pack, false).expect("cases run");
    let failed: Vec<String> =
        result.cases.iter().filter_map(|c| c.failure.as_ref().map(|f| format!("{} / {} ({}): {f}", c.rule, c.case, c.template))).collect();
    assert!(failed.is_empty(), "failed cases:\n{}", failed.join("\n"));
    // Every official rule has a passing and a failing case on both templates.
    for rule in &pack.rules {
        for tpl in ["2019", "2021"] {
            let ours = rule.cases.iter().filter(|c| c.template.as_ref().is_none_or(|t| t.node == tpl));
            let outcomes: Vec<_> = ours.flat_map(|c| c.expect.iter().map(|e| e.outcome.node)).collect();
            use gouji::syntax::ast::Outcome;
            let has = |o| outcomes.contains(&o);
            let any_template = |o| rule.cases.iter().any(|c| c.expect.iter().any(|e| e.outcome.node == o));
            assert!(has(Outcome::Pass) || any_template(Outcome::Pass), "{} has no passing case", rule.id);
            assert!(has(Outcome::Fail) || any_template(Outcome::Fail), "{} has no failing case", rule.id);
        }
        // Pinned on every template the rule applies to (a cross-year rule for one template
        // pair applies to one).
        let templates: std::collections::BTreeSet<&str> = rule.cases.iter().filter_map(|c| c.template.as_ref().map(|t| t.node.as_str())).collect();
        let applies: std::collections::BTreeSet<&str> = rule.applies_to().map(|t| t.id.as_str()).collect();
        assert!(!applies.is_empty() && templates == applies, "{} is pinned on {:?}, applies to {:?}", rule.id, templates, applies);
        if rule.id == "xyear.carry" {
            // The 2020 → 2021 pair across the change of format is pinned too.
            assert!(rule.cases.iter().any(|c| c.template.as_ref().is_some_and(|t| t.node == "2021")
                && c.previous_template.as_ref().is_some_and(|t| t.node == "2019")
                && c.expect.iter().any(|e| e.outcome.node == gouji::syntax::ast::Outcome::Fail)));
        }
    }
}

#[test]
fn report_cases_match_their_snapshots() {
    let pack = gouji::Pack::load(&pack_dir()).expect("official pack compiles");
    let result = gouji::testing::run(&pack, false).expect("cases run");
    assert!(result.reports.len() >= 10, "only {} report cases", result.reports.len());
    // Pairs of reports are among them (`NAME.prev.txt` beside `NAME.txt`), read as one case.
    let pairs = result.reports.iter().filter(|rc| gouji::testing::snapshot::previous_of(&rc.path).is_some()).count();
    assert!(pairs >= 2, "{pairs} pair cases");
    assert!(result.reports.iter().all(|rc| !rc.path.to_string_lossy().contains(".prev.")));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(pack_dir().join("cases"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for rc in &result.reports {
            let (_, findings) = rc.outcome.as_ref().expect("case report reads");
            let name = rc.path.file_name().expect("file name").to_string_lossy().into_owned();
            insta::assert_snapshot!(name, gouji::testing::snapshot::findings_text(findings));
        }
    });
    // The cases cover each rule failing somewhere and passing somewhere.
    for rule in &pack.rules {
        let failing = result.reports.iter().any(|rc| rc.outcome.as_ref().is_ok_and(|(_, f)| f.iter().any(|f| f.rule == rule.id && f.class.is_failure())));
        assert!(failing, "no report case makes {} fail", rule.id);
    }
}

#[test]
fn a_changed_rule_shows_as_a_diff() {
    // Copy the pack, drop one leaf from t3.results_total, and run the cases.
    let tmp = std::env::temp_dir().join(format!("gouji-official-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    copy_dir(&pack_dir(), &tmp);
    let t3 = tmp.join("t3.gouji");
    let text = std::fs::read_to_string(&t3).unwrap();
    let changed = text.replace("sum(表三[本年度办理结果, c])", "sum(表三[本年度办理结果, c]) - 表三[予以公开, c]");
    assert_ne!(text, changed);
    std::fs::write(&t3, changed).unwrap();
    let pack = gouji::Pack::load(&tmp).expect("changed pack compiles");
    let result = gouji::testing::run(&pack, false).unwrap();
    assert!(!result.ok());
    let changed_reports: Vec<String> = result.reports.iter().filter(|r| !r.ok()).map(|r| r.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(changed_reports.iter().any(|n| n.starts_with("01-consistent-2021")), "{changed_reports:?}");
    let first = result.reports.iter().find(|r| !r.ok()).unwrap();
    assert!(!first.diff.added.is_empty() || !first.diff.changed.is_empty());
    // The change also breaks a rule-level case, so --accept writes nothing.
    let refused = gouji::testing::run(&pack, true).unwrap();
    assert!(refused.cases.iter().any(|c| c.failure.is_some()));
    assert_eq!(refused.accept, gouji::testing::Accept::Refused);
    let again = gouji::testing::run(&pack, false).unwrap();
    assert!(again.reports.iter().any(|r| !r.ok()));
    let _ = std::fs::remove_dir_all(&tmp);
}
