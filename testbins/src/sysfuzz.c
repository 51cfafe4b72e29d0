/* sysfuzz: random system calls with hostile arguments must never crash the emulator.
 *
 * Each of SEQS children runs a sequence of CALLS system calls, every one a random number
 * of the aarch64 table (minus the deny list below) with six arguments drawn from values a
 * buggy or hostile program passes: 0, -1, small and huge integers, unmapped, misaligned,
 * kernel-half and read-only pointers, pointers to the very end of a mapping, and pointers
 * to a scratch area (zeroed, or filled with such values) and to a short relative path.  A child ends well when it exits
 * 0 after its sequence, or dies of a signal (a garbage rt_sigreturn, an unmapped stack,
 * a seccomp filter, the watchdog's SIGKILL for a call that blocks forever...): the guest
 * may do all of that to itself.  Any other exit status means the emulator gave up: ruser
 * ends with 70 on an internal error, and no sequence calls exit.  The parent prints one
 * line per such child, with the seed that replays it (run `sysfuzz SEED` to print the
 * sequence and run it in the foreground), and a summary line.
 *
 * The deny list keeps the test from reaching outside its own process tree (the tests run
 * as root): no signals or scheduling changes to other pids, no mounts, clock or host name
 * changes, no module, reboot, swap, keyring, bpf or syslog calls, no process creation (a
 * sequence of forks would multiply), and no exit (it would end the sequence early).  The
 * children run in a fresh temporary directory with stdin, stdout and stderr on /dev/null. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SEQS 240
#define CALLS 24
#define MAX_NR 463
#define SCRATCH 65536

static const long deny[] = {
    /* other processes */
    SYS_kill, SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo,
    SYS_pidfd_send_signal, SYS_pidfd_open, SYS_pidfd_getfd, SYS_process_vm_readv,
    SYS_process_vm_writev, SYS_process_madvise, SYS_process_mrelease, SYS_ptrace, SYS_kcmp,
    SYS_sched_setaffinity, SYS_sched_setscheduler, SYS_sched_setparam, SYS_sched_setattr,
    SYS_setpriority, SYS_ioprio_set, SYS_prlimit64, SYS_migrate_pages, SYS_move_pages,
    SYS_setpgid, SYS_capset, SYS_perf_event_open,
    /* the whole machine */
    SYS_reboot, SYS_sethostname, SYS_setdomainname, SYS_settimeofday, SYS_clock_settime,
    SYS_clock_adjtime, SYS_adjtimex, SYS_acct, SYS_quotactl, SYS_quotactl_fd, SYS_syslog,
    SYS_swapon, SYS_swapoff, SYS_mount, SYS_umount2, SYS_pivot_root, SYS_move_mount,
    SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_open_tree, SYS_mount_setattr,
    SYS_init_module, SYS_finit_module, SYS_delete_module, SYS_kexec_load,
    SYS_kexec_file_load, SYS_vhangup, SYS_bpf, SYS_add_key, SYS_request_key, SYS_keyctl,
    SYS_fanotify_init, SYS_fanotify_mark, SYS_nfsservctl, SYS_sync, SYS_syncfs,
    /* process creation and the end of the sequence */
    SYS_clone, SYS_clone3, SYS_exit, SYS_exit_group,
};

static uint64_t rng;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *scratch;          /* SCRATCH bytes, zeroed, ends at an unmapped page */
static const char ro[64] = "read-only";

static long pick_nr(void)
{
    for (;;) {
        long nr = next() % MAX_NR, k;
        for (k = 0; k < (long)(sizeof deny / sizeof deny[0]); k++)
            if (deny[k] == nr)
                break;
        if (k == (long)(sizeof deny / sizeof deny[0]))
            return nr;
    }
}

static uint64_t pick_arg(void)
{
    switch (next() % 20) {
    case 0: case 1: return 0;
    case 2: return 1;
    case 3: return 2 + next() % 8;                 /* small counts, fds, flags */
    case 4: return (uint64_t)-1;
    case 5: return 0x7fffffff;
    case 6: return 0x80000000u;
    case 7: return 4096;
    case 8: return 1u << 20;
    case 9: return (uint64_t)-4096;
    case 10: return 16;                            /* unmapped */
    case 11: return 0xffff000000001000ull;         /* kernel half */
    case 12: return (uint64_t)(uintptr_t)scratch + 3;  /* misaligned */
    case 13: return (uint64_t)(uintptr_t)ro;       /* read-only */
    case 14: return (uint64_t)(uintptr_t)scratch + SCRATCH - 3;  /* runs off the end */
    case 15: case 16: return (uint64_t)(uintptr_t)scratch + 64;
    case 17: return (uint64_t)(uintptr_t)scratch;  /* "sysfuzz-f" */
    case 18: return next();
    default: return next() & 0xffff;
    }
}

struct call { long nr; uint64_t a[6]; };

/* The sequence of seed `seed`, and the scratch contents it starts from: the path, then
 * for odd seeds the same kind of values as the arguments (so that structures the calls
 * read hold nested pointers, lengths and counts), zeros for even seeds. */
static void make_seq(uint64_t seed, struct call *seq)
{
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    memset(scratch, 0, SCRATCH);
    strcpy(scratch, "sysfuzz-f");
    if (seed & 1)
        for (uint64_t *w = (uint64_t *)(scratch + 64); w < (uint64_t *)(scratch + SCRATCH); w++)
            *w = pick_arg();
    for (int i = 0; i < CALLS; i++) {
        seq[i].nr = pick_nr();
        for (int k = 0; k < 6; k++)
            seq[i].a[k] = pick_arg();
    }
}

static void run_seq(const struct call *seq)
{
    for (int i = 0; i < CALLS; i++)
        syscall(seq[i].nr, seq[i].a[0], seq[i].a[1], seq[i].a[2], seq[i].a[3], seq[i].a[4], seq[i].a[5]);
}

static void setup_scratch(void)
{
    char *p = mmap(NULL, SCRATCH + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    munmap(p + SCRATCH, 4096);
    scratch = p;
}

/* Wait for `pid` at most `ms` milliseconds, then kill it; its wait status. */
static int reap(pid_t pid, int ms)
{
    int st;
    for (int t = 0; t < ms; t++) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        usleep(1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return st;
}

int main(int argc, char **argv)
{
    setup_scratch();
    if (argc > 1) {
        /* Replay one sequence in the foreground, printing it first. */
        struct call seq[CALLS];
        make_seq(strtoull(argv[1], NULL, 0), seq);
        for (int i = 0; i < CALLS; i++)
            printf("syscall(%ld, %#llx, %#llx, %#llx, %#llx, %#llx, %#llx)\n", seq[i].nr,
                   (unsigned long long)seq[i].a[0], (unsigned long long)seq[i].a[1],
                   (unsigned long long)seq[i].a[2], (unsigned long long)seq[i].a[3],
                   (unsigned long long)seq[i].a[4], (unsigned long long)seq[i].a[5]);
        fflush(stdout);
        run_seq(seq);
        return 0;
    }
    char dir[] = "/tmp/sysfuzz-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    int bad = 0;
    for (int s = 0; s < SEQS; s++) {
        struct call seq[CALLS];
        make_seq(s, seq);
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            int null = open("/dev/null", O_RDWR);
            if (chdir(dir) != 0 || null < 0)
                _exit(3);
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            if (null > 2)
                close(null);
            /* Blocking calls (a read of an empty pipe, poll with no timeout, ...) end here. */
            struct itimerval it = { { 0, 0 }, { 0, 300000 } };
            setitimer(ITIMER_REAL, &it, NULL);
            run_seq(seq);
            _exit(0);
        }
        int st = reap(pid, 1500);
        if (getenv("SYSFUZZ_STATS"))
            fprintf(stderr, "seq %d: %s %d\n", s, WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
        if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
            printf("sequence %d: exit status %d (replay: sysfuzz %d)\n", s, WEXITSTATUS(st), s);
            bad++;
        }
    }
    /* Whatever the sequences created in the directory (files, fifos, subdirectories). */
    if (fork() == 0) {
        execl("/bin/rm", "rm", "-rf", dir, (char *)NULL);
        _exit(127);
    }
    wait(NULL);
    printf("sysfuzz: %d sequences of %d calls, %d ended badly\n", SEQS, CALLS, bad);
    return bad;
}
