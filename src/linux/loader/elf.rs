//! Reading and validating ELF headers (through goblin) before anything is mapped.
//!
//! Everything here works on a `Source` (a file, or bytes in tests) and returns either a
//! checked `Image` or a one-line reason; it never maps memory and never panics on bad input.

use crate::guest::GuestArch;
use crate::mem::{page_down, page_up, PAGE_SIZE};
use goblin::container::{Container, Ctx, Endian};
use goblin::elf::header::{self, Header};
use goblin::elf::program_header::{ProgramHeader, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_PHDR};

/// Where ELF bytes come from.
pub trait Source {
    fn size(&self) -> u64;
    /// Fill `buf` from offset `off`; the caller has checked the range lies inside `size()`.
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<()>;
}

impl Source for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let s = usize::try_from(off).ok().and_then(|o| self.get(o..o.checked_add(buf.len())?));
        match s {
            Some(s) => {
                buf.copy_from_slice(s);
                Ok(())
            }
            None => Err(std::io::ErrorKind::UnexpectedEof.into()),
        }
    }
}

/// An open host file and its size.
pub struct FileSource {
    pub file: std::fs::File,
    pub size: u64,
}

impl Source for FileSource {
    fn size(&self) -> u64 {
        self.size
    }
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.file, buf, off)
    }
}

/// Why a file cannot be loaded (all of these are exit status 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bad {
    /// Not an ELF file at all; the text says what it seems to be instead.
    NotElf(String),
    /// An ELF file that is damaged or inconsistent.
    Corrupt(String),
    /// A valid ELF file that ruser cannot run as this guest (machine, class, type).
    Unsupported(String),
}

impl Bad {
    /// The message after "PROG: ".
    pub fn text(&self) -> String {
        match self {
            Bad::NotElf(s) | Bad::Unsupported(s) => s.clone(),
            Bad::Corrupt(s) => format!("corrupt ELF file: {s} (the file is damaged or truncated: rebuild or copy it again)"),
        }
    }
}

fn corrupt<T>(s: String) -> Result<T, Bad> {
    Err(Bad::Corrupt(s))
}

/// The ELF header fields the loader needs.
#[derive(Debug, Clone)]
pub struct Ehdr {
    pub is_64: bool,
    pub big_endian: bool,
    pub machine: u16,
    pub e_type: u16,
    pub entry: u64,
    pub phoff: u64,
    pub phnum: u16,
    pub phentsize: u16,
}

/// One PT_LOAD segment, unrelocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    /// Guest protection (PROT_READ/WRITE/EXEC bits).
    pub prot: u32,
}

/// A validated ELF image, ready to map.
#[derive(Debug, Clone)]
pub struct Image {
    pub ehdr: Ehdr,
    /// PT_LOAD segments with a non-zero memory size, sorted by address, not overlapping.
    pub loads: Vec<Segment>,
    /// The PT_INTERP path (without the NUL), if the program is dynamically linked.
    pub interp: Option<Vec<u8>>,
    /// PT_GNU_STACK asks for an executable stack.
    pub exec_stack: bool,
    /// Unrelocated address of the program headers in memory (0 if they are not loaded).
    pub phdr_vaddr: u64,
    /// Alignment a relocatable image's base must have (a power of two, at least a page).
    pub align: u64,
}

impl Image {
    /// Page-aligned unrelocated span `[lo, hi)` of all segments.
    pub fn span(&self) -> (u64, u64) {
        let lo = self.loads.iter().map(|s| page_down(s.vaddr)).min().unwrap_or(0);
        let hi = self.loads.iter().map(|s| s.vaddr + s.memsz).max().unwrap_or(0);
        (lo, page_up(hi).unwrap_or(hi))
    }
}

/// Guest protection for ELF segment flags.
pub fn seg_prot(p_flags: u32) -> u32 {
    use crate::mem::{PROT_EXEC, PROT_READ, PROT_WRITE};
    let mut p = 0;
    if p_flags & PF_R != 0 {
        p |= PROT_READ;
    }
    if p_flags & PF_W != 0 {
        p |= PROT_WRITE;
    }
    if p_flags & PF_X != 0 {
        p |= PROT_EXEC;
    }
    p
}

/// A human name for an ELF e_machine value.
pub fn machine_name(m: u16) -> String {
    let n = match m {
        header::EM_X86_64 => "x86-64",
        header::EM_386 => "i386 (32-bit x86)",
        header::EM_AARCH64 => "aarch64",
        header::EM_ARM => "32-bit ARM",
        header::EM_PPC => "PowerPC (32-bit)",
        header::EM_PPC64 => "PowerPC64",
        header::EM_RISCV => "RISC-V",
        header::EM_MIPS => "MIPS",
        header::EM_S390 => "s390x",
        header::EM_SPARCV9 => "SPARC64",
        header::EM_SPARC => "SPARC",
        header::EM_IA_64 => "IA-64",
        header::EM_SH => "SuperH",
        0x9026 => "Alpha",
        header::EM_68K => "m68k",
        header::EM_PARISC => "PA-RISC",
        258 => "LoongArch",
        _ => return format!("an unknown machine (e_machine {m})"),
    };
    n.to_string()
}

/// What a non-ELF file looks like, for the error message. `head` is the file's first bytes.
fn describe_non_elf(head: &[u8]) -> Bad {
    if let Some(rest) = head.strip_prefix(b"#!") {
        let line = rest.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let interp = String::from_utf8_lossy(line).trim().to_string();
        let first = interp.split_whitespace().next().unwrap_or("").to_string();
        let hint = if first.is_empty() { "its interpreter".to_string() } else { format!("'{interp}'") };
        return Bad::NotElf(format!(
            "is a script (starts with #!{interp}), not an ELF executable: scripts are run by their interpreter, \
             so run {hint} with this script as its argument (under ruser if the interpreter is an aarch64 program)"
        ));
    }
    if head.is_empty() {
        return Bad::NotElf("is an empty file, not an ELF executable".into());
    }
    if head.starts_with(b"!<arch>\n") {
        return Bad::NotElf("is a static library archive (ar), not an ELF executable: link it into a program first".into());
    }
    if head.starts_with(b"MZ") {
        return Bad::NotElf("is a Windows/DOS executable (MZ), not an ELF executable".into());
    }
    let texty = head.iter().all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || b == 0x0c || b >= 0x20);
    if texty {
        Bad::NotElf("is a text file, not an ELF executable".into())
    } else {
        Bad::NotElf("is not an ELF executable (unknown file format)".into())
    }
}

/// Read and check the ELF header: magic, class, byte order, sizes. Says nothing yet about the
/// machine (see `check_arch`).
pub fn read_ehdr(src: &dyn Source) -> Result<Ehdr, Bad> {
    let mut head = vec![0u8; src.size().min(512) as usize];
    src.read_at(0, &mut head).map_err(|e| Bad::Corrupt(format!("cannot read the ELF header: {e}")))?;
    if !head.starts_with(header::ELFMAG) {
        return Err(describe_non_elf(&head));
    }
    if head.len() < header::SIZEOF_IDENT {
        return corrupt(format!("truncated ELF header: the file is only {} bytes long", head.len()));
    }
    let is_64 = match head[header::EI_CLASS] {
        header::ELFCLASS32 => false,
        header::ELFCLASS64 => true,
        c => return corrupt(format!("unknown ELF class {c} in the header (expected 1 for ELF32 or 2 for ELF64)")),
    };
    let big_endian = match head[header::EI_DATA] {
        header::ELFDATA2LSB => false,
        header::ELFDATA2MSB => true,
        d => return corrupt(format!("unknown ELF byte order {d} in the header (expected 1 or 2)")),
    };
    let need = if is_64 { header::header64::SIZEOF_EHDR } else { header::header32::SIZEOF_EHDR };
    if head.len() < need {
        return corrupt(format!("truncated ELF header: it needs {need} bytes but the file is only {} bytes long", head.len()));
    }
    let h: Header = goblin::elf::Elf::parse_header(&head).map_err(|e| Bad::Corrupt(format!("bad ELF header: {e}")))?;
    Ok(Ehdr {
        is_64,
        big_endian,
        machine: h.e_machine,
        e_type: h.e_type,
        entry: h.e_entry,
        phoff: h.e_phoff,
        phnum: h.e_phnum,
        phentsize: h.e_phentsize,
    })
}

/// Check the header against the guest architecture: machine, class, byte order, type.
pub fn check_arch(h: &Ehdr, arch: &dyn GuestArch) -> Result<(), Bad> {
    if h.machine != arch.elf_machine() {
        let found = machine_name(h.machine);
        let why = match h.machine {
            header::EM_X86_64 | header::EM_386 => format!("{found} is the host's own architecture: run it directly"),
            _ => format!("ruser-{} runs {} programs only", arch.name(), arch.name()),
        };
        return Err(Bad::Unsupported(format!("is an ELF executable for {found}, not {}: {why}", arch.name())));
    }
    let class = |b: bool| if b { "ELF64" } else { "ELF32" };
    if h.is_64 != arch.is_64bit() {
        return Err(Bad::Unsupported(format!(
            "is {} but {} programs are {}: the header is inconsistent or the file was built for another ABI",
            class(h.is_64),
            arch.name(),
            class(arch.is_64bit())
        )));
    }
    if h.big_endian != arch.big_endian() {
        let order = |b: bool| if b { "big-endian" } else { "little-endian" };
        return Err(Bad::Unsupported(format!(
            "is a {} {} program, but ruser runs {} {} programs only",
            order(h.big_endian),
            arch.name(),
            order(arch.big_endian()),
            arch.name()
        )));
    }
    match h.e_type {
        header::ET_EXEC | header::ET_DYN => Ok(()),
        header::ET_REL => Err(Bad::Unsupported("is an object file (ET_REL), not an executable: link it into a program first".into())),
        header::ET_CORE => Err(Bad::Unsupported("is a core dump (ET_CORE), not an executable".into())),
        t => corrupt(format!("unknown ELF file type {t} (expected ET_EXEC or ET_DYN)")),
    }
}

/// Read the program headers and validate the whole image against an address space ending at
/// `top` (exclusive).
pub fn read_image(src: &dyn Source, h: &Ehdr, top: u64) -> Result<Image, Bad> {
    let entsize = if h.is_64 { 56u64 } else { 32 };
    if h.phnum == 0 {
        return corrupt("no program headers (e_phnum is 0)".into());
    }
    if u64::from(h.phentsize) != entsize {
        return corrupt(format!("program header entry size is {} bytes, expected {entsize}", h.phentsize));
    }
    if h.phnum == 0xffff {
        return Err(Bad::Unsupported("has 65535 or more program headers (PN_XNUM), which is not supported".into()));
    }
    let table = u64::from(h.phnum) * entsize;
    if table > 65536 {
        return corrupt(format!("program header table is absurdly large ({} entries)", h.phnum));
    }
    if h.phoff.checked_add(table).is_none_or(|e| e > src.size()) {
        return corrupt(format!(
            "program headers (offset {:#x}, {} bytes) extend beyond the end of the file (size {:#x})",
            h.phoff,
            table,
            src.size()
        ));
    }
    let mut buf = vec![0u8; table as usize];
    src.read_at(h.phoff, &mut buf).map_err(|e| Bad::Corrupt(format!("cannot read the program headers: {e}")))?;
    let ctx = Ctx::new(
        if h.is_64 { Container::Big } else { Container::Little },
        if h.big_endian { Endian::Big } else { Endian::Little },
    );
    let phdrs = ProgramHeader::parse(&buf, 0, h.phnum as usize, ctx).map_err(|e| Bad::Corrupt(format!("bad program headers: {e}")))?;

    let mut loads = Vec::new();
    let mut interp = None;
    let mut exec_stack = false;
    let mut pt_phdr = None;
    let mut align = PAGE_SIZE;
    for (i, p) in phdrs.iter().enumerate() {
        match p.p_type {
            PT_LOAD => {
                // A segment with no file bytes (pure bss) may name any offset, as Linux allows.
                let end_file = p.p_offset.checked_add(p.p_filesz);
                if p.p_filesz != 0 && end_file.is_none_or(|e| e > src.size()) {
                    return corrupt(format!(
                        "segment {i} (PT_LOAD) has file range {:#x}+{:#x} beyond the end of the file (size {:#x})",
                        p.p_offset,
                        p.p_filesz,
                        src.size()
                    ));
                }
                if p.p_filesz > p.p_memsz {
                    return corrupt(format!(
                        "segment {i} (PT_LOAD) has a file size {:#x} larger than its memory size {:#x}",
                        p.p_filesz, p.p_memsz
                    ));
                }
                if p.p_memsz >= top {
                    return corrupt(format!("segment {i} (PT_LOAD) has an absurd memory size {:#x}", p.p_memsz));
                }
                if p.p_vaddr.checked_add(p.p_memsz).is_none_or(|e| e > top) {
                    return corrupt(format!(
                        "segment {i} (PT_LOAD) at {:#x}+{:#x} lies beyond the guest address space (which ends at {top:#x})",
                        p.p_vaddr, p.p_memsz
                    ));
                }
                if p.p_vaddr % PAGE_SIZE != p.p_offset % PAGE_SIZE {
                    return corrupt(format!(
                        "segment {i} (PT_LOAD): address {:#x} and file offset {:#x} are not congruent modulo the page size",
                        p.p_vaddr, p.p_offset
                    ));
                }
                if p.p_align.is_power_of_two() {
                    align = align.max(p.p_align);
                }
                if p.p_memsz > 0 {
                    loads.push(Segment { vaddr: p.p_vaddr, memsz: p.p_memsz, offset: p.p_offset, filesz: p.p_filesz, prot: seg_prot(p.p_flags) });
                }
            }
            PT_INTERP => {
                if interp.is_some() {
                    return corrupt("more than one PT_INTERP program header".into());
                }
                if p.p_filesz < 2 || p.p_filesz > 4096 || p.p_offset.checked_add(p.p_filesz).is_none_or(|e| e > src.size()) {
                    return corrupt(format!("segment {i} (PT_INTERP) has a bad size or lies beyond the end of the file"));
                }
                let mut s = vec![0u8; p.p_filesz as usize];
                src.read_at(p.p_offset, &mut s).map_err(|e| Bad::Corrupt(format!("cannot read the interpreter path: {e}")))?;
                if s.pop() != Some(0) || s.contains(&0) || s.is_empty() {
                    return corrupt("the interpreter path (PT_INTERP) is not a NUL-terminated string".into());
                }
                interp = Some(s);
            }
            PT_GNU_STACK => exec_stack = p.p_flags & PF_X != 0,
            PT_PHDR => pt_phdr = Some(p.p_vaddr),
            _ => {}
        }
    }
    if loads.is_empty() {
        return corrupt("no loadable segment (PT_LOAD)".into());
    }
    loads.sort_by_key(|s| s.vaddr);
    for w in loads.windows(2) {
        if w[0].vaddr + w[0].memsz > w[1].vaddr {
            return corrupt(format!(
                "loadable segments overlap: {:#x}+{:#x} and {:#x}+{:#x}",
                w[0].vaddr, w[0].memsz, w[1].vaddr, w[1].memsz
            ));
        }
    }
    if align >= top / 4 {
        return corrupt(format!("absurd segment alignment {align:#x}"));
    }
    // AT_PHDR: PT_PHDR if present, else the loaded copy of the table inside some PT_LOAD.
    let phdr_vaddr = pt_phdr
        .or_else(|| {
            loads
                .iter()
                .find(|s| s.offset <= h.phoff && h.phoff + table <= s.offset + s.filesz)
                .map(|s| s.vaddr + (h.phoff - s.offset))
        })
        .unwrap_or(0);
    Ok(Image { ehdr: h.clone(), loads, interp, exec_stack, phdr_vaddr, align })
}

/// Read, check and validate a whole file for `arch`.
pub fn parse(src: &dyn Source, arch: &dyn GuestArch, top: u64) -> Result<Image, Bad> {
    let h = read_ehdr(src)?;
    check_arch(&h, arch)?;
    read_image(src, &h, top)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::guest::aarch64::AARCH64;
    use crate::mem::{PROT_EXEC, PROT_READ, PROT_WRITE};

    const TOP: u64 = 0x7fff_ffff_f000;

    /// A minimal valid static aarch64 ELF64: one R+X PT_LOAD at 0x400000 holding the headers
    /// and `code`, entry right after the headers, plus a PT_GNU_STACK.
    pub fn tiny_elf(code: &[u32]) -> Vec<u8> {
        let mut v = vec![0u8; 64 + 2 * 56];
        v[..4].copy_from_slice(b"\x7fELF");
        v[4] = 2; // ELFCLASS64
        v[5] = 1; // little-endian
        v[6] = 1; // EV_CURRENT
        let put16 = |v: &mut Vec<u8>, o: usize, x: u16| v[o..o + 2].copy_from_slice(&x.to_le_bytes());
        let put32 = |v: &mut Vec<u8>, o: usize, x: u32| v[o..o + 4].copy_from_slice(&x.to_le_bytes());
        let put64 = |v: &mut Vec<u8>, o: usize, x: u64| v[o..o + 8].copy_from_slice(&x.to_le_bytes());
        let code_off = v.len() as u64;
        for w in code {
            v.extend_from_slice(&w.to_le_bytes());
        }
        let size = v.len() as u64;
        put16(&mut v, 16, 2); // ET_EXEC
        put16(&mut v, 18, 183); // EM_AARCH64
        put32(&mut v, 20, 1);
        put64(&mut v, 24, 0x400000 + code_off); // e_entry
        put64(&mut v, 32, 64); // e_phoff
        put16(&mut v, 52, 64); // e_ehsize
        put16(&mut v, 54, 56); // e_phentsize
        put16(&mut v, 56, 2); // e_phnum
        // PT_LOAD
        let p = 64;
        put32(&mut v, p, 1);
        put32(&mut v, p + 4, 5); // R+X
        put64(&mut v, p + 8, 0);
        put64(&mut v, p + 16, 0x400000);
        put64(&mut v, p + 24, 0x400000);
        put64(&mut v, p + 32, size);
        put64(&mut v, p + 40, size);
        put64(&mut v, p + 48, 0x10000);
        // PT_GNU_STACK
        let p = 64 + 56;
        put32(&mut v, p, 0x6474e551);
        put32(&mut v, p + 4, 6);
        v
    }

    /// Field offsets in `tiny_elf` for corrupting.
    pub const PH0: usize = 64;

    fn set64(v: &mut [u8], o: usize, x: u64) {
        v[o..o + 8].copy_from_slice(&x.to_le_bytes());
    }

    fn parse_bytes(v: &[u8]) -> Result<Image, Bad> {
        parse(&v, &AARCH64, TOP)
    }

    fn corrupt_msg(v: &[u8]) -> String {
        match parse_bytes(v) {
            Err(Bad::Corrupt(s)) => s,
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    #[test]
    fn valid_tiny() {
        let img = parse_bytes(&tiny_elf(&[0xd503201f])).unwrap();
        assert_eq!(img.loads.len(), 1);
        assert_eq!(img.loads[0].prot, PROT_READ | PROT_EXEC);
        assert_eq!(img.phdr_vaddr, 0x400040);
        assert_eq!(img.align, 0x10000);
        assert!(!img.exec_stack);
        assert!(img.interp.is_none());
        assert_eq!(img.span(), (0x400000, 0x401000));
    }

    #[test]
    fn bss_only_segment_may_name_any_offset() {
        // A PT_LOAD with no file bytes at an offset past the end of the file (linkers emit
        // these for .bss-only segments): Linux loads it, so must we.
        let mut v = tiny_elf(&[0xd503201f]);
        let p1 = PH0 + 56;
        v[p1..p1 + 4].copy_from_slice(&1u32.to_le_bytes());
        v[p1 + 4..p1 + 8].copy_from_slice(&6u32.to_le_bytes()); // RW
        set64(&mut v, p1 + 8, 0x5000); // p_offset, past EOF
        set64(&mut v, p1 + 16, 0x405000);
        set64(&mut v, p1 + 24, 0x405000);
        set64(&mut v, p1 + 32, 0); // p_filesz
        set64(&mut v, p1 + 40, 0x1000);
        let img = parse_bytes(&v).unwrap();
        assert_eq!(img.loads.len(), 2);
        // With file bytes, the same offset is corrupt.
        set64(&mut v, p1 + 32, 1);
        assert!(corrupt_msg(&v).contains("beyond the end of the file"));
    }

    #[test]
    fn not_elf() {
        assert!(matches!(parse_bytes(b"#!/bin/sh\necho hi\n"), Err(Bad::NotElf(s)) if s.contains("script") && s.contains("/bin/sh")));
        assert!(matches!(parse_bytes(b"hello world\n"), Err(Bad::NotElf(s)) if s.contains("text file")));
        assert!(matches!(parse_bytes(b""), Err(Bad::NotElf(_))));
        assert!(matches!(parse_bytes(&[0u8, 1, 2, 3, 0xff]), Err(Bad::NotElf(_))));
    }

    #[test]
    fn truncated_header() {
        let v = tiny_elf(&[0]);
        assert!(corrupt_msg(&v[..40]).contains("truncated"));
        assert!(corrupt_msg(&v[..10]).contains("truncated"));
    }

    #[test]
    fn wrong_machine_class_endian_type() {
        let mut v = tiny_elf(&[0]);
        v[18] = 62; // x86-64
        assert!(matches!(parse_bytes(&v), Err(Bad::Unsupported(s)) if s.contains("x86-64") && s.contains("run it directly")));
        let mut v = tiny_elf(&[0]);
        v[18] = 21;
        assert!(matches!(parse_bytes(&v), Err(Bad::Unsupported(s)) if s.contains("PowerPC64")));
        let mut v = tiny_elf(&[0]);
        v[5] = 2; // big-endian: machine reads as 183<<8 → wrong machine; fix it up
        v[18] = 0;
        v[19] = 183;
        assert!(matches!(parse_bytes(&v), Err(Bad::Unsupported(s)) if s.contains("big-endian")));
        let mut v = tiny_elf(&[0]);
        v[16] = 1; // ET_REL
        assert!(matches!(parse_bytes(&v), Err(Bad::Unsupported(s)) if s.contains("object file")));
        let mut v = tiny_elf(&[0]);
        v[4] = 3;
        assert!(corrupt_msg(&v).contains("class"));
    }

    #[test]
    fn corrupt_program_headers() {
        let base = tiny_elf(&[0]);
        let mut v = base.clone();
        set64(&mut v, 32, 0x10000); // e_phoff beyond the file
        assert!(corrupt_msg(&v).contains("beyond the end of the file"));
        let mut v = base.clone();
        v[54] = 40; // e_phentsize
        assert!(corrupt_msg(&v).contains("entry size"));
        let mut v = base.clone();
        v[56] = 0; // e_phnum
        assert!(corrupt_msg(&v).contains("no program headers"));
        let mut v = base.clone();
        set64(&mut v, PH0 + 32, 0x100000); // p_filesz past EOF
        set64(&mut v, PH0 + 40, 0x100000);
        assert!(corrupt_msg(&v).contains("beyond the end of the file"));
        let mut v = base.clone();
        set64(&mut v, PH0 + 40, 0x10); // p_memsz < p_filesz
        assert!(corrupt_msg(&v).contains("larger than its memory size"));
        let mut v = base.clone();
        set64(&mut v, PH0 + 16, 0x400010); // vaddr not congruent with offset
        assert!(corrupt_msg(&v).contains("congruent"));
        let mut v = base.clone();
        set64(&mut v, PH0 + 16, 0x8000_0000_0000); // beyond the address space
        assert!(corrupt_msg(&v).contains("beyond the guest address space"));
        let mut v = base.clone();
        set64(&mut v, PH0 + 40, u64::MAX - 5); // absurd size
        assert!(corrupt_msg(&v).contains("absurd"));
        let mut v = base.clone();
        v[PH0] = 4; // PT_NOTE: no PT_LOAD left
        assert!(corrupt_msg(&v).contains("no loadable segment"));
        let mut v = base.clone();
        // Second header becomes a PT_LOAD overlapping the first.
        let p1 = PH0 + 56;
        v[p1..p1 + 4].copy_from_slice(&1u32.to_le_bytes());
        set64(&mut v, p1 + 8, 0);
        set64(&mut v, p1 + 16, 0x400000);
        set64(&mut v, p1 + 40, 0x100);
        assert!(corrupt_msg(&v).contains("overlap"));
    }

    #[test]
    fn interp_and_stack_flags() {
        let mut v = tiny_elf(&[0]);
        let path = b"/lib/ld-linux-aarch64.so.1\0";
        let off = v.len() as u64;
        v.extend_from_slice(path);
        let p1 = PH0 + 56;
        v[p1..p1 + 4].copy_from_slice(&3u32.to_le_bytes()); // PT_INTERP
        set64(&mut v, p1 + 8, off);
        set64(&mut v, p1 + 32, path.len() as u64);
        let img = parse_bytes(&v).unwrap();
        assert_eq!(img.interp.as_deref(), Some(&path[..path.len() - 1]));
        // Missing NUL.
        set64(&mut v, p1 + 32, path.len() as u64 - 1);
        assert!(corrupt_msg(&v).contains("NUL"));
        // Executable stack.
        let mut v = tiny_elf(&[0]);
        v[p1 + 4] = 7;
        assert!(parse_bytes(&v).unwrap().exec_stack);
    }

    #[test]
    fn permissions() {
        assert_eq!(seg_prot(PF_R), PROT_READ);
        assert_eq!(seg_prot(PF_R | PF_W), PROT_READ | PROT_WRITE);
        assert_eq!(seg_prot(PF_R | PF_X), PROT_READ | PROT_EXEC);
        assert_eq!(seg_prot(PF_X), PROT_EXEC);
        assert_eq!(seg_prot(PF_R | PF_W | PF_X), PROT_READ | PROT_WRITE | PROT_EXEC);
        assert_eq!(seg_prot(0), 0);
    }
}
