/**
 * The differential harness itself: V8's trap messages map to our trap kinds, outcomes compare
 * as intended, and a disagreement (in results or in memory) is reported rather than missed.
 */
import { expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { DiffProgram, disagreements, loadWabt, sameOutcome, watToWasm, type EngineRun } from './harness.js';

const V8_TRAPS: [string, string][] = [
  ['(func (export "run") unreachable)', 'UnreachableCodeReached'],
  ['(func (export "run") (drop (i32.div_u (i32.const 1) (i32.const 0))))', 'IntegerDivisionByZero'],
  ['(func (export "run") (drop (i64.rem_s (i64.const 1) (i64.const 0))))', 'IntegerDivisionByZero'],
  ['(func (export "run") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))', 'IntegerOverflow'],
  ['(func (export "run") (drop (i32.trunc_f32_s (f32.const nan))))', 'BadConversionToInteger|IntegerOverflow'],
  ['(memory 1) (func (export "run") (drop (i32.load (i32.const 65533))))', 'MemoryOutOfBounds'],
  ['(memory 1) (func (export "run") (memory.fill (i32.const 65535) (i32.const 0) (i32.const 2)))', 'MemoryOutOfBounds'],
  ['(type $t (func)) (table 1 funcref) (func (export "run") (call_indirect (type $t) (i32.const 1)))', 'TableOutOfBounds'],
  ['(type $t (func)) (table 1 funcref) (func (export "run") (call_indirect (type $t) (i32.const 0)))', 'IndirectCallToNull|BadSignature'],
  ['(table 1 funcref) (func (export "run") (table.set (i32.const 1) (ref.null func)))', 'TableOutOfBounds'],
  ['(func $f (export "run") (call $f))', 'StackOverflow'],
  ['(memory 1) (data (i32.const 65535) "ab") (func (export "run"))', 'MemoryOutOfBounds'],
];

const values = (...v: bigint[]): EngineRun => ({ outcome: { kind: 'values', values: v } });
const trap = (t: string): EngineRun => ({ outcome: { kind: 'trap', trap: t } });

describeWithHostWasm('differential harness', () => {
  it('maps every V8 trap message to our trap kind, and both engines agree on them', async () => {
    const wabt = await loadWabt();
    for (const [body, kind] of V8_TRAPS) {
      const program = new DiffProgram(watToWasm(wabt, `(module ${body})`));
      const v8 = program.runV8([]).outcome;
      expect(v8, body).toEqual({ kind: 'trap', trap: kind });
      expect(program.compare([]).mismatches, body).toEqual([]);
    }
  });

  it('compares outcomes: values by bits, traps by kind (V8 may allow several)', () => {
    expect(sameOutcome(values(1n, 2n).outcome, values(1n, 2n).outcome)).toBe(true);
    expect(sameOutcome(values(1n, 2n).outcome, values(1n, 3n).outcome)).toBe(false);
    expect(sameOutcome(values(1n).outcome, values(1n, 0n).outcome)).toBe(false);
    expect(sameOutcome(trap('A|B').outcome, trap('B').outcome)).toBe(true);
    expect(sameOutcome(trap('A|B').outcome, trap('C').outcome)).toBe(false);
    expect(sameOutcome(trap('A').outcome, values(0n).outcome)).toBe(false);
    expect(sameOutcome(values(0n).outcome, trap('A').outcome)).toBe(false);
  });

  it('reports differing results, and differing memory behind equal results', () => {
    expect(disagreements('x', [1], values(5n), values(6n))).toEqual(['x: run(1): V8 [0x5], ours [0x6]']);
    const mem = (bytes: number[]): EngineRun => ({ ...values(0n), memory: Uint8Array.from(bytes) });
    expect(disagreements('x', [], mem([1, 2, 3]), mem([1, 2, 3]))).toEqual([]);
    expect(disagreements('x', [], mem([1, 2, 3]), mem([1, 9, 3]))).toEqual(['x: run(): both [0x0], but memory differs: first at byte 1: V8 2, ours 9']);
  });

  it('normalizes i32/i64/f32/f64 arguments and results the same way on both sides', async () => {
    const wabt = await loadWabt();
    const program = new DiffProgram(
      watToWasm(wabt, `(module (func (export "run") (param i32 i64 f32 f64) (result f64 f32 i64 i32) (local.get 3) (local.get 2) (local.get 1) (local.get 0)))`),
    );
    const comparison = program.compare([-1, -2n, 1.5, -0]);
    expect(comparison.mismatches).toEqual([]);
    expect(comparison.v8.outcome).toEqual({ kind: 'values', values: [0x8000000000000000n, 0x3fc00000n, 0xfffffffffffffffen, 0xffffffffn] });
    // NaNs compare as the canonical NaN whatever their payload (V8's JS API drops payloads).
    expect(program.compare([0, 0n, NaN, NaN]).v8.outcome).toEqual({ kind: 'values', values: [0x7ff8000000000000n, 0x7fc00000n, 0n, 0n] });
  });
});
