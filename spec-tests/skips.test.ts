import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SKIPS, SKIP_RULES } from './skips.js';

it('spec-tests/README.md lists every skip with its lines and reason', () => {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  for (const skip of SKIPS) {
    expect(readme).toContain(`| ${skip.file} | ${skip.lines.join(', ')} | ${skip.reason} |`);
  }
  for (const rule of SKIP_RULES) expect(readme).toContain(`| ${rule.files} | ${rule.cases} | ${rule.reason} |`);
});
