//! Known answers (FIPS 197, FIPS 180-4 examples) computed through the Arm instruction
//! semantics, and the host versions against the portable ones on random inputs.

use super::portable as p;
use super::*;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn block(b: &[u8]) -> u128 {
    u128::from_le_bytes(b.try_into().unwrap())
}

/// The operations under test: either the dispatching (host when available) or the portable set.
#[derive(Clone, Copy)]
struct Ops {
    aese: fn(u128, u128) -> u128,
    aesd: fn(u128, u128) -> u128,
    aesmc: fn(u128) -> u128,
    aesimc: fn(u128) -> u128,
    sha1: fn(Sha1Fn, u128, u32, u128) -> u128,
    sha1su0: fn(u128, u128, u128) -> u128,
    sha1su1: fn(u128, u128) -> u128,
    sha256h: fn(u128, u128, u128) -> u128,
    sha256h2: fn(u128, u128, u128) -> u128,
    sha256su0: fn(u128, u128) -> u128,
    sha256su1: fn(u128, u128, u128) -> u128,
}

const DISPATCH: Ops = Ops {
    aese,
    aesd,
    aesmc,
    aesimc,
    sha1: sha1_rounds,
    sha1su0,
    sha1su1,
    sha256h,
    sha256h2,
    sha256su0,
    sha256su1,
};

const PORTABLE: Ops = Ops {
    aese: p::aese,
    aesd: p::aesd,
    aesmc: p::aesmc,
    aesimc: p::aesimc,
    sha1: p::sha1_rounds,
    sha1su0: p::sha1su0,
    sha1su1: p::sha1su1,
    sha256h: p::sha256h,
    sha256h2: p::sha256h2,
    sha256su0: p::sha256su0,
    sha256su1: p::sha256su1,
};

/// AES-128 key expansion (FIPS 197 section 5.2), round keys as register values.
fn expand_key(key: &[u8]) -> [u128; 11] {
    let mut w = [[0u8; 4]; 44];
    for i in 0..4 {
        w[i].copy_from_slice(&key[4 * i..4 * i + 4]);
    }
    let mut rcon = 1u8;
    for i in 4..44 {
        let mut t = w[i - 1];
        if i % 4 == 0 {
            t = [t[1], t[2], t[3], t[0]].map(|b| p::SBOX[b as usize]);
            t[0] ^= rcon;
            rcon = p::gmul(rcon, 2);
        }
        for j in 0..4 {
            w[i][j] = w[i - 4][j] ^ t[j];
        }
    }
    let mut rk = [0u128; 11];
    for (r, k) in rk.iter_mut().enumerate() {
        let b: Vec<u8> = w[4 * r..4 * r + 4].concat();
        *k = block(&b);
    }
    rk
}

fn aes128_encrypt(o: Ops, rk: &[u128; 11], pt: u128) -> u128 {
    let mut s = pt;
    for k in &rk[..9] {
        s = (o.aesmc)((o.aese)(s, *k));
    }
    (o.aese)(s, rk[9]) ^ rk[10]
}

fn aes128_decrypt(o: Ops, rk: &[u128; 11], ct: u128) -> u128 {
    let mut s = (o.aesd)(ct, rk[10]);
    for r in (1..10).rev() {
        s = (o.aesd)((o.aesimc)(s), (o.aesimc)(rk[r]));
    }
    s ^ rk[0]
}

#[test]
fn aes128_fips197() {
    let rk = expand_key(&hex("000102030405060708090a0b0c0d0e0f"));
    let pt = block(&hex("00112233445566778899aabbccddeeff"));
    let ct = block(&hex("69c4e0d86a7b0430d8cdb78070b4c55a"));
    for o in [DISPATCH, PORTABLE] {
        assert_eq!(aes128_encrypt(o, &rk, pt), ct);
        assert_eq!(aes128_decrypt(o, &rk, ct), pt);
    }
    // Appendix A.1: the last round key of 2b7e1516...
    let rk = expand_key(&hex("2b7e151628aed2a6abf7158809cf4f3c"));
    assert_eq!(rk[10], block(&hex("d014f9a8c9ee2589e13f0cc8b6630ca6")));
}

#[test]
fn mix_columns_known() {
    // One column db 13 53 45 -> 8e 4d a1 bc, in every column.
    let col = |b: [u8; 4]| u128::from_le_bytes([b, b, b, b].concat().try_into().unwrap());
    for o in [DISPATCH, PORTABLE] {
        assert_eq!((o.aesmc)(col([0xdb, 0x13, 0x53, 0x45])), col([0x8e, 0x4d, 0xa1, 0xbc]));
        assert_eq!((o.aesimc)(col([0x8e, 0x4d, 0xa1, 0xbc])), col([0xdb, 0x13, 0x53, 0x45]));
    }
}

/// Padded message as big-endian 32-bit words, 16 per block.
fn pad(msg: &[u8]) -> Vec<[u32; 16]> {
    let mut m = msg.to_vec();
    m.push(0x80);
    while m.len() % 64 != 56 {
        m.push(0);
    }
    m.extend_from_slice(&(msg.len() as u64 * 8).to_be_bytes());
    m.chunks(64)
        .map(|c| {
            let mut w = [0u32; 16];
            for i in 0..16 {
                w[i] = u32::from_be_bytes(c[4 * i..4 * i + 4].try_into().unwrap());
            }
            w
        })
        .collect()
}

fn vec4(w: &[u32]) -> u128 {
    p::join([w[0], w[1], w[2], w[3]])
}

fn add4(a: u128, b: u128) -> u128 {
    let (a, b) = (p::lanes(a), p::lanes(b));
    p::join([0, 1, 2, 3].map(|i| a[i].wrapping_add(b[i])))
}

const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

fn sha256(o: Ops, msg: &[u8]) -> String {
    let h0 = [0x6a09e667u32, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let (mut abcd, mut efgh) = (vec4(&h0[..4]), vec4(&h0[4..]));
    for w in pad(msg) {
        let mut m = [0, 4, 8, 12].map(|i| vec4(&w[i..i + 4]));
        let (a0, e0) = (abcd, efgh);
        for i in 0..16 {
            let wk = add4(m[i % 4], vec4(&K256[4 * i..]));
            let saved = abcd;
            abcd = (o.sha256h)(abcd, efgh, wk);
            efgh = (o.sha256h2)(efgh, saved, wk);
            if i < 12 {
                let t = (o.sha256su0)(m[i % 4], m[(i + 1) % 4]);
                m[i % 4] = (o.sha256su1)(t, m[(i + 2) % 4], m[(i + 3) % 4]);
            }
        }
        abcd = add4(abcd, a0);
        efgh = add4(efgh, e0);
    }
    let l: Vec<u32> = p::lanes(abcd).into_iter().chain(p::lanes(efgh)).collect();
    l.iter().map(|x| format!("{x:08x}")).collect()
}

fn sha1(o: Ops, msg: &[u8]) -> String {
    let k = [0x5a827999u32, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
    let mut abcd = vec4(&[0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
    let mut e = 0xc3d2e1f0u32;
    for w in pad(msg) {
        let mut m = [0, 4, 8, 12].map(|i| vec4(&w[i..i + 4]));
        let (a0, e0) = (abcd, e);
        for i in 0..20 {
            let wk = add4(m[i % 4], p::join([k[i / 5]; 4]));
            let f = match i / 5 {
                0 => Sha1Fn::Choose,
                2 => Sha1Fn::Majority,
                _ => Sha1Fn::Parity,
            };
            let next_e = sha1h(abcd as u32);
            abcd = (o.sha1)(f, abcd, e, wk);
            e = next_e;
            if i < 16 {
                let t = (o.sha1su0)(m[i % 4], m[(i + 1) % 4], m[(i + 2) % 4]);
                m[i % 4] = (o.sha1su1)(t, m[(i + 3) % 4]);
            }
        }
        abcd = add4(abcd, a0);
        e = e.wrapping_add(e0);
    }
    let l: Vec<u32> = p::lanes(abcd).into_iter().chain([e]).collect();
    l.iter().map(|x| format!("{x:08x}")).collect()
}

const TWO_BLOCKS: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

#[test]
fn sha256_fips180() {
    for o in [DISPATCH, PORTABLE] {
        assert_eq!(sha256(o, b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(sha256(o, TWO_BLOCKS), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
}

#[test]
fn sha1_fips180() {
    for o in [DISPATCH, PORTABLE] {
        assert_eq!(sha1(o, b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1(o, TWO_BLOCKS), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }
}

#[test]
fn pmull_known() {
    for f in [pmull64, p::pmull64] {
        assert_eq!(f(0b101, 0b11), 0b1111);
        assert_eq!(f(1 << 63, 1 << 63), 1 << 126);
        assert_eq!(f(u64::MAX, 1), u64::MAX as u128);
        // (x^64 - 1)/(x - 1) squared over GF(2) = the even powers x^0..x^126.
        let even = (0..64).fold(0u128, |a, i| a | 1 << (2 * i));
        assert_eq!(f(u64::MAX, u64::MAX), even);
    }
    // Each byte lane on its own: 0xff * 0xff = 0x5555, 0x80 * 0x80 = 0x4000.
    assert_eq!(pmull8(0x80ff, 0x80ff), 0x4000_5555);
    assert_eq!(pmull8(0x0300_0000_0000_0000, 0x0300_0000_0000_0000), 0x0005 << 112);
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn v(&mut self) -> u128 {
        (self.next() as u128) << 64 | self.next() as u128
    }
}

/// The host versions (when this machine has them) agree with the portable ones.
#[cfg(target_arch = "x86_64")]
#[test]
fn host_matches_portable() {
    use super::x86;
    let h = host();
    eprintln!("host crypto: {h:?}");
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let (a, b, c) = (r.v(), r.v(), r.v());
        // SAFETY: each call is guarded by the feature it needs.
        unsafe {
            if h.aes {
                assert_eq!(x86::aese(a, b), p::aese(a, b));
                assert_eq!(x86::aesd(a, b), p::aesd(a, b));
                assert_eq!(x86::aesmc(a), p::aesmc(a));
                assert_eq!(x86::aesimc(a), p::aesimc(a));
            }
            if h.sha {
                for f in [Sha1Fn::Choose, Sha1Fn::Parity, Sha1Fn::Majority] {
                    assert_eq!(x86::sha1_rounds(f, a, b as u32, c), p::sha1_rounds(f, a, b as u32, c), "{f:?}");
                }
                assert_eq!(x86::sha1su1(a, b), p::sha1su1(a, b));
                assert_eq!(x86::sha256h(a, b, c), p::sha256h(a, b, c));
                assert_eq!(x86::sha256h2(a, b, c), p::sha256h2(a, b, c));
                assert_eq!(x86::sha256su0(a, b), p::sha256su0(a, b));
                assert_eq!(x86::sha256su1(a, b, c), p::sha256su1(a, b, c));
            }
            if h.pclmul {
                assert_eq!(x86::pmull64(a as u64, b as u64), p::pmull64(a as u64, b as u64));
            }
        }
    }
}
