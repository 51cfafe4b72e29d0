/* stderr_mix: writes to both stdout and stderr, through stdio and raw
 * write(2), reads its stdin and echoes it back with line numbers, then
 * returns 0. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    printf("stdout: line 1\n");
    fprintf(stderr, "stderr: line 1\n");
    fflush(stdout);
    write(2, "stderr: raw write\n", 18);
    write(1, "stdout: raw write\n", 18);
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, stdin)) {
        n++;
        printf("stdin %d: %s", n, line);
        if (!strchr(line, '\n'))
            printf("\n");
    }
    fprintf(stderr, "stderr: read %d lines\n", n);
    printf("stdout: done\n");
    return 0;
}
