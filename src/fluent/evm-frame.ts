/**
 * One frame of a Fluent EVM runtime over a `World`: the frame's envelope in, its interruptions
 * answered by the host (syscalls.ts; nested calls and creates run as frames of their own, on
 * the same cached runtime instance, before the frame resumes), its final outcome applied
 * (storage, logs, the new account code) when it succeeds, and its gas settled as revm settles it
 * (runtime.md §4.2, §4.7).
 */
import type { RwasmModule } from '../format/module.js';
import type { ModuleCache } from '../runtime/module-cache.js';
import { RuntimeContext, STATE_DEPLOY, STATE_MAIN } from '../runtime/context.js';
import { ExitCode } from '../runtime/exit-code.js';
import { decodeInvocationParams } from '../runtime/invocation.js';
import { SystemRuntime } from '../runtime/system-runtime.js';
import type { Tier } from '../compiled/index.js';
import { u256Of } from './bytes.js';
import { decodeExecutionOutcome, encodeInterruptionOutcome, encodeNewFrameInput, type ExecutionOutcome, type LogRecord } from './envelopes.js';
import { RwasmError } from '../errors.js';
import { FUEL_PER_GAS, gasForFuel, gasRefundForFuel } from './interruptions.js';
import { encodeSharedContext, type SharedContext } from './shared-context.js';
import type { FrameRunner } from './frames.js';
import { answerSyscall } from './syscalls.js';
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
  /** Where its nested frames run. */
  readonly frames: FrameRunner;
  /** Its depth (the transaction's frame is 0). */
  readonly depth: number;
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
    const frame = { address, caller: context.contract.caller, value: context.contract.value, isStatic: context.contract.isStatic, depth: request.depth, frames: request.frames, gasLeft: gasLimit - gasUsed };
    const input = guestInput(runtime, params.inputStart, params.inputEnd);
    // An input range outside the guest's memory halts the frame, as revm's failed read does.
    const answer = input ? answerSyscall(frame, params, input) : { output: new Uint8Array(0), gas: 0n, refund: 0n, reportedRefund: 0n, exitCode: ExitCode.MemoryOutOfBounds, halted: true };
    // Charged on the host's meter; the guest counts it as paid, so no segment charges it again (runtime.md §4.2, 7).
    gasUsed += answer.gas;
    refund += answer.refund;
    result = runtime.resume(0, 0n, {
      returnData: encodeInterruptionOutcome({ haltedFrame: answer.halted, output: answer.output, fuelConsumed: answer.gas * FUEL_PER_GAS, fuelRefunded: answer.reportedRefund * FUEL_PER_GAS, exitCode: answer.exitCode }),
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

function guestInput(runtime: SystemRuntime, start: bigint, end: bigint): Uint8Array | undefined {
  if (end < start || end - start > 1n << 32n) return undefined;
  try {
    return runtime.memoryRead(Number(start), Number(end - start));
  } catch (error) {
    if (error instanceof RwasmError) return undefined;
    throw error;
  }
}

function decodedOutcome(output: Uint8Array): ExecutionOutcome | undefined {
  try {
    return decodeExecutionOutcome(output);
  } catch (error) {
    if (error instanceof RwasmError) return undefined;
    throw error;
  }
}
