/**
 * `SharedContextInputV1`: the 1024 fixed-width bytes of block, transaction and contract context
 * every Fluent frame gets (the EVM runtime inside `RuntimeNewFrameInputV1`, ordinary rWasm
 * contracts in front of their calldata). U256s are big-endian, u64s little-endian.
 */
import { RwasmError } from '../errors.js';
import { checkAddress, malformedEnvelope, u256Bytes, u256Of } from './bytes.js';

export const SHARED_CONTEXT_SIZE = 1024;

export interface SharedContext {
  readonly block: {
    readonly chainId: bigint;
    readonly coinbase: Uint8Array;
    readonly timestamp: bigint;
    readonly number: bigint;
    readonly difficulty: bigint;
    /** 32 bytes. */
    readonly prevRandao: Uint8Array;
    readonly gasLimit: bigint;
    readonly baseFee: bigint;
  };
  readonly tx: {
    readonly gasLimit: bigint;
    readonly nonce: bigint;
    /** The effective gas price. */
    readonly gasPrice: bigint;
    readonly priorityFee: bigint | undefined;
    readonly origin: Uint8Array;
    readonly value: bigint;
  };
  readonly contract: {
    readonly address: Uint8Array;
    readonly bytecodeAddress: Uint8Array;
    readonly caller: Uint8Array;
    readonly isStatic: boolean;
    readonly value: bigint;
    /** The frame's gas limit: the EVM interpreter's. */
    readonly gasLimit: bigint;
  };
}

const u64 = (value: bigint, field: string): bigint => {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) throw new RwasmError('InvalidArgument', `${field} ${String(value)} is not a u64`);
  return value;
};

export function encodeSharedContext(ctx: SharedContext): Uint8Array {
  const out = new Uint8Array(SHARED_CONTEXT_SIZE);
  const view = new DataView(out.buffer);
  const { block, tx, contract } = ctx;
  view.setBigUint64(0, u64(block.chainId, 'block.chainId'), true);
  out.set(checkAddress(block.coinbase, 'block.coinbase'), 8);
  view.setBigUint64(28, u64(block.timestamp, 'block.timestamp'), true);
  view.setBigUint64(36, u64(block.number, 'block.number'), true);
  out.set(u256Bytes(block.difficulty, false), 44);
  if (!(block.prevRandao instanceof Uint8Array) || block.prevRandao.length !== 32) throw new RwasmError('InvalidArgument', 'block.prevRandao must be 32 bytes');
  out.set(block.prevRandao, 76);
  view.setBigUint64(108, u64(block.gasLimit, 'block.gasLimit'), true);
  out.set(u256Bytes(block.baseFee, false), 116);
  view.setBigUint64(148, u64(tx.gasLimit, 'tx.gasLimit'), true);
  view.setBigUint64(156, u64(tx.nonce, 'tx.nonce'), true);
  out.set(u256Bytes(tx.gasPrice, false), 164);
  out[196] = tx.priorityFee === undefined ? 0 : 1;
  out.set(u256Bytes(tx.priorityFee ?? 0n, false), 197);
  out.set(checkAddress(tx.origin, 'tx.origin'), 229);
  out.set(u256Bytes(tx.value, false), 249);
  out.set(checkAddress(contract.address, 'contract.address'), 281);
  out.set(checkAddress(contract.bytecodeAddress, 'contract.bytecodeAddress'), 301);
  out.set(checkAddress(contract.caller, 'contract.caller'), 321);
  out[341] = contract.isStatic ? 1 : 0;
  out.set(u256Bytes(contract.value, false), 342);
  view.setBigUint64(374, u64(contract.gasLimit, 'contract.gasLimit'), true);
  return out;
}

export function decodeSharedContext(bytes: Uint8Array): SharedContext {
  const what = 'SharedContextInputV1';
  if (!(bytes instanceof Uint8Array) || bytes.length !== SHARED_CONTEXT_SIZE) throw malformedEnvelope(what, `${SHARED_CONTEXT_SIZE} bytes expected, got ${bytes?.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flag = (at: number, field: string) => {
    if (bytes[at]! > 1) throw malformedEnvelope(what, `${field} at byte ${at} is ${bytes[at]}, not 0 or 1`);
    return bytes[at] === 1;
  };
  const at = (offset: number, length: number) => bytes.slice(offset, offset + length);
  const priorityFeePresent = flag(196, 'tx.priority_fee present');
  return {
    block: {
      chainId: view.getBigUint64(0, true),
      coinbase: at(8, 20),
      timestamp: view.getBigUint64(28, true),
      number: view.getBigUint64(36, true),
      difficulty: u256Of(at(44, 32), false),
      prevRandao: at(76, 32),
      gasLimit: view.getBigUint64(108, true),
      baseFee: u256Of(at(116, 32), false),
    },
    tx: {
      gasLimit: view.getBigUint64(148, true),
      nonce: view.getBigUint64(156, true),
      gasPrice: u256Of(at(164, 32), false),
      priorityFee: priorityFeePresent ? u256Of(at(197, 32), false) : undefined,
      origin: at(229, 20),
      value: u256Of(at(249, 32), false),
    },
    contract: {
      address: at(281, 20),
      bytecodeAddress: at(301, 20),
      caller: at(321, 20),
      isStatic: flag(341, 'contract.is_static'),
      value: u256Of(at(342, 32), false),
      gasLimit: view.getBigUint64(374, true),
    },
  };
}
