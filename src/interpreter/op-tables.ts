/**
 * What lowering maps rWasm instructions to: the block-engine op of each i32 operation, load,
 * store and table instruction, their immediate, swapped and branching forms, and the constants
 * that make an operation no op at all.
 */
import { Opcode } from '../format/opcodes.js';
import { Op } from './engine.js';

export const BINARY_OP = new Map<number, Op>([
  [Opcode.I32Add, Op.Add], [Opcode.I32Sub, Op.Sub], [Opcode.I32Mul, Op.Mul], [Opcode.I32DivS, Op.DivS], [Opcode.I32DivU, Op.DivU],
  [Opcode.I32RemS, Op.RemS], [Opcode.I32RemU, Op.RemU], [Opcode.I32And, Op.And], [Opcode.I32Or, Op.Or], [Opcode.I32Xor, Op.Xor],
  [Opcode.I32Shl, Op.Shl], [Opcode.I32ShrS, Op.ShrS], [Opcode.I32ShrU, Op.ShrU], [Opcode.I32Rotl, Op.Rotl], [Opcode.I32Rotr, Op.Rotr],
  [Opcode.I32Eq, Op.Eq], [Opcode.I32Ne, Op.Ne], [Opcode.I32LtS, Op.LtS], [Opcode.I32LtU, Op.LtU], [Opcode.I32GtS, Op.GtS],
  [Opcode.I32GtU, Op.GtU], [Opcode.I32LeS, Op.LeS], [Opcode.I32LeU, Op.LeU], [Opcode.I32GeS, Op.GeS], [Opcode.I32GeU, Op.GeU],
]);
/** The immediate form of each register op that has one (Sub becomes AddI of the negation). */
export const IMMEDIATE_OP = new Map<Op, Op>([
  [Op.Add, Op.AddI], [Op.Mul, Op.MulI], [Op.And, Op.AndI], [Op.Or, Op.OrI], [Op.Xor, Op.XorI], [Op.Shl, Op.ShlI], [Op.ShrS, Op.ShrSI],
  [Op.ShrU, Op.ShrUI], [Op.Rotl, Op.RotlI], [Op.Rotr, Op.RotrI], [Op.Eq, Op.EqI], [Op.Ne, Op.NeI], [Op.LtS, Op.LtSI], [Op.LtU, Op.LtUI],
  [Op.GtS, Op.GtSI], [Op.GtU, Op.GtUI], [Op.LeS, Op.LeSI], [Op.LeU, Op.LeUI], [Op.GeS, Op.GeSI], [Op.GeU, Op.GeUI],
]);
/** `c op x` as `x op' c`. */
export const SWAPPED = new Map<Op, Op>([
  [Op.Add, Op.Add], [Op.Mul, Op.Mul], [Op.And, Op.And], [Op.Or, Op.Or], [Op.Xor, Op.Xor], [Op.Eq, Op.Eq], [Op.Ne, Op.Ne],
  [Op.LtS, Op.GtS], [Op.GtS, Op.LtS], [Op.LtU, Op.GtU], [Op.GtU, Op.LtU], [Op.LeS, Op.GeS], [Op.GeS, Op.LeS], [Op.LeU, Op.GeU], [Op.GeU, Op.LeU],
]);
/** The compare-and-branch of each comparison, and of its negation. */
export const BRANCH_OF_COMPARE = new Map<Op, [taken: Op, negated: Op]>([
  [Op.Eq, [Op.BrEq, Op.BrNe]], [Op.Ne, [Op.BrNe, Op.BrEq]], [Op.LtS, [Op.BrLtS, Op.BrGeS]], [Op.LtU, [Op.BrLtU, Op.BrGeU]],
  [Op.GtS, [Op.BrGtS, Op.BrLeS]], [Op.GtU, [Op.BrGtU, Op.BrLeU]], [Op.LeS, [Op.BrLeS, Op.BrGtS]], [Op.LeU, [Op.BrLeU, Op.BrGtU]],
  [Op.GeS, [Op.BrGeS, Op.BrLtS]], [Op.GeU, [Op.BrGeU, Op.BrLtU]],
]);
export const BRANCH_IMMEDIATE = new Map<Op, Op>([
  [Op.BrEq, Op.BrEqI], [Op.BrNe, Op.BrNeI], [Op.BrLtS, Op.BrLtSI], [Op.BrLtU, Op.BrLtUI], [Op.BrGtS, Op.BrGtSI],
  [Op.BrGtU, Op.BrGtUI], [Op.BrLeS, Op.BrLeSI], [Op.BrLeU, Op.BrLeUI], [Op.BrGeS, Op.BrGeSI], [Op.BrGeU, Op.BrGeUI],
]);
export const UNARY_OP = new Map<number, Op>([
  [Opcode.I32Eqz, Op.Eqz], [Opcode.I32Clz, Op.Clz], [Opcode.I32Ctz, Op.Ctz], [Opcode.I32Popcnt, Op.Popcnt],
  [Opcode.I32Extend8S, Op.Extend8S], [Opcode.I32Extend16S, Op.Extend16S],
]);
export const LOAD_OP = new Map<number, Op>([
  [Opcode.I32Load, Op.Load32], [Opcode.I32Load8S, Op.Load8S], [Opcode.I32Load8U, Op.Load8U], [Opcode.I32Load16S, Op.Load16S],
  [Opcode.I32Load16U, Op.Load16U], [Opcode.F32Load, Op.Load32],
]);
export const STORE_OP = new Map<number, [Op, Op]>([
  [Opcode.I32Store, [Op.Store32, Op.Store32I]], [Opcode.I32Store8, [Op.Store8, Op.Store8I]], [Opcode.I32Store16, [Op.Store16, Op.Store16I]],
  [Opcode.F32Store, [Op.Store32, Op.Store32I]],
]);
export const TABLE_OP = new Map<number, Op>([
  [Opcode.TableSize, Op.TableSize], [Opcode.TableGrow, Op.TableGrow], [Opcode.TableFill, Op.TableFill], [Opcode.TableGet, Op.TableGet],
  [Opcode.TableSet, Op.TableSet], [Opcode.TableCopy, Op.TableCopy], [Opcode.TableInit, Op.TableInit],
]);

/** Marks a result that is the non-constant operand itself. */
export const X = 0.5;

/** `x op c`: X, a constant, or undefined (an op is needed). */
export function rightConstantResult(op: Op, c: number): number | undefined {
  switch (op) {
    case Op.Add:
    case Op.Sub:
    case Op.Or:
    case Op.Xor:
      return c === 0 ? X : op === Op.Or && c === -1 ? -1 : undefined;
    case Op.And:
      return c === -1 ? X : c === 0 ? 0 : undefined;
    case Op.Mul:
      return c === 1 ? X : c === 0 ? 0 : undefined;
    case Op.Shl:
    case Op.ShrS:
    case Op.ShrU:
    case Op.Rotl:
    case Op.Rotr:
      return (c & 31) === 0 ? X : undefined;
    default:
      return undefined;
  }
}

/** `c op x`: X, a constant, or undefined. */
export function leftConstantResult(op: Op, c: number): number | undefined {
  switch (op) {
    case Op.Add:
    case Op.Or:
    case Op.Xor:
    case Op.And:
    case Op.Mul:
      return rightConstantResult(op, c);
    case Op.Shl:
    case Op.ShrU:
      return c === 0 ? 0 : undefined;
    case Op.ShrS:
    case Op.Rotl:
    case Op.Rotr:
      return c === 0 || c === -1 ? c : undefined;
    default:
      return undefined;
  }
}

/** The immediate comparison ops, by the register op they stand for. */
export const IMMEDIATE_BASE = new Map<number, Op>([...IMMEDIATE_OP].filter(([base]) => BRANCH_OF_COMPARE.has(base)).map(([base, immediate]) => [immediate, base]));
