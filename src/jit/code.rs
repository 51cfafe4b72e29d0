//! The executable code region: one fixed mapping, bump-allocated, emptied as a whole when full.
//!
//! The region is mapped read-write-execute once, so that chaining can patch jumps in place
//! without mprotect calls. Its address never changes, so code may embed absolute addresses
//! of other code in the region.

use std::ptr::NonNull;

pub struct CodeRegion {
    base: NonNull<u8>,
    size: usize,
    used: usize,
}

// SAFETY: the region is plain memory; all mutation goes through `&mut self` (under the JIT lock).
unsafe impl Send for CodeRegion {}

impl CodeRegion {
    pub fn new(size: usize) -> std::io::Result<CodeRegion> {
        // SAFETY: an anonymous private mapping; checked for failure below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(CodeRegion { base: NonNull::new(p as *mut u8).expect("mmap returned null"), size, used: 0 })
    }

    /// Address where the next allocation will start (16-byte aligned).
    pub fn next_addr(&self) -> usize {
        self.base.as_ptr() as usize + self.used
    }

    /// Bytes still free.
    pub fn free(&self) -> usize {
        self.size - self.used
    }

    /// Copy `code` (assembled for address `next_addr()`) into the region; returns its address.
    pub fn push(&mut self, code: &[u8]) -> Option<usize> {
        let len = code.len().div_ceil(16) * 16;
        if len > self.free() {
            return None;
        }
        let at = self.next_addr();
        // SAFETY: [at, at+len) is inside the mapping and not yet used by any code.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), at as *mut u8, code.len()) };
        self.used += len;
        Some(at)
    }

    /// Set aside `n` bytes (a multiple of 16) of untouched, zero-filled memory at the start of
    /// the region for data (the indirect-branch table); returns its address.
    pub fn reserve(&mut self, n: usize) -> Option<usize> {
        if n > self.free() || !n.is_multiple_of(16) {
            return None;
        }
        let at = self.next_addr();
        self.used += n;
        Some(at)
    }

    /// Forget all code after `mark` (an earlier `used` value): everything when 0.
    pub fn reset_to(&mut self, mark: usize) {
        self.used = mark;
    }

    pub fn used(&self) -> usize {
        self.used
    }

    /// The whole mapping, `[start, end)`.
    pub fn range(&self) -> (usize, usize) {
        let b = self.base.as_ptr() as usize;
        (b, b + self.size)
    }

    pub fn contains(&self, addr: usize) -> bool {
        let b = self.base.as_ptr() as usize;
        addr >= b && addr < b + self.used
    }

    /// Rewrite the rel32 field at `field` so the jump lands on `target`.
    ///
    /// # Safety
    /// `field` must be the 4-byte aligned rel32 field of a jump inside this region.
    pub unsafe fn patch_rel32(&mut self, field: usize, target: usize) {
        let rel = target as i64 - (field as i64 + 4);
        debug_assert!(rel >= i32::MIN as i64 && rel <= i32::MAX as i64);
        debug_assert!(field.is_multiple_of(4));
        // An aligned 4-byte store is atomic on x86, so another thread running this code sees
        // either the old or the new target.
        (field as *const std::sync::atomic::AtomicI32).as_ref().unwrap().store(rel as i32, std::sync::atomic::Ordering::Release);
    }

    /// The target of the rel32 jump field at `field`.
    ///
    /// # Safety
    /// As for `patch_rel32`.
    pub unsafe fn rel32_target(&self, field: usize) -> usize {
        let rel = (field as *const i32).read();
        (field as i64 + 4 + rel as i64) as usize
    }
}

impl Drop for CodeRegion {
    fn drop(&mut self) {
        // SAFETY: unmapping our own mapping.
        unsafe { libc::munmap(self.base.as_ptr() as *mut _, self.size) };
    }
}
