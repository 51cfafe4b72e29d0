// Random data-processing instructions (from the dp_imm/dp_reg rows, filtered by objdump) with
// random register values; expected results from qemu-aarch64.
{
// fuzz 0
case(
    &[
        0x92945e49,
        0xfa4551e7,
        0x2a9d14e2,
        0x91658a31,
        0x9b507ee2,
        0xb14b0510,
    ],
    &[(0, 0xd4), (1, 0x2e), (2, 0x75), (3, 0x2ae69c10df134a94), (4, 0x80000000), (5, 0xa62a47281e8a6100), (6, 0xffffffffffffffff), (7, 0x11db2221f50c20f5), (8, 0x4c), (9, 0x13351cae), (10, 0x0), (11, 0x80000000), (12, 0xcdf1148db381c1f7), (13, 0x2c201ee3d53e4643), (14, 0xffffffff), (15, 0xffffffffffffffff), (16, 0xffffffff), (17, 0xffffffff), (18, 0xffffffff), (19, 0x8000000000000000), (20, 0x9ea75d3176702b96), (21, 0xffffffff), (22, 0xffffffffffffffff), (23, 0xf2), (24, 0xffffffff), (25, 0x4c08997206264bfd), (26, 0x87514ae736c393be), (27, 0xf0595f918f88724e), (28, 0xffffffff), (29, 0xffffffffffffffff), (30, 0x0), (SPR, 0x7000)],
    0xf0000000,
    &[(2, 0x0), (9, 0xffffffffffff5d0d), (16, 0x2c104c), (17, 0x100961fff), (NZCV_R, 0x0)],
);
// fuzz 1
case(
    &[
        0x1b03a4a6,
        0x9b33b8f3,
        0x9b2b16a4,
        0x93cf0ad8,
        0xeb93a2fa,
        0x9b2daf2e,
    ],
    &[(0, 0x5a), (1, 0x80000000), (2, 0xffffffff), (3, 0x520b5142), (4, 0x80000000), (5, 0xffffffff), (6, 0xf7eac5b7d8e5a123), (7, 0x8000000000000000), (8, 0x9e15efd7), (9, 0xea7dedaea148fce8), (10, 0x4ab521e8), (11, 0x7a), (12, 0x80000000), (13, 0xf446262e), (14, 0x0), (15, 0x95), (16, 0x8000000000000000), (17, 0x7ab79696), (18, 0xffffffff), (19, 0xbbc8796703baae17), (20, 0x8221690165ed03d5), (21, 0x80000000), (22, 0xffffffff), (23, 0x2c413db624d4d152), (24, 0x80000000), (25, 0x74), (26, 0x8b), (27, 0x381a451992efee25), (28, 0x0), (29, 0x9daa31d78faf055e), (30, 0x0), (SPR, 0x7000)],
    0x70000000,
    &[(4, 0xffffffc3ffffffff), (6, 0xf3544e2a), (14, 0x55036b3a2), (19, 0x0), (24, 0xc000000000000025), (26, 0x2c413db624d4d152), (NZCV_R, 0x20000000)],
);
// fuzz 2
case(
    &[
        0x5ac00a11,
        0x712b369c,
        0xfa48d08d,
        0xcaf88055,
        0xba4a8bef,
        0x1acd2e9d,
    ],
    &[(0, 0x25), (1, 0x80000000), (2, 0x5c6d5816), (3, 0xffffffff), (4, 0x0), (5, 0x8000000000000000), (6, 0x8000000000000000), (7, 0xffffffffffffffff), (8, 0x7fc030cb7d3bb5a), (9, 0xffffffff), (10, 0xdc05c751eb3322bf), (11, 0x0), (12, 0x8000000000000000), (13, 0x80000000), (14, 0x80000000), (15, 0x8a), (16, 0x80000000), (17, 0xd9df2dd9), (18, 0x0), (19, 0x0), (20, 0xe4b14507), (21, 0xf73fd6c41101a6b4), (22, 0x80), (23, 0xffffffffffffffff), (24, 0xffffffffffffffff), (25, 0x8000000000000000), (26, 0xffffffff), (27, 0xffffffffffffffff), (28, 0x15135b515c62d96b), (29, 0x8000000000000000), (30, 0x8fb4c54881f2a6b0), (SPR, 0x7000)],
    0x10000000,
    &[(17, 0x80), (21, 0x5c6d5816), (28, 0xe4b13a3a), (29, 0xe4b14507), (NZCV_R, 0xf0000000)],
);
// fuzz 3
case(
    &[
        0x9b39d74a,
        0x6adb5fe5,
        0x9ac1081b,
        0x1ada23ae,
        0x7a06022d,
        0x9b2310ea,
    ],
    &[(0, 0x0), (1, 0x52178f49), (2, 0x6a), (3, 0xa5), (4, 0x5d), (5, 0x23241008), (6, 0x8000000000000000), (7, 0x6b5e95d2), (8, 0x85285efd), (9, 0x87c97e2a13904c87), (10, 0x86760309734543c7), (11, 0x8000000000000000), (12, 0x358f6a1280bd1650), (13, 0xffffffff), (14, 0xffffffffffffffff), (15, 0xffffffff), (16, 0x40bb5f8035d5febc), (17, 0x0), (18, 0x2e), (19, 0x0), (20, 0x82), (21, 0xe2eddb0bd5a4f14e), (22, 0x8000000000000000), (23, 0x0), (24, 0x8000000000000000), (25, 0x0), (26, 0x8000000000000000), (27, 0x0), (28, 0xffffffffffffffff), (29, 0x0), (30, 0x0), (SPR, 0x7000)],
    0xa0000000,
    &[(5, 0x0), (10, 0x4533f690b7), (14, 0x0), (NZCV_R, 0x80000000)],
);
// fuzz 4
case(
    &[
        0x12ae8a18,
        0x9b5d7f3b,
        0x5a9095d9,
        0x5ac008c7,
        0x9bbd181a,
        0x1b0f815e,
    ],
    &[(0, 0x16ae06177cfb9174), (1, 0x8000000000000000), (2, 0x5222ebf3ba7c6160), (3, 0xd1), (4, 0xffffffffffffffff), (5, 0x6d), (6, 0x80000000), (7, 0xc0077c04b0e61d3d), (8, 0x43), (9, 0xffffffff), (10, 0xffffffff), (11, 0x8000000000000000), (12, 0x5dc6a60f), (13, 0xb4), (14, 0x8000000000000000), (15, 0xf4d5a51f), (16, 0x8000000000000000), (17, 0x80000000), (18, 0x0), (19, 0xf9be4685), (20, 0x7d), (21, 0x8be664ee14f31e15), (22, 0xf2), (23, 0x8000000000000000), (24, 0x80000000), (25, 0xffffffff), (26, 0x80000000), (27, 0xffffffffffffffff), (28, 0x0), (29, 0x8000000000000000), (30, 0x8f884c632a590619), (SPR, 0x7000)],
    0x60000000,
    &[(7, 0x80), (24, 0x8bafffff), (25, 0x0), (27, 0xffffffff80000000), (30, 0x71d13693)],
);
// fuzz 5
case(
    &[
        0xeaed4226,
        0x9bb0029c,
        0x52046545,
        0xcb322430,
        0x9a8687f4,
        0x9bb7486b,
    ],
    &[(0, 0xffffffff), (1, 0xffffffffffffffff), (2, 0x8000000000000000), (3, 0x8000000000000000), (4, 0x8000000000000000), (5, 0x0), (6, 0xffffffff), (7, 0x2e), (8, 0xdf6b3990cc7d0659), (9, 0x80000000), (10, 0x8ec0f5d7), (11, 0xffffffffffffffff), (12, 0x8000000000000000), (13, 0x0), (14, 0x67ea5710bdd9f9b8), (15, 0xffffffff), (16, 0x0), (17, 0x0), (18, 0x0), (19, 0xffffffff), (20, 0x8000000000000000), (21, 0xbbcb88ec14bf1985), (22, 0xb8fd3460f87f152c), (23, 0xc0f405146c42493d), (24, 0xffffffffffffffff), (25, 0x0), (26, 0xffffffff), (27, 0x15957ceeefe01e2b), (28, 0x4d), (29, 0xa657e0ba), (30, 0x80000000), (SPR, 0x7000)],
    0xf0000000,
    &[(5, 0x7eff0a28), (6, 0x0), (11, 0x0), (16, 0xffffffffffffffff), (20, 0x1), (28, 0xffffffff), (NZCV_R, 0x40000000)],
);
// fuzz 6
case(
    &[
        0x9a887266,
        0xab42cc82,
        0x5ac00413,
        0xda8af012,
        0xba456aa3,
        0x9b1d3dcd,
    ],
    &[(0, 0xf6da25eeda7e00a4), (1, 0xd0), (2, 0x5a), (3, 0xffffffff), (4, 0xf8787d97e86d86a1), (5, 0xb36b598e), (6, 0x697db554), (7, 0x9e08fadb51f76ebe), (8, 0x8000000000000000), (9, 0x90b1570be65faf33), (10, 0x7a4c9244d6cf6296), (11, 0x3a), (12, 0x80000000), (13, 0x8000000000000000), (14, 0x6e16514e), (15, 0xc262d0e2759bbd55), (16, 0xffffffff), (17, 0x63), (18, 0xffffffff), (19, 0x80000000), (20, 0x90), (21, 0x0), (22, 0xffffffff), (23, 0x0), (24, 0x8000000000000000), (25, 0xffffffff), (26, 0x8000000000000000), (27, 0x80000000), (28, 0xffffffffffffffff), (29, 0xffffffffffffffff), (30, 0xc2c8fabcbc76e422), (SPR, 0x7000)],
    0xf0000000,
    &[(2, 0xf8787d97e86d86a1), (6, 0x8000000000000000), (13, 0xc262d0e207856c07), (18, 0xf6da25eeda7e00a4), (19, 0x7edaa400), (NZCV_R, 0x30000000)],
);
// fuzz 7
case(
    &[
        0x1acc2b91,
        0x8b2431c1,
        0x9ad30ac7,
        0xdac011da,
        0x9bade2cb,
        0x3a40f8cf,
    ],
    &[(0, 0xffffffffffffffff), (1, 0xdcfcece90019f5a1), (2, 0x52), (3, 0xffffffff), (4, 0xffffffffffffffff), (5, 0x80000000), (6, 0x80000000), (7, 0xac), (8, 0x0), (9, 0x80000000), (10, 0xffffffff), (11, 0xe9ace60a6be498a3), (12, 0xffffffffffffffff), (13, 0x6320bfcf), (14, 0x826c83dc), (15, 0xffffffffffffffff), (16, 0x90cd70917431ce07), (17, 0x80000000), (18, 0xa6c1a7f0c88e2009), (19, 0x0), (20, 0xffffffffffffffff), (21, 0xc3ffaba289579776), (22, 0x80000000), (23, 0xffffffffffffffff), (24, 0x14e7cca6), (25, 0xffffffff), (26, 0x8000000000000000), (27, 0x8000000000000000), (28, 0xffffffffffffffff), (29, 0x3ec87963), (30, 0x0), (SPR, 0x7000)],
    0x50000000,
    &[(1, 0x827c83cc), (7, 0x0), (11, 0xce6fa01894e7cca6), (17, 0xffffffff), (26, 0x20), (NZCV_R, 0x80000000)],
);
// fuzz 8
case(
    &[
        0x9ba78800,
        0x9b3041b7,
        0x9ad80c61,
        0x9a914294,
        0x9ac40a1f,
        0x5ac01587,
    ],
    &[(0, 0x8000000000000000), (1, 0x8706979cbbe42115), (2, 0xd9938ecd2ed92fad), (3, 0xec5cc137), (4, 0x3685d084), (5, 0x6a), (6, 0xf881cccf4d7665a5), (7, 0x0), (8, 0x8ad764bf), (9, 0xffffffff), (10, 0x80000000), (11, 0xffffffffffffffff), (12, 0xb1a26920b561a40d), (13, 0x1cd71918b9b76c19), (14, 0xe6f7c22ee460fe9f), (15, 0x80000000), (16, 0x0), (17, 0x0), (18, 0xe7c96b17), (19, 0xffffffffffffffff), (20, 0x84b202d063ddf56e), (21, 0xffffffff), (22, 0x4feb1d6f), (23, 0x5eae1c4b), (24, 0x0), (25, 0xffffffffffffffff), (26, 0x0), (27, 0x8000000000000000), (28, 0x41), (29, 0xb45e4686), (30, 0x0), (SPR, 0x7000)],
    0x80000000,
    &[(0, 0xd9938ecd2ed92fad), (1, 0x0), (23, 0x0)],
);
// fuzz 9
case(
    &[
        0xcaf88055,
        0x5ac00962,
        0x9b37cf52,
        0x4ada784e,
        0x1ac00e34,
        0x3a454a01,
    ],
    &[(0, 0x8000000000000000), (1, 0xffffffffffffffff), (2, 0xa3), (3, 0xffffffffffffffff), (4, 0x0), (5, 0xde8fb9568bd77346), (6, 0x900844650ccd33be), (7, 0xffffffff), (8, 0x4376f602e5555096), (9, 0xffffffffffffffff), (10, 0xffffffffffffffff), (11, 0xebd008eb7b0c2242), (12, 0x0), (13, 0x834b48395c3e99c2), (14, 0x0), (15, 0x0), (16, 0xedb70179dd5068f5), (17, 0x89542748f80fa257), (18, 0xcc286584), (19, 0xbb), (20, 0xbc6e862d), (21, 0x80000000), (22, 0x0), (23, 0x87a975b86e6621a6), (24, 0xffffffff), (25, 0xf406f4a50363ef39), (26, 0xffffffffffffffff), (27, 0x1e0ee4d9), (28, 0x80000000), (29, 0x8000000000000000), (30, 0xffffffff), (SPR, 0x7000)],
    0x20000000,
    &[(2, 0x42220c7b), (14, 0xbdddf384), (18, 0x6e662261), (20, 0x0), (21, 0xffffff5c), (NZCV_R, 0x10000000)],
);
// fuzz 10
case(
    &[
        0x93707d54,
        0x9b294276,
        0xb14b0510,
        0x1b1961c5,
        0x4afe34f4,
        0x0b246a4d,
    ],
    &[(0, 0x1d4987c0e9a3080e), (1, 0xfa), (2, 0xffffffff), (3, 0x80000000), (4, 0x8da9980d66c087e0), (5, 0xffffffffffffffff), (6, 0x0), (7, 0x44f90296959cd56), (8, 0xaeb67b5), (9, 0x5b), (10, 0xbf), (11, 0x8285006d), (12, 0xd2e19e7957b92e2c), (13, 0xffffffffffffffff), (14, 0xffffffffffffffff), (15, 0x0), (16, 0x616949ad), (17, 0xffffffffffffffff), (18, 0xe2), (19, 0x0), (20, 0xc52a3f9a), (21, 0xffffffff), (22, 0x8000000000000000), (23, 0xffffffffffffffff), (24, 0x27ddda79b5b30ab4), (25, 0xffffffff), (26, 0x2d57819e292fa023), (27, 0x0), (28, 0xffffffff), (29, 0xffffffff), (30, 0x60), (SPR, 0x7000)],
    0x50000000,
    &[(5, 0xb5b30ab5), (13, 0x9b022062), (16, 0xb1777b5), (20, 0x95a632a9), (22, 0x616949ad), (NZCV_R, 0x0)],
);
// fuzz 11
case(
    &[
        0x9b1dafba,
        0x9bb5b69c,
        0x9b2f887b,
        0x9bdd7d30,
        0xd2211722,
        0x51341900,
    ],
    &[(0, 0x0), (1, 0x8000000000000000), (2, 0xce420465), (3, 0x80000000), (4, 0xc26975d0d9d29cd), (5, 0x46), (6, 0x0), (7, 0x1), (8, 0xb296e288), (9, 0xffffffffffffffff), (10, 0xffffffffffffffff), (11, 0x8000000000000000), (12, 0xcd064b60c17ee0f0), (13, 0x80000000), (14, 0xcf7bd61251528968), (15, 0x8c), (16, 0x30b45369), (17, 0xc502a4a1), (18, 0x522de503), (19, 0x8000000000000000), (20, 0xad9dc1d4f39329d9), (21, 0x8000000000000000), (22, 0x0), (23, 0xaa61dd04d09985ca), (24, 0xde08a57b01873c8d), (25, 0xe9), (26, 0xec6cb5190c018c30), (27, 0x8000000000000000), (28, 0x36b21cd8b5f65c1e), (29, 0x113e7f02), (30, 0xffffffff), (SPR, 0x7000)],
    0x50000000,
    &[(0, 0xb296d582), (2, 0x8000001f800000f6), (16, 0x113e7f01), (26, 0x7ed6a3dff80503fc), (27, 0x46ce420465), (28, 0x80000000)],
);
// fuzz 12
case(
    &[
        0x9ba3afad,
        0x9b05dd5e,
        0x5ac01585,
        0x7111b5b9,
        0x3a00019e,
        0xf2ee23b4,
    ],
    &[(0, 0x80000000), (1, 0xffffffff), (2, 0x80000000), (3, 0x0), (4, 0x80000000), (5, 0x0), (6, 0xffffffffffffffff), (7, 0x8000000000000000), (8, 0x8000000000000000), (9, 0xb2), (10, 0x1d), (11, 0xffffffff), (12, 0x842b340), (13, 0x9ea8330077645230), (14, 0xffffffffffffffff), (15, 0x46), (16, 0xffffffffffffffff), (17, 0x2cf664a3), (18, 0x8000000000000000), (19, 0xf9), (20, 0x0), (21, 0xfed7d571), (22, 0x80000000), (23, 0xe26825dd105d8db9), (24, 0x0), (25, 0x8000000000000000), (26, 0x0), (27, 0xd1db820635d5cd36), (28, 0xffffffff), (29, 0x8f), (30, 0xa0), (SPR, 0x7000)],
    0xf0000000,
    &[(5, 0x3), (13, 0xffffffff), (20, 0x711d000000000000), (25, 0xfffffb92), (30, 0x8842b341), (NZCV_R, 0x80000000)],
);
// fuzz 13
case(
    &[
        0xfa0d021e,
        0x1a9a23cc,
        0x5ac008b1,
        0x1a8eb6a6,
        0xba48a163,
        0x2b070d7c,
    ],
    &[(0, 0xffffffffffffffff), (1, 0xc5ac83b67ecd3d11), (2, 0x21), (3, 0xffffffffffffffff), (4, 0xffffffffffffffff), (5, 0x80000000), (6, 0x36), (7, 0x8603a053), (8, 0xfe2d2685), (9, 0x0), (10, 0x0), (11, 0xb7), (12, 0x0), (13, 0x341c1667), (14, 0x80000000), (15, 0xeaf590d1), (16, 0x3b1b140e), (17, 0xffffffffffffffff), (18, 0xffffffff), (19, 0xbb2ca6b309d108c9), (20, 0x93727a51d919daf1), (21, 0x11bfec8c3f2c9ba5), (22, 0xffffffff), (23, 0xfc), (24, 0xb1c5484a641f5c34), (25, 0x5372d974ad79247), (26, 0xffffffffffffffff), (27, 0x8000000000000000), (28, 0xcad9e3d38d66f102), (29, 0xffffffff), (30, 0xb8), (SPR, 0x7000)],
    0xb0000000,
    &[(6, 0x80000001), (12, 0x6fefda7), (17, 0x80), (28, 0x301d034f), (30, 0x6fefda7), (NZCV_R, 0x0)],
);
// fuzz 14
case(
    &[
        0xdac00f41,
        0xda8dd5f3,
        0x9b567e80,
        0x1b1a3f30,
        0x7a5b198a,
        0x9aca275a,
    ],
    &[(0, 0x0), (1, 0x8000000000000000), (2, 0x0), (3, 0xb273b4b8bc8e6d6f), (4, 0x0), (5, 0xffffffff), (6, 0x0), (7, 0x80000000), (8, 0x8000000000000000), (9, 0x80000000), (10, 0xbb), (11, 0xd5), (12, 0xffffffff), (13, 0xffffffff), (14, 0x5e3a8603e5829e90), (15, 0x0), (16, 0x80000000), (17, 0x80000000), (18, 0x2d), (19, 0x3b), (20, 0x80000000), (21, 0x2e30f9e219683578), (22, 0xecfab16702350f3b), (23, 0x8d), (24, 0xffffffff), (25, 0xffffffff), (26, 0xffffffffffffffff), (27, 0x293aeaed), (28, 0x2478a7ff704183f2), (29, 0x80000000), (30, 0xffffffffffffffff), (SPR, 0x7000)],
    0xb0000000,
    &[(0, 0xfffffffff67d58b3), (1, 0xffffffffffffffff), (16, 0x1), (19, 0xffffffff00000001), (26, 0x1f), (NZCV_R, 0xa0000000)],
);
// fuzz 15
case(
    &[
        0x5ac0124b,
        0xfa489be7,
        0x5a030089,
        0x5a1303ae,
        0x6b443b9f,
        0xcab8880f,
    ],
    &[(0, 0xe578267c6b3f7e71), (1, 0x8000000000000000), (2, 0xffffffffffffffff), (3, 0xffffffff), (4, 0xffffffff), (5, 0x7d), (6, 0x86fbefe34ef713bf), (7, 0xc026d910), (8, 0xffffffff), (9, 0xd8), (10, 0xfcfdf26), (11, 0xac6868d3d62a59cb), (12, 0xce), (13, 0xa8aeee185e0bebff), (14, 0x80000000), (15, 0x78e2a17a), (16, 0xcb367501aa4ac176), (17, 0x8000000000000000), (18, 0xe280ee92ed311025), (19, 0x0), (20, 0x8000000000000000), (21, 0x8000000000000000), (22, 0xffffffffffffffff), (23, 0x80000000), (24, 0x104191fa), (25, 0xe0), (26, 0xdd), (27, 0x0), (28, 0x80000000), (29, 0xcc0bf059bda35820), (30, 0x51ac400a3c566d9b), (SPR, 0x7000)],
    0xe0000000,
    &[(9, 0xffffffff), (11, 0x0), (14, 0xbda3581f), (15, 0x1a87d98394c0818e), (NZCV_R, 0x30000000)],
);
// fuzz 16
case(
    &[
        0x2b2fae96,
        0x9bdf7f1e,
        0xba0f0369,
        0x9bd67c59,
        0x7209829a,
        0xeb209225,
    ],
    &[(0, 0x36), (1, 0xbe15b090), (2, 0xffffffffffffffff), (3, 0x8000000000000000), (4, 0xab14216a805e2c8b), (5, 0xffffffff), (6, 0x0), (7, 0xffffffff), (8, 0x5ed1deba4e3d41fc), (9, 0x80000000), (10, 0x0), (11, 0x80000000), (12, 0xffffffffffffffff), (13, 0x8000000000000000), (14, 0x80000000), (15, 0xffffffffffffffff), (16, 0x80000000), (17, 0xffffffff), (18, 0x983da3b2b15502a6), (19, 0x80000000), (20, 0xe7b35efda9f131b5), (21, 0x8b), (22, 0xffffffff), (23, 0x80000000), (24, 0xffffffff), (25, 0xffffffff), (26, 0x32f4af768be42b5a), (27, 0x83da79b8d0a57494), (28, 0xffffffffffffffff), (29, 0xffffffff), (30, 0xffffffff), (SPR, 0x7000)],
    0x40000000,
    &[(5, 0xfffffc9f), (9, 0x83da79b8d0a57494), (22, 0xa9f131ad), (25, 0xa9f131ac), (26, 0x800080), (30, 0x0), (NZCV_R, 0x20000000)],
);
// fuzz 17
case(
    &[
        0xca8032c3,
        0x9a0a011a,
        0xaa548571,
        0x1ad92846,
        0xcb9d803b,
        0xfa44410a,
    ],
    &[(0, 0xffffffffffffffff), (1, 0x400eae463799af1f), (2, 0x5b), (3, 0x80000000), (4, 0x80000000), (5, 0xffffffff), (6, 0xffffffff), (7, 0xb17f4e4327f492df), (8, 0x0), (9, 0x55), (10, 0xffffffffffffffff), (11, 0xffffffff), (12, 0x8538ee03), (13, 0x0), (14, 0x876485e2a2434b1c), (15, 0x0), (16, 0x8995613437a8b9f4), (17, 0x0), (18, 0xffffffffffffffff), (19, 0xffffffffffffffff), (20, 0x2b0944542606023f), (21, 0xc213741eaa6ff685), (22, 0xc566bb8d97018d6d), (23, 0x93807a73f6fd8920), (24, 0xcabf9c1dd58d5162), (25, 0xffffffff), (26, 0xffffffff), (27, 0xffffffff), (28, 0x8648ff0), (29, 0x65fb835a36be41ed), (30, 0x8000000000000000), (SPR, 0x7000)],
    0x40000000,
    &[(3, 0x3a99447268fe7292), (6, 0x0), (17, 0xffffffff), (26, 0xffffffffffffffff), (27, 0x400eae45d19e2bc5), (NZCV_R, 0xa0000000)],
);
// fuzz 18
case(
    &[
        0xba53eaa9,
        0xfa140253,
        0x9ad00b0a,
        0xca7ece51,
        0x6b330cc8,
        0x3a11024e,
    ],
    &[(0, 0x80000000), (1, 0x8f32d5ea), (2, 0x0), (3, 0x292232db), (4, 0xf7), (5, 0x80000000), (6, 0xc775e6bf), (7, 0x6d), (8, 0xf29da680be75bc7f), (9, 0xffffffff), (10, 0xf5), (11, 0xf69fc8129e541989), (12, 0xa3eff351f1bc7bb7), (13, 0x8000000000000000), (14, 0x0), (15, 0xffffffffffffffff), (16, 0x778cf895ef7fdd3c), (17, 0x27e8fd39791785c9), (18, 0xd8fc9a08), (19, 0xffffffffffffffff), (20, 0xffffffff), (21, 0x60e9beaeb3b12252), (22, 0xed4a230e), (23, 0x7f), (24, 0xffffffff), (25, 0x80000000), (26, 0xe6a5d3b9c5ccab26), (27, 0x80000000), (28, 0x7cdad88b8465572f), (29, 0xffffffffffffffff), (30, 0x8000000000000000), (SPR, 0x7000)],
    0x20000000,
    &[(8, 0xc775e67f), (10, 0x0), (14, 0x1000), (17, 0xffffffff270375f7), (19, 0xffffffffd8fc9a08)],
);
// fuzz 19
case(
    &[
        0xeaed4226,
        0x9a922078,
        0x313deb2b,
        0x3a5c51a6,
        0x9bc67c57,
        0x1acb2437,
    ],
    &[(0, 0x8a80034f78d26680), (1, 0x8a471bcb), (2, 0xffffffff), (3, 0xda), (4, 0xffffffff), (5, 0x800b4face579137d), (6, 0x777572483032d380), (7, 0x8000000000000000), (8, 0x80000000), (9, 0x58), (10, 0x8000000000000000), (11, 0x80000000), (12, 0x0), (13, 0x0), (14, 0xffffffffffffffff), (15, 0x77715897), (16, 0xbf081be716bfd5c4), (17, 0xffffffffffffffff), (18, 0xffffffffffffffff), (19, 0x80000000), (20, 0xffffffffffffffff), (21, 0xffffffffffffffff), (22, 0x8000000000000000), (23, 0x8bbbaa405e81a1b6), (24, 0x8000000000000000), (25, 0x0), (26, 0xffffffffffffffff), (27, 0x91bf74a1b84725d5), (28, 0x9d2f13dc27550b41), (29, 0x0), (30, 0xabf73bdd098bee5d), (SPR, 0x7000)],
    0x90000000,
    &[(6, 0xffffffffffffffff), (11, 0xf7a), (23, 0x22), (24, 0xffffffffffffffff), (NZCV_R, 0x0)],
);
// fuzz 20
case(
    &[
        0x0b20840a,
        0x2b054923,
        0x8a65a172,
        0xfa04036c,
        0x92f0f523,
        0x5a8157b5,
    ],
    &[(0, 0x0), (1, 0xffffffff), (2, 0x0), (3, 0xffffffffffffffff), (4, 0x9f), (5, 0x9166f50f03cefe05), (6, 0x92f8a1b235e866a3), (7, 0xffffffffffffffff), (8, 0x436e008e3a5bd1c), (9, 0xdc134a92), (10, 0xa1a4da9aaee0060c), (11, 0xffffffff), (12, 0x9518c468a3dc3172), (13, 0xa97838c1b92dbe87), (14, 0xa5dfdd5536377463), (15, 0xbb4d13e17682a4b3), (16, 0xffffffffffffffff), (17, 0xfea7f709), (18, 0xffffffff), (19, 0x8000000000000000), (20, 0x0), (21, 0x8000000000000000), (22, 0x80000000), (23, 0xffffffff), (24, 0x2e), (25, 0xffffffffffffffff), (26, 0x69107d93), (27, 0xffffffff), (28, 0x26494140e118f11a), (29, 0xffffffffffffffff), (30, 0x55ac9e74), (SPR, 0x7000)],
    0x90000000,
    &[(3, 0x7856ffffffffffff), (10, 0x0), (12, 0xffffff60), (18, 0xff6e990a), (21, 0xffffffff), (NZCV_R, 0x20000000)],
);
// fuzz 21
case(
    &[
        0xba1c0175,
        0x7118c3cc,
        0x6b024f9f,
        0x9ad80a44,
        0x114999f4,
        0x6b33b0ff,
    ],
    &[(0, 0xffffffff), (1, 0x8b4532ee89ffa462), (2, 0x0), (3, 0xffffffffffffffff), (4, 0x80000000), (5, 0x8000000000000000), (6, 0x80000000), (7, 0x6f5ed4ef), (8, 0xa1929cc29f0c020a), (9, 0xffffffff), (10, 0x0), (11, 0x33e64bc6), (12, 0xffffffffffffffff), (13, 0xac), (14, 0xffffffffffffffff), (15, 0xffffffffffffffff), (16, 0x7d2c8db2), (17, 0xffffffffffffffff), (18, 0x8000000000000000), (19, 0x8000000000000000), (20, 0x0), (21, 0x0), (22, 0x70b6c7b5), (23, 0x8000000000000000), (24, 0x8000000000000000), (25, 0x80000000), (26, 0x80000000), (27, 0xffffffffffffffff), (28, 0x80000000), (29, 0x41), (30, 0x0), (SPR, 0x7000)],
    0xa0000000,
    &[(4, 0x1), (12, 0xfffff9d0), (20, 0x265fff), (21, 0xb3e64bc7), (NZCV_R, 0x20000000)],
);
// fuzz 22
case(
    &[
        0xdac01393,
        0xaa20fdb8,
        0x5ac014fd,
        0x1b174e48,
        0xdac00375,
        0x5ac005fa,
    ],
    &[(0, 0xffffffff), (1, 0x97), (2, 0x80000000), (3, 0x409f799b), (4, 0xffffffffffffffff), (5, 0x8000000000000000), (6, 0x0), (7, 0x0), (8, 0x80000000), (9, 0x56), (10, 0xfddc5e06c5bd1c34), (11, 0x24cb123f), (12, 0x27d29fff80af5349), (13, 0xffffffffffffffff), (14, 0xd7000b92d9114966), (15, 0x0), (16, 0x8000000000000000), (17, 0x80000000), (18, 0x28), (19, 0x8000000000000000), (20, 0x80000000), (21, 0xffffffffffffffff), (22, 0xcddd28b3f4addfc4), (23, 0xffffffffffffffff), (24, 0x80000000), (25, 0xffffffffffffffff), (26, 0x8000000000000000), (27, 0xffffffff), (28, 0x80000000), (29, 0x0), (30, 0x0), (SPR, 0x7000)],
    0xc0000000,
    &[(8, 0xfffffff8), (19, 0x20), (21, 0xffffffff00000000), (24, 0xffffffffffffffff), (26, 0x0), (29, 0x1f)],
);
// fuzz 23
case(
    &[
        0xdac01631,
        0xba100072,
        0xba47b348,
        0x9ba64015,
        0x9ba78800,
        0x9bd27e9f,
    ],
    &[(0, 0xffffffffffffffff), (1, 0x55), (2, 0x8000000000000000), (3, 0x8000000000000000), (4, 0x80000000), (5, 0xc1ce36a788c7ea00), (6, 0xb98cb439af2ca659), (7, 0xffffffffffffffff), (8, 0x809054dbfe73903a), (9, 0xffffffffffffffff), (10, 0x2540e29f), (11, 0x8000000000000000), (12, 0x80000000), (13, 0x26788aa487ceaf5d), (14, 0x80000000), (15, 0xed), (16, 0x8000000000000000), (17, 0xffffffff), (18, 0x0), (19, 0x0), (20, 0x80000000), (21, 0x8000000000000000), (22, 0xc9), (23, 0xe3cad1e389b85fde), (24, 0xffffffff), (25, 0x8000000000000000), (26, 0xffffffff), (27, 0x8000000000000000), (28, 0xe2), (29, 0x2ce62bdd), (30, 0xffffffff), (SPR, 0x7000)],
    0x20000000,
    &[(0, 0x80000001ffffffff), (17, 0x1f), (18, 0x1), (21, 0x2f2ca65850d359a7)],
);
// fuzz 24
case(
    &[
        0x5ac00920,
        0x91082167,
        0x0ac04c1d,
        0x3a406a02,
        0xeb36e23e,
        0x9bd67c59,
    ],
    &[(0, 0x1f), (1, 0xffffffff), (2, 0x31fdf916), (3, 0x0), (4, 0xffffffff), (5, 0xffffffffffffffff), (6, 0x80000000), (7, 0x66c97fce), (8, 0x8000000000000000), (9, 0x80000000), (10, 0xeb0801aa7217b528), (11, 0x2d), (12, 0x9), (13, 0xf7d09ab12999764d), (14, 0x604f8198), (15, 0x80000000), (16, 0x0), (17, 0xffffffff), (18, 0x97), (19, 0x8d8e8609067fc7e7), (20, 0x0), (21, 0xbd83cd3fff51f40c), (22, 0x16cd0506), (23, 0x0), (24, 0x6fd1ec8), (25, 0xce), (26, 0xffffffff), (27, 0x35), (28, 0x82192647712230da), (29, 0xffffffff), (30, 0x8000000000000000), (SPR, 0x7000)],
    0x40000000,
    &[(0, 0x80), (7, 0x235), (25, 0x0), (29, 0x0), (30, 0xe932faf9), (NZCV_R, 0x20000000)],
);
// fuzz 25
case(
    &[
        0xd175b7fe,
        0xcad79fbc,
        0xfa140253,
        0xdac004cd,
        0x9bdd7e2f,
        0x8a1757a5,
    ],
    &[(0, 0xb7), (1, 0xb9), (2, 0x9f), (3, 0xf0f66c77), (4, 0x8000000000000000), (5, 0x44), (6, 0xef9d0fca5736c171), (7, 0xb9982491), (8, 0x8000000000000000), (9, 0xffffffffffffffff), (10, 0x248bde1f), (11, 0x80000000), (12, 0x6bb2d889), (13, 0x80000000), (14, 0x0), (15, 0x96a37016fbde8634), (16, 0xffffffff), (17, 0xa4a5ca9e06e24e6e), (18, 0x80000000), (19, 0xffffffffffffffff), (20, 0x8000000000000000), (21, 0x48cd1558236f5b9b), (22, 0xa9298017b4d84f45), (23, 0xffffffff), (24, 0x8000000000000000), (25, 0xb46982ac9cf5b852), (26, 0xbc), (27, 0xfed4f150bb3738aa), (28, 0x34ff8ca95985ab0b), (29, 0x0), (30, 0x0), (SPR, 0x7000)],
    0x40000000,
    &[(5, 0x0), (13, 0x9defca0f365771c1), (15, 0x0), (19, 0x800000007fffffff), (28, 0x1fffffffe000000), (30, 0xffffffffff29a000), (NZCV_R, 0x90000000)],
);
// fuzz 26
case(
    &[
        0x3118c850,
        0x9bab3bca,
        0xda877658,
        0x9bde7fa4,
        0x5a853420,
        0xeb9d7d14,
    ],
    &[(0, 0x5c), (1, 0x8c9a75fdd47d8fda), (2, 0xc0beb05dec0ee9ed), (3, 0xbb2c6feb), (4, 0xffffffff), (5, 0xffffffffffffffff), (6, 0x8000000000000000), (7, 0x3168fa4f), (8, 0xffffffffffffffff), (9, 0x1b066347), (10, 0x8000000000000000), (11, 0x68658829), (12, 0xab07741b0e60d199), (13, 0x7e), (14, 0x8000000000000000), (15, 0x8000000000000000), (16, 0xffffffff), (17, 0x80000000), (18, 0xc9f69cfc5112a5f7), (19, 0xffffffff), (20, 0xffffffff), (21, 0x8000000000000000), (22, 0x80000000), (23, 0x63), (24, 0xa1e2036f), (25, 0x35), (26, 0xffffffff), (27, 0x0), (28, 0x8000000000000000), (29, 0x121e43ee), (30, 0xfb026c72), (SPR, 0x7000)],
    0xc0000000,
    &[(0, 0xd47d8fda), (4, 0x0), (10, 0xe65c898495f9ee42), (16, 0xec0ef01f), (20, 0xffffffffffffffff), (24, 0xc9f69cfc5112a5f7), (NZCV_R, 0xa0000000)],
);
// fuzz 27
case(
    &[
        0x5ac01088,
        0xdac01343,
        0xeb4c3fba,
        0x9ad70c3e,
        0x1ad32e6c,
        0x5ac0078b,
    ],
    &[(0, 0x80000000), (1, 0x0), (2, 0x6b959a2e), (3, 0x0), (4, 0x80000000), (5, 0xe88f9c161f52a37b), (6, 0xffffffff), (7, 0x9847ff62b3628e56), (8, 0x5246c474), (9, 0x766a49fc), (10, 0xde4d8a60), (11, 0x80000000), (12, 0x0), (13, 0x51), (14, 0x8000000000000000), (15, 0x8000000000000000), (16, 0x6d106196), (17, 0x43), (18, 0x8000000000000000), (19, 0x80000000), (20, 0xffffffffffffffff), (21, 0xd2129e2), (22, 0x80000000), (23, 0x8000000000000000), (24, 0xee), (25, 0x38b0dc34), (26, 0xffffffff), (27, 0x80000000), (28, 0xab), (29, 0xcb2ebd5a2c866f6), (30, 0x8000000000000000), (SPR, 0x7000)],
    0xb0000000,
    &[(3, 0x20), (8, 0x0), (11, 0xab00), (12, 0x80000000), (26, 0xcb2ebd5a2c866f6), (30, 0x0), (NZCV_R, 0x20000000)],
);
// fuzz 28
case(
    &[
        0x9acc2097,
        0x1a8e169b,
        0xba11028e,
        0xab2d832c,
        0x2b3a4a8d,
        0x9ad226f4,
    ],
    &[(0, 0xc1e418d3ef365261), (1, 0xf0), (2, 0x0), (3, 0x3c6c363e), (4, 0x8000000000000000), (5, 0x0), (6, 0x82e51032900d473e), (7, 0xeb9ef2819b5b71ce), (8, 0xf28ee161fb023735), (9, 0x9d460dfc352a6958), (10, 0x4a5d1547), (11, 0x0), (12, 0x29), (13, 0x8000000000000000), (14, 0x50ed02a27c6957e2), (15, 0xad8d820ab35313e0), (16, 0xffffffff), (17, 0xb333da82), (18, 0x3f39944e), (19, 0xffffffffffffffff), (20, 0x80000000), (21, 0x80000000), (22, 0x80000000), (23, 0x0), (24, 0x8000000000000000), (25, 0xffffffffffffffff), (26, 0xc2fece57757e6d7a), (27, 0x80000000), (28, 0x0), (29, 0x80000000), (30, 0xed), (SPR, 0x7000)],
    0x80000000,
    &[(12, 0xffffffffffffffff), (13, 0x55f9b5e8), (14, 0x13333da82), (20, 0x0), (NZCV_R, 0x30000000)],
);
// fuzz 29
case(
    &[
        0x4aa77ed0,
        0xba54002d,
        0x92f8850f,
        0x9ada08d0,
        0x3151ad0a,
        0x5ac013c3,
    ],
    &[(0, 0x80000000), (1, 0xffffffffffffffff), (2, 0xffffffff), (3, 0xe8), (4, 0xffffffff), (5, 0x80000000), (6, 0xb8), (7, 0x7a), (8, 0x574471f6), (9, 0x0), (10, 0x9f6350279b635867), (11, 0x1d5882eb), (12, 0x3ea9ab85), (13, 0xa), (14, 0xffffffff), (15, 0xf3d68e3a), (16, 0xffffffffffffffff), (17, 0x8000000000000000), (18, 0xffffffffffffffff), (19, 0xa1e30b18804af30d), (20, 0xffffffffffffffff), (21, 0x8000000000000000), (22, 0xffffffff), (23, 0x42), (24, 0xd0403610), (25, 0xdf), (26, 0xffffffff), (27, 0xb0), (28, 0xde2d32c47b1cec95), (29, 0x1788ee2babb8c8b8), (30, 0x0), (SPR, 0x7000)],
    0x40000000,
    &[(3, 0x20), (10, 0x578b21f6), (15, 0x3bd7ffffffffffff), (16, 0x0), (NZCV_R, 0x0)],
);
}
