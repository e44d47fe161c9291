/**
 * Compiled code counts fuel in a window of under 2^30 (an integer the engine keeps in a
 * register) and banks the rest of the budget; a charge the window cannot cover goes to the
 * interpreter, which charges it from the whole budget. Budgets of many windows, charges of up to
 * the largest an instruction may cost (engine metering), stops by fuel and top-ups: the
 * interpreter's results, fuel and every stop. Oracle: a formula for the result and the
 * interpreter tier for fuel.
 */
import { describe, expect, it } from 'vitest';
import { FuelCostTable, Machine, compileWasm, type RunOutcome, type Tier } from '../../src/index.js';
import { programWasm } from '../support/programs.js';

// test/runtime/programs/fuel-window.wat, run(n) = Σ_{i<n} (i + i + i + i): four i32.adds a pass, each charged 2^20 below.

const COSTS = FuelCostTable.DEFAULT.with({ I32Add: 1 << 20 });

function run(wasm: Uint8Array, tier: Tier, n: number, limit: bigint | undefined, topUp: number): unknown[] {
  const { module } = compileWasm(wasm, { entrypointName: 'run', consumeFuel: false });
  const machine = new Machine(module, { tier, fuelCosts: COSTS, fuelLimit: limit });
  machine.instantiate();
  const seen: unknown[] = [];
  // Several runs: the auto tier translates once the loop has gone round a few times.
  for (let round = 0; round < 3; round++) {
    machine.resetFuel(limit);
    let outcome: RunOutcome = machine.run({ params: [n], resultWords: 1 });
    while (outcome.status === 'outOfFuel') {
      seen.push({ pc: outcome.pc, required: outcome.required, consumed: machine.fuelConsumed(), stack: Array.from(machine.valueStack()) });
      machine.addFuel(topUp);
      outcome = machine.resume();
    }
    seen.push(outcome.status === 'returned' ? Array.from(outcome.results) : outcome, machine.fuelConsumed());
  }
  return seen;
}

describe('fuel beyond what compiled code counts at once', () => {
  it('budgets of many windows, stops and top-ups: the interpreter fuel and stops, the formula result', async () => {
    const wasm = programWasm('fuel-window');
    const n = 3000; // about 1.3e10 fuel: a dozen windows
    const expected = ((4 * n * (n - 1)) / 2) >>> 0;
    const cases: Array<[bigint | undefined, number]> = [
      [undefined, 0],
      [20_000_000_000n, 0],
      [5_000_000_001n, 3_000_000_007],
      [1_073_741_823n, 1_073_741_824],
      [1_073_741_824n + 4n * 2n ** 20n, 2 ** 31],
    ];
    for (const [limit, topUp] of cases) {
      const interpreted = run(wasm, 'interpreter', n, limit, topUp);
      expect(interpreted).toContainEqual([expected]);
      for (const tier of ['compiled', 'auto'] as const) expect(run(wasm, tier, n, limit, topUp), `${tier}, limit ${limit}`).toEqual(interpreted);
    }
  });
});
