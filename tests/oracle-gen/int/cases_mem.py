# Memory cases (see gen.py: `mem=` gives a 256-byte buffer, M(off) its address + off):
# LSE atomics, LDAPR, and exclusives.
A = 0x8123456789abcdef
B = 0x7edcba9876543210
C = 0x00000000ffffffff
D = 0xffffffff80000000
E = 0x7fffffff7fff7f80
MEM0 = [A, B, C, D, E, A ^ B, B >> 8, D >> 4]
R = {1: M(0), 2: M(8), 3: M(16), 4: M(24), 5: M(32), 6: M(40), 10: 0x8000000000000081, 11: 0x7f807fff, 12: 3}
for op in ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin']:
    case('ld%s family' % op, R,
         'ld%(o)s x10, x20, [x1]; ld%(o)sa w11, w21, [x2]; ld%(o)sal x12, x22, [x3]; ld%(o)sl w10, w23, [x4]; '
         'ld%(o)sb w11, w24, [x5]; ld%(o)salb w10, w25, [x6]; ld%(o)sh w10, w26, [x2]; ld%(o)slh w11, w27, [x3]; '
         'ld%(o)sab w12, w28, [x4]; ld%(o)sah w12, w29, [x5]; st%(o)s x11, [x6]; st%(o)slb w10, [x1]; '
         'st%(o)sh w11, [x1]; st%(o)sl w12, [x5]; ld%(o)sa x10, xzr, [x4]' % {'o': op}, mem=MEM0)
case('swp', R, 'swp x10, x20, [x1]; swpa w11, w21, [x2]; swpal x12, x22, [x3]; swpl w10, w23, [x4]; swpb w11, w24, [x5]; '
     'swpalb w10, w25, [x6]; swph w10, w26, [x2]; swplh w11, w27, [x3]; swpab w12, w28, [x4]; swpah w12, w29, [x5]; '
     'swp x0, xzr, [x6]', mem=MEM0)
case('cas', {**R, 20: A, 21: B & 0xffffffff, 22: C & 0xff, 23: 0x3210, 24: 5, 25: 6},
     'cas x20, x10, [x1]; casa w21, w11, [x2]; casal x24, x12, [x3]; casl w23, w10, [x4]; casb w22, w11, [x3]; '
     'casab w25, w10, [x5]; casalh w23, w12, [x2]; caslh w24, w11, [x6]; casah w22, w10, [x1]; cash wzr, w12, [x6]; '
     'cas xzr, x10, [x4]', mem=MEM0)
case('casp', {1: M(0), 2: M(16), 3: M(32), 4: A, 5: B, 6: C, 7: D, 8: 1, 9: 2, 16: E, 17: A, 18: B & 0xffffffff, 19: B >> 32},
     'casp x4, x5, x6, x7, [x1]; caspa x8, x9, x6, x7, [x2]; mov x10, x6; mov x11, x7; caspal x10, x11, x16, x17, [x1]; '
     'caspl w18, w19, w8, w9, [x3]; casp w12, w13, w4, w5, [x3]',
     mem=[A, B, C, D, B, A, 0, 0])
# caspal x30, x31, x16, x17, [x2] (the pair's second register is XZR; no assembler spelling)
case('casp with xzr', {2: M(16), 16: E, 17: A, 30: C}, '.inst 0x487efc50', mem=[A, B, C, 0, B, A, 0, 0])
case('ldapr', {1: M(0), 2: M(9)}, 'ldapr x3, [x1]; ldapr w4, [x1]; ldaprb w5, [x2]; ldaprh w6, [x1]', mem=MEM0)
case('exclusives', {1: M(0), 2: M(16), 3: M(32), 4: M(48)},
     'ldxr x10, [x1]; add x10, x10, #1; stxr w11, x10, [x1]; ldaxrb w12, [x2]; stlxrb w13, w12, [x3]; '
     'ldxrh w14, [x2]; clrex; stxrh w15, w14, [x2]; ldaxp x16, x17, [x3]; stlxp w18, x17, x16, [x3]; '
     'ldxp w19, w20, [x4]; stxp w21, w20, w19, [x4]; ldxr w22, [x2]; stlxr w23, w10, [x2]; stxr w24, x12, [x2]; '
     'ldaxr x25, [x4]; stxr w26, w25, [x4]; ldxrb w27, [x1]; stxrb w28, w14, [x1]', mem=MEM0)
