/** Finds the shared fixtures for benchmarks (`$RWASM_SHARED`, else ../shared beside the repo) and bench/ itself. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function sharedDir(): string {
  const dir = process.env.RWASM_SHARED ? resolve(process.env.RWASM_SHARED) : resolve(process.cwd(), '..', 'shared');
  if (!existsSync(dir)) throw new Error(`shared material not found at ${dir}; set RWASM_SHARED`);
  return dir;
}

export function genesisFixture(kind: string): { file: string; bytes: Uint8Array } {
  const dir = join(sharedDir(), 'fixtures', 'genesis');
  const file = readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}_`) && f.endsWith('.rwasm'))
    .sort()[0];
  if (!file) throw new Error(`no ${kind} fixture in ${dir}`);
  return { file, bytes: new Uint8Array(readFileSync(join(dir, file))) };
}

/** bench/ of the repository: benchmarks run bundled from elsewhere, always from the repository root. */
export function benchDir(): string {
  const dir = resolve(process.cwd(), 'bench');
  if (!existsSync(join(dir, 'programs'))) throw new Error(`run benchmarks from the repository root (no bench/programs in ${process.cwd()})`);
  return dir;
}
