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
    /// Bytes read from one rule, template, manifest, case or snapshot file of a pack
    /// (default 4 MiB).
    pub rule_file_bytes: u64,

    // Rules: each checked at load (or, for findings, as they are made), so that a hostile
    // pack is a pointed load error or one notice, never a stack overflow or a full memory.
    // Real packs stay far below every default.
    /// Deepest bracket nesting (`(`, `[`, `{`) in a rule file (default 64).
    pub rule_nesting: usize,
    /// Operators in one expression (of a `check`, `let` or `when`), those inside its
    /// parentheses and function arguments and prefix `-` / `not` included (default 128;
    /// real rules use a handful). With `rule_nesting` this bounds every recursive pass over
    /// an expression: at the default the deepest one compiles and runs in a debug build on a
    /// 2 MiB thread stack (rayon's default worker stack) with room to spare (256 did not).
    pub rule_expr_ops: usize,
    /// Files of one pack, includes included (default 512).
    pub rule_files: usize,
    /// Rules in one pack (default 2,000).
    pub rules_per_pack: usize,
    /// Bytes of one message template (default 2 KiB).
    pub message_bytes: usize,
    /// `{x}` placeholders in one message template (default 64).
    pub message_holes: usize,
    /// Bytes of one rendered message; a longer one is cut with `…` (default 8 KiB).
    pub message_rendered_bytes: usize,
    /// Findings of one rule on one report (default 1,000); at it the rule stops, and one
    /// notice says how many were listed, that the rest of the rule was not checked, and
    /// which limit.
    pub findings_per_rule: usize,
    /// Findings of all packs on one report (default 10,000); at it checking stops, one
    /// notice says how many rules were left unchecked and which limit, and each of them is
    /// not assessable with that reason.
    pub findings_per_report: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            report_bytes: 64 << 20,
            rule_file_bytes: 4 << 20,
            rule_nesting: 64,
            rule_expr_ops: 128,
            rule_files: 512,
            rules_per_pack: 2_000,
            message_bytes: 2 << 10,
            message_holes: 64,
            message_rendered_bytes: 8 << 10,
            findings_per_rule: 1_000,
            findings_per_report: 10_000,
        }
    }
}

// Report: importer budgets against hostile files (issue 10). Documented constants rather
// than `Limits` fields: the importers are reached through `gouji::read(path, bytes, form)`,
// which takes no `Limits`; each exceeded one is an `ImportError::Limit` naming it. Real
// reports stay far below every value (a report table is about 30 × 10 cells).

/// Grid cells of one table, rows × columns with every rowspan and colspan counted
/// (default 200,000). Bounds the HTML, DOCX and Markdown table grids.
pub const REPORT_TABLE_CELLS: usize = 200_000;
/// Largest `colspan` honoured (HTML's own ceiling); a larger one is clamped to it.
pub const REPORT_COLSPAN: usize = 1_000;
/// Largest `rowspan` honoured (HTML's own ceiling, 65,534); a larger one is clamped to it,
/// and every rowspan to the rows the table has.
pub const REPORT_ROWSPAN: usize = 65_534;
/// Cells of one Markdown table row (default 1,000); a row with more is refused before its
/// cells are built.
pub const REPORT_MARKDOWN_CELLS: usize = 1_000;

/// Facts (numbers in prose) kept per section: a real §1 states a few dozen; a hostile
/// page of digits must not fill memory with them.
pub const REPORT_SECTION_FACTS: usize = 5_000;
/// Deepest element nesting of an HTML page, measured on the parsed tree (default 512; real
/// pages are a few dozen deep). A cheap scan before parsing refuses pages whose tags
/// suggest more than twice this, since the parser's scope checks cost time per level.
pub const REPORT_HTML_DEPTH: usize = 512;
/// Nodes of an HTML page's parsed tree (default 500,000; real pages have tens of
/// thousands). The parser re-opens every still-active formatting element (`<b>`, `<font>`
/// …) before new content, so a few KB of misnested tags can build millions of nodes; the
/// page is parsed in 4 KiB pieces and refused once its tree passes this.
pub const REPORT_HTML_NODES: usize = 500_000;
/// Open elements the parser's end-tag searches may step over in one HTML page, as the
/// scan before parsing counts them (default 4,000,000; a real page needs a few hundred
/// thousand). Misnested end tags under deep formatting elements cost the parser one step
/// per open element each; past this the page is refused as too deeply nested.
pub const REPORT_HTML_END_TAG_STEPS: usize = 4_000_000;
/// Deepest XML element nesting of a DOCX `word/document.xml` (default 512).
pub const REPORT_DOCX_DEPTH: usize = 512;
/// Uncompressed bytes of `word/document.xml` read from a DOCX (default 64 MiB): the
/// declared size is checked before inflating, and the read stops at the limit.
pub const REPORT_DOCX_XML_BYTES: u64 = 64 << 20;

/// A rule-side budget a pack exceeded (its number is in the error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLimit {
    /// [`Limits::rule_nesting`].
    Nesting,
    /// [`Limits::rule_expr_ops`].
    ExprOps,
    /// [`Limits::rule_files`].
    Files,
    /// [`Limits::rules_per_pack`].
    Rules,
    /// [`Limits::message_bytes`].
    MessageBytes,
    /// [`Limits::message_holes`].
    MessageHoles,
}

impl RuleLimit {
    /// What exceeded it, in the words shown to the user.
    pub fn what(self) -> &'static str {
        match self {
            RuleLimit::Nesting => "括号嵌套",
            RuleLimit::ExprOps => "一个表达式中的运算符",
            RuleLimit::Files => "规则包的文件",
            RuleLimit::Rules => "规则包的规则",
            RuleLimit::MessageBytes => "消息的字节",
            RuleLimit::MessageHoles => "消息中的 {…} 占位",
        }
    }

    /// The `Limits` field that holds it.
    pub fn field(self) -> &'static str {
        match self {
            RuleLimit::Nesting => "rule_nesting",
            RuleLimit::ExprOps => "rule_expr_ops",
            RuleLimit::Files => "rule_files",
            RuleLimit::Rules => "rules_per_pack",
            RuleLimit::MessageBytes => "message_bytes",
            RuleLimit::MessageHoles => "message_holes",
        }
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
    // The file as long as it was when looked at: one read, no second one to meet its end.
    // A size of 0 may be a file whose length is not known in advance (procfs): read to the
    // limit.
    let want = if meta.len() > 0 { meta.len() } else { limit + 1 };
    file.take(want).read_to_end(&mut bytes)?;
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
