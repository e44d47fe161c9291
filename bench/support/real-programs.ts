/**
 * The real programs of the benchmark report: bench/programs/c/*.wasm (freestanding C compiled
 * by clang -O2, each exporting run(n) -> i32 whose work grows with n; see the README there).
 * No closed-form instruction counts here: every engine runs the same n, so the times compare
 * directly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './shared.js';

export interface RealProgram {
  readonly name: string;
  readonly title: string;
  readonly wasm: Uint8Array;
  /** Sizes to calibrate with, ascending. */
  readonly sizes: readonly number[];
  /** Most of its work is on u64 lanes (lowered to snippet calls or inline pair arithmetic). */
  readonly i64Heavy: boolean;
}

const doubling = (to: number): number[] => {
  const sizes: number[] = [];
  for (let n = 1; n <= to; n *= 2) sizes.push(n);
  return sizes;
};

function program(name: string, computes: string, benchN: number, i64Heavy = false): RealProgram {
  return {
    name,
    title: `${name}: ${computes}`,
    wasm: new Uint8Array(readFileSync(join(benchDir(), 'programs', 'c', `${name}.wasm`))),
    sizes: doubling(benchN),
    i64Heavy,
  };
}

export const REAL_PROGRAMS: readonly RealProgram[] = [
  program('sha256', 'SHA-256, u32 lanes', 4096),
  program('keccak', 'Keccak-256, u64 lanes', 4096, true),
  program('blake2b', 'BLAKE2b-512, u64 lanes', 8192, true),
  program('bigint', '256-bit Montgomery exponentiation, u64 products', 512, true),
  program('sort', 'quicksort, heapsort, merge sort', 128),
  program('bytecode-vm', 'a switch-dispatched bytecode VM', 256),
  program('lz', 'LZ4-style compression round trip', 2048),
  program('graph', 'Dijkstra with an indexed heap', 256),
  program('hashmap', 'open-addressing hash map', 256),
  program('matmul', 'int32 matrix products', 128),
];
