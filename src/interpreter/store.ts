/**
 * The state that outlives one execution: linear memory, tables, globals, segment drop flags
 * and the fuel meter. Values are 32-bit words; the interpreter reads the typed arrays directly.
 */
import { RwasmError } from '../errors.js';

export const PAGE_SIZE = 65536;
/** Pages a Wasm memory can ever have (the `memory.grow` delta cap). */
export const WASM_MAX_PAGES = 65536;
/** The reference's hard cap (2 GiB). */
export const MAX_ALLOWED_MEMORY_PAGES = 32768;
export const DEFAULT_MAX_MEMORY_PAGES = 1024;
export const MAX_TABLE_SIZE = 1024;
export const MAX_TABLES = 100;

const GROWTH_FACTOR = 4;
/**
 * Past this many pages the buffer is reserved at the cap in one step. A fresh buffer's untouched
 * pages are never committed by the system, so the reserve costs address space, not memory; what
 * it saves is the copy: growing on towards 2 GiB would otherwise move up to 1 GiB of live contents
 * (seconds of work) for a few fuel.
 */
const RESERVE_CAP_FROM_PAGES = 1024;

/**
 * Linear memory with room to grow: the buffer holds `capacity` pages and grows fourfold when a
 * grow does not fit (and straight to the cap once that passes 64 MiB), so growing page by page
 * costs amortised O(1) per page and no grow ever copies more than 16 MiB when the host gives the
 * reserve. `bytes` views exactly the live pages; `view` spans the whole buffer and is replaced
 * only when the buffer moves (accesses are bounds-checked against `bytes.length` first).
 * (A resizable `ArrayBuffer` would avoid the copies too, but views over one run several times
 * slower in V8's optimised code, and the hot path reads them on every load and store.)
 */
export class LinearMemory {
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.bytes.buffer);
  pages = 0;
  readonly maxPages: number;
  private capacityPages = 0;

  constructor(maxPages: number = DEFAULT_MAX_MEMORY_PAGES) {
    if (!Number.isInteger(maxPages) || maxPages < 0) {
      throw new RwasmError('InvalidArgument', `maxMemoryPages ${maxPages} is not a page count`);
    }
    this.maxPages = Math.min(maxPages, MAX_ALLOWED_MEMORY_PAGES);
  }

  /** Pages the current buffer holds (live pages and reserve). */
  get capacity(): number {
    return this.capacityPages;
  }

  /** `memory.grow`: the old page count, or -1 (0xFFFFFFFF) when the memory cannot grow. */
  grow(delta: number): number {
    const current = this.pages;
    if (delta > WASM_MAX_PAGES) return -1;
    if (delta === 0) return current;
    const desired = current + delta;
    if (desired > WASM_MAX_PAGES || desired > this.maxPages) return -1;
    if (desired > this.capacityPages) {
      // Reserve room, never past the cap; when the host cannot give that much, ask for less,
      // down to exactly what is needed, before giving up like the reference's failed reserve.
      // (The reserve is not touched, so the system commits its pages only once the program
      // grows into them.)
      const geometric = Math.min(Math.max(desired, this.capacityPages * GROWTH_FACTOR), this.maxPages);
      const reserve = geometric >= RESERVE_CAP_FROM_PAGES ? this.maxPages : geometric;
      if (!this.moveTo(reserve) && !(geometric < reserve && this.moveTo(geometric)) && !(desired < geometric && this.moveTo(desired))) {
        return -1;
      }
    }
    this.pages = desired;
    this.bytes = new Uint8Array(this.view.buffer, 0, desired * PAGE_SIZE);
    return current;
  }

  /** Replaces the contents (for snapshots): `pages` pages, starting with `prefix`, zero after it. */
  restore(pages: number, prefix: Uint8Array): void {
    if (!Number.isInteger(pages) || pages < 0 || pages > this.maxPages || prefix.length > pages * PAGE_SIZE) {
      throw new RwasmError('MalformedSnapshot', `memory of ${pages} pages does not fit this store (at most ${this.maxPages}) or its contents`);
    }
    const buffer = new ArrayBuffer(pages * PAGE_SIZE);
    this.bytes = new Uint8Array(buffer);
    this.bytes.set(prefix);
    this.view = new DataView(buffer);
    this.pages = pages;
    this.capacityPages = pages;
  }

  /** A new buffer of `pages` pages holding the live contents; false when it cannot be had. */
  private moveTo(pages: number): boolean {
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer(pages * PAGE_SIZE);
    } catch {
      return false;
    }
    new Uint8Array(buffer).set(this.bytes);
    this.view = new DataView(buffer);
    this.capacityPages = pages;
    return true;
  }
}

export class Table {
  elements = new Int32Array(4);
  size = 0;

  /** `table.grow`: the old size, or -1 when the table would exceed 1024 elements. */
  grow(delta: number, init: number): number {
    const current = this.size;
    const desired = current + delta;
    if (desired > MAX_TABLE_SIZE) return -1;
    if (desired > this.elements.length) {
      const elements = new Int32Array(Math.min(Math.max(desired, this.elements.length * 2), MAX_TABLE_SIZE));
      elements.set(this.elements.subarray(0, current));
      this.elements = elements;
    }
    this.elements.fill(init, current, desired);
    this.size = desired;
    return current;
  }
}

/**
 * Which data/element segments were dropped. Mirrors the reference's bit vector exactly: a drop
 * of segment i first resizes the vector to i + 1, which forgets later drops when i is lower.
 */
export class DropFlags {
  private flags = new Uint8Array(0);
  length = 0;

  isDropped(segment: number): boolean {
    return segment < this.length && this.flags[segment] === 1;
  }

  drop(segment: number): void {
    const length = segment + 1;
    if (length > this.flags.length) {
      const flags = new Uint8Array(Math.max(length, this.flags.length * 2));
      flags.set(this.flags.subarray(0, this.length));
      this.flags = flags;
    } else if (length < this.length) {
      this.flags.fill(0, length, this.length);
    }
    this.length = length;
    this.flags[segment] = 1;
  }

  clear(): void {
    this.flags.fill(0);
    this.length = 0;
  }

  /** The flags as 0/1 bytes, `length` long (for snapshots). */
  toBytes(): Uint8Array {
    return this.flags.slice(0, this.length);
  }

  static fromBytes(bytes: Uint8Array): DropFlags {
    const flags = new DropFlags();
    flags.flags = Uint8Array.from(bytes, (b) => (b ? 1 : 0));
    flags.length = bytes.length;
    return flags;
  }
}

const U64_MAX = (1n << 64n) - 1n;
/** Largest fuel amount the interpreter loop counts in a plain number without losing precision. */
const MAX_BUDGET = Number.MAX_SAFE_INTEGER;

/**
 * Fuel, exact to the u64: `consumed` and `limit` are bigints, while the interpreter loop spends
 * from `budget`, a plain number that never exceeds 2^53 or what the limit allows. When a charge
 * does not fit the budget the loop exits, the meter settles the exact figures and either refills
 * the budget or reports out-of-fuel with nothing charged.
 */
export class FuelMeter {
  private consumedBase = 0n;
  private limitValue: bigint | undefined;
  /** What the loop may still spend; read and written by the interpreter. */
  budget = MAX_BUDGET;
  private budgetStart = MAX_BUDGET;

  constructor(limit?: bigint) {
    this.reset(limit);
  }

  get limit(): bigint | undefined {
    return this.limitValue;
  }

  consumed(): bigint {
    const total = this.consumedBase + BigInt(this.budgetStart - this.budget);
    return total > U64_MAX ? U64_MAX : total;
  }

  /** limit − consumed, or undefined without a limit (the reference's `remaining_fuel`). */
  remaining(): bigint | undefined {
    if (this.limitValue === undefined) return undefined;
    const left = this.limitValue - this.consumed();
    return left > 0n ? left : 0n;
  }

  /** The reference's `reset_fuel`: a new limit (or none) and nothing consumed. */
  reset(limit?: bigint): void {
    if (limit !== undefined && (limit < 0n || limit > U64_MAX)) {
      throw new RwasmError('InvalidArgument', `fuel limit ${limit} is not a u64`);
    }
    this.limitValue = limit;
    this.consumedBase = 0n;
    this.refill();
  }

  /** Changes the limit and keeps what was consumed (used to top up a run that ran out). */
  setLimit(limit: bigint | undefined): void {
    if (limit !== undefined && (limit < 0n || limit > U64_MAX)) {
      throw new RwasmError('InvalidArgument', `fuel limit ${limit} is not a u64`);
    }
    this.settle();
    this.limitValue = limit;
    this.refill();
  }

  /** Exact charge: false (and nothing charged) when `consumed + amount` would exceed the limit. */
  tryConsume(amount: bigint): boolean {
    this.settle();
    const total = this.consumedBase + amount;
    if (this.limitValue !== undefined && total > this.limitValue) {
      this.refill();
      return false;
    }
    this.consumedBase = total > U64_MAX ? U64_MAX : total;
    this.refill();
    return true;
  }

  /** Gives back fuel charged in advance for work that did not happen (never below zero). */
  refund(amount: bigint): void {
    this.settle();
    this.consumedBase = amount >= this.consumedBase ? 0n : this.consumedBase - amount;
    this.refill();
  }

  /** Folds what the loop spent into the exact total and grants a fresh budget. */
  settle(): void {
    this.consumedBase = this.consumed();
    this.refill();
  }

  private refill(): void {
    const left = this.limitValue === undefined ? BigInt(MAX_BUDGET) : this.limitValue - this.consumedBase;
    const budget = left <= 0n ? 0 : left >= BigInt(MAX_BUDGET) ? MAX_BUDGET : Number(left);
    this.budget = budget;
    this.budgetStart = budget;
  }

  /** Exact state for snapshots. */
  state(): { consumed: bigint; limit: bigint | undefined } {
    return { consumed: this.consumed(), limit: this.limitValue };
  }

  restore(consumed: bigint, limit: bigint | undefined): void {
    this.limitValue = limit;
    this.consumedBase = consumed;
    this.refill();
  }
}

/** Everything an execution reads and writes besides its stacks. */
export class Store {
  readonly memory: LinearMemory;
  globals: Int32Array;
  readonly tables: (Table | undefined)[] = new Array<Table | undefined>(MAX_TABLES).fill(undefined);
  dataDropped = new DropFlags();
  elemDropped = new DropFlags();
  readonly fuel: FuelMeter;
  /** The signature the last indirect call announced, or -1 (the reference's `None`). */
  lastSignature = -1;

  constructor(options: { globalSlots: number; maxMemoryPages?: number | undefined; fuelLimit?: bigint | undefined }) {
    this.memory = new LinearMemory(options.maxMemoryPages);
    this.globals = new Int32Array(options.globalSlots);
    this.fuel = new FuelMeter(options.fuelLimit);
  }

  /** Bounds-checked copy out of linear memory; undefined when the range is out of bounds. */
  read(offset: number, length: number): Uint8Array | undefined {
    if (!inBounds(offset, length, this.memory.bytes.length)) return undefined;
    return this.memory.bytes.slice(offset, offset + length);
  }

  /** Bounds-checked write into linear memory; false (nothing written) when out of bounds. */
  write(offset: number, bytes: Uint8Array): boolean {
    if (!inBounds(offset, bytes.length, this.memory.bytes.length)) return false;
    this.memory.bytes.set(bytes, offset);
    return true;
  }
}

function inBounds(offset: number, length: number, size: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= size;
}
