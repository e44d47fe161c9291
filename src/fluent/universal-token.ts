/**
 * The storage slots Fluent's revm preloads for a Universal Token frame (runtime 0x…520008).
 * The runtime makes no interruptions: it reads only the slots handed to it in
 * `RuntimeNewFrameInputV1.storage` (a slot it needs but was not given ends the frame with
 * MissingStorageSlot), so the host has to compute, from the calldata or the creation payload
 * alone, every slot the call will touch (fluentbase crates/sdk/src/universal_token/storage.rs
 * `erc20_compute_storage_keys`, called from crates/revm/src/executor.rs `execute_rwasm_frame`).
 */
import { keccak256 } from './interruptions.js';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const be32 = (value: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * (31 - i))) & 0xffn));
const wordOf = (bytes: Uint8Array, at: number) => bytes.subarray(at, at + 32).reduce((v, b) => (v << 8n) | BigInt(b), 0n);
const MASK_256 = (1n << 256n) - 1n;

/** ERC-7201: keccak256(abi.encode(uint256(keccak256(id)) − 1)) & ~0xff (crates/sdk-derive `erc7201_slot!`). */
export function erc7201Slot(id: string): bigint {
  const inner = wordOf(keccak256(ascii(id)), 0);
  return wordOf(keccak256(be32((inner - 1n) & MASK_256)), 0) & ~0xffn;
}

/** Solidity's mapping slot for an address key: keccak256(pad32(key) ‖ base) (crates/sdk/src/storage/map.rs `MapKey`). */
export function mappingSlot(key: Uint8Array, base: bigint): bigint {
  const data = new Uint8Array(64);
  data.set(key.subarray(0, 20), 12);
  data.set(be32(base), 32);
  return wordOf(keccak256(data), 0);
}

/** The ids of the token's base slots (crates/sdk/src/universal_token/consts.rs `*_STORAGE_SLOT`). */
const SLOT_IDS: Readonly<Record<UniversalTokenSlot, string>> = {
  totalSupply: 'universal-token.total-supply',
  minter: 'universal-token.minter',
  pauser: 'universal-token.pauser',
  contractFrozen: 'universal-token.contract-frozen',
  symbol: 'universal-token.symbol',
  name: 'universal-token.name',
  decimals: 'universal-token.decimals',
  allowance: 'universal-token.allowance',
  nonces: 'universal-token.nonces',
  balance: 'universal-token.balance',
  wrapped: 'universal-token.wrapped',
};

/** The names of the token's base slots. */
export type UniversalTokenSlot = 'totalSupply' | 'minter' | 'pauser' | 'contractFrozen' | 'symbol' | 'name' | 'decimals' | 'allowance' | 'nonces' | 'balance' | 'wrapped';
export type UniversalTokenSlots = { readonly [K in UniversalTokenSlot]: bigint };

/**
 * The token's base slots, all ERC-7201, each hashed on first use: hashing all of them as the
 * library loads took 10 ms of every process's start-up, needed or not.
 */
export const UNIVERSAL_TOKEN_SLOTS: UniversalTokenSlots = (() => {
  const slots = {} as Record<UniversalTokenSlot, bigint>;
  for (const [key, id] of Object.entries(SLOT_IDS)) {
    let slot: bigint | undefined;
    Object.defineProperty(slots, key, { enumerable: true, get: () => (slot ??= erc7201Slot(id)) });
  }
  return Object.freeze(slots);
})();

/** A function selector: the first 4 bytes of keccak256(signature), big-endian (`derive_keccak256_id!`). */
const selector = (signature: string) => wordOf(keccak256(ascii(signature)), 0) >> 224n;

/** "ERC ": the creation payload's prefix (UNIVERSAL_TOKEN_MAGIC_BYTES). */
export const UNIVERSAL_TOKEN_MAGIC = ascii('ERC ');
/** Payload sizes with the prefix (storage.rs INITIAL_SETTINGS_*_SIZE): six words, seven, and the legacy 68. */
export const SETTINGS_V1_SIZE = 4 + 6 * 32;
export const SETTINGS_V2_SIZE = 4 + 7 * 32;
/** Legacy: name and symbol as `[u8; 32]`, which the Solidity codec lays out one byte per word. */
export const SETTINGS_LEGACY_SIZE = 4 + 68 * 32;

/**
 * The slots a creation from `payload` ("ERC " + settings) preloads, in revm's order
 * (`erc20_compute_deploy_storage_keys`); undefined when the payload does not decode (revm then
 * preloads nothing). Only the exact V1, V2 and legacy sizes decode (`InitialSettings::decode_with_prefix`).
 */
export function universalTokenDeployKeys(payload: Uint8Array, caller: Uint8Array): bigint[] | undefined {
  if (payload.length < 4 || !UNIVERSAL_TOKEN_MAGIC.every((b, i) => payload[i] === b)) return undefined;
  // Word index of decimals in the payload after the prefix; the next four are supply, minter, pauser, [wrapped].
  const decimalsWord = payload.length === SETTINGS_LEGACY_SIZE ? 64 : payload.length === SETTINGS_V1_SIZE || payload.length === SETTINGS_V2_SIZE ? 2 : undefined;
  if (decimalsWord === undefined) return undefined;
  const word = (i: number) => wordOf(payload, 4 + 32 * (decimalsWord + i));
  // The codec reads an address from a word's last 20 bytes and ignores the padding.
  const address = (i: number) => word(i) & ((1n << 160n) - 1n);
  const s = UNIVERSAL_TOKEN_SLOTS;
  const keys = [s.decimals, s.name, s.symbol, s.totalSupply];
  if (word(1) !== 0n) keys.push(mappingSlot(caller, s.balance));
  if (address(2) !== 0n) keys.push(s.minter);
  if (address(3) !== 0n) keys.push(s.pauser);
  if (payload.length === SETTINGS_V2_SIZE) keys.push(s.wrapped);
  return keys;
}

type KeysOf = (args: (i: number) => Uint8Array, caller: Uint8Array) => bigint[];

/** Per selector: how many ABI words its arguments take, and the slots it touches (`erc20_compute_main_storage_keys`). */
const MAIN_KEYS: ReadonlyArray<readonly [string, number, KeysOf]> = (() => {
  const s = UNIVERSAL_TOKEN_SLOTS;
  const balanceOf = (a: Uint8Array) => mappingSlot(a, s.balance);
  const allowanceOf = (owner: Uint8Array, spender: Uint8Array) => mappingSlot(spender, mappingSlot(owner, s.allowance));
  return [
    ['totalSupply()', 0, () => [s.totalSupply]],
    ['transfer(address,uint256)', 2, (arg, caller) => [s.contractFrozen, balanceOf(caller), balanceOf(arg(0))]],
    ['transferFrom(address,address,uint256)', 3, (arg, caller) => [s.contractFrozen, balanceOf(arg(0)), balanceOf(arg(1)), allowanceOf(arg(0), caller)]],
    ['balance()', 0, (_, caller) => [balanceOf(caller)]],
    ['balanceOf(address)', 1, (arg) => [balanceOf(arg(0))]],
    ['symbol()', 0, () => [s.symbol]],
    ['name()', 0, () => [s.name]],
    ['decimals()', 0, () => [s.decimals]],
    ['allowance(address,address)', 2, (arg) => [allowanceOf(arg(0), arg(1))]],
    ['approve(address,uint256)', 2, (arg, caller) => [allowanceOf(caller, arg(0))]],
    ['permit(address,address,uint256,uint256,uint8,bytes32,bytes32)', 7, (arg) => [allowanceOf(arg(0), arg(1)), mappingSlot(arg(0), s.nonces), s.name]],
    ['nonces(address)', 1, (arg) => [mappingSlot(arg(0), s.nonces)]],
    ['DOMAIN_SEPARATOR()', 0, () => [s.name]],
    ['mint(address,uint256)', 2, (arg) => [s.contractFrozen, balanceOf(arg(0)), s.minter, s.totalSupply]],
    ['burn(address,uint256)', 2, (arg) => [s.contractFrozen, balanceOf(arg(0)), s.minter, s.totalSupply]],
    ['pause()', 0, () => [s.contractFrozen, s.pauser]],
    ['unpause()', 0, () => [s.contractFrozen, s.pauser]],
    ['deposit()', 0, (_, caller) => [s.wrapped, s.contractFrozen, balanceOf(caller), s.totalSupply]],
    ['withdraw(uint256)', 1, (_, caller) => [s.wrapped, s.contractFrozen, balanceOf(caller), s.totalSupply]],
  ];
})();
/** By selector, made on first use (hashing the signatures as the library loads cost every process 10 ms). */
let mainBySelector: Map<number, { words: number; keys: KeysOf }> | undefined;
const mainKeysOf = (selectorValue: number) => (mainBySelector ??= new Map(MAIN_KEYS.map(([signature, words, keys]) => [Number(selector(signature)), { words, keys }]))).get(selectorValue);

/**
 * The slots a call with `calldata` preloads, in revm's order; undefined when calldata is
 * shorter than a selector or its arguments do not decode (revm then preloads nothing, not
 * even the slots it had listed before the failing decode). An unknown selector needs none.
 */
export function universalTokenMainKeys(calldata: Uint8Array, caller: Uint8Array): bigint[] | undefined {
  if (calldata.length < 4) return undefined;
  const entry = mainKeysOf(((calldata[0]! << 24) | (calldata[1]! << 16) | (calldata[2]! << 8) | calldata[3]!) >>> 0);
  if (!entry) return [];
  // Every argument is one static word; the codec asks only that the words be there.
  if (calldata.length < 4 + 32 * entry.words) return undefined;
  return entry.keys((i) => calldata.subarray(4 + 32 * i + 12, 4 + 32 * (i + 1)), caller);
}

/** `erc20_compute_storage_keys`, deduplicated keeping the first occurrence (revm's BTreeSet `retain`); [] when nothing decodes. */
export function universalTokenStorageKeys(input: Uint8Array, caller: Uint8Array, isCreate: boolean): bigint[] {
  const keys = (isCreate ? universalTokenDeployKeys(input, caller) : universalTokenMainKeys(input, caller)) ?? [];
  return [...new Set(keys)];
}
