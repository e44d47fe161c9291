/**
 * Real npm packages that ship Wasm, run through the facade and checked against V8 running the
 * same package on the same inputs: xxhash-wasm (its Wasm is embedded; it calls
 * `WebAssembly.instantiate` on the global at call time) and hash-wasm (base64-embedded Wasm per
 * algorithm, `WebAssembly.compile` then `instantiate(module)`, each on the global when an
 * algorithm is first used, and cached per copy of the package: so the facade's copy is the ESM
 * build and V8's the UMD one).
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebAssembly, installWebAssembly } from '../../src/webassembly/index.js';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { HASH_WASM_CASES, HASH_WASM_ESM, XXHASH_INPUTS, sampleBytes, runHashWasmCases, runXxhash, type HashWasm, type Xxhash } from './package-cases.js';

const require = createRequire(import.meta.url);

describeWithHostWasm('npm packages with Wasm, on the facade beside V8', () => {
  let restore: (() => void) | undefined;
  // The package copies the facade serves; the host's copies are loaded while the host's WebAssembly is in place.
  let ours: { xxhash: Xxhash; hashWasm: HashWasm };
  let v8: { xxhash: Xxhash; hashWasm: HashWasm };

  beforeAll(async () => {
    const xxhash = (await import('xxhash-wasm')).default as () => Promise<Xxhash>;
    v8 = { xxhash: await xxhash(), hashWasm: require('hash-wasm/dist/index.umd.js') as HashWasm };
    restore = installWebAssembly(createWebAssembly({ tier: 'compiled' }));
    ours = { xxhash: await xxhash(), hashWasm: (await import(HASH_WASM_ESM)) as HashWasm };
  });

  afterAll(() => restore?.());

  it('xxhash-wasm: h32, h64, their raw and streaming forms, seeds', () => {
    expect(runXxhash(ours.xxhash)).toEqual(runXxhash(v8.xxhash));
    // A memory grow from JS (the package grows it for inputs past its memory), then the same answers.
    const big = sampleBytes(200_000, 3);
    expect(ours.xxhash.h64Raw(big, 9n)).toBe(v8.xxhash.h64Raw(big, 9n));
    expect(XXHASH_INPUTS.length).toBeGreaterThan(3);
  });

  it('hash-wasm: digests, KDFs and MACs of every kind it has, on bounded inputs', async () => {
    // The facade is installed for the whole file: hash-wasm instantiates argon2 and friends on every call.
    const got = await runHashWasmCases(ours.hashWasm);
    restore?.();
    restore = undefined;
    const expected = await runHashWasmCases(v8.hashWasm);
    expect(Object.keys(got)).toEqual(HASH_WASM_CASES.map(([name]) => name));
    expect(got).toEqual(expected);
  }, 60_000);
});
