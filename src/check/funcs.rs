//! The function registry: every function of the rules language is one entry here — its
//! names, parameters, result type and one line of Chinese documentation. The resolver
//! checks calls against it, the unknown-function error lists it, and the rule-writing
//! guide's function table is generated from it ([`markdown_table`]).

use super::ir::{Func, Ty};

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A number or one cell.
    Num,
    /// A number, one cell, or a set of cells (summed).
    NumOrCells,
    /// One cell, looked at for its state.
    Cell,
    /// One cell or a set of cells.
    Cells,
    /// An integer literal from 0 to 10 (decimal places).
    Places,
    /// A section's prose (`正文[…]`).
    Prose,
    /// A text literal.
    Str,
    /// Any single value: a number, a cell, a date, a text.
    Value,
}

impl Param {
    fn words(self) -> &'static str {
        match self {
            Param::Num => "数值",
            Param::NumOrCells => "数值或单元格集合",
            Param::Cell => "一个单元格",
            Param::Cells => "单元格集合",
            Param::Places => "小数位数（0–10 的整数）",
            Param::Prose => "一部分正文",
            Param::Str => "文字",
            Param::Value => "值",
        }
    }
}

/// One function of the language.
#[derive(Debug)]
pub struct FuncDef {
    /// The first is the name shown; the others are aliases (Chinese names).
    pub names: &'static [&'static str],
    pub func: Func,
    pub params: &'static [Param],
    /// The last parameter may repeat (at least once).
    pub variadic: bool,
    pub result: Ty,
    pub doc: &'static str,
}

impl FuncDef {
    /// The arity in words (`1`, `2`, `至少 1`).
    pub fn arity(&self) -> String {
        if self.variadic {
            format!("至少 {}", self.params.len())
        } else {
            self.params.len().to_string()
        }
    }

    /// The parameter expected at position `i`.
    pub fn param(&self, i: usize) -> Option<Param> {
        match self.params.get(i) {
            Some(p) => Some(*p),
            None if self.variadic => self.params.last().copied(),
            None => None,
        }
    }

    /// `round(数值, 小数位数（0–10 的整数）)`
    pub fn signature(&self) -> String {
        let mut ps: Vec<&str> = self.params.iter().map(|p| p.words()).collect();
        if self.variadic {
            ps.push("…");
        }
        format!("{}({})", self.names[0], ps.join(", "))
    }
}

const CELL: &[Param] = &[Param::Cell];

/// Every function, in the order the guide lists them.
pub const FUNCS: &[FuncDef] = &[
    FuncDef {
        names: &["sum", "合计"],
        func: Func::Sum,
        params: &[Param::NumOrCells],
        variadic: true,
        result: Ty::Num,
        doc: "求和：各参数之和，单元格集合（分组、范围、列表）按其中每个单元格相加",
    },
    FuncDef {
        names: &["count", "个数"],
        func: Func::Count,
        params: &[Param::Cells],
        variadic: false,
        result: Ty::Num,
        doc: "单元格集合中报告实际有的单元格个数（空白、占位符也算，缺失的不算）",
    },
    FuncDef { names: &["min"], func: Func::Min, params: &[Param::Num], variadic: true, result: Ty::Num, doc: "最小值" },
    FuncDef { names: &["max"], func: Func::Max, params: &[Param::Num], variadic: true, result: Ty::Num, doc: "最大值" },
    FuncDef { names: &["abs"], func: Func::Abs, params: &[Param::Num], variadic: false, result: Ty::Num, doc: "绝对值" },
    FuncDef {
        names: &["round", "四舍五入"],
        func: Func::Round,
        params: &[Param::Num, Param::Places],
        variadic: false,
        result: Ty::Num,
        doc: "四舍五入到指定的小数位数，如 round(a / b * 100, 1)",
    },
    FuncDef {
        names: &["blank", "空白"], func: Func::IsBlank, params: CELL, variadic: false, result: Ty::Bool, doc: "单元格为空白（什么也没填，不等于 0）"
    },
    FuncDef { names: &["number", "数字"], func: Func::IsNumber, params: CELL, variadic: false, result: Ty::Bool, doc: "单元格是数字" },
    FuncDef {
        names: &["marker", "占位符"], func: Func::IsMarker, params: CELL, variadic: false, result: Ty::Bool, doc: "单元格是占位符（/、-、—、无 等）"
    },
    FuncDef {
        names: &["text", "文字"], func: Func::IsText, params: CELL, variadic: false, result: Ty::Bool, doc: "单元格是无法识别为数字的文字"
    },
    FuncDef {
        names: &["present", "存在"],
        func: Func::Present,
        params: CELL,
        variadic: false,
        result: Ty::Bool,
        doc: "报告中有这个单元格（所在的表和行都找到了）",
    },
    FuncDef {
        names: &["doubtful", "存疑"],
        func: Func::Doubtful,
        params: CELL,
        variadic: false,
        result: Ty::Bool,
        doc: "提取存疑：应为数字处是文字，或件数栏带有金额单位",
    },
    FuncDef {
        names: &["valid", "有效"],
        func: Func::Valid,
        params: CELL,
        variadic: false,
        result: Ty::Bool,
        doc: "数值符合该栏的取值范围（件数为非负整数，本年增/减为整数，金额为非负数）",
    },
    FuncDef {
        names: &["length", "字数"],
        func: Func::Length,
        params: &[Param::Prose],
        variadic: false,
        result: Ty::Num,
        doc: "一部分正文的字数：汉字、字母和数字，不计空白和标点；报告没有这一部分时无法评估",
    },
    FuncDef {
        names: &["contains", "包含"],
        func: Func::Contains,
        params: &[Param::Prose, Param::Str],
        variadic: false,
        result: Ty::Bool,
        doc: "一部分正文包含某段文字（不计空白和换行），如 contains(正文[其他需要报告的事项], \"信息处理费\")",
    },
    FuncDef {
        names: &["known", "可知"],
        func: Func::Known,
        params: &[Param::Value],
        variadic: false,
        result: Ty::Bool,
        doc: "这个值能够得出：报告写明了发布日期、单元格有数字等；用在 when 中，得不出时规则不适用",
    },
];

/// The function of a name (or alias).
pub fn lookup(name: &str) -> Option<&'static FuncDef> {
    FUNCS.iter().find(|f| f.names.contains(&name))
}

/// Every function's shown name, for the unknown-function help.
pub fn names() -> Vec<&'static str> {
    FUNCS.iter().map(|f| f.names[0]).collect()
}

/// The guide's function table (markdown), generated so it cannot drift.
pub fn markdown_table() -> String {
    let mut out = String::from("| 函数 | 别名 | 结果 | 说明 |\n|---|---|---|---|\n");
    for f in FUNCS {
        let result = if f.result == Ty::Bool { "条件" } else { "数值" };
        let aliases = f.names[1..].join("、");
        out.push_str(&format!("| `{}` | {} | {result} | {} |\n", f.signature(), aliases, f.doc));
    }
    out
}
