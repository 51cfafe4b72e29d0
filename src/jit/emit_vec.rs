//! Native x86-64 code for the vector (I128) IR ops, with SSE2..SSE4.2. Ops or cases not
//! handled here go to the interpreter fallback.
//!
//! I128 values live in 16-byte aligned frame slots; an op loads its operands into xmm0.. with
//! `movdqa`, computes, and stores the result into a fresh slot. Lane 0 is the least
//! significant, as on x86, so lane-wise ops map directly onto the packed SSE instructions.
//! Every case is decided before any code is emitted: a `false` return leaves no code behind.

use super::emit::{Cg, CompileError, Opnd};
use super::emit_fp::*;
use super::regs::*;
use crate::ir::*;
use dynasmrt::{dynasm, DynasmApi};

/// Packed lane-wise binary operations with one x86 instruction per element size.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum P {
    Add,
    Sub,
    Mul,
    CmpEq,
    CmpGt,
    MinU,
    MaxU,
    MinS,
    MaxS,
}

/// `dst = dst OP src` for `$es`-byte lanes: one instruction per listed size.
macro_rules! packed {
    ($s:ident, $es:expr, $x:expr, $y:expr, $b:ident, $w:ident, $d:ident, $q:ident) => {
        match $es {
            1 => dynasm!($s.a ; .arch x64 ; $b Rx($x), Rx($y)),
            2 => dynasm!($s.a ; .arch x64 ; $w Rx($x), Rx($y)),
            4 => dynasm!($s.a ; .arch x64 ; $d Rx($x), Rx($y)),
            _ => dynasm!($s.a ; .arch x64 ; $q Rx($x), Rx($y)),
        }
    };
}

fn valid_es(es: u8) -> bool {
    matches!(es, 1 | 2 | 4 | 8)
}

impl Cg<'_> {
    /// Emit `op` (instruction `i`, result type `ty`) natively; false leaves it to the fallback.
    pub(super) fn emit_vec(&mut self, i: usize, op: &Op, _ty: Ty) -> Result<bool, CompileError> {
        if !self.vec_native(op) {
            return Ok(false);
        }
        // I128 operands are in xmm registers or slots (regs.rs), or in xmm0 for the next
        // instruction.
        for &v in op.args().iter() {
            if self.b.ty_of(v) == Ty::I128
                && !matches!(self.al.loc[v.0 as usize], Loc::Xmm(_) | Loc::Slot(_) | Loc::Transient)
            {
                return Ok(false);
            }
        }
        match *op {
            Op::VBin { a, b, op, esize } => self.v_bin(i, op, esize, a, b),
            Op::VUn { a, op, esize } => self.v_un(i, op, esize, a),
            Op::VImm { a, op, esize, imm } => self.v_imm(i, op, esize, imm, a),
            Op::VIns { a, v, esize, lane } => self.v_ins(i, esize, lane, a, v),
            Op::VExt { a, esize, lane, .. } => self.v_ext(i, esize, lane, a),
            Op::VDup { v, esize } => self.v_dup(i, esize, v),
            Op::Ext { a, from, to, signed } => self.v_ext_ty(i, a, from, to, signed),
            Op::Bin { a, b, op, .. } => {
                let vop = match op {
                    BinOp::And => VBinOp::And,
                    BinOp::Or => VBinOp::Or,
                    BinOp::Xor => VBinOp::Xor,
                    _ => VBinOp::Bic,
                };
                self.v_bin(i, vop, 1, a, b)
            }
            Op::Un { a, .. } => self.v_un(i, VUnOp::Not, 1, a),
            Op::Select { c, a, b, .. } => self.v_select(i, c, a, b),
            _ => Ok(false),
        }
    }

    /// Whether `emit_vec` compiles `op` natively. It depends only on the op and the host, so
    /// it also tells whether an earlier instruction's code left its result in xmm0.
    fn vec_native(&self, op: &Op) -> bool {
        let s = self.env.simd;
        match *op {
            Op::VBin { op, esize, .. } => valid_es(esize) && self.vbin_native(op, esize),
            Op::VUn { op, esize, .. } => valid_es(esize) && self.vun_native(op, esize),
            Op::VImm { op, esize, imm, .. } => {
                valid_es(esize)
                    && match op {
                        VImmOp::Shl | VImmOp::UShr | VImmOp::SShr => true,
                        VImmOp::Shrn => esize >= 2 && imm < esize as u32 * 8 && (esize == 8 || s.ssse3),
                        _ => self.vimm_arith_native(op, esize, imm),
                    }
            }
            Op::VIns { esize, lane, .. } => {
                valid_es(esize) && (lane as usize) < 16 / esize as usize && (esize == 2 || s.sse41)
            }
            Op::VExt { esize, lane, .. } => valid_es(esize) && (lane as usize) < 16 / esize as usize,
            Op::VDup { esize, .. } => valid_es(esize),
            Op::Ext { from, to, .. } => from == Ty::I128 || to == Ty::I128,
            Op::Bin { op, ty: Ty::I128, .. } => matches!(op, BinOp::And | BinOp::Or | BinOp::Xor | BinOp::AndNot),
            Op::Un { op: UnOp::Not, ty: Ty::I128, .. } => true,
            Op::Select { ty: Ty::I128, .. } => true,
            _ => false,
        }
    }

    fn vbin_native(&self, op: VBinOp, es: u8) -> bool {
        use VBinOp::*;
        let s = self.env.simd;
        match op {
            And | Or | Xor | Bic | Orn | Add | Sub | Zip1 | Zip2 | Trn1 | Trn2 => true,
            Mul => self.p_avail(P::Mul, es) || es == 8,
            CmEq | CmTst => self.p_avail(P::CmpEq, es),
            CmGt | CmGe | CmHi | CmHs => self.p_avail(P::CmpGt, es),
            UMin => self.p_avail(P::MinU, es),
            UMax => self.p_avail(P::MaxU, es),
            SMin => self.p_avail(P::MinS, es),
            SMax => self.p_avail(P::MaxS, es),
            AddP => es == 1 || es == 8 || s.ssse3,
            UMinP | UMaxP => self.p_avail(P::MinU, es),
            SMinP | SMaxP => self.p_avail(P::MinS, es),
            Uzp1 | Uzp2 => true,
            Ext(k) => k < 16 && (k == 0 || s.ssse3),
            Tbl => s.ssse3 && es == 1,
            SShl | UShl => false,
            _ => self.vbin_arith_native(op, es),
        }
    }

    fn vun_native(&self, op: VUnOp, es: u8) -> bool {
        use VUnOp::*;
        let s = self.env.simd;
        match op {
            Not | Neg | ZeroHigh => true,
            Abs => es == 8 || s.ssse3,
            Cnt | Rbit => es == 1 && s.ssse3,
            Rev(c) => s.ssse3 && REV_SHAPES.contains(&(es as usize, c as usize)),
            AddV => es == 1 || es == 8 || s.ssse3,
            UMaxV | UMinV => es < 8 && self.p_avail(P::MaxU, es),
            SMaxV | SMinV => es < 8 && self.p_avail(P::MaxS, es),
            Xtn => es >= 2 && (es == 8 || s.ssse3),
            UXtl => es < 8,
            SXtl => es < 8 && s.sse41,
            UAddLP => es == 1 && s.ssse3 || es == 2 || es == 4,
            SAddLP => es == 1 && s.ssse3 || es == 2,
            UAddLV => es == 1,
            Clz | SAddLV => false,
            Sat(_) | SatQc(_) => self.vun_arith_native(op, es),
        }
    }

    // ------------------------------------------------------------------ helpers

    /// Load the I128 value `v` into xmm `x`: from its xmm register or slot, or (for the
    /// previous instruction's result, see `prev_in_xmm0`) from xmm0.
    /// Constants are built in the register instead: their slot was written by two 8-byte
    /// stores, which a 16-byte load cannot forward from. Clobbers rax.
    pub(super) fn vload(&mut self, x: u8, v: Val) {
        if let Op::Const { imm, .. } = self.b.insts[v.0 as usize].op {
            let imm = imm.get();
            let (lo, hi) = (imm as u64, (imm >> 64) as u64);
            if imm == 0 {
                dynasm!(self.a ; .arch x64 ; pxor Rx(x), Rx(x));
                return;
            }
            if imm == u128::MAX {
                self.ones(x);
                return;
            }
            if hi == 0 || hi == lo || self.env.simd.sse41 {
                self.mov_to(RAX, Opnd::I(lo));
                dynasm!(self.a ; .arch x64 ; movq Rx(x), rax);
                if hi == lo {
                    dynasm!(self.a ; .arch x64 ; punpcklqdq Rx(x), Rx(x));
                } else if hi != 0 {
                    self.mov_to(RAX, Opnd::I(hi));
                    dynasm!(self.a ; .arch x64 ; pinsrq Rx(x), rax, 1);
                }
                return;
            }
        }
        match self.al.loc[v.0 as usize] {
            Loc::Xmm(r) if r == x => {}
            Loc::Xmm(r) => dynasm!(self.a ; .arch x64 ; movdqa Rx(x), Rx(r)),
            Loc::Slot(s) => dynasm!(self.a ; .arch x64 ; movdqa Rx(x), [rsp + s]),
            Loc::Transient if x == 0 => {}
            Loc::Transient => dynasm!(self.a ; .arch x64 ; movdqa Rx(x), xmm0),
            l => unreachable!("JIT: I128 value {v} at {l:?}"),
        }
    }

    /// The xmm register holding the I128 value `v`: its own, or `scratch` loaded with it.
    pub(super) fn vsrc(&mut self, v: Val, scratch: u8) -> u8 {
        match self.al.loc[v.0 as usize] {
            Loc::Xmm(r) if !matches!(self.b.insts[v.0 as usize].op, Op::Const { .. }) => r,
            _ => {
                self.vload(scratch, v);
                scratch
            }
        }
    }

    /// A frame offset holding the I128 value `v`: its slot, or the scratch result area
    /// (RESULT_OFF) written from its register.
    pub(super) fn vmem(&mut self, v: Val) -> i32 {
        if let Loc::Slot(s) = self.al.loc[v.0 as usize] {
            if !matches!(self.b.insts[v.0 as usize].op, Op::Const { .. }) {
                return s;
            }
        }
        let r = self.vsrc(v, 0);
        dynasm!(self.a ; .arch x64 ; movdqa [rsp + RESULT_OFF], Rx(r));
        RESULT_OFF
    }

    /// Make xmm `x` the result of instruction `i`, kept in an allocated xmm register (or only
    /// in xmm0 when the next instruction alone reads it). The result is also left in xmm0
    /// (see `prev_in_xmm0`).
    pub(super) fn vdef(&mut self, i: usize, x: u8) -> Result<bool, CompileError> {
        if self.only_next_reads_xmm0(i) {
            self.al.loc[i] = Loc::Transient;
        } else {
            let r = self.def_xmm(i)?;
            dynasm!(self.a ; .arch x64 ; movdqa Rx(r), Rx(x));
        }
        if x != 0 {
            dynasm!(self.a ; .arch x64 ; movdqa xmm0, Rx(x));
        }
        Ok(true)
    }

    /// An xmm register for the I128 result of instruction `i`: that of an I128 operand dying
    /// here (its value has been read by now), a free one, or one spilled to a slot.
    fn def_xmm(&mut self, i: usize) -> Result<u8, CompileError> {
        let args = self.b.insts[i].op.args();
        for a in args.iter() {
            let k = a.0 as usize;
            if let Loc::Xmm(r) = self.al.loc[k] {
                if self.al.last_use[k] == i as u32 && self.al.xowner(r) == Some(a.0) {
                    self.al.loc[k] = Loc::None;
                    self.al.assign_xmm(i as u32, r);
                    return Ok(r);
                }
            }
        }
        let r = match self.al.free_xmm() {
            Some(r) => r,
            None => {
                let (r, v) = self.al.xvictim().expect("JIT: no xmm register to spill");
                let s = self.al.slot()?;
                dynasm!(self.a ; .arch x64 ; movdqa [rsp + s], Rx(r));
                self.al.loc[v as usize] = Loc::Slot(s);
                self.al.release_xmm(r);
                r
            }
        };
        self.al.assign_xmm(i as u32, r);
        Ok(r)
    }

    /// Whether `v` is the result of the instruction just before `i` and the code emitted for
    /// it left that result in xmm0: every I128 result of `emit_vec` does (`vdef`), so do
    /// I128 GetReg and Load in emit.rs, and nothing is emitted between two instructions. (This relies on `Cg::inst` passing
    /// these ops to `emit_vec`, which it does for all of them.)
    pub(super) fn prev_in_xmm0(&self, i: usize, v: Val) -> bool {
        let j = v.0 as usize;
        if j + 1 != i || self.b.insts[j].ty() != Ty::I128 {
            return false;
        }
        // emit.rs loads I128 guest registers and memory through xmm0 too.
        let op = &self.b.insts[j].op;
        matches!(op, Op::GetReg { .. } | Op::Load { .. }) || self.vec_native(op)
    }

    /// Load vector operands into the given xmm registers at the start of instruction `i`,
    /// taking the previous instruction's result from xmm0 when it is one of them.
    pub(super) fn vloads(&mut self, i: usize, ops: &[(u8, Val)]) {
        let fwd: Vec<bool> = ops.iter().map(|&(_, v)| self.prev_in_xmm0(i, v)).collect();
        for (k, &(x, _)) in ops.iter().enumerate() {
            if fwd[k] && x != 0 {
                dynasm!(self.a ; .arch x64 ; movdqa Rx(x), xmm0);
            }
        }
        for (k, &(x, v)) in ops.iter().enumerate() {
            if !fwd[k] {
                self.vload(x, v);
            }
        }
    }

    /// xmm2 = table `lo_t` looked up by the low nibble of each byte of xmm0, xmm3 = table
    /// `hi_t` looked up by the high nibble (pshufb); rax = the constant table.
    pub(super) fn nibble_lookups(&mut self, lo_t: i32, hi_t: i32) {
        self.kbase();
        dynasm!(self.a ; .arch x64
            ; movdqa xmm1, xmm0
            ; psrlw xmm1, 4
            ; pand xmm0, [rax + K_NIB * 16]
            ; pand xmm1, [rax + K_NIB * 16]
            ; movdqa xmm2, [rax + lo_t * 16]
            ; pshufb xmm2, xmm0
            ; movdqa xmm3, [rax + hi_t * 16]
            ; pshufb xmm3, xmm1
        );
    }

    /// rax = the constant table.
    pub(super) fn kbase(&mut self) {
        let k = consts_addr() as i64;
        dynasm!(self.a ; .arch x64 ; mov rax, QWORD k);
    }

    /// xmm x = all ones.
    pub(super) fn ones(&mut self, x: u8) {
        dynasm!(self.a ; .arch x64 ; pcmpeqd Rx(x), Rx(x));
    }

    /// Broadcast the 32-bit pattern `k` to xmm `x` (through eax).
    pub(super) fn bcast32(&mut self, x: u8, k: u32) {
        dynasm!(self.a ; .arch x64 ; mov eax, k as i32 ; movd Rx(x), eax ; pshufd Rx(x), Rx(x), 0);
    }

    pub(super) fn p_avail(&self, p: P, es: u8) -> bool {
        let s = self.env.simd;
        match (p, es) {
            (P::Add | P::Sub, _) => true,
            (P::Mul, 2) => true,
            (P::Mul, 4) => s.sse41,
            (P::Mul, _) => false,
            (P::CmpEq, 8) => s.sse41,
            (P::CmpGt, 8) => s.sse42,
            (P::CmpEq | P::CmpGt, _) => true,
            (_, 8) => false,
            (P::MinU | P::MaxU, 1) => true,
            (P::MinS | P::MaxS, 2) => true,
            (P::MinU | P::MaxU | P::MinS | P::MaxS, _) => s.sse41,
        }
    }

    /// `xmm x = xmm x OP xmm y` lane-wise (check `p_avail` first).
    pub(super) fn p_emit(&mut self, p: P, es: u8, x: u8, y: u8) {
        match p {
            P::Add => packed!(self, es, x, y, paddb, paddw, paddd, paddq),
            P::Sub => packed!(self, es, x, y, psubb, psubw, psubd, psubq),
            P::Mul => packed!(self, es, x, y, pmullw, pmullw, pmulld, pmulld),
            P::CmpEq => packed!(self, es, x, y, pcmpeqb, pcmpeqw, pcmpeqd, pcmpeqq),
            P::CmpGt => packed!(self, es, x, y, pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq),
            P::MinU => packed!(self, es, x, y, pminub, pminuw, pminud, pminud),
            P::MaxU => packed!(self, es, x, y, pmaxub, pmaxuw, pmaxud, pmaxud),
            P::MinS => packed!(self, es, x, y, pminsb, pminsw, pminsd, pminsd),
            P::MaxS => packed!(self, es, x, y, pmaxsb, pmaxsw, pmaxsd, pmaxsd),
        }
    }

    /// Flip the sign bit of every `es`-byte lane of xmm x and xmm y (rax = constant table).
    pub(super) fn flip_signs(&mut self, es: u8, x: u8, y: u8) {
        let k = match es {
            1 => K_SIGN8,
            2 => K_SIGN16,
            4 => K_SIGN32,
            _ => K_SIGN64,
        } * 16;
        dynasm!(self.a ; .arch x64 ; pxor Rx(x), [rax + k] ; pxor Rx(y), [rax + k]);
    }

    // ------------------------------------------------------------------ VBin

    fn v_bin(&mut self, i: usize, op: VBinOp, es: u8, a: Val, b: Val) -> Result<bool, CompileError> {
        use VBinOp::*;
        // (Supported: `vbin_native`.)
        let p = match op {
            Add | AddP => Some(P::Add),
            Sub => Some(P::Sub),
            Mul => Some(P::Mul),
            CmEq | CmTst => Some(P::CmpEq),
            CmGt | CmGe | CmHi => Some(P::CmpGt),
            CmHs if es < 8 && self.p_avail(P::MaxU, es) => Some(P::MaxU),
            CmHs => Some(P::CmpGt),
            UMin | UMinP => Some(P::MinU),
            UMax | UMaxP => Some(P::MaxU),
            SMin | SMinP => Some(P::MinS),
            SMax | SMaxP => Some(P::MaxS),
            _ => None,
        };
        self.vloads(i, &[(0, a), (1, b)]);
        let r = match op {
            And => {
                dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1);
                0
            }
            Or => {
                dynasm!(self.a ; .arch x64 ; por xmm0, xmm1);
                0
            }
            Xor => {
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
                0
            }
            Bic => {
                dynasm!(self.a ; .arch x64 ; pandn xmm1, xmm0);
                1
            }
            Orn => {
                self.ones(2);
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm2 ; por xmm0, xmm1);
                0
            }
            Mul if es == 8 => return self.v_bin_arith(i, op, es),
            Add | Sub | Mul | CmEq | CmGt | UMin | UMax | SMin | SMax => {
                self.p_emit(p.unwrap(), es, 0, 1);
                0
            }
            CmGe => {
                // !(b > a)
                self.p_emit(P::CmpGt, es, 1, 0);
                self.ones(2);
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm2);
                1
            }
            CmHi => {
                self.kbase();
                self.flip_signs(es, 0, 1);
                self.p_emit(P::CmpGt, es, 0, 1);
                0
            }
            CmHs => {
                if p == Some(P::MaxU) {
                    // a >= b  <=>  max(a, b) == a
                    dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                    self.p_emit(P::MaxU, es, 2, 1);
                    self.p_emit(P::CmpEq, es, 0, 2);
                    0
                } else {
                    self.kbase();
                    self.flip_signs(es, 0, 1);
                    self.p_emit(P::CmpGt, es, 1, 0);
                    self.ones(2);
                    dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm2);
                    1
                }
            }
            CmTst => {
                dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1 ; pxor xmm1, xmm1);
                self.p_emit(P::CmpEq, es, 0, 1);
                self.ones(2);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                0
            }
            AddP if es == 2 => {
                dynasm!(self.a ; .arch x64 ; phaddw xmm0, xmm1);
                0
            }
            AddP if es == 4 => {
                dynasm!(self.a ; .arch x64 ; phaddd xmm0, xmm1);
                0
            }
            AddP | UMinP | UMaxP | SMinP | SMaxP => {
                // evens(b:a) OP odds(b:a): each register's pairs are combined in place in
                // 2*es lanes, then the two halves are packed.
                let p = p.unwrap_or(P::Add);
                match es {
                    1 => {
                        // Low byte of each word: even OP odd (high bytes stay 0); pack words.
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; psrlw xmm2, 8 ; pand xmm0, [rax + K_LOBYTE16 * 16]);
                        self.p_emit(p, 1, 0, 2);
                        if a == b {
                            dynasm!(self.a ; .arch x64 ; packuswb xmm0, xmm0);
                        } else {
                            dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm1 ; psrlw xmm3, 8 ; pand xmm1, [rax + K_LOBYTE16 * 16]);
                            self.p_emit(p, 1, 1, 3);
                            dynasm!(self.a ; .arch x64 ; packuswb xmm0, xmm1);
                        }
                    }
                    2 => {
                        // Low word of each dword: even OP odd; sign-extend it and pack exactly.
                        dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; psrld xmm2, 16);
                        self.p_emit(p, 2, 0, 2);
                        dynasm!(self.a ; .arch x64 ; pslld xmm0, 16 ; psrad xmm0, 16);
                        if a == b {
                            dynasm!(self.a ; .arch x64 ; packssdw xmm0, xmm0);
                        } else {
                            dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm1 ; psrld xmm3, 16);
                            self.p_emit(p, 2, 1, 3);
                            dynasm!(self.a ; .arch x64 ; pslld xmm1, 16 ; psrad xmm1, 16 ; packssdw xmm0, xmm1);
                        }
                    }
                    4 => {
                        dynasm!(self.a ; .arch x64
                            ; movdqa xmm2, xmm0
                            ; shufps xmm0, xmm1, 0x88u8 as i8
                            ; shufps xmm2, xmm1, 0xddu8 as i8
                        );
                        self.p_emit(p, 4, 0, 2);
                    }
                    _ => {
                        dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; punpcklqdq xmm0, xmm1 ; punpckhqdq xmm2, xmm1);
                        self.p_emit(p, 8, 0, 2);
                    }
                }
                0
            }
            Zip1 => {
                packed!(self, es, 0, 1, punpcklbw, punpcklwd, punpckldq, punpcklqdq);
                0
            }
            Zip2 => {
                packed!(self, es, 0, 1, punpckhbw, punpckhwd, punpckhdq, punpckhqdq);
                0
            }
            Uzp1 | Uzp2 => {
                let odd = op == Uzp2;
                match (es, odd) {
                    (1, false) => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64
                            ; pand xmm0, [rax + K_LOBYTE16 * 16]
                            ; pand xmm1, [rax + K_LOBYTE16 * 16]
                            ; packuswb xmm0, xmm1
                        );
                    }
                    (1, true) => dynasm!(self.a ; .arch x64 ; psrlw xmm0, 8 ; psrlw xmm1, 8 ; packuswb xmm0, xmm1),
                    (2, false) => dynasm!(self.a ; .arch x64
                        ; pslld xmm0, 16 ; psrad xmm0, 16 ; pslld xmm1, 16 ; psrad xmm1, 16 ; packssdw xmm0, xmm1
                    ),
                    (2, true) => dynasm!(self.a ; .arch x64 ; psrad xmm0, 16 ; psrad xmm1, 16 ; packssdw xmm0, xmm1),
                    (4, false) => dynasm!(self.a ; .arch x64 ; shufps xmm0, xmm1, 0x88u8 as i8),
                    (4, true) => dynasm!(self.a ; .arch x64 ; shufps xmm0, xmm1, 0xddu8 as i8),
                    (_, false) => dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm1),
                    (_, true) => dynasm!(self.a ; .arch x64 ; punpckhqdq xmm0, xmm1),
                }
                0
            }
            Trn1 | Trn2 => {
                let sh = 8 * es as i8;
                match (es, op == Trn1) {
                    (8, true) => dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm1),
                    (8, false) => dynasm!(self.a ; .arch x64 ; punpckhqdq xmm0, xmm1),
                    // Within 2*es lanes: Trn1 = lo(a) | lo(b) << sh, Trn2 = hi(a) >> sh | hi(b).
                    (1, true) => dynasm!(self.a ; .arch x64 ; psllw xmm0, sh ; psrlw xmm0, sh ; psllw xmm1, sh ; por xmm0, xmm1),
                    (2, true) => dynasm!(self.a ; .arch x64 ; pslld xmm0, sh ; psrld xmm0, sh ; pslld xmm1, sh ; por xmm0, xmm1),
                    (_, true) => dynasm!(self.a ; .arch x64 ; psllq xmm0, sh ; psrlq xmm0, sh ; psllq xmm1, sh ; por xmm0, xmm1),
                    (1, false) => dynasm!(self.a ; .arch x64 ; psrlw xmm0, sh ; psrlw xmm1, sh ; psllw xmm1, sh ; por xmm0, xmm1),
                    (2, false) => dynasm!(self.a ; .arch x64 ; psrld xmm0, sh ; psrld xmm1, sh ; pslld xmm1, sh ; por xmm0, xmm1),
                    (_, false) => dynasm!(self.a ; .arch x64 ; psrlq xmm0, sh ; psrlq xmm1, sh ; psllq xmm1, sh ; por xmm0, xmm1),
                }
                0
            }
            Ext(0) => 0,
            Ext(k) => {
                dynasm!(self.a ; .arch x64 ; palignr xmm1, xmm0, k as i8);
                1
            }
            Tbl => {
                // Indices >= 16 must give 0: saturating +0x70 sets bit 7 exactly for them.
                self.kbase();
                dynasm!(self.a ; .arch x64 ; paddusb xmm1, [rax + K_0X70 * 16] ; pshufb xmm0, xmm1);
                0
            }
            SShl | UShl => unreachable!("rejected above"),
            _ => return self.v_bin_arith(i, op, es),
        };
        self.vdef(i, r)
    }

    // ------------------------------------------------------------------ VUn

    fn v_un(&mut self, i: usize, op: VUnOp, es: u8, a: Val) -> Result<bool, CompileError> {
        use VUnOp::*;
        if op == ZeroHigh {
            if self.prev_in_xmm0(i, a) {
                dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0);
            } else {
                match self.al.loc[a.0 as usize] {
                    Loc::Slot(sa) => dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [rsp + sa]),
                    _ => {
                        let r = self.vsrc(a, 0);
                        dynasm!(self.a ; .arch x64 ; movq xmm0, Rx(r));
                    }
                }
            }
            return self.vdef(i, 0);
        }
        self.vloads(i, &[(0, a)]);
        let r = match op {
            Not => {
                self.ones(1);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
                0
            }
            Neg => {
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
                self.p_emit(P::Sub, es, 1, 0);
                1
            }
            Abs => {
                match es {
                    1 => dynasm!(self.a ; .arch x64 ; pabsb xmm0, xmm0),
                    2 => dynasm!(self.a ; .arch x64 ; pabsw xmm0, xmm0),
                    4 => dynasm!(self.a ; .arch x64 ; pabsd xmm0, xmm0),
                    // (x ^ s) - s with s = the sign of each 64-bit lane, spread.
                    _ => dynasm!(self.a ; .arch x64
                        ; pshufd xmm1, xmm0, 0xf5u8 as i8
                        ; psrad xmm1, 31
                        ; pxor xmm0, xmm1
                        ; psubq xmm0, xmm1
                    ),
                }
                0
            }
            Cnt | Rbit => {
                // Two nibble lookups per byte.
                let (lo_t, hi_t) = if op == Cnt { (K_POPCNT, K_POPCNT) } else { (K_REV_HI, K_REV_LO) };
                self.nibble_lookups(lo_t, hi_t);
                if op == Cnt {
                    dynasm!(self.a ; .arch x64 ; paddb xmm2, xmm3);
                } else {
                    dynasm!(self.a ; .arch x64 ; por xmm2, xmm3);
                }
                2
            }
            Rev(c) => {
                let k = K_REV + REV_SHAPES.iter().position(|&x| x == (es as usize, c as usize)).unwrap_or(0) as i32;
                self.kbase();
                dynasm!(self.a ; .arch x64 ; pshufb xmm0, [rax + k * 16]);
                0
            }
            AddV | UAddLV => {
                match es {
                    1 => dynasm!(self.a ; .arch x64
                        ; pxor xmm1, xmm1
                        ; psadbw xmm0, xmm1
                        ; pshufd xmm1, xmm0, 0x4e
                        ; paddq xmm0, xmm1
                        ; movd eax, xmm0
                    ),
                    2 => dynasm!(self.a ; .arch x64 ; phaddw xmm0, xmm0 ; phaddw xmm0, xmm0 ; phaddw xmm0, xmm0 ; movd eax, xmm0),
                    4 => dynasm!(self.a ; .arch x64 ; phaddd xmm0, xmm0 ; phaddd xmm0, xmm0 ; movd eax, xmm0),
                    _ => dynasm!(self.a ; .arch x64 ; pshufd xmm1, xmm0, 0x4e ; paddq xmm0, xmm1 ; movq rax, xmm0),
                }
                // AddV keeps `es` bits; UAddLV (esize 1 only) keeps 16.
                match (op, es) {
                    (UAddLV, _) | (_, 2) => dynasm!(self.a ; .arch x64 ; movzx eax, ax),
                    (_, 1) => dynasm!(self.a ; .arch x64 ; movzx eax, al),
                    _ => {}
                }
                dynasm!(self.a ; .arch x64 ; movq xmm0, rax);
                0
            }
            UMaxV | UMinV | SMaxV | SMinV => {
                let p = match op {
                    UMaxV => P::MaxU,
                    UMinV => P::MinU,
                    SMaxV => P::MaxS,
                    _ => P::MinS,
                };
                for sh in [8i8, 4, 2, 1] {
                    if sh < es as i8 {
                        break;
                    }
                    dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; psrldq xmm1, sh);
                    self.p_emit(p, es, 0, 1);
                }
                match es {
                    1 => dynasm!(self.a ; .arch x64 ; movd eax, xmm0 ; movzx eax, al ; movd xmm0, eax),
                    2 => dynasm!(self.a ; .arch x64 ; movd eax, xmm0 ; movzx eax, ax ; movd xmm0, eax),
                    _ => dynasm!(self.a ; .arch x64 ; movd eax, xmm0 ; movd xmm0, eax),
                }
                0
            }
            Xtn => {
                match es {
                    2 => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; pshufb xmm0, [rax + K_XTN_2 * 16]);
                    }
                    4 => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; pshufb xmm0, [rax + K_XTN_4 * 16]);
                    }
                    _ => dynasm!(self.a ; .arch x64 ; pshufd xmm0, xmm0, 0x08 ; movq xmm0, xmm0),
                }
                0
            }
            UXtl => {
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
                packed!(self, es, 0, 1, punpcklbw, punpcklwd, punpckldq, punpckldq);
                0
            }
            SXtl => {
                match es {
                    1 => dynasm!(self.a ; .arch x64 ; pmovsxbw xmm0, xmm0),
                    2 => dynasm!(self.a ; .arch x64 ; pmovsxwd xmm0, xmm0),
                    _ => dynasm!(self.a ; .arch x64 ; pmovsxdq xmm0, xmm0),
                }
                0
            }
            UAddLP | SAddLP => {
                match (op, es) {
                    (UAddLP, 1) => {
                        // unsigned bytes * signed ones, pairs summed into words (no saturation).
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; pmaddubsw xmm0, [rax + K_ONES8 * 16]);
                    }
                    (_, 1) => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; movdqa xmm1, [rax + K_ONES8 * 16] ; pmaddubsw xmm1, xmm0 ; movdqa xmm0, xmm1);
                    }
                    (UAddLP, 2) => dynasm!(self.a ; .arch x64
                        ; movdqa xmm1, xmm0 ; psrld xmm1, 16 ; pslld xmm0, 16 ; psrld xmm0, 16 ; paddd xmm0, xmm1
                    ),
                    (_, 2) => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; pmaddwd xmm0, [rax + K_ONES16 * 16]);
                    }
                    _ => dynasm!(self.a ; .arch x64
                        ; movdqa xmm1, xmm0 ; psrlq xmm1, 32 ; psllq xmm0, 32 ; psrlq xmm0, 32 ; paddq xmm0, xmm1
                    ),
                }
                0
            }
            Sat(_) | SatQc(_) => return self.v_un_arith(i, op, es),
            ZeroHigh | Clz | SAddLV => unreachable!("handled or rejected above"),
        };
        self.vdef(i, r)
    }

    // ------------------------------------------------------------------ VImm

    fn v_imm(&mut self, i: usize, op: VImmOp, es: u8, imm: u32, a: Val) -> Result<bool, CompileError> {
        let bits = es as u32 * 8;
        if matches!(op, VImmOp::Shl | VImmOp::UShr) && imm >= bits {
            dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm0);
            return self.vdef(i, 0);
        }
        self.vloads(i, &[(0, a)]);
        match op {
            VImmOp::Shl => {
                let n = imm as i8;
                match es {
                    1 => {
                        dynasm!(self.a ; .arch x64 ; psllw xmm0, n);
                        self.bcast32(1, ((0xffu32 << imm) & 0xff) * 0x0101_0101);
                        dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1);
                    }
                    2 => dynasm!(self.a ; .arch x64 ; psllw xmm0, n),
                    4 => dynasm!(self.a ; .arch x64 ; pslld xmm0, n),
                    _ => dynasm!(self.a ; .arch x64 ; psllq xmm0, n),
                }
            }
            VImmOp::UShr => {
                let n = imm as i8;
                match es {
                    1 => {
                        dynasm!(self.a ; .arch x64 ; psrlw xmm0, n);
                        self.bcast32(1, (0xffu32 >> imm) * 0x0101_0101);
                        dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1);
                    }
                    2 => dynasm!(self.a ; .arch x64 ; psrlw xmm0, n),
                    4 => dynasm!(self.a ; .arch x64 ; psrld xmm0, n),
                    _ => dynasm!(self.a ; .arch x64 ; psrlq xmm0, n),
                }
            }
            VImmOp::SShr => {
                let n = imm.min(bits - 1) as i8;
                match es {
                    1 => {
                        // High bytes: a word shift; low bytes: moved up first.
                        self.kbase();
                        dynasm!(self.a ; .arch x64
                            ; movdqa xmm1, xmm0
                            ; psraw xmm1, n
                            ; psllw xmm0, 8
                            ; psraw xmm0, n + 8
                            ; movdqa xmm2, [rax + K_LOBYTE16 * 16]
                            ; pand xmm0, xmm2
                            ; pandn xmm2, xmm1
                            ; por xmm0, xmm2
                        );
                    }
                    2 => dynasm!(self.a ; .arch x64 ; psraw xmm0, n),
                    4 => dynasm!(self.a ; .arch x64 ; psrad xmm0, n),
                    _ => {
                        // ((x >>> n) ^ m) - m with m = the shifted sign bit.
                        let m = (1u64 << (63 - n as u32)) as i64;
                        dynasm!(self.a ; .arch x64
                            ; psrlq xmm0, n
                            ; mov rax, QWORD m
                            ; movq xmm1, rax
                            ; punpcklqdq xmm1, xmm1
                            ; pxor xmm0, xmm1
                            ; psubq xmm0, xmm1
                        );
                    }
                }
            }
            VImmOp::Shrn => {
                let n = imm as i8;
                match es {
                    2 => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; psrlw xmm0, n ; pshufb xmm0, [rax + K_XTN_2 * 16]);
                    }
                    4 => {
                        self.kbase();
                        dynasm!(self.a ; .arch x64 ; psrld xmm0, n ; pshufb xmm0, [rax + K_XTN_4 * 16]);
                    }
                    _ => dynasm!(self.a ; .arch x64 ; psrlq xmm0, n ; pshufd xmm0, xmm0, 0x08 ; movq xmm0, xmm0),
                }
            }
            _ => return self.v_imm_arith(i, op, es, imm),
        }
        self.vdef(i, 0)
    }

    // ------------------------------------------------------------------ lanes

    fn v_ins(&mut self, i: usize, es: u8, lane: u8, a: Val, v: Val) -> Result<bool, CompileError> {
        self.vloads(i, &[(0, a)]);
        let l = lane as i8;
        let o = match self.opnd(v) {
            Opnd::I(k) => {
                self.mov_to(RAX, Opnd::I(k));
                Opnd::R(RAX)
            }
            o => o,
        };
        match (o, es) {
            (Opnd::R(r), 1) => dynasm!(self.a ; .arch x64 ; pinsrb xmm0, Rd(r), l),
            (Opnd::R(r), 2) => dynasm!(self.a ; .arch x64 ; pinsrw xmm0, Rd(r), l),
            (Opnd::R(r), 4) => dynasm!(self.a ; .arch x64 ; pinsrd xmm0, Rd(r), l),
            (Opnd::R(r), _) => dynasm!(self.a ; .arch x64 ; pinsrq xmm0, Rq(r), l),
            (Opnd::M(m), 1) => dynasm!(self.a ; .arch x64 ; pinsrb xmm0, BYTE [rsp + m], l),
            (Opnd::M(m), 2) => dynasm!(self.a ; .arch x64 ; pinsrw xmm0, WORD [rsp + m], l),
            (Opnd::M(m), 4) => dynasm!(self.a ; .arch x64 ; pinsrd xmm0, DWORD [rsp + m], l),
            (Opnd::M(m), _) => dynasm!(self.a ; .arch x64 ; pinsrq xmm0, QWORD [rsp + m], l),
            (Opnd::I(_), _) => unreachable!("constant moved to rax"),
        }
        self.vdef(i, 0)
    }

    fn v_ext(&mut self, i: usize, es: u8, lane: u8, a: Val) -> Result<bool, CompileError> {
        let sse41 = self.env.simd.sse41;
        let in_reg = matches!(self.al.loc[a.0 as usize], Loc::Xmm(_) | Loc::Transient)
            && !matches!(self.b.insts[a.0 as usize].op, Op::Const { .. });
        if in_reg && (es == 2 || lane == 0 || sse41) {
            // Straight from the register.
            let fwd = self.prev_in_xmm0(i, a);
            let x = if fwd { 0 } else { self.vsrc(a, 0) };
            let d = self.def_reg(i)?;
            let l = lane as i8;
            match (es, lane) {
                (4, 0) => dynasm!(self.a ; .arch x64 ; movd Rd(d), Rx(x)),
                (8, 0) => dynasm!(self.a ; .arch x64 ; movq Rq(d), Rx(x)),
                (1, 0) => dynasm!(self.a ; .arch x64 ; movd Rd(d), Rx(x) ; movzx Rd(d), Rb(d)),
                (1, _) => dynasm!(self.a ; .arch x64 ; pextrb Rd(d), Rx(x), l),
                (2, _) => dynasm!(self.a ; .arch x64 ; pextrw Rd(d), Rx(x), l),
                (4, _) => dynasm!(self.a ; .arch x64 ; pextrd Rd(d), Rx(x), l),
                _ => dynasm!(self.a ; .arch x64 ; pextrq Rq(d), Rx(x), l),
            }
            return Ok(true);
        }
        let s = self.vmem(a);
        let o = s + lane as i32 * es as i32;
        let d = self.def_reg(i)?;
        match es {
            1 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [rsp + o]),
            2 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [rsp + o]),
            4 => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [rsp + o]),
            _ => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [rsp + o]),
        }
        Ok(true)
    }

    fn v_dup(&mut self, i: usize, es: u8, v: Val) -> Result<bool, CompileError> {
        self.xload(0, v, true);
        match es {
            1 => dynasm!(self.a ; .arch x64 ; punpcklbw xmm0, xmm0 ; pshuflw xmm0, xmm0, 0 ; punpcklqdq xmm0, xmm0),
            2 => dynasm!(self.a ; .arch x64 ; pshuflw xmm0, xmm0, 0 ; punpcklqdq xmm0, xmm0),
            4 => dynasm!(self.a ; .arch x64 ; pshufd xmm0, xmm0, 0),
            _ => dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm0),
        }
        self.vdef(i, 0)
    }

    /// Ext to or from I128.
    fn v_ext_ty(&mut self, i: usize, a: Val, from: Ty, to: Ty, signed: bool) -> Result<bool, CompileError> {
        if from == Ty::I128 && to == Ty::I128 {
            self.vloads(i, &[(0, a)]);
            return self.vdef(i, 0);
        }
        if from == Ty::I128 {
            // Truncation to a scalar.
            let fwd = self.prev_in_xmm0(i, a);
            let loc = self.al.loc[a.0 as usize];
            let d = self.def_reg(i)?;
            match loc {
                _ if fwd => dynasm!(self.a ; .arch x64 ; movq Rq(d), xmm0),
                Loc::Slot(s) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [rsp + s]),
                _ => {
                    let r = self.vsrc(a, 0);
                    dynasm!(self.a ; .arch x64 ; movq Rq(d), Rx(r));
                }
            }
            self.truncate(d, to);
            return Ok(true);
        }
        // Widening a scalar: through xmm, so the 16-byte slot is written by one store.
        if !signed && self.b.ty_of(a) <= from {
            // Already zero-extended (as every value is held).
            self.xload(0, a, true);
            return self.vdef(i, 0);
        }
        let o = self.opnd(a);
        self.mov_to(RAX, o);
        if signed {
            self.sext_in_place(RAX, from);
            dynasm!(self.a ; .arch x64 ; movq xmm0, rax ; sar rax, 63 ; movq xmm1, rax ; punpcklqdq xmm0, xmm1);
        } else {
            self.truncate(RAX, from);
            dynasm!(self.a ; .arch x64 ; movq xmm0, rax);
        }
        self.vdef(i, 0)
    }

    fn v_select(&mut self, i: usize, c: Val, a: Val, b: Val) -> Result<bool, CompileError> {
        // xmm2 = c == 0 ? all ones : 0 (cmp al, 1 borrows exactly when al is 0)
        let o = self.opnd(c);
        self.mov_to(RAX, o);
        dynasm!(self.a ; .arch x64
            ; cmp al, 1
            ; sbb rax, rax
            ; movq xmm2, rax
            ; punpcklqdq xmm2, xmm2
        );
        self.vloads(i, &[(0, a), (1, b)]);
        dynasm!(self.a ; .arch x64 ; pand xmm1, xmm2 ; pandn xmm2, xmm0 ; por xmm1, xmm2);
        self.vdef(i, 1)
    }
}
