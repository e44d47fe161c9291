/**
 * Code runs on the stepper until control has reached it twice (a function entry, a loop's
 * header, a return address), and only then is its unit prepared for the block engine: what runs
 * once costs no preparation. A cold program (control arrived fewer than 1024 times) prepares
 * only where control arrived 255 times. The engines hand over mid-function (a loop prepared from its header
 * while its function is stepped, a prepared callee returning into a stepped caller). Oracles: a
 * formula for the results, and a traced machine (the stepper alone) for fuel and every stop.
 */
import { describe, expect, it } from 'vitest';
import { FuelCostTable, Machine, RwasmModule, compileWasm, type RunOutcome } from '../../src/index.js';
import { programWasm } from '../support/programs.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';

// test/runtime/programs/cold-code.wat, `run(n)`: `once` runs once; the loop calls `square` n
// times (a prepared callee returning into its stepped caller once `square` is warm), and
// `square` has a loop of its own.

/** 3n + 7 plus the sum of i² for i < n. */
const expected = (n: number) => (3 * n + 7 + ((n - 1) * n * (2 * n - 1)) / 6) >>> 0;

function module(): RwasmModule {
  return compileWasm(programWasm('cold-code'), { entrypointName: 'run', consumeFuel: false }).module;
}

/** A copy of the module with nothing prepared (programs are kept per module). */
const fresh = (module: RwasmModule) => RwasmModule.decode(module.encode());

function stops(machine: Machine, n: number, limit: bigint): unknown[] {
  const seen: unknown[] = [];
  machine.resetFuel(limit);
  let outcome: RunOutcome = machine.run({ params: [n], resultWords: 1 });
  for (;;) {
    seen.push(outcome.status === 'returned' ? Array.from(outcome.results) : { ...outcome, stack: Array.from(machine.valueStack()) });
    if (outcome.status !== 'outOfFuel') break;
    machine.addFuel(3);
    outcome = machine.resume();
  }
  seen.push(machine.fuelConsumed());
  return seen;
}

describe('code that has run once is stepped, not prepared', () => {
  it('prepares a unit only where control arrived twice, with the results of the formula (no cold phase)', async () => {
    setWarmArrivals(2);
    const rwasm = module();
    // n = 1: every function entered once, no loop goes round twice: nothing is prepared.
    const once = new Machine(fresh(rwasm), { tier: 'interpreter' });
    expect(once.run({ params: [1], resultWords: 1 })).toMatchObject({ status: 'returned', results: Uint32Array.of(expected(1)) });
    expect(once.program.preparation.units).toBe(0);
    // n = 6 on a fresh program: \`square\` is prepared at its second call and returns into the
    // stepped loop, which is prepared from its header at its second pass; \`once\` never is.
    const machine = new Machine(fresh(rwasm), { tier: 'interpreter' });
    expect(machine.run({ params: [6], resultWords: 1 })).toMatchObject({ status: 'returned', results: Uint32Array.of(expected(6)) });
    const { units, instructions } = machine.program.preparation;
    expect(units).toBeGreaterThan(0);
    expect(instructions).toBeLessThan(machine.program.codeLength);
    // Further runs run on what was prepared: the same answers.
    for (const n of [0, 2, 9, 40]) expect(machine.run({ params: [n], resultWords: 1 })).toMatchObject({ status: 'returned', results: Uint32Array.of(expected(n)) });
    setWarmArrivals(undefined);
  });

  it('a cold program is stepped until control has arrived 1024 times in it, or 255 times at one place', () => {
    setWarmArrivals(undefined);
    const rwasm = module();
    const run = (machine: Machine, n: number) => expect(machine.run({ params: [n], resultWords: 1 })).toMatchObject({ status: 'returned', results: Uint32Array.of(expected(n)) });
    // Short runs: what arrived twice waits for the program to warm up.
    const machine = new Machine(fresh(rwasm), { tier: 'interpreter' });
    run(machine, 6);
    run(machine, 6);
    expect(machine.program.preparation.units).toBe(0);
    // Every run arrives at least once (its start), so within 1024 runs the program is warm.
    let runs = 2;
    while (machine.program.preparation.units === 0 && runs < 1100) {
      run(machine, 6);
      runs++;
    }
    expect(machine.program.preparation.units).toBeGreaterThan(0);
    expect(runs).toBeLessThanOrEqual(1024);
    for (const n of [0, 2, 9, 40]) run(machine, n);
    // A loop going round 300 times is prepared within its first run, cold as the program is.
    const looping = new Machine(fresh(rwasm), { tier: 'interpreter' });
    run(looping, 300);
    expect(looping.program.preparation.units).toBeGreaterThan(0);
  });

  it('stops where the stepper alone stops, at every fuel limit, cold and prepared alike (engine metering)', async () => {
    setWarmArrivals(undefined);
    const rwasm = module();
    const costs = FuelCostTable.DEFAULT;
    const stepper = new Machine(rwasm, { tier: 'interpreter', fuelCosts: costs, trace: () => {} });
    const whole = stops(stepper, 5, 1_000_000n);
    expect(whole[0]).toEqual([expected(5)]);
    const fuel = Number(whole[1]);
    for (let limit = 1; limit <= fuel; limit += 7) {
      // A fresh program each time, so every stop meets code as cold as the first run does.
      const cold = new Machine(fresh(rwasm), { tier: 'interpreter', fuelCosts: costs });
      expect(stops(cold, 5, BigInt(limit))).toEqual(stops(stepper, 5, BigInt(limit)));
    }
  });
});
