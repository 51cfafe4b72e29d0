//! Native x86-64 code for the scalar floating-point IR ops (SSE2/SSE4.1/FMA), with Arm's NaN
//! and saturation rules and FP environment. Ops or cases not handled here go to the
//! interpreter fallback.
//!
//! FP values live in GPRs as raw bits; XMM registers are scratch inside one op. The fast path
//! is plain SSE arithmetic in the guest's rounding mode (MXCSR mirrors it while guest code
//! runs, see `ir::fpenv`), whose sticky MXCSR flags become the guest's FPSR flags. With
//! flush-to-zero off it agrees with the interpreter bit for bit, flags included, except for
//! a NaN result (Arm's NaN propagation, default NaN), a result of the smallest normal
//! magnitude (which Arm may call an underflow: it detects tininess before rounding, x86
//! after), an out-of-range conversion, and the operands for which x86 raises a flag Arm does
//! not (a quiet NaN in a min/max or a signalling compare, the NaN addend of a fused
//! multiply-add, TieAway rounding of a NaN or infinity). Those go to a slow path that calls
//! `fp_slow`, which runs the interpreter's own code for the op (exact result and flags); the
//! operand cases are sent there before the SSE instruction runs, so the fast path never
//! leaves a wrong flag in MXCSR.
//!
//! Strict mode (flush-to-zero) sends every op to the slow path: arithmetic through the result
//! check, whose compared value in the engine trailer is then a NaN (`result_check`), the
//! other ops through a test of the trailer's strict byte first (`strict_guard`). MXCSR's
//! flags are ignored in strict mode. The slow paths are emitted out of line after the block
//! and save and restore the caller-saved registers they clobber themselves, so the fast
//! path runs straight through and leaves the register allocation untouched.

use super::emit::{Cg, CompileError, Opnd};
use super::regs::*;
use crate::interp::Interp;
use crate::ir::*;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// Host SIMD extensions the native FP and vector code may use (checked when the JIT is made).
#[derive(Clone, Copy, Debug, Default)]
pub struct HostSimd {
    pub ssse3: bool,
    pub sse41: bool,
    pub sse42: bool,
    pub fma: bool,
}

impl HostSimd {
    pub fn detect() -> HostSimd {
        HostSimd {
            ssse3: crate::hostcpu::features().ssse3,
            sse41: crate::hostcpu::features().sse41,
            sse42: crate::hostcpu::features().sse42,
            fma: crate::hostcpu::features().fma,
        }
    }
}

/// `$sd` on f64, `$ss` on f32, xmm register operands.
macro_rules! sdss {
    ($s:ident, $w:expr, $sd:ident, $ss:ident, $x:expr, $y:expr) => {
        if $w {
            dynasm!($s.a ; .arch x64 ; $sd Rx($x), Rx($y))
        } else {
            dynasm!($s.a ; .arch x64 ; $ss Rx($x), Rx($y))
        }
    };
}

fn is_float(ty: Ty) -> bool {
    matches!(ty, Ty::I32 | Ty::I64)
}

fn sign_bit(w64: bool) -> u64 {
    if w64 {
        1 << 63
    } else {
        1 << 31
    }
}

fn one_bits(w64: bool) -> u64 {
    if w64 {
        1f64.to_bits()
    } else {
        1f32.to_bits() as u64
    }
}

fn half_bits(w64: bool) -> u64 {
    if w64 {
        0.5f64.to_bits()
    } else {
        0.5f32.to_bits() as u64
    }
}

// ---------------------------------------------------------------------- the slow path

fn ty_code(t: Ty) -> u64 {
    match t {
        Ty::I8 => 0,
        Ty::I16 => 1,
        Ty::I32 => 2,
        Ty::I64 => 3,
        Ty::I128 => 4,
    }
}

fn ty_decode(x: u64) -> Ty {
    match x & 7 {
        0 => Ty::I8,
        1 => Ty::I16,
        2 => Ty::I32,
        3 => Ty::I64,
        _ => Ty::I128,
    }
}

const FBIN_OPS: [FBinOp; 11] = [
    FBinOp::Add,
    FBinOp::Sub,
    FBinOp::Mul,
    FBinOp::Div,
    FBinOp::Min,
    FBinOp::Max,
    FBinOp::MinNm,
    FBinOp::MaxNm,
    FBinOp::MulX,
    FBinOp::RecipStep,
    FBinOp::RSqrtStep,
];

const ROUND_MODES: [RoundMode; 6] =
    [RoundMode::TieEven, RoundMode::TieAway, RoundMode::Floor, RoundMode::Ceil, RoundMode::Zero, RoundMode::Dynamic];

fn round_code(m: RoundMode) -> u64 {
    ROUND_MODES.iter().position(|&x| x == m).unwrap_or(0) as u64
}

/// Pack an FP op (operands aside) into a word for `fp_slow`:
/// bits 0..4 kind, 4..8 sub-op, 8..11 type/from, 11..14 to, 14 signed/neg_p, 15 neg_c,
/// 16..24 fbits, 24..28 rounding mode.
pub(super) fn encode_op(op: &Op) -> Option<u64> {
    let pack = |kind: u64, sub: u64, from: Ty, to: Ty, f1: bool, f2: bool, fbits: u8, round: RoundMode| {
        kind | sub << 4
            | ty_code(from) << 8
            | ty_code(to) << 11
            | (f1 as u64) << 14
            | (f2 as u64) << 15
            | (fbits as u64) << 16
            | round_code(round) << 24
    };
    let r0 = RoundMode::TieEven;
    Some(match *op {
        Op::FBin { op, ty, .. } => pack(1, FBIN_OPS.iter().position(|&x| x == op)? as u64, ty, ty, false, false, 0, r0),
        Op::FUn { op, ty, .. } => {
            let (sub, m) = match op {
                FUnOp::Neg => (0, r0),
                FUnOp::Abs => (1, r0),
                FUnOp::Sqrt => (2, r0),
                FUnOp::RoundInt(m) => (3, m),
                FUnOp::RoundIntExact => (4, r0),
                FUnOp::RecipEst => (5, r0),
                FUnOp::RSqrtEst => (6, r0),
                FUnOp::URecipEst => (7, r0),
                FUnOp::URSqrtEst => (8, r0),
                FUnOp::RecpX => (9, r0),
                FUnOp::CvtOddS => (10, r0),
            };
            pack(2, sub, ty, ty, false, false, 0, m)
        }
        Op::FMulAdd { ty, neg_p, neg_c, .. } => pack(3, 0, ty, ty, neg_p, neg_c, 0, r0),
        Op::FCvt { from, to, .. } => pack(4, 0, from, to, false, false, 0, r0),
        Op::IToF { from, to, signed, fbits, .. } => pack(5, 0, from, to, signed, false, fbits, r0),
        Op::FToI { from, to, signed, round, fbits, .. } => pack(6, 0, from, to, signed, false, fbits, round),
        Op::FCmpNzcv { ty, signal, .. } => pack(7, 0, ty, ty, signal, false, 0, r0),
        _ => return None,
    })
}

/// The op `encode_op` packed, with operands `Val(0)`, `Val(1)`, `Val(2)`.
pub(super) fn decode_op(x: u64) -> Op {
    let (a, b, c) = (Val(0), Val(1), Val(2));
    let sub = ((x >> 4) & 15) as usize;
    let from = ty_decode(x >> 8);
    let to = ty_decode(x >> 11);
    let f1 = x >> 14 & 1 != 0;
    let f2 = x >> 15 & 1 != 0;
    let fbits = (x >> 16) as u8;
    let round = ROUND_MODES[(((x >> 24) & 15) as usize).min(5)];
    match x & 15 {
        1 => Op::FBin { a, b, op: FBIN_OPS[sub.min(FBIN_OPS.len() - 1)], ty: from },
        2 => {
            let op = match sub {
                0 => FUnOp::Neg,
                1 => FUnOp::Abs,
                2 => FUnOp::Sqrt,
                3 => FUnOp::RoundInt(round),
                4 => FUnOp::RoundIntExact,
                5 => FUnOp::RecipEst,
                6 => FUnOp::RSqrtEst,
                7 => FUnOp::URecipEst,
                9 => FUnOp::RecpX,
                10 => FUnOp::CvtOddS,
                _ => FUnOp::URSqrtEst,
            };
            Op::FUn { a, op, ty: from }
        }
        3 => Op::FMulAdd { a, b, c, ty: from, neg_p: f1, neg_c: f2 },
        4 => Op::FCvt { a, from, to },
        5 => Op::IToF { a, from, to, signed: f1, fbits },
        7 => Op::FCmpNzcv { a, b, ty: from, signal: f1 },
        _ => Op::FToI { a, from, to, signed: f1, round, fbits },
    }
}

/// An out-of-line slow path (see `Cg::fp_tail`).
pub(super) struct FpStub {
    slow: DynamicLabel,
    done: DynamicLabel,
    code: i64,
    args: Vec<Opnd>,
    saved: Vec<u8>,
    d: u8,
}

/// How `Cg::fp_tail` decides that the fast path's result stands.
#[derive(Clone, Copy)]
enum Tail {
    /// The last compare was not unordered (no NaN).
    NoParity,
    /// `result_check` passed (its last compare said "not equal").
    NotEqual,
    /// Every failing case already jumped to the slow path.
    Always,
}

/// The slow path of a native FP op: the interpreter's result for op `code` (see `encode_op`)
/// on the raw operand bits `args[0..3]`.
///
/// # Safety
/// `args` points to three readable u64 words.
unsafe extern "C" fn fp_slow(code: u64, args: *const u64) -> u64 {
    let op = decode_op(code);
    let vals = [*args as u128, *args.add(1) as u128, *args.add(2) as u128, 0];
    // FP ops touch neither guest state nor memory.
    Interp::eval(&op, &vals, std::ptr::null_mut(), 0) as u64
}

impl Cg<'_> {
    /// Emit `op` (instruction `i`, result type `ty`) natively; false leaves it to the fallback.
    pub(super) fn emit_fp(&mut self, i: usize, op: &Op, _ty: Ty) -> Result<bool, CompileError> {
        let sse41 = self.env.simd.sse41;
        match *op {
            Op::FBin { a, b, op: fop, ty } if is_float(ty) => match fop {
                FBinOp::MulX | FBinOp::RecipStep | FBinOp::RSqrtStep => Ok(false),
                _ => self.fp_bin(i, op, fop, ty, a, b),
            },
            Op::FUn { a, op: fop, ty } if is_float(ty) => match fop {
                FUnOp::Neg | FUnOp::Abs => self.fp_negabs(i, fop == FUnOp::Neg, ty, a),
                FUnOp::Sqrt => self.fp_sqrt(i, op, ty, a),
                FUnOp::RoundInt(m) if sse41 => self.fp_round_int(i, op, m, false, ty, a),
                FUnOp::RoundIntExact if sse41 => self.fp_round_int(i, op, RoundMode::Dynamic, true, ty, a),
                _ => Ok(false),
            },
            Op::FMulAdd { a, b, c, ty, neg_p, neg_c } if is_float(ty) && self.env.simd.fma => {
                self.fp_fma(i, op, ty, a, b, c, neg_p, neg_c)
            }
            Op::FCmpNzcv { a, b, ty, signal } if is_float(ty) => self.fp_cmp(i, op, ty, signal, a, b),
            Op::FCvt { a, from, to } if is_float(from) && is_float(to) && from != to => self.fp_cvt(i, op, from, a),
            Op::IToF { a, from, to, signed, fbits } if is_float(to) && from != Ty::I128 => {
                self.fp_itof(i, op, from, to, signed, fbits, a)
            }
            Op::FToI { a, from, to, signed, round, fbits } if is_float(from) && is_float(to) && fbits == 0 => {
                if round != RoundMode::Zero && !sse41 {
                    return Ok(false);
                }
                self.fp_ftoi(i, op, from, to, signed, round, a)
            }
            Op::Un { a, op: UnOp::Rbit, ty } if matches!(ty, Ty::I32 | Ty::I64) && self.env.simd.ssse3 => {
                self.int_rbit(i, ty, a)
            }
            _ => Ok(false),
        }
    }

    // ------------------------------------------------------------------ helpers

    /// Load the bits of scalar `v` into xmm `x` (the rest of `x` zeroed). May clobber rax and,
    /// for a zero constant, the flags.
    pub(super) fn xload(&mut self, x: u8, v: Val, w64: bool) {
        match (self.opnd(v), w64) {
            (Opnd::R(r), true) => dynasm!(self.a ; .arch x64 ; movq Rx(x), Rq(r)),
            (Opnd::R(r), false) => dynasm!(self.a ; .arch x64 ; movd Rx(x), Rd(r)),
            (Opnd::M(m), true) => dynasm!(self.a ; .arch x64 ; movq Rx(x), QWORD [rsp + m]),
            (Opnd::M(m), false) => dynasm!(self.a ; .arch x64 ; movd Rx(x), DWORD [rsp + m]),
            (Opnd::I(k), _) => self.xconst(x, k),
        }
    }

    /// Load a 64-bit constant into xmm `x` (through rax; zero by pxor).
    pub(super) fn xconst(&mut self, x: u8, k: u64) {
        if k == 0 {
            dynasm!(self.a ; .arch x64 ; pxor Rx(x), Rx(x));
        } else {
            self.mov_to(RAX, Opnd::I(k));
            dynasm!(self.a ; .arch x64 ; movq Rx(x), rax);
        }
    }

    /// `d = low bits of xmm x`.
    fn xstore(&mut self, d: u8, x: u8, w64: bool) {
        if w64 {
            dynasm!(self.a ; .arch x64 ; movq Rq(d), Rx(x));
        } else {
            dynasm!(self.a ; .arch x64 ; movd Rd(d), Rx(x));
        }
    }

    /// Pin the operands and allocate the result register.
    fn fp_def(&mut self, i: usize, args: &[Val]) -> Result<u8, CompileError> {
        for &v in args {
            self.pin(v);
        }
        self.def_reg(i)
    }

    /// The slow-path label of an op whose result test (`result_check`) also covers strict
    /// mode (its fast path may raise wrong flags then: MXCSR's flags are ignored in strict mode).
    fn slow_label(&mut self) -> DynamicLabel {
        self.a.new_dynamic_label()
    }

    /// The start of an op whose fast path assumes the default FP environment: jump to the
    /// (returned) slow-path label when the strict-FP flag is set.
    fn strict_guard(&mut self) -> DynamicLabel {
        let slow = self.a.new_dynamic_label();
        let off = self.env.exit_flag_off + 1;
        dynasm!(self.a ; .arch x64 ; cmp BYTE [rbp + off], 0 ; jne =>slow);
        slow
    }

    /// The end of an op: the fast path's result (already in `d`) stands when the flags of
    /// the preceding test say `ok`; otherwise, and from `slow`, the slow path recomputes it.
    /// The slow path is emitted out of line after the block (`emit_fp_stubs`), so the fast
    /// path runs straight through.
    fn fp_tail(&mut self, op: &Op, args: &[Val], d: u8, slow: DynamicLabel, ok: Tail) {
        match ok {
            Tail::NoParity => dynasm!(self.a ; .arch x64 ; jp =>slow),
            Tail::NotEqual => dynasm!(self.a ; .arch x64 ; je =>slow),
            Tail::Always => {}
        }
        let done = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; =>done);
        let code = encode_op(op).expect("slow path for an FP op") as i64;
        let args = args.iter().map(|&v| self.opnd(v)).collect();
        let saved = ALLOCATABLE
            .iter()
            .copied()
            .filter(|&r| caller_saved(r) && r != d && self.al.owner(r).is_some())
            .collect();
        self.fp_stubs.push(FpStub { slow, done, code, args, saved, d });
    }

    /// Emit the slow paths `fp_tail` recorded (after the block's code).
    pub(super) fn emit_fp_stubs(&mut self) {
        for s in std::mem::take(&mut self.fp_stubs) {
            dynasm!(self.a ; .arch x64 ; =>s.slow);
            self.slow_path(&s);
            dynasm!(self.a ; .arch x64 ; jmp =>s.done);
        }
    }

    /// Set the flags for `fp_tail(.., Tail::NotEqual)` from the result in xmm `x` (clobbered,
    /// the result is in its GPR by now): fine when it is not a NaN, not of the smallest normal
    /// magnitude, and the FP environment is not strict (the compared value,
    /// `ir::fpenv::check_values`, is a NaN then). A quiet compare: no flags.
    fn result_check(&mut self, x: u8, w64: bool) {
        let off = self.env.exit_flag_off + if w64 { 16 } else { 32 };
        let val = off + if w64 { 8 } else { 4 };
        dynasm!(self.a ; .arch x64 ; andps Rx(x), [rbp + off]);
        if w64 {
            dynasm!(self.a ; .arch x64 ; ucomisd Rx(x), QWORD [rbp + val]);
        } else {
            dynasm!(self.a ; .arch x64 ; ucomiss Rx(x), DWORD [rbp + val]);
        }
    }

    /// A slow path: `d = fp_slow(code, args)`, preserving every other allocatable register
    /// (operand locations and live registers as they were at the op).
    fn slow_path(&mut self, s: &FpStub) {
        let (code, d) = (s.code, s.d);
        for (k, &o) in s.args.iter().enumerate() {
            self.mov_to(RAX, o);
            let off = ARGS_OFF + 8 * k as i32;
            dynasm!(self.a ; .arch x64 ; mov [rsp + off], rax);
        }
        let saved = &s.saved;
        for &r in saved {
            dynasm!(self.a ; .arch x64 ; push Rq(r));
        }
        let pad = saved.len() % 2 == 1;
        if pad {
            dynasm!(self.a ; .arch x64 ; sub rsp, 8);
        }
        // Vector values in (caller-saved) xmm registers, below the pushes.
        let xsaved: Vec<u8> = XMM_ALLOCATABLE.iter().copied().filter(|&r| self.al.xowner(r).is_some()).collect();
        let xbytes = 16 * xsaved.len() as i32;
        if xbytes > 0 {
            dynasm!(self.a ; .arch x64 ; sub rsp, xbytes);
            for (k, &r) in xsaved.iter().enumerate() {
                let o = 16 * k as i32;
                dynasm!(self.a ; .arch x64 ; movdqu [rsp + o], Rx(r));
            }
        }
        let adj = xbytes + 8 * (saved.len() as i32 + pad as i32) + ARGS_OFF;
        let f = fp_slow as *const () as i64;
        dynasm!(self.a ; .arch x64
            ; mov rdi, QWORD code
            ; lea rsi, [rsp + adj]
            ; mov rax, QWORD f
            ; call rax
        );
        if xbytes > 0 {
            for (k, &r) in xsaved.iter().enumerate() {
                let o = 16 * k as i32;
                dynasm!(self.a ; .arch x64 ; movdqu Rx(r), [rsp + o]);
            }
            dynasm!(self.a ; .arch x64 ; add rsp, xbytes);
        }
        if pad {
            dynasm!(self.a ; .arch x64 ; add rsp, 8);
        }
        for &r in saved.iter().rev() {
            dynasm!(self.a ; .arch x64 ; pop Rq(r));
        }
        dynasm!(self.a ; .arch x64 ; mov Rq(d), rax);
    }

    // ------------------------------------------------------------------ ops

    fn fp_bin(&mut self, i: usize, op: &Op, fop: FBinOp, ty: Ty, a: Val, b: Val) -> Result<bool, CompileError> {
        let w = ty == Ty::I64;
        let d = self.fp_def(i, &[a, b])?;
        let minmax = matches!(fop, FBinOp::Min | FBinOp::Max | FBinOp::MinNm | FBinOp::MaxNm);
        let slow = if minmax { self.strict_guard() } else { self.slow_label() };
        self.xload(0, a, w);
        self.xload(1, b, w);
        match fop {
            FBinOp::Add => sdss!(self, w, addsd, addss, 0, 1),
            FBinOp::Sub => sdss!(self, w, subsd, subss, 0, 1),
            FBinOp::Mul => sdss!(self, w, mulsd, mulss, 0, 1),
            FBinOp::Div => sdss!(self, w, divsd, divss, 0, 1),
            FBinOp::Min | FBinOp::Max | FBinOp::MinNm | FBinOp::MaxNm => {
                // Unordered operands take the slow path before x86's min/max (which would
                // raise invalid on a quiet NaN) runs. Ordered operands: the x86 min/max,
                // except that equal operands (which can only differ as +0 / -0) give a|b
                // for min and a&b for max.
                sdss!(self, w, ucomisd, ucomiss, 0, 1);
                dynasm!(self.a ; .arch x64 ; jp =>slow);
                let max = matches!(fop, FBinOp::Max | FBinOp::MaxNm);
                dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm0 ; movaps xmm3, xmm0 ; movaps xmm4, xmm0);
                sdss!(self, w, cmpeqsd, cmpeqss, 2, 1);
                if max {
                    sdss!(self, w, maxsd, maxss, 3, 1);
                    dynasm!(self.a ; .arch x64 ; andps xmm4, xmm1);
                } else {
                    sdss!(self, w, minsd, minss, 3, 1);
                    dynasm!(self.a ; .arch x64 ; orps xmm4, xmm1);
                }
                dynasm!(self.a ; .arch x64 ; andps xmm4, xmm2 ; andnps xmm2, xmm3 ; orps xmm2, xmm4);
                self.xstore(d, 2, w);
                self.fp_tail(op, &[a, b], d, slow, Tail::Always);
                return Ok(true);
            }
            FBinOp::MulX | FBinOp::RecipStep | FBinOp::RSqrtStep => unreachable!("not native"),
        }
        self.xstore(d, 0, w);
        self.result_check(0, w);
        self.fp_tail(op, &[a, b], d, slow, Tail::NotEqual);
        Ok(true)
    }

    fn fp_negabs(&mut self, i: usize, neg: bool, ty: Ty, a: Val) -> Result<bool, CompileError> {
        self.pin(a);
        let d = self.def_from(i, a, &[])?;
        match (neg, ty == Ty::I64) {
            (true, true) => dynasm!(self.a ; .arch x64 ; btc Rq(d), 63),
            (false, true) => dynasm!(self.a ; .arch x64 ; btr Rq(d), 63),
            (true, false) => dynasm!(self.a ; .arch x64 ; xor Rd(d), 0x8000_0000u32 as i32),
            (false, false) => dynasm!(self.a ; .arch x64 ; and Rd(d), 0x7fff_ffff),
        }
        Ok(true)
    }

    fn fp_sqrt(&mut self, i: usize, op: &Op, ty: Ty, a: Val) -> Result<bool, CompileError> {
        let w = ty == Ty::I64;
        let d = self.fp_def(i, &[a])?;
        let slow = self.slow_label();
        self.xload(0, a, w);
        sdss!(self, w, sqrtsd, sqrtss, 0, 0);
        self.xstore(d, 0, w);
        self.result_check(0, w);
        self.fp_tail(op, &[a], d, slow, Tail::NotEqual);
        Ok(true)
    }

    /// Round xmm0 to an integral value in place (SSE4.1), raising inexact only when `exact`.
    /// TieAway (whose input must be finite and below 2^52 in magnitude, see `tie_away_guard`):
    /// truncate, then step one away from zero when the dropped fraction is at least one half.
    /// Uses xmm1..xmm3.
    fn round_xmm0(&mut self, m: RoundMode, w: bool, exact: bool) {
        let imm: i8 = match m {
            RoundMode::TieEven => 0,
            RoundMode::Floor => 1,
            RoundMode::Ceil => 2,
            RoundMode::Zero | RoundMode::TieAway => 3,
            RoundMode::Dynamic => 4,
        } | if exact { 0 } else { 8 };
        if m != RoundMode::TieAway {
            if w {
                dynasm!(self.a ; .arch x64 ; roundsd xmm0, xmm0, imm);
            } else {
                dynasm!(self.a ; .arch x64 ; roundss xmm0, xmm0, imm);
            }
            return;
        }
        // xmm1 = t = trunc(x); xmm2 = |x - t| (exact); xmm3 = 0.5 <= xmm2 ? 1.0 : 0.0;
        // result = t + (xmm3 | sign(x)) (adding a signed zero keeps t's sign when |f| < 0.5).
        if w {
            dynasm!(self.a ; .arch x64 ; roundsd xmm1, xmm0, 11);
        } else {
            dynasm!(self.a ; .arch x64 ; roundss xmm1, xmm0, 11);
        }
        dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm0);
        sdss!(self, w, subsd, subss, 2, 1);
        self.xconst(3, !sign_bit(w) & if w { u64::MAX } else { 0xffff_ffff });
        dynasm!(self.a ; .arch x64 ; andps xmm2, xmm3);
        self.xconst(3, half_bits(w));
        sdss!(self, w, cmplesd, cmpless, 3, 2);
        self.xconst(2, one_bits(w));
        dynasm!(self.a ; .arch x64 ; andps xmm3, xmm2);
        self.xconst(2, sign_bit(w));
        dynasm!(self.a ; .arch x64 ; andps xmm2, xmm0 ; orps xmm3, xmm2 ; movaps xmm0, xmm1);
        sdss!(self, w, addsd, addss, 0, 3);
    }

    /// Before TieAway rounding of xmm0: jump to `slow` unless |xmm0| < 2^52 (2^23 for f32),
    /// so that NaNs and infinities never reach the arithmetic (x86 would raise invalid).
    fn tie_away_guard(&mut self, w: bool, slow: DynamicLabel) {
        self.xconst(3, !sign_bit(w) & if w { u64::MAX } else { 0xffff_ffff });
        dynasm!(self.a ; .arch x64 ; andps xmm3, xmm0);
        self.xconst(2, if w { 4503599627370496f64.to_bits() } else { 8388608f32.to_bits() as u64 });
        sdss!(self, w, ucomisd, ucomiss, 3, 2);
        dynasm!(self.a ; .arch x64 ; jae =>slow ; jp =>slow);
    }

    fn fp_round_int(&mut self, i: usize, op: &Op, m: RoundMode, exact: bool, ty: Ty, a: Val) -> Result<bool, CompileError> {
        let w = ty == Ty::I64;
        let d = self.fp_def(i, &[a])?;
        let slow = self.strict_guard();
        self.xload(0, a, w);
        if m == RoundMode::TieAway {
            self.tie_away_guard(w, slow);
        }
        self.round_xmm0(m, w, exact);
        self.xstore(d, 0, w);
        sdss!(self, w, ucomisd, ucomiss, 0, 0);
        self.fp_tail(op, &[a], d, slow, Tail::NoParity);
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn fp_fma(&mut self, i: usize, op: &Op, ty: Ty, a: Val, b: Val, c: Val, neg_p: bool, neg_c: bool) -> Result<bool, CompileError> {
        let w = ty == Ty::I64;
        let d = self.fp_def(i, &[a, b, c])?;
        let slow = self.slow_label();
        self.xload(0, a, w);
        self.xload(1, b, w);
        self.xload(2, c, w);
        // A NaN addend goes to the slow path first (x86 may raise other flags for a quiet
        // NaN addend plus infinity times zero).
        sdss!(self, w, ucomisd, ucomiss, 2, 2);
        dynasm!(self.a ; .arch x64 ; jp =>slow);
        // xmm2 = (±(xmm0 * xmm1)) ± xmm2, one rounding.
        match (neg_p, neg_c, w) {
            (false, false, true) => dynasm!(self.a ; .arch x64 ; vfmadd231sd xmm2, xmm0, xmm1),
            (false, false, false) => dynasm!(self.a ; .arch x64 ; vfmadd231ss xmm2, xmm0, xmm1),
            (true, false, true) => dynasm!(self.a ; .arch x64 ; vfnmadd231sd xmm2, xmm0, xmm1),
            (true, false, false) => dynasm!(self.a ; .arch x64 ; vfnmadd231ss xmm2, xmm0, xmm1),
            (false, true, true) => dynasm!(self.a ; .arch x64 ; vfmsub231sd xmm2, xmm0, xmm1),
            (false, true, false) => dynasm!(self.a ; .arch x64 ; vfmsub231ss xmm2, xmm0, xmm1),
            (true, true, true) => dynasm!(self.a ; .arch x64 ; vfnmsub231sd xmm2, xmm0, xmm1),
            (true, true, false) => dynasm!(self.a ; .arch x64 ; vfnmsub231ss xmm2, xmm0, xmm1),
        }
        self.xstore(d, 2, w);
        self.result_check(2, w);
        self.fp_tail(op, &[a, b, c], d, slow, Tail::NotEqual);
        Ok(true)
    }

    fn fp_cmp(&mut self, i: usize, op: &Op, ty: Ty, signal: bool, a: Val, b: Val) -> Result<bool, CompileError> {
        let w = ty == Ty::I64;
        let d = self.fp_def(i, &[a, b])?;
        let slow = self.strict_guard();
        self.xload(0, a, w);
        self.xload(1, b, w);
        // greater 0010, less 1000 (CF), equal 0110 (ZF), unordered 0011 (PF; CF = ZF = 1 too).
        // The quiet compare raises invalid for signalling NaNs only, the signalling one for
        // any NaN, as Arm's FCMP and FCMPE do.
        if signal {
            sdss!(self, w, comisd, comiss, 0, 1);
        } else {
            sdss!(self, w, ucomisd, ucomiss, 0, 1);
        }
        dynasm!(self.a ; .arch x64
            ; mov Rd(d), 0x2000_0000
            ; mov eax, 0x8000_0000u32 as i32
            ; cmovb Rd(d), eax
            ; mov eax, 0x6000_0000
            ; cmove Rd(d), eax
            ; mov eax, 0x3000_0000
            ; cmovp Rd(d), eax
        );
        self.fp_tail(op, &[a, b], d, slow, Tail::Always);
        Ok(true)
    }

    fn fp_cvt(&mut self, i: usize, op: &Op, from: Ty, a: Val) -> Result<bool, CompileError> {
        let wf = from == Ty::I64;
        let d = self.fp_def(i, &[a])?;
        let slow = if wf { self.slow_label() } else { self.strict_guard() };
        self.xload(0, a, wf);
        if wf {
            dynasm!(self.a ; .arch x64 ; cvtsd2ss xmm0, xmm0);
        } else {
            dynasm!(self.a ; .arch x64 ; cvtss2sd xmm0, xmm0);
        }
        self.xstore(d, 0, !wf);
        if wf {
            // Narrowing may underflow.
            self.result_check(0, false);
            self.fp_tail(op, &[a], d, slow, Tail::NotEqual);
        } else {
            // Widening is exact: only NaNs (payload, default NaN) need the slow path.
            dynasm!(self.a ; .arch x64 ; ucomisd xmm0, xmm0);
            self.fp_tail(op, &[a], d, slow, Tail::NoParity);
        }
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn fp_itof(&mut self, i: usize, op: &Op, from: Ty, to: Ty, signed: bool, fbits: u8, a: Val) -> Result<bool, CompileError> {
        let w = to == Ty::I64;
        let d = self.fp_def(i, &[a])?;
        // Flush-to-zero cannot change the result, but in strict mode the flags must come
        // from the exact path.
        let slow = self.strict_guard();
        let o = self.opnd(a);
        self.mov_to(RAX, o);
        if signed {
            self.sext_in_place(RAX, from);
        }
        dynasm!(self.a ; .arch x64 ; xorps xmm0, xmm0);
        if signed || from != Ty::I64 {
            if w {
                dynasm!(self.a ; .arch x64 ; cvtsi2sd xmm0, rax);
            } else {
                dynasm!(self.a ; .arch x64 ; cvtsi2ss xmm0, rax);
            }
        } else {
            // u64: halve with the lost bit kept sticky, convert, double (correctly rounded).
            let big = self.a.new_dynamic_label();
            let done = self.a.new_dynamic_label();
            dynasm!(self.a ; .arch x64 ; test rax, rax ; js =>big);
            if w {
                dynasm!(self.a ; .arch x64 ; cvtsi2sd xmm0, rax ; jmp =>done);
            } else {
                dynasm!(self.a ; .arch x64 ; cvtsi2ss xmm0, rax ; jmp =>done);
            }
            dynasm!(self.a ; .arch x64 ; =>big ; mov rcx, rax ; shr rcx, 1 ; and eax, 1 ; or rcx, rax);
            if w {
                dynasm!(self.a ; .arch x64 ; cvtsi2sd xmm0, rcx ; addsd xmm0, xmm0);
            } else {
                dynasm!(self.a ; .arch x64 ; cvtsi2ss xmm0, rcx ; addss xmm0, xmm0);
            }
            dynasm!(self.a ; .arch x64 ; =>done);
        }
        if fbits != 0 {
            // Exact scaling by 2^-fbits, as the interpreter does it.
            let scale = 2f64.powi(-(fbits as i32));
            let k = if w { scale.to_bits() } else { (scale as f32).to_bits() as u64 };
            self.xconst(1, k);
            sdss!(self, w, mulsd, mulss, 0, 1);
        }
        self.xstore(d, 0, w);
        self.fp_tail(op, &[a], d, slow, Tail::Always);
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn fp_ftoi(
        &mut self,
        i: usize,
        op: &Op,
        from: Ty,
        to: Ty,
        signed: bool,
        round: RoundMode,
        a: Val,
    ) -> Result<bool, CompileError> {
        let d = self.fp_def(i, &[a])?;
        let slow = self.strict_guard();
        // Everything in f64, like the interpreter (f32 -> f64 is exact).
        self.xload(0, a, from == Ty::I64);
        if from == Ty::I32 {
            dynasm!(self.a ; .arch x64 ; cvtss2sd xmm0, xmm0);
        }
        // Arm raises inexact only for results in range, x86's cvttsd2si whenever it drops a
        // fraction. Except for i64 with truncation (where x86 too raises only invalid out of
        // range), round first without raising inexact, check the range, then raise inexact
        // by truncating the original value (in range of i64 by then).
        let two_step = !(to == Ty::I64 && signed && round == RoundMode::Zero);
        if two_step {
            dynasm!(self.a ; .arch x64 ; movaps xmm4, xmm0);
            if round == RoundMode::TieAway {
                self.tie_away_guard(true, slow);
            }
            self.round_xmm0(round, true, false);
        }
        if (to, signed) == (Ty::I64, false) {
            // 2^63 and above fit a u64 but make cvttsd2si raise invalid: slow path first.
            self.xconst(1, 9223372036854775808f64.to_bits());
            dynasm!(self.a ; .arch x64 ; ucomisd xmm0, xmm1 ; jae =>slow);
        }
        dynasm!(self.a ; .arch x64 ; cvttsd2si rax, xmm0);
        // Out of range or NaN gives 0x8000_0000_0000_0000; narrower targets are range-checked
        // on the 64-bit result. Anything outside the target goes to the slow path, which
        // saturates the Arm way.
        match (to, signed) {
            (Ty::I64, true) => dynasm!(self.a ; .arch x64 ; mov Rq(d), rax ; cmp rax, 1 ; jo =>slow),
            (Ty::I64, false) => dynasm!(self.a ; .arch x64 ; mov Rq(d), rax ; test rax, rax ; js =>slow),
            (_, true) => dynasm!(self.a ; .arch x64 ; movsxd rcx, eax ; mov Rd(d), eax ; cmp rcx, rax ; jne =>slow),
            (_, false) => dynasm!(self.a ; .arch x64 ; mov Rd(d), eax ; shr rax, 32 ; jnz =>slow),
        }
        if two_step {
            dynasm!(self.a ; .arch x64 ; cvttsd2si rcx, xmm4);
        }
        self.fp_tail(op, &[a], d, slow, Tail::Always);
        Ok(true)
    }

    /// Bit reversal of a 32/64-bit integer: reverse the bits of each byte with two nibble
    /// lookups (pshufb), then the byte order.
    fn int_rbit(&mut self, i: usize, ty: Ty, a: Val) -> Result<bool, CompileError> {
        let w = ty == Ty::I64;
        let d = self.fp_def(i, &[a])?;
        self.xload(0, a, true);
        self.nibble_lookups(K_REV_HI, K_REV_LO);
        dynasm!(self.a ; .arch x64 ; por xmm2, xmm3);
        if w {
            dynasm!(self.a ; .arch x64 ; movq Rq(d), xmm2 ; bswap Rq(d));
        } else {
            dynasm!(self.a ; .arch x64 ; movd Rd(d), xmm2 ; bswap Rd(d));
        }
        Ok(true)
    }
}

// ---------------------------------------------------------------------- constants

/// Indices into the 16-byte constant table (`consts_addr() + 16 * index`).
pub(super) const K_NIB: i32 = 0; // 0x0f in every byte
pub(super) const K_REV_HI: i32 = 1; // nibble n -> reverse4(n) << 4
pub(super) const K_REV_LO: i32 = 2; // nibble n -> reverse4(n)
pub(super) const K_POPCNT: i32 = 3; // nibble n -> popcount(n)
pub(super) const K_0X70: i32 = 4; // 0x70 in every byte
pub(super) const K_SIGN8: i32 = 5; // 0x80 in every byte
pub(super) const K_SIGN16: i32 = 6;
pub(super) const K_SIGN32: i32 = 7;
pub(super) const K_SIGN64: i32 = 8;
pub(super) const K_LOBYTE16: i32 = 9; // 0x00ff in every 16-bit lane
/// pshufb masks for Xtn of esize 2, 4 (the high 8 bytes zeroed).
pub(super) const K_XTN_2: i32 = 10;
pub(super) const K_XTN_4: i32 = 11;
/// pshufb masks for Rev(container) of esize: (1,2) (1,4) (1,8) (2,4) (2,8) (4,8).
pub(super) const K_REV: i32 = 12;
pub(super) const K_ONES8: i32 = 18; // 0x01 in every byte
pub(super) const K_ONES16: i32 = 19; // 0x0001 in every 16-bit lane
const NCONSTS: usize = 20;

#[repr(C, align(16))]
struct Consts([[u8; 16]; NCONSTS]);

fn build_consts() -> Consts {
    let mut t = [[0u8; 16]; NCONSTS];
    let rev4 = |n: u8| ((n & 1) << 3) | ((n & 2) << 1) | ((n & 4) >> 1) | ((n & 8) >> 3);
    #[allow(clippy::needless_range_loop)] // j indexes 12 tables at once
    for j in 0..16 {
        let n = j as u8;
        t[K_NIB as usize][j] = 0x0f;
        t[K_REV_HI as usize][j] = rev4(n) << 4;
        t[K_REV_LO as usize][j] = rev4(n);
        t[K_POPCNT as usize][j] = n.count_ones() as u8;
        t[K_0X70 as usize][j] = 0x70;
        t[K_SIGN8 as usize][j] = 0x80;
        t[K_SIGN16 as usize][j] = if j % 2 == 1 { 0x80 } else { 0 };
        t[K_SIGN32 as usize][j] = if j % 4 == 3 { 0x80 } else { 0 };
        t[K_SIGN64 as usize][j] = if j % 8 == 7 { 0x80 } else { 0 };
        t[K_LOBYTE16 as usize][j] = if j % 2 == 0 { 0xff } else { 0 };
        t[K_ONES8 as usize][j] = 1;
        t[K_ONES16 as usize][j] = if j % 2 == 0 { 1 } else { 0 };
    }
    // Xtn: the low half of each 2*half-byte lane into bytes 0..8.
    for (idx, es) in [(K_XTN_2, 2usize), (K_XTN_4, 4)] {
        let m = &mut t[idx as usize];
        let half = es / 2;
        m.fill(0x80);
        for lane in 0..16 / es {
            for byte in 0..half {
                m[lane * half + byte] = (lane * es + byte) as u8;
            }
        }
    }
    for (k, &(es, cont)) in REV_SHAPES.iter().enumerate() {
        let m = &mut t[K_REV as usize + k];
        let per = cont / es;
        for lane in 0..16 / es {
            let base = lane / per * per;
            let src = base + (per - 1 - (lane - base));
            for byte in 0..es {
                m[lane * es + byte] = (src * es + byte) as u8;
            }
        }
    }
    Consts(t)
}

/// The (esize, container) shapes of `K_REV`.
pub(super) const REV_SHAPES: [(usize, usize); 6] = [(1, 2), (1, 4), (1, 8), (2, 4), (2, 8), (4, 8)];

/// Address of the 16-byte aligned constant table.
pub(super) fn consts_addr() -> usize {
    static T: std::sync::OnceLock<Box<Consts>> = std::sync::OnceLock::new();
    T.get_or_init(|| Box::new(build_consts())).0.as_ptr() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_codes_round_trip() {
        let a = Val(0);
        let mut ops = Vec::new();
        for ty in [Ty::I32, Ty::I64] {
            for op in FBIN_OPS {
                ops.push(Op::FBin { a, b: Val(1), op, ty });
            }
            for op in [FUnOp::Neg, FUnOp::Abs, FUnOp::Sqrt] {
                ops.push(Op::FUn { a, op, ty });
            }
            for m in ROUND_MODES {
                ops.push(Op::FUn { a, op: FUnOp::RoundInt(m), ty });
                for to in [Ty::I32, Ty::I64] {
                    for signed in [false, true] {
                        for fbits in [0, 1, 31, 64] {
                            ops.push(Op::FToI { a, from: ty, to, signed, round: m, fbits });
                            ops.push(Op::IToF { a, from: to, to: ty, signed, fbits });
                        }
                    }
                }
            }
            for (neg_p, neg_c) in [(false, false), (true, false), (false, true), (true, true)] {
                ops.push(Op::FMulAdd { a, b: Val(1), c: Val(2), ty, neg_p, neg_c });
            }
            ops.push(Op::FCvt { a, from: ty, to: if ty == Ty::I32 { Ty::I64 } else { Ty::I32 } });
        }
        for op in ops {
            assert_eq!(decode_op(encode_op(&op).unwrap()), op);
        }
    }
}
