/**
 * The compiled tier: where the host lets a program generate code (`new Function`), chains of the
 * block engine's prepared code run as JavaScript that V8 (or any engine) compiles, on the
 * interpreter's own state, stopping only by handing back to it (translate.ts says how that keeps
 * every stop exact).
 */
import { RwasmError } from '../errors.js';
import { TOO_LARGE, type ChainTranslator, type CompiledCode } from '../interpreter/compiled-code.js';
import { compareI64, i64Operation, i64Trap, mulHigh } from '../interpreter/i64.js';
import { COMPILED_PARAMETERS, FACTORY_PARAMETERS, translateRanges } from './translate.js';

/** Which engine runs a program: `auto` is `compiled` where code may be generated, translating what runs often. */
export type Tier = 'auto' | 'interpreter' | 'compiled';

let generationAllowed: boolean | undefined;
let defaultTier: Tier = 'auto';

/**
 * The tier of machines and runtimes created without one (initially `'auto'`): e.g. the
 * interpreter everywhere for a process that must never generate code. The CLI sets it from
 * `--tier` or `RWASM_TIER`.
 */
export function setDefaultTier(tier: Tier): void {
  if (tier !== 'auto' && tier !== 'interpreter' && tier !== 'compiled') {
    throw new RwasmError('InvalidArgument', `tier must be 'auto', 'interpreter' or 'compiled', not ${String(tier)}`);
  }
  defaultTier = tier;
}

/** Whether `new Function` works here (false under a Content-Security-Policy without 'unsafe-eval'); probed once. */
export function codeGenerationAllowed(): boolean {
  if (generationAllowed === undefined) {
    try {
      generationAllowed = (new Function('return 7') as () => number)() === 7;
    } catch {
      generationAllowed = false;
    }
  }
  return generationAllowed;
}

/** The tier a request comes to: `compiled` needs code generation (and falls back without an error when refused). */
export function resolveTier(requested: Tier | undefined): 'interpreter' | 'compiled' {
  const tier = requested ?? defaultTier;
  if (tier !== 'auto' && tier !== 'interpreter' && tier !== 'compiled') {
    throw new RwasmError('InvalidArgument', `tier must be 'auto', 'interpreter' or 'compiled', not ${String(tier)}`);
  }
  if (tier === 'interpreter') return 'interpreter';
  return codeGenerationAllowed() ? 'compiled' : 'interpreter';
}

/**
 * How a program is prepared for a requested tier: `'compiled'` translates each chain as it is
 * laid out, `'auto'` a loop once its header has run a few times and a function once it has run
 * in proportion to its size (so start-up stays the interpreter's, code that runs once is never
 * translated, and code that would not repay its translation stays interpreted: see
 * translation.ts and lazy-unit.ts).
 */
export function translationFor(requested: Tier | undefined): { translator: ChainTranslator | undefined; translateEagerly: boolean } {
  if (resolveTier(requested) === 'interpreter') return { translator: undefined, translateEagerly: false };
  return { translator: translateChain, translateEagerly: (requested ?? defaultTier) === 'compiled' };
}

/** Where compiled code has the interpreter's i64 helper write a result. */
const i64Scratch = new Int32Array(2);

/** The translator the block engine calls for each chain it lays out. */
export const translateChain: ChainTranslator = (source, ranges, demand) => {
  const body = translateRanges(source, ranges, demand);
  if (body === undefined || body === TOO_LARGE) return body;
  const factory = new Function(...FACTORY_PARAMETERS, `return function compiledChain(${COMPILED_PARAMETERS.join(', ')}) {\n${body}\n};`) as (
    ...helpers: [typeof mulHigh, typeof compareI64, typeof i64Operation, typeof i64Trap, Int32Array, Int32Array, readonly CompiledCode[]]
  ) => CompiledCode;
  return factory(mulHigh, compareI64, i64Operation, i64Trap, i64Scratch, source.ipOfPc, source.compiled);
};
