/* dirlist: create a directory tree in a temp dir, list it with
 * opendir/readdir, sort the names and print them with type and size. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void make_file(const char *dir, const char *name, int size)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    for (int i = 0; i < size; i++)
        fputc('a' + i % 26, f);
    fclose(f);
}

static int list(const char *dir, const char *label)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir failed\n");
        return 1;
    }
    char *names[128];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 128)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(char *), cmp);
    printf("%s: %d entries\n", label, n);
    for (int i = 0; i < n; i++) {
        char p[512];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (lstat(p, &st) != 0) {
            printf("  %s: lstat failed\n", names[i]);
        } else if (S_ISDIR(st.st_mode)) {
            printf("  %-12s dir\n", names[i]);
        } else if (S_ISLNK(st.st_mode)) {
            char target[256];
            ssize_t k = readlink(p, target, sizeof target - 1);
            target[k > 0 ? k : 0] = 0;
            printf("  %-12s link -> %s\n", names[i], target);
        } else {
            printf("  %-12s file %lld\n", names[i], (long long)st.st_size);
        }
        free(names[i]);
    }
    return 0;
}

int main(void)
{
    char dir[] = "/tmp/ruser-dirlist-XXXXXX";
    if (!mkdtemp(dir)) {
        printf("mkdtemp failed\n");
        return 1;
    }
    const char *files[] = {"zeta.txt", "alpha", "Beta", "gamma.c", "0-first", "mid_file"};
    for (int i = 0; i < 6; i++)
        make_file(dir, files[i], i * 100 + 3);
    char sub[256], p[512];
    snprintf(sub, sizeof sub, "%s/subdir", dir);
    mkdir(sub, 0755);
    make_file(sub, "inner", 42);
    snprintf(p, sizeof p, "%s/link", dir);
    symlink("alpha", p);
    /* many entries, to need more than one getdents call */
    char many[256];
    snprintf(many, sizeof many, "%s/many", dir);
    mkdir(many, 0755);
    for (int i = 0; i < 100; i++) {
        char name[32];
        snprintf(name, sizeof name, "entry-with-a-longish-name-%03d", i);
        make_file(many, name, i);
    }

    int rc = list(dir, "top") | list(sub, "subdir");
    DIR *d = opendir(many);
    int count = 0;
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        count++;
        total += atoi(e->d_name + 26);
    }
    closedir(d);
    printf("many: %d entries, index sum %lld\n", count, total);

    /* clean up */
    for (int i = 0; i < 100; i++) {
        snprintf(p, sizeof p, "%s/entry-with-a-longish-name-%03d", many, i);
        unlink(p);
    }
    rmdir(many);
    snprintf(p, sizeof p, "%s/inner", sub);
    unlink(p);
    rmdir(sub);
    snprintf(p, sizeof p, "%s/link", dir);
    unlink(p);
    for (int i = 0; i < 6; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    printf("rmdir: %d\n", rmdir(dir));
    return rc;
}
