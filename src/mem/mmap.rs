//! The guest side of the mmap family: every call checks and updates the VMA map, so the guest
//! only ever maps, unmaps, remaps or reprotects its own memory.

use super::mapflags::*;
use super::{code_changed, codepages, host_map_flags, GUEST_TASK_SIZE, host_prot, page_down, page_up, GuestMem, Vma, VmaKind, VmaMap, PAGE_SIZE, PROT_READ, PROT_WRITE};
use nix::errno::Errno;

impl GuestMem {
    /// Guest mmap. `flags` are the guest's (generic Linux values), `fd` a host fd (or -1 for
    /// anonymous). Flags that only affect how the host backs the mapping (MAP_POPULATE,
    /// MAP_LOCKED, MAP_STACK, MAP_GROWSDOWN, MAP_HUGETLB with its size, MAP_SYNC, ...) pass
    /// to the host; bits that mean nothing on the guest's ABI are dropped, or refused under
    /// MAP_SHARED_VALIDATE as the kernel does.
    #[allow(clippy::too_many_arguments)]
    pub fn mmap(&self, addr: u64, len: u64, prot: u32, flags: u32, fd: i32, off: u64, name: Option<String>) -> Result<u64, Errno> {
        if len == 0 || !off.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        let len = page_up(len).ok_or(Errno::ENOMEM)?;
        let fixed = flags & MAP_FIXED != 0;
        let noreplace = flags & MAP_FIXED_NOREPLACE != 0;
        let anon = flags & MAP_ANONYMOUS != 0;
        let shared = match flags & MAP_TYPE {
            MAP_SHARED => true,
            // Validation applies to file mappings; the kernel refuses the type for anonymous ones.
            MAP_SHARED_VALIDATE if !anon => true,
            MAP_PRIVATE => false,
            _ => return Err(Errno::EINVAL),
        };
        if (fixed || noreplace) && !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        let mut hflags = host_map_flags(flags)?;
        let mut st = self.lock();
        if st.lock_future.is_some() {
            hflags |= libc::MAP_LOCKED;
        }
        let end = addr.checked_add(len).ok_or(Errno::ENOMEM)?;
        let mut target = 0u64;
        let mut claimed = Vec::new();
        if fixed || noreplace {
            if end > self.top {
                return Err(Errno::ENOMEM);
            }
            if noreplace && !fixed {
                if st.vmas.overlaps(addr, end) {
                    return Err(Errno::EEXIST);
                }
                hflags |= libc::MAP_FIXED_NOREPLACE;
            } else {
                if st.sealed(addr, end) {
                    return Err(Errno::EPERM);
                }
                // Claim every part of the range the guest does not own yet, so that a MAP_FIXED
                // can never replace ruser's own memory.
                claimed = self.claim_gaps(&st.vmas, addr, end)?;
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
            let e = Errno::last();
            self.release(&claimed);
            return Err(e);
        }
        let g = self.h2g(p as usize);
        if g.checked_add(len).is_none_or(|e| e > self.top) {
            unsafe { libc::munmap(p, len as usize) };
            return Err(Errno::ENOMEM);
        }
        if flags & MAP_GROWSDOWN != 0 {
            super::growsdown::note_mapping();
        }
        let kind = if anon { VmaKind::Anon } else { VmaKind::File { name: name.unwrap_or_default(), offset: off } };
        st.vmas.insert(Vma { start: g, end: g + len, prot, shared, kind });
        drop(st);
        if fixed {
            code_changed(g, g + len);
        }
        Ok(g)
    }

    /// Unmap placeholders made by `claim_gaps` (an operation that claimed them failed).
    fn release(&self, gaps: &[(u64, u64)]) {
        for &(s, e) in gaps {
            unsafe { libc::munmap(self.g2h(s) as *mut _, (e - s) as usize) };
        }
    }

    /// Reserve every sub-range of `[start, end)` not covered by a guest mapping, failing with
    /// ENOMEM (and undoing) if any of it is already host memory.
    fn claim_gaps(&self, vmas: &VmaMap, start: u64, end: u64) -> Result<Vec<(u64, u64)>, Errno> {
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
            if p == libc::MAP_FAILED || !std::ptr::eq(p as *const u8, self.g2h(s)) {
                if p != libc::MAP_FAILED {
                    unsafe { libc::munmap(p, (e - s) as usize) };
                }
                for &(s2, e2) in &gaps[..i] {
                    unsafe { libc::munmap(self.g2h(s2) as *mut _, (e2 - s2) as usize) };
                }
                return Err(Errno::ENOMEM);
            }
        }
        Ok(gaps)
    }

    /// Guest munmap: only guest-owned pages are unmapped.
    pub fn munmap(&self, addr: u64, len: u64) -> Result<(), Errno> {
        // As the kernel (do_vmi_munmap): the range must lie below TASK_SIZE.
        let len = page_up(len).ok_or(Errno::EINVAL)?;
        if !addr.is_multiple_of(PAGE_SIZE) || len == 0 || addr > GUEST_TASK_SIZE || len > GUEST_TASK_SIZE - addr {
            return Err(Errno::EINVAL);
        }
        let end = addr + len;
        if self.lock().sealed(addr, end) {
            return Err(Errno::EPERM);
        }
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
        if !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        if len == 0 {
            return Ok(());
        }
        let end = addr.checked_add(page_up(len).ok_or(Errno::ENOMEM)?).ok_or(Errno::ENOMEM)?;
        let mut st = self.lock();
        if st.sealed(addr, end) {
            return Err(Errno::EPERM);
        }
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
    /// host call does exactly that on the same pages. Advice that changes what the pages hold
    /// drops the translations of code there.
    pub fn madvise(&self, addr: u64, len: u64, advice: i32) -> Result<(), Errno> {
        if !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        if len == 0 {
            return Ok(());
        }
        let end = addr.checked_add(page_up(len).ok_or(Errno::EINVAL)?).ok_or(Errno::EINVAL)?;
        {
            let st = self.lock();
            if !st.vmas.covers(addr, end, 0) {
                return Err(Errno::ENOMEM);
            }
            // Discarding the contents of sealed memory the guest cannot write is refused.
            let discard = matches!(advice, 4 | 8 | 9 | 21 | 24 | 102);
            if discard && st.sealed(addr, end) && st.vmas.overlapping(addr, end).iter().any(|v| v.prot & PROT_WRITE == 0 && !v.shared) {
                return Err(Errno::EPERM);
            }
        }
        if unsafe { libc::madvise(self.g2h(addr) as *mut _, (end - addr) as usize, advice) } != 0 {
            return Err(Errno::last());
        }
        // DONTNEED, FREE, REMOVE, DONTNEED_LOCKED, GUARD_INSTALL.
        if matches!(advice, 4 | 8 | 9 | 24 | 102) {
            code_changed(addr, end);
        }
        Ok(())
    }

    /// Guest mremap with MREMAP_MAYMOVE, MREMAP_FIXED (to `new_addr`) and MREMAP_DONTUNMAP.
    /// A fixed target may only replace guest memory; an old length of 0 duplicates a shared
    /// mapping.
    pub fn mremap(&self, old: u64, old_len: u64, new_len: u64, flags: u32, new_addr: u64) -> Result<u64, Errno> {
        const MAYMOVE: u32 = 1;
        const FIXED: u32 = 2;
        const DONTUNMAP: u32 = 4;
        if !old.is_multiple_of(PAGE_SIZE) || flags & !(MAYMOVE | FIXED | DONTUNMAP) != 0 {
            return Err(Errno::EINVAL);
        }
        if flags & (FIXED | DONTUNMAP) != 0 && flags & MAYMOVE == 0 {
            return Err(Errno::EINVAL);
        }
        let old_len = page_up(old_len).ok_or(Errno::EINVAL)?;
        let new_len = page_up(new_len).ok_or(Errno::EINVAL)?;
        if new_len == 0 || flags & DONTUNMAP != 0 && old_len != new_len {
            return Err(Errno::EINVAL);
        }
        let old_end = old.checked_add(old_len).ok_or(Errno::EINVAL)?;
        let fixed = flags & FIXED != 0;
        if fixed {
            let new_end = new_addr.checked_add(new_len).ok_or(Errno::EINVAL)?;
            if !new_addr.is_multiple_of(PAGE_SIZE) || new_end > self.top || (new_addr < old_end.max(old + 1) && old < new_end) {
                return Err(Errno::EINVAL);
            }
        }
        let mut st = self.lock();
        let v = st.vmas.find(old).cloned().ok_or(Errno::EFAULT)?;
        if st.sealed(old, old_end.max(old + 1)) || fixed && st.sealed(new_addr, new_addr + new_len) {
            return Err(Errno::EPERM);
        }
        if old_len == 0 {
            if !v.shared || flags & MAYMOVE == 0 {
                return Err(Errno::EINVAL);
            }
        } else if old_end > v.end {
            return Err(Errno::EFAULT);
        }
        let claimed = if fixed { self.claim_gaps(&st.vmas, new_addr, new_addr + new_len)? } else { Vec::new() };
        if fixed {
            codepages::forget(new_addr, new_addr + new_len);
        }
        if flags & DONTUNMAP == 0 && old_len != 0 {
            codepages::forget(old, old_end);
        }
        let hflags = (if flags & MAYMOVE != 0 { libc::MREMAP_MAYMOVE } else { 0 })
            | (if fixed { libc::MREMAP_FIXED } else { 0 })
            | (if flags & DONTUNMAP != 0 { libc::MREMAP_DONTUNMAP } else { 0 });
        let p = unsafe { libc::mremap(self.g2h(old) as *mut _, old_len as usize, new_len as usize, hflags, self.g2h(new_addr) as *mut libc::c_void) };
        if p == libc::MAP_FAILED {
            let e = Errno::last();
            self.release(&claimed);
            return Err(e);
        }
        let g = self.h2g(p as usize);
        let moved = v.clip(old, old_end.max(old + PAGE_SIZE).min(v.end));
        if flags & DONTUNMAP == 0 && old_len != 0 {
            st.vmas.remove(old, old_end);
        }
        st.vmas.insert(Vma { start: g, end: g + new_len, ..moved });
        drop(st);
        code_changed(old, old_end);
        code_changed(g, g + new_len);
        Ok(g)
    }

    /// mseal: `[addr, addr+len)` (guest memory, page aligned) can no longer be unmapped,
    /// remapped, reprotected or discarded. Sealing is kept in the guest map only: the host
    /// pages stay unsealed, so ruser can still write-protect code pages there.
    pub fn mseal(&self, addr: u64, len: u64, flags: u64) -> Result<(), Errno> {
        if flags != 0 || !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        let end = addr.checked_add(page_up(len).ok_or(Errno::EINVAL)?).ok_or(Errno::EINVAL)?;
        if end == addr {
            return Ok(());
        }
        let mut st = self.lock();
        if !st.vmas.covers(addr, end, 0) {
            return Err(Errno::ENOMEM);
        }
        st.seals.insert(Vma { start: addr, end, prot: 0, shared: false, kind: VmaKind::Anon });
        Ok(())
    }

    /// Guest msync: the range must be guest memory (ENOMEM otherwise).
    pub fn msync(&self, addr: u64, len: u64, flags: i32) -> Result<(), Errno> {
        let end = self.user_range(addr, len, true)?;
        if unsafe { libc::msync(self.g2h(addr) as *mut _, (end - addr) as usize, flags) } != 0 {
            return Err(Errno::last());
        }
        Ok(())
    }

    /// `[addr, end)` of a page-aligned guest range that must be mapped: EINVAL for a misaligned
    /// start (when `aligned`), ENOMEM when any page is not guest memory.
    fn user_range(&self, addr: u64, len: u64, aligned: bool) -> Result<u64, Errno> {
        if aligned && !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        let start = page_down(addr);
        let end = addr.checked_add(len).and_then(page_up).ok_or(Errno::ENOMEM)?;
        if !self.lock().vmas.covers(start, end, 0) {
            return Err(Errno::ENOMEM);
        }
        Ok(end)
    }

    /// mlock2 (flags: MLOCK_ONFAULT) and munlock over guest memory only.
    pub fn mlock(&self, addr: u64, len: u64, lock: bool, flags: u32) -> Result<(), Errno> {
        let end = self.user_range(addr, len, false)?;
        let start = page_down(addr);
        let r = unsafe {
            if lock {
                libc::syscall(libc::SYS_mlock2, self.g2h(start), (end - start) as usize, flags) as i32
            } else {
                libc::munlock(self.g2h(start) as *const _, (end - start) as usize)
            }
        };
        if r != 0 {
            return Err(Errno::last());
        }
        Ok(())
    }

    /// mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) for the guest: its current mappings are
    /// locked, and with MCL_FUTURE its later ones are mapped locked. ruser's own memory (the
    /// translation cache) is not locked.
    pub fn mlockall(&self, flags: u32) -> Result<(), Errno> {
        const CURRENT: u32 = 1;
        const FUTURE: u32 = 2;
        const ONFAULT: u32 = 4;
        if flags == 0 || flags & !(CURRENT | FUTURE | ONFAULT) != 0 || flags == ONFAULT {
            return Err(Errno::EINVAL);
        }
        let onfault = flags & ONFAULT != 0;
        let mut st = self.lock();
        if flags & CURRENT != 0 {
            for v in st.vmas.iter() {
                let r = unsafe { libc::syscall(libc::SYS_mlock2, self.g2h(v.start), (v.end - v.start) as usize, onfault as u32) };
                // As the kernel's mlockall, failing to populate (PROT_NONE, ...) is not an error;
                // running out of lockable memory is.
                if r != 0 && matches!(Errno::last(), Errno::EPERM | Errno::EAGAIN) {
                    return Err(Errno::last());
                }
            }
        }
        st.lock_future = if flags & FUTURE != 0 { Some(onfault) } else { None };
        Ok(())
    }

    pub fn munlockall(&self) -> Result<(), Errno> {
        let mut st = self.lock();
        for v in st.vmas.iter() {
            unsafe { libc::munlock(self.g2h(v.start) as *const _, (v.end - v.start) as usize) };
        }
        st.lock_future = None;
        Ok(())
    }

    /// Guest mincore: one byte per page of `[addr, addr+len)` into the guest vector at `vec`.
    pub fn mincore(&self, addr: u64, len: u64, vec: u64) -> Result<(), Errno> {
        let end = self.user_range(addr, len, true)?;
        let pages = ((end - addr) / PAGE_SIZE) as usize;
        self.check(vec, pages as u64, PROT_WRITE)?;
        if unsafe { libc::mincore(self.g2h(addr) as *mut _, (end - addr) as usize, self.g2h(vec)) } != 0 {
            return Err(Errno::last());
        }
        Ok(())
    }

    /// Attach SysV shared memory segment `id` (shmat): at the kernel's choice of address, or at
    /// `addr` (rounded down with SHM_RND; SHM_REMAP may replace guest memory only).
    pub fn shmat(&self, id: i32, addr: u64, flags: i32) -> Result<u64, Errno> {
        const SHM_RDONLY: i32 = 0o10000;
        const SHM_RND: i32 = 0o20000;
        const SHM_REMAP: i32 = 0o40000;
        const SHM_EXEC: i32 = 0o100000;
        let mut ds: libc::shmid_ds = unsafe { std::mem::zeroed() };
        if unsafe { libc::shmctl(id, libc::IPC_STAT, &mut ds) } != 0 {
            return Err(Errno::last());
        }
        let len = page_up(ds.shm_segsz as u64).ok_or(Errno::EINVAL)?;
        let addr = if flags & SHM_RND != 0 { page_down(addr) } else { addr };
        if !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL);
        }
        let mut st = self.lock();
        let mut claimed = Vec::new();
        if addr != 0 {
            let end = addr.checked_add(len).filter(|&e| e <= self.top).ok_or(Errno::EINVAL)?;
            if flags & SHM_REMAP != 0 {
                claimed = self.claim_gaps(&st.vmas, addr, end).map_err(|_| Errno::EINVAL)?;
                codepages::forget(addr, end);
            } else if st.vmas.overlaps(addr, end) {
                return Err(Errno::EINVAL);
            }
        }
        let p = unsafe { libc::shmat(id, if addr == 0 { std::ptr::null() } else { self.g2h(addr) as *const _ }, flags) };
        if p as isize == -1 {
            let e = Errno::last();
            self.release(&claimed);
            return Err(e);
        }
        let g = self.h2g(p as usize);
        if g.checked_add(len).is_none_or(|e| e > self.top) {
            unsafe { libc::shmdt(p) };
            return Err(Errno::ENOMEM);
        }
        let prot = PROT_READ | if flags & SHM_RDONLY == 0 { PROT_WRITE } else { 0 } | if flags & SHM_EXEC != 0 { super::PROT_EXEC } else { 0 };
        // The libc crate names the field after the C library (and deprecates musl's name).
        #[cfg(target_env = "musl")]
        #[allow(deprecated)]
        let key = ds.shm_perm.__ipc_perm_key;
        #[cfg(not(target_env = "musl"))]
        let key = ds.shm_perm.__key;
        let name = format!("/SYSV{:08x}", key as u32);
        st.vmas.insert(Vma { start: g, end: g + len, prot, shared: true, kind: VmaKind::File { name, offset: 0 } });
        st.shm.insert(g, g + len);
        drop(st);
        code_changed(g, g + len);
        Ok(g)
    }

    /// Detach the SysV segment the guest attached at `addr` (shmdt); EINVAL for anything else.
    pub fn shmdt(&self, addr: u64) -> Result<(), Errno> {
        let mut st = self.lock();
        let end = *st.shm.get(&addr).ok_or(Errno::EINVAL)?;
        codepages::forget(addr, end);
        if unsafe { libc::shmdt(self.g2h(addr) as *const _) } != 0 {
            return Err(Errno::last());
        }
        st.shm.remove(&addr);
        // Only what is still the segment's (parts may have been unmapped or replaced since).
        for v in st.vmas.overlapping(addr, end) {
            if v.shared && matches!(&v.kind, VmaKind::File { name, .. } if name.starts_with("/SYSV")) {
                st.vmas.remove(v.start, v.end);
            }
        }
        drop(st);
        code_changed(addr, end);
        Ok(())
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
        let mut freed = None;
        if new_top > cur_top {
            let p = unsafe {
                libc::mmap(
                    self.g2h(cur_top) as *mut _,
                    (new_top - cur_top) as usize,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE | if st.lock_future.is_some() { libc::MAP_LOCKED } else { 0 },
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED || !std::ptr::eq(p as *const u8, self.g2h(cur_top)) || new_top > self.top {
                if p != libc::MAP_FAILED {
                    unsafe { libc::munmap(p, (new_top - cur_top) as usize) };
                }
                return cur;
            }
            st.vmas.insert(Vma { start: cur_top, end: new_top, prot: PROT_READ | PROT_WRITE, shared: false, kind: VmaKind::Heap });
        } else if new_top < cur_top {
            codepages::forget(new_top, cur_top);
            unsafe { libc::munmap(self.g2h(new_top) as *mut _, (cur_top - new_top) as usize) };
            st.vmas.remove(new_top, cur_top);
            freed = Some((new_top, cur_top));
        }
        st.brk = new;
        drop(st);
        // Code the guest ran from the heap is gone with it.
        if let Some((s, e)) = freed {
            code_changed(s, e);
        }
        new
    }

}
