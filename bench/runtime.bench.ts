/**
 * The runtime layer's costs, as medians:
 * - a ready SystemRuntime for a cached code hash (the EVM runtime), against
 * - decoding the 1.17 MB EVM runtime fixture from bytes (and a full cache miss: hash, decode,
 *   verify, prepare), beside `new WebAssembly.Module()` on its hint Wasm in the same run;
 * - an interrupt + resume round trip, on a bare machine and through a SystemRuntime frame.
 * Run with `npm run bench -- runtime`.
 */
import { Bench } from 'tinybench';
import {
  Machine,
  ModuleCache,
  RuntimeContext,
  RwasmModule,
  STATE_MAIN,
  SysFuncIdx,
  SystemRuntime,
  TrapCode,
  assemble,
  codeHashHex,
  ins,
  label,
  to,
  type ExecutionResult,
} from '../src/index.js';
import { HOST_HAS_WEBASSEMBLY, hostWasm } from '../test/support/host-webassembly.js';
import { freshCopies } from './support/fresh-copies.js';
import { genesisFixture } from './support/shared.js';

const { file, bytes } = genesisFixture('evm-runtime');
const hash = codeHashHex(bytes);
const hint = RwasmModule.decode(bytes).hint;

// ---------------------------------------------------------------- ready runtime, cached hash
const cache = new ModuleCache();
cache.load(bytes, hash);
SystemRuntime.create({ codeHash: hash, cache }); // instantiates the shared instance once
const context = new RuntimeContext({ fuelLimit: 1_000_000n, state: STATE_MAIN, callDepth: 1 });

// ---------------------------------------------------------------- interrupt + resume
// A loop calling a syscall that interrupts every time: each resume runs 4 instructions and
// comes straight back, so the time is the round trip itself.
const INTERRUPT = 0x77;
const { code: loopCode } = assemble([label('loop'), ins.I32Const(1), ins.Call(INTERRUPT), ins.Drop(), to.Br('loop')]);
const machine = new Machine(new RwasmModule({ code: loopCode }), {
  hostFunctions: [{ index: INTERRUPT, params: ['i32'], results: ['i32'], handler: () => TrapCode.InterruptionCalled }],
});
machine.run();
const answer = [0];

// The same through a frame: `_exec` records its request, the frame returns it as a 64-byte
// envelope, and resume charges the callee's fuel and continues.
const { code: execCode } = assemble([
  ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Return(),
  label('main'),
  label('again'),
  ins.I32Const(0), ins.I32Const(64), ins.I32Const(8), ins.I32Const(0), ins.I32Const(0), ins.Call(SysFuncIdx.EXEC), ins.Drop(),
  to.Br('again'),
]);
const execModule = new RwasmModule({ code: execCode, sourcePc: 4 });
const frame = SystemRuntime.create({ module: execModule, cache: new ModuleCache(), context: new RuntimeContext({ fuelLimit: 1n << 60n, callDepth: 1 }) });
let frameResult: ExecutionResult = frame.execute();
if (frame.suspended !== 'interrupted' || frameResult.output.length !== 64) throw new Error('the exec loop did not interrupt');

const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add('SystemRuntime.create, cached code hash (EVM runtime)', () => {
    SystemRuntime.create({ codeHash: hash, cache, context });
  })
  .add('interrupt + resume, machine', () => {
    machine.resume(answer);
  })
  .add('interrupt + resume, SystemRuntime frame (_exec)', () => {
    frameResult = frame.resume(0, 10n);
  });
await bench.run();

// Decoding and V8's compile take milliseconds: fewer, longer iterations, interleaved.
const slow = new Bench({ iterations: 15, time: 0, warmupIterations: 3, warmupTime: 0 });
slow
  .add('RwasmModule.decode (EVM runtime, 1.17 MB)', () => {
    RwasmModule.decode(bytes);
  })
  .add('cache miss: hash + decode + verify + prepare', () => {
    new ModuleCache().load(bytes);
  });
if (HOST_HAS_WEBASSEMBLY) {
  const { Module } = hostWasm();
  const fresh = freshCopies(hint);
  slow.add(`V8 new WebAssembly.Module (its hint Wasm, ${hint.length} bytes)`, () => {
    new Module(fresh());
  });
}
await slow.run();

const median = (task: { result?: unknown }) => (task.result as { latency: { p50: number } }).latency.p50;
console.log(`${file}`);
console.table(
  [...bench.tasks, ...slow.tasks].map((task) => {
    const ms = median(task);
    return { task: task.name, median: ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(2)} µs` };
  }),
);
if (frameResult.exitCode !== -3) throw new Error('the frame stopped interrupting');
