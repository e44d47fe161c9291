/**
 * FPU opcodes (FPU switched on), on their tricky edges: bit-exact sign ops and NaN operands,
 * round-half-even, −0, truncation bounds, and single rounding of 64-bit integer conversions.
 */
import { describe, expect, it } from 'vitest';
import { TrapCode, ins, type Instruction } from '../../src/index.js';
import { exec } from '../support/run.js';

const view = new DataView(new ArrayBuffer(8));
const f32 = (x: number) => { view.setFloat32(0, x, true); return view.getUint32(0, true); };
const f32v = (bits: number) => { view.setUint32(0, bits >>> 0, true); return view.getFloat32(0, true); };
const f64 = (x: number) => { view.setFloat64(0, x, true); return [view.getUint32(0, true), view.getUint32(4, true)]; };
const f64v = (lo: number, hi: number) => { view.setUint32(0, lo >>> 0, true); view.setUint32(4, hi >>> 0, true); return view.getFloat64(0, true); };
const i64 = (x: bigint) => [Number(BigInt.asUintN(64, x) & 0xffffffffn), Number(BigInt.asUintN(64, x) >> 32n)];

function run(op: Instruction, stack: number[], resultWords: number): number[] | TrapCode {
  const { outcome } = exec([op, ins.Return()], { stack, resultWords, fpu: true });
  if (outcome.status === 'trapped') return outcome.trap;
  if (outcome.status !== 'returned') throw new Error(outcome.status);
  return Array.from(outcome.results);
}

const NAN_PAYLOAD_32 = 0x7fa00001; // a signalling NaN with a payload
const NEG_QNAN_32 = 0xffc00123;

describe('f32', () => {
  it('arithmetic rounds once to single precision', () => {
    expect(run(ins.F32Add(), [f32(0.1), f32(0.2)], 1)).toEqual([0x3e99999a]);
    expect(run(ins.F32Sub(), [f32(1), f32(2 ** -30)], 1)).toEqual([f32(1)]);
    expect(run(ins.F32Mul(), [f32(3.4e38), f32(2)], 1)).toEqual([0x7f800000]);
    expect(run(ins.F32Div(), [f32(1), f32(3)], 1)).toEqual([0x3eaaaaab]);
    expect(run(ins.F32Div(), [f32(-1), f32(0)], 1)).toEqual([0xff800000]);
    expect(run(ins.F32Sqrt(), [f32(2)], 1)).toEqual([0x3fb504f3]);
  });

  it('comparisons are false with NaN except Ne', () => {
    const nan = 0x7fc00000;
    for (const [op, expected] of [[ins.F32Eq(), 0], [ins.F32Ne(), 1], [ins.F32Lt(), 0], [ins.F32Gt(), 0], [ins.F32Le(), 0], [ins.F32Ge(), 0]] as const) {
      expect(run(op, [nan, f32(1)], 1)).toEqual([expected]);
    }
    expect(run(ins.F32Eq(), [f32(-0), f32(0)], 1)).toEqual([1]);
    expect(run(ins.F32Lt(), [f32(-1), f32(2)], 1)).toEqual([1]);
    expect(run(ins.F32Ge(), [f32(2), f32(2)], 1)).toEqual([1]);
  });

  it('abs, neg and copysign work on bits and keep NaN payloads', () => {
    expect(run(ins.F32Abs(), [0xffa00001], 1)).toEqual([NAN_PAYLOAD_32]);
    expect(run(ins.F32Neg(), [NAN_PAYLOAD_32], 1)).toEqual([0xffa00001]);
    expect(run(ins.F32Neg(), [f32(0)], 1)).toEqual([0x80000000]);
    expect(run(ins.F32Copysign(), [NAN_PAYLOAD_32, f32(-1)], 1)).toEqual([0xffa00001]);
    expect(run(ins.F32Copysign(), [f32(-2), f32(0)], 1)).toEqual([f32(2)]);
  });

  it('min/max order −0 below +0 and return a lone NaN operand unchanged', () => {
    expect(run(ins.F32Min(), [f32(0), f32(-0)], 1)).toEqual([0x80000000]);
    expect(run(ins.F32Min(), [f32(-0), f32(0)], 1)).toEqual([0x80000000]);
    expect(run(ins.F32Max(), [f32(-0), f32(0)], 1)).toEqual([0]);
    expect(run(ins.F32Max(), [f32(0), f32(-0)], 1)).toEqual([0]);
    expect(run(ins.F32Min(), [NAN_PAYLOAD_32, f32(1)], 1)).toEqual([NAN_PAYLOAD_32]);
    expect(run(ins.F32Max(), [f32(1), NEG_QNAN_32], 1)).toEqual([NEG_QNAN_32]);
    expect(run(ins.F32Min(), [f32(-3), f32(2)], 1)).toEqual([f32(-3)]);
    expect(run(ins.F32Max(), [f32(-3), f32(2)], 1)).toEqual([f32(2)]);
  });

  it('ceil, floor, trunc and nearest (round half to even, sign of zero kept)', () => {
    const cases: Array<[Instruction, number, number]> = [
      [ins.F32Ceil(), -0.5, -0], [ins.F32Ceil(), 1.1, 2], [ins.F32Floor(), -1.1, -2], [ins.F32Floor(), 0.5, 0],
      [ins.F32Trunc(), -1.9, -1], [ins.F32Trunc(), -0.9, -0],
      [ins.F32Nearest(), 0.5, 0], [ins.F32Nearest(), 1.5, 2], [ins.F32Nearest(), 2.5, 2], [ins.F32Nearest(), -0.5, -0],
      [ins.F32Nearest(), -1.5, -2], [ins.F32Nearest(), -2.5, -2], [ins.F32Nearest(), 0.49999997, 0], [ins.F32Nearest(), 8388609, 8388609],
      [ins.F32Nearest(), -0.2, -0],
    ];
    for (const [op, input, expected] of cases) expect(run(op, [f32(input)], 1), `${input}`).toEqual([f32(expected)]);
  });
});

describe('f64', () => {
  it('arithmetic, min/max and bit ops on two-word values', () => {
    expect(run(ins.F64Add(), [...f64(0.1), ...f64(0.2)], 2)).toEqual(f64(0.30000000000000004));
    expect(run(ins.F64Div(), [...f64(1), ...f64(-0)], 2)).toEqual(f64(-Infinity));
    expect(Number.isNaN(f64v(...(run(ins.F64Sqrt(), [...f64(-1)], 2) as [number, number])))).toBe(true);
    expect(run(ins.F64Min(), [...f64(0), ...f64(-0)], 2)).toEqual(f64(-0));
    expect(run(ins.F64Max(), [...f64(-0), ...f64(0)], 2)).toEqual(f64(0));
    expect(run(ins.F64Min(), [0x1, 0x7ff00000, ...f64(5)], 2)).toEqual([0x1, 0x7ff00000]);
    expect(run(ins.F64Max(), [...f64(5), 0x2, 0xfff40000], 2)).toEqual([0x2, 0xfff40000]);
    expect(run(ins.F64Neg(), [0x1, 0x7ff00000], 2)).toEqual([0x1, 0xfff00000]);
    expect(run(ins.F64Abs(), [0x1, 0xfff00000], 2)).toEqual([0x1, 0x7ff00000]);
    expect(run(ins.F64Copysign(), [...f64(3), ...f64(-0)], 2)).toEqual(f64(-3));
    expect(run(ins.F64Nearest(), [...f64(-2.5)], 2)).toEqual(f64(-2));
    expect(run(ins.F64Nearest(), [...f64(4503599627370497)], 2)).toEqual(f64(4503599627370497));
    expect(run(ins.F64Floor(), [...f64(-0.5)], 2)).toEqual(f64(-1));
  });

  it('comparisons leave one word', () => {
    expect(run(ins.F64Lt(), [...f64(1), ...f64(2)], 1)).toEqual([1]);
    expect(run(ins.F64Ne(), [...f64(NaN), ...f64(NaN)], 1)).toEqual([1]);
    expect(run(ins.F64Le(), [...f64(NaN), ...f64(1)], 1)).toEqual([0]);
    expect(run(ins.F64Eq(), [...f64(-0), ...f64(0)], 1)).toEqual([1]);
  });
});

describe('conversions', () => {
  it('non-saturating truncations trap at the reference bounds and on NaN', () => {
    expect(run(ins.I32TruncF32S(), [f32(-2147483904)], 1)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I32TruncF32S(), [f32(-2147483648)], 1)).toEqual([0x80000000]);
    expect(run(ins.I32TruncF32S(), [f32(2147483648)], 1)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I32TruncF32U(), [f32(-0.99)], 1)).toEqual([0]);
    expect(run(ins.I32TruncF32U(), [f32(-1)], 1)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I32TruncF64S(), [...f64(-2147483648.9)], 1)).toEqual([0x80000000]);
    expect(run(ins.I32TruncF64S(), [...f64(-2147483649)], 1)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I32TruncF64U(), [...f64(4294967295.9)], 1)).toEqual([0xffffffff]);
    expect(run(ins.I32TruncF64U(), [...f64(NaN)], 1)).toBe(TrapCode.BadConversionToInteger);
    expect(run(ins.I64TruncF32S(), [f32(-9223372036854775808)], 2)).toEqual(i64(-(2n ** 63n)));
    expect(run(ins.I64TruncF32S(), [f32(9223372036854775808)], 2)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I64TruncF32U(), [f32(18446742974197923840)], 2)).toEqual(i64(18446742974197923840n));
    expect(run(ins.I64TruncF64S(), [...f64(-9223372036854775808)], 2)).toEqual(i64(-(2n ** 63n)));
    expect(run(ins.I64TruncF64S(), [...f64(-9223372036854777856)], 2)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I64TruncF64U(), [...f64(18446744073709549568)], 2)).toEqual(i64(0xfffffffffffff800n));
    expect(run(ins.I64TruncF64U(), [...f64(18446744073709551616)], 2)).toBe(TrapCode.IntegerOverflow);
    expect(run(ins.I64TruncF64U(), [...f64(-0.5)], 2)).toEqual([0, 0]);
  });

  it('saturating truncations clamp and map NaN to 0', () => {
    expect(run(ins.I32TruncSatF32S(), [0x7fc00000], 1)).toEqual([0]);
    expect(run(ins.I32TruncSatF32S(), [f32(-Infinity)], 1)).toEqual([0x80000000]);
    expect(run(ins.I32TruncSatF32U(), [f32(5e9)], 1)).toEqual([0xffffffff]);
    expect(run(ins.I32TruncSatF32U(), [f32(-5)], 1)).toEqual([0]);
    expect(run(ins.I32TruncSatF64S(), [...f64(-7.9)], 1)).toEqual([(-7) >>> 0]);
    expect(run(ins.I32TruncSatF64U(), [...f64(Infinity)], 1)).toEqual([0xffffffff]);
    expect(run(ins.I64TruncSatF32S(), [f32(1e30)], 2)).toEqual(i64(2n ** 63n - 1n));
    expect(run(ins.I64TruncSatF32U(), [f32(-1e30)], 2)).toEqual([0, 0]);
    expect(run(ins.I64TruncSatF64S(), [...f64(-1e300)], 2)).toEqual(i64(-(2n ** 63n)));
    expect(run(ins.I64TruncSatF64U(), [...f64(12345678901234.7)], 2)).toEqual(i64(12345678901234n));
    expect(run(ins.I64TruncSatF64U(), [...f64(NaN)], 2)).toEqual([0, 0]);
  });

  it('integer to float conversions round once', () => {
    expect(run(ins.F32ConvertI32S(), [-1], 1)).toEqual([f32(-1)]);
    expect(run(ins.F32ConvertI32U(), [0xffffffff], 1)).toEqual([f32(4294967296)]);
    expect(run(ins.F32ConvertI32S(), [16777217], 1)).toEqual([f32(16777216)]);
    // 2^63 + 2^39 + 1 lies just above a tie; rounding through a double first would land on 2^63
    expect(run(ins.F32ConvertI64U(), i64(2n ** 63n + 2n ** 39n + 1n), 1)).toEqual([0x5f000001]);
    // just above the tie between −2^53 and −(2^53 + 2^30): the larger magnitude wins
    expect(run(ins.F32ConvertI64S(), i64(-(2n ** 53n) - 2n ** 29n - 1n), 1)).toEqual([f32(-9007200328482816)]);
    expect(run(ins.F32ConvertI64S(), i64(-(2n ** 53n) - 2n ** 29n), 1)).toEqual([f32(-9007199254740992)]);
    expect(run(ins.F64ConvertI64U(), i64(2n ** 64n - 1n), 2)).toEqual(f64(18446744073709551616));
    expect(run(ins.F64ConvertI64S(), i64(2n ** 53n + 1n), 2)).toEqual(f64(9007199254740992));
    expect(run(ins.F64ConvertI64S(), i64(2n ** 53n + 3n), 2)).toEqual(f64(9007199254740996));
    expect(run(ins.F64ConvertI32U(), [0x80000000], 2)).toEqual(f64(2147483648));
    expect(run(ins.F64ConvertI32S(), [0x80000000], 2)).toEqual(f64(-2147483648));
  });

  it('demote rounds to nearest, promote is exact', () => {
    expect(run(ins.F32DemoteF64(), [...f64(1 + 2 ** -24)], 1)).toEqual([f32(1)]);
    expect(run(ins.F32DemoteF64(), [...f64(1 + 2 ** -24 + 2 ** -50)], 1)).toEqual([f32(1 + 2 ** -23)]);
    expect(run(ins.F64PromoteF32(), [f32(0.1)], 2)).toEqual(f64(f32v(f32(0.1))));
    const promotedNaN = run(ins.F64PromoteF32(), [0x7fc00000], 2) as number[];
    expect(Number.isNaN(f64v(promotedNaN[0]!, promotedNaN[1]!))).toBe(true);
  });
});

describe('FPU memory access', () => {
  it('stores and loads are bit-exact, NaN payloads included, and bounds-checked', () => {
    const code = [
      ins.I32Const(1), ins.MemoryGrow(), ins.Drop(),
      ins.I32Const(0), ins.I32Const(NAN_PAYLOAD_32), ins.F32Store(0),
      ins.I32Const(8), ins.I32Const(0x1), ins.I32Const(0x7ff00000), ins.F64Store(0),
      ins.I32Const(0), ins.F32Load(0), ins.I32Const(4), ins.F64Load(4),
      ins.Return(),
    ];
    const { outcome } = exec(code, { resultWords: 3, fpu: true });
    expect(outcome).toEqual({ status: 'returned', results: Uint32Array.from([NAN_PAYLOAD_32, 0x1, 0x7ff00000]) });
    expect(run(ins.F64Load(0), [0], 2)).toBe(TrapCode.MemoryOutOfBounds);
  });
});
