/* hello_dyn: a dynamically linked hello world.  It needs the aarch64 glibc
 * sysroot (-L /usr/aarch64-linux-gnu); without one the emulator must refuse
 * it with a clear message. */
#include <stdio.h>

int main(void)
{
    puts("Hello from a dynamically linked aarch64 program!");
    return 0;
}
