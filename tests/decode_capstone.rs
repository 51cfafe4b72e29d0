//! Decoder check against capstone: for every decode row, sample encodings (fixed bits from
//! the row, don't-care bits from fixed and pseudo-random patterns); for each sample that our
//! lookup maps to that row and our handler accepts, capstone must decode it too, with a
//! mnemonic of the same family as the row's name (allowing capstone's preferred aliases).

use ruser::guest::aarch64::decode::{all_rows, lookup};
use ruser::guest::aarch64::translate::translate_block;
use ruser::guest::{CodeFetch, TranslateOpts};
use ruser::ir::{Terminal, Trap};

const PC: u64 = 0x10000;
const SAMPLES: usize = 24;

struct One(u32);

impl CodeFetch for One {
    fn fetch32(&self, addr: u64) -> Option<u32> {
        (addr == PC).then_some(self.0)
    }
}

/// Whether our translator accepts `word` (does not turn it into an undefined-instruction trap).
fn accepted(word: u32) -> bool {
    let b = translate_block(&One(word), PC, &TranslateOpts::default());
    !matches!(b.term, Terminal::Trap { trap: Trap::Undefined { .. }, pc: PC })
}

/// Capstone's preferred aliases: capstone mnemonic -> the row names (instruction families)
/// it may stand for.
static ALIASES: &[(&str, &[&str])] = &[
    ("mov", &["orr", "add", "movz", "movn", "umov", "ins", "dup", "orr_v"]),
    ("cmp", &["subs"]),
    ("cmn", &["adds"]),
    ("tst", &["ands"]),
    ("neg", &["sub"]),
    ("negs", &["subs"]),
    ("ngc", &["sbc"]),
    ("ngcs", &["sbcs"]),
    ("mvn", &["orn", "not"]),
    ("lsl", &["ubfm", "lslv"]),
    ("lsr", &["ubfm", "lsrv"]),
    ("asr", &["sbfm", "asrv"]),
    ("ror", &["extr", "rorv"]),
    ("sxtb", &["sbfm"]),
    ("sxth", &["sbfm"]),
    ("sxtw", &["sbfm"]),
    ("sbfx", &["sbfm"]),
    ("sbfiz", &["sbfm"]),
    ("uxtb", &["ubfm"]),
    ("uxth", &["ubfm"]),
    ("ubfx", &["ubfm"]),
    ("ubfiz", &["ubfm"]),
    ("bfi", &["bfm"]),
    ("bfxil", &["bfm"]),
    ("bfc", &["bfm"]),
    ("cset", &["csinc"]),
    ("cinc", &["csinc"]),
    ("csetm", &["csinv"]),
    ("cinv", &["csinv"]),
    ("cneg", &["csneg"]),
    ("mul", &["madd"]),
    ("mneg", &["msub"]),
    ("smull", &["smaddl"]),
    ("smnegl", &["smsubl"]),
    ("umull", &["umaddl"]),
    ("umnegl", &["umsubl"]),
    ("rev64", &["rev"]),
    ("ssbb", &["dsb"]),
    ("pssbb", &["dsb"]),
    ("dc", &["sys"]),
    ("fcmpe", &["fcmp"]),
    ("fccmpe", &["fccmp"]),
    ("ic", &["sys"]),
];

/// The LSE ST<op> aliases (LD<op> with Rt = XZR, no acquire): `staddlb` stands for
/// `ldaddlb`, and so on.
fn lse_store_alias(fam: &str) -> Option<String> {
    let rest = fam.strip_prefix("st")?;
    ["add", "clr", "eor", "set", "smax", "smin", "umax", "umin"]
        .iter()
        .any(|op| rest.starts_with(op))
        .then(|| format!("ld{rest}"))
}

/// Mnemonics that are hints (the HINT space).
fn is_hint(mn: &str) -> bool {
    matches!(
        mn,
        "nop"
            | "yield"
            | "wfe"
            | "wfi"
            | "sev"
            | "sevl"
            | "hint"
            | "dgh"
            | "esb"
            | "psb"
            | "tsb"
            | "csdb"
            | "bti"
            | "xpaclri"
            | "clrbhb"
            | "chkfeat"
            | "gcsb"
    ) || mn.starts_with("pac")
        || mn.starts_with("aut")
}

/// The instruction family of a capstone mnemonic: lower case, condition suffix dropped.
fn family(mn: &str) -> String {
    let mn = mn.to_ascii_lowercase();
    match mn.split_once('.') {
        Some((head, _)) if head == "b" || head == "bc" => head.to_string(),
        _ => mn,
    }
}

/// Whether a capstone (or objdump) mnemonic fits a row name. A row name is either one
/// mnemonic family ("ldr", "csinc") or a descriptive group name ("fp 2-source", "fp<->int",
/// "ldp/stp simd (pre)"). For a group name, the mnemonic must match one of its words when
/// one of them is a known mnemonic spelling; a purely descriptive group ("simd copy") only
/// requires that the word decodes.
fn consistent(row_name: &str, cs_mn: &str) -> bool {
    let fam = family(cs_mn);
    let matches = |name: &str| {
        fam == name
            || (name == "hint" && is_hint(&fam))
            || ALIASES.iter().any(|(a, names)| *a == fam && names.contains(&name))
            || lse_store_alias(&fam).is_some_and(|ld| ld == name)
    };
    if matches(row_name) {
        return true;
    }
    if row_name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.') {
        return false;
    }
    // Group name: strip parenthesised qualifiers, split into words.
    let mut plain = String::new();
    let mut depth = 0;
    for c in row_name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> =
        plain.split(|c: char| !c.is_ascii_alphanumeric() && c != '-').filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| matches(w)) {
        return true;
    }
    // None of the words is the mnemonic: fine when the name is purely descriptive, i.e. its
    // first word is not itself an instruction family capstone could print.
    !words.first().is_some_and(|w| MNEMONIC_LIKE.contains(w))
}

/// Words in group names that are mnemonics (so a group named with them must match them).
static MNEMONIC_LIKE: &[&str] =
    &["ldr", "str", "ldp", "stp", "ldnp", "stnp", "ldur", "stur", "fmov", "fcmp", "fccmp", "fcsel"];

/// GNU objdump's mnemonics for `words` (in order), or `None` if the binutils are missing.
/// Used as a second opinion when capstone cannot decode a word: capstone 5 rejects some valid
/// encodings (LDTR loads, constrained-unpredictable register overlaps that hardware executes).
fn objdump_mnemonics(words: &[u32]) -> Option<Vec<String>> {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("ruser-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let (src, obj) = (dir.join("w.s"), dir.join("w.o"));
    let text: String = words.iter().map(|w| format!(".inst 0x{w:08x}\n")).collect();
    std::fs::write(&src, text).ok()?;
    let ok = Command::new("aarch64-linux-gnu-as").arg("-o").arg(&obj).arg(&src).status().ok()?.success();
    if !ok {
        return None;
    }
    let out = Command::new("aarch64-linux-gnu-objdump").arg("-d").arg(&obj).output().ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    let mut res = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // "   0:\t38400800 \tldtrb\tw0, [x0]"
        let mut f = line.split('\t');
        let (Some(addr), Some(_), Some(mn)) = (f.next(), f.next(), f.next()) else { continue };
        if addr.trim_end().ends_with(':') {
            res.push(mn.trim().to_string());
        }
    }
    (res.len() == words.len()).then_some(res)
}

#[test]
fn rows_agree_with_capstone() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 32) as u32
    };
    let mut checked = 0usize;
    let mut mismatches = Vec::new();
    let mut second_opinion = Vec::new();
    for row in all_rows() {
        let mut seen = std::collections::HashSet::new();
        for k in 0..SAMPLES {
            let dc = match k {
                0 => 0,
                1 => u32::MAX,
                2 => 0x5555_5555,
                3 => 0xaaaa_aaaa,
                _ => next(),
            };
            let word = row.value | (dc & !row.mask);
            if !seen.insert(word) {
                continue;
            }
            let Some(found) = lookup(word) else { continue };
            if !std::ptr::eq(found, row) || !accepted(word) {
                continue;
            }
            checked += 1;
            match ruser::disas::aarch64_mnemonic(word) {
                None => second_opinion.push((word, row)),
                Some((mn, ops)) => {
                    if !consistent(row.name, &mn) {
                        mismatches.push(format!(
                            "{word:08x}: row `{}` ({}), capstone says `{mn} {ops}`",
                            row.name, row.pattern
                        ));
                    }
                }
            }
        }
    }
    if !second_opinion.is_empty() {
        let words: Vec<u32> = second_opinion.iter().map(|p| p.0).collect();
        match objdump_mnemonics(&words) {
            Some(mns) => {
                for ((word, row), mn) in second_opinion.iter().zip(mns) {
                    if mn.starts_with('.') || mn.starts_with("udf") && row.name != "udf" || !consistent(row.name, &mn) {
                        mismatches.push(format!(
                            "{word:08x}: row `{}` ({}) accepts it, capstone does not decode it, objdump says `{mn}`",
                            row.name, row.pattern
                        ));
                    }
                }
            }
            None => {
                for (word, row) in &second_opinion {
                    mismatches.push(format!(
                        "{word:08x}: row `{}` ({}) accepts it, capstone does not decode it",
                        row.name, row.pattern
                    ));
                }
            }
        }
    }
    eprintln!("checked {checked} encodings, {} mismatches", mismatches.len());
    assert!(checked > 0);
    assert!(mismatches.is_empty(), "decoder disagrees with capstone:\n{}", mismatches.join("\n"));
}
