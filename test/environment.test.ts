import { expect, it } from 'vitest';
import { HOST_HAS_WEBASSEMBLY } from './support/host-wasm.js';

it('runs jitless (no host WebAssembly) exactly when asked to', () => {
  expect(HOST_HAS_WEBASSEMBLY).toBe(process.env.RWASM_JITLESS !== '1');
});
