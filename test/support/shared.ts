/**
 * The one way tests find the read-only material beside the project: `$RWASM_SHARED`, else
 * `../shared` relative to the repository root.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository: the nearest folder above this file whose package.json is rwasm-ts's (this
 * file also runs bundled into node_modules/.cache by the fuzz script).
 */
export function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'rwasm-ts') return dir;
    if (dirname(dir) === dir) throw new Error(`no rwasm-ts package.json above ${fileURLToPath(import.meta.url)}`);
  }
}

const repoRoot = repositoryRoot();

export function sharedDir(): string {
  const dir = process.env.RWASM_SHARED ? resolve(process.env.RWASM_SHARED) : resolve(repoRoot, '..', 'shared');
  if (!existsSync(dir)) {
    throw new Error(`shared material not found at ${dir}; set RWASM_SHARED to the folder holding fixtures/ and spec-testsuite/`);
  }
  return dir;
}

export function specTestsuiteDir(): string {
  return process.env.RWASM_SPEC_TESTSUITE ? resolve(process.env.RWASM_SPEC_TESTSUITE) : join(sharedDir(), 'spec-testsuite');
}

export interface GenesisFixture {
  readonly file: string;
  readonly kind: string;
  /** keccak256 of the file, from its name. */
  readonly hash: string;
  readonly bytes: Uint8Array;
}

export function genesisFixtures(): GenesisFixture[] {
  const dir = join(sharedDir(), 'fixtures', 'genesis');
  return readdirSync(dir)
    .sort()
    .map((file) => {
      const match = /^(.*)_([0-9a-f]{64})\.(rwasm|bin)$/.exec(file);
      if (!match) throw new Error(`unexpected fixture name ${file}`);
      return { file, kind: match[1]!, hash: match[2]!, bytes: new Uint8Array(readFileSync(join(dir, file))) };
    });
}

export function rwasmFixtures(): GenesisFixture[] {
  return genesisFixtures().filter((f) => f.file.endsWith('.rwasm'));
}
