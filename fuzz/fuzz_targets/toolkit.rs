//! Fuzz target: arbitrary bytes read as a toolkit file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    social_value::fuzzing::toolkit(data);
});
