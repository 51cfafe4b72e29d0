//! AArch64 guest: decoder, translator to IR, state layout and Linux ABI.

pub mod decode;
mod decode_index;
pub mod features;
pub mod state;
pub mod translate;
pub mod vdso;

use super::{CodeFetch, CpuState, GuestArch, TranslateOpts};
use crate::ir::Block;
use state::*;

/// The AArch64 guest.
pub struct Aarch64;

pub static AARCH64: Aarch64 = Aarch64;


impl GuestArch for Aarch64 {
    fn name(&self) -> &'static str {
        "aarch64"
    }
    fn elf_machine(&self) -> u16 {
        goblin::elf::header::EM_AARCH64
    }
    fn is_64bit(&self) -> bool {
        true
    }
    fn big_endian(&self) -> bool {
        false
    }
    fn state_size(&self) -> usize {
        STATE_SIZE
    }
    fn pc_offset(&self) -> usize {
        PC
    }
    fn translate(&self, code: &dyn CodeFetch, pc: u64, opts: &TranslateOpts) -> Block {
        translate::translate_block(code, pc, opts)
    }
    fn disassemble(&self, code: &[u8], pc: u64) -> String {
        crate::disas::disassemble_aarch64(code, pc)
    }
    fn registers(&self) -> &'static [(&'static str, usize, usize)] {
        REGISTERS
    }
    fn fp_env(&self) -> Option<(usize, usize)> {
        Some((state::FPCR, state::FPSR))
    }
    fn init_state(&self, st: &mut CpuState, entry: u64, sp: u64) {
        st.write_u64(PC, entry);
        st.write_u64(SP, sp);
        st.write_u64(EXCL_ADDR, u64::MAX);
    }
    fn syscall_nr(&self, st: &CpuState) -> u64 {
        st.read_u64(xreg(8))
    }
    fn syscall_args(&self, st: &CpuState) -> [u64; 6] {
        std::array::from_fn(|i| st.read_u64(xreg(i as u32)))
    }
    fn set_syscall_result(&self, st: &mut CpuState, ret: i64) {
        st.write_u64(xreg(0), ret as u64);
    }
    fn get_sp(&self, st: &CpuState) -> u64 {
        st.read_u64(SP)
    }
    fn set_sp(&self, st: &mut CpuState, sp: u64) {
        st.write_u64(SP, sp)
    }
    fn set_tls(&self, st: &mut CpuState, tls: u64) {
        st.write_u64(TPIDR_EL0, tls)
    }
    fn hwcap(&self, cpu: &str) -> (u64, u64) {
        // MRS of the ID registers (at translation time) reads the same model.
        features::set_model(cpu);
        features::hwcaps(cpu)
    }
    fn platform(&self) -> &'static str {
        "aarch64"
    }
    fn cpu_models(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("max", "every feature ruser implements (default)"),
            ("cortex-a53", "Armv8.0-A baseline: FP, AdvSIMD"),
        ]
    }
    fn vdso(&self) -> Option<super::Vdso> {
        let sigreturn = vdso::symbol("__kernel_rt_sigreturn")?;
        Some(super::Vdso { image: vdso::IMAGE, sigreturn })
    }
    fn vdso_mapped(&self, base: u64) {
        vdso::set_base(base);
    }
    fn min_sigstksz(&self) -> u64 {
        // sizeof(struct rt_sigframe) + fpsimd/esr/extra contexts, as arm64 Linux reports.
        5120
    }
    fn cpuinfo(&self, cpu: &str, ncpus: usize) -> String {
        // arm64 Linux's format (arch/arm64/kernel/cpuinfo.c), one block per processor, with
        // the MIDR_EL1 that MRS reads for this model.
        let midr = translate::midr(cpu);
        let features = features::cpuinfo_features(cpu);
        let mut s = String::new();
        for n in 0..ncpus {
            s += &format!(
                "processor\t: {n}\nBogoMIPS\t: 50.00\nFeatures\t: {features}\nCPU implementer\t: {:#04x}\nCPU architecture: 8\nCPU variant\t: {:#x}\nCPU part\t: {:#05x}\nCPU revision\t: {}\n\n",
                midr >> 24,
                (midr >> 20) & 0xf,
                (midr >> 4) & 0xfff,
                midr & 0xf
            );
        }
        s
    }
}
