/**
 * rwasm-ts/webassembly: existing Wasm, written for the WebAssembly JS API, run on rWasm where
 * the host has no WebAssembly engine or may not use it.
 *
 * - `WasmProgram` / `WasmInstance`: the typed API (one compilation serves every export; calls
 *   by name with JS values; fuel, top-up and tier).
 * - `WebAssembly`, `createWebAssembly`, `installWebAssembly`: the JS API facade.
 */
export { CompileError, LinkError, RuntimeError } from './errors.js';
export { Global, Memory, Table, MAX_TABLE_ELEMENTS, type GlobalDescriptor, type MemoryDescriptor, type TableDescriptor } from './externals.js';
export { WasmInstance, type Imports, type InstanceOptions, type OutOfFuelEvent, type TypedHostFunction } from './instance.js';
export { type LinkingRewrite } from './binary.js';
export { type ForeignSlot, type ForeignSlots } from './foreign.js';
export { WasmProgram, type CompileOptions, type CompiledVariant, type ExportDescriptor, type ExternKind, type ExternType, type FunctionSignature, type ImportDescriptor } from './program.js';
export { type ValueTypeName } from './values.js';
export {
  WebAssembly,
  createWebAssembly,
  installWebAssembly,
  wasmInstanceOf,
  type BufferSourceLike,
  type ByteSource,
  type EngineOptions,
  type FacadeInstance,
  type FacadeModule,
  type InstanceConstructor,
  type ModuleConstructor,
  type ModuleExportDescriptor,
  type ModuleImportDescriptor,
  type WebAssemblyFacade,
} from './facade.js';
