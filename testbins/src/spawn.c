// Process creation and execve as the kernel defines them: vfork shares memory and holds the
// parent until the child execs or exits, posix_spawn reports exec failures, fork copies,
// execve's errors, #! scripts (with an argument, nested, and one whose interpreter is this
// program through /proc/self/exe), close-on-exec, and ignored signals across exec.
//
// The output depends on nothing but the kernel's rules (no pids, paths or addresses), so the
// native x86-64 build of this file prints exactly what the aarch64 build must print: that is
// the oracle (expected/aarch64/spawn.oracle), because qemu-user emulates vfork as fork.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int shared;
static char dir[64];

static const char *base(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void status(const char *what, int st) {
    if (WIFEXITED(st))
        printf("%s: exit %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: status %#x\n", what, st);
}

static int wait_for(pid_t pid) {
    int st = -1;
    if (waitpid(pid, &st, 0) != pid)
        printf("waitpid failed: %s\n", strerror(errno));
    return st;
}

static void write_file(const char *name, const char *text, mode_t mode) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        printf("cannot write %s\n", name);
        exit(1);
    }
    close(fd);
    chmod(path, mode);
}

// Run as a child: print what we were given.
static int child(int argc, char **argv) {
    printf("child %s:", argv[0][0] == '-' ? argv[0] : "");
    for (int i = 1; i < argc; i++)
        printf(" [%s]", strncmp(argv[i], dir, strlen(dir)) == 0 && dir[0] ? base(argv[i]) : argv[i]);
    // Is fd 5 (left open by the parent) still open, fd 6 (close-on-exec) closed?
    printf(" fd5=%s fd6=%s", fcntl(5, F_GETFD) >= 0 ? "open" : "closed", fcntl(6, F_GETFD) >= 0 ? "open" : "closed");
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf(" usr1=%s", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled");
    sigaction(SIGUSR2, NULL, &sa);
    printf(" usr2=%s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handled");
    fflush(stdout);
    return 5;
}

static void on_usr2(int s) { (void)s; }

static void try_exec(const char *what, const char *path) {
    pid_t pid = fork();
    if (pid == 0) {
        char *av[] = {(char *)"x", NULL};
        execve(path, av, environ);
        printf("execve %s: %s\n", what, strerror(errno));
        fflush(stdout);
        _exit(0);
    }
    wait_for(pid);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *d = getenv("SPAWN_TEST_DIR");
    if (d)
        snprintf(dir, sizeof dir, "%s", d);
    if (argc > 1 && strncmp(argv[1], "child", 5) == 0)
        return child(argc, argv);

    snprintf(dir, sizeof dir, "/tmp/ruser-spawn-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    setenv("SPAWN_TEST_DIR", dir, 1);

    // vfork: the child's store is the parent's memory, and the parent runs only after the
    // child has exited.
    shared = 1;
    pid_t pid = vfork();
    if (pid == 0) {
        shared = 42;
        _exit(3);
    }
    printf("vfork: shared=%d\n", shared);
    status("vfork child", wait_for(pid));

    // A vfork child that dies of a fault: the parent goes on.
    pid = vfork();
    if (pid == 0) {
        *(volatile int *)16 = 1;
        _exit(0);
    }
    status("vfork child faulting", wait_for(pid));

    // vfork + a failing execve: the child reports errno through shared memory.
    shared = 0;
    pid = vfork();
    if (pid == 0) {
        char *av[] = {(char *)"nothing", NULL};
        execve("/nonexistent/ruser-test", av, environ);
        shared = errno;
        _exit(127);
    }
    printf("vfork+execve: child errno %s\n", strerror(shared));
    status("vfork+execve child", wait_for(pid));

    // fork: a copy.
    shared = 1;
    pid = fork();
    if (pid == 0) {
        shared = 99;
        _exit(4);
    }
    status("fork child", wait_for(pid));
    printf("fork: shared=%d\n", shared);

    // posix_spawn reports exec failures as its return value.
    // argv[0] starts with a dash, as a login shell's does.
    char *av[] = {(char *)"-spawned", (char *)"child", (char *)"a b", (char *)"", NULL};
    int r = posix_spawn(&pid, "/nonexistent/ruser-test", NULL, NULL, av, environ);
    printf("posix_spawn missing: %s\n", strerror(r));
    write_file("noexec", "#!/bin/sh\necho no\n", 0644);
    char p[128];
    snprintf(p, sizeof p, "%s/noexec", dir);
    r = posix_spawn(&pid, p, NULL, NULL, av, environ);
    printf("posix_spawn not executable: %s\n", strerror(r));
    r = posix_spawn(&pid, dir, NULL, NULL, av, environ);
    printf("posix_spawn directory: %s\n", strerror(r));
    r = posix_spawnp(&pid, "ruser-no-such-command", NULL, NULL, av, environ);
    printf("posix_spawnp missing: %s\n", strerror(r));

    // posix_spawn of ourselves, with fd 5 inherited, fd 6 close-on-exec, SIGUSR1 ignored and
    // SIGUSR2 handled (so default in the new program).
    dup2(1, 5);
    dup3(1, 6, O_CLOEXEC);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, on_usr2);
    // The child writes to the same stdout: report only after it has exited, so the order of
    // the lines does not depend on scheduling.
    fflush(stdout);
    r = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, av, environ);
    int child_status = r == 0 ? wait_for(pid) : 0;
    printf("posix_spawn self: %s\n", strerror(r));
    if (r == 0)
        status("spawned child", child_status);
    // The child reset SIGUSR2 to default and changed its mask: the parent's are its own.
    struct sigaction sa;
    sigaction(SIGUSR2, NULL, &sa);
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("parent after posix_spawn: usr2 %s, usr1 blocked %d\n", sa.sa_handler == on_usr2 ? "still handled" : "LOST", sigismember(&mask, SIGUSR1));

    // Too long an argument, too many bytes of arguments: E2BIG.
    static char big[200000];
    memset(big, 'x', sizeof big - 1);
    pid = fork();
    if (pid == 0) {
        char *bv[] = {(char *)"x", big, NULL};
        execve("/proc/self/exe", bv, environ);
        printf("execve one 200 kB argument: %s\n", strerror(errno));
        big[100000] = 0;
        char *many[40];
        for (int i = 0; i < 39; i++)
            many[i] = big;
        many[39] = NULL;
        execve("/proc/self/exe", many, environ);
        printf("execve 39 arguments of 100 kB: %s\n", strerror(errno));
        _exit(0);
    }
    wait_for(pid);

    // execve errors.
    try_exec("missing", "/nonexistent/ruser-test");
    try_exec("directory", dir);
    try_exec("not executable", p);
    write_file("garbage", "\x01\x02 not a program\n", 0755);
    snprintf(p, sizeof p, "%s/garbage", dir);
    try_exec("unknown format", p);
    write_file("empty", "", 0755);
    snprintf(p, sizeof p, "%s/empty", dir);
    try_exec("empty file", p);
    snprintf(p, sizeof p, "%s/garbage/x", dir);
    try_exec("file as directory", p);
    write_file("bad-interp", "#!/nonexistent/interpreter\n", 0755);
    snprintf(p, sizeof p, "%s/bad-interp", dir);
    try_exec("missing interpreter", p);

    // Scripts: the interpreter is this program (through /proc/self/exe); with an argument;
    // nested (a script whose interpreter is a script).
    write_file("s1", "#!/proc/self/exe child\nignored\n", 0755);
    write_file("s2", "#!  /proc/self/exe   child one-arg with spaces  \n", 0755);
    char s1[128], s3[160];
    snprintf(s1, sizeof s1, "%s/s1", dir);
    snprintf(s3, sizeof s3, "#!%s extra\n", s1);
    write_file("s3", s3, 0755);
    const char *scripts[] = {"s1", "s2", "s3"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, scripts[i]);
        pid = fork();
        if (pid == 0) {
            char *sv[] = {(char *)"argv0-is-dropped", (char *)"x1", (char *)"x2", NULL};
            execve(p, sv, environ);
            printf("execve %s: %s\n", scripts[i], strerror(errno));
            _exit(1);
        }
        status(scripts[i], wait_for(pid));
    }

    // fexecve (execveat with AT_EMPTY_PATH) of this program, and execveat relative to a dirfd.
    pid = fork();
    if (pid == 0) {
        int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        char *fv[] = {(char *)"fexecve", (char *)"child", (char *)"via-fexecve", NULL};
        fexecve(fd, fv, environ);
        printf("fexecve: %s\n", strerror(errno));
        _exit(1);
    }
    status("fexecve", wait_for(pid));
    pid = fork();
    if (pid == 0) {
        int d = open(dir, O_RDONLY | O_DIRECTORY);
        char *sv[] = {(char *)"x", (char *)"via-execveat", NULL};
        syscall(SYS_execveat, d, "s1", sv, environ, 0);
        printf("execveat s1: %s\n", strerror(errno));
        _exit(1);
    }
    status("execveat", wait_for(pid));
    pid = fork();
    if (pid == 0) {
        int d = open(dir, O_RDONLY | O_DIRECTORY);
        char *sv[] = {(char *)"x", NULL};
        syscall(SYS_execveat, d, "", sv, environ, 0);
        printf("execveat empty path without AT_EMPTY_PATH: %s\n", strerror(errno));
        syscall(SYS_execveat, d, "s1", sv, environ, 0x1234);
        printf("execveat bad flags: %s\n", strerror(errno));
        _exit(0);
    }
    wait_for(pid);

    // A host shell script run through the host's /bin/sh (a host program).
    write_file("sh-script", "#!/bin/sh\necho \"sh: $# args, last=$2\"\nexit 6\n", 0755);
    snprintf(p, sizeof p, "%s/sh-script", dir);
    pid = fork();
    if (pid == 0) {
        char *sv[] = {(char *)"sh-script", (char *)"one", (char *)"two", NULL};
        execve(p, sv, environ);
        _exit(1);
    }
    status("sh-script", wait_for(pid));

    const char *files[] = {"noexec", "garbage", "empty", "bad-interp", "s1", "s2", "s3", "sh-script"};
    for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}
