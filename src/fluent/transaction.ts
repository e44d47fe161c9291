/**
 * One Ethereum transaction on the world, as Fluent's revm runs it for accounts on the EVM
 * runtime: nonce and balance checks, intrinsic gas (calldata 4/16 per byte, CREATE 32,000 and
 * 2 per init-code word, Prague's calldata floor of 10 per token), the frame (frames.ts),
 * refunds capped at a fifth of the gas used, the sender's fee and the coinbase's.
 */
import type { EvmRuntimeBinding } from './evm-frame.js';
import { FrameRunner, createAddress } from './frames.js';
import { keccak256 } from './interruptions.js';
import type { SharedContext } from './shared-context.js';
import { cappedRefund } from './storage-gas.js';
import type { World, WorldLog } from './world.js';

export { createAddress } from './frames.js';

export type BlockEnv = SharedContext['block'];

export interface TransactionRequest {
  readonly from: Uint8Array;
  /** Absent: a contract creation with `data` as init code. */
  readonly to?: Uint8Array | undefined;
  readonly data: Uint8Array;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly nonce: bigint;
  /** The effective gas price (base fee plus tip). */
  readonly gasPrice: bigint;
  /** The EIP-1559 tip cap, when the transaction has one (the context says so). */
  readonly priorityFee?: bigint | undefined;
}

export interface TransactionResult {
  /** `invalid`: refused before running (nonce, balance, gas below the intrinsic cost). */
  readonly status: 'success' | 'revert' | 'failure' | 'invalid';
  readonly exitCode: number | undefined;
  readonly gasUsed: bigint;
  readonly output: Uint8Array;
  /** The logs of the whole transaction (none when it failed). */
  readonly logs: readonly WorldLog[];
  /** The account a creation made (or would have made). */
  readonly createdAddress: Uint8Array | undefined;
}

const PRECOMPILES = Array.from({ length: 0x11 }, (_, i) => Uint8Array.from({ length: 20 }, (_, k) => (k === 19 ? i + 1 : 0)));
const EMPTY: Uint8Array = new Uint8Array(0);

/** Gas every transaction pays before running (with Fluent's surcharge for large calldata), and Prague's floor for its calldata. */
export function intrinsicGas(data: Uint8Array, creation: boolean): { intrinsic: bigint; floor: bigint } {
  let zeros = 0n;
  for (const b of data) if (b === 0) zeros++;
  const nonZeros = BigInt(data.length) - zeros;
  const intrinsic = 21_000n + (creation ? 32_000n + 2n * ((BigInt(data.length) + 31n) / 32n) : 0n) + 4n * zeros + 16n * nonZeros + calldataSurcharge(data.length);
  return { intrinsic, floor: 21_000n + 10n * (zeros + 4n * nonZeros) };
}

/** Fluent's extra gas for calldata over 128 KiB: 3 per word plus words²/30 (crates/types/src/block_fuel.rs calldata_quadratic_surcharge). */
export function calldataSurcharge(length: number): bigint {
  const excess = BigInt(length) - 128n * 1024n;
  if (excess <= 0n) return 0n;
  const words = (excess + 31n) / 32n;
  return 3n * words + (words * words) / 30n;
}

/** Where a transaction's frames find runtimes and block hashes. */
export interface TransactionHost {
  /** The runtime an owner address names (undefined: this host does not have it). */
  readonly runtimeOf: (owner: Uint8Array) => EvmRuntimeBinding | undefined;
  /**
   * BLOCKHASH's answer for one of the 256 blocks before the current one (default: keccak256 of
   * the number in decimal, as revm's test database, which state tests replay on, answers).
   */
  readonly blockHash?: ((number: bigint) => Uint8Array) | undefined;
}

/**
 * Runs `tx` on `world` (within the current transaction: call `world.endTransaction()` between
 * transactions). The coinbase is paid the whole effective gas price for the gas used: Fluent's
 * revm burns no base fee (crates/revm/src/handler.rs reward_beneficiary, without the
 * `eip1559-full-compatibility` feature).
 */
export function executeTransaction(world: World, block: BlockEnv, tx: TransactionRequest, host: TransactionHost): TransactionResult {
  const creation = tx.to === undefined;
  const { intrinsic, floor } = intrinsicGas(tx.data, creation);
  const sender = world.account(tx.from);
  const target = tx.to ?? createAddress(tx.from, tx.nonce);
  if (!sender || sender.nonce !== tx.nonce || tx.gasLimit < intrinsic || tx.gasLimit < floor || sender.balance < tx.gasLimit * tx.gasPrice + tx.value) {
    return { status: 'invalid', exitCode: undefined, gasUsed: 0n, output: EMPTY, logs: [], createdAddress: creation ? target : undefined };
  }
  // A creation's nonce moves when its frame is made (frames.ts), as revm does it.
  if (!creation) world.setNonce(tx.from, tx.nonce + 1n);
  world.setBalance(tx.from, sender.balance - tx.gasLimit * tx.gasPrice);
  for (const warm of [tx.from, block.coinbase, target, ...PRECOMPILES]) world.warmAccount(warm);
  const frames = new FrameRunner({
    world,
    block,
    tx: { gasLimit: tx.gasLimit, nonce: tx.nonce, gasPrice: tx.gasPrice, priorityFee: tx.priorityFee, origin: tx.from, value: tx.value },
    runtimeOf: host.runtimeOf,
    blockHash: host.blockHash ?? decimalBlockHash,
  });
  const gasLimit = tx.gasLimit - intrinsic;
  const outcome = creation
    ? frames.create({ caller: tx.from, value: tx.value, initCode: tx.data, salt: undefined, gasLimit, depth: 0 })
    : frames.call({ target, caller: tx.from, bytecodeAddress: target, transfer: tx.value, value: tx.value, input: tx.data, gasLimit, isStatic: false, depth: 0 });
  let gasUsed = intrinsic + gasLimit - outcome.gasLeft;
  gasUsed -= cappedRefund(gasUsed, outcome.refund);
  if (gasUsed < floor) gasUsed = floor;
  world.setBalance(tx.from, world.account(tx.from)!.balance + (tx.gasLimit - gasUsed) * tx.gasPrice);
  world.setBalance(block.coinbase, (world.account(block.coinbase)?.balance ?? 0n) + gasUsed * tx.gasPrice);
  const status = outcome.ending === 'ok' ? 'success' : outcome.ending;
  return {
    status: status === 'halt' ? 'failure' : status,
    exitCode: outcome.exitCode,
    gasUsed,
    output: outcome.output,
    logs: outcome.ending === 'ok' ? world.logs.slice() : [],
    createdAddress: outcome.created,
  };
}

function decimalBlockHash(number: bigint): Uint8Array {
  return keccak256(Uint8Array.from(number.toString(), (digit) => digit.charCodeAt(0)));
}
