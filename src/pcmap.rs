//! Hash maps keyed by guest addresses. Guest pcs are well-spread integers, so a multiplicative
//! hash is as good as SipHash here and much cheaper; the maps are internal (never keyed by
//! anything an attacker chooses to collide, beyond the guest slowing itself down).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Fibonacci hashing of one u64.
#[derive(Default, Clone, Copy)]
pub struct PcHasher(u64);

impl Hasher for PcHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, x: u64) {
        // The high bits of the product mix every input bit; hashbrown takes its bucket index
        // from the low bits and its tag from the top 7, so fold the high half down.
        let m = (self.0 ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = m ^ (m >> 32);
    }
}

/// A HashMap keyed by guest address.
pub type PcMap<V> = HashMap<u64, V, BuildHasherDefault<PcHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_aligned_pcs() {
        let mut m: PcMap<u32> = PcMap::default();
        for i in 0..10_000u64 {
            m.insert(0x40_0000 + 4 * i, i as u32);
        }
        assert_eq!(m.len(), 10_000);
        assert!((0..10_000u64).all(|i| m[&(0x40_0000 + 4 * i)] == i as u32));
        // Buckets used by 4-aligned keys: no clustering into a small fraction of them.
        let buckets: std::collections::HashSet<u64> =
            (0..4096u64).map(|i| { let mut h = PcHasher::default(); h.write_u64(4 * i); h.finish() & 4095 }).collect();
        assert!(buckets.len() > 2400, "{}", buckets.len());
    }
}
