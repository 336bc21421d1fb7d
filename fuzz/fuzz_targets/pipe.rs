//! The pipe-text and plain-text importers on arbitrary bytes (the same bytes through
//! both): reading may fail, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gouji::read("fuzz.txt", data, Some(gouji::Form::Pipe));
    let _ = gouji::read("fuzz.txt", data, Some(gouji::Form::Text));
});
