// Generated with qemu-aarch64 as the oracle (see tests.rs); each call is one case.
{
// add/sub immediate
case(
    &[
        0xb1000c20, // adds x0, x1, #0x3
        0xf1001422, // subs x2, x1, #0x5
        0xd53b4214, // mrs x20, nzcv
        0x71001823, // subs w3, w1, #0x6
        0xd53b4215, // mrs x21, nzcv
        0x910043e5, // add x5, sp, #0x10
        0x12b00006, // mov w6, #0x7fffffff
        0x310004c7, // adds w7, w6, #0x1
        0xd53b4216, // mrs x22, nzcv
        0xd1400bff, // sub sp, sp, #0x2, lsl #12
        0xf100143f, // cmp x1, #0x5
        0x117ffcc8, // add w8, w6, #0xfff, lsl #12
        0xb100143f, // cmn x1, #0x5
    ],
    &[(1, 0x5), (SPR, 0x7000)],
    0x0,
    &[(0, 0x8), (3, 0xffffffff), (5, 0x7010), (6, 0x7fffffff), (7, 0x80000000), (8, 0x80ffefff), (20, 0x60000000), (21, 0x80000000), (22, 0x90000000), (SPR, 0x5000)],
);
// logical immediate and move wide
case(
    &[
        0x92401c20, // and x0, x1, #0xff
        0x3200f3e2, // mov w2, #0x55555555
        0xd2410023, // eor x3, x1, #0x8000000000000000
        0xf2780c24, // ands x4, x1, #0xf00
        0xd53b4214, // mrs x20, nzcv
        0x92800005, // mov x5, #0xffffffffffffffff
        0x12a00026, // mov w6, #0xfffeffff
        0xd2e24687, // mov x7, #0x1234000000000000
        0xf2b7dde7, // movk x7, #0xbeef, lsl #16
        0xb2009fe8, // mov x8, #0xff00ff00ff00ff
        0x72010029, // ands w9, w1, #0x80000000
        0x72a000ea, // movk w10, #0x7, lsl #16
        0x521f382b, // eor w11, w1, #0xfffe
        0xf240043f, // tst x1, #0x3
    ],
    &[(1, 0x8123456789abcdef)],
    0x0,
    &[(0, 0xef), (2, 0x55555555), (3, 0x123456789abcdef), (4, 0xd00), (5, 0xffffffffffffffff), (6, 0xfffeffff), (7, 0x12340000beef0000), (8, 0xff00ff00ff00ff), (9, 0x80000000), (10, 0x70000), (11, 0x89ab3211)],
);
// bitfield and extract
case(
    &[
        0xd3442c20, // ubfx x0, x1, #4, #8
        0x93442c22, // sbfx x2, x1, #4, #8
        0x13082c23, // sbfx w3, w1, #8, #4
        0xd374cc24, // lsl x4, x1, #12
        0x53047c25, // lsr w5, w1, #4
        0x937cfc26, // asr x6, x1, #60
        0x93401c27, // sxtb x7, w1
        0x53003c28, // uxth w8, w1
        0xb3781c29, // bfi x9, x1, #8, #8
        0xb3505c2a, // bfxil x10, x1, #16, #8
        0x937c1c2b, // sbfiz x11, x1, #4, #8
        0x53081c2c, // lsl w12, w1, #24
        0x93c2402d, // extr x13, x1, x2, #16
        0x1381202e, // ror w14, w1, #8
        0x93407c2f, // sxtw x15, w1
        0xb3407ff0, // bfxil x16, xzr, #0, #32
        0x13820031, // extr w17, w1, w2, #0
        0x9360fc32, // asr x18, x1, #32
        0xd37ffc33, // lsr x19, x1, #63
        0x131f7c34, // asr w20, w1, #31
        0x13020435, // sbfiz w21, w1, #30, #2
        0x33010036, // bfi w22, w1, #31, #1
        0xb37c0c37, // bfi x23, x1, #4, #4
        0x937c0c38, // sbfiz x24, x1, #4, #4
    ],
    &[(1, 0x8123456789abcdef), (2, 0xfedcba9876543210), (9, 0xfedcba9876543210), (10, 0xfedcba9876543210), (16, 0x8123456789abcdef)],
    0x0,
    &[(0, 0xde), (2, 0xffffffffffffffde), (3, 0xfffffffd), (4, 0x3456789abcdef000), (5, 0x89abcde), (6, 0xfffffffffffffff8), (7, 0xffffffffffffffef), (8, 0xcdef), (9, 0xfedcba987654ef10), (10, 0xfedcba98765432ab), (11, 0xfffffffffffffef0), (12, 0xef000000), (13, 0xcdefffffffffffff), (14, 0xef89abcd), (15, 0xffffffff89abcdef), (16, 0x8123456700000000), (17, 0xffffffde), (18, 0xffffffff81234567), (19, 0x1), (20, 0xffffffff), (21, 0xc0000000), (22, 0x80000000), (23, 0xf0), (24, 0xfffffffffffffff0)],
);
// logical and add/sub register
case(
    &[
        0x8a220020, // bic x0, x1, x2
        0x2a221023, // orn w3, w1, w2, lsl #4
        0xcae22024, // eon x4, x1, x2, ror #8
        0x6a420425, // ands w5, w1, w2, lsr #1
        0xd53b4214, // mrs x20, nzcv
        0x8b820826, // add x6, x1, x2, asr #2
        0xeb020427, // subs x7, x1, x2, lsl #1
        0xd53b4215, // mrs x21, nzcv
        0x8b214be8, // add x8, sp, w1, uxtw #2
        0xcb228029, // sub x9, x1, w2, sxtb
        0x2b22242a, // adds w10, w1, w2, uxth #1
        0xd53b4216, // mrs x22, nzcv
        0xcb0103eb, // neg x11, x1
        0x2a2103ec, // mvn w12, w1
        0x8b22c02d, // add x13, x1, w2, sxtw
        0xcb22f02e, // sub x14, x1, x2, sxtx #4
        0x8b2167ff, // add sp, sp, x1, lsl #1
        0x6b22a02f, // subs w15, w1, w2, sxth
        0xd53b4217, // mrs x23, nzcv
        0x6b220c3f, // cmp w1, w2, uxtb #3
        0xd53b4218, // mrs x24, nzcv
        0xea210030, // bics x16, x1, x1
        0xd53b4219, // mrs x25, nzcv
        0xab010031, // adds x17, x1, x1
        0xd53b421a, // mrs x26, nzcv
        0x0b827c32, // add w18, w1, w2, asr #31
        0xd10043ff, // sub sp, sp, #0x10
    ],
    &[(1, 0x8123456789abcdef), (2, 0xfedcba9876543210), (SPR, 0x7010)],
    0x0,
    &[(0, 0x123456789abcdef), (3, 0x9bbfdfff), (4, 0x6e226622ee226622), (5, 0x92a0908), (6, 0x80da740da740da73), (7, 0x8369d0369d0369cf), (8, 0x226afa7cc), (9, 0x8123456789abcddf), (10, 0x89ac320f), (11, 0x7edcba9876543211), (12, 0x76543210), (13, 0x81234567ffffffff), (14, 0x93579be02468acef), (15, 0x89ab9bdf), (17, 0x2468acf13579bde), (18, 0x89abcdef), (21, 0x80000000), (22, 0x80000000), (23, 0xa0000000), (24, 0xa0000000), (25, 0x40000000), (26, 0x30000000), (SPR, 0x2468acf13580bde), (NZCV_R, 0x30000000)],
);
// add/sub with carry
case(
    &[
        0xeb01003f, // cmp x1, x1
        0x9a020020, // adc x0, x1, x2
        0xba1f03e3, // adcs x3, xzr, xzr
        0xd53b4214, // mrs x20, nzcv
        0x5a020024, // sbc w4, w1, w2
        0xeb01005f, // cmp x2, x1
        0xfa020025, // sbcs x5, x1, x2
        0xd53b4215, // mrs x21, nzcv
        0xda0103e6, // ngc x6, x1
        0x3a020027, // adcs w7, w1, w2
        0xd53b4216, // mrs x22, nzcv
        0xaa3f03ea, // mvn x10, xzr
        0xab01014b, // adds x11, x10, x1
        0xba1f014c, // adcs x12, x10, xzr
        0xd53b4217, // mrs x23, nzcv
        0x7a0103ed, // ngcs w13, w1
        0xd53b4218, // mrs x24, nzcv
    ],
    &[(1, 0x7), (2, 0x9)],
    0x0,
    &[(0, 0x11), (3, 0x1), (4, 0xfffffffd), (5, 0xfffffffffffffffe), (6, 0xfffffffffffffff8), (7, 0x10), (10, 0xffffffffffffffff), (11, 0x6), (13, 0xfffffff9), (21, 0x80000000), (23, 0x60000000), (24, 0x80000000), (NZCV_R, 0x80000000)],
);
// conditional
case(
    &[
        0xeb02003f, // cmp x1, x2
        0x9a82b020, // csel x0, x1, x2, lt
        0x9a82a423, // csinc x3, x1, x2, ge
        0x5a820024, // csinv w4, w1, w2, eq
        0xda821425, // csneg x5, x1, x2, ne
        0x9a9fa7e6, // cset x6, lt
        0x5a9fb3e7, // csetm w7, ge
        0xfa43b82a, // ccmp x1, #0x3, #0xa, lt
        0xd53b4214, // mrs x20, nzcv
        0xfa42a026, // ccmp x1, x2, #0x6, ge
        0xd53b4215, // mrs x21, nzcv
        0x3a42b020, // ccmn w1, w2, #0x0, lt
        0xd53b4216, // mrs x22, nzcv
        0x9a81a428, // cinc x8, x1, lt
        0xeb01003f, // cmp x1, x1
        0x1a9f97e9, // cset w9, hi
        0x1a9f87ea, // cset w10, ls
        0x1a9f37eb, // cset w11, cs
        0x7a5f082f, // ccmp w1, #0x1f, #0xf, eq
        0xd53b4217, // mrs x23, nzcv
        0x1a9f77ec, // cset w12, vs
    ],
    &[(1, 0x3), (2, 0x9)],
    0x0,
    &[(0, 0x3), (3, 0xa), (4, 0xfffffff6), (5, 0x3), (6, 0x1), (8, 0x3), (10, 0x1), (11, 0x1), (20, 0x60000000), (21, 0x80000000), (23, 0x80000000), (NZCV_R, 0x80000000)],
);
// data processing 1-source
case(
    &[
        0xdac00020, // rbit x0, x1
        0x5ac00022, // rbit w2, w1
        0xdac00423, // rev16 x3, x1
        0x5ac00424, // rev16 w4, w1
        0xdac00825, // rev32 x5, x1
        0x5ac00826, // rev w6, w1
        0xdac00c27, // rev x7, x1
        0xdac01028, // clz x8, x1
        0x5ac013e9, // clz w9, wzr
        0xdac0144a, // cls x10, x2
        0x5ac0144b, // cls w11, w2
        0xdac0104c, // clz x12, x2
        0xdac0142d, // cls x13, x1
        0xdac017ee, // cls x14, xzr
        0xaa2203ef, // mvn x15, x2
        0x5ac015f0, // cls w16, w15
    ],
    &[(1, 0x8123456789abcdef), (2, 0xffff00000000)],
    0x0,
    &[(0, 0xf7b3d591e6a2c481), (2, 0xf7b3d591), (3, 0x23816745ab89efcd), (4, 0xab89efcd), (5, 0x67452381efcdab89), (6, 0xefcdab89), (7, 0xefcdab8967452381), (9, 0x20), (10, 0x1f), (11, 0x3), (12, 0x20), (14, 0x3f), (15, 0xffffffff084c2a6e), (16, 0x3)],
);
// data processing 2-source
case(
    &[
        0x9ac20820, // udiv x0, x1, x2
        0x9ac10c43, // sdiv x3, x2, x1
        0x1adf0824, // udiv w4, w1, wzr
        0x9adf0c25, // sdiv x5, x1, xzr
        0x9ac32026, // lsl x6, x1, x3
        0x1ac22427, // lsr w7, w1, w2
        0x9ac12848, // asr x8, x2, x1
        0x1ac32c29, // ror w9, w1, w3
        0x1acc0d6a, // sdiv w10, w11, w12
        0x9ac20c2d, // sdiv x13, x1, x2
        0x1ac3082e, // udiv w14, w1, w3
        0x1ac3296f, // asr w15, w11, w3
        0x9ac32450, // lsr x16, x2, x3
        0x9ac32c51, // ror x17, x2, x3
    ],
    &[(1, 0x3e8), (2, 0xfffffffffffffff9), (3, 0x43), (11, 0x80000000), (12, 0xffffffff)],
    0x0,
    &[(3, 0x0), (6, 0x3e8), (8, 0xffffffffffffffff), (9, 0x3e8), (10, 0x80000000), (13, 0xffffffffffffff72), (15, 0x80000000), (16, 0xfffffffffffffff9), (17, 0xfffffffffffffff9)],
);
// data processing 3-source
case(
    &[
        0x9b020c20, // madd x0, x1, x2, x3
        0x1b028c24, // msub w4, w1, w2, w3
        0x9b227c25, // smull x5, w1, w2
        0x9ba27c26, // umull x6, w1, w2
        0x9b220c27, // smaddl x7, w1, w2, x3
        0x9ba28c28, // umsubl x8, w1, w2, x3
        0x9b427c29, // smulh x9, x1, x2
        0x9bc27c2a, // umulh x10, x1, x2
        0x1b027c2b, // mul w11, w1, w2
        0x9b02fc2c, // mneg x12, x1, x2
        0x9b22fc2d, // smnegl x13, w1, w2
        0x9ba2042e, // umaddl x14, w1, w2, x1
    ],
    &[(1, 0x8123456789abcdef), (2, 0xfedcba9876543210), (3, 0x123)],
    0x0,
    &[(0, 0x2236d88fe5618e13), (4, 0x1a9e7433), (5, 0xc94e4627e5618cf0), (6, 0x3fa27837e5618cf0), (7, 0xc94e4627e5618e13), (8, 0xc05d87c81a9e7433), (9, 0x90574ce8a1f04b), (10, 0x8090574ce8a1f04a), (11, 0xe5618cf0), (12, 0xddc927701a9e7310), (13, 0x36b1b9d81a9e7310), (14, 0xc0c5bd9f6f0d5adf)],
);
}
