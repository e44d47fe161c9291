import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { UsageError } from './args.js';

/** Where a command writes; the real process by default, a buffer in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Environment variables the commands read (RWASM_TIER); none when left out. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Imports the optional wabt package (the WebAssembly text parser) when a command needs it;
   * `import('wabt')` when left out. Tests pass one that fails, as if it were not installed.
   */
  readonly importWabt?: () => Promise<unknown>;
  /** The same for wasm-tools (@bytecodealliance/jco-transpile/wasm-tools), the text parser `rwasm spec` prefers. */
  readonly importWasmTools?: () => Promise<unknown>;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
};

/** What a command returns: the process exit code. */
export type ExitCode = number;

/**
 * The most bytes a command reads from one input: 256 MiB, far above any module (the EVM
 * runtime is 1.2 MiB) and below what a Node process holds comfortably. Without a cap,
 * `rwasm inspect /dev/zero` would grow until the process dies.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const FIRST_CHUNK = 64 * 1024;
const LARGEST_CHUNK = 16 * 1024 * 1024;

function cannotRead(path: string, error: unknown): UsageError {
  return new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
}

function tooLarge(path: string, limit: number): UsageError {
  return new UsageError(`${path} is larger than ${limit} bytes (${limit / (1024 * 1024)} MiB), the most rwasm reads from one input`);
}

/**
 * Reads a whole file, refusing one larger than `limit`. A regular file's size is known from
 * fstat, so it is refused before anything is read; devices and pipes report no size and are
 * read in growing chunks until they end or pass the limit.
 */
export function readInput(path: string | undefined, limit = MAX_INPUT_BYTES): Uint8Array {
  if (path === undefined) throw new UsageError('missing input file');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw cannotRead(path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > limit) throw tooLarge(path, limit);
    // One byte more than the cap is how a stream longer than the cap is told from one exactly as long.
    const known = stat.isFile() && stat.size > 0 ? stat.size + 1 : 0;
    const chunks: Uint8Array[] = [];
    let total = 0;
    let size = known > 0 ? known : FIRST_CHUNK;
    for (;;) {
      const chunk = Buffer.allocUnsafeSlow(Math.min(size, limit + 1 - total));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw cannotRead(path, error);
      }
      if (read === 0) break;
      total += read;
      if (total > limit) throw tooLarge(path, limit);
      chunks.push(chunk.subarray(0, read));
      // A regular file was read at its size in one go: what follows is at most what it grew by.
      size = known > 0 ? FIRST_CHUNK : Math.min(size * 2, LARGEST_CHUNK);
    }
    if (chunks.length === 1) return new Uint8Array(chunks[0]!.buffer, chunks[0]!.byteOffset, total);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** A text file (UTF-8), under the same cap as every input. */
export function readText(path: string): string {
  return new TextDecoder().decode(readInput(path));
}

export function writeOutput(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function isWasm(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** `0x` and lower-case hex digits: the one way the CLI prints bytes and hashes. */
export function hex(bytes: Uint8Array): string {
  let text = '0x';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}
