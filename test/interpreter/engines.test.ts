/**
 * The block engine, on the interpreter tier and on the compiled tier, against the stepper. The stepper runs the module's own code one instruction
 * at a time (a traced machine runs on it alone); the block engine runs lowered blocks with
 * fused operands. On random programs they must agree on everything observable: results (the
 * whole final stack), traps and the pc they name, fatal errors, memory, globals, fuel, and with
 * engine metering every out-of-fuel stop — also when each stop is continued on a freshly
 * prepared copy of the module (other units, other block boundaries) or on the other engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FuelCostTable, Machine, OPCODE_TABLE, RwasmModule, assemble, isRwasmError, type RunOutcome } from '../../src/index.js';
import { program, statement } from '../support/random-programs.js';
import { stackModule, stackProgram } from '../support/stack-programs.js';
import { transplant } from '../support/transplant.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';

const NO_HOOK = () => {};

interface Observed {
  outcomes: unknown[];
  memory: string;
  globals: number[];
  fuel: bigint;
}

function describeOutcome(outcome: RunOutcome, machine: Machine): unknown {
  switch (outcome.status) {
    case 'returned':
      return { status: 'returned', results: Array.from(outcome.results) };
    case 'outOfFuel':
    case 'interrupted':
      return { ...outcome, stack: Array.from(machine.valueStack()) };
    default:
      return outcome;
  }
}

/**
 * The stepper (a traced machine), the block engine interpreting its prepared code (prepared the
 * first time it runs), the interpreter as a warm program has it ('cold': code is stepped until it runs
 * again, loops are prepared from their header on while they run, the engines hand over
 * mid-function), or the compiled tier: every chain as it is laid out (compiled), or once it has
 * run a few times (auto).
 */
type Engine = 'stepper' | 'interpreter' | 'cold' | 'compiled' | 'auto';
const NEXT_ENGINE: Record<Engine, Engine> = { stepper: 'interpreter', interpreter: 'cold', cold: 'compiled', compiled: 'auto', auto: 'stepper' };
const BLOCK_ENGINES = ['interpreter', 'cold', 'compiled', 'auto'] as const;

function machineOn(module: RwasmModule, engine: Engine, costs: FuelCostTable | undefined): Machine {
  // 'cold' prepares at the second arrival from the start (a warm program's rule), so its runs hand over mid-function often.
  setWarmArrivals(engine === 'interpreter' ? 1 : engine === 'cold' ? 2 : undefined);
  const tier = engine === 'stepper' || engine === 'cold' ? 'interpreter' : engine;
  const machine = new Machine(module, { trace: engine === 'stepper' ? NO_HOOK : undefined, tier, fuelCosts: costs, maxMemoryPages: 4 });
  setWarmArrivals(undefined);
  if ((engine === 'compiled' || engine === 'auto') && machine.tier !== 'compiled') throw new Error('no compiled tier here');
  return machine;
}

interface RunPlan {
  engine: Engine;
  costs?: FuelCostTable;
  limit?: bigint;
  topUps?: readonly number[];
  /** At every stop: continue on a fresh copy (on this engine, or on the next one when `alternate`). */
  transplant?: boolean;
  alternate?: boolean;
}

function observe(module: RwasmModule, params: readonly number[], resultWords: number, plan: RunPlan): Observed {
  let engine = plan.engine;
  let machine = machineOn(module, engine, plan.costs);
  const outcomes: unknown[] = [];
  const record = (run: () => RunOutcome): RunOutcome | undefined => {
    try {
      const outcome = run();
      outcomes.push(describeOutcome(outcome, machine));
      return outcome;
    } catch (error) {
      if (!isRwasmError(error)) throw error;
      outcomes.push({ error: error.code, details: error.details });
      return undefined;
    }
  };
  record(() => machine.instantiate());
  machine.resetFuel(plan.limit);
  let outcome = record(() => machine.run({ params, resultWords }));
  for (let step = 0; outcome?.status === 'outOfFuel'; step++) {
    if (plan.transplant) {
      if (plan.alternate) engine = NEXT_ENGINE[engine];
      machine = transplant(machine, (module) => machineOn(module, engine, plan.costs));
    }
    // Small top-ups first (a stop at nearly every instruction), growing so that every run ends.
    machine.addFuel((plan.topUps?.[step % plan.topUps.length] ?? 1) * 2 ** Math.floor(step / 12));
    outcome = record(() => machine.resume());
  }
  return {
    outcomes,
    memory: Buffer.from(machine.memory).toString('base64'),
    globals: [0, 1, 2].map((g) => machine.global(g)),
    fuel: machine.fuelConsumed(),
  };
}

const args = fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { minLength: 5, maxLength: 5 });
const costTable = fc.oneof(
  fc.constant(FuelCostTable.DEFAULT),
  fc.array(fc.integer({ min: 0, max: 5 }), { minLength: OPCODE_TABLE.length, maxLength: OPCODE_TABLE.length }).map((costs) => FuelCostTable.fromArray(costs)),
);

describe('the block engine agrees with the stepper, interpreted and compiled', () => {
  it('on stack programs: the whole final stack, traps and their pcs, memory, globals and fuel', () => {
    fc.assert(
      fc.property(stackProgram(), args, (p, values) => {
        const module = stackModule(p);
        const params = values.slice(0, p.params);
        const stepped = observe(module, params, p.resultWords, { engine: 'stepper' });
        for (const engine of BLOCK_ENGINES) expect(observe(module, params, p.resultWords, { engine })).toEqual(stepped);
      }),
      { seed: 0xb10c, numRuns: 1500 },
    );
  });

  it('on i64-heavy stack programs: snippets run natively on every operand shape, against their bodies stepped', () => {
    fc.assert(
      fc.property(stackProgram({ i64: true }), args, (p, values) => {
        const module = stackModule(p);
        const params = values.slice(0, p.params);
        const stepped = observe(module, params, p.resultWords, { engine: 'stepper' });
        for (const engine of BLOCK_ENGINES) expect(observe(module, params, p.resultWords, { engine })).toEqual(stepped);
      }),
      { seed: 0x1640, numRuns: 1500 },
    );
  });

  it('on stack programs with engine metering, stopping at every limit and continued on fresh copies', () => {
    fc.assert(
      fc.property(stackProgram(), args, costTable, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (p, values, costs, topUps, alternate) => {
        const module = stackModule(p);
        const params = values.slice(0, p.params);
        const whole = observe(module, params, p.resultWords, { engine: 'stepper', costs });
        const limit = whole.fuel > 0n ? whole.fuel / 2n : 0n;
        const stepped = observe(module, params, p.resultWords, { engine: 'stepper', costs, limit, topUps });
        for (const engine of BLOCK_ENGINES) expect(observe(module, params, p.resultWords, { engine, costs, limit, topUps, transplant: true, alternate })).toEqual(stepped);
        expect(stepped.fuel).toBe(whole.fuel);
      }),
      { seed: 0x3e7e, numRuns: 600 },
    );
  });

  it('on looping programs with calls, call_indirect, memory and program fuel, plain and metered', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 9 }), fc.integer(), costTable, fc.integer({ min: 0, max: 400 }), (statements, n, seed, costs, limit) => {
        const { code, labels } = assemble(program(statements, seed));
        const module = new RwasmModule({ code, sourcePc: labels.get('main')! });
        const plan = { costs, limit: BigInt(limit), topUps: [3, 17] };
        const stepped = [
          observe(module, [n], 1, { engine: 'stepper' }),
          observe(module, [n], 1, { ...plan, engine: 'stepper' }),
          observe(module, [n], 1, { engine: 'stepper', limit: BigInt(limit), topUps: [5] }),
        ];
        for (const engine of BLOCK_ENGINES) {
          expect(observe(module, [n], 1, { engine })).toEqual(stepped[0]);
          expect(observe(module, [n], 1, { ...plan, engine, transplant: true })).toEqual(stepped[1]);
          // Program fuel alone (no engine metering), stopping at its ConsumeFuel checks; every stop continued on the next engine.
          expect(observe(module, [n], 1, { engine, limit: BigInt(limit), topUps: [5], transplant: true, alternate: true })).toEqual(stepped[2]);
        }
      }),
      { seed: 0x100b, numRuns: 400 },
    );
  });
});
