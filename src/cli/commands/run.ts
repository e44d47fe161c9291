import { compileWasm } from '../../compiler/compile.js';
import type { CompilationConfig } from '../../compiler/config.js';
import { parseModule } from '../../compiler/wasm/module.js';
import { F32, F64, I32, I64, typeName, type ValueType } from '../../compiler/wasm/types.js';
import { fluentSystemConfig } from '../../compiler/config.js';
import { RwasmModule } from '../../format/module.js';
import { RuntimeContext, STATE_DEPLOY, STATE_MAIN } from '../../runtime/context.js';
import { exitCodeName } from '../../runtime/exit-code.js';
import { ModuleCache } from '../../runtime/module-cache.js';
import { SystemRuntime } from '../../runtime/system-runtime.js';
import { trapMessage, trapName } from '../../format/trap-codes.js';
import { f32FromBits, f64FromWords } from '../../interpreter/fpu.js';
import { Machine, type RunOutcome, type TraceHook } from '../../interpreter/machine.js';
import type { Tier } from '../../compiled/index.js';
import { parseF32Bits, parseF64Bits, parseI32, parseI64 } from '../../spec/wast/index.js';
import { parseCommand, UsageError, type OptionValues } from '../args.js';
import { hex, isWasm, type ExitCode, type Io } from '../io.js';
import { readProgram } from '../program-input.js';
import { entryName, exportedFunctionType, loadConfig } from './compile.js';

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

export const RUN_OPTIONS = {
  json: { type: 'boolean' },
  fpu: { type: 'boolean' },
  args: { type: 'string' },
  results: { type: 'string' },
  fuel: { type: 'string' },
  invoke: { type: 'string' },
  config: { type: 'string' },
  tier: { type: 'string' },
  state: { type: 'string' },
  input: { type: 'string' },
  'consume-fuel': { type: 'boolean' },
  'debug-log': { type: 'boolean' },
} as const;

export type RunValues = OptionValues<typeof RUN_OPTIONS>;

/** The options a Fluent system-runtime run takes no part of (its parameters are the frame's input). */
const PLAIN_ONLY = ['args', 'results', 'invoke'] as const;
const SYSTEM_SWITCHES = ['state', 'input', 'consume-fuel', 'debug-log'] as const;

export const RUN_OPTIONS_USAGE = `  --tier T          auto|interpreter|compiled (default $RWASM_TIER, else auto)
  --fuel N          the fuel limit
  --json            one JSON object instead of lines
Wasm (.wasm, or .wat through the optional wabt package) is compiled first, FPU on:
  --invoke NAME     the exported function to run (default main)
  --args 1,2        its arguments in the wast number syntax (hex, nan:0x…, exact floats; a
                    negative first one is written --args=-1,2)
  --config FILE     compileWasm's config fields as JSON (see rwasm compile --help)
rWasm runs from source_pc:
  --args 1,2        parameter words    --results N   result words to print    --fpu   FPU opcodes
as a Fluent system runtime (any of these), with Fluent's host syscalls:
  --state N         0 runs main (default), 1 deploy
  --input HEX       the frame's input
  --consume-fuel    the engine meters every instruction (else only the program's own charges)
  --debug-log       print _debug_log messages on stderr
  a .wasm is compiled with the fluent preset plus --config; the fuel limit defaults to u64::MAX`;

export const RUN_USAGE = `usage: rwasm run <file.wasm | file.wat | file.rwasm> [options]
  runs a program and prints its outcome, results and fuel consumed (JSON keys status, results,
  fuelConsumed, trap, tier; as a system runtime status, exitCode, exitCodeName, output (0x…),
  fuelConsumed); exit code 2 when it traps, runs out of fuel or exits non-zero
${RUN_OPTIONS_USAGE}`;

const RUN = { name: 'run', usage: RUN_USAGE, options: RUN_OPTIONS, positionals: { max: 1, described: 'one program file' } } as const;

interface Prepared {
  module: RwasmModule;
  fpu: boolean;
  params: number[];
  resultWords: number;
  format(words: Uint32Array): Array<number | string>;
}

function prepareWasm(bytes: Uint8Array, values: RunValues): Prepared {
  const config: CompilationConfig = loadConfig(values.config) ?? {};
  const wasm = parseModule(bytes);
  const name = entryName(values.invoke, config);
  let paramTypes: readonly ValueType[] = [];
  let resultTypes: readonly ValueType[] = [];
  if (name !== undefined) {
    const type = exportedFunctionType(wasm, name);
    paramTypes = type.params;
    resultTypes = type.results;
  }
  const texts = splitArgs(values.args);
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

function prepareRwasm(bytes: Uint8Array, values: RunValues): Prepared {
  if (values.invoke !== undefined || values.config !== undefined) throw new UsageError('--invoke and --config apply to Wasm input (.wasm, .wat)');
  const resultWords = Number(parseCount(values.results, '--results') ?? 0n);
  const params = splitArgs(values.args).map((text) => {
    try {
      return parseI32(text);
    } catch {
      throw new UsageError(`--args: ${text} is not a 32-bit word`);
    }
  });
  return { module: RwasmModule.decode(bytes), fpu: values.fpu === true, params, resultWords, format: (words) => Array.from(words, (w) => w | 0) };
}

const TIERS: readonly Tier[] = ['auto', 'interpreter', 'compiled'];

/** --tier (`flag`), else $RWASM_TIER, else auto. */
export function tierOf(flag: string | undefined, io: Io): Tier {
  const text = flag ?? io.env?.RWASM_TIER ?? 'auto';
  if (!(TIERS as readonly string[]).includes(text)) {
    throw new UsageError(`${flag !== undefined ? '--tier' : 'RWASM_TIER'}: ${text} is not one of ${TIERS.join(', ')}`);
  }
  return text as Tier;
}
const U64_MAX = (1n << 64n) - 1n;

/** What a run (or the first part of a traced one) ended with, ready to print. */
export interface Summary {
  json: Record<string, unknown>;
  text: string;
  failed: boolean;
}

/** Runs a program the way `rwasm run` does; `trace` (if any) sees every executed instruction. */
export async function runProgram(path: string | undefined, values: RunValues, io: Io, trace?: TraceHook): Promise<Summary> {
  const system = SYSTEM_SWITCHES.some((name) => values[name] !== undefined);
  if (system) {
    const stray = PLAIN_ONLY.find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} does not apply to a system-runtime run (--state, --input, --consume-fuel, --debug-log)`);
  }
  const tier = tierOf(values.tier, io);
  const bytes = await readProgram(path, io);
  return system ? runSystem(bytes, values, io, tier, trace) : runPlain(bytes, values, tier, trace);
}

function runPlain(bytes: Uint8Array, values: RunValues, tier: Tier, trace: TraceHook | undefined): Summary {
  const prepared = isWasm(bytes) ? prepareWasm(bytes, values) : prepareRwasm(bytes, values);
  const fuelLimit = parseCount(values.fuel, '--fuel');
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
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new UsageError(`--input: ${text} is not hex bytes`);
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

/** Fluent's way: a SystemRuntime frame at depth 1 with the Fluent host; `main` or `deploy` by --state. */
function runSystem(bytes: Uint8Array, values: RunValues, io: Io, tier: Tier, trace: TraceHook | undefined): Summary {
  const fpu = values.fpu === true;
  if (!isWasm(bytes) && values.config !== undefined) throw new UsageError('--config applies to Wasm input (.wasm, .wat)');
  const module = isWasm(bytes) ? compileWasm(bytes, { ...fluentSystemConfig(), ...(loadConfig(values.config) ?? {}), fpu }).module : RwasmModule.decode(bytes);
  const state = Number(parseCount(values.state, '--state') ?? 0n);
  if (state !== STATE_MAIN && state !== STATE_DEPLOY) throw new UsageError(`--state ${state}: 0 runs main, 1 runs deploy`);
  const fuelLimit = parseCount(values.fuel, '--fuel') ?? U64_MAX;
  if (fuelLimit > U64_MAX) throw new UsageError('--fuel: more than a u64');
  const debugLog = values['debug-log'] ? (message: Uint8Array) => io.err(`debug_log: ${new TextDecoder().decode(message)}\n`) : undefined;
  const runtime = SystemRuntime.create({
    module,
    cache: new ModuleCache(),
    consumeFuel: values['consume-fuel'] === true,
    context: new RuntimeContext({ fuelLimit, state, callDepth: 1, input: parseHex(values.input) }),
    fpu,
    debugLog,
    trace,
    tier,
  });
  const result = runtime.execute();
  const status = runtime.suspended ?? 'finished';
  const name = exitCodeName(result.exitCode) ?? 'unknown';
  return {
    json: { status, exitCode: result.exitCode, exitCodeName: name, output: hex(result.output), fuelConsumed: result.fuelConsumed.toString() },
    text: `${status}\nexit code ${result.exitCode} (${name})\noutput ${hex(result.output)}\nfuel consumed ${result.fuelConsumed}\n`,
    failed: result.exitCode !== 0,
  };
}

export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const args = parseCommand(argv, io, RUN);
  if (!args) return 0;
  const summary = await runProgram(args.positionals[0], args.values, io);
  io.out(args.values.json ? JSON.stringify(summary.json) + '\n' : summary.text);
  return summary.failed ? 2 : 0;
}
