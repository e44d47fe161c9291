/**
 * What runEvmFrame drives: a frame of a system runtime as segments, each ending with the frame
 * done or interrupted. By default the frame runs on rwasm-ts (a SystemRuntime on the cached
 * instance); a binding may hand in another engine with the same contract, so that one host (the
 * world, its syscalls and gas) can run the same runtime on, say, V8 and the runtime's hint Wasm,
 * for benchmarks and differential runs.
 */
import { RwasmError } from '../errors.js';
import { RuntimeContext, type ExecutionResult } from '../runtime/context.js';
import type { SystemRuntime, SystemRuntimeOptions } from '../runtime/system-runtime.js';
import { SystemRuntime as Runtime } from '../runtime/system-runtime.js';

export interface SegmentResult {
  /** The entry's exit code (for an interruption, what the runtime returned with the request). */
  readonly exitCode: number;
  /** The final outcome envelope, or the interruption's 64-byte SyscallInvocationParams. */
  readonly output: Uint8Array;
  /** Fuel the segment took, and refunded. */
  readonly fuelConsumed: bigint;
  readonly fuelRefunded: bigint;
  readonly interrupted: boolean;
}

export interface FrameSession {
  execute(): SegmentResult;
  /** Continues after an interruption with the host's RuntimeInterruptionOutcomeV1. */
  resume(returnData: Uint8Array): SegmentResult;
  /** `length` bytes of the guest's memory at `offset` (undefined when out of bounds). */
  readMemory(offset: number, length: number): Uint8Array | undefined;
}

/** A frame to start: the entry (`state` 1 deploy, 0 main), its ctx.input and fuel. */
export interface FrameStart {
  readonly state: number;
  readonly input: Uint8Array;
  readonly fuelLimit: bigint;
}

export interface FrameEngine {
  start(frame: FrameStart): FrameSession;
  /** Drops the engine's instance, so the next frame starts on fresh memory (called where a block would start). */
  reset?(): void;
}

/** rwasm-ts's own engine: a SystemRuntime per frame over the cached instance of the module. */
export function systemRuntimeSession(options: Omit<SystemRuntimeOptions, 'context'>, frame: FrameStart): FrameSession {
  const runtime: SystemRuntime = Runtime.create({ ...options, context: new RuntimeContext({ fuelLimit: frame.fuelLimit, state: frame.state, callDepth: 1, input: frame.input }) });
  const segment = (result: ExecutionResult): SegmentResult => ({
    exitCode: result.exitCode,
    output: result.output,
    fuelConsumed: result.fuelConsumed,
    fuelRefunded: result.fuelRefunded,
    interrupted: runtime.suspended === 'interrupted',
  });
  return {
    execute: () => segment(runtime.execute()),
    resume: (returnData) => segment(runtime.resume(0, 0n, { returnData })),
    readMemory: (offset, length) => {
      try {
        return runtime.memoryRead(offset, length);
      } catch (error) {
        if (error instanceof RwasmError) return undefined;
        throw error;
      }
    },
  };
}
