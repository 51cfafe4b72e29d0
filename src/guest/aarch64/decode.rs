//! Table-driven A64 decoder.
//!
//! Every instruction form is one `Row`: a 32-character bit pattern (MSB first) where `0`/`1`
//! are fixed bits and any other character (a field letter) is a don't-care, plus the handler
//! that translates it. Rows live beside their handlers in `translate/*.rs`; this module sorts
//! them by specificity (most fixed bits first) and buckets them by instruction bits [28:25]
//! (the A64 "op0" group), then, lazily, by bits [31:21] for lookup.

use super::translate::Ctx;
use std::sync::OnceLock;

/// Why a handler could not translate an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undef {
    /// Reserved/unallocated encoding: SIGILL.
    Unallocated,
    /// Valid but not implemented by ruser: SIGILL, logged under `-d unimp`.
    Unimplemented,
}

pub type Handler = fn(&mut Ctx, u32) -> Result<(), Undef>;

/// One decode-table row.
pub struct Row {
    pub pattern: &'static str,
    pub name: &'static str,
    pub mask: u32,
    pub value: u32,
    pub handler: Handler,
}

/// Compute (mask, value) from a 32-character pattern at compile time. Spaces are ignored so
/// patterns can be grouped for readability.
pub const fn parse_pattern(p: &str) -> (u32, u32) {
    let b = p.as_bytes();
    let mut mask = 0u32;
    let mut value = 0u32;
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c == b' ' {
            continue;
        }
        mask <<= 1;
        value <<= 1;
        if c == b'0' {
            mask |= 1;
        } else if c == b'1' {
            mask |= 1;
            value |= 1;
        }
        n += 1;
    }
    assert!(n == 32, "decode pattern must have 32 bits");
    (mask, value)
}

/// Declare a decode row: `row!("pattern", name, handler)`.
#[macro_export]
macro_rules! a64_row {
    ($pat:literal, $name:literal, $h:path) => {{
        const MV: (u32, u32) = $crate::guest::aarch64::decode::parse_pattern($pat);
        $crate::guest::aarch64::decode::Row { pattern: $pat, name: $name, mask: MV.0, value: MV.1, handler: $h }
    }};
}

/// Every row of every table.
pub fn all_rows() -> impl Iterator<Item = &'static Row> {
    super::translate::TABLES.iter().flat_map(|t| t.iter())
}

struct Buckets {
    by_op0: [Vec<&'static Row>; 16],
}

fn buckets() -> &'static Buckets {
    static B: OnceLock<Buckets> = OnceLock::new();
    B.get_or_init(|| {
        let mut by_op0: [Vec<&'static Row>; 16] = Default::default();
        for row in all_rows() {
            for (op0, bucket) in by_op0.iter_mut().enumerate() {
                let bits = (op0 as u32) << 25;
                if (bits ^ row.value) & row.mask & (0xf << 25) == 0 {
                    bucket.push(row);
                }
            }
        }
        for bucket in by_op0.iter_mut() {
            // Most specific first, so a special case wins over its general form.
            bucket.sort_by_key(|r| std::cmp::Reverse(r.mask.count_ones()));
        }
        Buckets { by_op0 }
    })
}

/// Bits 31..21 of an instruction: the key of its second-level bucket.
const SUB_SHIFT: u32 = 21;

/// Second-level buckets, one per value of bits 31..21, each filled on its first lookup with
/// the rows of its op0 bucket whose fixed bits there agree (in the same order). A lookup
/// then tries a few rows rather than all of its op0 group (184 in the load/store group).
static SUB: [OnceLock<Box<[&'static Row]>>; 1 << (32 - SUB_SHIFT)] = [const { OnceLock::new() }; 1 << (32 - SUB_SHIFT)];

/// Find the row matching `insn`.
pub fn lookup(insn: u32) -> Option<&'static Row> {
    let key = insn >> SUB_SHIFT;
    let rows = SUB[key as usize].get_or_init(|| {
        let high = !0u32 << SUB_SHIFT;
        buckets().by_op0[((insn >> 25) & 0xf) as usize]
            .iter()
            .copied()
            .filter(|r| ((key << SUB_SHIFT) ^ r.value) & r.mask & high == 0)
            .collect()
    });
    rows.iter().copied().find(|r| insn & r.mask == r.value)
}

/// Extract bits `[lo, lo+len)` of `insn`.
#[inline]
pub const fn bits(insn: u32, lo: u32, len: u32) -> u32 {
    (insn >> lo) & ((1u32 << len) - 1)
}

/// Extract a single bit.
#[inline]
pub const fn bit(insn: u32, n: u32) -> bool {
    (insn >> n) & 1 == 1
}

/// Sign-extend the low `len` bits of `x` to i64.
#[inline]
pub const fn sext(x: u32, len: u32) -> i64 {
    ((x as i64) << (64 - len)) >> (64 - len)
}

/// Common fields.
#[inline]
pub const fn rd(insn: u32) -> u32 {
    bits(insn, 0, 5)
}
#[inline]
pub const fn rn(insn: u32) -> u32 {
    bits(insn, 5, 5)
}
#[inline]
pub const fn rm(insn: u32) -> u32 {
    bits(insn, 16, 5)
}
#[inline]
pub const fn rt2(insn: u32) -> u32 {
    bits(insn, 10, 5)
}
#[cfg(test)]
#[test]
fn second_level_buckets_agree_with_a_full_scan() {
    // Words from every row (fixed bits, with the free bits all zeros, all ones, or mixed).
    let mut n = 0;
    for r in all_rows() {
        for free in [0u32, !0, 0x5a5a_a5a5, 0xa5a5_5a5a, 0x0f0f_f0f0] {
            let w = r.value | (free & !r.mask);
            let full = buckets().by_op0[((w >> 25) & 0xf) as usize].iter().copied().find(|x| w & x.mask == x.value);
            assert!(std::ptr::eq(lookup(w).unwrap(), full.unwrap()), "{w:08x}: {} vs {}", lookup(w).unwrap().name, full.unwrap().name);
            n += 1;
        }
    }
    assert!(n > 1000);
}
