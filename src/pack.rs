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
use crate::limits::{read_bounded, Limits, ReadError, RuleLimit};
use crate::report::Report;
use crate::syntax::{self, SourceId, Span};
use crate::template::{Template, TemplateErrors, TemplateSet};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
    /// The budgets it was loaded within; its evaluation keeps to them too.
    pub limits: Limits,
}

/// Where rule files come from: the file system or the binary. Paths given to it are
/// relative to the pack's folder and already normalised ([`normalise`]): never absolute,
/// never above the folder.
trait Files {
    /// A file's identity: its real path relative to the pack folder (symlinks resolved),
    /// or why it cannot be used. Nothing outside the pack is opened.
    fn resolve(&self, rel: &str) -> Result<String, String> {
        Ok(rel.to_string())
    }
    fn read(&self, key: &str, limits: &Limits) -> Result<String, String>;
    /// The pack's template files (`templates/*.toml`), relative, sorted.
    fn templates(&self) -> Vec<String> {
        Vec::new()
    }
}

/// At most this many template files per pack.
const MAX_TEMPLATES: usize = 64;

/// A pack folder on disk, by its real path.
struct Disk(PathBuf);

impl Files for Disk {
    fn resolve(&self, rel: &str) -> Result<String, String> {
        let real = std::fs::canonicalize(self.0.join(rel)).map_err(|e| ReadError::from(e).to_string())?;
        let inside = real.strip_prefix(&self.0).map_err(|_| "它是指向规则包目录之外的符号链接，不读取".to_string())?;
        Ok(inside.to_string_lossy().replace('\\', "/"))
    }

    fn read(&self, key: &str, limits: &Limits) -> Result<String, String> {
        let bytes = read_bounded(&self.0.join(key), limits.rule_file_bytes, None).map_err(|e| e.to_string())?;
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

/// `dir` joined with `path`, `.` and `..` taken out, `/`-separated: the path of a file of
/// the pack relative to its folder. An absolute path, or one that climbs above the
/// folder, is refused (in the words shown to the user).
fn normalise(dir: &str, path: &str) -> Result<String, String> {
    let path = path.replace('\\', "/");
    if path.starts_with('/') || Path::new(&path).is_absolute() || path.get(1..2) == Some(":") {
        return Err("这是绝对路径；规则包只能包含自己目录中的文件（请写相对路径）".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("路径中的“..”出了规则包目录；规则包只能包含自己目录中的文件".into());
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("路径没有指向文件".into());
    }
    Ok(parts.join("/"))
}

/// Rule files held in memory (`Pack::from_text`).
struct Memory(Vec<(String, String)>);

impl Files for Memory {
    fn read(&self, rel: &str, _: &Limits) -> Result<String, String> {
        self.0.iter().find(|(p, _)| p == rel).map(|(_, t)| t.clone()).ok_or_else(|| "文件不存在".into())
    }
}

struct Embedded(&'static [(&'static str, &'static str)]);

impl Files for Embedded {
    fn read(&self, rel: &str, _: &Limits) -> Result<String, String> {
        self.0.iter().find(|(p, _)| *p == rel).map(|(_, t)| t.to_string()).ok_or_else(|| "内置规则包中没有此文件".into())
    }
}

const OFFICIAL: &[(&str, &str)] = &[
    ("pack.toml", include_str!("../rules/official/pack.toml")),
    ("main.gouji", include_str!("../rules/official/main.gouji")),
    ("t3.gouji", include_str!("../rules/official/t3.gouji")),
    ("t4.gouji", include_str!("../rules/official/t4.gouji")),
    ("values.gouji", include_str!("../rules/official/values.gouji")),
    ("xyear.gouji", include_str!("../rules/official/xyear.gouji")),
    ("text.gouji", include_str!("../rules/official/text.gouji")),
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
        P.get_or_init(|| Pack::load_from(&Embedded(OFFICIAL), "official", None, &Limits::default()).unwrap_or_else(|e| panic!("embedded official pack: {e:?}")))
    }

    /// Compile the embedded official pack afresh (for benchmarks).
    pub fn compile_official() -> Result<Pack, RuleErrors> {
        Pack::load_from(&Embedded(OFFICIAL), "official", None, &Limits::default())
    }

    /// Load a pack directory (with `pack.toml`) or a single rule file, within the default
    /// [`Limits`].
    pub fn load(path: &Path) -> Result<Pack, RuleErrors> {
        Pack::load_with(path, &Limits::default())
    }

    /// Load a pack directory (with `pack.toml`) or a single rule file within `limits`.
    /// Every file it reads (manifest, rule files, includes, templates) is inside the pack
    /// folder by its real path.
    pub fn load_with(path: &Path, limits: &Limits) -> Result<Pack, RuleErrors> {
        let refuse = |why: &str| RuleErrors {
            errors: vec![RuleError::new(K::PackPath { path: path.display().to_string(), why: why.to_string() }, Span::default())],
            sources: vec![(path.display().to_string(), Arc::from(""))],
        };
        if !path.exists() {
            return Err(refuse(if path.extension().is_some_and(|e| e == "gouji") {
                "不存在：没有这个规则文件"
            } else {
                "不存在：没有这个规则包目录"
            }));
        }
        if path.is_file() && path.extension().is_none_or(|e| e != "gouji") {
            return Err(refuse("既不是规则文件（.gouji），也不是规则包目录（含 pack.toml）"));
        }
        let real = |p: &Path| std::fs::canonicalize(p).map_err(|e| refuse(&format!("无法读取：{}", ReadError::from(e))));
        if path.is_dir() {
            return Pack::load_from(&Disk(real(path)?), &path.display().to_string(), Some(path.to_path_buf()), limits);
        }
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let manifest = Manifest { name: name.clone(), version: String::new(), description: String::new(), templates: Vec::new(), entry: name };
        // A single rule file brings no templates: only a pack directory has `templates/`.
        Pack::compile(&Disk(real(&dir)?), manifest, None, &dir.display().to_string(), Some(dir), false, limits)
    }

    /// Compile one rule file held in memory (`name` is how diagnostics show it); it may
    /// include nothing.
    pub fn from_text(name: &str, text: &str) -> Result<Pack, RuleErrors> {
        Pack::from_text_with(name, text, &Limits::default())
    }

    /// [`Pack::from_text`] within `limits`.
    pub fn from_text_with(name: &str, text: &str, limits: &Limits) -> Result<Pack, RuleErrors> {
        let manifest = Manifest { name: name.into(), version: String::new(), description: String::new(), templates: Vec::new(), entry: name.into() };
        Pack::compile(&Memory(vec![(name.into(), text.into())]), manifest, None, "", None, false, limits)
    }

    fn load_from(files: &dyn Files, shown: &str, dir: Option<PathBuf>, limits: &Limits) -> Result<Pack, RuleErrors> {
        let name = format!("{shown}/pack.toml");
        let text = files.resolve("pack.toml").and_then(|key| files.read(&key, limits)).map_err(|why| RuleErrors {
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
        Pack::compile(files, manifest, Some((name, Arc::from(text.as_str()))), shown, dir, true, limits)
    }

    #[allow(clippy::too_many_arguments)]
    fn compile(
        files: &dyn Files,
        manifest: Manifest,
        toml: Option<(String, Arc<str>)>,
        shown: &str,
        dir: Option<PathBuf>,
        with_templates: bool,
        limits: &Limits,
    ) -> Result<Pack, RuleErrors> {
        let mut sources: Vec<(String, Arc<str>)> = Vec::new();
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        // Mistakes of the manifest, pointed into pack.toml (its source is added last).
        let mut in_toml: Vec<(K, std::ops::Range<usize>)> = Vec::new();
        let entry_at = toml.as_ref().and_then(|(_, t)| value_span(t, "entry")).unwrap_or(0..0);
        // Depth first, each file with the chain of files that included it (a file met again
        // in its own chain is a cycle; met elsewhere, a diamond, read once).
        struct Pending {
            path: Result<String, String>,
            written: String,
            from: Option<Span>,
            chain: Vec<String>,
        }
        let entry = normalise("", &manifest.entry);
        let mut queue = vec![Pending { path: entry, written: manifest.entry.clone(), from: None, chain: Vec::new() }];
        let mut seen: Vec<String> = Vec::new();
        // A file that cannot be used: the entry's mistake points into pack.toml when there is
        // one (no span: placed there), an include's at the include.
        let unusable = |from: Option<Span>, path: String, why: String| match (from, toml.is_some()) {
            (None, true) => (K::Entry { path, why }, None),
            (None, false) => (K::Entry { path, why }, Some(Span::default())),
            (Some(at), _) => (K::Include { path, why }, Some(at)),
        };
        while let Some(Pending { path, written, from, chain }) = queue.pop() {
            let key = match path.and_then(|rel| files.resolve(&rel)) {
                Ok(k) => k,
                Err(why) => {
                    match unusable(from, written, why) {
                        (kind, None) => in_toml.push((kind, entry_at.clone())),
                        (kind, Some(at)) => errors.push(RuleError::new(kind, at)),
                    }
                    continue;
                }
            };
            if let Some(i) = chain.iter().position(|c| *c == key) {
                let ring: Vec<&str> = chain[i..].iter().map(String::as_str).chain([key.as_str()]).collect();
                errors.push(RuleError::new(K::Include { path: written, why: format!("循环包含：{}", ring.join(" → ")) }, from.unwrap_or_default()));
                continue;
            }
            if seen.contains(&key) {
                continue; // included twice by different files: read once
            }
            if seen.len() >= limits.rule_files {
                errors.push(RuleError::new(K::Limit { what: RuleLimit::Files, limit: limits.rule_files }, from.unwrap_or_default()));
                break;
            }
            seen.push(key.clone());
            let text = match files.read(&key, limits) {
                Ok(t) => t,
                Err(why) => {
                    match unusable(from, written, why) {
                        (kind, None) => in_toml.push((kind, entry_at.clone())),
                        (kind, Some(at)) => errors.push(RuleError::new(kind, at)),
                    }
                    continue;
                }
            };
            let id = SourceId(sources.len() as u32);
            let shown_name = if shown.is_empty() { key.clone() } else { format!("{shown}/{key}") };
            sources.push((shown_name, Arc::from(text.as_str())));
            match syntax::parse_with(id, &text, limits) {
                Ok(file) => {
                    let base = key.rsplit_once('/').map_or("", |(d, _)| d);
                    let mut chain = chain;
                    chain.push(key.clone());
                    for inc in file.includes.iter().rev() {
                        queue.push(Pending { path: normalise(base, &inc.node), written: inc.node.clone(), from: Some(inc.span), chain: chain.clone() });
                    }
                    parsed.push((id, file));
                }
                Err(e) => errors.push(e.into()),
            }
        }
        // Rules keep file order: the entry file's includes first, as written.
        parsed.sort_by_key(|(id, _)| *id);
        if let Some(r) = parsed.iter().flat_map(|(_, f)| &f.rules).nth(limits.rules_per_pack) {
            errors.push(RuleError::new(K::Limit { what: RuleLimit::Rules, limit: limits.rules_per_pack }, r.id.span));
        } else if errors.is_empty() && in_toml.is_empty() && parsed.iter().all(|(_, f)| f.rules.is_empty()) {
            errors.push(RuleError::new(K::NoRules { pack: manifest.name.clone() }, Span::default()));
        }
        // A directory pack may bring templates (a new year, a department's own table).
        let (set, template_files) = match pack_templates(files, shown, with_templates, limits) {
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
            let at = toml.as_ref().and_then(|(_, t)| value_span(t, "templates")).unwrap_or(0..0);
            for t in &manifest.templates {
                match all.iter().find(|a| &a.id == t) {
                    Some(tpl) => out.push(tpl.clone()),
                    None => {
                        let known: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
                        in_toml.push((K::Manifest { why: format!("未知的模板“{t}”（可用：{}）", known.join("、")) }, at.clone()));
                    }
                }
            }
            out
        };
        if let (Some((name, text)), false) = (toml, in_toml.is_empty()) {
            let id = SourceId(sources.len() as u32);
            sources.push((name, text));
            errors.extend(in_toml.into_iter().map(|(k, at)| RuleError::new(k, Span::new(id, at.start, at.end))));
        }
        let texts: Vec<&str> = sources.iter().map(|(_, t)| &**t).collect();
        let too_many = errors.iter().any(|e| matches!(e.kind, K::Limit { what: RuleLimit::Rules, .. }));
        let mut compiled = if too_many { check::Compiled::default() } else { check::compile(&parsed, &texts, &templates) };
        errors.append(&mut compiled.errors);
        if !errors.is_empty() {
            return Err(RuleErrors { errors, sources });
        }
        let files: Vec<Arc<RuleFile>> = sources.iter().map(|(name, text)| Arc::new(RuleFile { name: name.clone(), text: text.clone() })).collect();
        for r in &mut compiled.rules {
            r.file = files.get(r.span.source.0 as usize).cloned();
        }
        Ok(Pack { manifest, rules: compiled.rules, warnings: compiled.warnings, templates: set, template_files, sources, dir, limits: limits.clone() })
    }

    /// Whether any rule of the pack reads the previous year's report (`上年.…`): without
    /// one, a caller has no pairing to do.
    pub fn uses_previous(&self) -> bool {
        self.rules.iter().any(|r| r.previous)
    }

    /// Check one report on its own: findings in rule order.
    pub fn check(&self, report: &Report) -> Vec<Finding> {
        self.evaluate(Context::of(report)).findings
    }

    /// Findings and per-rule outcomes in a context.
    pub fn evaluate(&self, cx: Context<'_>) -> Evaluation {
        eval::evaluate(&self.rules, cx, &self.limits, &mut self.limits.findings_per_report.clone())
    }

    /// The load warnings, renderable with miette.
    pub fn warning_diagnostics(&self) -> Vec<crate::diagnostics::rules::PointedRuleError> {
        RuleErrors { errors: self.warnings.clone(), sources: self.sources.clone() }.diagnostics()
    }

    /// The resolved IR of every rule, as text (per-stage snapshots).
    pub fn ir_text(&self) -> String {
        check::ir_text(&self.rules)
    }

    /// Whether two packs are one: the same folder and entry (by real path), or two packs
    /// with a manifest under the same name and the same rule files.
    pub(crate) fn same_pack(&self, other: &Pack) -> bool {
        let real = |p: &Pack| p.dir.as_ref().and_then(|d| std::fs::canonicalize(d).ok()).map(|d| (d, p.manifest.entry.clone()));
        if let (Some(a), Some(b)) = (real(self), real(other)) {
            return a == b;
        }
        let texts = |p: &Pack| p.sources.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
        self.manifest.name == other.manifest.name && texts(self) == texts(other)
    }

    /// A rule file's name and text.
    pub fn source(&self, id: SourceId) -> Option<&(String, Arc<str>)> {
        self.sources.get(id.0 as usize)
    }
}

/// The embedded templates extended with the pack's `templates/*.toml`.
/// A template set and the files it was extended with (display name, text).
type WithFiles = (Arc<TemplateSet>, Vec<(String, String)>);

fn pack_templates(files: &dyn Files, shown: &str, is_dir: bool, limits: &Limits) -> Result<WithFiles, TemplateErrors> {
    let names = if is_dir { files.templates() } else { Vec::new() };
    if names.is_empty() {
        return Ok((builtin_set().clone(), Vec::new()));
    }
    let mut texts = Vec::new();
    let mut unread = TemplateErrors::default();
    for rel in names.iter().take(MAX_TEMPLATES) {
        let shown_name = if shown.is_empty() { rel.clone() } else { format!("{shown}/{rel}") };
        match files.resolve(rel).and_then(|key| files.read(&key, limits)) {
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

/// The span of `key`'s value in a `pack.toml` (its first line `key = …`).
fn value_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let Some(rest) = line.trim_start().strip_prefix(key) else { continue };
        let Some(value) = rest.trim_start().strip_prefix('=') else { continue };
        let lead = line.len() - value.trim_start().len();
        let value = value.trim();
        return Some(start + lead..start + lead + value.len());
    }
    None
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
