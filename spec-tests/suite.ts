/**
 * Finding and running the whole testsuite: the files, their per-file counts and the totals
 * line, shared by the vitest entry and `rwasm spec`.
 */
import { runWast, type FileResult, type Wat2Wasm } from './runner.js';

export interface SuiteFile {
  /** Path relative to the testsuite root, as used in the skip table. */
  readonly name: string;
  readonly source: string;
}

export interface SuiteResult {
  readonly files: readonly FileResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function runSuite(files: readonly SuiteFile[], wat2wasm: Wat2Wasm, onFile?: (result: FileResult) => void): SuiteResult {
  const results: FileResult[] = [];
  for (const file of files) {
    const result = runWast(file.name, file.source, wat2wasm);
    results.push(result);
    onFile?.(result);
  }
  const sum = (key: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[key], 0);
  return { files: results, passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
}

export function formatFileLine(result: FileResult): string {
  return `${result.file}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
}

export function formatTotals(result: SuiteResult): string {
  return `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
}
