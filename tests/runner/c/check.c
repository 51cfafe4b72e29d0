/* check: one small program, built by CMake and by meson for aarch64 and run by their test
 * drivers (ctest, meson test) through ruser as the emulator. Each test names a check:
 *   args A B      argc is 4, argv[2] is A and argv[3] is B
 *   arch [M]      prints machine=<uname -m>; with M, fails unless the machine is M
 *   env NAME VAL  the variable NAME is VAL
 *   exit N        exits with status N (a test expected to fail)
 *   files DIR     creates, writes, reads back, renames and removes a file in DIR
 *   sum           prints sum=<1+...+100>, added through a function pointer
 * Any failed check exits with status 1 and says why on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static int fail(const char *what)
{
    fprintf(stderr, "check: %s\n", what);
    return 1;
}

static long add(long a, long b) { return a + b; }

static int files(const char *dir)
{
    char a[4096], b[4096], buf[64];
    snprintf(a, sizeof a, "%s/check-%d.tmp", dir, (int)getpid());
    snprintf(b, sizeof b, "%s/check-%d.renamed", dir, (int)getpid());
    FILE *f = fopen(a, "w");
    if (!f || fputs("payload 42\n", f) < 0 || fclose(f) != 0)
        return fail("cannot write the file");
    if (rename(a, b) != 0)
        return fail("cannot rename the file");
    f = fopen(b, "r");
    if (!f || !fgets(buf, sizeof buf, f) || strcmp(buf, "payload 42\n") != 0)
        return fail("the file does not read back");
    fclose(f);
    if (unlink(b) != 0 || access(b, F_OK) == 0)
        return fail("cannot remove the file");
    puts("files ok");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fail("usage: check args|arch|env|exit|files|sum ...");
    const char *c = argv[1];
    if (strcmp(c, "args") == 0) {
        if (argc != 4)
            return fail("expected exactly two arguments after 'args'");
        printf("args [%s] [%s]\n", argv[2], argv[3]);
        return strcmp(argv[2], "a") == 0 && strcmp(argv[3], "b c") == 0 ? 0 : fail("arguments changed on the way");
    }
    if (strcmp(c, "arch") == 0) {
        struct utsname u;
        if (uname(&u) != 0)
            return fail("uname failed");
        printf("machine=%s\n", u.machine);
        return argc < 3 || strcmp(u.machine, argv[2]) == 0 ? 0 : fail("not the expected machine");
    }
    if (strcmp(c, "env") == 0 && argc == 4) {
        const char *v = getenv(argv[2]);
        printf("%s=%s\n", argv[2], v ? v : "(unset)");
        return v && strcmp(v, argv[3]) == 0 ? 0 : fail("environment variable missing or different");
    }
    if (strcmp(c, "exit") == 0 && argc == 3)
        exit(atoi(argv[2]));
    if (strcmp(c, "files") == 0 && argc == 3)
        return files(argv[2]);
    if (strcmp(c, "sum") == 0) {
        long (*volatile op)(long, long) = add;
        long s = 0;
        for (long i = 1; i <= 100; i++)
            s = op(s, i);
        printf("sum=%ld\n", s);
        return 0;
    }
    return fail("unknown check");
}
