//! Op-level tests of the native FP and vector code: every op kind runs on the JIT and on the
//! interpreter over special and random inputs, and the whole guest state must agree.
//!
//! Each block holds several instances of the op under test, in three layouts: operands loaded
//! just before their op (they sit in registers), all operands loaded first (register pressure:
//! some operands spilled, live values in caller-saved registers across slow-path calls), and
//! the last scalar operand as a constant.

use crate::guest::{exit_flag_offset, CpuState};
use crate::interp::Interp;
use crate::ir::fpenv;
use crate::ir::*;

const SZ: usize = 1024;
/// Instances of the op per block.
const K: usize = 8;
const IN_OFF: usize = 16;
const OUT_OFF: usize = IN_OFF + K * 3 * 16;
/// Extra values kept live across the ops in the pressure layout.
const LIVE_OFF: usize = OUT_OFF + K * 16;
const NLIVE: usize = 6;

pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub(super) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn u128(&mut self) -> u128 {
        (self.next() as u128) << 64 | self.next() as u128
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Spread,
    Pressure,
    ConstLast,
}

/// Build a block running `mk` on `n` instances (instance k's operands at IN_OFF + 48k + 16j).
fn block(args: &[Ty], res: Ty, mk: &dyn Fn(&[Val]) -> Op, n: usize, layout: Layout, consts: &[u128]) -> Block {
    let mut b = Builder::new(0x1000);
    b.insn_start(0x1000, 4);
    let off = |k: usize, j: usize| IN_OFF + 48 * k + 16 * j;
    let load = |b: &mut Builder, k: usize| -> Vec<Val> {
        args.iter()
            .enumerate()
            .map(|(j, &t)| {
                if layout == Layout::ConstLast && j == args.len() - 1 && t != Ty::I128 {
                    b.konst(t, consts[k] as u64)
                } else {
                    b.get(t, off(k, j))
                }
            })
            .collect()
    };
    if layout == Layout::Pressure {
        let live: Vec<Val> = (0..NLIVE).map(|j| b.get(Ty::I64, LIVE_OFF + 8 * j)).collect();
        let all: Vec<Vec<Val>> = (0..n).map(|k| load(&mut b, k)).collect();
        let rs: Vec<Val> = all.iter().map(|vs| b.push(mk(vs))).collect();
        for (k, r) in rs.into_iter().enumerate() {
            b.set(res, OUT_OFF + 16 * k, r);
        }
        // Keep the extra values live to the end, in a changed form.
        for (j, v) in live.into_iter().enumerate() {
            let one = b.konst(Ty::I64, 1);
            let w = b.add(v, one);
            b.set(Ty::I64, LIVE_OFF + 8 * j, w);
        }
    } else {
        for k in 0..n {
            let vs = load(&mut b, k);
            let r = b.push(mk(&vs));
            b.set(res, OUT_OFF + 16 * k, r);
        }
    }
    b.finish(Terminal::Jump { target: 0x2000 })
}

/// FP control words the op tests run under: each rounding mode (down both with and without
/// flush-to-zero), default NaN.
pub(super) const CONTROLS: [u32; 5] =
    [0, 1 << fpenv::RMODE_SHIFT | fpenv::DN, 2 << fpenv::RMODE_SHIFT | fpenv::FZ, 2 << fpenv::RMODE_SHIFT, 3 << fpenv::RMODE_SHIFT];

/// Run `f` on `st` (a state of `size` bytes) in FP environment `ctl`; the flags raised.
pub(super) fn in_env(st: &mut CpuState, size: usize, ctl: u32, f: impl FnOnce(&mut CpuState)) -> u32 {
    // SAFETY: a state of `size` bytes with its trailer.
    unsafe { crate::guest::write_fp_trailer(st.as_mut_ptr(), size, ctl) };
    let host = fpenv::enter(ctl);
    f(st);
    fpenv::leave(host)
}

fn run_jit(blk: &Block, st: &mut CpuState, ctl: u32) -> u32 {
    in_env(st, SZ, ctl, |st| {
        // SAFETY: the block only touches the state (no guest memory access).
        let exit = unsafe { crate::jit::run_once(blk, st.as_mut_ptr(), 0, 0, exit_flag_offset(SZ)) };
        assert!(matches!(exit, crate::jit::Exit::Jump { .. }), "unexpected exit {exit:?}");
    })
}

fn run_interp(blk: &Block, st: &mut CpuState, ctl: u32) -> u32 {
    // SAFETY: as above.
    in_env(st, SZ, ctl, |st| unsafe {
        Interp::new().run(blk, st.as_mut_ptr(), 0, 0);
    })
}

fn write(st: &mut CpuState, off: usize, ty: Ty, v: u128) {
    match ty {
        Ty::I128 => st.write_u128(off, v),
        _ => st.write_u128(off, v & ty.mask()),
    }
}

/// Run `mk` over every input tuple on both backends in every layout (and, for FP ops, under
/// each of `CONTROLS`); panic on a difference in the state or the FP flags raised.
pub(super) fn check(name: &str, args: &[Ty], res: Ty, mk: &dyn Fn(&[Val]) -> Op, inputs: &[Vec<u128>]) {
    let fp = matches!(
        mk(&[Val(0), Val(1), Val(2)]),
        Op::FBin { .. }
            | Op::FUn { .. }
            | Op::FMulAdd { .. }
            | Op::FCmpNzcv { .. }
            | Op::FCvt { .. }
            | Op::IToF { .. }
            | Op::FToI { .. }
            | Op::VFBin { .. }
            | Op::VFMulAdd { .. }
            | Op::VFCmp { .. }
    );
    let controls: &[u32] = if fp { &CONTROLS } else { &[0] };
    for &ctl in controls {
        check_in(name, args, res, mk, inputs, ctl);
    }
}

fn check_in(name: &str, args: &[Ty], res: Ty, mk: &dyn Fn(&[Val]) -> Op, inputs: &[Vec<u128>], ctl: u32) {
    let mut rng = Rng::new(0x1234_5678);
    for layout in [Layout::Spread, Layout::Pressure, Layout::ConstLast] {
        if layout == Layout::ConstLast && args.last() == Some(&Ty::I128) {
            continue;
        }
        // The flags of a block are those of all its instances together: the spread layout
        // runs one instance per block so that each input's flags are compared on their own.
        let k = if layout == Layout::Spread { 1 } else { K };
        for chunk in inputs.chunks(k) {
            let consts: Vec<u128> = chunk.iter().map(|t| *t.last().unwrap()).collect();
            let blk = block(args, res, mk, chunk.len(), layout, &consts);
            let mut st = CpuState::new(SZ);
            for (k, t) in chunk.iter().enumerate() {
                for (j, &v) in t.iter().enumerate() {
                    write(&mut st, IN_OFF + 48 * k + 16 * j, args[j], v);
                }
                // Garbage in the result slots: narrow results must still come out zero-extended.
                st.write_u128(OUT_OFF + 16 * k, rng.u128());
            }
            for j in 0..NLIVE {
                st.write_u64(LIVE_OFF + 8 * j, rng.next());
            }
            let mut sj = st.clone();
            let mut si = st.clone();
            let fj = run_jit(&blk, &mut sj, ctl);
            let fi = run_interp(&blk, &mut si, ctl);
            if sj.bytes() != si.bytes() || fj != fi {
                for (k, t) in chunk.iter().enumerate() {
                    let (x, y) = (sj.read_u128(OUT_OFF + 16 * k), si.read_u128(OUT_OFF + 16 * k));
                    if x != y {
                        let ins: Vec<String> = t.iter().map(|v| format!("{v:#x}")).collect();
                        panic!(
                            "{name} ({:?}, control {ctl:#x}): inputs [{}]: jit {x:#x}, interp {y:#x}",
                            mk(&[Val(0), Val(1), Val(2)]),
                            ins.join(", ")
                        );
                    }
                }
                if fj != fi {
                    // Find the input whose flags differ.
                    for t in chunk {
                        let one = block(args, res, mk, 1, Layout::Spread, &[]);
                        let mut s1 = CpuState::new(SZ);
                        for (j, &v) in t.iter().enumerate() {
                            write(&mut s1, IN_OFF + 16 * j, args[j], v);
                        }
                        let (fj, fi) = (run_jit(&one, &mut s1.clone(), ctl), run_interp(&one, &mut s1.clone(), ctl));
                        if fj != fi {
                            let ins: Vec<String> = t.iter().map(|v| format!("{v:#x}")).collect();
                            panic!(
                                "{name} ({:?}, control {ctl:#x}): inputs [{}]: flags jit {fj:#x}, interp {fi:#x}",
                                mk(&[Val(0), Val(1), Val(2)]),
                                ins.join(", ")
                            );
                        }
                    }
                    panic!("{name} (control {ctl:#x}): flags jit {fj:#x}, interp {fi:#x}");
                }
                panic!("{name}: states differ outside the results (layout {})", layout as u8);
            }
        }
    }
}

// ---------------------------------------------------------------------- inputs

fn f64_specials() -> Vec<u64> {
    let mut v: Vec<u64> = [
        0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999999999999994, -0.49999999999999994,
        f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, f64::EPSILON,
        std::f64::consts::PI, -1e300, 1e-300, 9.223_372_036_854_776e18, -9.223_372_036_854_776e18, 1.844_674_407_370_955_2e19,
        9.223_372_036_854_775e18, 2147483647.0, 2147483647.5, 2147483648.0, -2147483648.0, -2147483648.5,
        -2147483649.0, 4294967295.0, 4294967295.5, 4294967296.0, -0.9, 0.9, 1e16, 4503599627370497.0,
        65504.0, 3.0e38, 3.4028235677973366e38, 1.0e-45, 123456.789,
    ]
    .iter()
    .map(|x: &f64| x.to_bits())
    .collect();
    v.extend([
        0x7ff8_0000_0000_0000, // default qNaN
        0x7ff8_0000_dead_beef, // qNaN with payload
        0xfff8_0000_0000_0001, // negative qNaN
        0x7ff0_0000_0000_0001, // sNaN
        0x7ff4_0000_1234_5678, // sNaN with payload
        0xfff0_0000_0000_000f, // negative sNaN
        0x0000_0000_0000_0001, // smallest denormal
        0x000f_ffff_ffff_ffff, // largest denormal
        0x8000_0000_0000_0001,
        0x7fef_ffff_ffff_ffff,
        0x43df_ffff_ffff_ffff, // just below 2^63
        0x43e0_0000_0000_0000, // 2^63
        0xc3e0_0000_0000_0000, // -2^63
        0xc3e0_0000_0000_0001, // just below -2^63
        0x41df_ffff_ffc0_0000, // 2^31 - 1
    ]);
    v
}

fn f32_specials() -> Vec<u64> {
    let mut v: Vec<u64> = [
        0.0f32, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999997, f32::INFINITY, f32::NEG_INFINITY,
        f32::MAX, f32::MIN, f32::MIN_POSITIVE, f32::EPSILON, std::f32::consts::PI, 2147483648.0, -2147483648.0,
        2147483520.0, 4294967040.0, 4294967296.0, 9.223372e18, -9.223372e18, 1.8446744e19, -0.9, 0.9, 16777217.0,
        8388608.5, 65504.0, 1e-40, -1e-40,
    ]
    .iter()
    .map(|x: &f32| x.to_bits() as u64)
    .collect();
    v.extend([0x7fc0_0000, 0x7fc0_dead, 0xffc0_0001, 0x7f80_0001, 0x7fa0_1234, 0xff80_000f, 1, 0x007f_ffff, 0x8000_0001]);
    v
}

fn specials(w64: bool) -> Vec<u64> {
    if w64 {
        f64_specials()
    } else {
        f32_specials()
    }
}

/// A random float: raw bits, a "nice" value, or a special.
fn rand_float(rng: &mut Rng, w64: bool) -> u64 {
    let sp = specials(w64);
    match rng.below(8) {
        0 => sp[rng.below(sp.len())],
        1 | 2 => {
            // Values near 1 with a random exponent spread.
            let m = rng.next();
            if w64 {
                (m & 0x800f_ffff_ffff_ffff) | ((0x3ff - 40 + rng.below(80) as u64) << 52)
            } else {
                (m & 0x807f_ffff) | ((127 - 20 + rng.below(40) as u64) << 23)
            }
        }
        3 => {
            // Small integers and halves.
            let x = (rng.below(2001) as f64 - 1000.0) / 2.0;
            if w64 {
                x.to_bits()
            } else {
                (x as f32).to_bits() as u64
            }
        }
        _ => {
            if w64 {
                rng.next()
            } else {
                rng.next() & 0xffff_ffff
            }
        }
    }
}

fn fty(w64: bool) -> Ty {
    if w64 {
        Ty::I64
    } else {
        Ty::I32
    }
}

fn unary_inputs(w64: bool, n: usize, seed: u64) -> Vec<Vec<u128>> {
    let mut rng = Rng::new(seed);
    let mut v: Vec<Vec<u128>> = specials(w64).into_iter().map(|x| vec![x as u128]).collect();
    v.extend((0..n).map(|_| vec![rand_float(&mut rng, w64) as u128]));
    v
}

/// Operands whose sum, product or quotient lands near the smallest normal number (where Arm
/// and x86 detect underflow differently and flush-to-zero acts).
fn tiny_pairs(w64: bool, rng: &mut Rng) -> Vec<Vec<u128>> {
    let (min, one): (u64, u64) = if w64 { (0x0010_0000_0000_0000, 1f64.to_bits()) } else { (0x0080_0000, 1f32.to_bits() as u64) };
    let sign = if w64 { 1u64 << 63 } else { 1 << 31 };
    let mut v = Vec::new();
    for _ in 0..400 {
        let a = min.wrapping_add(rng.below(5) as u64).wrapping_sub(2) ^ if rng.below(2) == 0 { sign } else { 0 };
        let b = match rng.below(4) {
            0 => one.wrapping_sub(rng.below(4) as u64),
            1 => one + rng.below(4) as u64,
            2 => (one - (1 << if w64 { 52 } else { 23 })).wrapping_add(rng.below(8) as u64),
            _ => (rng.next() & (min - 1)) | (rng.below(2) as u64 * min),
        };
        v.push(vec![a as u128, b as u128]);
    }
    v
}

fn binary_inputs(w64: bool, n: usize, seed: u64) -> Vec<Vec<u128>> {
    let mut rng = Rng::new(seed);
    let sp = specials(w64);
    let mut v = tiny_pairs(w64, &mut rng);
    for &x in &sp {
        for &y in &sp {
            v.push(vec![x as u128, y as u128]);
        }
    }
    for _ in 0..n {
        let x = rand_float(&mut rng, w64);
        let y = if rng.below(8) == 0 { x ^ (rng.below(2) as u64) << if w64 { 63 } else { 31 } } else { rand_float(&mut rng, w64) };
        v.push(vec![x as u128, y as u128]);
    }
    v
}

// ---------------------------------------------------------------------- scalar FP tests

#[test]
fn fp_binary_ops() {
    use FBinOp::*;
    for w in [false, true] {
        let ty = fty(w);
        let inputs = binary_inputs(w, 3000, 7);
        for op in [Add, Sub, Mul, Div, Min, Max, MinNm, MaxNm] {
            check(&format!("FBin {op:?} {ty:?}"), &[ty, ty], ty, &|v| Op::FBin { a: v[0], b: v[1], op, ty }, &inputs);
        }
    }
}

#[test]
fn fp_unary_ops() {
    use RoundMode::*;
    for w in [false, true] {
        let ty = fty(w);
        let inputs = unary_inputs(w, 3000, 11);
        let mut ops = vec![FUnOp::Neg, FUnOp::Abs, FUnOp::Sqrt];
        ops.extend([TieEven, TieAway, Floor, Ceil, Zero, Dynamic].map(FUnOp::RoundInt));
        ops.extend([FUnOp::RoundIntExact, FUnOp::RecpX]);
        for op in ops {
            check(&format!("FUn {op:?} {ty:?}"), &[ty], ty, &|v| Op::FUn { a: v[0], op, ty }, &inputs);
        }
        if w {
            let op = FUnOp::CvtOddS;
            check(&format!("FUn {op:?}"), &[ty], Ty::I32, &|v| Op::FUn { a: v[0], op, ty }, &inputs);
        }
    }
}

#[test]
fn fp_fused_multiply_add() {
    for w in [false, true] {
        let ty = fty(w);
        let mut rng = Rng::new(99);
        let sp = specials(w);
        let small: Vec<u64> = sp.iter().copied().step_by(3).collect();
        let mut inputs = Vec::new();
        for &x in &small {
            for &y in &small {
                for &z in small.iter().step_by(2) {
                    inputs.push(vec![x as u128, y as u128, z as u128]);
                }
            }
        }
        for _ in 0..3000 {
            let t: Vec<u128> = (0..3).map(|_| rand_float(&mut rng, w) as u128).collect();
            inputs.push(t);
        }
        // Exact cancellation: c = -(a*b) rounded, so the fused result is the tiny remainder.
        for _ in 0..500 {
            let (a, b) = (rand_float(&mut rng, w), rand_float(&mut rng, w));
            let c = if w {
                (-(f64::from_bits(a) * f64::from_bits(b))).to_bits()
            } else {
                (-(f32::from_bits(a as u32) * f32::from_bits(b as u32))).to_bits() as u64
            };
            inputs.push(vec![a as u128, b as u128, c as u128]);
        }
        for (neg_p, neg_c) in [(false, false), (true, false), (false, true), (true, true)] {
            check(
                &format!("FMulAdd {ty:?} {neg_p} {neg_c}"),
                &[ty, ty, ty],
                ty,
                &|v| Op::FMulAdd { a: v[0], b: v[1], c: v[2], ty, neg_p, neg_c },
                &inputs,
            );
        }
    }
}

/// Pack scalar input tuples lane by lane into vector tuples (`lanes` per vector).
fn vector_inputs(scalar: &[Vec<u128>], w64: bool, lanes: usize) -> Vec<Vec<u128>> {
    let bits = if w64 { 64 } else { 32 };
    scalar
        .chunks_exact(lanes)
        .map(|c| (0..c[0].len()).map(|j| c.iter().enumerate().fold(0u128, |acc, (l, t)| acc | t[j] << (bits * l))).collect())
        .collect()
}

#[test]
fn vector_fp_ops() {
    use FBinOp::*;
    for (w, half) in [(false, false), (false, true), (true, false)] {
        let es = if w { 8 } else { 4 };
        let lanes = (if half { 8 } else { 16 }) / es as usize;
        let mut rng = Rng::new(5);
        let mut scalar = binary_inputs(w, 2000, 13);
        // Shuffle, so that lanes of different kinds meet in one vector.
        for k in (1..scalar.len()).rev() {
            scalar.swap(k, rng.below(k + 1));
        }
        let mut inputs = vector_inputs(&scalar, w, lanes);
        // Garbage above the lanes of a 64-bit form must not matter (nor raise flags).
        if half {
            for t in inputs.iter_mut() {
                for x in t.iter_mut() {
                    *x |= (rng.next() as u128 | 0x7f80_0001) << 64;
                }
            }
        }
        for op in [Add, Sub, Mul, Div, Min, MaxNm, MulX] {
            check(
                &format!("VFBin {op:?} esize {es} half {half}"),
                &[Ty::I128, Ty::I128],
                Ty::I128,
                &|v| Op::VFBin { a: v[0], b: v[1], op, esize: es, half },
                &inputs,
            );
        }
        for cond in [0u8, 10, 12] {
            check(
                &format!("VFCmp {cond} esize {es} half {half}"),
                &[Ty::I128, Ty::I128],
                Ty::I128,
                &|v| Op::VFCmp { a: v[0], b: v[1], cond, esize: es, half },
                &inputs,
            );
        }
        let mut triples: Vec<Vec<u128>> = scalar.iter().map(|t| vec![t[0], t[1], rand_float(&mut rng, w) as u128]).collect();
        for t in triples.iter_mut().step_by(7) {
            // Some addends cancel the product exactly (a tiny fused remainder).
            let c = if w {
                (-(f64::from_bits(t[0] as u64) * f64::from_bits(t[1] as u64))).to_bits() as u128
            } else {
                (-(f32::from_bits(t[0] as u32) * f32::from_bits(t[1] as u32))).to_bits() as u128
            };
            t[2] = c;
        }
        let inputs = vector_inputs(&triples, w, lanes);
        for neg_p in [false, true] {
            check(
                &format!("VFMulAdd esize {es} half {half} neg_p {neg_p}"),
                &[Ty::I128, Ty::I128, Ty::I128],
                Ty::I128,
                &|v| Op::VFMulAdd { a: v[0], b: v[1], c: v[2], esize: es, neg_p, half },
                &inputs,
            );
        }
    }
}

#[test]
fn fp_compare() {
    for w in [false, true] {
        let ty = fty(w);
        let inputs = binary_inputs(w, 2000, 13);
        check(&format!("FCmpNzcv {ty:?}"), &[ty, ty], Ty::I32, &|v| Op::FCmpNzcv { a: v[0], b: v[1], ty, signal: false }, &inputs);
        check(&format!("FCmpNzcv signal {ty:?}"), &[ty, ty], Ty::I32, &|v| Op::FCmpNzcv { a: v[0], b: v[1], ty, signal: true }, &inputs);
    }
}

#[test]
fn fp_convert_width() {
    for (from, to) in [(Ty::I32, Ty::I64), (Ty::I64, Ty::I32)] {
        let mut inputs = unary_inputs(from == Ty::I64, 3000, 17);
        // f64 values that round to f32 in interesting ways (ties, overflow, denormals).
        let mut rng = Rng::new(5);
        for _ in 0..500 {
            let f = f32::from_bits(rng.next() as u32) as f64;
            let ulp = f.abs() * 2f64.powi(-24);
            inputs.push(vec![(f + ulp).to_bits() as u128]);
        }
        check(&format!("FCvt {from:?} {to:?}"), &[from], to, &|v| Op::FCvt { a: v[0], from, to }, &inputs);
    }
}

fn int_inputs(from: Ty, seed: u64) -> Vec<Vec<u128>> {
    let mut rng = Rng::new(seed);
    let m = from.mask();
    let mut v: Vec<u128> = vec![0, 1, m, m >> 1, (m >> 1) + 1, 2, 3, 0x7f, 0x80, 0xffff_ffff, 0x8000_0000, 0x7fff_ffff];
    v.extend([(1u128 << 53) + 1, (1 << 24) + 1, (1 << 63) + 1, (1 << 63) + (1 << 11), (1 << 63) + (1 << 10), u64::MAX as u128 - 1024]);
    for _ in 0..3000 {
        let x = rng.u128();
        let sh = rng.below(64) as u32;
        v.push(if rng.below(2) == 0 { x } else { x >> (64 + sh) });
    }
    v.into_iter().map(|x| vec![x & m]).collect()
}

#[test]
fn fp_int_to_float() {
    for from in [Ty::I32, Ty::I64] {
        let inputs = int_inputs(from, 23);
        for to in [Ty::I32, Ty::I64] {
            for signed in [false, true] {
                for fbits in [0u8, 1, 16, 32, 64] {
                    if fbits as u32 > from.bits() {
                        continue;
                    }
                    check(
                        &format!("IToF {from:?}->{to:?} s={signed} fbits={fbits}"),
                        &[from],
                        to,
                        &|v| Op::IToF { a: v[0], from, to, signed, fbits },
                        &inputs,
                    );
                }
            }
        }
    }
}

#[test]
fn fp_float_to_int() {
    use RoundMode::*;
    for from in [Ty::I32, Ty::I64] {
        let inputs = unary_inputs(from == Ty::I64, 2000, 29);
        for to in [Ty::I32, Ty::I64] {
            for signed in [false, true] {
                for round in [TieEven, TieAway, Floor, Ceil, Zero, Dynamic] {
                    for fbits in [0u8, 3, 32] {
                        if fbits != 0 && round != Zero {
                            continue;
                        }
                        check(
                            &format!("FToI {from:?}->{to:?} s={signed} {round:?} fbits={fbits}"),
                            &[from],
                            to,
                            &|v| Op::FToI { a: v[0], from, to, signed, round, fbits },
                            &inputs,
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn int_bit_reverse() {
    for ty in [Ty::I32, Ty::I64] {
        let inputs = int_inputs(ty, 31);
        check(&format!("Rbit {ty:?}"), &[ty], ty, &|v| Op::Un { a: v[0], op: UnOp::Rbit, ty }, &inputs);
    }
}

// ---------------------------------------------------------------------- vector tests

const ESIZES: [u8; 4] = [1, 2, 4, 8];

/// A random vector: raw bits, bytes from a small set (so lanes collide and compare equal),
/// lanes of extreme values, or a sparse pattern.
fn rand_vec(rng: &mut Rng) -> u128 {
    match rng.below(6) {
        0 => {
            const B: [u8; 8] = [0, 1, 0x7f, 0x80, 0xff, 0x10, 0x0f, 0xfe];
            (0..16).fold(0u128, |acc, j| acc | (B[rng.below(8)] as u128) << (8 * j))
        }
        1 => {
            // Lanes of 0, MAX, MIN, -1 per 32-bit unit.
            const W: [u32; 5] = [0, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 1];
            (0..4).fold(0u128, |acc, j| acc | (W[rng.below(5)] as u128) << (32 * j))
        }
        2 => rng.u128() & rng.u128() & rng.u128(),
        3 => {
            // Small byte values (table indices, shift counts).
            (0..16).fold(0u128, |acc, j| acc | ((rng.below(40) as u128) << (8 * j)))
        }
        _ => rng.u128(),
    }
}

fn vec_inputs(nargs: usize, n: usize, seed: u64) -> Vec<Vec<u128>> {
    let mut rng = Rng::new(seed);
    let mut v = vec![vec![0; nargs], vec![u128::MAX; nargs]];
    for _ in 0..n {
        let mut t: Vec<u128> = (0..nargs).map(|_| rand_vec(&mut rng)).collect();
        if nargs == 2 && rng.below(4) == 0 {
            // Mostly equal operands, with a few lanes changed.
            t[1] = t[0] ^ (rng.u128() & rng.u128() & rng.u128() & rng.u128());
        }
        v.push(t);
    }
    v
}

#[test]
fn vec_binary_ops() {
    use VBinOp::*;
    let inputs = vec_inputs(2, 400, 41);
    let mut ops = vec![
        Add, Sub, Mul, And, Or, Xor, Bic, Orn, CmEq, CmGt, CmGe, CmHi, CmHs, CmTst, UMin, UMax, SMin, SMax, AddP, UMinP,
        UMaxP, SMaxP, SMinP, Zip1, Zip2, Uzp1, Uzp2, Trn1, Trn2, Tbl, SShl, UShl, SRShl, URShl, SHAdd, UHAdd,
        SRHAdd, URHAdd, SHSub, UHSub, SAbd, UAbd, PMul,
    ];
    ops.extend((0..16).map(Ext));
    use SatBin::*;
    for s in [SqAdd, UqAdd, SqSub, UqSub, SuqAdd, UsqAdd, SqShl, UqShl, SqRShl, UqRShl, SqDMulH, SqRDMulH] {
        ops.extend([Sat(s), SatQc(s)]);
    }
    for op in ops {
        for es in ESIZES {
            if matches!(op, Sat(SqDMulH | SqRDMulH) | SatQc(SqDMulH | SqRDMulH)) && (es == 1 || es == 8) {
                continue;
            }
            check(
                &format!("VBin {op:?} {es}"),
                &[Ty::I128, Ty::I128],
                Ty::I128,
                &|v| Op::VBin { a: v[0], b: v[1], op, esize: es },
                &inputs,
            );
        }
    }
}

#[test]
fn vec_unary_ops() {
    use VUnOp::*;
    let inputs = vec_inputs(1, 400, 43);
    let mut ops = vec![
        Not, Neg, Abs, Cnt, Clz, AddV, UMaxV, UMinV, SMaxV, SMinV, Xtn, ZeroHigh, UXtl, SXtl, UAddLP, SAddLP, UAddLV,
        SAddLV, Rbit,
    ];
    ops.extend([2u8, 4, 8].map(Rev));
    for s in [SatUn::SqAbs, SatUn::SqNeg, SatUn::SqXtn, SatUn::UqXtn, SatUn::SqXtun] {
        ops.extend([Sat(s), SatQc(s)]);
    }
    for op in ops {
        for es in ESIZES {
            let valid = match op {
                Rev(c) => es < c,
                Xtn => es >= 2,
                Sat(SatUn::SqXtn | SatUn::UqXtn | SatUn::SqXtun) | SatQc(SatUn::SqXtn | SatUn::UqXtn | SatUn::SqXtun) => es >= 2,
                Cnt | Rbit => es == 1,
                UXtl | SXtl | UAddLP | SAddLP | UAddLV | SAddLV => es <= 4,
                _ => true,
            };
            if !valid {
                continue;
            }
            check(&format!("VUn {op:?} {es}"), &[Ty::I128], Ty::I128, &|v| Op::VUn { a: v[0], op, esize: es }, &inputs);
        }
    }
}

#[test]
fn vec_shift_imm() {
    use VImmOp::*;
    let inputs = vec_inputs(1, 48, 47);
    for op in [Shl, UShr, SShr, Shrn] {
        for es in ESIZES {
            let bits = es as u32 * 8;
            for imm in 0..=bits + 1 {
                if op == Shrn && (es == 1 || imm >= bits) {
                    continue;
                }
                check(
                    &format!("VImm {op:?} {es} #{imm}"),
                    &[Ty::I128],
                    Ty::I128,
                    &|v| Op::VImm { a: v[0], op, esize: es, imm },
                    &inputs,
                );
            }
        }
    }
}

/// The rounding and saturating shifts by immediate, over their encodable shift ranges.
#[test]
fn vec_arith_shift_imm() {
    use SatImm::*;
    use VImmOp::*;
    let inputs = vec_inputs(1, 48, 59);
    let mut ops = vec![RShrn, SRShr, URShr];
    for s in [SqShl, UqShl, SqShlU, SqShrn, UqShrn, SqRShrn, UqRShrn, SqShrun, SqRShrun] {
        ops.extend([Sat(s), SatQc(s)]);
    }
    for op in ops {
        for es in ESIZES {
            let bits = es as u32 * 8;
            let range = match op {
                SRShr | URShr => 1..=bits,
                Sat(SqShl | UqShl | SqShlU) | SatQc(SqShl | UqShl | SqShlU) => 0..=bits - 1,
                _ if es == 1 => continue,
                _ => 1..=bits / 2,
            };
            for imm in range {
                check(
                    &format!("VImm {op:?} {es} #{imm}"),
                    &[Ty::I128],
                    Ty::I128,
                    &|v| Op::VImm { a: v[0], op, esize: es, imm },
                    &inputs,
                );
            }
        }
    }
}

#[test]
fn vec_lanes() {
    let mut rng = Rng::new(53);
    let vins: Vec<Vec<u128>> = (0..64).map(|_| vec![rand_vec(&mut rng), rng.next() as u128]).collect();
    let vexts: Vec<Vec<u128>> = (0..64).map(|_| vec![rand_vec(&mut rng)]).collect();
    for es in ESIZES {
        for lane in 0..16 / es {
            check(
                &format!("VIns {es} [{lane}]"),
                &[Ty::I128, Ty::I64],
                Ty::I128,
                &|v| Op::VIns { a: v[0], v: v[1], esize: es, lane },
                &vins,
            );
            check(&format!("VExt {es} [{lane}]"), &[Ty::I128], Ty::I64, &|v| Op::VExt { a: v[0], esize: es, lane, to: Ty::I64 }, &vexts);
        }
        for sty in [Ty::I8, Ty::I32, Ty::I64] {
            let ins: Vec<Vec<u128>> = (0..64).map(|_| vec![rng.next() as u128 & sty.mask()]).collect();
            check(&format!("VDup {es} from {sty:?}"), &[sty], Ty::I128, &|v| Op::VDup { v: v[0], esize: es }, &ins);
            check(
                &format!("VIns {es} from {sty:?}"),
                &[Ty::I128, sty],
                Ty::I128,
                &|v| Op::VIns { a: v[0], v: v[1], esize: es, lane: 0 },
                &vins.iter().map(|t| vec![t[0], t[1] & sty.mask()]).collect::<Vec<_>>(),
            );
        }
    }
}

#[test]
fn vec_i128_scalar_ops() {
    let mut rng = Rng::new(59);
    for from in [Ty::I8, Ty::I16, Ty::I32, Ty::I64] {
        let ins: Vec<Vec<u128>> = (0..64).map(|_| vec![rng.next() as u128 & from.mask()]).collect();
        for signed in [false, true] {
            check(
                &format!("Ext {from:?}->I128 s={signed}"),
                &[from],
                Ty::I128,
                &|v| Op::Ext { a: v[0], from, to: Ty::I128, signed },
                &ins,
            );
        }
        let vins = vec_inputs(1, 64, 61);
        check(&format!("Ext I128->{from:?}"), &[Ty::I128], from, &|v| Op::Ext { a: v[0], from: Ty::I128, to: from, signed: false }, &vins);
    }
    let pairs = vec_inputs(2, 100, 67);
    for op in [BinOp::And, BinOp::Or, BinOp::Xor, BinOp::AndNot] {
        check(&format!("Bin {op:?} I128"), &[Ty::I128, Ty::I128], Ty::I128, &|v| Op::Bin { a: v[0], b: v[1], op, ty: Ty::I128 }, &pairs);
    }
    check("Un Not I128", &[Ty::I128], Ty::I128, &|v| Op::Un { a: v[0], op: UnOp::Not, ty: Ty::I128 }, &vec_inputs(1, 50, 71));
    let sel: Vec<Vec<u128>> = pairs.iter().enumerate().map(|(k, t)| vec![[0u128, 1, 2, 0x80][k % 4], t[0], t[1]]).collect();
    check("Select I128", &[Ty::I8, Ty::I128, Ty::I128], Ty::I128, &|v| Op::Select { c: v[0], a: v[1], b: v[2], ty: Ty::I128 }, &sel);
}

/// Vector constants as operands (built in registers rather than loaded from their slots),
/// and the frontend's lane-by-lane pattern: a chain of inserts into a zero vector.
#[test]
fn vec_constant_operands_and_insert_chains() {
    let mut rng = Rng::new(73);
    let consts = [0u128, u128::MAX, 0x1234, 0x1010_1010_1010_1010_1010_1010_1010_1010, 0x5555_0000_0000_0000_0000_0000_0000_7777];
    for k in consts {
        for es in ESIZES {
            let mut b = Builder::new(0x1000);
            b.insn_start(0x1000, 4);
            let x = b.get(Ty::I128, IN_OFF);
            let c = b.konst128(k);
            let r1 = b.vbin(VBinOp::Sub, es, c, x);
            let r2 = b.vbin(VBinOp::Xor, es, x, c);
            b.set(Ty::I128, OUT_OFF, r1);
            b.set(Ty::I128, OUT_OFF + 16, r2);
            let blk = b.finish(Terminal::Jump { target: 0x2000 });
            for _ in 0..16 {
                let mut st = CpuState::new(SZ);
                st.write_u128(IN_OFF, rand_vec(&mut rng));
                let (mut sj, mut si) = (st.clone(), st.clone());
                run_jit(&blk, &mut sj, 0);
                run_interp(&blk, &mut si, 0);
                assert!(sj.bytes() == si.bytes(), "constant {k:#x} esize {es}");
            }
        }
    }
    for es in ESIZES {
        let n = 16 / es as usize;
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000, 4);
        let lanes: Vec<Val> = (0..n).map(|j| b.get(Ty::I64, IN_OFF + 8 * j)).collect();
        let mut acc = b.konst128(0);
        for (j, &x) in lanes.iter().enumerate() {
            acc = b.push(Op::VIns { a: acc, v: x, esize: es, lane: j as u8 });
        }
        let d = b.push(Op::VDup { v: lanes[0], esize: es });
        let r = b.vbin(VBinOp::Xor, es, acc, d);
        b.set(Ty::I128, OUT_OFF, acc);
        b.set(Ty::I128, OUT_OFF + 16, r);
        let blk = b.finish(Terminal::Jump { target: 0x2000 });
        for _ in 0..16 {
            let mut st = CpuState::new(SZ);
            for j in 0..n {
                st.write_u64(IN_OFF + 8 * j, rng.next());
            }
            let (mut sj, mut si) = (st.clone(), st.clone());
            run_jit(&blk, &mut sj, 0);
            run_interp(&blk, &mut si, 0);
            assert!(sj.bytes() == si.bytes(), "insert chain esize {es}");
        }
    }
}

// ---------------------------------------------------------------------- whole instructions

mod insns {
    use super::*;
    use crate::guest::aarch64::state::{vreg, xreg, NZCV, PC, STATE_SIZE};
    use crate::guest::aarch64::translate::translate_block;
    use crate::guest::{CodeFetch, TranslateOpts};

    const CODE: u64 = 0x10000;

    struct One(u32);

    impl CodeFetch for One {
        fn fetch32(&self, addr: u64) -> Option<u32> {
            (addr == CODE).then_some(self.0)
        }
    }

    /// A register value mixing float specials of both widths with random lanes.
    fn rand_reg(rng: &mut Rng) -> u128 {
        match rng.below(4) {
            0 => {
                let sp = f64_specials();
                sp[rng.below(sp.len())] as u128 | (sp[rng.below(sp.len())] as u128) << 64
            }
            1 => {
                let sp = f32_specials();
                (0..4).fold(0u128, |acc, j| acc | (sp[rng.below(sp.len())] as u128) << (32 * j))
            }
            2 => {
                let w = rand_float(rng, true) as u128;
                w | (rand_float(rng, true) as u128) << 64
            }
            _ => rand_vec(rng),
        }
    }

    /// Translate the one instruction `w` (as the engine does, with the IR passes) and run it
    /// on the JIT and the interpreter from a few random states. Returns false when `w` does
    /// not translate.
    fn run_word(w: u32, rng: &mut Rng, runs: usize) -> bool {
        let mut blk = translate_block(&One(w), CODE, &TranslateOpts::default());
        if matches!(blk.term, Terminal::Trap { .. }) {
            return false;
        }
        crate::ir::opt::optimize(&mut blk);
        for _ in 0..runs {
            let mut st = CpuState::new(STATE_SIZE);
            for r in 0..32 {
                st.write_u128(vreg(r), rand_reg(rng));
                if r < 31 {
                    let w64 = rng.below(2) == 0;
                    let x = if rng.below(2) == 0 { rng.next() } else { rand_float(rng, w64) };
                    st.write_u64(xreg(r), x);
                }
            }
            st.write_u64(NZCV, (rng.next() & 0xf) << 28);
            st.write_u64(PC, CODE);
            let ctl = super::CONTROLS[rng.below(4)] | if rng.below(4) == 0 { fpenv::AHP } else { 0 };
            st.write_u64(crate::guest::aarch64::state::FPCR, ctl as u64);
            let (mut sj, mut si) = (st.clone(), st.clone());
            // SAFETY: data-processing instructions touch only the state.
            let fj = super::in_env(&mut sj, STATE_SIZE, ctl, |sj| unsafe {
                crate::jit::run_once(&blk, sj.as_mut_ptr(), 0, PC, exit_flag_offset(STATE_SIZE));
            });
            let fi = super::in_env(&mut si, STATE_SIZE, ctl, |si| unsafe {
                Interp::new().run(&blk, si.as_mut_ptr(), 0, PC);
            });
            if sj.bytes() != si.bytes() || fj != fi {
                let dis = crate::disas::disassemble_aarch64(&w.to_le_bytes(), CODE);
                let mut diffs = Vec::new();
                for r in 0..32 {
                    if sj.read_u128(vreg(r)) != si.read_u128(vreg(r)) {
                        diffs.push(format!(
                            "v{r}: jit {:#x} interp {:#x} (was {:#x})",
                            sj.read_u128(vreg(r)),
                            si.read_u128(vreg(r)),
                            st.read_u128(vreg(r))
                        ));
                    }
                }
                for r in 0..31 {
                    if sj.read_u64(xreg(r)) != si.read_u64(xreg(r)) {
                        diffs.push(format!("x{r}: jit {:#x} interp {:#x}", sj.read_u64(xreg(r)), si.read_u64(xreg(r))));
                    }
                }
                if sj.read_u64(NZCV) != si.read_u64(NZCV) {
                    diffs.push(format!("nzcv: jit {:#x} interp {:#x}", sj.read_u64(NZCV), si.read_u64(NZCV)));
                }
                if fj != fi {
                    diffs.push(format!("fp flags (control {ctl:#x}): jit {fj:#x} interp {fi:#x}"));
                }
                panic!("{w:#010x} {}: {}\ninputs: v0..v3 = {:#x?}", dis.trim(), diffs.join("; "), (0..4).map(|r| st.read_u128(vreg(r))).collect::<Vec<_>>());
            }
        }
        true
    }

    /// Random FP/AdvSIMD data-processing encodings (op0 = x111).
    #[test]
    fn random_fp_simd_instructions() {
        let mut rng = Rng::new(2024);
        let mut ran = 0;
        for _ in 0..400_000 {
            let w = (rng.next() as u32 & !(7 << 25)) | 7 << 25;
            if run_word(w, &mut rng, 3) {
                ran += 1;
            }
        }
        assert!(ran > 20_000, "only {ran} random encodings translated");
    }

    /// Every FP/AdvSIMD data-processing word found in the committed test binaries (the static
    /// glibc inside them uses AdvSIMD for its string functions).
    #[test]
    fn fp_simd_instructions_of_testbins() {
        let mut rng = Rng::new(77);
        let mut seen = std::collections::HashSet::new();
        let mut ran = 0;
        for name in ["simd", "simd_dsp", "simd_sat", "fpu", "libc_mix", "printf"] {
            let path = format!("{}/testbins/aarch64/{name}", env!("CARGO_MANIFEST_DIR"));
            let Ok(bytes) = std::fs::read(&path) else { continue };
            for c in bytes.chunks_exact(4) {
                let w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                if (w >> 25) & 7 == 7 && seen.insert(w) && run_word(w, &mut rng, 4) {
                    ran += 1;
                }
            }
        }
        assert!(ran > 500, "only {ran} instructions found");
    }
}

/// Random straight-line chains of vector ops, each usually consuming the previous result
/// (which the native code forwards in xmm0 instead of reloading it), compared as a whole.
#[test]
fn vec_random_chains() {
    let mut rng = Rng::new(97);
    let bins = [
        VBinOp::Add, VBinOp::Sub, VBinOp::Mul, VBinOp::And, VBinOp::Or, VBinOp::Xor, VBinOp::Bic, VBinOp::Orn,
        VBinOp::CmEq, VBinOp::CmGt, VBinOp::CmGe, VBinOp::CmHi, VBinOp::CmHs, VBinOp::CmTst, VBinOp::UMin,
        VBinOp::UMax, VBinOp::SMin, VBinOp::SMax, VBinOp::AddP, VBinOp::UMinP, VBinOp::UMaxP, VBinOp::SMinP,
        VBinOp::SMaxP, VBinOp::Zip1, VBinOp::Zip2, VBinOp::Uzp1, VBinOp::Uzp2, VBinOp::Trn1, VBinOp::Trn2,
        VBinOp::Ext(3), VBinOp::Ext(8), VBinOp::Tbl,
    ];
    let uns = [VUnOp::Not, VUnOp::Neg, VUnOp::Abs, VUnOp::AddV, VUnOp::UMaxV, VUnOp::SMinV, VUnOp::ZeroHigh, VUnOp::UXtl, VUnOp::SXtl];
    for round in 0..300 {
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000, 4);
        let mut vals: Vec<Val> = (0..4).map(|j| b.get(Ty::I128, IN_OFF + 16 * j)).collect();
        vals.push(b.konst128(0));
        let s0 = b.get(Ty::I64, IN_OFF + 64);
        let mut outs = Vec::new();
        for _ in 0..24 {
            let prev = *vals.last().unwrap();
            let pick = |rng: &mut Rng, vals: &[Val]| if rng.below(3) > 0 { prev } else { vals[rng.below(vals.len())] };
            let es = ESIZES[rng.below(4)];
            let r = match rng.below(10) {
                0..=4 => {
                    let (x, y) = (pick(&mut rng, &vals), pick(&mut rng, &vals));
                    let (x, y) = if rng.below(2) == 0 { (x, y) } else { (y, x) };
                    b.vbin(bins[rng.below(bins.len())], es, x, y)
                }
                5 | 6 => {
                    let op = uns[rng.below(uns.len())];
                    let es = if matches!(op, VUnOp::UXtl | VUnOp::SXtl) { ESIZES[rng.below(3)] } else { es };
                    let x = pick(&mut rng, &vals);
                    b.vun(op, es, x)
                }
                7 => {
                    let x = pick(&mut rng, &vals);
                    let op = [VImmOp::Shl, VImmOp::UShr, VImmOp::SShr][rng.below(3)];
                    b.vimm(op, es, x, rng.below(es as usize * 8) as u32)
                }
                8 => {
                    let x = pick(&mut rng, &vals);
                    let lane = rng.below(16 / es as usize) as u8;
                    b.push(Op::VIns { a: x, v: s0, esize: es, lane })
                }
                _ => {
                    // A scalar round trip: lane out, back in as a dup.
                    let x = pick(&mut rng, &vals);
                    let lane = rng.below(16 / es as usize) as u8;
                    let e = b.push(Op::VExt { a: x, esize: es, lane, to: Ty::I64 });
                    b.push(Op::VDup { v: e, esize: es })
                }
            };
            vals.push(r);
            if rng.below(4) == 0 {
                outs.push(r);
            }
        }
        outs.push(*vals.last().unwrap());
        for (k, &r) in outs.iter().take(K).enumerate() {
            b.set(Ty::I128, OUT_OFF + 16 * k, r);
        }
        let blk = b.finish(Terminal::Jump { target: 0x2000 });
        let mut st = CpuState::new(SZ);
        for j in 0..4 {
            st.write_u128(IN_OFF + 16 * j, rand_vec(&mut rng));
        }
        st.write_u64(IN_OFF + 64, rng.next());
        let (mut sj, mut si) = (st.clone(), st.clone());
        run_jit(&blk, &mut sj, 0);
        run_interp(&blk, &mut si, 0);
        assert!(sj.bytes() == si.bytes(), "round {round}: block\n{blk}");
    }
}
