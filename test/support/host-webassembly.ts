/**
 * The host's own WebAssembly engine, for comparisons and benchmarks (no test-runner imports, so
 * benchmarks can use it too). Absent under `node --jitless`.
 */
export const HOST_HAS_WEBASSEMBLY = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'undefined';

// The project compiles without DOM types (and @types/node has none for WebAssembly): the little
// of the JS API used here, typed locally.
export interface HostModule {
  readonly hostModule?: never;
}
export interface HostInstance {
  readonly exports: Record<string, unknown>;
}
export interface HostMemory {
  readonly buffer: ArrayBuffer;
}
export interface HostWebAssembly {
  readonly Module: { new (bytes: Uint8Array): HostModule; exports(module: HostModule): { name: string; kind: string }[] };
  readonly Instance: new (module: HostModule, imports: object) => HostInstance;
  readonly Memory: abstract new (...args: never[]) => HostMemory;
  readonly RuntimeError: abstract new (...args: never[]) => Error;
}

/** The host's WebAssembly (absent under `node --jitless`: only call this inside `describeWithHostWasm`). */
export function hostWasm(): HostWebAssembly {
  const api = (globalThis as { WebAssembly?: HostWebAssembly }).WebAssembly;
  if (!api) throw new Error('the host has no WebAssembly (node --jitless?)');
  return api;
}
