/**
 * The surface a host function (syscall handler) sees: its parameter and result words, bounds-
 * checked memory access and the fuel meter — nothing of the value stack, globals or tables,
 * as in the reference.
 */
import { RwasmError } from '../errors.js';
import type { ImportEntry, ValType } from '../format/import-linker.js';
import { TrapCode, trapMessage } from '../format/trap-codes.js';
import type { Store } from './store.js';

/** Thrown by (or on behalf of) a host function to end the call with a trap. */
export class Trap extends Error {
  constructor(
    readonly trapCode: TrapCode,
    message: string = trapMessage(trapCode),
  ) {
    super(message);
    this.name = 'Trap';
  }
}

/**
 * A syscall handler. Return nothing to continue with the results written to `call.results`;
 * return (or throw a `Trap` with) a TrapCode to stop: `ExecutionHalted` ends the run
 * successfully (results are still pushed), `InterruptionCalled` suspends it right after the
 * call with its parameters consumed, anything else traps.
 */
export type HostHandler = (call: HostCall) => TrapCode | void;

export interface HostFunction {
  readonly index: number;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly handler: HostHandler;
}

/**
 * One syscall in progress. The machine reuses this object for every call; read what you need
 * during the call. Words are u32; an i64 or f64 takes two words, low first.
 *
 * Note: the reference hands handlers typed values and mis-types mixed signatures (it pops the
 * top value with the first declared type); words in stack order carry the same bits and avoid
 * that quirk.
 */
export class HostCall {
  sysIndex = 0;
  /** Parameter words, bottom to top of the stack. */
  params: Uint32Array = new Uint32Array(0);
  /** Result words to push, pre-zeroed. */
  results: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly store: Store,
    /** The embedder's value given to the machine as `context` (or set as its `hostContext`). */
    public context: unknown,
  ) {}

  /** Parameter word `i` (u32). */
  param(i: number): number {
    return this.params[i]!;
  }

  /** The i64 whose low word is parameter word `i`. */
  paramI64(i: number, signed = false): bigint {
    const value = (BigInt(this.params[i + 1]!) << 32n) | BigInt(this.params[i]!);
    return signed ? BigInt.asIntN(64, value) : value;
  }

  setResultI64(i: number, value: bigint): void {
    const bits = BigInt.asUintN(64, value);
    this.results[i] = Number(bits & 0xffffffffn);
    this.results[i + 1] = Number(bits >> 32n);
  }

  /** The live linear memory (replaced when the memory grows; do not keep it). */
  get memory(): Uint8Array {
    return this.store.memory.bytes;
  }

  /** Copies `length` bytes at `offset`; traps MemoryOutOfBounds outside the memory. */
  read(offset: number, length: number): Uint8Array {
    const bytes = this.store.read(offset, length);
    if (!bytes) throw new Trap(TrapCode.MemoryOutOfBounds);
    return bytes;
  }

  /** Writes `bytes` at `offset`; traps MemoryOutOfBounds (writing nothing) outside the memory. */
  write(offset: number, bytes: Uint8Array): void {
    if (!this.store.write(offset, bytes)) throw new Trap(TrapCode.MemoryOutOfBounds);
  }

  /** Charges fuel; traps OutOfFuel (charging nothing) when the limit would be exceeded. */
  consumeFuel(amount: bigint | number): void {
    if (!this.tryConsumeFuel(amount)) throw new Trap(TrapCode.OutOfFuel);
  }

  tryConsumeFuel(amount: bigint | number): boolean {
    return this.store.fuel.tryConsume(toFuel(amount));
  }

  remainingFuel(): bigint | undefined {
    return this.store.fuel.remaining();
  }

  fuelConsumed(): bigint {
    return this.store.fuel.consumed();
  }

  resetFuel(limit?: bigint | number): void {
    this.store.fuel.reset(limit === undefined ? undefined : toFuel(limit));
  }
}

export function toFuel(amount: bigint | number): bigint {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) {
    throw new RwasmError('InvalidArgument', `fuel amount ${amount} is not a safe integer; pass a bigint`);
  }
  const value = BigInt(amount);
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RwasmError('InvalidArgument', `fuel amount ${amount} is not a u64`);
  return value;
}

/**
 * Pairs the syscalls an import linker declares with their handlers: each linker entry whose
 * index (or name) has a handler becomes a HostFunction with the entry's signature.
 *
 * ```ts
 * const hostFunctions = bindHostFunctions(linker, { _debug_log: (call) => { … }, 0x01: exitHandler });
 * ```
 */
export function bindHostFunctions(
  linker: { entries(): Iterable<ImportEntry> },
  handlers: Readonly<Partial<Record<string | number, HostHandler>>>,
): HostFunction[] {
  const bound: HostFunction[] = [];
  for (const entry of linker.entries()) {
    const handler = handlers[entry.index] ?? handlers[entry.name];
    if (handler) bound.push({ index: entry.index, params: entry.params, results: entry.results, handler });
  }
  return bound;
}
