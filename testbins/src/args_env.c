/* args_env: print argc, the basename of argv[0], every other argument and
 * the value of RUSER_TEST_VAR.  (Only the basename of argv[0] is printed
 * so the output does not depend on how the program was invoked.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    const char *slash = strrchr(argv[0], '/');
    printf("argv[0] basename=%s\n", slash ? slash + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "not NULL");
    const char *v = getenv("RUSER_TEST_VAR");
    printf("RUSER_TEST_VAR=%s\n", v ? v : "(unset)");
    return 0;
}
