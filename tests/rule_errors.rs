//! Malformed rule files: every `tests/rules/err-*.gouji` is loaded as a pack, must fail
//! with the error codes its `# expect:` header names (so a change of class fails the test,
//! not only a change of wording), and its rendered diagnostics (no colour) are snapshotted
//! with the rule text as the snapshot's description. A 2 MB garbage file is generated at
//! test time rather than kept in the repository.

use std::path::Path;

/// The codes a file's `# expect: a, b` header names, in order.
fn expected_codes(text: &str) -> Vec<String> {
    let line = text.lines().find_map(|l| l.trim().strip_prefix("# expect:"));
    let line = line.unwrap_or_else(|| panic!("rule file without an `# expect:` header"));
    line.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect()
}

/// Load `path` as a single-file pack; it must fail. Returns the error codes and the
/// rendered diagnostics, with the repository root (if shown) redacted.
fn load_failing(path: &Path) -> (Vec<&'static str>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `cargo test` runs from the crate root: a relative path keeps absolute ones out.
    let shown = path.strip_prefix(root).unwrap_or(path);
    let errs = match gouji::Pack::load(shown) {
        Ok(p) => panic!("{}: loaded with {} rules, expected errors", shown.display(), p.rules.len()),
        Err(e) => e,
    };
    assert!(!errs.errors.is_empty(), "{}: an Err without errors", shown.display());
    let codes = errs.errors.iter().map(|e| e.code()).collect();
    let mut text = String::new();
    for d in errs.diagnostics() {
        text.push_str(&gouji::diagnostics::render(&d, false));
        text.push('\n');
    }
    (codes, redact(&text))
}

/// Paths out of the output: the test temp dir (absolute, or relative to the crate root),
/// then the crate root — longest first, since the temp dir may sit beside or inside it.
fn redact(text: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut out = text.replace(&tmp.display().to_string(), "[TMP]");
    if let Ok(rel) = tmp.strip_prefix(root) {
        out = out.replace(&rel.display().to_string(), "[TMP]");
    }
    out.replace(&root.display().to_string(), "[ROOT]")
}

/// The rule text as snapshot description (long inputs cut, so `.snap` headers stay small).
fn description(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(600) {
        Some((i, _)) => format!("{}…（共 {} 字节）", &text[..i], bytes.len()),
        None => text.trim_end().to_string(),
    }
}

#[test]
fn malformed_rule_files() {
    let mut seen = 0;
    insta::glob!("rules/err-*.gouji", |path| {
        seen += 1;
        let bytes = std::fs::read(path).expect("rule file");
        let want = expected_codes(&String::from_utf8_lossy(&bytes));
        let (codes, rendered) = load_failing(path);
        let mut got: Vec<&str> = codes.clone();
        got.dedup();
        assert_eq!(got, want, "{}: error codes\n{rendered}", path.display());
        assert!(!rendered.contains(env!("CARGO_MANIFEST_DIR")), "absolute path in output");
        insta::with_settings!({ description => description(&bytes), omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    });
    assert!(seen >= 22, "expected at least 22 malformed rule files, found {seen}");
}

/// Two megabytes of printable garbage, lines of 80: a quick, pointed syntax error.
#[test]
fn garbage_2mb() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rule_errors");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("garbage.gouji");
    let mut state: u32 = 0x9e37_79b9;
    let mut text = String::with_capacity(2 << 20);
    while text.len() < 2 << 20 {
        for _ in 0..79 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            text.push(char::from(b'!' + (state % 94) as u8));
        }
        text.push('\n');
    }
    std::fs::write(&path, &text).expect("write garbage");
    let (codes, rendered) = load_failing(&path);
    assert_eq!(codes, ["gouji::syntax::unexpected"], "{rendered}");
    insta::assert_snapshot!(rendered);
}

/// A rule file over the pack size guard (4 MiB) is refused before it is parsed.
#[test]
fn oversized_file_is_refused() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rule_errors");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("huge.gouji");
    std::fs::write(&path, "#".repeat((4 << 20) + 1)).expect("write");
    let (codes, rendered) = load_failing(&path);
    assert_eq!(codes, ["gouji::pack::entry"], "{rendered}");
    assert!(rendered.contains("文件超过 4 MiB 的读取上限"), "{rendered}");
}
