/** The `.wast` scripts of a folder, found and read for `rwasm spec` (and the tests): every one under it, sorted. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SuiteFile } from '../spec/suite.js';

export function listWastFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.wast')) found.push(path);
    }
  };
  walk(root);
  return found;
}

export function readSuiteFiles(root: string, paths: readonly string[] = listWastFiles(root)): SuiteFile[] {
  return paths.map((path) => ({ name: relative(root, path).split(sep).join('/'), source: readFileSync(path, 'utf8') }));
}
