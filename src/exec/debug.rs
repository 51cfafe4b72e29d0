//! The debugger's dispatcher (`-g`, see `linux::gdb`): guest code in blocks that never run
//! past a breakpoint, with a breakpoint check at the start of each block. A block that
//! would contain a breakpoint address is cut just before it (blocks are straight-line code,
//! one instruction after the other), so every breakpoint address starts a block. With the
//! JIT backend the blocks are compiled on the unchained JIT (every block returns here);
//! otherwise they run on the interpreter. The normal dispatchers (`run_interp`, `run_jit`)
//! know nothing of this.

use super::{gate, Backend, Engine, Stop};
use crate::guest::{CpuState, GuestArch, TranslateOpts};
use crate::jit::{Exit as JitExit, Full};
use crate::log::Item;
use crate::logf;
use crate::mem::GuestMem;
use std::collections::BTreeSet;

/// Why `Engine::run_debug` stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugStop {
    /// The guest needs the Linux layer, as from `Engine::run`.
    Stop(Stop),
    /// The next instruction (at the pc in the state) is at a breakpoint: it has not run.
    Breakpoint,
    /// `limit` blocks ran.
    Done,
}

impl Engine {
    /// An engine for `run_debug`: blocks of at most `max_insns` instructions, compiled by the
    /// unchained JIT when `backend` is the JIT and `max_insns` > 1, interpreted otherwise.
    pub fn new_debug(arch: &'static dyn GuestArch, backend: Backend, max_insns: u32) -> Engine {
        let be = if backend == Backend::Jit && max_insns > 1 { Backend::Jit } else { Backend::Interp };
        let mut e = Engine::new(arch, be);
        e.opts = TranslateOpts { max_insns: max_insns.max(1) };
        e
    }

    /// The breakpoint set changed from `old` to `new`: drop the translations that run past a
    /// new breakpoint (this engine's own; on the JIT, the unchained JIT's blocks around it).
    pub fn breakpoints_changed(&mut self, mem: &GuestMem, old: &BTreeSet<u64>, new: &BTreeSet<u64>) {
        match self.backend {
            Backend::Jit => {
                let jit = self.jit(false, mem);
                for &bp in new.difference(old) {
                    jit.invalidate(bp, bp.saturating_add(4));
                }
            }
            _ => self.cache.clear(),
        }
    }

    /// How many instructions a block at `pc` may have: up to the next breakpoint.
    fn debug_opts(&self, pc: u64, breaks: &BTreeSet<u64>) -> TranslateOpts {
        let max = self.opts.max_insns;
        match breaks.range(pc.saturating_add(1)..).next() {
            Some(&bp) if bp - pc < 4 * max as u64 => TranslateOpts { max_insns: ((bp - pc) / 4).max(1) as u32 },
            _ => self.opts,
        }
    }

    /// Run at most `limit` blocks of guest code, stopping before an instruction at an address
    /// in `breaks`. The first block is not checked when it is at `*skip` (a resume from a
    /// breakpoint runs the instruction there); `*skip` is cleared once a block ran. The
    /// engine must come from `new_debug`, and have been told of every change of `breaks`.
    pub fn run_debug(&mut self, cpu: &mut CpuState, mem: &GuestMem, breaks: &BTreeSet<u64>, skip: &mut Option<u64>, limit: u64) -> DebugStop {
        self.guest(cpu, mem, |e, cpu, mem, running| e.debug_loop(cpu, mem, running, breaks, skip, limit))
    }

    fn debug_loop(&mut self, cpu: &mut CpuState, mem: &GuestMem, running: &gate::Running, breaks: &BTreeSet<u64>, skip: &mut Option<u64>, limit: u64) -> DebugStop {
        let pc_off = self.arch.pc_offset();
        let jit = (self.backend == Backend::Jit).then(|| self.jit(false, mem));
        let mut n = 0;
        loop {
            if let Some(stop) = self.check_exit_request(cpu, running) {
                return DebugStop::Stop(stop);
            }
            if n == limit {
                return DebugStop::Done;
            }
            let pc = cpu.read_u64(pc_off);
            if *skip != Some(pc) && breaks.contains(&pc) {
                return DebugStop::Breakpoint;
            }
            *skip = None;
            n += 1;
            let opts = self.debug_opts(pc, breaks);
            logf!(Item::Exec, "Trace: [{pc:016x}]");
            let Some(jit) = jit else {
                self.check_epoch();
                let block = match self.cache.get(pc) {
                    Some(b) => b,
                    None => self.cache.insert(Self::translate(self.arch, mem, pc, &opts, opts.max_insns > 1)),
                };
                if let Some(stop) = self.interp_block(&block, cpu, mem) {
                    return DebugStop::Stop(stop);
                }
                continue;
            };
            let arch = self.arch;
            let code = match jit.code_if(pc, Some(|| Self::translate(arch, mem, pc, &opts, true)), None, false) {
                Ok(c) => c.expect("compiled on a miss"),
                Err(Full) => {
                    running.exclusive(|| jit.flush());
                    continue;
                }
            };
            if let Some(block) = &code.interp {
                if let Some(stop) = self.interp_block(block, cpu, mem) {
                    return DebugStop::Stop(stop);
                }
                continue;
            }
            // SAFETY: as in `run_jit`.
            match unsafe { jit.enter(&code, cpu.as_mut_ptr(), mem.base()) } {
                JitExit::Jump { .. } | JitExit::Indirect | JitExit::ExitRequest => {}
                JitExit::Syscall => return DebugStop::Stop(Stop::Syscall),
                JitExit::Trap(t) => return DebugStop::Stop(Stop::Trap(t)),
                JitExit::Fault => {
                    if let Some(stop) = self.jit_fault_stop(mem, jit, cpu) {
                        return DebugStop::Stop(stop);
                    }
                }
            }
        }
    }
}
