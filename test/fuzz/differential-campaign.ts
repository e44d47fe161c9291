/**
 * One binaryen module, fuzz-exec'd on V8 and on each of our tiers, its differences classified.
 * Shared by the CI batch (test/fuzz/binaryen.test.ts) and the soak (`npm run fuzz`).
 */
import { TtfGenerator, fuzzInput } from './binaryen-ttf.js';
import { firstDifference, runOnOurs, runOnV8, type EngineName } from './fuzz-exec.js';
import { classify, moduleFacts, type Difference } from './known-differences.js';

export type OurTier = Exclude<EngineName, 'v8'>;
/** The tiers as users get them, and the block engine with everything prepared at once (which the interpreter tier runs only once code is warm). */
export const OUR_TIERS: readonly OurTier[] = ['interpreter', 'compiled', 'blocks'];
/**
 * Where a difference is checked again without NaNs: every engine of ours, so that a bug of one
 * engine cannot hide behind the other code paths the changed module happens to take.
 */
const EVERY_ENGINE: readonly OurTier[] = ['interpreter', 'compiled', 'stepper', 'blocks'];

export type ModuleVerdict =
  | { readonly kind: 'agree' }
  | { readonly kind: 'known'; readonly id: string; readonly tier: OurTier }
  | { readonly kind: 'differ'; readonly tier: OurTier; readonly difference: Difference }
  /** Binaryen failed to build a module from this input (not a finding about us). */
  | { readonly kind: 'no-module' };

export interface ModuleResult {
  readonly seed: number;
  readonly index: number;
  readonly verdict: ModuleVerdict;
  /** The module (kept for a difference, to be written out). */
  readonly bytes?: Uint8Array;
}

/** The first difference of `bytes` between V8 and each tier, in order (undefined: every tier agrees). */
function firstDisagreement(bytes: Uint8Array, tiers: readonly OurTier[]): { tier: OurTier; difference: Difference } | undefined {
  const v8 = runOnV8(bytes);
  for (const tier of tiers) {
    const ours = runOnOurs(bytes, tier);
    const difference = firstDifference(v8.log, ours.log);
    if (difference !== undefined) {
      return { tier, difference: { ...difference, oursTrapOpcode: ours.trapOpcodes.get(difference.line), v8TrapOperator: v8.trapOperators.get(difference.line) } };
    }
  }
  return undefined;
}

/**
 * Compares one module on V8 and on every tier of ours; the first tier that differs decides.
 * A difference the static facts do not explain is tried again without NaNs (`generator`'s
 * --denan), which tells a NaN payload that went through memory from anything else.
 */
export async function judgeModule(bytes: Uint8Array, generator: TtfGenerator, tiers: readonly OurTier[] = OUR_TIERS): Promise<ModuleVerdict> {
  const found = firstDisagreement(bytes, tiers);
  if (found === undefined) return { kind: 'agree' };
  const facts = moduleFacts(bytes);
  let explained = classify(facts, found.difference);
  if (explained === undefined) {
    const denanned = await generator.withoutNans(bytes);
    const agreesWithoutNans = denanned !== undefined && firstDisagreement(denanned, EVERY_ENGINE) === undefined;
    explained = classify({ ...facts, agreesWithoutNans }, found.difference);
  }
  return explained === undefined ? { kind: 'differ', ...found } : { kind: 'known', id: explained.id, tier: found.tier };
}

/** Runs modules `offset .. offset + count - 1` of `seed`, reporting each. */
export async function runDifferential(
  seed: number,
  offset: number,
  count: number,
  onResult: (result: ModuleResult) => void,
  tiers: readonly OurTier[] = OUR_TIERS,
): Promise<void> {
  const generator = await TtfGenerator.create();
  try {
    for (let index = offset; index < offset + count; index++) {
      const bytes = await generator.generate(fuzzInput(seed, index));
      if (bytes === undefined) {
        onResult({ seed, index, verdict: { kind: 'no-module' } });
        continue;
      }
      const verdict = await judgeModule(bytes, generator, tiers);
      onResult({ seed, index, verdict, ...(verdict.kind === 'agree' ? {} : { bytes }) });
    }
  } finally {
    generator.dispose();
  }
}

/** The one-line command that reruns module `index` of `seed`. */
export function reproduction(seed: number, index: number): string {
  return `npm run fuzz -- --campaign binaryen --seed ${seed} --offset ${index} --modules 1`;
}
