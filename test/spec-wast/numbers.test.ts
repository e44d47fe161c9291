import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseI32, parseI64, parseU32, parseWast, WastSyntaxError } from '../../src/spec/wast/index.js';

/** Inserts `_` between some pairs of adjacent digits. */
function withSeparators(digits: string, mask: number): string {
  let out = digits[0]!;
  for (let i = 1; i < digits.length; i++) out += ((mask >> i % 31) & 1 ? '_' : '') + digits[i];
  return out;
}

describe('i32 literals', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['+0', 0],
    ['1', 1],
    ['2147483647', 0x7fffffff],
    ['+2147483647', 0x7fffffff],
    ['2147483648', 0x80000000],
    ['4294967295', 0xffffffff],
    ['-1', 0xffffffff],
    ['-2147483648', 0x80000000],
    ['0x0', 0],
    ['0xffffffff', 0xffffffff],
    ['0xFFFF_FFFF', 0xffffffff],
    ['-0x80000000', 0x80000000],
    ['+0x7fffffff', 0x7fffffff],
    ['-0x1', 0xffffffff],
    ['1_000_000', 1000000],
    ['0_1', 1],
    ['0123', 123],
    ['0x0_0_1', 1],
  ])('%s → %d', (text, value) => {
    expect(parseI32(text)).toBe(value);
  });

  it.each([
    '4294967296', '0x100000000', '-2147483649', '-0x80000001',
    // A sign makes the literal signed (sN): its range is -2^31..2^31-1.
    '+2147483648', '+0xffffffff',
  ])('%s is out of range', (text) => {
    expect(() => parseI32(text)).toThrow(RangeError);
  });

  it.each(['', '-', '+', '0x', '_1', '1_', '1__0', '0x_1', '0X1', '1.0', '1e3', 'nan', '--1', '0x1g', ' 1'])(
    '%j is malformed',
    (text) => {
      expect(() => parseI32(text)).toThrow(SyntaxError);
    },
  );

  it('agrees with BigInt for random values in every spelling', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.boolean(), fc.nat(), (n, hex, mask) => {
        const abs = Math.abs(n);
        const digits = withSeparators(hex ? abs.toString(16) : abs.toString(), mask);
        const text = (n < 0 ? '-' : '') + (hex ? '0x' : '') + digits;
        expect(parseI32(text)).toBe(n >>> 0);
      }),
    );
  });
});

describe('i64 literals', () => {
  it.each([
    ['0', 0n],
    ['9223372036854775807', 0x7fffffffffffffffn],
    ['+9223372036854775807', 0x7fffffffffffffffn],
    ['9223372036854775808', 0x8000000000000000n],
    ['18446744073709551615', 0xffffffffffffffffn],
    ['-1', 0xffffffffffffffffn],
    ['-9223372036854775808', 0x8000000000000000n],
    ['0xffffffffffffffff', 0xffffffffffffffffn],
    ['-0x8000000000000000', 0x8000000000000000n],
    ['0x7fff_ffff_ffff_ffff', 0x7fffffffffffffffn],
    ['-0x0123456789ABCDEF', 0xfedcba9876543211n],
  ])('%s → %s', (text, value) => {
    expect(parseI64(text)).toBe(value);
  });

  it.each(['18446744073709551616', '0x1_0000_0000_0000_0000', '-9223372036854775809', '+9223372036854775808'])(
    '%s is out of range',
    (text) => {
      expect(() => parseI64(text)).toThrow(RangeError);
    },
  );

  it('agrees with BigInt.asUintN for random values', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), fc.boolean(), fc.nat(), (n, hex, mask) => {
        const abs = n < 0n ? -n : n;
        const text = (n < 0n ? '-' : '') + (hex ? '0x' : '') + withSeparators(abs.toString(hex ? 16 : 10), mask);
        expect(parseI64(text)).toBe(BigInt.asUintN(64, n));
      }),
    );
  });
});

describe('u32 literals', () => {
  it('accept no sign', () => {
    expect(parseU32('4294967295')).toBe(0xffffffff);
    expect(parseU32('0x2a')).toBe(42);
    expect(() => parseU32('+1')).toThrow(SyntaxError);
    expect(() => parseU32('4294967296')).toThrow(RangeError);
  });
});

describe('integer values in scripts', () => {
  it('become i32 numbers and i64 bigints', () => {
    const [cmd] = parseWast('(invoke "f" (i32.const -1) (i64.const -1) (i32.const 0x8000_0000) (i64.const 1))');
    expect(cmd).toEqual({
      kind: 'action',
      line: 1,
      action: {
        kind: 'invoke',
        name: 'f',
        args: [
          { type: 'i32', value: 0xffffffff },
          { type: 'i64', value: 0xffffffffffffffffn },
          { type: 'i32', value: 0x80000000 },
          { type: 'i64', value: 1n },
        ],
      },
    });
  });

  it('report bad literals as WastSyntaxError with the line', () => {
    const err = (() => {
      try {
        parseWast('(module)\n(assert_return (invoke "f"\n  (i32.const 4294967296)))');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WastSyntaxError);
    expect((err as WastSyntaxError).line).toBe(3);
    expect((err as Error).message).toMatch(/^line 3: .*out of range/);
    expect(() => parseWast('(invoke "f" (i64.const 1.5))')).toThrow(/^line 1: malformed i64/);
    expect(() => parseWast('(invoke "f" (i32.const))')).toThrow(WastSyntaxError);
    expect(() => parseWast('(invoke "f" (i32.const 1 2))')).toThrow(WastSyntaxError);
  });
});
