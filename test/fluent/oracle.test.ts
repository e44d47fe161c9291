/**
 * Solidity contracts of our own (test/fluent/contracts, compiled here with solc) run through
 * rwasm-ts's EVM test host on Fluent's genesis EVM runtime and through @ethereumjs/vm, side by
 * side: every transaction's status, output, logs and gas, and the accounts' storage and
 * balances afterwards, must be the same.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { SideBySide, sender, type TxCall } from '../support/evm-oracle.js';
import { calldata, contract, withConstructorArgs } from '../support/solidity.js';

const alice = sender(0x11);
const bob = sender(0x22);
/** Pays for the one transaction whose gas differs on purpose (so the others' balances stay comparable). */
const carol = sender(0x55);
const hexBytes = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

let sides: SideBySide;

const same = (tx: TxCall) => sides.same(tx);
const sameAccounts = (...addresses: Uint8Array[]) => sides.sameAccounts(...addresses);

// solc is Emscripten-built Wasm: under `node --jitless` (no WebAssembly) these skip.
describeWithHostWasm('against @ethereumjs/vm', () => {
  beforeAll(async () => {
    sides = await SideBySide.create([alice, bob, carol]);
  }, 60_000);

  it('a ledger: constructor arguments, mappings, structs, dynamic arrays and bytes, indexed events, the block environment and hashes', async () => {
    const deployed = await same({ from: alice.address, data: withConstructorArgs(contract('Basics.sol', 'Ledger').initCode, 40n), value: 5n });
    expect(deployed.status).toBe('success');
    const ledger = hexBytes(deployed.created!);
    const steps: TxCall[] = [
      { from: alice.address, to: ledger, data: calldata('deposit(uint256,uint256)', 1n, 500n) },
      { from: alice.address, to: ledger, data: calldata('deposit(uint256,uint256)', 2n, 9n) },
      { from: bob.address, to: ledger, data: calldata('deposit(uint256,uint256)', 1n, 77n) },
      { from: alice.address, to: ledger, data: calldata('total()') },
      { from: alice.address, to: ledger, data: calldata('entries(address,uint256)', alice.address, 1n) },
      { from: alice.address, to: ledger, data: calldata('history(uint256)', 2n) },
      { from: alice.address, to: ledger, data: Uint8Array.of(...calldata('setNote(bytes)', 32n, 40n), ...new Uint8Array(64).fill(0x61)) },
      { from: alice.address, to: ledger, data: calldata('note()') },
      { from: alice.address, to: ledger, data: calldata('clear()') },
      { from: alice.address, to: ledger, data: calldata('clear()') },
      { from: bob.address, to: ledger, data: calldata('environment()') },
      { from: bob.address, to: ledger, data: calldata('hashes()') },
    ];
    for (const tx of steps) expect((await same(tx)).status).toBe('success');
    // The previous block's hash came from the host (the oracle's genesis hash), not a zero.
    expect((await same({ from: bob.address, to: ledger, data: calldata('hashes()') })).output.slice(0, 64)).not.toBe('0'.repeat(64));
    await sameAccounts(ledger, alice.address, bob.address);
  });

  it('reverts with data: a custom error, a require message, division by zero and assert panics, an unknown selector', async () => {
    const ledger = hexBytes((await same({ from: alice.address, data: withConstructorArgs(contract('Basics.sol', 'Ledger').initCode, 1n) })).created!);
    const failing = [
      calldata('deposit(uint256,uint256)', 1n, 2_000_000n),
      calldata('requireSmall(uint256)', 10n),
      calldata('divide(uint256,uint256)', 1n, 0n),
      calldata('failAssert()'),
      hexBytes('deadbeef'),
    ];
    for (const data of failing) expect((await same({ from: alice.address, to: ledger, data })).status).toBe('revert');
    expect((await same({ from: alice.address, to: ledger, data: calldata('requireSmall(uint256)', 3n) })).status).toBe('success');
    await sameAccounts(ledger, alice.address);
  });

  it('runs out of gas: a loop with too little gas, an endless loop, a deploy below its cost; refused below the intrinsic gas', async () => {
    const ledger = hexBytes((await same({ from: alice.address, data: withConstructorArgs(contract('Basics.sol', 'Ledger').initCode, 1n) })).created!);
    expect((await same({ from: alice.address, to: ledger, data: calldata('spin(uint256)', 200n), gasLimit: 40_000n })).status).toBe('failure');
    expect((await same({ from: alice.address, to: ledger, data: calldata('spin(uint256)', 200n) })).status).toBe('success');
    expect((await same({ from: alice.address, to: ledger, data: calldata('forever()'), gasLimit: 300_000n })).status).toBe('failure');
    expect((await same({ from: alice.address, data: withConstructorArgs(contract('Basics.sol', 'Ledger').initCode, 1n), gasLimit: 250_000n })).status).toBe('failure');
    expect((await same({ from: alice.address, data: withConstructorArgs(contract('Basics.sol', 'Ledger').initCode, 1n), gasLimit: 120_000n })).status).toBe('invalid');
    await sameAccounts(ledger, alice.address);
  });

  it('moves value: to an account with no code, into a payable receive, refused by a function that is not payable', async () => {
    const vault = hexBytes((await same({ from: alice.address, data: contract('Basics.sol', 'Vault').initCode })).created!);
    const plain = hexBytes('00000000000000000000000000000000000c0ffe');
    expect((await same({ from: alice.address, to: plain, data: new Uint8Array(0), value: 1234n })).status).toBe('success');
    expect((await same({ from: bob.address, to: vault, data: new Uint8Array(0), value: 10n ** 18n })).status).toBe('success');
    expect((await same({ from: bob.address, to: vault, data: calldata('selfBalance()') })).output).toBe((10n ** 18n).toString(16).padStart(64, '0'));
    await same({ from: bob.address, to: vault, data: calldata('balanceOf(address)', plain) });
    await same({ from: bob.address, to: vault, data: calldata('balanceOf(address)', hexBytes('00000000000000000000000000000000000beef0')) });
    expect((await same({ from: bob.address, to: vault, data: calldata('notPayable()'), value: 1n })).status).toBe('revert');
    await sameAccounts(vault, plain, alice.address, bob.address);
  });

  it('transient storage lives for one transaction', async () => {
    const transient = hexBytes((await same({ from: alice.address, data: contract('Basics.sol', 'Transient').initCode })).created!);
    expect((await same({ from: alice.address, to: transient, data: calldata('roundTrip(uint256,uint256)', 5n, 99n) })).output).toBe(99n.toString(16).padStart(64, '0'));
    expect((await same({ from: alice.address, to: transient, data: calldata('readBack(uint256)', 5n) })).output).toBe('0'.repeat(64));
    await sameAccounts(transient);
  });

  it('calldata over 128 KiB costs Fluent its quadratic surcharge on top of Ethereum\'s gas, nothing else', async () => {
    const ledger = hexBytes((await same({ from: carol.address, data: withConstructorArgs(contract('Basics.sol', 'Ledger').initCode, 1n) })).created!);
    // spin() ignores the padding; enough rounds that execution, not Prague's calldata floor, sets the gas.
    const data = new Uint8Array(140_000);
    data.set(calldata('spin(uint256)', 12_000n));
    const { ours, oracle } = await sides.run({ from: carol.address, to: ledger, data, gasLimit: 10_000_000n });
    const words = BigInt(Math.ceil((data.length - 131_072) / 32));
    expect(ours.status).toBe('success');
    expect({ ...ours, gasUsed: ours.gasUsed - (3n * words + (words * words) / 30n) }).toEqual(oracle);
  });
});

