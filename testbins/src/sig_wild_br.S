// Indirect branches through the JIT's inline lookup table: one BR jumps to a valid target
// many times (so its block is compiled and the target enters the table), then, in the same
// block, to address 0xffffffffffffffff, whose lookup must miss rather than match an empty
// table entry. The guest must die of SIGSEGV, as on hardware (fetch from an unmapped address).
    .globl _start
_start:
    mov x19, #20
    adr x22, target
    mov x21, #-1
loop:
    sub x19, x19, #1
    cmp x19, #0
    csel x20, x21, x22, eq
    br x20
target:
    b loop
