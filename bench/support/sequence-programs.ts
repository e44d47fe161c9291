/**
 * The programs bench/sequences.bench.ts traces, each with an n that executes roughly 5-12 M
 * rWasm instructions: the ten C programs (bench/programs/c), the five kernels
 * (bench/programs/*.wat) and the Fluent EVM runtime (support/evm-deploy.ts); or any Wasm or
 * rWasm file. A program runs on a traced machine; only its run is counted (not the
 * instantiation), each run inside `recorder.segment`.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compileWasm, Machine, RuntimeContext, RwasmModule, STATE_DEPLOY, STATE_MAIN, SystemRuntime, ModuleCache, parseModule, ExternalKind, type RunOutcome } from '../../src/index.js';
import { runEvmWorkload } from './evm-deploy.js';
import { benchDir, genesisFixture } from './shared.js';
import type { SequenceRecorder } from './sequence-stats.js';

export interface TracedProgram {
  readonly name: string;
  readonly group: 'C' | 'kernel' | 'EVM' | 'file';
  /** The module whose pcs the trace reports. */
  readonly module: RwasmModule;
  /** Default size parameter (n, or EVM rounds). */
  readonly n: number;
  /** What the run does, for the report. */
  describe(n: number): string;
  /** Runs it on a machine with `recorder.hook`; throws if the answer is not the expected kind. */
  run(recorder: SequenceRecorder, n: number): string | void;
}

function checked(outcome: RunOutcome, what: string): RunOutcome {
  if (outcome.status !== 'returned' && outcome.status !== 'halted') {
    throw new Error(`${what}: ${outcome.status}${outcome.status === 'trapped' ? ` (trap ${outcome.trap} at pc ${outcome.pc})` : ''}`);
  }
  return outcome;
}

/** A Wasm file exporting `run(n) -> i32`, compiled as the benchmarks compile it. */
function runN(name: string, group: 'C' | 'kernel', file: string, n: number, what: string): TracedProgram {
  let compiled: RwasmModule | undefined;
  const load = () => (compiled ??= compileWasm(new Uint8Array(readFileSync(file)), { entrypointName: 'run', consumeFuel: false }).module);
  return {
    name,
    group,
    get module() {
      return load();
    },
    n,
    describe: (size) => `run(${size}): ${what}`,
    run(recorder, size) {
      const machine = new Machine(load(), { trace: recorder.hook });
      checked(machine.instantiate(), `${name} instantiate`);
      const out = checked(recorder.segment(() => machine.run({ params: [size], resultWords: 1 })), `${name} run(${size})`);
      return out.status === 'returned' ? `returned 0x${(out.results[0]! >>> 0).toString(16)}` : out.status;
    },
  };
}

// n: message KiB, exponentiations, 1024 keys, ... (bench/programs/c/README.md); about 6 M rWasm
// instructions each (bigint and bytecode-vm: one or two units of their work).
const C_PROGRAMS: Array<[string, number, string]> = [
  ['sha256', 48, 'SHA-256 of 48 KiB'],
  ['keccak', 8, 'Keccak-256 of 8 KiB (u64 lanes)'],
  ['blake2b', 12, 'BLAKE2b-512 of 12 KiB (u64 lanes)'],
  ['bigint', 2, 'two 256-bit Montgomery modular inverses (u64 products)'],
  ['sort', 4, 'quick, heap and merge sort of 4 Ki u32s'],
  ['bytecode-vm', 2, 'switch-dispatched stack VM: sieve of 2048, prime hashing by bytecode calls, fib(18)'],
  ['lz', 32, 'LZ4-style compress + decompress of 32 KiB'],
  ['graph', 8, 'Dijkstra from two sources on 2048 nodes'],
  ['hashmap', 16, 'open-addressing map, 16 Ki upserts + lookups + deletes'],
  ['matmul', 1, 'one product of 64x64 i32 matrices'],
];

const KERNELS: Array<[string, number, string]> = [
  ['fib', 25, 'recursive fib(25)'],
  ['sum', 400_000, 'i32 sum loop'],
  ['hash', 25_000, 'i64 hash loop'],
  ['memory', 500, 'fill, bubble sort, checksum of 500 words'],
  ['calls', 150_000, 'calls, one call_indirect in four'],
];

let evmModule: RwasmModule | undefined;

function evmProgram(name: string, scenario: 'hello' | 'storage', rounds: number): TracedProgram {
  return {
    name,
    group: 'EVM',
    /** The same bytes the workload runs, decoded here for the recorder's pc tables. */
    get module() {
      return (evmModule ??= RwasmModule.decode(genesisFixture('evm-runtime').bytes));
    },
    n: rounds,
    describe: (size) =>
      scenario === 'hello'
        ? `EVM runtime 9cc633bd, ${size} rounds of: deploy HelloWorld (checked: 285,898 gas, on-chain code) + call sayHelloWorld()`
        : `EVM runtime 9cc633bd, ${size} rounds of: deploy Storage (3 SSTORE interruptions) + getValue() + setValue(42) + getValue() (18 interruptions answered per round)`,
    run(recorder, size) {
      const summary = runEvmWorkload({ scenario, rounds: size, trace: recorder.hook, segment: (run) => recorder.segment(run) });
      return `${summary.frames} frames, ${summary.segments} segments, ${summary.interruptions} interruptions`;
    },
  };
}

/** Every built-in program, in report order. */
export function builtinPrograms(): TracedProgram[] {
  const dir = benchDir();
  return [
    ...C_PROGRAMS.map(([name, n, what]) => runN(name, 'C', join(dir, 'programs', 'c', `${name}.wasm`), n, what)),
    ...KERNELS.map(([name, n, what]) => runN(name, 'kernel', join(dir, 'programs', `${name}.wasm`), n, what)),
    evmProgram('evm', 'hello', 30),
    evmProgram('evm-storage', 'storage', 3),
  ];
}

export interface FileOptions {
  readonly file: string;
  /** Wasm: the export to run (default `run`, else the first exported function). */
  readonly invoke?: string;
  /** Parameters: i32 (or i64 as decimal / 0x… BigInt text). */
  readonly args: readonly string[];
  /** rWasm: result words to pop (bare runs). */
  readonly results?: number;
  /** rWasm without --args: run as a Fluent system runtime with this state and input. */
  readonly state?: 'main' | 'deploy';
  readonly input?: Uint8Array;
}

const words = (arg: string, type: number): number[] => {
  if (type === 0x7f) return [Number(BigInt.asIntN(32, BigInt(arg)))];
  if (type === 0x7e) {
    const v = BigInt.asUintN(64, BigInt(arg));
    return [Number(v & 0xffffffffn), Number(v >> 32n)];
  }
  throw new Error(`parameter type 0x${type.toString(16)} is not supported (i32 and i64 only)`);
};

/**
 * A program from a file: `.wasm` compiled (consumeFuel off, `--invoke` as the entry) and run
 * with `--args`; `.rwasm` run bare from its source pc with `--args`, or without them as a Fluent
 * system runtime (`main(0, 0)` or `deploy()`, Fluent's host syscalls) with `--input`.
 */
export function fileProgram(options: FileOptions): TracedProgram {
  const bytes = new Uint8Array(readFileSync(options.file));
  const name = basename(options.file);
  if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) {
    const parsed = parseModule(bytes);
    const functions = parsed.exports.filter((e) => e.kind === ExternalKind.Func);
    const entry = options.invoke ? functions.find((e) => e.name === options.invoke) : (functions.find((e) => e.name === 'run') ?? functions[0]);
    if (!entry) throw new Error(`${name}: no exported function ${options.invoke ?? '(any)'}`);
    const type = parsed.types[parsed.functions[entry.index]!]!;
    if (options.args.length !== type.params.length) throw new Error(`${name}: ${entry.name} takes ${type.params.length} parameters, --args gave ${options.args.length}`);
    const params = options.args.flatMap((arg, i) => words(arg, type.params[i]!));
    const resultWords = type.results.reduce((sum, t) => sum + (t === 0x7e || t === 0x7c ? 2 : 1), 0);
    const { module } = compileWasm(bytes, { entrypointName: entry.name, consumeFuel: false });
    return {
      name,
      group: 'file',
      module,
      n: 0,
      describe: () => `${entry.name}(${options.args.join(', ')})`,
      run(recorder) {
        const machine = new Machine(module, { trace: recorder.hook });
        checked(machine.instantiate(), 'instantiate');
        const out = checked(recorder.segment(() => machine.run({ params, resultWords })), entry.name);
        return out.status === 'returned' ? `returned [${Array.from(out.results).join(', ')}]` : out.status;
      },
    };
  }
  const module = RwasmModule.decode(bytes);
  if (options.args.length > 0 || options.results !== undefined) {
    const params = options.args.map((arg) => Number(BigInt.asIntN(32, BigInt(arg))));
    return {
      name,
      group: 'file',
      module,
      n: 0,
      describe: () => `bare run from source pc ${module.sourcePc}, params [${params.join(', ')}]`,
      run(recorder) {
        const machine = new Machine(module, { trace: recorder.hook });
        checked(machine.instantiate(), 'instantiate');
        const out = checked(recorder.segment(() => machine.run({ params, resultWords: options.results ?? 0 })), 'run');
        return out.status === 'returned' ? `returned [${Array.from(out.results).join(', ')}]` : out.status;
      },
    };
  }
  const state = options.state === 'deploy' ? STATE_DEPLOY : STATE_MAIN;
  return {
    name,
    group: 'file',
    module,
    n: 0,
    describe: () => `system runtime ${options.state ?? 'main'} with ${options.input?.length ?? 0} input bytes (stops at the first interruption)`,
    run(recorder) {
      const runtime = SystemRuntime.create({
        module,
        cache: new ModuleCache(),
        trace: recorder.hook,
        context: new RuntimeContext({ fuelLimit: 1n << 60n, state, callDepth: 1, input: options.input ?? new Uint8Array(0) }),
      });
      const result = recorder.segment(() => runtime.execute());
      return `exit code ${result.exitCode}${runtime.suspended ? ` (${runtime.suspended}; not answered)` : ''}, ${result.output.length} output bytes`;
    },
  };
}
