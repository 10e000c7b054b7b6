//! Any bytes as a fetched page: recognising and extracting it must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paperbrief_fetch::extract::parse_document;

fuzz_target!(|data: &[u8]| {
    let _ = parse_document(&String::from_utf8_lossy(data));
});
