import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CaseKeys } from '../src/spec/case-key.js';
import { SKIPS, SKIP_RULES } from '../src/spec/skips.js';
import { parseWastEntries } from '../src/spec/wast/index.js';
import { specTestsuiteDir } from '../test/support/shared.js';

/** Each command's key in a file of the bundled testsuite, with its line. */
function keyedLines(file: string): Map<string, number> {
  const source = readFileSync(join(specTestsuiteDir(), file), 'utf8');
  const keys = new CaseKeys();
  return new Map(parseWastEntries(source).map((entry) => [keys.next(source, entry.start, entry.end), entry.kind === 'command' ? entry.command.line : entry.line]));
}

it('every skipped case is a command of its file, and spec-tests/README.md lists it with its line and reason', () => {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  for (const skip of SKIPS) {
    const lines = keyedLines(skip.file);
    const found = skip.cases.map((key) => lines.get(key));
    expect(found.filter((line) => line === undefined), `${skip.file}: keys that match no command`).toEqual([]);
    expect(readme).toContain(`| ${skip.file} | ${found.join(', ')} | ${skip.reason} |`);
  }
  for (const rule of SKIP_RULES) expect(readme).toContain(`| ${rule.files} | ${rule.cases} | ${rule.reason} |`);
});
