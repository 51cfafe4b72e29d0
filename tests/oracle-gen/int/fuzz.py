import os, re, random, sys
# Random data-processing instructions: rows from dp_imm.rs/dp_reg.rs, encodings kept only if
# objdump decodes them. SEED and N (number of cases) come from the environment.
random.seed(int(os.environ.get('SEED', '11')))
rows = []
for f in ['dp_imm.rs', 'dp_reg.rs']:
    for m in re.finditer(r'a64_row!\("([^"]+)", "([^"]+)"', open(os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), '../../../src/guest/aarch64/translate', f)).read()):
        pat = m.group(1).replace(' ', '')
        if m.group(2) in ('adr', 'adrp'): continue
        mask = int(''.join('1' if c in '01' else '0' for c in pat), 2)
        val = int(''.join(c if c in '01' else '0' for c in pat), 2)
        rows.append((mask, val, m.group(2)))
def rnd():
    return random.choice([random.getrandbits(64), random.getrandbits(32), random.getrandbits(8), 0, 2**64-1, 2**63, 2**31, 2**32-1, random.getrandbits(64) | 0x8000000000000000])
import subprocess
cands = []
for _ in range(3000):
    mask, val, name = random.choice(rows)
    cands.append(val | (random.getrandbits(32) & ~mask & 0xffffffff))
open('c.s','w').write(''.join('.inst 0x%08x\n' % w for w in cands))
subprocess.check_call(['aarch64-linux-gnu-as','-o','c.o','c.s'])
out = subprocess.check_output(['aarch64-linux-gnu-objdump','-d','c.o']).decode()
good = []
for l in out.splitlines():
    f = l.split('\t')
    if len(f) >= 3 and f[0].strip().endswith(':') and not f[2].startswith('.inst') and not f[2].startswith('udf'):
        good.append(int(f[1].strip(), 16))
for i in range(int(os.environ.get('N', '30'))):
    ins = []
    for j in range(6):
        w = random.choice(good)
        # avoid writing sp (rd=31 in SP forms) to keep the program's stack sane: harmless anyway
        ins.append('.inst 0x%08x' % w)
    init = {r: rnd() for r in range(31)}
    init['sp'] = 0x7000
    case('fuzz %d' % i, init, ';'.join(ins), random.getrandbits(4) << 28)
