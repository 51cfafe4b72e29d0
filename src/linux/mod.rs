//! The Linux layer: loading programs, the syscall shim, and process-level behaviour. It sees
//! guests only through `GuestArch` and memory through `GuestMem`.

pub mod binfmt;
pub mod convert;
pub mod gdb;
pub mod loader;
pub mod overlay;
pub mod procfs;
pub mod seccomp;
pub mod signal;
pub mod strace;
pub mod syscall;
pub mod thread;

use crate::exec::Backend;
use crate::guest::{CpuState, GuestArch};
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
    /// ruser's own options to pass on when the guest execs another foreign program
    /// (everything but -L, -0 and the program; see `syscall::exec`).
    pub exec_opts: Vec<OsString>,
    /// The path to show as AT_EXECFN (the name the guest's execve was given), when it is
    /// not `program`.
    pub execfn: Option<OsString>,
    /// The program, already opened by the kernel (binfmt_misc's O flag: AT_EXECFD). It is
    /// read instead of opening `program`, and closed once loaded.
    pub exec_fd: Option<i32>,
    /// Without a sysroot, look for a dynamic program's interpreter in the default sysroots
    /// (`loader::DEFAULT_SYSROOTS`): a run started by binfmt_misc cannot be given -L.
    pub default_sysroots: bool,
    /// -g: wait for gdb on this TCP port before the first instruction (`gdb`).
    pub gdb_port: Option<u16>,
}

/// How the guest was started: what /proc/self shows and what a guest execve passes on.
#[derive(Clone, Debug)]
pub struct Launch {
    pub backend: Backend,
    pub exec_opts: Vec<OsString>,
    /// Guest address ranges of the argument and environment strings on the initial stack.
    pub args: (u64, u64),
    pub env: (u64, u64),
    /// The auxiliary vector the guest started with.
    pub auxv: Vec<(u64, u64)>,
}

impl Default for Launch {
    fn default() -> Launch {
        Launch { backend: Backend::Jit, exec_opts: Vec::new(), args: (0, 0), env: (0, 0), auxv: Vec::new() }
    }
}

/// Per-process state of the Linux layer.
pub struct Process {
    pub arch: &'static dyn GuestArch,
    pub mem: GuestMem,
    pub sysroot: Option<PathBuf>,
    /// How the guest's paths map to host paths (the sysroot overlay).
    pub overlay: overlay::Overlay,
    /// Host path of the running program (what /proc/self/exe shows).
    pub exe: PathBuf,
    pub strace: bool,
    pub cpu_model: String,
    pub launch: Launch,
    /// Guest address of the vDSO (AT_SYSINFO_EHDR), if the guest has one.
    pub vdso: Option<u64>,
    /// Guest address of the signal return trampoline (`__kernel_rt_sigreturn` in the aarch64
    /// vDSO): the return address to give a signal handler, as the kernel does.
    pub sigreturn: Option<u64>,
}

/// What the guest asked for, seen from the dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The whole process exits with this status.
    Exit(i32),
    /// A signal interrupted the system call, which runs again after the signal's handler:
    /// no result is stored and the guest's pc goes back to its system call instruction.
    Restart,
    /// The calling thread exits with this status (the process too when it is the last).
    ThreadExit(i32),
}

/// The calling thread's host tid, asked of the kernel: musl's gettid() returns a copy cached
/// in the thread's descriptor, which is the parent's in a vfork child (it runs on its
/// parent's descriptor) and stale after a fork made by a raw clone.
pub fn gettid() -> i32 {
    // SAFETY: a system call without arguments.
    unsafe { libc::syscall(libc::SYS_gettid) as i32 }
}

/// Make ruser die of `sig` the way the guest would have (no core file of ruser's own), so the
/// parent sees WIFSIGNALED with the same signal.
pub fn die_by_signal(sig: i32) -> ! {
    unsafe {
        let lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        libc::setrlimit(libc::RLIMIT_CORE, &lim);
        crate::exec::fault::raw_sigaction(sig, libc::SIG_DFL, 0, 0);
        let set: u64 = 1 << (sig - 1);
        libc::syscall(libc::SYS_rt_sigprocmask, libc::SIG_UNBLOCK, &set as *const u64, std::ptr::null_mut::<u64>(), 8);
        libc::syscall(libc::SYS_tgkill, libc::getpid(), gettid(), sig);
        // Signals whose default is to be ignored (or that were somehow survived).
        libc::_exit(128 + sig);
    }
}

/// Name the process after the guest program, as the kernel does at exec (the basename of
/// the path exec was given, cut to 15 bytes): what ps, /proc/self/stat and status show.
fn set_comm(path: &std::ffi::OsStr) {
    use std::os::unix::ffi::OsStrExt;
    let b = path.as_bytes();
    let base = b.rsplit(|&c| c == b'/').next().unwrap_or(b);
    let mut name = [0u8; 16];
    let n = base.len().min(15);
    name[..n].copy_from_slice(&base[..n]);
    // SAFETY: a NUL-terminated buffer of 16 bytes.
    unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr(), 0, 0, 0) };
}

/// Run a guest program to completion; returns ruser's exit status.
pub fn run(cfg: &Config) -> Result<i32, loader::LoadError> {
    let loaded = loader::load(cfg)?;
    let mut p = loaded.process;
    p.strace = cfg.strace;
    set_comm(cfg.execfn.as_deref().unwrap_or(cfg.program.as_os_str()));
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
    if let Some(port) = cfg.gdb_port {
        if let Err(msg) = gdb::listen(port) {
            return Err(loader::LoadError { msg, status: 1 });
        }
    }
    Ok(thread::run_main(p, cpu, cfg.backend))
}
