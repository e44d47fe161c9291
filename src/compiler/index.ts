export { compileWasm, type CompileResult } from './compile.js';
export { resolveConfig, fluentSystemConfig, DEFAULT_MAX_ALLOWED_MEMORY_PAGES, type CompilationConfig, type ResolvedConfig } from './config.js';
export { parseModule, ExternalKind, SectionId, type WasmModule, type Export, type Import, type ConstExpr, type ConstOp, type DataSegment, type ElementSegment, type FunctionBody } from './wasm/module.js';
export { typeName, type FuncType, type ValueType, type GlobalType, type Limits, type TableType } from './wasm/types.js';
export { validateWasm } from './validate.js';
