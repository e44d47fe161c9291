/**
 * EvmTestHost, the way a contract developer uses it: HelloWorld and Storage (fluentbase's e2e
 * contracts) deployed and called through transactions on the genesis EVM runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvmTestHost, decodeOwnableAccount } from '../../src/index.js';
import { genesisFixtures, sharedDir } from '../support/shared.js';

const evm = genesisFixtures().find((f) => f.kind === 'evm-runtime' && f.file.endsWith('.rwasm'))!;
const contract = (name: string) => Uint8Array.from(Buffer.from(readFileSync(join(sharedDir(), 'fixtures', 'evm', 'contracts', `${name}.bin`), 'utf8').trim().replace(/^0x/, ''), 'hex'));
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const word = (n: bigint) => hex(n.toString(16).padStart(64, '0'));
const alice = hex('390a4cedbb65be7511d9e1a35b115376f39dbdf3');

describe('EvmTestHost', () => {
  const host = new EvmTestHost({ evmRuntime: evm.bytes, codeHash: evm.hash, tier: 'interpreter' });

  it('deploys HelloWorld for the chain\'s gas and answers sayHelloWorld() with "Hello, World"', () => {
    const helloWorldInitCode = contract('HelloWorld');
    // --- README example (with the host above) ---
    const { address, gasUsed } = host.deploy(helloWorldInitCode, { from: alice }); // 359,938 gas, as on the testnet
    const said = host.call({ from: alice, to: address!, data: Uint8Array.of(0x45, 0x77, 0x3e, 0x4e) }); // sayHelloWorld(): ABI "Hello, World"
    // --- end of example ---
    const deployed = { address, gasUsed };
    expect(gasUsed).toBe(359_938n); // testnet tx 0x13fd273f used as much
    const code = host.world.account(deployed.address!)!.code;
    expect(Buffer.from(decodeOwnableAccount(code)!.owner).toString('hex')).toBe('0000000000000000000000000000000000520001');
    expect(said.status).toBe('success');
    const length = Number(BigInt(`0x${Buffer.from(said.output.subarray(32, 64)).toString('hex')}`));
    expect(new TextDecoder().decode(said.output.subarray(64, 64 + length))).toBe('Hello, World');
    expect(said.gasUsed).toBe(21_000n + 4n * 16n + 637n); // intrinsic (4 non-zero calldata bytes) + the frame's 637
    expect(host.world.account(alice)!.nonce).toBe(2n);
  });

  it('deploys Storage: getValue() = 100, setValue(42) logs its event, getValue() = 42, an unknown selector reverts', () => {
    const { address, status } = host.deploy(contract('Storage'), { from: alice });
    expect(status).toBe('success');
    const get = () => host.call({ from: alice, to: address!, data: hex('20965255') });
    expect(get().output).toEqual(word(100n));
    const set = host.call({ from: alice, to: address!, data: Uint8Array.of(...hex('55241077'), ...word(42n)) });
    expect(set.status).toBe('success');
    expect(set.logs).toHaveLength(1);
    expect(set.logs[0]!.address).toEqual(address);
    expect(get().output).toEqual(word(42n));
    const unknown = host.call({ from: alice, to: address!, data: hex('deadbeef') });
    expect(unknown.status).toBe('revert');
    expect(get().output).toEqual(word(42n));
  });
});
