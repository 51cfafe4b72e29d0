//! The Linux layer: loading programs, the syscall shim, and process-level behaviour. It sees
//! guests only through `GuestArch` and memory through `GuestMem`.

pub mod convert;
pub mod loader;
pub mod strace;
pub mod syscall;

use crate::exec::{Backend, Engine, Stop};
use crate::guest::{CpuState, GuestArch};
use crate::ir::Trap;
use crate::log::Item;
use crate::logf;
use crate::mem::GuestMem;
use std::ffi::OsString;
use std::path::PathBuf;

/// Everything needed to start a guest program, as parsed from the command line.
#[derive(Clone, Debug)]
pub struct Config {
    /// Force this guest architecture (ruser-<arch>), or detect from the ELF header.
    pub arch: Option<&'static str>,
    /// Path of the program, as given.
    pub program: PathBuf,
    /// argv for the guest, argv[0] included.
    pub argv: Vec<OsString>,
    /// Environment for the guest, as NAME=VALUE entries.
    pub envp: Vec<OsString>,
    pub sysroot: Option<PathBuf>,
    pub stack_size: u64,
    pub cpu: String,
    pub strace: bool,
    pub backend: Backend,
}

/// Per-process state of the Linux layer.
pub struct Process {
    pub arch: &'static dyn GuestArch,
    pub mem: GuestMem,
    pub sysroot: Option<PathBuf>,
    /// Host path of the running program (what /proc/self/exe shows).
    pub exe: PathBuf,
    pub strace: bool,
    pub cpu_model: String,
}

/// What the guest asked for, seen from the dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The whole process exits with this status.
    Exit(i32),
}

/// Make ruser die of `sig` the way the guest would have (no core file of ruser's own), so the
/// parent sees WIFSIGNALED with the same signal.
pub fn die_by_signal(sig: i32) -> ! {
    unsafe {
        let lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &lim);
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(sig, &sa, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
        // Signals whose default is to be ignored (or that were somehow survived).
        libc::_exit(128 + sig);
    }
}

/// Run a guest program to completion; returns ruser's exit status.
pub fn run(cfg: &Config) -> Result<i32, loader::LoadError> {
    let loaded = loader::load(cfg)?;
    let mut p = loaded.process;
    p.strace = cfg.strace;
    let arch = p.arch;
    if crate::log::enabled(Item::Page) {
        for v in p.mem.snapshot() {
            logf!(Item::Page, "{:012x}-{:012x} prot={} {:?}", v.start, v.end, v.prot, v.kind);
        }
        logf!(Item::Page, "entry {:#x} sp {:#x}", loaded.entry, loaded.sp);
    }
    let mut cpu = CpuState::new(arch.state_size());
    arch.init_state(&mut cpu, loaded.entry, loaded.sp);
    crate::exec::fault::install();
    let mut engine = Engine::new(arch, cfg.backend);
    loop {
        match engine.run(&mut cpu, &p.mem) {
            Stop::Syscall => {
                if let Flow::Exit(code) = syscall::dispatch(&p, &mut cpu) {
                    return Ok(code);
                }
            }
            Stop::Trap(trap) => {
                let pc = cpu.read_u64(arch.pc_offset());
                let sig = match trap {
                    Trap::Undefined { insn } => {
                        logf!(Item::Unimp, "ruser: undefined or unimplemented instruction {insn:#010x} at pc {pc:#x}");
                        libc::SIGILL
                    }
                    Trap::Breakpoint { .. } => libc::SIGTRAP,
                    Trap::FetchFault => libc::SIGSEGV,
                };
                die_by_signal(sig);
            }
            Stop::Fault(f) => die_by_signal(f.sig),
            Stop::Interrupted => {}
        }
    }
}
