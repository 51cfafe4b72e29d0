/* Default actions as a parent sees them: a child killed by each signal whose default is to
 * terminate (or dump core) dies of exactly that signal, without a core file; the ignored ones
 * leave it running; SIGSTOP/SIGTSTP stop it and SIGCONT continues it (waitpid WUNTRACED and
 * WCONTINUED); a signal ignored when the program starts stays ignored. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whatever mask the program was started with (a test harness may block glibc's 32 and 33),
 * the child unblocks everything: raw, glibc's wrapper leaves 32 and 33 alone. */
static void unblock_all(void) {
    unsigned long none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
}

/* The same for dispositions: a program started by posix_spawn may inherit SIG_IGN for glibc's
 * 32 and 33 (glibc's spawn ignores its internal signals in the child before the exec). */
struct ksa {
    unsigned long handler, flags, restorer, mask;
};
static void default_action(int sig) {
    struct ksa dfl = {0, 0, 0, 0};
    syscall(SYS_rt_sigaction, sig, &dfl, 0, 8);
}

static void child_raises(int sig) {
    unblock_all();
    default_action(sig);
    struct rlimit nocore = {0, 0};
    setrlimit(RLIMIT_CORE, &nocore);
    /* raw tgkill: glibc's raise refuses its own signals (32, 33) */
    syscall(SYS_tgkill, getpid(), gettid(), sig);
    usleep(10000);
    _exit(100);
}

int main(void) {
    int fatal[] = {SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2,
                   SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSYS,
                   32, 33, 34, 40, 50, 64};
    printf("killed by:");
    for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        int sig = fatal[i];
        pid_t p = fork();
        if (p == 0)
            child_raises(sig);
        int st;
        waitpid(p, &st, 0);
        if (WIFSIGNALED(st) && WTERMSIG(st) == sig && !WCOREDUMP(st))
            printf(" %d", sig);
        else
            printf(" [%d: status %#x]", sig, st);
    }
    printf("\n");

    int ignored[] = {SIGCHLD, SIGURG, SIGWINCH, SIGCONT};
    printf("ignored by default:");
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        pid_t p = fork();
        if (p == 0)
            child_raises(ignored[i]);
        int st;
        waitpid(p, &st, 0);
        printf(" %d:%s", ignored[i], WIFEXITED(st) && WEXITSTATUS(st) == 100 ? "survived" : "died");
    }
    printf("\n");

    int stops[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
    for (unsigned i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        int go[2];
        pipe(go);
        pid_t p = fork();
        if (p == 0) {
            unblock_all();
            /* TSTP/TTIN/TTOU stop only a process whose group is not orphaned: in a group
             * of its own, its parent is in another group of the session. */
            setpgid(0, 0);
            syscall(SYS_tgkill, getpid(), gettid(), stops[i]);
            /* Continued: wait until the parent has seen that before exiting. */
            char c;
            read(go[0], &c, 1);
            _exit(42);
        }
        int st;
        waitpid(p, &st, WUNTRACED);
        int stopped = WIFSTOPPED(st) ? WSTOPSIG(st) : 0;
        kill(p, SIGCONT);
        waitpid(p, &st, WCONTINUED);
        int cont = WIFCONTINUED(st);
        write(go[1], "x", 1);
        close(go[0]);
        close(go[1]);
        waitpid(p, &st, 0);
        printf("signal %d: stopped by %d, continued %d, then exit %d\n", stops[i], stopped, cont, WEXITSTATUS(st));
    }

    /* SIGINT ignored before exec-like start (here: before fork) stays ignored in the child,
     * which reports its disposition. */
    signal(SIGINT, SIG_IGN);
    pid_t p = fork();
    if (p == 0) {
        unblock_all();
        struct sigaction sa;
        sigaction(SIGINT, 0, &sa);
        raise(SIGINT);
        _exit(sa.sa_handler == SIG_IGN ? 3 : 4);
    }
    int st;
    waitpid(p, &st, 0);
    printf("SIGINT ignored in the child: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 3);
    return 0;
}
