#!/usr/bin/env python3
"""Generate the A64 integer test cases of src/guest/aarch64/translate/tests_*.rs with
qemu-aarch64 as the oracle.

Usage: python3 gen.py CASES.py > OUT.rs   (CASES.py calls case(name, init, snippet, nzcv))

Each case's snippet (instructions separated by ';', or '.inst 0x...' words) is wrapped in a
static program that loads the initial registers (x0..x30, 'sp', NZCV), runs the snippet, and
writes x0..x30, SP and NZCV to stdout. The Rust `case(words, init, nzcv, changed)` call lists
only the registers whose value changed. Scratch files go to the current directory.

A case with `mem=[u64, ...]` also gets a 256-byte, 64-byte aligned buffer holding those
doublewords (the rest zero); an initial register value `M(off)` is the buffer's address plus
off. Such a case becomes `mcase(words, init, nzcv, changed, mem, mem_changed)`, where
register values inside the buffer are written `MEM + off` (the Rust side puts its own buffer
there) and `mem_changed` lists the doublewords (index, value) that changed."""
import os, re, struct, subprocess, sys

def words(snippet):
    parts = [p.strip() for p in snippet.split(';')]
    if all(p.startswith('.inst') for p in parts):
        return [(int(p.split()[1], 16), None) for p in parts]
    open('s.s', 'w').write('\n'.join(parts) + '\n')
    subprocess.check_call(['aarch64-linux-gnu-as', '-march=armv8.3-a', '-o', 's.o', 's.s'])
    out = subprocess.check_output(['aarch64-linux-gnu-objdump', '-d', 's.o']).decode()
    res = []
    for l in out.splitlines():
        m = re.match(r'^\s+[0-9a-f]+:\t([0-9a-f]{8}) \t(.*)$', l)
        if m:
            text = re.sub(r'\s*//.*$', '', m.group(2).replace('\t', ' ')).strip()
            res.append((int(m.group(1), 16), text))
    return res

def movs(reg, v):
    out = ['movz %s, #%d' % (reg, v & 0xffff)]
    for i in range(1, 4):
        h = (v >> (16 * i)) & 0xffff
        if h:
            out.append('movk %s, #%d, lsl #%d' % (reg, h, 16 * i))
    return out

MEM_LEN = 256

class M:
    """An initial register value: the memory buffer's address plus `off`."""
    def __init__(self, off=0):
        self.off = off

def run(init, snippet, nzcv, mem=None):
    pro = movs('x0', init.get('sp', 0x100000)) + ['mov sp, x0'] + movs('x0', nzcv) + ['msr nzcv, x0']
    for r in range(31):
        v = init.get(r, 0)
        if isinstance(v, M):
            pro += ['adrp x%d, mem' % r, 'add x%d, x%d, :lo12:mem' % (r, r), 'add x%d, x%d, #%d' % (r, r, v.off)]
        else:
            pro += movs('x%d' % r, v)
    epi = ['msr tpidr_el0, x0', 'adr x0, buf'] + ['str x%d, [x0, #%d]' % (r, 8 * r) for r in range(1, 31)]
    epi += ['mov x1, sp', 'str x1, [x0, #248]', 'mrs x1, nzcv', 'str x1, [x0, #256]', 'mrs x1, tpidr_el0',
            'str x1, [x0]', 'adrp x1, mem', 'add x1, x1, :lo12:mem', 'str x1, [x0, #264]', 'mov x1, x0',
            'mov x0, #1', 'mov x2, #272', 'mov x8, #64', 'svc #0', 'mov x0, #1', 'adrp x1, mem',
            'add x1, x1, :lo12:mem', 'mov x2, #%d' % MEM_LEN, 'mov x8, #64', 'svc #0', 'mov x0, #0',
            'mov x8, #93', 'svc #0']
    src = '.global _start\n_start:\n' + '\n'.join(pro + snippet.split(';') + epi)
    words = list(mem or []) + [0] * (MEM_LEN // 8 - len(mem or []))
    src += '\n.data\n.align 4\nbuf: .space 272\n.align 6\nmem: .quad %s\n' % ', '.join('0x%x' % w for w in words)
    open('p.S', 'w').write(src)
    subprocess.check_call(['aarch64-linux-gnu-gcc', '-static', '-nostdlib', '-march=armv8.3-a', '-o', 'p', 'p.S'])
    out = subprocess.check_output(['qemu-aarch64', './p'])
    res = struct.unpack('<34Q', out[:272])
    return res[:33], res[33], struct.unpack('<%dQ' % (MEM_LEN // 8), out[272:])

def case(name, init, snippet, nzcv=0, mem=None):
    ws = words(snippet)
    try:
        res, base, after = run(init, snippet, nzcv, mem)
    except subprocess.CalledProcessError:
        sys.stderr.write('qemu failed, case skipped: %s\n' % snippet)
        return
    def val(v):
        if isinstance(v, M):
            return 'MEM + 0x%x' % v.off
        if mem is not None and base <= v < base + MEM_LEN:
            return 'MEM + 0x%x' % (v - base)
        return '0x%x' % v
    def raw(v):
        return base + v.off if isinstance(v, M) else v
    print('// %s' % name)
    print('mcase(' if mem is not None else 'case(')
    print('    &[')
    for w, t in ws:
        print('        0x%08x,%s' % (w, ' // ' + t if t else ''))
    print('    ],')
    print('    &[%s],' % ', '.join('(%s, %s)' % ('SPR' if k == 'sp' else k, val(v)) for k, v in init.items()))
    print('    0x%x,' % nzcv)
    exp = []
    for r in range(33):
        key = r if r < 31 else ('sp' if r == 31 else 'nzcv')
        before = raw(init.get(key, 0x100000 if key == 'sp' else (nzcv if key == 'nzcv' else 0)))
        if res[r] != before:
            exp.append('(%s, %s)' % ({31: 'SPR', 32: 'NZCV_R'}.get(r, str(r)), val(res[r])))
    print('    &[%s],' % ', '.join(exp))
    if mem is not None:
        words0 = list(mem) + [0] * (MEM_LEN // 8 - len(mem))
        print('    &[%s],' % ', '.join('0x%x' % w for w in mem))
        print('    &[%s],' % ', '.join('(%d, 0x%x)' % (i, w) for i, w in enumerate(after) if w != words0[i]))
    print(');')

print('{')
exec(open(sys.argv[1]).read())
print('}')
