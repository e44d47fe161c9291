/**
 * `.wat` text → Wasm binary through the wabt package (a development dependency here and an
 * optional peer dependency of the CLI; it runs on the host's WebAssembly, so it is unavailable
 * under --jitless).
 */

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

/**
 * The wabt package could not be loaded: it is not installed (an optional peer dependency of
 * the CLI, a development dependency here), or its WebAssembly could not start (--jitless).
 */
export class WabtUnavailable extends Error {}

/** `.wat` text to Wasm; errors name `filename` (the parser's own lines, `file:line:column: error: …`). */
export type WatParser = (text: string, filename?: string) => Uint8Array;

const importFromNodeModules = (): Promise<unknown> => import('wabt');

const firstLine = (error: unknown) => String((error as Error | undefined)?.message ?? error).split('\n')[0];

/** `importWabt` is how the package is imported: tests pass one that fails, as if it were missing. */
export async function loadWat2Wasm(importWabt: () => Promise<unknown> = importFromNodeModules): Promise<WatParser> {
  let imported: unknown;
  try {
    imported = await importWabt();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new WabtUnavailable('reading WebAssembly text (.wat) needs the wabt package, which is not installed: npm install wabt');
    }
    throw new WabtUnavailable(`the wabt package (the WebAssembly text parser) did not load: ${firstLine(error)}`);
  }
  // Checked before wabt starts: it would print its own failure on stderr before throwing.
  if (!('WebAssembly' in globalThis)) {
    throw new WabtUnavailable("reading WebAssembly text (.wat) needs the wabt package, which runs on the host's WebAssembly, and this process has none (--jitless?)");
  }
  let wabt: Wabt;
  try {
    wabt = await (imported as { default: () => Promise<Wabt> }).default();
  } catch (error) {
    throw new WabtUnavailable(`the wabt package (the WebAssembly text parser) did not start: ${firstLine(error)}`);
  }
  return (text: string, filename = 'module.wat') => {
    // As bytes: wabt.js would otherwise pass non-ASCII text to its parser mangled.
    const module = wabt.parseWat(filename, new TextEncoder().encode(text), FEATURES);
    try {
      return module.toBinary({ log: false, write_debug_names: false }).buffer.slice();
    } finally {
      module.destroy();
    }
  };
}
