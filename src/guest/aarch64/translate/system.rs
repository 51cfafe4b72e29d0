//! Exception generation, hints, barriers, system instructions and system register moves, as
//! visible to an EL0 Linux process.

use super::Ctx;
use crate::a64_row;
use crate::guest::aarch64::decode::{bits, rd, Row, Undef};
use crate::guest::aarch64::features::{self, sr};
use crate::guest::aarch64::state;
use crate::guest::aarch64::vdso;
use crate::ir::fpenv;
use crate::ir::*;

pub static ROWS: &[Row] = &[
    a64_row!("11010100 000iiiiiiiiiiiiiiii00001", "svc", svc),
    a64_row!("11010100 001iiiiiiiiiiiiiiii00000", "brk", brk),
    a64_row!("00000000 00000000iiiiiiiiiiiiiiii", "udf", udf),
    a64_row!("11010101 00000011 0010mmmmooo11111", "hint", nop),
    a64_row!("11010101 00000011 0011mmmm01011111", "clrex", clrex),
    a64_row!("11010101 00000011 0011mmmm10011111", "dsb", barrier),
    a64_row!("11010101 00000011 0011mmmm10111111", "dmb", barrier),
    a64_row!("11010101 00000011 0011mmmm11011111", "isb", isb),
    a64_row!("11010101 00001ooo nnnnmmmmpppttttt", "sys", sys),
    a64_row!("11010101 0001oooo nnnnmmmmpppttttt", "msr", msr),
    a64_row!("11010101 0011oooo nnnnmmmmpppttttt", "mrs", mrs),
];

const NZCV: u32 = sr(3, 3, 4, 2, 0);
const FPCR: u32 = sr(3, 3, 4, 4, 0);
const FPSR: u32 = sr(3, 3, 4, 4, 1);
const TPIDR_EL0: u32 = sr(3, 3, 13, 0, 2);
const TPIDRRO_EL0: u32 = sr(3, 3, 13, 0, 3);
const CTR_EL0: u32 = sr(3, 3, 0, 0, 1);
const DCZID_EL0: u32 = sr(3, 3, 0, 0, 7);
const CNTFRQ_EL0: u32 = sr(3, 3, 14, 0, 0);
const CNTVCT_EL0: u32 = sr(3, 3, 14, 0, 2);
const MIDR_EL1: u32 = sr(3, 0, 0, 0, 0);
const MPIDR_EL1: u32 = sr(3, 0, 0, 0, 5);
const REVIDR_EL1: u32 = sr(3, 0, 0, 0, 6);

/// FPCR bits ruser keeps: AHP, DN, FZ, RMode.
const FPCR_MASK: u64 = fpenv::CONTROL_MASK as u64;
/// FPSR bits: QC and the cumulative exception flags.
const FPSR_MASK: u64 = 0x0800_009f;

/// Cache type: 64-byte lines (IminLine = DminLine = 4), as a Cortex-A57 reports.
const CTR_VALUE: u64 = 0x8444_c004;
/// DC ZVA block size 2^4 words = 64 bytes, permitted.
const DCZID_VALUE: u64 = 4;
/// CNTVCT_EL0 counts host monotonic nanoseconds.
const CNTFRQ_VALUE: u64 = 1_000_000_000;

fn nop(_ctx: &mut Ctx, _insn: u32) -> Result<(), Undef> {
    Ok(())
}

/// UDF: undefined, except the clock reads of ruser's own vDSO, inside it (`vdso.rs`).
fn udf(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let helper = match bits(insn, 0, 16) {
        vdso::CLOCK_READ => &vdso::CLOCK_READ_HELPER,
        vdso::CLOCK_RES => &vdso::CLOCK_RES_HELPER,
        _ => return Err(Undef::Unallocated),
    };
    if !vdso::contains(ctx.pc) {
        return Err(Undef::Unallocated);
    }
    // x2 = seconds, x3 = nanoseconds (or -1) of the clock in x0.
    let clk = ctx.x(0, true);
    let r = ctx.b.helper(helper, Ty::I128, &[clk]);
    let (sec, nsec) = (ctx.b.half(r, false), ctx.b.half(r, true));
    ctx.set_x(2, sec);
    ctx.set_x(3, nsec);
    Ok(())
}

fn svc(ctx: &mut Ctx, _insn: u32) -> Result<(), Undef> {
    let next_pc = ctx.next_pc();
    ctx.end_block(Terminal::Syscall { next_pc });
    Ok(())
}

fn brk(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let pc = ctx.pc;
    ctx.end_block(Terminal::Trap { trap: Trap::Breakpoint { imm: bits(insn, 5, 16) }, pc });
    Ok(())
}

fn clrex(ctx: &mut Ctx, _insn: u32) -> Result<(), Undef> {
    let k = ctx.konst(Ty::I64, u64::MAX);
    ctx.b.set(Ty::I64, state::EXCL_ADDR, k);
    Ok(())
}

fn barrier(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    // Load-only (CRm<1:0> = 01) and store-only (10) barriers need nothing on x86 (TSO).
    let kind = if matches!(bits(insn, 8, 2), 1 | 2) { FenceKind::Light } else { FenceKind::Full };
    ctx.b.fence(kind);
    Ok(())
}

fn isb(ctx: &mut Ctx, _insn: u32) -> Result<(), Undef> {
    ctx.b.fence(FenceKind::Light);
    let target = ctx.next_pc();
    ctx.end_block(Terminal::Jump { target });
    Ok(())
}

fn sys(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let op1 = bits(insn, 16, 3);
    let crn = bits(insn, 12, 4);
    let crm = bits(insn, 8, 4);
    let op2 = bits(insn, 5, 3);
    if op1 != 3 || crn != 7 || op2 != 1 {
        return Err(Undef::Unallocated);
    }
    match crm {
        4 => {
            // DC ZVA: zero the 64-byte block holding Xt.
            let x = ctx.x(rd(insn), true);
            let m = ctx.konst(Ty::I64, !63);
            let base = ctx.b.and(x, m);
            let zero = ctx.konst(Ty::I64, 0);
            for i in 0..8 {
                let a = ctx.b.add_imm(base, i * 8);
                ctx.b.store(Ty::I64, a, zero, false);
            }
            Ok(())
        }
        5 => {
            // IC IVAU: the guest wrote code in this cache line; drop its translations. The
            // block ends here so that the next instruction is fetched afresh.
            let x = ctx.x(rd(insn), true);
            ctx.b.helper(&IC_IVAU_HELPER, Ty::I64, &[x]);
            let target = ctx.next_pc();
            ctx.end_block(Terminal::Jump { target });
            Ok(())
        }
        // DC CVAC, DC CVAU, DC CVAP, DC CVADP, DC CIVAC: caches are coherent on the host.
        10..=14 => Ok(()),
        _ => Err(Undef::Unallocated),
    }
}

fn cntvct(_ctx: &mut HelperCtx, _args: [u128; 3]) -> u128 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64).wrapping_mul(1_000_000_000).wrapping_add(ts.tv_nsec as u64) as u128
}

fn ic_ivau(_ctx: &mut HelperCtx, args: [u128; 3]) -> u128 {
    // The line size CTR_EL0 reports (IminLine = 4: 16 words).
    let line = args[0] as u64 & !63;
    crate::mem::code_changed(line, line.wrapping_add(64));
    0
}

static IC_IVAU_HELPER: HelperFn = HelperFn { name: "ic_ivau", func: ic_ivau, volatile: false, pure: false };

// FPCR and FPSR: the FP environment (`ir::fpenv`) holds the live rounding mode and the flags
// raised since they were last folded into FPSR, so reading FPSR folds them first, and writing
// either register updates the environment.

/// Fold the pending FP flags into the guest's FPSR; returns the new FPSR.
fn fold_fpsr(ctx: &mut HelperCtx) -> u64 {
    let f = fpenv::take_flags() as u64;
    // SAFETY: the state pointer is an A64 state.
    unsafe {
        let p = ctx.state.add(state::FPSR) as *mut u64;
        let v = p.read_unaligned() | f;
        p.write_unaligned(v);
        v
    }
}

fn fpsr_read(ctx: &mut HelperCtx, _args: [u128; 3]) -> u128 {
    fold_fpsr(ctx) as u128
}

fn fpsr_write(ctx: &mut HelperCtx, args: [u128; 3]) -> u128 {
    fpenv::take_flags();
    // SAFETY: as above.
    unsafe { (ctx.state.add(state::FPSR) as *mut u64).write_unaligned(args[0] as u64 & FPSR_MASK) };
    0
}

fn fpcr_write(ctx: &mut HelperCtx, args: [u128; 3]) -> u128 {
    // Flags raised so far count under the old control word.
    fold_fpsr(ctx);
    let v = args[0] as u64 & FPCR_MASK;
    fpenv::set_control(v as u32);
    // SAFETY: as above; the strict-FP flag sits in the engine trailer after the state.
    unsafe {
        (ctx.state.add(state::FPCR) as *mut u64).write_unaligned(v);
        crate::guest::write_fp_trailer(ctx.state, state::STATE_SIZE, v as u32);
    }
    0
}

static FPSR_READ_HELPER: HelperFn = HelperFn { name: "fpsr_read", func: fpsr_read, volatile: false, pure: false };
static FPSR_WRITE_HELPER: HelperFn = HelperFn { name: "fpsr_write", func: fpsr_write, volatile: false, pure: false };
static FPCR_WRITE_HELPER: HelperFn = HelperFn { name: "fpcr_write", func: fpcr_write, volatile: false, pure: false };

static CNTVCT_HELPER: HelperFn = HelperFn { name: "cntvct", func: cntvct, volatile: true, pure: false };

/// MIDR_EL1 of a `-cpu` model: Arm Cortex-A53 r0p4 for "cortex-a53", else Cortex-A57 r1p0.
pub(crate) fn midr(cpu: &str) -> u64 {
    match cpu {
        "cortex-a53" => 0x410f_d034,
        _ => 0x411f_d070,
    }
}

/// The constant value of a read-only system register, if it is one.
fn const_sysreg(key: u32) -> Option<u64> {
    Some(match key {
        CTR_EL0 => CTR_VALUE,
        DCZID_EL0 => DCZID_VALUE,
        CNTFRQ_EL0 => CNTFRQ_VALUE,
        TPIDRRO_EL0 => 0,
        MIDR_EL1 => midr(features::model()),
        MPIDR_EL1 => 0x8000_0000,
        REVIDR_EL1 => 0,
        _ => {
            // Linux emulates the whole ID space with CRm = 2..7.
            let (op0, op1, crn, crm) = (key >> 14, (key >> 11) & 7, (key >> 7) & 15, (key >> 3) & 15);
            if op0 == 3 && op1 == 0 && crn == 0 && (2..=7).contains(&crm) {
                features::id_reg(key, features::model())
            } else {
                return None;
            }
        }
    })
}

fn mrs(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let key = bits(insn, 5, 16);
    let v = match key {
        NZCV => {
            let f = ctx.nzcv();
            let m = ctx.konst(Ty::I32, 0xf000_0000);
            ctx.b.and(f, m)
        }
        FPCR => ctx.b.get(Ty::I64, state::FPCR),
        FPSR => ctx.b.helper(&FPSR_READ_HELPER, Ty::I64, &[]),
        TPIDR_EL0 => ctx.b.get(Ty::I64, state::TPIDR_EL0),
        CNTVCT_EL0 => ctx.b.helper(&CNTVCT_HELPER, Ty::I64, &[]),
        _ => {
            let c = const_sysreg(key).ok_or(Undef::Unallocated)?;
            ctx.konst(Ty::I64, c)
        }
    };
    ctx.set_x(rd(insn), v);
    Ok(())
}

fn msr(ctx: &mut Ctx, insn: u32) -> Result<(), Undef> {
    let key = bits(insn, 5, 16);
    let x = ctx.x(rd(insn), true);
    match key {
        NZCV => {
            let w = ctx.b.zext(x, Ty::I32);
            let m = ctx.konst(Ty::I32, 0xf000_0000);
            let f = ctx.b.and(w, m);
            ctx.set_nzcv(f);
        }
        FPCR => {
            ctx.b.helper(&FPCR_WRITE_HELPER, Ty::I64, &[x]);
        }
        FPSR => {
            ctx.b.helper(&FPSR_WRITE_HELPER, Ty::I64, &[x]);
        }
        TPIDR_EL0 => ctx.b.set(Ty::I64, state::TPIDR_EL0, x),
        _ => return Err(Undef::Unallocated),
    }
    Ok(())
}
