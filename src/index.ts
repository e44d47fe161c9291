/**
 * rwasm-ts: a pure-TypeScript toolchain and engine for rWasm, Fluent's reduced WebAssembly.
 * This is the one public entry point.
 */
export { RwasmError, isRwasmError, type RwasmErrorCode } from './errors.js';
export * from './format/index.js';
export * from './interpreter/index.js';
export * from './compiler/index.js';
export * from './runtime/index.js';
export { codeGenerationAllowed, setDefaultTier, type Tier } from './compiled/index.js';
export * from './fluent/index.js';
