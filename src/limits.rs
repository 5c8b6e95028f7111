//! The largest numbers the files may hold, field by field: one list, below every layer, shared
//! by the readers that explain a refused number and the layers that check the values.

/// Most people a project may say it supported (`[reach] people`): more than the UK's
/// population many times over, so only a typing slip is refused.
pub const MAX_PEOPLE: u64 = 1_000_000_000;

/// Largest investment one entry may record, in pounds (one trillion).
pub const MAX_INVESTMENT: i64 = 1_000_000_000_000;

/// Largest magnitude accepted for one unit of a proxy, so sums can never overflow.
pub const MAX_UNIT_VALUE: i64 = 1_000_000_000;

/// Longest duration accepted: the Green Book's 3.5% rate holds for years 0-30 only.
pub const MAX_DURATION: u32 = 30;
