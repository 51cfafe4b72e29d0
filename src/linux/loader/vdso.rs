//! Mapping the guest architecture's vDSO (`GuestArch::vdso`) into a new process: one page
//! (or more) anywhere, read+execute, named `[vdso]`, announced with AT_SYSINFO_EHDR.

use crate::guest::GuestArch;
use crate::mem::mapflags::*;
use crate::mem::{page_up, GuestMem, Vma, VmaKind, PROT_EXEC, PROT_READ, PROT_WRITE};

/// Where the vDSO went.
#[derive(Clone, Copy, Debug)]
pub struct MappedVdso {
    /// Guest address of the image (its ELF header): AT_SYSINFO_EHDR.
    pub base: u64,
    /// Guest address of the signal return trampoline.
    pub sigreturn: u64,
}

/// Map the vDSO of `arch`, if it has one.
pub fn map_vdso(mem: &GuestMem, arch: &dyn GuestArch) -> Result<Option<MappedVdso>, String> {
    let Some(v) = arch.vdso() else { return Ok(None) };
    let fail = |e: nix::errno::Errno| format!("cannot map the vDSO: {}", e.desc());
    let len = page_up(v.image.len() as u64).ok_or("the vDSO image is too big")?;
    let base = mem.mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, None).map_err(fail)?;
    mem.write(base, v.image).map_err(fail)?;
    let prot = PROT_READ | PROT_EXEC;
    mem.mprotect(base, len, prot).map_err(fail)?;
    let name = "[vdso]".to_string();
    mem.lock().vmas.insert(Vma { start: base, end: base + len, prot, shared: false, kind: VmaKind::File { name, offset: 0 } });
    arch.vdso_mapped(base);
    Ok(Some(MappedVdso { base, sigreturn: base + v.sigreturn }))
}
