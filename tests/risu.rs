//! Differential instruction tester in the style of RISU: random valid A64 instruction
//! sequences run under qemu-aarch64 (the oracle) and under ruser (JIT and interpreter), and
//! every general and vector register, NZCV, FPSR, FPCR and the scratch memory must agree.
//! How it works and how to run it: tests/risu/README.md.
//!
//! Environment:
//! * `RUSER_RISU_CLASS=int,ldst,fp,simd` runs only these classes; `RUSER_RISU_SEED=N`
//!   (default 1) and `RUSER_RISU_ITERS=N` (cases per class) choose the cases; `RUSER_RISU_CASE=K` runs the single case K of the seed.
//! * `RUSER_RISU_ONLY_DECODED=1` draws only instructions ruser's decoder accepts (to look past
//!   the unimplemented ones; never in CI).
//! * `RUSER_RISU_FPCR=V` gives every case that FPCR (a development aid, like the above).
//! * `RUSER_RISU_BACKENDS=jit,interp` (default both), `RUSER_RISU_QEMU_CPU` (default
//!   cortex-a57, an Armv8.0 core).
//! * `tests/risu/regressions.txt` is always replayed.

mod common;
#[path = "risu/gen.rs"]
mod gen;
#[path = "risu/rows.rs"]
mod rows;
#[path = "risu/run.rs"]
mod run;

use gen::{Case, Class, Gen, Rng};
use run::{differences, Emu, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Classes that run in CI, with their case counts.
const CI: &[(Class, u64)] = &[(Class::Int, 1500), (Class::Ldst, 1500), (Class::Fp, 1500), (Class::Simd, 1500)];
/// Case count of a class run on demand.
const ON_DEMAND_ITERS: u64 = 400;
const DEFAULT_SEED: u64 = 1;
/// Failing cases reported in full, per backend.
const DETAILED: usize = 6;
/// Failing cases whose first diverging instruction is searched, per backend.
const LOCATED: usize = 150;

/// `RUSER_RISU_LOCATE=N` overrides LOCATED.
fn located_max() -> usize {
    env_u64("RUSER_RISU_LOCATE").map_or(LOCATED, |n| n as usize)
}

fn env_u64(name: &str) -> Option<u64> {
    let s = std::env::var(name).ok()?;
    let s = s.trim();
    let v = if let Some(h) = s.strip_prefix("0x") { u64::from_str_radix(h, 16) } else { s.parse() };
    Some(v.unwrap_or_else(|e| panic!("{name}={s}: {e}")))
}

fn classes_requested() -> Option<Vec<Class>> {
    let s = std::env::var("RUSER_RISU_CLASS").ok()?;
    Some(s.split(',').filter(|t| !t.trim().is_empty()).map(|t| Class::parse(t.trim()).unwrap_or_else(|| panic!("RUSER_RISU_CLASS: unknown class {t}"))).collect())
}

fn backends() -> Vec<Emu> {
    let s = std::env::var("RUSER_RISU_BACKENDS").unwrap_or_else(|_| "jit,interp".into());
    s.split(',').filter(|t| !t.is_empty()).map(|b| Emu::ruser(b.trim())).collect()
}

fn oracle() -> Emu {
    Emu::qemu(&std::env::var("RUSER_RISU_QEMU_CPU").unwrap_or_else(|_| "cortex-a57".into()))
}

fn tools_ok(test: &str) -> bool {
    common::require_tool("qemu-aarch64", test)
}

/// Where a case came from, for reports.
#[derive(Clone)]
struct Origin {
    class: Class,
    seed: u64,
    index: u64,
    explicit: bool,
}

impl Origin {
    fn reproduce(&self) -> String {
        if self.explicit {
            format!("tests/risu/regressions.txt: {} {} {} code ...", self.class.name(), self.seed, self.index)
        } else {
            // The development aids change the cases: repeat them.
            let mut extra = String::new();
            for v in ["RUSER_RISU_ONLY_DECODED", "RUSER_RISU_FPCR"] {
                if let Ok(x) = std::env::var(v) {
                    extra += &format!("{v}={x} ");
                }
            }
            format!(
                "{extra}RUSER_RISU_CLASS={} RUSER_RISU_SEED={} RUSER_RISU_CASE={} cargo test --release --test risu -- --nocapture",
                self.class.name(),
                self.seed,
                self.index
            )
        }
    }
}

/// Run the cases on the oracle and every backend; Err holds the report.
fn check(title: &str, cases: &[Case], origins: &[Origin]) -> Result<(), String> {
    let oracle = oracle();
    let emus = backends();
    let t0 = std::time::Instant::now();
    let (want, gots) = std::thread::scope(|s| {
        let w = s.spawn(|| oracle.run(cases));
        let g: Vec<_> = emus.iter().map(|e| s.spawn(|| e.run(cases))).collect();
        (w.join().expect("oracle thread"), g.into_iter().map(|h| h.join().expect("backend thread")).collect::<Vec<_>>())
    });
    let faults = want.iter().filter(|o| matches!(o, Outcome::Fault(_))).count();
    // Sanity: the cases must do something (a harness that loses the state would agree too).
    let changed = (0..cases.len())
        .filter(|&i| match &want[i] {
            Outcome::Done(r) => r.0.x != cases[i].x || r.0.v != cases[i].v || r.0.nzcv != cases[i].nzcv || r.1 != cases[i].mem,
            Outcome::Fault(_) => false,
        })
        .count();
    let insns: usize = cases.iter().map(|c| c.units.len()).sum();
    eprintln!(
        "risu {title}: {} cases, {insns} instructions, {changed} change the state, {faults} fault under qemu, {:.1} s",
        cases.len(),
        t0.elapsed().as_secs_f64()
    );

    let cs = gen::capstone();
    let mut report = String::new();
    for (emu, got) in emus.iter().zip(&gots) {
        let failing: Vec<usize> = (0..cases.len()).filter(|&i| !differences(&cases[i], &want[i], &got[i], "ruser").is_empty()).collect();
        if failing.is_empty() {
            continue;
        }
        let _ = writeln!(report, "\n##### {title}: {} of {} cases differ between qemu and {}", failing.len(), cases.len(), emu.label);
        // Locate the first diverging instruction of each failing case (all prefixes in one batch).
        let located: Vec<Option<(usize, String)>> = {
            let sel: Vec<usize> = failing.iter().copied().take(located_max()).collect();
            let mut prefixes = Vec::new();
            for &i in &sel {
                for k in 1..=cases[i].units.len() {
                    prefixes.push(cases[i].prefix(k));
                }
            }
            let (pw, pg) = std::thread::scope(|s| {
                let a = s.spawn(|| oracle.run(&prefixes));
                let b = s.spawn(|| emu.run(&prefixes));
                (a.join().expect("oracle"), b.join().expect("backend"))
            });
            let mut at = 0;
            sel.iter()
                .map(|&i| {
                    let n = cases[i].units.len();
                    let r = (0..n).find(|&k| !differences(&prefixes[at + k], &pw[at + k], &pg[at + k], "x").is_empty());
                    let how = r.map(|k| match (&pw[at + k], &pg[at + k]) {
                        (Outcome::Done(_), Outcome::Fault(f)) => format!("ruser: {f}"),
                        (Outcome::Fault(f), Outcome::Done(_)) => format!("qemu: {f}"),
                        (Outcome::Done(w), Outcome::Done(g)) => {
                            let mut what = Vec::new();
                            if w.0.x != g.0.x || w.0.v != g.0.v || w.1 != g.1 {
                                what.push("values");
                            }
                            if w.0.nzcv != g.0.nzcv {
                                what.push("nzcv");
                            }
                            if w.0.fpsr != g.0.fpsr {
                                what.push("fpsr");
                            }
                            what.join("+")
                        }
                        _ => "faults differ".into(),
                    });
                    at += n;
                    r.zip(how)
                })
                .collect()
        };
        // Group by the first diverging instruction's mnemonic.
        let mut groups: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
        for (j, &i) in failing.iter().enumerate().take(located_max()) {
            let (key, text) = match &located[j] {
                Some((k, how)) => {
                    let (m, o) = run::unit_text(&cs, &cases[i], *k);
                    (format!("{m:<10} {how}"), format!("{m} {o}"))
                }
                None => ("(whole case)".into(), String::new()),
            };
            let e = groups.entry(key).or_insert((0, origins[i].reproduce(), text));
            e.0 += 1;
        }
        let _ = writeln!(report, "first diverging instruction, grouped (count, example, how to reproduce it):");
        for (m, (n, repro, text)) in &groups {
            let _ = writeln!(report, "  {m:<34} {n:>4}  e.g. `{text}`\n      {repro}");
        }
        for (j, &i) in failing.iter().enumerate().take(DETAILED) {
            let o = &origins[i];
            let _ = writeln!(report, "\n=== {} seed {} case {}: {} differs from qemu", o.class.name(), o.seed, o.index, emu.label);
            let _ = writeln!(report, "  reproduce: {}", o.reproduce());
            let _ = writeln!(report, "  code (after the harness prologue):\n{}", run::listing(&cs, &cases[i], located.get(j).and_then(|l| l.as_ref().map(|l| l.0))));
            let _ = writeln!(report, "  differences:");
            for d in differences(&cases[i], &want[i], &got[i], &emu.label) {
                let _ = writeln!(report, "    {d}");
            }
            let _ = writeln!(report, "  initial state:\n{}", run::initial_state(&cases[i], o.class));
        }
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(report)
    }
}

fn run_class(class: Class, in_ci: Option<u64>) {
    let test = format!("risu_{}", class.name());
    let requested = classes_requested();
    let iters = match (&requested, in_ci) {
        (Some(list), _) if !list.contains(&class) => return,
        (None, None) => {
            eprintln!("note: {test} runs on demand: RUSER_RISU_CLASS={} cargo test --release --test risu", class.name());
            return;
        }
        (_, ci) => env_u64("RUSER_RISU_ITERS").or(ci).unwrap_or(ON_DEMAND_ITERS),
    };
    if !tools_ok(&test) {
        return;
    }
    let seed = env_u64("RUSER_RISU_SEED").unwrap_or(DEFAULT_SEED);
    let indices: Vec<u64> = match env_u64("RUSER_RISU_CASE") {
        Some(k) => vec![k],
        None => (0..iters).collect(),
    };
    let mut gen = Gen::new();
    if std::env::var("RUSER_RISU_ONLY_DECODED").is_ok_and(|v| v == "1") {
        // Development aid: leave out what ruser does not implement, to see the other bugs.
        gen = gen.with_filter(ruser_decodes);
    }
    let mut cases: Vec<Case> = indices.iter().map(|&i| gen.case(class, seed, i)).collect();
    if let Some(fpcr) = env_u64("RUSER_RISU_FPCR") {
        // Development aid: one FPCR for every case (e.g. 0 to leave rounding modes, FZ and DN out).
        cases.iter_mut().for_each(|c| c.fpcr = fpcr);
    }
    let origins: Vec<Origin> = indices.iter().map(|&index| Origin { class, seed, index, explicit: false }).collect();
    if let Err(r) = check(&format!("{} seed {seed}", class.name()), &cases, &origins) {
        panic!("{r}");
    }
}

#[test]
fn risu_int() {
    run_class(Class::Int, CI.iter().find(|c| c.0 == Class::Int).map(|c| c.1));
}

#[test]
fn risu_ldst() {
    run_class(Class::Ldst, CI.iter().find(|c| c.0 == Class::Ldst).map(|c| c.1));
}

#[test]
fn risu_fp() {
    run_class(Class::Fp, CI.iter().find(|c| c.0 == Class::Fp).map(|c| c.1));
}

#[test]
fn risu_simd() {
    run_class(Class::Simd, CI.iter().find(|c| c.0 == Class::Simd).map(|c| c.1));
}

/// tests/risu/regressions.txt: `CLASS SEED CASE [code WORD...]  # why`, one per line. The
/// case is regenerated from (CLASS, SEED, CASE); with `code`, its instructions are replaced by
/// the listed hex words (which then do not depend on the generator).
#[test]
fn risu_regressions() {
    if classes_requested().is_some() || !tools_ok("risu_regressions") {
        return;
    }
    let text = std::fs::read_to_string(common::repo_root().join("tests/risu/regressions.txt")).expect("regressions.txt");
    let gen = Gen::new();
    let (mut cases, mut origins) = (Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        let bad = || -> ! { panic!("regressions.txt line {}: expected CLASS SEED CASE [code WORD...]", n + 1) };
        if t.len() < 3 {
            bad();
        }
        let class = Class::parse(t[0]).unwrap_or_else(|| bad());
        let seed: u64 = t[1].parse().unwrap_or_else(|_| bad());
        let index: u64 = t[2].parse().unwrap_or_else(|_| bad());
        let mut case = gen.case(class, seed, index);
        let explicit = t.len() > 3;
        if explicit {
            if t[3] != "code" {
                bad();
            }
            case.code = t[4..].iter().map(|w| u32::from_str_radix(w.trim_start_matches("0x"), 16).unwrap_or_else(|_| bad())).collect();
            case.units = vec![1; case.code.len()];
            case.main = vec![0; case.code.len()];
        }
        cases.push(case);
        origins.push(Origin { class, seed, index, explicit });
    }
    if cases.is_empty() {
        return;
    }
    if let Err(r) = check("regressions", &cases, &origins) {
        panic!("{r}");
    }
}

/// Every row can produce instructions that capstone accepts, and generation is a function of
/// (class, seed, case) only.
#[test]
fn risu_generator() {
    let gen = Gen::new();
    let mut rng = Rng::new(7);
    let mut dead = Vec::new();
    for class in Class::ALL {
        for name in gen.row_names(class) {
            if gen.insn_of_row(class, name, &mut rng).is_none() {
                dead.push(format!("{}: {name}", class.name()));
            }
        }
        let a = gen.case(class, 3, 17);
        let b = gen.case(class, 3, 17);
        assert_eq!(a.code, b.code);
        assert_eq!(a.x, b.x);
        assert_eq!(a.units.iter().sum::<usize>(), a.code.len());
    }
    assert!(dead.is_empty(), "rows that never produce an instruction capstone accepts: {dead:?}");
}

/// `RUSER_RISU_STATS=1`: print how often each mnemonic appears in the cases of each class
/// (seed and count from the usual variables), to check what the generator covers.
#[test]
fn risu_stats() {
    if std::env::var("RUSER_RISU_STATS").is_err() {
        return;
    }
    let gen = Gen::new();
    let cs = gen::capstone();
    let seed = env_u64("RUSER_RISU_SEED").unwrap_or(DEFAULT_SEED);
    let iters = env_u64("RUSER_RISU_ITERS").unwrap_or(ON_DEMAND_ITERS);
    for class in classes_requested().unwrap_or(Class::ALL.to_vec()) {
        let mut hist: BTreeMap<String, usize> = BTreeMap::new();
        let mut undef: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for i in 0..iters {
            let c = gen.case(class, seed, i);
            for k in 0..c.units.len() {
                let (m, o) = run::unit_text(&cs, &c, k);
                let word = c.code[c.unit_start(k) + c.main[k]];
                if !ruser_decodes(word) {
                    let e = undef.entry(m.clone()).or_insert((0, format!("{word:08x} {m} {o} (case {i})")));
                    e.0 += 1;
                }
                *hist.entry(m).or_default() += 1;
            }
        }
        let line: Vec<String> = hist.iter().map(|(m, n)| format!("{m}:{n}")).collect();
        eprintln!("{} ({} mnemonics): {}", class.name(), hist.len(), line.join(" "));
        for (m, (n, example)) in &undef {
            eprintln!("  undefined in ruser: {m} ({n} of {}), e.g. {example}", hist[m]);
        }
    }
}

/// Whether ruser's translator accepts `word` (does not make it an undefined-instruction trap).
fn ruser_decodes(word: u32) -> bool {
    use ruser::guest::{CodeFetch, TranslateOpts};
    use ruser::ir::{Terminal, Trap};
    struct One(u32);
    impl CodeFetch for One {
        fn fetch32(&self, addr: u64) -> Option<u32> {
            (addr == 0x10000).then_some(self.0)
        }
    }
    let b = ruser::guest::aarch64::translate::translate_block(&One(word), 0x10000, &TranslateOpts::default());
    !matches!(b.term, Terminal::Trap { trap: Trap::Undefined { .. }, pc: 0x10000 })
}

/// `RUSER_RISU_SHOW=CLASS:SEED:CASE`: print the case's listing and initial state.
#[test]
fn risu_show() {
    let Ok(spec) = std::env::var("RUSER_RISU_SHOW") else { return };
    let t: Vec<&str> = spec.split(':').collect();
    let class = Class::parse(t[0]).expect("class");
    let (seed, index) = (t[1].parse().expect("seed"), t[2].parse().expect("case"));
    let case = Gen::new().case(class, seed, index);
    eprintln!("{}{}", run::listing(&gen::capstone(), &case, None), run::initial_state(&case, class));
}
