/*
 * Sorting n * 1024 pseudo-random u32s three ways: quicksort (median of three, Hoare
 * partition, insertion sort below 16 elements, recursing into the smaller side),
 * heapsort, and bottom-up merge sort.
 *
 * The keys come from a xorshift32 generator; one in four is squeezed into a range of
 * 256 values so there are many duplicates. They are sorted in chunks of at most
 * CHUNK elements (the generator carries on from chunk to chunk). For each chunk the
 * three results must be sorted and identical; the result folds every sorted key with
 * its position, and the number of failed checks.
 */
#include "freestanding.h"

typedef unsigned int u32;

#define CHUNK 131072

static u32 qs[CHUNK], hs[CHUNK], ms[CHUNK], tmp[CHUNK];

static void insertion_sort(u32 *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    u32 v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static inline void swap(u32 *a, int i, int j) {
  u32 t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(u32 *a, int lo, int hi) {
  while (hi - lo >= 16) {
    int mid = lo + ((hi - lo) >> 1);
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    u32 pivot = a[mid];
    int i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (a[i] < pivot);
      do j--; while (a[j] > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    /* [lo, j] <= pivot <= [j + 1, hi] */
    if (j - lo < hi - j) {
      quicksort(a, lo, j);
      lo = j + 1;
    } else {
      quicksort(a, j + 1, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

static void sift_down(u32 *a, int root, int end) {
  u32 v = a[root];
  for (;;) {
    int child = 2 * root + 1;
    if (child >= end) break;
    if (child + 1 < end && a[child + 1] > a[child]) child++;
    if (a[child] <= v) break;
    a[root] = a[child];
    root = child;
  }
  a[root] = v;
}

static void heapsort(u32 *a, int len) {
  for (int i = len / 2 - 1; i >= 0; i--) sift_down(a, i, len);
  for (int end = len - 1; end > 0; end--) {
    swap(a, 0, end);
    sift_down(a, 0, end);
  }
}

/* sorts a[0, len), using buf as scratch; returns whichever of a / buf holds the result */
static u32 *merge_sort(u32 *a, u32 *buf, int len) {
  u32 *src = a, *dst = buf;
  for (int width = 1; width < len; width *= 2) {
    for (int lo = 0; lo < len; lo += 2 * width) {
      int mid = lo + width < len ? lo + width : len;
      int hi = lo + 2 * width < len ? lo + 2 * width : len;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    u32 *t = src;
    src = dst;
    dst = t;
  }
  return src;
}

int run(int n) {
  u32 x = 0x1234567;
  u32 fold = 0x811c9dc5;
  u32 failures = 0;
  int remaining = n > 0 ? n * 1024 : 0;
  while (remaining > 0) {
    int len = remaining < CHUNK ? remaining : CHUNK;
    remaining -= len;
    for (int i = 0; i < len; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      u32 v = (x & 3) == 0 ? (x >> 24) : x;
      qs[i] = v;
      hs[i] = v;
      ms[i] = v;
    }
    quicksort(qs, 0, len - 1);
    heapsort(hs, len);
    u32 *sorted = merge_sort(ms, tmp, len);
    for (int i = 0; i < len; i++) {
      if (i > 0 && qs[i - 1] > qs[i]) failures++;
      if (hs[i] != qs[i] || sorted[i] != qs[i]) failures++;
      fold = (fold ^ qs[i]) * 16777619u + (u32)i;
    }
  }
  return (int)(fold ^ (failures * 0x9e3779b9u));
}
