/**
 * Running many scripts: their per-file counts and the totals line, shared by the vitest entry
 * and `rwasm spec`. The text parser may be asynchronous (wasm-tools' is): every text module of a
 * file is turned into a binary before the file runs, so the runner itself stays synchronous.
 */
import { RwasmError } from '../errors.js';
import { runWastEntries, unreadableFile, type FileResult } from './runner.js';
import { parseWastEntries, WastSyntaxError, type WastEntry } from './wast/index.js';

export interface SuiteFile {
  /** The file's name in the results: its path relative to the folder it was found in. */
  readonly name: string;
  readonly source: string;
}

export interface SuiteResult {
  readonly files: readonly FileResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** `.wat` module text → Wasm binary; throws (or rejects) when the text is not a module it can encode. */
export type TextModuleParser = (text: string) => Uint8Array | Promise<Uint8Array>;

/** The texts of a script's text and quote modules, each once. */
function moduleTexts(entries: readonly WastEntry[]): Set<string> {
  const texts = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'command' || !('module' in entry.command)) continue;
    const { module } = entry.command;
    if (typeof module === 'object' && module.kind !== 'binary') texts.add(module.text);
  }
  return texts;
}

/** Runs one script: a script that does not parse, or a runner failure, is a failed case of the file, never an exception. */
export async function runWastFile(file: string, source: string, parse: TextModuleParser): Promise<FileResult> {
  try {
    const entries = parseWastEntries(source);
    const binaries = new Map<string, Uint8Array | { error: unknown }>();
    for (const text of moduleTexts(entries)) {
      try {
        binaries.set(text, await parse(text));
      } catch (error) {
        binaries.set(text, { error });
      }
    }
    return runWastEntries(file, source, entries, (text) => {
      const binary = binaries.get(text);
      if (binary === undefined) throw new RwasmError('InvalidState', 'a module text was not parsed ahead of the run');
      if (!(binary instanceof Uint8Array)) throw binary.error;
      return binary;
    });
  } catch (error) {
    if (error instanceof WastSyntaxError) return unreadableFile(file, error);
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { file, passed: 0, failed: 1, skipped: 0, cases: [{ line: 1, kind: 'script', status: 'failed', detail: `the runner stopped: ${reason}` }] };
  }
}

export async function runSuite(files: readonly SuiteFile[], parse: TextModuleParser, onFile?: (result: FileResult) => void): Promise<SuiteResult> {
  const results: FileResult[] = [];
  for (const file of files) {
    const result = await runWastFile(file.name, file.source, parse);
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
