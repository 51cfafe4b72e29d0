//! Seccomp for the guest: strict mode and classic-BPF filters, applied to the guest's own
//! system calls with the guest's numbers and `AUDIT_ARCH_AARCH64`, as an aarch64 kernel
//! applies them. The host kernel never sees a guest filter (it would judge ruser's x86-64
//! calls by aarch64 numbers).
//!
//! - **State.** Each guest thread has a mode (disabled, strict, or a chain of filters, the
//!   newest first). A new thread gets its creator's; fork keeps it (the memory is copied);
//!   an exec of a foreign program passes it to the new ruser (the hidden `--seccomp`
//!   option), and an exec of a host program is refused with EACCES while a filter is on,
//!   since the host program could not be held to it.
//! - **Installing** (`seccomp(2)` and `prctl(PR_SET_SECCOMP)`): the kernel's checks of the
//!   program (`check`), EACCES without no_new_privs or CAP_SYS_ADMIN, ENOMEM past 32768
//!   instructions on the chain. SECCOMP_FILTER_FLAG_TSYNC gives every thread the caller's
//!   chain (or fails with the tid of a thread whose own filters are not the caller's
//!   ancestors). SECCOMP_FILTER_FLAG_NEW_LISTENER (user notification) is refused with
//!   EINVAL: there is no listener, so SECCOMP_RET_USER_NOTIF gives ENOSYS, as the kernel
//!   does without one, and SECCOMP_GET_ACTION_AVAIL reports it unavailable.
//! - **Running** (`judge`, before every guest system call): every filter of the chain runs
//!   on the call's `seccomp_data` (nr, arch, the pc after the `svc`, six arguments) and the
//!   action of highest precedence wins. ALLOW and LOG run the call; ERRNO returns the
//!   error (at most 4095) without running it; TRACE and USER_NOTIF return ENOSYS (no tracer,
//!   no listener); TRAP raises SIGSYS (si_code SYS_SECCOMP, si_call_addr, si_syscall,
//!   si_arch, si_errno the action's data) with the registers as they were; KILL_THREAD ends
//!   the thread (the process when it is the last), KILL_PROCESS and unknown actions end the
//!   process, by SIGSYS. In strict mode only read, write, exit and rt_sigreturn run; any
//!   other call ends the thread by SIGKILL.
//!
//! Guest filters run on `seccomp_data` in the guest's byte order, which for aarch64 is the
//! host's.

use nix::errno::Errno;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// AUDIT_ARCH_AARCH64: EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
pub const AUDIT_ARCH_AARCH64: u32 = 0xc000_00b7;
/// BPF_MAXINSNS.
const MAX_INSNS: usize = 4096;
/// MAX_INSNS_PER_PATH: the most instructions a chain may hold (each filter counts 4 more).
const MAX_PATH_INSNS: usize = 1 << 15;
/// sizeof(struct seccomp_data).
const DATA_SIZE: u32 = 64;

pub const RET_KILL_PROCESS: u32 = 0x8000_0000;
pub const RET_KILL_THREAD: u32 = 0;
pub const RET_TRAP: u32 = 0x0003_0000;
pub const RET_ERRNO: u32 = 0x0005_0000;
pub const RET_USER_NOTIF: u32 = 0x7fc0_0000;
pub const RET_TRACE: u32 = 0x7ff0_0000;
pub const RET_LOG: u32 = 0x7ffc_0000;
pub const RET_ALLOW: u32 = 0x7fff_0000;
const RET_ACTION_FULL: u32 = 0xffff_0000;
const RET_DATA: u32 = 0xffff;

const FLAG_TSYNC: u64 = 1;
const FLAG_LOG: u64 = 2;
const FLAG_SPEC_ALLOW: u64 = 4;
const FLAG_NEW_LISTENER: u64 = 8;
const FLAG_TSYNC_ESRCH: u64 = 16;
const FLAG_WAIT_KILLABLE_RECV: u64 = 32;

/// One classic BPF instruction (struct sock_filter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

/// One installed filter, and the ones installed before it.
pub struct Filter {
    prog: Box<[Insn]>,
    log: bool,
    prev: Option<Arc<Filter>>,
}

impl Filter {
    fn chain(self: &Arc<Filter>) -> impl Iterator<Item = &Arc<Filter>> {
        std::iter::successors(Some(self), |f| f.prev.as_ref())
    }
}

/// A thread's seccomp mode.
#[derive(Clone, Default)]
pub enum Mode {
    #[default]
    Disabled,
    Strict,
    Filter(Arc<Filter>),
}

impl Mode {
    /// The number PR_GET_SECCOMP and /proc/<pid>/status give.
    pub fn number(&self) -> u32 {
        match self {
            Mode::Disabled => 0,
            Mode::Strict => 1,
            Mode::Filter(_) => 2,
        }
    }
}

/// What to do with one guest system call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Return this value (an error already negated, or 0) without running the call.
    Return(i64),
    /// Raise SIGSYS with this si_errno, leaving the registers as they were.
    Trap(u16),
    /// End the thread (the process when it is the last one) by this signal.
    KillThread(i32),
    /// End the process by SIGSYS.
    KillProcess,
}

/// One thread's mode, shared with the registry so that TSYNC can set it.
struct Slot {
    tid: std::sync::atomic::AtomicI32,
    mode: Mutex<Mode>,
}

/// Every live guest thread of this process.
static THREADS: Mutex<Vec<Arc<Slot>>> = Mutex::new(Vec::new());
/// Whether any thread ever had a mode: until then, system calls skip every check.
static ANY: AtomicBool = AtomicBool::new(false);

thread_local! {
    static MINE: RefCell<Option<Arc<Slot>>> = const { RefCell::new(None) };
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Register the calling thread (a new guest thread, or the main one) with `mode`.
pub fn thread_start(mode: Mode) {
    if !matches!(mode, Mode::Disabled) {
        ANY.store(true, Ordering::Release);
    }
    let slot = Arc::new(Slot { tid: crate::linux::gettid().into(), mode: Mutex::new(mode) });
    lock(&THREADS).push(slot.clone());
    MINE.with(|m| *m.borrow_mut() = Some(slot));
}

/// Forget the calling thread (it is exiting).
pub fn thread_exit() {
    if let Some(slot) = MINE.with(|m| m.borrow_mut().take()) {
        lock(&THREADS).retain(|s| !Arc::ptr_eq(s, &slot));
    }
}

/// In a forked child: the forking thread is the only one, under its new tid.
pub fn after_fork_child() {
    let mine = MINE.with(|m| m.borrow().clone());
    let mut threads = lock(&THREADS);
    threads.clear();
    if let Some(slot) = mine {
        slot.tid.store(crate::linux::gettid(), Ordering::Relaxed);
        threads.push(slot);
    }
}

/// Run `f` with the registry locked (fork must not copy it locked by a thread that is gone).
pub fn with_locked<R>(f: impl FnOnce() -> R) -> R {
    let _g = lock(&THREADS);
    f()
}

/// The calling thread's mode.
pub fn current() -> Mode {
    if !ANY.load(Ordering::Acquire) {
        return Mode::Disabled;
    }
    MINE.with(|m| m.borrow().as_ref().map(|s| lock(&s.mode).clone()).unwrap_or_default())
}

/// How many filters a mode holds.
pub fn filter_count(mode: &Mode) -> usize {
    match mode {
        Mode::Filter(f) => f.chain().count(),
        _ => 0,
    }
}

/// Whether the calling thread runs under strict mode or a filter.
pub fn active() -> bool {
    !matches!(current(), Mode::Disabled)
}

/// The verdict on guest system call `nr` (named `name` in the guest's table) with `args`,
/// made at `pc` (the address after the system call instruction).
#[inline]
pub fn judge(nr: u64, name: &str, args: &[u64; 6], pc: u64) -> Verdict {
    if !ANY.load(Ordering::Acquire) {
        return Verdict::Allow;
    }
    judge_slow(nr, name, args, pc)
}

#[cold]
fn judge_slow(nr: u64, name: &str, args: &[u64; 6], pc: u64) -> Verdict {
    match current() {
        Mode::Disabled => Verdict::Allow,
        Mode::Strict => match name {
            "read" | "write" | "exit" | "rt_sigreturn" => Verdict::Allow,
            _ => Verdict::KillThread(libc::SIGKILL),
        },
        Mode::Filter(f) => verdict(run_chain(&f, &seccomp_data(nr, args, pc))),
    }
}

/// Run every filter of a chain: the return value whose action has the highest precedence
/// (the lowest, as a signed number), the newest filter's among equals.
fn run_chain(f: &Arc<Filter>, data: &[u8; DATA_SIZE as usize]) -> u32 {
    let mut ret = RET_ALLOW;
    for filter in f.chain() {
        let cur = run(&filter.prog, data);
        if ((cur & RET_ACTION_FULL) as i32) < ((ret & RET_ACTION_FULL) as i32) {
            ret = cur;
        }
    }
    ret
}

fn verdict(ret: u32) -> Verdict {
    let data = ret & RET_DATA;
    match ret & RET_ACTION_FULL {
        RET_ALLOW | RET_LOG => Verdict::Allow,
        RET_ERRNO => Verdict::Return(-(data.min(4095) as i64)),
        RET_TRACE | RET_USER_NOTIF => Verdict::Return(-(libc::ENOSYS as i64)),
        RET_TRAP => Verdict::Trap(data as u16),
        RET_KILL_THREAD => Verdict::KillThread(libc::SIGSYS),
        _ => Verdict::KillProcess,
    }
}

/// struct seccomp_data: nr, arch, instruction_pointer, args[6].
fn seccomp_data(nr: u64, args: &[u64; 6], pc: u64) -> [u8; DATA_SIZE as usize] {
    let mut d = [0u8; DATA_SIZE as usize];
    d[0..4].copy_from_slice(&(nr as u32).to_le_bytes());
    d[4..8].copy_from_slice(&AUDIT_ARCH_AARCH64.to_le_bytes());
    d[8..16].copy_from_slice(&pc.to_le_bytes());
    for (i, a) in args.iter().enumerate() {
        d[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_le_bytes());
    }
    d
}

// Classic BPF opcodes (linux/bpf_common.h, linux/filter.h).
const LD: u16 = 0x00;
const LDX: u16 = 0x01;
const ST: u16 = 0x02;
const STX: u16 = 0x03;
const ALU: u16 = 0x04;
const JMP: u16 = 0x05;
const RET: u16 = 0x06;
const MISC: u16 = 0x07;
const W: u16 = 0x00;
const IMM: u16 = 0x00;
const ABS: u16 = 0x20;
const MEM: u16 = 0x60;
const LEN: u16 = 0x80;
const ADD: u16 = 0x00;
const SUB: u16 = 0x10;
const MUL: u16 = 0x20;
const DIV: u16 = 0x30;
const OR: u16 = 0x40;
const AND: u16 = 0x50;
const LSH: u16 = 0x60;
const RSH: u16 = 0x70;
const NEG: u16 = 0x80;
const XOR: u16 = 0xa0;
const JA: u16 = 0x00;
const JEQ: u16 = 0x10;
const JGT: u16 = 0x20;
const JGE: u16 = 0x30;
const JSET: u16 = 0x40;
const K: u16 = 0x00;
const X: u16 = 0x08;
const A: u16 = 0x10;
const TAX: u16 = 0x00;
const TXA: u16 = 0x80;
/// Scratch memory words (BPF_MEMWORDS).
const MEMWORDS: u32 = 16;

/// The kernel's checks of a seccomp program (bpf_check_classic, then seccomp_check_filter,
/// which also turns the LEN loads into loads of the constant 64): EINVAL for any failure.
pub fn check(prog: &mut [Insn]) -> Result<(), Errno> {
    let n = prog.len();
    if n == 0 || n > MAX_INSNS {
        return Err(Errno::EINVAL);
    }
    for pc in 0..n {
        let i = &mut prog[pc];
        let (class, k) = (i.code & 0x07, i.k);
        let ok = match i.code {
            c if c == LD | W | ABS => k < DATA_SIZE && k % 4 == 0,
            c if c == LD | W | LEN => {
                *i = Insn { code: LD | IMM, jt: 0, jf: 0, k: DATA_SIZE };
                true
            }
            c if c == LDX | W | LEN => {
                *i = Insn { code: LDX | IMM, jt: 0, jf: 0, k: DATA_SIZE };
                true
            }
            c if c == LD | IMM || c == LDX | IMM => true,
            c if c == LD | MEM || c == LDX | MEM || c == ST || c == STX => k < MEMWORDS,
            c if c == MISC | TAX || c == MISC | TXA => true,
            c if c == RET | K || c == RET | A => true,
            c if c == ALU | NEG => true,
            c if class == ALU && [ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, XOR].contains(&(c & 0xf0)) && c & !0xf8 == ALU => match (c & 0xf0, c & X) {
                (DIV, K) => k != 0,
                (LSH | RSH, K) => k < 32,
                _ => true,
            },
            c if c == JMP | JA => (k as usize) < n - pc - 1,
            c if class == JMP && [JEQ, JGT, JGE, JSET].contains(&(c & 0xf0)) && c & !0xf8 == JMP => {
                pc + 1 + (i.jt as usize) < n && pc + 1 + (i.jf as usize) < n
            }
            _ => false,
        };
        if !ok {
            return Err(Errno::EINVAL);
        }
    }
    if prog[n - 1].code & 0x07 != RET {
        return Err(Errno::EINVAL);
    }
    check_memory(prog)
}

/// bpf_check_classic's check_load_and_stores: no path reads a scratch word before writing it.
fn check_memory(prog: &[Insn]) -> Result<(), Errno> {
    // The words surely written on entry to each instruction (a bit set per word).
    let mut valid = vec![0u16; prog.len()];
    valid[0] = 0;
    let mut reached = vec![false; prog.len()];
    reached[0] = true;
    for pc in 0..prog.len() {
        if !reached[pc] {
            continue;
        }
        let i = prog[pc];
        let mut mem = valid[pc];
        match i.code {
            c if c == ST || c == STX => mem |= 1 << i.k,
            c if c == LD | MEM || c == LDX | MEM => {
                if mem & (1 << i.k) == 0 {
                    return Err(Errno::EINVAL);
                }
            }
            _ => {}
        }
        let mut flow = |to: usize, valid: &mut Vec<u16>| {
            valid[to] = if reached[to] { valid[to] & mem } else { mem };
            reached[to] = true;
        };
        match i.code & 0x07 {
            RET => {}
            JMP if i.code == JMP | JA => flow(pc + 1 + i.k as usize, &mut valid),
            JMP => {
                flow(pc + 1 + i.jt as usize, &mut valid);
                flow(pc + 1 + i.jf as usize, &mut valid);
            }
            _ => flow(pc + 1, &mut valid),
        }
    }
    Ok(())
}

/// Run a checked program on `data`: its return value.
fn run(prog: &[Insn], data: &[u8; DATA_SIZE as usize]) -> u32 {
    let (mut a, mut x) = (0u32, 0u32);
    let mut mem = [0u32; MEMWORDS as usize];
    let mut pc = 0;
    // Jumps only go forward, so this ends; a checked program always reaches a RET.
    while let Some(&i) = prog.get(pc) {
        pc += 1;
        let src = if i.code & X != 0 { x } else { i.k };
        match i.code & 0x07 {
            LD => {
                a = match i.code & 0xe0 {
                    ABS => u32::from_le_bytes(data[i.k as usize..i.k as usize + 4].try_into().unwrap_or([0; 4])),
                    MEM => mem[i.k as usize],
                    _ => i.k,
                }
            }
            LDX => x = if i.code & 0xe0 == MEM { mem[i.k as usize] } else { i.k },
            ST => mem[i.k as usize] = a,
            STX => mem[i.k as usize] = x,
            ALU => {
                a = match i.code & 0xf0 {
                    ADD => a.wrapping_add(src),
                    SUB => a.wrapping_sub(src),
                    MUL => a.wrapping_mul(src),
                    DIV if src == 0 => return 0,
                    DIV => a / src,
                    OR => a | src,
                    AND => a & src,
                    LSH => a.wrapping_shl(src),
                    RSH => a.wrapping_shr(src),
                    NEG => a.wrapping_neg(),
                    _ => a ^ src,
                }
            }
            JMP => {
                let taken = match i.code & 0xf0 {
                    JA => {
                        pc += i.k as usize;
                        continue;
                    }
                    JEQ => a == src,
                    JGT => a > src,
                    JGE => a >= src,
                    _ => a & src != 0,
                };
                pc += if taken { i.jt } else { i.jf } as usize;
            }
            RET => return if i.code & A != 0 { a } else { i.k },
            _ => {
                if i.code & 0xf8 == TXA {
                    a = x;
                } else {
                    x = a;
                }
            }
        }
    }
    RET_KILL_THREAD
}

/// Whether the process may install a filter: no_new_privs, or CAP_SYS_ADMIN.
fn may_install() -> bool {
    // SAFETY: plain calls with integer arguments or an out-parameter.
    unsafe {
        if libc::prctl(libc::PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 {
            return true;
        }
        let mut hdr = [0x2008_0522u32, 0]; // _LINUX_CAPABILITY_VERSION_3, this thread
        let mut data = [0u32; 6];
        if libc::syscall(libc::SYS_capget, hdr.as_mut_ptr(), data.as_mut_ptr()) != 0 {
            return false;
        }
        data[0] & (1 << 21) != 0 // CAP_SYS_ADMIN in the effective set
    }
}

/// Enter strict mode (SECCOMP_SET_MODE_STRICT).
pub fn set_strict() -> Result<u64, Errno> {
    match current() {
        Mode::Disabled | Mode::Strict => {}
        Mode::Filter(_) => return Err(Errno::EINVAL),
    }
    set_mine(Mode::Strict);
    Ok(0)
}

fn set_mine(mode: Mode) {
    ANY.store(true, Ordering::Release);
    let slot = MINE.with(|m| m.borrow().clone());
    match slot {
        Some(s) => *lock(&s.mode) = mode,
        None => thread_start(mode),
    }
}

/// Install a filter (SECCOMP_SET_MODE_FILTER) whose checked program is `prog`; the result
/// of the system call.
pub fn add_filter(mut prog: Vec<Insn>, flags: u64) -> Result<u64, Errno> {
    const KNOWN: u64 = FLAG_TSYNC | FLAG_LOG | FLAG_SPEC_ALLOW | FLAG_NEW_LISTENER | FLAG_TSYNC_ESRCH | FLAG_WAIT_KILLABLE_RECV;
    if flags & !KNOWN != 0 || flags & (FLAG_NEW_LISTENER | FLAG_WAIT_KILLABLE_RECV) != 0 {
        return Err(Errno::EINVAL);
    }
    check(&mut prog)?;
    if !may_install() {
        return Err(Errno::EACCES);
    }
    let prev = match current() {
        Mode::Strict => return Err(Errno::EINVAL),
        Mode::Disabled => None,
        Mode::Filter(f) => Some(f),
    };
    let path: usize = prev.iter().flat_map(|f| f.chain()).map(|f| f.prog.len() + 4).sum::<usize>() + prog.len() + 4;
    if path > MAX_PATH_INSNS {
        return Err(Errno::ENOMEM);
    }
    let new = Arc::new(Filter { prog: prog.into_boxed_slice(), log: flags & FLAG_LOG != 0, prev });
    if flags & FLAG_TSYNC == 0 {
        set_mine(Mode::Filter(new));
        return Ok(0);
    }
    // Every other thread's filters must be ancestors of the caller's (or none).
    let threads = lock(&THREADS);
    let me = crate::linux::gettid();
    for s in threads.iter() {
        let ok = match &*lock(&s.mode) {
            Mode::Disabled => true,
            Mode::Strict => false,
            Mode::Filter(theirs) => new.chain().any(|f| Arc::ptr_eq(f, theirs)),
        };
        let tid = s.tid.load(Ordering::Relaxed);
        if !ok && tid != me {
            return if flags & FLAG_TSYNC_ESRCH != 0 { Err(Errno::ESRCH) } else { Ok(tid as u64) };
        }
    }
    ANY.store(true, Ordering::Release);
    for s in threads.iter() {
        *lock(&s.mode) = Mode::Filter(new.clone());
    }
    drop(threads);
    if MINE.with(|m| m.borrow().is_none()) {
        thread_start(Mode::Filter(new));
    }
    Ok(0)
}

/// SECCOMP_GET_ACTION_AVAIL: whether an action is supported.
pub fn action_available(action: u32) -> Result<u64, Errno> {
    match action {
        RET_KILL_PROCESS | RET_KILL_THREAD | RET_TRAP | RET_ERRNO | RET_TRACE | RET_LOG | RET_ALLOW => Ok(0),
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// The mode as the hidden `--seccomp` option passes it to the ruser an exec starts: `strict`,
/// or the filters oldest first, separated by `,`, each `L` (logged) or `N` and then its
/// instructions in hex (code, jt, jf and k, little-endian).
pub fn encode(mode: &Mode) -> Option<String> {
    match mode {
        Mode::Disabled => None,
        Mode::Strict => Some("strict".into()),
        Mode::Filter(f) => {
            let mut filters: Vec<&Arc<Filter>> = f.chain().collect();
            filters.reverse();
            let parts: Vec<String> = filters
                .iter()
                .map(|f| {
                    let mut s = String::from(if f.log { "L" } else { "N" });
                    for i in f.prog.iter() {
                        for b in i.code.to_le_bytes().into_iter().chain([i.jt, i.jf]).chain(i.k.to_le_bytes()) {
                            s.push_str(&format!("{b:02x}"));
                        }
                    }
                    s
                })
                .collect();
            Some(parts.join(","))
        }
    }
}

/// The inverse of `encode` (each program checked again).
pub fn decode(s: &str) -> Option<Mode> {
    if s == "strict" {
        return Some(Mode::Strict);
    }
    let mut prev = None;
    for part in s.split(',') {
        let (log, hex) = match part.split_at_checked(1)? {
            ("L", h) => (true, h),
            ("N", h) => (false, h),
            _ => return None,
        };
        if hex.len() % 16 != 0 || !hex.is_ascii() {
            return None;
        }
        let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect::<Option<_>>()?;
        let mut prog: Vec<Insn> = bytes
            .chunks(8)
            .map(|c| Insn { code: u16::from_le_bytes([c[0], c[1]]), jt: c[2], jf: c[3], k: u32::from_le_bytes([c[4], c[5], c[6], c[7]]) })
            .collect();
        check(&mut prog).ok()?;
        prev = Some(Arc::new(Filter { prog: prog.into_boxed_slice(), log, prev }));
    }
    prev.map(Mode::Filter)
}

#[cfg(test)]
#[path = "seccomp_tests.rs"]
mod tests;
