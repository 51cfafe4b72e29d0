//! ruser: a user-mode emulator for aarch64 and PowerPC Linux programs on x86-64 hosts.
//!
//! Layering (each module imports only from those listed before it):
//! `ir` → `guest` (frontends) / `interp` (IR backend) → `mem` → `exec` → `linux` → `cli`.
//! `access` (guest memory accesses from Rust code, with recoverable faults) and `pcmap` are
//! ground-floor utilities any layer may use.

pub mod access;
pub mod cli;
pub mod disas;
pub mod exec;
pub mod guest;
pub mod hostcpu;
pub mod hostfd;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod linux;
pub mod log;
pub mod mem;
pub mod pcmap;

/// ruser's executables are static musl programs (see .cargo/config.toml), and musl's own
/// allocator maps and unmaps memory for most allocations of a translator (hundreds of munmap
/// calls in a start-up). jemalloc is as fast as glibc's at this work, and it is fork-safe: its
/// locks are taken across fork (pthread_atfork), which a guest's fork needs.
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
