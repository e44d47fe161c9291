export { compileWasm, type CompileResult } from './compile.js';
export { resolveConfig, fluentSystemConfig, DEFAULT_MAX_ALLOWED_MEMORY_PAGES, type CompilationConfig, type ResolvedConfig } from './config.js';
export { parseModule, ExternalKind, type WasmModule, type Export, type Import } from './wasm/module.js';
export { typeName, type FuncType, type ValueType } from './wasm/types.js';
export { validateWasm } from './validate.js';
