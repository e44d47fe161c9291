/**
 * binaryen's fuzz-exec, on V8 and on rwasm-ts: one instance per engine, every export called in
 * module order with state carried from call to call (also past traps), the `fuzzing-support`
 * imports served as binaryen's `scripts/fuzz_shell.js` serves them, and every observable event
 * written to a log: each logged value, each call's results or trap, exported globals where
 * fuzz_shell logs them and at the end, exported memory at the end. Two logs are compared line
 * by line; traps are compared by kind (V8's message names a set of kinds).
 *
 * How fuzz_shell.js serves the imports (binaryen 420e74e, scripts/fuzz_shell.js):
 * - `log-*` log the value; `sleep(ms, id)` returns `id`.
 * - `call-export(index, flags)` calls the export at `index` of the module's export list with
 *   `null` for every parameter; whatever it throws propagates (with or without `flags & 1`:
 *   traps are never swallowed, and the rethrow flag rethrows the rest).
 * - `call-export-catch(index)` does the same but answers 1 for a JS exception (an index past the
 *   list, an export that is not a function, a `null` that cannot become an i64) and 0 when the
 *   call returns; a trap still propagates.
 * Exports are called from JS the same way: `null` for every parameter.
 */
import {
  ExternalKind,
  ImportLinker,
  Machine,
  TrapCode,
  compileWasm,
  opcodeName,
  parseModule,
  prepareProgram,
  trapName,
  typeName,
  type HostCall,
  type HostFunction,
  type Program,
  type RunOutcome,
  type Store,
  type Tier,
  type ValType,
} from '../../src/index.js';
import { translationFor } from '../../src/compiled/index.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';
import { hostWasm } from '../support/host-wasm.js';
import { v8TrapKind } from '../differential/harness.js';

/**
 * Our engines: the two tiers as users get them, and two configurations of the interpreter that
 * pin down one engine each: `stepper` (every instruction on the stepper: a traced program) and
 * `blocks` (code prepared for the block engine on first arrival).
 */
export type EngineName = 'v8' | 'interpreter' | 'compiled' | 'stepper' | 'blocks';
type OurEngine = Exclude<EngineName, 'v8'>;

/** Fuel for a whole instance on our side: binaryen's hang limit ends every loop long before. */
const FUEL_LIMIT = 2_000_000_000n;
/** Nested call-export runs on our side before we call it a host limit (V8's is its native stack). */
const MAX_NESTED_CALLS = 200;

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

const hex = (value: bigint | number) => `0x${value.toString(16)}`;

/** A float's bits as the log shows them: every NaN as the canonical one (V8 hands JS a NaN without its payload). */
function f32Text(bits: number): string {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0 ? 'f32:nan' : `f32:${hex(bits >>> 0)}`;
}
function f64Text(lo: number, hi: number): string {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0) ? 'f64:nan' : `f64:${hex((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0))}`;
}
function jsValueText(type: string, value: unknown): string {
  switch (type) {
    case 'i32':
      return `i32:${hex((value as number) >>> 0)}`;
    case 'i64':
      return `i64:${hex(BigInt.asUintN(64, value as bigint))}`;
    case 'f32':
      f32[0] = value as number;
      return f32Text(f32Bits[0]!);
    default:
      f64[0] = value as number;
      return f64Text(f64Words[0]!, f64Words[1]!);
  }
}
/** The value of `type` in words, low word first (i64 and f64 take two). */
function wordsText(type: string, words: ArrayLike<number>, at: number): string {
  switch (type) {
    case 'i32':
      return `i32:${hex(words[at]! >>> 0)}`;
    case 'i64':
      return `i64:${hex((BigInt(words[at + 1]! >>> 0) << 32n) | BigInt(words[at]! >>> 0))}`;
    case 'f32':
      return f32Text(words[at]!);
    default:
      return f64Text(words[at]!, words[at + 1]!);
  }
}
const isWide = (type: string) => type === 'i64' || type === 'f64';

interface ExportInfo {
  readonly name: string;
  readonly kind: 'function' | 'global' | 'memory' | 'table';
  readonly params: string[];
  readonly results: string[];
  /** Global: its index and type. */
  readonly global?: { readonly index: number; readonly type: string };
}

/** The module's exports in module order, with their types (read with our parser; V8 does not tell). */
export function exportsOf(bytes: Uint8Array): ExportInfo[] {
  const wasm = parseModule(bytes);
  return wasm.exports.map((e): ExportInfo => {
    if (e.kind === ExternalKind.Func) {
      const type = wasm.types[wasm.functions[e.index]!]!;
      return { name: e.name, kind: 'function', params: type.params.map(typeName), results: type.results.map(typeName) };
    }
    if (e.kind === ExternalKind.Global) {
      return { name: e.name, kind: 'global', params: [], results: [], global: { index: e.index, type: typeName(wasm.globals[e.index]!.type) } };
    }
    return { name: e.name, kind: e.kind === ExternalKind.Memory ? 'memory' : 'table', params: [], results: [] };
  });
}

function memoryText(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return `memory ${bytes.length / 65536} pages fnv ${hex(hash >>> 0)}`;
}

// ------------------------------------------------------------------ V8

class JsException extends Error {}

/** V8's log, and for each line that is a trap the operator V8's stack trace points at (`memory.init`, `table.init` or `other`). */
export interface V8Run {
  readonly log: string[];
  readonly trapOperators: ReadonlyMap<number, string>;
}

/** The operator at the innermost Wasm frame of a trap's stack trace (V8 names the byte offset). */
function trappingOperator(bytes: Uint8Array, error: unknown): string {
  const at = /wasm-function\[\d+\]:0x([0-9a-f]+)/.exec(String((error as { stack?: unknown } | null)?.stack ?? ''));
  if (!at) return 'other';
  const offset = parseInt(at[1]!, 16);
  if (bytes[offset] !== 0xfc) return 'other';
  return bytes[offset + 1] === 0x08 ? 'memory.init' : bytes[offset + 1] === 0x0c ? 'table.init' : 'other';
}

/** The fuzz-exec log of `bytes` on V8 (only where the host has WebAssembly). */
export function runOnV8(bytes: Uint8Array): V8Run {
  const trapOperators = new Map<number, string>();
  const api = hostWasm() as unknown as {
    Module: new (b: Uint8Array) => object;
    Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
    Memory: abstract new (...a: never[]) => { buffer: ArrayBuffer };
    Global: abstract new (...a: never[]) => { value: unknown };
    RuntimeError: abstract new (...a: never[]) => Error;
  };
  const log: string[] = [];
  const exports = exportsOf(bytes);
  let list: unknown[] = [];
  const callFromJs = (index: number): void => {
    const value = list[index];
    if (typeof value !== 'function') throw new JsException('not a function');
    (value as (...args: null[]) => unknown)(...new Array<null>(exports[index]!.params.length).fill(null));
  };
  const tryCall = (index: number): number => {
    try {
      callFromJs(index);
      return 0;
    } catch (error) {
      if (error instanceof api.RuntimeError || (error instanceof RangeError && /call stack/.test(error.message))) throw error;
      return 1;
    }
  };
  const imports = {
    'fuzzing-support': {
      'log-i32': (x: number) => void log.push(`log ${jsValueText('i32', x)}`),
      'log-i64': (x: bigint) => void log.push(`log ${jsValueText('i64', x)}`),
      'log-f32': (x: number) => void log.push(`log ${jsValueText('f32', x)}`),
      'log-f64': (x: number) => void log.push(`log ${jsValueText('f64', x)}`),
      'call-export': (index: number) => callFromJs(index >>> 0),
      'call-export-catch': (index: number) => tryCall(index >>> 0),
      sleep: (_ms: number, id: number) => id,
    },
  };
  let instance: { exports: Record<string, unknown> };
  try {
    instance = new api.Instance(new api.Module(bytes), imports);
  } catch (error) {
    // A start function's call-export finds no exports yet (fuzz_shell fills its list after instantiation).
    if (!(error instanceof JsException)) trapOperators.set(log.length, trappingOperator(bytes, error));
    log.push(error instanceof JsException ? 'instantiate: exception' : `instantiate: trap ${v8TrapKind(error)}`);
    return { log, trapOperators };
  }
  list = exports.map((e) => instance.exports[e.name]);
  exports.forEach((e, index) => {
    if (e.kind === 'global') log.push(`global ${e.name} = ${jsValueText(e.global!.type, (list[index] as { value: unknown }).value)}`);
    if (e.kind !== 'function') return;
    log.push(`call ${e.name}`);
    try {
      const raw = (list[index] as (...args: null[]) => unknown)(...new Array<null>(e.params.length).fill(null));
      const values = e.results.length === 1 ? [raw] : e.results.length === 0 ? [] : (raw as unknown[]);
      log.push(`returned [${e.results.map((t, i) => jsValueText(t, values[i])).join(', ')}]`);
    } catch (error) {
      if (error instanceof api.RuntimeError || error instanceof RangeError) {
        trapOperators.set(log.length, trappingOperator(bytes, error));
        log.push(`trap ${v8TrapKind(error)}`);
      } else log.push('exception');
    }
  });
  exports.forEach((e, index) => {
    if (e.kind === 'global') log.push(`final ${e.name} = ${jsValueText(e.global!.type, (list[index] as { value: unknown }).value)}`);
    if (e.kind === 'memory') log.push(memoryText(new Uint8Array((list[index] as { buffer: ArrayBuffer }).buffer)));
  });
  return { log, trapOperators };
}

// ------------------------------------------------------------------ rwasm-ts

const SYSCALL_BASE = 0x1000;
const IMPORTS: readonly { name: string; params: ValType[]; results: ValType[] }[] = [
  { name: 'log-i32', params: ['i32'], results: [] },
  { name: 'log-i64', params: ['i64'], results: [] },
  { name: 'log-f32', params: ['f32'], results: [] },
  { name: 'log-f64', params: ['f64'], results: [] },
  { name: 'call-export', params: ['i32', 'i32'], results: [] },
  { name: 'call-export-catch', params: ['i32'], results: ['i32'] },
  { name: 'sleep', params: ['i32', 'i32'], results: ['i32'] },
];
export const FUZZ_LINKER = new ImportLinker(
  IMPORTS.map((entry, i) => ({ module: 'fuzzing-support', name: entry.name, index: SYSCALL_BASE + i, params: entry.params, results: entry.results })),
);

/** Stops a run on our side for a JS exception fuzz_shell would throw (the run's trap is then not a trap). */
const EXCEPTION_STOP = TrapCode.UnreachableCodeReached;

/** One instance on our side: machines taking turns on one store, one per nesting level of call-export. */
class OurInstance {
  private readonly machines: Machine[] = [];
  /** Set when a run stops for a JS exception rather than a trap. */
  exception = false;
  /** fuzz_shell lists the exports only once the instance exists: a start function calls none. */
  instantiated = false;
  /** The opcode the innermost trap of the last run stopped at (not the Call that passed it on). */
  trapOpcode: string | undefined;

  constructor(
    private readonly program: Program,
    private readonly store: Store,
    private readonly tier: Tier,
    private readonly traced: boolean,
    private readonly exports: readonly ExportInfo[],
    private readonly log: string[],
  ) {}

  machineAt(depth: number): Machine {
    let machine = this.machines[depth];
    if (machine === undefined) {
      const trace = this.traced ? () => {} : undefined;
      machine = new Machine(this.program, { fpu: true, store: this.store, tier: this.tier, trace, hostFunctions: this.hostFunctions(depth) });
      this.machines[depth] = machine;
    }
    return machine;
  }

  /** Calls export `index` with zeros at nesting level `depth`. */
  call(index: number, depth: number): RunOutcome | 'exception' {
    const e = this.exports[index];
    // fuzz_shell passes null for every parameter: null cannot become a BigInt.
    if (!this.instantiated || e === undefined || e.kind !== 'function' || e.params.includes('i64')) return 'exception';
    const state = this.exports.filter((x, i) => x.kind === 'function' && i < index).length;
    const params: number[] = [];
    for (const type of e.params) params.push(...(isWide(type) ? [0, 0] : [0]));
    params.push(state);
    const resultWords = e.results.reduce((n, t) => n + (isWide(t) ? 2 : 1), 0);
    this.exception = false;
    const outcome = this.machineAt(depth).run({ params, resultWords });
    this.noteTrap(outcome);
    if (outcome.status === 'trapped' && this.exception) return 'exception';
    return outcome;
  }

  noteTrap(outcome: RunOutcome): void {
    if (outcome.status !== 'trapped') return;
    const name = opcodeName(this.program.codes[outcome.pc]!);
    if (name !== 'Call') this.trapOpcode = name;
  }

  private hostFunctions(depth: number): HostFunction[] {
    const nested = (call: HostCall, caught: boolean): TrapCode | void => {
      if (depth + 1 >= MAX_NESTED_CALLS) return TrapCode.StackOverflow;
      const outcome = this.call(call.param(0) >>> 0, depth + 1);
      if (outcome === 'exception') {
        if (!caught) {
          this.exception = true;
          return EXCEPTION_STOP;
        }
        this.exception = false;
        call.results[0] = 1;
        return;
      }
      if (outcome.status === 'trapped') return outcome.trap;
      if (outcome.status !== 'returned') throw new Error(`nested call ${outcome.status}`);
      if (caught) call.results[0] = 0;
    };
    const logOf = (type: string) => (call: HostCall) => void this.log.push(`log ${wordsText(type, call.params, 0)}`);
    const handlers: Record<string, (call: HostCall) => TrapCode | void> = {
      'log-i32': logOf('i32'),
      'log-i64': logOf('i64'),
      'log-f32': logOf('f32'),
      'log-f64': logOf('f64'),
      'call-export': (call) => nested(call, false),
      'call-export-catch': (call) => nested(call, true),
      sleep: (call) => void (call.results[0] = call.param(1)),
    };
    return IMPORTS.map((entry, i) => ({ index: SYSCALL_BASE + i, params: entry.params, results: entry.results, handler: handlers[entry.name]! }));
  }
}

/** The rWasm compile of a fuzz module: every exported function behind the state router. */
export function compileForFuzz(bytes: Uint8Array) {
  const exports = exportsOf(bytes);
  const functions = exports.filter((e) => e.kind === 'function');
  return compileWasm(bytes, {
    fpu: true,
    importLinker: FUZZ_LINKER,
    allowMalformedEntrypointFuncType: true,
    allowStartSection: true,
    stateRouter: { states: functions.map((e, i) => [e.name, i] as const) },
  }).module;
}

/** Our log, and for each line that is a trap the opcode it stopped at (the innermost, for one passed on by call-export). */
export interface OurRun {
  readonly log: string[];
  readonly trapOpcodes: ReadonlyMap<number, string>;
}

/** The fuzz-exec log of `bytes` on rwasm-ts, on `engine`. */
export function runOnOurs(bytes: Uint8Array, engine: OurEngine): OurRun {
  const tier: Tier = engine === 'compiled' ? 'compiled' : 'interpreter';
  const log: string[] = [];
  const trapOpcodes = new Map<number, string>();
  const done = () => ({ log, trapOpcodes });
  const exports = exportsOf(bytes);
  let program: Program;
  try {
    const module = compileForFuzz(bytes);
    if (engine === 'blocks') setWarmArrivals(1);
    try {
      program = prepareProgram(module, { fpu: true, trace: engine === 'stepper', ...translationFor(tier) });
    } finally {
      setWarmArrivals(undefined);
    }
  } catch (error) {
    log.push(`compile error ${(error as { code?: string }).code ?? String(error)}`);
    return done();
  }
  const store = Machine.createStore(program, { fuelLimit: FUEL_LIMIT });
  const instance = new OurInstance(program, store, tier, engine === 'stepper', exports, log);
  const machine = instance.machineAt(0);
  const init = machine.instantiate();
  instance.noteTrap(init);
  if (init.status !== 'returned') {
    const stop = init.status !== 'trapped' ? init.status : instance.exception ? 'exception' : `trap ${trapName(init.trap)}`;
    if (instance.trapOpcode !== undefined) trapOpcodes.set(log.length, instance.trapOpcode);
    log.push(`instantiate: ${stop}`);
    return done();
  }
  instance.instantiated = true;
  const globalText = (e: ExportInfo) => {
    const { index, type } = e.global!;
    // An i64 or f64 global is two rWasm globals: 2g holds the high word, 2g + 1 the low one.
    const words = isWide(type) ? [machine.global(2 * index + 1), machine.global(2 * index)] : [machine.global(2 * index)];
    return wordsText(type, words, 0);
  };
  exports.forEach((e, index) => {
    if (e.kind === 'global') log.push(`global ${e.name} = ${globalText(e)}`);
    if (e.kind !== 'function') return;
    log.push(`call ${e.name}`);
    instance.trapOpcode = undefined;
    const outcome = instance.call(index, 0);
    if (outcome === 'exception') log.push('exception');
    else if (outcome.status === 'trapped') {
      if (instance.trapOpcode !== undefined) trapOpcodes.set(log.length, instance.trapOpcode);
      log.push(`trap ${trapName(outcome.trap)}`);
    }
    else if (outcome.status !== 'returned') log.push(`stopped ${outcome.status}`);
    else {
      let at = 0;
      const values = e.results.map((t) => {
        const text = wordsText(t, outcome.results, at);
        at += isWide(t) ? 2 : 1;
        return text;
      });
      log.push(`returned [${values.join(', ')}]`);
    }
  });
  exports.forEach((e) => {
    if (e.kind === 'global') log.push(`final ${e.name} = ${globalText(e)}`);
    if (e.kind === 'memory') log.push(memoryText(machine.memory.slice(0, machine.memoryPages * 65536)));
  });
  return done();
}

// ------------------------------------------------------------------ comparison

/** Whether two log lines agree: equal, or both traps with our kind among those V8's message allows. */
function sameLine(v8: string, ours: string): boolean {
  if (v8 === ours) return true;
  const trap = /^(instantiate: )?trap (.*)$/;
  const a = trap.exec(v8);
  const b = trap.exec(ours);
  return a !== null && b !== null && a[1] === b[1] && a[2]!.split('|').includes(b[2]!);
}

/** The first line where two logs differ, or undefined when they agree. */
export function firstDifference(v8: readonly string[], ours: readonly string[]): { line: number; v8: string; ours: string } | undefined {
  const n = Math.max(v8.length, ours.length);
  for (let i = 0; i < n; i++) {
    const a = v8[i] ?? '(end)';
    const b = ours[i] ?? '(end)';
    if (!sameLine(a, b)) return { line: i, v8: a, ours: b };
  }
  return undefined;
}
