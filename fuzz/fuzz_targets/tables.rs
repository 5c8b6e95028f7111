//! Fuzz target: arbitrary bytes read as a volunteer log, outcomes and stories file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    social_value::fuzzing::tables(data);
});
