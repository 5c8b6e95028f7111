//! Outputs of a valuation: the machine-readable result (JSON), a lines table (CSV) and a summary for a person.
//! Everything is rendered to strings here; the caller decides where they go.

pub mod chart;
pub mod evidence;
pub mod json;
pub mod output;
pub mod page;
pub mod people;
pub mod render;
mod sure;
pub mod table;
pub mod text;
pub mod uncertainty;

/// `s` cut to at most `n` characters, ending in `…` when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Neutralises text that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`,
/// tab or CR) by putting `'` before it. Plain numbers, such as `-300.00` or `-£5.00`, are left
/// alone: they cannot be formulas.
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if crate::num::parse_decimal(s).is_err() => {
            format!("'{s}").into()
        }
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        use super::spreadsheet_safe as s;
        assert_eq!(s("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(s("+1+2"), "'+1+2");
        assert_eq!(s("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(s("-2+3"), "'-2+3");
        assert_eq!(s("-300.00"), "-300.00");
        assert_eq!(s("-£5.00"), "-£5.00");
        assert_eq!(s("Oakfield"), "Oakfield");
    }
}
