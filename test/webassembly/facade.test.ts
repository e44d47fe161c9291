/**
 * The WebAssembly facade against V8's own WebAssembly: each scenario is written once against a
 * JS API namespace and run on both; what it observes (results, error classes, buffer sizes,
 * identities) must be the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat, type WatParser } from './wat.js';
import { TrapCode } from '../../src/index.js';
import { WebAssembly as Facade, RuntimeError, type CompileError } from '../../src/webassembly/index.js';
import { describeWithHostWasm } from '../support/host-wasm.js';

// The JS API surface the scenarios use, typed loosely: both namespaces satisfy it.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Api = any;
type Scenario = (api: Api, wasm: Uint8Array) => Promise<unknown>;

let wat: WatParser;
const host = (): Api => (globalThis as { WebAssembly?: unknown }).WebAssembly;

/** Runs `scenario` on V8 and on the facade; both must observe the same. */
async function same(text: string, scenario: Scenario): Promise<unknown> {
  const wasm = wat(text);
  const expected = await scenario(host(), wasm);
  const got = await scenario(Facade, wasm);
  expect(got).toEqual(expected);
  return got;
}

/** What an error is, as the scenarios compare it: its JS API class. */
function kind(api: Api, run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    for (const name of ['CompileError', 'LinkError', 'RuntimeError']) if (error instanceof api[name]) return name;
    return (error as Error).constructor.name;
  }
}

async function kindAsync(api: Api, run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    for (const name of ['CompileError', 'LinkError', 'RuntimeError']) if (error instanceof api[name]) return name;
    return (error as Error).constructor.name;
  }
}

const ARITHMETIC = `(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "mulf") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
  (func (export "divd") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "divs") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "boom") unreachable)
  (func $id (param externref) (result externref) (local.get 0))
  (export "id" (func $id))
  (export "id_again" (func $id)))`;

const MEMORY = `(module
  (memory (export "memory") 1 4)
  (data (i32.const 16) "hello")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))`;

const IMPORTED_MEMORY = `(module
  (import "env" "memory" (memory 1))
  (data (i32.const 100) "rwasm")
  (global $started (mut i32) (i32.const 0))
  (func $start (global.set $started (i32.load8_u (i32.const 100))))
  (start $start)
  (func (export "started") (result i32) (global.get $started))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

const GLOBALS = `(module
  (import "env" "counter" (global $counter (mut i32)))
  (import "env" "base" (global $base i64))
  (global $g (export "g") (mut f64) (f64.const 1.5))
  (global (export "wide") i64 (i64.const -5))
  (func (export "bump") (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "base") (result i64) (global.get $base))
  (func (export "readG") (result f64) (global.get $g)))`;

const TABLES = `(module
  (type $unary (func (param i32) (result i32)))
  (import "env" "table" (table $imported 4 funcref))
  (table $own (export "own") 3 funcref)
  (func $double (export "double") (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (export "negate") (type $unary) (i32.sub (i32.const 0) (local.get 0)))
  (elem (table $imported) (i32.const 1) func $double $negate)
  (elem (table $own) (i32.const 0) func $negate)
  (func (export "callImported") (param i32 i32) (result i32) (call_indirect $imported (type $unary) (local.get 1) (local.get 0)))
  (func (export "callOwn") (param i32 i32) (result i32) (call_indirect $own (type $unary) (local.get 1) (local.get 0))))`;

const REENTRANT = `(module
  (import "env" "viaJs" (func $viaJs (param i32) (result i32)))
  (import "env" "fail" (func $fail))
  (func (export "fact") (param i32) (result i32)
    (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
      (then (i32.const 1))
      (else (i32.mul (local.get 0) (call $viaJs (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "callFail") (call $fail))
  (export "viaJs" (func $viaJs)))`;

describeWithHostWasm('the WebAssembly facade, beside V8', () => {
  beforeAll(async () => {
    wat = await loadWat();
  });

  it('describes modules and shapes exports as the JS API does', async () => {
    await same(ARITHMETIC + '', async (api, wasm) => {
      const module = await api.compile(wasm);
      const instance = await api.instantiate(module);
      const exports = instance.exports;
      return {
        moduleIsModule: module instanceof api.Module,
        instanceIsInstance: instance instanceof api.Instance,
        exportsDescriptors: api.Module.exports(module),
        importsDescriptors: api.Module.imports(module),
        frozen: Object.isFrozen(exports),
        nullPrototype: Object.getPrototypeOf(exports) === null,
        keys: Object.keys(exports),
        lengths: Object.values(exports).map((f: any) => f.length),
        names: Object.values(exports).map((f: any) => f.name),
        sameFunctionTwice: exports.id === exports.id_again,
        custom: api.Module.customSections(module, 'none').length,
        valid: api.validate(wasm),
        invalid: api.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])),
      };
    });
  });

  it('converts values both ways (i64 as BigInt, f32 rounding, multi-value, externref identity)', async () => {
    await same(ARITHMETIC, async (api, wasm) => {
      const { instance } = await api.instantiate(wasm);
      const e = instance.exports;
      const token = { token: 1 };
      return {
        add: [e.add(2, 3), e.add(0x7fffffff, 1), e.add('7', true), e.add(1.9, null)],
        add64: [e.add64(1n, 2n), e.add64(0x7fffffffffffffffn, 1n), e.add64('5', true)],
        numberForI64: kind(api, () => e.add64(1, 2)),
        bigintForI32: kind(api, () => e.add(1n, 2)),
        mulf: e.mulf(0.1, 3),
        divd: [e.divd(1, 3), e.divd(1, 0), Number.isNaN(e.divd(0, 0))],
        swap: e.swap(-7, 1n << 40n),
        identity: e.id(token) === token && e.id(undefined) === undefined && e.id(null) === null,
      };
    });
  });

  it('throws RuntimeError for traps, carrying the rWasm trap code and pc', async () => {
    await same(ARITHMETIC, async (api, wasm) => {
      const { instance } = await api.instantiate(wasm);
      return [kind(api, () => instance.exports.boom()), kind(api, () => instance.exports.divs(1, 0)), kind(api, () => instance.exports.divs(-0x80000000, -1)), instance.exports.divs(7, 2)];
    });
    const { instance } = await Facade.instantiate(wat(ARITHMETIC));
    const trap = (() => {
      try {
        (instance.exports.divs as (a: number, b: number) => number)(1, 0);
      } catch (error) {
        return error as RuntimeError;
      }
    })();
    expect(trap).toBeInstanceOf(RuntimeError);
    expect(trap).toBeInstanceOf(Error);
    expect(trap!.trapCode).toBe(TrapCode.IntegerDivisionByZero);
    expect(trap!.trapName).toBe('IntegerDivisionByZero');
    expect(trap!.pc).toBeGreaterThan(0);
  });

  it('shares exported memory through buffer, detaching it on every grow', async () => {
    await same(MEMORY, async (api, wasm) => {
      const { instance } = await api.instantiate(wasm);
      const e = instance.exports;
      const memory = e.memory as { buffer: ArrayBuffer; grow(n: number): number };
      const first = memory.buffer;
      const log: unknown[] = [memory instanceof api.Memory, first.byteLength, first === memory.buffer, new TextDecoder().decode(new Uint8Array(first, 16, 5))];
      new Uint8Array(first)[7] = 42;
      e.store(8, 43);
      log.push(e.load(7), new Uint8Array(first)[8]);
      log.push(e.grow(1), first.byteLength, memory.buffer.byteLength, e.size());
      const second = memory.buffer;
      log.push(memory.grow(1), second.byteLength, memory.buffer.byteLength, new Uint8Array(memory.buffer)[7]);
      log.push(memory.grow(0), memory.buffer.byteLength, kind(api, () => memory.grow(2)), e.grow(1), e.grow(0));
      return log;
    });
  });

  it('runs a module on an imported Memory: data segments, then the start function, then shared writes', async () => {
    await same(IMPORTED_MEMORY, async (api, wasm) => {
      const memory = new api.Memory({ initial: 2, maximum: 3 });
      new Uint8Array(memory.buffer)[5] = 9;
      const { instance } = await api.instantiate(wasm, { env: { memory } });
      const e = instance.exports;
      const log: unknown[] = [e.started(), new TextDecoder().decode(new Uint8Array(memory.buffer, 100, 5)), e.load(5)];
      e.store(6, 77);
      log.push(new Uint8Array(memory.buffer)[6], e.grow(1), memory.buffer.byteLength, e.grow(1));
      const tooSmall = new api.Memory({ initial: 0 });
      log.push(await kindAsync(api, () => api.instantiate(wasm, { env: { memory: tooSmall } })));
      log.push(await kindAsync(api, () => api.instantiate(wasm, { env: { memory: {} } })));
      log.push(await kindAsync(api, () => api.instantiate(wasm, {})));
      return log;
    });
  });

  it('imports and exports globals, a mutable imported one shared with JS', async () => {
    await same(GLOBALS, async (api, wasm) => {
      const counter = new api.Global({ value: 'i32', mutable: true }, 41);
      const { instance } = await api.instantiate(wasm, { env: { counter, base: 7n } });
      const e = instance.exports;
      e.bump();
      const log: unknown[] = [counter.value, e.base(), e.g.value, e.wide.value, e.g instanceof api.Global];
      counter.value = 100;
      e.bump();
      e.g.value = 2.25;
      log.push(counter.value, e.readG(), kind(api, () => (e.wide.value = 1n)));
      log.push(await kindAsync(api, () => api.instantiate(wasm, { env: { counter: 1, base: 7n } })));
      log.push(await kindAsync(api, () => api.instantiate(wasm, { env: { counter, base: 7 } })));
      log.push(await kindAsync(api, () => api.instantiate(wasm, { env: { counter: new api.Global({ value: 'i64', mutable: true }, 0n), base: 7n } })));
      return log;
    });
  });

  it('fills an imported table from element segments and lets JS read, set and grow tables', async () => {
    await same(TABLES, async (api, wasm) => {
      const table = new api.Table({ element: 'anyfunc', initial: 4, maximum: 8 });
      const { instance } = await api.instantiate(wasm, { env: { table } });
      const e = instance.exports;
      const log: unknown[] = [table.length, table.get(0), table.get(1) === e.double, table.get(2)(5), e.callImported(1, 21), e.callOwn(0, 4)];
      e.own.set(1, e.double);
      log.push(e.callOwn(1, 4), e.own.get(1) === e.double, e.own.grow(2, e.negate), e.own.length, e.callOwn(4, 6));
      log.push(kind(api, () => e.callOwn(2, 1)), kind(api, () => e.callOwn(9, 1)), kind(api, () => table.get(10)), kind(api, () => table.grow(5)));
      log.push(kind(api, () => e.own.set(0, () => 1)));
      return log;
    });
  });

  it('lets host imports call back into the instance, and passes their exceptions through', async () => {
    await same(REENTRANT, async (api, wasm) => {
      const thrown = new Error('from JS');
      let exports: any;
      const { instance } = await api.instantiate(wasm, {
        env: {
          viaJs: (n: number) => exports.fact(n),
          fail: () => {
            throw thrown;
          },
        },
      });
      exports = instance.exports;
      let caught: unknown;
      try {
        exports.callFail();
      } catch (error) {
        caught = error;
      }
      return [exports.fact(10), caught === thrown, exports.fact(5), exports.viaJs(4), typeof exports.viaJs];
    });
  });

  it('refuses what is not Wasm with CompileError, and a missing import with LinkError', async () => {
    await same(REENTRANT, async (api, wasm) => [
      await kindAsync(api, () => api.compile(new Uint8Array([1, 2, 3, 4]))),
      kind(api, () => new api.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1]))),
      await kindAsync(api, () => api.instantiate(wasm, { env: { viaJs: 1, fail: () => 0 } })),
      await kindAsync(api, () => api.instantiate(wasm, { env: {} })),
      await kindAsync(api, () => api.instantiate(wasm)),
    ]);
  });

  it('calls functions of other instances through tables and funcref arguments (Emscripten\'s addFunction)', async () => {
    const provider = wat(`(module (global $calls (mut i32) (i32.const 0))
      (func (export "triple") (param i32) (result i32) (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (i32.mul (local.get 0) (i32.const 3)))
      (func (export "calls") (result i32) (global.get $calls)))`);
    // Emscripten wraps a JS function in a module that imports and re-exports it, to put it in a table.
    const wrapper = wat(`(module (import "e" "f" (func $f (param i32) (result i32))) (export "f" (func $f)))`);
    await same(TABLES, async (api, wasm) => {
      const { instance: other } = await api.instantiate(provider);
      const { instance: wrapped } = await api.instantiate(wrapper, { e: { f: (x: number) => x + 1000 } });
      const table = new api.Table({ element: 'anyfunc', initial: 4 });
      const { instance } = await api.instantiate(wasm, { env: { table } });
      const e = instance.exports;
      table.set(0, other.exports.triple);
      e.own.set(2, wrapped.exports.f);
      const log: unknown[] = [e.callImported(0, 5), e.callImported(0, 7), other.exports.calls(), e.callOwn(2, 1), table.get(0) === other.exports.triple, e.own.get(2) === wrapped.exports.f];
      log.push(kind(api, () => table.set(3, (x: number) => x)));
      return log;
    });
  });

  it('holds tables larger than rWasm\'s own 1024 elements', async () => {
    await same(`(module (table (export "t") 3000 funcref) (func $f (export "f") (result i32) (i32.const 5))
      (elem (i32.const 2999) func $f)
      (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
      (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))`, async (api, wasm) => {
      const { instance } = await api.instantiate(wasm);
      const e = instance.exports;
      return [e.t.length, e.call(2999), e.grow(5000), e.t.length, kind(api, () => e.call(0))];
    });
  });
});

describe('the WebAssembly facade on its own', () => {
  it('names what rWasm cannot run: shared memory and host memories', async () => {
    expect(() => new Facade.Memory({ initial: 1, maximum: 2, shared: true })).toThrow(/shared memories/);
    const importsMemory = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 10, 1, 3, 101, 110, 118, 1, 109, 2, 0, 1]);
    const native = { buffer: new ArrayBuffer(65536), grow: () => 0 };
    await expect(Facade.instantiate(importsMemory, { env: { m: native } })).rejects.toThrow(/this engine/);
    await expect(Facade.instantiate(importsMemory, { env: { m: native } })).rejects.toBeInstanceOf(Facade.LinkError);
  });

  it('refuses what rWasm does not run with a CompileError naming the compiler\'s reason', async () => {
    const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 1, 0x7b, 0]); // (type (func (param v128)))
    const error = await Facade.compile(simd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Facade.CompileError);
    expect((error as CompileError).code).toBe('NotSupportedFuncType');
  });

  it('traps StackOverflow past rWasm\'s 1024 nested calls, as a RuntimeError', async () => {
    const recurse = new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x72, 0, 0,
      // (func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.add (call 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))) (else (i32.const 0))))
      10, 22, 1, 20, 0, 0x20, 0, 0x04, 0x7f, 0x20, 0, 0x41, 1, 0x6b, 0x10, 0, 0x41, 1, 0x6a, 0x05, 0x41, 0, 0x0b, 0x0b,
    ]);
    const { instance } = await Facade.instantiate(recurse);
    const r = instance.exports.r as (n: number) => number;
    expect(r(1000)).toBe(1000);
    let trap: unknown;
    try {
      r(2000);
    } catch (error) {
      trap = error;
    }
    expect(trap).toBeInstanceOf(Facade.RuntimeError);
    expect((trap as RuntimeError).trapCode).toBe(TrapCode.StackOverflow);
    expect(r(10)).toBe(10); // the instance carries on
  });

  it('instantiates both ways: bytes give module and instance, a module gives an instance', async () => {
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    const pair = await Facade.instantiate(empty);
    expect(pair.module).toBeInstanceOf(Facade.Module);
    expect(pair.instance).toBeInstanceOf(Facade.Instance);
    const instance = await Facade.instantiate(pair.module);
    expect(instance).toBeInstanceOf(Facade.Instance);
    expect(Object.keys(instance.exports)).toEqual([]);
    expect(Object.prototype.toString.call(Facade)).toBe('[object WebAssembly]');
  });
});
