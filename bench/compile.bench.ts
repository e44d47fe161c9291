/**
 * Compile time of the largest genesis hint Wasm (the EVM runtime, ~187 KB) with its genesis
 * configuration, beside `new WebAssembly.Module()` on the same bytes in the same run.
 */
import { Bench } from 'tinybench';
import { RwasmModule, compileWasm, fluentSystemConfig, type CompilationConfig } from '../src/index.js';
import { freshCopies } from './support/fresh-copies.js';
import { genesisFixture } from './support/shared.js';
import { HOST_HAS_WEBASSEMBLY, hostWasm } from '../test/support/host-webassembly.js';

const { file, bytes } = genesisFixture('evm-runtime');
const wasm = RwasmModule.decode(bytes).hint;
// The EVM runtime's genesis build.
const config: CompilationConfig = { ...fluentSystemConfig(), consumeFuel: false };

// The output must be the genesis file itself, or the timing means nothing.
const check = compileWasm(wasm, config).module.encode();
if (Buffer.compare(Buffer.from(check), Buffer.from(bytes)) !== 0) throw new Error('compiled output differs from the fixture');

const freshCopy = freshCopies(wasm);

const bench = new Bench({ iterations: 10, time: 0, warmupIterations: 5, warmupTime: 0 });
bench.add('rwasm-ts compileWasm', () => {
  compileWasm(freshCopy(), config);
});
if (HOST_HAS_WEBASSEMBLY) {
  const { Module } = hostWasm();
  bench.add('V8 new WebAssembly.Module', () => {
    new Module(freshCopy());
  });
}
await bench.run();
console.log(`${file}: hint Wasm ${wasm.length} bytes`);
console.table(
  bench.tasks.map((task) => {
    const latency = (task.result as unknown as { latency: { p50: number; min: number; max: number } }).latency;
    return { task: task.name, 'median ms': latency.p50.toFixed(2), 'min ms': latency.min.toFixed(2), 'max ms': latency.max.toFixed(2) };
  }),
);
