/*
 * 256-bit modular exponentiation with Montgomery multiplication (CIOS), 8 limbs of
 * 32 bits, every limb product a u64 multiply-accumulate.
 *
 * run(n) computes n modular inverses by Fermat's little theorem, inv = base^(m - 2)
 * mod m, alternating between two 256-bit primes (the BN254 base field and the order
 * of the secp256k1 group); each base comes from a xorshift32 generator. The
 * exponentiation uses a fixed 4-bit window. Each inverse is checked with one more
 * Montgomery product (base * inv == 1); the result is a fold of every inverse's limbs
 * and of the number of failed checks.
 */
#include "freestanding.h"

typedef unsigned int u32;
typedef unsigned long long u64;

#define L 8  /* limbs, least significant first */

struct modulus {
  u32 m[L];
  u32 m0inv;  /* -m^-1 mod 2^32 */
  u32 r2[L];  /* R^2 mod m, R = 2^256 */
  u32 one[L]; /* R mod m: 1 in Montgomery form */
};

/* BN254 base field: 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47 */
static const u32 BN254_P[L] = {0xd87cfd47, 0x3c208c16, 0x6871ca8d, 0x97816a91,
                               0x8181585d, 0xb85045b6, 0xe131a029, 0x30644e72};
/* secp256k1 order: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141 */
static const u32 SECP_N[L] = {0xd0364141, 0xbfd25e8c, 0xaf48a03b, 0xbaaedce6,
                              0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff};

/* a >= b */
static int geq(const u32 *a, const u32 *b) {
  for (int i = L - 1; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return 1;
}

/* a -= b, returns the borrow */
static u32 sub_in_place(u32 *a, const u32 *b) {
  u64 borrow = 0;
  for (int i = 0; i < L; i++) {
    u64 d = (u64)a[i] - b[i] - borrow;
    a[i] = (u32)d;
    borrow = (d >> 32) & 1;
  }
  return (u32)borrow;
}

/* out = a * b * R^-1 mod m (inputs < m; out may alias either input) */
static void mont_mul(u32 *out, const u32 *a, const u32 *b, const struct modulus *md) {
  u32 t[L + 2];
  for (int i = 0; i < L + 2; i++) t[i] = 0;
  for (int i = 0; i < L; i++) {
    u64 c = 0;
    u64 bi = b[i];
    for (int j = 0; j < L; j++) {
      u64 s = (u64)t[j] + a[j] * bi + c;
      t[j] = (u32)s;
      c = s >> 32;
    }
    u64 s = (u64)t[L] + c;
    t[L] = (u32)s;
    t[L + 1] = (u32)(s >> 32);

    u64 q = (u32)(t[0] * md->m0inv);
    s = (u64)t[0] + q * md->m[0];
    c = s >> 32;
    for (int j = 1; j < L; j++) {
      s = (u64)t[j] + q * md->m[j] + c;
      t[j - 1] = (u32)s;
      c = s >> 32;
    }
    s = (u64)t[L] + c;
    t[L - 1] = (u32)s;
    t[L] = t[L + 1] + (u32)(s >> 32);
  }
  if (t[L] != 0 || geq(t, md->m)) sub_in_place(t, md->m);
  for (int i = 0; i < L; i++) out[i] = t[i];
}

/* x = 2x mod m, for x < m */
static void double_mod(u32 *x, const u32 *m) {
  u32 carry = 0;
  for (int i = 0; i < L; i++) {
    u32 top = x[i] >> 31;
    x[i] = (x[i] << 1) | carry;
    carry = top;
  }
  if (carry || geq(x, m)) sub_in_place(x, m);
}

static void setup(struct modulus *md, const u32 *m) {
  for (int i = 0; i < L; i++) md->m[i] = m[i];
  u32 inv = m[0];  /* correct to 3 bits for odd m[0]; each Newton step doubles that */
  for (int k = 0; k < 5; k++) inv *= 2 - m[0] * inv;
  md->m0inv = 0u - inv;
  u32 x[L] = {1};
  for (int k = 0; k < 256; k++) double_mod(x, m);
  for (int i = 0; i < L; i++) md->one[i] = x[i];
  for (int k = 0; k < 256; k++) double_mod(x, m);
  for (int i = 0; i < L; i++) md->r2[i] = x[i];
}

/* out = base^e mod m, all in normal form; e is L limbs */
static void mod_pow(u32 *out, const u32 *base, const u32 *e, const struct modulus *md) {
  u32 table[16][L];
  for (int i = 0; i < L; i++) table[0][i] = md->one[i];
  mont_mul(table[1], base, md->r2, md);
  for (int k = 2; k < 16; k++) mont_mul(table[k], table[k - 1], table[1], md);
  u32 acc[L];
  for (int i = 0; i < L; i++) acc[i] = md->one[i];
  for (int nib = 8 * L - 1; nib >= 0; nib--) {
    for (int s = 0; s < 4; s++) mont_mul(acc, acc, acc, md);
    u32 w = (e[nib >> 3] >> (4 * (nib & 7))) & 15;
    mont_mul(acc, acc, table[w], md);
  }
  u32 unit[L] = {1};
  mont_mul(out, acc, unit, md);
}

static struct modulus moduli[2];

int run(int n) {
  setup(&moduli[0], BN254_P);
  setup(&moduli[1], SECP_N);
  u32 x = 0x6b8b4567;
  u32 fold = 0x811c9dc5;
  u32 failures = 0;
  for (int it = 0; it < n; it++) {
    const struct modulus *md = &moduli[it & 1];
    u32 base[L], e[L], inv[L], check[L];
    for (int i = 0; i < L; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      base[i] = x;
    }
    base[L - 1] &= 0x1fffffff;  /* below both moduli */
    base[0] |= 1;               /* nonzero */
    for (int i = 0; i < L; i++) e[i] = md->m[i];
    e[0] -= 2;  /* m - 2; m[0] is odd and > 2, so no borrow */
    mod_pow(inv, base, e, md);
    /* base * inv == 1: mont_mul(base, inv) = base*inv/R, times R^2 / R = base*inv */
    mont_mul(check, base, inv, md);
    mont_mul(check, check, md->r2, md);
    int ok = check[0] == 1;
    for (int i = 1; i < L; i++) ok &= check[i] == 0;
    failures += !ok;
    for (int i = 0; i < L; i++) fold = (fold ^ inv[i]) * 16777619u;
  }
  return (int)(fold ^ (failures * 0x9e3779b9u));
}
