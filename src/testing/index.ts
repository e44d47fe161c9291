/**
 * `rwasm-ts/testing`: helpers for people who fuzz and property-test their programs with
 * fast-check (a peer dependency of this entry point only): program generators with results
 * known in advance, and coverage-guided inputs.
 */
export { wasmExpressionModule, rwasmExpressionProgram, evaluate, type Expression, type GeneratedWasm, type GeneratedRwasm, type IntType } from './expressions.js';
export { CoverageCorpus } from './coverage-corpus.js';
export { coverageIndex } from '../index.js';
