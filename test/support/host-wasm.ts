import { describe } from 'vitest';
import { HOST_HAS_WEBASSEMBLY } from './host-webassembly.js';

export { HOST_HAS_WEBASSEMBLY, hostWasm, type HostInstance, type HostMemory, type HostModule, type HostWebAssembly } from './host-webassembly.js';

/**
 * The one guard for tests that need the host's WebAssembly (wabt's .wat parser, V8
 * comparisons): under `node --jitless` there is none, and they skip.
 */
export const describeWithHostWasm = describe.skipIf(!HOST_HAS_WEBASSEMBLY);
