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

static void child_raises(int sig) {
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
        pid_t p = fork();
        if (p == 0) {
            /* TSTP/TTIN/TTOU stop only a process whose group is not orphaned: in a group
             * of its own, its parent is in another group of the session. */
            setpgid(0, 0);
            syscall(SYS_tgkill, getpid(), gettid(), stops[i]);
            _exit(42);
        }
        int st;
        waitpid(p, &st, WUNTRACED);
        int stopped = WIFSTOPPED(st) ? WSTOPSIG(st) : 0;
        kill(p, SIGCONT);
        waitpid(p, &st, WCONTINUED);
        int cont = WIFCONTINUED(st);
        waitpid(p, &st, 0);
        printf("signal %d: stopped by %d, continued %d, then exit %d\n", stops[i], stopped, cont, WEXITSTATUS(st));
    }

    /* SIGINT ignored before exec-like start (here: before fork) stays ignored in the child,
     * which reports its disposition. */
    signal(SIGINT, SIG_IGN);
    pid_t p = fork();
    if (p == 0) {
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
