# Cases for the saturating, halving, rounding, absolute-difference and by-element AdvSIMD
# groups (FPSR.QC is part of the expected state). Generate with
#   python3 gen.py sat_cases.py ../../../src/guest/aarch64/translate/simd_sat_tests/cases.txt
# Registers not set below start with gen.py's pseudo-random values (different per case).
def bv(bs):
    r = 0
    for i, b in enumerate(bs): r |= (b & 0xff) << (8 * i)
    return r
def hv(hs):
    r = 0
    for i, h in enumerate(hs): r |= (h & 0xffff) << (16 * i)
    return r
def sv(ws):
    r = 0
    for i, w in enumerate(ws): r |= (w & 0xffffffff) << (32 * i)
    return r
def dv(a, b): return (a & (2**64 - 1)) | ((b & (2**64 - 1)) << 64)

C = []
def case(asm, **init): C.append((asm, init))

# Lane-size extremes in every element size.
E8 = bv([0x7f, 0x80, 0xff, 0x01, 0x00, 0x7e, 0x81, 0x40, 0xc0, 0x10, 0xf0, 0x7f, 0x80, 0x55, 0xaa, 0x02])
F8 = bv([0x01, 0xff, 0x80, 0x7f, 0x00, 0x02, 0x81, 0x40, 0x40, 0xf0, 0x10, 0x80, 0x7f, 0xaa, 0x55, 0xfe])
E16 = hv([0x7fff, 0x8000, 0xffff, 0x0001, 0x0000, 0x4000, 0xc000, 0x8000])
F16 = hv([0x0001, 0xffff, 0x8000, 0x7fff, 0x0000, 0x4000, 0x4000, 0x8000])
E32 = sv([0x7fffffff, 0x80000000, 0xffffffff, 0x40000000])
F32 = sv([0x00000001, 0x80000000, 0x80000000, 0x40000000])
E64 = dv(0x7fffffffffffffff, 0x8000000000000000)
F64 = dv(0x0000000000000001, 0xffffffffffffffff)
SH = bv([1, 0xff, 7, 0xf9, 8, 0xf8, 0, 0x80, 9, 0xf7, 0x7f, 0x81, 3, 0xfd, 0x40, 0xc0])

# saturating add/subtract, all sizes, vector and scalar
case("sqadd v0.16b, v1.16b, v2.16b\nuqadd v3.16b, v1.16b, v2.16b\nsqsub v4.16b, v1.16b, v2.16b\nuqsub v5.16b, v1.16b, v2.16b", v1=E8, v2=F8)
case("sqadd v0.8h, v1.8h, v2.8h\nuqadd v3.4h, v1.4h, v2.4h\nsqsub v4.8h, v1.8h, v2.8h\nuqsub v5.8h, v1.8h, v2.8h", v1=E16, v2=F16)
case("sqadd v0.4s, v1.4s, v2.4s\nuqadd v3.4s, v1.4s, v2.4s\nsqsub v4.2s, v1.2s, v2.2s\nuqsub v5.4s, v1.4s, v2.4s", v1=E32, v2=F32)
case("sqadd v0.2d, v1.2d, v2.2d\nuqadd v3.2d, v1.2d, v2.2d\nsqsub v4.2d, v1.2d, v2.2d\nuqsub v5.2d, v1.2d, v2.2d", v1=E64, v2=F64)
case("sqadd b0, b1, b2\nuqsub h3, h1, h2\nsqsub s4, s1, s2\nuqadd d5, d1, d2", v1=E8 ^ (0x7f << 120), v2=F8)
case("uqadd v0.8b, v1.8b, v2.8b", v1=bv([1] * 8 + [0xff] * 8), v2=bv([1] * 8 + [0xff] * 8))
case("suqadd v0.16b, v1.16b\nusqadd v2.8h, v3.8h\nsuqadd s4, s5\nusqadd d6, d7", v0=E8, v1=F8, v2=E16, v3=F16, v4=E32, v5=F32, v6=E64, v7=F64)
case("sqabs v0.16b, v1.16b\nsqneg v2.8h, v3.8h\nsqabs v4.2s, v5.2s\nsqneg v6.2d, v7.2d\nsqabs b1, b1\nsqneg s3, s3", v1=E8, v3=E16, v5=E32, v7=E64)
# halving, rounding halving, absolute difference (and accumulate, long)
case("shadd v0.16b, v1.16b, v2.16b\nuhadd v3.8h, v1.8h, v2.8h\nsrhadd v4.4s, v1.4s, v2.4s\nurhadd v5.8b, v1.8b, v2.8b\nshsub v6.8h, v1.8h, v2.8h\nuhsub v7.4s, v1.4s, v2.4s", v1=E8, v2=F8)
case("sabd v0.16b, v1.16b, v2.16b\nuabd v3.8h, v1.8h, v2.8h\nsaba v4.4s, v1.4s, v2.4s\nuaba v5.8b, v1.8b, v2.8b\nsabdl v6.8h, v1.8b, v2.8b\nuabal2 v7.2d, v1.4s, v2.4s", v1=E8, v2=F8)
case("sabal v0.4s, v1.4h, v2.4h\nuabdl2 v3.8h, v1.16b, v2.16b\npmul v4.16b, v1.16b, v2.16b\npmul v5.8b, v2.8b, v1.8b", v1=E16, v2=F16)
# shifts by register: rounding, saturating
case("srshl v0.16b, v1.16b, v2.16b\nurshl v3.16b, v1.16b, v2.16b\nsqshl v4.16b, v1.16b, v2.16b\nuqshl v5.16b, v1.16b, v2.16b\nsqrshl v6.16b, v1.16b, v2.16b\nuqrshl v7.16b, v1.16b, v2.16b", v1=E8, v2=SH)
case("srshl v0.2d, v1.2d, v2.2d\nurshl v3.4s, v1.4s, v2.4s\nsqshl v4.8h, v1.8h, v2.8h\nuqshl d5, d1, d2\nsqrshl s6, s1, s2\nuqrshl h7, h1, h2", v1=E64, v2=bv([0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc1, 0, 0, 0, 0, 0, 0, 0]))
# shifts by immediate: rounding, saturating, narrowing
case("srshr v0.16b, v1.16b, #3\nurshr v2.8h, v1.8h, #16\nsrsra v3.4s, v1.4s, #31\nursra v4.2d, v1.2d, #64\nsrshr d5, d1, #1\nursra d6, d1, #63", v1=E8 ^ E64)
case("sqshl v0.16b, v1.16b, #3\nuqshl v2.8h, v1.8h, #15\nsqshlu v3.4s, v1.4s, #1\nsqshl d4, d1, #62\nuqshl b5, b1, #1\nsqshlu h6, h1, #0", v1=E16 ^ E32)
case("rshrn v0.8b, v1.8h, #8\nrshrn2 v0.16b, v2.8h, #1\nsqshrn v3.4h, v1.4s, #4\nuqshrn2 v3.8h, v2.4s, #16\nsqrshrn v4.2s, v1.2d, #1\nuqrshrn v5.8b, v1.8h, #1", v1=E16, v2=E32)
case("sqshrun v0.8b, v1.8h, #2\nsqrshrun2 v0.16b, v2.8h, #8\nsqshrun s3, d1, #1\nsqrshrn h4, s2, #16\nuqrshrn b5, h1, #8\nsqrshrun h6, s1, #3", v1=E16, v2=E32 ^ E64)
case("sqxtn v0.8b, v1.8h\nsqxtn2 v0.16b, v2.8h\nuqxtn v3.4h, v1.4s\nsqxtun v4.2s, v1.2d\nsqxtun2 v4.4s, v2.2d\nuqxtn b5, h1\nsqxtn s6, d2\nsqxtun h7, s1", v1=E16 ^ E64, v2=E32)
# doubling multiplies
case("sqdmulh v0.8h, v1.8h, v2.8h\nsqrdmulh v3.4s, v1.4s, v2.4s\nsqdmulh h4, h1, h2\nsqrdmulh s5, s1, s2", v1=E16, v2=F16)
case("sqdmull v0.4s, v1.4h, v2.4h\nsqdmull2 v3.2d, v1.4s, v2.4s\nsqdmlal v4.4s, v1.4h, v2.4h\nsqdmlsl2 v5.4s, v1.8h, v2.8h\nsqdmull s6, h1, h2\nsqdmlal d7, s1, s2", v1=E16 ^ E32, v2=F16 ^ F32, v4=sv([0x7fffffff, 0x80000000, 0, 1]), v7=dv(0x7fffffffffffffff, 5))
# by element: integer
case("mul v0.8h, v1.8h, v2.h[7]\nmla v3.4s, v1.4s, v2.s[3]\nmls v4.4h, v1.4h, v2.h[0]\nmul v5.2s, v1.2s, v2.s[1]", v1=E16, v2=F16)
case("smull v0.4s, v1.4h, v2.h[5]\numull2 v3.2d, v1.4s, v2.s[2]\nsmlal2 v4.4s, v1.8h, v2.h[1]\numlsl v5.2d, v1.2s, v2.s[0]\numlal v6.4s, v1.4h, v2.h[6]\nsmlsl2 v7.2d, v1.4s, v2.s[3]", v1=E16 ^ E32, v2=F16)
case("sqdmulh v0.8h, v1.8h, v2.h[7]\nsqrdmulh v3.2s, v1.2s, v2.s[1]\nsqdmull v4.4s, v1.4h, v2.h[2]\nsqdmlal2 v5.2d, v1.4s, v2.s[3]\nsqdmlsl v6.4s, v1.4h, v2.h[7]", v1=E16, v2=F16)
case("sqdmulh h0, h1, v2.h[1]\nsqrdmulh s3, s1, v2.s[3]\nsqdmull d4, s1, v2.s[1]\nsqdmlal s5, h1, v2.h[7]\nsqdmlsl d6, s1, v2.s[2]", v1=E16, v2=F16 ^ F32)
# by element: FP (QNaN/SNaN/inf/zero products, FMULX's 0 * inf = 2)
FPV = sv([0x3fc00000, 0x7f800000, 0x00000000, 0x7fc00001])
FPW = sv([0x40000000, 0x80000000, 0x7f800001, 0xbf800000])
case("fmul v0.4s, v1.4s, v2.s[1]\nfmla v3.4s, v1.4s, v2.s[0]\nfmls v4.2s, v1.2s, v2.s[3]\nfmulx v5.4s, v1.4s, v2.s[1]\nfmulx s6, s1, v2.s[1]\nfmla s7, s1, v2.s[2]", v1=FPV, v2=FPW, v3=FPV)
case("fmul v0.2d, v1.2d, v2.d[1]\nfmla v3.2d, v1.2d, v2.d[0]\nfmls d4, d1, v2.d[1]\nfmulx v5.2d, v1.2d, v2.d[1]\nfmulx d6, d1, v2.d[0]",
     v1=dv(0x7ff0000000000000, 0x3ff8000000000000), v2=dv(0x4000000000000000, 0x8000000000000000))
case("fcvtxn v0.2s, v1.2d\nfcvtxn2 v0.4s, v2.2d\nfcvtxn s3, d4\nfrecpx s5, s6\nfrecpx d7, d4",
     v1=dv(0x3ff0000000400000, 0x7fe0000000000000), v2=dv(0x7ff4000000000000, 0x3fd5555555555555), v4=dv(0x36a0000000000001, 0), v6=sv([0x00000001, 0, 0, 0]))
# dot product (FEAT_DotProd: needs +dotprod and a qemu CPU with it, as the default "max")
B1 = bv([0x7f, 0x80, 0xff, 0x01, 0x00, 0x80, 0x80, 0x7f, 0x12, 0xfe, 0x81, 0x40, 0xc0, 0x33, 0x99, 0x80])
B2 = bv([0x80, 0x80, 0xff, 0x7f, 0x55, 0x80, 0x7f, 0x7f, 0xff, 0x02, 0x81, 0xc0, 0x40, 0xcc, 0x66, 0x01])
case("sdot v0.4s, v1.16b, v2.16b\nudot v3.4s, v1.16b, v2.16b\nsdot v4.2s, v1.8b, v2.8b\nudot v5.2s, v2.8b, v1.8b\nsdot v6.4s, v2.16b, v2.16b\nudot v7.4s, v1.16b, v1.16b",
     v1=B1, v2=B2, v0=sv([0x7fffffff, 0x80000000, 1, 0xffffffff]), v3=sv([0xffffffff, 0, 0x80000000, 7]))
case("sdot v0.4s, v1.16b, v2.4b[0]\nudot v3.4s, v1.16b, v2.4b[3]\nsdot v4.2s, v1.8b, v2.4b[2]\nudot v5.2s, v2.8b, v1.4b[1]\nsdot v6.4s, v2.16b, v1.4b[3]\nudot v7.4s, v1.16b, v2.4b[1]",
     v1=B1, v2=B2, v0=sv([1, 2, 3, 4]), v5=sv([0xfffffff0, 0x10, 0, 0]))
