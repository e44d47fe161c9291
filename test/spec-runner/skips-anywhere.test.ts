/**
 * The skip table applies to any copy of the testsuite (whatever folder `rwasm spec` is given)
 * and to a newer version of a file whose lines have moved: cases are keyed by content.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasmToolsParser } from '../../src/cli/wasm-tools.js';
import { CaseKeys, normalizedCommandText } from '../../src/spec/case-key.js';
import { runWastFile, type TextModuleParser } from '../../src/spec/suite.js';
import { runCli } from '../support/cli.js';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { specTestsuiteDir } from '../support/shared.js';

describe('case keys', () => {
  it('do not change with whitespace, line breaks or comments, and number repeated commands', () => {
    const first = '(assert_return (invoke "f" (i32.const 1)) (i32.const 2))';
    const moved = '(assert_return\n  (invoke "f"  (; c ;) (i32.const 1))\n  (i32.const 2))';
    const other = '(invoke "g")';
    const source = `${first}\n;; moved\n${moved}\n${other}`;
    const spans = [first, moved, other].map((text) => [source.indexOf(text), source.indexOf(text) + text.length] as const);
    expect(normalizedCommandText(source, ...spans[0]!)).toBe(normalizedCommandText(source, ...spans[1]!));
    expect(normalizedCommandText(source, ...spans[2]!)).toBe('( invoke "g" )');
    const keys = new CaseKeys();
    const [firstKey, repeatKey, otherKey] = spans.map(([start, end]) => keys.next(source, start, end));
    expect(firstKey).toMatch(/^[0-9a-f]{16}$/);
    expect(repeatKey).toBe(`${firstKey}#2`);
    expect(otherKey).toMatch(/^[0-9a-f]{16}$/);
    expect(otherKey).not.toBe(firstKey);
  });
});

describeWithHostWasm('skips', () => {
  let parse: TextModuleParser;
  beforeAll(async () => {
    parse = await loadWasmToolsParser();
  });

  it('apply to a copy of the testsuite in another folder (rwasm spec on the copy: no false failures)', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'rwasm-spec-copy-')), 'somewhere-else');
    cpSync(join(specTestsuiteDir(), 'proposals'), join(copy, 'proposals'), { recursive: true });
    cpSync(join(specTestsuiteDir(), 'linking.wast'), join(copy, 'linking.wast'));
    const { code, out } = await runCli({}, 'spec', copy);
    expect(out).not.toMatch(/FAIL/);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toContain('proposals/extended-const/data.wast: 47 passed, 0 failed, 18 skipped');
    expect(lines).toContain('proposals/extended-const/elem.wast: 67 passed, 0 failed, 25 skipped');
    expect(lines).toContain('linking.wast: 89 passed, 0 failed, 43 skipped');
    // A folder inside the copy, and a single file, are named from there and skip the same.
    const folder = await runCli({}, 'spec', join(copy, 'proposals', 'extended-const'));
    expect(folder.out).toContain('data.wast: 47 passed, 0 failed, 18 skipped\n');
    const file = await runCli({}, 'spec', join(copy, 'proposals', 'extended-const', 'elem.wast'));
    expect(file.out).toContain('elem.wast: 67 passed, 0 failed, 25 skipped\n');
  }, 120_000);

  it('find their cases in a newer version of a file, where the lines and layout have changed', async () => {
    const original = readFileSync(join(specTestsuiteDir(), 'linking.wast'), 'utf8');
    const before = await runWastFile('linking.wast', original, parse);
    // Lines moved (a header, blank lines), commands re-indented and commented, as an upstream edit might.
    const newer = ';; a newer version\n\n;; with more lines above\n' + original.replace(/\n\(assert_return/g, '\n\n  (assert_return ;; re-indented\n   ').replace(/\(module \$Mt/g, '(; moved ;) (module $Mt');
    const after = await runWastFile('renamed/linking-v2.wast', newer, parse);
    expect(before.skipped).toBe(43);
    expect(after.failed, JSON.stringify(after.cases.filter((c) => c.status === 'failed'))).toBe(0);
    expect(after.skipped).toBe(before.skipped);
    expect(after.passed).toBe(before.passed);
    // The skipped commands are the same ones, at their new lines.
    const kinds = (result: typeof before) => result.cases.filter((c) => c.status === 'skipped').map((c) => `${c.kind}: ${c.detail?.replace(/line \d+/, 'line N')}`);
    expect(kinds(after)).toEqual(kinds(before));
    expect(after.cases.filter((c) => c.status === 'skipped').map((c) => c.line)).not.toEqual(before.cases.filter((c) => c.status === 'skipped').map((c) => c.line));
  }, 60_000);

  it('the f32/f64 signalling-NaN rule follows the file name, not its folder', async () => {
    const source = readFileSync(join(specTestsuiteDir(), 'f32.wast'), 'utf8');
    const result = await runWastFile('elsewhere/f32.wast', source, parse);
    expect(result.failed).toBe(0);
    expect(result.skipped).toBe(152);
  }, 60_000);
});
