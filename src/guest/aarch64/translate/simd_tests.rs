//! Differential tests of the FP/AdvSIMD translation: each case runs a few instructions through
//! `translate_block` and the IR passes, on the reference interpreter and on the JIT, and
//! compares registers, NZCV, FPSR and memory with what qemu-aarch64 produced for the same
//! instructions from the same initial state and FPCR (the data file `simd_tests/cases.txt`;
//! the FP environment cases are in `simd_tests/cases_fpenv.txt`). Guest memory is a host
//! buffer (guest_base = 0).

use super::translate_block;
use crate::guest::aarch64::state::*;
use crate::guest::{exit_flag_offset, CodeFetch, CpuState, TranslateOpts};
use crate::interp::{Exit, Interp};
use crate::ir::fpenv;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Backend {
    Interp,
    Jit,
}

/// One generated case (the format is described at the top of `simd_tests/cases.txt`).
#[derive(Default)]
pub struct Case {
    pub asm: String,
    pub words: Vec<u32>,
    pub x: [u64; 8],
    pub xp: u8,
    pub nzcv: u64,
    pub fpcr: u64,
    pub v: [u128; 8],
    pub ex: [u64; 8],
    pub exp: u8,
    pub enzcv: u64,
    pub efpsr: u64,
    pub ev: [u128; 8],
    pub mem: Vec<(u16, u8)>,
}

/// Parse a cases file written by tests/oracle-gen/simd/gen.py: paragraphs of `key values`
/// lines, numbers in hexadecimal, `#` comments.
pub(super) fn parse_cases(text: &str) -> Vec<Case> {
    fn hex(t: &str) -> u128 {
        u128::from_str_radix(t, 16).unwrap_or_else(|e| panic!("bad number {t:?} in a cases file: {e}"))
    }
    fn eight<T: Copy + Default>(vals: &[u128], f: impl Fn(u128) -> T) -> [T; 8] {
        assert_eq!(vals.len(), 8, "a register list of a case must have 8 values");
        let mut out = [T::default(); 8];
        for (o, &v) in out.iter_mut().zip(vals) {
            *o = f(v);
        }
        out
    }
    let mut cases = Vec::new();
    for para in text.split("\n\n") {
        let mut c = Case::default();
        let mut fields = 0;
        for line in para.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            fields += 1;
            if key == "asm" {
                c.asm = rest.replace("; ", "\n");
                continue;
            }
            if key == "mem" {
                c.mem = rest
                    .split_whitespace()
                    .map(|t| {
                        let (o, b) = t.split_once(':').expect("mem entries are offset:value");
                        (hex(o) as u16, hex(b) as u8)
                    })
                    .collect();
                continue;
            }
            let vals: Vec<u128> = rest.split_whitespace().map(hex).collect();
            let one = || *vals.first().expect("a value");
            match key {
                "words" => c.words = vals.iter().map(|&w| w as u32).collect(),
                "x" => c.x = eight(&vals, |v| v as u64),
                "xp" => c.xp = one() as u8,
                "nzcv" => c.nzcv = one() as u64,
                "fpcr" => c.fpcr = one() as u64,
                "v" => c.v = eight(&vals, |v| v),
                "ex" => c.ex = eight(&vals, |v| v as u64),
                "exp" => c.exp = one() as u8,
                "enzcv" => c.enzcv = one() as u64,
                "efpsr" => c.efpsr = one() as u64,
                "ev" => c.ev = eight(&vals, |v| v),
                _ => panic!("unknown field {key:?} in a cases file"),
            }
        }
        match fields {
            0 => {}
            13 => cases.push(c),
            n => panic!("a case with {n} fields (13 expected): {}", c.asm),
        }
    }
    cases
}

const BUFSZ: usize = 512;
const CODE: u64 = 0x10000;

struct Code<'a> {
    base: u64,
    words: &'a [u32],
}

impl CodeFetch for Code<'_> {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        let off = addr.checked_sub(self.base)?;
        if off % 4 != 0 {
            return None;
        }
        self.words.get((off / 4) as usize).copied()
    }
}

fn init_mem() -> Vec<u8> {
    (0..BUFSZ).map(|i| if i % 7 == 3 { 0 } else { (i * 37 + 11) as u8 }).collect()
}

/// Run `words` from `base` until the pc leaves them, in the FP environment of the state's
/// FPCR (folded into its FPSR at the end), as the engine does. Err on a trap.
pub(super) fn run_on(words: &[u32], base: u64, st: &mut CpuState, backend: Backend) -> Result<(), String> {
    let code = Code { base, words };
    let end = base + 4 * words.len() as u64;
    let mut interp = Interp::new();
    st.write_u64(PC, base);
    let ctl = st.read_u64(FPCR) as u32;
    // SAFETY: an A64 state with its trailer.
    unsafe { crate::guest::write_fp_trailer(st.as_mut_ptr(), STATE_SIZE, ctl) };
    let host = fpenv::enter(ctl);
    let mut r = Err("did not finish".to_string());
    for _ in 0..100 {
        let pc = st.read_u64(PC);
        if pc == end {
            r = Ok(());
            break;
        }
        let mut block = translate_block(&code, pc, &TranslateOpts::default());
        if let Err(e) = crate::ir::verify(&block) {
            r = Err(e);
            break;
        }
        crate::ir::opt::optimize(&mut block);
        // SAFETY: the state has the A64 layout and guest addresses are host addresses.
        let ok = match backend {
            Backend::Interp => match unsafe { interp.run(&block, st.as_mut_ptr(), 0, PC) } {
                Exit::Next => Ok(()),
                e => Err(format!("exit {e:?} at pc {:#x}", st.read_u64(PC))),
            },
            Backend::Jit => match unsafe { crate::jit::run_once(&block, st.as_mut_ptr(), 0, PC, exit_flag_offset(STATE_SIZE)) } {
                crate::jit::Exit::Jump { .. } | crate::jit::Exit::Indirect => Ok(()),
                e => Err(format!("exit {e:?} at pc {:#x}", st.read_u64(PC))),
            },
        };
        if let Err(e) = ok {
            r = Err(e);
            break;
        }
    }
    let f = fpenv::leave(host);
    let v = st.read_u64(FPSR) | f as u64;
    st.write_u64(FPSR, v);
    r
}

fn run(words: &[u32], base: u64, st: &mut CpuState) -> Result<(), String> {
    run_on(words, base, st, Backend::Interp)
}

pub(super) fn check(c: &Case, backend: Backend) -> Result<(), String> {
    let mut mem = init_mem();
    let base = mem.as_mut_ptr() as u64;
    let mut st = CpuState::new(STATE_SIZE);
    for i in 0..8 {
        let x = if c.xp >> i & 1 == 1 { base.wrapping_add(c.x[i]) } else { c.x[i] };
        st.write_u64(xreg(i as u32), x);
        st.write_u128(vreg(i as u32), c.v[i]);
    }
    st.write_u64(NZCV, c.nzcv);
    st.write_u64(FPCR, c.fpcr);
    run_on(&c.words, CODE, &mut st, backend)?;
    let mut errs = Vec::new();
    for i in 0..8 {
        let got = st.read_u64(xreg(i as u32));
        let rel = got.wrapping_sub(base) as i64;
        let (gp, gv) = if (-4096..BUFSZ as i64).contains(&rel) { (true, rel as u64) } else { (false, got) };
        if (gp, gv) != (c.exp >> i & 1 == 1, c.ex[i]) {
            errs.push(format!("x{i}: got {}{gv:#x}, want {}{:#x}", if gp { "buf+" } else { "" }, if c.exp >> i & 1 == 1 { "buf+" } else { "" }, c.ex[i]));
        }
        let gv = st.read_u128(vreg(i as u32));
        if gv != c.ev[i] {
            errs.push(format!("v{i}: got {gv:#034x}, want {:#034x}", c.ev[i]));
        }
    }
    let nz = st.read_u64(NZCV);
    if nz != c.enzcv {
        errs.push(format!("nzcv: got {nz:#x}, want {:#x}", c.enzcv));
    }
    let fpsr = st.read_u64(FPSR);
    if fpsr != c.efpsr {
        errs.push(format!("fpsr: got {fpsr:#x}, want {:#x}", c.efpsr));
    }
    let mut want = init_mem();
    for &(o, b) in &c.mem {
        want[o as usize] = b;
    }
    for i in 0..BUFSZ {
        if mem[i] != want[i] {
            errs.push(format!("mem[{i:#x}]: got {:#x}, want {:#x}", mem[i], want[i]));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join("; "))
    }
}

pub(super) fn check_all(cases: &[Case], backend: Backend) {
    let mut fails = Vec::new();
    for (n, c) in cases.iter().enumerate() {
        if let Err(e) = check(c, backend) {
            fails.push(format!("case {n} (fpcr {:#x}) [{}]: {e}", c.fpcr, c.asm.replace('\n', "; ")));
        }
    }
    assert!(fails.is_empty(), "{backend:?}: {} of {} cases failed:\n{}", fails.len(), cases.len(), fails.join("\n"));
}

const CASES: &str = include_str!("simd_tests/cases.txt");
const CASES_FPENV: &str = include_str!("simd_tests/cases_fpenv.txt");

#[test]
fn cases_files_parse() {
    for text in [CASES, CASES_FPENV] {
        let n = parse_cases(text).len();
        assert!(n > 0 && n == text.lines().filter(|l| l.starts_with("asm ")).count());
    }
}

#[test]
fn against_qemu() {
    check_all(&parse_cases(CASES), Backend::Interp);
}

#[test]
fn against_qemu_jit() {
    check_all(&parse_cases(CASES), Backend::Jit);
}

#[test]
fn fp_environment_against_qemu() {
    check_all(&parse_cases(CASES_FPENV), Backend::Interp);
}

#[test]
fn fp_environment_against_qemu_jit() {
    check_all(&parse_cases(CASES_FPENV), Backend::Jit);
}

/// LDR (literal) reads relative to the instruction's own address: place the code in the
/// buffer so the pc is a real (host = guest) address.
#[test]
fn ldr_literal() {
    let mut mem = init_mem();
    let base = mem.as_mut_ptr() as u64;
    let at = (base + 0x100) & !3;
    // ldr q0, .+32 ; ldr d1, .-16 ; ldr s2, .+4
    let words = [0x9c000100u32, 0x5cffff81, 0x1c000022];
    let mut st = CpuState::new(STATE_SIZE);
    st.write_u128(vreg(1), u128::MAX);
    st.write_u128(vreg(2), u128::MAX);
    run(&words, at, &mut st).unwrap();
    let rd = |a: u64, n: usize| (0..n).fold(0u128, |acc, i| acc | (mem[(a - base) as usize + i] as u128) << (8 * i));
    assert_eq!(st.read_u128(vreg(0)), rd(at + 32, 16));
    assert_eq!(st.read_u128(vreg(1)), rd(at + 4 - 16, 8));
    assert_eq!(st.read_u128(vreg(2)), rd(at + 8 + 4, 4));
}

/// Reserved encodings and unimplemented forms trap (SIGILL) rather than panicking.
#[test]
fn undefined_forms_trap() {
    let bad = [
        0x0ee08420u32, // add v0.1d, v1.1d, v0.1d (reserved)
        0x1ea02800,    // fadd with type=10 (reserved)
        0x1ee02800,    // fadd h0, h0, h0 (half precision: unimplemented)
        0x0ee05820,    // cnt with size=11 (reserved)
        0x7dc00000,    // ldr (SIMD) with size=01, opc=11 (reserved)
        0x2f00f400,    // fmov v.2d immediate form with Q=0 (reserved)
        0x4e20b400,    // sqdmulh with size=00 (reserved)
        0x0ee00c00,    // sqadd v0.1d (size=11 with Q=0: reserved)
        0x2e609c00,    // pmul with size=01 (reserved)
        0x0f008000,    // mul (by element) with size=00 (reserved)
        0x2ee24420,    // ushl v0.1d (size=11 with Q=0: reserved)
        0x5e224420,    // sshl b0 (scalar register shift with size!=11: reserved)
        0x6e70c820,    // fmaxnmv with sz=1 (reserved)
        0x2e30c820,    // fmaxnmv s0, v1.2s (Q=0: reserved)
        0x2f405420,    // sli with 64-bit lanes and Q=0 (reserved)
        0x2ee2c020,    // umull with size=11 (reserved)
    ];
    for (i, &w) in bad.iter().enumerate() {
        let mut st = CpuState::new(STATE_SIZE);
        let r = run(&[w], CODE, &mut st);
        assert!(r.is_err(), "insn {i} ({w:#010x}) did not trap");
    }
}

/// Every FP/AdvSIMD instruction (data processing or load/store) in the executable segments of
/// the committed test binaries and of Debian's busybox (when `tests/fetch-busybox.sh` has
/// fetched it) that capstone decodes must translate: these are what gcc and glibc emit. SVE
/// is outside this encoding space. Words capstone rejects (literal pools, padding) are
/// skipped, as are instructions of extensions ruser does not implement or advertise
/// (`not_implemented`): static glibc's read-only data shares the executable segment, so such
/// words do appear, as data.
#[test]
fn fp_simd_words_of_real_binaries_translate() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("testbins/aarch64"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.push(root.join("build/sysroot-arm64/bin/busybox"));
    files.sort();
    let (mut total, mut bad) = (0usize, std::collections::BTreeMap::<String, usize>::new());
    for f in files.iter().filter(|f| f.is_file()) {
        let Ok(bytes) = std::fs::read(f) else { continue };
        let Ok(elf) = goblin::elf::Elf::parse(&bytes) else { continue };
        if elf.header.e_machine != goblin::elf::header::EM_AARCH64 {
            continue;
        }
        for ph in elf.program_headers.iter().filter(|p| p.p_type == goblin::elf::program_header::PT_LOAD && p.is_executable()) {
            let Some(code) = bytes.get(ph.file_range()) else { continue };
            for word in code.chunks_exact(4) {
                let w = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
                let op0 = (w >> 25) & 0xf;
                let is_fp = op0 & 7 == 7 || (op0 & 5 == 4 && (w >> 26) & 1 == 1);
                if !is_fp {
                    continue;
                }
                let Some((m, ops)) = crate::disas::aarch64_mnemonic(w) else { continue };
                if not_implemented(&m, &ops).is_some() {
                    continue;
                }
                total += 1;
                let block = translate_block(&Code { base: CODE, words: &[w] }, CODE, &TranslateOpts::default());
                if matches!(block.term, crate::ir::Terminal::Trap { .. }) {
                    let name = f.file_name().unwrap().to_string_lossy();
                    *bad.entry(format!("{m} {ops} ({w:08x}, {name})")).or_default() += 1;
                }
            }
        }
    }
    assert!(total > 1000, "only {total} FP/SIMD words found: are the test binaries there?");
    assert!(bad.is_empty(), "{} of {total} FP/SIMD words do not translate:\n  {}", bad.len(), bad.keys().cloned().collect::<Vec<_>>().join("\n  "));
}

/// Why an instruction capstone decodes is outside what ruser implements (and advertises), if
/// it is: each such instruction raises SIGILL, as on a core without the feature.
fn not_implemented(mnemonic: &str, ops: &str) -> Option<&'static str> {
    const FEATURES: &[(&[&str], &str)] = &[
        (&["fcmla", "fcadd"], "FEAT_FCMA (complex numbers)"),
        (&["xar", "bcax", "eor3", "rax1"], "FEAT_SHA3"),
        (&["sha512h", "sha512h2", "sha512su0", "sha512su1"], "FEAT_SHA512"),
        (&["sm3ss1", "sm3tt1a", "sm3tt1b", "sm3tt2a", "sm3tt2b", "sm3partw1", "sm3partw2", "sm4e", "sm4ekey"], "FEAT_SM3/SM4"),
        (&["sqrdmlah", "sqrdmlsh"], "FEAT_RDM"),
        (&["at"], "address translation: EL1 only"),
    ];
    if let Some((_, why)) = FEATURES.iter().find(|(m, _)| m.contains(&mnemonic)) {
        return Some(why);
    }
    // Half-precision arithmetic (FEAT_FP16): an FP operation on h registers or .4h/.8h
    // lanes. Conversions to and from half precision are Armv8.0 and implemented.
    let half = ops.split([',', ' ']).any(|o| {
        let o = o.trim();
        (o.starts_with('h') && o[1..].parse::<u8>().is_ok()) || o.ends_with(".4h") || o.ends_with(".8h") || o.contains(".h[")
    });
    let fp_op = mnemonic.starts_with('f') && !mnemonic.starts_with("fcvt");
    (half && fp_op).then_some("FEAT_FP16 (half-precision arithmetic)")
}
