//! Resource budgets at every boundary. Each is checked before the work it bounds (bytes
//! before they are read, counts before they are stored); exceeding one is a clear error or
//! finding that names the limit and how to raise it, never a crash or an exhausted machine.
//!
//! Defaults fit every real report seen (the largest published PDF is a few MB) with room;
//! the command line raises the ones a user may need more of.

use std::io::Read;
use std::path::Path;

/// The budgets a run works within. `Limits::default()` is what the command line uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes read from one report file (default 64 MiB); reading stops at the limit.
    pub report_bytes: u64,
    /// Bytes read from one rule, template or manifest file of a pack (default 4 MiB).
    pub rule_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { report_bytes: 64 << 20, rule_file_bytes: 4 << 20 }
    }
}

/// Why a file could not be read, in the words shown to the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// No such file.
    #[error("文件不存在")]
    NotFound,
    /// Not readable by this user.
    #[error("没有读取权限")]
    PermissionDenied,
    /// A folder where a file was expected.
    #[error("这是一个目录")]
    IsDir,
    /// A FIFO, device or socket: reading it could block forever or never end.
    #[error("不是普通文件（管道、设备或套接字），不读取")]
    NotRegular,
    /// Larger than the budget.
    #[error("文件超过 {} 的读取上限{}", human_bytes(*limit), raise.map(|r| format!("（可用 {r} 调高）")).unwrap_or_default())]
    TooLarge {
        /// The budget in bytes.
        limit: u64,
        /// The option that raises it, when there is one.
        raise: Option<&'static str>,
    },
    /// Any other I/O failure, as the system words it.
    #[error("{0}")]
    Other(String),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            std::io::ErrorKind::IsADirectory => ReadError::IsDir,
            _ => ReadError::Other(e.to_string()),
        }
    }
}

/// Read a regular file whole, refusing anything else and anything over `limit` bytes
/// (the length is checked before reading, and the read itself stops one byte past the
/// limit, so a file that grows while read is caught too). `raise` names the option that
/// raises the limit.
pub fn read_bounded(path: &Path, limit: u64, raise: Option<&'static str>) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(ReadError::IsDir);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit, raise });
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit, raise });
    }
    Ok(bytes)
}

/// `67108864` → `64 MiB`, for messages.
pub fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} 字节"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file_or_too_large() {
        let dir = std::env::temp_dir().join(format!("gouji-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.txt");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read_bounded(&f, 5, None).unwrap(), b"12345");
        assert_eq!(read_bounded(&f, 4, Some("--x")), Err(ReadError::TooLarge { limit: 4, raise: Some("--x") }));
        assert_eq!(read_bounded(&dir, 5, None), Err(ReadError::IsDir));
        assert_eq!(read_bounded(&dir.join("none"), 5, None), Err(ReadError::NotFound));
        #[cfg(unix)]
        assert_eq!(read_bounded(Path::new("/dev/zero"), 5, None), Err(ReadError::NotRegular));
        assert_eq!(ReadError::TooLarge { limit: 64 << 20, raise: Some("--最大报告") }.to_string(), "文件超过 64 MiB 的读取上限（可用 --最大报告 调高）");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
