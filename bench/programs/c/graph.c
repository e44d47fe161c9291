/*
 * Dijkstra's shortest paths with an indexed binary heap (decrease-key) on generated
 * graphs in compressed-sparse-row form.
 *
 * run(n) works on n * 256 nodes in total, in graphs of at most CHUNK nodes. Each graph
 * is a grid 64 nodes wide whose neighbours are joined both ways by an edge of weight
 * 1..256, plus two one-way shortcuts per node to pseudo-random nodes (weight
 * 64..1087); all weights and targets come from a hash of the endpoints and the graph's
 * index. Shortest paths are computed from two sources (the first and the last node);
 * every edge is then checked to be relaxed (dist[v] <= dist[u] + w). The result folds
 * every distance, the number of reachable nodes and the number of failed checks.
 */
#include "freestanding.h"

typedef unsigned int u32;

#define WIDTH 64
#define CHUNK 32768
#define MAX_DEGREE 6
#define INF 0xffffffffu

static u32 first_edge[CHUNK + 1];
static u32 edge_to[CHUNK * MAX_DEGREE];
static u32 edge_w[CHUNK * MAX_DEGREE];
static u32 dist[CHUNK];
static u32 heap[CHUNK];
static int heap_pos[CHUNK];  /* index in heap, or -1 */
static int heap_len;

static inline u32 mix(u32 x) {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

static u32 grid_weight(u32 a, u32 b, u32 seed) {  /* symmetric in a, b */
  u32 lo = a < b ? a : b, hi = a < b ? b : a;
  return 1 + (mix(lo * 0x9e3779b1u ^ mix(hi + seed)) & 255);
}

static void build(u32 nodes, u32 seed) {
  u32 rows = nodes / WIDTH;
  u32 e = 0;
  for (u32 v = 0; v < nodes; v++) {
    u32 r = v / WIDTH, c = v % WIDTH;
    first_edge[v] = e;
    if (c + 1 < WIDTH) { edge_to[e] = v + 1; edge_w[e++] = grid_weight(v, v + 1, seed); }
    if (c > 0) { edge_to[e] = v - 1; edge_w[e++] = grid_weight(v, v - 1, seed); }
    if (r + 1 < rows) { edge_to[e] = v + WIDTH; edge_w[e++] = grid_weight(v, v + WIDTH, seed); }
    if (r > 0) { edge_to[e] = v - WIDTH; edge_w[e++] = grid_weight(v, v - WIDTH, seed); }
    for (u32 k = 0; k < 2; k++) {
      u32 h = mix(v * 2 + k + seed * 0x85ebca6bu);
      edge_to[e] = h % nodes;
      edge_w[e++] = 64 + ((h >> 16) & 1023);
    }
  }
  first_edge[nodes] = e;
}

static void heap_swap(int i, int j) {
  u32 a = heap[i], b = heap[j];
  heap[i] = b;
  heap[j] = a;
  heap_pos[b] = i;
  heap_pos[a] = j;
}

static void sift_up(int i) {
  while (i > 0) {
    int parent = (i - 1) >> 1;
    if (dist[heap[parent]] <= dist[heap[i]]) break;
    heap_swap(i, parent);
    i = parent;
  }
}

static void sift_down(int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, best = i;
    if (l < heap_len && dist[heap[l]] < dist[heap[best]]) best = l;
    if (r < heap_len && dist[heap[r]] < dist[heap[best]]) best = r;
    if (best == i) break;
    heap_swap(i, best);
    i = best;
  }
}

static void dijkstra(u32 nodes, u32 source) {
  for (u32 v = 0; v < nodes; v++) {
    dist[v] = INF;
    heap_pos[v] = -1;
  }
  heap_len = 0;
  dist[source] = 0;
  heap[0] = source;
  heap_pos[source] = 0;
  heap_len = 1;
  while (heap_len > 0) {
    u32 u = heap[0];
    heap_len--;
    heap_pos[u] = -1;
    if (heap_len > 0) {
      heap[0] = heap[heap_len];
      heap_pos[heap[0]] = 0;
      sift_down(0);
    }
    u32 du = dist[u];
    for (u32 e = first_edge[u]; e < first_edge[u + 1]; e++) {
      u32 v = edge_to[e], nd = du + edge_w[e];
      if (nd < dist[v]) {
        dist[v] = nd;
        if (heap_pos[v] < 0) {
          heap[heap_len] = v;
          heap_pos[v] = heap_len;
          heap_len++;
        }
        sift_up(heap_pos[v]);
      }
    }
  }
}

int run(int n) {
  u32 fold = 0x811c9dc5, reachable = 0, failures = 0;
  int remaining = n > 0 ? n * 256 : 0;
  for (u32 g = 0; remaining > 0; g++) {
    u32 nodes = remaining < CHUNK ? (u32)remaining : CHUNK;
    remaining -= (int)nodes;
    build(nodes, g + 1);
    for (u32 s = 0; s < 2; s++) {
      dijkstra(nodes, s == 0 ? 0 : nodes - 1);
      u32 sum = 0;
      for (u32 v = 0; v < nodes; v++) {
        if (dist[v] == INF) continue;
        reachable++;
        sum += dist[v];
        fold = (fold ^ dist[v]) * 16777619u;
        for (u32 e = first_edge[v]; e < first_edge[v + 1]; e++)
          if (dist[edge_to[e]] > dist[v] + edge_w[e]) failures++;
      }
      fold ^= sum;
    }
  }
  return (int)(fold ^ (reachable << 7) ^ (failures * 0x9e3779b9u));
}
