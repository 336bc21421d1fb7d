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
use crate::template::{Template, TemplateErrors, TemplateSet};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A rule file larger than this is refused (rule files are small; this is a guard).
const MAX_FILE: usize = 4 << 20;
/// At most this many files per pack (includes included).
const MAX_FILES: usize = 512;

/// A pack's `pack.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// The templates its rules resolve against and its reports are read with: the
    /// embedded ones plus the pack's own `templates/*.toml`.
    pub templates: Arc<TemplateSet>,
    /// The pack's own template files (display name, text), for a checker that runs
    /// several packs.
    pub template_files: Vec<(String, String)>,
}

/// Where rule files come from: the file system or the binary.
trait Files {
    fn read(&self, rel: &str) -> Result<String, String>;
    /// The pack's template files (`templates/*.toml`), relative, sorted.
    fn templates(&self) -> Vec<String> {
        Vec::new()
    }
}

/// At most this many template files per pack.
const MAX_TEMPLATES: usize = 64;

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

    fn templates(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.0.join("templates")) else { return Vec::new() };
        let mut out: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("templates/{n}"))
            .collect();
        out.sort();
        out
    }
}

/// Rule files held in memory (`Pack::from_text`).
struct Memory(Vec<(String, String)>);

impl Files for Memory {
    fn read(&self, rel: &str) -> Result<String, String> {
        self.0.iter().find(|(p, _)| p == rel).map(|(_, t)| t.clone()).ok_or_else(|| "文件不存在".into())
    }
}

struct Embedded(&'static [(&'static str, &'static str)]);

impl Files for Embedded {
    fn read(&self, rel: &str) -> Result<String, String> {
        self.0.iter().find(|(p, _)| *p == rel).map(|(_, t)| t.to_string()).ok_or_else(|| "内置规则包中没有此文件".into())
    }
}

const OFFICIAL: &[(&str, &str)] = &[
    ("pack.toml", include_str!("../rules/official/pack.toml")),
    ("main.gouji", include_str!("../rules/official/main.gouji")),
    ("t3.gouji", include_str!("../rules/official/t3.gouji")),
    ("t4.gouji", include_str!("../rules/official/t4.gouji")),
    ("values.gouji", include_str!("../rules/official/values.gouji")),
];

/// The embedded templates as one shared set.
pub(crate) fn builtin_set() -> &'static Arc<TemplateSet> {
    static T: OnceLock<Arc<TemplateSet>> = OnceLock::new();
    T.get_or_init(|| Arc::new(TemplateSet::builtin().clone()))
}

impl Pack {
    /// The official pack, embedded in the binary; compiled once.
    pub fn official() -> &'static Pack {
        static P: OnceLock<Pack> = OnceLock::new();
        P.get_or_init(|| Pack::load_from(&Embedded(OFFICIAL), "official", None).unwrap_or_else(|e| panic!("embedded official pack: {e:?}")))
    }

    /// Compile the embedded official pack afresh (for benchmarks).
    pub fn compile_official() -> Result<Pack, RuleErrors> {
        Pack::load_from(&Embedded(OFFICIAL), "official", None)
    }

    /// Load a pack directory (with `pack.toml`) or a single rule file.
    pub fn load(path: &Path) -> Result<Pack, RuleErrors> {
        let refuse = |why: &str| RuleErrors {
            errors: vec![RuleError::new(K::PackPath { path: path.display().to_string(), why: why.to_string() }, Span::default())],
            sources: vec![(path.display().to_string(), Arc::from(""))],
        };
        if !path.exists() {
            return Err(refuse("不存在"));
        }
        if path.is_file() && path.extension().is_none_or(|e| e != "gouji") {
            return Err(refuse("既不是规则文件（.gouji），也不是规则包目录（含 pack.toml）"));
        }
        if path.is_dir() {
            return Pack::load_from(&Disk(path.to_path_buf()), &path.display().to_string(), Some(path.to_path_buf()));
        }
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let manifest = Manifest { name: name.clone(), version: String::new(), description: String::new(), templates: Vec::new(), entry: name };
        // A single rule file brings no templates: only a pack directory has `templates/`.
        Pack::compile(&Disk(dir.clone()), manifest, &dir.display().to_string(), Some(dir), false)
    }

    /// Compile one rule file held in memory (`name` is how diagnostics show it); it may
    /// include nothing.
    pub fn from_text(name: &str, text: &str) -> Result<Pack, RuleErrors> {
        let manifest = Manifest { name: name.into(), version: String::new(), description: String::new(), templates: Vec::new(), entry: name.into() };
        Pack::compile(&Memory(vec![(name.into(), text.into())]), manifest, "", None, false)
    }

    fn load_from(files: &dyn Files, shown: &str, dir: Option<PathBuf>) -> Result<Pack, RuleErrors> {
        let name = format!("{shown}/pack.toml");
        let text = files.read("pack.toml").map_err(|why| RuleErrors {
            errors: vec![RuleError::new(K::Manifest { why: format!("{name}：{why}") }, Span::default())],
            sources: vec![(name.clone(), Arc::from(""))],
        })?;
        let manifest = toml::from_str::<Manifest>(&text).map_err(|e| {
            let at = e.span().unwrap_or(0..0);
            RuleErrors {
                errors: vec![RuleError::new(K::Manifest { why: manifest_why(&e) }, Span::new(SourceId(0), at.start, at.end))],
                sources: vec![(name.clone(), Arc::from(text.as_str()))],
            }
        })?;
        Pack::compile(files, manifest, shown, dir, true)
    }

    fn compile(files: &dyn Files, manifest: Manifest, shown: &str, dir: Option<PathBuf>, with_templates: bool) -> Result<Pack, RuleErrors> {
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
                errors.push(RuleError::new(K::Include { path: rel, why: format!("规则包文件超过 {MAX_FILES} 个") }, from.unwrap_or_default()));
                break;
            }
            let text = match files.read(&rel) {
                Ok(t) => t,
                Err(why) => {
                    errors.push(RuleError::new(K::Include { path: rel.clone(), why }, from.unwrap_or_default()));
                    continue;
                }
            };
            let id = SourceId(sources.len() as u32);
            let shown_name = if shown.is_empty() { rel.clone() } else { format!("{shown}/{rel}") };
            sources.push((shown_name, Arc::from(text.as_str())));
            match syntax::parse(id, &text) {
                Ok(file) => {
                    let base = Path::new(&rel).parent().map(|p| p.to_path_buf()).unwrap_or_default();
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
        // A directory pack may bring templates (a new year, a department's own table).
        let (set, template_files) = match pack_templates(files, shown, with_templates) {
            Ok(x) => x,
            Err(te) => {
                let (mut errs, mut srcs) = template_errors(te, sources.len());
                errors.append(&mut errs);
                sources.append(&mut srcs);
                (builtin_set().clone(), Vec::new())
            }
        };
        let all = set.arcs();
        let templates: Vec<Arc<Template>> = if manifest.templates.is_empty() {
            all.to_vec()
        } else {
            let mut out = Vec::new();
            for t in &manifest.templates {
                match all.iter().find(|a| &a.id == t) {
                    Some(tpl) => out.push(tpl.clone()),
                    None => errors.push(RuleError::new(K::Manifest { why: format!("未知的模板“{t}”") }, Span::default())),
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
        let files: Vec<Arc<RuleFile>> = sources.iter().map(|(name, text)| Arc::new(RuleFile { name: name.clone(), text: text.clone() })).collect();
        for r in &mut compiled.rules {
            r.file = files.get(r.span.source.0 as usize).cloned();
        }
        Ok(Pack { manifest, rules: compiled.rules, warnings: compiled.warnings, templates: set, template_files, sources, dir })
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
        RuleErrors { errors: self.warnings.clone(), sources: self.sources.clone() }.diagnostics()
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

/// The embedded templates extended with the pack's `templates/*.toml`.
/// A template set and the files it was extended with (display name, text).
type WithFiles = (Arc<TemplateSet>, Vec<(String, String)>);

fn pack_templates(files: &dyn Files, shown: &str, is_dir: bool) -> Result<WithFiles, TemplateErrors> {
    let names = if is_dir { files.templates() } else { Vec::new() };
    if names.is_empty() {
        return Ok((builtin_set().clone(), Vec::new()));
    }
    let mut texts = Vec::new();
    let mut unread = TemplateErrors::default();
    for rel in names.iter().take(MAX_TEMPLATES) {
        let shown_name = if shown.is_empty() { rel.clone() } else { format!("{shown}/{rel}") };
        match files.read(rel) {
            Ok(t) => texts.push((shown_name, t)),
            Err(why) => unread.errors.push(crate::template::TemplateError {
                code: "gouji::template::unreadable",
                message: format!("无法读取模板文件：{why}"),
                help: None,
                file: shown_name,
                span: 0..0,
            }),
        }
    }
    if names.len() > MAX_TEMPLATES {
        unread.errors.push(crate::template::TemplateError {
            code: "gouji::template::too_many",
            message: format!("规则包的模板文件超过 {MAX_TEMPLATES} 个"),
            help: None,
            file: format!("{shown}/templates"),
            span: 0..0,
        });
    }
    if !unread.errors.is_empty() {
        return Err(unread);
    }
    let set = TemplateSet::builtin().extended(&texts)?;
    Ok((Arc::new(set), texts))
}

/// Template mistakes as rule-load errors, each in its own source (after `first` rule files).
pub(crate) fn template_errors(te: TemplateErrors, first: usize) -> (Vec<RuleError>, Vec<(String, Arc<str>)>) {
    let mut sources: Vec<(String, Arc<str>)> = Vec::new();
    let mut errors = Vec::new();
    for e in te.errors {
        let i = match sources.iter().position(|(n, _)| *n == e.file) {
            Some(i) => i,
            None => {
                let text = te.sources.iter().find(|(n, _)| *n == e.file).map_or_else(|| Arc::from(""), |(_, t)| t.clone());
                sources.push((e.file.clone(), text));
                sources.len() - 1
            }
        };
        let span = Span::new(SourceId((first + i) as u32), e.span.start, e.span.end);
        let label = e.label();
        errors.push(RuleError::new(K::Template { code: e.code, message: e.message, help: e.help, label }, span));
    }
    (errors, sources)
}

/// A `pack.toml` mistake in Chinese (the TOML crate's own words are English).
fn manifest_why(e: &toml::de::Error) -> String {
    let msg = e.message();
    let quoted = |prefix: &str| msg.split_once(prefix).and_then(|(_, rest)| rest.split('`').next()).map(str::to_string);
    if let Some(f) = quoted("unknown field `") {
        format!("未知的字段“{f}”（可用：name、version、description、templates、entry）")
    } else if let Some(f) = quoted("missing field `") {
        format!("缺少字段“{f}”")
    } else if msg.contains("invalid type") {
        "字段的类型不对（名称、版本、说明、入口是带引号的文字，templates 是文字的列表）".to_string()
    } else {
        "TOML 语法错误".to_string()
    }
}
