/**
 * Suspending and resuming: an interrupted run resumed with the host's answers, and a run that
 * ran out of fuel topped up and resumed, end exactly like one uninterrupted run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Machine, RwasmModule, TrapCode, assemble, ins, label, to, type HostCall, type RunOutcome } from '../../src/index.js';

// A workload touching everything a suspension must preserve: a loop with per-block fuel, a
// dynamic fuel charge, nested calls (call stack), memory writes, a global, and a syscall per
// iteration whose answer feeds the computation.
//   global 0: running hash; memory[4*i]: answer of iteration i; result: hash
const SYSCALL = 7;
const { code: WORKLOAD } = assemble([
  // init (pc 0)
  ins.StackCheck(4), ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Return(),
  // main(n) at source_pc
  label('main'),
  ins.StackCheck(8), ins.ConsumeFuel(3),
  label('loop'),
  ins.ConsumeFuel(7),
  ins.LocalGet(1), to.BrIfEqz('done'),
  ins.LocalGet(1), to.CallInternal('step'), ins.Drop(),
  ins.LocalGet(1), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(1),
  to.Br('loop'),
  label('done'),
  ins.Drop(), ins.GlobalGet(0), ins.Return(),
  // step(i) -> i: hash = hash * 31 + syscall(i); memory[4*i] = answer
  label('step'),
  ins.SignatureCheck(0), ins.ConsumeFuel(5), ins.StackCheck(6),
  ins.LocalGet(1), ins.I32Const(3), ins.ConsumeFuelStack(),
  ins.Call(SYSCALL),
  ins.LocalGet(2), ins.I32Const(2), ins.I32Shl(), ins.LocalGet(2), ins.I32Store(0),
  ins.GlobalGet(0), ins.I32Const(31), ins.I32Mul(), ins.I32Add(), ins.GlobalSet(0),
  ins.Return(),
]);
const MAIN_PC = 5;
const workload = new RwasmModule({ code: WORKLOAD, sourcePc: MAIN_PC });

const answer = (x: number) => (Math.imul(x, 0x9e3779b1) ^ (x >>> 3)) >>> 0;

function syscall(interrupt: boolean, seen: number[]) {
  return {
    index: SYSCALL,
    params: ['i32'] as const,
    results: ['i32'] as const,
    handler: (call: HostCall) => {
      const x = call.param(0);
      seen.push(x);
      call.write(1024 + 4 * (seen.length - 1), new Uint8Array([x & 0xff, 0xaa, 0xbb, 0xcc]));
      if (interrupt) return TrapCode.InterruptionCalled;
      call.results[0] = answer(x);
    },
  };
}

interface Final {
  outcome: RunOutcome;
  memory: string;
  hash: number;
  fuel: bigint;
}

function finalState(machine: Machine, outcome: RunOutcome): Final {
  return { outcome, memory: Buffer.from(machine.memory).toString('base64'), hash: machine.global(0), fuel: machine.fuelConsumed() };
}

function uninterrupted(n: number, fuelLimit?: bigint): Final {
  const seen: number[] = [];
  const machine = new Machine(workload, { hostFunctions: [syscall(false, seen)], fuelLimit });
  machine.instantiate();
  return finalState(machine, machine.run({ params: [n], resultWords: 1 }));
}

describe('interrupt → resume', () => {
  it('gives the same results, memory, globals and fuel as answering inline', () => {
    for (const n of [0, 1, 5, 40]) {
      const expected = uninterrupted(n);
      expect(expected.outcome.status).toBe('returned');
      const seen: number[] = [];
      const machine = new Machine(workload, { hostFunctions: [syscall(true, seen)] });
      machine.instantiate();
      let outcome = machine.run({ params: [n], resultWords: 1 });
      let interruptions = 0;
      while (outcome.status === 'interrupted') {
        expect(outcome.syscall).toBe(SYSCALL);
        interruptions++;
        outcome = machine.resume([answer(seen[seen.length - 1]!)]);
      }
      expect(interruptions).toBe(n);
      expect(finalState(machine, outcome)).toEqual(expected);
    }
  });

  it('keeps the suspended frame exactly: pc past the call, params popped, call stack kept', () => {
    const seen: number[] = [];
    const machine = new Machine(workload, { hostFunctions: [syscall(true, seen)] });
    machine.instantiate();
    const outcome = machine.run({ params: [3], resultWords: 1 });
    const callPc = WORKLOAD.findIndex((i) => i.opcode === ins.Call(SYSCALL).opcode);
    expect(outcome).toEqual({ status: 'interrupted', pc: callPc + 1, syscall: SYSCALL });
    // main's n, step's i: the syscall's parameter is gone
    expect(Array.from(machine.valueStack())).toEqual([3, 3]);
    expect(machine.csp).toBe(1);
    expect(() => machine.run()).toThrowError(/suspended/);
  });
});

describe('out of fuel → add fuel → resume', () => {
  const full = uninterrupted(12);
  const total = full.fuel;

  it('a limit of exactly the fuel needed succeeds; one less runs out', () => {
    expect(uninterrupted(12, total)).toEqual(full);
    const short = uninterrupted(12, total - 1n);
    expect(short.outcome.status).toBe('outOfFuel');
    expect(short.fuel).toBeLessThan(total);
  });

  it('topping up and resuming ends as one run with enough fuel (random limits and top-ups)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: total }), fc.array(fc.bigInt({ min: 1n, max: 60n }), { minLength: 1, maxLength: 8 }), (start, topUps) => {
        const seen: number[] = [];
        const machine = new Machine(workload, { hostFunctions: [syscall(false, seen)], fuelLimit: start });
        machine.instantiate();
        let outcome = machine.run({ params: [12], resultWords: 1 });
        let i = 0;
        while (outcome.status === 'outOfFuel') {
          expect(outcome.required).toBeGreaterThan(0n);
          expect(machine.fuelConsumed()).toBeLessThanOrEqual(machine.store.fuel.limit!);
          machine.addFuel(topUps[i++ % topUps.length]!);
          outcome = machine.resume();
        }
        expect(finalState(machine, outcome)).toEqual(full);
      }),
      { seed: 20261124, numRuns: 150 },
    );
  });

  it('an out-of-fuel stop at ConsumeFuelStack keeps the amount on the stack until it is charged', () => {
    const machine = new Machine(new RwasmModule({ code: [ins.I32Const(9), ins.ConsumeFuelStack(), ins.Return()] }), { fuelLimit: 8n });
    expect(machine.run()).toEqual({ status: 'outOfFuel', pc: 1, required: 1n });
    expect(Array.from(machine.valueStack())).toEqual([9]);
    machine.addFuel(1);
    expect(machine.resume().status).toBe('returned');
    expect(machine.fuelConsumed()).toBe(9n);
  });

  it('resume refuses values after an out-of-fuel stop, and nothing to resume is an error', () => {
    const machine = new Machine(new RwasmModule({ code: [ins.ConsumeFuel(2), ins.Return()] }), { fuelLimit: 1n });
    expect(machine.run().status).toBe('outOfFuel');
    expect(() => machine.resume([1])).toThrowError(/without values/);
    machine.addFuel(1n);
    expect(machine.resume().status).toBe('returned');
    expect(() => machine.resume()).toThrowError(/nothing to resume/);
  });
});

describe('fuel accounting', () => {
  it('is exact across the 2^53 boundary and saturates at u64::MAX without a limit', () => {
    const big = 2n ** 53n + 5n;
    const machine = new Machine(
      new RwasmModule({ code: [ins.Call(1), ins.ConsumeFuel(0xffffffff), ins.ConsumeFuel(3), ins.Return()] }),
      { fuelLimit: big + 0xffffffffn + 3n, hostFunctions: [{ index: 1, params: [], results: [], handler: (call) => call.consumeFuel(big) }] },
    );
    expect(machine.run().status).toBe('returned');
    expect(machine.fuelConsumed()).toBe(big + 0xffffffffn + 3n);
    expect(machine.remainingFuel()).toBe(0n);

    const unlimited = new Machine(
      new RwasmModule({ code: [ins.Call(1), ins.Call(1), ins.ConsumeFuel(1), ins.Return()] }),
      { hostFunctions: [{ index: 1, params: [], results: [], handler: (call) => call.consumeFuel(2n ** 63n) }] },
    );
    expect(unlimited.run().status).toBe('returned');
    expect(unlimited.fuelConsumed()).toBe(2n ** 64n - 1n);
    expect(unlimited.remainingFuel()).toBeUndefined();
  });

  it('a failed host charge consumes nothing; resetFuel zeroes the count', () => {
    const machine = new Machine(
      new RwasmModule({ code: [ins.ConsumeFuel(4), ins.Call(1), ins.Return()] }),
      { fuelLimit: 10n, hostFunctions: [{ index: 1, params: [], results: [], handler: (call) => call.consumeFuel(7) }] },
    );
    expect(machine.run()).toMatchObject({ status: 'trapped', trap: TrapCode.OutOfFuel });
    expect(machine.fuelConsumed()).toBe(4n);
    machine.resetFuel(100);
    expect(machine.fuelConsumed()).toBe(0n);
    expect(machine.run().status).toBe('returned');
    expect(machine.fuelConsumed()).toBe(11n);
  });
});
