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
// Types the public API names (in fields, parameters and results) that their layers' index files
// do not list, so that users can write them down; test/package checks that none is missing.
export type { ChainTranslator, CompiledCode, TOO_LARGE, TranslationDemand, TranslationSource } from './interpreter/compiled-code.js';
export type { ExecutionContext, FatalKind } from './interpreter/execution.js';
export type { I64Kind } from './interpreter/i64.js';
export type { BlockEntry } from './interpreter/lazy-unit.js';
export type { Snippet } from './interpreter/snippets.js';
export type { Region } from './interpreter/units.js';
export type { CallInputs, CreateInputs, FrameEnding, FrameEnvironment, FrameOutcome, FrameRunner } from './fluent/frames.js';
export type { TransactionHost } from './fluent/transaction.js';
