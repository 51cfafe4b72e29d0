//! Guest memory: the guest_base scheme, the map of guest mappings, and checked access.
//!
//! A guest address `a` lives at host address `base + a`. For 64-bit guests `base` is 0, so a
//! guest access costs nothing extra; every guest mapping is recorded in `vmas`, which is what
//! keeps the guest from mapping over, unmapping or protecting ruser's own memory, and what
//! syscalls consult to return EFAULT for bad guest pointers.

pub mod codepages;
mod vma;

pub use vma::{Vma, VmaKind, VmaMap};

use nix::errno::Errno;
use std::sync::{Mutex, MutexGuard};

pub const PAGE_SIZE: u64 = 4096;

pub const PROT_READ: u32 = 1;
pub const PROT_WRITE: u32 = 2;
pub const PROT_EXEC: u32 = 4;

pub fn page_down(a: u64) -> u64 {
    a & !(PAGE_SIZE - 1)
}
pub fn page_up(a: u64) -> Option<u64> {
    a.checked_add(PAGE_SIZE - 1).map(page_down)
}

static CODE_HOOK: std::sync::OnceLock<fn(u64, u64)> = std::sync::OnceLock::new();

/// Register the function told about guest memory whose contents or mapping changed in a way
/// that may affect translated code (the execution layer drops those translations).
pub fn set_code_change_hook(f: fn(u64, u64)) {
    let _ = CODE_HOOK.set(f);
}

/// Report that guest code in `[start, end)` may have changed (unmapped, remapped, reprotected,
/// or written with cache maintenance such as IC IVAU). Never call it with the memory lock held.
pub fn code_changed(start: u64, end: u64) {
    if let Some(f) = CODE_HOOK.get() {
        f(start, end);
    }
}

/// Highest guest address (exclusive) a 64-bit guest may map: the x86-64 user address space.
const GUEST_TOP_64: u64 = 0x7fff_ffff_f000;

/// The guest address space.
pub struct GuestMem {
    base: usize,
    top: u64,
    state: Mutex<MemState>,
}

/// Mutable part of the guest address space.
pub struct MemState {
    pub vmas: VmaMap,
    /// Start of the brk area (end of the highest loaded segment) and current break.
    pub brk_start: u64,
    pub brk: u64,
}

/// Guest mmap flags we understand (Linux generic values, same on aarch64 and ppc).
pub mod mapflags {
    pub const MAP_SHARED: u32 = 0x01;
    pub const MAP_PRIVATE: u32 = 0x02;
    pub const MAP_SHARED_VALIDATE: u32 = 0x03;
    pub const MAP_TYPE: u32 = 0x0f;
    pub const MAP_FIXED: u32 = 0x10;
    pub const MAP_ANONYMOUS: u32 = 0x20;
    pub const MAP_NORESERVE: u32 = 0x4000;
    pub const MAP_FIXED_NOREPLACE: u32 = 0x100000;
}
use mapflags::*;

fn host_prot(prot: u32) -> i32 {
    let mut p = 0;
    if prot & (PROT_READ | PROT_EXEC) != 0 {
        p |= libc::PROT_READ;
    }
    if prot & PROT_WRITE != 0 {
        p |= libc::PROT_WRITE;
    }
    p
}

impl GuestMem {
    /// A 64-bit guest address space sharing the host's (guest_base = 0).
    pub fn new_identity() -> GuestMem {
        GuestMem {
            base: 0,
            top: GUEST_TOP_64,
            state: Mutex::new(MemState { vmas: VmaMap::default(), brk_start: 0, brk: 0 }),
        }
    }

    /// Host address of guest address 0.
    pub fn base(&self) -> usize {
        self.base
    }

    /// Host pointer for a guest address (no checking).
    pub fn g2h(&self, addr: u64) -> *mut u8 {
        self.base.wrapping_add(addr as usize) as *mut u8
    }

    /// Guest address of a host pointer.
    pub fn h2g(&self, p: usize) -> u64 {
        p.wrapping_sub(self.base) as u64
    }

    pub fn lock(&self) -> MutexGuard<'_, MemState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `[addr, addr+len)` is entirely guest memory allowing `prot`.
    pub fn is_accessible(&self, addr: u64, len: u64, prot: u32) -> bool {
        if len == 0 {
            return true;
        }
        let Some(end) = addr.checked_add(len) else { return false };
        if !self.lock().vmas.covers(addr, end, prot) {
            return false;
        }
        if prot & PROT_WRITE != 0 {
            // The caller is about to write (or let the kernel write) there.
            if let Some((s, e)) = codepages::unprotect(addr, end) {
                code_changed(s, e);
            }
        }
        true
    }

    /// Write-protect the host pages under guest code `[start, end)` that was just translated
    /// (see `codepages`).
    pub fn protect_code(&self, start: u64, end: u64) {
        let st = self.lock();
        codepages::protect(self.base, start, end, |page| st.vmas.find(page).map(|v| host_prot(v.prot)));
    }

    /// EFAULT unless `[addr, addr+len)` is guest memory allowing `prot`.
    pub fn check(&self, addr: u64, len: u64, prot: u32) -> Result<(), Errno> {
        if self.is_accessible(addr, len, prot) {
            Ok(())
        } else {
            Err(Errno::EFAULT)
        }
    }

    /// Copy guest memory out, with EFAULT on a bad range.
    pub fn read(&self, addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
        self.check(addr, buf.len() as u64, PROT_READ)?;
        // Through `access`: another guest thread may unmap the range meanwhile.
        // SAFETY: `buf` is host memory of that length.
        unsafe { crate::access::copy(buf.as_mut_ptr(), self.g2h(addr), buf.len()) }.map_err(|_| Errno::EFAULT)
    }

    /// Copy into guest memory, with EFAULT on a bad range.
    pub fn write(&self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        self.check(addr, data.len() as u64, PROT_WRITE)?;
        // Through `access`: another guest thread may unmap the range meanwhile.
        // SAFETY: `data` is host memory of that length.
        unsafe { crate::access::copy(self.g2h(addr), data.as_ptr(), data.len()) }.map_err(|_| Errno::EFAULT)
    }

    /// Copy into guest memory ignoring guest protection (loader use: e.g. read-only segments).
    pub fn write_force(&self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        let end = addr.checked_add(data.len() as u64).ok_or(Errno::EFAULT)?;
        if !self.lock().vmas.covers(addr, end, 0) {
            return Err(Errno::EFAULT);
        }
        let (start, stop) = (page_down(addr), page_up(end).ok_or(Errno::EFAULT)?);
        // Written code must be retranslated; the pages get their VMA protection back below.
        codepages::forget(start, stop);
        let st = self.lock();
        // Temporarily make the pages writable on the host, then restore each VMA's protection.
        unsafe {
            if libc::mprotect(self.g2h(start) as *mut _, (stop - start) as usize, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                return Err(Errno::last());
            }
            std::ptr::copy_nonoverlapping(data.as_ptr(), self.g2h(addr), data.len());
        }
        for v in st.vmas.overlapping(start, stop) {
            let (s, e) = (v.start.max(start), v.end.min(stop));
            unsafe { libc::mprotect(self.g2h(s) as *mut _, (e - s) as usize, host_prot(v.prot)) };
        }
        drop(st);
        code_changed(start, stop);
        Ok(())
    }

    pub fn read_u32(&self, addr: u64) -> Result<u32, Errno> {
        let mut b = [0u8; 4];
        self.read(addr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    pub fn read_u64(&self, addr: u64) -> Result<u64, Errno> {
        let mut b = [0u8; 8];
        self.read(addr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    pub fn write_u32(&self, addr: u64, v: u32) -> Result<(), Errno> {
        self.write(addr, &v.to_le_bytes())
    }
    pub fn write_u64(&self, addr: u64, v: u64) -> Result<(), Errno> {
        self.write(addr, &v.to_le_bytes())
    }

    /// Read a NUL-terminated string of at most `max` bytes (without the NUL).
    pub fn read_cstr(&self, addr: u64, max: usize) -> Result<Vec<u8>, Errno> {
        let mut out = Vec::new();
        let mut a = addr;
        loop {
            // Read up to the end of the current page at a time.
            let chunk = (PAGE_SIZE - (a % PAGE_SIZE)) as usize;
            self.check(a, chunk as u64, PROT_READ)?;
            let mut page = vec![0u8; chunk];
            // SAFETY: `page` has `chunk` bytes; the guest side may fault (another thread).
            unsafe { crate::access::copy(page.as_mut_ptr(), self.g2h(a), chunk) }.map_err(|_| Errno::EFAULT)?;
            let bytes = &page[..];
            if let Some(n) = bytes.iter().position(|&b| b == 0) {
                out.extend_from_slice(&bytes[..n]);
                return Ok(out);
            }
            out.extend_from_slice(bytes);
            if out.len() > max {
                return Err(Errno::ENAMETOOLONG);
            }
            a += chunk as u64;
        }
    }

    /// Fetch 4 bytes of guest code at `addr`, if mapped executable.
    pub fn fetch_code(&self, addr: u64, len: usize) -> Option<&[u8]> {
        let end = addr.checked_add(len as u64)?;
        if !self.lock().vmas.covers(addr, end, PROT_EXEC) {
            return None;
        }
        // SAFETY: mapped and (host-)readable; guest memory outlives translation of a block.
        Some(unsafe { std::slice::from_raw_parts(self.g2h(addr), len) })
    }

    /// Guest mmap. `fd` is a host fd (or -1 for anonymous).
    pub fn mmap(&self, addr: u64, len: u64, prot: u32, flags: u32, fd: i32, off: u64, name: Option<String>) -> Result<u64, Errno> {
        if len == 0 || off % PAGE_SIZE != 0 {
            return Err(Errno::EINVAL);
        }
        let len = page_up(len).ok_or(Errno::ENOMEM)?;
        let fixed = flags & MAP_FIXED != 0;
        let noreplace = flags & MAP_FIXED_NOREPLACE != 0;
        let anon = flags & MAP_ANONYMOUS != 0;
        let shared = matches!(flags & MAP_TYPE, MAP_SHARED | MAP_SHARED_VALIDATE);
        if (fixed || noreplace) && addr % PAGE_SIZE != 0 {
            return Err(Errno::EINVAL);
        }
        let mut st = self.lock();
        let mut hflags = (if shared { libc::MAP_SHARED } else { libc::MAP_PRIVATE })
            | (if anon { libc::MAP_ANONYMOUS } else { 0 })
            | (if flags & MAP_NORESERVE != 0 { libc::MAP_NORESERVE } else { 0 });
        let end = addr.checked_add(len).ok_or(Errno::ENOMEM)?;
        let mut target = 0u64;
        if fixed || noreplace {
            if end > self.top {
                return Err(Errno::ENOMEM);
            }
            if noreplace {
                if st.vmas.overlaps(addr, end) {
                    return Err(Errno::EEXIST);
                }
                hflags |= libc::MAP_FIXED_NOREPLACE;
            } else {
                // Claim every part of the range the guest does not own yet, so that a MAP_FIXED
                // can never replace ruser's own memory.
                self.claim_gaps(&st.vmas, addr, end)?;
                codepages::forget(addr, end);
                hflags |= libc::MAP_FIXED;
            }
            target = addr;
        } else if addr != 0 && end <= self.top && !st.vmas.overlaps(addr, end) {
            target = page_down(addr);
        }
        let p = unsafe {
            libc::mmap(self.g2h(target) as *mut _, len as usize, host_prot(prot), hflags, if anon { -1 } else { fd }, off as libc::off_t)
        };
        if p == libc::MAP_FAILED {
            return Err(Errno::last());
        }
        let g = self.h2g(p as usize);
        if g.checked_add(len).map_or(true, |e| e > self.top) {
            unsafe { libc::munmap(p, len as usize) };
            return Err(Errno::ENOMEM);
        }
        let kind = if anon { VmaKind::Anon } else { VmaKind::File { name: name.unwrap_or_default(), offset: off } };
        st.vmas.insert(Vma { start: g, end: g + len, prot, shared, kind });
        drop(st);
        if fixed {
            code_changed(g, g + len);
        }
        Ok(g)
    }

    /// Reserve every sub-range of `[start, end)` not covered by a guest mapping, failing with
    /// ENOMEM (and undoing) if any of it is already host memory.
    fn claim_gaps(&self, vmas: &VmaMap, start: u64, end: u64) -> Result<(), Errno> {
        let gaps = vmas.gaps(start, end);
        for (i, &(s, e)) in gaps.iter().enumerate() {
            let p = unsafe {
                libc::mmap(
                    self.g2h(s) as *mut _,
                    (e - s) as usize,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED_NOREPLACE,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED || p as usize != self.g2h(s) as usize {
                if p != libc::MAP_FAILED {
                    unsafe { libc::munmap(p, (e - s) as usize) };
                }
                for &(s2, e2) in &gaps[..i] {
                    unsafe { libc::munmap(self.g2h(s2) as *mut _, (e2 - s2) as usize) };
                }
                return Err(Errno::ENOMEM);
            }
        }
        Ok(())
    }

    /// Guest munmap: only guest-owned pages are unmapped.
    pub fn munmap(&self, addr: u64, len: u64) -> Result<(), Errno> {
        if addr % PAGE_SIZE != 0 || len == 0 {
            return Err(Errno::EINVAL);
        }
        let end = addr.checked_add(page_up(len).ok_or(Errno::EINVAL)?).ok_or(Errno::EINVAL)?;
        codepages::forget(addr, end);
        let mut st = self.lock();
        for v in st.vmas.overlapping(addr, end) {
            let (s, e) = (v.start.max(addr), v.end.min(end));
            unsafe { libc::munmap(self.g2h(s) as *mut _, (e - s) as usize) };
        }
        st.vmas.remove(addr, end);
        drop(st);
        code_changed(addr, end);
        Ok(())
    }

    /// Guest mprotect: ENOMEM if any page of the range is not guest memory.
    pub fn mprotect(&self, addr: u64, len: u64, prot: u32) -> Result<(), Errno> {
        if addr % PAGE_SIZE != 0 {
            return Err(Errno::EINVAL);
        }
        if len == 0 {
            return Ok(());
        }
        let end = addr.checked_add(page_up(len).ok_or(Errno::ENOMEM)?).ok_or(Errno::ENOMEM)?;
        let mut st = self.lock();
        if !st.vmas.covers(addr, end, 0) {
            return Err(Errno::ENOMEM);
        }
        codepages::forget(addr, end);
        if unsafe { libc::mprotect(self.g2h(addr) as *mut _, (end - addr) as usize, host_prot(prot)) } != 0 {
            return Err(Errno::last());
        }
        st.vmas.protect(addr, end, prot);
        drop(st);
        code_changed(addr, end);
        Ok(())
    }

    /// Guest madvise. MADV_DONTNEED really drops (zeroes) private anonymous pages, because the
    /// host call does exactly that on the same pages.
    pub fn madvise(&self, addr: u64, len: u64, advice: i32) -> Result<(), Errno> {
        if addr % PAGE_SIZE != 0 {
            return Err(Errno::EINVAL);
        }
        if len == 0 {
            return Ok(());
        }
        let end = addr.checked_add(page_up(len).ok_or(Errno::EINVAL)?).ok_or(Errno::EINVAL)?;
        if !self.lock().vmas.covers(addr, end, 0) {
            return Err(Errno::ENOMEM);
        }
        if unsafe { libc::madvise(self.g2h(addr) as *mut _, (end - addr) as usize, advice) } != 0 {
            return Err(Errno::last());
        }
        Ok(())
    }

    /// Guest mremap (MREMAP_MAYMOVE supported; MREMAP_FIXED not yet).
    pub fn mremap(&self, old: u64, old_len: u64, new_len: u64, flags: u32) -> Result<u64, Errno> {
        const MREMAP_MAYMOVE: u32 = 1;
        if old % PAGE_SIZE != 0 || new_len == 0 || flags & !MREMAP_MAYMOVE != 0 {
            return Err(Errno::EINVAL);
        }
        let old_len = page_up(old_len).ok_or(Errno::EINVAL)?;
        let new_len = page_up(new_len).ok_or(Errno::EINVAL)?;
        let mut st = self.lock();
        let v = st.vmas.find(old).cloned().ok_or(Errno::EFAULT)?;
        if old + old_len > v.end {
            return Err(Errno::EFAULT);
        }
        codepages::forget(old, old + old_len);
        let p = unsafe {
            libc::mremap(self.g2h(old) as *mut _, old_len as usize, new_len as usize, if flags & MREMAP_MAYMOVE != 0 { libc::MREMAP_MAYMOVE } else { 0 })
        };
        if p == libc::MAP_FAILED {
            return Err(Errno::last());
        }
        let g = self.h2g(p as usize);
        st.vmas.remove(old, old + old_len);
        st.vmas.insert(Vma { start: g, end: g + new_len, ..v });
        drop(st);
        code_changed(old, old + old_len);
        code_changed(g, g + new_len);
        Ok(g)
    }

    /// Set where the brk area starts (end of the loaded image).
    pub fn init_brk(&self, start: u64) {
        let mut st = self.lock();
        st.brk_start = start;
        st.brk = start;
    }

    /// Guest brk: returns the new break, or the old one on failure (as the kernel does).
    pub fn brk(&self, new: u64) -> u64 {
        let mut st = self.lock();
        let (start, cur) = (st.brk_start, st.brk);
        if new < start {
            return cur;
        }
        let (cur_top, new_top) = (page_up(cur).unwrap_or(cur), match page_up(new) { Some(t) => t, None => return cur });
        if new_top > cur_top {
            let p = unsafe {
                libc::mmap(
                    self.g2h(cur_top) as *mut _,
                    (new_top - cur_top) as usize,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED || p as usize != self.g2h(cur_top) as usize || new_top > self.top {
                if p != libc::MAP_FAILED {
                    unsafe { libc::munmap(p, (new_top - cur_top) as usize) };
                }
                return cur;
            }
            st.vmas.insert(Vma { start: cur_top, end: new_top, prot: PROT_READ | PROT_WRITE, shared: false, kind: VmaKind::Heap });
        } else if new_top < cur_top {
            unsafe { libc::munmap(self.g2h(new_top) as *mut _, (cur_top - new_top) as usize) };
            st.vmas.remove(new_top, cur_top);
        }
        st.brk = new;
        new
    }

    /// A copy of the guest mappings, for /proc/self/maps and `-d page`.
    pub fn snapshot(&self) -> Vec<Vma> {
        self.lock().vmas.iter().cloned().collect()
    }

    /// Highest guest address (exclusive) the guest may map.
    pub fn top(&self) -> u64 {
        self.top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of "ruser's own" memory: mapped by the host, unknown to the guest map.
    fn host_page() -> *mut u8 {
        let p = unsafe {
            libc::mmap(std::ptr::null_mut(), PAGE_SIZE as usize, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0)
        };
        assert_ne!(p, libc::MAP_FAILED);
        unsafe { *(p as *mut u8) = 0x5a };
        p as *mut u8
    }

    #[test]
    fn guest_cannot_touch_host_memory() {
        let mem = GuestMem::new_identity();
        let h = host_page();
        let a = h as u64;
        let anon = mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS;
        assert_eq!(mem.mmap(a, PAGE_SIZE, PROT_READ, anon | mapflags::MAP_FIXED, -1, 0, None), Err(Errno::ENOMEM));
        assert_eq!(mem.mmap(a, PAGE_SIZE, PROT_READ, anon | mapflags::MAP_FIXED_NOREPLACE, -1, 0, None), Err(Errno::EEXIST));
        assert_eq!(mem.mprotect(a, PAGE_SIZE, PROT_READ), Err(Errno::ENOMEM));
        assert_eq!(mem.munmap(a, PAGE_SIZE), Ok(()));
        assert_eq!(mem.check(a, 1, PROT_READ), Err(Errno::EFAULT));
        // The host page is still there, unchanged and writable.
        unsafe {
            assert_eq!(*h, 0x5a);
            *h = 1;
            libc::munmap(h as *mut _, PAGE_SIZE as usize);
        }
    }

    #[test]
    fn fixed_over_guest_memory_and_hints() {
        let mem = GuestMem::new_identity();
        let anon = mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS;
        let a = mem.mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, anon, -1, 0, None).unwrap();
        mem.write(a + PAGE_SIZE, &[7]).unwrap();
        // MAP_FIXED over the guest's own pages replaces them (fresh zero page).
        assert_eq!(mem.mmap(a + PAGE_SIZE, PAGE_SIZE, PROT_READ, anon | mapflags::MAP_FIXED, -1, 0, None), Ok(a + PAGE_SIZE));
        let mut b = [9u8];
        mem.read(a + PAGE_SIZE, &mut b).unwrap();
        assert_eq!(b[0], 0);
        assert_eq!(mem.write(a + PAGE_SIZE, &[1]), Err(Errno::EFAULT), "now read-only");
        // A hint that is taken is honoured; a hint over existing memory is not.
        let probe = mem.mmap(0, 64 * PAGE_SIZE, PROT_READ, anon, -1, 0, None).unwrap();
        mem.munmap(probe, 64 * PAGE_SIZE).unwrap();
        let hint = probe + 32 * PAGE_SIZE;
        let got = mem.mmap(hint, PAGE_SIZE, PROT_READ, anon, -1, 0, None).unwrap();
        assert_eq!(got, hint);
        let other = mem.mmap(a, PAGE_SIZE, PROT_READ, anon, -1, 0, None).unwrap();
        assert_ne!(other, a);
        // MADV_DONTNEED really zeroes private anonymous pages.
        mem.write(a, &[3]).unwrap();
        mem.madvise(a, PAGE_SIZE, libc::MADV_DONTNEED).unwrap();
        mem.read(a, &mut b).unwrap();
        assert_eq!(b[0], 0);
        for (s, l) in [(a, 4 * PAGE_SIZE), (got, PAGE_SIZE), (other, PAGE_SIZE)] {
            mem.munmap(s, l).unwrap();
        }
        assert!(mem.snapshot().is_empty());
    }

    #[test]
    fn brk_grows_and_shrinks() {
        let mem = GuestMem::new_identity();
        // Find free space for a brk area: map and unmap a probe.
        let anon = mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS;
        let base = mem.mmap(0, 64 * PAGE_SIZE, PROT_READ, anon, -1, 0, None).unwrap();
        mem.munmap(base, 64 * PAGE_SIZE).unwrap();
        mem.init_brk(base);
        assert_eq!(mem.brk(0), base);
        assert_eq!(mem.brk(base + 3 * PAGE_SIZE), base + 3 * PAGE_SIZE);
        mem.write(base + 2 * PAGE_SIZE, &[1]).unwrap();
        assert_eq!(mem.brk(base + 100), base + 100);
        assert_eq!(mem.check(base + 2 * PAGE_SIZE, 1, PROT_READ), Err(Errno::EFAULT));
        assert_eq!(mem.brk(base - PAGE_SIZE), base + 100, "below the start fails");
        mem.brk(base);
        assert!(mem.snapshot().is_empty());
    }
}
