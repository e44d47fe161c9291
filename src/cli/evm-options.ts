/**
 * What the `rwasm evm` commands share: their inputs (hex, addresses, amounts, the EVM runtime,
 * JSON files, the world file) read with every value checked, and how their logs are printed.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { RwasmError, isRwasmError } from '../errors.js';
import type { World, WorldLog } from '../fluent/world.js';
import { ModuleCache } from '../runtime/module-cache.js';
import { worldFromJson, worldToJson } from '../fluent/world-file.js';
import { UsageError } from './args.js';
import { hex, readInput, readText, type Io } from './io.js';

/** A long value (init code) is cut short in messages: the line names it, it need not repeat it. */
const shown = (text: string) => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);

/** Hex bytes, with or without 0x. */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const digits = /^0x/i.test(text) ? text.slice(2) : text;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new UsageError(`${what}: ${shown(text)} is not hex bytes`);
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

export function parseAddress(text: string, what: string): Uint8Array {
  const bytes = parseHexBytes(text, what);
  if (bytes.length !== 20) throw new UsageError(`${what}: ${shown(text)} is not a 20-byte address`);
  return bytes;
}

/** A decimal or 0x-hex amount below 2^bits (wei: 256, gas: 64). */
export function parseAmount(text: string | undefined, what: string, bits: number): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^(?:\d+|0x[0-9a-fA-F]+)$/i.test(text)) throw new UsageError(`${what}: ${shown(text)} is not a decimal or 0x-hex amount`);
  const value = BigInt(text);
  if (value >= 1n << BigInt(bits)) throw new UsageError(`${what}: ${text} is more than a u${bits}`);
  return value;
}

/**
 * `deploy`'s init code: a 0x-prefixed hex argument, else a file holding hex text (solc's .bin,
 * surrounding whitespace allowed) or the raw bytes.
 */
export function readInitCode(argument: string | undefined): Uint8Array {
  if (argument === undefined) throw new UsageError('missing init code (0x… hex or a file)');
  if (/^0x/i.test(argument)) return parseHexBytes(argument, 'init code');
  const bytes = readInput(argument);
  const text = new TextDecoder().decode(bytes).trim();
  return /^(?:0x)?[0-9a-fA-F]*$/i.test(text) ? parseHexBytes(text, argument) : bytes;
}

/**
 * The EVM runtime module, handed in (--runtime, else $RWASM_EVM_RUNTIME), never fetched. It is
 * loaded here, so a file that is no rWasm module is an error naming it; the hash computed on
 * the way is then given to the host, which skips hashing the megabyte again. A file name with a
 * 64-hex hash in it (the genesis `evm-runtime_<keccak256>.rwasm`) must hash to that.
 */
export function loadEvmRuntime(runtimeFlag: string | undefined, io: Io): { evmRuntime: Uint8Array; codeHash: string; cache: ModuleCache } {
  const path = runtimeFlag ?? io.env?.RWASM_EVM_RUNTIME;
  if (path === undefined || path === '') {
    throw new UsageError('no EVM runtime: pass --runtime FILE or set RWASM_EVM_RUNTIME to an EVM runtime .rwasm (e.g. ../shared/fixtures/genesis/evm-runtime_<hash>.rwasm)');
  }
  const stat = statSync(path, { throwIfNoEntry: false });
  const key = stat ? `${resolve(path)}:${stat.size}:${stat.mtimeMs}` : undefined;
  const loaded = key === undefined ? undefined : loadedRuntimes.get(key);
  if (loaded) return loaded;
  const evmRuntime = readInput(path);
  const named = /(?:^|[^0-9a-fA-F])([0-9a-fA-F]{64})(?:[^0-9a-fA-F]|$)/.exec(basename(path))?.[1];
  const cache = new ModuleCache();
  const entry = readingFile(path, () => cache.load(evmRuntime, named, { verifyCodeHash: true }));
  const runtime = { evmRuntime, codeHash: entry.codeHash, cache };
  if (key !== undefined) loadedRuntimes.set(key, runtime);
  return runtime;
}

/**
 * Runtimes already read and hashed in this process, by path, size and modification time: a
 * process that runs several commands (a test, a script calling `main`) hashes a megabyte once
 * (3 s without a JIT).
 */
const loadedRuntimes = new Map<string, { evmRuntime: Uint8Array; codeHash: string; cache: ModuleCache }>();

/** A JSON file, parsed (not yet checked: its reader does that). */
export function readJsonFile(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Runs `read`, naming `path` in any RwasmError it raises (the library's messages do not know the file). */
export function readingFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isRwasmError(error)) throw new RwasmError(error.code, `${path}: ${error.message}`, { ...error.details });
    throw error;
  }
}

/** Loads the world file into `world`; a missing file is an empty world (the file is created on save). */
export function loadWorld(path: string, world: World): void {
  if (!existsSync(path)) return;
  const json = readJsonFile(path);
  readingFile(path, () => worldFromJson(json, world));
}

/** Writes the world file through a temporary file and a rename, so an interrupted write never leaves half a world. */
export function saveWorld(path: string, world: World): void {
  writeTextFile(path, JSON.stringify(worldToJson(world), null, 2) + '\n');
}

export function writeTextFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export interface LogJson {
  address: string;
  topics: string[];
  data: string;
}

export const logJson = (log: WorldLog): LogJson => ({ address: hex(log.address), topics: log.topics.map(hex), data: hex(log.data) });

export const logText = (log: WorldLog, index: number) =>
  `log ${index} ${hex(log.address)} topics [${log.topics.map(hex).join(', ')}] data ${hex(log.data)}`;
