/**
 * `rwasm-ts/testing`: helpers for people who fuzz and property-test their programs with
 * fast-check (a peer dependency of this entry point only): program generators with results
 * known in advance, and coverage-guided inputs.
 */
export {
  wasmExpressionModule,
  rwasmExpressionProgram,
  evaluate,
  BINARY_OPERATORS,
  COMPARISONS,
  UNARY_OPERATORS,
  type Expression,
  type GeneratedWasm,
  type GeneratedRwasm,
  type IntType,
  type BinaryName,
  type CompareName,
  type UnaryName,
} from './expressions.js';
export { CoverageCorpus } from './coverage-corpus.js';
export { coverageIndex } from '../index.js';
