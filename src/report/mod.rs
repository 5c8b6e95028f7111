//! Outputs of a valuation: the machine-readable result (JSON), a lines table (CSV) and a summary for a person.
//! Everything is rendered to strings here; the caller decides where they go.

pub mod chart;
pub mod json;
pub mod table;
pub mod text;

/// Neutralises text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}
