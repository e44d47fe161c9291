import { compileWasm } from '../../compiler/compile.js';
import type { CompilationConfig } from '../../compiler/config.js';
import { ExternalKind, parseModule } from '../../compiler/wasm/module.js';
import { F32, F64, I32, I64, typeName, type ValueType } from '../../compiler/wasm/types.js';
import { fluentSystemConfig } from '../../compiler/config.js';
import { toHex } from '../../format/code-hash.js';
import { RwasmModule } from '../../format/module.js';
import { RuntimeContext, STATE_DEPLOY, STATE_MAIN } from '../../runtime/context.js';
import { exitCodeName } from '../../runtime/exit-code.js';
import { ModuleCache } from '../../runtime/module-cache.js';
import { SystemRuntime } from '../../runtime/system-runtime.js';
import { trapMessage, trapName } from '../../format/trap-codes.js';
import { f32FromBits, f64FromWords } from '../../interpreter/fpu.js';
import { Machine, type RunOutcome, type TraceHook } from '../../interpreter/machine.js';
import type { Tier } from '../../compiled/index.js';
import { parseF32Bits, parseF64Bits, parseI32, parseI64 } from '../../../spec-tests/wast/index.js';
import { checkFlags, parseArgs, stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { isWasm, readInput, type ExitCode, type Io } from '../io.js';
import { loadConfig } from './compile.js';

function parseCount(text: string | undefined, what: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${what}: ${text} is not a non-negative integer`);
  return BigInt(text);
}

function splitArgs(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(',').map((a) => a.trim());
}

/** A typed argument as words (the wast number syntax: hex, underscores, nan:0x…, exact floats). */
function argWords(type: ValueType, text: string): number[] {
  try {
    switch (type) {
      case I32:
        return [parseI32(text)];
      case I64: {
        const v = parseI64(text);
        return [Number(v & 0xffffffffn), Number(v >> 32n)];
      }
      case F32:
        return [parseF32Bits(text)];
      case F64: {
        const bits = parseF64Bits(text);
        return [Number(bits & 0xffffffffn), Number(bits >> 32n)];
      }
      default:
        return [parseI32(text)];
    }
  } catch (error) {
    throw new UsageError(`--args: ${text} is not a valid ${typeName(type)}: ${(error as Error).message}`);
  }
}

function formatResults(types: readonly ValueType[], words: Uint32Array): Array<number | string> {
  const values: Array<number | string> = [];
  let at = 0;
  for (const t of types) {
    if (t === I64) {
      values.push(BigInt.asIntN(64, (BigInt(words[at + 1]!) << 32n) | BigInt(words[at]!)).toString());
      at += 2;
    } else if (t === F64) {
      const v = f64FromWords(words[at]!, words[at + 1]!);
      values.push(Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : String(v));
      at += 2;
    } else if (t === F32) {
      const v = f32FromBits(words[at++]!);
      values.push(Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : String(v));
    } else {
      values.push(words[at++]! | 0);
    }
  }
  return values;
}

interface Prepared {
  module: RwasmModule;
  fpu: boolean;
  params: number[];
  resultWords: number;
  format(words: Uint32Array): Array<number | string>;
}

function prepareWasm(bytes: Uint8Array, args: ParsedArgs): Prepared {
  const config: CompilationConfig = loadConfig(stringFlag(args, 'config')) ?? {};
  const invoke = stringFlag(args, 'invoke');
  const wasm = parseModule(bytes);
  const hasRouter = config.stateRouter !== undefined;
  const name = invoke ?? config.entrypointName ?? (hasRouter ? undefined : 'main');
  let paramTypes: readonly ValueType[] = [];
  let resultTypes: readonly ValueType[] = [];
  if (name !== undefined) {
    const e = wasm.exports.find((x) => x.kind === ExternalKind.Func && x.name === name);
    if (!e) throw new UsageError(`no exported function ${name} (exports: ${wasm.exports.filter((x) => x.kind === ExternalKind.Func).map((x) => x.name).join(', ') || 'none'})`);
    const type = wasm.types[wasm.functions[e.index]!]!;
    paramTypes = type.params;
    resultTypes = type.results;
  }
  const texts = splitArgs(stringFlag(args, 'args'));
  if (texts.length !== paramTypes.length) throw new UsageError(`${name ?? 'the entry'} takes ${paramTypes.length} argument(s), got ${texts.length}`);
  const fpu = config.fpu ?? true;
  const { module } = compileWasm(bytes, { allowStartSection: true, ...config, fpu, ...(name !== undefined ? { entrypointName: name } : {}) });
  let resultWords = 0;
  for (const t of resultTypes) resultWords += t === I64 || t === F64 ? 2 : 1;
  return {
    module,
    fpu,
    params: texts.flatMap((text, i) => argWords(paramTypes[i]!, text)),
    resultWords,
    format: (words) => formatResults(resultTypes, words),
  };
}

function prepareRwasm(bytes: Uint8Array, args: ParsedArgs): Prepared {
  if (args.flags.has('invoke') || args.flags.has('config')) throw new UsageError('--invoke and --config apply to .wasm input');
  const resultWords = Number(parseCount(stringFlag(args, 'results'), '--results') ?? 0n);
  const params = splitArgs(stringFlag(args, 'args')).map((text) => {
    try {
      return parseI32(text);
    } catch {
      throw new UsageError(`--args: ${text} is not a 32-bit word`);
    }
  });
  return { module: RwasmModule.decode(bytes), fpu: args.flags.has('fpu'), params, resultWords, format: (words) => Array.from(words, (w) => w | 0) };
}

const PLAIN_FLAGS = ['json', 'fpu', 'args', 'results', 'fuel', 'invoke', 'config', 'tier'];
const SYSTEM_FLAGS = ['json', 'fpu', 'fuel', 'config', 'state', 'input', 'consume-fuel', 'debug-log', 'tier'];
const TIERS: readonly Tier[] = ['auto', 'interpreter', 'compiled'];

/** --tier, else $RWASM_TIER, else auto. */
export function tierOf(args: ParsedArgs, io: Io): Tier {
  const flag = stringFlag(args, 'tier');
  const text = flag ?? io.env?.RWASM_TIER ?? 'auto';
  if (!(TIERS as readonly string[]).includes(text)) {
    throw new UsageError(`${flag !== undefined ? '--tier' : 'RWASM_TIER'}: ${text} is not one of ${TIERS.join(', ')}`);
  }
  return text as Tier;
}
const BOOLEAN_FLAGS = new Set(['json', 'fpu', 'consume-fuel', 'debug-log']);
const U64_MAX = (1n << 64n) - 1n;

/** What a run (or the first part of a traced one) ended with, ready to print. */
interface Summary {
  json: Record<string, unknown>;
  text: string;
  failed: boolean;
}

/** Runs a file the way `rwasm run` does; `trace` (if any) sees every executed instruction. */
export function runFile(argv: string[], io: Io, extraFlags: readonly string[], trace?: TraceHook): { args: ParsedArgs; summary: Summary } {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  const system = args.flags.has('state') || args.flags.has('input') || args.flags.has('consume-fuel') || args.flags.has('debug-log');
  checkFlags(args, [...(system ? SYSTEM_FLAGS : PLAIN_FLAGS), ...extraFlags]);
  const bytes = readInput(args.positionals[0]);
  const tier = tierOf(args, io);
  return { args, summary: system ? runSystem(bytes, args, io, tier, trace) : runPlain(bytes, args, tier, trace) };
}

function runPlain(bytes: Uint8Array, args: ParsedArgs, tier: Tier, trace: TraceHook | undefined): Summary {
  const prepared = isWasm(bytes) ? prepareWasm(bytes, args) : prepareRwasm(bytes, args);
  const fuelLimit = parseCount(stringFlag(args, 'fuel'), '--fuel');
  const machine = new Machine(prepared.module, { fpu: prepared.fpu, fuelLimit, trace, tier });
  let outcome: RunOutcome = machine.instantiate();
  if (outcome.status === 'returned') outcome = machine.run({ params: prepared.params, resultWords: prepared.resultWords });
  const trap = outcome.status === 'trapped' ? trapName(outcome.trap) : outcome.status === 'outOfFuel' ? 'OutOfFuel' : null;
  const results = outcome.status === 'returned' ? prepared.format(outcome.results) : [];
  const detail =
    outcome.status === 'trapped' ? ` ${trapName(outcome.trap)} (${trapMessage(outcome.trap)}) at pc ${outcome.pc}`
    : outcome.status === 'outOfFuel' ? ` at pc ${outcome.pc}` : '';
  return {
    json: { status: outcome.status, results, fuelConsumed: machine.fuelConsumed().toString(), trap, tier: machine.tier },
    text: `${outcome.status}${detail}\nresults ${results.join(', ') || '(none)'}\nfuel consumed ${machine.fuelConsumed()}\n`,
    failed: outcome.status === 'trapped' || outcome.status === 'outOfFuel',
  };
}

function parseHex(text: string | undefined): Uint8Array {
  if (text === undefined) return new Uint8Array(0);
  const hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new UsageError(`--input: ${text} is not hex bytes`);
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/** Fluent's way: a SystemRuntime frame at depth 1 with the Fluent host; `main` or `deploy` by --state. */
function runSystem(bytes: Uint8Array, args: ParsedArgs, io: Io, tier: Tier, trace: TraceHook | undefined): Summary {
  const fpu = args.flags.has('fpu');
  const module = isWasm(bytes)
    ? compileWasm(bytes, { ...fluentSystemConfig(), ...(loadConfig(stringFlag(args, 'config')) ?? {}), fpu }).module
    : RwasmModule.decode(bytes);
  if (!isWasm(bytes) && args.flags.has('config')) throw new UsageError('--config applies to .wasm input');
  const state = Number(parseCount(stringFlag(args, 'state'), '--state') ?? 0n);
  if (state !== STATE_MAIN && state !== STATE_DEPLOY) throw new UsageError(`--state ${state}: 0 runs main, 1 runs deploy`);
  const fuelLimit = parseCount(stringFlag(args, 'fuel'), '--fuel') ?? U64_MAX;
  if (fuelLimit > U64_MAX) throw new UsageError('--fuel: more than a u64');
  const debugLog = args.flags.has('debug-log') ? (message: Uint8Array) => io.err(`debug_log: ${new TextDecoder().decode(message)}\n`) : undefined;
  const runtime = SystemRuntime.create({
    module,
    cache: new ModuleCache(),
    consumeFuel: args.flags.has('consume-fuel'),
    context: new RuntimeContext({ fuelLimit, state, callDepth: 1, input: parseHex(stringFlag(args, 'input')) }),
    fpu,
    debugLog,
    trace,
    tier,
  });
  const result = runtime.execute();
  const status = runtime.suspended ?? 'finished';
  const name = exitCodeName(result.exitCode) ?? 'unknown';
  return {
    json: { status, exitCode: result.exitCode, exitCodeName: name, output: toHex(result.output), fuelConsumed: result.fuelConsumed.toString() },
    text: `${status}\nexit code ${result.exitCode} (${name})\noutput 0x${toHex(result.output)}\nfuel consumed ${result.fuelConsumed}\n`,
    failed: result.exitCode !== 0,
  };
}

export function run(argv: string[], io: Io): ExitCode {
  const { args, summary } = runFile(argv, io, []);
  io.out(args.flags.has('json') ? JSON.stringify(summary.json) + '\n' : summary.text);
  return summary.failed ? 2 : 0;
}
