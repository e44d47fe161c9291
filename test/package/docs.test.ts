/**
 * `npm run docs` (typedoc over the public entry points' doc comments): validated without
 * writing anything (--emit none), every warning an error, so a link to nothing or a public
 * type typedoc cannot reach fails here rather than in generated pages nobody reads.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describePackaging } from '../support/package.js';
import { repositoryRoot } from '../support/shared.js';

describePackaging('the API documentation', () => {
  it('typedoc converts and validates the public API without a warning', () => {
    const result = spawnSync('npm', ['run', '--silent', 'docs', '--', '--emit', 'none', '--treatWarningsAsErrors'], { cwd: repositoryRoot(), encoding: 'utf8', timeout: 300_000 });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/\[(?:warning|error)\]/);
  }, 300_000);
});
