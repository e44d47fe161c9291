/**
 * Interpreter throughput on hand-assembled rWasm kernels, in rWasm instructions per second.
 * Run with `npm run bench -- interpreter` (bundled by esbuild, as users run the library).
 */
import { Bench } from 'tinybench';
import { Machine } from '../src/index.js';
import { KERNELS } from './programs.js';

const SIZES: Record<string, number> = { 'i32 arithmetic loop': 2_000_000, 'recursive fib': 25, 'memory load/store loop': 1_000_000 };

const bench = new Bench({ time: 2000, warmupTime: 500 });
const rows: Array<{ kernel: string; 'M instr/s': string; 'ns/instr': string; 'median ms/run': string }> = [];

for (const kernel of KERNELS) {
  const n = SIZES[kernel.name]!;
  const machine = new Machine(kernel.module);
  machine.instantiate();
  const check = machine.run({ params: [n], resultWords: 1 });
  if (check.status !== 'returned' || check.results[0] !== kernel.expected(n)) {
    throw new Error(`${kernel.name}: wrong answer ${JSON.stringify(check)} (expected ${kernel.expected(n)})`);
  }
  // The closed-form count must match what a counting copy of the program measures.
  const counter = new Machine(kernel.counted);
  counter.instantiate();
  const small = kernel.name === 'recursive fib' ? 15 : 1000;
  counter.resetFuel();
  counter.run({ params: [small], resultWords: 1 });
  if (counter.fuelConsumed() !== BigInt(kernel.instructions(small))) {
    throw new Error(`${kernel.name}: counted ${counter.fuelConsumed()} instructions, formula says ${kernel.instructions(small)}`);
  }
  bench.add(kernel.name, () => {
    machine.run({ params: [n], resultWords: 1 });
  });
}

await bench.run();
for (const task of bench.tasks) {
  const kernel = KERNELS.find((k) => k.name === task.name)!;
  const result = task.result as unknown as { latency: { p50: number } } | undefined;
  if (!result) throw new Error(`${task.name}: no result`);
  const medianMs = result.latency.p50;
  const instructions = kernel.instructions(SIZES[kernel.name]!);
  const perSecond = instructions / (medianMs / 1000);
  rows.push({
    kernel: task.name,
    'M instr/s': (perSecond / 1e6).toFixed(1),
    'ns/instr': (1e9 / perSecond).toFixed(2),
    'median ms/run': medianMs.toFixed(2),
  });
}
console.table(rows);
