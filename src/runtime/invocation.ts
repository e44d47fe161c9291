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
  const bytes = new Uint8Array(INVOCATION_PARAMS_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(params.codeHash.subarray(0, 32), 0);
  view.setBigUint64(32, params.fuelLimit, true);
  view.setUint32(40, params.state, true);
  view.setUint32(44, params.fuel16Ptr, true);
  view.setBigUint64(48, params.inputStart, true);
  view.setBigUint64(56, params.inputEnd, true);
  return bytes;
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
