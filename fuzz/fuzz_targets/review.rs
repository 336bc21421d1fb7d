//! Review file text: parse it; what parses must write back and read back the same (a
//! file gouji writes must never lose a mark), and mark a fixed report's findings.
//! Parsing may fail, nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const REPORT: &[u8] = include_bytes!("../../examples/example-2023.txt");

fn checked() -> &'static (gouji::Report, gouji::Evaluation) {
    static CELL: OnceLock<(gouji::Report, gouji::Evaluation)> = OnceLock::new();
    CELL.get_or_init(|| {
        let checker = gouji::Checker::official();
        let report = checker.read("example-2023.txt", REPORT, None).expect("the bundled example reads");
        let eval = checker.evaluate(gouji::Context::of(&report));
        (report, eval)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(reviews) = gouji::review::Reviews::parse(text) else { return };
    let written = reviews.to_text().expect("a parsed file writes back");
    assert_eq!(gouji::review::Reviews::parse(&written).as_ref(), Ok(&reviews), "written:\n{written}");
    let (report, eval) = checked();
    for show_all in [false, true] {
        let mut eval = eval.clone();
        reviews.apply(&mut eval, show_all);
        assert_eq!(eval.findings.len() + eval.dismissed.len(), checked().1.findings.len());
        let _ = gouji::render::check::human("example-2023.txt", &Ok((report.clone(), eval)), false);
    }
});
