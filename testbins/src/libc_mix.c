/* libc_mix: heap-heavy code plus common libc routines: malloc/calloc/
 * realloc/free churn, qsort, bsearch, and the string functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct node {
    struct node *next;
    size_t len;
    unsigned char data[];
};

static void heap_churn(void)
{
    /* many allocations of varying sizes, frees in a scrambled order */
    enum { N = 4000 };
    void **ptrs = calloc(N, sizeof(void *));
    size_t *sizes = calloc(N, sizeof(size_t));
    uint64_t sum = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            size_t sz = (next() % 7 == 0) ? 4096 + next() % 200000 : 1 + next() % 300;
            if (ptrs[i] && next() % 3 == 0) {
                ptrs[i] = realloc(ptrs[i], sz);
            } else {
                free(ptrs[i]);
                ptrs[i] = malloc(sz);
            }
            sizes[i] = sz;
            memset(ptrs[i], (int)(i & 0xff), sz);
        }
        for (int i = 0; i < N; i++) {
            int j = (int)(next() % N);
            if (ptrs[j]) {
                unsigned char *p = ptrs[j];
                sum += p[0] + p[sizes[j] - 1] + sizes[j];
                free(p);
                ptrs[j] = NULL;
            }
        }
    }
    for (int i = 0; i < N; i++)
        free(ptrs[i]);
    free(ptrs);
    free(sizes);
    printf("heap churn checksum: %llu\n", (unsigned long long)sum);

    /* a linked list of flexible-array nodes */
    struct node *head = NULL;
    for (int i = 0; i < 1000; i++) {
        size_t len = 1 + (size_t)i % 37;
        struct node *n = malloc(sizeof *n + len);
        n->len = len;
        for (size_t k = 0; k < len; k++)
            n->data[k] = (unsigned char)(i + k);
        n->next = head;
        head = n;
    }
    uint64_t total = 0, count = 0;
    while (head) {
        struct node *n = head;
        for (size_t k = 0; k < n->len; k++)
            total += n->data[k];
        count++;
        head = n->next;
        free(n);
    }
    printf("list: %llu nodes, byte sum %llu\n", (unsigned long long)count,
           (unsigned long long)total);
}

static void sorting(void)
{
    enum { N = 5000 };
    int *a = malloc(N * sizeof(int));
    for (int i = 0; i < N; i++)
        a[i] = (int)(next() % 100000) - 50000;
    qsort(a, N, sizeof(int), cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++)
        if (a[i - 1] > a[i])
            sorted = 0;
    printf("qsort: sorted=%d min=%d median=%d max=%d\n", sorted, a[0], a[N / 2], a[N - 1]);
    int key = a[1234];
    int *hit = bsearch(&key, a, N, sizeof(int), cmp_int);
    printf("bsearch: found=%d value=%d\n", hit != NULL, hit ? *hit : 0);
    free(a);

    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "apple pie", "Zebra", "date"};
    enum { W = sizeof(words) / sizeof(words[0]) };
    char *copy[W];
    for (int i = 0; i < W; i++)
        copy[i] = strdup(words[i]);
    qsort(copy, W, sizeof(char *), cmp_str);
    printf("sorted words:");
    for (int i = 0; i < W; i++) {
        printf(" %s", copy[i]);
        free(copy[i]);
    }
    printf("\n");
}

static void strings(void)
{
    char buf[256];
    const char *s = "The quick brown fox jumps over the lazy dog";
    printf("strlen=%zu\n", strlen(s));
    printf("strcmp: %d %d %d\n", strcmp("abc", "abd") < 0, strcmp("abc", "abc") == 0,
           strcmp("b", "abc") > 0);
    printf("strncmp: %d\n", strncmp("hello world", "hello there", 5));
    printf("strchr: %s\n", strchr(s, 'q'));
    printf("strrchr: %s\n", strrchr(s, 'o'));
    printf("strstr: %s\n", strstr(s, "fox"));
    printf("strstr miss: %s\n", strstr(s, "cat") ? "found" : "(null)");
    printf("memchr: %s\n", (const char *)memchr(s, 'z', strlen(s)));
    printf("strspn=%zu strcspn=%zu\n", strspn("aaabbbccc", "ab"), strcspn(s, "xyz"));

    memset(buf, 'x', sizeof buf);
    memcpy(buf, s, strlen(s) + 1);
    printf("memcpy: %s\n", buf);
    memmove(buf + 4, buf, 20);  /* overlapping, forward */
    buf[30] = 0;
    printf("memmove fwd: %s\n", buf);
    memcpy(buf, s, strlen(s) + 1);
    memmove(buf, buf + 10, 20);  /* overlapping, backward */
    buf[20] = 0;
    printf("memmove back: %s\n", buf);
    memset(buf, '-', 10);
    buf[10] = 0;
    printf("memset: %s\n", buf);
    printf("memcmp: %d\n", memcmp("abcdef", "abcdeg", 6) < 0);

    /* unaligned and long copies exercise the optimized paths */
    static unsigned char big1[70000], big2[70000];
    for (size_t i = 0; i < sizeof big1; i++)
        big1[i] = (unsigned char)(i * 7 + (i >> 9));
    uint64_t h = 0;
    for (size_t off = 0; off < 16; off++) {
        memcpy(big2 + off, big1 + (15 - off), 65536 - off);
        memmove(big2 + 3, big2 + 1, 1000 + off);
        for (size_t i = 0; i < 70000; i += 97)
            h = h * 31 + big2[i];
    }
    printf("bulk copy hash: %llu\n", (unsigned long long)h);

    char text[] = "alpha,beta;;gamma, delta ,epsilon";
    printf("strtok:");
    for (char *t = strtok(text, ",;"); t; t = strtok(NULL, ",;"))
        printf(" [%s]", t);
    printf("\n");
    char text2[] = "a:b::c";
    char *save = NULL;
    printf("strtok_r:");
    for (char *t = strtok_r(text2, ":", &save); t; t = strtok_r(NULL, ":", &save))
        printf(" [%s]", t);
    printf("\n");

    strcpy(buf, "con");
    strcat(buf, "cat");
    volatile size_t keep = 7;  /* volatile: the truncation is the point */
    strncat(buf, "enation!!!", keep);
    printf("strcat: %s\n", buf);
    printf("strtol: %ld %ld %lu\n", strtol("-12345", NULL, 10), strtol("ff", NULL, 16),
           strtoul("0777", NULL, 0));
    printf("atoi: %d strtod: %.3f\n", atoi("  42abc"), strtod("2.718e1", NULL));
    char *d = strndup("duplicate me", 9);
    printf("strndup: %s\n", d);
    free(d);
}

int main(void)
{
    heap_churn();
    sorting();
    strings();
    return 0;
}
