/* procfd: /proc/self/fd and /proc/self/fdinfo show exactly the program's own fds. After
 * close_range(3, ~0) it opens a few fds and lists fd/ and fdinfo/ of /proc/self,
 * /proc/thread-self, /proc/<pid> and /proc/<pid>/task/<tid>; no path names an fd around the
 * soft RLIMIT_NOFILE (where an emulator keeps its own: tests/testbins.rs also runs this with
 * -D FILE); readlink of fd links, absolute and relative to the fd directory; fdinfo's flags
 * are those F_GETFL reports (plus O_CLOEXEC). */
#define _GNU_SOURCE
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* The fd numbers `dir` lists, sorted, on one line; the listing's own fd shows as "D". */
static void list(const char *label, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("FAIL: opendir %s (errno %s)\n", label, errname(errno));
        failures++;
        return;
    }
    int self = dirfd(d), fds[1024], n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024)
        if (e->d_name[0] != '.')
            fds[n++] = atoi(e->d_name);
    closedir(d);
    qsort(fds, n, sizeof fds[0], cmp);
    printf("%s:", label);
    for (int i = 0; i < n; i++) {
        if (fds[i] == self)
            printf(" D");
        else
            printf(" %d", fds[i]);
    }
    printf("\n");
}

/* The flags line of /proc/self/fdinfo/<fd>. */
static long fdinfo_flags(int fd)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int f = open(path, O_RDONLY);
    ssize_t n = f < 0 ? -1 : read(f, buf, sizeof buf - 1);
    if (f >= 0)
        close(f);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *p = strstr(buf, "flags:");
    return p ? strtol(p + 6, NULL, 8) : -1;
}

int main(void)
{
    CHECK(close_range(3, ~0U, 0) == 0, "close_range(3, ~0)");
    int null = open("/dev/null", O_RDONLY);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int p[2];
    CHECK(null == 3 && dir == 4 && pipe2(p, O_NONBLOCK) == 0 && p[0] == 5, "open /dev/null, /tmp and a pipe as fds 3-6");
    char path[128];
    list("/proc/self/fd", "/proc/self/fd");
    list("/proc/self/fdinfo", "/proc/self/fdinfo");
    list("/proc/thread-self/fd", "/proc/thread-self/fd");
    snprintf(path, sizeof path, "/proc/%d/fd", getpid());
    list("/proc/PID/fd", path);
    snprintf(path, sizeof path, "/proc/%d/task/%d/fdinfo", getpid(), gettid());
    list("/proc/PID/task/TID/fdinfo", path);

    /* Nothing around the soft limit exists, by any path. */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    int lim = rl.rlim_cur > 1 << 20 ? 1 << 20 : (int)rl.rlim_cur;
    int fddir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    int found = 0;
    char link[256];
    struct stat st;
    for (int fd = lim - 64; fd < lim + 64; fd++) {
        char rel[16];
        snprintf(rel, sizeof rel, "%d", fd);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        found += access(path, F_OK) == 0;
        found += readlink(path, link, sizeof link) >= 0;
        found += lstat(path, &st) == 0;
        found += readlinkat(fddir, rel, link, sizeof link) >= 0;
        found += fstatat(fddir, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
        snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
        int f = open(path, O_RDONLY);
        found += f >= 0;
        if (f >= 0)
            close(f);
        snprintf(path, sizeof path, "/proc/thread-self/fd/%d/", fd);
        found += stat(path, &st) == 0;
    }
    printf("paths naming fds around the soft limit that exist: %d\n", found);

    /* Links. */
    ssize_t n = readlink("/proc/self/fd/3", link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    CHECK(strcmp(link, "/dev/null") == 0, "readlink /proc/self/fd/3 is /dev/null");
    n = readlinkat(fddir, "4", link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    CHECK(strcmp(link, "/tmp") == 0, "readlinkat(/proc/self/fd, \"4\") is /tmp");
    n = readlink("/proc/self/fd/5", link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    CHECK(strncmp(link, "pipe:[", 6) == 0, "fd 5 is a pipe");
    CHECK(fstatat(fddir, "3", &st, 0) == 0 && S_ISCHR(st.st_mode), "stat through /proc/self/fd/3 is /dev/null's");

    /* fdinfo's flags, in this ABI's encoding. */
    CHECK(fdinfo_flags(3) == fcntl(3, F_GETFL), "fdinfo/3 flags = F_GETFL");
    CHECK(fdinfo_flags(4) == (fcntl(4, F_GETFL) | O_CLOEXEC), "fdinfo/4 flags = F_GETFL | O_CLOEXEC");
    CHECK(fdinfo_flags(5) == fcntl(5, F_GETFL), "fdinfo/5 (pipe, O_NONBLOCK) flags = F_GETFL");
    printf("failures: %d\n", failures);
    return failures;
}
