/**
 * The package as npm would publish it, built fresh for the packaging tests (so they test this
 * source, not whatever dist/ holds): scripts/build.mjs writes its dist/ into a temporary
 * `<root>/node_modules/rwasm-ts`, beside package.json, README, LICENSE, CHANGELOG, bin/ and a
 * copy of examples/. Programs in `<root>` then reach it by its name, as a user's would. The
 * root lies inside the repository's node_modules/.cache, so the package's own dependencies
 * (@noble/hashes, fast-check) and the tools (esbuild, typescript-min) resolve from the
 * repository's node_modules, as they would from a user's.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { repositoryRoot } from './shared.js';

export interface BuiltPackage {
  /** Where consumers of the package live (its node_modules holds rwasm-ts). */
  readonly root: string;
  /** The package itself. */
  readonly packageDir: string;
  /** Runs node in `root` with `args`, the environment given on top of this one. */
  node(args: readonly string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  remove(): void;
}

/** The layers the package exports as subpaths, beside the root. */
export const LAYERS = ['format', 'compiler', 'interpreter', 'runtime', 'fluent', 'testing'] as const;

export function buildPackage(): BuiltPackage {
  const repo = repositoryRoot();
  const cache = join(repo, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const root = mkdtempSync(join(cache, 'rwasm-package-'));
  const packageDir = join(root, 'node_modules', 'rwasm-ts');
  mkdirSync(packageDir, { recursive: true });
  // The consumer's own package.json: without it the nearest one above <root> is the repository's,
  // named rwasm-ts, and a bundler resolves `rwasm-ts` to the repository itself (a self-reference).
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'rwasm-ts-consumer', private: true }));
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin', 'examples']) cpSync(join(repo, file), join(packageDir, file), { recursive: true });
  execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', join(packageDir, 'dist')], { cwd: repo, stdio: 'pipe' });
  return {
    root,
    packageDir,
    node: (args, env = {}) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Packaging does not depend on the engine tier, so these tests run in the default pass only,
 * not again in the --jitless, interpreter and compiled passes (RWASM_JITLESS / RWASM_TIER).
 */
export const describePackaging = describe.skipIf(process.env.RWASM_JITLESS === '1' || (process.env.RWASM_TIER ?? '') !== '');
