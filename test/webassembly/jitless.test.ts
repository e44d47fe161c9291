/**
 * npm packages with Wasm where no JIT and no WebAssembly exist: a `node --jitless` child
 * installs the facade as its global `WebAssembly`, loads xxhash-wasm and hash-wasm (one child),
 * brotli-wasm and sql.js (another) unchanged, and must compute what V8's own WebAssembly
 * computes here, in this process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { repositoryRoot } from '../support/shared.js';
import { JITLESS_BROTLI_INPUT, JITLESS_BROTLI_QUALITIES, brotliRounds, sqlSession, type Brotli, type SqlJs } from './larger-package-cases.js';
import { HASH_WASM_CASES, runXxhash, type HashWasm, type Xxhash } from './package-cases.js';

const require = createRequire(import.meta.url);
// The cases the child runs: a digest of each family, a KDF, a MAC and a saved state (about 15 s jitless).
const CASES = ['md5', 'sha1', 'sha256', 'sha512', 'sha3-512', 'keccak-256', 'blake2b-384', 'blake3', 'xxhash64', 'crc32', 'ripemd160', 'argon2id', 'bcrypt', 'hmac-sha256-stream', 'sha1-save-load'];

/** Runs a child under `node --jitless` and gives back the JSON line it printed. */
function jitlessChild<T>(script: string, ...args: string[]): T {
  const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', join(repositoryRoot(), 'test', 'webassembly', script), ...args], {
    cwd: repositoryRoot(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as T;
}

describeWithHostWasm('npm packages with Wasm under node --jitless', () => {
  it('xxhash-wasm and hash-wasm load unchanged on the facade and agree with V8', async () => {
    const got = jitlessChild<{ hostHadWebAssembly: boolean; xxhash: unknown[]; hashWasm: Record<string, unknown>; times: Record<string, number> }>('jitless-child.ts', ...CASES);
    expect(got.hostHadWebAssembly).toBe(false);

    const xxhash = (await import('xxhash-wasm')).default as () => Promise<Xxhash>;
    expect(got.xxhash).toEqual(runXxhash(await xxhash()));
    const hashWasm = require('hash-wasm/dist/index.umd.js') as HashWasm;
    const expected: Record<string, unknown> = {};
    for (const [name, run] of HASH_WASM_CASES) if (CASES.includes(name)) expected[name] = await run(hashWasm);
    expect(got.hashWasm).toEqual(expected);
  }, 120_000);

  // About 10 s jitless: brotli-wasm's and sql.js's instantiation take 2-3 s each there.
  it('brotli-wasm (wasm-bindgen) and sql.js (Emscripten) load unchanged on the facade and agree with V8', async () => {
    const got = jitlessChild<{ hostHadWebAssembly: boolean; brotli: unknown; sql: unknown; times: Record<string, number> }>('jitless-larger-child.ts');
    expect(got.hostHadWebAssembly).toBe(false);

    const brotli = require('brotli-wasm') as Brotli; // the Node build instantiates on V8 as it loads
    expect(got.brotli).toEqual(brotliRounds(brotli, JITLESS_BROTLI_INPUT, JITLESS_BROTLI_QUALITIES));
    const wasmBinary = new Uint8Array(readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')));
    const SQL = await (require('sql.js') as (config: { wasmBinary: Uint8Array }) => Promise<SqlJs>)({ wasmBinary });
    // The child's results came through JSON; V8's go the same way before they are compared.
    expect(got.sql).toEqual(JSON.parse(JSON.stringify(sqlSession(SQL))));
  }, 120_000);
});
