//! Table-driven A64 decoder.
//!
//! Every instruction form is one `Row`: a 32-character bit pattern (MSB first) where `0`/`1`
//! are fixed bits and any other character (a field letter) is a don't-care, plus the handler
//! that translates it. Rows live beside their handlers in `translate/*.rs`. A lookup tries, in
//! order, the rows whose fixed bits agree with the instruction's bits [31:21], most specific
//! (most fixed bits) first; that index (`decode_index.rs`) is data generated from the tables
//! by the test `decode_index_is_fresh`, so that no process spends its start-up building it.

use super::translate::Ctx;

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

/// Bits 31..21 of an instruction: the key of its index entry.
const SUB_SHIFT: u32 = 21;

/// An index entry names a row as `table << ROW_BITS | row` (`translate::TABLES[table][row]`).
const ROW_BITS: u32 = 10;

/// Find the row matching `insn`.
pub fn lookup(insn: u32) -> Option<&'static Row> {
    let key = (insn >> SUB_SHIFT) as usize;
    let (from, to) = (super::decode_index::SUB_START[key] as usize, super::decode_index::SUB_START[key + 1] as usize);
    super::decode_index::SUB_ROWS[from..to]
        .iter()
        .map(|&e| &super::translate::TABLES[(e >> ROW_BITS) as usize][(e & ((1 << ROW_BITS) - 1)) as usize])
        .find(|r| insn & r.mask == r.value)
}

/// The index: for each value of bits [31:21], the rows whose fixed bits there agree, most
/// specific first (ties in table order), as (start of each key's entries, the entries).
fn build_index() -> (Vec<u16>, Vec<u16>) {
    let high = !0u32 << SUB_SHIFT;
    let mut start = Vec::with_capacity(1 << (32 - SUB_SHIFT));
    let mut rows = Vec::new();
    for key in 0u32..1 << (32 - SUB_SHIFT) {
        start.push(rows.len() as u16);
        let mut here: Vec<(u32, u16)> = Vec::new();
        for (t, table) in super::translate::TABLES.iter().enumerate() {
            for (i, r) in table.iter().enumerate() {
                if ((key << SUB_SHIFT) ^ r.value) & r.mask & high == 0 {
                    assert!(i < 1 << ROW_BITS && t < 1 << (16 - ROW_BITS), "decode index: too many rows for its encoding");
                    here.push((r.mask.count_ones(), (t << ROW_BITS | i) as u16));
                }
            }
        }
        here.sort_by_key(|&(bits, _)| std::cmp::Reverse(bits));
        rows.extend(here.into_iter().map(|(_, e)| e));
    }
    start.push(rows.len() as u16);
    (start, rows)
}

/// The text of `decode_index.rs` for the current tables.
pub fn index_source() -> String {
    use std::fmt::Write;
    let (start, rows) = build_index();
    let mut out = String::from(
        "//! Generated from the decode tables (`translate::TABLES`) by the test\n\
         //! `guest::aarch64::decode::tests::decode_index_is_fresh`: after changing a table, run\n\
         //! `RUSER_BLESS=1 cargo test --release --lib decode_index_is_fresh`. Do not edit.\n\n",
    );
    for (name, doc, v) in [
        ("SUB_START", "Where the entries of each value of bits [31:21] start in `SUB_ROWS` (one more for the end).", &start),
        ("SUB_ROWS", "Rows to try, in order: `table << 10 | row`.", &rows),
    ] {
        writeln!(out, "/// {doc}\n#[rustfmt::skip]\npub(super) static {name}: [u16; {}] = [", v.len()).unwrap();
        for line in v.chunks(16) {
            let items: Vec<String> = line.iter().map(|x| x.to_string()).collect();
            writeln!(out, "    {},", items.join(", ")).unwrap();
        }
        writeln!(out, "];\n").unwrap();
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    /// The committed index is the one the tables give (RUSER_BLESS=1 rewrites it).
    #[test]
    fn decode_index_is_fresh() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/guest/aarch64/decode_index.rs");
        let want = super::index_source();
        if std::env::var_os("RUSER_BLESS").is_some() {
            std::fs::write(path, &want).expect("write decode_index.rs");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(have == want, "src/guest/aarch64/decode_index.rs is stale: run RUSER_BLESS=1 cargo test --release --lib decode_index_is_fresh");
    }
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
fn the_index_agrees_with_a_full_scan() {
    // The reference: every row, most specific first, ties in table order.
    let mut sorted: Vec<&Row> = all_rows().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.mask.count_ones()));
    // Words from every row (fixed bits, with the free bits all zeros, all ones, or mixed).
    let mut n = 0;
    for r in all_rows() {
        for free in [0u32, !0, 0x5a5a_a5a5, 0xa5a5_5a5a, 0x0f0f_f0f0] {
            let w = r.value | (free & !r.mask);
            let full = sorted.iter().copied().find(|x| w & x.mask == x.value);
            assert!(std::ptr::eq(lookup(w).unwrap(), full.unwrap()), "{w:08x}: {} vs {}", lookup(w).unwrap().name, full.unwrap().name);
            n += 1;
        }
    }
    assert!(n > 1000);
}
