// Executes BRK: the guest must die of SIGTRAP.
    .globl _start
_start:
    brk #0x3e8
    mov x0, #0
    mov x8, #93
    svc #0
