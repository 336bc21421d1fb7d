//! The parse stage on its own: every `tests/rules/ast/*.gouji` is parsed and its syntax
//! tree snapshotted with each node's byte span and the text it covers (the rule text is the
//! snapshot's description). Full-width punctuation typed by a Chinese input method parses
//! to the same tree as its ASCII spelling, and compiles.

use gouji::syntax::{parse, SourceId};
use std::path::Path;

#[test]
fn syntax_trees() {
    let mut seen = 0;
    insta::glob!("rules/ast/*.gouji", |path| {
        seen += 1;
        let text = std::fs::read_to_string(path).expect("rule file");
        let file = parse(SourceId(0), &text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        insta::with_settings!({ description => text.trim_end(), omit_expression => true }, {
            insta::assert_snapshot!(file.tree(&text));
        });
    });
    assert!(seen >= 6, "expected at least 6 AST files, found {seen}");
}

/// The same rule in ASCII and in full-width punctuation.
const PAIRS: &[(&str, &str)] = &[
    ("check 表三[本年新收, 自然人] >= 0", "check 表三［本年新收，自然人］ >= 0"),
    ("check sum(表三[（三）不予公开, c]) == 表三[（七）总计, c]", "check sum（表三［（三）不予公开，c］） == 表三[（七）总计，c]"),
    ("check max(表三[本年新收, c], 表三[上年结转, c]) >= 0", "check max（表三[本年新收，c]，表三[上年结转，c]） >= 0"),
    ("check (表三[本年新收, c] + 1) * 2 >= 0", "check （表三[本年新收，c] + 1） * 2 >= 0"),
    (
        "check 表三[（二）部分公开（区分处理的，只计这一情形，不计其他情形）, c] >= 0",
        "check 表三[（二）部分公开（区分处理的，只计这一情形，不计其他情形），c] >= 0",
    ),
    ("check 表二[行政事业性收费, 本年收费金额（单位：万元）] >= 0", "check 表二［行政事业性收费，本年收费金额（单位：万元）］ >= 0"),
    ("check 表三[本年新收, c] >= 0\nmessage \"{c}列\"", "check 表三[本年新收, c] >= 0\nmessage “{c}列”"),
];

/// `body` in a `for each col c in 表三` of a rule, then `tail`; a `message` line of the
/// body goes after the loop (it is the rule's setting).
fn in_rule(body: &str, tail: &str) -> String {
    let (body, message) = body.split_once("\nmessage ").map_or((body, String::new()), |(b, m)| (b, format!("message {m}")));
    format!("rule t3.w \"全角\" {{\n    for each col c in 表三 {{\n        {body}\n    }}\n    {message}\n    {tail}\n}}\n")
}

#[test]
fn full_width_parses_like_ascii() {
    for (ascii, full) in PAIRS {
        let a = parse(SourceId(0), &in_rule(ascii, "")).unwrap_or_else(|e| panic!("{ascii}: {e:?}"));
        let f = parse(SourceId(0), &in_rule(full, "")).unwrap_or_else(|e| panic!("{full}: {e:?}"));
        assert_eq!(a.outline(), f.outline(), "{full}");
    }
}

/// Each full-width spelling compiles against the templates, as its ASCII twin does; a
/// given value in curly quotes is a given value.
#[test]
fn full_width_compiles() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("syntax_ast");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let case = "case “全角” {\n        template 2021\n        given 表三［本年新收，自然人］ = “/”\n        expect skip\n    }";
    for (i, (ascii, full)) in PAIRS.iter().enumerate() {
        for (kind, body, tail) in [("ascii", ascii, ""), ("full", full, case)] {
            let path = dir.join(format!("{kind}-{i}.gouji"));
            std::fs::write(&path, in_rule(body, tail)).expect("write");
            if let Err(e) = gouji::Pack::load(&path) {
                let shown: Vec<String> = e.diagnostics().iter().map(|d| gouji::diagnostics::render(d, false)).collect();
                panic!("{body}\n{}", shown.join("\n"));
            }
        }
    }
}
