import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { loadWat2Wasm } from '../../src/cli/wabt.js';
import type { Wat2Wasm } from '../../src/spec/runner.js';
import { describeWithHostWasm } from '../support/host-wasm.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs = [join(root, 'test', 'runtime', 'programs'), join(root, 'bench', 'programs')];

describeWithHostWasm('test programs', () => {
  let wat2wasm: Wat2Wasm;
  beforeAll(async () => {
    wat2wasm = await loadWat2Wasm();
  });

  for (const [dir, file] of dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.wat')).map((f) => [dir, f] as const))) {
    it(`${file}: the committed .wasm is what its text compiles to (else run \`npm run programs\`)`, () => {
      const expected = wat2wasm(readFileSync(join(dir, file), 'utf8'));
      const committed = new Uint8Array(readFileSync(join(dir, file.replace(/\.wat$/, '.wasm'))));
      expect(Buffer.compare(committed, expected)).toBe(0);
    });
  }
});
