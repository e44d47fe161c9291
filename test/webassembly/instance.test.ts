/**
 * The typed instance API: one compilation serving every export and every instance, typed host
 * imports, fuel limits with top-up, the tier, and the README examples (run as written).
 */
import { readFileSync } from 'node:fs';
import xxhash from 'xxhash-wasm';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat } from './wat.js';
import { TrapCode, codeGenerationAllowed } from '../../src/index.js';
import { LinkError, RuntimeError, WasmInstance, WasmProgram, WebAssembly, createWebAssembly, installWebAssembly } from '../../src/webassembly/index.js';
import { HOST_HAS_WEBASSEMBLY } from '../support/host-wasm.js';
import { repositoryRoot } from '../support/shared.js';

const PROGRAM = `(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "now" (func $now (result f64)))
  (memory (export "memory") 1)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (table (export "table") 2 funcref)
  (elem (i32.const 0) func $fib)
  (func $fib (export "fib") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sum64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "report") (param i32) (call $log (local.get 0)))
  (func (export "elapsed") (param f64) (result f64) (f64.sub (call $now) (local.get 0)))
  (func (export "spin") (param i32) (result i32) (local $i i32)
    (loop $again (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $again (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $i)))`;

let wasm: Uint8Array;
const logged: number[] = [];
const imports = () => ({
  env: {
    log: { params: ['i32'], results: [], call: (x: number) => void logged.push(x) },
    now: { params: [], results: ['f64'], call: () => 1000.5 },
  },
});

// wabt runs on the host's WebAssembly; without it (--jitless) the program comes from the file the tests keep.
const PROGRAM_FILE = join(repositoryRoot(), 'test', 'webassembly', 'programs', 'instance-api.wasm');

beforeAll(async () => {
  wasm = HOST_HAS_WEBASSEMBLY ? (await loadWat())(PROGRAM) : new Uint8Array(readFileSync(PROGRAM_FILE));
});

describe('WasmProgram and WasmInstance', () => {
  it('keeps the committed binary of the test program in step with its text', () => {
    if (!HOST_HAS_WEBASSEMBLY) return;
    expect(Buffer.from(readFileSync(PROGRAM_FILE)).equals(Buffer.from(wasm)), `rebuild ${PROGRAM_FILE} from PROGRAM`).toBe(true);
  });

  it('compiles once and serves every export of every instance', () => {
    const program = WasmProgram.compile(wasm);
    const a = WasmInstance.create(program, { imports: imports() });
    const b = WasmInstance.create(program, { imports: imports() });
    expect(program.variant(0n)).toBe(program.variant(0n));
    expect(a.call('fib', 15)).toBe(610);
    expect(a.call('add', -2, 5)).toBe(3);
    expect(a.call('sum64', 1n << 62n, 1n << 62n)).toBe(-(1n << 63n));
    expect(a.call('elapsed', 0.5)).toBe(1000);
    a.call('report', 77);
    expect(logged).toContain(77);
    // Separate stores: b's global has not moved.
    expect(a.global('calls').value).toBe(1973);
    expect(b.global('calls').value).toBe(0);
    expect(b.call('fib', 10)).toBe(55);
    expect(program.exports.map((e) => `${e.kind} ${e.name}`)).toEqual([
      'memory memory', 'global calls', 'table table', 'function fib', 'function add', 'function sum64', 'function report', 'function elapsed', 'function spin',
    ]);
    expect(program.imports[1]).toMatchObject({ module: 'env', name: 'now', kind: 'function', type: { params: [], results: ['f64'] } });
  });

  it('reaches memory, globals and tables, and calls a table entry', () => {
    const instance = WasmInstance.create(wasm, { imports: imports() });
    expect(instance.memory().buffer.byteLength).toBe(65536);
    expect(instance.memory('memory')).toBe(instance.memory());
    const table = instance.table('table');
    expect(table.length).toBe(2);
    expect(table.get(0)).toBe(instance.function('fib'));
    expect((table.get(0) as (n: number) => number)(12)).toBe(144);
    expect(table.get(1)).toBe(null);
    instance.global('calls').value = 5;
    instance.call('fib', 1);
    expect(instance.global('calls').value).toBe(6);
    expect(() => instance.call('missing')).toThrow(TypeError);
  });

  it('checks typed imports against the module', () => {
    const wrong = { env: { ...imports().env, now: { params: [], results: ['i32'], call: () => 1 } } };
    expect(() => WasmInstance.create(wasm, { imports: wrong as never })).toThrow(LinkError);
    expect(() => WasmInstance.create(wasm, { imports: wrong as never })).toThrow(/declared \(\) -> \(i32\), the module imports \(\) -> \(f64\)/);
    // A plain function takes the module's type.
    const plain = WasmInstance.create(wasm, { imports: { env: { log: () => undefined, now: () => 3 } } });
    expect(plain.call('elapsed', 1)).toBe(2);
  });

  it('stops at the fuel limit with a RuntimeError, or tops up and finishes with the same result and fuel', () => {
    const program = WasmProgram.compile(wasm);
    const free = WasmInstance.create(program, { imports: imports(), fuelLimit: 10n ** 12n });
    expect(free.call('spin', 100_000)).toBe(100_000);
    const total = free.fuelConsumed();

    const capped = WasmInstance.create(program, { imports: imports(), fuelLimit: 1_000 });
    const trap = (() => {
      try {
        capped.call('spin', 100_000);
      } catch (error) {
        return error as RuntimeError;
      }
    })();
    expect(trap).toBeInstanceOf(RuntimeError);
    expect(trap!.trapCode).toBe(TrapCode.OutOfFuel);
    expect(trap!.pc).toBeGreaterThan(0);
    capped.resetFuel(10n ** 9n);
    expect(capped.call('add', 1, 1)).toBe(2);

    let topUps = 0;
    const topped = WasmInstance.create(program, {
      imports: imports(),
      fuelLimit: 5_000,
      onOutOfFuel: ({ required }) => {
        topUps++;
        return required + 5_000n;
      },
    });
    expect(topped.call('spin', 100_000)).toBe(100_000);
    expect(topUps).toBeGreaterThan(10);
    expect(topped.fuelConsumed()).toBe(total);
  });

  it('runs on the tier asked for', () => {
    const interpreted = WasmInstance.create(wasm, { imports: imports(), tier: 'interpreter' });
    expect(interpreted.tier).toBe('interpreter');
    expect(interpreted.call('fib', 12)).toBe(144);
    const compiled = WasmInstance.create(wasm, { imports: imports(), tier: 'compiled' });
    expect(compiled.tier).toBe(codeGenerationAllowed() ? 'compiled' : 'interpreter');
    expect(compiled.call('fib', 12)).toBe(144);
  });
});

describe('the README examples', () => {
  it('the facade, the global install and the typed API, as written', async () => {
    const log: unknown[] = [];
    const console = { log: (...values: unknown[]) => void log.push(...values) };
    // --- README example: facade ---
    const { instance } = await WebAssembly.instantiate(wasm, { env: { log: (x: number) => console.log(x), now: () => Date.now() } });
    const exports = instance.exports as { fib(n: number): number; report(x: number): void };
    exports.fib(20); // 6765
    exports.report(7); // logs 7
    // --- end of example ---
    expect(exports.fib(20)).toBe(6765);
    expect(log).toEqual([7]);

    // --- README example: install ---
    const restore = installWebAssembly(createWebAssembly({ tier: 'interpreter' }));
    let hex: string;
    try {
      const { h64ToString } = await xxhash(); // xxhash-wasm calls WebAssembly.instantiate: the facade answers
      hex = h64ToString('hello'); // '26c7827d889f6da3'
    } finally {
      restore(); // the host's WebAssembly (or none) is back; instances made meanwhile stay rWasm's
    }
    // --- end of example ---
    expect(hex).toBe('26c7827d889f6da3');

    // --- README example: typed ---
    const program = WasmProgram.compile(wasm); // one compilation for every export and instance
    const typed = WasmInstance.create(program, {
      imports: { env: { log: { params: ['i32'], results: [], call: (x: number) => console.log(x) }, now: { params: [], results: ['f64'], call: () => 0 } } },
      fuelLimit: 10_000,
      onOutOfFuel: ({ required }) => required + 10_000n, // top up and continue where it stopped
      tier: 'interpreter',
    });
    typed.call('fib', 20); // 6765, with fuel topped up along the way
    typed.call('sum64', 2n ** 62n, 1n); // 4611686018427387905n
    typed.fuelConsumed(); // the fuel of all calls so far
    typed.memory().buffer; // an ArrayBuffer of the instance's memory
    try {
      typed.call('fib', -1); // recursion past rWasm's 1024 frames
    } catch (error) {
      if (error instanceof RuntimeError) console.log(error.trapName, error.pc); // StackOverflow, and the pc
    }
    // --- end of example ---
    expect(typed.call('fib', 20)).toBe(6765);
    expect(typed.call('sum64', 2n ** 62n, 1n)).toBe(4611686018427387905n);
    expect(log.slice(1)).toEqual(['StackOverflow', expect.any(Number)]);
  });

  it('match the README section, once it is there', () => {
    const readme = readFileSync(join(repositoryRoot(), 'README.md'), 'utf8');
    const at = readme.indexOf('### Running existing Wasm');
    if (at < 0) return;
    const section = readme.slice(at, readme.indexOf('\n### ', at + 1));
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').filter((line) => !line.startsWith('import ')).join('\n').trim());
    const source = readFileSync(join(repositoryRoot(), 'test', 'webassembly', 'instance.test.ts'), 'utf8');
    const examples = [...source.matchAll(/\/\/ --- README example: \w+ ---\n([\s\S]*?)\n\s*\/\/ --- end of example ---/g)].map((m) => m[1]!.split('\n').map((line) => line.replace(/^ {4}/, '')).join('\n').trim());
    expect(blocks).toEqual(examples);
  });
});
