/**
 * The host-side state and its gas: the world's journal against a model that copies the whole
 * state at each checkpoint; SSTORE gas and refunds against EIP-3529's table of cases; account
 * code formats against what the real EVM runtime writes (HelloWorld and Storage deploys) and
 * the chain's post state.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  World,
  cappedRefund,
  decodeEvmMetadata,
  decodeExecutionOutcome,
  decodeOwnableAccount,
  encodeEvmMetadata,
  encodeOwnableAccount,
  keccak256,
  sloadGas,
  sstoreGas,
} from '../../src/index.js';
import { runEvmWorkload } from '../../bench/support/evm-deploy.js';
import { rwasmErrorOf } from '../support/errors.js';
import { sharedDir } from '../support/shared.js';

const ADDRESSES = [1, 2, 3].map((n) => Uint8Array.from({ length: 20 }, (_, i) => (i === 19 ? n : 0)));

type Op =
  | { k: 'balance' | 'nonce'; a: number; v: bigint }
  | { k: 'store' | 'tstore'; a: number; slot: bigint; v: bigint }
  | { k: 'log'; a: number; v: bigint }
  | { k: 'warm'; a: number; slot: bigint }
  | { k: 'checkpoint' }
  | { k: 'commit' }
  | { k: 'revert' };
const small = fc.bigInt({ min: 0n, max: 3n });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constantFrom('balance', 'nonce' as const), a: fc.nat(2), v: small }),
  fc.record({ k: fc.constantFrom('store', 'tstore' as const), a: fc.nat(2), slot: small, v: small }),
  fc.record({ k: fc.constant('log' as const), a: fc.nat(2), v: small }),
  fc.record({ k: fc.constant('warm' as const), a: fc.nat(2), slot: small }),
  fc.constant({ k: 'checkpoint' as const }),
  fc.constant({ k: 'commit' as const }),
  fc.constant({ k: 'revert' as const }),
);

/** Everything a world shows, as plain data (the model's unit of copying). */
function visible(world: World): string {
  const accounts = [...world.allAccounts()].map(([a, s]) => [a, String(s.balance), String(s.nonce), [...s.storage].map(([k, v]) => `${k}=${v}`).sort()]);
  const transient = ADDRESSES.flatMap((a) => [0n, 1n, 2n, 3n].map((s) => String(world.transientStorage(a, s))));
  return JSON.stringify({ accounts, transient, logs: world.logs.map((l) => [l.address[19], l.data[0]]) });
}

describe('World', () => {
  it('reverts a frame to exactly what it was at its checkpoint, and commits into the frame around it', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const world = new World();
        const saved: string[] = []; // the model: a copy of everything visible at each open checkpoint
        const warmAt: Set<string>[] = [];
        let warm = new Set<string>();
        for (const o of ops) {
          switch (o.k) {
            case 'balance': world.setBalance(ADDRESSES[o.a]!, o.v); break;
            case 'nonce': world.setNonce(ADDRESSES[o.a]!, o.v); break;
            case 'store': world.setStorage(ADDRESSES[o.a]!, o.slot, o.v); break;
            case 'tstore': world.setTransientStorage(ADDRESSES[o.a]!, o.slot, o.v); break;
            case 'log': world.log({ address: ADDRESSES[o.a]!, topics: [], data: Uint8Array.of(Number(o.v)) }); break;
            case 'warm': {
              const id = `${o.a}:${o.slot}`;
              expect(world.warmSlot(ADDRESSES[o.a]!, o.slot)).toBe(warm.has(id));
              warm.add(id);
              break;
            }
            case 'checkpoint':
              world.checkpoint();
              saved.push(visible(world));
              warmAt.push(new Set(warm));
              break;
            case 'commit':
            case 'revert': {
              if (saved.length === 0) {
                expect(rwasmErrorOf(() => (o.k === 'commit' ? world.commit(1) : world.revert(1)))?.code).toBe('InvalidState');
                break;
              }
              const depth = saved.length;
              const before = saved.pop()!;
              const warmBefore = warmAt.pop()!;
              if (o.k === 'commit') world.commit(depth);
              else {
                world.revert(depth);
                expect(visible(world)).toBe(before);
                warm = warmBefore;
              }
            }
          }
        }
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('keeps each slot\'s value from the start of the transaction (EIP-2200\'s original), through reverts, until the transaction ends', () => {
    const world = new World();
    const [a] = ADDRESSES;
    world.setStorage(a!, 1n, 5n);
    world.endTransaction();
    const depth = world.checkpoint();
    world.setStorage(a!, 1n, 7n);
    world.setStorage(a!, 1n, 9n);
    expect(world.originalStorage(a!, 1n)).toBe(5n);
    world.revert(depth);
    expect(world.storage(a!, 1n)).toBe(5n);
    expect(world.originalStorage(a!, 1n)).toBe(5n);
    expect(world.transfer(a!, ADDRESSES[1]!, 1n)).toBe(false);
    world.setBalance(a!, 10n);
    expect(world.transfer(a!, ADDRESSES[1]!, 4n)).toBe(true);
    expect([world.account(a!)?.balance, world.account(ADDRESSES[1]!)?.balance]).toEqual([6n, 4n]);
  });
});

describe('storage gas (EIP-2929, EIP-2200, EIP-3529)', () => {
  it('matches every case of EIP-3529\'s table (slot warm, two PUSHes of 3 gas per SSTORE)', () => {
    // [values stored into slot 0 in turn, used gas, refund, original value]
    const table: [number[], number, number, number][] = [
      [[0, 0], 212, 0, 0], [[0, 1], 20112, 0, 0], [[1, 0], 20112, 19900, 0], [[1, 2], 20112, 0, 0], [[1, 1], 20112, 0, 0],
      [[0, 0], 3012, 4800, 1], [[0, 1], 3012, 2800, 1], [[0, 2], 3012, 0, 1], [[2, 0], 3012, 4800, 1], [[2, 3], 3012, 0, 1],
      [[2, 1], 3012, 2800, 1], [[2, 2], 3012, 0, 1], [[1, 0], 3012, 4800, 1], [[1, 2], 3012, 0, 1], [[1, 1], 212, 0, 1],
      [[1, 0, 1], 40118, 19900, 0], [[0, 1, 0], 5918, 7600, 1],
    ];
    for (const [values, used, refund, original] of table) {
      let current = BigInt(original);
      let gas = BigInt(6 * values.length);
      let refunds = 0n;
      for (const value of values) {
        const cost = sstoreGas({ original: BigInt(original), current, value: BigInt(value), warm: true });
        gas += cost.gas;
        refunds += cost.refund;
        current = BigInt(value);
      }
      expect([gas, refunds], `${values} from ${original}`).toEqual([BigInt(used), BigInt(refund)]);
    }
  });

  it('adds 2100 for a cold slot, charges SLOAD 2100 cold and 100 warm, and caps refunds at a fifth of the gas used', () => {
    expect(sstoreGas({ original: 0n, current: 0n, value: 1n, warm: false }).gas).toBe(22_100n);
    expect(sstoreGas({ original: 1n, current: 1n, value: 1n, warm: false }).gas).toBe(2_200n);
    expect([sloadGas(false), sloadGas(true)]).toEqual([2100n, 100n]);
    expect(cappedRefund(50_000n, 19_900n)).toBe(10_000n);
    expect(cappedRefund(200_000n, 19_900n)).toBe(19_900n);
  });
});

describe('account code formats', () => {
  it('write the analyzed EVM metadata the EVM runtime writes, byte for byte (HelloWorld and Storage)', () => {
    for (const scenario of ['hello', 'storage'] as const) {
      const [deploy] = runEvmWorkload({ scenario, rounds: 1, record: true, tier: 'interpreter' }).record;
      const metadata = decodeExecutionOutcome(deploy!.output).newMetadata!;
      const evm = decodeEvmMetadata(metadata);
      expect(evm.codeHash).toEqual(keccak256(evm.code));
      expect(encodeEvmMetadata(evm.code)).toEqual(metadata);
    }
  });

  it('read the chain\'s HelloWorld account: an ownable account of the EVM runtime whose metadata holds the code', () => {
    const fixture = JSON.parse(readFileSync(join(sharedDir(), 'fixtures', 'evm', 'testnet_22882338_hello_world.json'), 'utf8')) as Record<string, { post: Record<string, Array<{ state: Record<string, { code: string }> }>> }>;
    const post = Object.values(Object.values(fixture)[0]!.post)[0]![0]!.state;
    const code = Uint8Array.from(Buffer.from(post['0x044f962515c0968de3779973a0e47d060b3b839f']!.code.slice(2), 'hex'));
    const account = decodeOwnableAccount(code)!;
    expect(Buffer.from(account.owner).toString('hex')).toBe('0000000000000000000000000000000000520001');
    expect(encodeOwnableAccount(account)).toEqual(code);
    const evm = decodeEvmMetadata(account.metadata);
    expect([code.length, evm.code.length]).toEqual([1725, 1428]);
    expect(decodeOwnableAccount(Uint8Array.of(0x60, 0x80))).toBeUndefined();
    expect(rwasmErrorOf(() => decodeEvmMetadata(account.metadata.subarray(0, 100)))?.code).toBe('MalformedEnvelope');
  });
});
