//! Mapping a validated ELF image into guest memory.
//!
//! The whole image span is first reserved with MAP_FIXED_NOREPLACE, so ruser's own memory is
//! never replaced; each PT_LOAD is then mapped over its part of the reservation (file-backed
//! and private, as Linux does, or copied if the file cannot be mapped), the partial page after
//! the file bytes is zeroed, the bss gets anonymous pages, and the unused holes of the
//! reservation are released.

use super::elf::{Image, Segment, Source};
use crate::mem::mapflags::*;
use crate::mem::{page_down, page_up, GuestMem, PAGE_SIZE, PROT_WRITE};
use goblin::elf::header::ET_DYN;
use nix::errno::Errno;
use std::os::fd::AsRawFd;

/// Preferred load addresses for a relocatable main program (static-pie or PIE) and for the
/// ELF interpreter. Both lie well below the host's own PIE image (0x55.., 0x56..) and its
/// mmap area (0x7f..); if all are taken the kernel picks a free place.
pub const PROGRAM_BASES: &[u64] = &[0x2aaa_aaaa_0000, 0x1555_5555_0000, 0x3aaa_aaaa_0000];
pub const INTERP_BASES: &[u64] = &[0x3fff_f7f0_0000, 0x4aaa_aaaa_0000, 0x0aaa_aaaa_0000];

/// Where an image ended up.
#[derive(Debug, Clone, Copy)]
pub struct Mapped {
    /// Added to every address of the image (0 for ET_EXEC).
    pub bias: u64,
    /// Relocated entry point.
    pub entry: u64,
    /// Relocated address of the program headers (0 if they are not in memory).
    pub phdr: u64,
    /// Page-aligned end of the highest segment (where brk starts for a main program).
    pub end: u64,
}

/// Map `img` from the open file `src`. `name` is recorded in the guest VMAs.
pub fn map_image(mem: &GuestMem, src: &super::elf::FileSource, name: &str, img: &Image, bases: &[u64]) -> Result<Mapped, String> {
    let (lo, hi) = img.span();
    let size = hi - lo;
    let bias = if img.ehdr.e_type == ET_DYN {
        reserve_anywhere(mem, size, img.align, bases)? - lo
    } else {
        reserve(mem, lo, size).map_err(|e| match e {
            Errno::EEXIST | Errno::ENOMEM if hi <= mem.top() => format!(
                "cannot be loaded at its fixed addresses {lo:#x}-{hi:#x}: that range is already used by ruser itself on this host"
            ),
            Errno::EPERM | Errno::EACCES => format!(
                "cannot be loaded at its fixed addresses {lo:#x}-{hi:#x}: the host forbids mapping that low (see /proc/sys/vm/mmap_min_addr)"
            ),
            e => format!("cannot reserve its addresses {lo:#x}-{hi:#x}: {}", e.desc()),
        })?;
        0
    };
    let fd = src.file.as_raw_fd();
    for s in &img.loads {
        if let Err(e) = map_segment(mem, src, fd, name, s, bias) {
            let _ = mem.munmap(lo + bias, size);
            return Err(format!("cannot map the segment at {:#x}: {}", s.vaddr + bias, e.desc()));
        }
    }
    // Release the holes of the reservation that no segment uses.
    let mut covered: Vec<(u64, u64)> =
        img.loads.iter().map(|s| (page_down(s.vaddr) + bias, page_up(s.vaddr + s.memsz).unwrap_or(hi) + bias)).collect();
    covered.sort();
    let mut a = lo + bias;
    for (s, e) in covered.into_iter().chain(std::iter::once((hi + bias, hi + bias))) {
        if s > a {
            let _ = mem.munmap(a, s - a);
        }
        a = a.max(e);
    }
    Ok(Mapped {
        bias,
        entry: img.ehdr.entry.wrapping_add(bias),
        phdr: if img.phdr_vaddr != 0 { img.phdr_vaddr + bias } else { 0 },
        end: hi + bias,
    })
}

/// Reserve `[addr, addr+len)` (inaccessible) without replacing anything.
fn reserve(mem: &GuestMem, addr: u64, len: u64) -> Result<u64, Errno> {
    let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE;
    let got = mem.mmap(addr, len, 0, flags, -1, 0, None)?;
    if got != addr {
        // A kernel without MAP_FIXED_NOREPLACE treats it as a hint.
        let _ = mem.munmap(got, len);
        return Err(Errno::EEXIST);
    }
    Ok(got)
}

/// Reserve `len` bytes at an `align`-aligned address, trying `bases` first, then anywhere.
fn reserve_anywhere(mem: &GuestMem, len: u64, align: u64, bases: &[u64]) -> Result<u64, String> {
    let up = |a: u64| a.checked_add(align - 1).map(|x| x & !(align - 1));
    for &b in bases {
        if let Some(b) = up(b) {
            if b.checked_add(len).is_some_and(|e| e <= mem.top()) && reserve(mem, b, len).is_ok() {
                return Ok(b);
            }
        }
    }
    // Let the kernel find room for the image plus alignment slack, then take an aligned part.
    let fail = |e: Errno| format!("no room for its {len:#x} bytes in the guest address space: {}", e.desc());
    let slack = len.checked_add(align).ok_or_else(|| fail(Errno::ENOMEM))?;
    let g = mem.mmap(0, slack, 0, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0, None).map_err(fail)?;
    mem.munmap(g, slack).map_err(fail)?;
    let b = up(g).ok_or_else(|| fail(Errno::ENOMEM))?;
    reserve(mem, b, len).map_err(fail)
}

/// Map one PT_LOAD segment at `bias` over the reservation.
fn map_segment(mem: &GuestMem, src: &dyn Source, fd: i32, name: &str, s: &Segment, bias: u64) -> Result<(), Errno> {
    let start = s.vaddr + bias;
    let page = page_down(start);
    let file_end = start + s.filesz;
    let mem_end = start + s.memsz;
    let mut anon_from = page;
    if s.filesz > 0 {
        let file_page_end = page_up(file_end).ok_or(Errno::ENOMEM)?;
        let off = page_down(s.offset);
        let len = file_page_end - page;
        let flags = MAP_PRIVATE | MAP_FIXED;
        if mem.mmap(page, len, s.prot, flags, fd, off, Some(name.to_string())).is_err() {
            // Not mappable (e.g. a filesystem without mmap): copy the bytes instead.
            mem.mmap(page, len, s.prot | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0, None)?;
            let mut buf = vec![0u8; (s.filesz + (start - page)) as usize];
            src.read_at(off, &mut buf).map_err(|_| Errno::EIO)?;
            mem.write(page, &buf)?;
            mem.mprotect(page, len, s.prot)?;
        }
        // The rest of the last file page belongs to the bss (if any): it must read as zero.
        if s.memsz > s.filesz && file_end < file_page_end {
            mem.write_force(file_end, &vec![0u8; (file_page_end - file_end) as usize])?;
        }
        anon_from = file_page_end;
    }
    let mem_page_end = page_up(mem_end).ok_or(Errno::ENOMEM)?;
    if mem_page_end > anon_from {
        mem.mmap(anon_from, mem_page_end - anon_from, s.prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, None)?;
    }
    debug_assert!(PAGE_SIZE.is_power_of_two());
    Ok(())
}
