// Calls syscall number 1000, which no kernel has: it must fail with ENOSYS (38),
// and the program exits with that errno as its status.
    .globl _start
_start:
    mov x8, #1000
    svc #0
    neg x0, x0
    mov x8, #93
    svc #0
