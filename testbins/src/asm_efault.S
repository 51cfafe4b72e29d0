// Bad guest pointers must give -EFAULT (14), never a crash: write from address 16,
// read into address 16, openat with a path at address 16. Exits with the sum of the
// three errnos (42) if all three fail with EFAULT.
    .globl _start
_start:
    mov x19, #0
    mov x0, #1          // write(1, (void *)16, 5)
    mov x1, #16
    mov x2, #5
    mov x8, #64
    svc #0
    sub x19, x19, x0
    mov x0, #0          // read(0, (void *)16, 5)
    mov x1, #16
    mov x2, #5
    mov x8, #63
    svc #0
    sub x19, x19, x0
    mov x0, #-100       // openat(AT_FDCWD, (char *)16, O_RDONLY)
    mov x1, #16
    mov x2, #0
    mov x8, #56
    svc #0
    sub x19, x19, x0
    mov x0, x19
    mov x8, #93
    svc #0
