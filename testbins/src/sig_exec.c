/* Signals across execve: the kernel keeps a process's pending signals (and its mask) through
 * an exec. Blocked SIGUSR1 sent by kill, blocked SIGSEGV sent by tgkill (a fault signal, which
 * an emulator cannot keep blocked on its host) and a blocked real-time signal queued twice
 * with values are pending when the program execs itself; the new image finds them pending and
 * blocked, takes each with sigtimedwait (signal, code, value, sender), and then nothing is
 * left. Also: an ignored signal stays ignored and is not pending, a handled one is back to
 * SIG_DFL. Then the same blocked SIGSEGV and SIGUSR1 again, and an exec of the host's grep
 * (a native program under an emulator) on its own /proc/self/status: pending and blocked sets. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void on_sig(int s) { (void)s; }

static void show_pending(const char *when)
{
    sigset_t p;
    sigpending(&p);
    printf("%s: pending", when);
    for (int s = 1; s < 65; s++)
        if (sigismember(&p, s))
            printf(" %d", s);
    printf("\n");
}

static int child(void)
{
    show_pending("after exec");
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    printf("after exec: blocked usr1 %d segv %d rt %d usr2 %d\n", sigismember(&m, SIGUSR1), sigismember(&m, SIGSEGV),
           sigismember(&m, SIGRTMIN + 1), sigismember(&m, SIGUSR2));
    struct sigaction sa;
    sigaction(SIGUSR2, NULL, &sa);
    printf("after exec: usr2 %s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled");
    sigaction(SIGHUP, NULL, &sa);
    printf("after exec: hup %s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled");
    sigset_t all;
    sigfillset(&all);
    struct timespec zero = {0, 0};
    for (;;) {
        siginfo_t si;
        int s = sigtimedwait(&all, &si, &zero);
        if (s < 0)
            break;
        printf("took %s code %d value %d from self %d\n",
               s == SIGUSR1 ? "SIGUSR1" : s == SIGSEGV ? "SIGSEGV" : s == SIGRTMIN + 1 ? "SIGRTMIN+1" : "other", si.si_code,
               si.si_code == SI_QUEUE ? si.si_value.sival_int : 0, si.si_pid == getpid());
    }
    show_pending("at the end");
    fflush(stdout);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), gettid(), SIGSEGV);
    execl("/bin/grep", "grep", "-E", "^(SigPnd|ShdPnd|SigBlk)", "/proc/self/status", (char *)NULL);
    perror("execl");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_handler = on_sig;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGSEGV);
    sigaddset(&m, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), gettid(), SIGSEGV);
    union sigval v;
    v.sival_int = 41;
    sigqueue(getpid(), SIGRTMIN + 1, v);
    v.sival_int = 42;
    sigqueue(getpid(), SIGRTMIN + 1, v);
    kill(getpid(), SIGUSR2); /* ignored: discarded */
    show_pending("before exec");
    fflush(stdout);
    char *args[] = {argv[0], "child", NULL};
    execv("/proc/self/exe", args);
    perror("execv");
    return 1;
}
