import { describe } from 'vitest';

/**
 * Whether the host has its own WebAssembly engine. Under `node --jitless` it does not; tests
 * that need it (wabt's .wat parser, V8 comparisons) use `describeWithHostWasm` and skip there.
 */
export const HOST_HAS_WEBASSEMBLY = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'undefined';

export const describeWithHostWasm = describe.skipIf(!HOST_HAS_WEBASSEMBLY);
