/**
 * Script values as the engine's words, and results compared with what a script expects, as the
 * spec says: floats by bits, NaN patterns by the spec's bit patterns, `either` as any option.
 */
import type { WastExpected, WastLane, WastValue, V128Shape } from './wast/index.js';

const LANE_BITS: Record<V128Shape, number> = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64, f32x4: 32, f64x2: 64 };

/** A reference as a word: null is 0; the harness passes externref (and host reference) N as N + 1. */
function referenceWord(ref: number | null): number {
  return ref === null ? 0 : (ref + 1) >>> 0;
}

/** The words of an argument, lowest first. */
export function wordsOfValue(value: WastValue): number[] {
  switch (value.type) {
    case 'i32':
      return [value.value >>> 0];
    case 'f32':
      return [value.bits >>> 0];
    case 'i64':
      return [Number(value.value & 0xffffffffn), Number((value.value >> 32n) & 0xffffffffn)];
    case 'f64':
      return [Number(value.bits & 0xffffffffn), Number((value.bits >> 32n) & 0xffffffffn)];
    case 'v128':
      return [0n, 32n, 64n, 96n].map((shift) => Number((value.bits >> shift) & 0xffffffffn));
    default:
      return [referenceWord(value.ref)];
  }
}

function floatNanMatches(bits: bigint, width: 32 | 64, nan: 'canonical' | 'arithmetic'): boolean {
  const magnitude = bits & (width === 32 ? 0x7fffffffn : 0x7fffffffffffffffn);
  const quietNan = width === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
  return nan === 'canonical' ? magnitude === quietNan : (magnitude & quietNan) === quietNan;
}

function laneMatches(bits: bigint, laneBits: number, expected: WastLane): boolean {
  if (typeof expected === 'bigint') return bits === expected;
  return floatNanMatches(bits, laneBits === 32 ? 32 : 64, expected === 'nan:canonical' ? 'canonical' : 'arithmetic');
}

/** Whether a result (its words joined, lowest first) is what `expected` allows. */
export function matches(actual: bigint, expected: WastExpected): boolean {
  switch (expected.type) {
    case 'either':
      return expected.options.some((option) => matches(actual, option));
    case 'i32':
      return actual === BigInt(expected.value >>> 0);
    case 'i64':
      return actual === BigInt.asUintN(64, expected.value);
    case 'f32':
      return 'nan' in expected ? floatNanMatches(actual, 32, expected.nan) : actual === BigInt(expected.bits >>> 0);
    case 'f64':
      return 'nan' in expected ? floatNanMatches(actual, 64, expected.nan) : actual === expected.bits;
    case 'v128': {
      if ('bits' in expected) return actual === expected.bits;
      const laneBits = LANE_BITS[expected.shape];
      const mask = (1n << BigInt(laneBits)) - 1n;
      return expected.lanes.every((lane, index) => laneMatches((actual >> BigInt(index * laneBits)) & mask, laneBits, lane));
    }
    case 'funcref':
    case 'externref':
    case 'ref':
      if (expected.ref === 'any') return actual !== 0n;
      if (expected.ref === null) return actual === 0n;
      return actual === BigInt(expected.ref + 1);
  }
}

export function compareResults(actual: bigint[], expected: WastExpected[]): string | undefined {
  if (actual.length !== expected.length) return `expected ${expected.length} results, got ${actual.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (!matches(actual[i]!, expected[i]!)) {
      return `result ${i}: expected ${JSON.stringify(expected[i], (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}, got 0x${actual[i]!.toString(16)}`;
    }
  }
  return undefined;
}
