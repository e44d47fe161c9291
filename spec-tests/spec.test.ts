/**
 * The WebAssembly spec testsuite, compiled by our compiler and run by our interpreter. Module
 * text is read by wasm-tools, as `rwasm spec` does by default (wabt gives the same results on
 * this testsuite). Both are WebAssembly, so this skips itself under --jitless.
 */
import { beforeAll, expect, it } from 'vitest';
import { readSuiteFiles } from '../src/cli/spec-files.js';
import { loadWasmToolsParser } from '../src/cli/wasm-tools.js';
import { formatFileLine, formatTotals, runSuite, type TextModuleParser } from '../src/spec/suite.js';
import { describeWithHostWasm } from '../test/support/host-wasm.js';
import { specTestsuiteDir } from '../test/support/shared.js';

describeWithHostWasm('WebAssembly spec testsuite', () => {
  let parse: TextModuleParser;
  beforeAll(async () => {
    parse = await loadWasmToolsParser();
  });

  it('passes every file with no failures (skips are listed in spec-tests/README.md)', async () => {
    const files = readSuiteFiles(specTestsuiteDir());
    expect(files.length).toBeGreaterThan(90);
    const result = await runSuite(files, parse);
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
