//! The IR passes on real compiled code: blocks of committed test binaries are translated,
//! optimised, verified, and checked equivalent to the unoptimised block on random states; the
//! test also reports the IR size before and after and requires the passes to shrink it.
//!
//! By default the blocks start at sampled addresses of each binary's code (every
//! `SAMPLE_STRIDE`th word), each counted once. For a measurement weighted by real execution:
//!
//! ```text
//! for t in alu fpu ...; do ruser-aarch64 -d exec testbins/aarch64/$t 2>$DIR/$t.trace; done
//! RUSER_OPT_TRACES=$DIR cargo test --release --lib hot_blocks -- --nocapture
//! ```
//!
//! (`RUSER_OPT_SHOW=<hex pc>` also prints that block before and after.) Each `<name>.trace` is
//! the `-d exec` log of `testbins/aarch64/<name>`; its blocks are weighted by execution count.

use super::tests::check;
use super::tests_equiv::Harness;
use super::*;
use crate::guest::aarch64::state::*;
use crate::guest::aarch64::translate::translate_block;
use crate::guest::{CodeFetch, CpuState, TranslateOpts};
use std::collections::HashMap;

/// Executable segments of an ELF file: (vaddr, bytes).
struct Segs(Vec<(u64, Vec<u8>)>);

impl CodeFetch for Segs {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        self.0.iter().find_map(|(va, b)| {
            let off = addr.checked_sub(*va)? as usize;
            let w = b.get(off..off + 4)?;
            Some(u32::from_le_bytes(w.try_into().ok()?))
        })
    }
}

fn load_segs(path: &std::path::Path) -> Option<Segs> {
    let bytes = std::fs::read(path).ok()?;
    let elf = goblin::elf::Elf::parse(&bytes).ok()?;
    let segs = elf
        .program_headers
        .iter()
        .filter(|p| p.p_type == goblin::elf::program_header::PT_LOAD && p.is_executable())
        .filter_map(|p| Some((p.p_vaddr, bytes.get(p.file_range())?.to_vec())))
        .collect();
    Some(Segs(segs))
}

fn ir_len(b: &Block) -> usize {
    b.insts.iter().filter(|i| !matches!(i.op, Op::InsnStart { .. })).count()
}

/// Binaries sampled when no traces are given: integer, FP, SIMD and libc code.
const SAMPLED: &[&str] = &["alu", "fpu", "printf", "vec_kernels", "simd_dsp", "crypto"];
/// Every this many words of their code starts a sampled block.
const SAMPLE_STRIDE: u64 = 97;

/// Block start addresses and their weights: from `<dir>/<name>.trace` when tracing, else
/// sampled from the binary's code.
fn block_counts(segs: &Segs, trace_dir: Option<&str>, name: &str) -> HashMap<u64, u64> {
    let mut counts: HashMap<u64, u64> = HashMap::new();
    match trace_dir {
        Some(dir) => {
            let text = std::fs::read_to_string(format!("{dir}/{name}.trace")).unwrap();
            for l in text.lines() {
                if let Some(pc) = l.strip_prefix("Trace: [").and_then(|s| s.strip_suffix(']')) {
                    if let Ok(pc) = u64::from_str_radix(pc, 16) {
                        *counts.entry(pc).or_default() += 1;
                    }
                }
            }
        }
        None => {
            for (va, bytes) in &segs.0 {
                for off in (0..bytes.len() as u64 / 4).step_by(SAMPLE_STRIDE as usize) {
                    counts.insert(va + 4 * off, 1);
                }
            }
        }
    }
    counts
}

#[test]
fn hot_blocks() {
    let trace_dir = std::env::var("RUSER_OPT_TRACES").ok();
    let mut names: Vec<String> = match &trace_dir {
        Some(dir) => std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".trace").map(str::to_string))
            .collect(),
        None => SAMPLED.iter().map(|s| s.to_string()).collect(),
    };
    names.sort();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut h = Harness::new(7);
    let (mut tot_s, mut tot_d) = ((0usize, 0usize), (0u64, 0u64));
    // Time spent translating and optimising.
    // Executed count of each opcode, before and after.
    let mut by_op: HashMap<&'static str, [u64; 2]> = HashMap::new();
    let mut time = (std::time::Duration::ZERO, std::time::Duration::ZERO, std::time::Duration::ZERO);
    eprintln!("IR instructions (InsnStart markers not counted): before -> after");
    for name in names {
        let path = root.join("testbins/aarch64").join(&name);
        let segs = load_segs(&path).unwrap_or_else(|| panic!("{}: not a readable ELF file", path.display()));
        let counts = block_counts(&segs, trace_dir.as_deref(), &name);
        let mut rows = Vec::new();
        for (&pc, &n) in &counts {
            if segs.fetch32(pc).is_none() {
                continue;
            }
            let t0 = std::time::Instant::now();
            let orig = translate_block(&segs, pc, &TranslateOpts::default());
            let t1 = std::time::Instant::now();
            let mut opt = orig.clone();
            let reps = std::env::var("RUSER_OPT_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(1);
            if reps > 1 {
                let mut clones: Vec<Block> = (0..reps).map(|_| orig.clone()).collect();
                let t = std::time::Instant::now();
                for o in &mut clones {
                    optimize(o);
                }
                time.2 += t.elapsed() / reps;
                std::hint::black_box(clones);
            }
            let t2 = std::time::Instant::now();
            optimize(&mut opt);
            let t3 = std::time::Instant::now();
            time.0 += t1 - t0;
            time.1 += t3 - t2;
            check(&opt);
            if !orig.insts.iter().any(|i| matches!(i.op, Op::Helper { .. })) {
                for _ in 0..2 {
                    let mut st = CpuState::new(STATE_SIZE);
                    for off in (0..STATE_SIZE).step_by(8) {
                        let r = h.rng.next();
                        st.write_u64(off, r);
                    }
                    st.write_u64(NZCV, h.rng.below(16) << 28);
                    h.compare(&orig, &opt, &st, PC, &|| format!("{name} block {pc:#x}"));
                }
            }
            if std::env::var("RUSER_OPT_SHOW")
                .is_ok_and(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16) == Ok(pc))
            {
                eprintln!("{name}: before\n{orig}after\n{opt}");
            }
            for (blk, side) in [(&orig, 0), (&opt, 1)] {
                for i in &blk.insts {
                    by_op.entry(i.op.name()).or_insert([0u64; 2])[side] += n;
                }
            }
            rows.push((pc, n, ir_len(&orig), ir_len(&opt)));
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.1 * r.2 as u64));
        let s = rows.iter().fold((0, 0), |a, r| (a.0 + r.2, a.1 + r.3));
        let d = rows.iter().fold((0, 0), |a, r| (a.0 + r.1 * r.2 as u64, a.1 + r.1 * r.3 as u64));
        let pct = |a: f64, b: f64| 100.0 * (a - b) / a.max(1.0);
        eprintln!(
            "{name:>12}: {} blocks, static {} -> {} (-{:.1}%), executed {} -> {} (-{:.1}%)",
            rows.len(),
            s.0,
            s.1,
            pct(s.0 as f64, s.1 as f64),
            d.0,
            d.1,
            pct(d.0 as f64, d.1 as f64)
        );
        for r in rows.iter().take(3) {
            eprintln!("              hot {:#x} x{}: {} -> {}", r.0, r.1, r.2, r.3);
        }
        tot_s = (tot_s.0 + s.0, tot_s.1 + s.1);
        tot_d = (tot_d.0 + d.0, tot_d.1 + d.1);
    }
    eprintln!(
        "       total: static {} -> {} (-{:.1}%), executed {} -> {} (-{:.1}%)",
        tot_s.0,
        tot_s.1,
        100.0 * (tot_s.0 - tot_s.1) as f64 / tot_s.0.max(1) as f64,
        tot_d.0,
        tot_d.1,
        100.0 * (tot_d.0 - tot_d.1) as f64 / tot_d.0.max(1) as f64
    );
    let mut ops: Vec<_> = by_op.into_iter().filter(|o| o.0 != "InsnStart").collect();
    ops.sort_by_key(|o| std::cmp::Reverse(o.1[0]));
    eprintln!("executed, by opcode:");
    for (name, [b, a]) in ops.iter().take(14) {
        eprintln!("  {name:>10}: {b:>10} -> {a:>10} (-{:.0}%)", 100.0 * (*b as f64 - *a as f64) / (*b).max(1) as f64);
    }
    eprintln!(
        "time: translate {:?}, optimise {:?} (warm average of RUSER_OPT_REPS runs: {:?})",
        time.0, time.1, time.2
    );
    // The passes must earn their cost on real code (about a quarter fewer instructions).
    assert!(tot_s.0 > 1000, "too few IR instructions sampled: {}", tot_s.0);
    assert!(tot_s.1 * 10 < tot_s.0 * 9, "the passes removed less than 10% of the IR: {} -> {}", tot_s.0, tot_s.1);
}
