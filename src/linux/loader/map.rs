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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guest::aarch64::AARCH64;
    use crate::linux::loader::elf::tests::{tiny_elf, PH0};
    use crate::linux::loader::elf::{self, FileSource};
    use crate::mem::{VmaKind, PROT_EXEC, PROT_READ};

    /// tiny_elf plus a RW data segment at `0x410000 + off % 4096` with 8 file bytes followed by
    /// garbage in the same file page (which must read as zero: it is bss), and 0x2000 of bss.
    fn two_segments(e_type: u16) -> Vec<u8> {
        let mut v = tiny_elf(&[0xd503201f]);
        v[16..18].copy_from_slice(&e_type.to_le_bytes());
        let off = v.len() as u64;
        v.extend_from_slice(&0x1122334455667788u64.to_le_bytes());
        v.extend_from_slice(&[0xaa; 16]);
        let p = PH0 + 56;
        let put = |v: &mut Vec<u8>, o: usize, x: u64| v[o..o + 8].copy_from_slice(&x.to_le_bytes());
        v[p..p + 4].copy_from_slice(&1u32.to_le_bytes());
        v[p + 4..p + 8].copy_from_slice(&6u32.to_le_bytes()); // R+W
        put(&mut v, p + 8, off);
        put(&mut v, p + 16, 0x410000 + off);
        put(&mut v, p + 32, 8);
        put(&mut v, p + 40, 0x2000);
        put(&mut v, p + 48, 0x1000);
        v
    }

    fn load(bytes: &[u8], tag: &str, bases: &[u64]) -> (GuestMem, Mapped, u64) {
        let path = std::env::temp_dir().join(format!("ruser-map-{tag}-{}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let src = FileSource { size: bytes.len() as u64, file };
        let mem = GuestMem::new_identity();
        let img = elf::parse(&src, &AARCH64, mem.top()).unwrap();
        let m = map_image(&mem, &src, "t", &img, bases).unwrap();
        std::fs::remove_file(&path).unwrap();
        let data = 0x410000 + img.loads[1].offset;
        (mem, m, data)
    }

    fn check(mem: &GuestMem, m: &Mapped, data: u64) {
        let b = m.bias;
        assert_eq!(mem.read_u64(data + b).unwrap(), 0x1122334455667788);
        // The garbage after the file bytes and the whole bss read as zero and are writable.
        let mut z = vec![0xffu8; 0x2000 - 8];
        mem.read(data + b + 8, &mut z).unwrap();
        assert!(z.iter().all(|&x| x == 0));
        mem.write_u64(data + b + 0x1ff0, 5).unwrap();
        // Text is R+X and file-backed; code reads back.
        let text = mem.snapshot().into_iter().find(|v| v.start == 0x400000 + b).unwrap();
        assert_eq!(text.prot, PROT_READ | PROT_EXEC);
        assert!(matches!(text.kind, VmaKind::File { .. }));
        assert_eq!(mem.fetch_code(m.entry, 4).unwrap(), &0xd503201fu32.to_le_bytes());
        assert!(mem.write(0x400000 + b, &[0]).is_err());
        // The hole between the segments is not guest memory any more.
        assert!(!mem.is_accessible(0x401000 + b, 1, 0));
        assert_eq!(m.end, page_up(data + 0x2000).unwrap() + b);
        assert_eq!(m.phdr, 0x400040 + b);
        mem.munmap(0x400000 + b, m.end - 0x400000 - b).unwrap();
    }

    #[test]
    fn exec_segments_bss_and_holes() {
        let (mem, m, data) = load(&two_segments(2), "exec", PROGRAM_BASES);
        assert_eq!(m.bias, 0);
        check(&mem, &m, data);
    }

    #[test]
    fn dyn_image_is_placed_at_an_aligned_base() {
        let (mem, m, data) = load(&two_segments(3), "dyn", &[0x3555_5554_3000]);
        assert_ne!(m.bias, 0);
        assert_eq!((m.bias + 0x400000) % 0x10000, 0);
        check(&mem, &m, data);
    }
}
