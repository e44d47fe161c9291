/**
 * The current upstream testsuite (WebAssembly/testsuite), where a git mirror of it is on this
 * machine: `$RWASM_UPSTREAM_TESTSUITE_GIT`, else the workplace's mirror folder. Its files are
 * unpacked into a temporary folder for the test only; without a mirror the tests skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSuiteFiles } from '../../src/cli/spec-files.js';
import { loadWasmToolsParser } from '../../src/cli/wasm-tools.js';
import { runWastFile, type SuiteFile, type TextModuleParser } from '../../src/spec/suite.js';
import { parseWastEntries } from '../../src/spec/wast/index.js';
import { HOST_HAS_WEBASSEMBLY } from '../support/host-wasm.js';

const MIRROR = process.env.RWASM_UPSTREAM_TESTSUITE_GIT ?? '/work/.mirror/WebAssembly+testsuite/repo';
const hasMirror = existsSync(MIRROR) && spawnSync('git', ['-C', MIRROR, 'rev-parse', '--verify', 'HEAD'], { stdio: 'ignore' }).status === 0;

/** Every file of the mirror's HEAD, unpacked into a new temporary folder. */
function unpackMirror(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rwasm-upstream-testsuite-'));
  const archive = spawnSync('git', ['-C', MIRROR, 'archive', '--format=tar', 'HEAD'], { maxBuffer: 1 << 30 });
  expect(archive.status, String(archive.stderr)).toBe(0);
  expect(spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout }).status).toBe(0);
  return dir;
}

describe.skipIf(!hasMirror)(`the upstream testsuite (git mirror ${MIRROR}; these tests skip where there is none)`, () => {
  let files: SuiteFile[];
  beforeAll(() => {
    files = readSuiteFiles(unpackMirror());
  });
  const source = (name: string) => files.find((f) => f.name === name)!.source;

  it('every .wast file is read into commands, with no form left unparsed', () => {
    expect(files.length).toBeGreaterThan(250);
    const unparsed = files.flatMap((file) =>
      parseWastEntries(file.source)
        .filter((entry) => entry.kind === 'unparsed')
        .map((entry) => (entry.kind === 'unparsed' ? `${file.name}:${entry.line} ${entry.error.reason}` : file.name)),
    );
    expect(unparsed).toEqual([]);
  });

  describe.skipIf(!HOST_HAS_WEBASSEMBLY)('with wasm-tools', () => {
    let parse: TextModuleParser;
    beforeAll(async () => {
      parse = await loadWasmToolsParser();
    });

    it('select.wast passes, and br_table.wast is read, failing only where our decoder refuses typed function references', async () => {
      expect(await runWastFile('select.wast', source('select.wast'), parse)).toMatchObject({ failed: 0 });
      const brTable = await runWastFile('br_table.wast', source('br_table.wast'), parse);
      const reasons = new Set(brTable.cases.filter((c) => c.status === 'failed').map((c) => c.detail?.replace(/ at byte offset \d+/, '')));
      expect([...reasons]).toEqual(['unexpected RwasmError: malformed reference type', 'no module (last) to act on']);
    }, 60_000);

    it('reads the text of every module not meant to be malformed, but in the legacy exception files', async () => {
      const unread = new Set<string>();
      for (const file of files) {
        for (const entry of parseWastEntries(file.source)) {
          if (entry.kind !== 'command' || !('module' in entry.command)) continue;
          const { command } = entry;
          const module = command.module;
          if (typeof module !== 'object' || module.kind === 'binary' || command.kind.startsWith('assert_malformed') || command.kind.startsWith('assert_invalid')) continue;
          try {
            await parse(module.text);
          } catch {
            unread.add(file.name);
          }
        }
      }
      expect([...unread].filter((name) => !name.startsWith('legacy/'))).toEqual([]);
    }, 300_000);
  });
});
