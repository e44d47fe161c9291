/**
 * A `WebAssembly` namespace with the JS API's shape, running every module on rWasm: code written
 * against `WebAssembly.instantiate` runs unchanged where the host has no WebAssembly (JIT-less
 * runtimes) or may not use it (a Content-Security-Policy without 'wasm-unsafe-eval'), when it is
 * handed this object or finds it installed on `globalThis`.
 */
import { RwasmError } from '../errors.js';
import { validateWasm } from '../compiler/validate.js';
import { CompileError, LinkError, RuntimeError } from './errors.js';
import { Global, Memory, Table } from './externals.js';
import { WasmInstance, type Imports, type InstanceOptions } from './instance.js';
import { WasmProgram, type CompileOptions, type ExternKind } from './program.js';

/** Engine settings of a facade: compile options, and the instance options besides imports. */
export type EngineOptions = CompileOptions & Omit<InstanceOptions, 'imports'>;

export interface ModuleExportDescriptor {
  readonly name: string;
  readonly kind: ExternKind;
}

export interface ModuleImportDescriptor {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternKind;
}

/** A Response-like source of bytes, as `compileStreaming` takes. */
export interface ByteSource {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The constructors and functions of the JS API's `WebAssembly` namespace. */
export interface WebAssemblyFacade {
  readonly Module: ModuleConstructor;
  readonly Instance: InstanceConstructor;
  readonly Memory: typeof Memory;
  readonly Table: typeof Table;
  readonly Global: typeof Global;
  readonly CompileError: typeof CompileError;
  readonly LinkError: typeof LinkError;
  readonly RuntimeError: typeof RuntimeError;
  validate(bytes: BufferSourceLike): boolean;
  compile(bytes: BufferSourceLike): Promise<FacadeModule>;
  instantiate(bytes: BufferSourceLike, imports?: Imports): Promise<{ module: FacadeModule; instance: FacadeInstance }>;
  instantiate(module: FacadeModule, imports?: Imports): Promise<FacadeInstance>;
  compileStreaming(source: ByteSource | Promise<ByteSource>): Promise<FacadeModule>;
  instantiateStreaming(source: ByteSource | Promise<ByteSource>, imports?: Imports): Promise<{ module: FacadeModule; instance: FacadeInstance }>;
}

export type BufferSourceLike = ArrayBuffer | ArrayBufferView;

export interface FacadeModule {
  readonly [Symbol.toStringTag]: string;
}
export interface FacadeInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}
export interface ModuleConstructor {
  new (bytes: BufferSourceLike): FacadeModule;
  exports(module: FacadeModule): ModuleExportDescriptor[];
  imports(module: FacadeModule): ModuleImportDescriptor[];
  customSections(module: FacadeModule, name: string): ArrayBuffer[];
}
export interface InstanceConstructor {
  new (module: FacadeModule, imports?: Imports): FacadeInstance;
}

/** Every facade's modules, so that a module compiled by one instantiates with another. */
const programs = new WeakMap<object, WasmProgram>();
const instances = new WeakMap<object, WasmInstance>();

function programOf(module: unknown): WasmProgram {
  const program = programs.get(module as object);
  if (program === undefined) throw new TypeError('WebAssembly.Instance(): the first argument must be a WebAssembly.Module of this engine');
  return program;
}

/** The bytes of a BufferSource, copied (the JS API reads them once, when it is called). */
function bytesOf(source: unknown): Uint8Array {
  if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  throw new TypeError('WebAssembly: the argument must be an ArrayBuffer or a typed array');
}

/** The WasmInstance behind an Instance of a facade (for fuel, tier, …), or undefined. */
export function wasmInstanceOf(instance: FacadeInstance): WasmInstance | undefined {
  return instances.get(instance);
}

/**
 * A `WebAssembly` namespace whose modules run on rWasm with `options`: e.g. a fuel limit, the
 * tier, or compiler fuel off (the default here, unless a fuel limit or engine metering is asked
 * for: JS API code has no notion of fuel).
 */
export function createWebAssembly(options: EngineOptions = {}): WebAssemblyFacade {
  const compileOptions: CompileOptions = {
    consumeFuel: options.consumeFuel ?? options.fuelLimit !== undefined,
    maxMemoryPages: options.maxMemoryPages,
    foreignFunctionSlots: options.foreignFunctionSlots,
  };
  const { consumeFuel: _fuel, maxMemoryPages: _pages, foreignFunctionSlots: _slots, ...instanceOptions } = options;
  void [_fuel, _pages, _slots];

  function compileProgram(bytes: Uint8Array): WasmProgram {
    return WasmProgram.compile(bytes, compileOptions);
  }

  class Module implements FacadeModule {
    constructor(bytes: BufferSourceLike) {
      programs.set(this, compileProgram(bytesOf(bytes)));
    }

    static exports(module: FacadeModule): ModuleExportDescriptor[] {
      return programOf(module).exports.map(({ name, kind }) => ({ name, kind }));
    }

    static imports(module: FacadeModule): ModuleImportDescriptor[] {
      return programOf(module).imports.map(({ module: from, name, kind }) => ({ module: from, name, kind }));
    }

    static customSections(module: FacadeModule, name: string): ArrayBuffer[] {
      const wanted = String(name);
      return programOf(module).wasm.customSections.filter((s) => s.name === wanted).map((s) => s.bytes.slice().buffer as ArrayBuffer);
    }

    get [Symbol.toStringTag](): string {
      return 'WebAssembly.Module';
    }
  }

  class Instance implements FacadeInstance {
    constructor(module: FacadeModule, imports?: Imports) {
      instances.set(this, WasmInstance.create(programOf(module), { ...instanceOptions, imports }));
    }

    get exports(): Readonly<Record<string, unknown>> {
      const instance = instances.get(this);
      if (instance === undefined) throw new TypeError('not a WebAssembly.Instance');
      return instance.exports;
    }

    get [Symbol.toStringTag](): string {
      return 'WebAssembly.Instance';
    }
  }

  function moduleFrom(bytes: Uint8Array): Module {
    const module = Object.create(Module.prototype) as Module;
    programs.set(module, compileProgram(bytes));
    return module;
  }

  async function compile(bytes: BufferSourceLike): Promise<FacadeModule> {
    const copy = bytesOf(bytes);
    await yieldToCaller();
    return moduleFrom(copy);
  }

  async function instantiate(source: BufferSourceLike | FacadeModule, imports?: Imports): Promise<unknown> {
    if (programs.has(source as object)) {
      await yieldToCaller();
      return new Instance(source as FacadeModule, imports);
    }
    const module = await compile(source as BufferSourceLike);
    return { module, instance: new Instance(module, imports) };
  }

  async function readSource(source: ByteSource | Promise<ByteSource>): Promise<Uint8Array> {
    const response = await source;
    if (response === null || typeof response !== 'object' || typeof response.arrayBuffer !== 'function') {
      throw new TypeError('WebAssembly: the streaming source must be a Response (or a promise of one)');
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  const facade = {
    Module,
    Instance,
    Memory,
    Table,
    Global,
    CompileError,
    LinkError,
    RuntimeError,
    validate(bytes: BufferSourceLike): boolean {
      const copy = bytesOf(bytes);
      try {
        validateWasm(copy);
        return true;
      } catch (error) {
        if (error instanceof RwasmError) return false;
        throw error;
      }
    },
    compile,
    instantiate: instantiate as WebAssemblyFacade['instantiate'],
    async compileStreaming(source: ByteSource | Promise<ByteSource>): Promise<FacadeModule> {
      return moduleFrom(await readSource(source));
    },
    async instantiateStreaming(source: ByteSource | Promise<ByteSource>, imports?: Imports) {
      const module = moduleFrom(await readSource(source));
      return { module, instance: new Instance(module, imports) };
    },
  };
  Object.defineProperty(facade, Symbol.toStringTag, { value: 'WebAssembly' });
  return facade;
}

/** The JS API promises settle after the call returns, never inside it. */
function yieldToCaller(): Promise<void> {
  return Promise.resolve();
}

/** A facade with the default options: compiler fuel off, the default tier, 2 GiB memories. */
export const WebAssembly: WebAssemblyFacade = createWebAssembly();

/**
 * Puts a facade on `target` (default `globalThis`) as `WebAssembly`, for code that reads the
 * global at call time; returns a function that puts back what was there.
 */
export function installWebAssembly(facade: WebAssemblyFacade = WebAssembly, target: object = globalThis): () => void {
  const had = Object.prototype.hasOwnProperty.call(target, 'WebAssembly');
  const previous = Object.getOwnPropertyDescriptor(target, 'WebAssembly');
  Object.defineProperty(target, 'WebAssembly', { value: facade, writable: true, configurable: true, enumerable: false });
  return () => {
    if (had && previous) Object.defineProperty(target, 'WebAssembly', previous);
    else delete (target as { WebAssembly?: unknown }).WebAssembly;
  };
}
