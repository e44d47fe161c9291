/**
 * Interpreter throughput on hand-assembled rWasm kernels, in rWasm instructions per second,
 * plain and with engine metering (the default cost table, a limit that is never reached), so
 * the metering overhead is measured in the same run.
 * Run with `npm run bench -- interpreter` (bundled by esbuild, as users run the library).
 */
import { Bench } from 'tinybench';
import { FuelCostTable, Machine } from '../src/index.js';
import { KERNELS } from './programs.js';

const SIZES: Record<string, number> = { 'i32 arithmetic loop': 2_000_000, 'recursive fib': 25, 'memory load/store loop': 1_000_000 };

const bench = new Bench({ time: 2000, warmupTime: 500 });
const rows: Array<{ kernel: string; 'M instr/s': string; 'ns/instr': string; 'median ms/run': string; 'metering overhead': string }> = [];
const METERED = ' (engine-metered)';

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
  const metered = new Machine(kernel.module, { fuelCosts: FuelCostTable.DEFAULT, fuelLimit: 1n << 62n });
  metered.instantiate();
  const meteredCheck = metered.run({ params: [n], resultWords: 1 });
  if (meteredCheck.status !== 'returned' || meteredCheck.results[0] !== kernel.expected(n)) {
    throw new Error(`${kernel.name}: wrong answer with engine metering ${JSON.stringify(meteredCheck)}`);
  }
  bench.add(kernel.name, () => {
    machine.run({ params: [n], resultWords: 1 });
  });
  bench.add(kernel.name + METERED, () => {
    metered.run({ params: [n], resultWords: 1 });
  });
}

await bench.run();
const median = (name: string): number => {
  const result = bench.tasks.find((t) => t.name === name)?.result as unknown as { latency: { p50: number } } | undefined;
  if (!result) throw new Error(`${name}: no result`);
  return result.latency.p50;
};
for (const task of bench.tasks) {
  const kernel = KERNELS.find((k) => task.name.startsWith(k.name))!;
  const medianMs = median(task.name);
  const instructions = kernel.instructions(SIZES[kernel.name]!);
  const perSecond = instructions / (medianMs / 1000);
  rows.push({
    kernel: task.name,
    'M instr/s': (perSecond / 1e6).toFixed(1),
    'ns/instr': (1e9 / perSecond).toFixed(2),
    'median ms/run': medianMs.toFixed(2),
    'metering overhead': task.name.endsWith(METERED) ? `${((medianMs / median(kernel.name) - 1) * 100).toFixed(1)}%` : '',
  });
}
console.table(rows);
