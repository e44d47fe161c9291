/**
 * Plain programs run fused instructions (paying branches, call prologues, instruction pairs,
 * i64 snippets); traced programs never do. On random programs, with fuel limits that stop
 * them anywhere and top-ups that continue them, both must agree on everything observable:
 * every stop (pc, fuel required, fuel consumed), the result or trap, memory and globals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FuelCostTable, Machine, OPCODE_TABLE, RwasmModule, assemble, prepareProgram, type RunOutcome } from '../../src/index.js';
import { Op } from '../../src/interpreter/execute.js';
import { program, statement } from '../support/random-programs.js';

function observe(machine: Machine, outcome: RunOutcome): unknown {
  const common = { fuel: machine.fuelConsumed() };
  switch (outcome.status) {
    case 'returned':
      return { ...common, status: 'returned', results: Array.from(outcome.results) };
    default:
      return { ...common, ...outcome };
  }
}

/** Runs from `limit`, topping up after every stop; returns every stop, the memory and global 0. */
function stopsOf(machine: Machine, n: number, limit: number, topUps: number[]): unknown[] {
  machine.instantiate();
  machine.resetFuel(BigInt(limit));
  const seen: unknown[] = [];
  let outcome = machine.run({ params: [n], resultWords: 1 });
  for (let step = 0; ; step++) {
    seen.push(observe(machine, outcome));
    if (outcome.status !== 'outOfFuel' || step > 200) break;
    machine.addFuel(topUps[step % topUps.length]!);
    outcome = machine.resume();
  }
  seen.push(Buffer.from(machine.memory.subarray(0, 1024)).toString('hex'), machine.global(0));
  return seen;
}

describe('fused and unfused execution agree', () => {
  it('the plain preparation of a compiled-style program does use fused instructions', () => {
    const { code, labels } = assemble(program([{ kind: 'mixN', op: 'I32Xor' }, { kind: 'call' }, { kind: 'arith', op: 'I32Add', c: 3 }], 1));
    const plain = new Machine(new RwasmModule({ code, sourcePc: labels.get('main')! })).program.code;
    for (const op of [Op.CallFueledChecked, Op.LocalGetConst, Op.LocalGet2, Op.LocalSetGet, Op.PrologueFueledChecked]) expect(Array.from(plain)).toContain(op);
  });

  it('with engine metering: fused and unfused preparations stop at the same instructions', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer(),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: OPCODE_TABLE.length, maxLength: OPCODE_TABLE.length }),
        fc.integer({ min: 0, max: 600 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }),
        (statements, n, seed, costArray, limit, topUps) => {
          const { code, labels } = assemble(program(statements, seed));
          const module = new RwasmModule({ code, sourcePc: labels.get('main')! });
          const fuelCosts = FuelCostTable.fromArray(costArray);
          const fused = new Machine(module, { fuelCosts, maxMemoryPages: 4 });
          const unfused = new Machine(prepareProgram(module, { fuelCosts, fuse: false }), { fuelCosts, maxMemoryPages: 4 });
          expect(fused.program.fused && !unfused.program.fused).toBe(true);
          const stops = [fused, unfused].map((machine) => stopsOf(machine, n, limit, topUps));
          expect(stops[0]).toEqual(stops[1]);
        },
      ),
      { seed: 0x3e7e, numRuns: 300 },
    );
  });

  it('on random programs, through fuel stops and top-ups', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer(),
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }),
        (statements, n, seed, limit, topUps) => {
          const { code, labels } = assemble(program(statements, seed));
          const module = new RwasmModule({ code, sourcePc: labels.get('main')! });
          const sides = [new Machine(module, { maxMemoryPages: 4 }), new Machine(module, { maxMemoryPages: 4, trace: () => {} })];
          const stops = sides.map((machine) => stopsOf(machine, n, limit, topUps));
          expect(stops[0]).toEqual(stops[1]);
        },
      ),
      { seed: 0xf05e, numRuns: 300 },
    );
  });
});
