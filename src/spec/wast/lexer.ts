/**
 * Lexer for the WebAssembly text format as used by `.wast` scripts (spec §6.3).
 *
 * The source is a JS string; every token records its UTF-16 offsets (`start` inclusive, `end`
 * exclusive) so callers can slice the exact source text, and the 1-based line it starts on.
 * Numbers are not told apart from keywords here: both are `atom` tokens, interpreted later.
 * Lines are counted by LF characters only (as the reference interpreter and `grep -n` do), so a
 * lone CR — comments.wast has one — does not start a line.
 */
import { WastSyntaxError } from './errors.js';
import { decodeUtf8, pushUtf8 } from './utf8.js';

interface TokenBase {
  /** UTF-16 offset of the first character. */
  readonly start: number;
  /** UTF-16 offset just past the last character. */
  readonly end: number;
  /** 1-based line of the first character. */
  readonly line: number;
}

export interface ParenToken extends TokenBase {
  readonly kind: 'lparen' | 'rparen';
}

/** A keyword, a number or any other run of idchars not starting with `$`. */
export interface AtomToken extends TokenBase {
  readonly kind: 'atom';
  readonly text: string;
}

/** `$name` or `$"name"`; `name` is given without the `$`. */
export interface IdToken extends TokenBase {
  readonly kind: 'id';
  readonly name: string;
}

/** A string literal: a byte sequence, escapes resolved, other characters UTF-8 encoded. */
export interface StringToken extends TokenBase {
  readonly kind: 'string';
  readonly bytes: Uint8Array;
}

/** The opening `(@name` of an annotation; `name` is given without the `@`. */
export interface AnnotationToken extends TokenBase {
  readonly kind: 'annot';
  readonly name: string;
}

export type Token = ParenToken | AtomToken | IdToken | StringToken | AnnotationToken;

/** idchar of spec §6.3.3: printable ASCII except space, `"`, `,`, `;`, `(`, `)`, `[`, `]`, `{`, `}`. */
const IDCHAR: boolean[] = (() => {
  const table = new Array<boolean>(128).fill(false);
  for (let c = 0x21; c < 0x7f; c++) table[c] = !'"(),;[]{}'.includes(String.fromCharCode(c));
  return table;
})();

/** Characters the text format reserves: outside annotations they are an error. */
const RESERVED_PUNCTUATION = ',[]{}';

export function isIdChar(code: number): boolean {
  return code < 128 && IDCHAR[code]!;
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function hexValue(code: number): number {
  if (code <= 0x39) return code - 0x30;
  if (code <= 0x46) return code - 0x41 + 10;
  return code - 0x61 + 10;
}

/** Decodes a string token as UTF-8 text; throws `WastSyntaxError` if it is not valid UTF-8. */
export function stringTokenText(token: StringToken): string {
  try {
    return decodeUtf8(token.bytes);
  } catch (e) {
    throw new WastSyntaxError(token.line, `string is not valid UTF-8 (${(e as Error).message})`);
  }
}

/** Splits `source` into tokens, dropping whitespace and comments. Throws `WastSyntaxError`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  let line = 1;

  const fail = (at: number, reason: string): never => {
    throw new WastSyntaxError(at, reason);
  };

  /** Reads a string literal whose opening quote is at `i`; leaves `i` past the closing quote. */
  const readString = (): Uint8Array => {
    const startLine = line;
    const bytes: number[] = [];
    i++;
    for (;;) {
      if (i >= n) fail(startLine, 'unterminated string');
      const c = source.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return Uint8Array.from(bytes);
      }
      if (c === 0x5c) {
        const e = i + 1 < n ? source.charCodeAt(i + 1) : -1;
        switch (e) {
          case 0x74: // t
            bytes.push(0x09);
            i += 2;
            break;
          case 0x6e: // n
            bytes.push(0x0a);
            i += 2;
            break;
          case 0x72: // r
            bytes.push(0x0d);
            i += 2;
            break;
          case 0x22: // "
          case 0x27: // '
          case 0x5c: // \
            bytes.push(e);
            i += 2;
            break;
          case 0x75: {
            // u{hexnum}
            let j = i + 2;
            if (source.charCodeAt(j) !== 0x7b) fail(line, 'malformed \\u escape: expected {');
            j++;
            let cp = 0;
            let digits = 0;
            let prevUnderscore = false;
            while (j < n && source.charCodeAt(j) !== 0x7d) {
              const d = source.charCodeAt(j);
              if (isHexDigit(d)) {
                cp = cp * 16 + hexValue(d);
                if (cp > 0x10ffff) fail(line, 'malformed \\u escape: value above U+10FFFF');
                digits++;
                prevUnderscore = false;
              } else if (d === 0x5f && digits > 0 && !prevUnderscore) {
                prevUnderscore = true;
              } else {
                fail(line, 'malformed \\u escape');
              }
              j++;
            }
            if (j >= n || digits === 0 || prevUnderscore) fail(line, 'malformed \\u escape');
            if (cp >= 0xd800 && cp < 0xe000) fail(line, 'malformed \\u escape: surrogate code point');
            pushUtf8(bytes, cp);
            i = j + 1;
            break;
          }
          default: {
            const h = source.charCodeAt(i + 2);
            if (isHexDigit(e) && isHexDigit(h)) {
              bytes.push(hexValue(e) * 16 + hexValue(h));
              i += 3;
            } else {
              fail(line, 'unknown escape sequence in string');
            }
          }
        }
        continue;
      }
      if (c < 0x20 || c === 0x7f) fail(line, `character U+${c.toString(16).padStart(4, '0')} not allowed in a string`);
      let cp = c;
      if (c >= 0xd800 && c < 0xdc00) {
        const lo = i + 1 < n ? source.charCodeAt(i + 1) : 0;
        if (lo < 0xdc00 || lo >= 0xe000) fail(line, 'lone surrogate in string');
        cp = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i += 2;
      } else if (c >= 0xdc00 && c < 0xe000) {
        return fail(line, 'lone surrogate in string');
      } else {
        i++;
      }
      pushUtf8(bytes, cp);
    }
  };

  /** Reads a run of idchars starting at `i`. */
  const readWord = (): string => {
    const s = i;
    while (i < n && isIdChar(source.charCodeAt(i))) i++;
    return source.slice(s, i);
  };

  // Lists open inside an annotation `(@name …)`, the annotation's own included. Its contents
  // are dropped by the S-expression grouping, and the text format lets it hold any "reserved"
  // run of characters (idchars, strings and `,;[]{}` unseparated, as annotations.wast tests), so
  // inside one only the parentheses, strings and comments are tracked.
  let annotationDepth = 0;

  /** After an atom, id or string the next token must be separated from it (outside annotations). */
  const expectSeparator = (): void => {
    if (i >= n || annotationDepth > 0) return;
    const c = source.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x28 || c === 0x29) return;
    if (c === 0x3b && source.charCodeAt(i + 1) === 0x3b) return;
    fail(line, `unexpected ${describeChar(source, i)} right after a token (tokens must be separated)`);
  };

  while (i < n) {
    const c = source.charCodeAt(i);
    // Whitespace.
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (c === 0x0a) {
      line++;
      i++;
      continue;
    }
    if (c === 0x0d) {
      i++;
      continue;
    }
    // Line comment: `;;` up to the end of the line.
    if (c === 0x3b) {
      if (source.charCodeAt(i + 1) !== 0x3b) {
        if (annotationDepth > 0) {
          i++;
          continue;
        }
        fail(line, 'unexpected ";"');
      }
      while (i < n && source.charCodeAt(i) !== 0x0a) i++;
      continue;
    }
    if (c === 0x28) {
      const next = source.charCodeAt(i + 1);
      // Block comment `(; … ;)`, nesting.
      if (next === 0x3b) {
        const startLine = line;
        let depth = 1;
        i += 2;
        while (depth > 0) {
          if (i >= n) fail(startLine, 'unterminated block comment');
          const d = source.charCodeAt(i);
          if (d === 0x28 && source.charCodeAt(i + 1) === 0x3b) {
            depth++;
            i += 2;
          } else if (d === 0x3b && source.charCodeAt(i + 1) === 0x29) {
            depth--;
            i += 2;
          } else {
            if (d === 0x0a) line++;
            i++;
          }
        }
        continue;
      }
      // Annotation `(@name`.
      if (next === 0x40) {
        const start = i;
        const tokLine = line;
        i += 2;
        let name: string;
        if (source.charCodeAt(i) === 0x22) {
          const strLine = line;
          const bytes = readString();
          name = stringTokenText({ kind: 'string', bytes, start, end: i, line: strLine });
        } else {
          name = readWord();
        }
        if (name.length === 0) {
          if (annotationDepth === 0) fail(tokLine, 'annotation without a name');
          // `(@)` or `(@ x)` inside an annotation: a list holding the reserved token `@`.
          i = start + 1;
          annotationDepth++;
          tokens.push({ kind: 'lparen', start, end: i, line: tokLine });
          continue;
        }
        tokens.push({ kind: 'annot', name, start, end: i, line: tokLine });
        annotationDepth++;
        expectSeparator();
        continue;
      }
      if (annotationDepth > 0) annotationDepth++;
      tokens.push({ kind: 'lparen', start: i, end: i + 1, line });
      i++;
      continue;
    }
    if (c === 0x29) {
      if (annotationDepth > 0) annotationDepth--;
      tokens.push({ kind: 'rparen', start: i, end: i + 1, line });
      i++;
      continue;
    }
    if (c === 0x22) {
      const start = i;
      const tokLine = line;
      const bytes = readString();
      tokens.push({ kind: 'string', bytes, start, end: i, line: tokLine });
      expectSeparator();
      continue;
    }
    if (isIdChar(c)) {
      const start = i;
      const tokLine = line;
      const word = readWord();
      if (word.charCodeAt(0) === 0x24) {
        let name: string;
        if (word.length === 1) {
          if (source.charCodeAt(i) !== 0x22) fail(tokLine, 'empty identifier "$"');
          const bytes = readString();
          name = stringTokenText({ kind: 'string', bytes, start, end: i, line: tokLine });
          if (name.length === 0) fail(tokLine, 'empty identifier $""');
        } else {
          name = word.slice(1);
        }
        tokens.push({ kind: 'id', name, start, end: i, line: tokLine });
      } else {
        tokens.push({ kind: 'atom', text: word, start, end: i, line: tokLine });
      }
      expectSeparator();
      continue;
    }
    if (annotationDepth > 0 && RESERVED_PUNCTUATION.includes(source[i]!)) {
      i++;
      continue;
    }
    fail(line, `unexpected ${describeChar(source, i)}`);
  }
  return tokens;
}

function describeChar(source: string, i: number): string {
  const cp = source.codePointAt(i)!;
  const shown = cp >= 0x21 && cp < 0x7f ? `'${String.fromCodePoint(cp)}' ` : '';
  return `character ${shown}U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
