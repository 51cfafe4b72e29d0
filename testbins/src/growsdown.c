/* MAP_GROWSDOWN: memory the kernel adds below such a mapping when the program touches it is
 * the program's memory for system calls too (write() from it, read() into it), and
 * /proc/self/maps shows the grown mapping. The oracle is the native build: qemu-user 7.2
 * keeps its own page map and refuses those pointers with EFAULT. */
#define _GNU_SOURCE
#include "check.h"
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096

/* The start of the /proc/self/maps line containing p, or 0. */
static uintptr_t map_start(const void *p)
{
    FILE *f = fopen("/proc/self/maps", "r");
    unsigned long s, e;
    char line[512];
    uintptr_t found = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s <= (uintptr_t)p && (uintptr_t)p < e)
            found = s;
    if (f)
        fclose(f);
    return found;
}

int main(void)
{
    /* Room below: 16 MiB reserved and released, the mapping at its top. */
    size_t room = 16 << 20;
    unsigned char *r = mmap(NULL, room, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(r != MAP_FAILED, "reserve room");
    munmap(r, room);
    unsigned char *g = mmap(r + room - 4 * PG, 4 * PG, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(g == r + room - 4 * PG, "MAP_GROWSDOWN at the top of free room");
    CHECK(map_start(g) == (uintptr_t)g, "maps: the mapping starts where it was made");

    /* Touch two pages below: the mapping grows. */
    volatile unsigned char *below = g - 2 * PG;
    below[0] = 7;
    CHECK(below[0] == 7, "a store below the mapping grows it");
    CHECK(map_start(g) == (uintptr_t)below, "maps: the mapping now starts two pages lower");

    /* System calls on the grown pages. */
    int p[2];
    /* Non-blocking, so that a failed write cannot leave a read waiting. */
    CHECK(pipe2(p, O_NONBLOCK) == 0, "pipe");
    memcpy((void *)below, "grown", 6);
    CHECK(write(p[1], (const void *)below, 6) == 6, "write() from grown memory");
    char buf[6] = { 0 };
    CHECK(read(p[0], buf, 6) == 6 && memcmp(buf, "grown", 6) == 0, "the bytes arrive");
    CHECK(write(p[1], "again", 6) == 6 && read(p[0], (void *)(below + 100), 6) == 6, "read() into grown memory");
    CHECK(memcmp((const void *)(below + 100), "again", 6) == 0, "the bytes land there");
    CHECK(mprotect((void *)below, PG, PROT_READ) == 0, "mprotect of a grown page");
    CHECK(munmap((void *)below, 6 * PG) == 0, "munmap of the whole grown mapping");
    CHECK(map_start(g) == 0, "maps: gone");
    printf("failures: %d\n", failures);
    return failures;
}
