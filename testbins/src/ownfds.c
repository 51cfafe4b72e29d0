/* ownfds: the fds an emulator keeps for itself (a log file, ...) must be invisible: the
 * program closes everything above stderr with close_range, then probes the fds at the
 * bottom and around its soft RLIMIT_NOFILE (nothing is open there, close and dup2 at the
 * limit fail with EBADF) and fills the top 64 slots below the limit with dup2. Run under
 * ruser with -D (tests/testbins.rs), the log must still work afterwards. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int main(void)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur <= rl.rlim_max && rl.rlim_cur >= 256, "getrlimit(RLIMIT_NOFILE)");
    int lim = rl.rlim_cur > 1 << 20 ? 1 << 20 : (int)rl.rlim_cur;
    CHECK(close_range(3, ~0U, 0) == 0, "close_range(3, ~0)");
    int open_low = 0, open_top = 0;
    for (int fd = 3; fd < 256; fd++)
        open_low += fcntl(fd, F_GETFD) != -1;
    for (int fd = lim - 64; fd < lim + 64; fd++)
        open_top += fcntl(fd, F_GETFD) != -1;
    printf("open fds above stderr: %d low, %d around the limit\n", open_low, open_top);
    int bad = 0;
    for (int fd = lim - 64; fd < lim; fd++) {
        if (dup2(1, fd) != fd || close(fd) != 0)
            bad++;
    }
    printf("dup2 and close in the top 64 slots below the limit: %d failures\n", bad);
    CHECK_ERR(dup2(1, lim), EBADF, "dup2 onto the limit");
    CHECK_ERR(close(lim), EBADF, "close of the limit");
    CHECK_ERR(fcntl(lim, F_GETFD), EBADF, "fcntl of the limit");
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd == 3, "the next open gets fd 3");
    printf("failures: %d\n", failures);
    return failures;
}
