//! Write protection of guest pages that hold translated code, so that a guest store into
//! code it already ran drops the stale translations even without cache maintenance.
//!
//! When a block is translated from a page the guest may write, the host copy of that page
//! loses its write permission. A guest store there faults; the fault handler calls
//! `on_write_fault`, which gives the permission back, forgets the page, and reports the page
//! as changed code, then the store is retried. The Linux layer's own writes into guest memory
//! (system calls such as read()) go through `GuestMem::check`, which unprotects first.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const PAGE: u64 = 4096;

struct Pages {
    /// Host address of guest address 0.
    base: usize,
    /// Protected guest page → host protection to restore.
    prot: BTreeMap<u64, i32>,
}

static PAGES: Mutex<Pages> = Mutex::new(Pages { base: 0, prot: BTreeMap::new() });
/// Number of protected pages (a lock-free "nothing to do" test for the common case).
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Run `f` with this module's lock held (around a fork).
pub fn with_locked<R>(f: impl FnOnce() -> R) -> R {
    let g = PAGES.lock().unwrap_or_else(|e| e.into_inner());
    let r = f();
    drop(g);
    r
}

/// Host address of guest address 0, as recorded by the last `protect`.
pub fn base() -> usize {
    if COUNT.load(Ordering::Acquire) == 0 {
        return 0;
    }
    PAGES.lock().map(|g| g.base).unwrap_or(0)
}

/// Write-protect the pages of `[start, end)` whose guest protection allows writing.
/// `host_prot_of` gives the host protection of a guest page (None when unmapped).
pub fn protect(base: usize, start: u64, end: u64, host_prot_of: impl Fn(u64) -> Option<i32>) {
    let mut g = PAGES.lock().unwrap_or_else(|e| e.into_inner());
    g.base = base;
    let mut page = start & !(PAGE - 1);
    while page < end {
        if let std::collections::btree_map::Entry::Vacant(slot) = g.prot.entry(page) {
            if let Some(p) = host_prot_of(page).filter(|p| p & libc::PROT_WRITE != 0) {
                let h = base.wrapping_add(page as usize) as *mut libc::c_void;
                // SAFETY: a guest page that is mapped; only its permission changes.
                if unsafe { libc::mprotect(h, PAGE as usize, p & !libc::PROT_WRITE) } == 0 {
                    slot.insert(p);
                    COUNT.fetch_add(1, Ordering::Release);
                }
            }
        }
        page += PAGE;
    }
}

/// Give write permission back to protected pages in `[start, end)`; returns the range of
/// pages that were protected (their translations must be dropped), if any.
pub fn unprotect(start: u64, end: u64) -> Option<(u64, u64)> {
    if COUNT.load(Ordering::Acquire) == 0 {
        return None;
    }
    let mut g = PAGES.lock().unwrap_or_else(|e| e.into_inner());
    let from = start & !(PAGE - 1);
    let hit: Vec<(u64, i32)> = g.prot.range(from..end).map(|(&p, &v)| (p, v)).collect();
    if hit.is_empty() {
        return None;
    }
    for &(page, p) in &hit {
        let h = g.base.wrapping_add(page as usize) as *mut libc::c_void;
        // SAFETY: restoring the permission this module removed.
        unsafe { libc::mprotect(h, PAGE as usize, p) };
        g.prot.remove(&page);
        COUNT.fetch_sub(1, Ordering::Release);
    }
    Some((hit[0].0, hit[hit.len() - 1].0 + PAGE))
}

/// Forget protected pages in `[start, end)` without touching their permission (the guest is
/// unmapping or reprotecting them itself).
pub fn forget(start: u64, end: u64) {
    if COUNT.load(Ordering::Acquire) == 0 {
        return;
    }
    let mut g = PAGES.lock().unwrap_or_else(|e| e.into_inner());
    let pages: Vec<u64> = g.prot.range((start & !(PAGE - 1))..end).map(|(&p, _)| p).collect();
    for p in pages {
        g.prot.remove(&p);
        COUNT.fetch_sub(1, Ordering::Release);
    }
}

/// For the fault handler: a write fault at guest address `addr`. True when it hit a page
/// protected here; the page is writable again and its translations are gone, so the
/// faulting store can simply be retried.
pub fn on_write_fault(addr: u64) -> bool {
    match unprotect(addr, addr.wrapping_add(1)) {
        Some((s, e)) => {
            super::code_changed(s, e);
            true
        }
        None => false,
    }
}
