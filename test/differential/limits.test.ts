/**
 * The README's table of limits, each row checked here on both engines: what rwasm-ts does past
 * each limit (as the reference does) and what V8 does with the same Wasm.
 */
import { expect, it } from 'vitest';
import { Machine, RwasmError, compileWasm, prepareProgram, trapName } from '../../src/index.js';
import { describeWithHostWasm, hostWasm } from '../support/host-wasm.js';
import { loadWabt, watToWasm } from './harness.js';

function ours(bytes: Uint8Array, params: number[] = []): string {
  try {
    const machine = new Machine(prepareProgram(compileWasm(bytes, { entrypointName: 'run' }).module), { fuelLimit: 1n << 40n });
    const init = machine.instantiate();
    if (init.status !== 'returned') return `instantiate: ${init.status}`;
    const outcome = machine.run({ params, resultWords: 1 });
    return outcome.status === 'trapped' ? `trap ${trapName(outcome.trap)}` : outcome.status === 'returned' ? `${outcome.results[0]! | 0}` : outcome.status;
  } catch (error) {
    if (error instanceof RwasmError) return error.code;
    throw error;
  }
}

function v8(bytes: Uint8Array, args: number[] = []): string {
  const api = hostWasm() as unknown as { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: { run: (...a: number[]) => number } } };
  try {
    return String(new api.Instance(new api.Module(bytes), {}).exports.run(...args));
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

const recursion = (locals: string) => `(module (func $f (export "run") (param i32) (result i32) ${locals}
  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1))))))))`;

describeWithHostWasm('limits (README table)', () => {
  it('call depth: 1024 nested calls, then StackOverflow; V8 goes far deeper and throws a RangeError', async () => {
    const bytes = watToWasm(await loadWabt(), recursion(''));
    expect(ours(bytes, [1024])).toBe('1024');
    expect(ours(bytes, [1025])).toBe('trap StackOverflow');
    expect(v8(bytes, [10_000])).toBe('10000');
    expect(v8(bytes, [10_000_000])).toBe('RangeError: Maximum call stack size exceeded');
  });

  it('value stack: 8192 words for all frames, so a frame of 33 i64 locals overflows at ~120 deep', async () => {
    const bytes = watToWasm(await loadWabt(), recursion(`(local ${'i64 '.repeat(32)})`));
    expect(ours(bytes, [100])).toBe('100');
    expect(ours(bytes, [130])).toBe('trap StackOverflow');
    expect(v8(bytes, [130])).toBe('130');
  });

  it('memory: initial memory reaching maxAllowedMemoryPages does not compile; memory.grow past it answers -1', async () => {
    const wabt = await loadWabt();
    const initial = watToWasm(wabt, '(module (memory 1024) (func (export "run") (result i32) (memory.size)))');
    expect(ours(initial)).toBe('MaxReadonlyDataReached');
    expect(v8(initial)).toBe('1024');
    const grow = (pages: number) => watToWasm(wabt, `(module (memory 1023) (func (export "run") (result i32) (memory.grow (i32.const ${pages}))))`);
    expect(ours(grow(1))).toBe('1023');
    expect(ours(grow(2))).toBe('-1');
    expect(v8(grow(2))).toBe('1023');
  });

  it('tables: 1024 elements; table.grow past it answers -1 and a table declared larger starts empty', async () => {
    const wabt = await loadWabt();
    const size = (n: number) => watToWasm(wabt, `(module (table ${n} funcref) (func (export "run") (result i32) (table.size)))`);
    expect(ours(size(1024))).toBe('1024');
    expect(ours(size(1025))).toBe('0');
    expect(v8(size(1025))).toBe('1025');
    const grow = (delta: number) => watToWasm(wabt, `(module (table 1000 funcref) (func (export "run") (result i32) (table.grow (ref.null func) (i32.const ${delta}))))`);
    expect(ours(grow(24))).toBe('1000');
    expect(ours(grow(25))).toBe('-1');
    expect(v8(grow(25))).toBe('1000');
  });
});
