/**
 * An instance of a Wasm module on rWasm, called the way the JS API calls one: exports by name
 * with JS values, host imports that are JS functions, memory, globals and tables shared with JS.
 *
 * Host imports may call back into the instance (wasm-bindgen and Emscripten glue do). A Machine
 * runs one execution at a time, so each level of nesting runs on a machine of its own, all of
 * them on the instance's one store (memory, globals, tables, fuel) and its one prepared program.
 */
import type { Tier } from '../compiled/index.js';
import { ExternalKind } from '../compiler/wasm/module.js';
import { TrapCode } from '../format/trap-codes.js';
import type { FuelCostTable } from '../interpreter/fuel-costs.js';
import type { HostFunction } from '../interpreter/host.js';
import { Machine, type RunOptions } from '../interpreter/machine.js';
import type { Store } from '../interpreter/store.js';
import { LinkError, RuntimeError } from './errors.js';
import {
  GrowableTable, MAX_TABLE_ELEMENTS, adoptTable, functionOwners, tableFacts, globalCellOf, isGlobal, isMemory, isTable, linearMemoryOf,
  settleMemory, wrapGlobal, wrapMemory, wrapTable, type GlobalCell, type Memory, type Table, Global,
} from './externals.js';
import { WasmProgram, sharedImportedGlobalValue, signature, type CompileOptions, type CompiledVariant, type FunctionSignature, type ImportDescriptor } from './program.js';
import { signatureKey } from './foreign.js';
import { applyDataSegments, applyElementSegments, type ConstantContext } from './segments.js';
import { hostResults, isWide, jsResult, readValue, pushWords, valuesOf, wordCount, wordsOf, type FunctionRefs, type ValueTypeName } from './values.js';

/** A host function with its Wasm type spelled out (checked against the import's). */
export interface TypedHostFunction {
  readonly params: readonly ValueTypeName[];
  readonly results: readonly ValueTypeName[];
  readonly call: (...args: never[]) => unknown;
}

/** `imports[module][name]`: a function (typed or not), a Memory, Table or Global, or a number/bigint for an immutable global. */
export type Imports = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface OutOfFuelEvent {
  /** Fuel the charge that did not fit needs beyond what is left. */
  readonly required: bigint;
  readonly consumed: bigint;
  readonly instance: WasmInstance;
}

export interface InstanceOptions {
  imports?: Imports;
  /** Fuel limit of the instance (needs a program compiled with `consumeFuel`, the default, or `fuelCosts`). */
  fuelLimit?: bigint | number;
  /**
   * Called when a call runs out of fuel: return more fuel to continue exactly where it stopped,
   * or nothing to end the call with a RuntimeError (trap OutOfFuel).
   */
  onOutOfFuel?: (event: OutOfFuelEvent) => bigint | number | undefined | void;
  /** The engine tier (default: the process's default tier, `'auto'`). */
  tier?: Tier;
  /** Engine metering: every instruction charged its cost from this table, on top of the compiled fuel. */
  fuelCosts?: FuelCostTable;
}

type JsFunction = (...args: unknown[]) => unknown;

/** The Wasm type of every exported function object, whichever instance made it. */
const functionTypes = new WeakMap<object, FunctionSignature>();

export class WasmInstance implements FunctionRefs {
  readonly program: WasmProgram;
  /** The exports as the JS API shapes them: functions, Memory, Table and Global objects, frozen. */
  readonly exports: Readonly<Record<string, unknown>>;
  private readonly variant: CompiledVariant;
  private readonly store: Store;
  private readonly machines: Machine[] = [];
  private readonly hostFunctions: HostFunction[] = [];
  private readonly options: InstanceOptions;
  private depth = 0;
  private readonly functions = new Map<number, JsFunction>();
  private readonly functionIndices = new WeakMap<object, number>();
  /** Imported Wasm functions by object: stored into this instance's tables as their trampolines. */
  private readonly importedFunctionIndex = new Map<object, number>();
  private readonly importedValues = new Map<number, unknown>();
  private readonly globalObjects = new Map<number, Global>();
  private readonly importedGlobalCells = new Map<number, GlobalCell>();
  private readonly syncedGlobals: number[] = [];
  /** Until the imported globals are in their slots (after the init code), there is nothing to keep in step. */
  private globalsLinked = false;
  private readonly tableObjects = new Map<number, Table>();
  private readonly memoryObject: Memory | undefined;
  private readonly exportStates = new Map<number, number>();
  private readonly foreignPcs = new Map<object, number>();
  private readonly foreignAtPc = new Map<number, JsFunction>();
  private readonly signatures: FunctionSignature[];
  private readonly exportedFunctions = new Map<string, number>();

  private constructor(program: WasmProgram, options: InstanceOptions) {
    this.program = program;
    this.options = options;
    const wasm = program.wasm;
    this.signatures = wasm.functions.map((typeIndex) => signature(wasm, typeIndex));
    for (const e of program.exports) if (e.kind === 'function' && !this.exportedFunctions.has(e.name)) this.exportedFunctions.set(e.name, e.index);
    let importedMemory: Memory | undefined;
    const importedTables: Array<[number, Table]> = [];
    let tableIndex = 0;
    let globalIndex = 0;
    for (const imp of program.imports) {
      const value = importValue(options.imports, imp);
      switch (imp.kind) {
        case 'function':
          this.linkFunction(imp, value, imp.index);
          break;
        case 'global':
          this.linkGlobal(imp, value, globalIndex++);
          break;
        case 'memory':
          importedMemory = linkMemory(imp, value);
          break;
        case 'table':
          importedTables.push([tableIndex++, linkTable(imp, value, this)]);
          break;
      }
    }
    const constants = program.constantImportedGlobals;
    this.variant = program.variant(sharedImportedGlobalValue(constants, (g) => this.importedGlobalBits(g)));

    const first = new Machine(this.variant.module, {
      fpu: true,
      tier: options.tier,
      fuelCosts: options.fuelCosts,
      fuelLimit: options.fuelLimit,
      maxMemoryPages: program.maxMemoryPages,
      hostFunctions: this.hostFunctions,
    });
    this.machines.push(first);
    this.store = first.store;
    if (importedMemory) {
      // The store runs on the imported memory itself, so JS and other instances see every write.
      (this.store as { memory: Store['memory'] }).memory = linearMemoryOf(importedMemory).linear;
      this.memoryObject = importedMemory;
    } else if (wasm.memories.length > 0) {
      this.memoryObject = wrapMemory(this.store.memory, wasm.memories[0]!.max);
    }
    for (const [index, table] of importedTables) this.store.tables[index] = adoptTable(table, this);
    wasm.tables.forEach((type, index) => {
      // Defined tables may grow past rWasm's 1024 elements, up to their declared maximum.
      if (index >= wasm.importedTables) this.store.tables[index] = new GrowableTable(Math.min(type.limits.max ?? MAX_TABLE_ELEMENTS, MAX_TABLE_ELEMENTS));
    });

    // The init code: globals, tables, active segments (unless the instance applies them, below).
    this.finish(this.execute({ entry: 'init' }), undefined);
    for (const [index, cell] of this.importedGlobalCells) this.writeGlobal(index, cell.get());
    this.globalsLinked = true;
    const rewrite = program.rewrite;
    const context: ConstantContext = { globalBits: (g) => this.globalBits(g), functionPc: (f) => this.variant.functionPcs[f]! };
    if (rewrite?.passiveElements) applyElementSegments(wasm, this.store, context);
    if (rewrite?.passiveData) applyDataSegments(wasm, this.store, context);
    wasm.exports.forEach((e) => {
      if (e.kind === ExternalKind.Func && !this.exportStates.has(e.index)) this.exportStates.set(e.index, program.routerStates.get(e.name)!);
    });
    const exports: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const e of wasm.exports) exports[e.name] = this.exportValue(e.kind, e.index);
    this.exports = Object.freeze(exports);
    if (rewrite?.startRemoved && wasm.start !== undefined) this.invoke(wasm.start, []);
  }

  /** Instantiates `source` (compiling it first when given bytes). Throws LinkError, CompileError or RuntimeError. */
  static create(source: WasmProgram | Uint8Array, options: InstanceOptions & CompileOptions = {}): WasmInstance {
    const program = source instanceof WasmProgram ? source : WasmProgram.compile(source, options);
    return new WasmInstance(program, options);
  }

  /** Calls the exported function `name` with JS values (i64 as bigint) and returns its result (an array for several). */
  call(name: string, ...args: unknown[]): unknown {
    const index = this.exportedFunctions.get(name);
    if (index === undefined) throw new TypeError(`the module exports no function named ${name}`);
    return this.invoke(index, args);
  }

  /** The exported function `name` as a JS function. */
  function(name: string): JsFunction {
    const f = this.exports[name];
    if (typeof f !== 'function') throw new TypeError(`the module exports no function named ${name}`);
    return f as JsFunction;
  }

  /** The instance's memory (its own or the imported one), or the exported memory `name`. */
  memory(name?: string): Memory {
    const memory = name === undefined ? this.memoryObject : this.exports[name];
    if (memory === undefined || !isMemory(memory)) throw new TypeError(name === undefined ? 'the module has no memory' : `the module exports no memory named ${name}`);
    return memory;
  }

  global(name: string): Global {
    const global = this.exports[name];
    if (!isGlobal(global)) throw new TypeError(`the module exports no global named ${name}`);
    return global;
  }

  table(name: string): Table {
    const table = this.exports[name];
    if (!isTable(table)) throw new TypeError(`the module exports no table named ${name}`);
    return table;
  }

  /** The tier the code runs on: `'compiled'` where it runs as generated JavaScript. */
  get tier(): 'interpreter' | 'compiled' {
    return this.machines[0]!.tier;
  }

  fuelConsumed(): bigint {
    return this.store.fuel.consumed();
  }

  remainingFuel(): bigint | undefined {
    return this.store.fuel.remaining();
  }

  addFuel(amount: bigint | number): void {
    this.machines[0]!.addFuel(amount);
  }

  /** A new limit (none without an argument), with nothing consumed. */
  resetFuel(limit?: bigint | number): void {
    this.machines[0]!.resetFuel(limit);
  }

  // -------------------------------------------------------------- FunctionRefs

  functionAt(pc: number): JsFunction | null {
    const index = this.variant.functionAtPc.get(pc);
    if (index !== undefined) return this.functionObject(index);
    return this.foreignAtPc.get(pc) ?? null;
  }

  pcOf(value: unknown): number {
    const imported = this.importedFunctionIndex.get(value as object);
    if (imported !== undefined) return this.variant.functionPcs[imported]!;
    const index = this.functionIndices.get(value as object);
    if (index !== undefined) return this.variant.functionPcs[index]!;
    const type = functionTypes.get(value as object);
    if (type === undefined) throw new TypeError('a funcref takes null or an exported WebAssembly function');
    return this.foreignPc(value as JsFunction, type);
  }

  /** The pc of the slot standing for another instance's function here, bound on first use. */
  private foreignPc(fn: JsFunction, type: FunctionSignature): number {
    const bound = this.foreignPcs.get(fn);
    if (bound !== undefined) return bound;
    const slots = this.variant.foreignSlots.byType.get(signatureKey(type.params, type.results)) ?? [];
    const slot = slots.find((s) => !this.foreignAtPc.has(s.pc));
    if (slot === undefined) {
      throw new TypeError(`no free slot for another instance's function of type (${type.params.join(', ')}) -> (${type.results.join(', ')}): compile with a larger foreignFunctionSlots`);
    }
    this.foreignPcs.set(fn, slot.pc);
    this.foreignAtPc.set(slot.pc, fn);
    const host = this.hostFunction(slot.syscall, type, fn);
    this.hostFunctions.push(host);
    for (const machine of this.machines) machine.defineHostFunction(host);
    return slot.pc;
  }

  // -------------------------------------------------------------- calls

  /** Calls function `index`: by the router when it is exported, else from its entry pc. */
  private invoke(index: number, args: ArrayLike<unknown>): unknown {
    const type = this.signatures[index]!;
    const params = wordsOf(type.params, args, this);
    const state = this.exportStates.get(index);
    let run: RunOptions;
    if (state === undefined) run = { entry: this.variant.functionPcs[index]!, params, resultWords: wordCount(type.results) };
    else {
      params.push(state);
      run = { params, resultWords: wordCount(type.results) };
    }
    return this.finish(this.execute(run), type);
  }

  private execute(run: RunOptions): ReturnType<Machine['run']> {
    const machine = this.machineAt(this.depth);
    this.syncGlobalsIn();
    this.depth++;
    try {
      let outcome = machine.run(run);
      while (outcome.status === 'outOfFuel') {
        const more = this.options.onOutOfFuel?.({ required: outcome.required, consumed: this.store.fuel.consumed(), instance: this });
        if (more === undefined || more === null) break;
        machine.addFuel(more);
        outcome = machine.resume();
      }
      return outcome;
    } finally {
      // A call that ran out of fuel (or whose top-up threw) is over: its machine serves the next one.
      if (machine.suspended !== undefined) machine.abandon();
      this.depth--;
      this.syncGlobalsOut();
      if (this.memoryObject) settleMemory(this.memoryObject);
    }
  }

  private finish(outcome: ReturnType<Machine['run']>, type: FunctionSignature | undefined): unknown {
    switch (outcome.status) {
      case 'returned':
        return type === undefined ? undefined : jsResult(valuesOf(type.results, outcome.results, this));
      case 'trapped':
        throw new RuntimeError(outcome.trap, outcome.pc);
      case 'outOfFuel':
        throw new RuntimeError(TrapCode.OutOfFuel, outcome.pc);
      default:
        throw new RuntimeError(TrapCode.UnreachableCodeReached, undefined, `the run ended ${outcome.status}, which a WebAssembly call cannot`);
    }
  }

  private machineAt(depth: number): Machine {
    let machine = this.machines[depth];
    if (machine === undefined) {
      const first = this.machines[0]!;
      machine = new Machine(first.program, { fpu: true, store: this.store, tier: this.options.tier, fuelCosts: this.options.fuelCosts, hostFunctions: this.hostFunctions });
      this.machines[depth] = machine;
    }
    return machine;
  }

  // -------------------------------------------------------------- linking

  private linkFunction(imp: ImportDescriptor & { kind: 'function' }, value: unknown, index: number): void {
    const expected = imp.type;
    let target: (...args: unknown[]) => unknown;
    if (typeof value === 'function') {
      const type = functionTypes.get(value);
      if (type !== undefined && !sameSignature(type, expected)) throw new LinkError(`import ${imp.module}.${imp.name}: the WebAssembly function has another type than the import`);
      if (type !== undefined) {
        this.importedFunctionIndex.set(value, index);
        this.importedValues.set(index, value);
      }
      target = value as JsFunction;
    } else if (isTypedHostFunction(value)) {
      if (!sameSignature(value, expected)) {
        throw new LinkError(`import ${imp.module}.${imp.name}: declared (${value.params.join(', ')}) -> (${value.results.join(', ')}), the module imports (${expected.params.join(', ')}) -> (${expected.results.join(', ')})`);
      }
      target = value.call as JsFunction;
    } else {
      throw new LinkError(`import ${imp.module}.${imp.name} must be a function`);
    }
    const syscall = this.program.importSyscalls[index]!;
    if (this.hostFunctions.some((f) => f.index === syscall)) return; // the same (module, name) imported twice
    this.hostFunctions.push(this.hostFunction(syscall, expected, target));
  }

  /** The syscall that calls `target` with JS values, with memory and globals handed over to JS for the call. */
  private hostFunction(syscall: number, type: FunctionSignature, target: JsFunction): HostFunction {
    const { params, results } = type;
    const resultCount = results.length;
    return {
      index: syscall,
      params,
      results,
      handler: (call) => {
        const args = valuesOf(params, call.params, this);
        this.syncGlobalsOut();
        if (this.memoryObject) settleMemory(this.memoryObject);
        const result = target(...args);
        this.syncGlobalsIn();
        if (resultCount === 0) return;
        call.results.set(wordsOf(results, hostResults(resultCount, result), this));
      },
    };
  }

  private linkGlobal(imp: ImportDescriptor & { kind: 'global' }, value: unknown, index: number): void {
    const { value: type, mutable } = imp.type;
    let cell: GlobalCell;
    if (isGlobal(value)) {
      cell = globalCellOf(value);
      if (cell.type !== type || cell.mutable !== mutable) {
        throw new LinkError(`import ${imp.module}.${imp.name}: a ${cell.mutable ? 'mutable' : 'immutable'} ${cell.type} global for a ${mutable ? 'mutable' : 'immutable'} ${type} import`);
      }
      this.globalObjects.set(index, value);
    } else {
      if (mutable) throw new LinkError(`import ${imp.module}.${imp.name}: a mutable global import takes a WebAssembly.Global`);
      if (type === 'i64' ? typeof value !== 'bigint' : (type === 'i32' || type === 'f32' || type === 'f64') && typeof value !== 'number') {
        throw new LinkError(`import ${imp.module}.${imp.name}: a ${type} global import takes a ${type === 'i64' ? 'BigInt' : 'Number'} or a WebAssembly.Global`);
      }
      const constant = new Global({ value: type }, value);
      cell = globalCellOf(constant);
    }
    this.importedGlobalCells.set(index, cell);
    if (mutable) this.syncedGlobals.push(index);
  }

  /** An imported global's value as the compiler reads it in constant expressions: its bits as an i64. */
  private importedGlobalBits(index: number): bigint {
    const cell = this.importedGlobalCells.get(index)!;
    const words: number[] = [];
    pushWords(words, cell.type, cell.get(), undefined);
    const type = cell.type;
    if (isWide(type)) return BigInt.asIntN(64, (BigInt(words[1]!) << 32n) | BigInt(words[0]!));
    return type === 'i32' ? BigInt(words[0]! | 0) : BigInt(words[0]!);
  }

  // -------------------------------------------------------------- globals

  private globalType(index: number): ValueTypeName {
    return signatureOfGlobal(this.program, index);
  }

  /** The words of global `index` (an i64 or f64 global is rWasm globals 2g, its high word, and 2g + 1, its low word). */
  private globalWords(index: number): number[] {
    const machine = this.machines[0]!;
    return isWide(this.globalType(index)) ? [machine.global(2 * index + 1), machine.global(2 * index)] : [machine.global(2 * index)];
  }

  private globalBits(index: number): bigint {
    const words = this.globalWords(index);
    return words.length === 2 ? BigInt.asIntN(64, (BigInt(words[1]!) << 32n) | BigInt(words[0]!)) : BigInt(words[0]!);
  }

  private readGlobal(index: number): unknown {
    return readValue(this.globalType(index), this.globalWords(index), 0, this);
  }

  private writeGlobal(index: number, value: unknown): void {
    const type = this.globalType(index);
    const words: number[] = [];
    pushWords(words, type, value, this);
    const machine = this.machines[0]!;
    if (words.length === 2) {
      machine.setGlobal(2 * index + 1, words[0]!);
      machine.setGlobal(2 * index, words[1]!);
    } else machine.setGlobal(2 * index, words[0]!);
  }

  /** Imported mutable globals live in their Global: copied into the slots when Wasm runs, back when JS does. */
  private syncGlobalsIn(): void {
    if (!this.globalsLinked) return;
    for (const index of this.syncedGlobals) this.writeGlobal(index, this.importedGlobalCells.get(index)!.get());
  }

  private syncGlobalsOut(): void {
    if (!this.globalsLinked) return;
    for (const index of this.syncedGlobals) this.importedGlobalCells.get(index)!.set(this.readGlobal(index));
  }

  // -------------------------------------------------------------- exports

  private exportValue(kind: ExternalKind, index: number): unknown {
    switch (kind) {
      case ExternalKind.Func:
        return this.functionObject(index);
      case ExternalKind.Memory:
        return this.memoryObject;
      case ExternalKind.Table:
        return this.tableObject(index);
      case ExternalKind.Global:
        return this.globalObject(index);
    }
  }

  private functionObject(index: number): JsFunction {
    const imported = this.importedValues.get(index);
    if (imported !== undefined) return imported as JsFunction;
    let fn = this.functions.get(index);
    if (fn === undefined) {
      const type = this.signatures[index]!;
      const created: JsFunction = (...args) => this.invoke(index, args);
      Object.defineProperty(created, 'name', { value: String(index) });
      Object.defineProperty(created, 'length', { value: type.params.length });
      fn = created;
      this.functions.set(index, fn);
      this.functionIndices.set(fn, index);
      functionOwners.set(fn, this);
      functionTypes.set(fn, type);
    }
    return fn;
  }

  private tableObject(index: number): Table {
    let table = this.tableObjects.get(index);
    if (table === undefined) {
      const type = this.program.wasm.tables[index]!;
      const element = type.element === 0x6f ? 'externref' : 'funcref';
      table = wrapTable(this.store.tables[index]!, element, type.limits.max, this);
      this.tableObjects.set(index, table);
    }
    return table;
  }

  private globalObject(index: number): Global {
    let global = this.globalObjects.get(index);
    if (global === undefined) {
      const cell = this.importedGlobalCells.get(index);
      const type = this.globalType(index);
      const mutable = this.program.wasm.globals[index]!.mutable;
      global = wrapGlobal(cell ?? { type, mutable, get: () => this.readGlobal(index), set: (value) => this.writeGlobal(index, value) });
      this.globalObjects.set(index, global);
    }
    return global;
  }
}

function signatureOfGlobal(program: WasmProgram, index: number): ValueTypeName {
  const type = program.wasm.globals[index]!.type;
  return type === 0x7f ? 'i32' : type === 0x7e ? 'i64' : type === 0x7d ? 'f32' : type === 0x7c ? 'f64' : type === 0x70 ? 'funcref' : 'externref';
}

function importValue(imports: Imports | undefined, imp: ImportDescriptor): unknown {
  const namespace = imports?.[imp.module];
  if (namespace === undefined || namespace === null || (typeof namespace !== 'object' && typeof namespace !== 'function')) {
    throw new TypeError(`import module ${imp.module} must be an object`);
  }
  return (namespace as Record<string, unknown>)[imp.name];
}

function linkMemory(imp: ImportDescriptor & { kind: 'memory' }, value: unknown): Memory {
  if (!isMemory(value)) {
    const looksNative = value !== null && typeof value === 'object' && 'buffer' in value && 'grow' in value;
    throw new LinkError(`import ${imp.module}.${imp.name} must be a WebAssembly.Memory of this engine${looksNative ? ' (a memory of the host\'s own WebAssembly cannot be shared with rWasm)' : ''}`);
  }
  const { linear, maximum } = linearMemoryOf(value);
  const { minimum, maximum: declared } = imp.type;
  if (linear.pages < minimum) throw new LinkError(`import ${imp.module}.${imp.name}: the memory has ${linear.pages} pages, the module needs at least ${minimum}`);
  if (declared !== undefined && (maximum === undefined || maximum > declared)) {
    throw new LinkError(`import ${imp.module}.${imp.name}: the memory's maximum must be at most the module's ${declared} pages`);
  }
  return value;
}

function linkTable(imp: ImportDescriptor & { kind: 'table' }, value: unknown, owner: FunctionRefs): Table {
  if (!isTable(value)) throw new LinkError(`import ${imp.module}.${imp.name} must be a WebAssembly.Table of this engine`);
  const { element, minimum, maximum: declared } = imp.type;
  const adopted = tableFacts(value, owner);
  if (adopted.element !== element) throw new LinkError(`import ${imp.module}.${imp.name}: a ${adopted.element} table for a ${element} import`);
  if (adopted.table.size < minimum) throw new LinkError(`import ${imp.module}.${imp.name}: the table has ${adopted.table.size} elements, the module needs at least ${minimum}`);
  if (declared !== undefined && (adopted.maximum === undefined || adopted.maximum > declared)) {
    throw new LinkError(`import ${imp.module}.${imp.name}: the table's maximum must be at most the module's ${declared}`);
  }
  return value;
}

function isTypedHostFunction(value: unknown): value is TypedHostFunction {
  const v = value as Partial<TypedHostFunction> | null;
  return v !== null && typeof v === 'object' && Array.isArray(v.params) && Array.isArray(v.results) && typeof v.call === 'function';
}

function sameSignature(a: FunctionSignature, b: FunctionSignature): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}
