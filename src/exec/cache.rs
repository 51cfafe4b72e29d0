//! The block cache: translated blocks keyed by guest pc.

use crate::ir::Block;
use std::collections::HashMap;
use std::rc::Rc;

/// Upper bound on cached blocks before the cache is flushed.
const MAX_BLOCKS: usize = 1 << 16;

pub struct BlockCache {
    blocks: HashMap<u64, Rc<Block>>,
}

impl Default for BlockCache {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockCache {
    pub fn new() -> BlockCache {
        BlockCache { blocks: HashMap::with_capacity(4096) }
    }

    #[inline]
    pub fn get(&self, pc: u64) -> Option<Rc<Block>> {
        self.blocks.get(&pc).cloned()
    }

    pub fn insert(&mut self, b: Block) -> Rc<Block> {
        if self.blocks.len() >= MAX_BLOCKS {
            self.blocks.clear();
        }
        let rc = Rc::new(b);
        self.blocks.insert(rc.pc, rc.clone());
        rc
    }

    pub fn clear(&mut self) {
        self.blocks.clear();
    }

    /// Drop blocks whose guest bytes overlap `[start, end)`.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        self.blocks.retain(|_, b| b.pc >= end || b.pc + b.guest_len as u64 <= start);
    }
}
