/*
 * BLAKE2b-512 (RFC 7693, unkeyed, 64-byte digest) over a generated message of n KiB:
 * u64 lanes, 12 rounds of the G mixing function per 128-byte block.
 *
 * The message is n * 256 little-endian 32-bit words from a xorshift32 generator
 * (seed 0x2545F491), streamed 1 KiB at a time. run(n) returns the FNV-1a (32-bit)
 * fold of the 64 digest bytes.
 */
#include "freestanding.h"

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

static const u64 IV[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static const u8 SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

struct blake2b {
  u64 h[8];
  u64 t;        /* bytes compressed so far (messages here stay below 2^64) */
  u8 block[128];
  u32 fill;     /* bytes waiting in block; a full block waits until more data comes */
};

static inline u64 rotr64(u64 v, int r) { return (v >> r) | (v << (64 - r)); }

#define G(a, b, c, d, x, y)       \
  do {                            \
    v[a] = v[a] + v[b] + (x);     \
    v[d] = rotr64(v[d] ^ v[a], 32); \
    v[c] = v[c] + v[d];           \
    v[b] = rotr64(v[b] ^ v[c], 24); \
    v[a] = v[a] + v[b] + (y);     \
    v[d] = rotr64(v[d] ^ v[a], 16); \
    v[c] = v[c] + v[d];           \
    v[b] = rotr64(v[b] ^ v[c], 63); \
  } while (0)

static void compress(struct blake2b *s, const u8 *p, int last) {
  u64 m[16], v[16];
  for (int i = 0; i < 16; i++) {
    u64 w = 0;
    for (int j = 7; j >= 0; j--) w = (w << 8) | p[8 * i + j];
    m[i] = w;
  }
  for (int i = 0; i < 8; i++) {
    v[i] = s->h[i];
    v[i + 8] = IV[i];
  }
  v[12] ^= s->t;
  if (last) v[14] = ~v[14];
  for (int r = 0; r < 12; r++) {
    const u8 *z = SIGMA[r % 10];
    G(0, 4, 8, 12, m[z[0]], m[z[1]]);
    G(1, 5, 9, 13, m[z[2]], m[z[3]]);
    G(2, 6, 10, 14, m[z[4]], m[z[5]]);
    G(3, 7, 11, 15, m[z[6]], m[z[7]]);
    G(0, 5, 10, 15, m[z[8]], m[z[9]]);
    G(1, 6, 11, 12, m[z[10]], m[z[11]]);
    G(2, 7, 8, 13, m[z[12]], m[z[13]]);
    G(3, 4, 9, 14, m[z[14]], m[z[15]]);
  }
  for (int i = 0; i < 8; i++) s->h[i] ^= v[i] ^ v[i + 8];
}

static void blake2b_init(struct blake2b *s) {
  for (int i = 0; i < 8; i++) s->h[i] = IV[i];
  s->h[0] ^= 0x01010000ull ^ 64;  /* depth 1, fanout 1, no key, 64-byte digest */
  s->t = 0;
  s->fill = 0;
}

static void blake2b_update(struct blake2b *s, const u8 *p, u32 len) {
  while (len > 0) {
    if (s->fill == 128) {  /* more data follows, so the buffered block is not the last */
      s->t += 128;
      compress(s, s->block, 0);
      s->fill = 0;
    }
    if (s->fill == 0 && len > 128) {
      s->t += 128;
      compress(s, p, 0);
      p += 128;
      len -= 128;
      continue;
    }
    s->block[s->fill++] = *p++;
    len--;
  }
}

static void blake2b_final(struct blake2b *s, u8 out[64]) {
  s->t += s->fill;
  while (s->fill < 128) s->block[s->fill++] = 0;
  compress(s, s->block, 1);
  for (int i = 0; i < 64; i++) out[i] = (u8)(s->h[i >> 3] >> (8 * (i & 7)));
}

static struct blake2b state;
static u32 chunk[256];  /* 1 KiB of message */

int run(int n) {
  u32 x = 0x2545F491;
  blake2b_init(&state);
  for (int kib = 0; kib < n; kib++) {
    for (int i = 0; i < 256; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      chunk[i] = x;
    }
    blake2b_update(&state, (const u8 *)chunk, sizeof chunk);
  }
  u8 digest[64];
  blake2b_final(&state, digest);
  u32 f = 2166136261u;
  for (int i = 0; i < 64; i++) f = (f ^ digest[i]) * 16777619u;
  return (int)f;
}
