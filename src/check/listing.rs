//! The resolved IR as text, one line per op, for per-stage snapshots: what each rule
//! became in each template (keys, dense cell indices, types decided).

use super::ir::*;
use std::fmt::Write;

/// Every rule, per template variant.
pub fn ir_text(rules: &[CompiledRule]) -> String {
    let mut out = String::new();
    for r in rules {
        let _ = writeln!(out, "rule {} severity={:?} blank={:?} class={:?} once={}", r.id, r.severity, r.blank, r.class, r.once);
        for v in &r.variants {
            match &v.ops {
                Ok(ops) => {
                    let _ = writeln!(out, "  template {}:", variant_name(v));
                    for op in ops {
                        write_op(&mut out, r, op, 2);
                    }
                }
                Err(why) => {
                    let _ = writeln!(out, "  template {}: 不适用（{why}）", variant_name(v));
                }
            }
        }
    }
    out
}

/// `2021`, or `2021 previous 2019` for a rule reading the previous report.
fn variant_name(v: &Variant) -> String {
    match &v.previous {
        Some(p) => format!("{} previous {}", v.template.id, p.id),
        None => v.template.id.clone(),
    }
}

fn write_op(out: &mut String, r: &CompiledRule, op: &Op, depth: usize) {
    let pad = "  ".repeat(depth);
    match op {
        Op::Let(slot, ex) => {
            let _ = writeln!(out, "{pad}let ${slot}:{} = {}", r.slot_names[*slot], ex_text(r, ex));
        }
        Op::When(ex, _) => {
            let _ = writeln!(out, "{pad}when {}", ex_text(r, ex));
        }
        Op::Check { ex, within, .. } => {
            let w = within.map(|w| format!(" within {w}")).unwrap_or_default();
            let _ = writeln!(out, "{pad}check {}{w}", ex_text(r, ex));
        }
        Op::ForFacts { slot, set, body } => {
            let _ = writeln!(out, "{pad}for each Fact ${slot}:{} in {}", r.slot_names[*slot], text_set(set));
            for op in body {
                write_op(out, r, op, depth + 1);
            }
        }
        Op::ForEach { slot, quant, items, body, .. } => {
            let shown: Vec<String> = items.iter().take(4).map(binding_text).collect();
            let more = if items.len() > 4 { format!(" …（共 {} 项）", items.len()) } else { String::new() };
            let _ = writeln!(out, "{pad}for each {quant:?} ${slot}:{} in [{}{more}]", r.slot_names[*slot], shown.join(", "));
            for op in body {
                write_op(out, r, op, depth + 1);
            }
        }
    }
}

/// `正文[§1|§6; 收到…申请{n}件 → 收到 … 申请 ⟨件⟩]`: sections, and each phrase as compiled.
fn text_set(set: &TextSet) -> String {
    let sections: Vec<String> = set.sections.iter().map(|(n, _)| format!("§{n}")).collect();
    let phrases: Vec<String> = set
        .phrases
        .iter()
        .map(|p| {
            // `收到…申请{n}件` → `收到 … 申请 n⟨件⟩`: the pieces, `…` where a gap may be.
            let mut parts: Vec<String> = Vec::new();
            // Words of the sentence's earlier clauses, then `，`.
            for w in &p.earlier {
                parts.extend([w.clone(), "…".into()]);
            }
            if !p.earlier.is_empty() {
                parts.push("，".into());
            }
            for (i, w) in p.before.iter().enumerate() {
                if i > 0 {
                    parts.push("…".into());
                }
                parts.push(w.clone());
            }
            if p.gap_before {
                parts.push("…".into());
            }
            parts.push(p.unit.map_or("n⟨任意单位⟩".to_string(), |u| format!("n⟨{u}⟩")));
            if p.gap_after {
                parts.push("…".into());
            }
            for (i, w) in p.after.iter().enumerate() {
                if i > 0 {
                    parts.push("…".into());
                }
                parts.push(w.clone());
            }
            format!("{} → {}", p.written, parts.join(" "))
        })
        .collect();
    if phrases.is_empty() {
        format!("正文[{}]", sections.join("|"))
    } else {
        format!("正文[{}; {}]", sections.join("|"), phrases.join("; "))
    }
}

fn binding_text(b: &Binding) -> String {
    match b {
        Binding::Col { key_label, .. } | Binding::Row { key_label, .. } => {
            format!("{}@{}", key_label.0, pos(key_label.2))
        }
        Binding::Cell(a) => format!("{}.{}.{}#{}", a.table, a.row, a.col, a.ix),
    }
}

fn pos(p: usize) -> String {
    if p == NO_POS {
        "?".into()
    } else {
        p.to_string()
    }
}

fn sel_text(r: &CompiledRule, s: &Sel) -> String {
    match s {
        Sel::Var(i) => format!("${i}:{}", r.slot_names[*i]),
        Sel::Mapped(i, map) => {
            let shown: Vec<String> = map.iter().map(|(k, to)| format!("{k}→{}", to.as_ref().map_or("无".into(), |t| pos(t.2)))).collect();
            format!("${i}:{}→上年{{{}}}", r.slot_names[*i], shown.join(","))
        }
        Sel::Keys(k) if k.len() <= 3 => k.iter().map(|k| format!("{}@{}", k.0, pos(k.2))).collect::<Vec<_>>().join("|"),
        Sel::Keys(k) => format!("{}@{} … {}@{}（{} 项）", k[0].0, pos(k[0].2), k[k.len() - 1].0, pos(k[k.len() - 1].2), k.len()),
    }
}

fn ex_text(r: &CompiledRule, ex: &Ex) -> String {
    match ex {
        Ex::Error => "<错误>".into(),
        Ex::Num(n) => n.normalize().to_string(),
        Ex::Str(s) => format!("{s:?}"),
        Ex::Slot(i) => format!("${i}:{}", r.slot_names[*i]),
        Ex::CellVar(i, _) => format!("cell(${i}:{})", r.slot_names[*i]),
        Ex::Cells(set) => {
            let prev = if set.report == Which::Previous { "上年." } else { "" };
            format!("{prev}{}#{}[{}; {}]", set.table, set.table_ix, sel_text(r, &set.rows), sel_text(r, &set.cols))
        }
        Ex::Prose(set) => text_set(set),
        Ex::FactVar(i) => format!("fact(${i}:{})", r.slot_names[*i]),
        Ex::Template => "template".into(),
        Ex::TemplateIs(id) => format!("template == {id}"),
        Ex::PrevTemplate => "上年.template".into(),
        Ex::PrevTemplateIs(id) => format!("上年.template == {id}"),
        Ex::Year => "year".into(),
        Ex::Published => "published".into(),
        Ex::Deadline => "deadline".into(),
        Ex::Call(f, args, _) => format!("{f:?}({})", args.iter().map(|a| ex_text(r, a)).collect::<Vec<_>>().join(", ")),
        Ex::Neg(x) => format!("-({})", ex_text(r, x)),
        Ex::Not(x) => format!("not ({})", ex_text(r, x)),
        Ex::Bin(op, a, b) => format!("({} {} {})", ex_text(r, a), op.symbol(), ex_text(r, b)),
    }
}
