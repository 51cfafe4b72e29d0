//! The floating-point environment the FP ops run in: a control word (rounding mode,
//! flush-to-zero, default NaN, alternative half precision) and cumulative exception flags.
//!
//! Both use the AArch64 bit positions (FPCR and FPSR), which a guest with another layout
//! maps to and from. The environment is per host thread, like the host's own FP unit:
//! - the control word and the flags raised by the interpreter's FP code (and the JIT's slow
//!   paths) live in a thread-local;
//! - while guest code runs, the host MXCSR mirrors the rounding mode (all exceptions masked,
//!   no FTZ/DAZ), so the JIT's native SSE code rounds as the guest asks, and its sticky flags
//!   collect the flags of that native code.
//!
//! The engine loads the environment from the guest state when it starts running guest code
//! (`enter`), and folds the flags back (`take_flags`, `leave`) whenever guest state must be
//! exact: when it stops, and when the guest reads or writes its FP status or control register
//! (those are helpers). Native code may only leave flags in MXCSR that Arm would also raise
//! (with the x86 DE flag ignored); whatever needs more goes to a slow path that calls the
//! interpreter's exact code. In strict mode (flush-to-zero) every FP op takes that path and
//! MXCSR's flags are ignored. Host Rust code that runs between guest blocks must not do FP
//! arithmetic (its flags would count as the guest's).

use std::cell::Cell;

/// Control word: rounding mode (0 nearest, 1 towards +inf, 2 towards -inf, 3 towards zero).
pub const RMODE_SHIFT: u32 = 22;
/// Control word: flush denormal inputs and results to zero.
pub const FZ: u32 = 1 << 24;
/// Control word: NaN results are the default NaN.
pub const DN: u32 = 1 << 25;
/// Control word: alternative half precision (no infinities or NaNs) in conversions.
pub const AHP: u32 = 1 << 26;
/// The control bits the environment honours.
pub const CONTROL_MASK: u32 = 0x07c0_0000;

/// Flags: invalid operation, division by zero, overflow, underflow, inexact, input denormal.
pub const IOC: u32 = 1;
pub const DZC: u32 = 2;
pub const OFC: u32 = 4;
pub const UFC: u32 = 8;
pub const IXC: u32 = 16;
pub const IDC: u32 = 128;
pub const FLAG_MASK: u32 = 0x9f;

thread_local! {
    /// (control word, flags raised outside MXCSR).
    static ENV: Cell<(u32, u32)> = const { Cell::new((0, 0)) };
}

/// The current control word.
#[inline]
pub fn control() -> u32 {
    ENV.with(|e| e.get().0)
}

/// Raise `flags` (cumulative).
#[inline]
pub fn raise(flags: u32) {
    if flags != 0 {
        ENV.with(|e| {
            let (c, f) = e.get();
            e.set((c, f | flags));
        });
    }
}

/// The control word's rounding mode (0..3, Arm's encoding).
#[inline]
pub fn rmode(control: u32) -> u32 {
    (control >> RMODE_SHIFT) & 3
}

/// Whether FP ops must take the exact path under `control` (the native fast paths assume no
/// flush-to-zero).
pub fn strict(control: u32) -> bool {
    control & FZ != 0
}

/// The JIT compares the magnitude of each native FP result with a value (quietly; equal or
/// unordered sends the op to the exact path): a NaN result needs Arm's NaN rules, and a
/// result of exactly the smallest normal magnitude may have been tiny before rounding (Arm's
/// underflow) though x86, which detects tininess after rounding, did not say so. Other
/// results, zeros and denormals included, come out of x86 exactly as Arm has them when
/// flush-to-zero is off. The value sits in the engine trailer so that strict mode, where it
/// is a NaN (every compare is unordered), costs the fast path nothing extra. Bits of (f64,
/// f32) under `control`.
pub fn check_values(control: u32) -> [u64; 2] {
    if strict(control) {
        [0x7ff8_0000_0000_0000, 0x7fc0_0000]
    } else {
        [0x0010_0000_0000_0000, 0x0080_0000]
    }
}

#[inline]
pub fn get_mxcsr() -> u32 {
    let mut m: u32 = 0;
    // SAFETY: stmxcsr stores four bytes to the given address.
    unsafe { std::arch::asm!("stmxcsr [{}]", in(reg) &mut m, options(nostack, preserves_flags)) };
    m
}

#[inline]
pub fn set_mxcsr(m: u32) {
    // SAFETY: ldmxcsr reads four bytes; the value has no reserved bits set.
    unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &m, options(nostack, preserves_flags)) };
}

/// MXCSR rounding-control bits for an Arm rounding mode (x86 swaps up and down).
pub fn mxcsr_rc(rmode: u32) -> u32 {
    const RC: [u32; 4] = [0, 2, 1, 3];
    RC[(rmode & 3) as usize] << 13
}

/// MXCSR while guest code runs under `control`: all exceptions masked, flags clear.
pub fn guest_mxcsr(control: u32) -> u32 {
    0x1f80 | mxcsr_rc(rmode(control))
}

/// Arm flags for the x86 flags in `mxcsr` (IE, ZE, OE, UE, PE; DE is not Arm's IDC).
pub fn arm_flags(mxcsr: u32) -> u32 {
    let mut f = 0;
    if mxcsr & 0x01 != 0 {
        f |= IOC;
    }
    if mxcsr & 0x04 != 0 {
        f |= DZC;
    }
    if mxcsr & 0x08 != 0 {
        f |= OFC;
    }
    if mxcsr & 0x10 != 0 {
        f |= UFC;
    }
    if mxcsr & 0x20 != 0 {
        f |= IXC;
    }
    f
}

/// The host's MXCSR, saved while guest code runs.
#[derive(Clone, Copy, Debug)]
pub struct HostFp(u32);

/// Start running guest code under `control` with no pending flags.
pub fn enter(control: u32) -> HostFp {
    let host = HostFp(get_mxcsr());
    set_mxcsr(guest_mxcsr(control));
    ENV.with(|e| e.set((control & CONTROL_MASK, 0)));
    host
}

/// Change the control word (the guest wrote it). Pending flags stay pending: take them first
/// if the old control word matters for them.
pub fn set_control(control: u32) {
    let control = control & CONTROL_MASK;
    ENV.with(|e| {
        let (_, f) = e.get();
        e.set((control, f));
    });
    let m = get_mxcsr();
    set_mxcsr((m & 0x3f) | guest_mxcsr(control));
}

/// The flags raised since the last call (in the thread-local and in MXCSR); clears both.
/// In strict mode every FP op's flags come from the exact path (the thread-local), and the
/// native fast paths, whose results are discarded, may have left wrong ones in MXCSR.
pub fn take_flags() -> u32 {
    let m = get_mxcsr();
    if m & 0x3f != 0 {
        set_mxcsr(m & !0x3f);
    }
    ENV.with(|e| {
        let (c, f) = e.get();
        e.set((c, 0));
        if strict(c) {
            f
        } else {
            f | arm_flags(m)
        }
    })
}

/// Stop running guest code: the pending flags, with the host's MXCSR restored.
pub fn leave(host: HostFp) -> u32 {
    let f = take_flags();
    set_mxcsr(host.0);
    f
}

/// Runs a computation with MXCSR set to Arm rounding mode `rmode` (exceptions masked, flags
/// clear, no FTZ/DAZ) and restores the previous MXCSR afterwards, flags included. The
/// interpreter's FP code runs inside one so that it neither sees the guest's sticky flags nor
/// adds to them.
pub struct Scoped {
    saved: u32,
}

impl Scoped {
    pub fn new(rmode: u32) -> Scoped {
        let saved = get_mxcsr();
        set_mxcsr(0x1f80 | mxcsr_rc(rmode));
        Scoped { saved }
    }

    /// Change the rounding mode and clear the flags.
    pub fn reset(&self, rmode: u32) {
        set_mxcsr(0x1f80 | mxcsr_rc(rmode));
    }

    /// The x86 flags raised since the scope started (or the last `reset`).
    pub fn x86_flags(&self) -> u32 {
        get_mxcsr() & 0x3f
    }
}

impl Drop for Scoped {
    fn drop(&mut self) {
        set_mxcsr(self.saved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_fold_from_mxcsr_and_thread_local() {
        let host = enter(2 << RMODE_SHIFT);
        assert_eq!(get_mxcsr() & 0x6000, 0x2000); // towards -inf
        let x = std::hint::black_box(1.0f64) / std::hint::black_box(3.0f64);
        std::hint::black_box(x);
        raise(IDC);
        assert_eq!(take_flags(), IXC | IDC);
        assert_eq!(take_flags(), 0);
        {
            let s = Scoped::new(0);
            let y = std::hint::black_box(1.0f64) / std::hint::black_box(0.0f64);
            std::hint::black_box(y);
            assert_eq!(s.x86_flags(), 0x04);
        }
        assert_eq!(leave(host), 0);
    }
}
