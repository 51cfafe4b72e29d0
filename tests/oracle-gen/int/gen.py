#!/usr/bin/env python3
"""Generate the A64 integer test cases of src/guest/aarch64/translate/tests_*.rs with
qemu-aarch64 as the oracle.

Usage: python3 gen.py CASES.py > OUT.rs   (CASES.py calls case(name, init, snippet, nzcv))

Each case's snippet (instructions separated by ';', or '.inst 0x...' words) is wrapped in a
static program that loads the initial registers (x0..x30, 'sp', NZCV), runs the snippet, and
writes x0..x30, SP and NZCV to stdout. The Rust `case(words, init, nzcv, changed)` call lists
only the registers whose value changed. Scratch files go to the current directory."""
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

def run(init, snippet, nzcv):
    pro = movs('x0', init.get('sp', 0x100000)) + ['mov sp, x0'] + movs('x0', nzcv) + ['msr nzcv, x0']
    for r in range(31):
        pro += movs('x%d' % r, init.get(r, 0))
    epi = ['msr tpidr_el0, x0', 'adr x0, buf'] + ['str x%d, [x0, #%d]' % (r, 8 * r) for r in range(1, 31)]
    epi += ['mov x1, sp', 'str x1, [x0, #248]', 'mrs x1, nzcv', 'str x1, [x0, #256]', 'mrs x1, tpidr_el0',
            'str x1, [x0]', 'mov x1, x0', 'mov x0, #1', 'mov x2, #264', 'mov x8, #64', 'svc #0', 'mov x0, #0',
            'mov x8, #93', 'svc #0']
    src = '.global _start\n_start:\n' + '\n'.join(pro + snippet.split(';') + epi)
    src += '\n.data\n.align 4\nbuf: .space 272\n'
    open('p.S', 'w').write(src)
    subprocess.check_call(['aarch64-linux-gnu-gcc', '-static', '-nostdlib', '-march=armv8.3-a', '-o', 'p', 'p.S'])
    out = subprocess.check_output(['qemu-aarch64', './p'])
    return struct.unpack('<33Q', out)

def case(name, init, snippet, nzcv=0):
    ws = words(snippet)
    try:
        res = run(init, snippet, nzcv)
    except subprocess.CalledProcessError:
        sys.stderr.write('qemu failed, case skipped: %s\n' % snippet)
        return
    print('// %s' % name)
    print('case(')
    print('    &[')
    for w, t in ws:
        print('        0x%08x,%s' % (w, ' // ' + t if t else ''))
    print('    ],')
    print('    &[%s],' % ', '.join('(%s, 0x%x)' % ('SPR' if k == 'sp' else k, v) for k, v in init.items()))
    print('    0x%x,' % nzcv)
    exp = []
    for r in range(33):
        key = r if r < 31 else ('sp' if r == 31 else 'nzcv')
        before = init.get(key, 0x100000 if key == 'sp' else (nzcv if key == 'nzcv' else 0))
        if res[r] != before:
            exp.append('(%s, 0x%x)' % ({31: 'SPR', 32: 'NZCV_R'}.get(r, str(r)), res[r]))
    print('    &[%s],' % ', '.join(exp))
    print(');')

print('{')
exec(open(sys.argv[1]).read())
print('}')
