// asm_hello: the smallest useful program: write(1, msg, len); exit(0).
    .text
    .global _start
_start:
    mov     x0, #1              // fd = stdout
    adr     x1, msg             // buf
    mov     x2, #(msg_end - msg) // len
    mov     x8, #64             // __NR_write
    svc     #0
    mov     x0, #0              // status
    mov     x8, #93             // __NR_exit
    svc     #0
    b       .

msg:
    .ascii  "Hello from aarch64 assembly!\n"
msg_end:
