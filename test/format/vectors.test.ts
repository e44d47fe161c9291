/** The reference's own format vectors (vm.md §11, TV1–TV4). */
import { describe, expect, it } from 'vitest';
import { InstructionSet, Opcode, OPCODE_TABLE, RwasmModule, TrapCode, ins, type Instruction } from '../../src/index.js';
import { hex, toHexString } from '../support/bytes.js';
import { rwasmErrorOf } from '../support/errors.js';

function moduleOf(code: Instruction[], extra: { sourcePc?: number; elem?: number[] } = {}): RwasmModule {
  return new RwasmModule({ code, ...extra });
}

/** The encoding of one instruction: the code section of a one-instruction module. */
function encodeOne(instr: Instruction): string {
  const bytes = moduleOf([instr]).encode();
  const size = bytes.length - 3 - 8 - 8 * 3 - 4;
  return toHexString(bytes.subarray(11, 11 + size));
}


describe('TV1: single opcode encodings', () => {
  it('encodes the reference examples', () => {
    expect(encodeOne(ins.LocalGet(7))).toBe('0200000007000000');
    expect(encodeOne(ins.TableCopy(3, 7))).toBe('2d00000003000700');
    expect(encodeOne(ins.F32Load(7))).toBe('e803000007000000');
    expect(encodeOne(ins.Trap(TrapCode.UnreachableCodeReached))).toBe('0100000000000000');
  });

  it('encodes ExecutionHalted by its declaration position (13), not its value (255)', () => {
    expect(encodeOne(ins.Trap(TrapCode.ExecutionHalted))).toBe('010000000d000000');
  });

  it('numbers the core opcodes 0..83 in declaration order and the FPU ones 1000..1069', () => {
    const names = [
      'Unreachable', 'Trap', 'LocalGet', 'LocalSet', 'LocalTee', 'Br', 'BrIfEqz', 'BrIfNez', 'BrTable',
      'ConsumeFuel', 'ConsumeFuelStack', 'Return', 'ReturnCallInternal', 'ReturnCall', 'ReturnCallIndirect',
      'CallInternal', 'Call', 'CallIndirect', 'SignatureCheck', 'StackCheck', 'RefFunc', 'I32Const', 'Drop',
      'Select', 'GlobalGet', 'GlobalSet', 'I32Load', 'I32Load8S', 'I32Load8U', 'I32Load16S', 'I32Load16U',
      'I32Store', 'I32Store8', 'I32Store16', 'MemorySize', 'MemoryGrow', 'MemoryFill', 'MemoryCopy',
      'MemoryInit', 'DataDrop', 'TableSize', 'TableGrow', 'TableFill', 'TableGet', 'TableSet', 'TableCopy',
      'TableInit', 'ElemDrop', 'I32Eqz', 'I32Eq', 'I32Ne', 'I32LtS', 'I32LtU', 'I32GtS', 'I32GtU', 'I32LeS',
      'I32LeU', 'I32GeS', 'I32GeU', 'I32Clz', 'I32Ctz', 'I32Popcnt', 'I32Add', 'I32Sub', 'I32Mul', 'I32DivS',
      'I32DivU', 'I32RemS', 'I32RemU', 'I32And', 'I32Or', 'I32Xor', 'I32Shl', 'I32ShrS', 'I32ShrU', 'I32Rotl',
      'I32Rotr', 'I32WrapI64', 'I32Extend8S', 'I32Extend16S', 'I32Mul64', 'I32Add64', 'BulkConst', 'BulkDrop',
    ];
    names.forEach((name, code) => expect(Opcode[name as keyof typeof Opcode]).toBe(code));
    const fpu = OPCODE_TABLE.filter(([, code]) => code >= 1000).map(([, code]) => code);
    expect(fpu).toEqual(Array.from({ length: 70 }, (_, n) => 1000 + n));
    expect(OPCODE_TABLE.length).toBe(84 + 70);
  });
});

const TV2 =
  'ef5201 0600000000000000 1500000064000000 1500000014000000 3e000000 1500000003000000 3e000000 16000000' +
  '0000000000000000 0000000000000000 0000000000000000 00000000';

describe('TV2: module round trip', () => {
  const code = [ins.I32Const(100), ins.I32Const(20), ins.I32Add(), ins.I32Const(3), ins.I32Add(), ins.Drop()];

  it('encodes to the 75 reference bytes and decodes back', () => {
    const bytes = moduleOf(code).encode();
    expect(toHexString(bytes)).toBe(toHexString(hex(TV2)));
    expect(bytes.length).toBe(75);
    const decoded = RwasmModule.decode(hex(TV2), { verify: false });
    expect(decoded.code.toArray()).toEqual(code);
    expect(decoded.sourcePc).toBe(0);
    expect(toHexString(decoded.encode())).toBe(toHexString(bytes));
  });

  it('rejects 1, 2 or 3 missing source_pc bytes with UnexpectedEnd', () => {
    for (const missing of [1, 2, 3]) {
      const bytes = hex(TV2).subarray(0, 75 - missing);
      const error = rwasmErrorOf(() => RwasmModule.decode(bytes, { verify: false }));
      expect(error.code).toBe('UnexpectedEnd');
      expect(error.details.additional).toBe(4 - (4 - missing));
      expect(error.details.offset).toBe(71);
    }
  });

  it('streams past trailing bytes but refuses them in an exact decode', () => {
    const bytes = new Uint8Array([...hex(TV2), 0xde, 0xad, 0xbe, 0xef]);
    const { bytesRead } = RwasmModule.decodePrefix(bytes, { verify: false });
    expect(bytesRead).toBe(75);
    const error = rwasmErrorOf(() => RwasmModule.decode(bytes, { verify: false }));
    expect(error.code).toBe('TrailingBytes');
    expect(error.details.offset).toBe(75);
    expect(RwasmModule.decode(bytes, { verify: false, allowTrailingBytes: true }).code.length).toBe(6);
  });
});

describe('TV3: legacy module without source_pc', () => {
  it('decodes with source_pc 0 and elem [5..9]', () => {
    const bytes = hex(
      'ef52010600000000000000150000006400000015000000140000003e00000015000000030000003e000000160000000000000000000000050000000000000005000000060000000700000008000000090000000000000000000000',
    );
    const module = RwasmModule.decode(bytes, { verify: false });
    expect(module.sourcePc).toBe(0);
    expect(Array.from(module.elem)).toEqual([5, 6, 7, 8, 9]);
    expect(module.code.length).toBe(6);
    expect(module.data.length).toBe(0);
    expect(module.hint.length).toBe(0);
    // The encoder always writes source_pc, so the re-encoding is 4 bytes longer.
    expect(module.encode().length).toBe(bytes.length + 4);
  });
});

describe('TV4: verification', () => {
  const zeros = (n: number) => '00'.repeat(n);
  const cases: Array<[string, string, Record<string, number | string> | 'ok']> = [
    ['empty code', 'ef5201' + zeros(32) + '00000000', { reason: 'EmptyCodeSection' }],
    ['source_pc out of bounds', 'ef520101000000000000000b000000' + zeros(24) + '01000000', { reason: 'SourcePcOutOfBounds', sourcePc: 1, codeLength: 1 }],
    ['branch target', 'ef5201020000000000000005000000640000000b000000' + zeros(24) + '00000000', { reason: 'BranchTargetOutOfBounds', pc: 0, offset: 100, codeLength: 2 }],
    ['call target', 'ef52010200000000000000 0f00000063000000 0b000000' + zeros(28), { reason: 'CallTargetOutOfBounds', pc: 0, target: 99, codeLength: 2 }],
    ['local depth 0', 'ef52010200000000000000 0200000000000000 0b000000' + zeros(28), { reason: 'LocalDepthOutOfBounds', pc: 0, depth: 0 }],
    ['missing table payload', 'ef52010100000000000000 1100000000000000' + zeros(28), { reason: 'MissingTableIndexPayload', pc: 0 }],
    ['data segment', 'ef52010200000000000000 26000000a0860100 0b000000' + zeros(28), { reason: 'DataSegmentOutOfBounds', pc: 0, segment: 100000 }],
    ['ok', 'ef52010200000000000000 1500000001000000 0b000000' + zeros(28), 'ok'],
  ];
  for (const [name, bytes, expected] of cases) {
    it(name, () => {
      const module = RwasmModule.decode(hex(bytes), { verify: false });
      if (expected === 'ok') {
        expect(() => module.verify()).not.toThrow();
        return;
      }
      const error = rwasmErrorOf(() => module.verify());
      expect(error.code).toBe('VerificationFailed');
      expect(error.details).toMatchObject(expected);
      // decode() verifies by default
      expect(rwasmErrorOf(() => RwasmModule.decode(hex(bytes))).details.reason).toBe(expected.reason);
    });
  }

  it('checks the remaining rules', () => {
    const reasonOf = (code: Instruction[], extra: { elem?: number[] } = {}) =>
      rwasmErrorOf(() => moduleOf(code, extra).verify()).details.reason;
    expect(reasonOf([ins.Br(0), ins.Return()])).toBe('ZeroBranchOffset');
    expect(reasonOf([ins.BrIfNez(-1), ins.Return()])).toBe('BranchTargetOutOfBounds');
    expect(reasonOf([ins.BrTable(0), ins.Return()])).toBe('BranchTableTargetsOutOfBounds');
    // n slots of two instructions each must all exist after the BrTable
    expect(reasonOf([ins.BrTable(1), ins.Return()])).toBe('BranchTableTargetsOutOfBounds');
    expect(() => moduleOf([ins.BrTable(1), ins.Return(), ins.Return()]).verify()).not.toThrow();
    expect(reasonOf([ins.Return()], { elem: [0, 1] })).toBe('ElementTargetOutOfBounds');
    expect(() => moduleOf([ins.RefFunc(0), ins.Return()]).verify()).not.toThrow();
    expect(reasonOf([ins.RefFunc(2), ins.Return()])).toBe('CallTargetOutOfBounds');
    expect(reasonOf([ins.CallIndirect(0), ins.Return()])).toBe('InvalidTableIndexPayload');
    expect(reasonOf([ins.ReturnCallIndirect(0), ins.TableGet(100)])).toBe('TableIndexOutOfBounds');
    expect(reasonOf([ins.TableInit(100000), ins.TableGet(0)])).toBe('ElementSegmentOutOfBounds');
    expect(reasonOf([ins.TableInit(1), ins.Return()])).toBe('InvalidTableIndexPayload');
    expect(reasonOf([ins.ElemDrop(100000)])).toBe('ElementSegmentOutOfBounds');
    expect(reasonOf([ins.TableCopy(0, 100)])).toBe('TableIndexOutOfBounds');
    expect(reasonOf([ins.TableSize(100)])).toBe('TableIndexOutOfBounds');
    // the first failure in pc order wins
    expect(rwasmErrorOf(() => moduleOf([ins.Return(), ins.LocalSet(0), ins.Br(5)]).verify()).details).toMatchObject({ reason: 'LocalDepthOutOfBounds', pc: 1 });
  });
});

describe('instruction builders', () => {
  it('reject immediates that do not fit', () => {
    expect(rwasmErrorOf(() => ins.I32Const(2 ** 32)).code).toBe('InvalidImmediate');
    expect(rwasmErrorOf(() => ins.TableGet(65536)).code).toBe('InvalidImmediate');
    expect(rwasmErrorOf(() => ins.LocalGet(1.5)).code).toBe('InvalidImmediate');
    expect(rwasmErrorOf(() => ins.Trap(42 as TrapCode)).code).toBe('InvalidImmediate');
    expect(rwasmErrorOf(() => new InstructionSet().push({ opcode: 999 as Opcode, imm: 0 })).code).toBe('InvalidOpcode');
  });

  it('read signed constants back as unsigned words and branch offsets as signed', () => {
    expect(ins.I32Const(-1).imm).toBe(0xffffffff);
    expect(ins.Br(-3).imm).toBe(-3);
    expect(ins.Br(0xfffffffd).imm).toBe(-3);
  });
});
