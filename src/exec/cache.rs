//! The interpreter's block cache: translated blocks keyed by guest pc, with how often each
//! has run (the JIT compiles a block once it has run often enough).

use crate::ir::Block;
use crate::pcmap::PcMap;
use std::rc::Rc;

/// Upper bound on cached blocks before the cache is flushed.
const MAX_BLOCKS: usize = 1 << 16;

#[derive(Default)]
pub struct BlockCache {
    blocks: PcMap<(Rc<Block>, u32)>,
}

impl BlockCache {
    pub fn new() -> BlockCache {
        BlockCache::default()
    }

    #[inline]
    pub fn get(&self, pc: u64) -> Option<Rc<Block>> {
        self.blocks.get(&pc).map(|e| e.0.clone())
    }

    /// The block at `pc` and how many times it has run, counting this run.
    #[inline]
    pub fn hit(&mut self, pc: u64) -> Option<(Rc<Block>, u32)> {
        self.blocks.get_mut(&pc).map(|e| {
            e.1 = e.1.saturating_add(1);
            (e.0.clone(), e.1)
        })
    }

    /// Cache `b`, as having run once.
    pub fn insert(&mut self, b: Block) -> Rc<Block> {
        if self.blocks.len() >= MAX_BLOCKS {
            self.blocks.clear();
        }
        let rc = Rc::new(b);
        self.blocks.insert(rc.pc, (rc.clone(), 1));
        rc
    }

    /// Remove the block at `pc` (the JIT has taken it over).
    pub fn take(&mut self, pc: u64) -> Option<Rc<Block>> {
        self.blocks.remove(&pc).map(|e| e.0)
    }

    pub fn clear(&mut self) {
        self.blocks.clear();
    }

    /// Drop blocks whose guest bytes overlap `[start, end)`.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        self.blocks.retain(|_, (b, _)| b.pc >= end || b.pc + b.guest_len as u64 <= start);
    }
}
