//! Who issued a report and for which year: from the report's own text (title, issuer
//! line), overridden by a sidecar `报告名.toml` or the command line, the issuer name
//! normalised (spaces, full/half width, a trailing （区政府办公室）-style note) and mapped
//! through an alias table (`gouji.toml` in a folder, or `--aliases FILE`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// A report's identity for pairing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The issuer as stated (or as overridden).
    pub issuer: Option<String>,
    /// The issuer normalised and mapped through the aliases: what pairing compares.
    pub key: Option<String>,
    /// The report year.
    pub year: Option<u16>,
    /// Where the issuer and year came from.
    pub from: IdentityFrom,
}

/// Where a report's identity was learnt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityFrom {
    /// The report's own text.
    #[default]
    Report,
    /// A sidecar `报告名.toml` beside the report.
    Sidecar,
    /// `--issuer` / `--year`.
    CommandLine,
}

impl Identity {
    /// The identity from what the report states, with overrides (`issuer`, `year`) from a
    /// sidecar or the command line taking precedence field by field.
    pub fn new(stated: (Option<&str>, Option<u16>), over: &Sidecar, from: IdentityFrom, aliases: &Aliases) -> Identity {
        let overridden = over.issuer.is_some() || over.year.is_some();
        let issuer = over.issuer.clone().or_else(|| stated.0.map(str::to_string));
        let key = issuer.as_deref().map(|i| aliases.map(&normalize_issuer(i))).filter(|k| !k.is_empty());
        let from = if overridden { from } else { IdentityFrom::Report };
        Identity { issuer, key, year: over.year.or(stated.1), from }
    }
}

/// `淮安市洪泽区人民政府 （区政府办公室）`, `淮安市洪泽区人民政府(区政府办公室)` →
/// `淮安市洪泽区人民政府`: compatibility forms folded (full-width letters, digits and
/// brackets), every space dropped, one trailing bracketed note dropped.
pub fn normalize_issuer(name: &str) -> String {
    let mut s: String = name.nfkc().filter(|c| !c.is_whitespace()).collect();
    for (open, close) in [('(', ')'), ('[', ']'), ('〔', '〕'), ('【', '】')] {
        if s.ends_with(close) {
            if let Some(i) = s.rfind(open).filter(|&i| i > 0) {
                s.truncate(i);
            }
        }
    }
    s
}

/// A file's own identity: `报告名.toml` beside it (or `--issuer`/`--year`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    /// The issuer.
    #[serde(alias = "发布机关")]
    pub issuer: Option<String>,
    /// The report year.
    #[serde(alias = "年度")]
    pub year: Option<u16>,
}

impl Sidecar {
    /// Where a report's sidecar may be, in order: `NAME.EXT.toml`, then `NAME.toml`.
    pub fn candidates(report: &Path) -> [PathBuf; 2] {
        let mut full = report.as_os_str().to_owned();
        full.push(".toml");
        [PathBuf::from(full), report.with_extension("toml")]
    }

    /// The sidecar of a report file when there is one (looked for on disk).
    pub fn find(report: &Path) -> Result<Option<(PathBuf, Sidecar)>, String> {
        match Sidecar::candidates(report).into_iter().find(|p| p.as_path() != report && p.is_file()) {
            Some(path) => Sidecar::load(&path).map(|s| Some((path, s))),
            None => Ok(None),
        }
    }

    /// Read a sidecar file; one that cannot be read or parsed is an error in the user's
    /// words.
    pub fn load(path: &Path) -> Result<Sidecar, String> {
        read_toml(path, "身份文件", 1 << 16)
    }
}

/// A small TOML file of ours (`what`: its kind, for messages), at most `limit` bytes; what
/// is wrong with it in the user's words.
fn read_toml<T: serde::de::DeserializeOwned>(path: &Path, what: &str, limit: u64) -> Result<T, String> {
    let bytes = crate::limits::read_bounded(path, limit, None).map_err(|e| format!("{what} {} 无法读取：{e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{what} {} 不是 UTF-8 文本", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{what} {} {}", path.display(), toml_error(&text, &e)))
}

/// Where a TOML file is wrong, in Chinese (the parser's own message is English): the line,
/// and the field when it is one we know.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
    let at = line.map(|l| format!("第 {l} 行")).unwrap_or_default();
    let msg = e.message();
    let what = if msg.starts_with("unknown field") {
        "有不认识的字段（可用 issuer / year，或 [aliases]）"
    } else if msg.starts_with("invalid type") {
        "的值类型不对（发布机关写成带引号的文字，年度写成数字）"
    } else {
        "格式有误（TOML：键 = 值，中文的键要加引号）"
    };
    format!("{at}{what}")
}

/// Issuer aliases: normalised name → the normalised name it stands for.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    map: BTreeMap<String, String>,
    /// Where each alias was defined, for the message when two files disagree.
    origin: BTreeMap<String, String>,
}

/// The alias file: `[aliases]` (or `["别名"]`) mapping a name to the one it stands for.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasFile {
    #[serde(default, alias = "别名")]
    aliases: BTreeMap<String, String>,
}

impl Aliases {
    /// Add the aliases of a `gouji.toml` (or `--aliases`) file; an alias defined twice
    /// with different targets is an error naming both files.
    pub fn load(&mut self, path: &Path) -> Result<(), String> {
        let file: AliasFile = read_toml(path, "别名文件", 1 << 20)?;
        let here = path.display().to_string();
        for (from, to) in file.aliases {
            let (from, to) = (normalize_issuer(&from), normalize_issuer(&to));
            if from.is_empty() || to.is_empty() {
                return Err(format!("别名文件 {here} 有误：发布机关名称不能为空"));
            }
            match self.map.get(&from) {
                Some(old) if *old != to => {
                    let there = &self.origin[&from];
                    return Err(format!("别名“{from}”有两种含义：{there} 中为“{old}”，{here} 中为“{to}”"));
                }
                _ => {
                    self.map.insert(from.clone(), to);
                    self.origin.insert(from, here.clone());
                }
            }
        }
        Ok(())
    }

    /// A normalised name through the table (one step: aliases name canonical names).
    pub fn map(&self, key: &str) -> String {
        self.map.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// No alias defined.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalize_issuer(" 淮安市 洪泽区人民政府（区政府办公室）"), "淮安市洪泽区人民政府");
        assert_eq!(normalize_issuer("淮安市洪泽区人民政府(区政府办公室)"), "淮安市洪泽区人民政府");
        assert_eq!(normalize_issuer("ＡＢＣ市　民政局"), "ABC市民政局");
        // A name that is all brackets keeps them (never an empty name).
        assert_eq!(normalize_issuer("（办公室）"), "(办公室)");
    }

    #[test]
    fn aliases_map_and_conflicts_are_errors() {
        let dir = std::env::temp_dir().join(format!("gouji-alias-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.toml");
        std::fs::write(&a, "[\"别名\"]\n\"洪泽区政府\" = \"洪泽区人民政府\"\n").unwrap();
        let b = dir.join("b.toml");
        std::fs::write(&b, "[aliases]\n\"洪泽区政府\" = \"淮安市人民政府\"\n").unwrap();
        let mut al = Aliases::default();
        al.load(&a).unwrap();
        assert_eq!(al.map("洪泽区政府"), "洪泽区人民政府");
        assert_eq!(al.map("别的"), "别的");
        let e = al.load(&b).unwrap_err();
        assert!(e.contains("有两种含义") && e.contains("a.toml") && e.contains("b.toml"), "{e}");
        std::fs::write(&b, "\n[aliase]\n").unwrap();
        let e = al.load(&b).unwrap_err();
        assert!(e.contains("第 2 行有不认识的字段"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sidecar_overrides_field_by_field() {
        let dir = std::env::temp_dir().join(format!("gouji-sidecar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let r = dir.join("r.pdf");
        std::fs::write(&r, "x").unwrap();
        assert_eq!(Sidecar::find(&r).unwrap(), None);
        std::fs::write(dir.join("r.toml"), "\"年度\" = 2023\n").unwrap();
        let (_, s) = Sidecar::find(&r).unwrap().unwrap();
        let id = Identity::new((Some("洪泽区人民政府 "), Some(2022)), &s, IdentityFrom::Sidecar, &Aliases::default());
        assert_eq!((id.key.as_deref(), id.year, id.from), (Some("洪泽区人民政府"), Some(2023), IdentityFrom::Sidecar));
        std::fs::write(dir.join("r.pdf.toml"), "year = \"x\"\n").unwrap();
        let e = Sidecar::find(&r).unwrap_err();
        assert!(e.contains("r.pdf.toml") && e.contains("第 1 行的值类型不对"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
