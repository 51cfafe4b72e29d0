//! Guest memory accesses: folded addressing modes, loads and stores, compare-and-swap and
//! atomic read-modify-write.

use super::*;

/// `base + index * scale + disp`, folded into a memory access.
#[derive(Clone, Copy, Debug)]
pub(super) struct AddrMode {
    pub(super) base: Val,
    pub(super) index: Option<(Val, u8)>,
    pub(super) disp: i32,
}

/// Find the addressing mode of each Load/Store whose address is an add used only there.
pub(super) fn fold_addresses(b: &Block, uses: &[u32]) -> (Vec<Option<AddrMode>>, Vec<bool>) {
    let n = b.insts.len();
    let mut modes = vec![None; n];
    let mut folded = vec![false; n];
    let konst = |v: Val| match b.insts[v.0 as usize].op {
        Op::Const { imm, .. } => Some(imm.get() as u64),
        _ => None,
    };
    for (j, inst) in b.insts.iter().enumerate() {
        let addr = match inst.op {
            Op::Load { addr, .. } | Op::Store { addr, .. } => addr,
            _ => continue,
        };
        if uses[addr.0 as usize] != 1 {
            continue;
        }
        let Op::Bin { op: BinOp::Add, ty: Ty::I64, a, b: off } = b.insts[addr.0 as usize].op else { continue };
        if konst(a).is_some() {
            continue;
        }
        let mode = if let Some(d) = konst(off) {
            if !fits_i32(d) {
                continue;
            }
            AddrMode { base: a, index: None, disp: d as i64 as i32 }
        } else if let (Op::Bin { op: BinOp::Shl, ty: Ty::I64, a: y, b: k }, 1) =
            (&b.insts[off.0 as usize].op, uses[off.0 as usize])
        {
            match konst(*k) {
                Some(k @ 0..=3) if konst(*y).is_none() => {
                    folded[off.0 as usize] = true;
                    AddrMode { base: a, index: Some((*y, 1 << k)), disp: 0 }
                }
                _ => AddrMode { base: a, index: Some((off, 1)), disp: 0 },
            }
        } else {
            AddrMode { base: a, index: Some((off, 1)), disp: 0 }
        };
        folded[addr.0 as usize] = true;
        modes[j] = Some(mode);
    }
    (modes, folded)
}

impl Cg<'_> {
    // ------------------------------------------------------------------ memory

    /// The host address of the access made by instruction `i` to guest address `addr`, as a
    /// register and a displacement.
    pub(super) fn host_addr(&mut self, i: usize, addr: Val) -> (u8, i32) {
        let Some(m) = self.addr_mode[i] else {
            let r = self.in_reg(addr, RDX);
            if self.env.guest_base == 0 {
                return (r, 0);
            }
            dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(r) + r15]);
            return (RDX, 0);
        };
        let rb = self.in_reg(m.base, RDX);
        let disp = m.disp;
        match m.index {
            None if self.env.guest_base == 0 => (rb, disp),
            None => {
                dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + r15 + disp]);
                (RDX, 0)
            }
            Some((x, scale)) => {
                let rx = self.in_reg(x, RCX);
                match scale {
                    1 => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) + disp]),
                    2 => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) * 2 + disp]),
                    4 => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) * 4 + disp]),
                    _ => dynasm!(self.a ; .arch x64 ; lea rdx, [Rq(rb) + Rq(rx) * 8 + disp]),
                }
                if self.env.guest_base != 0 {
                    dynasm!(self.a ; .arch x64 ; add rdx, r15);
                }
                (RDX, 0)
            }
        }
    }

    pub(super) fn pin_addr(&mut self, i: usize, addr: Val) {
        match self.addr_mode[i] {
            None => self.pin(addr),
            Some(m) => {
                self.pin(m.base);
                if let Some((x, _)) = m.index {
                    self.pin(x);
                }
            }
        }
    }

    pub(super) fn load(&mut self, i: usize, addr: Val, ty: Ty, be: bool) -> Result<(), CompileError> {
        self.pin_addr(i, addr);
        let (p, o) = self.host_addr(i, addr);
        if ty == Ty::I128 {
            dynasm!(self.a ; .arch x64 ; movdqu xmm0, [Rq(p) + o]);
            if be {
                let m = runtime::bswap128_mask_addr() as i64;
                dynasm!(self.a ; .arch x64 ; mov rax, QWORD m ; pshufb xmm0, [rax]);
            }
            self.vdef(i, 0)?;
            return Ok(());
        }
        let d = self.def_reg(i)?;
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [Rq(p) + o]),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [Rq(p) + o]),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [Rq(p) + o]),
            _ => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [Rq(p) + o]),
        }
        if be {
            match ty {
                Ty::I16 => dynasm!(self.a ; .arch x64 ; rol Rw(d), 8 ; movzx Rd(d), Rw(d)),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; bswap Rd(d)),
                Ty::I64 => dynasm!(self.a ; .arch x64 ; bswap Rq(d)),
                _ => {}
            }
        }
        Ok(())
    }

    pub(super) fn store(&mut self, i: usize, addr: Val, v: Val, ty: Ty, be: bool) {
        let (p, o) = self.host_addr(i, addr);
        if ty == Ty::I128 {
            let mut x = if self.prev_in_xmm0(i, v) { 0 } else { self.vsrc(v, 0) };
            if be {
                if x != 0 {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm0, Rx(x));
                    x = 0;
                }
                let m = runtime::bswap128_mask_addr() as i64;
                dynasm!(self.a ; .arch x64 ; mov rax, QWORD m ; pshufb xmm0, [rax]);
            }
            dynasm!(self.a ; .arch x64 ; movdqu [Rq(p) + o], Rx(x));
            return;
        }
        let vo = self.opnd(v);
        if !be {
            match (vo, ty) {
                (Opnd::I(x), Ty::I8) => return dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(p) + o], x as i8),
                (Opnd::I(x), Ty::I16) => return dynasm!(self.a ; .arch x64 ; mov WORD [Rq(p) + o], x as i16),
                (Opnd::I(x), Ty::I32) => return dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(p) + o], x as i32),
                (Opnd::I(x), Ty::I64) if fits_i32(x) => {
                    return dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(p) + o], x as i32)
                }
                _ => {}
            }
        }
        let r = if be {
            self.mov_to(RAX, vo);
            match ty {
                Ty::I16 => dynasm!(self.a ; .arch x64 ; rol ax, 8),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; bswap eax),
                Ty::I64 => dynasm!(self.a ; .arch x64 ; bswap rax),
                _ => {}
            }
            RAX
        } else {
            self.in_reg(v, RAX)
        };
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(p) + o], Rb(r)),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; mov WORD [Rq(p) + o], Rw(r)),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(p) + o], Rd(r)),
            _ => dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(p) + o], Rq(r)),
        }
    }

    pub(super) fn cmpxchg(&mut self, i: usize, addr: Val, expected: Val, new: Val, enable: Val, ty: Ty) -> Result<(), CompileError> {
        let d = self.def_reg(i)?;
        let skip = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        let eo = self.opnd(expected);
        match self.opnd(enable) {
            Opnd::I(x) if x & 1 != 0 => {}
            Opnd::I(_) => {
                dynasm!(self.a ; .arch x64 ; jmp =>skip);
            }
            o => {
                self.mov_to(RCX, o);
                dynasm!(self.a ; .arch x64 ; test cl, cl ; jz =>skip);
            }
        }
        let (p, o) = self.host_addr(i, addr);
        self.mov_to(RAX, eo);
        let nr = self.in_reg(new, RCX);
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p) + o], Rb(nr) ; movzx Rd(d), al),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p) + o], Rw(nr) ; movzx Rd(d), ax),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p) + o], Rd(nr) ; mov Rd(d), eax),
            _ => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p) + o], Rq(nr) ; mov Rq(d), rax),
        }
        dynasm!(self.a ; .arch x64 ; jmp =>done ; =>skip);
        // Disabled: the result is !expected (masked), touching no memory.
        self.mov_to(d, eo);
        dynasm!(self.a ; .arch x64 ; not Rq(d));
        self.truncate(d, ty);
        dynasm!(self.a ; .arch x64 ; =>done);
        Ok(())
    }

    /// `lock cmpxchg16b`: rdx:rax = expected, rcx:rbx = new. rbx (allocatable) and rsi (the
    /// address) are saved in the argument area around it; I128 operands live in slots. A
    /// misaligned address (cmpxchg16b would fault) gets the interpreter's plain
    /// compare-and-store instead.
    pub(super) fn cmpxchg128(&mut self, i: usize, addr: Val, expected: Val, new: Val, enable: Val) -> Result<(), CompileError> {
        let Opnd::M(exp_s) = self.opnd(expected) else { unreachable!("I128 outside a slot") };
        let Opnd::M(new_s) = self.opnd(new) else { unreachable!("I128 outside a slot") };
        let ao = self.opnd(addr);
        let eno = self.opnd(enable);
        let d = self.def_slot(i)?;
        let skip = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        match eno {
            Opnd::I(x) if x & 1 != 0 => {}
            Opnd::I(_) => dynasm!(self.a ; .arch x64 ; jmp =>skip),
            o => {
                self.mov_to(RCX, o);
                dynasm!(self.a ; .arch x64 ; test cl, cl ; jz =>skip);
            }
        }
        let (sv_rbx, sv_rsi) = (ARGS_OFF + 32, ARGS_OFF + 40);
        dynasm!(self.a ; .arch x64 ; mov [rsp + sv_rbx], rbx ; mov [rsp + sv_rsi], rsi);
        // The address first: it may live in rbx.
        self.mov_to(6, ao);
        if self.env.guest_base != 0 {
            dynasm!(self.a ; .arch x64 ; add rsi, r15);
        }
        let unaligned = self.a.new_dynamic_label();
        let differ = self.a.new_dynamic_label();
        let fin = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; mov rax, [rsp + exp_s]
            ; mov rdx, [rsp + exp_s + 8]
            ; mov rbx, [rsp + new_s]
            ; mov rcx, [rsp + new_s + 8]
            ; test sil, 15
            ; jnz =>unaligned
            ; lock cmpxchg16b [rsi]
            ; jmp =>fin
            ; =>unaligned
            ; cmp rax, [rsi]
            ; jne =>differ
            ; cmp rdx, [rsi + 8]
            ; jne =>differ
            ; mov [rsi], rbx
            ; mov [rsi + 8], rcx
            ; jmp =>fin
            ; =>differ
            ; mov rax, [rsi]
            ; mov rdx, [rsi + 8]
            ; =>fin
            ; mov [rsp + d], rax
            ; mov [rsp + d + 8], rdx
            ; mov rbx, [rsp + sv_rbx]
            ; mov rsi, [rsp + sv_rsi]
            ; jmp =>done
            ; =>skip
            // Disabled: the result is !expected, touching no memory.
            ; mov rax, [rsp + exp_s]
            ; mov rdx, [rsp + exp_s + 8]
            ; not rax
            ; not rdx
            ; mov [rsp + d], rax
            ; mov [rsp + d + 8], rdx
            ; =>done
        );
        Ok(())
    }

    /// An atomic read-modify-write: `xchg` and `lock xadd` for swap and add, a `lock cmpxchg`
    /// loop for the rest. The result (old value) is zero-extended.
    pub(super) fn atomic_rmw(&mut self, i: usize, addr: Val, v: Val, op: RmwOp, ty: Ty) -> Result<(), CompileError> {
        self.pin(addr);
        self.pin(v);
        let d = self.def_reg(i)?;
        let vo = self.opnd(v);
        let (p, o) = self.host_addr(i, addr);
        self.mov_to(d, vo);
        macro_rules! sized {
            ($mn:ident, $mem:expr, $r:expr) => {
                match ty {
                    Ty::I8 => dynasm!(self.a ; .arch x64 ; $mn BYTE $mem, Rb($r)),
                    Ty::I16 => dynasm!(self.a ; .arch x64 ; $mn WORD $mem, Rw($r)),
                    Ty::I32 => dynasm!(self.a ; .arch x64 ; $mn DWORD $mem, Rd($r)),
                    _ => dynasm!(self.a ; .arch x64 ; $mn QWORD $mem, Rq($r)),
                }
            };
        }
        match op {
            RmwOp::Xchg => sized!(xchg, [Rq(p) + o], d),
            RmwOp::Add => match ty {
                Ty::I8 => dynasm!(self.a ; .arch x64 ; lock xadd BYTE [Rq(p) + o], Rb(d)),
                Ty::I16 => dynasm!(self.a ; .arch x64 ; lock xadd WORD [Rq(p) + o], Rw(d)),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; lock xadd DWORD [Rq(p) + o], Rd(d)),
                _ => dynasm!(self.a ; .arch x64 ; lock xadd QWORD [Rq(p) + o], Rq(d)),
            },
            _ => {
                let signed = matches!(op, RmwOp::SMax | RmwOp::SMin);
                if signed {
                    // Compare narrow values sign-extended to 32 bits.
                    self.sext_in_place(d, ty);
                }
                // rax = the current value (zero-extended), rcx = the value to store.
                match ty {
                    Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx eax, BYTE [Rq(p) + o]),
                    Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx eax, WORD [Rq(p) + o]),
                    Ty::I32 => dynasm!(self.a ; .arch x64 ; mov eax, DWORD [Rq(p) + o]),
                    _ => dynasm!(self.a ; .arch x64 ; mov rax, QWORD [Rq(p) + o]),
                }
                let again = self.a.new_dynamic_label();
                dynasm!(self.a ; .arch x64 ; =>again);
                let w = ty == Ty::I64;
                if signed && matches!(ty, Ty::I8 | Ty::I16) {
                    if ty == Ty::I8 {
                        dynasm!(self.a ; .arch x64 ; movsx ecx, al);
                    } else {
                        dynasm!(self.a ; .arch x64 ; movsx ecx, ax);
                    }
                } else {
                    dynasm!(self.a ; .arch x64 ; mov rcx, rax);
                }
                match (op, w) {
                    (RmwOp::Clr, _) => dynasm!(self.a ; .arch x64 ; mov rcx, Rq(d) ; not rcx ; and rcx, rax),
                    (RmwOp::Xor, _) => dynasm!(self.a ; .arch x64 ; xor rcx, Rq(d)),
                    (RmwOp::Or, _) => dynasm!(self.a ; .arch x64 ; or rcx, Rq(d)),
                    (RmwOp::And, _) => dynasm!(self.a ; .arch x64 ; and rcx, Rq(d)),
                    // Max/min: take `v` when the current value loses.
                    (RmwOp::SMax, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmovl rcx, Rq(d)),
                    (RmwOp::SMax, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmovl ecx, Rd(d)),
                    (RmwOp::SMin, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmovg rcx, Rq(d)),
                    (RmwOp::SMin, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmovg ecx, Rd(d)),
                    (RmwOp::UMax, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmovb rcx, Rq(d)),
                    (RmwOp::UMax, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmovb ecx, Rd(d)),
                    (RmwOp::UMin, true) => dynasm!(self.a ; .arch x64 ; cmp rcx, Rq(d) ; cmova rcx, Rq(d)),
                    (RmwOp::UMin, false) => dynasm!(self.a ; .arch x64 ; cmp ecx, Rd(d) ; cmova ecx, Rd(d)),
                    (RmwOp::Xchg | RmwOp::Add, _) => unreachable!("handled above"),
                }
                match ty {
                    Ty::I8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p) + o], cl),
                    Ty::I16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p) + o], cx),
                    Ty::I32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p) + o], ecx),
                    _ => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p) + o], rcx),
                }
                dynasm!(self.a ; .arch x64 ; jne =>again ; mov Rq(d), rax);
            }
        }
        self.truncate(d, ty);
        Ok(())
    }
}
