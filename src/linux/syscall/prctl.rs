//! prctl: the process's own attributes (name, parent-death signal, dumpability, ...).
//!
//! `OPTIONS` says for every option what ruser does with it, one row each:
//! - `Host`: the option describes the process (or thread) and takes integer arguments, so it
//!   passes to the host kernel, which keeps it for ruser's process (one guest process is one
//!   host process, one guest thread one host thread);
//! - `HostIntOut`: the same, the host writing an int through the second argument;
//! - `Einval`: what an aarch64 kernel answers when it lacks the feature: options of other
//!   architectures, arm64 features ruser does not emulate (SVE, SME, pointer authentication,
//!   tagged addresses, GCS shadow stacks), and features whose host version would act on
//!   ruser itself rather than on the guest (syscall user dispatch, memory-deny-write-execute,
//!   which would forbid the JIT's own code);
//! - `Own`: answered here (names, the auxiliary vector, anonymous VMA names, PR_SET_MM, and
//!   seccomp, which `crate::linux::seccomp` emulates for the guest; `seccomp(2)` is here too).
//!
//! Unknown options are EINVAL, named under `-d unimp`.

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{GuestReader, GuestWriter};
use crate::linux::seccomp;
use crate::log::Item;
use crate::logf;
use crate::mem::{page_up, VmaKind, PAGE_SIZE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[("prctl", sys_prctl), ("seccomp", sys_seccomp)];

/// What ruser does with one prctl option (see the module comment).
#[derive(Clone, Copy)]
enum How {
    Host,
    HostIntOut,
    Einval,
    Own(Handler),
}
use How::*;

/// Every prctl option Linux defines: (number, name, how).
static OPTIONS: &[(i32, &str, How)] = &[
    (1, "PR_SET_PDEATHSIG", Host),
    (2, "PR_GET_PDEATHSIG", HostIntOut),
    (3, "PR_GET_DUMPABLE", Host),
    (4, "PR_SET_DUMPABLE", Host),
    (5, "PR_GET_UNALIGN", Einval),
    (6, "PR_SET_UNALIGN", Einval),
    (7, "PR_GET_KEEPCAPS", Host),
    (8, "PR_SET_KEEPCAPS", Host),
    (9, "PR_GET_FPEMU", Einval),
    (10, "PR_SET_FPEMU", Einval),
    (11, "PR_GET_FPEXC", Einval),
    (12, "PR_SET_FPEXC", Einval),
    (13, "PR_GET_TIMING", Host),
    (14, "PR_SET_TIMING", Host),
    (15, "PR_SET_NAME", Own(set_name)),
    (16, "PR_GET_NAME", Own(get_name)),
    (19, "PR_GET_ENDIAN", Einval),
    (20, "PR_SET_ENDIAN", Einval),
    (21, "PR_GET_SECCOMP", Own(get_seccomp)),
    (22, "PR_SET_SECCOMP", Own(set_seccomp)),
    (23, "PR_CAPBSET_READ", Host),
    (24, "PR_CAPBSET_DROP", Host),
    (25, "PR_GET_TSC", Einval),
    (26, "PR_SET_TSC", Einval),
    (27, "PR_GET_SECUREBITS", Host),
    (28, "PR_SET_SECUREBITS", Host),
    (29, "PR_SET_TIMERSLACK", Host),
    (30, "PR_GET_TIMERSLACK", Host),
    (31, "PR_TASK_PERF_EVENTS_DISABLE", Host),
    (32, "PR_TASK_PERF_EVENTS_ENABLE", Host),
    (33, "PR_MCE_KILL", Host),
    (34, "PR_MCE_KILL_GET", Host),
    (35, "PR_SET_MM", Own(set_mm)),
    (36, "PR_SET_CHILD_SUBREAPER", Host),
    (37, "PR_GET_CHILD_SUBREAPER", HostIntOut),
    (38, "PR_SET_NO_NEW_PRIVS", Host),
    (39, "PR_GET_NO_NEW_PRIVS", Host),
    (40, "PR_GET_TID_ADDRESS", Own(get_tid_address)),
    (41, "PR_SET_THP_DISABLE", Host),
    (42, "PR_GET_THP_DISABLE", Host),
    (43, "PR_MPX_ENABLE_MANAGEMENT", Einval),
    (44, "PR_MPX_DISABLE_MANAGEMENT", Einval),
    (45, "PR_SET_FP_MODE", Einval),
    (46, "PR_GET_FP_MODE", Einval),
    (47, "PR_CAP_AMBIENT", Host),
    (50, "PR_SVE_SET_VL", Einval),
    (51, "PR_SVE_GET_VL", Einval),
    (52, "PR_GET_SPECULATION_CTRL", Own(get_speculation)),
    (53, "PR_SET_SPECULATION_CTRL", Own(set_speculation)),
    (54, "PR_PAC_RESET_KEYS", Einval),
    (55, "PR_SET_TAGGED_ADDR_CTRL", Einval),
    (56, "PR_GET_TAGGED_ADDR_CTRL", Einval),
    (57, "PR_SET_IO_FLUSHER", Host),
    (58, "PR_GET_IO_FLUSHER", Host),
    (59, "PR_SET_SYSCALL_USER_DISPATCH", Einval),
    (60, "PR_PAC_SET_ENABLED_KEYS", Einval),
    (61, "PR_PAC_GET_ENABLED_KEYS", Einval),
    (62, "PR_SCHED_CORE", Own(sched_core)),
    (63, "PR_SME_SET_VL", Einval),
    (64, "PR_SME_GET_VL", Einval),
    (65, "PR_SET_MDWE", Einval),
    (66, "PR_GET_MDWE", Einval),
    (67, "PR_SET_MEMORY_MERGE", Host),
    (68, "PR_GET_MEMORY_MERGE", Host),
    (69, "PR_RISCV_V_SET_CONTROL", Einval),
    (70, "PR_RISCV_V_GET_CONTROL", Einval),
    (71, "PR_RISCV_SET_ICACHE_FLUSH_CTX", Einval),
    (72, "PR_PPC_GET_DEXCR", Einval),
    (73, "PR_PPC_SET_DEXCR", Einval),
    (74, "PR_GET_SHADOW_STACK_STATUS", Einval),
    (75, "PR_SET_SHADOW_STACK_STATUS", Einval),
    (76, "PR_LOCK_SHADOW_STACK_STATUS", Einval),
    (77, "PR_TIMER_CREATE_RESTORE_IDS", Host),
    (78, "PR_FUTEX_HASH", Host),
    (0x4155_5856, "PR_GET_AUXV", Own(get_auxv)),
    (0x5356_4d41, "PR_SET_VMA", Own(set_vma)),
    (0x5961_6d61, "PR_SET_PTRACER", Host),
];

fn sys_prctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let op = int(a[0]);
    let Some(&(_, _, how)) = OPTIONS.iter().find(|o| o.0 == op) else {
        logf!(Item::Unimp, "ruser: unknown prctl option {op}");
        return Err(Errno::EINVAL);
    };
    match how {
        Host => host(unsafe { libc::prctl(op, a[1], a[2], a[3], a[4]) } as i64),
        HostIntOut => {
            let mut v: i32 = 0;
            host(unsafe { libc::prctl(op, &mut v as *mut i32, 0, 0, 0) } as i64)?;
            put_u32(c, a[1], v as u32)?;
            Ok(0)
        }
        Einval => Err(Errno::EINVAL),
        Own(f) => f(c, a),
    }
}

/// PR_GET_SECCOMP: the guest's mode when it set one, otherwise the host's (a filter of a
/// container runtime applies to the guest through ruser).
fn get_seccomp(_c: &mut Ctx, _a: [u64; 6]) -> SysResult {
    match seccomp::current().number() {
        0 => host(unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) } as i64),
        n => Ok(n as u64),
    }
}

/// PR_SET_SECCOMP: strict mode, or a filter without flags.
fn set_seccomp(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    match a[1] {
        SECCOMP_MODE_STRICT => seccomp::set_strict(),
        SECCOMP_MODE_FILTER => seccomp::add_filter(read_fprog(c, a[2])?, 0),
        _ => Err(Errno::EINVAL),
    }
}

const SECCOMP_MODE_STRICT: u64 = 1;
const SECCOMP_MODE_FILTER: u64 = 2;

/// seccomp(operation, flags, args).
fn sys_seccomp(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (op, flags, args) = (a[0] as u32, a[1] as u32 as u64, a[2]);
    match op {
        0 if flags == 0 && args == 0 => seccomp::set_strict(),
        1 => seccomp::add_filter(read_fprog(c, args)?, flags),
        2 if flags == 0 => seccomp::action_available(GuestReader::load(c.mem(), args, 4, c.abi)?.u32(0)),
        3 if flags == 0 => {
            // struct seccomp_notif_sizes: seccomp_notif, seccomp_notif_resp, seccomp_data.
            let mut w = GuestWriter::new(6, c.abi);
            w.u16(0, 80);
            w.u16(2, 24);
            w.u16(4, 64);
            c.put(args, &w)?;
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// The program of a guest `struct sock_fprog` (len, then a pointer to the instructions);
/// EINVAL for an empty or too long one.
fn read_fprog(c: &Ctx, addr: u64) -> Result<Vec<seccomp::Insn>, Errno> {
    let word = c.abi.long_size;
    let head = GuestReader::load(c.mem(), addr, 2 * word, c.abi)?;
    let (len, at) = (head.u16(0) as usize, head.uint(word, word));
    if len == 0 || len > 4096 {
        return Err(Errno::EINVAL);
    }
    let prog = GuestReader::load(c.mem(), at, len * 8, c.abi)?;
    Ok((0..len).map(|i| seccomp::Insn { code: prog.u16(8 * i), jt: prog.u8(8 * i + 2), jf: prog.u8(8 * i + 3), k: prog.u32(8 * i + 4) }).collect())
}

fn put_u32(c: &Ctx, addr: u64, v: u32) -> Result<(), Errno> {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, v);
    c.put(addr, &w)
}

/// Up to `n` bytes of the guest string at `addr`, as the kernel's `strncpy_from_user` and
/// `strnlen_user` read it: stops at a NUL (not included; the flag says it was found) or after
/// `n` bytes; EFAULT when unreadable memory comes first.
fn guest_strn(c: &Ctx, addr: u64, n: usize) -> Result<(Vec<u8>, bool), Errno> {
    let mut out = Vec::new();
    let mut a = addr;
    while out.len() < n {
        let chunk = ((PAGE_SIZE - a % PAGE_SIZE) as usize).min(n - out.len());
        let mut buf = vec![0u8; chunk];
        c.mem().read(a, &mut buf)?;
        if let Some(z) = buf.iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..z]);
            return Ok((out, true));
        }
        out.extend_from_slice(&buf);
        a += chunk as u64;
    }
    Ok((out, false))
}

/// PR_GET_TID_ADDRESS: the calling thread's clear_child_tid address (set_tid_address,
/// CLONE_CHILD_CLEARTID), as a pointer-sized word.
fn get_tid_address(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let word = c.abi.long_size;
    let mut w = GuestWriter::new(word, c.abi);
    w.uint(0, word, crate::linux::thread::clear_child_tid());
    c.put(a[1], &w)?;
    Ok(0)
}

/// The task's name (TASK_COMM_LEN, 16 bytes with the NUL).
const COMM_LEN: usize = 16;

/// PR_SET_NAME: at most 15 bytes are taken, with or without a NUL after them.
fn set_name(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (s, _) = guest_strn(c, a[1], COMM_LEN - 1)?;
    let mut name = [0u8; COMM_LEN];
    name[..s.len()].copy_from_slice(&s);
    host(unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr(), 0, 0, 0) } as i64)
}

fn get_name(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut name = [0u8; COMM_LEN];
    host(unsafe { libc::prctl(libc::PR_GET_NAME, name.as_mut_ptr(), 0, 0, 0) } as i64)?;
    c.mem().write(a[1], &name)?;
    Ok(0)
}

/// Whether the calling thread has capability `cap` in its effective set.
fn capable(cap: u32) -> bool {
    let mut hdr = [0x2008_0522u32, 0]; // _LINUX_CAPABILITY_VERSION_3, this thread
    let mut data = [0u32; 6];
    let r = unsafe { libc::syscall(libc::SYS_capget, hdr.as_mut_ptr(), data.as_mut_ptr()) };
    r == 0 && data[3 * (cap as usize / 32)] & (1 << (cap % 32)) != 0
}

/// PR_SET_MM rewrites the kernel's record of the process's memory layout (code, data, brk,
/// stack, arguments, environment, auxv, /proc/self/exe), which here is ruser's, not the
/// guest's: refused. The argument checks and the capability check come first, as in the
/// kernel; a caller with CAP_SYS_RESOURCE then gets EINVAL.
fn set_mm(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const PR_SET_MM_AUXV: u64 = 12;
    const PR_SET_MM_MAP: u64 = 14;
    const PR_SET_MM_MAP_SIZE: u64 = 15;
    const CAP_SYS_RESOURCE: u32 = 24;
    let opt = a[1];
    if a[4] != 0 || (a[3] != 0 && ![PR_SET_MM_AUXV, PR_SET_MM_MAP, PR_SET_MM_MAP_SIZE].contains(&opt)) {
        return Err(Errno::EINVAL);
    }
    if !capable(CAP_SYS_RESOURCE) {
        return Err(Errno::EPERM);
    }
    logf!(Item::Unimp, "ruser: prctl PR_SET_MM option {opt} refused (the guest's memory layout is ruser's to keep)");
    Err(Errno::EINVAL)
}

/// PR_SPEC_STORE_BYPASS is the one speculation control an arm64 kernel offers (SSBD); it
/// is the host CPU's mitigation, so it passes to the host. The others are ENODEV there.
const PR_SPEC_STORE_BYPASS: u64 = 0;
// <linux/prctl.h>; not in the libc crate for every C library.
const PR_GET_SPECULATION_CTRL: i32 = 52;
const PR_SET_SPECULATION_CTRL: i32 = 53;

fn get_speculation(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[2] != 0 || a[3] != 0 || a[4] != 0 {
        return Err(Errno::EINVAL);
    }
    if a[1] != PR_SPEC_STORE_BYPASS {
        return Err(Errno::ENODEV);
    }
    host(unsafe { libc::prctl(PR_GET_SPECULATION_CTRL, a[1], 0, 0, 0) } as i64)
}

fn set_speculation(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    if a[3] != 0 || a[4] != 0 {
        return Err(Errno::EINVAL);
    }
    if a[1] != PR_SPEC_STORE_BYPASS {
        return Err(Errno::ENODEV);
    }
    host(unsafe { libc::prctl(PR_SET_SPECULATION_CTRL, a[1], a[2], 0, 0) } as i64)
}

/// PR_SCHED_CORE(cmd, pid, type, cookie): PR_SCHED_CORE_GET writes the 64-bit cookie through
/// the last argument; the other commands take integers.
fn sched_core(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const PR_SCHED_CORE_GET: u64 = 0;
    const PR_SCHED_CORE: i32 = 62;
    if a[1] != PR_SCHED_CORE_GET {
        return host(unsafe { libc::prctl(PR_SCHED_CORE, a[1], a[2], a[3], a[4]) } as i64);
    }
    let mut cookie: u64 = 0;
    host(unsafe { libc::prctl(PR_SCHED_CORE, a[1], a[2], a[3], &mut cookie as *mut u64) } as i64)?;
    let mut w = GuestWriter::new(8, c.abi);
    w.u64(0, cookie);
    c.put(a[4], &w)?;
    Ok(0)
}

/// auxv entries the host (x86-64) architecture adds to the kernel's saved auxv
/// (AT_VECTOR_SIZE_ARCH).
const HOST_AUXV_ARCH_ENTRIES: u64 = 3;

/// PR_GET_AUXV(buf, len): copies the start of the kernel's saved auxiliary vector (the guest's:
/// the pairs it started with, then zeros) and returns the size of that array, which is the
/// host kernel's with the guest architecture's own entries in place of the host's. Kernels
/// before 6.4 do not know the option: EINVAL, as the host says.
fn get_auxv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const PR_GET_AUXV: i32 = 0x4155_5856;
    if a[3] != 0 || a[4] != 0 {
        return Err(Errno::EINVAL);
    }
    let host_size = host(unsafe { libc::prctl(PR_GET_AUXV, 0usize, 0usize, 0usize, 0usize) } as i64)?;
    let host_pairs = host_size / 16;
    let pairs = host_pairs - HOST_AUXV_ARCH_ENTRIES + c.abi.auxv_arch_entries;
    let word = c.abi.long_size;
    let size = pairs as usize * 2 * word;
    let mut w = GuestWriter::new(size, c.abi);
    for (i, &(k, v)) in c.p.launch.auxv.iter().take(pairs as usize).enumerate() {
        w.uint(2 * i * word, word, k);
        w.uint((2 * i + 1) * word, word, v);
    }
    let n = (a[2] as usize).min(size);
    if n > 0 {
        c.mem().write(a[1], &w.buf[..n])?;
    }
    Ok(size as u64)
}

/// PR_SET_VMA(PR_SET_VMA_ANON_NAME, addr, len, name): name the guest's anonymous mappings in
/// `[addr, addr+len)` (NULL: unname them), shown in /proc/self/maps as `[anon:NAME]` (or
/// `[anon_shmem:NAME]` for shared ones). As the kernel: up to 79 printable characters but
/// none of `` \`$[] ``; a file mapping in the range stops the walk with EBADF; holes give
/// ENOMEM after the mapped parts are named.
fn set_vma(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    const PR_SET_VMA_ANON_NAME: u64 = 0;
    const NAME_MAX: usize = 80;
    if a[1] != PR_SET_VMA_ANON_NAME {
        return Err(Errno::EINVAL);
    }
    let (start, len_in, uname) = (a[2], a[3], a[4]);
    let name = if uname == 0 {
        None
    } else {
        let (s, nul) = guest_strn(c, uname, NAME_MAX)?;
        if !nul || s.iter().any(|&ch| !(0x20..0x7f).contains(&ch) || b"\\`$[]".contains(&ch)) {
            return Err(Errno::EINVAL);
        }
        Some(String::from_utf8(s).map_err(|_| Errno::EINVAL)?)
    };
    if start % PAGE_SIZE != 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_up(len_in).unwrap_or(0);
    if len_in != 0 && len == 0 {
        return Err(Errno::EINVAL);
    }
    let end = start.checked_add(len).ok_or(Errno::EINVAL)?;
    if end == start {
        return Ok(0);
    }
    let mut st = c.mem().lock();
    let vmas = st.vmas.overlapping(start, end);
    if vmas.is_empty() {
        return Err(Errno::ENOMEM);
    }
    let mut hole = vmas[0].start > start;
    let mut at = start;
    for v in &vmas {
        hole |= v.start > at;
        at = v.end;
        let (s, e) = (v.start.max(start), v.end.min(end));
        match &v.kind {
            VmaKind::File { .. } => return Err(Errno::EBADF),
            VmaKind::Anon | VmaKind::AnonNamed(_) => {
                let kind = name.clone().map_or(VmaKind::Anon, VmaKind::AnonNamed);
                st.vmas.set_kind(s, e, kind);
            }
            // The heap and the stack keep their names in /proc/self/maps.
            VmaKind::Heap | VmaKind::Stack => {}
        }
    }
    if hole || at < end {
        return Err(Errno::ENOMEM);
    }
    Ok(0)
}
