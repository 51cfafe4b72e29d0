/* scm: control messages over AF_UNIX socketpairs. SCM_RIGHTS passing one and several fds
 * (the received fds work), SCM_CREDENTIALS sent explicitly and by SO_PASSCRED, SO_PEERCRED,
 * a control buffer too small for the fds (MSG_CTRUNC), several control messages in one
 * message, msg_name on datagram sockets, SO_TIMESTAMPNS, sendmmsg/recvmmsg, and abstract
 * addresses. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int send_fds(int sock, const int *fds, int n, const char *data)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 8)];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {.iov_base = (void *)data, .iov_len = strlen(data)};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    return sendmsg(sock, &m, 0);
}

/* Receive into a control buffer of `space` bytes; returns the number of fds received. */
static int recv_fds(int sock, int *fds, size_t space, int *flags, char *data, size_t dlen)
{
    char cbuf[256];
    struct iovec iov = {.iov_base = data, .iov_len = dlen};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = space};
    ssize_t r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
    if (r < 0)
        return -1;
    data[r] = 0;
    *flags = m.msg_flags;
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(fds + n, CMSG_DATA(c), k * sizeof(int));
            n += k;
        }
    }
    return n;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair(AF_UNIX, SOCK_STREAM)");

    /* One fd: a pipe's write end; the receiver writes through it. */
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    CHECK(send_fds(sv[0], &p[1], 1, "one") == 3, "sendmsg with SCM_RIGHTS (1 fd)");
    int got[8], fl;
    char data[64];
    int n = recv_fds(sv[1], got, CMSG_SPACE(sizeof(int)), &fl, data, sizeof data);
    printf("received %d fd(s) with \"%s\", ctrunc=%d\n", n, data, !!(fl & MSG_CTRUNC));
    if (n == 1) {
        CHECK(got[0] != p[1], "the received fd is a new number");
        CHECK((fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0, "MSG_CMSG_CLOEXEC set close-on-exec");
        CHECK(write(got[0], "via-passed-fd", 13) == 13, "write through the passed fd");
        char b[32] = {0};
        CHECK(read(p[0], b, sizeof b) == 13 && strcmp(b, "via-passed-fd") == 0, "read it from the pipe");
        close(got[0]);
    }

    /* Several fds: three different files, checked by their kind. */
    int fds[3] = {p[0], open("/dev/null", O_RDONLY), sv[0]};
    CHECK(send_fds(sv[0], fds, 3, "three") == 5, "sendmsg with SCM_RIGHTS (3 fds)");
    n = recv_fds(sv[1], got, sizeof(int) * 3 + CMSG_LEN(0) + 4, &fl, data, sizeof data);
    printf("received %d fd(s) with \"%s\", ctrunc=%d\n", n, data, !!(fl & MSG_CTRUNC));
    for (int i = 0; i < n; i++) {
        struct stat st;
        fstat(got[i], &st);
        printf("  fd %d: %s\n", i, S_ISFIFO(st.st_mode) ? "fifo" : S_ISCHR(st.st_mode) ? "chardev" : S_ISSOCK(st.st_mode) ? "socket" : "other");
        close(got[i]);
    }

    /* A control buffer with room for one fd only: MSG_CTRUNC, the others are not installed. */
    int before = dup(0);
    close(before);
    CHECK(send_fds(sv[0], fds, 3, "trunc") == 5, "send 3 fds again");
    n = recv_fds(sv[1], got, CMSG_SPACE(sizeof(int)), &fl, data, sizeof data);
    printf("small buffer: received %d fd(s), ctrunc=%d\n", n, !!(fl & MSG_CTRUNC));
    for (int i = 0; i < n; i++)
        close(got[i]);
    int after = dup(0);
    CHECK(after == before, "no fd leaked by the truncation");
    close(after);

    /* No control buffer at all. */
    CHECK(send_fds(sv[0], fds, 2, "none") == 4, "send 2 fds");
    n = recv_fds(sv[1], got, 0, &fl, data, sizeof data);
    printf("no buffer: received %d fd(s), ctrunc=%d, data \"%s\"\n", n, !!(fl & MSG_CTRUNC), data);
    after = dup(0);
    CHECK(after == before, "no fd leaked without a control buffer");
    close(after);

    /* Bad fds in SCM_RIGHTS. */
    int bad = 9999;
    CHECK_ERR(send_fds(sv[0], &bad, 1, "bad"), EBADF, "SCM_RIGHTS with a closed fd");

    /* SCM_CREDENTIALS: explicit, on a socket with SO_PASSCRED. */
    int one = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) == 0, "SO_PASSCRED");
    int v = 0;
    socklen_t vl = sizeof v;
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl) == 0 && v == 1 && vl == sizeof v, "getsockopt SO_PASSCRED");
    {
        char cbuf[CMSG_SPACE(sizeof(struct ucred))];
        struct ucred uc = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
        struct iovec iov = {.iov_base = "cred", .iov_len = 4};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        c->cmsg_len = CMSG_LEN(sizeof uc);
        memcpy(CMSG_DATA(c), &uc, sizeof uc);
        CHECK(sendmsg(sv[0], &m, 0) == 4, "sendmsg with SCM_CREDENTIALS");
        char rbuf[256];
        char d[8];
        struct iovec riov = {.iov_base = d, .iov_len = sizeof d};
        struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf};
        ssize_t r = recvmsg(sv[1], &rm, 0);
        int seen = 0;
        for (struct cmsghdr *x = CMSG_FIRSTHDR(&rm); x; x = CMSG_NXTHDR(&rm, x)) {
            if (x->cmsg_level == SOL_SOCKET && x->cmsg_type == SCM_CREDENTIALS && x->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
                struct ucred u;
                memcpy(&u, CMSG_DATA(x), sizeof u);
                seen = u.pid == getpid() && u.uid == getuid() && u.gid == getgid();
            }
        }
        printf("received %zd bytes, credentials match: %d, controllen=%zu\n", r, seen, (size_t)rm.msg_controllen);
    }
    /* Without sending any: the kernel attaches them because of SO_PASSCRED. */
    {
        CHECK(write(sv[0], "auto", 4) == 4, "plain write");
        char rbuf[256];
        char d[8];
        struct iovec riov = {.iov_base = d, .iov_len = sizeof d};
        struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf};
        ssize_t r = recvmsg(sv[1], &rm, 0);
        struct cmsghdr *x = CMSG_FIRSTHDR(&rm);
        int ok = x && x->cmsg_type == SCM_CREDENTIALS && ((struct ucred *)CMSG_DATA(x))->pid == getpid();
        printf("implicit credentials: %zd bytes, present and ours: %d\n", r, ok);
    }
    /* SO_PEERCRED: the peer of a socketpair is this process. */
    struct ucred pc;
    socklen_t pl = sizeof pc;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &pc, &pl) == 0, "getsockopt SO_PEERCRED");
    printf("SO_PEERCRED: len=%u pid-ours=%d uid-ours=%d gid-ours=%d\n", pl, pc.pid == getpid(), pc.uid == getuid(), pc.gid == getgid());
    pl = 4;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &pc, &pl) == 0 || errno == EINVAL, "SO_PEERCRED with a short buffer");

    /* Both kinds in one message. */
    {
        char cbuf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
        memset(cbuf, 0, sizeof cbuf);
        struct ucred uc = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
        struct iovec iov = {.iov_base = "both", .iov_len = 4};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &p[1], sizeof(int));
        c = CMSG_NXTHDR(&m, c);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        c->cmsg_len = CMSG_LEN(sizeof uc);
        memcpy(CMSG_DATA(c), &uc, sizeof uc);
        CHECK(sendmsg(sv[0], &m, 0) == 4, "sendmsg with SCM_RIGHTS and SCM_CREDENTIALS");
        char rbuf[256];
        char d[8];
        struct iovec riov = {.iov_base = d, .iov_len = sizeof d};
        struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf};
        CHECK(recvmsg(sv[1], &rm, 0) == 4, "recvmsg");
        int kinds = 0;
        for (struct cmsghdr *x = CMSG_FIRSTHDR(&rm); x; x = CMSG_NXTHDR(&rm, x)) {
            printf("  cmsg level=%d type=%d len=%zu\n", x->cmsg_level, x->cmsg_type, (size_t)x->cmsg_len);
            if (x->cmsg_type == SCM_RIGHTS)
                close(*(int *)CMSG_DATA(x));
            kinds++;
        }
        printf("control messages: %d, controllen=%zu\n", kinds, (size_t)rm.msg_controllen);
    }
    /* A malformed control message. */
    {
        char cbuf[CMSG_SPACE(sizeof(int))];
        memset(cbuf, 0, sizeof cbuf);
        struct iovec iov = {.iov_base = "x", .iov_len = 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = sizeof cbuf + 64;
        CHECK_ERR(sendmsg(sv[0], &m, 0), EINVAL, "cmsg_len beyond the control buffer");
    }

    /* Datagrams with addresses: an abstract AF_UNIX name, msg_name on receive. */
    int a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int b = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un an = {.sun_family = AF_UNIX};
    memcpy(an.sun_path, "\0ruser-scm-a", 12);
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 12;
    CHECK(bind(a, (struct sockaddr *)&an, alen) == 0, "bind an abstract address");
    struct sockaddr_un bn = {.sun_family = AF_UNIX};
    memcpy(bn.sun_path, "\0ruser-scm-b", 12);
    CHECK(bind(b, (struct sockaddr *)&bn, alen) == 0, "bind a second one");
    CHECK(sendto(b, "dgram", 5, 0, (struct sockaddr *)&an, alen) == 5, "sendto the abstract address");
    struct sockaddr_un from;
    socklen_t fl2 = sizeof from;
    memset(&from, 0, sizeof from);
    char dbuf[16] = {0};
    CHECK(recvfrom(a, dbuf, sizeof dbuf, 0, (struct sockaddr *)&from, &fl2) == 5, "recvfrom");
    printf("from: family=%d len=%u name=%s data=%s\n", from.sun_family, fl2, from.sun_path + 1, dbuf);
    struct sockaddr_un self;
    socklen_t sl = sizeof self;
    CHECK(getsockname(a, (struct sockaddr *)&self, &sl) == 0 && sl == alen && memcmp(self.sun_path, an.sun_path, 12) == 0, "getsockname");
    /* A short address buffer: cut, real length reported. */
    sl = 4;
    memset(&self, 0x5a, sizeof self);
    CHECK(getsockname(a, (struct sockaddr *)&self, &sl) == 0, "getsockname into 4 bytes");
    printf("short getsockname: len=%u family=%d next-byte-untouched=%d\n", sl, self.sun_family, ((unsigned char *)&self)[4] == 0x5a);
    /* Receive timestamps (struct timespec, 16 bytes on both ABIs). */
    int on = 1;
    CHECK(setsockopt(a, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0, "SO_TIMESTAMPNS");
    CHECK(sendto(b, "stamp", 5, 0, (struct sockaddr *)&an, alen) == 5, "send a datagram to stamp");
    {
        char cb[64], d[8];
        struct iovec iov = {.iov_base = d, .iov_len = sizeof d};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof cb};
        CHECK(recvmsg(a, &m, 0) == 5, "recvmsg");
        struct cmsghdr *x = CMSG_FIRSTHDR(&m);
        struct timespec ts = {0}, now;
        if (x && x->cmsg_type == SCM_TIMESTAMPNS)
            memcpy(&ts, CMSG_DATA(x), sizeof ts);
        clock_gettime(CLOCK_REALTIME, &now);
        printf("SCM_TIMESTAMPNS: present=%d len=%zu within the last minute=%d\n", x && x->cmsg_level == SOL_SOCKET && x->cmsg_type == SCM_TIMESTAMPNS,
               x ? (size_t)x->cmsg_len : 0, ts.tv_sec <= now.tv_sec && ts.tv_sec > now.tv_sec - 60 && ts.tv_nsec < 1000000000);
        on = 0;
        setsockopt(a, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    }
    CHECK(connect(b, (struct sockaddr *)&an, alen) == 0, "connect the datagram socket");
    struct sockaddr_un peer;
    socklen_t pln = sizeof peer;
    CHECK(getpeername(b, (struct sockaddr *)&peer, &pln) == 0 && pln == alen, "getpeername");

    /* sendmmsg / recvmmsg. */
    struct iovec iovs[3] = {{"m0", 2}, {"msg1", 4}, {"message2", 8}};
    struct mmsghdr mm[3];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        mm[i].msg_hdr.msg_iov = &iovs[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = sendmmsg(b, mm, 3, 0);
    printf("sendmmsg: %d sent, lens %u %u %u\n", sent, mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
    char rb[3][16];
    struct iovec riovs[3];
    struct mmsghdr rmm[3];
    memset(rmm, 0, sizeof rmm);
    struct sockaddr_un names[3];
    for (int i = 0; i < 3; i++) {
        memset(rb[i], 0, 16);
        riovs[i].iov_base = rb[i];
        riovs[i].iov_len = 15;
        rmm[i].msg_hdr.msg_iov = &riovs[i];
        rmm[i].msg_hdr.msg_iovlen = 1;
        rmm[i].msg_hdr.msg_name = &names[i];
        rmm[i].msg_hdr.msg_namelen = sizeof names[i];
    }
    int rcvd = recvmmsg(a, rmm, 3, MSG_DONTWAIT, NULL);
    printf("recvmmsg: %d received:", rcvd);
    for (int i = 0; i < rcvd; i++)
        printf(" %s(%u, namelen %u)", rb[i], rmm[i].msg_len, rmm[i].msg_hdr.msg_namelen);
    printf("\n");
    CHECK_ERR(recv(a, dbuf, 1, MSG_DONTWAIT), EAGAIN, "nothing left");
    CHECK_ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&an, 200), EINVAL, "address length over 128");
    CHECK_ERR(socket(AF_UNIX, 99, 0), EINVAL, "socket type 99");
    printf("failures: %d\n", failures);
    return failures;
}
