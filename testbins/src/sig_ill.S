// Executes a permanently undefined instruction: the guest must die of SIGILL.
    .globl _start
_start:
    udf #0
    mov x0, #0
    mov x8, #93
    svc #0
