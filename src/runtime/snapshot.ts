/**
 * The snapshot format of a suspended frame: everything needed to continue it in another
 * process — its context, fuel, the instance's memory, globals, tables and segment flags, and
 * the interpreter registers — but not the module, which is named by its code hash.
 *
 * Layout (little-endian): magic "RWSN", u32 version, the fields below in order, then the
 * keccak256 of everything before it. Loading checks the magic, version, checksum, every length
 * against what is left, and every value against its range; any failure is `MalformedSnapshot`.
 *
 * The checksum is integrity, not authenticity: anyone can recompute it after changing memory,
 * fuel or exit state. A keyed snapshot (magic "RWSK") ends in HMAC-SHA256(key, everything
 * before it) instead, and a restore given the key accepts nothing else (`UnauthenticSnapshot`).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { RwasmError } from '../errors.js';
import { toHex } from '../format/code-hash.js';
import type { ExecutionState } from '../interpreter/machine.js';
import { MAX_TABLES, MAX_TABLE_SIZE, PAGE_SIZE } from '../interpreter/store.js';
import { MAX_CALL_DEPTH, STACK_LIMIT } from '../interpreter/execution.js';
import { codeHashBytes } from './module-cache.js';
import { INVOCATION_PARAMS_SIZE, decodeInvocationParams, encodeInvocationParams, type InvocationParams } from './invocation.js';

const MAGIC = [0x52, 0x57, 0x53, 0x4e]; // "RWSN"
const KEYED_MAGIC = [0x52, 0x57, 0x53, 0x4b]; // "RWSK"
/** A key shorter than this could be guessed: refused. */
export const MIN_SNAPSHOT_KEY_BYTES = 16;
// Version 2: the engine-metering registers became one portable prepaid pc (`paidUntil`).
export const SNAPSHOT_VERSION = 2;
const WASM_MAX_PAGES = 65536;

/** How the frame is suspended: inside a syscall, between guest-level segments, or out of fuel. */
export type FrameSuspension = 'syscall' | 'guest' | 'outOfFuel';

export interface FrameSnapshot {
  readonly codeHash: string;
  readonly callId: number;
  readonly suspension: FrameSuspension;
  readonly consumeFuel: boolean;
  /** The engine cost table (OPCODE_TABLE order) when consumeFuel is on. */
  readonly fuelCosts: readonly number[] | undefined;
  readonly fpu: boolean;
  readonly maxMemoryPages: number;
  readonly context: {
    readonly fuelLimit: bigint;
    readonly state: number;
    readonly callDepth: number;
    readonly input: Uint8Array;
    readonly exitCode: number;
    readonly fuelConsumed: bigint;
    readonly fuelRefunded: bigint;
    readonly output: Uint8Array;
    readonly returnData: Uint8Array;
    readonly resumable: { readonly params: InvocationParams; readonly isRoot: boolean } | undefined;
  };
  /** Remaining fuel when the current segment started (segments report their own use). */
  readonly segmentStart: bigint;
  readonly fuel: { readonly consumed: bigint; readonly limit: bigint | undefined };
  readonly store: {
    readonly pages: number;
    /** Memory up to its last non-zero byte (the rest is zero). */
    readonly memory: Uint8Array;
    readonly globals: ReadonlyArray<readonly [index: number, value: number]>;
    readonly tables: ReadonlyArray<{ readonly index: number; readonly elements: Uint32Array }>;
    readonly dataDropped: Uint8Array;
    readonly elemDropped: Uint8Array;
    readonly lastSignature: number;
  };
  readonly execution: ExecutionState | undefined;
}

const SUSPENSIONS: readonly FrameSuspension[] = ['syscall', 'guest', 'outOfFuel'];

class Writer {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.length + n, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.view.setUint8(this.length++, value);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.u32(value | 0);
  }

  u64(value: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, value, true);
    this.length += 8;
  }

  i64(value: bigint): void {
    this.u64(BigInt.asUintN(64, value));
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(bytes: Uint8Array): void {
    this.u32(bytes.length);
    this.raw(bytes);
  }

  words(words: Uint32Array): void {
    this.u32(words.length);
    for (const word of words) this.u32(word);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly source: Uint8Array) {
    this.view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  }

  private need(n: number, what: string): void {
    if (n > this.source.length - this.offset) throw malformed(`${what} runs past the end (offset ${this.offset})`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }

  bool(what: string): boolean {
    const value = this.u8(what);
    if (value > 1) throw malformed(`${what} is ${value}, not a boolean`);
    return value === 1;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  i32(what: string): number {
    return this.u32(what) | 0;
  }

  u64(what: string): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return value;
  }

  i64(what: string): bigint {
    return BigInt.asIntN(64, this.u64(what));
  }

  raw(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.source.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  bytes(what: string, max: number): Uint8Array {
    const length = this.u32(`${what} length`);
    if (length > max) throw malformed(`${what} is ${length} bytes, more than ${max}`);
    return this.raw(length, what);
  }

  words(what: string, max: number): Uint32Array {
    const count = this.u32(`${what} count`);
    if (count > max) throw malformed(`${what} has ${count} words, more than ${max}`);
    this.need(count * 4, what);
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.u32(what);
    return out;
  }

  get remaining(): number {
    return this.source.length - this.offset;
  }
}

function malformed(message: string): RwasmError {
  return new RwasmError('MalformedSnapshot', `snapshot: ${message}`);
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_SNAPSHOT_KEY_BYTES) {
    throw new RwasmError('InvalidArgument', `a snapshot key must be a Uint8Array of at least ${MIN_SNAPSHOT_KEY_BYTES} bytes`);
  }
}

/** Equal bytes, in time that does not depend on where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

export function encodeSnapshot(snapshot: FrameSnapshot, key?: Uint8Array): Uint8Array {
  if (key !== undefined) checkKey(key);
  const w = new Writer();
  w.raw(Uint8Array.from(key === undefined ? MAGIC : KEYED_MAGIC));
  w.u32(SNAPSHOT_VERSION);
  w.raw(codeHashBytes(snapshot.codeHash));
  w.u32(snapshot.callId);
  w.u8(SUSPENSIONS.indexOf(snapshot.suspension));
  w.u8(snapshot.consumeFuel ? 1 : 0);
  w.u8(snapshot.fpu ? 1 : 0);
  w.u32(snapshot.maxMemoryPages);
  w.u32(snapshot.fuelCosts?.length ?? 0);
  for (const cost of snapshot.fuelCosts ?? []) w.u32(cost);

  const ctx = snapshot.context;
  w.u64(ctx.fuelLimit);
  w.u32(ctx.state);
  w.u32(ctx.callDepth);
  w.bytes(ctx.input);
  w.i32(ctx.exitCode);
  w.u64(ctx.fuelConsumed);
  w.i64(ctx.fuelRefunded);
  w.bytes(ctx.output);
  w.bytes(ctx.returnData);
  w.u8(ctx.resumable ? 1 : 0);
  if (ctx.resumable) {
    w.raw(encodeInvocationParams(ctx.resumable.params));
    w.u8(ctx.resumable.isRoot ? 1 : 0);
  }

  w.u64(snapshot.segmentStart);
  w.u64(snapshot.fuel.consumed);
  w.u8(snapshot.fuel.limit === undefined ? 0 : 1);
  if (snapshot.fuel.limit !== undefined) w.u64(snapshot.fuel.limit);

  const store = snapshot.store;
  w.u32(store.pages);
  w.bytes(store.memory);
  w.u32(store.globals.length);
  for (const [index, value] of store.globals) {
    w.u32(index);
    w.u32(value);
  }
  w.u32(store.tables.length);
  for (const table of store.tables) {
    w.u32(table.index);
    w.words(table.elements);
  }
  w.bytes(store.dataDropped);
  w.bytes(store.elemDropped);
  w.i32(store.lastSignature);

  const execution = snapshot.execution;
  w.u8(execution ? 1 : 0);
  if (execution) {
    w.u8(execution.suspension === 'interrupted' ? 0 : 1);
    w.u32(execution.pc);
    w.i32(execution.paidUntil);
    w.words(execution.stack);
    w.words(execution.returnPcs);
    w.u32(execution.resultWords);
    w.u8(execution.syscall === undefined ? 0 : 1);
    if (execution.syscall !== undefined) w.u32(execution.syscall);
  }
  const body = w.finish();
  const out = new Uint8Array(body.length + 32);
  out.set(body);
  out.set(key === undefined ? keccak_256(body) : hmac(sha256, key, body), body.length);
  return out;
}

/**
 * Reads a snapshot. With `key`, only a keyed snapshot whose HMAC that key reproduces is read;
 * without, a keyed snapshot is refused (nothing could tell whether it was forged).
 */
export function decodeSnapshot(bytes: Uint8Array, key?: Uint8Array): FrameSnapshot {
  if (key !== undefined) checkKey(key);
  if (!(bytes instanceof Uint8Array)) throw malformed('not a byte array');
  const has = (magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
  const keyed = has(KEYED_MAGIC);
  if (bytes.length < MAGIC.length + 4 + 32 || !(keyed || has(MAGIC))) throw malformed('not an rwasm-ts snapshot (bad magic)');
  const body = bytes.subarray(0, bytes.length - 32);
  const checksum = bytes.subarray(bytes.length - 32);
  if (key !== undefined && !keyed) throw new RwasmError('UnauthenticSnapshot', 'snapshot: not a keyed snapshot, and a key was given: only snapshots made with the key are accepted');
  if (key === undefined && keyed) throw new RwasmError('UnauthenticSnapshot', 'snapshot: a keyed snapshot can only be restored with its key');
  if (key !== undefined && !sameBytes(hmac(sha256, key, body), checksum)) {
    throw new RwasmError('UnauthenticSnapshot', 'snapshot: the HMAC does not match (made with another key, or altered)');
  }
  const version = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0, true);
  if (version !== SNAPSHOT_VERSION) throw malformed(`version ${version} is not supported (this library reads version ${SNAPSHOT_VERSION})`);
  if (key === undefined && !sameBytes(keccak_256(body), checksum)) throw malformed('checksum mismatch (the bytes were altered or cut)');

  const r = new Reader(body);
  r.raw(8, 'header');
  const codeHash = toHex(r.raw(32, 'code hash'));
  const callId = r.u32('call id');
  const suspensionIndex = r.u8('suspension');
  const suspension = SUSPENSIONS[suspensionIndex];
  if (suspension === undefined) throw malformed(`suspension ${suspensionIndex} is unknown`);
  const consumeFuel = r.bool('consumeFuel');
  const fpu = r.bool('fpu');
  const maxMemoryPages = r.u32('maxMemoryPages');
  if (maxMemoryPages > WASM_MAX_PAGES) throw malformed(`maxMemoryPages ${maxMemoryPages} is more than a memory can have`);
  const costCount = r.u32('fuel cost count');
  if (costCount > 4096) throw malformed('fuel cost table too long');
  const costs: number[] = [];
  for (let i = 0; i < costCount; i++) costs.push(r.u32('fuel cost'));
  if (consumeFuel !== costCount > 0) throw malformed('engine metering and its cost table disagree');

  const fuelLimit = r.u64('fuel limit');
  const state = r.u32('state');
  const callDepth = r.u32('call depth');
  const limit = body.length;
  const input = r.bytes('input', limit);
  const exitCode = r.i32('exit code');
  const fuelConsumed = r.u64('fuel consumed');
  const fuelRefunded = r.i64('fuel refunded');
  const output = r.bytes('output', limit);
  const returnData = r.bytes('return data', limit);
  let resumable: FrameSnapshot['context']['resumable'];
  if (r.bool('resumable context')) {
    const params = decodeInvocationParams(r.raw(INVOCATION_PARAMS_SIZE, 'invocation params'));
    resumable = { params, isRoot: r.bool('isRoot') };
  }

  const segmentStart = r.u64('segment start');
  const consumed = r.u64('fuel consumed (store)');
  const fuelLimitValue = r.bool('fuel limit present') ? r.u64('fuel limit (store)') : undefined;
  if (fuelLimitValue !== undefined && consumed > fuelLimitValue) throw malformed('more fuel consumed than the limit allows');

  const pages = r.u32('memory pages');
  if (pages > maxMemoryPages) throw malformed(`memory of ${pages} pages is over the frame's cap of ${maxMemoryPages}`);
  const memory = r.bytes('memory', pages * PAGE_SIZE);
  const globalCount = r.u32('global count');
  if (globalCount > r.remaining / 8) throw malformed('global count runs past the end');
  const globals: Array<readonly [number, number]> = [];
  for (let i = 0; i < globalCount; i++) globals.push([r.u32('global index'), r.u32('global value')]);
  const tableCount = r.u32('table count');
  if (tableCount > MAX_TABLES) throw malformed(`${tableCount} tables, more than ${MAX_TABLES}`);
  const tables: Array<{ index: number; elements: Uint32Array }> = [];
  for (let i = 0; i < tableCount; i++) {
    const index = r.u32('table index');
    if (index >= MAX_TABLES || tables.some((t) => t.index === index)) throw malformed(`table index ${index} is out of range or repeated`);
    tables.push({ index, elements: r.words('table elements', MAX_TABLE_SIZE) });
  }
  const dataDropped = r.bytes('data drop flags', limit);
  const elemDropped = r.bytes('elem drop flags', limit);
  const lastSignature = r.i32('last signature');

  let execution: ExecutionState | undefined;
  if (r.bool('execution present')) {
    const kind = r.u8('execution suspension');
    if (kind > 1) throw malformed(`execution suspension ${kind} is unknown`);
    const pc = r.u32('pc');
    const paidUntil = r.i32('prepaid pc');
    const stack = r.words('value stack', STACK_LIMIT);
    const returnPcs = r.words('call stack', MAX_CALL_DEPTH);
    const resultWords = r.u32('result words');
    const syscall = r.bool('syscall present') ? r.u32('syscall') : undefined;
    execution = { suspension: kind === 0 ? 'interrupted' : 'outOfFuel', pc, paidUntil, stack, returnPcs, resultWords, syscall };
  }
  if (r.remaining !== 0) throw malformed(`${r.remaining} unexpected bytes after the last field`);
  if ((suspension === 'guest') !== (execution === undefined)) throw malformed('the suspension kind and the execution state disagree');

  return {
    codeHash,
    callId,
    suspension,
    consumeFuel,
    fuelCosts: consumeFuel ? costs : undefined,
    fpu,
    maxMemoryPages,
    context: { fuelLimit, state, callDepth, input, exitCode, fuelConsumed, fuelRefunded, output, returnData, resumable },
    segmentStart,
    fuel: { consumed, limit: fuelLimitValue },
    store: { pages, memory, globals, tables, dataDropped, elemDropped, lastSignature },
    execution,
  };
}

/** Memory without its zero tail (snapshots keep only what is written). */
export function trimmedMemory(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.slice(0, end);
}

