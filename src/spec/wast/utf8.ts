/**
 * Strict UTF-8 encoding and decoding, written out so the parser needs no host API (and so a
 * leading U+FEFF is kept: `TextDecoder` would drop it unless told otherwise).
 */

/** Appends the UTF-8 encoding of one Unicode scalar value to `out`. */
export function pushUtf8(out: number[], cp: number): void {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
    throw new RangeError(`not a Unicode scalar value: U+${cp.toString(16).toUpperCase()}`);
  }
  if (cp < 0x80) {
    out.push(cp);
  } else if (cp < 0x800) {
    out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  } else {
    out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
}

/** UTF-8 bytes of a JS string; throws `RangeError` on a lone surrogate. */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    pushUtf8(out, cp);
  }
  return Uint8Array.from(out);
}

/**
 * Decodes UTF-8 strictly: throws `RangeError` on a truncated sequence, a stray continuation byte,
 * an overlong form, an encoded surrogate or a value above U+10FFFF.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  let text = '';
  let chunk: number[] = [];
  const fail = (at: number): never => {
    throw new RangeError(`malformed UTF-8 at byte ${at}`);
  };
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    let cp: number;
    let len: number;
    let min: number;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
      min = 0;
    } else if (b0 >= 0xc0 && b0 < 0xe0) {
      cp = b0 & 0x1f;
      len = 2;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 < 0xf0) {
      cp = b0 & 0x0f;
      len = 3;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 < 0xf8) {
      cp = b0 & 0x07;
      len = 4;
      min = 0x10000;
    } else {
      return fail(i);
    }
    if (i + len > bytes.length) fail(i);
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) fail(i + k);
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) fail(i);
    chunk.push(cp);
    if (chunk.length >= 4096) {
      text += String.fromCodePoint(...chunk);
      chunk = [];
    }
    i += len;
  }
  return text + String.fromCodePoint(...chunk);
}
