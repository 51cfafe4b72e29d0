/* startinfo: what a program sees of how it was started, one section per argument:
 *   argv    argc and every argument in full (argv[0] included)
 *   creds   whether the real and effective ids agree, and AT_SECURE
 *   ids     the real and effective user and group ids
 *   exe     where /proc/self/exe points
 *   execfn  the AT_EXECFN string (the name the program was executed by)
 *   fds     the open descriptors above 2 (an emulator's own must not show)
 * The committed expected output uses "creds", which does not depend on the caller;
 * tests/binfmt.rs uses the others to check a start through binfmt_misc. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    for (int a = 1; a < argc; a++) {
        const char *s = argv[a];
        if (strcmp(s, "argv") == 0) {
            printf("argc=%d\n", argc);
            for (int i = 0; i < argc; i++)
                printf("argv[%d]=[%s]\n", i, argv[i]);
        } else if (strcmp(s, "creds") == 0) {
            printf("uid==euid: %s\n", getuid() == geteuid() ? "yes" : "no");
            printf("gid==egid: %s\n", getgid() == getegid() ? "yes" : "no");
            printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
        } else if (strcmp(s, "ids") == 0) {
            printf("uid=%u euid=%u gid=%u egid=%u\n", getuid(), geteuid(), getgid(), getegid());
        } else if (strcmp(s, "exe") == 0) {
            char buf[4096];
            ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
            buf[n < 0 ? 0 : n] = 0;
            printf("exe=%s\n", n < 0 ? "(unreadable)" : buf);
        } else if (strcmp(s, "execfn") == 0) {
            const char *fn = (const char *)getauxval(AT_EXECFN);
            printf("execfn=%s\n", fn ? fn : "(none)");
        } else if (strcmp(s, "fds") == 0) {
            int any = 0;
            printf("open descriptors above 2:");
            for (int fd = 3; fd < 1024; fd++)
                if (fcntl(fd, F_GETFD) >= 0) {
                    printf(" %d", fd);
                    any = 1;
                }
            printf("%s\n", any ? "" : " none");
        } else {
            fprintf(stderr, "startinfo: unknown section %s\n", s);
            return 2;
        }
    }
    return 0;
}
