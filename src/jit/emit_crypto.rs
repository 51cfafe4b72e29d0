//! Native x86-64 code for the cryptographic-extension helpers of interp/crypto.rs: AES-NI for
//! AESE/AESD/AESMC/AESIMC, SHA-NI for SHA1C/P/M, SHA1SU1 and the SHA-256 ops, PCLMULQDQ for
//! PMULL (1Q). The sequences are those of `interp::crypto::x86` (see there for how the Arm and
//! x86 register layouts are bridged); the interpreter runs those same functions, so the
//! crosscheck backend compares like with like. Ops the host cannot do go to the fallback.
//!
//! Operands come from wherever the allocator keeps I128 values (xmm6..xmm15, slots, or xmm0
//! for the previous instruction's result); xmm0..xmm5 are scratch. The result is defined
//! like emit_vec's results (`vdef`).
//!
//! AESE followed directly by AESMC of its result (AESD by AESIMC), the pair every AES round
//! is written as, becomes one aesenc (aesdec) with a zero key: x86's round does ShiftRows,
//! SubBytes and MixColumns in one instruction. Both values are produced when the first
//! instruction is emitted (the AESE value only if something else reads it); the second
//! instruction then finds its result already defined and emits nothing. Likewise SHA256H and
//! the SHA256H2 that follows it on the same state and words: both halves of the new state
//! come out of one pair of sha256rnds2.

use super::emit::{Cg, CompileError};
use super::regs::Loc;
use crate::interp::crypto::{self as c, HostCrypto};
use crate::ir::*;
use dynasmrt::{dynasm, DynasmApi};

/// The native forms.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Aese,
    Aesd,
    Aesmc,
    Aesimc,
    /// sha1rnds4 function immediate and the round constant it adds.
    Sha1(i8, u32),
    Sha1su1,
    Sha256h,
    Sha256h2,
    Sha256su0,
    Sha256su1,
    /// pclmulqdq immediate.
    Pmull(i8),
}

/// The native form of helper `h`, if the host can run it.
fn kind_of(h: &'static HelperFn, host: HostCrypto) -> Option<Kind> {
    let is = |x: &'static HelperFn| std::ptr::eq(h, x);
    let (k, ok) = if is(&c::AESE) {
        (Kind::Aese, host.aes)
    } else if is(&c::AESD) {
        (Kind::Aesd, host.aes)
    } else if is(&c::AESMC) {
        (Kind::Aesmc, host.aes)
    } else if is(&c::AESIMC) {
        (Kind::Aesimc, host.aes)
    } else if is(&c::SHA1C) {
        (Kind::Sha1(0, 0x5a82_7999), host.sha)
    } else if is(&c::SHA1P) {
        (Kind::Sha1(1, 0x6ed9_eba1), host.sha)
    } else if is(&c::SHA1M) {
        (Kind::Sha1(2, 0x8f1b_bcdc), host.sha)
    } else if is(&c::SHA1SU1) {
        (Kind::Sha1su1, host.sha)
    } else if is(&c::SHA256H) {
        (Kind::Sha256h, host.sha)
    } else if is(&c::SHA256H2) {
        (Kind::Sha256h2, host.sha)
    } else if is(&c::SHA256SU0) {
        (Kind::Sha256su0, host.sha)
    } else if is(&c::SHA256SU1) {
        (Kind::Sha256su1, host.sha)
    } else if is(&c::PMULL64_LO) {
        (Kind::Pmull(0x00), host.pclmul)
    } else if is(&c::PMULL64_HI) {
        (Kind::Pmull(0x11), host.pclmul)
    } else {
        return None;
    };
    ok.then_some(k)
}

impl Cg<'_> {
    /// Emit a crypto helper call (instruction `i`) inline; false leaves it to the fallback.
    pub(super) fn emit_crypto(&mut self, i: usize, op: &Op) -> Result<bool, CompileError> {
        let Op::Helper { a0, a1, a2, id, ty: Ty::I128 } = *op else { return Ok(false) };
        let Some(kind) = kind_of(id.0, c::host()) else { return Ok(false) };
        if matches!(kind, Kind::Aesmc | Kind::Aesimc | Kind::Sha256h2) && self.al.loc[i] != Loc::None {
            return Ok(true); // produced together with an earlier instruction (see `round_pair`)
        }
        // Every operand an I128 value in an xmm register, a slot, or xmm0 (as emit_vec takes
        // them); anything else is left to the fallback.
        for v in [a0, a1, a2] {
            if self.b.ty_of(v) != Ty::I128
                || !matches!(self.al.loc[v.0 as usize], Loc::Xmm(_) | Loc::Slot(_) | Loc::Transient)
            {
                return Ok(false);
            }
        }
        // Operands into xmm1..xmm3 before anything writes xmm0 (which may hold one of them);
        // xmm0, xmm4 and xmm5 are free for the sequences.
        self.vload(1, a0);
        self.vload(2, a1);
        self.vload(3, a2);
        if let Some(j) = self.round_pair(i, kind) {
            return self.emit_pair(i, j, kind).map(|_| true);
        }
        match kind {
            Kind::Aese | Kind::Aesd => {
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm2 ; pxor xmm4, xmm4);
                if kind == Kind::Aese {
                    dynasm!(self.a ; .arch x64 ; aesenclast xmm1, xmm4);
                } else {
                    dynasm!(self.a ; .arch x64 ; aesdeclast xmm1, xmm4);
                }
            }
            // MixColumns alone: aesdeclast undoes ShiftRows+SubBytes, aesenc redoes them with
            // MixColumns (zero keys).
            Kind::Aesmc => dynasm!(self.a ; .arch x64
                ; pxor xmm4, xmm4
                ; aesdeclast xmm1, xmm4
                ; aesenc xmm1, xmm4
            ),
            Kind::Aesimc => dynasm!(self.a ; .arch x64 ; aesimc xmm1, xmm1),
            // Lanes reversed (a on top), K taken off the words (sha1rnds4 adds it), e added
            // to the first word.
            Kind::Sha1(imm, k) => dynasm!(self.a ; .arch x64
                ; pshufd xmm1, xmm1, 0x1b
                ; pshufd xmm3, xmm3, 0x1b
                ; mov eax, k as i32
                ; movd xmm4, eax
                ; pshufd xmm4, xmm4, 0
                ; psubd xmm3, xmm4
                ; pslldq xmm2, 12
                ; paddd xmm3, xmm2
                ; sha1rnds4 xmm1, xmm3, imm
                ; pshufd xmm1, xmm1, 0x1b
            ),
            Kind::Sha1su1 => dynasm!(self.a ; .arch x64
                ; pshufd xmm1, xmm1, 0x1b
                ; pshufd xmm2, xmm2, 0x1b
                ; sha1msg2 xmm1, xmm2
                ; pshufd xmm1, xmm1, 0x1b
            ),
            Kind::Sha256h => {
                self.sha256_rounds(false);
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm4 ; shufps xmm1, xmm5, 0xbbu8 as i8);
            }
            Kind::Sha256h2 => {
                self.sha256_rounds(true);
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm4 ; shufps xmm1, xmm5, 0x11);
            }
            Kind::Sha256su0 => dynasm!(self.a ; .arch x64 ; sha256msg1 xmm1, xmm2),
            // sha256msg2 adds only the sigma1 terms: add W[t-7] (n:m one lane down) first.
            Kind::Sha256su1 => dynasm!(self.a ; .arch x64
                ; movdqa xmm4, xmm3
                ; palignr xmm4, xmm2, 4
                ; paddd xmm4, xmm1
                ; sha256msg2 xmm4, xmm3
                ; movdqa xmm1, xmm4
            ),
            Kind::Pmull(imm) => dynasm!(self.a ; .arch x64 ; pclmulqdq xmm1, xmm2, imm),
        }
        self.vdef(i, 1)
    }

    /// Four SHA-256 rounds with the words in xmm3 and abcd/efgh in xmm1/xmm2 (SHA256H) or
    /// xmm2/xmm1 (SHA256H2, `swapped`): ABEF after four rounds in xmm4, after two (= CDGH
    /// after four) in xmm5. sha256rnds2 takes its words from xmm0.
    fn sha256_rounds(&mut self, swapped: bool) {
        if swapped {
            dynasm!(self.a ; .arch x64
                ; movdqa xmm4, xmm1 ; shufps xmm4, xmm2, 0x11
                ; movdqa xmm5, xmm1 ; shufps xmm5, xmm2, 0xbbu8 as i8
            );
        } else {
            dynasm!(self.a ; .arch x64
                ; movdqa xmm4, xmm2 ; shufps xmm4, xmm1, 0x11
                ; movdqa xmm5, xmm2 ; shufps xmm5, xmm1, 0xbbu8 as i8
            );
        }
        dynasm!(self.a ; .arch x64
            ; movdqa xmm0, xmm3
            ; sha256rnds2 xmm5, xmm4
            ; pshufd xmm0, xmm0, 0x0e
            ; sha256rnds2 xmm4, xmm5
        );
    }

    /// The partner instruction `j > i` whose result instruction `i` computes as well:
    /// for an AESE (AESD), an AESMC (AESIMC) of its result that follows with nothing but
    /// instruction markers in between; for SHA256H on (abcd, efgh, w), a SHA256H2 on
    /// (efgh, abcd, w) among the next few instructions. The operands are the same SSA values,
    /// so they hold the same data at `i`.
    fn round_pair(&self, i: usize, kind: Kind) -> Option<usize> {
        let insts = &self.b.insts;
        let Op::Helper { a0: d, a1: n, a2: m, .. } = insts[i].op else { return None };
        let is = |j: usize, want: &'static HelperFn, args: [Val; 3]| {
            matches!(insts[j].op, Op::Helper { a0, a1, a2, id, ty: Ty::I128 }
                if std::ptr::eq(id.0, want) && [a0, a1, a2] == args)
        };
        match kind {
            Kind::Aese | Kind::Aesd => {
                let want: &'static HelperFn = if kind == Kind::Aese { &c::AESMC } else { &c::AESIMC };
                let j = (i + 1..insts.len()).find(|&j| !matches!(insts[j].op, Op::InsnStart { .. }))?;
                let r = Val(i as u32);
                is(j, want, [r, r, r]).then_some(j)
            }
            Kind::Sha256h => (i + 1..insts.len().min(i + 8)).find(|&j| is(j, &c::SHA256H2, [n, d, m])),
            _ => None,
        }
    }

    /// Instruction `i` and its partner `j` (`round_pair`), operands in xmm1..xmm3. The
    /// partner's result goes to a slot now (it must survive until `j`); `i`'s result is
    /// defined as usual, or (an AESE/AESD read only by its partner) not computed at all.
    fn emit_pair(&mut self, i: usize, j: usize, kind: Kind) -> Result<(), CompileError> {
        match kind {
            // The pair is aesenc (aesdec) of d ^ n with a zero key.
            Kind::Aese | Kind::Aesd => {
                dynasm!(self.a ; .arch x64
                    ; pxor xmm1, xmm2
                    ; pxor xmm4, xmm4
                    ; movdqa xmm3, xmm1
                );
                if kind == Kind::Aese {
                    dynasm!(self.a ; .arch x64 ; aesenc xmm3, xmm4 ; aesenclast xmm1, xmm4);
                } else {
                    dynasm!(self.a ; .arch x64 ; aesdec xmm3, xmm4 ; aesdeclast xmm1, xmm4);
                }
            }
            // Both halves of the new state from one pair of sha256rnds2.
            _ => {
                self.sha256_rounds(false);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm4 ; shufps xmm1, xmm5, 0xbbu8 as i8
                    ; movdqa xmm3, xmm4 ; shufps xmm3, xmm5, 0x11
                );
            }
        }
        let r = self.def_slot(j)?;
        dynasm!(self.a ; .arch x64 ; movdqa [rsp + r], xmm3);
        if self.al.last_use[i] == j as u32 && kind != Kind::Sha256h {
            self.def_slot(i)?; // never read: `j` is already done
            return Ok(());
        }
        self.vdef(i, 1).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_fpvec::{check, Rng};
    use crate::interp::crypto as c;
    use crate::ir::*;

    fn run(name: &str, h: &'static HelperFn, nargs: usize) {
        let mut r = Rng::new(0xc0ffee ^ nargs as u64);
        let mut v = || (r.next() as u128) << 64 | r.next() as u128;
        let mut inputs: Vec<Vec<u128>> = vec![vec![0; nargs], vec![u128::MAX; nargs]];
        for _ in 0..64 {
            inputs.push((0..nargs).map(|_| v()).collect());
        }
        let args = vec![Ty::I128; nargs];
        let mk = move |vs: &[Val]| {
            let a = [vs[0], vs[1.min(nargs - 1)], vs[2.min(nargs - 1)]];
            Op::Helper { a0: a[0], a1: a[1], a2: a[2], id: HelperId(h), ty: Ty::I128 }
        };
        check(name, &args, Ty::I128, &mk, &inputs);
    }

    /// Each helper on the JIT (native when the host allows) against the interpreter.
    #[test]
    fn crypto_helpers_jit_vs_interp() {
        eprintln!("host crypto: {:?}", c::host());
        run("aese", &c::AESE, 2);
        run("aesd", &c::AESD, 2);
        run("aesmc", &c::AESMC, 1);
        run("aesimc", &c::AESIMC, 1);
        run("sha1c", &c::SHA1C, 3);
        run("sha1p", &c::SHA1P, 3);
        run("sha1m", &c::SHA1M, 3);
        run("sha1su1", &c::SHA1SU1, 2);
        run("sha256h", &c::SHA256H, 3);
        run("sha256h2", &c::SHA256H2, 3);
        run("sha256su0", &c::SHA256SU0, 2);
        run("sha256su1", &c::SHA256SU1, 3);
        run("pmull64", &c::PMULL64_LO, 2);
        run("pmull64_hi", &c::PMULL64_HI, 2);
        run("pmull8", &c::PMULL8, 2);
    }

    /// The interpreter's side of the comparison above uses the host instructions too when
    /// the machine has them; check the JIT against the portable semantics as well.
    #[test]
    fn crypto_native_vs_portable() {
        use crate::guest::{exit_flag_offset, CpuState};
        let p = c::portable::aese;
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000, 4);
        let (x, y) = (b.get(Ty::I128, 16), b.get(Ty::I128, 32));
        // AESE+AESMC as a pair whose first value has no other reader, AESD+AESIMC across an
        // instruction marker with the first value also stored.
        let r = b.helper(&c::AESE, Ty::I128, &[x, y]);
        let r = b.helper(&c::AESMC, Ty::I128, &[r]);
        let w = b.get(Ty::I128, 48);
        let s = b.helper(&c::SHA256H, Ty::I128, &[x, y, w]);
        b.set(Ty::I128, 64, r);
        b.set(Ty::I128, 80, s);
        let s2 = b.helper(&c::SHA256H2, Ty::I128, &[y, x, w]);
        b.set(Ty::I128, 128, s2);
        let t = b.helper(&c::AESD, Ty::I128, &[w, x]);
        b.insn_start(0x1004, 4);
        let u = b.helper(&c::AESIMC, Ty::I128, &[t]);
        b.set(Ty::I128, 96, t);
        b.set(Ty::I128, 112, u);
        let blk = b.finish(Terminal::Jump { target: 0x2000 });
        let mut rng = Rng::new(7);
        for _ in 0..50 {
            let mut st = CpuState::new(512);
            let v: Vec<u128> = (0..3).map(|_| (rng.next() as u128) << 64 | rng.next() as u128).collect();
            for (k, &x) in v.iter().enumerate() {
                st.write_u128(16 + 16 * k, x);
            }
            // SAFETY: the block only touches the state.
            let exit = unsafe { crate::jit::run_once(&blk, st.as_mut_ptr(), 0, 0, exit_flag_offset(512)) };
            assert!(matches!(exit, crate::jit::Exit::Jump { .. }));
            assert_eq!(st.read_u128(64), c::portable::aesmc(p(v[0], v[1])));
            assert_eq!(st.read_u128(80), c::portable::sha256h(v[0], v[1], v[2]));
            assert_eq!(st.read_u128(128), c::portable::sha256h2(v[1], v[0], v[2]));
            let t = c::portable::aesd(v[2], v[0]);
            assert_eq!(st.read_u128(96), t);
            assert_eq!(st.read_u128(112), c::portable::aesimc(t));
        }
    }
}
