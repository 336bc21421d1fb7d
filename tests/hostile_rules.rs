//! Hostile rule packs: inputs sized so that a regression overflows the stack, exhausts
//! memory, hangs or reads outside the pack — each must instead be a pointed load error
//! with its own code, or one notice. Large inputs are generated here, not kept in the repo.

use gouji::{Checker, FindingClass, Limits, Outcome, Pack};
use std::path::{Path, PathBuf};

fn codes(e: &gouji::diagnostics::rules::RuleErrors) -> Vec<&'static str> {
    e.errors.iter().map(|e| e.code()).collect()
}

fn fails(text: &str) -> gouji::diagnostics::rules::RuleErrors {
    match Pack::from_text("h.gouji", text) {
        Ok(p) => panic!("loaded with {} rules", p.rules.len()),
        Err(e) => e,
    }
}

fn report() -> gouji::Report {
    gouji::read_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.txt").to_string_lossy(), None).expect("example report")
}

/// Run `f` on a thread with rayon's default worker stack (2 MiB).
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).expect("thread").join().expect("no overflow on a 2 MiB stack")
}

/// A fresh folder under the test temp dir.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile_rules").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
}

fn pack(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const RULE: &str = "rule t3.x \"示例\" {\n    check 表三[本年新收, 自然人] >= 0\n}\n";

// ---------------------------------------------------------------- stack

#[test]
fn long_prefix_runs_and_flat_sums_are_load_errors_on_a_small_stack() {
    small_stack(|| {
        for text in [
            format!("rule x \"t\" {{ check {}1 == 1 }}", "-".repeat(30_000)),
            format!("rule x \"t\" {{ check {}(1 == 1) }}", "not ".repeat(30_000)),
            format!("rule x \"t\" {{ check {} == 1 }}", vec!["1"; 20_000].join("+")),
            format!("rule x \"t\" {{ let a = {}\n check a == 1 }}", vec!["1"; 20_000].join("*")),
            format!("rule x \"t\" {{ when {}\n check 1 == 1 }}", vec!["1 == 1"; 20_000].join(" and ")),
        ] {
            let e = fails(&text);
            assert_eq!(codes(&e), ["gouji::limit::expression"]);
            // Pointed at the first operator past the budget.
            let at = e.errors[0].span.start;
            assert!(at > 128 && at < 128 * 8, "{at}");
        }
        let deep = format!("rule x \"t\" {{ check {}1{} == 1 }}", "(".repeat(30_000), ")".repeat(30_000));
        assert_eq!(codes(&fails(&deep)), ["gouji::limit::nesting"]);
    });
}

#[test]
fn the_largest_expressions_allowed_load_and_run_on_a_small_stack() {
    let limits = Limits::default();
    let ops = limits.rule_expr_ops;
    let cell = "表三[本年新收, 自然人]";
    // Shapes at the budget: a left-deep sum, a prefix run, a right-deep nest in brackets.
    let sum = format!("{} >= 0", vec![cell; ops].join(" + "));
    let negs = format!("{}{cell} <= 0", "-".repeat(ops - 1));
    let depth = limits.rule_nesting - 2;
    let mut nest = String::from(cell);
    for _ in 0..depth {
        nest = format!("{cell} + ({nest})");
    }
    let nest = format!("{nest} >= 0");
    let rules = [sum, negs, nest].iter().enumerate().map(|(i, c)| format!("rule r{i} \"t\" {{ blank as zero\n check {c} }}\n")).collect::<String>();
    let report = report();
    let findings = small_stack(move || {
        let pack = Pack::from_text("h.gouji", &rules).unwrap_or_else(|e| panic!("{:?}", e.errors));
        let n = pack.check(&report).len();
        drop(pack);
        n
    });
    assert_eq!(findings, 0);
}

// ---------------------------------------------------------------- memory

#[test]
fn many_rules_and_huge_messages_are_load_errors() {
    let many: String = (0..20_000).map(|i| format!("rule r{i} \"t\" {{ check 1 == 1 }}\n")).collect();
    let e = fails(&many);
    assert_eq!(codes(&e), ["gouji::limit::rules"]);
    assert_eq!(e.errors[0].message(), "规则包的规则超过 2000 个");
    let holes = format!("rule x \"t\" {{ let a = 1\n check a == 1\n message \"{}\" }}", "{a}".repeat(100_000));
    assert_eq!(codes(&fails(&holes)), ["gouji::limit::message"]);
    let long = format!("rule x \"t\" {{ check 1 == 1\n message \"{}\" }}", "长".repeat(100_000));
    assert_eq!(codes(&fails(&long)), ["gouji::limit::message"]);
}

#[test]
fn findings_stop_at_the_rule_budget_with_one_notice() {
    // Three nested loops over every cell: millions of failures if nothing stopped them.
    let rules = "rule x \"t\" {\n for each cell a in 表三 {\n for each cell b in 表三 {\n for each cell c in 表三 {\n check 1 == 2\n }\n }\n }\n message \"{a}{b}{c}\"\n}\n";
    let pack = Pack::from_text("h.gouji", rules).expect("loads");
    let e = pack.evaluate(gouji::Context::of(&report()));
    let per_rule = Limits::default().findings_per_rule;
    assert_eq!(e.findings.len(), per_rule + 1);
    let notice = e.findings.last().unwrap();
    assert_eq!(notice.class, FindingClass::NotAssessable);
    assert!(notice.message.contains("达到上限 1000 条") && notice.message.contains("findings_per_rule"), "{}", notice.message);
    assert_eq!(e.rules[0].outcome, Outcome::Failed);
}

#[test]
fn findings_stop_at_the_report_budget_and_the_rest_is_said() {
    let limits = Limits { findings_per_rule: 5, findings_per_report: 12, ..Limits::default() };
    let rules: String = (0..6).map(|i| format!("rule r{i} \"t\" {{ for each cell a in 表三 {{ check 1 == 2 }} }}\n")).collect();
    let pack = Pack::from_text_with("h.gouji", &rules, &limits).expect("loads");
    let e = pack.evaluate(gouji::Context::of(&report()));
    // r0 and r1: 5 findings and a notice each; then the report's 12 are used up.
    let notices: Vec<&str> = e.findings.iter().filter(|f| f.message.starts_with("发现过多")).map(|f| f.message.as_str()).collect();
    assert_eq!(e.findings.len(), 12 + 1);
    assert_eq!(
        notices.last().copied(),
        Some("发现过多：本报告已列出 12 条，达到上限 12 条，其后的 4 条规则未检查（上限是 gouji::Limits 的 findings_per_report）")
    );
    let unrun: Vec<&gouji::RuleOutcome> = e.rules.iter().filter(|r| r.reason.as_deref().is_some_and(|w| w.contains("未检查"))).collect();
    assert!(!unrun.is_empty() && unrun.iter().all(|r| r.outcome == Outcome::NotAssessable && r.checked == 0));
    assert_eq!(e.rules.len(), 6, "every rule keeps an outcome");
}

#[test]
fn a_rendered_message_is_capped() {
    let limits = Limits { message_rendered_bytes: 64, ..Limits::default() };
    let rules = "rule x \"t\" { for each col c in 表三 { check 1 == 2 }\n message \"{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}{c}\" }";
    let pack = Pack::from_text_with("h.gouji", rules, &limits).expect("loads");
    for f in pack.check(&report()) {
        assert!(f.message.len() <= 64 + '…'.len_utf8() && f.message.ends_with('…'), "{}", f.message);
    }
}

// ---------------------------------------------------------------- files

#[test]
fn includes_and_the_entry_stay_inside_the_pack() {
    let dir = tmp("escape");
    let outside = dir.join("outside.gouji");
    std::fs::write(&outside, "root:x:0:0 不应被读到\n").unwrap();
    let inner = dir.join("pack");
    for (inc, why) in [("../outside.gouji", "出了规则包目录"), ("sub/../../outside.gouji", "出了规则包目录"), ("/etc/passwd", "绝对路径")] {
        pack(&inner, &[("pack.toml", "name = \"p\"\n"), ("main.gouji", &format!("include \"{inc}\"\n{RULE}"))]);
        let e = Pack::load(&inner).expect_err(inc);
        assert_eq!(codes(&e), ["gouji::pack::include"]);
        assert!(e.errors[0].message().contains(why), "{}", e.errors[0].message());
        // Pointed at the include's path.
        let (name, text) = &e.sources[e.errors[0].span.source.0 as usize];
        assert!(name.ends_with("main.gouji"));
        assert_eq!(&text[e.errors[0].span.start..e.errors[0].span.end], inc);
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, inner.join("link.gouji")).unwrap();
        pack(&inner, &[("main.gouji", &format!("include \"link.gouji\"\n{RULE}"))]);
        let e = Pack::load(&inner).expect_err("symlink out");
        assert_eq!(codes(&e), ["gouji::pack::include"]);
        assert!(e.errors[0].message().contains("符号链接"), "{}", e.errors[0].message());
        assert!(e.sources.iter().all(|(_, t)| !t.contains("root:x")), "nothing outside is read");
    }
    // The manifest's entry: pointed into pack.toml.
    for entry in ["/etc/hostname", "../outside.gouji"] {
        let toml = format!("name = \"p\"\nentry = \"{entry}\"\n");
        pack(&inner, &[("pack.toml", &toml)]);
        let e = Pack::load(&inner).expect_err(entry);
        assert_eq!(codes(&e), ["gouji::pack::entry"]);
        let (name, text) = &e.sources[e.errors[0].span.source.0 as usize];
        assert!(name.ends_with("pack.toml"), "{name}");
        assert_eq!(&text[e.errors[0].span.start..e.errors[0].span.end], format!("\"{entry}\""));
        assert!(e.sources.iter().all(|(_, t)| !t.contains("root:x")));
    }
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_not_read() {
    let dir = tmp("devices");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.gouji")).unwrap();
    let e = Pack::load(&dir.join("zero.gouji")).expect_err("/dev/zero");
    assert_eq!(codes(&e), ["gouji::pack::entry"]);
    let fifo = dir.join("fifo.gouji");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    if made {
        pack(&dir, &[("pack.toml", "name = \"p\"\n"), ("main.gouji", &format!("include \"fifo.gouji\"\n{RULE}"))]);
        let e = Pack::load(&dir).expect_err("fifo");
        assert_eq!(codes(&e), ["gouji::pack::include"]);
        assert!(e.errors[0].message().contains("不是普通文件"), "{}", e.errors[0].message());
    }
}

#[cfg(unix)]
#[test]
fn case_files_linked_from_outside_are_not_read() {
    let dir = tmp("case-link");
    let outside = dir.join("outside.txt");
    std::fs::write(&outside, "root:x:0:0\n").unwrap();
    let inner = dir.join("pack");
    pack(&inner, &[("pack.toml", "name = \"p\"\n"), ("main.gouji", RULE)]);
    std::fs::create_dir_all(inner.join("cases")).unwrap();
    std::os::unix::fs::symlink(&outside, inner.join("cases/x.txt")).unwrap();
    let p = Pack::load(&inner).expect("loads");
    let t = gouji::testing::run(&p, false).expect("runs");
    let err = t.reports[0].outcome.as_ref().expect_err("not read").to_string();
    assert!(err.contains("符号链接") && !err.contains("root:x"), "{err}");
    assert!(!t.ok());
}

#[test]
fn a_diamond_is_read_once_and_a_cycle_is_named() {
    let dir = tmp("diamond");
    pack(&dir, &[("pack.toml", "name = \"p\"\n"), ("main.gouji", "include \"a.gouji\"\ninclude \"./sub/../a.gouji\"\n"), ("a.gouji", RULE)]);
    let p = Pack::load(&dir).unwrap_or_else(|e| panic!("{:?}", e.errors));
    assert_eq!(p.rules.len(), 1);
    let dir = tmp("cycle");
    pack(
        &dir,
        &[
            ("pack.toml", "name = \"p\"\n"),
            ("main.gouji", &format!("include \"a.gouji\"\n{RULE}")),
            ("a.gouji", "include \"b.gouji\"\n"),
            ("b.gouji", "include \"./a.gouji\"\n"),
        ],
    );
    let e = Pack::load(&dir).expect_err("cycle");
    assert_eq!(codes(&e), ["gouji::pack::include"]);
    assert!(e.errors[0].message().contains("循环包含：a.gouji → b.gouji → a.gouji"), "{}", e.errors[0].message());
}

#[test]
fn too_many_files_is_a_limit() {
    let dir = tmp("files");
    let limits = Limits { rule_files: 3, ..Limits::default() };
    let incs: String = (0..5).map(|i| format!("include \"f{i}.gouji\"\n")).collect();
    pack(&dir, &[("pack.toml", "name = \"p\"\n"), ("main.gouji", &format!("{incs}{RULE}"))]);
    for i in 0..5 {
        pack(&dir, &[(&format!("f{i}.gouji"), "")]);
    }
    let e = Pack::load_with(&dir, &limits).expect_err("files");
    assert_eq!(codes(&e), ["gouji::limit::files"]);
}

#[test]
fn manifest_mistakes_point_into_pack_toml() {
    let dir = tmp("manifest");
    pack(&dir, &[("pack.toml", "name = \"p\"\ntemplates = [\"1999\"]\n"), ("main.gouji", RULE)]);
    let e = Pack::load(&dir).expect_err("unknown template");
    assert_eq!(codes(&e), ["gouji::pack::manifest"]);
    let (name, text) = &e.sources[e.errors[0].span.source.0 as usize];
    assert!(name.ends_with("pack.toml"), "{name}");
    assert_eq!(&text[e.errors[0].span.start..e.errors[0].span.end], "[\"1999\"]");
}

#[test]
fn a_missing_pack_folder_is_said_plainly() {
    let e = Pack::load(Path::new("/nonexistent")).expect_err("missing");
    assert_eq!(codes(&e), ["gouji::pack::path"]);
    assert_eq!(e.errors[0].message(), "规则包“/nonexistent”不存在：没有这个规则包目录");
}

// ---------------------------------------------------------------- honest outcomes

#[test]
fn every_not_assessable_reason_is_filled_in() {
    let r = report();
    let big = "79228162514264337593543950335";
    for (check, why) in [
        ("1 / 0 == 1".to_string(), "除数为 0"),
        (format!("{big} + 1 == 1"), "超出可计算的范围"),
        (format!("{big} == -{big}"), "超出可计算的范围"),
        (format!("sum({big}, {big}) == 1"), "超出可计算的范围"),
        ("0.0000000000000000000000000001 / 3 >= 0".to_string(), "精度"),
    ] {
        let pack = Pack::from_text("h.gouji", &format!("rule x \"t\" {{ check {check} }}")).expect("loads");
        let e = pack.evaluate(gouji::Context::of(&r));
        assert_eq!(e.rules[0].outcome, Outcome::NotAssessable, "{check}");
        let reason = e.rules[0].reason.clone().unwrap_or_default();
        assert!(reason.contains(why) && !reason.contains("（）"), "{check}: {reason}");
    }
}

#[test]
fn a_case_expecting_fail_that_is_not_assessable_fails() {
    let rules = "rule x \"t\" {\n check 表三[本年新收, 自然人] == 1\n case \"空白\" {\n template 2021\n expect fail\n }\n}\n";
    let pack = Pack::from_text("h.gouji", rules).expect("loads");
    let t = gouji::testing::run(&pack, false).expect("runs");
    let failure = t.cases[0].failure.clone().expect("the case fails");
    assert!(failure.starts_with("预期失败，实际无法评估"), "{failure}");
}

#[test]
fn a_pack_without_rules_or_given_twice_is_refused() {
    assert_eq!(codes(&fails("# 空的\n")), ["gouji::pack::no_rules"]);
    let official = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/official");
    let again = Pack::load(&official).expect("official pack from disk");
    let e = Checker::new(vec![Pack::official().clone(), again.clone()]).expect_err("official twice");
    assert_eq!(codes(&e), ["gouji::pack::twice"]);
    let e = Checker::new(vec![again.clone(), again]).expect_err("one folder twice");
    assert_eq!(codes(&e), ["gouji::pack::twice"]);
}

#[test]
fn case_mistakes_are_load_errors() {
    let rules = "rule x \"t\" {\n check 表三[本年新收, 自然人] >= 0\n case \"c\" {\n given 表三[本年新收, 不存在的列] = 1\n expect pass\n }\n}\n";
    assert_eq!(codes(&fails(rules)), ["gouji::check::case"]);
    let rules = "rule x \"t\" {\n for each col c in 表三 { check 表三[本年新收, c] >= 0 }\n case \"c\" {\n given 表三[本年新收, 自然人] = -1\n expect fail at 不存在的列\n }\n}\n";
    let e = fails(rules);
    assert_eq!(codes(&e), ["gouji::check::case"]);
    assert!(e.errors[0].message().contains("“不存在的列”不是任何行、列或块的名称"), "{}", e.errors[0].message());
    // A pack with such a mistake does not check either: `check` exits 2 as `test` does.
    let dir = tmp("case-mistake");
    pack(&dir, &[("pack.toml", "name = \"p\"\n"), ("main.gouji", rules)]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(["check", "examples/example.txt", "--rules"])
        .arg(&dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("gouji runs");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn snapshots_keep_the_case_files_extension() {
    let a = gouji::testing::snapshot::snapshot_path(Path::new("cases/x.txt"));
    let b = gouji::testing::snapshot::snapshot_path(Path::new("cases/x.html"));
    assert_eq!(a, Path::new("cases/x.txt.snap"));
    assert_eq!(b, Path::new("cases/x.html.snap"));
}

#[test]
fn cross_year_rules_with_a_character_dropped_load_or_fail_pointedly_and_never_panic() {
    // Every seventh character of the official cross-year rules dropped in turn: each text
    // loads (and runs with and without a previous report, with its cases) or is refused
    // with errors pointed inside it — never a panic.
    let text = include_str!("../rules/official/xyear.gouji");
    let (now, before) = (report(), report());
    let (mut loaded, mut refused) = (0, 0);
    let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
    for at in cuts {
        let len = text[at..].chars().next().map_or(0, char::len_utf8);
        let cut = format!("{}{}", &text[..at], &text[at + len..]);
        match Pack::from_text("h.gouji", &cut) {
            Ok(p) => {
                loaded += 1;
                for cx in [gouji::Context::of(&now), gouji::Context { report: &now, previous: Some(&before) }] {
                    let e = p.evaluate(cx);
                    assert_eq!(e.rules.len(), p.rules.len());
                    assert!(e
                        .rules
                        .iter()
                        .all(|r| r.outcome == Outcome::Passed || r.reason.as_deref().is_some_and(|w| !w.is_empty()) || r.outcome == Outcome::Failed));
                }
                let _ = gouji::testing::run(&p, false).expect("cases run");
            }
            Err(e) => {
                refused += 1;
                assert!(!e.errors.is_empty());
                assert!(
                    e.errors.iter().all(|x| x.span.end <= cut.len() && cut.is_char_boundary(x.span.start) && cut.is_char_boundary(x.span.end)),
                    "{at}: {:?}",
                    e.errors
                );
            }
        }
    }
    assert!(loaded > 50 && refused > 50, "{loaded} loaded, {refused} refused");
}
