//! `social-value compare A B`: two returns recomputed on one toolkit, side by side.

use super::{emit_text, load_toolkit, Failure};
use crate::cli::CompareArgs;
use social_value::review::compare;

pub fn run(args: &CompareArgs) -> Result<(), Failure> {
    let tk = load_toolkit(args.toolkit.as_deref(), "nothing was compared")?;
    let c = compare::compare(&args.a, &args.b, &tk)
        .map_err(|p| Failure::input(p, "nothing was compared"))?;
    emit_text(&compare::text(&c))
}
