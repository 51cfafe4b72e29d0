//! Native x86-64 code for the vector floating-point IR ops (`VFBin`, `VFMulAdd`, `VFCmp`):
//! one packed SSE (or FMA) instruction for all lanes, with the scalar ops' rules
//! (`emit_fp.rs`) applied to every lane at once. (Compares produce no NaN: only flush-to-zero
//! sends them to the slow path.)
//!
//! The fast path runs the packed instruction in the guest's rounding mode (MXCSR mirrors it)
//! and keeps its result unless some lane is a NaN or of the smallest normal magnitude, or the
//! FP environment is strict: one packed compare of the lanes' magnitudes with the check
//! value of the engine trailer (`guest::write_fp_trailer`; a NaN in strict mode, so every
//! compare is unordered there) decides. Flags: x86 raises, per lane, a subset of what Arm
//! raises for these ops (tininess after rounding, which the smallest-normal check covers),
//! so MXCSR's sticky flags stay right even when the slow path then recomputes the op. The
//! slow path, out of line after the block, runs the interpreter's code for the whole op
//! (exact lanes and flags). The operands stay in xmm0, xmm1 (and xmm3, the addend) and the
//! result is computed in xmm2, so the slow path still has them.
//!
//! 64-bit (`half`) forms compute with the upper lanes of the operands zeroed (0 op 0 raises
//! nothing; a divisor's upper lanes are 1.0), then clear the result's upper half.

use super::emit::{Cg, CompileError};
use super::regs::*;
use crate::interp::Interp;
use crate::ir::*;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// Offset of the vector check data from the exit flag (see `guest::fp_vcheck_offset`):
/// f32 magnitude mask x4, f32 check value x4, f64 magnitude mask x2, f64 check value x2.
pub const VCHECK_FROM_EXIT_FLAG: i32 = 48;

/// An out-of-line slow path of a vector FP op.
pub(super) struct VfpStub {
    slow: DynamicLabel,
    done: DynamicLabel,
    /// The op, its operands renumbered `Val(0..n)` (kept alive in `Compiled::fallback_ops`).
    op: *const Op,
    nargs: usize,
}

/// The slow path: the interpreter's result of `op` on the operands at `args`.
///
/// # Safety
/// `op` is a live FP op whose operands are `Val(0..n)`, `args` points to three u128 values,
/// `out` to writable 16 bytes.
unsafe extern "C" fn vfp_slow(op: *const Op, args: *const u128, out: *mut u128) {
    let vals = [*args, *args.add(1), *args.add(2), 0];
    // FP ops touch neither guest state nor memory.
    out.write(Interp::eval(&*op, &vals, std::ptr::null_mut(), 0));
}

impl Cg<'_> {
    /// Emit a vector FP op natively; false leaves it to the fallback.
    pub(super) fn emit_vfp(&mut self, i: usize, op: &Op) -> Result<bool, CompileError> {
        let (esize, half) = match *op {
            Op::VFBin { op: FBinOp::Add | FBinOp::Sub | FBinOp::Mul | FBinOp::Div, esize, half, .. } => (esize, half),
            Op::VFMulAdd { esize, half, .. } if self.env.simd.fma => (esize, half),
            Op::VFCmp { cond: 0 | 10 | 12, esize, half, .. } => (esize, half),
            _ => return Ok(false),
        };
        if !matches!(esize, 4 | 8) || (half && esize == 8) {
            return Ok(false);
        }
        for &v in op.args().iter() {
            if !matches!(self.al.loc[v.0 as usize], Loc::Xmm(_) | Loc::Slot(_) | Loc::Transient) {
                return Ok(false);
            }
        }
        let w = esize == 8;
        let slow = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        match *op {
            Op::VFBin { a, b, op: fop, .. } => {
                self.vloads(i, &[(0, a), (1, b)]);
                if half {
                    dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0 ; movq xmm1, xmm1);
                    if fop == FBinOp::Div {
                        // Upper lanes 0 / 1.0: no flags.
                        dynasm!(self.a ; .arch x64 ; mov eax, 0x3f80_0000 ; movd xmm2, eax ; pshufd xmm2, xmm2, 0x0f ; por xmm1, xmm2);
                    }
                }
                dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm0);
                match (fop, w) {
                    (FBinOp::Add, false) => dynasm!(self.a ; .arch x64 ; addps xmm2, xmm1),
                    (FBinOp::Add, true) => dynasm!(self.a ; .arch x64 ; addpd xmm2, xmm1),
                    (FBinOp::Sub, false) => dynasm!(self.a ; .arch x64 ; subps xmm2, xmm1),
                    (FBinOp::Sub, true) => dynasm!(self.a ; .arch x64 ; subpd xmm2, xmm1),
                    (FBinOp::Mul, false) => dynasm!(self.a ; .arch x64 ; mulps xmm2, xmm1),
                    (FBinOp::Mul, true) => dynasm!(self.a ; .arch x64 ; mulpd xmm2, xmm1),
                    (FBinOp::Div, false) => dynasm!(self.a ; .arch x64 ; divps xmm2, xmm1),
                    (FBinOp::Div, true) => dynasm!(self.a ; .arch x64 ; divpd xmm2, xmm1),
                    _ => unreachable!("checked above"),
                }
            }
            Op::VFMulAdd { a, b, c, neg_p, .. } => {
                self.vloads(i, &[(0, a), (1, b), (3, c)]);
                if half {
                    dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0 ; movq xmm1, xmm1 ; movq xmm3, xmm3);
                }
                // A NaN addend lane goes to the slow path first (as for the scalar op).
                dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm3);
                if w {
                    dynasm!(self.a ; .arch x64 ; cmpunordpd xmm2, xmm2 ; movmskpd eax, xmm2);
                } else {
                    dynasm!(self.a ; .arch x64 ; cmpunordps xmm2, xmm2 ; movmskps eax, xmm2);
                }
                dynasm!(self.a ; .arch x64 ; test eax, eax ; jnz =>slow ; movaps xmm2, xmm3);
                // xmm2 = ±(xmm0 * xmm1) + xmm2. dynasmrt 3.2 encodes the pd forms with VEX.W0
                // (the ps ones), so those are written out: VEX.128.66.0F38.W1 B8/BC, ModRM
                // xmm2, xmm1, with vvvv = xmm0.
                match (neg_p, w) {
                    (false, false) => dynasm!(self.a ; .arch x64 ; vfmadd231ps xmm2, xmm0, xmm1),
                    (false, true) => self.a.extend([0xc4, 0xe2, 0xf9, 0xb8, 0xd1]),
                    (true, false) => dynasm!(self.a ; .arch x64 ; vfnmadd231ps xmm2, xmm0, xmm1),
                    (true, true) => self.a.extend([0xc4, 0xe2, 0xf9, 0xbc, 0xd1]),
                }
            }
            Op::VFCmp { a, b, cond, .. } => {
                // x86's EQ compare is quiet and LT/LE signal, as Arm's FCMEQ and FCMGE/GT;
                // no NaN comes out, so only flush-to-zero needs the slow path.
                self.vloads(i, &[(0, a), (1, b)]);
                let strict = self.env.exit_flag_off + 1;
                dynasm!(self.a ; .arch x64 ; cmp BYTE [rbp + strict], 0 ; jne =>slow);
                if half {
                    dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0 ; movq xmm1, xmm1);
                }
                match (cond, w) {
                    (0, false) => dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm0 ; cmpeqps xmm2, xmm1),
                    (0, true) => dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm0 ; cmpeqpd xmm2, xmm1),
                    (10, false) => dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm1 ; cmpleps xmm2, xmm0),
                    (10, true) => dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm1 ; cmplepd xmm2, xmm0),
                    (_, false) => dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm1 ; cmpltps xmm2, xmm0),
                    (_, true) => dynasm!(self.a ; .arch x64 ; movaps xmm2, xmm1 ; cmpltpd xmm2, xmm0),
                }
                if half {
                    dynasm!(self.a ; .arch x64 ; movq xmm2, xmm2);
                }
            }
            _ => unreachable!("checked above"),
        }
        if matches!(op, Op::VFCmp { .. }) {
            dynasm!(self.a ; .arch x64 ; =>done);
            self.push_vfp_stub(op, slow, done);
            return self.vdef(i, 2);
        }
        if half {
            // The upper lanes computed 0 op 0, which is -0 in some cases (rounding down).
            dynasm!(self.a ; .arch x64 ; movq xmm2, xmm2);
        }
        self.vresult_check(w, slow);
        dynasm!(self.a ; .arch x64 ; =>done);
        self.push_vfp_stub(op, slow, done);
        self.vdef(i, 2)
    }

    /// Record the slow path of `op` (its operands in xmm0, xmm1, xmm3; see `emit_vfp_stubs`).
    fn push_vfp_stub(&mut self, op: &Op, slow: DynamicLabel, done: DynamicLabel) {
        // The slow path's op, operands renumbered.
        let mut local = op.clone();
        let mut k = 0u32;
        local.for_each_arg_mut(|v| {
            *v = Val(k);
            k += 1;
        });
        let boxed = Box::new(local);
        let op_ptr = &*boxed as *const Op;
        self.fallback_ops.push(boxed);
        self.vfp_stubs.push(VfpStub { slow, done, op: op_ptr, nargs: k as usize });
    }

    /// Jump to `slow` unless every lane of xmm2 is neither a NaN nor of the smallest normal
    /// magnitude and the environment is not strict. Uses xmm4, xmm5 and eax.
    fn vresult_check(&mut self, w: bool, slow: DynamicLabel) {
        let base = self.env.exit_flag_off + VCHECK_FROM_EXIT_FLAG + if w { 32 } else { 0 };
        let (mask, val) = (base, base + 16);
        dynasm!(self.a ; .arch x64 ; movaps xmm4, xmm2 ; andps xmm4, [rbp + mask] ; movaps xmm5, xmm4);
        if w {
            dynasm!(self.a ; .arch x64
                ; cmpeqpd xmm4, [rbp + val]
                ; cmpunordpd xmm5, [rbp + val]
                ; orpd xmm4, xmm5
                ; movmskpd eax, xmm4
            );
        } else {
            dynasm!(self.a ; .arch x64
                ; cmpeqps xmm4, [rbp + val]
                ; cmpunordps xmm5, [rbp + val]
                ; orps xmm4, xmm5
                ; movmskps eax, xmm4
            );
        }
        dynasm!(self.a ; .arch x64 ; test eax, eax ; jnz =>slow);
    }

    /// Emit the slow paths `emit_vfp` recorded (after the block's code): the operands from
    /// xmm0, xmm1, xmm3 to the argument area, every live caller-saved register saved around
    /// the call, the result into xmm2.
    pub(super) fn emit_vfp_stubs(&mut self) {
        for s in std::mem::take(&mut self.vfp_stubs) {
            dynasm!(self.a ; .arch x64
                ; =>s.slow
                ; movdqa [rsp + ARGS_OFF], xmm0
                ; movdqa [rsp + ARGS_OFF + 16], xmm1
            );
            if s.nargs > 2 {
                dynasm!(self.a ; .arch x64 ; movdqa [rsp + ARGS_OFF + 32], xmm3);
            }
            let saved: Vec<u8> = ALLOCATABLE.iter().copied().filter(|&r| caller_saved(r)).collect();
            debug_assert!(saved.len().is_multiple_of(2), "pushes must keep rsp 16-byte aligned");
            for &r in &saved {
                dynasm!(self.a ; .arch x64 ; push Rq(r));
            }
            // An even number of pushes keeps rsp 16-byte aligned; then the xmm registers.
            let xbytes = 16 * XMM_ALLOCATABLE.len() as i32;
            dynasm!(self.a ; .arch x64 ; sub rsp, xbytes);
            for (k, &r) in XMM_ALLOCATABLE.iter().enumerate() {
                let o = 16 * k as i32;
                dynasm!(self.a ; .arch x64 ; movdqa [rsp + o], Rx(r));
            }
            let adj = xbytes + 8 * saved.len() as i32;
            let f = vfp_slow as *const () as i64;
            let op = s.op as i64;
            dynasm!(self.a ; .arch x64
                ; mov rdi, QWORD op
                ; lea rsi, [rsp + adj + ARGS_OFF]
                ; lea rdx, [rsp + adj + RESULT_OFF]
                ; mov rax, QWORD f
                ; call rax
            );
            for (k, &r) in XMM_ALLOCATABLE.iter().enumerate() {
                let o = 16 * k as i32;
                dynasm!(self.a ; .arch x64 ; movdqa Rx(r), [rsp + o]);
            }
            dynasm!(self.a ; .arch x64 ; add rsp, xbytes);
            for &r in saved.iter().rev() {
                dynasm!(self.a ; .arch x64 ; pop Rq(r));
            }
            dynasm!(self.a ; .arch x64 ; movdqa xmm2, [rsp + RESULT_OFF] ; jmp =>s.done);
        }
    }
}

#[cfg(test)]
#[test]
fn vector_check_data_offset() {
    for size in [64, 100, 1024] {
        assert_eq!(crate::guest::fp_vcheck_offset(size) - crate::guest::exit_flag_offset(size), VCHECK_FROM_EXIT_FLAG as usize);
    }
}
