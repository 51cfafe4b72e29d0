//! The return-address stack: calls push their return address with the host address of code
//! that continues there, and a return whose target is the top entry jumps straight to that
//! code instead of looking the target up in the indirect-branch table.
//!
//! The stack is a ring of `RAS_ENTRIES` entries in the engine trailer of each guest thread's
//! state (rbp-relative, so threads never share one). An entry is 32 bytes: the guest return
//! address, the host address of a continuation site in the calling block (a chained jump to
//! the return address, linked like any direct exit), and the code generation it was pushed
//! in (`Env::ras_gen`, which changes at every flush of the code region, and is never 0, so
//! zeroed entries never match). A return pops the top entry whatever it holds; on a
//! mismatch (the guest changed its return address, longjmp, a ring overrun, a flush) it
//! falls back to the table. Invalidated blocks stay in the region until the next flush, and
//! their continuation jumps are unlinked like every other jump into invalidated code, so an
//! entry stays safe to follow until its generation ends. What the stack holds never changes
//! where the guest goes: a hit continues at the guest address the return asked for.

use super::*;

/// Offset of the index of the top entry (u32) from the exit flag.
pub const RAS_TOP_FROM_EXIT_FLAG: i32 = 112;
/// Offset of the entries from the exit flag.
pub const RAS_FROM_EXIT_FLAG: i32 = 128;
/// Number of entries (a power of two).
pub const RAS_ENTRIES: i32 = 32;
/// An entry is `1 << ENTRY_SHIFT` = 32 bytes.
const ENTRY_SHIFT: i8 = 5;

impl Cg<'_> {
    /// `PushReturn`: push `ret` with the address of a continuation site emitted after the
    /// block (`emit_ras_sites`).
    pub(super) fn push_return(&mut self, ret: u64) {
        if !self.env.ras {
            return;
        }
        let top = self.env.exit_flag_off + RAS_TOP_FROM_EXIT_FLAG;
        let ents = self.env.exit_flag_off + RAS_FROM_EXIT_FLAG;
        let gen = self.env.ras_gen as i32;
        let site = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; mov ecx, [rbp + top]
            ; inc ecx
            ; and ecx, RAS_ENTRIES - 1
            ; mov [rbp + top], ecx
            ; shl ecx, ENTRY_SHIFT
            ; lea rdx, [rbp + rcx + ents]
            ; lea rax, [=>site]
            ; mov [rdx + 8], rax
            ; mov DWORD [rdx + 16], gen
        );
        if fits_i32(ret) {
            dynasm!(self.a ; .arch x64 ; mov QWORD [rdx], ret as i32);
        } else {
            dynasm!(self.a ; .arch x64 ; mov rax, QWORD ret as i64 ; mov [rdx], rax);
        }
        self.ras_sites.push((site, ret));
    }

    /// The start of a return (target guest pc in rax): pop the top entry and jump to its
    /// code when it is for this target and generation; otherwise fall through (rax intact).
    pub(super) fn pop_return(&mut self) {
        if !self.env.ras {
            return;
        }
        let top = self.env.exit_flag_off + RAS_TOP_FROM_EXIT_FLAG;
        let ents = self.env.exit_flag_off + RAS_FROM_EXIT_FLAG;
        let gen = self.env.ras_gen as i32;
        let miss = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; mov ecx, [rbp + top]
            ; lea edx, [rcx - 1]
            ; and edx, RAS_ENTRIES - 1
            ; mov [rbp + top], edx
            ; shl ecx, ENTRY_SHIFT
            ; cmp [rbp + rcx + ents], rax
            ; jne =>miss
            ; cmp DWORD [rbp + rcx + ents + 16], gen
            ; jne =>miss
            ; jmp QWORD [rbp + rcx + ents + 8]
            ; =>miss
        );
    }

    /// The continuation sites of the block's calls: each a chained jump to its return
    /// address (after the terminal, reached only from a return).
    pub(super) fn emit_ras_sites(&mut self) {
        for (site, ret) in std::mem::take(&mut self.ras_sites) {
            dynasm!(self.a ; .arch x64 ; =>site);
            self.chain_to(ret, None);
        }
    }
}

#[cfg(test)]
#[test]
fn the_stack_fits_in_the_engine_trailer() {
    assert_eq!(RAS_ENTRIES & (RAS_ENTRIES - 1), 0);
    let end = RAS_FROM_EXIT_FLAG + (RAS_ENTRIES << ENTRY_SHIFT);
    assert!(end as usize <= crate::guest::ENGINE_TRAILER, "trailer too small for the return-address stack");
    // Clear of the vector FP check data (48..112).
    assert!(RAS_TOP_FROM_EXIT_FLAG >= super::super::emit_vfp::VCHECK_FROM_EXIT_FLAG + 64);
}
