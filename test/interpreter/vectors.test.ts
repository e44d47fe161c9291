/** The reference's VM vectors (vm.md §11, TV5–TV10). */
import { describe, expect, it } from 'vitest';
import { Machine, RwasmModule, TrapCode, ins, type HostFunction, type Instruction } from '../../src/index.js';
import { hex } from '../support/bytes.js';
import { exec, resultsOf, u32 } from '../support/run.js';

const interruptAlways = (index: number): HostFunction => ({ index, params: [], results: [], handler: () => TrapCode.InterruptionCalled });

describe('TV5: interruption and resume', () => {
  it('(a) stops after the call and resumes to the end, with fuel 1 then 3', () => {
    const module = RwasmModule.decode(
      hex('ef520105000000000000000b000000090000000100000010000000ff00000009000000020000000b000000 000000000000000000000000000000000000000000000000 01000000'),
    );
    const machine = new Machine(module, { fuelLimit: 100000n, hostFunctions: [interruptAlways(0xff)] });
    expect(machine.run()).toEqual({ status: 'interrupted', pc: 3, syscall: 0xff });
    expect(machine.fuelConsumed()).toBe(1n);
    expect(machine.resume()).toEqual({ status: 'returned', results: new Uint32Array(0) });
    expect(machine.fuelConsumed()).toBe(3n);
  });

  it('(b) a trap after resuming inside a nested call empties the call stack', () => {
    const module = RwasmModule.decode(
      hex('ef520105000000000000000f000000020000000b000000090000000100000010000000ff0000000100000000000000 000000000000000000000000000000000000000000000000 00000000'),
    );
    const machine = new Machine(module, { hostFunctions: [interruptAlways(0xff)] });
    expect(machine.run().status).toBe('interrupted');
    expect(machine.resume()).toEqual({ status: 'trapped', trap: TrapCode.UnreachableCodeReached, pc: 4 });
    expect(machine.suspended).toBeUndefined();
    expect(machine.csp).toBe(0);
  });

  it('(c) host writes to memory during the interruption are visible after resuming', () => {
    const module = RwasmModule.decode(
      hex('ef520108000000000000000b0000001500000001000000230000001600000010000000ff00000015000000000000001a000000000000000b000000 000000000000000000000000000000000000000000000000 01000000'),
    );
    const machine = new Machine(module, {
      hostFunctions: [
        {
          index: 0xff,
          params: [],
          results: [],
          handler: (call) => {
            call.write(0, new Uint8Array([1, 2, 3, 4]));
            return TrapCode.InterruptionCalled;
          },
        },
      ],
    });
    expect(machine.instantiate().status).toBe('returned');
    expect(machine.run({ resultWords: 1 }).status).toBe('interrupted');
    expect(resultsOf(machine.resume())).toEqual([0x04030201]);
  });
});

describe('TV6: bulk-memory fuel', () => {
  it('charges 3 fuel and leaves memory bytes 0..3 zero', () => {
    const module = RwasmModule.decode(
      hex(
        'ef52012200000000000000150000000100000023000000160000001500000000000000150000000000000015000000030000000200000001000000150000003f0000003e00000015000000060000004a0000000a0000002600000001000000150000000000000015000000ff00000015000000030000000200000001000000150000003f0000003e00000015000000060000004a0000000a00000024000000150000000000000015000000ff00000015000000030000000200000001000000150000003f0000003e00000015000000060000004a0000000a000000250000000b00000003000000000000000102030000000000000000000000000000000000000000',
      ),
    );
    const machine = new Machine(module);
    expect(machine.run().status).toBe('returned');
    expect(machine.fuelConsumed()).toBe(3n);
    expect(Array.from(machine.memory.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(machine.memoryPages).toBe(1);
  });
});

describe('TV7: VM-level i64 sequences', () => {
  const add = [ins.LocalGet(4), ins.LocalGet(3), ins.I32Add64(), ins.LocalGet(5), ins.LocalGet(4), ins.I32Add(), ins.I32Add(), ins.LocalSet(4), ins.LocalSet(4), ins.Drop(), ins.Drop(), ins.Return()];
  const sub = [ins.LocalGet(4), ins.LocalGet(3), ins.I32Sub(), ins.LocalGet(5), ins.LocalGet(4), ins.I32LtU(), ins.LocalGet(5), ins.LocalGet(4), ins.I32Sub(), ins.LocalGet(2), ins.I32Sub(), ins.LocalSet(5), ins.Drop(), ins.LocalSet(4), ins.Drop(), ins.Drop(), ins.Return()];
  const mul = [ins.LocalGet(2), ins.LocalGet(5), ins.I32Mul64(), ins.LocalGet(3), ins.LocalGet(7), ins.I32Mul(), ins.LocalGet(5), ins.LocalGet(7), ins.I32Mul(), ins.I32Add(), ins.I32Add(), ins.LocalSet(4), ins.LocalSet(4), ins.Drop(), ins.Drop(), ins.Return()];
  const words = (x: bigint) => [Number(x & 0xffffffffn), Number((x >> 32n) & 0xffffffffn)];
  const run = (code: Instruction[], a: bigint, b: bigint) => resultsOf(exec(code, { stack: [...words(a), ...words(b)], resultWords: 2 }).outcome);
  const M = (1n << 64n) - 1n;

  it('matches the reference examples', () => {
    expect(run(add, 0x00000000_ffffffffn, 1n)).toEqual([0, 1]);
    expect(run(sub, 0n, 1n)).toEqual([0xffffffff, 0xffffffff]);
    expect(run(mul, M, 2n)).toEqual([0xfffffffe, 0xffffffff]);
    expect(resultsOf(exec([ins.I32Const(5), ins.I32Const(-7), ins.Return()], { resultWords: 2 }).outcome)).toEqual([5, u32(-7)]);
  });

  it('agree with wrapping 64-bit arithmetic on 2000 pseudo-random pairs', () => {
    let seed = 0x9e3779b97f4a7c15n;
    const next = () => {
      seed ^= seed << 13n; seed &= M; seed ^= seed >> 7n; seed ^= seed << 17n; seed &= M;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const a = next();
      const b = i % 7 === 0 ? next() & 0xffffffffn : next();
      expect(run(add, a, b)).toEqual(words((a + b) & M));
      expect(run(sub, a, b)).toEqual(words((a - b) & M));
      expect(run(mul, a, b)).toEqual(words((a * b) & M));
    }
  });
});

describe('TV8: drop/keep stack edits', () => {
  const cases: Array<[number[], Instruction[], number[]]> = [
    [[100, 20, 120], [ins.LocalSet(2), ins.BulkDrop(1)], [120]],
    [[1, 2, 3, 4], [ins.LocalSet(2), ins.LocalSet(2), ins.BulkDrop(0)], [3, 4]],
    [[2, 3, 7], [ins.LocalGet(2), ins.LocalSet(3), ins.LocalGet(1), ins.LocalSet(2), ins.BulkDrop(1)], [3, 7]],
    [[1, 2, 3, 4, 5, 6], [ins.LocalGet(4), ins.LocalSet(6), ins.LocalGet(3), ins.LocalSet(5), ins.LocalGet(2), ins.LocalSet(4), ins.LocalGet(1), ins.LocalSet(3), ins.BulkDrop(2)], [3, 4, 5, 6]],
    [[7, 100, 20, 3], [ins.BulkDrop(3)], [7]],
    [[1, 2, 3, 4, 5], [ins.LocalSet(4), ins.BulkDrop(3)], [5]],
  ];
  for (const [input, sequence, output] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(output)}`, () => {
      const { outcome, machine } = exec([...sequence, ins.Return()], { stack: input, resultWords: output.length });
      expect(resultsOf(outcome)).toEqual(output);
      expect(machine.sp).toBe(0);
    });
  }
});

describe('TV9: store-level fuel', () => {
  it('a single ConsumeFuel(1) leaves 99 of 100', () => {
    const { machine } = exec([ins.SignatureCheck(0), ins.ConsumeFuel(1), ins.StackCheck(0), ins.Return()], { fuelLimit: 100n });
    expect(machine.remainingFuel()).toBe(99n);
  });

  it('caps memory at 32768 pages even when asked for more', () => {
    const { outcome } = exec([ins.I32Const(32769), ins.MemoryGrow(), ins.I32Const(1), ins.MemoryGrow(), ins.Return()], { maxMemoryPages: 32769, resultWords: 2 });
    // 32769 pages is refused; growing by one page then succeeds from 0
    expect(resultsOf(outcome)).toEqual([0xffffffff, 0]);
  });
});

describe('TV10: micro-programs', () => {
  it('Select picks by the condition', () => {
    expect(resultsOf(exec([ins.Select(), ins.Return()], { stack: [10, 20, 1], resultWords: 1 }).outcome)).toEqual([10]);
    expect(resultsOf(exec([ins.Select(), ins.Return()], { stack: [10, 20, 0], resultWords: 1 }).outcome)).toEqual([20]);
  });

  it('division traps and edge results', () => {
    expect(exec([ins.I32DivS(), ins.Return()], { stack: [0x80000000, 0xffffffff] }).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.IntegerOverflow });
    expect(exec([ins.I32DivU(), ins.Return()], { stack: [7, 0] }).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.IntegerDivisionByZero });
    expect(resultsOf(exec([ins.I32RemS(), ins.Return()], { stack: [0x80000000, 0xffffffff], resultWords: 1 }).outcome)).toEqual([0]);
  });

  it('shifts and rotates take the count mod 32', () => {
    expect(resultsOf(exec([ins.I32Shl(), ins.Return()], { stack: [1, 33], resultWords: 1 }).outcome)).toEqual([2]);
    expect(resultsOf(exec([ins.I32Rotl(), ins.Return()], { stack: [0x80000001, 1], resultWords: 1 }).outcome)).toEqual([3]);
  });

  it('I32Mul64, I32Add64 and the no-op I32WrapI64', () => {
    expect(resultsOf(exec([ins.I32Mul64(), ins.Return()], { stack: [0xffffffff, 0xffffffff], resultWords: 2 }).outcome)).toEqual([1, 0xfffffffe]);
    expect(resultsOf(exec([ins.I32Add64(), ins.Return()], { stack: [0xffffffff, 0xffffffff], resultWords: 2 }).outcome)).toEqual([0xfffffffe, 1]);
    expect(resultsOf(exec([ins.I32WrapI64(), ins.Return()], { stack: [5, 6], resultWords: 2 }).outcome)).toEqual([5, 6]);
  });

  it('BrTable clamps the index to the last (default) slot', () => {
    const code = [ins.I32Const(0), ins.BrTable(2), ins.Br(4), ins.Return(), ins.Br(4), ins.Return(), ins.I32Const(111), ins.Return(), ins.I32Const(222), ins.Return()];
    for (const [i, expected] of [[0, 111], [1, 222], [7, 222]] as const) {
      code[0] = ins.I32Const(i);
      expect(resultsOf(exec(code, { resultWords: 1 }).outcome)).toEqual([expected]);
    }
  });

  it('MemoryGrow answers old size, current size, and failure', () => {
    const code = [ins.I32Const(1), ins.MemoryGrow(), ins.I32Const(0), ins.MemoryGrow(), ins.I32Const(65537), ins.MemoryGrow(), ins.Return()];
    expect(resultsOf(exec(code, { resultWords: 3 }).outcome)).toEqual([0, 1, 0xffffffff]);
  });

  it('runs out of fuel at the exact instruction with nothing charged for it', () => {
    const { outcome, machine } = exec([ins.ConsumeFuel(10), ins.ConsumeFuel(1), ins.Return()], { fuelLimit: 10n });
    expect(outcome).toEqual({ status: 'outOfFuel', pc: 1, required: 1n });
    expect(machine.fuelConsumed()).toBe(10n);
  });

  it('TableGrow creates a missing table; TableGet past its end traps', () => {
    const { outcome } = exec([ins.RefFunc(0), ins.I32Const(2), ins.TableGrow(0), ins.TableSize(0), ins.I32Const(5), ins.TableGet(0), ins.Return()]);
    expect(outcome).toMatchObject({ status: 'trapped', trap: TrapCode.TableOutOfBounds, pc: 5 });
    const grown = exec([ins.RefFunc(0), ins.I32Const(2), ins.TableGrow(0), ins.TableSize(0), ins.Return()], { resultWords: 2 });
    expect(resultsOf(grown.outcome)).toEqual([0, 2]);
  });

  it('a lower DataDrop forgets a higher one (the reference resizes its flags)', () => {
    const data = new Uint8Array([9, 8, 7]);
    const grow = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop()];
    const init = (seg: number) => [ins.I32Const(0), ins.I32Const(0), ins.I32Const(1), ins.MemoryInit(seg)];
    const forgotten = exec([...grow, ins.DataDrop(5), ins.DataDrop(2), ...init(5), ins.Return()], { data });
    expect(forgotten.outcome.status).toBe('returned');
    expect(forgotten.machine.memory[0]).toBe(9);
    const kept = exec([...grow, ins.DataDrop(2), ins.DataDrop(5), ...init(2), ins.Return()], { data });
    expect(kept.outcome).toMatchObject({ status: 'trapped', trap: TrapCode.MemoryOutOfBounds });
  });
});
