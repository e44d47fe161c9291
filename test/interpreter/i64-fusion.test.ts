/**
 * Calls of the compiler's i64 snippet functions run natively in plain programs. They must give
 * exactly what the snippets give: checked against the same programs run unfused (a traced
 * preparation never fuses) and against BigInt, on edge values and random ones, including the
 * trapping and stack-limit cases that go to the snippet itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Machine, TrapCode, compileWasm, type RwasmModule } from '../../src/index.js';
import { Op } from '../../src/interpreter/execute.js';
import { T, buildWasm, op } from '../support/wasm-builder.js';

const OPS = {
  add: 0x7c, sub: 0x7d, mul: 0x7e, divS: 0x7f, divU: 0x80, remS: 0x81, remU: 0x82,
  shl: 0x86, shrS: 0x87, shrU: 0x88, rotl: 0x89, rotr: 0x8a,
  eq: 0x51, ne: 0x52, ltS: 0x53, ltU: 0x54, gtS: 0x55, gtU: 0x56, leS: 0x57, leU: 0x58, geS: 0x59, geU: 0x5a,
} as const;
const COMPARES = new Set(['eq', 'ne', 'ltS', 'ltU', 'gtS', 'gtU', 'leS', 'leU', 'geS', 'geU']);

const M = 1n << 64n;
const s = (x: bigint) => BigInt.asIntN(64, x);
const u = (x: bigint) => BigInt.asUintN(64, x);
function reference(name: keyof typeof OPS, a: bigint, b: bigint): bigint | 'trap' {
  const k = u(b) & 63n;
  switch (name) {
    case 'add': return u(a + b);
    case 'sub': return u(a - b);
    case 'mul': return u(a * b);
    case 'divS': return b === 0n || (s(a) === -(1n << 63n) && s(b) === -1n) ? 'trap' : u(s(a) / s(b));
    case 'divU': return b === 0n ? 'trap' : u(a) / u(b);
    case 'remS': return b === 0n ? 'trap' : u(s(b) === -1n ? 0n : s(a) % s(b));
    case 'remU': return b === 0n ? 'trap' : u(a) % u(b);
    case 'shl': return u(a << k);
    case 'shrS': return u(s(a) >> k);
    case 'shrU': return u(a) >> k;
    case 'rotl': return u((u(a) << k) | (u(a) >> ((64n - k) % 64n)));
    case 'rotr': return u((u(a) >> k) | (u(a) << ((64n - k) % 64n)));
    case 'eq': return a === b ? 1n : 0n;
    case 'ne': return a !== b ? 1n : 0n;
    case 'ltS': return s(a) < s(b) ? 1n : 0n;
    case 'ltU': return u(a) < u(b) ? 1n : 0n;
    case 'gtS': return s(a) > s(b) ? 1n : 0n;
    case 'gtU': return u(a) > u(b) ? 1n : 0n;
    case 'leS': return s(a) <= s(b) ? 1n : 0n;
    case 'leU': return u(a) <= u(b) ? 1n : 0n;
    case 'geS': return s(a) >= s(b) ? 1n : 0n;
    case 'geU': return u(a) >= u(b) ? 1n : 0n;
  }
}

const modules = new Map<string, RwasmModule>();
function moduleFor(name: keyof typeof OPS): RwasmModule {
  let module = modules.get(name);
  if (!module) {
    const result = COMPARES.has(name) ? T.i32 : T.i64;
    const wasm = buildWasm({
      types: [[[T.i64, T.i64], [result]]],
      funcs: [{ type: 0, body: [op.localGet(0), op.localGet(1), [OPS[name]]] }],
      exports: [{ name: 'main', kind: 'func', index: 0 }],
    });
    module = compileWasm(wasm, { entrypointName: 'main' }).module;
    modules.set(name, module);
  }
  return module;
}

const words = (x: bigint) => [Number(u(x) & 0xffffffffn), Number(u(x) >> 32n)];
function run(name: keyof typeof OPS, a: bigint, b: bigint, traced: boolean): bigint | 'trap' {
  const module = moduleFor(name);
  const machine = new Machine(module, traced ? { trace: () => {} } : {});
  const outcome = machine.run({ params: [...words(a), ...words(b)], resultWords: COMPARES.has(name) ? 1 : 2 });
  if (outcome.status === 'trapped') return 'trap';
  if (outcome.status !== 'returned') throw new Error(outcome.status);
  const [lo, hi = 0] = outcome.results;
  return (BigInt(hi) << 32n) | BigInt(lo!);
}

const EDGES = [0n, 1n, 2n, 31n, 32n, 33n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, (1n << 63n) - 1n, 1n << 63n, M - 1n, M - 2n, 0x123456789abcdef0n];

describe('i64 snippet calls run natively', () => {
  it('plain programs use the native operation; traced ones call the snippet', () => {
    const module = moduleFor('mul');
    expect(Array.from(new Machine(module).program.code)).toContain(Op.I64Snippet);
    expect(Array.from(new Machine(module, { trace: () => {} }).program.code)).not.toContain(Op.I64Snippet);
  });

  for (const name of Object.keys(OPS) as (keyof typeof OPS)[]) {
    it(`${name}: native = snippet = BigInt, on edge values and random ones`, () => {
      for (const a of EDGES) {
        for (const b of EDGES) {
          const want = reference(name, a, b);
          expect(run(name, a, b, false)).toBe(want);
          expect(run(name, a, b, true)).toBe(want);
        }
      }
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: M - 1n }), fc.bigInt({ min: 0n, max: M - 1n }), (a, b) => {
          const want = reference(name, a, b);
          expect(run(name, a, b, false)).toBe(want);
        }),
        { seed: name.length * 977, numRuns: 200 },
      );
    });
  }

  it('a division trap comes from the snippet, at the same pc as unfused', () => {
    const module = moduleFor('divS');
    const fused = new Machine(module).run({ params: [1, 0, 0, 0], resultWords: 2 });
    const unfused = new Machine(module, { trace: () => {} }).run({ params: [1, 0, 0, 0], resultWords: 2 });
    expect(fused).toMatchObject({ status: 'trapped', trap: TrapCode.IntegerDivisionByZero });
    expect(fused).toEqual(unfused);
  });
});
