// The process's view of itself through /proc, then an exec chain: this program (stage 1)
// execs itself through /proc/self/exe under another argv[0] (stage 2), which execs the host's
// /bin/sh (a program of the host), which exits 7.
//
// /proc/self/{exe,cmdline,environ,auxv,maps,smaps,stat,status}, /proc/thread-self and
// /proc/<pid>: each checked against what the process knows (argv, environ, getauxval, the
// addresses of its code, stack and heap), printing only the verdicts, so the native x86-64
// build prints the same (that is the oracle, expected/aarch64/procself.oracle: qemu-user
// cannot exec /proc/self/exe without binfmt_misc).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static char buf[1 << 20];

static size_t slurp(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("open %s: %s\n", path, strerror(errno));
        return 0;
    }
    size_t n = 0;
    ssize_t r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

static const char *yes(int b) { return b ? "yes" : "NO"; }

// The maps line containing address a (copied into line), or 0.
static int maps_line(uintptr_t a, char *line, size_t len) {
    slurp("/proc/self/maps");
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long s, e;
        if (sscanf(l, "%lx-%lx", &s, &e) == 2 && a >= s && a < e) {
            snprintf(line, len, "%s", l);
            return 1;
        }
    }
    return 0;
}

static int maps_well_formed(void) {
    slurp("/proc/self/maps");
    unsigned long prev = 0;
    int n = 0;
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long s, e, off, ino;
        char perms[8];
        unsigned maj, min;
        if (sscanf(l, "%lx-%lx %4s %lx %x:%x %lu", &s, &e, perms, &off, &maj, &min, &ino) != 7 || s >= e || s < prev)
            return 0;
        prev = e;
        n++;
    }
    return n > 3;
}

static void stage1(int argc, char **argv) {
    char exe[PATH_MAX], real[PATH_MAX], other[PATH_MAX], p[64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    printf("exe is the program: %s\n", yes(realpath(argv[0], real) && strcmp(real, exe) == 0));
    n = readlink("/proc/thread-self/exe", other, sizeof other - 1);
    other[n > 0 ? n : 0] = 0;
    printf("thread-self/exe agrees: %s\n", yes(strcmp(other, exe) == 0));
    snprintf(p, sizeof p, "/proc/%d/exe", getpid());
    n = readlink(p, other, sizeof other - 1);
    other[n > 0 ? n : 0] = 0;
    printf("<pid>/exe agrees: %s\n", yes(strcmp(other, exe) == 0));

    // cmdline: argv, NUL-separated.
    size_t len = slurp("/proc/self/cmdline"), want = 0;
    int ok = 1;
    for (int i = 0; i < argc; i++) {
        ok &= want + strlen(argv[i]) < len && strcmp(buf + want, argv[i]) == 0;
        want += strlen(argv[i]) + 1;
    }
    printf("cmdline is argv (%d args): %s\n", argc, yes(ok && len == want));

    // environ: the environment we started with, entry by entry.
    len = slurp("/proc/self/environ");
    int same = 1, count = 0;
    for (size_t off = 0; off < len; off += strlen(buf + off) + 1) {
        same &= environ[count] != NULL && strcmp(buf + off, environ[count]) == 0;
        count++;
    }
    printf("environ is the environment: %s\n", yes(same && environ[count] == NULL && count > 0));

    // auxv: (type, value) pairs ending with AT_NULL, agreeing with getauxval.
    len = slurp("/proc/self/auxv");
    uint64_t *av = (uint64_t *)buf;
    int pairs = len / 16, agree = 1, seen = 0, last_null = pairs > 0 && av[2 * (pairs - 1)] == AT_NULL;
    for (int i = 0; i < pairs; i++) {
        unsigned long t = av[2 * i];
        if (t == AT_PAGESZ || t == AT_ENTRY || t == AT_PHDR || t == AT_HWCAP2 || t == AT_EXECFN || t == AT_RANDOM || t == AT_BASE) {
            agree &= getauxval(t) == av[2 * i + 1];
            seen++;
        }
    }
    printf("auxv agrees with getauxval: %s (%s entries checked), ends with AT_NULL: %s\n", yes(agree), seen >= 6 ? "6 or more" : "too few", yes(last_null));

    // maps: well formed; code, stack and heap where they belong.
    printf("maps well formed and sorted: %s\n", yes(maps_well_formed()));
    char line[PATH_MAX + 128];
    int code = maps_line((uintptr_t)&stage1, line, sizeof line);
    char perms[8] = "";
    sscanf(line, "%*s %4s", perms);
    printf("code mapping is r-x from the program: %s\n", yes(code && perms[0] == 'r' && perms[2] == 'x' && strstr(line, exe) != NULL));
    int local = 0;
    printf("stack mapping is [stack]: %s\n", yes(maps_line((uintptr_t)&local, line, sizeof line) && strstr(line, "[stack]")));
    void *h = sbrk(0);
    sbrk(4096);
    printf("brk area is [heap]: %s\n", yes(maps_line((uintptr_t)h, line, sizeof line) && strstr(line, "[heap]")));
    len = slurp("/proc/self/smaps");
    printf("smaps has Size/Rss/VmFlags: %s\n", yes(strstr(buf, "\nSize:") && strstr(buf, "\nRss:") && strstr(buf, "\nVmFlags:")));

    // stat and status: our name, a stack start inside [stack].
    slurp("/proc/self/stat");
    printf("stat names us: %s\n", yes(strncmp(strchr(buf, '('), "(procself)", 10) == 0));
    char *f = strrchr(buf, ')') + 2;
    unsigned long startstack = 0;
    for (int i = 3; i <= 28 && f; i++) {
        if (i == 28)
            startstack = strtoul(f, NULL, 10);
        f = strchr(f, ' ');
        if (f)
            f++;
    }
    printf("stat startstack in [stack]: %s\n", yes(maps_line(startstack - 1, line, sizeof line) && strstr(line, "[stack]")));
    slurp("/proc/self/status");
    printf("status names us: %s, has VmSize: %s\n", yes(strncmp(buf, "Name:\tprocself\n", 15) == 0), yes(strstr(buf, "\nVmSize:") != NULL));

    // Stage 2: ourselves again, through /proc/self/exe, under another argv[0].
    char *nv[] = {(char *)"renamed", (char *)"2", NULL};
    execve("/proc/self/exe", nv, environ);
    printf("execve /proc/self/exe: %s\n", strerror(errno));
}

static void stage2(char **argv) {
    printf("stage 2: argv[0]=%s AT_EXECFN=%s\n", argv[0], (const char *)getauxval(AT_EXECFN));
    fflush(stdout);
    char *sv[] = {(char *)"sh", (char *)"-c", (char *)"echo host sh says $0 $1; exit 7", (char *)"hello", (char *)"world", NULL};
    execve("/bin/sh", sv, environ);
    printf("execve /bin/sh: %s\n", strerror(errno));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "2") == 0)
        stage2(argv);
    else
        stage1(argc, argv);
    return 1;
}
