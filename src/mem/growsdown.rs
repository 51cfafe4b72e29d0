//! Guest mappings made with MAP_GROWSDOWN grow as the host's do.
//!
//! ruser passes MAP_GROWSDOWN to the host, so a guest load or store just below such a
//! mapping makes the host kernel extend its mapping downwards, as it would for a native
//! program, and the access succeeds. The guest map does not see that growth by itself. When a
//! check of guest memory fails (a system call's pointer, /proc/self/maps), the host's own map
//! is consulted: a host mapping with the kernel's grows-down flag (`gd` in
//! /proc/self/smaps's VmFlags) that reaches down into the checked range from a guest mapping
//! is the guest's mapping, grown, and the guest map adopts the pages it gained. Only mappings
//! the kernel flags as grows-down qualify; ruser never makes one of its own.

use super::{GuestMem, Vma, PAGE_SIZE};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the guest ever mapped with MAP_GROWSDOWN (until then nothing can have grown).
static ANY: AtomicBool = AtomicBool::new(false);

/// The guest made a MAP_GROWSDOWN mapping.
pub(super) fn note_mapping() {
    ANY.store(true, Ordering::Relaxed);
}

/// Host mappings flagged grows-down, as (start, end) host addresses.
fn host_grows_down() -> Vec<(usize, usize)> {
    let Ok(text) = std::fs::read_to_string("/proc/self/smaps") else { return Vec::new() };
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for line in text.lines() {
        if let Some(flags) = line.strip_prefix("VmFlags:") {
            if let Some(r) = cur.take() {
                if flags.split_whitespace().any(|f| f == "gd") {
                    out.push(r);
                }
            }
            continue;
        }
        // A mapping's header line: "start-end perms offset dev inode [path]".
        let Some(range) = line.split_whitespace().next() else { continue };
        let Some((s, e)) = range.split_once('-') else { continue };
        if let (Ok(s), Ok(e)) = (usize::from_str_radix(s, 16), usize::from_str_radix(e, 16)) {
            cur = Some((s, e));
        }
    }
    out
}

impl GuestMem {
    /// Adopt the growth of grows-down mappings that reaches into `[addr, end)` (everything for
    /// `(0, u64::MAX)`); true when the guest map changed.
    pub fn adopt_stack_growth(&self, addr: u64, end: u64) -> bool {
        if !ANY.load(Ordering::Relaxed) {
            return false;
        }
        let grown = host_grows_down();
        if grown.is_empty() {
            return false;
        }
        let mut st = self.lock();
        let mut changed = false;
        for (hs, he) in grown {
            let (gs, ge) = (self.h2g(hs), self.h2g(he));
            if gs >= end || ge <= addr || ge > self.top || !gs.is_multiple_of(PAGE_SIZE) {
                continue;
            }
            // The lowest guest mapping in the host mapping; the pages below it are the growth.
            let Some(first) = st.vmas.overlapping(gs, ge).into_iter().next() else { continue };
            if first.start <= gs || matches!(first.kind, super::VmaKind::File { .. }) {
                continue;
            }
            // One mapping, as the kernel shows it.
            st.vmas.insert(Vma { start: gs, ..first });
            changed = true;
        }
        changed
    }
}
