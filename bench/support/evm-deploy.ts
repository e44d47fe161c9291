/**
 * A minimal EVM host for the Fluent EVM runtime fixture (genesis `evm-runtime_9cc633bd….rwasm`),
 * enough to run real contract work on rwasm-ts for bench/sequences.bench.ts: it deploys
 * HelloWorld and calls `sayHelloWorld()` (scenario `hello`), or deploys Storage and calls
 * `getValue()`, `setValue(42)`, `getValue()` (scenario `storage`). Layouts are the ones in ../shared/reference/runtime.md:
 *
 * - ctx.input is a `RuntimeNewFrameInputV1` (§6.3): metadata, input (init code or calldata) and
 *   the 1024-byte `SharedContextInputV1` (§6.4), each as u64 LE length + bytes, then a u32
 *   count of preloaded storage slots (always 0 here, as revm does for the EVM runtime).
 * - deploy runs with `state = 1`, calls with `state = 0`; call depth 1 (a system runtime frame).
 * - when the EVM needs the host (SLOAD, SSTORE, LOG, ...) the entry returns InterruptionCalled
 *   with a 64-byte `SyscallInvocationParams` (§4.1) as output; the host answers with a
 *   `RuntimeInterruptionOutcomeV1` (§4.3) through `resume` (§4.2). Storage reads and writes
 *   and logs are answered from a JS map with rough gas (not revm-exact); anything else is
 *   answered with `halted_frame = 1`. HelloWorld needs no interruptions at all (§6.7).
 * - the final output is a `RuntimeExecutionOutcomeV1` (§4.4), decoded here and checked.
 *
 * The HelloWorld deploy is checked against the on-chain result (testnet tx 0x13fd273f…, fixture
 * testnet_22882338_hello_world.json): exactly 285,898 gas (5,717,960 fuel) and account code
 * `EF 44 00 ‖ 0x…520001 ‖ metadata` equal to the fixture's post-state code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ModuleCache,
  RuntimeContext,
  STATE_DEPLOY,
  STATE_MAIN,
  SystemRuntime,
  decodeExecutionOutcome,
  decodeInvocationParams,
  encodeInterruptionOutcome,
  encodeNewFrameInput,
  encodeSharedContext,
  fuelForGas,
  u256Bytes,
  systemRuntimeSession,
  type ExecutionOutcome,
  type FrameSession,
  type FrameStart,
  type SegmentResult,
  type InvocationParams,
  type Program,
  type Tier,
  type TraceHook,
} from '../../src/index.js';
import { v8FrameEngine } from './evm-v8-engine.js';
import { genesisFixture, sharedDir } from './shared.js';

// ------------------------------------------------------------------ byte helpers

const hex = (text: string): Uint8Array => {
  const clean = text.trim().replace(/^0x/, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
};
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** The fixed block and transaction fields of testnet tx 0x13fd273f… (fixture env / transaction). */
const SENDER = hex('390a4cedbb65be7511d9e1a35b115376f39dbdf3');
const HELLO_ADDRESS = hex('044f962515c0968de3779973a0e47d060b3b839f');
/** Any address for Storage (it keys its mappings by caller and address(this)). */
const STORAGE_ADDRESS = hex('5701ac0000000000000000000000000000005701');
const EVM_RUNTIME_ADDRESS = hex('0000000000000000000000000000000000520001');

interface FrameContext {
  /** contract.address (also bytecode_address). */
  address: Uint8Array;
  caller: Uint8Array;
  /** contract.gas_limit: the EVM interpreter's gas limit. */
  gasLimit: bigint;
}

/** `SharedContextInputV1` of the frame, with testnet tx 0x13fd273f…'s block and transaction fields. */
function sharedContext(frame: FrameContext): Uint8Array {
  return encodeSharedContext({
    block: {
      chainId: 0x5202n,
      coinbase: hex('0000000000000000000000000000000000520fee'),
      timestamp: 0x69ca63cen,
      number: 0x15d2822n,
      difficulty: 0n,
      prevRandao: hex('1d4654490799b6027e85d3b635dcdbd1e0dbc023e623938d7c11186402585a67'),
      gasLimit: 0x2faf080n,
      baseFee: 7n,
    },
    tx: { gasLimit: 0x58dban, nonce: 0x4an, gasPrice: 0x3b9aca07n, priorityFee: 0x3b9aca00n, origin: SENDER, value: 0n },
    contract: { address: frame.address, bytecodeAddress: frame.address, caller: frame.caller, isStatic: false, value: 0n, gasLimit: frame.gasLimit },
  });
}

/** `RuntimeNewFrameInputV1`, no preloaded storage (as revm does for the EVM runtime). */
function newFrameInput(metadata: Uint8Array, input: Uint8Array, frame: FrameContext): Uint8Array {
  return encodeNewFrameInput({ metadata, input, context: sharedContext(frame) });
}

/** `RuntimeInterruptionOutcomeV1` charging `gas`. */
function interruptionOutcome(halted: boolean, output: Uint8Array, gas: number, exitCode: number): Uint8Array {
  return encodeInterruptionOutcome({ haltedFrame: halted, output, fuelConsumed: fuelForGas(BigInt(gas)), fuelRefunded: 0n, exitCode });
}

// ------------------------------------------------------------------ the host

/** Contract storage and logs of the little world (slot keys as hex of the 32 LE bytes). */
class World {
  readonly storage = new Map<string, Uint8Array>();
  logs = 0;
  interruptions = 0;

  /** Answers one interruption request (syscall id = last byte of the code hash; runtime.md §6.6). */
  answer(id: number, input: Uint8Array): Uint8Array {
    this.interruptions++;
    switch (id) {
      case 0x01: {
        // STORAGE_READ: slot → value (32 bytes LE); cold SLOAD price.
        const value = this.storage.get(toHex(input.subarray(0, 32))) ?? new Uint8Array(32);
        return interruptionOutcome(false, value, 2100, 0);
      }
      case 0x02: {
        // STORAGE_WRITE: slot ‖ value; rough SSTORE price (new slot 22100, else 5000).
        const key = toHex(input.subarray(0, 32));
        const gas = this.storage.has(key) ? 5000 : 22100;
        this.storage.set(key, input.slice(32, 64));
        return interruptionOutcome(false, new Uint8Array(0), gas, 0);
      }
      case 0x09: {
        // EMIT_LOG: n topics ‖ topics ‖ data.
        this.logs++;
        const topics = input[0]!;
        return interruptionOutcome(false, new Uint8Array(0), 375 + 375 * topics + 8 * (input.length - 1 - 32 * topics), 0);
      }
      default:
        // Not needed by these contracts: the host stops the frame (exit -1003, MalformedBuiltinParams).
        return interruptionOutcome(true, new Uint8Array(0), 0, -1003);
    }
  }
}

/** A frame's end: the runtime's exit code, its output (a RuntimeExecutionOutcomeV1 when 0), the fuel it charged, its interruptions. */
export interface FrameRun {
  exitCode: number;
  output: Uint8Array;
  fuel: bigint;
  interruptions: number;
}

/** Runs one frame of the EVM runtime (state 1: deploy, 0: main) on `input`, answering each interruption with `answer(request, its input bytes)`. */
export type FrameRunner = (state: number, input: Uint8Array, fuelLimit: bigint, answer: (request: InvocationParams, input: Uint8Array) => Uint8Array) => FrameRun;

/**
 * Runs frames on an engine's sessions (rwasm-ts's SystemRuntime, or V8 under the same host),
 * answering each interruption with `answer(request, its input bytes)`; `segment` wraps every
 * execute/resume.
 */
function sessionFrameRunner(start: (frame: FrameStart) => FrameSession, segment: <T>(run: () => T) => T, countSegment: () => void): FrameRunner {
  return (state, input, fuelLimit, answer) => {
    const session = start({ state, input, fuelLimit });
    let result: SegmentResult = segment(() => session.execute());
    countSegment();
    let fuel = result.fuelConsumed;
    let interruptions = 0;
    while (result.interrupted) {
      const request = decodeInvocationParams(result.output);
      const bytes = session.readMemory(Number(request.inputStart), Number(request.inputEnd - request.inputStart));
      if (bytes === undefined) throw new Error('interruption input out of the runtime memory');
      const returnData = answer(request, bytes);
      interruptions++;
      result = segment(() => session.resume(returnData));
      countSegment();
      fuel += result.fuelConsumed;
    }
    return { exitCode: result.exitCode, output: result.output, fuel, interruptions };
  };
}

export interface EvmWorkloadOptions {
  /** Which engine runs the runtime: rwasm-ts (the rWasm binary, default) or V8 (its hint section's Wasm, under the same host). */
  engine?: 'rwasm' | 'v8';
  /** Trace hook for every frame (the frames run on a traced preparation of the module). */
  trace?: TraceHook;
  /** Wraps every execute/resume segment (the sequence recorder turns counting on around it). */
  segment?: <T>(run: () => T) => T;
  /** `hello`: HelloWorld deploy + sayHelloWorld(); `storage`: Storage deploy + three calls. */
  scenario: 'hello' | 'storage';
  /** How many times to repeat the scenario (each time with fresh storage). */
  rounds: number;
  /** The engine tier (default: the library's default). */
  tier?: Tier;
  /** The module cache to run in (default: a new one, so the instance is this workload's own). */
  cache?: ModuleCache;
  /** Keep every frame's end in the summary. */
  record?: boolean;
}

export interface EvmWorkloadSummary {
  readonly file: string;
  readonly frames: number;
  readonly segments: number;
  readonly interruptions: number;
  /** What one round does, for the report. */
  readonly scenario: string;
  /** The compiled tier's work on the module so far (rwasm-ts only). */
  readonly translation: Program['translationStats'] | undefined;
  /** Every frame's end, in order (with `record`). */
  readonly record: readonly FrameRun[];
}

const SCENARIOS = {
  hello: 'HelloWorld: deploy (init code 1445 B, no interruptions) + sayHelloWorld()',
  storage: 'Storage: deploy (3 SSTOREs) + getValue() + setValue(42) + getValue()',
};

/**
 * Runs the scenario `rounds` times on one cached instance of the EVM runtime (as Fluent keeps
 * it), checking every result; throws on anything unexpected.
 */
export function runEvmWorkload(options: EvmWorkloadOptions): EvmWorkloadSummary {
  const fixture = genesisFixture('evm-runtime');
  const codeHash = fixture.file.slice('evm-runtime_'.length, 'evm-runtime_'.length + 64);
  const contracts = join(sharedDir(), 'fixtures', 'evm', 'contracts');
  const helloInit = hex(readFileSync(join(contracts, 'HelloWorld.bin'), 'utf8'));
  const storageInit = hex(readFileSync(join(contracts, 'Storage.bin'), 'utf8'));
  // A private cache, so the traced instance is this workload's own.
  const cache = options.cache ?? new ModuleCache();
  let frames = 0;
  let segments = 0;
  let interruptions = 0;

  const record: FrameRun[] = [];
  // Frames as Fluent runs them: a SystemRuntime per frame over the cached instance of the module.
  const runtimeOptions = { module: fixture.bytes, codeHash, cache, trace: options.trace, tier: options.tier };
  const v8 = options.engine === 'v8' ? v8FrameEngine(fixture.bytes) : undefined;
  const runFrame = sessionFrameRunner(
    (frame) => (v8 ? v8.start(frame) : systemRuntimeSession(runtimeOptions, frame)),
    options.segment ?? ((run) => run()),
    () => segments++,
  );

  /** One frame: run it (answering interruptions from the world), decode its outcome. */
  const frame = (world: World, state: number, metadata: Uint8Array, input: Uint8Array, ctx: FrameContext): ExecutionOutcome & { fuel: bigint } => {
    frames++;
    const run = runFrame(state, newFrameInput(metadata, input, ctx), ctx.gasLimit * 20n, (request, bytes) => {
      if (request.codeHash.subarray(0, 31).some((b) => b !== 0)) throw new Error('EVM runtime asked for a nested call; this host answers syscalls only');
      return world.answer(request.codeHash[31]!, bytes);
    });
    interruptions += run.interruptions;
    if (options.record) record.push(run);
    if (run.exitCode !== 0) throw new Error(`EVM runtime frame ended with exit code ${run.exitCode}`);
    return { ...decodeExecutionOutcome(run.output), fuel: run.fuel };
  };

  const helloCtx: FrameContext = { address: HELLO_ADDRESS, caller: SENDER, gasLimit: 289_922n };
  const storageCtx: FrameContext = { address: STORAGE_ADDRESS, caller: SENDER, gasLimit: 1_000_000n };
  const NONE = new Uint8Array(0);
  const expectedHelloCode = helloWorldPostStateCode();

  for (let round = 0; round < options.rounds; round++) {
    const world = new World();
    if (options.scenario === 'hello') hello(world);
    else storage(world);
  }
  return { file: fixture.file, frames, segments, interruptions, scenario: SCENARIOS[options.scenario], translation: v8 ? undefined : translationStats(), record };

  /** What the compiled tier has done for the frames' preparation of the module (a runtime over the cached entry shares it). */
  function translationStats(): Program['translationStats'] {
    return SystemRuntime.create({ ...runtimeOptions, context: new RuntimeContext({ fuelLimit: 0n, state: STATE_MAIN }) }).program.translationStats;
  }

  function hello(world: World): void {
    // HelloWorld deploy: must reproduce the on-chain result.
    const deployed = frame(world, STATE_DEPLOY, NONE, helloInit, helloCtx);
    const code = new Uint8Array([0xef, 0x44, 0x00, ...EVM_RUNTIME_ADDRESS, ...(deployed.newMetadata ?? [])]);
    if (deployed.exitCode !== 0 || deployed.fuel !== 5_717_960n || (expectedHelloCode && toHex(code) !== expectedHelloCode)) {
      throw new Error(`HelloWorld deploy: exit ${deployed.exitCode}, fuel ${deployed.fuel}, metadata ${deployed.newMetadata?.length} bytes (expected 0, 5717960, the on-chain code)`);
    }
    const call = frame(world, STATE_MAIN, deployed.newMetadata!, hex('45773e4e'), helloCtx);
    if (call.exitCode !== 0 || !ascii(call.output).includes('Hello, World')) throw new Error(`sayHelloWorld(): exit ${call.exitCode}, output ${toHex(call.output)}`);
  }

  function storage(world: World): void {
    // Storage: its constructor stores 100 in three places; getValue() checks they agree.
    const deployed = frame(world, STATE_DEPLOY, NONE, storageInit, storageCtx);
    if (deployed.exitCode !== 0 || !deployed.newMetadata) throw new Error(`Storage deploy: exit ${deployed.exitCode}`);
    const word = (out: Uint8Array) => BigInt(`0x${toHex(out) || '0'}`);
    const get1 = frame(world, STATE_MAIN, deployed.newMetadata, hex('20965255'), storageCtx);
    const set = frame(world, STATE_MAIN, deployed.newMetadata, new Uint8Array([...hex('55241077'), ...u256Bytes(42n, false)]), storageCtx);
    const get2 = frame(world, STATE_MAIN, deployed.newMetadata, hex('20965255'), storageCtx);
    if (get1.exitCode !== 0 || word(get1.output) !== 100n || set.exitCode !== 0 || get2.exitCode !== 0 || word(get2.output) !== 42n) {
      throw new Error(`Storage calls: getValue ${toHex(get1.output)} (exit ${get1.exitCode}), setValue exit ${set.exitCode}, getValue ${toHex(get2.output)} (exit ${get2.exitCode})`);
    }
  }
}

/** The HelloWorld account's code after the testnet deploy, from the fixture's post state (hex, no 0x). */
function helloWorldPostStateCode(): string | undefined {
  try {
    const file = join(sharedDir(), 'fixtures', 'evm', 'testnet_22882338_hello_world.json');
    const fixture = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { post: Record<string, Array<{ state: Record<string, { code: string }> }>> }>;
    const tx = Object.values(fixture)[0]!;
    const post = Object.values(tx.post)[0]![0]!.state;
    return post[`0x${toHex(HELLO_ADDRESS)}`]?.code.replace(/^0x/, '').toLowerCase();
  } catch {
    return undefined;
  }
}
