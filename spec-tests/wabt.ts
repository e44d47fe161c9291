/**
 * `.wat` text → Wasm binary through the wabt package (a development dependency; it runs on
 * the host's WebAssembly, so it is unavailable under --jitless).
 */
import type { Wat2Wasm } from './runner.js';

const FEATURES = {
  exceptions: false,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: false,
  threads: false,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
  annotations: false,
  gc: false,
  memory64: false,
  multi_memory: false,
  extended_const: true,
};

interface WabtModule {
  toBinary(options: { log?: boolean; write_debug_names?: boolean }): { buffer: Uint8Array };
  destroy(): void;
}
interface Wabt {
  parseWat(filename: string, text: string | Uint8Array, features?: Record<string, boolean>): WabtModule;
}

export async function loadWat2Wasm(): Promise<Wat2Wasm> {
  let wabt: Wabt;
  try {
    const factory = (await import('wabt')).default as unknown as () => Promise<Wabt>;
    wabt = await factory();
  } catch (error) {
    throw new Error(`the wabt package is needed to read .wat text (npm install --save-dev wabt): ${String(error)}`);
  }
  return (text: string) => {
    // As bytes: wabt.js would otherwise pass non-ASCII text to its parser mangled.
    const module = wabt.parseWat('module.wat', new TextEncoder().encode(text), FEATURES);
    try {
      return module.toBinary({ log: false, write_debug_names: false }).buffer.slice();
    } finally {
      module.destroy();
    }
  };
}
