/** Every TrapCode, raised the way a program raises it, with the reference's number and text. */
import { describe, expect, it } from 'vitest';
import { Machine, RwasmModule, TrapCode, assemble, ins, label, to, trapMessage, trapName, type Instruction } from '../../src/index.js';
import { exec } from '../support/run.js';

function trapOf(code: Instruction[], options: Parameters<typeof exec>[1] = {}): TrapCode | string {
  const { outcome } = exec(code, options);
  return outcome.status === 'trapped' ? outcome.trap : outcome.status;
}

describe('trap codes', () => {
  it('carry the reference numbers and messages', () => {
    const table: Array<[TrapCode, number, string]> = [
      [TrapCode.UnreachableCodeReached, 0, 'unreachable code reached'],
      [TrapCode.MemoryOutOfBounds, 1, 'out of bounds memory access'],
      [TrapCode.TableOutOfBounds, 2, 'undefined element: out of bounds table access'],
      [TrapCode.IndirectCallToNull, 3, 'uninitialized element 2'],
      [TrapCode.IntegerDivisionByZero, 4, 'integer divide by zero'],
      [TrapCode.IntegerOverflow, 5, 'integer overflow'],
      [TrapCode.BadConversionToInteger, 6, 'invalid conversion to integer'],
      [TrapCode.StackOverflow, 7, 'call stack exhausted'],
      [TrapCode.BadSignature, 8, 'indirect call type mismatch'],
      [TrapCode.OutOfFuel, 9, 'out of fuel'],
      [TrapCode.UnknownExternalFunction, 10, 'unknown external function'],
      [TrapCode.IllegalOpcode, 11, 'illegal opcode'],
      [TrapCode.InterruptionCalled, 12, 'interruption called'],
      [TrapCode.ExecutionHalted, 255, 'execution halted'],
    ];
    for (const [code, number, message] of table) {
      expect(code).toBe(number);
      expect(trapMessage(code)).toBe(message);
    }
    expect(trapName(TrapCode.BadSignature)).toBe('BadSignature');
  });

  it('Trap(c) raises c for every ordinary code', () => {
    for (const c of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as TrapCode[]) {
      expect(trapOf([ins.Trap(c), ins.Return()])).toBe(c);
    }
  });

  it('UnreachableCodeReached', () => {
    expect(trapOf([ins.Unreachable(), ins.Return()])).toBe(TrapCode.UnreachableCodeReached);
  });

  it('MemoryOutOfBounds on loads, stores and bulk ops, including address + offset overflow', () => {
    const onePage = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop()];
    expect(trapOf([ins.I32Const(0), ins.I32Load(0), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(65533), ins.I32Load(0), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(65532), ins.I32Load(0), ins.Drop(), ins.Return()])).toBe('returned');
    expect(trapOf([...onePage, ins.I32Const(-1), ins.I32Load8U(1), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(1), ins.I32Load8U(0xffffffff), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(65535), ins.I32Const(7), ins.I32Store16(0), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(65536), ins.I32Const(7), ins.I32Store8(0), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(65535), ins.I32Const(0), ins.I32Const(2), ins.MemoryFill(), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(0), ins.I32Const(65535), ins.I32Const(2), ins.MemoryCopy(), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(0), ins.I32Const(0), ins.I32Const(-1), ins.MemoryFill(), ins.Return()])).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(0), ins.I32Const(2), ins.I32Const(2), ins.MemoryInit(0), ins.Return()], { data: new Uint8Array(3) })).toBe(TrapCode.MemoryOutOfBounds);
    expect(trapOf([...onePage, ins.I32Const(65536), ins.I32Const(0), ins.I32Const(0), ins.MemoryFill(), ins.Return()])).toBe('returned');
  });

  it('TableOutOfBounds on get, set, fill, copy, init and indirect calls', () => {
    const table = [ins.RefFunc(0), ins.I32Const(2), ins.TableGrow(0), ins.Drop()];
    expect(trapOf([...table, ins.I32Const(2), ins.TableGet(0), ins.Return()])).toBe(TrapCode.TableOutOfBounds);
    expect(trapOf([...table, ins.I32Const(2), ins.I32Const(0), ins.TableSet(0), ins.Return()])).toBe(TrapCode.TableOutOfBounds);
    expect(trapOf([...table, ins.I32Const(1), ins.I32Const(0), ins.I32Const(2), ins.TableFill(0), ins.Return()])).toBe(TrapCode.TableOutOfBounds);
    expect(trapOf([...table, ins.I32Const(0), ins.I32Const(1), ins.I32Const(2), ins.TableCopy(0, 0), ins.Return()])).toBe(TrapCode.TableOutOfBounds);
    expect(trapOf([...table, ins.I32Const(0), ins.I32Const(0), ins.I32Const(3), ins.TableInit(0), ins.TableGet(0), ins.Return()], { elem: [0, 0] })).toBe(TrapCode.TableOutOfBounds);
    expect(trapOf([...table, ins.I32Const(2), ins.CallIndirect(0), ins.TableGet(0), ins.Return()])).toBe(TrapCode.TableOutOfBounds);
  });

  it('IndirectCallToNull', () => {
    const table = [ins.RefFunc(0), ins.I32Const(2), ins.TableGrow(0), ins.Drop()];
    expect(trapOf([...table, ins.I32Const(1), ins.CallIndirect(0), ins.TableGet(0), ins.Return()])).toBe(TrapCode.IndirectCallToNull);
  });

  it('IntegerDivisionByZero and IntegerOverflow', () => {
    expect(trapOf([ins.I32RemU(), ins.Return()], { stack: [1, 0] })).toBe(TrapCode.IntegerDivisionByZero);
    expect(trapOf([ins.I32DivS(), ins.Return()], { stack: [0x80000000, -1] })).toBe(TrapCode.IntegerOverflow);
  });

  it('BadConversionToInteger (FPU on)', () => {
    expect(trapOf([ins.I32TruncF32S(), ins.Return()], { stack: [0x7fc00000], fpu: true })).toBe(TrapCode.BadConversionToInteger);
  });

  it('StackOverflow from StackCheck, from the call depth and from resume values', () => {
    expect(trapOf([ins.StackCheck(8192), ins.Return()])).toBe('returned');
    expect(trapOf([ins.StackCheck(8193), ins.Return()])).toBe(TrapCode.StackOverflow);
    expect(trapOf([ins.StackCheck(8191), ins.Return()], { stack: [1, 2] })).toBe(TrapCode.StackOverflow);
    // recursion: exactly 1024 return addresses fit, the 1025th call traps
    const { code } = assemble([
      label('f'),
      ins.LocalGet(1), to.BrIfEqz('done'),
      ins.LocalGet(1), ins.I32Const(1), ins.I32Sub(), to.CallInternal('f'), ins.Drop(),
      label('done'), ins.Return(),
    ]);
    const depth = (n: number) => exec(code, { stack: [n] }).outcome;
    expect(depth(1024).status).toBe('returned');
    expect(depth(1025)).toMatchObject({ status: 'trapped', trap: TrapCode.StackOverflow });
  });

  it('BadSignature when an indirect call meets a different SignatureCheck', () => {
    const { code } = assemble([
      ins.RefFunc(0), ins.I32Const(1), ins.TableGrow(0), ins.Drop(),
      ins.I32Const(0), to.RefFunc('f'), ins.TableSet(0),
      ins.I32Const(0), ins.CallIndirect(7), ins.TableGet(0), ins.Return(),
      label('f'), ins.SignatureCheck(8), ins.Return(),
    ]);
    expect(trapOf(code)).toBe(TrapCode.BadSignature);
    code[8] = ins.CallIndirect(8);
    expect(trapOf(code)).toBe('returned');
  });

  it('OutOfFuel is a resumable stop', () => {
    expect(trapOf([ins.ConsumeFuel(5), ins.Return()], { fuelLimit: 4n })).toBe('outOfFuel');
  });

  it('UnknownExternalFunction for a syscall index without a host function', () => {
    expect(trapOf([ins.Call(42), ins.Return()])).toBe(TrapCode.UnknownExternalFunction);
  });

  it('IllegalOpcode for FPU opcodes when the FPU is off', () => {
    expect(trapOf([ins.F32Add(), ins.Return()], { stack: [0, 0] })).toBe(TrapCode.IllegalOpcode);
    expect(trapOf([ins.F64Load(0), ins.Return()], { stack: [0] })).toBe(TrapCode.IllegalOpcode);
    expect(trapOf([ins.F32Add(), ins.Drop(), ins.Return()], { stack: [0, 0], fpu: true })).toBe('returned');
  });

  it('InterruptionCalled from Trap suspends on the Trap itself, so resuming interrupts again', () => {
    const machine = new Machine(new RwasmModule({ code: [ins.Trap(TrapCode.InterruptionCalled), ins.Return()] }));
    expect(machine.run()).toEqual({ status: 'interrupted', pc: 0, syscall: undefined });
    expect(machine.resume()).toEqual({ status: 'interrupted', pc: 0, syscall: undefined });
    machine.abandon();
    expect(machine.suspended).toBeUndefined();
  });

  it('ExecutionHalted ends successfully without results', () => {
    const { outcome, machine } = exec([ins.I32Const(1), ins.Trap(TrapCode.ExecutionHalted), ins.Return()], { resultWords: 1 });
    expect(outcome).toEqual({ status: 'halted' });
    expect(machine.sp).toBe(0);
  });

  it('a trap resets the stacks and the pending signature but keeps memory, globals and fuel', () => {
    const { outcome, machine } = exec(
      [ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.I32Const(0), ins.I32Const(77), ins.I32Store8(0), ins.I32Const(5), ins.GlobalSet(3), ins.ConsumeFuel(2), ins.Unreachable()],
      { fuelLimit: 10n },
    );
    expect(outcome).toMatchObject({ status: 'trapped', pc: 9 });
    expect(machine.memory[0]).toBe(77);
    expect(machine.global(3)).toBe(5);
    expect(machine.fuelConsumed()).toBe(2n);
    expect(machine.store.lastSignature).toBe(-1);
    // the machine is idle again and can start a new execution on the same store
    expect(machine.run({ entry: 8 })).toMatchObject({ status: 'trapped', pc: 9 });
    expect(machine.fuelConsumed()).toBe(4n);
  });
});
