//! Rule text: compile it as a one-file pack, then evaluate it on a fixed report (the
//! bundled example) and render the findings. Compiling may fail, nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const REPORT: &[u8] = include_bytes!("../../examples/example-2023.txt");

fn report() -> &'static gouji::Report {
    static CELL: OnceLock<gouji::Report> = OnceLock::new();
    CELL.get_or_init(|| gouji::read("example-2023.txt", REPORT, None).expect("the bundled example reads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let report = report();
    let pack = match gouji::Pack::from_text("fuzz.gouji", text) {
        Ok(pack) => pack,
        Err(errors) => {
            let _ = format!("{errors:?}");
            return;
        }
    };
    let Ok(checker) = gouji::Checker::new(vec![pack]) else { return };
    let eval = checker.evaluate(gouji::Context::of(report));
    for f in &eval.findings {
        let _ = f.message.len();
    }
    let _ = gouji::render::check::human("example-2023.txt", &Ok((report.clone(), eval)), false);
    // Cross-year rules (`上年.…`) run only with a previous report: the same one stands in.
    if checker.uses_previous() {
        let eval = checker.evaluate(gouji::Context { report, previous: Some(report) });
        let _ = gouji::render::check::human("example-2023.txt", &Ok((report.clone(), eval)), false);
    }
});
