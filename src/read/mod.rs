//! Reading the user's files: text and TOML (a table at a time), CSV tables streamed and
//! checked, spreadsheets; every problem pointing at file, line or cell, column and header.
//! Depends only on `diag`, `num` and `date`; the layers above read their inputs through it.

pub mod collector;
pub mod input;
pub mod lines;
pub mod parts;
pub mod sheet;
pub mod table;
pub mod toml;

pub use collector::{Limits, ReadOptions, Skipped};
