//! Rule packs: a directory with a manifest (`pack.toml`) and rule files, or a single
//! `.gouji` file. Loading parses every file (following `include`s), resolves the rules
//! against the templates the pack applies to, and collects every mistake. A loaded pack
//! checks any number of reports.
//!
//! ```toml
//! name = "official"
//! version = "1.0.0"
//! description = "官方勾稽关系"
//! templates = ["2019", "2021"]   # default: every embedded template
//! entry = "main.gouji"           # default
//! ```

use crate::check::{self, ir::CompiledRule, ir::RuleFile};
use crate::diagnostics::rules::{RuleError, RuleErrorKind as K, RuleErrors};
use crate::eval::{self, Context, Evaluation, Finding};
use crate::report::Report;
use crate::syntax::{self, SourceId, Span};
use crate::template::{self, Template};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A rule file larger than this is refused (rule files are small; this is a guard).
const MAX_FILE: usize = 4 << 20;
/// At most this many files per pack (includes included).
const MAX_FILES: usize = 512;

/// A pack's `pack.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// The pack's name.
    pub name: String,
    /// Its version, as the authors keep it.
    #[serde(default)]
    pub version: String,
    /// One line on what it checks.
    #[serde(default)]
    pub description: String,
    /// The template ids it applies to (default: every template).
    #[serde(default)]
    pub templates: Vec<String>,
    /// The first rule file (default `main.gouji`).
    #[serde(default = "default_entry")]
    pub entry: String,
}

fn default_entry() -> String {
    "main.gouji".into()
}

/// A compiled pack.
#[derive(Debug, Clone)]
pub struct Pack {
    /// Its `pack.toml`.
    pub manifest: Manifest,
    /// The rules, resolved against every template of the pack, in file order.
    pub rules: Vec<CompiledRule>,
    /// Mistakes that did not stop the pack (a rule that applies to some templates only).
    pub warnings: Vec<RuleError>,
    /// Rule files by `SourceId`: display name and text.
    pub sources: Vec<(String, Arc<str>)>,
    /// The directory the pack was loaded from (None when embedded).
    pub dir: Option<PathBuf>,
}

/// Where rule files come from: the file system or the binary.
trait Files {
    fn read(&self, rel: &str) -> Result<String, String>;
}

struct Disk(PathBuf);

impl Files for Disk {
    fn read(&self, rel: &str) -> Result<String, String> {
        let path = self.0.join(rel);
        let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "文件不存在".to_string(),
            std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
            _ => e.to_string(),
        })?;
        if meta.len() as usize > MAX_FILE {
            return Err(format!("文件过大（{} 字节）", meta.len()));
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|_| "不是 UTF-8 文本".to_string())
    }
}

/// Rule files held in memory (`Pack::from_text`).
struct Memory(Vec<(String, String)>);

impl Files for Memory {
    fn read(&self, rel: &str) -> Result<String, String> {
        self.0
            .iter()
            .find(|(p, _)| p == rel)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| "文件不存在".into())
    }
}

struct Embedded(&'static [(&'static str, &'static str)]);

impl Files for Embedded {
    fn read(&self, rel: &str) -> Result<String, String> {
        self.0
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| "内置规则包中没有此文件".into())
    }
}

const OFFICIAL: &[(&str, &str)] = &[
    ("pack.toml", include_str!("../rules/official/pack.toml")),
    ("main.gouji", include_str!("../rules/official/main.gouji")),
    ("t3.gouji", include_str!("../rules/official/t3.gouji")),
    ("t4.gouji", include_str!("../rules/official/t4.gouji")),
    (
        "values.gouji",
        include_str!("../rules/official/values.gouji"),
    ),
];

/// The embedded templates, shared by every pack compiled in this process.
fn builtin_arcs() -> &'static [Arc<Template>] {
    static T: OnceLock<Vec<Arc<Template>>> = OnceLock::new();
    T.get_or_init(|| {
        template::builtin()
            .iter()
            .map(|t| Arc::new(t.clone()))
            .collect()
    })
}

impl Pack {
    /// The official pack, embedded in the binary; compiled once.
    pub fn official() -> &'static Pack {
        static P: OnceLock<Pack> = OnceLock::new();
        P.get_or_init(|| {
            Pack::load_from(&Embedded(OFFICIAL), "official", None)
                .unwrap_or_else(|e| panic!("embedded official pack: {e:?}"))
        })
    }

    /// Compile the embedded official pack afresh (for benchmarks).
    pub fn compile_official() -> Result<Pack, RuleErrors> {
        Pack::load_from(&Embedded(OFFICIAL), "official", None)
    }

    /// Load a pack directory (with `pack.toml`) or a single rule file.
    pub fn load(path: &Path) -> Result<Pack, RuleErrors> {
        if path.is_dir() {
            return Pack::load_from(
                &Disk(path.to_path_buf()),
                &path.display().to_string(),
                Some(path.to_path_buf()),
            );
        }
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let manifest = Manifest {
            name: name.clone(),
            version: String::new(),
            description: String::new(),
            templates: Vec::new(),
            entry: name,
        };
        Pack::compile(
            &Disk(dir.clone()),
            manifest,
            &dir.display().to_string(),
            Some(dir),
        )
    }

    /// Compile one rule file held in memory (`name` is how diagnostics show it); it may
    /// include nothing.
    pub fn from_text(name: &str, text: &str) -> Result<Pack, RuleErrors> {
        let manifest = Manifest {
            name: name.into(),
            version: String::new(),
            description: String::new(),
            templates: Vec::new(),
            entry: name.into(),
        };
        Pack::compile(
            &Memory(vec![(name.into(), text.into())]),
            manifest,
            "",
            None,
        )
    }

    fn load_from(files: &dyn Files, shown: &str, dir: Option<PathBuf>) -> Result<Pack, RuleErrors> {
        let manifest = files
            .read("pack.toml")
            .and_then(|t| toml::from_str::<Manifest>(&t).map_err(|e| e.to_string()));
        let manifest = manifest.map_err(|why| RuleErrors {
            errors: vec![RuleError::new(
                K::Manifest {
                    why: format!("{shown}/pack.toml：{why}"),
                },
                Span::default(),
            )],
            sources: vec![(format!("{shown}/pack.toml"), Arc::from(""))],
        })?;
        Pack::compile(files, manifest, shown, dir)
    }

    fn compile(
        files: &dyn Files,
        manifest: Manifest,
        shown: &str,
        dir: Option<PathBuf>,
    ) -> Result<Pack, RuleErrors> {
        let mut sources: Vec<(String, Arc<str>)> = Vec::new();
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        let mut queue: Vec<(String, Option<Span>)> = vec![(manifest.entry.clone(), None)];
        let mut seen: Vec<String> = Vec::new();
        while let Some((rel, from)) = queue.pop() {
            if seen.contains(&rel) {
                continue; // included twice (or a cycle): read once
            }
            seen.push(rel.clone());
            if seen.len() > MAX_FILES {
                errors.push(RuleError::new(
                    K::Include {
                        path: rel,
                        why: format!("规则包文件超过 {MAX_FILES} 个"),
                    },
                    from.unwrap_or_default(),
                ));
                break;
            }
            let text = match files.read(&rel) {
                Ok(t) => t,
                Err(why) => {
                    errors.push(RuleError::new(
                        K::Include {
                            path: rel.clone(),
                            why,
                        },
                        from.unwrap_or_default(),
                    ));
                    continue;
                }
            };
            let id = SourceId(sources.len() as u32);
            let shown_name = if shown.is_empty() {
                rel.clone()
            } else {
                format!("{shown}/{rel}")
            };
            sources.push((shown_name, Arc::from(text.as_str())));
            match syntax::parse(id, &text) {
                Ok(file) => {
                    let base = Path::new(&rel)
                        .parent()
                        .map(|p| p.to_path_buf())
                        .unwrap_or_default();
                    for inc in file.includes.iter().rev() {
                        let path = base.join(&inc.node).to_string_lossy().replace('\\', "/");
                        queue.push((path, Some(inc.span)));
                    }
                    parsed.push((id, file));
                }
                Err(e) => errors.push(e.into()),
            }
        }
        // Rules keep file order: the entry file's includes first, as written.
        parsed.sort_by_key(|(id, _)| *id);
        let all = builtin_arcs();
        let templates: Vec<Arc<Template>> = if manifest.templates.is_empty() {
            all.to_vec()
        } else {
            let mut out = Vec::new();
            for t in &manifest.templates {
                match all.iter().find(|a| &a.id == t) {
                    Some(tpl) => out.push(tpl.clone()),
                    None => errors.push(RuleError::new(
                        K::Manifest {
                            why: format!("未知的模板“{t}”"),
                        },
                        Span::default(),
                    )),
                }
            }
            out
        };
        let texts: Vec<&str> = sources.iter().map(|(_, t)| &**t).collect();
        let mut compiled = check::compile(&parsed, &texts, &templates);
        errors.append(&mut compiled.errors);
        if !errors.is_empty() {
            return Err(RuleErrors { errors, sources });
        }
        let files: Vec<Arc<RuleFile>> = sources
            .iter()
            .map(|(name, text)| {
                Arc::new(RuleFile {
                    name: name.clone(),
                    text: text.clone(),
                })
            })
            .collect();
        for r in &mut compiled.rules {
            r.file = files.get(r.span.source.0 as usize).cloned();
        }
        Ok(Pack {
            manifest,
            rules: compiled.rules,
            warnings: compiled.warnings,
            sources,
            dir,
        })
    }

    /// Check one report on its own: findings in rule order.
    pub fn check(&self, report: &Report) -> Vec<Finding> {
        self.evaluate(Context::of(report)).findings
    }

    /// Findings and per-rule outcomes in a context.
    pub fn evaluate(&self, cx: Context<'_>) -> Evaluation {
        eval::evaluate(&self.rules, cx)
    }

    /// The load warnings, renderable with miette.
    pub fn warning_diagnostics(&self) -> Vec<crate::diagnostics::rules::PointedRuleError> {
        RuleErrors {
            errors: self.warnings.clone(),
            sources: self.sources.clone(),
        }
        .diagnostics()
    }

    /// The resolved IR of every rule, as text (per-stage snapshots).
    pub fn ir_text(&self) -> String {
        check::ir_text(&self.rules)
    }

    /// A rule file's name and text.
    pub fn source(&self, id: SourceId) -> Option<&(String, Arc<str>)> {
        self.sources.get(id.0 as usize)
    }
}
