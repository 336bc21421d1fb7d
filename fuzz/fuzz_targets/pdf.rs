//! The pdf importer on arbitrary bytes: reading may fail, never panic or hang.
//!
//! The importer runs pdf-extract under `catch_unwind` and turns its panics into
//! `ImportError::Corrupt`; libFuzzer's panic hook would abort on those caught panics, so a
//! panic while `gouji::report::pdf_panic_is_caught()` is passed over (any other aborts).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !gouji::report::pdf_panic_is_caught() {
                fuzzer_hook(info);
            }
        }));
    },
    |data: &[u8]| {
        let _ = gouji::read("fuzz.pdf", data, Some(gouji::Form::Pdf));
    }
);
