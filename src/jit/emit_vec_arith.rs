//! Native x86-64 code for the vector arithmetic ops of `interp/vec_arith.rs`: saturating
//! add/subtract (and their FPSR.QC results), halving adds, absolute differences, rounding
//! shifts, doubling multiplies and saturating narrows. Others go to the interpreter fallback.
//!
//! Entry conventions (see emit_vec.rs): the operands are already in xmm0 (and xmm1); the
//! code leaves the result in some xmm register and calls `vdef`. rax is scratch. A `SatQc`
//! result is FPSR.QC (or 0) in the low 32 bits, zero above.

use super::emit::{Cg, CompileError};
use super::emit_fp::*;
use super::emit_vec::P;
use crate::ir::*;
use dynasmrt::{dynasm, DynasmApi};

/// The FPSR.QC bit.
const QC: i32 = 1 << 27;

/// A saturating narrow by immediate as (signed source, rounding, the saturating narrow of
/// the shifted lanes); None for the left shifts.
fn imm_narrow(s: SatImm) -> Option<(bool, bool, SatUn)> {
    use SatImm::*;
    Some(match s {
        SqShrn => (true, false, SatUn::SqXtn),
        SqRShrn => (true, true, SatUn::SqXtn),
        UqShrn => (false, false, SatUn::UqXtn),
        UqRShrn => (false, true, SatUn::UqXtn),
        SqShrun => (true, false, SatUn::SqXtun),
        SqRShrun => (true, true, SatUn::SqXtun),
        SqShl | UqShl | SqShlU => return None,
    })
}

impl Cg<'_> {
    pub(super) fn vbin_arith_native(&self, op: VBinOp, es: u8) -> bool {
        use SatBin::*;
        use VBinOp::*;
        let s = self.env.simd;
        match op {
            Sat(SqAdd | UqAdd | SqSub | UqSub) | SatQc(SqAdd | UqAdd | SqSub | UqSub) => self.addsub_native(op, es),
            URHAdd | UHAdd | SRHAdd | SHAdd => es <= 2,
            UAbd => es <= 2 || (es == 4 && s.sse41),
            SAbd => es == 2 || (es <= 4 && s.sse41),
            Sat(SqDMulH) | SatQc(SqDMulH | SqRDMulH) => es == 2,
            Sat(SqRDMulH) => es == 2 && s.ssse3,
            _ => false,
        }
    }

    fn addsub_native(&self, op: VBinOp, es: u8) -> bool {
        let s = self.env.simd;
        match (op, es) {
            (_, 1 | 2) => true,
            (VBinOp::Sat(SatBin::SqAdd | SatBin::SqSub) | VBinOp::SatQc(SatBin::SqAdd | SatBin::SqSub), _) => true,
            (_, 4) => s.sse41,
            _ => s.sse42,
        }
    }

    pub(super) fn vun_arith_native(&self, op: VUnOp, es: u8) -> bool {
        use SatUn::*;
        let s = self.env.simd;
        match op {
            VUnOp::Sat(SqAbs) | VUnOp::SatQc(SqAbs | SqNeg) => es == 1 && s.ssse3 || (es == 2 || es == 4) && s.sse41,
            VUnOp::Sat(SqNeg) => es <= 2,
            VUnOp::Sat(SqXtn) => es == 2 || es == 4,
            VUnOp::Sat(SqXtun) => es == 2 || (es == 4 && s.sse41),
            VUnOp::Sat(UqXtn) | VUnOp::SatQc(SqXtn | SqXtun | UqXtn) => (es == 2 || es == 4) && s.sse41,
            _ => false,
        }
    }

    pub(super) fn vimm_arith_native(&self, op: VImmOp, es: u8, imm: u32) -> bool {
        let bits = es as u32 * 8;
        match op {
            VImmOp::URShr => es >= 2 && (1..=bits).contains(&imm),
            VImmOp::SRShr => (es == 2 || es == 4) && (1..=bits).contains(&imm),
            VImmOp::RShrn => es >= 2 && (1..=bits / 2).contains(&imm) && (es == 8 || self.env.simd.ssse3),
            VImmOp::Sat(s) | VImmOp::SatQc(s) => match imm_narrow(s) {
                Some((_, _, n)) => {
                    let un = if matches!(op, VImmOp::Sat(_)) { VUnOp::Sat(n) } else { VUnOp::SatQc(n) };
                    (es == 2 || es == 4) && (1..=bits / 2).contains(&imm) && self.vun_arith_native(un, es)
                }
                None => false,
            },
            _ => false,
        }
    }

    /// eax = QC when eax (a pmovmskb result) is nonzero, else 0; then xmm0 = eax.
    fn qc_from_eax(&mut self) {
        dynasm!(self.a ; .arch x64 ; neg eax ; sbb eax, eax ; and eax, QC ; movd xmm0, eax);
    }

    /// xmm0 = QC when the bytes of xmm0 and xmm `y` differ anywhere, else 0.
    fn qc_if_differ(&mut self, y: u8) {
        dynasm!(self.a ; .arch x64 ; pcmpeqb xmm0, Rx(y) ; pmovmskb eax, xmm0 ; xor eax, 0xffff);
        self.qc_from_eax();
    }

    /// xmm `x` = 1 in every `es`-byte lane.
    fn lane_ones(&mut self, x: u8, es: u8) {
        self.bcast32(x, if es == 1 { 0x0101_0101 } else { 0x0001_0001 });
    }

    /// Saturating add/subtract of xmm0 and xmm1 into xmm `x` (check `addsub_native`).
    /// Clobbers xmm3..xmm5 for 4- and 8-byte lanes.
    fn sat_addsub(&mut self, op: SatBin, es: u8, x: u8) {
        if es >= 4 {
            return self.sat_addsub_wide(op, es, x);
        }
        match (op, es) {
            (SatBin::SqAdd, 1) => dynasm!(self.a ; .arch x64 ; paddsb Rx(x), xmm1),
            (SatBin::SqAdd, _) => dynasm!(self.a ; .arch x64 ; paddsw Rx(x), xmm1),
            (SatBin::UqAdd, 1) => dynasm!(self.a ; .arch x64 ; paddusb Rx(x), xmm1),
            (SatBin::UqAdd, _) => dynasm!(self.a ; .arch x64 ; paddusw Rx(x), xmm1),
            (SatBin::SqSub, 1) => dynasm!(self.a ; .arch x64 ; psubsb Rx(x), xmm1),
            (SatBin::SqSub, _) => dynasm!(self.a ; .arch x64 ; psubsw Rx(x), xmm1),
            (SatBin::UqSub, 1) => dynasm!(self.a ; .arch x64 ; psubusb Rx(x), xmm1),
            (_, _) => dynasm!(self.a ; .arch x64 ; psubusw Rx(x), xmm1),
        }
    }

    /// `sat_addsub` for 4- and 8-byte lanes, which x86 has no saturating instructions for.
    fn sat_addsub_wide(&mut self, op: SatBin, es: u8, x: u8) {
        dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm0);
        match op {
            SatBin::SqAdd | SatBin::SqSub => {
                // r = a +- b; overflow where the sign of r differs from a's and (for add)
                // from b's / (for sub) b's sign differs from a's; saturated = MAX ^ (a >> top).
                let add = op == SatBin::SqAdd;
                self.p_emit(if add { P::Add } else { P::Sub }, es, 3, 1);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm4, xmm0
                    ; pxor xmm4, xmm3
                    ; movdqa xmm5, xmm0
                );
                if add {
                    dynasm!(self.a ; .arch x64 ; pxor xmm5, xmm1 ; pandn xmm5, xmm4);
                } else {
                    dynasm!(self.a ; .arch x64 ; pxor xmm5, xmm1 ; pand xmm5, xmm4);
                }
                // xmm5: sign bit set in overflowing lanes; spread it and a's sign over lanes.
                if es == 4 {
                    dynasm!(self.a ; .arch x64 ; psrad xmm5, 31 ; movdqa xmm4, xmm0 ; psrad xmm4, 31);
                } else {
                    dynasm!(self.a ; .arch x64
                        ; pshufd xmm5, xmm5, 0xf5u8 as i8 ; psrad xmm5, 31
                        ; pshufd xmm4, xmm0, 0xf5u8 as i8 ; psrad xmm4, 31
                    );
                }
                // xmm4 = MAX ^ sign(a): all ones shifted right by one, xored.
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm0, xmm0);
                if es == 4 {
                    dynasm!(self.a ; .arch x64 ; psrld xmm0, 1);
                } else {
                    dynasm!(self.a ; .arch x64 ; psrlq xmm0, 1);
                }
                dynasm!(self.a ; .arch x64
                    ; pxor xmm4, xmm0
                    ; pxor xmm4, xmm3
                    ; pand xmm4, xmm5
                    ; pxor xmm3, xmm4
                );
            }
            _ => {
                // unsigned: carry / borrow where the wrapped result compares the wrong way.
                let add = op == SatBin::UqAdd;
                self.p_emit(if add { P::Add } else { P::Sub }, es, 3, 1);
                self.kbase();
                let k = if es == 4 { K_SIGN32 } else { K_SIGN64 } * 16;
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm4, xmm0 ; pxor xmm4, [rax + k]
                    ; movdqa xmm5, xmm3 ; pxor xmm5, [rax + k]
                );
                if add {
                    // carry: a > r
                    self.p_emit(P::CmpGt, es, 4, 5);
                    dynasm!(self.a ; .arch x64 ; por xmm3, xmm4);
                } else {
                    // borrow: r > a
                    self.p_emit(P::CmpGt, es, 5, 4);
                    dynasm!(self.a ; .arch x64 ; pandn xmm5, xmm3 ; movdqa xmm3, xmm5);
                }
            }
        }
        dynasm!(self.a ; .arch x64 ; movdqa Rx(x), xmm3);
    }

    /// xmm0 = pavg(xmm0, xmm1) for `es` 1 or 2.
    fn pavg(&mut self, es: u8) {
        if es == 1 {
            dynasm!(self.a ; .arch x64 ; pavgb xmm0, xmm1);
        } else {
            dynasm!(self.a ; .arch x64 ; pavgw xmm0, xmm1);
        }
    }

    pub(super) fn v_bin_arith(&mut self, i: usize, op: VBinOp, es: u8) -> Result<bool, CompileError> {
        use VBinOp::*;
        let r = match op {
            Sat(s) => {
                if matches!(s, SatBin::SqDMulH | SatBin::SqRDMulH) {
                    if s == SatBin::SqRDMulH {
                        // (2ab + 2^15) >> 16 exactly; only -1 * -1 (0x8000) overflows.
                        dynasm!(self.a ; .arch x64 ; pmulhrsw xmm0, xmm1);
                    } else {
                        // (2ab) >> 16 = hi << 1 | lo >> 15
                        dynasm!(self.a ; .arch x64
                            ; movdqa xmm2, xmm0
                            ; pmulhw xmm0, xmm1
                            ; pmullw xmm2, xmm1
                            ; psllw xmm0, 1
                            ; psrlw xmm2, 15
                            ; por xmm0, xmm2
                        );
                    }
                    self.bcast32(3, 0x8000_8000);
                    dynasm!(self.a ; .arch x64 ; pcmpeqw xmm3, xmm0 ; pxor xmm0, xmm3);
                } else {
                    self.sat_addsub(s, es, 0);
                }
                0
            }
            SatQc(SatBin::SqDMulH | SatBin::SqRDMulH) => {
                self.bcast32(2, 0x8000_8000);
                dynasm!(self.a ; .arch x64
                    ; pcmpeqw xmm0, xmm2
                    ; pcmpeqw xmm1, xmm2
                    ; pand xmm0, xmm1
                    ; pmovmskb eax, xmm0
                );
                self.qc_from_eax();
                0
            }
            SatQc(s) => {
                // Saturated and wrapped results differ exactly when a lane saturated.
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                self.sat_addsub(s, es, 0);
                let add = matches!(s, SatBin::SqAdd | SatBin::UqAdd);
                self.p_emit(if add { P::Add } else { P::Sub }, es, 2, 1);
                self.qc_if_differ(2);
                0
            }
            URHAdd => {
                self.pavg(es);
                0
            }
            UHAdd => {
                // pavg rounds up: subtract the carry-in (a ^ b) & 1.
                self.lane_ones(3, es);
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; pxor xmm2, xmm1 ; pand xmm2, xmm3);
                self.pavg(es);
                self.p_emit(P::Sub, es, 0, 2);
                0
            }
            SRHAdd | SHAdd => {
                // The unsigned average of the sign-flipped lanes, flipped back.
                if op == SHAdd {
                    self.lane_ones(3, es);
                    dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; pxor xmm2, xmm1 ; pand xmm2, xmm3);
                }
                self.kbase();
                self.flip_signs(es, 0, 1);
                self.pavg(es);
                if op == SHAdd {
                    self.p_emit(P::Sub, es, 0, 2);
                }
                let k = if es == 1 { K_SIGN8 } else { K_SIGN16 } * 16;
                dynasm!(self.a ; .arch x64 ; pxor xmm0, [rax + k]);
                0
            }
            UAbd if es <= 2 => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                if es == 1 {
                    dynasm!(self.a ; .arch x64 ; psubusb xmm0, xmm1 ; psubusb xmm1, xmm2);
                } else {
                    dynasm!(self.a ; .arch x64 ; psubusw xmm0, xmm1 ; psubusw xmm1, xmm2);
                }
                dynasm!(self.a ; .arch x64 ; por xmm0, xmm1);
                0
            }
            UAbd | SAbd => {
                // max(a, b) - min(a, b)
                let (min, max) = if op == UAbd { (P::MinU, P::MaxU) } else { (P::MinS, P::MaxS) };
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                self.p_emit(min, es, 0, 1);
                self.p_emit(max, es, 1, 2);
                self.p_emit(P::Sub, es, 1, 0);
                1
            }
            Mul => {
                // 64-bit lanes: lo*lo + ((hi(a)*lo(b) + lo(a)*hi(b)) << 32)
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm2, xmm0
                    ; psrlq xmm2, 32
                    ; pmuludq xmm2, xmm1
                    ; movdqa xmm3, xmm1
                    ; psrlq xmm3, 32
                    ; pmuludq xmm3, xmm0
                    ; paddq xmm2, xmm3
                    ; psllq xmm2, 32
                    ; pmuludq xmm0, xmm1
                    ; paddq xmm0, xmm2
                );
                0
            }
            _ => return Ok(false),
        };
        self.vdef(i, r)
    }

    pub(super) fn v_un_arith(&mut self, i: usize, op: VUnOp, es: u8) -> Result<bool, CompileError> {
        use SatUn::*;
        match op {
            VUnOp::Sat(SqAbs) => {
                match es {
                    1 => dynasm!(self.a ; .arch x64 ; pabsb xmm0, xmm0),
                    2 => dynasm!(self.a ; .arch x64 ; pabsw xmm0, xmm0),
                    _ => dynasm!(self.a ; .arch x64 ; pabsd xmm0, xmm0),
                }
                // |MIN| wraps to MIN: clamp unsigned to MAX.
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm1, xmm1);
                match es {
                    1 => {
                        self.bcast32(1, 0x7f7f_7f7f);
                        dynasm!(self.a ; .arch x64 ; pminub xmm0, xmm1);
                    }
                    2 => dynasm!(self.a ; .arch x64 ; psrlw xmm1, 1 ; pminuw xmm0, xmm1),
                    _ => dynasm!(self.a ; .arch x64 ; psrld xmm1, 1 ; pminud xmm0, xmm1),
                }
            }
            VUnOp::Sat(SqNeg) => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; pxor xmm0, xmm0);
                if es == 1 {
                    dynasm!(self.a ; .arch x64 ; psubsb xmm0, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; psubsw xmm0, xmm1);
                }
            }
            VUnOp::SatQc(SqAbs | SqNeg) => {
                // Only MIN saturates.
                self.kbase();
                let k = match es {
                    1 => K_SIGN8,
                    2 => K_SIGN16,
                    _ => K_SIGN32,
                } * 16;
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, [rax + k]);
                self.p_emit(P::CmpEq, es, 0, 1);
                dynasm!(self.a ; .arch x64 ; pmovmskb eax, xmm0);
                self.qc_from_eax();
            }
            _ => {
                if !self.narrow_sat(op, es) {
                    return Ok(false);
                }
            }
        }
        self.vdef(i, 0)
    }

    /// A saturating narrow (`Sat`) or its QC (`SatQc`) of the `es`-byte lanes of xmm0, into
    /// xmm0; false for other ops.
    fn narrow_sat(&mut self, op: VUnOp, es: u8) -> bool {
        use SatUn::*;
        match op {
            VUnOp::Sat(s) => {
                match (s, es) {
                    (UqXtn, 2) => {
                        self.bcast32(1, 0x00ff_00ff);
                        dynasm!(self.a ; .arch x64 ; pminuw xmm0, xmm1);
                    }
                    (UqXtn, _) => {
                        self.bcast32(1, 0x0000_ffff);
                        dynasm!(self.a ; .arch x64 ; pminud xmm0, xmm1);
                    }
                    _ => {}
                }
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
                match (s, es) {
                    (SqXtn, 2) => dynasm!(self.a ; .arch x64 ; packsswb xmm0, xmm1),
                    (SqXtn, _) => dynasm!(self.a ; .arch x64 ; packssdw xmm0, xmm1),
                    (_, 2) => dynasm!(self.a ; .arch x64 ; packuswb xmm0, xmm1),
                    (_, _) => dynasm!(self.a ; .arch x64 ; packusdw xmm0, xmm1),
                }
            }
            VUnOp::SatQc(s) => {
                // Narrow with saturation and widen back: equal to the source unless a lane
                // saturated.
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                match (s, es) {
                    (SqXtn, 2) => dynasm!(self.a ; .arch x64 ; packsswb xmm2, xmm2 ; pmovsxbw xmm2, xmm2),
                    (SqXtn, _) => dynasm!(self.a ; .arch x64 ; packssdw xmm2, xmm2 ; pmovsxwd xmm2, xmm2),
                    (SqXtun, 2) => dynasm!(self.a ; .arch x64 ; packuswb xmm2, xmm2 ; pmovzxbw xmm2, xmm2),
                    (SqXtun, _) => dynasm!(self.a ; .arch x64 ; packusdw xmm2, xmm2 ; pmovzxwd xmm2, xmm2),
                    (_, 2) => {
                        self.bcast32(1, 0x00ff_00ff);
                        dynasm!(self.a ; .arch x64 ; pminuw xmm2, xmm1);
                    }
                    (_, _) => {
                        self.bcast32(1, 0x0000_ffff);
                        dynasm!(self.a ; .arch x64 ; pminud xmm2, xmm1);
                    }
                }
                self.qc_if_differ(2);
            }
            _ => return false,
        }
        true
    }

    pub(super) fn v_imm_arith(&mut self, i: usize, op: VImmOp, es: u8, imm: u32) -> Result<bool, CompileError> {
        let n = imm as i8;
        match op {
            VImmOp::URShr | VImmOp::SRShr => {
                // (a >> n) + ((a >> (n - 1)) & 1)
                let bits = es as i8 * 8;
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; pcmpeqd xmm2, xmm2);
                match es {
                    2 => dynasm!(self.a ; .arch x64 ; psrlw xmm1, n - 1 ; psrlw xmm2, bits - 1),
                    4 => dynasm!(self.a ; .arch x64 ; psrld xmm1, n - 1 ; psrld xmm2, bits - 1),
                    _ => dynasm!(self.a ; .arch x64 ; psrlq xmm1, n - 1 ; psrlq xmm2, bits - 1),
                }
                dynasm!(self.a ; .arch x64 ; pand xmm1, xmm2);
                match (op, es) {
                    (VImmOp::URShr, 2) => dynasm!(self.a ; .arch x64 ; psrlw xmm0, n),
                    (VImmOp::URShr, 4) => dynasm!(self.a ; .arch x64 ; psrld xmm0, n),
                    (VImmOp::URShr, _) => dynasm!(self.a ; .arch x64 ; psrlq xmm0, n),
                    (_, 2) => dynasm!(self.a ; .arch x64 ; psraw xmm0, n),
                    (_, _) => dynasm!(self.a ; .arch x64 ; psrad xmm0, n),
                }
                self.p_emit(P::Add, es, 0, 1);
            }
            VImmOp::RShrn => {
                // The rounding carry out of the wide lane is cut off by the narrowing.
                match es {
                    2 => {
                        self.bcast32(1, (1u32 << (imm - 1)) * 0x0001_0001);
                        self.kbase();
                        dynasm!(self.a ; .arch x64
                            ; paddw xmm0, xmm1 ; psrlw xmm0, n ; pshufb xmm0, [rax + K_XTN_2 * 16]);
                    }
                    4 => {
                        self.bcast32(1, 1u32 << (imm - 1));
                        self.kbase();
                        dynasm!(self.a ; .arch x64
                            ; paddd xmm0, xmm1 ; psrld xmm0, n ; pshufb xmm0, [rax + K_XTN_4 * 16]);
                    }
                    _ => {
                        let k = 1i64 << (imm - 1);
                        dynasm!(self.a ; .arch x64
                            ; mov rax, QWORD k
                            ; movq xmm1, rax
                            ; punpcklqdq xmm1, xmm1
                            ; paddq xmm0, xmm1
                            ; psrlq xmm0, n
                            ; pshufd xmm0, xmm0, 0x08
                            ; movq xmm0, xmm0
                        );
                    }
                }
            }
            VImmOp::Sat(s) | VImmOp::SatQc(s) => {
                let Some((signed, round, nop)) = imm_narrow(s) else { return Ok(false) };
                // Shift (rounding: add the last bit shifted out, which cannot overflow for a
                // shift of at least one), then narrow with saturation.
                if round {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; pcmpeqd xmm2, xmm2);
                    if es == 2 {
                        dynasm!(self.a ; .arch x64 ; psrlw xmm1, n_sh(imm) ; psrlw xmm2, 15);
                    } else {
                        dynasm!(self.a ; .arch x64 ; psrld xmm1, n_sh(imm) ; psrld xmm2, 31);
                    }
                    dynasm!(self.a ; .arch x64 ; pand xmm1, xmm2);
                }
                match (signed, es) {
                    (true, 2) => dynasm!(self.a ; .arch x64 ; psraw xmm0, n),
                    (true, _) => dynasm!(self.a ; .arch x64 ; psrad xmm0, n),
                    (false, 2) => dynasm!(self.a ; .arch x64 ; psrlw xmm0, n),
                    (false, _) => dynasm!(self.a ; .arch x64 ; psrld xmm0, n),
                }
                if round {
                    self.p_emit(P::Add, es, 0, 1);
                }
                let un = if matches!(op, VImmOp::Sat(_)) { VUnOp::Sat(nop) } else { VUnOp::SatQc(nop) };
                if !self.narrow_sat(un, es) {
                    return Ok(false);
                }
            }
            _ => return Ok(false),
        }
        self.vdef(i, 0)
    }
}

/// The shift that brings the last bit shifted out by `imm` down to bit 0.
fn n_sh(imm: u32) -> i8 {
    (imm - 1) as i8
}
