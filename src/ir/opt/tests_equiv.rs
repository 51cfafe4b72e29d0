//! Equivalence of optimised and unoptimised blocks: real A64 blocks (random encodings drawn
//! from the decode rows, the instruction sequences of the translator's qemu-checked tests and
//! raw random words) run through the reference interpreter from identical random CPU states
//! and memory; the full state bytes, the memory and the exit must match.
//!
//! Guest memory is a 64 KiB buffer at guest address 0 (guest_base = its host address). Every
//! memory op of a block under test is preceded by a recording helper (see [`instrument`]): it
//! snapshots the guest state and pc there — what a fault at that op would expose, so they must
//! match too — and redirects an address outside the buffer to a fixed one inside, identically
//! for both blocks.

use super::tests::check;
use super::*;
use crate::guest::aarch64::decode::all_rows;
use crate::guest::aarch64::state::*;
use crate::guest::aarch64::translate::translate_block;
use crate::guest::{CodeFetch, CpuState, TranslateOpts};
use crate::interp::{Exit, Interp, CURRENT_PC};
use std::cell::{Cell, RefCell};

const BUF_LEN: usize = 1 << 16;
/// Guest address of the code under test (inside the buffer, so some literal loads hit it).
const CODE_PC: u64 = 0x2000;

/// xorshift64* — deterministic, no crates.
pub(super) struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Code<'a> {
    words: &'a [u32],
}

impl CodeFetch for Code<'_> {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        let off = addr.checked_sub(CODE_PC)?;
        if off % 4 != 0 {
            return None;
        }
        self.words.get((off / 4) as usize).copied()
    }
}

thread_local! {
    /// (guest pc, state bytes) at each memory op of the running block.
    static TRACE: RefCell<Vec<(u64, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
    /// Size of the state the running block uses.
    static STATE_LEN: Cell<usize> = const { Cell::new(0) };
}

fn record_access(ctx: &mut HelperCtx, args: [u128; 3]) -> u128 {
    let len = STATE_LEN.with(|l| l.get());
    // SAFETY: the state buffer the block runs on has `len` bytes.
    let bytes = unsafe { std::slice::from_raw_parts(ctx.state, len) }.to_vec();
    let pc = CURRENT_PC.with(|c| c.get());
    TRACE.with(|t| t.borrow_mut().push((pc, bytes)));
    let a = args[0] as u64;
    if a <= (BUF_LEN - 16) as u64 {
        a as u128
    } else {
        0x100
    }
}

static RECORD_ACCESS: HelperFn = HelperFn { name: "record_access", func: record_access, volatile: false, pure: false };

/// A copy of `b` with every memory address passed through `record_access` first.
fn instrument(b: &Block) -> Block {
    let mut out: Vec<Inst> = Vec::with_capacity(b.insts.len() * 2);
    let mut map = Vec::with_capacity(b.insts.len());
    for inst in &b.insts {
        let mut op = inst.op.clone();
        op.for_each_arg_mut(|a| *a = map[a.0 as usize]);
        match &mut op {
            Op::Load { addr, .. } | Op::Store { addr, .. } | Op::CmpXchg { addr, .. } | Op::AtomicRmw { addr, .. } => {
                let a = *addr;
                let h = Op::Helper { a0: a, a1: a, a2: a, id: HelperId(&RECORD_ACCESS), ty: Ty::I64 };
                out.push(Inst::new(h));
                *addr = Val(out.len() as u32 - 1);
            }
            _ => {}
        }
        map.push(Val(out.len() as u32));
        out.push(Inst::new(op));
    }
    let mut term = b.term.clone();
    match &mut term {
        Terminal::Branch { cond, .. } => *cond = map[cond.0 as usize],
        Terminal::Indirect { target, .. } => *target = map[target.0 as usize],
        _ => {}
    }
    Block { insts: out, term, ..b.clone() }
}

fn interesting(rng: &mut Rng) -> u64 {
    const SPECIAL: [u64; 10] =
        [0, 1, 2, u64::MAX, 0x8000_0000, 0x7fff_ffff, 0xffff_ffff, 1 << 63, (1 << 63) - 1, 0x1_0000_0000];
    match rng.below(7) {
        0..=2 => (0x1000 + rng.below(0x7000)) & !(rng.below(2) * 7),
        3 => SPECIAL[rng.below(SPECIAL.len() as u64) as usize],
        4 => rng.below(64),
        _ => rng.next(),
    }
}

fn random_state(rng: &mut Rng, init: Option<(&[(u32, u64)], u64)>) -> CpuState {
    let mut st = CpuState::new(STATE_SIZE);
    for off in (0..STATE_SIZE).step_by(8) {
        st.write_u64(off, rng.next());
    }
    for n in 0..32 {
        st.write_u64(xreg(n), interesting(rng));
    }
    for n in 0..32 {
        let v = match rng.below(4) {
            0 => interesting(rng) as u128,
            1 => (interesting(rng) as u128) << 64 | interesting(rng) as u128,
            _ => (rng.next() as u128) << 64 | rng.next() as u128,
        };
        st.write_u128(vreg(n), v);
    }
    st.write_u64(NZCV, rng.below(16) << 28);
    st.write_u64(FPCR, 0);
    st.write_u64(FPSR, 0);
    let excl = if rng.below(2) == 0 { st.read_u64(xreg(rng.below(32) as u32)) } else { u64::MAX };
    st.write_u64(EXCL_ADDR, excl);
    if let Some((regs, nzcv)) = init {
        for &(r, v) in regs {
            st.write_u64(xreg(r), v);
        }
        st.write_u64(NZCV, nzcv);
    }
    st.write_u64(PC, CODE_PC);
    st
}

#[derive(Default)]
pub(super) struct Stats {
    pub blocks: usize,
    pub runs: usize,
    pub before: usize,
    pub after: usize,
}

pub(super) struct Harness {
    pub rng: Rng,
    interp: Interp,
    mem0: Vec<u8>,
    mem: Vec<u8>,
    pub stats: Stats,
}

impl Harness {
    pub(super) fn new(seed: u64) -> Harness {
        let mut rng = Rng(seed);
        let mem0: Vec<u8> = (0..BUF_LEN).map(|_| rng.next() as u8).collect();
        Harness { rng, interp: Interp::new(), mem: mem0.clone(), mem0, stats: Stats::default() }
    }

    /// Run `b` on `st` and a fresh copy of the memory; the exit and the memory-op trace.
    pub(super) fn run(&mut self, b: &Block, st: &mut CpuState, pc_off: usize) -> (Exit, Vec<(u64, Vec<u8>)>) {
        self.mem.copy_from_slice(&self.mem0);
        TRACE.with(|t| t.borrow_mut().clear());
        STATE_LEN.with(|l| l.set(st.bytes().len()));
        // SAFETY: the state has the layout the block was built for; every memory access was
        // redirected into `mem` by the instrumentation (or the block has none).
        let e = unsafe { self.interp.run(b, st.as_mut_ptr(), self.mem.as_mut_ptr() as usize, pc_off) };
        (e, TRACE.with(|t| std::mem::take(&mut *t.borrow_mut())))
    }

    /// Run the instrumented original and optimised blocks from `st0`; panic on any difference.
    pub(super) fn compare(
        &mut self,
        orig: &Block,
        opt: &Block,
        st0: &CpuState,
        pc_off: usize,
        what: &dyn Fn() -> String,
    ) {
        let (ri, oi) = (instrument(orig), instrument(opt));
        let mut a = st0.clone();
        let (ea, ta) = self.run(&ri, &mut a, pc_off);
        let mem_a = self.mem.clone();
        let mut b = st0.clone();
        let (eb, tb) = self.run(&oi, &mut b, pc_off);
        self.stats.runs += 1;
        let fail = |why: String| -> ! {
            panic!("optimised block differs ({why}) for {}\noriginal:\n{orig}\noptimised:\n{opt}", what())
        };
        if ea != eb {
            fail(format!("exit {ea:?} vs {eb:?}"));
        }
        let diff = |x: &[u8], y: &[u8]| -> String {
            if pc_off == PC {
                let names: Vec<&str> =
                    REGISTERS.iter().filter(|r| x[r.1..r.1 + r.2] != y[r.1..r.1 + r.2]).map(|r| r.0).collect();
                names.join(" ")
            } else {
                format!("byte {}", x.iter().zip(y).position(|(p, q)| p != q).unwrap_or(0))
            }
        };
        if a.bytes() != b.bytes() {
            fail(format!("final state: {}", diff(a.bytes(), b.bytes())));
        }
        if mem_a != self.mem {
            let at = mem_a.iter().zip(&self.mem).position(|(x, y)| x != y).unwrap_or(0);
            fail(format!("memory at {at:#x}"));
        }
        if ta.len() != tb.len() {
            fail(format!("{} vs {} memory ops", ta.len(), tb.len()));
        }
        for (i, (x, y)) in ta.iter().zip(&tb).enumerate() {
            if x != y {
                fail(format!("state at memory op {i} (pc {:#x} vs {:#x}): {}", x.0, y.0, diff(&x.1, &y.1)));
            }
        }
    }

    /// Translate `words` at CODE_PC, optimise, and compare on `states` random states.
    fn check_words(&mut self, words: &[u32], init: Option<(&[(u32, u64)], u64)>, states: usize) {
        let code = Code { words };
        let orig = translate_block(&code, CODE_PC, &TranslateOpts::default());
        check(&orig);
        if orig.insts.iter().any(|i| matches!(i.op, Op::Helper { .. })) {
            return; // the only A64 helper reads the clock
        }
        let mut opt = orig.clone();
        optimize(&mut opt);
        check(&opt);
        assert_eq!((opt.pc, opt.ninsns, opt.guest_len), (orig.pc, orig.ninsns, orig.guest_len));
        let mut again = opt.clone();
        optimize(&mut again);
        assert!(again.insts.len() <= opt.insts.len(), "second round grew the block:\n{opt}\n{again}");
        self.stats.blocks += 1;
        self.stats.before += orig.insts.len();
        self.stats.after += opt.insts.len();
        for _ in 0..states {
            let st0 = random_state(&mut self.rng, init);
            self.compare(&orig, &opt, &st0, PC, &|| format!("words {words:08x?}"));
        }
    }
}

/// Instruction words, initial registers and flags of one test case.
type Sequence = (Vec<u32>, Vec<(u32, u64)>, u64);

/// Instruction sequences (and initial registers) of the translator's qemu-checked tests.
fn case_sequences() -> Vec<Sequence> {
    const SPR: u32 = 31;
    #[allow(dead_code)]
    const NZCV_R: u32 = 32;
    let mut seqs = Vec::new();
    let mut case = |words: &[u32], init: &[(u32, u64)], nzcv: u64, _changed: &[(u32, u64)]| {
        seqs.push((words.to_vec(), init.to_vec(), nzcv));
    };
    include!("../../guest/aarch64/translate/tests_cases.rs");
    include!("../../guest/aarch64/translate/tests_fuzz.rs");
    seqs
}

/// The instruction words of the FP/SIMD qemu cases (the `words` lines of their data file).
fn simd_sequences() -> Vec<Vec<u32>> {
    let src = include_str!("../../guest/aarch64/translate/simd_tests/cases.txt");
    src.lines()
        .filter_map(|l| l.strip_prefix("words "))
        .map(|l| l.split_whitespace().filter_map(|w| u32::from_str_radix(w, 16).ok()).collect())
        .collect()
}

fn scale(n: usize) -> usize {
    if cfg!(debug_assertions) {
        n.div_ceil(4)
    } else {
        n
    }
}

#[test]
fn equivalent_on_random_row_sequences() {
    let rows: Vec<_> = all_rows().collect();
    let mut h = Harness::new(0x9e37_79b9_7f4a_7c15);
    for _ in 0..scale(15000) {
        let n = 1 + h.rng.below(10) as usize;
        let words: Vec<u32> = (0..n)
            .map(|_| {
                let r = rows[h.rng.below(rows.len() as u64) as usize];
                (h.rng.next() as u32 & !r.mask) | r.value
            })
            .collect();
        h.check_words(&words, None, 4);
    }
    // Integer-only sequences, where forwarding and flag elimination have most to do.
    let int_rows: Vec<_> = rows.iter().filter(|r| (r.value >> 25) & 7 != 7 && (r.value >> 26) & 1 == 0).collect();
    for _ in 0..scale(15000) {
        let n = 2 + h.rng.below(12) as usize;
        let words: Vec<u32> = (0..n)
            .map(|_| {
                let r = int_rows[h.rng.below(int_rows.len() as u64) as usize];
                // Registers from a small set so instructions depend on each other.
                let mut w = (h.rng.next() as u32 & !r.mask) | r.value;
                for sh in [0, 5, 10, 16] {
                    let field = 0x1f << sh;
                    if r.mask & field == 0 {
                        w = (w & !field) | ((h.rng.below(4) as u32) << sh);
                    }
                }
                w
            })
            .collect();
        h.check_words(&words, None, 4);
    }
    let s = &h.stats;
    eprintln!(
        "row sequences: {} blocks, {} runs compared, IR insts {} -> {} ({:.1}% removed)",
        s.blocks,
        s.runs,
        s.before,
        s.after,
        100.0 * (s.before - s.after) as f64 / s.before.max(1) as f64
    );
    assert!(s.runs > s.blocks, "too few comparisons ran");
}

#[test]
fn equivalent_on_test_sequences() {
    let mut h = Harness::new(42);
    for (words, init, nzcv) in case_sequences() {
        for start in 0..words.len() {
            h.check_words(&words[start..], Some((&init, nzcv)), 4);
            h.check_words(&words[start..], None, 4);
        }
    }
    for words in simd_sequences() {
        for start in 0..words.len() {
            h.check_words(&words[start..], None, 8);
        }
    }
    for _ in 0..scale(500) {
        let n = 1 + h.rng.below(4) as usize;
        let words: Vec<u32> = (0..n).map(|_| h.rng.next() as u32).collect();
        h.check_words(&words, None, 2);
    }
    let s = &h.stats;
    eprintln!(
        "test sequences: {} blocks, {} runs compared, IR insts {} -> {} ({:.1}% removed)",
        s.blocks,
        s.runs,
        s.before,
        s.after,
        100.0 * (s.before - s.after) as f64 / s.before.max(1) as f64
    );
    assert!(s.blocks > 300 && s.runs > s.blocks);
}
