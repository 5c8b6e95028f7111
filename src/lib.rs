//! social-value: turn a voluntary organisation's year (volunteer hours, avoided costs, people's stories)
//! into a credible, checkable social value and value-for-money case.
//!
//! Data flows read -> toolkit -> project -> value -> report. Library code never prints and never exits;
//! problems come back as [`diag::Problems`] that point at file, line and column.

pub mod date;
pub mod diag;
#[doc(hidden)]
pub mod fuzzing;
pub mod limits;
pub mod network;
pub mod num;
pub mod page;
pub mod project;
pub mod read;
pub mod report;
pub mod review;
pub mod sensitivity;
pub mod submission;
pub mod toolkit;
pub mod value;
pub mod write;
