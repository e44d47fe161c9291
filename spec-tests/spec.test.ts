/**
 * The WebAssembly spec testsuite, compiled by our compiler and run by our interpreter.
 * Needs wabt (the host's WebAssembly) to read module text, so it skips itself under --jitless.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeWithHostWasm } from '../test/support/host-wasm.js';
import { specTestsuiteDir } from '../test/support/shared.js';
import { readSuiteFiles } from './files.js';
import type { Wat2Wasm } from './runner.js';
import { formatFileLine, formatTotals, runSuite } from './suite.js';
import { loadWat2Wasm } from './wabt.js';

describeWithHostWasm('WebAssembly spec testsuite', () => {
  let wat2wasm: Wat2Wasm;
  beforeAll(async () => {
    wat2wasm = await loadWat2Wasm();
  });

  it('passes every file with no failures (skips are listed in spec-tests/README.md)', () => {
    const files = readSuiteFiles(specTestsuiteDir());
    expect(files.length).toBeGreaterThan(90);
    const result = runSuite(files, wat2wasm);
    const lines = result.files.map(formatFileLine);
    console.log([...lines, formatTotals(result)].join('\n'));
    const failures = result.files.flatMap((f) => f.cases.filter((c) => c.status === 'failed').map((c) => `${f.file}:${c.line} ${c.kind}: ${c.detail}`));
    expect(failures).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.passed).toBeGreaterThan(27000);
    // every file but the two linking-heavy ones runs essentially all of its commands
    for (const file of result.files) {
      if (file.file === 'imports.wast' || file.file === 'linking.wast') continue;
      expect(file.passed, file.file).toBeGreaterThan(0);
    }
  }, 600_000);
});
