/**
 * One frame of a Fluent EVM runtime over a `World`: the frame's envelope in, its interruptions
 * answered from the world with revm's gas, its final outcome applied (storage, logs, the new
 * account code) when it succeeds, and its gas settled as revm settles it (runtime.md §4.2, §4.7).
 * Host syscalls answered: storage and transient storage, logs, balances. Anything else (nested
 * calls and creates among them) halts the frame with MalformedBuiltinParams, as a host that
 * does not know the request does; those are not built yet.
 */
import type { RwasmModule } from '../format/module.js';
import type { ModuleCache } from '../runtime/module-cache.js';
import { RuntimeContext, STATE_DEPLOY, STATE_MAIN } from '../runtime/context.js';
import { ExitCode } from '../runtime/exit-code.js';
import { decodeInvocationParams } from '../runtime/invocation.js';
import { SystemRuntime } from '../runtime/system-runtime.js';
import type { Tier } from '../compiled/index.js';
import { u256Bytes, u256Of } from './bytes.js';
import { decodeExecutionOutcome, encodeInterruptionOutcome, encodeNewFrameInput, type ExecutionOutcome, type LogRecord } from './envelopes.js';
import { RwasmError } from '../errors.js';
import { FUEL_PER_GAS, INTERRUPTION_IDS, gasForFuel, gasRefundForFuel, interruptionRequest } from './interruptions.js';
import { encodeSharedContext, type SharedContext } from './shared-context.js';
import { COLD_ACCOUNT_ACCESS_COST, SSTORE_STIPEND, WARM_STORAGE_READ_COST, sloadGas, sstoreGas } from './storage-gas.js';
import { encodeOwnableAccount } from './account-code.js';
import type { World } from './world.js';

/** The EVM runtime a frame runs on: its module and where it lives (the owner of the accounts it deploys). */
export interface EvmRuntimeBinding {
  readonly module: RwasmModule | Uint8Array;
  readonly codeHash?: string;
  readonly address: Uint8Array;
  readonly cache?: ModuleCache;
  readonly tier?: Tier;
}

export interface EvmFrameRequest {
  readonly runtime: EvmRuntimeBinding;
  readonly kind: 'deploy' | 'call';
  /** The account's EVM metadata (empty for a deploy). */
  readonly metadata: Uint8Array;
  /** Init code or calldata. */
  readonly input: Uint8Array;
  /** The frame's context; `contract.gasLimit` is its gas. */
  readonly context: SharedContext;
}

export interface EvmFrameResult {
  readonly exitCode: number;
  readonly output: Uint8Array;
  readonly gasUsed: bigint;
  /** Refunds earned (EIP-3529), before the transaction's cap. */
  readonly refund: bigint;
  /** The logs of the frame's outcome (those it asked the host to emit are in the world). */
  readonly logs: readonly LogRecord[];
  readonly interruptions: number;
}

const EMPTY = new Uint8Array(0);
const LOG_GAS = 375n;
const LOG_TOPIC_GAS = 375n;
const LOG_DATA_GAS = 8n;
const SELF_BALANCE_GAS = 5n;

/** Runs the frame; on success its effects are in `world` (the caller checkpoints around it). */
export function runEvmFrame(world: World, request: EvmFrameRequest): EvmFrameResult {
  const { context } = request;
  const address = context.contract.address;
  const gasLimit = context.contract.gasLimit;
  const runtime = SystemRuntime.create({
    module: request.runtime.module,
    codeHash: request.runtime.codeHash,
    cache: request.runtime.cache,
    tier: request.runtime.tier,
    context: new RuntimeContext({
      fuelLimit: gasLimit * FUEL_PER_GAS,
      state: request.kind === 'deploy' ? STATE_DEPLOY : STATE_MAIN,
      callDepth: 1,
      input: encodeNewFrameInput({ metadata: request.metadata, input: request.input, context: encodeSharedContext(context) }),
    }),
  });
  let gasUsed = 0n;
  let refund = 0n;
  let interruptions = 0;
  let result = runtime.execute();
  for (;;) {
    gasUsed += gasForFuel(result.fuelConsumed);
    refund += gasRefundForFuel(result.fuelRefunded);
    if (runtime.suspended !== 'interrupted') break;
    interruptions++;
    const params = decodeInvocationParams(result.output);
    const input = runtime.memoryRead(Number(params.inputStart), Number(params.inputEnd - params.inputStart));
    const answer = answerSyscall(world, address, context.contract.isStatic, gasLimit - gasUsed, interruptionRequest(params), input);
    // Charged on the host's meter; the guest counts it as paid, so no segment charges it again (runtime.md §4.2, 7).
    gasUsed += answer.gas;
    refund += answer.refund;
    result = runtime.resume(0, 0n, {
      returnData: encodeInterruptionOutcome({ haltedFrame: answer.halt !== undefined, output: answer.output, fuelConsumed: answer.gas * FUEL_PER_GAS, fuelRefunded: answer.refund * FUEL_PER_GAS, exitCode: answer.halt ?? 0 }),
    });
  }
  // revm decodes the outcome envelope after any final exit but a fatal one, keeps the raw output
  // when it does not decode, and applies state only when the outcome's own exit code is Ok; the
  // frame's exit code stays the runtime's (crates/revm/src/executor.rs process_runtime_execution_outcome).
  const outcome = result.exitCode === ExitCode.UnexpectedFatalExecutionFailure ? undefined : decodedOutcome(result.output);
  if (outcome === undefined) return { exitCode: result.exitCode, output: result.output, gasUsed, refund, logs: [], interruptions };
  if (outcome.exitCode === ExitCode.Ok) {
    for (const { key, value } of outcome.storage) world.setStorage(address, u256Of(key, true), u256Of(value, true));
    for (const log of outcome.logs) world.log({ address, topics: log.topics, data: log.data });
    if (outcome.newMetadata !== undefined) world.setCode(address, encodeOwnableAccount({ owner: request.runtime.address, metadata: outcome.newMetadata }));
  }
  return { exitCode: result.exitCode, output: outcome.output, gasUsed, refund, logs: outcome.exitCode === ExitCode.Ok ? outcome.logs : [], interruptions };
}

function decodedOutcome(output: Uint8Array): ExecutionOutcome | undefined {
  try {
    return decodeExecutionOutcome(output);
  } catch (error) {
    if (error instanceof RwasmError) return undefined;
    throw error;
  }
}

interface SyscallAnswer {
  readonly output: Uint8Array;
  readonly gas: bigint;
  readonly refund: bigint;
  /** The exit code the frame halts with, or undefined when it goes on. */
  readonly halt?: number;
}

function answerSyscall(world: World, address: Uint8Array, isStatic: boolean, gasLeft: bigint, request: ReturnType<typeof interruptionRequest>, input: Uint8Array): SyscallAnswer {
  const halt = (code: number): SyscallAnswer => ({ output: EMPTY, gas: 0n, refund: 0n, halt: code });
  const charge = (gas: bigint, output: Uint8Array = EMPTY, refund = 0n): SyscallAnswer => (gas > gasLeft ? halt(ExitCode.OutOfFuel) : { output, gas, refund });
  if (request.kind !== 'syscall') return halt(ExitCode.MalformedBuiltinParams);
  const slot = () => u256Of(input.subarray(0, 32), true);
  switch (request.id) {
    case INTERRUPTION_IDS.STORAGE_READ: {
      if (input.length !== 32) return halt(ExitCode.MalformedBuiltinParams);
      const warm = world.warmSlot(address, slot());
      return charge(sloadGas(warm), u256Bytes(world.storage(address, slot()), true));
    }
    case INTERRUPTION_IDS.STORAGE_WRITE: {
      if (input.length !== 64) return halt(ExitCode.MalformedBuiltinParams);
      if (isStatic) return halt(ExitCode.StateChangeDuringStaticCall);
      if (gasLeft <= SSTORE_STIPEND) return halt(ExitCode.OutOfFuel);
      const key = slot();
      const value = u256Of(input.subarray(32, 64), true);
      const warm = world.warmSlot(address, key);
      const cost = sstoreGas({ original: world.originalStorage(address, key), current: world.storage(address, key), value, warm });
      const answer = charge(cost.gas, EMPTY, cost.refund);
      if (answer.halt === undefined) world.setStorage(address, key, value);
      return answer;
    }
    case INTERRUPTION_IDS.TRANSIENT_READ:
      if (input.length !== 32) return halt(ExitCode.MalformedBuiltinParams);
      return charge(WARM_STORAGE_READ_COST, u256Bytes(world.transientStorage(address, slot()), true));
    case INTERRUPTION_IDS.TRANSIENT_WRITE: {
      if (input.length !== 64) return halt(ExitCode.MalformedBuiltinParams);
      if (isStatic) return halt(ExitCode.StateChangeDuringStaticCall);
      const answer = charge(WARM_STORAGE_READ_COST);
      if (answer.halt === undefined) world.setTransientStorage(address, slot(), u256Of(input.subarray(32, 64), true));
      return answer;
    }
    case INTERRUPTION_IDS.EMIT_LOG: {
      const topics = input[0];
      if (topics === undefined || topics > 4 || input.length < 1 + 32 * topics) return halt(ExitCode.MalformedBuiltinParams);
      if (isStatic) return halt(ExitCode.StateChangeDuringStaticCall);
      const data = input.subarray(1 + 32 * topics);
      const answer = charge(LOG_GAS + LOG_TOPIC_GAS * BigInt(topics) + LOG_DATA_GAS * BigInt(data.length));
      if (answer.halt === undefined) {
        const list = Array.from({ length: topics }, (_, i) => input.slice(1 + 32 * i, 33 + 32 * i));
        world.log({ address, topics: list, data });
      }
      return answer;
    }
    case INTERRUPTION_IDS.SELF_BALANCE:
      return charge(SELF_BALANCE_GAS, u256Bytes(world.account(address)?.balance ?? 0n, true));
    case INTERRUPTION_IDS.BALANCE: {
      if (input.length !== 20) return halt(ExitCode.MalformedBuiltinParams);
      const warm = world.warmAccount(input);
      return charge(warm ? WARM_STORAGE_READ_COST : COLD_ACCOUNT_ACCESS_COST, u256Bytes(world.account(input)?.balance ?? 0n, true));
    }
    default:
      return halt(ExitCode.MalformedBuiltinParams);
  }
}
