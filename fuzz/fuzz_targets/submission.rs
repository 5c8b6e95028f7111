//! Fuzz target: arbitrary bytes read as a submission file, recomputed.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    social_value::fuzzing::submission(data);
});
