/* POSIX threads: create and join with return values, mutexes and condition variables under
 * contention, thread-local storage, detached threads, pthread_once, read-write locks,
 * barriers, thread-specific data with destructors, cancellation (glibc's SIGCANCEL, a
 * real-time signal ruser must leave to the guest) and 200 threads alive at once. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define WORKERS 8
#define MANY 200

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static __thread long tls_value = 100;
static int queue[64], qhead, qtail, produced_sum, consumed_sum;

static void *adder(void *arg) {
    long id = (long)arg;
    tls_value += id;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
    }
    return (void *)tls_value;
}

static void *producer(void *arg) {
    for (int i = 1; i <= 500; i++) {
        pthread_mutex_lock(&m);
        while (qtail - qhead == 64)
            pthread_cond_wait(&cv, &m);
        queue[qtail++ % 64] = i;
        produced_sum += i;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&m);
    }
    return 0;
}

static void *consumer(void *arg) {
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&m);
        while (qtail == qhead)
            pthread_cond_wait(&cv, &m);
        consumed_sum += queue[qhead++ % 64];
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&m);
    }
    return 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void init_once(void) { once_runs++; }

static pthread_key_t key;
static int destructed;
static void destructor(void *p) { __atomic_add_fetch(&destructed, (int)(long)p, __ATOMIC_SEQ_CST); }

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_value;
static pthread_barrier_t bar;

static void *mixed(void *arg) {
    long id = (long)arg;
    pthread_once(&once, init_once);
    pthread_setspecific(key, (void *)(id + 1));
    pthread_barrier_wait(&bar);
    for (int i = 0; i < 200; i++) {
        if (i % 10 == 0) {
            pthread_rwlock_wrlock(&rw);
            shared_value++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            (void)shared_value;
            pthread_rwlock_unlock(&rw);
        }
    }
    return 0;
}

static volatile int detached_done;
static void *detached(void *arg) {
    __atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void *sleeper(void *arg) {
    for (;;)
        pause(); /* a cancellation point */
    return 0;
}

static void *spinner(void *arg) {
    int old;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
    for (volatile unsigned long i = 0;; i++)
        ;
    return 0;
}

static int alive, peak;
static pthread_mutex_t am = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t acv = PTHREAD_COND_INITIALIZER;
static void *many(void *arg) {
    pthread_mutex_lock(&am);
    alive++;
    if (alive > peak)
        peak = alive;
    pthread_cond_broadcast(&acv);
    while (peak < MANY)
        pthread_cond_wait(&acv, &am);
    alive--;
    pthread_mutex_unlock(&am);
    return (void *)((long)arg * 2);
}

int main(void) {
    pthread_t t[MANY];
    for (long i = 0; i < WORKERS; i++)
        pthread_create(&t[i], 0, adder, (void *)i);
    long sum = 0;
    for (int i = 0; i < WORKERS; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("mutex counter %ld, joined values %ld, main's TLS %ld\n", counter, sum, tls_value);

    pthread_create(&t[0], 0, producer, 0);
    pthread_create(&t[1], 0, consumer, 0);
    pthread_join(t[0], 0);
    pthread_join(t[1], 0);
    printf("condition variable queue: produced %d consumed %d\n", produced_sum, consumed_sum);

    pthread_key_create(&key, destructor);
    pthread_barrier_init(&bar, 0, WORKERS);
    for (long i = 0; i < WORKERS; i++)
        pthread_create(&t[i], 0, mixed, (void *)i);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], 0);
    printf("once ran %d, rwlock writes %d, destructors sum %d\n", once_runs, shared_value, destructed);

    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 16; i++)
        pthread_create(&t[i], &at, detached, 0);
    while (detached_done < 16)
        usleep(1000);
    printf("detached threads ran %d\n", detached_done);

    void *r;
    pthread_create(&t[0], 0, sleeper, 0);
    usleep(10000);
    pthread_cancel(t[0]);
    pthread_join(t[0], &r);
    printf("cancelled in pause: %d\n", r == PTHREAD_CANCELED);
    pthread_create(&t[0], 0, spinner, 0);
    usleep(10000);
    pthread_cancel(t[0]);
    pthread_join(t[0], &r);
    printf("cancelled while spinning: %d\n", r == PTHREAD_CANCELED);

    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_JOINABLE);
    pthread_attr_setstacksize(&at, 64 * 1024);
    int created = 0;
    for (long i = 0; i < MANY; i++)
        created += pthread_create(&t[i], &at, many, (void *)i) == 0;
    long total = 0;
    for (int i = 0; i < created; i++) {
        pthread_join(t[i], &r);
        total += (long)r;
    }
    printf("%d threads, %d alive at once, results %ld\n", created, peak, total);
    return 0;
}
