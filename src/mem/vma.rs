//! The map of guest mappings: sorted, non-overlapping address ranges.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped by every change of any mapping map, for memos of what the mappings allowed
/// (`execpages`).
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current mapping generation. Read it before looking at the mappings: a memo made from
/// what they showed is then valid at most as long as that view.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

fn changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VmaKind {
    Anon,
    /// Anonymous memory the guest named (prctl PR_SET_VMA).
    AnonNamed(String),
    Heap,
    Stack,
    File { name: String, offset: u64 },
}

/// One guest mapping `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vma {
    pub start: u64,
    pub end: u64,
    /// Guest protection (PROT_READ | PROT_WRITE | PROT_EXEC).
    pub prot: u32,
    pub shared: bool,
    pub kind: VmaKind,
}

impl Vma {
    /// Shrink to `[s, e)`, adjusting the file offset.
    pub(crate) fn clip(&self, s: u64, e: u64) -> Vma {
        let mut v = self.clone();
        if let VmaKind::File { offset, .. } = &mut v.kind {
            *offset += s - self.start;
        }
        v.start = s;
        v.end = e;
        v
    }
}

/// Guest mappings keyed by start address.
#[derive(Default, Debug)]
pub struct VmaMap {
    map: BTreeMap<u64, Vma>,
}

impl VmaMap {
    pub fn iter(&self) -> impl Iterator<Item = &Vma> {
        self.map.values()
    }

    /// The mapping containing `addr`.
    pub fn find(&self, addr: u64) -> Option<&Vma> {
        self.map.range(..=addr).next_back().map(|(_, v)| v).filter(|v| addr < v.end)
    }

    /// Mappings that intersect `[start, end)`, cloned, in order.
    pub fn overlapping(&self, start: u64, end: u64) -> Vec<Vma> {
        let first = self.find(start).map(|v| v.start).unwrap_or(start);
        self.map.range(first..end).map(|(_, v)| v).filter(|v| v.end > start).cloned().collect()
    }

    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        !self.overlapping(start, end).is_empty()
    }

    /// Whether `[start, end)` is fully mapped with at least `prot`.
    pub fn covers(&self, start: u64, end: u64, prot: u32) -> bool {
        let mut a = start;
        while a < end {
            match self.find(a) {
                Some(v) if v.prot & prot == prot => a = v.end,
                _ => return false,
            }
        }
        true
    }

    /// Sub-ranges of `[start, end)` that no mapping covers.
    pub fn gaps(&self, start: u64, end: u64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut a = start;
        for v in self.overlapping(start, end) {
            if v.start > a {
                out.push((a, v.start));
            }
            a = v.end;
        }
        if a < end {
            out.push((a, end));
        }
        out
    }

    /// Remove `[start, end)` from the map, splitting mappings at the edges.
    pub fn remove(&mut self, start: u64, end: u64) {
        changed();
        for v in self.overlapping(start, end) {
            self.map.remove(&v.start);
            if v.start < start {
                let left = v.clip(v.start, start);
                self.map.insert(left.start, left);
            }
            if v.end > end {
                let right = v.clip(end, v.end);
                self.map.insert(right.start, right);
            }
        }
    }

    /// Insert a mapping, replacing whatever it overlaps.
    pub fn insert(&mut self, v: Vma) {
        self.remove(v.start, v.end);
        self.map.insert(v.start, v);
        changed();
    }

    /// Change the kind of the mappings in `[start, end)`, splitting them at the edges.
    pub fn set_kind(&mut self, start: u64, end: u64, kind: VmaKind) {
        for v in self.overlapping(start, end) {
            let (s, e) = (v.start.max(start), v.end.min(end));
            let mut mid = v.clip(s, e);
            mid.kind = kind.clone();
            self.insert(mid);
        }
    }

    /// Change the protection of `[start, end)` (which must be covered).
    pub fn protect(&mut self, start: u64, end: u64, prot: u32) {
        for v in self.overlapping(start, end) {
            let (s, e) = (v.start.max(start), v.end.min(end));
            let mut mid = v.clip(s, e);
            mid.prot = prot;
            self.insert(mid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anon(s: u64, e: u64, prot: u32) -> Vma {
        Vma { start: s, end: e, prot, shared: false, kind: VmaKind::Anon }
    }

    #[test]
    fn insert_split_protect() {
        let mut m = VmaMap::default();
        m.insert(anon(0x1000, 0x5000, 3));
        assert!(m.covers(0x1000, 0x5000, 3));
        m.remove(0x2000, 0x3000);
        assert!(!m.covers(0x1000, 0x5000, 0));
        assert_eq!(m.gaps(0x0, 0x6000), vec![(0, 0x1000), (0x2000, 0x3000), (0x5000, 0x6000)]);
        m.protect(0x3000, 0x4000, 1);
        assert!(m.covers(0x3000, 0x4000, 1));
        assert!(!m.covers(0x3000, 0x4000, 2));
        assert!(m.covers(0x4000, 0x5000, 3));
        assert_eq!(m.iter().count(), 3);
    }

    #[test]
    fn file_offsets_follow_splits() {
        let mut m = VmaMap::default();
        m.insert(Vma { start: 0x10000, end: 0x14000, prot: 1, shared: false, kind: VmaKind::File { name: "f".into(), offset: 0x1000 } });
        m.remove(0x10000, 0x11000);
        match &m.find(0x11000).unwrap().kind {
            VmaKind::File { offset, .. } => assert_eq!(*offset, 0x2000),
            _ => panic!(),
        }
    }
}
