//! The syscall shim (to be written).

use super::{Flow, Process};
use crate::guest::CpuState;

pub fn dispatch(p: &Process, cpu: &mut CpuState) -> Flow {
    let nr = p.arch.syscall_nr(cpu);
    let a = p.arch.syscall_args(cpu);
    match nr {
        93 | 94 => Flow::Exit(a[0] as i32),
        _ => {
            p.arch.set_syscall_result(cpu, -(libc::ENOSYS as i64));
            Flow::Continue
        }
    }
}
