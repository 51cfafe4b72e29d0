/* pty: terminal ioctls on a pseudo-terminal from posix_openpt. TIOCGPTN and TIOCSPTLCK
 * (unlockpt), ptsname, termios through tcgetattr/tcsetattr (TCGETS/TCSETS*), cfmakeraw,
 * speeds, the old termio (TCGETA), window sizes, FIONREAD and TIOCOUTQ, canonical and raw
 * input through the line discipline, echo, TCFLSH, TCXONC, TIOCSTI, TIOCPKT, and a child
 * that makes the pty its controlling terminal (setsid, TIOCSCTTY, TIOCGSID, TIOCGPGRP). */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int drain(int fd, char *buf, size_t len)
{
    /* Read what the line discipline has for us, waiting a little for it. */
    int total = 0;
    for (int tries = 0; tries < 50; tries++) {
        int avail = 0;
        ioctl(fd, FIONREAD, &avail);
        if (avail > 0) {
            int n = read(fd, buf + total, len - 1 - total);
            if (n > 0)
                total += n;
            usleep(2000);
            ioctl(fd, FIONREAD, &avail);
            if (avail == 0)
                break;
        } else {
            usleep(2000);
        }
    }
    buf[total] = 0;
    return total;
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0, "posix_openpt");
    unsigned int ptn = 12345;
    CHECK(ioctl(m, TIOCGPTN, &ptn) == 0 && ptn != 12345, "TIOCGPTN");
    int lock = -1;
    CHECK(ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 1, "a new pty is locked");
    char *name = ptsname(m);
    char want[32];
    snprintf(want, sizeof want, "/dev/pts/%u", ptn);
    CHECK(name && strcmp(name, want) == 0, "ptsname is /dev/pts/<TIOCGPTN>");
    CHECK_ERR(open(want, O_RDWR | O_NOCTTY), EIO, "opening a locked pty");
    CHECK(grantpt(m) == 0 && unlockpt(m) == 0, "grantpt, unlockpt (TIOCSPTLCK)");
    CHECK(ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 0, "unlocked");
    int s = open(want, O_RDWR | O_NOCTTY);
    CHECK(s >= 0, "open the slave");
    CHECK(isatty(s) && isatty(m), "both ends are terminals");
    CHECK(!isatty(0) || 1, "isatty(0) does not fail");

    struct termios t;
    CHECK(tcgetattr(s, &t) == 0, "tcgetattr (TCGETS)");
    printf("default: ICANON=%d ECHO=%d ISIG=%d ICRNL=%d OPOST=%d ONLCR=%d VINTR=%d VEOF=%d VMIN=%d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO),
           !!(t.c_lflag & ISIG), !!(t.c_iflag & ICRNL), !!(t.c_oflag & OPOST), !!(t.c_oflag & ONLCR), t.c_cc[VINTR], t.c_cc[VEOF], t.c_cc[VMIN]);
    printf("speed: %d\n", cfgetospeed(&t) == B38400);
    CHECK(cfsetspeed(&t, B9600) == 0 && tcsetattr(s, TCSANOW, &t) == 0, "set 9600 baud");
    struct termios t2;
    tcgetattr(s, &t2);
    printf("speed now 9600: %d\n", cfgetispeed(&t2) == B9600 && cfgetospeed(&t2) == B9600);
    struct termio old;
    CHECK(ioctl(s, TCGETA, &old) == 0, "TCGETA (struct termio)");
    printf("termio agrees: lflag=%d iflag=%d cc[VINTR]=%d\n", old.c_lflag == (t2.c_lflag & 0xffff), old.c_iflag == (t2.c_iflag & 0xffff), old.c_cc[VINTR] == t2.c_cc[VINTR]);

    /* Canonical input with echo: the master writes a line, the slave reads it. */
    CHECK(write(m, "hello\n", 6) == 6, "type a line");
    char buf[256];
    int n = read(s, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("slave read %d: \"%.*s\"\n", n, n > 0 ? n - 1 : 0, buf);
    n = drain(m, buf, sizeof buf);
    printf("echo on the master: %d bytes, CRLF translated=%d\n", n, n == 7 && memcmp(buf, "hello\r\n", 7) == 0);
    /* Erase and kill characters in canonical mode. */
    write(m, "abc\177d\n", 6);
    n = read(s, buf, sizeof buf - 1);
    buf[n] = 0;
    printf("after VERASE: \"%.*s\"\n", n - 1, buf);
    drain(m, buf, sizeof buf);

    /* Raw mode. */
    struct termios raw = t2;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    CHECK(tcsetattr(s, TCSAFLUSH, &raw) == 0, "raw mode (TCSETSF)");
    tcgetattr(s, &t2);
    printf("raw: ICANON=%d ECHO=%d OPOST=%d CS8=%d\n", !!(t2.c_lflag & ICANON), !!(t2.c_lflag & ECHO), !!(t2.c_oflag & OPOST), (t2.c_cflag & CSIZE) == CS8);
    write(m, "xy", 2);
    n = drain(s, buf, sizeof buf);
    printf("raw read: %d \"%s\"\n", n, buf);
    int avail = -1;
    CHECK(ioctl(m, FIONREAD, &avail) == 0 && avail == 0, "no echo in raw mode");
    write(s, "out\n", 4);
    int outq = -1;
    CHECK(ioctl(s, TIOCOUTQ, &outq) == 0 && outq >= 0, "TIOCOUTQ");
    n = drain(m, buf, sizeof buf);
    printf("raw output: %d bytes, no CR added=%d\n", n, n == 4 && memcmp(buf, "out\n", 4) == 0);
    CHECK(tcsetattr(s, TCSADRAIN, &t) == 0, "back to cooked (TCSETSW)");

    /* Window size. */
    struct winsize ws = {.ws_row = 40, .ws_col = 132, .ws_xpixel = 1, .ws_ypixel = 2}, wg;
    CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0, "TIOCSWINSZ");
    memset(&wg, 0, sizeof wg);
    CHECK(ioctl(s, TIOCGWINSZ, &wg) == 0, "TIOCGWINSZ");
    printf("winsize: %dx%d pixels %dx%d\n", wg.ws_row, wg.ws_col, wg.ws_xpixel, wg.ws_ypixel);

    /* Flushing, flow control, injected input. */
    write(m, "flushed\n", 8);
    usleep(10000);
    CHECK(tcflush(s, TCIFLUSH) == 0, "tcflush(TCIFLUSH)");
    CHECK(ioctl(s, FIONREAD, &avail) == 0 && avail == 0, "input queue empty");
    drain(m, buf, sizeof buf);
    CHECK(tcflow(s, TCOOFF) == 0 && tcflow(s, TCOON) == 0, "tcflow TCOOFF/TCOON (TCXONC)");
    CHECK(tcsendbreak(s, 0) == 0, "tcsendbreak (TCSBRK)");
    CHECK(tcdrain(s) == 0, "tcdrain");
    CHECK_ERR(ioctl(s, TCFLSH, 99), EINVAL, "TCFLSH 99");

    /* Packet mode on the master. */
    int one = 1;
    CHECK(ioctl(m, TIOCPKT, &one) == 0, "TIOCPKT on");
    int pkt = 0;
    CHECK(ioctl(m, TIOCGPKT, &pkt) == 0 && pkt == 1, "TIOCGPKT");
    write(s, "p", 1);
    n = drain(m, buf, sizeof buf);
    printf("packet mode read: %d bytes, first is TIOCPKT_DATA=%d\n", n, n >= 2 && buf[0] == TIOCPKT_DATA && buf[1] == 'p');
    one = 0;
    ioctl(m, TIOCPKT, &one);

    /* A child session: the slave becomes its controlling terminal. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(m);
        if (setsid() < 0)
            _exit(10);
        if (ioctl(s, TIOCSCTTY, 0) != 0)
            _exit(11);
        pid_t sid = -1, pg = -1;
        if (ioctl(s, TIOCGSID, &sid) != 0 || sid != getpid())
            _exit(12);
        if (ioctl(s, TIOCGPGRP, &pg) != 0 || pg != getpid())
            _exit(13);
        if (tcgetpgrp(s) != getpid() || tcgetsid(s) != getpid())
            _exit(14);
        if (tcsetpgrp(s, getpid()) != 0)
            _exit(15);
        /* Canonical mode: a line needs its newline. */
        char c = 'I', nl = '\n';
        if (ioctl(s, TIOCSTI, &c) != 0 || ioctl(s, TIOCSTI, &nl) != 0)
            _exit(16);
        char r[4] = {0};
        if (read(s, r, sizeof r) != 2 || r[0] != 'I')
            _exit(17);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child session: exit %d (0: TIOCSCTTY, TIOCGSID, TIOCGPGRP, tcsetpgrp, TIOCSTI all worked)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    CHECK_ERR(ioctl(s, TIOCGSID, &pid), ENOTTY, "TIOCGSID without a session here");
    int nul = open("/dev/null", O_RDWR);
    CHECK_ERR(tcgetattr(nul, &t), ENOTTY, "tcgetattr of /dev/null");
    CHECK_ERR(ioctl(nul, 0x5499, 0), ENOTTY, "an unknown ioctl");
    CHECK_ERR(ioctl(s, TCGETS, BAD), EFAULT, "TCGETS to a bad address");
    CHECK(ioctl(s, FIOCLEX) == 0 && (fcntl(s, F_GETFD) & FD_CLOEXEC), "FIOCLEX");
    CHECK(ioctl(s, FIONCLEX) == 0 && !(fcntl(s, F_GETFD) & FD_CLOEXEC), "FIONCLEX");
    int nb = 1;
    CHECK(ioctl(s, FIONBIO, &nb) == 0 && (fcntl(s, F_GETFL) & O_NONBLOCK), "FIONBIO");
    CHECK_ERR(read(s, buf, 1), EAGAIN, "non-blocking read of an empty pty");
    close(s);
    close(m);
    printf("failures: %d\n", failures);
    return failures;
}
