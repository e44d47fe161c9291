/**
 * Float literals of the text format (spec §6.3.2), converted exactly to IEEE 754 bit patterns.
 *
 * The literal is read as an exact rational: `M · 10^E` (decimal) or `M · 2^E` (hex), with M the
 * integer formed by all its digits. That rational is rounded once, straight to the target
 * precision (24 bits for f32, 53 for f64), round-to-nearest ties-to-even, with BigInt
 * arithmetic — there is no intermediate JS double, so f32 results are never double-rounded.
 * Gradual underflow yields subnormals; a magnitude that rounds beyond the largest finite value
 * yields infinity (IEEE overflow under round-to-nearest).
 *
 * Grammar accepted (sign optional everywhere, `_` only between two digits):
 *   num ['.' [frac]] [('e'|'E') sign num]            decimal; at least one digit before '.'
 *   '0x' hexnum ['.' [hexfrac]] [('p'|'P') sign num]  hexadecimal, binary exponent in decimal
 *   'inf' | 'nan' | 'nan:0x' hexnum                  payload 1 ≤ n < 2^(significand bits)
 */
import { isDecDigit, scanDigits } from './numbers.js';

/** Layout of a binary interchange format. */
export interface FloatFormat {
  readonly name: 'f32' | 'f64';
  /** Stored significand bits (23 or 52). */
  readonly mantissaBits: number;
  /** Exponent field bits (8 or 11). */
  readonly exponentBits: number;
}

export const F32_FORMAT: FloatFormat = { name: 'f32', mantissaBits: 23, exponentBits: 8 };
export const F64_FORMAT: FloatFormat = { name: 'f64', mantissaBits: 52, exponentBits: 11 };

/** Canonical NaN bit patterns (quiet bit only, positive sign). */
export const F32_CANONICAL_NAN = 0x7fc00000;
export const F64_CANONICAL_NAN = 0x7ff8000000000000n;

function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * Rounds the positive rational `num / den` to the format, ties to even, and returns the bit
 * pattern of the (positive) result: a subnormal, a normal, or infinity on overflow.
 */
export function roundRationalToBits(num: bigint, den: bigint, fmt: FloatFormat): bigint {
  if (num <= 0n || den <= 0n) throw new RangeError('roundRationalToBits needs a positive rational');
  const p = fmt.mantissaBits + 1;
  const bias = (1 << (fmt.exponentBits - 1)) - 1;
  const emin = 1 - bias;
  const infBits = ((1n << BigInt(fmt.exponentBits)) - 1n) << BigInt(fmt.mantissaBits);
  // e = floor(log2(num / den)).
  const l = bitLength(num) - bitLength(den); // 2^(l-1) < num/den < 2^(l+1)
  const atLeast = l >= 0 ? num >= den << BigInt(l) : num << BigInt(-l) >= den;
  const e = atLeast ? l : l - 1;
  // Quantum (weight of the last significand bit); fixed at its minimum in the subnormal range.
  const q = Math.max(e, emin) - (p - 1);
  let a = num;
  let b = den;
  if (q >= 0) b <<= BigInt(q);
  else a <<= BigInt(-q);
  let m = a / b;
  const twice = (a - m * b) * 2n;
  if (twice > b || (twice === b && (m & 1n) === 1n)) m += 1n;
  // For normals the biased exponent is q - qmin + 1 and m carries the implicit bit, so the
  // encoding is (q - qmin) · 2^(p-1) + m; this also covers subnormals (q = qmin, m < 2^(p-1))
  // and a rounding carry (m = 2^p, or m = 2^(p-1) out of the subnormal range).
  const qmin = emin - (p - 1);
  const bits = (BigInt(q - qmin) << BigInt(p - 1)) + m;
  return bits >= infBits ? infBits : bits;
}

/**
 * Parses a float literal (the `fN` of the spec) and returns its bit pattern as a bigint.
 * Throws `SyntaxError` if the text is not a float literal and `RangeError` for a bad NaN payload.
 */
export function parseFloatBits(text: string, fmt: FloatFormat): bigint {
  const mbits = BigInt(fmt.mantissaBits);
  const signBit = 1n << (mbits + BigInt(fmt.exponentBits));
  const infBits = ((1n << BigInt(fmt.exponentBits)) - 1n) << mbits;
  const malformed = (): never => {
    throw new SyntaxError(`malformed ${fmt.name} literal "${text}"`);
  };

  let i = 0;
  let negative = false;
  if (text[0] === '+') i = 1;
  else if (text[0] === '-') {
    negative = true;
    i = 1;
  }
  const withSign = (bits: bigint): bigint => (negative ? bits | signBit : bits);
  const body = text.slice(i);

  if (body === 'inf') return withSign(infBits);
  if (body === 'nan') return withSign(infBits | (1n << (mbits - 1n)));
  if (body.startsWith('nan:0x')) {
    const scan = scanDigits(body, 6, true);
    if (scan === null || scan.end !== body.length) return malformed();
    const payload = BigInt(`0x${scan.digits}`);
    if (payload === 0n || payload >= 1n << mbits) {
      throw new RangeError(`${fmt.name} NaN payload out of range: "${text}"`);
    }
    return withSign(infBits | payload);
  }

  const hex = body.startsWith('0x');
  let j = hex ? 2 : 0;
  const intPart = scanDigits(body, j, hex);
  if (intPart === null) return malformed();
  j = intPart.end;
  let fracDigits = '';
  if (body[j] === '.') {
    j++;
    const frac = scanDigits(body, j, hex);
    if (frac !== null) {
      fracDigits = frac.digits;
      j = frac.end;
    }
  }
  let exp = 0n;
  const expChar = body[j];
  if (hex ? expChar === 'p' || expChar === 'P' : expChar === 'e' || expChar === 'E') {
    j++;
    let expNegative = false;
    if (body[j] === '+') j++;
    else if (body[j] === '-') {
      expNegative = true;
      j++;
    }
    if (!isDecDigit(body.charCodeAt(j))) return malformed();
    const e = scanDigits(body, j, false)!;
    exp = BigInt(e.digits);
    if (expNegative) exp = -exp;
    j = e.end;
  }
  if (j !== body.length) return malformed();

  const digits = intPart.digits + fracDigits;
  const mantissa = BigInt(hex ? `0x${digits}` : digits);
  if (mantissa === 0n) return withSign(0n);

  if (hex) {
    // value = mantissa · 2^e2. Exponents beyond these bounds give ∞ or 0 anyway, so clamp them
    // to keep the shifts small: mantissa ≥ 1 and mantissa < 2^(4·digits).
    let e2 = exp - 4n * BigInt(fracDigits.length);
    const hi = 1100n;
    const lo = -(4n * BigInt(digits.length) + 1200n);
    if (e2 > hi) e2 = hi;
    if (e2 < lo) e2 = lo;
    const bits = e2 >= 0n
      ? roundRationalToBits(mantissa << e2, 1n, fmt)
      : roundRationalToBits(mantissa, 1n << -e2, fmt);
    return withSign(bits);
  }
  // value = mantissa · 10^e10, with mantissa < 10^digits; same clamping argument.
  let e10 = exp - BigInt(fracDigits.length);
  const hi = 400n;
  const lo = -(BigInt(digits.length) + 400n);
  if (e10 > hi) e10 = hi;
  if (e10 < lo) e10 = lo;
  const bits = e10 >= 0n
    ? roundRationalToBits(mantissa * 10n ** e10, 1n, fmt)
    : roundRationalToBits(mantissa, 10n ** -e10, fmt);
  return withSign(bits);
}

/** The IEEE 754 binary32 bit pattern (as a u32 number) of an `f32` literal. */
export function parseF32Bits(text: string): number {
  return Number(parseFloatBits(text, F32_FORMAT));
}

/** The IEEE 754 binary64 bit pattern (as a u64 bigint) of an `f64` literal. */
export function parseF64Bits(text: string): bigint {
  return parseFloatBits(text, F64_FORMAT);
}
