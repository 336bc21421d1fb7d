//! Writing the review file so that no mark is ever lost: one writer at a time (a lock on a
//! hidden file beside it), the new text written to a temporary file and renamed over the
//! old (a reader sees the old file or the new, never half of one), and a file that changed
//! while we worked (an editor saved it) read again and the change made anew.

use super::Reviews;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the review file could not be read or written, in the user's words.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// It could not be read or written.
    #[error("复核记录 {path} 无法{what}：{why}")]
    Io {
        /// The file.
        path: String,
        /// 读取 / 写入.
        what: &'static str,
        /// The system's reason.
        why: String,
    },
    /// It is not a review file.
    #[error("复核记录 {path} {why}")]
    Invalid {
        /// The file.
        path: String,
        /// Where and what (`第 3 行…`).
        why: String,
    },
    /// The change itself was refused (an unknown id …).
    #[error("{0}")]
    Refused(String),
}

/// A review file is small; a larger one is not ours.
const MAX_BYTES: u64 = 64 << 20;

/// Tries when the file keeps changing under us (each try re-reads it).
const TRIES: usize = 20;

/// Read a review file (absent: empty).
pub fn load(path: &Path) -> Result<Reviews, StoreError> {
    Ok(read(path)?.1)
}

/// The file's bytes, within the size bound (empty when absent).
fn bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    match crate::limits::read_bounded(path, MAX_BYTES, None) {
        Ok(b) => Ok(b),
        Err(crate::limits::ReadError::NotFound) => Ok(Vec::new()),
        Err(e) => Err(StoreError::Io { path: path.display().to_string(), what: "读取", why: e.to_string() }),
    }
}

/// The file's bytes (empty when absent) and what they say.
fn read(path: &Path) -> Result<(Vec<u8>, Reviews), StoreError> {
    let name = path.display().to_string();
    let bytes = bytes(path)?;
    if bytes.is_empty() {
        return Ok((bytes, Reviews::default()));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| StoreError::Invalid { path: name.clone(), why: "不是 UTF-8 文本".into() })?;
    let reviews = Reviews::parse(text).map_err(|why| StoreError::Invalid { path: name, why })?;
    Ok((bytes, reviews))
}

/// Change the review file at `path` by `change` (which may refuse), safely against other
/// writers; the file as written.
pub fn update(path: &Path, change: impl Fn(&mut Reviews) -> Result<(), String>) -> Result<Reviews, StoreError> {
    // A review file that is a link (to a shared folder) is written where it points: the
    // rename below would otherwise put a plain file in the link's place.
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let resolved = if linked { std::fs::canonicalize(path).ok() } else { None };
    let path = resolved.as_deref().unwrap_or(path);
    let io = |what: &'static str| move |e: std::io::Error| StoreError::Io { path: path.display().to_string(), what, why: e.to_string() };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Held until this function returns: other gouji processes wait here.
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(format!(".{name}.lock"))).map_err(io("写入"))?;
    lock.lock().map_err(io("写入"))?;
    for _ in 0..TRIES {
        let (before, mut reviews) = read(path)?;
        change(&mut reviews).map_err(StoreError::Refused)?;
        let mut tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).tempfile_in(&dir).map_err(io("写入"))?;
        let text = reviews.to_text().map_err(StoreError::Refused)?;
        tmp.write_all(text.as_bytes()).map_err(io("写入"))?;
        // The temporary file is private (0600); the review file keeps what it had, so the
        // office's other users can still read it.
        keep_permissions(tmp.as_file(), path).map_err(io("写入"))?;
        tmp.as_file().sync_all().map_err(io("写入"))?;
        // Someone who does not take the lock (a person in an editor) saved it meanwhile:
        // their text is read again and the change made on it.
        if bytes(path)? != before {
            continue;
        }
        tmp.persist(path).map_err(|e| io("写入")(e.error))?;
        return Ok(reviews);
    }
    Err(StoreError::Io { path: path.display().to_string(), what: "写入", why: "文件在写入期间一直被其他程序修改".into() })
}

/// Give the temporary file the review file's permissions, or a new file's usual ones
/// (readable by all; elsewhere than on Unix a temporary file has them already).
fn keep_permissions(tmp: &std::fs::File, path: &Path) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::metadata(path) {
        return tmp.set_permissions(meta.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{Record, Status};

    fn record(comment: &str) -> Record {
        Record {
            status: Status::Dismissed,
            rule: "r".into(),
            report: "a.txt".into(),
            message: String::new(),
            by: String::new(),
            at: String::new(),
            comment: comment.into(),
            values: Default::default(),
        }
    }

    #[test]
    fn concurrent_writers_lose_no_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gouji.review.toml");
        std::thread::scope(|s| {
            for t in 0..8 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..10 {
                        update(path, |r| {
                            r.findings.insert(format!("{t:02}{i:02}"), record("x"));
                            Ok(())
                        })
                        .unwrap();
                    }
                });
            }
        });
        let r = load(&path).unwrap();
        assert_eq!(r.findings.len(), 80);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644, "readable by the office, not 0600");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
            update(&path, |_| Ok(())).unwrap();
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o664, "kept");
        }
        // No temporary file is left behind; the lock file is hidden.
        let names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| n == "gouji.review.toml" || n == ".gouji.review.toml.lock"), "{names:?}");
    }

    #[test]
    fn a_bad_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gouji.review.toml");
        std::fs::write(&path, "[findings.x]\nstatus = 3\n").unwrap();
        let err = update(&path, |_| Ok(())).unwrap_err().to_string();
        assert!(err.ends_with("第 2 行的值类型不对（文字要加引号，values 下每项是文字）"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[findings.x]\nstatus = 3\n");
        let refused = update(&path.with_file_name("new.toml"), |_| Err("没有这条问题".into())).unwrap_err();
        assert_eq!(refused.to_string(), "没有这条问题");
        assert!(!path.with_file_name("new.toml").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_review_file_is_written_where_it_points() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("共享");
        std::fs::create_dir(&shared).unwrap();
        let target = shared.join("gouji.review.toml");
        std::fs::write(&target, "").unwrap();
        let link = dir.path().join("gouji.review.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        update(&link, |r| {
            r.findings.insert("a".into(), record("链接"));
            Ok(())
        })
        .unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert!(std::fs::read_to_string(&target).unwrap().contains("链接"), "the shared file has the mark");
    }
}
