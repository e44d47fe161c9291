/*
 * Keccak-256 (the original Keccak padding used by Ethereum, not SHA3-256) over a
 * generated message of n KiB. The permutation is keccak-f[1600] on 25 u64 lanes with
 * the full theta / rho / pi / chi / iota round, unrolled within a round; its constant
 * tables are checked against the specification's recurrences on every run.
 *
 * The message is n * 256 little-endian 32-bit words from a xorshift32 generator
 * (seed 0x2545F491), streamed 1 KiB at a time (1024 is not a multiple of the 136-byte
 * rate, so blocks straddle chunks). run(n) returns the FNV-1a (32-bit) fold of the 32
 * hash bytes.
 */
#include "freestanding.h"

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define RATE 136

/* Round constants, rotation offsets (lane x + 5y) and the pi destination of each lane,
 * as constants so the unrolled round uses immediate rotations. run() re-derives all
 * three from the specification's recurrences and counts any disagreement. */
static const u64 RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};
static const int ROT[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                            25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
static const int PI[25] = {0, 10, 20, 5,  15, 16, 1,  11, 21, 6, 7,  17, 2,
                           12, 22, 23, 8,  18, 3, 13, 14, 24, 9, 19, 4};

static inline u64 rotl64(u64 v, int r) { return r == 0 ? v : (v << r) | (v >> (64 - r)); }

/* The number of table entries that disagree with the specification. */
static int check_constants(void) {
  int bad = 0;
  /* rho: starting at (1, 0), offsets (t + 1)(t + 2) / 2 along (x, y) -> (y, 2x + 3y). */
  int rot[25];
  rot[0] = 0;
  int x = 1, y = 0;
  for (int t = 0; t < 24; t++) {
    rot[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
    int nx = y, ny = (2 * x + 3 * y) % 5;
    x = nx;
    y = ny;
  }
  for (int i = 0; i < 25; i++) bad += rot[i] != ROT[i];
  /* pi: B[y, 2x + 3y] = A[x, y]. */
  for (x = 0; x < 5; x++)
    for (y = 0; y < 5; y++) bad += PI[x + 5 * y] != y + 5 * ((2 * x + 3 * y) % 5);
  /* iota: bit 2^j - 1 of RC[i] is rc(j + 7i), rc from the LFSR x^8 + x^6 + x^5 + x^4 + 1. */
  /* (built and compared as 32-bit halves: with codeSnippets off, rwasm compilers
   * mistranslate i64 comparisons, a quirk of the reference compiler kept on purpose) */
  u32 lfsr = 1;
  for (int i = 0; i < 24; i++) {
    u32 lo = 0, hi = 0;
    for (int j = 0; j < 7; j++) {
      int bit = (1 << j) - 1;
      if (lfsr & 1) {
        if (bit < 32) lo |= 1u << bit;
        else hi |= 1u << (bit - 32);
      }
      lfsr <<= 1;
      if (lfsr & 0x100) lfsr ^= 0x171;
    }
    bad += (lo != (u32)RC[i]) + (hi != (u32)(RC[i] >> 32));
  }
  return bad;
}

static void keccak_f(u64 a[25]) {
  u64 c[5], d[5], b[25];
  for (int round = 0; round < 24; round++) {
#pragma clang loop unroll(full)
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma clang loop unroll(full)
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
#pragma clang loop unroll(full)
    for (int i = 0; i < 25; i++) b[PI[i]] = rotl64(a[i] ^ d[i % 5], ROT[i]);       /* theta, rho, pi */
#pragma clang loop unroll(full)
    for (int y = 0; y < 25; y += 5)
#pragma clang loop unroll(full)
      for (int x = 0; x < 5; x++)
        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);  /* chi */
    a[0] ^= RC[round];                                                       /* iota */
  }
}

struct keccak {
  u64 a[25];
  u32 pos;  /* byte position inside the current rate block */
};

static void keccak_init(struct keccak *s) {
  for (int i = 0; i < 25; i++) s->a[i] = 0;
  s->pos = 0;
}

static inline void xor_byte(struct keccak *s, u32 pos, u8 v) {
  s->a[pos >> 3] ^= (u64)v << (8 * (pos & 7));
}

static void keccak_update(struct keccak *s, const u8 *p, u32 len) {
  while (len > 0) {
    if (s->pos == 0 && len >= RATE) {
      for (int i = 0; i < RATE / 8; i++) {
        u64 lane = 0;
        for (int j = 7; j >= 0; j--) lane = (lane << 8) | p[8 * i + j];
        s->a[i] ^= lane;
      }
      keccak_f(s->a);
      p += RATE;
      len -= RATE;
      continue;
    }
    xor_byte(s, s->pos++, *p++);
    len--;
    if (s->pos == RATE) {
      keccak_f(s->a);
      s->pos = 0;
    }
  }
}

static void keccak_final(struct keccak *s, u8 out[32]) {
  xor_byte(s, s->pos, 0x01);
  xor_byte(s, RATE - 1, 0x80);
  keccak_f(s->a);
  for (int i = 0; i < 32; i++) out[i] = (u8)(s->a[i >> 3] >> (8 * (i & 7)));
}

static struct keccak state;
static u32 chunk[256];  /* 1 KiB of message */

int run(int n) {
  u32 x = 0x2545F491;
  keccak_init(&state);
  for (int kib = 0; kib < n; kib++) {
    for (int i = 0; i < 256; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      chunk[i] = x;
    }
    keccak_update(&state, (const u8 *)chunk, sizeof chunk);
  }
  u8 hash[32];
  keccak_final(&state, hash);
  u32 f = 2166136261u;
  for (int i = 0; i < 32; i++) f = (f ^ hash[i]) * 16777619u;
  return (int)(f ^ (u32)check_constants() * 0x9e3779b9u);
}
