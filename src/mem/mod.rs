//! Guest memory: the guest_base scheme, the map of guest mappings, and checked access.
//!
//! A guest address `a` lives at host address `base + a`. For 64-bit guests `base` is 0, so a
//! guest access costs nothing extra; every guest mapping is recorded in `vmas`, which is what
//! keeps the guest from mapping over, unmapping or protecting ruser's own memory, and what
//! syscalls consult to return EFAULT for bad guest pointers.

pub mod codepages;
mod execpages;
mod growsdown;
mod mmap;
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

/// The guest kernel's TASK_SIZE (arm64 with 48-bit virtual addresses): the bound its range
/// checks use. Above `GUEST_TOP_64` nothing is ever mapped.
pub const GUEST_TASK_SIZE: u64 = 1 << 48;

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
    /// mlockall(MCL_FUTURE) is in force (Some(on fault)): new guest mappings are locked.
    pub lock_future: Option<bool>,
    /// SysV shared memory the guest attached: start → end.
    pub shm: std::collections::BTreeMap<u64, u64>,
    /// Ranges sealed by mseal (their own map; kinds and protections unused).
    pub seals: VmaMap,
}

impl MemState {
    /// Whether any page of `[start, end)` is sealed.
    pub fn sealed(&self, start: u64, end: u64) -> bool {
        self.seals.overlaps(start, end)
    }
}

/// Guest mmap flags (Linux generic values, the same on aarch64, ppc and x86-64).
pub mod mapflags {
    pub const MAP_SHARED: u32 = 0x01;
    pub const MAP_PRIVATE: u32 = 0x02;
    pub const MAP_SHARED_VALIDATE: u32 = 0x03;
    pub const MAP_TYPE: u32 = 0x0f;
    pub const MAP_FIXED: u32 = 0x10;
    pub const MAP_ANONYMOUS: u32 = 0x20;
    pub const MAP_GROWSDOWN: u32 = 0x100;
    pub const MAP_DENYWRITE: u32 = 0x800;
    pub const MAP_EXECUTABLE: u32 = 0x1000;
    pub const MAP_LOCKED: u32 = 0x2000;
    pub const MAP_NORESERVE: u32 = 0x4000;
    pub const MAP_POPULATE: u32 = 0x8000;
    pub const MAP_NONBLOCK: u32 = 0x10000;
    pub const MAP_STACK: u32 = 0x20000;
    pub const MAP_HUGETLB: u32 = 0x40000;
    pub const MAP_SYNC: u32 = 0x80000;
    pub const MAP_FIXED_NOREPLACE: u32 = 0x100000;
    pub const MAP_UNINITIALIZED: u32 = 0x400_0000;
    /// MAP_HUGETLB's page size: log2 in bits 26..31.
    pub const MAP_HUGE_MASK: u32 = 0x3f << 26;
}
use mapflags::*;

/// Guest mmap flags → host flags. MAP_FIXED and MAP_FIXED_NOREPLACE are left to the caller
/// (it decides how the range is claimed).
fn host_map_flags(flags: u32) -> Result<i32, Errno> {
    const PASS: &[(u32, i32)] = &[
        (MAP_ANONYMOUS, libc::MAP_ANONYMOUS),
        (MAP_GROWSDOWN, libc::MAP_GROWSDOWN),
        (MAP_LOCKED, libc::MAP_LOCKED),
        (MAP_NORESERVE, libc::MAP_NORESERVE),
        (MAP_POPULATE, libc::MAP_POPULATE),
        (MAP_NONBLOCK, libc::MAP_NONBLOCK),
        (MAP_STACK, libc::MAP_STACK),
        (MAP_HUGETLB, libc::MAP_HUGETLB),
        (MAP_SYNC, libc::MAP_SYNC),
    ];
    let mut h = match flags & MAP_TYPE {
        MAP_SHARED => libc::MAP_SHARED,
        MAP_SHARED_VALIDATE => libc::MAP_SHARED_VALIDATE,
        _ => libc::MAP_PRIVATE,
    };
    let mut known = MAP_TYPE | MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_DENYWRITE | MAP_EXECUTABLE;
    for &(g, hb) in PASS {
        known |= g;
        if flags & g != 0 {
            h |= hb;
        }
    }
    if flags & MAP_HUGETLB != 0 {
        known |= MAP_HUGE_MASK;
        h |= (flags & MAP_HUGE_MASK) as i32;
    } else {
        known |= MAP_UNINITIALIZED;
    }
    if flags & !known != 0 && flags & MAP_TYPE == MAP_SHARED_VALIDATE {
        return Err(Errno::EOPNOTSUPP);
    }
    if flags & MAP_SYNC != 0 && flags & MAP_TYPE != MAP_SHARED_VALIDATE {
        // MAP_SYNC is only honoured (and validated) with MAP_SHARED_VALIDATE.
        h &= !libc::MAP_SYNC;
    }
    Ok(h)
}

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
            state: Mutex::new(MemState { vmas: VmaMap::default(), brk_start: 0, brk: 0, lock_future: None, shm: Default::default(), seals: VmaMap::default() }),
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
        let covered = || self.lock().vmas.covers(addr, end, prot);
        // Pages the host grew below a MAP_GROWSDOWN mapping count too (see `growsdown`).
        if !(covered() || (self.adopt_stack_growth(addr, end) && covered())) {
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
        // Code in pages known to be read-only needs nothing.
        let first = start & !(PAGE_SIZE - 1);
        if (first..end).step_by(PAGE_SIZE as usize).all(|page| execpages::known(self.base, page)) {
            return;
        }
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
        let page = addr & !(PAGE_SIZE - 1);
        let one_page = end <= page + PAGE_SIZE;
        if !(one_page && execpages::known(self.base, page)) {
            let generation = vma::generation();
            let st = self.lock();
            if !st.vmas.covers(addr, end, PROT_EXEC) {
                return None;
            }
            if one_page && st.vmas.find(page).is_some_and(|v| v.prot & PROT_WRITE == 0) {
                execpages::record(self.base, page, generation);
            }
        }
        // SAFETY: mapped and (host-)readable; guest memory outlives translation of a block.
        Some(unsafe { std::slice::from_raw_parts(self.g2h(addr), len) })
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
        // Code run from the heap: its page is write-protected while translated; giving the
        // page back with brk forgets it (and drops its translations, as munmap does).
        let page = base + 2 * PAGE_SIZE;
        assert_eq!(mem.brk(base + 3 * PAGE_SIZE), base + 3 * PAGE_SIZE);
        mem.mprotect(page, PAGE_SIZE, PROT_READ | PROT_WRITE | super::PROT_EXEC).unwrap();
        mem.protect_code(page, page + 4);
        mem.brk(base + PAGE_SIZE);
        assert_eq!(codepages::unprotect(page, page + PAGE_SIZE), None, "the freed heap page is still recorded as code");
        mem.brk(base);
        assert!(mem.snapshot().is_empty());
    }
}
