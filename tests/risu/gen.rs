//! The generator of the differential tester: seeded random test cases (initial guest state,
//! scratch memory and a sequence of valid A64 instructions) drawn from the rows of
//! `rows.rs`.
//!
//! A row is an encoding pattern (32 characters, spaces ignored: `0`/`1` fixed bits, any other
//! character a field bit; bits with the same character form one field, most significant
//! first) plus constraints on some fields. Unconstrained fields take random values. Each
//! drawn word must disassemble with capstone (which rejects unallocated encodings) and must
//! not be one of the later-architecture instructions in `DENY`.
//!
//! Loads and stores stay inside the scratch page: their base register (field kind `Base`) is
//! set to an address near the middle of the page by two instructions (MOVZ, MOVK) emitted
//! just before the access, index registers (`Idx`) likewise get small values, and the rows
//! bound every immediate offset.

use capstone::prelude::*;

/// Guest addresses fixed by the harness (tests/risu/harness.c).
pub const CODE: u64 = 0x100_0000;
pub const SCRATCH: u64 = 0x110_0000;
pub const SCRATCH_SIZE: usize = 4096;
/// Where sp points while a case runs (the harness's register block).
pub const STATE: u64 = 0x120_0000;
/// Words of the harness prologue that precede the case's code on the code page.
pub const PROLOGUE_WORDS: u64 = 16;

// ---------------------------------------------------------------- random numbers

/// splitmix64: small, fast and good enough for test generation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    pub fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------- classes and rows

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Int,
    Fp,
    Simd,
    Ldst,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Int, Class::Fp, Class::Simd, Class::Ldst];

    pub fn name(self) -> &'static str {
        match self {
            Class::Int => "int",
            Class::Fp => "fp",
            Class::Simd => "simd",
            Class::Ldst => "ldst",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Instructions per case (not counting the set-up of base and index registers).
    fn len_range(self) -> (i64, i64) {
        match self {
            Class::Int => (3, 12),
            Class::Fp | Class::Simd => (3, 10),
            Class::Ldst => (2, 8),
        }
    }
}

/// What a field may hold.
#[derive(Clone, Copy, Debug)]
pub enum F {
    /// Any value (the default for fields a row does not list).
    Any,
    /// A general register the instruction writes where 31 means SP: 0..=30 (sp stays the
    /// harness's).
    NoSp,
    /// A signed range, stored in two's complement in the field.
    R(i64, i64),
    /// One of these values.
    Vals(&'static [u32]),
    /// Load/store base register: set to a scratch address just before the instruction.
    Base,
    /// Register-offset index register: set to a small value just before the instruction,
    /// valid under the extension given by the row's field `o` (option) when it has one.
    Idx,
    /// Branch offset (words): once the case is complete it is set to the start of one of the
    /// next MAX_SKIP instructions (or the harness's final branch back), so that a branch
    /// never skips the set-up words of the instruction it lands on.
    Fwd,
    /// Register of an indirect branch: an ADR just before sets it to a target chosen as for
    /// `Fwd`.
    Target,
}

/// How many instructions a branch may skip, at most, minus one.
pub const MAX_SKIP: usize = 4;

/// A branch whose target is set once the case is complete.
struct Fix {
    /// Index of the branch word within its unit.
    branch: usize,
    /// Bit positions of its offset field (most significant first); empty for an indirect
    /// branch, whose ADR (the word before) gets the offset instead.
    bits: Vec<u32>,
}

/// Store `v` (two's complement) into the field at `bits`.
fn put_field(word: u32, bits: &[u32], v: i64) -> u32 {
    let width = bits.len() as u32;
    let mut w = word;
    for (i, &bit) in bits.iter().enumerate() {
        w &= !(1 << bit);
        if (v >> (width - 1 - i as u32)) & 1 != 0 {
            w |= 1 << bit;
        }
    }
    w
}

fn adr(rd: u32, off_bytes: i64) -> u32 {
    let imm = off_bytes as u32 & 0x1f_ffff;
    0x1000_0000 | ((imm & 3) << 29) | ((imm >> 2) << 5) | rd
}

pub struct Row {
    pub name: &'static str,
    pub pat: &'static str,
    pub fields: &'static [(char, F)],
    /// Pairs of fields that must hold different values (CONSTRAINED UNPREDICTABLE
    /// otherwise, e.g. the data and base registers of a load with writeback).
    pub ne: &'static [(char, char)],
}

/// A row with its pattern parsed.
struct Compiled {
    row: &'static Row,
    fixed_mask: u32,
    fixed_val: u32,
    /// (name, bit positions most significant first)
    fields: Vec<(char, Vec<u32>)>,
}

fn compile(row: &'static Row) -> Compiled {
    let bits: Vec<char> = row.pat.chars().filter(|c| *c != ' ').collect();
    assert_eq!(bits.len(), 32, "row {}: pattern {:?} has {} bits", row.name, row.pat, bits.len());
    let (mut fixed_mask, mut fixed_val) = (0u32, 0u32);
    let mut fields: Vec<(char, Vec<u32>)> = Vec::new();
    for (i, &c) in bits.iter().enumerate() {
        let bit = 31 - i as u32;
        match c {
            '0' | '1' => {
                fixed_mask |= 1 << bit;
                if c == '1' {
                    fixed_val |= 1 << bit;
                }
            }
            _ => match fields.iter_mut().find(|(n, _)| *n == c) {
                Some((_, v)) => v.push(bit),
                None => fields.push((c, vec![bit])),
            },
        }
    }
    for (c, _) in row.fields {
        assert!(fields.iter().any(|(n, _)| n == c), "row {}: constraint on missing field {c}", row.name);
    }
    Compiled { row, fixed_mask, fixed_val, fields }
}

fn kind(row: &Row, c: char) -> F {
    row.fields.iter().find(|(n, _)| *n == c).map(|(_, k)| *k).unwrap_or(F::Any)
}

/// Later-architecture instructions that capstone decodes inside the v8.0 groups the rows
/// cover (the oracle runs as a Cortex-A57, an Armv8.0 core).
const DENY: &[&str] = &[
    "fmlal", "fmlal2", "fmlsl", "fmlsl2", "sqrdmlah", "sqrdmlsh", "sdot", "udot", "usdot", "sudot", "fcadd", "fcmla",
    "frint32x", "frint32z", "frint64x", "frint64z", "bfcvt", "bfcvtn", "bfcvtn2", "bfdot", "bfmlalb", "bfmlalt", "bfmmla",
    "smmla", "ummla", "usmmla", "fjcvtzs", "rax1", "xar", "eor3", "bcax", "setf8", "setf16", "rmif", "cfinv", "axflag",
    "xaflag", "ldapr", "ldaprb", "ldaprh", "stlur", "stlurb", "stlurh", "ldapur", "ldapurb", "ldapurh", "ldapursb",
    "ldapursh", "ldapursw", "ldraa", "ldrab", "stgp",
];

/// Whether capstone's text shows a half-precision FP operation (Armv8.2 FP16) rather than
/// one of the v8.0 conversions to or from half precision.
fn is_fp16_arith(mn: &str, ops: &str) -> bool {
    let conv = ["fcvt", "fcvtl", "fcvtl2", "fcvtn", "fcvtn2", "fmov"];
    if conv.contains(&mn) && mn != "fmov" {
        return false;
    }
    let fp = mn.starts_with('f') || mn == "scvtf" || mn == "ucvtf";
    if !fp {
        return false;
    }
    let half_vec = ops.contains(".4h") || ops.contains(".8h") || ops.contains(".h[") || ops.contains(".2h");
    let half_scalar = ops.split([',', ' ']).any(|t| {
        let t = t.trim();
        t.len() >= 2 && t.starts_with('h') && t[1..].chars().all(|c| c.is_ascii_digit())
    });
    half_vec || half_scalar
}

// ---------------------------------------------------------------- the generator

pub struct Gen {
    cs: Capstone,
    classes: Vec<(Class, Vec<Compiled>)>,
    /// Extra acceptance test for drawn words (e.g. "ruser decodes it"), when set.
    filter: Option<fn(u32) -> bool>,
}

/// One generated case.
#[derive(Clone, Debug)]
pub struct Case {
    pub x: [u64; 31],
    pub nzcv: u64,
    pub fpcr: u64,
    pub fpsr: u64,
    pub v: [u128; 32],
    pub mem: Vec<u8>,
    pub code: Vec<u32>,
    /// Words per generated instruction (its set-up words and the instruction itself), in
    /// order: `code` is their concatenation.
    pub units: Vec<usize>,
    /// Index of each unit's instruction under test inside the unit (after its set-up words).
    pub main: Vec<usize>,
}

pub fn capstone() -> Capstone {
    Capstone::new().arm64().mode(arch::arm64::ArchMode::Arm).build().expect("capstone")
}

/// Disassemble one word: `Some((mnemonic, operands))`, `None` if capstone rejects it.
pub fn disasm(cs: &Capstone, word: u32, pc: u64) -> Option<(String, String)> {
    let bytes = word.to_le_bytes();
    let insns = cs.disasm_count(&bytes, pc, 1).ok()?;
    let ins = insns.iter().next()?;
    Some((ins.mnemonic()?.to_string(), ins.op_str().unwrap_or("").to_string()))
}

fn movz(rd: u32, imm16: u32, hw: u32) -> u32 {
    0xd280_0000 | (hw << 21) | ((imm16 & 0xffff) << 5) | rd
}

fn movn(rd: u32, imm16: u32) -> u32 {
    0x9280_0000 | ((imm16 & 0xffff) << 5) | rd
}

/// `mov sp, xN` (ADD sp, xN, #0).
fn mov_to_sp(rn: u32) -> u32 {
    0x9100_001f | (rn << 5)
}

fn movk(rd: u32, imm16: u32, hw: u32) -> u32 {
    0xf280_0000 | (hw << 21) | ((imm16 & 0xffff) << 5) | rd
}

/// Instructions that set x`rd` to `v` (a small signed value).
fn set_small(rd: u32, v: i64) -> u32 {
    if v >= 0 {
        movz(rd, v as u32, 0)
    } else {
        movn(rd, !v as u32)
    }
}

impl Gen {
    pub fn new() -> Gen {
        let classes = Class::ALL.iter().map(|&c| (c, crate::rows::rows(c).iter().map(compile).collect())).collect();
        Gen { cs: capstone(), classes, filter: None }
    }

    /// Only draw words `f` accepts.
    pub fn with_filter(mut self, f: fn(u32) -> bool) -> Gen {
        self.filter = Some(f);
        self
    }

    fn rows(&self, class: Class) -> &[Compiled] {
        &self.classes.iter().find(|(c, _)| *c == class).expect("class").1
    }

    /// Names of the rows of a class (for the generator self-test).
    pub fn row_names(&self, class: Class) -> Vec<&'static str> {
        self.rows(class).iter().map(|r| r.row.name).collect()
    }

    /// Try to draw one instruction of `row` (with its set-up words). None when the draw
    /// breaks a constraint or capstone rejects it; the caller draws again.
    /// Returns the words, the index of the instruction under test among them and, for a
    /// branch, where its target goes.
    fn try_insn(&self, c: &Compiled, rng: &mut Rng) -> Option<(Vec<u32>, usize, Option<Fix>)> {
        let mut vals: Vec<(char, u32)> = Vec::with_capacity(c.fields.len());
        let mut word = c.fixed_val;
        // A quarter of the loads and stores use sp as their base.
        let sp_base = c.row.fields.iter().any(|(_, k)| matches!(k, F::Base)) && rng.one_in(4);
        for (name, bits) in &c.fields {
            let width = bits.len() as u32;
            let mask = if width == 32 { u32::MAX } else { (1u32 << width) - 1 };
            let v = match kind(c.row, *name) {
                F::Any => rng.next() as u32 & mask,
                F::Base if sp_base => 31,
                F::NoSp | F::Base | F::Idx | F::Target => rng.below(31) as u32,
                F::Fwd => 1,
                F::R(lo, hi) => rng.range(lo, hi) as u32 & mask,
                F::Vals(s) => rng.pick(s),
            };
            for (i, &bit) in bits.iter().enumerate() {
                if v >> (width - 1 - i as u32) & 1 != 0 {
                    word |= 1 << bit;
                }
            }
            vals.push((*name, v));
        }
        debug_assert_eq!(word & c.fixed_mask, c.fixed_val);
        let get = |n: char| vals.iter().find(|(c, _)| *c == n).map(|(_, v)| *v);
        for &(a, b) in c.row.ne {
            if get(a) == get(b) {
                return None;
            }
        }
        let base = c.fields.iter().find(|(n, _)| matches!(kind(c.row, *n), F::Base)).and_then(|(n, _)| get(*n));
        let idx = c.fields.iter().find(|(n, _)| matches!(kind(c.row, *n), F::Idx)).and_then(|(n, _)| get(*n));
        if base.is_some() && base == idx {
            return None;
        }
        let (mn, ops) = disasm(&self.cs, word, CODE)?;
        if self.filter.is_some_and(|f| !f(word)) {
            return None;
        }
        if DENY.contains(&mn.as_str()) || is_fp16_arith(&mn, &ops) || (mn.starts_with("pmull") && ops.contains(".1q")) {
            return None;
        }
        let mut out = Vec::new();
        let mut after = Vec::new();
        if let Some(b) = base {
            // Near the middle of the page, usually 16-byte aligned (always for sp).
            let mut off = 2048 + rng.range(-64, 64);
            if sp_base || !rng.one_in(4) {
                off &= !15;
            }
            let addr = SCRATCH + off as u64;
            // sp as the base: set it through another register, and put it back afterwards.
            let r = if sp_base { rng.below(31) as u32 } else { b };
            out.push(movz(r, (addr >> 16) as u32, 1));
            out.push(movk(r, addr as u32 & 0xffff, 0));
            if sp_base {
                out.push(mov_to_sp(r));
                after.push(movz(r, (STATE >> 16) as u32, 1));
                after.push(movk(r, STATE as u32 & 0xffff, 0));
                after.push(mov_to_sp(r));
            }
        }
        if let Some(i) = idx {
            // option: 010 UXTW, 011 LSL/UXTX, 110 SXTW, 111 SXTX (no field: X register).
            let option = get('o').unwrap_or(3);
            let v = if option == 2 { rng.range(0, 48) } else { rng.range(-48, 48) };
            out.push(set_small(i, v));
            if option & 3 == 2 && rng.one_in(2) {
                // A W extension ignores the upper half: put something there.
                out.push(movk(i, rng.next() as u32, 2 + rng.below(2) as u32));
            }
        }
        let mut fix = None;
        if let Some((_, bits)) = c.fields.iter().find(|(n, _)| matches!(kind(c.row, *n), F::Fwd)) {
            fix = Some(Fix { branch: out.len(), bits: bits.clone() });
        }
        if let Some(r) = c.fields.iter().find(|(n, _)| matches!(kind(c.row, *n), F::Target)).and_then(|(n, _)| get(*n)) {
            out.push(adr(r, 8)); // set once the case is complete
            fix = Some(Fix { branch: out.len(), bits: Vec::new() });
        }
        let main = out.len();
        out.push(word);
        out.extend(after);
        Some((out, main, fix))
    }

    /// One instruction of `class` (with its set-up words), and where a branch's target goes.
    fn insn(&self, class: Class, rng: &mut Rng) -> (Vec<u32>, usize, Option<Fix>) {
        let rows = self.rows(class);
        loop {
            let c = &rows[rng.below(rows.len() as u64) as usize];
            for _ in 0..64 {
                if let Some(w) = self.try_insn(c, rng) {
                    return w;
                }
            }
        }
    }

    /// Draw from one named row (generator self-test): Some(words) or None after many tries.
    pub fn insn_of_row(&self, class: Class, name: &str, rng: &mut Rng) -> Option<Vec<u32>> {
        let c = self.rows(class).iter().find(|r| r.row.name == name)?;
        (0..2000).find_map(|_| self.try_insn(c, rng)).map(|w| w.0)
    }

    /// The case `index` of the run `(class, seed)`: a function of these three only.
    pub fn case(&self, class: Class, seed: u64, index: u64) -> Case {
        let mut rng = case_rng(class, seed, index);
        let mut case = initial_state(class, &mut rng);
        let (lo, hi) = class.len_range();
        let n = rng.range(lo, hi);
        let mut fixes = Vec::new();
        for u in 0..n as usize {
            let (words, main, fix) = self.insn(class, &mut rng);
            if let Some(f) = fix {
                fixes.push((u, f));
            }
            case.units.push(words.len());
            case.main.push(main);
            case.code.extend(words);
        }
        // Branch targets: the start of one of the next MAX_SKIP units, or the end.
        for (u, f) in fixes {
            let units = case.units.len();
            let t = rng.range(u as i64 + 1, (u + MAX_SKIP).min(units) as i64) as usize;
            let target = case.unit_start(t) as i64;
            let at = case.unit_start(u) + f.branch;
            if f.bits.is_empty() {
                let r = case.code[at - 1] & 31;
                case.code[at - 1] = adr(r, 4 * (target - (at as i64 - 1)));
            } else {
                case.code[at] = put_field(case.code[at], &f.bits, target - at as i64);
            }
        }
        case
    }
}

pub fn case_rng(class: Class, seed: u64, index: u64) -> Rng {
    let mut r = Rng::new(seed ^ (class as u64 + 1).wrapping_mul(0x5851_f42d_4c95_7f2d));
    let a = r.next();
    Rng::new(a ^ index.wrapping_mul(0x2545_f491_4f6c_dd1d))
}

// ---------------------------------------------------------------- initial state

fn gpr_value(rng: &mut Rng) -> u64 {
    match rng.below(8) {
        0 => rng.below(16),
        1 => (rng.below(16) as i64 - 16) as u64,
        2 => rng.pick(&[0, 1, u64::MAX, 1 << 63, (1 << 63) - 1, 0x8000_0000, 0x7fff_ffff, 0xffff_ffff, 0x1_0000_0000]),
        3 => rng.next() & 0xffff_ffff,
        4 => rng.next() >> rng.below(64),
        _ => rng.next(),
    }
}

fn f64_value(rng: &mut Rng) -> u64 {
    let sign = (rng.below(2)) << 63;
    let v = match rng.below(12) {
        0 => rng.pick(&[0, 1.0f64.to_bits(), 0.5f64.to_bits(), 1.5f64.to_bits(), 2.0f64.to_bits(), 3.0f64.to_bits()]),
        1 => rng.pick(&[0x7ff0_0000_0000_0000, 0x7ff8_0000_0000_0000, 0x7ff0_0000_0000_0001, 0x7ff4_0000_0000_0000]),
        2 => 0x7ff0_0000_0000_0000 | (rng.next() & 0x000f_ffff_ffff_ffff) | 1,
        3 => rng.next() & 0x000f_ffff_ffff_ffff,
        4 => rng.pick(&[1, 0x000f_ffff_ffff_ffff, 0x0010_0000_0000_0000, 0x7fef_ffff_ffff_ffff]),
        5 => {
            // integers and halves near conversion limits
            let x = rng.pick(&[2147483647.5f64, 2147483648.0, 4294967295.5, 4294967296.0, 9.223372036854776e18, 1.8446744073709552e19, 0.49999999999999994, 2.5, 0.5]);
            x.to_bits()
        }
        6..=8 => {
            // ordinary numbers of modest exponent
            let e = (1023 + rng.range(-40, 40)) as u64;
            (e << 52) | (rng.next() & 0x000f_ffff_ffff_ffff)
        }
        9 => (rng.range(-100, 100) as f64).to_bits() & !(1 << 63),
        _ => rng.next() & !(1 << 63),
    };
    v | sign
}

fn f32_value(rng: &mut Rng) -> u32 {
    let sign = (rng.below(2) as u32) << 31;
    let v = match rng.below(12) {
        0 => rng.pick(&[0, 1.0f32.to_bits(), 0.5f32.to_bits(), 1.5f32.to_bits(), 2.0f32.to_bits(), 3.0f32.to_bits()]),
        1 => rng.pick(&[0x7f80_0000, 0x7fc0_0000, 0x7f80_0001, 0x7fa0_0000]),
        2 => 0x7f80_0000 | (rng.next() as u32 & 0x007f_ffff) | 1,
        3 => rng.next() as u32 & 0x007f_ffff,
        4 => rng.pick(&[1, 0x007f_ffff, 0x0080_0000, 0x7f7f_ffff]),
        5 => rng.pick(&[2147483647.0f32, 2147483648.0, 4294967296.0, 65535.5, 0.49999997, 2.5, 0.5, 65504.0, 65520.0, 1e-5]).to_bits(),
        6..=8 => {
            let e = (127 + rng.range(-20, 20)) as u32;
            (e << 23) | (rng.next() as u32 & 0x007f_ffff)
        }
        9 => (rng.range(-100, 100) as f32).to_bits() & !(1 << 31),
        _ => rng.next() as u32 & !(1 << 31),
    };
    v | sign
}

fn f16_value(rng: &mut Rng) -> u16 {
    let sign = (rng.below(2) as u16) << 15;
    let v = match rng.below(6) {
        0 => rng.pick(&[0, 0x3c00, 0x3800, 0x7c00, 0x7e00, 0x7c01, 0x7bff, 0x0001, 0x03ff, 0x0400]),
        1..=3 => ((15 + rng.range(-8, 8)) as u16) << 10 | (rng.next() as u16 & 0x3ff),
        _ => rng.next() as u16 & 0x7fff,
    };
    v | sign
}

/// A 128-bit vector register value: lanes of one kind.
fn vec_value(class: Class, rng: &mut Rng) -> u128 {
    let mut v = 0u128;
    let kind = match class {
        Class::Fp => rng.pick(&[0, 0, 1, 1, 2, 4]),
        Class::Simd => rng.below(6),
        _ => 4,
    };
    match kind {
        0 => {
            for i in 0..2 {
                v |= (f64_value(rng) as u128) << (64 * i);
            }
        }
        1 => {
            for i in 0..4 {
                v |= (f32_value(rng) as u128) << (32 * i);
            }
        }
        2 => {
            for i in 0..8 {
                v |= (f16_value(rng) as u128) << (16 * i);
            }
        }
        3 => {
            // small lanes, boundary lanes
            for i in 0..16 {
                let b: u8 = rng.pick(&[0, 1, 2, 0x7f, 0x80, 0xff, 0xfe, 0x81]);
                v |= (b as u128) << (8 * i);
            }
            if rng.one_in(2) {
                v ^= (rng.next() as u128 & 0x0101_0101_0101_0101) * 3;
            }
        }
        _ => v = (rng.next() as u128) | ((rng.next() as u128) << 64),
    }
    v
}

fn initial_state(class: Class, rng: &mut Rng) -> Case {
    let mut x = [0u64; 31];
    for r in x.iter_mut() {
        *r = gpr_value(rng);
    }
    let mut v = [0u128; 32];
    for r in v.iter_mut() {
        *r = vec_value(class, rng);
    }
    let nzcv = rng.below(16) << 28;
    let fp = matches!(class, Class::Fp | Class::Simd);
    // FPCR: rounding mode (23:22), FZ (24), DN (25), AHP (26); FPSR: cumulative flags and QC.
    let fpcr = if fp && !rng.one_in(2) { (rng.below(16) << 22) | (rng.below(2) << 26) } else { 0 };
    let fpsr = if fp && rng.one_in(4) { rng.next() & 0x0800_009f } else { 0 };
    let mut mem = vec![0u8; SCRATCH_SIZE];
    for chunk in mem.chunks_mut(8) {
        let w = match rng.below(4) {
            0 => f64_value(rng),
            1 => gpr_value(rng),
            _ => rng.next(),
        };
        chunk.copy_from_slice(&w.to_le_bytes()[..chunk.len()]);
    }
    Case { x, nzcv, fpcr, fpsr, v, mem, code: Vec::new(), units: Vec::new(), main: Vec::new() }
}

impl Case {
    /// The same initial state with only the first `k` instruction units.
    pub fn prefix(&self, k: usize) -> Case {
        let words: usize = self.units[..k].iter().sum();
        Case { code: self.code[..words].to_vec(), units: self.units[..k].to_vec(), main: self.main[..k].to_vec(), ..self.clone() }
    }

    /// Index of the first word of unit `k`.
    pub fn unit_start(&self, k: usize) -> usize {
        self.units[..k].iter().sum()
    }
}
