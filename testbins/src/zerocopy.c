/* zerocopy: data moved by the kernel between fds, with offsets passed by pointer (loff_t in
 * and out): sendfile (file to pipe, file to socket, with and without an offset), splice
 * (file to pipe to file, both offsets), tee (duplicating pipe data), vmsplice (user pages
 * into a pipe and out of one), copy_file_range (offsets updated, the file position left
 * alone), plus preadv2/pwritev2 and the error cases. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static char src[] = "/tmp/ruser-zc-src-XXXXXX";
static char dst[] = "/tmp/ruser-zc-dst-XXXXXX";

int main(void)
{
    int s = mkstemp(src), d = mkstemp(dst);
    CHECK(s >= 0 && d >= 0, "two temporary files");
    char data[8192];
    for (int i = 0; i < (int)sizeof data; i++)
        data[i] = 'a' + i % 26;
    CHECK(write(s, data, sizeof data) == sizeof data, "8 KiB of data");

    /* sendfile with an offset pointer: the offset advances, the file position does not. */
    int p[2];
    pipe(p);
    off_t off = 100;
    lseek(s, 5, SEEK_SET);
    ssize_t n = sendfile(p[1], s, &off, 26);
    char buf[8192 + 1];
    memset(buf, 0, sizeof buf);
    read(p[0], buf, 26);
    printf("sendfile: %zd bytes \"%.26s\" offset now %lld, position %lld\n", n, buf, (long long)off, (long long)lseek(s, 0, SEEK_CUR));
    /* Without an offset: from and advancing the file position. */
    n = sendfile(p[1], s, NULL, 4);
    memset(buf, 0, sizeof buf);
    read(p[0], buf, 4);
    printf("sendfile from the position: %zd \"%s\" position %lld\n", n, buf, (long long)lseek(s, 0, SEEK_CUR));
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    off = 0;
    n = sendfile(sv[0], s, &off, sizeof data);
    ssize_t got = 0, r;
    while (got < n && (r = read(sv[1], buf + got, sizeof data - got)) > 0)
        got += r;
    CHECK(n == sizeof data && got == n && memcmp(buf, data, n) == 0, "sendfile of the whole file into a socket");
    CHECK_ERR(sendfile(p[1], s, BAD, 1), EFAULT, "sendfile with a bad offset pointer");
    CHECK_ERR(sendfile(s, p[0], NULL, 1), EINVAL, "sendfile with a pipe as the source");

    /* splice: file → pipe → file, offsets by pointer on the file ends. */
    loff_t in = 1000, out = 10;
    n = splice(s, &in, p[1], NULL, 300, 0);
    printf("splice file→pipe: %zd, in offset %lld\n", n, (long long)in);
    n = splice(p[0], NULL, d, &out, 300, SPLICE_F_MOVE);
    printf("splice pipe→file: %zd, out offset %lld\n", n, (long long)out);
    memset(buf, 0, sizeof buf);
    pread(d, buf, 300, 10);
    CHECK(memcmp(buf, data + 1000, 300) == 0, "the destination holds the bytes");
    CHECK(lseek(d, 0, SEEK_CUR) == 0, "the destination position is unchanged");
    CHECK_ERR(splice(s, NULL, d, NULL, 10, 0), EINVAL, "splice between two files");
    CHECK_ERR(splice(p[0], &in, d, NULL, 10, 0), ESPIPE, "an offset on the pipe end");

    /* tee: the data stays in the first pipe. */
    int q[2];
    pipe(q);
    write(p[1], "tee-data", 8);
    n = tee(p[0], q[1], 100, 0);
    char t1[16] = {0}, t2[16] = {0};
    read(q[0], t2, sizeof t2);
    read(p[0], t1, sizeof t1);
    printf("tee: %zd, copy \"%s\", original \"%s\"\n", n, t2, t1);
    CHECK_ERR(tee(p[0], q[1], 10, SPLICE_F_NONBLOCK), EAGAIN, "tee from an empty pipe, non-blocking");

    /* vmsplice: user memory into a pipe, and from a pipe into user memory. */
    char part1[] = "vm", part2[] = "splice";
    struct iovec iov[2] = {{part1, 2}, {part2, 6}};
    n = vmsplice(p[1], iov, 2, 0);
    char v[16] = {0};
    read(p[0], v, sizeof v);
    printf("vmsplice in: %zd \"%s\"\n", n, v);
    write(p[1], "outward", 7);
    char o1[4] = {0}, o2[8] = {0};
    struct iovec oiov[2] = {{o1, 3}, {o2, 7}};
    n = vmsplice(p[0], oiov, 2, 0);
    printf("vmsplice out: %zd \"%s\" \"%s\"\n", n, o1, o2);
    struct iovec badiov = {BAD, 10};
    CHECK_ERR(vmsplice(p[1], &badiov, 1, 0), EFAULT, "vmsplice of a bad buffer");

    /* copy_file_range with and without offsets. */
    loff_t ci = 26, co = 4096;
    lseek(d, 0, SEEK_SET);
    n = copy_file_range(s, &ci, d, &co, 52, 0);
    printf("copy_file_range: %zd, offsets %lld %lld\n", n, (long long)ci, (long long)co);
    memset(buf, 0, sizeof buf);
    pread(d, buf, 52, 4096);
    CHECK(memcmp(buf, data + 26, 52) == 0, "copied bytes");
    lseek(s, 0, SEEK_SET);
    lseek(d, 0, SEEK_SET);
    n = copy_file_range(s, NULL, d, NULL, 10, 0);
    printf("copy_file_range from positions: %zd, positions %lld %lld\n", n, (long long)lseek(s, 0, SEEK_CUR), (long long)lseek(d, 0, SEEK_CUR));
    CHECK_ERR(copy_file_range(s, NULL, d, NULL, 10, 1), EINVAL, "copy_file_range with flags");
    CHECK_ERR(copy_file_range(s, BAD, d, NULL, 10, 0), EFAULT, "copy_file_range with a bad offset pointer");

    /* preadv2/pwritev2. */
    char a[5] = {0}, b[6] = {0};
    struct iovec rv[2] = {{a, 4}, {b, 5}};
    n = preadv2(s, rv, 2, 52, 0);
    printf("preadv2: %zd \"%s\" \"%s\"\n", n, a, b);
    lseek(s, 0, SEEK_SET);
    n = preadv2(s, rv, 2, -1, 0);
    printf("preadv2 at the position: %zd \"%s\" \"%s\" position %lld\n", n, a, b, (long long)lseek(s, 0, SEEK_CUR));
    struct iovec wv[2] = {{"pw", 2}, {"ritev2", 6}};
    CHECK(pwritev2(d, wv, 2, 0, RWF_DSYNC) == 8, "pwritev2 with RWF_DSYNC");
    memset(buf, 0, sizeof buf);
    pread(d, buf, 8, 0);
    printf("pwritev2 wrote \"%s\"\n", buf);
    CHECK_ERR(preadv2(s, rv, 2, 0, 0x1000), EOPNOTSUPP, "preadv2 with an unknown flag");
    close(s);
    close(d);
    unlink(src);
    unlink(dst);
    printf("failures: %d\n", failures);
    return failures;
}
