import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const programs = join(dirname(fileURLToPath(import.meta.url)), '..', 'runtime', 'programs');

/**
 * The committed Wasm of test program `name` (test/runtime/programs/<name>.wat, built by
 * `npm run programs`), for tests that must also run where wabt cannot (`--jitless`).
 */
export function programWasm(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(programs, `${name}.wasm`)));
}
