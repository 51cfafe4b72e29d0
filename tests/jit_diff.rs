//! Random differential test of the execution backends.
//!
//! Each case is a random block of A64 integer instructions (data processing, flags, loads and
//! stores of every size and addressing mode, exclusives, forward branches, an optional
//! counted loop, indirect branches) followed by `svc #0`. It runs from the same initial
//! register state and the same memory on `Backend::Interp` (the reference), `Backend::Jit`
//! and `Backend::Crosscheck`, and the whole guest state (every register, NZCV, pc, the
//! exclusive monitor) and the scratch memory must come out identical.
//!
//! * Cases are generated from a seed and are reproducible. CI runs seeds 0..1000.
//! * `RUSER_DIFF_SEED=N` runs seeds N..N+`RUSER_DIFF_COUNT` (default 1) instead;
//!   `RUSER_DIFF_COUNT` alone runs seeds 0..COUNT.
//! * `tests/jit_diff/regressions.txt` lists seeds (one per line, `#` comments) that always run.
//! * A failing seed prints the seed, the listing and the first differing register.
//! * `RUSER_DIFF_VERBOSE=1` names every case on stderr before it runs (for a backend that
//!   crashes the whole test process); `RUSER_DIFF_VERBOSE=2` also prints its listing.
//! * `RUSER_DIFF_BACKENDS=jit` (or `crosscheck`) compares only that backend with the
//!   interpreter. Crosscheck ends the process at its first divergence (its own report is on
//!   stderr, visible with `-- --nocapture`); the harness then names the seed it was running.
//! * `RUSER_DIFF_LOG=ITEMS` turns on ruser's `-d ITEMS` logging (e.g. `in_asm,out_asm,unimp`)
//!   on stderr; use it with one seed and `-- --nocapture`.
//!
//! Memory: a code area (read+execute) and a scratch buffer (read+write) mapped through
//! `GuestMem`. Guest addresses are host addresses for 64-bit guests, so the backends run one
//! after the other on the same mappings: the scratch buffer and the state are restored before
//! each run, and every run gets a fresh `Engine`. Translations are shared process-wide, so
//! loading a case invalidates the code area, and cases run one at a time.
//!
//! Pinned registers, never written by the random instructions:
//! x28 = base of every ordinary load/store (points into the middle of the scratch buffer;
//! pre/post-index writeback moves it by a bounded amount), x24 = 16-byte aligned base of the
//! exclusive and acquire/release accesses, x27 = small positive index, x26 = small negative
//! index (register-offset addressing), x25 = loop counter.

use capstone::prelude::*;
use ruser::exec::{Backend, Engine, Stop};
use ruser::guest::aarch64::decode::{all_rows, Row};
use ruser::guest::aarch64::state::{xreg, EXCL_ADDR, EXCL_VAL, NZCV, PC, SP, TPIDR_EL0};
use ruser::guest::{by_name, CodeFetch, CpuState, GuestArch, TranslateOpts};
use ruser::ir::{Terminal, Trap};
use ruser::mem::{mapflags, GuestMem, PROT_EXEC, PROT_READ, PROT_WRITE};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

/// Seeds run by default (CI).
const CI_SEEDS: u64 = 1000;
/// Body length range (instructions, not counting the loop tail and the final svc).
const MIN_INSNS: u64 = 20;
const MAX_INSNS: u64 = 40;

const CODE_SIZE: u64 = 0x4000;
/// The program starts here inside the code area; the rest is seeded random data, which
/// literal loads read.
const PROG_OFF: u64 = 0x1000;
const SCRATCH_SIZE: u64 = 0x10000;
/// x28 starts near the middle of the scratch buffer.
const BASE_OFF: u64 = 0x8000;
/// x24 (exclusives) lives here, 16-byte aligned.
const EXCL_OFF: u64 = 0xc000;
/// Pre/post-index instructions per program (bounds how far x28 can move).
const MAX_WRITEBACKS: u32 = 8;

const R_EXCL: u32 = 24;
const R_LOOP: u32 = 25;
const R_NEG: u32 = 26;
const R_POS: u32 = 27;
const R_BASE: u32 = 28;
const PINNED: [u32; 5] = [R_EXCL, R_LOOP, R_NEG, R_POS, R_BASE];

const SVC0: u32 = 0xd400_0001;

// ---------------------------------------------------------------- random numbers

/// SplitMix64: tiny, seedable, good enough for test generation.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_d1ff_0000_0000)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn u32(&mut self) -> u32 {
        self.next() as u32
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
    /// A register value biased towards edge cases.
    fn value(&mut self) -> u64 {
        match self.below(12) {
            0 => 0,
            1 => u64::MAX,
            2 => 1 << 63,
            3 => 1 << 31,
            4 => 0xffff_ffff,
            5 => 0x7fff_ffff_ffff_ffff,
            6 => self.below(64),
            7 => self.next() & 0xff,
            8 => self.next() & 0xffff_ffff,
            9 => self.next() | 1 << 63,
            _ => self.next(),
        }
    }
    /// A register that random instructions may write: not pinned (31 excluded).
    fn free_reg(&mut self) -> u32 {
        loop {
            let r = self.below(31) as u32;
            if !PINNED.contains(&r) {
                return r;
            }
        }
    }
    /// A destination for loads: a free register or the zero register.
    fn dest_reg(&mut self) -> u32 {
        if self.chance(5) {
            31
        } else {
            self.free_reg()
        }
    }
}

// ---------------------------------------------------------------- instruction validity

/// Feeds the translator one instruction followed by `svc #0`.
struct OneInsn(u32);

impl CodeFetch for OneInsn {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        match addr {
            0x1000 => Some(self.0),
            0x1004 => Some(SVC0),
            _ => None,
        }
    }
}

/// Decoder and disassembler used to keep generated instructions valid.
struct Checker {
    arch: &'static dyn GuestArch,
    cs: Capstone,
}

impl Checker {
    fn new() -> Checker {
        Checker { arch: aarch64(), cs: Capstone::new().arm64().mode(arch::arm64::ArchMode::Arm).build().expect("capstone") }
    }
    /// Both capstone and ruser's translator accept the word.
    fn valid(&self, w: u32) -> bool {
        let bytes = w.to_le_bytes();
        match self.cs.disasm_count(&bytes, 0x1000, 1) {
            Ok(i) if i.len() == 1 => {}
            _ => return false,
        }
        let b = self.arch.translate(&OneInsn(w), 0x1000, &TranslateOpts::default());
        !matches!(b.term, Terminal::Trap { trap: Trap::Undefined { .. }, .. })
    }
}

fn aarch64() -> &'static dyn GuestArch {
    by_name("aarch64").expect("aarch64 guest")
}

/// Data-processing rows of the decode table (immediate and register classes).
fn dp_rows() -> &'static [&'static Row] {
    static R: OnceLock<Vec<&'static Row>> = OnceLock::new();
    R.get_or_init(|| {
        all_rows()
            .filter(|r| {
                let imm = (r.mask >> 26) & 7 == 7 && (r.value >> 26) & 7 == 0b100;
                let reg = (r.mask >> 25) & 7 == 7 && (r.value >> 25) & 7 == 0b101;
                imm || reg
            })
            .collect()
    })
}

// ---------------------------------------------------------------- program generation

/// How a slot's word gets its branch offset once the layout is known.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fix {
    None,
    /// Forward branch with imm19 at bit 5 (b.cond, cbz, cbnz).
    Imm19,
    /// Forward tbz/tbnz (imm14 at bit 5).
    Imm14,
    /// Forward b/bl (imm26).
    Imm26,
    /// `adr` of a forward target, followed by the indirect branch that uses it.
    Adr,
    /// The indirect branch after `Adr` (never a branch target).
    AfterAdr,
    /// `cbnz x25` back to the loop start (never a branch target).
    LoopBack,
}

#[derive(Clone, Copy)]
struct Slot {
    word: u32,
    fix: Fix,
}

impl Slot {
    fn plain(word: u32) -> Slot {
        Slot { word, fix: Fix::None }
    }
}

/// One generated test case.
struct Program {
    seed: u64,
    words: Vec<u32>,
    /// Initial register state (pc included).
    init: CpuState,
    /// Initial scratch contents and code-area filler.
    scratch: Vec<u8>,
    filler: Vec<u8>,
}

struct Gen<'a> {
    rng: Rng,
    chk: &'a Checker,
    writebacks: u32,
}

impl Gen<'_> {
    fn dp(&mut self) -> u32 {
        let rows = dp_rows();
        loop {
            let row = rows[self.rng.below(rows.len() as u64) as usize];
            for _ in 0..16 {
                let mut w = row.value | (self.rng.u32() & !row.mask);
                // Every data-processing row writes Rd at bits 4..0, except the conditional
                // compares, whose low bits are the NZCV immediate.
                if !row.name.starts_with("cc") && PINNED.contains(&(w & 31)) {
                    w = (w & !31) | self.rng.free_reg();
                }
                if self.chk.valid(w) {
                    return w;
                }
            }
        }
    }

    fn sys(&mut self) -> u32 {
        let t = self.rng.free_reg();
        let any = self.rng.below(32) as u32;
        match self.rng.below(7) {
            0 | 1 => 0xd53b_4200 | t,   // mrs xt, nzcv
            2 | 3 => 0xd51b_4200 | any, // msr nzcv, xt
            4 => 0xd53b_d040 | t,       // mrs xt, tpidr_el0
            5 => 0xd51b_d040 | any,     // msr tpidr_el0, xt
            _ => self.rng.pick(&[0xd503_3bbf, 0xd503_39bf, 0xd503_3fdf, 0xd503_201f]), // dmb ish, dmb ishld, isb, nop
        }
    }

    /// (size, opc) for a single-register load/store: store, zero-extending load, or a
    /// sign-extending load to X or W.
    fn size_opc(&mut self) -> (u32, u32) {
        loop {
            let size = self.rng.below(4) as u32;
            let opc = self.rng.below(4) as u32;
            let ok = match size {
                0 | 1 => true,
                2 => opc <= 2,
                _ => opc <= 1,
            };
            if ok {
                return (size, opc);
            }
        }
    }

    /// Rt for a load (opc != 0) or a store; `wb` when the base is written back.
    fn rt(&mut self, load: bool, wb: bool) -> u32 {
        if load {
            self.rng.dest_reg()
        } else {
            loop {
                let r = self.rng.below(32) as u32;
                if !(wb && r == R_BASE) {
                    return r;
                }
            }
        }
    }

    fn ldst(&mut self) -> u32 {
        let (size, opc) = self.size_opc();
        let load = opc != 0;
        let mut mode = self.rng.below(6);
        if (mode == 2 || mode == 3) && self.writebacks >= MAX_WRITEBACKS {
            mode = 0;
        }
        let wb = mode == 2 || mode == 3;
        let rt = self.rt(load, wb);
        let top = size << 30 | opc << 22 | R_BASE << 5 | rt;
        let imm9 = (self.rng.below(512) as u32) << 12;
        match mode {
            // unsigned scaled offset
            0 => top | 0b111001 << 24 | (self.rng.below(4096 >> size) as u32) << 10,
            // unscaled (ldur/stur) and unprivileged (ldtr/sttr)
            1 => top | 0b111000 << 24 | imm9 | self.rng.pick(&[0b00, 0b10]) << 10,
            // post-index, pre-index
            2 | 3 => {
                self.writebacks += 1;
                top | 0b111000 << 24 | imm9 | (if mode == 2 { 0b01 } else { 0b11 }) << 10
            }
            // register offset: x27 >= 0 with any extend, x26 < 0 only sign-extended or lsl
            _ => {
                let (rm, option) = match self.rng.below(3) {
                    0 => (R_POS, self.rng.pick(&[0b010, 0b011, 0b110, 0b111])),
                    1 => (R_NEG, self.rng.pick(&[0b011, 0b110, 0b111])),
                    _ => (31, self.rng.pick(&[0b010, 0b011, 0b110, 0b111])),
                };
                let s = self.rng.below(2) as u32;
                top | 0b111000 << 24 | 1 << 21 | rm << 16 | option << 13 | s << 12 | 0b10 << 10
            }
        }
    }

    fn pair(&mut self) -> u32 {
        // opc: 00 = W, 10 = X, 01 = LDPSW (loads only, not non-temporal)
        let load = self.rng.chance(50);
        let opc = if load && self.rng.chance(25) { 0b01 } else { self.rng.pick(&[0b00, 0b10]) };
        let mut mode = if opc == 0b01 { self.rng.range(1, 3) } else { self.rng.below(4) };
        if (mode == 1 || mode == 3) && self.writebacks >= MAX_WRITEBACKS {
            mode = 2;
        }
        let wb = mode == 1 || mode == 3;
        if wb {
            self.writebacks += 1;
        }
        let (rt, rt2) = loop {
            let (a, b) = (self.rt(load, wb), self.rt(load, wb));
            if !(load && a == b) {
                break (a, b);
            }
        };
        let imm7 = self.rng.below(128) as u32;
        opc << 30 | 0b101 << 27 | (mode as u32) << 23 | (load as u32) << 22 | imm7 << 15 | rt2 << 10 | R_BASE << 5 | rt
    }

    /// `ldr`/`ldrsw` (literal) from somewhere in the code area around the program.
    fn literal(&mut self) -> u32 {
        let opc = self.rng.below(3) as u32;
        let off = (self.rng.below(0x400) as i32) - 0x200; // words, ±2 KiB
        opc << 30 | 0b011000 << 24 | ((off as u32) & 0x7ffff) << 5 | self.rng.dest_reg()
    }

    fn exclusive(&mut self) -> u32 {
        let size = self.rng.below(4) as u32;
        let base = R_EXCL << 5;
        let o0 = (self.rng.below(2) as u32) << 15;
        let status = |g: &mut Gen, avoid: &[u32]| loop {
            let r = g.rng.free_reg();
            if !avoid.contains(&r) {
                return r;
            }
        };
        let store_rt = |g: &mut Gen| loop {
            let r = g.rng.below(32) as u32;
            if r != R_EXCL {
                return r;
            }
        };
        match self.rng.below(8) {
            0 | 1 => size << 30 | 0x085f_7c00 | o0 | base | self.rng.dest_reg(), // ldxr, ldaxr
            2 | 3 => {
                let rt = store_rt(self);
                let rs = status(self, &[rt]);
                size << 30 | 0x0800_7c00 | rs << 16 | o0 | base | rt // stxr, stlxr
            }
            4 => size << 30 | 0x08df_fc00 | base | self.rng.dest_reg(), // ldar
            5 => size << 30 | 0x089f_fc00 | base | store_rt(self),     // stlr
            6 => {
                let sz = (self.rng.below(2) as u32) << 30;
                let rt = self.rng.free_reg();
                let rt2 = status(self, &[rt]);
                0x887f_0000 | sz | o0 | rt2 << 10 | base | rt // ldxp, ldaxp
            }
            _ => {
                if self.rng.chance(30) {
                    return 0xd503_305f | (self.rng.below(16) as u32) << 8; // clrex
                }
                let sz = (self.rng.below(2) as u32) << 30;
                let (rt, rt2) = (store_rt(self), store_rt(self));
                let rs = status(self, &[rt, rt2]);
                0x8820_0000 | sz | rs << 16 | o0 | rt2 << 10 | base | rt // stxp, stlxp
            }
        }
    }

    fn cond_branch(&mut self) -> Slot {
        let rt = self.rng.below(32) as u32;
        match self.rng.below(3) {
            0 => Slot { word: 0x5400_0000 | self.rng.below(16) as u32, fix: Fix::Imm19 }, // b.cond
            1 => {
                let sf = (self.rng.below(2) as u32) << 31;
                let op = (self.rng.below(2) as u32) << 24;
                Slot { word: sf | 0x3400_0000 | op | rt, fix: Fix::Imm19 } // cbz, cbnz
            }
            _ => {
                let bit = self.rng.below(64) as u32;
                let op = (self.rng.below(2) as u32) << 24;
                Slot { word: (bit >> 5) << 31 | 0x3600_0000 | op | (bit & 31) << 19 | rt, fix: Fix::Imm14 } // tbz, tbnz
            }
        }
    }

    /// The body: a list of slots (an indirect branch takes two).
    fn body(&mut self, n: u64) -> Vec<Slot> {
        let mut v = Vec::new();
        while (v.len() as u64) < n {
            let k = self.rng.below(100);
            match k {
                0..=47 => v.push(Slot::plain(self.dp())),
                48..=50 => v.push(Slot::plain(self.sys())),
                51..=66 => v.push(Slot::plain(self.ldst())),
                67..=72 => v.push(Slot::plain(self.pair())),
                73..=74 => v.push(Slot::plain(self.literal())),
                75..=78 => v.push(Slot::plain(self.exclusive())),
                79..=89 => v.push(self.cond_branch()),
                90..=93 => v.push(Slot { word: self.rng.pick(&[0x1400_0000, 0x9400_0000]), fix: Fix::Imm26 }), // b, bl
                _ => {
                    // adr xK, target; br/blr/ret xK (or adr x30; ret)
                    let k = self.rng.free_reg();
                    v.push(Slot { word: 0x1000_0000 | k, fix: Fix::Adr });
                    let br = self.rng.pick(&[0xd61f_0000u32, 0xd63f_0000, 0xd65f_0000]);
                    v.push(Slot { word: br | k << 5, fix: Fix::AfterAdr });
                }
            }
        }
        v
    }
}

/// Words from slots: resolve every branch to a legal target.
fn layout(rng: &mut Rng, slots: &[Slot], loop_start: Option<usize>) -> Vec<u32> {
    let n = slots.len();
    let targetable: Vec<bool> = slots.iter().map(|s| !matches!(s.fix, Fix::AfterAdr | Fix::LoopBack)).collect();
    let mut words = Vec::with_capacity(n);
    for (i, s) in slots.iter().enumerate() {
        let first = if s.fix == Fix::Adr { i + 2 } else { i + 1 };
        // Targets after the branch, nearby ones more likely.
        let choices: Vec<usize> = (first..n).filter(|&j| targetable[j]).collect();
        let pick = |rng: &mut Rng| {
            let k = if rng.chance(60) { rng.below(choices.len().min(4) as u64) } else { rng.below(choices.len() as u64) };
            (choices[k as usize] - i) as u32
        };
        let w = match s.fix {
            Fix::None | Fix::AfterAdr => s.word,
            Fix::Imm19 => s.word | (pick(rng) & 0x7ffff) << 5,
            Fix::Imm14 => s.word | (pick(rng) & 0x3fff) << 5,
            Fix::Imm26 => s.word | (pick(rng) & 0x3ff_ffff),
            Fix::Adr => {
                let off = pick(rng) * 4;
                s.word | (off & 3) << 29 | (off >> 2 & 0x7ffff) << 5
            }
            Fix::LoopBack => {
                let back = loop_start.expect("loop start") as i64 - i as i64;
                s.word | ((back as u32) & 0x7ffff) << 5
            }
        };
        words.push(w);
    }
    words
}

fn generate(seed: u64, chk: &Checker, code_base: u64, scratch_base: u64) -> Program {
    let mut g = Gen { rng: Rng::new(seed), chk, writebacks: 0 };
    let n = g.rng.range(MIN_INSNS, MAX_INSNS);
    let mut slots = g.body(n);
    // A counted loop over part of the body a third of the time: sub x25, x25, #1; cbnz x25.
    let mut loop_start = None;
    let mut loop_count = g.rng.value();
    if g.rng.chance(33) {
        let len = slots.len();
        let mut start = g.rng.below(len as u64 / 2) as usize;
        if slots[start].fix == Fix::AfterAdr {
            start -= 1;
        }
        let mut end = g.rng.range(start as u64 + 3, len as u64) as usize;
        if end < len && slots[end].fix == Fix::AfterAdr {
            end += 1;
        }
        slots.insert(end, Slot::plain(0xd100_0400 | R_LOOP << 5 | R_LOOP));
        slots.insert(end + 1, Slot { word: 0xb500_0000 | R_LOOP, fix: Fix::LoopBack });
        loop_start = Some(start);
        loop_count = g.rng.range(1, 3);
    }
    slots.push(Slot::plain(SVC0));
    let words = layout(&mut g.rng, &slots, loop_start);

    let rng = &mut g.rng;
    let arch = aarch64();
    let mut init = CpuState::new(arch.state_size());
    arch.init_state(&mut init, code_base + PROG_OFF, 0);
    for r in 0..31 {
        init.write_u64(xreg(r), rng.value());
    }
    init.write_u64(SP, rng.value());
    init.write_u64(xreg(R_BASE), scratch_base + BASE_OFF + rng.below(64));
    init.write_u64(xreg(R_EXCL), scratch_base + EXCL_OFF + 16 * rng.below(16));
    init.write_u64(xreg(R_POS), rng.below(256));
    init.write_u64(xreg(R_NEG), (-(rng.below(256) as i64) - 1) as u64);
    init.write_u64(xreg(R_LOOP), loop_count);
    init.write_u64(NZCV, rng.below(16) << 28);
    init.write_u64(TPIDR_EL0, rng.value());
    for v in 0..32 {
        let off = ruser::guest::aarch64::state::vreg(v);
        init.write_u128(off, (rng.next() as u128) << 64 | rng.next() as u128);
    }
    let bytes = |rng: &mut Rng, n: u64| (0..n / 8).flat_map(|_| rng.next().to_le_bytes()).collect::<Vec<u8>>();
    let scratch = bytes(rng, SCRATCH_SIZE);
    let filler = bytes(rng, CODE_SIZE);
    Program { seed, words, init, scratch, filler }
}

// ---------------------------------------------------------------- running

/// Guest memory for one test thread: the code area and the scratch buffer.
struct World {
    mem: GuestMem,
    code: u64,
    scratch: u64,
}

impl World {
    /// `slot` picks the address hint, one per test, so that a seed sees the same addresses
    /// every time (the kernel may still place the areas elsewhere if the hint is taken).
    fn new(slot: u64) -> World {
        static FAULTS: Once = Once::new();
        FAULTS.call_once(|| {
            ruser::exec::fault::install();
            if let Ok(items) = std::env::var("RUSER_DIFF_LOG") {
                let mask = ruser::log::parse_items(&items).unwrap_or_else(|e| panic!("RUSER_DIFF_LOG: unknown item {e}"));
                ruser::log::init(mask, Box::new(std::io::stderr()));
            }
        });
        let mem = GuestMem::new_identity();
        let flags = mapflags::MAP_PRIVATE | mapflags::MAP_ANONYMOUS;
        let hint = 0x3000_0000_0000 + slot * 0x100_0000;
        let code = mem.mmap(hint, CODE_SIZE, PROT_READ | PROT_EXEC, flags, -1, 0, None).expect("map code area");
        let scratch = mem.mmap(hint + 0x80_0000, SCRATCH_SIZE, PROT_READ | PROT_WRITE, flags, -1, 0, None).expect("map scratch buffer");
        World { mem, code, scratch }
    }

    /// Put a program's code (and the filler around it) in place.
    fn load(&self, p: &Program) {
        let mut code = p.filler.clone();
        let prog: Vec<u8> = p.words.iter().flat_map(|w| w.to_le_bytes()).collect();
        code[PROG_OFF as usize..PROG_OFF as usize + prog.len()].copy_from_slice(&prog);
        self.mem.write_force(self.code, &code).expect("write code");
        // Translations are shared by every engine of the process: drop the previous case's.
        Engine::new(aarch64(), Backend::Jit).invalidate(self.code, self.code + CODE_SIZE);
    }

    fn run(&self, p: &Program, backend: Backend) -> Outcome {
        self.mem.write(self.scratch, &p.scratch).expect("reset scratch");
        let mut cpu = p.init.clone();
        let mut engine = Engine::new(aarch64(), backend);
        watchdog::start(format!("seed {} on {backend:?}", p.seed));
        let stop = engine.run(&mut cpu, &self.mem);
        watchdog::done();
        let mut scratch = vec![0u8; SCRATCH_SIZE as usize];
        self.mem.read(self.scratch, &mut scratch).expect("read scratch");
        Outcome { stop, cpu, scratch }
    }

    fn end_pc(&self, p: &Program) -> u64 {
        self.code + PROG_OFF + 4 * p.words.len() as u64
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = self.mem.munmap(self.code, CODE_SIZE);
        let _ = self.mem.munmap(self.scratch, SCRATCH_SIZE);
    }
}

struct Outcome {
    stop: Stop,
    cpu: CpuState,
    scratch: Vec<u8>,
}

/// Named pieces of the state, in report order.
fn state_fields() -> Vec<(String, usize, usize)> {
    let mut v: Vec<(String, usize, usize)> = aarch64().registers().iter().map(|&(n, o, s)| (n.to_string(), o, s)).collect();
    v.push(("excl_addr".into(), EXCL_ADDR, 8));
    v.push(("excl_val[0]".into(), EXCL_VAL, 8));
    v.push(("excl_val[1]".into(), EXCL_VAL + 8, 8));
    v
}

fn field_value(cpu: &CpuState, off: usize, size: usize) -> u128 {
    if size == 16 {
        cpu.read_u128(off)
    } else {
        cpu.read_u64(off) as u128
    }
}

/// Differences between a reference outcome and another; empty when identical.
fn differences(want: &Outcome, got: &Outcome, want_name: &str, got_name: &str) -> Vec<String> {
    let mut d = Vec::new();
    if want.stop != got.stop {
        d.push(format!("stop: {want_name}={:?} {got_name}={:?}", want.stop, got.stop));
    }
    let mut covered = vec![false; want.cpu.bytes().len()];
    for (name, off, size) in state_fields() {
        covered[off..off + size].iter_mut().for_each(|c| *c = true);
        let (a, b) = (field_value(&want.cpu, off, size), field_value(&got.cpu, off, size));
        if a != b {
            d.push(format!("{name}: {want_name}={a:#x} {got_name}={b:#x}"));
        }
    }
    for (i, (a, b)) in want.cpu.bytes().iter().zip(got.cpu.bytes()).enumerate() {
        if !covered[i] && a != b {
            d.push(format!("state byte {i:#x}: {want_name}={a:#04x} {got_name}={b:#04x}"));
        }
    }
    let mut mem_diffs = want.scratch.iter().zip(&got.scratch).enumerate().filter(|(_, (a, b))| a != b);
    if let Some((i, (a, b))) = mem_diffs.next() {
        let more = mem_diffs.count();
        d.push(format!("scratch memory at scratch+{i:#x}: {want_name}={a:#04x} {got_name}={b:#04x} ({more} more bytes differ)"));
    }
    d
}

fn listing(w: &World, p: &Program) -> String {
    let bytes: Vec<u8> = p.words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut s = ruser::disas::disassemble_aarch64(&bytes, w.code + PROG_OFF);
    let _ = writeln!(s, "initial state (code at {:#x}, scratch at {:#x}):", w.code, w.scratch);
    let mut line = String::new();
    for (i, (name, off, size)) in state_fields().into_iter().enumerate() {
        if i >= 37 && size == 16 {
            continue; // V registers: random, untouched by the generated code
        }
        let _ = write!(line, " {name}={:#x}", field_value(&p.init, off, size));
        if line.len() > 100 {
            let _ = writeln!(s, " {line}");
            line.clear();
        }
    }
    if !line.is_empty() {
        let _ = writeln!(s, " {line}");
    }
    s
}

static SERIAL: Mutex<()> = Mutex::new(());

/// The backends compared with the interpreter: `RUSER_DIFF_BACKENDS` (a comma list of
/// `jit`, `crosscheck`), default both.
fn backends() -> Vec<Backend> {
    let Ok(list) = std::env::var("RUSER_DIFF_BACKENDS") else { return vec![Backend::Jit, Backend::Crosscheck] };
    list.split(',')
        .filter(|n| !n.is_empty())
        .map(|n| match Backend::NAMES.iter().find(|(name, _)| *name == n.trim()) {
            Some(&(_, b)) => b,
            None => panic!("RUSER_DIFF_BACKENDS: unknown backend {n:?}"),
        })
        .collect()
}

/// Run one seed on every backend; Err is the failure report.
fn check_seed(w: &World, chk: &Checker, seed: u64) -> Result<(), String> {
    let p = generate(seed, chk, w.code, w.scratch);
    // One case at a time in the whole process: the translation cache is shared, and this test
    // is about single-threaded behaviour.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    w.load(&p);
    if let Some(v) = std::env::var_os("RUSER_DIFF_VERBOSE") {
        let msg = format!("jit_diff: running seed {seed}\n");
        unsafe { libc::write(2, msg.as_ptr() as *const _, msg.len()) };
        if v == "2" {
            eprintln!("{}", listing(w, &p));
        }
    }
    let reference = w.run(&p, Backend::Interp);
    let mut problems = Vec::new();
    let end = w.end_pc(&p);
    if reference.stop != Stop::Syscall || reference.cpu.read_u64(PC) != end {
        problems.push(format!(
            "the interpreter did not reach the final svc (stop {:?}, pc {:#x}, expected pc {end:#x}): generator or interpreter bug",
            reference.stop,
            reference.cpu.read_u64(PC)
        ));
    }
    for backend in backends() {
        if backend == Backend::Crosscheck && !problems.is_empty() {
            // Crosscheck ends the process at the first divergence it sees.
            problems.push("crosscheck not run (it exits the process on a divergence)".into());
            break;
        }
        let got = w.run(&p, backend);
        let name = format!("{backend:?}").to_lowercase();
        let d = differences(&reference, &got, "interp", &name);
        if !d.is_empty() {
            problems.push(format!("interp vs {name}: first difference {}\n  all: {}", d[0], d.join("\n       ")));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "jit_diff: seed {seed} FAILED (rerun with RUSER_DIFF_SEED={seed}; add it to tests/jit_diff/regressions.txt)\n{}\n{}",
        problems.join("\n"),
        listing(w, &p)
    ))
}

fn check_seeds(slot: u64, seeds: impl IntoIterator<Item = u64>) {
    let w = World::new(slot);
    let chk = Checker::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for seed in seeds {
        n += 1;
        if let Err(e) = check_seed(&w, &chk, seed) {
            failures.push((seed, e));
        }
    }
    if !failures.is_empty() {
        let seeds: Vec<String> = failures.iter().map(|(s, _)| s.to_string()).collect();
        let shown: Vec<&str> = failures.iter().take(3).map(|(_, e)| e.as_str()).collect();
        panic!("{} of {n} random programs differ between backends; seeds: {}\n\n{}", failures.len(), seeds.join(" "), shown.join("\n"));
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(v.trim().parse().unwrap_or_else(|e| panic!("{name}={v:?}: {e}")))
}

// ---------------------------------------------------------------- watchdog

/// A backend that never returns must fail the test with the seed, not hang it; one that ends
/// the process (crosscheck on a divergence) gets the seed named on stderr by an atexit hook.
mod watchdog {
    use super::*;
    use std::thread::ThreadId;

    const LIMIT: Duration = Duration::from_secs(30);

    extern "C" fn at_exit() {
        let Ok(map) = running().try_lock() else { return };
        for (what, _) in map.values() {
            let msg = format!(
                "jit_diff: the process exited while running {what}; to see why: \
                 RUSER_DIFF_SEED=<seed> RUSER_DIFF_VERBOSE=2 cargo test --release --test jit_diff random -- --nocapture\n"
            );
            unsafe { libc::write(2, msg.as_ptr() as *const _, msg.len()) };
        }
    }

    fn running() -> &'static Mutex<HashMap<ThreadId, (String, Instant)>> {
        static M: OnceLock<Mutex<HashMap<ThreadId, (String, Instant)>>> = OnceLock::new();
        M.get_or_init(|| {
            unsafe { libc::atexit(at_exit) };
            std::thread::spawn(|| loop {
                std::thread::sleep(Duration::from_secs(1));
                let map = running().lock().unwrap_or_else(|e| e.into_inner());
                for (what, since) in map.values() {
                    if since.elapsed() > LIMIT {
                        let msg = format!("jit_diff: {what} has not finished after {} s: aborting\n", LIMIT.as_secs());
                        unsafe {
                            libc::write(2, msg.as_ptr() as *const _, msg.len());
                            libc::_exit(101);
                        }
                    }
                }
            });
            Mutex::new(HashMap::new())
        })
    }

    pub fn start(what: String) {
        running().lock().unwrap_or_else(|e| e.into_inner()).insert(std::thread::current().id(), (what, Instant::now()));
    }

    pub fn done() {
        running().lock().unwrap_or_else(|e| e.into_inner()).remove(&std::thread::current().id());
    }
}

// ---------------------------------------------------------------- tests

/// The CI seeds, or the range the environment asks for.
#[test]
fn random_programs_agree_on_every_backend() {
    let (start, count) = match (env_u64("RUSER_DIFF_SEED"), env_u64("RUSER_DIFF_COUNT")) {
        (Some(s), c) => (s, c.unwrap_or(1)),
        (None, Some(c)) => (0, c),
        (None, None) => (0, CI_SEEDS),
    };
    check_seeds(0, start..start + count);
}

fn regression_seeds() -> Vec<u64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/jit_diff/regressions.txt");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.parse().unwrap_or_else(|e| panic!("{path}: bad seed {l:?}: {e}")))
        .collect()
}

#[test]
fn regression_seeds_agree_on_every_backend() {
    let seeds = regression_seeds();
    assert!(!seeds.is_empty(), "tests/jit_diff/regressions.txt lists no seeds");
    check_seeds(1, seeds);
}

/// The generator only emits instructions capstone and ruser both accept, never writes a
/// pinned register, and is deterministic.
#[test]
fn generator_emits_valid_deterministic_programs() {
    let chk = Checker::new();
    let (code, scratch) = (0x10_0000, 0x20_0000);
    for seed in 0..100 {
        let p = generate(seed, &chk, code, scratch);
        let q = generate(seed, &chk, code, scratch);
        assert_eq!(p.words, q.words, "seed {seed}: not deterministic");
        assert_eq!(p.init.bytes(), q.init.bytes(), "seed {seed}: initial state not deterministic");
        assert_eq!(*p.words.last().unwrap(), SVC0);
        for &w in &p.words {
            assert!(chk.valid(w), "seed {seed}: invalid instruction {w:#010x}");
        }
    }
}

/// Across the CI seeds the programs really do the things the test is for.
#[test]
fn generator_covers_the_instruction_mix() {
    let chk = Checker::new();
    let mut counts: HashMap<&'static str, u32> = HashMap::new();
    for seed in 0..CI_SEEDS {
        let p = generate(seed, &chk, 0x10_0000, 0x20_0000);
        for &w in &p.words {
            let kind = match w {
                _ if w & 0xff00_001f == 0xb500_0000 | R_LOOP => "loop",
                _ if w & 0xfffffc1f == 0xd61f_0000 || w & 0xfffffc1f == 0xd63f_0000 || w & 0xfffffc1f == 0xd65f_0000 => "indirect",
                _ if w & 0x3f00_0000 == 0x0800_0000 => "exclusive",
                _ if w & 0x3a00_0000 == 0x2800_0000 => "pair",
                _ if w & 0x3a00_0000 == 0x3800_0000 => "load/store",
                _ if w & 0x7c00_0000 == 0x1400_0000 || w & 0x7e00_0000 == 0x3400_0000 || w & 0x7e00_0000 == 0x3600_0000 || w & 0xff00_0010 == 0x5400_0000 => "branch",
                _ if (w >> 26) & 7 == 0b100 || (w >> 25) & 7 == 0b101 => "data processing",
                _ => "other",
            };
            *counts.entry(kind).or_default() += 1;
        }
    }
    for kind in ["loop", "indirect", "exclusive", "pair", "load/store", "branch", "data processing"] {
        assert!(counts.get(kind).copied().unwrap_or(0) >= 20, "too few {kind} instructions in {CI_SEEDS} programs: {counts:?}");
    }
}

/// The comparison notices a difference (so a passing run means something).
#[test]
fn comparison_reports_a_planted_difference() {
    let w = World::new(2);
    let chk = Checker::new();
    let p = generate(7, &chk, w.code, w.scratch);
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    w.load(&p);
    let a = w.run(&p, Backend::Interp);
    let mut b = w.run(&p, Backend::Interp);
    assert!(differences(&a, &b, "a", "b").is_empty(), "the interpreter is not deterministic");
    b.cpu.write_u64(xreg(13), a.cpu.read_u64(xreg(13)) ^ 4);
    b.scratch[100] ^= 1;
    let d = differences(&a, &b, "a", "b");
    assert!(d.len() == 2 && d[0].starts_with("x13: ") && d[1].starts_with("scratch memory"), "{d:?}");
}
