/**
 * The rWasm v1 instruction set: the single definition of every opcode's name, wire code and
 * immediate layout. The decoder, encoder, verifier, disassembler, instruction builders and the
 * interpreter's pre-decoding are all derived from `OPCODE_TABLE`.
 *
 * On the wire an instruction is a u32 LE code followed by its immediate (0, 2, 4 bytes, or
 * two u16 for TableCopy). FPU opcodes use code 1000 + n.
 */

/** How an opcode's immediate is laid out on the wire. */
export enum Immediate {
  None = 0,
  /** u32 LE (addresses, indices, counts, fuel, constant bits). */
  U32 = 1,
  /** i32 LE two's complement (branch offsets). */
  I32 = 2,
  /** u16 LE (table index). */
  U16 = 3,
  /** two u16 LE (TableCopy dst, src); held in memory as `dst | src << 16`. */
  U16Pair = 4,
  /** u32 LE holding a TrapCode's declaration position (see trap-codes.ts). */
  TrapCode = 5,
}

/** Bytes each immediate kind occupies after the 4-byte opcode code. */
export const IMMEDIATE_BYTES: readonly number[] = [0, 4, 4, 2, 4, 4];

const FPU = 1000;

// [name, wire code, immediate]. Declaration order is the reference's declaration order.
export const OPCODE_TABLE = [
  ['Unreachable', 0, Immediate.None],
  ['Trap', 1, Immediate.TrapCode],
  ['LocalGet', 2, Immediate.U32],
  ['LocalSet', 3, Immediate.U32],
  ['LocalTee', 4, Immediate.U32],
  ['Br', 5, Immediate.I32],
  ['BrIfEqz', 6, Immediate.I32],
  ['BrIfNez', 7, Immediate.I32],
  ['BrTable', 8, Immediate.U32],
  ['ConsumeFuel', 9, Immediate.U32],
  ['ConsumeFuelStack', 10, Immediate.None],
  ['Return', 11, Immediate.None],
  ['ReturnCallInternal', 12, Immediate.U32],
  ['ReturnCall', 13, Immediate.U32],
  ['ReturnCallIndirect', 14, Immediate.U32],
  ['CallInternal', 15, Immediate.U32],
  ['Call', 16, Immediate.U32],
  ['CallIndirect', 17, Immediate.U32],
  ['SignatureCheck', 18, Immediate.U32],
  ['StackCheck', 19, Immediate.U32],
  ['RefFunc', 20, Immediate.U32],
  ['I32Const', 21, Immediate.U32],
  ['Drop', 22, Immediate.None],
  ['Select', 23, Immediate.None],
  ['GlobalGet', 24, Immediate.U32],
  ['GlobalSet', 25, Immediate.U32],
  ['I32Load', 26, Immediate.U32],
  ['I32Load8S', 27, Immediate.U32],
  ['I32Load8U', 28, Immediate.U32],
  ['I32Load16S', 29, Immediate.U32],
  ['I32Load16U', 30, Immediate.U32],
  ['I32Store', 31, Immediate.U32],
  ['I32Store8', 32, Immediate.U32],
  ['I32Store16', 33, Immediate.U32],
  ['MemorySize', 34, Immediate.None],
  ['MemoryGrow', 35, Immediate.None],
  ['MemoryFill', 36, Immediate.None],
  ['MemoryCopy', 37, Immediate.None],
  ['MemoryInit', 38, Immediate.U32],
  ['DataDrop', 39, Immediate.U32],
  ['TableSize', 40, Immediate.U16],
  ['TableGrow', 41, Immediate.U16],
  ['TableFill', 42, Immediate.U16],
  ['TableGet', 43, Immediate.U16],
  ['TableSet', 44, Immediate.U16],
  ['TableCopy', 45, Immediate.U16Pair],
  ['TableInit', 46, Immediate.U32],
  ['ElemDrop', 47, Immediate.U32],
  ['I32Eqz', 48, Immediate.None],
  ['I32Eq', 49, Immediate.None],
  ['I32Ne', 50, Immediate.None],
  ['I32LtS', 51, Immediate.None],
  ['I32LtU', 52, Immediate.None],
  ['I32GtS', 53, Immediate.None],
  ['I32GtU', 54, Immediate.None],
  ['I32LeS', 55, Immediate.None],
  ['I32LeU', 56, Immediate.None],
  ['I32GeS', 57, Immediate.None],
  ['I32GeU', 58, Immediate.None],
  ['I32Clz', 59, Immediate.None],
  ['I32Ctz', 60, Immediate.None],
  ['I32Popcnt', 61, Immediate.None],
  ['I32Add', 62, Immediate.None],
  ['I32Sub', 63, Immediate.None],
  ['I32Mul', 64, Immediate.None],
  ['I32DivS', 65, Immediate.None],
  ['I32DivU', 66, Immediate.None],
  ['I32RemS', 67, Immediate.None],
  ['I32RemU', 68, Immediate.None],
  ['I32And', 69, Immediate.None],
  ['I32Or', 70, Immediate.None],
  ['I32Xor', 71, Immediate.None],
  ['I32Shl', 72, Immediate.None],
  ['I32ShrS', 73, Immediate.None],
  ['I32ShrU', 74, Immediate.None],
  ['I32Rotl', 75, Immediate.None],
  ['I32Rotr', 76, Immediate.None],
  ['I32WrapI64', 77, Immediate.None],
  ['I32Extend8S', 78, Immediate.None],
  ['I32Extend16S', 79, Immediate.None],
  ['I32Mul64', 80, Immediate.None],
  ['I32Add64', 81, Immediate.None],
  ['BulkConst', 82, Immediate.U32],
  ['BulkDrop', 83, Immediate.U32],
  // FPU: always decodable; executable only when the interpreter's FPU is switched on.
  ['F32Load', FPU + 0, Immediate.U32],
  ['F64Load', FPU + 1, Immediate.U32],
  ['F32Store', FPU + 2, Immediate.U32],
  ['F64Store', FPU + 3, Immediate.U32],
  ['F32Eq', FPU + 4, Immediate.None],
  ['F32Ne', FPU + 5, Immediate.None],
  ['F32Lt', FPU + 6, Immediate.None],
  ['F32Gt', FPU + 7, Immediate.None],
  ['F32Le', FPU + 8, Immediate.None],
  ['F32Ge', FPU + 9, Immediate.None],
  ['F64Eq', FPU + 10, Immediate.None],
  ['F64Ne', FPU + 11, Immediate.None],
  ['F64Lt', FPU + 12, Immediate.None],
  ['F64Gt', FPU + 13, Immediate.None],
  ['F64Le', FPU + 14, Immediate.None],
  ['F64Ge', FPU + 15, Immediate.None],
  ['F32Abs', FPU + 16, Immediate.None],
  ['F32Neg', FPU + 17, Immediate.None],
  ['F32Ceil', FPU + 18, Immediate.None],
  ['F32Floor', FPU + 19, Immediate.None],
  ['F32Trunc', FPU + 20, Immediate.None],
  ['F32Nearest', FPU + 21, Immediate.None],
  ['F32Sqrt', FPU + 22, Immediate.None],
  ['F32Add', FPU + 23, Immediate.None],
  ['F32Sub', FPU + 24, Immediate.None],
  ['F32Mul', FPU + 25, Immediate.None],
  ['F32Div', FPU + 26, Immediate.None],
  ['F32Min', FPU + 27, Immediate.None],
  ['F32Max', FPU + 28, Immediate.None],
  ['F32Copysign', FPU + 29, Immediate.None],
  ['F64Abs', FPU + 30, Immediate.None],
  ['F64Neg', FPU + 31, Immediate.None],
  ['F64Ceil', FPU + 32, Immediate.None],
  ['F64Floor', FPU + 33, Immediate.None],
  ['F64Trunc', FPU + 34, Immediate.None],
  ['F64Nearest', FPU + 35, Immediate.None],
  ['F64Sqrt', FPU + 36, Immediate.None],
  ['F64Add', FPU + 37, Immediate.None],
  ['F64Sub', FPU + 38, Immediate.None],
  ['F64Mul', FPU + 39, Immediate.None],
  ['F64Div', FPU + 40, Immediate.None],
  ['F64Min', FPU + 41, Immediate.None],
  ['F64Max', FPU + 42, Immediate.None],
  ['F64Copysign', FPU + 43, Immediate.None],
  ['I32TruncF32S', FPU + 44, Immediate.None],
  ['I32TruncF32U', FPU + 45, Immediate.None],
  ['I32TruncF64S', FPU + 46, Immediate.None],
  ['I32TruncF64U', FPU + 47, Immediate.None],
  ['I64TruncF32S', FPU + 48, Immediate.None],
  ['I64TruncF32U', FPU + 49, Immediate.None],
  ['I64TruncF64S', FPU + 50, Immediate.None],
  ['I64TruncF64U', FPU + 51, Immediate.None],
  ['F32ConvertI32S', FPU + 52, Immediate.None],
  ['F32ConvertI32U', FPU + 53, Immediate.None],
  ['F32ConvertI64S', FPU + 54, Immediate.None],
  ['F32ConvertI64U', FPU + 55, Immediate.None],
  ['F32DemoteF64', FPU + 56, Immediate.None],
  ['F64ConvertI32S', FPU + 57, Immediate.None],
  ['F64ConvertI32U', FPU + 58, Immediate.None],
  ['F64ConvertI64S', FPU + 59, Immediate.None],
  ['F64ConvertI64U', FPU + 60, Immediate.None],
  ['F64PromoteF32', FPU + 61, Immediate.None],
  ['I32TruncSatF32S', FPU + 62, Immediate.None],
  ['I32TruncSatF32U', FPU + 63, Immediate.None],
  ['I32TruncSatF64S', FPU + 64, Immediate.None],
  ['I32TruncSatF64U', FPU + 65, Immediate.None],
  ['I64TruncSatF32S', FPU + 66, Immediate.None],
  ['I64TruncSatF32U', FPU + 67, Immediate.None],
  ['I64TruncSatF64S', FPU + 68, Immediate.None],
  ['I64TruncSatF64U', FPU + 69, Immediate.None],
] as const;

/** One row of OPCODE_TABLE: name, wire code, immediate layout. */
export type OpcodeDefinition = (typeof OPCODE_TABLE)[number];
export type OpcodeName = OpcodeDefinition[0];

/** Wire codes by name: `Opcode.I32Add === 62`, `Opcode.F32Load === 1000`. */
export const Opcode = Object.freeze(
  Object.fromEntries(OPCODE_TABLE.map(([name, code]) => [name, code])),
) as { readonly [D in OpcodeDefinition as D[0]]: D[1] };

/** A wire code of some rWasm opcode. */
export type Opcode = OpcodeDefinition[1];

export const FPU_CODE_BASE = FPU;
export const OPCODE_COUNT = OPCODE_TABLE.length;

// Dense index (position in OPCODE_TABLE) by wire code; -1 for codes that are not opcodes.
const MAX_CODE = FPU + 69;
const INDEX_BY_CODE = new Int16Array(MAX_CODE + 1).fill(-1);
OPCODE_TABLE.forEach(([, code], index) => {
  INDEX_BY_CODE[code] = index;
});

/** Position of `code` in OPCODE_TABLE, or -1 when `code` is no opcode. */
export function opcodeIndex(code: number): number {
  return code >= 0 && code <= MAX_CODE ? INDEX_BY_CODE[code]! : -1;
}

export function isOpcode(code: number): code is Opcode {
  return opcodeIndex(code) >= 0;
}

export function opcodeName(code: Opcode): OpcodeName {
  return OPCODE_TABLE[INDEX_BY_CODE[code]!]![0];
}

export function immediateKind(code: Opcode): Immediate {
  return OPCODE_TABLE[INDEX_BY_CODE[code]!]![2];
}

/** Encoded size in bytes of an instruction with this opcode. */
export function encodedSize(code: Opcode): number {
  return 4 + IMMEDIATE_BYTES[immediateKind(code)]!;
}

export function isFpuOpcode(code: Opcode): boolean {
  return code >= FPU;
}
