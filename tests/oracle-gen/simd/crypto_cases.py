# Cases for the cryptographic extension (AES, SHA-1, SHA-256, PMULL). Generate with
#   python3 gen.py crypto_cases.py ../../../src/guest/aarch64/translate/crypto_tests/cases.txt
# Registers not set below start with gen.py's pseudo-random values (different per case).
def bv(bs):
    r = 0
    for i, b in enumerate(bs): r |= (b & 0xff) << (8 * i)
    return r
def words(*ws):
    r = 0
    for i, w in enumerate(ws): r |= (w & 0xffffffff) << (32 * i)
    return r
def be_block(h):  # a hex string as the bytes of a register, first byte lowest
    return bv(bytes.fromhex(h))

C = []
def case(asm, **init): C.append((asm, init))

# ---- AES ----
for _ in range(3):
    case("aese v0.16b, v1.16b\naesd v2.16b, v3.16b\naesmc v4.16b, v5.16b\naesimc v6.16b, v7.16b")
case("aese v0.16b, v1.16b\naesmc v0.16b, v0.16b\naesd v2.16b, v3.16b\naesimc v2.16b, v2.16b")
case("aese v1.16b, v1.16b\naesd v2.16b, v2.16b\naesmc v3.16b, v3.16b\naesimc v4.16b, v4.16b")
# FIPS 197 appendix C.1, first round: state ^ round key 0, then round 1 with key 1.
case("aese v0.16b, v1.16b\naesmc v0.16b, v0.16b\naese v0.16b, v2.16b\naesmc v0.16b, v0.16b",
     v0=be_block("00112233445566778899aabbccddeeff"), v1=be_block("000102030405060708090a0b0c0d0e0f"),
     v2=be_block("d6aa74fdd2af72fadaa678f1d6ab76fe"))
case("aese v0.16b, v1.16b\naesd v2.16b, v1.16b\naesmc v3.16b, v1.16b\naesimc v4.16b, v1.16b",
     v0=0, v1=(1 << 128) - 1, v2=0, v3=0, v4=0)

# ---- SHA-1 ----
for _ in range(3):
    case("sha1c q0, s1, v2.4s\nsha1p q3, s4, v5.4s\nsha1m q6, s7, v1.4s")
    case("sha1h s0, s1\nsha1su0 v2.4s, v3.4s, v4.4s\nsha1su1 v5.4s, v6.4s")
case("sha1c q0, s0, v0.4s\nsha1p q1, s1, v1.4s\nsha1m q2, s2, v2.4s\nsha1su0 v3.4s, v3.4s, v3.4s\nsha1su1 v4.4s, v4.4s\nsha1h s5, s5")
# the first four rounds of SHA-1("abc"): abcd = H0..H3, e = H4, W+K
case("sha1c q0, s1, v2.4s\nsha1h s3, s0",
     v0=words(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476), v1=0xc3d2e1f0 | (0x1234 << 64),
     v2=words(0x61626380 + 0x5a827999, 0x5a827999, 0x5a827999, 0x5a827999))

# ---- SHA-256 ----
for _ in range(3):
    case("mov v7.16b, v0.16b\nsha256h q0, q1, v2.4s\nsha256h2 q1, q7, v2.4s")
    case("sha256su0 v0.4s, v1.4s\nsha256su1 v2.4s, v3.4s, v4.4s\nsha256h q5, q6, v3.4s\nsha256h2 q6, q5, v4.4s")
case("sha256h q0, q0, v0.4s\nsha256h2 q1, q1, v1.4s\nsha256su0 v2.4s, v2.4s\nsha256su1 v3.4s, v3.4s, v3.4s")
# the first four rounds of SHA-256("abc")
case("mov v7.16b, v0.16b\nsha256h q0, q1, v2.4s\nsha256h2 q1, q7, v2.4s",
     v0=words(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a), v1=words(0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19),
     v2=words(0x61626380 + 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5))

# ---- PMULL ----
for _ in range(3):
    case("pmull v0.8h, v1.8b, v2.8b\npmull2 v3.8h, v4.16b, v5.16b\npmull v6.1q, v1.1d, v2.1d\npmull2 v7.1q, v4.2d, v5.2d")
case("pmull v0.1q, v0.1d, v0.1d\npmull2 v1.1q, v1.2d, v1.2d\npmull v2.8h, v2.8b, v2.8b\npmull2 v3.8h, v3.16b, v3.16b")
case("pmull v0.1q, v1.1d, v2.1d\npmull2 v3.1q, v1.2d, v2.2d\npmull v4.8h, v1.8b, v2.8b\npmull2 v5.8h, v1.16b, v2.16b",
     v1=(1 << 128) - 1, v2=(1 << 128) - 1)
