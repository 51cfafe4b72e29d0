//! The crosscheck backend: every block runs on the interpreter and then, from the same state,
//! on the JIT; guest state and the memory the block stored to must come out identical.
//! The first divergence is reported (guest pc, register, both values) and ends the run.

use super::{gate, Engine, Stop};
use crate::guest::{exit_flag_offset, CpuState};
use crate::interp::{start_store_log, take_store_log, Exit};
use crate::ir::{fpenv, Block, Op};
use crate::jit::{Exit as JitExit, Full};
use crate::mem::GuestMem;
use std::rc::Rc;

/// Exit status of a run stopped by a divergence.
pub const DIVERGENCE_STATUS: i32 = 70;

/// Guest threads run their blocks one at a time under crosscheck: a block's interpreter run
/// is undone and redone by the JIT, which must not interleave with another thread's stores.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Run `f` while no block runs under crosscheck (for writes to guest memory the Linux layer
/// makes on its own, e.g. a thread's exit clearing its tid word).
pub fn serialized<R>(f: impl FnOnce() -> R) -> R {
    let g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let r = f();
    drop(g);
    r
}

pub fn run(e: &mut Engine, cpu: &mut CpuState, mem: &GuestMem, running: &gate::Running) -> Stop {
    let pc_off = e.arch.pc_offset();
    let flag_off = exit_flag_offset(e.arch.state_size());
    let jit = e.jit(false, mem);
    loop {
        if let Some(stop) = e.check_exit_request(cpu, running) {
            return stop;
        }
        let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let pc = cpu.read_u64(pc_off);
        e.check_epoch();
        let block: Rc<Block> = match e.cache.get(pc) {
            Some(b) => b,
            None => e.cache.insert(Engine::translate(e.arch, mem, pc, &e.opts, true)),
        };
        // FP flags are folded into the guest's status register at every block boundary, so
        // that both runs of a block start with none pending and their FPSRs compare.
        e.fp_fold(cpu, fpenv::take_flags());
        let before = cpu.clone();

        // 1. The interpreter, logging stores so they can be undone.
        start_store_log();
        // SAFETY: as in Engine::interp_block.
        let iexit = unsafe { e.interp.run(&block, cpu.as_mut_ptr(), mem.base(), pc_off) };
        let ifault = if iexit == Exit::Fault { super::MemFault::take(mem).map(|f| f.0) } else { None };
        let log = take_store_log();
        e.fp_fold(cpu, fpenv::take_flags());
        let after_interp = cpu.clone();
        let stored: Vec<(u64, Vec<u8>)> = log
            .iter()
            .map(|r| {
                let mut buf = vec![0u8; r.size];
                let _ = mem.read(r.addr, &mut buf);
                (r.addr, buf)
            })
            .collect();
        for r in log.iter().rev() {
            let old = r.old.to_le_bytes();
            if mem.write(r.addr, &old[..r.size]).is_err() {
                let _ = mem.write_force(r.addr, &old[..r.size]);
            }
        }
        cpu.copy_from(&before, flag_off);
        e.fp_reload(cpu);

        // 2. The JIT, exactly this block.
        let b2 = block.clone();
        let code = match jit.code_if(pc, Some(move || (*b2).clone()), None, false) {
            Ok(c) => c.expect("compiled on a miss"),
            Err(Full) => {
                // Start this block over once the code region is empty (other threads must be
                // able to reach their park point meanwhile).
                drop(serial);
                running.exclusive(|| jit.flush());
                continue;
            }
        };
        let jexit = match &code.interp {
            Some(b) => unsafe {
                let x = e.interp.run(b, cpu.as_mut_ptr(), mem.base(), pc_off);
                let f = if x == Exit::Fault { super::MemFault::take(mem).map(|f| f.0) } else { None };
                interp_exit(x, f)
            },
            // SAFETY: as in Engine::run_jit.
            None => match unsafe { jit.enter(&code, cpu.as_mut_ptr(), mem.base()) } {
                JitExit::Jump { .. } | JitExit::Indirect => Flow::Next,
                JitExit::Syscall => Flow::Stop(Stop::Syscall),
                JitExit::Trap(t) => Flow::Stop(Stop::Trap(t)),
                JitExit::Fault => match e.jit_fault_stop(mem, jit, cpu) {
                    Some(stop) => Flow::Stop(stop),
                    None => Flow::Next,
                },
                // Leave the flag set: the next round reports it.
                JitExit::ExitRequest => Flow::Retry,
            },
        };
        e.fp_fold(cpu, fpenv::take_flags());
        if jexit == Flow::Retry {
            // The JIT did not run the block (an exit request): redo it from the interpreter's
            // result instead.
            cpu.copy_from(&after_interp, flag_off);
            e.fp_reload(cpu);
            for (addr, bytes) in &stored {
                let _ = mem.write_force(*addr, bytes);
            }
        } else if !calls_volatile(&block) {
            let iflow = interp_exit(iexit, ifault);
            if iflow != jexit {
                diverged(pc, &format!("block exit: interp {iflow:?}, jit {jexit:?}"));
            }
            compare_state(e, pc, &after_interp, cpu);
            for (addr, want) in &stored {
                let mut got = vec![0u8; want.len()];
                let _ = mem.read(*addr, &mut got);
                if &got != want {
                    diverged(pc, &format!("memory at {addr:#x}: interp {want:02x?}, jit {got:02x?}"));
                }
            }
        }
        match interp_exit(iexit, ifault) {
            Flow::Stop(s) => return s,
            _ => continue,
        }
    }
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Flow {
    Next,
    Stop(Stop),
    Retry,
}

fn interp_exit(x: Exit, fault: Option<super::MemFault>) -> Flow {
    match x {
        Exit::Next => Flow::Next,
        Exit::Syscall => Flow::Stop(Stop::Syscall),
        Exit::Trap(t) => Flow::Stop(Stop::Trap(t)),
        Exit::Fault => match fault {
            Some(f) => Flow::Stop(Stop::Fault(f)),
            None => super::internal_error("an interpreter fault exit without a recorded fault"),
        },
    }
}

fn calls_volatile(b: &Block) -> bool {
    b.insts.iter().any(|i| matches!(&i.op, Op::Helper { id, .. } if id.0.volatile))
}

fn compare_state(e: &Engine, pc: u64, want: &CpuState, got: &CpuState) {
    let n = e.arch.state_size();
    if want.bytes()[..n] == got.bytes()[..n] {
        return;
    }
    for &(name, off, size) in e.arch.registers() {
        let (w, g) = (&want.bytes()[off..off + size], &got.bytes()[off..off + size]);
        if w != g {
            diverged(pc, &format!("{name}: interp {}, jit {}", hex(w), hex(g)));
        }
    }
    let at = (0..n).find(|&i| want.bytes()[i] != got.bytes()[i]).unwrap_or(0);
    diverged(pc, &format!("state byte {at}: interp {:#04x}, jit {:#04x}", want.bytes()[at], got.bytes()[at]));
}

fn hex(le: &[u8]) -> String {
    let mut s = String::from("0x");
    for b in le.iter().rev() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn diverged(pc: u64, what: &str) -> ! {
    eprintln!("ruser: crosscheck: divergence in the block at {pc:#x}: {what}");
    std::process::exit(DIVERGENCE_STATUS);
}
