/**
 * Every integer ALU opcode on edge values, checked against an independent BigInt formula.
 */
import { describe, expect, it } from 'vitest';
import { Machine, RwasmModule, TrapCode, ins, type Instruction, type RunOutcome } from '../../src/index.js';

const EDGES = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
  0x12345678, 0x7fffffff, 0x80000000, 0x80000001, 0xdeadbeef, 0xfffffffe, 0xffffffff, 0xaaaaaaaa, 0x55555555];

const M32 = (1n << 32n) - 1n;
const U = (x: number) => BigInt(x >>> 0);
const S = (x: number) => BigInt(x | 0);
const wrap = (x: bigint) => Number(x & M32);
const bits = (x: number) => (x >>> 0).toString(2).padStart(32, '0');

type Expect = number[] | TrapCode;

function machineFor(op: Instruction): Machine {
  return new Machine(new RwasmModule({ code: [op, ins.Return()] }));
}

function run(machine: Machine, stack: number[], resultWords: number): Expect {
  const outcome: RunOutcome = machine.run({ params: stack, resultWords });
  if (outcome.status === 'trapped') return outcome.trap;
  if (outcome.status !== 'returned') throw new Error(`unexpected ${outcome.status}`);
  return Array.from(outcome.results);
}

const binary: Array<[string, Instruction, (a: number, b: number) => Expect]> = [
  ['I32Eq', ins.I32Eq(), (a, b) => [U(a) === U(b) ? 1 : 0]],
  ['I32Ne', ins.I32Ne(), (a, b) => [U(a) !== U(b) ? 1 : 0]],
  ['I32LtS', ins.I32LtS(), (a, b) => [S(a) < S(b) ? 1 : 0]],
  ['I32LtU', ins.I32LtU(), (a, b) => [U(a) < U(b) ? 1 : 0]],
  ['I32GtS', ins.I32GtS(), (a, b) => [S(a) > S(b) ? 1 : 0]],
  ['I32GtU', ins.I32GtU(), (a, b) => [U(a) > U(b) ? 1 : 0]],
  ['I32LeS', ins.I32LeS(), (a, b) => [S(a) <= S(b) ? 1 : 0]],
  ['I32LeU', ins.I32LeU(), (a, b) => [U(a) <= U(b) ? 1 : 0]],
  ['I32GeS', ins.I32GeS(), (a, b) => [S(a) >= S(b) ? 1 : 0]],
  ['I32GeU', ins.I32GeU(), (a, b) => [U(a) >= U(b) ? 1 : 0]],
  ['I32Add', ins.I32Add(), (a, b) => [wrap(U(a) + U(b))]],
  ['I32Sub', ins.I32Sub(), (a, b) => [wrap(U(a) - U(b))]],
  ['I32Mul', ins.I32Mul(), (a, b) => [wrap(U(a) * U(b))]],
  ['I32DivS', ins.I32DivS(), (a, b) => (S(b) === 0n ? TrapCode.IntegerDivisionByZero : S(a) === -(2n ** 31n) && S(b) === -1n ? TrapCode.IntegerOverflow : [wrap(S(a) / S(b))])],
  ['I32DivU', ins.I32DivU(), (a, b) => (U(b) === 0n ? TrapCode.IntegerDivisionByZero : [wrap(U(a) / U(b))])],
  ['I32RemS', ins.I32RemS(), (a, b) => (S(b) === 0n ? TrapCode.IntegerDivisionByZero : [wrap(S(a) % S(b))])],
  ['I32RemU', ins.I32RemU(), (a, b) => (U(b) === 0n ? TrapCode.IntegerDivisionByZero : [wrap(U(a) % U(b))])],
  ['I32And', ins.I32And(), (a, b) => [wrap(U(a) & U(b))]],
  ['I32Or', ins.I32Or(), (a, b) => [wrap(U(a) | U(b))]],
  ['I32Xor', ins.I32Xor(), (a, b) => [wrap(U(a) ^ U(b))]],
  ['I32Shl', ins.I32Shl(), (a, b) => [wrap(U(a) << (U(b) % 32n))]],
  ['I32ShrS', ins.I32ShrS(), (a, b) => [wrap(S(a) >> (U(b) % 32n))]],
  ['I32ShrU', ins.I32ShrU(), (a, b) => [wrap(U(a) >> (U(b) % 32n))]],
  ['I32Rotl', ins.I32Rotl(), (a, b) => { const k = U(b) % 32n; return [wrap((U(a) << k) | (U(a) >> ((32n - k) % 32n)))]; }],
  ['I32Rotr', ins.I32Rotr(), (a, b) => { const k = U(b) % 32n; return [wrap((U(a) >> k) | (U(a) << ((32n - k) % 32n)))]; }],
  ['I32Mul64', ins.I32Mul64(), (a, b) => { const p = U(a) * U(b); return [wrap(p), wrap(p >> 32n)]; }],
  ['I32Add64', ins.I32Add64(), (a, b) => { const s = U(a) + U(b); return [wrap(s), wrap(s >> 32n)]; }],
];

const unary: Array<[string, Instruction, (a: number) => Expect]> = [
  ['I32Eqz', ins.I32Eqz(), (a) => [U(a) === 0n ? 1 : 0]],
  ['I32Clz', ins.I32Clz(), (a) => [bits(a).indexOf('1') === -1 ? 32 : bits(a).indexOf('1')]],
  ['I32Ctz', ins.I32Ctz(), (a) => [bits(a).lastIndexOf('1') === -1 ? 32 : 31 - bits(a).lastIndexOf('1')]],
  ['I32Popcnt', ins.I32Popcnt(), (a) => [bits(a).split('').filter((c) => c === '1').length]],
  ['I32Extend8S', ins.I32Extend8S(), (a) => [wrap(BigInt.asIntN(8, U(a)))]],
  ['I32Extend16S', ins.I32Extend16S(), (a) => [wrap(BigInt.asIntN(16, U(a)))]],
  ['I32WrapI64', ins.I32WrapI64(), (a) => [a >>> 0]],
];

describe('binary ALU ops on edge values', () => {
  for (const [name, op, oracle] of binary) {
    it(name, () => {
      const machine = machineFor(op);
      const width = name.endsWith('64') ? 2 : 1;
      for (const a of EDGES) {
        for (const b of EDGES) {
          expect(run(machine, [a, b], width), `${name}(${a}, ${b})`).toEqual(oracle(a, b));
        }
      }
    });
  }
});

describe('unary ALU ops on edge values', () => {
  for (const [name, op, oracle] of unary) {
    it(name, () => {
      const machine = machineFor(op);
      for (const a of EDGES) expect(run(machine, [a], 1), `${name}(${a})`).toEqual(oracle(a));
    });
  }
});
