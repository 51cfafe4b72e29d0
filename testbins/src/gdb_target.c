/* gdb_target: the program the -g (gdb stub) tests debug, built with its symbols (not
 * stripped) so that gdb finds main and compute. Without arguments it prints and exits with
 * compute(argc), 3; a debugger that sets x0 in compute changes both. "segv" first writes
 * through a null pointer, "abort" calls abort(), "threads" runs a second thread first,
 * "spin" loops without system calls until a debugger sets stop_spinning. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int counter;
volatile int stop_spinning;

__attribute__((noinline)) int compute(int x)
{
    return 2 * x + 1;
}

static void *worker(void *arg)
{
    for (int i = 0; i < 100000; i++)
        counter++;
    return arg;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "segv") == 0) {
        int *volatile p = 0;
        *p = 1;
    }
    if (argc > 1 && strcmp(argv[1], "abort") == 0)
        abort();
    if (argc > 1 && strcmp(argv[1], "threads") == 0) {
        pthread_t t;
        pthread_create(&t, 0, worker, 0);
        pthread_join(t, 0);
        printf("counter %d\n", counter);
    }
    if (argc > 1 && strcmp(argv[1], "spin") == 0) {
        while (!stop_spinning)
            counter++;
    }
    int r = compute(argc);
    printf("result %d\n", r);
    return r;
}
