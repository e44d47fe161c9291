/**
 * Integer literals of the text format (spec §6.3.2) and the digit-group scanner shared with
 * float-literals.ts. Errors are thrown as `RangeError` (out of range) or `SyntaxError`
 * (malformed); the script parser turns them into `WastSyntaxError`s with a line number.
 */

export function isDecDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function isHexDigitCode(code: number): boolean {
  return isDecDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * Scans `digit ('_'? digit)*` from `start`. Returns the index past the group and its digits
 * without the underscores, or `null` if there is no digit at `start`.
 */
export function scanDigits(text: string, start: number, hex: boolean): { end: number; digits: string } | null {
  const ok = hex ? isHexDigitCode : isDecDigit;
  let i = start;
  if (i >= text.length || !ok(text.charCodeAt(i))) return null;
  let digits = '';
  for (;;) {
    digits += text[i];
    i++;
    if (i < text.length && ok(text.charCodeAt(i))) continue;
    if (text.charCodeAt(i) === 0x5f && i + 1 < text.length && ok(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return { end: i, digits };
  }
}

/**
 * Parses an N-bit integer literal (`iN` of the spec) and returns it as an unsigned value
 * 0..2^N-1 (negative values in two's complement).
 *
 * Per the spec, an unsigned literal (no sign) may be 0..2^N-1, a signed one (leading `+` or `-`)
 * -2^(N-1)..2^(N-1)-1; decimal or `0x` hex digits, `_` allowed between digits.
 */
export function parseIntBits(text: string, bits: number): bigint {
  let i = 0;
  let sign = 0;
  if (text[0] === '+') {
    sign = 1;
    i = 1;
  } else if (text[0] === '-') {
    sign = -1;
    i = 1;
  }
  const hex = text.startsWith('0x', i);
  if (hex) i += 2;
  const scan = scanDigits(text, i, hex);
  if (scan === null || scan.end !== text.length) throw new SyntaxError(`malformed i${bits} literal "${text}"`);
  const n = BigInt(hex ? `0x${scan.digits}` : scan.digits);
  const full = 1n << BigInt(bits);
  const half = full >> 1n;
  if (sign === 0) {
    if (n >= full) throw new RangeError(`i${bits} literal out of range: ${text}`);
    return n;
  }
  if (sign > 0) {
    if (n >= half) throw new RangeError(`i${bits} literal out of range: ${text}`);
    return n;
  }
  if (n > half) throw new RangeError(`i${bits} literal out of range: ${text}`);
  return n === 0n ? 0n : full - n;
}

/** An `i32` literal as a u32 number (0..2^32-1). */
export function parseI32(text: string): number {
  return Number(parseIntBits(text, 32));
}

/** An `i64` literal as a u64 bigint (0n..2^64-1). */
export function parseI64(text: string): bigint {
  return parseIntBits(text, 64);
}

/** An unsigned 32-bit literal (`u32`: no sign), e.g. the N of `(ref.extern N)`. */
export function parseU32(text: string): number {
  if (text[0] === '+' || text[0] === '-') throw new SyntaxError(`malformed u32 literal "${text}"`);
  return Number(parseIntBits(text, 32));
}
