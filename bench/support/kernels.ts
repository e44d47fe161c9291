/**
 * The benchmark kernels (bench/programs/*.wat, each exporting run(n) -> i32) with the number of
 * Wasm instructions one run executes, in closed form. The counting rule is the one of
 * test/support/wasm-counter.ts (every dispatched operator counts, `end`s reached by falling
 * through included), and test/bench-kernels.test.ts checks every formula against it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './shared.js';

export interface BenchKernel {
  readonly name: string;
  readonly title: string;
  readonly wasm: Uint8Array;
  /** Wasm instructions run(n) executes. */
  instructions(n: number): number;
  /** Sizes to calibrate with, ascending; the largest bounds a run's time. */
  readonly sizes: readonly number[];
}

const wasmOf = (name: string) => new Uint8Array(readFileSync(join(benchDir(), 'programs', `${name}.wasm`)));

function fibonacci(n: number): number {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

const geometric = (from: number, to: number, factor = 2): number[] => {
  const sizes: number[] = [];
  for (let n = from; n <= to; n = Math.ceil(n * factor)) sizes.push(n);
  return sizes;
};

export const BENCH_KERNELS: readonly BenchKernel[] = [
  {
    name: 'fib',
    title: '(a) recursive fib',
    wasm: wasmOf('fib'),
    // run: 3; a leaf call 7; an inner call 15; fib(n) makes F(n+1) leaf calls and F(n+1) - 1 inner ones.
    instructions: (n) => 22 * fibonacci(n + 1) - 12,
    sizes: Array.from({ length: 23 }, (_, i) => 10 + i),
  },
  {
    name: 'sum',
    title: '(b) i32 sum loop',
    wasm: wasmOf('sum'),
    // 16 per iteration, 7 for the exit test and the rest.
    instructions: (n) => 16 * n + 7,
    sizes: geometric(1000, 64_000_000),
  },
  {
    name: 'hash',
    title: '(c) i64 hash loop',
    wasm: wasmOf('hash'),
    instructions: (n) => 25 * n + 18,
    sizes: geometric(1000, 32_000_000),
  },
  {
    name: 'memory',
    title: '(d) memory: fill, bubble sort, checksum',
    wasm: wasmOf('memory'),
    // fill and checksum are linear; the n - 1 sorting passes over shrinking prefixes quadratic.
    instructions: (n) => (n === 0 ? 26 : (37 * n * n + 81 * n + 14) / 2),
    sizes: geometric(16, 16384, 1.5).filter((n) => n <= 16384),
  },
  {
    name: 'calls',
    title: '(e) calls (one call_indirect in four)',
    wasm: wasmOf('calls'),
    instructions: (n) => 44 * n + 8,
    sizes: geometric(1000, 32_000_000),
  },
];
