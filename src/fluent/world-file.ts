/**
 * A World's accounts as a JSON value and back, in the layout of a state test's `pre` and post
 * `state`: `{ "0x<address>": { "balance": "0x…", "nonce": "0x…", "code": "0x…", "storage":
 * { "0x<slot>": "0x<value>" } } }`, lower-case hex, quantities without leading zeros. Pure
 * conversion: whoever stores the value (the CLI's `--world` file) does the I/O.
 *
 * Reading checks every field before anything is applied, so a malformed value leaves the world
 * untouched and names the field (`MalformedEnvelope`). A missing field is its empty value (so a
 * hand-written `{ "0x…": { "balance": "0x100" } }` funds an account); an unknown field is refused,
 * since a typo would otherwise be silently dropped.
 */
import { RwasmError } from '../errors.js';
import { World } from './world.js';

export interface AccountJson {
  balance: string;
  nonce: string;
  code: string;
  storage: Record<string, string>;
}

/** Accounts by `0x` address. */
export type WorldJson = Record<string, AccountJson>;

interface ParsedAccount {
  readonly address: Uint8Array;
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly code: Uint8Array;
  readonly storage: ReadonlyArray<readonly [bigint, bigint]>;
}

const ACCOUNT_FIELDS = new Set(['balance', 'nonce', 'code', 'storage']);
const U256_LIMIT = 1n << 256n;
const U64_LIMIT = 1n << 64n;

const fail = (message: string): never => {
  throw new RwasmError('MalformedEnvelope', `world: ${message}`);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function quantity(value: unknown, what: string, limit: bigint): bigint {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]+$/.test(value)) return fail(`${what} ${JSON.stringify(value)} is not a 0x hex quantity`);
  // Leading zeros are allowed, but the digits that count are bounded before BigInt sees them.
  if (value.slice(2).replace(/^0+/, '').length > 64) return fail(`${what} ${value} is out of range`);
  const n = BigInt(value);
  return n < limit ? n : fail(`${what} ${value} is out of range`);
}

function hexBytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !/^0x(?:[0-9a-fA-F]{2})*$/.test(value)) return fail(`${what} is not 0x hex bytes`);
  const out = new Uint8Array((value.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(value.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

function parseAccount(key: string, value: unknown): ParsedAccount {
  if (!/^0x[0-9a-fA-F]{40}$/.test(key)) fail(`${JSON.stringify(key)} is not a 0x 20-byte address`);
  if (!isObject(value)) return fail(`account ${key} is not an object`);
  for (const field of Object.keys(value)) if (!ACCOUNT_FIELDS.has(field)) fail(`account ${key} has an unknown field ${JSON.stringify(field)}`);
  const storageJson = value.storage ?? {};
  if (!isObject(storageJson)) fail(`${key}.storage is not an object`);
  const storage = new Map<bigint, bigint>();
  for (const [slotText, slotValue] of Object.entries(storageJson as Record<string, unknown>)) {
    const slot = quantity(slotText, `${key}.storage slot`, U256_LIMIT);
    if (storage.has(slot)) fail(`${key}.storage names slot ${slotText} twice`);
    storage.set(slot, quantity(slotValue, `${key}.storage[${slotText}]`, U256_LIMIT));
  }
  return {
    address: hexBytes(key, key),
    balance: value.balance === undefined ? 0n : quantity(value.balance, `${key}.balance`, U256_LIMIT),
    nonce: value.nonce === undefined ? 0n : quantity(value.nonce, `${key}.nonce`, U64_LIMIT),
    code: value.code === undefined ? new Uint8Array(0) : hexBytes(value.code, `${key}.code`),
    storage: [...storage],
  };
}

/**
 * Fills `world` (a new one by default) with the accounts of a JSON value and ends the
 * transaction, so the accounts are the state a next transaction starts from.
 */
export function worldFromJson(json: unknown, world: World = new World()): World {
  if (!isObject(json)) return fail('not an object of accounts');
  const seen = new Set<string>();
  const accounts = Object.entries(json).map(([key, value]) => {
    const lower = key.toLowerCase();
    if (seen.has(lower)) fail(`account ${key} is listed twice`);
    seen.add(lower);
    return parseAccount(key, value);
  });
  for (const account of accounts) {
    world.setBalance(account.address, account.balance);
    world.setNonce(account.address, account.nonce);
    world.setCode(account.address, account.code);
    for (const [slot, value] of account.storage) world.setStorage(account.address, slot, value);
  }
  world.endTransaction();
  return world;
}

const quantityText = (n: bigint) => `0x${n.toString(16)}`;
const hexText = (bytes: Uint8Array) => {
  let out = '0x';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
};

/** Every account the world holds, addresses and slots in ascending order (stable files, small diffs). */
export function worldToJson(world: World): WorldJson {
  const out: WorldJson = {};
  for (const [address, account] of [...world.allAccounts()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const storage: Record<string, string> = {};
    for (const [slot, value] of [...account.storage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) storage[quantityText(slot)] = quantityText(value);
    out[`0x${address}`] = { balance: quantityText(account.balance), nonce: quantityText(account.nonce), code: hexText(account.code), storage };
  }
  return out;
}
