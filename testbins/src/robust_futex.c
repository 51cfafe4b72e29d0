/* Robust mutexes: a thread that exits holding one (by returning, or by the raw exit system
 * call), a thread blocked waiting for it while its owner exits, and a process-shared one in
 * shared memory whose owning child process dies by a signal: the next locker gets EOWNERDEAD,
 * makes it consistent and goes on. Also the raw robust list calls and the exit status of a
 * process whose last thread exits after the leader. qemu-aarch64 7.2 hangs in the first case
 * (it does not release robust futexes), so the oracle is this program on the host kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t *mx;

static void init_robust(pthread_mutex_t *m, int shared) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (shared)
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
}

static void *exit_later(void *arg) {
    usleep(50000);
    syscall(SYS_exit, 5);
    return 0;
}

static const char *res(int r) { return r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "ok" : strerror(r); }

static void *take_and_return(void *arg) {
    pthread_mutex_lock(mx);
    return 0;
}
static void *take_and_exit(void *arg) {
    pthread_mutex_lock(mx);
    syscall(SYS_exit, 0);
    return 0;
}
static volatile int holding;
static void *take_and_wait(void *arg) {
    pthread_mutex_lock(mx);
    holding = 1;
    usleep(50000);
    return 0;
}
static void *blocked_locker(void *arg) {
    while (!holding)
        usleep(1000);
    int r = pthread_mutex_lock(mx);
    printf("waiter blocked while the owner exited: %s\n", res(r));
    pthread_mutex_consistent(mx);
    pthread_mutex_unlock(mx);
    return 0;
}

int main(void) {
    setvbuf(stdout, 0, _IONBF, 0);
    pthread_mutex_t local;
    mx = &local;
    init_robust(mx, 0);
    pthread_t t, w;

    pthread_create(&t, 0, take_and_return, 0);
    pthread_join(t, 0);
    int r = pthread_mutex_lock(mx);
    printf("owner thread returned: %s\n", res(r));
    pthread_mutex_consistent(mx);
    pthread_mutex_unlock(mx);
    printf("relocked after consistent: %s\n", res(pthread_mutex_lock(mx)));
    pthread_mutex_unlock(mx);

    pthread_create(&t, 0, take_and_exit, 0);
    pthread_join(t, 0);
    r = pthread_mutex_lock(mx);
    printf("owner thread made the exit system call: %s\n", res(r));
    pthread_mutex_consistent(mx);
    pthread_mutex_unlock(mx);

    pthread_create(&t, 0, take_and_wait, 0);
    pthread_create(&w, 0, blocked_locker, 0);
    pthread_join(t, 0);
    pthread_join(w, 0);

    /* Process-shared, in shared memory: the child is killed while holding it. */
    mx = mmap(0, sizeof *mx, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    init_robust(mx, 1);
    pid_t p = fork();
    if (p == 0) {
        pthread_mutex_lock(mx);
        for (;;)
            pause();
    }
    while (__atomic_load_n((int *)mx, __ATOMIC_SEQ_CST) == 0)
        usleep(1000);
    kill(p, SIGKILL);
    int st;
    waitpid(p, &st, 0);
    r = pthread_mutex_lock(mx);
    printf("owner process killed by signal %d: %s\n", WTERMSIG(st), res(r));

    /* The raw calls. */
    struct robust_list_head *head;
    size_t len;
    long k = syscall(SYS_get_robust_list, 0, &head, &len);
    printf("get_robust_list: %ld, len %zu, head set %d\n", k, len, head != 0);
    k = syscall(SYS_set_robust_list, head, len + 1);
    printf("set_robust_list with a bad size: %ld %s\n", k, strerror(errno));

    /* The leader exits first; the process ends with the last thread's status. */
    p = fork();
    if (p == 0) {
        pthread_create(&t, 0, exit_later, 0);
        syscall(SYS_exit, 3);
    }
    waitpid(p, &st, 0);
    printf("leader exited first: process status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
