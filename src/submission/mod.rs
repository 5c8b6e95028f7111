//! The submission: one TOML file that carries an organisation's aggregated inputs and results to a
//! commissioner, fingerprinted so any later edit shows, and recomputable from its own inputs.
//!
//! Its jobs, one file each: the wire format ([`format`]), writing one from a valuation
//! ([`write`]), the canonical form and fingerprint ([`fingerprint`]), reading one ([`read`]),
//! recomputing its figures ([`recompute`]), and the one gate that says whether a return may be
//! counted ([`gate`]).

mod fingerprint;
mod format;
pub mod gate;
mod read;
mod recompute;
mod write;

pub use fingerprint::fingerprint_of_document;
pub use format::*;
pub use read::{read, Positions, Read, LIMITS, MAX_SUBMISSION_FILE};
pub use recompute::{partnerships, recompute};
pub use write::{
    from_valuation, is_submission, results_of, to_readable_toml, to_toml, with_written,
};

/// The first submission format version (docs/submission-format.md).
pub const FIRST_VERSION: i64 = 1;

/// The version that added partnerships and places.
pub const PLACES_VERSION: i64 = 2;

/// The version from which the figures mean what they mean today: present value without
/// transfers, stories valued by `per_story`, measured change time-weighted. Versions 1 and 2
/// are still read, and recomputed under today's rules.
pub const RULES_VERSION: i64 = 3;

/// The version written now. Decision: every return is written as version 4, which adds each
/// outcome's `evidence_type` (its grade, under the fingerprint); the figures mean what they
/// did in version 3. A version 3 file is still read, every outcome an estimate, and
/// recomputes to the same pennies.
pub const FORMAT_VERSION: i64 = 4;

/// Versions of the submission format this build understands.
pub const FORMAT_VERSIONS: &[i64] = &[FIRST_VERSION, PLACES_VERSION, RULES_VERSION, FORMAT_VERSION];
