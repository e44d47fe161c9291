/** Stack, control-flow, memory, table and global opcodes on small hand-assembled programs. */
import { describe, expect, it } from 'vitest';
import { RwasmError, TrapCode, assemble, ins, label, to, type Instruction } from '../../src/index.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';
import { exec, resultsOf, u32 } from '../support/run.js';

const results = (code: Instruction[], options: Parameters<typeof exec>[1] = {}) => resultsOf(exec(code, options).outcome);
const onePage = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop()];

function fatalOf(code: Instruction[], options: Parameters<typeof exec>[1] = {}): string {
  try {
    exec(code, options);
  } catch (error) {
    if (error instanceof RwasmError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('locals by depth', () => {
  it('LocalGet reads depth d from the top, LocalSet writes after its pop, LocalTee before', () => {
    expect(results([ins.LocalGet(3), ins.Return()], { stack: [1, 2, 3], resultWords: 4 })).toEqual([1, 2, 3, 1]);
    expect(results([ins.LocalSet(2), ins.Return()], { stack: [1, 2, 3], resultWords: 2 })).toEqual([3, 2]);
    expect(results([ins.LocalTee(3), ins.Return()], { stack: [1, 2, 3], resultWords: 3 })).toEqual([3, 2, 3]);
    expect(results([ins.LocalTee(1), ins.Return()], { stack: [1, 2], resultWords: 2 })).toEqual([1, 2]);
  });

  it('BulkConst pushes zeros and BulkDrop drops', () => {
    expect(results([ins.BulkConst(3), ins.Return()], { stack: [7], resultWords: 4 })).toEqual([7, 0, 0, 0]);
    expect(results([ins.BulkDrop(2), ins.Return()], { stack: [7, 8, 9], resultWords: 1 })).toEqual([7]);
  });
});

describe('control flow', () => {
  it('branches are relative to the branch; BrIfEqz jumps on zero, BrIfNez on non-zero', () => {
    const pick = (op: 'BrIfEqz' | 'BrIfNez', c: number) =>
      results(assemble([ins.I32Const(c), to[op]('yes'), ins.I32Const(1), ins.Return(), label('yes'), ins.I32Const(2), ins.Return()]).code, { resultWords: 1 });
    expect(pick('BrIfEqz', 0)).toEqual([2]);
    expect(pick('BrIfEqz', 5)).toEqual([1]);
    expect(pick('BrIfNez', 5)).toEqual([2]);
    expect(pick('BrIfNez', 0)).toEqual([1]);
  });

  it('a counted loop with a backward branch', () => {
    const { code } = assemble([
      ins.I32Const(0),
      label('loop'),
      ins.LocalGet(2), to.BrIfEqz('end'),
      // acc += 3 * n
      ins.LocalGet(1), ins.LocalGet(3), ins.LocalGet(4), ins.I32Add(), ins.LocalGet(4), ins.I32Add(), ins.I32Add(), ins.LocalSet(1),
      // n -= 1
      ins.LocalGet(2), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(2),
      to.Br('loop'),
      label('end'),
      ins.LocalSet(1), ins.Return(),
    ]);
    // sum of 3*k for k = 1..100
    expect(results(code, { stack: [100], resultWords: 1 })).toEqual([15150]);
  });

  it('calls push a return address, tail calls do not, and Return with an empty call stack ends the run', () => {
    const { code } = assemble([
      to.CallInternal('double'), to.ReturnCallInternal('inc'),
      label('double'), ins.LocalGet(1), ins.I32Add(), ins.Return(),
      label('inc'), ins.I32Const(1), ins.I32Add(), ins.Return(),
    ]);
    expect(results(code, { stack: [20], resultWords: 1 })).toEqual([41]);
  });

  it('CallIndirect reads its table from the TableGet payload and returns past it', () => {
    const { code } = assemble([
      ins.RefFunc(0), ins.I32Const(3), ins.TableGrow(1), ins.Drop(),
      ins.I32Const(2), to.RefFunc('f'), ins.TableSet(1),
      ins.I32Const(5), ins.I32Const(2), ins.CallIndirect(4), ins.TableGet(1),
      ins.I32Const(100), ins.I32Add(), ins.Return(),
      label('f'), ins.SignatureCheck(4), ins.I32Const(3), ins.I32Mul(), ins.Return(),
    ]);
    expect(results(code, { resultWords: 1 })).toEqual([115]);
  });

  it('a stale indirect signature is consumed by the next SignatureCheck that runs (reference quirk)', () => {
    const { code } = assemble([
      ins.RefFunc(0), ins.I32Const(1), ins.TableGrow(0), ins.Drop(),
      ins.I32Const(0), to.RefFunc('body'), ins.TableSet(0),
      ins.I32Const(0), ins.CallIndirect(9), ins.TableGet(0),
      to.CallInternal('g'), ins.Return(),
      label('body'), ins.Return(), // not a function start: no SignatureCheck consumes 9
      label('g'), ins.SignatureCheck(3), ins.Return(),
    ]);
    expect(exec(code).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.BadSignature });
  });

  it('ReturnCallIndirect jumps without pushing a return address', () => {
    const { code } = assemble([
      ins.RefFunc(0), ins.I32Const(1), ins.TableGrow(0), ins.Drop(),
      ins.I32Const(0), to.RefFunc('f'), ins.TableSet(0),
      ins.I32Const(0), ins.ReturnCallIndirect(1), ins.TableGet(0),
      label('f'), ins.SignatureCheck(1), ins.I32Const(9), ins.Return(),
    ]);
    const { outcome, machine } = exec(code, { resultWords: 1 });
    expect(resultsOf(outcome)).toEqual([9]);
    expect(machine.csp).toBe(0);
  });
});

describe('memory', () => {
  it('loads sign- or zero-extend and stores wrap, little-endian, unaligned allowed', () => {
    const code = [
      ...onePage,
      ins.I32Const(1), ins.I32Const(0x8281fe7f), ins.I32Store(0),
      ins.I32Const(0), ins.I32Load(1),
      ins.I32Const(1), ins.I32Load8S(0), ins.I32Const(2), ins.I32Load8U(0),
      ins.I32Const(2), ins.I32Load16S(0), ins.I32Const(3), ins.I32Load16U(0),
      ins.I32Const(10), ins.I32Const(0x12345678), ins.I32Store16(0), ins.I32Const(10), ins.I32Load(0),
      ins.I32Const(20), ins.I32Const(0x1ff), ins.I32Store8(0), ins.I32Const(20), ins.I32Load(0),
      ins.Return(),
    ];
    expect(results(code, { resultWords: 7 })).toEqual([0x8281fe7f, 0x7f, 0xfe, u32(0xffff81fe), 0x8281, 0x5678, 0xff]);
  });

  it('MemorySize, MemoryFill, MemoryCopy (overlapping) and MemoryInit from the data section', () => {
    const code = [
      ...onePage, ins.MemorySize(),
      ins.I32Const(4), ins.I32Const(0x1ab), ins.I32Const(3), ins.MemoryFill(),
      ins.I32Const(5), ins.I32Const(4), ins.I32Const(3), ins.MemoryCopy(),
      ins.I32Const(16), ins.I32Const(1), ins.I32Const(2), ins.MemoryInit(1),
      ins.Return(),
    ];
    const { outcome, machine } = exec(code, { resultWords: 1, data: new Uint8Array([0x10, 0x20, 0x30]) });
    expect(resultsOf(outcome)).toEqual([1]);
    expect(Array.from(machine.memory.subarray(3, 9))).toEqual([0, 0xab, 0xab, 0xab, 0xab, 0]);
    expect(Array.from(machine.memory.subarray(16, 19))).toEqual([0x20, 0x30, 0]);
  });

  it('MemoryGrow respects the configured cap', () => {
    expect(results([ins.I32Const(3), ins.MemoryGrow(), ins.I32Const(1), ins.MemoryGrow(), ins.Return()], { maxMemoryPages: 3, resultWords: 2 })).toEqual([0, 0xffffffff]);
  });
});

describe('tables and globals', () => {
  it('TableGrow, TableFill, TableCopy between tables, TableInit and ElemDrop', () => {
    const code = [
      ins.I32Const(7), ins.I32Const(4), ins.TableGrow(0), ins.Drop(),
      ins.I32Const(0), ins.I32Const(2), ins.TableGrow(5), ins.Drop(),
      ins.I32Const(1), ins.I32Const(9), ins.I32Const(2), ins.TableFill(0),
      ins.I32Const(0), ins.I32Const(2), ins.I32Const(2), ins.TableCopy(5, 0),
      ins.I32Const(3), ins.I32Const(1), ins.I32Const(1), ins.TableInit(1), ins.TableGet(0),
      ins.ElemDrop(1),
      ins.Return(),
    ];
    const { outcome, machine } = exec(code, { elem: [11, 22] });
    expect(outcome.status).toBe('returned');
    expect(Array.from(machine.table(0)!)).toEqual([7, 9, 9, 22]);
    expect(Array.from(machine.table(5)!)).toEqual([9, 7]);
    expect(machine.table(1)).toBeUndefined();
    expect(machine.store.elemDropped.isDropped(1)).toBe(true);
    // a dropped segment reads as empty
    const again = exec([...code.slice(0, 4), ins.ElemDrop(1), ins.I32Const(0), ins.I32Const(0), ins.I32Const(1), ins.TableInit(1), ins.TableGet(0), ins.Return()], { elem: [1] });
    expect(again.outcome).toMatchObject({ status: 'trapped', trap: TrapCode.TableOutOfBounds });
  });

  it('TableGrow refuses to pass 1024 elements and answers the size for a zero delta', () => {
    expect(results([ins.I32Const(0), ins.I32Const(1024), ins.TableGrow(0), ins.I32Const(0), ins.I32Const(1), ins.TableGrow(0), ins.I32Const(0), ins.I32Const(0), ins.TableGrow(0), ins.Return()], { resultWords: 3 })).toEqual([0, 0xffffffff, 1024]);
  });

  it('globals are words by index, 0 until set, and persist across runs', () => {
    const { outcome, machine } = exec([ins.GlobalGet(1000000), ins.I32Const(5), ins.GlobalSet(4000000000), ins.GlobalGet(4000000000), ins.Return()], { resultWords: 2 });
    expect(resultsOf(outcome)).toEqual([0, 5]);
    expect(machine.global(4000000000)).toBe(5);
    expect(machine.global(17)).toBe(0);
  });
});

describe('programs the reference has no behaviour for are refused, not run blindly', () => {
  it('popping below the stack bottom', () => {
    expect(fatalOf([ins.Drop(), ins.Return()])).toBe('StackCorrupted');
    expect(fatalOf([ins.BulkDrop(5), ins.Return()], { stack: [1] })).toBe('StackCorrupted');
  });

  it('pushing past the stack limit without a StackCheck', () => {
    const { code } = assemble([label('loop'), ins.I32Const(1), to.Br('loop')]);
    expect(fatalOf(code)).toBe('StackCorrupted');
    expect(fatalOf([ins.BulkConst(9000), ins.Return()])).toBe('StackCorrupted');
  });

  it('reading or writing a local deeper than any stack goes, on every engine (found by the execute mutation campaign)', () => {
    // Lowering such a block once sized its scratch by the depth: 2^32 words threw a RangeError,
    // 2^26 took seconds to allocate. The stepper runs it instead and refuses it at once.
    setWarmArrivals(1);
    try {
      for (const depth of [8193, 1 << 20, 1 << 26, 0x7fffffff, 0xfffffffe]) {
        for (const tier of ['interpreter', 'compiled'] as const) {
          for (const op of [ins.LocalGet(depth), ins.LocalTee(depth), ins.LocalSet(depth)]) {
            expect(fatalOf([ins.I32Const(7), op, ins.Drop(), ins.Return()], { tier }), `${op.opcode} ${depth} on ${tier}`).toBe('StackCorrupted');
          }
        }
      }
    } finally {
      setWarmArrivals(undefined);
    }
  });

  it('falling off the end of the code, or calling a pc outside it through a table', () => {
    const viaTable = [ins.I32Const(0), ins.I32Const(1), ins.TableGrow(0), ins.Drop(), ins.I32Const(0), ins.I32Const(99), ins.TableSet(0), ins.I32Const(0), ins.CallIndirect(0), ins.TableGet(0), ins.Return()];
    expect(fatalOf([ins.I32Const(1)])).toBe('PcOutOfBounds');
    expect(fatalOf(viaTable)).toBe('PcOutOfBounds');
    // Prepared at once, so the block engine (and the compiled tier) meet the end too: falling off
    // it once sent the block engine round preparing the pc past the end for ever.
    setWarmArrivals(1);
    try {
      for (const tier of ['interpreter', 'compiled'] as const) {
        expect(fatalOf([ins.I32Const(1)], { tier }), tier).toBe('PcOutOfBounds');
        expect(fatalOf([ins.I32Const(1), ins.I32Const(2), ins.Drop()], { tier }), tier).toBe('PcOutOfBounds');
        expect(fatalOf(viaTable, { tier }), tier).toBe('PcOutOfBounds');
      }
    } finally {
      setWarmArrivals(undefined);
    }
  });

  it('using a table that was never created', () => {
    expect(fatalOf([ins.TableSize(3), ins.Return()])).toBe('MissingTable');
    expect(fatalOf([ins.I32Const(0), ins.CallIndirect(0), ins.TableGet(2), ins.Return()])).toBe('MissingTable');
  });
});
