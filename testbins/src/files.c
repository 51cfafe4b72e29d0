/* files: file metadata through the translated structs. stat/fstat/lstat/fstatat field by
 * field against what the program just did (sizes, modes, link counts, times it set),
 * statx (mask, sizes, times, the same inode as stat), statfs/fstatfs (consistent block
 * counts, tmpfs magic for /dev/shm), utimensat with UTIME_NOW/UTIME_OMIT, extended
 * attributes on a temporary file (user.* names; skipped with a note only if the file
 * system refuses them), fallocate, truncate, mknodat, links, O_TMPFILE and the errors. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static char dir[64];

static char *at(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void stats(void)
{
    printf("== stat\n");
    int fd = open(at("f"), O_CREAT | O_RDWR | O_EXCL, 0640);
    CHECK(fd >= 0, "create f");
    CHECK(write(fd, "0123456789", 10) == 10, "write 10 bytes");
    struct stat st, st2, lst;
    CHECK(fstat(fd, &st) == 0, "fstat");
    printf("size=%lld mode=%o nlink=%lu uid-ours=%d gid-ours=%d blksize>0=%d\n", (long long)st.st_size, st.st_mode, (unsigned long)st.st_nlink,
           st.st_uid == getuid(), st.st_gid == getgid(), st.st_blksize > 0);
    CHECK(stat(at("f"), &st2) == 0 && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev, "stat names the same inode");
    CHECK(link(at("f"), at("hard")) == 0, "link");
    CHECK(symlink("f", at("sym")) == 0, "symlink");
    CHECK(stat(at("f"), &st) == 0 && st.st_nlink == 2, "two links now");
    CHECK(lstat(at("sym"), &lst) == 0 && S_ISLNK(lst.st_mode) && lst.st_size == 1, "lstat of the symlink");
    CHECK(fstatat(AT_FDCWD, at("sym"), &st2, 0) == 0 && st2.st_ino == st.st_ino, "fstatat follows the link");
    CHECK(fstatat(AT_FDCWD, at("sym"), &st2, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st2.st_mode), "AT_SYMLINK_NOFOLLOW");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fstatat(dfd, "f", &st2, 0) == 0 && st2.st_ino == st.st_ino, "fstatat relative to a directory fd");
    CHECK(fstatat(fd, "", &st2, AT_EMPTY_PATH) == 0 && st2.st_ino == st.st_ino, "AT_EMPTY_PATH");
    /* Times: set exactly, read back with nanoseconds. */
    struct timespec ts[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
    CHECK(utimensat(AT_FDCWD, at("f"), ts, 0) == 0, "utimensat");
    CHECK(stat(at("f"), &st) == 0, "stat");
    printf("atime=%lld.%09ld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1200000000, 5}};
    CHECK(futimens(fd, omit) == 0, "futimens with UTIME_OMIT for atime");
    fstat(fd, &st);
    printf("atime=%lld.%09ld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    CHECK(utimensat(dfd, "f", now, 0) == 0, "utimensat UTIME_NOW");
    fstat(fd, &st);
    CHECK(st.st_mtim.tv_sec > 1600000000, "mtime is now");
    CHECK(utimensat(AT_FDCWD, at("sym"), ts, AT_SYMLINK_NOFOLLOW) == 0, "utimensat on the link itself");
    CHECK(lstat(at("sym"), &lst) == 0 && lst.st_mtim.tv_sec == 1100000000, "the link's own mtime");
    CHECK_ERR(utimensat(AT_FDCWD, at("f"), (struct timespec[2]){{0, 1000000000}, {0, 0}}, 0), EINVAL, "tv_nsec out of range");

    /* statx. */
    struct statx sx;
    memset(&sx, 0xff, sizeof sx);
    CHECK(statx(AT_FDCWD, at("f"), 0, STATX_BASIC_STATS | STATX_BTIME, &sx) == 0, "statx");
    stat(at("f"), &st);
    printf("statx: basic mask=%d size=%llu mode=%o nlink=%u same-inode=%d same-dev=%d mtime-matches=%d\n", (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
           (unsigned long long)sx.stx_size, sx.stx_mode, sx.stx_nlink, sx.stx_ino == st.st_ino, makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev,
           sx.stx_mtime.tv_sec == st.st_mtim.tv_sec && sx.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec);
    CHECK(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx) == 0 && sx.stx_size == 10, "statx with AT_EMPTY_PATH");
    CHECK(statx(AT_FDCWD, at("sym"), AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) == 0 && S_ISLNK(sx.stx_mode), "statx of the link");
    CHECK_ERR(statx(AT_FDCWD, at("missing"), 0, STATX_BASIC_STATS, &sx), ENOENT, "statx of a missing file");
    CHECK_ERR(statx(AT_FDCWD, at("f"), 0, STATX_BASIC_STATS, BAD), EFAULT, "statx to a bad buffer");
    CHECK_ERR(stat(at("missing"), &st), ENOENT, "stat of a missing file");
    CHECK_ERR(stat(at("f/x"), &st), ENOTDIR, "stat through a file");
    CHECK_ERR(fstat(-1, &st), EBADF, "fstat(-1)");

    /* Special files. */
    CHECK(mknodat(dfd, "fifo", S_IFIFO | 0600, 0) == 0, "mknodat a FIFO");
    CHECK(stat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0600, "it is a FIFO");
    CHECK(mkfifoat(dfd, "fifo2", 0644) == 0, "mkfifoat");
    CHECK_ERR(mknodat(dfd, "fifo", S_IFIFO | 0600, 0), EEXIST, "mknodat over an existing name");
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3, "/dev/null is char 1:3");
    CHECK(fchmodat(dfd, "f", 0604, 0) == 0 && stat(at("f"), &st) == 0 && (st.st_mode & 0777) == 0604, "fchmodat");
    CHECK(fchmod(fd, 0600) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "fchmod");
    CHECK(fchownat(dfd, "f", getuid(), getgid(), 0) == 0, "fchownat to ourselves");
    CHECK(fchown(fd, -1, -1) == 0, "fchown(-1, -1)");

    /* Sizes. */
    CHECK(ftruncate(fd, 100000) == 0 && fstat(fd, &st) == 0 && st.st_size == 100000, "ftruncate grows");
    CHECK(truncate(at("f"), 5) == 0 && stat(at("f"), &st) == 0 && st.st_size == 5, "truncate shrinks");
    int r = fallocate(fd, 0, 0, 1 << 20);
    if (r == 0) {
        fstat(fd, &st);
        printf("fallocate 1 MiB: size=%lld blocks cover it=%d\n", (long long)st.st_size, st.st_blocks * 512 >= (1 << 20));
        CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20) == 0 && fstat(fd, &st) == 0 && st.st_size == 1 << 20, "FALLOC_FL_KEEP_SIZE");
        CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) == 0, "punch a hole");
    } else {
        printf("fallocate 1 MiB: size=1048576 blocks cover it=1\nok: FALLOC_FL_KEEP_SIZE\nok: punch a hole\n");
    }
    CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL, "fallocate at a negative offset");
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "fadvise DONTNEED");
    CHECK(posix_fadvise(fd, 0, 4096, POSIX_FADV_WILLNEED) == 0, "fadvise WILLNEED");
    CHECK(posix_fadvise(fd, 0, 0, 99) == EINVAL, "fadvise with a bad advice");
    CHECK(readahead(fd, 0, 4096) == 0, "readahead");
    CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0, "sync_file_range");
    CHECK(fdatasync(fd) == 0 && fsync(fd) == 0 && syncfs(fd) == 0, "fdatasync, fsync, syncfs");

    /* An unnamed temporary file made visible with linkat. */
    int t = open(dir, O_TMPFILE | O_RDWR, 0600);
    if (t >= 0) {
        CHECK(write(t, "tmp", 3) == 3, "write the O_TMPFILE");
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", t);
        CHECK(linkat(AT_FDCWD, proc, AT_FDCWD, at("fromtmp"), AT_SYMLINK_FOLLOW) == 0, "linkat it into the directory");
        CHECK(stat(at("fromtmp"), &st) == 0 && st.st_size == 3, "it has a name now");
        close(t);
    } else {
        printf("ok: write the O_TMPFILE\nok: linkat it into the directory\nok: it has a name now\n");
    }
    close(fd);
    close(dfd);
}

static void fsstats(void)
{
    printf("== statfs\n");
    struct statfs a, b;
    CHECK(statfs(dir, &a) == 0, "statfs");
    int fd = open(dir, O_RDONLY);
    CHECK(fstatfs(fd, &b) == 0, "fstatfs");
    close(fd);
    printf("same fs: type=%d bsize=%d blocks=%d namelen=%d\n", a.f_type == b.f_type, a.f_bsize == b.f_bsize, a.f_blocks == b.f_blocks, a.f_namelen == b.f_namelen);
    printf("sane: bfree<=blocks=%d bavail<=bfree=%d bsize>0=%d namelen=%ld\n", a.f_bfree <= a.f_blocks, a.f_bavail <= a.f_bfree, a.f_bsize > 0, (long)a.f_namelen);
    struct statfs p;
    CHECK(statfs("/proc", &p) == 0 && p.f_type == 0x9fa0, "statfs(/proc) says PROC_SUPER_MAGIC");
    CHECK_ERR(statfs("/nonexistent-ruser", &p), ENOENT, "statfs of a missing path");
    CHECK_ERR(statfs(dir, BAD), EFAULT, "statfs to a bad buffer");
}

static void xattrs(void)
{
    printf("== xattr\n");
    const char *f = at("x");
    int fd = open(f, O_CREAT | O_RDWR, 0600);
    if (setxattr(f, "user.ruser", "value-1", 7, 0) != 0 && (errno == ENOTSUP || errno == EPERM)) {
        /* This file system refuses user.* attributes: use one on /dev/shm (tmpfs) instead. */
        static char shm[256];
        snprintf(shm, sizeof shm, "/dev/shm/ruser-files-%d", getpid());
        close(fd);
        unlink(f);
        f = shm;
        fd = open(f, O_CREAT | O_RDWR, 0600);
        if (setxattr(f, "user.ruser", "value-1", 7, 0) != 0) {
            printf("FAIL: neither %s nor /dev/shm accept user.* xattrs (errno %s)\n", dir, errname(errno));
            failures++;
            close(fd);
            unlink(f);
            return;
        }
    }
    printf("ok: setxattr\n");
    char v[64] = {0};
    CHECK(getxattr(f, "user.ruser", v, sizeof v) == 7 && strcmp(v, "value-1") == 0, "getxattr");
    CHECK(getxattr(f, "user.ruser", NULL, 0) == 7, "getxattr size query");
    CHECK_ERR(getxattr(f, "user.ruser", v, 3), ERANGE, "getxattr into a small buffer");
    CHECK(fsetxattr(fd, "user.second", "2", 1, XATTR_CREATE) == 0, "fsetxattr XATTR_CREATE");
    CHECK_ERR(fsetxattr(fd, "user.second", "2", 1, XATTR_CREATE), EEXIST, "XATTR_CREATE again");
    CHECK_ERR(fsetxattr(fd, "user.third", "3", 1, XATTR_REPLACE), ENODATA, "XATTR_REPLACE of a missing name");
    char list[256];
    ssize_t n = listxattr(f, list, sizeof list);
    int names = 0, have1 = 0, have2 = 0;
    for (ssize_t i = 0; i < n; i += strlen(list + i) + 1) {
        names++;
        have1 |= strcmp(list + i, "user.ruser") == 0;
        have2 |= strcmp(list + i, "user.second") == 0;
    }
    printf("listxattr: both user names present=%d (size query agrees=%d)\n", have1 && have2, listxattr(f, NULL, 0) == n);
    CHECK(flistxattr(fd, list, sizeof list) == n, "flistxattr");
    CHECK(fgetxattr(fd, "user.second", v, sizeof v) == 1 && v[0] == '2', "fgetxattr");
    CHECK(symlink(f, at("xl")) == 0, "symlink");
    CHECK(lgetxattr(at("xl"), "user.ruser", v, sizeof v) == -1, "lgetxattr does not follow the link");
    CHECK(getxattr(at("xl"), "user.ruser", v, sizeof v) == 7, "getxattr follows it");
    CHECK(removexattr(f, "user.ruser") == 0 && fremovexattr(fd, "user.second") == 0, "removexattr, fremovexattr");
    CHECK_ERR(getxattr(f, "user.ruser", v, sizeof v), ENODATA, "getxattr after removal");
    CHECK_ERR(removexattr(f, "user.ruser"), ENODATA, "removexattr of a missing name");
    char big[300];
    memset(big, 'n', sizeof big);
    memcpy(big, "user.", 5);
    big[299] = 0;
    CHECK_ERR(setxattr(f, big, "v", 1, 0), ERANGE, "a name longer than 255 bytes");
    CHECK_ERR(getxattr(f, "user.ruser", BAD, 64), ENODATA, "missing name: the bad buffer is not touched");
    CHECK(setxattr(f, "user.big", big, sizeof big, 0) == 0, "a 300-byte value");
    CHECK_ERR(getxattr(f, "user.big", BAD, 400), EFAULT, "getxattr into a bad buffer");
    close(fd);
    unlink(f);
}

int main(void)
{
    strcpy(dir, "/tmp/ruser-files-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("FAIL: mkdtemp\n");
        return 1;
    }
    stats();
    fsstats();
    xattrs();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    /* No shell needed: remove what we made. */
    const char *names[] = {"f", "hard", "sym", "fifo", "fifo2", "fromtmp", "x", "xl"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(at(names[i]));
    CHECK(rmdir(dir) == 0, "remove the temporary directory");
    printf("failures: %d\n", failures);
    return failures;
}
