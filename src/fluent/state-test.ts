/**
 * Replaying the transactions of an Ethereum state test (the layout fluentbase's evm-e2e reads:
 * `pre`, `env`, `transaction`, `post`): the fixture is read with every field checked, the
 * transaction runs on a world built from `pre` (transaction.ts), and the post state of every
 * account the fixture lists and the logs hash are compared field by field.
 */
import { RwasmError } from '../errors.js';
import { defaultModuleCache, type ModuleCache } from '../runtime/module-cache.js';
import type { Tier } from '../compiled/index.js';
import { keccak256 } from './interruptions.js';
import { rlpEncode } from './rlp.js';
import type { EvmRuntimeBinding } from './evm-frame.js';
import { executeTransaction, type BlockEnv, type TransactionResult } from './transaction.js';
import { World, type WorldLog } from './world.js';

/** Where a fixture's `file://…/NAME` codes come from (bytes by NAME). */
export type BytecodeSource = (name: string) => Uint8Array;

export interface ReplayDifference {
  readonly account: string;
  readonly field: 'balance' | 'nonce' | 'code' | 'storage' | 'logs';
  readonly expected: string;
  readonly got: string;
}

export interface ReplayResult {
  readonly name: string;
  readonly status: TransactionResult['status'];
  readonly exitCode: number | undefined;
  readonly gasUsed: bigint;
  readonly match: boolean;
  readonly differences: readonly ReplayDifference[];
  /** What the replay computed for every account the post state lists, as the fixture writes it. */
  readonly state: Record<string, { balance: string; nonce: string; code: string; storage: Record<string, string> }>;
  readonly logsHash: string;
  /** The logs the transaction left, in order (what `logsHash` hashes). */
  readonly logList: readonly WorldLog[];
}

const fail = (message: string): never => {
  throw new RwasmError('MalformedEnvelope', `state test: ${message}`);
};
const object = (value: unknown, what: string): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${what} is not an object`));
const text = (value: unknown, what: string): string => (typeof value === 'string' ? value : fail(`${what} is not a string`));
const quantity = (value: unknown, what: string): bigint => {
  const s = text(value, what);
  if (!/^0x[0-9a-fA-F]*$/.test(s)) fail(`${what} ${JSON.stringify(s)} is not a hex quantity`);
  return s === '0x' ? 0n : BigInt(s);
};
const hexBytes = (value: unknown, what: string): Uint8Array => {
  const s = text(value, what);
  if (!/^0x([0-9a-fA-F]{2})*$/.test(s)) fail(`${what} is not hex bytes`);
  return Uint8Array.from(s.slice(2).match(/../g) ?? [], (pair) => parseInt(pair, 16));
};
const address = (value: string, what: string): Uint8Array => {
  const bytes = hexBytes(value, what);
  return bytes.length === 20 ? bytes : fail(`${what} is not a 20-byte address`);
};
const hex = (bytes: Uint8Array) => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
const quantityText = (v: bigint) => `0x${v.toString(16)}`;
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function codeOf(value: unknown, what: string, bytecode: BytecodeSource): Uint8Array {
  const s = text(value, what);
  const file = /^file:\/\/(?:.*\/)?([^/]+)$/.exec(s);
  return file ? bytecode(file[1]!) : hexBytes(s, what);
}

/**
 * The keccak256 a fixture's file name gives its code (`…/<address>_<keccak256>.bin`, as
 * evm-e2e names its runtimes), taken on trust as Fluent trusts a runtime's code hash: hashing a
 * megabyte costs more than the replay (3 s without a JIT).
 */
function namedCodeHash(value: unknown): string | undefined {
  return typeof value === 'string' ? /^file:\/\/(?:.*\/)?[^/]*_([0-9a-fA-F]{64})\.bin$/.exec(value)?.[1]?.toLowerCase() : undefined;
}

/** Replays every transaction of a fixture file (one JSON object of named tests). */
export function replayStateTests(fixture: unknown, bytecode: BytecodeSource, options: { cache?: ModuleCache; tier?: Tier } = {}): ReplayResult[] {
  return Object.entries(object(fixture, 'the fixture')).flatMap(([name, test]) => {
    const t = object(test, name);
    const post = object(t.post, `${name}.post`);
    return Object.entries(post).flatMap(([fork, cases]) => {
      if (!Array.isArray(cases)) fail(`${name}.post.${fork} is not a list`);
      return (cases as unknown[]).map((c, i) => replayOne(`${name}/${fork}/${i}`, t, object(c, `${name}.post.${fork}[${i}]`), bytecode, options));
    });
  });
}

function replayOne(name: string, t: Record<string, unknown>, expected: Record<string, unknown>, bytecode: BytecodeSource, options: { cache?: ModuleCache; tier?: Tier }): ReplayResult {
  const env = object(t.env, 'env');
  const tx = object(t.transaction, 'transaction');
  const indexes = object(expected.indexes, 'indexes');
  const pick = (field: string, index: string): unknown => {
    const list = tx[field];
    return Array.isArray(list) ? list[Number(quantity(`0x${Number(indexes[index] ?? 0).toString(16)}`, index))] : fail(`transaction.${field} is not a list`);
  };
  const world = new World();
  const namedHashes = new Map<string, string>();
  for (const [a, account] of Object.entries(object(t.pre, 'pre'))) {
    const acc = object(account, `pre.${a}`);
    const at = address(a, `pre address ${a}`);
    world.setBalance(at, quantity(acc.balance, `pre.${a}.balance`));
    world.setNonce(at, quantity(acc.nonce, `pre.${a}.nonce`));
    const code = codeOf(acc.code, `pre.${a}.code`, bytecode);
    world.setCode(at, code);
    const named = namedCodeHash(acc.code);
    if (named !== undefined) namedHashes.set(hex(at), named);
    for (const [k, v] of Object.entries(object(acc.storage ?? {}, `pre.${a}.storage`))) world.setStorage(at, quantity(k, 'storage key'), quantity(v, 'storage value'));
  }
  world.endTransaction();

  const sender = address(text(tx.sender, 'transaction.sender'), 'transaction.sender');
  const to = tx.to === undefined || tx.to === '' ? undefined : address(text(tx.to, 'transaction.to'), 'transaction.to');
  const data = hexBytes(pick('data', 'data'), 'transaction.data');
  const gasLimit = quantity(pick('gasLimit', 'gas'), 'transaction.gasLimit');
  const value = quantity(pick('value', 'value'), 'transaction.value');
  const nonce = quantity(tx.nonce, 'transaction.nonce');
  const baseFee = quantity(env.currentBaseFee ?? '0x0', 'env.currentBaseFee');
  const gasPrice = tx.gasPrice !== undefined ? quantity(tx.gasPrice, 'transaction.gasPrice') : (() => {
    const maxFee = quantity(tx.maxFeePerGas, 'transaction.maxFeePerGas');
    const tip = quantity(tx.maxPriorityFeePerGas, 'transaction.maxPriorityFeePerGas');
    return maxFee < baseFee + tip ? maxFee : baseFee + tip;
  })();
  const coinbase = address(text(env.currentCoinbase, 'env.currentCoinbase'), 'env.currentCoinbase');

  // One binding per runtime, its code hashed once: every frame on it shares the cached instance.
  const bindings = new Map<string, EvmRuntimeBinding | undefined>();
  const binding = (owner: Uint8Array) => {
    const k = hex(owner);
    if (!bindings.has(k)) {
      const runtimeCode = world.account(owner)?.code;
      bindings.set(k, runtimeCode === undefined || runtimeCode.length === 0 ? undefined : { module: runtimeCode, codeHash: namedHashes.get(k) ?? hex(keccak256(runtimeCode)).slice(2), address: owner, cache: options.cache, tier: options.tier });
    }
    return bindings.get(k);
  };
  const block: BlockEnv = {
    chainId: quantity(object(t.config ?? {}, 'config').chainid ?? '0x1', 'config.chainid'),
    coinbase,
    timestamp: quantity(env.currentTimestamp, 'env.currentTimestamp'),
    number: quantity(env.currentNumber, 'env.currentNumber'),
    difficulty: quantity(env.currentDifficulty ?? '0x0', 'env.currentDifficulty'),
    prevRandao: hexBytes(env.currentRandom ?? `0x${'00'.repeat(32)}`, 'env.currentRandom'),
    gasLimit: quantity(env.currentGasLimit, 'env.currentGasLimit'),
    baseFee,
  };
  const priorityFee = tx.maxPriorityFeePerGas === undefined ? undefined : quantity(tx.maxPriorityFeePerGas, 'transaction.maxPriorityFeePerGas');
  // A state test is a block of its own: the runtimes start on fresh instances, as Fluent's node
  // starts every block (an engine-metered runtime's gas depends on its instance's history).
  (options.cache ?? defaultModuleCache).resetInstances();
  const result = executeTransaction(world, block, { from: sender, to, data, value, gasLimit, nonce, gasPrice, priorityFee }, { runtimeOf: binding });
  const { status, exitCode, gasUsed } = result;

  const logList = world.logs.slice(); // the world is this replay's own: its log records are not shared
  const logsHash = hex(keccak256(rlpEncode(logList.map((log) => [log.address, log.topics, log.data]))));
  const differences: ReplayDifference[] = [];
  const state: ReplayResult['state'] = {};
  for (const [a, account] of Object.entries(object(expected.state, `${name}.state`))) {
    const want = object(account, `post ${a}`);
    const got = world.account(address(a, `post address ${a}`));
    const gotCode = got?.code ?? new Uint8Array(0);
    const storage: Record<string, string> = {};
    for (const [k, v] of got?.storage ?? []) storage[quantityText(k)] = quantityText(v);
    const wantCode = codeOf(want.code ?? '0x', `post.${a}.code`, bytecode);
    state[a] = { balance: quantityText(got?.balance ?? 0n), nonce: quantityText(got?.nonce ?? 0n), code: sameBytes(gotCode, wantCode) && typeof want.code === 'string' ? want.code : hex(gotCode), storage };
    const compare = (field: ReplayDifference['field'], wantValue: string, gotValue: string) => {
      if (wantValue !== gotValue) differences.push({ account: a, field, expected: wantValue, got: gotValue });
    };
    compare('balance', quantityText(quantity(want.balance, `post.${a}.balance`)), state[a]!.balance);
    compare('nonce', quantityText(quantity(want.nonce, `post.${a}.nonce`)), state[a]!.nonce);
    compare('code', hex(wantCode), hex(gotCode));
    const wantStorage = Object.fromEntries(Object.entries(object(want.storage ?? {}, `post.${a}.storage`)).map(([k, v]) => [quantityText(quantity(k, 'key')), quantityText(quantity(v, 'value'))]).filter(([, v]) => v !== '0x0'));
    compare('storage', JSON.stringify(Object.entries(wantStorage).sort()), JSON.stringify(Object.entries(storage).sort()));
  }
  const wantLogs = text(expected.logs, `${name}.logs`).toLowerCase();
  if (wantLogs !== logsHash) differences.push({ account: '', field: 'logs', expected: wantLogs, got: logsHash });
  return { name, status, exitCode, gasUsed, match: differences.length === 0, differences, state, logsHash, logList };
}
