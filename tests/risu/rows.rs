//! The encoding rows of the differential tester, one table per class (see gen.rs for the
//! pattern syntax). Armv8.0 only: branches, system instructions, exclusives and atomics are
//! left out; within each group capstone rejects the unallocated field combinations.
//!
//! Field letters used below: d/t/u destination and data registers, n first source (or the
//! load/store base), m second source (or index), a addend, s/y size or type and so on.
//! In load/store rows `o` is always the register-offset option (UXTW, LSL, SXTW, SXTX),
//! which tells the generator how to set the index register.

use crate::gen::{Class, Row, F, F::*};

macro_rules! row {
    ($name:expr, $pat:expr) => {
        Row { name: $name, pat: $pat, fields: &[], ne: &[] }
    };
    ($name:expr, $pat:expr, [$($f:expr => $k:expr),* $(,)?]) => {
        Row { name: $name, pat: $pat, fields: &[$(($f, $k)),*], ne: &[] }
    };
    ($name:expr, $pat:expr, [$($f:expr => $k:expr),* $(,)?], ne [$($a:expr, $b:expr);* $(;)?]) => {
        Row { name: $name, pat: $pat, fields: &[$(($f, $k)),*], ne: &[$(($a, $b)),*] }
    };
}

const ABC: F = Vals(&[0, 1, 2]);

// ---------------------------------------------------------------- int

pub static INT: &[Row] = &[
    row!("adr", "0ii10000 iiiiiiii iiiiiiii iiiddddd"),
    row!("adrp", "1ii10000 iiiiiiii iiiiiiii iiiddddd"),
    row!("add/sub imm", "so010001 0hiiiiii iiiiiinn nnnddddd", ['d' => NoSp]),
    row!("adds/subs imm", "so110001 0hiiiiii iiiiiinn nnnddddd"),
    row!("logic imm w", "0oo10010 00rrrrrr ssssssnn nnnddddd", ['o' => ABC, 'd' => NoSp]),
    row!("ands imm w", "01110010 00rrrrrr ssssssnn nnnddddd"),
    row!("logic imm x", "1oo10010 0Nrrrrrr ssssssnn nnnddddd", ['o' => ABC, 'd' => NoSp]),
    row!("ands imm x", "11110010 0Nrrrrrr ssssssnn nnnddddd"),
    row!("movn/z/k w", "0oo10010 10hiiiii iiiiiiii iiiddddd", ['o' => Vals(&[0, 2, 3])]),
    row!("movn/z/k x", "1oo10010 1hhiiiii iiiiiiii iiiddddd", ['o' => Vals(&[0, 2, 3])]),
    row!("bitfield w", "0oo10011 00rrrrrr ssssssnn nnnddddd", ['o' => ABC, 'r' => R(0, 31), 's' => R(0, 31)]),
    row!("bitfield x", "1oo10011 01rrrrrr ssssssnn nnnddddd", ['o' => ABC]),
    row!("extr w", "00010011 100mmmmm 0sssssnn nnnddddd"),
    row!("extr x", "10010011 110mmmmm ssssssnn nnnddddd"),
    row!("logic reg w", "0oo01010 hhNmmmmm 0iiiiinn nnnddddd"),
    row!("logic reg x", "1oo01010 hhNmmmmm iiiiiinn nnnddddd"),
    row!("add/sub reg w", "0oS01011 hh0mmmmm 0iiiiinn nnnddddd", ['h' => ABC]),
    row!("add/sub reg x", "1oS01011 hh0mmmmm iiiiiinn nnnddddd", ['h' => ABC]),
    row!("add/sub ext", "so001011 001mmmmm eeeiiinn nnnddddd", ['i' => R(0, 4), 'd' => NoSp]),
    row!("adds/subs ext", "so101011 001mmmmm eeeiiinn nnnddddd", ['i' => R(0, 4)]),
    row!("adc/sbc", "soS11010 000mmmmm 000000nn nnnddddd"),
    row!("ccmn/ccmp reg", "so111010 010mmmmm cccc00nn nnn0ffff"),
    row!("ccmn/ccmp imm", "so111010 010iiiii cccc10nn nnn0ffff"),
    row!("csel/csinc/csinv/csneg", "so011010 100mmmmm cccc0pnn nnnddddd"),
    row!("udiv/sdiv", "s0011010 110mmmmm 00001unn nnnddddd"),
    row!("lslv/lsrv/asrv/rorv", "s0011010 110mmmmm 0010oonn nnnddddd"),
    row!("rbit/rev16/rev32/rev/clz/cls", "s1011010 11000000 000ooonn nnnddddd", ['o' => Vals(&[0, 1, 2, 3, 4, 5])]),
    row!("madd/msub", "s0011011 000mmmmm paaaaann nnnddddd"),
    row!("smaddl/umaddl/smsubl/umsubl", "10011011 u01mmmmm paaaaann nnnddddd"),
    row!("smulh/umulh", "10011011 u10mmmmm 011111nn nnnddddd"),
    // CRC32B/H/W/X and CRC32CB/CH/CW/CX (optional in Armv8.0, but a Cortex-A57 has it);
    // capstone rejects the size/sf pairs that do not exist.
    row!("crc32/crc32c", "s0011010 110mmmmm 010czznn nnnddddd"),
    row!("mrs nzcv", "11010101 00111011 01000010 000ddddd"),
    // forward branches inside the case (or onto the harness's branch back)
    row!("b", "000101ii iiiiiiii iiiiiiii iiiiiiii", ['i' => Fwd]),
    row!("bl", "100101ii iiiiiiii iiiiiiii iiiiiiii", ['i' => Fwd]),
    row!("b.cond", "01010100 iiiiiiii iiiiiiii iii0cccc", ['i' => Fwd]),
    row!("cbz/cbnz", "s011010o iiiiiiii iiiiiiii iiittttt", ['i' => Fwd]),
    row!("tbz/tbnz", "b011011o bbbbbiii iiiiiiii iiittttt", ['i' => Fwd]),
    row!("br/blr/ret", "11010110 0oo11111 000000nn nnn00000", ['o' => ABC, 'n' => Target]),
    row!("msr nzcv", "11010101 00011011 01000010 000ttttt"),
];

// ---------------------------------------------------------------- ldst

pub static LDST: &[Row] = &[
    // general registers
    row!("ldr/str b uimm", "00111001 ppiiiiii iiiiiinn nnnttttt", ['i' => R(0, 1023), 'n' => Base]),
    row!("ldr/str h uimm", "01111001 ppiiiiii iiiiiinn nnnttttt", ['i' => R(0, 511), 'n' => Base]),
    row!("ldr/str w uimm", "10111001 ppiiiiii iiiiiinn nnnttttt", ['p' => ABC, 'i' => R(0, 255), 'n' => Base]),
    row!("ldr/str x uimm", "11111001 ppiiiiii iiiiiinn nnnttttt", ['p' => ABC, 'i' => R(0, 127), 'n' => Base]),
    row!("ldur/stur", "zz111000 pp0iiiii iiii00nn nnnttttt", ['n' => Base]),
    row!("ldtr/sttr", "zz111000 pp0iiiii iiii10nn nnnttttt", ['n' => Base]),
    row!("ldr/str post/pre", "zz111000 pp0iiiii iiiiw1nn nnnttttt", ['n' => Base], ne['t', 'n']),
    row!("ldr/str reg", "zz111000 pp1mmmmm oooS10nn nnnttttt", ['o' => Vals(&[2, 3, 6, 7]), 'm' => Idx, 'n' => Base]),
    row!("ldr literal", "pp011000 iiiiiiii iiiiiiii iiittttt", ['i' => R(-16, 600)]),
    row!("ldp/stp", "pp101001 0Liiiiii iuuuuunn nnnttttt", ['p' => ABC, 'n' => Base], ne['t', 'u']),
    row!("ldp/stp post", "pp101000 1Liiiiii iuuuuunn nnnttttt", ['p' => ABC, 'n' => Base], ne['t', 'u'; 't', 'n'; 'u', 'n']),
    row!("ldp/stp pre", "pp101001 1Liiiiii iuuuuunn nnnttttt", ['p' => ABC, 'n' => Base], ne['t', 'u'; 't', 'n'; 'u', 'n']),
    row!("ldnp/stnp", "pp101000 0Liiiiii iuuuuunn nnnttttt", ['p' => Vals(&[0, 2]), 'n' => Base], ne['t', 'u']),
    // SIMD&FP registers
    row!("ldr/str b uimm simd", "00111101 0Liiiiii iiiiiinn nnnttttt", ['i' => R(0, 1023), 'n' => Base]),
    row!("ldr/str h uimm simd", "01111101 0Liiiiii iiiiiinn nnnttttt", ['i' => R(0, 511), 'n' => Base]),
    row!("ldr/str s uimm simd", "10111101 0Liiiiii iiiiiinn nnnttttt", ['i' => R(0, 255), 'n' => Base]),
    row!("ldr/str d uimm simd", "11111101 0Liiiiii iiiiiinn nnnttttt", ['i' => R(0, 127), 'n' => Base]),
    row!("ldr/str q uimm simd", "00111101 1Liiiiii iiiiiinn nnnttttt", ['i' => R(0, 63), 'n' => Base]),
    row!("ldur/stur/post/pre simd", "zz111100 pL0iiiii iiiiwwnn nnnttttt", ['w' => Vals(&[0, 1, 3]), 'n' => Base]),
    row!("ldr/str reg simd", "zz111100 pL1mmmmm oooS10nn nnnttttt", ['o' => Vals(&[2, 3, 6, 7]), 'm' => Idx, 'n' => Base]),
    row!("ldr literal simd", "pp011100 iiiiiiii iiiiiiii iiittttt", ['p' => ABC, 'i' => R(-16, 600)]),
    row!("ldp/stp simd", "pp1011vv vLiiiiii iuuuuunn nnnttttt", ['p' => ABC, 'v' => Vals(&[0, 1, 2, 3]), 'n' => Base], ne['t', 'u']),
    row!("ld/st multiple", "0Q001100 0L000000 ppppzznn nnnttttt", ['p' => Vals(&[0, 2, 4, 6, 7, 8, 10]), 'n' => Base]),
    row!("ld/st multiple post imm", "0Q001100 1L011111 ppppzznn nnnttttt", ['p' => Vals(&[0, 2, 4, 6, 7, 8, 10]), 'n' => Base]),
    row!("ld/st multiple post reg", "0Q001100 1L0mmmmm ppppzznn nnnttttt", ['p' => Vals(&[0, 2, 4, 6, 7, 8, 10]), 'm' => Idx, 'n' => Base]),
    row!("ld/st single", "0Q001101 0LR00000 pppSzznn nnnttttt", ['n' => Base]),
    row!("ld/st single post imm", "0Q001101 1LR11111 pppSzznn nnnttttt", ['n' => Base]),
    row!("ld/st single post reg", "0Q001101 1LRmmmmm pppSzznn nnnttttt", ['m' => Idx, 'n' => Base]),
];

// ---------------------------------------------------------------- fp

const SD: F = Vals(&[0, 1]);

pub static FP: &[Row] = &[
    row!("fmul/fdiv/fadd/fsub/fmax/fmin/fmaxnm/fminnm/fnmul", "00011110 yy1mmmmm oooo10nn nnnddddd", ['y' => SD, 'o' => R(0, 8)]),
    row!(
        "fmov/fabs/fneg/fsqrt/fcvt/frint",
        "00011110 yy1ooooo o10000nn nnnddddd",
        ['y' => SD, 'o' => Vals(&[0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15])]
    ),
    row!("fcvt from h", "00011110 11100010 o10000nn nnnddddd"),
    row!("fcmp/fcmpe", "00011110 yy1mmmmm 001000nn nnne0000", ['y' => SD]),
    row!("fcmp/fcmpe zero", "00011110 yy100000 001000nn nnne1000", ['y' => SD]),
    row!("fccmp/fccmpe", "00011110 yy1mmmmm cccc01nn nnneffff", ['y' => SD]),
    row!("fcsel", "00011110 yy1mmmmm cccc11nn nnnddddd", ['y' => SD]),
    row!("fmadd/fmsub/fnmadd/fnmsub", "00011111 yypmmmmm qaaaaann nnnddddd", ['y' => SD]),
    row!("fmov imm", "00011110 yy1iiiii iii10000 000ddddd", ['y' => SD]),
    row!("fcvt[npmz][su] to int", "s0011110 yy1rr00u 000000nn nnnddddd", ['y' => SD]),
    row!("fcvta[su] to int", "s0011110 yy10010u 000000nn nnnddddd", ['y' => SD]),
    row!("[su]cvtf from int", "s0011110 yy10001u 000000nn nnnddddd", ['y' => SD]),
    row!("fmov general", "s0011110 yy10011u 000000nn nnnddddd", ['y' => SD]),
    row!("fmov general d[1]", "10011110 1010111u 000000nn nnnddddd"),
    row!("fcvtz[su] to fixed w", "00011110 yy01100u 1sssssnn nnnddddd", ['y' => SD]),
    row!("fcvtz[su] to fixed x", "10011110 yy01100u ssssssnn nnnddddd", ['y' => SD]),
    row!("[su]cvtf from fixed w", "00011110 yy00001u 1sssssnn nnnddddd", ['y' => SD]),
    row!("[su]cvtf from fixed x", "10011110 yy00001u ssssssnn nnnddddd", ['y' => SD]),
    row!("mrs fpcr/fpsr", "11010101 00111011 01000100 00fddddd"),
];

// ---------------------------------------------------------------- simd

pub static SIMD: &[Row] = &[
    row!("three same", "0Qu01110 zz1mmmmm ooooo1nn nnnddddd"),
    row!("three different", "0Qu01110 zz1mmmmm oooo00nn nnnddddd"),
    row!("two-reg misc", "0Qu01110 zz10000o oooo10nn nnnddddd"),
    row!("across lanes", "0Qu01110 zz11000o oooo10nn nnnddddd"),
    row!("copy", "0Qo01110 000iiiii 0pppp1nn nnnddddd"),
    row!("modified imm", "0Qo01111 00000iii cccc01ii iiiddddd"),
    row!("shift imm", "0Qu01111 0hhhhiii ooooo1nn nnnddddd"),
    row!("by element", "0Qu01111 zzLMmmmm ooooH0nn nnnddddd"),
    row!("permute", "0Q001110 zz0mmmmm 0ooo10nn nnnddddd"),
    row!("ext 8", "00101110 000mmmmm 00iii0nn nnnddddd"),
    row!("ext 16", "01101110 000mmmmm 0iiii0nn nnnddddd"),
    row!("tbl/tbx", "0Q001110 000mmmmm 0lle00nn nnnddddd"),
    row!("scalar three same", "01u11110 zz1mmmmm ooooo1nn nnnddddd"),
    row!("scalar three different", "01u11110 zz1mmmmm oooo00nn nnnddddd"),
    row!("scalar two-reg misc", "01u11110 zz10000o oooo10nn nnnddddd"),
    row!("scalar pairwise", "01u11110 zz11000o oooo10nn nnnddddd"),
    row!("scalar dup", "01011110 000iiiii 000001nn nnnddddd"),
    row!("scalar shift imm", "01u11111 0hhhhiii ooooo1nn nnnddddd"),
    row!("scalar by element", "01u11111 zzLMmmmm ooooH0nn nnnddddd"),
];

pub fn rows(class: Class) -> &'static [Row] {
    match class {
        Class::Int => INT,
        Class::Ldst => LDST,
        Class::Fp => FP,
        Class::Simd => SIMD,
    }
}
