/* stress_threads: a cheap race detector for an emulator's threads (seconds, deterministic
 * output). At once:
 *   - NT workers call NF generated functions through function pointers (BLR, RET); the
 *     functions sit 64 KiB apart, so their entry pcs share one slot of any pc-indexed branch
 *     cache of up to 16384 entries, which the threads refill for each other all the time;
 *     each call result feeds the next, so a call that runs the wrong function shows in the
 *     thread's checksum;
 *   - between calls, chained loops (a small hash over a buffer);
 *   - every round, a barrier and a mutex-protected shared sum (futexes);
 *   - one thread rewrites its own function in place and calls it after each rewrite, which
 *     invalidates translations while the others run;
 *   - the main thread sends SIGUSR1 to each worker in turn and waits (futex) for the
 *     handler to acknowledge; the handler makes calls of its own through the shared slot.
 * With argument "pin" the process first pins itself to one CPU (the lowest it may use), so
 * the threads interleave at every preemption. Prints per-thread checksums and counts.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 6            /* workers */
#define NF 16           /* generated functions, SPAN bytes apart */
#define SPAN 65536
#define ROUNDS 12
#define CALLS 1000      /* per worker per round */
#define NSIG_SENT 36    /* signals, round-robin over the workers */
#define SMC_REWRITES 300

typedef uint64_t (*fn_t)(uint64_t);

static fn_t fns[NF];
static pthread_t workers[NT];
static pthread_barrier_t start_bar, round_bar, end_bar;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared_sum;
static uint64_t thread_sum[NT], handler_sum[NT];
static int handled[NT];
static int acks;            /* futex word: signals handled so far */
static __thread int my_index = -1;
static int smc_bad, smc_done;

/* x0 = x0 * 33 + (k + 1), then a k-dependent rotate: add x0, x0, x0, lsl #5; add x0, x0,
 * #k+1; ror x0, x0, #k+1 (extr x0, x0, x0, #k+1); ret. */
static void emit_fn(uint32_t *p, unsigned k)
{
    p[0] = 0x8b001400u;
    p[1] = 0x91000000u | ((k + 1) << 10);
    p[2] = 0x93c00000u | ((k + 1) << 10);
    p[3] = 0xd65f03c0u;
}

static uint64_t model(unsigned k, uint64_t x)
{
    x = x * 33 + (k + 1);
    unsigned r = k + 1;
    return (x >> r) | (x << (64 - r));
}

static long futex(int *uaddr, int op, int val)
{
    return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void die(const char *what)
{
    printf("FAIL: %s\n", what);
    fflush(stdout);
    exit(1);
}

static void on_usr1(int sig)
{
    (void)sig;
    int t = my_index;
    if (t < 0)
        return;
    uint64_t x = handled[t];
    for (unsigned k = 0; k < NF; k++)
        x = fns[(k + t) % NF](x);
    handler_sum[t] += x;
    handled[t]++;
    __atomic_add_fetch(&acks, 1, __ATOMIC_SEQ_CST);
    futex(&acks, FUTEX_WAKE_PRIVATE, 1);
}

static uint32_t mix(const uint8_t *buf, unsigned n, uint32_t h)
{
    for (unsigned i = 0; i < n; i++)
        h = (h ^ buf[i]) * 16777619u;
    return h;
}

static void *worker(void *arg)
{
    int t = (int)(long)arg;
    my_index = t;
    pthread_barrier_wait(&start_bar); /* from here on, the handler knows who it runs on */
    uint8_t buf[64];
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + t);
    uint64_t x = t, check = t;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < CALLS; i++) {
            unsigned k = (unsigned)(i * 7 + t * 3 + r) % NF;
            x = fns[k](x) + mix(buf, 16 + (i & 15), (uint32_t)x);
            check = model(k, check) + mix(buf, 16 + (i & 15), (uint32_t)check);
        }
        pthread_mutex_lock(&sum_lock);
        shared_sum += x;
        pthread_mutex_unlock(&sum_lock);
        pthread_barrier_wait(&round_bar);
    }
    thread_sum[t] = x;
    if (x != check)
        printf("worker %d: checksum %#llx, the same calls computed in C give %#llx\n", t, (unsigned long long)x,
               (unsigned long long)check);
    /* Stay around (blocked in a futex wait) until every signal has been sent. */
    pthread_barrier_wait(&end_bar);
    return NULL;
}

static void *smc_thread(void *arg)
{
    (void)arg;
    uint32_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap rwx");
    for (int j = 0; j < SMC_REWRITES; j++) {
        p[0] = 0x52800000u | ((uint32_t)j << 5); /* movz w0, #j */
        p[1] = 0xd65f03c0u;                     /* ret */
        __builtin___clear_cache((char *)p, (char *)(p + 2));
        int got = ((int (*)(void))p)();
        if (got != j)
            smc_bad++;
    }
    smc_done = SMC_REWRITES;
    return NULL;
}

static void pin_to_one_cpu(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        die("sched_getaffinity");
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) {
            CPU_ZERO(&set);
            CPU_SET(c, &set);
            if (sched_setaffinity(0, sizeof set, &set) != 0)
                die("sched_setaffinity");
            return;
        }
    die("no CPU");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "pin") == 0)
        pin_to_one_cpu();
    setvbuf(stdout, NULL, _IOLBF, 0);

    uint8_t *code = mmap(NULL, NF * SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        die("mmap code");
    for (unsigned k = 0; k < NF; k++) {
        emit_fn((uint32_t *)(code + k * SPAN), k);
        fns[k] = (fn_t)(code + k * SPAN);
    }
    __builtin___clear_cache((char *)code, (char *)code + NF * SPAN);
    if (mprotect(code, NF * SPAN, PROT_READ | PROT_EXEC) != 0)
        die("mprotect");
    for (unsigned k = 0; k < NF; k++)
        if (fns[k](k * 1000) != model(k, k * 1000))
            die("a generated function computes the wrong value");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);

    pthread_barrier_init(&start_bar, NULL, NT + 1);
    pthread_barrier_init(&round_bar, NULL, NT);
    pthread_barrier_init(&end_bar, NULL, NT + 1);
    pthread_t smc;
    if (pthread_create(&smc, NULL, smc_thread, NULL) != 0)
        die("pthread_create smc");
    for (long t = 0; t < NT; t++)
        if (pthread_create(&workers[t], NULL, worker, (void *)t) != 0)
            die("pthread_create");
    pthread_barrier_wait(&start_bar);

    for (int s = 0; s < NSIG_SENT; s++) {
        if (pthread_kill(workers[s % NT], SIGUSR1) != 0)
            die("pthread_kill");
        int seen;
        while ((seen = __atomic_load_n(&acks, __ATOMIC_SEQ_CST)) < s + 1)
            futex(&acks, FUTEX_WAIT_PRIVATE, seen);
    }
    pthread_barrier_wait(&end_bar);
    for (int t = 0; t < NT; t++)
        pthread_join(workers[t], NULL);
    pthread_join(smc, NULL);

    uint64_t total = 0;
    for (int t = 0; t < NT; t++) {
        printf("worker %d: sum %016llx, %d signals, handler sum %016llx\n", t, (unsigned long long)thread_sum[t],
               handled[t], (unsigned long long)handler_sum[t]);
        total += thread_sum[t];
    }
    printf("shared sum %016llx\n", (unsigned long long)shared_sum);
    printf("signals: %d sent, %d acknowledged\n", NSIG_SENT, acks);
    printf("smc: %d rewrites, %d wrong results\n", smc_done, smc_bad);
    return 0;
}
