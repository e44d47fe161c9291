/**
 * The Universal Token runtime (0x…520008, the testnet's build d82d5f81) through EvmTestHost: a
 * token created from "ERC " + its legacy 2180-byte settings and called as an ERC-20, every answer
 * checked against what this file computes on its own (ABI words, ERC-7201 slots, the Transfer
 * topic, balances by arithmetic), and the slots the host must preload for it.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvmTestHost, UNIVERSAL_TOKEN_RUNTIME_ADDRESS, compileWasm, encodeExecutionOutcome, encodeOwnableAccount, fluentSystemConfig, intrinsicGas, runEvmFrame, universalTokenStorageKeys, type ExecutionOutcome } from '../../src/index.js';
import { FrameRunner } from '../../src/fluent/frames.js';
import { ExitCode } from '../../src/runtime/exit-code.js';
import { genesisFixtures, sharedDir } from '../support/shared.js';
import { T, buildWasm, op } from '../support/wasm-builder.js';

const evm = genesisFixtures().find((f) => f.kind === 'evm-runtime' && f.file.endsWith('.rwasm'))!;
const ut = genesisFixtures().find((f) => f.kind === 'universal-token')!;
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const word = (n: bigint) => hex(n.toString(16).padStart(64, '0'));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
const padAddress = (a: Uint8Array) => concat(new Uint8Array(12), a);
const keccak = (data: Uint8Array | string) => keccak_256(typeof data === 'string' ? new TextEncoder().encode(data) : data);
const big = (b: Uint8Array) => BigInt(`0x${toHex(b)}`);
const selector = (signature: string) => keccak(signature).subarray(0, 4);
/** EIP-7201's formula, written out here: keccak256(uint256(keccak256(id)) − 1) with the last byte cleared. */
const slot7201 = (id: string) => big(keccak(word(big(keccak(id)) - 1n))) & ~0xffn;
const balanceSlot = (owner: Uint8Array) => big(keccak(concat(padAddress(owner), word(slot7201('universal-token.balance')))));
/** Solidity's `string` return: offset 32, length, the bytes padded to a word. */
const abiString = (s: string) => concat(word(32n), word(BigInt(s.length)), Uint8Array.from({ length: 32 }, (_, i) => s.charCodeAt(i) || 0));
/** A `bytes32` short string as the token stores it: the text left-aligned. */
const shortString = (s: string) => big(Uint8Array.from({ length: 32 }, (_, i) => s.charCodeAt(i) || 0));
/** The legacy settings: name and symbol one byte per word, then decimals, supply, minter, pauser (runtime.md §6.11). */
const legacySettings = (name: string, symbol: string, decimals: bigint, supply: bigint, minter: Uint8Array, pauser: Uint8Array) =>
  concat(
    new TextEncoder().encode('ERC '),
    ...Array.from({ length: 32 }, (_, i) => word(BigInt(name.charCodeAt(i) || 0))),
    ...Array.from({ length: 32 }, (_, i) => word(BigInt(symbol.charCodeAt(i) || 0))),
    word(decimals),
    word(supply),
    padAddress(minter),
    padAddress(pauser),
  );

const alice = hex('390a4cedbb65be7511d9e1a35b115376f39dbdf3');
const bob = hex('b0b000000000000000000000000000000000b0b0');
const zero = new Uint8Array(20);
const TRANSFER_TOPIC = keccak('Transfer(address,address,uint256)');
const SUPPLY = 1_000_000n;
const COLD_SLOAD = 2100n;
/** What a frame of the token may cost beyond its preload: the testnet tx's two frames ran for 1,678 and 309. */
const EXECUTION_GAS_CAP = 3000n;

describe('Universal Token on EvmTestHost', () => {
  const host = new EvmTestHost({ evmRuntime: evm.bytes, codeHash: evm.hash, universalTokenRuntime: ut.bytes, universalTokenCodeHash: ut.hash, tier: 'interpreter' });
  const settings = legacySettings('Test Token', 'TST', 6n, SUPPLY, alice, zero);
  let token: Uint8Array;
  const storage = (slot: bigint) => host.world.storage(token, slot);
  const call = (data: Uint8Array) => host.call({ from: alice, to: token, data });
  /** Gas beyond the intrinsic and the cold preload of `slots` slots (one transaction each, so every slot is cold). */
  const executionGas = (gasUsed: bigint, data: Uint8Array, slots: number, creation = false) => gasUsed - intrinsicGas(data, creation).intrinsic - COLD_SLOAD * BigInt(slots);

  it('deploys from the legacy 2180-byte settings: code EF 44 00 ‖ 0x…520008, its slots written, a Transfer from zero', () => {
    expect(settings.length).toBe(2180);
    const deployed = host.deploy(settings, { from: alice });
    expect(deployed).toMatchObject({ status: 'success', exitCode: 0 });
    token = deployed.address!;
    expect(toHex(host.world.account(token)!.code)).toBe(`ef4400${toHex(UNIVERSAL_TOKEN_RUNTIME_ADDRESS)}`);
    expect(storage(slot7201('universal-token.name'))).toBe(shortString('Test Token'));
    expect(storage(slot7201('universal-token.symbol'))).toBe(shortString('TST'));
    expect(storage(slot7201('universal-token.decimals'))).toBe(6n);
    expect(storage(slot7201('universal-token.total-supply'))).toBe(SUPPLY);
    expect(storage(balanceSlot(alice))).toBe(SUPPLY);
    expect(storage(slot7201('universal-token.minter'))).toBe(big(alice));
    expect(deployed.logs).toHaveLength(1);
    expect(deployed.logs[0]!.topics).toEqual([TRANSFER_TOPIC, word(0n), padAddress(alice)]);
    expect(deployed.logs[0]!.data).toEqual(word(SUPPLY));
    // Six slots preloaded (decimals, name, symbol, supply, alice's balance, minter): 2,100 each, the writes free.
    const execution = executionGas(deployed.gasUsed, settings, 6, true);
    expect(execution > 0n && execution < EXECUTION_GAS_CAP).toBe(true);
  });

  it('answers name, symbol, decimals, totalSupply and balanceOf as ABI words, each with its one slot preloaded', () => {
    const answers: Array<[Uint8Array, Uint8Array]> = [
      [selector('name()'), abiString('Test Token')],
      [selector('symbol()'), abiString('TST')],
      [selector('decimals()'), word(6n)],
      [selector('totalSupply()'), word(SUPPLY)],
      [concat(selector('balanceOf(address)'), padAddress(alice)), word(SUPPLY)],
      [concat(selector('balanceOf(address)'), padAddress(bob)), word(0n)],
    ];
    for (const [data, expected] of answers) {
      const answer = call(data);
      expect(answer).toMatchObject({ status: 'success', exitCode: 0 });
      expect(toHex(answer.output)).toBe(toHex(expected));
      const execution = executionGas(answer.gasUsed, data, 1);
      expect(execution > 0n && execution < EXECUTION_GAS_CAP).toBe(true);
    }
  });

  it('transfer(bob, 10) returns true, logs Transfer(alice, bob, 10) and moves the balances, its writes not priced as SSTOREs', () => {
    const data = concat(selector('transfer(address,uint256)'), padAddress(bob), word(10n));
    const sent = call(data);
    expect(sent).toMatchObject({ status: 'success', exitCode: 0 });
    expect(sent.output).toEqual(word(1n));
    expect(sent.logs).toHaveLength(1);
    expect(sent.logs[0]).toMatchObject({ address: token, topics: [TRANSFER_TOPIC, padAddress(alice), padAddress(bob)], data: word(10n) });
    expect(storage(balanceSlot(alice))).toBe(SUPPLY - 10n);
    expect(storage(balanceSlot(bob))).toBe(10n);
    expect(call(concat(selector('balanceOf(address)'), padAddress(bob))).output).toEqual(word(10n));
    // Three slots preloaded (frozen flag, both balances); bob's new slot costs no 20,000.
    const execution = executionGas(sent.gasUsed, data, 3);
    expect(execution > 0n && execution < EXECUTION_GAS_CAP).toBe(true);
  });

  it('an unknown selector reverts with Panic(USTUnknownMethod(bytes4)’s code), as in the testnet tx', () => {
    const answer = call(hex('c820f146'));
    expect(answer.status).toBe('revert');
    expect(toHex(answer.output)).toBe(toHex(concat(selector('Panic(uint256)'), word(big(selector('USTUnknownMethod(bytes4)'))))));
  });

  it('preloads every slot a call touches: writes land only on computed keys, and without them the runtime stops with MissingStorageSlot', () => {
    const data = concat(selector('transfer(address,uint256)'), padAddress(bob), word(5n));
    const keys = universalTokenStorageKeys(data, alice, false);
    expect(keys).toEqual([slot7201('universal-token.contract-frozen'), balanceSlot(alice), balanceSlot(bob)]);
    const before = new Map(host.world.account(token)!.storage);
    expect(call(data).status).toBe('success');
    const changed = [...host.world.account(token)!.storage].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
    expect(changed.sort()).toEqual([balanceSlot(alice), balanceSlot(bob)].sort());
    // The same transfer as a bare frame with nothing preloaded: the runtime cannot read the frozen flag.
    const frames = new FrameRunner({ world: host.world, block: host.block, tx: { gasLimit: 1_000_000n, nonce: 0n, gasPrice: 0n, priorityFee: undefined, origin: alice, value: 0n }, runtimeOf: () => undefined, blockHash: () => new Uint8Array(32) });
    const contract = { address: token, bytecodeAddress: token, caller: alice, isStatic: false, value: 0n, gasLimit: 1_000_000n };
    const runtime = { module: ut.bytes, codeHash: ut.hash, address: UNIVERSAL_TOKEN_RUNTIME_ADDRESS, tier: 'interpreter' as const };
    const bare = runEvmFrame(host.world, { runtime, kind: 'call', metadata: new Uint8Array(0), input: data, context: { block: host.block, tx: frames.env.tx, contract }, frames, depth: 0, preload: [], engineMetered: true });
    expect(bare.exitCode).toBe(ExitCode.MissingStorageSlot);
    expect(storage(balanceSlot(bob))).toBe(15n);
  });

  it('a preload that does not fit halts the frame with OutOfFuel and spends its gas, as revm does', () => {
    const data = concat(selector('transfer(address,uint256)'), padAddress(bob), word(1n));
    // Room for two cold slots of the three, nothing more.
    const gasLimit = intrinsicGas(data, false).intrinsic + 2n * COLD_SLOAD + 50n;
    const starved = host.call({ from: alice, to: token, data, gasLimit });
    expect(starved).toMatchObject({ status: 'failure', exitCode: ExitCode.OutOfFuel, gasUsed: gasLimit });
    expect(storage(balanceSlot(bob))).toBe(15n);
  });

  it('preloads for the testnet tx 0x5250b76c token exactly the six slots its fixture lists in the pre state', () => {
    const file = join(sharedDir(), 'fixtures', 'evm', 'testnet_20986140_legacy_ust20_params.json');
    const pre = (Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, { pre: Record<string, { storage?: Record<string, string> }> }>)[0]!).pre;
    const listed = Object.keys(pre['0x4cc2dfbbf9e05dd0e188f5b151a2cd8c3e26f7d1']!.storage!).map(BigInt);
    // The creation's settings, rebuilt: "Mock Deposit Token" / "MDT", 18 decimals, no supply, minter and pauser the caller's caller.
    const minter = hex('f5e8528151a3413f1eb1f3415cd939ef26e89b8b');
    const keys = universalTokenStorageKeys(legacySettings('Mock Deposit Token', 'MDT', 18n, 0n, minter, minter), hex('3092cc68dc5ee1be55a588c09c7c10e834d1babb'), true);
    expect([...keys].sort()).toEqual([...listed].sort());
    expect(keys).toHaveLength(6);
  });
});

/** A system runtime whose `main` writes `outcome` and returns Ok: what a HEAD build may answer, which the testnet build never does. */
function stubRuntime(outcome: ExecutionOutcome): Uint8Array {
  const bytes = Array.from(encodeExecutionOutcome(outcome));
  const answer = [op.i32Const(0), op.i32Const(bytes.length), op.call(0), op.i32Const(0)];
  const wasm = buildWasm({
    types: [[[T.i32, T.i32], []], [[T.i32, T.i32], [T.i32]], [[], [T.i32]]],
    imports: [{ module: 'fluentbase_v1preview', name: '_write', func: 0 }],
    funcs: [{ type: 1, body: answer }, { type: 2, body: answer }],
    memory: [1],
    exports: [{ name: 'main', kind: 'func', index: 1 }, { name: 'deploy', kind: 'func', index: 2 }, { name: 'memory', kind: 'memory', index: 0 }],
    datas: [{ offset: op.i32Const(0), bytes }],
  });
  return compileWasm(wasm, { ...fluentSystemConfig(), consumeFuel: false }).module.encode();
}

describe('a Universal Token outcome with touched slots and transfers (HEAD builds; a stub runtime here)', () => {
  const token = hex('70c0000000000000000000000000000000000070');
  const carol = hex('ca201000000000000000000000000000000000ca');
  const slot = slot7201('universal-token.total-supply');
  const hostWith = (outcome: ExecutionOutcome) => {
    const host = new EvmTestHost({ evmRuntime: evm.bytes, codeHash: evm.hash, universalTokenRuntime: stubRuntime(outcome), tier: 'interpreter' });
    host.world.setCode(token, encodeOwnableAccount({ owner: UNIVERSAL_TOKEN_RUNTIME_ADDRESS, metadata: new Uint8Array(0) }));
    host.fund(token, 100n);
    return host;
  };
  const base = { exitCode: 0, output: new Uint8Array(0), storage: [{ key: Uint8Array.from(word(slot)).reverse(), value: Uint8Array.from(word(1n)).reverse() }], logs: [{ topics: [TRANSFER_TOPIC], data: new Uint8Array(0) }], newMetadata: undefined };
  const transfer = concat(selector('transfer(address,uint256)'), padAddress(bob), word(1n));
  const le = (n: bigint) => Uint8Array.from(word(n)).reverse();
  const preloaded = universalTokenStorageKeys(transfer, alice, false);
  /** The same transfer's gas on a stub that lists all three preloaded slots as touched (nothing refunded). */
  const allTouched = () => hostWith({ ...base, touchedStorageSlots: preloaded.map(le) }).call({ from: alice, to: token, data: transfer }).gasUsed;

  it('refunds the preload of every slot the outcome does not list as touched, and pays its transfers', () => {
    const host = hostWith({ ...base, touchedStorageSlots: [le(balanceSlot(alice))], transfers: [{ address: carol, amount: le(7n) }] });
    const sent = host.call({ from: alice, to: token, data: transfer });
    expect(sent).toMatchObject({ status: 'success', exitCode: 0 });
    expect(host.world.account(carol)!.balance).toBe(7n);
    expect(host.world.account(token)!.balance).toBe(93n);
    expect(host.world.storage(token, slot)).toBe(1n);
    // Three slots preloaded, two of them untouched: their 2 × 2,100 come back.
    expect(allTouched() - sent.gasUsed).toBe(2n * COLD_SLOAD);
  });

  it('keeps the whole preload when the outcome lists no touched slots (absent, or an empty list)', () => {
    for (const outcome of [base, { ...base, touchedStorageSlots: [] }]) {
      expect(hostWith(outcome).call({ from: alice, to: token, data: transfer }).gasUsed).toBe(allTouched());
    }
  });

  it('transfers beyond the balance fail the frame with InsufficientBalance and its writes and logs go', () => {
    const host = hostWith({ ...base, transfers: [{ address: carol, amount: Uint8Array.from(word(101n)).reverse() }] });
    const sent = host.call({ from: alice, to: token, data: transfer });
    expect(sent).toMatchObject({ status: 'failure', exitCode: ExitCode.InsufficientBalance, logs: [] });
    expect(host.world.account(carol)?.balance ?? 0n).toBe(0n);
    expect(host.world.account(token)!.balance).toBe(100n);
    expect(host.world.storage(token, slot)).toBe(0n);
  });
});
