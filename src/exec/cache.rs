//! The interpreter's block cache: translated blocks keyed by guest pc, with how often each
//! has run (the JIT compiles a block once it has run often enough).
//!
//! Most start-up code runs once. The JIT's dispatcher therefore keeps a block's IR only from
//! its second run on (`keep`); a first run is only noted (`note_run`), and its block is
//! recycled. Keeping every block touched a fresh heap page every few blocks, and a page fault
//! (about 2 µs) costs more than translating again the few blocks that do run again.

use crate::ir::Block;
use crate::pcmap::PcMap;
use std::rc::Rc;

/// Upper bound on cached blocks before the cache is flushed.
const MAX_BLOCKS: usize = 1 << 16;

/// A block that has run: its IR when kept, and its run count.
struct Entry {
    block: Option<Rc<Block>>,
    runs: u32,
}

#[derive(Default)]
pub struct BlockCache {
    blocks: PcMap<Entry>,
}

impl BlockCache {
    pub fn new() -> BlockCache {
        BlockCache::default()
    }

    #[inline]
    pub fn get(&self, pc: u64) -> Option<Rc<Block>> {
        self.blocks.get(&pc).and_then(|e| e.block.clone())
    }

    /// How many times the block at `pc` has run, counting this run, and its IR when kept;
    /// None when it never ran.
    #[inline]
    pub fn hit(&mut self, pc: u64) -> Option<(Option<Rc<Block>>, u32)> {
        self.blocks.get_mut(&pc).map(|e| {
            e.runs = e.runs.saturating_add(1);
            (e.block.clone(), e.runs)
        })
    }

    /// Cache `b`, as having run once.
    pub fn insert(&mut self, b: Block) -> Rc<Block> {
        self.keep(b, 1)
    }

    /// Cache `b`, as having run `runs` times.
    pub fn keep(&mut self, mut b: Block, runs: u32) -> Rc<Block> {
        self.make_room();
        b.compact();
        let rc = Rc::new(b);
        self.blocks.insert(rc.pc, Entry { block: Some(rc.clone()), runs });
        rc
    }

    /// Count a first run of the block at `pc` without keeping its IR.
    pub fn note_run(&mut self, pc: u64) {
        self.make_room();
        self.blocks.insert(pc, Entry { block: None, runs: 1 });
    }

    fn make_room(&mut self) {
        if self.blocks.len() >= MAX_BLOCKS {
            self.blocks.clear();
        }
    }

    /// Remove the block at `pc` (the JIT has taken it over).
    pub fn take(&mut self, pc: u64) -> Option<Rc<Block>> {
        self.blocks.remove(&pc).and_then(|e| e.block)
    }

    pub fn clear(&mut self) {
        self.blocks.clear();
    }

    /// Drop blocks whose guest bytes overlap `[start, end)` (a block not kept, by its pc). A
    /// block that failed its fetch covers no bytes but still counts as one at its pc.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        self.blocks.retain(|&pc, e| {
            let len = e.block.as_ref().map_or(1, |b| b.guest_len.max(1));
            pc >= end || pc + len as u64 <= start
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Builder, Terminal};

    fn block(pc: u64, ninsns: u32) -> Block {
        let mut b = Builder::new(pc);
        for i in 0..ninsns {
            b.insn_start(pc + 4 * i as u64, 4);
        }
        b.finish(Terminal::Jump { target: pc + 4 * ninsns as u64 })
    }

    #[test]
    fn first_runs_are_counted_without_keeping_the_block() {
        let mut c = BlockCache::new();
        assert!(c.hit(0x1000).is_none());
        c.note_run(0x1000);
        let (kept, runs) = c.hit(0x1000).unwrap();
        assert!(kept.is_none());
        assert_eq!(runs, 2);
        let rc = c.keep(block(0x1000, 3), runs);
        assert_eq!(rc.insts.capacity(), rc.insts.len(), "a kept block is compacted");
        let (kept, runs) = c.hit(0x1000).unwrap();
        assert_eq!(kept.unwrap().ninsns, 3);
        assert_eq!(runs, 3);
        assert_eq!(c.take(0x1000).unwrap().pc, 0x1000);
        assert!(c.hit(0x1000).is_none());
    }

    #[test]
    fn invalidation_drops_overlapping_entries_kept_or_not() {
        let mut c = BlockCache::new();
        c.insert(block(0x1000, 4)); // 0x1000..0x1010
        c.note_run(0x2000);
        c.insert(block(0x3000, 0)); // a failed fetch: no bytes
        c.invalidate(0x100c, 0x1010);
        assert!(c.get(0x1000).is_none());
        c.invalidate(0x2000, 0x2001);
        assert!(c.hit(0x2000).is_none());
        c.invalidate(0x3000, 0x3004);
        assert!(c.hit(0x3000).is_none());
    }
}
