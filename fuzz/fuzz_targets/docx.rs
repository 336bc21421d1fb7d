//! The docx importer on arbitrary bytes: reading may fail, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gouji::read("fuzz.docx", data, Some(gouji::Form::Docx));
});
