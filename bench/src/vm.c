/* Bytecode-interpreter workload: a small stack machine with switch
 * dispatch, 64-bit unsigned values, call frames and a two-pass assembler.
 * Each repetition runs two bytecode programs: a recursive fib(20) and a
 * counting loop that folds a hash of its counter into an accumulator. */
#include <string.h>
#include "bench.h"

enum op {
    OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_LOADL, OP_STOREL,
    OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_LT,
    OP_JMP, OP_JZ, OP_CALL, OP_RET,
};

#define CODE_MAX  256
#define STACK_MAX 4096
#define FRAME_MAX 1024

/* ---- a tiny assembler: labels are resolved in a second pass ---- */
static int32_t code[CODE_MAX];
static int ncode;
static int label_at[16];
static struct { int slot, label; } fix[32];
static int nfix;

static void emit(int32_t w) { code[ncode++] = w; }
static void emit_op(int op, int32_t arg) { emit(op); emit(arg); }
static void emit_jump(int op, int label)
{
    emit(op);
    fix[nfix].slot = ncode;
    fix[nfix].label = label;
    nfix++;
    emit(0);
}
static void here(int label) { label_at[label] = ncode; }
static void link_labels(void)
{
    for (int i = 0; i < nfix; i++)
        code[fix[i].slot] = label_at[fix[i].label];
}

/* ---- the machine ---- */
static uint64_t stack[STACK_MAX];
static struct { int32_t ret, fp; } frames[FRAME_MAX];

/* Runs from pc with the given arguments on the stack; returns the value
 * left on top at HALT, or aborts on a stack overflow or bad opcode. */
static uint64_t run(int32_t pc, const uint64_t *args, int nargs)
{
    int sp = 0, fp = 0, nf = 0;
    for (int i = 0; i < nargs; i++)
        stack[sp++] = args[i];
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_HALT:
            return stack[sp - 1];
        case OP_PUSH:
            stack[sp++] = (uint64_t)(int64_t)code[pc++];
            break;
        case OP_POP:
            sp--;
            break;
        case OP_DUP:
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case OP_LOADL:
            stack[sp++] = stack[fp + code[pc++]];
            break;
        case OP_STOREL:
            stack[fp + code[pc++]] = stack[--sp];
            break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 63); break;
        case OP_LT:  sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JMP:
            pc = code[pc];
            break;
        case OP_JZ:
            if (stack[--sp] == 0)
                pc = code[pc];
            else
                pc++;
            break;
        case OP_CALL: {           /* CALL target nargs */
            int32_t target = code[pc], n = code[pc + 1];
            if (nf == FRAME_MAX || sp >= STACK_MAX - 64) {
                printf("vm: stack overflow\n");
                exit(1);
            }
            frames[nf].ret = pc + 2;
            frames[nf].fp = fp;
            nf++;
            fp = sp - n;
            pc = target;
            break;
        }
        case OP_RET: {
            uint64_t v = stack[sp - 1];
            sp = fp;
            nf--;
            fp = frames[nf].fp;
            pc = frames[nf].ret;
            stack[sp++] = v;
            break;
        }
        default:
            printf("vm: bad opcode %d at %d\n", op, pc - 1);
            exit(1);
        }
    }
}

enum { L_FIB, L_FIB_REC, L_LOOP, L_LOOP_TOP, L_LOOP_END };

int main(int argc, char **argv)
{
    long reps = bench_reps(argc, argv, 40);
    uint64_t sum = 0;

    /* fib(n): if n < 2 return n; return fib(n-1) + fib(n-2) */
    here(L_FIB);
    emit_op(OP_LOADL, 0); emit_op(OP_PUSH, 2); emit(OP_LT);
    emit_jump(OP_JZ, L_FIB_REC);
    emit_op(OP_LOADL, 0); emit(OP_RET);
    here(L_FIB_REC);
    emit_op(OP_LOADL, 0); emit_op(OP_PUSH, 1); emit(OP_SUB);
    emit_jump(OP_CALL, L_FIB); emit(1);
    emit_op(OP_LOADL, 0); emit_op(OP_PUSH, 2); emit(OP_SUB);
    emit_jump(OP_CALL, L_FIB); emit(1);
    emit(OP_ADD); emit(OP_RET);
    int32_t fib_main = ncode;          /* entry: n on the stack */
    emit_jump(OP_CALL, L_FIB); emit(1);
    emit(OP_HALT);

    /* loop(n): locals n, i = 0, acc = 7;
     * while (i < n) { acc = acc * 31 + (i ^ (i >> 3)) ^ (acc >> 29); i = i + 1 } */
    here(L_LOOP);
    emit_op(OP_PUSH, 0); emit_op(OP_PUSH, 7);
    here(L_LOOP_TOP);
    emit_op(OP_LOADL, 1); emit_op(OP_LOADL, 0); emit(OP_LT);
    emit_jump(OP_JZ, L_LOOP_END);
    emit_op(OP_LOADL, 2); emit_op(OP_PUSH, 31); emit(OP_MUL);
    emit_op(OP_LOADL, 1); emit(OP_DUP); emit_op(OP_PUSH, 3); emit(OP_SHR); emit(OP_XOR);
    emit(OP_ADD);
    emit_op(OP_LOADL, 2); emit_op(OP_PUSH, 29); emit(OP_SHR); emit(OP_XOR);
    emit_op(OP_STOREL, 2);
    emit_op(OP_LOADL, 1); emit_op(OP_PUSH, 1); emit(OP_ADD); emit_op(OP_STOREL, 1);
    emit_jump(OP_JMP, L_LOOP_TOP);
    here(L_LOOP_END);
    emit_op(OP_LOADL, 2); emit(OP_HALT);
    link_labels();

    uint64_t twenty = 20;
    if (run(fib_main, &twenty, 1) != 6765) {
        printf("vm: self-check fib(20) FAILED\n");
        return 1;
    }

    for (long i = 0; i < reps; i++) {
        uint64_t n = 20 + (uint64_t)(i % 2);
        sum = mix(sum, run(fib_main, &n, 1));
        uint64_t m = 100000 + (uint64_t)i;
        sum = mix(sum, run(label_at[L_LOOP], &m, 1));
    }
    bench_report("vm", reps, sum);
    return 0;
}
