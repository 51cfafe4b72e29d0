//! The exclusive monitor against other threads: a store-exclusive fails when another thread
//! wrote the location after the load-exclusive, for every size and for the W and X pairs
//! (128-bit LDXP/STXP included), and concurrent LDAXR/STLXR (and LDAXP/STLXP) increments from
//! several host threads, on the JIT and the interpreter at once, lose no update and never
//! tear a pair. The monitor compares values (as qemu's does): a write of the same value is
//! not seen.

use super::simd_tests::{run_on, Backend};
use crate::guest::aarch64::state::*;
use crate::guest::CpuState;
use std::sync::atomic::{AtomicU64, Ordering};

const CODE: u64 = 0x10000;

#[repr(C, align(16))]
struct Cell2([AtomicU64; 2]);

fn state(addr: u64) -> CpuState {
    let mut st = CpuState::new(STATE_SIZE);
    st.write_u64(EXCL_ADDR, u64::MAX);
    st.write_u64(xreg(0), addr);
    st
}

#[test]
fn a_write_by_another_thread_fails_the_store_exclusive() {
    // (load-exclusive, store-exclusive of x4 / w4,w6 / x4,x6 with status in w2, bytes written)
    let forms: [(u32, u32, usize); 6] = [
        (0x085f7c01, 0x08027c04, 1),  // ldxrb / stxrb
        (0x485f7c01, 0x48027c04, 2),  // ldxrh / stxrh
        (0x885f7c01, 0x88027c04, 4),  // ldxr w / stxr w
        (0xc85f7c01, 0xc8027c04, 8),  // ldxr x / stxr x
        (0x887f0c01, 0x88221804, 8),  // ldxp w / stxp w
        (0xc87f0c01, 0xc8221804, 16), // ldxp x / stxp x
    ];
    for backend in [Backend::Interp, Backend::Jit] {
        for &(ld, stx, bytes) in &forms {
            for (interfere, offset) in [(false, 0), (true, 0), (true, bytes - 1)] {
                let cell = Cell2([AtomicU64::new(0x1111_2222_3333_4444), AtomicU64::new(0x5555_6666_7777_8888)]);
                let addr = cell.0.as_ptr() as u64;
                let mut st = state(addr);
                st.write_u64(xreg(4), 0xaaaa_aaaa_aaaa_aaaa);
                st.write_u64(xreg(6), 0xbbbb_bbbb_bbbb_bbbb);
                run_on(&[ld], CODE, &mut st, backend).unwrap();
                if interfere {
                    // Another thread changes one byte the exclusive pair covers (the last
                    // one: the high half of a pair).
                    std::thread::scope(|s| {
                        s.spawn(|| {
                            let (word, shift) = (offset / 8, 8 * (offset % 8));
                            cell.0[word].fetch_xor(0x5a << shift, Ordering::SeqCst);
                        });
                    });
                }
                let before = [cell.0[0].load(Ordering::SeqCst), cell.0[1].load(Ordering::SeqCst)];
                run_on(&[stx], CODE + 4, &mut st, backend).unwrap();
                let status = st.read_u64(xreg(2));
                let after = [cell.0[0].load(Ordering::SeqCst), cell.0[1].load(Ordering::SeqCst)];
                let what = format!("{backend:?} {ld:08x}/{stx:08x} interfere={interfere} at byte {offset}");
                if interfere {
                    assert_eq!(status, 1, "{what}: the store-exclusive succeeded");
                    assert_eq!(after, before, "{what}: a failed store-exclusive wrote memory");
                } else {
                    assert_eq!(status, 0, "{what}: the store-exclusive failed");
                    assert_ne!(after, before, "{what}: nothing stored");
                }
                assert_eq!(st.read_u64(EXCL_ADDR), u64::MAX, "{what}: monitor not cleared");
            }
        }
    }
}

/// Copies of an exclusive increment, counting successes in x5 (at most 64 instructions).
fn increments(pair: bool) -> Vec<u32> {
    let one: &[u32] = if pair {
        // ldaxp x1, x3, [x0]; add x1, x1, #1; add x3, x3, #1; stlxp w2, x1, x3, [x0];
        // eor w2, w2, #1; add x5, x5, x2
        &[0xc87f8c01, 0x91000421, 0x91000463, 0xc8228c01, 0x52000042, 0x8b0200a5]
    } else {
        // ldaxr x1, [x0]; add x1, x1, #1; stlxr w2, x1, [x0]; eor w2, w2, #1; add x5, x5, x2
        &[0xc85ffc01, 0x91000421, 0xc802fc01, 0x52000042, 0x8b0200a5]
    };
    (0..60 / one.len()).flat_map(|_| one.iter().copied()).collect()
}

const ROUNDS: usize = 1000;

#[test]
fn concurrent_increments_lose_nothing() {
    for pair in [false, true] {
        let cell = Cell2([AtomicU64::new(0), AtomicU64::new(0)]);
        let addr = cell.0.as_ptr() as u64;
        let words = increments(pair);
        let start = std::sync::Barrier::new(4);
        let total: u64 = std::thread::scope(|s| {
            let handles: Vec<_> = [Backend::Jit, Backend::Interp, Backend::Jit, Backend::Interp]
                .into_iter()
                .map(|backend| {
                    let (words, start) = (&words, &start);
                    s.spawn(move || {
                        let mut st = state(addr);
                        start.wait();
                        for _ in 0..ROUNDS {
                            run_on(words, CODE, &mut st, backend).unwrap();
                        }
                        st.read_u64(xreg(5))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        // (With ROUNDS = 1000, typically a few hundred of the store-exclusives fail: the
        // threads do contend.)
        let (lo, hi) = (cell.0[0].load(Ordering::SeqCst), cell.0[1].load(Ordering::SeqCst));
        assert!(total > 0, "no store-exclusive succeeded");
        assert_eq!(lo, total, "pair={pair}: {total} successful store-exclusives, memory says {lo}");
        if pair {
            assert_eq!(hi, total, "the pair tore: {lo} / {hi}");
        }
    }
}
