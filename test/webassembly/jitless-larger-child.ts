/**
 * Run by jitless.test.ts as `node --jitless --import tsx jitless-larger-child.ts`: where V8 has
 * no JIT and no WebAssembly at all, the facade installed as the global serves brotli-wasm (its
 * web build, initialised from the bytes) and sql.js, which load unchanged. Prints what they
 * computed as one JSON line, with the time each took.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installWebAssembly } from '../../src/webassembly/index.js';
import { repositoryRoot } from '../support/shared.js';
import { JITLESS_BROTLI_INPUT, JITLESS_BROTLI_QUALITIES, brotliRounds, sqlSession, type Brotli, type SqlJs } from './larger-package-cases.js';

const require = createRequire(import.meta.url);
const hostHadWebAssembly = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'undefined';
installWebAssembly();
const times: Record<string, number> = {};
const timed = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await run();
  times[name] = Math.round(performance.now() - start);
  return result;
};

const brotliDir = join(repositoryRoot(), 'node_modules', 'brotli-wasm', 'pkg.web');
const brotli = (await import(pathToFileURL(join(brotliDir, 'brotli_wasm.js')).href)) as Brotli & { default: (input: Uint8Array) => Promise<unknown> };
await timed('brotli init', () => brotli.default(new Uint8Array(readFileSync(join(brotliDir, 'brotli_wasm_bg.wasm')))));
const brotliResults = await timed('brotli rounds', () => brotliRounds(brotli, JITLESS_BROTLI_INPUT, JITLESS_BROTLI_QUALITIES));

const wasmBinary = new Uint8Array(readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')));
const SQL = await timed('sql.js init', () => (require('sql.js') as (config: { wasmBinary: Uint8Array }) => Promise<SqlJs>)({ wasmBinary }));
const sqlResults = await timed('sql.js session', () => sqlSession(SQL));

process.stdout.write(JSON.stringify({ hostHadWebAssembly, brotli: brotliResults, sql: sqlResults, times }) + '\n');
