/**
 * One binaryen module, fuzz-exec'd on V8 and on each of our tiers, its differences classified.
 * Shared by the CI batch (test/fuzz/binaryen.test.ts) and the soak (`npm run fuzz`).
 */
import { TtfGenerator, fuzzInput } from './binaryen-ttf.js';
import { firstDifference, runOnOurs, runOnV8, type EngineName } from './fuzz-exec.js';
import { classify, moduleFacts, type Difference } from './known-differences.js';

export type OurTier = Exclude<EngineName, 'v8'>;
export const OUR_TIERS: readonly OurTier[] = ['interpreter', 'compiled'];

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

/** Compares one module on V8 and on every tier of ours; the first tier that differs decides. */
export function judgeModule(bytes: Uint8Array, tiers: readonly OurTier[] = OUR_TIERS): ModuleVerdict {
  const v8 = runOnV8(bytes);
  let known: ModuleVerdict | undefined;
  for (const tier of tiers) {
    const difference = firstDifference(v8, runOnOurs(bytes, tier));
    if (difference === undefined) continue;
    const explained = classify(moduleFacts(bytes), difference);
    if (explained === undefined) return { kind: 'differ', tier, difference };
    known ??= { kind: 'known', id: explained.id, tier };
  }
  return known ?? { kind: 'agree' };
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
      const verdict = judgeModule(bytes, tiers);
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
