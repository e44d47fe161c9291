/**
 * Fluent's EVM as a test host: a world with the EVM runtime in it, where EVM contracts deploy
 * and answer calls as transactions do on Fluent (the runtime module is handed in, never fetched).
 * With the Universal Token runtime handed in too, "ERC " + settings deploys a token on it.
 *
 * ```ts
 * const host = new EvmTestHost({ evmRuntime });
 * const { address } = host.deploy(initCode, { from: alice });
 * const { output, gasUsed } = host.call({ from: alice, to: address!, data: selector });
 * ```
 */
import { RwasmError } from '../errors.js';
import type { RwasmModule } from '../format/module.js';
import { defaultModuleCache, type ModuleCache } from '../runtime/module-cache.js';
import type { Tier } from '../compiled/index.js';
import { checkAddress } from './bytes.js';
import type { FrameEngine } from './frame-session.js';
import type { EvmRuntimeBinding } from './evm-frame.js';
import { executeTransaction, type BlockEnv, type TransactionResult } from './transaction.js';
import { World, type WorldLog } from './world.js';

export const EVM_RUNTIME_ADDRESS = Uint8Array.from({ length: 20 }, (_, i) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0, 1][i]!);
export const UNIVERSAL_TOKEN_RUNTIME_ADDRESS = Uint8Array.from({ length: 20 }, (_, i) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0, 8][i]!);

export interface EvmTestHostOptions {
  /** The EVM runtime (genesis `evm-runtime_….rwasm`), as bytes or decoded. */
  readonly evmRuntime: RwasmModule | Uint8Array;
  /** Its keccak256, to skip hashing 1 MB (trusted, as Fluent trusts it). */
  readonly codeHash?: string;
  /** The Universal Token runtime (genesis `…520008_….bin`), for "ERC " creations; none by default. */
  readonly universalTokenRuntime?: RwasmModule | Uint8Array;
  /** Its keccak256 (trusted); hashed when left out. */
  readonly universalTokenCodeHash?: string;
  readonly block?: Partial<BlockEnv>;
  /** BLOCKHASH's answer for one of the 256 blocks before the current one (default: keccak256 of the number in decimal, as revm's test database answers). */
  readonly blockHash?: (number: bigint) => Uint8Array;
  readonly cache?: ModuleCache;
  readonly tier?: Tier;
  /** Runs the EVM runtime on another engine (benchmarks, differential runs; default rwasm-ts). */
  readonly evmEngine?: FrameEngine;
}

export interface TxOptions {
  readonly from: Uint8Array;
  readonly value?: bigint;
  readonly gasLimit?: bigint;
  /** Default: the block's base fee (no tip). */
  readonly gasPrice?: bigint;
}

export interface HostResult {
  readonly status: TransactionResult['status'];
  readonly exitCode: number | undefined;
  readonly gasUsed: bigint;
  /** Return data, or revert data. */
  readonly output: Uint8Array;
  /** The logs the transaction left (none when it failed). */
  readonly logs: readonly WorldLog[];
}

const DEFAULT_GAS_LIMIT = 10_000_000n;

export class EvmTestHost {
  readonly world = new World();
  readonly block: BlockEnv;
  private readonly options: EvmTestHostOptions;

  constructor(options: EvmTestHostOptions) {
    this.options = options;
    this.block = {
      chainId: 0x5202n,
      coinbase: new Uint8Array(20),
      timestamp: 1n,
      number: 1n,
      difficulty: 0n,
      prevRandao: new Uint8Array(32),
      gasLimit: 30_000_000n,
      baseFee: 0n,
      ...options.block,
    };
    // The runtimes' own accounts, so that accounts they own find them (their code is a marker here).
    this.world.setCode(EVM_RUNTIME_ADDRESS, Uint8Array.of(0xef, 0x52));
    if (options.universalTokenRuntime !== undefined) this.world.setCode(UNIVERSAL_TOKEN_RUNTIME_ADDRESS, Uint8Array.of(0xef, 0x52));
    this.world.endTransaction();
  }

  /** Sets an account's balance (outside any transaction). */
  fund(address: Uint8Array, balance: bigint): void {
    this.world.setBalance(checkAddress(address, 'address'), balance);
    this.world.endTransaction();
  }

  /** Deploys EVM init code in a creation transaction; `address` is the new contract's (also when it failed). */
  deploy(initCode: Uint8Array, options: TxOptions): HostResult & { readonly address: Uint8Array | undefined } {
    const result = this.transact(undefined, initCode, options);
    return { ...result, address: result.status === 'success' ? result.createdAddress : undefined };
  }

  /** Calls a contract in a transaction. */
  call(options: TxOptions & { readonly to: Uint8Array; readonly data?: Uint8Array }): HostResult {
    return this.transact(checkAddress(options.to, 'to'), options.data ?? new Uint8Array(0), options);
  }

  private transact(to: Uint8Array | undefined, data: Uint8Array, options: TxOptions): HostResult & { readonly createdAddress: Uint8Array | undefined } {
    if (!(data instanceof Uint8Array)) throw new RwasmError('InvalidArgument', 'data must be a Uint8Array');
    const from = checkAddress(options.from, 'from');
    const nonce = this.world.account(from)?.nonce ?? 0n;
    if (this.world.account(from) === undefined) this.world.setNonce(from, 0n);
    // Each transaction is a block of its own: runtimes start on fresh instances, as Fluent's node
    // starts every block, so a transaction's gas does not depend on the ones before it (an
    // engine-metered runtime's would: its guest's memory grows once per instance).
    (this.options.cache ?? defaultModuleCache).resetInstances();
    this.options.evmEngine?.reset?.();
    const result = executeTransaction(
      this.world,
      this.block,
      { from, to, data, value: options.value ?? 0n, gasLimit: options.gasLimit ?? DEFAULT_GAS_LIMIT, nonce, gasPrice: options.gasPrice ?? this.block.baseFee },
      { runtimeOf: (owner) => this.runtimeOf(owner), blockHash: this.options.blockHash },
    );
    const logs = this.world.logs.map((log) => ({ ...log }));
    this.world.endTransaction();
    return { status: result.status, exitCode: result.exitCode, gasUsed: result.gasUsed, output: result.output, logs, createdAddress: result.createdAddress };
  }

  private runtimeOf(owner: Uint8Array): EvmRuntimeBinding | undefined {
    const { evmRuntime, codeHash, universalTokenRuntime, universalTokenCodeHash, cache, tier, evmEngine } = this.options;
    const is = (address: Uint8Array) => owner.every((b, i) => b === address[i]);
    if (is(EVM_RUNTIME_ADDRESS)) return { module: evmRuntime, codeHash, address: owner, cache, tier, engine: evmEngine };
    if (is(UNIVERSAL_TOKEN_RUNTIME_ADDRESS) && universalTokenRuntime !== undefined) return { module: universalTokenRuntime, codeHash: universalTokenCodeHash, address: owner, cache, tier };
    return undefined;
  }
}
