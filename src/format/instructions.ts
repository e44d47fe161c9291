import { RwasmError } from '../errors.js';
import {
  Immediate,
  OPCODE_TABLE,
  immediateKind,
  isOpcode,
  opcodeName,
  type Opcode,
  type OpcodeName,
} from './opcodes.js';
import { TrapCode, isTrapCode } from './trap-codes.js';

/**
 * One decoded instruction. `imm` is the immediate in its natural reading: unsigned for u32/u16
 * kinds, signed for branch offsets, the TrapCode for `Trap`, and `dst | src << 16` for
 * `TableCopy`; 0 when the opcode has no immediate.
 */
export interface Instruction {
  readonly opcode: Opcode;
  readonly imm: number;
}

const U32_MAX = 0xffffffff;

/** Checks `value` fits the immediate kind and returns its natural reading. */
export function normalizeImmediate(opcode: Opcode, value: number): number {
  const kind = immediateKind(opcode);
  const fail = (range: string): never => {
    throw new RwasmError(
      'InvalidImmediate',
      `${opcodeName(opcode)}: immediate ${value} is not ${range}`,
      { opcode, value: String(value) },
    );
  };
  if (!Number.isInteger(value)) fail('an integer');
  switch (kind) {
    case Immediate.None:
      if (value !== 0) fail('absent (this opcode has no immediate)');
      return 0;
    case Immediate.U32:
      // Constants and addresses are often written as signed numbers; both readings are accepted.
      if (value < -0x80000000 || value > U32_MAX) fail('a 32-bit value');
      return value >>> 0;
    case Immediate.I32:
      if (value < -0x80000000 || value > U32_MAX) fail('a 32-bit value');
      return value | 0;
    case Immediate.U16:
      if (value < 0 || value > 0xffff) fail('a u16');
      return value;
    case Immediate.U16Pair:
      if (value < 0 || value > U32_MAX) fail('a packed u16 pair');
      return value >>> 0;
    case Immediate.TrapCode:
      if (!isTrapCode(value)) fail('a TrapCode');
      return value;
  }
}

export function instruction(opcode: Opcode, imm = 0): Instruction {
  if (!isOpcode(opcode)) {
    throw new RwasmError('InvalidOpcode', `${String(opcode)} is not an rWasm opcode`, { opcode });
  }
  return { opcode, imm: normalizeImmediate(opcode, imm) };
}

/** The arguments `ins.X(…)` takes for an opcode whose immediate is laid out as `K`. */
export type InstructionBuilderArgs<K> = K extends Immediate.None
  ? []
  : K extends Immediate.U16Pair
    ? [dst: number, src: number]
    : K extends Immediate.TrapCode
      ? [code: TrapCode]
      : [value: number];

/** `ins`: a builder per opcode, named as the opcode. */
export type InstructionBuilders = {
  readonly [D in (typeof OPCODE_TABLE)[number] as D[0]]: (...args: InstructionBuilderArgs<D[2]>) => Instruction;
};

/**
 * Instruction builders, one per opcode: `ins.I32Const(7)`, `ins.Br(-3)`, `ins.TableCopy(1, 0)`,
 * `ins.Trap(TrapCode.OutOfFuel)`, `ins.I32Add()`.
 */
export const ins: InstructionBuilders = Object.freeze(
  Object.fromEntries(
    OPCODE_TABLE.map(([name, code, kind]) => {
      const build =
        kind === Immediate.U16Pair
          ? (dst: number, src: number) => {
              if (!Number.isInteger(dst) || !Number.isInteger(src) || dst < 0 || src < 0 || dst > 0xffff || src > 0xffff) {
                throw new RwasmError('InvalidImmediate', `TableCopy: tables ${dst}, ${src} are not u16`);
              }
              return instruction(code, (dst | (src << 16)) >>> 0);
            }
          : (value = 0) => instruction(code, value);
      return [name, build];
    }),
  ),
) as unknown as InstructionBuilders;

export function instructionName(instr: Instruction): OpcodeName {
  return opcodeName(instr.opcode);
}

/** The `dst` and `src` tables of a TableCopy immediate. */
export function tableCopyOperands(imm: number): { dst: number; src: number } {
  return { dst: imm & 0xffff, src: imm >>> 16 };
}
