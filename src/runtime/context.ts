/**
 * `RuntimeContext`: what one frame of a Fluent runtime sees and produces — its fuel limit,
 * entry state, call depth and input, and the result it accumulates (exit code, fuel, output,
 * return data). Host syscalls read and write it.
 */
import { RwasmError } from '../errors.js';
import type { InvocationParams } from './invocation.js';

/** Entry selectors (`ctx.state`): `main` runs a call, `deploy` a deployment. */
export const STATE_MAIN = 0;
export const STATE_DEPLOY = 1;

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** What a frame (or one segment of it, between interruptions) produced. */
export interface ExecutionResult {
  /** ≤ 0: a final `ExitCode`; a positive value is a call id (see `RuntimeExecutor`). */
  readonly exitCode: number;
  readonly fuelConsumed: bigint;
  /** Relayed from hosts; the runtime itself never refunds. */
  readonly fuelRefunded: bigint;
  /** What the frame wrote (`_write`, `_forward_output`), or an interruption's 64-byte request. */
  readonly output: Uint8Array;
  /** What the frame reads through `_output_size`/`_read_output`: the last callee's or host's answer. */
  readonly returnData: Uint8Array;
}

/** An append-only byte buffer that grows geometrically (output is written piece by piece). */
export class ByteBuffer {
  private buffer = new Uint8Array(0);
  length = 0;

  append(bytes: Uint8Array): void {
    const needed = this.length + bytes.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2, 64));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length = needed;
  }

  /** A copy of the contents. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /** The contents without copying (valid until the next append). */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  replace(bytes: Uint8Array): void {
    this.clear();
    this.append(bytes);
  }
}

/** The result being accumulated by a running frame (Fluent's `ctx.execution_result`). */
export class ResultAccumulator {
  exitCode = 0;
  fuelConsumed = 0n;
  fuelRefunded = 0n;
  readonly output = new ByteBuffer();
  returnData: Uint8Array = new Uint8Array(0);

  snapshot(): ExecutionResult {
    return {
      exitCode: this.exitCode,
      fuelConsumed: this.fuelConsumed,
      fuelRefunded: this.fuelRefunded,
      output: this.output.bytes(),
      returnData: this.returnData.slice(),
    };
  }
}

/** What `_exec` recorded: the request, and whether the frame was the root. */
export interface InterruptionHolder {
  readonly params: InvocationParams;
  readonly isRoot: boolean;
}

export interface RuntimeContextInit {
  fuelLimit?: bigint | number;
  state?: number;
  callDepth?: number;
  input?: Uint8Array;
}

/**
 * ```ts
 * const ctx = new RuntimeContext({ fuelLimit: 1_000_000n, state: STATE_MAIN, callDepth: 1, input });
 * ```
 */
export class RuntimeContext {
  fuelLimit: bigint;
  state: number;
  callDepth: number;
  input: Uint8Array;
  readonly executionResult = new ResultAccumulator();
  resumableContext: InterruptionHolder | undefined = undefined;

  constructor(init: RuntimeContextInit = {}) {
    this.fuelLimit = u64('fuelLimit', init.fuelLimit ?? 0n);
    this.state = u32('state', init.state ?? STATE_MAIN);
    this.callDepth = u32('callDepth', init.callDepth ?? 0);
    this.input = init.input ?? new Uint8Array(0);
  }

  /** Fluent's `clear_output`. */
  clearOutput(): void {
    this.executionResult.output.clear();
  }
}

export function u64(name: string, value: bigint | number): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RwasmError('InvalidArgument', `${name} ${value} is not a safe integer; pass a bigint`);
  const big = BigInt(value);
  if (big < 0n || big > U64_MAX) throw new RwasmError('InvalidArgument', `${name} ${value} is not a u64`);
  return big;
}

export function i64(name: string, value: bigint | number): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RwasmError('InvalidArgument', `${name} ${value} is not a safe integer; pass a bigint`);
  const big = BigInt(value);
  if (big < I64_MIN || big > I64_MAX) throw new RwasmError('InvalidArgument', `${name} ${value} is not an i64`);
  return big;
}

export function u32(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RwasmError('InvalidArgument', `${name} ${value} is not a u32`);
  return value;
}
