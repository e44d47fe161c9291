/**
 * Native i64 arithmetic on 32-bit word pairs, for the reference compiler's i64 snippet
 * functions: a call to a recognised snippet runs as one of these instead of its ~10–50 rWasm
 * instructions (see snippets.ts). Each takes the operands a = [a_lo, a_hi], b = [b_lo, b_hi]
 * and gives what the snippet leaves: [r_lo, r_hi], or [r] for comparisons.
 */
import { TrapCode } from '../format/trap-codes.js';

export const enum I64Kind {
  Add,
  Sub,
  Mul,
  Shl,
  ShrS,
  ShrU,
  Rotl,
  Rotr,
  Eq,
  Ne,
  LtS,
  LtU,
  GtS,
  GtU,
  LeS,
  LeU,
  GeS,
  GeU,
  DivS,
  DivU,
  RemS,
  RemU,
}

/** Which snippet (by the compiler's sequence name) each native operation stands for. */
export const I64_KIND_BY_SNIPPET = {
  add: I64Kind.Add,
  sub: I64Kind.Sub,
  mul: I64Kind.Mul,
  shl: I64Kind.Shl,
  shrS: I64Kind.ShrS,
  shrU: I64Kind.ShrU,
  rotl: I64Kind.Rotl,
  rotr: I64Kind.Rotr,
  eq: I64Kind.Eq,
  ne: I64Kind.Ne,
  ltS: I64Kind.LtS,
  ltU: I64Kind.LtU,
  gtS: I64Kind.GtS,
  gtU: I64Kind.GtU,
  leS: I64Kind.LeS,
  leU: I64Kind.LeU,
  geS: I64Kind.GeS,
  geU: I64Kind.GeU,
  divS: I64Kind.DivS,
  divU: I64Kind.DivU,
  remS: I64Kind.RemS,
  remU: I64Kind.RemU,
} as const;

/** High word of the unsigned 64-bit product of two u32s (a double would lose the low bits). */
export function mulHigh(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = ((aL * bL) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

const U32 = 0x1_0000_0000n;
const toBig = (lo: number, hi: number) => (BigInt(hi) << 32n) | BigInt(lo >>> 0);

/**
 * The trap the operation raises (division by zero, signed overflow), or -1. Only divisions
 * trap; `i64::MIN % -1` is 0, as in Wasm.
 */
export function i64Trap(kind: I64Kind, aLo: number, aHi: number, bLo: number, bHi: number): number {
  if (kind < I64Kind.DivS) return -1;
  if ((bLo | bHi) === 0) return TrapCode.IntegerDivisionByZero;
  if (kind === I64Kind.DivS && bLo === -1 && bHi === -1 && aLo === 0 && aHi === -0x80000000) return TrapCode.IntegerOverflow;
  return -1;
}

/**
 * Runs `kind` on a = (aLo, aHi), b = (bLo, bHi) (division traps checked first) and writes the
 * result words at `out[at]` (and `out[at + 1]`).
 */
export function i64Operation(kind: I64Kind, aLo: number, aHi: number, bLo: number, bHi: number, out: Int32Array, at: number): void {
  let lo = 0;
  let hi = 0;
  switch (kind) {
    case I64Kind.Add: {
      const low = (aLo >>> 0) + (bLo >>> 0);
      lo = low | 0;
      hi = (aHi + bHi + (low > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case I64Kind.Sub:
      lo = (aLo - bLo) | 0;
      hi = (aHi - bHi - (aLo >>> 0 < bLo >>> 0 ? 1 : 0)) | 0;
      break;
    case I64Kind.Mul:
      lo = Math.imul(aLo, bLo);
      hi = (mulHigh(aLo >>> 0, bLo >>> 0) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
      break;
    case I64Kind.Shl:
    case I64Kind.ShrS:
    case I64Kind.ShrU:
    case I64Kind.Rotl:
    case I64Kind.Rotr: {
      let k = bLo & 63;
      let op = kind;
      if (op === I64Kind.Rotr) {
        op = I64Kind.Rotl;
        k = (64 - k) & 63;
      }
      if (k === 0) {
        lo = aLo;
        hi = aHi;
      } else if (op === I64Kind.Rotl) {
        if (k === 32) {
          lo = aHi;
          hi = aLo;
        } else if (k < 32) {
          hi = (aHi << k) | (aLo >>> (32 - k));
          lo = (aLo << k) | (aHi >>> (32 - k));
        } else {
          const j = k - 32;
          hi = (aLo << j) | (aHi >>> (32 - j));
          lo = (aHi << j) | (aLo >>> (32 - j));
        }
      } else if (op === I64Kind.Shl) {
        if (k < 32) {
          hi = (aHi << k) | (aLo >>> (32 - k));
          lo = aLo << k;
        } else {
          hi = aLo << (k - 32);
          lo = 0;
        }
      } else if (k < 32) {
        lo = (aLo >>> k) | (aHi << (32 - k));
        hi = op === I64Kind.ShrS ? aHi >> k : (aHi >>> k) | 0;
      } else {
        lo = op === I64Kind.ShrS ? aHi >> (k - 32) : (aHi >>> (k - 32)) | 0;
        hi = op === I64Kind.ShrS ? aHi >> 31 : 0;
      }
      break;
    }
    case I64Kind.DivS:
    case I64Kind.DivU:
    case I64Kind.RemS:
    case I64Kind.RemU: {
      const signed = kind === I64Kind.DivS || kind === I64Kind.RemS;
      const a = signed ? BigInt.asIntN(64, toBig(aLo, aHi)) : BigInt.asUintN(64, toBig(aLo, aHi));
      const b = signed ? BigInt.asIntN(64, toBig(bLo, bHi)) : BigInt.asUintN(64, toBig(bLo, bHi));
      const v = BigInt.asUintN(64, kind === I64Kind.DivS || kind === I64Kind.DivU ? a / b : a % b);
      lo = Number(v % U32) | 0;
      hi = Number(v / U32) | 0;
      break;
    }
    default:
      out[at] = compareI64(kind, aLo, aHi, bLo, bHi);
      return;
  }
  out[at] = lo;
  out[at + 1] = hi;
}

/** A comparison kind on a = (aLo, aHi), b = (bLo, bHi): 1 or 0. */
export function compareI64(kind: I64Kind, aLo: number, aHi: number, bLo: number, bHi: number): number {
  if (kind === I64Kind.Eq) return aLo === bLo && aHi === bHi ? 1 : 0;
  if (kind === I64Kind.Ne) return aLo !== bLo || aHi !== bHi ? 1 : 0;
  // -1, 0, 1: a below, equal to or above b. The high words decide (signed or not) unless equal.
  let order: number;
  if (aHi !== bHi) {
    const signed = kind === I64Kind.LtS || kind === I64Kind.GtS || kind === I64Kind.LeS || kind === I64Kind.GeS;
    order = (signed ? aHi < bHi : aHi >>> 0 < bHi >>> 0) ? -1 : 1;
  } else order = aLo === bLo ? 0 : aLo >>> 0 < bLo >>> 0 ? -1 : 1;
  switch (kind) {
    case I64Kind.LtS:
    case I64Kind.LtU:
      return order < 0 ? 1 : 0;
    case I64Kind.GtS:
    case I64Kind.GtU:
      return order > 0 ? 1 : 0;
    case I64Kind.LeS:
    case I64Kind.LeU:
      return order <= 0 ? 1 : 0;
    default:
      return order >= 0 ? 1 : 0;
  }
}
