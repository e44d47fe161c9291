/**
 * The reference's i64 lowering sequences, run on the interpreter against BigInt arithmetic:
 * every sequence the compiler can emit (inline or as a snippet body) on edge and random values.
 */
import { describe, expect, it } from 'vitest';
import { Machine, Opcode, RwasmModule, TrapCode, instruction, type Instruction } from '../../src/index.js';
import { I64_SEQUENCES, i64Sequence, type I64SequenceName } from '../../src/format/i64-sequences.js';

const M64 = (1n << 64n) - 1n;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const words = (x: bigint) => [Number(u64(x) & 0xffffffffn), Number(u64(x) >> 32n)];
const bool = (b: boolean) => [b ? 1 : 0];
const clz = (x: bigint) => (x === 0n ? 64 : 64 - x.toString(2).length);
const ctz = (x: bigint) => (x === 0n ? 64 : x.toString(2).length - 1 - x.toString(2).lastIndexOf('1'));

type Expected = number[] | TrapCode;
const binary: Partial<Record<I64SequenceName, (a: bigint, b: bigint) => Expected>> = {
  eq: (a, b) => bool(a === b),
  ne: (a, b) => bool(a !== b),
  ltS: (a, b) => bool(s64(a) < s64(b)),
  ltU: (a, b) => bool(a < b),
  gtS: (a, b) => bool(s64(a) > s64(b)),
  gtU: (a, b) => bool(a > b),
  leS: (a, b) => bool(s64(a) <= s64(b)),
  leU: (a, b) => bool(a <= b),
  geS: (a, b) => bool(s64(a) >= s64(b)),
  geU: (a, b) => bool(a >= b),
  add: (a, b) => words(a + b),
  sub: (a, b) => words(a - b),
  mul: (a, b) => words(a * b),
  and: (a, b) => words(a & b),
  or: (a, b) => words(a | b),
  xor: (a, b) => words(a ^ b),
  divS: (a, b) => (b === 0n ? TrapCode.IntegerDivisionByZero : s64(a) === -(2n ** 63n) && s64(b) === -1n ? TrapCode.IntegerOverflow : words(s64(a) / s64(b))),
  divU: (a, b) => (b === 0n ? TrapCode.IntegerDivisionByZero : words(a / b)),
  remS: (a, b) => (b === 0n ? TrapCode.IntegerDivisionByZero : words(s64(a) % s64(b))),
  remU: (a, b) => (b === 0n ? TrapCode.IntegerDivisionByZero : words(a % b)),
  shl: (a, b) => words(a << (b & 63n)),
  shrS: (a, b) => words(s64(a) >> (b & 63n)),
  shrU: (a, b) => words(a >> (b & 63n)),
  rotl: (a, b) => words((a << (b & 63n)) | (a >> ((64n - (b & 63n)) & 63n))),
  rotr: (a, b) => words((a >> (b & 63n)) | (a << ((64n - (b & 63n)) & 63n))),
};
const unary: Partial<Record<I64SequenceName, (a: bigint) => Expected>> = {
  eqz: (a) => bool(a === 0n),
  clz: (a) => words(BigInt(clz(a))),
  ctz: (a) => words(BigInt(ctz(a))),
  popcnt: (a) => words(BigInt(a.toString(2).split('').filter((c) => c === '1').length)),
  extend8S: (a) => words(BigInt.asIntN(8, a)),
  extend16S: (a) => words(BigInt.asIntN(16, a)),
  extend32S: (a) => words(BigInt.asIntN(32, a)),
};

const EDGES = [0n, 1n, 2n, 3n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fn, 0x80n, 0xffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x1_00000000n, 0x1_00000001n, 0x7fffffff_ffffffffn, 0x80000000_00000000n, 0x80000000_00000001n, M64, M64 - 1n,
  0xdeadbeef_cafebaben, 0x00000001_ffffffffn, 0xfffffffe_00000000n];

function random(count: number, seed: bigint): bigint[] {
  const out: bigint[] = [];
  let x = seed;
  for (let i = 0; i < count; i++) {
    x ^= (x << 13n) & M64;
    x ^= x >> 7n;
    x ^= (x << 17n) & M64;
    // vary the magnitude so small and mixed-width values are common too
    out.push(i % 3 === 0 ? x : i % 3 === 1 ? x & 0xffffffffn : x >> BigInt(i % 64));
  }
  return out;
}

function machineFor(name: I64SequenceName): Machine {
  const seq = i64Sequence(name);
  const code: Instruction[] = seq.codes.map((c, i) => instruction(c, seq.bits[i]));
  code.push(instruction(Opcode.Return));
  return new Machine(new RwasmModule({ code }));
}

function run(machine: Machine, stack: number[], resultWords: number): Expected {
  const outcome = machine.run({ params: stack, resultWords });
  if (outcome.status === 'trapped') return outcome.trap;
  if (outcome.status !== 'returned') throw new Error(outcome.status);
  expect(machine.sp).toBe(0);
  return Array.from(outcome.results);
}

const values = [...EDGES, ...random(120, 0x243f6a8885a308d3n)];

describe('binary i64 sequences', () => {
  for (const [name, oracle] of Object.entries(binary) as [I64SequenceName, (a: bigint, b: bigint) => Expected][]) {
    it(`${name} (${I64_SEQUENCES[name].code.split(' ').length} instructions)`, () => {
      const machine = machineFor(name);
      const resultWords = ['eq', 'ne', 'ltS', 'ltU', 'gtS', 'gtU', 'leS', 'leU', 'geS', 'geU'].includes(name) ? 1 : 2;
      for (const a of values) {
        for (const b of values.slice(0, 40)) {
          expect(run(machine, [...words(a), ...words(b)], resultWords), `${name}(${a}, ${b})`).toEqual(oracle(a, b));
        }
      }
    });
  }
});

describe('unary i64 sequences', () => {
  for (const [name, oracle] of Object.entries(unary) as [I64SequenceName, (a: bigint) => Expected][]) {
    it(name, () => {
      const machine = machineFor(name);
      const resultWords = name === 'eqz' ? 1 : 2;
      for (const a of values) expect(run(machine, words(a), resultWords), `${name}(${a})`).toEqual(oracle(a));
    });
  }

  it('extend_i32_s / extend_i32_u', () => {
    const s = machineFor('extendI32S');
    const u = machineFor('extendI32U');
    for (const x of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 12345, 0xfedcba98]) {
      expect(run(s, [x], 2)).toEqual(words(BigInt.asIntN(32, BigInt(x))));
      expect(run(u, [x], 2)).toEqual(words(BigInt(x)));
    }
  });
});
