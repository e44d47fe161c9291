import { RwasmError } from '../../errors.js';

/** Raises the compiler's rejection of a binary that is not well-formed or not valid. */
export function malformed(message: string, offset: number): never {
  throw new RwasmError('MalformedWasmBinary', `${message} at byte offset ${offset}`, { offset });
}

/**
 * A cursor over a Wasm binary: LEB128 integers with the spec's length and range rules, raw
 * bytes and UTF-8 names. Every failure is a MalformedWasmBinary error naming the offset.
 */
export class WasmReader {
  pos: number;
  end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) malformed('unexpected end', this.pos);
    return this.bytes[this.pos++]!;
  }

  peek(): number {
    if (this.pos >= this.end) malformed('unexpected end', this.pos);
    return this.bytes[this.pos]!;
  }

  /** Unsigned LEB128, at most 5 bytes, the unused bits of the last byte zero. */
  u32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    const end = this.end;
    if (pos < end) {
      const b = bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (pos >= end) malformed('unexpected end', pos);
      const b = bytes[pos++]!;
      if (i === 4) {
        if (b & 0x80) malformed('integer representation too long', pos - 1);
        if (b & 0x70) malformed('integer too large', pos - 1);
        result += b * 2 ** 28;
        break;
      }
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    this.pos = pos;
    return result >>> 0;
  }

  /** Signed LEB128 of `bits` ≤ 32 (s32, or s33 for block types) returned as a JS number. */
  signed(bits: 32 | 33): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    let b: number;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; ; i++) {
      if (pos >= this.end) malformed('unexpected end', pos);
      b = bytes[pos++]!;
      if (i === maxBytes - 1) {
        if (b & 0x80) malformed('integer representation too long', pos - 1);
        // The unused high bits must all equal the sign bit.
        const used = bits - 7 * i; // bits carried by this last byte
        const signAndUnused = b >> (used - 1);
        if (signAndUnused !== 0 && signAndUnused !== (0x7f >> (used - 1))) malformed('integer too large', pos - 1);
        result += (b & 0x7f) * 2 ** shift;
        shift += 7;
        break;
      }
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    this.pos = pos;
    if (b & 0x40) result -= 2 ** shift; // sign-extend
    return result;
  }

  s32(): number {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos < this.end) {
      const b = bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b & 0x40 ? b - 0x80 : b;
      }
    }
    return this.signed(32) | 0;
  }

  /**
   * Signed LEB128 i64 into two 32-bit words (no BigInt on this path): `lo` and `hi` are
   * returned through `out`.
   */
  s64(out: { lo: number; hi: number }): void {
    const bytes = this.bytes;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b = 0;
    for (let i = 0; ; i++) {
      if (pos >= this.end) malformed('unexpected end', pos);
      b = bytes[pos++]!;
      const payload = b & 0x7f;
      if (i === 9) {
        if (b & 0x80) malformed('integer representation too long', pos - 1);
        // Only bit 0 carries data (bit 63); bits 1..6 must repeat it.
        if (payload !== 0 && payload !== 0x7f) malformed('integer too large', pos - 1);
        hi |= (payload & 1) << 31;
        shift = 64;
        break;
      }
      if (shift < 28) lo |= payload << shift;
      else if (shift === 28) {
        lo |= payload << 28;
        hi |= payload >>> 4;
      } else hi |= payload << (shift - 32);
      shift += 7;
      if (!(b & 0x80)) break;
    }
    this.pos = pos;
    if (shift < 64 && b & 0x40) {
      // sign-extend from bit `shift`
      if (shift < 32) {
        lo |= -1 << shift;
        hi = -1;
      } else {
        hi |= -1 << (shift - 32);
      }
    }
    out.lo = lo >>> 0;
    out.hi = hi >>> 0;
  }

  u32le(): number {
    if (this.pos + 4 > this.end) malformed('unexpected end', this.pos);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  take(length: number): Uint8Array {
    if (length > this.end - this.pos) malformed('unexpected end', this.pos);
    const start = this.pos;
    this.pos += length;
    return this.bytes.subarray(start, this.pos);
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const length = this.u32();
    const at = this.pos;
    if (length > this.end - this.pos) malformed('length out of bounds', this.pos);
    const text = decodeUtf8(this.take(length));
    if (text === undefined) malformed('malformed UTF-8 encoding', at);
    return text;
  }
}

/** Strict UTF-8 decoding (no overlongs, no surrogates, ≤ U+10FFFF); undefined when invalid. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    let need: number;
    let code: number;
    let min: number;
    if ((b0 & 0xe0) === 0xc0) {
      need = 1;
      code = b0 & 0x1f;
      min = 0x80;
    } else if ((b0 & 0xf0) === 0xe0) {
      need = 2;
      code = b0 & 0x0f;
      min = 0x800;
    } else if ((b0 & 0xf8) === 0xf0) {
      need = 3;
      code = b0 & 0x07;
      min = 0x10000;
    } else return undefined;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (b & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    out += String.fromCodePoint(code);
    i += need + 1;
  }
  return out;
}
