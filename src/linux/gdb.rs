//! qemu's `-g PORT`: a GDB remote stub for the guest (the `gdbstub` crate's protocol state
//! machine, with `gdbstub_arch`'s AArch64 registers).
//!
//! ruser listens on 127.0.0.1:PORT and waits for one debugger before the first guest
//! instruction. Only the program's first thread is debugged: its registers are the ones gdb
//! sees, and only it stops (at breakpoints, after a step, on a signal); other threads run on
//! and are not shown. Breakpoints are addresses checked by a dispatcher of its own
//! (`Engine::run_debug`: blocks cut at breakpoints, on the unchained JIT or the interpreter),
//! never written into guest memory; a step is one instruction on the interpreter; a
//! continue without breakpoints runs on the normal engine at full speed.
//! A signal about to be acted on is reported to gdb first (`signal::deliver`), which may
//! drop or replace it; the guest's exit is reported with its status (W) or its signal (X).
//! After `detach`, the guest runs on at full speed with no debugger; `kill` kills it.

use super::signal;
use super::{Flow, Process};
use crate::exec::{DebugStop, Engine, Stop};
use crate::guest::aarch64::state::{vreg, xreg, FPCR, FPSR, NZCV, PC, SP};
use crate::guest::{exit_flag_offset, CpuState};
use crate::mem::GuestMem;
use gdbstub::common::Signal;
use gdbstub::conn::{Connection, ConnectionExt};
use gdbstub::stub::state_machine::GdbStubStateMachine;
use gdbstub::stub::{DisconnectReason, GdbStub, SingleThreadStopReason};
use gdbstub::target::ext::base::singlethread::{SingleThreadBase, SingleThreadResume, SingleThreadResumeOps, SingleThreadSingleStep, SingleThreadSingleStepOps};
use gdbstub::target::ext::auxv::{Auxv, AuxvOps};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::exec_file::{ExecFile, ExecFileOps};
use gdbstub::target::ext::breakpoints::{Breakpoints, BreakpointsOps, SwBreakpoint, SwBreakpointOps};
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::aarch64::reg::AArch64CoreRegs;
use gdbstub_arch::aarch64::AArch64;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

/// The host tid of the debugged thread (0: no debugger). Read on every thread start and
/// signal delivery, never on the dispatcher's paths.
static DEBUGGED: AtomicI32 = AtomicI32::new(0);

thread_local! {
    /// The debugger connection, on the debugged thread.
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Blocks run between two looks for a Ctrl-C from gdb while breakpoints are set.
const POLL_EVERY: u64 = 1 << 16;

/// Whether a debugger is attached to the calling thread.
pub fn active() -> bool {
    let t = DEBUGGED.load(Ordering::Relaxed);
    t != 0 && t == super::gettid()
}

/// Listen on 127.0.0.1:`port` and wait for gdb to connect; the calling thread (the guest's
/// first) is the one debugged.
pub fn listen(port: u16) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen for gdb on port {port}: {e}"))?;
    let (stream, _) = listener.accept().map_err(|e| format!("waiting for gdb on port {port}: {e}"))?;
    drop(listener);
    // Out of the guest's fds, and not inherited by programs it runs.
    use std::os::fd::{FromRawFd, IntoRawFd};
    // SAFETY: `hide` returns an open fd that nothing else owns.
    let stream = unsafe { TcpStream::from_raw_fd(crate::hostfd::hide(stream.into_raw_fd())) };
    let conn = Conn { s: stream, out: Vec::new(), inbuf: Vec::new(), at: 0 };
    let mut target = GuestTarget { cpu: std::ptr::null_mut(), mem: None, breaks: BTreeSet::new(), resume: None, auxv: Vec::new(), exe: Default::default() };
    let sm = GdbStub::new(conn).run_state_machine(&mut target).map_err(|e| format!("gdb connection: {e}"))?;
    SESSION.with(|s| *s.borrow_mut() = Some(Session { sm: Some(sm), target, resume_pc: 0 }));
    DEBUGGED.store(super::gettid(), Ordering::Relaxed);
    Ok(())
}

/// In a child made by fork: the debugger stays with the parent (the child closes its copy
/// of the connection without a word, and runs freely).
pub fn forget_in_child() {
    if DEBUGGED.swap(0, Ordering::Relaxed) != 0 {
        SESSION.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                *s = None;
            }
        });
    }
}

/// How gdb resumed the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resume {
    Continue,
    Step,
}

/// The guest as gdbstub sees it, while stopped.
struct GuestTarget {
    /// The debugged thread's state (valid while serving gdb at a stop).
    cpu: *mut CpuState,
    mem: Option<&'static GuestMem>,
    breaks: BTreeSet<u64>,
    /// Set by gdb's continue or step, with the Linux signal to resume with (0: none).
    resume: Option<(Resume, i32)>,
    /// The auxiliary vector, as the kernel lays it out (pairs of 64-bit words, AT_NULL last).
    auxv: Vec<u8>,
    /// Host path of the program.
    exe: std::path::PathBuf,
}

impl GuestTarget {
    fn cpu(&mut self) -> Option<&mut CpuState> {
        // SAFETY: set to the debugged thread's state for the duration of `Session::serve`.
        unsafe { self.cpu.as_mut() }
    }
}

struct Session {
    /// None once the connection failed.
    sm: Option<GdbStubStateMachine<'static, GuestTarget, Conn>>,
    target: GuestTarget,
    /// The pc at the last resume: a breakpoint there does not stop the thread before the
    /// instruction there has run.
    resume_pc: u64,
}

/// What became of gdb after a stop.
enum Served {
    /// It resumed the guest.
    Resumed(Resume, i32),
    /// It detached (or the connection was lost): the guest runs on without it.
    Gone,
}

impl Session {
    /// Report `reason` (when gdb is waiting for a stop) and serve gdb until it resumes the
    /// guest or goes.
    fn serve(&mut self, cpu: &mut CpuState, reason: Option<SingleThreadStopReason<u64>>) -> Served {
        self.target.cpu = cpu;
        self.target.resume = None;
        let r = self.serve_inner(reason);
        // Where the thread goes on from (gdb may have moved it).
        self.resume_pc = cpu.read_u64(PC);
        self.target.cpu = std::ptr::null_mut();
        match r {
            Ok(s) => s,
            Err(e) => {
                eprintln!("ruser: gdb connection lost ({e}); the program runs on");
                self.sm = None;
                Served::Gone
            }
        }
    }

    fn serve_inner(&mut self, mut reason: Option<SingleThreadStopReason<u64>>) -> Result<Served, String> {
        let t = &mut self.target;
        let mut sm = self.sm.take().ok_or("no connection")?;
        loop {
            sm = match sm {
                GdbStubStateMachine::Running(g) => match reason.take() {
                    Some(r) => g.report_stop(t, r).map_err(|e| e.to_string())?,
                    None => {
                        if let Some((how, sig)) = t.resume.take() {
                            self.sm = Some(GdbStubStateMachine::Running(g));
                            return Ok(Served::Resumed(how, sig));
                        }
                        // Waiting for a Ctrl-C (`poll`) with nothing read.
                        self.sm = Some(GdbStubStateMachine::Running(g));
                        return Ok(Served::Resumed(Resume::Continue, 0));
                    }
                },
                GdbStubStateMachine::Idle(mut g) => {
                    let b = g.borrow_conn().read().map_err(|e| e.to_string())?;
                    g.incoming_data(t, b).map_err(|e| e.to_string())?
                }
                GdbStubStateMachine::CtrlCInterrupt(g) => {
                    g.interrupt_handled(t, Some(SingleThreadStopReason::Signal(Signal::SIGINT))).map_err(|e| e.to_string())?
                }
                GdbStubStateMachine::Disconnected(mut g) => {
                    return match g.get_reason() {
                        DisconnectReason::Kill => {
                            let _ = g.borrow_conn().flush();
                            super::die_by_signal(signal::SIGKILL)
                        }
                        _ => Ok(Served::Gone),
                    };
                }
            };
        }
    }

    /// While the guest runs: read what gdb sent (a Ctrl-C) without waiting; a stop it asks
    /// for is served before this returns (None when there was none).
    fn poll(&mut self, cpu: &mut CpuState) -> Option<Served> {
        let mut sm = match self.sm.take() {
            Some(GdbStubStateMachine::Running(g)) => GdbStubStateMachine::Running(g),
            other => {
                self.sm = other;
                return None;
            }
        };
        // Feed every byte available.
        while let GdbStubStateMachine::Running(mut g) = sm {
            let next = match g.borrow_conn().peek() {
                Ok(Some(_)) => g.borrow_conn().read(),
                Ok(None) => {
                    self.sm = Some(GdbStubStateMachine::Running(g));
                    return None;
                }
                Err(e) => Err(e),
            };
            let fed = next.map_err(|e| e.to_string()).and_then(|b| g.incoming_data(&mut self.target, b).map_err(|e| e.to_string()));
            sm = match fed {
                Ok(sm) => sm,
                Err(e) => {
                    eprintln!("ruser: gdb connection lost ({e}); the program runs on");
                    return Some(Served::Gone);
                }
            };
        }
        self.sm = Some(sm);
        Some(self.serve(cpu, None))
    }

    /// Report the end of the guest (W or X) and close the connection.
    fn finish(&mut self, reason: SingleThreadStopReason<u64>) {
        if let Some(GdbStubStateMachine::Running(g)) = self.sm.take() {
            let _ = g.report_stop(&mut self.target, reason);
        }
    }
}

/// Run `f` on the session of the calling thread, if it has one.
fn with_session<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    SESSION.with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.as_mut().map(f)))
}

/// gdb detached or went: no more stops, the guest runs freely.
fn gone() {
    DEBUGGED.store(0, Ordering::Relaxed);
    SESSION.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = None;
        }
    });
}

/// The guest's exit status, for gdb (W).
pub fn exited(code: i32) {
    if active() {
        with_session(|s| s.finish(SingleThreadStopReason::Exited(code as u8)));
        gone();
    }
}

/// The guest dies of signal `sig`, for gdb (X).
pub fn terminated(sig: i32) {
    if active() {
        with_session(|s| s.finish(SingleThreadStopReason::Terminated(to_gdb(sig))));
        gone();
    }
}

/// Signal `sig` is about to be acted on in the debugged thread: report it and serve gdb
/// until it resumes; returns the signal to act on (0: none).
pub fn signal_stop(cpu: &mut CpuState, sig: i32) -> i32 {
    match with_session(|s| s.serve(cpu, Some(SingleThreadStopReason::Signal(to_gdb(sig))))) {
        Some(served) => take_resume(served).unwrap_or(sig),
        None => sig,
    }
}

thread_local! {
    /// How the debugged thread runs since gdb last resumed it (None: freely, without gdb).
    static MODE: std::cell::Cell<Option<Resume>> = const { std::cell::Cell::new(None) };
    /// Bumped at each resume, so that a step knows whether a stop came in between.
    static RESUMES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Take what gdb did at a stop: the signal it resumed with (0: none), or None when it has
/// gone.
fn take_resume(served: Served) -> Option<i32> {
    match served {
        Served::Resumed(how, sig) => {
            MODE.with(|m| m.set(Some(how)));
            RESUMES.with(|r| r.set(r.get() + 1));
            Some(sig)
        }
        Served::Gone => {
            gone();
            MODE.with(|m| m.set(None));
            None
        }
    }
}

/// Take a resume at a stop of gdb's own (not a signal's): its signal is queued for the
/// guest. False when gdb has gone.
fn resumed(served: Served) -> bool {
    match take_resume(served) {
        Some(sig) => {
            if sig != 0 {
                signal::queue_self(sig);
            }
            true
        }
        None => false,
    }
}

/// Stop at `reason` and wait for gdb; false when it has gone.
fn stop_at(cpu: &mut CpuState, reason: Option<SingleThreadStopReason<u64>>) -> bool {
    match with_session(|s| s.serve(cpu, reason)) {
        Some(served) => resumed(served),
        None => false,
    }
}

/// The dispatcher loop of the debugged thread while gdb is attached. Returns how the thread
/// ended, or None once gdb has gone (the caller runs the thread on as usual).
pub fn run_loop(p: &'static Process, cpu: &mut CpuState, engine: &mut Engine) -> Option<Flow> {
    // Continuing with breakpoints: blocks cut at breakpoints (on the backend's engine, see
    // `exec::debug`); stepping: one instruction on the interpreter.
    let mut debug = Engine::new_debug(p.arch, engine.backend, crate::guest::TranslateOpts::default().max_insns);
    let mut stepper = Engine::new_debug(p.arch, engine.backend, 1);
    let fd = with_session(|s| {
        s.target.mem = Some(&p.mem);
        s.target.exe = p.exe.clone();
        s.target.auxv = p.launch.auxv.iter().chain(&[(0, 0)]).flat_map(|&(k, v)| [k.to_le_bytes(), v.to_le_bytes()]).flatten().collect();
        s.sm.as_mut().map(sm_fd)
    });
    if let Some(Some(fd)) = fd {
        spawn_watcher(fd);
    }
    // The first stop: before the first instruction.
    if !stop_at(cpu, None) {
        return None;
    }
    let mut breaks: BTreeSet<u64> = BTreeSet::new();
    let mut seen = u64::MAX;
    let mut skip = None;
    loop {
        let mode = MODE.with(|m| m.get())?;
        if !active() {
            return None;
        }
        let gen = RESUMES.with(|r| r.get());
        if gen != seen {
            // A resume: breakpoints may have changed, and the instruction where gdb resumed
            // runs even when one is there (after a signal's stop, the thread may have gone
            // on to a handler since, where a breakpoint does stop it).
            seen = gen;
            let (at, now) = with_session(|s| (Some(s.resume_pc), s.target.breaks.clone())).unwrap_or_default();
            skip = at;
            if now != breaks {
                debug.breakpoints_changed(&p.mem, &breaks, &now);
                breaks = now;
            }
        }
        let stop = match mode {
            Resume::Continue if breaks.is_empty() => {
                ARMED.store(cpu.exit_flag(exit_flag_offset(p.arch.state_size())) as *const _ as usize, Ordering::Release);
                let stop = engine.run(cpu, &p.mem);
                ARMED.store(0, Ordering::Release);
                stop
            }
            Resume::Continue => match debug.run_debug(cpu, &p.mem, &breaks, &mut skip, POLL_EVERY) {
                DebugStop::Stop(s) => s,
                DebugStop::Breakpoint => {
                    if !stop_at(cpu, Some(SingleThreadStopReason::SwBreak(()))) {
                        return None;
                    }
                    continue;
                }
                DebugStop::Done => Stop::Interrupted,
            },
            Resume::Step => match stepper.run_debug(cpu, &p.mem, &BTreeSet::new(), &mut skip, 1) {
                DebugStop::Stop(s) => s,
                DebugStop::Breakpoint | DebugStop::Done => Stop::Interrupted,
            },
        };
        match stop {
            Stop::Syscall => match super::syscall::dispatch(p, cpu) {
                Flow::Continue | Flow::Restart => {}
                Flow::Exit(code) => {
                    exited(code);
                    return Some(Flow::Exit(code));
                }
                Flow::ThreadExit(code) => {
                    // The other threads run on, undebugged.
                    gone();
                    return Some(Flow::ThreadExit(code));
                }
            },
            Stop::Trap(trap) => signal::force_trap(p, cpu, trap),
            Stop::Fault(f) => signal::force_mem_fault(p, cpu, f),
            Stop::Interrupted => {}
        }
        signal::deliver_pending(p, cpu);
        if !active() {
            return None;
        }
        // A step that no other stop ended: done.
        if mode == Resume::Step && RESUMES.with(|r| r.get()) == gen && MODE.with(|m| m.get()).is_some() {
            if !stop_at(cpu, Some(SingleThreadStopReason::DoneStep)) {
                return None;
            }
            continue;
        }
        // A Ctrl-C from gdb.
        if mode == Resume::Continue {
            if let Some(served) = with_session(|s| s.poll(cpu)).flatten() {
                if !resumed(served) {
                    return None;
                }
            }
        }
    }
}

/// The connection's fd.
fn sm_fd(sm: &mut GdbStubStateMachine<'static, GuestTarget, Conn>) -> i32 {
    use std::os::fd::AsRawFd;
    let conn = match sm {
        GdbStubStateMachine::Idle(g) => g.borrow_conn(),
        GdbStubStateMachine::Running(g) => g.borrow_conn(),
        GdbStubStateMachine::CtrlCInterrupt(g) => g.borrow_conn(),
        GdbStubStateMachine::Disconnected(g) => g.borrow_conn(),
    };
    conn.s.as_raw_fd()
}

/// gdb's signal numbers (its own, the same on every target) for Linux's.
fn to_gdb(sig: i32) -> Signal {
    const LINUX_TO_GDB: [u8; 32] = [
        0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15, 0, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12,
    ];
    Signal(match sig {
        1..=31 => LINUX_TO_GDB[sig as usize],
        32 => 77,
        33..=63 => (sig - 33 + 45) as u8,
        64 => 78,
        _ => 0,
    })
}

/// Linux's signal number for gdb's (0: none or unknown).
fn from_gdb(sig: Signal) -> i32 {
    (1..=64).find(|&s| to_gdb(s) == sig && sig.0 != 0).unwrap_or(0)
}

impl Target for GuestTarget {
    type Arch = AArch64;
    type Error = String;

    fn base_ops(&mut self) -> BaseOps<'_, Self::Arch, Self::Error> {
        BaseOps::SingleThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_auxv(&mut self) -> Option<AuxvOps<'_, Self>> {
        Some(self)
    }

    fn support_exec_file(&mut self) -> Option<ExecFileOps<'_, Self>> {
        Some(self)
    }

    // Breakpoints are kept out of guest memory, so gdb's own (memory) breakpoints must not
    // be used: ask gdb for Z0 packets.
    fn guard_rail_implicit_sw_breakpoints(&self) -> bool {
        true
    }
}

impl SingleThreadBase for GuestTarget {
    fn read_registers(&mut self, regs: &mut AArch64CoreRegs) -> TargetResult<(), Self> {
        let cpu = self.cpu().ok_or(TargetError::NonFatal)?;
        for (i, x) in regs.x.iter_mut().enumerate() {
            *x = cpu.read_u64(xreg(i as u32));
        }
        regs.sp = cpu.read_u64(SP);
        regs.pc = cpu.read_u64(PC);
        regs.cpsr = cpu.read_u64(NZCV) as u32;
        for (i, v) in regs.v.iter_mut().enumerate() {
            *v = cpu.read_u128(vreg(i as u32));
        }
        regs.fpcr = cpu.read_u64(FPCR) as u32;
        regs.fpsr = cpu.read_u64(FPSR) as u32;
        Ok(())
    }

    fn write_registers(&mut self, regs: &AArch64CoreRegs) -> TargetResult<(), Self> {
        let cpu = self.cpu().ok_or(TargetError::NonFatal)?;
        for (i, x) in regs.x.iter().enumerate() {
            cpu.write_u64(xreg(i as u32), *x);
        }
        cpu.write_u64(SP, regs.sp);
        cpu.write_u64(PC, regs.pc);
        // Only NZCV is guest-visible PSTATE at EL0.
        cpu.write_u64(NZCV, regs.cpsr as u64 & 0xf000_0000);
        for (i, v) in regs.v.iter().enumerate() {
            cpu.write_u128(vreg(i as u32), *v);
        }
        cpu.write_u64(FPCR, regs.fpcr as u64);
        cpu.write_u64(FPSR, regs.fpsr as u64);
        Ok(())
    }

    fn read_addrs(&mut self, start: u64, data: &mut [u8]) -> TargetResult<usize, Self> {
        let mem = self.mem.ok_or(TargetError::NonFatal)?;
        if mem.read(start, data).is_ok() {
            return Ok(data.len());
        }
        // As much as is readable, page by page.
        let mut done = 0;
        while done < data.len() {
            let a = start.wrapping_add(done as u64);
            let n = ((crate::mem::PAGE_SIZE - a % crate::mem::PAGE_SIZE) as usize).min(data.len() - done);
            if mem.read(a, &mut data[done..done + n]).is_err() {
                break;
            }
            done += n;
        }
        if done == 0 {
            return Err(TargetError::Errno(14));
        }
        Ok(done)
    }

    fn write_addrs(&mut self, start: u64, data: &[u8]) -> TargetResult<(), Self> {
        let mem = self.mem.ok_or(TargetError::NonFatal)?;
        // Read-only memory (code) too, as a debugger writes through ptrace; translations of
        // it are dropped either way.
        if mem.write(start, data).is_ok() || mem.write_force(start, data).is_ok() {
            Ok(())
        } else {
            Err(TargetError::Errno(14))
        }
    }

    fn support_resume(&mut self) -> Option<SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadResume for GuestTarget {
    fn resume(&mut self, signal: Option<Signal>) -> Result<(), Self::Error> {
        self.resume = Some((Resume::Continue, signal.map_or(0, from_gdb)));
        Ok(())
    }

    fn support_single_step(&mut self) -> Option<SingleThreadSingleStepOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadSingleStep for GuestTarget {
    fn step(&mut self, signal: Option<Signal>) -> Result<(), Self::Error> {
        self.resume = Some((Resume::Step, signal.map_or(0, from_gdb)));
        Ok(())
    }
}

/// Copy `data[offset..]` into `buf` (a qXfer read); the bytes copied.
fn xfer(data: &[u8], offset: u64, length: usize, buf: &mut [u8]) -> usize {
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(data.len());
    let n = (data.len() - start).min(length).min(buf.len());
    buf[..n].copy_from_slice(&data[start..start + n]);
    n
}

/// The guest's auxiliary vector (gdb finds a position-independent program's load address,
/// and the dynamic linker's, there).
impl Auxv for GuestTarget {
    fn get_auxv(&self, offset: u64, length: usize, buf: &mut [u8]) -> TargetResult<usize, Self> {
        Ok(xfer(&self.auxv, offset, length, buf))
    }
}

/// The program's path, so that gdb finds it without `file`.
impl ExecFile for GuestTarget {
    fn get_exec_file(&self, _pid: Option<gdbstub::common::Pid>, offset: u64, length: usize, buf: &mut [u8]) -> TargetResult<usize, Self> {
        Ok(xfer(self.exe.as_os_str().as_encoded_bytes(), offset, length, buf))
    }
}

impl Breakpoints for GuestTarget {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }
}

impl SwBreakpoint for GuestTarget {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        self.breaks.insert(addr);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.breaks.remove(&addr))
    }
}

/// The TCP connection, with writes gathered until gdbstub flushes a packet (gdbstub writes
/// a byte at a time) and reads taken in chunks.
struct Conn {
    s: TcpStream,
    out: Vec<u8>,
    inbuf: Vec<u8>,
    at: usize,
}

impl Drop for Conn {
    fn drop(&mut self) {
        // The stream closes its fd: no longer one of ruser's.
        use std::os::fd::AsRawFd;
        crate::hostfd::forget(self.s.as_raw_fd());
    }
}

impl Connection for Conn {
    type Error = std::io::Error;

    fn write(&mut self, byte: u8) -> Result<(), Self::Error> {
        self.out.push(byte);
        Ok(())
    }

    fn write_all(&mut self, buf: &[u8]) -> Result<(), Self::Error> {
        self.out.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        let r = Write::write_all(&mut self.s, &self.out);
        self.out.clear();
        r
    }

    fn on_session_start(&mut self) -> Result<(), Self::Error> {
        self.s.set_nodelay(true)
    }
}

impl ConnectionExt for Conn {
    fn read(&mut self) -> Result<u8, Self::Error> {
        if self.at == self.inbuf.len() {
            self.inbuf.resize(4096, 0);
            let n = loop {
                match Read::read(&mut self.s, &mut self.inbuf) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            self.inbuf.truncate(n);
            self.at = 0;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
        self.at += 1;
        Ok(self.inbuf[self.at - 1])
    }

    fn peek(&mut self) -> Result<Option<u8>, Self::Error> {
        if self.at < self.inbuf.len() {
            return Ok(Some(self.inbuf[self.at]));
        }
        use std::os::fd::AsRawFd;
        let mut b = 0u8;
        // One system call, the socket staying blocking for `read`.
        // SAFETY: a one-byte buffer.
        let n = unsafe { libc::recv(self.s.as_raw_fd(), &mut b as *mut u8 as *mut libc::c_void, 1, libc::MSG_PEEK | libc::MSG_DONTWAIT) };
        match n {
            1 => Ok(Some(b)),
            0 => Err(std::io::ErrorKind::UnexpectedEof.into()),
            _ => {
                let e = std::io::Error::last_os_error();
                match e.kind() {
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted => Ok(None),
                    _ => Err(e),
                }
            }
        }
    }
}

/// While the debugged thread runs at full speed (a continue without breakpoints), the
/// address of its exit-request flag; 0 otherwise. The watcher sets the flag when gdb sends
/// something (a Ctrl-C), so that the thread comes back to `run_loop` to read it.
static ARMED: AtomicUsize = AtomicUsize::new(0);

/// Start the thread that watches the connection `fd` for `ARMED` (it ends once gdb has
/// gone). It runs no guest code and takes no host signal.
fn spawn_watcher(fd: i32) {
    signal::block_all_host();
    let spawned = std::thread::Builder::new().name("gdb-watch".into()).stack_size(64 << 10).spawn(move || {
        // Again: musl's thread start unblocks its own signals (33, 34), which are guest
        // signals here (glibc's SIGRTMIN is 34); this thread must take none. It starts
        // while the guest is stopped for gdb's first look, before any guest signal.
        signal::block_all_host();
        watch(fd)
    });
    if spawned.is_err() {
        eprintln!("ruser: no thread to watch for gdb's Ctrl-C; it works only at breakpoints and system calls");
    }
    signal::set_host_mask(signal::current());
}

/// The watcher's loop.
fn watch(fd: i32) {
    loop {
        let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: one pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, 100) };
        if DEBUGGED.load(Ordering::Relaxed) == 0 {
            return;
        }
        if r > 0 {
            let flag = ARMED.load(Ordering::Acquire);
            if flag != 0 {
                // SAFETY: the flag is in the debugged thread's state, which lives as long as
                // the thread; ARMED is cleared before the thread leaves the debugger's loop.
                unsafe { (*(flag as *const std::sync::atomic::AtomicU8)).store(1, Ordering::SeqCst) };
            }
            // The debugged thread reads what came; don't spin meanwhile.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_numbers() {
        assert_eq!(to_gdb(signal::SIGSEGV), Signal::SIGSEGV);
        assert_eq!(to_gdb(signal::SIGBUS), Signal::SIGBUS);
        assert_eq!(to_gdb(10), Signal::SIGUSR1);
        assert_eq!(to_gdb(17), Signal::SIGCHLD);
        assert_eq!(to_gdb(34), Signal::SIG34);
        assert_eq!(to_gdb(64), Signal::SIG64);
        for s in 1..=64 {
            if s != 16 {
                assert_eq!(from_gdb(to_gdb(s)), s, "signal {s}");
            }
        }
    }
}
