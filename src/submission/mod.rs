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
pub use read::{read, Positions, Read};
pub use recompute::{partnerships, recompute};
pub use write::{from_valuation, results_of, to_toml, with_written};

/// The first submission format version (docs/submission-format.md).
pub const FIRST_VERSION: i64 = 1;

/// The version that added partnerships and places.
pub const PLACES_VERSION: i64 = 2;

/// The version written now. Decision: every return is written as version 3, because its
/// present value no longer holds transfers, stories are valued by `per_story` and measured
/// change is time-weighted: the same inputs mean a different figure, so an older reader must
/// refuse the file by its version rather than misread it. Versions 1 and 2 are still read,
/// and recomputed under today's rules.
pub const FORMAT_VERSION: i64 = 3;

/// Versions of the submission format this build understands.
pub const FORMAT_VERSIONS: &[i64] = &[FIRST_VERSION, PLACES_VERSION, FORMAT_VERSION];
