import { compileWasm } from '../../compiler/compile.js';
import type { CompilationConfig } from '../../compiler/config.js';
import { ExternalKind, parseModule } from '../../compiler/wasm/module.js';
import { F32, F64, I32, I64, typeName, type ValueType } from '../../compiler/wasm/types.js';
import { RwasmModule } from '../../format/module.js';
import { trapMessage, trapName } from '../../format/trap-codes.js';
import { f32FromBits, f64FromWords } from '../../interpreter/fpu.js';
import { Machine, type RunOutcome } from '../../interpreter/machine.js';
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

export function run(argv: string[], io: Io): ExitCode {
  const args = parseArgs(argv, new Set(['json', 'fpu']));
  checkFlags(args, ['json', 'fpu', 'args', 'results', 'fuel', 'invoke', 'config']);
  const bytes = readInput(args.positionals[0]);
  const prepared = isWasm(bytes) ? prepareWasm(bytes, args) : prepareRwasm(bytes, args);
  const fuelLimit = parseCount(stringFlag(args, 'fuel'), '--fuel');
  const machine = new Machine(prepared.module, { fpu: prepared.fpu, fuelLimit });
  let outcome: RunOutcome = machine.instantiate();
  if (outcome.status === 'returned') outcome = machine.run({ params: prepared.params, resultWords: prepared.resultWords });
  const trap = outcome.status === 'trapped' ? trapName(outcome.trap) : outcome.status === 'outOfFuel' ? 'OutOfFuel' : null;
  const results = outcome.status === 'returned' ? prepared.format(outcome.results) : [];
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ status: outcome.status, results, fuelConsumed: machine.fuelConsumed().toString(), trap }) + '\n');
  } else {
    const detail =
      outcome.status === 'trapped' ? ` ${trapName(outcome.trap)} (${trapMessage(outcome.trap)}) at pc ${outcome.pc}`
      : outcome.status === 'outOfFuel' ? ` at pc ${outcome.pc}` : '';
    io.out(`${outcome.status}${detail}\nresults ${results.join(', ') || '(none)'}\nfuel consumed ${machine.fuelConsumed()}\n`);
  }
  return outcome.status === 'trapped' || outcome.status === 'outOfFuel' ? 2 : 0;
}
