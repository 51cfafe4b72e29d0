//! Op-level tests of the JIT's native atomics and CRC: AtomicRmw (every op and size),
//! 128-bit CmpXchg (aligned, misaligned, disabled, matching or not) and Crc32/Crc32C run on
//! the JIT and on the interpreter from the same state and memory; both must agree.

use super::tests_fpvec::Rng;
use crate::guest::{exit_flag_offset, CpuState};
use crate::interp::Interp;
use crate::ir::*;

const SZ: usize = 1024;
const MEM: usize = 512;
/// State offsets: inputs from 0, outputs from OUT.
const OUT: usize = 512;

#[repr(C, align(64))]
struct Mem([u8; MEM]);

/// Run `blk` on both backends from `st0` and `mem0` (guest address 0 = the buffer); compare.
fn both(name: &str, blk: &Block, st0: &CpuState, mem0: &Mem) {
    let mut st_i = st0.clone();
    let mut mem_i = Mem(mem0.0);
    let mut st_j = st0.clone();
    let mut mem_j = Mem(mem0.0);
    // SAFETY: the blocks access the state and the buffer (guest_base = its address) only.
    unsafe {
        Interp::new().run(blk, st_i.as_mut_ptr(), mem_i.0.as_mut_ptr() as usize, 0);
        let exit = crate::jit::run_once(blk, st_j.as_mut_ptr(), mem_j.0.as_mut_ptr() as usize, 0, exit_flag_offset(SZ));
        assert!(matches!(exit, crate::jit::Exit::Jump { .. }), "{name}: unexpected exit {exit:?}");
    }
    for off in (OUT..SZ - 16).step_by(8) {
        assert_eq!(st_j.read_u64(off), st_i.read_u64(off), "{name}: state at {off}\n{blk}");
    }
    assert!(mem_i.0 == mem_j.0, "{name}: memory differs\n{blk}");
}

fn random_mem(rng: &mut Rng) -> Mem {
    let mut m = Mem([0; MEM]);
    for c in m.0.chunks_mut(8) {
        c.copy_from_slice(&rng.next().to_le_bytes());
    }
    m
}

const RMW_OPS: [RmwOp; 10] = [
    RmwOp::Xchg,
    RmwOp::Add,
    RmwOp::Clr,
    RmwOp::Xor,
    RmwOp::Or,
    RmwOp::And,
    RmwOp::SMax,
    RmwOp::SMin,
    RmwOp::UMax,
    RmwOp::UMin,
];

#[test]
fn atomic_rmw_matches_interpreter() {
    let mut rng = Rng::new(0xa701_11c5);
    for op in RMW_OPS {
        for ty in [Ty::I8, Ty::I16, Ty::I32, Ty::I64] {
            for round in 0..6 {
                // Eight ops per block; operands loaded first so some sit in slots and the
                // allocator is under pressure; the address is a register or a constant.
                let mut b = Builder::new(0x1000);
                b.insn_start(0x1000, 4);
                let ins: Vec<(Val, Val)> = (0..8)
                    .map(|k| {
                        let v = b.get(ty, 8 * k);
                        let a = if k % 2 == 0 { b.get(Ty::I64, 64 + 8 * k) } else { b.konst(Ty::I64, 8 * k as u64 * 8) };
                        (a, v)
                    })
                    .collect();
                let rs: Vec<Val> =
                    ins.iter().map(|&(addr, v)| b.push(Op::AtomicRmw { addr, v, op, ty, be: false })).collect();
                for (k, r) in rs.into_iter().enumerate() {
                    let r = b.zext(r, Ty::I64);
                    b.set(Ty::I64, OUT + 8 * k, r);
                }
                let blk = b.finish(Terminal::Jump { target: 0x2000 });
                let mut st = CpuState::new(SZ);
                for k in 0..8 {
                    // Values that make signed and unsigned orders differ, and random ones.
                    let v = match (round + k) % 4 {
                        0 => 1u64 << (ty.bits() - 1),
                        1 => (1u64 << (ty.bits() - 1)) - 1,
                        _ => rng.next(),
                    };
                    st.write_u64(8 * k, v);
                    st.write_u64(64 + 8 * k, 8 * k as u64 * 8 + (k as u64 % 3) * 2 * (ty.bytes() as u64 % 8));
                }
                let mem = random_mem(&mut rng);
                both(&format!("AtomicRmw {op:?} {ty:?}"), &blk, &st, &mem);
            }
        }
    }
}

#[test]
fn cmpxchg128_matches_interpreter() {
    let mut rng = Rng::new(0xc451_28ab);
    // (address, enable, expected matches memory)
    for addr in [16u64, 24, 0x100, 0x108] {
        for enable in [0u64, 1] {
            for matching in [false, true] {
                for konst_addr in [false, true] {
                    let mut b = Builder::new(0x1000);
                    b.insn_start(0x1000, 4);
                    let a = if konst_addr { b.konst(Ty::I64, addr) } else { b.get(Ty::I64, 0) };
                    let en = b.get(Ty::I8, 8);
                    let (e0, e1) = (b.get(Ty::I64, 16), b.get(Ty::I64, 24));
                    let expected = b.pair(e0, e1);
                    let (n0, n1) = (b.get(Ty::I64, 32), b.get(Ty::I64, 40));
                    let new = b.pair(n0, n1);
                    let live = b.get(Ty::I64, 48);
                    let old = b.push(Op::CmpXchg { addr: a, expected, new, enable: en, ty: Ty::I128, be: false });
                    let lo = b.half(old, false);
                    let hi = b.half(old, true);
                    b.set(Ty::I64, OUT, lo);
                    b.set(Ty::I64, OUT + 8, hi);
                    b.set(Ty::I64, OUT + 16, live);
                    let blk = b.finish(Terminal::Jump { target: 0x2000 });
                    let mem = random_mem(&mut rng);
                    let mut st = CpuState::new(SZ);
                    st.write_u64(0, addr);
                    st.write_u64(8, enable);
                    let at = addr as usize;
                    let cur = |i: usize| u64::from_le_bytes(mem.0[at + 8 * i..at + 8 * i + 8].try_into().unwrap());
                    st.write_u64(16, if matching { cur(0) } else { rng.next() });
                    st.write_u64(24, cur(1));
                    st.write_u64(32, rng.next());
                    st.write_u64(40, rng.next());
                    st.write_u64(48, rng.next());
                    both(&format!("CmpXchg I128 at {addr} enable {enable} matching {matching}"), &blk, &st, &mem);
                }
            }
        }
    }
}

#[test]
fn crc32_matches_interpreter() {
    let mut rng = Rng::new(0xc4c3_2c4c);
    for c in [false, true] {
        for data in [Ty::I8, Ty::I16, Ty::I32, Ty::I64] {
            let op = if c { BinOp::Crc32C(data) } else { BinOp::Crc32(data) };
            for konst in [false, true] {
                let mut b = Builder::new(0x1000);
                b.insn_start(0x1000, 4);
                let mut outs = Vec::new();
                for k in 0..6 {
                    let acc = b.get(Ty::I32, 16 * k);
                    let acc = b.zext(acc, Ty::I64);
                    let v = if konst { b.konst(Ty::I64, 0x8000_0000_0000_0001 ^ k as u64) } else { b.get(Ty::I64, 16 * k + 8) };
                    outs.push(b.bin(op, acc, v));
                }
                for (k, r) in outs.into_iter().enumerate() {
                    b.set(Ty::I64, OUT + 8 * k, r);
                }
                let blk = b.finish(Terminal::Jump { target: 0x2000 });
                let mut st = CpuState::new(SZ);
                for off in (0..OUT).step_by(8) {
                    st.write_u64(off, rng.next());
                }
                both(&format!("{op:?}"), &blk, &st, &Mem([0; MEM]));
            }
        }
    }
}
