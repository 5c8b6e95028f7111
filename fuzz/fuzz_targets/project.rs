//! Fuzz target: arbitrary bytes read as a project.toml and what it names.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    social_value::fuzzing::project(data);
});
