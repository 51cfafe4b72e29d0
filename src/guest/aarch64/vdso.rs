//! The aarch64 vDSO: a small ELF shared object (`vdso/vdso.S`, built by `vdso/build.sh` into
//! the committed `vdso/vdso.so`) that the loader maps into every guest process and announces
//! with AT_SYSINFO_EHDR, as arm64 Linux does. It exports `__kernel_clock_gettime`,
//! `__kernel_gettimeofday`, `__kernel_clock_getres` and `__kernel_rt_sigreturn` (version
//! LINUX_2.6.39), which glibc, musl and Go look up.
//!
//! The time functions read the host clock without a system call: inside the mapped image
//! (and only there), `udf #CLOCK_READ` and `udf #CLOCK_RES` translate into a helper call of the
//! host's clock_gettime / clock_getres for the clock id in x0, giving seconds in x2 and
//! nanoseconds in x3, or x3 = -1 for a clock the vDSO leaves to the system call (CPU-time
//! clocks, unknown ids). Anywhere else those words are the undefined instructions they are.

use crate::ir::{HelperCtx, HelperFn};
use std::sync::atomic::{AtomicU64, Ordering};

/// The image.
pub static IMAGE: &[u8] = include_bytes!("vdso/vdso.so");

/// `udf` immediates of the clock reads (see vdso.S).
pub const CLOCK_READ: u32 = 0x7d10;
pub const CLOCK_RES: u32 = 0x7d11;

/// Guest address the image is mapped at (u64::MAX: not mapped).
static BASE: AtomicU64 = AtomicU64::new(u64::MAX);

/// Record where the loader mapped the image.
pub fn set_base(base: u64) {
    BASE.store(base, Ordering::Relaxed);
}

/// Whether guest address `pc` lies in the mapped image.
pub fn contains(pc: u64) -> bool {
    pc.wrapping_sub(BASE.load(Ordering::Relaxed)) < IMAGE.len() as u64
}

/// The offset of dynamic symbol `name` in the image.
pub fn symbol(name: &str) -> Option<u64> {
    let elf = goblin::elf::Elf::parse(IMAGE).ok()?;
    elf.dynsyms.iter().find(|s| elf.dynstrtab.get_at(s.st_name) == Some(name)).map(|s| s.st_value)
}

/// Clocks the vDSO reads itself (as the kernel's does): REALTIME, MONOTONIC, MONOTONIC_RAW,
/// REALTIME_COARSE, MONOTONIC_COARSE, BOOTTIME, TAI. Clock ids are the same on every Linux.
fn fast_clock(clk: i32) -> bool {
    matches!(clk, 0 | 1 | 4 | 5 | 6 | 7 | 11)
}

/// (seconds, nanoseconds) in one u128, or nanoseconds all ones: use the system call.
fn timespec_result(r: i32, ts: libc::timespec) -> u128 {
    if r != 0 {
        return (u64::MAX as u128) << 64;
    }
    (ts.tv_sec as u64 as u128) | (ts.tv_nsec as u64 as u128) << 64
}

fn clock_read(_ctx: &mut HelperCtx, args: [u128; 3]) -> u128 {
    let clk = args[0] as u32 as i32;
    if !fast_clock(clk) {
        return (u64::MAX as u128) << 64;
    }
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid timespec to fill.
    let r = unsafe { libc::clock_gettime(clk, &mut ts) };
    timespec_result(r, ts)
}

fn clock_res(_ctx: &mut HelperCtx, args: [u128; 3]) -> u128 {
    let clk = args[0] as u32 as i32;
    if !fast_clock(clk) {
        return (u64::MAX as u128) << 64;
    }
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid timespec to fill.
    let r = unsafe { libc::clock_getres(clk, &mut ts) };
    timespec_result(r, ts)
}

pub static CLOCK_READ_HELPER: HelperFn = HelperFn { name: "vdso_clock_read", func: clock_read, volatile: true, pure: false };
pub static CLOCK_RES_HELPER: HelperFn = HelperFn { name: "vdso_clock_res", func: clock_res, volatile: false, pure: false };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_exports_the_kernel_symbols() {
        for s in ["__kernel_clock_gettime", "__kernel_gettimeofday", "__kernel_clock_getres", "__kernel_rt_sigreturn"] {
            let off = symbol(s).unwrap_or_else(|| panic!("{s} missing"));
            assert!(off > 0 && off < IMAGE.len() as u64);
        }
        // The trampoline is `mov x8, #139; svc #0`, which unwinders recognise.
        let t = symbol("__kernel_rt_sigreturn").unwrap() as usize;
        assert_eq!(IMAGE[t..t + 8], [0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4]);
    }

    #[test]
    fn clock_reads() {
        let mut ctx = HelperCtx { state: std::ptr::null_mut(), guest_base: 0 };
        let r = clock_read(&mut ctx, [1, 0, 0]);
        assert!((r >> 64) < 1_000_000_000);
        // CPU-time clocks and unknown ids go to the system call.
        for clk in [2u128, 3, 12, 0xffff_fffe] {
            assert_eq!(clock_read(&mut ctx, [clk, 0, 0]) >> 64, u64::MAX as u128);
        }
        assert_eq!(clock_res(&mut ctx, [0, 0, 0]) >> 64, 1);
    }
}
