/*
 * Integer matrix products: run(n) multiplies n pairs of generated 64 x 64 (16k with
 * k = 4) int32 matrices, C = A * B with wrapping 32-bit arithmetic (unsigned in C, so
 * overflow is defined), in i-k-j loop order, then folds every element of C into the
 * result. A and B are refilled from a 32-bit LCG for every product; half the entries
 * are small signed values, half full-width words.
 */
#include "freestanding.h"

typedef unsigned int u32;

#define DIM 64

static u32 A[DIM][DIM], B[DIM][DIM], C[DIM][DIM];

static u32 lcg;
static inline u32 next(void) {
  lcg = lcg * 1103515245u + 12345u;
  return lcg;
}

static void fill(u32 m[DIM][DIM]) {
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      u32 r = next();
      m[i][j] = (i + j) & 1 ? r : (u32)((int)(r >> 16) % 201 - 100);
    }
}

static void multiply(void) {
  for (int i = 0; i < DIM; i++) {
    for (int j = 0; j < DIM; j++) C[i][j] = 0;
    for (int k = 0; k < DIM; k++) {
      u32 a = A[i][k];
      for (int j = 0; j < DIM; j++) C[i][j] += a * B[k][j];
    }
  }
}

int run(int n) {
  lcg = 0x13579bdf;
  u32 fold = 0x811c9dc5;
  for (int r = 0; r < n; r++) {
    fill(A);
    fill(B);
    multiply();
    for (int i = 0; i < DIM; i++)
      for (int j = 0; j < DIM; j++) fold = (fold ^ C[i][j]) * 16777619u;
  }
  return (int)fold;
}
