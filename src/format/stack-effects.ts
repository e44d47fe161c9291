/**
 * What each opcode does to the value stack, in 32-bit words: how many it pops and pushes.
 * Static for every opcode but the calls (whose effect is the callee's) and the two whose
 * count is their immediate (BulkConst pushes, BulkDrop pops). FPU opcodes follow their Wasm
 * types: f32/i32 are one word, f64/i64 two.
 */
import { FPU_CODE_BASE, OPCODE_TABLE, Opcode, opcodeIndex, type OpcodeName } from './opcodes.js';

/** `pops` words are consumed, then `pushes` words produced. */
export interface StackEffect {
  readonly pops: number;
  readonly pushes: number;
}

/** The effect is the callee's (CallInternal, Call, CallIndirect and their tail forms). */
export const DYNAMIC_EFFECT: StackEffect = Object.freeze({ pops: -1, pushes: -1 });

const words = (type: string): number => (type === 'I64' || type === 'F64' ? 2 : 1);

const FIXED_EFFECTS: Partial<Record<OpcodeName, [number, number]>> = {
  Unreachable: [0, 0], Trap: [0, 0], LocalGet: [0, 1], LocalSet: [1, 0], LocalTee: [0, 0],
  Br: [0, 0], BrIfEqz: [1, 0], BrIfNez: [1, 0], BrTable: [1, 0],
  ConsumeFuel: [0, 0], ConsumeFuelStack: [1, 0], Return: [0, 0],
  SignatureCheck: [0, 0], StackCheck: [0, 0], RefFunc: [0, 1], I32Const: [0, 1], Drop: [1, 0], Select: [3, 1],
  GlobalGet: [0, 1], GlobalSet: [1, 0],
  I32Store: [2, 0], I32Store8: [2, 0], I32Store16: [2, 0],
  MemorySize: [0, 1], MemoryGrow: [1, 1], MemoryFill: [3, 0], MemoryCopy: [3, 0], MemoryInit: [3, 0], DataDrop: [0, 0],
  TableSize: [0, 1], TableGrow: [2, 1], TableFill: [3, 0], TableGet: [1, 1], TableSet: [2, 0], TableCopy: [3, 0], TableInit: [3, 0], ElemDrop: [0, 0],
  I32Eqz: [1, 1], I32Clz: [1, 1], I32Ctz: [1, 1], I32Popcnt: [1, 1], I32WrapI64: [1, 1], I32Extend8S: [1, 1], I32Extend16S: [1, 1],
  I32Mul64: [2, 2], I32Add64: [2, 2],
  F32Load: [1, 1], F64Load: [1, 2], F32Store: [2, 0], F64Store: [3, 0],
};

function effectOf(name: OpcodeName, code: number): StackEffect {
  const known = FIXED_EFFECTS[name];
  if (known) return { pops: known[0], pushes: known[1] };
  if (code < FPU_CODE_BASE) {
    if (name.startsWith('I32Load')) return { pops: 1, pushes: 1 };
    if (name.startsWith('I32')) return { pops: 2, pushes: 1 }; // the remaining i32 binary operators and comparisons
    throw new Error(`rwasm-ts internal error: no stack effect for ${name}`);
  }
  // FPU: <Result><Op>[<Operand>], e.g. F64Add, F32Lt, I64TruncSatF32U, F32DemoteF64
  const match = /^([IF](?:32|64))([A-Z][a-z]+)(?:Sat)?(?:([IF](?:32|64))[SU]?)?$/.exec(name);
  if (!match) throw new Error(`rwasm-ts internal error: no stack effect for ${name}`);
  const [, result, op, operand] = match as unknown as [string, string, string, string | undefined];
  if (operand) return { pops: words(operand), pushes: words(result) }; // conversions
  if (['Eq', 'Ne', 'Lt', 'Gt', 'Le', 'Ge'].includes(op)) return { pops: 2 * words(result), pushes: 1 };
  if (['Abs', 'Neg', 'Ceil', 'Floor', 'Trunc', 'Nearest', 'Sqrt'].includes(op)) return { pops: words(result), pushes: words(result) };
  return { pops: 2 * words(result), pushes: words(result) }; // Add, Sub, Mul, Div, Min, Max, Copysign
}

const DYNAMIC = new Set<OpcodeName>(['CallInternal', 'Call', 'CallIndirect', 'ReturnCallInternal', 'ReturnCall', 'ReturnCallIndirect']);

const EFFECTS: readonly StackEffect[] = OPCODE_TABLE.map(([name, code]) => {
  if (DYNAMIC.has(name)) return DYNAMIC_EFFECT;
  if (name === 'BulkConst' || name === 'BulkDrop') return DYNAMIC_EFFECT; // see stackEffect
  return Object.freeze(effectOf(name, code));
});

// The same by wire code, for loops that must not allocate (-1: dynamic or immediate-sized).
const MAX_CODE = Math.max(...OPCODE_TABLE.map(([, code]) => code));
const POPS = new Int8Array(MAX_CODE + 1).fill(-1);
const PUSHES = new Int8Array(MAX_CODE + 1).fill(-1);
OPCODE_TABLE.forEach(([, code], index) => {
  const effect = EFFECTS[index]!;
  if (effect !== DYNAMIC_EFFECT) {
    POPS[code] = effect.pops;
    PUSHES[code] = effect.pushes;
  }
});

/**
 * The effect of the instruction `code` with immediate `imm` (raw bits); `DYNAMIC_EFFECT` for
 * calls. BulkConst(n) pushes n words and BulkDrop(n) pops n.
 */
export function stackEffect(code: number, imm: number): StackEffect {
  if (code === Opcode.BulkConst) return { pops: 0, pushes: imm >>> 0 };
  if (code === Opcode.BulkDrop) return { pops: imm >>> 0, pushes: 0 };
  return EFFECTS[opcodeIndex(code)]!;
}

/** Words popped by an instruction (BulkDrop: its count; -1 for calls, whose effect is the callee's). */
export function popsOf(code: number, imm: number): number {
  if (code === Opcode.BulkDrop) return imm >>> 0;
  if (code === Opcode.BulkConst) return 0;
  return POPS[code]!;
}

/** Words pushed by an instruction (BulkConst: its count; -1 for calls). */
export function pushesOf(code: number, imm: number): number {
  if (code === Opcode.BulkConst) return imm >>> 0;
  if (code === Opcode.BulkDrop) return 0;
  return PUSHES[code]!;
}
