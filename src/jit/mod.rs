//! The x86-64 block translator: compiled blocks, their cache, chaining, the indirect-branch
//! table, invalidation and the host-pc → guest-pc map for faults.
//!
//! A `Jit` owns one code region. Blocks are keyed by guest pc. A direct exit first returns to
//! the dispatcher with the address of its jump; once the target is compiled the dispatcher
//! patches that jump to go straight to it (and records the link so invalidating the target
//! can undo it). Indirect branches look their target up inline in a table of code addresses,
//! indexed by guest pc, that the dispatcher fills on a miss; the block found checks that the
//! pc is its own (see `emit::INDIRECT_ENTRY_OFF`), so the table needs no key and a slot is
//! one atomic word.
//!
//! Sharing: all state sits behind one mutex, taken by the dispatcher between blocks and never
//! while guest code runs; translated code reads only the lookup table and its own code.

mod code;
#[cfg(all(test, feature = "phase-times"))]
mod cost;
mod emit;
mod emit_crypto;
mod emit_fp;
mod emit_vec;
mod emit_vec_arith;
mod emit_vfp;
#[cfg(test)]
mod tests_atomic;
#[cfg(test)]
mod tests_fpvec;
mod regs;
pub mod runtime;

use crate::ir::Block;
use code::CodeRegion;
use emit::{Cg, Env};
use runtime::{EntryFn, ExitKind, ExitPair};
use crate::pcmap::PcMap;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub use runtime::decode_trap;

const TABLE_BITS: u32 = 14;
const TABLE_ENTRIES: usize = 1 << TABLE_BITS;
/// Bytes of the indirect-branch table at the start of the code region.
const TABLE_BYTES: usize = TABLE_ENTRIES * 4;

/// The indirect-table slot of guest `pc` (the inline lookup computes the same).
fn slot(pc: u64) -> usize {
    ((pc >> 2) as usize) & (TABLE_ENTRIES - 1)
}

/// Process-wide settings, fixed before the first translation.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Link blocks and look indirect targets up inline (`-d nochain` turns it off).
    pub chain: bool,
    /// Append each block to /tmp/perf-<pid>.map.
    pub perfmap: bool,
    /// Code region size in bytes.
    pub code_size: usize,
    /// How many times a block runs on the interpreter before it is compiled (0: compile
    /// at once). Most blocks of a program's start-up run once or twice, so compiling them
    /// would cost more than interpreting them.
    pub threshold: u32,
    /// A higher threshold for a thread's start (see `StartUp`), when set.
    pub start_up: Option<StartUp>,
}

/// The JIT threshold of a thread's start: a process begins with its dynamic linker and C
/// library start-up, code that mostly runs a handful of times, so compiling it after a few
/// runs costs more than interpreting it to the end; the program's own hot code comes later,
/// and then compiling early pays. So the first `runs` blocks a thread interprets use
/// `threshold`, and the rest `Settings::threshold`.
///
/// The default's numbers, from a model of the dispatcher's costs over block-by-block traces of
/// the dynamic `true` and of `python3 -c pass` (the first interpreted 8,000 blocks cover a small
/// program's whole start; Python's start interprets 97,000), then measured: `true` 3.5 to 4%
/// faster, Python's start unchanged. A fixed threshold of 8 saves as much on `true` but costs
/// Python 3 to 7%, whose hot blocks then wait four more runs each.
#[derive(Clone, Copy, Debug)]
pub struct StartUp {
    pub threshold: u32,
    pub runs: u64,
}

impl StartUp {
    /// Without `--jit-threshold`.
    pub const DEFAULT: StartUp = StartUp { threshold: 8, runs: 8000 };
}

impl Default for Settings {
    fn default() -> Self {
        Settings { chain: true, perfmap: false, code_size: 64 << 20, threshold: 0, start_up: None }
    }
}

/// Read at every entry to translated code (after each guest system call, on every thread):
/// lock-free.
static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Set the process-wide JIT settings, once, before any guest code runs (a later call changes
/// nothing).
pub fn configure(s: Settings) {
    let _ = SETTINGS.set(s);
}

pub fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or_default()
}

/// What the dispatcher knows about one compiled block.
struct Meta {
    pc: u64,
    guest_len: u32,
    host: usize,
    host_len: usize,
    /// Where the dispatcher and chained jumps enter (`host` + the compiled entry offset).
    entry: usize,
    pcmap: Vec<(u32, u64)>,
    /// Boxed: translated code holds the address of each op.
    #[allow(clippy::vec_box)]
    _fallback_ops: Vec<Box<crate::ir::Op>>,
    /// Patched jumps into this block: (rel32 field, its original stub).
    incoming: Vec<(usize, usize)>,
    valid: bool,
    /// Set when the block could not be compiled and runs on the interpreter instead.
    interp: Option<Arc<Block>>,
}

struct Inner {
    region: CodeRegion,
    /// Bytes of the region used by the trampoline (kept across flushes).
    fixed: usize,
    env: Env,
    map: PcMap<usize>,
    by_pc: BTreeMap<u64, usize>,
    blocks: Vec<Meta>,
    max_guest_len: u64,
    generation: u64,
    perfmap: Option<std::fs::File>,
}

pub struct Jit {
    inner: Mutex<Inner>,
    entry: EntryFn,
    /// Host address range of the code region (fixed for the JIT's life), read by the fault
    /// handler without the lock.
    code_range: (usize, usize),
    /// The trampoline's fault path (see `runtime::Trampoline::fault_off`).
    fault_exit: usize,
    /// The indirect-branch table: `TABLE_ENTRIES` u32 offsets from its end (which is the
    /// trampoline's indirect-miss exit), at the start of the code region. Its pages stay
    /// untouched zero pages until used.
    table: usize,
    chain: bool,
}

/// The code of a block, ready to enter.
#[derive(Clone, Debug)]
pub struct Code {
    pub host: usize,
    pub generation: u64,
    /// Set when the block could not be compiled: run this IR on the interpreter instead.
    pub interp: Option<Arc<Block>>,
}

/// The code region is full: flush it (with no other thread in translated code) and retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

/// What running translated code ended with.
#[derive(Clone, Copy, Debug)]
pub enum Exit {
    /// A direct jump to a target not yet linked: link `field` once the target exists.
    Jump { field: usize },
    Indirect,
    Syscall,
    Trap(crate::ir::Trap),
    ExitRequest,
    /// A guest memory access faulted at host address `rip` (see `Jit::guest_pc_of`); the
    /// guest state is exact at the faulting instruction except for its pc.
    Fault,
}

fn host_has(feature: &str) -> bool {
    match feature {
        "bmi2" => crate::hostcpu::features().bmi2,
        "lzcnt" => crate::hostcpu::features().lzcnt,
        _ => false,
    }
}

impl Jit {
    fn new(chain: bool, guest_base: usize, pc_off: usize, exit_flag_off: usize) -> std::io::Result<Jit> {
        let s = settings();
        // The table and the trampoline come on top of the code size asked for.
        let mut region = CodeRegion::new(s.code_size + TABLE_BYTES + 4096)?;
        let code_range = region.range();
        let too_small = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "code region too small");
        let table = region.reserve(TABLE_BYTES).ok_or_else(too_small)?;
        let at = region.next_addr();
        let tramp = runtime::trampoline(at);
        let start = region.push(&tramp.code).ok_or_else(too_small)?;
        let env = Env {
            guest_base,
            pc_off: pc_off as i32,
            exit_flag_off: exit_flag_off as i32,
            exit_addr: start + tramp.exit_off,
            table_end: start,
            table_mask: (TABLE_ENTRIES - 1) as u32,
            inline_lookup: chain,
            bmi2: host_has("bmi2"),
            lzcnt: host_has("lzcnt"),
            simd: emit_fp::HostSimd::detect(),
        };
        let perfmap = if s.perfmap {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(format!("/tmp/perf-{}.map", std::process::id()))
                .ok()
                .map(crate::hostfd::hide_file)
        } else {
            None
        };
        // SAFETY: the trampoline was just written at `start` with the EntryFn ABI.
        let entry: EntryFn = unsafe { std::mem::transmute::<usize, EntryFn>(start + tramp.entry_off) };
        let fixed = region.used();
        Ok(Jit {
            inner: Mutex::new(Inner {
                region,
                fixed,
                env,
                map: PcMap::default(),
                by_pc: BTreeMap::new(),
                blocks: Vec::new(),
                max_guest_len: 0,
                generation: 0,
                perfmap,
            }),
            entry,
            code_range,
            fault_exit: start + tramp.fault_off,
            table,
            chain,
        })
    }

    /// The indirect-branch table.
    fn table(&self) -> &[AtomicU32] {
        // SAFETY: TABLE_BYTES of zero-filled memory in the code region, which lives as long
        // as the Jit; all-zero bytes are valid AtomicU32s.
        unsafe { std::slice::from_raw_parts(self.table as *const AtomicU32, TABLE_ENTRIES) }
    }

    /// The code for `pc`, compiling `translate()` on a miss. Links the jump `link` (from an
    /// earlier `Exit::Jump` in `link_gen`) to it, and enters it in the indirect table when
    /// `indirect` is set. When the code region is full it is flushed right here, which is
    /// only safe without other threads in translated code: the engine uses `code_if` and
    /// flushes through `exec::gate` instead; this is for tests and single-threaded tools.
    pub fn code_for(
        &self,
        pc: u64,
        translate: impl FnOnce() -> Block,
        link: Option<(u64, usize)>,
        indirect: bool,
    ) -> Code {
        if let Ok(Some(c)) = self.code_if(pc, None::<fn() -> Block>, link, indirect) {
            return c;
        }
        let block = translate();
        loop {
            let b = block.clone();
            match self.code_if(pc, Some(move || b), link, indirect) {
                Ok(c) => return c.expect("compiled on a miss"),
                Err(Full) => self.flush(),
            }
        }
    }

    /// As `code_for`, but on a miss only compiles when `translate` is given (`Ok(None)`
    /// otherwise), and reports a full code region (`Err(Full)`) instead of flushing it.
    pub fn code_if(
        &self,
        pc: u64,
        translate: Option<impl FnOnce() -> Block>,
        link: Option<(u64, usize)>,
        indirect: bool,
    ) -> Result<Option<Code>, Full> {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let idx = match (g.map.get(&pc), translate) {
            (Some(&i), _) => i,
            (None, Some(translate)) => {
                let block = translate();
                self.insert(&mut g, block)?
            }
            (None, None) => return Ok(None),
        };
        let (start, host) = (g.blocks[idx].host, g.blocks[idx].entry);
        if self.chain && g.blocks[idx].interp.is_none() {
            if let Some((gen, field)) = link {
                if gen == g.generation {
                    // SAFETY: `field` is a rel32 jump field of a block in this generation.
                    unsafe {
                        let stub = g.region.rel32_target(field);
                        g.region.patch_rel32(field, host);
                        g.blocks[idx].incoming.push((field, stub));
                    }
                }
            }
            if indirect {
                // The block's indirect entry, as an offset from the table's end (the miss
                // exit, which every block follows).
                let at = start + emit::INDIRECT_ENTRY_OFF - (self.table + TABLE_BYTES);
                self.table()[slot(pc)].store(at as u32, Ordering::Release);
            }
        }
        Ok(Some(Code { host, generation: g.generation, interp: g.blocks[idx].interp.clone() }))
    }

    fn insert(&self, g: &mut Inner, block: Block) -> Result<usize, Full> {
        let _timer = crate::exec::phases::Timer::start(crate::exec::phases::Phase::Emit);
        let compiled = Cg::new(&block, g.env, g.region.next_addr()).compile();
        let (compiled, interp) = match compiled {
            Ok(c) if c.code.len() + 64 <= g.region.free() => (c, None),
            Ok(_) if g.blocks.is_empty() => {
                // Larger than the whole region: run it on the interpreter.
                (emit::Compiled { code: Vec::new(), pcmap: Vec::new(), fallback_ops: Vec::new(), entry_off: 0 }, Some(Arc::new(block.clone())))
            }
            Ok(_) => return Err(Full),
            Err(e) => {
                crate::logf!(crate::log::Item::Unimp, "jit: block at {:#x} runs on the interpreter ({e:?})\n", block.pc);
                // No code: the dispatcher sees `Code::interp` and never enters it, and nothing
                // links or enters it from the indirect table.
                (emit::Compiled { code: Vec::new(), pcmap: Vec::new(), fallback_ops: Vec::new(), entry_off: 0 }, Some(Arc::new(block.clone())))
            }
        };
        let Some(host) = g.region.push(&compiled.code) else {
            return Err(Full);
        };
        if crate::log::enabled(crate::log::Item::OutAsm) {
            // The pc word in front of the indirect entry is data: show it as such.
            let data = if compiled.entry_off > 0 { emit::INDIRECT_ENTRY_OFF } else { 0 };
            let word = if data > 0 { format!("0x{host:016x}:  .quad {:#x}\n", block.pc) } else { String::new() };
            let text = crate::disas::disassemble_x86_64(&compiled.code[data..], (host + data) as u64);
            crate::logf!(crate::log::Item::OutAsm, "OUT: [guest {:#x}]\n{word}{text}\n", block.pc);
        }
        if let Some(f) = g.perfmap.as_mut() {
            let _ = writeln!(f, "{:x} {:x} guest_{:x}", host, compiled.code.len(), block.pc);
        }
        let idx = g.blocks.len();
        g.blocks.push(Meta {
            pc: block.pc,
            guest_len: block.guest_len,
            host,
            host_len: compiled.code.len(),
            entry: host + compiled.entry_off,
            pcmap: compiled.pcmap,
            _fallback_ops: compiled.fallback_ops,
            incoming: Vec::new(),
            valid: true,
            interp,
        });
        g.max_guest_len = g.max_guest_len.max(block.guest_len as u64);
        g.map.insert(block.pc, idx);
        g.by_pc.insert(block.pc, idx);
        block.recycle();
        Ok(idx)
    }

    /// Run translated code from `code` until it returns to the dispatcher.
    ///
    /// # Safety
    /// `state` is the guest state this JIT's code was compiled for (with its engine trailer),
    /// and guest memory is mapped at `guest_base`.
    pub unsafe fn enter(&self, code: &Code, state: *mut u8, guest_base: usize) -> Exit {
        let slot = JIT_RSP.with(|c| c.as_ptr());
        let ExitPair { kind, aux } = (self.entry)(state, code.host, guest_base, slot);
        match ExitKind::from_raw(kind) {
            Some(ExitKind::Jump) => Exit::Jump { field: aux as usize },
            Some(ExitKind::Indirect) => Exit::Indirect,
            Some(ExitKind::Syscall) => Exit::Syscall,
            Some(ExitKind::Trap) => Exit::Trap(decode_trap(aux)),
            Some(ExitKind::Fault) => Exit::Fault,
            Some(ExitKind::ExitRequest) | None => Exit::ExitRequest,
        }
    }

    /// The current generation (bumped by every flush).
    pub fn generation(&self) -> u64 {
        self.inner.lock().unwrap().generation
    }

    /// Drop every translation. Only safe when no other thread is in translated code of this
    /// JIT (see `exec::gate`).
    pub fn flush(&self) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        self.flush_locked(&mut g);
    }

    fn flush_locked(&self, g: &mut Inner) {
        let fixed = g.fixed;
        g.region.reset_to(fixed);
        g.map.clear();
        g.by_pc.clear();
        g.blocks.clear();
        g.max_guest_len = 0;
        g.generation += 1;
        self.clear_table();
    }

    /// Empty the indirect table.
    fn clear_table(&self) {
        for e in self.table() {
            if e.load(Ordering::Relaxed) != 0 {
                e.store(0, Ordering::Release);
            }
        }
    }

    /// Drop translations of guest code overlapping `[start, end)`: unlink every jump into
    /// them and forget them, so the next execution translates the current bytes.
    pub fn invalidate(&self, start: u64, end: u64) {
        let mut g = self.inner.lock().unwrap();
        let from = start.saturating_sub(g.max_guest_len);
        let hit: Vec<usize> = g
            .by_pc
            .range(from..end)
            .map(|(_, &i)| i)
            .filter(|&i| {
                let m = &g.blocks[i];
                m.pc < end && m.pc + m.guest_len.max(1) as u64 > start
            })
            .collect();
        if hit.is_empty() {
            return;
        }
        for i in hit {
            let incoming = std::mem::take(&mut g.blocks[i].incoming);
            for (field, stub) in incoming {
                // SAFETY: `field` was patched by `code_for` in this generation.
                unsafe { g.region.patch_rel32(field, stub) };
            }
            let pc = g.blocks[i].pc;
            g.blocks[i].valid = false;
            g.map.remove(&pc);
            g.by_pc.remove(&pc);
        }
        self.clear_table();
    }

    /// The guest pc of the instruction whose code contains host address `rip`, if `rip` is
    /// in translated code. Safe to call from a signal handler that interrupted guest code
    /// (it only tries the lock).
    pub fn guest_pc_at(&self, rip: usize) -> Option<u64> {
        let g = self.inner.try_lock().ok()?;
        Self::pc_in(&g, rip)
    }

    /// As `guest_pc_at`, waiting for the lock (for the dispatcher, after a fault exit).
    pub fn guest_pc_of(&self, rip: usize) -> Option<u64> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Self::pc_in(&g, rip)
    }

    fn pc_in(g: &Inner, rip: usize) -> Option<u64> {
        if !g.region.contains(rip) {
            return None;
        }
        let i = g.blocks.partition_point(|m| m.host <= rip).checked_sub(1)?;
        let m = &g.blocks[i];
        if rip >= m.host + m.host_len {
            return None;
        }
        let off = (rip - m.host) as u32;
        let k = m.pcmap.partition_point(|&(o, _)| o <= off);
        Some(if k == 0 { m.pc } else { m.pcmap[k - 1].1 })
    }

    /// Where the fault handler resumes a guest memory fault at host `rip`, when `rip` is in
    /// this JIT's code region: (rip, rsp). Lock-free.
    pub fn fault_exit_for(&self, rip: usize) -> Option<(usize, usize)> {
        (rip >= self.code_range.0 && rip < self.code_range.1).then(|| (self.fault_exit, JIT_RSP.with(|c| c.get())))
    }

    /// Number of valid blocks (for tests and statistics).
    pub fn block_count(&self) -> usize {
        self.inner.lock().unwrap().blocks.iter().filter(|m| m.valid).count()
    }
}

thread_local! {
    /// The stack pointer of this thread's innermost trampoline frame (see `runtime::EntryFn`).
    static JIT_RSP: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

static CHAINED: OnceLock<Jit> = OnceLock::new();
static SINGLE: OnceLock<Jit> = OnceLock::new();

/// The shared JIT for a guest with state layout (`pc_off`, `exit_flag_off`) and memory at
/// `guest_base`. `chained = false` gives the instance that runs exactly one block per entry
/// (for the crosscheck backend).
pub fn shared(chained: bool, guest_base: usize, pc_off: usize, exit_flag_off: usize) -> &'static Jit {
    let cell = if chained { &CHAINED } else { &SINGLE };
    cell.get_or_init(|| {
        let chain = chained && settings().chain;
        Jit::new(chain, guest_base, pc_off, exit_flag_off).unwrap_or_else(|e| {
            eprintln!("ruser: cannot map memory for translated code: {e}");
            std::process::exit(1)
        })
    })
}

/// Run `f` with every JIT's lock held (around a fork, so the child does not inherit a lock
/// held by a thread it does not have).
pub fn with_locked<R>(f: impl FnOnce() -> R) -> R {
    let a = CHAINED.get().map(|j| j.inner.lock().unwrap_or_else(|e| e.into_inner()));
    let b = SINGLE.get().map(|j| j.inner.lock().unwrap_or_else(|e| e.into_inner()));
    let r = f();
    drop((a, b));
    r
}

/// Invalidate `[start, end)` in every JIT that exists.
pub fn invalidate_all(start: u64, end: u64) {
    for j in [&CHAINED, &SINGLE] {
        if let Some(j) = j.get() {
            j.invalidate(start, end);
        }
    }
}

/// The fault path for a guest memory fault at host `rip`, when `rip` is in translated code
/// of a shared JIT: the (rip, rsp) to resume at. Lock-free (for the host fault handler).
pub fn fault_exit_for(rip: usize) -> Option<(usize, usize)> {
    [&CHAINED, &SINGLE].iter().find_map(|j| j.get().and_then(|j| j.fault_exit_for(rip)))
}

/// Map a host pc inside translated code to a guest pc.
pub fn guest_pc_at(rip: usize) -> Option<u64> {
    [&CHAINED, &SINGLE].iter().find_map(|j| j.get().and_then(|j| j.guest_pc_at(rip)))
}

/// Compile `block` on a private, unchained JIT and run it once on `state` (a guest state with
/// its engine trailer) with guest memory at `guest_base`. For tests that compare the JIT with
/// the interpreter op by op.
///
/// # Safety
/// As for `Jit::enter`.
pub unsafe fn run_once(block: &Block, state: *mut u8, guest_base: usize, pc_off: usize, exit_flag_off: usize) -> Exit {
    thread_local! {
        static TEST_JIT: std::cell::RefCell<Option<(Jit, usize, usize, usize)>> = const { std::cell::RefCell::new(None) };
    }
    TEST_JIT.with(|t| {
        let mut t = t.borrow_mut();
        let fits = matches!(&*t, Some((_, b, p, f)) if (*b, *p, *f) == (guest_base, pc_off, exit_flag_off));
        if !fits {
            let j = Jit::new(false, guest_base, pc_off, exit_flag_off).expect("map JIT code");
            *t = Some((j, guest_base, pc_off, exit_flag_off));
        }
        let jit = &t.as_ref().unwrap().0;
        jit.flush();
        let b = block.clone();
        let code = jit.code_for(block.pc, move || b, None, false);
        assert!(code.interp.is_none(), "block did not compile");
        jit.enter(&code, state, guest_base)
    })
}

#[cfg(test)]
mod tests_table {
    use super::*;
    use crate::guest::{exit_flag_offset, CpuState};
    use crate::ir::{Builder, IndirectKind, Terminal, Ty};

    const SZ: usize = 64;
    const X0: usize = 8;

    /// A block at `pc` that branches to the address in the state's word at X0.
    fn br_x0(pc: u64) -> Block {
        let mut b = Builder::new(pc);
        b.insn_start(pc, 4);
        let t = b.get(Ty::I64, X0);
        b.finish(Terminal::Indirect { target: t, kind: IndirectKind::Jump })
    }

    fn syscall_at(pc: u64) -> Block {
        let mut b = Builder::new(pc);
        b.insn_start(pc, 4);
        b.finish(Terminal::Syscall { next_pc: pc + 4 })
    }

    /// The inline lookup hits entered targets and misses for every other pc, including the
    /// ones that an empty (all-zero) entry or an inverted key could be confused with (pc 0,
    /// u64::MAX).
    #[test]
    fn inline_lookup_hits_and_misses() {
        let jit = Jit::new(true, 0, 0, exit_flag_offset(SZ)).expect("map JIT code");
        let br = jit.code_for(0x1000, || br_x0(0x1000), None, false);
        jit.code_for(0x2000, || syscall_at(0x2000), None, true);
        let mut st = CpuState::new(SZ);
        for (target, hit) in [(0x2000u64, true), (u64::MAX, false), (0, false), (0x3000, false), (!0x2000, false)] {
            st.write_u64(X0, target);
            // SAFETY: the state has the trailer; no guest memory is touched.
            let exit = unsafe { jit.enter(&br, st.as_mut_ptr(), 0) };
            match (hit, exit) {
                (true, Exit::Syscall) => assert_eq!(st.read_u64(0), 0x2004),
                (false, Exit::Indirect) => assert_eq!(st.read_u64(0), target),
                (_, e) => panic!("target {target:#x}: {e:?}"),
            }
        }
        // After a flush the table is empty again, and u64::MAX still misses.
        jit.flush();
        for target in [0x2000u64, u64::MAX, 0] {
            let br = jit.code_for(0x1000, || br_x0(0x1000), None, false);
            st.write_u64(X0, target);
            let exit = unsafe { jit.enter(&br, st.as_mut_ptr(), 0) };
            assert!(matches!(exit, Exit::Indirect), "target {target:#x} after flush: {exit:?}");
        }
    }

    /// A lookup that lands on the wrong block (a slot refilled for another pc by another
    /// thread between the lookup's load and its jump, as it could when the table held (pc,
    /// code) pairs) leaves through the miss exit instead of running that block.
    #[test]
    fn a_block_rejects_a_lookup_for_another_pc() {
        let jit = Jit::new(true, 0, 0, exit_flag_offset(SZ)).expect("map JIT code");
        let br = jit.code_for(0x1000, || br_x0(0x1000), None, false);
        jit.code_for(0x2000, || syscall_at(0x2000), None, true);
        // 0x12000 shares 0x2000's slot: the slot leads to 0x2000's block.
        assert_eq!(slot(0x12000), slot(0x2000));
        let mut st = CpuState::new(SZ);
        st.write_u64(X0, 0x12000);
        // SAFETY: the state has the trailer; no guest memory is touched.
        let exit = unsafe { jit.enter(&br, st.as_mut_ptr(), 0) };
        assert!(matches!(exit, Exit::Indirect), "{exit:?}");
        assert_eq!(st.read_u64(0), 0x12000);
        st.write_u64(X0, 0x2000);
        let exit = unsafe { jit.enter(&br, st.as_mut_ptr(), 0) };
        assert!(matches!(exit, Exit::Syscall), "{exit:?}");
        assert_eq!(st.read_u64(0), 0x2004);
    }
}
