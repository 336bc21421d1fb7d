//! Template TOML: extend the embedded templates with it (a full template or an
//! extension), and when that is accepted read a fixed report with the extended set.
//! Loading may fail, nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const REPORT: &[u8] = include_bytes!("../../tests/fixtures/templates/dept_2021.txt");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = vec![("fuzz.toml".to_string(), text.to_string())];
    match gouji::TemplateSet::builtin().extended(&files) {
        Ok(set) => {
            let _ = gouji::read_with("dept_2021.txt", REPORT, None, &set);
        }
        Err(errors) => {
            let _ = errors.render(false);
        }
    }
});
