/* fileio: file I/O in a fresh temporary directory: mkdtemp, open/creat,
 * write, lseek, read back, stdio, stat, rename, unlink, rmdir.
 * Prints no paths (they are random), only results. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond, what)                                                    \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAILED: %s (errno %d)\n", what, errno);                  \
            return 1;                                                        \
        }                                                                    \
    } while (0)

int main(void)
{
    char dir[] = "/tmp/ruser-fileio-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    printf("mkdtemp ok\n");

    char path[256], path2[256];
    snprintf(path, sizeof path, "%s/data.bin", dir);
    snprintf(path2, sizeof path2, "%s/renamed.bin", dir);

    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    CHECK(fd >= 0, "open create");
    const char *line = "0123456789abcdef";
    ssize_t total = 0;
    for (int i = 0; i < 1000; i++) {
        ssize_t n = write(fd, line, 16);
        CHECK(n == 16, "write");
        total += n;
    }
    printf("wrote %zd bytes\n", total);
    CHECK(close(fd) == 0, "close");

    struct stat st;
    CHECK(stat(path, &st) == 0, "stat");
    printf("stat size=%lld regular=%d mode=%o\n", (long long)st.st_size, S_ISREG(st.st_mode),
           (unsigned)(st.st_mode & 0777));

    fd = open(path, O_RDWR);
    CHECK(fd >= 0, "open rdwr");
    char buf[64];
    CHECK(lseek(fd, 16 * 500 + 10, SEEK_SET) == 8010, "lseek set");
    ssize_t n = read(fd, buf, 10);
    buf[n > 0 ? n : 0] = 0;
    printf("read at 8010: %zd '%s'\n", n, buf);
    CHECK(lseek(fd, -4, SEEK_END) == 15996, "lseek end");
    CHECK(write(fd, "WXYZ", 4) == 4, "overwrite");
    CHECK(lseek(fd, 0, SEEK_CUR) == 16000, "lseek cur");
    n = read(fd, buf, sizeof buf);
    printf("read at eof: %zd\n", n);
    CHECK(pwrite(fd, "pw", 2, 3) == 2, "pwrite");
    CHECK(pread(fd, buf, 8, 0) == 8, "pread");
    buf[8] = 0;
    printf("pread: '%s'\n", buf);
    CHECK(ftruncate(fd, 1000) == 0, "ftruncate");
    CHECK(fstat(fd, &st) == 0, "fstat");
    printf("after ftruncate size=%lld\n", (long long)st.st_size);
    CHECK(close(fd) == 0, "close 2");

    /* stdio on the same file */
    FILE *f = fopen(path, "a+");
    CHECK(f != NULL, "fopen");
    fprintf(f, "\nappended line %d\n", 7);
    fflush(f);
    rewind(f);
    long lines = 0, bytes = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        bytes++;
        if (c == '\n')
            lines++;
    }
    printf("stdio: %ld bytes, %ld newlines\n", bytes, lines);
    CHECK(fseek(f, -9, SEEK_END) == 0, "fseek");
    CHECK(fgets(buf, sizeof buf, f) != NULL, "fgets");
    buf[strcspn(buf, "\n")] = 0;
    printf("fgets tail: '%s'\n", buf);
    fclose(f);

    CHECK(rename(path, path2) == 0, "rename");
    printf("old exists after rename: %d\n", access(path, F_OK) == 0);
    printf("new exists after rename: %d\n", access(path2, F_OK) == 0);
    errno = 0;
    int r = open(path, O_RDONLY);
    printf("open old: %d errno=ENOENT:%d\n", r, errno == ENOENT);

    /* a second file, then rmdir must fail while the dir is not empty */
    char path3[256];
    snprintf(path3, sizeof path3, "%s/small.txt", dir);
    f = fopen(path3, "w");
    CHECK(f != NULL, "fopen w");
    fputs("small\n", f);
    fclose(f);
    errno = 0;
    r = rmdir(dir);
    printf("rmdir non-empty: %d errno=ENOTEMPTY:%d\n", r, errno == ENOTEMPTY);

    CHECK(unlink(path2) == 0, "unlink 1");
    CHECK(unlink(path3) == 0, "unlink 2");
    errno = 0;
    r = unlink(path3);
    printf("unlink again: %d errno=ENOENT:%d\n", r, errno == ENOENT);
    CHECK(rmdir(dir) == 0, "rmdir");
    printf("dir exists after rmdir: %d\n", access(dir, F_OK) == 0);
    printf("fileio done\n");
    return 0;
}
