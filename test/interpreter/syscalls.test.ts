import { describe, expect, it } from 'vitest';
import { Machine, RwasmModule, Trap, TrapCode, ins, type HostFunction } from '../../src/index.js';
import { exec, resultsOf } from '../support/run.js';

describe('syscalls', () => {
  it('receive parameter words bottom to top and push result words in order', () => {
    let seen: number[] = [];
    const fn: HostFunction = {
      index: 3,
      params: ['i32', 'i64', 'i32'],
      results: ['i64', 'i32'],
      handler: (call) => {
        seen = Array.from(call.params);
        expect(call.paramI64(1)).toBe(0x22222222_11111111n);
        call.setResultI64(0, 0x0123456789abcdefn);
        call.results[2] = 42;
      },
    };
    const { outcome } = exec([ins.Call(3), ins.Return()], { stack: [9, 0xaaaa, 0x11111111, 0x22222222, 0xbbbb], hostFunctions: [fn], resultWords: 4 });
    expect(seen).toEqual([0xaaaa, 0x11111111, 0x22222222, 0xbbbb]);
    expect(resultsOf(outcome)).toEqual([9, 0x89abcdef, 0x01234567, 42]);
  });

  it('a halting handler still pushes its results, then the run ends as halted', () => {
    const fn: HostFunction = { index: 1, params: [], results: ['i32'], handler: (call) => { call.results[0] = 5; return TrapCode.ExecutionHalted; } };
    const { outcome, machine } = exec([ins.Call(1), ins.Unreachable()], { hostFunctions: [fn], resultWords: 1 });
    expect(outcome).toEqual({ status: 'halted' });
    expect(machine.sp).toBe(0);
  });

  it('a handler may trap by returning a code or throwing a Trap; memory access out of bounds traps', () => {
    const byReturn: HostFunction = { index: 1, params: [], results: [], handler: () => TrapCode.IntegerOverflow };
    expect(exec([ins.Call(1), ins.Return()], { hostFunctions: [byReturn] }).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.IntegerOverflow, pc: 0 });
    const unreachable: HostFunction = { index: 1, params: [], results: [], handler: () => TrapCode.UnreachableCodeReached };
    expect(exec([ins.Call(1), ins.Return()], { hostFunctions: [unreachable] }).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.UnreachableCodeReached });
    const oob: HostFunction = { index: 1, params: [], results: [], handler: (call) => { call.read(65530, 7); } };
    const { outcome, machine } = exec([ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Call(1), ins.Return()], { hostFunctions: [oob] });
    expect(outcome).toMatchObject({ status: 'trapped', trap: TrapCode.MemoryOutOfBounds });
    const writer: HostFunction = { index: 1, params: [], results: [], handler: (call) => call.write(65535, new Uint8Array([1, 2])) };
    machine.defineHostFunction(writer);
    expect(machine.run({ entry: 3 })).toMatchObject({ status: 'trapped', trap: TrapCode.MemoryOutOfBounds });
    expect(machine.memory[65535]).toBe(0);
    expect(() => { throw new Trap(TrapCode.BadSignature); }).toThrowError('indirect call type mismatch');
  });

  it('reserves max(#params, #results) values before the call', () => {
    const fn: HostFunction = { index: 1, params: [], results: ['i32', 'i32', 'i32'], handler: () => undefined };
    expect(exec([ins.Call(1), ins.Return()], { hostFunctions: [fn], stack: new Array(8190).fill(0) }).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.StackOverflow });
    expect(exec([ins.Call(1), ins.Return()], { hostFunctions: [fn], stack: new Array(8189).fill(0) }).outcome.status).toBe('returned');
  });

  it('ReturnCall behaves exactly like Call', () => {
    const fn: HostFunction = { index: 2, params: ['i32'], results: ['i32'], handler: (call) => { call.results[0] = call.param(0) * 2; } };
    expect(resultsOf(exec([ins.I32Const(21), ins.ReturnCall(2), ins.I32Const(1), ins.I32Add(), ins.Return()], { hostFunctions: [fn], resultWords: 1 }).outcome)).toEqual([43]);
  });

  it('a host function that throws a plain error propagates it and leaves the machine usable', () => {
    let fail = true;
    const fn: HostFunction = { index: 1, params: [], results: [], handler: () => { if (fail) throw new Error('host bug'); } };
    const machine = new Machine(new RwasmModule({ code: [ins.Call(1), ins.Return()] }), { hostFunctions: [fn] });
    expect(() => machine.run()).toThrowError('host bug');
    expect(machine.suspended).toBeUndefined();
    fail = false;
    expect(machine.run().status).toBe('returned');
  });

  it('a handler cannot re-enter its own machine', () => {
    let machine!: Machine;
    const fn: HostFunction = { index: 1, params: [], results: [], handler: () => { machine.run(); } };
    machine = new Machine(new RwasmModule({ code: [ins.Call(1), ins.Return()] }), { hostFunctions: [fn] });
    expect(() => machine.run()).toThrowError(/running/);
  });
});
