/**
 * An independent check of float conversion, used by the tests: instead of constructing the
 * rounded value it verifies one. A literal is read (by a deliberately simple regex reader) as an
 * exact rational v; a result r is correctly rounded iff v lies within the rounding interval of r
 * — between the midpoints to its neighbours — and, when v sits exactly on a midpoint, r is even.
 */

export interface Format {
  readonly name: 'f32' | 'f64';
  readonly m: number; // stored significand bits
  readonly ebits: number;
}
export const F32: Format = { name: 'f32', m: 23, ebits: 8 };
export const F64: Format = { name: 'f64', m: 52, ebits: 11 };

export interface Exact {
  readonly negative: boolean;
  /** |value| = num / den, den > 0. */
  readonly num: bigint;
  readonly den: bigint;
}

/** Reads a finite decimal or hex float literal exactly; `null` for inf/nan or unreadable text. */
export function exactLiteral(text: string): Exact | null {
  const t = text.replace(/_/g, '');
  let m = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (m) {
    const frac = m[3] ?? '';
    const e = Number(m[4] ?? '0') - frac.length;
    if (Math.abs(e) > 5000) return null;
    const mant = BigInt(m[2]! + frac);
    return e >= 0
      ? { negative: m[1] === '-', num: mant * 10n ** BigInt(e), den: 1n }
      : { negative: m[1] === '-', num: mant, den: 10n ** BigInt(-e) };
  }
  m = /^([+-]?)0x([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(t);
  if (m) {
    const frac = m[3] ?? '';
    const e = Number(m[4] ?? '0') - 4 * frac.length;
    if (Math.abs(e) > 20000) return null;
    const mant = BigInt(`0x${m[2]!}${frac}`);
    return e >= 0
      ? { negative: m[1] === '-', num: mant << BigInt(e), den: 1n }
      : { negative: m[1] === '-', num: mant, den: 1n << BigInt(-e) };
  }
  return null;
}

/** |value| of a non-NaN, non-infinite magnitude bit pattern, as an integer over 2^scale(fmt). */
function scaled(mag: bigint, fmt: Format): bigint {
  const m = BigInt(fmt.m);
  const field = mag >> m;
  const frac = mag & ((1n << m) - 1n);
  const significand = field === 0n ? frac : frac | (1n << m);
  const e = field === 0n ? 1n : field; // unit: 2^(1 - bias - m)
  return significand << (e - 1n);
}

/**
 * Returns null if `bits` is the correctly rounded (ties-to-even, overflow to ∞) value of the
 * exact literal, else a description of what is wrong.
 */
export function checkRounding(v: Exact, bits: bigint, fmt: Format): string | null {
  const width = BigInt(fmt.m + fmt.ebits);
  const signBit = 1n << width;
  const infMag = ((1n << BigInt(fmt.ebits)) - 1n) << BigInt(fmt.m);
  if (((bits & signBit) !== 0n) !== v.negative) return 'wrong sign';
  const mag = bits & (signBit - 1n);
  if (mag > infMag) return 'NaN result for a finite literal';
  if (v.num === 0n) return mag === 0n ? null : 'non-zero result for zero';
  // Compare in units of 2^(1 - bias - m - 1): midpoints are integers there.
  const unitShift = BigInt((1 << (fmt.ebits - 1)) - 1 + fmt.m); // bias - 1 + m + 1
  // v in those units is num·2^unitShift / den; compare x (integer in units) against it.
  const cmp = (x: bigint): number => {
    const lhs = x * v.den;
    const rhs = v.num << unitShift;
    return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
  };
  const maxMag = infMag - 1n;
  if (mag === infMag) {
    const max2 = scaled(maxMag, fmt) * 2n;
    const ulp2 = max2 - scaled(maxMag - 1n, fmt) * 2n;
    const threshold = max2 + ulp2 / 2n;
    return cmp(threshold) <= 0 ? null : 'overflowed to infinity below the threshold';
  }
  const r = scaled(mag, fmt) * 2n;
  const prev = mag === 0n ? -scaled(1n, fmt) * 2n : scaled(mag - 1n, fmt) * 2n;
  const next = mag === maxMag ? r + (r - scaled(mag - 1n, fmt) * 2n) : scaled(mag + 1n, fmt) * 2n;
  const lo = (prev + r) / 2n;
  const hi = (r + next) / 2n;
  const cLo = cmp(lo);
  const cHi = cmp(hi);
  if (cLo > 0) return 'value below the rounding interval';
  if (cHi < 0) return 'value above the rounding interval';
  if ((cLo === 0 || cHi === 0) && (mag & 1n) !== 0n) return 'tie not rounded to even';
  return null;
}

/** The exact decimal expansion of a dyadic rational n / 2^k (k ≥ 0). */
export function dyadicToDecimal(n: bigint, k: number): string {
  if (k === 0) return n.toString();
  const digits = (n * 5n ** BigInt(k)).toString().padStart(k + 1, '0');
  return `${digits.slice(0, -k)}.${digits.slice(-k)}`;
}

/** Bits of a JS number as f64 / f32. */
export function f64Bits(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}
export function f32Bits(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return view.getUint32(0);
}
export function f32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits);
  return view.getFloat32(0);
}
export function f64FromBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}
