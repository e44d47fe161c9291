import { describe, expect, it } from 'vitest';
import {
  decodeUtf8,
  encodeUtf8,
  parseSExprs,
  stringTokenText,
  tokenize,
  WastSyntaxError,
  type SExpr,
  type StringToken,
  type Token,
} from '../../src/spec/wast/index.js';
import { hexBytes } from './support.js';

function summary(tokens: Token[]): string[] {
  return tokens.map((t) => {
    switch (t.kind) {
      case 'lparen':
        return '(';
      case 'rparen':
        return ')';
      case 'atom':
        return t.text;
      case 'id':
        return `$${t.name}`;
      case 'string':
        return `"${hexBytes(t.bytes)}"`;
      case 'annot':
        return `(@${t.name}`;
    }
  });
}

function stringBytes(src: string): string {
  const tokens = tokenize(src);
  expect(tokens).toHaveLength(1);
  const tok = tokens[0]!;
  expect(tok.kind).toBe('string');
  return hexBytes((tok as StringToken).bytes);
}

function syntaxError(f: () => unknown): WastSyntaxError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WastSyntaxError);
    return e as WastSyntaxError;
  }
  throw new Error('expected a WastSyntaxError');
}

function shape(exprs: SExpr[]): unknown[] {
  return exprs.map((e) => (e.kind === 'list' ? shape(e.items) : e.kind === 'atom' ? e.text : e.kind === 'id' ? `$${e.name}` : 'str'));
}

describe('tokenize', () => {
  it('splits parens, keywords, numbers, ids and strings', () => {
    const tokens = tokenize('(module $m (func (export "f") (result i32) (i32.const -0x1_0)))');
    expect(summary(tokens)).toEqual([
      '(', 'module', '$m', '(', 'func', '(', 'export', '"66"', ')', '(', 'result', 'i32', ')',
      '(', 'i32.const', '-0x1_0', ')', ')', ')',
    ]);
  });

  it('records UTF-16 spans and 1-based lines', () => {
    const src = '(a\n  "é😀" $x\r\n\r\n b)';
    const tokens = tokenize(src);
    expect(tokens.map((t) => [src.slice(t.start, t.end), t.line])).toEqual([
      ['(', 1],
      ['a', 1],
      ['"é😀"', 2],
      ['$x', 2],
      ['b', 4],
      [')', 4],
    ]);
    // Only LF counts: a lone CR is whitespace within the line.
    expect(tokenize('a\rb\r\nc').map((t) => t.line)).toEqual([1, 1, 2]);
  });

  it('skips line comments and nested block comments, counting their lines', () => {
    const src = ';; comment (\n(; outer (; inner\n ;) still "\n;) x ;; tail\n(;;) y';
    const tokens = tokenize(src);
    expect(summary(tokens)).toEqual(['x', 'y']);
    expect(tokens.map((t) => t.line)).toEqual([4, 5]);
    expect(summary(tokenize('a;;b\nc'))).toEqual(['a', 'c']);
    expect(summary(tokenize('(a(;x;)b)'))).toEqual(['(', 'a', 'b', ')']);
  });

  it('resolves every string escape to bytes', () => {
    expect(stringBytes('"\\t\\n\\r\\"\\\'\\\\"')).toBe('090a0d22275c');
    expect(stringBytes('"\\00\\ff\\aB"')).toBe('00ffab');
    expect(stringBytes('"\\u{0}\\u{41}\\u{e9}\\u{20AC}\\u{1F600}\\u{10_FFFF}"')).toBe('0041c3a9e282acf09f9880f48fbfbf');
    expect(stringBytes('""')).toBe('');
  });

  it('encodes raw characters as UTF-8, including astral ones', () => {
    expect(stringBytes('"aé€😀"')).toBe('61c3a9e282acf09f9880');
    expect(stringBytes('"\uFEFF"')).toBe('efbbbf');
  });

  it('reads $"quoted" ids and keeps $ inside plain ids', () => {
    const tokens = tokenize('$"a b" $x$y $"\\u{1F600}"');
    expect(tokens.map((t) => (t.kind === 'id' ? t.name : t.kind))).toEqual(['a b', 'x$y', '😀']);
  });

  it('lexes annotations as (@name tokens', () => {
    expect(summary(tokenize('(@custom "x" (a)) (@"quoted name" b)'))).toEqual([
      '(@custom', '"78"', '(', 'a', ')', ')', '(@quoted name', 'b', ')',
    ]);
  });

  it('reports malformed input with the line', () => {
    expect(syntaxError(() => tokenize('a\n"abc')).line).toBe(2);
    expect(syntaxError(() => tokenize('a\n\n(; (; ;)')).line).toBe(3);
    expect(syntaxError(() => tokenize('"\\q"')).message).toMatch(/^line 1: unknown escape/);
    expect(syntaxError(() => tokenize('"\\4"')).line).toBe(1);
    expect(syntaxError(() => tokenize('\n"\\u{D800}"')).line).toBe(2);
    expect(syntaxError(() => tokenize('"\\u{110000}"')).line).toBe(1);
    expect(syntaxError(() => tokenize('"\\u{}"')).line).toBe(1);
    expect(syntaxError(() => tokenize('"tab\tinside"')).line).toBe(1);
    expect(syntaxError(() => tokenize('"line\nbreak"')).line).toBe(1);
    expect(syntaxError(() => tokenize('x\ny\n{')).line).toBe(3);
    expect(syntaxError(() => tokenize('a ; b')).line).toBe(1);
    expect(syntaxError(() => tokenize('\n"a""b"')).message).toMatch(/^line 2: .*separated/);
    expect(syntaxError(() => tokenize('abc"d"')).line).toBe(1);
    expect(syntaxError(() => tokenize('$ x')).line).toBe(1);
    expect(syntaxError(() => tokenize('é')).message).toContain('U+00E9');
  });
});

describe('strings as text', () => {
  it('decodes a string token as UTF-8', () => {
    const [tok] = tokenize('"\\ef\\bb\\bf\\u{1F600}x"') as [StringToken];
    expect(stringTokenText(tok)).toBe('\uFEFF😀x');
  });

  it('throws WastSyntaxError (with the line) on invalid UTF-8', () => {
    for (const bad of ['\\80', '\\c0\\80', '\\ed\\a0\\80', '\\f4\\90\\80\\80', '\\e2\\82', '\\ff', '\\c3']) {
      const [tok] = tokenize(`\n\n"${bad}"`) as [StringToken];
      expect(syntaxError(() => stringTokenText(tok)).line).toBe(3);
    }
  });

  it('round-trips every scalar value class through encodeUtf8/decodeUtf8', () => {
    const text = '\u0000\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\u{10000}\u{10ffff}';
    expect(decodeUtf8(encodeUtf8(text))).toBe(text);
    expect(hexBytes(encodeUtf8('\u{10ffff}'))).toBe('f48fbfbf');
    expect(() => encodeUtf8('\ud800')).toThrow(RangeError);
  });
});

describe('parseSExprs', () => {
  it('nests lists and keeps their exact spans', () => {
    const src = ' (a (b "c") $d)\n(e)';
    const exprs = parseSExprs(src);
    expect(shape(exprs)).toEqual([['a', ['b', 'str'], '$d'], ['e']]);
    expect(exprs.map((e) => (e.kind === 'list' ? src.slice(e.start, e.end) : ''))).toEqual(['(a (b "c") $d)', '(e)']);
    expect(exprs.map((e) => e.line)).toEqual([1, 2]);
  });

  it('drops annotation groups, nested lists included', () => {
    expect(shape(parseSExprs('(@top x) (a (@ann (b (c)) "s") d (@x))'))).toEqual([['a', 'd']]);
  });

  it('reports unbalanced parentheses with the line', () => {
    expect(syntaxError(() => parseSExprs('(a)\n)')).line).toBe(2);
    expect(syntaxError(() => parseSExprs('(a)\n\n(b (c)\n')).line).toBe(3);
  });
});
