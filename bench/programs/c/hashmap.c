/*
 * An open-addressing hash map from u32 keys to u32 values: Fibonacci hashing, linear
 * probing, and backward-shift deletion (no tombstones).
 *
 * run(n) performs n * 1024 insertions in total, in rounds of at most CHUNK keys, each
 * on an emptied table of the smallest power-of-two size >= 2 * (its keys) slots. In a round of m keys: m upserts (value += i) of
 * keys drawn from 1.5 * m distinct pseudo-random keys, m lookups, m / 2 deletions and
 * m more lookups (keys from the same distribution, so about half hit), then a scan of
 * the table, whose live-entry count must match the inserts minus deletes. The result
 * folds the lookup sums, hit counts, the scanned entries and the failed checks.
 */
#include "freestanding.h"

typedef unsigned int u32;

#define CHUNK 131072
#define MAX_SLOT_BITS 18  /* 2 * CHUNK slots */

static u32 keys[1u << MAX_SLOT_BITS];  /* 0 = empty */
static u32 vals[1u << MAX_SLOT_BITS];
static u32 slot_bits, slots, mask;  /* the current round's table: at least twice its keys */
static u32 live;

static inline u32 home(u32 key) { return (key * 0x9e3779b1u) >> (32 - slot_bits); }

static inline u32 mix(u32 x) {
  x ^= x >> 16;
  x *= 0x21f0aaad;
  x ^= x >> 15;
  x *= 0x735a2d97;
  x ^= x >> 15;
  return x;
}

static u32 rng;
static u32 random_key(u32 range) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  u32 k = mix(rng % range);
  return k ? k : 1;
}

static void clear(u32 m) {
  slot_bits = 10;
  while ((1u << slot_bits) < 2 * m) slot_bits++;
  slots = 1u << slot_bits;
  mask = slots - 1;
  for (u32 i = 0; i < slots; i++) keys[i] = 0;
  live = 0;
}

/* returns 1 when the key is new */
static int upsert(u32 key, u32 add) {
  u32 i = home(key);
  for (;;) {
    if (keys[i] == key) {
      vals[i] += add;
      return 0;
    }
    if (keys[i] == 0) {
      keys[i] = key;
      vals[i] = add;
      live++;
      return 1;
    }
    i = (i + 1) & mask;
  }
}

/* returns the slot holding key, or -1 */
static int find(u32 key) {
  u32 i = home(key);
  for (;;) {
    if (keys[i] == key) return (int)i;
    if (keys[i] == 0) return -1;
    i = (i + 1) & mask;
  }
}

static int erase(u32 key) {
  int found = find(key);
  if (found < 0) return 0;
  u32 hole = (u32)found;
  u32 j = hole;
  for (;;) {
    j = (j + 1) & mask;
    if (keys[j] == 0) break;
    u32 h = home(keys[j]);
    /* the entry at j may move into the hole unless its home lies in (hole, j] */
    int stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
    if (stays) continue;
    keys[hole] = keys[j];
    vals[hole] = vals[j];
    hole = j;
  }
  keys[hole] = 0;
  live--;
  return 1;
}

int run(int n) {
  rng = 0x2545f491;
  u32 fold = 0x811c9dc5, failures = 0;
  int remaining = n > 0 ? n * 1024 : 0;
  while (remaining > 0) {
    u32 m = remaining < CHUNK ? (u32)remaining : CHUNK;
    remaining -= (int)m;
    u32 range = m + m / 2;
    clear(m);
    u32 inserted = 0, deleted = 0;
    for (u32 i = 0; i < m; i++) inserted += upsert(random_key(range), i);
    u32 sum = 0, hits = 0;
    for (u32 i = 0; i < m; i++) {
      int s = find(random_key(range));
      if (s >= 0) {
        hits++;
        sum += vals[s] ^ i;
      }
    }
    fold = (fold ^ sum) * 16777619u;
    fold = (fold ^ hits) * 16777619u;
    for (u32 i = 0; i < m / 2; i++) deleted += erase(random_key(range));
    sum = hits = 0;
    for (u32 i = 0; i < m; i++) {
      int s = find(random_key(range));
      if (s >= 0) {
        hits++;
        sum += vals[s] * (i | 1);
      }
    }
    fold = (fold ^ sum) * 16777619u;
    fold = (fold ^ hits) * 16777619u;
    u32 scanned = 0;
    for (u32 i = 0; i < slots; i++) {
      if (keys[i] == 0) continue;
      scanned++;
      if (find(keys[i]) != (int)i) failures++;
      fold += keys[i] ^ (vals[i] << 3);
    }
    if (scanned != inserted - deleted || scanned != live) failures++;
    fold = (fold ^ scanned ^ (deleted << 12)) * 16777619u;
  }
  return (int)(fold ^ (failures * 0x9e3779b9u));
}
