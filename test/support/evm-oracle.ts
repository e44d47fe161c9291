/**
 * The same transactions on two worlds: rwasm-ts's EvmTestHost running Fluent's genesis EVM
 * runtime, and @ethereumjs/vm (Ethereum's semantics, Prague rules, the same chain id and block),
 * so a test compares status, output, logs, gas, storage and balances of every transaction.
 */
import { createBlock, type Block } from '@ethereumjs/block';
import { Hardfork, Mainnet, createCustomCommon, type Common } from '@ethereumjs/common';
import { createLegacyTx } from '@ethereumjs/tx';
import { Account, Address, createAddressFromPrivateKey } from '@ethereumjs/util';
import { createVM, runTx, type VM } from '@ethereumjs/vm';
import { expect } from 'vitest';
import { EvmTestHost, keccak256, type HostResult, type WorldLog } from '../../src/index.js';
import { genesisFixtures } from './shared.js';

export interface TxCall {
  readonly from: Uint8Array;
  /** Absent: a creation with `data` as init code. */
  readonly to?: Uint8Array | undefined;
  readonly data: Uint8Array;
  readonly value?: bigint;
  readonly gasLimit?: bigint;
}

export interface TxOutcome {
  readonly status: 'success' | 'revert' | 'failure' | 'invalid';
  readonly gasUsed: bigint;
  readonly output: string;
  readonly logs: readonly { address: string; topics: string[]; data: string }[];
  readonly created: string | undefined;
}

const CHAIN_ID = 0x5202n;
const BASE_FEE = 7n;
const BLOCK = { number: 1n, timestamp: 1n, gasLimit: 30_000_000n, coinbase: new Uint8Array(20).fill(0xcb) };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const evmRuntime = genesisFixtures().find((f) => f.kind === 'evm-runtime' && f.file.endsWith('.rwasm'))!;

/** A sender both worlds know: its key signs the oracle's transactions. */
export interface Sender {
  readonly address: Uint8Array;
  readonly key: Uint8Array;
}

export function sender(n: number): Sender {
  const key = new Uint8Array(32).fill(n);
  return { key, address: createAddressFromPrivateKey(key).bytes };
}

export class SideBySide {
  readonly host: EvmTestHost;
  private constructor(
    private readonly vm: VM,
    private readonly common: Common,
    private readonly block: Block,
    private readonly keys: Map<string, Uint8Array>,
  ) {
    this.host = new EvmTestHost({ evmRuntime: evmRuntime.bytes, codeHash: evmRuntime.hash, block: { ...BLOCK, chainId: CHAIN_ID, baseFee: BASE_FEE } });
  }

  static async create(senders: readonly Sender[], balance = 10n ** 24n): Promise<SideBySide> {
    const common = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, { hardfork: Hardfork.Prague });
    const vm = await createVM({ common });
    const block = createBlock({ header: { ...BLOCK, baseFeePerGas: BASE_FEE, coinbase: BLOCK.coinbase } }, { common });
    // ethereumjs's stand-in chain hashes every block to zero; give it the hashes the test host
    // gives by default (keccak256 of the number in decimal), so BLOCKHASH is compared for real.
    (vm.evm as unknown as { blockchain: { getBlock(n: number): Promise<{ hash(): Uint8Array }> } }).blockchain.getBlock = async (n) => {
      const hash = keccak256(new TextEncoder().encode(String(n)));
      return { hash: () => hash };
    };
    const sides = new SideBySide(vm, common, block, new Map(senders.map((s) => [hex(s.address), s.key])));
    for (const s of senders) {
      await vm.stateManager.putAccount(new Address(s.address), new Account(0n, balance));
      sides.host.fund(s.address, balance);
    }
    return sides;
  }

  /** Runs `tx` on both worlds. */
  async run(tx: TxCall): Promise<{ ours: TxOutcome; oracle: TxOutcome }> {
    const gasLimit = tx.gasLimit ?? 5_000_000n;
    const value = tx.value ?? 0n;
    const key = this.keys.get(hex(tx.from));
    if (!key) throw new Error('unknown sender');
    const nonce = (await this.vm.stateManager.getAccount(new Address(tx.from)))?.nonce ?? 0n;
    const signed = createLegacyTx({ nonce, gasPrice: BASE_FEE, gasLimit, to: tx.to ? new Address(tx.to) : undefined, value, data: tx.data }, { common: this.common }).sign(key);
    const ran = await runTx(this.vm, { tx: signed, block: this.block, skipBlockGasLimitValidation: true, skipHardForkValidation: true }).catch((refused: unknown) => refused as Error);
    const options = { from: tx.from, value, gasLimit, gasPrice: BASE_FEE };
    const result: HostResult & { address?: Uint8Array | undefined } = tx.to ? this.host.call({ ...options, to: tx.to, data: tx.data }) : this.host.deploy(tx.data, options);
    const ours: TxOutcome = {
      status: result.status,
      gasUsed: result.gasUsed,
      output: hex(result.output),
      logs: result.logs.map((log: WorldLog) => ({ address: hex(log.address), topics: log.topics.map(hex), data: hex(log.data) })),
      created: result.address ? hex(result.address) : undefined,
    };
    // ethereumjs throws for a transaction it refuses to run (nonce, balance, intrinsic gas).
    if (ran instanceof Error) return { ours, oracle: { status: 'invalid', gasUsed: 0n, output: '', logs: [], created: undefined } };
    const r = ran;
    const error = r.execResult.exceptionError?.error;
    const oracle: TxOutcome = {
      status: error === undefined ? 'success' : error === 'revert' ? 'revert' : 'failure',
      gasUsed: r.totalGasSpent,
      // A successful creation's return data is the deployed code on Ethereum; the EVM runtime's
      // outcome for a deploy carries none (the README's differences table).
      output: error === undefined && !tx.to ? '' : hex(r.execResult.returnValue),
      logs: (error === undefined ? (r.execResult.logs ?? []) : []).map(([address, topics, data]) => ({ address: hex(address), topics: topics.map(hex), data: hex(data) })),
      created: error === undefined && r.createdAddress ? hex(r.createdAddress.bytes) : undefined,
    };
    return { ours, oracle };
  }

  /** Slot → value of `address` in both worlds (every slot either holds non-zero). */
  async storage(address: Uint8Array): Promise<{ ours: Record<string, string>; oracle: Record<string, string> }> {
    const ours: Record<string, string> = {};
    for (const [slot, value] of this.host.world.account(address)?.storage ?? []) if (value !== 0n) ours[slot.toString(16)] = value.toString(16);
    const oracle: Record<string, string> = {};
    const at = new Address(address);
    for (const slot of Object.keys(ours)) {
      const raw = await this.vm.stateManager.getStorage(at, Buffer.from(slot.padStart(64, '0'), 'hex'));
      const value = raw.length === 0 ? 0n : BigInt(`0x${hex(raw)}`);
      if (value !== 0n) oracle[slot] = value.toString(16);
    }
    // Slots only the oracle holds show as a count difference.
    const exists = (await this.vm.stateManager.getAccount(at)) !== undefined;
    const dump = exists ? await (this.vm.stateManager as unknown as { dumpStorage(a: Address): Promise<Record<string, string>> }).dumpStorage(at) : {};
    const extra = Object.keys(dump).length - Object.keys(oracle).length;
    if (extra > 0) oracle['(slots rwasm-ts does not hold)'] = String(extra);
    return { ours, oracle };
  }

  async balance(address: Uint8Array): Promise<{ ours: bigint; oracle: bigint }> {
    const account = await this.vm.stateManager.getAccount(new Address(address));
    return { ours: this.host.world.account(address)?.balance ?? 0n, oracle: account?.balance ?? 0n };
  }

  /** Runs `tx` on both worlds and expects the same outcome; gives it back. */
  async same(tx: TxCall): Promise<TxOutcome> {
    const { ours, oracle } = await this.run(tx);
    expect(ours).toEqual(oracle);
    return ours;
  }

  /** Expects each account's storage and balance to be the same in both worlds. */
  async sameAccounts(...addresses: Uint8Array[]): Promise<void> {
    for (const address of addresses) {
      const storage = await this.storage(address);
      expect(storage.ours).toEqual(storage.oracle);
      const balance = await this.balance(address);
      expect(balance.ours).toBe(balance.oracle);
    }
  }
}
