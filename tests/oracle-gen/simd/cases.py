import struct, math
M64 = (1 << 64) - 1
def d(x): return struct.unpack('<Q', struct.pack('<d', x))[0]
def s(x): return struct.unpack('<I', struct.pack('<f', x))[0]
def dd(lo, hi=0): return d(lo) | (d(hi) << 64) if isinstance(hi, float) else d(lo) | (hi << 64)
def sv(*xs):
    r = 0
    for i, x in enumerate(xs): r |= s(x) << (32 * i)
    return r
def bv(bs):
    r = 0
    for i, b in enumerate(bs): r |= (b & 0xff) << (8 * i)
    return r
INF = float('inf'); NAN = float('nan')
QNAN_D = 0x7ff8000000000123; SNAN_D = 0x7ff0000000000456; NQNAN_D = 0xfff8000000000789
QNAN_S = 0x7fc00123; SNAN_S = 0x7f800456
HI = 0x1111222233334444 << 64   # junk in upper half of scalar FP regs

C = []
def case(asm, **init): C.append((asm, init))

# ---------------- loads / stores ----------------
case("ldr q0, [x0, #16]\nldr d1, [x0, #8]\nldr s2, [x0, #4]\nldr h3, [x0, #2]\nldr b4, [x0, #1]")
case("str q5, [x1]\nstr d6, [x1, #16]\nstr s7, [x1, #24]\nstr h0, [x1, #28]\nstr b1, [x1, #30]")
case("ldr q0, [x0, #4080]", x0=('p', -3920))
case("ldur q0, [x1, #-3]\nldur s1, [x0, #255]\nstur d2, [x1, #-8]\nstur h3, [x1, #5]\nstur q4, [x1, #-200]")
case("ldr q0, [x0, #16]!\nldr q1, [x0], #32\nstr q2, [x1, #-16]!\nstr d3, [x1], #8\nldr s4, [x0, #-4]!\nstr b5, [x1], #-1")
case("ldr q0, [x0, x5, lsl #4]\nldr d1, [x0, w5, uxtw #3]\nldr s2, [x0, x2]\nstr q3, [x1, x5]\nldr h4, [x0, w6, sxtw #1]\nldr b5, [x0, x5]\nstr d6, [x1, w6, sxtw]", x5=2, x6=0xfffffffe)
case("ldp q0, q1, [x0, #32]\nldp d2, d3, [x0], #16\nldp s4, s5, [x1, #-8]!\nstp q6, q7, [x1, #32]!")
case("stnp d0, d1, [x1]\nldnp q2, q3, [x0]\nstp s4, s5, [x1, #-256]\nstp d6, d7, [x1], #-16\nldp q4, q5, [x0, #-64]")
case("ld1 {v0.16b}, [x0]\nld1 {v1.8b}, [x0]\nld1 {v2.16b, v3.16b}, [x0], #32\nld1 {v4.8b, v5.8b, v6.8b}, [x0], x2")
case("ld1 {v0.4s, v1.4s, v2.4s, v3.4s}, [x0]\nst1 {v4.16b, v5.16b}, [x1], #32\nst1 {v6.2d}, [x1]\nst1 {v7.1d}, [x0]")
case("ld1 {v0.2d, v1.2d, v2.2d}, [x0], #48\nst1 {v3.8b, v4.8b, v5.8b, v6.8b}, [x1], x5\nld1 {v7.1d}, [x0]", x5=-100)
case("ld2 {v0.8h, v1.8h}, [x0]\nld3 {v2.4s, v3.4s, v4.4s}, [x0], #48\nld4 {v4.8b, v5.8b, v6.8b, v7.8b}, [x0]")
case("st2 {v4.4s, v5.4s}, [x1]\nst3 {v0.16b, v1.16b, v2.16b}, [x0]\nst4 {v3.4h, v4.4h, v5.4h, v6.4h}, [x1], #32")
case("ld1 {v0.s}[1], [x0]\nld1 {v1.b}[13], [x0], #1\nst1 {v2.d}[1], [x1]\nld1 {v3.h}[6], [x0], x5\nst1 {v4.s}[3], [x0]", x5=5)
case("ld1r {v3.8h}, [x0]\nld1r {v4.2s}, [x0], #4\nld1r {v5.16b}, [x0]\nld1r {v6.1d}, [x0], x5\nld1r {v7.2d}, [x0]\nld2 {v0.b, v1.b}[5], [x0]", x5=3)
case("ld2r {v0.4s, v1.4s}, [x0]\nst2 {v2.h, v3.h}[7], [x1]\nld3 {v4.d, v5.d, v6.d}[1], [x0], #24")

# ---------------- fp moves ----------------
case("fmov x0, d1\nfmov d2, x3\nfmov x4, v1.d[1]\nfmov v3.d[1], x3\nfmov s4, w4\nfmov w5, s1\nfmov d5, #-1.25\nfmov s6, #31.0\nfmov d7, d1\nfmov s0, s2\nfmov h1, w3\nfmov w6, h2\nfmov x7, h6\nfmov h0, #1.5")
# ---------------- fp arithmetic ----------------
pairs_d = [(1.5, 2.25), (INF, -INF), (SNAN_D, 1.0), (1.0, QNAN_D), (QNAN_D, SNAN_D), (1e308, 1e308), (0.0, -0.0), (-0.0, -0.0), (0.0, INF), (NQNAN_D, 2.0), (1.0, 3.0)]
def fv(x): return x if isinstance(x, int) else d(x)
for a, b in pairs_d:
    case("fadd d2, d0, d1\nfsub d3, d0, d1\nfmul d4, d0, d1\nfdiv d5, d0, d1\nfnmul d6, d0, d1\nfmin d7, d0, d1\nfmov x2, d7\nfmaxnm d7, d0, d1\nfmov x3, d7\nfminnm d7, d0, d1\nfmov x4, d7\nfmax d7, d0, d1",
         v0=fv(a) | HI, v1=fv(b) | HI)
for a, b in [(1.5, 2.25), (INF, 0.0), (SNAN_S, 1.0), (1.0, QNAN_S), (3e38, 3e38), (0.0, -0.0), (1.0, 3.0), (-0.0, 0.0)]:
    fa = a if isinstance(a, int) else s(a); fb = b if isinstance(b, int) else s(b)
    case("fadd s2, s0, s1\nfsub s3, s0, s1\nfmul s4, s0, s1\nfdiv s5, s0, s1\nfnmul s6, s0, s1\nfmax s7, s0, s1\nfmov w2, s7\nfmin s7, s0, s1\nfmov w3, s7\nfmaxnm s7, s0, s1\nfmov w4, s7\nfminnm s7, s0, s1",
         v0=fa | HI, v1=fb | HI)
for a in [2.0, -1.0, QNAN_D, SNAN_D, NQNAN_D, -0.0, INF, 1e-310]:
    case("fabs d1, d0\nfneg d2, d0\nfsqrt d3, d0\nfcvt s4, d0\nfcvt h5, d0\nfabs s6, s0\nfsqrt s7, s0", v0=fv(a) | HI)
for t in [(2.0, 3.0, 1.0), (QNAN_D, 3.0, 1.0), (1.0, SNAN_D, 2.0), (INF, 0.0, QNAN_D), (INF, 0.0, 1.0), (1e308, 10.0, -1e308), (0.1, 0.2, 0.3), (QNAN_D, SNAN_D, NQNAN_D), (NQNAN_D, 1.0, 1.0)]:
    case("fmadd d3, d0, d1, d2\nfmsub d4, d0, d1, d2\nfnmadd d5, d0, d1, d2\nfnmsub d6, d0, d1, d2\nfmadd s7, s0, s1, s2",
         v0=fv(t[0]) | HI, v1=fv(t[1]), v2=fv(t[2]))
case("fmadd s3, s0, s1, s2\nfmsub s4, s0, s1, s2\nfnmadd s5, s0, s1, s2\nfnmsub s6, s0, s1, s2", v0=s(0.1), v1=s(0.2), v2=s(0.3))
# compares (one flag-setting instruction last: the harness dumps NZCV at the end)
for a, b in [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (QNAN_D, 1.0), (0.0, -0.0), (-INF, INF), (SNAN_D, 0.0), (-1.0, 0.0)]:
    kw = dict(v0=fv(a), v1=fv(b), nzcv=0x60000000)
    case("fcmp d0, d1\nfcsel d2, d0, d1, gt\nfcsel d3, d0, d1, vs\nfcsel d4, d0, d1, ls", **kw)
    case("fcmpe d0, d1", **kw)
    case("fcmp d0, #0.0", **kw)
    case("fcmpe d1, #0.0", **kw)
    case("fccmp d0, d1, #4, eq\nfcsel s4, s0, s1, mi", **kw)
    case("fccmpe d0, d1, #2, ne", **kw)
    kw['v0'] = s(a) if isinstance(a, float) else 0x7fc00000
    kw['v1'] = s(b) if isinstance(b, float) else 0x7fc00000
    case("fcmp s0, s1", **kw)
# precision conversions
for a in [1.0/3, 65519.0, 65520.0, 1e-8, 6e-8, 3e-5, -2.5, 1e39, 1e-46]:
    case("fcvt s1, d0\nfcvt h2, d0\nfcvt d3, s1\nfcvt h4, s1\nfcvt s5, h2\nfcvt d6, h2\nfcvt d7, s0", v0=d(a) | HI)
case("fcvt s1, d0\nfcvt h2, d0\nfcvt d3, s4\nfcvt h5, s4\nfcvt s6, h7\nfcvt d7, h7", v0=SNAN_D, v4=SNAN_S, v7=0x7d01)
# int -> float
for x3, x4 in [(0x0123456789abcdef, -5), (-1, 0xffffffff), (0x7fffffffffffffff, 0x80000000), (3, 16777217), (0x8000000000000001, 0x7fffffbf)]:
    case("scvtf d0, x3\nscvtf s1, w4\nucvtf d2, x3\nucvtf s3, w4\nscvtf d4, x3, #8\nucvtf s5, w4, #16\nscvtf s6, x3\nucvtf d7, w4\nscvtf h0, w4\nucvtf d0, x3, #64", x3=x3 & (2**64-1), x4=x4 & (2**64-1))
# float -> int
for a in [1e20, -1e20, NAN, -2.5, 2.5, 3.5, -0.5, 4294967295.7, -1.0, 9.3e18, 0.75, -2147483648.9]:
    case("fcvtzs x0, d0\nfcvtzu w1, d0\nfcvtns x2, d0\nfcvtas w3, d0\nfcvtms x4, d0\nfcvtps w5, d0\nfcvtnu x6, d0\nfcvtau w7, d0\nfcvtzs w8, d0, #4\nfmov d1, x8\nfcvtzu x8, d0, #60\nfmov d2, x8\nfcvtmu x8, d0\nfmov d3, x8\nfcvtpu w8, d0\nfmov d4, x8\nfcvtzs w8, s5\nfmov d5, x8",
         v0=d(a), v5=s(a))
# rounding
for a in [2.5, -2.5, 1.5, -0.4, 0.5, 1e300, QNAN_D, -0.0, 4503599627370497.0]:
    case("frintn d1, d0\nfrinta d2, d0\nfrintm d3, d0\nfrintp d4, d0\nfrintz d5, d0\nfrintx d6, d0\nfrinti d7, d0\nfcvt s0, d0\nfrinta s0, s0", v0=fv(a))

# ---------------- SIMD ----------------
case("movi v0.16b, #0x41\nmovi v1.4s, #0xff, lsl #8\nmovi v2.2d, #0xff00ff0000ffff00\nmovi d3, #0xff\nmovi v4.8h, #0x12, lsl #8\nmovi v5.4s, #0x12, msl #16\nmvni v6.4s, #0x7, lsl #16\nmvni v7.8h, #1")
case("movi v0.2s, #5\norr v1.4s, #0x3, lsl #8\nbic v2.8h, #0xff\nbic v3.4s, #1, lsl #24\nfmov v4.4s, #1.0\nfmov v5.2d, #-2.5\nfmov v6.2s, #0.5\nmvni v7.2s, #0x80, msl #8")
case("movi v0.8b, #0xfe\nmovi v1.4h, #0x7f, lsl #8\norr v2.2s, #0x80, lsl #24\nbic v3.4h, #0x1\nmvni v4.4h, #0x10, lsl #8\nmovi v5.2s, #0x44, msl #8\nmvni v6.4s, #0x22, msl #16\nmovi v7.4s, #0")
case("dup v0.16b, w3\ndup v1.2d, x3\ndup v2.4s, v5.s[3]\ndup v3.8b, v4.b[9]\nins v4.s[2], w3\nins v5.d[1], v6.d[0]\nmov v6.b[15], v7.b[0]\ndup v7.4h, w3")
case("umov w0, v1.b[3]\numov x1, v2.d[1]\nsmov x2, v3.h[5]\nsmov w3, v4.b[7]\nmov w4, v5.s[2]\nsmov x5, v6.s[1]\numov w6, v7.h[7]\ndup v0.8h, v7.h[7]\nins v1.h[3], v7.h[6]\ndup v2.2s, w3")
case("cmeq v0.16b, v1.16b, v2.16b\ncmeq v3.16b, v4.16b, #0\ncmeq v5.8b, v6.8b, #0\ncmhs v7.16b, v1.16b, v2.16b\ncmhi v4.4s, v1.4s, v2.4s\ncmge v6.8h, v1.8h, v2.8h\ncmgt v2.2d, v1.2d, v2.2d\ncmtst v1.8b, v1.8b, v3.8b")
case("cmgt v0.16b, v1.16b, #0\ncmge v2.8h, v3.8h, #0\ncmle v4.4s, v5.4s, #0\ncmlt v6.2d, v7.2d, #0\nabs v1.16b, v1.16b\nneg v3.4s, v3.4s\nabs v5.2s, v5.2s\nneg v7.8b, v7.8b")
case("and v0.16b, v1.16b, v2.16b\norr v3.8b, v4.8b, v5.8b\norn v6.16b, v6.16b, v7.16b\nbic v1.16b, v1.16b, v2.16b\neor v2.8b, v2.8b, v4.8b\nmov v4.16b, v5.16b\nnot v5.16b, v7.16b\nnot v7.8b, v0.8b")
case("bsl v0.16b, v1.16b, v2.16b\nbit v3.16b, v4.16b, v5.16b\nbif v6.16b, v4.16b, v5.16b\nbit v7.8b, v4.8b, v5.8b")
case("add v0.2d, v1.2d, v2.2d\nadd v3.4s, v1.4s, v2.4s\nsub v4.8b, v1.8b, v2.8b\nsub v5.8h, v1.8h, v2.8h\nmul v6.8h, v1.8h, v2.8h\nmul v7.2s, v1.2s, v2.2s\nmla v1.16b, v2.16b, v3.16b\nmls v2.4s, v3.4s, v4.4s")
case("addp v0.16b, v1.16b, v2.16b\naddp v3.2s, v1.2s, v2.2s\numinp v4.16b, v1.16b, v2.16b\numaxp v5.8b, v1.8b, v2.8b\nsminp v6.8h, v1.8h, v2.8h\nsmaxp v7.4h, v1.4h, v2.4h\naddp v1.2d, v1.2d, v2.2d\numaxp v2.4s, v2.4s, v3.4s")
case("umin v0.16b, v1.16b, v2.16b\numax v3.8h, v1.8h, v2.8h\nsmin v4.4s, v1.4s, v2.4s\nsmax v5.8b, v1.8b, v2.8b\numinp v6.8b, v1.8b, v2.8b\nsmaxp v7.16b, v1.16b, v2.16b")
case("uminv b0, v1.16b\numaxv h1, v2.4h\numinv b2, v3.8b\naddv b3, v4.8b\naddv s4, v5.4s\nsmaxv b5, v6.16b\nuaddlv h6, v7.16b\nsaddlv s7, v7.8h")
case("sminv h0, v1.8h\numaxv s1, v2.4s\nuaddlv d2, v3.4s\nuaddlp v3.8h, v4.16b\nsaddlp v4.2d, v5.4s\nuadalp v5.4s, v6.8h\naddv h6, v7.4h\nuaddlp v7.1d, v7.2s")
case("shrn v0.8b, v1.8h, #4\nshrn2 v0.16b, v2.8h, #4\nshrn v2.4h, v3.4s, #16\nushr v3.16b, v4.16b, #3\nsshr v4.4s, v5.4s, #31\nshl v5.2d, v6.2d, #3\nusra v6.8h, v7.8h, #15\nssra v7.2s, v1.2s, #1")
case("ushll v0.8h, v1.8b, #2\nsshll2 v2.4s, v3.8h, #0\nuxtl v4.2d, v5.2s\nsxtl2 v6.8h, v7.16b\nshrn v1.2s, v3.2d, #32\nsshr v3.16b, v3.16b, #8\nshl v5.8b, v5.8b, #7\nushr v7.2d, v7.2d, #64")
case("xtn v0.8b, v1.8h\nxtn2 v0.16b, v2.8h\nxtn v3.2s, v4.2d\nxtn v5.4h, v6.4s\nxtn2 v6.4s, v7.2d")
case("shll v0.8h, v1.8b, #8\nshll2 v2.4s, v3.8h, #16\nshll v4.2d, v5.2s, #32\nshll2 v6.8h, v7.16b, #8")
case("ext v0.16b, v1.16b, v2.16b, #3\next v3.8b, v1.8b, v2.8b, #5\next v4.16b, v4.16b, v4.16b, #8\next v5.16b, v1.16b, v2.16b, #0\next v6.8b, v2.8b, v1.8b, #0")
case("rev16 v0.16b, v1.16b\nrev32 v2.8b, v3.8b\nrev32 v3.8h, v3.8h\nrev64 v4.2s, v5.2s\nrev64 v5.16b, v5.16b\ncnt v6.16b, v7.16b\ncnt v7.8b, v1.8b\nclz v1.4s, v2.4s")
case("rbit v0.16b, v1.16b\nclz v2.16b, v2.16b\nclz v3.4h, v3.4h\nrbit v4.8b, v5.8b")
idx = bv([0, 1, 17, 15, 31, 32, 255, 5, 16, 3, 47, 48, 63, 64, 8, 2])
case("tbl v0.16b, {v1.16b}, v7.16b\ntbl v2.8b, {v3.16b}, v7.8b\ntbl v3.16b, {v4.16b, v5.16b}, v7.16b\ntbx v4.16b, {v1.16b}, v7.16b\ntbl v5.16b, {v5.16b, v6.16b, v7.16b}, v7.16b\ntbx v6.8b, {v1.16b, v2.16b}, v7.8b", v7=idx)
case("tbl v0.16b, {v1.16b, v2.16b, v3.16b, v4.16b}, v7.16b\ntbx v5.16b, {v2.16b, v3.16b, v4.16b, v5.16b}, v7.16b\ntbx v6.16b, {v5.16b, v6.16b, v7.16b}, v7.16b", v7=idx)
case("zip1 v0.16b, v1.16b, v2.16b\nzip2 v3.8b, v1.8b, v2.8b\nuzp1 v4.4s, v1.4s, v2.4s\nuzp2 v5.8b, v1.8b, v2.8b\ntrn1 v6.8h, v1.8h, v2.8h\ntrn2 v7.2s, v1.2s, v2.2s")
case("zip2 v0.16b, v1.16b, v2.16b\nzip1 v3.2s, v1.2s, v2.2s\nuzp1 v4.8b, v1.8b, v2.8b\nuzp2 v5.2d, v1.2d, v2.2d\ntrn1 v6.16b, v1.16b, v2.16b\ntrn2 v7.4h, v1.4h, v2.4h")
case("uaddw v0.2d, v1.2d, v2.2s\nuaddw2 v3.4s, v1.4s, v2.8h\nuaddl v4.8h, v1.8b, v2.8b\nusubl2 v5.2d, v1.4s, v2.4s\nsaddw v6.8h, v1.8h, v2.8b\nssubw2 v7.4s, v1.4s, v2.8h")
case("cmeq d0, d1, d2\ncmeq d3, d4, #0\ncmge d5, d6, #0\naddp d6, v1.2d\nmov d7, v2.d[1]\nushr d1, d1, #3\nshl d2, d3, #60\nadd d4, d1, d2")
case("cmeq d0, d1, d1\ncmhi d2, d1, d3\ncmgt d3, d4, #0\ncmlt d4, d5, #0\nneg d5, d5\nsub d6, d6, d1\nsshr d7, d7, #63\nmov s1, v2.s[3]\nmov b2, v3.b[15]\nmov h3, v4.h[2]\nusra d4, d4, #1")

# ---------------- vector / scalar-SIMD floating point ----------------
def dv(a, b): return (fv(a) & M64) | ((fv(b) & M64) << 64)
def fs(x): return x if isinstance(x, int) else s(x)
def svv(*xs):
    r = 0
    for i, x in enumerate(xs): r |= (fs(x) & 0xffffffff) << (32 * i)
    return r
V1 = dict(v1=svv(1.5, -2.0, QNAN_S, 0.0), v2=svv(2.25, -2.0, 1.0, -0.0), v3=dv(1e300, SNAN_D), v4=dv(-1e300, 2.0), v5=svv(INF, 3.0, -7.5, 1e-40), v6=svv(0.0, -3.0, 7.5, 1e-40), v0=svv(1.0, 2.0, 3.0, 4.0), v7=dv(0.5, -0.25))
case("fadd v0.4s, v1.4s, v2.4s\nfsub v7.2d, v3.2d, v4.2d\nfmul v2.2s, v5.2s, v6.2s\nfdiv v1.4s, v5.4s, v6.4s\nfmax v3.2d, v3.2d, v4.2d\nfminnm v4.4s, v5.4s, v6.4s\nfmin v5.4s, v1.4s, v2.4s\nfmaxnm v6.2d, v3.2d, v7.2d", **V1)
case("fmla v0.4s, v1.4s, v2.4s\nfmls v7.2d, v3.2d, v4.2d\nfaddp v1.4s, v5.4s, v6.4s\nfaddp s2, v0.2s\nfaddp d3, v4.2d\nfmaxp v4.2s, v5.2s, v6.2s\nfminnmp v5.4s, v6.4s, v2.4s\nfmaxnmp d6, v7.2d", **V1)
case("fcmeq v0.4s, v1.4s, v2.4s\nfcmge v7.2d, v3.2d, v4.2d\nfcmgt v2.4s, v5.4s, v6.4s\nfacge v1.4s, v5.4s, v6.4s\nfacgt v3.2d, v3.2d, v4.2d\nfabd v4.4s, v5.4s, v6.4s\nfcmeq d5, d3, d4\nfcmgt s6, s5, s6", **V1)
case("fcmeq v0.4s, v1.4s, #0.0\nfcmlt v7.2d, v4.2d, #0.0\nfcmle v2.2s, v2.2s, #0.0\nfcmge v3.4s, v6.4s, #0.0\nfcmgt d4, d4, #0.0\nfabd d5, d3, d4\nfacgt s6, s5, s6\nfcmle s1, s1, #0.0", **V1)
case("fabs v0.4s, v1.4s\nfneg v7.2d, v3.2d\nfsqrt v2.4s, v6.4s\nfrintn v1.4s, v5.4s\nfrinta v3.2d, v7.2d\nfrintm v4.2s, v6.2s\nfrintp v5.4s, v0.4s\nfrintz v6.2d, v4.2d", v0=svv(0.5, 1.5, -2.5, 2.5), **{k: v for k, v in V1.items() if k != 'v0'})
case("fcvtzs v0.4s, v0.4s\nfcvtzu v1.4s, v5.4s\nfcvtns v2.2d, v7.2d\nfcvtas v3.2s, v6.2s\nfcvtms v4.2d, v4.2d\nfcvtpu v5.4s, v2.4s\nscvtf v6.4s, v6.4s\nucvtf v7.2d, v3.2d", v0=svv(3e9, -3e9, 2.5, -2.7), v6=svv(-1, 7, 0x7fffffff, 16777217), v3=dv(-1, 3), **{k: v for k, v in V1.items() if k not in ('v0', 'v6', 'v3')})
case("fcvtzs d0, d3\nfcvtzu s1, s5\nscvtf s2, s6\nucvtf d3, d4\nfcvtzs v4.4s, v0.4s, #8\nscvtf v5.2d, v4.2d, #3\nucvtf s6, s6, #32\nfcvtzu d7, d7, #10\nfcvtns s0, s0", **V1)
case("fcvtn v0.2s, v3.2d\nfcvtn2 v0.4s, v4.2d\nfcvtl v1.2d, v5.2s\nfcvtl2 v2.2d, v6.4s\nfcvtn v7.4h, v1.4s\nfcvtl2 v3.4s, v7.8h\nfcvtl v4.4s, v5.4h\nfcvtn2 v5.8h, v2.4s", **V1)
case("frintx v0.4s, v0.4s\nfrinti v1.2d, v7.2d\nfrinta v2.4s, v1.4s\nfneg v3.2s, v1.2s\nfabs v4.2d, v3.2d", v0=svv(0.5, 1.5, -2.5, 2.5), **{k: v for k, v in V1.items() if k != 'v0'})

# ---------------- register shifts, widening multiplies, high narrow, shift-insert ----------------
SH = bv([1, 0xff, 7, 0xf9, 8, 0xf8, 0, 0x80, 9, 0xf7, 0x7f, 0x81, 3, 0xfd, 0x40, 0xc0])
case("ushl v0.4s, v1.4s, v2.4s\nsshl v3.16b, v1.16b, v2.16b\nushl v4.8b, v1.8b, v2.8b\nsshl v5.8h, v1.8h, v2.8h\nushl v6.2d, v1.2d, v2.2d\nsshl v7.2s, v1.2s, v2.2s", v2=SH)
case("sshl v0.4s, v1.4s, v7.4s\nushl v3.16b, v1.16b, v7.16b\nsshl v4.4h, v1.4h, v7.4h\nushl v5.8h, v1.8h, v7.8h\nsshl v6.2d, v1.2d, v7.2d\nsshl d2, d1, d7\nushl d7, d1, d7",
     v1=0x8000000180000001_fedcba9876543210, v7=bv([0xc1, 0, 0, 0, 0x1f, 0, 0, 0, 0xe0, 0, 0, 0, 0xff, 0, 0, 0]))
case("ushl d0, d1, d2\nsshl d3, d4, d5\nushl d6, d4, d5", v2=0x3f, v5=0xc4, v4=0xf00000000000000f)
case("umull v0.8h, v1.8b, v2.8b\nsmull2 v3.4s, v1.8h, v2.8h\numull v4.2d, v1.2s, v2.2s\nsmull v5.2d, v1.2s, v2.2s\numull2 v6.8h, v1.16b, v2.16b\nsmull v7.4s, v1.4h, v2.4h")
case("umlal v0.8h, v1.8b, v2.8b\nsmlal2 v3.4s, v1.8h, v2.8h\numlsl v4.2d, v1.2s, v2.2s\nsmlsl v5.2d, v1.2s, v2.2s\numlal2 v6.2d, v1.4s, v2.4s\nsmlsl2 v7.8h, v1.16b, v2.16b")
case("addhn v0.8b, v1.8h, v2.8h\naddhn2 v0.16b, v3.8h, v4.8h\nsubhn v5.4h, v1.4s, v2.4s\nsubhn2 v6.4s, v1.2d, v2.2d\naddhn v7.2s, v3.2d, v4.2d\nsubhn2 v1.8h, v3.4s, v4.4s")
case("raddhn v0.8b, v1.8h, v2.8h\nrsubhn2 v3.16b, v1.8h, v2.8h\nraddhn v4.4h, v1.4s, v2.4s\nrsubhn v5.2s, v1.2d, v2.2d\nraddhn2 v6.4s, v1.2d, v2.2d")
case("sli v0.8h, v1.8h, #4\nsri v2.2d, v1.2d, #12\nsli v3.16b, v1.16b, #0\nsri v4.8b, v1.8b, #8\nsli v5.2s, v1.2s, #31\nsri v6.4s, v1.4s, #1\nsli v7.2d, v1.2d, #63")
case("sri v0.4h, v1.4h, #16\nsli d2, d1, #5\nsri d3, d1, #64\nsri d4, d1, #1\nsli v5.16b, v1.16b, #7\nsri v6.16b, v1.16b, #3")
# FP across lanes (pairwise order: op(op(e0,e1), op(e2,e3)))
for lanes in [(1.5, -2.0, 7.0, 3.0), (QNAN_S, 1.0, 2.0, 3.0), (1.0, 2.0, QNAN_S, 3.0), (1.0, SNAN_S, QNAN_S, 3.0),
              (QNAN_S, QNAN_S, 5.0, -1.0), (0.0, -0.0, -0.0, 0.0), (-0.0, -0.0, -0.0, 0.0), (-INF, INF, 1e-40, -1e-40),
              (QNAN_S, 0x7fc00999, QNAN_S, 0x7fc00777), (2.0, 1.0, 0x7fc00999, SNAN_S)]:
    case("fmaxnmv s0, v1.4s\nfminv s2, v1.4s\nfmaxv s3, v1.4s\nfminnmv s4, v1.4s", v1=svv(*lanes), v0=HI, v2=HI)

# ================= FP environment: FPCR (rounding, FZ, DN, AHP) and FPSR flags =================
# These go to cases_fpenv.txt. Each case starts with FPSR clear and FPCR = fpcr; "F(op)" appends
# the instruction and moves the flags it raised to an x register (clearing FPSR), so that
# every instruction's flags are checked on their own; the final FPSR is checked too.
C_MAIN = C
C = []
RN, RP, RM, RZ = 0, 1 << 22, 2 << 22, 3 << 22
FZ, DN, AHP = 1 << 24, 1 << 25, 1 << 26
def F(*ops):
    out = []
    for k, op in enumerate(ops):
        out.append(op)
        if k < 8:
            out.append(f"mrs x{k}, fpsr\nmsr fpsr, xzr")
    return "\n".join(out)
MIN_D = 0x0010000000000000; MIN_S = 0x00800000
DEN_D = 0x0000000000000001; DEN_S = 0x00000001
TINY_D = (0x000fffffffffffff, 0x3ff0000000000001)   # product just below MIN_D, rounds up to it
TINY_S = (0x007fffff, 0x3f800001)
def d_or(x): return x if isinstance(x, int) else d(x)
def s_sat(x):
    if isinstance(x, int): return 0x7fa00001
    if x != x or abs(x) > 3.4e38: return 0xff800000 if x < 0 else 0x7f7fffff
    return s(x)
def s_or(x): return x if isinstance(x, int) else s(x)
ARITH = [(1.0, 3.0, 0.1), (1e308, 10.0, -1e308), (MIN_D, 0.5, 0.0), (TINY_D[0], TINY_D[1], -0.0), (1.0, 0.0, 1.0),
         (INF, -INF, QNAN_D), (SNAN_D, QNAN_D, 1.0), (DEN_D, 1.0, DEN_D), (-2.0, 0.0, INF), (INF, 0.0, QNAN_D),
         (-1.0, 1.0, 0.0), (MIN_D, -0.75, 0.0)]
for a, b, c in ARITH:
    for fpcr in [RN, RP, RM, RZ, FZ, DN, FZ | DN | RM]:
        case(F("fadd d2, d0, d1", "fsub d3, d0, d1", "fmul d4, d0, d1", "fdiv d5, d0, d1", "fmadd d6, d0, d1, d7", "fnmsub d1, d0, d1, d7", "fsqrt d7, d0", "fmulx d0, d0, d1"),
             v0=d_or(a), v1=d_or(b), v7=d_or(c), fpcr=fpcr)
ARITH_S = [(1.0, 3.0, 0.1), (3e38, 10.0, -3e38), (MIN_S, 0.5, 0.0), (TINY_S[0], TINY_S[1], -0.0), (1.0, 0.0, 1.0),
           (INF, -INF, QNAN_S), (SNAN_S, QNAN_S, 1.0), (DEN_S, 1.0, DEN_S), (MIN_S, -0.75, 0.0)]
for a, b, c in ARITH_S:
    for fpcr in [RN, RP, RZ, FZ, DN | RM]:
        case(F("fadd s2, s0, s1", "fsub s3, s0, s1", "fmul s4, s0, s1", "fdiv s5, s0, s1", "fmadd s6, s0, s1, s7", "fmsub s1, s0, s1, s7", "fsqrt s7, s0", "fnmul s0, s0, s1"),
             v0=s_or(a), v1=s_or(b), v7=s_or(c), fpcr=fpcr)
# min/max/compare: quiet and signalling NaNs, zeros, denormals under FZ
for a, b in [(1.0, QNAN_D), (SNAN_D, 1.0), (QNAN_D, SNAN_D), (0.0, -0.0), (DEN_D, -0.0), (-DEN_D | (1 << 63), 0.0), (NQNAN_D, QNAN_D), (2.0, 1.0)]:
    for fpcr in [RN, FZ, DN]:
        case(F("fmax d2, d0, d1", "fmin d3, d0, d1", "fmaxnm d4, d0, d1", "fminnm d5, d0, d1", "fcmp d0, d1", "fccmp d0, d1, #3, ne", "fccmpe d0, d1, #5, eq", "fcmpe d0, d1"),
             v0=d_or(a) & M64, v1=d_or(b), fpcr=fpcr, nzcv=0x40000000)
# precision conversions (half included, AHP), rounding to integral, float <-> int
HALVES = [0x7c00, 0x7e01, 0x7d01, 0x0001, 0xfbff, 0x3555, 0x8000, 0x03ff]
CONV = [1.0/3, 65520.0, 65505.0, 1e-8, 1e39, 1e-46, 6e-39, MIN_D, SNAN_D, QNAN_D, -INF, 131008.0, 2.5, -0.5, 4294967296.5, 1e-310]
for k, a in enumerate(CONV):
    for fpcr in [RN, RP, RZ, FZ, DN, AHP, AHP | RM]:
        case(F("fcvt s2, d0", "fcvt h3, d0", "fcvt h4, s5", "fcvt d5, h1", "fcvt s6, h1", "fcvtzs d6, d0", "fcvtau x7, d0", "scvtf h0, x7"),
             v0=d_or(a), v1=HALVES[(k + (fpcr >> 22)) % len(HALVES)], v5=s_sat(a), fpcr=fpcr)
for a in [2.5, -2.5, 0.5, -0.3, 1e300, QNAN_D, SNAN_D, DEN_D, 4503599627370497.0, 1.5e10, -9.3e18, 2147483647.6]:
    for fpcr in [RN, RP, RM, RZ, FZ]:
        case(F("frintx d2, d0", "frinti d3, d0", "frinta d4, d0", "frintn d5, d0", "fcvtas d6, d0", "fcvtzu s7, s0", "fcvtms w1, d0", "ucvtf d0, d0"),
             v0=d_or(a), fpcr=fpcr)
for x in [(1 << 53) + 1, (1 << 64) - 1, 16777217, -(1 << 63), 3, 0x7fffffbf, -16777217]:
    for fpcr in [RN, RP, RM, RZ]:
        case(F("scvtf d2, x0", "ucvtf d3, x0", "scvtf s4, x0", "ucvtf s5, w0", "scvtf s6, w0, #7", "ucvtf d7, x0, #40", "scvtf h1, x0", "ucvtf h0, w0"),
             x0=x & M64, fpcr=fpcr)
# reciprocal and reciprocal square root estimates and steps
EST = [(1.0, 1.0), (3.0, 0.5), (0.0, INF), (-0.0, 2.0), (INF, 0.0), (QNAN_D, SNAN_D), (SNAN_D, 1.0), (1e-39, 3.0),
       (0x0000000000001234, 1e300), (1e300, -2.0), (-4.0, 0.25), (0.25, -INF), (1e-310, 1e-310), (5e-324, 7.0), (3.5e38, 1e-45)]
for a, b in EST:
    av = d_or(a); bv_ = d_or(b)
    sa = s_or(a) if not isinstance(a, int) and abs(a) < 3.4e38 else (0x7fa00000 if isinstance(a, int) else 0x7f7fffff)
    sb = s_or(b) if not isinstance(b, int) and abs(b) < 3.4e38 else 0x7fc00000
    for fpcr in [RN, FZ, RM, DN | RZ]:
        case(F("frecpe s2, s2", "frsqrte s3, s2", "frecpe d4, d0", "frsqrte d5, d0", "frecps s6, s2, s3", "frsqrts d7, d0, d1", "frecps d1, d0, d1", "frsqrts s0, s3, s2"),
             v0=av, v1=bv_, v2=sa, v3=sb, fpcr=fpcr)
case("urecpe v0.4s, v1.4s\nursqrte v2.4s, v1.4s\nurecpe v3.2s, v4.2s\nursqrte v5.2s, v6.2s",
     v1=svv(0x80000000, 0x7fffffff, 0xffffffff, 0xc0000001), v4=svv(0x40000000, 0xa5a5a5a5, 0, 0), v6=svv(0x3fffffff, 0x40000000, 0, 0))
# vector FP in each environment
V2 = dict(v1=svv(1.5, -2.0, QNAN_S, 1e-45), v2=svv(3.0, 7.0, 1.0, 0.5), v3=dv(1e300, SNAN_D), v4=dv(-1e300, 3.0),
          v5=svv(INF, 3.0, -7.5, 1e-40), v6=svv(1e-38, -3.0, 7.5, 1e-40), v0=svv(1.0, 2.0, 3.0, 4.0), v7=dv(0.1, -1e-310))
for fpcr in [RN, RP, RM, RZ, FZ, DN, AHP, FZ | AHP]:
    case(F("fadd v0.4s, v1.4s, v2.4s", "fdiv v7.2d, v3.2d, v4.2d", "fmul v2.2s, v5.2s, v6.2s", "fmla v1.4s, v5.4s, v6.4s", "fcmge v3.4s, v1.4s, v2.4s", "fcmeq v4.4s, v1.4s, v2.4s", "fcvtn v5.4h, v6.4s", "fcvtl v6.4s, v5.4h"), **V2, fpcr=fpcr)
    case(F("fcvtn v0.2s, v7.2d", "fcvtl2 v1.4s, v1.8h", "fcmgt v2.2d, v3.2d, #0.0", "fmaxnmv s3, v5.4s", "frecpe v4.4s, v6.4s", "frsqrts v5.4s, v6.4s, v6.4s", "fsqrt v6.2d, v7.2d", "frintx v7.4s, v1.4s"), **V2, fpcr=fpcr)
# FPCR and FPSR written and read inside a block
case("mov x3, #0xc00000\nmsr fpcr, x3\nfdiv d2, d0, d1\nmrs x4, fpcr\nmsr fpcr, xzr\nfdiv d3, d0, d1\nmrs x5, fpsr\nmov x6, #0x9f\nmsr fpsr, x6\nfadd d4, d0, d0\nmrs x7, fpsr",
     v0=d(1.0), v1=d(3.0))
case("mov x3, #0x1000000\nmsr fpcr, x3\nfmul d2, d0, d1\nmrs x2, fpsr\nmov x3, #0x400000\nmsr fpcr, x3\nfmul d4, d0, d1\nmrs x4, fpsr\nmsr fpcr, xzr\nmov x5, #0x8000000\nmsr fpsr, x5\nmrs x6, fpsr",
     v0=MIN_D, v1=d(0.75))
C_FPENV = C
C = C_MAIN
