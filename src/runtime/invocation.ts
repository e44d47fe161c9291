/**
 * `SyscallInvocationParams`: the 64-byte envelope an interrupted frame hands its host (what
 * `_exec` asks for), bincode's fixed-width little-endian layout.
 */
import { RwasmError } from '../errors.js';

export const INVOCATION_PARAMS_SIZE = 64;

export interface InvocationParams {
  /** A code hash, or a syscall id (31 zero bytes and the id). */
  readonly codeHash: Uint8Array;
  readonly fuelLimit: bigint;
  readonly state: number;
  readonly fuel16Ptr: number;
  /** The callee's input, as a range of the caller's linear memory (end exclusive; u64). */
  readonly inputStart: bigint;
  readonly inputEnd: bigint;
}

export function encodeInvocationParams(params: InvocationParams): Uint8Array {
  // Written byte by byte: asking a small typed array for its `.buffer` (to make a DataView)
  // moves it off V8's heap, which costs more than everything else an interruption does.
  const bytes = new Uint8Array(INVOCATION_PARAMS_SIZE);
  const hash = params.codeHash;
  for (let i = 0; i < 32; i++) bytes[i] = hash[i]!;
  setU64(bytes, 32, params.fuelLimit);
  setU32(bytes, 40, params.state);
  setU32(bytes, 44, params.fuel16Ptr);
  setU64(bytes, 48, params.inputStart);
  setU64(bytes, 56, params.inputEnd);
  return bytes;
}

function setU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}

function setU64(bytes: Uint8Array, at: number, value: bigint): void {
  setU32(bytes, at, Number(value & 0xffffffffn));
  setU32(bytes, at + 4, Number((value >> 32n) & 0xffffffffn));
}

export function decodeInvocationParams(bytes: Uint8Array): InvocationParams {
  if (bytes.length !== INVOCATION_PARAMS_SIZE) {
    throw new RwasmError('InvalidArgument', `invocation params are ${INVOCATION_PARAMS_SIZE} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    codeHash: bytes.slice(0, 32),
    fuelLimit: view.getBigUint64(32, true),
    state: view.getUint32(40, true),
    fuel16Ptr: view.getUint32(44, true),
    inputStart: view.getBigUint64(48, true),
    inputEnd: view.getBigUint64(56, true),
  };
}
