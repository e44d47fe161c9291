import { RwasmError } from '../errors.js';
import { OPCODE_TABLE, type Opcode } from './opcodes.js';

/**
 * The reference compiler's instruction sequences for i64 operations (its `src/isa` emitters),
 * as data: each is the exact rWasm it emits, inline or as the body of a shared snippet
 * function, with the maximum extra stack height it uses. The compiler emits them; the
 * interpreter recognises the snippet functions to run them natively. Operands are [a_lo, a_hi, b_lo, b_hi]
 * (b_hi on top); results [r] for comparisons, [r_lo, r_hi] otherwise.
 *
 * Each sequence is a list of `Name` or `Name(imm)`; tests run every one of them against BigInt
 * arithmetic.
 */
export interface I64Sequence {
  readonly maxStackHeight: number;
  readonly code: string;
}

export const I64_SEQUENCES = {
  eqz: {
    maxStackHeight: 1,
    code:
      'I32Eqz LocalGet(2) I32Eqz LocalSet(2) I32And',
  },
  eq: {
    maxStackHeight: 1,
    code:
      'LocalGet(3) I32Eq LocalSet(2) LocalGet(3) I32Eq LocalSet(2) I32And',
  },
  ne: {
    maxStackHeight: 1,
    code:
      'LocalGet(3) I32Ne LocalSet(2) LocalGet(3) I32Ne LocalSet(2) I32Or',
  },
  ltS: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32LtS Br(4) LocalGet(4) LocalGet(3) ' +
      'I32LtU LocalSet(4) Drop Drop Drop',
  },
  ltU: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32LtU Br(4) LocalGet(4) LocalGet(3) ' +
      'I32LtU LocalSet(4) Drop Drop Drop',
  },
  gtS: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32GtS Br(4) LocalGet(4) LocalGet(3) ' +
      'I32GtU LocalSet(4) Drop Drop Drop',
  },
  gtU: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32GtU Br(4) LocalGet(4) LocalGet(3) ' +
      'I32GtU LocalSet(4) Drop Drop Drop',
  },
  leS: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32LeS Br(4) LocalGet(4) LocalGet(3) ' +
      'I32LeU LocalSet(4) Drop Drop Drop',
  },
  leU: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32LeU Br(4) LocalGet(4) LocalGet(3) ' +
      'I32LeU LocalSet(4) Drop Drop Drop',
  },
  geS: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32GeS Br(4) LocalGet(4) LocalGet(3) ' +
      'I32GeU LocalSet(4) Drop Drop Drop',
  },
  geU: {
    maxStackHeight: 2,
    code:
      'LocalGet(3) LocalGet(2) I32Eq BrIfNez(5) LocalGet(3) LocalGet(2) I32GeU Br(4) LocalGet(4) LocalGet(3) ' +
      'I32GeU LocalSet(4) Drop Drop Drop',
  },
  add: {
    maxStackHeight: 4,
    code:
      'LocalGet(4) LocalGet(3) I32Add64 LocalGet(5) LocalGet(4) I32Add I32Add LocalSet(4) LocalSet(4) Drop ' +
      'Drop',
  },
  sub: {
    maxStackHeight: 8,
    code:
      'LocalGet(4) LocalGet(3) I32Sub LocalGet(5) LocalGet(4) I32LtU LocalGet(5) LocalGet(4) I32Sub LocalGet(2) ' +
      'I32Sub LocalSet(5) Drop LocalSet(4) Drop Drop',
  },
  mul: {
    maxStackHeight: 5,
    code:
      'LocalGet(2) LocalGet(5) I32Mul64 LocalGet(3) LocalGet(7) I32Mul LocalGet(5) LocalGet(7) I32Mul I32Add ' +
      'I32Add LocalSet(4) LocalSet(4) Drop Drop',
  },
  and: {
    maxStackHeight: 1,
    code:
      'LocalGet(3) I32And LocalSet(2) LocalGet(3) I32And LocalSet(2)',
  },
  or: {
    maxStackHeight: 1,
    code:
      'LocalGet(3) I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2)',
  },
  xor: {
    maxStackHeight: 1,
    code:
      'LocalGet(3) I32Xor LocalSet(2) LocalGet(3) I32Xor LocalSet(2)',
  },
  clz: {
    maxStackHeight: 3,
    code:
      'I32Clz LocalGet(1) I32Const(32) I32Eq BrIfEqz(4) LocalGet(2) I32Clz I32Add LocalSet(1) I32Const(0)',
  },
  ctz: {
    maxStackHeight: 3,
    code:
      'LocalGet(2) I32Ctz LocalGet(1) I32Const(32) I32Eq BrIfEqz(5) LocalSet(2) I32Ctz I32Add Br(3) ' +
      'LocalSet(2) Drop I32Const(0)',
  },
  popcnt: {
    maxStackHeight: 1,
    code:
      'I32Popcnt LocalGet(2) I32Popcnt LocalSet(2) I32Add I32Const(0)',
  },
  extend8S: {
    maxStackHeight: 2,
    code:
      'Drop I32Extend8S LocalGet(1) I32Const(31) I32ShrS',
  },
  extend16S: {
    maxStackHeight: 2,
    code:
      'Drop I32Extend16S LocalGet(1) I32Const(31) I32ShrS',
  },
  extend32S: {
    maxStackHeight: 2,
    code:
      'Drop LocalGet(1) I32Const(31) I32ShrS',
  },
  extendI32S: {
    maxStackHeight: 2,
    code:
      'LocalGet(1) I32Const(31) I32ShrS',
  },
  extendI32U: {
    maxStackHeight: 1,
    code:
      'I32Const(0)',
  },
  shl: {
    maxStackHeight: 9,
    code:
      'I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(6) LocalSet(1) Br(44) ' +
      'LocalGet(2) I32Const(32) I32Eq BrIfNez(36) LocalGet(2) I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(10) ' +
      'I32Const(0) LocalSet(1) LocalGet(2) I32Const(32) I32GtU BrIfNez(19) I32Const(0) LocalSet(5) Br(25) LocalGet(5) ' +
      'LocalGet(5) I32Shl LocalGet(7) I32Const(0) LocalGet(7) I32Sub I32ShrU I32Or LocalSet(5) LocalGet(6) ' +
      'LocalGet(5) I32Shl LocalSet(1) Br(10) LocalGet(6) LocalGet(5) I32Shl LocalSet(5) Br(5) I32Const(0) ' +
      'LocalSet(1) LocalGet(6) LocalSet(5) LocalGet(5) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And ' +
      'LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) ' +
      'I32Sub I32Shl LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) ' +
      'LocalGet(3) LocalGet(3) I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub ' +
      'I32ShrU LocalGet(4) I32Or LocalSet(3) Drop Drop LocalGet(3) I32Const(0) LocalGet(3) I32Or ' +
      'LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop Drop Drop',
  },
  shrS: {
    maxStackHeight: 21,
    code:
      'I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(5) LocalSet(1) Br(49) ' +
      'LocalGet(2) I32Const(32) I32Eq BrIfNez(24) LocalGet(2) I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(25) ' +
      'I32Const(0) LocalSet(1) I32Const(0) LocalSet(6) LocalGet(2) I32Const(32) I32LeU BrIfNez(31) LocalGet(5) LocalGet(5) ' +
      'I32ShrS LocalSet(6) LocalGet(5) I32Const(31) I32ShrS LocalSet(1) Br(22) LocalGet(5) I32Const(31) I32ShrS ' +
      'LocalSet(1) LocalGet(5) LocalSet(6) Br(15) LocalGet(6) LocalGet(5) I32ShrU LocalGet(6) I32Const(0) LocalGet(7) ' +
      'I32Sub I32Shl I32Or LocalSet(6) LocalGet(5) LocalGet(5) I32ShrS LocalSet(1) LocalGet(1) I32Const(0) ' +
      'I32Const(32) I32Const(0) I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(6) ' +
      'LocalSet(1) Br(44) LocalGet(2) I32Const(32) I32Eq BrIfNez(36) LocalGet(2) I32Const(-1) I32Add I32Const(31) ' +
      'I32LtU BrIfNez(10) I32Const(0) LocalSet(1) LocalGet(2) I32Const(32) I32GtU BrIfNez(19) I32Const(0) LocalSet(5) ' +
      'Br(25) LocalGet(5) LocalGet(5) I32Shl LocalGet(7) I32Const(0) LocalGet(7) I32Sub I32ShrU I32Or ' +
      'LocalSet(5) LocalGet(6) LocalGet(5) I32Shl LocalSet(1) Br(10) LocalGet(6) LocalGet(5) I32Shl LocalSet(5) ' +
      'Br(5) I32Const(0) LocalSet(1) LocalGet(6) LocalSet(5) LocalGet(5) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) ' +
      'I32Const(63) I32And LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) ' +
      'LocalGet(3) I32Const(32) I32Sub I32Shl LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) ' +
      'I32Shl LocalSet(4) LocalGet(3) LocalGet(3) I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) ' +
      'I32And I32Sub I32ShrU LocalGet(4) I32Or LocalSet(3) Drop Drop LocalGet(3) I32Const(0) ' +
      'LocalGet(3) I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop ' +
      'Drop Drop LocalGet(8) I32Const(0) LocalGet(3) I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2) ' +
      'LocalSet(6) LocalSet(6) Drop Drop Drop Drop',
  },
  shrU: {
    maxStackHeight: 21,
    code:
      'I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(6) LocalGet(5) LocalSet(1) LocalGet(6) ' +
      'LocalSet(5) Br(42) LocalGet(2) I32Const(32) I32Eq BrIfNez(36) LocalGet(2) I32Const(-1) I32Add I32Const(31) ' +
      'I32LtU BrIfNez(10) I32Const(0) LocalSet(1) LocalGet(2) I32Const(32) I32GtU BrIfNez(19) I32Const(0) LocalSet(5) ' +
      'Br(23) LocalGet(5) LocalGet(5) I32ShrU LocalSet(1) LocalGet(6) LocalGet(5) I32ShrU LocalGet(6) I32Const(0) ' +
      'LocalGet(7) I32Sub I32Shl I32Or LocalSet(5) Br(8) LocalGet(5) LocalGet(5) I32ShrU LocalSet(5) ' +
      'Br(3) I32Const(0) LocalSet(1) LocalGet(1) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And ' +
      'LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) ' +
      'I32Sub I32Shl LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) ' +
      'LocalGet(3) LocalGet(3) I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub ' +
      'I32ShrU LocalGet(4) I32Or LocalSet(3) Drop Drop LocalGet(7) I32Const(0) LocalGet(3) I32Or ' +
      'LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop Drop Drop',
  },
  rotl: {
    maxStackHeight: 16,
    code:
      'I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(5) LocalSet(2) Br(53) ' +
      'LocalGet(2) I32Const(32) I32LtU BrIfNez(10) LocalGet(2) I32Const(32) I32Ne BrIfNez(26) LocalGet(6) LocalSet(2) ' +
      'LocalGet(5) LocalSet(6) Br(40) LocalGet(5) LocalGet(5) I32Shl LocalGet(7) I32Const(0) LocalGet(7) I32Sub ' +
      'LocalTee(4) I32ShrU I32Or LocalSet(2) LocalGet(6) LocalGet(5) I32Shl LocalGet(6) LocalGet(3) I32ShrU ' +
      'I32Or LocalSet(6) Br(20) LocalGet(6) LocalGet(5) I32Shl LocalGet(6) I32Const(0) LocalGet(7) I32Sub ' +
      'LocalTee(4) I32ShrU I32Or LocalSet(2) LocalGet(5) LocalGet(5) I32Shl LocalGet(7) LocalGet(3) I32ShrU ' +
      'I32Or LocalSet(6) LocalGet(2) I32Const(0) I32Const(32) I32Const(0) I32Const(0) I32Const(0) LocalGet(4) I32Const(63) ' +
      'I32And LocalTee(3) BrIfNez(4) LocalGet(6) LocalSet(1) Br(44) LocalGet(2) I32Const(32) I32Eq BrIfNez(36) ' +
      'LocalGet(2) I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(10) I32Const(0) LocalSet(1) LocalGet(2) I32Const(32) ' +
      'I32GtU BrIfNez(19) I32Const(0) LocalSet(5) Br(25) LocalGet(5) LocalGet(5) I32Shl LocalGet(7) I32Const(0) ' +
      'LocalGet(7) I32Sub I32ShrU I32Or LocalSet(5) LocalGet(6) LocalGet(5) I32Shl LocalSet(1) Br(10) ' +
      'LocalGet(6) LocalGet(5) I32Shl LocalSet(5) Br(5) I32Const(0) LocalSet(1) LocalGet(6) LocalSet(5) LocalGet(5) ' +
      'I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) ' +
      'I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) I32Sub I32Shl LocalSet(3) I32Const(0) ' +
      'LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) LocalGet(3) LocalGet(3) I32Shl LocalSet(3) ' +
      'LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub I32ShrU LocalGet(4) I32Or LocalSet(3) ' +
      'Drop Drop LocalGet(3) I32Const(0) LocalGet(3) I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2) ' +
      'LocalSet(6) LocalSet(6) Drop Drop Drop Drop LocalGet(8) I32Const(0) LocalGet(3) I32Or ' +
      'LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop Drop Drop',
  },
  rotr: {
    maxStackHeight: 16,
    code:
      'I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(5) LocalSet(2) Br(55) ' +
      'LocalGet(2) I32Const(32) I32Ne BrIfNez(6) LocalGet(6) LocalSet(2) LocalGet(5) LocalSet(6) Br(46) LocalGet(2) ' +
      'I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(21) LocalGet(6) LocalGet(5) I32ShrU LocalGet(6) I32Const(0) ' +
      'LocalGet(7) I32Sub LocalTee(4) I32Shl I32Or LocalSet(2) LocalGet(5) LocalGet(5) I32ShrU LocalGet(7) ' +
      'LocalGet(3) I32Shl I32Or LocalSet(6) Br(20) LocalGet(5) LocalGet(5) I32ShrU LocalGet(7) I32Const(0) ' +
      'LocalGet(7) I32Sub LocalTee(4) I32Shl I32Or LocalSet(2) LocalGet(6) LocalGet(5) I32ShrU LocalGet(6) ' +
      'LocalGet(3) I32Shl I32Or LocalSet(6) LocalGet(2) I32Const(0) I32Const(32) I32Const(0) I32Const(0) I32Const(0) ' +
      'LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(6) LocalSet(1) Br(44) LocalGet(2) I32Const(32) ' +
      'I32Eq BrIfNez(36) LocalGet(2) I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(10) I32Const(0) LocalSet(1) ' +
      'LocalGet(2) I32Const(32) I32GtU BrIfNez(19) I32Const(0) LocalSet(5) Br(25) LocalGet(5) LocalGet(5) I32Shl ' +
      'LocalGet(7) I32Const(0) LocalGet(7) I32Sub I32ShrU I32Or LocalSet(5) LocalGet(6) LocalGet(5) I32Shl ' +
      'LocalSet(1) Br(10) LocalGet(6) LocalGet(5) I32Shl LocalSet(5) Br(5) I32Const(0) LocalSet(1) LocalGet(6) ' +
      'LocalSet(5) LocalGet(5) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And LocalSet(2) LocalGet(2) ' +
      'BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) I32Sub I32Shl ' +
      'LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) LocalGet(3) LocalGet(3) ' +
      'I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub I32ShrU LocalGet(4) ' +
      'I32Or LocalSet(3) Drop Drop LocalGet(3) I32Const(0) LocalGet(3) I32Or LocalSet(2) LocalGet(3) ' +
      'I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop Drop Drop LocalGet(8) I32Const(0) ' +
      'LocalGet(3) I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop ' +
      'Drop Drop',
  },
  divS: {
    maxStackHeight: 17,
    code:
      'I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) LocalGet(10) ' +
      'LocalGet(12) I32Or BrIfNez(2) Trap(4) LocalGet(12) I32Const(-2147483648) I32Ne BrIfNez(12) LocalGet(10) I32Const(-1) ' +
      'I32Ne BrIfNez(8) LocalGet(13) BrIfNez(43) LocalGet(11) I32Const(-1) I32Ne BrIfNez(39) Trap(5) LocalGet(12) ' +
      'I32Const(-1) I32GtS BrIfNez(17) I32Const(0) LocalGet(14) I32Sub LocalSet(9) LocalGet(13) I32Eqz LocalGet(13) ' +
      'I32Const(-1) I32Xor I32Add LocalSet(8) LocalGet(10) I32Const(0) I32LtS BrIfNez(28) Br(13) LocalGet(13) ' +
      'LocalSet(9) LocalGet(12) LocalSet(8) LocalGet(10) I32Const(-1) I32LeS BrIfNez(19) LocalGet(13) LocalSet(9) LocalGet(12) ' +
      'LocalSet(8) LocalGet(10) LocalSet(7) LocalGet(11) LocalSet(6) Br(21) I32Const(2147483647) I32Const(-2147483648) LocalGet(15) Select ' +
      'LocalSet(8) I32Const(0) LocalGet(14) I32Sub LocalSet(9) I32Const(0) LocalGet(12) I32Sub LocalSet(6) LocalGet(11) ' +
      'I32Eqz LocalGet(11) I32Const(-1) I32Xor I32Add LocalSet(7) I32Const(0) LocalSet(11) I32Const(64) LocalSet(5) ' +
      'I32Const(0) LocalSet(4) I32Const(0) LocalSet(3) I32Const(0) LocalSet(2) LocalGet(4) I32Const(1) I32Shl LocalGet(9) ' +
      'I32Const(31) I32ShrU I32Or LocalSet(13) LocalGet(11) I32Const(1) I32Shl LocalGet(5) I32Const(31) I32ShrU ' +
      'I32Or LocalTee(12) LocalGet(8) I32GtU BrIfNez(14) I32Const(0) LocalSet(1) LocalGet(11) LocalGet(8) I32Ne ' +
      'BrIfNez(5) LocalGet(13) LocalGet(7) I32GeU BrIfNez(4) LocalGet(13) LocalSet(4) Br(15) LocalGet(11) LocalGet(8) ' +
      'I32Sub LocalGet(14) LocalGet(8) I32LtU I32Sub LocalSet(11) LocalGet(13) LocalGet(7) I32Sub LocalSet(4) ' +
      'I32Const(1) LocalSet(1) LocalGet(8) I32Const(1) I32Shl LocalGet(10) I32Const(31) I32ShrU I32Or LocalSet(8) ' +
      'LocalGet(9) I32Const(1) I32Shl LocalSet(9) LocalGet(3) I32Const(1) I32Shl LocalGet(3) I32Const(31) I32ShrU ' +
      'I32Or LocalSet(3) LocalGet(1) LocalGet(3) I32Const(1) I32Shl I32Or LocalSet(2) LocalGet(5) I32Const(-1) ' +
      'I32Add LocalTee(6) BrIfNez(-76) LocalGet(10) LocalGet(13) I32Xor I32Const(-1) I32LeS BrIfNez(4) LocalGet(2) ' +
      'LocalSet(11) Br(12) I32Const(0) LocalGet(3) I32Sub LocalSet(11) LocalGet(2) I32Eqz LocalGet(4) I32Const(-1) ' +
      'I32Xor I32Add LocalSet(3) LocalGet(3) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And ' +
      'LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) ' +
      'I32Sub I32Shl LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) ' +
      'LocalGet(3) LocalGet(3) I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub ' +
      'I32ShrU LocalGet(4) I32Or LocalSet(3) Drop Drop LocalGet(13) I32Const(0) LocalGet(3) I32Or ' +
      'LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(13) LocalSet(13) Drop Drop Drop Drop ' +
      'Drop Drop Drop Drop Drop Drop Drop',
  },
  divU: {
    maxStackHeight: 21,
    code:
      'I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) LocalGet(8) BrIfNez(19) LocalGet(9) ' +
      'I32Eqz BrIfNez(25) LocalGet(10) BrIfNez(9) I32Const(0) LocalSet(7) I32Const(0) LocalSet(6) LocalGet(11) LocalGet(10) ' +
      'I32LtU BrIfNez(251) LocalGet(9) I32Const(-1) I32GtS BrIfNez(12) Br(159) I32Const(0) LocalSet(7) LocalGet(10) ' +
      'LocalGet(9) I32GeU BrIfNez(143) I32Const(0) LocalSet(6) Br(237) Trap(4) I32Const(0) LocalSet(7) I32Const(95) ' +
      'LocalSet(5) I32Const(0) LocalSet(4) LocalGet(4) I32Const(1) I32Shl LocalSet(4) LocalGet(5) I32Const(-31) I32Add ' +
      'LocalTee(7) I32Const(32) I32GtU BrIfNez(26) LocalGet(10) LocalGet(6) I32Const(-32) I32Add LocalTee(5) I32ShrU ' +
      'I32Const(1) I32And LocalGet(5) I32Or LocalTee(5) LocalGet(10) I32LtU BrIfNez(26) LocalGet(4) LocalGet(10) ' +
      'I32Sub LocalSet(4) LocalGet(7) I32Const(1) LocalGet(5) I32Shl I32Or LocalSet(7) Br(15) LocalGet(4) ' +
      'LocalGet(10) I32LtU BrIfNez(11) LocalGet(4) LocalGet(10) I32Sub LocalSet(4) I32Const(1) LocalGet(6) I32Shl ' +
      'LocalGet(8) I32Or LocalSet(7) LocalGet(5) I32Const(-1) I32Add LocalSet(5) LocalGet(6) I32Const(1) I32GtU ' +
      'BrIfNez(-57) I32Const(0) LocalSet(6) I32Const(95) LocalSet(5) I32Const(0) LocalSet(10) LocalGet(10) I32Const(1) I32Shl ' +
      'LocalSet(10) LocalGet(5) I32Const(-31) I32Add LocalTee(4) I32Const(32) I32GtU BrIfNez(26) LocalGet(11) LocalGet(6) ' +
      'I32Const(-32) I32Add LocalTee(10) I32ShrU I32Const(1) I32And LocalGet(11) I32Or LocalTee(11) LocalGet(10) ' +
      'I32LtU BrIfNez(35) LocalGet(10) LocalGet(10) I32Sub LocalSet(10) LocalGet(6) I32Const(1) LocalGet(10) I32Shl ' +
      'I32Or LocalSet(6) Br(24) LocalGet(4) LocalGet(6) I32ShrU I32Const(1) I32And LocalGet(11) I32Or ' +
      'LocalTee(11) LocalGet(10) I32LtU BrIfNez(13) LocalGet(10) LocalGet(10) I32Sub LocalSet(10) I32Const(1) LocalGet(6) ' +
      'I32Const(31) I32And I32Shl LocalGet(7) I32Or LocalSet(6) LocalGet(5) I32Const(-1) I32Add LocalSet(5) ' +
      'LocalGet(3) I32Const(1) I32GtU BrIfNez(-66) Br(98) LocalGet(11) LocalGet(10) I32GeU BrIfNez(7) I32Const(0) ' +
      'LocalSet(6) LocalGet(10) LocalGet(9) I32Eq BrIfNez(88) I32Const(0) LocalSet(4) I32Const(64) LocalSet(2) I32Const(0) ' +
      'LocalSet(7) I32Const(0) LocalSet(6) I32Const(0) LocalSet(3) LocalGet(3) I32Const(1) I32Shl LocalGet(11) I32Const(31) ' +
      'I32ShrU I32Or LocalSet(5) LocalGet(4) I32Const(1) I32Shl LocalGet(4) I32Const(31) I32ShrU I32Or ' +
      'LocalTee(5) LocalGet(9) I32GtU BrIfNez(14) I32Const(0) LocalSet(1) LocalGet(4) LocalGet(9) I32Ne BrIfNez(5) ' +
      'LocalGet(5) LocalGet(10) I32GeU BrIfNez(4) LocalGet(5) LocalSet(3) Br(15) LocalGet(4) LocalGet(9) I32Sub ' +
      'LocalGet(6) LocalGet(11) I32LtU I32Sub LocalSet(4) LocalGet(5) LocalGet(10) I32Sub LocalSet(3) I32Const(1) ' +
      'LocalSet(1) LocalGet(10) I32Const(1) I32Shl LocalGet(12) I32Const(31) I32ShrU I32Or LocalSet(10) LocalGet(11) ' +
      'I32Const(1) I32Shl LocalSet(11) LocalGet(7) I32Const(1) I32Shl LocalGet(7) I32Const(31) I32ShrU I32Or ' +
      'LocalSet(7) LocalGet(1) LocalGet(7) I32Const(1) I32Shl I32Or LocalSet(6) LocalGet(2) I32Const(-1) I32Add ' +
      'LocalTee(3) BrIfNez(-76) LocalGet(7) I32Const(0) I32Const(32) I32Const(0) I32Const(0) I32Const(0) LocalGet(4) I32Const(63) ' +
      'I32And LocalTee(3) BrIfNez(4) LocalGet(6) LocalSet(1) Br(44) LocalGet(2) I32Const(32) I32Eq BrIfNez(36) ' +
      'LocalGet(2) I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(10) I32Const(0) LocalSet(1) LocalGet(2) I32Const(32) ' +
      'I32GtU BrIfNez(19) I32Const(0) LocalSet(5) Br(25) LocalGet(5) LocalGet(5) I32Shl LocalGet(7) I32Const(0) ' +
      'LocalGet(7) I32Sub I32ShrU I32Or LocalSet(5) LocalGet(6) LocalGet(5) I32Shl LocalSet(1) Br(10) ' +
      'LocalGet(6) LocalGet(5) I32Shl LocalSet(5) Br(5) I32Const(0) LocalSet(1) LocalGet(6) LocalSet(5) LocalGet(5) ' +
      'I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) ' +
      'I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) I32Sub I32Shl LocalSet(3) I32Const(0) ' +
      'LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) LocalGet(3) LocalGet(3) I32Shl LocalSet(3) ' +
      'LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub I32ShrU LocalGet(4) I32Or LocalSet(3) ' +
      'Drop Drop LocalGet(3) I32Const(0) LocalGet(3) I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2) ' +
      'LocalSet(6) LocalSet(6) Drop Drop Drop Drop LocalGet(8) I32Const(0) LocalGet(3) I32Or ' +
      'LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(11) LocalSet(11) Drop Drop Drop Drop ' +
      'Drop Drop Drop Drop Drop',
  },
  remS: {
    maxStackHeight: 12,
    code:
      'I32Const(0) I32Const(0) I32Const(0) I32Const(0) LocalGet(5) LocalGet(7) I32Or BrIfNez(2) Trap(4) LocalGet(7) ' +
      'I32Const(-1) I32LeS BrIfNez(147) I32Const(0) LocalSet(4) LocalGet(5) I32Const(0) I32LtS BrIfNez(67) I32Const(0) ' +
      'LocalSet(4) I32Const(64) LocalSet(3) I32Const(0) LocalSet(2) LocalGet(2) I32Const(1) I32Shl LocalGet(8) I32Const(31) ' +
      'I32ShrU I32Or LocalSet(1) LocalGet(4) I32Const(1) I32Shl LocalGet(3) I32Const(31) I32ShrU I32Or ' +
      'LocalTee(5) LocalGet(6) I32GtU BrIfNez(12) LocalGet(4) LocalGet(6) I32Ne BrIfNez(5) LocalGet(1) LocalGet(7) ' +
      'I32GeU BrIfNez(4) LocalGet(1) LocalSet(2) Br(13) LocalGet(4) LocalGet(6) I32Sub LocalGet(2) LocalGet(8) ' +
      'I32LtU I32Sub LocalSet(4) LocalGet(1) LocalGet(7) I32Sub LocalSet(2) LocalGet(7) I32Const(1) I32Shl ' +
      'LocalGet(9) I32Const(31) I32ShrU I32Or LocalSet(7) LocalGet(8) I32Const(1) I32Shl LocalSet(8) LocalGet(3) ' +
      'I32Const(-1) I32Add LocalTee(4) BrIfNez(-58) Br(240) I32Const(0) LocalGet(7) I32Sub LocalTee(4) I32Eqz ' +
      'LocalGet(6) I32Const(-1) I32Xor I32Add LocalSet(6) I32Const(64) LocalSet(1) I32Const(0) LocalSet(2) LocalGet(2) ' +
      'I32Const(1) I32Shl LocalGet(8) I32Const(31) I32ShrU I32Or LocalSet(5) LocalGet(4) I32Const(1) I32Shl ' +
      'LocalGet(3) I32Const(31) I32ShrU I32Or LocalTee(5) LocalGet(7) I32GtU BrIfNez(12) LocalGet(4) LocalGet(7) ' +
      'I32Ne BrIfNez(5) LocalGet(5) LocalGet(4) I32GeU BrIfNez(4) LocalGet(5) LocalSet(2) Br(13) LocalGet(4) ' +
      'LocalGet(7) I32Sub LocalGet(6) LocalGet(5) I32LtU I32Sub LocalSet(4) LocalGet(5) LocalGet(4) I32Sub ' +
      'LocalSet(2) LocalGet(7) I32Const(1) I32Shl LocalGet(9) I32Const(31) I32ShrU I32Or LocalSet(7) LocalGet(8) ' +
      'I32Const(1) I32Shl LocalSet(8) LocalGet(1) I32Const(-1) I32Add LocalTee(2) BrIfNez(-58) Br(166) I32Const(0) ' +
      'LocalSet(4) I32Const(0) LocalGet(9) I32Sub LocalTee(3) I32Eqz LocalGet(8) I32Const(-1) I32Xor I32Add ' +
      'LocalSet(8) LocalGet(5) I32Const(0) I32LtS BrIfNez(67) I32Const(0) LocalSet(4) I32Const(64) LocalSet(3) I32Const(0) ' +
      'LocalSet(7) LocalGet(7) I32Const(1) I32Shl LocalGet(9) I32Const(31) I32ShrU I32Or LocalSet(1) LocalGet(4) ' +
      'I32Const(1) I32Shl LocalGet(8) I32Const(31) I32ShrU I32Or LocalTee(5) LocalGet(6) I32GtU BrIfNez(12) ' +
      'LocalGet(4) LocalGet(6) I32Ne BrIfNez(5) LocalGet(1) LocalGet(7) I32GeU BrIfNez(4) LocalGet(1) LocalSet(7) ' +
      'Br(13) LocalGet(4) LocalGet(6) I32Sub LocalGet(2) LocalGet(8) I32LtU I32Sub LocalSet(4) LocalGet(1) ' +
      'LocalGet(7) I32Sub LocalSet(7) LocalGet(8) I32Const(1) I32Shl LocalGet(3) I32Const(31) I32ShrU I32Or ' +
      'LocalSet(8) LocalGet(2) I32Const(1) I32Shl LocalSet(2) LocalGet(3) I32Const(-1) I32Add LocalTee(4) BrIfNez(-58) ' +
      'Br(74) I32Const(0) LocalGet(7) I32Sub LocalTee(4) I32Eqz LocalGet(6) I32Const(-1) I32Xor I32Add ' +
      'LocalSet(6) I32Const(64) LocalSet(1) I32Const(0) LocalSet(7) LocalGet(7) I32Const(1) I32Shl LocalGet(9) I32Const(31) ' +
      'I32ShrU I32Or LocalSet(5) LocalGet(4) I32Const(1) I32Shl LocalGet(8) I32Const(31) I32ShrU I32Or ' +
      'LocalTee(5) LocalGet(7) I32GtU BrIfNez(12) LocalGet(4) LocalGet(7) I32Ne BrIfNez(5) LocalGet(5) LocalGet(4) ' +
      'I32GeU BrIfNez(4) LocalGet(5) LocalSet(7) Br(13) LocalGet(4) LocalGet(7) I32Sub LocalGet(6) LocalGet(5) ' +
      'I32LtU I32Sub LocalSet(4) LocalGet(5) LocalGet(4) I32Sub LocalSet(7) LocalGet(8) I32Const(1) I32Shl ' +
      'LocalGet(3) I32Const(31) I32ShrU I32Or LocalSet(8) LocalGet(2) I32Const(1) I32Shl LocalSet(2) LocalGet(1) ' +
      'I32Const(-1) I32Add LocalTee(2) BrIfNez(-58) I32Const(0) LocalGet(8) I32Sub LocalTee(3) I32Eqz LocalGet(5) ' +
      'I32Const(-1) I32Xor I32Add LocalSet(4) LocalGet(4) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) ' +
      'I32And LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) ' +
      'I32Const(32) I32Sub I32Shl LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl ' +
      'LocalSet(4) LocalGet(3) LocalGet(3) I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And ' +
      'I32Sub I32ShrU LocalGet(4) I32Or LocalSet(3) Drop Drop LocalGet(4) I32Const(0) LocalGet(3) ' +
      'I32Or LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(8) LocalSet(8) Drop Drop Drop ' +
      'Drop Drop Drop',
  },
  remU: {
    maxStackHeight: 20,
    code:
      'I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) I32Const(0) LocalGet(7) BrIfNez(144) LocalGet(8) BrIfNez(2) ' +
      'Trap(4) LocalGet(8) I32Const(0) I32LtS BrIfNez(137) I32Const(64) LocalSet(6) I32Const(0) LocalSet(5) LocalGet(6) ' +
      'I32Const(32) I32GtU LocalSet(7) LocalGet(6) I32Const(-1) I32Add LocalSet(4) I32Const(0) LocalGet(10) LocalGet(8) ' +
      'I32Const(-2) I32Add LocalTee(9) I32ShrU I32Const(1) I32And LocalGet(6) I32Const(32) I32GtU Select ' +
      'I32Const(0) LocalGet(11) LocalGet(7) I32ShrU I32Const(1) I32And LocalGet(10) Select LocalGet(7) I32Const(1) ' +
      'I32Shl I32Or LocalTee(7) I32Const(0) LocalGet(11) LocalGet(9) LocalGet(13) I32LtU Select I32Sub ' +
      'I32Const(1) I32Shl I32Or LocalTee(6) I32Const(0) LocalGet(10) LocalGet(8) LocalGet(12) I32LtU Select ' +
      'I32Sub LocalSet(5) LocalGet(4) I32Const(1) I32Ne BrIfNez(-56) I32Const(95) LocalSet(6) I32Const(0) LocalSet(4) ' +
      'LocalGet(5) LocalGet(7) I32Const(-1) I32Add I32Const(30) I32And I32ShrU LocalGet(11) LocalGet(8) I32Const(-33) ' +
      'I32Add LocalTee(12) I32ShrU LocalGet(8) I32Const(-32) I32Add LocalTee(10) I32Const(32) I32GtU Select ' +
      'I32Const(1) I32And LocalGet(6) LocalGet(8) I32ShrU LocalGet(12) LocalGet(10) I32ShrU LocalGet(9) I32Const(-31) ' +
      'I32Add I32Const(32) I32GtU Select I32Const(1) I32And LocalGet(6) I32Const(1) I32Shl I32Or ' +
      'LocalTee(6) I32Const(0) LocalGet(11) LocalGet(8) LocalGet(13) I32LtU Select I32Sub I32Const(1) I32Shl ' +
      'I32Or LocalTee(5) I32Const(0) LocalGet(10) LocalGet(7) LocalGet(12) I32LtU Select I32Sub LocalSet(4) ' +
      'LocalGet(6) I32Const(-2) I32Add LocalSet(6) LocalGet(9) BrIfNez(-65) I32Const(0) I32Const(0) LocalSet(3) LocalSet(3) ' +
      'Br(182) I32Const(0) LocalSet(6) I32Const(64) LocalSet(1) I32Const(0) LocalSet(4) LocalGet(4) I32Const(1) I32Shl ' +
      'LocalGet(10) I32Const(31) I32ShrU I32Or LocalSet(5) LocalGet(6) I32Const(1) I32Shl LocalGet(5) I32Const(31) ' +
      'I32ShrU I32Or LocalTee(7) LocalGet(8) I32GtU BrIfNez(12) LocalGet(6) LocalGet(8) I32Ne BrIfNez(5) ' +
      'LocalGet(5) LocalGet(9) I32GeU BrIfNez(4) LocalGet(5) LocalSet(4) Br(13) LocalGet(6) LocalGet(8) I32Sub ' +
      'LocalGet(6) LocalGet(10) I32LtU I32Sub LocalSet(6) LocalGet(5) LocalGet(9) I32Sub LocalSet(4) LocalGet(9) ' +
      'I32Const(1) I32Shl LocalGet(11) I32Const(31) I32ShrU I32Or LocalSet(9) LocalGet(10) I32Const(1) I32Shl ' +
      'LocalSet(10) LocalGet(1) I32Const(-1) I32Add LocalTee(2) BrIfNez(-58) LocalGet(6) I32Const(0) I32Const(32) I32Const(0) ' +
      'I32Const(0) I32Const(0) LocalGet(4) I32Const(63) I32And LocalTee(3) BrIfNez(4) LocalGet(6) LocalSet(1) Br(44) ' +
      'LocalGet(2) I32Const(32) I32Eq BrIfNez(36) LocalGet(2) I32Const(-1) I32Add I32Const(31) I32LtU BrIfNez(10) ' +
      'I32Const(0) LocalSet(1) LocalGet(2) I32Const(32) I32GtU BrIfNez(19) I32Const(0) LocalSet(5) Br(25) LocalGet(5) ' +
      'LocalGet(5) I32Shl LocalGet(7) I32Const(0) LocalGet(7) I32Sub I32ShrU I32Or LocalSet(5) LocalGet(6) ' +
      'LocalGet(5) I32Shl LocalSet(1) Br(10) LocalGet(6) LocalGet(5) I32Shl LocalSet(5) Br(5) I32Const(0) ' +
      'LocalSet(1) LocalGet(6) LocalSet(5) LocalGet(5) I32Const(0) I32Const(32) I32Const(0) LocalGet(2) I32Const(63) I32And ' +
      'LocalSet(2) LocalGet(2) BrIfEqz(32) LocalGet(2) I32Const(31) I32GtU BrIfEqz(10) LocalGet(4) LocalGet(3) I32Const(32) ' +
      'I32Sub I32Shl LocalSet(3) I32Const(0) LocalSet(4) Br(19) LocalGet(4) LocalGet(3) I32Shl LocalSet(4) ' +
      'LocalGet(3) LocalGet(3) I32Shl LocalSet(3) LocalGet(4) I32Const(32) LocalGet(4) I32Const(31) I32And I32Sub ' +
      'I32ShrU LocalGet(4) I32Or LocalSet(3) Drop Drop LocalGet(3) I32Const(0) LocalGet(3) I32Or ' +
      'LocalSet(2) LocalGet(3) I32Or LocalSet(2) LocalSet(6) LocalSet(6) Drop Drop Drop Drop ' +
      'LocalSet(3) LocalSet(3) LocalGet(3) LocalGet(3) LocalGet(6) I32Const(0) LocalGet(3) I32Or LocalSet(2) LocalGet(3) ' +
      'I32Or LocalSet(2) LocalSet(10) LocalSet(10) Drop Drop Drop Drop Drop Drop ' +
      'Drop Drop',
  },
} as const satisfies Record<string, I64Sequence>;

export type I64SequenceName = keyof typeof I64_SEQUENCES;

/** A fixed instruction sequence as parallel raw arrays (wire code, immediate bits). */
export interface RawSequence {
  readonly codes: readonly Opcode[];
  readonly bits: readonly number[];
  readonly maxStackHeight: number;
}

const CODE_BY_NAME = new Map<string, Opcode>(OPCODE_TABLE.map(([name, code]) => [name, code]));

function parse(text: string, maxStackHeight: number): RawSequence {
  const codes: Opcode[] = [];
  const bits: number[] = [];
  for (const token of text.trim().split(/\s+/)) {
    // `Name` or `Name(<integer>)`
    const open = token.indexOf('(');
    const name = open < 0 ? token : token.slice(0, open);
    const argument = open < 0 ? '' : token.slice(open + 1, -1);
    const code = CODE_BY_NAME.get(name);
    if (code === undefined || (open >= 0 && (!token.endsWith(')') || !/^-?\d+$/.test(argument)))) {
      throw new RwasmError('InvalidArgument', `bad sequence token ${token}`);
    }
    codes.push(code);
    bits.push(open < 0 ? 0 : Number(argument) >>> 0);
  }
  return { codes, bits, maxStackHeight };
}

const parsed = new Map<I64SequenceName, RawSequence>();

export function i64Sequence(name: I64SequenceName): RawSequence {
  let sequence = parsed.get(name);
  if (!sequence) {
    const definition = I64_SEQUENCES[name];
    sequence = parse(definition.code, definition.maxStackHeight);
    parsed.set(name, sequence);
  }
  return sequence;
}
