/*
 * A switch-dispatched stack-machine interpreter (25 opcodes: constants, stack
 * shuffles, frame locals, sandboxed memory loads/stores, i32 arithmetic and
 * comparisons, jumps, calls and returns) running a bytecode program assembled
 * in-program: a sieve of Eratosthenes over `limit` cells of VM memory, a pass that
 * counts the primes and folds each one into a hash through a bytecode function call,
 * and a recursive fib(18).
 *
 * run(n) sieves n * 1024 numbers in total, in pieces of at most CHUNK (the VM's
 * memory); the result folds every piece's VM result with its index.
 */
#include "freestanding.h"

typedef unsigned int u32;

enum {
  HALT, PUSH, POP, DUP, SWAP, LGET, LSET, LTEE, MLOAD, MSTORE,
  ADD, SUB, MUL, AND, OR, XOR, SHL, SHRU, LTS, EQ,
  JMP, JZ, JNZ, CALL, RET,
};

#define CHUNK 262144           /* VM memory cells */
#define MEM_MASK (CHUNK - 1)
#define STACK 4096
#define FRAMES 1024
#define VM_ERROR 0x7fff0000

static int mem[CHUNK];
static int stack[STACK];
static int frames[2 * FRAMES];

static int vm_exec(const int *code, int arg) {
  int pc = 0, sp = 0, bp = 0, fp = 0;
  stack[sp++] = arg;
  for (;;) {
    int op = code[pc++];
    switch (op) {
      case HALT:
        return stack[sp - 1];
      case PUSH:
        stack[sp++] = code[pc++];
        break;
      case POP:
        sp--;
        break;
      case DUP:
        stack[sp] = stack[sp - 1];
        sp++;
        break;
      case SWAP: {
        int t = stack[sp - 1];
        stack[sp - 1] = stack[sp - 2];
        stack[sp - 2] = t;
        break;
      }
      case LGET:
        stack[sp++] = stack[bp + code[pc++]];
        break;
      case LSET:
        stack[bp + code[pc++]] = stack[--sp];
        break;
      case LTEE:
        stack[bp + code[pc++]] = stack[sp - 1];
        break;
      case MLOAD:
        stack[sp - 1] = mem[stack[sp - 1] & MEM_MASK];
        break;
      case MSTORE:
        mem[stack[sp - 2] & MEM_MASK] = stack[sp - 1];
        sp -= 2;
        break;
#define BINARY(OP, EXPR)                 \
  case OP: {                             \
    u32 b = (u32)stack[--sp];            \
    u32 a = (u32)stack[sp - 1];          \
    stack[sp - 1] = (int)(EXPR);         \
    break;                               \
  }
      BINARY(ADD, a + b)
      BINARY(SUB, a - b)
      BINARY(MUL, a * b)
      BINARY(AND, a & b)
      BINARY(OR, a | b)
      BINARY(XOR, a ^ b)
      BINARY(SHL, a << (b & 31))
      BINARY(SHRU, a >> (b & 31))
      BINARY(LTS, (int)a < (int)b)
      BINARY(EQ, a == b)
#undef BINARY
      case JMP:
        pc = code[pc];
        break;
      case JZ:
        pc = stack[--sp] == 0 ? code[pc] : pc + 1;
        break;
      case JNZ:
        pc = stack[--sp] != 0 ? code[pc] : pc + 1;
        break;
      case CALL: {  /* CALL target nargs nlocals */
        int target = code[pc], nargs = code[pc + 1], nlocals = code[pc + 2];
        if (fp >= 2 * FRAMES || sp + nlocals + 64 > STACK) return VM_ERROR;
        frames[fp++] = pc + 3;
        frames[fp++] = bp;
        bp = sp - nargs;
        for (int i = nargs; i < nlocals; i++) stack[sp++] = 0;
        pc = target;
        break;
      }
      case RET: {
        int v = stack[--sp];
        sp = bp;
        bp = frames[--fp];
        pc = frames[--fp];
        stack[sp++] = v;
        break;
      }
      default:
        return VM_ERROR + 1;
    }
  }
}

/* ---- a tiny assembler with forward labels ---- */

enum {
  L_MAIN, L_MIX, L_FIB, L_CLEAR, L_CLEAR_DONE, L_OUTER, L_INNER, L_NEXT_I, L_OUTER_DONE,
  L_COUNT, L_COUNT_NEXT, L_COUNT_DONE, L_FIB_REC, L_COUNT_LABELS,
};

static int code[512];
static int code_len;
static int label_pc[L_COUNT_LABELS];
static int fixup_at[64], fixup_label[64], fixups;

static void e1(int op) { code[code_len++] = op; }
static void e2(int op, int imm) { e1(op); e1(imm); }
static void jump(int op, int label) {
  e1(op);
  fixup_at[fixups] = code_len;
  fixup_label[fixups++] = label;
  e1(-1);
}
static void call(int label, int nargs, int nlocals) {
  jump(CALL, label);
  e1(nargs);
  e1(nlocals);
}
static void here(int label) { label_pc[label] = code_len; }

static void assemble(void) {
  code_len = 0;
  fixups = 0;
  /* entry: the argument is already on the stack */
  call(L_MAIN, 1, 5);
  e1(HALT);

  /* main(limit): locals 0 limit, 1 i, 2 j, 3 count, 4 hash */
  here(L_MAIN);
  e2(PUSH, 0); e2(LSET, 1);
  here(L_CLEAR);                                    /* for i in [0, limit): mem[i] = 0 */
  e2(LGET, 1); e2(LGET, 0); e1(LTS); jump(JZ, L_CLEAR_DONE);
  e2(LGET, 1); e2(PUSH, 0); e1(MSTORE);
  e2(LGET, 1); e2(PUSH, 1); e1(ADD); e2(LSET, 1);
  jump(JMP, L_CLEAR);
  here(L_CLEAR_DONE);
  e2(PUSH, 2); e2(LSET, 1);
  here(L_OUTER);                                    /* for i = 2; i * i < limit; i++ */
  e2(LGET, 1); e1(DUP); e1(MUL); e2(LGET, 0); e1(LTS); jump(JZ, L_OUTER_DONE);
  e2(LGET, 1); e1(MLOAD); jump(JNZ, L_NEXT_I);       /* composite: skip */
  e2(LGET, 1); e1(DUP); e1(MUL); e2(LSET, 2);
  here(L_INNER);                                    /* for j = i * i; j < limit; j += i */
  e2(LGET, 2); e2(LGET, 0); e1(LTS); jump(JZ, L_NEXT_I);
  e2(LGET, 2); e2(PUSH, 1); e1(MSTORE);
  e2(LGET, 2); e2(LGET, 1); e1(ADD); e2(LSET, 2);
  jump(JMP, L_INNER);
  here(L_NEXT_I);
  e2(LGET, 1); e2(PUSH, 1); e1(ADD); e2(LSET, 1);
  jump(JMP, L_OUTER);
  here(L_OUTER_DONE);
  e2(PUSH, 0); e2(LSET, 3);
  e2(PUSH, (int)0x811c9dc5); e2(LSET, 4);
  e2(PUSH, 2); e2(LSET, 1);
  here(L_COUNT);                                    /* for i in [2, limit) */
  e2(LGET, 1); e2(LGET, 0); e1(LTS); jump(JZ, L_COUNT_DONE);
  e2(LGET, 1); e1(MLOAD); jump(JNZ, L_COUNT_NEXT);
  e2(LGET, 3); e2(PUSH, 1); e1(ADD); e2(LSET, 3);   /* count++ */
  e2(LGET, 4); e2(LGET, 1); call(L_MIX, 2, 2); e2(LSET, 4);
  here(L_COUNT_NEXT);
  e2(LGET, 1); e2(PUSH, 1); e1(ADD); e2(LSET, 1);
  jump(JMP, L_COUNT);
  here(L_COUNT_DONE);
  e2(PUSH, 18); call(L_FIB, 1, 1);
  e2(LGET, 4); e1(XOR);
  e2(LGET, 3); e2(PUSH, 16); e1(SHL); e1(XOR);
  e2(LGET, 3); e2(PUSH, 0); e1(EQ); e1(OR);         /* keep EQ / OR / SWAP / LTEE / POP / AND / SUB busy */
  e2(PUSH, -1); e1(SWAP); e1(SUB); e2(PUSH, -1); e1(XOR);
  e2(LTEE, 3); e1(POP); e2(LGET, 3);
  e2(PUSH, -1); e1(AND);
  e1(RET);

  /* mix(h, x) = ((h ^ x) * 16777619) ^ (that >> 13) */
  here(L_MIX);
  e2(LGET, 0); e2(LGET, 1); e1(XOR); e2(PUSH, 16777619); e1(MUL);
  e1(DUP); e2(PUSH, 13); e1(SHRU); e1(XOR);
  e1(RET);

  /* fib(k) = k < 2 ? k : fib(k - 1) + fib(k - 2) */
  here(L_FIB);
  e2(LGET, 0); e2(PUSH, 2); e1(LTS); jump(JZ, L_FIB_REC);
  e2(LGET, 0); e1(RET);
  here(L_FIB_REC);
  e2(LGET, 0); e2(PUSH, 1); e1(SUB); call(L_FIB, 1, 1);
  e2(LGET, 0); e2(PUSH, 2); e1(SUB); call(L_FIB, 1, 1);
  e1(ADD); e1(RET);

  for (int i = 0; i < fixups; i++) code[fixup_at[i]] = label_pc[fixup_label[i]];
}

int run(int n) {
  assemble();
  u32 fold = 0x811c9dc5;
  int remaining = n > 0 ? n * 1024 : 0;
  for (u32 piece = 0; remaining > 0; piece++) {
    int limit = remaining < CHUNK ? remaining : CHUNK;
    remaining -= limit;
    u32 r = (u32)vm_exec(code, limit);
    fold = (fold ^ r ^ piece) * 16777619u;
  }
  return (int)fold;
}
