//! `-d` logging and its output (`-D FILE` or stderr).

use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// Log items selectable with `-d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Item {
    InAsm = 1,
    OutAsm = 2,
    Exec = 4,
    Unimp = 8,
    Page = 16,
    Op = 32,
    Strace = 64,
    Nochain = 128,
}

/// Names and help for `-d help`.
pub const ITEMS: &[(&str, Item, &str)] = &[
    ("in_asm", Item::InAsm, "show guest code of each translated block (capstone)"),
    ("out_asm", Item::OutAsm, "show host code of each translated block (JIT backend)"),
    ("op", Item::Op, "show the IR of each translated block"),
    ("exec", Item::Exec, "show each block as it is executed"),
    ("unimp", Item::Unimp, "log unimplemented syscalls and instructions"),
    ("page", Item::Page, "show the guest memory map after loading"),
    ("strace", Item::Strace, "log system calls (same as -strace)"),
    ("nochain", Item::Nochain, "do not chain translated blocks"),
];

struct Logger {
    mask: u32,
    out: Mutex<Box<dyn Write + Send>>,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();

/// Parse a `-d` list ("in_asm,unimp"). Returns the mask or the unknown item.
pub fn parse_items(s: &str) -> Result<u32, String> {
    let mut mask = 0;
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match ITEMS.iter().find(|(n, _, _)| *n == part) {
            Some((_, it, _)) => mask |= *it as u32,
            None => return Err(part.to_string()),
        }
    }
    Ok(mask)
}

/// Set up logging once, at startup.
pub fn init(mask: u32, out: Box<dyn Write + Send>) {
    let _ = LOGGER.set(Logger { mask, out: Mutex::new(out) });
}

#[inline]
pub fn enabled(item: Item) -> bool {
    LOGGER.get().is_some_and(|l| l.mask & item as u32 != 0)
}

/// Write one message (a trailing newline is added if missing).
pub fn write(msg: &str) {
    let Some(l) = LOGGER.get() else {
        eprintln!("{msg}");
        return;
    };
    // One write per message, so that the lines of processes sharing the log do not mix.
    let mut line = String::with_capacity(msg.len() + 1);
    line.push_str(msg);
    if !msg.ends_with('\n') {
        line.push('\n');
    }
    let mut out = l.out.lock().unwrap_or_else(|e| e.into_inner());
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

/// Run `f` with the log output locked (around a fork, so the child cannot inherit it held
/// by another thread).
pub fn with_locked<R>(f: impl FnOnce() -> R) -> R {
    let g = LOGGER.get().map(|l| l.out.lock().unwrap_or_else(|e| e.into_inner()));
    let r = f();
    drop(g);
    r
}

/// Log when `item` is enabled; the message is only formatted then.
#[macro_export]
macro_rules! logf {
    ($item:expr, $($arg:tt)*) => {
        if $crate::log::enabled($item) { $crate::log::write(&format!($($arg)*)); }
    };
}
