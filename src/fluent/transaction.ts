/**
 * One Ethereum transaction on the world, as Fluent's revm runs it for accounts on the EVM
 * runtime: nonce and balance checks, intrinsic gas (calldata 4/16 per byte, CREATE 32,000 and
 * 2 per init-code word, Prague's calldata floor of 10 per token), the frame on the account's
 * runtime, refunds capped at a fifth of the gas used, the sender's fee and the coinbase's tip.
 */
import { ExitCode } from '../runtime/exit-code.js';
import { decodeOwnableAccount } from './account-code.js';
import { runEvmFrame, type EvmRuntimeBinding } from './evm-frame.js';
import type { LogRecord } from './envelopes.js';
import { keccak256 } from './interruptions.js';
import { rlpEncode, rlpInteger } from './rlp.js';
import type { SharedContext } from './shared-context.js';
import { cappedRefund } from './storage-gas.js';
import type { World } from './world.js';

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
  readonly logs: readonly LogRecord[];
  /** The account a creation made (or would have made). */
  readonly createdAddress: Uint8Array | undefined;
}

const PRECOMPILES = Array.from({ length: 0x11 }, (_, i) => Uint8Array.from({ length: 20 }, (_, k) => (k === 19 ? i + 1 : 0)));
const EMPTY: Uint8Array = new Uint8Array(0);

/** CREATE's address: keccak256(rlp([sender, nonce]))[12..]. */
export function createAddress(sender: Uint8Array, nonce: bigint): Uint8Array {
  return keccak256(rlpEncode([sender, rlpInteger(nonce)])).slice(12);
}

/** Gas every transaction pays before running, and Prague's floor for its calldata. */
export function intrinsicGas(data: Uint8Array, creation: boolean): { intrinsic: bigint; floor: bigint } {
  let zeros = 0n;
  for (const b of data) if (b === 0) zeros++;
  const nonZeros = BigInt(data.length) - zeros;
  const intrinsic = 21_000n + (creation ? 32_000n + 2n * ((BigInt(data.length) + 31n) / 32n) : 0n) + 4n * zeros + 16n * nonZeros;
  return { intrinsic, floor: 21_000n + 10n * (zeros + 4n * nonZeros) };
}

/**
 * Runs `tx` on `world` (within the current transaction: call `world.endTransaction()` between
 * transactions). `runtimeOf(owner)` gives the runtime an account's owner address names; EVM init
 * code runs on the one `evmRuntime` names.
 */
export function executeTransaction(world: World, block: BlockEnv, tx: TransactionRequest, runtimes: { evmRuntime: Uint8Array; runtimeOf: (owner: Uint8Array) => EvmRuntimeBinding | undefined }): TransactionResult {
  const creation = tx.to === undefined;
  const { intrinsic, floor } = intrinsicGas(tx.data, creation);
  const sender = world.account(tx.from);
  const target = tx.to ?? createAddress(tx.from, tx.nonce);
  const createdAddress = creation ? target : undefined;
  if (!sender || sender.nonce !== tx.nonce || tx.gasLimit < intrinsic || tx.gasLimit < floor || sender.balance < tx.gasLimit * tx.gasPrice + tx.value) {
    return { status: 'invalid', exitCode: undefined, gasUsed: 0n, output: EMPTY, logs: [], createdAddress };
  }
  world.setNonce(tx.from, tx.nonce + 1n);
  world.setBalance(tx.from, sender.balance - tx.gasLimit * tx.gasPrice);
  for (const warm of [tx.from, block.coinbase, target, ...PRECOMPILES]) world.warmAccount(warm);
  const depth = world.checkpoint();
  const code = world.account(target)?.code ?? EMPTY;
  const owner = creation ? runtimes.evmRuntime : decodeOwnableAccount(code)?.owner;
  const runtime = owner === undefined ? undefined : runtimes.runtimeOf(owner);
  let exitCode: number = ExitCode.Ok;
  let frameGas = 0n;
  let refund = 0n;
  let output: Uint8Array = EMPTY;
  let logs: readonly LogRecord[] = [];
  const collision = creation && (code.length > 0 || (world.account(target)?.nonce ?? 0n) > 0n);
  if (collision || !world.transfer(tx.from, target, tx.value)) {
    exitCode = ExitCode.UnknownError;
  } else if (runtime !== undefined) {
    if (creation) world.setNonce(target, 1n);
    const frame = runEvmFrame(world, {
      runtime,
      kind: creation ? 'deploy' : 'call',
      metadata: creation ? EMPTY : decodeOwnableAccount(code)!.metadata,
      input: tx.data,
      context: {
        block,
        tx: { gasLimit: tx.gasLimit, nonce: tx.nonce, gasPrice: tx.gasPrice, priorityFee: tx.priorityFee, origin: tx.from, value: tx.value },
        contract: { address: target, bytecodeAddress: target, caller: tx.from, isStatic: false, value: tx.value, gasLimit: tx.gasLimit - intrinsic },
      },
    });
    ({ exitCode, output, logs } = frame);
    frameGas = frame.gasUsed;
    refund = frame.refund;
  } else if (creation || code.length > 0) {
    exitCode = ExitCode.UnknownError; // code on a runtime this host does not have
  }
  if (exitCode === ExitCode.Ok) world.commit(depth);
  else world.revert(depth);
  // A frame that halts (neither returns nor reverts) spends all its gas, as revm's
  // last_frame_result does for any result that is not ok-or-revert.
  if (exitCode !== ExitCode.Ok && exitCode !== ExitCode.Panic) frameGas = tx.gasLimit - intrinsic;
  let gasUsed = intrinsic + frameGas;
  gasUsed -= cappedRefund(gasUsed, exitCode === ExitCode.Ok ? refund : 0n);
  if (gasUsed < floor) gasUsed = floor;
  world.setBalance(tx.from, world.account(tx.from)!.balance + (tx.gasLimit - gasUsed) * tx.gasPrice);
  if (tx.gasPrice > block.baseFee) world.setBalance(block.coinbase, (world.account(block.coinbase)?.balance ?? 0n) + gasUsed * (tx.gasPrice - block.baseFee));
  const status = exitCode === ExitCode.Ok ? 'success' : exitCode === ExitCode.Panic ? 'revert' : 'failure';
  return { status, exitCode, gasUsed, output, logs: exitCode === ExitCode.Ok ? logs : [], createdAddress };
}
