//! Arm NZCV on x86 flags: flag-setting arithmetic, packing the flags into NZCV values,
//! conditions (fused with the op that set the flags when possible) and integer compares.

use super::*;

/// How a fused Arm condition is decided from x86 flags.
#[derive(Clone, Copy, Debug)]
pub(super) enum CondEval {
    X86(Cc),
    Always(bool),
}

/// Which flag-setting op defines an NZCV value, for fusing conditions with it.
#[derive(Clone, Copy, Debug)]
pub(super) enum FlagSrc {
    /// `cmp a, b` (SubNzcv with carry-in 1).
    Sub(Val, Val, Ty),
    /// `a + b` (AddNzcv with carry-in 0).
    Add(Val, Val, Ty),
    /// `test a, a`.
    Logic(Val, Ty),
}

/// What sets the x86 flags for a branch fused with its condition.
#[derive(Clone, Copy, Debug)]
pub(super) enum FusedCond {
    /// The flags of an Arm flag-setting op.
    Flags(FlagSrc),
    /// An IR integer comparison: `cmp a, b` at `ty` (signed narrow compares sign-extend).
    Cmp(Val, Val, Ty, bool),
}

pub(super) fn arm_cond(src: &FlagSrc, cond: u8) -> Option<CondEval> {
    use CondEval::*;
    use Cc::*;
    let common = |c: u8| -> Option<CondEval> {
        Some(match c {
            0 => X86(E),
            1 => X86(Ne),
            4 => X86(S),
            5 => X86(Ns),
            6 => X86(O),
            7 => X86(No),
            10 => X86(Ge),
            11 => X86(L),
            12 => X86(G),
            13 => X86(Le),
            14 | 15 => Always(true),
            _ => return None,
        })
    };
    match src {
        FlagSrc::Sub(..) => match cond {
            2 => Some(X86(Ae)),
            3 => Some(X86(B)),
            8 => Some(X86(A)),
            9 => Some(X86(Be)),
            c => common(c),
        },
        FlagSrc::Add(..) => match cond {
            2 => Some(X86(B)),
            3 => Some(X86(Ae)),
            8 | 9 => None,
            c => common(c),
        },
        FlagSrc::Logic(..) => match cond {
            2 | 8 => Some(Always(false)),
            3 | 9 => Some(Always(true)),
            6 => Some(Always(false)),
            7 => Some(Always(true)),
            c => common(c),
        },
    }
}

pub(super) fn cc_of(cc: CmpCc) -> Cc {
    match cc {
        CmpCc::Eq => Cc::E,
        CmpCc::Ne => Cc::Ne,
        CmpCc::Ult => Cc::B,
        CmpCc::Ule => Cc::Be,
        CmpCc::Ugt => Cc::A,
        CmpCc::Uge => Cc::Ae,
        CmpCc::Slt => Cc::L,
        CmpCc::Sle => Cc::Le,
        CmpCc::Sgt => Cc::G,
        CmpCc::Sge => Cc::Ge,
    }
}

impl Cg<'_> {
    /// Set x86 flags from `a - b` / `a + b` (with an optional Arm carry-in).
    pub(super) fn arith_flags(&mut self, a: Val, b: Val, cin: Option<Val>, ty: Ty, sub: bool) {
        let w = ty == Ty::I64;
        let cin_const = cin.map(|c| self.opnd(c));
        let bo = match self.opnd(b) {
            Opnd::I(x) if w && !fits_i32(x) => {
                self.mov_to(RDX, Opnd::I(x));
                Opnd::R(RDX)
            }
            o => o,
        };
        let plain = matches!((sub, cin_const), (true, Some(Opnd::I(1))) | (false, Some(Opnd::I(0))) | (_, None));
        let ao = self.opnd(a);
        self.mov_to(RAX, ao);
        if plain {
            if sub {
                alu!(self, cmp, RAX, bo, w);
            } else {
                alu!(self, add, RAX, bo, w);
            }
            return;
        }
        // Carry-in from a value: x86 CF = cin for ADC, CF = !cin for SBB.
        let c = self.in_reg(cin.unwrap(), RCX);
        dynasm!(self.a ; .arch x64 ; cmp Rb(c), 1);
        // Now CF = (cin < 1) = !cin.
        if sub {
            alu!(self, sbb, RAX, bo, w);
        } else {
            dynasm!(self.a ; .arch x64 ; cmc);
            alu!(self, adc, RAX, bo, w);
        }
    }

    /// Pack the x86 flags of the last arithmetic into Arm NZCV (bits 31..28) as value `i`.
    /// `invert_c`: the op was a subtraction, whose Arm C is x86's !CF.
    pub(super) fn pack_nzcv(&mut self, i: usize, invert_c: bool) -> Result<(), CompileError> {
        // lahf: AH = SF ZF - AF - PF - CF; seto al. pext with 0xC101 then gives N Z C V in bits 3..0.
        dynasm!(self.a ; .arch x64 ; lahf ; seto al ; mov ecx, 0xC101 ; pext eax, eax, ecx);
        if invert_c {
            dynasm!(self.a ; .arch x64 ; xor eax, 2);
        }
        let d = self.def_reg(i)?;
        dynasm!(self.a ; .arch x64 ; shl eax, 28 ; mov Rd(d), eax);
        Ok(())
    }

    /// Recompute the x86 flags of a fusable flag source.
    pub(super) fn flags_of(&mut self, src: FlagSrc) {
        match src {
            FlagSrc::Sub(a, b, ty) => self.arith_flags(a, b, None, ty, true),
            FlagSrc::Add(a, b, ty) => self.arith_flags(a, b, None, ty, false),
            FlagSrc::Logic(a, ty) => {
                let r = self.in_reg(a, RAX);
                if ty == Ty::I64 {
                    dynasm!(self.a ; .arch x64 ; test Rq(r), Rq(r));
                } else {
                    dynasm!(self.a ; .arch x64 ; test Rd(r), Rd(r));
                }
            }
        }
    }

    pub(super) fn cond_holds(&mut self, i: usize, nzcv: Val, cond: u8) -> Result<(), CompileError> {
        if let Some(src) = self.flag_src[nzcv.0 as usize] {
            if let Some(ev) = arm_cond(&src, cond) {
                match ev {
                    CondEval::Always(t) => {
                        self.al.loc[i] = Loc::Imm(t as u64);
                    }
                    CondEval::X86(cc) => {
                        self.flags_of(src);
                        let d = self.def_reg(i)?;
                        self.setcc(cc, d);
                        dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rb(d));
                    }
                }
                return Ok(());
            }
        }
        // Generic: look the condition up in a 16x16 table by the NZCV nibble.
        let o = self.opnd(nzcv);
        self.mov_to(RAX, o);
        let table = runtime::cond_table_addr() as i64 + 16 * cond as i64;
        let d = self.def_reg(i)?;
        dynasm!(self.a ; .arch x64 ; shr eax, 28 ; mov rcx, QWORD table ; movzx Rd(d), BYTE [rcx + rax]);
        Ok(())
    }

    pub(super) fn compare(&mut self, a: Val, b: Val, ty: Ty, signed: bool) {
        if signed && matches!(ty, Ty::I8 | Ty::I16) {
            let ao = self.opnd(a);
            self.mov_to(RAX, ao);
            let bo = self.opnd(b);
            self.mov_to(RCX, bo);
            if ty == Ty::I8 {
                dynasm!(self.a ; .arch x64 ; movsx eax, al ; movsx ecx, cl ; cmp eax, ecx);
            } else {
                dynasm!(self.a ; .arch x64 ; movsx eax, ax ; movsx ecx, cx ; cmp eax, ecx);
            }
            return;
        }
        let w = ty == Ty::I64;
        let ar = self.in_reg(a, RAX);
        let bo = self.opnd(b);
        alu!(self, cmp, ar, bo, w);
    }
}
