/**
 * Solidity compiled in the tests with the `solc` npm package (soljson 0.8.37, optimizer on,
 * 200 runs, EVM version cancun: the opcodes Fluent's EVM runtime builds know), so the bytecode
 * the oracle comparisons run is reproducible from the source beside them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { repositoryRoot } from './shared.js';

export interface CompiledContract {
  /** Creation (init) code. */
  readonly initCode: Uint8Array;
  /** The ABI, as solc gives it. */
  readonly abi: readonly unknown[];
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

const compiled = new Map<string, Map<string, CompiledContract>>();
/** Loaded on first use: soljson is Emscripten Wasm, which `node --jitless` cannot even load. */
let solc: { compile(input: string): string } | undefined;

/** Every contract of `test/fluent/contracts/<file>`, compiled once per process. */
export function solidityContracts(file: string): ReadonlyMap<string, CompiledContract> {
  const cached = compiled.get(file);
  if (cached) return cached;
  const content = readFileSync(join(repositoryRoot(), 'test', 'fluent', 'contracts', file), 'utf8');
  const input = {
    language: 'Solidity',
    sources: { [file]: { content } },
    settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  solc ??= createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contracts = new Map<string, CompiledContract>();
  for (const [name, contract] of Object.entries(output.contracts[file] ?? {})) {
    contracts.set(name, { initCode: Uint8Array.from(Buffer.from(contract.evm.bytecode.object, 'hex')), abi: contract.abi });
  }
  compiled.set(file, contracts);
  return contracts;
}

export function contract(file: string, name: string): CompiledContract {
  const found = solidityContracts(file).get(name);
  if (!found) throw new Error(`no contract ${name} in ${file}`);
  return found;
}

export type AbiValue = bigint | Uint8Array | boolean;

/** One 32-byte ABI word: integers (two's complement for negatives), addresses, booleans. */
export function abiWord(value: AbiValue): Uint8Array {
  const word = new Uint8Array(32);
  if (value instanceof Uint8Array) {
    if (value.length > 32) throw new Error('an ABI word holds at most 32 bytes');
    word.set(value, 32 - value.length);
    return word;
  }
  let n = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt.asUintN(256, value);
  for (let i = 31; i >= 0; i--, n >>= 8n) word[i] = Number(n & 0xffn);
  return word;
}

/** Calldata of a function whose arguments are all static words. */
export function calldata(signature: string, ...args: AbiValue[]): Uint8Array {
  const selector = keccak_256(new TextEncoder().encode(signature)).subarray(0, 4);
  const out = new Uint8Array(4 + 32 * args.length);
  out.set(selector);
  args.forEach((a, i) => out.set(abiWord(a), 4 + 32 * i));
  return out;
}

/** Init code followed by its constructor's static arguments. */
export function withConstructorArgs(initCode: Uint8Array, ...args: AbiValue[]): Uint8Array {
  const out = new Uint8Array(initCode.length + 32 * args.length);
  out.set(initCode);
  args.forEach((a, i) => out.set(abiWord(a), initCode.length + 32 * i));
  return out;
}
