//! Template files → validated [`Template`]s. Every check runs on every file, so one pass
//! reports every mistake; a file that is not well-formed TOML of the format (syntax, an
//! unknown field, a wrong type) reports the first such mistake, since nothing after it can
//! be read reliably.

use super::error::{TemplateError, TemplateErrors};
use super::file::{FileDef, GroupFile, PartFile, SectionFile, TableFile};
use super::{ColDef, Domain, GroupDef, IdentityDef, IdentityKind, PartDef, RowDef, SectionDef, TableDef, Template, SECTION_ORDINALS};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// Errors of one file, with its text for line numbers.
struct Cx<'a> {
    file: &'a str,
    text: &'a str,
    errors: &'a mut Vec<TemplateError>,
}

impl Cx<'_> {
    fn err(&mut self, code: &'static str, span: Range<usize>, message: String, help: Option<String>) {
        self.errors.push(TemplateError { code, message, help, file: self.file.to_string(), span });
    }

    fn line(&self, offset: usize) -> usize {
        crate::diagnostics::line_of(self.text, offset)
    }

    /// Second and later occurrences of a key, pointed at, with the line of the first.
    fn dups<'k>(&mut self, keys: impl IntoIterator<Item = &'k Spanned<String>>, what: &dyn Fn(&str) -> String) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for k in keys {
            match seen.get(k.get_ref().as_str()) {
                Some(&first) => {
                    let help = Some(format!("第一次出现在第 {} 行；同一处的键必须各不相同", self.line(first)));
                    self.err(DUP, k.span(), format!("{}重复", what(k.get_ref())), help);
                }
                None => {
                    seen.insert(k.get_ref(), k.span().start);
                }
            }
        }
    }
}

const DUP: &str = "gouji::template::duplicate_key";

/// Quote a list for a help line: `“a”、“b”`.
fn quoted<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.into_iter().map(|s| format!("“{s}”")).collect();
    if v.is_empty() {
        "（无）".into()
    } else {
        v.join("、")
    }
}

/// Parse, validate and build `files` on top of `base`; the result is `base` with the new
/// templates added and the extended ones replaced, oldest first.
pub(crate) fn load(base: &[Arc<Template>], files: &[(String, String)]) -> Result<Vec<Arc<Template>>, TemplateErrors> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (name, text) in files {
        let mut cx = Cx { file: name, text, errors: &mut errors };
        match toml::from_str::<FileDef>(text) {
            Ok(f) => parsed.push((name.as_str(), text.as_str(), f)),
            Err(e) => toml_error(&mut cx, &e),
        }
    }
    let mut templates: Vec<Arc<Template>> = base.to_vec();
    let (exts, fulls): (Vec<_>, Vec<_>) = parsed.into_iter().partition(|(_, _, f)| f.extends.is_some());
    for (name, text, f) in fulls {
        let mut cx = Cx { file: name, text, errors: &mut errors };
        if let Some(t) = full_template(&mut cx, f, &templates) {
            templates.push(Arc::new(t));
        }
    }
    for (name, text, f) in exts {
        let mut cx = Cx { file: name, text, errors: &mut errors };
        extension(&mut cx, f, &mut templates);
    }
    if !errors.is_empty() {
        let sources = files.iter().map(|(n, t)| (n.clone(), Arc::from(t.as_str()))).collect();
        return Err(TemplateErrors { errors, sources });
    }
    templates.sort_by_key(|t| t.first_year);
    Ok(templates)
}

/// A serde/TOML error as a template error: unknown and missing fields, wrong types and
/// TOML-level duplicate keys get their own codes; the rest is syntax.
fn toml_error(cx: &mut Cx, e: &toml::de::Error) {
    let msg = e.message();
    let span = e.span().unwrap_or(0..0);
    let ticked = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    let (code, message, help) = if let Some(rest) = msg.strip_prefix("unknown field ") {
        let fields: Vec<String> = rest.split('`').skip(3).step_by(2).map(str::to_string).collect();
        let help = (!fields.is_empty()).then(|| format!("此处可用的字段：{}", fields.join("、")));
        ("unknown_field", format!("未知的字段“{}”", ticked(rest)), help)
    } else if let Some(rest) = msg.strip_prefix("missing field ") {
        let help = "必填字段见 templates/README.md".to_string();
        ("missing_field", format!("缺少字段“{}”", ticked(rest)), Some(help))
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") || msg.starts_with("invalid length") {
        let want = msg.rsplit("expected ").next().unwrap_or("");
        ("type_error", "字段的值类型不符".to_string(), Some(format!("此处应为{}", type_name(want))))
    } else if msg.contains("duplicate key") {
        ("duplicate_key", format!("键“{}”在同一个表中重复", ticked(msg)), Some("TOML 中同一个表的键只能出现一次".into()))
    } else {
        ("syntax", "TOML 语法错误".to_string(), Some(syntax_help(msg)))
    };
    let code = match code {
        "unknown_field" => "gouji::template::unknown_field",
        "missing_field" => "gouji::template::missing_field",
        "type_error" => "gouji::template::type_error",
        "duplicate_key" => DUP,
        _ => "gouji::template::syntax",
    };
    cx.err(code, span, message, help);
}

/// A serde "expected …" phrase in words.
fn type_name(want: &str) -> &'static str {
    match want.trim() {
        w if w.starts_with("u8") => "整数（0 到 255）",
        w if w.starts_with("u16") => "整数（0 到 65535）",
        w if w.starts_with("a string") => "字符串（用引号括起）",
        w if w.starts_with("a boolean") => "true 或 false",
        w if w.starts_with("a sequence") => "数组（[…]）",
        w if w.contains("struct") || w.starts_with("a map") => "表（{…} 或 [[…]]）",
        _ => "另一种类型的值",
    }
}

/// What the TOML parser expected, in words.
fn syntax_help(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or("");
    let what = match first {
        "invalid basic string" | "invalid literal string" => "字符串没有闭合：缺少结尾的引号",
        "invalid table header" | "invalid array of tables header" => "表头的写法不对，应为 [名称] 或 [[名称]]",
        "invalid string" => "此处应为一个值：字符串要用引号括起（如 \"表五\"），数字、true、false 不加引号",
        "invalid array" => "数组没有闭合：缺少“]”",
        "invalid inline table" => "行内表没有闭合：缺少“}”",
        "invalid key" => "键只能含字母、数字、_ 和 -；其他字符（如汉字）请用引号括起",
        _ if msg.contains("expected `.`, `=`") => "键后应为 = 和值（键中不能有空格）",
        _ if msg.contains("expected newline") => "一行只能写一个键值对，值后面只能是注释（#）",
        _ => "请对照 templates/README.md 检查此行的写法",
    };
    what.to_string()
}

/// The defined table keys, for help lines.
fn table_keys(tables: &[TableDef]) -> String {
    quoted(tables.iter().map(|t| t.key.as_str()))
}

/// A full template file, checked on its own and against the templates already known.
fn full_template(cx: &mut Cx, f: FileDef, known: &[Arc<Template>]) -> Option<Template> {
    let need = "完整模板需要 id、name、first_year；只为已有模板新增表格的扩展文件请写 extends = [\"…\"]";
    let (Some(id), Some(name), Some(first_year)) = (f.id, f.name, f.first_year) else {
        cx.err("gouji::template::missing_field", 0..0, "模板文件缺少 id、name 或 first_year".into(), Some(need.into()));
        return None;
    };
    if let Some(t) = known.iter().find(|t| t.id == *id.get_ref()) {
        let help = format!("为已有模板新增表格请写 extends = [\"{}\"]，而不是重新定义它", t.id);
        cx.err("gouji::template::duplicate_template", id.span(), format!("模板编号“{}”已存在", t.id), Some(help));
    } else if let Some(t) = known.iter().find(|t| t.first_year == *first_year.get_ref()) {
        let help = "各模板的 first_year 必须不同：它决定每个报告年度默认使用哪个格式".to_string();
        let msg = format!("模板“{}”的起始年度 {} 与模板“{}”相同", id.get_ref(), first_year.get_ref(), t.id);
        cx.err("gouji::template::duplicate_year", first_year.span(), msg, Some(help));
    }
    let sections = sections(cx, &f.sections);
    let tables = tables(cx, f.tables);
    for Loaded { def: t, section: span, .. } in &tables {
        if !sections.iter().any(|s| s.number == t.section) {
            let nums: Vec<String> = sections.iter().map(|s| s.number.to_string()).collect();
            let help = format!("本模板的部分：{}", if nums.is_empty() { "（无）".into() } else { nums.join("、") });
            cx.err("gouji::template::unknown_section", span.clone(), format!("{}所在的第 {} 部分不存在", t.name, t.section), Some(help));
        }
    }
    let tables: Vec<TableDef> = tables.into_iter().map(|t| t.def).collect();
    let names = |field: &str, list: Option<Spanned<Vec<Spanned<String>>>>, cx: &mut Cx| -> Option<Vec<String>> {
        let list = list?;
        for k in list.get_ref() {
            if !tables.iter().any(|t| t.key == *k.get_ref()) {
                let help = format!("本模板的表格：{}", table_keys(&tables));
                cx.err("gouji::template::unknown_table", k.span(), format!("{field} 中的表格“{}”在本模板中不存在", k.get_ref()), Some(help));
            }
        }
        Some(list.into_inner().into_iter().map(Spanned::into_inner).collect())
    };
    let template_from = names("template_from", f.template_from, cx).unwrap_or_else(|| tables.iter().map(|t| t.key.clone()).collect());
    let listed = names("label_tables", f.label_tables, cx);
    let fallback_table = match f.fallback_table {
        Some(k) => {
            if !tables.iter().any(|t| t.key == *k.get_ref()) {
                let help = format!("本模板的表格：{}", table_keys(&tables));
                cx.err("gouji::template::unknown_table", k.span(), format!("fallback_table 的表格“{}”在本模板中不存在", k.get_ref()), Some(help));
            }
            k.into_inner()
        }
        None => tables.iter().find(|t| !t.flat).map(|t| t.key.clone()).unwrap_or_default(),
    };
    let label_tables = listed.unwrap_or_else(|| tables.iter().filter(|t| !t.flat && t.key != fallback_table).map(|t| t.key.clone()).collect());
    let mut t = Template {
        id: id.into_inner(),
        name: name.into_inner(),
        first_year: first_year.into_inner(),
        sections,
        tables,
        template_from,
        fallback_table,
        label_tables,
        heading_starts: Vec::new(),
    };
    t.finish();
    Some(t)
}

/// An extension file: its sections and tables added to each template it names.
fn extension(cx: &mut Cx, f: FileDef, templates: &mut [Arc<Template>]) {
    let Some(extends) = f.extends else { return };
    let own: [(&str, Option<Range<usize>>); 6] = [
        ("id", f.id.as_ref().map(Spanned::span)),
        ("name", f.name.as_ref().map(Spanned::span)),
        ("first_year", f.first_year.as_ref().map(Spanned::span)),
        ("template_from", f.template_from.as_ref().map(Spanned::span)),
        ("fallback_table", f.fallback_table.as_ref().map(Spanned::span)),
        ("label_tables", f.label_tables.as_ref().map(Spanned::span)),
    ];
    for (field, span) in own {
        if let Some(span) = span {
            let help = "带 extends 的文件只为已有模板新增部分和表格；这些字段属于完整模板（新的模板文件不写 extends）".to_string();
            cx.err("gouji::template::kind", span, format!("扩展文件不能设置“{field}”"), Some(help));
        }
    }
    if extends.get_ref().is_empty() {
        cx.err("gouji::template::empty", extends.span(), "extends 没有列出任何模板".into(), Some("例如 extends = [\"2021\"]".into()));
    }
    cx.dups(extends.get_ref(), &|k| format!("extends 中的模板“{k}”"));
    let sections = sections(cx, &f.sections);
    let section_spans: Vec<Range<usize>> = f.sections.iter().map(|s| s.number.span()).collect();
    let tables = tables(cx, f.tables);
    let mut targets: Vec<usize> = Vec::new();
    for target in extends.get_ref() {
        match templates.iter().position(|t| t.id == *target.get_ref()) {
            Some(i) if !targets.contains(&i) => targets.push(i),
            Some(_) => {} // named twice: reported above
            None => {
                let help = format!("已有的模板：{}", quoted(templates.iter().map(|t| t.id.as_str())));
                cx.err("gouji::template::unknown_template", target.span(), format!("扩展的模板“{}”不存在", target.get_ref()), Some(help));
            }
        }
    }
    // Each mistake once, naming every extended template it concerns.
    let before = cx.errors.len();
    let those = |pred: &dyn Fn(&Template) -> bool| -> Vec<&Template> { targets.iter().map(|&i| &*templates[i]).filter(|t| pred(t)).collect() };
    let ids = |ts: &[&Template]| quoted(ts.iter().map(|t| t.id.as_str()));
    for (s, span) in sections.iter().zip(&section_spans) {
        let had = those(&|t| t.sections.iter().any(|x| x.number == s.number));
        if let Some(first) = had.first() {
            let title = first.sections.iter().find(|x| x.number == s.number).map_or("", |x| x.title.as_str());
            let help = format!("表格可以直接写 section = {}，放在已有的“{title}”部分", s.number);
            cx.err("gouji::template::already_defined", span.clone(), format!("模板{}已有第 {} 部分", ids(&had), s.number), Some(help));
        }
    }
    for Loaded { def: t, key: key_span, section: section_span } in &tables {
        let had = those(&|x| x.table(&t.key).is_some());
        if let Some(first) = had.first() {
            let other = first.table(&t.key).map_or("", |x| x.name.as_str());
            let help = "扩展文件只能新增表格：请换一个键（如 t5、t6）".to_string();
            cx.err("gouji::template::already_defined", key_span.clone(), format!("模板{}已有键为“{}”的表格（{other}）", ids(&had), t.key), Some(help));
        }
        if t.flat {
            let help = "单行表（flat）是官方表四的排法，按数值个数放置，会抢走其他表的行；部门自有的表请按行列书写".to_string();
            cx.err("gouji::template::kind", key_span.clone(), format!("扩展文件中的{}不能是单行表（flat）", t.name), Some(help));
        }
        // A row printed like a row of the extended templates' tables would take that row
        // from its own table wherever a report has no section headings.
        for r in t.rows().map(|(_, r)| r).filter(|_| had.is_empty()) {
            let norm = super::labels::normalize(&r.label);
            let clash =
                those(&|x| x.tables.iter().any(|o| o.rows().any(|(_, or)| or.norms.contains(&norm)) || o.groups.iter().any(|g| g.norms.contains(&norm))));
            if let Some(first) = clash.first() {
                let table = first
                    .tables
                    .iter()
                    .find(|o| o.rows().any(|(_, or)| or.norms.contains(&norm)) || o.groups.iter().any(|g| g.norms.contains(&norm)))
                    .map_or("", |o| o.name.as_str());
                let help = "请写出这张表印刷时的完整名称，与官方表格的行名区分开".to_string();
                cx.err(DUP, key_span.clone(), format!("{}的行“{}”与模板{}的{table}中的行同名", t.name, r.label, ids(&clash)), Some(help));
            }
        }
        let named = those(&|x| x.tables.iter().any(|o| o.name == t.name && o.key != t.key));
        if let Some(first) = named.first() {
            let other = first.tables.iter().find(|o| o.name == t.name).map_or("", |o| o.key.as_str());
            let help = "规则按表名引用表格：请换一个表名（如 表五）".to_string();
            cx.err("gouji::template::already_defined", key_span.clone(), format!("模板{}已有名为“{}”的表格（{other}）", ids(&named), t.name), Some(help));
        }
        let lacking = those(&|x| !x.sections.iter().chain(&sections).any(|s| s.number == t.section));
        if let Some(first) = lacking.first() {
            let nums: Vec<String> = first.sections.iter().chain(&sections).map(|s| s.number.to_string()).collect();
            let help = format!("模板“{}”的部分：{}；扩展文件可用 [[sections]] 新增部分", first.id, nums.join("、"));
            let msg = format!("{}所在的第 {} 部分在模板{}中不存在", t.name, t.section, ids(&lacking));
            cx.err("gouji::template::unknown_section", section_span.clone(), msg, Some(help));
        }
    }
    if cx.errors.len() > before {
        return;
    }
    for i in targets {
        let t = Arc::make_mut(&mut templates[i]);
        t.sections.extend(sections.iter().cloned());
        t.tables.extend(tables.iter().map(|l| l.def.clone()));
        t.label_tables.extend(tables.iter().filter(|l| !l.def.flat).map(|l| l.def.key.clone()));
        t.finish();
    }
}

fn sections(cx: &mut Cx, files: &[SectionFile]) -> Vec<SectionDef> {
    cx.dups_u8(files.iter().map(|s| &s.number));
    let mut out = Vec::new();
    for s in files {
        let n = *s.number.get_ref();
        if !(1..=SECTION_ORDINALS.len() as u8).contains(&n) {
            let help = "部分编号为 1 到 10，即标题的“一、”到“十、”".to_string();
            cx.err("gouji::template::section_number", s.number.span(), format!("部分编号 {n} 超出范围"), Some(help));
            continue;
        }
        out.push(SectionDef { number: n, title: s.title.clone(), aliases: s.aliases.clone(), norms: Vec::new() });
    }
    out
}

impl Cx<'_> {
    fn dups_u8<'k>(&mut self, nums: impl IntoIterator<Item = &'k Spanned<u8>>) {
        let mut seen: HashMap<u8, usize> = HashMap::new();
        for n in nums {
            match seen.get(n.get_ref()) {
                Some(&first) => {
                    let help = Some(format!("第一次出现在第 {} 行", self.line(first)));
                    self.err(DUP, n.span(), format!("第 {} 部分重复定义", n.get_ref()), help);
                }
                None => {
                    seen.insert(*n.get_ref(), n.span().start);
                }
            }
        }
    }
}

/// A table checked on its own, with the spans of its `key` and `section` values.
struct Loaded {
    def: TableDef,
    key: Range<usize>,
    section: Range<usize>,
}

/// Tables of a file, each checked on its own.
fn tables(cx: &mut Cx, files: Vec<TableFile>) -> Vec<Loaded> {
    cx.dups(files.iter().map(|t| &t.key), &|k| format!("表格键“{k}”"));
    // Rules name a table by its `name`: two tables of one name leave one unreachable.
    for (i, t) in files.iter().enumerate() {
        if !t.name.is_empty() && files[..i].iter().any(|o| o.name == t.name) {
            let help = Some("规则按表名引用表格（表三[…]），表名必须各不相同".to_string());
            cx.err(DUP, t.key.span(), format!("表名“{}”重复", t.name), help);
        }
    }
    files.into_iter().map(|t| table(cx, t)).collect()
}

/// Canonical keys (DOMAIN.md): lower-case ASCII letters, digits and `_`, a letter first.
fn key_ok(cx: &mut Cx, key: &Spanned<String>, what: &str) {
    let k = key.get_ref();
    let ok = k.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok && !k.trim().is_empty() {
        let help = Some("键是规范键：小写英文字母、数字和下划线，以字母开头（如 t5、hotline_calls）".to_string());
        cx.err("gouji::template::bad_key", key.span(), format!("{what}“{k}”不是合法的键"), help);
    }
}

/// Keys and printed labels are what rules and importers match: none may be empty.
fn nonempty(cx: &mut Cx, span: Range<usize>, what: &str, text: &str) {
    if text.trim().is_empty() {
        cx.err("gouji::template::empty", span, format!("{what}为空"), Some("键、表名和印刷的名称都必须写出".into()));
    }
}

/// Two rows (or columns) printed alike cannot be told apart in a report.
fn same_labels<'a>(cx: &mut Cx, items: impl IntoIterator<Item = (&'a Spanned<String>, &'a str)>, what: &str) {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (key, label) in items {
        let norm = super::labels::normalize(label);
        if norm.is_empty() {
            continue;
        }
        match seen.iter().find(|(n, _)| *n == norm) {
            Some((_, other)) => {
                let help = Some(format!("与“{other}”的名称相同；报告中无法区分，请写出印刷时的完整名称"));
                cx.err(DUP, key.span(), format!("{what}“{label}”重复"), help);
            }
            None => seen.push((norm, key.get_ref())),
        }
    }
}

fn table(cx: &mut Cx, t: TableFile) -> Loaded {
    nonempty(cx, t.key.span(), "表格键", t.key.get_ref());
    key_ok(cx, &t.key, "表格键");
    for r in t.parts.iter().flat_map(|p| p.rows.get_ref()) {
        key_ok(cx, &r.key, "行键");
    }
    for c in t.parts.iter().flat_map(|p| p.cols.get_ref()) {
        key_ok(cx, &c.key, "列键");
    }

    nonempty(cx, t.key.span(), &format!("表格“{}”的表名（name）", t.key.get_ref()), &t.name);
    let name = if t.name.is_empty() { t.key.get_ref().clone() } else { t.name.clone() };
    if t.parts.is_empty() {
        let help = "至少写一个 [[tables.parts]]，含 cols（列）和 rows（行）".to_string();
        cx.err("gouji::template::empty", t.key.span(), format!("{name}没有任何部分"), Some(help));
    }
    let mut parts = Vec::new();
    for (i, p) in t.parts.iter().enumerate() {
        parts.push(part(cx, &name, i + 1, p));
    }
    if t.flat {
        if let Some(first) = t.parts.first() {
            let want = first.cols.get_ref().len();
            for (i, p) in t.parts.iter().enumerate().skip(1) {
                let got = p.cols.get_ref().len();
                if got != want {
                    let msg = format!("{name}是单行表（flat），各部分的列数必须相同：第 1 部分 {want} 列，第 {} 部分 {got} 列", i + 1);
                    let help = "单行表的数值按部分依次排在一行里，每部分的列数相同才能分块读取".to_string();
                    cx.err("gouji::template::flat_cols", p.cols.span(), msg, Some(help));
                }
            }
        }
    }
    let rows: Vec<&Spanned<String>> = t.parts.iter().flat_map(|p| p.rows.get_ref().iter().map(|r| &r.key)).collect();
    cx.dups(rows.iter().copied(), &|k| format!("{name}中行键“{k}”"));
    if !t.flat {
        let labels = t.parts.iter().flat_map(|p| p.rows.get_ref().iter().map(|r| (&r.key, r.label.as_str())));
        same_labels(cx, labels.chain(t.groups.iter().map(|g| (&g.key, g.label.as_str()))), &format!("{name}中行的名称"));
    }
    for g in &t.groups {
        nonempty(cx, g.key.span(), &format!("{name}的分组“{}”的名称（label）", g.key.get_ref()), &g.label);
    }
    cx.dups(t.groups.iter().map(|g| &g.key), &|k| format!("{name}中分组键“{k}”"));
    for g in &t.groups {
        if rows.iter().any(|r| r.get_ref() == g.key.get_ref()) {
            let help = Some("行和分组在规则中按同一组名称引用，键必须各不相同".to_string());
            cx.err(DUP, g.key.span(), format!("{name}中分组键“{}”与某行的键相同", g.key.get_ref()), help);
        }
    }
    let before = cx.errors.len();
    groups(cx, &name, &t.groups);
    // Groups in a cycle are reported as such, not also as empty.
    let cycle = cx.errors[before..].iter().any(|e| e.code == "gouji::template::cycle");
    // A group stands for its leaves (nested groups' leaves too): one with none sums
    // nothing. Each row marks its group and the groups above it, each group once, so a
    // cycle or a long chain costs linear time.
    let index: HashMap<&str, usize> = t.groups.iter().enumerate().map(|(i, g)| (g.key.get_ref().as_str(), i)).collect();
    let mut reached = vec![false; t.groups.len()];
    for r in t.parts.iter().flat_map(|p| p.rows.get_ref()) {
        let mut at = r.group.as_ref().and_then(|g| index.get(g.get_ref().as_str()).copied());
        while let Some(i) = at.filter(|&i| !reached[i]) {
            reached[i] = true;
            at = t.groups[i].parent.as_ref().and_then(|p| index.get(p.get_ref().as_str()).copied());
        }
    }
    for (g, reached) in t.groups.iter().zip(&reached) {
        key_ok(cx, &g.key, "分组键");
        if !reached && !cycle {
            let help = Some("在行上写 group = \"…\" 把行归入分组，或删去这个分组".to_string());
            cx.err("gouji::template::empty_group", g.key.span(), format!("分组“{}”下没有任何行", g.label), help);
        }
    }
    let group_keys = || quoted(t.groups.iter().map(|g| g.key.get_ref().as_str()));
    for r in t.parts.iter().flat_map(|p| p.rows.get_ref()) {
        let Some(g) = &r.group else { continue };
        if !t.groups.iter().any(|d| d.key.get_ref() == g.get_ref()) {
            let help = format!("{name}的分组：{}（在 [[tables.groups]] 中定义）", group_keys());
            cx.err("gouji::template::dangling_group", g.span(), format!("{name}的行“{}”所属的分组“{}”未定义", r.key.get_ref(), g.get_ref()), Some(help));
        }
    }
    let identities = identities(cx, &name, &t);
    let def = TableDef {
        key: t.key.get_ref().clone(),
        name: t.name,
        title: t.title,
        section: *t.section.get_ref(),
        flat: t.flat,
        parts,
        groups: t
            .groups
            .into_iter()
            .map(|g| GroupDef { key: g.key.into_inner(), label: g.label, aliases: g.aliases, parent: g.parent.map(Spanned::into_inner), norms: Vec::new() })
            .collect(),
        identities,
        exact: Default::default(),
        cores: Default::default(),
        caption_norms: Vec::new(),
        row_offsets: Vec::new(),
        cell_count: 0,
        row_keys: Default::default(),
        col_keys: Vec::new(),
        row_parts: Vec::new(),
        uid: 0,
    };
    Loaded { def, key: t.key.span(), section: t.section.span() }
}

/// A table's identities, each naming keys the table has and being of exactly one kind.
fn identities(cx: &mut Cx, name: &str, t: &TableFile) -> Vec<IdentityDef> {
    const CODE: &str = "gouji::template::bad_identity";
    let rows: Vec<&str> = t.parts.iter().flat_map(|p| p.rows.get_ref()).map(|r| r.key.get_ref().as_str()).collect();
    let cols: Vec<&str> = t.parts.iter().flat_map(|p| p.cols.get_ref()).map(|c| c.key.get_ref().as_str()).collect();
    let groups: Vec<&str> = t.groups.iter().map(|g| g.key.get_ref().as_str()).collect();
    cx.dups(t.identities.iter().map(|i| &i.id), &|k| format!("{name}中关系编号“{k}”"));
    let mut out = Vec::new();
    for i in &t.identities {
        nonempty(cx, i.id.span(), &format!("{name}的关系编号"), i.id.get_ref());
        nonempty(cx, i.id.span(), &format!("{name}的关系“{}”的说明（name）", i.id.get_ref()), &i.name);
        let known = |cx: &mut Cx, k: &Spanned<String>, list: &[&str], what: &str| {
            if !list.contains(&k.get_ref().as_str()) {
                let help = format!("{name}的{what}：{}", quoted(list.iter().copied()));
                cx.err(CODE, k.span(), format!("关系“{}”中的{what}“{}”不存在", i.id.get_ref(), k.get_ref()), Some(help));
            }
        };
        let keys = |l: &Spanned<Vec<Spanned<String>>>| l.get_ref().iter().map(|k| k.get_ref().clone()).collect::<Vec<String>>();
        let kind = match (&i.total_col, &i.total_row, &i.of, &i.left, &i.right) {
            (Some(c), None, None, None, None) => {
                known(cx, c, &cols, "列");
                IdentityKind::RowTotal { col: c.get_ref().clone() }
            }
            (None, Some(r), Some(g), None, None) => {
                known(cx, r, &rows, "行");
                known(cx, g, &groups, "分组");
                IdentityKind::ColTotal { row: r.get_ref().clone(), of: g.get_ref().clone() }
            }
            (None, None, None, Some(l), Some(r)) if !l.get_ref().is_empty() && !r.get_ref().is_empty() => {
                for k in l.get_ref().iter().chain(r.get_ref()) {
                    known(cx, k, &rows, "行");
                }
                IdentityKind::Balance { left: keys(l), right: keys(r) }
            }
            _ => {
                let help = "每条关系只写一种：total_col = \"列\"（每行该列等于其余各列之和）；total_row = \"行\" 加 of = \"分组\"（每列该行等于分组各行之和）；left = [\"行\", …] 加 right = [\"行\", …]（每列两边之和相等）";
                cx.err(CODE, i.id.span(), format!("关系“{}”的写法不对", i.id.get_ref()), Some(help.into()));
                continue;
            }
        };
        out.push(IdentityDef { id: i.id.get_ref().clone(), name: i.name.clone(), kind });
    }
    out
}

fn part(cx: &mut Cx, table: &str, n: usize, p: &PartFile) -> PartDef {
    if p.cols.get_ref().is_empty() {
        cx.err("gouji::template::empty", p.cols.span(), format!("{table}第 {n} 部分没有列"), Some("cols 至少要有一列".into()));
    }
    if p.rows.get_ref().is_empty() {
        cx.err("gouji::template::empty", p.rows.span(), format!("{table}第 {n} 部分没有行"), Some("rows 至少要有一行".into()));
    }
    cx.dups(p.cols.get_ref().iter().map(|c| &c.key), &|k| format!("{table}第 {n} 部分中列键“{k}”"));
    same_labels(cx, p.cols.get_ref().iter().map(|c| (&c.key, c.label.as_str())), &format!("{table}第 {n} 部分中列的名称"));
    for c in p.cols.get_ref() {
        nonempty(cx, c.key.span(), &format!("{table}的列键"), c.key.get_ref());
        nonempty(cx, c.key.span(), &format!("{table}的列“{}”的名称（label）", c.key.get_ref()), &c.label);
    }
    for r in p.rows.get_ref() {
        nonempty(cx, r.key.span(), &format!("{table}的行键"), r.key.get_ref());
        nonempty(cx, r.key.span(), &format!("{table}的行“{}”的名称（label）", r.key.get_ref()), &r.label);
    }
    let cols = p
        .cols
        .get_ref()
        .iter()
        .map(|c| {
            let domain = match c.domain.as_ref().map(|d| (d.get_ref().as_str(), d.span())) {
                None | Some(("count", _)) => Domain::Count,
                Some(("signed", _)) => Domain::Signed,
                Some(("decimal", _)) => Domain::Decimal,
                Some((other, span)) => {
                    let help = "可用的取值范围：count（非负整数，默认）、signed（整数，可为负）、decimal（非负小数）".to_string();
                    cx.err("gouji::template::unknown_domain", span, format!("未知的取值范围“{other}”"), Some(help));
                    Domain::Count
                }
            };
            ColDef { key: c.key.get_ref().clone(), label: c.label.clone(), aliases: c.aliases.clone(), domain, unit: c.unit.clone(), norms: Vec::new() }
        })
        .collect();
    let rows = p
        .rows
        .get_ref()
        .iter()
        .map(|r| RowDef {
            key: r.key.get_ref().clone(),
            label: r.label.clone(),
            aliases: r.aliases.clone(),
            group: r.group.as_ref().map(|g| g.get_ref().clone()),
            norms: Vec::new(),
        })
        .collect();
    PartDef { caption: p.caption.clone(), cols, rows }
}

/// Dangling parents, and parent cycles (each reported once, at its first group in file
/// order). Linear: every group is walked up from once.
fn groups(cx: &mut Cx, table: &str, groups: &[GroupFile]) {
    let index: HashMap<&str, usize> = groups.iter().enumerate().rev().map(|(i, g)| (g.key.get_ref().as_str(), i)).collect();
    let mut parent = Vec::with_capacity(groups.len());
    for g in groups {
        let p = g.parent.as_ref().map(|p| (p, index.get(p.get_ref().as_str()).copied()));
        if let Some((p, None)) = p {
            let help = format!("{table}的分组：{}", quoted(groups.iter().map(|g| g.key.get_ref().as_str())));
            cx.err("gouji::template::dangling_parent", p.span(), format!("{table}的分组“{}”的上级分组“{}”未定义", g.key.get_ref(), p.get_ref()), Some(help));
        }
        parent.push(p.and_then(|(_, i)| i));
    }
    // 0: not seen, 1: on the current walk, 2: done.
    let mut state = vec![0u8; groups.len()];
    for start in 0..groups.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(j) = at {
            match state[j] {
                0 => {
                    state[j] = 1;
                    path.push(j);
                    at = parent[j];
                }
                1 => {
                    let from = path.iter().position(|&x| x == j).unwrap_or(0);
                    let ring = &path[from..];
                    let first = ring.iter().enumerate().min_by_key(|(_, g)| **g).map_or(0, |(k, _)| k);
                    let mut names: Vec<&str> = ring[first..].iter().chain(&ring[..first]).map(|&g| groups[g].key.get_ref().as_str()).collect();
                    names.push(names[0]);
                    let g = &groups[ring[first]];
                    let span = g.parent.as_ref().map_or(g.key.span(), Spanned::span);
                    let help = "上级分组（parent）必须最终指向一个没有上级的分组".to_string();
                    cx.err("gouji::template::cycle", span, format!("{table}的分组上级关系形成循环：{}", names.join(" → ")), Some(help));
                    break;
                }
                _ => break,
            }
        }
        path.into_iter().for_each(|j| state[j] = 2);
    }
}
