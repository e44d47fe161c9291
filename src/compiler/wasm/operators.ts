/**
 * Wasm operator decoding. Single-byte opcodes keep their byte value; `0xFC n` becomes
 * `0x100 + n`. Immediates are decoded into one reused `Immediates` object so a function body
 * is walked without allocating per operator.
 */
import { F32, F64, FUNCREF, EXTERNREF, I32, I64, V128, isValueType, type ValueType } from './types.js';
import { WasmReader, malformed } from './reader.js';

export const enum Wasm {
  Unreachable = 0x00,
  Nop = 0x01,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  CallIndirect = 0x11,
  ReturnCall = 0x12,
  ReturnCallIndirect = 0x13,
  Drop = 0x1a,
  Select = 0x1b,
  SelectTyped = 0x1c,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  TableGet = 0x25,
  TableSet = 0x26,
  I32Load = 0x28,
  I64Load = 0x29,
  F32Load = 0x2a,
  F64Load = 0x2b,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I64Load8S = 0x30,
  I64Load8U = 0x31,
  I64Load16S = 0x32,
  I64Load16U = 0x33,
  I64Load32S = 0x34,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  F32Store = 0x38,
  F64Store = 0x39,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I64Store8 = 0x3c,
  I64Store16 = 0x3d,
  I64Store32 = 0x3e,
  MemorySize = 0x3f,
  MemoryGrow = 0x40,
  I32Const = 0x41,
  I64Const = 0x42,
  F32Const = 0x43,
  F64Const = 0x44,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LtU = 0x49,
  I32GtS = 0x4a,
  I32GtU = 0x4b,
  I32LeS = 0x4c,
  I32LeU = 0x4d,
  I32GeS = 0x4e,
  I32GeU = 0x4f,
  I64Eqz = 0x50,
  I64Eq = 0x51,
  I64Ne = 0x52,
  I64LtS = 0x53,
  I64LtU = 0x54,
  I64GtS = 0x55,
  I64GtU = 0x56,
  I64LeS = 0x57,
  I64LeU = 0x58,
  I64GeS = 0x59,
  I64GeU = 0x5a,
  F32Eq = 0x5b,
  F32Ge = 0x60,
  F64Eq = 0x61,
  F64Ge = 0x66,
  I32Clz = 0x67,
  I32Ctz = 0x68,
  I32Popcnt = 0x69,
  I32Add = 0x6a,
  I32Rotr = 0x78,
  I64Clz = 0x79,
  I64Ctz = 0x7a,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivS = 0x7f,
  I64DivU = 0x80,
  I64RemS = 0x81,
  I64RemU = 0x82,
  I64And = 0x83,
  I64Or = 0x84,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I64Rotl = 0x89,
  I64Rotr = 0x8a,
  F32Abs = 0x8b,
  F32Copysign = 0x98,
  F64Abs = 0x99,
  F64Copysign = 0xa6,
  I32WrapI64 = 0xa7,
  I32TruncF32S = 0xa8,
  I64ExtendI32S = 0xac,
  I64ExtendI32U = 0xad,
  I32ReinterpretF32 = 0xbc,
  I64ReinterpretF64 = 0xbd,
  F32ReinterpretI32 = 0xbe,
  F64ReinterpretI64 = 0xbf,
  I32Extend8S = 0xc0,
  I32Extend16S = 0xc1,
  I64Extend8S = 0xc2,
  I64Extend16S = 0xc3,
  I64Extend32S = 0xc4,
  RefNull = 0xd0,
  RefIsNull = 0xd1,
  RefFunc = 0xd2,
  // 0xFC prefix, as 0x100 + n
  I32TruncSatF32S = 0x100,
  I64TruncSatF64U = 0x107,
  MemoryInit = 0x108,
  DataDrop = 0x109,
  MemoryCopy = 0x10a,
  MemoryFill = 0x10b,
  TableInit = 0x10c,
  ElemDrop = 0x10d,
  TableCopy = 0x10e,
  TableGrow = 0x10f,
  TableSize = 0x110,
  TableFill = 0x111,
}

/** Block type kinds, as `Immediates.blockKind`. */
export const BLOCK_EMPTY = 0;
export const BLOCK_VALUE = 1;
export const BLOCK_TYPE_INDEX = 2;

export class Immediates {
  /** Index, depth, constant (i32) or f32 bits. */
  a = 0;
  /** Second index (e.g. the table of call_indirect) or a memarg's alignment. */
  b = 0;
  /** Memory offset of a memarg (u32). */
  offset = 0;
  /** i64 / f64 constant words. */
  lo = 0;
  hi = 0;
  blockKind = BLOCK_EMPTY;
  /** Value type (BLOCK_VALUE) or type index (BLOCK_TYPE_INDEX). */
  blockValue = 0;
  /** br_table labels (the default is `a`); only the first `targetCount` are live. */
  targets = new Uint32Array(16);
  targetCount = 0;
}

/**
 * Signatures of the operators whose types are fixed: [operand types…, result type] with 0 for
 * "no result". Memory and control operators are validated separately.
 */
export const FIXED_SIGNATURES: ReadonlyArray<readonly number[] | undefined> = buildSignatures();

function buildSignatures(): Array<readonly number[] | undefined> {
  const sig: Array<readonly number[] | undefined> = [];
  const range = (from: number, to: number, s: readonly number[]) => {
    for (let op = from; op <= to; op++) sig[op] = s;
  };
  range(0x45, 0x45, [I32, I32]);
  range(0x46, 0x4f, [I32, I32, I32]);
  range(0x50, 0x50, [I64, I32]);
  range(0x51, 0x5a, [I64, I64, I32]);
  range(0x5b, 0x60, [F32, F32, I32]);
  range(0x61, 0x66, [F64, F64, I32]);
  range(0x67, 0x69, [I32, I32]);
  range(0x6a, 0x78, [I32, I32, I32]);
  range(0x79, 0x7b, [I64, I64]);
  range(0x7c, 0x8a, [I64, I64, I64]);
  range(0x8b, 0x91, [F32, F32]);
  range(0x92, 0x98, [F32, F32, F32]);
  range(0x99, 0x9f, [F64, F64]);
  range(0xa0, 0xa6, [F64, F64, F64]);
  sig[0xa7] = [I64, I32];
  sig[0xa8] = sig[0xa9] = [F32, I32];
  sig[0xaa] = sig[0xab] = [F64, I32];
  sig[0xac] = sig[0xad] = [I32, I64];
  sig[0xae] = sig[0xaf] = [F32, I64];
  sig[0xb0] = sig[0xb1] = [F64, I64];
  sig[0xb2] = sig[0xb3] = [I32, F32];
  sig[0xb4] = sig[0xb5] = [I64, F32];
  sig[0xb6] = [F64, F32];
  sig[0xb7] = sig[0xb8] = [I32, F64];
  sig[0xb9] = sig[0xba] = [I64, F64];
  sig[0xbb] = [F32, F64];
  sig[0xbc] = [F32, I32];
  sig[0xbd] = [F64, I64];
  sig[0xbe] = [I32, F32];
  sig[0xbf] = [I64, F64];
  sig[0xc0] = sig[0xc1] = [I32, I32];
  sig[0xc2] = sig[0xc3] = sig[0xc4] = [I64, I64];
  sig[0x100] = sig[0x101] = [F32, I32];
  sig[0x102] = sig[0x103] = [F64, I32];
  sig[0x104] = sig[0x105] = [F32, I64];
  sig[0x106] = sig[0x107] = [F64, I64];
  return sig;
}

/** Loads and stores: [value type, natural alignment log2, access bytes, isStore]. */
export const MEMORY_ACCESS: ReadonlyArray<readonly [ValueType, number, number, boolean] | undefined> = (() => {
  const t: Array<readonly [ValueType, number, number, boolean] | undefined> = [];
  t[0x28] = [I32, 2, 4, false];
  t[0x29] = [I64, 3, 8, false];
  t[0x2a] = [F32, 2, 4, false];
  t[0x2b] = [F64, 3, 8, false];
  t[0x2c] = t[0x2d] = [I32, 0, 1, false];
  t[0x2e] = t[0x2f] = [I32, 1, 2, false];
  t[0x30] = t[0x31] = [I64, 0, 1, false];
  t[0x32] = t[0x33] = [I64, 1, 2, false];
  t[0x34] = t[0x35] = [I64, 2, 4, false];
  t[0x36] = [I32, 2, 4, true];
  t[0x37] = [I64, 3, 8, true];
  t[0x38] = [F32, 2, 4, true];
  t[0x39] = [F64, 3, 8, true];
  t[0x3a] = [I32, 0, 1, true];
  t[0x3b] = [I32, 1, 2, true];
  t[0x3c] = [I64, 0, 1, true];
  t[0x3d] = [I64, 1, 2, true];
  t[0x3e] = [I64, 2, 4, true];
  return t;
})();

function readBlockType(reader: WasmReader, imm: Immediates): void {
  const byte = reader.peek();
  if (byte === 0x40) {
    reader.pos++;
    imm.blockKind = BLOCK_EMPTY;
    return;
  }
  if (isValueType(byte)) {
    reader.pos++;
    imm.blockKind = BLOCK_VALUE;
    imm.blockValue = byte;
    return;
  }
  const at = reader.pos;
  const index = reader.signed(33);
  if (index < 0) malformed('malformed block type', at);
  imm.blockKind = BLOCK_TYPE_INDEX;
  imm.blockValue = index;
}

function readMemArg(reader: WasmReader, imm: Immediates): void {
  imm.b = reader.u32();
  imm.offset = reader.u32();
}

function zeroByte(reader: WasmReader): void {
  const at = reader.pos;
  if (reader.u8() !== 0) malformed('zero byte expected', at);
}

export function readRefType(reader: WasmReader): ValueType {
  const at = reader.pos;
  const t = reader.u8();
  if (t !== FUNCREF && t !== EXTERNREF) malformed('malformed reference type', at);
  return t;
}

/**
 * Reads one operator and its immediates; returns the operator code (see `Wasm`). Rejects
 * operators of proposals that are not enabled (exceptions, threads, SIMD, GC…).
 */
export function readOperator(reader: WasmReader, imm: Immediates): number {
  const at = reader.pos;
  const op = reader.u8();
  switch (op) {
    case 0x02: case 0x03: case 0x04:
      readBlockType(reader, imm);
      return op;
    case 0x0c: case 0x0d: case 0x10: case 0x12: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
    case 0x25: case 0x26: case 0xd2:
      imm.a = reader.u32();
      return op;
    case 0x0e: {
      const count = reader.u32();
      if (count > reader.end - reader.pos) malformed('unexpected end', reader.pos);
      if (imm.targets.length < count) imm.targets = new Uint32Array(Math.max(count, imm.targets.length * 2));
      for (let i = 0; i < count; i++) imm.targets[i] = reader.u32();
      imm.targetCount = count;
      imm.a = reader.u32();
      return op;
    }
    case 0x11: case 0x13:
      imm.a = reader.u32();
      imm.b = reader.u32();
      return op;
    case 0x1c: {
      const count = reader.u32();
      if (count !== 1) malformed('invalid result arity', at);
      const t = reader.u8();
      if (!isValueType(t)) malformed('malformed value type', reader.pos - 1);
      imm.a = t;
      return op;
    }
    case 0x3f: case 0x40:
      zeroByte(reader);
      return op;
    case 0x41:
      imm.a = reader.s32();
      return op;
    case 0x42:
      reader.s64(imm);
      return op;
    case 0x43:
      imm.a = reader.u32le();
      return op;
    case 0x44:
      imm.lo = reader.u32le();
      imm.hi = reader.u32le();
      return op;
    case 0xd0:
      imm.a = readRefType(reader);
      return op;
    case 0xfc: {
      const sub = reader.u32();
      switch (sub) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
          return 0x100 + sub;
        case 8:
          imm.a = reader.u32();
          zeroByte(reader);
          return 0x108;
        case 9: case 13: case 15: case 16: case 17:
          imm.a = reader.u32();
          return 0x100 + sub;
        case 10:
          zeroByte(reader);
          zeroByte(reader);
          return 0x10a;
        case 11:
          zeroByte(reader);
          return 0x10b;
        case 12: case 14:
          imm.a = reader.u32();
          imm.b = reader.u32();
          return 0x100 + sub;
        default:
          return malformed(`illegal opcode 0xfc ${sub}`, at);
      }
    }
    default:
      if (op >= 0x28 && op <= 0x3e) {
        readMemArg(reader, imm);
        return op;
      }
      if (
        op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b ||
        (op >= 0x45 && op <= 0xc4) || op === 0xd1
      ) {
        return op;
      }
      return malformed(`illegal opcode 0x${op.toString(16)}`, at);
  }
}

export { F32, F64, I32, I64, V128 };
