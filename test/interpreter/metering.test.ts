/**
 * Engine metering. The oracle is independent of the block metering under test: the same
 * program with `ConsumeFuel(cost of the next instruction)` in front of every instruction, run
 * without engine metering, charges exactly what per-instruction metering charges and stops at
 * the same instructions (the reference's ConsumeFuel rule: stop before the charge, nothing
 * charged). Both are driven in lockstep through limits, out-of-fuel stops and top-ups.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FuelCostTable,
  Machine,
  OPCODE_TABLE,
  Opcode,
  RwasmModule,
  TrapCode,
  assemble,
  ins,
  label,
  to,
  type AsmItem,
  type RunOutcome,
  type TraceEvent,
} from '../../src/index.js';
import { KERNELS } from '../../bench/programs.js';
import { program, statement as stmt } from '../support/random-programs.js';

const ALL_ONE = FuelCostTable.fromArray(OPCODE_TABLE.map(() => 1));
// Instructions whose next item is a payload word that never runs on its own.
const HAS_PAYLOAD = new Set<number>([Opcode.CallIndirect, Opcode.ReturnCallIndirect, Opcode.TableInit]);

interface Pair {
  metered: RwasmModule;
  /** The oracle: ConsumeFuel(cost) before every instruction. */
  counted: RwasmModule;
  /** The pc in `metered` of each instruction of `counted` (an inserted charge maps to the instruction it pays for). */
  originalPc: number[];
}

function buildPair(items: readonly AsmItem[], sourceLabel: string, costs: FuelCostTable): Pair {
  const withCharges: AsmItem[] = [];
  let previousHadPayload = false;
  for (const item of items) {
    if ('defines' in item) {
      withCharges.push(item);
      continue;
    }
    if (!previousHadPayload) withCharges.push(ins.ConsumeFuel(costs.costOf(item.opcode)));
    withCharges.push(item);
    previousHadPayload = HAS_PAYLOAD.has(item.opcode);
  }
  const plain = assemble(items);
  const counted = assemble(withCharges);
  const originalPc: number[] = [];
  plain.code.forEach((_, pc) => {
    const payload = pc > 0 && HAS_PAYLOAD.has(plain.code[pc - 1]!.opcode);
    if (!payload) originalPc.push(pc); // the inserted ConsumeFuel
    originalPc.push(pc);
  });
  expect(originalPc.length).toBe(counted.code.length);
  return {
    metered: new RwasmModule({ code: plain.code, sourcePc: plain.labels.get(sourceLabel)! }),
    counted: new RwasmModule({ code: counted.code, sourcePc: counted.labels.get(sourceLabel)! }),
    originalPc,
  };
}

interface Side {
  machine: Machine;
  pcMap: (pc: number) => number;
}

function start(module: RwasmModule, options: { fuelCosts?: FuelCostTable }, limit: bigint | undefined): Machine {
  const machine = new Machine(module, { ...options, maxMemoryPages: 16 });
  machine.instantiate(); // init code: no limit yet, and identical in both (charges are compared from here)
  machine.resetFuel(limit);
  return machine;
}

function comparable(outcome: RunOutcome, pcMap: (pc: number) => number): unknown {
  switch (outcome.status) {
    case 'returned':
      return { status: 'returned', results: Array.from(outcome.results) };
    case 'trapped':
      return { status: 'trapped', trap: outcome.trap, pc: pcMap(outcome.pc) };
    case 'outOfFuel':
      return { status: 'outOfFuel', pc: pcMap(outcome.pc), required: outcome.required };
    default:
      return outcome;
  }
}

describe('engine metering', () => {
  it('charges what a ConsumeFuel before every instruction charges, stopping at the same instructions', () => {
    fc.assert(
      fc.property(
        fc.array(stmt, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer(),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: OPCODE_TABLE.length, maxLength: OPCODE_TABLE.length }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        (statements, n, seed, costArray, topUps) => {
          const costs = FuelCostTable.fromArray(costArray);
          const pair = buildPair(program(statements, seed), 'main', costs);
          const toOracle = (pc: number) => pc; // outcomes are compared in the metered program's pcs
          const fromOracle = (pc: number) => pair.originalPc[pc]!;

          // Unlimited: same answer, and the total every limit below is measured against.
          const free = start(pair.metered, { fuelCosts: costs }, undefined);
          const freeOracle = start(pair.counted, {}, undefined);
          const a = free.run({ params: [n], resultWords: 1 });
          const b = freeOracle.run({ params: [n], resultWords: 1 });
          expect(comparable(a, toOracle)).toEqual(comparable(b, fromOracle));
          const total = free.fuelConsumed();
          expect(total).toBe(freeOracle.fuelConsumed());

          // Exactly enough succeeds; one less stops before the last paid instruction.
          const exact = start(pair.metered, { fuelCosts: costs }, total);
          expect(comparable(exact.run({ params: [n], resultWords: 1 }), toOracle)).toEqual(comparable(b, fromOracle));
          expect(exact.fuelConsumed()).toBe(total);

          // Lockstep from a tight limit through top-ups, compared at every stop.
          const limit = total > 0n ? total - 1n - BigInt(topUps[0]! % Number(total)) : 0n;
          const sides: Side[] = [
            { machine: start(pair.metered, { fuelCosts: costs }, limit < 0n ? 0n : limit), pcMap: toOracle },
            { machine: start(pair.counted, {}, limit < 0n ? 0n : limit), pcMap: fromOracle },
          ];
          const stops: unknown[][] = [[], []];
          let outcomes = sides.map((s) => s.machine.run({ params: [n], resultWords: 1 }));
          for (let step = 0; ; step++) {
            sides.forEach((side, i) => stops[i]!.push(comparable(outcomes[i]!, side.pcMap), side.machine.fuelConsumed()));
            if (outcomes[0]!.status !== 'outOfFuel') break;
            const amount = topUps[step % topUps.length]!;
            outcomes = sides.map((s) => {
              s.machine.addFuel(amount);
              return s.machine.resume();
            });
          }
          expect(stops[0]).toEqual(stops[1]);
          expect(stops[0]!.at(-2)).toEqual(comparable(b, fromOracle));
          expect(sides[0]!.machine.fuelConsumed()).toBe(total);
          expect(Buffer.compare(sides[0]!.machine.memory, free.memory)).toBe(0);
          expect(sides[0]!.machine.global(0)).toBe(free.global(0));
        },
      ),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('charges one per instruction with an all-ones table: the kernels’ closed-form counts', () => {
    for (const kernel of KERNELS) {
      const machine = new Machine(kernel.module, { fuelCosts: ALL_ONE });
      machine.instantiate();
      machine.resetFuel();
      const n = 25;
      const outcome = machine.run({ params: [n], resultWords: 1 });
      expect(outcome).toEqual({ status: 'returned', results: Uint32Array.of(kernel.expected(n) >>> 0) });
      expect(machine.fuelConsumed()).toBe(BigInt(kernel.instructions(n)));
    }
  });

  it('stops at the first instruction of a block that does not fit, and inside a block at the first that does not', () => {
    const code = [ins.I32Const(1), ins.I32Const(2), ins.I32Add(), ins.I32Const(3), ins.I32Mul(), ins.Return()];
    const module = new RwasmModule({ code });
    const run = (limit: number) => {
      const machine = new Machine(module, { fuelCosts: ALL_ONE, fuelLimit: limit });
      return { machine, outcome: machine.run({ resultWords: 1 }) };
    };
    expect(run(6).outcome).toEqual({ status: 'returned', results: Uint32Array.of(9) });
    expect(run(6).machine.fuelConsumed()).toBe(6n);
    expect(run(5).outcome).toEqual({ status: 'outOfFuel', pc: 5, required: 1n }); // Return costs 1 too
    const short = run(3);
    expect(short.outcome).toEqual({ status: 'outOfFuel', pc: 3, required: 1n });
    expect(short.machine.fuelConsumed()).toBe(3n);
    expect(Array.from(short.machine.valueStack())).toEqual([3]);
    const none = run(0);
    expect(none.outcome).toEqual({ status: 'outOfFuel', pc: 0, required: 1n });
    none.machine.addFuel(6);
    expect(none.machine.resume()).toEqual({ status: 'returned', results: Uint32Array.of(9) });
    expect(none.machine.fuelConsumed()).toBe(6n);
  });

  it('gives back what a trapping block paid for the instructions after the trap', () => {
    const code = [ins.I32Const(1), ins.I32Const(0), ins.I32DivU(), ins.I32Const(3), ins.I32Add(), ins.Return()];
    const machine = new Machine(new RwasmModule({ code }), { fuelCosts: ALL_ONE });
    expect(machine.run({ resultWords: 1 })).toEqual({ status: 'trapped', trap: TrapCode.IntegerDivisionByZero, pc: 2 });
    expect(machine.fuelConsumed()).toBe(3n);
  });

  it('meters a call_indirect into the middle of a block from its target on', () => {
    const code = [
      ins.I32Const(9), ins.I32Const(1), ins.TableGrow(0), ins.Drop(), // table 0 = [pc 9]
      ins.I32Const(40), ins.I32Const(0), ins.CallIndirect(0), ins.TableGet(0),
      ins.I32Const(40), // pc 8: the return address starts a block …
      ins.I32Const(2), // pc 9: … and the call lands in its middle
      ins.I32Add(), ins.Return(),
    ];
    const machine = new Machine(new RwasmModule({ code }), { fuelCosts: ALL_ONE });
    expect(machine.run({ resultWords: 1 })).toEqual({ status: 'returned', results: Uint32Array.of(42) });
    // 7 instructions up to the call (the payload is free), 3 in the callee from pc 9, 4 after the return.
    expect(machine.fuelConsumed()).toBe(14n);
  });
});

describe('tracing', () => {
  it('reports every executed instruction with pc, opcode, stack height, call depth and exact fuel', () => {
    const { code, labels } = assemble([
      ins.I32Const(5), to.CallInternal('double'), ins.Return(),
      label('double'), ins.LocalGet(1), ins.I32Add(), ins.Return(),
    ]);
    void labels;
    const events: TraceEvent[] = [];
    const machine = new Machine(new RwasmModule({ code }), { fuelCosts: ALL_ONE, trace: (e) => events.push({ ...e }) });
    expect(machine.run({ resultWords: 1 })).toEqual({ status: 'returned', results: Uint32Array.of(10) });
    expect(events.map((e) => [e.pc, e.opcode, e.stackHeight, e.callDepth, e.fuelConsumed])).toEqual([
      [0, Opcode.I32Const, 0, 0, 1n],
      [1, Opcode.CallInternal, 1, 0, 2n],
      [3, Opcode.LocalGet, 1, 1, 3n],
      [4, Opcode.I32Add, 2, 1, 4n],
      [5, Opcode.Return, 1, 1, 5n],
      [2, Opcode.Return, 1, 0, 6n],
    ]);
  });

  it('leaves the untraced program untouched: machines without a hook share the plain preparation', () => {
    const module = new RwasmModule({ code: [ins.I32Const(1), ins.Return()] });
    const plain = new Machine(module);
    const traced = new Machine(module, { trace: () => {} });
    expect(plain.program.traced).toBe(false);
    expect(traced.program.traced).toBe(true);
    expect(new Machine(module).program).toBe(plain.program);
    // The traced machine steps through the module itself: it prepares nothing. (The plain one
    // steps code the first time it runs, and prepares it once the program is warm.)
    for (let run = 0; run < 1100; run++) {
      traced.run({ resultWords: 1 });
      plain.run({ resultWords: 1 });
    }
    expect(traced.program.preparation).toEqual({ units: 0, instructions: 0, blocks: 0 });
    expect(plain.program.preparation).toEqual({ units: 1, instructions: 2, blocks: 1 });
  });

  it('a hook that throws aborts the run and leaves the machine idle', () => {
    const module = new RwasmModule({ code: [ins.I32Const(1), ins.I32Const(2), ins.Return()] });
    let seen = 0;
    const machine = new Machine(module, {
      trace: () => {
        if (++seen === 2) throw new Error('enough');
      },
    });
    expect(() => machine.run()).toThrow('enough');
    expect(machine.suspended).toBeUndefined();
    expect(machine.run()).toMatchObject({ status: 'returned' });
  });
});
