/**
 * xxhash-wasm and hash-wasm where no JIT and no WebAssembly exist: a `node --jitless` child
 * installs the facade as its global `WebAssembly`, loads both packages unchanged, and must
 * compute what V8's own WebAssembly computes here, in this process.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { repositoryRoot } from '../support/shared.js';
import { HASH_WASM_CASES, runXxhash, type HashWasm, type Xxhash } from './package-cases.js';

const require = createRequire(import.meta.url);
// The cases the child runs: a digest of each family, a KDF, a MAC and a saved state (about 15 s jitless).
const CASES = ['md5', 'sha1', 'sha256', 'sha512', 'sha3-512', 'keccak-256', 'blake2b-384', 'blake3', 'xxhash64', 'crc32', 'ripemd160', 'argon2id', 'bcrypt', 'hmac-sha256-stream', 'sha1-save-load'];

describeWithHostWasm('npm packages with Wasm under node --jitless', () => {
  it('xxhash-wasm and hash-wasm load unchanged on the facade and agree with V8', async () => {
    const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', join(repositoryRoot(), 'test', 'webassembly', 'jitless-child.ts'), ...CASES], {
      cwd: repositoryRoot(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const got = JSON.parse(child.stdout) as { hostHadWebAssembly: boolean; xxhash: unknown[]; hashWasm: Record<string, unknown>; times: Record<string, number> };
    expect(got.hostHadWebAssembly).toBe(false);

    const xxhash = (await import('xxhash-wasm')).default as () => Promise<Xxhash>;
    expect(got.xxhash).toEqual(runXxhash(await xxhash()));
    const hashWasm = require('hash-wasm/dist/index.umd.js') as HashWasm;
    const expected: Record<string, unknown> = {};
    for (const [name, run] of HASH_WASM_CASES) if (CASES.includes(name)) expected[name] = await run(hashWasm);
    expect(got.hashWasm).toEqual(expected);
  }, 120_000);
});
