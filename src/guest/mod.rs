//! Guest architectures. Each frontend decodes its own machine code into IR and describes its
//! state layout and Linux ABI; nothing here knows about backends or the Linux layer.

pub mod aarch64;

use crate::ir::Block;

/// Where translation reads guest code from. Returns `None` for an address that cannot be
/// fetched (unmapped or not executable).
pub trait CodeFetch {
    fn fetch32(&self, addr: u64) -> Option<u32>;
}

/// Translation-affecting options.
#[derive(Clone, Copy, Debug)]
pub struct TranslateOpts {
    /// Maximum guest instructions per block.
    pub max_insns: u32,
}

impl Default for TranslateOpts {
    fn default() -> Self {
        TranslateOpts { max_insns: 64 }
    }
}

/// A guest CPU state: an opaque, 16-byte aligned byte buffer whose layout the guest defines.
pub struct CpuState {
    buf: Box<[u128]>,
}

/// Bytes after the guest's own state that belong to the execution engine (16-byte aligned):
/// byte 0 is the exit-request flag that translated code polls at every block entry; byte 1 is
/// nonzero when the FP control word needs the exact (slow) path of every FP op
/// (`ir::fpenv::strict`), which translated FP code tests; bytes 16..40 hold the values the
/// JIT compares FP results with (`write_fp_trailer`), bytes 48..112 the same for vectors.
pub const ENGINE_TRAILER: usize = 112;

/// Offset of the exit-request flag in a state of `guest_size` bytes.
pub const fn exit_flag_offset(guest_size: usize) -> usize {
    guest_size.div_ceil(16) * 16
}

/// Offset of the strict-FP flag in a state of `guest_size` bytes.
pub const fn fp_strict_offset(guest_size: usize) -> usize {
    exit_flag_offset(guest_size) + 1
}

/// Offset of the JIT's FP result check data (16-byte aligned): the f64 magnitude mask and check
/// value (`ir::fpenv::check_values`), then at +16 the f32 magnitude mask and check value.
pub const fn fp_check_offset(guest_size: usize) -> usize {
    exit_flag_offset(guest_size) + 16
}

/// Offset of the JIT's vector FP result check data (16-byte aligned): the f32 magnitude mask
/// and check value, each in four lanes, then the f64 ones in two lanes.
pub const fn fp_vcheck_offset(guest_size: usize) -> usize {
    exit_flag_offset(guest_size) + 48
}

/// Write the FP fields of the engine trailer for FP control word `control`.
///
/// # Safety
/// `state` points to a guest state of `guest_size` bytes followed by its engine trailer.
pub unsafe fn write_fp_trailer(state: *mut u8, guest_size: usize, control: u32) {
    state.add(fp_strict_offset(guest_size)).write(crate::ir::fpenv::strict(control) as u8);
    let [d, s] = crate::ir::fpenv::check_values(control);
    let p = state.add(fp_check_offset(guest_size));
    (p as *mut u64).write_unaligned(u64::MAX >> 1);
    (p.add(8) as *mut u64).write_unaligned(d);
    (p.add(16) as *mut u32).write_unaligned(u32::MAX >> 1);
    (p.add(20) as *mut u32).write_unaligned(s as u32);
    let v = state.add(fp_vcheck_offset(guest_size));
    for k in 0..4 {
        (v.add(4 * k) as *mut u32).write_unaligned(u32::MAX >> 1);
        (v.add(16 + 4 * k) as *mut u32).write_unaligned(s as u32);
    }
    for k in 0..2 {
        (v.add(32 + 8 * k) as *mut u64).write_unaligned(u64::MAX >> 1);
        (v.add(48 + 8 * k) as *mut u64).write_unaligned(d);
    }
}

impl CpuState {
    pub fn new(size: usize) -> CpuState {
        CpuState { buf: vec![0u128; size.div_ceil(16) + ENGINE_TRAILER / 16].into_boxed_slice() }
    }
    pub fn as_ptr(&self) -> *const u8 {
        self.buf.as_ptr() as *const u8
    }
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.buf.as_mut_ptr() as *mut u8
    }
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the buffer is plain data of this many bytes.
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.buf.len() * 16) }
    }
    fn check(&self, off: usize, n: usize) {
        assert!(off + n <= self.buf.len() * 16, "CPU state access out of range");
    }
    /// Copy another state of the same size over this one in place (the buffer keeps its
    /// address, which signal handlers and other threads hold), keeping this state's
    /// exit-request flag at `exit_flag_off`.
    pub fn copy_from(&mut self, other: &CpuState, exit_flag_off: usize) {
        assert_eq!(self.buf.len(), other.buf.len(), "CPU states of different sizes");
        let n = self.buf.len() * 16;
        // The flag byte is never written: a signal handler may set it at any moment.
        // SAFETY: both buffers are `n` bytes of plain data.
        unsafe {
            let (d, s) = (self.as_mut_ptr(), other.as_ptr());
            std::ptr::copy_nonoverlapping(s, d, exit_flag_off);
            std::ptr::copy_nonoverlapping(s.add(exit_flag_off + 1), d.add(exit_flag_off + 1), n - exit_flag_off - 1);
        }
    }
    /// The exit-request flag at `off`, read with the atomicity other threads and signal
    /// handlers that set it need.
    pub fn exit_flag(&self, off: usize) -> &std::sync::atomic::AtomicU8 {
        self.check(off, 1);
        // SAFETY: in bounds; an AtomicU8 has the layout of a u8.
        unsafe { &*(self.as_ptr().add(off) as *const std::sync::atomic::AtomicU8) }
    }
    pub fn read_u8(&self, off: usize) -> u8 {
        self.check(off, 1);
        unsafe { self.as_ptr().add(off).read() }
    }
    pub fn write_u8(&mut self, off: usize, v: u8) {
        self.check(off, 1);
        unsafe { self.as_mut_ptr().add(off).write(v) }
    }
    pub fn read_u32(&self, off: usize) -> u32 {
        self.check(off, 4);
        unsafe { (self.as_ptr().add(off) as *const u32).read_unaligned() }
    }
    pub fn write_u32(&mut self, off: usize, v: u32) {
        self.check(off, 4);
        unsafe { (self.as_mut_ptr().add(off) as *mut u32).write_unaligned(v) }
    }
    pub fn read_u64(&self, off: usize) -> u64 {
        self.check(off, 8);
        unsafe { (self.as_ptr().add(off) as *const u64).read_unaligned() }
    }
    pub fn write_u64(&mut self, off: usize, v: u64) {
        self.check(off, 8);
        unsafe { (self.as_mut_ptr().add(off) as *mut u64).write_unaligned(v) }
    }
    pub fn read_u128(&self, off: usize) -> u128 {
        self.check(off, 16);
        unsafe { (self.as_ptr().add(off) as *const u128).read_unaligned() }
    }
    pub fn write_u128(&mut self, off: usize, v: u128) {
        self.check(off, 16);
        unsafe { (self.as_mut_ptr().add(off) as *mut u128).write_unaligned(v) }
    }
}

impl Clone for CpuState {
    fn clone(&self) -> Self {
        CpuState { buf: self.buf.clone() }
    }
}

/// A guest's vDSO image, which the loader maps into every process.
pub struct Vdso {
    /// The ELF shared object, mapped as it is (one read+execute segment at offset 0).
    pub image: &'static [u8],
    /// Offset of the signal return trampoline in the image.
    pub sigreturn: u64,
}

/// Everything the rest of ruser knows about one guest architecture.
pub trait GuestArch: Send + Sync {
    /// Name as used on the command line and in `uname -m` (e.g. "aarch64").
    fn name(&self) -> &'static str;
    /// ELF e_machine value.
    fn elf_machine(&self) -> u16;
    /// ELF class: true for ELF64.
    fn is_64bit(&self) -> bool;
    fn big_endian(&self) -> bool;

    // ---- translation ----
    /// Size of the CPU state in bytes.
    fn state_size(&self) -> usize;
    /// Byte offset of the program counter in the state (a u64).
    fn pc_offset(&self) -> usize;
    /// Translate the block starting at `pc`.
    fn translate(&self, code: &dyn CodeFetch, pc: u64, opts: &TranslateOpts) -> Block;
    /// Disassemble guest code for `-d in_asm` (one line per instruction).
    fn disassemble(&self, code: &[u8], pc: u64) -> String;
    /// Named registers for `-d cpu`/crosscheck reports: (name, offset, size in bytes).
    fn registers(&self) -> &'static [(&'static str, usize, usize)];
    /// Offsets of the FP control and status registers (u64 each, in the bit layout of
    /// `ir::fpenv`), when the guest has an FP environment the engine must load and save.
    fn fp_env(&self) -> Option<(usize, usize)> {
        None
    }

    // ---- Linux ABI ----
    /// Set up registers for process start.
    fn init_state(&self, st: &mut CpuState, entry: u64, sp: u64);
    fn syscall_nr(&self, st: &CpuState) -> u64;
    fn syscall_args(&self, st: &CpuState) -> [u64; 6];
    /// Store a syscall result (negative errno on failure, in the guest's convention).
    fn set_syscall_result(&self, st: &mut CpuState, ret: i64);
    fn get_sp(&self, st: &CpuState) -> u64;
    fn set_sp(&self, st: &mut CpuState, sp: u64);
    fn set_tls(&self, st: &mut CpuState, tls: u64);
    /// Return register value for a newly created child (fork/clone).
    fn set_child_return(&self, st: &mut CpuState) {
        self.set_syscall_result(st, 0);
    }
    /// AT_HWCAP and AT_HWCAP2 for the named CPU model.
    fn hwcap(&self, cpu: &str) -> (u64, u64);
    /// AT_PLATFORM string.
    fn platform(&self) -> &'static str;
    /// CPU model names accepted by `-cpu` with a one-line description each.
    fn cpu_models(&self) -> &'static [(&'static str, &'static str)];
    /// Stack alignment required at process entry.
    fn stack_align(&self) -> u64 {
        16
    }
    /// AT_MINSIGSTKSZ value.
    fn min_sigstksz(&self) -> u64;
    /// The text of /proc/cpuinfo for a `-cpu` model on `ncpus` processors, in the format the
    /// guest architecture's Linux uses (features: only those implemented).
    fn cpuinfo(&self, cpu: &str, ncpus: usize) -> String;
    /// The vDSO to map into every process (AT_SYSINFO_EHDR), if the guest has one.
    fn vdso(&self) -> Option<Vdso> {
        None
    }
    /// The loader mapped the vDSO at guest address `base` (its code may use fast paths).
    fn vdso_mapped(&self, _base: u64) {}
}

/// The guest architecture for an ELF e_machine value.
pub fn by_elf_machine(machine: u16) -> Option<&'static dyn GuestArch> {
    match machine {
        goblin::elf::header::EM_AARCH64 => Some(&aarch64::AARCH64),
        _ => None,
    }
}

/// The guest architecture for a command-line name.
pub fn by_name(name: &str) -> Option<&'static dyn GuestArch> {
    match name {
        "aarch64" | "arm64" => Some(&aarch64::AARCH64),
        _ => None,
    }
}
