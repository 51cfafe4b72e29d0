//! The debugger's dispatcher (`-g`, see `linux::gdb`): guest code one instruction at a time
//! on the interpreter, with a breakpoint check before each instruction. The normal
//! dispatchers (`run_interp`, `run_jit`) know nothing of it.

use super::{gate, Engine, Stop};
use crate::guest::{CpuState, TranslateOpts};
use crate::log::Item;
use crate::logf;
use crate::mem::GuestMem;

/// Why `Engine::run_debug` stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugStop {
    /// The guest needs the Linux layer, as from `Engine::run`.
    Stop(Stop),
    /// The next instruction (at the pc in the state) is at a breakpoint: it has not run.
    Breakpoint,
    /// `limit` instructions ran.
    Done,
}

impl Engine {
    /// An engine for `run_debug`: the interpreter, on blocks of one instruction.
    pub fn new_debug(arch: &'static dyn crate::guest::GuestArch) -> Engine {
        let mut e = Engine::new(arch, super::Backend::Interp);
        e.opts = TranslateOpts { max_insns: 1 };
        e
    }

    /// Run at most `limit` guest instructions, stopping before one whose address `is_break`
    /// names. The first instruction is not checked when it is at `*skip` (a resume from a
    /// breakpoint runs the instruction there); `*skip` is cleared once an instruction ran.
    /// The engine must come from `new_debug`.
    pub fn run_debug(&mut self, cpu: &mut CpuState, mem: &GuestMem, is_break: &dyn Fn(u64) -> bool, skip: &mut Option<u64>, limit: u64) -> DebugStop {
        self.guest(cpu, mem, |e, cpu, mem, running| e.debug_loop(cpu, mem, running, is_break, skip, limit))
    }

    fn debug_loop(&mut self, cpu: &mut CpuState, mem: &GuestMem, running: &gate::Running, is_break: &dyn Fn(u64) -> bool, skip: &mut Option<u64>, limit: u64) -> DebugStop {
        let pc_off = self.arch.pc_offset();
        let mut n = 0;
        loop {
            if let Some(stop) = self.check_exit_request(cpu, running) {
                return DebugStop::Stop(stop);
            }
            if n == limit {
                return DebugStop::Done;
            }
            let pc = cpu.read_u64(pc_off);
            if *skip != Some(pc) && is_break(pc) {
                return DebugStop::Breakpoint;
            }
            *skip = None;
            self.check_epoch();
            let block = match self.cache.get(pc) {
                Some(b) => b,
                None => self.cache.insert(Self::translate(self.arch, mem, pc, &self.opts, false)),
            };
            logf!(Item::Exec, "Trace: [{pc:016x}]");
            n += 1;
            if let Some(stop) = self.interp_block(&block, cpu, mem) {
                return DebugStop::Stop(stop);
            }
        }
    }
}
