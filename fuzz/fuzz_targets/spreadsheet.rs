//! Fuzz target: arbitrary bytes read as an .xlsx and an .ods spreadsheet.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    social_value::fuzzing::spreadsheet(data);
});
