//! The files of a run: each argument as given, a folder standing for the files under it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One file of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file's path (an argument as given, or a path under a folder argument).
    pub path: PathBuf,
    /// Named on the command line (not found by walking a folder): a file the user asked
    /// for, so failing to read it is a failure of the run.
    pub given: bool,
    /// Why the walk could not look at it (a folder that cannot be listed).
    pub error: Option<String>,
    /// Its sidecar `NAME.EXT.toml` or `NAME.toml` (issuer and year), when there is one.
    pub sidecar: Option<PathBuf>,
}

/// File names a walk leaves out: a pack's and gouji's own files, and snapshots.
fn skipped(name: &[u8]) -> bool {
    name.starts_with(b".") || [&b".snap"[..], b".snap.new", b".toml", b".gouji"].iter().any(|ext| name.ends_with(ext))
}

/// The files to check, in the order given; a folder stands for the files under it (its
/// subfolders too), sorted by name, hidden files and `.snap`/`.toml`/`.gouji` files left
/// out, and so are folders of gouji's HTML pages. An empty or unlistable folder is kept as given, so it is reported like any
/// unreadable report (never a silent exit 0). Links are followed; a folder reached twice
/// (through a link, or a link to its parent) is walked once.
pub fn expand(args: &[PathBuf]) -> Vec<Entry> {
    let mut out = Vec::with_capacity(args.len());
    let mut seen: HashSet<PathBuf> = HashSet::new();
    // The `.toml` files the walks pass by: the sidecars of the files beside them, found
    // without a file-system lookup per report.
    let mut tomls: HashSet<PathBuf> = HashSet::new();
    let given = |path: &Path| Entry {
        path: path.to_path_buf(),
        given: true,
        error: None,
        sidecar: super::Sidecar::candidates(path).into_iter().find(|p| p != path && p.is_file()),
    };
    for a in args {
        if !a.is_dir() {
            out.push(given(a));
            continue;
        }
        let before = out.len();
        let walk = walkdir::WalkDir::new(a).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            if e.depth() > 0 && skipped(e.file_name().as_encoded_bytes()) {
                if e.file_name().as_encoded_bytes().ends_with(b".toml") && e.file_type().is_file() {
                    tomls.insert(e.path().to_path_buf());
                }
                return false;
            }
            // The pages `--format html` wrote are not reports.
            if e.depth() > 0 && e.file_type().is_dir() && e.path().join(crate::render::html::MARKER).exists() {
                return false;
            }
            // A folder is walked once however it is reached.
            !e.file_type().is_dir() || std::fs::canonicalize(e.path()).map_or(true, |real| seen.insert(real))
        });
        for e in walk {
            match e {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => out.push(Entry { path: e.into_path(), given: false, error: None, sidecar: None }),
                // A link back to a folder above is a loop, already walked: nothing to say.
                Err(e) if e.loop_ancestor().is_some() => {}
                Err(e) => {
                    let path = e.path().map_or_else(|| a.clone(), Path::to_path_buf);
                    let why = e
                        .io_error()
                        .map_or_else(|| e.to_string(), |io| crate::limits::ReadError::from(std::io::Error::new(io.kind(), io.to_string())).to_string());
                    out.push(Entry { path, given: e.depth() == 0, error: Some(why), sidecar: None });
                }
            }
        }
        if out.len() == before {
            out.push(given(a));
        }
    }
    if !tomls.is_empty() {
        for e in out.iter_mut().filter(|e| !e.given) {
            e.sidecar = super::Sidecar::candidates(&e.path).into_iter().find(|p| tomls.contains(p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_sorted_and_skip_gouji_files() {
        let dir = std::env::temp_dir().join(format!("gouji-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in [
            "b/2.txt",
            "b/1.pdf",
            "b/1.toml",
            "a.txt",
            "a.txt.toml",
            "a.txt.snap",
            "a.txt.snap.new",
            ".hidden",
            "gouji.toml",
            "gouji.review.toml",
            ".gouji.review.toml.lock",
            "x.toml",
            "r.gouji",
            "b/.git/c",
            "html/.gouji-output",
            "html/index.html",
            "html/report-0001.html",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let walked = expand(std::slice::from_ref(&dir));
        let names: Vec<String> = walked
            .iter()
            .map(|e| {
                assert!(!e.given && e.error.is_none());
                e.path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(names, ["a.txt", "b/1.pdf", "b/2.txt"]);
        // Sidecars: `NAME.EXT.toml`, or `NAME.toml`.
        let sidecars: Vec<Option<PathBuf>> = walked.iter().map(|e| e.sidecar.clone()).collect();
        assert_eq!(sidecars, [Some(dir.join("a.txt.toml")), Some(dir.join("b/1.toml")), None]);
        // A file given is kept whatever its name; an empty folder is kept as given.
        std::fs::create_dir_all(dir.join("empty")).unwrap();
        let given = expand(&[dir.join("x.toml"), dir.join("empty")]);
        assert_eq!(given.iter().map(|e| (e.path.clone(), e.given)).collect::<Vec<_>>(), [(dir.join("x.toml"), true), (dir.join("empty"), true)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
