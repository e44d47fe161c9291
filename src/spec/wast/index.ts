/**
 * Parser for WebAssembly spec-test scripts (`.wast`). Pure TypeScript without host APIs, so it
 * runs in Node and in browsers alike.
 *
 * `parseWast(source)` returns the script's commands. Module contents are left to a `.wat`
 * parser: text and quote modules come back as text. When handing that text to the `wabt`
 * package, pass `encodeUtf8(text)` rather than the JS string — wabt's JS binding mis-encodes
 * non-ASCII strings (names.wast's exports would be rejected as invalid UTF-8).
 */
export { parseWast, parseWastEntries } from './parser.js';
export type {
  V128Shape,
  WastAction,
  WastCommand,
  WastCommandKind,
  WastEntry,
  WastExpected,
  WastLane,
  WastModule,
  WastValue,
} from './types.js';
export { WastSyntaxError } from './errors.js';
export { tokenize, stringTokenText, isIdChar } from './lexer.js';
export type { AnnotationToken, AtomToken, IdToken, ParenToken, StringToken, Token } from './lexer.js';
export { parseSExprs, groupTokens } from './sexpr.js';
export type { SExpr, SList } from './sexpr.js';
export { parseI32, parseI64, parseU32, parseIntBits } from './numbers.js';
export {
  parseF32Bits,
  parseF64Bits,
  parseFloatBits,
  roundRationalToBits,
  F32_FORMAT,
  F64_FORMAT,
  F32_CANONICAL_NAN,
  F64_CANONICAL_NAN,
} from './float-literals.js';
export type { FloatFormat } from './float-literals.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
