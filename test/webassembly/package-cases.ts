/**
 * The inputs the package tests hash, and what they read back, shared by the in-process tests
 * (facade beside V8) and the `node --jitless` child: each case is bounded so that the facade
 * finishes it in about a second on the interpreter.
 */

export interface Xxhash {
  h32(input: string, seed?: number): number;
  h64(input: string, seed?: bigint): bigint;
  h32Raw(input: Uint8Array, seed?: number): number;
  h64Raw(input: Uint8Array, seed?: bigint): bigint;
  h64ToString(input: string, seed?: bigint): string;
  create32(seed?: number): { update(input: string | Uint8Array): unknown; digest(): number };
  create64(seed?: bigint): { update(input: string | Uint8Array): unknown; digest(): bigint };
}

/** hash-wasm's ESM build (a path the package's types do not cover: it is imported untyped). */
export const HASH_WASM_ESM: string = 'hash-wasm/dist/index.esm.js';

/** hash-wasm's functions, as the cases call them. */
export type HashWasm = Record<string, (...args: never[]) => Promise<unknown>>;

/** Deterministic bytes (a multiplicative hash of the index), so every process hashes the same. */
export function sampleBytes(length: number, salt = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.imul(i + salt, 0x9e3779b1) >>> 24;
  return bytes;
}

export const XXHASH_INPUTS: readonly string[] = ['', 'a', 'hello world', 'ünïcödé ✓', 'x'.repeat(1000), 'The quick brown fox '.repeat(500)];

export function runXxhash(x: Xxhash): unknown[] {
  const out: unknown[] = [];
  for (const input of XXHASH_INPUTS) out.push(x.h32(input), x.h32(input, 7), String(x.h64(input)), String(x.h64(input, 0xfedcba9876543210n)), x.h64ToString(input));
  const bytes = sampleBytes(50_000, 1);
  out.push(x.h32Raw(bytes), String(x.h64Raw(bytes)));
  const s32 = x.create32(3);
  const s64 = x.create64(3n);
  for (const part of ['stream', 'ing ', sampleBytes(3000, 2), 'done']) {
    s32.update(part);
    s64.update(part);
  }
  out.push(s32.digest(), String(s64.digest()));
  return out;
}

const DATA = sampleBytes(40_000, 5);
const TEXT = 'password' + 'ğ'.repeat(10);

type Case = readonly [string, (h: HashWasm) => Promise<unknown>];
const call = (h: HashWasm, name: string, ...args: unknown[]) => (h[name] as unknown as (...a: unknown[]) => Promise<unknown>)(...args);

export const HASH_WASM_CASES: readonly Case[] = [
  ...['md4', 'md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'ripemd160', 'whirlpool', 'sm3', 'blake3', 'crc32', 'crc64', 'adler32', 'xxhash32', 'xxhash64', 'xxhash3', 'xxhash128'].map(
    (name): Case => [name, (h) => call(h, name, DATA)],
  ),
  ['sha3-224', (h) => call(h, 'sha3', DATA, 224)],
  ['sha3-512', (h) => call(h, 'sha3', DATA, 512)],
  ['keccak-256', (h) => call(h, 'keccak', DATA, 256)],
  ['blake2b-384', (h) => call(h, 'blake2b', DATA, 384)],
  ['blake2s-keyed', (h) => call(h, 'blake2s', DATA, 256, 'key')],
  ['sha256-text', (h) => call(h, 'sha256', TEXT)],
  ['argon2id', (h) => call(h, 'argon2id', { password: TEXT, salt: 'saltsaltsalt', parallelism: 1, iterations: 2, memorySize: 256, hashLength: 32, outputType: 'hex' })],
  ['bcrypt', (h) => call(h, 'bcrypt', { password: TEXT, salt: sampleBytes(16, 9), costFactor: 4, outputType: 'encoded' })],
  ['scrypt', (h) => call(h, 'scrypt', { password: TEXT, salt: 'salt', costFactor: 16, blockSize: 8, parallelism: 1, hashLength: 32, outputType: 'hex' })],
  ['pbkdf2-sha512', (h) => call(h, 'pbkdf2', { password: TEXT, salt: 'salt', iterations: 50, hashLength: 64, hashFunction: call(h, 'createSHA512'), outputType: 'hex' })],
  [
    'hmac-sha256-stream',
    async (h) => {
      const mac = (await call(h, 'createHMAC', call(h, 'createSHA256'), 'key')) as { init(): void; update(d: Uint8Array): void; digest(): string };
      mac.init();
      mac.update(DATA.subarray(0, 1000));
      mac.update(DATA.subarray(1000));
      return mac.digest();
    },
  ],
  [
    'sha1-save-load',
    async (h) => {
      const hasher = (await call(h, 'createSHA1')) as { init(): void; update(d: Uint8Array): void; save(): Uint8Array; load(s: Uint8Array): void; digest(): string };
      hasher.init();
      hasher.update(DATA.subarray(0, 777));
      const state = hasher.save();
      hasher.update(DATA);
      hasher.load(state);
      hasher.update(DATA.subarray(777));
      return hasher.digest();
    },
  ],
];

/** Every case's result by name (hex strings, as hash-wasm answers). */
export async function runHashWasmCases(h: HashWasm): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [name, run] of HASH_WASM_CASES) results[name] = await run(h);
  return results;
}
