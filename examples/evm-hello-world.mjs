// Deploys Solidity's HelloWorld on Fluent's EVM runtime (the genesis binary, handed in) and
// calls sayHelloWorld(), as transactions: 359,938 gas for the deployment, as on Fluent's testnet.
//
//   node examples/evm-hello-world.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvmTestHost } from 'rwasm-ts';
import { sharedDir } from './shared-dir.mjs';

const shared = sharedDir();
const runtimeFile = readdirSync(join(shared, 'fixtures', 'genesis')).find((name) => /^evm-runtime_[0-9a-f]{64}\.rwasm$/.test(name));
const evmRuntime = new Uint8Array(readFileSync(join(shared, 'fixtures', 'genesis', runtimeFile)));
const codeHash = /_([0-9a-f]{64})\./.exec(runtimeFile)[1]; // trusted, as Fluent trusts the hash beside the code

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const initCode = Uint8Array.from(Buffer.from(readFileSync(join(shared, 'fixtures', 'evm', 'contracts', 'HelloWorld.bin'), 'utf8').trim(), 'hex'));
const alice = Uint8Array.from(Buffer.from('f39fd6e51aad88f6f4ce6ab8827279cfffb92266', 'hex'));

const host = new EvmTestHost({ evmRuntime, codeHash });
const deployed = host.deploy(initCode, { from: alice });
console.log(`deploy: ${deployed.status}, gas used ${deployed.gasUsed}, address 0x${hex(deployed.address)}`);

const said = host.call({ from: alice, to: deployed.address, data: Uint8Array.of(0x45, 0x77, 0x3e, 0x4e) }); // sayHelloWorld()
// The output is an ABI-encoded string: offset, length, bytes.
const view = new DataView(said.output.buffer, said.output.byteOffset, said.output.byteLength);
const length = view.getUint32(32 + 28);
console.log(`sayHelloWorld(): ${said.status}, gas used ${said.gasUsed}, "${new TextDecoder().decode(said.output.subarray(64, 64 + length))}"`);
