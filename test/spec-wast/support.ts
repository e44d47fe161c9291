/** Shared helpers for the .wast parser tests (not a test file itself). */
import { relative, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listWastFiles } from '../../src/cli/spec-files.js';
import { specTestsuiteDir } from '../support/shared.js';

/** Every `*.wast` under the testsuite (proposals included), relative to it, sorted. */
export function wastFiles(): string[] {
  const dir = specTestsuiteDir();
  return listWastFiles(dir).map((path) => relative(dir, path).split(sep).join('/')).sort();
}

export function readWast(file: string): string {
  return readFileSync(join(specTestsuiteDir(), file), 'utf8');
}

export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
