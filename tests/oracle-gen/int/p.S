.global _start
_start:
movz x0, #0
movk x0, #16, lsl #16
mov sp, x0
movz x0, #0
msr nzcv, x0
movz x0, #0
movz x1, #65535
movk x1, #65535, lsl #16
movz x2, #52719
movk x2, #35243, lsl #16
movk x2, #17767, lsl #32
movk x2, #33059, lsl #48
movz x3, #12816
movk x3, #30292, lsl #16
movk x3, #47768, lsl #32
movk x3, #65244, lsl #48
movz x4, #22136
movk x4, #4660, lsl #16
movz x5, #0
movk x5, #65535, lsl #32
movk x5, #65535, lsl #48
movz x6, #0
movz x7, #0
movz x8, #0
movz x9, #0
movz x10, #0
movz x11, #0
movz x12, #0
movz x13, #0
movz x14, #0
movz x15, #0
movz x16, #0
movz x17, #0
movz x18, #0
movz x19, #0
movz x20, #0
movz x21, #0
movz x22, #0
movz x23, #0
movz x24, #0
movz x25, #0
movz x26, #0
movz x27, #0
movz x28, #0
movz x29, #0
movz x30, #0
crc32b w0, w1, w2
 crc32h w6, w1, w2
 crc32w w7, w4, w3
 crc32x w8, w1, x2
 crc32cb w9, wzr, w3
 crc32ch w10, w2, w3
 crc32cw w11, w3, w2
 crc32cx w12, w2, x3
 crc32x w13, wzr, xzr
 crc32cb w14, w1, wzr
 crc32cx w15, w5, x5
 crc32w w16, w5, w5
 crc32x w17, w4, x4
 crc32cx w18, w1, x2
 crc32h w19, w4, w5
 crc32cw w20, w1, w4
msr tpidr_el0, x0
adr x0, buf
str x1, [x0, #8]
str x2, [x0, #16]
str x3, [x0, #24]
str x4, [x0, #32]
str x5, [x0, #40]
str x6, [x0, #48]
str x7, [x0, #56]
str x8, [x0, #64]
str x9, [x0, #72]
str x10, [x0, #80]
str x11, [x0, #88]
str x12, [x0, #96]
str x13, [x0, #104]
str x14, [x0, #112]
str x15, [x0, #120]
str x16, [x0, #128]
str x17, [x0, #136]
str x18, [x0, #144]
str x19, [x0, #152]
str x20, [x0, #160]
str x21, [x0, #168]
str x22, [x0, #176]
str x23, [x0, #184]
str x24, [x0, #192]
str x25, [x0, #200]
str x26, [x0, #208]
str x27, [x0, #216]
str x28, [x0, #224]
str x29, [x0, #232]
str x30, [x0, #240]
mov x1, sp
str x1, [x0, #248]
mrs x1, nzcv
str x1, [x0, #256]
mrs x1, tpidr_el0
str x1, [x0]
adrp x1, mem
add x1, x1, :lo12:mem
str x1, [x0, #264]
mov x1, x0
mov x0, #1
mov x2, #272
mov x8, #64
svc #0
mov x0, #1
adrp x1, mem
add x1, x1, :lo12:mem
mov x2, #256
mov x8, #64
svc #0
mov x0, #0
mov x8, #93
svc #0
.data
.align 4
buf: .space 272
.align 6
mem: .quad 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0
