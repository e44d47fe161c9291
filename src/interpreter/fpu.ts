/**
 * The FPU opcodes that work on the value stack alone (codes 1004–1069), on 32-bit words:
 * f32 = one word of IEEE bits; f64 = two words, low word deeper. Loads and stores live in the
 * main dispatch loop because they need memory.
 *
 * Bit-exact where the reference is bit-exact (neg, abs, copysign, min/max returning a NaN
 * operand unchanged); arithmetic NaN payloads are whatever the host produces, as in the
 * reference, which compares NaNs loosely.
 */
import { TrapCode } from '../format/trap-codes.js';

/** Returned instead of a stack pointer when the operation traps; see `fpuTrapCode`. */
export const FPU_TRAPPED = Number.MIN_SAFE_INTEGER;
export let fpuTrapCode: TrapCode = TrapCode.UnreachableCodeReached;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;
const f64Cell = new Float64Array(1);
const f64Words = new Int32Array(f64Cell.buffer);
const f32Cell = new Float32Array(1);
const f32Word = new Int32Array(f32Cell.buffer);

export function f32FromBits(bits: number): number {
  f32Word[0] = bits;
  return f32Cell[0]!;
}

export function f32ToBits(value: number): number {
  f32Cell[0] = value;
  return f32Word[0]!;
}

export function f64FromWords(lo: number, hi: number): number {
  f64Words[LO] = lo;
  f64Words[HI] = hi;
  return f64Cell[0]!;
}

function pushF64(stack: Int32Array, sp: number, value: number): number {
  f64Cell[0] = value;
  stack[sp] = f64Words[LO]!;
  stack[sp + 1] = f64Words[HI]!;
  return sp + 2;
}

function pushI64(stack: Int32Array, sp: number, value: bigint): number {
  stack[sp] = Number(BigInt.asIntN(32, value));
  stack[sp + 1] = Number(BigInt.asIntN(32, value >> 32n));
  return sp + 2;
}

function i64At(stack: Int32Array, sp: number, signed: boolean): bigint {
  const raw = (BigInt(stack[sp + 1]! >>> 0) << 32n) | BigInt(stack[sp]! >>> 0);
  return signed ? BigInt.asIntN(64, raw) : raw;
}

function trap(code: TrapCode): number {
  fpuTrapCode = code;
  return FPU_TRAPPED;
}

/** Round half to even, keeping the sign of zero (Wasm `nearest`). */
export function nearest(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  let r = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  if (r === 0) r = x < 0 ? -0 : 0;
  return r;
}

/**
 * Wasm min/max keep a single NaN operand unchanged (as bits), so the choice is made before any
 * float is produced: 0 = take a, 1 = take b, 2 = both or neither are NaN.
 */
function nanOperand(a: number, b: number): 0 | 1 | 2 {
  const aNaN = a !== a;
  const bNaN = b !== b;
  if (aNaN !== bNaN) return aNaN ? 0 : 1;
  return 2;
}

function wasmMin(a: number, b: number): number {
  if (a === 0 && b === 0) return Object.is(a, -0) || Object.is(b, -0) ? -0 : 0;
  return a < b ? a : b;
}

function wasmMax(a: number, b: number): number {
  if (a === 0 && b === 0) return Object.is(a, 0) || Object.is(b, 0) ? 0 : -0;
  return a > b ? a : b;
}

/**
 * Converts a 64-bit integer to the nearest f32 with one rounding step. Going through a double
 * first would round twice; rounding to odd at 53 bits first makes the second rounding exact.
 */
function i64ToF32(value: bigint): number {
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  if (magnitude >= 1n << 53n) {
    const excess = BigInt(magnitude.toString(2).length - 53);
    const sticky = magnitude & ((1n << excess) - 1n) ? 1n : 0n;
    magnitude = ((magnitude >> excess) | sticky) << excess;
  }
  const rounded = Math.fround(Number(magnitude));
  return negative ? -rounded : rounded;
}

/** Non-saturating truncation bounds (exclusive), per the reference's TryTruncateInto. */
const TRUNC_BOUNDS: ReadonlyArray<readonly [number, number]> = [
  [-2147483904.0, 2147483648.0], // I32TruncF32S
  [-1.0, 4294967296.0], // I32TruncF32U
  [-2147483649.0, 2147483648.0], // I32TruncF64S
  [-1.0, 4294967296.0], // I32TruncF64U
  [-9223373136366403584.0, 9223372036854775808.0], // I64TruncF32S
  [-1.0, 18446744073709551616.0], // I64TruncF32U
  [-9223372036854777856.0, 9223372036854775808.0], // I64TruncF64S
  [-1.0, 18446744073709551616.0], // I64TruncF64U
];

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

function saturate(x: number, min: number, max: number): number {
  if (x !== x) return 0;
  if (x <= min) return min;
  if (x >= max) return max;
  return Math.trunc(x);
}

function saturate64(x: number, min: bigint, max: bigint): bigint {
  if (x !== x) return 0n;
  if (x === Infinity) return max;
  if (x === -Infinity) return min;
  const t = BigInt(Math.trunc(x));
  return t < min ? min : t > max ? max : t;
}

/**
 * Executes FPU opcode `n` (its code minus 1000, n ≥ 4) on the stack whose next free slot is
 * `sp`. Returns the new `sp`, or FPU_TRAPPED with `fpuTrapCode` set.
 */
export function executeFpu(n: number, stack: Int32Array, sp: number): number {
  // f32 comparisons and binary ops: rhs = pop, top = f(top, rhs)
  if (n >= 4 && n <= 9) {
    const b = f32FromBits(stack[sp - 1]!);
    const a = f32FromBits(stack[sp - 2]!);
    let r: boolean;
    switch (n) {
      case 4: r = a === b; break;
      case 5: r = a !== b; break;
      case 6: r = a < b; break;
      case 7: r = a > b; break;
      case 8: r = a <= b; break;
      default: r = a >= b; break;
    }
    stack[sp - 2] = r ? 1 : 0;
    return sp - 1;
  }
  if (n >= 10 && n <= 15) {
    const b = f64FromWords(stack[sp - 2]!, stack[sp - 1]!);
    const a = f64FromWords(stack[sp - 4]!, stack[sp - 3]!);
    let r: boolean;
    switch (n) {
      case 10: r = a === b; break;
      case 11: r = a !== b; break;
      case 12: r = a < b; break;
      case 13: r = a > b; break;
      case 14: r = a <= b; break;
      default: r = a >= b; break;
    }
    stack[sp - 4] = r ? 1 : 0;
    return sp - 3;
  }
  switch (n) {
    // f32 unary (bit ops never go through a float)
    case 16: stack[sp - 1] = stack[sp - 1]! & 0x7fffffff; return sp;
    case 17: stack[sp - 1] = stack[sp - 1]! ^ 0x80000000; return sp;
    case 18: stack[sp - 1] = f32ToBits(Math.ceil(f32FromBits(stack[sp - 1]!))); return sp;
    case 19: stack[sp - 1] = f32ToBits(Math.floor(f32FromBits(stack[sp - 1]!))); return sp;
    case 20: stack[sp - 1] = f32ToBits(Math.trunc(f32FromBits(stack[sp - 1]!))); return sp;
    case 21: stack[sp - 1] = f32ToBits(nearest(f32FromBits(stack[sp - 1]!))); return sp;
    case 22: stack[sp - 1] = f32ToBits(Math.sqrt(f32FromBits(stack[sp - 1]!))); return sp;
    // f32 binary
    case 23: case 24: case 25: case 26: case 27: case 28: {
      const bBits = stack[sp - 1]!;
      const aBits = stack[sp - 2]!;
      const b = f32FromBits(bBits);
      const a = f32FromBits(aBits);
      let bits: number;
      if (n === 27 || n === 28) {
        const pick = nanOperand(a, b);
        bits = pick === 0 ? aBits : pick === 1 ? bBits : a !== a && b !== b ? bothNaN32(aBits, bBits, n === 27) : f32ToBits(n === 27 ? wasmMin(a, b) : wasmMax(a, b));
      } else {
        bits = f32ToBits(n === 23 ? a + b : n === 24 ? a - b : n === 25 ? a * b : a / b);
      }
      stack[sp - 2] = bits;
      return sp - 1;
    }
    case 29: {
      const sign = stack[sp - 1]! & 0x80000000;
      stack[sp - 2] = (stack[sp - 2]! & 0x7fffffff) | sign;
      return sp - 1;
    }
    // f64 unary
    case 30: stack[sp - 1] = stack[sp - 1]! & 0x7fffffff; return sp;
    case 31: stack[sp - 1] = stack[sp - 1]! ^ 0x80000000; return sp;
    case 32: case 33: case 34: case 35: case 36: {
      const x = f64FromWords(stack[sp - 2]!, stack[sp - 1]!);
      if (x !== x) {
        // The host's rounding instructions quiet a signalling NaN; JS's Math.floor & co.
        // hand the same NaN back, so quiet it here (sqrt already goes through the hardware).
        stack[sp - 1] = stack[sp - 1]! | 0x00080000;
        return sp;
      }
      const r = n === 32 ? Math.ceil(x) : n === 33 ? Math.floor(x) : n === 34 ? Math.trunc(x) : n === 35 ? nearest(x) : Math.sqrt(x);
      return pushF64(stack, sp - 2, r);
    }
    // f64 binary
    case 37: case 38: case 39: case 40: case 41: case 42: {
      const b = f64FromWords(stack[sp - 2]!, stack[sp - 1]!);
      const a = f64FromWords(stack[sp - 4]!, stack[sp - 3]!);
      if (n === 41 || n === 42) {
        const pick = nanOperand(a, b);
        if (pick === 0) return sp - 2;
        const takeB = pick === 1 || (a !== a && b !== b && bothNaNTakesRhs(stack[sp - 1]!, n === 41));
        if (takeB) {
          stack[sp - 4] = stack[sp - 2]!;
          stack[sp - 3] = stack[sp - 1]!;
          return sp - 2;
        }
        if (a !== a) return sp - 2;
        return pushF64(stack, sp - 4, n === 41 ? wasmMin(a, b) : wasmMax(a, b));
      }
      return pushF64(stack, sp - 4, n === 37 ? a + b : n === 38 ? a - b : n === 39 ? a * b : a / b);
    }
    case 43: {
      const sign = stack[sp - 1]! & 0x80000000;
      stack[sp - 3] = (stack[sp - 3]! & 0x7fffffff) | sign;
      return sp - 2;
    }
    // non-saturating truncations
    case 44: case 45: case 46: case 47: case 48: case 49: case 50: case 51: {
      const fromF64 = n === 46 || n === 47 || n === 50 || n === 51;
      const x = fromF64 ? f64FromWords(stack[sp - 2]!, stack[sp - 1]!) : f32FromBits(stack[sp - 1]!);
      const base = fromF64 ? sp - 2 : sp - 1;
      if (x !== x) return trap(TrapCode.BadConversionToInteger);
      const [lo, hi] = TRUNC_BOUNDS[n - 44]!;
      if (x <= lo || x >= hi) return trap(TrapCode.IntegerOverflow);
      const t = Math.trunc(x);
      if (n <= 47) {
        stack[base] = t | 0;
        return base + 1;
      }
      return pushI64(stack, base, BigInt(t));
    }
    // conversions
    case 52: stack[sp - 1] = f32ToBits(stack[sp - 1]!); return sp;
    case 53: stack[sp - 1] = f32ToBits(stack[sp - 1]! >>> 0); return sp;
    case 54: stack[sp - 2] = f32ToBits(i64ToF32(i64At(stack, sp - 2, true))); return sp - 1;
    case 55: stack[sp - 2] = f32ToBits(i64ToF32(i64At(stack, sp - 2, false))); return sp - 1;
    case 56: {
      const x = f64FromWords(stack[sp - 2]!, stack[sp - 1]!);
      stack[sp - 2] = f32ToBits(x);
      return sp - 1;
    }
    case 57: return pushF64(stack, sp - 1, stack[sp - 1]!);
    case 58: return pushF64(stack, sp - 1, stack[sp - 1]! >>> 0);
    case 59: return pushF64(stack, sp - 2, Number(i64At(stack, sp - 2, true)));
    case 60: return pushF64(stack, sp - 2, Number(i64At(stack, sp - 2, false)));
    case 61: return pushF64(stack, sp - 1, f32FromBits(stack[sp - 1]!));
    // saturating truncations
    case 62: stack[sp - 1] = saturate(f32FromBits(stack[sp - 1]!), -2147483648, 2147483647); return sp;
    case 63: stack[sp - 1] = saturate(f32FromBits(stack[sp - 1]!), 0, 4294967295) | 0; return sp;
    case 64: stack[sp - 2] = saturate(f64FromWords(stack[sp - 2]!, stack[sp - 1]!), -2147483648, 2147483647); return sp - 1;
    case 65: stack[sp - 2] = saturate(f64FromWords(stack[sp - 2]!, stack[sp - 1]!), 0, 4294967295) | 0; return sp - 1;
    case 66: return pushI64(stack, sp - 1, saturate64(f32FromBits(stack[sp - 1]!), I64_MIN, I64_MAX));
    case 67: return pushI64(stack, sp - 1, saturate64(f32FromBits(stack[sp - 1]!), 0n, U64_MAX));
    case 68: return pushI64(stack, sp - 2, saturate64(f64FromWords(stack[sp - 2]!, stack[sp - 1]!), I64_MIN, I64_MAX));
    case 69: return pushI64(stack, sp - 2, saturate64(f64FromWords(stack[sp - 2]!, stack[sp - 1]!), 0n, U64_MAX));
  }
  return trap(TrapCode.IllegalOpcode);
}

// Both operands NaN: the reference returns the lhs when the rhs carries the "preferred" sign
// (negative for min, positive for max), else the rhs.
function bothNaNTakesRhs(rhsHighWord: number, isMin: boolean): boolean {
  const rhsNegative = rhsHighWord < 0;
  return isMin ? !rhsNegative : rhsNegative;
}

function bothNaN32(aBits: number, bBits: number, isMin: boolean): number {
  return bothNaNTakesRhs(bBits, isMin) ? bBits : aBits;
}
