/* clone3 (qemu-aarch64 7.2 has none, so the oracle is this program on the host kernel):
 * the kernel's argument checks, a fork through clone3, a raw thread with its own stack,
 * CLONE_PARENT_SETTID, CLONE_CHILD_SETTID and CLONE_CHILD_CLEARTID (the exiting thread
 * clears the word and wakes the futex). (pthread_create in every threaded test program uses
 * clone3 too: glibc 2.34+ tries it first.) */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static long clone3(struct clone_args *a, size_t size) { return syscall(SYS_clone3, a, size); }

static void try(const char *what, struct clone_args *a, size_t size) {
    long r = clone3(a, size);
    if (r == 0)
        _exit(0); /* not expected: a child of a check that should have failed */
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "created");
}

static volatile int child_tid_word, parent_tid_word, seen_tid, child_ran;

/* A thread without libc: record its tid, exit. The child side runs on the new stack, so it
 * is written in assembly. */
static long raw_thread(struct clone_args *a) {
    long ret;
#if defined(__aarch64__)
    register long x0 __asm__("x0") = (long)a;
    register long x1 __asm__("x1") = sizeof *a;
    register long x8 __asm__("x8") = SYS_clone3;
    __asm__ volatile(
        "svc #0\n"
        "cbnz x0, 1f\n"
        "mov x8, #178\n" /* gettid */
        "svc #0\n"
        "str w0, [%[seen]]\n"
        "mov w2, #1\n"
        "str w2, [%[ran]]\n"
        "mov x0, #0\n"
        "mov x8, #93\n" /* exit */
        "svc #0\n"
        "1:\n"
        : "+r"(x0)
        : "r"(x1), "r"(x8), [seen] "r"(&seen_tid), [ran] "r"(&child_ran)
        : "x2", "memory");
    ret = x0;
#elif defined(__x86_64__)
    __asm__ volatile(
        "syscall\n"
        "test %%rax, %%rax\n"
        "jnz 1f\n"
        "mov $186, %%eax\n" /* gettid */
        "syscall\n"
        "mov %%eax, (%[seen])\n"
        "movl $1, (%[ran])\n"
        "xor %%edi, %%edi\n"
        "mov $60, %%eax\n" /* exit */
        "syscall\n"
        "1:\n"
        : "=a"(ret)
        : "a"((long)SYS_clone3), "D"(a), "S"(sizeof *a), [seen] "r"(&seen_tid), [ran] "r"(&child_ran)
        : "rcx", "r11", "memory");
#endif
    return ret;
}

int main(void) {
    struct clone_args a;
    memset(&a, 0, sizeof a);
    try("size 32", &a, 32);
    a.flags = CLONE_THREAD;
    try("CLONE_THREAD without CLONE_SIGHAND", &a, sizeof a);
    a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
    a.exit_signal = SIGCHLD;
    try("thread with an exit signal", &a, sizeof a);
    memset(&a, 0, sizeof a);
    a.stack_size = 4096;
    try("stack size without a stack", &a, sizeof a);
    char big[sizeof a + 64];
    memset(big, 0, sizeof big);
    big[sizeof big - 1] = 1;
    try("larger struct, nonzero tail", (struct clone_args *)big, sizeof big);

    /* A fork. */
    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    long pid = clone3(&a, sizeof a);
    if (pid == 0)
        _exit(9);
    int st;
    waitpid(pid, &st, 0);
    printf("clone3 fork: child exit %d\n", WEXITSTATUS(st));

    /* A raw thread. */
    size_t sz = 64 * 1024;
    char *stack = aligned_alloc(16, sz);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
              CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    a.stack = (uintptr_t)stack;
    a.stack_size = sz;
    a.parent_tid = (uintptr_t)&parent_tid_word;
    a.child_tid = (uintptr_t)&child_tid_word;
    /* The child sets the word to its tid when it starts (the kernel writes it in the child,
     * maybe after clone3 returned here) and clears it when it exits. */
    child_tid_word = -1;
    long tid = raw_thread(&a);
    int seen_parent = parent_tid_word == tid;
    /* Wait for the kernel's (or ruser's) clear of child_tid at the thread's exit. */
    int v;
    while ((v = child_tid_word) != 0)
        syscall(SYS_futex, &child_tid_word, FUTEX_WAIT, v, 0, 0, 0);
    printf("raw thread: tid > 0 %d, parent_tid %d, its gettid %d, ran %d, child_tid cleared\n", tid > 0, seen_parent,
           seen_tid == tid, child_ran);

    return 0;
}
