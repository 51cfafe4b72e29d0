/* hello: the classic, through static glibc stdio. */
#include <stdio.h>

int main(void)
{
    printf("Hello, world!\n");
    return 0;
}
