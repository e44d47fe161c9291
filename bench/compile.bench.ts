/**
 * Compile time of the largest genesis hint Wasm (the EVM runtime, ~187 KB) with its genesis
 * configuration, beside `new WebAssembly.Module()` on the same bytes in the same run.
 */
import { Bench } from 'tinybench';
import { RwasmModule, compileWasm, fluentImportLinker, ins, type CompilationConfig } from '../src/index.js';
import { genesisFixture } from './support/shared.js';
import { HOST_HAS_WEBASSEMBLY, hostWasm } from '../test/support/host-webassembly.js';

const { file, bytes } = genesisFixture('evm-runtime');
const wasm = RwasmModule.decode(bytes).hint;
const config: CompilationConfig = {
  stateRouter: { states: [['deploy', 1], ['main', 0]], opcode: ins.Call(2) },
  importLinker: fluentImportLinker(),
  maxAllowedMemoryPages: 32768,
  allowMalformedEntrypointFuncType: true,
  consumeFuelForBulkOps: false,
  consumeFuel: false,
};

// The output must be the genesis file itself, or the timing means nothing.
const check = compileWasm(wasm, config).module.encode();
if (Buffer.compare(Buffer.from(check), Buffer.from(bytes)) !== 0) throw new Error('compiled output differs from the fixture');

// V8 keeps compiled modules in a cache keyed by the exact bytes, so each V8 iteration gets a
// distinct copy: the same module plus a custom section holding a counter.
let counter = 0;
function freshCopy(): Uint8Array {
  const tag = new TextEncoder().encode(`bench-${counter++}`);
  const copy = new Uint8Array(wasm.length + 3 + tag.length);
  copy.set(wasm);
  // custom section: id 0, size, then the name (length-prefixed) and no payload
  copy.set([0, tag.length + 1, tag.length], wasm.length);
  copy.set(tag, wasm.length + 3);
  return copy;
}

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
