//! (to be written)

use crate::guest::aarch64::decode::Row;

pub static ROWS: &[Row] = &[];
