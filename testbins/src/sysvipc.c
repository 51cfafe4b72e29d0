/* sysvipc: System V shared memory (shmget/shmat/shmdt/shmctl with IPC_STAT/IPC_SET/
 * IPC_INFO/SHM_INFO, attaching twice, at a fixed address, read-only, across fork),
 * semaphores (semop, semtimedop timeout, SETALL/GETALL, SETVAL/GETVAL, GETNCNT, IPC_STAT
 * layout), message queues (msgsnd/msgrcv by type, IPC_NOWAIT, MSG_NOERROR, IPC_STAT), and
 * POSIX message queues. Private keys only; everything is removed at the end. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

static void shm(void)
{
    printf("== shm\n");
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    CHECK(id >= 0, "shmget 10000 bytes");
    struct shmid_ds ds;
    memset(&ds, 0xff, sizeof ds);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT");
    printf("segsz=%zu mode=%o nattch=%lu cpid-ours=%d uid-ours=%d key=%d\n", (size_t)ds.shm_segsz, ds.shm_perm.mode & 0777, (unsigned long)ds.shm_nattch,
           ds.shm_cpid == getpid(), ds.shm_perm.uid == getuid(), ds.shm_perm.__key);
    char *p = shmat(id, NULL, 0);
    CHECK(p != (void *)-1, "shmat");
    strcpy(p, "shared segment");
    p[9999] = 'E';
    char *q = shmat(id, NULL, SHM_RDONLY);
    CHECK(q != (void *)-1 && q != p, "shmat again, read-only");
    CHECK(strcmp(q, "shared segment") == 0 && q[9999] == 'E', "both attachments see the same memory");
    shmctl(id, IPC_STAT, &ds);
    printf("nattch=%lu lpid-ours=%d\n", (unsigned long)ds.shm_nattch, ds.shm_lpid == getpid());
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(p, "written by the child");
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("after fork: %s\n", q);
    ds.shm_perm.mode = 0640;
    CHECK(shmctl(id, IPC_SET, &ds) == 0, "IPC_SET mode 0640");
    shmctl(id, IPC_STAT, &ds);
    printf("mode now %o\n", ds.shm_perm.mode & 0777);
    CHECK(shmdt(q) == 0, "shmdt the read-only attachment");
    CHECK_ERR(shmdt(q), EINVAL, "shmdt twice");
    CHECK_ERR(shmdt(p + 1), EINVAL, "shmdt inside an attachment");
    /* At a chosen address: reserve a range, free it, attach there. */
    char *want = mmap(NULL, 4 * 4096 * 4, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(want, 4 * 4096 * 4);
    char *r = shmat(id, want, 0);
    CHECK(r == want && r[9999] == 'E', "shmat at a chosen address");
    CHECK_ERR((long)shmat(id, want, 0), EINVAL, "shmat over an existing attachment");
    char *r2 = shmat(id, want, SHM_REMAP);
    CHECK(r2 == want, "shmat with SHM_REMAP over it");
    CHECK_ERR((long)shmat(id, want + 1, 0), EINVAL, "shmat at an unaligned address");
    CHECK(shmdt(want) == 0, "shmdt the fixed attachment");
    char *rnd = shmat(id, want + 100, SHM_RND);
    CHECK(rnd == want, "SHM_RND rounds down");
    shmdt(rnd);
    shmdt(p);
    struct shminfo info;
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds *)&info) >= 0, "IPC_INFO");
    printf("shmmni>0=%d shmmax>=10000=%d\n", info.shmmni > 0, info.shmmax >= 10000);
    struct shm_info si;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)&si) >= 0 && si.used_ids >= 1, "SHM_INFO");
    CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL, "IPC_STAT after removal");
    CHECK_ERR(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL, "shmget of size 0");
}

static void sem(void)
{
    printf("== sem\n");
    int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK(id >= 0, "semget 3 semaphores");
    unsigned short init[3] = {1, 5, 0};
    CHECK(semctl(id, 0, SETALL, (union semun){.array = init}) == 0, "SETALL");
    unsigned short back[3] = {9, 9, 9};
    CHECK(semctl(id, 0, GETALL, (union semun){.array = back}) == 0, "GETALL");
    printf("values %u %u %u\n", back[0], back[1], back[2]);
    struct sembuf ops[2] = {{0, -1, 0}, {1, 2, SEM_UNDO}};
    CHECK(semop(id, ops, 2) == 0, "semop on two semaphores");
    printf("sem0=%d sem1=%d\n", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL));
    struct sembuf down = {0, -1, IPC_NOWAIT};
    CHECK_ERR(semop(id, &down, 1), EAGAIN, "semop that would block, IPC_NOWAIT");
    struct timespec ts = {0, 20 * 1000 * 1000};
    down.sem_flg = 0;
    CHECK_ERR(semtimedop(id, &down, 1, &ts), EAGAIN, "semtimedop times out");
    CHECK(semctl(id, 2, SETVAL, (union semun){.val = 3}) == 0 && semctl(id, 2, GETVAL) == 3, "SETVAL/GETVAL");
    CHECK(semctl(id, 0, GETPID) == getpid(), "GETPID");
    CHECK(semctl(id, 0, GETNCNT) == 0, "GETNCNT");
    /* A child blocks on sem 0 until the parent releases it. */
    pid_t pid = fork();
    if (pid == 0) {
        struct sembuf w = {0, -1, 0};
        _exit(semop(id, &w, 1) == 0 ? 7 : 1);
    }
    while (semctl(id, 0, GETNCNT) < 1)
        usleep(1000);
    printf("a waiter: GETNCNT=%d\n", semctl(id, 0, GETNCNT));
    struct sembuf up = {0, 1, 0};
    CHECK(semop(id, &up, 1) == 0, "release it");
    int st;
    waitpid(pid, &st, 0);
    printf("child took the semaphore: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 7);
    struct semid_ds ds;
    CHECK(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}) == 0, "IPC_STAT");
    printf("nsems=%lu mode=%o uid-ours=%d\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777, ds.sem_perm.uid == getuid());
    struct seminfo si;
    CHECK(semctl(id, 0, IPC_INFO, (union semun){.__buf = &si}) >= 0 && si.semmsl > 0, "IPC_INFO");
    CHECK_ERR(semop(id, ops, 0), EINVAL, "semop with no operations");
    struct sembuf badnum = {7, 1, 0};
    CHECK_ERR(semop(id, &badnum, 1), EFBIG, "semop on semaphore 7 of 3");
    CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
    CHECK_ERR(semop(id, &up, 1), EINVAL, "semop after removal");
}

struct msg {
    long type;
    char text[64];
};

static void msg(void)
{
    printf("== msg\n");
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(id >= 0, "msgget");
    struct msg m = {.type = 2};
    strcpy(m.text, "type two");
    CHECK(msgsnd(id, &m, strlen(m.text) + 1, 0) == 0, "msgsnd type 2");
    m.type = 1;
    strcpy(m.text, "type one, first");
    CHECK(msgsnd(id, &m, strlen(m.text) + 1, 0) == 0, "msgsnd type 1");
    m.type = 3;
    strcpy(m.text, "a long message of type three");
    CHECK(msgsnd(id, &m, strlen(m.text) + 1, IPC_NOWAIT) == 0, "msgsnd type 3");
    struct msqid_ds ds;
    CHECK(msgctl(id, IPC_STAT, &ds) == 0, "IPC_STAT");
    printf("qnum=%lu cbytes=%lu lspid-ours=%d\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, ds.msg_lspid == getpid());
    struct msg r;
    memset(&r, 0, sizeof r);
    ssize_t n = msgrcv(id, &r, sizeof r.text, 1, 0);
    printf("by type 1: %zd bytes, type %ld, \"%s\"\n", n, r.type, r.text);
    memset(&r, 0, sizeof r);
    n = msgrcv(id, &r, sizeof r.text, 0, 0);
    printf("first in queue: %zd bytes, type %ld, \"%s\"\n", n, r.type, r.text);
    memset(&r, 0, sizeof r);
    CHECK_ERR(msgrcv(id, &r, 5, 3, 0), E2BIG, "a too long message");
    n = msgrcv(id, &r, 5, 3, MSG_NOERROR);
    printf("MSG_NOERROR: %zd bytes \"%.5s\"\n", n, r.text);
    CHECK_ERR(msgrcv(id, &r, sizeof r.text, 0, IPC_NOWAIT), ENOMSG, "empty queue, IPC_NOWAIT");
    ds.msg_qbytes = 4096;
    CHECK(msgctl(id, IPC_SET, &ds) == 0, "IPC_SET qbytes");
    msgctl(id, IPC_STAT, &ds);
    printf("qbytes=%lu\n", (unsigned long)ds.msg_qbytes);
    struct msginfo mi;
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) >= 0 && mi.msgmax > 0, "IPC_INFO");
    m.type = 0;
    CHECK_ERR(msgsnd(id, &m, 4, 0), EINVAL, "msgsnd with type 0");
    CHECK(msgctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
    CHECK_ERR(msgsnd(id, &m, 4, 0), EINVAL, "msgsnd after removal");
}

static void mq(void)
{
    printf("== mq\n");
    char name[64];
    snprintf(name, sizeof name, "/ruser-sysvipc-%d", getpid());
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 32};
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q != (mqd_t)-1, "mq_open");
    CHECK(mq_unlink(name) == 0, "mq_unlink");
    CHECK(mq_send(q, "low", 3, 1) == 0 && mq_send(q, "high", 4, 9) == 0, "mq_send twice");
    struct mq_attr got;
    CHECK(mq_getattr(q, &got) == 0, "mq_getattr");
    printf("maxmsg=%ld msgsize=%ld curmsgs=%ld\n", got.mq_maxmsg, got.mq_msgsize, got.mq_curmsgs);
    char buf[32] = {0};
    unsigned prio = 0;
    ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
    printf("received %zd \"%s\" prio %u\n", n, buf, prio);
    struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
    CHECK(mq_setattr(q, &nb, &old) == 0 && old.mq_flags == 0, "mq_setattr O_NONBLOCK");
    memset(buf, 0, sizeof buf);
    n = mq_receive(q, buf, sizeof buf, &prio);
    printf("received %zd \"%s\" prio %u\n", n, buf, prio);
    CHECK_ERR(mq_receive(q, buf, sizeof buf, &prio), EAGAIN, "empty, non-blocking");
    CHECK_ERR(mq_receive(q, buf, 8, &prio), EMSGSIZE, "buffer smaller than mq_msgsize");
    nb.mq_flags = 0;
    mq_setattr(q, &nb, NULL);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &ts), ETIMEDOUT, "mq_timedreceive times out");
    mq_close(q);
}

int main(void)
{
    shm();
    sem();
    msg();
    mq();
    printf("failures: %d\n", failures);
    return failures;
}
