/**
 * A fixed-seed batch of binaryen modules for CI, run in two files so the two cores share it.
 * It runs in the default pass only: it runs both tiers itself (the interpreter and compiled
 * passes would repeat it), and under --jitless there is no V8 to compare with.
 */
import { describe, expect, it } from 'vitest';
import { HOST_HAS_WEBASSEMBLY } from '../support/host-wasm.js';
import { reproduction, runDifferential, type ModuleResult } from './differential-campaign.js';

export const CI_SEED = 20261202;
const defaultPass = (process.env.RWASM_TIER ?? '') === '' && process.env.RWASM_PREPARE === undefined;

export function defineBinaryenBatch(offset: number, count: number): void {
  describe.runIf(HOST_HAS_WEBASSEMBLY && defaultPass)(`binaryen translate-to-fuzz modules ${offset}..${offset + count - 1} (seed ${CI_SEED})`, () => {
    it('agree with V8 on both tiers and the eager block engine, or differ only as the known-difference table explains', async () => {
      const results: ModuleResult[] = [];
      await runDifferential(CI_SEED, offset, count, (r) => results.push(r));
      const unexplained = results
        .filter((r) => r.verdict.kind === 'differ')
        .map((r) => `${JSON.stringify(r.verdict)}\n  rerun: ${reproduction(r.seed, r.index)}`);
      expect(unexplained).toEqual([]);
      const tally = (kind: string) => results.filter((r) => r.verdict.kind === kind).length;
      expect(results).toHaveLength(count);
      // Not vacuous: binaryen built every module and almost all agree outright.
      expect(tally('no-module')).toBe(0);
      expect(tally('agree')).toBeGreaterThan(count * 0.97);
    }, 600_000);
  });
}
