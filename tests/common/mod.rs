//! Shared test helpers: where the real-report corpus lives.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/corpus-raw` beside the clone (or `$GOUJI_CORPUS`). Corpus tests are
/// `#[ignore]`d; run with `-- --ignored` they fail loudly when the corpus is missing,
/// never pass empty.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("GOUJI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-raw"));
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
