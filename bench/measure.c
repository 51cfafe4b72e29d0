/* Host-side helper for run.py: runs one program and reports its wall time
 * and peak RSS.
 *
 *     measure REPORT_FILE TIMEOUT_SECONDS PROGRAM [ARGS...]
 *
 * The program inherits stdin/stdout/stderr.  When it ends (or is killed
 * with SIGKILL after TIMEOUT_SECONDS), one line is written to REPORT_FILE:
 *
 *     <exit|signal|timeout|spawnfail> <code> <wall_ns> <maxrss_kib>
 *
 * Why not measure from Python directly: Linux carries a process's RSS
 * high-water mark across execve, so a child forked from the Python
 * interpreter reports at least the interpreter's own RSS (~16 MiB) as
 * ru_maxrss.  This helper is small, and its fork starts from its own small
 * image, so ru_maxrss reflects the measured program.  Exit status: 0 when
 * the report was written, 2 on a usage or I/O error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
    if (child > 0)
        kill(child, SIGKILL);   /* not reaped yet, so the pid is still ours */
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s REPORT_FILE TIMEOUT_SECONDS PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    const char *report = argv[1];
    double timeout = strtod(argv[2], NULL);
    if (!(timeout > 0)) {
        fprintf(stderr, "measure: bad timeout %s\n", argv[2]);
        return 2;
    }
    int errpipe[2];   /* close-on-exec: carries errno if execvp fails */
    if (pipe2(errpipe, O_CLOEXEC) != 0) {
        perror("measure: pipe2");
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;   /* no SA_RESTART: wait4 returns EINTR */
    sigaction(SIGALRM, &sa, NULL);

    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("measure: fork");
        return 2;
    }
    if (pid == 0) {
        close(errpipe[0]);
        execvp(argv[3], argv + 3);
        int e = errno;
        if (write(errpipe[1], &e, sizeof e) < 0) { /* nothing more to do */ }
        _exit(127);
    }
    child = pid;
    close(errpipe[1]);

    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)timeout;
    it.it_value.tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &it, NULL);

    int status = 0;
    struct rusage ru;
    pid_t r;
    do {
        r = wait4(pid, &status, 0, &ru);
    } while (r < 0 && errno == EINTR);
    long long t1 = now_ns();
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
    child = 0;
    if (r < 0) {
        perror("measure: wait4");
        return 2;
    }

    int exec_errno = 0;
    ssize_t got = read(errpipe[0], &exec_errno, sizeof exec_errno);

    FILE *f = fopen(report, "w");
    if (!f) {
        perror("measure: report file");
        return 2;
    }
    const char *kind;
    int code;
    if (got == (ssize_t)sizeof exec_errno) {
        kind = "spawnfail";
        code = exec_errno;
    } else if (timed_out) {
        kind = "timeout";
        code = 0;
    } else if (WIFSIGNALED(status)) {
        kind = "signal";
        code = WTERMSIG(status);
    } else {
        kind = "exit";
        code = WEXITSTATUS(status);
    }
    fprintf(f, "%s %d %lld %ld\n", kind, code, t1 - t0, ru.ru_maxrss);
    return fclose(f) == 0 ? 0 : 2;
}
