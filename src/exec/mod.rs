//! Ties a guest frontend to a backend: the dispatcher loop and the block cache.

mod cache;
pub mod crosscheck;
mod debug;
pub mod fault;
pub mod gate;
pub mod phases;

pub use cache::BlockCache;
pub use debug::DebugStop;

use crate::guest::{exit_flag_offset, write_fp_trailer, CodeFetch, CpuState, GuestArch, TranslateOpts};
use crate::interp::{Exit, Interp};
use crate::ir::{fpenv, Block, Trap};
use crate::jit::{Exit as JitExit, Full, Jit};
use crate::log::Item;
use crate::logf;
use crate::mem::GuestMem;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which backend runs translated blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The reference interpreter of the IR.
    Interp,
    /// The x86-64 block translator (the default).
    Jit,
    /// Run every block on both and report the first divergence.
    Crosscheck,
}

impl Backend {
    pub const NAMES: &'static [(&'static str, Backend)] =
        &[("jit", Backend::Jit), ("interp", Backend::Interp), ("crosscheck", Backend::Crosscheck)];
}

/// Why the dispatcher stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The guest made a system call (pc already points after it).
    Syscall,
    /// The guest raised an exception at the pc in the state.
    Trap(Trap),
    /// A guest memory access faulted; the pc in the state is the faulting instruction and the
    /// whole state is exact there.
    Fault(MemFault),
    /// The thread's exit-request flag was set (a signal arrived, or another thread asked):
    /// the state is exact at a block boundary.
    Interrupted,
}

/// A guest memory fault, in host terms (signal and si_code) at a guest address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemFault {
    /// SIGSEGV or SIGBUS.
    pub sig: i32,
    /// The host si_code (SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, ...; SI_KERNEL for an address
    /// the host cannot map at all).
    pub code: i32,
    /// Guest address of the access.
    pub addr: u64,
    pub write: bool,
}

impl MemFault {
    /// The fault this thread's host handler recorded last (see `access::take_fault`).
    fn take(mem: &GuestMem) -> Option<(MemFault, usize)> {
        let f = crate::access::take_fault()?;
        let addr = mem.h2g(f.addr);
        Some((MemFault { sig: f.sig, code: f.code, addr, write: f.write }, f.rip))
    }
}

/// Reads guest code for the translator, honouring execute permission. The page last fetched
/// from is remembered, so a block costs one permission check per page, not one per word.
struct MemFetch<'a> {
    mem: &'a GuestMem,
    page: std::cell::Cell<Option<(u64, &'a [u8])>>,
}

impl<'a> MemFetch<'a> {
    fn new(mem: &'a GuestMem) -> MemFetch<'a> {
        MemFetch { mem, page: std::cell::Cell::new(None) }
    }
}

impl CodeFetch for MemFetch<'_> {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        let start = addr & !(crate::mem::PAGE_SIZE - 1);
        let bytes = match self.page.get() {
            Some((p, bytes)) if p == start => bytes,
            _ => {
                let bytes = self.mem.fetch_code(start, crate::mem::PAGE_SIZE as usize)?;
                self.page.set(Some((start, bytes)));
                bytes
            }
        };
        let off = (addr - start) as usize;
        let b = bytes.get(off..off + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Bumped whenever guest code may have changed; interpreter caches check it.
static CODE_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Drop every translation of guest code in `[start, end)` (the memory layer's hook).
fn code_changed(start: u64, end: u64) {
    crate::jit::invalidate_all(start, end);
    CODE_EPOCH.fetch_add(1, Ordering::Release);
}

/// One guest thread's execution engine.
pub struct Engine {
    pub arch: &'static dyn GuestArch,
    pub backend: Backend,
    cache: BlockCache,
    interp: Interp,
    opts: TranslateOpts,
    /// The CODE_EPOCH the interpreter's block cache is valid for.
    epoch: u64,
    /// Blocks this thread has run on the interpreter while the JIT waits for them to warm
    /// (see `jit::StartUp`).
    warming_runs: u64,
}

impl Engine {
    pub fn new(arch: &'static dyn GuestArch, backend: Backend) -> Engine {
        crate::mem::set_code_change_hook(code_changed);
        Engine {
            arch,
            backend,
            cache: BlockCache::new(),
            interp: Interp::new(),
            opts: TranslateOpts::default(),
            epoch: CODE_EPOCH.load(Ordering::Acquire),
            warming_runs: 0,
        }
    }

    /// Drop translations overlapping `[start, end)`.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        self.cache.invalidate(start, end);
        crate::jit::invalidate_all(start, end);
    }

    /// Translate the block at `pc`, with the IR passes when `optimize` (code that runs once
    /// is cheaper to interpret unoptimised).
    fn translate(arch: &dyn GuestArch, mem: &GuestMem, pc: u64, opts: &TranslateOpts, optimize: bool) -> Block {
        let timer = phases::Timer::start(phases::Phase::Translate);
        let mut b = arch.translate(&MemFetch::new(mem), pc, opts);
        // A later guest store into this code must drop the translation.
        mem.protect_code(pc, pc + b.guest_len.max(1) as u64);
        drop(timer);
        if crate::log::enabled(Item::InAsm) {
            let code = mem.fetch_code(pc, b.guest_len as usize).unwrap_or(&[]);
            logf!(Item::InAsm, "IN: \n{}", arch.disassemble(code, pc));
        }
        if optimize {
            Self::optimize(&mut b);
        } else {
            logf!(Item::Op, "{b}");
        }
        b
    }

    /// Run the IR passes on a translated block.
    fn optimize(b: &mut Block) {
        let _timer = phases::Timer::start(phases::Phase::Passes);
        crate::ir::opt::optimize(b);
        logf!(Item::Op, "{b}");
    }

    fn jit(&self, chained: bool, mem: &GuestMem) -> &'static Jit {
        let off = exit_flag_offset(self.arch.state_size());
        crate::jit::shared(chained, mem.base(), self.arch.pc_offset(), off)
    }

    /// Run guest code until it needs the Linux layer. The state must stay at the same
    /// address for the thread's whole life (its exit-request flag is shared).
    pub fn run(&mut self, cpu: &mut CpuState, mem: &GuestMem) -> Stop {
        self.guest(cpu, mem, |e, cpu, mem, running| match e.backend {
            Backend::Interp => e.run_interp(cpu, mem, running),
            Backend::Jit => e.run_jit(cpu, mem, running),
            Backend::Crosscheck => crosscheck::run(e, cpu, mem, running),
        })
    }

    /// Run `f` (a dispatcher loop) as guest code: fault handling, the flush gate and the
    /// guest's FP environment set up around it.
    #[inline(always)]
    fn guest<R>(&mut self, cpu: &mut CpuState, mem: &GuestMem, f: impl FnOnce(&mut Self, &mut CpuState, &GuestMem, &gate::Running) -> R) -> R {
        let _timer = phases::Timer::start(phases::Phase::Dispatcher);
        let _guard = fault::GuestGuard::enter();
        let running = gate::enter(cpu.exit_flag(exit_flag_offset(self.arch.state_size())));
        let host_fp = self.fp_enter(cpu);
        let stop = f(self, cpu, mem, &running);
        if let Some(h) = host_fp {
            let f = fpenv::leave(h);
            self.fp_fold(cpu, f);
        }
        stop
    }

    /// Load the guest's FP control word into this thread's FP environment (and the
    /// strict-FP flag translated code tests); the host's environment to restore.
    fn fp_enter(&self, cpu: &mut CpuState) -> Option<fpenv::HostFp> {
        let (ctl_off, _) = self.arch.fp_env()?;
        let ctl = cpu.read_u64(ctl_off) as u32;
        // SAFETY: the state has this guest's size and the engine trailer.
        unsafe { write_fp_trailer(cpu.as_mut_ptr(), self.arch.state_size(), ctl) };
        Some(fpenv::enter(ctl))
    }

    /// Make the guest's control word current again (after the state was replaced).
    fn fp_reload(&self, cpu: &CpuState) {
        if let Some((ctl_off, _)) = self.arch.fp_env() {
            fpenv::set_control(cpu.read_u64(ctl_off) as u32);
        }
    }

    /// Add FP flags to the guest's status register.
    fn fp_fold(&self, cpu: &mut CpuState, flags: u32) {
        if let Some((_, st_off)) = self.arch.fp_env() {
            if flags != 0 {
                let v = cpu.read_u64(st_off) | flags as u64;
                cpu.write_u64(st_off, v);
            }
        }
    }

    /// Handle a set exit-request flag at a block boundary: `Some(Stop::Interrupted)` when it
    /// was set (after parking for a flush another thread wants).
    #[inline]
    fn check_exit_request(&self, cpu: &CpuState, running: &gate::Running) -> Option<Stop> {
        let flag = cpu.exit_flag(exit_flag_offset(self.arch.state_size()));
        if flag.load(Ordering::Relaxed) == 0 {
            return None;
        }
        flag.store(0, Ordering::SeqCst);
        if running.flush_wanted() {
            running.park();
        }
        Some(Stop::Interrupted)
    }

    fn run_interp(&mut self, cpu: &mut CpuState, mem: &GuestMem, running: &gate::Running) -> Stop {
        let pc_off = self.arch.pc_offset();
        loop {
            if let Some(stop) = self.check_exit_request(cpu, running) {
                return stop;
            }
            let pc = cpu.read_u64(pc_off);
            self.check_epoch();
            let block = match self.cache.get(pc) {
                Some(b) => b,
                None => self.cache.insert(Self::translate(self.arch, mem, pc, &self.opts, true)),
            };
            logf!(Item::Exec, "Trace: [{pc:016x}]");
            if let Some(stop) = self.interp_block(&block, cpu, mem) {
                return stop;
            }
        }
    }

    /// Forget the interpreter's translations if guest code changed since they were made.
    fn check_epoch(&mut self) {
        let now = CODE_EPOCH.load(Ordering::Acquire);
        if now != self.epoch {
            self.epoch = now;
            self.cache.clear();
        }
    }

    /// Run one block on the interpreter; `Some` when the guest needs the Linux layer.
    fn interp_block(&mut self, block: &Block, cpu: &mut CpuState, mem: &GuestMem) -> Option<Stop> {
        // SAFETY: the state has the layout the guest translated for; faults in guest memory
        // are handled by `fault`.
        let timer = phases::Timer::start(phases::Phase::Interp);
        let exit = unsafe { self.interp.run(block, cpu.as_mut_ptr(), mem.base(), self.arch.pc_offset()) };
        drop(timer);
        match exit {
            Exit::Next => None,
            Exit::Syscall => Some(Stop::Syscall),
            Exit::Trap(t) => Some(Stop::Trap(t)),
            Exit::Fault => Some(Self::fault_stop(mem, None, cpu, self.arch.pc_offset())),
        }
    }

    /// The stop for a guest memory fault this thread's handler recorded. `jit` maps the host
    /// pc of a fault in translated code to the guest pc (the interpreter has already set it).
    fn fault_stop(mem: &GuestMem, jit: Option<&Jit>, cpu: &mut CpuState, pc_off: usize) -> Stop {
        let Some((f, rip)) = MemFault::take(mem) else {
            internal_error("a guest fault exit without a recorded fault");
        };
        if let Some(jit) = jit {
            match jit.guest_pc_of(rip) {
                Some(pc) => cpu.write_u64(pc_off, pc),
                None => internal_error(&format!("a guest fault at host pc {rip:#x} outside any translated block")),
            }
        }
        Stop::Fault(f)
    }

    /// A fault of translated code: its stop, with the guest address of an access the host
    /// could not map at all. Such an address (non-canonical on the host) raises a
    /// general-protection fault, which has no address; the faulting instruction then runs
    /// again alone on the interpreter from the state the fault left (the state at that
    /// instruction), whose access routines know the address. Its stop replaces the JIT's;
    /// None when it ran without faulting (another thread mapped the memory meanwhile).
    fn jit_fault_stop(&mut self, mem: &GuestMem, jit: &Jit, cpu: &mut CpuState) -> Option<Stop> {
        let pc_off = self.arch.pc_offset();
        match Self::fault_stop(mem, Some(jit), cpu, pc_off) {
            Stop::Fault(f) if f.code == libc::SI_KERNEL => {
                let pc = cpu.read_u64(pc_off);
                let one = Self::translate(self.arch, mem, pc, &TranslateOpts { max_insns: 1 }, false);
                self.interp_block(&one, cpu, mem)
            }
            stop => Some(stop),
        }
    }

    fn run_jit(&mut self, cpu: &mut CpuState, mem: &GuestMem, running: &gate::Running) -> Stop {
        let pc_off = self.arch.pc_offset();
        let jit = self.jit(true, mem);
        let settings = crate::jit::settings();
        let (arch, opts) = (self.arch, self.opts);
        let mut link = None;
        let mut indirect = false;
        loop {
            if let Some(stop) = self.check_exit_request(cpu, running) {
                return stop;
            }
            let pc = cpu.read_u64(pc_off);
            let translate = || Self::translate(arch, mem, pc, &opts, true);
            let code = if settings.threshold == 0 {
                match jit.code_if(pc, Some(translate), link.take(), indirect) {
                    Ok(c) => c.expect("compiled on a miss"),
                    Err(Full) => {
                        running.exclusive(|| jit.flush());
                        continue;
                    }
                }
            } else {
                // While a thread starts, most blocks it runs are in the interpreter's cache,
                // so that is asked first, and the JIT's table (a lock and a lookup) only about
                // the others: a block there is not compiled yet, since the JIT takes it out
                // when it compiles it. (Another thread may have compiled it meanwhile: then
                // this thread interprets it until its own count says to compile, and finds
                // the compiled code then.) Later, most blocks run are compiled ones, so the
                // JIT's table comes first.
                let starting = settings.start_up.is_some_and(|s| self.warming_runs < s.runs);
                let early = starting.then(|| {
                    self.check_epoch();
                    self.cache.hit(pc)
                });
                let compiled = match early {
                    Some(Some(_)) => {
                        link = None;
                        None
                    }
                    _ => jit.code_if(pc, None::<fn() -> Block>, link.take(), indirect).ok().flatten(),
                };
                match compiled {
                    Some(c) => c,
                    None => {
                        // Cold code runs on the interpreter, unoptimised, until it has run
                        // `threshold` times; then the JIT takes its IR over.
                        let hit = early.unwrap_or_else(|| {
                            self.check_epoch();
                            self.cache.hit(pc)
                        });
                        let runs = hit.as_ref().map_or(1, |h| h.1);
                        let threshold = threshold(&settings, self.warming_runs);
                        if runs <= threshold {
                            indirect = false;
                            self.warming_runs += 1;
                            let stop = match hit {
                                Some((Some(block), _)) => self.interp_block(&block, cpu, mem),
                                Some((None, runs)) => {
                                    let block = self.cache.keep(Self::translate(arch, mem, pc, &opts, false), runs);
                                    self.interp_block(&block, cpu, mem)
                                }
                                None => {
                                    // A first run: see `cache` on why its block is not kept.
                                    let block = Self::translate(arch, mem, pc, &opts, false);
                                    self.cache.note_run(pc);
                                    let stop = self.interp_block(&block, cpu, mem);
                                    block.recycle();
                                    stop
                                }
                            };
                            if let Some(stop) = stop {
                                return stop;
                            }
                            continue;
                        }
                        drop(hit);
                        let cached = self.cache.take(pc).and_then(|rc| std::rc::Rc::try_unwrap(rc).ok());
                        let translate = || match cached {
                            Some(mut b) => {
                                Self::optimize(&mut b);
                                b
                            }
                            None => translate(),
                        };
                        match jit.code_if(pc, Some(translate), None, indirect) {
                            Ok(c) => c.expect("compiled on a miss"),
                            Err(Full) => {
                                running.exclusive(|| jit.flush());
                                continue;
                            }
                        }
                    }
                }
            };
            indirect = false;
            if let Some(block) = &code.interp {
                if let Some(stop) = self.interp_block(block, cpu, mem) {
                    return stop;
                }
                continue;
            }
            logf!(Item::Exec, "Trace: [{pc:016x}]");
            // SAFETY: the state is this guest's, with the engine trailer; guest memory is at
            // mem.base(); faults in translated code are handled by `fault`.
            let timer = phases::Timer::start(phases::Phase::Translated);
            let exit = unsafe { jit.enter(&code, cpu.as_mut_ptr(), mem.base()) };
            drop(timer);
            match exit {
                JitExit::Jump { field } => link = Some((code.generation, field)),
                JitExit::Indirect => indirect = true,
                JitExit::Syscall => return Stop::Syscall,
                JitExit::Trap(t) => return Stop::Trap(t),
                JitExit::Fault => match self.jit_fault_stop(mem, jit, cpu) {
                    Some(stop) => return stop,
                    None => continue,
                },
                // The flag is handled at the top of the loop.
                JitExit::ExitRequest => {}
            }
        }
    }
}

/// How many interpreted runs a block needs before it is compiled, for a thread that has
/// interpreted `warming_runs` blocks so far (see `jit::StartUp`).
fn threshold(settings: &crate::jit::Settings, warming_runs: u64) -> u32 {
    match settings.start_up {
        Some(s) if warming_runs < s.runs => s.threshold,
        _ => settings.threshold,
    }
}

/// Report a bug of ruser itself and end the process.
fn internal_error(what: &str) -> ! {
    let pc = crate::interp::CURRENT_PC.try_with(|c| c.get()).unwrap_or(0);
    eprintln!("ruser: internal error: {what} (guest pc {pc:#x}); please report this");
    std::process::exit(70)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::{Settings, StartUp};

    #[test]
    fn the_start_up_threshold_holds_for_a_thread_s_first_interpreted_blocks() {
        let s = Settings { threshold: 4, start_up: Some(StartUp { threshold: 8, runs: 100 }), ..Settings::default() };
        assert_eq!(threshold(&s, 0), 8);
        assert_eq!(threshold(&s, 99), 8);
        assert_eq!(threshold(&s, 100), 4);
        let fixed = Settings { threshold: 4, start_up: None, ..Settings::default() };
        assert_eq!(threshold(&fixed, 0), 4);
    }
}
