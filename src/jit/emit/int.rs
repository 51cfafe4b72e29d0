//! Integer ALU ops: binary and unary ops, division, extensions, CRC32.

use super::*;

impl Cg<'_> {
    pub(super) fn native_un(&self, op: UnOp, ty: Ty) -> bool {
        match op {
            UnOp::Not | UnOp::Neg | UnOp::Popcnt => true,
            UnOp::Bswap => ty != Ty::I8,
            UnOp::Clz | UnOp::Ctz => self.env.lzcnt && matches!(ty, Ty::I32 | Ty::I64),
            _ => false,
        }
    }


    pub(super) fn bin(&mut self, i: usize, op: BinOp, ty: Ty, a: Val, b: Val) -> Result<(), CompileError> {
        let w = ty == Ty::I64;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Mul | BinOp::AndNot => {
                self.pin(a);
                self.pin(b);
                let mut bo = self.opnd(b);
                if op == BinOp::AndNot {
                    self.mov_to(RCX, bo);
                    dynasm!(self.a ; .arch x64 ; not rcx);
                    bo = Opnd::R(RCX);
                }
                let d = self.def_from(i, a, &[b])?;
                match op {
                    BinOp::Add => alu!(self, add, d, bo, w),
                    BinOp::Sub => alu!(self, sub, d, bo, w),
                    BinOp::And | BinOp::AndNot => alu!(self, and, d, bo, w),
                    BinOp::Or => alu!(self, or, d, bo, w),
                    BinOp::Xor => alu!(self, xor, d, bo, w),
                    _ => {
                        let bo = match bo {
                            Opnd::I(x) => {
                                self.mov_to(RCX, Opnd::I(x));
                                Opnd::R(RCX)
                            }
                            o => o,
                        };
                        match (bo, w) {
                            (Opnd::R(r), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), Rq(r)),
                            (Opnd::R(r), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), Rd(r)),
                            (Opnd::M(m), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), QWORD [rsp + m]),
                            (Opnd::M(m), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), DWORD [rsp + m]),
                            (Opnd::I(_), _) => unreachable!("immediate multiplier was moved to a register"),
                        }
                    }
                }
                if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::AndNot) {
                    self.mask(d, ty);
                }
            }
            BinOp::Shl | BinOp::Lshr | BinOp::Ashr | BinOp::Ror => {
                let bits = ty.bits() as u64;
                let amt = match self.opnd(b) {
                    Opnd::I(x) => Some((x % bits) as u8),
                    o => {
                        self.mov_to(RCX, o);
                        if bits < 32 {
                            dynasm!(self.a ; .arch x64 ; and ecx, (bits - 1) as i32);
                        }
                        None
                    }
                };
                self.pin(a);
                let d = self.def_from(i, a, &[])?;
                match (op, ty) {
                    (BinOp::Shl, _) => shift!(self, shl, d, amt, w),
                    (BinOp::Lshr, _) => shift!(self, shr, d, amt, w),
                    (BinOp::Ashr, Ty::I8) => {
                        dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rb(d));
                        shift!(self, sar, d, amt, false)
                    }
                    (BinOp::Ashr, Ty::I16) => {
                        dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rw(d));
                        shift!(self, sar, d, amt, false)
                    }
                    (BinOp::Ashr, _) => shift!(self, sar, d, amt, w),
                    (_, Ty::I8) => match amt {
                        Some(n) => dynasm!(self.a ; .arch x64 ; ror Rb(d), n as i8),
                        None => dynasm!(self.a ; .arch x64 ; ror Rb(d), cl),
                    },
                    (_, Ty::I16) => match amt {
                        Some(n) => dynasm!(self.a ; .arch x64 ; ror Rw(d), n as i8),
                        None => dynasm!(self.a ; .arch x64 ; ror Rw(d), cl),
                    },
                    _ => shift!(self, ror, d, amt, w),
                }
                self.mask(d, ty);
            }
            BinOp::MulHU | BinOp::MulHS => {
                let signed = op == BinOp::MulHS;
                if ty == Ty::I64 {
                    let ao = self.opnd(a);
                    self.mov_to(RAX, ao);
                    let br = self.in_reg(b, RCX);
                    if signed {
                        dynasm!(self.a ; .arch x64 ; imul Rq(br));
                    } else {
                        dynasm!(self.a ; .arch x64 ; mul Rq(br));
                    }
                    let d = self.def_reg(i)?;
                    dynasm!(self.a ; .arch x64 ; mov Rq(d), rdx);
                } else {
                    // Widen to 64 bits, multiply, take the high half of the narrow product.
                    let ao = self.opnd(a);
                    self.mov_to(RAX, ao);
                    let bo = self.opnd(b);
                    self.mov_to(RCX, bo);
                    if signed {
                        self.sext_in_place(RAX, ty);
                        self.sext_in_place(RCX, ty);
                    }
                    let sh = ty.bits() as i8;
                    let d = self.def_reg(i)?;
                    dynasm!(self.a ; .arch x64 ; imul rax, rcx ; sar rax, sh ; mov Rq(d), rax);
                    self.truncate(d, ty);
                }
            }
            BinOp::DivU | BinOp::DivS | BinOp::RemU | BinOp::RemS => self.div(i, op, ty, a, b)?,
            BinOp::Crc32(data) | BinOp::Crc32C(data) => self.crc32(i, matches!(op, BinOp::Crc32C(_)), data, a, b)?,
        }
        Ok(())
    }

    pub(in crate::jit) fn sext_in_place(&mut self, r: u8, ty: Ty) {
        match ty {
            Ty::I8 => dynasm!(self.a ; .arch x64 ; movsx Rq(r), Rb(r)),
            Ty::I16 => dynasm!(self.a ; .arch x64 ; movsx Rq(r), Rw(r)),
            Ty::I32 => dynasm!(self.a ; .arch x64 ; movsxd Rq(r), Rd(r)),
            _ => {}
        }
    }

    /// Keep only the low `ty` bits of `r`.
    pub(in crate::jit) fn truncate(&mut self, r: u8, ty: Ty) {
        match ty {
            Ty::I32 => dynasm!(self.a ; .arch x64 ; mov Rd(r), Rd(r)),
            _ => self.mask(r, ty),
        }
    }

    pub(super) fn div(&mut self, i: usize, op: BinOp, ty: Ty, a: Val, b: Val) -> Result<(), CompileError> {
        let signed = matches!(op, BinOp::DivS | BinOp::RemS);
        let rem = matches!(op, BinOp::RemU | BinOp::RemS);
        let ao = self.opnd(a);
        self.mov_to(RAX, ao);
        let bo = self.opnd(b);
        self.mov_to(RCX, bo);
        let w = ty == Ty::I64;
        if signed && !w {
            self.sext_in_place(RAX, ty);
            self.sext_in_place(RCX, ty);
        }
        let d = self.def_reg(i)?;
        let zero = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        let ovf = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; test rcx, rcx ; jz =>zero);
        if signed {
            // MIN / -1 overflows on x86; Arm gives MIN (quotient) and 0 (remainder).
            dynasm!(self.a ; .arch x64 ; cmp rcx, -1 ; je =>ovf ; cqo ; idiv rcx);
        } else {
            dynasm!(self.a ; .arch x64 ; xor edx, edx ; div rcx);
        }
        if rem {
            dynasm!(self.a ; .arch x64 ; mov Rq(d), rdx ; jmp =>done);
        } else {
            dynasm!(self.a ; .arch x64 ; mov Rq(d), rax ; jmp =>done);
        }
        if signed {
            dynasm!(self.a ; .arch x64 ; =>ovf);
            if rem {
                dynasm!(self.a ; .arch x64 ; xor Rd(d), Rd(d) ; jmp =>done);
            } else {
                dynasm!(self.a ; .arch x64 ; neg rax ; mov Rq(d), rax ; jmp =>done);
            }
        }
        dynasm!(self.a ; .arch x64 ; =>zero ; xor Rd(d), Rd(d) ; =>done);
        if !w {
            self.truncate(d, ty);
        }
        Ok(())
    }

    pub(super) fn un(&mut self, i: usize, op: UnOp, ty: Ty, a: Val) -> Result<(), CompileError> {
        let w = ty == Ty::I64;
        self.pin(a);
        match op {
            UnOp::Not | UnOp::Neg | UnOp::Bswap => {
                let d = self.def_from(i, a, &[])?;
                match (op, w) {
                    (UnOp::Not, true) => dynasm!(self.a ; .arch x64 ; not Rq(d)),
                    (UnOp::Not, false) => dynasm!(self.a ; .arch x64 ; not Rd(d)),
                    (UnOp::Neg, true) => dynasm!(self.a ; .arch x64 ; neg Rq(d)),
                    (UnOp::Neg, false) => dynasm!(self.a ; .arch x64 ; neg Rd(d)),
                    (_, true) => dynasm!(self.a ; .arch x64 ; bswap Rq(d)),
                    (_, false) if ty == Ty::I16 => dynasm!(self.a ; .arch x64 ; rol Rw(d), 8),
                    (_, false) => dynasm!(self.a ; .arch x64 ; bswap Rd(d)),
                }
                self.mask(d, ty);
            }
            UnOp::Popcnt | UnOp::Clz | UnOp::Ctz => {
                let ar = self.in_reg(a, RAX);
                let d = self.def_reg(i)?;
                match (op, w) {
                    (UnOp::Popcnt, _) => dynasm!(self.a ; .arch x64 ; popcnt Rq(d), Rq(ar)),
                    (UnOp::Clz, true) => dynasm!(self.a ; .arch x64 ; lzcnt Rq(d), Rq(ar)),
                    (UnOp::Clz, false) => dynasm!(self.a ; .arch x64 ; lzcnt Rd(d), Rd(ar)),
                    (_, true) => dynasm!(self.a ; .arch x64 ; tzcnt Rq(d), Rq(ar)),
                    (_, false) => dynasm!(self.a ; .arch x64 ; tzcnt Rd(d), Rd(ar)),
                }
            }
            _ => unreachable!("non-native unary op"),
        }
        Ok(())
    }

    pub(super) fn ext(&mut self, i: usize, a: Val, from: Ty, to: Ty, signed: bool) -> Result<(), CompileError> {
        self.pin(a);
        let d = self.def_from(i, a, &[])?;
        if signed && from < to {
            match (from, to) {
                (Ty::I8, Ty::I64) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), Rb(d)),
                (Ty::I16, Ty::I64) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), Rw(d)),
                (Ty::I32, Ty::I64) => dynasm!(self.a ; .arch x64 ; movsxd Rq(d), Rd(d)),
                (Ty::I8, _) => dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rb(d)),
                (Ty::I16, _) => dynasm!(self.a ; .arch x64 ; movsx Rd(d), Rw(d)),
                _ => {}
            }
            self.truncate(d, to);
        } else if to < from {
            self.truncate(d, to);
        }
        Ok(())
    }

    /// CRC32/CRC32C of `data`-wide `b` into accumulator `a`: SSE4.2 `crc32` for Castagnoli,
    /// else a byte-at-a-time table walk (the interpreter's table).
    pub(super) fn crc32(&mut self, i: usize, castagnoli: bool, data: Ty, a: Val, b: Val) -> Result<(), CompileError> {
        self.pin(a);
        self.pin(b);
        let ao = self.opnd(a);
        self.mov_to(RAX, ao);
        dynasm!(self.a ; .arch x64 ; mov eax, eax);
        if castagnoli && self.env.simd.sse42 {
            let r = self.in_reg(b, RCX);
            match data {
                Ty::I8 => dynasm!(self.a ; .arch x64 ; crc32 eax, Rb(r)),
                Ty::I16 => dynasm!(self.a ; .arch x64 ; crc32 eax, Rw(r)),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; crc32 eax, Rd(r)),
                _ => dynasm!(self.a ; .arch x64 ; crc32 rax, Rq(r)),
            }
        } else {
            // crc ^= data; then one table step per data byte: crc = T[crc & 0xff] ^ (crc >> 8).
            let bo = self.opnd(b);
            self.mov_to(RCX, bo);
            match data {
                Ty::I8 => dynasm!(self.a ; .arch x64 ; movzx ecx, cl),
                Ty::I16 => dynasm!(self.a ; .arch x64 ; movzx ecx, cx),
                Ty::I32 => dynasm!(self.a ; .arch x64 ; mov ecx, ecx),
                _ => {}
            }
            let table = crate::interp::scalar::CRC32_TABLES[castagnoli as usize].as_ptr() as i64;
            dynasm!(self.a ; .arch x64 ; xor rax, rcx ; mov rdx, QWORD table);
            for _ in 0..data.bytes().min(8) {
                dynasm!(self.a ; .arch x64
                    ; movzx ecx, al
                    ; shr rax, 8
                    ; mov ecx, DWORD [rdx + rcx * 4]
                    ; xor rax, rcx
                );
            }
        }
        let d = self.def_reg(i)?;
        dynasm!(self.a ; .arch x64 ; mov Rd(d), eax);
        Ok(())
    }
}
