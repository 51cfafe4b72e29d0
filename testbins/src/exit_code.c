/* exit_code: print a line and exit with status 3 via exit(), which must
 * also flush stdio buffers. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to exit with status 3\n");
    exit(3);
}
