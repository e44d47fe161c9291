/**
 * `Memory`, `Table` and `Global` with the JS API's behaviour, over rWasm's own state: a Memory
 * is a `LinearMemory` (the one a store runs on), a Table an rWasm `Table` of words, a Global a
 * cell that an instance keeps in step with its global slots. The objects an instance exports
 * and the ones JS makes to import are the same classes.
 */
import { LinearMemory, MAX_ALLOWED_MEMORY_PAGES, Table as RwasmTable } from '../interpreter/store.js';
import { UNBOUNDED_TABLE_MAXIMUM } from './binary.js';
import { LinkError } from './errors.js';
import { defaultValue, externRefs, parseValueTypeName, pushWords, readValue, type FunctionRefs, type ValueTypeName } from './values.js';

/** Most elements a table may have here (V8's limit); rWasm's own tables stop at 1024. */
export const MAX_TABLE_ELEMENTS = UNBOUNDED_TABLE_MAXIMUM;
const WASM_MAX_PAGES = 65536;

// ------------------------------------------------------------------ Memory

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

interface MemoryState {
  readonly linear: LinearMemory;
  readonly maximum: number | undefined;
  /** The ArrayBuffer JS was last given; it is detached once the memory has moved on. */
  handed: ArrayBuffer | undefined;
}

const memories = new WeakMap<object, MemoryState>();

function memoryOf(value: unknown): MemoryState {
  const state = memories.get(value as object);
  if (state === undefined) throw new TypeError('not a WebAssembly.Memory of this engine');
  return state;
}

export class Memory {
  constructor(descriptor: MemoryDescriptor) {
    if (descriptor === null || typeof descriptor !== 'object') throw new TypeError('WebAssembly.Memory(): the descriptor must be an object');
    if (descriptor.shared) throw new TypeError('WebAssembly.Memory(): shared memories (threads) are not supported by rWasm');
    const initial = toIndex(descriptor.initial, 'initial');
    const maximum = descriptor.maximum === undefined ? undefined : toIndex(descriptor.maximum, 'maximum');
    if (initial > WASM_MAX_PAGES || (maximum !== undefined && (maximum > WASM_MAX_PAGES || maximum < initial))) {
      throw new RangeError('WebAssembly.Memory(): initial or maximum out of range');
    }
    if (initial > MAX_ALLOWED_MEMORY_PAGES) throw new RangeError(`WebAssembly.Memory(): rWasm memories hold at most ${MAX_ALLOWED_MEMORY_PAGES} pages (2 GiB)`);
    const linear = new LinearMemory(Math.min(maximum ?? MAX_ALLOWED_MEMORY_PAGES, MAX_ALLOWED_MEMORY_PAGES));
    if (initial > 0) linear.restore(initial, new Uint8Array(0));
    memories.set(this, { linear, maximum, handed: undefined });
  }

  /** The memory as an ArrayBuffer of exactly its size; the same object until the memory grows. */
  get buffer(): ArrayBuffer {
    const state = memoryOf(this);
    settleMemory(state);
    const linear = state.linear;
    // rWasm keeps room to grow in its buffer; JS must see one of exactly the memory's size.
    if (linear.bytes.byteLength !== linear.bytes.buffer.byteLength) linear.restore(linear.pages, linear.bytes);
    state.handed = linear.bytes.buffer as ArrayBuffer;
    return state.handed;
  }

  /** Grows by `delta` pages: the old size in pages, or a RangeError past the maximum. */
  grow(delta: number): number {
    const state = memoryOf(this);
    const pages = toIndex(delta, 'delta');
    settleMemory(state);
    const linear = state.linear;
    const old = linear.pages;
    const limit = Math.min(state.maximum ?? WASM_MAX_PAGES, linear.maxPages);
    if (old + pages > limit) {
      const why = linear.maxPages < (state.maximum ?? WASM_MAX_PAGES) ? ` (the engine's cap is ${linear.maxPages} pages)` : '';
      throw new RangeError(`WebAssembly.Memory.grow(): maximum memory size exceeded${why}`);
    }
    // A new buffer every time, as the JS API's grow detaches the old one even for 0 pages.
    linear.restore(old + pages, linear.bytes);
    detach(state.handed);
    state.handed = undefined;
    return old;
  }

  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Memory';
  }
}

/** The Memory over an instance's own linear memory. */
export function wrapMemory(linear: LinearMemory, maximum: number | undefined): Memory {
  const memory = Object.create(Memory.prototype) as Memory;
  memories.set(memory, { linear, maximum, handed: undefined });
  return memory;
}

export function isMemory(value: unknown): value is Memory {
  return memories.has(value as object);
}

export function linearMemoryOf(memory: Memory): { linear: LinearMemory; maximum: number | undefined } {
  const state = memoryOf(memory);
  return { linear: state.linear, maximum: state.maximum };
}

/**
 * Detaches the buffer JS holds when the memory has moved to a new one (the program grew it),
 * as the JS API detaches it on every grow: code that caches a view (wasm-bindgen checks
 * `byteLength === 0`) then knows to look again. Called whenever control passes to JS.
 */
export function settleMemory(state: MemoryState | Memory): void {
  const s = state instanceof Memory ? memoryOf(state) : state;
  if (s.handed !== undefined && s.handed !== s.linear.bytes.buffer) {
    detach(s.handed);
    s.handed = undefined;
  }
}

function detach(buffer: ArrayBuffer | undefined): void {
  if (buffer === undefined || buffer.byteLength === 0) return;
  const transfer = (buffer as { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer === 'function') {
    transfer.call(buffer);
    return;
  }
  const clone = (globalThis as { structuredClone?: (value: unknown, options: { transfer: unknown[] }) => unknown }).structuredClone;
  clone?.(buffer, { transfer: [buffer] });
}

// ------------------------------------------------------------------ Table

export interface TableDescriptor {
  element: string;
  initial: number;
  maximum?: number;
}

/** An rWasm table that may grow past rWasm's 1024 elements, up to its declared maximum. */
export class GrowableTable extends RwasmTable {
  constructor(private readonly limit: number) {
    super();
  }

  override grow(delta: number, init: number): number {
    const current = this.size;
    const desired = current + delta;
    if (desired > this.limit) return -1;
    if (desired > this.elements.length) {
      const elements = new Int32Array(Math.min(Math.max(desired, this.elements.length * 2), this.limit));
      elements.set(this.elements.subarray(0, current));
      this.elements = elements;
    }
    this.elements.fill(init, current, desired);
    this.size = desired;
    return current;
  }
}

interface TableState {
  readonly table: RwasmTable;
  readonly element: 'funcref' | 'externref';
  readonly maximum: number | undefined;
  /** The instance whose functions the funcref words are pcs of (set by the first function stored, or the instance that owns the table). */
  owner: FunctionRefs | undefined;
}

const tables = new WeakMap<object, TableState>();

function tableOf(value: unknown): TableState {
  const state = tables.get(value as object);
  if (state === undefined) throw new TypeError('not a WebAssembly.Table of this engine');
  return state;
}

/** The instance an exported function belongs to (filled in by instances). */
export const functionOwners = new WeakMap<object, FunctionRefs>();

export class Table {
  constructor(descriptor: TableDescriptor, value?: unknown) {
    if (descriptor === null || typeof descriptor !== 'object') throw new TypeError('WebAssembly.Table(): the descriptor must be an object');
    const element = parseValueTypeName(descriptor.element);
    if (element !== 'funcref' && element !== 'externref') throw new TypeError(`WebAssembly.Table(): element type ${String(descriptor.element)} is not a reference type`);
    const initial = toIndex(descriptor.initial, 'initial');
    const maximum = descriptor.maximum === undefined ? undefined : toIndex(descriptor.maximum, 'maximum');
    if (maximum !== undefined && maximum < initial) throw new RangeError('WebAssembly.Table(): maximum is below initial');
    if (initial > MAX_TABLE_ELEMENTS) throw new RangeError(`WebAssembly.Table(): at most ${MAX_TABLE_ELEMENTS} elements`);
    const state: TableState = { table: new GrowableTable(Math.min(maximum ?? MAX_TABLE_ELEMENTS, MAX_TABLE_ELEMENTS)), element, maximum, owner: undefined };
    tables.set(this, state);
    state.table.grow(initial, elementWord(state, arguments.length > 1 ? value : defaultValue(element)));
  }

  get length(): number {
    return tableOf(this).table.size;
  }

  get(index: number): unknown {
    const state = tableOf(this);
    const i = toIndex(index, 'index');
    if (i >= state.table.size) throw new RangeError(`WebAssembly.Table.get(): index ${i} out of bounds`);
    return elementValue(state, state.table.elements[i]!);
  }

  set(index: number, value?: unknown): void {
    const state = tableOf(this);
    const i = toIndex(index, 'index');
    if (i >= state.table.size) throw new RangeError(`WebAssembly.Table.set(): index ${i} out of bounds`);
    state.table.elements[i] = elementWord(state, arguments.length > 1 ? value : defaultValue(state.element));
  }

  grow(delta: number, value?: unknown): number {
    const state = tableOf(this);
    const count = toIndex(delta, 'delta');
    const word = elementWord(state, arguments.length > 1 ? value : defaultValue(state.element));
    const old = state.table.grow(count, word);
    if (old < 0) throw new RangeError('WebAssembly.Table.grow(): maximum table size exceeded');
    return old;
  }

  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Table';
  }
}

export function wrapTable(table: RwasmTable, element: 'funcref' | 'externref', maximum: number | undefined, owner: FunctionRefs): Table {
  const wrapped = Object.create(Table.prototype) as Table;
  tables.set(wrapped, { table, element, maximum, owner });
  return wrapped;
}

export function isTable(value: unknown): value is Table {
  return tables.has(value as object);
}

/** What linking checks of a table an instance imports (a LinkError when it holds another instance's functions). */
export function tableFacts(table: Table, owner: FunctionRefs): { table: RwasmTable; element: 'funcref' | 'externref'; maximum: number | undefined } {
  const state = tableOf(table);
  if (state.element === 'funcref' && state.owner !== undefined && state.owner !== owner) {
    const used = state.table.elements.subarray(0, state.table.size).some((word) => word !== 0);
    if (used) throw new LinkError('the imported table holds functions of another instance: rWasm tables hold code positions of one instance only');
  }
  return { table: state.table, element: state.element, maximum: state.maximum };
}

/** Makes `owner` the instance whose functions the table's funcref words name; its rWasm table, for the owner's store. */
export function adoptTable(table: Table, owner: FunctionRefs): RwasmTable {
  const state = tableOf(table);
  if (state.element === 'funcref') state.owner = owner;
  return state.table;
}

function elementWord(state: TableState, value: unknown): number {
  if (state.element === 'externref') return externRefs.toWord(value);
  if (value === null) return 0;
  // The words are pcs of the owner's program; the owner stands in for other instances' functions.
  const owner = state.owner ?? functionOwners.get(value as object);
  if (owner === undefined) throw new TypeError('a funcref table takes null or an exported WebAssembly function');
  const word = owner.pcOf(value);
  state.owner = owner;
  return word;
}

function elementValue(state: TableState, word: number): unknown {
  if (state.element === 'externref') return externRefs.fromWord(word);
  return word === 0 || state.owner === undefined ? null : state.owner.functionAt(word >>> 0);
}

// ------------------------------------------------------------------ Global

export interface GlobalDescriptor {
  value: string;
  mutable?: boolean;
}

/** Where a global's value lives: a plain cell, or an instance's global slots. */
export interface GlobalCell {
  readonly type: ValueTypeName;
  readonly mutable: boolean;
  get(): unknown;
  set(value: unknown): void;
}

const globals = new WeakMap<object, GlobalCell>();

function globalOf(value: unknown): GlobalCell {
  const cell = globals.get(value as object);
  if (cell === undefined) throw new TypeError('not a WebAssembly.Global of this engine');
  return cell;
}

export class Global {
  constructor(descriptor: GlobalDescriptor, value?: unknown) {
    if (descriptor === null || typeof descriptor !== 'object') throw new TypeError('WebAssembly.Global(): the descriptor must be an object');
    const type = parseValueTypeName(descriptor.value);
    if (type === undefined) throw new TypeError(`WebAssembly.Global(): unknown value type ${String(descriptor.value)}`);
    let current = canonical(type, arguments.length > 1 && value !== undefined ? value : defaultValue(type));
    globals.set(this, {
      type,
      mutable: Boolean(descriptor.mutable),
      get: () => current,
      set: (next) => void (current = canonical(type, next)),
    });
  }

  get value(): unknown {
    return globalOf(this).get();
  }

  set value(value: unknown) {
    const cell = globalOf(this);
    if (!cell.mutable) throw new TypeError('WebAssembly.Global: cannot set the value of an immutable global');
    cell.set(value);
  }

  valueOf(): unknown {
    return globalOf(this).get();
  }

  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Global';
  }
}

export function wrapGlobal(cell: GlobalCell): Global {
  const global = Object.create(Global.prototype) as Global;
  globals.set(global, cell);
  return global;
}

export function isGlobal(value: unknown): value is Global {
  return globals.has(value as object);
}

export function globalCellOf(global: Global): GlobalCell {
  return globalOf(global);
}

/** A value as the global of `type` holds it (ToWebAssemblyValue, then back). */
function canonical(type: ValueTypeName, value: unknown): unknown {
  if (type === 'externref') return value;
  if (type === 'funcref') {
    if (value !== null && !functionOwners.has(value as object)) throw new TypeError('a funcref global takes null or an exported WebAssembly function');
    return value;
  }
  const words: number[] = [];
  pushWords(words, type, value, undefined);
  return readValue(type, words, 0, undefined);
}

// ------------------------------------------------------------------ shared

/** The JS API's [EnforceRange] unsigned long. */
export function toIndex(value: unknown, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 0xffffffff) throw new TypeError(`${what} ${String(value)} is not an unsigned 32-bit integer`);
  return Math.trunc(n);
}
