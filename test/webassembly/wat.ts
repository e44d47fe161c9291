/**
 * WebAssembly text → binary for these tests, through the wabt package (which runs on the host's
 * WebAssembly: only where there is one).
 */
import wabtInit from 'wabt';

const FEATURES = { multi_value: true, bulk_memory: true, reference_types: true, tail_call: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true };

export type WatParser = (text: string) => Uint8Array;

export async function loadWat(): Promise<WatParser> {
  const wabt = await wabtInit();
  return (text) => {
    const module = wabt.parseWat('test.wat', new TextEncoder().encode(text), FEATURES);
    try {
      return new Uint8Array(module.toBinary({ write_debug_names: false }).buffer);
    } finally {
      module.destroy();
    }
  };
}
