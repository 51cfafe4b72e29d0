//! Ties a guest frontend to a backend: the dispatcher loop and the block cache.

mod cache;
pub mod fault;

pub use cache::BlockCache;

use crate::guest::{CodeFetch, CpuState, GuestArch, TranslateOpts};
use crate::interp::{Exit, Interp};
use crate::ir::Trap;
use crate::log::Item;
use crate::logf;
use crate::mem::GuestMem;

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
}

/// Reads guest code for the translator, honouring execute permission.
struct MemFetch<'a>(&'a GuestMem);

impl CodeFetch for MemFetch<'_> {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        let b = self.0.fetch_code(addr, 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// One guest thread's execution engine.
pub struct Engine {
    pub arch: &'static dyn GuestArch,
    pub backend: Backend,
    cache: BlockCache,
    interp: Interp,
    opts: TranslateOpts,
}

impl Engine {
    pub fn new(arch: &'static dyn GuestArch, backend: Backend) -> Engine {
        Engine { arch, backend, cache: BlockCache::new(), interp: Interp::new(), opts: TranslateOpts::default() }
    }

    /// Drop every translation (after the guest changes code).
    pub fn flush(&mut self) {
        self.cache.clear();
    }

    /// Drop translations overlapping `[start, end)`.
    pub fn invalidate(&mut self, start: u64, end: u64) {
        self.cache.invalidate(start, end);
    }

    /// Run guest code until it needs the Linux layer.
    pub fn run(&mut self, cpu: &mut CpuState, mem: &GuestMem) -> Stop {
        let pc_off = self.arch.pc_offset();
        let base = mem.base();
        let _guard = fault::GuestGuard::enter();
        loop {
            let pc = cpu.read_u64(pc_off);
            let block = match self.cache.get(pc) {
                Some(b) => b,
                None => {
                    let b = self.arch.translate(&MemFetch(mem), pc, &self.opts);
                    if crate::log::enabled(Item::InAsm) {
                        let code = mem.fetch_code(pc, b.guest_len as usize).unwrap_or(&[]);
                        logf!(Item::InAsm, "IN: \n{}", self.arch.disassemble(code, pc));
                    }
                    logf!(Item::Op, "{b}");
                    self.cache.insert(b)
                }
            };
            logf!(Item::Exec, "Trace: [{pc:016x}]");
            // SAFETY: the state has the layout the guest translated for; faults in guest memory
            // are handled by `fault`.
            let exit = unsafe { self.interp.run(&block, cpu.as_mut_ptr(), base, pc_off) };
            match exit {
                Exit::Next => {}
                Exit::Syscall => return Stop::Syscall,
                Exit::Trap(t) => return Stop::Trap(t),
            }
        }
    }
}
