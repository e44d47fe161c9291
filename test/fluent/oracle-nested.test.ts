/**
 * Nested frames side by side with @ethereumjs/vm: calls with and without value, static calls,
 * delegatecall proxies, CREATE and CREATE2 factories, reverts bubbling with their data, a child
 * out of gas under the 63/64 rule, recursion, and what a contract sees of another's code.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { SideBySide, sender, type TxCall } from '../support/evm-oracle.js';
import { calldata, contract, withConstructorArgs } from '../support/solidity.js';

const alice = sender(0x33);
const bob = sender(0x44);
const hexBytes = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const word = (n: bigint) => n.toString(16).padStart(64, '0');

let sides: SideBySide;

const same = (tx: TxCall) => sides.same(tx);
const sameAccounts = (...addresses: Uint8Array[]) => sides.sameAccounts(...addresses);

async function deploy(name: string, ...args: (bigint | Uint8Array)[]) {
  const result = await same({ from: alice.address, data: withConstructorArgs(contract('Nested.sol', name).initCode, ...args) });
  expect(result.status).toBe('success');
  return hexBytes(result.created!);
}

// solc is Emscripten-built Wasm: under `node --jitless` (no WebAssembly) these skip.
describeWithHostWasm('nested frames against @ethereumjs/vm', () => {
  beforeAll(async () => {
    sides = await SideBySide.create([alice, bob]);
  }, 60_000);

  it('calls: results and logs of the callee, static reads, msg.sender and tx.origin down the chain', async () => {
    const callee = await deploy('Callee');
    const caller = await deploy('Caller');
    expect((await same({ from: alice.address, to: caller, data: calldata('callStore(address,uint256)', callee, 21n) })).output).toBe(word(42n));
    expect((await same({ from: bob.address, to: caller, data: calldata('readStored(address)', callee) })).output).toBe(word(21n));
    await same({ from: bob.address, to: caller, data: calldata('chain(address)', callee) });
    await same({ from: bob.address, to: caller, data: calldata('recurse(uint256)', 12n) });
    await sameAccounts(callee, caller);
  });

  it('reverts: caught with their data, bubbled up to the transaction, a write refused inside a static call', async () => {
    const callee = await deploy('Callee');
    const caller = await deploy('Caller');
    expect((await same({ from: alice.address, to: caller, data: calldata('catchFailure(address,uint256)', callee, 7n) })).output).toBe(word(0n));
    await same({ from: alice.address, to: caller, data: calldata('lastError()') });
    expect((await same({ from: alice.address, to: caller, data: calldata('bubble(address,uint256)', callee, 9n) })).status).toBe('revert');
    expect((await same({ from: alice.address, to: caller, data: calldata('writeInStatic(address)', callee) })).output).toBe(word(0n));
    await sameAccounts(callee, caller);
  });

  it('value: forwarded with a call, sent to an account without code, more than the balance refused', async () => {
    const callee = await deploy('Callee');
    const caller = await deploy('Caller');
    await same({ from: bob.address, to: caller, data: calldata('forward(address)', callee), value: 1000n });
    const plain = hexBytes('000000000000000000000000000000000000dead');
    expect((await same({ from: bob.address, to: caller, data: calldata('send(address,uint256)', plain, 100n) })).output).toBe(word(1n));
    expect((await same({ from: bob.address, to: caller, data: calldata('send(address,uint256)', plain, 10n ** 9n) })).output).toBe(word(0n));
    await sameAccounts(callee, caller, plain, bob.address);
  });

  it('gas: a child out of gas keeps the caller going (63/64), a starved call with a fixed gas', async () => {
    const callee = await deploy('Callee');
    const caller = await deploy('Caller');
    await same({ from: alice.address, to: caller, data: calldata('starve(address,uint256)', callee, 50_000n) });
    await same({ from: alice.address, to: caller, data: calldata('starve(address,uint256)', callee, 10n ** 9n), gasLimit: 400_000n });
    await sameAccounts(callee, caller);
  });

  it('delegatecall: a proxy runs its implementation on its own storage', async () => {
    const implementation = await deploy('Implementation');
    const proxy = await deploy('Proxy', implementation);
    await same({ from: alice.address, to: proxy, data: calldata('initialize()') });
    expect((await same({ from: alice.address, to: proxy, data: calldata('increment(uint256)', 5n) })).output).toBe(word(5n));
    expect((await same({ from: bob.address, to: proxy, data: calldata('increment(uint256)', 6n) })).output).toBe(word(11n));
    expect((await same({ from: bob.address, to: proxy, data: calldata('initialize()') })).status).toBe('revert');
    await same({ from: bob.address, to: proxy, data: calldata('whoAmI()') });
    await sameAccounts(implementation, proxy);
  });

  it('creates: CREATE with value, CREATE2 at its predicted address, a constructor that reverts, a CREATE2 collision', async () => {
    const factory = await deploy('Factory');
    const made = await same({ from: alice.address, to: factory, data: calldata('make(uint256)', 5n), value: 77n });
    const child = hexBytes(made.output.slice(24));
    expect((await same({ from: alice.address, to: child, data: calldata('creator()') })).output).toBe(word(BigInt(`0x${Buffer.from(factory).toString('hex')}`)));
    const salt = hexBytes('11'.repeat(32));
    const predicted = (await same({ from: alice.address, to: factory, data: calldata('predict(uint256,bytes32)', 8n, salt) })).output;
    expect((await same({ from: alice.address, to: factory, data: calldata('makeAt(uint256,bytes32)', 8n, salt) })).output).toBe(predicted);
    await same({ from: alice.address, to: factory, data: calldata('tryMake(uint256)', 13n) });
    await same({ from: alice.address, to: factory, data: calldata('makeTwiceAt(uint256,bytes32)', 9n, hexBytes('22'.repeat(32))) });
    await sameAccounts(factory, child, hexBytes(predicted.slice(24)));
  });

  it('code of other accounts: size, hash and bytes of a contract, an account without code, an empty account', async () => {
    const callee = await deploy('Callee');
    const caller = await deploy('Caller');
    await same({ from: alice.address, to: caller, data: calldata('codeFacts(address)', callee) });
    await same({ from: alice.address, to: caller, data: calldata('codeFacts(address)', alice.address) });
    await same({ from: alice.address, to: caller, data: calldata('codeFacts(address)', hexBytes('00000000000000000000000000000000000f00d0')) });
  });

  it('selfdestruct (EIP-6780): an older contract only gives its balance away; one created in the same transaction is gone', async () => {
    const caller = await deploy('Caller');
    const heir = hexBytes('00000000000000000000000000000000000be1e5');
    const doomed = hexBytes((await same({ from: alice.address, data: contract('Nested.sol', 'Doomed').initCode, value: 100n })).created!);
    expect((await same({ from: alice.address, to: doomed, data: calldata('destroy(address)', heir) })).status).toBe('success');
    expect((await same({ from: alice.address, to: doomed, data: calldata('alive()') })).output).toBe(word(1n));
    const reaper = await deploy('Reaper');
    const made = await same({ from: alice.address, to: reaper, data: calldata('createAndDestroy(address)', heir), value: 50n });
    const gone = hexBytes(made.output.slice(24));
    await same({ from: alice.address, to: caller, data: calldata('codeFacts(address)', gone) });
    await sameAccounts(doomed, heir, gone, reaper);
  });
});

