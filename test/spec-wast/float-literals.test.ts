import { describeWithHostWasm } from '../support/host-wasm.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import {
  encodeUtf8,
  parseF32Bits,
  parseF64Bits,
  parseWast,
  WastSyntaxError,
  type WastCommand,
  type WastExpected,
} from '../../src/spec/wast/index.js';
import {
  checkRounding,
  dyadicToDecimal,
  exactLiteral,
  F32,
  F64,
  f32Bits,
  f32FromBits,
  f64Bits,
  f64FromBits,
} from './float-oracle.js';
import { readWast, wastFiles } from './support.js';

const hex32 = (bits: number): string => `0x${bits.toString(16).padStart(8, '0')}`;
const hex64 = (bits: bigint): string => `0x${bits.toString(16).padStart(16, '0')}`;

describe('special values', () => {
  it.each([
    ['nan', 0x7fc00000],
    ['+nan', 0x7fc00000],
    ['-nan', 0xffc00000],
    ['nan:0x1', 0x7f800001],
    ['nan:0x200000', 0x7fa00000],
    ['-nan:0x7fffff', 0xffffffff],
    ['nan:0x7f_ffff', 0x7fffffff],
    ['inf', 0x7f800000],
    ['+inf', 0x7f800000],
    ['-inf', 0xff800000],
    ['0', 0],
    ['-0', 0x80000000],
    ['-0.0', 0x80000000],
    ['+0x0p0', 0],
    ['-0x0.0p+99999999999999999999', 0x80000000],
    ['0e-99999999999999999999', 0],
  ])('f32 %s → %s', (text, bits) => {
    expect(hex32(parseF32Bits(text))).toBe(hex32(bits));
  });

  it.each([
    ['nan', 0x7ff8000000000000n],
    ['-nan', 0xfff8000000000000n],
    ['nan:0x1', 0x7ff0000000000001n],
    ['-nan:0xfffffffffffff', 0xffffffffffffffffn],
    ['nan:0x8_0000_0000_0000', 0x7ff8000000000000n],
    ['inf', 0x7ff0000000000000n],
    ['-inf', 0xfff0000000000000n],
    ['0.0', 0n],
    ['-0x0p0', 0x8000000000000000n],
  ])('f64 %s → %s', (text, bits) => {
    expect(hex64(parseF64Bits(text))).toBe(hex64(bits));
  });

  it('rejects NaN payloads that are zero or too wide', () => {
    expect(() => parseF32Bits('nan:0x0')).toThrow(RangeError);
    expect(() => parseF32Bits('nan:0x800000')).toThrow(RangeError);
    expect(() => parseF64Bits('nan:0x0')).toThrow(RangeError);
    expect(() => parseF64Bits('nan:0x10000000000000')).toThrow(RangeError);
  });

  it.each([
    '', '+', '.5', '-.5', '1.e', '1e', '1e+', '1e_1', '1_.5', '1._5', '1.5_', '0x', '0x.8', '0x1p', '0x1e+2.0',
    '1.5p3', '0X1p3', 'inf:0x1', 'Inf', 'NaN', 'nan:', 'nan:0x', 'nan:1', 'nan:canonical', '1.0f', '++1', '0x1.8pp3',
  ])('%j is malformed', (text) => {
    expect(() => parseF32Bits(text)).toThrow(SyntaxError);
    expect(() => parseF64Bits(text)).toThrow(SyntaxError);
  });
});

describe('exact rounding at the edges', () => {
  it.each([
    // Subnormals: smallest, ties around it, largest; the normal boundary.
    ['0x1p-149', 0x00000001],
    ['0x1p-150', 0x00000000], // exact tie between 0 and 2^-149: even is 0
    ['0x1.000001p-150', 0x00000001], // just above the tie
    ['0x1.8p-149', 0x00000002], // tie between 1 and 2 ulps: even is 2
    ['0x1.4p-148', 0x00000002], // 2.5 ulps → 2
    ['0x1.cp-148', 0x00000004], // 3.5 ulps → 4
    ['0x1.fffffcp-127', 0x007fffff],
    ['0x1.fffffep-127', 0x00800000], // rounds up out of the subnormal range
    ['0x1p-126', 0x00800000],
    ['1.4e-45', 0x00000001],
    ['7.006492321624085e-46', 0x00000000], // below 2^-150
    ['7.006492321624087e-46', 0x00000001], // above 2^-150
    // Normal ties: 1 + 2^-24 is halfway between 1 and 1 + 2^-23.
    ['0x1.000001p0', 0x3f800000],
    ['0x1.000003p0', 0x3f800002],
    ['0x1.0000010000000000000000001p0', 0x3f800001],
    ['1.000000059604644775390625', 0x3f800000],
    ['1.000000059604644775390626', 0x3f800001],
    ['1.000000178813934326171875', 0x3f800002],
    // The largest finite value and overflow.
    ['0x1.fffffep127', 0x7f7fffff],
    ['0x1.fffffefffffffffffp127', 0x7f7fffff],
    ['0x1.ffffffp127', 0x7f800000], // exactly max + ulp/2: ties to even = infinity
    ['3.4028234663852886e38', 0x7f7fffff],
    ['340282356779733661637539395458142568447', 0x7f7fffff],
    ['340282356779733661637539395458142568448', 0x7f800000],
    ['1e39', 0x7f800000],
    ['-1e39', 0xff800000],
    ['1e99999999999999999999', 0x7f800000],
    ['0x1p99999999999999999999', 0x7f800000],
    ['1e-99999999999999999999', 0],
  ])('f32 %s → %s', (text, bits) => {
    expect(hex32(parseF32Bits(text))).toBe(hex32(bits));
  });

  it.each([
    ['0x1p-1074', 0x0000000000000001n],
    ['0x1p-1075', 0x0000000000000000n],
    ['0x1.0000000000001p-1075', 0x0000000000000001n],
    ['0x1.8p-1074', 0x0000000000000002n],
    ['4.9406564584124654e-324', 0x0000000000000001n],
    ['2.4703282292062327e-324', 0x0000000000000000n], // just below 2^-1075
    ['2.4703282292062328e-324', 0x0000000000000001n], // just above 2^-1075
    ['0x0.fffffffffffffp-1022', 0x000fffffffffffffn],
    ['0x0.fffffffffffff8p-1022', 0x0010000000000000n],
    ['2.2250738585072014e-308', 0x0010000000000000n],
    ['0x1.00000000000008p0', 0x3ff0000000000000n],
    ['0x1.00000000000018p0', 0x3ff0000000000002n],
    ['0x1.00000000000008000000001p0', 0x3ff0000000000001n],
    ['1.00000000000000011102230246251565404236316680908203125', 0x3ff0000000000000n],
    ['1.00000000000000011102230246251565404236316680908203126', 0x3ff0000000000001n],
    ['0x1.fffffffffffffp1023', 0x7fefffffffffffffn],
    ['1.7976931348623157e308', 0x7fefffffffffffffn],
    ['1.7976931348623158e308', 0x7fefffffffffffffn],
    ['0x1.fffffffffffff8p1023', 0x7ff0000000000000n],
    ['1e309', 0x7ff0000000000000n],
    ['-1e309', 0xfff0000000000000n],
    ['0.1', 0x3fb999999999999an],
    ['3.141592653589793', 0x400921fb54442d18n],
  ])('f64 %s → %s', (text, bits) => {
    expect(hex64(parseF64Bits(text))).toBe(hex64(bits));
  });

  it('rounds decimals to f32 in one step (no double rounding through f64)', () => {
    // 1 + 2^-24 + 2^-60: just above the f32 midpoint between 1 and 1 + 2^-23, but within half an
    // f64 ulp of the midpoint — going through a JS double lands exactly on the tie, then goes to 1.
    const text = dyadicToDecimal((1n << 60n) + (1n << 36n) + 1n, 60);
    expect(Math.fround(Number(text))).toBe(1); // the trap
    expect(hex32(parseF32Bits(text))).toBe('0x3f800001');
    expect(hex32(parseF32Bits(`-${text}`))).toBe('0xbf800001');
    // The same just below the midpoint rounds down.
    const below = dyadicToDecimal((1n << 60n) + (1n << 36n) - 1n, 60);
    expect(hex32(parseF32Bits(below))).toBe('0x3f800000');
  });

  it('applies the sign to every kind of value', () => {
    for (const text of ['0', '1.5', '0x1p-149', '1e39', 'inf', 'nan', 'nan:0x1234']) {
      expect(parseF32Bits(`-${text}`)).toBe((parseF32Bits(text) | 0x80000000) >>> 0);
      expect(parseF64Bits(`-${text}`)).toBe(parseF64Bits(text) | 0x8000000000000000n);
      expect(parseF32Bits(`+${text}`)).toBe(parseF32Bits(text));
    }
  });
});

/** The `(module (func (export "f") (result fN) (fN.const LIT)))` + assert_return pairs of const.wast. */
function constWastPairs(): { literal: string; type: 'f32' | 'f64'; expected: WastExpected; line: number }[] {
  const cmds = parseWast(readWast('const.wast'));
  const pairs = [];
  for (let i = 0; i + 1 < cmds.length; i++) {
    const mod = cmds[i]!;
    const next = cmds[i + 1]!;
    if (mod.kind !== 'module' || mod.module.kind !== 'text' || next.kind !== 'assert_return') continue;
    const m = /^\(module \(func \(export "f"\) \(result (f32|f64)\) \((f32|f64)\.const ([^\s()]+)\)\)\)$/.exec(mod.module.text);
    if (!m) continue;
    expect(m[1]).toBe(m[2]);
    expect(next.expected).toHaveLength(1);
    pairs.push({ literal: m[3]!, type: m[1] as 'f32' | 'f64', expected: next.expected[0]!, line: mod.line });
  }
  return pairs;
}

describe('spec testsuite expectations', () => {
  it('const.wast: each module literal rounds to the bits its assert_return expects', () => {
    const pairs = constWastPairs();
    expect(pairs.filter((p) => p.type === 'f32')).toHaveLength(144);
    expect(pairs.filter((p) => p.type === 'f64')).toHaveLength(156);
    for (const { literal, type, expected, line } of pairs) {
      const where = `const.wast:${line} ${literal}`;
      if (type === 'f32') {
        expect(expected, where).toHaveProperty('type', 'f32');
        expect(hex32(parseF32Bits(literal)), where).toBe(hex32((expected as { bits: number }).bits));
      } else {
        expect(expected, where).toHaveProperty('type', 'f64');
        expect(hex64(parseF64Bits(literal)), where).toBe(hex64((expected as { bits: bigint }).bits));
      }
    }
  });

  it('float_literals.wast: each literal gives the bit pattern its function is asserted to return', () => {
    const cmds = parseWast(readWast('float_literals.wast'));
    const first = cmds[0]!;
    if (first.kind !== 'module' || first.module.kind !== 'text') throw new Error('expected a text module first');
    const literals = new Map<string, { type: 'f32' | 'f64'; literal: string }>();
    const patterns = [
      /\(func \(export "([^"]+)"\) \(result i(?:32|64)\) \(i(?:32|64)\.reinterpret_(f32|f64) \((?:f32|f64)\.const ([^\s()]+)\)\)\)/g,
      /\(func \(export "([^"]+)"\) \(result (f32|f64)\) \((?:f32|f64)\.const ([^\s()]+)\)\)/g,
    ];
    for (const pattern of patterns) {
      for (const m of first.module.text.matchAll(pattern)) literals.set(m[1]!, { type: m[2] as 'f32' | 'f64', literal: m[3]! });
    }
    // 82 functions in the first module (float_literals.wast's 83rd invoke targets a binary module).
    expect(literals.size).toBe(82);
    let checked = 0;
    for (const cmd of cmds) {
      if (cmd.kind !== 'assert_return' || cmd.action.kind !== 'invoke') continue;
      const entry = literals.get(cmd.action.name);
      if (entry === undefined) continue;
      const [expected] = cmd.expected;
      const where = `float_literals.wast:${cmd.line} ${entry.literal}`;
      const bits = entry.type === 'f32' ? BigInt(parseF32Bits(entry.literal)) : parseF64Bits(entry.literal);
      if (expected?.type === 'i32' || expected?.type === 'i64') {
        expect(bits, where).toBe(BigInt(expected.value));
      } else if (expected?.type === 'f32' || expected?.type === 'f64') {
        expect('bits' in expected, where).toBe(true);
        expect(bits, where).toBe(BigInt((expected as { bits: number | bigint }).bits));
      } else {
        throw new Error(`unexpected result at ${where}`);
      }
      checked++;
    }
    expect(checked).toBe(82);
  });

  it('every f32/f64 literal in the testsuite is correctly rounded (checked by an independent verifier)', () => {
    const literals = allTestsuiteFloatLiterals();
    const malformedOnPurpose = literalsInAssertMalformed();
    let verified = 0;
    let rejected = 0;
    for (const { type, literal } of literals) {
      let bits: bigint;
      try {
        bits = type === 'f32' ? BigInt(parseF32Bits(literal)) : parseF64Bits(literal);
      } catch {
        // Only literals of assert_malformed modules may be rejected.
        expect(malformedOnPurpose.has(`${type} ${literal}`), `${type} ${literal}`).toBe(true);
        rejected++;
        continue;
      }
      const exact = exactLiteral(literal);
      if (exact === null) {
        expect(literal, 'only inf/nan literals lack an exact value').toMatch(/^[+-]?(inf|nan)/);
        continue;
      }
      expect(checkRounding(exact, bits, type === 'f32' ? F32 : F64), `${type} ${literal}`).toBeNull();
      verified++;
    }
    expect(verified).toBeGreaterThan(2500);
    expect(rejected).toBeGreaterThan(0); // 118 in the current suite, all listed in literalsInAssertMalformed
  });
});

/** Distinct `(f32.const X)` / `(f64.const X)` operands anywhere in the testsuite text. */
function allTestsuiteFloatLiterals(): { type: 'f32' | 'f64'; literal: string }[] {
  const seen = new Set<string>();
  const out: { type: 'f32' | 'f64'; literal: string }[] = [];
  for (const file of wastFiles()) {
    for (const m of readWast(file).matchAll(/\((f32|f64)\.const\s+([^\s()"\\]+)\)/g)) {
      const key = `${m[1]} ${m[2]}`;
      if (seen.has(key) || m[2]!.startsWith('nan:canonical') || m[2]!.startsWith('nan:arithmetic')) continue;
      seen.add(key);
      out.push({ type: m[1] as 'f32' | 'f64', literal: m[2]! });
    }
  }
  return out;
}

/** `type literal` keys of the float literals inside the modules of assert_malformed commands. */
function literalsInAssertMalformed(): Set<string> {
  const keys = new Set<string>();
  for (const file of wastFiles()) {
    for (const cmd of parseWast(readWast(file))) {
      if (cmd.kind !== 'assert_malformed' || cmd.module.kind === 'binary') continue;
      for (const m of cmd.module.text.matchAll(/\((f32|f64)\.const\s+([^\s()"\\]+)\)/g)) keys.add(`${m[1]} ${m[2]}`);
    }
  }
  return keys;
}


// wabt is itself WebAssembly, so this cross-check needs a host engine (absent under --jitless).
describeWithHostWasm('agreement with wabt', () => {
  it('every testsuite float literal that wabt accepts gets the same bits; the rest are overflows or malformed', async () => {
    const wabt = await wabtInit();
    let same = 0;
    let overflow = 0;
    let bothReject = 0;
    for (const { type, literal } of allTestsuiteFloatLiterals()) {
      let ours: bigint | undefined;
      try {
        ours = type === 'f32' ? BigInt(parseF32Bits(literal)) : parseF64Bits(literal);
      } catch {
        ours = undefined;
      }
      let theirs: bigint | undefined;
      try {
        const mod = wabt.parseWat('lit.wat', encodeUtf8(`(module (func (result ${type}) (${type}.const ${literal})))`), {});
        const bin = mod.toBinary({}).buffer;
        mod.destroy();
        // The code section is last and the body ends `… <const bytes> 0x0b`.
        const size = type === 'f32' ? 4 : 8;
        theirs = littleEndian(bin.subarray(bin.length - 1 - size, bin.length - 1));
      } catch {
        theirs = undefined;
      }
      const where = `${type} ${literal}`;
      if (theirs !== undefined) {
        expect(ours === undefined ? 'rejected' : type === 'f32' ? hex32(Number(ours)) : hex64(ours), where).toBe(
          type === 'f32' ? hex32(Number(theirs)) : hex64(theirs),
        );
        same++;
      } else if (ours === undefined) {
        bothReject++;
      } else {
        // wabt rejects literals that overflow (a text-format error); for script values we give ±∞.
        const inf = type === 'f32' ? 0x7f800000n : 0x7ff0000000000000n;
        const sign = type === 'f32' ? 0x80000000n : 0x8000000000000000n;
        expect(ours & ~sign, where).toBe(inf);
        expect(literal, where).not.toMatch(/inf/);
        overflow++;
      }
    }
    expect(same).toBeGreaterThan(2500);
    expect(overflow).toBeGreaterThan(0); // 16 in the current suite (e.g. 0x1p128, 1e309)
    expect(bothReject).toBeGreaterThan(0);
  });
});

function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

describe('properties', () => {
  const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
  const finiteFloat = fc.float({ noNaN: true, noDefaultInfinity: true });
  const print = (x: number, s: string): string => (Object.is(x, -0) ? '-0' : s);

  it('f64: the shortest round-trip decimal of any double parses back to its bits', () => {
    fc.assert(
      fc.property(finiteDouble, (x) => {
        expect(hex64(parseF64Bits(print(x, String(x))))).toBe(hex64(f64Bits(x)));
      }),
      { numRuns: 3000 },
    );
  });

  it('f64: 17 significant digits and the exact hex form parse back to the bits', () => {
    fc.assert(
      fc.property(finiteDouble, (x) => {
        expect(parseF64Bits(print(x, x.toPrecision(17)))).toBe(f64Bits(x));
        expect(parseF64Bits(hexFloat(f64Bits(x), 52, 11))).toBe(f64Bits(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('f32: any float printed with 9 significant digits (or in hex) parses back to its bits', () => {
    fc.assert(
      fc.property(finiteFloat, (x) => {
        const bits = f32Bits(x);
        expect(hex32(parseF32Bits(print(x, x.toPrecision(9))))).toBe(hex32(bits));
        expect(hex32(parseF32Bits(hexFloat(BigInt(bits), 23, 8)))).toBe(hex32(bits));
      }),
      { numRuns: 3000 },
    );
  });

  /** Random decimal literal text: digits, optional fraction, optional exponent, `_` separators. */
  const decimalLiteral = fc
    .record({
      sign: fc.constantFrom('', '+', '-'),
      int: fc.stringMatching(/^[0-9]{1,25}$/),
      frac: fc.option(fc.stringMatching(/^[0-9]{0,25}$/)),
      exp: fc.option(fc.integer({ min: -360, max: 330 })),
      e: fc.constantFrom('e', 'E'),
    })
    .map(({ sign, int, frac, exp, e }) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${e}${exp}`}`);

  it('random decimal literals: f64 equals JS Number(), f32 and f64 pass the rounding verifier', () => {
    fc.assert(
      fc.property(decimalLiteral, (text) => {
        const exact = exactLiteral(text)!;
        const b64 = parseF64Bits(text);
        const jsValue = Number(text.replace(/^\+/, ''));
        expect(hex64(b64)).toBe(hex64(f64Bits(jsValue)));
        expect(checkRounding(exact, b64, F64), text).toBeNull();
        expect(checkRounding(exact, BigInt(parseF32Bits(text)), F32), text).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it('random hex literals pass the rounding verifier', () => {
    const hexLiteral = fc
      .record({
        sign: fc.constantFrom('', '+', '-'),
        int: fc.stringMatching(/^[0-9a-fA-F]{1,20}$/),
        frac: fc.option(fc.stringMatching(/^[0-9a-fA-F]{0,20}$/)),
        exp: fc.option(fc.integer({ min: -1200, max: 1100 })),
      })
      .map(({ sign, int, frac, exp }) => `${sign}0x${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `p${exp}`}`);
    fc.assert(
      fc.property(hexLiteral, (text) => {
        const exact = exactLiteral(text)!;
        expect(checkRounding(exact, parseF64Bits(text), F64), text).toBeNull();
        expect(checkRounding(exact, BigInt(parseF32Bits(text)), F32), text).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it('f32: exact decimal midpoints round to even; a hair above or below decides', () => {
    // Positive finite f32 below the largest one; its midpoint to the next float is a dyadic
    // rational with an exact (long) decimal expansion.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7f7ffffe }), (lowBits) => {
        const [n, k] = f32Scaled(lowBits + 1);
        const [nLow, kLow] = f32Scaled(lowBits);
        // Bring both to the same power of two, then midpoint = (a + b) / 2^(k+1).
        const kk = Math.max(k, kLow);
        const mid = (n << BigInt(kk - k)) + (nLow << BigInt(kk - kLow));
        const text = dyadicToDecimal(mid, kk + 1);
        const even = lowBits % 2 === 0 ? lowBits : lowBits + 1;
        expect(hex32(parseF32Bits(text))).toBe(hex32(even));
        // A hair above: more digits after the exact expansion.
        expect(hex32(parseF32Bits(`${text}000000000000000000001`))).toBe(hex32(lowBits + 1));
        // A hair below: (mid·10^30 − 1) / 2^(k+1) · 10^-30.
        const below = dyadicToDecimal(mid * 10n ** 30n - 1n, kk + 1);
        expect(hex32(parseF32Bits(`${below}e-30`))).toBe(hex32(lowBits));
      }),
      { numRuns: 1500 },
    );
  });
});

/** A positive f32 bit pattern's value as n / 2^k (exact). */
function f32Scaled(bits: number): [bigint, number] {
  const field = bits >>> 23;
  const frac = BigInt(bits & 0x7fffff);
  const sig = field === 0 ? frac : frac | 0x800000n;
  const e = (field === 0 ? 1 : field) - 127 - 23; // value = sig · 2^e
  return e >= 0 ? [sig << BigInt(e), 0] : [sig, -e];
}

/** `0x1.<hex>p<exp>` (or subnormal `0x0.<hex>p<emin>`) spelling of a bit pattern, sign included. */
function hexFloat(bits: bigint, m: number, ebits: number): string {
  const sign = (bits >> BigInt(m + ebits)) & 1n ? '-' : '';
  const field = Number((bits >> BigInt(m)) & ((1n << BigInt(ebits)) - 1n));
  const frac = bits & ((1n << BigInt(m)) - 1n);
  const bias = (1 << (ebits - 1)) - 1;
  const digits = Math.ceil(m / 4);
  const fracHex = (frac << BigInt(digits * 4 - m)).toString(16).padStart(digits, '0');
  if (field === 0) return `${sign}0x0.${fracHex}p${1 - bias}`;
  return `${sign}0x1.${fracHex}p${field - bias}`;
}

describe('float values in scripts', () => {
  it('are carried as bits, with NaN patterns in results only', () => {
    const cmds = parseWast(
      '(assert_return (invoke "f" (f32.const -0x1p-149) (f64.const 1e309))\n' +
        '  (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const -nan:0x1) (f64.const -0.0))',
    );
    expect(cmds).toEqual<WastCommand[]>([
      {
        kind: 'assert_return',
        line: 1,
        action: { kind: 'invoke', name: 'f', args: [{ type: 'f32', bits: 0x80000001 }, { type: 'f64', bits: 0x7ff0000000000000n }] },
        expected: [
          { type: 'f32', nan: 'canonical' },
          { type: 'f64', nan: 'arithmetic' },
          { type: 'f32', bits: 0xff800001 },
          { type: 'f64', bits: 0x8000000000000000n },
        ],
      },
    ]);
    expect(f32FromBits(0x80000001)).toBe(-(2 ** -149));
    expect(f64FromBits(0x8000000000000000n)).toBe(-0);
  });

  it('reject nan:canonical as an argument and malformed literals, with the line', () => {
    expect(() => parseWast('\n(invoke "f" (f32.const nan:canonical))')).toThrow(/^line 2: /);
    expect(() => parseWast('(module)\n\n(assert_return (invoke "f") (f64.const .5))')).toThrow(WastSyntaxError);
    expect(() => parseWast('(assert_return (invoke "f") (f64.const nan:0x0))')).toThrow(/^line 1: .*payload/);
  });
});
