/**
 * Replaying Fluent's recorded transactions (../shared/fixtures/evm, Ethereum state-test layout)
 * on the world: the post state of every listed account and the logs hash must be the chain's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayStateTests } from '../../src/index.js';
import { rwasmErrorOf } from '../support/errors.js';
import { sharedDir } from '../support/shared.js';

const dir = join(sharedDir(), 'fixtures', 'evm');
const fixture = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
const bytecode = (name: string) => new Uint8Array(readFileSync(join(dir, 'reusable-bytecode', name)));

describe('state-test replay', () => {
  it('testnet tx 0x13fd273f (HelloWorld deploy through the EVM runtime): post state and logs hash identical, 359,938 gas', () => {
    const [result] = replayStateTests(fixture('testnet_22882338_hello_world.json'), bytecode, { tier: 'interpreter' });
    expect(result!.differences).toEqual([]);
    expect(result).toMatchObject({ status: 'success', exitCode: 0, gasUsed: 359_938n, match: true });
    expect(result!.state['0x044f962515c0968de3779973a0e47d060b3b839f']!.nonce).toBe('0x1');
  });

  it('mainnet tx 0xfab0052d (a token swap through nested EVM calls): post state of its 24 accounts and logs hash identical', () => {
    const [result] = replayStateTests(fixture('mainnet_3087860_usdnr_swap.json'), bytecode, { tier: 'interpreter' });
    expect(result!.differences).toEqual([]);
    expect(result).toMatchObject({ status: 'success', exitCode: 0, gasUsed: 362_626n, match: true });
  });

  it('testnet tx 0x5250b76c (creates a Universal Token and calls it, in frames that revert): post state and logs hash identical, 336,269 gas', () => {
    // The token's frames cost 14,587 of it: six preloaded slots at 2,100, and the fuel of its
    // runtime recompiled from the hint with engine metering (engine-metered.ts).
    const [result] = replayStateTests(fixture('testnet_20986140_legacy_ust20_params.json'), bytecode, { tier: 'interpreter' });
    expect(result!.differences).toEqual([]);
    expect(result).toMatchObject({ status: 'success', exitCode: 0, gasUsed: 336_269n, match: true });
  });

  it('replays the same way run after run in one process (the runtimes start on fresh instances for each)', () => {
    const runs = [0, 1, 2].map(() => replayStateTests(fixture('testnet_20986140_legacy_ust20_params.json'), bytecode, { tier: 'interpreter' })[0]!);
    expect(runs.map((r) => r.gasUsed)).toEqual([336_269n, 336_269n, 336_269n]);
    expect(runs.every((r) => r.match)).toBe(true);
  });

  it('a malformed fixture is MalformedEnvelope, naming the field', () => {
    const good = fixture('testnet_22882338_hello_world.json') as Record<string, Record<string, unknown>>;
    const [name, test] = Object.entries(good)[0]!;
    const broken = (change: (t: Record<string, unknown>) => void) => {
      const copy = structuredClone(test);
      change(copy);
      return rwasmErrorOf(() => replayStateTests({ [name]: copy }, bytecode));
    };
    expect(broken((t) => (t.pre = 7))?.message).toMatch(/pre is not an object/);
    expect(broken((t) => ((t.transaction as Record<string, unknown>).nonce = 'seventy'))?.code).toBe('MalformedEnvelope');
    expect(broken((t) => ((t.transaction as Record<string, unknown>).sender = '0x1234'))?.message).toMatch(/20-byte address/);
    expect(rwasmErrorOf(() => replayStateTests([], bytecode))?.code).toBe('MalformedEnvelope');
  });
});
