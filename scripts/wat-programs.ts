// Rebuilds the committed .wasm of every .wat program (test/runtime/programs, bench/programs),
// so the tests that run them also run under --jitless, where wabt cannot.
// `npm run programs`; test/runtime/programs.test.ts checks the two agree.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWat2Wasm } from '../src/cli/wabt.js';

const wat2wasm = await loadWat2Wasm();
for (const dir of [join('test', 'runtime', 'programs'), join('bench', 'programs')]) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
    const wasm = wat2wasm(readFileSync(join(dir, file), 'utf8'));
    writeFileSync(join(dir, file.replace(/\.wat$/, '.wasm')), wasm);
    console.log(`${join(dir, file)} → ${wasm.length} bytes`);
  }
}
