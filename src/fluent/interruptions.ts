/**
 * What an interrupted system runtime asks its host for: `SyscallInvocationParams` (64 bytes,
 * src/runtime/invocation.ts) whose code hash is 31 zero bytes and one of these ids (fluentbase
 * crates/types, syscall ids; runtime.md §6.6), or a real code hash for a nested frame.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { RwasmError } from '../errors.js';
import type { InvocationParams } from '../runtime/invocation.js';

export const INTERRUPTION_IDS = {
  STORAGE_READ: 0x01,
  STORAGE_WRITE: 0x02,
  CALL: 0x03,
  STATIC_CALL: 0x04,
  CALL_CODE: 0x05,
  DELEGATE_CALL: 0x06,
  CREATE: 0x07,
  CREATE2: 0x08,
  EMIT_LOG: 0x09,
  DESTROY_ACCOUNT: 0x0a,
  BALANCE: 0x0b,
  SELF_BALANCE: 0x0c,
  CODE_SIZE: 0x0d,
  CODE_HASH: 0x0e,
  CODE_COPY: 0x0f,
  TRANSIENT_READ: 0x11,
  TRANSIENT_WRITE: 0x12,
  BLOCK_HASH: 0x13,
  METADATA_WRITE: 0x40,
  METADATA_SIZE: 0x41,
  METADATA_CREATE: 0x42,
  METADATA_COPY: 0x43,
  METADATA_STORAGE_READ: 0x44,
  METADATA_STORAGE_WRITE: 0x45,
  METADATA_ACCOUNT_OWNER: 0x46,
  UPGRADE_EVM_RUNTIME: 0xfe,
  UPGRADE_WASM_RUNTIME: 0xff,
} as const;

export type InterruptionName = keyof typeof INTERRUPTION_IDS;

const NAME_OF = new Map<number, InterruptionName>(Object.entries(INTERRUPTION_IDS).map(([name, id]) => [id, name as InterruptionName]));

/** What the params ask for: a host syscall by id (and name, when it is one Fluent defines), or a nested frame by code hash. */
export type InterruptionRequest =
  | { readonly kind: 'syscall'; readonly id: number; readonly name: InterruptionName | undefined }
  | { readonly kind: 'frame'; readonly codeHash: Uint8Array };

export function interruptionRequest(params: InvocationParams): InterruptionRequest {
  const hash = params.codeHash;
  for (let i = 0; i < 31; i++) if (hash[i] !== 0) return { kind: 'frame', codeHash: hash };
  return { kind: 'syscall', id: hash[31]!, name: NAME_OF.get(hash[31]!) };
}

/** The code hash that names syscall `id` (31 zero bytes, then the id). */
export function syscallCodeHash(id: number): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > 255) throw new RwasmError('InvalidArgument', `syscall id ${id} is not a byte`);
  const hash = new Uint8Array(32);
  hash[31] = id;
  return hash;
}

/** Fuel per unit of gas on Fluent (a frame's fuel limit is its gas × 20). */
export const FUEL_PER_GAS = 20n;

/** The gas a host charges for `fuel` spent in a segment: rounded up, as revm settles it. */
export function gasForFuel(fuel: bigint): bigint {
  if (typeof fuel !== 'bigint' || fuel < 0n) throw new RwasmError('InvalidArgument', 'fuel must be a non-negative bigint');
  return (fuel + FUEL_PER_GAS - 1n) / FUEL_PER_GAS;
}

/** The gas refund for `fuel` refunded: rounded down. */
export function gasRefundForFuel(fuel: bigint): bigint {
  if (typeof fuel !== 'bigint') throw new RwasmError('InvalidArgument', 'fuel must be a bigint');
  return fuel / FUEL_PER_GAS;
}

export function fuelForGas(gas: bigint): bigint {
  if (typeof gas !== 'bigint' || gas < 0n) throw new RwasmError('InvalidArgument', 'gas must be a non-negative bigint');
  return gas * FUEL_PER_GAS;
}

/** keccak256 (Ethereum's), of bytes. */
export function keccak256(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new RwasmError('InvalidArgument', 'keccak256 takes a Uint8Array');
  return keccak_256(bytes);
}
