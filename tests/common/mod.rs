//! Shared test helpers: where the real-report corpus lives.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/corpus-raw` beside the clone (or `$GOUJI_CORPUS`). Corpus tests are
/// `#[ignore]`d; run with `-- --ignored` they fail loudly when the corpus is missing,
/// never pass empty.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("GOUJI_CORPUS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-raw"));
    assert!(
        dir.join("README.md").is_file(),
        "corpus not found at {} — corpus tests need ../shared/corpus-raw beside the clone (or GOUJI_CORPUS)",
        dir.display()
    );
    dir
}

/// A file of the corpus, by name.
pub fn corpus_file(name: &str) -> PathBuf {
    let path = corpus_dir().join(name);
    assert!(path.is_file(), "corpus file missing: {}", path.display());
    path
}

/// The seed report in `../shared/seeds/` (same rules as the corpus: `#[ignore]`d tests).
pub fn seed() -> PathBuf {
    let path = corpus_dir().join("../seeds/000_f9533017e326e83f.txt");
    assert!(path.is_file(), "seed report missing: {}", path.display());
    path
}

// ---------------------------------------------------------------- report assertions

use gouji::report::{CellState, Report};

/// Raw cell texts of a table row in template column order ("" for a blank).
pub fn row(r: &Report, table: &str, key: &str) -> Vec<String> {
    let t = r.tables.get(table).unwrap_or_else(|| panic!("{}: no {table}", r.path));
    let def = gouji::template::by_id(&t.template).and_then(|tpl| tpl.table(table)).expect("template table");
    let row = t.rows.get(key).unwrap_or_else(|| panic!("{}: no row {table}.{key}", r.path));
    let part = def.parts.iter().find(|p| p.rows.iter().any(|x| x.key == key)).expect("part of row");
    part.cols.iter().map(|c| row.cells.get(&c.key).map_or("<missing>".into(), |c| c.raw.to_string())).collect()
}

/// Compare whole tables: `(row key, "a b c")`, `_` for a blank cell.
pub fn assert_rows(r: &Report, table: &str, want: &[(&str, &str)]) {
    let mut wrong = Vec::new();
    for (key, cells) in want {
        let want: Vec<String> = cells.split(' ').map(|c| if c == "_" { String::new() } else { c.to_string() }).collect();
        let got = row(r, table, key);
        if got != want {
            wrong.push(format!("{table}.{key}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}:\n{}", r.path, wrong.join("\n"));
    assert_eq!(r.tables[table].rows.len(), want.len(), "{}: {table} row count", r.path);
}

/// Every non-blank cell's span shows exactly its raw text; blanks have zero-length spans.
pub fn assert_spans_show_raw(r: &Report) -> usize {
    let mut n = 0;
    for (tk, t) in &r.tables {
        for (rk, row) in &t.rows {
            for (ck, c) in &row.cells {
                assert_eq!(r.text(c.span), c.raw, "{}: {tk}.{rk}.{ck} span {:?}", r.path, c.span);
                if c.state == CellState::Blank {
                    assert_eq!(c.span.len, 0, "{tk}.{rk}.{ck}");
                }
                n += 1;
            }
        }
    }
    n
}

// ---------------------------------------------------------------- the binary and folders

/// Run the `gouji` binary from the crate root, without colour.
pub fn gouji(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gouji")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").output().expect("run gouji")
}

/// Copy a folder tree (a pack, to change a copy of it).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

// ---------------------------------------------------------------- checking fixtures

use gouji::render::check::Outcome;

/// Check `bytes` as the report named `name` with the official pack.
pub fn check_bytes(name: &str, bytes: &[u8]) -> Outcome {
    let checker = gouji::Checker::official();
    gouji::read(name, bytes, None).map(|r| {
        let e = checker.evaluate(gouji::Context::of(&r));
        (r, e)
    })
}

/// A fixture by its path inside the repository (so snapshots do not depend on the clone).
pub fn check_path(path: &std::path::Path) -> (String, Outcome) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let bytes = std::fs::read(root.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = check_bytes(&name, &bytes);
    (name, outcome)
}
