/**
 * The non-kernel measurements, as functions the report and the single benchmarks share:
 * compiling the EVM runtime's hint Wasm, decoding the EVM runtime, a ready runtime for a cached
 * code hash, and interrupt + resume round trips. Each returns medians in milliseconds.
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
  compileWasm,
  fluentSystemConfig,
  ins,
  label,
  to,
  type CompilationConfig,
} from '../../src/index.js';
import { HOST_HAS_WEBASSEMBLY, hostWasm } from '../../test/support/host-webassembly.js';
import { freshCopies } from './fresh-copies.js';
import { genesisFixture } from './shared.js';

export interface Measure {
  readonly task: string;
  readonly medianMs: number;
}

const median = (task: { result?: unknown }) => (task.result as { latency: { p50: number } }).latency.p50;

function measures(bench: Bench): Measure[] {
  return bench.tasks.map((task) => ({ task: task.name, medianMs: median(task) }));
}

const evm = genesisFixture('evm-runtime');
const hint = RwasmModule.decode(evm.bytes).hint;

/** Compiling the EVM runtime's hint Wasm with its genesis configuration, beside V8's compile. */
export async function measureCompile(quick: boolean): Promise<Measure[]> {
  const config: CompilationConfig = { ...fluentSystemConfig(), consumeFuel: false };
  // The output must be the genesis file itself, or the timing means nothing.
  const check = compileWasm(hint, config).module.encode();
  if (Buffer.compare(Buffer.from(check), Buffer.from(evm.bytes)) !== 0) throw new Error('compiled output differs from the fixture');
  const fresh = freshCopies(hint);
  const bench = new Bench({ iterations: quick ? 5 : 10, time: 0, warmupIterations: quick ? 2 : 5, warmupTime: 0 });
  bench.add(`rwasm-ts compileWasm (EVM runtime hint, ${hint.length} bytes)`, () => {
    compileWasm(fresh(), config);
  });
  if (HOST_HAS_WEBASSEMBLY) {
    const { Module } = hostWasm();
    bench.add('V8 new WebAssembly.Module (same bytes)', () => {
      new Module(fresh());
    });
  }
  await bench.run();
  return measures(bench);
}

/** Decoding (and verifying) the 1.17 MB EVM runtime, a full cache miss, and V8 on its hint Wasm. */
export async function measureDecode(quick: boolean): Promise<Measure[]> {
  const bench = new Bench({ iterations: quick ? 5 : 15, time: 0, warmupIterations: 3, warmupTime: 0 });
  bench
    .add(`RwasmModule.decode + verify (EVM runtime, ${(evm.bytes.length / 1e6).toFixed(2)} MB)`, () => {
      RwasmModule.decode(evm.bytes);
    })
    .add('cache miss: keccak256 + decode + verify + prepare', () => {
      new ModuleCache().load(evm.bytes);
    });
  if (HOST_HAS_WEBASSEMBLY) {
    const { Module } = hostWasm();
    const fresh = freshCopies(hint);
    bench.add(`V8 new WebAssembly.Module (its hint Wasm, ${hint.length} bytes)`, () => {
      new Module(fresh());
    });
  }
  await bench.run();
  return measures(bench);
}

/** A ready runtime for a cached code hash, and interrupt + resume round trips. */
export async function measureRuntime(quick: boolean): Promise<Measure[]> {
  const hash = codeHashHex(evm.bytes);
  const cache = new ModuleCache();
  cache.load(evm.bytes, hash);
  SystemRuntime.create({ codeHash: hash, cache }); // instantiates the shared instance once
  const context = new RuntimeContext({ fuelLimit: 1_000_000n, state: STATE_MAIN, callDepth: 1 });

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
    label('again'),
    ins.I32Const(0), ins.I32Const(64), ins.I32Const(8), ins.I32Const(0), ins.I32Const(0), ins.Call(SysFuncIdx.EXEC), ins.Drop(),
    to.Br('again'),
  ]);
  const frame = SystemRuntime.create({
    module: new RwasmModule({ code: execCode, sourcePc: 4 }),
    cache: new ModuleCache(),
    context: new RuntimeContext({ fuelLimit: 1n << 60n, callDepth: 1 }),
  });
  let result = frame.execute();
  if (frame.suspended !== 'interrupted' || result.output.length !== 64) throw new Error('the exec loop did not interrupt');

  const bench = new Bench({ time: quick ? 300 : 1500, warmupTime: quick ? 100 : 300 });
  bench
    .add('SystemRuntime.create, cached code hash (EVM runtime)', () => {
      SystemRuntime.create({ codeHash: hash, cache, context });
    })
    .add('interrupt + resume, machine', () => {
      machine.resume(answer);
    })
    .add('interrupt + resume, SystemRuntime frame (_exec)', () => {
      result = frame.resume(0, 10n);
    });
  await bench.run();
  if (result.exitCode !== -3) throw new Error('the frame stopped interrupting');
  return measures(bench);
}

export function formatMs(ms: number): string {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(2)} µs`;
}

export function printMeasures(rows: Measure[]): void {
  console.table(rows.map((row) => ({ task: row.task, median: formatMs(row.medianMs) })));
}
