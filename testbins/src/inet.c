/* inet: AF_INET and AF_INET6 loopback in one process, driven by poll: a non-blocking
 * connect (EINPROGRESS, then SO_ERROR 0), accept4, addresses of both ends, data both ways,
 * shutdown; UDP with recvmsg and IP_PKTINFO / IPV6_PKTINFO / SO_TIMESTAMP control messages; socket options
 * whose layouts are translated (SO_RCVTIMEO/SO_SNDTIMEO timevals, SO_LINGER) and ints
 * (TCP_NODELAY, SO_REUSEADDR, IPV6_V6ONLY, SO_TYPE, SO_DOMAIN, SO_PROTOCOL, IP_TTL); and a
 * netlink route dump that finds the loopback interface. No port numbers are printed. */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void tcp_round(int family)
{
    const char *fam = family == AF_INET ? "inet" : "inet6";
    printf("== TCP over %s\n", fam);
    int ls = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(ls >= 0, "socket");
    int one = 1;
    CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "SO_REUSEADDR");
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof *a;
        CHECK(setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == 0, "IPV6_V6ONLY");
    }
    CHECK(bind(ls, (struct sockaddr *)&ss, sl) == 0, "bind to loopback, port 0");
    CHECK(listen(ls, 4) == 0, "listen");
    socklen_t bl = sizeof ss;
    CHECK(getsockname(ls, (struct sockaddr *)&ss, &bl) == 0 && bl == sl, "getsockname gives the full address");
    unsigned port = family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port) : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    CHECK(port != 0, "a port was chosen");

    int cs = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(cs, (struct sockaddr *)&ss, sl);
    int cerr = errno;
    CHECK(r == 0 || cerr == EINPROGRESS, "non-blocking connect starts");
    struct pollfd pf[2] = {{.fd = ls, .events = POLLIN}, {.fd = cs, .events = POLLOUT}};
    int n = poll(pf, 2, 5000);
    printf("poll: %d ready, listener %s, client %s\n", n, pf[0].revents & POLLIN ? "POLLIN" : "-", pf[1].revents & POLLOUT ? "POLLOUT" : "-");
    int err = -1;
    socklen_t el = sizeof err;
    CHECK(getsockopt(cs, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0 && el == sizeof err, "SO_ERROR is 0");
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    int as = accept4(ls, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK(as >= 0 && pl == sl && peer.ss_family == family, "accept4 with the peer's address");
    CHECK((fcntl(as, F_GETFL) & O_NONBLOCK) && (fcntl(as, F_GETFD) & FD_CLOEXEC), "accept4 flags applied");
    struct sockaddr_storage cn, pn;
    socklen_t cl = sizeof cn, pnl = sizeof pn;
    CHECK(getsockname(cs, (struct sockaddr *)&cn, &cl) == 0 && getpeername(as, (struct sockaddr *)&pn, &pnl) == 0 && cl == pnl && memcmp(&cn, &pn, cl) == 0,
          "client's name is the server side's peer name");

    CHECK(setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "TCP_NODELAY");
    int v = 0;
    socklen_t vl = sizeof v;
    CHECK(getsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v == 1, "read TCP_NODELAY back");
    vl = sizeof v;
    CHECK(getsockopt(cs, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_STREAM, "SO_TYPE");
    vl = sizeof v;
    CHECK(getsockopt(cs, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0 && v == family, "SO_DOMAIN");
    vl = sizeof v;
    CHECK(getsockopt(cs, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_TCP, "SO_PROTOCOL");
    vl = sizeof v;
    CHECK(getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1, "SO_ACCEPTCONN");

    /* Data both ways, poll-driven. */
    const char msg[] = "hello over loopback";
    CHECK(send(cs, msg, sizeof msg, 0) == sizeof msg, "send");
    struct pollfd rp = {.fd = as, .events = POLLIN};
    CHECK(poll(&rp, 1, 5000) == 1 && (rp.revents & POLLIN), "poll for the data");
    int avail = 0;
    CHECK(ioctl(as, FIONREAD, &avail) == 0 && avail == sizeof msg, "FIONREAD");
    char buf[64] = {0};
    CHECK(recv(as, buf, sizeof buf, 0) == sizeof msg && strcmp(buf, msg) == 0, "recv");
    CHECK(send(as, "pong", 4, 0) == 4, "send back");
    struct pollfd cp = {.fd = cs, .events = POLLIN};
    poll(&cp, 1, 5000);
    memset(buf, 0, sizeof buf);
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(cs, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) == 4 && strcmp(buf, "pong") == 0, "recvfrom on a stream");
    CHECK(recv(cs, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN, "nothing more: EAGAIN");
    CHECK(shutdown(cs, SHUT_WR) == 0, "shutdown(SHUT_WR)");
    poll(&rp, 1, 5000);
    CHECK(recv(as, buf, sizeof buf, 0) == 0, "the server reads end of file");
    CHECK_ERR(send(cs, "x", 1, MSG_NOSIGNAL), EPIPE, "send after SHUT_WR");
    close(cs);
    close(as);
    close(ls);
}

static void udp_round(int family)
{
    const char *fam = family == AF_INET ? "inet" : "inet6";
    printf("== UDP over %s\n", fam);
    int s = socket(family, SOCK_DGRAM, 0);
    int c = socket(family, SOCK_DGRAM, 0);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    int one = 1;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *a;
        CHECK(setsockopt(s, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0, "IP_PKTINFO");
        int ttl = 33;
        CHECK(setsockopt(c, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0, "IP_TTL");
        int back = 0;
        socklen_t bl = sizeof back;
        CHECK(getsockopt(c, IPPROTO_IP, IP_TTL, &back, &bl) == 0 && back == 33, "read IP_TTL back");
        CHECK(setsockopt(s, IPPROTO_IP, IP_RECVTTL, &one, sizeof one) == 0, "IP_RECVTTL");
        CHECK(setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one) == 0, "SO_TIMESTAMP");
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof *a;
        CHECK(setsockopt(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) == 0, "IPV6_RECVPKTINFO");
        CHECK(setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) == 0, "IPV6_RECVHOPLIMIT");
    }
    CHECK(bind(s, (struct sockaddr *)&ss, sl) == 0, "bind");
    socklen_t bl = sizeof ss;
    getsockname(s, (struct sockaddr *)&ss, &bl);
    CHECK(sendto(c, "datagram", 8, 0, (struct sockaddr *)&ss, sl) == 8, "sendto");
    struct pollfd pf = {.fd = s, .events = POLLIN};
    CHECK(poll(&pf, 1, 5000) == 1, "poll");
    char data[32] = {0}, cbuf[256];
    struct sockaddr_storage from;
    struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t r = recvmsg(s, &m, 0);
    printf("recvmsg: %zd bytes \"%s\", namelen=%u family-ok=%d\n", r, data, m.msg_namelen, from.ss_family == family);
    for (struct cmsghdr *x = CMSG_FIRSTHDR(&m); x; x = CMSG_NXTHDR(&m, x)) {
        if (x->cmsg_level == IPPROTO_IP && x->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(x), sizeof pi);
            printf("  IP_PKTINFO: len=%zu ifindex-is-lo=%d dst=%s\n", (size_t)x->cmsg_len, pi.ipi_ifindex == (int)if_nametoindex("lo"), inet_ntoa(pi.ipi_addr));
        } else if (x->cmsg_level == IPPROTO_IP && x->cmsg_type == IP_TTL) {
            printf("  IP_TTL: %d\n", *(int *)CMSG_DATA(x));
        } else if (x->cmsg_level == IPPROTO_IPV6 && x->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi;
            memcpy(&pi, CMSG_DATA(x), sizeof pi);
            char a[64];
            inet_ntop(AF_INET6, &pi.ipi6_addr, a, sizeof a);
            printf("  IPV6_PKTINFO: len=%zu ifindex-is-lo=%d dst=%s\n", (size_t)x->cmsg_len, pi.ipi6_ifindex == if_nametoindex("lo"), a);
        } else if (x->cmsg_level == SOL_SOCKET && x->cmsg_type == SCM_TIMESTAMP) {
            struct timeval tv, now;
            memcpy(&tv, CMSG_DATA(x), sizeof tv);
            gettimeofday(&now, NULL);
            printf("  SCM_TIMESTAMP: len=%zu within the last minute=%d\n", (size_t)x->cmsg_len, tv.tv_sec <= now.tv_sec && tv.tv_sec > now.tv_sec - 60 && tv.tv_usec < 1000000);
        } else if (x->cmsg_level == IPPROTO_IPV6 && x->cmsg_type == IPV6_HOPLIMIT) {
            printf("  IPV6_HOPLIMIT: %d\n", *(int *)CMSG_DATA(x));
        } else {
            printf("  cmsg level=%d type=%d\n", x->cmsg_level, x->cmsg_type);
        }
    }
    close(s);
    close(c);
}

static void options(void)
{
    printf("== options\n");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {.tv_sec = 3, .tv_usec = 500000}, back;
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "SO_RCVTIMEO");
    socklen_t l = sizeof back;
    memset(&back, 0, sizeof back);
    CHECK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &back, &l) == 0, "read SO_RCVTIMEO");
    printf("SO_RCVTIMEO: %ld.%06ld len-ok=%d\n", (long)back.tv_sec, (long)back.tv_usec, l == sizeof back);
    tv.tv_sec = 7;
    tv.tv_usec = 0;
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0, "SO_SNDTIMEO");
    l = sizeof back;
    CHECK(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &back, &l) == 0 && back.tv_sec == 7 && back.tv_usec == 0, "read SO_SNDTIMEO");
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL, "SO_RCVTIMEO with a short value");
    struct linger lg = {.l_onoff = 1, .l_linger = 9}, lb;
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "SO_LINGER");
    l = sizeof lb;
    CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lb, &l) == 0 && lb.l_onoff == 1 && lb.l_linger == 9 && l == sizeof lb, "read SO_LINGER back");
    int big = 1 << 20, got = 0;
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big) == 0, "SO_RCVBUF");
    l = sizeof got;
    CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &l) == 0 && got > 0, "read SO_RCVBUF");
    /* A char-sized int option is accepted by IP_TOS. */
    unsigned char tos = 0x10;
    CHECK(setsockopt(s, IPPROTO_IP, IP_TOS, &tos, 1) == 0, "IP_TOS as one byte");
    int itos = 0;
    l = sizeof itos;
    CHECK(getsockopt(s, IPPROTO_IP, IP_TOS, &itos, &l) == 0 && itos == 0x10, "read IP_TOS");
    char cong[32] = {0};
    l = sizeof cong;
    CHECK(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cong, &l) == 0 && cong[0] != 0, "TCP_CONGESTION is a name");
    CHECK_ERR(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, BAD, 4), EFAULT, "option value at a bad address");
    CHECK_ERR(getsockopt(s, 12345, 1, &got, &l), EOPNOTSUPP, "unknown level");
    close(s);
}

static void netlink(void)
{
    printf("== netlink\n");
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(s >= 0, "socket(AF_NETLINK)");
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    CHECK(bind(s, (struct sockaddr *)&sa, sizeof sa) == 0, "bind");
    socklen_t l = sizeof sa;
    CHECK(getsockname(s, (struct sockaddr *)&sa, &l) == 0 && sa.nl_family == AF_NETLINK && sa.nl_pid != 0 && l == sizeof sa, "getsockname: a port id");
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
    } req = {.h = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1}, .i = {.ifi_family = AF_UNSPEC}};
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    CHECK(sendto(s, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) == sizeof req, "send RTM_GETLINK dump");
    int found_lo = 0, done = 0;
    static char buf[65536];
    while (!done) {
        struct sockaddr_nl from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n <= 0 || from.nl_pid != 0)
            break;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWLINK)
                continue;
            struct ifinfomsg *ifi = NLMSG_DATA(h);
            int len = h->nlmsg_len - NLMSG_LENGTH(sizeof *ifi);
            for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
                if (a->rta_type == IFLA_IFNAME && strcmp(RTA_DATA(a), "lo") == 0 && (ifi->ifi_flags & IFF_LOOPBACK))
                    found_lo = 1;
        }
    }
    printf("dump done=%d, loopback found=%d\n", done, found_lo);
    /* The same through ioctls. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    CHECK(ioctl(u, SIOCGIFINDEX, &ifr) == 0 && ifr.ifr_ifindex == (int)if_nametoindex("lo"), "SIOCGIFINDEX");
    CHECK(ioctl(u, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_LOOPBACK), "SIOCGIFFLAGS");
    CHECK(ioctl(u, SIOCGIFADDR, &ifr) == 0 && ifr.ifr_addr.sa_family == AF_INET &&
              ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK), "SIOCGIFADDR");
    CHECK(ioctl(u, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0, "SIOCGIFMTU");
    struct ifreq reqs[32];
    struct ifconf ic = {.ifc_len = sizeof reqs, .ifc_req = reqs};
    CHECK(ioctl(u, SIOCGIFCONF, &ic) == 0 && ic.ifc_len > 0 && ic.ifc_len % sizeof(struct ifreq) == 0, "SIOCGIFCONF");
    int lo = 0;
    for (size_t i = 0; i < ic.ifc_len / sizeof(struct ifreq); i++)
        lo |= strcmp(reqs[i].ifr_name, "lo") == 0;
    CHECK(lo, "SIOCGIFCONF lists lo");
    close(u);
    close(s);
}

int main(void)
{
    tcp_round(AF_INET);
    tcp_round(AF_INET6);
    udp_round(AF_INET);
    udp_round(AF_INET6);
    options();
    netlink();
    printf("failures: %d\n", failures);
    return failures;
}
