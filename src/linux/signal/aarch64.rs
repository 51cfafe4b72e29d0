//! The arm64 signal frame, as arch/arm64/kernel/signal.c builds and reads it.
//!
//! ```text
//! struct rt_sigframe { siginfo_t info; struct ucontext uc; }            4688 bytes
//! ucontext: uc_flags 0, uc_link 8, uc_stack 16 (sp, flags, size), uc_sigmask 40,
//!           uc_mcontext 176
//! sigcontext: fault_address 0, regs[31] 8, sp 256, pc 264, pstate 272,
//!             __reserved[4096] 288: records { u32 magic; u32 size; ... }
//!   fpsimd_context (magic 0x46508001, 528 bytes): fpsr, fpcr, vregs[32]
//!   esr_context    (magic 0x45535201, 16 bytes), when the thread's fault code is nonzero
//!   a null record ends the list
//! struct frame_record { fp, lr } just above the frame, 16-aligned, for unwinders.
//! ```
//!
//! The emulated CPU has no SVE or SME, so the kernel lays out only the fpsimd record, the
//! esr record and the terminator (an extra_context record appears only when the records
//! overflow `__reserved`, which needs SVE-sized state); sigreturn follows an extra_context
//! written by the program, as the kernel does. Fields the kernel does not write (padding, the
//! siginfo without SA_SIGINFO) are zero here.

use super::{AltStack, SigInfo, SA_ONSTACK, SA_RESTORER, SA_SIGINFO, SIGINFO_SIZE, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK};
use crate::guest::aarch64::state::{vreg, xreg, EXCL_ADDR, FPCR, FPSR, NZCV, PC, SP};
use crate::guest::CpuState;
use crate::linux::convert::structs::GuestSigaction;
use crate::mem::GuestMem;

const UC: usize = SIGINFO_SIZE;
const UC_STACK: usize = UC + 16;
const UC_SIGMASK: usize = UC + 40;
const MCONTEXT: usize = UC + 176;
const FAULT_ADDRESS: usize = MCONTEXT;
const REGS: usize = MCONTEXT + 8;
const MC_SP: usize = MCONTEXT + 256;
const MC_PC: usize = MCONTEXT + 264;
const PSTATE: usize = MCONTEXT + 272;
const RESERVED: usize = MCONTEXT + 288;
const RESERVED_SIZE: usize = 4096;
/// sizeof(struct rt_sigframe).
pub const FRAME_SIZE: usize = RESERVED + RESERVED_SIZE;
const FRAME_RECORD: u64 = 16;

pub const FPSIMD_MAGIC: u32 = 0x4650_8001;
pub const ESR_MAGIC: u32 = 0x4553_5201;
pub const EXTRA_MAGIC: u32 = 0x4558_5401;
const FPSIMD_SIZE: usize = 528;
const ESR_SIZE: usize = 16;
/// The kernel's limit on a frame with extra_context data (SIGFRAME_MAXSZ).
const SIGFRAME_MAXSZ: u64 = 256 << 10;

/// PSTATE bits a sigreturn may leave set (NZCV); anything in the mode, nRW or DAIF fields
/// makes the frame invalid (the kernel's valid_native_regs).
const PSTATE_NZCV: u64 = 0xf000_0000;
const PSTATE_BAD: u64 = 0x3ff;

/// What a signal delivery needs besides the CPU state.
pub struct Delivery<'a> {
    pub sig: i32,
    pub info: &'a SigInfo,
    pub act: &'a GuestSigaction,
    /// The mask the handler's return restores (uc_sigmask).
    pub saved_mask: u64,
    pub altstack: AltStack,
    pub fault_address: u64,
    pub fault_code: u64,
    /// The return trampoline when the action has no SA_RESTORER (the vDSO's sigtramp).
    pub sigtramp: u64,
}

fn put64(b: &mut [u8], off: usize, v: u64) {
    b[off..off + 8].copy_from_slice(&v.to_le_bytes());
}
fn put32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_le_bytes());
}
fn get64(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}
fn get32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

/// The stack pointer the frame goes below (the kernel's sigsp).
pub fn frame_top(sp: u64, act: &GuestSigaction, alt: &AltStack) -> u64 {
    if act.flags & SA_ONSTACK != 0 && alt.size != 0 && !alt.contains(sp) {
        alt.sp.wrapping_add(alt.size)
    } else {
        sp
    }
}

/// The signal frame cannot be written where it must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unwritable;

/// Build the frame for `d` on the guest stack and point the CPU at the handler. `Err` when
/// the frame cannot be written (the caller forces a SIGSEGV, as the kernel does).
pub fn setup(cpu: &mut CpuState, mem: &GuestMem, d: &Delivery) -> Result<(), Unwritable> {
    let sp = cpu.read_u64(SP);
    let top = frame_top(sp, d.act, &d.altstack);
    let next_frame = (top.wrapping_sub(FRAME_RECORD)) & !15;
    let frame = next_frame.wrapping_sub(FRAME_SIZE as u64);
    if frame > top {
        return Err(Unwritable);
    }
    // The frame and the frame record above it, in one write.
    let mut b = vec![0u8; FRAME_SIZE + FRAME_RECORD as usize];
    if d.act.flags & SA_SIGINFO != 0 {
        b[..SIGINFO_SIZE].copy_from_slice(&d.info.0);
    }
    // uc_flags, uc_link: 0. uc_stack: the thread's alternate stack as the kernel stores it.
    put64(&mut b, UC_STACK, d.altstack.sp);
    put32(&mut b, UC_STACK + 8, d.altstack.flags);
    put64(&mut b, UC_STACK + 16, d.altstack.size);
    put64(&mut b, UC_SIGMASK, d.saved_mask);
    put64(&mut b, FAULT_ADDRESS, d.fault_address);
    for i in 0..31 {
        put64(&mut b, REGS + 8 * i, cpu.read_u64(xreg(i as u32)));
    }
    put64(&mut b, MC_SP, sp);
    put64(&mut b, MC_PC, cpu.read_u64(PC));
    put64(&mut b, PSTATE, cpu.read_u64(NZCV) & PSTATE_NZCV);
    let mut r = RESERVED;
    put32(&mut b, r, FPSIMD_MAGIC);
    put32(&mut b, r + 4, FPSIMD_SIZE as u32);
    put32(&mut b, r + 8, cpu.read_u64(FPSR) as u32);
    put32(&mut b, r + 12, cpu.read_u64(FPCR) as u32);
    for i in 0..32 {
        let v = cpu.read_u128(vreg(i));
        b[r + 16 + 16 * i as usize..r + 32 + 16 * i as usize].copy_from_slice(&v.to_le_bytes());
    }
    r += FPSIMD_SIZE;
    if d.fault_code != 0 {
        put32(&mut b, r, ESR_MAGIC);
        put32(&mut b, r + 4, ESR_SIZE as u32);
        put64(&mut b, r + 8, d.fault_code);
        r += ESR_SIZE;
    }
    // The terminator (magic 0, size 0) is already zero at `r`.
    let _ = r;
    put64(&mut b, FRAME_SIZE, cpu.read_u64(xreg(29)));
    put64(&mut b, FRAME_SIZE + 8, cpu.read_u64(xreg(30)));
    mem.write(frame, &b).map_err(|_| Unwritable)?;

    cpu.write_u64(xreg(0), d.sig as u64);
    cpu.write_u64(SP, frame);
    cpu.write_u64(xreg(29), next_frame);
    cpu.write_u64(PC, d.act.handler);
    let ret = if d.act.flags & SA_RESTORER != 0 { d.act.restorer } else { d.sigtramp };
    cpu.write_u64(xreg(30), ret);
    if d.act.flags & SA_SIGINFO != 0 {
        cpu.write_u64(xreg(1), frame);
        cpu.write_u64(xreg(2), frame + UC as u64);
    }
    // An exception return clears the exclusive monitor.
    cpu.write_u64(EXCL_ADDR, u64::MAX);
    Ok(())
}

/// What rt_sigreturn took from a frame, for the caller to apply to the thread.
pub struct Restored {
    pub mask: u64,
    /// uc_stack: (sp, flags, size).
    pub stack: (u64, u32, u64),
}

/// Why rt_sigreturn failed (the kernel then raises SIGSEGV at the stack pointer).
pub struct BadFrame {
    /// The mask, when the frame was readable far enough (the kernel sets it first).
    pub mask: Option<u64>,
}

/// rt_sigreturn: restore the CPU state from the frame at the stack pointer.
pub fn restore(cpu: &mut CpuState, mem: &GuestMem) -> Result<Restored, BadFrame> {
    let sp = cpu.read_u64(SP);
    if sp & 15 != 0 {
        return Err(BadFrame { mask: None });
    }
    let mut b = vec![0u8; FRAME_SIZE];
    mem.read(sp, &mut b).map_err(|_| BadFrame { mask: None })?;
    let mask = get64(&b, UC_SIGMASK);
    let bad = BadFrame { mask: Some(mask) };
    for i in 0..31 {
        cpu.write_u64(xreg(i as u32), get64(&b, REGS + 8 * i));
    }
    cpu.write_u64(SP, get64(&b, MC_SP));
    cpu.write_u64(PC, get64(&b, MC_PC));
    let pstate = get64(&b, PSTATE);
    cpu.write_u64(NZCV, pstate & PSTATE_NZCV);
    cpu.write_u64(EXCL_ADDR, u64::MAX);
    if pstate & PSTATE_BAD != 0 {
        return Err(bad);
    }
    let fp = parse_records(mem, sp, &b).ok_or(BadFrame { mask: Some(mask) })?;
    cpu.write_u64(FPSR, get32(&fp, 8) as u64);
    cpu.write_u64(FPCR, get32(&fp, 12) as u64);
    for i in 0..32 {
        let o = 16 + 16 * i as usize;
        cpu.write_u128(vreg(i), u128::from_le_bytes(fp[o..o + 16].try_into().unwrap()));
    }
    Ok(Restored { mask, stack: (get64(&b, UC_STACK), get32(&b, UC_STACK + 8), get64(&b, UC_STACK + 16)) })
}

/// Walk the records of `__reserved` (and an extra_context's data) as the kernel's
/// parse_user_sigframe does; returns the fpsimd record's bytes.
fn parse_records(mem: &GuestMem, sf: u64, frame: &[u8]) -> Option<Vec<u8>> {
    let mut base: Vec<u8> = frame[RESERVED..].to_vec();
    let mut base_addr = sf + RESERVED as u64;
    let (mut offset, mut limit) = (0usize, RESERVED_SIZE);
    let mut fpsimd: Option<Vec<u8>> = None;
    let mut have_extra = false;
    loop {
        if limit - offset < 8 || offset % 16 != 0 {
            return None;
        }
        let magic = get32(&base, offset);
        let size = get32(&base, offset + 4) as usize;
        if limit - offset < size {
            return None;
        }
        match magic {
            0 => {
                if size != 0 {
                    return None;
                }
                break;
            }
            FPSIMD_MAGIC => {
                if fpsimd.is_some() || size != FPSIMD_SIZE {
                    return None;
                }
                fpsimd = Some(base[offset..offset + size].to_vec());
            }
            ESR_MAGIC => {}
            EXTRA_MAGIC => {
                if have_extra || size < 32 || limit - offset - size < 16 {
                    return None;
                }
                let datap = get64(&base, offset + 8);
                let extra_size = get32(&base, offset + 16) as u64;
                let end = offset + size;
                if get32(&base, end) != 0 || get32(&base, end + 4) != 0 {
                    return None;
                }
                have_extra = true;
                let userp = base_addr + (end + 16) as u64;
                if !datap.is_multiple_of(16) || !extra_size.is_multiple_of(16) || datap != userp || extra_size > (sf + SIGFRAME_MAXSZ).saturating_sub(userp) {
                    return None;
                }
                let mut data = vec![0u8; extra_size as usize];
                mem.read(datap, &mut data).ok()?;
                base = data;
                base_addr = datap;
                offset = 0;
                limit = extra_size as usize;
                continue;
            }
            _ => return None,
        }
        if size < 8 {
            return None;
        }
        offset += size;
    }
    fpsimd
}

/// The sigtramp code (the kernel's vDSO __kernel_rt_sigreturn, preceded by a nop for
/// unwinders): `nop; mov x8, #139; svc #0`. Delivery returns to its second word.
pub const SIGTRAMP: [u32; 3] = [0xd503_201f, 0xd280_1168, 0xd400_0001];
pub const SIGTRAMP_ENTRY: u64 = 4;

/// Whether `flags` from sigaltstack are valid, and the stored flags (the kernel keeps the
/// mode bits as given).
pub fn altstack_mode_ok(flags: u32) -> bool {
    let mode = flags & !SS_AUTODISARM;
    mode == 0 || mode == SS_DISABLE || mode == SS_ONSTACK
}
