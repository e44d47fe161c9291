/**
 * brotli-wasm, a wasm-bindgen package, on the facade beside V8: its web build's `init(bytes)`
 * calls `WebAssembly.instantiate` on the global and then works on `memory.buffer` views it
 * refreshes when the buffer changes, with JS glue called from Wasm (errors, JSON options).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { installWebAssembly } from '../../src/webassembly/index.js';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { repositoryRoot } from '../support/shared.js';
import { BROTLI_INPUT as INPUT, type Brotli } from './larger-package-cases.js';

const require = createRequire(import.meta.url);
const packageDir = join(repositoryRoot(), 'node_modules', 'brotli-wasm');
describeWithHostWasm('brotli-wasm (wasm-bindgen) on the facade beside V8', () => {
  let ours: Brotli;
  let v8: Brotli;

  beforeAll(async () => {
    v8 = require('brotli-wasm') as Brotli; // the Node build instantiates on V8 as it loads
    const web = (await import(pathToFileURL(join(packageDir, 'pkg.web', 'brotli_wasm.js')).href)) as Brotli & { default: (input: Uint8Array) => Promise<unknown> };
    const restore = installWebAssembly();
    try {
      await web.default(new Uint8Array(readFileSync(join(packageDir, 'pkg.web', 'brotli_wasm_bg.wasm'))));
    } finally {
      restore();
    }
    ours = web;
  }, 60_000);

  it('compresses to the same bytes at several qualities, and decompresses either side\'s output', () => {
    for (const quality of [1, 6, 9]) {
      const compressed = ours.compress(INPUT, { quality });
      expect(Buffer.from(compressed).equals(Buffer.from(v8.compress(INPUT, { quality }))), `quality ${quality}`).toBe(true);
      expect(Buffer.from(ours.decompress(compressed)).equals(Buffer.from(INPUT))).toBe(true);
    }
    expect(Buffer.from(ours.compress(new Uint8Array(0))).equals(Buffer.from(v8.compress(new Uint8Array(0))))).toBe(true);
  }, 60_000);

  it('streams in small chunks, as V8 does', () => {
    const stream = (brotli: Brotli): number[] => {
      const out: number[] = [];
      const compressor = new brotli.CompressStream(5);
      for (let at = 0; at < INPUT.length; at += 4096) {
        let chunk: Uint8Array = INPUT.subarray(at, at + 4096);
        for (;;) {
          const result = compressor.compress(chunk, 1024);
          out.push(...result.buf);
          chunk = chunk.subarray(result.input_offset);
          if (chunk.length === 0 && result.code !== 3) break; // 3: needs more output room
        }
      }
      for (;;) {
        const result = compressor.compress(undefined, 1024);
        out.push(...result.buf);
        if (result.code !== 3) break;
      }
      compressor.free();
      return out;
    };
    const compressed = stream(ours);
    expect(compressed).toEqual(stream(v8));
    const decompressor = new ours.DecompressStream();
    const back = decompressor.decompress(Uint8Array.from(compressed), INPUT.length + 16);
    decompressor.free();
    expect(Buffer.from(back.buf).equals(Buffer.from(INPUT))).toBe(true);
  }, 60_000);

  it('raises the package\'s own error for corrupt input, through JS glue called from Wasm', () => {
    const corrupt = new Uint8Array([0x1b, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    const message = (brotli: Brotli) => {
      try {
        brotli.decompress(corrupt);
        return 'no error';
      } catch (error) {
        return String(error);
      }
    };
    expect(message(ours)).toBe(message(v8));
    expect(message(ours)).toMatch(/Brotli decompress failed/);
    expect(Buffer.from(ours.decompress(v8.compress(INPUT))).equals(Buffer.from(INPUT))).toBe(true); // and the instance carries on
  });
});
