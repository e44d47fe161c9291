/**
 * One frame of a Fluent system runtime over a `World` (the EVM runtime, or an engine-metered one
 * such as the Universal Token): the slots revm preloads for it charged and handed in, the frame's
 * envelope in, its interruptions answered by the host (syscalls.ts; nested calls and creates run
 * as frames of their own, on the same cached runtime instance, before the frame resumes), its
 * final outcome applied (storage, logs, the new account code, value transfers) when it succeeds,
 * and its gas settled as revm settles it (runtime.md §4.2, §4.7).
 */
import type { RwasmModule } from '../format/module.js';
import type { ModuleCache } from '../runtime/module-cache.js';
import { STATE_DEPLOY, STATE_MAIN } from '../runtime/context.js';
import { ExitCode } from '../runtime/exit-code.js';
import { decodeInvocationParams } from '../runtime/invocation.js';
import { systemRuntimeSession, type FrameEngine, type FrameStart } from './frame-session.js';
import type { Tier } from '../compiled/index.js';
import { u256Bytes, u256Of } from './bytes.js';
import { decodeExecutionOutcome, encodeInterruptionOutcome, encodeNewFrameInput, type ExecutionOutcome, type LogRecord, type StorageWord } from './envelopes.js';
import { RwasmError } from '../errors.js';
import { FUEL_PER_GAS, gasForFuel, gasRefundForFuel } from './interruptions.js';
import { engineMeteredRuntime, NO_ENGINE_COSTS } from './engine-metered.js';
import { encodeSharedContext, type SharedContext } from './shared-context.js';
import type { FrameRunner } from './frames.js';
import { sloadGas } from './storage-gas.js';
import { answerSyscall } from './syscalls.js';
import { encodeOwnableAccount } from './account-code.js';
import type { World } from './world.js';

/** The system runtime a frame runs on: its module and where it lives (the owner of the accounts it deploys). */
export interface EvmRuntimeBinding {
  readonly module: RwasmModule | Uint8Array;
  readonly codeHash?: string;
  readonly address: Uint8Array;
  readonly cache?: ModuleCache;
  readonly tier?: Tier;
  /**
   * The runtime is metered by the engine (Fluent's `is_engine_metered_precompile`: the Universal
   * Token, Wasm, Nitro, OAuth2 and WebAuthn runtimes; see engine-metered.ts) rather than by
   * itself through `_charge_fuel` (the EVM runtime). Default: decided by `address` (frames.ts).
   */
  readonly engineMetered?: boolean;
  /**
   * Another engine to run the runtime's frames on (default: rwasm-ts). For benchmarks and
   * differential runs; an engine-metered runtime always runs on rwasm-ts.
   */
  readonly engine?: FrameEngine;
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
  /** Storage slots to load and charge before the runtime runs (revm's preload for system runtimes). */
  readonly preload?: readonly bigint[];
  /** Run with engine metering (the binding's `engineMetered`, resolved). */
  readonly engineMetered?: boolean;
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
  const preloaded = preloadSlots(world, address, gasLimit, request.preload ?? []);
  if (preloaded === undefined) return { exitCode: ExitCode.OutOfFuel, output: new Uint8Array(0), gasUsed: gasLimit, refund: 0n, logs: [], interruptions: 0 };
  const binding = request.runtime;
  const metered = request.engineMetered ? engineMeteredRuntime(binding.module, binding.codeHash, binding.cache) : undefined;
  const start: FrameStart = {
    // Fuel is the gas the preload left; the context keeps the gas limit from before it, as revm's does.
    fuelLimit: (gasLimit - preloaded.gas) * FUEL_PER_GAS,
    state: request.kind === 'deploy' ? STATE_DEPLOY : STATE_MAIN,
    input: encodeNewFrameInput({ metadata: request.metadata, input: request.input, context: encodeSharedContext(context), storage: preloaded.storage }),
  };
  const session =
    binding.engine && !metered
      ? binding.engine.start(start)
      : systemRuntimeSession(
          {
            module: metered ? metered.module : binding.module,
            codeHash: metered ? metered.codeHash : binding.codeHash,
            cache: binding.cache,
            tier: binding.tier,
            ...(metered ? { consumeFuel: true, fuelCosts: NO_ENGINE_COSTS } : {}),
          },
          start,
        );
  let gasUsed = preloaded.gas;
  let refund = 0n;
  let interruptions = 0;
  let result = session.execute();
  for (;;) {
    gasUsed += gasForFuel(result.fuelConsumed);
    refund += gasRefundForFuel(result.fuelRefunded);
    if (!result.interrupted) break;
    interruptions++;
    const params = decodeInvocationParams(result.output);
    const frame = { address, caller: context.contract.caller, value: context.contract.value, isStatic: context.contract.isStatic, depth: request.depth, frames: request.frames, gasLeft: gasLimit - gasUsed };
    const input = params.inputEnd < params.inputStart || params.inputEnd - params.inputStart > 1n << 32n ? undefined : session.readMemory(Number(params.inputStart), Number(params.inputEnd - params.inputStart));
    // An input range outside the guest's memory halts the frame, as revm's failed read does.
    const answer = input ? answerSyscall(frame, params, input) : { output: new Uint8Array(0), gas: 0n, refund: 0n, reportedRefund: 0n, exitCode: ExitCode.MemoryOutOfBounds, halted: true };
    // Charged on the host's meter; the guest counts it as paid, so no segment charges it again (runtime.md §4.2, 7).
    gasUsed += answer.gas;
    refund += answer.refund;
    result = session.resume(encodeInterruptionOutcome({ haltedFrame: answer.halted, output: answer.output, fuelConsumed: answer.gas * FUEL_PER_GAS, fuelRefunded: answer.reportedRefund * FUEL_PER_GAS, exitCode: answer.exitCode }));
  }
  // revm decodes the outcome envelope after any final exit but a fatal one, keeps the raw output
  // when it does not decode, and applies state only when the outcome's own exit code is Ok; the
  // frame's exit code stays the runtime's (crates/revm/src/executor.rs process_runtime_execution_outcome).
  const outcome = result.exitCode === ExitCode.UnexpectedFatalExecutionFailure ? undefined : decodedOutcome(result.output);
  if (outcome === undefined) return { exitCode: result.exitCode, output: result.output, gasUsed, refund, logs: [], interruptions };
  // The preload of slots a listed outcome did not touch comes back, whatever its exit code (an
  // empty list decodes as none, so it refunds nothing).
  if (outcome.touchedStorageSlots !== undefined && outcome.touchedStorageSlots.length > 0) {
    const touched = new Set(outcome.touchedStorageSlots.map((slot) => u256Of(slot, true)));
    for (const [key, cost] of preloaded.costs) if (!touched.has(key)) gasUsed -= cost;
  }
  let exitCode = result.exitCode;
  if (outcome.exitCode === ExitCode.Ok) {
    // Written as they are: revm prices none of these writes as SSTOREs (its FLU-1160 note).
    for (const { key, value } of outcome.storage) world.setStorage(address, u256Of(key, true), u256Of(value, true));
    for (const log of outcome.logs) world.log({ address, topics: log.topics, data: log.data });
    if (outcome.newMetadata !== undefined) world.setCode(address, encodeOwnableAccount({ owner: request.runtime.address, metadata: outcome.newMetadata }));
    if (outcome.transfers !== undefined && outcome.transfers.length > 0) exitCode = payTransfers(world, address, outcome.transfers) ?? exitCode;
  }
  return { exitCode, output: outcome.output, gasUsed, refund, logs: outcome.exitCode === ExitCode.Ok && exitCode === ExitCode.Ok ? outcome.logs : [], interruptions };
}

const MAX_U256 = (1n << 256n) - 1n;

/**
 * The outcome's value transfers out of the frame's account. revm refuses them by replacing the
 * frame's exit code (the frame then fails and its checkpoint goes): IntegerOverflow when their
 * saturating sum reaches 2^256 − 1 or a recipient's balance would overflow, InsufficientBalance
 * when the account has less than the sum.
 */
function payTransfers(world: World, from: Uint8Array, transfers: NonNullable<ExecutionOutcome['transfers']>): number | undefined {
  const amounts = transfers.map((t) => u256Of(t.amount, true));
  const sum = amounts.reduce((a, b) => a + b, 0n);
  if (sum >= MAX_U256) return ExitCode.IntegerOverflow;
  if ((world.account(from)?.balance ?? 0n) < sum) return ExitCode.InsufficientBalance;
  for (const [i, { address }] of transfers.entries()) {
    const amount = amounts[i]!;
    const self = address.every((b, k) => b === from[k]);
    if (!self && (world.account(address)?.balance ?? 0n) + amount > MAX_U256) return ExitCode.IntegerOverflow;
    if (!world.transfer(from, address, amount)) return ExitCode.InsufficientBalance;
  }
  return undefined;
}

/**
 * revm's preload (crates/revm/src/executor.rs execute_rwasm_frame): each slot once, charged as
 * an SLOAD (2100 cold, 100 warm, warming it) before the runtime runs; a charge that does not fit
 * halts the frame with all its gas spent (`out_of_fuel_with_current_gas`). The runtime gets the
 * values sorted by key (a BTreeMap). Only an outcome that lists touched slots gets any of it back
 * (process_runtime_execution_outcome's erase_cost); the fixture builds list none.
 */
function preloadSlots(world: World, address: Uint8Array, gasLimit: bigint, keys: readonly bigint[]): { gas: bigint; storage: StorageWord[]; costs: Map<bigint, bigint> } | undefined {
  let gas = 0n;
  const costs = new Map<bigint, bigint>();
  for (const key of keys) {
    if (costs.has(key)) continue;
    const cost = sloadGas(world.warmSlot(address, key));
    if (cost > gasLimit - gas) return undefined;
    gas += cost;
    costs.set(key, cost);
  }
  const sorted = [...costs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { gas, costs, storage: sorted.map((key) => ({ key: u256Bytes(key, true), value: u256Bytes(world.storage(address, key), true) })) };
}

function decodedOutcome(output: Uint8Array): ExecutionOutcome | undefined {
  try {
    return decodeExecutionOutcome(output);
  } catch (error) {
    if (error instanceof RwasmError) return undefined;
    throw error;
  }
}
