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
