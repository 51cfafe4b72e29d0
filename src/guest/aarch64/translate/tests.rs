//! Unit tests of the A64 integer and system translators: translate small hand-assembled
//! programs, run them in the reference interpreter and check registers, flags and memory.
//! Expected values of the `case` tests were produced by running the same code under
//! qemu-aarch64.

use super::translate_block;
use crate::guest::aarch64::state::*;
use crate::guest::{CodeFetch, CpuState, TranslateOpts};
use crate::interp::{Exit, Interp};
use crate::ir::*;

/// Pseudo register numbers for `case`: SP and the flags.
const SPR: u32 = 31;
const NZCV_R: u32 = 32;
const DEFAULT_SP: u64 = 0x100000;

/// Guest code living in host memory (guest_base 0), so literal loads and ADR work.
struct Code {
    words: Vec<u32>,
}

impl Code {
    fn base(&self) -> u64 {
        self.words.as_ptr() as u64
    }
    fn end(&self) -> u64 {
        self.base() + 4 * self.words.len() as u64
    }
}

impl CodeFetch for Code {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        if addr < self.base() || addr >= self.end() || !addr.is_multiple_of(4) {
            return None;
        }
        Some(self.words[((addr - self.base()) / 4) as usize])
    }
}

/// Check operand types of every op, so a translator bug cannot hide behind the
/// interpreter's leniency.
fn typecheck(b: &Block) {
    let t = |v: Val| b.ty_of(v);
    for (i, inst) in b.insts.iter().enumerate() {
        let ok = match inst.op {
            Op::Bin { a, b: y, ty, .. } => t(a) == ty && t(y) == ty,
            Op::Un { a, ty, .. } => t(a) == ty,
            Op::Ext { a, from, .. } => t(a) == from,
            Op::Cmp { a, b: y, ty, .. } => t(a) == ty && t(y) == ty,
            Op::Select { c, a, b: y, ty } => t(c) == Ty::I8 && t(a) == ty && t(y) == ty,
            Op::SetReg { v, ty, .. } => t(v) == ty,
            Op::AddNzcv { a, b: y, cin, ty } | Op::SubNzcv { a, b: y, cin, ty } => {
                t(a) == ty && t(y) == ty && t(cin) == Ty::I8
            }
            Op::LogicNzcv { a, ty } => t(a) == ty,
            Op::CondHolds { nzcv, .. } => t(nzcv) == Ty::I32,
            Op::Load { addr, .. } => t(addr) == Ty::I64,
            Op::Store { addr, v, ty, .. } => t(addr) == Ty::I64 && t(v) == ty,
            Op::CmpXchg { addr, expected, new, enable, ty, .. } => {
                t(addr) == Ty::I64 && t(expected) == ty && t(new) == ty && t(enable) == Ty::I8 && inst.ty() == ty
            }
            Op::Pair { lo, hi } => t(lo) == Ty::I64 && t(hi) == Ty::I64,
            Op::Half { a, .. } => t(a) == Ty::I128,
            _ => true,
        };
        assert!(ok, "type error at inst {i}: {:?}", inst.op);
    }
    match b.term {
        Terminal::Branch { cond, .. } => assert_eq!(t(cond), Ty::I8),
        Terminal::Indirect { target, .. } => assert_eq!(t(target), Ty::I64),
        _ => {}
    }
    verify(b).unwrap();
}

fn new_state(code: &Code) -> CpuState {
    let mut st = CpuState::new(STATE_SIZE);
    st.write_u64(PC, code.base());
    st.write_u64(SP, DEFAULT_SP);
    st.write_u64(EXCL_ADDR, u64::MAX);
    st
}

/// Run from the state's pc until the pc leaves the code or the block exits otherwise.
fn exec(code: &Code, st: &mut CpuState) -> Exit {
    let mut interp = Interp::new();
    for _ in 0..1000 {
        let pc = st.read_u64(PC);
        if pc < code.base() || pc >= code.end() {
            return Exit::Next;
        }
        let b = translate_block(code, pc, &TranslateOpts::default());
        typecheck(&b);
        // SAFETY: the state has the A64 layout; memory accesses go to test buffers.
        let e = unsafe { interp.run(&b, st.as_mut_ptr(), 0, PC) };
        if e != Exit::Next {
            return e;
        }
    }
    panic!("test program did not finish");
}

fn reg_off(r: u32) -> usize {
    match r {
        NZCV_R => NZCV,
        _ => xreg(r),
    }
}

/// Run `words` with the registers in `init` (x0..x30, SPR, rest zero; SP defaults to
/// DEFAULT_SP) and flags `nzcv`; then every register must hold its `changed` value if listed
/// there, else its initial value.
fn case(words: &[u32], init: &[(u32, u64)], nzcv: u64, changed: &[(u32, u64)]) {
    let code = Code { words: words.to_vec() };
    let mut st = new_state(&code);
    for &(r, v) in init {
        st.write_u64(reg_off(r), v);
    }
    st.write_u64(NZCV, nzcv);
    let before = st.clone();
    assert_eq!(exec(&code, &mut st), Exit::Next);
    let mut errors = String::new();
    for r in 0..=32 {
        let want = changed.iter().find(|c| c.0 == r).map_or(before.read_u64(reg_off(r)), |c| c.1);
        let got = st.read_u64(reg_off(r));
        if got != want {
            errors.push_str(&format!("  r{r}: got {got:#x}, want {want:#x}\n"));
        }
    }
    assert!(errors.is_empty(), "register mismatch:\n{errors}");
}

#[test]
fn generated_cases() {
    include!("tests_cases.rs");
}

/// `mcase` values `MEM + off` stand for the address of the test buffer plus `off`.
const MEM: u64 = 0x7e57_0000_0000_0000;

/// `case` with a 256-byte memory buffer holding the doublewords `mem` (the rest zero); after
/// the run, the doublewords listed in `mem_changed` must hold those values and the others
/// their initial ones.
fn mcase(words: &[u32], init: &[(u32, u64)], nzcv: u64, changed: &[(u32, u64)], mem: &[u64], mem_changed: &[(usize, u64)]) {
    let mut buf = Buf([0; 256]);
    for (i, w) in mem.iter().enumerate() {
        buf.0[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
    }
    let base = buf.addr();
    let reloc = |v: u64| if v & !0xff == MEM { base + (v & 0xff) } else { v };
    let init: Vec<(u32, u64)> = init.iter().map(|&(r, v)| (r, reloc(v))).collect();
    let changed: Vec<(u32, u64)> = changed.iter().map(|&(r, v)| (r, reloc(v))).collect();
    case(words, &init, nzcv, &changed);
    for i in 0..32 {
        let want = mem_changed.iter().find(|c| c.0 == i).map_or(mem.get(i).copied().unwrap_or(0), |c| c.1);
        assert_eq!(buf.u64_at(8 * i), want, "memory doubleword {i}");
    }
}

#[test]
#[allow(clippy::identity_op)] // the generator writes buffer offsets as `MEM + 0x0`
fn generated_memory_cases() {
    include!("tests_cases_mem.rs");
}

/// A 64-byte aligned test buffer (DC ZVA zeroes whole 64-byte blocks).
#[repr(C, align(64))]
struct Buf([u8; 256]);

impl Buf {
    /// The buffer's address as a guest address (guest_base 0); taken from a mutable borrow
    /// because the guest code writes through it.
    fn addr(&mut self) -> u64 {
        std::hint::black_box(self.0.as_mut_ptr()) as u64
    }
    fn u64_at(&self, off: usize) -> u64 {
        u64::from_le_bytes(self.0[off..off + 8].try_into().unwrap())
    }
}

fn run_with(words: &[u32], init: &[(u32, u64)]) -> (Code, CpuState, Exit) {
    let code = Code { words: words.to_vec() };
    let mut st = new_state(&code);
    for &(r, v) in init {
        st.write_u64(reg_off(r), v);
    }
    let e = exec(&code, &mut st);
    (code, st, e)
}

fn x(st: &CpuState, n: u32) -> u64 {
    st.read_u64(xreg(n))
}

#[test]
fn adr_adrp() {
    // adr x9, .; adrp x10, .; adr x11, .-4 (immhi all ones: negative); adrp x12, .+0x1000
    let (code, st, _) = run_with(&[0x10000009, 0x9000000a, 0x10ffffeb, 0xb000000c], &[]);
    assert_eq!(x(&st, 9), code.base());
    assert_eq!(x(&st, 10), code.base() & !0xfff);
    assert_eq!(x(&st, 11), code.base() + 4);
    assert_eq!(x(&st, 12), ((code.base() + 12) & !0xfff) + 0x1000);
}

#[test]
fn loads_all_modes() {
    let mut buf = Buf([0; 256]);
    for (i, b) in buf.0.iter_mut().enumerate() {
        *b = i as u8;
    }
    let x1 = buf.addr() + 0x80;
    let words = [
        0xf9400020, // ldr x0, [x1]
        0xb9400422, // ldr w2, [x1, #4]
        0x3941fc23, // ldrb w3, [x1, #127]
        0x39800024, // ldrsb x4, [x1]
        0x39c00425, // ldrsb w5, [x1, #1]
        0x79400426, // ldrh w6, [x1, #2]
        0x7980fc27, // ldrsh x7, [x1, #126]
        0xb89fc028, // ldursw x8, [x1, #-4]
        0x78dfe029, // ldursh w9, [x1, #-2]
        0xf840102a, // ldur x10, [x1, #1]
        0xb980082b, // ldrsw x11, [x1, #8]
        0xf85f882c, // ldtr x12, [x1, #-8]
        0xf86e782d, // ldr x13, [x1, x14, lsl #3]
        0x3870c82f, // ldrb w15, [x1, w16, sxtw]
        0x78725831, // ldrh w17, [x1, w18, uxtw #1]
        0x78b4e833, // ldrsh x19, [x1, x20, sxtx]
        0x18000055, // ldr w21, .+8
        0x98000036, // ldrsw x22, .+4
        0xf9800020, // prfm pldl1keep, [x1]
        0xd8000000, // prfm pldl1keep, .
        0xf89ff020, // prfum pldl1keep, [x1, #-1]
        0xf8a26820, // prfm pldl1keep, [x1, x2]
        0x38580037, // ldurb w23, [x1, #-128]
    ];
    let (_, st, e) = run_with(&words, &[(1, x1), (14, 2), (16, 0xffff_fffe), (18, 0x1_0000_0003), (20, u64::MAX)]);
    assert_eq!(e, Exit::Next);
    let want: &[(u32, u64)] = &[
        (0, 0x8786858483828180),
        (1, x1),
        (2, 0x87868584),
        (3, 0xff),
        (4, 0xffffffffffffff80),
        (5, 0xffffff81),
        (6, 0x8382),
        (7, 0xfffffffffffffffe),
        (8, 0x7f7e7d7c),
        (9, 0x7f7e),
        (10, 0x8887868584838281),
        (11, 0xffffffff8b8a8988),
        (12, 0x7f7e7d7c7b7a7978),
        (13, 0x9796959493929190),
        (15, 0x7e),
        (17, 0x8786),
        (19, 0xffffffffffff807f),
        (21, 0xf9800020),
        (22, 0xfffffffff9800020),
        (23, 0),
    ];
    for &(r, v) in want {
        assert_eq!(x(&st, r), v, "x{r}");
    }
}

#[test]
fn stores_and_writeback() {
    let mut buf = Buf([0; 256]);
    let base = buf.addr();
    let v = 0x1122334455667788u64;
    let words = [
        0xf9000022, // str x2, [x1]
        0x39002022, // strb w2, [x1, #8]
        0x79001422, // strh w2, [x1, #10]
        0xb9000c22, // str w2, [x1, #12]
        0xf81f8022, // stur x2, [x1, #-8]
        0xf8010c22, // str x2, [x1, #16]!
        0xb81e0422, // str w2, [x1], #-32
        0xf8408c23, // ldr x3, [x1, #8]!
        0xf8408424, // ldr x4, [x1], #8
        0x38256822, // strb w2, [x1, x5]
        0xf8265822, // str x2, [x1, w6, uxtw #3]
        0x78032822, // sttrh w2, [x1, #50]
        0xf81f0fe2, // str x2, [sp, #-16]!
        0x384017e7, // ldrb w7, [sp], #1
    ];
    let (_, st, _) = run_with(&words, &[(1, base + 0x80), (2, v), (5, 0x20), (6, 5), (SPR, base + 0x100)]);
    let mut want = [0u8; 256];
    let mut put = |off: usize, bytes: &[u8]| want[off..off + bytes.len()].copy_from_slice(bytes);
    put(0x80, &v.to_le_bytes());
    put(0x88, &[0x88]);
    put(0x8a, &0x7788u16.to_le_bytes());
    put(0x8c, &0x55667788u32.to_le_bytes());
    put(0x78, &v.to_le_bytes());
    put(0x90, &v.to_le_bytes());
    put(0xa0, &[0x88]);
    put(0xa8, &v.to_le_bytes());
    put(0xb2, &0x7788u16.to_le_bytes());
    put(0xf0, &v.to_le_bytes());
    assert_eq!(buf.0, want);
    assert_eq!(x(&st, 1), base + 0x80);
    assert_eq!(x(&st, 3), v);
    assert_eq!(x(&st, 4), v);
    assert_eq!(x(&st, 7), 0x88);
    assert_eq!(x(&st, SPR), base + 0xf1);
}

#[test]
fn pairs() {
    let mut buf = Buf([0; 256]);
    let base = buf.addr();
    let (a, b) = (0x1122334455667788u64, 0x8899aabbccddeeffu64);
    let words = [
        0xa9bf0c22, // stp x2, x3, [x1, #-16]!
        0xa8c11424, // ldp x4, x5, [x1], #16
        0x29010c22, // stp w2, w3, [x1, #8]
        0x29411c26, // ldp w6, w7, [x1, #8]
        0x69412428, // ldpsw x8, x9, [x1, #8]
        0xa8020c22, // stnp x2, x3, [x1, #32]
        0xa8422c2a, // ldnp x10, x11, [x1, #32]
        0xa9bf0be3, // stp x3, x2, [sp, #-16]!
        0xa8c137ec, // ldp x12, x13, [sp], #16
        0x69c0bc2e, // ldpsw x14, x15, [x1, #4]!
    ];
    let (_, st, _) = run_with(&words, &[(1, base + 0x80), (2, a), (3, b), (SPR, base + 0x100)]);
    let want: &[(u32, u64)] = &[
        (1, base + 0x84),
        (4, a),
        (5, b),
        (6, 0x55667788),
        (7, 0xccddeeff),
        (8, 0x55667788),
        (9, 0xffffffffccddeeff),
        (10, a),
        (11, b),
        (12, b),
        (13, a),
        (14, 0),
        (15, 0x55667788),
        (SPR, base + 0x100),
    ];
    for &(r, v) in want {
        assert_eq!(x(&st, r), v, "x{r}");
    }
    assert_eq!(buf.u64_at(0x70), a);
    assert_eq!(buf.u64_at(0x78), b);
    assert_eq!(buf.u64_at(0x88), 0xccddeeff_55667788);
    assert_eq!(buf.u64_at(0xa0), a);
    assert_eq!(buf.u64_at(0xa8), b);
    assert_eq!(buf.u64_at(0xf0), b);
    assert_eq!(buf.u64_at(0xf8), a);
}

#[test]
fn exclusives() {
    let mut buf = Buf([0; 256]);
    buf.0[0..8].copy_from_slice(&10u64.to_le_bytes());
    buf.0[8..16].copy_from_slice(&20u64.to_le_bytes());
    buf.0[0x40..0x48].copy_from_slice(&0x0000_0002_0000_0001u64.to_le_bytes());
    let x1 = buf.addr();
    let x2 = x1 + 0x40;
    let words = [
        0xc85f7c23, // ldxr x3, [x1]
        0x91000463, // add x3, x3, #0x1
        0xc8047c23, // stxr w4, x3, [x1]
        0x885ffc25, // ldaxr w5, [x1]
        0x8806fc45, // stlxr w6, w5, [x2]
        0xc8077c23, // stxr w7, x3, [x1]
        0xc85f7c30, // ldxr x16, [x1]
        0xd5033f5f, // clrex
        0xc8117c30, // stxr w17, x16, [x1]
        0xc87f2428, // ldxp x8, x9, [x1]
        0xc82a2029, // stxp w10, x9, x8, [x1]
        0x887f304b, // ldxp w11, w12, [x2]
        0x882dac4c, // stlxp w13, w12, w11, [x2]
        0x085f7c32, // ldxrb w18, [x1]
        0x11000652, // add w18, w18, #0x1
        0x08137c32, // stxrb w19, w18, [x1]
        0xc85f7c2e, // ldxr x14, [x1]
        0xf900003f, // str xzr, [x1]
        0xc80f7c2e, // stxr w15, x14, [x1]
        0x485ffc54, // ldaxrh w20, [x2]
        0x48157c41, // stxrh w21, w1, [x2]
        0xc8dffc36, // ldar x22, [x1]
        0x889ffc22, // stlr w2, [x1]
        0x08dffc57, // ldarb w23, [x2]
        0x489ffc42, // stlrh w2, [x2]
        0xf8bfc038, // ldapr x24, [x1]
    ];
    let (_, st, _) = run_with(&words, &[(1, x1), (2, x2), (4, 99), (6, 99), (7, 99)]);
    let want: &[(u32, u64)] = &[
        (3, 11),
        (4, 0),
        (5, 11),
        (6, 1),
        (7, 1),
        (16, 11),
        (17, 1),
        (8, 11),
        (9, 20),
        (10, 0),
        (11, 1),
        (12, 2),
        (13, 0),
        (18, 0x15),
        (19, 0),
        (14, 0x15),
        (15, 1),
        (20, 2),
        (21, 0),
        (22, 0),
        (23, x1 & 0xff),
        (24, x2 & 0xffff_ffff),
    ];
    for &(r, v) in want {
        assert_eq!(x(&st, r), v, "x{r}");
    }
    assert_eq!(buf.u64_at(0), x2 & 0xffff_ffff);
    assert_eq!(buf.u64_at(8), 11);
    assert_eq!(buf.u64_at(0x40), 0x0000_0001_0000_0000 | (x2 & 0xffff));
    assert_eq!(st.read_u64(EXCL_ADDR), u64::MAX);
}

#[test]
fn branches() {
    let words = [
        0xd2800000, // mov x0, #0x0
        0xb4000041, // cbz x1, c
        0xd2800020, // mov x0, #0x1
        0xb5000041, // cbnz x1, 14
        0x91000800, // add x0, x0, #0x2
        0xb7f80042, // tbnz x2, #63, 1c
        0x91001000, // add x0, x0, #0x4
        0x36000042, // tbz w2, #0, 24
        0x91002000, // add x0, x0, #0x8
        0xf100043f, // cmp x1, #0x1
        0x5400004b, // b.lt 30
        0x91004000, // add x0, x0, #0x10
        0x54000040, // b.eq 38
        0x91008000, // add x0, x0, #0x20
        0x94000003, // bl 44
        0x91010000, // add x0, x0, #0x40
        0x14000002, // b 48
        0xd65f03c0, // ret
        0x10000063, // adr x3, 54
        0xd63f0060, // blr x3
        0x14000003, // b 5c
        0x91020000, // add x0, x0, #0x80
        0xd65f03c0, // ret
        0x10000064, // adr x4, 68
        0xd61f0080, // br x4
        0x91040000, // add x0, x0, #0x100
        0x34000045, // cbz w5, 70
        0x91080000, // add x0, x0, #0x200
        0xd503201f, // nop
    ];
    let (code, st, e) = run_with(&words, &[(2, 1 << 63), (5, 1 << 32)]);
    assert_eq!(e, Exit::Next);
    assert_eq!(x(&st, 0), 226);
    assert_eq!(x(&st, 3), code.base() + 0x54);
    assert_eq!(x(&st, 4), code.base() + 0x68);
    assert_eq!(x(&st, 30), code.base() + 0x50);
    assert_eq!(st.read_u64(PC), code.end());
    assert_eq!(st.read_u64(NZCV), 0x8000_0000);
    // The terminals carry the right kinds.
    let b = translate_block(&code, code.base() + 4 * 17, &TranslateOpts::default());
    assert!(matches!(b.term, Terminal::Indirect { kind: IndirectKind::Return, .. }));
    let b = translate_block(&code, code.base() + 4 * 18, &TranslateOpts::default());
    assert!(matches!(b.term, Terminal::Indirect { kind: IndirectKind::Call, .. }));
    let b = translate_block(&code, code.base() + 4 * 23, &TranslateOpts::default());
    assert!(matches!(b.term, Terminal::Indirect { kind: IndirectKind::Jump, .. }));
}

#[test]
fn blr_x30() {
    // blr x30 jumps to the old x30 and sets x30 to the return address.
    let words = [0xd63f03c0]; // blr x30
    let code = Code { words: words.to_vec() };
    let mut st = new_state(&code);
    st.write_u64(xreg(30), 0x1234);
    let b = translate_block(&code, code.base(), &TranslateOpts::default());
    let e = unsafe { Interp::new().run(&b, st.as_mut_ptr(), 0, PC) };
    assert_eq!(e, Exit::Next);
    assert_eq!(st.read_u64(PC), 0x1234);
    assert_eq!(x(&st, 30), code.base() + 4);
}

#[test]
fn system_registers_hints_barriers() {
    let mut buf = Buf([0xff; 256]);
    let words = [
        0xd51bd041, // msr tpidr_el0, x1
        0xd53bd040, // mrs x0, tpidr_el0
        0xd53b0022, // mrs x2, ctr_el0
        0xd53b00e3, // mrs x3, dczid_el0
        0xd5380004, // mrs x4, midr_el1
        0xd5380405, // mrs x5, id_aa64pfr0_el1
        0xd5380606, // mrs x6, id_aa64isar0_el1
        0xd53be007, // mrs x7, cntfrq_el0
        0xd53be048, // mrs x8, cntvct_el0
        0xd51b4209, // msr nzcv, x9
        0xd53b440a, // mrs x10, fpcr
        0xd51b440b, // msr fpcr, x11
        0xd53b440c, // mrs x12, fpcr
        0xd51b442b, // msr fpsr, x11
        0xd53b442d, // mrs x13, fpsr
        0xd503201f, // nop
        0xd503203f, // yield
        0xd503233f, // paciasp
        0xd50323bf, // autiasp
        0xd503245f, // bti c
        0xd5033bbf, // dmb ish
        0xd50339bf, // dmb ishld
        0xd5033f9f, // dsb sy
        0xd50b742e, // dc zva, x14
        0xd50b7b2e, // dc cvau, x14
        0xd50b752e, // ic ivau, x14
        0xd5033f5f, // clrex
        0xd538020f, // mrs x15, id_isar0_el1
        0xd5033fdf, // isb
        0xd53b4210, // mrs x16, nzcv
    ];
    let (code, st, e) =
        run_with(&words, &[(1, 0xdeadbeef), (9, 0x6fff_ffff), (11, u64::MAX), (14, buf.addr() + 0x45), (15, 7)]);
    assert_eq!(e, Exit::Next);
    let want: &[(u32, u64)] = &[
        (0, 0xdeadbeef),
        (2, 0x8444c004),
        (3, 4),
        (4, 0x411fd070),
        (5, 0x11),
        // ID_AA64ISAR0_EL1: AES = 2 (with PMULL), SHA1 = 1, SHA2 = 1, CRC32 = 1, Atomic = 2,
        // DP = 1 (see features.rs).
        (6, 0x1000_0021_1120),
        (7, 1_000_000_000),
        (10, 0),
        (12, 0x07c00000),
        (13, 0x0800009f),
        (15, 0),
        (16, 0x6000_0000),
    ];
    for &(r, v) in want {
        assert_eq!(x(&st, r), v, "x{r}");
    }
    assert!(x(&st, 8) > 0);
    assert_eq!(st.read_u64(TPIDR_EL0), 0xdeadbeef);
    assert!(buf.0[0x40..0x80].iter().all(|&b| b == 0));
    assert!(buf.0[..0x40].iter().chain(&buf.0[0x80..]).all(|&b| b == 0xff));
    // IC IVAU ends its block (so the next fetch sees changed code), and so does ISB.
    let b = translate_block(&code, code.base(), &TranslateOpts::default());
    assert_eq!(b.term, Terminal::Jump { target: code.base() + 4 * 26 });
    let b = translate_block(&code, code.base() + 4 * 26, &TranslateOpts::default());
    assert_eq!(b.term, Terminal::Jump { target: code.base() + 4 * 29 });
}

#[test]
fn exceptions_and_undefined() {
    let one = |w: u32| {
        let code = Code { words: vec![w] };
        let b = translate_block(&code, code.base(), &TranslateOpts::default());
        typecheck(&b);
        (code.base(), b.term)
    };
    for w in [
        0xd5381000u32, // mrs x0, sctlr_el1
        0xd51b0020,    // msr ctr_el0, x0
        0x00000000,    // udf #0
        0xd4000002,    // hvc #0
        0xd5380100,    // mrs x0, id_pfr0_el1 (CRm = 1: not emulated by Linux)
        0xd5380020,    // mrs x0, s3_0_c0_c0_1
        0xd508751f,    // ic iallu
    ]
    .iter()
    {
        let (pc, term) = one(*w);
        assert_eq!(term, Terminal::Trap { trap: Trap::Undefined { insn: *w }, pc }, "{w:#010x}");
    }
    let (pc, term) = one(0xd4000001); // svc #0
    assert_eq!(term, Terminal::Syscall { next_pc: pc + 4 });
    let (pc, term) = one(0xd4207d00); // brk #0x3e8
    assert_eq!(term, Terminal::Trap { trap: Trap::Breakpoint { imm: 0x3e8 }, pc });
    // Reserved forms: logical immediate with all-ones element, W-form bitfield with N=1,
    // 32-bit shifted register with amount >= 32, ADD extended with shift 5.
    for w in [0x927fffe0u32 /* and x0,x0,#imm N=1 imms=0x3f */, 0x13400000, 0x0a008000, 0x8b2017e0] {
        let (pc, term) = one(w);
        assert_eq!(term, Terminal::Trap { trap: Trap::Undefined { insn: w }, pc }, "{w:#010x}");
    }
}

#[test]
fn division_by_zero_and_overflow() {
    case(
        &[
            0x9ac20820, // udiv x0, x1, x2
            0x9ac20c23, // sdiv x3, x1, x2
            0x1ac40c65, // sdiv w5, w3, w4
            0x9ac40ca6, // sdiv x6, x5, x4
        ],
        &[(1, 5), (3, 0), (4, u64::MAX)],
        0,
        &[(5, 0), (6, 0)],
    );
    case(
        &[0x1ac20c20, 0x9ac40c65], // sdiv w0, w1, w2; sdiv x5, x3, x4
        &[(1, 0x8000_0000), (2, 0xffff_ffff), (3, 1 << 63), (4, u64::MAX)],
        0,
        &[(0, 0x8000_0000), (5, 1 << 63)],
    );
}

#[test]
fn qemu_fuzz_cases() {
    include!("tests_fuzz.rs");
}
