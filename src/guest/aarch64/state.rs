//! AArch64 guest CPU state layout. The IR reads and writes it by byte offset.

use std::mem::offset_of;

/// The AArch64 register file as the IR sees it.
#[repr(C, align(16))]
pub struct A64State {
    /// X0..X30, then SP at index 31.
    pub x: [u64; 32],
    pub pc: u64,
    /// NZCV in bits 31..28, as MRS NZCV reads it.
    pub nzcv: u64,
    pub fpcr: u64,
    pub fpsr: u64,
    pub tpidr_el0: u64,
    /// Exclusive monitor: address of the last LDXR (u64::MAX when clear).
    pub excl_addr: u64,
    /// Value(s) loaded by the last LDXR/LDXP.
    pub excl_val: [u64; 2],
    /// V0..V31.
    pub v: [u128; 32],
}

pub const X0: usize = offset_of!(A64State, x);
pub const SP: usize = X0 + 31 * 8;
pub const PC: usize = offset_of!(A64State, pc);
pub const NZCV: usize = offset_of!(A64State, nzcv);
pub const FPCR: usize = offset_of!(A64State, fpcr);
pub const FPSR: usize = offset_of!(A64State, fpsr);
pub const TPIDR_EL0: usize = offset_of!(A64State, tpidr_el0);
pub const EXCL_ADDR: usize = offset_of!(A64State, excl_addr);
pub const EXCL_VAL: usize = offset_of!(A64State, excl_val);
pub const V0: usize = offset_of!(A64State, v);
pub const STATE_SIZE: usize = std::mem::size_of::<A64State>();

/// Offset of X`n` (n = 31 is SP).
pub const fn xreg(n: u32) -> usize {
    X0 + 8 * n as usize
}

/// Offset of V`n`.
pub const fn vreg(n: u32) -> usize {
    V0 + 16 * n as usize
}

macro_rules! reg_table {
    ($($name:literal => $off:expr, $size:expr;)*) => { &[$(($name, $off, $size)),*] };
}

/// Register names for reports: X0..X30, SP, PC, NZCV, FPCR, FPSR, TPIDR, V0..V31.
pub static REGISTERS: &[(&str, usize, usize)] = reg_table! {
    "x0" => xreg(0), 8; "x1" => xreg(1), 8; "x2" => xreg(2), 8; "x3" => xreg(3), 8;
    "x4" => xreg(4), 8; "x5" => xreg(5), 8; "x6" => xreg(6), 8; "x7" => xreg(7), 8;
    "x8" => xreg(8), 8; "x9" => xreg(9), 8; "x10" => xreg(10), 8; "x11" => xreg(11), 8;
    "x12" => xreg(12), 8; "x13" => xreg(13), 8; "x14" => xreg(14), 8; "x15" => xreg(15), 8;
    "x16" => xreg(16), 8; "x17" => xreg(17), 8; "x18" => xreg(18), 8; "x19" => xreg(19), 8;
    "x20" => xreg(20), 8; "x21" => xreg(21), 8; "x22" => xreg(22), 8; "x23" => xreg(23), 8;
    "x24" => xreg(24), 8; "x25" => xreg(25), 8; "x26" => xreg(26), 8; "x27" => xreg(27), 8;
    "x28" => xreg(28), 8; "x29" => xreg(29), 8; "x30" => xreg(30), 8; "sp" => SP, 8;
    "pc" => PC, 8; "nzcv" => NZCV, 8; "fpcr" => FPCR, 8; "fpsr" => FPSR, 8;
    "tpidr_el0" => TPIDR_EL0, 8;
    "v0" => vreg(0), 16; "v1" => vreg(1), 16; "v2" => vreg(2), 16; "v3" => vreg(3), 16;
    "v4" => vreg(4), 16; "v5" => vreg(5), 16; "v6" => vreg(6), 16; "v7" => vreg(7), 16;
    "v8" => vreg(8), 16; "v9" => vreg(9), 16; "v10" => vreg(10), 16; "v11" => vreg(11), 16;
    "v12" => vreg(12), 16; "v13" => vreg(13), 16; "v14" => vreg(14), 16; "v15" => vreg(15), 16;
    "v16" => vreg(16), 16; "v17" => vreg(17), 16; "v18" => vreg(18), 16; "v19" => vreg(19), 16;
    "v20" => vreg(20), 16; "v21" => vreg(21), 16; "v22" => vreg(22), 16; "v23" => vreg(23), 16;
    "v24" => vreg(24), 16; "v25" => vreg(25), 16; "v26" => vreg(26), 16; "v27" => vreg(27), 16;
    "v28" => vreg(28), 16; "v29" => vreg(29), 16; "v30" => vreg(30), 16; "v31" => vreg(31), 16;
};
