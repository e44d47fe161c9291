/**
 * Fluent's host syscalls (module `fluentbase_v1preview`) with the reference handlers'
 * semantics: argument conversions, bounds checks and their order, exit codes, and the only
 * fuel a handler itself charges (`_charge_fuel`). The per-call fuel of the syscall table is
 * charged by the compiled import trampolines (`builtinsConsumeFuel`), not here.
 *
 * Handlers reach the calling frame through `call.context`, a `SyscallEnvironment` (the
 * SystemRuntime frame sets itself there).
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256, keccakP } from '@noble/hashes/sha3.js';
import { RwasmError } from '../errors.js';
import { SysFuncIdx, fluentImportLinker } from '../format/fluent-syscalls.js';
import type { ImportEntry } from '../format/import-linker.js';
import { TrapCode } from '../format/trap-codes.js';
import { type HostCall, type HostFunction, type HostHandler } from '../interpreter/host.js';
import type { ExecutionResult, RuntimeContext } from './context.js';
import { ExitCode, normalizeExitCode } from './exit-code.js';

const U64_MAX = (1n << 64n) - 1n;

/** What the Fluent handlers need from the frame that runs them. */
export interface SyscallEnvironment {
  readonly ctx: RuntimeContext;
  /** `_debug_log`'s message (a no-op unless the embedder asked for messages). */
  debugLog(message: Uint8Array): void;
  /** `_resume` from a root frame: continue a frame parked by the same executor. */
  resumeParked(callId: number, returnData: Uint8Array, fuel16Ptr: number, fuelConsumed: bigint, fuelRefunded: bigint, exitCode: number): ExecutionResult;
}

const ENVIRONMENT = Symbol('rwasm-ts syscall environment');

/** Marks an object as a SyscallEnvironment, so handlers can tell it from other host contexts. */
export function markSyscallEnvironment<T extends SyscallEnvironment>(env: T): T {
  Object.defineProperty(env, ENVIRONMENT, { value: true });
  return env;
}

function environment(call: HostCall): SyscallEnvironment {
  const env = call.context as (SyscallEnvironment & { [ENVIRONMENT]?: boolean }) | undefined;
  if (!env || env[ENVIRONMENT] !== true) {
    throw new RwasmError('InvalidState', 'Fluent syscalls run inside a SystemRuntime frame (the machine has no syscall environment)');
  }
  return env;
}

/**
 * A pointer or length the reference converts with `i32 as usize`: negative values become
 * enormous and fail the bounds check. Returned as a number past every memory.
 */
function usize(word: number): number {
  return word > 0x7fffffff ? Number.MAX_SAFE_INTEGER : word;
}

/** The same conversion, exactly, for the u64 fields of an invocation request. */
function usizeBig(word: number): bigint {
  return word > 0x7fffffff ? U64_MAX - 0xffffffffn + BigInt(word) : BigInt(word);
}

function halt(call: HostCall, exitCode: number): TrapCode {
  environment(call).ctx.executionResult.exitCode = exitCode;
  return TrapCode.ExecutionHalted;
}

/** Fluent's `_read`/`_read_output` range check: offset + length may not overflow or pass the end. */
function slice(source: Uint8Array, offset: number, length: number): Uint8Array | undefined {
  const end = offset + length;
  if (end > 0xffffffff || end > source.length) return undefined;
  return source.subarray(offset, end);
}

function readI64(bytes: Uint8Array, at: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(at, true);
}

function le64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return bytes;
}

function hashHandler(hash: (data: Uint8Array) => Uint8Array): HostHandler {
  return (call) => {
    const data = call.read(usize(call.param(0)), usize(call.param(1)));
    call.write(usize(call.param(2)), hash(data));
  };
}

/** Keccak-f[1600] over 25 little-endian u64 lanes (200 bytes). */
export function keccakPermute(state: Uint8Array): Uint8Array {
  const view = new DataView(state.buffer, state.byteOffset, 200);
  const words = new Uint32Array(50);
  for (let i = 0; i < 50; i++) words[i] = view.getUint32(4 * i, true);
  keccakP(words, 24);
  const out = new Uint8Array(200);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 50; i++) outView.setUint32(4 * i, words[i]!, true);
  return out;
}

/** The reference handlers by syscall index. */
export const FLUENT_HOST_HANDLERS: Readonly<Partial<Record<number, HostHandler>>> = Object.freeze({
  [SysFuncIdx.EXIT]: (call) => halt(call, normalizeExitCode(call.param(0) | 0)),
  [SysFuncIdx.STATE]: (call) => {
    call.results[0] = environment(call).ctx.state;
  },
  [SysFuncIdx.READ_INPUT]: (call) => {
    const bytes = slice(environment(call).ctx.input, call.param(1), call.param(2));
    if (!bytes) return halt(call, ExitCode.InputOutputOutOfBounds);
    call.write(usize(call.param(0)), bytes);
  },
  [SysFuncIdx.INPUT_SIZE]: (call) => {
    call.results[0] = environment(call).ctx.input.length;
  },
  [SysFuncIdx.WRITE_OUTPUT]: (call) => {
    const bytes = call.read(usize(call.param(0)), usize(call.param(1)));
    environment(call).ctx.executionResult.output.append(bytes);
  },
  [SysFuncIdx.OUTPUT_SIZE]: (call) => {
    call.results[0] = environment(call).ctx.executionResult.returnData.length;
  },
  [SysFuncIdx.READ_OUTPUT]: (call) => {
    const bytes = slice(environment(call).ctx.executionResult.returnData, call.param(1), call.param(2));
    if (!bytes) return halt(call, ExitCode.InputOutputOutOfBounds);
    call.write(usize(call.param(0)), bytes);
  },
  [SysFuncIdx.EXEC]: (call) => {
    const ctx = environment(call).ctx;
    const remaining = call.remainingFuel() ?? U64_MAX;
    const [hashPtr, inputPtr, inputLength, fuel16Ptr, state] = [call.param(0), call.param(1), call.param(2), call.param(3), call.param(4)];
    let fuelLimit = remaining;
    if (fuel16Ptr !== 0) {
      const requested = BigInt.asUintN(64, readI64(call.read(usize(fuel16Ptr), 16), 0));
      fuelLimit = requested > 0n ? (requested < remaining ? requested : remaining) : 0n;
    }
    const codeHash = call.read(usize(hashPtr), 32);
    const inputStart = usizeBig(inputPtr);
    const inputEnd = inputStart + usizeBig(inputLength);
    if (inputEnd > U64_MAX) return TrapCode.MemoryOutOfBounds;
    ctx.resumableContext = {
      params: { codeHash, fuelLimit, state, fuel16Ptr: fuel16Ptr >>> 0, inputStart, inputEnd },
      isRoot: ctx.callDepth === 0,
    };
    return TrapCode.InterruptionCalled;
  },
  [SysFuncIdx.RESUME]: (call) => {
    const env = environment(call);
    const [callId, dataPtr, dataLength, exitCode, fuel16Ptr] = [call.param(0), call.param(1), call.param(2), call.param(3) | 0, call.param(4)];
    const returnData = call.read(usize(dataPtr), usize(dataLength));
    let fuelConsumed = 0n;
    let fuelRefunded = 0n;
    if (fuel16Ptr !== 0) {
      const fuel = call.read(usize(fuel16Ptr), 16);
      fuelConsumed = BigInt.asUintN(64, readI64(fuel, 0));
      fuelRefunded = readI64(fuel, 8);
    }
    if (env.ctx.callDepth > 0) return halt(call, ExitCode.RootCallOnly);
    const result = env.resumeParked(callId, returnData, fuel16Ptr, fuelConsumed, fuelRefunded, exitCode);
    env.ctx.executionResult.returnData = result.output;
    if (fuel16Ptr !== 0) {
      call.write(usize(fuel16Ptr), le64(result.fuelConsumed));
      call.write(usize(fuel16Ptr) + 8, le64(result.fuelRefunded));
    }
    call.results[0] = result.exitCode >>> 0;
  },
  [SysFuncIdx.FORWARD_OUTPUT]: (call) => {
    const result = environment(call).ctx.executionResult;
    const bytes = slice(result.returnData, call.param(0), call.param(1));
    if (!bytes) return halt(call, ExitCode.InputOutputOutOfBounds);
    result.output.append(bytes);
  },
  [SysFuncIdx.FUEL]: (call) => {
    call.setResultI64(0, call.remainingFuel() ?? U64_MAX);
  },
  [SysFuncIdx.DEBUG_LOG]: (call) => {
    const message = call.read(usize(call.param(0)), usize(call.param(1)));
    environment(call).debugLog(message);
  },
  [SysFuncIdx.CHARGE_FUEL]: (call) => {
    const amount = call.paramI64(0);
    // The store first (it traps when its limit is passed), then the frame's own count.
    if (!call.tryConsumeFuel(amount)) return TrapCode.OutOfFuel;
    const result = environment(call).ctx.executionResult;
    let total = result.fuelConsumed + amount;
    if (total > U64_MAX) total = U64_MAX;
    if (total > environment(call).ctx.fuelLimit) return TrapCode.OutOfFuel;
    result.fuelConsumed = total;
  },
  [SysFuncIdx.ENTER_UNCONSTRAINED]: () => {},
  [SysFuncIdx.EXIT_UNCONSTRAINED]: () => {},
  // Disabled in the reference.
  [SysFuncIdx.WRITE_FD]: () => TrapCode.UnreachableCodeReached,
  [SysFuncIdx.POSEIDON]: () => TrapCode.UnreachableCodeReached,
  [SysFuncIdx.KECCAK256]: hashHandler((data) => keccak_256(data)),
  [SysFuncIdx.KECCAK256_PERMUTE]: (call) => {
    // This one converts its pointer as u32, not i32.
    const pointer = call.param(0);
    call.write(pointer, keccakPermute(call.read(pointer, 200)));
  },
  [SysFuncIdx.SHA256]: hashHandler((data) => sha256(data)),
  [SysFuncIdx.BLAKE3]: hashHandler((data) => blake3(data)),
});

/** Handlers by syscall index or name, to add to or replace the reference ones. */
export type HostHandlers = Readonly<Partial<Record<string | number, HostHandler>>>;

/**
 * The host functions for every syscall of `linker` that has a handler: an override (by index
 * or name) first, else the reference handler. Syscalls without either trap
 * `UnknownExternalFunction` when called.
 */
export function fluentHostFunctions(linker: { entries(): Iterable<ImportEntry> } = fluentImportLinker(), overrides: HostHandlers = {}): HostFunction[] {
  const functions: HostFunction[] = [];
  for (const entry of linker.entries()) {
    const handler = overrides[entry.index] ?? overrides[entry.name] ?? FLUENT_HOST_HANDLERS[entry.index];
    if (handler) functions.push({ index: entry.index, params: entry.params, results: entry.results, handler });
  }
  return functions;
}
