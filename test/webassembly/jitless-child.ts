/**
 * Run by jitless.test.ts as `node --jitless --import tsx jitless-child.ts [case…]`: where V8 has
 * no JIT and no WebAssembly at all, the facade installed as the global serves xxhash-wasm and
 * hash-wasm, which load unchanged. Prints what they computed as one JSON line.
 */
import { installWebAssembly } from '../../src/webassembly/index.js';
import { HASH_WASM_CASES, HASH_WASM_ESM, runXxhash, type HashWasm, type Xxhash } from './package-cases.js';

const hostHadWebAssembly = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'undefined';
installWebAssembly();
const xxhash = (await import('xxhash-wasm')).default as () => Promise<Xxhash>;
const xxhashResults = runXxhash(await xxhash());
const hashWasm = (await import(HASH_WASM_ESM)) as HashWasm;
const wanted = new Set(process.argv.slice(2));
const hashWasmResults: Record<string, unknown> = {};
const times: Record<string, number> = {};
for (const [name, run] of HASH_WASM_CASES) {
  if (!wanted.has(name)) continue;
  const start = performance.now();
  hashWasmResults[name] = await run(hashWasm);
  times[name] = Math.round(performance.now() - start);
}
process.stdout.write(JSON.stringify({ hostHadWebAssembly, xxhash: xxhashResults, hashWasm: hashWasmResults, times }) + '\n');
