/**
 * The mutation campaigns on fixed seeds, bounded (`npm run fuzz -- --campaign <name>` soaks
 * them): every case ends in an outcome or an RwasmError within a second, and the tiers agree on
 * every executed mutant. They pick their tiers themselves, so the interpreter and compiled passes
 * skip them; under --jitless they run fewer cases.
 */
import { describe, expect, it } from 'vitest';
import { HOST_HAS_WEBASSEMBLY } from '../support/host-wasm.js';
import { CASE_TIME_LIMIT_MS, MUTATION_CAMPAIGNS } from './mutation-campaigns.js';

const SEED = 20261202;
const tierPass = (process.env.RWASM_TIER ?? '') !== '' || process.env.RWASM_PREPARE !== undefined;
const scale = HOST_HAS_WEBASSEMBLY ? 1 : 0.1;
const CASES: Record<string, number> = { 'rwasm-decode': 1200, 'wasm-compile': 1500, execute: 400, snapshot: 800 };

describe.skipIf(tierPass)('mutation campaigns (fixed seed)', () => {
  for (const [name, count] of Object.entries(CASES)) {
    const cases = Math.ceil(count * scale);
    it(`${name}: ${cases} hostile inputs, nothing but outcomes and RwasmErrors, none over ${CASE_TIME_LIMIT_MS / 1000} s`, () => {
      const campaign = MUTATION_CAMPAIGNS[name]!;
      const failures: string[] = [];
      const outcomes = new Map<string, number>();
      for (let index = 0; index < cases; index++) {
        const result = campaign(SEED, index);
        if (result.failure) failures.push(`case ${index}: ${result.failure} (rerun: npm run fuzz -- --campaign ${name} --seed ${SEED} --offset ${index} --modules 1)`);
        outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
      }
      expect(failures).toEqual([]);
      // Not vacuous: some inputs get past the first check and some are refused.
      const accepted = [...outcomes].filter(([o]) => !o.startsWith('RwasmError:') && !o.startsWith('MalformedWasmBinary')).reduce((n, [, c]) => n + c, 0);
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(cases);
    }, 600_000);
  }

  it('execute: a mutant that loses its fuel checks (seed 1 case 5559, a `BrIfEqz -1` loop) still ends out of fuel, within the limit', () => {
    const result = MUTATION_CAMPAIGNS.execute!(1, 5559);
    expect(result.failure).toBeUndefined();
    expect(result.outcome).toBe('outOfFuel');
  });

  it('execute: a StackCheck no stack can pass, in a block the compiled code reaches (seed 1 case 91872), traps StackOverflow on both tiers', () => {
    const result = MUTATION_CAMPAIGNS.execute!(1, 91872);
    expect(result.failure).toBeUndefined();
    expect(result.outcome).toBe('trapped:StackOverflow');
  });
});

