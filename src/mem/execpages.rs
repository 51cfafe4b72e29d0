//! A per-thread memo of guest pages known to be executable and not writable, so that the
//! translator's two checks of every block (`GuestMem::fetch_code`: may the code be fetched?
//! `GuestMem::protect_code`: must its page be write-protected?) skip the memory lock and the
//! mapping lookups for the common case, code in read-only text. Start-up translates a few
//! thousand blocks, nearly all of them there.
//!
//! An entry is valid for the mapping generation (`vma::generation`) it was made in: every
//! change of any guest mapping starts a new one. Entries also name the address space (its
//! host base), since tests run several in one thread.

use super::vma;
use std::cell::Cell;

const SLOTS: usize = 64;

#[derive(Clone, Copy)]
struct Entry {
    page: u64,
    base: usize,
    generation: u64,
}

const EMPTY: Entry = Entry { page: u64::MAX, base: 0, generation: u64::MAX };

thread_local! {
    static MEMO: [Cell<Entry>; SLOTS] = const { [const { Cell::new(EMPTY) }; SLOTS] };
}

fn slot(page: u64) -> usize {
    ((page / super::PAGE_SIZE) as usize) % SLOTS
}

/// Whether `page` of the address space at `base` was recorded executable and not writable
/// in the current mapping generation.
#[inline]
pub fn known(base: usize, page: u64) -> bool {
    let generation = vma::generation();
    MEMO.with(|m| {
        let e = m[slot(page)].get();
        e.page == page && e.base == base && e.generation == generation
    })
}

/// Record that `page` is executable and not writable, as seen in mapping generation
/// `generation` (read before the mappings were looked at).
pub fn record(base: usize, page: u64, generation: u64) {
    MEMO.with(|m| m[slot(page)].set(Entry { page, base, generation }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_lapse_with_the_generation_and_name_their_space() {
        // Other tests change mappings meanwhile (the generation is global): one of these
        // record-and-check pairs sees no change between the two.
        let seen = (0..10_000).any(|_| {
            record(0x1000, 0x40_0000, vma::generation());
            known(0x1000, 0x40_0000)
        });
        assert!(seen);
        assert!(!known(0x2000, 0x40_0000), "another address space");
        assert!(!known(0x1000, 0x40_1000), "another page");
        let mut m = vma::VmaMap::default();
        m.insert(vma::Vma { start: 0, end: 0x1000, prot: 0, shared: false, kind: vma::VmaKind::Anon });
        assert!(!known(0x1000, 0x40_0000), "a mapping changed since");
    }
}
