/**
 * The program files commands take: rWasm, Wasm, and WebAssembly text (.wat) wherever Wasm is
 * accepted, read through the optional wabt package. rWasm-only commands say what to do with
 * Wasm instead of failing on its magic.
 */
import { basename } from 'node:path';
import { WabtUnavailable, loadWat2Wasm, type WatParser } from './wabt.js';
import { UsageError } from './args.js';
import { isWasm, readInput, readText, type Io } from './io.js';

export const isWatPath = (path: string) => /\.wat$/i.test(path);

/** wabt's parser, or a one-line UsageError saying how to install it. */
export async function watParser(io: Io): Promise<WatParser> {
  try {
    return await loadWat2Wasm(io.importWabt);
  } catch (error) {
    if (error instanceof WabtUnavailable) throw new UsageError(error.message);
    throw error;
  }
}

/** A program for `compile`, `run` and `trace`: `.wat` text becomes a Wasm binary, any other file is read as it is. */
export async function readProgram(path: string | undefined, io: Io): Promise<Uint8Array> {
  if (path === undefined) throw new UsageError('missing input file');
  if (!isWatPath(path)) return readInput(path);
  const text = readText(path);
  const parse = await watParser(io);
  try {
    return parse(text, basename(path));
  } catch (error) {
    // wabt reports `parseWat failed:` and then, per error, its line, the source line and a caret.
    const errors = String((error as Error).message ?? error).split('\n').filter((line) => line.includes(': error: '));
    throw new UsageError(`${path} is not valid WebAssembly text: ${errors.join('; ') || String(error)}`);
  }
}

/** A module for `inspect` and `disasm`, which read rWasm only: Wasm (binary or text) is pointed at `compile`. */
export function readRwasm(path: string | undefined, command: string): Uint8Array {
  if (path === undefined) throw new UsageError('missing input file');
  const suggestion = `compile it first (rwasm compile ${path} -o ${path.replace(/\.(wasm|wat)$/i, '')}.rwasm), then ${command} the .rwasm`;
  if (isWatPath(path)) throw new UsageError(`${path} is WebAssembly text, not rWasm: ${suggestion}`);
  const bytes = readInput(path);
  if (isWasm(bytes)) throw new UsageError(`${path} is a Wasm module, not rWasm: ${suggestion}`);
  return bytes;
}
