/**
 * Fluent's runtime executor: runs frames, and parks each interrupted one under a call id
 * (per transaction, from 1) until the host resumes or forgets it. Parked frames keep their
 * suspended interpreter state, so resuming continues them where they stopped.
 */
import { RwasmError } from '../errors.js';
import type { RwasmModule } from '../format/module.js';
import type { FuelCostTable } from '../interpreter/fuel-costs.js';
import type { RuntimeContext, ExecutionResult } from './context.js';
import { u64, i64 } from './context.js';
import { ExitCode } from './exit-code.js';
import type { CodeHashInput } from './module-cache.js';
import { SystemRuntime, type ParkedFrames, type SystemRuntimeOptions } from './system-runtime.js';

/** What to run: a module (or its bytes) with its code hash, or the hash of a cached one. */
export interface ExecuteTarget {
  module?: RwasmModule | Uint8Array;
  codeHash?: CodeHashInput;
  consumeFuel?: boolean;
  fuelCosts?: FuelCostTable;
}

/** An ExecutionResult, plus the call id of a frame parked for later (interrupted or out of fuel). */
export interface ExecutorResult extends ExecutionResult {
  readonly callId?: number;
}

export interface ExecutorResumeOptions {
  returnData?: Uint8Array;
  fuel16Ptr?: number;
  fuelConsumed?: bigint | number;
  fuelRefunded?: bigint | number;
  exitCode?: number;
}

export type ExecutorOptions = Omit<SystemRuntimeOptions, 'module' | 'codeHash' | 'context' | 'consumeFuel' | 'fuelCosts'>;

const EMPTY = new Uint8Array(0);
const MAX_CALL_ID = 0x7fffffff;

/**
 * ```ts
 * const executor = new RuntimeExecutor();
 * let result = executor.execute({ module: bytes, codeHash }, ctx);
 * while (result.exitCode > 0) {                  // a call id: the frame waits for the host
 *   const request = decodeInvocationParams(result.output);
 *   result = executor.resume(result.exitCode, { returnData, fuelConsumed, exitCode });
 * }
 * ```
 */
export class RuntimeExecutor implements ParkedFrames {
  private readonly parked = new Map<number, SystemRuntime>();
  private nextCallId = 1;

  constructor(private readonly options: ExecutorOptions = {}) {}

  execute(target: ExecuteTarget, context: RuntimeContext): ExecutorResult {
    const runtime = SystemRuntime.create({ ...this.options, ...target, context });
    runtime.executor = this;
    return this.remember(runtime, runtime.execute());
  }

  /** Continues the frame parked under `callId` (Fluent's `resume`); an unknown id answers UnknownError. */
  resume(callId: number, options: ExecutorResumeOptions = {}): ExecutorResult {
    const fuelConsumed = u64('fuelConsumed', options.fuelConsumed ?? 0n);
    const runtime = this.parked.get(callId);
    if (!runtime || runtime.suspended !== 'interrupted') {
      return { exitCode: ExitCode.UnknownError, fuelConsumed, fuelRefunded: 0n, output: EMPTY, returnData: EMPTY };
    }
    this.parked.delete(callId);
    const result = runtime.resume(options.exitCode ?? 0, fuelConsumed, {
      returnData: options.returnData ?? EMPTY,
      fuelRefunded: i64('fuelRefunded', options.fuelRefunded ?? 0n),
      fuel16Ptr: options.fuel16Ptr ?? 0,
    });
    return this.remember(runtime, result);
  }

  /** Tops up and continues a frame parked because it ran out of fuel. */
  refuel(callId: number, amount: bigint | number): ExecutorResult {
    const runtime = this.parked.get(callId);
    if (!runtime || runtime.suspended !== 'outOfFuel') throw new RwasmError('UnknownCallId', `no frame that ran out of fuel is parked under call id ${callId}`);
    this.parked.delete(callId);
    return this.remember(runtime, runtime.refuel(amount));
  }

  /** Drops a parked frame (Fluent's `forget_runtime`). */
  forgetRuntime(callId: number): void {
    const runtime = this.parked.get(callId);
    if (!runtime) return;
    this.parked.delete(callId);
    runtime.abandon();
  }

  /** Starts a new transaction: call ids from 1 again, parked frames dropped. */
  resetCallIdCounter(): void {
    for (const runtime of this.parked.values()) runtime.abandon();
    this.parked.clear();
    this.nextCallId = 1;
  }

  /** Reads a parked frame's memory (how a host gets an interruption's input). */
  memoryRead(callId: number, offset: number, length: number): Uint8Array {
    const runtime = this.parked.get(callId);
    if (!runtime) throw new RwasmError('MemoryOutOfBounds', `no frame is parked under call id ${callId}`);
    return runtime.memoryRead(offset, length);
  }

  /** The frame parked under `callId`, if any. */
  runtime(callId: number): SystemRuntime | undefined {
    return this.parked.get(callId);
  }

  /** A parked frame as a snapshot (it stays parked); with `key`, an authenticated one (see SystemRuntime.snapshot). */
  snapshot(callId: number, options: { key?: Uint8Array } = {}): Uint8Array {
    const runtime = this.parked.get(callId);
    if (!runtime) throw new RwasmError('UnknownCallId', `no frame is parked under call id ${callId}`);
    return runtime.snapshot(options);
  }

  /** Parks a frame from a snapshot under the call id it had; returns that id. `key`: see SystemRuntime.restore. */
  restore(bytes: Uint8Array, module?: RwasmModule | Uint8Array, options: { key?: Uint8Array } = {}): number {
    const runtime = SystemRuntime.restore(bytes, { ...this.options, module, key: options.key });
    const callId = runtime.callId;
    if (callId < 1 || callId > MAX_CALL_ID) throw new RwasmError('MalformedSnapshot', `snapshot: call id ${callId} is not one an executor hands out`);
    if (this.parked.has(callId)) throw new RwasmError('InvalidState', `call id ${callId} is already parked here`);
    runtime.executor = this;
    this.parked.set(callId, runtime);
    this.nextCallId = Math.max(this.nextCallId, callId + 1);
    return callId;
  }

  private remember(runtime: SystemRuntime, result: ExecutionResult): ExecutorResult {
    const suspended = runtime.suspended;
    if (suspended === undefined) return result;
    if (suspended === 'interrupted' && runtime.interruptedAsRoot) {
      // Fluent: a root frame cannot be interrupted.
      runtime.abandon();
      return { ...result, exitCode: ExitCode.UnexpectedFatalExecutionFailure, output: EMPTY, returnData: EMPTY };
    }
    const callId = this.nextCallId;
    if (callId > MAX_CALL_ID) {
      runtime.abandon();
      return { exitCode: ExitCode.UnknownError, fuelConsumed: result.fuelConsumed, fuelRefunded: result.fuelRefunded, output: EMPTY, returnData: EMPTY };
    }
    this.nextCallId++;
    runtime.callId = callId;
    this.parked.set(callId, runtime);
    return suspended === 'outOfFuel' ? { ...result, callId } : { ...result, exitCode: callId, callId };
  }
}
