// ruser's aarch64 vDSO: the functions arm64 Linux exports to user space, version
// LINUX_2.6.39. Built by build.sh into vdso.so, which ruser embeds and maps into every
// guest process (AT_SYSINFO_EHDR).
//
// Time comes from the host without a system call: `udf #CLOCK_READ` is an undefined
// instruction everywhere else, but ruser translates it inside the vDSO into a direct call of
// the host clock: it reads the clock id in x0 and sets x2 = seconds and x3 = nanoseconds, or
// x3 = -1 when that clock needs the system call. `udf #CLOCK_RES` does the same for the
// clock's resolution. On a real CPU the image would fault there: it is for ruser only.
//
// The functions follow the AAPCS64 (x0..x17 may be clobbered) and, like the kernel's, store
// through the caller's pointers directly: a bad pointer faults in the caller's process.

#define CLOCK_READ	0x7d10
#define CLOCK_RES	0x7d11

#define NR_gettimeofday	169
#define NR_clock_gettime	113
#define NR_clock_getres	114
#define NR_rt_sigreturn	139

	.text

// int __kernel_clock_gettime(clockid_t clk, struct timespec *ts)
	.globl	__kernel_clock_gettime
	.type	__kernel_clock_gettime, %function
	.balign	16
__kernel_clock_gettime:
	udf	#CLOCK_READ
	tbnz	x3, #63, 1f
	stp	x2, x3, [x1]
	mov	w0, #0
	ret
1:	mov	x8, #NR_clock_gettime
	svc	#0
	ret
	.size	__kernel_clock_gettime, . - __kernel_clock_gettime

// int __kernel_gettimeofday(struct timeval *tv, struct timezone *tz)
	.globl	__kernel_gettimeofday
	.type	__kernel_gettimeofday, %function
	.balign	16
__kernel_gettimeofday:
	cbnz	x1, 2f			// a time zone: the system call fills it in
	cbz	x0, 1f			// no time wanted
	mov	x4, x0
	mov	x0, #0			// CLOCK_REALTIME
	udf	#CLOCK_READ
	mov	x0, x4
	tbnz	x3, #63, 2f
	mov	x5, #1000
	udiv	x3, x3, x5		// microseconds
	stp	x2, x3, [x4]
1:	mov	w0, #0
	ret
2:	mov	x8, #NR_gettimeofday
	svc	#0
	ret
	.size	__kernel_gettimeofday, . - __kernel_gettimeofday

// int __kernel_clock_getres(clockid_t clk, struct timespec *res)
	.globl	__kernel_clock_getres
	.type	__kernel_clock_getres, %function
	.balign	16
__kernel_clock_getres:
	udf	#CLOCK_RES
	tbnz	x3, #63, 2f
	cbz	x1, 1f			// a null pointer is allowed
	stp	x2, x3, [x1]
1:	mov	w0, #0
	ret
2:	mov	x8, #NR_clock_getres
	svc	#0
	ret
	.size	__kernel_clock_getres, . - __kernel_clock_getres

// The signal return trampoline: a signal frame's return address. Unwinders (libgcc, gdb)
// recognise a signal frame by exactly these two instructions.
	.globl	__kernel_rt_sigreturn
	.type	__kernel_rt_sigreturn, %function
	.balign	16
	nop
__kernel_rt_sigreturn:
	mov	x8, #NR_rt_sigreturn
	svc	#0
	.size	__kernel_rt_sigreturn, . - __kernel_rt_sigreturn
