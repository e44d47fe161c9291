/**
 * Fluent's envelopes: byte layouts checked against the offsets of the reference's structs
 * (written out here from runtime.md §4 and §6), round trips, hostile bytes (only
 * MalformedEnvelope), and the real EVM runtime as the oracle: it accepts what we encode, and what
 * it answers decodes exactly (HelloWorld's deploy costs the chain's 285,898 gas).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INTERRUPTION_IDS,
  decodeExecutionOutcome,
  decodeInterruptionOutcome,
  decodeNewFrameInput,
  decodeSharedContext,
  encodeExecutionOutcome,
  encodeInterruptionOutcome,
  encodeInvocationParams,
  encodeNewFrameInput,
  encodeSharedContext,
  fuelForGas,
  gasForFuel,
  gasRefundForFuel,
  interruptionRequest,
  keccak256,
  syscallCodeHash,
  type ExecutionOutcome,
  type SharedContext,
} from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeContext, STATE_DEPLOY, SystemRuntime } from '../../src/index.js';
import { runEvmWorkload } from '../../bench/support/evm-deploy.js';
import { rwasmErrorOf } from '../support/errors.js';
import { genesisFixtures, sharedDir } from '../support/shared.js';

const bytes = (maxLength = 600) => fc.uint8Array({ maxLength });
const fixed = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const le = (b: Uint8Array, at: number, n: number) => Array.from(b.subarray(at, at + n)).reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
const be = (b: Uint8Array, at: number, n: number) => Array.from(b.subarray(at, at + n)).reduce((v, x) => (v << 8n) | BigInt(x), 0n);

const sharedContext: fc.Arbitrary<SharedContext> = fc.record({
  block: fc.record({ chainId: u64, coinbase: fixed(20), timestamp: u64, number: u64, difficulty: u256, prevRandao: fixed(32), gasLimit: u64, baseFee: u256 }),
  tx: fc.record({ gasLimit: u64, nonce: u64, gasPrice: u256, priorityFee: fc.option(u256, { nil: undefined }), origin: fixed(20), value: u256 }),
  contract: fc.record({ address: fixed(20), bytecodeAddress: fixed(20), caller: fixed(20), isStatic: fc.boolean(), value: u256, gasLimit: u64 }),
});
const executionOutcome: fc.Arbitrary<ExecutionOutcome> = fc.record({
  exitCode: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  output: bytes(),
  storage: fc.array(fc.record({ key: fixed(32), value: fixed(32) }), { maxLength: 5 }),
  logs: fc.array(fc.record({ topics: fc.array(fixed(32), { maxLength: 4 }), data: bytes(100) }), { maxLength: 4 }),
  newMetadata: fc.option(bytes(), { nil: undefined }),
  touchedStorageSlots: fc.option(fc.array(fixed(32), { maxLength: 3 }), { nil: undefined }),
  transfers: fc.option(fc.array(fc.record({ address: fixed(20), amount: fixed(32) }), { maxLength: 3 }), { nil: undefined }),
});

/** Every prefix of `valid` (and the bytes with one more) fails as MalformedEnvelope; random bytes fail as nothing else. */
function hostile(valid: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  for (let k = 0; k < valid.length; k++) expect(rwasmErrorOf(() => decode(valid.subarray(0, k)))?.code, `cut at ${k}`).toBe('MalformedEnvelope');
  expect(rwasmErrorOf(() => decode(Uint8Array.of(...valid, 0)))?.code).toBe('MalformedEnvelope');
}

describe('SharedContextInputV1', () => {
  it('puts every field at the reference\'s offset (u64 little-endian, U256 big-endian) and reads it back', () => {
    fc.assert(
      fc.property(sharedContext, (ctx) => {
        const b = encodeSharedContext(ctx);
        expect(b.length).toBe(1024);
        expect(le(b, 0, 8)).toBe(ctx.block.chainId);
        expect(b.subarray(8, 28)).toEqual(ctx.block.coinbase);
        expect(le(b, 28, 8)).toBe(ctx.block.timestamp);
        expect(le(b, 36, 8)).toBe(ctx.block.number);
        expect(be(b, 44, 32)).toBe(ctx.block.difficulty);
        expect(b.subarray(76, 108)).toEqual(ctx.block.prevRandao);
        expect(le(b, 108, 8)).toBe(ctx.block.gasLimit);
        expect(be(b, 116, 32)).toBe(ctx.block.baseFee);
        expect(le(b, 148, 8)).toBe(ctx.tx.gasLimit);
        expect(le(b, 156, 8)).toBe(ctx.tx.nonce);
        expect(be(b, 164, 32)).toBe(ctx.tx.gasPrice);
        expect(b[196]).toBe(ctx.tx.priorityFee === undefined ? 0 : 1);
        expect(be(b, 197, 32)).toBe(ctx.tx.priorityFee ?? 0n);
        expect(b.subarray(229, 249)).toEqual(ctx.tx.origin);
        expect(be(b, 249, 32)).toBe(ctx.tx.value);
        expect(b.subarray(281, 301)).toEqual(ctx.contract.address);
        expect(b.subarray(301, 321)).toEqual(ctx.contract.bytecodeAddress);
        expect(b.subarray(321, 341)).toEqual(ctx.contract.caller);
        expect(b[341]).toBe(ctx.contract.isStatic ? 1 : 0);
        expect(be(b, 342, 32)).toBe(ctx.contract.value);
        expect(le(b, 374, 8)).toBe(ctx.contract.gasLimit);
        expect(b.subarray(382).every((x) => x === 0)).toBe(true);
        expect(decodeSharedContext(b)).toEqual(ctx);
      }),
      { seed: 1, numRuns: 100 },
    );
  });

  it('refuses a wrong size, a flag that is not 0/1, and values out of range', () => {
    expect(rwasmErrorOf(() => decodeSharedContext(new Uint8Array(1023)))?.code).toBe('MalformedEnvelope');
    const b = new Uint8Array(1024);
    b[341] = 2;
    expect(rwasmErrorOf(() => decodeSharedContext(b))?.code).toBe('MalformedEnvelope');
    const ctx = fc.sample(sharedContext, { seed: 3, numRuns: 1 })[0]!;
    expect(rwasmErrorOf(() => encodeSharedContext({ ...ctx, block: { ...ctx.block, chainId: 1n << 64n } }))?.code).toBe('InvalidArgument');
    expect(rwasmErrorOf(() => encodeSharedContext({ ...ctx, tx: { ...ctx.tx, origin: new Uint8Array(19) } }))?.code).toBe('InvalidArgument');
  });
});

describe('RuntimeNewFrameInputV1, RuntimeInterruptionOutcomeV1, RuntimeExecutionOutcomeV1', () => {
  it('lay out as the reference does and round-trip', () => {
    fc.assert(
      fc.property(bytes(), bytes(), fixed(1024), fc.array(fc.record({ key: fixed(32), value: fixed(32) }), { maxLength: 3 }), (metadata, input, context, storage) => {
        const b = encodeNewFrameInput({ metadata, input, context, storage });
        expect(b.length).toBe(8 + metadata.length + 8 + input.length + 8 + 1024 + 4 + 64 * storage.length);
        expect(le(b, 0, 8)).toBe(BigInt(metadata.length));
        expect(le(b, 8 + metadata.length, 8)).toBe(BigInt(input.length));
        expect(decodeNewFrameInput(b)).toEqual({ metadata, input, context, storage });
      }),
      { seed: 2, numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.boolean(), bytes(), u64, fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), (haltedFrame, output, fuelConsumed, fuelRefunded, exitCode) => {
        const outcome = { haltedFrame, output, fuelConsumed, fuelRefunded, exitCode };
        const b = encodeInterruptionOutcome(outcome);
        expect(b.length).toBe(29 + output.length);
        expect(b[0]).toBe(haltedFrame ? 1 : 0);
        expect(le(b, 9 + output.length, 8)).toBe(fuelConsumed);
        expect(BigInt.asIntN(64, le(b, 17 + output.length, 8))).toBe(fuelRefunded);
        expect(Number(BigInt.asIntN(32, le(b, 25 + output.length, 4)))).toBe(exitCode);
        expect(decodeInterruptionOutcome(b)).toEqual(outcome);
      }),
      { seed: 3, numRuns: 100 },
    );
    fc.assert(
      fc.property(executionOutcome, (outcome) => {
        const decoded = decodeExecutionOutcome(encodeExecutionOutcome(outcome));
        // A transfers list written alone comes back with the empty touched list that must precede it.
        const touched = outcome.touchedStorageSlots ?? (outcome.transfers !== undefined ? [] : undefined);
        expect(decoded).toEqual({ ...outcome, touchedStorageSlots: touched });
      }),
      { seed: 4, numRuns: 100 },
    );
  });

  it('every cut, an extra byte, a huge length, more than four topics: MalformedEnvelope, and random bytes nothing else', () => {
    const [outcome] = fc.sample(executionOutcome, { seed: 5, numRuns: 1 });
    hostile(encodeExecutionOutcome({ ...outcome!, touchedStorageSlots: undefined, transfers: undefined }), decodeExecutionOutcome);
    hostile(encodeInterruptionOutcome({ haltedFrame: true, output: Uint8Array.of(1, 2, 3), fuelConsumed: 5n, fuelRefunded: -5n, exitCode: -1 }), decodeInterruptionOutcome);
    hostile(encodeNewFrameInput({ metadata: Uint8Array.of(9), input: Uint8Array.of(1, 2), context: new Uint8Array(1024), storage: [{ key: new Uint8Array(32), value: new Uint8Array(32) }] }), decodeNewFrameInput);
    const huge = new Uint8Array(20);
    huge.fill(0xff, 4, 12); // output length 2^64 - 1
    expect(rwasmErrorOf(() => decodeExecutionOutcome(huge))?.code).toBe('MalformedEnvelope');
    const fiveTopics = encodeExecutionOutcome({ exitCode: 0, output: new Uint8Array(0), storage: [], logs: [{ topics: [], data: new Uint8Array(0) }], newMetadata: undefined });
    fiveTopics[4 + 8 + 4 + 8] = 5;
    expect(rwasmErrorOf(() => decodeExecutionOutcome(Uint8Array.of(...fiveTopics, ...new Uint8Array(160))))?.message).toMatch(/more than 4/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (random) => {
        for (const decode of [decodeExecutionOutcome, decodeInterruptionOutcome, decodeNewFrameInput, decodeSharedContext]) {
          try {
            decode(random);
          } catch (error) {
            expect(rwasmErrorOf(() => { throw error; })?.code).toBe('MalformedEnvelope');
          }
        }
      }),
      { seed: 6, numRuns: 500 },
    );
  });
});

describe('interruptions, gas and keccak256', () => {
  it('name the syscall a request asks for, or see a nested frame', () => {
    const params = (codeHash: Uint8Array) => ({ codeHash, fuelLimit: 0n, state: 0, fuel16Ptr: 0, inputStart: 0n, inputEnd: 0n });
    expect(interruptionRequest(params(syscallCodeHash(INTERRUPTION_IDS.STORAGE_WRITE)))).toEqual({ kind: 'syscall', id: 2, name: 'STORAGE_WRITE' });
    expect(interruptionRequest(params(syscallCodeHash(0x10)))).toEqual({ kind: 'syscall', id: 0x10, name: undefined });
    const hash = keccak256(new Uint8Array(3));
    expect(interruptionRequest(params(hash))).toEqual({ kind: 'frame', codeHash: hash });
    expect(encodeInvocationParams(params(syscallCodeHash(0x13))).subarray(0, 32)).toEqual(Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 0x13 : 0)));
  });

  it('settle fuel as revm does (gas rounded up, refunds down) and hash as Ethereum does', () => {
    expect(gasForFuel(5_717_960n)).toBe(285_898n);
    expect(gasForFuel(21n)).toBe(2n);
    expect(gasForFuel(0n)).toBe(0n);
    expect(gasRefundForFuel(39n)).toBe(1n);
    expect(fuelForGas(637n)).toBe(12_740n);
    // keccak256 (not SHA3-256: Node's sha3-256 differs) of the empty string, as every Ethereum tool knows it.
    expect(Buffer.from(keccak256(new Uint8Array(0))).toString('hex')).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(Buffer.from(keccak256(new Uint8Array(0))).toString('hex')).not.toBe(createHash('sha3-256').update('').digest('hex'));
  });
});

describe('the EVM runtime as the oracle', () => {
  it('accepts the frames these codecs build and answers outcomes they decode to the end: HelloWorld deploys for the chain\'s 285,898 gas and says "Hello, World" for 637', () => {
    const frames = runEvmWorkload({ scenario: 'hello', rounds: 1, record: true, tier: 'interpreter' }).record;
    const [deploy, call] = frames.map((f) => ({ ...f, outcome: decodeExecutionOutcome(f.output) }));
    expect(gasForFuel(deploy!.fuel)).toBe(285_898n);
    expect(deploy!.outcome.exitCode).toBe(0);
    expect(deploy!.outcome.newMetadata?.length).toBe(1702);
    // sayHelloWorld(): an ABI string, the outcome exactly 4 + (8 + 96) + 4 + 8 + 1 bytes (runtime.md §4.4).
    expect(call!.output.length).toBe(121);
    expect(gasForFuel(call!.fuel)).toBe(637n);
    const text = call!.outcome.output;
    expect(new TextDecoder().decode(text.subarray(64, 64 + Number(be(text, 32, 32))))).toBe('Hello, World');
  });

  it('the README example: a deploy through the codecs, read back from the outcome', () => {
    const evmRuntime = genesisFixtures().find((f) => f.kind === 'evm-runtime' && f.file.endsWith('.rwasm'))!.bytes;
    const initCode = Uint8Array.from(Buffer.from(readFileSync(join(sharedDir(), 'fixtures', 'evm', 'contracts', 'HelloWorld.bin'), 'utf8').trim().replace(/^0x/, ''), 'hex'));
    const gasLimit = 289_922n;
    const address = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    const ctx: SharedContext = {
      block: { chainId: 0x5202n, coinbase: new Uint8Array(20), timestamp: 1n, number: 1n, difficulty: 0n, prevRandao: new Uint8Array(32), gasLimit: 30_000_000n, baseFee: 7n },
      tx: { gasLimit, nonce: 0n, gasPrice: 7n, priorityFee: undefined, origin: address, value: 0n },
      contract: { address, bytecodeAddress: address, caller: address, isStatic: false, value: 0n, gasLimit },
    };
    // --- README example ---
    const input = encodeNewFrameInput({ metadata: new Uint8Array(0), input: initCode, context: encodeSharedContext(ctx) });
    const runtime = SystemRuntime.create({ module: evmRuntime, context: new RuntimeContext({ input, state: STATE_DEPLOY, callDepth: 1, fuelLimit: fuelForGas(gasLimit) }) });
    const { output, fuelConsumed } = runtime.execute(); // a frame without interruptions
    const outcome = decodeExecutionOutcome(output); // exitCode, output, storage, logs, newMetadata
    // --- end of example ---
    expect(outcome.exitCode).toBe(0);
    expect(gasForFuel(fuelConsumed)).toBe(285_898n); // the deploy frame's gas does not depend on the addresses
    expect(outcome.newMetadata?.length).toBe(1702);
  });
});
