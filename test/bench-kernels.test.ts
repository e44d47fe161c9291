/**
 * The benchmark kernels: their closed-form Wasm instruction counts agree with a counting
 * interpreter, and rwasm-ts (fuel on and off) computes what that interpreter (and V8) compute.
 */
import { describe, expect, it } from 'vitest';
import { Machine, compileWasm } from '../src/index.js';
import { BENCH_KERNELS } from '../bench/support/kernels.js';
import { HOST_HAS_WEBASSEMBLY, hostWasm } from './support/host-webassembly.js';
import { WasmCounter } from './support/wasm-counter.js';

const SIZES: Record<string, number[]> = {
  fib: [0, 1, 2, 3, 7, 12],
  sum: [0, 1, 2, 17, 500],
  hash: [0, 1, 2, 17, 300],
  memory: [1, 2, 3, 9, 40],
  calls: [0, 1, 2, 17, 300],
};

function runRwasm(wasm: Uint8Array, n: number, consumeFuel: boolean): number {
  const { module } = compileWasm(wasm, { entrypointName: 'run', consumeFuel });
  const machine = new Machine(module, { fuelLimit: consumeFuel ? 1n << 50n : undefined });
  machine.instantiate();
  const outcome = machine.run({ params: [n], resultWords: 1 });
  if (outcome.status !== 'returned') throw new Error(`run(${n}) ended ${outcome.status}`);
  return outcome.results[0]! | 0;
}

describe.each(BENCH_KERNELS.map((k) => [k.name, k] as const))('kernel %s', (name, kernel) => {
  for (const n of SIZES[name]!) {
    it(`run(${n}): the closed form counts the instructions; rwasm-ts computes the same result`, () => {
      const counter = new WasmCounter(kernel.wasm);
      const [expected] = counter.invoke('run', [n]);
      expect(counter.count).toBe(kernel.instructions(n));
      expect(runRwasm(kernel.wasm, n, false)).toBe(expected);
      expect(runRwasm(kernel.wasm, n, true)).toBe(expected);
      if (HOST_HAS_WEBASSEMBLY) {
        const { Module, Instance } = hostWasm();
        const run = new Instance(new Module(kernel.wasm), {}).exports.run as (n: number) => number;
        expect(run(n)).toBe(expected);
      }
    });
  }
});
