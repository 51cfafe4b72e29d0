//! Hashing for ruser's internal maps (guest addresses, IR value keys): a multiplicative hash is
//! as good as SipHash on these keys and much cheaper. The maps are internal: a guest choosing
//! colliding addresses only slows itself down.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiplicative hashing for small integer keys (guest addresses, IR value keys): each word
/// is mixed in by rotate, xor and multiply, and the high half of the product is folded down,
/// because hashbrown takes its bucket index from the low bits (which a multiply leaves zero
/// for aligned keys) and its tag from the top 7.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u8(&mut self, x: u8) {
        self.write_u64(x as u64);
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn write_isize(&mut self, x: isize) {
        self.write_u64(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        let m = (self.0.rotate_left(5) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = m ^ (m >> 32);
    }
}

/// A HashMap keyed by guest address.
pub type PcMap<V> = HashMap<u64, V, BuildHasherDefault<FastHasher>>;

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
            (0..4096u64).map(|i| { let mut h = FastHasher::default(); h.write_u64(4 * i); h.finish() & 4095 }).collect();
        assert!(buckets.len() > 2400, "{}", buckets.len());
    }
}
