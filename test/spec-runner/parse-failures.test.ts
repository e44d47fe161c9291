/**
 * A script that does not parse fails on its own: a form the parser does not read is one failed
 * case and the file goes on; a file that cannot be split into forms is one failed case and the
 * run goes on with the next file. `rwasm spec` never stops with an internal error for either.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWast } from '../../src/spec/runner.js';
import { runSuite } from '../../src/spec/suite.js';
import { parseWastEntries } from '../../src/spec/wast/index.js';
import { runCli } from '../support/cli.js';
import { describeWithHostWasm } from '../support/host-wasm.js';

const GOOD = '(module binary "\\00asm\\01\\00\\00\\00")\n(assert_malformed (module binary "\\00asm") "unexpected end")\n';
const noTextParser = () => {
  throw new Error('no module text in these scripts');
};

describe('parse failures', () => {
  it('a form the parser does not read is one failed "unparsed" case; the forms after it still run', () => {
    const source = `${GOOD}(assert_fancy (invoke "f"))\n(assert_return (invoke "f") (i32.const 1) "x")\n${GOOD}`;
    const entries = parseWastEntries(source);
    expect(entries.map((e) => e.kind)).toEqual(['command', 'command', 'unparsed', 'unparsed', 'command', 'command']);
    const result = runWast('mixed.wast', source, noTextParser);
    expect(result.cases.filter((c) => c.kind === 'unparsed')).toEqual([
      { line: 3, kind: 'unparsed', status: 'failed', detail: 'not a command the runner reads: unknown command "assert_fancy"' },
      { line: 4, kind: 'unparsed', status: 'failed', detail: 'not a command the runner reads: expected a constant, found a string' },
    ]);
    expect(result).toMatchObject({ passed: 4, failed: 2, skipped: 0 });
  });

  it('a module form that is not read leaves no module for the actions after it', () => {
    const source = `${GOOD}(module binary "\\00asm\\01\\00\\00\\00" oops)\n(invoke "f")\n`;
    const result = runWast('module.wast', source, noTextParser);
    expect(result.cases.map((c) => [c.kind, c.status, c.detail])).toEqual([
      ['module', 'passed', undefined],
      ['assert_malformed', 'passed', undefined],
      ['unparsed', 'failed', 'not a command the runner reads: expected a binary module piece (a string), found "oops"'],
      ['action', 'failed', 'no module (last) to act on'],
    ]);
  });

  it('a module that fails leaves no module either: the actions after it do not run on the one before', () => {
    const source = `${GOOD}(module binary "\\00asm\\01\\00\\00\\00\\01")\n(invoke "f")\n`;
    const result = runWast('failing-module.wast', source, noTextParser);
    expect(result.cases.slice(2).map((c) => [c.kind, c.status, c.detail?.replace(/:.*/, '')])).toEqual([
      ['module', 'failed', 'unexpected RwasmError'],
      ['action', 'failed', 'no module (last) to act on'],
    ]);
  });

  it('a file that cannot be split into forms is one failed "script" case, and the next file runs', async () => {
    const result = await runSuite(
      [
        { name: 'unbalanced.wast', source: `${GOOD}(module\n  (func)\n` },
        { name: 'bad-token.wast', source: `${GOOD}\n\n(invoke "a""b")` },
        { name: 'good.wast', source: GOOD },
      ],
      noTextParser,
    );
    expect(result.files.map((f) => [f.file, f.passed, f.failed, f.cases[0]])).toEqual([
      ['unbalanced.wast', 0, 1, { line: 3, kind: 'script', status: 'failed', detail: 'the script does not parse: unclosed "(" at end of input' }],
      ['bad-token.wast', 0, 1, { line: 5, kind: 'script', status: 'failed', detail: expect.stringMatching(/^the script does not parse: .*separated/) }],
      ['good.wast', 2, 0, expect.objectContaining({ status: 'passed' })],
    ]);
    expect(result).toMatchObject({ passed: 2, failed: 2 });
  });
});

describeWithHostWasm('rwasm spec on a folder with a malformed file', () => {
  it('reports the file as failing, runs the others and exits 1 without an internal error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-spec-malformed-'));
    writeFileSync(join(dir, 'a-good.wast'), '(module (func (export "f") (result i32) (i32.const 7)))\n(assert_return (invoke "f") (i32.const 7))\n');
    writeFileSync(join(dir, 'b-malformed.wast'), '(module (func (export "f")))\n(assert_return (invoke "f")\n');
    writeFileSync(join(dir, 'c-good.wast'), '(module (func (export "g") (result i64) (i64.const -1)))\n(assert_return (invoke "g") (i64.const -1))\n');
    const { code, out, err } = await runCli({}, 'spec', dir);
    expect(err).toBe('');
    expect(out).toBe(
      [
        'a-good.wast: 2 passed, 0 failed, 0 skipped',
        'b-malformed.wast: 0 passed, 1 failed, 0 skipped',
        '  FAIL line 2 script: the script does not parse: unclosed "(" at end of input',
        'c-good.wast: 2 passed, 0 failed, 0 skipped',
        '4 passed, 1 failed, 0 skipped',
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
  }, 60_000);
});
