/*
 * An LZ77 compressor and decompressor in the LZ4 block style: a 16K-entry hash table
 * of 4-byte sequences finds matches up to 64 KiB back; each sequence is a token
 * (literal-length and match-length nibbles, with 255-run extensions), the literals,
 * a 16-bit offset and the match-length extension; the last sequence is literals only.
 *
 * The input is n KiB of generated text: words drawn with a skewed distribution from a
 * 512-word vocabulary of random lowercase words, separated by spaces and punctuation,
 * with occasional runs of random bytes. It is compressed in independent blocks of at
 * most CHUNK bytes; each block is decompressed again and compared with the input. The
 * result is the total compressed size xor a fold of the decompressed bytes, xor the
 * number of failed roundtrips.
 */
#include "freestanding.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#define CHUNK 131072
#define HASH_BITS 14
#define MIN_MATCH 4
#define LAST_LITERALS 5   /* the block's tail is always literals */
#define MAX_OFFSET 65535

static u8 input[CHUNK];
static u8 packed[CHUNK + CHUNK / 255 + 64];
static u8 output[CHUNK];
static u32 table[1 << HASH_BITS];  /* position + 1 of the last sequence with that hash; 0 = none */

static u32 rng;
static u32 next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* ---- the text generator ---- */

#define WORDS 512
static u8 vocab[WORDS][10];
static u8 vocab_len[WORDS];

static void make_vocabulary(void) {
  for (int w = 0; w < WORDS; w++) {
    int len = 2 + (int)(next() % 8);
    for (int i = 0; i < len; i++) vocab[w][i] = (u8)('a' + next() % 26);
    vocab_len[w] = (u8)len;
  }
}

static void generate(u8 *dst, int len) {
  int i = 0;
  while (i < len) {
    u32 r = next();
    if ((r & 63) == 0) {          /* a run of noise */
      int run = 4 + (int)((r >> 6) & 7);
      for (int k = 0; k < run && i < len; k++) dst[i++] = (u8)next();
      continue;
    }
    u32 w = (r >> 8) % (1 + ((r >> 20) % WORDS));  /* small indices are common */
    for (int k = 0; k < vocab_len[w] && i < len; k++) dst[i++] = vocab[w][k];
    u32 sep = (r >> 6) & 15;
    if (sep == 0 && i < len) dst[i++] = ',';
    if (sep == 1 && i < len) dst[i++] = '.';
    if (i < len) dst[i++] = sep == 1 ? '\n' : ' ';
  }
}

/* ---- compression ---- */

static inline u32 read32(const u8 *p) {
  return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

static inline u32 hash4(u32 v) { return (v * 2654435761u) >> (32 - HASH_BITS); }

static u8 *put_length(u8 *op, u32 rest) {  /* the 255-run extension of a nibble that was 15 */
  while (rest >= 255) {
    *op++ = 255;
    rest -= 255;
  }
  *op++ = (u8)rest;
  return op;
}

static u8 *put_sequence(u8 *op, const u8 *lit, u32 lit_len, u32 offset, u32 match_len) {
  u32 ml = match_len ? match_len - MIN_MATCH : 0;
  u8 *token = op++;
  *token = (u8)(((lit_len < 15 ? lit_len : 15) << 4) | (ml < 15 ? ml : 15));
  if (lit_len >= 15) op = put_length(op, lit_len - 15);
  for (u32 k = 0; k < lit_len; k++) *op++ = lit[k];
  if (match_len) {
    *op++ = (u8)offset;
    *op++ = (u8)(offset >> 8);
    if (ml >= 15) op = put_length(op, ml - 15);
  }
  return op;
}

static u32 compress(const u8 *src, u32 len, u8 *dst) {
  for (int i = 0; i < (1 << HASH_BITS); i++) table[i] = 0;
  u8 *op = dst;
  u32 anchor = 0, ip = 0;
  u32 match_limit = len > LAST_LITERALS ? len - LAST_LITERALS : 0;
  while (len >= 12 && ip + 12 <= len) {
    u32 seq = read32(src + ip);
    u32 h = hash4(seq);
    u32 cand = table[h];
    table[h] = ip + 1;
    if (cand == 0 || ip - (cand - 1) > MAX_OFFSET || read32(src + cand - 1) != seq) {
      ip++;
      continue;
    }
    u32 ref = cand - 1;
    u32 end = ip + MIN_MATCH;
    while (end < match_limit && src[end] == src[ref + (end - ip)]) end++;
    /* extend backwards over pending literals */
    while (ip > anchor && ref > 0 && src[ip - 1] == src[ref - 1]) {
      ip--;
      ref--;
    }
    op = put_sequence(op, src + anchor, ip - anchor, ip - ref, end - ip);
    if (end >= 2) table[hash4(read32(src + end - 2))] = end - 2 + 1;
    ip = anchor = end;
  }
  op = put_sequence(op, src + anchor, len - anchor, 0, 0);
  return (u32)(op - dst);
}

/* returns the decompressed size, or -1 for malformed input */
static int decompress(const u8 *src, u32 len, u8 *dst, u32 cap) {
  u32 ip = 0, op = 0;
  while (ip < len) {
    u32 token = src[ip++];
    u32 lit = token >> 4;
    if (lit == 15) {
      u32 b;
      do {
        if (ip >= len) return -1;
        b = src[ip++];
        lit += b;
      } while (b == 255);
    }
    if (lit > len - ip || lit > cap - op) return -1;
    for (u32 k = 0; k < lit; k++) dst[op++] = src[ip++];
    if (ip == len) break;  /* the last sequence has no match */
    if (len - ip < 2) return -1;
    u32 offset = src[ip] | ((u32)src[ip + 1] << 8);
    ip += 2;
    u32 ml = (token & 15);
    if (ml == 15) {
      u32 b;
      do {
        if (ip >= len) return -1;
        b = src[ip++];
        ml += b;
      } while (b == 255);
    }
    ml += MIN_MATCH;
    if (offset == 0 || offset > op || ml > cap - op) return -1;
    for (u32 k = 0; k < ml; k++, op++) dst[op] = dst[op - offset];  /* may overlap */
  }
  return (int)op;
}

int run(int n) {
  rng = 0x9e3779b9;
  make_vocabulary();
  u32 packed_total = 0, fold = 0x811c9dc5, failures = 0;
  int remaining = n > 0 ? n * 1024 : 0;
  while (remaining > 0) {
    int len = remaining < CHUNK ? remaining : CHUNK;
    remaining -= len;
    generate(input, len);
    u32 size = compress(input, (u32)len, packed);
    packed_total += size;
    int got = decompress(packed, size, output, CHUNK);
    if (got != len) failures++;
    for (int i = 0; i < len; i++) {
      if (output[i] != input[i]) failures++;
      fold = (fold ^ output[i]) * 16777619u;
    }
  }
  return (int)(packed_total ^ fold ^ (failures * 0x9e3779b9u));
}
