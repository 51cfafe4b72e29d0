//! ELF loading (to be written).

use super::{Config, Process};

/// A load failure: one line for the user, and ruser's exit status.
#[derive(Debug)]
pub struct LoadError {
    pub msg: String,
    pub status: i32,
}

/// A loaded program, ready to start.
pub struct Loaded {
    pub process: Process,
    pub entry: u64,
    pub sp: u64,
}

pub fn load(cfg: &Config) -> Result<Loaded, LoadError> {
    Err(LoadError { msg: format!("{}: loader not written yet", cfg.program.display()), status: 1 })
}
