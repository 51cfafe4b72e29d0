/* memops: the mmap family. MADV_DONTNEED really zeroes private anonymous pages (and brings
 * back the file's contents for a private file mapping); mremap growing, shrinking, moving,
 * to a fixed address over other memory, with MREMAP_DONTUNMAP; MAP_FIXED_NOREPLACE; shared
 * file mappings written back with msync and seen by read(); shared anonymous memory across
 * fork; mincore, mlock/munlock/mlock2/mlockall, MAP_POPULATE/MAP_STACK/MAP_GROWSDOWN/
 * MAP_NORESERVE, and the error cases. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static int all(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

int main(void)
{
    /* MADV_DONTNEED on private anonymous memory: the pages read as zero afterwards. */
    unsigned char *a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED, "mmap 8 anonymous pages");
    memset(a, 0xab, 8 * PG);
    CHECK(madvise(a + 2 * PG, 3 * PG, MADV_DONTNEED) == 0, "MADV_DONTNEED on pages 2-4");
    printf("after DONTNEED: page1=%d page2..4 zero=%d page5=%d\n", all(a + PG, PG, 0xab), all(a + 2 * PG, 3 * PG, 0), all(a + 5 * PG, PG, 0xab));
    a[3 * PG] = 7;
    CHECK(a[3 * PG] == 7 && a[3 * PG + 1] == 0, "the dropped page is usable again");
    CHECK_ERR(madvise(a + 1, PG, MADV_DONTNEED), EINVAL, "madvise at an unaligned address");
    CHECK(madvise(a, 0, MADV_DONTNEED) == 0, "madvise of length 0");
    CHECK(madvise(a, 8 * PG, MADV_WILLNEED) == 0, "MADV_WILLNEED");
    CHECK(madvise(a, 8 * PG, MADV_NORMAL) == 0, "MADV_NORMAL");

    /* MADV_DONTNEED on a private file mapping: back to the file's contents. */
    char path[] = "/tmp/ruser-memops-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    unlink(path);
    unsigned char fbuf[2 * PG];
    memset(fbuf, 'F', sizeof fbuf);
    CHECK(write(fd, fbuf, sizeof fbuf) == sizeof fbuf, "write the file");
    unsigned char *pf = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(pf != MAP_FAILED, "private file mapping");
    memset(pf, 'P', 2 * PG);
    CHECK(madvise(pf, PG, MADV_DONTNEED) == 0, "MADV_DONTNEED on the file mapping");
    printf("private file mapping: page0 back to file=%d, page1 still private=%d\n", all(pf, PG, 'F'), all(pf + PG, PG, 'P'));
    munmap(pf, 2 * PG);

    /* Shared file mapping: stores reach the file (read sees them), msync. */
    unsigned char *sf = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(sf != MAP_FAILED, "shared file mapping");
    memcpy(sf + 100, "through the mapping", 19);
    CHECK(msync(sf, 2 * PG, MS_SYNC) == 0, "msync(MS_SYNC)");
    CHECK(msync(sf, PG, MS_ASYNC | MS_INVALIDATE) == 0, "msync(MS_ASYNC|MS_INVALIDATE)");
    char rb[20] = {0};
    CHECK(pread(fd, rb, 19, 100) == 19 && strcmp(rb, "through the mapping") == 0, "read() sees the store");
    CHECK(pwrite(fd, "via write", 9, 200) == 9, "pwrite into the file");
    CHECK(memcmp(sf + 200, "via write", 9) == 0, "the mapping sees write()");
    CHECK_ERR(msync(sf + 1, PG, MS_SYNC), EINVAL, "msync at an unaligned address");
    CHECK_ERR(msync(sf, PG, MS_SYNC | MS_ASYNC), EINVAL, "msync with MS_SYNC|MS_ASYNC");
    munmap(sf, 2 * PG);

    /* Shared anonymous memory survives fork both ways. */
    volatile int *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED, "shared anonymous mapping");
    int *priv = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sh[0] = 1;
    priv[0] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        sh[0] = 42;
        priv[0] = 42;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("after the child stored 42: shared=%d private=%d\n", sh[0], priv[0]);

    /* mremap: grow in place or move, keep contents. */
    unsigned char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 0x11, 2 * PG);
    unsigned char *m2 = mremap(m, 2 * PG, 16 * PG, MREMAP_MAYMOVE);
    CHECK(m2 != MAP_FAILED, "mremap grow with MREMAP_MAYMOVE");
    printf("grown: old contents kept=%d, new part zero=%d\n", all(m2, 2 * PG, 0x11), all(m2 + 2 * PG, 14 * PG, 0));
    m2[15 * PG] = 9;
    unsigned char *m3 = mremap(m2, 16 * PG, 4 * PG, 0);
    CHECK(m3 == m2, "mremap shrink in place");
    CHECK(mincore(m3 + 4 * PG, PG, (unsigned char[1]){0}) == -1 && errno == ENOMEM, "the cut-off tail is unmapped");
    /* To a fixed address over another mapping (which is replaced). */
    unsigned char *t = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(t, 0x77, 4 * PG);
    unsigned char *m4 = mremap(m3, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t);
    CHECK(m4 == t, "mremap MREMAP_FIXED onto another mapping");
    printf("fixed move: contents are the moved ones=%d, source gone=%d\n", all(t, 2 * PG, 0x11),
           mincore(m3, PG, (unsigned char[1]){0}) == -1 && errno == ENOMEM);
    CHECK_ERR(mremap(t, PG, PG, MREMAP_FIXED, t + 8 * PG), EINVAL, "MREMAP_FIXED without MREMAP_MAYMOVE");
    CHECK_ERR(mremap(t, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t + PG), EINVAL, "overlapping fixed target");
    CHECK_ERR(mremap(t + 1, PG, PG, 0), EINVAL, "mremap of an unaligned address");
    CHECK_ERR(mremap(t, PG, PG, 0x100), EINVAL, "unknown mremap flags");
    /* MREMAP_DONTUNMAP: the contents move, the old range stays mapped (and reads as zero). */
    unsigned char *d = mremap(t, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    CHECK(d != MAP_FAILED && d != t, "MREMAP_DONTUNMAP");
    if (d != MAP_FAILED) {
        printf("dontunmap: new has contents=%d, old still mapped and zero=%d\n", all(d, 2 * PG, 0x11), all(t, 4 * PG, 0));
        munmap(d, 4 * PG);
    }
    CHECK_ERR(mremap(t, 4 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EINVAL, "DONTUNMAP with a new size");
    munmap(t, 4 * PG);
    CHECK_ERR(mremap(t, PG, 2 * PG, MREMAP_MAYMOVE), EFAULT, "mremap of unmapped memory");

    /* MAP_FIXED_NOREPLACE. */
    unsigned char *f = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERR(mmap(f + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED ? -1 : 0, EEXIST, "MAP_FIXED_NOREPLACE over a mapping");
    munmap(f + 2 * PG, 2 * PG);
    CHECK(mmap(f + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == f + 2 * PG, "MAP_FIXED_NOREPLACE into a hole");
    munmap(f, 4 * PG);

    /* mincore and locking. */
    unsigned char *l = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK(l != MAP_FAILED, "MAP_POPULATE");
    unsigned char vec[4] = {0};
    CHECK(mincore(l, 4 * PG, vec) == 0, "mincore");
    printf("populated pages resident: %d %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    CHECK_ERR(mincore(l + 1, PG, vec), EINVAL, "mincore at an unaligned address");
    CHECK_ERR(mincore(l, PG, BAD), EFAULT, "mincore into a bad vector");
    CHECK(mlock(l, 2 * PG) == 0, "mlock");
    CHECK(munlock(l, 2 * PG) == 0, "munlock");
    CHECK(mlock(l + 10, 100) == 0, "mlock of an unaligned range");
    CHECK(mlock2(l, PG, MLOCK_ONFAULT) == 0, "mlock2(MLOCK_ONFAULT)");
    CHECK_ERR(mlock2(l, PG, 8), EINVAL, "mlock2 with bad flags");
    CHECK(munlock(l, 4 * PG) == 0, "munlock all of it");
    CHECK(mlockall(MCL_CURRENT | MCL_ONFAULT) == 0, "mlockall(MCL_CURRENT|MCL_ONFAULT)");
    CHECK(munlockall() == 0, "munlockall");
    CHECK_ERR(mlockall(0), EINVAL, "mlockall(0)");
    munmap(l, 4 * PG);
    CHECK_ERR(mlock(l, PG), ENOMEM, "mlock of unmapped memory");
    CHECK_ERR(madvise(l, PG, MADV_DONTNEED), ENOMEM, "madvise of unmapped memory");
    CHECK_ERR(msync(l, PG, MS_SYNC), ENOMEM, "msync of unmapped memory");

    /* Other flags. */
    void *s = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
    CHECK(s != MAP_FAILED, "MAP_STACK|MAP_NORESERVE");
    unsigned char *g = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
    CHECK(g != MAP_FAILED, "MAP_GROWSDOWN");
    g[4 * PG - 1] = 1;
    g[0] = 2;
    CHECK(g[0] == 2, "MAP_GROWSDOWN memory is usable");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL, "neither MAP_SHARED nor MAP_PRIVATE");
    CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL, "length 0");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 9999, 0) == MAP_FAILED ? -1 : 0, EBADF, "a closed fd");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL, "anonymous MAP_SHARED_VALIDATE");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x400, fd, 0) == MAP_FAILED ? -1 : 0, EOPNOTSUPP, "MAP_SHARED_VALIDATE with an unknown flag");
    CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE, fd, 0) != MAP_FAILED, "MAP_SHARED_VALIDATE of a file");
    CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x400, -1, 0) != MAP_FAILED, "an unknown flag is ignored with MAP_PRIVATE");
    CHECK_ERR(mprotect(a + 1, PG, PROT_READ), EINVAL, "mprotect at an unaligned address");
    CHECK(mprotect(a, PG, PROT_READ) == 0 && a[0] == 0xab, "mprotect read-only keeps contents");
    CHECK_ERR(munmap(a + 1, PG), EINVAL, "munmap at an unaligned address");
    CHECK_ERR(munmap(a, (size_t)1 << 62), EINVAL, "munmap of a range past the top of the address space");
    CHECK_ERR(munmap((void *)((uintptr_t)1 << 60), PG), EINVAL, "munmap above the address space");
    CHECK_ERR(munmap(a, 0), EINVAL, "munmap of length 0");
    CHECK(a[0] == 0xab, "the refused munmaps left the mapping");
    CHECK(munmap(a, 8 * PG) == 0, "munmap");
    CHECK(munmap(a, 8 * PG) == 0, "munmap of already unmapped memory");
    printf("failures: %d\n", failures);
    return failures;
}
