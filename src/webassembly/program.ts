/**
 * One Wasm binary compiled once to rWasm so that every export can be called on any instance.
 *
 * rWasm has one entry (`source_pc`), so the module is compiled with the compiler's state router
 * over every exported function, as the spec-test runner and the binaryen fuzz harness do: an
 * export is called with its parameter words followed by its state word, and the router, which
 * reads the state off the top of the stack, drops it and tail-calls the export. Functions that
 * are reached through a funcref (a table entry, a funcref result) rather than by name run from
 * their own pc: every function the compiler emits starts with its `SignatureCheck` and the
 * functions are laid out in index order, so the i-th `SignatureCheck` of the code is function i.
 */
import { RwasmError } from '../errors.js';
import { compileWasm } from '../compiler/compile.js';
import { ExternalKind, parseModule, type ConstExpr, type WasmModule } from '../compiler/wasm/module.js';
import { ImportLinker, type ImportEntry } from '../format/import-linker.js';
import type { RwasmModule } from '../format/module.js';
import { Opcode } from '../format/opcodes.js';
import { MAX_ALLOWED_MEMORY_PAGES } from '../interpreter/store.js';
import { UNBOUNDED_TABLE_MAXIMUM, needsLinkingRewrite, rewriteForLinking, type LinkingRewrite } from './binary.js';
import { CompileError, LinkError } from './errors.js';
import { signatureKey, withForeignSlots, type ForeignSlots } from './foreign.js';
import { valueTypeName, type ValueTypeName } from './values.js';

export type ExternKind = 'function' | 'table' | 'memory' | 'global';

export interface FunctionSignature {
  readonly params: readonly ValueTypeName[];
  readonly results: readonly ValueTypeName[];
}

/** What an import or export is, with its Wasm type. */
export type ExternType =
  | { readonly kind: 'function'; readonly type: FunctionSignature }
  | { readonly kind: 'global'; readonly type: { readonly value: ValueTypeName; readonly mutable: boolean } }
  | { readonly kind: 'memory'; readonly type: { readonly minimum: number; readonly maximum: number | undefined } }
  | { readonly kind: 'table'; readonly type: { readonly element: ValueTypeName; readonly minimum: number; readonly maximum: number | undefined } };

export type ImportDescriptor = { readonly module: string; readonly name: string; readonly index: number } & ExternType;
export type ExportDescriptor = { readonly name: string; readonly index: number } & ExternType;

export interface CompileOptions {
  /**
   * Compile the compiler's fuel metering into the code (default true): needed for `fuelLimit`
   * to stop a run. Off is faster where nothing has to be bounded.
   */
  consumeFuel?: boolean;
  /**
   * The memory cap in pages this program is compiled for and its instances run with: initial
   * memory must stay below it and `memory.grow` stops at it (default and most: 32768 pages, 2 GiB,
   * rWasm's hard limit; Fluent's own builds keep the reference's 1024).
   */
  maxMemoryPages?: number;
  /**
   * Functions of other instances that each function type can hold in this instance's tables,
   * globals and arguments (default 32; see foreign.ts): Emscripten's `addFunction` uses one per
   * JS callback it registers.
   */
  foreignFunctionSlots?: number;
}

/** The first syscall index of the import trampolines (any u32 would do; this one reads well in a trace). */
const IMPORT_SYSCALL_BASE = 0x1000;

/** The rWasm compilation of the module for one value of the imported globals its constant expressions read. */
export interface CompiledVariant {
  readonly module: RwasmModule;
  /** Entry pc of every function, by function index. */
  readonly functionPcs: Uint32Array;
  /** Function index by entry pc. */
  readonly functionAtPc: ReadonlyMap<number, number>;
  /** Trampolines for functions of other instances, by type. */
  readonly foreignSlots: ForeignSlots;
}

export class WasmProgram {
  /** The module as given, parsed (segments and types are read from here). */
  readonly wasm: WasmModule;
  readonly imports: readonly ImportDescriptor[];
  readonly exports: readonly ExportDescriptor[];
  readonly maxMemoryPages: number;
  readonly consumeFuel: boolean;
  readonly foreignFunctionSlots: number;
  /** What was rewritten before compiling (see binary.ts), or undefined when nothing was. */
  readonly rewrite: LinkingRewrite | undefined;
  /** Syscall index of each function import, by function index. */
  readonly importSyscalls: readonly number[];
  /** The router's state word of each export, by export name (functions only). */
  readonly routerStates: ReadonlyMap<string, number>;
  /** Imported globals (by global index) that constant expressions compiled into the code read. */
  readonly constantImportedGlobals: readonly number[];
  private readonly linker: ImportLinker;
  private readonly variants = new Map<bigint, CompiledVariant>();

  private constructor(bytes: Uint8Array, options: CompileOptions) {
    const pages = options.maxMemoryPages ?? MAX_ALLOWED_MEMORY_PAGES;
    if (!Number.isInteger(pages) || pages < 0 || pages > MAX_ALLOWED_MEMORY_PAGES) {
      throw new RangeError(`maxMemoryPages ${pages} is not a page count of at most ${MAX_ALLOWED_MEMORY_PAGES}`);
    }
    this.maxMemoryPages = pages;
    this.consumeFuel = options.consumeFuel ?? true;
    this.foreignFunctionSlots = options.foreignFunctionSlots ?? 32;
    if (!Number.isInteger(this.foreignFunctionSlots) || this.foreignFunctionSlots < 0 || this.foreignFunctionSlots > 4096) {
      throw new RangeError(`foreignFunctionSlots ${this.foreignFunctionSlots} is not a count from 0 to 4096`);
    }
    // Bodies are validated as they are compiled (below); this reads the structure.
    this.wasm = compileStep(() => parseModule(bytes));
    const wasm = this.wasm;
    if (wasm.memories.length > 1) throw new CompileError('rWasm has one memory: multi-memory modules cannot run');
    const huge = wasm.tables.find((t) => t.limits.min > UNBOUNDED_TABLE_MAXIMUM);
    if (huge) throw new CompileError(`a table of ${huge.limits.min} elements: tables hold at most ${UNBOUNDED_TABLE_MAXIMUM} here`);
    this.imports = wasm.imports.map((imp, index) => ({ module: imp.module, name: imp.name, index, ...importType(wasm, imp) }));
    this.exports = wasm.exports.map((e) => ({ name: e.name, index: e.index, ...exportType(wasm, e.kind, e.index) }));
    this.rewrite = needsLinkingRewrite(wasm) ? rewriteForLinking(bytes, wasm) : undefined;

    const entries: ImportEntry[] = [];
    const syscalls: number[] = [];
    const byName = new Map<string, ImportEntry>();
    for (const imp of this.imports) {
      if (imp.kind !== 'function') continue;
      const key = `${imp.module}\u0000${imp.name}`;
      const same = byName.get(key);
      if (same) {
        // One linker entry per (module, name): the same import declared twice shares it.
        if (!sameTypes(same, imp.type)) throw new CompileError(`import ${imp.module}.${imp.name} is declared twice with different types, which rWasm's import linker cannot hold`);
        syscalls.push(same.index);
        continue;
      }
      const entry: ImportEntry = { module: imp.module, name: imp.name, index: IMPORT_SYSCALL_BASE + entries.length, params: [...imp.type.params], results: [...imp.type.results] };
      entries.push(entry);
      byName.set(key, entry);
      syscalls.push(entry.index);
    }
    this.linker = new ImportLinker(entries);
    this.importSyscalls = syscalls;
    const states = new Map<string, number>();
    for (const e of this.exports) if (e.kind === 'function') states.set(e.name, states.size);
    this.routerStates = states;
    this.constantImportedGlobals = importedGlobalsInConstants(wasm, this.rewrite);
    // Compile now, so a module that cannot run is refused where the JS API refuses it.
    this.variant(0n);
  }

  /** Compiles `bytes` (a CompileError when it is malformed or uses what rWasm cannot run). */
  static compile(bytes: Uint8Array, options: CompileOptions = {}): WasmProgram {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('Wasm bytes must be a Uint8Array');
    return new WasmProgram(bytes, options);
  }

  /** The linker entry (syscall index and signature) of each function import, for the host functions. */
  importEntry(syscall: number): ImportEntry {
    return this.linker.byIndexOf(syscall)!;
  }

  /**
   * The compilation whose constant expressions see `importedGlobalValue` for every imported
   * global they read (the compiler takes one such value); compiled once per value.
   */
  variant(importedGlobalValue: bigint): CompiledVariant {
    let variant = this.variants.get(importedGlobalValue);
    if (variant === undefined) {
      const bytes = this.rewrite?.bytes ?? this.wasm.bytes;
      const build = (consumeFuel: boolean) => compileStep(() =>
        compileWasm(bytes, {
          fpu: true,
          consumeFuel,
          maxAllowedMemoryPages: this.maxMemoryPages + 1,
          importLinker: this.linker,
          allowMalformedEntrypointFuncType: true,
          allowFuncRefFunctionTypes: true,
          defaultImportedGlobalValue: importedGlobalValue,
          stateRouter: { states: [...this.routerStates] },
        }).module,
      );
      let module = build(this.consumeFuel);
      if (!this.consumeFuel) {
        // Without fuel, `(loop (br 0))` compiles to a branch to itself, which rWasm's verifier
        // refuses (as the reference's does); such a module is compiled with fuel, uncapped.
        try {
          module.verify();
        } catch (error) {
          if (!(error instanceof RwasmError)) throw error;
          module = build(true);
        }
      }
      const entries = functionEntries(module, this.wasm.functions.length);
      const key = (typeIndex: number) => {
        const { params, results } = signature(this.wasm, typeIndex);
        return signatureKey(params, results);
      };
      const foreign = withForeignSlots(module, this.wasm, this.foreignFunctionSlots, key);
      variant = { module: foreign.module, ...entries, foreignSlots: foreign.slots };
      this.variants.set(importedGlobalValue, variant);
    }
    return variant;
  }
}

function compileStep<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof RwasmError) throw new CompileError(`${error.code}: ${error.message}`, error);
    throw error;
  }
}

function functionEntries(module: RwasmModule, count: number): { functionPcs: Uint32Array; functionAtPc: Map<number, number> } {
  const pcs: number[] = [];
  const code = module.code;
  for (let pc = 0; pc < code.length && pcs.length < count; pc++) if (code.opcode(pc) === Opcode.SignatureCheck) pcs.push(pc);
  if (pcs.length !== count) throw new CompileError(`found ${pcs.length} function entries in the rWasm code for ${count} functions`);
  const functionPcs = Uint32Array.from(pcs);
  return { functionPcs, functionAtPc: new Map(pcs.map((pc, index) => [pc, index])) };
}

function importType(wasm: WasmModule, imp: WasmModule['imports'][number]): ExternType {
  switch (imp.kind) {
    case ExternalKind.Func:
      return { kind: 'function', type: signature(wasm, imp.typeIndex) };
    case ExternalKind.Global:
      return { kind: 'global', type: { value: valueTypeName(imp.global.type), mutable: imp.global.mutable } };
    case ExternalKind.Memory:
      return { kind: 'memory', type: { minimum: imp.memory.min, maximum: imp.memory.max } };
    case ExternalKind.Table:
      return { kind: 'table', type: { element: valueTypeName(imp.table.element), minimum: imp.table.limits.min, maximum: imp.table.limits.max } };
  }
}

function exportType(wasm: WasmModule, kind: ExternalKind, index: number): ExternType {
  switch (kind) {
    case ExternalKind.Func:
      return { kind: 'function', type: signature(wasm, wasm.functions[index]!) };
    case ExternalKind.Global: {
      const global = wasm.globals[index]!;
      return { kind: 'global', type: { value: valueTypeName(global.type), mutable: global.mutable } };
    }
    case ExternalKind.Memory: {
      const memory = wasm.memories[index]!;
      return { kind: 'memory', type: { minimum: memory.min, maximum: memory.max } };
    }
    case ExternalKind.Table: {
      const table = wasm.tables[index]!;
      return { kind: 'table', type: { element: valueTypeName(table.element), minimum: table.limits.min, maximum: table.limits.max } };
    }
  }
}

export function signature(wasm: WasmModule, typeIndex: number): FunctionSignature {
  const type = wasm.types[typeIndex]!;
  return { params: type.params.map(valueTypeName), results: type.results.map(valueTypeName) };
}

function sameTypes(entry: ImportEntry, type: FunctionSignature): boolean {
  return entry.params.join() === type.params.join() && entry.results.join() === type.results.join();
}

/** Imported globals read by the constant expressions the compiler evaluates (global inits, and segment offsets it applies itself). */
function importedGlobalsInConstants(wasm: WasmModule, rewrite: LinkingRewrite | undefined): number[] {
  const read = new Set<number>();
  const scan = (expr: ConstExpr | undefined): void => {
    for (const op of expr?.ops ?? []) if (op.op === 0x23 && op.a < wasm.importedGlobals) read.add(op.a);
  };
  wasm.globalInits.forEach(scan);
  if (!rewrite?.passiveData) for (const segment of wasm.datas) scan(segment.offset);
  for (const segment of wasm.elements) {
    if (!rewrite?.passiveElements) scan(segment.offset);
    for (const item of segment.items) if (typeof item !== 'number') scan(item);
  }
  return [...read].sort((a, b) => a - b);
}

/** The one value the compiler can give the imported globals `globals` reads, or a LinkError. */
export function sharedImportedGlobalValue(globals: readonly number[], valueOf: (global: number) => bigint): bigint {
  let shared: bigint | undefined;
  for (const global of globals) {
    const value = valueOf(global);
    if (shared !== undefined && value !== shared) {
      throw new LinkError('the module\'s constant expressions read imported globals of different values, and rWasm compiles them to one value');
    }
    shared = value;
  }
  return shared ?? 0n;
}
