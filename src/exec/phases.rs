//! Where the dispatcher's time goes, phase by phase: cycle counters (the TSC) around
//! translation, the IR passes, the interpreter, code emission and translated code, summed
//! over the process and printed to stderr at exit when RUSER_PHASE_TIMES is set.
//!
//! Counted only in a build with `--features phase-times` (then about 25 cycles per counted
//! event); without it `Timer` and `report` fold away. Far steadier than wall-clock runs for
//! start-up work, whose single changes are a few per cent: compare two builds over 20-odd
//! interleaved runs each, e.g. of the sysroot's `/usr/bin/true`:
//!
//! ```sh
//! cargo build --release --features phase-times
//! RUSER_PHASE_TIMES=1 target/x86_64-unknown-linux-musl/release/ruser-aarch64 -L build/debian-arm64 /usr/bin/true
//! ```

/// The phases counted. Nested phases count in both (a compile includes its passes).
#[derive(Clone, Copy)]
pub enum Phase {
    /// Everything in `Engine::run`: the dispatcher, and every phase below.
    Dispatcher,
    /// Decoding guest code into IR, with its write protection.
    Translate,
    /// The IR passes of blocks being compiled.
    Passes,
    /// The JIT's analysis and code emission of a block (`Jit::insert`: `Cg::new`, `compile`,
    /// copying the code into its region and recording it).
    Emit,
    /// Blocks run on the interpreter.
    Interp,
    /// Translated code, entered from the dispatcher until it returns there.
    Translated,
}

use std::sync::atomic::{AtomicU64, Ordering};

/// Whether this build counts (`--features phase-times`). The counting code is compiled either
/// way, so that it cannot rot; without the feature every use folds away.
const ON: bool = cfg!(feature = "phase-times");

const N: usize = 6;
const NAMES: [&str; N] = ["dispatcher", "translate", "passes", "emit", "interp", "translated"];
static CYCLES: [AtomicU64; N] = [const { AtomicU64::new(0) }; N];
static EVENTS: [AtomicU64; N] = [const { AtomicU64::new(0) }; N];

#[inline(always)]
fn tsc() -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: RDTSC has no preconditions on x86-64.
    return unsafe { core::arch::x86_64::_rdtsc() };
    #[cfg(not(target_arch = "x86_64"))]
    return 0;
}

/// Counts the time from its start to its drop in its phase.
pub struct Timer(Phase, u64);

impl Timer {
    #[inline(always)]
    pub fn start(p: Phase) -> Timer {
        Timer(p, if ON { tsc() } else { 0 })
    }
}

impl Drop for Timer {
    #[inline(always)]
    fn drop(&mut self) {
        if ON {
            let i = self.0 as usize;
            CYCLES[i].fetch_add(tsc().wrapping_sub(self.1), Ordering::Relaxed);
            EVENTS[i].fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Print the counts (when counting, and RUSER_PHASE_TIMES is set).
pub fn report() {
    if !ON || std::env::var_os("RUSER_PHASE_TIMES").is_none() {
        return;
    }
    let mut line = String::from("ruser: phase kcycles (events):");
    for i in 0..N {
        let (c, e) = (CYCLES[i].load(Ordering::Relaxed), EVENTS[i].load(Ordering::Relaxed));
        line.push_str(&format!(" {} {} ({e})", NAMES[i], c / 1000));
    }
    eprintln!("{line}");
}
