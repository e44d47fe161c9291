/**
 * Differential harness: one Wasm binary, run on V8's own `WebAssembly` and on our compiler +
 * interpreter, through its `run` export, on the same arguments. Both sides are reduced to the
 * same normalized outcome (result values as unsigned bit patterns, or a trap kind named after
 * our TrapCode) and, when the module exports a memory, to the same memory contents.
 *
 * Needs the host's WebAssembly (and wabt, itself Wasm): use it only inside `describeWithHostWasm`.
 */
import wabtInit from 'wabt';
import { hostWasm, type HostInstance, type HostMemory, type HostModule } from '../support/host-wasm.js';
import {
  ExternalKind,
  Machine,
  TrapCode,
  compileWasm,
  parseModule,
  prepareProgram,
  trapName,
  typeName,
  type CompilationConfig,
  type Program,
  type RunOutcome,
} from '../../src/index.js';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64';
/** i32/f32/f64 as numbers, i64 as bigint (as V8's JS API takes them). */
export type Arg = number | bigint;
export type Outcome = { kind: 'values'; values: bigint[] } | { kind: 'trap'; trap: string };
export interface EngineRun {
  readonly outcome: Outcome;
  /** The exported memory after the run (absent when the module exports none or did not instantiate). */
  readonly memory?: Uint8Array;
}
export interface Signature {
  readonly params: ValType[];
  readonly results: ValType[];
}

// ------------------------------------------------------------------ wat → wasm

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabtPromise: Promise<Wabt> | undefined;

export const WABT_FEATURES = {
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  tail_call: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
};

export function loadWabt(): Promise<Wabt> {
  wabtPromise ??= wabtInit();
  return wabtPromise;
}

/** Assembles a module (`text` is the whole `(module ...)`); bytes, not a string, go to wabt. */
export function watToWasm(wabt: Wabt, text: string): Uint8Array {
  const m = wabt.parseWat('program.wat', new TextEncoder().encode(text), WABT_FEATURES);
  try {
    const { buffer } = m.toBinary({});
    return new Uint8Array(buffer);
  } finally {
    m.destroy();
  }
}

// ------------------------------------------------------------------ values

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Bits = new BigUint64Array(f64.buffer);
const CANONICAL_NAN32 = 0x7fc00000n;
const CANONICAL_NAN64 = 0x7ff8000000000000n;

/** Bits of a value of `type` given as a JS argument (i32 wraps, f32 rounds). */
export function argBits(type: ValType, arg: Arg): bigint {
  switch (type) {
    case 'i32': return BigInt.asUintN(32, BigInt(arg));
    case 'i64': return BigInt.asUintN(64, BigInt(arg));
    case 'f32': f32[0] = Number(arg); return BigInt(f32Bits[0]!);
    case 'f64': f64[0] = Number(arg); return f64Bits[0]!;
  }
}

/** Float results are compared by bits, except that every NaN counts as the canonical one (V8's JS API loses payloads). */
function normalizeBits(type: ValType, bits: bigint): bigint {
  if (type === 'f32' && (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n) return CANONICAL_NAN32;
  if (type === 'f64' && (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n) return CANONICAL_NAN64;
  return bits;
}

function jsResultBits(type: ValType, value: unknown): bigint {
  switch (type) {
    case 'i32': return BigInt.asUintN(32, BigInt(value as number));
    case 'i64': return BigInt.asUintN(64, value as bigint);
    case 'f32': f32[0] = value as number; return normalizeBits(type, BigInt(f32Bits[0]!));
    case 'f64': f64[0] = value as number; return normalizeBits(type, f64Bits[0]!);
  }
}

const wordsOf = (type: ValType) => (type === 'i64' || type === 'f64' ? 2 : 1);

// ------------------------------------------------------------------ traps

/** Our trap kind for a V8 trap; `A|B` when V8's message does not tell them apart. */
export function v8TrapKind(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /Maximum call stack size exceeded/.test(message)) return trapName(TrapCode.StackOverflow);
  if (!(error instanceof hostWasm().RuntimeError)) throw error; // a harness or JS error, not a trap
  const rules: [RegExp, string][] = [
    [/^unreachable/, trapName(TrapCode.UnreachableCodeReached)],
    [/memory access out of bounds|data segment (is )?out of bounds/, trapName(TrapCode.MemoryOutOfBounds)],
    [/divide by zero|remainder by zero/, trapName(TrapCode.IntegerDivisionByZero)],
    [/divide result unrepresentable/, trapName(TrapCode.IntegerOverflow)],
    // One message for NaN (spec: invalid conversion) and for out of range (spec: integer overflow).
    [/float unrepresentable in integer range/, `${trapName(TrapCode.BadConversionToInteger)}|${trapName(TrapCode.IntegerOverflow)}`],
    [/table index is out of bounds|table access out of bounds|element segment out of bounds/, trapName(TrapCode.TableOutOfBounds)],
    // V8 gives one message for a null entry and for a signature mismatch.
    [/null function or function signature mismatch/, `${trapName(TrapCode.IndirectCallToNull)}|${trapName(TrapCode.BadSignature)}`],
    [/signature mismatch/, trapName(TrapCode.BadSignature)],
    [/null function/, trapName(TrapCode.IndirectCallToNull)],
  ];
  for (const [pattern, kind] of rules) if (pattern.test(message)) return kind;
  return `v8:${message}`;
}

/** Whether V8's and our outcome agree (our trap kind must be one V8's message allows). */
export function sameOutcome(v8: Outcome, ours: Outcome): boolean {
  if (v8.kind === 'trap' || ours.kind === 'trap') {
    return v8.kind === 'trap' && ours.kind === 'trap' && v8.trap.split('|').includes(ours.trap);
  }
  return v8.values.length === ours.values.length && v8.values.every((v, i) => v === ours.values[i]);
}

export function showOutcome(o: Outcome): string {
  return o.kind === 'trap' ? `trap ${o.trap}` : `[${o.values.map((v) => `0x${v.toString(16)}`).join(', ')}]`;
}

export function showArgs(args: readonly Arg[]): string {
  return `(${args.map((a) => (typeof a === 'bigint' ? `${a}n` : Object.is(a, -0) ? '-0' : String(a))).join(', ')})`;
}

// ------------------------------------------------------------------ the two engines

/** The configuration the differential tests use: the module is entered at its export `run`. */
export const SNIPPETS_CONFIG: CompilationConfig = { entrypointName: 'run', fpu: true };
/**
 * The same with i64 sequences inlined instead of called as snippets. Only for programs without
 * i64 comparisons: the compiler inlines those as the reference does, typing the result as an i64,
 * which leaves the stack one word off (see the report / the corpus's known-divergence test).
 */
export const INLINE_CONFIG: CompilationConfig = { entrypointName: 'run', fpu: true, codeSnippets: false };
export const OUR_CONFIGS: Readonly<Record<string, CompilationConfig>> = { snippets: SNIPPETS_CONFIG };
export const BOTH_CONFIGS: Readonly<Record<string, CompilationConfig>> = { snippets: SNIPPETS_CONFIG, inline: INLINE_CONFIG };

/** A guard against a miscompiled loop that never ends (no program here comes near it). */
const FUEL_LIMIT = 400_000_000n;

const VALTYPES: Record<string, ValType> = { i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64' };

function toValType(code: number): ValType {
  const t = VALTYPES[typeName(code)];
  if (!t) throw new Error(`differential harness: unsupported value type ${typeName(code)}`);
  return t;
}

/** The type of the exported function `name` (read with our parser; V8 does not expose it). */
export function exportSignature(bytes: Uint8Array, name = 'run'): Signature {
  const wasm = parseModule(bytes);
  const e = wasm.exports.find((x) => x.name === name && x.kind === ExternalKind.Func);
  if (!e) throw new Error(`no exported function ${name}`);
  const type = wasm.types[wasm.functions[e.index]!]!;
  return { params: type.params.map(toValType), results: type.results.map(toValType) };
}

export interface Comparison {
  readonly args: readonly Arg[];
  readonly v8: EngineRun;
  readonly ours: Readonly<Record<string, EngineRun>>;
  /** Empty when every configuration agrees with V8 (outcome and memory). */
  readonly mismatches: string[];
}

export class DiffProgram {
  readonly signature: Signature;
  private readonly v8Module: HostModule;
  private readonly programs: Record<string, Program> = {};

  constructor(
    readonly bytes: Uint8Array,
    configs: Readonly<Record<string, CompilationConfig>> = OUR_CONFIGS,
  ) {
    this.v8Module = new (hostWasm().Module)(bytes);
    this.signature = exportSignature(bytes);
    for (const [name, config] of Object.entries(configs)) {
      const { module } = compileWasm(bytes, config);
      this.programs[name] = prepareProgram(module, { fpu: true });
    }
  }

  get configNames(): string[] {
    return Object.keys(this.programs);
  }

  private checkArgs(args: readonly Arg[]): void {
    const { params } = this.signature;
    if (args.length !== params.length) throw new Error(`run takes ${params.length} arguments, got ${args.length}`);
    args.forEach((a, i) => {
      if ((params[i] === 'i64') !== (typeof a === 'bigint')) throw new Error(`argument ${i} must be ${params[i] === 'i64' ? 'a bigint' : 'a number'}`);
    });
  }

  /** A V8 instance; every call of the returned function calls `run` on it. */
  v8Session(): (args: readonly Arg[]) => EngineRun {
    const api = hostWasm();
    let instance: HostInstance;
    try {
      instance = new api.Instance(this.v8Module, {});
    } catch (error) {
      const failed: EngineRun = { outcome: { kind: 'trap', trap: v8TrapKind(error) } };
      return () => failed;
    }
    const memory = Object.values(instance.exports).find((x): x is HostMemory => x instanceof api.Memory);
    const snapshot = () => (memory ? new Uint8Array(memory.buffer).slice() : undefined);
    const run = instance.exports.run as (...a: Arg[]) => unknown;
    const { results } = this.signature;
    return (args) => {
      this.checkArgs(args);
      let raw: unknown;
      try {
        raw = run(...args);
      } catch (error) {
        return { outcome: { kind: 'trap', trap: v8TrapKind(error) }, memory: snapshot() };
      }
      const list = results.length === 0 ? [] : results.length === 1 ? [raw] : (raw as unknown[]);
      return { outcome: { kind: 'values', values: results.map((t, i) => jsResultBits(t, list[i])) }, memory: snapshot() };
    };
  }

  /** An instantiated machine of configuration `config`; every call of the returned function runs it. */
  ourSession(config = this.configNames[0]!): (args: readonly Arg[]) => EngineRun {
    const program = this.programs[config];
    if (!program) throw new Error(`unknown configuration ${config}`);
    const machine = new Machine(program, { fpu: true, fuelLimit: FUEL_LIMIT });
    let init: RunOutcome;
    try {
      init = machine.instantiate();
    } catch (error) {
      const failed: EngineRun = { outcome: { kind: 'trap', trap: `fatal:${String(error)}` } };
      return () => failed;
    }
    if (init.status !== 'returned') {
      const failed: EngineRun = { outcome: ourOutcome(init, []) };
      return () => failed;
    }
    const resultWords = this.signature.results.reduce((n, t) => n + wordsOf(t), 0);
    const exportsMemory = hostWasm().Module.exports(this.v8Module).some((e) => e.kind === 'memory');
    return (args) => {
      this.checkArgs(args);
      const params: number[] = [];
      this.signature.params.forEach((t, i) => {
        const bits = argBits(t, args[i]!);
        if (wordsOf(t) === 2) params.push(Number(bits & 0xffffffffn), Number(bits >> 32n));
        else params.push(Number(bits));
      });
      let outcome: Outcome;
      try {
        outcome = ourOutcome(machine.run({ params, resultWords }), this.signature.results);
      } catch (error) {
        // The interpreter refuses to go on (a broken stack discipline, ...): never a valid outcome.
        outcome = { kind: 'trap', trap: `fatal:${String(error)}` };
      }
      return { outcome, memory: exportsMemory ? machine.memory.slice(0, machine.memoryPages * 65536) : undefined };
    };
  }

  /** A fresh V8 instance, one call. */
  runV8(args: readonly Arg[]): EngineRun {
    return this.v8Session()(args);
  }

  /** A fresh machine of configuration `config`: instantiate, then one run. */
  runOurs(args: readonly Arg[], config = this.configNames[0]!): EngineRun {
    return this.ourSession(config)(args);
  }

  /** Runs V8 and every configuration of ours on `args` (fresh instances) and lists their disagreements. */
  compare(args: readonly Arg[]): Comparison {
    const v8 = this.runV8(args);
    const ours: Record<string, EngineRun> = {};
    const mismatches: string[] = [];
    for (const config of this.configNames) {
      const run = (ours[config] = this.runOurs(args, config));
      mismatches.push(...disagreements(config, args, v8, run));
    }
    return { args, v8, ours, mismatches };
  }

  /** Every disagreement over a list of argument vectors, each on fresh instances. */
  compareAll(argSets: readonly (readonly Arg[])[]): string[] {
    return argSets.flatMap((args) => this.compare(args).mismatches);
  }

  /**
   * Every disagreement when the argument vectors are run one after the other on one instance
   * per engine (memory, globals and tables carry over, also past traps).
   */
  compareSequence(argSets: readonly (readonly Arg[])[]): string[] {
    const mismatches: string[] = [];
    for (const config of this.configNames) {
      const v8 = this.v8Session();
      const ours = this.ourSession(config);
      argSets.forEach((args, i) => mismatches.push(...disagreements(`${config} call #${i + 1}`, args, v8(args), ours(args))));
    }
    return mismatches;
  }
}

export function disagreements(label: string, args: readonly Arg[], v8: EngineRun, ours: EngineRun): string[] {
  if (!sameOutcome(v8.outcome, ours.outcome)) {
    return [`${label}: run${showArgs(args)}: V8 ${showOutcome(v8.outcome)}, ours ${showOutcome(ours.outcome)}`];
  }
  const diff = v8.memory || ours.memory ? memoryDifference(v8.memory, ours.memory) : undefined;
  return diff ? [`${label}: run${showArgs(args)}: both ${showOutcome(v8.outcome)}, but memory differs: ${diff}`] : [];
}

function ourOutcome(outcome: RunOutcome, results: readonly ValType[]): Outcome {
  if (outcome.status === 'trapped') return { kind: 'trap', trap: trapName(outcome.trap) };
  if (outcome.status !== 'returned') return { kind: 'trap', trap: `status:${outcome.status}` };
  const values: bigint[] = [];
  let w = 0;
  for (const t of results) {
    if (wordsOf(t) === 2) {
      values.push(normalizeBits(t, BigInt(outcome.results[w]!) | (BigInt(outcome.results[w + 1]!) << 32n)));
      w += 2;
    } else {
      values.push(normalizeBits(t, BigInt(outcome.results[w]!)));
      w += 1;
    }
  }
  if (w !== outcome.results.length) return { kind: 'trap', trap: `results:${outcome.results.length} words for ${w}` };
  return { kind: 'values', values };
}

function memoryDifference(a: Uint8Array | undefined, b: Uint8Array | undefined): string | undefined {
  if (!a || !b) return a || b ? `V8 memory ${a ? a.length : 'none'}, ours ${b ? b.length : 'none'}` : undefined;
  if (a.length !== b.length) return `V8 has ${a.length / 65536} pages, ours ${b.length / 65536}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return `first at byte ${i}: V8 ${a[i]}, ours ${b[i]}`;
  }
  return undefined;
}

/** Assembles `text` and compares both engines on every argument vector; returns the disagreements. */
export async function diffWat(
  text: string,
  argSets: readonly (readonly Arg[])[],
  configs: Readonly<Record<string, CompilationConfig>> = OUR_CONFIGS,
): Promise<string[]> {
  const wabt = await loadWabt();
  return new DiffProgram(watToWasm(wabt, text), configs).compareAll(argSets);
}
